/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/ike codec: captured strongSwan messages, hand-built messages of every
 * payload type (RFC 7296 layouts), builder behaviour, and one reject case
 * per malformed length or value the decoder guards against.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tern/ike.h"

static struct ike_message msg;	/* ~20 KiB: not on the stack */

static size_t read_vector(const char *name, uint8_t *buf, size_t size)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", IKE_VECTORS, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	size_t n = fread(buf, 1, size, f);
	fclose(f);
	assert_true(n > 0 && n < size);
	return n;
}

static void assert_round_trip(const uint8_t *pkt, size_t len)
{
	uint8_t out[4096];
	size_t n = 0;
	diag_t d = ike_message_encode(&msg, out, sizeof(out), &n);
	if (d != NULL)
		fail_msg("encode: %s", diag_str(d));
	assert_int_equal(n, len);
	assert_memory_equal(out, pkt, len);
}

static void decode_ok(const uint8_t *pkt, size_t len)
{
	struct ike_decode_fail fail;
	diag_t d = ike_message_decode(pkt, len, &msg, &fail);
	if (d != NULL)
		fail_msg("decode: %s", diag_str(d));
}

static const char *payload_list(void)
{
	static char buf[512];
	struct jambuf b = jambuf_init(buf, sizeof(buf));
	jam_ike_payloads(&b, &msg);
	return buf;
}

/* ---- captured messages ---- */

static void test_sa_init_request_modp2048(void **state)
{
	uint8_t pkt[2048];
	size_t len = read_vector("strongswan-sa-init-req-aes-sha256-modp2048.bin", pkt, sizeof(pkt));
	decode_ok(pkt, len);
	assert_int_equal(msg.hdr.exchange, ISAKMP_v2_IKE_SA_INIT);
	assert_int_equal(msg.hdr.major, 2);
	assert_int_equal(msg.hdr.minor, 0);
	assert_true(ike_header_is_initiator(&msg.hdr));
	assert_false(ike_header_is_response(&msg.hdr));
	assert_int_equal(msg.hdr.msgid, 0);
	static const uint8_t zero[8];
	assert_memory_equal(msg.hdr.rspi, zero, 8);
	assert_string_equal(payload_list(),
			    "SA,KE,Ni,N(NAT_DETECTION_SOURCE_IP),N(NAT_DETECTION_DESTINATION_IP),"
			    "N(IKEV2_FRAGMENTATION_SUPPORTED),N(SIGNATURE_HASH_ALGORITHMS),N(REDIRECT_SUPPORTED)");

	const struct ike_payload *sa = ike_message_get(&msg, IKEv2_NP_SA);
	assert_non_null(sa);
	assert_int_equal(sa->u.sa.nr_proposals, 1);
	const struct ike_proposal *p = &sa->u.sa.proposals[0];
	assert_int_equal(p->number, 1);
	assert_int_equal(p->protocol, IKEv2_PROTO_IKE);
	assert_int_equal(p->spi_size, 0);
	assert_int_equal(p->nr_transforms, 4);
	assert_int_equal(p->transforms[0].type, IKEv2_TRANS_ENCR);
	assert_int_equal(p->transforms[0].id, IKEv2_ENCR_AES_CBC);
	assert_int_equal(p->transforms[0].keylen, 256);
	assert_int_equal(p->transforms[1].type, IKEv2_TRANS_INTEG);
	assert_int_equal(p->transforms[1].id, IKEv2_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(p->transforms[2].type, IKEv2_TRANS_PRF);
	assert_int_equal(p->transforms[2].id, IKEv2_PRF_HMAC_SHA2_256);
	assert_int_equal(p->transforms[3].type, IKEv2_TRANS_KE);
	assert_int_equal(p->transforms[3].id, IKEv2_KE_MODP2048);
	assert_false(p->transforms[0].unknown_attrs);

	const struct ike_payload *ke = ike_message_get(&msg, IKEv2_NP_KE);
	assert_int_equal(ke->u.ke.group, IKEv2_KE_MODP2048);
	assert_int_equal(ke->u.ke.data.len, 256);
	const struct ike_payload *ni = ike_message_get(&msg, IKEv2_NP_Ni);
	assert_int_equal(ni->u.nonce.data.len, 32);

	/* the index walks the five notifies in order */
	unsigned count = 0;
	for (const struct ike_payload *n = ike_message_get(&msg, IKEv2_NP_N); n != NULL;
	     n = ike_message_next(&msg, n))
		count++;
	assert_int_equal(count, 5);
	const struct ike_payload *sha = ike_message_get_notify(&msg, v2N_SIGNATURE_HASH_ALGORITHMS);
	assert_non_null(sha);
	assert_int_equal(sha->u.n.data.len, 8);
	assert_int_equal(sha->u.n.spi_size, 0);
	assert_null(ike_message_get_notify(&msg, v2N_COOKIE));
	assert_null(ike_message_get(&msg, IKEv2_NP_SK));
	assert_round_trip(pkt, len);
}

static void test_sa_init_x25519(void **state)
{
	uint8_t pkt[2048];
	size_t len = read_vector("strongswan-sa-init-req-aesgcm-x25519.bin", pkt, sizeof(pkt));
	decode_ok(pkt, len);
	const struct ike_proposal *p = &ike_message_get(&msg, IKEv2_NP_SA)->u.sa.proposals[0];
	assert_int_equal(p->nr_transforms, 4);
	assert_int_equal(p->transforms[0].id, IKEv2_ENCR_AES_GCM_16);
	assert_int_equal(p->transforms[0].keylen, 256);
	assert_int_equal(p->transforms[1].type, IKEv2_TRANS_PRF);
	assert_int_equal(p->transforms[1].id, IKEv2_PRF_HMAC_SHA2_512);
	assert_int_equal(p->transforms[2].id, IKEv2_KE_CURVE25519);
	assert_int_equal(p->transforms[3].id, IKEv2_KE_ECP_256);
	assert_int_equal(ike_message_get(&msg, IKEv2_NP_KE)->u.ke.group, IKEv2_KE_CURVE25519);
	assert_int_equal(ike_message_get(&msg, IKEv2_NP_KE)->u.ke.data.len, 32);
	assert_round_trip(pkt, len);

	len = read_vector("strongswan-sa-init-resp-aesgcm-x25519.bin", pkt, sizeof(pkt));
	decode_ok(pkt, len);
	assert_true(ike_header_is_response(&msg.hdr));
	assert_non_null(ike_message_get_notify(&msg, v2N_CHILDLESS_IKEV2_SUPPORTED));
	p = &ike_message_get(&msg, IKEv2_NP_SA)->u.sa.proposals[0];
	assert_int_equal(p->nr_transforms, 3);
	assert_round_trip(pkt, len);

	len = read_vector("strongswan-sa-init-resp-aes-sha256-modp2048.bin", pkt, sizeof(pkt));
	decode_ok(pkt, len);
	assert_round_trip(pkt, len);
}

static void test_ike_auth_sk_spans(void **state)
{
	uint8_t pkt[2048];
	size_t len = read_vector("strongswan-ike-auth-req-aes-sha256.bin", pkt, sizeof(pkt));
	decode_ok(pkt, len);
	assert_int_equal(msg.hdr.exchange, ISAKMP_v2_IKE_AUTH);
	assert_int_equal(msg.hdr.msgid, 1);
	assert_string_equal(payload_list(), "SK");
	const struct ike_payload *sk = ike_message_get(&msg, IKEv2_NP_SK);
	assert_int_equal(sk->u.sk.first_inner, IKEv2_NP_IDi);
	assert_ptr_equal(sk->u.sk.aad.ptr, pkt);
	assert_int_equal(sk->u.sk.aad.len, IKE_HEADER_SIZE + 4);
	/* AES-CBC: 16 byte IV; HMAC-SHA2-256-128: 16 byte ICV */
	struct ike_sk_spans s;
	diag_t d = ike_sk_spans(&sk->u.sk, 16, 16, &s);
	assert_null(d);
	assert_ptr_equal(s.iv.ptr, pkt + 32);
	assert_int_equal(s.ciphertext.len % 16, 0);
	assert_ptr_equal(s.icv.ptr + s.icv.len, pkt + len);
	d = ike_sk_spans(&sk->u.sk, 100, 100, &s);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "cannot hold"));
	diag_free(&d);
	assert_round_trip(pkt, len);

	len = read_vector("strongswan-ike-auth-resp-aesgcm.bin", pkt, sizeof(pkt));
	decode_ok(pkt, len);
	sk = ike_message_get(&msg, IKEv2_NP_SK);
	assert_int_equal(sk->u.sk.first_inner, IKEv2_NP_IDr);
	assert_round_trip(pkt, len);
}

/* a real IKE_AUTH: outer message + the SK plaintext decrypted offline */
static void check_inner_reencodes(const uint8_t *pkt, const uint8_t *plain, size_t plen,
				  unsigned first_inner_index)
{
	uint8_t out[2048];
	struct ike_builder b;
	ike_builder_init(&b, out, sizeof(out));
	ike_put_header(&b, &msg.hdr);
	ike_open_sk(&b, 16);
	for (unsigned i = first_inner_index; i < msg.nr_payloads; i++)
		ike_put_payload(&b, &msg.payloads[i]);
	struct ike_sk_spans s;
	ike_close_sk(&b, 16, 16, &s);
	size_t len;
	diag_t d = ike_builder_finish(&b, &len);
	assert_null(d);
	assert_int_equal(s.ciphertext.len % 16, 0);
	assert_memory_equal(s.ciphertext.ptr, plain, plen);
	assert_int_equal(out[16], pkt[16]);	/* header: SK */
	assert_int_equal(out[IKE_HEADER_SIZE], pkt[IKE_HEADER_SIZE]);	/* SK: first inner payload */
}

static void test_ike_auth_decrypted(void **state)
{
	uint8_t pkt[2048], plain[2048];
	size_t len = read_vector("strongswan-ike-auth-req-psk.bin", pkt, sizeof(pkt));
	size_t plen = read_vector("strongswan-ike-auth-req-psk.plain", plain, sizeof(plain));
	decode_ok(pkt, len);
	const struct ike_payload *sk = ike_message_get(&msg, IKEv2_NP_SK);
	struct ike_sk_spans s;
	assert_null(ike_sk_spans(&sk->u.sk, 16, 16, &s));
	assert_int_equal(s.ciphertext.len, plen);
	size_t payloads;
	assert_null(ike_sk_unpad(plain, plen, &payloads));
	assert_int_equal(plen - payloads, 8);
	struct ike_decode_fail fail;
	diag_t d = ike_message_decode_inner(&msg, plain, payloads, sk->u.sk.first_inner, &fail);
	if (d != NULL)
		fail_msg("inner: %s", diag_str(d));
	assert_string_equal(payload_list(),
			    "SK,IDi,N(INITIAL_CONTACT),IDr,AUTH,SA,TSi,TSr,N(MULTIPLE_AUTH_SUPPORTED),"
			    "N(EAP_ONLY_AUTHENTICATION),N(IKEV2_MESSAGE_ID_SYNC_SUPPORTED)");
	const struct ike_payload *p = ike_message_get(&msg, IKEv2_NP_IDi);
	assert_true(p->inner);
	assert_int_equal(p->u.id.type, IKEv2_ID_FQDN);
	assert_int_equal(p->u.id.data.len, 14);
	assert_memory_equal(p->u.id.data.ptr, "a.interop.test", 14);
	p = ike_message_get(&msg, IKEv2_NP_AUTH);
	assert_int_equal(p->u.auth.method, IKEv2_AUTH_PSK);
	assert_int_equal(p->u.auth.data.len, 32);
	p = ike_message_get(&msg, IKEv2_NP_SA);
	assert_int_equal(p->u.sa.proposals[0].protocol, IKEv2_PROTO_ESP);
	assert_int_equal(p->u.sa.proposals[0].spi_size, 4);
	assert_int_equal(p->u.sa.proposals[0].transforms[0].id, IKEv2_ENCR_AES_GCM_16);
	p = ike_message_get(&msg, IKEv2_NP_TSi);
	assert_int_equal(p->u.ts.nr_ts, 1);
	static const uint8_t lan_a[4] = { 10, 0, 1, 0 }, lan_a_end[4] = { 10, 0, 1, 255 };
	assert_memory_equal(p->u.ts.ts[0].start, lan_a, 4);
	assert_memory_equal(p->u.ts.ts[0].end, lan_a_end, 4);
	assert_int_equal(p->u.ts.ts[0].end_port, 65535);
	check_inner_reencodes(pkt, plain, payloads, 1);
	assert_round_trip(pkt, len);

	len = read_vector("strongswan-ike-auth-resp-no-proposal.bin", pkt, sizeof(pkt));
	plen = read_vector("strongswan-ike-auth-resp-no-proposal.plain", plain, sizeof(plain));
	decode_ok(pkt, len);
	sk = ike_message_get(&msg, IKEv2_NP_SK);
	assert_null(ike_sk_unpad(plain, plen, &payloads));
	d = ike_message_decode_inner(&msg, plain, payloads, sk->u.sk.first_inner, &fail);
	assert_null(d);
	assert_string_equal(payload_list(), "SK,IDr,AUTH,N(NO_PROPOSAL_CHOSEN)");
	assert_non_null(ike_message_get_notify(&msg, v2N_NO_PROPOSAL_CHOSEN));
	check_inner_reencodes(pkt, plain, payloads, 1);
}

/* ---- builder: every payload type, decoded back ---- */

static const uint8_t ISPI[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t RSPI[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };

static void start(struct ike_builder *b, uint8_t *buf, size_t size, uint8_t exchange)
{
	struct ike_header h = { .major = 2, .exchange = exchange,
				.flags = IKEv2_FLAG_INITIATOR, .msgid = 7 };
	memcpy(h.ispi, ISPI, 8);
	memcpy(h.rspi, RSPI, 8);
	ike_builder_init(b, buf, size);
	ike_put_header(b, &h);
}

static void put_typed(struct ike_builder *b, uint8_t type, struct ike_payload p)
{
	p.type = type;
	p.known = true;
	ike_put_payload(b, &p);
}

static void test_builder_all_payloads(void **state)
{
	uint8_t buf[4096];
	struct ike_builder b;
	start(&b, buf, sizeof(buf), ISAKMP_v2_IKE_AUTH);

	struct ike_transform t1[] = {
		{ .type = IKEv2_TRANS_ENCR, .id = IKEv2_ENCR_AES_GCM_16, .keylen = 256 },
		{ .type = IKEv2_TRANS_ENCR, .id = IKEv2_ENCR_AES_GCM_16, .keylen = 128 },
		{ .type = IKEv2_TRANS_ESN, .id = IKEv2_ESN_NO },
	};
	struct ike_transform t2[] = {
		{ .type = IKEv2_TRANS_ENCR, .id = IKEv2_ENCR_CHACHA20_POLY1305 },
		{ .type = IKEv2_TRANS_ESN, .id = IKEv2_ESN_YES },
	};
	struct ike_proposal props[] = {
		{ .number = 1, .protocol = IKEv2_PROTO_ESP, .spi_size = 4, .spi = { 0xc0, 1, 2, 3 },
		  .nr_transforms = 3, .transforms = t1 },
		{ .number = 2, .protocol = IKEv2_PROTO_ESP, .spi_size = 4, .spi = { 0xc0, 1, 2, 3 },
		  .nr_transforms = 2, .transforms = t2 },
	};
	static const uint8_t fqdn[] = "east.example";
	static const uint8_t authdata[32] = { 0xaa };
	struct ike_ts ts4[] = {
		{ .type = IKEv2_TS_IPV4_ADDR_RANGE, .ipproto = 0, .start_port = 0, .end_port = 65535,
		  .addr_len = 4, .start = { 10, 0, 1, 0 }, .end = { 10, 0, 1, 255 } },
	};
	struct ike_ts ts6[] = {
		{ .type = IKEv2_TS_IPV6_ADDR_RANGE, .ipproto = 6, .start_port = 22, .end_port = 22,
		  .addr_len = 16, .start = { 0x20, 0x01, 0x0d, 0xb8 },
		  .end = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xff } },
		{ .type = IKEv2_TS_IPV4_ADDR_RANGE, .ipproto = 17, .start_port = 1701, .end_port = 1701,
		  .addr_len = 4, .start = { 192, 0, 2, 1 }, .end = { 192, 0, 2, 1 } },
	};
	static const uint8_t addr4[] = { 10, 0, 3, 1 };
	struct ike_cp_attr cpa[] = {
		{ .type = 1 /* INTERNAL_IP4_ADDRESS */, .value = { addr4, 4 } },
		{ .type = 3 /* INTERNAL_IP4_DNS */, .value = { NULL, 0 } },
	};
	static const uint8_t eap[] = { 2, 7, 0, 9, 1, 'r', 'o', 'a', 'd' };
	static const uint8_t cert[] = { 0x30, 0x82, 0x01, 0x00 };
	static const uint8_t spis[] = { 0xc0, 0, 0, 1, 0xc0, 0, 0, 2 };
	static const uint8_t unknown_body[] = { 1, 2, 3 };

	put_typed(&b, IKEv2_NP_IDi, (struct ike_payload){ .u.id = { .type = IKEv2_ID_FQDN,
		.data = { fqdn, sizeof(fqdn) - 1 } } });
	put_typed(&b, IKEv2_NP_CERT, (struct ike_payload){ .u.cert = { .encoding = IKEv2_CERT_X509_SIGNATURE,
		.data = { cert, sizeof(cert) } } });
	put_typed(&b, IKEv2_NP_CERTREQ, (struct ike_payload){ .u.cert = { .encoding = IKEv2_CERT_X509_SIGNATURE } });
	put_typed(&b, IKEv2_NP_AUTH, (struct ike_payload){ .u.auth = { .method = IKEv2_AUTH_PSK,
		.data = { authdata, sizeof(authdata) } } });
	put_typed(&b, IKEv2_NP_CP, (struct ike_payload){ .u.cp = { .type = IKEv2_CP_REQUEST,
		.nr_attrs = 2, .attrs = cpa } });
	put_typed(&b, IKEv2_NP_SA, (struct ike_payload){ .u.sa = { .nr_proposals = 2, .proposals = props } });
	put_typed(&b, IKEv2_NP_TSi, (struct ike_payload){ .u.ts = { .nr_ts = 1, .ts = ts4 } });
	put_typed(&b, IKEv2_NP_TSr, (struct ike_payload){ .u.ts = { .nr_ts = 2, .ts = ts6 } });
	put_typed(&b, IKEv2_NP_EAP, (struct ike_payload){ .u.eap = { .message = { eap, sizeof(eap) } } });
	put_typed(&b, IKEv2_NP_D, (struct ike_payload){ .u.d = { .protocol = IKEv2_PROTO_ESP,
		.spi_size = 4, .nr_spis = 2, .spis = { spis, sizeof(spis) } } });
	ike_put_notify(&b, IKEv2_PROTO_ESP, spis, 4, v2N_REKEY_SA, NULL, 0);
	ike_put_notify(&b, 0, NULL, 0, v2N_USE_TRANSPORT_MODE, NULL, 0);
	ike_put_raw_payload(&b, 200, unknown_body, sizeof(unknown_body));	/* non-critical, unknown */
	ike_put_raw_payload(&b, IKEv2_NP_V, (const uint8_t *)"tern", 4);
	size_t len = 0;
	diag_t d = ike_builder_finish(&b, &len);
	assert_null(d);

	decode_ok(buf, len);
	assert_int_equal(msg.hdr.length, len);
	assert_int_equal(msg.hdr.msgid, 7);
	assert_memory_equal(msg.hdr.rspi, RSPI, 8);
	assert_string_equal(payload_list(),
			    "IDi,CERT,CERTREQ,AUTH,CP,SA,TSi,TSr,EAP,D,N(REKEY_SA),N(USE_TRANSPORT_MODE),PAYLOAD_200,V");
	const struct ike_payload *p = ike_message_get(&msg, IKEv2_NP_IDi);
	assert_int_equal(p->u.id.type, IKEv2_ID_FQDN);
	assert_int_equal(p->u.id.data.len, 12);
	assert_memory_equal(p->u.id.data.ptr, "east.example", 12);
	p = ike_message_get(&msg, IKEv2_NP_SA);
	assert_int_equal(p->u.sa.nr_proposals, 2);
	assert_int_equal(p->u.sa.proposals[0].transforms[1].keylen, 128);
	assert_int_equal(p->u.sa.proposals[1].transforms[0].keylen, 0);
	assert_int_equal(p->u.sa.proposals[1].spi[0], 0xc0);
	p = ike_message_get(&msg, IKEv2_NP_TSr);
	assert_int_equal(p->u.ts.nr_ts, 2);
	assert_int_equal(p->u.ts.ts[0].addr_len, 16);
	assert_int_equal(p->u.ts.ts[0].ipproto, 6);
	assert_int_equal(p->u.ts.ts[0].end[15], 0xff);
	assert_int_equal(p->u.ts.ts[1].start_port, 1701);
	p = ike_message_get(&msg, IKEv2_NP_CP);
	assert_int_equal(p->u.cp.type, IKEv2_CP_REQUEST);
	assert_int_equal(p->u.cp.nr_attrs, 2);
	assert_int_equal(p->u.cp.attrs[0].type, 1);
	assert_int_equal(p->u.cp.attrs[1].value.len, 0);
	p = ike_message_get(&msg, IKEv2_NP_EAP);
	assert_int_equal(p->u.eap.code, 2);
	assert_int_equal(p->u.eap.identifier, 7);
	assert_int_equal(p->u.eap.type, 1);
	p = ike_message_get(&msg, IKEv2_NP_D);
	assert_int_equal(p->u.d.nr_spis, 2);
	p = ike_message_get_notify(&msg, v2N_REKEY_SA);
	assert_int_equal(p->u.n.protocol, IKEv2_PROTO_ESP);
	assert_int_equal(p->u.n.spi.len, 4);
	p = ike_message_get(&msg, 200);
	assert_false(p->known);
	assert_int_equal(p->u.raw.len, 3);
	p = ike_message_get(&msg, IKEv2_NP_CERTREQ);
	assert_int_equal(p->u.cert.data.len, 0);
	assert_round_trip(buf, len);
}

static void test_builder_sk(void **state)
{
	uint8_t buf[1024];
	struct ike_builder b;
	start(&b, buf, sizeof(buf), ISAKMP_v2_INFORMATIONAL);
	ike_open_sk(&b, 16);
	static const uint8_t spi[] = { 0xc0, 0, 0, 1 };
	put_typed(&b, IKEv2_NP_D, (struct ike_payload){ .u.d = { .protocol = IKEv2_PROTO_ESP,
		.spi_size = 4, .nr_spis = 1, .spis = { spi, 4 } } });
	ike_put_notify(&b, 0, NULL, 0, v2N_INITIAL_CONTACT, NULL, 0);
	struct ike_sk_spans s;
	ike_close_sk(&b, 16, 12, &s);
	size_t len;
	diag_t d = ike_builder_finish(&b, &len);
	assert_null(d);
	/* plaintext: D (4+8) + N (4+4) = 20; padded to 32 with pad length 11 */
	assert_int_equal(s.ciphertext.len, 32);
	assert_int_equal(s.ciphertext.ptr[31], 11);
	assert_int_equal(s.iv.len, 16);
	assert_int_equal(s.icv.len, 12);
	assert_int_equal(s.aad.len, IKE_HEADER_SIZE + 4);
	assert_int_equal(len, IKE_HEADER_SIZE + 4 + 16 + 32 + 12);
	assert_ptr_equal(s.icv.ptr + 12, buf + len);

	decode_ok(buf, len);
	assert_string_equal(payload_list(), "SK");
	const struct ike_payload *sk = ike_message_get(&msg, IKEv2_NP_SK);
	assert_int_equal(sk->u.sk.first_inner, IKEv2_NP_D);
	struct ike_sk_spans s2;
	d = ike_sk_spans(&sk->u.sk, 16, 12, &s2);
	assert_null(d);
	assert_ptr_equal(s2.ciphertext.ptr, s.ciphertext.ptr);
	size_t plen;
	d = ike_sk_unpad(s2.ciphertext.ptr, s2.ciphertext.len, &plen);
	assert_null(d);
	assert_int_equal(plen, 20);
	struct ike_decode_fail fail;
	d = ike_message_decode_inner(&msg, s2.ciphertext.ptr, plen, sk->u.sk.first_inner, &fail);
	assert_null(d);
	assert_string_equal(payload_list(), "SK,D,N(INITIAL_CONTACT)");
	assert_true(ike_message_get(&msg, IKEv2_NP_D)->inner);
	assert_round_trip(buf, len);	/* inner payloads are not re-encoded outside */

	/* a bad inner chain leaves the message as it was */
	static const uint8_t bad_inner[] = { 0, 0, 0, 3 };
	d = ike_message_decode_inner(&msg, bad_inner, sizeof(bad_inner), IKEv2_NP_V, &fail);
	assert_non_null(d);
	assert_int_equal(fail.notify, v2N_INVALID_SYNTAX);
	assert_non_null(strstr(diag_str(d), "encrypted V payload at offset 2: payload length 3 is not within 4..4"));
	diag_free(&d);
	assert_string_equal(payload_list(), "SK,D,N(INITIAL_CONTACT)");
	/* SK inside SK */
	static const uint8_t sk_inner[] = { 0, 0, 0, 4 };
	d = ike_message_decode_inner(&msg, sk_inner, sizeof(sk_inner), IKEv2_NP_SK, &fail);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "encrypted payload inside an encrypted payload"));
	diag_free(&d);
	/* pad length larger than the plaintext */
	static const uint8_t badpad[] = { 1, 2, 5 };
	d = ike_sk_unpad(badpad, sizeof(badpad), &plen);
	assert_non_null(d);
	diag_free(&d);
}

static void test_builder_too_small(void **state)
{
	uint8_t buf[40];
	struct ike_builder b;
	start(&b, buf, sizeof(buf), ISAKMP_v2_IKE_SA_INIT);
	static const uint8_t nonce[32];
	ike_put_raw_payload(&b, IKEv2_NP_Ni, nonce, sizeof(nonce));
	ike_put_raw_payload(&b, IKEv2_NP_V, nonce, 4);	/* ignored: error is sticky */
	size_t len = 12345;
	diag_t d = ike_builder_finish(&b, &len);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "no room for a payload (32 bytes needed, 8 of 40 left)"));
	assert_int_equal(len, 12345);
	diag_free(&d);

	/* payload before header; SK misuse */
	ike_builder_init(&b, buf, sizeof(buf));
	ike_put_raw_payload(&b, IKEv2_NP_V, nonce, 4);
	d = ike_builder_finish(&b, &len);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "before the header"));
	diag_free(&d);
	uint8_t big[256];
	start(&b, big, sizeof(big), ISAKMP_v2_INFORMATIONAL);
	ike_open_sk(&b, 8);
	d = ike_builder_finish(&b, &len);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "still open"));
	diag_free(&d);
	/* nothing may follow SK */
	start(&b, big, sizeof(big), ISAKMP_v2_INFORMATIONAL);
	ike_open_sk(&b, 8);
	struct ike_sk_spans s;
	ike_close_sk(&b, 16, 16, &s);
	ike_put_raw_payload(&b, IKEv2_NP_V, nonce, 4);
	d = ike_builder_finish(&b, &len);
	assert_non_null(d);
	diag_free(&d);
	/* an empty SK (liveness check): just the pad length byte */
	start(&b, big, sizeof(big), ISAKMP_v2_INFORMATIONAL);
	ike_open_sk(&b, 8);
	ike_close_sk(&b, 1, 16, &s);
	d = ike_builder_finish(&b, &len);
	assert_null(d);
	assert_int_equal(len, IKE_HEADER_SIZE + 4 + 8 + 1 + 16);
	assert_int_equal(big[IKE_HEADER_SIZE], IKEv2_NP_NONE);
	decode_ok(big, len);
	assert_int_equal(ike_message_get(&msg, IKEv2_NP_SK)->u.sk.first_inner, 0);
}

/* ---- rejects: one payload body (or header mutation) per case ---- */

struct reject {
	const char *name;
	uint8_t type;
	uint8_t flags;
	const char *body;	/* hex */
	uint16_t notify;
	const char *what;	/* substring of the diag */
};

#define SYN v2N_INVALID_SYNTAX
/* transform: last(1) res(1) len(2) type(1) res(1) id(2) */
#define T_ENC256 "0000000c" "01000014" "800e0100"
static const struct reject rejects[] = {
	/* SA */
	{ "SA empty", IKEv2_NP_SA, 0, "", SYN, "no proposals" },
	{ "SA proposal truncated", IKEv2_NP_SA, 0, "00000008010100", SYN, "proposal header needs 8 bytes, 7 left" },
	{ "SA proposal length < 8", IKEv2_NP_SA, 0, "0000000701010001", SYN, "proposal 1 length 7 is not within 8..8" },
	{ "SA proposal length > payload", IKEv2_NP_SA, 0, "0000001501010001" T_ENC256, SYN, "length 21 is not within 8..20" },
	{ "SA last substructure 1", IKEv2_NP_SA, 0, "0100001401010001" T_ENC256, SYN, "last substructure value 1 is neither 0 nor 2" },
	{ "SA last 0 but more follow", IKEv2_NP_SA, 0, "0000001401010001" T_ENC256 "0000001402010001" T_ENC256, SYN, "claims to be the last but 20 bytes follow" },
	{ "SA last 2 but none follow", IKEv2_NP_SA, 0, "0200001401010001" T_ENC256, SYN, "claims more proposals follow" },
	{ "SA first proposal number 0", IKEv2_NP_SA, 0, "0000001400010001" T_ENC256, SYN, "proposal number 0 should be 1" },
	{ "SA proposal numbers skip", IKEv2_NP_SA, 0, "0200001401010001" T_ENC256 "0000001403010001" T_ENC256, SYN, "proposal number 3 should be 2" },
	{ "SA IKE SPI size 4", IKEv2_NP_SA, 0, "0000001801010401" "01020304" T_ENC256, SYN, "IKE SPI size 4 is neither 0 nor 8" },
	{ "SA ESP SPI size 0", IKEv2_NP_SA, 0, "0000001401030001" T_ENC256, SYN, "ESP SPI size 0 is not 4" },
	{ "SA ESP SPI size 8", IKEv2_NP_SA, 0, "0000001c01030801" "0102030405060708" T_ENC256, SYN, "ESP SPI size 8 is not 4" },
	{ "SA unknown protocol", IKEv2_NP_SA, 0, "0000001401090001" T_ENC256, SYN, "unknown protocol ID 9" },
	{ "SA proposal without transforms", IKEv2_NP_SA, 0, "0000000801010000", SYN, "proposal 1 has no transforms" },
	{ "SA SPI larger than proposal", IKEv2_NP_SA, 0, "0000000c01010801" "01020304", SYN, "length 12 is not within 16..12" },
	{ "SA transform count too high", IKEv2_NP_SA, 0, "0000001401010002" "0300000c01000014" "800e0100", SYN, "transform 2: header needs 8 bytes, 0 left" },
	{ "SA transform count vs last", IKEv2_NP_SA, 0, "0000001401010002" T_ENC256, SYN, "transform 1 of 2: last substructure value 0 should be 3" },
	{ "SA transform count too low", IKEv2_NP_SA, 0, "0000001801010001" "0300000801000014" "0000000803000002", SYN, "transform 1 of 1: last substructure value 3 should be 0" },
	{ "SA bytes after transforms", IKEv2_NP_SA, 0, "0000001801010001" T_ENC256 "00000000", SYN, "4 bytes after its 1 transforms" },
	{ "SA transform length < 8", IKEv2_NP_SA, 0, "0000001401010001" "0000000701000014" "800e0100", SYN, "transform 1: length 7 is not within 8..12" },
	{ "SA transform length > proposal", IKEv2_NP_SA, 0, "0000001401010001" "0000000d01000014" "800e0100", SYN, "transform 1: length 13 is not within 8..12" },
	{ "SA transform last 3 on last", IKEv2_NP_SA, 0, "0000001401010001" "0300000c01000014" "800e0100", SYN, "last substructure value 3 should be 0" },
	{ "SA transform last 0 before more", IKEv2_NP_SA, 0, "0000001c01010002" "0000000c01000014" "800e0100" "0000000803000002", SYN, "transform 1 of 2: last substructure value 0 should be 3" },
	{ "SA Key Length as TLV", IKEv2_NP_SA, 0, "0000001601010001" "0000000e01000014" "000e00020100", SYN, "Key Length attribute must use the TV format" },
	{ "SA duplicate Key Length", IKEv2_NP_SA, 0, "0000001801010001" "0000001001000014" "800e0100800e0080", SYN, "duplicate Key Length attribute" },
	{ "SA Key Length 0", IKEv2_NP_SA, 0, "0000001401010001" "0000000c01000014" "800e0000", SYN, "Key Length 0" },
	{ "SA attribute truncated", IKEv2_NP_SA, 0, "0000001201010001" "0000000a01000014" "800e", SYN, "attribute header needs 4 bytes, 2 left" },
	{ "SA TLV attribute too long", IKEv2_NP_SA, 0, "0000001501010001" "0000000d01000014" "0001000501", SYN, "attribute length 5 exceeds the 1 bytes left" },
	/* KE */
	{ "KE 3 bytes", IKEv2_NP_KE, 0, "001300", SYN, "body needs at least 5 bytes" },
	{ "KE without data", IKEv2_NP_KE, 0, "00130000", SYN, "body needs at least 5 bytes" },
	/* Nonce */
	{ "Nonce 15 bytes", IKEv2_NP_Ni, 0, "000102030405060708090a0b0c0d0e", SYN, "nonce length 15 is not within 16..256" },
	/* ID */
	{ "IDi 3 bytes", IKEv2_NP_IDi, 0, "010000", SYN, "body needs 4 bytes, has 3" },
	{ "IDi IPv4 5 bytes", IKEv2_NP_IDi, 0, "01000000c000020101", SYN, "ID_IPV4_ADDR data is 5 bytes, not 4" },
	{ "IDr IPv6 4 bytes", IKEv2_NP_IDr, 0, "05000000c0000201", SYN, "ID_IPV6_ADDR data is 4 bytes, not 16" },
	{ "IDi empty FQDN", IKEv2_NP_IDi, 0, "02000000", SYN, "empty ID_FQDN data" },
	/* AUTH */
	{ "AUTH without data", IKEv2_NP_AUTH, 0, "02000000", SYN, "body needs at least 5 bytes" },
	/* N */
	{ "N 3 bytes", IKEv2_NP_N, 0, "000040", SYN, "body needs 4 bytes, has 3" },
	{ "N SPI size 3", IKEv2_NP_N, 0, "03034009010203", SYN, "SPI size 3 is not 0, 4 or 8" },
	{ "N SPI beyond payload", IKEv2_NP_N, 0, "0304400901", SYN, "SPI size 4 exceeds the 1 bytes left" },
	/* D */
	{ "D 3 bytes", IKEv2_NP_D, 0, "010000", SYN, "body needs 4 bytes" },
	{ "D IKE with SPI size", IKEv2_NP_D, 0, "01040001c0000001", SYN, "IKE SA delete with SPI size 4 and 1 SPIs" },
	{ "D ESP SPI size 8", IKEv2_NP_D, 0, "030800010102030405060708", SYN, "ESP delete with SPI size 8" },
	{ "D ESP count vs length", IKEv2_NP_D, 0, "03040002c0000001", SYN, "2 SPIs of 4 bytes need 8 bytes, the payload has 4" },
	{ "D ESP trailing bytes", IKEv2_NP_D, 0, "03040001c000000100", SYN, "1 SPIs of 4 bytes need 4 bytes, the payload has 5" },
	{ "D unknown protocol", IKEv2_NP_D, 0, "07000000", SYN, "unknown protocol ID 7" },
	/* TS */
	{ "TS 3 bytes", IKEv2_NP_TSi, 0, "010000", SYN, "body needs 4 bytes" },
	{ "TS count 0", IKEv2_NP_TSi, 0, "00000000", SYN, "number of traffic selectors is 0" },
	{ "TS IPv4 length 15", IKEv2_NP_TSi, 0, "01000000" "0700000f0000ffff0a0000000a0000", SYN, "TS_IPV4_ADDR_RANGE length 15 should be 16" },
	{ "TS IPv6 length 16", IKEv2_NP_TSr, 0, "01000000" "080000100000ffff0a0000000a0000ff", SYN, "TS_IPV6_ADDR_RANGE length 16 should be 40" },
	{ "TS truncated", IKEv2_NP_TSi, 0, "01000000" "070000100000ffff0a000000", SYN, "length 16 is not within 4..12" },
	{ "TS count too high", IKEv2_NP_TSi, 0, "02000000" "070000100000ffff0a0000000a0000ff", SYN, "traffic selector 2 of 2: header needs 4 bytes, 0 left" },
	{ "TS count too low", IKEv2_NP_TSi, 0, "01000000" "070000100000ffff0a0000000a0000ff" "07000010", SYN, "4 bytes after the 1 traffic selectors" },
	{ "TS unknown type length 3", IKEv2_NP_TSi, 0, "01000000" "0a000003", SYN, "length 3 is not within 4..4" },
	/* SKF */
	{ "SKF 3 bytes", IKEv2_NP_SKF, 0, "000100", SYN, "body needs 4 bytes" },
	{ "SKF number 0", IKEv2_NP_SKF, 0, "00000002aabb", SYN, "fragment number 0 of 2 is invalid" },
	{ "SKF number > total", IKEv2_NP_SKF, 0, "00030002aabb", SYN, "fragment number 3 of 2 is invalid" },
	/* CP */
	{ "CP 3 bytes", IKEv2_NP_CP, 0, "010000", SYN, "body needs 4 bytes" },
	{ "CP attribute truncated", IKEv2_NP_CP, 0, "01000000" "0001", SYN, "attribute header needs 4 bytes, 2 left" },
	{ "CP attribute too long", IKEv2_NP_CP, 0, "01000000" "00010004c000", SYN, "attribute 1 length 4 exceeds the 2 bytes left" },
	/* EAP */
	{ "EAP 3 bytes", IKEv2_NP_EAP, 0, "010100", SYN, "EAP header needs 4 bytes" },
	{ "EAP length mismatch", IKEv2_NP_EAP, 0, "0101000901", SYN, "EAP length 9 does not match the payload's 5 bytes" },
	{ "EAP request without type", IKEv2_NP_EAP, 0, "01010004", SYN, "EAP Request without a type" },
	{ "EAP success too long", IKEv2_NP_EAP, 0, "0301000500", SYN, "EAP Success must be 4 bytes" },
	{ "EAP unknown code", IKEv2_NP_EAP, 0, "05010004", SYN, "unknown EAP code 5" },
	/* CERT */
	{ "CERT without data", IKEv2_NP_CERT, 0, "04", SYN, "certificate body of 1 bytes is too short" },
	{ "CERTREQ empty", IKEv2_NP_CERTREQ, 0, "", SYN, "certificate request body of 0 bytes is too short" },
	/* unknown critical payload */
	{ "unknown critical", 99, IKE_PAYLOAD_CRITICAL, "0102", v2N_UNSUPPORTED_CRITICAL_PAYLOAD, "PAYLOAD_99 payload at offset 28: unsupported payload type 99 has the critical bit set" },
};

static size_t unhex(const char *hex, uint8_t *out, size_t size)
{
	size_t n = strlen(hex) / 2;
	assert_true(n <= size);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static size_t build_one(uint8_t *buf, size_t size, uint8_t type, uint8_t flags,
			const uint8_t *body, size_t blen)
{
	struct ike_builder b;
	start(&b, buf, size, ISAKMP_v2_IKE_SA_INIT);
	struct ike_payload p = { .type = type, .flags = flags, .known = false,
				 .u.raw = { body, blen } };
	ike_put_payload(&b, &p);
	size_t len;
	diag_t d = ike_builder_finish(&b, &len);
	assert_null(d);
	return len;
}

static void expect_reject(const uint8_t *pkt, size_t len, uint16_t notify, const char *what,
			  const char *name)
{
	struct ike_decode_fail fail = { .notify = 0xffff };
	diag_t d = ike_message_decode(pkt, len, &msg, &fail);
	if (d == NULL)
		fail_msg("%s: decoded", name);
	if (strstr(diag_str(d), what) == NULL)
		fail_msg("%s: '%s' lacks '%s'", name, diag_str(d), what);
	if (fail.notify != notify)
		fail_msg("%s: notify %u, expected %u", name, fail.notify, notify);
	diag_free(&d);
}

static void test_rejects(void **state)
{
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		const struct reject *r = &rejects[i];
		uint8_t body[512], pkt[1024];
		size_t blen = unhex(r->body, body, sizeof(body));
		size_t len = build_one(pkt, sizeof(pkt), r->type, r->flags, body, blen);
		expect_reject(pkt, len, r->notify, r->what, r->name);
	}
	/* nonce bounds: 16 and 256 accepted, 257 rejected */
	{
		static uint8_t nonce[257], npkt[512];
		size_t n = build_one(npkt, sizeof(npkt), IKEv2_NP_Ni, 0, nonce, 256);
		decode_ok(npkt, n);
		n = build_one(npkt, sizeof(npkt), IKEv2_NP_Ni, 0, nonce, 16);
		decode_ok(npkt, n);
		n = build_one(npkt, sizeof(npkt), IKEv2_NP_Ni, 0, nonce, 257);
		expect_reject(npkt, n, SYN, "Ni payload at offset 32: nonce length 257 is not within 16..256", "nonce 257");
	}
	/* the unsupported critical payload is named for the notify */
	uint8_t pkt[64];
	static const uint8_t two[] = { 1, 2 };
	size_t len = build_one(pkt, sizeof(pkt), 99, IKE_PAYLOAD_CRITICAL, two, 2);
	struct ike_decode_fail fail;
	diag_t d = ike_message_decode(pkt, len, &msg, &fail);
	assert_non_null(d);
	assert_int_equal(fail.payload_type, 99);
	assert_int_equal(fail.offset, 28);
	diag_free(&d);
	/* the same payload without the critical bit is skipped; the critical
	 * bit on a known payload is ignored */
	len = build_one(pkt, sizeof(pkt), 99, 0, two, 2);
	decode_ok(pkt, len);
	assert_false(msg.payloads[0].known);
	assert_round_trip(pkt, len);
	static const uint8_t vid[] = { 1, 2, 3, 4 };
	len = build_one(pkt, sizeof(pkt), IKEv2_NP_V, IKE_PAYLOAD_CRITICAL | 0x01, vid, 4);
	decode_ok(pkt, len);
	assert_true(msg.payloads[0].known);
	assert_int_equal(msg.payloads[0].flags, 0x81);
	assert_round_trip(pkt, len);	/* reserved bits survive re-encoding */
}

static void test_header_rejects(void **state)
{
	uint8_t good[2048];
	size_t len = read_vector("strongswan-sa-init-req-aes-sha256-modp2048.bin", good, sizeof(good));
	uint8_t pkt[2048];

	expect_reject(good, 27, 0, "message of 27 bytes is shorter than the 28 byte header", "short");
	memcpy(pkt, good, len);
	pkt[17] = 0x10;
	expect_reject(pkt, len, v2N_INVALID_MAJOR_VERSION, "major version 1 is not 2 (an IKEv1 message)", "IKEv1");
	pkt[17] = 0x30;
	expect_reject(pkt, len, v2N_INVALID_MAJOR_VERSION, "major version 3 is not 2", "major 3");
	/* minor versions are accepted */
	pkt[17] = 0x21;
	decode_ok(pkt, len);
	assert_int_equal(msg.hdr.minor, 1);
	assert_round_trip(pkt, len);
	/* length field vs datagram */
	expect_reject(good, len - 1, SYN, "length field 464 does not match the 463 bytes received", "datagram short");
	memcpy(pkt, good, len);
	pkt[len] = 0;
	expect_reject(pkt, len + 1, SYN, "does not match the 465 bytes received", "datagram long");
	/* first payload (SA) length 3 and too large */
	memcpy(pkt, good, len);
	pkt[30] = 0; pkt[31] = 3;
	expect_reject(pkt, len, SYN, "SA payload at offset 30: payload length 3 is not within 4..436", "SA len 3");
	pkt[30] = 0x01; pkt[31] = 0xb5;
	expect_reject(pkt, len, SYN, "payload length 437 is not within 4..436", "SA len 437");
	/* last payload claims a successor that is not there */
	memcpy(pkt, good, len);
	pkt[len - 8] = IKEv2_NP_V;	/* the last N payload's Next Payload */
	expect_reject(pkt, len, SYN, "V payload at offset 464: no room for the generic payload header", "missing next");
	/* trailing bytes after the chain: set the header's next payload to NONE */
	memcpy(pkt, good, len);
	pkt[16] = 0;
	expect_reject(pkt, len, SYN, "436 bytes after the last payload", "trailing");

	/* duplicates where forbidden */
	static const uint8_t ke[] = { 0, 19, 0, 0, 1, 2, 3, 4 };
	static const uint8_t nonce[16];
	static const uint8_t id[] = { 2, 0, 0, 0, 'a' };
	static const uint8_t auth[] = { 2, 0, 0, 0, 'a' };
	static const uint8_t ts[] = { 1, 0, 0, 0, 7, 0, 0, 16, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 255, 255, 255, 255 };
	static const struct { uint8_t type; const uint8_t *body; size_t len; } dups[] = {
		{ IKEv2_NP_KE, ke, sizeof(ke) }, { IKEv2_NP_Ni, nonce, sizeof(nonce) },
		{ IKEv2_NP_IDi, id, sizeof(id) }, { IKEv2_NP_IDr, id, sizeof(id) },
		{ IKEv2_NP_AUTH, auth, sizeof(auth) }, { IKEv2_NP_TSi, ts, sizeof(ts) },
		{ IKEv2_NP_TSr, ts, sizeof(ts) },
	};
	for (size_t i = 0; i < sizeof(dups) / sizeof(dups[0]); i++) {
		struct ike_builder b;
		start(&b, pkt, sizeof(pkt), ISAKMP_v2_IKE_AUTH);
		ike_put_raw_payload(&b, dups[i].type, dups[i].body, dups[i].len);
		ike_put_raw_payload(&b, dups[i].type, dups[i].body, dups[i].len);
		size_t n;
		assert_null(ike_builder_finish(&b, &n));
		char what[64];
		snprintf(what, sizeof(what), "duplicate %s payload", ike_payload_name(dups[i].type));
		expect_reject(pkt, n, SYN, what, what);
		/* once is fine */
		start(&b, pkt, sizeof(pkt), ISAKMP_v2_IKE_AUTH);
		ike_put_raw_payload(&b, dups[i].type, dups[i].body, dups[i].len);
		assert_null(ike_builder_finish(&b, &n));
		decode_ok(pkt, n);
	}
	/* duplicate SA: take the captured message and point its last N at a copy of SA */
	{
		struct ike_builder b;
		start(&b, pkt, sizeof(pkt), ISAKMP_v2_IKE_SA_INIT);
		decode_ok(good, len);
		const struct ike_payload *sa = ike_message_get(&msg, IKEv2_NP_SA);
		struct ike_payload copy = *sa;
		ike_put_payload(&b, &copy);
		ike_put_payload(&b, &copy);
		size_t n;
		assert_null(ike_builder_finish(&b, &n));
		expect_reject(pkt, n, SYN, "duplicate SA payload", "dup SA");
	}
	/* SK not last */
	{
		static const uint8_t body[] = { 1, 2, 3, 4 };
		uint8_t raw[64];
		struct ike_builder b;
		start(&b, raw, sizeof(raw), ISAKMP_v2_INFORMATIONAL);
		ike_put_raw_payload(&b, IKEv2_NP_SK, body, 4);
		size_t n;
		assert_null(ike_builder_finish(&b, &n));
		/* append a V payload after SK, chaining it through the length */
		raw[n++] = 0; raw[n++] = 0; raw[n++] = 0; raw[n++] = 4;
		raw[27] = (uint8_t)n;
		expect_reject(raw, n, SYN, "4 bytes after the SK payload, which must be last", "SK not last");
	}
	/* more than IKE_MAX_PAYLOADS payloads */
	{
		struct ike_builder b;
		start(&b, pkt, sizeof(pkt), ISAKMP_v2_INFORMATIONAL);
		for (int i = 0; i <= IKE_MAX_PAYLOADS; i++)
			ike_put_raw_payload(&b, IKEv2_NP_V, NULL, 0);
		size_t n;
		assert_null(ike_builder_finish(&b, &n));
		expect_reject(pkt, n, SYN, "more than 64 payloads", "too many");
	}
}

static void test_libreswan_messages(void **state)
{
	uint8_t pkt[2048];
	size_t len = read_vector("libreswan-sa-init-req-2proposals.bin", pkt, sizeof(pkt));
	decode_ok(pkt, len);
	assert_string_equal(payload_list(),
			    "SA,KE,Ni,N(IKEV2_FRAGMENTATION_SUPPORTED),N(NAT_DETECTION_SOURCE_IP),"
			    "N(NAT_DETECTION_DESTINATION_IP)");
	const struct ike_sa_payload *sa = &ike_message_get(&msg, IKEv2_NP_SA)->u.sa;
	assert_int_equal(sa->nr_proposals, 2);
	assert_int_equal(sa->proposals[1].number, 2);
	assert_int_equal(sa->proposals[1].transforms[0].id, IKEv2_ENCR_AES_CBC);
	assert_int_equal(ike_message_get(&msg, IKEv2_NP_KE)->u.ke.group, IKEv2_KE_ECP_256);
	assert_int_equal(ike_message_get(&msg, IKEv2_NP_KE)->u.ke.data.len, 64);
	assert_round_trip(pkt, len);

	len = read_vector("strongswan-sa-init-resp-to-libreswan.bin", pkt, sizeof(pkt));
	decode_ok(pkt, len);
	assert_round_trip(pkt, len);

	/* IKE_AUTH as it arrived on UDP 4500 */
	len = read_vector("libreswan-ike-auth-req-udp4500.bin", pkt, sizeof(pkt));
	const uint8_t *ike = pkt;
	size_t ike_len = len;
	expect_reject(pkt, len, v2N_INVALID_MAJOR_VERSION, "major version", "marker not stripped");
	assert_int_equal(ike_udp4500_classify(&ike, &ike_len), IKE_UDP4500_IKE);
	assert_int_equal(ike_len, len - 4);
	decode_ok(ike, ike_len);
	assert_int_equal(msg.hdr.exchange, ISAKMP_v2_IKE_AUTH);
	assert_string_equal(payload_list(), "SK");
	assert_int_equal(ike_message_get(&msg, IKEv2_NP_SK)->u.sk.first_inner, IKEv2_NP_IDi);
	assert_round_trip(ike, ike_len);
}

static void test_udp4500(void **state)
{
	static const uint8_t ike[] = { 0, 0, 0, 0, 0x11, 0x22 };
	static const uint8_t esp[] = { 0xc0, 0, 0, 1, 0, 0, 0, 1 };
	static const uint8_t ka[] = { 0xff };
	const uint8_t *p = ike;
	size_t len = sizeof(ike);
	assert_int_equal(ike_udp4500_classify(&p, &len), IKE_UDP4500_IKE);
	assert_ptr_equal(p, ike + 4);
	assert_int_equal(len, 2);
	p = esp;
	len = sizeof(esp);
	assert_int_equal(ike_udp4500_classify(&p, &len), IKE_UDP4500_ESP);
	assert_ptr_equal(p, esp);
	p = ka;
	len = 1;
	assert_int_equal(ike_udp4500_classify(&p, &len), IKE_UDP4500_KEEPALIVE);
	p = esp;
	len = 3;
	assert_int_equal(ike_udp4500_classify(&p, &len), IKE_UDP4500_INVALID);
}

static void test_names(void **state)
{
	assert_string_equal(ike_exchange_name(ISAKMP_v2_IKE_SA_INIT), "IKE_SA_INIT");
	assert_string_equal(ike_exchange_name(ISAKMP_v2_INFORMATIONAL), "INFORMATIONAL");
	assert_null(ike_exchange_name(99));
	assert_string_equal(ike_notify_name(v2N_NO_PROPOSAL_CHOSEN), "NO_PROPOSAL_CHOSEN");
	assert_string_equal(ike_notify_name(v2N_INVALID_KE_PAYLOAD), "INVALID_KE_PAYLOAD");
	assert_string_equal(ike_notify_name(v2N_AUTHENTICATION_FAILED), "AUTHENTICATION_FAILED");
	assert_string_equal(ike_notify_name(v2N_TS_UNACCEPTABLE), "TS_UNACCEPTABLE");
	assert_string_equal(ike_notify_name(v2N_INVALID_SYNTAX), "INVALID_SYNTAX");
	assert_string_equal(ike_notify_name(v2N_COOKIE), "COOKIE");
	assert_string_equal(ike_payload_name(IKEv2_NP_SKF), "SKF");
	assert_string_equal(ike_id_type_name(IKEv2_ID_FQDN), "ID_FQDN");
	assert_string_equal(ike_auth_method_name(IKEv2_AUTH_PSK), "PSK");
	assert_string_equal(ike_transform_type_name(IKEv2_TRANS_KE), "KE");
	assert_string_equal(ike_transform_id_name(IKEv2_TRANS_ENCR, IKEv2_ENCR_AES_GCM_16), "AES_GCM_16");
	assert_string_equal(ike_transform_id_name(IKEv2_TRANS_PRF, IKEv2_PRF_HMAC_SHA2_512), "HMAC_SHA2_512");
	assert_string_equal(ike_transform_id_name(IKEv2_TRANS_INTEG, IKEv2_INTEG_HMAC_SHA2_256_128), "HMAC_SHA2_256_128");
	assert_string_equal(ike_transform_id_name(IKEv2_TRANS_KE, IKEv2_KE_ECP_256), "DH19");
	assert_string_equal(ike_transform_id_name(IKEv2_TRANS_KE, IKEv2_KE_MODP2048), "MODP2048");
	assert_string_equal(ike_transform_id_name(IKEv2_TRANS_KE, IKEv2_KE_CURVE25519), "DH31");
	assert_null(ike_transform_id_name(9, 1));
	char buf[64];
	struct jambuf b = jambuf_init(buf, sizeof(buf));
	jam_ike_notify(&b, 12345);
	jam_char(&b, ' ');
	jam_ike_exchange(&b, ISAKMP_v2_IKE_AUTH);
	assert_string_equal(buf, "NOTIFY_12345 IKE_AUTH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_init_request_modp2048),
		cmocka_unit_test(test_sa_init_x25519),
		cmocka_unit_test(test_ike_auth_sk_spans),
		cmocka_unit_test(test_ike_auth_decrypted),
		cmocka_unit_test(test_builder_all_payloads),
		cmocka_unit_test(test_builder_sk),
		cmocka_unit_test(test_builder_too_small),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_header_rejects),
		cmocka_unit_test(test_libreswan_messages),
		cmocka_unit_test(test_udp4500),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
