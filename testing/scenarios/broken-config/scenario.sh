# scenario "broken-config": a broken conn (unknown keyword, bad value) is
# reported with file:line by `ipsec add` and `ipsec checkconfig`; pluto
# keeps running, keeps its other conns and still adds new good ones.
netns_pair
host_setup west
start_pluto west
tx west
run west ipsec checkconfig
note "append a conn with an unknown keyword and a bad value"
cat "$SCN_DIR/broken.conf" >> "$T/west/ipsec.conf"
run west ipsec checkconfig
check "checkconfig fails on the broken file" test $? -ne 0
run west ipsec add broken
check "ipsec add broken fails" test $? -ne 0
check "pluto still running" kill -0 "${PLUTO_PID[west]}"
run west ipsec add other
check "ipsec add other still works" test $? -eq 0
run west ipsec connectionstatus
run west ipsec add broken
note "a conn the file does not have"
run west ipsec add nosuchconn
check "unknown conn refused" test $? -ne 0
stop_pluto west
