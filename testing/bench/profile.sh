#!/bin/bash
# testing/bench/profile.sh -- instruction profile (valgrind --tool=callgrind)
# of tern's pluto for the hot spots in docs/benchmarks.md.
#
# usage (root, top of the tree, after run.sh built TERN_BUILDDIR):
#   testing/bench/profile.sh sa [N] [PROPOSAL]   pluto as responder to N IKE SAs
#                                                (default 2000, x25519)
#   testing/bench/profile.sh sa-rsa [N]          the same with RSA-2048 certificates
#                                                (default 200; run.sh's rsa2048 row)
#   testing/bench/profile.sh add [N]             pluto with N conns (default
#                                                10000), then 4 x `ipsec add`
#   testing/bench/profile.sh status [N]          pluto with N IKE SAs (default
#                                                2000), then showstates, status,
#                                                trafficstatus: one dump each
#   testing/bench/profile.sh lsw-sa [N] [PROPOSAL]   Libreswan 4.10's pluto as
#                                                responder to N IKE SAs
#   testing/bench/profile.sh charon-sa-rsa [N]   the same with RSA-2048 certificates
#   testing/bench/profile.sh charon-sa [N] [PROPOSAL]   strongSwan's charon as
#                                                responder to N IKE SAs (the same
#                                                count for the peer, all threads)
# Counters are zeroed once pluto answers `ipsec status` (sa) or dumped
# separately for the start-up and the adds (add).  Prints the inclusive
# top of callgrind_annotate; the raw files stay in $BENCH_WORK/profile.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${TERN_BUILDDIR:-$TOP/build-bench}
PLUTO=$B/programs/pluto/pluto
IPSEC=$B/programs/ipsec/ipsec
IKELOAD=$B/ikeload
WORK=${BENCH_WORK:-/tmp/tern-bench}/profile
. "$TOP/testing/bench/lib.sh"
MODE=${1:-sa}
[ "$(id -u)" = 0 ] || { echo "profile.sh: needs root" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "profile.sh: apt-get install valgrind" >&2; exit 2; }
[ -x "$PLUTO" ] && [ -x "$IKELOAD" ] || { echo "profile.sh: run testing/bench/run.sh first (builds $B)" >&2; exit 2; }
rm -rf "$WORK"; mkdir -p "$WORK"
VP=
trap '[ -n "$VP" ] && kill $VP 2>/dev/null; sleep 1; netns_down' EXIT
netns_up || exit 2
d=$WORK/pluto

start_vg() {
    (cd "$WORK" && exec ip netns exec $NS_R valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.%p.out" \
        "$PLUTO" --nofork --config "$d/ipsec.conf" --rundir "$d/run" --nssdir "$d/nss" \
        --secretsfile "$d/ipsec.secrets" --logfile "$d/pluto.log" </dev/null >"$WORK/valgrind.log" 2>&1) &
    VP=$!
    local i
    for ((i = 0; i < 1200; i++)); do
        pluto_ipsec "$d" status >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    log "pluto under valgrind did not answer in 120 s"; return 1
}

top() { callgrind_annotate --inclusive=yes "$1" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | head -${2:-45}; }

case "$MODE" in
sa)
    n=${2:-2000} prop=${3:-aes_gcm_16_256-sha2_256-dh31}
    pluto_setup "$d" "$prop" || exit 2
    start_vg || exit 2
    timeout 60 callgrind_control -z $VP >/dev/null
    timeout 1200 ip netns exec $NS_I "$IKELOAD" --local $ADDR_I --remote $ADDR_R -n "$n" --window 16 \
        --proposal "$prop" --psk "$PSK" --id-i $ID_I --id-r $ID_R --timeout 10 --pid $VP
    timeout 60 callgrind_control -d $VP >/dev/null
    sleep 1
    echo "== $n IKE SAs ($prop): divide by $n for per-IKE-SA figures"
    top "$(ls "$WORK"/cg.*.out.1)"
    ;;
sa-rsa)
    n=${2:-200} prop=aes_gcm_16_256-sha2_256-dh31
    pki_setup "$WORK/pki" || exit 2
    pluto_cert_setup "$d" "$prop" "$WORK/pki" || exit 2
    start_vg || exit 2
    timeout 60 callgrind_control -z $VP >/dev/null
    timeout 1200 ip netns exec $NS_I "$IKELOAD" --local $ADDR_I --remote $ADDR_R -n "$n" --window 16 \
        --proposal "$prop" --nssdb "$WORK/pki/ikeload" --cert $ID_I --ca $PKI_CA --id-i $ID_I --id-r $ID_R \
        --timeout 10 --pid $VP
    timeout 60 callgrind_control -d $VP >/dev/null
    sleep 1
    echo "== $n IKE SAs ($prop, RSA-2048 certificates): divide by $n for per-IKE-SA figures"
    top "$(ls "$WORK"/cg.*.out.1)" 60
    ;;
add)
    n=${2:-10000}
    pluto_setup "$d" x || exit 2
    awk -v n="$n" -v l=$ADDR_R 'BEGIN {
        print "config setup\n\tlogappend=no\n"
        for (i = 0; i < n + 4; i++) {
            printf "conn c%d\n\tleft=%s\n\tleftid=@resp.bench\n", i, l
            printf "\tright=10.%d.%d.%d\n\trightid=@c%d.bench\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256, i
            printf "\tleftsubnet=10.255.0.0/24\n\trightsubnet=172.%d.%d.0/24\n", 16 + int(i / 256) % 16, i % 256
            printf "\tauthby=secret\n\tike=aes_gcm_16_256-sha2_256-dh31\n\tesp=aes_gcm_16_256\n"
            printf "\tauto=%s\n\n", i < n ? "add" : "ignore"
        }
    }' > "$d/ipsec.conf"
    start_vg || exit 2
    timeout 60 callgrind_control -d $VP >/dev/null
    for ((i = n; i < n + 4; i++)); do pluto_ipsec "$d" add c$i; done
    timeout 60 callgrind_control -d $VP >/dev/null
    sleep 1
    echo "== start-up with $n conns (includes the ipsec status calls that polled for it)"
    top "$(ls "$WORK"/cg.*.out.1)"
    echo "== 4 x ipsec add with $n conns loaded: divide by 4"
    top "$(ls "$WORK"/cg.*.out.2)"
    ;;
status)
    n=${2:-2000} prop=aes_gcm_16_256-sha2_256-dh31
    pluto_setup "$d" "$prop" || exit 2
    start_vg || exit 2
    timeout 1200 ip netns exec $NS_I "$IKELOAD" --local $ADDR_I --remote $ADDR_R -n "$n" --window 16 \
        --proposal "$prop" --psk "$PSK" --id-i $ID_I --id-r $ID_R --timeout 10 --pid $VP
    k=0
    for cmd in showstates status trafficstatus; do
        timeout 60 callgrind_control -z $VP >/dev/null
        pluto_ipsec "$d" $cmd > "$WORK/$cmd.out"
        timeout 60 callgrind_control -d $VP >/dev/null
        k=$((k + 1))
        sleep 1
        echo "== ipsec $cmd with $n IKE SAs ($(wc -l < "$WORK/$cmd.out") lines): divide by $n"
        top "$(ls "$WORK"/cg.*.out.$k)" 25
    done
    ;;
lsw-sa)
    n=${2:-2000} prop=${3:-aes_gcm_16_256-sha2_256-dh31}
    lsw_available || { echo "profile.sh: no Libreswan in $LSW_ROOT" >&2; exit 2; }
    L=$WORK/libreswan
    lsw_sa_setup "$L" "$prop" || exit 2
    (cd "$WORK" && exec ip netns exec $NS_R sh -c "
        mount -t overlay overlay -o lowerdir=$LSW_ROOT/usr/libexec:/usr/libexec /usr/libexec &&
        mount -t overlay overlay -o lowerdir=$LSW_ROOT/usr/sbin:/usr/sbin /usr/sbin &&
        exec valgrind --tool=callgrind --callgrind-out-file='$WORK/cg.%p.out' /usr/libexec/ipsec/pluto \
            --config '$L/ipsec.conf' --nofork --stderrlog --rundir '$L/run' --nssdir '$L/nss' \
            --secretsfile '$L/ipsec.secrets' --ipsecdir '$L/ipsec.d' --dumpdir '$L/run'" \
        > "$L/pluto.log" 2>&1) &
    VP=$!
    for ((i = 0; i < 1200; i++)); do grep -q '"bench": added' "$L/pluto.log" 2>/dev/null && break; sleep 0.1; done
    sleep 2	# its own addconn child has exited
    timeout 60 callgrind_control -z $VP >/dev/null
    timeout 1200 ip netns exec $NS_I "$IKELOAD" --local $ADDR_I --remote $ADDR_R -n "$n" --window 16 \
        --proposal "$prop" --psk "$PSK" --id-i $ID_I --id-r $ID_R --timeout 10 --pid $VP
    timeout 60 callgrind_control -d $VP >/dev/null
    sleep 1
    echo "== Libreswan pluto, $n IKE SAs ($prop): divide by $n for per-IKE-SA figures"
    top "$(ls "$WORK"/cg.$VP.out.1)" 12
    ;;
charon-sa|charon-sa-rsa)
    n=${2:-2000} prop=${3:-aes256gcm16-prfsha256-curve25519}
    C=$WORK/charon
    authargs=(--psk "$PSK")
    if [ "$MODE" = charon-sa-rsa ]; then
        n=${2:-200}
        pki_setup "$WORK/pki" || exit 2
        charon_cert_setup "$C" "$prop" "$WORK/pki" || exit 2
        authargs=(--nssdb "$WORK/pki/ikeload" --cert $ID_I --ca $PKI_CA)
    else
        charon_setup "$C" "$prop" || exit 2
    fi
    (cd "$WORK" && STRONGSWAN_CONF="$C/strongswan.conf" exec ip netns exec $NS_R sh -c \
        "mount --bind '$C/run' /run && exec valgrind --tool=callgrind --callgrind-out-file='$WORK/cg.%p.out' '$CHARON'" \
        >"$WORK/valgrind.log" 2>&1) &
    VP=$!
    for ((i = 0; i < 1200; i++)); do sw "$C" --stats >/dev/null 2>&1 && break; sleep 0.1; done
    SWANCTL_DIR=$C sw "$C" --load-all --file "$C/swanctl.conf" >/dev/null 2>&1 || { log "charon did not load its conn"; exit 1; }
    CP=$(pgrep -P "$VP" 2>/dev/null | head -1); CP=${CP:-$VP}
    timeout 60 callgrind_control -z "$CP" >/dev/null
    timeout 1200 ip netns exec $NS_I "$IKELOAD" --local $ADDR_I --remote $ADDR_R -n "$n" --window 16 \
        "${authargs[@]}" --id-i $ID_I --id-r $ID_R --timeout 10 --pid "$CP"
    timeout 60 callgrind_control -d "$CP" >/dev/null
    sleep 1
    echo "== charon, $n IKE SAs ($prop): divide by $n for per-IKE-SA figures"
    top "$(ls "$WORK"/cg.*.out.1)" 12
    ;;
*) sed -n '2,25p' "$0"; exit 2 ;;
esac
