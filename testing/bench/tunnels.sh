#!/bin/bash
# testing/bench/tunnels.sh -- benchmark item 5: N tunnels (default 1,000)
# between two gateways inside User-mode Linux with the real kernel's ESP,
# tern vs strongSwan charon vs Libreswan 4.10 in the same guest, one pair
# after the other (testing/bench/tunnels-guest.sh says what is measured).
#
# usage (from the top of the tree, after TERN_BUILDDIR is built):
#   testing/bench/tunnels.sh [RESULTS-FILE]
# Environment: TERN_BUILDDIR (default build-bench), N_TUNNELS=1000,
#   TUNNEL_LIMIT=300 (seconds per daemon pair), DAEMONS="tern charon libreswan",
#   BENCH_WORK (default /tmp/tern-bench).  Peers: testing/interop/install-peers.sh.
# Prints and writes the guest's RESULT lines (RESULTS-FILE, default
# $BENCH_WORK/tunnels.results); logs of each daemon in $BENCH_WORK/tunnels/.
# UML: one virtual CPU; system calls ~67x slower than on the host, so the
# absolute figures are UML's; compare the daemons within one run.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$(readlink -f "${TERN_BUILDDIR:-$TOP/build-bench}")
WORK=${BENCH_WORK:-/tmp/tern-bench}
RES=${1:-$WORK/tunnels.results}
N=${N_TUNNELS:-1000}
LIMIT=${TUNNEL_LIMIT:-300}
DAEMONS=${DAEMONS:-tern charon libreswan}
[ -x "$B/programs/pluto/pluto" ] || { echo "tunnels.sh: $B is not built" >&2; exit 2; }
[ -x /usr/bin/linux.uml ] || { echo "tunnels.sh: no User-mode Linux (apt-get install user-mode-linux)" >&2; exit 77; }
OUT=$WORK/tunnels
rm -rf "$OUT" && mkdir -p "$OUT" || exit 2
n_daemons=$(wc -w <<< "$DAEMONS")
export TERN_BUILDDIR=$B BENCH_OUT=$OUT N_TUNNELS=$N TUNNEL_LIMIT=$LIMIT DAEMONS
export UML_PRIVATE_TMP=1 UML_MEM=${UML_MEM:-2G}
export UML_RW=$B:$WORK
export UML_TIMEOUT=$(( (LIMIT + 120) * n_daemons + 60 ))
export UML_MODULES="${UML_MODULES-xfrm_user esp4 veth dummy gcm ghash_generic ctr seqiv echainiv authenc cbc hmac drbg jitterentropy_rng sha512_generic}"
cd "$OUT" || exit 2
t0=$EPOCHREALTIME
"$TOP/testing/uml/run-in-uml.sh" /bin/bash "$TOP/testing/bench/tunnels-guest.sh" > "$OUT/guest.out" 2> "$OUT/guest.err"
rc=$?
grep '^RESULT ' "$OUT/guest.out" | tee "$RES"
awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "tunnels.sh: guest ran %.0f s, exit %d\n", b - a, '"$rc"' }' >&2
[ "$rc" = 0 ] || tail -20 "$OUT/guest.err" >&2
exit "$rc"
