# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-errors": the RFC 7296 error notifications between our
# pluto and strongSwan charon, each way, named in both logs:
#   PSK mismatch        -> AUTHENTICATION_FAILED (IKE_AUTH response)
#   no common IKE suite -> NO_PROPOSAL_CHOSEN (IKE_SA_INIT response)
#   TS mismatch         -> TS_UNACCEPTABLE (IKE_AUTH response; the IKE SA
#                          stays, RFC 7296 2.21.2)
# After each failure: no XFRM state on either side.
PEER=charon
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
good_psk=$PEER_PSK
PEER_PSK="charon's idea of the secret"
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
PEER_PSK=$good_psk
start_pluto west
log "set up: network, both daemons"
clog() { grep -Ec "$1" "$T/east/charon.log"; }
wlog() { grep -Ec "$1" "$T/west/pluto.log"; }
states_gone() {
    check "$1: west: no XFRM state" wait_for 5 no_states west
    check "$1: east: no XFRM state" wait_for 5 no_states east
}

tx west
note "PSK mismatch, we initiate"
run west ipsec up s2s
check "psk, we initiate: ipsec up fails" test $? -ne 0
check "psk, we initiate: charon sends AUTHENTICATION_FAILED" \
    test "$(clog 'generating IKE_AUTH response 1 \[ N\(AUTH_FAILED\) \]')" -ge 1
check "psk, we initiate: we name AUTHENTICATION_FAILED" \
    test "$(wlog '"s2s" #1: .*AUTHENTICATION_FAILED')" -ge 1
states_gone "psk, we initiate"

note "PSK mismatch, charon initiates"
peer_initiate
check "psk, charon initiates: swanctl --initiate fails" test $? -ne 0
check "psk, charon initiates: we answer AUTHENTICATION_FAILED" \
    test "$(wlog 'responding to IKE_AUTH request with notification AUTHENTICATION_FAILED')" -ge 1
check "psk, charon initiates: charon receives AUTHENTICATION_FAILED" \
    test "$(clog 'received AUTHENTICATION_FAILED notify error')" -ge 1
states_gone "psk, charon initiates"

note "no common IKE proposal, we initiate"
charon_load aes128-sha256-modp3072 aes256gcm16
run west ipsec up s2s
check "proposal, we initiate: ipsec up fails" test $? -ne 0
check "proposal, we initiate: charon sends NO_PROPOSAL_CHOSEN" \
    test "$(clog 'generating IKE_SA_INIT response 0 \[ N\(NO_PROP\) \]')" -ge 1
check "proposal, we initiate: we name NO_PROPOSAL_CHOSEN" \
    test "$(wlog '"s2s" #[0-9]+: .*NO_PROPOSAL_CHOSEN')" -ge 1

note "no common IKE proposal, charon initiates"
peer_initiate
check "proposal, charon initiates: swanctl --initiate fails" test $? -ne 0
check "proposal, charon initiates: we answer NO_PROPOSAL_CHOSEN" \
    test "$(wlog 'IKE_SA_INIT request from 192.0.2.2.*responding with NO_PROPOSAL_CHOSEN')" -ge 1
check "proposal, charon initiates: charon receives NO_PROPOSAL_CHOSEN" \
    test "$(clog 'received NO_PROPOSAL_CHOSEN notify error')" -ge 1
states_gone "proposal"

note "traffic selectors charon does not accept, we initiate"
CHARON_REMOTE_TS=10.0.9.0/24
charon_load aes256gcm16-prfsha512-ecp256 aes256gcm16
run west ipsec up s2s
check "ts, we initiate: ipsec up fails" test $? -ne 0
check "ts, we initiate: charon sends TS_UNACCEPTABLE" \
    test "$(clog 'generating IKE_AUTH response 1 \[ .*N\(TS_UNACCEPT\)')" -ge 1
check "ts, we initiate: we name TS_UNACCEPTABLE" \
    test "$(wlog '"s2s" #[0-9]+: .*TS_UNACCEPTABLE')" -ge 1
states_gone "ts, we initiate"
run west ipsec down s2s

note "traffic selectors we do not accept, charon initiates"
peer_initiate
check "ts, charon initiates: swanctl --initiate fails" test $? -ne 0
check "ts, charon initiates: we answer TS_UNACCEPTABLE" \
    test "$(wlog 'responding with TS_UNACCEPTABLE')" -ge 1
check "ts, charon initiates: charon receives TS_UNACCEPTABLE" \
    test "$(clog 'received TS_UNACCEPTABLE notify')" -ge 1
states_gone "ts, charon initiates"
note "our pluto's log, times removed"
run host sed -n -E '/"s2s" #[0-9]+: /s/^[^"]*"/"/p' "$T/west/pluto.log"
stop_pluto west
