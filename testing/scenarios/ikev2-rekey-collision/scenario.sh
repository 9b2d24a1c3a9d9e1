# scenario "ikev2-rekey-collision": both ends rekey at once (RFC 7296
# 2.8.1 Child SA, 2.8.2 IKE SA).  The link delays every packet by 300 ms
# each way (netem on both veth ends), and `ipsec whack --rekey-child` /
# `--rekey-ike` start on west and east at the same moment: each end sends
# its CREATE_CHILD_SA request before the peer's arrives, so the requests
# cross.  Both ends must log the collision and agree on the survivor: one
# SA pair (one IKE SA) left each side, the Child SA on the surviving IKE
# SA, and a ping running through it all loses nothing.
#
# NOT registered in meson.build: the collisions are resolved right, but
# the ping loses 1-3 packets per 300 ms of one-way delay at the Child SA
# rekey: the end that deletes an SA pair (the old one, or the redundant
# new one) removes its inbound SA at once, while the peer's packets on it
# (the xfrm bundle keeps the peer's traffic on the SA it used until that
# SA is gone) are still in flight.  Make-before-break under latency needs
# the inbound SA kept a little longer after the outbound one goes
# (strongSwan's delete_rekeyed_delay does that).
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
for h in west east; do
    ip netns exec "$h" tc qdisc add dev eth0 root netem delay 300ms ||
        fail "$h: tc qdisc add dev eth0 root netem delay 300ms (sch_netem)"
done
host_setup west
host_setup east
start_pluto west
start_pluto east

nstates() { ip -n "$1" xfrm state | grep -c '^src'; }
# count HOST WHAT : lines of `ipsec whack --showstates` with WHAT
count() {
    ip netns exec "$1" "$IPSEC" whack --rundir "$T/$1/run" --showstates 2>&1 | grep -c "$2"
}
# settled HOST IKE CHILD : within 10 s, HOST has IKE established IKE SAs,
# CHILD established Child SAs and one ESP SA pair in the kernel
settled() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(count "$1" ESTABLISHED_IKE_SA)" = "$2" ] &&
            [ "$(count "$1" ESTABLISHED_CHILD_SA)" = "$3" ] &&
            [ "$(nstates "$1")" = 2 ] && return 0
        sleep 0.1
    done
    ip netns exec "$1" "$IPSEC" whack --rundir "$T/$1/run" --showstates >&2
    ip -n "$1" xfrm state >&2
    return 1
}
# both VERB : `ipsec whack --VERB --name collide` on west and east at once;
# their output goes to the transcript, west's first
both() {
    local h rc_w rc_e pid_w pid_e
    ip netns exec west "$IPSEC" whack --rundir "$T/west/run" "--$1" --name collide \
        > "$T/west.$1.out" 2>&1 </dev/null &
    pid_w=$!
    ip netns exec east "$IPSEC" whack --rundir "$T/east/run" "--$1" --name collide \
        > "$T/east.$1.out" 2>&1 </dev/null &
    pid_e=$!
    wait "$pid_w"; rc_w=$?
    wait "$pid_e"; rc_e=$?
    for h in west east; do
        printf '%s# ipsec whack --%s --name collide  (at once on both)\n' "$h" "$1" >> "$tx_file"
        cat "$T/$h.$1.out" >> "$tx_file"
    done
    check "--$1: west exit 0" test "$rc_w" = 0
    check "--$1: east exit 0" test "$rc_e" = 0
}
no_loss() { grep -q ' 0% packet loss' "$1" || { cat "$1" >&2; return 1; }; }
# logged HOST WHAT : within 10 s, HOST's log has exactly one "collide" line
# "simultaneous rekey of WHAT #N with the peer's #M: ..." (the rekey runs
# after whack returned)
logged() {
    local i n
    for ((i = 0; i < 100; i++)); do
        n=$(grep -c "\"collide\" #[0-9]*: simultaneous rekey of $2 #[0-9]* with the peer's #[0-9]*: " "$T/$1/pluto.log")
        [ "$n" = 1 ] && return 0
        sleep 0.1
    done
    echo "$1: $n lines 'simultaneous rekey of $2'" >&2
    return 1
}

tx west
run west ipsec up collide
check "ipsec up exit 0" test $? -eq 0
check "west settled" settled west 1 1
check "east settled" settled east 1 1

# 8 s of pings, 5 a second, across each collision
ping_start() {
    ip netns exec west ping -q -c 40 -i 0.2 -W 3 -I 10.0.1.1 10.0.2.1 > "$T/$1.ping" 2>&1 &
    ping_pid=$!
    sleep 2
}
ping_done() {
    wait "$ping_pid"
    cp "$T/$1.ping" "$SCENARIO_OUT/" 2>/dev/null
    check "$1: no ping lost" no_loss "$T/$1.ping"
}

ping_start rekey-child
both rekey-child
for h in west east; do
    check "$h: Child SA collision logged" logged "$h" "Child SA"
    check "$h: one IKE SA, one Child SA, one SA pair left" settled "$h" 1 1
done
# one end's new Child SA is redundant: exactly one end deletes its own
check "exactly one end deleted its own new Child SA" \
    test "$(cat "$T/west/pluto.log" "$T/east/pluto.log" | grep -c 'simultaneous rekey of Child SA .*: ours has the lowest nonce, deleting it')" = 1
ping_done rekey-child

ping_start rekey-ike
both rekey-ike
for h in west east; do
    check "$h: IKE SA collision logged" logged "$h" "IKE SA"
    check "$h: one IKE SA, the Child SA on it, one SA pair left" settled "$h" 1 1
done
check "exactly one end deleted its own new IKE SA" \
    test "$(cat "$T/west/pluto.log" "$T/east/pluto.log" | grep -c 'simultaneous rekey of IKE SA .*: ours has the lowest nonce, deleting it')" = 1
ping_done rekey-ike
check "the tunnel still passes traffic after the IKE SA rekey" \
    ip netns exec west ping -q -c 2 -W 3 -I 10.0.1.1 10.0.2.1
check "no CREATE_CHILD_SA dropped or retransmitted" \
    bash -c "! grep -q 'dropping unexpected CREATE_CHILD_SA\|retransmitting CREATE_CHILD_SA' '$T'/west/pluto.log '$T'/east/pluto.log"

# unknown connection; a connection with no SA
run west ipsec whack --rekey-child --name nosuch
run west ipsec down collide
run west ipsec whack --rekey-ike --name collide
run west ipsec whack --rekey-child --name collide

stop_pluto west
stop_pluto east
