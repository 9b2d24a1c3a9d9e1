# scenario "auto-deprecated": `ipsec auto --add` works with a deprecation
# warning naming the new verb; with no peer, `up` retransmits until
# retransmit-timeout and fails (exit 51); verbs whose work is not built yet
# reach pluto and get "not yet supported" (exit 60).
netns_pair
host_setup west
start_pluto west
tx west
run west ipsec auto --add west-east
check "auto --add works" test $? -eq 0
run west ipsec auto --status
run west ipsec auto --delete west-east
run west ipsec add west-east
run west ipsec up west-east
check "ipsec up: no response, timeout (51)" test $? -eq 51
run west ipsec auto --up west-east
check "ipsec auto --up: 51" test $? -eq 51
run west ipsec down west-east
run west ipsec route west-east
run west ipsec unroute west-east
run west ipsec frobnicate
check "unknown verb: usage error 2" test $? -eq 2
check "pluto survived all of it" kill -0 "${PLUTO_PID[west]}"
stop_pluto west
