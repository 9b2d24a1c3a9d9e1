# scenario "ikev2-pubkey": IKEv2 between two plutos authenticated with
# public keys, the way an admin sets them up with the tools in the guest:
#  - rawkeys:     RSA keys from `ipsec newhostkey` on each side, each
#                 pasted into the other's conn with `showhostkey`
#                 (leftrsasigkey= / rightrsasigkey=, leftckaid=)
#  - certs-rsa:   RSA certificates from `ipsec ca` on west, east's
#                 exported as PKCS#12 and imported with `ipsec import`
#  - certs-ecdsa: ECDSA P-256 certificates from the same CA, DN IDs
#                 (%fromcert one side, the subject DN the other)
# each time `ipsec up` exits 0, a ping crosses the tunnel and `ipsec down`
# leaves no state; and two failures, each with the reason in both logs and
# whack's failure code: a wrong raw key (east has another key for west)
# and a rightid= that east's certificate does not name.
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
host_setup east

ipsec_on() {   # ipsec_on HOST VERB ARGS... : the tools with HOST's db, no transcript
    local h=$1
    shift
    ip netns exec "$h" "$IPSEC" --nssdir "$T/$h/nss" "$@"
}
ckaids() {   # ckaids HOST : the CKAIDs of HOST's raw keys, oldest first
    ipsec_on "$1" showhostkey --list | sed -n 's/.* ckaid: //p'
}

tx keys
# raw keys: one each, and a second one on west that nobody configures
run west ipsec newhostkey --bits 2048
run east ipsec newhostkey --bits 2048
run west ipsec newhostkey --bits 2048
west_ckaid=$(ckaids west | head -1)
stray_ckaid=$(ckaids west | sed -n 2p)
east_ckaid=$(ckaids east | head -1)
check "three CKAIDs" test ${#west_ckaid} = 40 -a ${#east_ckaid} = 40 -a ${#stray_ckaid} = 40
west_key=$(ipsec_on west showhostkey --left --ckaid "$west_ckaid" | sed -n 's/^\tleftrsasigkey=//p')
stray_key=$(ipsec_on west showhostkey --left --ckaid "$stray_ckaid" | sed -n 's/^\tleftrsasigkey=//p')
east_key=$(ipsec_on east showhostkey --right --ckaid "$east_ckaid" | sed -n 's/^\trightrsasigkey=//p')
check "RFC 3110 keys" test "${west_key:0:7}" = 0sAwEAA -a "${east_key:0:7}" = 0sAwEAA

# certificates: the CA on west; east gets its own by PKCS#12
run west ipsec ca create vpnca --bits 2048 --dn "CN=Tern VPN CA, O=Example"
run west ipsec ca issue vpnca --cn west.example.org --bits 2048
run west ipsec ca issue vpnca --cn east.example.org --bits 2048
run west ipsec ca issue vpnca --cn westec.example.org --keytype ecdsa
run west ipsec ca issue vpnca --cn eastec.example.org --keytype ecdsa
run west ipsec ca export vpnca east.example.org --p12 "$T/east.p12" --password pw
run west ipsec ca export vpnca eastec.example.org --p12 "$T/eastec.p12" --password pw
# west keeps only its own private keys
certutil -F -d "sql:$T/west/nss" -n east.example.org
certutil -F -d "sql:$T/west/nss" -n eastec.example.org
check "west: east's key gone" bash -c "! certutil -K -d 'sql:$T/west/nss' 2>&1 | grep -q 'east'"
ipsec_on east import "$T/east.p12" --password pw > "$T/east-import.out" 2>&1
ipsec_on east import "$T/eastec.p12" --password pw >> "$T/east-import.out" 2>&1
check "east: CA trusted" grep -q "trusting CA 'vpnca'" "$T/east-import.out"
check "east: certificates verify" certutil -V -u V -d "sql:$T/east/nss" -n east.example.org

for h in west east; do
    if [ $h = west ]; then ckaid_line="	leftckaid=$west_ckaid"; wrong=$west_key
    else ckaid_line="	rightckaid=$east_ckaid"; wrong=$stray_key; fi
    cat >> "$T/$h/ipsec.conf" <<EOC

conn rawkeys
	auto=add
	authby=rsasig
	leftid=@west
	rightid=@east
	leftrsasigkey=$west_key
	rightrsasigkey=$east_key
$ckaid_line

# east has the stray key for @road: west's signature does not verify
conn wrong-key
	auto=add
	authby=rsasig
	leftid=@road
	rightid=@east
	leftrsasigkey=$wrong
	rightrsasigkey=$east_key
$ckaid_line
EOC
done
run west ipsec checkconfig
run east ipsec checkconfig
start_pluto west
start_pluto east


tx west
for c in rawkeys certs-rsa certs-ecdsa; do
    run west ipsec up $c
    check "$c: ipsec up exit 0" test $? -eq 0
    check "$c: ping through the tunnel" \
        ip netns exec west ping -q -c 3 -i 0.2 -W 2 -I 10.0.1.1 10.0.2.1
    run west ipsec trafficstatus
    run west ipsec down $c
    check "$c: west clean after down" xfrm_empty west
    check "$c: east clean after down" xfrm_empty east
done
run west ipsec up wrong-key
check "wrong-key: ipsec up fails (56)" test $? -eq 56
run west ipsec up wrong-id
check "wrong-id: ipsec up fails (56)" test $? -eq 56
check "wrong-id: west clean" xfrm_empty west
check "wrong-id: east clean" xfrm_empty east

tx east
EL=$T/east/pluto.log
check "east: raw key line" grep -q '"rawkeys" #1: responder established IKE SA; authenticated peer using preloaded certificate .@west. and 2048-bit RSASSA-PSS with SHA2_512 digital signature' "$EL"
check "east: RSA certificate line" grep -q "authenticated peer certificate 'CN=west.example.org' and 2048-bit RSASSA-PSS with SHA2_512 digital signature issued by CA 'O=Example, CN=Tern VPN CA'" "$EL"
check "east: ECDSA certificate line" grep -q "authenticated peer certificate 'CN=westec.example.org' and 256-bit ECDSA with SHA2_256 digital signature issued by CA 'O=Example, CN=Tern VPN CA'" "$EL"
check "east: wrong key refused" grep -q '"wrong-key" #[0-9]*: authentication of the initiator using authby=rsasig failed: RSASSA_PSS_SHA2_512 signature does not verify with the 2048-bit RSA key' "$EL"
check "east: AUTHENTICATION_FAILED sent" grep -q '"wrong-key" #[0-9]*: responding to IKE_AUTH request with notification AUTHENTICATION_FAILED' "$EL"
check "east: told of the wrong ID" grep -q "#[0-9]*: peer rejected our authentication (AUTHENTICATION_FAILED): deleting IKE SA" "$EL"
grep -E 'authenticated peer|authentication of|AUTHENTICATION_FAILED|switched to' "$EL" > "$T/east-auth.txt"
run east cat "$T/east-auth.txt"

stop_pluto west
stop_pluto east
