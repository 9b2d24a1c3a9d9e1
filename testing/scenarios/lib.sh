# testing/scenarios/lib.sh - the scenario harness, sourced by guest.sh
# INSIDE a User-mode Linux guest (one guest per scenario).
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A scenario is testing/scenarios/NAME/scenario.sh (sourced, with this library
# loaded) plus testing/scenarios/NAME/expected/*.txt.  It writes transcripts
# with `tx FILE` + `run HOST CMD...`; at the end every transcript is
# sanitized and compared with expected/FILE.txt (unified diff on mismatch).
#
# The scenario FAILS when:
#   - a transcript differs from its expected file (or one is missing);
#   - `check` / `expect_*` saw something wrong ("EXPECTATION FAILED");
#   - a pluto died from a signal (crash) or exited non-zero unasked;
#   - any log has a sanitizer report or "EXPECTATION FAILED" /
#     "ASSERTION FAILED".
#
# Set TERN_UPDATE_EXPECTED=1 to (re)write expected/*.txt from this run
# (then read them before committing!).
#
# Hosts (DESIGN.md):  west 192.0.2.1, guarding 10.0.1.0/24 (10.0.1.254 on dummy0)
#                     east 192.0.2.2, guarding 10.0.2.0/24 (10.0.2.254 on dummy0)
# Each host H has, under $T/H: ipsec.conf, ipsec.secrets, nss/, run/
# (rundir: pluto.ctl, pluto.pid), pluto.log (logfile), pluto.stderr.

: "${TERN_BUILDDIR:?}" "${TERN_SRCDIR:?}" "${SCENARIO:?}" "${SCENARIO_OUT:?}"

SCN_DIR=${SCN_DIR:-$TERN_SRCDIR/testing/scenarios/$SCENARIO}
IPSEC=$TERN_BUILDDIR/programs/ipsec/ipsec
PLUTO=$TERN_BUILDDIR/programs/pluto/pluto
WHACK=$TERN_BUILDDIR/programs/whack/whack
ADDCONN=$TERN_BUILDDIR/programs/addconn/addconn
T=${SCENARIO_TMP:-/tmp/tern-scenario}   # guest tmpfs (UML_PRIVATE_TMP=1)
TX_DIR=$SCENARIO_OUT/transcripts
failures=0
declare -A PLUTO_PID=()                 # host -> pid of its --nofork pluto
declare -A HOST_ADDR=([west]=192.0.2.1 [east]=192.0.2.2)
declare -A HOST_NET=([west]=10.0.1.254/24 [east]=10.0.2.254/24)
tx_file=

# ---------------------------------------------------------------------------
# reporting
# ---------------------------------------------------------------------------
log() { printf '%s\n' "scenario $SCENARIO: $*" >&2; }

fail() {
    printf 'EXPECTATION FAILED: %s\n' "$*" >&2
    [ -n "$tx_file" ] && printf 'EXPECTATION FAILED: %s\n' "$*" >> "$tx_file"
    failures=$((failures + 1))
}

# check DESCRIPTION CMD... : CMD must succeed
check() {
    local what=$1
    shift
    if "$@"; then
        log "ok: $what"
    else
        fail "$what"
    fi
}

# ---------------------------------------------------------------------------
# hosts: namespaces, addresses, files
# ---------------------------------------------------------------------------
netns_pair() {   # west and east on one veth link, each with its guarded net
    local h
    for h in west east; do
        ip netns add "$h" || { fail "ip netns add $h"; return 1; }
        ip -n "$h" link set lo up
    done
    ip link add veth-west netns west type veth peer name veth-east netns east ||
        { fail "veth pair"; return 1; }
    for h in west east; do
        ip -n "$h" link set "veth-$h" name eth0
        ip -n "$h" addr add "${HOST_ADDR[$h]}/24" dev eth0
        ip -n "$h" link set eth0 up
        ip -n "$h" link add dummy0 type dummy
        ip -n "$h" addr add "${HOST_NET[$h]}" dev dummy0
        ip -n "$h" link set dummy0 up
    done
    ip netns exec west ping -c 1 -W 5 -q 192.0.2.2 >/dev/null ||
        fail "west cannot ping east on the outer link"
}

# host_setup HOST [CONF [SECRETS]] : files for HOST from the scenario dir
# (default NAME/HOST.conf, NAME/HOST.secrets, else NAME/ipsec.conf ...);
# @T@ in them becomes $T.  Makes the NSS database with `ipsec initnss`
# (unless HOST_SETUP_NSS=0).
host_setup() {
    local h=$1 conf=${2:-} secrets=${3:-} d=$T/$1
    mkdir -p "$d/run" && chmod 700 "$d/run"
    [ -n "$conf" ] || { conf=$SCN_DIR/$h.conf; [ -f "$conf" ] || conf=$SCN_DIR/ipsec.conf; }
    [ -n "$secrets" ] || { secrets=$SCN_DIR/$h.secrets; [ -f "$secrets" ] || secrets=$SCN_DIR/ipsec.secrets; }
    sed "s|@T@|$T|g" "$conf" > "$d/ipsec.conf"
    if [ -f "$secrets" ]; then
        sed "s|@T@|$T|g" "$secrets" > "$d/ipsec.secrets"
    else
        : > "$d/ipsec.secrets"
    fi
    chmod 600 "$d/ipsec.secrets"
    [ "${HOST_SETUP_NSS:-1}" = 1 ] || return 0   # the caller runs initnss itself
    "$IPSEC" initnss --nssdir "$d/nss" > "$d/initnss.out" 2>&1 ||
        { cat "$d/initnss.out" >&2; fail "$h: ipsec initnss --nssdir $d/nss"; }
}

# the path options every ipsec verb of HOST gets
host_opts() {
    local d=$T/$1
    printf '%s\0' --rundir "$d/run" --config "$d/ipsec.conf" \
        --nssdir "$d/nss" --secretsfile "$d/ipsec.secrets"
}

# start_pluto HOST [PLUTO-ARGS...] : pluto --nofork in HOST's namespace,
# in the background; waits for its control socket.
start_pluto() {
    local h=$1 d=$T/$1 i
    shift
    ip netns exec "$h" "$PLUTO" --nofork --config "$d/ipsec.conf" \
        --rundir "$d/run" --nssdir "$d/nss" --secretsfile "$d/ipsec.secrets" \
        --logfile "$d/pluto.log" "$@" \
        </dev/null >>"$d/pluto.stderr" 2>&1 &
    PLUTO_PID[$h]=$!
    for ((i = 0; i < 300; i++)); do
        [ -S "$d/run/pluto.ctl" ] && return 0
        if ! kill -0 "${PLUTO_PID[$h]}" 2>/dev/null; then
            wait "${PLUTO_PID[$h]}"
            fail "$h: pluto exited with status $? before its control socket appeared"
            tail -n 15 "$d/pluto.log" "$d/pluto.stderr" 2>/dev/null | sed "s/^/$h: /" >&2
            unset "PLUTO_PID[$h]"
            return 1
        fi
        sleep 0.1
    done
    fail "$h: no control socket $d/run/pluto.ctl after 30 s"
    return 1
}

# reap_pluto HOST [EXPECTED-STATUS] : wait for HOST's pluto (already told
# to stop) and check how it ended
reap_pluto() {
    local h=$1 want=${2:-0} pid=${PLUTO_PID[$1]:-} rc i
    [ -n "$pid" ] || return 0
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        fail "$h: pluto (pid $pid) still running 30 s after shutdown; killing it"
        kill -KILL "$pid"
    fi
    wait "$pid"
    rc=$?
    unset "PLUTO_PID[$h]"
    if [ "$rc" -gt 128 ] && [ "$rc" -le 192 ]; then
        fail "$h: pluto CRASHED: killed by signal $((rc - 128))"
    elif [ "$rc" != "$want" ]; then
        fail "$h: pluto exited with status $rc, expected $want"
    fi
}

# stop_pluto HOST : ipsec whack --shutdown, then reap
stop_pluto() {
    local h=$1
    [ -n "${PLUTO_PID[$h]:-}" ] || return 0
    ip netns exec "$h" "$WHACK" --rundir "$T/$h/run" --shutdown >/dev/null 2>&1 ||
        fail "$h: whack --shutdown failed"
    reap_pluto "$h"
}

# ---------------------------------------------------------------------------
# transcripts
# ---------------------------------------------------------------------------
# xfrm_nstates HOST N : exactly N XFRM states in HOST within 10 s (after a
# rekey pluto keeps the replaced Child SA's inbound SA 5 s for packets in
# flight)
xfrm_nstates() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(ip -n "$1" xfrm state | grep -c '^src')" = "$2" ] && return 0
        sleep 0.1
    done
    ip -n "$1" xfrm state >&2
    return 1
}

# xfrm_empty HOST : no XFRM state and no policy left in HOST but pluto's
# IKE socket bypass (listed as "socket in/out"), within 5 s (a peer acts
# when the Delete arrives)
xfrm_empty() {
    local i
    for ((i = 0; i < 50; i++)); do
        [ -z "$(ip -n "$1" xfrm state)" ] &&
            [ "$(ip -n "$1" xfrm policy | awk '
                /^src/ { if (b != "" && b !~ /socket/) n++; b = $0; next }
                { b = b $0 }
                END { if (b != "" && b !~ /socket/) n++; print n + 0 }')" = 0 ] &&
            return 0
        sleep 0.1
    done
    ip -n "$1" xfrm state; ip -n "$1" xfrm policy
    return 1
}

tx() {   # tx NAME : following `run`s go to transcripts/NAME.txt
    tx_file=$TX_DIR/$1.txt
    : > "$tx_file"
}

# run HOST CMD ARGS... : run in HOST's namespace, record "HOST# CMD ARGS",
# the output (stdout+stderr) and a non-zero exit status in the transcript.
# `ipsec VERB` and `whack` get HOST's path options (not shown).  HOST
# "host" is the guest's root namespace, and gets no path options.
# Returns the command's status.
run() {
    local h=$1 shown rc out o=()
    shift
    shown="$*"
    [ "$h" = host ] && case $1 in   # the guest's root namespace: no path options
        ipsec) set -- "$IPSEC" "${@:2}" ;;
        whack) set -- "$WHACK" "${@:2}" ;;
    esac
    [ "$h" != host ] && case $1 in
        ipsec)
            shift
            if [ "${1:-}" = whack ]; then
                shift
                set -- "$IPSEC" whack --rundir "$T/$h/run" "$@"
            else
                mapfile -d '' o < <(host_opts "$h")
                set -- "$IPSEC" "${o[@]}" "$@"
            fi
            ;;
        whack)
            shift
            set -- "$WHACK" --rundir "$T/$h/run" "$@"
            ;;
    esac
    if [ "$h" = host ]; then
        out=$("$@" 2>&1 </dev/null)
    else
        out=$(ip netns exec "$h" "$@" 2>&1 </dev/null)
    fi
    rc=$?
    {
        printf '%s# %s\n' "$h" "$shown"
        [ -n "$out" ] && printf '%s\n' "$out"
        [ "$rc" = 0 ] || printf '[exit %s]\n' "$rc"
    } | tee -a "${tx_file:-/dev/null}" >&2
    return "$rc"
}

# a comment line in the transcript
note() { printf '# %s\n' "$*" | tee -a "${tx_file:-/dev/null}" >&2; }

# sanitize < raw > clean: everything that changes from run to run
sanitize() {
    sed -E \
        -e "s|$T/|@T@/|g" \
        -e "s|$TERN_BUILDDIR/|@BUILD@/|g" \
        -e "s|$TERN_SRCDIR/|@SRC@/|g" \
        -e 's/(pid[:= ]+)[0-9]+/\1PID/g' \
        -e 's/\[[0-9]+\]: /[PID]: /g' \
        -e 's/[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?/TIME/g' \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([+-][0-9]{2}:?[0-9]{2}|Z)?/TIME/g' \
        -e 's/add_time=[0-9]+/add_time=TIME/g' \
        -e 's/ on [0-9]+\.[0-9]+[^ ]*$/ on KERNEL/' |
    if [ -f "$SCN_DIR/sanitize.sed" ]; then sed -E -f "$SCN_DIR/sanitize.sed"; else cat; fi
}

compare_transcripts() {
    local f name exp got
    shopt -s nullglob
    for f in "$TX_DIR"/*.txt; do
        name=${f##*/}
        exp=$SCN_DIR/expected/$name
        got=$SCENARIO_OUT/${name%.txt}.sanitized.txt
        sanitize < "$f" > "$got"
        if [ "${TERN_UPDATE_EXPECTED:-0}" = 1 ]; then
            mkdir -p "$SCN_DIR/expected"
            cp "$got" "$exp"
            log "wrote $exp"
            continue
        fi
        if [ ! -f "$exp" ]; then
            fail "no expected transcript $exp (this run's is $got; TERN_UPDATE_EXPECTED=1 writes it)"
            continue
        fi
        if diff -u --label "expected/$name" --label "got/$name" "$exp" "$got"; then
            log "transcript $name matches"
        else
            fail "transcript $name differs from expected/$name (diff above)"
        fi
    done
    for f in "$SCN_DIR"/expected/*.txt; do
        [ -f "$TX_DIR/${f##*/}" ] || fail "expected/${f##*/} was never produced"
    done
    shopt -u nullglob
}

# scan every log and transcript for crashes and reports
scan_logs() {
    local f
    shopt -s nullglob globstar
    for f in "$T"/**/*.log "$T"/**/*.stderr "$TX_DIR"/*.txt; do
        [ -f "$f" ] || continue
        if grep -Hn -E 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error: |EXPECTATION FAILED|ASSERTION FAILED|Segmentation fault|core dumped' "$f" >&2; then
            case $f in
                "$TX_DIR"/*) ;;   # already counted when fail() wrote it
                *) failures=$((failures + 1)); printf 'scenario %s: report in %s (above)\n' "$SCENARIO" "$f" >&2 ;;
            esac
        fi
    done
    shopt -u nullglob globstar
}

# collect: copy per-host files next to the transcripts for reading
collect() {
    local h
    for h in "$T"/*/; do
        h=${h%/}
        h=${h##*/}
        mkdir -p "$SCENARIO_OUT/$h"
        cp -a "$T/$h"/*.log "$T/$h"/*.stderr "$T/$h"/*.conf "$T/$h"/*.out \
            "$SCENARIO_OUT/$h/" 2>/dev/null
    done
}

# finish: stop what is still running, check everything, exit 0/1
finish() {
    local h
    for h in "${!PLUTO_PID[@]}"; do
        log "stopping $h's pluto (the scenario left it running)"
        stop_pluto "$h"
    done
    scan_logs
    collect
    compare_transcripts
    if [ "$failures" -gt 0 ]; then
        log "FAILED ($failures problems); files in $SCENARIO_OUT"
        exit 1
    fi
    log "passed"
    exit 0
}
