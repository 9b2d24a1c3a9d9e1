# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-suites": non-default algorithm suites with strongSwan
# charon (kernel-netlink), each suite both ways (we initiate, then charon
# initiates):
#   cbc-modp2048   ike=aes256-sha2_256-modp2048 esp=aes256-sha2_256
#                  (charon aes256-sha256-modp2048 / aes256-sha256)
#   chacha-ecp256  ike=chacha20_poly1305-sha2_256-dh19 esp=chacha20_poly1305
#                  (charon chacha20poly1305-prfsha256-ecp256 / chacha20poly1305)
# Each time: ping both ways, ESP counters > 0 on both sides, our
# trafficstatus; the Delete leaves no SA, state or policy on either side.
PEER=charon
interop_net
log "network up"
tern_conf
tern_conn cbc-modp2048 aes256-sha2_256-modp2048 aes256-sha2_256 ignore
tern_conn chacha-ecp256 chacha20_poly1305-sha2_256-dh19 chacha20_poly1305 ignore
charon_start aes256-sha256-modp2048 aes256-sha256
start_pluto west
log "set up: network, both daemons"

tunnel_works() {   # tunnel_works WHAT
    check "$1: charon has the Child SA installed" charon_has_child
    check "$1: ping west -> east through the tunnel" ping_through west
    check "$1: ping east -> west through the tunnel" ping_through east
    xfrm_dump west "$1"; xfrm_dump east "$1"
    check "$1: west ESP counters > 0 (ip -s xfrm state)" counted west
    check "$1: east ESP counters > 0 (ip -s xfrm state)" counted east
    check "$1: our trafficstatus counts both ways" tern_counted
}
all_gone() {       # all_gone WHAT
    check "$1: charon: no IKE/Child SA left" wait_for 5 charon_no_sas
    check "$1: west: no Child SA in trafficstatus" wait_for 5 tern_no_child
    check "$1: west: no XFRM state left" wait_for 5 no_states west
    check "$1: east: no XFRM state left" wait_for 5 no_states east
    check "$1: west: no XFRM policy left" no_policies west
    check "$1: east: no XFRM policy left" wait_for 5 no_policies east
}

tx west
for suite in cbc-modp2048 chacha-ecp256; do
    case $suite in
        chacha-ecp256) charon_load chacha20poly1305-prfsha256-ecp256 chacha20poly1305 ;;
    esac
    run west ipsec add $suite
    check "$suite: ipsec add exit 0" test $? -eq 0

    t=$EPOCHREALTIME
    run west ipsec up $suite
    check "$suite: ipsec up exit 0 (we initiate)" test $? -eq 0
    log "$suite: tern -> charon took $(elapsed "$t") s"
    tunnel_works "$suite, we initiate"
    run west ipsec trafficstatus
    run west ipsec down $suite
    check "$suite: ipsec down exit 0" test $? -eq 0
    all_gone "$suite, our Delete"

    t=$EPOCHREALTIME
    sw --initiate --ike s2s --child s2s --timeout 30 >> "$T/east/initiate.out" 2>&1
    check "$suite: swanctl --initiate exit 0 (charon initiates)" test $? -eq 0
    log "$suite: charon -> tern took $(elapsed "$t") s"
    tunnel_works "$suite, charon initiates"
    run west ipsec trafficstatus
    sw --terminate --ike s2s --timeout 10 >> "$T/east/terminate.out" 2>&1
    check "$suite: swanctl --terminate exit 0" test $? -eq 0
    all_gone "$suite, charon's Delete"
    run west ipsec delete $suite
done
note "our pluto's log as responder, times removed"
run host sed -n -E '/ #[0-9]+: (sent IKE_SA_INIT response|responder established)/s/^[^"]*"/"/p' "$T/west/pluto.log"
stop_pluto west
