# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-certs": IKEv2 authenticated with RSA certificates
# between our pluto (west) and strongSwan charon (east).  The CA and both
# certificates are made by `ipsec ca` in west's NSS db; east's certificate
# leaves it as PKCS#12 (`ipsec ca export --p12`), which openssl splits into
# the PEM certificate and key that swanctl loads from its x509/ and private/
# directories, with the CA certificate (`ipsec ca export --pem`) in
# x509ca/.  We initiate, then charon does: each time ping both ways, ESP
# counters > 0 on both sides, the Delete (ours, then charon's) clears both
# sides (both_ways).  Both logs must name the certificate authentication.
PEER=charon
interop_net
log "network up"
tern_conf
: > "$T/west/ipsec.secrets"
D=$T/east
# swanctl looks for credentials next to its --file: x509/, x509ca/, private/
mkdir -p "$D/x509" "$D/x509ca" "$D/private"

tx certs
run west ipsec ca create vpnca --bits 2048 --dn "CN=Tern VPN CA, O=Example"
run west ipsec ca issue vpnca --cn west.example.org --bits 2048
run west ipsec ca issue vpnca --cn east.example.org --bits 2048
run west ipsec ca export vpnca east.example.org --p12 "$T/east.p12" --password pw
run west ipsec ca export vpnca --pem "$D/x509ca/vpnca.pem"
# west keeps only its own private key
certutil -F -d "sql:$T/west/nss" -n east.example.org
check "west: east's key gone" bash -c "! certutil -K -d 'sql:$T/west/nss' 2>&1 | grep -q east"
openssl pkcs12 -in "$T/east.p12" -passin pass:pw -clcerts -nokeys -out "$D/x509/east-cert.pem" 2> "$D/openssl.err"
check "east: certificate out of the PKCS#12" grep -q 'BEGIN CERTIFICATE' "$D/x509/east-cert.pem"
openssl pkcs12 -in "$T/east.p12" -passin pass:pw -nocerts -nodes -out "$D/private/east-key.pem" 2>> "$D/openssl.err"
check "east: private key out of the PKCS#12" grep -q 'BEGIN PRIVATE KEY' "$D/private/east-key.pem"
chmod 600 "$D/private/east-key.pem"
check "east: the certificate is east's" bash -c \
    "openssl x509 -in '$D/x509/east-cert.pem' -noout -subject | grep -qx 'subject=CN = east.example.org'"
check "east: the certificate verifies with the CA (openssl)" \
    openssl verify -CAfile "$D/x509ca/vpnca.pem" "$D/x509/east-cert.pem"

cat >> "$T/west/ipsec.conf" <<EOC

conn certs
	authby=rsasig
	left=$WEST_ADDR
	leftid=@west.example.org
	leftcert=west.example.org
	leftsubnet=$WEST_NET
	right=$EAST_ADDR
	rightid=@east.example.org
	rightca=%same
	rightsubnet=$EAST_NET
	ike=aes_gcm256-sha2_512;dh19
	esp=aes_gcm256
	auto=add
EOC

# charon as peers.sh starts it (its PSK conn s2s), then swanctl (which now
# also needs the plugins that read the key and certificates) replaces the
# config with the certificate one
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
sed -i 's/^\tload = pem$/\tload = pem pkcs1 pkcs8 x509 openssl/' "$D/strongswan.conf"
cat > "$D/swanctl.conf" <<EOC
connections {
	s2s {
		version = 2
		local_addrs = $EAST_ADDR
		remote_addrs = $WEST_ADDR
		proposals = aes256gcm16-prfsha512-ecp256
		mobike = no
		dpd_delay = 0
		rekey_time = 0
		reauth_time = 0
		local {
			auth = pubkey
			certs = east-cert.pem
			id = east.example.org
		}
		remote {
			auth = pubkey
			id = west.example.org
		}
		children {
			s2s {
				mode = tunnel
				local_ts = $EAST_NET
				remote_ts = $WEST_NET
				esp_proposals = aes256gcm16
				rekey_time = 0
			}
		}
	}
}
EOC
sw --load-all --clear --file "$D/swanctl.conf" > "$D/load-certs.out" 2>&1
check "east: swanctl loaded the certificate config" test $? -eq 0
check "east: swanctl loaded the private key" grep -q "loaded RSA key from '$D/private/east-key.pem'" "$D/load-certs.out"
check "east: swanctl loaded the CA" grep -q "loaded certificate from '$D/x509ca/vpnca.pem'" "$D/load-certs.out"
start_pluto west
log "set up: network, both daemons, certificates"

tx west
both_ways certs

WL=$T/west/pluto.log
CL=$D/charon.log
check "west: charon's certificate verified (we initiate)" \
    grep -q "\"certs\" #1: initiator established IKE SA; authenticated peer certificate 'CN=east.example.org' and 2048-bit PKCS#1 1.5 RSA with SHA2_256 digital signature issued by CA 'O=Example, CN=Tern VPN CA'" "$WL"
check "west: charon's certificate verified (it initiates)" \
    grep -q "\"certs\" #3: responder established IKE SA; authenticated peer certificate 'CN=east.example.org' and 2048-bit PKCS#1 1.5 RSA with SHA2_256 digital signature issued by CA 'O=Example, CN=Tern VPN CA'" "$WL"
check "east: charon verified our certificate, both times" \
    test "$(grep -c "authentication of 'west.example.org' with RSA_EMSA_PSS_SHA2_512_SALT_64 successful" "$CL")" -eq 2
check "east: charon used the CA from ipsec ca" grep -q 'using trusted ca certificate "O=Example, CN=Tern VPN CA"' "$CL"
check "east: charon got our certificate in a CERT payload" grep -q 'received end entity cert "CN=west.example.org"' "$CL"
note "charon's log of the authentications, times removed"
run host sed -n -E "s/^[0-9:]+ [0-9]+\[[A-Z]+\] +((authentication of|using trusted ca|received end entity|sending end entity) .*)$/\1/p" "$CL"
stop_pluto west
