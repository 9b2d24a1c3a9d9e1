# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-dpd": liveness, revival and INITIAL_CONTACT against
# Libreswan 4.10 (east, dpddelay=1s).  Our conn is auto=start with
# dpddelay=2s retransmit-timeout=6s (and plutodebug=base, to see the
# liveness requests we answer).
#  1. we bring the tunnel up; idle, Libreswan's liveness checks are answered
#     and so are ours.
#  2. Libreswan's pluto is killed (SIGKILL): our probe goes unanswered, we
#     tear down and revive at once; that attempt times out and the next is
#     scheduled 5 s later.  Libreswan is started again and our revival
#     brings the tunnel up: ping both ways.
#  3. our `ipsec down` clears both sides; no revival follows.
# Libreswan 4.10 sends no INITIAL_CONTACT (the uniqueids path is in
# unit-ikev2-lifecycle).  When we restart, it drops its old Child SA on our
# INITIAL_CONTACT but keeps the old IKE SA until its own liveness check of
# that one fails, and that "liveness action" clears the whole connection,
# the new IKE SA included (seen in a run: 13 s after our restart); our DPD
# and revival then bring the tunnel back.  That takes too long for this
# case (Libreswan's start-up alone costs ~8 s in UML).
PEER=libreswan
TERN_PLUTODEBUG=base
LSW_EXTRA=$'\tdpddelay=1s\n\tretransmit-timeout=10s'
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256 start
printf '\tdpddelay=2s\n\tretransmit-timeout=6s\n' >> "$T/west/ipsec.conf"
libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
start_pluto west
log "set up: network, both daemons"

in_log() { grep -q -- "$1" "$T/west/pluto.log"; }
lsw_ike_sas() { libreswan_states | grep -c 'STATE_V2_ESTABLISHED_IKE_SA'; }
lsw_child_sas() { libreswan_states | grep -c 'STATE_V2_ESTABLISHED_CHILD_SA'; }
pings() {
    check "$1: ping west -> east" ping_through west
    check "$1: ping east -> west" ping_through east
}

# ---- 1 ----
check "auto=start: our Child SA is up" wait_for 40 in_log '"s2s" #2: initiator established Child SA using #1'
tunnel_works "1, we initiate"
probes() { [ "$(grep -c 'answering an empty INFORMATIONAL request (liveness)' "$T/west/pluto.log")" -ge 2 ]; }
check "we answered Libreswan's liveness checks" wait_for 10 probes
sleep 3
check "Libreswan's liveness checks never timed out (our answers arrive)" bash -c "! grep -Eq 'timeout exceeded|liveness action' '$T/east/pluto.log'"
check "our probes answered: no liveness action" bash -c "! grep -q 'liveness action' '$T/west/pluto.log'"

# ---- 2 ----
kill -KILL "$PEER_PID"
wait "$PEER_PID" 2>/dev/null
PEER_PID=
rm -f "$T/east/run/pluto.ctl" "$T/east/run/pluto.pid"
ip -n east xfrm state flush
ip -n east xfrm policy flush
t0=$SECONDS
check "liveness action within dpddelay + retransmit-timeout + 4 s" \
    wait_for 12 in_log '"s2s" #1: liveness action - restarting all connections that share this peer'
log "liveness action $((SECONDS - t0)) s after the kill"
check "revival attempt 1 at once" in_log '"s2s" #1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds'
check "revival attempt 2 in 5 s" \
    wait_for 10 in_log '"s2s" #3: connection is supposed to remain up; revival attempt 2 scheduled in 5 seconds'
check "west: the dead tunnel left the kernel" no_states west
mv "$T/east/pluto.log" "$T/east/pluto.log.1"
libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
check "a revival attempt brings the tunnel up" \
    wait_for 20 in_log '"s2s" #[0-9]*: initiator established Child SA using #[0-9]*'
check "Libreswan has the Child SA" wait_for 5 libreswan_has_child
pings "2, revived"

# ---- 3 ----
revivals() { grep -c 'revival attempt' "$T/west/pluto.log"; }
n=$(revivals)
run west ipsec down s2s
check "ipsec down exit 0" test $? -eq 0
check "west: no XFRM state left" wait_for 5 no_states west
check "west: no XFRM policy left" no_policies west
check "Libreswan: no SA left" wait_for 5 libreswan_no_sas
sleep 2
check "no revival after ipsec down" test "$(revivals)" = "$n"
stop_pluto west
