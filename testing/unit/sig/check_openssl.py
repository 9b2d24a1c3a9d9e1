#!/usr/bin/env python3
# check_openssl.py SIG_DUMP: tern's signatures (every crypto_sig_table
# algorithm, as RFC 7427 AUTH data) verified by OpenSSL through
# python3-cryptography: the AlgorithmIdentifier names the right scheme and
# hash, RSA-PSS uses MGF1 with the same hash and salt = hash length, ECDSA
# is DER.  Exit 77 (skip) without python3-cryptography.
# SPDX-License-Identifier: GPL-2.0-or-later
import os, re, subprocess, sys
try:
    from cryptography.hazmat.primitives.asymmetric import padding, ec
    from cryptography.hazmat.primitives import hashes, serialization
except ImportError:
    sys.exit(77)
here = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(here, 'sig_vectors.h')).read()
def get(name):
    m = re.search(r'static const char %s\[\] =\s*((?:\s*"[^"]*")+);' % name, src)
    return ''.join(re.findall(r'"([^"]*)"', m.group(1)))
msg = re.search(r'vec_message\[\] = "([^"]*)"', src).group(1).encode()
rsa = serialization.load_der_public_key(bytes.fromhex(get('vec_rsa_spki')))
H = {'SHA1': hashes.SHA1(), 'SHA2_256': hashes.SHA256(), 'SHA2_384': hashes.SHA384(),
     'SHA2_512': hashes.SHA512()}
OID = {'RSA_PKCS1': '2a864886f70d0101', 'RSASSA_PSS': '2a864886f70d01010a',
       'ECDSA': '2a8648ce3d04'}
out = subprocess.run([sys.argv[1]], capture_output=True, text=True, check=True).stdout
ecpub, n = None, 0
for line in out.splitlines():
    name, kv = line.split()
    k, v = kv.split('=')
    b = bytes.fromhex(v)
    if k == 'spki':
        ecpub = serialization.load_der_public_key(b)
        continue
    h = H[[x for x in H if name.endswith(x)][0]]
    alen = b[0]
    algid, sig = b[1:1 + alen], b[1 + alen:]
    scheme = [s for s in OID if name.startswith(s)][0]
    assert OID[scheme] in algid.hex(), (name, algid.hex())
    if scheme == 'RSA_PKCS1':
        rsa.verify(sig, msg, padding.PKCS1v15(), h)
    elif scheme == 'RSASSA_PSS':
        rsa.verify(sig, msg, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
    else:
        ecpub.verify(sig, msg, ec.ECDSA(h))
    print(name, 'verified by OpenSSL')
    n += 1
if n != 11:
    sys.exit('expected 11 signatures, got %d' % n)
