# scenario "ikev2-lifecycle-bytes": byte lifetimes through the kernel.  Both
# ends have ipsec-max-bytes=100000: every ESP SA carries it as the hard byte
# limit and a soft one before it (west, the initiator, at most 75000).  A
# ping of 1400-byte packets every 0.1 s runs through the tunnel for 20 s: the
# kernel's soft EXPIRE makes west rekey the Child SA (make-before-break)
# again and again, and no packet is lost; no SA ever reaches its hard limit.
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
tx west
run west ipsec up bytes
check "ipsec up exit 0" test $? -eq 0
limited() { [ "$(ip -n "$1" -s xfrm state | grep -Ec 'limit: soft [0-9]+\(bytes\), hard 100000\(bytes\)')" = 2 ]; }
check "west's ESP SAs carry the soft and hard byte limits" limited west
check "east's ESP SAs carry the soft and hard byte limits" limited east
ip netns exec west ping -q -c 200 -i 0.1 -s 1400 -W 2 -I 10.0.1.1 10.0.2.1 > "$T/west/ping.out" 2>&1
no_loss() { grep -q ' 0% packet loss' "$T/west/ping.out" || { cat "$T/west/ping.out" >&2; return 1; }; }
check "ping through 20 s of byte-limit rekeys loses nothing" no_loss
rekeys() { grep -c '"bytes" #[0-9]*: initiator rekeyed Child SA #[0-9]* using #1' "$T/west/pluto.log"; }
check "the soft EXPIRE started rekeys" grep -q 'ESP SA 0x[0-9a-f]* reached its soft limit ([0-9]* bytes); rekeying the Child SA' "$T/west/pluto.log"
check "west rekeyed the Child SA at least 3 times" test "$(rekeys)" -ge 3
log "$(rekeys) Child SA rekeys"
check "no SA reached its hard limit" bash -c "! grep -q 'hard limit' '$T/west/pluto.log' '$T/east/pluto.log'"
check "one SA pair in west's kernel" xfrm_nstates west 2
check "one SA pair in east's kernel" xfrm_nstates east 2
run west ipsec trafficstatus
run west ipsec down bytes
stop_pluto west
stop_pluto east
