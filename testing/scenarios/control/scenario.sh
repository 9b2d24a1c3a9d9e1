# scenario "control": a conn no local address matches is listed as
# unoriented and oriented by `ipsec listen` once the address exists (an
# auto=ondemand one gets its trap policy then);
# `ipsec whack --debug` changes debugging at run time; `ipsec rereadsecrets` and SIGHUP
# reload the secrets without logging them.
netns_pair
host_setup west
start_pluto west
tx west
run west ipsec connectionstatus later
trap12() { ip -n west xfrm policy get dir out src 10.0.12.0/24 dst 10.0.2.0/24 2>/dev/null | grep -q 'tmpl src 192.0.2.12 dst 192.0.2.2'; }
check "laterdemand: unoriented, so no trap yet" bash -c "! ip -n west xfrm policy get dir out src 10.0.12.0/24 dst 10.0.2.0/24 >/dev/null 2>&1"
note "add 192.0.2.11 and 192.0.2.12 to west's eth0"
ip -n west addr add 192.0.2.11/24 dev eth0
ip -n west addr add 192.0.2.12/24 dev eth0
run west ipsec listen
run west ipsec connectionstatus later
check "laterdemand: oriented by listen, its trap policy is in" trap12

# debugging at run time: "| " lines go to the log (as Libreswan, not to
# the whack client); they vary, so they are checked, not transcribed
run west ipsec add west-east
run west ipsec whack --debug base
run west ipsec replace west-east
check "with --debug base, replace logs '| ' debug lines" grep -q ': | "west-east": replacing connection' "$T/west/pluto.log"
run west ipsec whack --debug none
n=$(grep -c ': | ' "$T/west/pluto.log")
run west ipsec replace west-east
check "with --debug none, no more debug lines" test "$(grep -c ': | ' "$T/west/pluto.log")" = "$n"
run west ipsec whack --debug frobnicate
check "an unknown debug class is refused" test $? -ne 0

# secrets
run west ipsec rereadsecrets
kill -HUP "${PLUTO_PID[west]}"
sleep 1
check "SIGHUP reloaded the secrets" test "$(grep -c 'loading secrets from' "$T/west/pluto.log")" -ge 3
check "pluto survived SIGHUP" kill -0 "${PLUTO_PID[west]}"
check "the PSK is never logged" bash -c "! grep -r 'never logged' '$T/west/pluto.log' '$TX_DIR'"
stop_pluto west
