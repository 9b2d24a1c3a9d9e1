#!/bin/bash
# test.sh - the README's test command: install dependencies, build with gcc
# (warnings are errors), run every test (unit, fuzz replay, configs,
# scenarios in User-mode Linux); then build with clang and
# ASan+UBSan and run the unit, fuzz and configs suites there; then build
# with gcc and UBSan and run the scenarios there (ASan does not work inside
# UML).  Ends with
#   N passed, N failed, N skipped
# counting every test run (a failed build counts as one failed test), and
# exits non-zero if anything failed.  Run as root: sudo tools/test.sh
#
# Environment: TERN_BUILD (default build-test), TERN_BUILD_ASAN (default
# build-test-asan), TERN_BUILD_UBSAN (default build-test-ubsan), TERN_SKIP_DEPS=1 (do not run install-deps.sh),
# TERN_TEST_ARGS (extra `meson test` arguments for the gcc build).
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1
top=$PWD
B=${TERN_BUILD:-build-test}
BA=${TERN_BUILD_ASAN:-build-test-asan}
BU=${TERN_BUILD_UBSAN:-build-test-ubsan}
passed=0 failed=0 skipped=0
failed_names=()

section() { printf '\n==== %s ====\n' "$*"; }

setup() {   # setup DIR ENV... -- MESON-OPTIONS...
    local dir=$1
    shift
    local envs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    if [ -f "$dir/build.ninja" ]; then
        meson setup --reconfigure "$dir" "$@"
    else
        env "${envs[@]}" meson setup "$dir" "$@"
    fi
}

# count the results of the last `meson test` in DIR from its testlog.json
count() {   # count DIR LABEL
    local dir=$1 label=$2 log=$1/meson-logs/testlog.json r n p=0 f=0 s=0
    if [ ! -f "$log" ]; then
        echo "test.sh: no $log: counting '$label' as one failure"
        failed=$((failed + 1)); failed_names+=("$label: no test log")
        return
    fi
    while IFS=$'\t' read -r n r; do
        case $r in
            OK|EXPECTEDFAIL) p=$((p + 1)) ;;
            SKIP) s=$((s + 1)) ;;
            *) f=$((f + 1)); failed_names+=("$label: $n ($r)") ;;
        esac
    done < <(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if line:
        t = json.loads(line)
        print("%s\t%s" % (t.get("name"), t.get("result")))' "$log")
    echo "test.sh: $label: $p passed, $f failed, $s skipped"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

build_failed() {
    failed=$((failed + 1))
    failed_names+=("$1")
    echo "test.sh: $1 FAILED"
}

if [ "${TERN_SKIP_DEPS:-0}" != 1 ]; then
    section "dependencies"
    tools/install-deps.sh || build_failed "install-deps"
fi

section "gcc build ($B)"
if setup "$B" CC=gcc -- -Dwerror=true -Dtests=enabled -Ddocs=enabled && meson compile -C "$B"; then
    section "gcc: every suite (unit, fuzz, configs, scenarios in UML)"
    rm -f "$B/meson-logs/testlog.json"     # never count an earlier run
    # shellcheck disable=SC2086
    meson test -C "$B" --print-errorlogs ${TERN_TEST_ARGS:-} </dev/null
    count "$B" gcc
else
    build_failed "gcc build"
fi

section "clang ASan+UBSan build ($BA)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
if setup "$BA" CC=clang -- -Dwerror=true -Dtests=enabled -Ddocs=disabled \
        -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug &&
   meson compile -C "$BA"; then
    section "asan: unit, fuzz and configs suites"
    rm -f "$BA/meson-logs/testlog.json"
    meson test -C "$BA" --print-errorlogs --suite unit --suite fuzz --suite configs </dev/null
    count "$BA" asan
else
    build_failed "clang ASan+UBSan build"
fi

# ASan cannot run inside User-mode Linux (the guest's address space is too
# small for its shadow memory), UBSan can: run the scenarios once more with
# a UBSan pluto, so undefined behaviour under real operation is caught
section "gcc UBSan build ($BU): scenarios in UML"
if setup "$BU" CC=gcc -- -Dwerror=true -Dtests=enabled -Ddocs=disabled \
        -Db_sanitize=undefined &&
   meson compile -C "$BU"; then
    rm -f "$BU/meson-logs/testlog.json"
    meson test -C "$BU" --print-errorlogs --suite scenarios </dev/null
    count "$BU" ubsan
else
    build_failed "gcc UBSan build"
fi

section "summary"
for n in "${failed_names[@]}"; do echo "FAILED: $n"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
