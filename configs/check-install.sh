#!/bin/bash
# check-install.sh BUILDDIR PREFIX SBINDIR LIBEXECDIR SYSCONFDIR: `meson
# install` into a scratch DESTDIR and check the layout a system needs.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
b=$1 prefix=$2 sbindir=$3 libexecdir=$4 sysconfdir=$5
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
DESTDIR=$d meson install -C "$b" --no-rebuild --quiet >"$d.log" 2>&1 ||
    { cat "$d.log"; rm -f "$d.log"; echo "FAIL: meson install"; exit 1; }
rm -f "$d.log"
bad=0
want() {   # want MODE-REGEX PATH
    local p=$d$2 m
    if [ ! -e "$p" ]; then
        echo "FAIL: missing $2"; bad=1; return
    fi
    m=$(stat -c %a "$p")
    [[ $m =~ ^($1)$ ]] || { echo "FAIL: $2 has mode $m, want $1"; bad=1; return; }
    echo "ok: $2 ($m)"
}
want 755 "$sbindir/ipsec"
for p in pluto whack addconn; do
    want 755 "$libexecdir/$p"
done
want '6[04][04]' "$prefix/lib/systemd/system/ipsec.service"
want '6[04][04]' "$prefix/lib/tmpfiles.d/tern.conf"
want '6[04][04]' "$sysconfdir/ipsec.conf"
want 600 "$sysconfdir/ipsec.secrets"
want '6[04][04]' "$prefix/share/doc/tern/examples/ipsec.conf"
# man pages, when the build made them (docs feature)
for m in "$b"/docs/*.[1-8]; do
    [ -f "$m" ] || continue
    n=${m##*/}
    want '6[04][04]' "$prefix/share/man/man${n##*.}/$n"
done
# the installed front-end finds its helpers in libexec (through DESTDIR here)
v=$(IPSEC_EXECDIR=$d$libexecdir "$d$sbindir/ipsec" --version) && echo "ok: $v" ||
    { echo "FAIL: installed ipsec --version"; bad=1; }
if [ -x "$d$libexecdir/whack" ]; then
    out=$(IPSEC_EXECDIR=$d$libexecdir "$d$sbindir/ipsec" --ctlsocket "$d/none.ctl" status 2>&1)
    rc=$?
    [ $rc = 3 ] && echo "ok: installed ipsec status -> whack -> 'not running' (3)" ||
        { echo "FAIL: installed ipsec status: rc $rc: $out"; bad=1; }
fi
# a second install keeps an admin's configuration
echo "# admin's" >> "$d$sysconfdir/ipsec.conf"
DESTDIR=$d meson install -C "$b" --no-rebuild --quiet >/dev/null 2>&1
grep -q "^# admin's" "$d$sysconfdir/ipsec.conf" && echo "ok: reinstall keeps $sysconfdir/ipsec.conf" ||
    { echo "FAIL: reinstall overwrote $sysconfdir/ipsec.conf"; bad=1; }
exit $bad
