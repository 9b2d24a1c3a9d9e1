# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-peer-initiates": strongSwan charon with kernel-netlink
# (east) initiates IKEv2 PSK with `swanctl --initiate`, our pluto (west)
# responds; ike=aes_gcm256-sha2_512;dh19 esp=aes_gcm256.  Ping both ways,
# ESP counters > 0 on both sides, our trafficstatus line; then charon's
# `swanctl --terminate` sends the Delete and our SAs, states and policies go.
# charon runs liveness checks (dpd_delay = 1 s): we answer its empty
# INFORMATIONAL requests (RFC 7296 1.4) and the IKE SA stays up.
PEER=charon
CHARON_DPD=1
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
start_pluto west
log "set up: network, both daemons"

t=$EPOCHREALTIME
sw --initiate --ike s2s --child s2s --timeout 30 > "$T/east/initiate.out" 2>&1
check "swanctl --initiate exit 0" test $? -eq 0
log "charon -> tern: swanctl --initiate took $(elapsed "$t") s"
check "charon has the Child SA installed" charon_has_child
check "we log the responder's IKE SA" \
    grep -q '"s2s" #1: responder established IKE SA; authenticated peer using authby=secret and FQDN .@east.' "$T/west/pluto.log"
check "we log the responder's Child SA" \
    grep -q '"s2s" #2: responder established Child SA using #1; IPsec tunnel \[10.0.1.0/24===10.0.2.0/24\]' "$T/west/pluto.log"
check "ping east -> west through the tunnel" ping_through east
check "ping west -> east through the tunnel" ping_through west
xfrm_dump west "after ping"; xfrm_dump east "after ping"
check "west ESP counters > 0 (ip -s xfrm state)" counted west
check "east ESP counters > 0 (ip -s xfrm state)" counted east
check "our trafficstatus counts both ways" tern_counted
check "no UDP-encapsulated ESP on either side (NAT detection agrees)" no_encap
tx west
run west ipsec trafficstatus
# liveness: charon sends an empty INFORMATIONAL request after 1 s without
# inbound traffic; wait for two answered ones
dpd_answered() { [ "$(grep -Ec 'parsed INFORMATIONAL response [0-9]+ \[ \]' "$T/east/charon.log")" -ge 2 ]; }
check "charon's liveness checks answered (2 empty INFORMATIONAL responses)" wait_for 10 dpd_answered
check "charon still has the Child SA after liveness checks" charon_has_child
grep -E 'DPD|INFORMATIONAL' "$T/east/charon.log" | sed 's/^/east charon: /' >&2
t=$EPOCHREALTIME
sw --terminate --ike s2s --timeout 10 > "$T/east/terminate.out" 2>&1
check "swanctl --terminate exit 0" test $? -eq 0
check "we saw the Delete: no Child SA in trafficstatus" wait_for 5 tern_no_child
check "west: no XFRM state left" wait_for 5 no_states west
xfrm_dump west "after delete"; xfrm_dump east "after delete"
check "west: no XFRM policy left" no_policies west
check "east: no XFRM state left" no_states east
check "charon: no IKE/Child SA left" charon_no_sas
log "delete round trip took $(elapsed "$t") s"
run west ipsec showstates
note "our pluto's log of the exchanges (responder), times removed"
run host sed -n 's/^[^"]*"s2s"/"s2s"/p' "$T/west/pluto.log"
stop_pluto west
