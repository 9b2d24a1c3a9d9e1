# scenario "hostkeys": the key and certificate tools inside the guest, the
# way an admin pairs two gateways.  Raw keys (iked-style key exchange):
# `ipsec newhostkey` on each side, `ipsec showhostkey --right/--left` pasted
# into the other side's ipsec.conf, which `ipsec checkconfig` accepts.
# Certificates: `ipsec ca` on west issues both gateways' certificates,
# east imports its PKCS#12 file and NSS verifies the chain there.
# (The IKE_AUTH exchange does not use them yet: no `ipsec up` here.)
netns_pair
host_setup west
host_setup east

ckaid_of() {   # ckaid_of HOST : the CKAID of the HOST's first key
    "$IPSEC" --nssdir "$T/$1/nss" showhostkey --list | sed -n 's/.* ckaid: //p' | head -1
}

tx keys
run west ipsec newhostkey --bits 2048
run east ipsec newhostkey --keytype ecdsa --bits 256
run west ipsec showhostkey --list
run east ipsec showhostkey --list
west_ckaid=$(ckaid_of west)
east_ckaid=$(ckaid_of east)
check "west CKAID" test ${#west_ckaid} = 40
check "east CKAID" test ${#east_ckaid} = 40
run west ipsec showhostkey --left --ckaid "$west_ckaid"
run east ipsec showhostkey --right --ckaid "$east_ckaid"
run west ipsec showhostkey --ckaid "$west_ckaid"
run east ipsec showhostkey --left --ckaid 0000

# each side's public key, as the peer pastes it (seed 003's local.pub)
west_pub=$("$IPSEC" --nssdir "$T/west/nss" showhostkey --left --ckaid "$west_ckaid" |
           sed -n 's/^\tleftrsasigkey=//p')
# (an ECDSA key: --left prints leftecdsakey= with the raw point, as
# Libreswan 5 does; --pubkey the SubjectPublicKeyInfo for leftpubkey=)
east_pub=$("$IPSEC" --nssdir "$T/east/nss" showhostkey --left --pubkey --ckaid "$east_ckaid" |
           sed -n 's/^\tleftpubkey=//p')
check "west's key is an RFC 3110 blob" test "${west_pub:0:7}" = 0sAwEAA
check "east's key is an SPKI" test "${east_pub:0:4}" = 0sMF
for h in west east; do
    if [ $h = west ]; then me_ckaid=$west_ckaid; else me_ckaid=$east_ckaid; fi
    cat >> "$T/$h/ipsec.conf" <<EOC

conn west-east
	left=192.0.2.1
	leftid=@west
	leftsubnet=10.0.1.0/24
	leftrsasigkey=$west_pub
	right=192.0.2.2
	rightid=@east
	rightsubnet=10.0.2.0/24
	rightpubkey=$east_pub
	authby=rsasig,ecdsa
	auto=add
EOC
    # the local end's key is also named by its CKAID
    if [ $h = west ]; then
        sed -i "s/^\tleftrsasigkey=.*/&\n\tleftckaid=$me_ckaid/" "$T/$h/ipsec.conf"
    else
        sed -i "s/^\trightpubkey=.*/&\n\trightckaid=$me_ckaid/" "$T/$h/ipsec.conf"
    fi
done
run west ipsec checkconfig
run east ipsec checkconfig

tx ca
run west ipsec ca create vpnca --bits 2048 --dn "CN=Tern VPN CA, O=Example"
run west ipsec ca issue vpnca --cn west.example.org --bits 2048 --san 192.0.2.1
run west ipsec ca issue vpnca --cn east.example.org --keytype ecdsa --san east.example.org --san 192.0.2.2
run west ipsec ca issue vpnca --cn road@example.org --client --bits 2048
run west ipsec ca export vpnca east.example.org --p12 "$T/east.p12" --password pw
run west ipsec ca export vpnca --pem "$T/vpnca.pem"
run west ipsec ca issue vpnca --cn west.example.org
run west ipsec ca issue novpnca --cn x.example.org
check "west: its certificate verifies" certutil -V -u V -d "sql:$T/west/nss" -n west.example.org
# east: import (pk12util), the CA trusted from the file
ip netns exec east "$IPSEC" --nssdir "$T/east/nss" import "$T/east.p12" --password pw \
    > "$T/east-import.out" 2>&1
check "east: import" grep -q "trusting CA 'vpnca'" "$T/east-import.out"
check "east: its certificate and key" grep -q "east.example.org" <(certutil -K -d "sql:$T/east/nss" 2>&1)
check "east: its certificate verifies" certutil -V -u V -d "sql:$T/east/nss" -n east.example.org
run east ipsec import "$T/east.p12" --password wrong
