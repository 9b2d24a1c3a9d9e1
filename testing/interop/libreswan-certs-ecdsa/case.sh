# shellcheck shell=bash disable=SC2154,SC2034
# interop case "libreswan-certs-ecdsa": ECDSA P-256 certificates from
# `ipsec ca` between our pluto and Libreswan 4.10, authby=ecdsa, DN IDs
# (leftid=%fromcert, rightid="CN=..."), both ways: the body is
# ../libreswan-certs/case.sh with KIND=ecdsa.
PEER=libreswan
KIND=ecdsa
# shellcheck source=../libreswan-certs/case.sh
. "$(dirname "${BASH_SOURCE[0]}")/../libreswan-certs/case.sh"
