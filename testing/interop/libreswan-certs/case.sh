# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-certs": IKEv2 authenticated with certificates
# between our pluto (west) and Libreswan 4.10's pluto (east); also the body
# of case "libreswan-certs-ecdsa" (KIND=ecdsa).  The CA and both
# certificates are made by `ipsec ca` in west's NSS db; east's leaves it as
# PKCS#12 (`ipsec ca export --p12`) and goes into Libreswan's own NSS db
# with pk12util (what Libreswan's `ipsec import` runs), the CA trusted with
# certutil -M -t CT,,.
#  - KIND=rsa (this case): RSA certificates, authby=rsasig, FQDN IDs
#    matched against the subjectAltName, rightca=%same
#  - KIND=ecdsa: ECDSA P-256 certificates, authby=ecdsa, DN IDs
#    (leftid=%fromcert, rightid="CN=...")
# We initiate, then Libreswan does: each time ping both ways, ESP counters
# > 0 on both sides, the Delete (ours, then Libreswan's) clears both sides
# (both_ways).  Both logs must name the certificate authentication and CA.
PEER=libreswan
KIND=${KIND:-rsa}
if [ "$KIND" = ecdsa ]; then
    WC=westec.example.org EC=eastec.example.org
    KEYARGS=(--keytype ecdsa) AUTHBY=ecdsa
    # rightca=: Libreswan sends CERTREQ only for it, and we (as
    # Libreswan) send our certificate only when asked (sendifasked)
    WEST_IDS=("leftid=%fromcert" "rightid=\"CN=$EC\"" "rightca=%same")
    EAST_IDS=("leftid=%fromcert" "rightid=\"CN=$WC\"" "rightca=%same")
    SIG="256-bit ECDSA"
else
    WC=west.example.org EC=east.example.org
    KEYARGS=(--bits 2048) AUTHBY=rsasig
    WEST_IDS=("leftid=@$WC" "rightid=@$EC" "rightca=%same")
    EAST_IDS=("leftid=@$EC" "rightid=@$WC" "rightca=%same")
    SIG="2048-bit"
fi
interop_net
log "network up"
tern_conf
: > "$T/west/ipsec.secrets"
D=$T/east
LSW_DB=sql:$D/nss

tx certs
run west ipsec ca create vpnca --bits 2048 --dn "CN=Tern VPN CA, O=Example"
run west ipsec ca issue vpnca --cn "$WC" "${KEYARGS[@]}"
run west ipsec ca issue vpnca --cn "$EC" "${KEYARGS[@]}"
run west ipsec ca export vpnca "$EC" --p12 "$T/east.p12" --password pw
# west keeps only its own private key
certutil -F -d "sql:$T/west/nss" -n "$EC"
check "west: east's key gone" bash -c "! certutil -K -d 'sql:$T/west/nss' 2>&1 | grep -q east"

# Libreswan's NSS db, made by its own initnss, filled as its `ipsec import` does
mkdir -p "$D/nss"
"$LSW_ROOT/usr/sbin/ipsec" initnss --nssdir "$D/nss" > "$D/initnss.out" 2>&1 ||
    fail "east: Libreswan ipsec initnss"
pk12util -i "$T/east.p12" -d "$LSW_DB" -W pw >> "$D/import.out" 2>&1
check "east: pk12util imported east.p12" test $? -eq 0
certutil -M -d "$LSW_DB" -n vpnca -t CT,, >> "$D/import.out" 2>&1
check "east: the CA is trusted in Libreswan's db" \
    bash -c "certutil -L -d '$LSW_DB' | grep -Eq '^vpnca +CT,,'"
check "east: its certificate verifies in its db" certutil -V -u V -d "$LSW_DB" -n "$EC"

{
    printf '\nconn certs\n\tauthby=%s\n\tleft=%s\n\tleftcert=%s\n' "$AUTHBY" "$WEST_ADDR" "$WC"
    printf '\t%s\n' "${WEST_IDS[@]}"
    printf '\tleftsubnet=%s\n\tright=%s\n\trightsubnet=%s\n' "$WEST_NET" "$EAST_ADDR" "$EAST_NET"
    printf '\tike=aes_gcm256-sha2_512;dh19\n\tesp=aes_gcm256\n\tauto=add\n'
} >> "$T/west/ipsec.conf"

# Libreswan starts with peers.sh's PSK conn "s2s", which is then replaced
# (whack --delete, addconn) by the certificate conn of this config
libreswan_start 'aes_gcm256-sha2_512;dh19' aes_gcm256
{
    printf 'config setup\n\tplutodebug=%s\n\tlogtime=yes\n\n' "${LSW_PLUTODEBUG:-none}"
    printf 'conn s2s\n\tikev2=yes\n\tauthby=%s\n\tleft=%s\n\tleftcert=%s\n' "$AUTHBY" "$EAST_ADDR" "$EC"
    printf '\t%s\n' "${EAST_IDS[@]}"
    printf '\tleftsubnet=%s\n\tright=%s\n\trightsubnet=%s\n' "$EAST_NET" "$WEST_ADDR" "$WEST_NET"
    printf '\tike=aes_gcm256-sha2_512;dh19\n\tesp=aes_gcm256\n\tauto=add\n'
} > "$D/ipsec.conf"
: > "$D/ipsec.secrets"
lsw_whack --name s2s --delete >> "$D/addconn.out" 2>&1
ip netns exec east "$LSW_X/addconn" --config "$D/ipsec.conf" \
    --ctlsocket "$D/run/pluto.ctl" s2s >> "$D/addconn.out" 2>&1
check "east: Libreswan's addconn loaded the certificate conn" test $? -eq 0
lsw_whack --status > "$D/status.out" 2>&1
check "east: Libreswan's conn s2s uses its certificate" grep -q "mycert=$EC" "$D/status.out"
start_pluto west
log "set up: network, both daemons, certificates"

tx west
both_ways certs

WL=$T/west/pluto.log
EL=$D/pluto.log
check "west: Libreswan's certificate verified (we initiate)" \
    grep -q "\"certs\" #1: initiator established IKE SA; authenticated peer certificate 'CN=$EC' and $SIG .* digital signature issued by CA 'O=Example, CN=Tern VPN CA'" "$WL"
check "west: Libreswan's certificate verified (it initiates)" \
    grep -q "\"certs\" #3: responder established IKE SA; authenticated peer certificate 'CN=$EC' and $SIG .* digital signature issued by CA 'O=Example, CN=Tern VPN CA'" "$WL"
check "east: Libreswan verified our certificate, both ways" \
    test "$(grep -c "\"s2s\" #[0-9]*: .* established IKE SA; authenticated .*$WC.* issued by CA 'O=Example, CN=Tern VPN CA'" "$EL")" -eq 2
note "Libreswan's log of the authentications, times removed"
run host sed -n 's/^.*\("s2s" #[0-9]*: .*authenticated.*\)$/\1/p' "$EL"
stop_pluto west
