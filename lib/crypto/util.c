/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small NSS helpers: error text, importing, slicing and padding keys,
 * randomness, debug output of keys (length only unless plutodebug=private).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nss.h>
#include <pk11pub.h>
#include <prerror.h>
#include <secerr.h>

#include "internal.h"

diag_t crypto_nss_diag(const char *fmt, ...)
{
	PRErrorCode code = PORT_GetError();
	const char *name = PR_ErrorToName(code);
	char *what = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	va_end(ap);
	diag_t d = diag("%s: %s (NSS error %d)", what, name != NULL ? name : "unknown error",
			(int)code);
	free(what);
	return d;
}

bool crypto_memeq(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= x[i] ^ y[i];
	return acc == 0;
}

void crypto_wipe(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

diag_t crypto_import_key(struct crypto_cspan bytes, CK_MECHANISM_TYPE mech, PK11SymKey **out)
{
	if (bytes.len == 0)
		return diag("cannot import an empty key");
	PK11SlotInfo *slot = PK11_GetBestSlot(mech, NULL);
	if (slot == NULL)
		return crypto_nss_diag("no NSS slot for mechanism 0x%lx", (unsigned long)mech);
	SECItem item = { .type = siBuffer, .data = (uint8_t *)bytes.ptr, .len = bytes.len };
	PK11SymKey *k = PK11_ImportSymKeyWithFlags(slot, mech, PK11_OriginUnwrap, CKA_FLAGS_ONLY,
						   &item, CRYPTO_KEY_FLAGS, PR_FALSE, NULL);
	PK11_FreeSlot(slot);
	if (k == NULL)
		return crypto_nss_diag("importing a %zu-octet key", bytes.len);
	*out = k;
	return NULL;
}

diag_t crypto_symkey_from_bytes(struct crypto_cspan bytes, PK11SymKey **out)
{
	return crypto_import_key(bytes, CKM_GENERIC_SECRET_KEY_GEN, out);
}

void crypto_symkey_free(PK11SymKey **key)
{
	if (*key != NULL)
		PK11_FreeSymKey(*key);
	*key = NULL;
}

size_t crypto_symkey_len(PK11SymKey *key)
{
	return key == NULL ? 0 : PK11_GetKeyLength(key);
}

diag_t crypto_key_slice(PK11SymKey *base, size_t offset, size_t len, CK_MECHANISM_TYPE mech,
			PK11SymKey **out)
{
	size_t have = PK11_GetKeyLength(base);
	if (len == 0 || offset > have || len > have - offset)
		return diag("key slice [%zu,+%zu) outside a %zu-octet key", offset, len, have);
	CK_EXTRACT_PARAMS bit = offset * 8;
	SECItem param = { .type = siBuffer, .data = (uint8_t *)&bit, .len = sizeof(bit) };
	PK11SymKey *k = PK11_DeriveWithFlags(base, CKM_EXTRACT_KEY_FROM_KEY, &param, mech,
					     CKA_FLAGS_ONLY, len, CRYPTO_KEY_FLAGS);
	if (k == NULL)
		return crypto_nss_diag("extracting octets [%zu,+%zu) of a key", offset, len);
	*out = k;
	return NULL;
}

diag_t crypto_key_pad_left(PK11SymKey *key, size_t len, PK11SymKey **out)
{
	size_t have = PK11_GetKeyLength(key);
	if (have >= len)
		return diag("cannot pad a %zu-octet key to %zu octets", have, len);
	uint8_t zeros[CRYPTO_MAX_KE_SIZE] = { 0 };
	if (len - have > sizeof(zeros))
		return diag("padding of %zu octets is too long", len - have);
	CK_KEY_DERIVATION_STRING_DATA data = { .pData = zeros, .ulLen = len - have };
	SECItem param = { .type = siBuffer, .data = (uint8_t *)&data, .len = sizeof(data) };
	PK11SymKey *k = PK11_DeriveWithFlags(key, CKM_CONCATENATE_DATA_AND_BASE, &param,
					     CKM_GENERIC_SECRET_KEY_GEN, CKA_FLAGS_ONLY, 0,
					     CRYPTO_KEY_FLAGS);
	if (k == NULL)
		return crypto_nss_diag("left-padding a key to %zu octets", len);
	*out = k;
	return NULL;
}

diag_t crypto_key_octets(PK11SymKey *key, uint8_t *out, size_t out_len)
{
	if (PK11_ExtractKeyValue(key) != SECSuccess)
		return crypto_nss_diag("extracting a key's value");
	const SECItem *v = PK11_GetKeyData(key);
	if (v == NULL || v->data == NULL)
		return crypto_nss_diag("reading a key's value");
	if (v->len != out_len)
		return diag("key has %u octets, expected %zu", v->len, out_len);
	memcpy(out, v->data, out_len);
	return NULL;
}

void crypto_dbg_symkey(const struct logger *logger, const char *what, PK11SymKey *key)
{
	if (!dbg(DBG_CRYPT | DBG_PRIVATE))
		return;
	size_t len = crypto_symkey_len(key);
	if (!dbg(DBG_PRIVATE) || key == NULL) {
		llog(logger, LOG_SEV_DEBUG, "%s: %zu-octet key", what, len);
		return;
	}
	uint8_t *bytes = malloc(len > 0 ? len : 1);
	if (bytes == NULL)
		return;
	diag_t d = crypto_key_octets(key, bytes, len);
	if (d != NULL) {
		llog(logger, LOG_SEV_DEBUG, "%s: %zu-octet key (%s)", what, len, diag_str(d));
		diag_free(&d);
	} else {
		LLOG_JAMBUF(logger, LOG_SEV_DEBUG, b) {
			jam(b, "%s: %zu-octet key ", what, len);
			jam_hex(b, bytes, len);
		}
	}
	crypto_wipe(bytes, len);
	free(bytes);
}

diag_t crypto_random(struct crypto_span out)
{
	if (out.len == 0)
		return NULL;
	if (out.len > INT32_MAX)
		return diag("random request of %zu octets is too large", out.len);
	if (PK11_GenerateRandom(out.ptr, (int)out.len) != SECSuccess)
		return crypto_nss_diag("generating %zu random octets", out.len);
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *crypto_unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	uint8_t *out = malloc(n / 2 + 1);
	if (out == NULL)
		return NULL;
	size_t o = 0;
	int hi = -1;
	for (size_t i = 0; i < n; i++) {
		if (hex[i] == ' ' || hex[i] == '\n' || hex[i] == '\t')
			continue;
		int v = hexval(hex[i]);
		if (v < 0) {
			free(out);
			return NULL;
		}
		if (hi < 0) {
			hi = v;
		} else {
			out[o++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(out);
		return NULL;
	}
	*len = o;
	return out;
}

diag_t crypto_key_in_slot_of(PK11SymKey *base, PK11SymKey *key, PK11SymKey **out)
{
	PK11SlotInfo *want = PK11_GetSlotFromKey(base);
	PK11SlotInfo *have = PK11_GetSlotFromKey(key);
	PK11SymKey *k;
	if (want == have) {
		k = PK11_ReferenceSymKey(key);
	} else {
		/* a key handle only means something in its own slot */
		k = PK11_MoveSymKey(want, CKA_FLAGS_ONLY, CRYPTO_KEY_FLAGS, PR_FALSE, key);
	}
	PK11_FreeSlot(want);
	PK11_FreeSlot(have);
	if (k == NULL)
		return crypto_nss_diag("moving a key to the slot of another");
	*out = k;
	return NULL;
}
