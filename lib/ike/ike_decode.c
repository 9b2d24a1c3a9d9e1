/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKEv2 message decoding (RFC 7296 section 3, RFC 7383 section 2.5).
 * Every field is bounds checked against the enclosing length before it is
 * read; errors name the payload, the byte offset and the problem.
 */
#include "tern/ike.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct dec {
	struct ike_message *msg;
	struct ike_decode_fail *fail;
	bool inner;
	/* the payload being decoded, for messages */
	uint8_t type;
	size_t body_off;	/* offset of the body in the buffer */
};

static diag_t fail_at(struct ike_decode_fail *fail, uint16_t notify, uint8_t type,
		      size_t offset)
{
	if (fail != NULL) {
		fail->notify = notify;
		fail->payload_type = type;
		fail->offset = offset;
	}
	return NULL;
}

/* an error inside the body of the current payload, AT bytes into the body */
static diag_t TERN_PRINTF(4, 5) bad(struct dec *d, uint16_t notify, size_t at,
				    const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fail_at(d->fail, notify, d->type, d->body_off + at);
	const char *name = ike_payload_name(d->type);
	char num[16];
	if (name == NULL) {
		snprintf(num, sizeof(num), "PAYLOAD_%u", d->type);
		name = num;
	}
	return diag("%s%s payload at offset %zu: %s", d->inner ? "encrypted " : "",
		    name, d->body_off + at, what);
}

#define SYNTAX(d, at, ...) bad(d, v2N_INVALID_SYNTAX, at, __VA_ARGS__)

/* ---- SA ---- */

static diag_t decode_attrs(struct dec *d, const uint8_t *b, size_t at, size_t len,
			   unsigned pn, unsigned tn, struct ike_transform *t)
{
	size_t off = 0;
	while (off < len) {
		if (len - off < 4)
			return SYNTAX(d, at + off, "proposal %u transform %u: attribute header needs 4 bytes, %zu left",
				      pn, tn, len - off);
		uint16_t type = get16(b + off);
		uint16_t v = get16(b + off + 2);
		if (type & IKEv2_ATTR_AF_TV) {
			if ((type & 0x7fff) == IKEv2_ATTR_KEY_LENGTH) {
				if (t->keylen != 0)
					return SYNTAX(d, at + off, "proposal %u transform %u: duplicate Key Length attribute",
						      pn, tn);
				if (v == 0)
					return SYNTAX(d, at + off, "proposal %u transform %u: Key Length 0",
						      pn, tn);
				t->keylen = v;
			} else {
				t->unknown_attrs = true;
			}
			off += 4;
		} else {
			if (type == IKEv2_ATTR_KEY_LENGTH)
				return SYNTAX(d, at + off, "proposal %u transform %u: Key Length attribute must use the TV format",
					      pn, tn);
			if (v > len - off - 4)
				return SYNTAX(d, at + off, "proposal %u transform %u: attribute length %u exceeds the %zu bytes left",
					      pn, tn, v, len - off - 4);
			t->unknown_attrs = true;
			off += 4 + (size_t)v;
		}
	}
	return NULL;
}

static diag_t decode_sa(struct dec *d, const uint8_t *b, size_t len, struct ike_sa_payload *sa)
{
	struct ike_message *m = d->msg;
	size_t off = 0;
	unsigned prev = 0;
	sa->nr_proposals = 0;
	sa->proposals = &m->proposals[m->nr_proposals];
	while (off < len) {
		if (len - off < 8)
			return SYNTAX(d, off, "proposal header needs 8 bytes, %zu left", len - off);
		uint8_t last = b[off];
		uint16_t plen = get16(b + off + 2);
		uint8_t num = b[off + 4], proto = b[off + 5], spi_size = b[off + 6];
		uint8_t ntrans = b[off + 7];
		if (plen < 8 + (size_t)spi_size || plen > len - off)
			return SYNTAX(d, off, "proposal %u length %u is not within %zu..%zu",
				      num, plen, (size_t)8 + spi_size, len - off);
		bool more = off + plen < len;
		if (last != 0 && last != 2)
			return SYNTAX(d, off, "proposal %u: last substructure value %u is neither 0 nor 2",
				      num, last);
		if (last == 0 && more)
			return SYNTAX(d, off, "proposal %u claims to be the last but %zu bytes follow",
				      num, len - off - plen);
		if (last == 2 && !more)
			return SYNTAX(d, off, "proposal %u claims more proposals follow but the payload ends",
				      num);
		if (num == 0 || (prev != 0 && num != prev + 1))
			return SYNTAX(d, off + 4, "proposal number %u should be %u", num,
				      prev == 0 ? 1 : prev + 1);
		prev = num;
		switch (proto) {
		case IKEv2_PROTO_IKE:
			if (spi_size != 0 && spi_size != 8)
				return SYNTAX(d, off + 6, "proposal %u: IKE SPI size %u is neither 0 nor 8",
					      num, spi_size);
			break;
		case IKEv2_PROTO_AH:
		case IKEv2_PROTO_ESP:
			if (spi_size != 4)
				return SYNTAX(d, off + 6, "proposal %u: %s SPI size %u is not 4", num,
					      ike_protocol_name(proto), spi_size);
			break;
		default:
			return SYNTAX(d, off + 5, "proposal %u: unknown protocol ID %u", num, proto);
		}
		if (ntrans == 0)
			return SYNTAX(d, off + 7, "proposal %u has no transforms", num);
		if (m->nr_proposals >= IKE_MAX_PROPOSALS)
			return SYNTAX(d, off, "more than %d proposals", IKE_MAX_PROPOSALS);
		struct ike_proposal *p = &m->proposals[m->nr_proposals];
		memset(p, 0, sizeof(*p));
		p->number = num;
		p->protocol = proto;
		p->reserved = b[off + 1];
		p->spi_size = spi_size;
		memcpy(p->spi, b + off + 8, spi_size);
		p->transforms = &m->transforms[m->nr_transforms];
		size_t end = off + plen;
		size_t toff = off + 8 + spi_size;
		for (unsigned i = 0; i < ntrans; i++) {
			if (end - toff < 8)
				return SYNTAX(d, toff, "proposal %u transform %u: header needs 8 bytes, %zu left",
					      num, i + 1, end - toff);
			uint8_t tlast = b[toff];
			uint16_t tlen = get16(b + toff + 2);
			if (tlen < 8 || tlen > end - toff)
				return SYNTAX(d, toff, "proposal %u transform %u: length %u is not within 8..%zu",
					      num, i + 1, tlen, end - toff);
			uint8_t want = i + 1 < ntrans ? 3 : 0;
			if (tlast != want)
				return SYNTAX(d, toff, "proposal %u transform %u of %u: last substructure value %u should be %u",
					      num, i + 1, ntrans, tlast, want);
			if (m->nr_transforms >= IKE_MAX_TRANSFORMS)
				return SYNTAX(d, toff, "more than %d transforms", IKE_MAX_TRANSFORMS);
			struct ike_transform *t = &m->transforms[m->nr_transforms];
			memset(t, 0, sizeof(*t));
			t->reserved1 = b[toff + 1];
			t->type = b[toff + 4];
			t->reserved2 = b[toff + 5];
			t->id = get16(b + toff + 6);
			t->attrs = (struct ike_span){ b + toff + 8, tlen - 8u };
			diag_t e = decode_attrs(d, b + toff + 8, toff + 8, tlen - 8u, num, i + 1, t);
			if (e != NULL)
				return e;
			m->nr_transforms++;
			p->nr_transforms++;
			toff += tlen;
		}
		if (toff != end)
			return SYNTAX(d, toff, "proposal %u: %zu bytes after its %u transforms",
				      num, end - toff, ntrans);
		m->nr_proposals++;
		sa->nr_proposals++;
		off = end;
	}
	if (sa->nr_proposals == 0)
		return SYNTAX(d, 0, "no proposals");
	return NULL;
}

/* ---- TS ---- */

static diag_t decode_ts(struct dec *d, const uint8_t *b, size_t len, struct ike_ts_payload *tsp)
{
	struct ike_message *m = d->msg;
	if (len < 4)
		return SYNTAX(d, 0, "body needs 4 bytes, has %zu", len);
	unsigned count = b[0];
	if (count == 0)
		return SYNTAX(d, 0, "number of traffic selectors is 0");
	memcpy(tsp->reserved, b + 1, 3);
	tsp->nr_ts = 0;
	tsp->ts = &m->ts[m->nr_ts];
	size_t off = 4;
	for (unsigned i = 0; i < count; i++) {
		if (len - off < 4)
			return SYNTAX(d, off, "traffic selector %u of %u: header needs 4 bytes, %zu left",
				      i + 1, count, len - off);
		uint8_t type = b[off];
		uint16_t slen = get16(b + off + 2);
		size_t want = type == IKEv2_TS_IPV4_ADDR_RANGE ? 16 :
			type == IKEv2_TS_IPV6_ADDR_RANGE ? 40 : 0;
		if (want != 0 && slen != want)
			return SYNTAX(d, off, "traffic selector %u: %s length %u should be %zu",
				      i + 1, ike_ts_type_name(type), slen, want);
		if (slen < 4 || slen > len - off)
			return SYNTAX(d, off, "traffic selector %u: length %u is not within 4..%zu",
				      i + 1, slen, len - off);
		if (m->nr_ts >= IKE_MAX_TS)
			return SYNTAX(d, off, "more than %d traffic selectors", IKE_MAX_TS);
		struct ike_ts *ts = &m->ts[m->nr_ts];
		memset(ts, 0, sizeof(*ts));
		ts->type = type;
		ts->ipproto = b[off + 1];
		if (want != 0) {
			size_t alen = (want - 8) / 2;
			ts->addr_len = (uint8_t)alen;
			ts->start_port = get16(b + off + 4);
			ts->end_port = get16(b + off + 6);
			memcpy(ts->start, b + off + 8, alen);
			memcpy(ts->end, b + off + 8 + alen, alen);
		} else {
			ts->raw = (struct ike_span){ b + off + 4, slen - 4u };
		}
		m->nr_ts++;
		tsp->nr_ts++;
		off += slen;
	}
	if (off != len)
		return SYNTAX(d, off, "%zu bytes after the %u traffic selectors", len - off, count);
	return NULL;
}

/* ---- CP ---- */

static diag_t decode_cp(struct dec *d, const uint8_t *b, size_t len, struct ike_cp_payload *cp)
{
	struct ike_message *m = d->msg;
	if (len < 4)
		return SYNTAX(d, 0, "body needs 4 bytes, has %zu", len);
	cp->type = b[0];
	memcpy(cp->reserved, b + 1, 3);
	cp->nr_attrs = 0;
	cp->attrs = &m->cp_attrs[m->nr_cp_attrs];
	size_t off = 4;
	while (off < len) {
		if (len - off < 4)
			return SYNTAX(d, off, "attribute header needs 4 bytes, %zu left", len - off);
		uint16_t t = get16(b + off), alen = get16(b + off + 2);
		if (alen > len - off - 4)
			return SYNTAX(d, off, "attribute %u length %u exceeds the %zu bytes left",
				      t & 0x7fff, alen, len - off - 4);
		if (m->nr_cp_attrs >= IKE_MAX_CP_ATTRS)
			return SYNTAX(d, off, "more than %d configuration attributes", IKE_MAX_CP_ATTRS);
		struct ike_cp_attr *a = &m->cp_attrs[m->nr_cp_attrs++];
		a->type = t & 0x7fff;
		a->reserved_bit = (t & 0x8000) != 0;
		a->value = (struct ike_span){ b + off + 4, alen };
		cp->nr_attrs++;
		off += 4 + (size_t)alen;
	}
	return NULL;
}

/* ---- the rest ---- */

static diag_t decode_body(struct dec *d, struct ike_payload *p)
{
	const uint8_t *b = p->body.ptr;
	size_t len = p->body.len;
	switch (p->type) {
	case IKEv2_NP_SA:
		return decode_sa(d, b, len, &p->u.sa);
	case IKEv2_NP_KE:
		if (len < 5)
			return SYNTAX(d, 0, "body needs at least 5 bytes (group, reserved, data), has %zu", len);
		p->u.ke.group = get16(b);
		p->u.ke.reserved = get16(b + 2);
		p->u.ke.data = (struct ike_span){ b + 4, len - 4 };
		return NULL;
	case IKEv2_NP_Ni:
		if (len < IKE_NONCE_MIN || len > IKE_NONCE_MAX)
			return SYNTAX(d, 0, "nonce length %zu is not within %d..%d", len,
				      IKE_NONCE_MIN, IKE_NONCE_MAX);
		p->u.nonce.data = p->body;
		return NULL;
	case IKEv2_NP_IDi:
	case IKEv2_NP_IDr: {
		if (len < 4)
			return SYNTAX(d, 0, "body needs 4 bytes, has %zu", len);
		struct ike_id_payload *id = &p->u.id;
		id->type = b[0];
		memcpy(id->reserved, b + 1, 3);
		id->data = (struct ike_span){ b + 4, len - 4 };
		size_t dl = len - 4;
		if (id->type == IKEv2_ID_IPV4_ADDR && dl != 4)
			return SYNTAX(d, 4, "ID_IPV4_ADDR data is %zu bytes, not 4", dl);
		if (id->type == IKEv2_ID_IPV6_ADDR && dl != 16)
			return SYNTAX(d, 4, "ID_IPV6_ADDR data is %zu bytes, not 16", dl);
		if (id->type != IKEv2_ID_NULL && dl == 0) {
			const char *n = ike_id_type_name(id->type);
			if (n != NULL)
				return SYNTAX(d, 4, "empty %s data", n);
			return SYNTAX(d, 4, "empty ID type %u data", id->type);
		}
		return NULL;
	}
	case IKEv2_NP_AUTH:
		if (len < 5)
			return SYNTAX(d, 0, "body needs at least 5 bytes (method, reserved, data), has %zu", len);
		p->u.auth.method = b[0];
		memcpy(p->u.auth.reserved, b + 1, 3);
		p->u.auth.data = (struct ike_span){ b + 4, len - 4 };
		return NULL;
	case IKEv2_NP_N: {
		if (len < 4)
			return SYNTAX(d, 0, "body needs 4 bytes, has %zu", len);
		struct ike_notify_payload *n = &p->u.n;
		n->protocol = b[0];
		n->spi_size = b[1];
		n->type = get16(b + 2);
		if (n->spi_size != 0 && n->spi_size != 4 && n->spi_size != 8)
			return SYNTAX(d, 1, "SPI size %u is not 0, 4 or 8", n->spi_size);
		if (n->spi_size > len - 4)
			return SYNTAX(d, 1, "SPI size %u exceeds the %zu bytes left", n->spi_size, len - 4);
		n->spi = (struct ike_span){ b + 4, n->spi_size };
		n->data = (struct ike_span){ b + 4 + n->spi_size, len - 4 - n->spi_size };
		return NULL;
	}
	case IKEv2_NP_D: {
		if (len < 4)
			return SYNTAX(d, 0, "body needs 4 bytes, has %zu", len);
		struct ike_delete_payload *del = &p->u.d;
		del->protocol = b[0];
		del->spi_size = b[1];
		del->nr_spis = get16(b + 2);
		switch (del->protocol) {
		case IKEv2_PROTO_IKE:
			if (del->spi_size != 0 || del->nr_spis != 0)
				return SYNTAX(d, 1, "IKE SA delete with SPI size %u and %u SPIs (both must be 0)",
					      del->spi_size, del->nr_spis);
			break;
		case IKEv2_PROTO_AH:
		case IKEv2_PROTO_ESP:
			if (del->spi_size != 4)
				return SYNTAX(d, 1, "%s delete with SPI size %u (must be 4)",
					      ike_protocol_name(del->protocol), del->spi_size);
			break;
		default:
			return SYNTAX(d, 0, "unknown protocol ID %u", del->protocol);
		}
		size_t want = (size_t)del->nr_spis * del->spi_size;
		if (want != len - 4)
			return SYNTAX(d, 2, "%u SPIs of %u bytes need %zu bytes, the payload has %zu",
				      del->nr_spis, del->spi_size, want, len - 4);
		del->spis = (struct ike_span){ b + 4, want };
		return NULL;
	}
	case IKEv2_NP_V:
		p->u.v = p->body;
		return NULL;
	case IKEv2_NP_TSi:
	case IKEv2_NP_TSr:
		return decode_ts(d, b, len, &p->u.ts);
	case IKEv2_NP_SK:
		/* aad is filled by the caller that knows the packet start */
		p->u.sk.body = p->body;
		return NULL;
	case IKEv2_NP_SKF:
		if (len < 4)
			return SYNTAX(d, 0, "body needs 4 bytes (fragment number, total), has %zu", len);
		p->u.sk.frag_number = get16(b);
		p->u.sk.frag_total = get16(b + 2);
		if (p->u.sk.frag_total == 0 || p->u.sk.frag_number == 0 ||
		    p->u.sk.frag_number > p->u.sk.frag_total)
			return SYNTAX(d, 0, "fragment number %u of %u is invalid",
				      p->u.sk.frag_number, p->u.sk.frag_total);
		p->u.sk.body = (struct ike_span){ b + 4, len - 4 };
		return NULL;
	case IKEv2_NP_CP:
		return decode_cp(d, b, len, &p->u.cp);
	case IKEv2_NP_EAP: {
		if (len < 4)
			return SYNTAX(d, 0, "EAP header needs 4 bytes, has %zu", len);
		struct ike_eap_payload *e = &p->u.eap;
		e->code = b[0];
		e->identifier = b[1];
		uint16_t elen = get16(b + 2);
		if (elen != len)
			return SYNTAX(d, 2, "EAP length %u does not match the payload's %zu bytes", elen, len);
		switch (e->code) {
		case 1:
		case 2:
			if (len < 5)
				return SYNTAX(d, 0, "EAP %s without a type", e->code == 1 ? "Request" : "Response");
			e->type = b[4];
			break;
		case 3:
		case 4:
			if (len != 4)
				return SYNTAX(d, 0, "EAP %s must be 4 bytes, is %zu",
					      e->code == 3 ? "Success" : "Failure", len);
			e->type = 0;
			break;
		default:
			return SYNTAX(d, 0, "unknown EAP code %u", e->code);
		}
		e->message = p->body;
		return NULL;
	}
	case IKEv2_NP_CERT:
	case IKEv2_NP_CERTREQ:
		if (len < 1 || (p->type == IKEv2_NP_CERT && len < 2))
			return SYNTAX(d, 0, "%s body of %zu bytes is too short",
				      p->type == IKEv2_NP_CERT ? "certificate" : "certificate request", len);
		p->u.cert.encoding = b[0];
		p->u.cert.data = (struct ike_span){ b + 1, len - 1 };
		return NULL;
	case IKEv2_NP_GSPM:
		p->u.raw = p->body;
		return NULL;
	}
	/* not reached: callers check ike_payload_known() */
	return SYNTAX(d, 0, "no decoder");
}

static bool payload_known(uint8_t t)
{
	return (t >= IKEv2_NP_SA && t <= IKEv2_NP_GSPM) || t == IKEv2_NP_SKF;
}

static bool payload_unique(uint8_t t)
{
	switch (t) {
	case IKEv2_NP_SA: case IKEv2_NP_KE: case IKEv2_NP_Ni: case IKEv2_NP_IDi:
	case IKEv2_NP_IDr: case IKEv2_NP_AUTH: case IKEv2_NP_TSi: case IKEv2_NP_TSr:
	case IKEv2_NP_SK: case IKEv2_NP_SKF:
		return true;
	default:
		return false;
	}
}

static void index_payload(struct ike_message *m, unsigned i)
{
	uint8_t t = m->payloads[i].type;
	m->next_same[i] = 0;
	if (m->first_of[t] == 0) {
		m->first_of[t] = (uint8_t)(i + 1);
		return;
	}
	unsigned j = m->first_of[t] - 1u;
	while (m->next_same[j] != 0)
		j = m->next_same[j] - 1u;
	m->next_same[j] = (uint8_t)(i + 1);
}

/*
 * The chain in B[0..LEN) starting with payload type NP; offsets reported
 * relative to the buffer are BASE + offset in B.
 */
static diag_t decode_chain(struct dec *d, const uint8_t *b, size_t len, size_t base, uint8_t np)
{
	struct ike_message *m = d->msg;
	size_t off = 0;
	while (np != IKEv2_NP_NONE) {
		d->type = np;
		d->body_off = base + off;
		if (len - off < IKE_PAYLOAD_HEADER_SIZE)
			return SYNTAX(d, 0, "no room for the generic payload header (%zu bytes left)",
				      len - off);
		uint8_t next = b[off], flags = b[off + 1];
		uint16_t plen = get16(b + off + 2);
		if (plen < IKE_PAYLOAD_HEADER_SIZE || plen > len - off)
			return SYNTAX(d, 2, "payload length %u is not within 4..%zu", plen, len - off);
		if (m->nr_payloads >= IKE_MAX_PAYLOADS)
			return SYNTAX(d, 0, "more than %d payloads", IKE_MAX_PAYLOADS);
		bool known = payload_known(np);
		if (!known && (flags & IKE_PAYLOAD_CRITICAL)) {
			/* the caller answers UNSUPPORTED_CRITICAL_PAYLOAD naming NP */
			return bad(d, v2N_UNSUPPORTED_CRITICAL_PAYLOAD, 0,
				   "unsupported payload type %u has the critical bit set", np);
		}
		if (d->inner && (np == IKEv2_NP_SK || np == IKEv2_NP_SKF))
			return SYNTAX(d, 0, "encrypted payload inside an encrypted payload");
		if (payload_unique(np) && m->first_of[np] != 0)
			return SYNTAX(d, 0, "duplicate %s payload", ike_payload_name(np));
		struct ike_payload *p = &m->payloads[m->nr_payloads];
		memset(p, 0, sizeof(*p));
		p->type = np;
		p->flags = flags;
		p->inner = d->inner;
		p->known = known;
		p->offset = base + off;
		p->body = (struct ike_span){ b + off + 4, plen - 4u };
		d->body_off = base + off + 4;
		if (known) {
			diag_t e = decode_body(d, p);
			if (e != NULL)
				return e;
		} else {
			p->u.raw = p->body;
		}
		index_payload(m, m->nr_payloads);
		m->nr_payloads++;
		off += plen;
		if (np == IKEv2_NP_SK || np == IKEv2_NP_SKF) {
			/* RFC 7296 3.14: SK is the last payload; its Next
			 * Payload names the first inner payload */
			if (off != len) {
				d->body_off = base + off;
				return SYNTAX(d, 0, "%zu bytes after the %s payload, which must be last",
					      len - off, ike_payload_name(np));
			}
			p->u.sk.first_inner = next;
			const uint8_t *aad_end = p->u.sk.body.ptr;
			p->u.sk.aad = (struct ike_span){ m->packet.ptr,
							 (size_t)(aad_end - m->packet.ptr) };
			return NULL;
		}
		np = next;
	}
	if (off != len) {
		d->type = IKEv2_NP_NONE;
		d->body_off = base + off;
		return SYNTAX(d, 0, "%zu bytes after the last payload", len - off);
	}
	return NULL;
}

diag_t ike_header_decode(const uint8_t *pkt, size_t len, struct ike_header *hdr,
			 struct ike_decode_fail *fail)
{
	if (len < IKE_HEADER_SIZE) {
		fail_at(fail, 0, 0, 0);
		return diag("IKE header: message of %zu bytes is shorter than the %d byte header",
			    len, IKE_HEADER_SIZE);
	}
	uint8_t major = pkt[17] >> 4, minor = pkt[17] & 0x0f;
	if (major != 2) {
		fail_at(fail, v2N_INVALID_MAJOR_VERSION, 0, 17);
		return diag("IKE header at offset 17: major version %u is not 2%s", major,
			    major == 1 ? " (an IKEv1 message)" : "");
	}
	uint32_t length = get32(pkt + 24);
	if (length != len) {
		fail_at(fail, v2N_INVALID_SYNTAX, 0, 24);
		return diag("IKE header at offset 24: length field %u does not match the %zu bytes received",
			    length, len);
	}
	memcpy(hdr->ispi, pkt, 8);
	memcpy(hdr->rspi, pkt + 8, 8);
	hdr->next_payload = pkt[16];
	hdr->major = major;
	hdr->minor = minor;
	hdr->exchange = pkt[18];
	hdr->flags = pkt[19];
	hdr->msgid = get32(pkt + 20);
	hdr->length = length;
	return NULL;
}

diag_t ike_message_decode(const uint8_t *pkt, size_t len, struct ike_message *msg,
			  struct ike_decode_fail *fail)
{
	struct ike_header hdr;
	diag_t e = ike_header_decode(pkt, len, &hdr, fail);
	if (e != NULL)
		return e;
	msg->hdr = hdr;
	msg->packet = (struct ike_span){ pkt, len };
	msg->nr_payloads = 0;
	msg->nr_proposals = msg->nr_transforms = msg->nr_ts = msg->nr_cp_attrs = 0;
	memset(msg->first_of, 0, sizeof(msg->first_of));
	struct dec d = { .msg = msg, .fail = fail, .inner = false };
	return decode_chain(&d, pkt + IKE_HEADER_SIZE, len - IKE_HEADER_SIZE, IKE_HEADER_SIZE,
			    hdr.next_payload);
}

diag_t ike_message_decode_inner(struct ike_message *msg, const uint8_t *plain,
				size_t len, uint8_t first, struct ike_decode_fail *fail)
{
	unsigned np = msg->nr_payloads, npr = msg->nr_proposals, nt = msg->nr_transforms;
	unsigned nts = msg->nr_ts, ncp = msg->nr_cp_attrs;
	uint8_t first_of[256], next_same[IKE_MAX_PAYLOADS];
	memcpy(first_of, msg->first_of, sizeof(first_of));
	memcpy(next_same, msg->next_same, sizeof(next_same));
	struct dec d = { .msg = msg, .fail = fail, .inner = true };
	diag_t e = decode_chain(&d, plain, len, 0, first);
	if (e != NULL) {
		msg->nr_payloads = np;
		msg->nr_proposals = npr;
		msg->nr_transforms = nt;
		msg->nr_ts = nts;
		msg->nr_cp_attrs = ncp;
		memcpy(msg->first_of, first_of, sizeof(first_of));
		memcpy(msg->next_same, next_same, sizeof(next_same));
	}
	return e;
}

const struct ike_payload *ike_message_get(const struct ike_message *msg, uint8_t type)
{
	unsigned i = msg->first_of[type];
	return i == 0 ? NULL : &msg->payloads[i - 1];
}

const struct ike_payload *ike_message_next(const struct ike_message *msg,
					   const struct ike_payload *p)
{
	size_t i = (size_t)(p - msg->payloads);
	if (i >= msg->nr_payloads)
		return NULL;
	unsigned n = msg->next_same[i];
	return n == 0 ? NULL : &msg->payloads[n - 1];
}

const struct ike_payload *ike_message_get_notify(const struct ike_message *msg,
						 uint16_t notify_type)
{
	for (const struct ike_payload *p = ike_message_get(msg, IKEv2_NP_N); p != NULL;
	     p = ike_message_next(msg, p)) {
		if (p->u.n.type == notify_type)
			return p;
	}
	return NULL;
}

diag_t ike_sk_spans(const struct ike_sk_payload *sk, size_t iv_len, size_t icv_len,
		    struct ike_sk_spans *out)
{
	size_t len = sk->body.len;
	if (iv_len > len || icv_len > len - iv_len || len - iv_len - icv_len < 1)
		return diag("%s payload: %zu bytes cannot hold a %zu byte IV, the pad length byte and a %zu byte ICV",
			    sk->frag_total != 0 ? "SKF" : "SK", len, iv_len, icv_len);
	out->aad = sk->aad;
	out->iv = (struct ike_span){ sk->body.ptr, iv_len };
	out->ciphertext = (struct ike_span){ sk->body.ptr + iv_len, len - iv_len - icv_len };
	out->icv = (struct ike_span){ sk->body.ptr + len - icv_len, icv_len };
	return NULL;
}

diag_t ike_sk_unpad(const uint8_t *plain, size_t len, size_t *payloads_len)
{
	if (len < 1)
		return diag("SK payload: empty plaintext has no pad length byte");
	uint8_t pad = plain[len - 1];
	if ((size_t)pad + 1 > len)
		return diag("SK payload: pad length %u exceeds the %zu byte plaintext", pad, len);
	*payloads_len = len - 1 - pad;
	return NULL;
}

enum ike_udp4500_kind ike_udp4500_classify(const uint8_t **pkt, size_t *len)
{
	const uint8_t *p = *pkt;
	if (*len == 1 && p[0] == 0xff)
		return IKE_UDP4500_KEEPALIVE;
	if (*len < IKE_NON_ESP_MARKER_SIZE)
		return IKE_UDP4500_INVALID;
	if (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0) {
		*pkt = p + IKE_NON_ESP_MARKER_SIZE;
		*len -= IKE_NON_ESP_MARKER_SIZE;
		return IKE_UDP4500_IKE;
	}
	/* SPI + sequence number at least */
	return *len >= 8 ? IKE_UDP4500_ESP : IKE_UDP4500_INVALID;
}
