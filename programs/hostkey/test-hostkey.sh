#!/bin/bash
# test-hostkey.sh IPSEC: `ipsec newhostkey`, `ipsec showhostkey`, `ipsec ca`
# and `ipsec import` against throwaway NSS databases (host only; needs
# certutil/pk12util, skipped with 77 otherwise).  The CKAIDs and keys are
# cross-checked with OpenSSL: CKAID = SHA-1(modulus) / SHA-1(EC point), the
# leftrsasigkey= blob is exponent length | exponent | modulus (RFC 3110).
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
IPSEC=$1
command -v certutil >/dev/null && command -v pk12util >/dev/null || exit 77
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*"; }
check() {  # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok; else bad "$what"; fi
}
have_openssl() { command -v openssl >/dev/null; }

db=$t/nss
"$IPSEC" initnss --nssdir "$db" >/dev/null || { echo "initnss failed"; exit 1; }

# --- newhostkey RSA
"$IPSEC" newhostkey --nssdir "$db" --bits 2048 >"$t/out" 2>&1
rc=$?
rsa=$(sed -n 's/^Generated RSA key pair with CKAID \([0-9a-f]\{40\}\) was stored in the NSS database$/\1/p' "$t/out")
check "newhostkey rsa: rc $rc $(cat "$t/out")" test $rc = 0 -a -n "$rsa"
check "newhostkey hint line" grep -qx "The public key can be displayed using: ipsec showhostkey --left --ckaid $rsa" "$t/out"
check "certutil -K shows the RSA CKAID" grep -q "rsa *$rsa" <(certutil -K -d "sql:$db" 2>/dev/null)

# --- newhostkey ECDSA
"$IPSEC" newhostkey --nssdir "$db" --keytype ecdsa --bits 384 >"$t/out" 2>&1
ec=$(sed -n 's/^Generated ECDSA key pair with CKAID \([0-9a-f]\{40\}\) was stored.*/\1/p' "$t/out")
check "newhostkey ecdsa: $(cat "$t/out")" test -n "$ec"
check "certutil -K shows the EC CKAID" grep -q "ec *$ec" <(certutil -K -d "sql:$db" 2>/dev/null)

# --- showhostkey --list
"$IPSEC" showhostkey --nssdir "$db" --list >"$t/out" 2>&1
check "list rsa: $(cat "$t/out")" grep -Eq "^< [12]> RSA keyid: AwEAA[A-Za-z0-9+/]{4} ckaid: $rsa$" "$t/out"
check "list ecdsa: $(cat "$t/out")" grep -Eq "^< [12]> ECDSA keyid: [A-Za-z0-9+/]{9} ckaid: $ec$" "$t/out"

# the front-end's common options (as scenarios pass them) are accepted
"$IPSEC" --rundir "$t/run" --config "$t/ipsec.conf" --secretsfile "$t/s" --nssdir "$db" \
    showhostkey --list >"$t/out" 2>&1
check "common options before showhostkey: $(cat "$t/out")" grep -q "ckaid: $rsa" "$t/out"
"$IPSEC" --rundir "$t/run" --config "$t/ipsec.conf" --nssdir "$db" ca list >"$t/out" 2>&1
check "common options before ca: $(cat "$t/out")" grep -q "Certificate Nickname" "$t/out"

# --- showhostkey --left / --right: Libreswan's two lines
"$IPSEC" showhostkey --nssdir "$db" --left --ckaid "${rsa:0:8}" >"$t/out" 2>&1
check "left rsa line 1: $(head -1 "$t/out")" grep -Eq $'^\t# rsakey AwEAA[A-Za-z0-9+/]{4}$' "$t/out"
check "left rsa line 2" grep -Eq $'^\tleftrsasigkey=0sAwEAA[A-Za-z0-9+/]+=*$' "$t/out"
check "two lines" test "$(wc -l <"$t/out")" = 2
keyid=$(sed -n 's/^\t# rsakey //p' "$t/out")
sigkey=$(sed -n 's/^\tleftrsasigkey=//p' "$t/out")
check "keyid is the blob's first 9 base64 chars" test "${sigkey:2:9}" = "$keyid"
"$IPSEC" showhostkey --nssdir "$db" --right --rsaid "$keyid" >"$t/out" 2>&1
check "right by rsaid" grep -q $'^\trightrsasigkey=' "$t/out"
"$IPSEC" showhostkey --nssdir "$db" --left --ckaid "$ec" >"$t/out" 2>&1
# Libreswan 5: "# ecdsakey KEYID" and leftecdsakey= with the EC point
# without its 04 prefix (P-384: 96 octets); KEYID from the CKAID
check "left ecdsa line 1: $(cat "$t/out")" grep -Eq $'^\t# ecdsakey [A-Za-z0-9+/]{9}$' "$t/out"
check "left ecdsa line 2" grep -Eq $'^\tleftecdsakey=0s[A-Za-z0-9+/]+=*$' "$t/out"
ecraw=$(sed -n 's/^\tleftecdsakey=0s//p' "$t/out")
check "leftecdsakey= is the 96-octet point" test "$(printf '%s' "$ecraw" | base64 -d | wc -c)" = 96
eckeyid=$(sed -n 's/^\t# ecdsakey //p' "$t/out")
check "ecdsa keyid = base64(CKAID)" test "$eckeyid" = "$(printf '%s' "$ec" | xxd -r -p | base64 | cut -c1-9)"
check "list shows the same ecdsa keyid" grep -q "ECDSA keyid: $eckeyid ckaid: $ec" <("$IPSEC" showhostkey --nssdir "$db" --list)
"$IPSEC" showhostkey --nssdir "$db" --left --pubkey --ckaid "$ec" >"$t/out" 2>&1
check "left --pubkey ecdsa: $(cat "$t/out")" grep -Eq $'^\tleftpubkey=0sMH[A-Za-z0-9+/]+=*$' "$t/out"

"$IPSEC" showhostkey --nssdir "$db" --left --pubkey --ckaid "$rsa" >"$t/out" 2>&1
check "left --pubkey rsa: $(cat "$t/out")" grep -Eq $'^\tleftpubkey=0sMII[A-Za-z0-9+/]+=*$' "$t/out"
check "--pubkey is one line" test "$(wc -l <"$t/out")" = 1
"$IPSEC" showhostkey --nssdir "$db" --dump >"$t/out" 2>&1
check "--dump lists" grep -q "ckaid: $rsa" "$t/out"

# --- cross-check with OpenSSL: CKAID and the RFC 3110 blob
"$IPSEC" showhostkey --nssdir "$db" --pem --ckaid "$rsa" >"$t/rsa.pem"
"$IPSEC" showhostkey --nssdir "$db" --pem --ckaid "$ec" >"$t/ec.pem"
check "pem header" grep -qx -- "-----BEGIN PUBLIC KEY-----" "$t/rsa.pem"
if have_openssl; then
    mod=$(openssl rsa -pubin -in "$t/rsa.pem" -noout -modulus 2>/dev/null | sed 's/^Modulus=//')
    got=$(printf '%s' "$mod" | xxd -r -p | sha1sum | cut -c1-40)
    check "RSA CKAID = SHA-1(modulus) ($got)" test "$got" = "$rsa"
    blob=$(printf '%s' "${sigkey:2}" | base64 -d | xxd -p | tr -d '\n')
    check "RFC 3110 blob = 03 010001 modulus" test "$blob" = "03010001${mod,,}"
    got=$(openssl pkey -pubin -in "$t/ec.pem" -outform DER 2>/dev/null | tail -c 97 | sha1sum | cut -c1-40)
    check "EC CKAID = SHA-1(point) ($got)" test "$got" = "$ec"
fi

# --- showhostkey errors
"$IPSEC" showhostkey --nssdir "$db" --left --ckaid ffffffff >"$t/out" 2>&1
rc=$?
check "no key: rc $rc $(cat "$t/out")" test $rc = 20
check "no key message" grep -qx "showhostkey: No keys found" "$t/out"
"$IPSEC" showhostkey --nssdir "$db" --left >"$t/out" 2>&1
check "left without --ckaid: $(cat "$t/out")" grep -q "You must select a key using --ckaid or --rsaid" "$t/out"
"$IPSEC" showhostkey --nssdir "$db" >"$t/out" 2>&1
check "no operation" grep -q "You must specify an operation" "$t/out"
"$IPSEC" showhostkey --nssdir "$db" --left --right --ckaid 00 >"$t/out" 2>&1
check "two operations" grep -q "You must specify only one operation" "$t/out"
"$IPSEC" newhostkey --nssdir "$db" --bits 1000 >"$t/out" 2>&1
check "rsa bits: $(cat "$t/out")" grep -q "RSA --bits must be a multiple of 16 from 2048 to 8192" "$t/out"
"$IPSEC" newhostkey --nssdir "$db" --keytype ecdsa --bits 255 >"$t/out" 2>&1
check "ec bits" grep -q "ECDSA --bits must be 256, 384 or 521" "$t/out"
"$IPSEC" newhostkey --nssdir "$db" --keytype dsa >"$t/out" 2>&1
check "keytype" grep -q "unknown --keytype 'dsa'" "$t/out"
"$IPSEC" newhostkey --nssdir "$t/none" >"$t/out" 2>&1
rc=$?
check "missing db: rc $rc $(cat "$t/out")" test $rc = 1
check "missing db message" grep -q "cannot open the NSS database $t/none" "$t/out"

# --- the CA
"$IPSEC" ca create testca --nssdir "$db" --bits 2048 >"$t/out" 2>&1
check "ca create: $(cat "$t/out")" grep -qx "created CA 'testca' (CN=testca) in $db" "$t/out"
check "CA trust" grep -Eq "^testca +CTu,Cu,Cu" <(certutil -L -d "sql:$db")
"$IPSEC" ca create testca --nssdir "$db" >"$t/out" 2>&1
check "ca create twice refused" grep -q "a certificate named 'testca' is already in" "$t/out"
"$IPSEC" ca issue testca --nssdir "$db" --cn east.example.org --bits 2048 >"$t/out" 2>&1
check "issue server: $(cat "$t/out")" grep -q "^issued 'east.example.org'" "$t/out"
certutil -L -d "sql:$db" -n east.example.org >"$t/cert" 2>&1
check "SAN dNSName" grep -q 'DNS name: "east.example.org"' "$t/cert"
check "EKU serverAuth" grep -q "TLS Web Server Authentication Certificate" "$t/cert"
check "issuer" grep -q 'Issuer: "CN=testca"' "$t/cert"
check "server cert valid" certutil -V -u V -d "sql:$db" -n east.example.org
"$IPSEC" ca issue testca --nssdir "$db" --cn road@example.org --client --keytype ecdsa \
    --dn "CN=road, O=Example" >"$t/out" 2>&1
certutil -L -d "sql:$db" -n road@example.org >"$t/cert" 2>&1
check "client email SAN: $(cat "$t/out")" grep -q 'RFC822 Name: "road@example.org"' "$t/cert"
check "client EKU only" test "$(grep -c 'TLS Web Server' "$t/cert")" = 0
check "client subject" grep -q 'Subject: "CN=road,O=Example"' "$t/cert"
"$IPSEC" ca issue testca --nssdir "$db" --cn old.example.org --bits 2048 \
    --valid-months 12 --offset-months -13 --san 192.0.2.9 >/dev/null 2>&1
certutil -V -u V -d "sql:$db" -n old.example.org >"$t/out" 2>&1
check "expired cert: $(cat "$t/out")" grep -q "expired" "$t/out"
check "IP SAN" grep -q 'IP Address: 192.0.2.9' <(certutil -L -d "sql:$db" -n old.example.org)
"$IPSEC" ca issue nosuchca --nssdir "$db" --cn x.example >"$t/out" 2>&1
check "unknown CA" grep -q "no CA named 'nosuchca'" "$t/out"
"$IPSEC" ca issue testca --nssdir "$db" >"$t/out" 2>&1
rc=$?
check "issue without --cn: rc $rc" test $rc = 2

# --- export and import into a second database
"$IPSEC" ca export testca east.example.org --nssdir "$db" --p12 "$t/east.p12" \
    --password pw >"$t/out" 2>&1
check "export p12: $(cat "$t/out")" test -s "$t/east.p12"
"$IPSEC" ca export testca east.example.org --nssdir "$db" --p12 "$t/legacy.p12" \
    --password pw --legacy >/dev/null 2>&1
if have_openssl; then
    openssl pkcs12 -in "$t/legacy.p12" -passin pass:pw -info -noout -legacy >"$t/out" 2>&1
    check "legacy p12 uses 3DES: $(cat "$t/out")" grep -q "pbeWithSHA1And3-KeyTripleDES-CBC" "$t/out"
else
    check "legacy p12 written" test -s "$t/legacy.p12"
fi
"$IPSEC" ca export testca --nssdir "$db" --pem "$t/ca.pem" >/dev/null 2>&1
check "export CA pem" grep -qx -- "-----BEGIN CERTIFICATE-----" "$t/ca.pem"
db2=$t/nss2
"$IPSEC" initnss --nssdir "$db2" >/dev/null
"$IPSEC" import "$t/east.p12" --nssdir "$db2" --password pw >"$t/out" 2>&1
check "import: $(cat "$t/out")" grep -q "trusting CA 'testca'" "$t/out"
check "imported cert valid in db2" certutil -V -u V -d "sql:$db2" -n east.example.org
check "imported key" grep -q "east.example.org" <(certutil -K -d "sql:$db2" 2>/dev/null)
"$IPSEC" import "$t/east.p12" --nssdir "$db2" --password wrong >"$t/out" 2>&1
check "import with a wrong password fails" test $? != 0

# --- CRLs: ipsec ca revoke, ipsec listcrls, a revoked certificate
"$IPSEC" listcrls --nssdir "$db2" >"$t/out" 2>&1
check "listcrls, none: $(cat "$t/out")" test "$(tr -d ' \n' <"$t/out")" = "ListofCRLs:"
"$IPSEC" ca revoke testca east.example.org --nssdir "$db" --crl "$t/testca.crl" >"$t/out" 2>&1
check "revoke: $(cat "$t/out")" grep -Eq "^revoked 'east.example.org' \(serial [0-9]+\) in the CRL of CA 'testca'$" "$t/out"
crlutil -I -d "sql:$db2" -i "$t/testca.crl" >"$t/out" 2>&1
check "crlutil -I: $(cat "$t/out")" test $? = 0
"$IPSEC" crls --nssdir "$db2" >"$t/out" 2>&1
check "crls: issuer $(cat "$t/out")" grep -qx "issuer: CN=testca" "$t/out"
check "crls: one revoked" grep -qx "revoked certs: 1" "$t/out"
check "crls: this update" grep -Eq "^updates: this [A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} [0-9:]{8} [0-9]{4}$" "$t/out"
check "crls: next update" grep -Eq "^         next [A-Z][a-z]{2} " "$t/out"
certutil -V -u V -d "sql:$db2" -n east.example.org >"$t/out" 2>&1
check "NSS now says revoked: $(cat "$t/out")" grep -q "revoked" "$t/out"
"$IPSEC" fetchcrls >"$t/out" 2>&1
rc=$?
check "fetchcrls: rc $rc $(cat "$t/out")" test $rc = 1
check "fetchcrls says why" grep -q "fetching CRLs from their distribution points is not supported" "$t/out"

# --- a password-protected database: initnss --password writes the
# nsspassword file, every tool opens the database with it
export IPSEC_CONFDDIR=$t/ipsec.d
dbp=$t/nsspw
"$IPSEC" initnss --nssdir "$dbp" --password 'pass:word 1' >"$t/out" 2>&1
check "initnss --password: $(cat "$t/out")" grep -q "wrote the password for 'NSS Certificate DB' to $t/ipsec.d/nsspassword" "$t/out"
check "nsspassword line" grep -qx "NSS Certificate DB:pass:word 1" "$t/ipsec.d/nsspassword"
check "nsspassword mode 600" test "$(stat -c %a "$t/ipsec.d/nsspassword")" = 600
check "the db has a password" bash -c "! certutil -K -d 'sql:$dbp' </dev/null >/dev/null 2>&1"
"$IPSEC" checknss --nssdir "$dbp" >"$t/out" 2>&1
check "checknss with the password: $(cat "$t/out")" test $? = 0
"$IPSEC" newhostkey --nssdir "$dbp" --bits 2048 >"$t/out" 2>&1
pk=$(sed -n 's/^Generated RSA key pair with CKAID \([0-9a-f]\{40\}\).*/\1/p' "$t/out")
check "newhostkey in a password db: $(cat "$t/out")" test -n "$pk"
"$IPSEC" showhostkey --nssdir "$dbp" --left --ckaid "$pk" >"$t/out" 2>&1
check "showhostkey in a password db: $(cat "$t/out")" grep -q $'^\tleftrsasigkey=0sAwEAA' "$t/out"
"$IPSEC" ca create pwca --nssdir "$dbp" --bits 2048 >"$t/out" 2>&1
check "ca create in a password db: $(cat "$t/out")" grep -q "created CA 'pwca'" "$t/out"
"$IPSEC" ca issue pwca --nssdir "$dbp" --cn pw.example.org --bits 2048 >"$t/out" 2>&1
check "ca issue in a password db: $(cat "$t/out")" grep -q "^issued 'pw.example.org'" "$t/out"
check "its key is in the db" grep -q "pw.example.org" <(certutil -K -d "sql:$dbp" -f <(echo 'pass:word 1') 2>/dev/null)
"$IPSEC" import "$t/east.p12" --nssdir "$dbp" --password pw >"$t/out" 2>&1
check "import into a password db: $(cat "$t/out")" grep -q "east.example.org" <(certutil -K -d "sql:$dbp" -f <(echo 'pass:word 1') 2>/dev/null)
"$IPSEC" ca revoke pwca pw.example.org --nssdir "$dbp" >"$t/out" 2>&1
check "ca revoke in a password db: $(cat "$t/out")" grep -q "^revoked 'pw.example.org'" "$t/out"
"$IPSEC" listcrls --nssdir "$dbp" >"$t/out" 2>&1
check "listcrls in a password db: $(cat "$t/out")" grep -qx "issuer: CN=pwca" "$t/out"
# a wrong password: every tool says so
printf 'NSS Certificate DB:wrong\n' >"$t/ipsec.d/nsspassword"
"$IPSEC" checknss --nssdir "$dbp" >"$t/out" 2>&1
rc=$?
check "checknss with a wrong password: rc $rc $(cat "$t/out")" test $rc = 1
check "checknss names the problem" grep -q "does not open: .*SEC_ERROR_BAD_PASSWORD" "$t/out"
"$IPSEC" showhostkey --nssdir "$dbp" --list >"$t/out" 2>&1
rc=$?
check "showhostkey with a wrong password: rc $rc $(cat "$t/out")" test $rc = 1
check "showhostkey names the problem" grep -q "needs a password" "$t/out"
"$IPSEC" showhostkey --nssdir "$dbp" --list --password 'pass:word 1' >"$t/out" 2>&1
check "--password wins over the file: $(cat "$t/out")" grep -q "ckaid: $pk" "$t/out"
"$IPSEC" initnss --nssdir "$t/nsspw2" --password >"$t/out" 2>&1
rc=$?
check "initnss --password without a value: rc $rc $(cat "$t/out")" test $rc = 2
unset IPSEC_CONFDDIR

echo "$pass passed, $failn failed"
[ $failn = 0 ]
