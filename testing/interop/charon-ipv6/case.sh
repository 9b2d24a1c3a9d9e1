# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-ipv6": IPv6 outside and inside with strongSwan charon
# (kernel-netlink), both ways: west 2001:db8:0:1::1 guarding 2001:db8:1::/64,
# east 2001:db8:0:1::2 guarding 2001:db8:2::/64;
# ike=aes_gcm256-sha2_512;dh19 esp=aes_gcm256.  Ping both ways, ESP
# counters > 0 on both sides, trafficstatus, Delete both ways.
PEER=charon
WEST_ADDR=2001:db8:0:1::1 EAST_ADDR=2001:db8:0:1::2
WEST_NET=2001:db8:1::/64 EAST_NET=2001:db8:2::/64
WEST_IN=2001:db8:1::1 EAST_IN=2001:db8:2::1
interop_net
log "network up"
tern_conf s2s 'aes_gcm256-sha2_512;dh19' aes_gcm256
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
start_pluto west
log "set up: network, both daemons"
tx west
both_ways s2s
note "our pluto's log as responder, times removed"
run host sed -n -E '/ #[0-9]+: (sent IKE_SA_INIT response|responder established)/s/^[^"]*"/"/p' "$T/west/pluto.log"
stop_pluto west
