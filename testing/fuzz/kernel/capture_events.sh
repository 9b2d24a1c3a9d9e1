#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture a real XFRM ACQUIRE and the hard EXPIRE of its larval SA from the
# running kernel, as seeds for fuzz-kernel-reply (root; private netns, so
# nothing outside is touched).  usage: capture_events.sh CORPUS-DIR
set -e
dir=$(readlink -f "${1:?usage: capture_events.sh CORPUS-DIR}")
exec unshare -n sh -c '
echo 1 > /proc/sys/net/core/xfrm_acq_expires
echo 0 > /proc/sys/net/ipv4/conf/lo/disable_xfrm
ip link set lo up
ip addr add 10.0.1.1/32 dev lo
ip route add 10.0.2.0/24 dev lo
ip xfrm policy add src 10.0.1.0/24 dst 10.0.2.0/24 dir out priority 7628143 \
    tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 1952776222 mode tunnel
python3 - "$0" <<PY
import socket, sys
d = sys.argv[1]
n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 6)   # NETLINK_XFRM
n.bind((0, 1 | 2))                                           # XFRMGRP_ACQUIRE | XFRMGRP_EXPIRE
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("10.0.1.1", 4321))
u.sendto(b"x", ("10.0.2.1", 9))
n.settimeout(5)
for name in ("real-acquire", "real-expire"):
    open(d + "/" + name, "wb").write(n.recv(65536))
PY
' "$dir"
