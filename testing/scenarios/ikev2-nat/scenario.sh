# scenario "ikev2-nat": NAT traversal (RFC 7296 2.23, RFC 3948).
#
#   road 192.168.0.2 (10.0.3.0/24) -- nat 192.168.0.254 | 192.0.2.254 -- east 192.0.2.2 (10.0.2.0/24)
#
# 1. "nat": the box masquerades road behind 192.0.2.254 (iptables).  Both
#    ends detect the NAT, IKE_AUTH goes to UDP/4500, the Child SA is ESP in
#    UDP (espinudp 4500/4500 in both kernels); a ping crosses; road (behind
#    the NAT, keep-alive=2) sends 0xFF keepalives.
# 2. The box changes the mapping: road's 4500 now leaves as 34567
#    (MASQUERADE --to-ports 34567, conntrack flushed).  Road's next liveness probe
#    comes from the new port; east follows it ("new NAT mapping"), moves
#    its IKE SA and Child SA there (XFRM migrate: espinudp 4500/34567) and
#    the ping crosses again, on the same SAs.
# 3. "espmap": road sends no liveness probes (no dpddelay=), so after the
#    box changes the mapping again only ESP in UDP reaches east from the
#    new port.  East's kernel authenticates it and says so (XFRM MAPPING);
#    east moves the IKE SA and migrates the Child SA there, and the ping
#    from road gets its answers again.
# 4. "forced": the box only routes, no NAT; road says encapsulation=yes,
#    so both ends put ESP in UDP/4500 all the same.
ns() { ip netns add "$1" && ip -n "$1" link set lo up; }
ns road && ns nat && ns east || fail "ip netns add"
ip link add eth0 netns road type veth peer name eth0 netns nat
ip link add eth1 netns nat type veth peer name eth0 netns east
ip -n road addr add 192.168.0.2/24 dev eth0
ip -n nat addr add 192.168.0.254/24 dev eth0
ip -n nat addr add 192.0.2.254/24 dev eth1
ip -n east addr add 192.0.2.2/24 dev eth0
for l in "road eth0" "nat eth0" "nat eth1" "east eth0"; do
    set -- $l
    ip -n "$1" link set "$2" up
done
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
for h in road east; do
    ip -n "$h" link add dummy0 type dummy
    ip -n "$h" link set dummy0 up
done
ip -n road addr add 10.0.3.254/24 dev dummy0
ip -n road addr add 10.0.3.1/32 dev dummy0
ip -n east addr add 10.0.2.254/24 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n road route add default via 192.168.0.254
ip -n road route add 10.0.2.0/24 via 192.168.0.254 src 10.0.3.1
ip -n east route add 10.0.3.0/24 via 192.0.2.254 src 10.0.2.1
ip -n east route add 192.168.0.0/24 via 192.0.2.254

# The NAT: iptables (legacy) MASQUERADE on the way to east.  Not nft:
# Debian's UML kernel has nf_tables but no nft_chain_nat (no nat chains).
# The FORWARD rule counts road's keepalives: UDP to 4500 carrying one
# octet (an IP length of 29).
MODPROBE=$(cat /proc/sys/kernel/modprobe)
"$MODPROBE" -a iptable_nat iptable_filter xt_MASQUERADE xt_length nf_conntrack_netlink ||
    fail "modprobe: the NAT modules"
IPT="ip netns exec nat iptables-legacy"
nat_rules() {   # nat_rules [PORT road's 4500 leaves as]: one rule put in
    # front, nothing flushed (a packet between a flush and the new rules
    # would leave unmasqueraded: a different, real, peer address)
    if [ -n "${1:-}" ]; then
        $IPT -t nat -I POSTROUTING 1 -o eth1 -p udp --sport 4500 -j MASQUERADE --to-ports "$1"
    else
        $IPT -t nat -A POSTROUTING -o eth1 -j MASQUERADE
    fi
}
check "the NAT box masquerades" nat_rules
check "a counter for keepalives" $IPT -A FORWARD -p udp --dport 4500 -m length --length 29 -j ACCEPT
check "road reaches east through the NAT" ip netns exec road ping -q -c 1 -W 5 192.0.2.2
keepalives() { $IPT -L FORWARD -v -x -n | awk '/length 29/ { print $1 }'; }

HOST_SETUP_NSS=1
host_setup road
host_setup east
start_pluto east
start_pluto road

wait_for() {   # wait_for SECONDS CMD... : CMD succeeds within SECONDS
    local n=$(($1 * 10)) i
    shift
    for ((i = 0; i < n; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
ping_ok() { ip netns exec road ping -q -c "${1:-2}" -i 0.2 -W 1 -I 10.0.3.1 10.0.2.1 > /dev/null 2>&1; }

# ---- 1. through the NAT ----
tx nat
run road ipsec up nat
check "ping through the NAT-T tunnel" ping_ok 3
note "ESP in UDP: road 4500 -> east 4500 both ways, in both kernels"
run road bash -c "ip xfrm state | grep -o 'encap type espinudp sport [0-9]* dport [0-9]*' | sort"
run east bash -c "ip xfrm state | grep -o 'encap type espinudp sport [0-9]* dport [0-9]*' | sort"
check "the NAT box saw IKE on 4500 (conntrack)" \
    bash -c "ip netns exec nat conntrack -L -p udp 2>/dev/null | grep -q 'sport=4500 dport=4500'"
ka() { [ "$(keepalives)" -gt 0 ]; }
check "road sends keepalives (keep-alive=2): one-octet UDP to 4500 crossed the box" wait_for 6 ka
run road ipsec trafficstatus
run east ipsec showstates

# ---- 2. the NAT mapping changes under the tunnel ----
note "the NAT box now maps road's 4500 to 34567 and forgets its old mappings"
check "the new mapping" nat_rules 34567
ip netns exec nat conntrack -F > /dev/null 2>&1
t0=$SECONDS
check "east follows road to its new port (within 2 liveness probes)" \
    wait_for 10 grep -q '"nat" #1: new NAT mapping for #1, was 192.0.2.254:4500, now 192.0.2.254:34567' "$T/east/pluto.log"
log "east followed $((SECONDS - t0)) s after the change"
check "ping through the moved tunnel" wait_for 10 ping_ok 2
note "east's SAs now send to 34567 (migrated, same SPIs); road's are unchanged"
run road bash -c "ip xfrm state | grep -o 'encap type espinudp sport [0-9]* dport [0-9]*' | sort"
run east bash -c "ip xfrm state | grep -o 'encap type espinudp sport [0-9]* dport [0-9]*' | sort"
run east ipsec showstates
check "still one IKE SA and one Child SA each (nothing renegotiated)" \
    bash -c "[ \$(ip -n east xfrm state | grep -c '^src') = 2 ] && [ \$(ip -n road xfrm state | grep -c '^src') = 2 ]"
run road ipsec down nat
check "east: the Delete came over the new mapping" \
    wait_for 5 bash -c "! ip -n east xfrm state | grep -q '^src'"

# ---- 3. a new mapping seen only in ESP: the kernel's MAPPING ----
tx espmap
run road ipsec up espmap
check "espmap: ping through the tunnel" ping_ok 3
note "the NAT box now maps road's 4500 to 34568; road sends no IKE message"
check "espmap: the new mapping" nat_rules 34568
ip netns exec nat conntrack -F > /dev/null 2>&1
t0=$SECONDS
# only ESP leaves road: its pings (their answers go to the old mapping
# until east follows, and are lost)
ip netns exec road ping -q -c 20 -i 0.5 -W 1 -I 10.0.3.1 10.0.2.1 > /dev/null 2>&1 &
ping_pid=$!
check "east follows road's ESP to its new port (XFRM MAPPING)" \
    wait_for 10 grep -q '"espmap" #[0-9]*: new NAT mapping for #[0-9]*, was 192.0.2.254:34567, now 192.0.2.254:34568' "$T/east/pluto.log"
log "east followed $((SECONDS - t0)) s after the change"
wait "$ping_pid"
check "espmap: road sent no IKE request meanwhile" \
    bash -c "! grep -q '\"espmap\" #[0-9]*: sent INFORMATIONAL request' '$T/road/pluto.log'"
check "espmap: ping through the moved tunnel" wait_for 10 ping_ok 2
note "east's SAs now send to 34568 (migrated, same SPIs)"
run east bash -c "ip xfrm state | grep -o 'encap type espinudp sport [0-9]* dport [0-9]*' | sort"
run road ipsec down espmap
check "espmap: east clean after down" wait_for 5 bash -c "! ip -n east xfrm state | grep -q '^src'"

# ---- 4. no NAT, encapsulation=yes ----
$IPT -t nat -F POSTROUTING
ip netns exec nat conntrack -F > /dev/null 2>&1
tx forced
run road ipsec up forced
check "ping through the forced ESP-in-UDP tunnel" ping_ok 3
run road bash -c "ip xfrm state | grep -o 'encap type espinudp sport [0-9]* dport [0-9]*' | sort"
run east bash -c "ip xfrm state | grep -o 'encap type espinudp sport [0-9]* dport [0-9]*' | sort"
run road ipsec down forced

tx logs
note "what each side logged about NAT (both conns)"
run road grep -E '"(nat|espmap|forced)" #[0-9]+: .*(NAT|UDP/4500)' "$T/road/pluto.log"
run east grep -E '"(nat|espmap|forced)" #[0-9]+: .*(NAT|UDP/4500)' "$T/east/pluto.log"

stop_pluto road
stop_pluto east
