/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/crypto API: the algorithm table, key exchange round trips and every
 * rejection path (peer KE values, SK payload sizes, forged ICVs, truncated
 * ciphertext, bad parameters), secrets in debug output, thread safety.
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

#include "internal.h"

#define OK(expr) do { diag_t d_ = (expr); \
	if (d_ != NULL) { print_error("%s\n", diag_str(d_)); diag_free(&d_); fail(); } } while (0)
/* EXPR must fail with a message containing WHAT */
#define FAILS(expr, what) do { diag_t d_ = (expr); \
	if (d_ == NULL) fail_msg("%s succeeded", #expr); \
	if (strstr(diag_str(d_), (what)) == NULL) fail_msg("%s: '%s' lacks '%s'", #expr, diag_str(d_), (what)); \
	diag_free(&d_); } while (0)

/* ---- algorithm table ---- */

static void test_table(void **state)
{
	(void)state;
	const struct crypto_encr *gcm = crypto_encr_by_id(IKEv2_ENCR_AES_GCM_16);
	assert_non_null(gcm);
	assert_string_equal(gcm->name, "AES_GCM_16");
	assert_true(gcm->aead);
	assert_int_equal(gcm->icv_size, 16);
	assert_int_equal(gcm->salt_size, 4);
	assert_int_equal(gcm->wire_iv_size, 8);
	assert_true(crypto_encr_key_bits_ok(gcm, 256));
	assert_true(crypto_encr_key_bits_ok(gcm, 0));
	assert_false(crypto_encr_key_bits_ok(gcm, 512));
	assert_int_equal(crypto_encr_key_bits(gcm, 0), 128);
	JAMBUF(b, 64);
	jam_crypto_cipher(&b, gcm, 256);
	assert_string_equal(jambuf_str(&b), "AES_GCM_16_256");
	assert_string_equal(crypto_encr_kernel_name(gcm), "rfc4106(gcm(aes))");

	const struct crypto_encr *cc = crypto_encr_by_id(IKEv2_ENCR_CHACHA20_POLY1305);
	assert_non_null(cc);
	assert_false(cc->keylen_attr);
	assert_false(crypto_encr_key_bits_ok(cc, 128));
	assert_string_equal(crypto_encr_by_id(IKEv2_ENCR_AES_CBC)->name, "AES_CBC");
	assert_string_equal(crypto_encr_by_id(IKEv2_ENCR_AES_CTR)->name, "AES_CTR");
	assert_string_equal(crypto_encr_by_id(IKEv2_ENCR_AES_GCM_8)->name, "AES_GCM_8");
	assert_string_equal(crypto_encr_by_id(IKEv2_ENCR_AES_GCM_12)->name, "AES_GCM_12");
	assert_null(crypto_encr_by_id(IKEv2_ENCR_3DES));
	assert_null(crypto_encr_by_id(9999));

	assert_string_equal(crypto_prf_by_id(IKEv2_PRF_HMAC_SHA2_512)->name, "HMAC_SHA2_512");
	assert_string_equal(crypto_prf_by_id(IKEv2_PRF_HMAC_SHA1)->name, "HMAC_SHA1");
	assert_string_equal(crypto_prf_by_id(IKEv2_PRF_AES128_XCBC)->name, "AES_XCBC");
	assert_string_equal(crypto_prf_by_id(IKEv2_PRF_AES128_CMAC)->name, "AES_CMAC");
	assert_null(crypto_prf_by_id(IKEv2_PRF_HMAC_MD5));
	assert_string_equal(crypto_integ_by_id(IKEv2_INTEG_HMAC_SHA2_256_128)->name, "HMAC_SHA2_256_128");
	assert_string_equal(crypto_integ_by_id(IKEv2_INTEG_HMAC_SHA1_96)->name, "HMAC_SHA1_96");
	assert_int_equal(crypto_integ_by_id(IKEv2_INTEG_HMAC_SHA2_512_256)->icv_size, 32);
	assert_string_equal(crypto_ke_by_id(IKEv2_KE_MODP2048)->name, "MODP2048");
	assert_string_equal(crypto_ke_by_id(IKEv2_KE_ECP_256)->name, "DH19");
	assert_string_equal(crypto_ke_by_id(IKEv2_KE_ECP_521)->name, "DH21");
	assert_string_equal(crypto_ke_by_id(IKEv2_KE_CURVE25519)->name, "DH31");
	assert_int_equal(crypto_ke_by_id(IKEv2_KE_ECP_521)->public_size, 132);
	assert_null(crypto_ke_by_id(IKEv2_KE_MODP1024));

	/* everything issue 3 requires runs on this NSS */
	for (const struct crypto_encr *e = crypto_encr_table; e->name != NULL; e++)
		assert_true(crypto_encr_supported(e));
	for (const struct crypto_ke_group *g = crypto_ke_table; g->name != NULL; g++)
		assert_true(crypto_ke_supported(g));
	assert_true(crypto_prf_supported(crypto_prf_by_id(IKEv2_PRF_HMAC_SHA1)));
	assert_true(crypto_prf_supported(crypto_prf_by_id(IKEv2_PRF_HMAC_SHA2_256)));
	assert_true(crypto_prf_supported(crypto_prf_by_id(IKEv2_PRF_HMAC_SHA2_384)));
	assert_true(crypto_prf_supported(crypto_prf_by_id(IKEv2_PRF_HMAC_SHA2_512)));
	assert_false(crypto_prf_supported(NULL));
	/* a descriptor that is not from the table */
	struct crypto_prf fake = *crypto_prf_by_id(IKEv2_PRF_HMAC_SHA1);
	assert_false(crypto_prf_supported(&fake));
}

/* ---- key exchange ---- */

static void roundtrip(const struct crypto_ke_group *g)
{
	struct crypto_ke_secret *a = NULL, *b = NULL;
	PK11SymKey *ka = NULL, *kb = NULL;
	OK(crypto_ke_generate(g, &a));
	OK(crypto_ke_generate(g, &b));
	assert_ptr_equal(crypto_ke_secret_group(a), g);
	assert_int_equal(crypto_ke_public(a).len, g->public_size);
	OK(crypto_ke_derive(a, crypto_ke_public(b), &ka));
	OK(crypto_ke_derive(b, crypto_ke_public(a), &kb));
	assert_int_equal(crypto_symkey_len(ka), g->shared_size);
	uint8_t sa[CRYPTO_MAX_KE_SIZE], sb[CRYPTO_MAX_KE_SIZE];
	OK(crypto_key_octets(ka, sa, g->shared_size));
	OK(crypto_key_octets(kb, sb, g->shared_size));
	assert_memory_equal(sa, sb, g->shared_size);
	crypto_symkey_free(&ka);
	crypto_symkey_free(&kb);
	crypto_ke_free(&a);
	crypto_ke_free(&b);
	assert_null(a);
	crypto_ke_free(&a);	/* twice is fine */
}

static void test_ke_roundtrip_ecp(void **state)
{
	(void)state;
	roundtrip(crypto_ke_by_id(IKEv2_KE_ECP_256));
	roundtrip(crypto_ke_by_id(IKEv2_KE_ECP_384));
	roundtrip(crypto_ke_by_id(IKEv2_KE_ECP_521));
	roundtrip(crypto_ke_by_id(IKEv2_KE_CURVE25519));
}

static void test_ke_reject_length(void **state)
{
	(void)state;
	for (const struct crypto_ke_group *g = crypto_ke_table; g->name != NULL; g++) {
		if (g->id == IKEv2_KE_MODP3072 || g->id == IKEv2_KE_MODP4096)
			continue;	/* same code as MODP2048, slower keygen */
		struct crypto_ke_secret *s = NULL;
		PK11SymKey *k = NULL;
		OK(crypto_ke_generate(g, &s));
		struct crypto_cspan pub = crypto_ke_public(s);
		uint8_t buf[CRYPTO_MAX_KE_SIZE + 1];
		memcpy(buf, pub.ptr, pub.len);
		buf[pub.len] = 0;
		FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(buf, pub.len - 1), &k), "expected");
		FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(buf, pub.len + 1), &k), "expected");
		FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(buf, 0), &k), "has 0 octets");
		assert_null(k);
		crypto_ke_free(&s);
	}
}

static void test_ke_reject_modp_range(void **state)
{
	(void)state;
	const struct crypto_ke_group *g = crypto_ke_by_id(IKEv2_KE_MODP2048);
	struct crypto_ke_secret *s = NULL;
	PK11SymKey *k = NULL;
	OK(crypto_ke_generate(g, &s));
	uint8_t y[256];
	memset(y, 0, sizeof(y));
	FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(y, 256), &k), "outside 1 < y < p-1");	/* 0 */
	y[255] = 1;
	FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(y, 256), &k), "outside 1 < y < p-1");	/* 1 */
	memcpy(y, g->params, 256);
	y[255] -= 1;
	FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(y, 256), &k), ">= p-1");	/* p-1 */
	y[255] += 1;
	FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(y, 256), &k), ">= p-1");	/* p */
	memset(y, 0xff, sizeof(y));
	FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(y, 256), &k), ">= p-1");	/* > p */
	assert_null(k);
	/* the edges just inside are accepted: 2 and p-2 */
	memset(y, 0, sizeof(y));
	y[255] = 2;
	OK(crypto_ke_derive(s, CRYPTO_CSPAN(y, 256), &k));
	assert_int_equal(crypto_symkey_len(k), 256);
	crypto_symkey_free(&k);
	memcpy(y, g->params, 256);
	y[255] -= 2;
	OK(crypto_ke_derive(s, CRYPTO_CSPAN(y, 256), &k));
	crypto_symkey_free(&k);
	crypto_ke_free(&s);
}

static void test_ke_reject_ecp_point(void **state)
{
	(void)state;
	for (unsigned id = IKEv2_KE_ECP_256; id <= IKEv2_KE_ECP_521; id++) {
		const struct crypto_ke_group *g = crypto_ke_by_id(id);
		struct crypto_ke_secret *s = NULL;
		PK11SymKey *k = NULL;
		OK(crypto_ke_generate(g, &s));
		uint8_t p[CRYPTO_MAX_KE_SIZE];
		memcpy(p, crypto_ke_public(s).ptr, g->public_size);
		p[g->public_size - 1] ^= 1;	/* y off by one: not on the curve */
		FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(p, g->public_size), &k), "peer's public value");
		memset(p, 0, g->public_size);	/* (0, 0) */
		FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(p, g->public_size), &k), "peer's public value");
		assert_null(k);
		crypto_ke_free(&s);
	}
}

static void test_ke_reject_x25519_small_order(void **state)
{
	(void)state;
	const struct crypto_ke_group *g = crypto_ke_by_id(IKEv2_KE_CURVE25519);
	struct crypto_ke_secret *s = NULL;
	PK11SymKey *k = NULL;
	OK(crypto_ke_generate(g, &s));
	uint8_t u[32] = { 0 };
	/* u = 0 and u = 1 are small-order: the shared secret is all zero */
	FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(u, 32), &k), g->name);
	u[0] = 1;
	FAILS(crypto_ke_derive(s, CRYPTO_CSPAN(u, 32), &k), g->name);
	assert_null(k);
	crypto_ke_free(&s);
}

static void test_ke_bad_group(void **state)
{
	(void)state;
	struct crypto_ke_secret *s = NULL;
	FAILS(crypto_ke_generate(NULL, &s), "no key exchange group");
	assert_null(s);
	FAILS(crypto_ke_import_for_kat(crypto_ke_by_id(IKEv2_KE_MODP2048), CRYPTO_CSPAN("x", 1),
				       CRYPTO_CSPAN("x", 1), &s), "not supported");
}

/* ---- SK payloads ---- */

static struct crypto_sk *sk_for(unsigned encr_id, unsigned integ_id, size_t keylen)
{
	uint8_t km[CRYPTO_MAX_ENCR_KEYMAT], ik[CRYPTO_MAX_INTEG_KEYMAT];
	for (size_t i = 0; i < sizeof(km); i++)
		km[i] = (uint8_t)(i * 5 + 1);
	for (size_t i = 0; i < sizeof(ik); i++)
		ik[i] = (uint8_t)(i * 3 + 7);
	const struct crypto_encr *e = crypto_encr_by_id(encr_id);
	const struct crypto_integ *in = crypto_integ_by_id(integ_id);
	struct crypto_sk *sk = NULL;
	OK(crypto_sk_from_bytes(e, CRYPTO_CSPAN(km, keylen + e->salt_size), in,
				CRYPTO_CSPAN(ik, in != NULL ? in->key_size : 0), &sk));
	return sk;
}

static const struct { unsigned encr, integ; size_t keylen; } suites[] = {
	{ IKEv2_ENCR_AES_GCM_16, IKEv2_INTEG_NONE, 32 },
	{ IKEv2_ENCR_AES_GCM_12, IKEv2_INTEG_NONE, 16 },
	{ IKEv2_ENCR_AES_GCM_8, IKEv2_INTEG_NONE, 24 },
	{ IKEv2_ENCR_CHACHA20_POLY1305, IKEv2_INTEG_NONE, 32 },
	{ IKEv2_ENCR_AES_CBC, IKEv2_INTEG_HMAC_SHA2_256_128, 32 },
	{ IKEv2_ENCR_AES_CBC, IKEv2_INTEG_HMAC_SHA1_96, 16 },
	{ IKEv2_ENCR_AES_CBC, IKEv2_INTEG_HMAC_SHA2_512_256, 24 },
	{ IKEv2_ENCR_AES_CTR, IKEv2_INTEG_HMAC_SHA2_384_192, 32 },
	{ IKEv2_ENCR_AES_CBC, IKEv2_INTEG_AES_XCBC_96, 16 },
	{ IKEv2_ENCR_AES_CBC, IKEv2_INTEG_AES_CMAC_96, 16 },
};

static void test_sk_roundtrip_and_rejects(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		struct crypto_sk *sk = sk_for(suites[s].encr, suites[s].integ, suites[s].keylen);
		size_t ivl = crypto_sk_iv_size(sk), icvl = crypto_sk_icv_size(sk);
		size_t bs = crypto_sk_block_size(sk);
		uint8_t aad[28], iv[CRYPTO_MAX_IV_SIZE], iv2[CRYPTO_MAX_IV_SIZE], icv[CRYPTO_MAX_ICV_SIZE];
		uint8_t text[64], orig[64], ct[64];
		for (size_t i = 0; i < sizeof(aad); i++)
			aad[i] = (uint8_t)i;
		for (size_t i = 0; i < sizeof(text); i++)
			text[i] = orig[i] = (uint8_t)(0xa0 + i);
		struct crypto_cspan a = CRYPTO_CSPAN(aad, sizeof(aad));

		/* random IV each time; the message decrypts back */
		OK(crypto_sk_encrypt(sk, a, CRYPTO_SPAN(iv, ivl), CRYPTO_SPAN(text, 64),
				     CRYPTO_SPAN(icv, icvl)));
		assert_memory_not_equal(text, orig, 64);
		memcpy(ct, text, 64);
		uint8_t text2[64];
		memcpy(text2, orig, 64);
		uint8_t icv2[CRYPTO_MAX_ICV_SIZE];
		OK(crypto_sk_encrypt(sk, a, CRYPTO_SPAN(iv2, ivl), CRYPTO_SPAN(text2, 64),
				     CRYPTO_SPAN(icv2, icvl)));
		assert_memory_not_equal(iv, iv2, ivl);
		OK(crypto_sk_decrypt(sk, a, CRYPTO_CSPAN(iv, ivl), CRYPTO_SPAN(text, 64),
				     CRYPTO_CSPAN(icv, icvl)));
		assert_memory_equal(text, orig, 64);

		/* bad ICV, changed AAD, changed IV, changed ciphertext: refused,
		 * text untouched */
		struct { const char *what; int field; } forgeries[] = {
			{ "icv", 0 }, { "aad", 1 }, { "iv", 2 }, { "text", 3 },
		};
		for (size_t f = 0; f < 4; f++) {
			memcpy(text, ct, 64);
			uint8_t *p = forgeries[f].field == 0 ? icv : forgeries[f].field == 1 ? aad
				: forgeries[f].field == 2 ? iv : text;
			p[1] ^= 0x40;
			FAILS(crypto_sk_decrypt(sk, a, CRYPTO_CSPAN(iv, ivl), CRYPTO_SPAN(text, 64),
						CRYPTO_CSPAN(icv, icvl)), "integrity check failed");
			p[1] ^= 0x40;
			if (forgeries[f].field != 3)
				assert_memory_equal(text, ct, 64);
		}
		/* truncated ciphertext (one block less, or one octet less) */
		memcpy(text, ct, 64);
		if (bs > 1) {
			FAILS(crypto_sk_decrypt(sk, a, CRYPTO_CSPAN(iv, ivl), CRYPTO_SPAN(text, 63),
						CRYPTO_CSPAN(icv, icvl)), "not a multiple");
		} else {
			FAILS(crypto_sk_decrypt(sk, a, CRYPTO_CSPAN(iv, ivl), CRYPTO_SPAN(text, 63),
						CRYPTO_CSPAN(icv, icvl)), "integrity check failed");
		}
		FAILS(crypto_sk_decrypt(sk, a, CRYPTO_CSPAN(iv, ivl), CRYPTO_SPAN(text, 48),
					CRYPTO_CSPAN(icv, icvl)), "integrity check failed");
		assert_memory_equal(text, ct, 64);
		/* wrong IV and ICV sizes */
		FAILS(crypto_sk_decrypt(sk, a, CRYPTO_CSPAN(iv, ivl - 1), CRYPTO_SPAN(text, 64),
					CRYPTO_CSPAN(icv, icvl)), "IV has");
		FAILS(crypto_sk_decrypt(sk, a, CRYPTO_CSPAN(iv, ivl), CRYPTO_SPAN(text, 64),
					CRYPTO_CSPAN(icv, icvl - 1)), "ICV has");
		FAILS(crypto_sk_encrypt(sk, a, CRYPTO_SPAN(iv, ivl), CRYPTO_SPAN(text, 64),
					CRYPTO_SPAN(icv, icvl + 1)), "ICV has");
		assert_memory_equal(text, ct, 64);
		crypto_sk_free(&sk);
		assert_null(sk);
	}
}

static void test_sk_empty_cbc(void **state)
{
	(void)state;
	struct crypto_sk *sk = sk_for(IKEv2_ENCR_AES_CBC, IKEv2_INTEG_HMAC_SHA1_96, 16);
	uint8_t iv[16] = { 0 }, icv[12] = { 0 }, t[1];
	FAILS(crypto_sk_decrypt(sk, CRYPTO_CSPAN(NULL, 0), CRYPTO_CSPAN(iv, 16),
				CRYPTO_SPAN(t, 0), CRYPTO_CSPAN(icv, 12)), "empty ciphertext");
	crypto_sk_free(&sk);
}

static void test_sk_new_rejects(void **state)
{
	(void)state;
	const struct crypto_encr *gcm = crypto_encr_by_id(IKEv2_ENCR_AES_GCM_16);
	const struct crypto_encr *cbc = crypto_encr_by_id(IKEv2_ENCR_AES_CBC);
	const struct crypto_integ *sha1 = crypto_integ_by_id(IKEv2_INTEG_HMAC_SHA1_96);
	uint8_t km[64] = { 1 };
	struct crypto_sk *sk = NULL;
	PK11SymKey *k16 = NULL, *k20 = NULL;
	OK(crypto_import_key(CRYPTO_CSPAN(km, 16), CKM_AES_GCM, &k16));
	OK(crypto_import_key(CRYPTO_CSPAN(km, 20), CKM_SHA_1_HMAC, &k20));
	FAILS(crypto_sk_new(gcm, 256, k16, CRYPTO_CSPAN(km, 4), NULL, NULL, &sk), "expected 32");
	FAILS(crypto_sk_new(gcm, 100, k16, CRYPTO_CSPAN(km, 4), NULL, NULL, &sk), "not allowed");
	FAILS(crypto_sk_new(gcm, 128, k16, CRYPTO_CSPAN(km, 3), NULL, NULL, &sk), "salt");
	FAILS(crypto_sk_new(gcm, 128, k16, CRYPTO_CSPAN(km, 4), sha1, k20, &sk), "AEAD");
	FAILS(crypto_sk_new(cbc, 128, k16, CRYPTO_CSPAN(km, 0), NULL, NULL, &sk), "needs an integrity");
	FAILS(crypto_sk_new(cbc, 128, k16, CRYPTO_CSPAN(km, 0), sha1, k16, &sk), "integrity key");
	FAILS(crypto_sk_new(NULL, 128, k16, CRYPTO_CSPAN(km, 0), sha1, k20, &sk), "no encryption");
	FAILS(crypto_sk_from_bytes(gcm, CRYPTO_CSPAN(km, 4), NULL, CRYPTO_CSPAN(NULL, 0), &sk),
	      "too short");
	assert_null(sk);
	OK(crypto_sk_new(cbc, 128, k16, CRYPTO_CSPAN(km, 0), sha1, k20, &sk));
	crypto_symkey_free(&k16);	/* the sk holds its own references */
	crypto_symkey_free(&k20);
	uint8_t iv[16] = { 0 }, t[16] = { 0 }, icv[12];
	OK(crypto_sk_encrypt_iv(sk, CRYPTO_CSPAN(NULL, 0), CRYPTO_CSPAN(iv, 16), CRYPTO_SPAN(t, 16),
				CRYPTO_SPAN(icv, 12)));
	crypto_sk_free(&sk);
}

/* ---- prf, prf+, key schedule ---- */

static void test_prf_rejects(void **state)
{
	(void)state;
	const struct crypto_prf *prf = crypto_prf_by_id(IKEv2_PRF_HMAC_SHA2_256);
	const struct crypto_integ *integ = crypto_integ_by_id(IKEv2_INTEG_HMAC_SHA2_256_128);
	uint8_t kb[32] = { 3 }, out[64];
	PK11SymKey *k = NULL, *o = NULL;
	OK(crypto_symkey_from_bytes(CRYPTO_CSPAN(kb, 32), &k));
	struct crypto_cspan d = CRYPTO_CSPAN("data", 4);
	FAILS(crypto_prf_bytes(prf, k, &d, 1, out, 31), "prf gives 32");
	FAILS(crypto_integ_mac(integ, k, &d, 1, out, 32), "ICV is 16");
	FAILS(crypto_prfplus(prf, k, NULL, d, 0, &o), "cannot produce 0");
	FAILS(crypto_prfplus(prf, k, NULL, d, 255 * 32 + 1, &o), "at most 8160");
	OK(crypto_prfplus(prf, k, NULL, d, 255 * 32, &o));	/* the maximum is fine */
	assert_int_equal(crypto_symkey_len(o), 255 * 32);
	crypto_symkey_free(&o);
	FAILS(crypto_symkey_from_bytes(CRYPTO_CSPAN(kb, 0), &o), "empty key");
	/* prf as bytes and as a key agree */
	OK(crypto_prf_bytes(prf, k, &d, 1, out, 32));
	OK(crypto_prf_key(prf, k, &d, 1, &o));
	uint8_t out2[32];
	OK(crypto_key_octets(o, out2, 32));
	assert_memory_equal(out, out2, 32);
	crypto_symkey_free(&o);
	crypto_symkey_free(&k);
}

static void test_ike_keys_rejects(void **state)
{
	(void)state;
	const struct crypto_prf *prf = crypto_prf_by_id(IKEv2_PRF_HMAC_SHA2_256);
	const struct crypto_encr *gcm = crypto_encr_by_id(IKEv2_ENCR_AES_GCM_16);
	const struct crypto_encr *cbc = crypto_encr_by_id(IKEv2_ENCR_AES_CBC);
	const struct crypto_integ *sha = crypto_integ_by_id(IKEv2_INTEG_HMAC_SHA2_256_128);
	uint8_t kb[32] = { 9 }, n[32] = { 1 }, spi[8] = { 2 };
	PK11SymKey *k = NULL, *s = NULL;
	OK(crypto_symkey_from_bytes(CRYPTO_CSPAN(kb, 32), &k));
	struct crypto_cspan nc = CRYPTO_CSPAN(n, 32), sc = CRYPTO_CSPAN(spi, 8);
	struct crypto_ike_keys keys = { 0 };
	FAILS(crypto_ike_skeyseed(prf, CRYPTO_CSPAN(n, 0), nc, k, &s), "both nonces");
	FAILS(crypto_ike_skeyseed(crypto_prf_by_id(IKEv2_PRF_AES128_XCBC), CRYPTO_CSPAN(n, 4), nc, k, &s),
	      "shorter than 8");
	FAILS(crypto_ike_keys_derive(prf, k, nc, nc, CRYPTO_CSPAN(spi, 4), sc, gcm, 128, NULL, &keys),
	      "8 octets");
	FAILS(crypto_ike_keys_derive(prf, k, nc, nc, sc, sc, gcm, 100, NULL, &keys), "not allowed");
	FAILS(crypto_ike_keys_derive(prf, k, nc, nc, sc, sc, gcm, 128, sha, &keys), "AEAD");
	FAILS(crypto_ike_keys_derive(prf, k, nc, nc, sc, sc, cbc, 128, NULL, &keys), "integrity");
	assert_null(keys.sk_d);
	struct crypto_child_kernel_keys kk;
	FAILS(crypto_child_keymat_export_for_kernel(prf, k, NULL, CRYPTO_CSPAN(n, 0), nc, gcm, 128,
						    NULL, &kk), "both nonces");
	FAILS(crypto_child_keymat_export_for_kernel(prf, k, NULL, nc, nc, cbc, 128, NULL, &kk),
	      "integrity");
	/* a real one: sizes as XFRM wants them */
	OK(crypto_ike_keys_derive(prf, k, nc, nc, sc, sc, cbc, 256, sha, &keys));
	assert_int_equal(crypto_symkey_len(keys.sk_d), 32);
	assert_int_equal(crypto_sk_icv_size(keys.i2r), 16);
	OK(crypto_child_keymat_export_for_kernel(prf, keys.sk_d, NULL, nc, nc, gcm, 256, NULL, &kk));
	assert_int_equal(kk.encr_len, 36);
	assert_int_equal(kk.integ_len, 0);
	crypto_child_kernel_keys_wipe(&kk);
	static const struct crypto_child_kernel_keys zero;
	assert_memory_equal(&kk, &zero, sizeof(kk));
	crypto_ike_keys_free(&keys);
	assert_null(keys.sk_d);
	assert_null(keys.i2r);
	crypto_symkey_free(&k);
}

/*
 * RFC 7296 2.15 shared-key AUTH; expected values from Python:
 *   prf=lambda k,d,h=hashlib.sha256: hmac.new(k,d,h).digest()
 *   m=prf(bytes(range(32)), bytes.fromhex('02000000')+b'west')
 *   prf(prf(b'secret-psk-for-tern', b'Key Pad for IKEv2'), bytes(range(100))+bytes(range(200,232))+m)
 */
static void test_psk_auth(void **state)
{
	(void)state;
	const struct crypto_prf *prf = crypto_prf_by_id(IKEv2_PRF_HMAC_SHA2_256);
	uint8_t skp_b[32], msg[100], nonce[32], maced[32], auth[32];
	for (int i = 0; i < 32; i++)
		skp_b[i] = (uint8_t)i;
	for (int i = 0; i < 100; i++)
		msg[i] = (uint8_t)i;
	for (int i = 0; i < 32; i++)
		nonce[i] = (uint8_t)(200 + i);
	static const uint8_t idb[] = { 0x02, 0, 0, 0, 'w', 'e', 's', 't' };
	PK11SymKey *skp = NULL, *psk = NULL;
	OK(crypto_symkey_from_bytes(CRYPTO_CSPAN(skp_b, 32), &skp));
	OK(crypto_symkey_from_bytes(CRYPTO_CSPAN("secret-psk-for-tern", 19), &psk));
	OK(crypto_maced_id(prf, skp, CRYPTO_CSPAN(idb, sizeof(idb)), maced, 32));
	size_t n;
	uint8_t *want = crypto_unhex("3ceb382f3d806c874081accf9f9df9225df8d03f7e330da26098e6f699284e0b", &n);
	assert_memory_equal(maced, want, 32);
	free(want);
	OK(crypto_psk_auth(prf, psk, CRYPTO_CSPAN(msg, 100), CRYPTO_CSPAN(nonce, 32),
			   CRYPTO_CSPAN(maced, 32), auth, 32));
	want = crypto_unhex("8279dc19f43a3af3e9ef9e0977805ac741e7d173a0af5e3ae1ce817c3f2872d8", &n);
	assert_memory_equal(auth, want, 32);
	free(want);
	/* in two steps (the Key Pad key kept per PSK): the same AUTH, twice */
	PK11SymKey *padded = NULL;
	OK(crypto_psk_keypad(prf, psk, &padded));
	for (int k = 0; k < 2; k++) {
		uint8_t auth1[32];
		OK(crypto_psk_auth_padded(prf, padded, CRYPTO_CSPAN(msg, 100), CRYPTO_CSPAN(nonce, 32),
					  CRYPTO_CSPAN(maced, 32), auth1, 32));
		assert_memory_equal(auth1, auth, 32);
	}
	FAILS(crypto_psk_auth_padded(prf, padded, CRYPTO_CSPAN(msg, 100), CRYPTO_CSPAN(nonce, 32),
				     CRYPTO_CSPAN(maced, 32), auth, 20), "output buffer");
	crypto_symkey_free(&padded);
	/* a different PSK gives a different AUTH */
	PK11SymKey *other = NULL;
	uint8_t auth2[32];
	OK(crypto_symkey_from_bytes(CRYPTO_CSPAN("secret-psk-for-terN", 19), &other));
	OK(crypto_psk_auth(prf, other, CRYPTO_CSPAN(msg, 100), CRYPTO_CSPAN(nonce, 32),
			   CRYPTO_CSPAN(maced, 32), auth2, 32));
	assert_memory_not_equal(auth, auth2, 32);
	FAILS(crypto_psk_auth(prf, psk, CRYPTO_CSPAN(msg, 100), CRYPTO_CSPAN(nonce, 32),
			      CRYPTO_CSPAN(maced, 31), auth, 32), "MACedID of 31");
	FAILS(crypto_psk_auth(prf, psk, CRYPTO_CSPAN(msg, 100), CRYPTO_CSPAN(nonce, 32),
			      CRYPTO_CSPAN(maced, 32), auth, 20), "output buffer");
	FAILS(crypto_maced_id(prf, skp, CRYPTO_CSPAN(idb, 3), maced, 32), "too short");
	crypto_symkey_free(&other);
	crypto_symkey_free(&skp);
	crypto_symkey_free(&psk);
}

static void test_key_helpers(void **state)
{
	(void)state;
	uint8_t kb[3] = { 0xaa, 0xbb, 0xcc }, out[8];
	PK11SymKey *k = NULL, *p = NULL, *sl = NULL;
	OK(crypto_symkey_from_bytes(CRYPTO_CSPAN(kb, 3), &k));
	/* MODP g^ir is left-padded to the prime's size with this */
	OK(crypto_key_pad_left(k, 8, &p));
	OK(crypto_key_octets(p, out, 8));
	static const uint8_t want[8] = { 0, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc };
	assert_memory_equal(out, want, 8);
	FAILS(crypto_key_pad_left(k, 3, &sl), "cannot pad");
	FAILS(crypto_key_octets(p, out, 7), "expected 7");
	OK(crypto_key_slice(p, 5, 2, CKM_GENERIC_SECRET_KEY_GEN, &sl));
	OK(crypto_key_octets(sl, out, 2));
	assert_memory_equal(out, want + 5, 2);
	crypto_symkey_free(&sl);
	FAILS(crypto_key_slice(p, 7, 2, CKM_GENERIC_SECRET_KEY_GEN, &sl), "outside");
	FAILS(crypto_key_slice(p, 9, 1, CKM_GENERIC_SECRET_KEY_GEN, &sl), "outside");
	FAILS(crypto_key_slice(p, 0, 0, CKM_GENERIC_SECRET_KEY_GEN, &sl), "outside");
	assert_null(sl);
	size_t n = 99;
	assert_null(crypto_unhex("abc", &n));
	assert_null(crypto_unhex("zz", &n));
	uint8_t *h = crypto_unhex("0a 0B", &n);
	assert_non_null(h);
	assert_int_equal(n, 2);
	assert_int_equal(h[1], 0x0b);
	free(h);
	crypto_symkey_free(&p);
	crypto_symkey_free(&k);
}

/* ---- secrets in debug output ---- */

static char last_line[1024];
static unsigned nr_lines;
static void sink(void *ctx, const struct log_line *line)
{
	(void)ctx;
	snprintf(last_line, sizeof(last_line), "%s", line->text);
	nr_lines++;
}

static void test_dbg_symkey(void **state)
{
	(void)state;
	uint8_t kb[4] = { 0xde, 0xad, 0xbe, 0xef };
	PK11SymKey *k = NULL;
	OK(crypto_symkey_from_bytes(CRYPTO_CSPAN(kb, 4), &k));
	assert_true(log_add_sink(sink, NULL));
	unsigned saved = tern_debugging;
	tern_debugging = 0;
	nr_lines = 0;
	crypto_dbg_symkey(&global_logger, "SK_d", k);
	assert_int_equal(nr_lines, 0);
	tern_debugging = DBG_ALL;
	crypto_dbg_symkey(&global_logger, "SK_d", k);
	assert_int_equal(nr_lines, 1);
	assert_string_equal(last_line, "| SK_d: 4-octet key");
	tern_debugging = DBG_ALL | DBG_PRIVATE;
	crypto_dbg_symkey(&global_logger, "SK_d", k);
	assert_string_equal(last_line, "| SK_d: 4-octet key deadbeef");
	tern_debugging = saved;
	log_remove_sink(sink, NULL);
	crypto_symkey_free(&k);
}

/* ---- thread safety: the key schedule and KE on several threads ---- */

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++) {
		diag_t d = kat_run_ikekeys(&kat_ikekeys_vectors[i % 3]);
		if (d == NULL)
			d = kat_run_ke(&kat_ke_vectors[3]);
		if (d == NULL)
			d = kat_run_cipher(&kat_cipher_vectors[i % 4]);
		if (d != NULL)
			return d;
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *r;
		assert_int_equal(pthread_join(t[i], &r), 0);
		diag_t d = r;
		OK(d);
	}
}

static void test_hash_rejects(void **state)
{
	(void)state;
	uint8_t out[64];
	struct crypto_cspan d = CRYPTO_CSPAN("abc", 3);
	assert_int_equal(crypto_hash_size(IKEv2_HASH_SHA1), 20);
	assert_int_equal(crypto_hash_size(IKEv2_HASH_SHA2_512), 64);
	assert_int_equal(crypto_hash_size(IKEv2_HASH_IDENTITY), 0);
	FAILS(crypto_hash(IKEv2_HASH_IDENTITY, &d, 1, out, 20), "unknown hash");
	FAILS(crypto_hash(IKEv2_HASH_SHA1, &d, 1, out, 32), "digest is 20");
	/* empty input is the hash of nothing */
	OK(crypto_hash(IKEv2_HASH_SHA1, NULL, 0, out, 20));
	size_t n;
	uint8_t *want = crypto_unhex("da39a3ee5e6b4b0d3255bfef95601890afd80709", &n);
	assert_memory_equal(out, want, 20);
	free(want);
}

static void test_random(void **state)
{
	(void)state;
	uint8_t a[32] = { 0 }, b[32] = { 0 };
	OK(crypto_random(CRYPTO_SPAN(a, 32)));
	OK(crypto_random(CRYPTO_SPAN(b, 32)));
	assert_memory_not_equal(a, b, 32);
	OK(crypto_random(CRYPTO_SPAN(NULL, 0)));
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_ke_roundtrip_ecp),
		cmocka_unit_test(test_ke_reject_length),
		cmocka_unit_test(test_ke_reject_modp_range),
		cmocka_unit_test(test_ke_reject_ecp_point),
		cmocka_unit_test(test_ke_reject_x25519_small_order),
		cmocka_unit_test(test_ke_bad_group),
		cmocka_unit_test(test_sk_roundtrip_and_rejects),
		cmocka_unit_test(test_sk_empty_cbc),
		cmocka_unit_test(test_sk_new_rejects),
		cmocka_unit_test(test_prf_rejects),
		cmocka_unit_test(test_ike_keys_rejects),
		cmocka_unit_test(test_psk_auth),
		cmocka_unit_test(test_key_helpers),
		cmocka_unit_test(test_dbg_symkey),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_hash_rejects),
		cmocka_unit_test(test_random),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	return rc;
}
