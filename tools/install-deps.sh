#!/bin/bash
# install-deps.sh - install what a fresh Debian 12 lacks to build and test
# tern (apt-get, non-interactive, idempotent; quick when all is present).
# Run as root.  Prints what it installs.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
pkgs=(
    # build
    meson ninja-build gcc clang libclang-rt-14-dev pkg-config
    libnss3-dev libnl-3-dev libnl-xfrm-3-dev libnl-route-3-dev
    libcap-ng-dev libsystemd-dev scdoc
    # test
    libcmocka-dev libnss3-tools user-mode-linux iproute2 iputils-ping
    systemd procps util-linux kmod diffutils python3
    iptables conntrack    # scenario ikev2-nat: the NAT box
)

# the interop peers (strongSwan charon installed, Libreswan 4.10 unpacked from
# its .deb): testing/interop/install-peers.sh; TERN_NO_PEERS=1 skips them
peers() {
    [ "${TERN_NO_PEERS:-0}" = 1 ] && return 0
    "$(dirname "$(readlink -f "$0")")/../testing/interop/install-peers.sh"
}

missing=()
for p in "${pkgs[@]}"; do
    s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    [ "$s" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#pkgs[@]} packages present"
    peers
    exit $?
fi
if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing ${missing[*]}; run as root (sudo $0)" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "install-deps: apt-get update failed" >&2; exit 1; }
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" </dev/null ||
    { echo "install-deps: apt-get install failed" >&2; exit 1; }
echo "install-deps: done"
peers
