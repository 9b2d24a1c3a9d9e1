# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-tern-initiates": our pluto (west) initiates IKEv2 PSK
# to strongSwan charon with kernel-netlink (east) responding;
# ike=aes_gcm256-sha2_512;dh19 esp=aes_gcm256.  Ping both ways through the
# tunnel, ESP counters > 0 on both sides, our trafficstatus line; then our
# `ipsec down` sends the Delete and charon's SAs (and XFRM states) are gone.
PEER=charon
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
start_pluto west
log "set up: network, both daemons"

tx west
t=$EPOCHREALTIME
run west ipsec up s2s
check "ipsec up s2s exit 0" test $? -eq 0
log "tern -> charon: ipsec up took $(elapsed "$t") s"
check "charon has the Child SA installed" charon_has_child
check "ping west -> east through the tunnel" ping_through west
check "ping east -> west through the tunnel" ping_through east
xfrm_dump west "after ping"; xfrm_dump east "after ping"
check "west ESP counters > 0 (ip -s xfrm state)" counted west
check "east ESP counters > 0 (ip -s xfrm state)" counted east
check "our trafficstatus counts both ways" tern_counted
check "no UDP-encapsulated ESP on either side (NAT detection agrees)" no_encap
run west ipsec trafficstatus
t=$EPOCHREALTIME
run west ipsec down s2s
check "ipsec down s2s exit 0" test $? -eq 0
check "charon saw the Delete: no IKE/Child SA left" wait_for 5 charon_no_sas
check "east: no XFRM state left" wait_for 5 no_states east
check "west: no XFRM state left" no_states west
xfrm_dump west "after down"; xfrm_dump east "after down"
check "west: no XFRM policy left" no_policies west
check "east: no XFRM policy left" wait_for 5 no_policies east
log "delete round trip took $(elapsed "$t") s"
grep -E 'received DELETE|deleting|closing' "$T/east/charon.log" | sed 's/^/east charon: /' >&2
stop_pluto west
