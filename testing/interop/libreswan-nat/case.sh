# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-nat": UDP encapsulation with Libreswan 4.10, no
# NAT in between, forced from either side (as charon-nat does with charon):
#   1. our conn "forced" has encapsulation=yes (our source hash is over
#      port 0); Libreswan (encapsulation=auto) answers: both float to 4500
#      and put ESP in UDP;
#   2. Libreswan has encapsulation=yes and initiates; our conn "s2s"
#      (auto) sees "the peer is behind a NAT", follows it to 4500 and
#      encapsulates.
# Each time: two espinudp 4500/4500 states per kernel, ping both ways, ESP
# counters > 0 on both sides; the Delete clears both sides.
PEER=libreswan
interop_net
log "network up"
tern_conf
tern_conn forced 'aes_gcm256-sha2_512;dh19' aes_gcm256
printf '\tencapsulation=yes\n' >> "$T/west/ipsec.conf"
tern_conn s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
start_pluto west
log "set up: network, both daemons"

# encapsulated HOST : exactly two states, both ESP in UDP 4500 -> 4500
encapsulated() {
    [ "$(ip -n "$1" xfrm state | grep -c '^src')" = 2 ] &&
        [ "$(ip -n "$1" xfrm state | grep -c 'encap type espinudp sport 4500 dport 4500')" = 2 ]
}
encap_tunnel_works() {
    check "$1: $PEER has the Child SA" peer_has_child
    check "$1: west: ESP in UDP 4500/4500 both ways" encapsulated west
    check "$1: east: ESP in UDP 4500/4500 both ways" encapsulated east
    check "$1: ping west -> east through the tunnel" ping_through west
    check "$1: ping east -> west through the tunnel" ping_through east
    xfrm_dump west "$1"; xfrm_dump east "$1"
    check "$1: west ESP counters > 0 (ip -s xfrm state)" counted west
    check "$1: east ESP counters > 0 (ip -s xfrm state)" counted east
    check "$1: our trafficstatus counts both ways" tern_counted
}

tx west
run west ipsec up forced
check "forced: ipsec up exit 0 (we initiate)" test $? -eq 0
encap_tunnel_works "forced, we initiate"
run west ipsec trafficstatus
run west ipsec down forced
check "forced: ipsec down exit 0" test $? -eq 0
all_gone "forced, our Delete"
run west ipsec delete forced

libreswan_stop
LSW_EXTRA=$'\tencapsulation=yes' libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
peer_initiate
check "Libreswan encapsulation=yes: it initiates, exit 0" test $? -eq 0
encap_tunnel_works "Libreswan encapsulation=yes"
check "Libreswan encapsulation=yes: we saw its faked NAT" \
    grep -q '"s2s" #[0-9]*: NAT-Traversal: the peer is behind a NAT; ESP goes in UDP/4500' "$T/west/pluto.log"
run west ipsec trafficstatus
peer_terminate
check "Libreswan encapsulation=yes: it terminates, exit 0" test $? -eq 0
all_gone "Libreswan encapsulation=yes, its Delete"
note "our pluto's log, times removed"
run host sed -n -E '/ #[0-9]+: (NAT|new NAT mapping|.*established Child SA)/s/^[^"]*"/"/p' "$T/west/pluto.log"
stop_pluto west
