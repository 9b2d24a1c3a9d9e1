# scenario "second-pluto": a second pluto on the same rundir is refused
# with a clear message (and exit code 10, Libreswan's lock failure); the
# first one keeps running and answering.
netns_pair
host_setup west
start_pluto west
d=$T/west
tx west
# (ipsec pluto: the front-end passes the host's path options to pluto)
run west ipsec pluto --nofork --stderrlog
check "second pluto refused with exit code 10" test $? -eq 10
check "first pluto still running" kill -0 "${PLUTO_PID[west]}"
check "pid file still names the first pluto" test "$(cat "$d/run/pluto.pid")" = "${PLUTO_PID[west]}"
run west ipsec briefstatus
check "first pluto still answers" test $? -eq 0
stop_pluto west
