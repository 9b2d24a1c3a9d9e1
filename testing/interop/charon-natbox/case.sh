# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-natbox": strongSwan charon behind a real NAT.
#
#   west 192.0.2.1 (us, 10.0.1.0/24) -- 192.0.2.254 nat 192.168.0.254 -- east 192.168.0.2 (charon, 10.0.2.0/24)
#
# The box masquerades east (iptables-legacy MASQUERADE: Debian's UML kernel
# has no nft nat chains).  charon (dpd_delay 1 s) initiates to us: both
# detect the NAT (charon: "local host is behind NAT"; we: "the peer is
# behind a NAT"), IKE_AUTH on 4500, ESP in UDP in both kernels, ping both
# ways.  Then the box maps east's 4500 to 34567 and forgets its mappings:
# charon's next liveness check comes from the new port, we follow it
# ("new NAT mapping for #1, was 192.0.2.254:4500, now 192.0.2.254:34567")
# and migrate our SAs (espinudp 4500 <-> 34567); ping both ways again;
# charon's Delete clears both sides.
PEER=charon
EAST_ADDR=192.168.0.2
NAT_OUT=192.0.2.254
for h in west nat east; do
    ip netns add "$h" && ip -n "$h" link set lo up
done
ip link add eth0 netns west type veth peer name eth0 netns nat
ip link add eth1 netns nat type veth peer name eth0 netns east
ip -n west addr add "$WEST_ADDR/24" dev eth0
ip -n nat addr add "$NAT_OUT/24" dev eth0
ip -n nat addr add 192.168.0.254/24 dev eth1
ip -n east addr add "$EAST_ADDR/24" dev eth0
for l in "west eth0" "nat eth0" "nat eth1" "east eth0"; do
    set -- $l
    ip -n "$1" link set "$2" up
done
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
for h in west east; do
    ip -n "$h" link add dummy0 type dummy
    ip -n "$h" link set dummy0 up
done
ip -n west addr add 10.0.1.254/24 dev dummy0
ip -n west addr add "$WEST_IN/32" dev dummy0
ip -n east addr add 10.0.2.254/24 dev dummy0
ip -n east addr add "$EAST_IN/32" dev dummy0
ip -n east route add default via 192.168.0.254
ip -n east route add "$WEST_NET" via 192.168.0.254 src "$EAST_IN"
ip -n west route add "$EAST_NET" via "$NAT_OUT" src "$WEST_IN"
MODPROBE=$(cat /proc/sys/kernel/modprobe)
"$MODPROBE" -a iptable_nat xt_MASQUERADE nf_conntrack_netlink || fail "modprobe: the NAT modules"
IPT="ip netns exec nat iptables-legacy"
nat_rules() {   # nat_rules [PORT east's 4500 leaves as]: one rule put in
    # front, nothing flushed (a packet between a flush and the new rules
    # would leave unmasqueraded: a different, real, peer address)
    if [ -n "${1:-}" ]; then
        $IPT -t nat -I POSTROUTING 1 -o eth0 -p udp --sport 4500 -j MASQUERADE --to-ports "$1"
    else
        $IPT -t nat -A POSTROUTING -o eth0 -j MASQUERADE
    fi
}
check "the NAT box masquerades east" nat_rules
check "east reaches west through the NAT" ip netns exec east ping -q -c 1 -W 5 "$WEST_ADDR"
log "network up"

tern_conf
cat >> "$T/west/ipsec.conf" <<CONF

conn s2s
	authby=secret
	left=$WEST_ADDR
	leftid=@west
	leftsubnet=$WEST_NET
	right=$NAT_OUT
	rightid=@east
	rightsubnet=$EAST_NET
	ike=aes_gcm256-sha2_512;dh19
	esp=aes_gcm256
	auto=add
CONF
CHARON_DPD=1 charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
start_pluto west
log "set up: network, both daemons"

# encap HOST SPORT DPORT : HOST's two states are ESP in UDP, one each way
encap() {
    local s
    s=$(ip -n "$1" xfrm state)
    [ "$(grep -c '^src' <<< "$s")" = 2 ] &&
        grep -q "encap type espinudp sport $2 dport $3" <<< "$s" &&
        grep -q "encap type espinudp sport $3 dport $2" <<< "$s"
}
followed() {
    grep -q '"s2s" #1: new NAT mapping for #1, was 192.0.2.254:4500, now 192.0.2.254:34567' "$T/west/pluto.log"
}

tx west
peer_initiate
check "charon initiates through the NAT, exit 0" test $? -eq 0
check "charon has the Child SA" peer_has_child
check "charon: local host is behind NAT" grep -q 'local host is behind NAT' "$T/east/charon.log"
check "west: ESP in UDP 4500 <-> 4500" encap west 4500 4500
check "east: ESP in UDP 4500 <-> 4500" encap east 4500 4500
check "ping west -> east through the tunnel" ping_through west
check "ping east -> west through the tunnel" ping_through east
xfrm_dump west "through the NAT"; xfrm_dump east "through the NAT"
run west ipsec showstates

note "the box now maps east's 4500 to 34567 and forgets its old mappings"
check "the new mapping" nat_rules 34567
ip netns exec nat conntrack -F > /dev/null 2>&1
check "we follow charon to its new port (its next liveness check)" wait_for 10 followed
check "west: ESP in UDP 4500 <-> 34567 (migrated)" encap west 4500 34567
check "ping west -> east through the moved tunnel" wait_for 5 ping_through west
check "ping east -> west through the moved tunnel" ping_through east
xfrm_dump west "after the new mapping"; xfrm_dump east "after the new mapping"
check "west ESP counters > 0 (ip -s xfrm state)" counted west
check "east ESP counters > 0 (ip -s xfrm state)" counted east
run west ipsec showstates
run west ipsec trafficstatus
peer_terminate
check "charon terminates, exit 0" test $? -eq 0
all_gone "charon's Delete over the new mapping"
note "our pluto's log, times removed"
run host sed -n -E '/ #[0-9]+: (NAT|new NAT mapping|.*established Child SA)/s/^[^"]*"/"/p' "$T/west/pluto.log"
stop_pluto west
