# scenario "ikev2-psk": two plutos bring up IKEv2 with a PSK for three
# algorithm suites (AES-GCM + x25519, AES-CBC + SHA2 + MODP2048,
# ChaCha20-Poly1305 + ECP256), transport mode and IPv6 (outside and in); each time `ipsec up`
# exits 0, a ping crosses the tunnel, the kernel's ESP counters are > 0 on
# both sides, trafficstatus/showstates list the Child SA, and `ipsec down`
# leaves no XFRM state or policy.  A PSK mismatch fails on both sides.
modprobe -a chacha20poly1305 2>/dev/null || log "modprobe chacha20poly1305 failed; relying on auto-load"
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
# IPv6 outside and inside
ip -n west addr add 2001:db8::1/64 dev eth0 nodad
ip -n east addr add 2001:db8::2/64 dev eth0 nodad
ip -n west addr add 2001:db8:1::1/128 dev dummy0 nodad
ip -n east addr add 2001:db8:2::1/128 dev dummy0 nodad
ip -n west route add 2001:db8:2::/64 via 2001:db8::2 src 2001:db8:1::1
ip -n east route add 2001:db8:1::/64 via 2001:db8::1 src 2001:db8:2::1
host_setup west
host_setup east
start_pluto west
start_pluto east

# bytes HOST : the byte counters of HOST's ESP states, one per line
bytes() {
    ip -n "$1" -s xfrm state | awk '/lifetime current:/ { getline; sub(/\(bytes\).*/, "", $1); print $1 }'
}
counted() {   # counted HOST : two ESP states, both with bytes > 0
    local b n=0
    for b in $(bytes "$1"); do
        [ "$b" -gt 0 ] 2>/dev/null || return 1
        n=$((n + 1))
    done
    [ "$n" -eq 2 ]
}

tx west
for c in gcm-x25519 cbc-modp2048 chacha-ecp256; do
    run west ipsec up $c
    check "$c: ipsec up exit 0" test $? -eq 0
    check "$c: ping through the tunnel" \
        ip netns exec west ping -q -c 3 -i 0.2 -W 2 -I 10.0.1.1 10.0.2.1
    check "$c: west ESP counters > 0" counted west
    check "$c: east ESP counters > 0" counted east
    run west ipsec trafficstatus
    run west ipsec showstates
    run west ipsec down $c
    check "$c: west clean after down" xfrm_empty west
    check "$c: east clean after down" xfrm_empty east
done
run west ipsec up transport
check "transport: ipsec up exit 0" test $? -eq 0
check "transport: ping (ESP transport mode)" ip netns exec west ping -q -c 3 -i 0.2 -W 2 192.0.2.2
check "transport: west ESP counters > 0" counted west
run west ipsec down transport
check "transport: west clean after down" xfrm_empty west
check "transport: east clean after down" xfrm_empty east

run west ipsec up ipv6
check "ipv6: ipsec up exit 0" test $? -eq 0
check "ipv6: ping through the tunnel" \
    ip netns exec west ping -6 -q -c 3 -i 0.2 -W 2 -I 2001:db8:1::1 2001:db8:2::1
check "ipv6: west ESP counters > 0" counted west
check "ipv6: east ESP counters > 0" counted east
run west ipsec trafficstatus
run west ipsec down ipv6
check "ipv6: west clean after down" xfrm_empty west
check "ipv6: east clean after down" xfrm_empty east

run west ipsec up psk-mismatch
check "psk-mismatch: ipsec up fails (56)" test $? -eq 56

tx east
run east ipsec showstates
check "east: responder lines" grep -q '"gcm-x25519" #2: responder established Child SA using #1; IPsec tunnel \[10.0.2.0/24===10.0.1.0/24\]' "$T/east/pluto.log"
check "east: AUTHENTICATION_FAILED sent" grep -q '"psk-mismatch" #[0-9]*: responding to IKE_AUTH request with notification AUTHENTICATION_FAILED' "$T/east/pluto.log"
check "secret not logged" bash -c "! grep -r 'never logged' '$T'/west/*.log '$T'/east/*.log '$TX_DIR'"

stop_pluto west
stop_pluto east
