/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PSK "Key Pad" keys, prf(PSK, "Key Pad for IKEv2") (RFC 7296 2.15),
 * kept per (secret octets, prf) so that an IKE_AUTH neither imports the
 * PSK into NSS again nor recomputes the pad (docs/benchmarks.md, Hot
 * spots).  Keyed by the secret's octets, not by a pointer into the loaded
 * secrets, so a reload (`ipsec secrets`) that changes a PSK simply misses;
 * entries are replaced round-robin, so a forgotten secret leaves within
 * PSK_CACHE_SIZE new ones, and all go with the engine.  Main loop only.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PSK_CACHE_SIZE 16

struct psk_cache_entry {
	const struct crypto_prf *prf;
	uint8_t *bytes;		/* a copy of the secret (wiped when dropped) */
	size_t len;
	PK11SymKey *padded;
};

struct psk_cache {
	struct psk_cache_entry e[PSK_CACHE_SIZE];
	unsigned next;		/* the slot to replace */
};

static void entry_drop(struct psk_cache_entry *x)
{
	if (x->bytes != NULL) {
		crypto_wipe(x->bytes, x->len);
		free(x->bytes);
	}
	crypto_symkey_free(&x->padded);
	*x = (struct psk_cache_entry){ 0 };
}

diag_t psk_cache_keypad(struct psk_cache **cp, const struct crypto_prf *prf,
			const uint8_t *bytes, size_t len, PK11SymKey **out)
{
	if (*cp == NULL) {
		*cp = calloc(1, sizeof(**cp));
		if (*cp == NULL)
			abort();
	}
	struct psk_cache *c = *cp;
	for (unsigned i = 0; i < PSK_CACHE_SIZE; i++) {
		struct psk_cache_entry *x = &c->e[i];
		if (x->padded != NULL && x->prf == prf && x->len == len &&
		    crypto_memeq(x->bytes, bytes, len)) {
			*out = x->padded;
			return NULL;
		}
	}
	PK11SymKey *key = NULL, *padded = NULL;
	diag_t d = crypto_symkey_from_bytes(CRYPTO_CSPAN(bytes, len), &key);
	if (d == NULL)
		d = crypto_psk_keypad(prf, key, &padded);
	crypto_symkey_free(&key);
	if (d != NULL)
		return d;
	struct psk_cache_entry *x = &c->e[c->next];
	c->next = (c->next + 1) % PSK_CACHE_SIZE;
	entry_drop(x);
	x->bytes = malloc(len > 0 ? len : 1);
	if (x->bytes == NULL)
		abort();
	memcpy(x->bytes, bytes, len);
	x->len = len;
	x->prf = prf;
	x->padded = padded;
	*out = padded;
	return NULL;
}

void psk_cache_free(struct psk_cache **cp)
{
	struct psk_cache *c = *cp;
	if (c == NULL)
		return;
	for (unsigned i = 0; i < PSK_CACHE_SIZE; i++)
		entry_drop(&c->e[i]);
	free(c);
	*cp = NULL;
}
