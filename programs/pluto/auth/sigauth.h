/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signature authentication for IKE_AUTH, on top of lib/crypto
 * (crypto_sig.h) and auth/keys.h, auth/certs.h: the calls the exchange
 * makes, so that ike_auth.c only gathers octets and payloads.
 *
 * Sending (our AUTH payload):
 *   auth_end_private_key(local end)        -> key (and cert for CERT payload)
 *   auth_choose_sig(key, authby, peer's SIGNATURE_HASH_ALGORITHMS mask)
 *                                          -> method (1, 9-11, 14) and algorithm
 *   crypto_auth_sig_sign(method, alg, key, {RealMessage, Nonce, MACedID})
 *                                          -> Authentication Data
 * Receiving (the peer's AUTH payload):
 *   auth_verify_peer_sig(...)              -> NULL or a clear diag; on
 *                                             success the log story
 *
 * authby= policy (Libreswan's meaning): rsa-sha1 allows method 1 and
 * RSA PKCS#1 v1.5 SHA1 in method 14; rsa-sha2_256/384/512 allow RSA-PSS
 * and PKCS#1 v1.5 with that hash in method 14; ecdsa allows methods
 * 9/10/11 and ECDSA with SHA2 in method 14 (never ECDSA with SHA1).
 */
#ifndef PLUTO_AUTH_SIGAUTH_H
#define PLUTO_AUTH_SIGAUTH_H

#include <cert.h>
#include <keyhi.h>

#include "tern/conf.h"
#include "tern/crypto_sig.h"
#include "tern/id.h"
#include "tern/jambuf.h"

/* our SIGNATURE_HASH_ALGORITHMS notify for AUTHBY (SHA2-256/384/512 when a
 * signature method is allowed; 0: send no notify) */
unsigned auth_hash_notify_mask(unsigned authby);

/* may the peer authenticate with METHOD (and ALG for method 14) under AUTHBY? */
bool auth_sig_allowed(enum ikev2_auth_method method, const struct crypto_sig_alg *alg,
		      unsigned authby);

/*
 * How we sign with KEY: method 14 (RFC 7427) when the peer sent
 * SIGNATURE_HASH_ALGORITHMS (PEER_HASHES != 0) with a hash AUTHBY allows,
 * RSA-PSS for RSA keys, ECDSA with the curve's hash for EC keys; else
 * method 1 (RSA, needs rsa-sha1) or 9/10/11 (EC).  *ALG is NULL for
 * methods other than 14.
 */
diag_t auth_choose_sig(SECKEYPrivateKey *key, unsigned authby, unsigned peer_hashes,
		       enum ikev2_auth_method *method, const struct crypto_sig_alg **alg);

/* "'2048-bit RSASSA-PSS with SHA2_512' digital signature", "'3072-bit
 * PKCS#1 1.5 RSA with SHA1' signature", "'256-bit ECDSA with SHA2_256'
 * signature" (Libreswan's wording) */
void jam_auth_sig(struct jambuf *b, enum ikev2_auth_method method,
		  const struct crypto_sig_alg *alg, const SECKEYPublicKey *key);

/*
 * Verify the peer's AUTH payload (METHOD, AUTH data) over SIGNED (RealMessage
 * | Nonce | MACedID, N spans) for connection end REMOTE under AUTHBY.
 *   PEER_ID    the identity from its IDi/IDr payload
 *   CERTS      its CERT payload bodies (X.509 DER, end cert first; N_CERTS
 *              may be 0): verified against the CAs in the db at NOW, CA_DN
 *              (rightca= resolved; NULL for any) in the chain, PEER_ID in
 *              the certificate, REMOTE->id (rightid=) equal to PEER_ID
 *              unless it is %fromcert or a wildcard
 *   without certificates: REMOTE's rightrsasigkey=/rightpubkey=, and
 *              rightid= must match PEER_ID
 * On success STORY (may be NULL) gets the end of Libreswan's log line,
 * e.g. "'2048-bit RSASSA-PSS with SHA2_512' digital signature using peer
 * certificate 'CN=east' issued by CA 'CN=Tern CA'" or "... using
 * preloaded certificate '@east'".  Errors name what failed: the certificate
 * (expired, unknown CA, ...), "ID '@x' does not match rightid='@east'",
 * "authby=secret does not allow RSASSA_PSS_SHA2_512", "... signature does
 * not verify ...".
 */
diag_t auth_verify_peer_sig(const struct conn_end *remote, unsigned authby, const char *ca_dn,
			    const struct id *peer_id, const struct crypto_cspan *certs,
			    size_t n_certs, enum ikev2_auth_method method,
			    struct crypto_cspan auth, const struct crypto_cspan *signed_octets,
			    size_t n, PRTime now, struct jambuf *story);

/*
 * The revocation settings of config setup, at start-up: crl-strict=yes
 * is applied (auth_set_crl_strict()); warnings for those parsed but not
 * acted on: ocsp-enable=yes (and the other ocsp-* keywords: OCSP is not
 * supported yet), crlcheckinterval= (CRLs are not fetched).  CRLs
 * imported into the NSS database are always checked.
 */
#include "tern/log.h"
void auth_revocation_setup(const struct config_setup *cs, const struct logger *logger);

#endif
