# scenario "ikev2-lifecycle": a tunnel that outlives both of its ends.
#  1. west's pluto is killed (SIGKILL) and started again: east still holds
#     the old IKE SA and Child SA (no DPD on east); west's first IKE_AUTH
#     carries INITIAL_CONTACT and east deletes the stale SAs at once, so
#     only the new Child SA is in east's kernel and a ping passes.
#  2. east's pluto is killed: west's liveness probe (dpddelay=2s) times out
#     (retransmit-timeout=5s), west revives the conn at once, then backs
#     off (attempt 2 in 5 s, attempt 3 in 10 s) while east is away; east
#     comes back and the next attempt brings the tunnel up again.
#  3. east is killed once more; while a revival is pending `ipsec down`
#     cancels it: nothing is initiated any more.
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
host_setup east
start_pluto east
start_pluto west

in_log() { grep -q -- "$2" "$T/$1/pluto.log"; }
wait_for() {   # wait_for SECONDS CMD... : CMD succeeds within SECONDS
    local n=$(($1 * 10)) i
    shift
    for ((i = 0; i < n; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
ping_ok() { ip netns exec west ping -q -c 2 -i 0.2 -W 2 -I 10.0.1.1 10.0.2.1 > /dev/null 2>&1; }
states() { ip -n "$1" xfrm state | grep -c '^src'; }
kill_pluto() {
    kill -KILL "${PLUTO_PID[$1]}"
    wait "${PLUTO_PID[$1]}" 2>/dev/null
    unset "PLUTO_PID[$1]"
    rm -f "$T/$1/run/pluto.ctl" "$T/$1/run/pluto.pid"
}

# The serials of phase 1 are read from the logs rather than assumed: once
# in a while (seen in CI, under load) west's first negotiation is revived
# before it completes and the numbers move on; what is checked is the same.
check "auto=start: the Child SA is up" \
    wait_for 20 in_log west '"life" #[0-9]*: initiator established Child SA using #'
if ! in_log west '"life" #2: initiator established Child SA using #1'; then
    log "note: west's first negotiation did not complete as #1/#2:"
    grep -E 'timeout|revival|retransmit|established' "$T/west/pluto.log" | sed 's/^/  west: /' >&2
fi
check "west's first IKE_AUTH carries INITIAL_CONTACT" \
    in_log east '"life" #[0-9]*: processing decrypted IKE_AUTH request containing SK{IDi,N(INITIAL_CONTACT),AUTH,SA,TSi,TSr}'
check "ping through the tunnel" ping_ok
# east's IKE SA and Child SA now (the ones that go stale)
last_serial() { grep -o "\"life\" #[0-9]*: $2" "$T/$1/pluto.log" | tail -n 1 | sed 's/^"life" #\([0-9]*\):.*/\1/'; }
ike1=$(last_serial east 'responder established IKE SA')
child1=$(last_serial east 'responder established Child SA')
log "east's IKE SA #$ike1, Child SA #$child1"

# ---- 1. west restarts: INITIAL_CONTACT ----
kill_pluto west
# west's log starts over
mv "$T/west/pluto.log" "$T/west/pluto.first.log"
check "east keeps the stale Child SA (2 states)" test "$(states east)" = 2
start_pluto west
check "west again: the Child SA is up" \
    wait_for 20 in_log west '"life" #2: initiator established Child SA using #1'
ike2=$(last_serial east 'received INITIAL_CONTACT: replacing IKE SA')
check "east: INITIAL_CONTACT replaces the stale IKE SA" \
    in_log east "\"life\" #$ike2: received INITIAL_CONTACT: replacing IKE SA #$ike1\$"
check "east: the stale IKE SA deleted without notification" \
    in_log east "\"life\" #$ike1: deleting IKE SA (ESTABLISHED_IKE_SA) without notification: replaced by #$ike2\$"
check "east: the stale Child SA's counters" in_log east "\"life\" #$child1: ESP traffic information: in="
check "east: the new Child SA" in_log east "\"life\" #[0-9]*: responder established Child SA using #$ike2;"
check "east: only the new Child SA in the kernel" test "$(states east)" = 2
check "ping through the new tunnel" ping_ok
tx east
run east ipsec trafficstatus

# ---- 2. east dies: DPD, revival with backoff ----
kill_pluto east
t0=$SECONDS
check "west: liveness action within dpddelay + retransmit-timeout + 4 s" \
    wait_for 11 in_log west '"life" #1: liveness action - restarting all connections that share this peer'
log "liveness action $((SECONDS - t0)) s after the kill"
check "west: revival attempt 1 at once" \
    in_log west '"life" #1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds'
check "west: reviving" \
    wait_for 2 in_log west '"life": reviving connection which timed out but must remain up per local policy (serial $1)'
check "west: attempt 1 times out, attempt 2 in 5 s" \
    wait_for 8 in_log west '"life" #3: connection is supposed to remain up; revival attempt 2 scheduled in 5 seconds'
check "west: attempt 2 times out, attempt 3 in 10 s" \
    wait_for 13 in_log west '"life" #4: connection is supposed to remain up; revival attempt 3 scheduled in 10 seconds'
check "west: the old Child SA left the kernel" test "$(states west)" = 0
mv "$T/east/pluto.log" "$T/east/pluto.first.log"
start_pluto east
check "attempt 3 brings the tunnel up" \
    wait_for 15 in_log west '"life" #6: initiator established Child SA using #5'
check "ping through the revived tunnel" ping_ok
tx west
run west ipsec trafficstatus

# ---- 3. ipsec down cancels a pending revival ----
kill_pluto east
check "west: revival attempt 2 scheduled again" \
    wait_for 20 in_log west '"life" #7: connection is supposed to remain up; revival attempt 2 scheduled in 5 seconds'
run west ipsec down life
check "west: the revival is cancelled" in_log west '"life": cancelling the scheduled revival'
sleep 7
check "west: nothing initiated after ipsec down" bash -c "! grep -q '\"life\" #8: initiating' '$T/west/pluto.log'"
stop_pluto west
