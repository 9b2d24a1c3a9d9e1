# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-dpd": liveness, revival and INITIAL_CONTACT against
# strongSwan charon (east, dpd_delay 1 s).  Our conn is auto=start with
# dpddelay=2s retransmit-timeout=6s.
#  1. we bring the tunnel up; idle, each side's liveness checks are answered
#     (charon probes us every second, we probe it).
#  2. charon is killed (SIGKILL): our probe goes unanswered, we tear down
#     ("liveness action") and revive at once; the attempt times out and the
#     next is scheduled 5 s later.  charon is started again and our revival
#     brings the tunnel up: ping both ways.
#  3. charon is killed and started again at once and initiates itself: its
#     IKE_AUTH carries INITIAL_CONTACT and we delete the stale IKE SA and
#     Child SA at once; one Child SA left, ping both ways.
#  4. our pluto is killed and started again: our IKE_AUTH carries
#     INITIAL_CONTACT and charon drops its stale IKE SA; one IKE SA on charon.
#  5. charon deletes the IKE SA (swanctl --terminate): we revive at once;
#     our `ipsec down` then clears both sides for good.
PEER=charon
CHARON_DPD=1
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256 start
printf '\tdpddelay=2s\n\tretransmit-timeout=6s\n' >> "$T/west/ipsec.conf"
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
start_pluto west
log "set up: network, both daemons"

in_log() { grep -q -- "$1" "$T/west/pluto.log"; }
kill_charon() {
    kill -KILL "$PEER_PID"
    wait "$PEER_PID" 2>/dev/null
    PEER_PID=
    rm -f "$T/east/charon.vici"
    # charon leaves its kernel state behind; a restarted charon starts afresh
    ip -n east xfrm state flush
    ip -n east xfrm policy flush
}
charon_ike_sas() { charon_sas | grep -c 'ESTABLISHED'; }

# ---- 1 ----
check "auto=start: our Child SA is up" wait_for 20 in_log '"s2s" #2: initiator established Child SA using #1'
check "charon has the Child SA installed" wait_for 5 charon_has_child
tunnel_works "1, we initiate"
dpd_answered() { [ "$(grep -Ec 'parsed INFORMATIONAL response [0-9]+ \[ \]' "$T/east/charon.log")" -ge 2 ]; }
check "charon's liveness checks answered (2 empty INFORMATIONAL responses)" wait_for 10 dpd_answered
sleep 3
check "charon never retransmitted a request" bash -c "! grep -q 'retransmit .* of request' '$T/east/charon.log'"
check "our probes answered: no liveness action" bash -c "! grep -q 'liveness action' '$T/west/pluto.log'"

# ---- 2 ----
kill_charon
t0=$SECONDS
check "liveness action within dpddelay + retransmit-timeout + 4 s" \
    wait_for 12 in_log '"s2s" #1: liveness action - restarting all connections that share this peer'
log "liveness action $((SECONDS - t0)) s after the kill"
check "revival attempt 1 at once" in_log '"s2s" #1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds'
check "revival attempt 2 in 5 s" \
    wait_for 10 in_log '"s2s" #3: connection is supposed to remain up; revival attempt 2 scheduled in 5 seconds'
check "west: the dead tunnel left the kernel" no_states west
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
check "revival attempt 2 brings the tunnel up" \
    wait_for 15 in_log '"s2s" #5: initiator established Child SA using #4'
check "charon has the Child SA installed" wait_for 5 charon_has_child
tunnel_works "2, revived"

# ---- 3 ----
kill_charon
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
sw --initiate --ike s2s --child s2s --timeout 30 > "$T/east/initiate.out" 2>&1
check "swanctl --initiate exit 0" test $? -eq 0
check "charon's IKE_AUTH carries INITIAL_CONTACT" \
    in_log '"s2s" #6: processing decrypted IKE_AUTH request containing SK{IDi,N(INITIAL_CONTACT),'
check "we replace the stale IKE SA" in_log '"s2s" #6: received INITIAL_CONTACT: replacing IKE SA #4'
check "the stale IKE SA goes without notification" \
    in_log '"s2s" #4: deleting IKE SA (ESTABLISHED_IKE_SA) without notification: replaced by #6'
check "one Child SA left on our side" test "$(tern_traffic | grep -c 'type=ESP')" = 1
check "west: one SA pair in the kernel" test "$(ip -n west xfrm state | grep -c '^src')" = 2
tunnel_works "3, charon initiates after its restart"

# ---- 4 ----
kill -KILL "${PLUTO_PID[west]}"
wait "${PLUTO_PID[west]}" 2>/dev/null
unset "PLUTO_PID[west]"
rm -f "$T/west/run/pluto.ctl" "$T/west/run/pluto.pid"
mv "$T/west/pluto.log" "$T/west/pluto.log.1"
start_pluto west
check "we come back up (auto=start)" wait_for 20 in_log '"s2s" #2: initiator established Child SA using #1'
check "charon keeps one IKE SA (ours replaced its stale one)" wait_for 5 test "$(charon_ike_sas)" = 1
tunnel_works "4, after our restart"
grep -E 'DPD|INITIAL_CONTACT|deleting|uniqueness' "$T/east/charon.log" | tail -12 | sed 's/^/east charon: /' >&2
# charon deletes the IKE SA: ours is auto=start, it comes back at once
sw --terminate --ike s2s --timeout 10 > "$T/east/terminate.out" 2>&1
check "swanctl --terminate exit 0" test $? -eq 0
check "the peer's Delete: revival attempt 1 at once" \
    wait_for 5 in_log '"s2s" #1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds'
check "reviving after the peer's Delete" \
    wait_for 5 in_log '"s2s": reviving connection which was deleted by the peer but must remain up per local policy (serial $1)'
check "the revived tunnel is up" wait_for 10 in_log '"s2s" #4: initiator established Child SA using #3'
# our ipsec down: no revival of that
run west ipsec down s2s
check "ipsec down exit 0" test $? -eq 0
check "west: no XFRM state left" wait_for 5 no_states west
check "west: no XFRM policy left" no_policies west
check "charon: no SA left" wait_for 5 charon_no_sas
sleep 2
check "no revival after ipsec down" bash -c "! grep -q '\"s2s\" #5: initiating' '$T/west/pluto.log'"
stop_pluto west
