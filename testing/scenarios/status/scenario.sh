# scenario "status": two plutos in two namespaces, `ipsec add` in both,
# `ipsec status` (and the other status verbs) compared with expected/.
netns_pair
host_setup west
host_setup east
start_pluto west
start_pluto east

for h in west east; do
    tx "$h"
    run "$h" ipsec add west-east
    run "$h" ipsec briefstatus
    run "$h" ipsec connectionstatus
    run "$h" ipsec status
    run "$h" ipsec trafficstatus
    run "$h" ipsec showstates
done

# the secret never reaches a log
check "secret not logged" bash -c "! grep -r 'never logged' '$T'/west/*.log '$T'/east/*.log '$TX_DIR'"

stop_pluto west
stop_pluto east
