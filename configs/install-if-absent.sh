#!/bin/sh
# meson install script: install-if-absent.sh MODE SRC DIR
# Copies SRC into $DESTDIR/DIR with MODE unless a file of that name is
# already there: an admin's /etc/ipsec.conf is never overwritten.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
mode=$1 src=$2 dir=$3
dest=${DESTDIR:-}$dir/$(basename "$src")
if [ -e "$dest" ]; then
    echo "Keeping existing $dest (example in share/doc/tern/examples)"
    exit 0
fi
mkdir -p "${DESTDIR:-}$dir"
install -m "$mode" "$src" "$dest"
echo "Installing $src to $dest"
