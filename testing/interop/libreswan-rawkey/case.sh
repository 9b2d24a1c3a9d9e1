# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-rawkey": IKEv2 authenticated with raw RSA keys
# between our pluto (west) and Libreswan 4.10's pluto (east).  Each side
# makes its key in its own NSS database with its own tool (ours: `ipsec
# newhostkey`, Libreswan's: rsasigkey, what its `ipsec newhostkey` runs) and
# prints it with its showhostkey; each conn has both keys (leftrsasigkey=,
# rightrsasigkey=), no certificate, no PSK.  We initiate, then Libreswan
# does: each time ping both ways, ESP counters > 0 on both sides, the
# Delete (ours, then Libreswan's) clears both sides (both_ways).  Both logs
# must name the raw-key signature authentication.
PEER=libreswan
interop_net
log "network up"
tern_conf
: > "$T/west/ipsec.secrets"

# our key: ipsec newhostkey / showhostkey in west's NSS db
"$IPSEC" newhostkey --nssdir "$T/west/nss" --bits 2048 > "$T/west/newhostkey.out" 2>&1
check "west: ipsec newhostkey exit 0" test $? -eq 0
tern_ckaid=$("$IPSEC" showhostkey --nssdir "$T/west/nss" --list | sed -n 's/.* ckaid: //p' | head -1)
tern_key=$("$IPSEC" showhostkey --nssdir "$T/west/nss" --left --ckaid "$tern_ckaid" | sed -n 's/^\tleftrsasigkey=//p')
check "west: an RFC 3110 key" test "${tern_key:0:7}" = 0sAwEAA

# Libreswan's key: its rsasigkey in its own NSS db, which libreswan_start
# then uses as it finds it (3072 bits: without a size it picks one at random
# between 3072 and 4096)
mkdir -p "$T/east/nss"
"$LSW_ROOT/usr/sbin/ipsec" initnss --nssdir "$T/east/nss" > "$T/east/initnss.out" 2>&1 ||
    fail "east: Libreswan ipsec initnss"
"$LSW_X/rsasigkey" --nssdir "$T/east/nss" 3072 > "$T/east/rsasigkey.out" 2>&1
check "east: Libreswan rsasigkey exit 0" test $? -eq 0
lsw_ckaid=$("$LSW_X/showhostkey" --nssdir "$T/east/nss" --list | sed -n 's/.* ckaid: //p' | head -1)
lsw_key=$("$LSW_X/showhostkey" --nssdir "$T/east/nss" --left --ckaid "$lsw_ckaid" | sed -n 's/^\tleftrsasigkey=//p')
check "east: an RFC 3110 key" test "${lsw_key:0:7}" = 0sAwEAA
check "the two keys differ" test "$tern_key" != "$lsw_key"

cat >> "$T/west/ipsec.conf" <<EOC

conn rawkeys
	authby=rsasig
	left=$WEST_ADDR
	leftid=@west
	leftsubnet=$WEST_NET
	leftrsasigkey=$tern_key
	leftckaid=$tern_ckaid
	right=$EAST_ADDR
	rightid=@east
	rightsubnet=$EAST_NET
	rightrsasigkey=$lsw_key
	ike=aes_gcm256-sha2_512;dh19
	esp=aes_gcm256
	auto=add
EOC

# Libreswan starts with peers.sh's PSK conn "s2s", which is then replaced
# (whack --delete, addconn) by the raw-key one from this config
libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
cat > "$T/east/ipsec.conf" <<EOC
config setup
	plutodebug=${LSW_PLUTODEBUG:-none}
	logtime=yes

conn s2s
	ikev2=yes
	authby=rsasig
	left=$EAST_ADDR
	leftid=@east
	leftsubnet=$EAST_NET
	leftrsasigkey=$lsw_key
	right=$WEST_ADDR
	rightid=@west
	rightsubnet=$WEST_NET
	rightrsasigkey=$tern_key
	ike=aes_gcm256-sha2_512;dh19
	esp=aes_gcm256
	auto=add
EOC
: > "$T/east/ipsec.secrets"
lsw_whack --name s2s --delete >> "$T/east/addconn.out" 2>&1
ip netns exec east "$LSW_X/addconn" --config "$T/east/ipsec.conf" \
    --ctlsocket "$T/east/run/pluto.ctl" s2s >> "$T/east/addconn.out" 2>&1
check "east: Libreswan's addconn loaded the raw-key conn" test $? -eq 0
lsw_whack --status > "$T/east/status.out" 2>&1
check "east: Libreswan's conn s2s is RSASIG with our key" \
    grep -q '"s2s":.*policy: .*RSASIG' "$T/east/status.out"
start_pluto west
log "set up: network, both daemons, keys"

tx west
both_ways rawkeys

WL=$T/west/pluto.log
EL=$T/east/pluto.log
check "west: Libreswan's raw RSA key verified (we initiate)" \
    grep -q '"rawkeys" #1: initiator established IKE SA; authenticated peer using preloaded certificate .@east. and 3072-bit RSASSA-PSS with SHA2_512 digital signature' "$WL"
check "west: Libreswan's raw RSA key verified (it initiates)" \
    grep -q '"rawkeys" #3: responder established IKE SA; authenticated peer using preloaded certificate .@east. and 3072-bit RSASSA-PSS with SHA2_512 digital signature' "$WL"
check "east: Libreswan verified our raw key (responder)" \
    grep -q "\"s2s\" #1: responder established IKE SA; authenticated peer '2048-bit RSASSA-PSS with SHA2_512' digital signature using preloaded certificate '@west'" "$EL"
check "east: Libreswan verified our raw key (initiator)" \
    grep -q "\"s2s\" #3: initiator established IKE SA; authenticated peer '2048-bit RSASSA-PSS with SHA2_512' digital signature using preloaded certificate '@west'" "$EL"
note "Libreswan's log of the authentications, times removed"
run host sed -n 's/^.*\("s2s" #[0-9]*: .*authenticated.*\)$/\1/p' "$EL"
stop_pluto west
