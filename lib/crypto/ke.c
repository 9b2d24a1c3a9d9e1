/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Key exchange: MODP (RFC 3526), ECP (RFC 5903), Curve25519 (RFC 8031).
 * Private keys stay in NSS; only public values are copied out.
 */
#include <stdlib.h>
#include <string.h>

#include <keyhi.h>
#include <pk11pub.h>
#include <secerr.h>

#include "internal.h"

struct crypto_ke_secret {
	const struct crypto_ke_group *group;
	SECKEYPrivateKey *priv;
	SECKEYPublicKey *pub;
	uint8_t public_value[CRYPTO_MAX_KE_SIZE];
};

static const uint8_t modp_generator = 2;

static CK_MECHANISM_TYPE keygen_mech(const struct crypto_ke_group *g)
{
	return g->kind == CRYPTO_KE_MODP ? CKM_DH_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN;
}

/* NSS's public value -> KE payload form (fixed length) */
static diag_t export_public(const struct crypto_ke_group *g, const SECItem *v, uint8_t *out)
{
	switch (g->kind) {
	case CRYPTO_KE_MODP:
		if (v->len == 0 || v->len > g->public_size)
			return diag("%s: NSS returned a %u-octet public value", g->name, v->len);
		memset(out, 0, g->public_size - v->len);
		memcpy(out + g->public_size - v->len, v->data, v->len);
		return NULL;
	case CRYPTO_KE_ECP:
		/* uncompressed point: 0x04 | x | y */
		if (v->len != g->public_size + 1 || v->data[0] != 0x04)
			return diag("%s: NSS returned a %u-octet EC point", g->name, v->len);
		memcpy(out, v->data + 1, g->public_size);
		return NULL;
	case CRYPTO_KE_X25519:
		if (v->len != g->public_size)
			return diag("%s: NSS returned a %u-octet public value", g->name, v->len);
		memcpy(out, v->data, g->public_size);
		return NULL;
	}
	return diag("%s: unknown key exchange kind", g->name);
}

/*
 * NSS's softoken checks every key pair it generates with CKA_DERIVE set
 * by computing one more key agreement with it (a pairwise-consistency
 * test): X25519 key generation then costs two scalar multiplications and
 * MODP two exponentiations instead of one, a third of the whole IKE SA
 * set-up (docs/benchmarks.md, "Hot spots").  A session key pair generated
 * without CKA_DERIVE skips the test; CKA_DERIVE is then set on the private
 * key, which softoken allows.  The key pair is the same as the one
 * PK11_GenerateKeyPair() makes (session object, sensitive, private).
 * Returns NULL when NSS refuses either step (e.g. in FIPS mode); the
 * caller then generates the ordinary way.
 */
static SECKEYPrivateKey *generate_without_pct(PK11SlotInfo *slot, CK_MECHANISM_TYPE mech,
					      void *param, SECKEYPublicKey **pub)
{
	SECKEYPublicKey *p = NULL;
	SECKEYPrivateKey *priv = PK11_GenerateKeyPairWithOpFlags(
		slot, mech, param, &p, PK11_ATTR_SESSION | PK11_ATTR_SENSITIVE | PK11_ATTR_PRIVATE,
		0, CKF_DERIVE, NULL);
	if (priv == NULL)
		return NULL;
	CK_BBOOL yes = CK_TRUE;
	SECItem v = { .type = siBuffer, .data = &yes, .len = sizeof(yes) };
	if (PK11_WriteRawAttribute(PK11_TypePrivKey, priv, CKA_DERIVE, &v) != SECSuccess) {
		SECKEY_DestroyPrivateKey(priv);
		SECKEY_DestroyPublicKey(p);
		return NULL;
	}
	*pub = p;
	return priv;
}

diag_t crypto_ke_generate(const struct crypto_ke_group *g, struct crypto_ke_secret **out)
{
	if (g == NULL)
		return diag("no key exchange group");
	SECKEYDHParams dh = {
		.prime = { .type = siUnsignedInteger, .data = (uint8_t *)g->params, .len = g->params_len },
		.base = { .type = siUnsignedInteger, .data = (uint8_t *)&modp_generator, .len = 1 },
	};
	SECItem ec = { .type = siBuffer, .data = (uint8_t *)g->params, .len = g->params_len };
	void *param = g->kind == CRYPTO_KE_MODP ? (void *)&dh : (void *)&ec;

	PK11SlotInfo *slot = PK11_GetBestSlot(keygen_mech(g), NULL);
	if (slot == NULL)
		return crypto_nss_diag("%s: no NSS slot for key generation", g->name);
	SECKEYPublicKey *pub = NULL;
	SECKEYPrivateKey *priv = generate_without_pct(slot, keygen_mech(g), param, &pub);
	if (priv == NULL)
		priv = PK11_GenerateKeyPair(slot, keygen_mech(g), param, &pub, PR_FALSE, PR_TRUE, NULL);
	PK11_FreeSlot(slot);
	if (priv == NULL)
		return crypto_nss_diag("%s: generating a key pair", g->name);

	struct crypto_ke_secret *s = calloc(1, sizeof(*s));
	if (s == NULL)
		abort();
	s->group = g;
	s->priv = priv;
	s->pub = pub;
	const SECItem *v = g->kind == CRYPTO_KE_MODP ? &pub->u.dh.publicValue : &pub->u.ec.publicValue;
	diag_t d = export_public(g, v, s->public_value);
	if (d != NULL) {
		crypto_ke_free(&s);
		return d;
	}
	/* the public value is copied: the NSS public key (a softoken object
	 * of several KB) is not needed while the secret waits for the peer */
	SECKEY_DestroyPublicKey(s->pub);
	s->pub = NULL;
	*out = s;
	return NULL;
}

struct crypto_cspan crypto_ke_public(const struct crypto_ke_secret *s)
{
	return CRYPTO_CSPAN(s->public_value, s->group->public_size);
}

const struct crypto_ke_group *crypto_ke_secret_group(const struct crypto_ke_secret *s)
{
	return s->group;
}

void crypto_ke_free(struct crypto_ke_secret **sp)
{
	struct crypto_ke_secret *s = *sp;
	if (s == NULL)
		return;
	if (s->priv != NULL)
		SECKEY_DestroyPrivateKey(s->priv);
	if (s->pub != NULL)
		SECKEY_DestroyPublicKey(s->pub);
	crypto_wipe(s, sizeof(*s));
	free(s);
	*sp = NULL;
}

/* MODP: 1 < y < p-1, big-endian, same length as p */
static diag_t check_modp_range(const struct crypto_ke_group *g, const uint8_t *y)
{
	size_t n = g->public_size;
	bool small = true;
	for (size_t i = 0; i + 1 < n; i++)
		if (y[i] != 0)
			small = false;
	if (small && y[n - 1] <= 1)
		return diag("%s: peer's public value is %u, outside 1 < y < p-1", g->name, y[n - 1]);
	/* p ends in 0xff, so p-1 is p with its last octet 0xfe */
	int cmp = memcmp(y, g->params, n - 1);
	if (cmp > 0 || (cmp == 0 && y[n - 1] >= g->params[n - 1] - 1))
		return diag("%s: peer's public value is >= p-1, outside 1 < y < p-1", g->name);
	return NULL;
}

diag_t crypto_ke_derive(const struct crypto_ke_secret *s, struct crypto_cspan peer,
			PK11SymKey **shared)
{
	const struct crypto_ke_group *g = s->group;
	if (peer.len != g->public_size)
		return diag("%s: peer's public value has %zu octets, expected %u",
			    g->name, peer.len, g->public_size);
	uint8_t value[CRYPTO_MAX_KE_SIZE + 1];
	SECItem pv = { .type = siBuffer, .data = value };
	SECKEYPublicKey pk;
	memset(&pk, 0, sizeof(pk));
	pk.pkcs11ID = CK_INVALID_HANDLE;
	CK_MECHANISM_TYPE mech;

	switch (g->kind) {
	case CRYPTO_KE_MODP: {
		diag_t d = check_modp_range(g, peer.ptr);
		if (d != NULL)
			return d;
		memcpy(value, peer.ptr, peer.len);
		pv.len = peer.len;
		pk.keyType = dhKey;
		pk.u.dh.prime = (SECItem){ siUnsignedInteger, (uint8_t *)g->params, g->params_len };
		pk.u.dh.base = (SECItem){ siUnsignedInteger, (uint8_t *)&modp_generator, 1 };
		pk.u.dh.publicValue = pv;
		mech = CKM_DH_PKCS_DERIVE;
		break;
	}
	case CRYPTO_KE_ECP:
		value[0] = 0x04;
		memcpy(value + 1, peer.ptr, peer.len);
		pv.len = peer.len + 1;
		pk.keyType = ecKey;
		pk.u.ec.DEREncodedParams = (SECItem){ siBuffer, (uint8_t *)g->params, g->params_len };
		pk.u.ec.publicValue = pv;
		pk.u.ec.encoding = ECPoint_Uncompressed;
		mech = CKM_ECDH1_DERIVE;
		break;
	case CRYPTO_KE_X25519: {
		memcpy(value, peer.ptr, peer.len);
		pv.len = peer.len;
		pk.keyType = ecKey;
		pk.u.ec.DEREncodedParams = (SECItem){ siBuffer, (uint8_t *)g->params, g->params_len };
		pk.u.ec.publicValue = pv;
		pk.u.ec.encoding = ECPoint_XOnly;
		mech = CKM_ECDH1_DERIVE;
		break;
	}
	default:
		return diag("%s: unknown key exchange kind", g->name);
	}

	PK11SymKey *k;
	if (g->kind == CRYPTO_KE_MODP)
		k = PK11_PubDerive(s->priv, &pk, PR_FALSE, NULL, NULL, mech,
				   CKM_GENERIC_SECRET_KEY_GEN, CKA_DERIVE, 0, NULL);
	else
		k = PK11_PubDeriveWithKDF(s->priv, &pk, PR_FALSE, NULL, NULL, mech,
					  CKM_GENERIC_SECRET_KEY_GEN, CKA_DERIVE, 0, CKD_NULL,
					  NULL, NULL);
	if (k == NULL)
		return crypto_nss_diag("%s: deriving the shared secret from the peer's public value",
				       g->name);

	size_t len = PK11_GetKeyLength(k);
	if (len < g->shared_size && g->kind == CRYPTO_KE_MODP) {
		/* RFC 7296 2.14: g^ir is as long as the prime, left-padded */
		PK11SymKey *padded = NULL;
		diag_t d = crypto_key_pad_left(k, g->shared_size, &padded);
		PK11_FreeSymKey(k);
		if (d != NULL)
			return diag_prefix(d, "%s", g->name);
		k = padded;
	} else if (len != g->shared_size) {
		PK11_FreeSymKey(k);
		return diag("%s: shared secret has %zu octets, expected %u", g->name, len,
			    g->shared_size);
	}

	if (g->kind == CRYPTO_KE_X25519) {
		/* RFC 8031 2.3 / RFC 7748 6.1: refuse the all-zero result of a
		 * small-order peer point.  NSS 3.87 already refuses the known
		 * small-order points (SEC_ERROR_INVALID_KEY); this check does
		 * not depend on that.  The value is read here and wiped. */
		uint8_t z[32];
		diag_t d = crypto_key_octets(k, z, sizeof(z));
		bool zero = d == NULL && crypto_memeq(z, (const uint8_t[32]){ 0 }, sizeof(z));
		crypto_wipe(z, sizeof(z));
		if (d != NULL || zero) {
			PK11_FreeSymKey(k);
			return d != NULL ? diag_prefix(d, "%s", g->name)
				: diag("%s: peer's public value is a small-order point (all-zero shared secret)",
				       g->name);
		}
	}
	*shared = k;
	return NULL;
}

/*
 * Known-answer support: a private key from raw values, through PKCS#8.
 * ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING,
 *                             [1] publicKey BIT STRING }
 * MODP keys are not imported (the MODP KAT is a round trip).
 */
static size_t der_len(uint8_t *p, size_t len)
{
	if (len < 0x80) {
		if (p) p[0] = (uint8_t)len;
		return 1;
	}
	if (len < 0x100) {
		if (p) { p[0] = 0x81; p[1] = (uint8_t)len; }
		return 2;
	}
	if (p) { p[0] = 0x82; p[1] = (uint8_t)(len >> 8); p[2] = (uint8_t)len; }
	return 3;
}

static size_t der_put(uint8_t *p, uint8_t tag, const uint8_t *body, size_t len)
{
	size_t n = 0;
	p[n++] = tag;
	n += der_len(p + n, len);
	if (body != NULL)
		memcpy(p + n, body, len);
	return n + len;
}

diag_t crypto_ke_import_for_kat(const struct crypto_ke_group *g, struct crypto_cspan priv,
				struct crypto_cspan pub, struct crypto_ke_secret **out)
{
	if (g->kind == CRYPTO_KE_MODP)
		return diag("%s: importing MODP private keys is not supported", g->name);
	if (pub.len != g->public_size)
		return diag("%s: public value has %zu octets, expected %u", g->name, pub.len,
			    g->public_size);
	if (priv.len == 0 || priv.len > 66)
		return diag("%s: private value of %zu octets", g->name, priv.len);

	/* NSS form of the public value */
	uint8_t point[CRYPTO_MAX_KE_SIZE + 1];
	size_t point_len = 0;
	if (g->kind == CRYPTO_KE_ECP)
		point[point_len++] = 0x04;
	memcpy(point + point_len, pub.ptr, pub.len);
	point_len += pub.len;

	uint8_t inner[512], bits[CRYPTO_MAX_KE_SIZE + 2], ecpk[640];
	size_t n = 0;
	static const uint8_t version[] = { 0x01 };
	n += der_put(inner + n, 0x02, version, 1);
	n += der_put(inner + n, 0x04, priv.ptr, priv.len);
	bits[0] = 0;	/* unused bits */
	memcpy(bits + 1, point, point_len);
	uint8_t bitstr[CRYPTO_MAX_KE_SIZE + 8];
	size_t bl = der_put(bitstr, 0x03, bits, point_len + 1);
	n += der_put(inner + n, 0xa1, bitstr, bl);
	size_t ecpk_len = der_put(ecpk, 0x30, inner, n);

	SECKEYPrivateKeyInfo pki;
	memset(&pki, 0, sizeof(pki));
	static const uint8_t zero_version[] = { 0x00 };
	pki.version = (SECItem){ siUnsignedInteger, (uint8_t *)zero_version, 1 };
	pki.privateKey = (SECItem){ siBuffer, ecpk, ecpk_len };
	SECItem params = { siBuffer, (uint8_t *)g->params, g->params_len };
	if (SECOID_SetAlgorithmID(NULL, &pki.algorithm, SEC_OID_ANSIX962_EC_PUBLIC_KEY,
				  &params) != SECSuccess)
		return crypto_nss_diag("%s: building the key's algorithm id", g->name);

	PK11SlotInfo *slot = PK11_GetInternalSlot();
	SECKEYPrivateKey *key = NULL;
	SECItem nick = { siBuffer, NULL, 0 };
	SECItem pubitem = { siBuffer, point, point_len };
	SECStatus rv = PK11_ImportPrivateKeyInfoAndReturnKey(slot, &pki, &nick, &pubitem,
							     PR_FALSE, PR_FALSE, KU_ALL, &key, NULL);
	PK11_FreeSlot(slot);
	SECOID_DestroyAlgorithmID(&pki.algorithm, PR_FALSE);
	crypto_wipe(inner, sizeof(inner));
	crypto_wipe(ecpk, sizeof(ecpk));
	if (rv != SECSuccess || key == NULL)
		return crypto_nss_diag("%s: importing a private key", g->name);

	struct crypto_ke_secret *s = calloc(1, sizeof(*s));
	if (s == NULL)
		abort();
	s->group = g;
	s->priv = key;
	s->pub = NULL;
	memcpy(s->public_value, pub.ptr, pub.len);
	*out = s;
	return NULL;
}
