/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Libreswan-style ike= / esp= proposal strings: parse, defaults, print.
 * See include/tern/ike_proposal.h for the grammar.
 */
#include "tern/ike_proposal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- algorithm tables ---- */

struct encr_info {
	uint16_t id;
	const char *names[5];
	bool aead;
	bool keylen_attr;	/* Key Length attribute; else fixed key size */
	uint16_t keylens[3];	/* valid sizes, largest first */
	bool ike;		/* usable for IKE (else ESP only) */
};

static const struct encr_info encrs[] = {
	{ IKEv2_ENCR_AES_CBC, { "aes", "aes_cbc" }, false, true, { 256, 192, 128 }, true },
	{ IKEv2_ENCR_AES_CTR, { "aes_ctr", "aesctr" }, false, true, { 256, 192, 128 }, true },
	{ IKEv2_ENCR_AES_GCM_16, { "aes_gcm", "aes_gcm_16", "aes_gcm_c", "aes_gcm16" }, true, true, { 256, 192, 128 }, true },
	{ IKEv2_ENCR_AES_GCM_12, { "aes_gcm_12", "aes_gcm_b", "aes_gcm12" }, true, true, { 256, 192, 128 }, true },
	{ IKEv2_ENCR_AES_GCM_8, { "aes_gcm_8", "aes_gcm_a", "aes_gcm8" }, true, true, { 256, 192, 128 }, true },
	{ IKEv2_ENCR_AES_CCM_16, { "aes_ccm", "aes_ccm_16", "aes_ccm_c", "aes_ccm16" }, true, true, { 256, 192, 128 }, true },
	{ IKEv2_ENCR_AES_CCM_12, { "aes_ccm_12", "aes_ccm_b", "aes_ccm12" }, true, true, { 256, 192, 128 }, true },
	{ IKEv2_ENCR_AES_CCM_8, { "aes_ccm_8", "aes_ccm_a", "aes_ccm8" }, true, true, { 256, 192, 128 }, true },
	{ IKEv2_ENCR_CHACHA20_POLY1305, { "chacha20_poly1305", "chacha20poly1305" }, true, false, { 256 }, true },
	{ IKEv2_ENCR_CAMELLIA_CBC, { "camellia", "camellia_cbc" }, false, true, { 256, 192, 128 }, true },
	{ IKEv2_ENCR_3DES, { "3des", "3des_cbc" }, false, false, { 192 }, true },
	{ IKEv2_ENCR_NULL, { "null" }, false, false, { 0 }, false },
	{ IKEv2_ENCR_NULL_AUTH_AES_GMAC, { "null_auth_aes_gmac", "aes_gmac" }, true, true, { 256, 192, 128 }, false },
};

/* PRF and integrity algorithms share names ("sha2_256") */
struct hash_info {
	const char *names[6];
	uint16_t prf;		/* 0 = not a PRF */
	uint16_t integ;
};

static const struct hash_info hashes[] = {
	{ { "sha2", "sha256", "sha2_256", "hmac_sha2_256", "hmac_sha2_256_128" },
	  IKEv2_PRF_HMAC_SHA2_256, IKEv2_INTEG_HMAC_SHA2_256_128 },
	{ { "sha384", "sha2_384", "hmac_sha2_384", "hmac_sha2_384_192" },
	  IKEv2_PRF_HMAC_SHA2_384, IKEv2_INTEG_HMAC_SHA2_384_192 },
	{ { "sha512", "sha2_512", "hmac_sha2_512", "hmac_sha2_512_256" },
	  IKEv2_PRF_HMAC_SHA2_512, IKEv2_INTEG_HMAC_SHA2_512_256 },
	{ { "sha1", "sha", "hmac_sha1", "hmac_sha1_96" }, IKEv2_PRF_HMAC_SHA1, IKEv2_INTEG_HMAC_SHA1_96 },
	{ { "md5", "hmac_md5", "hmac_md5_96" }, IKEv2_PRF_HMAC_MD5, IKEv2_INTEG_HMAC_MD5_96 },
	{ { "aes_xcbc", "aes128_xcbc", "aes_xcbc_96" }, IKEv2_PRF_AES128_XCBC, IKEv2_INTEG_AES_XCBC_96 },
	{ { "aes_cmac", "aes_cmac_96" }, IKEv2_PRF_AES128_CMAC, IKEv2_INTEG_AES_CMAC_96 },
	{ { "none" }, 0, IKEv2_INTEG_NONE },
};

struct ke_info {
	uint16_t id;
	const char *names[5];
	bool supported;		/* lib/crypto implements it */
};

static const struct ke_info kes[] = {
	{ IKEv2_KE_MODP2048, { "modp2048", "dh14" }, true },
	{ IKEv2_KE_MODP3072, { "modp3072", "dh15" }, true },
	{ IKEv2_KE_MODP4096, { "modp4096", "dh16" }, true },
	{ IKEv2_KE_MODP6144, { "modp6144", "dh17" }, true },
	{ IKEv2_KE_MODP8192, { "modp8192", "dh18" }, true },
	{ IKEv2_KE_ECP_256, { "dh19", "ecp256", "ecp_256", "secp256r1" }, true },
	{ IKEv2_KE_ECP_384, { "dh20", "ecp384", "ecp_384", "secp384r1" }, true },
	{ IKEv2_KE_ECP_521, { "dh21", "ecp521", "ecp_521", "secp521r1" }, true },
	{ IKEv2_KE_CURVE25519, { "dh31", "curve25519", "x25519" }, true },
	{ IKEv2_KE_NONE, { "none" }, true },
	/* known, refused */
	{ IKEv2_KE_MODP1024, { "modp1024", "dh2" }, false },
	{ IKEv2_KE_MODP1536, { "modp1536", "dh5" }, false },
	{ 22, { "dh22" }, false },
	{ 23, { "dh23" }, false },
	{ 24, { "dh24" }, false },
	{ IKEv2_KE_CURVE448, { "dh32", "curve448", "x448" }, false },
};

#define ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct encr_info *encr_by_id(uint16_t id)
{
	for (size_t i = 0; i < ELEMS(encrs); i++) {
		if (encrs[i].id == id)
			return &encrs[i];
	}
	return NULL;
}

bool ike_encr_is_aead(uint16_t id)
{
	const struct encr_info *e = encr_by_id(id);
	return e != NULL && e->aead;
}

bool ike_encr_has_keylen(uint16_t id)
{
	const struct encr_info *e = encr_by_id(id);
	return e != NULL && e->keylen_attr;
}

static const struct hash_info *hash_by_name(const char *tok)
{
	for (size_t i = 0; i < ELEMS(hashes); i++) {
		for (size_t n = 0; n < ELEMS(hashes[i].names) && hashes[i].names[n] != NULL; n++) {
			if (strcasecmp(tok, hashes[i].names[n]) == 0)
				return &hashes[i];
		}
	}
	return NULL;
}

static const struct ke_info *ke_by_name(const char *tok)
{
	for (size_t i = 0; i < ELEMS(kes); i++) {
		for (size_t n = 0; n < ELEMS(kes[i].names) && kes[i].names[n] != NULL; n++) {
			if (strcasecmp(tok, kes[i].names[n]) == 0)
				return &kes[i];
		}
	}
	return NULL;
}

static bool looks_like_ke(const char *tok)
{
	static const char *const prefixes[] = { "dh", "modp", "ecp", "curve", "x25519", "x448", "secp" };
	for (size_t i = 0; i < ELEMS(prefixes); i++) {
		if (strncasecmp(tok, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	}
	return false;
}

/* "" -> 0; "128" or "_128" -> 128; else -1 */
static long keylen_suffix(const char *s)
{
	if (*s == '\0')
		return 0;
	if (*s == '_')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	long v = 0;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s) || v > 100000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

static bool keylen_ok(const struct encr_info *e, long keylen)
{
	if (keylen == 0)
		return true;
	for (size_t i = 0; i < ELEMS(e->keylens); i++) {
		if (e->keylens[i] != 0 && e->keylens[i] == keylen)
			return true;
	}
	return false;
}

/*
 * TOK = alias + optional key length; among the aliases that are a prefix
 * of TOK with a numeric (or empty) rest, the longest one with a valid key
 * length wins.  *BAD_KEYLEN is set when only invalid key lengths matched.
 */
static const struct encr_info *encr_by_token(const char *tok, uint16_t *keylen, long *bad_keylen)
{
	const struct encr_info *best = NULL;
	size_t best_len = 0;
	long best_keylen = 0;
	*bad_keylen = -1;
	for (size_t i = 0; i < ELEMS(encrs); i++) {
		for (size_t n = 0; n < ELEMS(encrs[i].names) && encrs[i].names[n] != NULL; n++) {
			const char *name = encrs[i].names[n];
			size_t len = strlen(name);
			if (strncasecmp(tok, name, len) != 0)
				continue;
			long k = keylen_suffix(tok + len);
			if (k < 0)
				continue;
			if (!keylen_ok(&encrs[i], k)) {
				*bad_keylen = k;
				continue;
			}
			/* "aes_cbc" without attribute takes no length: 3des_192 is odd but harmless */
			if (len > best_len) {
				best = &encrs[i];
				best_len = len;
				best_keylen = k;
			}
		}
	}
	if (best != NULL) {
		/* fixed-size algorithms carry no key length */
		*keylen = best->keylen_attr ? (uint16_t)best_keylen : 0;
	}
	return best;
}

/* ---- parser ---- */

enum field_kind { F_ENCR, F_PRF, F_INTEG, F_KE };
static const char *const kind_name[] = { "encryption", "PRF", "integrity", "DH" };

struct parser {
	uint8_t protocol;
	const char *kw;		/* "ike" or "esp" */
	const char *str;	/* the whole value, for errors */
};

static diag_t TERN_PRINTF(2, 3) perr(const struct parser *p, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return diag("%s=%s: %s", p->kw, p->str, what);
}

/* what kind of field does TOK (its first algorithm) start? */
static bool classify(const char *tok, enum field_kind *kind)
{
	if (ke_by_name(tok) != NULL && strcasecmp(tok, "none") != 0) {
		*kind = F_KE;
		return true;
	}
	if (hash_by_name(tok) != NULL) {
		*kind = F_PRF;	/* PRF or integrity: decided by position */
		return true;
	}
	return false;
}

#define MAX_TOKEN 64

/* split FIELD at '+' into TOKS */
static diag_t split_plus(const struct parser *p, const char *field, size_t flen,
			 char toks[][MAX_TOKEN], unsigned max, unsigned *n, const char *what)
{
	*n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= flen; i++) {
		if (i < flen && field[i] != '+')
			continue;
		size_t len = i - start;
		if (len == 0)
			return perr(p, "empty %s algorithm in '%.*s'", what, (int)flen, field);
		if (len >= MAX_TOKEN)
			return perr(p, "algorithm name '%.*s' is too long", (int)len, field + start);
		if (*n >= max)
			return perr(p, "more than %u %s algorithms in '%.*s'", max, what, (int)flen, field);
		memcpy(toks[*n], field + start, len);
		toks[*n][len] = '\0';
		(*n)++;
		start = i + 1;
	}
	return NULL;
}

static diag_t parse_encrs(const struct parser *p, const char *field, size_t flen,
			  struct ike_alg_proposal *out)
{
	char toks[IKE_ALG_MAX][MAX_TOKEN];
	unsigned n;
	diag_t d = split_plus(p, field, flen, toks, IKE_ALG_MAX, &n, "encryption");
	if (d != NULL)
		return d;
	int aead = -1;
	for (unsigned i = 0; i < n; i++) {
		uint16_t keylen;
		long bad;
		const struct encr_info *e = encr_by_token(toks[i], &keylen, &bad);
		if (e == NULL) {
			if (bad >= 0)
				return perr(p, "encryption algorithm '%s' has an invalid key length %ld", toks[i], bad);
			return perr(p, "unknown encryption algorithm '%s'", toks[i]);
		}
		if (p->protocol == IKEv2_PROTO_IKE && !e->ike)
			return perr(p, "encryption algorithm '%s' is not allowed for IKE", toks[i]);
		if (aead >= 0 && aead != e->aead)
			return perr(p, "AEAD and non-AEAD encryption algorithms cannot be combined in one proposal ('%s')",
				    toks[i]);
		aead = e->aead;
		for (unsigned j = 0; j < out->nr_encr; j++) {
			if (out->encr[j].id == e->id && out->encr[j].keylen == keylen)
				return perr(p, "duplicate encryption algorithm '%s'", toks[i]);
		}
		out->encr[out->nr_encr++] = (struct ike_alg_encr){ e->id, keylen };
	}
	return NULL;
}

static diag_t parse_hashes(const struct parser *p, const char *field, size_t flen,
			   enum field_kind kind, struct ike_alg_proposal *out)
{
	char toks[IKE_ALG_MAX][MAX_TOKEN];
	unsigned n;
	diag_t d = split_plus(p, field, flen, toks, IKE_ALG_MAX, &n, kind_name[kind]);
	if (d != NULL)
		return d;
	for (unsigned i = 0; i < n; i++) {
		const struct hash_info *h = hash_by_name(toks[i]);
		if (h == NULL)
			return perr(p, "unknown %s algorithm '%s'", kind_name[kind], toks[i]);
		uint16_t id = kind == F_PRF ? h->prf : h->integ;
		if (kind == F_PRF && h->prf == 0)
			return perr(p, "PRF algorithm '%s' is not allowed", toks[i]);
		if (kind == F_INTEG && h->integ == IKEv2_INTEG_NONE && n > 1)
			return perr(p, "integrity algorithm 'none' cannot be combined with others");
		uint16_t *list = kind == F_PRF ? out->prf : out->integ;
		unsigned *nr = kind == F_PRF ? &out->nr_prf : &out->nr_integ;
		for (unsigned j = 0; j < *nr; j++) {
			if (list[j] == id)
				return perr(p, "duplicate %s algorithm '%s'", kind_name[kind], toks[i]);
		}
		list[(*nr)++] = id;
	}
	return NULL;
}

static diag_t parse_kes(const struct parser *p, const char *field, size_t flen,
			struct ike_alg_proposal *out, bool *none)
{
	char toks[IKE_ALG_MAX_KE][MAX_TOKEN];
	unsigned n;
	diag_t d = split_plus(p, field, flen, toks, IKE_ALG_MAX_KE, &n, "DH");
	if (d != NULL)
		return d;
	for (unsigned i = 0; i < n; i++) {
		const struct ke_info *k = ke_by_name(toks[i]);
		if (k == NULL)
			return perr(p, "unknown DH algorithm '%s'", toks[i]);
		if (!k->supported)
			return perr(p, "DH algorithm '%s' is not supported", toks[i]);
		if (k->id == IKEv2_KE_NONE) {
			if (p->protocol == IKEv2_PROTO_IKE)
				return perr(p, "IKE DH algorithm 'none' is not permitted");
			if (n > 1)
				return perr(p, "DH algorithm 'none' cannot be combined with others");
			*none = true;
			continue;
		}
		for (unsigned j = 0; j < out->nr_ke; j++) {
			if (out->ke[j] == k->id)
				return perr(p, "duplicate DH algorithm '%s'", toks[i]);
		}
		out->ke[out->nr_ke++] = k->id;
	}
	return NULL;
}

static const uint16_t default_prfs[] = { IKEv2_PRF_HMAC_SHA2_512, IKEv2_PRF_HMAC_SHA2_256 };
static const uint16_t default_esp_integs[] = { IKEv2_INTEG_HMAC_SHA2_512_256,
					       IKEv2_INTEG_HMAC_SHA2_256_128 };
static const uint16_t default_kes[] = {
	IKEv2_KE_ECP_256, IKEv2_KE_ECP_384, IKEv2_KE_ECP_521, IKEv2_KE_CURVE25519,
	IKEv2_KE_MODP4096, IKEv2_KE_MODP3072, IKEv2_KE_MODP2048, IKEv2_KE_MODP8192,
};

static uint16_t integ_of_prf(uint16_t prf)
{
	for (size_t i = 0; i < ELEMS(hashes); i++) {
		if (hashes[i].prf == prf && prf != 0)
			return hashes[i].integ;
	}
	return IKEv2_INTEG_NONE;
}

/* fill what the string left out, and check the combination */
static diag_t complete(const struct parser *p, struct ike_alg_proposal *a, bool integ_given)
{
	bool aead = ike_encr_is_aead(a->encr[0].id);
	if (p->protocol == IKEv2_PROTO_IKE && a->nr_prf == 0) {
		memcpy(a->prf, default_prfs, sizeof(default_prfs));
		a->nr_prf = ELEMS(default_prfs);
	}
	if (integ_given) {
		bool none = a->nr_integ == 1 && a->integ[0] == IKEv2_INTEG_NONE;
		if (aead && !none)
			return perr(p, "AEAD encryption algorithm '%s' cannot have an integrity algorithm",
				    ike_transform_id_name(IKEv2_TRANS_ENCR, a->encr[0].id));
		if (!aead && none)
			return perr(p, "non-AEAD encryption algorithm '%s' needs an integrity algorithm",
				    ike_transform_id_name(IKEv2_TRANS_ENCR, a->encr[0].id));
		if (none)
			a->nr_integ = 0;
	} else if (!aead) {
		if (p->protocol == IKEv2_PROTO_IKE) {
			for (unsigned i = 0; i < a->nr_prf; i++)
				a->integ[i] = integ_of_prf(a->prf[i]);
			a->nr_integ = a->nr_prf;
		} else {
			memcpy(a->integ, default_esp_integs, sizeof(default_esp_integs));
			a->nr_integ = ELEMS(default_esp_integs);
		}
	}
	if (p->protocol == IKEv2_PROTO_IKE && a->nr_ke == 0) {
		memcpy(a->ke, default_kes, sizeof(default_kes));
		a->nr_ke = ELEMS(default_kes);
	}
	return NULL;
}

static diag_t parse_proposal(const struct parser *p, const char *s, size_t len,
			     struct ike_alg_proposal *out)
{
	memset(out, 0, sizeof(*out));
	/* fields separated by '-' or ';' */
	const char *fields[6];
	size_t flens[6];
	unsigned nf = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '-' && s[i] != ';')
			continue;
		if (i == start)
			return perr(p, "empty algorithm in proposal '%.*s'", (int)len, s);
		if (nf >= ELEMS(fields))
			return perr(p, "too many fields in proposal '%.*s'", (int)len, s);
		fields[nf] = s + start;
		flens[nf] = i - start;
		nf++;
		start = i + 1;
	}
	diag_t d = parse_encrs(p, fields[0], flens[0], out);
	if (d != NULL)
		return d;
	/* the rest: IKE: [PRF [INTEG]] [KE]; ESP: [INTEG] [KE] */
	enum field_kind next = p->protocol == IKEv2_PROTO_IKE ? F_PRF : F_INTEG;
	bool integ_given = false, ke_given = false, ke_none = false;
	for (unsigned f = 1; f < nf; f++) {
		char first[MAX_TOKEN];
		size_t fl = strcspn(fields[f], "+-;");
		if (fl > flens[f])
			fl = flens[f];
		snprintf(first, sizeof(first), "%.*s", (int)fl, fields[f]);
		enum field_kind kind;
		if (ke_given)
			return perr(p, "unexpected '%.*s' after the DH algorithms", (int)flens[f], fields[f]);
		bool after_semicolon = fields[f][-1] == ';';
		if (strcasecmp(first, "none") == 0) {
			/* integrity NONE, or (in the DH position) no PFS */
			kind = next == F_KE || after_semicolon ? F_KE : F_PRF;
		} else if (!classify(first, &kind)) {
			/* name what the position expects: after ';' or a
			 * DH-looking name it is DH */
			if (after_semicolon || looks_like_ke(first) || next == F_KE)
				return perr(p, "unknown DH algorithm '%s'", first);
			return perr(p, "unknown %s algorithm '%s'", kind_name[next], first);
		}
		if (kind == F_KE) {
			d = parse_kes(p, fields[f], flens[f], out, &ke_none);
			ke_given = true;
		} else if (next == F_PRF) {
			d = parse_hashes(p, fields[f], flens[f], F_PRF, out);
			next = F_INTEG;
		} else if (next == F_INTEG) {
			d = parse_hashes(p, fields[f], flens[f], F_INTEG, out);
			integ_given = true;
			next = F_KE;
		} else {
			return perr(p, "unexpected '%.*s': expecting DH algorithms", (int)flens[f], fields[f]);
		}
		if (d != NULL)
			return d;
	}
	return complete(p, out, integ_given);
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

diag_t ike_alg_proposals_parse(uint8_t protocol, const char *str, struct ike_alg_proposals *out)
{
	struct parser p = { .protocol = protocol, .str = str };
	if (protocol == IKEv2_PROTO_IKE)
		p.kw = "ike";
	else if (protocol == IKEv2_PROTO_ESP)
		p.kw = "esp";
	else
		return diag("proposal parser: protocol %u is neither IKE nor ESP", protocol);
	struct ike_alg_proposals tmp = { .protocol = protocol };
	size_t len = strlen(str);
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && str[i] != ',')
			continue;
		size_t b = start, e = i;
		while (b < e && is_space(str[b]))
			b++;
		while (e > b && is_space(str[e - 1]))
			e--;
		if (b == e)
			return perr(&p, len == 0 ? "empty proposal list" : "empty proposal");
		for (size_t k = b; k < e; k++) {
			if (is_space(str[k]))
				return perr(&p, "unexpected space in proposal '%.*s'", (int)(e - b), str + b);
		}
		if (tmp.count >= IKE_ALG_MAX_PROPOSALS)
			return perr(&p, "more than %d proposals", IKE_ALG_MAX_PROPOSALS);
		diag_t d = parse_proposal(&p, str + b, e - b, &tmp.p[tmp.count]);
		if (d != NULL)
			return d;
		tmp.count++;
		start = i + 1;
	}
	*out = tmp;
	return NULL;
}

/* ---- defaults ---- */

void ike_alg_proposals_default(uint8_t protocol, struct ike_alg_proposals *out)
{
	static const struct ike_alg_encr encr_defaults[] = {
		{ IKEv2_ENCR_AES_GCM_16, 256 },
		{ IKEv2_ENCR_AES_GCM_16, 128 },
		{ IKEv2_ENCR_CHACHA20_POLY1305, 0 },
		{ IKEv2_ENCR_AES_CBC, 256 },
		{ IKEv2_ENCR_AES_CBC, 128 },
	};
	struct parser p = { .protocol = protocol, .kw = "default", .str = "" };
	memset(out, 0, sizeof(*out));
	out->protocol = protocol;
	for (size_t i = 0; i < ELEMS(encr_defaults); i++) {
		struct ike_alg_proposal *a = &out->p[out->count++];
		a->encr[0] = encr_defaults[i];
		a->nr_encr = 1;
		diag_t d = complete(&p, a, false);	/* cannot fail: nothing given */
		diag_free(&d);
	}
}

/* ---- printing ---- */

static void jam_encr(struct jambuf *b, const struct ike_alg_encr *e)
{
	const char *name = ike_transform_id_name(IKEv2_TRANS_ENCR, e->id);
	if (name != NULL)
		jam_str(b, name);
	else
		jam(b, "ENCR_%u", e->id);
	if (e->keylen != 0 && ike_encr_has_keylen(e->id))
		jam(b, "_%u", e->keylen);
}

static void jam_ids(struct jambuf *b, unsigned type, const uint16_t *ids, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			jam_char(b, '+');
		const char *name = ike_transform_id_name(type, ids[i]);
		if (name != NULL)
			jam_str(b, name);
		else
			jam(b, "%s_%u", ike_transform_type_name(type), ids[i]);
	}
}

void jam_ike_alg_proposal(struct jambuf *b, uint8_t protocol, const struct ike_alg_proposal *a)
{
	for (unsigned i = 0; i < a->nr_encr; i++) {
		if (i > 0)
			jam_char(b, '+');
		jam_encr(b, &a->encr[i]);
	}
	if (protocol == IKEv2_PROTO_IKE) {
		jam_char(b, '-');
		jam_ids(b, IKEv2_TRANS_PRF, a->prf, a->nr_prf);
		/* integrity only when it isn't what the PRFs imply */
		bool derived = a->nr_integ == a->nr_prf;
		for (unsigned i = 0; derived && i < a->nr_integ; i++)
			derived = a->integ[i] == integ_of_prf(a->prf[i]);
		if (a->nr_integ > 0 && !derived) {
			jam_char(b, '-');
			jam_ids(b, IKEv2_TRANS_INTEG, a->integ, a->nr_integ);
		}
	} else {
		jam_char(b, '-');
		if (a->nr_integ == 0)
			jam_str(b, "NONE");
		else
			jam_ids(b, IKEv2_TRANS_INTEG, a->integ, a->nr_integ);
	}
	if (a->nr_ke > 0) {
		jam_char(b, '-');
		jam_ids(b, IKEv2_TRANS_KE, a->ke, a->nr_ke);
	}
}

void jam_ike_alg_proposals(struct jambuf *b, const struct ike_alg_proposals *ps)
{
	for (unsigned i = 0; i < ps->count; i++) {
		if (i > 0)
			jam_str(b, ", ");
		jam_ike_alg_proposal(b, ps->protocol, &ps->p[i]);
	}
}
