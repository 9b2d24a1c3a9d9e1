/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signatures through NSS: RSA PKCS#1 v1.5 (DigestInfo built here, signed
 * with CKM_RSA_PKCS), RSA-PSS (CKM_RSA_PKCS_PSS over the digest), ECDSA
 * (CKM_ECDSA over the digest, r||s, DER through DSAU_*).  See
 * tern/crypto_sig.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cryptohi.h>
#include <keyhi.h>
#include <pk11pub.h>

#include "tern/crypto_pubkey.h"
#include "tern/crypto_sig.h"
#include "internal.h"

/* RFC 7427 Appendix A AlgorithmIdentifiers (PSS as RFC 4055 writes the
 * explicit SHA-2 parameters: hash, MGF1 with the same hash, salt length) */
static const uint8_t algid_rsa_sha1[] = {
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
};
static const uint8_t algid_rsa_sha256[] = {
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
};
static const uint8_t algid_rsa_sha384[] = {
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00,
};
static const uint8_t algid_rsa_sha512[] = {
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00,
};
#define PSS_ALGID(h, salt)                                                                 \
	{                                                                                  \
		0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,    \
		0x0a, 0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,    \
		0x01, 0x65, 0x03, 0x04, 0x02, (h), 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a,     \
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,    \
		0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, (h),     \
		0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, (salt),                                \
	}
static const uint8_t algid_pss_sha256[] = PSS_ALGID(0x01, 0x20);
static const uint8_t algid_pss_sha384[] = PSS_ALGID(0x02, 0x30);
static const uint8_t algid_pss_sha512[] = PSS_ALGID(0x03, 0x40);
static const uint8_t algid_ecdsa_sha1[] = {
	0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01,
};
static const uint8_t algid_ecdsa_sha256[] = {
	0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
};
static const uint8_t algid_ecdsa_sha384[] = {
	0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03,
};
static const uint8_t algid_ecdsa_sha512[] = {
	0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04,
};

#define ALG(n, s, h, a) { n, s, h, a, sizeof(a) }
const struct crypto_sig_alg crypto_sig_table[] = {
	ALG("RSA_PKCS1_SHA1", CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA1, algid_rsa_sha1),
	ALG("RSA_PKCS1_SHA2_256", CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA2_256, algid_rsa_sha256),
	ALG("RSA_PKCS1_SHA2_384", CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA2_384, algid_rsa_sha384),
	ALG("RSA_PKCS1_SHA2_512", CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA2_512, algid_rsa_sha512),
	ALG("RSASSA_PSS_SHA2_256", CRYPTO_SIG_RSA_PSS, IKEv2_HASH_SHA2_256, algid_pss_sha256),
	ALG("RSASSA_PSS_SHA2_384", CRYPTO_SIG_RSA_PSS, IKEv2_HASH_SHA2_384, algid_pss_sha384),
	ALG("RSASSA_PSS_SHA2_512", CRYPTO_SIG_RSA_PSS, IKEv2_HASH_SHA2_512, algid_pss_sha512),
	ALG("ECDSA_SHA1", CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA1, algid_ecdsa_sha1),
	ALG("ECDSA_SHA2_256", CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA2_256, algid_ecdsa_sha256),
	ALG("ECDSA_SHA2_384", CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA2_384, algid_ecdsa_sha384),
	ALG("ECDSA_SHA2_512", CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA2_512, algid_ecdsa_sha512),
	{ NULL, 0, 0, NULL, 0 },
};

const struct crypto_sig_alg *crypto_sig_alg_find(enum crypto_sig_scheme scheme,
						 enum ikev2_hash_algorithm hash)
{
	for (const struct crypto_sig_alg *a = crypto_sig_table; a->name != NULL; a++)
		if (a->scheme == scheme && a->hash == hash)
			return a;
	return NULL;
}

const struct crypto_sig_alg *crypto_sig_alg_by_algid(struct crypto_cspan algid)
{
	for (const struct crypto_sig_alg *a = crypto_sig_table; a->name != NULL; a++)
		if (a->algid_len == algid.len && memcmp(a->algid, algid.ptr, algid.len) == 0)
			return a;
	return NULL;
}

/* RFC 8017 9.2 note 1: DigestInfo prefixes */
static const uint8_t di_sha1[] = { 0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
				   0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14 };
static const uint8_t di_sha256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
static const uint8_t di_sha384[] = { 0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30 };
static const uint8_t di_sha512[] = { 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40 };

struct digest {
	/* DigestInfo prefix room + the largest digest */
	uint8_t buf[sizeof(di_sha512) + CRYPTO_MAX_PRF_SIZE];
	size_t len;		/* octets of buf to sign (DigestInfo or digest) */
};

static bool hash_mechs(enum ikev2_hash_algorithm h, CK_MECHANISM_TYPE *hash_mech,
		       CK_RSA_PKCS_MGF_TYPE *mgf)
{
	switch (h) {
	case IKEv2_HASH_SHA1: *hash_mech = CKM_SHA_1; *mgf = CKG_MGF1_SHA1; return true;
	case IKEv2_HASH_SHA2_256: *hash_mech = CKM_SHA256; *mgf = CKG_MGF1_SHA256; return true;
	case IKEv2_HASH_SHA2_384: *hash_mech = CKM_SHA384; *mgf = CKG_MGF1_SHA384; return true;
	case IKEv2_HASH_SHA2_512: *hash_mech = CKM_SHA512; *mgf = CKG_MGF1_SHA512; return true;
	default: return false;
	}
}

/* the octets the key operation takes: hash, with DigestInfo for PKCS1 */
static diag_t make_digest(const struct crypto_sig_alg *alg, const struct crypto_cspan *data,
			  size_t n, struct digest *d)
{
	size_t hlen = crypto_hash_size(alg->hash);
	if (hlen == 0)
		return diag("%s: unknown hash", alg->name);
	const uint8_t *prefix = NULL;
	size_t plen = 0;
	if (alg->scheme == CRYPTO_SIG_RSA_PKCS1) {
		switch (alg->hash) {
		case IKEv2_HASH_SHA1: prefix = di_sha1; plen = sizeof(di_sha1); break;
		case IKEv2_HASH_SHA2_256: prefix = di_sha256; plen = sizeof(di_sha256); break;
		case IKEv2_HASH_SHA2_384: prefix = di_sha384; plen = sizeof(di_sha384); break;
		case IKEv2_HASH_SHA2_512: prefix = di_sha512; plen = sizeof(di_sha512); break;
		default: return diag("%s: no DigestInfo for this hash", alg->name);
		}
		memcpy(d->buf, prefix, plen);
	}
	diag_t e = crypto_hash(alg->hash, data, n, d->buf + plen, hlen);
	if (e != NULL)
		return diag_prefix(e, "%s", alg->name);
	d->len = plen + hlen;
	return NULL;
}

/* mechanism and its parameter for ALG */
static diag_t mech_for(const struct crypto_sig_alg *alg, CK_MECHANISM_TYPE *mech,
		       CK_RSA_PKCS_PSS_PARAMS *pss, SECItem *param)
{
	*param = (SECItem){ .type = siBuffer, .data = NULL, .len = 0 };
	switch (alg->scheme) {
	case CRYPTO_SIG_RSA_PKCS1:
		*mech = CKM_RSA_PKCS;
		return NULL;
	case CRYPTO_SIG_RSA_PSS: {
		CK_MECHANISM_TYPE hm;
		CK_RSA_PKCS_MGF_TYPE mgf;
		if (!hash_mechs(alg->hash, &hm, &mgf))
			return diag("%s: unknown hash", alg->name);
		*pss = (CK_RSA_PKCS_PSS_PARAMS){ .hashAlg = hm, .mgf = mgf,
						 .sLen = crypto_hash_size(alg->hash) };
		param->data = (unsigned char *)pss;
		param->len = sizeof(*pss);
		*mech = CKM_RSA_PKCS_PSS;
		return NULL;
	}
	case CRYPTO_SIG_ECDSA:
		*mech = CKM_ECDSA;
		return NULL;
	}
	return diag("unknown signature scheme %d", (int)alg->scheme);
}

static KeyType scheme_key_type(enum crypto_sig_scheme s)
{
	return s == CRYPTO_SIG_ECDSA ? ecKey : rsaKey;
}

static const char *key_type_name(KeyType t)
{
	switch (t) {
	case rsaKey: return "RSA";
	case ecKey: return "EC";
	case rsaPssKey: return "RSA-PSS";
	case dsaKey: return "DSA";
	default: return "unsupported";
	}
}

diag_t crypto_sig_sign(const struct crypto_sig_alg *alg, bool der, SECKEYPrivateKey *key,
		       const struct crypto_cspan *data, size_t n, uint8_t **sig, size_t *sig_len)
{
	if (alg == NULL || key == NULL)
		return diag("signing needs an algorithm and a private key");
	KeyType kt = SECKEY_GetPrivateKeyType(key);
	if (kt != scheme_key_type(alg->scheme))
		return diag("%s: cannot sign with an %s private key", alg->name,
			    key_type_name(kt));
	struct digest dg;
	diag_t d = make_digest(alg, data, n, &dg);
	if (d != NULL)
		return d;
	CK_MECHANISM_TYPE mech;
	CK_RSA_PKCS_PSS_PARAMS pss;
	SECItem param;
	d = mech_for(alg, &mech, &pss, &param);
	if (d != NULL)
		return d;
	int slen = PK11_SignatureLen(key);
	if (slen <= 0)
		return crypto_nss_diag("%s: signature length of the private key", alg->name);
	uint8_t *raw = malloc((size_t)slen);
	if (raw == NULL)
		abort();
	SECItem out = { .type = siBuffer, .data = raw, .len = (unsigned)slen };
	SECItem hash = { .type = siBuffer, .data = dg.buf, .len = dg.len };
	if (PK11_SignWithMechanism(key, mech, param.len > 0 ? &param : NULL, &out, &hash) !=
	    SECSuccess) {
		free(raw);
		return crypto_nss_diag("%s: signing", alg->name);
	}
	if (alg->scheme == CRYPTO_SIG_ECDSA && der) {
		SECItem dersig = { .type = siBuffer, .data = NULL, .len = 0 };
		if (DSAU_EncodeDerSigWithLen(&dersig, &out, out.len) != SECSuccess) {
			free(raw);
			return crypto_nss_diag("%s: DER-encoding the signature", alg->name);
		}
		uint8_t *p = malloc(dersig.len);
		if (p == NULL)
			abort();
		memcpy(p, dersig.data, dersig.len);
		*sig_len = dersig.len;
		SECITEM_FreeItem(&dersig, PR_FALSE);
		free(raw);
		*sig = p;
		return NULL;
	}
	*sig = raw;
	*sig_len = out.len;
	return NULL;
}

diag_t crypto_sig_verify(const struct crypto_sig_alg *alg, bool der, SECKEYPublicKey *key,
			 const struct crypto_cspan *data, size_t n, struct crypto_cspan sig)
{
	if (alg == NULL || key == NULL)
		return diag("verifying needs an algorithm and a public key");
	KeyType kt = SECKEY_GetPublicKeyType(key);
	if (kt != scheme_key_type(alg->scheme))
		return diag("%s signature cannot be verified with an %s public key", alg->name,
			    key_type_name(kt));
	unsigned expect = SECKEY_SignatureLen(key);
	if (expect == 0)
		return crypto_nss_diag("%s: signature length of the public key", alg->name);
	SECItem raw = { .type = siBuffer, .data = (unsigned char *)sig.ptr, .len = sig.len };
	SECItem *decoded = NULL;
	if (alg->scheme == CRYPTO_SIG_ECDSA && der) {
		if (sig.len == 0 || sig.len > 2 * expect + 16)
			return diag("%s: DER signature of %zu octets is malformed", alg->name,
				    sig.len);
		decoded = DSAU_DecodeDerSigToLen(&raw, expect);
		if (decoded == NULL)
			return diag("%s: DER signature (ECDSA-Sig-Value) is malformed", alg->name);
		raw = *decoded;
	} else if (sig.len != expect) {
		unsigned bits = SECKEY_PublicKeyStrengthInBits(key);
		return diag("%s: signature is %zu octets, the %u-bit %s key makes %u", alg->name,
			    sig.len, bits, key_type_name(kt), expect);
	}
	struct digest dg;
	diag_t d = make_digest(alg, data, n, &dg);
	CK_MECHANISM_TYPE mech = 0;
	CK_RSA_PKCS_PSS_PARAMS pss;
	SECItem param;
	if (d == NULL)
		d = mech_for(alg, &mech, &pss, &param);
	if (d == NULL) {
		SECItem hash = { .type = siBuffer, .data = dg.buf, .len = dg.len };
		if (PK11_VerifyWithMechanism(key, mech, param.len > 0 ? &param : NULL, &raw,
					     &hash, NULL) != SECSuccess)
			d = diag("%s signature does not verify with the %u-bit %s key", alg->name,
				 SECKEY_PublicKeyStrengthInBits(key), key_type_name(kt));
	}
	if (decoded != NULL)
		SECITEM_FreeItem(decoded, PR_TRUE);
	return d;
}

enum ikev2_auth_method crypto_ecdsa_auth_method(unsigned curve_bits)
{
	switch (curve_bits) {
	case 256: return IKEv2_AUTH_ECDSA_SHA2_256_P256;
	case 384: return IKEv2_AUTH_ECDSA_SHA2_384_P384;
	case 521: return IKEv2_AUTH_ECDSA_SHA2_512_P521;
	default: return 0;
	}
}

static const struct crypto_sig_alg *ecdsa_method_alg(enum ikev2_auth_method m,
						     unsigned *curve_bits)
{
	switch (m) {
	case IKEv2_AUTH_ECDSA_SHA2_256_P256:
		*curve_bits = 256;
		return crypto_sig_alg_find(CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA2_256);
	case IKEv2_AUTH_ECDSA_SHA2_384_P384:
		*curve_bits = 384;
		return crypto_sig_alg_find(CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA2_384);
	case IKEv2_AUTH_ECDSA_SHA2_512_P521:
		*curve_bits = 521;
		return crypto_sig_alg_find(CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA2_512);
	default:
		return NULL;
	}
}

static unsigned private_key_bits(SECKEYPrivateKey *key)
{
	SECKEYPublicKey *pub = SECKEY_ConvertToPublicKey(key);
	if (pub == NULL)
		return 0;
	unsigned bits = SECKEY_PublicKeyStrengthInBits(pub);
	SECKEY_DestroyPublicKey(pub);
	return bits;
}

diag_t crypto_auth_sig_sign(enum ikev2_auth_method method, const struct crypto_sig_alg *alg,
			    SECKEYPrivateKey *key, const struct crypto_cspan *data, size_t n,
			    uint8_t **auth, size_t *auth_len)
{
	if (key == NULL)
		return diag("AUTH method %d: no private key", (int)method);
	unsigned curve = 0;
	switch (method) {
	case IKEv2_AUTH_RSA:
		return crypto_sig_sign(crypto_sig_alg_find(CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA1),
				       false, key, data, n, auth, auth_len);
	case IKEv2_AUTH_ECDSA_SHA2_256_P256:
	case IKEv2_AUTH_ECDSA_SHA2_384_P384:
	case IKEv2_AUTH_ECDSA_SHA2_512_P521: {
		const struct crypto_sig_alg *a = ecdsa_method_alg(method, &curve);
		if (SECKEY_GetPrivateKeyType(key) != ecKey)
			return diag("AUTH method %d needs an EC key", (int)method);
		unsigned bits = private_key_bits(key);
		if (bits != curve)
			return diag("AUTH method %d needs a P-%u key, not a %u-bit one", (int)method,
				    curve, bits);
		return crypto_sig_sign(a, false, key, data, n, auth, auth_len);
	}
	case IKEv2_AUTH_DIGSIG: {
		if (alg == NULL)
			return diag("AUTH method 14 (digital signature) needs an algorithm");
		uint8_t *sig = NULL;
		size_t sig_len = 0;
		diag_t d = crypto_sig_sign(alg, true, key, data, n, &sig, &sig_len);
		if (d != NULL)
			return d;
		size_t len = 1 + alg->algid_len + sig_len;
		uint8_t *p = malloc(len);
		if (p == NULL)
			abort();
		p[0] = (uint8_t)alg->algid_len;
		memcpy(p + 1, alg->algid, alg->algid_len);
		memcpy(p + 1 + alg->algid_len, sig, sig_len);
		free(sig);
		*auth = p;
		*auth_len = len;
		return NULL;
	}
	default:
		return diag("AUTH method %d is not a signature method", (int)method);
	}
}

diag_t crypto_auth_sig_verify(enum ikev2_auth_method method, SECKEYPublicKey *key,
			      const struct crypto_cspan *data, size_t n,
			      struct crypto_cspan auth, const struct crypto_sig_alg **used)
{
	if (key == NULL)
		return diag("AUTH method %d: no public key", (int)method);
	const struct crypto_sig_alg *alg = NULL;
	struct crypto_cspan sig = auth;
	bool der = false;
	unsigned curve = 0;
	switch (method) {
	case IKEv2_AUTH_RSA:
		alg = crypto_sig_alg_find(CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA1);
		break;
	case IKEv2_AUTH_ECDSA_SHA2_256_P256:
	case IKEv2_AUTH_ECDSA_SHA2_384_P384:
	case IKEv2_AUTH_ECDSA_SHA2_512_P521: {
		alg = ecdsa_method_alg(method, &curve);
		if (SECKEY_GetPublicKeyType(key) != ecKey)
			return diag("AUTH method %d needs an EC public key, the peer's is %s",
				    (int)method, key_type_name(SECKEY_GetPublicKeyType(key)));
		unsigned bits = SECKEY_PublicKeyStrengthInBits(key);
		if (bits != curve)
			return diag("AUTH method %d needs a P-%u key, the peer's has %u bits",
				    (int)method, curve, bits);
		break;
	}
	case IKEv2_AUTH_DIGSIG: {
		if (auth.len < 1)
			return diag("digital signature AUTH data is empty");
		size_t alen = auth.ptr[0];
		if (alen == 0 || 1 + alen > auth.len)
			return diag("digital signature AUTH data: AlgorithmIdentifier of %zu octets "
				    "does not fit in %zu", alen, auth.len - 1);
		alg = crypto_sig_alg_by_algid(CRYPTO_CSPAN(auth.ptr + 1, alen));
		if (alg == NULL)
			return diag("digital signature AUTH data: unknown or unsupported "
				    "AlgorithmIdentifier (%zu octets)", alen);
		sig = CRYPTO_CSPAN(auth.ptr + 1 + alen, auth.len - 1 - alen);
		der = true;
		break;
	}
	default:
		return diag("AUTH method %d is not a signature method", (int)method);
	}
	diag_t d = crypto_sig_verify(alg, der, key, data, n, sig);
	if (d == NULL && used != NULL)
		*used = alg;
	return d;
}

static const enum ikev2_hash_algorithm notify_hashes[] = {
	IKEv2_HASH_SHA1, IKEv2_HASH_SHA2_256, IKEv2_HASH_SHA2_384, IKEv2_HASH_SHA2_512,
	IKEv2_HASH_IDENTITY,
};
#define N_NOTIFY_HASHES (sizeof(notify_hashes) / sizeof(notify_hashes[0]))

diag_t crypto_hash_notify_encode(unsigned mask, uint8_t *out, size_t out_size, size_t *len)
{
	size_t need = 0;
	for (size_t i = 0; i < N_NOTIFY_HASHES; i++)
		if (mask & CRYPTO_HASH_BIT(notify_hashes[i]))
			need += 2;
	if (need == 0)
		return diag("SIGNATURE_HASH_ALGORITHMS: no known hash algorithm in the set");
	if (need > out_size)
		return diag("SIGNATURE_HASH_ALGORITHMS: %zu octets do not fit in %zu", need,
			    out_size);
	size_t at = 0;
	for (size_t i = 0; i < N_NOTIFY_HASHES; i++) {
		if (mask & CRYPTO_HASH_BIT(notify_hashes[i])) {
			out[at++] = (uint8_t)(notify_hashes[i] >> 8);
			out[at++] = (uint8_t)notify_hashes[i];
		}
	}
	*len = at;
	return NULL;
}

diag_t crypto_hash_notify_decode(struct crypto_cspan data, unsigned *mask)
{
	if (data.len % 2 != 0)
		return diag("SIGNATURE_HASH_ALGORITHMS notify data has an odd length (%zu octets)",
			    data.len);
	unsigned m = 0;
	for (size_t i = 0; i + 1 < data.len; i += 2) {
		unsigned id = ((unsigned)data.ptr[i] << 8) | data.ptr[i + 1];
		for (size_t j = 0; j < N_NOTIFY_HASHES; j++)
			if (id == (unsigned)notify_hashes[j])
				m |= CRYPTO_HASH_BIT(id);
	}
	*mask = m;
	return NULL;
}

const struct crypto_sig_alg *crypto_digsig_choose(SECKEYPrivateKey *key, unsigned peer_hashes,
						  bool pkcs1)
{
	if (key == NULL)
		return NULL;
	KeyType kt = SECKEY_GetPrivateKeyType(key);
	enum crypto_sig_scheme scheme;
	enum ikev2_hash_algorithm preferred = IKEv2_HASH_SHA2_512;
	if (kt == rsaKey) {
		scheme = pkcs1 ? CRYPTO_SIG_RSA_PKCS1 : CRYPTO_SIG_RSA_PSS;
	} else if (kt == ecKey) {
		scheme = CRYPTO_SIG_ECDSA;
		unsigned bits = private_key_bits(key);
		preferred = bits <= 256 ? IKEv2_HASH_SHA2_256
			  : bits <= 384 ? IKEv2_HASH_SHA2_384 : IKEv2_HASH_SHA2_512;
	} else {
		return NULL;
	}
	if (peer_hashes & CRYPTO_HASH_BIT(preferred))
		return crypto_sig_alg_find(scheme, preferred);
	static const enum ikev2_hash_algorithm order[] = {
		IKEv2_HASH_SHA2_512, IKEv2_HASH_SHA2_384, IKEv2_HASH_SHA2_256,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (peer_hashes & CRYPTO_HASH_BIT(order[i]))
			return crypto_sig_alg_find(scheme, order[i]);
	return NULL;
}

/* RFC 4754 8.1 and 8.2: public key (04 | gwx | gwy) and r | s over "abc" */
static const struct {
	unsigned bits;
	enum ikev2_auth_method method;
	const char *point, *sig;
} selftest_vectors[] = {
	{ 256, IKEv2_AUTH_ECDSA_SHA2_256_P256,
	  "04"
	  "2442A5CC0ECD015FA3CA31DC8E2BBC70BF42D60CBCA20085E0822CB04235E970"
	  "6FC98BD7E50211A4A27102FA3549DF79EBCB4BF246B80945CDDFE7D509BBFD7D",
	  "CB28E0999B9C7715FD0A80D8E47A77079716CBBF917DD72E97566EA1C066957C"
	  "86FA3BB4E26CAD5BF90B7F81899256CE7594BB1EA0C89212748BFF3B3D5B0315" },
	{ 384, IKEv2_AUTH_ECDSA_SHA2_384_P384,
	  "04"
	  "96281BF8DD5E0525CA049C048D345D3082968D10FEDF5C5ACA0C64E6465A97EA"
	  "5CE10C9DFEC21797415710721F437922"
	  "447688BA94708EB6E2E4D59F6AB6D7EDFF9301D249FE49C33096655F5D502FAD"
	  "3D383B91C5E7EDAA2B714CC99D5743CA",
	  "FB017B914E29149432D8BAC29A514640B46F53DDAB2C69948084E2930F1C8F7E"
	  "08E07C9C63F2D21A07DCB56A6AF56EB3"
	  "B263A1305E057F984D38726A1B46874109F417BCA112674C528262A40A629AF1"
	  "CBB9F516CE0FA7D2FF630863A00E8B9F" },
};

diag_t crypto_sig_selftest(void)
{
	struct crypto_cspan abc = CRYPTO_CSPAN("abc", 3);
	for (size_t i = 0; i < sizeof(selftest_vectors) / sizeof(selftest_vectors[0]); i++) {
		size_t plen = 0, slen = 0;
		uint8_t *point = crypto_unhex(selftest_vectors[i].point, &plen);
		uint8_t *sig = crypto_unhex(selftest_vectors[i].sig, &slen);
		SECKEYPublicKey *key = NULL;
		diag_t d = point == NULL || sig == NULL ? diag("bad vector")
			 : crypto_pubkey_from_ec_point(selftest_vectors[i].bits,
						       CRYPTO_CSPAN(point, plen), &key);
		if (d == NULL)
			d = crypto_auth_sig_verify(selftest_vectors[i].method, key, &abc, 1,
						   CRYPTO_CSPAN(sig, slen), NULL);
		if (d == NULL) {
			sig[slen - 1] ^= 1;
			diag_t e = crypto_auth_sig_verify(selftest_vectors[i].method, key, &abc, 1,
							  CRYPTO_CSPAN(sig, slen), NULL);
			if (e == NULL)
				d = diag("a changed signature verified");
			diag_free(&e);
		}
		if (key != NULL)
			crypto_pubkey_free(&key);
		free(point);
		free(sig);
		if (d != NULL)
			return diag_prefix(d, "signature self-test RFC 4754 ECDSA P-%u",
					   selftest_vectors[i].bits);
	}
	return NULL;
}
