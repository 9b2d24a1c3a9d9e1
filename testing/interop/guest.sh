#!/bin/bash
# guest.sh CASE - runs INSIDE the UML guest: the scenario library
# (testing/scenarios/lib.sh), the peers (peers.sh), then CASE/case.sh; checks
# and compares like a scenario.  Started by run.sh (host side).
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
CASE=$1
here=$(dirname "$(readlink -f "$0")")
: "${TERN_SRCDIR:=$(readlink -f "$here/../..")}"
export TERN_SRCDIR
SCENARIO=interop-$CASE
SCN_DIR=$here/$CASE
export SCENARIO SCN_DIR
# shellcheck source=../scenarios/lib.sh
. "$TERN_SRCDIR/testing/scenarios/lib.sh"
# shellcheck source=peers.sh
. "$here/peers.sh"
rm -rf "$T" && mkdir -p "$T" "$TX_DIR" || exit 1
log "starting in $(uname -r) (UML), build $TERN_BUILDDIR"
t_case=$EPOCHREALTIME
# shellcheck disable=SC1090,SC1091
. "$SCN_DIR/case.sh"
case $PEER in
    charon) charon_stop ;;
    libreswan) libreswan_stop ;;
esac
log "case took $(elapsed "$t_case") s inside the guest"
finish
