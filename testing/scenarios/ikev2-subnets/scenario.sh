# scenario "ikev2-subnets": several subnets, narrowing, protoport.
#   family      leftsubnets={10.0.1.0/24 10.0.11.0/24} and rightsubnets=
#               {10.0.2.0/24 10.0.12.0/24}: `ipsec add` makes family/1x1,
#               1x2, 2x1, 2x2; `ipsec up family` brings up one IKE SA with
#               the first pair in IKE_AUTH and the three others as extra Child
#               SAs (CREATE_CHILD_SA); a ping from each west address to each
#               east address goes through its own pair of ESP SAs; `ipsec
#               down family` leaves nothing; before that each Child SA is
#               rekeyed (CREATE_CHILD_SA, ipsec-lifetime=30s) under its own
#               member's name and the four pings pass again.
#   narrowing   west proposes 10.0.1.0/24 -> 10.0.0.0/16; east's conn
#               (narrowing=yes) has 10.0.2.0/24 and narrows; west
#               (narrowing=yes) installs the narrowed selectors, ping through.
#               Without narrowing=yes on east: TS_UNACCEPTABLE; without it on
#               west: west refuses the narrowed answer.
#   protoport   leftprotoport=icmp rightprotoport=icmp: ping goes through
#               ESP, UDP between the same addresses does not.
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n west addr add 10.0.11.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n east addr add 10.0.12.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n west route add 10.0.12.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
ip -n east route add 10.0.11.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
host_setup east
start_pluto west
start_pluto east

# states HOST : number of ESP states; bytes HOST : their byte counters
states() { ip -n "$1" xfrm state | grep -c '^src'; }
bytes() {
    ip -n "$1" -s xfrm state | awk '/lifetime current:/ { getline; sub(/\(bytes\).*/, "", $1); print $1 }'
}
all_counted() {   # all_counted HOST N : N ESP states, each with bytes > 0
    local b n=0
    for b in $(bytes "$1"); do
        [ "$b" -gt 0 ] 2>/dev/null || return 1
        n=$((n + 1))
    done
    [ "$n" -eq "$2" ]
}
# out_bytes HOST : bytes of HOST's outbound ESP states (src HOST's address)
out_bytes() {
    ip -n "$1" -s xfrm state | awk -v me="${HOST_ADDR[$1]}" '
        /^src/ { out = ($2 == me) }
        /lifetime current:/ { getline; sub(/\(bytes\).*/, "", $1); if (out) s += $1 }
        END { print s + 0 }'
}
# children HOST N : wait (5 s) until HOST lists N Child SAs in trafficstatus
children() {
    local i
    for ((i = 0; i < 50; i++)); do
        [ "$(ip netns exec "$1" "$IPSEC" $(host_opts "$1" | tr '\0' ' ') trafficstatus | grep -c '^#')" -ge "$2" ] &&
            return 0
        sleep 0.1
    done
    return 1
}
# children_exactly HOST N : HOST lists exactly N Child SAs (within 5 s)
children_exactly() {
    local i
    for ((i = 0; i < 50; i++)); do
        [ "$(ip netns exec "$1" "$IPSEC" $(host_opts "$1" | tr '\0' ' ') trafficstatus | grep -c '^#')" -eq "$2" ] &&
            return 0
        sleep 0.1
    done
    return 1
}
ping_from() {   # ping_from SRC DST : three pings from west's SRC to east's DST
    ip netns exec west ping -q -c 3 -i 0.2 -W 2 -I "$1" "$2" >/dev/null
}

# ---- narrowing ----
tx west-narrowing
run east ipsec add narrow
run west ipsec add wide
run west ipsec up wide
check "narrowing: ipsec up exit 0" test $? -eq 0
check "narrowing: ping through the narrowed tunnel" ping_from 10.0.1.1 10.0.2.1
check "narrowing: west ESP counters > 0" all_counted west 2
check "narrowing: west's outbound policy is the narrowed one" \
    bash -c "ip -n west xfrm policy | grep -q 'src 10.0.1.0/24 dst 10.0.2.0/24'"
check "narrowing: no policy for the /16" bash -c "! ip -n west xfrm policy | grep -q '10.0.0.0/16'"
run west ipsec trafficstatus
run west ipsec down wide
check "narrowing: west clean after down" xfrm_empty west
check "narrowing: east clean after down" xfrm_empty east
note "west without narrowing=yes refuses east's narrowed answer"
run west ipsec add wide-strict
run west ipsec up wide-strict
check "narrowing: wide-strict fails" test $? -ne 0
run west ipsec down wide-strict
check "narrowing: west clean after wide-strict" xfrm_empty west
check "narrowing: east clean after wide-strict" xfrm_empty east
note "east without narrowing=yes answers TS_UNACCEPTABLE"
run east ipsec delete narrow
run east ipsec add strict
run west ipsec up wide
check "narrowing: strict east refuses (exit != 0)" test $? -ne 0
check "narrowing: east says why" \
    grep -q '"strict" #[0-9]*: Child SA: the initiator.s traffic selectors .* are wider than \[10.0.2.0/24===10.0.1.0/24\] and narrowing=no; responding with TS_UNACCEPTABLE' "$T/east/pluto.log"
run west ipsec down wide
check "narrowing: west clean after strict" xfrm_empty west
check "narrowing: east clean after strict" xfrm_empty east

# ---- protoport ----
tx west-protoport
run east ipsec add icmp-only
run west ipsec add icmp-only
run west ipsec up icmp-only
check "protoport: ipsec up exit 0" test $? -eq 0
check "protoport: ICMP policy" bash -c "ip -n west xfrm policy | grep -q 'proto icmp'"
before=$(out_bytes west)
check "protoport: ping goes through" ping_from 10.0.1.1 10.0.2.1
check "protoport: ... over ESP (west's outbound bytes grew)" test "$(out_bytes west)" -gt "$before"
check "protoport: west ESP counters > 0" all_counted west 2
before=$(out_bytes west)
ip netns exec west bash -c 'for i in 1 2 3; do echo probe > /dev/udp/10.0.2.1/9; done' 2>/dev/null
sleep 0.3
check "protoport: UDP does not use the SA" test "$(out_bytes west)" -eq "$before"
run west ipsec down icmp-only
check "protoport: west clean after down" xfrm_empty west
check "protoport: east clean after down" xfrm_empty east

# ---- family: four Child SAs under one IKE SA ----
tx west-family
run west ipsec add family
run east ipsec add family
run west ipsec up family
check "family: ipsec up exit 0" test $? -eq 0
check "family: west has four Child SAs" children west 4
check "family: east has four Child SAs" children east 4
check "family: eight ESP states on west" test "$(states west)" -eq 8
for src in 10.0.1.1 10.0.11.1; do
    for dst in 10.0.2.1 10.0.12.1; do
        check "family: ping $src -> $dst" ping_from $src $dst
    done
done
check "family: every west ESP state counted traffic" all_counted west 8
check "family: every east ESP state counted traffic" all_counted east 8
run west ipsec trafficstatus
run west ipsec showstates
run east ipsec trafficstatus
run east ipsec trafficstatus family
check "family: ipsec status lists the four members" \
    test "$(ip netns exec west "$IPSEC" $(host_opts west | tr '\0' ' ') status | grep -o '"family/[12]x[12]"' | sort -u | wc -l)" -eq 4
check "family: connectionstatus of the alias shows the four members" \
    test "$(ip netns exec west "$IPSEC" $(host_opts west | tr '\0' ' ') connectionstatus family | grep -o '"family/[12]x[12]"' | sort -u | wc -l)" -eq 4
check "family: one IKE SA on west" test "$(grep -c '"family/[12]x[12]" #[0-9]*: initiating IKEv2 connection' "$T/west/pluto.log")" -eq 1
check "family: three CREATE_CHILD_SA on west" \
    test "$(grep -c '"family/[12]x[12]" #[0-9]*: sent CREATE_CHILD_SA request to create Child SA using IKE SA #' "$T/west/pluto.log")" -eq 3
check "family: east answered with the right sub-connections" \
    grep -q '"family/2x2" #[0-9]*: responder established Child SA using #[0-9]*; IPsec tunnel \[10.0.12.0/24===10.0.11.0/24\]' "$T/east/pluto.log"
# rekeys: every member's Child SA replaced over the same IKE SA, under its own name
rekeyed() {   # rekeyed : west has rekeyed all four (20 s)
    local i
    for ((i = 0; i < 200; i++)); do
        [ "$(grep -c '"family/[12]x[12]" #[0-9]*: initiator rekeyed Child SA #[0-9]* using #[0-9]*;' "$T/west/pluto.log")" -ge 4 ] &&
            return 0
        sleep 0.1
    done
    return 1
}
check "family: west rekeyed the four Child SAs" rekeyed
for m in 1x1 1x2 2x1 2x2; do
    check "family: $m rekeyed under its own name" \
        grep -q "\"family/$m\" #[0-9]*: initiator rekeyed Child SA #[0-9]* using #[0-9]*;" "$T/west/pluto.log"
done
for src in 10.0.1.1 10.0.11.1; do
    for dst in 10.0.2.1 10.0.12.1; do
        check "family: after the rekeys, ping $src -> $dst" ping_from $src $dst
    done
done
check "family: still one IKE SA on west" test "$(grep -c '"family/[12]x[12]" #[0-9]*: initiating IKEv2 connection' "$T/west/pluto.log")" -eq 1
note "one member down and up again: its Child SA only, over the family's IKE SA"
run west ipsec down family/2x1
check "family: 2x1 down: three Child SAs left on west" children_exactly west 3
run west ipsec up family/2x1
check "family: 2x1 up again: exit 0" test $? -eq 0
check "family: 2x1 up again: ping 10.0.11.1 -> 10.0.2.1" ping_from 10.0.11.1 10.0.2.1
check "family: 2x1 up again: still one IKE SA on west" \
    test "$(grep -c '"family/[12]x[12]" #[0-9]*: initiating IKEv2 connection' "$T/west/pluto.log")" -eq 1
run west ipsec down family
check "family: west clean after down" xfrm_empty west
check "family: east clean after down" xfrm_empty east
run west ipsec delete family
run east ipsec delete family
run west ipsec connectionstatus family

tx east
check "secret not logged" bash -c "! grep -r 'never logged' '$T'/west/*.log '$T'/east/*.log '$TX_DIR'"
stop_pluto west
stop_pluto east
