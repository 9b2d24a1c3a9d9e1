# scenario "ikev2-dpd": liveness.  Both plutos have conn "dpd" with
# dpddelay=2s retransmit-timeout=6s; west's is auto=start and brings it up.  East's
# pluto is killed (SIGKILL): west's liveness probe goes unanswered, and
# within dpddelay + retransmit-timeout (+ slack) west tears the IKE SA and
# its Child SA down ("liveness action") and revives the conn at once; east
# is started again, the revived IKE SA comes up and a ping crosses again.
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
host_setup east
start_pluto east
start_pluto west

established() { grep -q "$1" "$T/west/pluto.log"; }
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

# the serials are read from the log, not assumed: when west's very first
# IKE_SA_INIT goes unanswered for retransmit-timeout, that attempt is
# revived and every number moves on (seen once under CI load)
last_serial() { grep -o "\"dpd\" #[0-9]*: $1" "$T/west/pluto.log" | tail -n 1 | sed 's/^"dpd" #\([0-9]*\):.*/\1/'; }
established_n() { [ "$(grep -c '"dpd" #[0-9]*: initiator established Child SA using #' "$T/west/pluto.log")" -ge "$1" ]; }
check "auto=start: the Child SA is up" wait_for 30 established_n 1
ike1=$(grep -o '"dpd" #[0-9]*: initiator established Child SA using #[0-9]*' "$T/west/pluto.log" | head -n 1 | sed 's/.*using #//')
log "west's IKE SA #$ike1"
if [ "$ike1" != 1 ]; then
    log "note: west's first attempt did not complete; its retransmits and revival:"
    grep -E 'retransmit|revival|timeout' "$T/west/pluto.log" | head -n 20 >&2
fi
check "ping through the tunnel" ping_ok
check "probes answered while east lives (4 s idle)" sleep 4
check "still up after idle probes" bash -c "! grep -q 'liveness action' '$T/west/pluto.log'"

# east dies without a word
kill -KILL "${PLUTO_PID[east]}"
wait "${PLUTO_PID[east]}" 2>/dev/null
unset "PLUTO_PID[east]"
rm -f "$T/east/run/pluto.ctl" "$T/east/run/pluto.pid"
t0=$SECONDS
check "west: liveness action within dpddelay + retransmit-timeout + 4 s" \
    wait_for 12 established "\"dpd\" #$ike1: liveness action - restarting all connections that share this peer"
log "liveness action $((SECONDS - t0)) s after the kill"
check "west: the timeout line" \
    grep -q "\"dpd\" #$ike1: ESTABLISHED_IKE_SA: 6 second timeout exceeded after [0-9]* retransmits.  No response (or no acceptable response) to our IKEv2 message" "$T/west/pluto.log"
check "west: revival line" \
    grep -q "\"dpd\" #$ike1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds" "$T/west/pluto.log"
check "west: the old Child SA left the kernel" bash -c "! ip -n west xfrm state | grep -q '^src'"
ike2=$(last_serial 'initiating IKEv2 connection to 192.0.2.2 using UDP')
check "west: revived, initiating a new IKE SA" test "${ike2:-0}" -gt "$ike1"

# east comes back while west's revival is still retransmitting
start_pluto east
check "the revived IKE SA brings the Child SA up again" wait_for 20 established_n 2
check "ping through the revived tunnel" ping_ok
tx west
run west ipsec trafficstatus

stop_pluto west
stop_pluto east
