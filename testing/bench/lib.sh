# testing/bench/lib.sh -- sourced by run.sh: network namespaces, responders.
# Namespaces (prefix tern-bench-): tern-bench-i (initiator, 198.18.0.1) and
# tern-bench-r (responder, 198.18.0.2) joined by a veth pair; 198.18.0.0/15
# is the benchmarking range of RFC 2544.  Everything runs with timeouts.
NS_I=tern-bench-i NS_R=tern-bench-r
ADDR_I=198.18.0.1 ADDR_R=198.18.0.2
PSK=bench-psk-0123456789abcdef
ID_I=load.bench ID_R=resp.bench
CHARON=${CHARON:-/usr/lib/ipsec/charon}

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }

netns_up() {
    netns_down
    ip netns add $NS_I && ip netns add $NS_R || return 1
    ip link add tern-bench-vi netns $NS_I type veth peer name tern-bench-vr netns $NS_R || return 1
    ip -n $NS_I addr add $ADDR_I/24 dev tern-bench-vi
    ip -n $NS_R addr add $ADDR_R/24 dev tern-bench-vr
    for ns in $NS_I $NS_R; do
        ip -n $ns link set lo up
        ip -n $ns link set "tern-bench-v${ns#tern-bench-}" up
    done
    ip netns exec $NS_I ping -c1 -W2 $ADDR_R >/dev/null || { log "veth pair does not pass traffic"; return 1; }
}

netns_down() {
    ip netns del $NS_I 2>/dev/null
    ip netns del $NS_R 2>/dev/null
    return 0
}

# wait_gone PID SECONDS : wait for a process we started to exit
wait_gone() {
    local p=$1 i
    for ((i = 0; i < $2 * 10; i++)); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
    return 1
}

# ---- tern pluto ----

# pluto_setup DIR IKE [EXTRA-CONF-FILE] : config, secrets, NSS db in DIR
# (uniqueids=no: every IKE SA of the load generator has the same ID, and
# with uniqueids=yes each new one would replace the one before)
pluto_setup() {
    local d=$1 ike=$2
    rm -rf "$d"; mkdir -p "$d/run"; chmod 700 "$d/run"
    cat > "$d/ipsec.conf" <<EOC
config setup
	logappend=no
	uniqueids=no

conn bench
	left=$ADDR_R
	leftid=@$ID_R
	right=$ADDR_I
	rightid=@$ID_I
	authby=secret
	ike=$ike
	auto=add
EOC
    printf '@%s @%s : PSK "%s"\n' $ID_R $ID_I "$PSK" > "$d/ipsec.secrets"
    chmod 600 "$d/ipsec.secrets"
    timeout 60 "$IPSEC" initnss --nssdir "$d/nss" > "$d/initnss.out" 2>&1 ||
        { cat "$d/initnss.out" >&2; return 1; }
}

# pluto_start DIR [NS] : pluto --nofork in NS (default the responder's);
# sets PLUTO_PID; waits until `ipsec status` answers
pluto_start() {
    local d=$1 ns=${2:-$NS_R} i
    ip netns exec "$ns" "$PLUTO" --nofork --config "$d/ipsec.conf" --rundir "$d/run" \
        --nssdir "$d/nss" --secretsfile "$d/ipsec.secrets" --logfile "$d/pluto.log" \
        </dev/null >"$d/pluto.stderr" 2>&1 &
    PLUTO_PID=$!
    for ((i = 0; i < 3000; i++)); do
        if [ -S "$d/run/pluto.ctl" ] && pluto_ipsec "$d" status >/dev/null 2>&1; then return 0; fi
        kill -0 $PLUTO_PID 2>/dev/null || { log "pluto died at start-up"; tail -5 "$d/pluto.log" "$d/pluto.stderr" >&2; return 1; }
        sleep 0.01
    done
    log "pluto did not answer within 30 s"; return 1
}

pluto_ipsec() {
    local d=$1; shift
    timeout 120 "$IPSEC" --rundir "$d/run" --config "$d/ipsec.conf" --nssdir "$d/nss" \
        --secretsfile "$d/ipsec.secrets" "$@"
}

pluto_stop() {
    local d=$1
    [ -n "${PLUTO_PID:-}" ] || return 0
    pluto_ipsec "$d" stop >/dev/null 2>&1 || kill "$PLUTO_PID" 2>/dev/null
    wait_gone "$PLUTO_PID" 60 || { log "pluto $PLUTO_PID still there after 60 s: SIGKILL"; kill -9 "$PLUTO_PID" 2>/dev/null; }
    wait "$PLUTO_PID" 2>/dev/null
    PLUTO_PID=
}

# ---- strongSwan charon (swanctl/vici) ----

# charon_setup DIR PROPOSAL [TABLE] : strongswan.conf + swanctl.conf in DIR;
# TABLE sets ikesa_table_size (Debian's default is 1: one list of IKE SAs)
charon_setup() {
    local d=$1 prop=$2 table=${3:-}
    rm -rf "$d"; mkdir -p "$d/run"
    cat > "$d/strongswan.conf" <<EOC
charon {
	load_modular = no
	load = random nonce openssl aes sha1 sha2 hmac gcm pem pkcs1 pkcs8 x509 pubkey curve25519 gmp kdf kernel-netlink socket-default vici
	# the initiator keeps its window of half-open IKE SAs below these; set
	# explicitly so the figures do not depend on Debian's defaults
	cookie_threshold = 1000
	cookie_threshold_ip = 1000
	block_threshold = 1000
	init_limit_half_open = 0
	retransmit_tries = 3
${table:+	ikesa_table_size = $table
	ikesa_table_segments = 16}
	filelog {
		charon-file {
			path = $d/charon.log
			time_format = %F %T
			append = no
			default = 1
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
	plugins {
		vici {
			socket = unix://$d/run/charon.vici
		}
	}
}
swanctl {
	socket = unix://$d/run/charon.vici
}
EOC
    cat > "$d/swanctl.conf" <<EOC
connections {
	bench {
		version = 2
		local_addrs = $ADDR_R
		remote_addrs = $ADDR_I
		proposals = $prop
		mobike = no
		unique = never
		dpd_delay = 0
		rekey_time = 0
		reauth_time = 0
		local {
			auth = psk
			id = $ID_R
		}
		remote {
			auth = psk
			id = $ID_I
		}
	}
}
secrets {
	ike-bench {
		id-r = $ID_R
		id-i = $ID_I
		secret = "$PSK"
	}
}
EOC
}

sw() {
    local d=$1; shift
    STRONGSWAN_CONF="$d/strongswan.conf" timeout 300 swanctl "$@" --uri "unix://$d/run/charon.vici"
}

# charon_start DIR [NS] : charon in NS, its /run replaced by DIR/run (a
# private mount namespace from `ip netns exec`); sets CHARON_PID
charon_start() {
    local d=$1 ns=${2:-$NS_R} i
    STRONGSWAN_CONF="$d/strongswan.conf" \
        ip netns exec "$ns" sh -c "mount --bind '$d/run' /run && exec '$CHARON'" \
        >"$d/charon.stdout" 2>&1 &
    CHARON_PID=$!
    for ((i = 0; i < 300; i++)); do
        sw "$d" --stats >/dev/null 2>&1 && return 0
        kill -0 $CHARON_PID 2>/dev/null || { log "charon died at start-up"; cat "$d/charon.stdout" >&2; return 1; }
        sleep 0.1
    done
    log "charon's vici did not answer within 30 s"; return 1
}

charon_stop() {
    [ -n "${CHARON_PID:-}" ] || return 0
    kill "$CHARON_PID" 2>/dev/null
    wait_gone "$CHARON_PID" 60 || { log "charon still there after 60 s: SIGKILL"; kill -9 "$CHARON_PID" 2>/dev/null; }
    wait "$CHARON_PID" 2>/dev/null
    CHARON_PID=
}

# ---- Libreswan 4.10 (unpacked by ../shared/interop/peer-libreswan.sh install) ----
LSW_ROOT=${LSW_ROOT:-/tmp/ike-interop/libreswan/root}

lsw_available() { [ -x "$LSW_ROOT/usr/libexec/ipsec/pluto" ] && [ -x "$LSW_ROOT/usr/libexec/ipsec/addconn" ]; }

# lsw_start DIR LAST-CONN [SECONDS] : Libreswan's pluto with DIR/ipsec.conf
# (its own addconn --autoall loads the auto=add conns); waits until the log
# says LAST-CONN was added; sets LSW_PID.  /usr/libexec and /usr/sbin get
# the unpacked package as read-only overlays in the private mount namespace
# of `ip netns exec`, as peer-libreswan.sh does (pluto runs addconn from
# its compiled-in path).
lsw_start() {
    local d=$1 last=$2 secs=${3:-180} i
    mkdir -p "$d/run" "$d/ipsec.d"
    ip netns exec $NS_R sh -c "
        mount -t overlay overlay -o lowerdir=$LSW_ROOT/usr/libexec:/usr/libexec /usr/libexec &&
        mount -t overlay overlay -o lowerdir=$LSW_ROOT/usr/sbin:/usr/sbin /usr/sbin &&
        exec /usr/libexec/ipsec/pluto --config '$d/ipsec.conf' --nofork --stderrlog \
            --rundir '$d/run' --nssdir '$d/nss' --secretsfile '$d/ipsec.secrets' \
            --ipsecdir '$d/ipsec.d' --dumpdir '$d/run'" > "$d/pluto.log" 2>&1 &
    LSW_PID=$!
    for ((i = 0; i < secs * 50; i++)); do
        grep -q "\"$last\": added" "$d/pluto.log" && return 0
        kill -0 $LSW_PID 2>/dev/null || { log "Libreswan pluto died"; tail -5 "$d/pluto.log" >&2; return 1; }
        sleep 0.02
    done
    log "Libreswan pluto did not add $last within $secs s"; return 1
}

lsw_add() {
    local d=$1; shift
    timeout 300 "$LSW_ROOT/usr/libexec/ipsec/addconn" --config "$d/ipsec.conf" --ctlsocket "$d/run/pluto.ctl" "$@"
}

lsw_stop() {
    [ -n "${LSW_PID:-}" ] || return 0
    kill "$LSW_PID" 2>/dev/null
    wait_gone "$LSW_PID" 60 || kill -9 "$LSW_PID" 2>/dev/null
    wait "$LSW_PID" 2>/dev/null
    LSW_PID=
}

# lsw_sa_setup DIR IKE : config for section 1 (the conn of pluto_setup;
# uniqueids=no so that it keeps every IKE SA of the one initiator ID)
lsw_sa_setup() {
    local d=$1 ike=$2
    rm -rf "$d"; mkdir -p "$d/run" "$d/ipsec.d"
    cat > "$d/ipsec.conf" <<EOC
config setup
	uniqueids=no

conn bench
	left=$ADDR_R
	leftid=@$ID_R
	right=$ADDR_I
	rightid=@$ID_I
	authby=secret
	ike=$ike
	auto=add
EOC
    printf '@%s @%s : PSK "%s"\n' $ID_R $ID_I "$PSK" > "$d/ipsec.secrets"
    chmod 600 "$d/ipsec.secrets"
    timeout 60 "$IPSEC" initnss --nssdir "$d/nss" > "$d/initnss.out" 2>&1 ||
        { cat "$d/initnss.out" >&2; return 1; }
}

lsw_whack() {
    local d=$1; shift
    timeout 120 "$LSW_ROOT/usr/libexec/ipsec/whack" --rundir "$d/run" "$@"
}

# ---- RSA-2048 certificates (section 1, rsa2048 rows) ----
# pki_setup DIR : once per run, `ipsec ca` in DIR/ca (an NSS db made by
# tern's initnss): CA "benchca" (RSA-2048), certificates $ID_I (the load
# generator) and $ID_R (the responders), each with its CN as dNSName
# subjectAltName (so the FQDN IDs @load.bench/@resp.bench match them);
# PKCS#12 and PEM exports for the other dbs; DIR/ikeload: the load
# generator's own NSS db (its key and the CA only)
PKI_CA=benchca
pki_setup() {
    local d=$1
    rm -rf "$d"; mkdir -p "$d"
    {
        timeout 60 "$IPSEC" initnss --nssdir "$d/ca" &&
        timeout 120 "$IPSEC" ca create $PKI_CA --bits 2048 --dn "CN=Bench CA, O=tern bench" --nssdir "$d/ca" &&
        timeout 120 "$IPSEC" ca issue $PKI_CA --cn $ID_I --bits 2048 --nssdir "$d/ca" &&
        timeout 120 "$IPSEC" ca issue $PKI_CA --cn $ID_R --bits 2048 --nssdir "$d/ca" &&
        timeout 60 "$IPSEC" ca export $PKI_CA $ID_I --p12 "$d/$ID_I.p12" --password pw --nssdir "$d/ca" &&
        timeout 60 "$IPSEC" ca export $PKI_CA $ID_R --p12 "$d/$ID_R.p12" --password pw --nssdir "$d/ca" &&
        timeout 60 "$IPSEC" ca export $PKI_CA --pem "$d/ca.pem" --nssdir "$d/ca" &&
        pki_import "$d/ikeload" "$d/$ID_I.p12" &&
        # charon's PEM files: responder certificate and its (unencrypted) key
        openssl pkcs12 -in "$d/$ID_R.p12" -passin pass:pw -clcerts -nokeys -out "$d/$ID_R.crt.pem" &&
        openssl pkcs12 -in "$d/$ID_R.p12" -passin pass:pw -nocerts -nodes -out "$d/$ID_R.key.pem"
    } > "$d/pki.log" 2>&1 || { log "pki_setup failed: see $d/pki.log"; tail -5 "$d/pki.log" >&2; return 1; }
}

# pki_import NSSDIR P12 : a fresh NSS db (tern's initnss) holding P12's key,
# certificate and CA, the CA trusted to issue peer certificates (CT,,)
pki_import() {
    local db=$1 p12=$2
    rm -rf "$db"
    timeout 60 "$IPSEC" initnss --nssdir "$db" &&
        pk12util -i "$p12" -d "sql:$db" -W pw &&
        certutil -M -d "sql:$db" -n $PKI_CA -t CT,,
}

# pluto_cert_setup DIR IKE PKI : pluto_setup, then the conn authenticated
# with certificates (leftcert=$ID_R, FQDN IDs matched to subjectAltName)
pluto_cert_setup() {
    local d=$1 ike=$2 pki=$3
    pluto_setup "$d" "$ike" || return 1
    sed -i "s/^\tauthby=secret$/\tauthby=rsasig\n\tleftcert=$ID_R\n\trightca=%same/" "$d/ipsec.conf"
    : > "$d/ipsec.secrets"
    pki_import "$d/nss" "$pki/$ID_R.p12" > "$d/pki-import.out" 2>&1 ||
        { cat "$d/pki-import.out" >&2; return 1; }
}

# lsw_cert_setup DIR IKE PKI : lsw_sa_setup with the certificate conn; its
# NSS db filled as its `ipsec import` does (pk12util, CA trusted CT,,)
lsw_cert_setup() {
    local d=$1 ike=$2 pki=$3
    lsw_sa_setup "$d" "$ike" || return 1
    sed -i "s/^\tauthby=secret$/\tauthby=rsasig\n\tleftcert=$ID_R\n\trightca=%same/" "$d/ipsec.conf"
    : > "$d/ipsec.secrets"
    rm -rf "$d/nss"; mkdir -p "$d/nss"
    { timeout 60 "$LSW_ROOT/usr/sbin/ipsec" initnss --nssdir "$d/nss" &&
        pk12util -i "$pki/$ID_R.p12" -d "sql:$d/nss" -W pw &&
        certutil -M -d "sql:$d/nss" -n $PKI_CA -t CT,,; } > "$d/pki-import.out" 2>&1 ||
        { cat "$d/pki-import.out" >&2; return 1; }
}

# charon_cert_setup DIR PROPOSAL PKI : charon_setup, then swanctl.conf with
# pubkey authentication (certificate, key and CA from PKI's PEM files in
# DIR/x509, DIR/private, DIR/x509ca, loaded by --load-creds)
charon_cert_setup() {
    local d=$1 prop=$2 pki=$3
    charon_setup "$d" "$prop" || return 1
    mkdir -p "$d/x509" "$d/private" "$d/x509ca"
    cp "$pki/$ID_R.crt.pem" "$d/x509/"; cp "$pki/$ID_R.key.pem" "$d/private/"; cp "$pki/ca.pem" "$d/x509ca/"
    cat > "$d/swanctl.conf" <<EOC
connections {
	bench {
		version = 2
		local_addrs = $ADDR_R
		remote_addrs = $ADDR_I
		proposals = $prop
		mobike = no
		unique = never
		dpd_delay = 0
		rekey_time = 0
		reauth_time = 0
		local {
			auth = pubkey
			certs = $ID_R.crt.pem
			id = $ID_R
		}
		remote {
			auth = pubkey
			id = $ID_I
			cacerts = ca.pem
		}
	}
}
EOC
}
