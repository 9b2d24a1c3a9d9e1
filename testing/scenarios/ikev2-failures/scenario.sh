# scenario "ikev2-failures": every failure of seed 004 produced on purpose
# between two plutos, with what each side logs and whack's exit code:
#   1 IKE proposal mismatch   NO_PROPOSAL_CHOSEN in IKE_SA_INIT (exit 56)
#   2 ESP proposal mismatch   the Child SA refused with NO_PROPOSAL_CHOSEN,
#                             the IKE SA stays (showstates on both sides)
#   3 traffic selectors       TS_UNACCEPTABLE
#   4 PSK mismatch            AUTHENTICATION_FAILED (exit 56)
#   5 no responder            retransmits 0.5, 1, 2 s, the 4 s timeout (exit 51)
#   6 INVALID_KE_PAYLOAD      west retries with east's group; tunnel up, ping
#   7 COOKIE                  east in ddos-mode=busy; west replays it; ping
# One transcript per case: west's `ipsec up` (west's log lines, streamed
# to whack) and the lines east's pluto logged for the case.  East loads
# each case's conn with `ipsec add` and unloads it afterwards (a responder
# takes the first conn for the host pair whose ike= accepts).  Case 5 runs
# after 6 because it stops east's pluto; case 7 restarts it.
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
host_setup east
start_pluto west
start_pluto east

declare -A MARK=()
# mark : remember where each pluto.log ends (the case's lines come after)
mark() {
    local h
    for h in west east; do
        MARK[$h]=$(stat -c %s "$T/$h/pluto.log" 2>/dev/null || echo 0)
    done
}
# since HOST : HOST's pluto.log lines since `mark`
since() {
    tail -c +"$((${MARK[$1]} + 1))" "$T/$1/pluto.log" 2>/dev/null
}
# logged HOST ERE : within 5 s, HOST logged a line matching ERE since `mark`
logged() {
    local i
    for ((i = 0; i < 50; i++)); do
        since "$1" | grep -q -E -- "$2" && return 0
        sleep 0.1
    done
    return 1
}
# show HOST : HOST's log lines of this case into the transcript
show() {
    printf '%s pluto.log:\n' "$1" >> "$tx_file"
    since "$1" | sed 's/^/| /' >> "$tx_file"
}
# rc WHAT WANT : the last `run`'s exit status was WANT
rc() { check "$1: exit $2 (got $RC)" test "$RC" -eq "$2"; }
up() { run west ipsec up "$1"; RC=$?; }
ping_through() {
    check "$1: ping through the tunnel" \
        ip netns exec west ping -q -c 3 -i 0.2 -W 2 -I 10.0.1.1 10.0.2.1
}
# no_sa HOST : HOST's showstates is empty within 5 s
no_sa() {
    local i
    for ((i = 0; i < 50; i++)); do
        [ -z "$(ip netns exec "$1" "$IPSEC" whack --rundir "$T/$1/run" --showstates 2>&1)" ] && return 0
        sleep 0.1
    done
    return 1
}

# 1: IKE proposal mismatch
tx 1-ike-mismatch
run east ipsec add ike-mismatch
mark
up ike-mismatch
rc "ike-mismatch: ipsec up fails" 56
check "ike-mismatch: west logged NO_PROPOSAL_CHOSEN" \
    logged west '"ike-mismatch" #[0-9]+: IKE_SA_INIT request rejected by peer: NO_PROPOSAL_CHOSEN'
check "ike-mismatch: east answered NO_PROPOSAL_CHOSEN" \
    logged east '"ike-mismatch": IKE_SA_INIT request from 192\.0\.2\.1:500: .*; responding with NO_PROPOSAL_CHOSEN'
show east
check "ike-mismatch: no SA left on west" no_sa west
check "ike-mismatch: no SA left on east" no_sa east
run east ipsec delete ike-mismatch

# 2: ESP proposal mismatch: IKE SA up, Child SA refused
tx 2-esp-mismatch
run east ipsec add esp-mismatch
mark
up esp-mismatch
rc "esp-mismatch: ipsec up fails" 56
check "esp-mismatch: west logged NO_PROPOSAL_CHOSEN for the Child SA" \
    logged west '"esp-mismatch" #[0-9]+: .*NO_PROPOSAL_CHOSEN'
check "esp-mismatch: east refused the Child SA" \
    logged east '"esp-mismatch" #[0-9]+: Child SA: .*; responding with NO_PROPOSAL_CHOSEN'
show east
run west ipsec showstates
run east ipsec showstates
check "esp-mismatch: west keeps the IKE SA" \
    bash -c "ip netns exec west '$IPSEC' whack --rundir '$T/west/run' --showstates | grep -q 'ESTABLISHED_IKE_SA'"
check "esp-mismatch: east keeps the IKE SA" \
    bash -c "ip netns exec east '$IPSEC' whack --rundir '$T/east/run' --showstates | grep -q 'ESTABLISHED_IKE_SA'"
check "esp-mismatch: no Child SA on west" \
    bash -c "! ip netns exec west '$IPSEC' whack --rundir '$T/west/run' --showstates | grep -q CHILD"
check "esp-mismatch: no ESP state on west" test -z "$(ip -n west xfrm state)"
check "esp-mismatch: no ESP state on east" test -z "$(ip -n east xfrm state)"
run west ipsec down esp-mismatch
check "esp-mismatch: no SA left on west" no_sa west
check "esp-mismatch: no SA left on east" no_sa east
run east ipsec delete esp-mismatch

# 3: traffic selector mismatch
tx 3-ts-mismatch
run east ipsec add ts-mismatch
mark
up ts-mismatch
rc "ts-mismatch: ipsec up fails" 56
check "ts-mismatch: west logged TS_UNACCEPTABLE" logged west '"ts-mismatch" #[0-9]+: .*TS_UNACCEPTABLE'
check "ts-mismatch: east answered TS_UNACCEPTABLE" logged east '"ts-mismatch" #[0-9]+: .*responding with TS_UNACCEPTABLE'
show east
run west ipsec showstates
run east ipsec showstates
check "ts-mismatch: no ESP state on west" test -z "$(ip -n west xfrm state)"
check "ts-mismatch: no ESP state on east" test -z "$(ip -n east xfrm state)"
run west ipsec down ts-mismatch
check "ts-mismatch: no SA left on west" no_sa west
check "ts-mismatch: no SA left on east" no_sa east
run east ipsec delete ts-mismatch

# 4: PSK mismatch
tx 4-psk-mismatch
run east ipsec add psk-mismatch
mark
up psk-mismatch
rc "psk-mismatch: ipsec up fails" 56
check "psk-mismatch: west logged AUTHENTICATION_FAILED" \
    logged west '"psk-mismatch" #[0-9]+: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED'
check "psk-mismatch: east answered AUTHENTICATION_FAILED" \
    logged east '"psk-mismatch" #[0-9]+: responding to IKE_AUTH request with notification AUTHENTICATION_FAILED'
show east
check "psk-mismatch: no SA left on west" no_sa west
check "psk-mismatch: no SA left on east" no_sa east
run east ipsec delete psk-mismatch

# 6: INVALID_KE_PAYLOAD, then the tunnel comes up
tx 6-invalid-ke
run east ipsec add invalid-ke
mark
up invalid-ke
rc "invalid-ke: ipsec up" 0
check "invalid-ke: west resent with DH31" \
    logged west '"invalid-ke" #[0-9]+: Received unauthenticated INVALID_KE_PAYLOAD response to DH DH19; resending with suggested DH DH31'
check "invalid-ke: east asked for DH31" \
    logged east '"invalid-ke": initiator guessed wrong key exchange group DH19; responding with INVALID_KE_PAYLOAD requesting DH31'
check "invalid-ke: east established the Child SA" \
    logged east '"invalid-ke" #[0-9]+: responder established Child SA using #[0-9]+; IPsec tunnel \[10\.0\.2\.0/24===10\.0\.1\.0/24\]'
ping_through invalid-ke
show east
run west ipsec down invalid-ke
check "invalid-ke: no SA left on west" no_sa west
check "invalid-ke: no SA left on east" no_sa east
run east ipsec delete invalid-ke

# 5: no responder: east's pluto stopped
tx 5-no-responder
note "east's pluto is stopped"
stop_pluto east
mark
udp_noports() {   # datagrams east's kernel got for a UDP port nobody listens on
    ip netns exec east awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $3 }' /proc/net/snmp
}
noports=$(udp_noports)
t0=$(date +%s%N)
up no-responder
ms=$((($(date +%s%N) - t0) / 1000000))
rc "no-responder: ipsec up times out" 51
check "no-responder: gave up after 4 s (took $ms ms)" test "$ms" -ge 3900 -a "$ms" -le 6500
check "no-responder: the timeout line" \
    logged west '"no-responder" #[0-9]+: IKE_SA_INIT_I: 4 second timeout exceeded after [0-9]+ retransmits\.  No response \(or no acceptable response\) to our first IKEv2 message'
# as Libreswan: a conn brought up with `ipsec up` is supposed to remain
# up, so the timeout schedules a revival at once; `ipsec down` (not in
# the transcript: it races with the revived attempt) stops it
check "no-responder: revival attempt 1 at once (brought up with ipsec up)" \
    logged west '"no-responder" #[0-9]+: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds'
first=$(since west | sed -n -E 's/^.*"no-responder" #([0-9]+): initiating IKEv2 connection.*$/\1/p' | head -1)
sent=$(since west | grep -c -E "\"no-responder\" #$first: (sent|retransmitting) IKE_SA_INIT request")
n=$(($(udp_noports) - noports))
mapfile -d '' o < <(host_opts west)
ip netns exec west "$IPSEC" "${o[@]}" down no-responder >/dev/null 2>&1
check "no-responder: no SA left on west after ipsec down" no_sa west
log "east's kernel got $n datagrams for the closed UDP port 500"
check "no-responder: the request and 3 retransmits (west sent $sent), all at east (got $n)" \
    test "$sent" -eq 4 -a "$n" -ge 4

# 7: COOKIE: east restarted with ddos-mode=busy
tx 7-cookie
note "east's pluto restarted with ddos-mode=busy"
sed -i 's/^config setup$/&\n\tddos-mode=busy/' "$T/east/ipsec.conf"
start_pluto east
run east ipsec add cookie
mark
up cookie
rc "cookie: ipsec up" 0
check "cookie: west replayed the COOKIE" \
    logged west '"cookie" #[0-9]+: received anti-DDOS COOKIE response, resending IKE_SA_INIT request with COOKIE payload'
check "cookie: east demanded a COOKIE" \
    logged east '"cookie": 0 half-open IKE SAs: answering IKE_SA_INIT request from 192\.0\.2\.1:500 with a COOKIE'
check "cookie: east established the Child SA" \
    logged east '"cookie" #[0-9]+: responder established Child SA using #[0-9]+; IPsec tunnel \[10\.0\.2\.0/24===10\.0\.1\.0/24\]'
ping_through cookie
show east
run west ipsec down cookie
check "cookie: no SA left on west" no_sa west
check "cookie: no SA left on east" no_sa east

check "secret not logged" bash -c "! grep -r 'never logged' '$T'/west/*.log '$T'/east/*.log '$TX_DIR'"
stop_pluto west
stop_pluto east
