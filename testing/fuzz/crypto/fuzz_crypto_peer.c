/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/crypto on untrusted bytes: a peer's KE payload value and an SK
 * payload (AAD, IV, ciphertext, ICV) from the wire.  Neither may crash,
 * and a decryption that reports failure must leave the text untouched.
 *
 * Input: byte 0 even = KE: byte 1 picks the group, the rest is the peer's
 * public value.  Byte 0 odd = SK: byte 1 picks the cipher suite, byte 2
 * the AAD length, then AAD, IV, ICV (the suite's sizes), the rest is text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nss.h>

#include "tern/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct { unsigned encr, integ; size_t keylen; } suites[] = {
	{ IKEv2_ENCR_AES_GCM_16, IKEv2_INTEG_NONE, 32 },
	{ IKEv2_ENCR_CHACHA20_POLY1305, IKEv2_INTEG_NONE, 32 },
	{ IKEv2_ENCR_AES_CBC, IKEv2_INTEG_HMAC_SHA2_256_128, 16 },
	{ IKEv2_ENCR_AES_CTR, IKEv2_INTEG_HMAC_SHA1_96, 16 },
	{ IKEv2_ENCR_AES_GCM_8, IKEv2_INTEG_NONE, 16 },
};
#define NR_SUITES (sizeof(suites) / sizeof(suites[0]))
#define NR_GROUPS 7

static struct crypto_sk *sks[NR_SUITES];
static struct crypto_ke_secret *kes[NR_GROUPS];

/* keys: octet i of the encryption keymat is i*5+1, of the integrity key i*3+7 */
static void init(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess)
		abort();
	uint8_t km[CRYPTO_MAX_ENCR_KEYMAT], ik[CRYPTO_MAX_INTEG_KEYMAT];
	for (size_t i = 0; i < sizeof(km); i++)
		km[i] = (uint8_t)(i * 5 + 1);
	for (size_t i = 0; i < sizeof(ik); i++)
		ik[i] = (uint8_t)(i * 3 + 7);
	for (size_t s = 0; s < NR_SUITES; s++) {
		const struct crypto_encr *e = crypto_encr_by_id(suites[s].encr);
		const struct crypto_integ *in = crypto_integ_by_id(suites[s].integ);
		diag_t d = crypto_sk_from_bytes(e, CRYPTO_CSPAN(km, suites[s].keylen + e->salt_size), in,
						CRYPTO_CSPAN(ik, in != NULL ? in->key_size : 0), &sks[s]);
		if (d != NULL)
			abort();
	}
	size_t n = 0;
	for (const struct crypto_ke_group *g = crypto_ke_table; g->name != NULL && n < NR_GROUPS; g++) {
		if (crypto_ke_generate(g, &kes[n]) != NULL)
			abort();
		n++;
	}
}

static void fuzz_ke(const uint8_t *data, size_t size)
{
	if (size < 1)
		return;
	struct crypto_ke_secret *s = kes[data[0] % NR_GROUPS];
	PK11SymKey *k = NULL;
	diag_t d = crypto_ke_derive(s, CRYPTO_CSPAN(data + 1, size - 1), &k);
	if (d != NULL) {
		if (k != NULL)
			abort();	/* outputs untouched on failure */
		diag_free(&d);
		return;
	}
	if (crypto_symkey_len(k) != crypto_ke_secret_group(s)->shared_size)
		abort();
	crypto_symkey_free(&k);
}

static void fuzz_sk(const uint8_t *data, size_t size)
{
	if (size < 2)
		return;
	const struct crypto_sk *sk = sks[data[0] % NR_SUITES];
	size_t aad_len = data[1];
	data += 2;
	size -= 2;
	size_t ivl = crypto_sk_iv_size(sk), icvl = crypto_sk_icv_size(sk);
	if (size < aad_len + ivl + icvl)
		return;
	const uint8_t *aad = data, *iv = data + aad_len, *icv = iv + ivl;
	const uint8_t *text = icv + icvl;
	size_t tl = size - aad_len - ivl - icvl;
	uint8_t *copy = malloc(tl + 1);
	if (copy == NULL)
		abort();
	if (tl > 0)
		memcpy(copy, text, tl);
	diag_t d = crypto_sk_decrypt(sk, CRYPTO_CSPAN(aad, aad_len), CRYPTO_CSPAN(iv, ivl),
				     CRYPTO_SPAN(copy, tl), CRYPTO_CSPAN(icv, icvl));
	if (d != NULL) {
		if (tl > 0 && memcmp(copy, text, tl) != 0)
			abort();	/* never a partial result */
		diag_free(&d);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		init();
		ready = 1;
	}
	if (size < 1)
		return 0;
	if ((data[0] & 1) == 0)
		fuzz_ke(data + 1, size - 1);
	else
		fuzz_sk(data + 1, size - 1);
	return 0;
}
