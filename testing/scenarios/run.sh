#!/bin/bash
# run.sh NAME - host side of one scenario: boot one UML guest that runs
# guest.sh NAME.  Output (transcripts, logs) in
# $TERN_BUILDDIR/testing/scenarios/NAME.out/.  Exit 77 (skip) without UML.
# Used by meson (testing/scenarios/meson.build) and by hand:
#   TERN_BUILDDIR=$PWD/build testing/scenarios/run.sh status
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
name=${1:?usage: run.sh SCENARIO}
here=$(dirname "$(readlink -f "$0")")
src=$(readlink -f "$here/../..")
: "${TERN_BUILDDIR:=$src/build}"
TERN_BUILDDIR=$(readlink -f "$TERN_BUILDDIR")
[ -d "$here/$name" ] || { echo "run.sh: no scenario '$name' in $here" >&2; exit 2; }
for p in pluto/pluto whack/whack ipsec/ipsec addconn/addconn; do
    if [ ! -x "$TERN_BUILDDIR/programs/$p" ]; then
        echo "run.sh: $TERN_BUILDDIR/programs/$p is not built" >&2
        exit 1
    fi
done
out=$TERN_BUILDDIR/testing/scenarios/$name.out
rm -rf "$out" && mkdir -p "$out" || exit 1
export TERN_BUILDDIR TERN_SRCDIR=$src SCENARIO_OUT=$out
export UML_PRIVATE_TMP=1
# the build tree read-write (outputs land in it; it may be under /tmp,
# which the guest replaces by a private tmpfs); the sources too when they
# are under /tmp, or when expected/ files are being rewritten
UML_RW=$TERN_BUILDDIR
case $src in /tmp|/tmp/*) UML_RW+=:$src ;; esac
[ "${TERN_UPDATE_EXPECTED:-0}" = 1 ] && UML_RW+=:$here/$name
export UML_RW
export UML_TIMEOUT=${UML_TIMEOUT:-240}
export UML_MODULES="${UML_MODULES-xfrm_user esp4 esp6 ipv6 veth dummy gcm ghash_generic ctr seqiv echainiv authenc cbc hmac drbg jitterentropy_rng sha512_generic}"
cd "$out" || exit 1
"$src/testing/uml/run-in-uml.sh" /bin/bash "$here/guest.sh" "$name"
rc=$?
case $rc in
    0|77) ;;
    124) echo "run.sh: scenario $name timed out in UML after ${UML_TIMEOUT}s" >&2 ;;
    125) echo "run.sh: UML guest gave no exit status (boot failure or panic)" >&2 ;;
esac
exit $rc
