#!/bin/bash
# guest.sh NAME - runs INSIDE the UML guest: load lib.sh, run NAME/scenario.sh,
# check and compare.  Started by run.sh (host side).
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
SCENARIO=$1
here=$(dirname "$(readlink -f "$0")")
: "${TERN_SRCDIR:=$(readlink -f "$here/../..")}"
export TERN_SRCDIR SCENARIO
# shellcheck source=lib.sh
. "$here/lib.sh"
rm -rf "$T" && mkdir -p "$T" "$TX_DIR" || exit 1
log "starting in $(uname -r) (UML), build $TERN_BUILDDIR"
# shellcheck disable=SC1090
. "$SCN_DIR/scenario.sh"
finish
