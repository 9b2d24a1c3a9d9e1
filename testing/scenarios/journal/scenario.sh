# scenario "journal": systemd-journald runs standalone in a private mount
# namespace with a tmpfs /run (and a cgroup2 mount, which journald needs);
# pluto, in that mount namespace and in west's network namespace, logs to
# the journal (no logfile); `journalctl -o verbose` on the runtime journal
# shows MESSAGE, SYSLOG_IDENTIFIER=pluto and CONN= for a conn's line.
# Verified to work inside UML (this test runs there).
netns_pair
host_setup west

unshare -m --propagation private /bin/bash -c '
    mount -t tmpfs -o mode=0755 tmpfs /run &&
    mount -t cgroup2 none /sys/fs/cgroup &&
    exec /lib/systemd/systemd-journald' 2>"$T/west/journald.stderr" &
jpid=$!
jx() { nsenter -t "$jpid" -m "$@"; }
for ((i = 0; i < 100; i++)); do
    jx test -S /run/systemd/journal/socket 2>/dev/null && break
    sleep 0.1
done
check "journald is up in its mount namespace" jx test -S /run/systemd/journal/socket

# pluto without --logfile: the journal sink (its socket exists)
d=$T/west
# (enter west's network namespace first: /run/netns is not visible from
# journald's mount namespace, whose /run is a fresh tmpfs)
ip netns exec west nsenter -t "$jpid" -m "$PLUTO" --nofork --config "$d/ipsec.conf" \
    --rundir "$d/run" --nssdir "$d/nss" --secretsfile "$d/ipsec.secrets" \
    </dev/null >>"$d/pluto.stderr" 2>&1 &
PLUTO_PID[west]=$!
for ((i = 0; i < 300; i++)); do [ -S "$d/run/pluto.ctl" ] && break; sleep 0.1; done

tx west
run west ipsec add west-east
stop_pluto west

jx journalctl --directory=/run/log/journal -o verbose --no-pager SYSLOG_IDENTIFIER=pluto \
    > "$d/journal-verbose.out" 2>&1
check "journal has pluto's lines" grep -q '^    SYSLOG_IDENTIFIER=pluto$' "$d/journal-verbose.out"
check "journal has the add line as MESSAGE" grep -q '^    MESSAGE="west-east": added IKEv2 connection' "$d/journal-verbose.out"
check "journal has CONN=west-east" grep -q '^    CONN=west-east$' "$d/journal-verbose.out"
check "journal has PRIORITY" grep -q '^    PRIORITY=[0-7]$' "$d/journal-verbose.out"
# the CONN field belongs to the conn's own line: print that entry's fields
awk '/^[A-Z][a-z][a-z] /{ if (e ~ /CONN=west-east/) print e; e="" } { e = e $0 "\n" } END { if (e ~ /CONN=west-east/) print e }' \
    "$d/journal-verbose.out" | grep -E '^    (MESSAGE|CONN|PEER|SERIAL|SYSLOG_IDENTIFIER|PRIORITY)=' | head -8 > "$d/journal-conn.out"
note "journal fields of the conn's entries (journalctl -o verbose)"
sed 's/^    /    /' "$d/journal-conn.out" >> "$tx_file"
check "the CONN entry carries MESSAGE and SYSLOG_IDENTIFIER" bash -c "grep -q '^    MESSAGE=' '$d/journal-conn.out' && grep -q '^    SYSLOG_IDENTIFIER=pluto' '$d/journal-conn.out'"
kill "$jpid"
wait "$jpid"
