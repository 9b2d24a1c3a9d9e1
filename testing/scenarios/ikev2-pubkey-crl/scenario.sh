# scenario "ikev2-pubkey-crl": revocation and password-protected NSS
# databases (issue 5).
#  - east's NSS database has a password: `ipsec initnss --password` writes
#    it to east's nsspassword file; `ipsec import`, `newhostkey`,
#    `showhostkey` and pluto open the database with it; a pluto given a
#    wrong password refuses to start, naming the token
#  - certs:   west's good RSA certificate (west's `ipsec ca`): accepted
#  - revoked: west's other certificate, revoked with `ipsec ca revoke`;
#             east imported the CA's CRL with crlutil and `ipsec listcrls`
#             shows it: east refuses the certificate, reason in its log,
#             AUTHENTICATION_FAILED and exit 56 on west, no state left
#  - id-not-in-cert: west's leftid= is not in its certificate: east
#             refuses, AUTHENTICATION_FAILED and exit 56 on west
#  - ecdsakeys: raw ECDSA keys (newhostkey --keytype ecdsa) pasted as
#             leftecdsakey=/rightecdsakey=, the way Libreswan 5's
#             showhostkey prints them
#  - ocsp-enable=yes in east's config setup: a warning, nothing else;
#    crl-strict=yes: applied (vpnca has a CRL, so west's good certificate
#    still passes)
netns_pair
ip -n west addr add 10.0.1.1/32 dev dummy0
ip -n east addr add 10.0.2.1/32 dev dummy0
ip -n west route add 10.0.2.0/24 via 192.0.2.2 src 10.0.1.1
ip -n east route add 10.0.1.0/24 via 192.0.2.1 src 10.0.2.1
host_setup west
HOST_SETUP_NSS=0 host_setup east
EAST_CONFDDIR=$T/east/ipsec.d

tx certs
run west ipsec ca create vpnca --bits 2048 --dn "CN=Tern VPN CA, O=Example"
run west ipsec ca issue vpnca --cn west.example.org --bits 2048
run west ipsec ca issue vpnca --cn westrev.example.org --bits 2048
run west ipsec ca issue vpnca --cn east.example.org --bits 2048
run west ipsec ca export vpnca east.example.org --p12 "$T/east.p12" --password pw
certutil -F -d "sql:$T/west/nss" -n east.example.org
run west ipsec ca revoke vpnca westrev.example.org --crl "$T/vpnca.crl"
check "the CRL is a file" test -s "$T/vpnca.crl"

# east: a database with a password, everything through the nsspassword file
IPSEC_CONFDDIR=$EAST_CONFDDIR run east ipsec initnss --password "east's db secret"
check "east: nsspassword written" grep -qx "NSS Certificate DB:east's db secret" "$EAST_CONFDDIR/nsspassword"
check "east: the db has a password" bash -c "! certutil -K -d 'sql:$T/east/nss' </dev/null >/dev/null 2>&1"
IPSEC_CONFDDIR=$EAST_CONFDDIR run east ipsec checknss
IPSEC_CONFDDIR=$EAST_CONFDDIR run east ipsec import "$T/east.p12" --password pw
crlutil -I -d "sql:$T/east/nss" -i "$T/vpnca.crl" -f <(echo "east's db secret") > "$T/crlutil.out" 2>&1
check "east: crlutil -I imports the CRL" test $? = 0
IPSEC_CONFDDIR=$EAST_CONFDDIR run east ipsec listcrls

tx keys
# raw ECDSA keys, one each (east's in its password-protected database)
run west ipsec newhostkey --keytype ecdsa
IPSEC_CONFDDIR=$EAST_CONFDDIR run east ipsec newhostkey --keytype ecdsa
ckaid_of() {   # ckaid_of HOST : the CKAID of HOST's raw ECDSA key
    ip netns exec "$1" env IPSEC_CONFDDIR="$EAST_CONFDDIR" "$IPSEC" --nssdir "$T/$1/nss" \
        showhostkey --list | sed -n 's/.* ECDSA keyid: .* ckaid: //p' | head -1
}
west_ckaid=$(ckaid_of west)
east_ckaid=$(ckaid_of east)
run west ipsec showhostkey --left --ckaid "$west_ckaid"
IPSEC_CONFDDIR=$EAST_CONFDDIR run east ipsec showhostkey --right --ckaid "$east_ckaid"
west_key=$(ip netns exec west "$IPSEC" --nssdir "$T/west/nss" showhostkey --left --ckaid "$west_ckaid" | sed -n 's/^\tleftecdsakey=//p')
east_key=$(ip netns exec east env IPSEC_CONFDDIR="$EAST_CONFDDIR" "$IPSEC" --nssdir "$T/east/nss" showhostkey --right --ckaid "$east_ckaid" | sed -n 's/^\trightecdsakey=//p')
check "two raw ECDSA keys" test -n "$west_key" -a -n "$east_key"
for h in west east; do
    cat >> "$T/$h/ipsec.conf" <<EOC

conn ecdsakeys
	auto=add
	authby=ecdsa
	leftid=@west
	rightid=@east
	leftecdsakey=$west_key
	rightecdsakey=$east_key
EOC
done
run west ipsec checkconfig
IPSEC_CONFDDIR=$EAST_CONFDDIR run east ipsec checkconfig

# (the checks below go with the keys transcript)
# a wrong password: pluto refuses to start and says why
mkdir -p -m 700 "$T/east/run-wrong"
ip netns exec east "$PLUTO" --nofork --config "$T/east/ipsec.conf" --rundir "$T/east/run-wrong" \
    --nssdir "$T/east/nss" --secretsfile "$T/east/ipsec.secrets" --logfile "$T/east/wrong.log" \
    --nsspassword wrong </dev/null >"$T/east/wrong.stderr" 2>&1
rc=$?
check "east: pluto with a wrong password exits 6 (got $rc)" test $rc = 6
check "east: and names the token" grep -q 'NSS: authentication of "NSS Certificate DB" failed' "$T/east/wrong.log"
start_pluto west
start_pluto east --nsspasswordfile "$EAST_CONFDDIR/nsspassword"
check "east: pluto read the password file" grep -q "NSS Password from file \"$EAST_CONFDDIR/nsspassword\" for token \"NSS Certificate DB\" with length 16 passed to NSS" "$T/east/pluto.log"
check "east: the OCSP warning" grep -q "ocsp-enable=yes: OCSP is not supported yet; certificates are checked against the CRLs in the NSS database only" "$T/east/pluto.log"
check "east: crl-strict=yes applied" grep -q "crl-strict=yes: a certificate whose CA has no current CRL in the NSS database is refused" "$T/east/pluto.log"
check "the password is not logged" bash -c "! grep -q \"db secret\" '$T/east/pluto.log' '$T/east/pluto.stderr'"


tx west
for c in certs ecdsakeys; do
    run west ipsec up $c
    check "$c: ipsec up exit 0" test $? -eq 0
    check "$c: ping through the tunnel" \
        ip netns exec west ping -q -c 3 -i 0.2 -W 2 -I 10.0.1.1 10.0.2.1
    run west ipsec down $c
    check "$c: west clean after down" xfrm_empty west
    check "$c: east clean after down" xfrm_empty east
done
run west ipsec up revoked
check "revoked: ipsec up fails (56)" test $? -eq 56
check "revoked: west clean" xfrm_empty west
check "revoked: east clean" xfrm_empty east
run west ipsec up id-not-in-cert
check "id-not-in-cert: ipsec up fails (56)" test $? -eq 56
check "id-not-in-cert: west clean" xfrm_empty west
check "id-not-in-cert: east clean" xfrm_empty east

tx east
EL=$T/east/pluto.log
check "east: good certificate accepted" grep -q "\"certs\" #[0-9]*: responder established IKE SA; authenticated peer certificate 'CN=west.example.org' and 2048-bit RSASSA-PSS with SHA2_512 digital signature issued by CA 'O=Example, CN=Tern VPN CA'" "$EL"
check "east: raw ECDSA key accepted" grep -q "\"ecdsakeys\" #[0-9]*: responder established IKE SA; authenticated peer using preloaded certificate '@west' and " "$EL"
check "east: revoked certificate refused" grep -q "\"revoked\" #[0-9]*: authentication of the initiator using authby=rsasig failed: .*certificate 'CN=westrev.example.org' was revoked" "$EL"
check "east: AUTHENTICATION_FAILED sent" grep -q '"revoked" #[0-9]*: responding to IKE_AUTH request with notification AUTHENTICATION_FAILED' "$EL"
check "west: told" grep -q '"revoked" #[0-9]*: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED' "$T/west/pluto.log"
check "east: ID not in the certificate refused" grep -q "\"id-not-in-cert\" #[0-9]*: authentication of the initiator using authby=rsasig failed: .*ID '@notincert.example.org' is not in certificate 'CN=west.example.org'" "$EL"
check "west: told (ID not in the certificate)" grep -q '"id-not-in-cert" #[0-9]*: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED' "$T/west/pluto.log"
grep -E 'NSS Password|WARNING|authenticated peer|authentication of|AUTHENTICATION_FAILED' "$EL" > "$T/east-auth.txt"
run east cat "$T/east-auth.txt"

stop_pluto west
stop_pluto east
