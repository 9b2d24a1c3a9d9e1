# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-defaults": no ike=/esp= on our side, charon's
# "default" IKE and ESP proposals (strongSwan 5.9: AES-CBC/GCM, SHA2,
# curve25519 first ...): whatever each side offers by default must agree,
# both ways (we initiate, then charon initiates), with an INVALID_KE_PAYLOAD
# round when the initiator's first group is not the responder's choice.
# Ping both ways, ESP counters > 0 on both sides, Delete both ways.
PEER=charon
interop_net
log "network up"
tern_conf s2s '' ''
charon_start default default
start_pluto west
log "set up: network, both daemons"
tx west
both_ways s2s
note "our pluto's log, times removed"
run host sed -n -E '/"s2s" #[0-9]+: /s/^[^"]*"/"/p' "$T/west/pluto.log"
stop_pluto west
