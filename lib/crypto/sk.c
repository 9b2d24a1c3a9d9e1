/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SK payload protection: AES-GCM (RFC 5282), ChaCha20-Poly1305 (RFC 7634),
 * AES-CBC (RFC 3602) and AES-CTR (RFC 5930) with a separate integrity MAC.
 * Results go to temporary buffers first and reach the caller's buffers
 * only once everything succeeded.
 */
#include <stdlib.h>
#include <string.h>

#include <pk11pub.h>

#include "internal.h"

/*
 * The keys are kept as octets and imported into NSS for each message: an
 * NSS key object costs ~6 KB for its whole life (a softoken session of its
 * own), against ~20 k instructions per import, and an IKE SA protects a
 * few messages in its life (IKE_AUTH, then rekeys, liveness, Delete).  A
 * key NSS will not give out (FIPS mode) is kept as the object instead.
 */
struct crypto_sk {
	const struct crypto_encr *encr;
	unsigned key_bits;
	PK11SymKey *enc_key;	/* NULL: enc_raw */
	uint8_t enc_raw[32];
	uint8_t salt[CRYPTO_MAX_SALT_SIZE];
	const struct crypto_integ *integ;	/* NULL for AEAD */
	PK11SymKey *integ_key;	/* NULL: integ_raw (or AEAD) */
	uint8_t integ_raw[CRYPTO_MAX_INTEG_KEYMAT];
};

/* KEY as octets in RAW (LEN of them) when NSS gives them out, else a reference in *REF */
static void keep_key(PK11SymKey *key, uint8_t *raw, size_t len, size_t cap, PK11SymKey **ref)
{
	diag_t d = len <= cap ? crypto_key_octets(key, raw, len) : diag("key too long");
	if (d == NULL) {
		*ref = NULL;
		return;
	}
	diag_free(&d);
	crypto_wipe(raw, len);
	*ref = PK11_ReferenceSymKey(key);
}

/* the key for one operation: *USE, to give back with put_key() */
static diag_t get_key(PK11SymKey *ref, const uint8_t *raw, size_t len, CK_MECHANISM_TYPE mech,
		      PK11SymKey **use)
{
	if (ref != NULL) {
		*use = ref;
		return NULL;
	}
	return crypto_import_key(CRYPTO_CSPAN(raw, len), mech, use);
}

static void put_key(PK11SymKey *ref, PK11SymKey **use)
{
	if (*use != ref)
		crypto_symkey_free(use);
	*use = NULL;
}

/* the checks of both constructors, on the key lengths */
static diag_t sk_check(const struct crypto_encr *encr, unsigned *key_bits, size_t enc_len,
		       size_t salt_len, const struct crypto_integ *integ, size_t integ_len,
		       bool have_integ_key)
{
	if (encr == NULL)
		return diag("no encryption algorithm");
	if (!crypto_encr_key_bits_ok(encr, *key_bits))
		return diag("%s: key length %u is not allowed", encr->name, *key_bits);
	*key_bits = crypto_encr_key_bits(encr, *key_bits);
	if (enc_len != *key_bits / 8)
		return diag("%s: encryption key has %zu octets, expected %u", encr->name,
			    enc_len, *key_bits / 8);
	if (salt_len != encr->salt_size)
		return diag("%s: salt has %zu octets, expected %u", encr->name, salt_len,
			    encr->salt_size);
	if (encr->aead && integ != NULL)
		return diag("%s: AEAD cipher with integrity %s", encr->name, integ->name);
	if (!encr->aead) {
		if (integ == NULL)
			return diag("%s: needs an integrity algorithm", encr->name);
		if (!have_integ_key || integ_len != integ->key_size)
			return diag("%s: integrity key has %zu octets, expected %u", integ->name,
				    integ_len, integ->key_size);
	}
	return NULL;
}

diag_t crypto_sk_new(const struct crypto_encr *encr, unsigned key_bits, PK11SymKey *enc_key,
		     struct crypto_cspan salt, const struct crypto_integ *integ,
		     PK11SymKey *integ_key, struct crypto_sk **out)
{
	diag_t d = sk_check(encr, &key_bits, enc_key != NULL ? crypto_symkey_len(enc_key) : 0,
			    salt.len, integ, integ_key != NULL ? crypto_symkey_len(integ_key) : 0,
			    integ_key != NULL);
	if (d != NULL)
		return d;
	if (enc_key == NULL)
		return diag("%s: no encryption key", encr->name);
	struct crypto_sk *sk = calloc(1, sizeof(*sk));
	if (sk == NULL)
		abort();
	sk->encr = encr;
	sk->key_bits = key_bits;
	keep_key(enc_key, sk->enc_raw, key_bits / 8, sizeof(sk->enc_raw), &sk->enc_key);
	if (salt.len > 0)
		memcpy(sk->salt, salt.ptr, salt.len);
	sk->integ = integ;
	if (integ != NULL)
		keep_key(integ_key, sk->integ_raw, integ->key_size, sizeof(sk->integ_raw),
			 &sk->integ_key);
	*out = sk;
	return NULL;
}

diag_t crypto_sk_from_bytes(const struct crypto_encr *encr, struct crypto_cspan enc_keymat,
			    const struct crypto_integ *integ, struct crypto_cspan integ_key,
			    struct crypto_sk **out)
{
	if (encr == NULL)
		return diag("no encryption algorithm");
	if (enc_keymat.len <= encr->salt_size)
		return diag("%s: keymat of %zu octets is too short", encr->name, enc_keymat.len);
	size_t klen = enc_keymat.len - encr->salt_size;
	unsigned key_bits = (unsigned)klen * 8;
	diag_t d = sk_check(encr, &key_bits, klen, encr->salt_size, integ, integ_key.len,
			    integ_key.len > 0);
	if (d != NULL)
		return d;
	struct crypto_sk *sk = calloc(1, sizeof(*sk));
	if (sk == NULL)
		abort();
	if (klen > sizeof(sk->enc_raw) || integ_key.len > sizeof(sk->integ_raw)) {
		free(sk);
		return diag("%s: key of %zu octets is too long", encr->name, klen);
	}
	sk->encr = encr;
	sk->key_bits = key_bits;
	memcpy(sk->enc_raw, enc_keymat.ptr, klen);
	if (encr->salt_size > 0)
		memcpy(sk->salt, enc_keymat.ptr + klen, encr->salt_size);
	sk->integ = integ;
	if (integ != NULL)
		memcpy(sk->integ_raw, integ_key.ptr, integ_key.len);
	*out = sk;
	return NULL;
}

void crypto_sk_free(struct crypto_sk **skp)
{
	struct crypto_sk *sk = *skp;
	if (sk == NULL)
		return;
	crypto_symkey_free(&sk->enc_key);
	crypto_symkey_free(&sk->integ_key);
	crypto_wipe(sk, sizeof(*sk));
	free(sk);
	*skp = NULL;
}

size_t crypto_sk_iv_size(const struct crypto_sk *sk)
{
	return sk->encr->wire_iv_size;
}

size_t crypto_sk_icv_size(const struct crypto_sk *sk)
{
	return sk->encr->aead ? sk->encr->icv_size : sk->integ->icv_size;
}

size_t crypto_sk_block_size(const struct crypto_sk *sk)
{
	return sk->encr->block_size;
}

static diag_t check_sizes(const struct crypto_sk *sk, size_t iv, size_t text, size_t icv)
{
	const struct crypto_encr *e = sk->encr;
	if (iv != e->wire_iv_size)
		return diag("%s: IV has %zu octets, expected %u", e->name, iv, e->wire_iv_size);
	if (icv != crypto_sk_icv_size(sk))
		return diag("%s: ICV has %zu octets, expected %zu", e->name, icv,
			    crypto_sk_icv_size(sk));
	if (text % e->block_size != 0)
		return diag("%s: %zu octets of text is not a multiple of the %u-octet block",
			    e->name, text, e->block_size);
	if (!e->aead && text == 0)
		return diag("%s: empty ciphertext", e->name);
	if (text > (1u << 20))
		return diag("%s: %zu octets of text is too long", e->name, text);
	return NULL;
}

/*
 * The NSS mechanism parameters of one message.  NONCE/CB is scratch
 * space the params point into.
 */
struct op_params {
	uint8_t nonce[12];
	CK_GCM_PARAMS_V3 gcm;
	CK_SALSA20_CHACHA20_POLY1305_PARAMS chacha;
	CK_AES_CTR_PARAMS ctr;
	uint8_t cbc_iv[16];
	SECItem item;
};

static void set_params(const struct crypto_sk *sk, struct crypto_cspan aad,
		       const uint8_t *iv, struct op_params *p)
{
	const struct crypto_encr *e = sk->encr;
	memset(p, 0, sizeof(*p));
	switch (e->id) {
	case IKEv2_ENCR_AES_GCM_8:
	case IKEv2_ENCR_AES_GCM_12:
	case IKEv2_ENCR_AES_GCM_16:
		/* RFC 5282 4: nonce = salt (4) | IV (8) */
		memcpy(p->nonce, sk->salt, 4);
		memcpy(p->nonce + 4, iv, 8);
		p->gcm = (CK_GCM_PARAMS_V3){
			.pIv = p->nonce, .ulIvLen = 12, .ulIvBits = 96,
			.pAAD = (CK_BYTE_PTR)aad.ptr, .ulAADLen = aad.len,
			.ulTagBits = e->icv_size * 8,
		};
		p->item = (SECItem){ siBuffer, (uint8_t *)&p->gcm, sizeof(p->gcm) };
		break;
	case IKEv2_ENCR_CHACHA20_POLY1305:
		/* RFC 7634 2: nonce = salt (4) | IV (8) */
		memcpy(p->nonce, sk->salt, 4);
		memcpy(p->nonce + 4, iv, 8);
		p->chacha = (CK_SALSA20_CHACHA20_POLY1305_PARAMS){
			.pNonce = p->nonce, .ulNonceLen = 12,
			.pAAD = (CK_BYTE_PTR)aad.ptr, .ulAADLen = aad.len,
		};
		p->item = (SECItem){ siBuffer, (uint8_t *)&p->chacha, sizeof(p->chacha) };
		break;
	case IKEv2_ENCR_AES_CTR:
		/* RFC 3686 4: nonce (4) | IV (8) | block counter (4) from 1 */
		p->ctr.ulCounterBits = 32;
		memcpy(p->ctr.cb, sk->salt, 4);
		memcpy(p->ctr.cb + 4, iv, 8);
		p->ctr.cb[15] = 1;
		p->item = (SECItem){ siBuffer, (uint8_t *)&p->ctr, sizeof(p->ctr) };
		break;
	default:	/* AES_CBC */
		memcpy(p->cbc_iv, iv, 16);
		p->item = (SECItem){ siBuffer, p->cbc_iv, 16 };
		break;
	}
}

/* integrity checksum over AAD | IV | ciphertext (RFC 7296 3.14) */
static diag_t sk_mac(const struct crypto_sk *sk, struct crypto_cspan aad, const uint8_t *iv,
		     size_t iv_len, const uint8_t *ct, size_t ct_len, uint8_t *icv)
{
	struct crypto_cspan parts[] = { aad, CRYPTO_CSPAN(iv, iv_len), CRYPTO_CSPAN(ct, ct_len) };
	PK11SymKey *key = NULL;
	diag_t d = get_key(sk->integ_key, sk->integ_raw, sk->integ->key_size, sk->integ->mac_mech, &key);
	if (d == NULL)
		d = crypto_integ_mac(sk->integ, key, parts, 3, icv, sk->integ->icv_size);
	put_key(sk->integ_key, &key);
	return d;
}

diag_t crypto_sk_encrypt_iv(const struct crypto_sk *sk, struct crypto_cspan aad,
			    struct crypto_cspan iv, struct crypto_span text,
			    struct crypto_span icv)
{
	const struct crypto_encr *e = sk->encr;
	diag_t d = check_sizes(sk, iv.len, text.len, icv.len);
	if (d != NULL)
		return d;
	struct op_params p;
	set_params(sk, aad, iv.ptr, &p);
	size_t max = text.len + (e->aead ? e->icv_size : 0);
	uint8_t *tmp = malloc(max > 0 ? max : 1);
	if (tmp == NULL)
		abort();
	unsigned got = 0;
	static const uint8_t empty[1];
	PK11SymKey *key = NULL;
	d = get_key(sk->enc_key, sk->enc_raw, sk->key_bits / 8, e->mech, &key);
	if (d != NULL) {
		free(tmp);
		return d;
	}
	SECStatus rv = PK11_Encrypt(key, e->mech, &p.item, tmp, &got, max,
				    text.len > 0 ? text.ptr : empty, text.len);
	put_key(sk->enc_key, &key);
	if (rv != SECSuccess) {
		d = crypto_nss_diag("%s: encrypting %zu octets", e->name, text.len);
	} else if (got != max) {
		d = diag("%s: encryption gave %u octets, expected %zu", e->name, got, max);
	} else if (e->aead) {
		memcpy(text.ptr, tmp, text.len);
		memcpy(icv.ptr, tmp + text.len, e->icv_size);
	} else {
		uint8_t mac[CRYPTO_MAX_ICV_SIZE];
		d = sk_mac(sk, aad, iv.ptr, iv.len, tmp, text.len, mac);
		if (d == NULL) {
			memcpy(text.ptr, tmp, text.len);
			memcpy(icv.ptr, mac, icv.len);
		}
	}
	crypto_wipe(tmp, max);
	free(tmp);
	return d;
}

diag_t crypto_sk_encrypt(const struct crypto_sk *sk, struct crypto_cspan aad,
			 struct crypto_span iv, struct crypto_span text, struct crypto_span icv)
{
	diag_t d = check_sizes(sk, iv.len, text.len, icv.len);
	if (d != NULL)
		return d;
	uint8_t fresh[CRYPTO_MAX_IV_SIZE];
	d = crypto_random(CRYPTO_SPAN(fresh, iv.len));
	if (d == NULL)
		d = crypto_sk_encrypt_iv(sk, aad, CRYPTO_CSPAN(fresh, iv.len), text, icv);
	if (d == NULL)
		memcpy(iv.ptr, fresh, iv.len);
	return d;
}

diag_t crypto_sk_decrypt(const struct crypto_sk *sk, struct crypto_cspan aad,
			 struct crypto_cspan iv, struct crypto_span text, struct crypto_cspan icv)
{
	const struct crypto_encr *e = sk->encr;
	diag_t d = check_sizes(sk, iv.len, text.len, icv.len);
	if (d != NULL)
		return d;
	struct op_params p;
	set_params(sk, aad, iv.ptr, &p);
	size_t in_len = text.len + (e->aead ? icv.len : 0);
	uint8_t *in = malloc(in_len > 0 ? in_len : 1);
	uint8_t *out = malloc(in_len > 0 ? in_len : 1);
	if (in == NULL || out == NULL)
		abort();
	if (text.len > 0)
		memcpy(in, text.ptr, text.len);
	if (e->aead) {
		memcpy(in + text.len, icv.ptr, icv.len);
	} else {
		uint8_t mac[CRYPTO_MAX_ICV_SIZE];
		d = sk_mac(sk, aad, iv.ptr, iv.len, text.ptr, text.len, mac);
		if (d == NULL && !crypto_memeq(mac, icv.ptr, icv.len))
			d = diag("%s: integrity check failed", sk->integ->name);
	}
	unsigned got = 0;
	PK11SymKey *key = NULL;
	if (d == NULL)
		d = get_key(sk->enc_key, sk->enc_raw, sk->key_bits / 8, e->mech, &key);
	if (d == NULL) {
		SECStatus rv = PK11_Decrypt(key, e->mech, &p.item, out, &got, in_len,
					    in, in_len);
		put_key(sk->enc_key, &key);
		if (rv != SECSuccess)
			d = e->aead ? diag("%s: integrity check failed", e->name)
				: crypto_nss_diag("%s: decrypting %zu octets", e->name, text.len);
		else if (got != text.len)
			d = diag("%s: decryption gave %u octets, expected %zu", e->name, got,
				 text.len);
	}
	if (d == NULL && text.len > 0)
		memcpy(text.ptr, out, text.len);
	crypto_wipe(out, in_len);
	free(in);
	free(out);
	return d;
}
