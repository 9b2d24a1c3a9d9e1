# scenario "shutdown": `ipsec start` (no systemd in the guest: pluto forks
# itself), `ipsec restart`, `ipsec whack --shutdown`, `ipsec stop`, and
# SIGTERM on a --nofork pluto: each leaves no process, no socket, no pid file.
netns_pair
host_setup west
d=$T/west/run

no_leftovers() {   # no_leftovers WHEN (waits up to 5 s for pluto to go)
    local p i
    for ((i = 0; i < 50; i++)); do
        p=$(pgrep -x pluto)
        [ -z "$p" ] && break
        sleep 0.1
    done
    check "$1: no pluto process left${p:+ (found pid $p)}" test -z "$p"
    check "$1: no control socket left" test ! -e "$d/pluto.ctl"
    check "$1: no pid file left" test ! -e "$d/pluto.pid"
}

tx west
run west ipsec start
check "socket after ipsec start" test -S "$d/pluto.ctl"
check "pid file after ipsec start" test -s "$d/pluto.pid"
pid1=$(cat "$d/pluto.pid" 2>/dev/null)
check "pid file names a running pluto" test "$(cat /proc/"$pid1"/comm 2>/dev/null)" = pluto
check "control socket is mode 0700 or stricter" test "$(stat -c %a "$d/pluto.ctl" | cut -c1)" -le 7 -a "$(stat -c %a "$d/pluto.ctl")" -le 700
run west ipsec briefstatus
run west ipsec restart
pid2=$(cat "$d/pluto.pid" 2>/dev/null)
check "restart made a new pluto" test -n "$pid2" -a "$pid2" != "$pid1"
check "the old pluto is gone" test ! -d "/proc/$pid1"
run west ipsec whack --shutdown
no_leftovers "whack --shutdown"
run west ipsec briefstatus

run west ipsec start
run west ipsec stop
check "ipsec stop returns only once pluto is gone" test -z "$(pgrep -x pluto)"
no_leftovers "ipsec stop"

note "pluto --nofork, stopped with SIGTERM"
start_pluto west
kill -TERM "${PLUTO_PID[west]}"
reap_pluto west 0
no_leftovers "SIGTERM"
