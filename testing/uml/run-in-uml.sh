#!/bin/bash
# run-in-uml.sh - run a command inside a User-mode Linux guest kernel
# (Debian package "user-mode-linux") that sees the host filesystem via hostfs.
#
# tern: the project's own copy of ../shared/uml/run-in-uml.sh; see testing/uml/README.md.
#
#   run-in-uml.sh [--] COMMAND [ARGS...]
#
# The host root is mounted read-only in the guest; the current directory,
# the exchange directory and every path in UML_RW are mounted read-write.
# Host /tmp is mounted read-write too (UML_PRIVATE_TMP=1: a private tmpfs
# instead). /run, /var/tmp and /dev/shm are fresh tmpfs in the guest.
# The command runs as root in the guest's initial network namespace (lo up,
# no other interfaces), with the caller's environment and working directory,
# stdin from /dev/null. Its stdout/stderr are copied to ours after the guest
# halts, and its exit status becomes ours.
#
# Environment knobs:
#   UML_LINUX    UML kernel binary             (default /usr/bin/linux.uml)
#   UML_MEM      guest memory                  (default 512M)
#   UML_TIMEOUT  seconds for the command       (default 600; guest-side
#                `timeout`, exit 124; host kills UML UML_TIMEOUT+30 s)
#   UML_RW       colon-separated host paths to mount read-write in the guest
#   UML_ROOT_RW  1 = mount the whole host root read-write (careful)
#   UML_PRIVATE_TMP 1 = guest /tmp is an empty tmpfs, not the host's /tmp
#   UML_MODULES  space-separated modules to modprobe before the command
#                (default: the IPsec set below; UML_MODULES= for none).
#                Anything else is auto-loaded by the kernel through the
#                modprobe wrapper, at 20-100 ms per request.
#   UML_KEEP     1 = keep the exchange directory (console log etc.)
#   UML_VERBOSE  1 = print the guest console log to stderr afterwards
#   UML_SKIP_RC  exit status when UML is not installed (default 77 = skip)
#
# Exit status: the command's; 124 on timeout; 125 if the guest did not
# report a status (boot failure, panic, killed); UML_SKIP_RC if no UML.

set -u

guest_init() {
    # ------------------------------------------------------------------
    # Runs as PID 1 inside UML (init=this script, UMLRUN_DIR from cmdline).
    # Every external command costs 15-30 ms in UML, so use builtins where
    # possible; the host side prepared everything it could in $D.
    # ------------------------------------------------------------------
    local t_init=$EPOCHREALTIME
    export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    local D=$UMLRUN_DIR p m rc mods rwpaths=()
    mapfile -t rwpaths < "$D/rw"      # read now: a private /tmp hides $D
    mount -t proc proc /proc
    cp -a "$D/dev/." /dev/            # /dev/fd, /dev/std{in,out,err} links
    mount -t sysfs sysfs /sys
    mount -t tmpfs -o mode=0755 tmpfs /run
    if [ "${UMLRUN_PRIVATE_TMP:-0}" = 1 ]; then
        mount -t tmpfs -o mode=1777 tmpfs /tmp
    else
        mount -t hostfs -o /tmp hostfs /tmp    # host /tmp, read-write
    fi
    mount -t tmpfs -o mode=1777 tmpfs /var/tmp
    [ -d /dev/shm ] && [ -d /dev/pts ] || mkdir -p /dev/shm /dev/pts
    mount -t tmpfs -o mode=1777 tmpfs /dev/shm
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
    # read-write host paths (sorted parents first by the host side)
    for p in "${rwpaths[@]}"; do
        if [ "${UMLRUN_PRIVATE_TMP:-0}" != 1 ]; then
            case $p in /tmp|/tmp/*) continue ;; esac   # already rw
        fi
        [ -d "$p" ] || mkdir -p "$p"
        mount -t hostfs -o "$p" hostfs "$p" || echo "uml-init: cannot mount $p rw" >&2
    done
    # kernel modules live in /usr/lib/uml/modules/<kver>, not /lib/modules:
    # the kernel's usermode modprobe helper is a wrapper using modprobe -d
    echo "$D/bin/modprobe" > /proc/sys/kernel/modprobe
    mods=${UMLRUN_MODULES:-}
    if [ -n "$mods" ]; then
        "$D/bin/modprobe" -a ${mods//,/ } || echo "uml-init: modprobe -a $mods failed" >&2
    fi
    echo uml > /proc/sys/kernel/hostname
    ip link set lo up
    echo "$t_init" > "$D/t_init"
    echo "$EPOCHREALTIME" > "$D/t_cmd_start"
    timeout -k 5 "${UMLRUN_TIMEOUT:-600}" /bin/bash "$D/cmd.sh" \
        </dev/null >"$D/stdout" 2>"$D/stderr"
    rc=$?
    echo "$EPOCHREALTIME" > "$D/t_cmd_end"
    echo "$rc" > "$D/rc"
    sync
    # power off; UML then exits with status 0
    echo o > /proc/sysrq-trigger
    sleep 5
    /sbin/poweroff -f -f
    exit 1   # kernel panic -> UML aborts
}

if [ "$$" = 1 ] && [ -n "${UMLRUN_DIR:-}" ]; then
    guest_init
fi

# ----------------------------------------------------------------------
# host side
# ----------------------------------------------------------------------
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
    echo "usage: $0 [--] COMMAND [ARGS...]" >&2
    exit 2
fi

UML_LINUX=${UML_LINUX:-/usr/bin/linux.uml}
if [ ! -x "$UML_LINUX" ] || [ ! -d /usr/lib/uml/modules ]; then
    echo "run-in-uml: $UML_LINUX not available (apt-get install user-mode-linux)" >&2
    exit "${UML_SKIP_RC:-77}"
fi

SELF=$(readlink -f -- "$0")
CWD=$(pwd -P)
T=${UML_TIMEOUT:-600}
D=$(mktemp -d "${TMPDIR:-/tmp}/uml-run.XXXXXX") || exit 125
D=$(readlink -f -- "$D")

cleanup() {
    if [ "${UML_KEEP:-0}" = 1 ]; then
        echo "run-in-uml: kept $D" >&2
    else
        rm -rf -- "$D"
    fi
}

# command script: environment, working directory, argv (all %q-quoted)
{
    echo '#!/bin/bash'
    while IFS= read -r -d '' kv; do
        name=${kv%%=*}
        case $name in
            PWD|OLDPWD|SHLVL|_|UMLRUN_*|BASH_FUNC_*) continue ;;
        esac
        [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
        printf 'export %s=%q\n' "$name" "${kv#*=}"
    done < <(env -0)
    printf 'export PATH=%q:"$PATH"\n' "$D/bin"
    printf 'cd -- %q || exit 126\n' "$CWD"
    printf 'exec'
    printf ' %q' "$@"
    printf '\n'
} > "$D/cmd.sh"

# host paths the guest mounts read-write, parents before children
{
    echo "$D"
    [ "${UML_ROOT_RW:-0}" = 1 ] || echo "$CWD"
    IFS=: read -r -a rw <<< "${UML_RW:-}"
    for p in "${rw[@]}"; do
        [ -n "$p" ] && readlink -f -- "$p"
    done
} | sort -u | awk '{ print length($0) "\t" $0 }' | sort -n | cut -f2- > "$D/rw"

# /dev links that devtmpfs lacks (process substitution needs /dev/fd)
mkdir "$D/dev" "$D/bin"
ln -s /proc/self/fd "$D/dev/fd"
ln -s /proc/self/fd/0 "$D/dev/stdin"
ln -s /proc/self/fd/1 "$D/dev/stdout"
ln -s /proc/self/fd/2 "$D/dev/stderr"
# modprobe/modinfo wrappers: modules are in /usr/lib/uml/modules/<kver>
kver=$(ls /usr/lib/uml/modules | tail -n 1)
mkdir -p "$D/modroot/lib/modules"
ln -s "/usr/lib/uml/modules/$kver" "$D/modroot/lib/modules/$kver"
printf '#!/bin/sh\nexec /sbin/modprobe -d %q "$@"\n' "$D/modroot" > "$D/bin/modprobe"
printf '#!/bin/sh\nexec /sbin/modinfo -b %q "$@"\n' "$D/modroot" > "$D/bin/modinfo"
chmod 755 "$D/bin/modprobe" "$D/bin/modinfo"
[ "${UML_ROOT_RW:-0}" = 1 ] && rootmode=rw || rootmode=ro

# preloading in one modprobe call is much cheaper than the kernel's
# one-by-one auto-loading (each request is a fork+exec, slow under UML)
UML_MODULES=${UML_MODULES-xfrm_user esp4 esp6 ipv6 veth gcm ghash_generic ctr seqiv echainiv authenc cbc hmac drbg jitterentropy_rng sha512_generic}

# UML keeps guest RAM in a deleted file under $TMPDIR (or /dev/shm when
# unset): make sure that is tmpfs, never a disk directory
umltmp=/dev/shm
[ -d /dev/shm ] && [ -w /dev/shm ] || umltmp=${TMPDIR:-/tmp}

t0=$(date +%s.%N)
# setpriv --pdeathsig: if this script dies (even SIGKILL), timeout gets
# SIGKILL, and UML (which setsid()s itself) gets SIGTERM and shuts down.
setpriv --pdeathsig KILL -- \
  timeout --foreground -k 10 "$((T + 30))" \
  setpriv --pdeathsig TERM -- \
  env -u TMP -u TEMP TMPDIR="$umltmp" \
  "$UML_LINUX" mem="${UML_MEM:-512M}" \
    rootfstype=hostfs rootflags=/ "$rootmode" quiet \
    initcall_blacklist=raid6_select_algo \
    init="$SELF" UMLRUN_DIR="$D" UMLRUN_TIMEOUT="$T" \
    UMLRUN_PRIVATE_TMP="${UML_PRIVATE_TMP:-0}" \
    ${UML_MODULES:+UMLRUN_MODULES="${UML_MODULES// /,}"} \
    uml_dir="$D" umid=uml \
    con=null ssl=null con0=null,fd:1 \
    </dev/null >"$D/console.log" 2>&1 &
upid=$!
sigrc=
trap 'sigrc=143; kill -TERM $upid 2>/dev/null' TERM
trap 'sigrc=130; kill -TERM $upid 2>/dev/null' INT
trap 'sigrc=129; kill -TERM $upid 2>/dev/null' HUP
while :; do
    wait "$upid"; urc=$?
    kill -0 "$upid" 2>/dev/null || break   # still alive: a trap fired
done
trap - TERM INT HUP
t1=$(date +%s.%N)
if [ -n "$sigrc" ]; then            # we were told to stop: no report
    cleanup
    exit "$sigrc"
fi

[ -f "$D/stdout" ] && cat -- "$D/stdout"
[ -f "$D/stderr" ] && cat -- "$D/stderr" >&2
if [ "${UML_VERBOSE:-0}" = 1 ]; then
    cat "$D/t_init" "$D/t_cmd_start" "$D/t_cmd_end" 2>/dev/null | awk -v a="$t0" -v b="$t1" -v u="$urc" '
        { t[NR] = $1 }
        END { printf "run-in-uml: uml exit %s; kernel boot %.2fs, guest setup %.2fs, command %.2fs, shutdown %.2fs, total %.2fs\n",
              u, t[1] - a, t[2] - t[1], t[3] - t[2], b - t[3], b - a }' >&2
    sed 's/^/uml-console: /' "$D/console.log" >&2
fi
if [ -f "$D/rc" ]; then
    rc=$(cat -- "$D/rc")
else
    echo "run-in-uml: guest reported no exit status (uml exit $urc)" >&2
    [ "${UML_VERBOSE:-0}" = 1 ] || tail -n 30 -- "$D/console.log" | sed 's/^/uml-console: /' >&2
    if [ "$urc" = 124 ] || [ "$urc" = 137 ]; then rc=124; else rc=125; fi
fi
cleanup
exit "$rc"
