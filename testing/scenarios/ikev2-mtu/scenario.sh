# scenario "ikev2-mtu": conn "mtu" has mtu=1400.  West has no route to
# 10.0.2.0/24 of its own: while the tunnel is up, pluto's route for it
# (`ip route show 10.0.2.0/24`) goes through the device of the route to
# east and carries mtu 1400, so a ping with DF set and a packet larger than
# 1400 bytes fails on west itself while a smaller one crosses the tunnel;
# a Child SA rekey (after 4 s) keeps the route (make-before-break); `ipsec down`
# removes it.  East, which had a route of its own to 10.0.1.0/24, gets it
# back as it was when the tunnel goes.  Conn "plain" (no mtu=) adds no route.
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n east addr add 10.0.3.1/32 dev dummy0
ip -n west route add 10.0.3.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
host_setup east
start_pluto east
start_pluto west

# route NET : west's main-table route for NET, as ip prints it
route() { ip -n west route show "$1" table main; }
# ping_df SIZE : one ping from behind west with DF set, SIZE bytes of payload
ping_df() { ip netns exec west ping -q -c 1 -W 2 -M do -s "$1" -I 10.0.1.1 10.0.2.1; }

tx west
check "no route to 10.0.2.0/24 before the tunnel" test -z "$(route 10.0.2.0/24)"
run west ipsec up mtu
check "mtu: ipsec up exit 0" test $? -eq 0
run west ip route show 10.0.2.0/24
check "mtu: the route carries mtu 1400" grep -q 'mtu 1400' <<< "$(route 10.0.2.0/24)"
check "mtu: the route uses the device to east" grep -q 'dev eth0' <<< "$(route 10.0.2.0/24)"
check "mtu: a 1300-byte ping with DF crosses the tunnel" ping_df 1300
# 1400 bytes of payload + 28 of headers > 1400: refused by west's own stack
# (no -q: ping reports the local error per packet)
out=$(ip netns exec west ping -c 1 -W 2 -M do -s 1400 -I 10.0.1.1 10.0.2.1 2>&1)
check "mtu: a 1400-byte ping with DF fails" test $? -ne 0
note "$(grep -i 'mtu' <<< "$out" | head -1)"
check "mtu: ... on west itself, naming mtu 1400" grep -Eq 'mtu ?= ?1400' <<< "$out"
# ipsec-lifetime=20s rekeymargin=16s: the Child SA is rekeyed 4 s after it came up
rekeyed() { grep -q '"mtu" #[0-9]*: initiator rekeyed Child SA' "$T/west/pluto.log"; }
for ((i = 0; i < 100; i++)); do rekeyed && break; sleep 0.1; done
check "mtu: the Child SA was rekeyed" rekeyed
check "mtu: the route survives the rekey" grep -q 'mtu 1400' <<< "$(route 10.0.2.0/24)"
check "mtu: ping after the rekey" ping_df 1300
# east had its own route to 10.0.1.0/24: replaced while the tunnel is up
run east ip route show 10.0.1.0/24
check "mtu: east's route carries mtu 1400" grep -q 'mtu 1400' <<< "$(ip -n east route show 10.0.1.0/24)"
run west ipsec down mtu
check "mtu: ipsec down exit 0" test $? -eq 0
run west ip route show 10.0.2.0/24
check "mtu: the route is gone after ipsec down" test -z "$(route 10.0.2.0/24)"
# east acts on west's Delete
for ((i = 0; i < 50; i++)); do
    grep -q mtu <<< "$(ip -n east route show 10.0.1.0/24)" || break
    sleep 0.1
done
run east ip route show 10.0.1.0/24
check "mtu: east's own route is back as it was" \
    test "$(ip -n east route show 10.0.1.0/24)" = "10.0.1.0/24 via 192.0.2.1 dev eth0 src 10.0.2.1 "

run west ipsec up plain
check "plain: ipsec up exit 0" test $? -eq 0
run west ip route show 10.0.3.0/24
check "plain: the admin's route stays as it was (no mtu)" \
    test "$(route 10.0.3.0/24)" = "10.0.3.0/24 via 192.0.2.2 dev eth0 src 10.0.1.1 "
check "plain: ping through the tunnel" \
    ip netns exec west ping -q -c 1 -W 2 -I 10.0.1.1 10.0.3.1
run west ipsec down plain
check "plain: the admin's route is still there after down" \
    test -n "$(route 10.0.3.0/24)"
