#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# whack against a fake pluto: requests as sent, stdout as printed, exit
# status as the RESULT, and every failure path with its exact message.
#   whack_test.sh WHACK FAKE_PLUTO
set -u
WHACK=$1
FAKE=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/whack-test.XXXXXX") || exit 1
sock=$tmp/pluto.ctl
journal=$tmp/journal
fake_pid=
cleanup() {
    [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

fails=0
checks=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# run_whack ARGS... : sets rc, out (stdout file), err (stderr file)
out=$tmp/out
err=$tmp/err
run_whack() {
    "$WHACK" "$@" >"$out" 2>"$err"
    rc=$?
}

# expect RC STDOUT STDERR : compare the last run exactly
expect() {
    checks=$((checks + 1))
    printf '%s' "$2" >"$tmp/want_out"
    printf '%s' "$3" >"$tmp/want_err"
    [ "$rc" = "$1" ] || fail "$what: exit status $rc, want $1"
    if ! cmp -s "$out" "$tmp/want_out"; then
        fail "$what: stdout differs"
        diff "$tmp/want_out" "$out" | head -20
    fi
    if ! cmp -s "$err" "$tmp/want_err"; then
        fail "$what: stderr differs"
        diff "$tmp/want_err" "$err" | head -20
    fi
}

nl='
'

# ---- pluto is not running ----
what="no socket"
run_whack --ctlsocket "$tmp/nowhere.ctl" --status
expect 3 "" "whack: pluto is not running (no socket at $tmp/nowhere.ctl)$nl"

what="no socket, via --rundir"
run_whack --rundir "$tmp/nodir" --name west --add
expect 3 "" "whack: pluto is not running (no socket at $tmp/nodir/pluto.ctl)$nl"

what="stale socket (connection refused)"
"$FAKE" --stale "$tmp/stale.ctl" || fail "fake_pluto --stale"
[ -S "$tmp/stale.ctl" ] || fail "no stale socket made"
run_whack --ctlsocket "$tmp/stale.ctl" --shutdown
expect 3 "" "whack: pluto is not running (no socket at $tmp/stale.ctl)$nl"

# ---- start the fake pluto ----
"$FAKE" "$sock" "$journal" &
fake_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do
    sleep 0.05
    i=$((i + 1))
done
[ -S "$sock" ] || { fail "fake pluto did not start"; exit 1; }

# ---- every command option becomes the right request ----
for pair in status:STATUS globalstatus:GLOBALSTATUS briefstatus:BRIEFSTATUS \
    trafficstatus:TRAFFICSTATUS showstates:SHOWSTATES statestatus:SHOWSTATES \
    connectionstatus:CONNECTIONSTATUS listen:LISTEN rereadsecrets:REREADSECRETS \
    rereadall:REREADALL; do
    opt=${pair%%:*}
    type=${pair#*:}
    what="--$opt"
    run_whack --ctlsocket "$sock" "--$opt"
    expect 0 "request $type$nl" ""
done

for pair in add:ADD delete:DELETE replace:REPLACE initiate:INITIATE \
    terminate:TERMINATE down:TERMINATE route:ROUTE ondemand:ROUTE unroute:UNROUTE \
    rekey-ike:REKEY_IKE rekey-child:REKEY_CHILD rekey-ipsec:REKEY_CHILD; do
    opt=${pair%%:*}
    type=${pair#*:}
    what="--name west-east --$opt"
    run_whack --ctlsocket "$sock" --name west-east "--$opt"
    expect 0 "request $type name=west-east$nl" ""
done

what="--rekey-child --async (Libreswan's spelling of --asynchronous)"
run_whack --ctlsocket "$sock" --name west --rekey-child --async
expect 0 "request REKEY_CHILD name=west async$nl" ""

what="--rekey-ike --asynchronous"
run_whack --ctlsocket "$sock" --rekey-ike --asynchronous --name west
expect 0 "request REKEY_IKE name=west async$nl" ""

what="--add --config"
run_whack --rundir "$tmp" --name west --add --config /etc/ipsec.d/west.conf
expect 0 "request ADD name=west config=/etc/ipsec.d/west.conf$nl" ""

what="--replace --config --asynchronous"
run_whack --ctlsocket "$sock" --replace --config "$tmp/a b.conf" --name west --asynchronous
expect 0 "request REPLACE name=west config=$tmp/a b.conf async$nl" ""

what="--config with --delete is accepted and not sent"
run_whack --ctlsocket "$sock" --name west --delete --config /etc/ipsec.conf
expect 0 "request DELETE name=west$nl" ""

what="--initiate --asynchronous"
run_whack --ctlsocket "$sock" --name west --initiate --asynchronous
expect 0 "request INITIATE name=west async$nl" ""

what="--connectionstatus --name"
run_whack --ctlsocket "$sock" --connectionstatus --name west
expect 0 "request CONNECTIONSTATUS name=west$nl" ""

what="--trafficstatus --name"
run_whack --ctlsocket "$sock" --name west --trafficstatus
expect 0 "request TRAFFICSTATUS name=west$nl" ""

what="--debug"
run_whack --ctlsocket "$sock" --debug base,crypt
expect 0 "request DEBUG debug=base,crypt$nl" ""

what="--debug repeated"
run_whack --ctlsocket "$sock" --debug-none --debug base --debug private
expect 0 "request DEBUG debug=none,base,private$nl" ""

what="--debug-all"
run_whack --ctlsocket "$sock" --debug-all
expect 0 "request DEBUG debug=all$nl" ""

what="--ctlsocket wins over --rundir"
run_whack --rundir "$tmp/nodir" --ctlsocket "$sock" --status
expect 0 "request STATUS$nl" ""

# ---- replies ----
what="result code is the exit status"
run_whack --ctlsocket "$sock" --name rc-21 --delete
expect 21 "request DELETE name=rc-21$nl" ""

what="result code 60 (not yet supported)"
run_whack --ctlsocket "$sock" --name rc-60 --route
expect 60 "request ROUTE name=rc-60$nl" ""

what="result text is printed"
run_whack --ctlsocket "$sock" --name rc-text --delete
expect 21 "request DELETE name=rc-text${nl}no connection named \"rc-text\"$nl" ""

what="every severity printed as is"
run_whack --ctlsocket "$sock" --name severity --initiate
expect 0 "request INITIATE name=severity$nl| a debug line${nl}WARNING: a warning${nl}ERROR: an error$nl" ""

what="empty log line"
run_whack --ctlsocket "$sock" --name empty --initiate
expect 0 "request INITIATE name=empty${nl}before${nl}${nl}after$nl" ""

what="5000 lines, none lost"
run_whack --ctlsocket "$sock" --name lines-5000 --initiate
checks=$((checks + 1))
[ "$rc" = 0 ] || fail "$what: exit status $rc"
[ "$(wc -l <"$out")" -eq 5001 ] || fail "$what: $(wc -l <"$out") lines"
[ "$(sed -n 2p "$out")" = "line 1 of 5000" ] || fail "$what: first line"
[ "$(tail -n 1 "$out")" = "line 5000 of 5000" ] || fail "$what: last line"
[ "$(grep -c '^line [0-9]* of 5000$' "$out")" -eq 5000 ] || fail "$what: line count"
[ ! -s "$err" ] || fail "$what: stderr not empty"

what="longest lines, whole"
run_whack --ctlsocket "$sock" --name long --initiate
checks=$((checks + 1))
[ "$rc" = 0 ] || fail "$what: exit status $rc"
[ "$(wc -l <"$out")" -eq 4 ] || fail "$what: $(wc -l <"$out") lines"
for c in a b c; do
    [ "$(grep -c "^$c\{8192\}\$" "$out")" -eq 1 ] || fail "$what: no line of 8192 '$c'"
done

what="closed without a result"
run_whack --ctlsocket "$sock" --name close --route
expect 33 "request ROUTE name=close$nl" \
    "whack: pluto closed the connection without a result (after 1 log lines)$nl"

what="undecodable reply"
run_whack --ctlsocket "$sock" --name garbage --route
expect 33 "request ROUTE name=garbage$nl" \
    "whack: malformed reply from pluto: message too short: 5 bytes, the header alone is 16$nl"

what="reply with the wrong sequence number"
run_whack --ctlsocket "$sock" --name badseq --route
checks=$((checks + 1))
[ "$rc" = 33 ] || fail "$what: exit status $rc"
grep -q '^whack: malformed reply from pluto: sequence number [0-9]*, expected [0-9]*$' "$err" ||
    fail "$what: stderr: $(cat "$err")"

# ---- usage errors: exit 33, nothing sent ----
before=$(wc -l <"$journal")
usage() {   # usage MESSAGE ARGS...
    what="usage: $*"
    msg=$1
    shift
    run_whack --ctlsocket "$sock" "$@"
    expect 33 "" "whack: $msg${nl}Try 'whack --help' for more information.$nl"
}
usage "unrecognized option '--frobnicate'" --frobnicate
usage "unrecognized option '--up'" --name west --up
usage "invalid option '-s' (whack has long options only)" -s
usage "option '--re' is ambiguous; possibilities: --rereadsecrets, --rereadall, --replace, --rekey-ike, --rekey-child, --rekey-ipsec" --re
usage "option '--name' requires an argument" --add --name
usage "no command given (for instance --status, or --name NAME --add)"
usage "no command given (for instance --status, or --name NAME --add)" --name west
usage "--add needs --name NAME" --add
usage "--initiate needs --name NAME" --initiate --asynchronous
usage "--rekey-ike needs --name NAME" --rekey-ike
usage "--rekey-child needs --name NAME" --rekey-ipsec --async
usage "--name is not used with --status" --status --name west
usage "--status and --shutdown cannot be combined: whack sends one command" --status --shutdown
usage "--add and --initiate cannot be combined: whack sends one command" --name west --add --initiate
usage "--status and --debug cannot be combined: whack sends one command" --status --debug all
usage "--asynchronous is only used with --initiate, --add, --replace or --rekey-*" --name west --delete --asynchronous
usage "unexpected argument 'west'" --add west
usage "--name given twice ('a' and 'b')" --name a --name b --delete
usage "--name needs a non-empty connection name" --name "" --delete
usage "--debug needs a non-empty list of debug classes" --debug ""
long=$(printf '%0257d' 0)
usage "connection name too long (257 bytes, at most 256)" --name "$long" --delete
after=$(wc -l <"$journal")
checks=$((checks + 1))
[ "$before" = "$after" ] || fail "usage errors reached pluto: $before -> $after requests"

what="--help"
run_whack --help
checks=$((checks + 1))
[ "$rc" = 0 ] && grep -q -- '--ctlsocket PATH' "$out" && [ ! -s "$err" ] || fail "$what"

what="--version"
run_whack --version
checks=$((checks + 1))
[ "$rc" = 0 ] && grep -q '^whack (tern) [0-9]' "$out" || fail "$what"

# ---- shutdown ----
what="--shutdown"
run_whack --ctlsocket "$sock" --shutdown
expect 0 "request SHUTDOWN${nl}shutting down$nl" ""
# wait at most 5 s for the fake to exit, so a broken whack cannot hang the test
i=0
while kill -0 "$fake_pid" 2>/dev/null && [ -e "$sock" ] && [ $i -lt 100 ]; do
    sleep 0.05
    i=$((i + 1))
done
if [ -e "$sock" ]; then
    kill "$fake_pid" 2>/dev/null
    fail "fake pluto still running after --shutdown"
fi
wait "$fake_pid"
fake_rc=$?
fake_pid=
checks=$((checks + 1))
[ "$fake_rc" = 0 ] || fail "fake pluto exit status $fake_rc"
[ ! -e "$sock" ] || fail "socket left behind"

what="after shutdown"
run_whack --ctlsocket "$sock" --status
expect 3 "" "whack: pluto is not running (no socket at $sock)$nl"

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
