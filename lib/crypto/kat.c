/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Known-answer test runners: each takes one vector from kat_vectors.c,
 * runs it through the public API and returns NULL or a diag naming the
 * vector and what differed.  Used by crypto_selftest() and the unit tests.
 * Reading key octets back here is fine: these are test-vector keys.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_HEX 16	/* hex buffers live per runner */

struct hexes {
	uint8_t *p[MAX_HEX];
	size_t n;
};

static diag_t unhex(struct hexes *h, const char *name, const char *hex, struct crypto_cspan *out)
{
	if (hex == NULL)
		hex = "";
	if (h->n >= MAX_HEX)
		return diag("%s: too many vector fields", name);
	size_t len = 0;
	uint8_t *p = crypto_unhex(hex, &len);
	if (p == NULL)
		return diag("%s: bad hex in vector", name);
	h->p[h->n++] = p;
	*out = CRYPTO_CSPAN(p, len);
	return NULL;
}

static void hexes_free(struct hexes *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->p[i]);
	h->n = 0;
}

static diag_t compare(const char *name, const char *what, const uint8_t *got,
		      struct crypto_cspan want)
{
	if (memcmp(got, want.ptr, want.len) == 0)
		return NULL;
	JAMBUF(b, 512);
	jam(&b, "%s: %s mismatch: got ", name, what);
	jam_hex(&b, got, want.len > 32 ? 32 : want.len);
	if (want.len > 32)
		jam_str(&b, "...");
	return diag("%s", jambuf_str(&b));
}

/* a key's octets compared with WANT */
static diag_t compare_key(const char *name, const char *what, PK11SymKey *key,
			  struct crypto_cspan want)
{
	uint8_t got[512];
	if (want.len > sizeof(got))
		return diag("%s: %s too long", name, what);
	diag_t d = crypto_key_octets(key, got, want.len);
	if (d != NULL)
		return diag_prefix(d, "%s: %s", name, what);
	return compare(name, what, got, want);
}

diag_t kat_run_hash(const struct kat_hash *v)
{
	size_t size = crypto_hash_size(v->hash);
	if (size == 0)
		return diag("%s: unknown hash %d", v->name, v->hash);
	struct hexes h = { .n = 0 };
	struct crypto_cspan data, out;
	uint8_t got[64];
	diag_t d = unhex(&h, v->name, v->data, &data);
	if (d == NULL)
		d = unhex(&h, v->name, v->out, &out);
	if (d == NULL && out.len != size)
		d = diag("%s: expected digest has %zu octets", v->name, out.len);
	/* fed in two pieces, to cover the multi-part path */
	struct crypto_cspan parts[2] = {
		CRYPTO_CSPAN(data.ptr, data.len / 2),
		CRYPTO_CSPAN(data.ptr + data.len / 2, data.len - data.len / 2),
	};
	if (d == NULL)
		d = crypto_hash(v->hash, parts, 2, got, size);
	if (d == NULL)
		d = compare(v->name, "digest", got, out);
	hexes_free(&h);
	return d;
}

diag_t kat_run_prf(const struct kat_prf *v)
{
	const struct crypto_prf *prf = crypto_prf_by_id(v->prf);
	if (prf == NULL)
		return diag("%s: unknown prf %d", v->name, v->prf);
	struct hexes h = { .n = 0 };
	struct crypto_cspan key, data, out;
	PK11SymKey *k = NULL, *o = NULL;
	uint8_t got[CRYPTO_MAX_PRF_SIZE];
	diag_t d = unhex(&h, v->name, v->key, &key);
	if (d == NULL)
		d = unhex(&h, v->name, v->data, &data);
	if (d == NULL)
		d = unhex(&h, v->name, v->out, &out);
	if (d == NULL && out.len != prf->out_size)
		d = diag("%s: expected output has %zu octets", v->name, out.len);
	if (d == NULL)
		d = crypto_symkey_from_bytes(key, &k);
	/* as bytes (AUTH path) ... */
	if (d == NULL)
		d = crypto_prf_bytes(prf, k, &data, 1, got, prf->out_size);
	if (d == NULL)
		d = compare(v->name, "prf bytes", got, out);
	/* ... and as a key (secret path), data split in two */
	struct crypto_cspan halves[2] = {
		CRYPTO_CSPAN(data.ptr, data.len / 2),
		CRYPTO_CSPAN(data.ptr + data.len / 2, data.len - data.len / 2),
	};
	if (d == NULL)
		d = crypto_prf_key(prf, k, halves, 2, &o);
	if (d == NULL)
		d = compare_key(v->name, "prf key", o, out);
	crypto_symkey_free(&k);
	crypto_symkey_free(&o);
	hexes_free(&h);
	return d != NULL ? diag_prefix(d, "%s", prf->name) : NULL;
}

diag_t kat_run_integ(const struct kat_integ *v)
{
	const struct crypto_integ *integ = crypto_integ_by_id(v->integ);
	if (integ == NULL)
		return diag("%s: unknown integrity algorithm %d", v->name, v->integ);
	struct hexes h = { .n = 0 };
	struct crypto_cspan key, data, out;
	PK11SymKey *k = NULL;
	uint8_t got[CRYPTO_MAX_ICV_SIZE];
	diag_t d = unhex(&h, v->name, v->key, &key);
	if (d == NULL)
		d = unhex(&h, v->name, v->data, &data);
	if (d == NULL)
		d = unhex(&h, v->name, v->out, &out);
	if (d == NULL && out.len != integ->icv_size)
		d = diag("%s: expected ICV has %zu octets", v->name, out.len);
	if (d == NULL)
		d = crypto_import_key(key, integ->mac_mech, &k);
	if (d == NULL)
		d = crypto_integ_mac(integ, k, &data, 1, got, integ->icv_size);
	if (d == NULL)
		d = compare(v->name, "ICV", got, out);
	crypto_symkey_free(&k);
	hexes_free(&h);
	return d != NULL ? diag_prefix(d, "%s", integ->name) : NULL;
}

/* encrypt PLAIN and compare, decrypt back, and check a forged ICV fails */
static diag_t sk_roundtrip(const char *name, const struct crypto_sk *sk,
			   struct crypto_cspan aad, struct crypto_cspan iv,
			   struct crypto_cspan plain, struct crypto_cspan cipher,
			   struct crypto_cspan icv)
{
	if (plain.len != cipher.len || icv.len != crypto_sk_icv_size(sk))
		return diag("%s: vector sizes do not match the algorithm", name);
	uint8_t *text = malloc(plain.len + 1);
	uint8_t tag[CRYPTO_MAX_ICV_SIZE];
	if (text == NULL)
		abort();
	memcpy(text, plain.ptr, plain.len);
	diag_t d = crypto_sk_encrypt_iv(sk, aad, iv, CRYPTO_SPAN(text, plain.len),
					CRYPTO_SPAN(tag, icv.len));
	if (d == NULL)
		d = compare(name, "ciphertext", text, cipher);
	if (d == NULL)
		d = compare(name, "ICV", tag, icv);
	if (d == NULL)
		d = crypto_sk_decrypt(sk, aad, iv, CRYPTO_SPAN(text, plain.len),
				      CRYPTO_CSPAN(tag, icv.len));
	if (d == NULL)
		d = compare(name, "decrypted text", text, plain);
	if (d == NULL) {
		/* a forged ICV must fail and leave the ciphertext alone */
		memcpy(text, cipher.ptr, cipher.len);
		tag[0] ^= 0x01;
		diag_t bad = crypto_sk_decrypt(sk, aad, iv, CRYPTO_SPAN(text, plain.len),
					       CRYPTO_CSPAN(tag, icv.len));
		if (bad == NULL)
			d = diag("%s: forged ICV accepted", name);
		else if (memcmp(text, cipher.ptr, cipher.len) != 0)
			d = diag("%s: failed decryption changed the text", name);
		diag_free(&bad);
	}
	free(text);
	return d;
}

diag_t kat_run_cipher(const struct kat_cipher *v)
{
	const struct crypto_encr *encr = crypto_encr_by_id(v->encr);
	if (encr == NULL)
		return diag("%s: unknown cipher %d", v->name, v->encr);
	const struct crypto_integ *integ = encr->aead ? NULL : crypto_integ_by_id(v->integ);
	if (!encr->aead && integ == NULL)
		return diag("%s: unknown integrity algorithm %d", v->name, v->integ);
	struct hexes h = { .n = 0 };
	struct crypto_cspan keymat, iv, aad, plain, cipher, icv, ikey = { 0 };
	struct crypto_sk *sk = NULL;
	diag_t d = unhex(&h, v->name, v->keymat, &keymat);
	if (d == NULL)
		d = unhex(&h, v->name, v->iv, &iv);
	if (d == NULL)
		d = unhex(&h, v->name, v->aad, &aad);
	if (d == NULL)
		d = unhex(&h, v->name, v->plain, &plain);
	if (d == NULL)
		d = unhex(&h, v->name, v->cipher, &cipher);
	if (d == NULL)
		d = unhex(&h, v->name, v->icv, &icv);
	if (d == NULL && integ != NULL)
		d = unhex(&h, v->name, v->integ_key, &ikey);
	if (d == NULL)
		d = crypto_sk_from_bytes(encr, keymat, integ, ikey, &sk);
	if (d == NULL)
		d = sk_roundtrip(v->name, sk, aad, iv, plain, cipher, icv);
	crypto_sk_free(&sk);
	hexes_free(&h);
	return d != NULL ? diag_prefix(d, "%s", encr->name) : NULL;
}

diag_t kat_run_ke(const struct kat_ke *v)
{
	const struct crypto_ke_group *g = crypto_ke_by_id(v->group);
	if (g == NULL)
		return diag("%s: unknown group %d", v->name, v->group);
	struct hexes h = { .n = 0 };
	struct crypto_cspan priv, pub_i, pub_r, shared;
	struct crypto_ke_secret *s = NULL;
	PK11SymKey *k = NULL;
	diag_t d = unhex(&h, v->name, v->priv_i, &priv);
	if (d == NULL)
		d = unhex(&h, v->name, v->pub_i, &pub_i);
	if (d == NULL)
		d = unhex(&h, v->name, v->pub_r, &pub_r);
	if (d == NULL)
		d = unhex(&h, v->name, v->shared, &shared);
	if (d == NULL)
		d = crypto_ke_import_for_kat(g, priv, pub_i, &s);
	if (d == NULL)
		d = crypto_ke_derive(s, pub_r, &k);
	if (d == NULL && crypto_symkey_len(k) != shared.len)
		d = diag("%s: shared secret has %zu octets, expected %zu", v->name,
			 crypto_symkey_len(k), shared.len);
	if (d == NULL)
		d = compare_key(v->name, "shared secret", k, shared);
	crypto_symkey_free(&k);
	crypto_ke_free(&s);
	hexes_free(&h);
	return d != NULL ? diag_prefix(d, "%s", g->name) : NULL;
}

diag_t kat_run_modp_roundtrip(const struct crypto_ke_group *g)
{
	struct crypto_ke_secret *a = NULL, *b = NULL;
	PK11SymKey *ka = NULL, *kb = NULL;
	uint8_t *sa = malloc(g->shared_size), *sb = malloc(g->shared_size);
	if (sa == NULL || sb == NULL)
		abort();
	diag_t d = crypto_ke_generate(g, &a);
	if (d == NULL)
		d = crypto_ke_generate(g, &b);
	if (d == NULL)
		d = crypto_ke_derive(a, crypto_ke_public(b), &ka);
	if (d == NULL)
		d = crypto_ke_derive(b, crypto_ke_public(a), &kb);
	if (d == NULL)
		d = crypto_key_octets(ka, sa, g->shared_size);
	if (d == NULL)
		d = crypto_key_octets(kb, sb, g->shared_size);
	if (d == NULL && memcmp(sa, sb, g->shared_size) != 0)
		d = diag("round trip: the two sides derived different secrets");
	if (d == NULL && memcmp(crypto_ke_public(a).ptr, crypto_ke_public(b).ptr,
				g->public_size) == 0)
		d = diag("round trip: two key pairs have the same public value");
	crypto_symkey_free(&ka);
	crypto_symkey_free(&kb);
	crypto_ke_free(&a);
	crypto_ke_free(&b);
	free(sa);
	free(sb);
	return d != NULL ? diag_prefix(d, "%s", g->name) : NULL;
}

diag_t kat_run_prfplus(const struct kat_prfplus *v)
{
	const struct crypto_prf *prf = crypto_prf_by_id(v->prf);
	if (prf == NULL)
		return diag("%s: unknown prf %d", v->name, v->prf);
	struct hexes h = { .n = 0 };
	struct crypto_cspan key, seed, out;
	PK11SymKey *k = NULL, *o = NULL, *seedkey = NULL, *o2 = NULL;
	diag_t d = unhex(&h, v->name, v->key, &key);
	if (d == NULL)
		d = unhex(&h, v->name, v->seed, &seed);
	if (d == NULL)
		d = unhex(&h, v->name, v->out, &out);
	if (d == NULL)
		d = crypto_symkey_from_bytes(key, &k);
	if (d == NULL)
		d = crypto_prfplus(prf, k, NULL, seed, out.len, &o);
	if (d == NULL)
		d = compare_key(v->name, "prf+ output", o, out);
	/* the same seed, its first 5 octets given as a key (g^ir | Ni | Nr form) */
	if (d == NULL && seed.len > 5)
		d = crypto_symkey_from_bytes(CRYPTO_CSPAN(seed.ptr, 5), &seedkey);
	if (d == NULL && seedkey != NULL)
		d = crypto_prfplus(prf, k, seedkey, CRYPTO_CSPAN(seed.ptr + 5, seed.len - 5),
				   out.len, &o2);
	if (d == NULL && o2 != NULL)
		d = compare_key(v->name, "prf+ output (seed key)", o2, out);
	crypto_symkey_free(&k);
	crypto_symkey_free(&o);
	crypto_symkey_free(&o2);
	crypto_symkey_free(&seedkey);
	hexes_free(&h);
	return d != NULL ? diag_prefix(d, "%s", prf->name) : NULL;
}

static diag_t child_check(const char *name, const char *what, const struct crypto_prf *prf,
			  PK11SymKey *sk_d, PK11SymKey *g_ir, struct crypto_cspan ni,
			  struct crypto_cspan nr, const struct crypto_encr *encr, unsigned key_bits,
			  const struct crypto_integ *integ, struct crypto_cspan want)
{
	struct crypto_child_kernel_keys kk;
	diag_t d = crypto_child_keymat_export_for_kernel(prf, sk_d, g_ir, ni, nr, encr, key_bits,
							 integ, &kk);
	if (d != NULL)
		return diag_prefix(d, "%s: %s", name, what);
	size_t e = kk.encr_len, a = kk.integ_len;
	if (want.len != 2 * (e + a)) {
		crypto_child_kernel_keys_wipe(&kk);
		return diag("%s: %s has %zu octets, expected %zu", name, what, 2 * (e + a), want.len);
	}
	uint8_t got[2 * (CRYPTO_MAX_ENCR_KEYMAT + CRYPTO_MAX_INTEG_KEYMAT)];
	memcpy(got, kk.encr_i2r, e);
	memcpy(got + e, kk.integ_i2r, a);
	memcpy(got + e + a, kk.encr_r2i, e);
	memcpy(got + 2 * e + a, kk.integ_r2i, a);
	crypto_child_kernel_keys_wipe(&kk);
	d = compare(name, what, got, want);
	crypto_wipe(got, sizeof(got));
	return d;
}

diag_t kat_run_ikekeys(const struct kat_ikekeys *v)
{
	const struct crypto_prf *prf = crypto_prf_by_id(v->prf);
	const struct crypto_encr *encr = crypto_encr_by_id(v->encr);
	const struct crypto_integ *integ = crypto_integ_by_id(v->integ);
	if (prf == NULL || encr == NULL || (v->integ != IKEv2_INTEG_NONE && integ == NULL))
		return diag("%s: unknown algorithm", v->name);
	struct hexes h = { .n = 0 };
	struct crypto_cspan g_ir, ni, nr, spi_i, spi_r, x;
	PK11SymKey *gk = NULL, *gnew = NULL, *skeyseed = NULL, *rekey = NULL;
	struct crypto_ike_keys keys = { 0 };
	diag_t d = unhex(&h, v->name, v->g_ir, &g_ir);
	if (d == NULL)
		d = unhex(&h, v->name, v->ni, &ni);
	if (d == NULL)
		d = unhex(&h, v->name, v->nr, &nr);
	if (d == NULL)
		d = unhex(&h, v->name, v->spi_i, &spi_i);
	if (d == NULL)
		d = unhex(&h, v->name, v->spi_r, &spi_r);
	if (d == NULL)
		d = crypto_symkey_from_bytes(g_ir, &gk);
	if (d == NULL)
		d = crypto_ike_skeyseed(prf, ni, nr, gk, &skeyseed);
	if (d == NULL && (d = unhex(&h, v->name, v->skeyseed, &x)) == NULL)
		d = compare_key(v->name, "SKEYSEED", skeyseed, x);
	if (d == NULL)
		d = crypto_ike_keys_derive(prf, skeyseed, ni, nr, spi_i, spi_r, encr, v->key_bits,
					   integ, &keys);
	if (d == NULL && (d = unhex(&h, v->name, v->sk_d, &x)) == NULL)
		d = compare_key(v->name, "SK_d", keys.sk_d, x);
	if (d == NULL && (d = unhex(&h, v->name, v->sk_pi, &x)) == NULL)
		d = compare_key(v->name, "SK_pi", keys.sk_pi, x);
	if (d == NULL && (d = unhex(&h, v->name, v->sk_pr, &x)) == NULL)
		d = compare_key(v->name, "SK_pr", keys.sk_pr, x);
	hexes_free(&h);

	/* SK_ei/SK_ai (and the salt) through a message */
	struct crypto_cspan plain, aad, iv, cipher, icv;
	if (d == NULL)
		d = unhex(&h, v->name, v->plain, &plain);
	if (d == NULL)
		d = unhex(&h, v->name, v->aad, &aad);
	if (d == NULL)
		d = unhex(&h, v->name, v->iv, &iv);
	if (d == NULL)
		d = unhex(&h, v->name, v->cipher, &cipher);
	if (d == NULL)
		d = unhex(&h, v->name, v->icv, &icv);
	if (d == NULL)
		d = sk_roundtrip(v->name, keys.i2r, aad, iv, plain, cipher, icv);
	hexes_free(&h);

	/* Child SA KEYMAT, without and with PFS; rekey SKEYSEED */
	struct crypto_cspan child, g_new, child_pfs, rekey_want;
	if (d == NULL)
		d = unhex(&h, v->name, v->ni, &ni);
	if (d == NULL)
		d = unhex(&h, v->name, v->nr, &nr);
	if (d == NULL)
		d = unhex(&h, v->name, v->child_keymat, &child);
	if (d == NULL)
		d = unhex(&h, v->name, v->g_ir_new, &g_new);
	if (d == NULL)
		d = unhex(&h, v->name, v->child_keymat_pfs, &child_pfs);
	if (d == NULL)
		d = unhex(&h, v->name, v->rekey_skeyseed, &rekey_want);
	if (d == NULL)
		d = child_check(v->name, "Child SA KEYMAT", prf, keys.sk_d, NULL, ni, nr, encr,
				v->key_bits, integ, child);
	if (d == NULL)
		d = crypto_symkey_from_bytes(g_new, &gnew);
	if (d == NULL)
		d = child_check(v->name, "Child SA KEYMAT (PFS)", prf, keys.sk_d, gnew, ni, nr,
				encr, v->key_bits, integ, child_pfs);
	if (d == NULL)
		d = crypto_ike_skeyseed_rekey(prf, keys.sk_d, gnew, ni, nr, &rekey);
	if (d == NULL)
		d = compare_key(v->name, "rekey SKEYSEED", rekey, rekey_want);
	hexes_free(&h);
	crypto_ike_keys_free(&keys);
	crypto_symkey_free(&gk);
	crypto_symkey_free(&gnew);
	crypto_symkey_free(&skeyseed);
	crypto_symkey_free(&rekey);
	return d;
}
