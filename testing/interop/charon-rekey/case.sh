# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-rekey": strongSwan charon (east) initiates IKEv2 PSK
# and then rekeys with CREATE_CHILD_SA: its Child SA every 10 s
# (CHARON_CHILD_REKEY, with PFS: esp aes256gcm16-ecp256 and our pfs=yes
# with the IKE SA's group) and its IKE SA every 25 s (CHARON_IKE_REKEY);
# our pluto (west) answers each one.  A ping runs through 30 s of rekeys
# and loses nothing (charon rekeys a Child SA on the kernel's soft expire:
# with rekey_time 4 s its hard expire came first, and it deleted and
# re-created the Child SA instead); charon never retransmits a CREATE_CHILD_SA request;
# afterwards one Child SA is installed and charon's Delete clears us.
PEER=charon
CHARON_CHILD_REKEY=10s
CHARON_IKE_REKEY=25s
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16-ecp256
start_pluto west
log "set up: network, both daemons"

sw --initiate --ike s2s --child s2s --timeout 30 > "$T/east/initiate.out" 2>&1
check "swanctl --initiate exit 0" test $? -eq 0
check "charon has the Child SA installed" charon_has_child
ip netns exec east ping -q -c 150 -i 0.2 -W 1 -I 10.0.2.1 10.0.1.1 > "$T/east/ping.out" 2>&1
no_loss() { grep -q ' 0% packet loss' "$T/east/ping.out" || { cat "$T/east/ping.out" >&2; return 1; }; }
check "ping through 30 s of rekeys loses nothing" no_loss
child_rekeys() { grep -c '"s2s" #[0-9]*: responder rekeyed Child SA #[0-9]* using #' "$T/west/pluto.log"; }
ike_rekeys() { grep -c '"s2s" #[0-9]*: responder rekeyed IKE SA #[0-9]*' "$T/west/pluto.log"; }
check "we answered at least 2 Child SA rekeys" test "$(child_rekeys)" -ge 2
check "we answered at least 1 IKE SA rekey" test "$(ike_rekeys)" -ge 1
check "the rekeyed Child SAs use PFS (DH19)" grep -q 'responder rekeyed Child SA .*xfrm=AES_GCM_16_256-DH19 ' "$T/west/pluto.log"
check "charon never retransmitted a request" bash -c "! grep -q 'retransmit .* of request' '$T/east/charon.log'"
check "nothing dropped as unexpected" bash -c "! grep -q 'dropping unexpected' '$T/west/pluto.log'"
check "charon has the Child SA installed after the rekeys" charon_has_child
check "our trafficstatus shows one Child SA" test "$(tern_traffic | grep -c 'type=ESP')" = 1
# the replaced Child SAs' inbound SAs stay 5 s for packets in flight
one_pair() { [ "$(ip -n west xfrm state | grep -c '^src')" = 2 ]; }
check "west: one SA pair in the kernel" wait_for 10 one_pair
sw --terminate --ike s2s --timeout 10 > "$T/east/terminate.out" 2>&1
check "swanctl --terminate exit 0" test $? -eq 0
check "west: no XFRM state left" wait_for 5 no_states west
check "west: no XFRM policy left" no_policies west
grep -E 'rekey|CREATE_CHILD_SA' "$T/east/charon.log" | head -20 | sed 's/^/east charon: /' >&2
grep -E 'rekey' "$T/west/pluto.log" | head -20 | sed 's/^/west pluto: /' >&2
stop_pluto west
