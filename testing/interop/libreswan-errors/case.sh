# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-errors": the RFC 7296 error notifications between
# our pluto and Libreswan 4.10, each way, named in both logs (Libreswan's
# pluto is restarted with another configuration for each kind):
#   PSK mismatch        -> AUTHENTICATION_FAILED
#   no common IKE suite -> NO_PROPOSAL_CHOSEN
#   TS mismatch         -> TS_UNACCEPTABLE
# After each failure: no XFRM state on either side.
PEER=libreswan
# one keying attempt, and Libreswan gives up after 3 s where it waits for a
# protected answer (it ignores an unprotected NO_PROPOSAL_CHOSEN answer to
# IKE_SA_INIT and retransmits, as RFC 7296 2.21.1 allows)
LSW_EXTRA=$'\tkeyingtries=1\n\tretransmit-timeout=3s'
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
start_pluto west
good_psk=$PEER_PSK
llog() { grep -Ec "$1" "$T/east/pluto.log"; }
wlog() { grep -Ec "$1" "$T/west/pluto.log"; }
states_gone() {
    check "$1: west: no XFRM state" wait_for 5 no_states west
    check "$1: east: no XFRM state" wait_for 5 no_states east
}
restart_peer() {   # restart_peer IKE : Libreswan again, its log kept
    libreswan_stop
    [ -f "$T/east/pluto.log" ] && cat "$T/east/pluto.log" >> "$T/east/pluto-all.log"
    libreswan_start "$1" aes_gcm256
}

tx west
note "PSK mismatch, we initiate"
PEER_PSK="Libreswan's idea of the secret"
libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
PEER_PSK=$good_psk
run west ipsec up s2s
check "psk, we initiate: ipsec up fails" test $? -ne 0
check "psk, we initiate: we name AUTHENTICATION_FAILED" \
    test "$(wlog '"s2s" #1: .*AUTHENTICATION_FAILED')" -ge 1
check "psk, we initiate: Libreswan names AUTHENTICATION_FAILED" \
    test "$(llog 'AUTHENTICATION_FAILED')" -ge 1
states_gone "psk, we initiate"

note "PSK mismatch, Libreswan initiates"
peer_initiate
check "psk, Libreswan initiates: whack --initiate fails" test $? -ne 0
check "psk, Libreswan initiates: we answer AUTHENTICATION_FAILED" \
    test "$(wlog 'responding to IKE_AUTH request with notification AUTHENTICATION_FAILED')" -ge 1
check "psk, Libreswan initiates: Libreswan receives AUTHENTICATION_FAILED" \
    test "$(llog 'AUTHENTICATION_FAILED')" -ge 2
states_gone "psk, Libreswan initiates"

note "no common IKE proposal, we initiate"
restart_peer aes128-sha2_256-modp3072
run west ipsec up s2s
check "proposal, we initiate: ipsec up fails" test $? -ne 0
check "proposal, we initiate: we name NO_PROPOSAL_CHOSEN" \
    test "$(wlog '"s2s" #[0-9]+: .*NO_PROPOSAL_CHOSEN')" -ge 1
check "proposal, we initiate: Libreswan names NO_PROPOSAL_CHOSEN" \
    test "$(llog 'NO_PROPOSAL_CHOSEN')" -ge 1

note "no common IKE proposal, Libreswan initiates"
peer_initiate
check "proposal, Libreswan initiates: whack --initiate fails" test $? -ne 0
check "proposal, Libreswan initiates: we answer NO_PROPOSAL_CHOSEN" \
    test "$(wlog 'IKE_SA_INIT request from 192.0.2.2.*responding with NO_PROPOSAL_CHOSEN')" -ge 1
check "proposal, Libreswan initiates: Libreswan receives NO_PROPOSAL_CHOSEN" \
    test "$(llog 'IKE_SA_INIT message containing NO_PROPOSAL_CHOSEN notification')" -ge 1
states_gone "proposal"

note "traffic selectors Libreswan does not accept, we initiate"
LSW_REMOTE_NET=10.0.9.0/24
restart_peer 'aes_gcm256-sha2_512;dh19'
run west ipsec up s2s
check "ts, we initiate: ipsec up fails" test $? -ne 0
check "ts, we initiate: we name TS_UNACCEPTABLE" \
    test "$(wlog '"s2s" #[0-9]+: .*TS_UNACCEPTABLE')" -ge 1
check "ts, we initiate: Libreswan finds our TS unacceptable" \
    test "$(llog '"s2s" #2: No IKEv2 connection found with compatible Traffic Selectors')" -ge 1
states_gone "ts, we initiate"
run west ipsec down s2s

note "traffic selectors we do not accept, Libreswan initiates"
peer_initiate
# (Libreswan's whack exits 0 here: its IKE SA is up, only the Child SA failed)
check "ts, Libreswan initiates: we answer TS_UNACCEPTABLE" \
    test "$(wlog 'responding with TS_UNACCEPTABLE')" -ge 1
check "ts, Libreswan initiates: Libreswan receives TS_UNACCEPTABLE" \
    test "$(llog 'IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE')" -ge 1
states_gone "ts, Libreswan initiates"
note "our pluto's log, times removed"
run host sed -n -E '/"s2s" #[0-9]+: /s/^[^"]*"/"/p' "$T/west/pluto.log"
stop_pluto west
