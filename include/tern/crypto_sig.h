/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/crypto: digital signatures for IKEv2 authentication, done by NSS.
 *
 * Sign with a SECKEYPrivateKey (from the NSS db: programs/pluto/auth
 * finds it by CKAID or certificate nickname), verify with a
 * SECKEYPublicKey (from leftrsasigkey=/leftpubkey=, crypto_pubkey.h, or
 * from a certificate).  Like the rest of lib/crypto: thread-safe, no
 * mutable static state, nothing logged, diag.h errors with outputs
 * untouched on failure.  Signing and verifying are the slow part of an
 * RSA handshake: call them from a worker, not from the event loop.
 *
 * Schemes (the signature octets, "raw" form):
 *   RSA PKCS#1 v1.5  RSASSA-PKCS1-v1_5 over DigestInfo(hash) (RFC 8017 8.2)
 *   RSA-PSS          RSASSA-PSS, MGF1 with the same hash, salt length =
 *                    hash length (RFC 8017 8.1, as RFC 7427/8247 use it)
 *   ECDSA            r || s, each left-padded to the curve's octet size
 *                    (RFC 4754 7); the DER form is ECDSA-Sig-Value
 *                    SEQUENCE { r INTEGER, s INTEGER } (RFC 7427 3)
 *
 * The signed octets are given as a list of spans and hashed here:
 * for IKEv2 they are RealMessage | Nonce | MACedIDFor{I,R} (RFC 7296 2.15;
 * crypto_maced_id() computes the last one).
 */
#ifndef TERN_CRYPTO_SIG_H
#define TERN_CRYPTO_SIG_H

#include <keyhi.h>

#include "tern/crypto.h"

enum crypto_sig_scheme {
	CRYPTO_SIG_RSA_PKCS1 = 1,
	CRYPTO_SIG_RSA_PSS,
	CRYPTO_SIG_ECDSA,
};

/*
 * One signature algorithm: scheme + hash, with its RFC 7427
 * AlgorithmIdentifier (exact DER, what goes after the one-octet length in
 * an AUTH payload of method 14).  The table ends with a NULL-name entry.
 * Names: "RSA_PKCS1_SHA1", "RSA_PKCS1_SHA2_256", "RSASSA_PSS_SHA2_256",
 * "ECDSA_SHA2_256", ...
 */
struct crypto_sig_alg {
	const char *name;
	enum crypto_sig_scheme scheme;
	enum ikev2_hash_algorithm hash;
	const uint8_t *algid;
	size_t algid_len;
};
extern const struct crypto_sig_alg crypto_sig_table[];
/* NULL when the pair is not in the table (RSA-PSS with SHA1 is not) */
const struct crypto_sig_alg *crypto_sig_alg_find(enum crypto_sig_scheme scheme,
						 enum ikev2_hash_algorithm hash);
/* exact match of a received AlgorithmIdentifier; NULL if unknown */
const struct crypto_sig_alg *crypto_sig_alg_by_algid(struct crypto_cspan algid);

/*
 * Sign DATA[0..N-1] with KEY.  DER selects ECDSA-Sig-Value output for
 * ECDSA (ignored for RSA).  *SIG is malloc()ed; free() it.  The key type
 * must fit the scheme (RSA key for RSA schemes, EC key for ECDSA).
 */
diag_t crypto_sig_sign(const struct crypto_sig_alg *alg, bool der, SECKEYPrivateKey *key,
		       const struct crypto_cspan *data, size_t n, uint8_t **sig, size_t *sig_len);
/*
 * Verify SIG over DATA[0..N-1] with KEY: NULL when the signature is
 * good; else a diag ("RSA_PKCS1_SHA1 signature does not verify",
 * "signature is 255 octets, the 2048-bit RSA key makes 256", ...).
 * Lengths are checked exactly (no trailing octets, no truncation).
 */
diag_t crypto_sig_verify(const struct crypto_sig_alg *alg, bool der, SECKEYPublicKey *key,
			 const struct crypto_cspan *data, size_t n, struct crypto_cspan sig);

/*
 * IKEv2 AUTH payload, Authentication Data for the signature methods:
 *   IKEv2_AUTH_RSA (1)         RSA PKCS#1 v1.5 with SHA1 (RFC 7296 3.8)
 *   IKEv2_AUTH_ECDSA_SHA2_*    9/10/11: ECDSA raw r||s, the key's curve
 *                              must be P-256/P-384/P-521 (RFC 4754)
 *   IKEv2_AUTH_DIGSIG (14)     length octet | AlgorithmIdentifier |
 *                              signature (ECDSA in DER) (RFC 7427 3)
 * crypto_auth_sig_sign(): ALG is used for method 14 only (NULL
 * otherwise); *AUTH is malloc()ed.  crypto_auth_sig_verify(): for method
 * 14 the algorithm comes from the payload and must fit KEY; *USED (may be
 * NULL) tells which algorithm verified, for the log line.
 */
diag_t crypto_auth_sig_sign(enum ikev2_auth_method method, const struct crypto_sig_alg *alg,
			    SECKEYPrivateKey *key, const struct crypto_cspan *data, size_t n,
			    uint8_t **auth, size_t *auth_len);
diag_t crypto_auth_sig_verify(enum ikev2_auth_method method, SECKEYPublicKey *key,
			      const struct crypto_cspan *data, size_t n,
			      struct crypto_cspan auth, const struct crypto_sig_alg **used);
/* the ECDSA method (9/10/11) for a key of this many bits (256, 384, 521), else 0 */
enum ikev2_auth_method crypto_ecdsa_auth_method(unsigned curve_bits);

/*
 * SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 4): Notification Data is a
 * list of 2-octet hash algorithm ids.  A set of hashes is a bitmask with
 * bit (1 << id): CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_256).
 * crypto_hash_notify_encode() writes the ids of MASK (known ones: SHA1,
 * SHA2-256/384/512, Identity) in increasing order into OUT (OUT_SIZE
 * octets, 10 is always enough) and sets *LEN.  crypto_hash_notify_decode()
 * reads received data: an odd length is an error; unknown ids are
 * ignored (RFC 7427: "MUST ignore"), so the mask has known ids only.
 */
#define CRYPTO_HASH_BIT(h) (1u << (unsigned)(h))
#define CRYPTO_HASH_NOTIFY_MAX 10
diag_t crypto_hash_notify_encode(unsigned mask, uint8_t *out, size_t out_size, size_t *len);
diag_t crypto_hash_notify_decode(struct crypto_cspan data, unsigned *mask);

/*
 * The digital-signature algorithm to use with KEY when the peer
 * announced PEER_HASHES (mask from its notify): RSA keys get RSA-PSS
 * (Libreswan's authby=rsa-sha2) unless PKCS1 is true; EC keys get ECDSA;
 * the hash is the one matching the key size when the peer accepts it
 * (P-256 -> SHA2-256, P-384 -> SHA2-384, P-521 and RSA -> SHA2-512 down),
 * else the strongest SHA2 the peer accepts.  NULL when the peer accepts
 * no SHA2 hash (then fall back to method 1 / 9-11).
 */
const struct crypto_sig_alg *crypto_digsig_choose(SECKEYPrivateKey *key, unsigned peer_hashes,
						  bool pkcs1);

/*
 * Start-up known-answer test of the verifiers: the RFC 4754 ECDSA P-256
 * and P-384 signatures over "abc" verify, and fail with one bit changed.
 * NULL or a diag naming the vector.  (Signing is randomised for ECDSA and
 * RSA-PSS; the unit tests cover it against OpenSSL-made vectors.)
 */
diag_t crypto_sig_selftest(void);

#endif
