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
	int rc = _cmocka_run_group_tests("crypto-kat", tests, nr_tests, NULL, NULL);
	NSS_Shutdown();
	return rc;
}
