#!/bin/bash
# test-ipsec.sh IPSEC: the front-end's verb -> helper mapping, options,
# exit codes and messages, with fake whack/addconn/pluto (IPSEC_EXECDIR)
# that record their argv.  Host only, no pluto needed.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
IPSEC=$1
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
for p in whack addconn pluto hostkey ipsec-ca; do
    cat > "$t/$p" <<EOS
#!/bin/bash
{ printf '$p'; printf ' %s' "\$@"; echo; } > "$t/argv"
exit \${FAKE_RC:-0}
EOS
    chmod +x "$t/$p"
done
export IPSEC_EXECDIR=$t
pass=0 failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*"; }

# maps "ARGS" "EXPECTED ARGV OF THE HELPER"
maps() {
    local args=$1 want=$2 got
    rm -f "$t/argv"
    # shellcheck disable=SC2086
    "$IPSEC" $args >"$t/out" 2>"$t/err"
    local rc=$?
    got=$(cat "$t/argv" 2>/dev/null)
    if [ $rc != 0 ] || [ "$got" != "$want" ]; then
        bad "ipsec $args: rc=$rc, ran '$got', want '$want' ($(cat "$t/err"))"
    else
        ok
    fi
}
# fails "ARGS" RC "STDERR-SUBSTRING"
fails() {
    local args=$1 want=$2 msg=$3
    rm -f "$t/argv"
    # shellcheck disable=SC2086
    "$IPSEC" $args >"$t/out" 2>"$t/err"
    local rc=$?
    if [ $rc != "$want" ]; then
        bad "ipsec $args: exit $rc, want $want ($(cat "$t/err"))"
    elif ! grep -qF -- "$msg" "$t/err"; then
        bad "ipsec $args: stderr lacks '$msg': $(cat "$t/err")"
    elif [ -e "$t/argv" ]; then
        bad "ipsec $args: ran a helper: $(cat "$t/argv")"
    else
        ok
    fi
}

# connection verbs
maps "add west-east" "whack --name west-east --replace"
maps "delete west-east" "whack --name west-east --delete"
maps "replace west-east" "whack --name west-east --replace"
maps "up west-east" "whack --name west-east --initiate"
maps "down west-east" "whack --name west-east --terminate"
maps "route west-east" "whack --name west-east --route"
maps "unroute west-east" "whack --name west-east --unroute"
maps "add west-east --config /x.conf" "whack --name west-east --replace --config /x.conf"
# status verbs
maps "status" "whack --status"
maps "briefstatus" "whack --briefstatus"
maps "globalstatus" "whack --globalstatus"
maps "showstates" "whack --showstates"
maps "connectionstatus" "whack --connectionstatus"
maps "connectionstatus c" "whack --connectionstatus --name c"
maps "trafficstatus" "whack --trafficstatus"
maps "trafficstatus c" "whack --trafficstatus --name c"
maps "listen" "whack --listen"
maps "rereadsecrets" "whack --rereadsecrets"
maps "stop" "whack --shutdown"
# path options before or after the verb, both spellings
maps "--rundir /r status" "whack --rundir /r --status"
maps "status --rundir /r" "whack --rundir /r --status"
maps "--ctlsocket=/s add c" "whack --ctlsocket /s --name c --replace"
maps "add c --ctlsocket /s --rundir /r" "whack --ctlsocket /s --rundir /r --name c --replace"
maps "--rundir /r --config /c --nssdir /n --secretsfile /s status" "whack --rundir /r --status"
# pass-through verbs
maps "whack --debug base --rundir /r" "whack --debug base --rundir /r"
maps "--rundir /r whack --status" "whack --rundir /r --status"
maps "pluto --nofork --rundir /r" "pluto --nofork --rundir /r"
maps "addconn --liststart" "addconn --liststart"
maps "checkconfig --config /c.conf" "addconn --checkconfig --config /c.conf"
maps "--config /c.conf checkconfig" "addconn --checkconfig --config /c.conf"
# deprecated spellings: same helper call, a warning naming the new verb
for op in add delete replace up down route unroute; do
    case $op in up) w=--initiate ;; down) w=--terminate ;; add) w=--replace ;; *) w=--$op ;; esac
    maps "auto --$op c" "whack --name c $w"
    grep -qF "'ipsec auto --$op' is deprecated; use 'ipsec $op'" "$t/err" && ok ||
        bad "auto --$op: no deprecation warning: $(cat "$t/err")"
done
maps "auto --status" "whack --status"
# exit status is the helper's (pluto's result code through whack)
FAKE_RC=21 "$IPSEC" add c >/dev/null 2>&1
rc=$?
[ $rc = 21 ] && ok || bad "exit status of whack not passed on: $rc"
FAKE_RC=3 "$IPSEC" status >/dev/null 2>&1
rc=$?
[ $rc = 3 ] && ok || bad "exit status 3 not passed on: $rc"
# usage errors and unsupported verbs
fails "frobnicate" 2 "unknown command 'frobnicate'"
fails "add" 2 "'add' needs a connection name"
fails "add a b" 2 "'add' takes one connection name"
fails "add --bogus" 2 "unknown option '--bogus' for 'add'"
fails "status extra" 2 "'status' takes no argument"
fails "auto" 2 "'auto' needs an operation"
fails "auto --frob c" 2 "unknown 'auto' operation '--frob'"
fails "status --rundir" 2 "option --rundir needs an argument"
maps "newhostkey --keytype ecdsa" "hostkey newhostkey --keytype ecdsa"
maps "--nssdir /n showhostkey --left --ckaid 00" "hostkey showhostkey --nssdir /n --left --ckaid 00"
maps "--rundir /r --config /c --nssdir /n newhostkey" "hostkey newhostkey --nssdir /n"
maps "--rundir /r ca list" "ipsec-ca list"
maps "ca issue myca --cn east" "ipsec-ca issue myca --cn east"
maps "--nssdir /n import east.p12" "ipsec-ca --nssdir /n import east.p12"
"$IPSEC" >/dev/null 2>&1; [ $? = 2 ] && ok || bad "no verb: not a usage error"
# help and version
"$IPSEC" --help > "$t/out" 2>&1 && ok || bad "--help failed"
for v in start stop restart add delete replace up down route unroute auto status briefstatus \
         connectionstatus globalstatus trafficstatus showstates listen rereadsecrets \
         checkconfig addconn initnss checknss newhostkey showhostkey ca import whack pluto; do
    grep -qw -- "$v" "$t/out" && ok || bad "--help does not mention '$v'"
done
v=$("$IPSEC" --version)
[[ $v =~ ^Linux\ tern\ [0-9]+\.[0-9]+\.[0-9]+\ \(XFRM\)\ on\ .+$ ]] && ok || bad "--version: '$v'"
# helpers not found
IPSEC_EXECDIR=$t/nowhere "$IPSEC" status >/dev/null 2>"$t/err"
rc=$?
[ $rc = 127 ] && grep -qF "cannot find 'whack'" "$t/err" && ok || bad "missing whack: rc $rc $(cat "$t/err")"
# initnss / checknss (needs certutil)
if command -v certutil >/dev/null; then
    "$IPSEC" initnss --nssdir "$t/nss" > "$t/out" 2>&1
    rc=$?
    [ $rc = 0 ] && [ -f "$t/nss/cert9.db" ] && grep -qx "Initializing NSS database" "$t/out" && ok ||
        bad "initnss: rc $rc $(cat "$t/out")"
    [ "$(stat -c %a "$t/nss")" = 700 ] && ok || bad "nss dir mode $(stat -c %a "$t/nss")"
    "$IPSEC" initnss --nssdir "$t/nss" > "$t/out" 2>&1
    rc=$?
    [ $rc = 42 ] && grep -qF "NSS database already initialized - aborted" "$t/out" && ok ||
        bad "initnss on an existing db: rc $rc $(cat "$t/out")"
    "$IPSEC" checknss --nssdir "$t/nss" > "$t/out" 2>&1
    rc=$?
    [ $rc = 0 ] && [ ! -s "$t/out" ] && ok || bad "checknss on an existing db: rc $rc $(cat "$t/out")"
    "$IPSEC" checknss --nssdir "$t/nss2" > "$t/out" 2>&1
    rc=$?
    [ $rc = 0 ] && [ -f "$t/nss2/cert9.db" ] && ok || bad "checknss creating a db: rc $rc $(cat "$t/out")"
else
    echo "certutil missing: initnss/checknss not tested"
fi
# start without systemd: refuses a config addconn rejects, starts nothing
FAKE_RC=1 "$IPSEC" --rundir "$t/run" --config "$t/bad.conf" --nssdir "$t/nss" start >/dev/null 2>"$t/err"
rc=$?
[ $rc = 1 ] && grep -qF "not starting pluto" "$t/err" && grep -q '^addconn --checkconfig' "$t/argv" && ok ||
    bad "start with a broken config: rc $rc $(cat "$t/err")"

echo "test-ipsec: $pass passed, $failn failed"
[ $failn = 0 ]
