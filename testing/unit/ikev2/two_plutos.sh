#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Two real plutos on the host, west (192.0.2.1, 10.0.1.0/24) and east
# (192.0.2.2, 10.0.2.0/24), each in a network namespace of its own
# (tern-ikev2-w-<pid>, tern-ikev2-e-<pid>) joined by a veth pair, bring up
# IKEv2 with a PSK over real UDP sockets.
#
# Where the kernel has ESP (UML, a normal distribution kernel) the tunnel
# comes up: `ipsec up` exits 0 and trafficstatus lists the Child SA.
# Where it has not (this project's host kernel) the IKE SA is established
# on both ends, the Child SA fails with one clear line naming the
# operation and the missing CONFIG_INET_ESP, the initiator tells east
# with an INFORMATIONAL Delete, `ipsec up` exits 56 (RC_FATAL), and no
# state claims a tunnel.  Then `ipsec down` deletes the IKE SA on both.
#
#   sudo testing/unit/ikev2/two_plutos.sh BUILD_DIR
#
# IKEV2_TEST_ESP=aes128-sha2_256 picks another esp= (default aes_gcm256).
# Exit 0 = every check passed; 77 = skipped (not root, tools missing).
set -u
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null && command -v certutil >/dev/null || { echo "SKIP: needs ip and certutil"; exit 77; }
BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
PLUTO=$BUILD/programs/pluto/pluto
WHACK=$BUILD/programs/whack/whack
D=$(mktemp -d /tmp/tern-ikev2-check.XXXXXX)
PASS=0 FAIL=0
declare -A NS=([west]=tern-ikev2-w-$$ [east]=tern-ikev2-e-$$) PID=() ADDR=([west]=192.0.2.1 [east]=192.0.2.2)

ok()   { PASS=$((PASS + 1)); echo "ok - $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
whack() { local h=$1; shift; ip netns exec "${NS[$h]}" "$WHACK" --ctlsocket "$D/$h/run/pluto.ctl" "$@"; }

cleanup() {
	for h in west east; do
		[ -n "${PID[$h]:-}" ] && kill "${PID[$h]}" 2>/dev/null
	done
	sleep 0.3
	for h in west east; do ip netns del "${NS[$h]}" 2>/dev/null; done
	if [ -n "${KEEP_OUTPUT:-}" ]; then cp "$D"/west/pluto.log* "$D"/east/pluto.log "$KEEP_OUTPUT/"; fi
	rm -rf "$D"
}
trap cleanup EXIT

wait_for() {	# wait_for TEST-ARGS...
	for _ in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
	return 1
}

# ---- network: two namespaces, one veth pair ----
for h in west east; do ip netns add "${NS[$h]}" || { echo "cannot create netns ${NS[$h]}"; exit 1; }; done
ip link add tern-ikw$$ netns "${NS[west]}" type veth peer name tern-ike$$ netns "${NS[east]}"
ip -n "${NS[west]}" link set tern-ikw$$ name eth0
ip -n "${NS[east]}" link set tern-ike$$ name eth0
for h in west east; do
	ip -n "${NS[$h]}" link set lo up
	ip -n "${NS[$h]}" addr add "${ADDR[$h]}/24" dev eth0
	ip -n "${NS[$h]}" link set eth0 up
done

for h in west east; do
	mkdir -p "$D/$h/nss" "$D/$h/run"
	certutil -N -d "sql:$D/$h/nss" --empty-password || { echo "certutil failed"; exit 1; }
	cat >"$D/$h/ipsec.conf" <<CONF
config setup
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
	ike=aes_gcm256-sha2_512;dh31
	esp=${IKEV2_TEST_ESP:-aes_gcm256}
	retransmit-timeout=10s
	auto=add
CONF
	echo '@west @east : PSK "a long and shared test secret"' >"$D/$h/ipsec.secrets"
	chmod 600 "$D/$h/ipsec.secrets"
	ip netns exec "${NS[$h]}" "$PLUTO" --nofork --rundir "$D/$h/run" --config "$D/$h/ipsec.conf" \
		--nssdir "$D/$h/nss" --secretsfile "$D/$h/ipsec.secrets" --logfile "$D/$h/pluto.log" \
		>"$D/$h/stderr.txt" 2>&1 &
	PID[$h]=$!
done
for h in west east; do
	check "$h: pluto listens" wait_for test -S "$D/$h/run/pluto.ctl"
done

# ---- up ----
out=$(whack west --name west-east --initiate 2>&1); rc=$?
echo "$out" | sed 's/^/  west> /'
WL=$D/west/pluto.log EL=$D/east/pluto.log
check "west: initiating line" grep -qx '"west-east" #1: initiating IKEv2 connection to 192.0.2.2 using UDP' <<<"$out"
check "west: IKE_SA_INIT sent" grep -qx '"west-east" #1: sent IKE_SA_INIT request to 192.0.2.2:UDP/500' <<<"$out"
check "west: IKE_SA_INIT processed" grep -qx '"west-east" #1: processed IKE_SA_INIT response from 192.0.2.2:UDP/500 {cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH31}, initiating IKE_AUTH' <<<"$out"
check "west: IKE SA established" grep -qx "\"west-east\" #1: initiator established IKE SA; authenticated peer using authby=secret and FQDN '@east'" <<<"$out"
check "east: IKE SA established" wait_for grep -qx "\"west-east\" #1: responder established IKE SA; authenticated peer using authby=secret and FQDN '@west'" "$EL"
if grep -q "initiator established Child SA" <<<"$out"; then
	# a kernel with ESP: the tunnel is up
	check "west: ipsec up exit 0 ($rc)" test "$rc" -eq 0
	check "east: Child SA established" wait_for grep -q '"west-east" #2: responder established Child SA using #1; IPsec tunnel \[10.0.2.0/24===10.0.1.0/24\]' "$EL"
	check "west: trafficstatus" grep -q '^#2: "west-east", type=ESP, add_time=[0-9]*, inBytes=0, outBytes=0, maxBytes=2^63B, id='"'@east'" <<<"$(whack west --trafficstatus)"
else
	# no ESP in this kernel: the Child SA fails cleanly, the IKE SA stays.
	# Whichever end installs first meets the kernel's refusal: east (the
	# responder installs before it answers) answers NO_PROPOSAL_CHOSEN;
	# if east could, west fails and sends a Delete for the Child SA.
	check "west: ipsec up fails with RC_FATAL (56, got $rc)" test "$rc" -eq 56
	check "one clear kernel error line naming what failed" \
		grep -qE '"west-east" #2: ERROR: Child SA not installed.*kernel: (adding|updating) ESP SA 0x[0-9a-f]+ 192.0.2.1->192.0.2.2 failed: kernel has no ' "$WL" "$EL"
	check "west: Child SA rejected or deleted" grep -qE '"west-east" #2: (IKE_AUTH response rejected Child SA with NO_PROPOSAL_CHOSEN|sent INFORMATIONAL request to delete Child SA)' <<<"$out"
	check "west: no tunnel claimed" bash -c "! grep -q 'established Child SA' '$WL'"
	check "east: no tunnel claimed" bash -c "! grep -q 'established Child SA' '$EL'"
	check "west: trafficstatus empty" test -z "$(whack west --trafficstatus)"
	check "east: no XFRM state left (larval SPI removed)" test -z "$(ip -n "${NS[east]}" xfrm state)"
	check "west: no XFRM state left (larval SPI removed)" test -z "$(ip -n "${NS[west]}" xfrm state)"
	# (but the IKE sockets' own bypass policies, "socket in/out")
	check "no XFRM policy left" test "$( (ip -n "${NS[west]}" xfrm policy; ip -n "${NS[east]}" xfrm policy) |
		awk '/^src/ { if (b != "" && b !~ /socket/) n++; b = $0; next } { b = b $0 }
		     END { if (b != "" && b !~ /socket/) n++; print n + 0 }')" = 0
fi
st=$(whack west --showstates)
echo "$st" | sed 's/^/  west showstates> /'
check "west: showstates IKE SA" grep -qx '#1: "west-east":500 ESTABLISHED_IKE_SA (established IKE SA); newest; idle;' <<<"$st"
est=$(whack east --showstates)
echo "$est" | sed 's/^/  east showstates> /'
check "east: showstates IKE SA" grep -qx '#1: "west-east":500 ESTABLISHED_IKE_SA (established IKE SA); newest; idle;' <<<"$est"
check "east: briefstatus counts" grep -q 'IKE SAs: total(1), half-open(0), open(0), authenticated(1), anonymous(0)' <<<"$(whack east --briefstatus)"

# ---- down ----
out=$(whack west --name west-east --terminate 2>&1); rc=$?
echo "$out" | sed 's/^/  west> /'
check "west: down exit 0" test "$rc" -eq 0
check "west: Delete sent" grep -q '"west-east" #1: sent INFORMATIONAL request to delete IKE SA' <<<"$out"
check "east: peer's Delete processed" wait_for grep -q '"west-east" #1: received Delete SA payload: deleting IKE SA' "$EL"
check "east: no state left" test -z "$(whack east --showstates)"
check "west: no state left" test -z "$(whack west --showstates)"

# ---- PSK mismatch: AUTHENTICATION_FAILED on both sides ----
echo '@west @east : PSK "not the same secret at all"' >"$D/east/ipsec.secrets"
whack east --rereadsecrets >/dev/null
out=$(whack west --name west-east --initiate 2>&1); rc=$?
echo "$out" | sed 's/^/  west> /'
check "PSK mismatch: RC_FATAL (56, got $rc)" test "$rc" -eq 56
check "PSK mismatch: west rejected by peer" grep -q 'IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED' <<<"$out"
check "PSK mismatch: east says why" grep -q 'authentication of the initiator using authby=secret failed: AUTH payload does not match (pre-shared key mismatch?)' "$EL"

# ---- ipsec delete: the connection goes, its IKE SA with a Delete ----
echo '@west @east : PSK "a long and shared test secret"' >"$D/east/ipsec.secrets"
whack east --rereadsecrets >/dev/null
whack west --name west-east --initiate >/dev/null 2>&1
check "again: IKE SA up on east" wait_for bash -c "test \$(grep -c 'responder established IKE SA' '$EL') -ge 2"
out=$(whack west --name west-east --delete 2>&1); rc=$?
echo "$out" | sed 's/^/  west> /'
check "delete: exit 0" test "$rc" -eq 0
check "delete: Delete sent" grep -q '"west-east" #5: sent INFORMATIONAL request to delete IKE SA' <<<"$out"
check "delete: east deletes its IKE SA" wait_for bash -c "test \$(grep -c 'received Delete SA payload: deleting IKE SA' '$EL') -ge 2"
check "delete: conn gone" bash -c "! whack west --name west-east --initiate >/dev/null 2>&1"

# ---- auto=start: west restarts and initiates by itself ----
kill -TERM "${PID[west]}"; wait "${PID[west]}"
sed -i 's/auto=add/auto=start/' "$D/west/ipsec.conf"
# a fresh log, so that the checks below cannot see the first run's lines
mv "$WL" "$D/west/pluto.log.1"
ip netns exec "${NS[west]}" "$PLUTO" --nofork --rundir "$D/west/run" --config "$D/west/ipsec.conf" \
	--nssdir "$D/west/nss" --secretsfile "$D/west/ipsec.secrets" --logfile "$D/west/pluto.log" \
	>>"$D/west/stderr.txt" 2>&1 &
PID[west]=$!
check "auto=start: west initiates at start-up" wait_for grep -q '"west-east" #1: initiating IKEv2 connection to 192.0.2.2 using UDP' "$WL"
check "auto=start: IKE SA established" wait_for grep -q "\"west-east\" #1: initiator established IKE SA; authenticated peer using authby=secret and FQDN '@east'" "$WL"

# ---- shutdown ----
for h in west east; do
	kill -TERM "${PID[$h]}"
	wait "${PID[$h]}"; rc=$?
	check "$h: SIGTERM exit 0 ($rc)" test "$rc" -eq 0
	PID[$h]=
	check "$h: no sanitizer or assertion report" bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error|Assertion' '$D/$h/stderr.txt' '$D/$h/pluto.log'"
done
echo "--- west pluto.log (first run)"; cat "$D/west/pluto.log.1"
echo "--- west pluto.log (auto=start run)"; cat "$WL"
echo "--- east pluto.log"; cat "$EL"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
