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

tx west
for suite in cbc-modp2048 chacha-ecp256; do
    case $suite in
        chacha-ecp256) charon_load chacha20poly1305-prfsha256-ecp256 chacha20poly1305 ;;
    esac
    run west ipsec add $suite
    check "$suite: ipsec add exit 0" test $? -eq 0

    both_ways $suite
    run west ipsec delete $suite
done
note "our pluto's log as responder, times removed"
run host sed -n -E '/ #[0-9]+: (sent IKE_SA_INIT response|responder established)/s/^[^"]*"/"/p' "$T/west/pluto.log"
stop_pluto west
