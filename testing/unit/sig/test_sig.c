/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/crypto signatures (tern/crypto_sig.h): published ECDSA vectors
 * (RFC 4754 8.1, 8.2), signatures made by another implementation
 * (sig_vectors.h, OpenSSL through python3-cryptography: RSA PKCS#1 v1.5
 * with SHA1/SHA2 byte-exact since that scheme is deterministic, RSA-PSS,
 * ECDSA P-521 raw and DER), sign/verify round trips for every AUTH method
 * with fresh NSS keys, and the rejects: wrong hash, truncated or altered
 * signature, wrong key, key of the wrong type or curve, malformed RFC 7427
 * AUTH data, SIGNATURE_HASH_ALGORITHMS notify data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <nss.h>
#include <pk11pub.h>

#include "internal.h"
#include "tern/crypto_pubkey.h"
#include "tern/crypto_sig.h"
#include "sig_vectors.h"

#define OK(expr) do { diag_t d_ = (expr); \
	if (d_ != NULL) { print_error("%s: %s\n", #expr, diag_str(d_)); diag_free(&d_); fail(); } } while (0)
#define FAILS(expr, what) do { diag_t d_ = (expr); \
	if (d_ == NULL) fail_msg("%s succeeded", #expr); \
	if (strstr(diag_str(d_), (what)) == NULL) fail_msg("%s: '%s' lacks '%s'", #expr, diag_str(d_), (what)); \
	diag_free(&d_); } while (0)

struct bytes {
	uint8_t *ptr;
	size_t len;
};

static struct bytes unhex(const char *hex)
{
	struct bytes b;
	b.ptr = crypto_unhex(hex, &b.len);
	assert_non_null(b.ptr);
	return b;
}

static struct crypto_cspan cs(struct bytes b)
{
	return CRYPTO_CSPAN(b.ptr, b.len);
}

static const struct crypto_sig_alg *alg(enum crypto_sig_scheme s, enum ikev2_hash_algorithm h)
{
	const struct crypto_sig_alg *a = crypto_sig_alg_find(s, h);
	assert_non_null(a);
	return a;
}

/* ---- RFC 4754 ---- */

struct rfc4754 {
	unsigned bits;
	enum ikev2_hash_algorithm hash;
	enum ikev2_auth_method method;
	const char *gwx, *gwy, *r, *s;
};

static const struct rfc4754 rfc4754_vectors[] = {
	{ 256, IKEv2_HASH_SHA2_256, IKEv2_AUTH_ECDSA_SHA2_256_P256,
	  "2442A5CC0ECD015FA3CA31DC8E2BBC70BF42D60CBCA20085E0822CB04235E970",
	  "6FC98BD7E50211A4A27102FA3549DF79EBCB4BF246B80945CDDFE7D509BBFD7D",
	  "CB28E0999B9C7715FD0A80D8E47A77079716CBBF917DD72E97566EA1C066957C",
	  "86FA3BB4E26CAD5BF90B7F81899256CE7594BB1EA0C89212748BFF3B3D5B0315" },
	{ 384, IKEv2_HASH_SHA2_384, IKEv2_AUTH_ECDSA_SHA2_384_P384,
	  "96281BF8DD5E0525CA049C048D345D3082968D10FEDF5C5ACA0C64E6465A97EA"
	  "5CE10C9DFEC21797415710721F437922",
	  "447688BA94708EB6E2E4D59F6AB6D7EDFF9301D249FE49C33096655F5D502FAD"
	  "3D383B91C5E7EDAA2B714CC99D5743CA",
	  "FB017B914E29149432D8BAC29A514640B46F53DDAB2C69948084E2930F1C8F7E"
	  "08E07C9C63F2D21A07DCB56A6AF56EB3",
	  "B263A1305E057F984D38726A1B46874109F417BCA112674C528262A40A629AF1"
	  "CBB9F516CE0FA7D2FF630863A00E8B9F" },
};

static void test_rfc4754(void **state)
{
	(void)state;
	struct crypto_cspan abc = CRYPTO_CSPAN("abc", 3);
	for (size_t i = 0; i < sizeof(rfc4754_vectors) / sizeof(rfc4754_vectors[0]); i++) {
		const struct rfc4754 *v = &rfc4754_vectors[i];
		char *point_hex = NULL, *sig_hex = NULL;
		assert_true(asprintf(&point_hex, "04%s%s", v->gwx, v->gwy) > 0);
		assert_true(asprintf(&sig_hex, "%s%s", v->r, v->s) > 0);
		struct bytes point = unhex(point_hex), sig = unhex(sig_hex);
		SECKEYPublicKey *pub = NULL;
		OK(crypto_pubkey_from_ec_point(v->bits, cs(point), &pub));
		assert_int_equal(crypto_pubkey_bits(pub), v->bits);
		const struct crypto_sig_alg *a = alg(CRYPTO_SIG_ECDSA, v->hash);
		OK(crypto_sig_verify(a, false, pub, &abc, 1, cs(sig)));
		const struct crypto_sig_alg *used = NULL;
		OK(crypto_auth_sig_verify(v->method, pub, &abc, 1, cs(sig), &used));
		assert_ptr_equal(used, a);
		assert_int_equal(crypto_ecdsa_auth_method(v->bits), v->method);
		/* the same octets split differently hash the same */
		struct crypto_cspan split[2] = { CRYPTO_CSPAN("a", 1), CRYPTO_CSPAN("bc", 2) };
		OK(crypto_sig_verify(a, false, pub, split, 2, cs(sig)));

		/* rejects */
		struct crypto_cspan abd = CRYPTO_CSPAN("abd", 3);
		FAILS(crypto_sig_verify(a, false, pub, &abd, 1, cs(sig)), "does not verify");
		const struct crypto_sig_alg *other =
			alg(CRYPTO_SIG_ECDSA, v->hash == IKEv2_HASH_SHA2_256 ? IKEv2_HASH_SHA2_384
									    : IKEv2_HASH_SHA2_256);
		FAILS(crypto_sig_verify(other, false, pub, &abc, 1, cs(sig)), "does not verify");
		FAILS(crypto_sig_verify(a, false, pub, &abc, 1, CRYPTO_CSPAN(sig.ptr, sig.len - 1)),
		      "octets");
		sig.ptr[sig.len - 1] ^= 1;
		FAILS(crypto_sig_verify(a, false, pub, &abc, 1, cs(sig)), "does not verify");
		sig.ptr[sig.len - 1] ^= 1;
		/* method of the other curve */
		enum ikev2_auth_method wrong = v->bits == 256 ? IKEv2_AUTH_ECDSA_SHA2_384_P384
							      : IKEv2_AUTH_ECDSA_SHA2_256_P256;
		FAILS(crypto_auth_sig_verify(wrong, pub, &abc, 1, cs(sig), NULL), "needs a P-");
		/* an RSA algorithm with an EC key */
		FAILS(crypto_sig_verify(alg(CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA2_256), false, pub,
					&abc, 1, cs(sig)), "EC public key");
		crypto_pubkey_free(&pub);
		free(point.ptr);
		free(sig.ptr);
		free(point_hex);
		free(sig_hex);
	}
}

/* ---- vectors from another implementation ---- */

static SECKEYPrivateKey *import_pkcs8(const char *hex)
{
	struct bytes der = unhex(hex);
	PK11SlotInfo *slot = PK11_GetInternalSlot();
	assert_non_null(slot);
	SECItem item = { siBuffer, der.ptr, (unsigned)der.len };
	SECKEYPrivateKey *k = NULL;
	SECStatus rv = PK11_ImportDERPrivateKeyInfoAndReturnKey(slot, &item, NULL, NULL, PR_FALSE,
								PR_TRUE, KU_ALL, &k, NULL);
	PK11_FreeSlot(slot);
	free(der.ptr);
	assert_int_equal(rv, SECSuccess);
	assert_non_null(k);
	return k;
}

static SECKEYPublicKey *spki_key(const char *hex)
{
	struct bytes der = unhex(hex);
	SECKEYPublicKey *k = NULL;
	OK(crypto_pubkey_from_spki(cs(der), &k));
	free(der.ptr);
	return k;
}

static void test_rsa_pkcs1_vectors(void **state)
{
	(void)state;
	struct crypto_cspan msg = CRYPTO_CSPAN(vec_message, strlen(vec_message));
	SECKEYPrivateKey *priv = import_pkcs8(vec_rsa_pkcs8);
	SECKEYPublicKey *pub = spki_key(vec_rsa_spki);
	static const struct {
		enum ikev2_hash_algorithm h;
		const char *sig;
	} v[] = {
		{ IKEv2_HASH_SHA1, vec_rsa_pkcs1_sha1 },
		{ IKEv2_HASH_SHA2_256, vec_rsa_pkcs1_sha256 },
		{ IKEv2_HASH_SHA2_384, vec_rsa_pkcs1_sha384 },
		{ IKEv2_HASH_SHA2_512, vec_rsa_pkcs1_sha512 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct crypto_sig_alg *a = alg(CRYPTO_SIG_RSA_PKCS1, v[i].h);
		struct bytes want = unhex(v[i].sig);
		/* deterministic: our signature is OpenSSL's, octet for octet */
		uint8_t *sig = NULL;
		size_t len = 0;
		OK(crypto_sig_sign(a, false, priv, &msg, 1, &sig, &len));
		assert_int_equal(len, 256);
		assert_memory_equal(sig, want.ptr, len);
		free(sig);
		OK(crypto_sig_verify(a, false, pub, &msg, 1, cs(want)));
		/* the same signature under another hash is refused */
		const struct crypto_sig_alg *b =
			alg(CRYPTO_SIG_RSA_PKCS1, v[i].h == IKEv2_HASH_SHA1 ? IKEv2_HASH_SHA2_256
									    : IKEv2_HASH_SHA1);
		FAILS(crypto_sig_verify(b, false, pub, &msg, 1, cs(want)), "does not verify");
		/* and as PSS */
		if (v[i].h != IKEv2_HASH_SHA1)
			FAILS(crypto_sig_verify(alg(CRYPTO_SIG_RSA_PSS, v[i].h), false, pub, &msg, 1,
						cs(want)), "does not verify");
		FAILS(crypto_sig_verify(a, false, pub, &msg, 1, CRYPTO_CSPAN(want.ptr, 255)),
		      "signature is 255 octets, the 2048-bit RSA key makes 256");
		free(want.ptr);
	}
	/* AUTH method 1 is PKCS#1 v1.5 with SHA1 */
	struct bytes sha1sig = unhex(vec_rsa_pkcs1_sha1);
	const struct crypto_sig_alg *used = NULL;
	OK(crypto_auth_sig_verify(IKEv2_AUTH_RSA, pub, &msg, 1, cs(sha1sig), &used));
	assert_string_equal(used->name, "RSA_PKCS1_SHA1");
	uint8_t *auth = NULL;
	size_t auth_len = 0;
	OK(crypto_auth_sig_sign(IKEv2_AUTH_RSA, NULL, priv, &msg, 1, &auth, &auth_len));
	assert_int_equal(auth_len, sha1sig.len);
	assert_memory_equal(auth, sha1sig.ptr, auth_len);
	free(auth);
	/* method 14 with sha256WithRSAEncryption: length, AlgorithmIdentifier, signature */
	const struct crypto_sig_alg *a256 = alg(CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA2_256);
	OK(crypto_auth_sig_sign(IKEv2_AUTH_DIGSIG, a256, priv, &msg, 1, &auth, &auth_len));
	assert_int_equal(auth_len, 1 + 15 + 256);
	assert_int_equal(auth[0], 15);
	struct bytes s256 = unhex(vec_rsa_pkcs1_sha256);
	assert_memory_equal(auth + 16, s256.ptr, 256);
	OK(crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, pub, &msg, 1, CRYPTO_CSPAN(auth, auth_len),
				  &used));
	assert_ptr_equal(used, a256);
	free(auth);
	free(s256.ptr);
	free(sha1sig.ptr);
	crypto_pubkey_free(&pub);
	SECKEY_DestroyPrivateKey(priv);
}

static void test_rsa_pss_vectors(void **state)
{
	(void)state;
	struct crypto_cspan msg = CRYPTO_CSPAN(vec_message, strlen(vec_message));
	SECKEYPublicKey *pub = spki_key(vec_rsa_spki);
	SECKEYPrivateKey *priv = import_pkcs8(vec_rsa_pkcs8);
	static const struct {
		enum ikev2_hash_algorithm h;
		const char *sig;
	} v[] = {
		{ IKEv2_HASH_SHA2_256, vec_rsa_pss_sha256 },
		{ IKEv2_HASH_SHA2_384, vec_rsa_pss_sha384 },
		{ IKEv2_HASH_SHA2_512, vec_rsa_pss_sha512 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct crypto_sig_alg *a = alg(CRYPTO_SIG_RSA_PSS, v[i].h);
		struct bytes sig = unhex(v[i].sig);
		OK(crypto_sig_verify(a, false, pub, &msg, 1, cs(sig)));
		FAILS(crypto_sig_verify(alg(CRYPTO_SIG_RSA_PKCS1, v[i].h), false, pub, &msg, 1,
					cs(sig)), "does not verify");
		enum ikev2_hash_algorithm other = v[i].h == IKEv2_HASH_SHA2_256 ? IKEv2_HASH_SHA2_512
										 : IKEv2_HASH_SHA2_256;
		FAILS(crypto_sig_verify(alg(CRYPTO_SIG_RSA_PSS, other), false, pub, &msg, 1, cs(sig)),
		      "does not verify");
		/* ours verify too (PSS is randomised: two signatures differ) */
		uint8_t *s1 = NULL, *s2 = NULL;
		size_t l1 = 0, l2 = 0;
		OK(crypto_sig_sign(a, false, priv, &msg, 1, &s1, &l1));
		OK(crypto_sig_sign(a, false, priv, &msg, 1, &s2, &l2));
		assert_int_equal(l1, 256);
		assert_int_equal(l2, 256);
		assert_true(memcmp(s1, s2, 256) != 0);
		OK(crypto_sig_verify(a, false, pub, &msg, 1, CRYPTO_CSPAN(s1, l1)));
		free(s1);
		free(s2);
		free(sig.ptr);
	}
	crypto_pubkey_free(&pub);
	SECKEY_DestroyPrivateKey(priv);
}

static void test_p521_vectors(void **state)
{
	(void)state;
	struct crypto_cspan msg = CRYPTO_CSPAN(vec_message, strlen(vec_message));
	SECKEYPublicKey *pub = spki_key(vec_p521_spki);
	assert_int_equal(crypto_pubkey_bits(pub), 521);
	struct bytes raw = unhex(vec_p521_sha512_raw), der = unhex(vec_p521_sha512_der);
	const struct crypto_sig_alg *a = alg(CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA2_512);
	OK(crypto_sig_verify(a, false, pub, &msg, 1, cs(raw)));
	OK(crypto_sig_verify(a, true, pub, &msg, 1, cs(der)));
	OK(crypto_auth_sig_verify(IKEv2_AUTH_ECDSA_SHA2_512_P521, pub, &msg, 1, cs(raw), NULL));
	/* raw where DER is expected and the other way round */
	FAILS(crypto_sig_verify(a, true, pub, &msg, 1, cs(raw)), "malformed");
	FAILS(crypto_sig_verify(a, false, pub, &msg, 1, cs(der)), "octets");
	/* truncated DER */
	FAILS(crypto_sig_verify(a, true, pub, &msg, 1, CRYPTO_CSPAN(der.ptr, der.len - 1)),
	      "malformed");
	/* method 14 made by hand: 12-octet ecdsa-with-SHA512 AlgorithmIdentifier + DER */
	size_t alen = a->algid_len;
	uint8_t *auth = malloc(1 + alen + der.len);
	assert_non_null(auth);
	auth[0] = (uint8_t)alen;
	memcpy(auth + 1, a->algid, alen);
	memcpy(auth + 1 + alen, der.ptr, der.len);
	const struct crypto_sig_alg *used = NULL;
	OK(crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, pub, &msg, 1,
				  CRYPTO_CSPAN(auth, 1 + alen + der.len), &used));
	assert_ptr_equal(used, a);
	/* malformed method 14 data */
	FAILS(crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, pub, &msg, 1, CRYPTO_CSPAN(auth, 0), NULL),
	      "empty");
	FAILS(crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, pub, &msg, 1, CRYPTO_CSPAN(auth, 5), NULL),
	      "does not fit");
	auth[8] ^= 0xff;	/* inside the OID */
	FAILS(crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, pub, &msg, 1,
				     CRYPTO_CSPAN(auth, 1 + alen + der.len), NULL),
	      "unknown or unsupported AlgorithmIdentifier");
	auth[8] ^= 0xff;
	/* claims RSA with an EC key */
	const struct crypto_sig_alg *rsa = alg(CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA2_256);
	uint8_t *auth2 = malloc(1 + rsa->algid_len + der.len);
	assert_non_null(auth2);
	auth2[0] = (uint8_t)rsa->algid_len;
	memcpy(auth2 + 1, rsa->algid, rsa->algid_len);
	memcpy(auth2 + 1 + rsa->algid_len, der.ptr, der.len);
	FAILS(crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, pub, &msg, 1,
				     CRYPTO_CSPAN(auth2, 1 + rsa->algid_len + der.len), NULL),
	      "EC public key");
	free(auth2);
	free(auth);
	free(raw.ptr);
	free(der.ptr);
	crypto_pubkey_free(&pub);
}

/* ---- round trips with fresh keys ---- */

static SECKEYPrivateKey *gen_key(bool ec, unsigned bits, SECKEYPublicKey **pub)
{
	PK11SlotInfo *slot = PK11_GetInternalSlot();
	assert_non_null(slot);
	SECKEYPrivateKey *priv = NULL;
	if (ec) {
		const uint8_t *oid = NULL;
		size_t len = 0;
		static const uint8_t p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
		static const uint8_t p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
		static const uint8_t p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23 };
		if (bits == 256) { oid = p256; len = sizeof(p256); }
		if (bits == 384) { oid = p384; len = sizeof(p384); }
		if (bits == 521) { oid = p521; len = sizeof(p521); }
		SECItem params = { siDEROID, (unsigned char *)oid, (unsigned)len };
		priv = PK11_GenerateKeyPair(slot, CKM_EC_KEY_PAIR_GEN, &params, pub, PR_FALSE,
					    PR_FALSE, NULL);
	} else {
		PK11RSAGenParams params = { .keySizeInBits = (int)bits, .pe = 65537 };
		priv = PK11_GenerateKeyPair(slot, CKM_RSA_PKCS_KEY_PAIR_GEN, &params, pub, PR_FALSE,
					    PR_FALSE, NULL);
	}
	PK11_FreeSlot(slot);
	assert_non_null(priv);
	assert_non_null(*pub);
	return priv;
}

static void test_round_trips(void **state)
{
	(void)state;
	struct crypto_cspan data[3] = {
		CRYPTO_CSPAN("IKE_SA_INIT message", 19),
		CRYPTO_CSPAN("peer nonce", 10),
		CRYPTO_CSPAN("MACedIDForI.......", 18),
	};
	SECKEYPublicKey *rsa_pub = NULL, *rsa2_pub = NULL, *ec_pub[3] = { NULL, NULL, NULL };
	SECKEYPrivateKey *rsa = gen_key(false, 2048, &rsa_pub);
	SECKEYPrivateKey *rsa2 = gen_key(false, 2048, &rsa2_pub);
	static const unsigned curves[3] = { 256, 384, 521 };
	SECKEYPrivateKey *ec[3];
	for (int i = 0; i < 3; i++)
		ec[i] = gen_key(true, curves[i], &ec_pub[i]);

	/* every table entry through method 14 with a fitting key */
	for (const struct crypto_sig_alg *a = crypto_sig_table; a->name != NULL; a++) {
		SECKEYPrivateKey *k = a->scheme == CRYPTO_SIG_ECDSA ? ec[1] : rsa;
		SECKEYPublicKey *p = a->scheme == CRYPTO_SIG_ECDSA ? ec_pub[1] : rsa_pub;
		SECKEYPublicKey *wrong = a->scheme == CRYPTO_SIG_ECDSA ? ec_pub[0] : rsa2_pub;
		uint8_t *auth = NULL;
		size_t len = 0;
		OK(crypto_auth_sig_sign(IKEv2_AUTH_DIGSIG, a, k, data, 3, &auth, &len));
		assert_int_equal(auth[0], a->algid_len);
		assert_memory_equal(auth + 1, a->algid, a->algid_len);
		const struct crypto_sig_alg *used = NULL;
		OK(crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, p, data, 3, CRYPTO_CSPAN(auth, len),
					  &used));
		assert_ptr_equal(used, a);
		/* another key of the same type */
		diag_t d = crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, wrong, data, 3,
						  CRYPTO_CSPAN(auth, len), NULL);
		assert_non_null(d);
		diag_free(&d);
		/* the signed octets changed (one span fewer) */
		FAILS(crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, p, data, 2, CRYPTO_CSPAN(auth, len),
					     NULL), "does not verify");
		/* signing with a key of the other type */
		SECKEYPrivateKey *other = a->scheme == CRYPTO_SIG_ECDSA ? rsa : ec[0];
		uint8_t *x = NULL;
		size_t xl = 0;
		FAILS(crypto_sig_sign(a, true, other, data, 3, &x, &xl), "cannot sign with");
		assert_null(x);
		free(auth);
	}
	/* methods 9/10/11 with their curves; the other curves refused */
	for (int i = 0; i < 3; i++) {
		enum ikev2_auth_method m = crypto_ecdsa_auth_method(curves[i]);
		uint8_t *auth = NULL;
		size_t len = 0;
		OK(crypto_auth_sig_sign(m, NULL, ec[i], data, 3, &auth, &len));
		assert_int_equal(len, 2 * ((curves[i] + 7) / 8));
		OK(crypto_auth_sig_verify(m, ec_pub[i], data, 3, CRYPTO_CSPAN(auth, len), NULL));
		FAILS(crypto_auth_sig_verify(m, ec_pub[(i + 1) % 3], data, 3,
					     CRYPTO_CSPAN(auth, len), NULL), "needs a P-");
		FAILS(crypto_auth_sig_verify(m, rsa_pub, data, 3, CRYPTO_CSPAN(auth, len), NULL),
		      "needs an EC public key");
		uint8_t *x = NULL;
		size_t xl = 0;
		FAILS(crypto_auth_sig_sign(m, NULL, ec[(i + 1) % 3], data, 3, &x, &xl), "needs a P-");
		FAILS(crypto_auth_sig_sign(m, NULL, rsa, data, 3, &x, &xl), "needs an EC key");
		free(auth);
	}
	/* method 1 round trip; PSK is not a signature method */
	uint8_t *auth = NULL;
	size_t len = 0;
	OK(crypto_auth_sig_sign(IKEv2_AUTH_RSA, NULL, rsa, data, 3, &auth, &len));
	OK(crypto_auth_sig_verify(IKEv2_AUTH_RSA, rsa_pub, data, 3, CRYPTO_CSPAN(auth, len), NULL));
	FAILS(crypto_auth_sig_verify(IKEv2_AUTH_RSA, rsa2_pub, data, 3, CRYPTO_CSPAN(auth, len),
				     NULL), "does not verify");
	FAILS(crypto_auth_sig_verify(IKEv2_AUTH_PSK, rsa_pub, data, 3, CRYPTO_CSPAN(auth, len),
				     NULL), "not a signature method");
	FAILS(crypto_auth_sig_sign(IKEv2_AUTH_DIGSIG, NULL, rsa, data, 3, &auth, &len),
	      "needs an algorithm");
	free(auth);

	/* the algorithm chooser */
	unsigned all = CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_256) | CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_384) |
		       CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_512);
	assert_string_equal(crypto_digsig_choose(rsa, all, false)->name, "RSASSA_PSS_SHA2_512");
	assert_string_equal(crypto_digsig_choose(rsa, all, true)->name, "RSA_PKCS1_SHA2_512");
	assert_string_equal(crypto_digsig_choose(rsa, CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_256), false)->name,
			    "RSASSA_PSS_SHA2_256");
	assert_string_equal(crypto_digsig_choose(ec[0], all, false)->name, "ECDSA_SHA2_256");
	assert_string_equal(crypto_digsig_choose(ec[1], all, false)->name, "ECDSA_SHA2_384");
	assert_string_equal(crypto_digsig_choose(ec[2], all, false)->name, "ECDSA_SHA2_512");
	assert_string_equal(crypto_digsig_choose(ec[0], CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_384), false)->name,
			    "ECDSA_SHA2_384");
	assert_null(crypto_digsig_choose(rsa, CRYPTO_HASH_BIT(IKEv2_HASH_SHA1), false));
	assert_null(crypto_digsig_choose(rsa, 0, false));

	SECKEY_DestroyPrivateKey(rsa);
	SECKEY_DestroyPrivateKey(rsa2);
	crypto_pubkey_free(&rsa_pub);
	crypto_pubkey_free(&rsa2_pub);
	for (int i = 0; i < 3; i++) {
		SECKEY_DestroyPrivateKey(ec[i]);
		crypto_pubkey_free(&ec_pub[i]);
	}
}

/* ---- AlgorithmIdentifiers and the notify ---- */

static void test_algids(void **state)
{
	(void)state;
	/* RFC 7427 Appendix A, typed from the RFC (A.1.2, A.3.1, A.3.2, A.3.3,
	 * A.4.3 RSASSA-PSS with SHA-256) */
	static const struct {
		const char *name;
		const char *der;
	} v[] = {
		{ "RSA_PKCS1_SHA2_256", "300d06092a864886f70d01010b0500" },
		{ "RSA_PKCS1_SHA2_384", "300d06092a864886f70d01010c0500" },
		{ "RSA_PKCS1_SHA2_512", "300d06092a864886f70d01010d0500" },
		{ "ECDSA_SHA2_256", "300a06082a8648ce3d040302" },
		{ "ECDSA_SHA2_384", "300a06082a8648ce3d040303" },
		{ "ECDSA_SHA2_512", "300a06082a8648ce3d040304" },
		{ "RSASSA_PSS_SHA2_256",
		  "304106092a864886f70d01010a3034a00f300d06096086480165030402010500"
		  "a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120" },
		{ "RSASSA_PSS_SHA2_512",
		  "304106092a864886f70d01010a3034a00f300d06096086480165030402030500"
		  "a11c301a06092a864886f70d010108300d06096086480165030402030500a203020140" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct bytes der = unhex(v[i].der);
		const struct crypto_sig_alg *a = crypto_sig_alg_by_algid(cs(der));
		assert_non_null(a);
		assert_string_equal(a->name, v[i].name);
		/* one octet short is unknown */
		assert_null(crypto_sig_alg_by_algid(CRYPTO_CSPAN(der.ptr, der.len - 1)));
		free(der.ptr);
	}
	assert_null(crypto_sig_alg_find(CRYPTO_SIG_RSA_PSS, IKEv2_HASH_SHA1));
}

/* ---- several threads signing and verifying with shared keys ---- */

struct thread_keys {
	SECKEYPrivateKey *priv[2];
	SECKEYPublicKey *pub[2];
	int failures;
};

static void *sig_thread(void *arg)
{
	struct thread_keys *k = arg;
	struct crypto_cspan data = CRYPTO_CSPAN("thread data", 11);
	for (int i = 0; i < 20; i++) {
		int w = i % 2;
		const struct crypto_sig_alg *a =
			alg(w == 0 ? CRYPTO_SIG_RSA_PSS : CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA2_256);
		uint8_t *sig = NULL;
		size_t len = 0;
		diag_t d = crypto_sig_sign(a, true, k->priv[w], &data, 1, &sig, &len);
		if (d == NULL)
			d = crypto_sig_verify(a, true, k->pub[w], &data, 1, CRYPTO_CSPAN(sig, len));
		if (d != NULL) {
			__atomic_add_fetch(&k->failures, 1, __ATOMIC_SEQ_CST);
			diag_free(&d);
		}
		free(sig);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct thread_keys k = { .failures = 0 };
	k.priv[0] = gen_key(false, 2048, &k.pub[0]);
	k.priv[1] = gen_key(true, 256, &k.pub[1]);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, sig_thread, &k), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(k.failures, 0);
	for (int i = 0; i < 2; i++) {
		SECKEY_DestroyPrivateKey(k.priv[i]);
		crypto_pubkey_free(&k.pub[i]);
	}
}

static void test_selftest(void **state)
{
	(void)state;
	OK(crypto_sig_selftest());
}

static void test_hash_notify(void **state)
{
	(void)state;
	uint8_t buf[CRYPTO_HASH_NOTIFY_MAX];
	size_t len = 0;
	unsigned mask = CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_256) | CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_384) |
			CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_512);
	OK(crypto_hash_notify_encode(mask, buf, sizeof(buf), &len));
	static const uint8_t want[] = { 0, 2, 0, 3, 0, 4 };
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, len);
	unsigned got = 0;
	OK(crypto_hash_notify_decode(CRYPTO_CSPAN(buf, len), &got));
	assert_int_equal(got, mask);
	/* everything we know fits in CRYPTO_HASH_NOTIFY_MAX */
	unsigned every = mask | CRYPTO_HASH_BIT(IKEv2_HASH_SHA1) | CRYPTO_HASH_BIT(IKEv2_HASH_IDENTITY);
	OK(crypto_hash_notify_encode(every, buf, sizeof(buf), &len));
	assert_int_equal(len, 10);
	FAILS(crypto_hash_notify_encode(every, buf, 4, &len), "do not fit");
	FAILS(crypto_hash_notify_encode(0, buf, sizeof(buf), &len), "no known hash");
	/* unknown ids ignored, order irrelevant */
	static const uint8_t peer[] = { 0x00, 0x04, 0x12, 0x34, 0x00, 0x02, 0x00, 0x00, 0xff, 0xff };
	OK(crypto_hash_notify_decode(CRYPTO_CSPAN(peer, sizeof(peer)), &got));
	assert_int_equal(got, CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_512) | CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_256));
	got = 77;
	FAILS(crypto_hash_notify_decode(CRYPTO_CSPAN(peer, 3), &got), "odd length");
	assert_int_equal(got, 77);
	OK(crypto_hash_notify_decode(CRYPTO_CSPAN(peer, 0), &got));
	assert_int_equal(got, 0);
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4754),
		cmocka_unit_test(test_rsa_pkcs1_vectors),
		cmocka_unit_test(test_rsa_pss_vectors),
		cmocka_unit_test(test_p521_vectors),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_algids),
		cmocka_unit_test(test_hash_notify),
		cmocka_unit_test(test_selftest),
		cmocka_unit_test(test_threads),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	return r;
}
