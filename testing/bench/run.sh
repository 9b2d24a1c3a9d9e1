#!/bin/bash
# testing/bench/run.sh -- tern's benchmarks, each beside a peer measured in
# the same run on the same machine; writes docs/benchmarks.md.
#
# usage (root, from the top of the tree):  testing/bench/run.sh [OUTPUT.md]
#
# Environment:
#   TERN_BUILDDIR  build dir to use (default build-bench, set up with meson's
#                  default buildtype debugoptimized when missing)
#   N_SA=10000     IKE SAs per responder with x25519 (section 1, 3, 4)
#   N_MODP=3000    IKE SAs per responder with MODP2048
#   N_RSA=1000     IKE SAs per responder with RSA-2048 certificates (x25519)
#   BENCH_GROUPS="x25519 modp2048 rsa2048"  the section 1 rows to measure
#   SECTION1_ONLY=1  only section 1 (and 3, 4 when x25519 is measured); the
#                  report goes to OUTPUT.md all the same: give another file
#   N_CONNS=10000  connections for section 2
#   WINDOW=32      exchanges the load generator keeps in flight
#   ROUNDS=3       rounds of section 1 (responders take turns; median shown)
#   SKIP_CHARON=1  measure tern only (no peer column)
#   SKIP_BUILD=1   use the binaries already in TERN_BUILDDIR
#   SKIP_LIBRESWAN=1  no Libreswan 4.10 rows (measured when LSW_ROOT, default
#                  /tmp/ike-interop/libreswan/root, holds the unpacked package)
#   LSW_TIMEOUT=120   seconds Libreswan may take to load N conns
#   N_TUNNELS=1000 tunnels of section 5 (inside User-mode Linux, tunnels.sh)
#   TUNNEL_LIMIT=300  seconds each daemon pair of section 5 may take
#   SKIP_UML=1     no section 5
#   BENCH_WORK     scratch dir (default /tmp/tern-bench), kept for inspection
#
# Not a test: nothing here asserts a figure.  It needs strongSwan (charon,
# swanctl: ../shared/interop/install-peers.sh or apt-get install
# strongswan-charon strongswan-swanctl libcharon-extra-plugins) and creates
# the network namespaces tern-bench-i / tern-bench-r (deleted on exit).
# Takes 15 to 20 minutes on a 2-core machine (section 5, in UML, about 10 of them).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
OUT=${1:-$TOP/docs/benchmarks.md}
B=${TERN_BUILDDIR:-$TOP/build-bench}
N_SA=${N_SA:-10000}
N_MODP=${N_MODP:-3000}
N_RSA=${N_RSA:-1000}
BENCH_GROUPS=${BENCH_GROUPS:-x25519 modp2048 rsa2048}
SECTION1_ONLY=${SECTION1_ONLY:-0}
N_CONNS=${N_CONNS:-10000}
WINDOW=${WINDOW:-32}
ROUNDS=${ROUNDS:-3}
SKIP_CHARON=${SKIP_CHARON:-0}
WORK=${BENCH_WORK:-/tmp/tern-bench}
PLUTO=$B/programs/pluto/pluto
IPSEC=$B/programs/ipsec/ipsec
IKELOAD=$B/ikeload
. "$TOP/testing/bench/lib.sh"

[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces)" >&2; exit 2; }
if [ "$SKIP_CHARON" != 1 ] && { [ ! -x "$CHARON" ] || ! command -v swanctl >/dev/null; }; then
    echo "run.sh: strongSwan is missing: run ../shared/interop/install-peers.sh or set SKIP_CHARON=1" >&2
    exit 2
fi
T_START=$EPOCHREALTIME
mkdir -p "$WORK"
PLUTO_PID= CHARON_PID= LSW_PID=
cleanup() {
    [ -n "${PLUTO_PID:-}" ] && kill "$PLUTO_PID" 2>/dev/null
    [ -n "${CHARON_PID:-}" ] && kill "$CHARON_PID" 2>/dev/null
    [ -n "${LSW_PID:-}" ] && kill "$LSW_PID" 2>/dev/null
    sleep 0.5
    netns_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ----
log "building in $B"
if [ ! -f "$B/build.ninja" ]; then
    meson setup "$B" > "$WORK/meson-setup.log" 2>&1 || { cat "$WORK/meson-setup.log" >&2; exit 2; }
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    timeout 900 meson compile -C "$B" > "$WORK/meson-compile.log" 2>&1 ||
        { tail -30 "$WORK/meson-compile.log" >&2; exit 2; }
fi
# the load generator links lib/ike + lib/crypto like pluto; built here (not
# by meson) so that benchmarks stay out of the test suite
cc -O2 -g -std=gnu11 -Wall -Wextra -Werror -I"$TOP/include" $(pkg-config --cflags nss) \
    "$TOP/testing/bench/ikeload.c" "$B/lib/ike/libtern_ike.a" "$B/lib/crypto/libtern_crypto.a" \
    "$B/lib/ip/libtern_ip.a" "$B/lib/util/libtern_util.a" $(pkg-config --libs nss) -lpthread \
    -o "$IKELOAD" || exit 2

netns_up || exit 2

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
# field KEY LINE: value of key=value in an ikeload result line
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $2"; }
declare -A R=()

# ---- 1, 3, 4: IKE SA setup against each responder ----

# load NAME N PROPOSAL PID : run ikeload; stores R[NAME]; with AUTH=cert
# it authenticates with the RSA-2048 certificate of pki_setup
AUTH=psk
PKI=$WORK/pki
load() {
    local name=$1 n=$2 prop=$3 pid=$4 line authargs=(--psk "$PSK")
    [ $AUTH = cert ] && authargs=(--nssdb "$PKI/ikeload" --cert $ID_I --ca $PKI_CA)
    log "$name: $n IKE SAs ($prop, $AUTH), window $WINDOW"
    line=$(timeout 900 ip netns exec $NS_I "$IKELOAD" --local $ADDR_I --remote $ADDR_R \
        --ports 16 --window "$WINDOW" -n "$n" --proposal "$prop" "${authargs[@]}" \
        --id-i $ID_I --id-r $ID_R --pid "$pid" --total-timeout 800 2> "$WORK/$name.ikeload.err")
    local rc=$?
    echo "$line" > "$WORK/$name.ikeload.out"
    log "$line"
    [ $rc = 0 ] || { log "$name: ikeload exit status $rc"; tail -5 "$WORK/$name.ikeload.err" >&2; }
    R[$name]=$line
}

# timed NAME CMD... : median wall ms of 3 runs of CMD (output to
# $WORK/NAME.out) in R[NAME]
timed() {
    local name=$1 t0 t1 k times=(); shift
    for k in 1 2 3; do
        t0=$EPOCHREALTIME
        "$@" > "$WORK/$name.out" 2>&1
        t1=$EPOCHREALTIME
        times+=("$(ms "$t0" "$t1")")
    done
    R[$name]=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
    R[$name.lines]=$(wc -l < "$WORK/$name.out")
}

P=$WORK/pluto
C=$WORK/charon
L=$WORK/libreswan
LSW_TIMEOUT=${LSW_TIMEOUT:-120}
if [ "${SKIP_LIBRESWAN:-0}" != 1 ] && lsw_available; then
    LSW=1
    LSWVER=$("$LSW_ROOT/usr/libexec/ipsec/pluto" --version 2>/dev/null | head -1 | cut -d' ' -f1-2)
else
    LSW=0
    LSWVER="not measured (unpack it with ../shared/interop/peer-libreswan.sh install)"
fi
# charon_load NAME N PROPOSAL-CHARON PROPOSAL [TABLE] : a fresh charon, N IKE SAs
charon_load() {
    if [ $AUTH = cert ]; then charon_cert_setup "$C" "$3" "$PKI" || exit 2
    else charon_setup "$C" "$3" ${5:-} || exit 2; fi
    charon_start "$C" || exit 2
    SWANCTL_DIR=$C sw "$C" --load-creds --file "$C/swanctl.conf" > "$C/load.out" 2>&1 &&
        SWANCTL_DIR=$C sw "$C" --load-conns --file "$C/swanctl.conf" >> "$C/load.out" 2>&1 ||
        { cat "$C/load.out" >&2; exit 2; }
    load "$1" "$2" "$4" "$CHARON_PID"
}
# ROUNDS rounds, the responders taking turns, so that load from other
# users of the machine falls on all of them; the tables show the median
case " $BENCH_GROUPS " in *" rsa2048 "*) log "making the CA and certificates in $PKI"; pki_setup "$PKI" || exit 2 ;; esac
for ((r = 1; r <= ROUNDS; r++)); do
    for grp in $BENCH_GROUPS; do
        AUTH=psk
        if [ $grp = x25519 ]; then n=$N_SA; tp=aes_gcm_16_256-sha2_256-dh31; sp=aes256gcm16-prfsha256-curve25519
        elif [ $grp = rsa2048 ]; then n=$N_RSA; tp=aes_gcm_16_256-sha2_256-dh31; sp=aes256gcm16-prfsha256-curve25519; AUTH=cert
        else n=$N_MODP; tp=aes_gcm_16_256-sha2_256-modp2048; sp=aes256gcm16-prfsha256-modp2048; fi
        if [ $AUTH = cert ]; then pluto_cert_setup "$P" "$tp" "$PKI" || exit 2
        else pluto_setup "$P" "$tp" || exit 2; fi
        pluto_start "$P" || exit 2
        load tern.$grp.$r "$n" "$tp" "$PLUTO_PID"
        if [ $grp = x25519 ] && [ $r = 1 ]; then
            timed tern.trafficstatus pluto_ipsec "$P" trafficstatus
            timed tern.showstates pluto_ipsec "$P" showstates
            timed tern.status pluto_ipsec "$P" status
            timed tern.briefstatus pluto_ipsec "$P" briefstatus
            timed tern.whack-showstates timeout 120 "$B/programs/whack/whack" --ctlsocket "$P/run/pluto.ctl" --showstates
            R[tern.ike_established]=$(grep -c 'ESTABLISHED_IKE_SA' "$WORK/tern.showstates.out")
        fi
        cp "$P/pluto.log" "$WORK/tern.$grp.$r.pluto.log"
        pluto_stop "$P"
        [ "$SKIP_CHARON" = 1 ] && continue
        charon_load charon.$grp.$r "$n" "$sp" "$tp"
        if [ $grp = x25519 ] && [ $r = 1 ]; then
            timed charon.list-sas sw "$C" --list-sas
            R[charon.ike_established]=$(grep -c 'ESTABLISHED' "$WORK/charon.list-sas.out")
        fi
        charon_stop
        if [ $LSW = 1 ]; then
            if [ $AUTH = cert ]; then lsw_cert_setup "$L" "$tp" "$PKI" || exit 2
            else lsw_sa_setup "$L" "$tp" || exit 2; fi
            lsw_start "$L" bench 60 || exit 2
            load lsw.$grp.$r "$n" "$tp" "$LSW_PID"
            if [ $grp = x25519 ] && [ $r = 1 ]; then
                R[lsw.ddos]=$(lsw_whack "$L" --status | grep -o 'ddos-cookies-threshold=[0-9]*' | head -1)
                timed lsw.trafficstatus lsw_whack "$L" --trafficstatus
                timed lsw.showstates lsw_whack "$L" --showstates
                timed lsw.status lsw_whack "$L" --status
                timed lsw.briefstatus lsw_whack "$L" --briefstatus
            fi
            lsw_stop
        fi
        [ $grp = x25519 ] || continue
        # again with a real IKE SA hash table (strongSwan's default has 1 bucket)
        charon_load charon-table.$grp.$r "$n" "$sp" "$tp" 4096
        charon_stop
    done
done
# median KEY : R[KEY] = the round with the median responder CPU per IKE SA,
# R[KEY.range] = "min-max" over the rounds
median() {
    local k=$1 i lines=()
    for ((i = 1; i <= ROUNDS; i++)); do
        [ -n "${R[$k.$i]:-}" ] && lines+=("$(field resp_cpu_ms_per_sa "${R[$k.$i]}") $i")
    done
    [ ${#lines[@]} -gt 0 ] || return 0
    local sorted; sorted=$(printf '%s\n' "${lines[@]}" | sort -n)
    local mid=$(( (${#lines[@]} + 1) / 2 ))
    R[$k]=${R[$k.$(sed -n "${mid}p" <<< "$sorted" | cut -d' ' -f2)]}
    R[$k.range]="$(head -1 <<< "$sorted" | cut -d' ' -f1)–$(tail -1 <<< "$sorted" | cut -d' ' -f1)"
}
R[loadavg]=$(cut -d' ' -f1-3 /proc/loadavg)
for k in tern.x25519 charon.x25519 charon-table.x25519 lsw.x25519 tern.modp2048 charon.modp2048 lsw.modp2048 \
    tern.rsa2048 charon.rsa2048 lsw.rsa2048; do median $k; done

# ---- 2: loading N_CONNS connections ----
EXTRA=20	# conns left out at start-up, added one by one with `ipsec add`

# conns_conf FILE N : N conns with auto=add, then EXTRA with auto=ignore
conns_conf() {
    local f=$1 n=$2
    awk -v n="$n" -v extra=$EXTRA -v l=$ADDR_R -v psk="$PSK" 'BEGIN {
        print "config setup\n\tlogappend=no\n"
        for (i = 0; i < n + extra; i++) {
            printf "conn c%d\n\tleft=%s\n\tleftid=@resp.bench\n", i, l
            printf "\tright=10.%d.%d.%d\n\trightid=@c%d.bench\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256, i
            printf "\tleftsubnet=10.255.0.0/24\n\trightsubnet=172.%d.%d.0/24\n", 16 + int(i / 256) % 16, i % 256
            printf "\tauthby=secret\n\tike=aes_gcm_16_256-sha2_256-dh31\n\tesp=aes_gcm_16_256\n"
            printf "\tauto=%s\n\n", i < n ? "add" : "ignore"
        }
    }' > "$f"
}

# tern_conns N : start-up load of N conns, then `ipsec add` of EXTRA more
tern_conns() {
    local n=$1 t0 t1 i tot=0
    pluto_setup "$P" aes_gcm_16_256-sha2_256-dh31 || return 1
    conns_conf "$P/ipsec.conf" "$n"
    printf ': PSK "%s"\n' "$PSK" > "$P/ipsec.secrets"
    t0=$EPOCHREALTIME
    pluto_start "$P" || return 1
    t1=$EPOCHREALTIME
    R[tern.startup.$n]=$(ms "$t0" "$t1")
    R[tern.startup.$n.loaded]=$(pluto_ipsec "$P" status | grep -o '"c[0-9]*"' | sort -u | wc -l)
    R[tern.rss.conns.$n]=$(awk '/VmRSS/ { print $2 }' /proc/$PLUTO_PID/status)
    local times=()
    for ((i = n; i < n + EXTRA; i++)); do
        t0=$EPOCHREALTIME
        pluto_ipsec "$P" add c$i > "$WORK/tern.add.out" 2>&1 || log "ipsec add c$i failed: $(cat "$WORK/tern.add.out")"
        t1=$EPOCHREALTIME
        times+=("$(ms "$t0" "$t1")")
    done
    R[tern.add.$n]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    R[tern.add.$n.max]=$(printf '%s\n' "${times[@]}" | sort -n | tail -1)
    pluto_stop "$P"
}

[ "$SECTION1_ONLY" = 1 ] && SKIP_UML=1
[ "$SECTION1_ONLY" = 1 ] || for n in $(printf '%s\n' 1000 5000 "$N_CONNS" | sort -nu); do
    log "tern: $n conns at start-up, then $EXTRA x ipsec add"
    tern_conns "$n" || exit 2
done

# lsw_conns N : the same for Libreswan 4.10 (start-up through its addconn
# --autoall, then addconn NAME one by one); LSW_EXTRA adds (fewer: slow)
LSW_EXTRA=5
lsw_conns() {
    local n=$1 d=$WORK/libreswan t0 t1 i
    rm -rf "$d"; mkdir -p "$d"
    conns_conf "$d/ipsec.conf" "$n"
    printf ': PSK "%s"\n' "$PSK" > "$d/ipsec.secrets"; chmod 600 "$d/ipsec.secrets"
    timeout 60 "$IPSEC" initnss --nssdir "$d/nss" > /dev/null 2>&1 || return 1
    t0=$EPOCHREALTIME
    if ! lsw_start "$d" "c$((n - 1))" "$LSW_TIMEOUT"; then
        R[lsw.startup.$n]="> ${LSW_TIMEOUT} s"; lsw_stop; return 0
    fi
    t1=$EPOCHREALTIME
    R[lsw.startup.$n]=$(ms "$t0" "$t1")
    R[lsw.rss.conns.$n]=$(awk '/VmRSS/ { print $2 }' /proc/$LSW_PID/status)
    local times=()
    for ((i = n; i < n + LSW_EXTRA; i++)); do
        t0=$EPOCHREALTIME
        lsw_add "$d" c$i > "$WORK/lsw.add.out" 2>&1 || log "Libreswan addconn c$i failed: $(tail -2 "$WORK/lsw.add.out")"
        t1=$EPOCHREALTIME
        times+=("$(ms "$t0" "$t1")")
    done
    R[lsw.add.$n]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    R[lsw.add.$n.max]=$(printf '%s\n' "${times[@]}" | sort -n | tail -1)
    lsw_stop
}
if [ $LSW = 1 ] && [ "$SECTION1_ONLY" != 1 ]; then
    for n in $(printf '%s\n' 1000 5000 "$N_CONNS" | sort -nu); do
        log "Libreswan 4.10: $n conns at start-up, then $LSW_EXTRA x addconn"
        lsw_conns "$n"
    done
fi

if [ "$SKIP_CHARON" != 1 ] && [ "$SECTION1_ONLY" != 1 ]; then
    C=$WORK/charon
    charon_setup "$C" aes256gcm16-prfsha256-curve25519 || exit 2
    awk -v n="$N_CONNS" -v l=$ADDR_R 'BEGIN {
        print "connections {"
        for (i = 0; i < n; i++) {
            printf "\tc%d {\n\t\tlocal_addrs = %s\n", i, l
            printf "\t\tremote_addrs = 10.%d.%d.%d\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256
            printf "\t\tproposals = aes256gcm16-prfsha256-curve25519\n"
            printf "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = resp.bench\n\t\t}\n"
            printf "\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = c%d.bench\n\t\t}\n", i
            printf "\t\tchildren {\n\t\t\tnet {\n\t\t\t\tlocal_ts = 10.255.0.0/24\n"
            printf "\t\t\t\tremote_ts = 172.%d.%d.0/24\n", 16 + int(i / 256) % 16, i % 256
            printf "\t\t\t\tesp_proposals = aes256gcm16\n\t\t\t}\n\t\t}\n\t}\n"
        }
        print "}"
    }' > "$C/conns.conf"
    charon_start "$C" || exit 2
    log "charon: swanctl --load-conns with $N_CONNS conns"
    timed charon.load-conns sw "$C" --load-conns --file "$C/conns.conf"
    R[charon.load-conns.loaded]=$(grep -c "^loaded connection" "$WORK/charon.load-conns.out")
    R[charon.rss.conns]=$(awk '/VmRSS/ { print $2 }' /proc/$CHARON_PID/status)
    charon_stop
fi
netns_down

# ---- 5: N_TUNNELS tunnels between two gateways inside User-mode Linux ----
N_TUNNELS=${N_TUNNELS:-1000}
TUN_DAEMONS=tern
[ "$SKIP_CHARON" = 1 ] || TUN_DAEMONS+=" charon"
[ "${SKIP_LIBRESWAN:-0}" = 1 ] || TUN_DAEMONS+=" libreswan"
if [ "${SKIP_UML:-0}" != 1 ]; then
    log "section 5: $N_TUNNELS tunnels in UML ($TUN_DAEMONS), up to ${TUNNEL_LIMIT:-300} s each"
    T_TUN=$EPOCHREALTIME
    TERN_BUILDDIR=$B BENCH_WORK=$WORK N_TUNNELS=$N_TUNNELS DAEMONS="$TUN_DAEMONS" \
        "$TOP/testing/bench/tunnels.sh" "$WORK/tunnels.results" > /dev/null 2> "$WORK/tunnels.log" ||
        log "tunnels.sh failed (exit $?): see $WORK/tunnels.log"
    R[tun.runtime]=$(awk -v a="$T_TUN" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
    while read -r _ line; do
        R[tun.$(field daemon "$line")]=$line
    done < "$WORK/tunnels.results"
fi

# ---- report ----
T_END=$EPOCHREALTIME
RUNTIME=$(awk -v a="$T_START" -v b="$T_END" 'BEGIN { printf "%.0f", b - a }')
g() { local v; v=$(field "$2" "${R[$1]:-}"); echo "${v:-n/a}"; }
perkb() { awk -v b="$1" 'BEGIN { if (b == "n/a" || b == "") print "n/a"; else printf "%.1f", b / 1024 }'; }
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
SWVER=$( [ "$SKIP_CHARON" = 1 ] && echo "not measured" || dpkg-query -W -f 'strongSwan ${Version} (Debian strongswan-charon)' strongswan-charon 2>/dev/null)
NSSVER=$(pkg-config --modversion nss)
COMMIT=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null)

# one row of section 1: LABEL KEY
row1() {
    local k=$2 sys
    [ -n "${R[$k]:-}" ] || return 0
    sys=$(awk -v s="$(g $k resp_sys_s)" -v n="$(g $k established)" 'BEGIN { if (n > 0) printf "%.3f", s * 1000 / n; else print "n/a" }')
    printf '| %s | %s / %s | %s (%s) | %s | %s | %s | %s |\n' "$1" "$(g $k established)" "$(g $k n)" \
        "$(g $k resp_cpu_ms_per_sa)" "${R[$k.range]:-}" "$sys" "$(g $k rate_per_s)" "$(g $k cookies)" "$(g $k initiator_cpu_s)"
}
row_sa() {	# GROUP [LABEL]
    local grp=$1 lab=${2:-$1}
    row1 "$lab, tern pluto" tern.$grp
    row1 "$lab, strongSwan charon" charon.$grp
    row1 "$lab, strongSwan charon, ikesa_table_size=4096" charon-table.$grp
    row1 "$lab, Libreswan 4.10 pluto" lsw.$grp
    return 0
}

# one row of section 5: LABEL DAEMON
row5() {
    local k=tun.$2 v
    v=${R[$k]:-}
    [ -n "$v" ] || { printf '| %s | not measured | | | | | | |\n' "$1"; return 0; }
    local n tw te cw ce growth
    n=$(g $k n) cw=$(g $k counted_west) ce=$(g $k counted_east)
    growth=$(awk -v a="$(g $k east_rss0_kb)" -v b="$(g $k east_rss_kb)" -v n="$n" 'BEGIN { if (n > 0 && b != "n/a") printf "%.1f", (b - a) / n; else print "n/a" }')
    tw=$(g $k t_states) te=$(g $k t_traffic)
    [ "$tw" = n/a ] && tw="not all in ${TUNNEL_LIMIT:-300} s"
    [ "$te" = n/a ] && te="not all in ${TUNNEL_LIMIT:-300} s"
    printf '| %s | %s / %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
        "$(awk -v a="$cw" -v b="$ce" 'BEGIN { print int((a < b ? a : b) / 2) }')" "$n" \
        "$tw" "$te" "$(g $k installs_per_s)" \
        "$(g $k west_cpu_s)" "$(g $k east_cpu_s) ($(awk -v c="$(g $k east_cpu_s)" -v n="$n" 'BEGIN { if (n > 0 && c != "n/a") printf "%.1f", c * 1000 / n; else print "n/a" }'))" "$growth"
}

{
cat <<EOF
# Benchmarks

Produced by \`testing/bench/run.sh\` (as root, from the top of the tree; about
$((RUNTIME / 60 + 1)) minutes here).  Every tern figure has the peer's beside it, measured
in the same run on the same machine.  Benchmarks are not tests: nothing asserts a figure.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'), tern commit $COMMIT, build \`$(basename "$B")\` (meson buildtype $(meson introspect --buildoptions "$B" 2>/dev/null | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"][0])' 2>/dev/null || echo '?'))
- Machine: $(nproc) CPUs ($CPU), kernel $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; shared with other work (load average ${R[loadavg]:-?} (1, 5, 15 min) at the end of section 1), so CPU and wall figures are noisy: the instruction counts under Hot spots are the stable ones
- Peer: $SWVER (openssl plugin); NSS $NSSVER for tern and the load generator
- Command: \`testing/bench/run.sh\` (N_SA=$N_SA N_MODP=$N_MODP N_RSA=$N_RSA N_CONNS=$N_CONNS WINDOW=$WINDOW ROUNDS=$ROUNDS); run time ${RUNTIME} s

## 1. IKE SA set-up cost on the responder

\`testing/bench/ikeload\` (lib/ike + lib/crypto + NSS, built by run.sh) sets up N IKE SAs with a
pre-shared key, AES_GCM_16_256, PRF HMAC_SHA2_256, childless (RFC 6023: it sends
CHILDLESS_IKEV2_SUPPORTED in IKE_SA_INIT and no SA/TSi/TSr in IKE_AUTH) from 16 source ports of
198.18.0.1 in namespace tern-bench-i to the responder at 198.18.0.2 in tern-bench-r (veth pair),
$WINDOW exchanges in flight; it checks the responder's AUTH of every IKE SA.  Responder CPU is
utime+stime of all its threads from /proc/PID/stat before the first request and after the last
answer.  The same initiator drives every responder: tern, strongSwan's charon and, when unpacked,
$LSWVER's pluto (with \`uniqueids=no\`, so that it keeps every IKE SA of the one initiator ID).
All log to a file at their default level.
Half-open IKE SAs peak at $WINDOW: below tern's cookie threshold (25,000) and Libreswan's
(its \`whack --status\` says ${R[lsw.ddos]:-n/a}); charon's thresholds
(cookie_threshold, cookie_threshold_ip (default 3), block_threshold (default 5)) are set to 1,000
in its strongswan.conf, so no responder asks for COOKIEs (the column shows it; ikeload would
answer a COOKIE).
*rsa2048 cert* rows: x25519 as above, but both ends authenticate with RSA-2048 certificates
instead of the PSK ($N_RSA IKE SAs): a CA and the two certificates (CN and dNSName
subjectAltName load.bench / resp.bench) are made once per run with \`ipsec ca\` and imported
into each responder's store (tern's and Libreswan's NSS db with pk12util, the CA trusted CT,,;
charon's swanctl x509/, private/, x509ca/ as PEM); the conn is \`authby=rsasig\`,
\`leftcert=resp.bench\`, \`rightca=%same\` (charon: \`auth = pubkey\`, \`cacerts\`).  ikeload
announces SIGNATURE_HASH_ALGORITHMS (SHA2-256/384/512), sends CERT, CERTREQ (the CA) and an
RFC 7427 RSASSA-PSS SHA2-256 AUTH from its own NSS db; each responder verifies that signature and
the certificate's chain to the CA and signs its own AUTH with its choice of RFC 7427 algorithm
(tern and Libreswan: RSASSA-PSS; charon: PKCS#1 v1.5 with SHA2-256); ikeload checks the
responder's certificate against the CA (once: then it compares the octets) and verifies its AUTH
for every IKE SA.

| responder | established | responder CPU ms / IKE SA (range over $ROUNDS rounds) | of which system | wall rate (IKE SA/s) | cookies | initiator CPU s |
| --- | --- | --- | --- | --- | --- | --- |
$(row_sa x25519)
$(row_sa modp2048)
$(row_sa rsa2048 "rsa2048 cert")

- *responder CPU ms / IKE SA*: what one IKE SA costs the responder, crypto workers included (lower is better), median of $ROUNDS rounds in which the responders take turns, the range in brackets; the other columns are from the median round; *of which system*: the part spent in the kernel (sockets, wake-ups between threads, page faults).
- *wall rate*: IKE SAs established per second with both the initiator and the responder on these $(nproc) CPUs; the initiator (one thread, reusing its key pair) shares the machine, so this is a floor.
- *initiator CPU*: the load generator's own CPU for the run, to show it is not the only bottleneck.
- *rsa2048 cert*: the same x25519 IKE SA with both ends authenticated by RSA-2048 certificates: the responder verifies the initiator's RSASSA-PSS signature and its certificate's chain to the CA, and makes one RSA signature (the private-key operation is most of the cost); the initiator signs once per IKE SA too, so its wall rate says little.
- *ikesa_table_size=4096*: charon as shipped keeps its IKE SAs in a hash table of one bucket (\`charon.ikesa_table_size = 1\`); this row gives it 4,096 buckets in 16 segments, to separate that setting from the rest of its cost.

## 2. Loading connections

A generated ipsec.conf with N conns (\`auto=add\`, each its own right=, IDs and subnets, PSK) plus
$EXTRA more with \`auto=ignore\`.  *Start-up*: from starting pluto to its first answer to
\`ipsec status\` (all conns loaded).  *ipsec add*: the $EXTRA extra conns added one by one with
N already loaded (median and worst, whole command: front-end, whack, pluto reading the config).
strongSwan: \`swanctl --load-conns\` of the same N conns (swanctl.conf) into a running charon.

| N conns | tern start-up ms | conns in \`ipsec status\` | tern \`ipsec add\` ms (median / max) | tern VmRSS KiB |
| --- | --- | --- | --- | --- |
$(for n in $(printf '%s\n' 1000 5000 "$N_CONNS" | sort -nu); do echo "| $n | ${R[tern.startup.$n]:-n/a} | ${R[tern.startup.$n.loaded]:-n/a} | ${R[tern.add.$n]:-n/a} / ${R[tern.add.$n.max]:-n/a} | ${R[tern.rss.conns.$n]:-n/a} |"; done)

| strongSwan, $N_CONNS conns | wall ms | conns loaded | charon VmRSS KiB |
| --- | --- | --- | --- |
| \`swanctl --load-conns\` | ${R[charon.load-conns]:-n/a} | ${R[charon.load-conns.loaded]:-n/a} | ${R[charon.rss.conns]:-n/a} |

- *start-up* includes pluto's own start (NSS, crypto self-test, sockets); the 10 ms poll of \`ipsec status\` bounds its resolution.
- *ipsec add* stays flat as N grows: pluto keeps the file it parsed and takes the conn from it while none of the file's parts changed (lib/conf \`ipsec_conf_unchanged()\`); a file written less than a second before it was read is parsed again once (the *max* column: the first add after start-up), see Hot spots.
- *swanctl --load-conns*: swanctl parses the file and sends each conn over vici; charon adds them.

$LSWVER (Debian's package, unpacked), the same ipsec.conf, in the same namespace: *start-up* from starting its
pluto until its log says the last conn was added (its pluto runs \`addconn --autoall\`, which
sends the conns one by one; limit $LSW_TIMEOUT s); *addconn NAME* ($LSW_EXTRA extra conns, the command
\`ipsec add\` runs in Libreswan 4.10) with N already loaded.

| N conns | Libreswan start-up ms | \`addconn NAME\` ms (median / max) | Libreswan VmRSS KiB |
| --- | --- | --- | --- |
$(for n in $(printf '%s\n' 1000 5000 "$N_CONNS" | sort -nu); do echo "| $n | ${R[lsw.startup.$n]:-n/a} | ${R[lsw.add.$n]:-n/a} / ${R[lsw.add.$n.max]:-n/a} | ${R[lsw.rss.conns.$n]:-n/a} |"; done)

- Issue 6 records Libreswan's add as O(N) in the conns loaded; its start-up adds N conns that way.

## 3. Memory per IKE SA

VmRSS of the responder before the first and after the last IKE SA of section 1 (x25519, IKE SAs
only: on this host kernel there is no ESP, so there are no Child SAs; with a Child SA each, inside
UML: section 5, *east RSS KiB / tunnel*).

| responder | VmRSS before (KiB) | VmRSS after (KiB) | KiB per IKE SA |
| --- | --- | --- | --- |
| tern pluto | $(g tern.x25519 resp_rss_kb_before) | $(g tern.x25519 resp_rss_kb_after) | $(perkb "$(g tern.x25519 resp_rss_b_per_sa)") |
| strongSwan charon | $(g charon.x25519 resp_rss_kb_before) | $(g charon.x25519 resp_rss_kb_after) | $(perkb "$(g charon.x25519 resp_rss_b_per_sa)") |
| strongSwan charon, ikesa_table_size=4096 | $(g charon-table.x25519 resp_rss_kb_before) | $(g charon-table.x25519 resp_rss_kb_after) | $(perkb "$(g charon-table.x25519 resp_rss_b_per_sa)") |
| Libreswan 4.10 pluto | $(g lsw.x25519 resp_rss_kb_before) | $(g lsw.x25519 resp_rss_kb_after) | $(perkb "$(g lsw.x25519 resp_rss_b_per_sa)") |

- *KiB per IKE SA*: growth of the resident set divided by the IKE SAs established (allocator and NSS object overhead included).

## 4. Status commands with $N_SA IKE SAs

Right after section 1 (x25519), the responder holding the IKE SAs it established
(tern: ${R[tern.ike_established]:-n/a} in \`ipsec showstates\`; charon: ${R[charon.ike_established]:-n/a} in \`swanctl --list-sas\`).
Wall time of the whole command (the ipsec front-end, whack and pluto's answer, printed to a
file), median of 3 runs; Libreswan's pluto is asked with its own whack directly (no front-end).

| command | wall ms | lines |
| --- | --- | --- |
| tern \`ipsec trafficstatus\` | ${R[tern.trafficstatus]:-n/a} | ${R[tern.trafficstatus.lines]:-n/a} |
| tern \`ipsec showstates\` | ${R[tern.showstates]:-n/a} | ${R[tern.showstates.lines]:-n/a} |
| tern \`ipsec status\` | ${R[tern.status]:-n/a} | ${R[tern.status.lines]:-n/a} |
| tern \`ipsec briefstatus\` | ${R[tern.briefstatus]:-n/a} | ${R[tern.briefstatus.lines]:-n/a} |
| tern \`whack --showstates\` (no front-end) | ${R[tern.whack-showstates]:-n/a} | ${R[tern.whack-showstates.lines]:-n/a} |
| strongSwan \`swanctl --list-sas\` | ${R[charon.list-sas]:-n/a} | ${R[charon.list-sas.lines]:-n/a} |
| Libreswan 4.10 \`whack --trafficstatus\` | ${R[lsw.trafficstatus]:-n/a} | ${R[lsw.trafficstatus.lines]:-n/a} |
| Libreswan 4.10 \`whack --showstates\` | ${R[lsw.showstates]:-n/a} | ${R[lsw.showstates.lines]:-n/a} |
| Libreswan 4.10 \`whack --status\` | ${R[lsw.status]:-n/a} | ${R[lsw.status.lines]:-n/a} |
| Libreswan 4.10 \`whack --briefstatus\` | ${R[lsw.briefstatus]:-n/a} | ${R[lsw.briefstatus.lines]:-n/a} |

- *trafficstatus* lists Child SAs only, so with childless IKE SAs it prints just its header: it shows the cost of walking the SA tables, not of formatting.
- *showstates* / *status* / *list-sas* print one or more lines per IKE SA.

## 5. $N_TUNNELS tunnels between two gateways, real ESP inside User-mode Linux

\`testing/bench/tunnels.sh\` (run by run.sh; alone: \`TERN_BUILDDIR=... testing/bench/tunnels.sh\`)
boots one UML guest (Debian's user-mode-linux, kernel $(dpkg-query -W -f '${Version}' user-mode-linux 2>/dev/null || echo '?'), one virtual CPU,
real ESP) and runs each daemon pair in turn: gateways west (192.0.2.1) and east (192.0.2.2) in
two namespaces on a veth pair, $N_TUNNELS conns each (tunnel i: 10.1.X.Y/32 === 10.2.X.Y/32,
IDs @w<i>/@e<i>, one PSK, AES_GCM_16_256 with x25519 for IKE, AES_GCM_16_256 for ESP, no PFS);
east only responds, west starts with all of them \`auto=start\` (charon: \`start_action = start\`,
loaded as soon as it runs; its cookie/block thresholds raised as in section 1); tern and Libreswan
get \`listen=\` their outer address (without it both open two sockets per inner address), and
Libreswan \`leftupdown=%disabled\` (tern and this charon run no updown script either).  tern starts
auto=start conns 16 at a time (the rest as those finish); charon and Libreswan start all at once.  Times are
from starting west's daemon; each pair gets ${TUNNEL_LIMIT:-300} s.  Guest run time ${R[tun.runtime]:-n/a} s.
System calls cost ~67x and fork+exec ~20x what they cost on the host, so the absolute figures
are UML's; compare the daemons with each other, in this run.

| gateways (same daemon both sides) | tunnels passing traffic / conns | all 4N XFRM states s | all tunnels pass traffic s | XFRM states/s (west) | west CPU s | east CPU s (ms / tunnel) | east RSS KiB / tunnel |
| --- | --- | --- | --- | --- | --- | --- | --- |
$(row5 "tern pluto" tern)
$(row5 "strongSwan charon" charon)
$(row5 "Libreswan 4.10 pluto" libreswan)

- *tunnels passing traffic*: about (the smaller side's counting states) / 2: tunnels whose XFRM states (2 per side) counted bytes after one ICMP echo per tunnel from west's 10.1 address to east's 10.2 address (re-sent each round to the tunnels not yet counted).
- *all 4N XFRM states*: when both gateways held 2 states per tunnel (\`ip xfrm state count\`, polled every 0.5 s, each poll itself slow in UML).
- *all tunnels pass traffic*: when every state of every tunnel had counted the echo and its reply (\`ip -s xfrm state\`).
- *XFRM states/s*: states added on west between the first and the last one seen, per second: the kernel programming rate the daemon achieved (tern: one netlink request per state and policy).
- *CPU s*: utime+stime of each daemon process over the run (east: from west's start); east's per tunnel is the responder's CPU for one IKE SA with its Child SA in UML (item 1 "with a Child SA inside UML"; UML's slow system calls included); *east RSS*: growth of east's resident set per tunnel (IKE SA + Child SA, responder).

EOF
cat "$TOP/testing/bench/notes.md"
} > "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
log "wrote $OUT (${RUNTIME} s)"
