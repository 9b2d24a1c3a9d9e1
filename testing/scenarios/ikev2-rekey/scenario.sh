# scenario "ikev2-rekey": Child SA rekey with CREATE_CHILD_SA, with and
# without PFS, every 10 s (ipsec-lifetime=20s rekeymargin=10s
# rekeyfuzz=0%); a ping running through two rekeys loses nothing
# (make-before-break: the new SA pair is in the kernel before the old one
# goes, the policies stay, the old inbound SA stays 5 s more for packets in
# flight); after each rekey exactly one SA pair is left.
# Conn rekey-ike rekeys its IKE SA every 10 s (ikelifetime=20s) and its
# Child SA at 15 s over the new IKE SA, the ping still losing nothing.
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
host_setup east
start_pluto west
start_pluto east

nstates() { ip -n "$1" xfrm state | grep -c '^src'; }
# policies HOST : XFRM policies but pluto's socket bypasses
npolicies() {
    ip -n "$1" xfrm policy | awk '
        /^src/ { if (b != "" && b !~ /socket/) n++; b = $0; next }
        { b = b $0 }
        END { if (b != "" && b !~ /socket/) n++; print n + 0 }'
}
empty() {
    local i
    for ((i = 0; i < 50; i++)); do
        [ "$(nstates "$1")" = 0 ] && [ "$(npolicies "$1")" = 0 ] && return 0
        sleep 0.1
    done
    ip -n "$1" xfrm state; ip -n "$1" xfrm policy
    return 1
}
# no_loss FILE : ping's summary says 0% packet loss
no_loss() { grep -q ' 0% packet loss' "$1" || { cat "$1" >&2; return 1; }; }

tx west
for c in rekey-pfs rekey-nopfs; do
    run west ipsec up $c
    check "$c: ipsec up exit 0" test $? -eq 0
    # 25 s of pings, 5 a second: the rekeys at 10 s and 20 s happen meanwhile
    ip netns exec west ping -q -c 125 -i 0.2 -W 1 -I 10.0.1.1 10.0.2.1 > "$T/$c.ping" 2>&1
    cp "$T/$c.ping" "$SCENARIO_OUT/" 2>/dev/null
    check "$c: no ping lost through two rekeys" no_loss "$T/$c.ping"
    check "$c: west rekeyed at least twice" \
        test "$(grep -c "\"$c\" #[0-9]*: initiator rekeyed Child SA #[0-9]* using #" "$T/west/pluto.log")" -ge 2
    check "$c: east answered them" \
        test "$(grep -c "\"$c\" #[0-9]*: responder rekeyed Child SA #[0-9]* using #" "$T/east/pluto.log")" -ge 2
    check "$c: west one SA pair left" xfrm_nstates west 2
    check "$c: east one SA pair left" xfrm_nstates east 2
    check "$c: west policies kept" test "$(npolicies west)" = 3
    check "$c: east policies kept" test "$(npolicies east)" = 3
    run west ipsec down $c
    check "$c: west clean after down" empty west
    check "$c: east clean after down" empty east
done
# the IKE SA is rekeyed at 10 s and 20 s, the Child SA at 15 s (over the
# new IKE SA); the ping runs through all three
run west ipsec up rekey-ike
check "rekey-ike: ipsec up exit 0" test $? -eq 0
ip netns exec west ping -q -c 125 -i 0.2 -W 1 -I 10.0.1.1 10.0.2.1 > "$T/rekey-ike.ping" 2>&1
cp "$T/rekey-ike.ping" "$SCENARIO_OUT/" 2>/dev/null
check "rekey-ike: no ping lost through IKE and Child SA rekeys" no_loss "$T/rekey-ike.ping"
check "rekey-ike: west rekeyed the IKE SA twice" \
    test "$(grep -c '"rekey-ike" #[0-9]*: initiator rekeyed IKE SA #[0-9]* {cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH19}' "$T/west/pluto.log")" -ge 2
check "rekey-ike: east answered" grep -q '"rekey-ike" #[0-9]*: responder rekeyed IKE SA #' "$T/east/pluto.log"
check "rekey-ike: the Child SA rekeyed over a new IKE SA" \
    grep -q '"rekey-ike" #[0-9]*: initiator rekeyed Child SA #[0-9]* using #[0-9]*' "$T/west/pluto.log"
check "rekey-ike: east deleted each old IKE SA on west's Delete" \
    test "$(grep -c '"rekey-ike" #[0-9]*: received Delete SA payload: deleting IKE SA' "$T/east/pluto.log")" -ge 2
check "rekey-ike: west one SA pair left" xfrm_nstates west 2
check "rekey-ike: east one SA pair left" xfrm_nstates east 2
run west ipsec down rekey-ike
check "rekey-ike: west clean after down" empty west
check "rekey-ike: east clean after down" empty east
check "pfs: the rekeyed SA uses DH19" grep -q '"rekey-pfs" #3: initiator rekeyed Child SA #2 using #1; IPsec tunnel \[10.0.1.0/24===10.0.2.0/24\] {ESP.*xfrm=AES_GCM_16_256-DH19 DPD=passive}' "$T/west/pluto.log"
check "no IKE SA torn down by a rekey" bash -c "! grep -q 'dropping unexpected CREATE_CHILD_SA' '$T'/west/pluto.log '$T'/east/pluto.log"

stop_pluto west
stop_pluto east
