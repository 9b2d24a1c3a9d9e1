# scenario "harness": the harness itself catches what it must: a crash (a
# process killed by a signal), a sanitizer report and an assertion in a
# log, a non-zero exit; and its sanitizer turns run-to-run noise into
# stable text.  Each check makes lib.sh count a failure on purpose, then
# this scenario verifies the count and takes it back.
expect_failures() {   # expect_failures N WHAT CMD... : CMD must add N failures
    local n=$1 what=$2 before=$failures
    shift 2
    "$@" 2>/dev/null
    if [ $((failures - before)) -eq "$n" ]; then
        failures=$before
        log "ok: harness catches $what"
    else
        local got=$((failures - before))
        failures=$before
        fail "harness missed $what (counted $got, expected $n)"
    fi
}

mkdir -p "$T/fake"
bash -c 'kill -SEGV $$' &
PLUTO_PID[fake]=$!
expect_failures 1 "a crash (SIGSEGV)" reap_pluto fake

bash -c 'exit 6' &
PLUTO_PID[fake]=$!
expect_failures 1 "an unexpected exit status" reap_pluto fake

bash -c 'exit 6' &
PLUTO_PID[fake]=$!
expect_failures 0 "(no false alarm on an expected exit status)" reap_pluto fake 6

echo 'lib/x.c:12:3: runtime error: signed integer overflow' > "$T/fake/pluto.log"
expect_failures 1 "a UBSan report" scan_logs
echo '==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x1' > "$T/fake/pluto.log"
expect_failures 1 "an ASan report" scan_logs
echo 'ASSERTION FAILED: c != NULL' > "$T/fake/pluto.stderr"
rm "$T/fake/pluto.log"
expect_failures 1 "an assertion" scan_logs
rm -f "$T/fake/pluto.stderr"
expect_failures 0 "(no false alarm on clean logs)" scan_logs
expect_failures 1 "a failed check" check "false is true" false

tx sanitize
note "raw lines with times, pids and paths, as the sanitizer leaves them"
{
    echo "Nov 22 13:34:21.123456: Starting Pluto (tern 0.1.0) pid:4242"
    echo "2026-11-22T13:34:21.123456+0000 pluto[4242]: x"
    echo "#2: \"C\", type=ESP, add_time=1795354874, inBytes=84"
    echo "$T/west/ipsec.conf:12: unknown keyword 'lefft'"
    echo "Linux tern 0.1.0 (XFRM) on 6.1.176"
} >> "$tx_file"
