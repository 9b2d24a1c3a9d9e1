# scenario "kernel-esp": pluto's kernel seam (programs/pluto/kernel) against
# a kernel WITH ESP.  kernel-driver (built from kernel-driver.c, one API call
# per run) installs inbound SPIs through ALLOCSPI, ESP SAs (AES-GCM,
# AES-CBC + HMAC-SHA2-256 with ESN, ChaCha20-Poly1305; tunnel and transport
# mode) and policies in west and east; a ping passes; our GETSA reads
# counters > 0 on both sides; our deletes leave no state and no policy;
# the owned-only flush removes real SAs and leaves a foreign policy;
# kernel_install_child() brings up a whole Child SA (ESP in UDP), and
# rolls back when a step fails.
KD=$TERN_BUILDDIR/testing/scenarios/kernel-esp/kernel-driver
if [ ! -x "$KD" ]; then
    fail "$KD is not built"
    return
fi
mkdir -p "$T/bin"
ln -sf "$KD" "$T/bin/kernel-driver"
export PATH=$T/bin:$PATH
# ChaCha20-Poly1305 is not in the runner's preloaded set (auto-loading works, but slowly)
modprobe -a chacha20poly1305 xcbc cmac 2>/dev/null || log "modprobe chacha20poly1305 failed; relying on auto-load"

W=192.0.2.1
E=192.0.2.2
netns_pair
# the protected addresses the pings use, and the routes into the tunnel
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via $E src 10.0.1.1
ip -n east route add 10.0.1.0/24 via $W src 10.0.2.1

# counters HOST SRC DST SPI : our GETSA must have counted packets
counters() {
    local h=$1 out
    shift
    run "$h" kernel-driver counters "$@"
    out=$(tail -n 1 "$tx_file")   # what run recorded: the driver's answer
    [[ $out =~ ^bytes=[1-9][0-9]*\ packets=[1-9][0-9]*\ used=yes$ ]] ||
        fail "$h: SA $3 $1->$2 counted nothing: $out"
}

# empty HOST : no XFRM state and no policy left
empty() {
    local h=$1 s p
    s=$(ip -n "$h" xfrm state)
    p=$(ip -n "$h" xfrm policy)
    [ -z "$s" ] || fail "$h: XFRM states left: $s"
    [ -z "$p" ] || fail "$h: XFRM policies left: $p"
}

# ping_through FROM-ADDR TO-ADDR
ping_through() {
    check "ping $1 -> $2 through ESP" \
        ip netns exec west ping -q -c 3 -i 0.2 -W 2 -I "$1" "$2" >/dev/null
}

# tunnel_sas ALG [OPTION...] : inbound SPIs by ALLOCSPI (one-SPI ranges keep
# the transcript stable), larval SAs completed by UPDSA, outbound by NEWSA
tunnel_sas() {
    run east kernel-driver alloc-spi $W $E 1 0x1001 0x1001
    run west kernel-driver alloc-spi $E $W 2 0x1002 0x1002
    run east kernel-driver add-sa $W $E 0x1001 1 tunnel "$@" update
    run east kernel-driver add-sa $E $W 0x1002 2 tunnel "$@"
    run west kernel-driver add-sa $E $W 0x1002 2 tunnel "$@" update
    run west kernel-driver add-sa $W $E 0x1001 1 tunnel "$@"
}

tunnel_policies() {
    local d
    run west kernel-driver add-policy 10.0.1.0/24 10.0.2.0/24 out 1 tunnel $W $E
    for d in in fwd; do
        run west kernel-driver add-policy 10.0.2.0/24 10.0.1.0/24 $d 2 tunnel $E $W
    done
    run east kernel-driver add-policy 10.0.2.0/24 10.0.1.0/24 out 2 tunnel $E $W
    for d in in fwd; do
        run east kernel-driver add-policy 10.0.1.0/24 10.0.2.0/24 $d 1 tunnel $W $E
    done
}

tunnel_delete() {
    local d
    run west kernel-driver del-policy 10.0.1.0/24 10.0.2.0/24 out
    run east kernel-driver del-policy 10.0.2.0/24 10.0.1.0/24 out
    for d in in fwd; do
        run west kernel-driver del-policy 10.0.2.0/24 10.0.1.0/24 $d
        run east kernel-driver del-policy 10.0.1.0/24 10.0.2.0/24 $d
    done
    for h in west east; do
        run $h kernel-driver del-sa $W $E 0x1001
        run $h kernel-driver del-sa $E $W 0x1002
        run $h ip xfrm state
        run $h ip xfrm policy
        empty $h
    done
}

# tunnel NAME ALG [OPTION...]
tunnel() {
    local name=$1
    shift
    tx "tunnel-$name"
    note "ESP tunnel 10.0.1.0/24 <-> 10.0.2.0/24 with $*"
    tunnel_sas "$@"
    tunnel_policies
    run west ip xfrm state
    run west ip xfrm policy
    run west kernel-driver get-policy 10.0.1.0/24 10.0.2.0/24 out
    ping_through 10.0.1.1 10.0.2.1
    counters west $W $E 0x1001
    counters west $E $W 0x1002
    counters east $W $E 0x1001
    counters east $E $W 0x1002
    tunnel_delete
}

tunnel gcm gcm128
tunnel cbc-sha256-esn cbc128-sha256 esn replay=128
tunnel chacha chacha
tunnel more-algs gcm256-icv12 replay=64 soft-bytes=1000000 hard-bytes=2000000 soft-seconds=3000 hard-seconds=3600

tx transport
note "ESP transport 192.0.2.1 <-> 192.0.2.2, AES-GCM, with a selector"
run east kernel-driver alloc-spi $W $E 3 0x2001 0x2001
run west kernel-driver alloc-spi $E $W 4 0x2002 0x2002
for h in west east; do
    upd_in=; upd_out=
    [ $h = east ] && upd_in=update
    [ $h = west ] && upd_out=update
    run $h kernel-driver add-sa $W $E 0x2001 3 transport gcm128 sel=$W/32,$E/32 $upd_in
    run $h kernel-driver add-sa $E $W 0x2002 4 transport gcm128 $upd_out
done
run west kernel-driver add-policy $W/32 $E/32 out 3 transport
run west kernel-driver add-policy $E/32 $W/32 in 4 transport
run east kernel-driver add-policy $E/32 $W/32 out 4 transport
run east kernel-driver add-policy $W/32 $E/32 in 3 transport
run west ip xfrm state
run west ip xfrm policy
ping_through $W $E
counters west $W $E 0x2001
counters west $E $W 0x2002
counters east $W $E 0x2001
counters east $E $W 0x2002
run west kernel-driver del-policy $W/32 $E/32 out
run west kernel-driver del-policy $E/32 $W/32 in
run east kernel-driver del-policy $E/32 $W/32 out
run east kernel-driver del-policy $W/32 $E/32 in
for h in west east; do
    run $h kernel-driver del-sa $W $E 0x2001
    run $h kernel-driver del-sa $E $W 0x2002
    run $h ip xfrm state
    run $h ip xfrm policy
    empty $h
done

tx flush
note "the owned-only flush removes real ESP SAs and our policies, not a foreign policy"
tunnel_sas cbc128-sha1
tunnel_policies
ping_through 10.0.1.1 10.0.2.1
run west ip xfrm policy add src 10.0.3.0/24 dst 10.0.4.0/24 dir out priority 100 \
    tmpl src $W dst 192.0.2.3 proto esp reqid 42 mode tunnel
run west kernel-driver flush
run east kernel-driver flush
run west ip xfrm state
run west ip xfrm policy
run east ip xfrm state
run east ip xfrm policy
check "west keeps only the foreign policy" \
    test "$(ip -n west xfrm policy | grep -c '^src')" = 1
run west ip xfrm policy flush
empty west
empty east

# a Child SA as pluto installs it: kernel_install_child() with ALLOCSPI'd
# inbound SPIs, ESP in UDP (the receiving side needs a UDP socket on 4500
# with UDP_ENCAP_ESPINUDP, which pluto's NAT-T socket will be)
tx child-encap
note "kernel_install_child(): tunnel, AES-GCM, ESP in UDP 4500, then kernel_remove_child()"
encap_pids=()
for h in west east; do
    ip netns exec $h python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 4500))
s.setsockopt(socket.IPPROTO_UDP, 100, 2)   # UDP_ENCAP, UDP_ENCAP_ESPINUDP
open(sys.argv[1], "w").close()
time.sleep(120)
' "$T/encap-$h.ready" &
    encap_pids+=($!)
done
for ((i = 0; i < 100; i++)); do
    [ -e "$T/encap-west.ready" ] && [ -e "$T/encap-east.ready" ] && break
    sleep 0.1
done
run west kernel-driver alloc-spi $E $W 5 0x3002 0x3002
run east kernel-driver alloc-spi $W $E 5 0x3001 0x3001
run west kernel-driver child-up tunnel $W $E 10.0.1.0/24 10.0.2.0/24 5 0x3002 0x3001 gcm128 larval encap=4500:4500
run east kernel-driver child-up tunnel $E $W 10.0.2.0/24 10.0.1.0/24 5 0x3001 0x3002 gcm128 larval encap=4500:4500
run west ip xfrm state
ping_through 10.0.1.1 10.0.2.1
for h in west east; do
    [ $h = west ] && args="$W $E 10.0.1.0/24 10.0.2.0/24 5 0x3002 0x3001" ||
        args="$E $W 10.0.2.0/24 10.0.1.0/24 5 0x3001 0x3002"
    # shellcheck disable=SC2086
    run $h kernel-driver child-traffic tunnel $args gcm128
    out=$(tail -n 1 "$tx_file")
    [[ $out =~ ^inBytes=[1-9][0-9]*\ outBytes=[1-9][0-9]*$ ]] ||
        fail "$h: trafficstatus counters of the child: $out"
    # shellcheck disable=SC2086
    run $h kernel-driver child-down tunnel $args gcm128
    run $h ip xfrm state
    run $h ip xfrm policy
    empty $h
done
kill "${encap_pids[@]}" 2>/dev/null
wait "${encap_pids[@]}" 2>/dev/null

tx child-rollback
note "kernel_install_child() fails at the outbound SA (its SPI is taken): the larval inbound SA is removed, the foreign SA stays"
run west ip xfrm state add src $W dst $E proto esp spi 0x4001 reqid 42 mode tunnel \
    aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
run west kernel-driver alloc-spi $E $W 6 0x4002 0x4002
run west kernel-driver child-up tunnel $W $E 10.0.1.0/24 10.0.2.0/24 6 0x4002 0x4001 gcm128 larval
run west ip xfrm state
run west ip xfrm policy
check "west keeps only the foreign SA" test "$(ip -n west xfrm state | grep -c '^src')" = 1
run west ip xfrm state flush
empty west

tx child-ipv6
note "kernel_install_child(): IPv6 outer and inner, AES-CBC + HMAC-SHA2-256, ESN"
W6=2001:db8::1
E6=2001:db8::2
ip -n west addr add $W6/64 dev eth0 nodad
ip -n east addr add $E6/64 dev eth0 nodad
ip -n west addr add 2001:db8:1::1/128 dev dummy0 nodad
ip -n east addr add 2001:db8:2::1/128 dev dummy0 nodad
ip -n west route add 2001:db8:2::/64 via $E6 src 2001:db8:1::1
ip -n east route add 2001:db8:1::/64 via $W6 src 2001:db8:2::1
run west kernel-driver alloc-spi $E6 $W6 7 0x5002 0x5002
run east kernel-driver alloc-spi $W6 $E6 7 0x5001 0x5001
wargs="$W6 $E6 2001:db8:1::/64 2001:db8:2::/64 7 0x5002 0x5001"
eargs="$E6 $W6 2001:db8:2::/64 2001:db8:1::/64 7 0x5001 0x5002"
# shellcheck disable=SC2086
run west kernel-driver child-up tunnel $wargs cbc128-sha256 larval esn replay=256
# shellcheck disable=SC2086
run east kernel-driver child-up tunnel $eargs cbc128-sha256 larval esn replay=256
run west ip xfrm policy
ping_through 2001:db8:1::1 2001:db8:2::1
for h in west east; do
    [ $h = west ] && args=$wargs || args=$eargs
    # shellcheck disable=SC2086
    run $h kernel-driver child-traffic tunnel $args cbc128-sha256
    out=$(tail -n 1 "$tx_file")
    [[ $out =~ ^inBytes=[1-9][0-9]*\ outBytes=[1-9][0-9]*$ ]] ||
        fail "$h: trafficstatus counters of the IPv6 child: $out"
    # shellcheck disable=SC2086
    run $h kernel-driver child-down tunnel $args cbc128-sha256
    empty $h
done
