# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-peer-initiates": Libreswan 4.10's pluto (east)
# initiates IKEv2 PSK (`whack --initiate`, what `ipsec auto --up` does), our
# pluto (west) responds; ike=aes_gcm256-sha2_512;dh19 esp=aes_gcm256 on
# both.  Ping both ways, ESP counters > 0 on both sides, trafficstatus on
# both; then Libreswan's `whack --terminate` (`ipsec auto --down`) sends the
# Delete and our SAs, states and policies go.
PEER=libreswan
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
start_pluto west
log "set up: network, both daemons"

t=$EPOCHREALTIME
lsw_whack --name s2s --initiate > "$T/east/initiate.out" 2>&1
check "Libreswan's whack --initiate exit 0" test $? -eq 0
log "Libreswan -> tern: whack --initiate took $(elapsed "$t") s"
check "Libreswan has the Child SA" libreswan_has_child
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
t=$EPOCHREALTIME
lsw_whack --name s2s --terminate > "$T/east/terminate.out" 2>&1
check "Libreswan's whack --terminate exit 0" test $? -eq 0
check "we saw the Delete: no Child SA in trafficstatus" wait_for 5 tern_no_child
check "west: no XFRM state left" wait_for 5 no_states west
xfrm_dump west "after delete"; xfrm_dump east "after delete"
check "west: no XFRM policy left" no_policies west
check "east: no XFRM state left" no_states east
check "Libreswan: no IKE/Child SA left" libreswan_no_sas
log "delete round trip took $(elapsed "$t") s"
run west ipsec showstates
note "our pluto's log of the exchanges (responder), times removed"
run host sed -n 's/^[^"]*"s2s"/"s2s"/p' "$T/west/pluto.log"
stop_pluto west
