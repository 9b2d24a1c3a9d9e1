#!/bin/bash
# demo-guest.sh - the demo, INSIDE User-mode Linux (started by demo.sh):
# two namespaces west (192.0.2.1, guarding 10.0.1.0/24) and east
# (192.0.2.2, guarding 10.0.2.0/24), a pluto in each with its own rundir,
# NSS db, config and secrets; load the west-east conn in both; show status;
# bring the tunnel up, ping through it, show the traffic; take it down.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
here=$(dirname "$(readlink -f "$0")")
export TERN_SRCDIR=$(readlink -f "$here/..") SCENARIO=demo SCN_DIR=$here/demo
. "$TERN_SRCDIR/testing/scenarios/lib.sh"
rm -rf "$T" && mkdir -p "$T" "$TX_DIR" || exit 1
exec 2>&1            # one stream: the transcript as it happens

say() { printf '\n=== %s\n' "$*"; }

say "two namespaces on one link: west 192.0.2.1 (10.0.1.0/24), east 192.0.2.2 (10.0.2.0/24)"
netns_pair
for h in west east; do
    HOST_SETUP_NSS=0 host_setup "$h"
    sed -i "s|@HOST@|$h|g" "$T/$h/ipsec.conf"
done
tx demo
for h in west east; do
    say "$h: ipsec.conf"
    sed 's/^/    /' "$T/$h/ipsec.conf"
done

say "an NSS database for each pluto"
run west ipsec initnss
run east ipsec initnss

say "start a pluto in each namespace (ipsec start: no systemd here, so pluto directly)"
run west ipsec start
run east ipsec start

say "load the conn on both ends"
run west ipsec add west-east
run east ipsec add west-east

say "status"
run west ipsec status
run east ipsec status

say "bring the tunnel up from west (IKEv2, PSK) and send traffic through it"
for h in west east; do   # the guarded networks route through the peer
    o=$([ $h = west ] && echo east || echo west)
    ip -n $h route add "${HOST_NET[$o]%.*}.0/24" via "${HOST_ADDR[$o]}" src "${HOST_NET[$h]%/*}"
done
run west ipsec up west-east
check "the tunnel is up" test $? -eq 0
run west ping -n -c 3 -i 0.2 -W 2 -I 10.0.1.254 10.0.2.254
check "ping from 10.0.1.254 to 10.0.2.254 through the tunnel" test $? -eq 0
run west ipsec trafficstatus
run east ipsec trafficstatus
run west ipsec down west-east

say "stop both plutos"
run west ipsec stop
run east ipsec stop
scan_logs
collect
if [ "$failures" -gt 0 ]; then
    say "demo: $failures problems (logs in $SCENARIO_OUT)"
    exit 1
fi
say "demo done (logs in $SCENARIO_OUT)"
