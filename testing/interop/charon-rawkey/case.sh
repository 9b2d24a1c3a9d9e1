# shellcheck shell=bash disable=SC2154,SC2034
# interop case "charon-rawkey": IKEv2 authenticated with raw RSA public keys
# (no certificates) between our pluto (west) and strongSwan charon (east).
# Each side makes its key with its own tools: ours with `ipsec newhostkey`
# in west's NSS db, printed for charon by `ipsec showhostkey --pem`
# (a SubjectPublicKeyInfo that swanctl loads from its pubkey/ directory);
# charon's with openssl (private/ for swanctl), whose public half we take
# as a PEM file: rightpubkey=/path/east.pub.  charon: auth = pubkey with
# pubkeys = west.pub.  We initiate, then charon does: each time ping both
# ways, ESP counters > 0 on both sides, the Delete (ours, then charon's)
# clears both sides (both_ways).  Both logs must name the raw-key
# signature authentication.
PEER=charon
interop_net
log "network up"
tern_conf
: > "$T/west/ipsec.secrets"
D=$T/east
# swanctl looks for credentials next to its --file: pubkey/, private/
mkdir -p "$D/pubkey" "$D/private"

tx keys
# our key: newhostkey in west's NSS db, its public half as PEM for charon
"$IPSEC" newhostkey --nssdir "$T/west/nss" --bits 2048 > "$T/west/newhostkey.out" 2>&1
check "west: ipsec newhostkey exit 0" test $? -eq 0
tern_ckaid=$("$IPSEC" showhostkey --nssdir "$T/west/nss" --list | sed -n 's/.* ckaid: //p' | head -1)
check "west: a CKAID" test ${#tern_ckaid} = 40
"$IPSEC" showhostkey --nssdir "$T/west/nss" --pem --ckaid "$tern_ckaid" > "$D/pubkey/west.pub"
check "west: its public key as PEM" grep -qx -- '-----BEGIN PUBLIC KEY-----' "$D/pubkey/west.pub"
# charon's key: openssl, the public half as a PEM file for our rightpubkey=
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$D/private/east-key.pem" 2> "$D/openssl.err"
check "east: openssl made an RSA key" grep -q 'BEGIN PRIVATE KEY' "$D/private/east-key.pem"
chmod 600 "$D/private/east-key.pem"
openssl pkey -in "$D/private/east-key.pem" -pubout -out "$T/west/east.pub" 2>> "$D/openssl.err"
check "east: its public key as PEM" grep -qx -- '-----BEGIN PUBLIC KEY-----' "$T/west/east.pub"
cp "$T/west/east.pub" "$D/pubkey/east.pub"

cat >> "$T/west/ipsec.conf" <<EOC

conn rawkeys
	authby=rsasig
	left=$WEST_ADDR
	leftid=@west
	leftckaid=$tern_ckaid
	leftsubnet=$WEST_NET
	right=$EAST_ADDR
	rightid=@east
	rightpubkey=$T/west/east.pub
	rightsubnet=$EAST_NET
	ike=aes_gcm256-sha2_512;dh19
	esp=aes_gcm256
	auto=add
EOC
run west ipsec checkconfig

# charon as peers.sh starts it (its PSK conn s2s), then swanctl (which now
# also needs the plugins that read the keys) replaces the config with the
# raw-key one
charon_start aes256gcm16-prfsha512-ecp256 aes256gcm16
sed -i 's/^\tload = pem$/\tload = pem pkcs1 pkcs8 pubkey openssl/' "$D/strongswan.conf"
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
			pubkeys = east.pub
			id = east
		}
		remote {
			auth = pubkey
			pubkeys = west.pub
			id = west
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
sw --load-all --clear --file "$D/swanctl.conf" > "$D/load-keys.out" 2>&1
check "east: swanctl loaded the raw-key config" test $? -eq 0
check "east: swanctl loaded its private key" grep -q "loaded RSA key from '$D/private/east-key.pem'" "$D/load-keys.out"
start_pluto west
log "set up: network, both daemons, keys"

tx west
both_ways rawkeys

WL=$T/west/pluto.log
CL=$D/charon.log
check "west: charon's raw key verified (we initiate)" \
    grep -q "\"rawkeys\" #1: initiator established IKE SA; authenticated peer using preloaded certificate '@east' and 2048-bit .* digital signature" "$WL"
check "west: charon's raw key verified (it initiates)" \
    grep -q "\"rawkeys\" #3: responder established IKE SA; authenticated peer using preloaded certificate '@east' and 2048-bit .* digital signature" "$WL"
check "east: charon verified our raw key, both times" \
    test "$(grep -c "authentication of 'west' with RSA_EMSA_PSS_SHA2_512_SALT_64 successful" "$CL")" -eq 2
check "east: charon sent no certificate and asked for none it could not use" \
    test "$(grep -c 'sending end entity cert' "$CL")" -eq 0
note "charon's log of the authentications, times removed"
run host sed -n -E "s/^[0-9:]+ [0-9]+\[[A-Z]+\] +((authentication of|using trusted|received end entity|sending end entity) .*)$/\1/p" "$CL"
stop_pluto west
