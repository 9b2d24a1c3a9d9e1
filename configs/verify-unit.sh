#!/bin/bash
# verify-unit.sh UNIT-FILE: `systemd-analyze verify` on the generated
# ipsec.service, with its install paths pointed at the build tree so the
# executables it names exist.  Exit 77 (skip) without systemd-analyze.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
unit=$1 builddir=$2 libexecdir=$3 sbindir=$4
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze: skip"; exit 77; }
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/libexec" "$t/sbin"
for p in pluto whack addconn; do
    if [ ! -x "$builddir/programs/$p/$p" ]; then
        echo "$builddir/programs/$p/$p not built: skip"; exit 77
    fi
    ln -s "$builddir/programs/$p/$p" "$t/libexec/$p"
done
ln -s "$builddir/programs/ipsec/ipsec" "$t/sbin/ipsec"
sed -e "s|$libexecdir/|$t/libexec/|g" -e "s|$sbindir/|$t/sbin/|g" "$unit" > "$t/ipsec.service"
grep -n '^Exec' "$t/ipsec.service"
out=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$t/ipsec.service" 2>&1)
rc=$?
# lines about other units (the host's own) are not ours
ours=$(printf '%s\n' "$out" | grep -F "ipsec.service" || true)
printf '%s\n' "$out"
if [ $rc -ne 0 ] || [ -n "$ours" ]; then
    echo "FAIL: systemd-analyze verify complained about ipsec.service (rc=$rc)"
    exit 1
fi
echo "ipsec.service: systemd-analyze verify clean"
