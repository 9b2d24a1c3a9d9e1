#!/bin/bash
# testing/bench/tunnels-guest.sh -- runs INSIDE User-mode Linux (started by
# testing/bench/tunnels.sh): N tunnels between two gateways, one daemon
# pair after the other (tern, strongSwan charon, Libreswan 4.10), with the
# real kernel's ESP.  Gateways: namespaces west (192.0.2.1) and east
# (192.0.2.2) on a veth pair; tunnel i joins 10.1.X.Y/32 (west's dummy0)
# and 10.2.X.Y/32 (east's), X.Y = i/250, i%250+1; IDs @w<i> / @e<i>; one
# PSK.  East is started first and only responds; west is started with every
# conn auto=start (charon: start_action = start, loaded right after charon
# starts).  Measured from starting west's daemon:
#   t_states   both sides hold the 4N XFRM states (2 per tunnel per side)
#   t_traffic  one ICMP echo per tunnel (west's 10.1 -> east's 10.2 address,
#              sent again every round to the tunnels not yet counted) has
#              gone both ways: all 4N states count bytes (ip -s xfrm state)
#   installs/s west's XFRM states over the time from its first to its last
#              (polled every POLL seconds)
#   CPU s      utime+stime of each daemon (all threads, children not counted)
# Output: one "RESULT key=value ..." line per daemon on stdout; logs in $OUT.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
N=${N_TUNNELS:-1000}
LIMIT=${TUNNEL_LIMIT:-300}	# seconds per daemon pair
POLL=${POLL:-0.5}
DAEMONS=${DAEMONS:-tern charon libreswan}
B=${TERN_BUILDDIR:?}
PLUTO=$B/programs/pluto/pluto
IPSEC=$B/programs/ipsec/ipsec
CHARON=${CHARON:-/usr/lib/ipsec/charon}
: "${LSW_ROOT:=/var/lib/tern-interop/libreswan}"
LSW_X=$LSW_ROOT/usr/libexec/ipsec
OUT=${BENCH_OUT:?}
T=/tmp/tunnels	# the guest's private /tmp
PSK="tern tunnel benchmark secret"
export PYTHONDONTWRITEBYTECODE=1

log() { printf 'tunnels [%s]: %s\n' "$(date +%T)" "$*" >&2; }
now() { echo "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

net_up() {
    local h
    net_down
    for h in west east; do
        ip netns add $h && ip -n $h link set lo up || return 1
    done
    ip link add veth-w netns west type veth peer name veth-e netns east || return 1
    ip -n west link set veth-w name eth0 && ip -n east link set veth-e name eth0
    ip -n west addr add 192.0.2.1/24 dev eth0 && ip -n east addr add 192.0.2.2/24 dev eth0
    for h in west east; do
        ip -n $h link set eth0 up
        ip -n $h link add dummy0 type dummy && ip -n $h link set dummy0 up
    done
    awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "address add 10.1.%d.%d/32 dev dummy0\n", int(i / 250), i % 250 + 1 }' |
        ip -n west -batch - || return 1
    awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "address add 10.2.%d.%d/32 dev dummy0\n", int(i / 250), i % 250 + 1 }' |
        ip -n east -batch - || return 1
    ip -n west route add 10.2.0.0/16 via 192.0.2.2
    ip -n east route add 10.1.0.0/16 via 192.0.2.1
    ip netns exec west ping -c 1 -W 5 -q 192.0.2.2 > /dev/null || { log "veth does not pass traffic"; return 1; }
}
net_down() { ip netns del west 2>/dev/null; ip netns del east 2>/dev/null; return 0; }

nstates() { ip -n "$1" xfrm state count 2>/dev/null | awk '{ print $NF }'; }
# states of HOST whose byte counter is > 0
ncounted() {
    ip -n "$1" -s xfrm state | awk '/lifetime current:/ { getline; sub(/\(bytes\).*/, "", $1); if ($1 + 0 > 0) n++ } END { print n + 0 }'
}
cpu_s() {   # utime+stime of PID in seconds
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# ping_all : one echo request per tunnel, each from its own source address
ping_all() {
    ip netns exec west /usr/bin/python3 - "$N" <<'EOF'
import socket, struct, sys
n = int(sys.argv[1])
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
for i in range(n):
    src = '10.1.%d.%d' % (i // 250, i % 250 + 1)
    dst = '10.2.%d.%d' % (i // 250, i % 250 + 1)
    hdr = struct.pack('!BBHHH', 8, 0, 0, 0x7465, i & 0xffff) + b'tern-bench-tunnel'
    pkt = hdr[:2] + struct.pack('!H', csum(hdr + b'\0' * (len(hdr) % 2))) + hdr[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.bind((src, 0))
    try:
        s.sendto(pkt, (dst, 0))
    except OSError:
        pass    # no policy yet: counted as not passing
    s.close()
EOF
}

# ---- the daemons: start east (responder), then west (initiator) ----
W_PID= E_PID=

tern_conf() {   # tern_conf HOST AUTO
    local h=$1 d=$T/$1 me peer mynet peernet myaddr peeraddr
    if [ "$h" = west ]; then me=w peer=e mynet=10.1 peernet=10.2 myaddr=192.0.2.1 peeraddr=192.0.2.2
    else me=e peer=w mynet=10.2 peernet=10.1 myaddr=192.0.2.2 peeraddr=192.0.2.1; fi
    mkdir -p "$d/run" && chmod 700 "$d/run"
    { printf 'config setup\n\tlogappend=no\n\tlisten=%s\n\n' $myaddr
      awk -v n="$N" -v me=$me -v peer=$peer -v mn=$mynet -v pn=$peernet -v ma=$myaddr -v pa=$peeraddr -v auto="$2" 'BEGIN {
        for (i = 0; i < n; i++) {
            x = sprintf("%d.%d", int(i / 250), i % 250 + 1)
            printf "conn t%d\n\tauthby=secret\n\tleft=%s\n\tleftid=@%s%d\n\tleftsubnet=%s.%s/32\n", i, ma, me, i, mn, x
            printf "\tright=%s\n\trightid=@%s%d\n\trightsubnet=%s.%s/32\n", pa, peer, i, pn, x
            printf "\tike=aes_gcm_16_256-sha2_256-dh31\n\tesp=aes_gcm_16_256\n\tauto=%s\n\n", auto
        } }'
    } > "$d/ipsec.conf"
    printf ': PSK "%s"\n' "$PSK" > "$d/ipsec.secrets"
    chmod 600 "$d/ipsec.secrets"
}

tern_start() {  # tern_start HOST AUTO : sets PID
    local h=$1 d=$T/$1 i
    tern_conf "$h" "$2"
    "$IPSEC" initnss --nssdir "$d/nss" > "$d/initnss.out" 2>&1 || { cat "$d/initnss.out" >&2; return 1; }
    [ "$h" = west ] && T0=$(now)
    ip netns exec "$h" "$PLUTO" --nofork --config "$d/ipsec.conf" --rundir "$d/run" --nssdir "$d/nss" \
        --secretsfile "$d/ipsec.secrets" --logfile "$d/pluto.log" < /dev/null > "$d/pluto.stderr" 2>&1 &
    PID=$!
    [ "$h" = west ] && return 0
    for ((i = 0; i < 600; i++)); do
        "$IPSEC" whack --rundir "$d/run" --status > /dev/null 2>&1 && return 0
        sleep 0.1
    done
    log "tern in $h did not answer"; return 1
}

charon_conf() {     # charon_conf HOST START
    local h=$1 d=$T/$1 me peer mynet peernet myaddr peeraddr
    if [ "$h" = west ]; then me=w peer=e mynet=10.1 peernet=10.2 myaddr=192.0.2.1 peeraddr=192.0.2.2
    else me=e peer=w mynet=10.2 peernet=10.1 myaddr=192.0.2.2 peeraddr=192.0.2.1; fi
    mkdir -p "$d"
    cat > "$d/strongswan.conf" <<EOF
charon {
	load_modular = no
	load = random nonce openssl aes sha1 sha2 hmac gcm gmp curve25519 kdf kernel-netlink socket-default vici
	install_routes = no
	cookie_threshold = 100000
	cookie_threshold_ip = 100000
	block_threshold = 100000
	init_limit_half_open = 0
	filelog {
		f {
			path = $d/charon.log
			time_format = %T
			append = no
			default = 1
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
}
swanctl {
	load = pem
}
EOF
    awk -v n="$N" -v me=$me -v peer=$peer -v mn=$mynet -v pn=$peernet -v ma=$myaddr -v pa=$peeraddr -v start="$2" -v psk="$PSK" 'BEGIN {
        print "connections {"
        for (i = 0; i < n; i++) {
            x = sprintf("%d.%d", int(i / 250), i % 250 + 1)
            printf "\tt%d {\n\t\tversion = 2\n\t\tlocal_addrs = %s\n\t\tremote_addrs = %s\n", i, ma, pa
            printf "\t\tproposals = aes256gcm16-prfsha256-curve25519\n\t\tmobike = no\n\t\tdpd_delay = 0\n\t\trekey_time = 0\n\t\treauth_time = 0\n"
            printf "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = %s%d\n\t\t}\n\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = %s%d\n\t\t}\n", me, i, peer, i
            printf "\t\tchildren {\n\t\t\tt%d {\n\t\t\t\tmode = tunnel\n\t\t\t\tlocal_ts = %s.%s/32\n\t\t\t\tremote_ts = %s.%s/32\n", i, mn, x, pn, x
            printf "\t\t\t\tesp_proposals = aes256gcm16\n\t\t\t\trekey_time = 0\n\t\t\t\tstart_action = %s\n\t\t\t}\n\t\t}\n\t}\n", start
        }
        print "}"
        printf "secrets {\n\tike-all {\n\t\tsecret = \"%s\"\n\t}\n}\n", psk
    }' > "$d/swanctl.conf"
}

sw() { STRONGSWAN_CONF=$T/$1/strongswan.conf swanctl "${@:2}" --uri "unix://$T/$1/charon.vici"; }

charon_start() {    # charon_start HOST START : sets PID
    local h=$1 d=$T/$1 i
    charon_conf "$h" "$2"
    [ "$h" = west ] && T0=$(now)
    STRONGSWAN_CONF=$d/strongswan.conf ip netns exec "$h" \
        sh -c "mount -t tmpfs tmpfs /run && exec '$CHARON'" > "$d/charon.stderr" 2>&1 &
    PID=$!
    for ((i = 0; i < 600; i++)); do
        [ -S "$d/charon.vici" ] && break
        sleep 0.05
    done
    if [ "$h" = west ]; then
        # with start_action = start, swanctl returns only once charon has
        # initiated them all: in the background, so that the polls run
        sw "$h" --load-all --file "$d/swanctl.conf" > "$d/load.out" 2>&1 &
        return 0
    fi
    sw "$h" --load-all --file "$d/swanctl.conf" > "$d/load.out" 2>&1 ||
        { tail -5 "$d/load.out" >&2; log "charon in $h did not load"; return 1; }
}

lsw_conf() {    # lsw_conf HOST AUTO
    local h=$1 d=$T/$1 me peer mynet peernet myaddr peeraddr
    if [ "$h" = west ]; then me=w peer=e mynet=10.1 peernet=10.2 myaddr=192.0.2.1 peeraddr=192.0.2.2
    else me=e peer=w mynet=10.2 peernet=10.1 myaddr=192.0.2.2 peeraddr=192.0.2.1; fi
    mkdir -p "$d/run" "$d/nss" "$d/ipsec.d"
    { printf 'config setup\n\tplutodebug=none\n\tlisten=%s\n\n' $myaddr
      awk -v n="$N" -v me=$me -v peer=$peer -v mn=$mynet -v pn=$peernet -v ma=$myaddr -v pa=$peeraddr -v auto="$2" 'BEGIN {
        for (i = 0; i < n; i++) {
            x = sprintf("%d.%d", int(i / 250), i % 250 + 1)
            printf "conn t%d\n\tikev2=yes\n\tauthby=secret\n\tleftupdown=%%disabled\n\tleft=%s\n\tleftid=@%s%d\n\tleftsubnet=%s.%s/32\n", i, ma, me, i, mn, x
            printf "\tright=%s\n\trightid=@%s%d\n\trightsubnet=%s.%s/32\n", pa, peer, i, pn, x
            printf "\tike=aes_gcm_16_256-sha2_256-dh31\n\tesp=aes_gcm_16_256\n\tauto=%s\n\n", auto
        } }'
    } > "$d/ipsec.conf"
    printf ': PSK "%s"\n' "$PSK" > "$d/ipsec.secrets"
    chmod 600 "$d/ipsec.secrets"
}

lsw_start() {   # lsw_start HOST AUTO : sets PID
    local h=$1 d=$T/$1 i
    lsw_conf "$h" "$2"
    "$LSW_ROOT/usr/sbin/ipsec" initnss --nssdir "$d/nss" > "$d/initnss.out" 2>&1 ||
        { cat "$d/initnss.out" >&2; return 1; }
    [ "$h" = west ] && T0=$(now)
    # its pluto runs /usr/libexec/ipsec/addconn (compiled-in path): a tmpfs
    # /usr/libexec in the namespace's private mount namespace links to it
    ip netns exec "$h" env PATH="$LSW_ROOT/usr/sbin:$PATH" IPSEC_EXECDIR="$LSW_X" sh -c "
        mount -t tmpfs tmpfs /usr/libexec && ln -s '$LSW_X' /usr/libexec/ipsec &&
        exec '$LSW_X/pluto' --config '$d/ipsec.conf' --nofork --stderrlog \
            --rundir '$d/run' --nssdir '$d/nss' --secretsfile '$d/ipsec.secrets' \
            --ipsecdir '$d/ipsec.d' --dumpdir '$d/run'" > "$d/pluto.log" 2>&1 &
    PID=$!
    [ "$h" = west ] && return 0
    for ((i = 0; i < 1200; i++)); do
        grep -q "\"t$((N - 1))\": added" "$d/pluto.log" 2>/dev/null && return 0
        sleep 0.1
    done
    log "Libreswan in $h did not load its conns"; return 1
}

daemon_stop() {
    local p
    for p in "$W_PID" "$E_PID"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null
    done
    for p in "$W_PID" "$E_PID"; do
        [ -n "$p" ] && wait "$p" 2>/dev/null
    done
    W_PID= E_PID=
}

# daemon_pid HOST NAME PID : the pid of the process called NAME in HOST's
# namespace (the one we started when it is there)
daemon_pid() {
    local p
    [ "$(cat "/proc/$3/comm" 2>/dev/null)" = "$2" ] && { echo "$3"; return; }
    for p in $(ip netns pids "$1"); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && { echo "$p"; return; }
    done
    echo "$3"
}

run_pair() {    # run_pair DAEMON
    local dm=$1 t_first= t_states= t_traffic= t_last_w= s_w=0 s_e=0 prev_w=0 round=0 cw ce
    rm -rf "$T" && mkdir -p "$T/west" "$T/east"
    net_up || return 1
    case $dm in
        tern) tern_start east add || return 1; E_PID=$PID; tern_start west start || return 1; W_PID=$PID ;;
        charon) charon_start east none || return 1; E_PID=$PID; charon_start west start || return 1; W_PID=$PID ;;
        libreswan) lsw_start east add || return 1; E_PID=$PID; lsw_start west start || return 1; W_PID=$PID ;;
    esac
    local comm=pluto
    [ "$dm" = charon ] && comm=charon
    sleep 0.2
    W_PID=$(daemon_pid west $comm "$W_PID") E_PID=$(daemon_pid east $comm "$E_PID")
    log "$dm: west started (pid $W_PID), east pid $E_PID; $N tunnels"
    local e_cpu0 e_rss0
    e_cpu0=$(cpu_s "$E_PID") e_rss0=$(rss_kb "$E_PID")
    while :; do
        local t
        t=$(now)
        [ "$(sub "$T0" "$t" | cut -d. -f1)" -ge "$LIMIT" ] && { log "$dm: limit of $LIMIT s reached"; break; }
        s_w=$(nstates west) s_e=$(nstates east)
        [ -z "$t_first" ] && [ "${s_w:-0}" -gt 0 ] && t_first=$t
        [ "${s_w:-0}" -gt "$prev_w" ] && t_last_w=$t && prev_w=$s_w
        if [ -z "$t_states" ] && [ "${s_w:-0}" -ge $((2 * N)) ] && [ "${s_e:-0}" -ge $((2 * N)) ]; then
            t_states=$t
        fi
        if [ "${s_w:-0}" -ge $((2 * N)) ] && [ "${s_e:-0}" -ge $((2 * N)) ]; then
            ping_all
            round=$((round + 1))
            sleep "$POLL"
            cw=$(ncounted west) ce=$(ncounted east)
            if [ "$cw" -ge $((2 * N)) ] && [ "$ce" -ge $((2 * N)) ]; then
                t_traffic=$(now)
                break
            fi
            continue
        fi
        sleep "$POLL"
    done
    cw=$(ncounted west) ce=$(ncounted east)
    local w_cpu e_cpu w_rss e_rss rate=n/a
    w_cpu=$(cpu_s "$W_PID") e_cpu=$(cpu_s "$E_PID") w_rss=$(rss_kb "$W_PID") e_rss=$(rss_kb "$E_PID")
    e_cpu=$(awk -v a="$e_cpu0" -v b="$e_cpu" 'BEGIN { printf "%.2f", b - a }')
    if [ -n "$t_first" ] && [ -n "$t_last_w" ] && [ "$prev_w" -gt 0 ]; then
        rate=$(awk -v n="$prev_w" -v a="$t_first" -v b="$t_last_w" 'BEGIN { d = b - a; if (d > 0) printf "%.0f", n / d; else print "n/a" }')
    fi
    echo "RESULT daemon=$dm n=$N t_states=${t_states:+$(sub "$T0" "$t_states")} t_traffic=${t_traffic:+$(sub "$T0" "$t_traffic")} states_west=$s_w states_east=$s_e counted_west=$cw counted_east=$ce ping_rounds=$round installs_per_s=$rate west_cpu_s=$w_cpu east_cpu_s=$e_cpu west_rss_kb=$w_rss east_rss_kb=$e_rss east_rss0_kb=$e_rss0"
    daemon_stop
    mkdir -p "$OUT/$dm"
    cp -r "$T/west" "$OUT/$dm/west" 2>/dev/null
    cp -r "$T/east" "$OUT/$dm/east" 2>/dev/null
    rm -rf "$OUT/$dm"/*/nss
    net_down
}

log "kernel $(uname -r), $(nproc) CPU in the guest, N=$N"
for dm in $DAEMONS; do
    case $dm in
        charon) [ -x "$CHARON" ] || { echo "RESULT daemon=charon missing"; continue; } ;;
        libreswan) [ -x "$LSW_X/pluto" ] || { echo "RESULT daemon=libreswan missing"; continue; } ;;
    esac
    run_pair "$dm" || { echo "RESULT daemon=$dm failed"; daemon_stop; net_down; }
done
exit 0
