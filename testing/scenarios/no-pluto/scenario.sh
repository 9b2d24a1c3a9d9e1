# scenario "no-pluto": whack and ipsec with no pluto running say
# "pluto is not running (no socket at ...)" and exit with code 3.
host_setup west
tx west
run host ipsec whack --rundir "$T/west/run" --status
check "whack exit code 3 when pluto is not running" test $? -eq 3
run host whack --ctlsocket "$T/west/run/pluto.ctl" --status
check "whack --ctlsocket: exit code 3" test $? -eq 3
run host ipsec --rundir "$T/west/run" status
check "ipsec status: exit code 3" test $? -eq 3
run host ipsec --rundir "$T/west/run" add west-east
check "ipsec add: exit code 3" test $? -eq 3
note "a stale socket file with nobody listening"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.bind(sys.argv[1])' "$T/west/run/pluto.ctl"
run host ipsec --rundir "$T/west/run" status
check "stale socket: exit code 3" test $? -eq 3
