#!/bin/bash
# install-peers.sh - install the interop peers (Debian 12, root, apt only):
#   strongSwan charon + swanctl (Debian strongswan-charon, strongswan-swanctl
#   and the plugin packages), installed normally;
#   Libreswan 4.10 (Debian libreswan 4.10-2+deb12u1): NOT installed, because
#   it conflicts with strongSwan's packages: `apt-get download` fetches the
#   .deb and `dpkg-deb -x` unpacks it into $LSW_ROOT (default
#   /var/lib/tern-interop/libreswan); its shared libraries are installed
#   normally.  testing/interop/peers.sh runs that pluto inside the UML guest.
# Idempotent and quick when everything is there.  Exit 0 when both peers are
# usable, 1 otherwise (with the reason).
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
: "${LSW_ROOT:=/var/lib/tern-interop/libreswan}"
export DEBIAN_FRONTEND=noninteractive
pkgs=(strongswan-charon strongswan-swanctl libstrongswan-standard-plugins
      libstrongswan-extra-plugins libcharon-extra-plugins
      # what Libreswan's pluto links with (its package's Depends)
      libnss3 libnss3-tools libnspr4 libldns3 libunbound8 libevent-core-2.1-7
      libevent-pthreads-2.1-7 libcurl3-nss libcap-ng0 libaudit1 libpam0g
      libldap-2.5-0 libsystemd0 libselinux1)
missing=()
for p in "${pkgs[@]}"; do
    s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    [ "$s" = "install ok installed" ] || missing+=("$p")
done
lsw_ok() { [ -x "$LSW_ROOT/usr/libexec/ipsec/pluto" ] && "$LSW_ROOT/usr/libexec/ipsec/pluto" --version > /dev/null 2>&1; }
if [ ${#missing[@]} -eq 0 ] && lsw_ok; then
    echo "install-peers: strongSwan installed, Libreswan unpacked in $LSW_ROOT"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "install-peers: missing ${missing[*]:-} ${LSW_ROOT}; run as root" >&2
    exit 1
fi
updated=0
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-peers: installing ${missing[*]}"
    apt-get update -qq || { echo "install-peers: apt-get update failed" >&2; exit 1; }
    updated=1
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" </dev/null ||
        { echo "install-peers: apt-get install failed" >&2; exit 1; }
fi
if ! lsw_ok; then
    echo "install-peers: unpacking Libreswan into $LSW_ROOT"
    [ $updated = 1 ] || apt-get update -qq || { echo "install-peers: apt-get update failed" >&2; exit 1; }
    d=$(mktemp -d) && chmod 755 "$d" || exit 1   # apt-get download runs as _apt
    if ! (cd "$d" && apt-get download libreswan > /dev/null); then
        rm -rf "$d"
        echo "install-peers: apt-get download libreswan failed" >&2
        exit 1
    fi
    rm -rf "$LSW_ROOT" && mkdir -p "$LSW_ROOT" && dpkg-deb -x "$d"/libreswan_*.deb "$LSW_ROOT"
    rc=$?
    rm -rf "$d"
    [ $rc = 0 ] || { echo "install-peers: dpkg-deb -x failed" >&2; exit 1; }
    lsw_ok || { echo "install-peers: $LSW_ROOT/usr/libexec/ipsec/pluto does not run:" >&2
                "$LSW_ROOT/usr/libexec/ipsec/pluto" --version >&2; exit 1; }
fi
echo "install-peers: $(/usr/lib/ipsec/charon --version 2>&1 | head -1 || true)"
echo "install-peers: $("$LSW_ROOT/usr/libexec/ipsec/pluto" --version 2>&1 | cut -d' ' -f1-2)"
