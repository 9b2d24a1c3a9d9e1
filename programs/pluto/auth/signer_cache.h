/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Our own signing material, found in the NSS database once rather than
 * per IKE SA: per distinct leftcert=/leftckaid=/leftpubkey=/leftrsasigkey=
 * the private key handle, the certificate and the DER chain sent in CERT
 * payloads (auth_cert_chain()).  Nothing of the peer is cached.
 *
 *   auth_signer_get()      auth_end_private_key() (keys.h) served from the
 *                          cache; with CHAIN non-NULL and a certificate,
 *                          also its chain (*CHAIN NULL, *N_CHAIN 0
 *                          without a certificate).  Everything returned
 *                          is the caller's own: SECKEY_DestroyPrivateKey(),
 *                          CERT_DestroyCertificate(),
 *                          auth_cert_chain_free().  Thread-safe (workers).
 *   auth_signer_cache_flush()  drop everything: the certificates or keys
 *                          may have changed (ipsec add/replace/delete,
 *                          rereadsecrets/rereadall); also before
 *                          NSS_Shutdown().
 */
#ifndef PLUTO_AUTH_SIGNER_CACHE_H
#define PLUTO_AUTH_SIGNER_CACHE_H

#include <cert.h>
#include <keyhi.h>

#include "tern/conf.h"
#include "tern/crypto.h"
#include "tern/diag.h"

diag_t auth_signer_get(const struct conn_end *end, const char *side, PRTime now,
		       CERTCertificate **cert, SECKEYPrivateKey **key,
		       struct crypto_span **chain, size_t *n_chain);
void auth_signer_cache_flush(void);

#endif
