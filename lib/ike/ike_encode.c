/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKEv2 message encoding into a caller buffer.  Next Payload fields are
 * chained automatically, lengths are filled when a payload is closed, and
 * the first error (buffer too small, payload too long, misuse) is kept and
 * reported by ike_builder_finish().
 */
#include "tern/ike.h"

#include <string.h>

static inline void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

void ike_builder_init(struct ike_builder *b, uint8_t *buf, size_t size)
{
	*b = (struct ike_builder){
		.buf = buf, .size = size, .len = 0,
		.np_at = SIZE_MAX, .header_at = SIZE_MAX, .sk_at = SIZE_MAX,
	};
}

static bool ok(struct ike_builder *b) { return b->diag == NULL; }

/* room for N more bytes, returning where they go (zeroed) or NULL */
static uint8_t *room(struct ike_builder *b, size_t n, const char *what)
{
	if (!ok(b))
		return NULL;
	if (n > b->size - b->len) {
		b->diag = diag("IKE message: no room for %s (%zu bytes needed, %zu of %zu left)",
			       what, n, b->size - b->len, b->size);
		return NULL;
	}
	uint8_t *p = b->buf + b->len;
	memset(p, 0, n);
	b->len += n;
	return p;
}

static bool put_bytes(struct ike_builder *b, const void *src, size_t n, const char *what)
{
	uint8_t *p = room(b, n, what);
	if (p == NULL)
		return false;
	if (n > 0)
		memcpy(p, src, n);
	return true;
}

void ike_put_header(struct ike_builder *b, const struct ike_header *h)
{
	if (ok(b) && b->header_at != SIZE_MAX) {
		b->diag = diag("IKE message: header written twice");
		return;
	}
	size_t at = b->len;
	uint8_t *p = room(b, IKE_HEADER_SIZE, "the IKE header");
	if (p == NULL)
		return;
	memcpy(p, h->ispi, 8);
	memcpy(p + 8, h->rspi, 8);
	p[16] = IKEv2_NP_NONE;	/* patched by the first payload */
	p[17] = (uint8_t)(h->major << 4 | (h->minor & 0x0f));
	p[18] = h->exchange;
	p[19] = h->flags;
	put32(p + 20, h->msgid);
	b->header_at = at;
	b->np_at = at + 16;
}

/* open a payload of TYPE: chain it, write the generic header; returns its offset */
static size_t open_payload(struct ike_builder *b, uint8_t type, uint8_t flags)
{
	if (!ok(b))
		return SIZE_MAX;
	if (b->np_at == SIZE_MAX) {
		b->diag = diag("IKE message: %s payload before the header", ike_payload_name(type));
		return SIZE_MAX;
	}
	size_t at = b->len;
	uint8_t *p = room(b, IKE_PAYLOAD_HEADER_SIZE, "a payload header");
	if (p == NULL)
		return SIZE_MAX;
	b->buf[b->np_at] = type;
	p[1] = flags;
	b->np_at = at;
	return at;
}

static void close_payload(struct ike_builder *b, size_t at)
{
	if (!ok(b) || at == SIZE_MAX)
		return;
	size_t len = b->len - at;
	if (len > 0xffff) {
		b->diag = diag("IKE message: %zu byte payload exceeds 65535", len);
		return;
	}
	put16(b->buf + at + 2, (unsigned)len);
}

static void put_transform(struct ike_builder *b, const struct ike_transform *t, bool last)
{
	size_t at = b->len;
	uint8_t *p = room(b, 8, "a transform");
	if (p == NULL)
		return;
	p[0] = last ? 0 : 3;
	p[1] = t->reserved1;
	p[4] = t->type;
	p[5] = t->reserved2;
	put16(p + 6, t->id);
	if (t->attrs.len > 0) {
		put_bytes(b, t->attrs.ptr, t->attrs.len, "transform attributes");
	} else if (t->keylen != 0) {
		uint8_t *a = room(b, 4, "a Key Length attribute");
		if (a != NULL) {
			put16(a, IKEv2_ATTR_AF_TV | IKEv2_ATTR_KEY_LENGTH);
			put16(a + 2, t->keylen);
		}
	}
	if (ok(b)) {
		size_t len = b->len - at;
		if (len > 0xffff)
			b->diag = diag("IKE message: transform of %zu bytes", len);
		else
			put16(b->buf + at + 2, (unsigned)len);
	}
}

static void put_sa(struct ike_builder *b, const struct ike_sa_payload *sa)
{
	for (unsigned i = 0; i < sa->nr_proposals && ok(b); i++) {
		const struct ike_proposal *pr = &sa->proposals[i];
		if (pr->spi_size > 8 || pr->nr_transforms > 255) {
			b->diag = diag("IKE message: proposal %u with SPI size %u and %u transforms",
				       pr->number, pr->spi_size, pr->nr_transforms);
			return;
		}
		size_t at = b->len;
		uint8_t *p = room(b, 8, "a proposal");
		if (p == NULL)
			return;
		p[0] = i + 1 < sa->nr_proposals ? 2 : 0;
		p[1] = pr->reserved;
		p[4] = pr->number;
		p[5] = pr->protocol;
		p[6] = pr->spi_size;
		p[7] = (uint8_t)pr->nr_transforms;
		put_bytes(b, pr->spi, pr->spi_size, "a proposal SPI");
		for (unsigned t = 0; t < pr->nr_transforms; t++)
			put_transform(b, &pr->transforms[t], t + 1 == pr->nr_transforms);
		if (ok(b)) {
			size_t len = b->len - at;
			if (len > 0xffff)
				b->diag = diag("IKE message: proposal of %zu bytes", len);
			else
				put16(b->buf + at + 2, (unsigned)len);
		}
	}
}

static void put_ts(struct ike_builder *b, const struct ike_ts_payload *tsp)
{
	if (tsp->nr_ts > 255) {
		if (ok(b))
			b->diag = diag("IKE message: %u traffic selectors", tsp->nr_ts);
		return;
	}
	uint8_t *h = room(b, 4, "a TS header");
	if (h == NULL)
		return;
	h[0] = (uint8_t)tsp->nr_ts;
	memcpy(h + 1, tsp->reserved, 3);
	for (unsigned i = 0; i < tsp->nr_ts; i++) {
		const struct ike_ts *ts = &tsp->ts[i];
		if (ts->addr_len == 4 || ts->addr_len == 16) {
			size_t len = 8 + 2 * (size_t)ts->addr_len;
			uint8_t *p = room(b, len, "a traffic selector");
			if (p == NULL)
				return;
			p[0] = ts->type;
			p[1] = ts->ipproto;
			put16(p + 2, (unsigned)len);
			put16(p + 4, ts->start_port);
			put16(p + 6, ts->end_port);
			memcpy(p + 8, ts->start, ts->addr_len);
			memcpy(p + 8 + ts->addr_len, ts->end, ts->addr_len);
		} else {
			size_t len = 4 + ts->raw.len;
			if (len > 0xffff) {
				if (ok(b))
					b->diag = diag("IKE message: traffic selector of %zu bytes", len);
				return;
			}
			uint8_t *p = room(b, 4, "a traffic selector");
			if (p == NULL)
				return;
			p[0] = ts->type;
			p[1] = ts->ipproto;
			put16(p + 2, (unsigned)len);
			put_bytes(b, ts->raw.ptr, ts->raw.len, "a traffic selector");
		}
	}
}

static void put_cp(struct ike_builder *b, const struct ike_cp_payload *cp)
{
	uint8_t *h = room(b, 4, "a CP header");
	if (h == NULL)
		return;
	h[0] = cp->type;
	memcpy(h + 1, cp->reserved, 3);
	for (unsigned i = 0; i < cp->nr_attrs; i++) {
		const struct ike_cp_attr *a = &cp->attrs[i];
		if (a->value.len > 0xffff) {
			if (ok(b))
				b->diag = diag("IKE message: configuration attribute of %zu bytes", a->value.len);
			return;
		}
		uint8_t *p = room(b, 4, "a configuration attribute");
		if (p == NULL)
			return;
		put16(p, (a->reserved_bit ? 0x8000u : 0) | (a->type & 0x7fff));
		put16(p + 2, (unsigned)a->value.len);
		put_bytes(b, a->value.ptr, a->value.len, "a configuration attribute");
	}
}

static void put_body(struct ike_builder *b, const struct ike_payload *p)
{
	uint8_t *h;
	switch (p->known ? p->type : 0) {
	case IKEv2_NP_SA:
		put_sa(b, &p->u.sa);
		return;
	case IKEv2_NP_KE:
		if ((h = room(b, 4, "a KE header")) != NULL) {
			put16(h, p->u.ke.group);
			put16(h + 2, p->u.ke.reserved);
			put_bytes(b, p->u.ke.data.ptr, p->u.ke.data.len, "KE data");
		}
		return;
	case IKEv2_NP_Ni:
		put_bytes(b, p->u.nonce.data.ptr, p->u.nonce.data.len, "a nonce");
		return;
	case IKEv2_NP_IDi:
	case IKEv2_NP_IDr:
		if ((h = room(b, 4, "an ID header")) != NULL) {
			h[0] = p->u.id.type;
			memcpy(h + 1, p->u.id.reserved, 3);
			put_bytes(b, p->u.id.data.ptr, p->u.id.data.len, "ID data");
		}
		return;
	case IKEv2_NP_AUTH:
		if ((h = room(b, 4, "an AUTH header")) != NULL) {
			h[0] = p->u.auth.method;
			memcpy(h + 1, p->u.auth.reserved, 3);
			put_bytes(b, p->u.auth.data.ptr, p->u.auth.data.len, "AUTH data");
		}
		return;
	case IKEv2_NP_N:
		if ((h = room(b, 4, "a notify header")) != NULL) {
			h[0] = p->u.n.protocol;
			h[1] = (uint8_t)p->u.n.spi.len;
			put16(h + 2, p->u.n.type);
			put_bytes(b, p->u.n.spi.ptr, p->u.n.spi.len, "a notify SPI");
			put_bytes(b, p->u.n.data.ptr, p->u.n.data.len, "notify data");
		}
		return;
	case IKEv2_NP_D:
		if ((h = room(b, 4, "a delete header")) != NULL) {
			h[0] = p->u.d.protocol;
			h[1] = p->u.d.spi_size;
			put16(h + 2, p->u.d.nr_spis);
			put_bytes(b, p->u.d.spis.ptr, p->u.d.spis.len, "delete SPIs");
		}
		return;
	case IKEv2_NP_V:
		put_bytes(b, p->u.v.ptr, p->u.v.len, "a vendor ID");
		return;
	case IKEv2_NP_TSi:
	case IKEv2_NP_TSr:
		put_ts(b, &p->u.ts);
		return;
	case IKEv2_NP_SKF:
		if ((h = room(b, 4, "SKF fragment numbers")) != NULL) {
			put16(h, p->u.sk.frag_number);
			put16(h + 2, p->u.sk.frag_total);
		}
		/* fall through */
	case IKEv2_NP_SK:
		put_bytes(b, p->u.sk.body.ptr, p->u.sk.body.len, "an encrypted payload");
		return;
	case IKEv2_NP_CP:
		put_cp(b, &p->u.cp);
		return;
	case IKEv2_NP_EAP:
		put_bytes(b, p->u.eap.message.ptr, p->u.eap.message.len, "an EAP message");
		return;
	case IKEv2_NP_CERT:
	case IKEv2_NP_CERTREQ:
		if ((h = room(b, 1, "a certificate encoding")) != NULL) {
			h[0] = p->u.cert.encoding;
			put_bytes(b, p->u.cert.data.ptr, p->u.cert.data.len, "certificate data");
		}
		return;
	default:
		put_bytes(b, p->u.raw.ptr, p->u.raw.len, "a payload");
		return;
	}
}

void ike_put_payload(struct ike_builder *b, const struct ike_payload *p)
{
	bool sk = p->known && (p->type == IKEv2_NP_SK || p->type == IKEv2_NP_SKF);
	if (sk && ok(b) && b->sk_at != SIZE_MAX) {
		b->diag = diag("IKE message: %s payload inside an open SK payload",
			       ike_payload_name(p->type));
		return;
	}
	size_t at = open_payload(b, p->type, p->flags);
	if (at == SIZE_MAX)
		return;
	put_body(b, p);
	close_payload(b, at);
	if (sk && ok(b)) {
		/* the SK's Next Payload is its first inner payload; nothing follows */
		b->buf[at] = p->u.sk.first_inner;
		b->np_at = SIZE_MAX;
	}
}

void ike_put_notify(struct ike_builder *b, uint8_t protocol, const uint8_t *spi,
		    size_t spi_size, uint16_t type, const uint8_t *data, size_t data_len)
{
	if (spi_size > 8) {
		if (ok(b))
			b->diag = diag("IKE message: notify SPI of %zu bytes", spi_size);
		return;
	}
	struct ike_payload p = {
		.type = IKEv2_NP_N, .known = true,
		.u.n = {
			.protocol = spi_size > 0 ? protocol : 0,
			.spi_size = (uint8_t)spi_size,
			.type = type,
			.spi = { spi, spi_size },
			.data = { data, data_len },
		},
	};
	ike_put_payload(b, &p);
}

void ike_put_raw_payload(struct ike_builder *b, uint8_t type, const uint8_t *body, size_t len)
{
	size_t at = open_payload(b, type, 0);
	if (at == SIZE_MAX)
		return;
	put_bytes(b, body, len, "a payload");
	close_payload(b, at);
}

void ike_open_sk(struct ike_builder *b, size_t iv_len)
{
	if (ok(b) && b->sk_at != SIZE_MAX) {
		b->diag = diag("IKE message: SK payload opened twice");
		return;
	}
	size_t at = open_payload(b, IKEv2_NP_SK, 0);
	if (at == SIZE_MAX)
		return;
	if (room(b, iv_len, "the SK IV") == NULL)
		return;
	b->sk_at = at;
	b->sk_iv_len = iv_len;
	b->sk_plain_at = b->len;
	/* the first inner payload's type goes into SK's Next Payload */
	b->np_at = at;
}

void ike_close_sk(struct ike_builder *b, size_t block_size, size_t icv_len,
		  struct ike_sk_spans *spans)
{
	if (!ok(b))
		return;
	if (b->sk_at == SIZE_MAX) {
		b->diag = diag("IKE message: closing an SK payload that is not open");
		return;
	}
	if (block_size == 0 || block_size > 256) {
		b->diag = diag("IKE message: SK block size %zu", block_size);
		return;
	}
	size_t plain = b->len - b->sk_plain_at;
	size_t pad = (block_size - (plain + 1) % block_size) % block_size;
	uint8_t *p = room(b, pad + 1, "SK padding");
	if (p == NULL)
		return;
	p[pad] = (uint8_t)pad;
	if (room(b, icv_len, "the SK ICV") == NULL)
		return;
	size_t at = b->sk_at;
	close_payload(b, at);
	if (!ok(b))
		return;
	size_t iv_at = at + IKE_PAYLOAD_HEADER_SIZE;
	size_t hdr = b->header_at == SIZE_MAX ? 0 : b->header_at;
	spans->aad = (struct ike_span){ b->buf + hdr, iv_at - hdr };
	spans->iv = (struct ike_span){ b->buf + iv_at, b->sk_iv_len };
	spans->ciphertext = (struct ike_span){ b->buf + b->sk_plain_at, plain + pad + 1 };
	spans->icv = (struct ike_span){ b->buf + b->len - icv_len, icv_len };
	b->sk_at = SIZE_MAX;
	b->np_at = SIZE_MAX;	/* nothing may follow SK */
}

diag_t ike_builder_finish(struct ike_builder *b, size_t *len)
{
	if (ok(b) && b->sk_at != SIZE_MAX)
		b->diag = diag("IKE message: SK payload still open");
	if (ok(b) && b->header_at != SIZE_MAX) {
		size_t n = b->len - b->header_at;
		if (n > UINT32_MAX)
			b->diag = diag("IKE message: %zu bytes", n);
		else
			put32(b->buf + b->header_at + 24, (uint32_t)n);
	}
	diag_t d = b->diag;
	b->diag = NULL;
	if (d == NULL)
		*len = b->len;
	return d;
}

diag_t ike_message_encode(const struct ike_message *msg, uint8_t *buf, size_t size,
			  size_t *len)
{
	struct ike_builder b;
	ike_builder_init(&b, buf, size);
	ike_put_header(&b, &msg->hdr);
	for (unsigned i = 0; i < msg->nr_payloads; i++) {
		if (!msg->payloads[i].inner)
			ike_put_payload(&b, &msg->payloads[i]);
	}
	return ike_builder_finish(&b, len);
}
