# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-defaults": no ike=/esp= on either side (our
# defaults against Libreswan 4.10's), both ways (we initiate, then Libreswan
# initiates).  Ping both ways, ESP counters > 0 on both sides, Delete both
# ways.
PEER=libreswan
interop_net
log "network up"
tern_conf s2s '' ''
libreswan_start '' ''
start_pluto west
log "set up: network, both daemons"
tx west
both_ways s2s
note "our pluto's log, times removed"
run host sed -n -E '/"s2s" #[0-9]+: /s/^[^"]*"/"/p' "$T/west/pluto.log"
stop_pluto west
