/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw public keys (tern/crypto_pubkey.h): base64 (RFC 4648 10 vectors),
 * RFC 3110 leftrsasigkey= round trips against an RSA key whose encodings
 * another implementation produced (sig_vectors.h), SPKI/PEM/0s forms,
 * leftpubkey= from a PEM file, EC points, CKAID and key ID, and every
 * reject with its message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <nss.h>

#include "internal.h"
#include "tern/crypto_pubkey.h"
#include "sig_vectors.h"

#define OK(expr) do { diag_t d_ = (expr); \
	if (d_ != NULL) { print_error("%s: %s\n", #expr, diag_str(d_)); diag_free(&d_); fail(); } } while (0)
#define FAILS(expr, what) do { diag_t d_ = (expr); \
	if (d_ == NULL) fail_msg("%s succeeded", #expr); \
	if (strstr(diag_str(d_), (what)) == NULL) fail_msg("%s: '%s' lacks '%s'", #expr, diag_str(d_), (what)); \
	diag_free(&d_); } while (0)

static void test_base64(void **state)
{
	(void)state;
	static const struct {
		const char *plain, *b64;
	} v[] = {
		{ "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *e = crypto_base64_encode(CRYPTO_CSPAN(v[i].plain, strlen(v[i].plain)));
		assert_string_equal(e, v[i].b64);
		free(e);
		uint8_t *d = NULL;
		size_t len = 0;
		OK(crypto_base64_decode(v[i].b64, strlen(v[i].b64), &d, &len));
		assert_int_equal(len, strlen(v[i].plain));
		assert_memory_equal(d, v[i].plain, len);
		free(d);
	}
	uint8_t *d = NULL;
	size_t len = 0;
	OK(crypto_base64_decode(" Zm9v\n YmFy\t", 12, &d, &len));
	assert_int_equal(len, 6);
	free(d);
	d = NULL;
	FAILS(crypto_base64_decode("Zm9*", 4, &d, &len), "invalid character 0x2a at offset 3");
	FAILS(crypto_base64_decode("Zm9", 3, &d, &len), "truncated");
	FAILS(crypto_base64_decode("Z===", 4, &d, &len), "misplaced '='");
	FAILS(crypto_base64_decode("Zg==Zg==", 8, &d, &len), "after '=' padding");
	FAILS(crypto_base64_decode("", 0, &d, &len), "no data");
	assert_null(d);
}

static SECKEYPublicKey *vec_key(void)
{
	size_t len;
	uint8_t *der = crypto_unhex(vec_rsa_spki, &len);
	assert_non_null(der);
	SECKEYPublicKey *k = NULL;
	OK(crypto_pubkey_from_spki(CRYPTO_CSPAN(der, len), &k));
	free(der);
	return k;
}

static void test_rsasigkey(void **state)
{
	(void)state;
	SECKEYPublicKey *spki = vec_key();
	assert_string_equal(crypto_pubkey_type_name(spki), "RSA");
	assert_int_equal(crypto_pubkey_bits(spki), 2048);

	SECKEYPublicKey *k = NULL;
	OK(crypto_pubkey_from_rsasigkey(vec_rsa_rsasigkey, &k));
	assert_true(crypto_pubkey_equal(k, spki));
	char *text = NULL;
	OK(crypto_pubkey_to_rsasigkey(spki, &text));
	assert_string_equal(text, vec_rsa_rsasigkey);
	free(text);
	OK(crypto_pubkey_to_rsasigkey(k, &text));
	assert_string_equal(text, vec_rsa_rsasigkey);
	free(text);

	/* CKAID and key ID as Libreswan/NSS compute them */
	uint8_t ckaid[CRYPTO_CKAID_SIZE];
	char hex[2 * CRYPTO_CKAID_SIZE + 1];
	OK(crypto_pubkey_ckaid(k, ckaid));
	crypto_ckaid_hex(ckaid, hex);
	assert_string_equal(hex, vec_rsa_ckaid);
	uint8_t back[CRYPTO_CKAID_SIZE];
	OK(crypto_ckaid_parse(hex, back));
	assert_memory_equal(back, ckaid, sizeof(back));
	char keyid[CRYPTO_KEYID_CHARS + 1];
	OK(crypto_pubkey_keyid(k, keyid));
	assert_string_equal(keyid, vec_rsa_keyid);
	/* 03 01 00 01: exponent length 3, e = 65537 */
	assert_true(strncmp(keyid, "AwEAA", 5) == 0);

	/* the 0x hex spelling of the same blob */
	uint8_t *blob = NULL;
	size_t blen = 0;
	OK(crypto_pubkey_to_rfc3110(k, &blob, &blen));
	char *hx = malloc(2 * blen + 3);
	assert_non_null(hx);
	strcpy(hx, "0x");
	for (size_t i = 0; i < blen; i++)
		sprintf(hx + 2 + 2 * i, "%02X", blob[i]);
	SECKEYPublicKey *h = NULL;
	OK(crypto_pubkey_from_rsasigkey(hx, &h));
	assert_true(crypto_pubkey_equal(h, k));
	crypto_pubkey_free(&h);
	free(hx);

	/* rejects, each naming the problem; the output stays NULL */
	SECKEYPublicKey *bad = NULL;
	FAILS(crypto_pubkey_from_rsasigkey("AwEAAQ", &bad), "expecting \"0s\"");
	FAILS(crypto_pubkey_from_rsasigkey("0s", &bad), "no data");
	FAILS(crypto_pubkey_from_rsasigkey("0sAwEA!Q==", &bad), "invalid character");
	FAILS(crypto_pubkey_from_rfc3110(CRYPTO_CSPAN(blob, 0), &bad), "empty");
	/* exponent length beyond the blob */
	uint8_t *mut = malloc(blen);
	assert_non_null(mut);
	memcpy(mut, blob, blen);
	mut[0] = 0xff;
	FAILS(crypto_pubkey_from_rfc3110(CRYPTO_CSPAN(mut, 200), &bad), "does not fit");
	mut[0] = 0;	/* then a 2-octet length is expected */
	FAILS(crypto_pubkey_from_rfc3110(CRYPTO_CSPAN(mut, 2), &bad), "truncated exponent length");
	/* even exponent */
	memcpy(mut, blob, blen);
	mut[3] = 0x00;
	FAILS(crypto_pubkey_from_rfc3110(CRYPTO_CSPAN(mut, blen), &bad), "exponent must be odd");
	/* short modulus */
	memcpy(mut, blob, blen);
	FAILS(crypto_pubkey_from_rfc3110(CRYPTO_CSPAN(mut, 4 + 100), &bad), "at least 1024");
	/* even modulus */
	mut[blen - 1] &= 0xfe;
	FAILS(crypto_pubkey_from_rfc3110(CRYPTO_CSPAN(mut, blen), &bad), "modulus is even");
	assert_null(bad);
	free(mut);
	free(blob);

	FAILS(crypto_ckaid_parse("abcd", back), "expecting 20");
	FAILS(crypto_ckaid_parse("zz", back), "invalid character");

	crypto_pubkey_free(&k);
	crypto_pubkey_free(&spki);
}

static void test_spki_pem(void **state)
{
	(void)state;
	SECKEYPublicKey *k = vec_key();
	/* PEM: ours is exactly OpenSSL's */
	char *pem = NULL;
	OK(crypto_pubkey_to_pem(k, &pem));
	assert_string_equal(pem, vec_rsa_pem);
	SECKEYPublicKey *p = NULL;
	OK(crypto_pubkey_from_pem(pem, &p));
	assert_true(crypto_pubkey_equal(p, k));
	crypto_pubkey_free(&p);

	/* 0s SPKI */
	char *s = NULL;
	OK(crypto_pubkey_to_0s_spki(k, &s));
	assert_true(strncmp(s, "0sMII", 5) == 0);
	OK(crypto_pubkey_parse(s, &p));
	assert_true(crypto_pubkey_equal(p, k));
	crypto_pubkey_free(&p);
	free(s);
	/* leftpubkey= given an RFC 3110 blob, PEM text, a PEM file */
	OK(crypto_pubkey_parse(vec_rsa_rsasigkey, &p));
	assert_true(crypto_pubkey_equal(p, k));
	crypto_pubkey_free(&p);
	OK(crypto_pubkey_parse(pem, &p));
	assert_true(crypto_pubkey_equal(p, k));
	crypto_pubkey_free(&p);
	char path[] = "/tmp/tern-test-pubkey-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pem, strlen(pem)), (ssize_t)strlen(pem));
	close(fd);
	OK(crypto_pubkey_parse(path, &p));
	assert_true(crypto_pubkey_equal(p, k));
	crypto_pubkey_free(&p);
	unlink(path);
	FAILS(crypto_pubkey_parse(path, &p), "No such file");
	FAILS(crypto_pubkey_parse("", &p), "empty");

	/* broken PEM and DER */
	FAILS(crypto_pubkey_from_pem("hello", &p), "no \"-----BEGIN PUBLIC KEY-----\"");
	char *cut = strdup(pem);
	assert_non_null(cut);
	*strstr(cut, "-----END") = '\0';
	FAILS(crypto_pubkey_from_pem(cut, &p), "no \"-----END PUBLIC KEY-----\"");
	free(cut);
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	FAILS(crypto_pubkey_from_spki(CRYPTO_CSPAN(junk, sizeof(junk)), &p), "SubjectPublicKeyInfo");
	FAILS(crypto_pubkey_parse("0sMAMCAQE=", &p), "SubjectPublicKeyInfo");
	uint8_t *der = NULL;
	size_t len = 0;
	OK(crypto_pubkey_to_spki(k, &der, &len));
	FAILS(crypto_pubkey_from_spki(CRYPTO_CSPAN(der, len - 1), &p), "SubjectPublicKeyInfo");
	free(der);
	assert_null(p);
	free(pem);
	crypto_pubkey_free(&k);
}

static void test_ec(void **state)
{
	(void)state;
	size_t len;
	uint8_t *der = crypto_unhex(vec_p521_spki, &len);
	uint8_t *pt_bytes;
	size_t pt_len;
	pt_bytes = crypto_unhex(vec_p521_point, &pt_len);
	assert_non_null(der);
	assert_non_null(pt_bytes);
	SECKEYPublicKey *k = NULL, *q = NULL;
	OK(crypto_pubkey_from_spki(CRYPTO_CSPAN(der, len), &k));
	assert_string_equal(crypto_pubkey_type_name(k), "ECDSA");
	assert_int_equal(crypto_pubkey_bits(k), 521);
	OK(crypto_pubkey_from_ec_point(521, CRYPTO_CSPAN(pt_bytes, pt_len), &q));
	assert_true(crypto_pubkey_equal(k, q));
	uint8_t ckaid[CRYPTO_CKAID_SIZE];
	char hex[41];
	OK(crypto_pubkey_ckaid(q, ckaid));
	crypto_ckaid_hex(ckaid, hex);
	assert_string_equal(hex, vec_p521_ckaid);
	/* SPKI made by us is OpenSSL's */
	uint8_t *ours = NULL;
	size_t ours_len = 0;
	OK(crypto_pubkey_to_spki(q, &ours, &ours_len));
	assert_int_equal(ours_len, len);
	assert_memory_equal(ours, der, len);
	free(ours);
	/* PEM round trip */
	char *pem = NULL;
	SECKEYPublicKey *r = NULL;
	OK(crypto_pubkey_to_pem(q, &pem));
	OK(crypto_pubkey_parse(pem, &r));
	assert_true(crypto_pubkey_equal(r, k));
	crypto_pubkey_free(&r);
	free(pem);
	/* an EC key is not an RFC 3110 RSA key */
	char *t = NULL;
	FAILS(crypto_pubkey_to_rsasigkey(q, &t), "needs an RSA key");
	assert_false(crypto_pubkey_equal(q, NULL));
	/* bad points */
	FAILS(crypto_pubkey_from_ec_point(256, CRYPTO_CSPAN(pt_bytes, pt_len), &r), "P-256 point");
	pt_bytes[0] = 0x02;
	FAILS(crypto_pubkey_from_ec_point(521, CRYPTO_CSPAN(pt_bytes, pt_len), &r), "04 | x | y");
	FAILS(crypto_pubkey_from_ec_point(255, CRYPTO_CSPAN(pt_bytes, pt_len), &r), "unsupported curve");
	assert_null(r);
	crypto_pubkey_free(&k);
	crypto_pubkey_free(&q);
	free(der);
	free(pt_bytes);
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_rsasigkey),
		cmocka_unit_test(test_spki_pem),
		cmocka_unit_test(test_ec),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	return r;
}
