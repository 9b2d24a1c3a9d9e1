/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the IKEv2 message decoder (header, payload chain and
 * every payload body decoder, inner payloads of SK) with round-trip
 * assertions: whenever decoding succeeds, encoding gives back the same
 * bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/ike.h"
#include "tern/ike_proposal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_message msg;
static uint8_t out[1 << 17];

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

/* the inner payloads decoded from PLAIN re-encode to PLAIN */
static void inner_round_trip(const uint8_t *plain, size_t len, uint8_t first)
{
	unsigned before = msg.nr_payloads;
	diag_t d = ike_message_decode_inner(&msg, plain, len, first, NULL);
	if (d != NULL) {
		CHECK(msg.nr_payloads == before);
		diag_free(&d);
		return;
	}
	struct ike_builder b;
	ike_builder_init(&b, out, sizeof(out));
	ike_put_header(&b, &msg.hdr);
	ike_open_sk(&b, 0);
	for (unsigned i = before; i < msg.nr_payloads; i++)
		ike_put_payload(&b, &msg.payloads[i]);
	struct ike_sk_spans spans;
	ike_close_sk(&b, 1, 0, &spans);
	size_t n;
	d = ike_builder_finish(&b, &n);
	CHECK(d == NULL);
	CHECK(spans.ciphertext.len == len + 1);
	CHECK(memcmp(spans.ciphertext.ptr, plain, len) == 0);
	/* SK's Next Payload is the first inner payload */
	CHECK(out[IKE_HEADER_SIZE] == (len > 0 ? first : 0) || len == 0);
	msg.nr_payloads = before;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_decode_fail fail = { .notify = 0xffff };
	diag_t d = ike_message_decode(data, size, &msg, &fail);
	if (d != NULL) {
		CHECK(fail.notify != 0xffff);
		CHECK(strlen(diag_str(d)) > 0);
		diag_free(&d);
		/* still exercise the inner decoder on the raw bytes */
		if (size > 1 && size < sizeof(out) / 2) {
			memset(&msg, 0, sizeof(msg));
			msg.packet = (struct ike_span){ data, size };
			inner_round_trip(data + 1, size - 1, data[0]);
		}
		return 0;
	}
	size_t n = 0;
	d = ike_message_encode(&msg, out, sizeof(out), &n);
	CHECK(d == NULL);
	CHECK(n == size);
	CHECK(memcmp(out, data, size) == 0);

	JAMBUF(names, 512);
	jam_ike_payloads(&names, &msg);
	CHECK(names.len > 0 || msg.nr_payloads == 0);

	/* matching against untrusted SA payloads */
	const struct ike_payload *sa = ike_message_get(&msg, IKEv2_NP_SA);
	if (sa != NULL) {
		static struct ike_sa_build ours[2], reply;
		static bool init;
		if (!init) {
			static const uint8_t spi[4] = { 1, 2, 3, 4 };
			struct ike_alg_proposals algs;
			ike_alg_proposals_default(IKEv2_PROTO_IKE, &algs);
			struct ike_sa_params params = { 0 };
			CHECK(ike_alg_proposals_to_sa(&algs, &params, &ours[0]) == NULL);
			ike_alg_proposals_default(IKEv2_PROTO_ESP, &algs);
			params = (struct ike_sa_params){ .spi = spi, .spi_size = 4, .esn = IKE_ESN_EITHER };
			CHECK(ike_alg_proposals_to_sa(&algs, &params, &ours[1]) == NULL);
			init = true;
		}
		for (int i = 0; i < 2; i++) {
			struct ike_sa_choice ch;
			d = ike_sa_choose(&ours[i].sa, &sa->u.sa, IKEv2_KE_ECP_256, i == 1, &ch);
			if (d == NULL) {
				/* the answer we would send is one the peer accepts */
				ike_sa_choice_to_sa(&ch, ch.spi, ch.spi_size, &reply);
				struct ike_sa_choice acc;
				d = ike_sa_accept(&sa->u.sa, &reply.sa, i == 1, &acc);
				CHECK(d == NULL);
				CHECK(acc.number == ch.number);
				CHECK(memcmp(acc.id, ch.id, sizeof(acc.id)) == 0);
				JAMBUF(cb, 256);
				jam_ike_sa_choice(&cb, &ch);
				jam_ike_sa_choice_details(&cb, &ch);
			}
			diag_free(&d);
			d = ike_sa_accept(&ours[i].sa, &sa->u.sa, i == 1, &(struct ike_sa_choice){ 0 });
			diag_free(&d);
		}
	}

	const struct ike_payload *sk = ike_message_get(&msg, IKEv2_NP_SK);
	if (sk == NULL)
		sk = ike_message_get(&msg, IKEv2_NP_SKF);
	if (sk != NULL) {
		static const size_t ivs[] = { 0, 8, 16 }, icvs[] = { 0, 12, 16 };
		for (size_t i = 0; i < 3; i++) {
			struct ike_sk_spans spans;
			d = ike_sk_spans(&sk->u.sk, ivs[i], icvs[i], &spans);
			if (d != NULL) {
				diag_free(&d);
				continue;
			}
			CHECK(spans.iv.len + spans.ciphertext.len + spans.icv.len == sk->u.sk.body.len);
			size_t plen;
			d = ike_sk_unpad(spans.ciphertext.ptr, spans.ciphertext.len, &plen);
			if (d != NULL) {
				diag_free(&d);
				continue;
			}
			CHECK(plen < spans.ciphertext.len);
			/* pretend the ciphertext was plaintext */
			inner_round_trip(spans.ciphertext.ptr, plen, sk->u.sk.first_inner);
		}
	}
	return 0;
}
