# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-tern-initiates": our pluto (west) initiates IKEv2
# PSK to Libreswan 4.10's pluto (east) responding, both with
# ike=aes_gcm256-sha2_512;dh19 esp=aes_gcm256.  Ping both ways through the
# tunnel, ESP counters > 0 on both sides, trafficstatus lines on both; then
# our `ipsec down` sends the Delete and Libreswan's SAs and states are gone.
PEER=libreswan
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
start_pluto west
log "set up: network, both daemons"

tx west
t=$EPOCHREALTIME
run west ipsec up s2s
check "ipsec up s2s exit 0" test $? -eq 0
log "tern -> Libreswan: ipsec up took $(elapsed "$t") s"
check "Libreswan has the Child SA" libreswan_has_child
check "ping west -> east through the tunnel" ping_through west
check "ping east -> west through the tunnel" ping_through east
xfrm_dump west "after ping"; xfrm_dump east "after ping"
check "west ESP counters > 0 (ip -s xfrm state)" counted west
check "east ESP counters > 0 (ip -s xfrm state)" counted east
check "our trafficstatus counts both ways" tern_counted
check "no UDP-encapsulated ESP on either side (NAT detection agrees)" no_encap
check "Libreswan's trafficstatus counts both ways" \
    bash -c "$(declare -f lsw_whack); LSW_X='$LSW_X' T='$T' lsw_whack --trafficstatus | grep -Eq 'inBytes=[1-9][0-9]*, outBytes=[1-9][0-9]*'"
run west ipsec trafficstatus
t=$EPOCHREALTIME
run west ipsec down s2s
check "ipsec down s2s exit 0" test $? -eq 0
check "Libreswan saw the Delete: no IKE/Child SA left" wait_for 5 libreswan_no_sas
check "east: no XFRM state left" wait_for 5 no_states east
check "west: no XFRM state left" no_states west
xfrm_dump west "after down"; xfrm_dump east "after down"
check "west: no XFRM policy left" no_policies west
log "delete round trip took $(elapsed "$t") s"
grep -E 'Delete|delet' "$T/east/pluto.log" | sed 's/^/east Libreswan: /' >&2
stop_pluto west
