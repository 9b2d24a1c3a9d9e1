/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/crypto internals shared by its files (and by the unit tests, which
 * reach the known-answer helpers below).  Not part of the public API.
 */
#ifndef TERN_CRYPTO_INTERNAL_H
#define TERN_CRYPTO_INTERNAL_H

#include "tern/crypto.h"

/* every flag a symmetric key might need: keys here serve several ops */
#define CRYPTO_KEY_FLAGS (CKF_SIGN | CKF_VERIFY | CKF_ENCRYPT | CKF_DECRYPT | CKF_DERIVE)

/* "WHAT failed: SEC_ERROR_... (NSS error -8191)" from the thread's NSS error */
diag_t crypto_nss_diag(const char *fmt, ...) TERN_PRINTF(1, 2);

/* raw octets -> key of key type suitable for MECH (generic secret, AES) */
diag_t crypto_import_key(struct crypto_cspan bytes, CK_MECHANISM_TYPE mech, PK11SymKey **out);
/* octets [OFFSET, OFFSET+LEN) of BASE as a new key for MECH */
diag_t crypto_key_slice(PK11SymKey *base, size_t offset, size_t len, CK_MECHANISM_TYPE mech,
			PK11SymKey **out);
/* KEY usable in the same PKCS#11 slot as BASE (a new reference, moved
 * if needed): for mechanisms that take a second key by handle */
diag_t crypto_key_in_slot_of(PK11SymKey *base, PK11SymKey *key, PK11SymKey **out);
/* zeros | KEY, LEN octets in all (KEY shorter than LEN) */
diag_t crypto_key_pad_left(PK11SymKey *key, size_t len, PK11SymKey **out);
/* copy a key's octets to OUT (exactly OUT_LEN == key length): only for
 * salts, the kernel export, debug=private and tests */
diag_t crypto_key_octets(PK11SymKey *key, uint8_t *out, size_t out_len);


/* probe results; filled once by crypto_probe() */
void crypto_probe(void);

/* X25519/ECP/MODP private key from raw values, for known-answer tests:
 * PRIV is the scalar (X25519: 32 octets as RFC 7748 prints them), PUB
 * the matching public value in KE payload form */
diag_t crypto_ke_import_for_kat(const struct crypto_ke_group *g, struct crypto_cspan priv,
				struct crypto_cspan pub, struct crypto_ke_secret **out);

/* hex string (spaces ignored) -> malloc'd octets; NULL on bad hex */
uint8_t *crypto_unhex(const char *hex, size_t *len);

/*
 * Known-answer vectors, shared by crypto_selftest() (first entry of each
 * table) and testing/unit/crypto (all entries).  Hex strings.
 */
struct kat_hash {		/* FIPS 180-2 appendix examples */
	const char *name;
	enum ikev2_hash_algorithm hash;
	const char *data, *out;
};
struct kat_prf {		/* HMAC / XCBC / CMAC as a prf: RFC 2202, 4231, 4868, 4434, 4615 */
	const char *name;
	enum ikev2_prf prf;
	const char *key, *data, *out;
};
struct kat_integ {		/* truncated MACs: RFC 4868 2.7.2, RFC 3566, RFC 4494 */
	const char *name;
	enum ikev2_integ integ;
	const char *key, *data, *out;
};
struct kat_cipher {		/* RFC 3602, RFC 3686, GCM spec, RFC 7539 */
	const char *name;
	enum ikev2_encr encr;
	const char *keymat;	/* key | salt/nonce as crypto_sk_from_bytes() wants it */
	const char *iv;		/* wire IV */
	const char *aad;
	const char *plain;
	const char *cipher;
	const char *icv;	/* AEAD tag, or the integrity ICV over aad|iv|cipher */
	enum ikev2_integ integ;	/* CBC/CTR only */
	const char *integ_key;
};
struct kat_ke {			/* RFC 5903 ECP, RFC 7748 X25519 */
	const char *name;
	enum ikev2_ke_group group;
	const char *priv_i, *pub_i, *pub_r, *shared;
};
struct kat_prfplus {		/* prf+ and the IKE key schedule, Python-computed */
	const char *name;
	enum ikev2_prf prf;
	const char *key, *seed;
	const char *out;
};
struct kat_ikekeys {		/* SKEYSEED + SK_* split, Python-computed */
	const char *name;
	enum ikev2_prf prf;
	enum ikev2_encr encr;
	unsigned key_bits;
	enum ikev2_integ integ;
	const char *g_ir, *ni, *nr, *spi_i, *spi_r;
	const char *skeyseed, *sk_d, *sk_pi, *sk_pr;
	/* a message encrypted with SK_ei: proves the split and the salt */
	const char *plain, *aad, *iv, *cipher, *icv;
	/* child keymat without PFS: encr_i2r|integ_i2r|encr_r2i|integ_r2i */
	const char *child_keymat;
	/* with PFS (g^ir new), and the rekey SKEYSEED from this SK_d */
	const char *g_ir_new, *child_keymat_pfs, *rekey_skeyseed;
};

extern const struct kat_hash kat_hash_vectors[];
extern const struct kat_prf kat_prf_vectors[];
extern const struct kat_integ kat_integ_vectors[];
extern const struct kat_cipher kat_cipher_vectors[];
extern const struct kat_ke kat_ke_vectors[];
extern const struct kat_prfplus kat_prfplus_vectors[];
extern const struct kat_ikekeys kat_ikekeys_vectors[];

/* each runs one vector and returns NULL or a diag naming it */
diag_t kat_run_hash(const struct kat_hash *v);
diag_t kat_run_prf(const struct kat_prf *v);
diag_t kat_run_integ(const struct kat_integ *v);
diag_t kat_run_cipher(const struct kat_cipher *v);
diag_t kat_run_ke(const struct kat_ke *v);
diag_t kat_run_modp_roundtrip(const struct crypto_ke_group *g);
diag_t kat_run_prfplus(const struct kat_prfplus *v);
diag_t kat_run_ikekeys(const struct kat_ikekeys *v);

#endif
