# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-rekey": Libreswan 4.10 (east) initiates IKEv2 PSK
# with salifetime=30s ikelifetime=45s rekeymargin=10s rekeyfuzz=0% (pfs=yes:
# its rekeys carry KE), so it rekeys the Child SA at 20 s and the IKE SA at
# 35 s; our pluto (west) answers each CREATE_CHILD_SA.  A ping runs through
# 40 s of it and loses nothing; Libreswan has its Child SA afterwards; its
# `whack --terminate` clears us.
PEER=libreswan
LSW_EXTRA=$'\tsalifetime=30s\n\tikelifetime=45s\n\trekeymargin=10s\n\trekeyfuzz=0%'
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
start_pluto west
log "set up: network, both daemons"

lsw_whack --name s2s --initiate > "$T/east/initiate.out" 2>&1
check "Libreswan's whack --initiate exit 0" test $? -eq 0
check "Libreswan has the Child SA" libreswan_has_child
ip netns exec east ping -q -c 200 -i 0.2 -W 1 -I 10.0.2.1 10.0.1.1 > "$T/east/ping.out" 2>&1
no_loss() { grep -q ' 0% packet loss' "$T/east/ping.out" || { cat "$T/east/ping.out" >&2; return 1; }; }
check "ping through 40 s of rekeys loses nothing" no_loss
check "we answered a Child SA rekey" grep -q '"s2s" #[0-9]*: responder rekeyed Child SA #2 using #1' "$T/west/pluto.log"
check "we answered an IKE SA rekey" grep -q '"s2s" #[0-9]*: responder rekeyed IKE SA #1' "$T/west/pluto.log"
check "nothing dropped as unexpected" bash -c "! grep -q 'dropping unexpected' '$T/west/pluto.log'"
check "Libreswan has the Child SA after the rekeys" libreswan_has_child
check "our trafficstatus shows one Child SA" test "$(tern_traffic | grep -c 'type=ESP')" = 1
lsw_whack --name s2s --terminate > "$T/east/terminate.out" 2>&1
check "Libreswan's whack --terminate exit 0" test $? -eq 0
check "west: no XFRM state left" wait_for 5 no_states west
check "west: no XFRM policy left" no_policies west
grep -E 'rekey|CREATE_CHILD' "$T/east/pluto.log" | head -12 | sed 's/^/east libreswan: /' >&2
grep -E 'rekey' "$T/west/pluto.log" | head -12 | sed 's/^/west pluto: /' >&2
stop_pluto west
