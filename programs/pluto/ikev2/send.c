/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building, protecting and sending messages; decrypting received ones. */
#include <stdlib.h>
#include <string.h>

#include "ikev2/internal.h"

void jam_endpoint_udp(struct jambuf *b, const ip_endpoint *ep)
{
	if (ep->addr.family == AF_INET6) {
		jam_char(b, '[');
		jam_address(b, &ep->addr);
		jam_char(b, ']');
	} else {
		jam_address(b, &ep->addr);
	}
	jam(b, ":UDP/%u", ep->port);
}

void out_init_bare(struct ikev2_out *o, const uint8_t ispi[8], const uint8_t rspi[8],
		   uint8_t exchange, uint8_t flags, uint32_t msgid)
{
	memset(&o->spans, 0, sizeof(o->spans));
	o->ike = NULL;
	o->sk = false;
	ike_builder_init(&o->b, o->buf, sizeof(o->buf));
	struct ike_header h = { .major = 2, .minor = 0, .exchange = exchange, .flags = flags,
				.msgid = msgid };
	memcpy(h.ispi, ispi, 8);
	memcpy(h.rspi, rspi, 8);
	ike_put_header(&o->b, &h);
}

void out_init(struct ikev2_out *o, struct ike_sa *ike, uint8_t exchange, bool response,
	      uint32_t msgid)
{
	uint8_t flags = (ike->initiator ? IKEv2_FLAG_INITIATOR : 0) |
			(response ? IKEv2_FLAG_RESPONSE : 0);
	out_init_bare(o, ike->ispi, ike->rspi, exchange, flags, msgid);
	o->ike = ike;
}

static const struct crypto_sk *send_sk(const struct ike_sa *ike)
{
	return ike->initiator ? ike->keys.i2r : ike->keys.r2i;
}

static const struct crypto_sk *recv_sk(const struct ike_sa *ike)
{
	return ike->initiator ? ike->keys.r2i : ike->keys.i2r;
}

void out_open_sk(struct ikev2_out *o)
{
	o->sk = true;
	ike_open_sk(&o->b, crypto_sk_iv_size(send_sk(o->ike)));
}

void out_notify(struct ikev2_out *o, uint16_t type, const void *data, size_t len)
{
	ike_put_notify(&o->b, 0, NULL, 0, type, data, len);
}

diag_t out_finish(struct ikev2_out *o, size_t *len)
{
	const struct crypto_sk *sk = NULL;
	if (o->sk) {
		sk = send_sk(o->ike);
		ike_close_sk(&o->b, crypto_sk_block_size(sk), crypto_sk_icv_size(sk), &o->spans);
	}
	size_t n = 0;
	diag_t d = ike_builder_finish(&o->b, &n);
	if (d != NULL)
		return diag_prefix(d, "building the message");
	if (sk != NULL) {
		d = crypto_sk_encrypt(sk, CRYPTO_CSPAN(o->spans.aad.ptr, o->spans.aad.len),
				      CRYPTO_SPAN(o->spans.iv.ptr, o->spans.iv.len),
				      CRYPTO_SPAN(o->spans.ciphertext.ptr, o->spans.ciphertext.len),
				      CRYPTO_SPAN(o->spans.icv.ptr, o->spans.icv.len));
		if (d != NULL)
			return diag_prefix(d, "encrypting the message");
	}
	*len = n;
	return NULL;
}

void ikev2_send_raw(struct ikev2_engine *e, const ip_endpoint *local, const ip_endpoint *remote,
		    const uint8_t *pkt, size_t len)
{
	e->ops->send(e->ctx, local, remote, pkt, len);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n == 0 ? 1 : n);
	if (d == NULL)
		abort();
	memcpy(d, p, n);
	return d;
}

void ikev2_send_request(struct ike_sa *ike, struct ikev2_out *o, size_t len)
{
	retransmit_stop(ike);
	free(ike->req.pkt);
	ike->req = (struct ike_request){
		.pkt = dup_bytes(o->buf, len),
		.len = len,
		.msgid = ike->next_msgid,
		.exchange = o->buf[18],
	};
	/* IKE_SA_INIT retries (cookie, INVALID_KE) reuse message ID 0 */
	if (ike->req.exchange != ISAKMP_v2_IKE_SA_INIT)
		ike->next_msgid++;
	ikev2_send_raw(ike->eng, &ike->local, &ike->remote, o->buf, len);
	retransmit_start(ike);
}

void ikev2_send_response(struct ike_sa *ike, struct ikev2_out *o, size_t len, uint32_t msgid)
{
	free(ike->last_resp);
	ike->last_resp = dup_bytes(o->buf, len);
	ike->last_resp_len = len;
	ike->last_resp_msgid = msgid;
	ike->have_last_resp = true;
	ike->peer_msgid = msgid + 1;
	ikev2_send_raw(ike->eng, &ike->local, &ike->remote, o->buf, len);
}

diag_t ikev2_decrypt(struct ike_sa *ike, struct ikev2_rx *rx, bool *authentic)
{
	*authentic = false;
	const struct ike_payload *p = ike_message_get(rx->m, IKEv2_NP_SK);
	if (p == NULL)
		return diag("message has no SK payload");
	if (!ike->have_keys)
		return diag("SK payload before the keys exist");
	const struct crypto_sk *sk = recv_sk(ike);
	struct ike_sk_spans spans;
	diag_t d = ike_sk_spans(&p->u.sk, crypto_sk_iv_size(sk), crypto_sk_icv_size(sk), &spans);
	if (d != NULL)
		return d;
	/* the spans point into rx->buf, our own copy: decrypt in place */
	uint8_t *text = rx->buf + (spans.ciphertext.ptr - rx->buf);
	d = crypto_sk_decrypt(sk, CRYPTO_CSPAN(spans.aad.ptr, spans.aad.len),
			      CRYPTO_CSPAN(spans.iv.ptr, spans.iv.len),
			      CRYPTO_SPAN(text, spans.ciphertext.len),
			      CRYPTO_CSPAN(spans.icv.ptr, spans.icv.len));
	if (d != NULL)
		return d;
	*authentic = true;	/* the ICV matched: the peer really sent this */
	size_t plen;
	d = ike_sk_unpad(text, spans.ciphertext.len, &plen);
	if (d != NULL)
		return d;
	struct ike_decode_fail fail;
	return ike_message_decode_inner(rx->m, text, plen, p->u.sk.first_inner, &fail);
}
