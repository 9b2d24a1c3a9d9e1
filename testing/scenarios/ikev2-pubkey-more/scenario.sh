# scenario "ikev2-pubkey-more": the rest of issue 5's public-key scenarios.
#  - mixed:      west signs with an RSA certificate from `ipsec ca`
#                (leftauth=rsasig, leftcert=), east answers with the PSK
#                (rightauth=secret); ping through, `down` leaves nothing
#  - expired:    west's certificate expired a year ago (`ipsec ca issue
#                --valid-months 12 --offset-months -24`): east refuses it
#  - unknown-ca: west's certificate comes from a second CA that east does
#                not have in its NSS database: east refuses it
# and the same three the other way round (mixed-reverse, expired-reverse,
# unknown-ca-reverse): west uses the PSK, east a certificate (imported
# from PKCS#12, or from a CA made on east), west as the initiator refuses.
# West signs nothing there but must still send CERTREQ: east's
# mixed-reverse keeps the default rightsendcert=sendifasked.
# each failure: the reason in the refusing side's log, AUTHENTICATION_FAILED
# in the other's, whack's exit code 56, no state left on either side.
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
host_setup east

tx certs
# the CA and west's certificates, all on west; east gets only the CA
run west ipsec ca create vpnca --bits 2048 --dn "CN=Tern VPN CA, O=Example"
run west ipsec ca issue vpnca --cn west.example.org --bits 2048
run west ipsec ca issue vpnca --cn westold.example.org --bits 2048 \
    --valid-months 12 --offset-months -24
run west ipsec ca create rogueca --bits 2048 --dn "CN=Rogue CA, O=Elsewhere"
run west ipsec ca issue rogueca --cn rogue.example.org --bits 2048
run west ipsec ca export vpnca --pem "$T/vpnca.pem"
run west ipsec ca issue vpnca --cn east.example.org --bits 2048
run west ipsec ca issue vpnca --cn eastold.example.org --bits 2048 \
    --valid-months 12 --offset-months -24
run west ipsec ca export vpnca east.example.org --p12 "$T/east.p12" --password pw
run west ipsec ca export vpnca eastold.example.org --p12 "$T/eastold.p12" --password pw
certutil -F -d "sql:$T/west/nss" -n east.example.org
certutil -F -d "sql:$T/west/nss" -n eastold.example.org
check "west: the expired certificate does not verify" \
    bash -c "! certutil -V -u C -d 'sql:$T/west/nss' -n westold.example.org > '$T/westold-verify.out' 2>&1"
check "west: NSS says it expired" grep -q -i 'expired' "$T/westold-verify.out"
certutil -A -d "sql:$T/east/nss" -n vpnca -t "CT,C,C" -a -i "$T/vpnca.pem"
check "east: vpnca trusted" bash -c "certutil -L -d 'sql:$T/east/nss' | grep -q '^vpnca *CT,C,C'"
check "east: no rogueca" bash -c "! certutil -L -d 'sql:$T/east/nss' | grep -q rogue"
run east ipsec import "$T/east.p12" --password pw
run east ipsec import "$T/eastold.p12" --password pw
# east's own CA, which west does not have
run east ipsec ca create eastca --bits 2048 --dn "CN=East Only CA, O=Elsewhere"
run east ipsec ca issue eastca --cn eastrogue.example.org --bits 2048
check "west: no eastca" bash -c "! certutil -L -d 'sql:$T/west/nss' | grep -q eastca"
run west ipsec checkconfig
run east ipsec checkconfig
start_pluto west
start_pluto east


tx west
run west ipsec up mixed
check "mixed: ipsec up exit 0" test $? -eq 0
check "mixed: ping through the tunnel" \
    ip netns exec west ping -q -c 3 -i 0.2 -W 2 -I 10.0.1.1 10.0.2.1
run west ipsec trafficstatus
run west ipsec down mixed
check "mixed: west clean after down" xfrm_empty west
check "mixed: east clean after down" xfrm_empty east
run west ipsec up expired
check "expired: ipsec up fails (56)" test $? -eq 56
check "expired: west clean" xfrm_empty west
check "expired: east clean" xfrm_empty east
run west ipsec up unknown-ca
check "unknown-ca: ipsec up fails (56)" test $? -eq 56
check "unknown-ca: west clean" xfrm_empty west
check "unknown-ca: east clean" xfrm_empty east
run west ipsec up mixed-reverse
check "mixed-reverse: ipsec up exit 0" test $? -eq 0
check "mixed-reverse: ping through the tunnel" \
    ip netns exec west ping -q -c 3 -i 0.2 -W 2 -I 10.0.1.1 10.0.2.1
run west ipsec trafficstatus
run west ipsec down mixed-reverse
check "mixed-reverse: west clean after down" xfrm_empty west
check "mixed-reverse: east clean after down" xfrm_empty east
run west ipsec up expired-reverse
check "expired-reverse: ipsec up fails (56)" test $? -eq 56
check "expired-reverse: west clean" xfrm_empty west
check "expired-reverse: east clean" xfrm_empty east
run west ipsec up unknown-ca-reverse
check "unknown-ca-reverse: ipsec up fails (56)" test $? -eq 56
check "unknown-ca-reverse: west clean" xfrm_empty west
check "unknown-ca-reverse: east clean" xfrm_empty east

tx east
EL=$T/east/pluto.log
WL=$T/west/pluto.log
check "east: west's certificate verified" grep -q "\"mixed\" #1: responder established IKE SA; authenticated peer certificate 'CN=west.example.org' and 2048-bit RSASSA-PSS with SHA2_512 digital signature issued by CA 'O=Example, CN=Tern VPN CA'" "$EL"
check "west: east's PSK verified" grep -q "\"mixed\" #1: initiator established IKE SA; authenticated peer using authby=secret and FQDN '@east'" "$WL"
check "east: expired certificate refused" grep -q "\"expired\" #[0-9]*: authentication of the initiator using authby=rsasig failed: .*certificate 'CN=westold.example.org' has expired (not after " "$EL"
check "east: AUTHENTICATION_FAILED sent (expired)" grep -q '"expired" #[0-9]*: responding to IKE_AUTH request with notification AUTHENTICATION_FAILED' "$EL"
check "west: told (expired)" grep -q '"expired" #[0-9]*: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED' "$WL"
check "east: unknown CA refused" grep -q "\"unknown-ca\" #[0-9]*: authentication of the initiator using authby=rsasig failed: .*issuer 'O=Elsewhere, CN=Rogue CA' of certificate 'CN=rogue.example.org' is not a trusted CA in the NSS database" "$EL"
check "east: AUTHENTICATION_FAILED sent (unknown CA)" grep -q '"unknown-ca" #[0-9]*: responding to IKE_AUTH request with notification AUTHENTICATION_FAILED' "$EL"
check "west: told (unknown CA)" grep -q '"unknown-ca" #[0-9]*: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED' "$WL"
check "east: west's PSK verified (reverse)" grep -q "\"mixed-reverse\" #[0-9]*: responder established IKE SA; authenticated peer using authby=secret and FQDN '@westpsk.example.org'" "$EL"
check "west: east's certificate verified (reverse)" grep -q "\"mixed-reverse\" #[0-9]*: initiator established IKE SA; authenticated peer certificate 'CN=east.example.org' and 2048-bit RSASSA-PSS with SHA2_512 digital signature issued by CA 'O=Example, CN=Tern VPN CA'" "$WL"
check "west asks for east's certificate (CERTREQ) in its three PSK IKE_AUTH requests" \
    test "$(grep -c '#[0-9]*: processing decrypted IKE_AUTH request containing SK{IDi,N(INITIAL_CONTACT),CERTREQ,AUTH,SA,TSi,TSr}' "$EL")" -eq 3
check "west: expired certificate refused" grep -q "\"expired-reverse\" #[0-9]*: authentication of the responder using authby=rsasig failed: .*certificate 'CN=eastold.example.org' has expired (not after " "$WL"
check "west: AUTHENTICATION_FAILED sent (expired-reverse)" grep -q '"expired-reverse" #[0-9]*: sent INFORMATIONAL request with notification AUTHENTICATION_FAILED' "$WL"
check "east: told (expired-reverse)" grep -q '"expired-reverse" #[0-9]*: peer rejected our authentication (AUTHENTICATION_FAILED): deleting IKE SA' "$EL"
check "west: unknown CA refused" grep -q "\"unknown-ca-reverse\" #[0-9]*: authentication of the responder using authby=rsasig failed: .*issuer 'O=Elsewhere, CN=East Only CA' of certificate 'CN=eastrogue.example.org' is not a trusted CA in the NSS database" "$WL"
check "west: AUTHENTICATION_FAILED sent (unknown-ca-reverse)" grep -q '"unknown-ca-reverse" #[0-9]*: sent INFORMATIONAL request with notification AUTHENTICATION_FAILED' "$WL"
check "east: told (unknown-ca-reverse)" grep -q '"unknown-ca-reverse" #[0-9]*: peer rejected our authentication (AUTHENTICATION_FAILED): deleting IKE SA' "$EL"
check "the PSK is not logged" bash -c "! grep -q 'never logged' '$EL' '$WL'"
grep -E 'authenticated peer|authentication of|AUTHENTICATION_FAILED|switched to|peer rejected' "$EL" > "$T/east-auth.txt"
run east cat "$T/east-auth.txt"

stop_pluto west
stop_pluto east
