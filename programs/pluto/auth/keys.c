/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private keys by CKAID or certificate, configured peer keys (keys.h). */
#include <stdlib.h>
#include <string.h>

#include <cert.h>
#include <keyhi.h>
#include <pk11pub.h>
#include <prerror.h>

#include "auth/certs.h"
#include "auth/keys.h"

diag_t auth_private_key_by_ckaid(const uint8_t ckaid[CRYPTO_CKAID_SIZE], SECKEYPrivateKey **out)
{
	char hex[2 * CRYPTO_CKAID_SIZE + 1];
	crypto_ckaid_hex(ckaid, hex);
	SECItem id = { siBuffer, (unsigned char *)ckaid, CRYPTO_CKAID_SIZE };
	PK11SlotList *slots = PK11_GetAllTokens(CKM_INVALID_MECHANISM, PR_FALSE, PR_TRUE, NULL);
	if (slots == NULL)
		return diag("CKAID %s: no NSS tokens", hex);
	SECKEYPrivateKey *key = NULL;
	for (PK11SlotListElement *e = PK11_GetFirstSafe(slots); e != NULL;
	     e = PK11_GetNextSafe(slots, e, PR_FALSE)) {
		key = PK11_FindKeyByKeyID(e->slot, &id, NULL);
		if (key != NULL) {
			PK11_FreeSlotListElement(slots, e);
			break;
		}
	}
	PK11_FreeSlotList(slots);
	if (key == NULL)
		return diag("no private key with CKAID %s in the NSS database", hex);
	*out = key;
	return NULL;
}

diag_t auth_private_key_by_cert(CERTCertificate *cert, SECKEYPrivateKey **out)
{
	SECKEYPrivateKey *key = PK11_FindKeyByAnyCert(cert, NULL);
	if (key == NULL) {
		JAMBUF(b, 512);
		jam_dn(&b, &cert->subject);
		return diag("the private key of certificate '%s' is not in the NSS database",
			    jambuf_str(&b));
	}
	*out = key;
	return NULL;
}

/*
 * leftecdsakey= (stored as leftpubkey=): "0s" + base64 of a raw EC point,
 * x | y (as Libreswan 5's showhostkey prints it) or 04 | x | y, of P-256,
 * P-384 or P-521.  No SubjectPublicKeyInfo has those lengths; an RFC 3110
 * RSA blob could only for an RSA key below 1100 bits, which
 * leftpubkey=/leftecdsakey= do not take.  *KEY stays NULL when V is not
 * such a point.
 */
static diag_t ec_raw_key(const char *v, SECKEYPublicKey **key)
{
	if (strncmp(v, "0s", 2) != 0)
		return NULL;
	uint8_t *raw = NULL;
	size_t len = 0;
	diag_t d = crypto_base64_decode(v + 2, strlen(v + 2), &raw, &len);
	if (d != NULL) {
		diag_free(&d);
		return NULL;	/* crypto_pubkey_parse() says what is wrong */
	}
	static const unsigned curves[] = { 256, 384, 521 };
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
		size_t coord = (curves[i] + 7) / 8;
		bool bare = len == 2 * coord;
		bool prefixed = len == 2 * coord + 1 && raw[0] == 0x04;
		if (!bare && !prefixed)
			continue;
		uint8_t point[1 + 2 * 66];
		point[0] = 0x04;
		memcpy(point + 1, raw + (prefixed ? 1 : 0), 2 * coord);
		d = crypto_pubkey_from_ec_point(curves[i], CRYPTO_CSPAN(point, 1 + 2 * coord), key);
		break;
	}
	free(raw);
	return d;
}

static bool no_key_value(const char *v)
{
	return v == NULL || v[0] == '\0' || strcmp(v, "%cert") == 0 || strcmp(v, "%none") == 0 ||
	       strcmp(v, "%dnsondemand") == 0;
}

diag_t auth_end_peer_key(const struct conn_end *end, const char *side, SECKEYPublicKey **key)
{
	const char *kw = "pubkey";
	const char *v = end->pubkey;
	if (no_key_value(v)) {
		kw = "rsasigkey";
		v = end->rsasigkey;
	}
	if (no_key_value(v)) {
		*key = NULL;
		return NULL;
	}
	SECKEYPublicKey *k = NULL;
	diag_t d = strcmp(kw, "pubkey") == 0 ? ec_raw_key(v, &k) : NULL;
	if (d == NULL && k == NULL)
		d = crypto_pubkey_parse(v, &k);
	if (d != NULL)
		return diag_prefix(d, "%s%s=", side, kw);
	if (strcmp(kw, "rsasigkey") == 0 && k->keyType != rsaKey) {
		diag_t e = diag("%srsasigkey= holds an %s key, not an RSA key (use %spubkey=)",
				side, crypto_pubkey_type_name(k), side);
		crypto_pubkey_free(&k);
		return e;
	}
	*key = k;
	return NULL;
}

diag_t auth_end_private_key(const struct conn_end *end, const char *side,
			    CERTCertificate **cert, SECKEYPrivateKey **key)
{
	if (end->cert != NULL && end->cert[0] != '\0') {
		CERTCertificate *c = NULL;
		diag_t d = auth_cert_by_nickname(end->cert, &c);
		if (d != NULL)
			return diag_prefix(d, "%scert=%s", side, end->cert);
		SECKEYPrivateKey *k = NULL;
		d = auth_private_key_by_cert(c, &k);
		if (d != NULL) {
			CERT_DestroyCertificate(c);
			return diag_prefix(d, "%scert=%s", side, end->cert);
		}
		*cert = c;
		*key = k;
		return NULL;
	}
	uint8_t ckaid[CRYPTO_CKAID_SIZE];
	if (end->ckaid != NULL && end->ckaid[0] != '\0') {
		diag_t d = crypto_ckaid_parse(end->ckaid, ckaid);
		if (d != NULL)
			return diag_prefix(d, "%sckaid=", side);
	} else {
		/* leftrsasigkey=/leftpubkey= of our own key: find it by its CKAID */
		SECKEYPublicKey *pub = NULL;
		diag_t d = auth_end_peer_key(end, side, &pub);
		if (d != NULL)
			return d;
		if (pub == NULL)
			return diag("no %scert=, %sckaid=, %srsasigkey= or %spubkey= to sign with",
				    side, side, side, side);
		d = crypto_pubkey_ckaid(pub, ckaid);
		crypto_pubkey_free(&pub);
		if (d != NULL)
			return diag_prefix(d, "%spubkey", side);
	}
	SECKEYPrivateKey *k = NULL;
	diag_t d = auth_private_key_by_ckaid(ckaid, &k);
	if (d != NULL)
		return diag_prefix(d, "%sckaid", side);
	*cert = NULL;
	*key = k;
	return NULL;
}
