# scenario "ikev2-ondemand": on-demand tunnels and shunts.  West has conn
# "ondemand" (auto=ondemand): a trap policy (an outbound policy with an ESP
# template and no SA) is in the kernel before any negotiation; a ping from
# behind west makes the kernel send an ACQUIRE, west initiates, the first
# packet(s) may be lost, then the flow goes through the Child SA.  `ipsec
# unroute` refuses while the tunnel is up; `ipsec down` puts the trap back
# (routed-ondemand), and the next packet brings the tunnel up again;
# `ipsec unroute` after `down` leaves no policy.  Conn "bypass"
# (type=passthrough, on both ends) lets 10.0.1.0/24 <-> 10.0.2.2 pass in
# clear although the tunnel covers it; conn "localhost" is a 127.0.0.1
# bypass.  Conn "failing" (a peer that never
# answers, failureshunt=drop) ends with a block policy; conn "passing"
# (negotiationshunt=passthrough) lets its flow pass while it negotiates.
# Conn "ondemand6" does the same over IPv6 (outer and inner).
netns_pair
# IPv6 for conn "ondemand6" (no duplicate address detection: usable at once)
ip -n west addr add 2001:db8:0:1::1/64 dev eth0 nodad
ip -n east addr add 2001:db8:0:1::2/64 dev eth0 nodad
ip -n west addr add 2001:db8:1::1/128 dev dummy0 nodad
ip -n east addr add 2001:db8:2::1/128 dev dummy0 nodad
ip -n west route add 2001:db8:2::/64 via 2001:db8:0:1::2 src 2001:db8:1::1
ip -n east route add 2001:db8:1::/64 via 2001:db8:0:1::1 src 2001:db8:2::1
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n east addr add 10.0.2.2/32 dev dummy0
ip -n east addr add 10.0.5.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n west route add 10.0.4.0/24 via 192.0.2.2 src 10.0.1.1
ip -n west route add 10.0.5.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
host_setup east
start_pluto east
start_pluto west

wait_for() {   # wait_for SECONDS CMD... : CMD succeeds within SECONDS
    local n=$(($1 * 10)) i
    shift
    for ((i = 0; i < n; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
logged() { grep -q -- "$1" "$T/west/pluto.log"; }
# policy HOST SRC DST : the outbound policy SRC -> DST, as ip xfrm prints it
policy() { ip -n "$1" xfrm policy get dir out src "$2" dst "$3" 2>&1; }
trap_in() {   # trap_in SRC DST REMOTE : west's outbound policy has an ESP tunnel template to REMOTE
    local p
    p=$(policy west "$1" "$2")
    grep -q "tmpl src 192.0.2.1 dst $3" <<< "$p" && grep -q 'proto esp reqid' <<< "$p" &&
        ! grep -q 'action block' <<< "$p"
}
no_sa() { ! ip -n west xfrm state | grep -q "^src"; }
routing() {   # routing CONN : CONN's lines of `ipsec status` with its routing state
    local o
    mapfile -d '' o < <(host_opts west)
    {
        printf 'west# ipsec status | grep routing %s\n' "$1"
        ip netns exec west "$IPSEC" "${o[@]}" status 2>&1 |
            grep -E "^\"$1\":   routing:|^\"$1\": .*; my_ip="
    } | tee -a "$tx_file" >&2
}
out_bytes() {   # west's outbound ESP bytes (0 when there is no SA)
    ip -n west -s xfrm state | awk '
        /^src 192.0.2.1 dst 192.0.2.2/ { out = 1; next }
        /^src/ { out = 0 }
        out && /lifetime current:/ { getline; sub(/\(bytes\).*/, "", $1); n += $1 }
        END { print n + 0 }'
}
ping_to() {   # ping_to ADDR COUNT
    ip netns exec west ping -q -c "$2" -i 0.3 -W 2 -I 10.0.1.1 "$1" > /dev/null 2>&1
}

tx west
# ---- the trap ----
check "auto=ondemand: trap for 10.0.1.0/24 -> 10.0.2.0/24, no SA" trap_in 10.0.1.0/24 10.0.2.0/24 192.0.2.2
check "no SA yet" no_sa
check "no IKE SA yet" bash -c "! grep -q 'initiating IKEv2' '$T/west/pluto.log'"
note "before the first packet"
routing ondemand
run west ip xfrm policy get dir out src 10.0.1.0/24 dst 10.0.2.0/24

# ---- the first packet brings the tunnel up ----
ping_to 10.0.2.1 1   # held or lost: it only triggers the ACQUIRE
check "ACQUIRE: west initiates for the packet" \
    wait_for 10 logged '"ondemand": initiate on-demand for packet 10.0.1.1:8-ICMP->10.0.2.1:0'
check "the Child SA comes up" \
    wait_for 15 logged '"ondemand" #2: initiator established Child SA using #1'
check "traffic flows through the tunnel" ping_to 10.0.2.1 3
check "... counted by west's outbound ESP SA" test "$(out_bytes)" -gt 0
note "tunnel up"
routing ondemand
run west ipsec trafficstatus
run west ipsec unroute ondemand
check "unroute refused while the tunnel is up (exit 26)" test $? -eq 26

# ---- passthrough wins over the tunnel ----
before=$(out_bytes)
check "bypass: 10.0.2.2 answers" ping_to 10.0.2.2 3
check "bypass: in clear (west's ESP byte count unchanged)" test "$(out_bytes)" -eq "$before"
check "east logs nothing about it" bash -c "! grep -q 'initiate on-demand' '$T/east/pluto.log'"
routing bypass
check "localhost (type=passthrough, 127.0.0.1/32 both ways): pass policies out and in" \
    bash -c "ip -n west xfrm policy get dir out src 127.0.0.1/32 dst 127.0.0.1/32 | grep -q 'dir out' &&
             ip -n west xfrm policy get dir in src 127.0.0.1/32 dst 127.0.0.1/32 | grep -q 'dir in'"
routing localhost

# ---- down: the trap comes back, and the next packet uses it ----
run west ipsec down ondemand
check "after down: the trap is back" wait_for 5 trap_in 10.0.1.0/24 10.0.2.0/24 192.0.2.2
routing ondemand
ping_to 10.0.2.1 1
check "a second ACQUIRE: initiated again (#3)" \
    wait_for 15 logged '"ondemand" #4: initiator established Child SA using #3'
check "traffic flows again" ping_to 10.0.2.1 3
run west ipsec down ondemand
check "trap back after the second down" wait_for 5 trap_in 10.0.1.0/24 10.0.2.0/24 192.0.2.2

# ---- unroute: nothing left ----
run west ipsec unroute ondemand
check "unroute: exit 0" test $? -eq 0
check "unroute: no policy for 10.0.1.0/24 -> 10.0.2.0/24" \
    bash -c "! ip -n west xfrm policy get dir out src 10.0.1.0/24 dst 10.0.2.0/24 >/dev/null 2>&1"
routing ondemand
run west ipsec route ondemand
check "route: the trap again" trap_in 10.0.1.0/24 10.0.2.0/24 192.0.2.2

# ---- negotiationshunt=passthrough: the flow passes while negotiating ----
check "passing: trap for 10.0.1.0/24 -> 10.0.5.0/24" trap_in 10.0.1.0/24 10.0.5.0/24 192.0.2.3
check "passing: the flow passes in clear while west negotiates" ping_to 10.0.5.1 4
check "passing: ACQUIRE logged" logged '"passing": initiate on-demand for packet 10.0.1.1:8-ICMP->10.0.5.1:0'
check "passing: after the failure the trap is back (failureshunt=none)" \
    wait_for 10 trap_in 10.0.1.0/24 10.0.5.0/24 192.0.2.3

# ---- failureshunt=drop after a failed negotiation ----
ping_to 10.0.4.1 1
check "failing: ACQUIRE logged" \
    wait_for 5 logged '"failing": initiate on-demand for packet 10.0.1.1:8-ICMP->10.0.4.1:0'
check "failing: the negotiation times out" \
    wait_for 10 logged '"failing" #[0-9]*: IKE_SA_INIT_I: 2 second timeout exceeded'
check "failing: a block policy for the flow" \
    wait_for 5 bash -c "ip -n west xfrm policy get dir out src 10.0.1.0/24 dst 10.0.4.0/24 | grep -q 'action block'"
routing failing
run west ipsec unroute failing
check "failing: unroute removes the block policy" \
    bash -c "! ip -n west xfrm policy get dir out src 10.0.1.0/24 dst 10.0.4.0/24 >/dev/null 2>&1"
# ---- IPv6: trap, ACQUIRE, Child SA ----
check "ondemand6: trap for 2001:db8:1::/64 -> 2001:db8:2::/64" \
    bash -c "ip -n west xfrm policy get dir out src 2001:db8:1::/64 dst 2001:db8:2::/64 | grep -q 'tmpl src 2001:db8:0:1::1 dst 2001:db8:0:1::2'"
ping6_ok() { ip netns exec west ping -6 -q -c "$1" -i 0.3 -W 2 -I 2001:db8:1::1 2001:db8:2::1 > /dev/null 2>&1; }
ping6_ok 1   # held or lost: it only triggers the ACQUIRE
check "ondemand6: ACQUIRE for the IPv6 packet" \
    wait_for 10 logged '"ondemand6": initiate on-demand for packet \[2001:db8:1::1\]:128-IPV6_ICMP->\[2001:db8:2::1\]:0'
check "ondemand6: the Child SA comes up" \
    wait_for 15 logged '"ondemand6" #[0-9]*: initiator established Child SA using #[0-9]*; IPsec tunnel \[2001:db8:1::/64===2001:db8:2::/64\]'
check "ondemand6: traffic flows through the tunnel" ping6_ok 3
check "ondemand6: ESP between the IPv6 hosts" \
    bash -c "ip -n west xfrm state | grep -q '^src 2001:db8:0:1::1 dst 2001:db8:0:1::2'"
routing ondemand6
run west ipsec down ondemand6
check "ondemand6: after down the trap is back" \
    wait_for 5 bash -c "ip -n west xfrm policy get dir out src 2001:db8:1::/64 dst 2001:db8:2::/64 | grep -q 'proto esp reqid'"

check "briefstatus: no IPsec SA left" bash -c "ip netns exec west '$IPSEC' --rundir '$T/west/run' briefstatus | grep -q 'IPsec SAs: total(0)'"

stop_pluto west
stop_pluto east
check "west: no policy of its conns left after shutdown" \
    bash -c "! ip -n west xfrm policy | grep -Eq '^src (10\.|2001:db8:1::)'"
