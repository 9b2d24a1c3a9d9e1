/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/ike proposals: Libreswan ike=/esp= strings (valid forms, aliases,
 * every error), defaults, printing, SA payload conversion, and matching as
 * responder (choose) and initiator (accept).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tern/ike_proposal.h"

#define IKE IKEv2_PROTO_IKE
#define ESP IKEv2_PROTO_ESP
#define DEFKE "DH19+DH20+DH21+DH31+MODP4096+MODP3072+MODP2048+MODP8192"
#define DEFPRF "HMAC_SHA2_512+HMAC_SHA2_256"

static const char *print(const struct ike_alg_proposals *ps)
{
	static char buf[2048];
	struct jambuf b = jambuf_init(buf, sizeof(buf));
	jam_ike_alg_proposals(&b, ps);
	assert_false(b.truncated);
	return buf;
}

static struct {
	uint8_t protocol;
	const char *in;
	const char *out;
} valid[] = {
	{ IKE, "aes_gcm256-sha2_512;dh19", "AES_GCM_16_256-HMAC_SHA2_512-DH19" },
	{ IKE, "aes256-sha2_256-modp2048", "AES_CBC_256-HMAC_SHA2_256-MODP2048" },
	{ IKE, "aes_gcm128-sha2;dh19+dh20", "AES_GCM_16_128-HMAC_SHA2_256-DH19+DH20" },
	{ IKE, "aes", "AES_CBC-" DEFPRF "-" DEFKE },
	{ IKE, "aes_gcm", "AES_GCM_16-" DEFPRF "-" DEFKE },
	{ IKE, "3des-sha1;modp2048", "3DES_CBC-HMAC_SHA1-MODP2048" },
	{ IKE, "aes128-sha1;dh14", "AES_CBC_128-HMAC_SHA1-MODP2048" },
	{ IKE, "aes_gcm+chacha20_poly1305;dh14+dh19,aes+3des-sha2+sha1;dh14",
	  "AES_GCM_16+CHACHA20_POLY1305-" DEFPRF "-MODP2048+DH19, AES_CBC+3DES_CBC-HMAC_SHA2_256+HMAC_SHA1-MODP2048" },
	{ IKE, "aes_gcm256;sha2_256", "AES_GCM_16_256-HMAC_SHA2_256-" DEFKE },
	{ IKE, "aes256-sha2_256-sha1-dh19", "AES_CBC_256-HMAC_SHA2_256-HMAC_SHA1_96-DH19" },
	{ IKE, "chacha20_poly1305-sha2_512-x25519", "CHACHA20_POLY1305-HMAC_SHA2_512-DH31" },
	{ IKE, "AES_GCM_16_256-HMAC_SHA2_512-DH19", "AES_GCM_16_256-HMAC_SHA2_512-DH19" },
	{ IKE, "aes_gcm_c256-sha512-curve25519", "AES_GCM_16_256-HMAC_SHA2_512-DH31" },
	{ IKE, "aes_gcm_a128-sha2-ecp256", "AES_GCM_8_128-HMAC_SHA2_256-DH19" },
	{ IKE, "aes_gcm_128-sha2_384-ecp_384", "AES_GCM_16_128-HMAC_SHA2_384-DH20" },
	{ IKE, "aes_gcm_16_256-sha2_512-dh31", "AES_GCM_16_256-HMAC_SHA2_512-DH31" },
	{ IKE, "aes_ctr256-aes_xcbc-dh21", "AES_CTR_256-AES_XCBC-DH21" },
	{ IKE, "aes256-sha2, aes128-sha1", "AES_CBC_256-HMAC_SHA2_256-" DEFKE ", AES_CBC_128-HMAC_SHA1-" DEFKE },
	{ IKE, "AES_CBC_256-HMAC_SHA2_256-HMAC_SHA2_256_128-MODP2048", "AES_CBC_256-HMAC_SHA2_256-MODP2048" },
	{ IKE, "aes_cbc_192-sha2_512-modp3072+modp4096", "AES_CBC_192-HMAC_SHA2_512-MODP3072+MODP4096" },
	{ IKE, "aes-sha2-dh19", "AES_CBC-HMAC_SHA2_256-DH19" },
	/* as Libreswan 4.10 printed it in "IKE algorithms:" / "ESP algorithms:" */
	{ IKE, "aes_gcm256-sha2_512+sha2_256;dh19+dh31,aes256-sha2_256;modp2048",
	  "AES_GCM_16_256-HMAC_SHA2_512+HMAC_SHA2_256-DH19+DH31, AES_CBC_256-HMAC_SHA2_256-MODP2048" },
	{ ESP, "aes_gcm256,aes256-sha2_256", "AES_GCM_16_256-NONE, AES_CBC_256-HMAC_SHA2_256_128" },
	{ ESP, "aes_gcm128", "AES_GCM_16_128-NONE" },
	{ ESP, "aes256-sha2_256;modp2048", "AES_CBC_256-HMAC_SHA2_256_128-MODP2048" },
	{ ESP, "chacha20_poly1305", "CHACHA20_POLY1305-NONE" },
	{ ESP, "aes", "AES_CBC-HMAC_SHA2_512_256+HMAC_SHA2_256_128" },
	{ ESP, "aes128-sha2_512;dh19", "AES_CBC_128-HMAC_SHA2_512_256-DH19" },
	{ ESP, "aes_gcm-none", "AES_GCM_16-NONE" },
	{ ESP, "aes-sha1-none", "AES_CBC-HMAC_SHA1_96" },
	{ ESP, "aes_gcm256,aes256-sha2", "AES_GCM_16_256-NONE, AES_CBC_256-HMAC_SHA2_256_128" },
	{ ESP, "null-sha2", "NULL-HMAC_SHA2_256_128" },
	{ ESP, "aes_ccm", "AES_CCM_16-NONE" },
	{ ESP, "aes_gcm_16_256-dh31", "AES_GCM_16_256-NONE-DH31" },
	{ ESP, "aes_gmac256", "NULL_AUTH_AES_GMAC_256-NONE" },
	{ ESP, "AES_CBC_128-HMAC_SHA1_96+HMAC_SHA2_256_128", "AES_CBC_128-HMAC_SHA1_96+HMAC_SHA2_256_128" },
};

static void test_parse_valid(void **state)
{
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		struct ike_alg_proposals ps, again;
		diag_t d = ike_alg_proposals_parse(valid[i].protocol, valid[i].in, &ps);
		if (d != NULL)
			fail_msg("'%s': %s", valid[i].in, diag_str(d));
		const char *out = print(&ps);
		if (strcmp(out, valid[i].out) != 0)
			fail_msg("'%s' printed '%s', expected '%s'", valid[i].in, out, valid[i].out);
		/* the printed form parses back to the same proposals */
		char copy[2048];
		snprintf(copy, sizeof(copy), "%s", out);
		d = ike_alg_proposals_parse(valid[i].protocol, copy, &again);
		if (d != NULL)
			fail_msg("reparse '%s': %s", copy, diag_str(d));
		assert_int_equal(again.count, ps.count);
		assert_memory_equal(again.p, ps.p, sizeof(ps.p[0]) * ps.count);
	}
}

static void test_parse_fields(void **state)
{
	struct ike_alg_proposals ps;
	assert_null(ike_alg_proposals_parse(IKE, "aes_gcm256-sha2_512;dh19", &ps));
	assert_int_equal(ps.protocol, IKE);
	assert_int_equal(ps.count, 1);
	assert_int_equal(ps.p[0].nr_encr, 1);
	assert_int_equal(ps.p[0].encr[0].id, IKEv2_ENCR_AES_GCM_16);
	assert_int_equal(ps.p[0].encr[0].keylen, 256);
	assert_int_equal(ps.p[0].nr_prf, 1);
	assert_int_equal(ps.p[0].prf[0], IKEv2_PRF_HMAC_SHA2_512);
	assert_int_equal(ps.p[0].nr_integ, 0);	/* AEAD */
	assert_int_equal(ps.p[0].nr_ke, 1);
	assert_int_equal(ps.p[0].ke[0], IKEv2_KE_ECP_256);

	assert_null(ike_alg_proposals_parse(IKE, "aes256-sha2_256-modp2048", &ps));
	assert_int_equal(ps.p[0].nr_integ, 1);	/* derived from the PRF */
	assert_int_equal(ps.p[0].integ[0], IKEv2_INTEG_HMAC_SHA2_256_128);

	assert_null(ike_alg_proposals_parse(ESP, "chacha20_poly1305", &ps));
	assert_int_equal(ps.p[0].encr[0].keylen, 0);	/* fixed key size: no attribute */
	assert_int_equal(ps.p[0].nr_prf, 0);
	assert_int_equal(ps.p[0].nr_ke, 0);

	/* aliases */
	static const char *const same[] = { "aes_gcm_16_256", "aes_gcm256", "aes_gcm_256", "aes_gcm_c_256",
					    "AES_GCM_16_256", "aes_gcm16_256", "aes_gcm_c256" };
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		diag_t d = ike_alg_proposals_parse(ESP, same[i], &ps);
		if (d != NULL)
			fail_msg("%s: %s", same[i], diag_str(d));
		assert_int_equal(ps.p[0].encr[0].id, IKEv2_ENCR_AES_GCM_16);
		assert_int_equal(ps.p[0].encr[0].keylen, 256);
	}
	static const char *const dh19[] = { "dh19", "ecp256", "ecp_256", "secp256r1", "DH19" };
	for (size_t i = 0; i < sizeof(dh19) / sizeof(dh19[0]); i++) {
		char s[64];
		snprintf(s, sizeof(s), "aes-sha2;%s", dh19[i]);
		assert_null(ike_alg_proposals_parse(IKE, s, &ps));
		assert_int_equal(ps.p[0].ke[0], IKEv2_KE_ECP_256);
	}
	static const char *const x25519[] = { "dh31", "x25519", "curve25519" };
	for (size_t i = 0; i < sizeof(x25519) / sizeof(x25519[0]); i++) {
		char s[64];
		snprintf(s, sizeof(s), "aes-sha2-%s", x25519[i]);
		assert_null(ike_alg_proposals_parse(IKE, s, &ps));
		assert_int_equal(ps.p[0].ke[0], IKEv2_KE_CURVE25519);
	}
	assert_null(ike_alg_proposals_parse(IKE, "aes-sha-modp2048", &ps));
	assert_int_equal(ps.p[0].prf[0], IKEv2_PRF_HMAC_SHA1);
	assert_int_equal(ps.p[0].encr[0].id, IKEv2_ENCR_AES_CBC);
	assert_null(ike_alg_proposals_parse(IKE, "aes_cbc-sha2_256-dh14", &ps));
	assert_int_equal(ps.p[0].ke[0], IKEv2_KE_MODP2048);
	assert_null(ike_alg_proposals_parse(ESP, "aes_gcm_b", &ps));
	assert_int_equal(ps.p[0].encr[0].id, IKEv2_ENCR_AES_GCM_12);
	assert_null(ike_alg_proposals_parse(ESP, "aes_gcm_12_128", &ps));
	assert_int_equal(ps.p[0].encr[0].id, IKEv2_ENCR_AES_GCM_12);
	assert_int_equal(ps.p[0].encr[0].keylen, 128);
}

static struct {
	uint8_t protocol;
	const char *in;
	const char *error;	/* the whole diag */
} invalid[] = {
	{ IKE, "aes_gcm256-sha2_512;dh99", "ike=aes_gcm256-sha2_512;dh99: unknown DH algorithm 'dh99'" },
	{ IKE, "aes_foo", "ike=aes_foo: unknown encryption algorithm 'aes_foo'" },
	{ IKE, "aes-sha3", "ike=aes-sha3: unknown PRF algorithm 'sha3'" },
	{ ESP, "aes-sha3", "esp=aes-sha3: unknown integrity algorithm 'sha3'" },
	{ IKE, "aes-sha2-modp1024", "ike=aes-sha2-modp1024: DH algorithm 'modp1024' is not supported" },
	{ IKE, "aes-sha2-x448", "ike=aes-sha2-x448: DH algorithm 'x448' is not supported" },
	{ IKE, "aes-sha2;foo", "ike=aes-sha2;foo: unknown DH algorithm 'foo'" },
	{ IKE, "aes-sha2-dh19+dh77", "ike=aes-sha2-dh19+dh77: unknown DH algorithm 'dh77'" },
	{ IKE, "aes_gcm257", "ike=aes_gcm257: encryption algorithm 'aes_gcm257' has an invalid key length 257" },
	{ IKE, "aes64-sha2", "ike=aes64-sha2: encryption algorithm 'aes64' has an invalid key length 64" },
	{ IKE, "aes_gcm+aes", "ike=aes_gcm+aes: AEAD and non-AEAD encryption algorithms cannot be combined in one proposal ('aes')" },
	{ IKE, "null-sha2", "ike=null-sha2: encryption algorithm 'null' is not allowed for IKE" },
	{ IKE, "", "ike=: empty proposal list" },
	{ IKE, "aes,", "ike=aes,: empty proposal" },
	{ IKE, "aes, ,aes", "ike=aes, ,aes: empty proposal" },
	{ IKE, "aes--sha2", "ike=aes--sha2: empty algorithm in proposal 'aes--sha2'" },
	{ IKE, "aes-sha2+", "ike=aes-sha2+: empty PRF algorithm in 'sha2+'" },
	{ IKE, "-sha2", "ike=-sha2: empty algorithm in proposal '-sha2'" },
	{ IKE, "aes-sha2;none", "ike=aes-sha2;none: IKE DH algorithm 'none' is not permitted" },
	{ IKE, "aes-none", "ike=aes-none: PRF algorithm 'none' is not allowed" },
	{ ESP, "aes_gcm-sha2", "esp=aes_gcm-sha2: AEAD encryption algorithm 'AES_GCM_16' cannot have an integrity algorithm" },
	{ ESP, "aes-none", "esp=aes-none: non-AEAD encryption algorithm 'AES_CBC' needs an integrity algorithm" },
	{ ESP, "aes-sha2+none", "esp=aes-sha2+none: integrity algorithm 'none' cannot be combined with others" },
	{ ESP, "aes;dh19+none", "esp=aes;dh19+none: DH algorithm 'none' cannot be combined with others" },
	{ IKE, "aes-sha2-dh19-sha1", "ike=aes-sha2-dh19-sha1: unexpected 'sha1' after the DH algorithms" },
	{ ESP, "aes-sha2-sha1", "esp=aes-sha2-sha1: unexpected 'sha1': expecting DH algorithms" },
	{ IKE, "aes+aes", "ike=aes+aes: duplicate encryption algorithm 'aes'" },
	{ IKE, "aes256+aes_cbc_256", "ike=aes256+aes_cbc_256: duplicate encryption algorithm 'aes_cbc_256'" },
	{ IKE, "aes-sha2+sha256", "ike=aes-sha2+sha256: duplicate PRF algorithm 'sha256'" },
	{ IKE, "aes-sha2-dh19+ecp256", "ike=aes-sha2-dh19+ecp256: duplicate DH algorithm 'ecp256'" },
	{ IKE, "aes sha2", "ike=aes sha2: unexpected space in proposal 'aes sha2'" },
	{ IKE, "aes+aes_ctr+aes_gcm", "ike=aes+aes_ctr+aes_gcm: AEAD and non-AEAD encryption algorithms cannot be combined in one proposal ('aes_gcm')" },
	{ IKE, "aes-sha2-sha2-sha2", "ike=aes-sha2-sha2-sha2: unexpected 'sha2': expecting DH algorithms" },
	{ IKE, "aes-a-b-c-d-e-f", "ike=aes-a-b-c-d-e-f: too many fields in proposal 'aes-a-b-c-d-e-f'" },
	{ IKE, "aes_gcm-sha2-sha1-dh19", "ike=aes_gcm-sha2-sha1-dh19: AEAD encryption algorithm 'AES_GCM_16' cannot have an integrity algorithm" },
	{ ESP, "3des_cbc_128", "esp=3des_cbc_128: encryption algorithm '3des_cbc_128' has an invalid key length 128" },
};

static void test_parse_invalid(void **state)
{
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		struct ike_alg_proposals ps = { .count = 77 };
		diag_t d = ike_alg_proposals_parse(invalid[i].protocol, invalid[i].in, &ps);
		if (d == NULL)
			fail_msg("'%s' parsed as '%s'", invalid[i].in, print(&ps));
		if (strcmp(diag_str(d), invalid[i].error) != 0)
			fail_msg("'%s': got '%s', expected '%s'", invalid[i].in, diag_str(d), invalid[i].error);
		assert_int_equal(ps.count, 77);	/* untouched */
		diag_free(&d);
	}
	/* limits */
	char many[1024] = "";
	for (int i = 0; i <= IKE_ALG_MAX_PROPOSALS; i++)
		strcat(many, i == 0 ? "aes" : ",aes");
	struct ike_alg_proposals ps;
	diag_t d = ike_alg_proposals_parse(IKE, many, &ps);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "more than 16 proposals"));
	diag_free(&d);
	d = ike_alg_proposals_parse(IKE, "aes-sha2-dh14+dh15+dh16+dh17+dh18+dh19+dh20+dh21+dh31+dh14", &ps);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "duplicate DH algorithm 'dh14'"));
	diag_free(&d);
	d = ike_alg_proposals_parse(IKE, "aes128+aes192+aes256+aes_ctr128+aes_ctr192+aes_ctr256+camellia128+camellia192+camellia256", &ps);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "more than 8 encryption algorithms"));
	diag_free(&d);
	d = ike_alg_proposals_parse(IKEv2_PROTO_AH, "sha2", &ps);
	assert_non_null(d);
	diag_free(&d);
}

static void test_defaults(void **state)
{
	struct ike_alg_proposals ps;
	ike_alg_proposals_default(IKE, &ps);
	assert_string_equal(print(&ps),
		"AES_GCM_16_256-" DEFPRF "-" DEFKE ", "
		"AES_GCM_16_128-" DEFPRF "-" DEFKE ", "
		"CHACHA20_POLY1305-" DEFPRF "-" DEFKE ", "
		"AES_CBC_256-" DEFPRF "-" DEFKE ", "
		"AES_CBC_128-" DEFPRF "-" DEFKE);
	assert_int_equal(ps.p[3].nr_integ, 2);
	assert_int_equal(ps.p[3].integ[0], IKEv2_INTEG_HMAC_SHA2_512_256);
	ike_alg_proposals_default(ESP, &ps);
	assert_string_equal(print(&ps),
		"AES_GCM_16_256-NONE, AES_GCM_16_128-NONE, CHACHA20_POLY1305-NONE, "
		"AES_CBC_256-HMAC_SHA2_512_256+HMAC_SHA2_256_128, "
		"AES_CBC_128-HMAC_SHA2_512_256+HMAC_SHA2_256_128");
}

/* ---- SA payloads ---- */

static struct ike_sa_build ours_b, peer_b, reply_b;

static const struct ike_sa_payload *sa_of(struct ike_sa_build *b, uint8_t protocol, const char *str,
					  enum ike_esn_policy esn, uint16_t pfs)
{
	struct ike_alg_proposals ps;
	if (str == NULL) {
		ike_alg_proposals_default(protocol, &ps);
	} else {
		diag_t d = ike_alg_proposals_parse(protocol, str, &ps);
		if (d != NULL)
			fail_msg("%s: %s", str, diag_str(d));
	}
	static const uint8_t spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
	struct ike_sa_params params = {
		.spi = protocol == ESP ? spi : NULL, .spi_size = protocol == ESP ? 4 : 0,
		.esn = esn, .pfs_group = pfs,
	};
	diag_t d = ike_alg_proposals_to_sa(&ps, &params, b);
	assert_null(d);
	return &b->sa;
}

static void test_to_sa(void **state)
{
	const struct ike_sa_payload *sa = sa_of(&ours_b, IKE, NULL, IKE_ESN_NO, 0);
	assert_int_equal(sa->nr_proposals, 5);
	const struct ike_proposal *p = &sa->proposals[0];
	assert_int_equal(p->number, 1);
	assert_int_equal(p->protocol, IKE);
	assert_int_equal(p->spi_size, 0);
	assert_int_equal(p->nr_transforms, 1 + 2 + 8);	/* ENCR, 2 PRF, 8 KE; no INTEG for AEAD */
	assert_int_equal(p->transforms[0].keylen, 256);
	p = &sa->proposals[2];	/* chacha: no key length */
	assert_int_equal(p->transforms[0].id, IKEv2_ENCR_CHACHA20_POLY1305);
	assert_int_equal(p->transforms[0].keylen, 0);
	p = &sa->proposals[3];	/* AES-CBC: ENCR, 2 PRF, 2 INTEG, 8 KE */
	assert_int_equal(p->nr_transforms, 13);
	assert_int_equal(p->number, 4);

	/* "aes" offers 256 then 128; ESP ESN either: YES then NO; PFS group */
	sa = sa_of(&ours_b, ESP, "aes-sha2", IKE_ESN_EITHER, IKEv2_KE_ECP_256);
	p = &sa->proposals[0];
	assert_int_equal(p->spi_size, 4);
	assert_int_equal(p->spi[0], 0xc0);
	assert_int_equal(p->nr_transforms, 6);
	assert_int_equal(p->transforms[0].keylen, 256);
	assert_int_equal(p->transforms[1].keylen, 128);
	assert_int_equal(p->transforms[2].type, IKEv2_TRANS_INTEG);
	assert_int_equal(p->transforms[3].type, IKEv2_TRANS_KE);
	assert_int_equal(p->transforms[3].id, IKEv2_KE_ECP_256);
	assert_int_equal(p->transforms[4].id, IKEv2_ESN_YES);
	assert_int_equal(p->transforms[5].id, IKEv2_ESN_NO);

	/* encode the SA payload and decode it back */
	uint8_t buf[2048];
	struct ike_builder b;
	struct ike_header h = { .major = 2, .exchange = ISAKMP_v2_CREATE_CHILD_SA };
	ike_builder_init(&b, buf, sizeof(buf));
	ike_put_header(&b, &h);
	struct ike_payload pl = { .type = IKEv2_NP_SA, .known = true, .u.sa = *sa };
	ike_put_payload(&b, &pl);
	size_t len;
	assert_null(ike_builder_finish(&b, &len));
	static struct ike_message m;
	assert_null(ike_message_decode(buf, len, &m, NULL));
	const struct ike_sa_payload *dsa = &ike_message_get(&m, IKEv2_NP_SA)->u.sa;
	assert_int_equal(dsa->nr_proposals, 1);
	assert_int_equal(dsa->proposals[0].nr_transforms, 6);
	assert_int_equal(dsa->proposals[0].transforms[1].keylen, 128);
}

static void assert_sa_like(const char *vector, const char *ike, const struct ike_sa_payload **out)
{
	uint8_t pkt[2048];
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", IKE_VECTORS, vector);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t len = fread(pkt, 1, sizeof(pkt), f);
	fclose(f);
	static struct ike_message m;
	assert_null(ike_message_decode(pkt, len, &m, NULL));
	const struct ike_payload *theirs = ike_message_get(&m, IKEv2_NP_SA);
	const struct ike_sa_payload *sa = sa_of(&ours_b, IKE, ike, IKE_ESN_NO, 0);
	uint8_t buf[2048];
	struct ike_builder b;
	struct ike_header h = { .major = 2 };
	ike_builder_init(&b, buf, sizeof(buf));
	ike_put_header(&b, &h);
	struct ike_payload pl = { .type = IKEv2_NP_SA, .known = true, .u.sa = *sa };
	ike_put_payload(&b, &pl);
	size_t n;
	assert_null(ike_builder_finish(&b, &n));
	assert_int_equal(n - IKE_HEADER_SIZE - 4, theirs->body.len);
	assert_memory_equal(buf + IKE_HEADER_SIZE + 4, theirs->body.ptr, theirs->body.len);
	*out = sa;
}

/* our SA payload for Libreswan's ike= string is byte for byte what Libreswan sent */
static void test_to_sa_like_libreswan(void **state)
{
	const struct ike_sa_payload *sa;
	assert_sa_like("libreswan-sa-init-req-no-keylen.bin",
		       "aes-sha2-modp2048+modp3072+modp4096+modp8192+dh19+dh20+dh21+dh31,"
		       "aes_gcm-sha2-modp2048+modp3072+modp4096+modp8192+dh19+dh20+dh21+dh31", &sa);
	assert_sa_like("libreswan-sa-init-req-2proposals.bin",
		       "aes_gcm256-sha2_512+sha2_256;dh19+dh31,aes256-sha2_256;modp2048", &sa);
	uint8_t pkt[2048];
	char path[1024];
	FILE *f;
	size_t len;
	static struct ike_message m;

	/* and strongSwan's answer is one we accept */
	snprintf(path, sizeof(path), "%s/strongswan-sa-init-resp-to-libreswan.bin", IKE_VECTORS);
	f = fopen(path, "rb");
	assert_non_null(f);
	len = fread(pkt, 1, sizeof(pkt), f);
	fclose(f);
	assert_null(ike_message_decode(pkt, len, &m, NULL));
	struct ike_sa_choice ch;
	assert_null(ike_sa_accept(sa, &ike_message_get(&m, IKEv2_NP_SA)->u.sa, false, &ch));
	char out[128];
	struct jambuf jb = jambuf_init(out, sizeof(out));
	jam_ike_sa_choice_details(&jb, &ch);
	/* what Libreswan logged: {cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 group=DH19} */
	assert_string_equal(out, "cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH19");
}

struct choose_case {
	const char *name;
	uint8_t protocol;
	const char *ours;	/* NULL: defaults */
	enum ike_esn_policy our_esn;
	const char *peer;
	enum ike_esn_policy peer_esn;
	uint16_t prefer_ke;
	bool ignore_ke;
	uint8_t number;		/* expected peer proposal number, 0: no match */
	const char *chosen;	/* expected jam_ike_sa_choice(), or error substring */
};

static const struct choose_case choose_cases[] = {
	{ "defaults vs strongswan modp2048", IKE, NULL, 0, "aes256-sha2_256-modp2048", 0, 0, false,
	  1, "AES_CBC_256-HMAC_SHA2_256-MODP2048" },
	{ "peer's second proposal", IKE, "aes_gcm256-sha2_512;dh19", 0,
	  "aes256-sha2;dh19,aes_gcm256-sha2_512;dh19+dh31", 0, 0, false, 2, "AES_GCM_16_256-HMAC_SHA2_512-DH19" },
	{ "our KE order", IKE, NULL, 0, "aes_gcm256-sha2_512-dh31+dh19", 0, 0, false,
	  1, "AES_GCM_16_256-HMAC_SHA2_512-DH19" },
	{ "KE payload group preferred", IKE, NULL, 0, "aes_gcm256-sha2_512-dh31+dh19", 0, IKEv2_KE_CURVE25519, false,
	  1, "AES_GCM_16_256-HMAC_SHA2_512-DH31" },
	{ "KE payload group not offered by us", IKE, "aes_gcm256-sha2_512-dh19", 0, "aes_gcm256-sha2_512-dh31+dh19", 0,
	  IKEv2_KE_CURVE25519, false, 1, "AES_GCM_16_256-HMAC_SHA2_512-DH19" },
	{ "key length mismatch", IKE, "aes128-sha2;dh14", 0, "aes256-sha2;dh14", 0, 0, false,
	  0, "no acceptable proposal; peer proposed: 1:IKE:ENCR=AES_CBC_256;PRF=HMAC_SHA2_256;INTEG=HMAC_SHA2_256_128;KE=MODP2048" },
	{ "our 256+128 expansion", IKE, "aes-sha2;dh14", 0, "aes128-sha2;dh14", 0, 0, false,
	  1, "AES_CBC_128-HMAC_SHA2_256-MODP2048" },
	{ "our order beats theirs", IKE, "aes_gcm256-sha2_512;dh19,aes256-sha2;dh14", 0,
	  "aes256-sha2;dh14,aes_gcm256-sha2_512;dh19", 0, 0, false, 2, "AES_GCM_16_256-HMAC_SHA2_512-DH19" },
	{ "DH mismatch", IKE, "aes-sha2;dh19", 0, "aes-sha2;dh14", 0, 0, false, 0, "KE=MODP2048" },
	{ "PRF mismatch", IKE, "aes-sha2_512;dh19", 0, "aes-sha2_256;dh19", 0, 0, false, 0, "PRF=HMAC_SHA2_256" },
	{ "ESP defaults vs aes_gcm128", ESP, NULL, IKE_ESN_EITHER, "aes_gcm128", IKE_ESN_NO, 0, false,
	  1, "AES_GCM_16_128-NONE" },
	{ "ESP chacha", ESP, NULL, IKE_ESN_EITHER, "chacha20_poly1305", IKE_ESN_YES, 0, false,
	  1, "CHACHA20_POLY1305-NONE" },
	{ "ESP ESN mismatch", ESP, "aes_gcm", IKE_ESN_YES, "aes_gcm", IKE_ESN_NO, 0, false, 0, "ESN=NO" },
	{ "ESP we want PFS, peer doesn't", ESP, "aes256-sha2;dh19", IKE_ESN_NO, "aes256-sha2", IKE_ESN_NO, 0, false,
	  0, "no acceptable proposal" },
	{ "ESP PFS ignored in IKE_AUTH", ESP, "aes256-sha2;dh19", IKE_ESN_NO, "aes256-sha2", IKE_ESN_NO, 0, true,
	  1, "AES_CBC_256-HMAC_SHA2_256_128" },
	{ "ESP peer wants PFS, we don't", ESP, "aes256-sha2", IKE_ESN_NO, "aes256-sha2;dh19", IKE_ESN_NO, 0, false,
	  0, "KE=DH19" },
	{ "ESP both PFS", ESP, "aes256-sha2;dh19+dh20", IKE_ESN_NO, "aes256-sha2;dh20", IKE_ESN_NO, 0, false,
	  1, "AES_CBC_256-HMAC_SHA2_256_128-DH20" },
	{ "ESP integrity order", ESP, "aes128-sha2_512+sha1", IKE_ESN_NO, "aes128-sha1+sha2_512", IKE_ESN_NO, 0, false,
	  1, "AES_CBC_128-HMAC_SHA2_512_256" },
	{ "protocol mismatch", ESP, "aes_gcm", IKE_ESN_NO, NULL, 0, 0, false, 0, "peer proposed: 1:IKE:" },
};

static void test_choose(void **state)
{
	for (size_t i = 0; i < sizeof(choose_cases) / sizeof(choose_cases[0]); i++) {
		const struct choose_case *c = &choose_cases[i];
		const struct ike_sa_payload *ours = sa_of(&ours_b, c->protocol, c->ours, c->our_esn, 0);
		uint8_t peer_protocol = c->peer == NULL ? IKE : c->protocol;
		const struct ike_sa_payload *peer = sa_of(&peer_b, peer_protocol, c->peer, c->peer_esn, 0);
		struct ike_sa_choice ch;
		memset(&ch, 0xee, sizeof(ch));
		diag_t d = ike_sa_choose(ours, peer, c->prefer_ke, c->ignore_ke, &ch);
		if (c->number == 0) {
			if (d == NULL)
				fail_msg("%s: chose proposal %u", c->name, ch.number);
			if (strstr(diag_str(d), c->chosen) == NULL)
				fail_msg("%s: '%s' lacks '%s'", c->name, diag_str(d), c->chosen);
			assert_int_equal(ch.number, 0xee);	/* untouched */
			diag_free(&d);
			continue;
		}
		if (d != NULL)
			fail_msg("%s: %s", c->name, diag_str(d));
		char buf[256];
		struct jambuf b = jambuf_init(buf, sizeof(buf));
		jam_ike_sa_choice(&b, &ch);
		if (strcmp(buf, c->chosen) != 0 || ch.number != c->number)
			fail_msg("%s: chose %u '%s', expected %u '%s'", c->name, ch.number, buf,
				 c->number, c->chosen);
		if (c->protocol == ESP) {
			assert_int_equal(ch.spi_size, 4);
			assert_int_equal(ch.spi[0], 0xc0);
		}

		/* the initiator accepts the responder's answer built from the choice */
		static const uint8_t rspi[4] = { 0xca, 0xfe, 0, 1 };
		ike_sa_choice_to_sa(&ch, c->protocol == ESP ? rspi : NULL, c->protocol == ESP ? 4 : 0, &reply_b);
		struct ike_sa_choice acc;
		d = ike_sa_accept(peer, &reply_b.sa, c->ignore_ke, &acc);
		if (d != NULL)
			fail_msg("%s: accept: %s", c->name, diag_str(d));
		assert_int_equal(acc.number, ch.number);
		assert_memory_equal(acc.id, ch.id, sizeof(acc.id));
		assert_memory_equal(acc.has, ch.has, sizeof(acc.has));
		assert_int_equal(acc.encr_keylen, ch.encr_keylen);
		if (c->protocol == ESP)
			assert_int_equal(acc.spi[0], 0xca);
	}
}

static void test_choose_unknowns(void **state)
{
	const struct ike_sa_payload *ours = sa_of(&ours_b, IKE, "aes_gcm256-sha2_512-dh19", 0, 0);
	/* peer: proposal 1 has an unknown transform type (RFC 9370 ADDKE1),
	 * proposal 2 a transform with an unknown attribute, proposal 3 is
	 * fine and carries INTEG NONE for its AEAD cipher */
	struct ike_transform t1[] = {
		{ .type = IKEv2_TRANS_ENCR, .id = IKEv2_ENCR_AES_GCM_16, .keylen = 256 },
		{ .type = IKEv2_TRANS_PRF, .id = IKEv2_PRF_HMAC_SHA2_512 },
		{ .type = IKEv2_TRANS_KE, .id = IKEv2_KE_ECP_256 },
		{ .type = 6, .id = 35 },
	};
	struct ike_transform t2[] = {
		{ .type = IKEv2_TRANS_ENCR, .id = IKEv2_ENCR_AES_GCM_16, .keylen = 256, .unknown_attrs = true },
		{ .type = IKEv2_TRANS_PRF, .id = IKEv2_PRF_HMAC_SHA2_512 },
		{ .type = IKEv2_TRANS_KE, .id = IKEv2_KE_ECP_256 },
	};
	struct ike_transform t3[] = {
		{ .type = IKEv2_TRANS_ENCR, .id = IKEv2_ENCR_AES_GCM_16, .keylen = 256 },
		{ .type = IKEv2_TRANS_PRF, .id = IKEv2_PRF_HMAC_SHA2_512 },
		{ .type = IKEv2_TRANS_INTEG, .id = IKEv2_INTEG_NONE },
		{ .type = IKEv2_TRANS_KE, .id = IKEv2_KE_ECP_256 },
	};
	struct ike_proposal props[] = {
		{ .number = 1, .protocol = IKE, .nr_transforms = 4, .transforms = t1 },
		{ .number = 2, .protocol = IKE, .nr_transforms = 3, .transforms = t2 },
		{ .number = 3, .protocol = IKE, .nr_transforms = 4, .transforms = t3 },
	};
	struct ike_sa_payload peer = { .nr_proposals = 3, .proposals = props };
	struct ike_sa_choice ch;
	diag_t d = ike_sa_choose(ours, &peer, 0, false, &ch);
	assert_null(d);
	assert_int_equal(ch.number, 3);
	assert_true(ch.has[IKEv2_TRANS_INTEG]);
	assert_int_equal(ch.id[IKEv2_TRANS_INTEG], IKEv2_INTEG_NONE);
	char buf[256];
	struct jambuf b = jambuf_init(buf, sizeof(buf));
	jam_ike_sa_choice_details(&b, &ch);
	assert_string_equal(buf, "cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH19");
	b = jambuf_init(buf, sizeof(buf));
	jam_ike_sa_choice(&b, &ch);
	assert_string_equal(buf, "AES_GCM_16_256-HMAC_SHA2_512-DH19");
	/* without proposal 3: nothing acceptable; the diag shows the odd ones */
	peer.nr_proposals = 2;
	d = ike_sa_choose(ours, &peer, 0, false, &ch);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "TYPE6=35"));
	assert_non_null(strstr(diag_str(d), "AES_GCM_16_256(unknown-attributes)"));
	diag_free(&d);
}

static void test_accept_rejects(void **state)
{
	const struct ike_sa_payload *ours = sa_of(&ours_b, IKE, "aes_gcm256-sha2_512-dh19+dh20,aes256-sha2-dh14", 0, 0);
	struct ike_transform good[] = {
		{ .type = IKEv2_TRANS_ENCR, .id = IKEv2_ENCR_AES_GCM_16, .keylen = 256 },
		{ .type = IKEv2_TRANS_PRF, .id = IKEv2_PRF_HMAC_SHA2_512 },
		{ .type = IKEv2_TRANS_KE, .id = IKEv2_KE_ECP_384 },
	};
	struct ike_proposal one = { .number = 1, .protocol = IKE, .nr_transforms = 3, .transforms = good };
	struct ike_sa_payload reply = { .nr_proposals = 1, .proposals = &one };
	struct ike_sa_choice ch;
	assert_null(ike_sa_accept(ours, &reply, false, &ch));
	assert_int_equal(ch.id[IKEv2_TRANS_KE], IKEv2_KE_ECP_384);

	diag_t d;
	/* two proposals */
	struct ike_proposal two[2] = { one, one };
	struct ike_sa_payload r2 = { .nr_proposals = 2, .proposals = two };
	d = ike_sa_accept(ours, &r2, false, &ch);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "has 2 proposals; it must accept exactly one"));
	diag_free(&d);
	/* a number we did not use */
	struct ike_proposal p = one;
	p.number = 9;
	reply.proposals = &p;
	d = ike_sa_accept(ours, &reply, false, &ch);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "accepted proposal 9 which we did not offer"));
	diag_free(&d);
	/* a transform proposal 1 did not offer */
	struct ike_transform t[4];
	memcpy(t, good, sizeof(good));
	t[0].keylen = 128;
	p = one;
	p.transforms = t;
	d = ike_sa_accept(ours, &reply, false, &ch);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "accepted ENCR AES_GCM_16 which our proposal 1 did not offer"));
	diag_free(&d);
	/* proposal 2's DH in proposal 1 */
	memcpy(t, good, sizeof(good));
	t[2].id = IKEv2_KE_MODP2048;
	d = ike_sa_accept(ours, &reply, false, &ch);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "accepted KE MODP2048"));
	diag_free(&d);
	/* two ENCR transforms */
	memcpy(t, good, sizeof(good));
	t[3] = good[0];
	p.nr_transforms = 4;
	d = ike_sa_accept(ours, &reply, false, &ch);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "more than one ENCR transform"));
	diag_free(&d);
	/* missing KE */
	p.nr_transforms = 2;
	d = ike_sa_accept(ours, &reply, false, &ch);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "accepted no KE transform"));
	diag_free(&d);
	/* wrong protocol */
	memcpy(t, good, sizeof(good));
	p.nr_transforms = 3;
	p.protocol = ESP;
	d = ike_sa_accept(ours, &reply, false, &ch);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "accepted protocol ESP for our IKE proposal 1"));
	diag_free(&d);
	/* unknown transform type */
	p.protocol = IKE;
	t[3] = (struct ike_transform){ .type = 7, .id = 1 };
	p.nr_transforms = 4;
	d = ike_sa_accept(ours, &reply, false, &ch);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "transform type 7"));
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_to_sa),
		cmocka_unit_test(test_to_sa_like_libreswan),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_choose_unknowns),
		cmocka_unit_test(test_accept_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
