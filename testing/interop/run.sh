#!/bin/bash
# run.sh CASE - host side of one interop case: check that the peer is
# installed (else exit 77 = skip, with the reason), then boot one UML guest
# running guest.sh CASE.  Output (transcripts, both sides' logs) in
# $TERN_BUILDDIR/testing/interop/CASE.out/.
# Used by meson (testing/interop/meson.build, suite 'interop') and by hand:
#   TERN_BUILDDIR=$PWD/build testing/interop/run.sh charon-tern-initiates
# The peers: tools/install-deps.sh, as root (or testing/interop/install-peers.sh).
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
name=${1:?usage: run.sh CASE}
here=$(dirname "$(readlink -f "$0")")
src=$(readlink -f "$here/../..")
: "${TERN_BUILDDIR:=$src/build}"
TERN_BUILDDIR=$(readlink -f "$TERN_BUILDDIR")
: "${LSW_ROOT:=/var/lib/tern-interop/libreswan}"
export LSW_ROOT
[ -f "$here/$name/case.sh" ] || { echo "run.sh: no interop case '$name' in $here" >&2; exit 2; }
for p in pluto/pluto whack/whack ipsec/ipsec addconn/addconn; do
    if [ ! -x "$TERN_BUILDDIR/programs/$p" ]; then
        echo "run.sh: $TERN_BUILDDIR/programs/$p is not built" >&2
        exit 1
    fi
done
peer=$(sed -n 's/^PEER=\([a-z]*\).*/\1/p' "$here/$name/case.sh")
case $peer in
    charon)
        if [ ! -x /usr/lib/ipsec/charon ] || ! command -v swanctl > /dev/null; then
            echo "SKIP: strongSwan charon/swanctl not installed (tools/install-deps.sh, as root)" >&2
            exit 77
        fi ;;
    libreswan)
        if [ ! -x "$LSW_ROOT/usr/libexec/ipsec/pluto" ]; then
            echo "SKIP: Libreswan 4.10 not unpacked in $LSW_ROOT (tools/install-deps.sh, as root)" >&2
            exit 77
        fi ;;
    *) echo "run.sh: $name/case.sh sets no PEER=charon|libreswan" >&2; exit 2 ;;
esac
out=$TERN_BUILDDIR/testing/interop/$name.out
rm -rf "$out" && mkdir -p "$out" || exit 1
export TERN_BUILDDIR TERN_SRCDIR=$src SCENARIO_OUT=$out
export UML_PRIVATE_TMP=1
UML_RW=$TERN_BUILDDIR
case $src in /tmp|/tmp/*) UML_RW+=:$src ;; esac
[ "${TERN_UPDATE_EXPECTED:-0}" = 1 ] && UML_RW+=:$here/$name
export UML_RW
export UML_TIMEOUT=${UML_TIMEOUT:-150}
export UML_MODULES="${UML_MODULES-xfrm_user esp4 esp6 ipv6 veth dummy gcm ghash_generic ctr seqiv echainiv authenc cbc hmac sha256_generic sha512_generic chacha20poly1305 drbg jitterentropy_rng}"
cd "$out" || exit 1
t0=$EPOCHREALTIME
"$src/testing/uml/run-in-uml.sh" /bin/bash "$here/guest.sh" "$name"
rc=$?
echo "run.sh: interop case $name: exit $rc after $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s (UML boot included)" >&2
case $rc in
    124) echo "run.sh: interop case $name timed out in UML after ${UML_TIMEOUT}s" >&2 ;;
    125) echo "run.sh: UML guest gave no exit status (boot failure or panic)" >&2 ;;
esac
exit $rc
