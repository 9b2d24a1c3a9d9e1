/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every known-answer vector of lib/crypto/kat_vectors.c, one cmocka test
 * per vector (named after it), plus MODP round trips for each group.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nss.h>

#include "internal.h"

static void expect_ok(diag_t d)
{
	if (d != NULL) {
		print_error("%s\n", diag_str(d));
		diag_free(&d);
		fail();
	}
}

static void t_hash(void **state)
{
	expect_ok(kat_run_hash(*state));
}

static void t_prf(void **state)
{
	const struct kat_prf *v = *state;
	const struct crypto_prf *p = crypto_prf_by_id(v->prf);
	assert_non_null(p);
	if (!crypto_prf_supported(p))
		skip();
	expect_ok(kat_run_prf(v));
}

static void t_integ(void **state)
{
	const struct kat_integ *v = *state;
	const struct crypto_integ *i = crypto_integ_by_id(v->integ);
	assert_non_null(i);
	if (!crypto_integ_supported(i))
		skip();
	expect_ok(kat_run_integ(v));
}

static void t_cipher(void **state)
{
	const struct kat_cipher *v = *state;
	const struct crypto_encr *e = crypto_encr_by_id(v->encr);
	assert_non_null(e);
	assert_true(crypto_encr_supported(e));	/* all required by issue 3 */
	expect_ok(kat_run_cipher(v));
}

static void t_ke(void **state)
{
	const struct kat_ke *v = *state;
	const struct crypto_ke_group *g = crypto_ke_by_id(v->group);
	assert_non_null(g);
	assert_true(crypto_ke_supported(g));
	expect_ok(kat_run_ke(v));
}

static void t_modp(void **state)
{
	const struct crypto_ke_group *g = *state;
	assert_true(crypto_ke_supported(g));
	expect_ok(kat_run_modp_roundtrip(g));
}

static void t_prfplus(void **state)
{
	const struct kat_prfplus *v = *state;
	const struct crypto_prf *p = crypto_prf_by_id(v->prf);
	assert_non_null(p);
	if (!crypto_prf_supported(p))
		skip();
	expect_ok(kat_run_prfplus(v));
}

static void t_ikekeys(void **state)
{
	const struct kat_ikekeys *v = *state;
	const struct crypto_prf *p = crypto_prf_by_id(v->prf);
	assert_non_null(p);
	if (!crypto_prf_supported(p))
		skip();
	expect_ok(kat_run_ikekeys(v));
}

/* the runners really compare: a wrong expected value is reported, naming
 * the vector and what differed */
static void expect_fail(diag_t d, const char *name, const char *what)
{
	assert_non_null(d);
	if (strstr(diag_str(d), name) == NULL || strstr(diag_str(d), what) == NULL)
		fail_msg("'%s' lacks '%s' or '%s'", diag_str(d), name, what);
	diag_free(&d);
}

static void t_runners_detect(void **state)
{
	(void)state;
	struct kat_hash hh = kat_hash_vectors[0];
	hh.name = "bad hash";
	hh.data = "616264";
	expect_fail(kat_run_hash(&hh), "bad hash", "digest mismatch");
	struct kat_prf p = kat_prf_vectors[0];
	p.name = "bad prf";
	p.out = "298a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7";
	expect_fail(kat_run_prf(&p), "bad prf", "prf bytes mismatch");
	struct kat_integ i = kat_integ_vectors[0];
	i.name = "bad integ";
	i.out = "198a607eb44bfbc69903a0f1cf2bbdc6";
	expect_fail(kat_run_integ(&i), "bad integ", "ICV mismatch");
	struct kat_cipher c = kat_cipher_vectors[0];
	c.name = "bad cipher";
	c.icv = "5bc94fbc3221a5db94fae95ae7121a48";
	expect_fail(kat_run_cipher(&c), "bad cipher", "ICV mismatch");
	c = kat_cipher_vectors[5];
	c.name = "bad chacha";
	c.keymat = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" "07000001";
	expect_fail(kat_run_cipher(&c), "bad chacha", "ciphertext mismatch");
	struct kat_ke k = kat_ke_vectors[0];
	k.name = "bad ke";
	k.shared = "e6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";
	expect_fail(kat_run_ke(&k), "bad ke", "shared secret mismatch");
	struct kat_prfplus pp = kat_prfplus_vectors[0];
	pp.name = "bad prf+";
	pp.seed = "7465726e207072662b2073656565";
	expect_fail(kat_run_prfplus(&pp), "bad prf+", "prf+ output mismatch");
	struct kat_ikekeys ik = kat_ikekeys_vectors[0];
	ik.name = "bad keys";
	ik.spi_r = "8899aabbccddeef0";
	expect_fail(kat_run_ikekeys(&ik), "bad keys", "SK_d mismatch");
	ik = kat_ikekeys_vectors[0];
	ik.name = "bad child";
	ik.child_keymat_pfs = ik.child_keymat;
	expect_fail(kat_run_ikekeys(&ik), "bad child", "Child SA KEYMAT (PFS) mismatch");
	ik = kat_ikekeys_vectors[1];
	ik.name = "bad hex";
	ik.ni = "10111";
	expect_fail(kat_run_ikekeys(&ik), "bad hex", "bad hex");
}

static void t_selftest(void **state)
{
	(void)state;
	expect_ok(crypto_selftest(NULL));
}

#define MAX_TESTS 128
static struct CMUnitTest tests[MAX_TESTS];
static size_t nr_tests;

static void add(const char *name, CMUnitTestFunction fn, const void *vector)
{
	if (nr_tests >= MAX_TESTS)
		abort();
	tests[nr_tests++] = (struct CMUnitTest){
		.name = name, .test_func = fn, .initial_state = (void *)vector,
	};
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	for (const struct kat_hash *v = kat_hash_vectors; v->name != NULL; v++)
		add(v->name, t_hash, v);
	for (const struct kat_prf *v = kat_prf_vectors; v->name != NULL; v++)
		add(v->name, t_prf, v);
	for (const struct kat_integ *v = kat_integ_vectors; v->name != NULL; v++)
		add(v->name, t_integ, v);
	for (const struct kat_cipher *v = kat_cipher_vectors; v->name != NULL; v++)
		add(v->name, t_cipher, v);
	for (const struct kat_ke *v = kat_ke_vectors; v->name != NULL; v++)
		add(v->name, t_ke, v);
	for (const struct crypto_ke_group *g = crypto_ke_table; g->name != NULL; g++)
		if (g->kind == CRYPTO_KE_MODP)
			add(g->name, t_modp, g);
	for (const struct kat_prfplus *v = kat_prfplus_vectors; v->name != NULL; v++)
		add(v->name, t_prfplus, v);
	for (const struct kat_ikekeys *v = kat_ikekeys_vectors; v->name != NULL; v++)
		add(v->name, t_ikekeys, v);
	add("crypto_selftest", t_selftest, NULL);
	add("runners detect wrong answers", t_runners_detect, NULL);
	int rc = _cmocka_run_group_tests("crypto-kat", tests, nr_tests, NULL, NULL);
	NSS_Shutdown();
	return rc;
}
