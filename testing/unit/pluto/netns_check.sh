#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run pluto for real on the host, in a network namespace of its own
# (tern-pluto-<pid>), and check what an admin sees before any IKE:
# start-up lines, interfaces, whack --status/--add/--delete/--listen/--debug,
# a second pluto refused on the same rundir, XFRM leftovers in pluto's
# band flushed, SIGTERM and --shutdown leaving no socket or pid file.
#
#   sudo testing/unit/pluto/netns_check.sh BUILD_DIR
#
# Needs root (netns), certutil, ip.  Exit 0 = every check passed.
set -u
# exit 77 = skipped (meson): not root, or a tool is missing
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null && command -v certutil >/dev/null || { echo "SKIP: needs ip and certutil"; exit 77; }
BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
PLUTO=$BUILD/programs/pluto/pluto
WHACK=$BUILD/programs/whack/whack
NS=tern-pluto-$$
D=$(mktemp -d /tmp/tern-pluto-check.XXXXXX)
PASS=0 FAIL=0
PLUTO_PID=

ok()   { PASS=$((PASS + 1)); echo "ok - $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
in_ns() { ip netns exec "$NS" "$@"; }
whack() { in_ns "$WHACK" --ctlsocket "$D/run/pluto.ctl" "$@"; }

cleanup() {
	[ -n "$PLUTO_PID" ] && kill "$PLUTO_PID" 2>/dev/null
	sleep 0.2
	ip netns del "$NS" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
[ -n "${KEEP_OUTPUT:-}" ] && trap "cp $D/pluto.log $D/status.txt $D/notify.txt $KEEP_OUTPUT/; cleanup" EXIT

# count the policies of `ip xfrm policy list` on stdin, leaving out the
# per-socket ones ("socket in/out": pluto's IKE sockets bypass IPsec)
policies_not_socket() {
	awk '/^src/ { if (b != "" && b !~ /socket/) n++; b = $0; next } { b = b $0 }
	     END { if (b != "" && b !~ /socket/) n++; print n + 0 }'
}

wait_for() {	# wait_for FILE-TEST PATH
	for _ in $(seq 1 50); do test "$1" "$2" && return 0; sleep 0.1; done
	return 1
}

start_pluto() {	# start_pluto LOG [extra args]
	local log=$1; shift
	# not through in_ns: $! must be pluto itself (ip netns exec execs it)
	ip netns exec "$NS" "$PLUTO" --nofork --stderrlog --rundir "$D/run" --config "$D/ipsec.conf" \
		--nssdir "$D/nss" --secretsfile "$D/ipsec.secrets" "$@" >"$log" 2>&1 &
	PLUTO_PID=$!
	wait_for -S "$D/run/pluto.ctl"
}

stop_pluto() {
	[ -n "$PLUTO_PID" ] || return 0
	for _ in $(seq 1 50); do kill -0 "$PLUTO_PID" 2>/dev/null || break; sleep 0.1; done
	wait "$PLUTO_PID"; local rc=$?
	PLUTO_PID=
	return $rc
}

# ---- the namespace and files ----
ip netns add "$NS" || { echo "cannot create netns $NS"; exit 1; }
in_ns ip link set lo up
in_ns ip link add veth-a type veth peer name veth-b
in_ns ip addr add 192.0.2.1/24 dev veth-a
in_ns ip addr add 2001:db8::1/64 dev veth-a nodad
in_ns ip link set veth-a up
in_ns ip link set veth-b up
in_ns ip route add default via 192.0.2.254 dev veth-a
mkdir -p "$D/nss" "$D/run"
certutil -N -d "sql:$D/nss" --empty-password || { echo "certutil failed"; exit 1; }

cat >"$D/ipsec.conf" <<CONF
config setup
	plutodebug=none
	logtime=no
	logappend=no

conn west-east
	left=192.0.2.1
	leftid=@west
	leftsubnet=10.0.1.0/24
	right=192.0.2.2
	rightid=@east
	rightsubnet=10.0.2.0/24
	authby=secret
	auto=add

conn dr
	left=%defaultroute
	right=192.0.2.50
	authby=secret
	auto=add

conn v6
	left=2001:db8::2
	leftid=@v6-west
	right=2001:db8::1
	rightid=@v6-east
	authby=secret
	auto=add

conn later
	left=192.0.2.9
	right=192.0.2.2
	authby=secret
	auto=add

conn manual
	left=192.0.2.1
	right=192.0.2.3
	authby=secret
	auto=ignore

conn broken
	left=192.0.2.1
	right=192.0.2.4
	lefft=oops
	authby=secret
	auto=ignore

conn loopback
	left=192.0.2.1
	right=127.0.0.1
	authby=secret
	auto=ignore
CONF
printf '@west @east : PSK "not-a-real-secret"\n' >"$D/ipsec.secrets"
chmod 600 "$D/ipsec.secrets"

# an XFRM policy in pluto's priority band, left "by an earlier run"
in_ns ip xfrm policy add src 10.9.0.0/24 dst 10.9.1.0/24 dir out priority 0x746501 action block
# ... one whose template carries a reqid of pluto's range (with a mark)
in_ns ip xfrm policy add src 10.9.2.0/24 dst 10.9.3.0/24 dir in priority 100 mark 7 \
	tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 0x74650002 mode tunnel
# ... and one that is not pluto's: it must survive
in_ns ip xfrm policy add src 10.8.0.0/24 dst 10.8.1.0/24 dir out priority 5 action block

# ---- --help, --version, a bad option ----
check "--version" grep -q "^tern pluto [0-9]" <<<"$("$PLUTO" --version)"
check "--help names --rundir and --ctlsocket" bash -c '"$1" --help | grep -q -- "--rundir DIR" && "$1" --help | grep -q -- "--ctlsocket PATH"' _ "$PLUTO"
"$PLUTO" --no-such-option >/dev/null 2>&1; rc=$?
check "unknown option: exit 1 ($rc)" test $rc -eq 1
"$PLUTO" --debug bogus >"$D/baddebug.log" 2>&1; rc=$?
check "--debug bogus: refused before anything starts" bash -c "[ $rc -eq 1 ] && grep -q 'unknown debug class' '$D/baddebug.log'"

# ---- missing NSS database: one clear message ----
in_ns "$PLUTO" --nofork --stderrlog --rundir "$D/run" --config "$D/ipsec.conf" \
	--nssdir "$D/no-nss" --secretsfile "$D/ipsec.secrets" >"$D/nonss.log" 2>&1
rc=$?
check "missing NSS db exits non-zero ($rc)" test $rc -ne 0
check "missing NSS db names 'ipsec initnss'" grep -q "database directory \"$D/no-nss\" not initialized; run 'ipsec initnss'" "$D/nonss.log"
check "no pid file left after NSS failure" test ! -e "$D/run/pluto.pid"

# ---- start, with a fake systemd notify socket and a 0.6 s watchdog ----
python3 - "$D/notify.sock" "$D/notify.txt" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(30)
with open(sys.argv[2], "w") as out:
    end = time.time() + 30
    while time.time() < end:
        try:
            m = s.recv(4096).decode()
        except socket.timeout:
            break
        out.write("%.3f %s\n" % (time.time(), m.replace("\n", " "))); out.flush()
        if "STOPPING=1" in m:
            break
PY
NOTIFY_PID=$!
wait_for -S "$D/notify.sock"
export NOTIFY_SOCKET=$D/notify.sock WATCHDOG_USEC=600000
check "pluto starts and listens" start_pluto "$D/pluto.log"
unset NOTIFY_SOCKET WATCHDOG_USEC
L=$D/pluto.log
check "log: NSS initialized" grep -q "NSS initialized" "$L"
check "log: adding UDP interface veth-a 192.0.2.1:500" grep -qx "adding UDP interface veth-a 192.0.2.1:500" "$L"
check "log: adding UDP interface veth-a 192.0.2.1:4500" grep -qx "adding UDP interface veth-a 192.0.2.1:4500" "$L"
check "log: adding UDP interface veth-a [2001:db8::1]:500" grep -qx "adding UDP interface veth-a \[2001:db8::1\]:500" "$L"
check "log: lo 127.0.0.1:500" grep -qx "adding UDP interface lo 127.0.0.1:500" "$L"
check "log: \"west-east\": added IKEv2 connection" grep -qx '"west-east": added IKEv2 connection' "$L"
check "log: later added unoriented" grep -qx '"later": added unoriented IKEv2 connection (neither left=192.0.2.9 nor right=192.0.2.2 match an interface)' "$L"
check "log: auto=ignore conns not loaded" bash -c "! grep -q '\"manual\"' '$L'"
check "log: capabilities dropped" grep -q "dropped capabilities; keeping only CAP_NET_ADMIN, CAP_NET_BIND_SERVICE, CAP_NET_RAW" "$L"
check "log: stale XFRM policies removed" grep -q "kernel: removed 0 XFRM states and 2 XFRM policies left by an earlier run" "$L"
check "kernel: pluto's policies gone, the foreign one kept" \
	test "$(in_ns ip xfrm policy list | policies_not_socket)" = 1 -a -n "$(in_ns ip xfrm policy list | grep 'src 10.8.0.0/24')"
check "socket mode 0700" test "$(stat -c %a "$D/run/pluto.ctl")" = 700
check "pid file holds pluto's pid" test "$(cat "$D/run/pluto.pid")" = "$PLUTO_PID"

# ---- status ----
whack --status >"$D/status.txt"; rc=$?
check "whack --status exits 0" test $rc -eq 0
S=$D/status.txt
check "status: kernel interface" grep -qx "using kernel interface: xfrm" "$S"
check "status: interface line" grep -qx "interface veth-a UDP 192.0.2.1:500" "$S"
check "status: conn line" grep -qx '"west-east": 10.0.1.0/24===192.0.2.1\[@west\]...192.0.2.2\[@east\]===10.0.2.0/24; unrouted; my_ip=unset; their_ip=unset;' "$S"
check "status: oriented" grep -qx '"west-east":   host: oriented; local: 192.0.2.1; remote: 192.0.2.2;' "$S"
check "status: unoriented" grep -q '"later": 192.0.2.9...192.0.2.2; unoriented; my_ip=unset; their_ip=unset;' "$S"
check "status: %defaultroute resolved and oriented" grep -qx '"dr":   host: oriented; local: 192.0.2.1; remote: 192.0.2.50;' "$S"
check "status: IPv6 conn oriented on its right end" grep -qx '"v6": 2001:db8::1\[@v6-east\]...2001:db8::2\[@v6-west\]; unrouted; my_ip=unset; their_ip=unset;' "$S"
check "status: total" grep -qx "Total IPsec connections: loaded 4, active 0" "$S"
check "status: IKE SAs" grep -qx "IKE SAs: total(0), half-open(0), open(0), authenticated(0), anonymous(0)" "$S"
check "status: no 000 prefixes" bash -c "! grep -q '^000 ' '$S'"
out=$(whack --briefstatus); check "briefstatus" grep -q "^IPsec SAs: total(0)" <<<"$out"
out=$(whack --trafficstatus); rc=$?; check "trafficstatus: empty, success" test $rc -eq 0 -a -z "$out"
out=$(whack --showstates); rc=$?; check "showstates: empty, success" test $rc -eq 0 -a -z "$out"

# ---- add / delete ----
out=$(whack --name manual --add 2>&1); rc=$?
check "add manual: rc 0" test $rc -eq 0
check "add manual: client sees the line" grep -qx '"manual": added IKEv2 connection' <<<"$out"
out=$(whack --name manual --add 2>&1); rc=$?
check "add manual again: duplicate (rc 20)" test $rc -eq 20
check "add manual again: message" grep -q 'attempt to redefine connection "manual"' <<<"$out"
out=$(whack --name manual --replace 2>&1); rc=$?
check "replace manual: rc 0" test $rc -eq 0
out=$(whack --name broken --add 2>&1); rc=$?
check "add broken: rc 61 ($rc)" test $rc -eq 61
check "add broken: file:line and keyword" grep -q "$D/ipsec.conf:[0-9]*:.*lefft" <<<"$out"
out=$(whack --name loopback --add 2>&1); rc=$?
check "add both-local conn refused ($rc)" test $rc -ne 0
check "add both-local: says so" grep -q "both left=192.0.2.1" <<<"$out"
out=$(whack --name nosuch --add 2>&1); rc=$?
check "add unknown name: rc 21" test $rc -eq 21
out=$(whack --name manual --delete 2>&1); rc=$?
check "delete manual: rc 0" test $rc -eq 0
out=$(whack --name manual --delete 2>&1); rc=$?
check "delete again: rc 21" test $rc -eq 21
check "delete again: message" grep -q 'no connection or alias named "manual"' <<<"$out"
# no peer answers here: start the negotiation without waiting, then end it
out=$(whack --name west-east --initiate --asynchronous 2>&1); rc=$?
check "initiate --asynchronous: rc 0" test $rc -eq 0
check "initiate: negotiation started" grep -q '"west-east" #1: initiating IKEv2 connection to 192.0.2.2 using UDP' <<<"$out"
out=$(whack --name west-east --terminate 2>&1); rc=$?
check "terminate: rc 0" test $rc -eq 0
check "terminate: IKE SA deleted" grep -q '"west-east" #1: deleting IKE SA (IKE_SA_INIT_I' <<<"$out"
out=$(whack --debug bogus 2>&1); rc=$?
check "debug bogus refused" test $rc -ne 0
out=$(whack --debug base 2>&1); rc=$?
check "debug base" test $rc -eq 0

# ---- listen: a new address orients "later" ----
in_ns ip addr add 192.0.2.9/24 dev veth-a
out=$(whack --listen 2>&1); rc=$?
check "listen: rc 0" test $rc -eq 0
check "listen: new interface added" grep -q "adding UDP interface veth-a 192.0.2.9:500" <<<"$out"
check "listen: later oriented" bash -c "'$WHACK' --help >/dev/null; ip netns exec $NS '$WHACK' --ctlsocket '$D/run/pluto.ctl' --status | grep -q '\"later\":   host: oriented; local: 192.0.2.9'"
in_ns ip addr del 192.0.2.9/24 dev veth-a
out=$(whack --listen 2>&1)
check "listen: gone address shut down" grep -q "shutting down interface veth-a 192.0.2.9:500" <<<"$out"

# ---- SIGHUP rereads the secrets ----
kill -HUP "$PLUTO_PID"
for _ in $(seq 1 20); do [ "$(grep -c 'loading secrets from' "$L")" -ge 2 ] && break; sleep 0.1; done
check "SIGHUP: secrets reloaded" test "$(grep -c "loading secrets from \"$D/ipsec.secrets\"" "$L")" -ge 2
check "secrets never logged" bash -c "! grep -q not-a-real-secret '$L'"

# ---- a packet is read and dropped (debug on) ----
in_ns bash -c 'echo -n hello >/dev/udp/192.0.2.1/500'
sleep 0.2
check "received packet logged at debug" grep -q "| received 5 bytes from 192.0.2.1:[0-9]* on veth-a 192.0.2.1:500" "$L"

# ---- a foreign message on the control socket ----
rc=$(in_ns python3 - "$D/run/pluto.ctl" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1]); s.send(b"GARBAGE-NOT-TERN")
m = s.recv(70000)
magic, ver, typ, length, seq = struct.unpack("!4sHHII", m[:16])
assert magic == b"TERN" and typ == 0x8002 and length == len(m), m
i = 16
while i < len(m):
    t, n = struct.unpack("!HH", m[i:i + 4])
    if t == 7:
        print(struct.unpack("!I", m[i + 4:i + 8])[0])
    i += 4 + n
PY
)
check "foreign message: RESULT RC_BADWHACKMESSAGE (50, got $rc)" test "$rc" = 50
check "foreign message: pluto carries on" bash -c "ip netns exec $NS '$WHACK' --ctlsocket '$D/run/pluto.ctl' --briefstatus >/dev/null"
check "foreign message: logged" grep -q "refused a malformed control message" "$L"

# ---- a client that leaves in the middle of a listing ----
in_ns python3 - "$D/run/pluto.ctl" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"TERN" + struct.pack("!HHII", 1, 1, 16, 42))	# STATUS, seq 42
s.recv(70000); s.close()
PY
check "client leaving mid-status: pluto carries on" bash -c "ip netns exec $NS '$WHACK' --ctlsocket '$D/run/pluto.ctl' --briefstatus >/dev/null"

# ---- second pluto on the same rundir ----
in_ns "$PLUTO" --nofork --stderrlog --rundir "$D/run" --config "$D/ipsec.conf" \
	--nssdir "$D/nss" --secretsfile "$D/ipsec.secrets" >"$D/second.log" 2>&1
rc=$?
check "second pluto refused (rc $rc = 10)" test $rc -eq 10
check "second pluto names the pid" grep -q "lock file \"$D/run/pluto.pid\" already exists: pluto (pid $PLUTO_PID) is running" "$D/second.log"
check "first pluto still answers" bash -c "ip netns exec $NS '$WHACK' --ctlsocket '$D/run/pluto.ctl' --briefstatus >/dev/null"

# ---- SIGTERM ----
kill -TERM "$PLUTO_PID"
stop_pluto; rc=$?
check "SIGTERM: exit 0 ($rc)" test $rc -eq 0
check "SIGTERM: shutting down logged" grep -qx "shutting down" "$L"
check "SIGTERM: interface shut down logged" grep -q "shutting down interface veth-a 192.0.2.1:500" "$L"
check "SIGTERM: no socket left" test ! -e "$D/run/pluto.ctl"
check "SIGTERM: no pid file left" test ! -e "$D/run/pluto.pid"
wait "$NOTIFY_PID" 2>/dev/null
check "systemd: READY=1 with STATUS=" grep -q "READY=1 STATUS=Startup completed." "$D/notify.txt"
check "systemd: WATCHDOG=1 pings" test "$(grep -c 'WATCHDOG=1' "$D/notify.txt")" -ge 2
# the period, not measured gaps: no timing assertions on a loaded machine
check "systemd: watchdog period under half of WatchdogSec" grep -qx "systemd watchdog: WATCHDOG=1 every 270 ms" "$L"
check "systemd: STOPPING=1" grep -q "STOPPING=1" "$D/notify.txt"

# ---- whack --shutdown, and the forking start ----
echo "OLD LINE from an earlier run" >"$D/fork.log"
in_ns "$PLUTO" --rundir "$D/run" --config "$D/ipsec.conf" --nssdir "$D/nss" \
	--secretsfile "$D/ipsec.secrets" --logfile "$D/fork.log" --listen 192.0.2.1
rc=$?
check "forking start: parent exits 0 once listening" test $rc -eq 0 -a -S "$D/run/pluto.ctl"
FPID=$(cat "$D/run/pluto.pid" 2>/dev/null)
check "logfile written, logtime=no honoured" grep -qx "NSS initialized" "$D/fork.log"
check "--listen: only that address" test "$(grep -c 'adding UDP interface' "$D/fork.log")" = 2 -a \
	"$(grep -c 'adding UDP interface veth-a 192.0.2.1:' "$D/fork.log")" = 2
check "logappend=no truncated the logfile" bash -c "! grep -q 'OLD LINE' '$D/fork.log'"
whack --shutdown; rc=$?
check "whack --shutdown: rc 0" test $rc -eq 0
for _ in $(seq 1 50); do kill -0 "$FPID" 2>/dev/null || break; sleep 0.1; done
check "shutdown: process gone" bash -c "! kill -0 $FPID 2>/dev/null"
check "shutdown: no socket left" test ! -e "$D/run/pluto.ctl"
check "shutdown: no pid file left" test ! -e "$D/run/pluto.pid"
out=$(whack --status 2>&1); rc=$?
check "whack without pluto: rc 3" test $rc -eq 3

check "no sanitizer report or assertion in pluto's logs" \
	bash -c "! grep -qE 'Sanitizer|runtime error|EXPECTATION FAILED|ASSERTION FAILED' '$L' '$D/fork.log' '$D/second.log'"

echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
