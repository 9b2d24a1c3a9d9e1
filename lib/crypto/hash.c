/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Plain digests (NAT detection, cookies) through NSS. */
#include <pk11pub.h>

#include "internal.h"

static const struct {
	enum ikev2_hash_algorithm id;
	SECOidTag oid;
	size_t size;
	const char *name;
} hashes[] = {
	{ IKEv2_HASH_SHA1, SEC_OID_SHA1, 20, "SHA1" },
	{ IKEv2_HASH_SHA2_256, SEC_OID_SHA256, 32, "SHA2_256" },
	{ IKEv2_HASH_SHA2_384, SEC_OID_SHA384, 48, "SHA2_384" },
	{ IKEv2_HASH_SHA2_512, SEC_OID_SHA512, 64, "SHA2_512" },
};

static int find(enum ikev2_hash_algorithm h)
{
	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		if (hashes[i].id == h)
			return (int)i;
	return -1;
}

size_t crypto_hash_size(enum ikev2_hash_algorithm h)
{
	int i = find(h);
	return i < 0 ? 0 : hashes[i].size;
}

diag_t crypto_hash(enum ikev2_hash_algorithm h, const struct crypto_cspan *data, size_t n,
		   uint8_t *out, size_t out_len)
{
	int i = find(h);
	if (i < 0)
		return diag("unknown hash algorithm %d", (int)h);
	if (out_len != hashes[i].size)
		return diag("%s: output buffer of %zu octets, digest is %zu", hashes[i].name,
			    out_len, hashes[i].size);
	PK11Context *ctx = PK11_CreateDigestContext(hashes[i].oid);
	if (ctx == NULL)
		return crypto_nss_diag("%s: creating a digest context", hashes[i].name);
	diag_t d = NULL;
	if (PK11_DigestBegin(ctx) != SECSuccess)
		d = crypto_nss_diag("%s: starting the digest", hashes[i].name);
	for (size_t j = 0; d == NULL && j < n; j++) {
		if (data[j].len > 0 && PK11_DigestOp(ctx, data[j].ptr, data[j].len) != SECSuccess)
			d = crypto_nss_diag("%s: digest over %zu octets", hashes[i].name, data[j].len);
	}
	unsigned got = 0;
	if (d == NULL && PK11_DigestFinal(ctx, out, &got, out_len) != SECSuccess)
		d = crypto_nss_diag("%s: finishing the digest", hashes[i].name);
	if (d == NULL && got != out_len)
		d = diag("%s: digest of %u octets", hashes[i].name, got);
	PK11_DestroyContext(ctx, PR_TRUE);
	return d;
}
