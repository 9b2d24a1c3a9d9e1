#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pluto's journal sink, for real: a private mount namespace with a tmpfs
# /run, a standalone systemd-journald in it, pluto logging there (its
# default when /run/systemd/journal/socket exists), and journalctl -o
# verbose must show MESSAGE=, PRIORITY=, SYSLOG_IDENTIFIER=pluto, CONN=
# and PEER=.
#
#   sudo testing/unit/pluto/journal_check.sh BUILD_DIR
set -u
# exit 77 = skipped (meson): not root, or a tool is missing
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x /lib/systemd/systemd-journald ] && command -v unshare >/dev/null || { echo "SKIP: needs systemd-journald and unshare"; exit 77; }
BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
if [ "${TERN_IN_PRIVATE_RUN:-}" != yes ]; then
	exec env TERN_IN_PRIVATE_RUN=yes unshare -m --propagation private "$0" "$BUILD"
fi
PLUTO=$BUILD/programs/pluto/pluto
D=$(mktemp -d /tmp/tern-pluto-journal.XXXXXX)
PASS=0 FAIL=0
check() { local what=$1; shift; if "$@"; then PASS=$((PASS + 1)); echo "ok - $what"; else FAIL=$((FAIL + 1)); echo "FAIL - $what"; fi; }

mount -t tmpfs tmpfs /run || exit 1
mkdir -p /run/systemd/journal
/lib/systemd/systemd-journald &
JPID=$!
trap 'kill $JPID 2>/dev/null; rm -rf "$D"' EXIT
for _ in $(seq 1 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done

mkdir "$D/nss" "$D/run"
certutil -N -d "sql:$D/nss" --empty-password
# 198.18.0.99 (benchmarking range): not an address of this host
printf 'conn west-east\n\tleft=127.0.0.1\n\tright=198.18.0.99\n\tauthby=secret\n\tauto=add\n' >"$D/ipsec.conf"
: >"$D/ipsec.secrets"; chmod 600 "$D/ipsec.secrets"
"$PLUTO" --nofork --rundir "$D/run" --config "$D/ipsec.conf" --nssdir "$D/nss" \
	--secretsfile "$D/ipsec.secrets" >"$D/stderr" 2>&1 &
P=$!
for _ in $(seq 1 50); do [ -S "$D/run/pluto.ctl" ] && break; sleep 0.1; done
kill $P; wait $P
journalctl --sync 2>/dev/null
V=$(journalctl --no-pager -o verbose SYSLOG_IDENTIFIER=pluto CONN=west-east)
check "journal: MESSAGE of the conn line" grep -q 'MESSAGE="west-east": added IKEv2 connection' <<<"$V"
check "journal: CONN=" grep -q '^ *CONN=west-east$' <<<"$V"
check "journal: PEER=" grep -q '^ *PEER=198.18.0.99$' <<<"$V"
check "journal: PRIORITY=6" grep -q '^ *PRIORITY=6$' <<<"$V"
check "journal: SYSLOG_IDENTIFIER=pluto" grep -q '^ *SYSLOG_IDENTIFIER=pluto$' <<<"$V"
A=$(journalctl --no-pager SYSLOG_IDENTIFIER=pluto)
check "journal: start and stop lines" bash -c 'grep -q "NSS initialized" <<<"$1" && grep -q "shutting down" <<<"$1"' _ "$A"
check "journal is the default sink: nothing on stderr" test ! -s "$D/stderr"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
