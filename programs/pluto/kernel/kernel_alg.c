/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IANA ESP transform ids -> XFRM algorithm names and sizes.
 *
 * lib/crypto's table carries kernel names for integrity and ciphers too,
 * but it is tied to NSS; this small table keeps the kernel seam usable
 * on its own (the kernel-esp driver), and unit-kernel-alg checks that the
 * two agree wherever both know an id.
 */
#include <string.h>

#include "kernel/kernel.h"
#include "tern/ike_iana.h"

struct encr_alg {
	unsigned id;
	const char *xfrm;
	unsigned key_bits[4];	/* allowed, 0-terminated; [0] is the default */
	unsigned salt;		/* octets after the key: AEAD salt, CTR nonce */
	unsigned icv_bits;	/* AEAD tag; 0 = not AEAD */
};

static const struct encr_alg encr_algs[] = {
	{ IKEv2_ENCR_AES_CBC, "cbc(aes)", { 128, 192, 256, 0 }, 0, 0 },
	{ IKEv2_ENCR_AES_CTR, "rfc3686(ctr(aes))", { 128, 192, 256, 0 }, 4, 0 },
	{ IKEv2_ENCR_AES_GCM_8, "rfc4106(gcm(aes))", { 128, 192, 256, 0 }, 4, 64 },
	{ IKEv2_ENCR_AES_GCM_12, "rfc4106(gcm(aes))", { 128, 192, 256, 0 }, 4, 96 },
	{ IKEv2_ENCR_AES_GCM_16, "rfc4106(gcm(aes))", { 128, 192, 256, 0 }, 4, 128 },
	{ IKEv2_ENCR_CHACHA20_POLY1305, "rfc7539esp(chacha20,poly1305)", { 256, 0 }, 4, 128 },
};

struct integ_alg {
	unsigned id;
	const char *xfrm;
	unsigned key_bytes;
	unsigned trunc_bits;
};

static const struct integ_alg integ_algs[] = {
	{ IKEv2_INTEG_HMAC_SHA1_96, "hmac(sha1)", 20, 96 },
	{ IKEv2_INTEG_AES_XCBC_96, "xcbc(aes)", 16, 96 },
	{ IKEv2_INTEG_AES_CMAC_96, "cmac(aes)", 16, 96 },
	{ IKEv2_INTEG_HMAC_SHA2_256_128, "hmac(sha256)", 32, 128 },
	{ IKEv2_INTEG_HMAC_SHA2_384_192, "hmac(sha384)", 48, 192 },
	{ IKEv2_INTEG_HMAC_SHA2_512_256, "hmac(sha512)", 64, 256 },
};

#define ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct encr_alg *encr_by_id(unsigned id)
{
	for (size_t i = 0; i < ELEMS(encr_algs); i++)
		if (encr_algs[i].id == id)
			return &encr_algs[i];
	return NULL;
}

static const struct integ_alg *integ_by_id(unsigned id)
{
	for (size_t i = 0; i < ELEMS(integ_algs); i++)
		if (integ_algs[i].id == id)
			return &integ_algs[i];
	return NULL;
}

const char *kernel_encr_name(unsigned encr_id)
{
	const struct encr_alg *e = encr_by_id(encr_id);
	return e == NULL ? NULL : e->xfrm;
}

const char *kernel_integ_name(unsigned integ_id)
{
	const struct integ_alg *i = integ_by_id(integ_id);
	return i == NULL ? NULL : i->xfrm;
}

diag_t kernel_sa_set_algs(struct kernel_sa *sa, unsigned encr_id, unsigned key_bits,
			  unsigned integ_id, const uint8_t *encr_keymat, size_t encr_len,
			  const uint8_t *integ_keymat, size_t integ_len)
{
	const struct encr_alg *e = encr_by_id(encr_id);
	if (e == NULL)
		return diag("kernel: ESP encryption algorithm %u has no XFRM name here", encr_id);
	if (key_bits == 0)
		key_bits = e->key_bits[0];
	bool size_ok = false;
	for (size_t i = 0; i < ELEMS(e->key_bits) && e->key_bits[i] != 0; i++)
		size_ok |= e->key_bits[i] == key_bits;
	if (!size_ok)
		return diag("kernel: ESP encryption %s: %u-bit keys are not supported", e->xfrm,
			    key_bits);
	size_t want = key_bits / 8 + e->salt;
	if (encr_keymat == NULL || encr_len != want)
		return diag("kernel: ESP encryption %s with %u-bit key: keymat is %zu octets, expected %zu",
			    e->xfrm, key_bits, encr_len, want);
	const struct integ_alg *in = NULL;
	if (e->icv_bits != 0) {
		if (integ_id != IKEv2_INTEG_NONE)
			return diag("kernel: ESP %s is an AEAD: integrity algorithm %u must be none",
				    e->xfrm, integ_id);
		if (integ_len != 0)
			return diag("kernel: ESP %s is an AEAD: no integrity keymat expected, got %zu octets",
				    e->xfrm, integ_len);
	} else {
		in = integ_by_id(integ_id);
		if (in == NULL)
			return diag("kernel: ESP integrity algorithm %u has no XFRM name here", integ_id);
		if (integ_keymat == NULL || integ_len != in->key_bytes)
			return diag("kernel: ESP integrity %s: keymat is %zu octets, expected %u",
				    in->xfrm, integ_len, in->key_bytes);
	}
	/* all checks passed: now SA changes */
	sa->encr_name = e->xfrm;
	sa->encr_key = encr_keymat;
	sa->encr_key_len = encr_len;
	sa->aead_icv_bits = e->icv_bits;
	if (in != NULL) {
		sa->integ_name = in->xfrm;
		sa->integ_key = integ_keymat;
		sa->integ_key_len = integ_len;
		sa->integ_trunc_bits = in->trunc_bits;
	} else {
		sa->integ_name = NULL;
		sa->integ_key = NULL;
		sa->integ_key_len = 0;
		sa->integ_trunc_bits = 0;
	}
	return NULL;
}
