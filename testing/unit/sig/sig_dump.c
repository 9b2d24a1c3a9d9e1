/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sig_dump: sign sig_vectors.h's message with every algorithm of
 * crypto_sig_table as an RFC 7427 AUTH payload (method 14), RSA with the
 * vectors' key, ECDSA with fresh P-256/P-384/P-521 keys, and print
 * "NAME spki=HEX" (ECDSA keys) and "NAME auth=HEX" lines for
 * check_openssl.py, which verifies them with OpenSSL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nss.h>
#include <pk11pub.h>

#include "internal.h"
#include "tern/crypto_pubkey.h"
#include "tern/crypto_sig.h"
#include "sig_vectors.h"

static void hex(const char *name, const char *what, const uint8_t *p, size_t len)
{
	printf("%s %s=", name, what);
	for (size_t i = 0; i < len; i++)
		printf("%02x", p[i]);
	printf("\n");
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess)
		return 1;
	size_t len;
	uint8_t *der = crypto_unhex(vec_rsa_pkcs8, &len);
	PK11SlotInfo *slot = PK11_GetInternalSlot();
	if (der == NULL || slot == NULL)
		return 1;
	SECItem item = { siBuffer, der, (unsigned)len };
	SECKEYPrivateKey *rsa = NULL;
	if (PK11_ImportDERPrivateKeyInfoAndReturnKey(slot, &item, NULL, NULL, PR_FALSE, PR_TRUE,
						     KU_ALL, &rsa, NULL) != SECSuccess)
		return 1;
	free(der);
	static const uint8_t p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
	static const uint8_t p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
	static const uint8_t p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23 };
	static const struct { const uint8_t *oid; size_t len; } curves[] = {
		{ p256, sizeof(p256) }, { p384, sizeof(p384) }, { p521, sizeof(p521) },
	};
	struct crypto_cspan msg = CRYPTO_CSPAN(vec_message, strlen(vec_message));
	int rc = 0;
	unsigned ec_i = 0;
	for (const struct crypto_sig_alg *a = crypto_sig_table; a->name != NULL; a++) {
		SECKEYPrivateKey *key = rsa;
		SECKEYPublicKey *pub = NULL;
		if (a->scheme == CRYPTO_SIG_ECDSA) {
			SECItem params = { siDEROID, (unsigned char *)curves[ec_i % 3].oid,
					   (unsigned)curves[ec_i % 3].len };
			ec_i++;
			key = PK11_GenerateKeyPair(slot, CKM_EC_KEY_PAIR_GEN, &params, &pub, PR_FALSE,
						   PR_FALSE, NULL);
			uint8_t *spki = NULL;
			size_t slen = 0;
			if (key == NULL || crypto_pubkey_to_spki(pub, &spki, &slen) != NULL)
				return 1;
			hex(a->name, "spki", spki, slen);
			free(spki);
		}
		uint8_t *auth = NULL;
		size_t alen = 0;
		diag_t d = crypto_auth_sig_sign(IKEv2_AUTH_DIGSIG, a, key, &msg, 1, &auth, &alen);
		if (d != NULL) {
			fprintf(stderr, "%s: %s\n", a->name, diag_str(d));
			diag_free(&d);
			rc = 1;
		} else {
			hex(a->name, "auth", auth, alen);
			free(auth);
		}
		if (pub != NULL) {
			SECKEY_DestroyPublicKey(pub);
			SECKEY_DestroyPrivateKey(key);
		}
	}
	SECKEY_DestroyPrivateKey(rsa);
	PK11_FreeSlot(slot);
	NSS_Shutdown();
	return rc;
}
