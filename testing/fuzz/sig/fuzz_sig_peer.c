/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signature authentication on untrusted bytes: what a peer sends in
 * IKE_AUTH (AUTH payload data for methods 1, 9-11, 14; the
 * SIGNATURE_HASH_ALGORITHMS notify; CERT payload bodies; DER DNs in ID
 * payloads) and the raw public key decoders.  Nothing may crash or leak;
 * a failed call must leave its outputs untouched.
 *
 * Input: byte 0 picks the decoder (mod 6):
 *   0  AUTH: byte 1 method index, byte 2 key index, byte 3 length L of
 *      the signed octets, then L octets, the rest is the AUTH data
 *   1  SIGNATURE_HASH_ALGORITHMS notify data
 *   2  public key bytes: SPKI, RFC 3110 blob, and as text for
 *      crypto_pubkey_parse()
 *   3  CERT payload body (DER X.509), then ID matching and verification
 *   4  DER DN of an ID payload
 *   5  a whole peer AUTH check (auth_verify_peer_sig): byte 1 the method
 *      index, byte 2 the number of CERT payloads (mod 4), each a 2-octet
 *      length and its body, the rest the AUTH data; the connection has
 *      rightrsasigkey= of the RSA key and rightid=%any
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nss.h>

#include "auth/certs.h"
#include "auth/sigauth.h"
#include "tern/crypto_pubkey.h"
#include "tern/crypto_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* keys: a 2048-bit RSA SPKI and the RFC 4754 P-256/P-384 points, P-521 SPKI */
#include "keys.h"

static SECKEYPublicKey *keys[4];
static char *rsasigkey;

static uint8_t *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *b = malloc(n);
	if (b == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			abort();
		b[i] = (uint8_t)v;
	}
	*len = n;
	return b;
}

static void init(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess)
		abort();
	size_t len;
	uint8_t *b = unhex(fuzz_rsa_spki, &len);
	if (crypto_pubkey_from_spki(CRYPTO_CSPAN(b, len), &keys[0]) != NULL)
		abort();
	free(b);
	b = unhex(fuzz_p256_point, &len);
	if (crypto_pubkey_from_ec_point(256, CRYPTO_CSPAN(b, len), &keys[1]) != NULL)
		abort();
	free(b);
	b = unhex(fuzz_p384_point, &len);
	if (crypto_pubkey_from_ec_point(384, CRYPTO_CSPAN(b, len), &keys[2]) != NULL)
		abort();
	free(b);
	if (crypto_pubkey_to_rsasigkey(keys[0], &rsasigkey) != NULL)
		abort();
	b = unhex(fuzz_p521_spki, &len);
	if (crypto_pubkey_from_spki(CRYPTO_CSPAN(b, len), &keys[3]) != NULL)
		abort();
	free(b);
}

static const enum ikev2_auth_method methods[] = {
	IKEv2_AUTH_RSA, IKEv2_AUTH_ECDSA_SHA2_256_P256, IKEv2_AUTH_ECDSA_SHA2_384_P384,
	IKEv2_AUTH_ECDSA_SHA2_512_P521, IKEv2_AUTH_DIGSIG,
};

static void fuzz_auth(const uint8_t *p, size_t n)
{
	if (n < 3)
		return;
	enum ikev2_auth_method m = methods[p[0] % 5];
	SECKEYPublicKey *key = keys[p[1] % 4];
	size_t l = p[2];
	p += 3;
	n -= 3;
	if (l > n)
		l = n;
	struct crypto_cspan signed_octets = CRYPTO_CSPAN(p, l);
	const struct crypto_sig_alg *used = (const struct crypto_sig_alg *)&used;
	diag_t d = crypto_auth_sig_verify(m, key, &signed_octets, 1, CRYPTO_CSPAN(p + l, n - l),
					  &used);
	if (d != NULL && used != (const struct crypto_sig_alg *)&used)
		abort();	/* output changed on failure */
	diag_free(&d);
}

static void fuzz_notify(const uint8_t *p, size_t n)
{
	unsigned mask = 0xdead;
	diag_t d = crypto_hash_notify_decode(CRYPTO_CSPAN(p, n), &mask);
	if (d != NULL && mask != 0xdead)
		abort();
	if (d == NULL && (mask & ~0x3eu) != 0)
		abort();	/* only SHA1..Identity bits */
	diag_free(&d);
}

static void fuzz_pubkey(const uint8_t *p, size_t n)
{
	SECKEYPublicKey *k = NULL;
	diag_t d = crypto_pubkey_from_spki(CRYPTO_CSPAN(p, n), &k);
	if (d == NULL) {
		uint8_t ckaid[CRYPTO_CKAID_SIZE];
		char *pem = NULL;
		diag_t e = crypto_pubkey_ckaid(k, ckaid);
		diag_free(&e);
		e = crypto_pubkey_to_pem(k, &pem);
		diag_free(&e);
		free(pem);
		crypto_pubkey_free(&k);
	}
	diag_free(&d);
	d = crypto_pubkey_from_rfc3110(CRYPTO_CSPAN(p, n), &k);
	if (d == NULL) {
		char *text = NULL;
		diag_t e = crypto_pubkey_to_rsasigkey(k, &text);
		diag_free(&e);
		free(text);
		crypto_pubkey_free(&k);
	}
	diag_free(&d);
	char *s = malloc(n + 1);
	if (s == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	if (s[0] != '/') {	/* never open files named by the input */
		d = crypto_pubkey_parse(s, &k);
		if (d == NULL)
			crypto_pubkey_free(&k);
		diag_free(&d);
	}
	free(s);
}

static void fuzz_cert(const uint8_t *p, size_t n)
{
	CERTCertificate *c = NULL;
	diag_t d = auth_cert_decode(CRYPTO_CSPAN(p, n), &c);
	if (d == NULL) {
		struct id id;
		diag_t e = auth_cert_subject_id(c, &id);
		if (e == NULL)
			id_free(&id);
		diag_free(&e);
		static const char *const ids[] = { "@east.example.org", "192.0.2.2", "2001:db8::1",
						   "east@example.org", "CN=east, O=Tern" };
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			if (ttoid(ids[i], &id) != NULL)
				abort();
			e = auth_cert_matches_id(c, &id);
			diag_free(&e);
			id_free(&id);
		}
		e = auth_cert_verify(c, NULL, 0, "CN=Tern Test CA", PR_Now());
		diag_free(&e);
		SECKEYPublicKey *k = CERT_ExtractPublicKey(c);
		if (k != NULL)
			SECKEY_DestroyPublicKey(k);
		CERT_DestroyCertificate(c);
	}
	diag_free(&d);
}

static void fuzz_dn(const uint8_t *p, size_t n)
{
	char *text = NULL;
	diag_t d = auth_dn_from_der(CRYPTO_CSPAN(p, n), &text);
	if (d == NULL) {
		uint8_t *der = NULL;
		size_t len = 0;
		diag_t e = auth_dn_to_der(text, &der, &len);
		diag_free(&e);
		free(der);
		free(text);
	}
	diag_free(&d);
	struct id id = { .kind = ID_NONE };
	d = auth_id_from_der_dn(CRYPTO_CSPAN(p, n), &id);
	if (d != NULL && id.kind != ID_NONE)
		abort();
	id_free(&id);
	diag_free(&d);
}

static void fuzz_peer(const uint8_t *p, size_t n)
{
	if (n < 2)
		return;
	enum ikev2_auth_method m = methods[p[0] % 5];
	size_t ncerts = p[1] % 4;
	p += 2;
	n -= 2;
	struct crypto_cspan certs[3];
	for (size_t i = 0; i < ncerts; i++) {
		if (n < 2)
			return;
		size_t l = (size_t)p[0] << 8 | p[1];
		if (l > n - 2)
			l = n - 2;
		certs[i] = CRYPTO_CSPAN(p + 2, l);
		p += 2 + l;
		n -= 2 + l;
	}
	struct conn_end remote = { .rsasigkey = rsasigkey };
	struct id peer;
	if (ttoid("@east.example.org", &peer) != NULL)
		abort();
	struct crypto_cspan signed_octets = CRYPTO_CSPAN("signed octets", 13);
	JAMBUF(story, 512);
	diag_t d = auth_verify_peer_sig(&remote, AUTHBY_DEFAULT, NULL, &peer, certs, ncerts, m,
					CRYPTO_CSPAN(p, n), &signed_octets, 1, PR_Now(), &story);
	diag_free(&d);
	id_free(&peer);
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
	switch (data[0] % 6) {
	case 0: fuzz_auth(data + 1, size - 1); break;
	case 1: fuzz_notify(data + 1, size - 1); break;
	case 2: fuzz_pubkey(data + 1, size - 1); break;
	case 3: fuzz_cert(data + 1, size - 1); break;
	case 4: fuzz_dn(data + 1, size - 1); break;
	case 5: fuzz_peer(data + 1, size - 1); break;
	}
	return 0;
}
