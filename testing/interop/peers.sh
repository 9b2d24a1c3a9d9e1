# shellcheck shell=bash
# testing/interop/peers.sh - the interop peers, sourced by guest.sh INSIDE the
# UML guest after testing/scenarios/lib.sh.  One peer runs in namespace
# "east" (192.0.2.2, guarding 10.0.2.0/24) against our pluto in "west".
#   strongSwan charon 5.9.x with kernel-netlink (Debian strongswan-charon,
#     driven with swanctl over a private vici socket)
#   Libreswan 4.10 pluto, unpacked from its Debian .deb into $LSW_ROOT by
#     install-peers.sh (the package conflicts with strongSwan's)
# Files of the peer live under $T/east/ and are copied to $SCENARIO_OUT/east/.
# SPDX-License-Identifier: GPL-2.0-or-later

CHARON=${CHARON:-/usr/lib/ipsec/charon}
SWANCTL=${SWANCTL:-swanctl}
: "${LSW_ROOT:=/var/lib/tern-interop/libreswan}"
LSW_X=$LSW_ROOT/usr/libexec/ipsec
PEER_PSK=${PEER_PSK:-tern interop shared secret, never logged}
PEER_PID=
# the two hosts: outer addresses, guarded subnets, an address in each subnet
# (IPv4 by default; a case may switch them all to IPv6 before setting up)
WEST_ADDR=192.0.2.1 EAST_ADDR=192.0.2.2
WEST_NET=10.0.1.0/24 EAST_NET=10.0.2.0/24
WEST_IN=10.0.1.1 EAST_IN=10.0.2.1
T_START=$EPOCHREALTIME
# lib.sh's log() with the seconds since the guest started the case
log() { printf 'interop %s [%6.1fs]: %s\n' "${SCENARIO#interop-}" "$(elapsed "$T_START")" "$*" >&2; }

elapsed() {   # elapsed T0 : seconds since $EPOCHREALTIME was T0
    awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# ---------------------------------------------------------------------------
# the network: lib.sh's west/east pair plus one address and route per side
# ---------------------------------------------------------------------------
interop_net() {
    netns_pair || return 1
    [ "$WEST_ADDR" = 192.0.2.1 ] || { interop_net6; return; }
    ip -n west addr add 10.0.1.1/32 dev dummy0
    ip -n east addr add 10.0.2.1/32 dev dummy0
    ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
    ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
}

# interop_net6 : the IPv6 variant (WEST_ADDR etc. set by the case): outer
# addresses on eth0, inner ones on dummy0, routes between the subnets
interop_net6() {
    local h
    for h in west east; do
        ip netns exec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
    done
    ip -n west addr add "$WEST_ADDR/64" dev eth0 nodad
    ip -n east addr add "$EAST_ADDR/64" dev eth0 nodad
    ip -n west addr add "$WEST_IN/128" dev dummy0 nodad
    ip -n east addr add "$EAST_IN/128" dev dummy0 nodad
    ip -n west -6 route add "$EAST_NET" via "$EAST_ADDR" src "$WEST_IN"
    ip -n east -6 route add "$WEST_NET" via "$WEST_ADDR" src "$EAST_IN"
    ip netns exec west ping -6 -c 1 -W 5 -q "$EAST_ADDR" > /dev/null ||
        fail "west cannot ping east over IPv6 on the outer link"
}

# bytes HOST : the byte counters of HOST's XFRM states, one per line
bytes() {
    ip -n "$1" -s xfrm state | awk '/lifetime current:/ { getline; sub(/\(bytes\).*/, "", $1); print $1 }'
}
# counted HOST : exactly two ESP states (in and out), both with bytes > 0
counted() {
    local b n=0
    for b in $(bytes "$1"); do
        [ "$b" -gt 0 ] 2>/dev/null || return 1
        n=$((n + 1))
    done
    [ "$n" -eq 2 ]
}
no_states() { [ -z "$(ip -n "$1" xfrm state)" ]; }
# no_policies HOST : no XFRM policy but the per-socket IKE bypass ones
no_policies() {
    [ "$(ip -n "$1" xfrm policy | grep -E '^src ' | grep -Evc '^src (0\.0\.0\.0/0 dst 0\.0\.0\.0/0|::/0 dst ::/0) *$')" = 0 ]
}
# ping_through FROM : 3 pings from FROM's guarded address to the other's
ping_through() {
    case $1 in
        west) ip netns exec west ping -q -c 3 -i 0.2 -W 2 -I "$WEST_IN" "$EAST_IN" ;;
        east) ip netns exec east ping -q -c 3 -i 0.2 -W 2 -I "$EAST_IN" "$WEST_IN" ;;
    esac > /dev/null
}
# xfrm_dump HOST LABEL : `ip -s xfrm state/policy` of HOST into its dir
xfrm_dump() {
    { echo "== $2"; ip -n "$1" -s xfrm state; ip -n "$1" xfrm policy; } >> "$T/$1/xfrm.out" 2>&1
}
# wait_for SECONDS CMD... : poll CMD every 0.2 s until it succeeds
wait_for() {
    local n=$(($1 * 5))
    shift
    while ((n-- > 0)); do
        "$@" && return 0
        sleep 0.2
    done
    "$@"
}

# tern_conf [NAME IKE ESP] : west's ipsec.conf (with conn NAME) and secrets
tern_conf() {
    local d=$T/west
    mkdir -p "$d/run" && chmod 700 "$d/run"
    printf 'config setup\n\tplutodebug=%s\n' "${TERN_PLUTODEBUG:-none}" > "$d/ipsec.conf"
    [ $# -eq 0 ] || tern_conn "$@"
    printf '@west @east : PSK "%s"\n' "$PEER_PSK" > "$d/ipsec.secrets"
    chmod 600 "$d/ipsec.secrets"
    "$IPSEC" initnss --nssdir "$d/nss" > "$d/initnss.out" 2>&1 ||
        { cat "$d/initnss.out" >&2; fail "west: ipsec initnss"; }
}

# tern_conn NAME IKE ESP [AUTO] : append conn NAME to west's ipsec.conf
# (IKE or ESP "" = no ike=/esp= line: our defaults)
tern_conn() {
    local algs=
    [ -z "$2" ] || algs+=$'\n\t'"ike=$2"
    [ -z "$3" ] || algs+=$'\n\t'"esp=$3"
    cat >> "$T/west/ipsec.conf" <<EOF

conn $1
	authby=secret
	left=$WEST_ADDR
	leftid=@west
	leftsubnet=$WEST_NET
	right=$EAST_ADDR
	rightid=@east
	rightsubnet=$EAST_NET$algs
	auto=${4:-add}
EOF
}

# ---------------------------------------------------------------------------
# strongSwan charon (kernel-netlink) in east
# ---------------------------------------------------------------------------
charon_available() {
    [ -x "$CHARON" ] && command -v "$SWANCTL" > /dev/null
}

# swanctl with charon's strongswan.conf: it loads only the plugins named in
# its swanctl { load } (the default set costs ~6 s at first use in UML)
sw() { STRONGSWAN_CONF=$T/east/strongswan.conf "$SWANCTL" "$@" --uri "unix://$T/east/charon.vici"; }

# charon_start PROPOSALS ESP_PROPOSALS : charon in east with conn/child "s2s"
charon_start() {
    local d=$T/east i
    mkdir -p "$d"
    cat > "$d/strongswan.conf" <<EOF
charon {
	load_modular = no
	load = random nonce openssl aes sha1 sha2 hmac gcm gmp curve25519 kdf pem pkcs1 pubkey x509 kernel-netlink socket-default vici
	install_routes = no
	retransmit_tries = 3
	retransmit_timeout = 2.0
	filelog {
		east {
			path = $d/charon.log
			time_format = %T
			append = no
			flush_line = yes
			default = 1
			ike = 2
			knl = 2
			cfg = 2
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
    # ip netns exec gives charon a private mount namespace: a tmpfs /run for
    # its compiled-in /run/charon.pid
    STRONGSWAN_CONF=$d/strongswan.conf ip netns exec east \
        sh -c "mount -t tmpfs tmpfs /run && exec '$CHARON'" > "$d/charon.stderr" 2>&1 &
    PEER_PID=$!
    for ((i = 0; i < 100; i++)); do
        [ -S "$d/charon.vici" ] && break
        kill -0 "$PEER_PID" 2>/dev/null || break
        sleep 0.1
    done
    log "charon (pid $PEER_PID) in east"
    charon_load "$@"
}

# charon_load PROPOSALS ESP_PROPOSALS : (re)load conn/child "s2s" with these
# proposals (swanctl --load-all replaces what was loaded before);
# CHARON_DPD=N: liveness checks (empty INFORMATIONAL) every N s when idle;
# CHARON_REMOTE_TS: its remote_ts (default 10.0.1.0/24); PEER_PSK: the secret;
# CHARON_IKE_REKEY / CHARON_CHILD_REKEY: rekey_time of the IKE / Child SA (0);
# CHARON_ENCAP=yes: charon fakes NAT detection so that ESP goes in UDP
charon_load() {
    local d=$T/east
    cat > "$d/swanctl.conf" <<EOF
connections {
	s2s {
		version = 2
		local_addrs = $EAST_ADDR
		remote_addrs = $WEST_ADDR
		proposals = $1
		mobike = no
		encap = ${CHARON_ENCAP:-no}
		dpd_delay = ${CHARON_DPD:-0}
		rekey_time = ${CHARON_IKE_REKEY:-0}
		reauth_time = 0
		local {
			auth = psk
			id = east
		}
		remote {
			auth = psk
			id = west
		}
		children {
			s2s {
				mode = tunnel
				local_ts = $EAST_NET
				remote_ts = ${CHARON_REMOTE_TS:-$WEST_NET}
				esp_proposals = $2
				rekey_time = ${CHARON_CHILD_REKEY:-0}
			}
		}
	}
}
secrets {
	ike-s2s {
		id-1 = east
		id-2 = west
		secret = "$PEER_PSK"
	}
}
EOF
    sw --load-all --file "$d/swanctl.conf" >> "$d/load.out" 2>&1 ||
        { tail -n 20 "$d/load.out" "$d/charon.stderr" >&2; fail "east: charon did not load its config"; return 1; }
    log "charon loaded conn s2s: proposals $1, esp_proposals $2"
}

charon_stop() {
    [ -n "$PEER_PID" ] || return 0
    kill "$PEER_PID" 2>/dev/null
    wait "$PEER_PID"
    PEER_PID=
}

# charon_sas : the IKE/Child SAs charon has (swanctl --list-sas), saved too
charon_sas() {
    sw --list-sas 2>&1 | tee -a "$T/east/list-sas.out"
}
charon_has_child() { [ "$(charon_sas | grep -c 'INSTALLED, TUNNEL')" -gt 0 ]; }
charon_no_sas() { [ "$(charon_sas | grep -Ec 'ESTABLISHED|INSTALLED')" = 0 ]; }

# ---------------------------------------------------------------------------
# Libreswan 4.10 pluto in east
# ---------------------------------------------------------------------------
libreswan_available() {
    [ -x "$LSW_X/pluto" ] && [ -x "$LSW_X/whack" ] && [ -x "$LSW_X/addconn" ]
}

lsw_whack() { ip netns exec east "$LSW_X/whack" --rundir "$T/east/run" "$@"; }

# libreswan_start IKE ESP : Libreswan's pluto in east with conn "s2s"
# (IKE or ESP "" = no ike=/esp= line: Libreswan's defaults)
# LSW_REMOTE_NET: its rightsubnet (default 10.0.1.0/24); PEER_PSK: the secret;
# LSW_EXTRA: more lines for conn s2s (each starting with a tab)
libreswan_start() {
    local d=$T/east i algs=
    [ -z "$1" ] || algs+=$'\n\t'"ike=$1"
    [ -z "$2" ] || algs+=$'\n\t'"esp=$2"
    mkdir -p "$d/run" "$d/nss" "$d/ipsec.d"
    cat > "$d/ipsec.conf" <<EOF
config setup
	plutodebug=${LSW_PLUTODEBUG:-none}
	logtime=yes

conn s2s
	ikev2=yes
	authby=secret
	left=$EAST_ADDR
	leftid=@east
	leftsubnet=$EAST_NET
	right=$WEST_ADDR
	rightid=@west
	rightsubnet=${LSW_REMOTE_NET:-$WEST_NET}$algs
	auto=add
${LSW_EXTRA:-}
EOF
    printf '@east @west : PSK "%s"\n' "$PEER_PSK" > "$d/ipsec.secrets"
    chmod 600 "$d/ipsec.secrets"
    [ -f "$d/nss/cert9.db" ] ||
        "$LSW_ROOT/usr/sbin/ipsec" initnss --nssdir "$d/nss" > "$d/initnss.out" 2>&1 ||
        { cat "$d/initnss.out" >&2; fail "east: Libreswan ipsec initnss"; return 1; }
    # Libreswan's pluto runs /usr/libexec/ipsec/addconn and "ipsec _updown"
    # (compiled-in paths): inside east's private mount namespace a tmpfs
    # /usr/libexec holds a link to the unpacked tree, and the unpacked
    # /usr/sbin comes first in PATH.  Nothing outside the guest changes.
    ip netns exec east env PATH="$LSW_ROOT/usr/sbin:$PATH" IPSEC_EXECDIR="$LSW_X" sh -c "
        mount -t tmpfs tmpfs /usr/libexec && ln -s '$LSW_X' /usr/libexec/ipsec &&
        exec '$LSW_X/pluto' --config '$d/ipsec.conf' --nofork --stderrlog \
            --rundir '$d/run' --nssdir '$d/nss' --secretsfile '$d/ipsec.secrets' \
            --ipsecdir '$d/ipsec.d' --dumpdir '$d/run'" > "$d/pluto.log" 2>&1 &
    PEER_PID=$!
    for ((i = 0; i < 150; i++)); do
        lsw_whack --status 2>/dev/null | grep -q '"s2s":' && break
        kill -0 "$PEER_PID" 2>/dev/null || break
        sleep 0.1
    done
    lsw_whack --status 2>/dev/null | grep -q '"s2s":' ||
        { tail -n 20 "$d/pluto.log" >&2; fail "east: Libreswan pluto did not start or load conn s2s"; return 1; }
    log "Libreswan pluto (pid $PEER_PID) in east: ike $1, esp $2"
}

libreswan_stop() {
    [ -n "$PEER_PID" ] || return 0
    lsw_whack --shutdown > /dev/null 2>&1 || kill "$PEER_PID" 2>/dev/null
    wait "$PEER_PID"
    PEER_PID=
}

# the peer's view of its SAs, saved too
libreswan_states() {
    { lsw_whack --showstates; lsw_whack --trafficstatus; } 2>&1 | tee -a "$T/east/states.out"
}
# (grep -c: whack must not see a closed pipe)
libreswan_has_child() { [ "$(libreswan_states | grep -c 'STATE_V2_ESTABLISHED_CHILD_SA')" -gt 0 ]; }
libreswan_no_sas() { [ "$(libreswan_states | grep -c 'STATE_V2_ESTABLISHED')" = 0 ]; }

# ---------------------------------------------------------------------------
# our side
# ---------------------------------------------------------------------------
# tern_child : our pluto has an established Child SA (trafficstatus has a
# line with inBytes and outBytes > 0)
tern_traffic() {
    "$IPSEC" whack --rundir "$T/west/run" --trafficstatus 2>&1
}
tern_counted() {
    tern_traffic | grep -Eq 'inBytes=[1-9][0-9]*, outBytes=[1-9][0-9]*'
}
tern_has_child() { tern_traffic | grep -q 'type=ESP'; }
tern_no_child() { ! tern_has_child; }

# ---------------------------------------------------------------------------
# either peer ($PEER = charon | libreswan)
# ---------------------------------------------------------------------------
peer_has_child() { "${PEER}_has_child"; }
peer_no_sas() { "${PEER}_no_sas"; }
peer_initiate() {   # the peer brings up its conn "s2s" (IKE SA + Child SA)
    case $PEER in
        charon) sw --initiate --ike s2s --child s2s --timeout 30 ;;
        libreswan) lsw_whack --name s2s --initiate ;;
    esac >> "$T/east/initiate.out" 2>&1
}
peer_terminate() {  # the peer deletes its IKE SA (and with it the Child SA)
    case $PEER in
        charon) sw --terminate --ike s2s --timeout 10 ;;
        libreswan) lsw_whack --name s2s --terminate ;;
    esac >> "$T/east/terminate.out" 2>&1
}

# tunnel_works WHAT : Child SA on the peer, ping both ways, ESP counters > 0
# on both sides, our trafficstatus counts both ways
tunnel_works() {
    check "$1: $PEER has the Child SA" peer_has_child
    check "$1: ping west -> east through the tunnel" ping_through west
    check "$1: ping east -> west through the tunnel" ping_through east
    xfrm_dump west "$1"; xfrm_dump east "$1"
    check "$1: west ESP counters > 0 (ip -s xfrm state)" counted west
    check "$1: east ESP counters > 0 (ip -s xfrm state)" counted east
    check "$1: our trafficstatus counts both ways" tern_counted
    # no NAT between the hosts: when our NAT_DETECTION_*_IP hashes (RFC 7296
    # 2.23) are right, neither side floats to UDP encapsulation
    check "$1: no UDP-encapsulated ESP on either side (NAT detection agrees)" no_encap
}
# no_encap : no XFRM state with UDP encapsulation in west or east, and
# charon did not decide that a host is behind a NAT
no_encap() {
    [ "$(ip -n west xfrm state | grep -c encap)" = 0 ] &&
        [ "$(ip -n east xfrm state | grep -c encap)" = 0 ] &&
        { [ "$PEER" != charon ] || [ "$(grep -Ec 'behind NAT|faking NAT' "$T/east/charon.log")" = 0 ]; }
}
# all_gone WHAT : no SA left on either side, no XFRM state or policy
all_gone() {
    check "$1: $PEER: no IKE/Child SA left" wait_for 5 peer_no_sas
    check "$1: west: no Child SA in trafficstatus" wait_for 5 tern_no_child
    check "$1: west: no XFRM state left" wait_for 5 no_states west
    check "$1: east: no XFRM state left" wait_for 5 no_states east
    xfrm_dump west "$1: after delete"; xfrm_dump east "$1: after delete"
    check "$1: west: no XFRM policy left" no_policies west
    # Libreswan 4.10 itself keeps an "out" policy with an empty template
    # (reqid 0) for the unrouted connection once its IKE SA is gone, whoever
    # sent the Delete: only charon's policies are expected to go
    [ "$PEER" = libreswan ] ||
        check "$1: east: no XFRM policy left" wait_for 5 no_policies east
}

# both_ways CONN : we bring CONN up, the tunnel works, our `ipsec down`
# clears both sides; then the peer initiates, the tunnel works, the peer's
# Delete clears both sides.  Transcript: our up/trafficstatus/down.
both_ways() {
    local c=$1 t
    t=$EPOCHREALTIME
    run west ipsec up "$c"
    check "$c: ipsec up exit 0 (we initiate)" test $? -eq 0
    log "$c: tern -> $PEER took $(elapsed "$t") s"
    tunnel_works "$c, we initiate"
    run west ipsec trafficstatus
    run west ipsec down "$c"
    check "$c: ipsec down exit 0" test $? -eq 0
    all_gone "$c, our Delete"

    t=$EPOCHREALTIME
    peer_initiate
    check "$c: $PEER initiates, exit 0" test $? -eq 0
    log "$c: $PEER -> tern took $(elapsed "$t") s"
    tunnel_works "$c, $PEER initiates"
    run west ipsec trafficstatus
    peer_terminate
    check "$c: $PEER terminates, exit 0" test $? -eq 0
    all_gone "$c, $PEER's Delete"
}
