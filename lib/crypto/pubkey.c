/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw public keys: base64, RFC 3110 RSA blobs, SubjectPublicKeyInfo, PEM,
 * CKAID and key ID.  See tern/crypto_pubkey.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cert.h>
#include <keyhi.h>
#include <pk11pub.h>
#include <secoid.h>

#include "tern/crypto_pubkey.h"
#include "internal.h"

/* ------------------------------------------------------------------ base64 */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *crypto_base64_encode(struct crypto_cspan in)
{
	size_t n = (in.len + 2) / 3 * 4;
	char *out = malloc(n + 1);
	if (out == NULL)
		abort();
	size_t o = 0;
	for (size_t i = 0; i < in.len; i += 3) {
		uint32_t v = (uint32_t)in.ptr[i] << 16;
		if (i + 1 < in.len)
			v |= (uint32_t)in.ptr[i + 1] << 8;
		if (i + 2 < in.len)
			v |= in.ptr[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < in.len ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < in.len ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

diag_t crypto_base64_decode(const char *text, size_t text_len, uint8_t **out, size_t *out_len)
{
	uint8_t *buf = malloc(text_len / 4 * 3 + 3);
	if (buf == NULL)
		abort();
	size_t o = 0, quad = 0, pad = 0;
	uint32_t acc = 0;
	for (size_t i = 0; i < text_len; i++) {
		char c = text[i];
		if (isspace((unsigned char)c))
			continue;
		if (c == '=') {
			if (quad < 2) {
				free(buf);
				return diag("base64: misplaced '=' at offset %zu", i);
			}
			pad++;
			acc <<= 6;
			if (++quad == 4) {
				buf[o++] = (uint8_t)(acc >> 16);
				if (pad == 1)
					buf[o++] = (uint8_t)(acc >> 8);
				quad = 0;
				acc = 0;
			}
			continue;
		}
		int v = b64_value(c);
		if (v < 0 || pad > 0) {
			free(buf);
			if (v < 0)
				return diag("base64: invalid character 0x%02x at offset %zu",
					    (unsigned char)c, i);
			return diag("base64: data after '=' padding at offset %zu", i);
		}
		acc = (acc << 6) | (uint32_t)v;
		if (++quad == 4) {
			buf[o++] = (uint8_t)(acc >> 16);
			buf[o++] = (uint8_t)(acc >> 8);
			buf[o++] = (uint8_t)acc;
			quad = 0;
			acc = 0;
		}
	}
	if (quad != 0) {
		free(buf);
		return diag("base64: truncated (length is not a multiple of 4)");
	}
	if (o == 0) {
		free(buf);
		return diag("base64: no data");
	}
	*out = buf;
	*out_len = o;
	return NULL;
}

static diag_t hex_decode(const char *text, uint8_t **out, size_t *out_len)
{
	size_t digits = 0;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '_' || isspace((unsigned char)*p))
			continue;
		if (!isxdigit((unsigned char)*p))
			return diag("hex: invalid character '%c' at offset %zu", *p,
				    (size_t)(p - text));
		digits++;
	}
	if (digits == 0 || digits % 2 != 0)
		return diag("hex: %zu digits, need an even non-zero number", digits);
	uint8_t *buf = malloc(digits / 2);
	if (buf == NULL)
		abort();
	size_t o = 0;
	int hi = -1;
	for (const char *p = text; *p != '\0'; p++) {
		if (!isxdigit((unsigned char)*p))
			continue;
		int v = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
		if (hi < 0) {
			hi = v;
		} else {
			buf[o++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	*out = buf;
	*out_len = o;
	return NULL;
}

/* "0s..." / "0x..." -> octets */
static diag_t decode_prefixed(const char *text, uint8_t **out, size_t *len)
{
	if (text[0] == '0' && (text[1] == 's' || text[1] == 'S'))
		return crypto_base64_decode(text + 2, strlen(text + 2), out, len);
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return hex_decode(text + 2, out, len);
	return diag("expecting \"0s\" (base64) or \"0x\" (hex) encoded key");
}

/* ------------------------------------------------------------ key objects */

static SECKEYPublicKey *new_key(KeyType type, PLArenaPool **arena)
{
	*arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	if (*arena == NULL)
		abort();
	SECKEYPublicKey *k = PORT_ArenaZNew(*arena, SECKEYPublicKey);
	if (k == NULL)
		abort();
	k->arena = *arena;
	k->keyType = type;
	k->pkcs11Slot = NULL;
	k->pkcs11ID = CK_INVALID_HANDLE;
	return k;
}

static void arena_copy(PLArenaPool *arena, SECItem *dst, const uint8_t *p, size_t n)
{
	if (SECITEM_AllocItem(arena, dst, (unsigned)n) == NULL)
		abort();
	memcpy(dst->data, p, n);
	dst->type = siUnsignedInteger;
}

static struct crypto_cspan strip_zeros(struct crypto_cspan v)
{
	while (v.len > 0 && v.ptr[0] == 0) {
		v.ptr++;
		v.len--;
	}
	return v;
}

void crypto_pubkey_free(SECKEYPublicKey **key)
{
	if (*key != NULL)
		SECKEY_DestroyPublicKey(*key);
	*key = NULL;
}

diag_t crypto_pubkey_from_rfc3110(struct crypto_cspan blob, SECKEYPublicKey **out)
{
	if (blob.len < 1)
		return diag("RSA key (RFC 3110): empty");
	size_t at = 1, elen = blob.ptr[0];
	if (elen == 0) {
		if (blob.len < 3)
			return diag("RSA key (RFC 3110): truncated exponent length");
		elen = (size_t)blob.ptr[1] << 8 | blob.ptr[2];
		at = 3;
	}
	if (elen == 0 || elen > blob.len - at)
		return diag("RSA key (RFC 3110): exponent of %zu octets does not fit in %zu",
			    elen, blob.len - at);
	struct crypto_cspan e = strip_zeros(CRYPTO_CSPAN(blob.ptr + at, elen));
	struct crypto_cspan n = strip_zeros(CRYPTO_CSPAN(blob.ptr + at + elen,
							  blob.len - at - elen));
	if (e.len == 0 || (e.len == 1 && e.ptr[0] == 1) || (e.ptr[e.len - 1] & 1) == 0)
		return diag("RSA key (RFC 3110): exponent must be odd and greater than 1");
	if (n.len * 8 < 1024)
		return diag("RSA key (RFC 3110): modulus of %zu bits, at least 1024 needed",
			    n.len * 8);
	if (n.len > 8192 / 8)
		return diag("RSA key (RFC 3110): modulus of %zu bits, at most 8192 supported",
			    n.len * 8);
	if ((n.ptr[n.len - 1] & 1) == 0)
		return diag("RSA key (RFC 3110): modulus is even");
	PLArenaPool *arena;
	SECKEYPublicKey *k = new_key(rsaKey, &arena);
	arena_copy(arena, &k->u.rsa.modulus, n.ptr, n.len);
	arena_copy(arena, &k->u.rsa.publicExponent, e.ptr, e.len);
	*out = k;
	return NULL;
}

diag_t crypto_pubkey_to_rfc3110(const SECKEYPublicKey *key, uint8_t **blob, size_t *len)
{
	if (key == NULL || key->keyType != rsaKey)
		return diag("RFC 3110 encoding needs an RSA key");
	struct crypto_cspan e = strip_zeros(CRYPTO_CSPAN(key->u.rsa.publicExponent.data,
							  key->u.rsa.publicExponent.len));
	struct crypto_cspan n = strip_zeros(CRYPTO_CSPAN(key->u.rsa.modulus.data,
							  key->u.rsa.modulus.len));
	if (e.len == 0 || n.len == 0 || e.len > 0xffff)
		return diag("RSA key with an empty or oversized exponent or modulus");
	size_t hdr = e.len <= 255 ? 1 : 3;
	size_t total = hdr + e.len + n.len;
	uint8_t *p = malloc(total);
	if (p == NULL)
		abort();
	if (hdr == 1) {
		p[0] = (uint8_t)e.len;
	} else {
		p[0] = 0;
		p[1] = (uint8_t)(e.len >> 8);
		p[2] = (uint8_t)e.len;
	}
	memcpy(p + hdr, e.ptr, e.len);
	memcpy(p + hdr + e.len, n.ptr, n.len);
	*blob = p;
	*len = total;
	return NULL;
}

diag_t crypto_pubkey_from_rsasigkey(const char *text, SECKEYPublicKey **out)
{
	uint8_t *blob;
	size_t len;
	diag_t d = decode_prefixed(text, &blob, &len);
	if (d != NULL)
		return diag_prefix(d, "RSA key");
	d = crypto_pubkey_from_rfc3110(CRYPTO_CSPAN(blob, len), out);
	free(blob);
	return d;
}

static char *prefixed_b64(const char *prefix, struct crypto_cspan bytes)
{
	char *b = crypto_base64_encode(bytes);
	char *s = NULL;
	if (asprintf(&s, "%s%s", prefix, b) < 0)
		abort();
	free(b);
	return s;
}

diag_t crypto_pubkey_to_rsasigkey(const SECKEYPublicKey *key, char **text)
{
	uint8_t *blob;
	size_t len;
	diag_t d = crypto_pubkey_to_rfc3110(key, &blob, &len);
	if (d != NULL)
		return d;
	*text = prefixed_b64("0s", CRYPTO_CSPAN(blob, len));
	free(blob);
	return NULL;
}

/* DER OIDs of the curves we take (RFC 5480) */
static const uint8_t oid_p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t oid_p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23 };

static unsigned curve_bits_of(const SECItem *params)
{
	if (params->len == sizeof(oid_p256) && memcmp(params->data, oid_p256, sizeof(oid_p256)) == 0)
		return 256;
	if (params->len == sizeof(oid_p384) && memcmp(params->data, oid_p384, sizeof(oid_p384)) == 0)
		return 384;
	if (params->len == sizeof(oid_p521) && memcmp(params->data, oid_p521, sizeof(oid_p521)) == 0)
		return 521;
	return 0;
}

diag_t crypto_pubkey_from_ec_point(unsigned curve_bits, struct crypto_cspan point,
				   SECKEYPublicKey **out)
{
	const uint8_t *oid;
	size_t oid_len;
	switch (curve_bits) {
	case 256: oid = oid_p256; oid_len = sizeof(oid_p256); break;
	case 384: oid = oid_p384; oid_len = sizeof(oid_p384); break;
	case 521: oid = oid_p521; oid_len = sizeof(oid_p521); break;
	default: return diag("EC key: unsupported curve of %u bits", curve_bits);
	}
	size_t coord = (curve_bits + 7) / 8;
	if (point.len != 1 + 2 * coord || point.ptr[0] != 0x04)
		return diag("EC key: P-%u point must be 04 | x | y, %zu octets (got %zu)",
			    curve_bits, 1 + 2 * coord, point.len);
	PLArenaPool *arena;
	SECKEYPublicKey *k = new_key(ecKey, &arena);
	arena_copy(arena, &k->u.ec.DEREncodedParams, oid, oid_len);
	k->u.ec.DEREncodedParams.type = siDEROID;
	arena_copy(arena, &k->u.ec.publicValue, point.ptr, point.len);
	k->u.ec.publicValue.type = siBuffer;
	k->u.ec.size = (int)curve_bits;
	k->u.ec.encoding = ECPoint_Uncompressed;
	*out = k;
	return NULL;
}

diag_t crypto_pubkey_from_spki(struct crypto_cspan der, SECKEYPublicKey **out)
{
	if (der.len == 0)
		return diag("SubjectPublicKeyInfo: empty");
	SECItem item = { .type = siBuffer, .data = (unsigned char *)der.ptr, .len = der.len };
	CERTSubjectPublicKeyInfo *spki = SECKEY_DecodeDERSubjectPublicKeyInfo(&item);
	if (spki == NULL)
		return crypto_nss_diag("SubjectPublicKeyInfo: malformed DER (%zu octets)", der.len);
	SECKEYPublicKey *k = SECKEY_ExtractPublicKey(spki);
	SECKEY_DestroySubjectPublicKeyInfo(spki);
	if (k == NULL)
		return crypto_nss_diag("SubjectPublicKeyInfo: unsupported or malformed key");
	if (k->keyType == rsaKey) {
		size_t bits = strip_zeros(CRYPTO_CSPAN(k->u.rsa.modulus.data,
						       k->u.rsa.modulus.len)).len * 8;
		if (bits < 1024 || bits > 8192) {
			SECKEY_DestroyPublicKey(k);
			return diag("SubjectPublicKeyInfo: RSA modulus of %zu bits (1024..8192 "
				    "supported)", bits);
		}
	} else if (k->keyType == ecKey) {
		unsigned bits = curve_bits_of(&k->u.ec.DEREncodedParams);
		size_t coord = (bits + 7) / 8;
		if (bits == 0) {
			SECKEY_DestroyPublicKey(k);
			return diag("SubjectPublicKeyInfo: EC curve other than P-256, P-384, P-521");
		}
		if (k->u.ec.publicValue.len != 1 + 2 * coord || k->u.ec.publicValue.data[0] != 4) {
			SECKEY_DestroyPublicKey(k);
			return diag("SubjectPublicKeyInfo: P-%u point is not 04 | x | y", bits);
		}
	} else {
		SECKEY_DestroyPublicKey(k);
		return diag("SubjectPublicKeyInfo: only RSA and EC keys are supported");
	}
	*out = k;
	return NULL;
}

diag_t crypto_pubkey_to_spki(const SECKEYPublicKey *key, uint8_t **der, size_t *len)
{
	if (key == NULL)
		return diag("no key");
	SECItem *item = SECKEY_EncodeDERSubjectPublicKeyInfo(key);
	if (item == NULL)
		return crypto_nss_diag("encoding the SubjectPublicKeyInfo");
	uint8_t *p = malloc(item->len);
	if (p == NULL)
		abort();
	memcpy(p, item->data, item->len);
	*der = p;
	*len = item->len;
	SECITEM_FreeItem(item, PR_TRUE);
	return NULL;
}

diag_t crypto_pubkey_to_0s_spki(const SECKEYPublicKey *key, char **text)
{
	uint8_t *der;
	size_t len;
	diag_t d = crypto_pubkey_to_spki(key, &der, &len);
	if (d != NULL)
		return d;
	*text = prefixed_b64("0s", CRYPTO_CSPAN(der, len));
	free(der);
	return NULL;
}

static const char pem_begin[] = "-----BEGIN PUBLIC KEY-----";
static const char pem_end[] = "-----END PUBLIC KEY-----";

diag_t crypto_pubkey_from_pem(const char *text, SECKEYPublicKey **out)
{
	const char *b = strstr(text, pem_begin);
	if (b == NULL)
		return diag("PEM: no \"%s\" line", pem_begin);
	b += strlen(pem_begin);
	const char *e = strstr(b, pem_end);
	if (e == NULL)
		return diag("PEM: no \"%s\" line", pem_end);
	uint8_t *der;
	size_t len;
	diag_t d = crypto_base64_decode(b, (size_t)(e - b), &der, &len);
	if (d != NULL)
		return diag_prefix(d, "PEM");
	d = crypto_pubkey_from_spki(CRYPTO_CSPAN(der, len), out);
	free(der);
	return d != NULL ? diag_prefix(d, "PEM") : NULL;
}

diag_t crypto_pubkey_to_pem(const SECKEYPublicKey *key, char **text)
{
	uint8_t *der;
	size_t len;
	diag_t d = crypto_pubkey_to_spki(key, &der, &len);
	if (d != NULL)
		return d;
	char *b = crypto_base64_encode(CRYPTO_CSPAN(der, len));
	free(der);
	size_t blen = strlen(b);
	size_t cap = sizeof(pem_begin) + sizeof(pem_end) + blen + blen / 64 + 4;
	char *s = malloc(cap);
	if (s == NULL)
		abort();
	size_t o = (size_t)snprintf(s, cap, "%s\n", pem_begin);
	for (size_t i = 0; i < blen; i += 64) {
		size_t n = blen - i < 64 ? blen - i : 64;
		memcpy(s + o, b + i, n);
		o += n;
		s[o++] = '\n';
	}
	snprintf(s + o, cap - o, "%s\n", pem_end);
	free(b);
	*text = s;
	return NULL;
}

static diag_t read_small_file(const char *path, char **out)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return diag("%s: %s", path, strerror(errno));
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	if (buf == NULL)
		abort();
	size_t r;
	while ((r = fread(buf + n, 1, cap - n, f)) > 0)
		n += r;
	bool err = ferror(f);
	bool more = n == cap && fgetc(f) != EOF;
	fclose(f);
	if (err || more) {
		free(buf);
		return diag("%s: %s", path, err ? "read error" : "larger than 64 KiB");
	}
	buf[n] = '\0';
	*out = buf;
	return NULL;
}

diag_t crypto_pubkey_parse(const char *value, SECKEYPublicKey **out)
{
	if (value == NULL || value[0] == '\0')
		return diag("empty public key");
	if (value[0] == '/') {
		char *text = NULL;
		diag_t d = read_small_file(value, &text);
		if (d != NULL)
			return d;
		d = crypto_pubkey_from_pem(text, out);
		free(text);
		return d != NULL ? diag_prefix(d, "%s", value) : NULL;
	}
	if (strstr(value, "-----BEGIN") != NULL)
		return crypto_pubkey_from_pem(value, out);
	uint8_t *bytes;
	size_t len;
	diag_t d = decode_prefixed(value, &bytes, &len);
	if (d != NULL)
		return diag_prefix(d, "public key");
	/* an SPKI is a DER SEQUENCE; an RFC 3110 blob starts with the
	 * exponent length, never 0x30 (a 48-octet exponent) in practice */
	if (bytes[0] == 0x30)
		d = crypto_pubkey_from_spki(CRYPTO_CSPAN(bytes, len), out);
	else
		d = crypto_pubkey_from_rfc3110(CRYPTO_CSPAN(bytes, len), out);
	free(bytes);
	return d;
}

/* ------------------------------------------------------------- CKAID etc */

static diag_t id_octets(const SECKEYPublicKey *key, struct crypto_cspan *v)
{
	if (key == NULL)
		return diag("no key");
	if (key->keyType == rsaKey) {
		*v = strip_zeros(CRYPTO_CSPAN(key->u.rsa.modulus.data, key->u.rsa.modulus.len));
	} else if (key->keyType == ecKey) {
		*v = CRYPTO_CSPAN(key->u.ec.publicValue.data, key->u.ec.publicValue.len);
	} else {
		return diag("CKAID: only RSA and EC keys");
	}
	if (v->len == 0)
		return diag("CKAID: empty key");
	return NULL;
}

diag_t crypto_pubkey_ckaid(const SECKEYPublicKey *key, uint8_t ckaid[CRYPTO_CKAID_SIZE])
{
	struct crypto_cspan v;
	diag_t d = id_octets(key, &v);
	if (d != NULL)
		return d;
	return crypto_hash(IKEv2_HASH_SHA1, &v, 1, ckaid, CRYPTO_CKAID_SIZE);
}

void crypto_ckaid_hex(const uint8_t ckaid[CRYPTO_CKAID_SIZE], char hex[2 * CRYPTO_CKAID_SIZE + 1])
{
	for (size_t i = 0; i < CRYPTO_CKAID_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", ckaid[i]);
}

diag_t crypto_ckaid_parse(const char *hex, uint8_t ckaid[CRYPTO_CKAID_SIZE])
{
	uint8_t *bytes;
	size_t len;
	const char *h = (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) ? hex + 2 : hex;
	diag_t d = hex_decode(h, &bytes, &len);
	if (d != NULL)
		return diag_prefix(d, "CKAID '%s'", hex);
	if (len != CRYPTO_CKAID_SIZE) {
		free(bytes);
		return diag("CKAID '%s': %zu octets, expecting %d (40 hex digits)", hex, len,
			    CRYPTO_CKAID_SIZE);
	}
	memcpy(ckaid, bytes, CRYPTO_CKAID_SIZE);
	free(bytes);
	return NULL;
}

diag_t crypto_pubkey_keyid(const SECKEYPublicKey *key, char keyid[CRYPTO_KEYID_CHARS + 1])
{
	uint8_t *blob = NULL;
	size_t len = 0;
	if (key != NULL && key->keyType == rsaKey) {
		diag_t d = crypto_pubkey_to_rfc3110(key, &blob, &len);
		if (d != NULL)
			return d;
	} else {
		struct crypto_cspan v;
		diag_t d = id_octets(key, &v);
		if (d != NULL)
			return d;
		blob = malloc(v.len);
		if (blob == NULL)
			abort();
		memcpy(blob, v.ptr, v.len);
		len = v.len;
	}
	char *b = crypto_base64_encode(CRYPTO_CSPAN(blob, len));
	free(blob);
	snprintf(keyid, CRYPTO_KEYID_CHARS + 1, "%s", b);
	free(b);
	return NULL;
}

const char *crypto_pubkey_type_name(const SECKEYPublicKey *key)
{
	if (key == NULL)
		return "none";
	switch (key->keyType) {
	case rsaKey: return "RSA";
	case ecKey: return "ECDSA";
	default: return "unsupported";
	}
}

unsigned crypto_pubkey_bits(const SECKEYPublicKey *key)
{
	if (key == NULL)
		return 0;
	if (key->keyType == ecKey)
		return curve_bits_of(&key->u.ec.DEREncodedParams);
	return SECKEY_PublicKeyStrengthInBits(key);
}

static bool item_eq_stripped(const SECItem *a, const SECItem *b)
{
	struct crypto_cspan x = strip_zeros(CRYPTO_CSPAN(a->data, a->len));
	struct crypto_cspan y = strip_zeros(CRYPTO_CSPAN(b->data, b->len));
	return x.len == y.len && (x.len == 0 || memcmp(x.ptr, y.ptr, x.len) == 0);
}

bool crypto_pubkey_equal(const SECKEYPublicKey *a, const SECKEYPublicKey *b)
{
	if (a == NULL || b == NULL || a->keyType != b->keyType)
		return false;
	if (a->keyType == rsaKey)
		return item_eq_stripped(&a->u.rsa.modulus, &b->u.rsa.modulus) &&
		       item_eq_stripped(&a->u.rsa.publicExponent, &b->u.rsa.publicExponent);
	if (a->keyType == ecKey)
		return SECITEM_ItemsAreEqual(&a->u.ec.DEREncodedParams, &b->u.ec.DEREncodedParams) &&
		       SECITEM_ItemsAreEqual(&a->u.ec.publicValue, &b->u.ec.publicValue);
	return false;
}
