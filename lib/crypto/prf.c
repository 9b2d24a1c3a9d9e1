/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prf, prf+, integrity MACs and the IKEv2 key schedule (RFC 7296 2.13,
 * 2.14, 2.17, 2.18).  Secret inputs and outputs stay PK11SymKeys: the
 * prf over secret data runs inside NSS (CKM_NSS_IKE_PRF_DERIVE,
 * CKM_NSS_IKE_PRF_PLUS_DERIVE), which also normalises AES-XCBC/CMAC keys.
 */
#include <stdlib.h>
#include <string.h>

#include <pk11pub.h>
#include <pkcs11n.h>

#include "internal.h"

/* concatenation of DATA[0..N-1] in a malloc'd buffer (at least 1 octet) */
static uint8_t *concat(const struct crypto_cspan *data, size_t n, size_t *len)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += data[i].len;
	uint8_t *buf = malloc(total > 0 ? total : 1);
	if (buf == NULL)
		abort();
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (data[i].len > 0)
			memcpy(buf + o, data[i].ptr, data[i].len);
		o += data[i].len;
	}
	*len = total;
	return buf;
}

static diag_t prf_derive(const struct crypto_prf *prf, PK11SymKey *base,
			 CK_NSS_IKE_PRF_DERIVE_PARAMS *p, PK11SymKey **out, const char *what)
{
	p->prfMechanism = prf->mac_mech;
	SECItem param = { .type = siBuffer, .data = (uint8_t *)p, .len = sizeof(*p) };
	PK11SymKey *k = PK11_DeriveWithFlags(base, CKM_NSS_IKE_PRF_DERIVE, &param,
					     CKM_GENERIC_SECRET_KEY_GEN, CKA_FLAGS_ONLY,
					     prf->out_size, CRYPTO_KEY_FLAGS);
	if (k == NULL)
		return crypto_nss_diag("%s: computing %s", prf->name, what);
	*out = k;
	return NULL;
}

diag_t crypto_prf_key(const struct crypto_prf *prf, PK11SymKey *key,
		      const struct crypto_cspan *data, size_t n, PK11SymKey **out)
{
	size_t len;
	uint8_t *buf = concat(data, n, &len);
	CK_NSS_IKE_PRF_DERIVE_PARAMS p = {
		.bDataAsKey = CK_FALSE,
		.bRekey = CK_FALSE,
		.pNi = buf,
		.ulNiLen = len,
		.pNr = NULL,
		.ulNrLen = 0,
	};
	diag_t d = prf_derive(prf, key, &p, out, "prf(key, data)");
	crypto_wipe(buf, len);
	free(buf);
	return d;
}

/* a MAC over DATA[0..N-1] into OUT (its full length, MAC_LEN octets) */
static diag_t mac(const char *name, CK_MECHANISM_TYPE mech, PK11SymKey *key,
		  const struct crypto_cspan *data, size_t n, uint8_t *out, size_t mac_len)
{
	SECItem noparam = { .type = siBuffer, .data = NULL, .len = 0 };
	PK11Context *ctx = PK11_CreateContextBySymKey(mech, CKA_SIGN, key, &noparam);
	if (ctx == NULL)
		return crypto_nss_diag("%s: creating a MAC context", name);
	diag_t d = NULL;
	if (PK11_DigestBegin(ctx) != SECSuccess) {
		d = crypto_nss_diag("%s: starting the MAC", name);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (data[i].len == 0)
			continue;
		if (PK11_DigestOp(ctx, data[i].ptr, data[i].len) != SECSuccess) {
			d = crypto_nss_diag("%s: MAC over %zu octets", name, data[i].len);
			goto out;
		}
	}
	unsigned got = 0;
	if (PK11_DigestFinal(ctx, out, &got, mac_len) != SECSuccess) {
		d = crypto_nss_diag("%s: finishing the MAC", name);
		goto out;
	}
	if (got != mac_len)
		d = diag("%s: MAC of %u octets, expected %zu", name, got, mac_len);
out:
	PK11_DestroyContext(ctx, PR_TRUE);
	return d;
}

static bool is_hmac(CK_MECHANISM_TYPE m)
{
	return m == CKM_SHA_1_HMAC || m == CKM_SHA256_HMAC || m == CKM_SHA384_HMAC ||
	       m == CKM_SHA512_HMAC;
}

diag_t crypto_prf_bytes(const struct crypto_prf *prf, PK11SymKey *key,
			const struct crypto_cspan *data, size_t n,
			uint8_t *out, size_t out_len)
{
	if (out_len != prf->out_size)
		return diag("%s: output buffer of %zu octets, prf gives %u", prf->name, out_len,
			    prf->out_size);
	if (is_hmac(prf->mac_mech))
		return mac(prf->name, prf->mac_mech, key, data, n, out, out_len);
	/* AES prfs: NSS normalises the key in the IKE derive; read it back */
	PK11SymKey *k = NULL;
	diag_t d = crypto_prf_key(prf, key, data, n, &k);
	if (d == NULL)
		d = crypto_key_octets(k, out, out_len);
	crypto_symkey_free(&k);
	return d;
}

diag_t crypto_prfplus(const struct crypto_prf *prf, PK11SymKey *key,
		      PK11SymKey *seed_key, struct crypto_cspan seed,
		      size_t len, PK11SymKey **out)
{
	if (len == 0 || len > 255 * (size_t)prf->out_size)
		return diag("%s: prf+ cannot produce %zu octets (at most %u)", prf->name, len,
			    255 * prf->out_size);
	PK11SymKey *seed_here = NULL;
	if (seed_key != NULL) {
		diag_t d = crypto_key_in_slot_of(key, seed_key, &seed_here);
		if (d != NULL)
			return diag_prefix(d, "%s: prf+ seed", prf->name);
	}
	CK_NSS_IKE_PRF_PLUS_DERIVE_PARAMS p = {
		.prfMechanism = prf->mac_mech,
		.bHasSeedKey = seed_here != NULL ? CK_TRUE : CK_FALSE,
		.hSeedKey = seed_here != NULL ? PK11_GetSymKeyHandle(seed_here) : CK_INVALID_HANDLE,
		.pSeedData = (CK_BYTE_PTR)seed.ptr,
		.ulSeedDataLen = seed.len,
	};
	SECItem param = { .type = siBuffer, .data = (uint8_t *)&p, .len = sizeof(p) };
	PK11SymKey *k = PK11_DeriveWithFlags(key, CKM_NSS_IKE_PRF_PLUS_DERIVE, &param,
					     CKM_GENERIC_SECRET_KEY_GEN, CKA_FLAGS_ONLY, len,
					     CRYPTO_KEY_FLAGS);
	crypto_symkey_free(&seed_here);
	if (k == NULL)
		return crypto_nss_diag("%s: prf+ of %zu octets", prf->name, len);
	*out = k;
	return NULL;
}

diag_t crypto_integ_mac(const struct crypto_integ *integ, PK11SymKey *key,
			const struct crypto_cspan *data, size_t n,
			uint8_t *out, size_t out_len)
{
	if (out_len != integ->icv_size)
		return diag("%s: output buffer of %zu octets, ICV is %u", integ->name, out_len,
			    integ->icv_size);
	/* the untruncated MAC is as long as the key for every integ we have:
	 * HMAC keys are the hash's size (RFC 2404, 4868), AES MACs 16 */
	size_t full = integ->key_size;
	uint8_t m[CRYPTO_MAX_PRF_SIZE];
	diag_t d = mac(integ->name, integ->mac_mech, key, data, n, m, full);
	if (d == NULL)
		memcpy(out, m, out_len);
	crypto_wipe(m, sizeof(m));
	return d;
}

/* SKEYSEED = prf(Ni | Nr, g^ir) */
diag_t crypto_ike_skeyseed(const struct crypto_prf *prf, struct crypto_cspan ni,
			   struct crypto_cspan nr, PK11SymKey *g_ir, PK11SymKey **skeyseed)
{
	if (ni.len == 0 || nr.len == 0)
		return diag("%s: SKEYSEED needs both nonces", prf->name);
	if (!is_hmac(prf->mac_mech)) {
		/* RFC 7296 2.14: AES-XCBC/CMAC prfs key SKEYSEED with the
		 * first 64 bits of each nonce (NSS does not do this itself) */
		if (ni.len < 8 || nr.len < 8)
			return diag("%s: nonces shorter than 8 octets", prf->name);
		ni.len = 8;
		nr.len = 8;
	}
	CK_NSS_IKE_PRF_DERIVE_PARAMS p = {
		.bDataAsKey = CK_TRUE,
		.bRekey = CK_FALSE,
		.pNi = (CK_BYTE_PTR)ni.ptr,
		.ulNiLen = ni.len,
		.pNr = (CK_BYTE_PTR)nr.ptr,
		.ulNrLen = nr.len,
	};
	return prf_derive(prf, g_ir, &p, skeyseed, "SKEYSEED");
}

/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
diag_t crypto_ike_skeyseed_rekey(const struct crypto_prf *old_prf, PK11SymKey *old_sk_d,
				 PK11SymKey *new_g_ir, struct crypto_cspan ni,
				 struct crypto_cspan nr, PK11SymKey **skeyseed)
{
	if (ni.len == 0 || nr.len == 0)
		return diag("%s: SKEYSEED needs both nonces", old_prf->name);
	if (old_sk_d == NULL)
		return diag("%s: rekey SKEYSEED without the old SK_d", old_prf->name);
	PK11SymKey *g_here = NULL;
	diag_t d = crypto_key_in_slot_of(old_sk_d, new_g_ir, &g_here);
	if (d != NULL)
		return diag_prefix(d, "%s: rekey SKEYSEED", old_prf->name);
	CK_NSS_IKE_PRF_DERIVE_PARAMS p = {
		.bDataAsKey = CK_FALSE,
		.bRekey = CK_TRUE,
		.pNi = (CK_BYTE_PTR)ni.ptr,
		.ulNiLen = ni.len,
		.pNr = (CK_BYTE_PTR)nr.ptr,
		.ulNrLen = nr.len,
		.hNewKey = PK11_GetSymKeyHandle(g_here),
	};
	d = prf_derive(old_prf, old_sk_d, &p, skeyseed, "rekey SKEYSEED");
	crypto_symkey_free(&g_here);
	return d;
}

static diag_t check_suite(const struct crypto_encr *encr, unsigned key_bits,
			  const struct crypto_integ *integ)
{
	if (encr == NULL)
		return diag("no encryption algorithm");
	if (!crypto_encr_key_bits_ok(encr, key_bits))
		return diag("%s: key length %u is not allowed", encr->name, key_bits);
	if (encr->aead && integ != NULL)
		return diag("%s: AEAD cipher with integrity %s", encr->name, integ->name);
	if (!encr->aead && integ == NULL)
		return diag("%s: needs an integrity algorithm", encr->name);
	return NULL;
}

diag_t crypto_ike_keys_derive(const struct crypto_prf *prf, PK11SymKey *skeyseed,
			      struct crypto_cspan ni, struct crypto_cspan nr,
			      struct crypto_cspan spi_i, struct crypto_cspan spi_r,
			      const struct crypto_encr *encr, unsigned key_bits,
			      const struct crypto_integ *integ, struct crypto_ike_keys *out)
{
	diag_t d = check_suite(encr, key_bits, integ);
	if (d != NULL)
		return d;
	if (spi_i.len != 8 || spi_r.len != 8)
		return diag("IKE SPIs must be 8 octets (got %zu and %zu)", spi_i.len, spi_r.len);
	key_bits = crypto_encr_key_bits(encr, key_bits);
	size_t ekey = key_bits / 8, salt = encr->salt_size;
	size_t akey = integ != NULL ? integ->key_size : 0;
	size_t pkey = prf->key_size;
	size_t total = pkey * 3 + 2 * akey + 2 * (ekey + salt);

	struct crypto_cspan parts[] = { ni, nr, spi_i, spi_r };
	size_t seed_len;
	uint8_t *seed = concat(parts, 4, &seed_len);
	PK11SymKey *keymat = NULL;
	d = crypto_prfplus(prf, skeyseed, NULL, CRYPTO_CSPAN(seed, seed_len), total, &keymat);
	free(seed);
	if (d != NULL)
		return d;

	struct crypto_ike_keys k = { 0 };
	/*
	 * The octets at once, cut here: three keys imported (SK_d, SK_pi,
	 * SK_pr) and the SK_e/SK_a octets kept by the crypto_sk objects,
	 * instead of one NSS derive per key.  NSS may refuse to give the
	 * octets out (FIPS mode): then one derive per key, below.
	 */
	uint8_t all[3 * CRYPTO_MAX_PRF_SIZE + 2 * CRYPTO_MAX_INTEG_KEYMAT + 2 * CRYPTO_MAX_ENCR_KEYMAT];
	if (total <= sizeof(all) && (d = crypto_key_octets(keymat, all, total)) == NULL) {
		const uint8_t *p = all;
		d = crypto_symkey_from_bytes(CRYPTO_CSPAN(p, pkey), &k.sk_d);
		const uint8_t *a_i = p + pkey, *a_r = a_i + akey, *e_i = a_r + akey;
		const uint8_t *e_r = e_i + ekey + salt, *p_i = e_r + ekey + salt, *p_r = p_i + pkey;
		if (d == NULL)
			d = crypto_sk_from_bytes(encr, CRYPTO_CSPAN(e_i, ekey + salt), integ,
						 CRYPTO_CSPAN(a_i, akey), &k.i2r);
		if (d == NULL)
			d = crypto_sk_from_bytes(encr, CRYPTO_CSPAN(e_r, ekey + salt), integ,
						 CRYPTO_CSPAN(a_r, akey), &k.r2i);
		if (d == NULL)
			d = crypto_symkey_from_bytes(CRYPTO_CSPAN(p_i, pkey), &k.sk_pi);
		if (d == NULL)
			d = crypto_symkey_from_bytes(CRYPTO_CSPAN(p_r, pkey), &k.sk_pr);
		crypto_wipe(all, sizeof(all));
		crypto_symkey_free(&keymat);
		if (d != NULL) {
			crypto_ike_keys_free(&k);
			return diag_prefix(d, "IKE SA keys");
		}
		*out = k;
		return NULL;
	}
	diag_free(&d);
	PK11SymKey *ai = NULL, *ar = NULL, *ei = NULL, *er = NULL;
	uint8_t salt_i[CRYPTO_MAX_SALT_SIZE], salt_r[CRYPTO_MAX_SALT_SIZE];
	size_t o = 0;
	/* SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr */
	d = crypto_key_slice(keymat, o, pkey, CKM_GENERIC_SECRET_KEY_GEN, &k.sk_d);
	o += pkey;
	if (d == NULL && akey > 0)
		d = crypto_key_slice(keymat, o, akey, integ->mac_mech, &ai);
	o += akey;
	if (d == NULL && akey > 0)
		d = crypto_key_slice(keymat, o, akey, integ->mac_mech, &ar);
	o += akey;
	for (int dir = 0; dir < 2 && d == NULL; dir++) {
		PK11SymKey **ek = dir == 0 ? &ei : &er;
		uint8_t *s = dir == 0 ? salt_i : salt_r;
		d = crypto_key_slice(keymat, o, ekey, encr->mech, ek);
		o += ekey;
		if (d == NULL && salt > 0) {
			PK11SymKey *sk = NULL;
			d = crypto_key_slice(keymat, o, salt, CKM_GENERIC_SECRET_KEY_GEN, &sk);
			if (d == NULL)
				d = crypto_key_octets(sk, s, salt);
			crypto_symkey_free(&sk);
		}
		o += salt;
	}
	if (d == NULL)
		d = crypto_key_slice(keymat, o, pkey, CKM_GENERIC_SECRET_KEY_GEN, &k.sk_pi);
	o += pkey;
	if (d == NULL)
		d = crypto_key_slice(keymat, o, pkey, CKM_GENERIC_SECRET_KEY_GEN, &k.sk_pr);
	if (d == NULL)
		d = crypto_sk_new(encr, key_bits, ei, CRYPTO_CSPAN(salt_i, salt), integ, ai, &k.i2r);
	if (d == NULL)
		d = crypto_sk_new(encr, key_bits, er, CRYPTO_CSPAN(salt_r, salt), integ, ar, &k.r2i);
	crypto_symkey_free(&keymat);
	crypto_symkey_free(&ai);
	crypto_symkey_free(&ar);
	crypto_symkey_free(&ei);
	crypto_symkey_free(&er);
	crypto_wipe(salt_i, sizeof(salt_i));
	crypto_wipe(salt_r, sizeof(salt_r));
	if (d != NULL) {
		crypto_ike_keys_free(&k);
		return diag_prefix(d, "IKE SA keys");
	}
	*out = k;
	return NULL;
}

void crypto_ike_keys_free(struct crypto_ike_keys *k)
{
	crypto_symkey_free(&k->sk_d);
	crypto_symkey_free(&k->sk_pi);
	crypto_symkey_free(&k->sk_pr);
	crypto_sk_free(&k->i2r);
	crypto_sk_free(&k->r2i);
	crypto_wipe(k->sk_d_raw, sizeof(k->sk_d_raw));
	k->sk_d_len = 0;
}

void crypto_ike_keys_park(struct crypto_ike_keys *k)
{
	if (k->sk_d == NULL)
		return;
	size_t len = crypto_symkey_len(k->sk_d);
	if (len == 0 || len > sizeof(k->sk_d_raw))
		return;
	diag_t d = crypto_key_octets(k->sk_d, k->sk_d_raw, len);
	if (d != NULL) {
		diag_free(&d);
		crypto_wipe(k->sk_d_raw, sizeof(k->sk_d_raw));
		return;
	}
	k->sk_d_len = (uint8_t)len;
	crypto_symkey_free(&k->sk_d);
}

PK11SymKey *crypto_ike_sk_d(const struct crypto_ike_keys *k)
{
	if (k->sk_d != NULL)
		return PK11_ReferenceSymKey(k->sk_d);
	if (k->sk_d_len == 0)
		return NULL;
	PK11SymKey *key = NULL;
	diag_t d = crypto_symkey_from_bytes(CRYPTO_CSPAN(k->sk_d_raw, k->sk_d_len), &key);
	if (d != NULL)
		diag_free(&d);
	return key;
}

diag_t crypto_child_keymat_export_for_kernel(const struct crypto_prf *prf, PK11SymKey *sk_d,
					     PK11SymKey *g_ir, struct crypto_cspan ni,
					     struct crypto_cspan nr,
					     const struct crypto_encr *encr, unsigned key_bits,
					     const struct crypto_integ *integ,
					     struct crypto_child_kernel_keys *out)
{
	if (sk_d == NULL)
		return diag("Child SA keys: no SK_d");
	diag_t d = check_suite(encr, key_bits, integ);
	if (d != NULL)
		return diag_prefix(d, "Child SA keys");
	if (ni.len == 0 || nr.len == 0)
		return diag("Child SA keys: KEYMAT needs both nonces");
	key_bits = crypto_encr_key_bits(encr, key_bits);
	size_t elen = key_bits / 8 + encr->salt_size;
	size_t alen = integ != NULL ? integ->key_size : 0;
	size_t total = 2 * (elen + alen);

	struct crypto_cspan parts[] = { ni, nr };
	size_t seed_len;
	uint8_t *seed = concat(parts, 2, &seed_len);
	PK11SymKey *keymat = NULL;
	d = crypto_prfplus(prf, sk_d, g_ir, CRYPTO_CSPAN(seed, seed_len), total, &keymat);
	free(seed);
	if (d != NULL)
		return diag_prefix(d, "Child SA keys");

	uint8_t raw[2 * (CRYPTO_MAX_ENCR_KEYMAT + CRYPTO_MAX_INTEG_KEYMAT)];
	d = crypto_key_octets(keymat, raw, total);
	crypto_symkey_free(&keymat);
	if (d != NULL) {
		crypto_wipe(raw, sizeof(raw));
		return diag_prefix(d, "Child SA keys");
	}
	/* RFC 7296 2.17: i->r before r->i; encryption before integrity */
	struct crypto_child_kernel_keys k = { .encr_len = elen, .integ_len = alen };
	size_t o = 0;
	memcpy(k.encr_i2r, raw + o, elen);
	o += elen;
	memcpy(k.integ_i2r, raw + o, alen);
	o += alen;
	memcpy(k.encr_r2i, raw + o, elen);
	o += elen;
	memcpy(k.integ_r2i, raw + o, alen);
	crypto_wipe(raw, sizeof(raw));
	*out = k;
	crypto_wipe(&k, sizeof(k));
	return NULL;
}

void crypto_child_kernel_keys_wipe(struct crypto_child_kernel_keys *keys)
{
	crypto_wipe(keys, sizeof(*keys));
}

diag_t crypto_maced_id(const struct crypto_prf *prf, PK11SymKey *sk_p,
		       struct crypto_cspan id_body, uint8_t *out, size_t out_len)
{
	if (id_body.len < 4)
		return diag("%s: ID payload body of %zu octets is too short", prf->name,
			    id_body.len);
	return crypto_prf_bytes(prf, sk_p, &id_body, 1, out, out_len);
}

diag_t crypto_psk_keypad(const struct crypto_prf *prf, PK11SymKey *psk, PK11SymKey **out)
{
	static const char key_pad[] = "Key Pad for IKEv2";	/* 17 octets, no NUL */
	struct crypto_cspan pad = CRYPTO_CSPAN(key_pad, sizeof(key_pad) - 1);
	diag_t d = crypto_prf_key(prf, psk, &pad, 1, out);
	return d != NULL ? diag_prefix(d, "PSK AUTH") : NULL;
}

diag_t crypto_psk_auth_padded(const struct crypto_prf *prf, PK11SymKey *padded,
			      struct crypto_cspan real_message, struct crypto_cspan nonce,
			      struct crypto_cspan maced_id, uint8_t *out, size_t out_len)
{
	if (out_len != prf->out_size)
		return diag("%s: output buffer of %zu octets, prf gives %u", prf->name, out_len,
			    prf->out_size);
	if (maced_id.len != prf->out_size)
		return diag("%s: MACedID of %zu octets, expected %u", prf->name, maced_id.len,
			    prf->out_size);
	struct crypto_cspan octets[] = { real_message, nonce, maced_id };
	diag_t d = crypto_prf_bytes(prf, padded, octets, 3, out, out_len);
	return d != NULL ? diag_prefix(d, "PSK AUTH") : NULL;
}

diag_t crypto_psk_auth(const struct crypto_prf *prf, PK11SymKey *psk,
		       struct crypto_cspan real_message, struct crypto_cspan nonce,
		       struct crypto_cspan maced_id, uint8_t *out, size_t out_len)
{
	/* crypto_psk_auth_padded() checks the lengths */
	PK11SymKey *padded = NULL;
	diag_t d = crypto_psk_keypad(prf, psk, &padded);
	if (d != NULL)
		return d;
	d = crypto_psk_auth_padded(prf, padded, real_message, nonce, maced_id, out, out_len);
	crypto_symkey_free(&padded);
	return d;
}
