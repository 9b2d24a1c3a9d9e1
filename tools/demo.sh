#!/bin/bash
# demo.sh - the README's first command: install dependencies, build, and
# run the demo inside User-mode Linux (tools/demo-guest.sh): two plutos in
# two network namespaces load their conn, show `ipsec status`, bring the
# tunnel up, ping through it and show `ipsec trafficstatus` on both ends.
# Exits non-zero if the tunnel or the ping fails.
# Run as root: sudo tools/demo.sh
#
# Environment: TERN_BUILD (default build), TERN_SKIP_DEPS=1.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1
B=${TERN_BUILD:-build}
if [ "${TERN_SKIP_DEPS:-0}" != 1 ]; then
    tools/install-deps.sh || exit 1
fi
if [ ! -f "$B/build.ninja" ]; then
    meson setup "$B" || exit 1
fi
meson compile -C "$B" || exit 1
B=$(readlink -f "$B")
out=$B/demo.out
rm -rf "$out" && mkdir -p "$out" || exit 1
export TERN_BUILDDIR=$B SCENARIO_OUT=$out UML_PRIVATE_TMP=1 UML_RW=$B
export UML_MODULES="${UML_MODULES-xfrm_user esp4 esp6 ipv6 veth dummy gcm ghash_generic ctr seqiv echainiv authenc cbc hmac drbg jitterentropy_rng sha512_generic}"
echo "demo: booting User-mode Linux ($(readlink -f /usr/bin/linux.uml 2>/dev/null || echo linux.uml))"
testing/uml/run-in-uml.sh /bin/bash "$PWD/tools/demo-guest.sh"
rc=$?
[ $rc = 77 ] && echo "demo: User-mode Linux is not installed (apt-get install user-mode-linux)" >&2
exit $rc
