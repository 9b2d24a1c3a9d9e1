# scenario "auto-deprecated": `ipsec auto --add` works with a deprecation
# warning naming the new verb; with no peer, `up` retransmits until
# retransmit-timeout and fails (exit 51); `route` installs the conn's trap
# policy and `unroute` removes it (both silent, exit 0).
netns_pair
host_setup west
start_pluto west
tx west
run west ipsec auto --add west-east
check "auto --add works" test $? -eq 0
run west ipsec auto --status
run west ipsec auto --delete west-east
run west ipsec add west-east
run west ipsec up west-east
check "ipsec up: no response, timeout (51)" test $? -eq 51
# a conn brought up with `ipsec up` is supposed to remain up: as in
# Libreswan the timeout schedules a revival at once; `ipsec down` (not in
# the transcript: it races with the revived attempt) stops it
check "ipsec up: revival attempt 1 at once" \
    grep -q '"west-east" #[0-9]*: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds' "$T/west/pluto.log"
quiet_down() {
    local o
    mapfile -d '' o < <(host_opts west)
    ip netns exec west "$IPSEC" "${o[@]}" down "$1" >/dev/null 2>&1
}
quiet_down west-east
run west ipsec auto --up west-east
check "ipsec auto --up: 51" test $? -eq 51
quiet_down west-east
run west ipsec route west-east
check "route: the trap policy is in" \
    bash -c "ip -n west xfrm policy get dir out src 10.0.1.0/24 dst 10.0.2.0/24 | grep -q 'proto esp reqid'"
run west ipsec unroute west-east
check "unroute: the trap policy is gone" \
    bash -c "! ip -n west xfrm policy get dir out src 10.0.1.0/24 dst 10.0.2.0/24 >/dev/null 2>&1"
run west ipsec frobnicate
check "unknown verb: usage error 2" test $? -eq 2
check "pluto survived all of it" kill -0 "${PLUTO_PID[west]}"
stop_pluto west
