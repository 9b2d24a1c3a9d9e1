/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKE_SA_INIT (RFC 7296 1.2): SA, KE, Ni/Nr, NAT detection (2.23),
 * COOKIE (2.6), INVALID_KE_PAYLOAD (1.2), CHILDLESS_IKEV2_SUPPORTED
 * (RFC 6023), both roles.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "tern/crypto_sig.h"
#include "tern/ctl.h"
#include "auth/certs.h"
#include "auth/sigauth.h"
#include "ikev2/internal.h"
#include "ikev2/nat.h"

static uint8_t *dup_span(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n == 0 ? 1 : n);
	if (d == NULL)
		abort();
	memcpy(d, p, n);
	return d;
}

/* RFC 7427: our SIGNATURE_HASH_ALGORITHMS when authby= allows signatures */
static void put_hash_notify(struct ikev2_out *o, const struct ike_sa *ike)
{
	unsigned authby = ike->conn->config != NULL ? ike->conn->config->authby : AUTHBY_SECRET;
	unsigned mask = auth_hash_notify_mask(authby);
	if (mask == 0)
		return;
	uint8_t data[CRYPTO_HASH_NOTIFY_MAX];
	size_t len = 0;
	diag_t d = crypto_hash_notify_encode(mask, data, sizeof(data), &len);
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "SIGNATURE_HASH_ALGORITHMS");
		return;
	}
	out_notify(o, v2N_SIGNATURE_HASH_ALGORITHMS, data, len);
}

/* the peer's SIGNATURE_HASH_ALGORITHMS; a malformed one is ignored (RFC 7427 4) */
static void record_peer_hashes(struct ike_sa *ike, const struct ike_message *m)
{
	ike->peer_hashes = 0;
	const struct ike_payload *n = ike_message_get_notify(m, v2N_SIGNATURE_HASH_ALGORITHMS);
	if (n == NULL)
		return;
	diag_t d = crypto_hash_notify_decode(CRYPTO_CSPAN(n->u.n.data.ptr, n->u.n.data.len),
					     &ike->peer_hashes);
	if (d != NULL) {
		llog(&ike->logger, LOG_SEV_INFO, "ignoring malformed SIGNATURE_HASH_ALGORITHMS notify: %s",
		     diag_str(d));
		diag_free(&d);
		ike->peer_hashes = 0;
	}
}

/*
 * Responder: CERTREQ (X.509, the CAs of the NSS db) when the initiator
 * may prove itself with a signature: authby= allows them.  Even with a
 * raw key configured for it: IKE_AUTH may switch to another connection of
 * the same host pair (its IDs) that wants its certificate.
 */
static void put_certreq(struct ikev2_out *o, const struct ike_sa *ike)
{
	const struct conn_config *cc = ike->conn->config;
	if (cc == NULL || auth_hash_notify_mask(cc->authby) == 0)
		return;
	uint8_t *data = NULL;
	size_t len = 0;
	diag_t d = auth_certreq_data(&data, &len);
	if (d != NULL) {
		ldbg(&ike->logger, "no CERTREQ: %s", diag_str(d));
		diag_free(&d);
		return;
	}
	if (len > 0) {
		struct ike_payload p = { .type = IKEv2_NP_CERTREQ, .known = true,
					 .u.cert = { .encoding = IKEv2_CERT_X509_SIGNATURE,
						     .data = { data, len } } };
		ike_put_payload(&o->b, &p);
	}
	free(data);
}

void nat_hash(const uint8_t ispi[8], const uint8_t rspi[8], const ip_endpoint *ep, uint8_t out[20])
{
	uint8_t port[2] = { (uint8_t)(ep->port >> 8), (uint8_t)ep->port };
	struct crypto_cspan data[4] = {
		CRYPTO_CSPAN(ispi, 8), CRYPTO_CSPAN(rspi, 8),
		CRYPTO_CSPAN(ep->addr.bytes, address_len(&ep->addr)), CRYPTO_CSPAN(port, 2),
	};
	diag_t d = crypto_hash(IKEv2_HASH_SHA1, data, 4, out, 20);
	if (d != NULL) {	/* SHA-1 is always there once NSS runs */
		diag_free(&d);
		memset(out, 0, 20);
	}
}

/* LOCAL: nat_natd_source() (mangled for encapsulation=yes) */
static void put_nat_notifies(struct ikev2_out *o, const uint8_t ispi[8], const uint8_t rspi[8],
			     ip_endpoint local, const ip_endpoint *remote)
{
	uint8_t h[20];
	nat_hash(ispi, rspi, &local, h);
	out_notify(o, v2N_NAT_DETECTION_SOURCE_IP, h, sizeof(h));
	nat_hash(ispi, rspi, remote, h);
	out_notify(o, v2N_NAT_DETECTION_DESTINATION_IP, h, sizeof(h));
}

/* NAT detection, the float to 4500 and keepalives: ikev2/nat.c */
static void check_nat(struct ike_sa *ike, const struct ike_message *m)
{
	nat_detect(ike, m);
}

/* our IKE proposals (ike= or Libreswan's defaults) as an SA payload */
diag_t ike_offer(const struct connection *c, struct ike_sa_build **out)
{
	struct ike_alg_proposals algs;
	const char *ike = c->config != NULL ? c->config->ike : NULL;
	if (ike != NULL) {
		diag_t d = ike_alg_proposals_parse(IKEv2_PROTO_IKE, ike, &algs);
		if (d != NULL)
			return d;
	} else {
		ike_alg_proposals_default(IKEv2_PROTO_IKE, &algs);
	}
	struct ike_sa_build *b = calloc(1, sizeof(*b));
	if (b == NULL)
		abort();
	struct ike_sa_params params = { .spi_size = 0 };
	diag_t d = ike_alg_proposals_to_sa(&algs, &params, b);
	if (d != NULL) {
		free(b);
		return d;
	}
	*out = b;
	return NULL;
}

/* SA as one allocation (proposals and transforms follow the header) */
static struct ike_sa_payload *sa_payload_pack(const struct ike_sa_payload *sa)
{
	size_t nt = 0;
	for (unsigned i = 0; i < sa->nr_proposals; i++)
		nt += sa->proposals[i].nr_transforms;
	size_t hdr = sizeof(struct ike_sa_payload);
	hdr += (_Alignof(struct ike_proposal) - hdr % _Alignof(struct ike_proposal)) %
	       _Alignof(struct ike_proposal);
	size_t props = sa->nr_proposals * sizeof(struct ike_proposal);
	size_t off = hdr + props;
	off += (_Alignof(struct ike_transform) - off % _Alignof(struct ike_transform)) %
	       _Alignof(struct ike_transform);
	uint8_t *mem = calloc(1, off + nt * sizeof(struct ike_transform));
	if (mem == NULL)
		abort();
	struct ike_sa_payload *out = (struct ike_sa_payload *)mem;
	struct ike_proposal *p = (struct ike_proposal *)(mem + hdr);
	struct ike_transform *t = (struct ike_transform *)(mem + off);
	out->nr_proposals = sa->nr_proposals;
	out->proposals = p;
	for (unsigned i = 0; i < sa->nr_proposals; i++) {
		p[i] = sa->proposals[i];
		p[i].transforms = t;
		memcpy(t, sa->proposals[i].transforms,
		       sa->proposals[i].nr_transforms * sizeof(struct ike_transform));
		t += sa->proposals[i].nr_transforms;
	}
	return out;
}

diag_t conn_ike_sa(struct connection *c, const struct ike_sa_payload **out)
{
	if (c->ike_sa == NULL) {
		struct ike_sa_build *b = NULL;
		diag_t d = ike_offer(c, &b);
		if (d != NULL)
			return d;
		c->ike_sa = sa_payload_pack(&b->sa);
		free(b);
	}
	*out = c->ike_sa;
	return NULL;
}

static bool offer_has_ke(const struct ike_sa_payload *sa, uint16_t group)
{
	for (unsigned i = 0; i < sa->nr_proposals; i++)
		for (unsigned t = 0; t < sa->proposals[i].nr_transforms; t++)
			if (sa->proposals[i].transforms[t].type == IKEv2_TRANS_KE &&
			    sa->proposals[i].transforms[t].id == group)
				return true;
	return false;
}

static uint16_t offer_first_ke(const struct ike_sa_payload *sa)
{
	for (unsigned i = 0; i < sa->nr_proposals; i++)
		for (unsigned t = 0; t < sa->proposals[i].nr_transforms; t++)
			if (sa->proposals[i].transforms[t].type == IKEv2_TRANS_KE)
				return sa->proposals[i].transforms[t].id;
	return 0;
}

/* the algorithms of the chosen proposal */
static diag_t set_algs(struct ike_sa *ike, const struct ike_sa_choice *c)
{
	const struct crypto_encr *encr = crypto_encr_by_id(c->id[IKEv2_TRANS_ENCR]);
	const struct crypto_prf *prf = crypto_prf_by_id(c->id[IKEv2_TRANS_PRF]);
	const struct crypto_integ *integ = NULL;
	if (c->has[IKEv2_TRANS_INTEG] && c->id[IKEv2_TRANS_INTEG] != IKEv2_INTEG_NONE)
		integ = crypto_integ_by_id(c->id[IKEv2_TRANS_INTEG]);
	if (encr == NULL || !crypto_encr_supported(encr))
		return diag("negotiated cipher %u is not supported", c->id[IKEv2_TRANS_ENCR]);
	if (prf == NULL || !crypto_prf_supported(prf))
		return diag("negotiated PRF %u is not supported", c->id[IKEv2_TRANS_PRF]);
	if (!encr->aead && (integ == NULL || !crypto_integ_supported(integ)))
		return diag("negotiated integrity %u is not supported", c->id[IKEv2_TRANS_INTEG]);
	const struct crypto_ke_group *g = crypto_ke_by_id(c->id[IKEv2_TRANS_KE]);
	if (g == NULL || !crypto_ke_supported(g))
		return diag("negotiated key exchange %u is not supported", c->id[IKEv2_TRANS_KE]);
	ike->choice = *c;
	ike->encr = encr;
	ike->prf = prf;
	ike->integ = encr->aead ? NULL : integ;
	ike->encr_key_bits = crypto_encr_key_bits(encr, c->encr_keylen);
	return NULL;
}

static void fail(struct ike_sa *ike, int rc)
{
	ike_whack_done(ike, rc);
	ike_sa_delete(ike);
}

/* ---- initiator ---- */

static void send_init_request(struct ike_sa *ike, diag_t *d)
{
	if (*d != NULL) {
		llog(&ike->logger, LOG_SEV_ERROR, "key exchange %s failed: %s",
		     crypto_ke_by_id(ike->ke_group)->name, diag_str(*d));
		fail(ike, CTL_RC_CRYPTOFAILED);
		return;
	}
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_IKE_SA_INIT, false, 0);
	if (ike->cookie != NULL)
		out_notify(o, v2N_COOKIE, ike->cookie, ike->cookie_len);
	struct ike_payload p = { .type = IKEv2_NP_SA, .known = true, .u.sa = ike->offer->sa };
	ike_put_payload(&o->b, &p);
	struct crypto_cspan pub = crypto_ke_public(ike->ke);
	p = (struct ike_payload){ .type = IKEv2_NP_KE, .known = true,
				  .u.ke = { .group = ike->ke_group, .data = { pub.ptr, pub.len } } };
	ike_put_payload(&o->b, &p);
	p = (struct ike_payload){ .type = IKEv2_NP_Ni, .known = true,
				  .u.nonce.data = { ike->ni, ike->ni_len } };
	ike_put_payload(&o->b, &p);
	put_nat_notifies(o, ike->ispi, ike->rspi, nat_natd_source(ike), &ike->remote);
	out_notify(o, v2N_CHILDLESS_IKEV2_SUPPORTED, NULL, 0);
	put_hash_notify(o, ike);
	size_t len;
	diag_t e = out_finish(o, &len);
	if (e != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &e, "IKE_SA_INIT request");
		free(o);
		fail(ike, CTL_RC_INTERNAL_ERROR);
		return;
	}
	free(ike->init_i);
	ike->init_i = dup_span(o->buf, len);
	ike->init_i_len = len;
	ike_set_state(ike, IKE_SA_INIT_I);
	ikev2_send_request(ike, o, len);
	free(o);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "sent IKE_SA_INIT request to ");
		jam_endpoint_udp(b, &ike->remote);
	}
}

void ike_sa_init_start(struct ike_sa *ike)
{
	diag_t d = ike_offer(ike->conn, &ike->offer);
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "cannot build IKE proposals");
		fail(ike, CTL_RC_BADCONFIG);
		return;
	}
	ike->ke_group = offer_first_ke(&ike->offer->sa);
	const struct crypto_ke_group *g = crypto_ke_by_id(ike->ke_group);
	if (g == NULL || !crypto_ke_supported(g)) {
		llog(&ike->logger, LOG_SEV_ERROR, "the first key exchange group of ike= (%u) is not supported",
		     ike->ke_group);
		fail(ike, CTL_RC_BADCONFIG);
		return;
	}
	ike->ni_len = IKEV2_NONCE_SIZE;
	d = crypto_random(CRYPTO_SPAN(ike->ni, ike->ni_len));
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "nonce");
		fail(ike, CTL_RC_CRYPTOFAILED);
		return;
	}
	ike_submit_ke(ike, false, send_init_request);
}

static void init_keys_done(struct ike_sa *ike, diag_t *d)
{
	if (*d != NULL) {
		llog(&ike->logger, LOG_SEV_ERROR, "IKE SA key derivation failed: %s", diag_str(*d));
		fail(ike, CTL_RC_CRYPTOFAILED);
		return;
	}
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "processed IKE_SA_INIT response from ");
		jam_endpoint_udp(b, &ike->remote);
		jam_str(b, " {");
		jam_ike_sa_choice_details(b, &ike->choice);
		jam_str(b, "}, initiating IKE_AUTH");
	}
	nat_float(ike);		/* IKE_AUTH over 4500 when NAT-T is on */
	ike_auth_start(ike);
}

void process_ike_sa_init_response(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	(void)e;
	const struct ike_message *m = rx->m;
	if (memcmp(m->hdr.rspi, "\0\0\0\0\0\0\0\0", 8) == 0) {
		llog(&ike->logger, LOG_SEV_INFO, "dropping IKE_SA_INIT response with a zero responder SPI");
		return;
	}
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *ke = ike_message_get(m, IKEv2_NP_KE);
	const struct ike_payload *nr = ike_message_get(m, IKEv2_NP_Ni);
	struct ike_sa_choice choice;
	diag_t d = ike_sa_accept(&ike->offer->sa, &sa->u.sa, false, &choice);
	if (d == NULL && (!choice.has[IKEv2_TRANS_KE] || choice.id[IKEv2_TRANS_KE] != ke->u.ke.group ||
			  ke->u.ke.group != ike->ke_group))
		d = diag("the KE payload's group %u is not the one we sent (%u)", ke->u.ke.group,
			 ike->ke_group);
	if (d == NULL)
		d = set_algs(ike, &choice);
	if (d != NULL) {
		endpoint_buf eb;
		llog(&ike->logger, LOG_SEV_ERROR, "IKE_SA_INIT response from %s rejected: %s",
		     str_endpoint(&ike->remote, &eb), diag_str(d));
		diag_free(&d);
		fail(ike, CTL_RC_FATAL);
		return;
	}
	retransmit_stop(ike);
	memcpy(ike->rspi, m->hdr.rspi, 8);
	/* the table is keyed by ISPI: nothing to rehash */
	memcpy(ike->nr, nr->u.nonce.data.ptr, nr->u.nonce.data.len);
	ike->nr_len = nr->u.nonce.data.len;
	free(ike->init_r);
	ike->init_r = dup_span(rx->buf, rx->len);
	ike->init_r_len = rx->len;
	free(ike->peer_ke);
	ike->peer_ke = dup_span(ke->u.ke.data.ptr, ke->u.ke.data.len);
	ike->peer_ke_len = ke->u.ke.data.len;
	ike->peer_childless_ok = ike_message_get_notify(m, v2N_CHILDLESS_IKEV2_SUPPORTED) != NULL;
	record_peer_hashes(ike, m);
	ike->peer_certreq = ike_message_get(m, IKEv2_NP_CERTREQ) != NULL;
	ike->next_msgid = 1;
	check_nat(ike, m);
	ike_submit_ke(ike, true, init_keys_done);
}

void process_ike_sa_init_notify(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	(void)e;
	const struct ike_message *m = rx->m;
	if (ike->busy)
		return;
	const struct ike_payload *n = ike_message_get_notify(m, v2N_COOKIE);
	if (n != NULL) {
		if (n->u.n.data.len < 1 || n->u.n.data.len > 64) {
			llog(&ike->logger, LOG_SEV_INFO, "dropping IKE_SA_INIT response with a %zu byte COOKIE",
			     n->u.n.data.len);
			return;
		}
		if (++ike->cookie_retries > IKEV2_MAX_COOKIES) {
			llog(&ike->logger, LOG_SEV_ERROR, "responder keeps demanding a COOKIE; giving up");
			fail(ike, CTL_RC_FATAL);
			return;
		}
		free(ike->cookie);
		ike->cookie = dup_span(n->u.n.data.ptr, n->u.n.data.len);
		ike->cookie_len = n->u.n.data.len;
		llog(&ike->logger, LOG_SEV_INFO, "received anti-DDOS COOKIE response, resending IKE_SA_INIT request with COOKIE payload");
		retransmit_stop(ike);
		diag_t none = NULL;
		send_init_request(ike, &none);
		return;
	}
	n = ike_message_get_notify(m, v2N_INVALID_KE_PAYLOAD);
	if (n != NULL) {
		uint16_t group = n->u.n.data.len == 2 ? (uint16_t)(n->u.n.data.ptr[0] << 8 | n->u.n.data.ptr[1]) : 0;
		const struct crypto_ke_group *g = crypto_ke_by_id(group);
		const struct crypto_ke_group *old = crypto_ke_by_id(ike->ke_group);
		if (g == NULL || group == ike->ke_group || !offer_has_ke(&ike->offer->sa, group)) {
			llog(&ike->logger, LOG_SEV_ERROR,
			     "Received unauthenticated INVALID_KE_PAYLOAD response suggesting %s%u which we did not propose; giving up",
			     g != NULL ? g->name : "group ", g != NULL ? 0 : group);
			fail(ike, CTL_RC_FATAL);
			return;
		}
		if (++ike->invalid_ke_retries > IKEV2_MAX_INVALID_KE) {
			llog(&ike->logger, LOG_SEV_ERROR, "too many INVALID_KE_PAYLOAD responses; giving up");
			fail(ike, CTL_RC_FATAL);
			return;
		}
		llog(&ike->logger, LOG_SEV_INFO,
		     "Received unauthenticated INVALID_KE_PAYLOAD response to DH %s; resending with suggested DH %s",
		     old->name, g->name);
		retransmit_stop(ike);
		ike->ke_group = group;
		crypto_ke_free(&ike->ke);
		ike_set_state(ike, IKE_SA_INIT_I0);
		ike_submit_ke(ike, false, send_init_request);
		return;
	}
	for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_N); p != NULL;
	     p = ike_message_next(m, p)) {
		if (p->u.n.type < 16384) {
			LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
				jam_str(b, "IKE_SA_INIT request rejected by peer: ");
				jam_ike_notify(b, p->u.n.type);
			}
			fail(ike, CTL_RC_FATAL);
			return;
		}
	}
	ldbg(&ike->logger, "IKE_SA_INIT response with only status notifies; ignored");
}

/* ---- responder ---- */

static void cookie_for(struct ikev2_engine *e, const struct ike_message *m, const ip_endpoint *remote,
		       const struct ike_payload *ni, uint8_t out[32])
{
	struct crypto_cspan data[4] = {
		CRYPTO_CSPAN(ni->u.nonce.data.ptr, ni->u.nonce.data.len),
		CRYPTO_CSPAN(remote->addr.bytes, address_len(&remote->addr)),
		CRYPTO_CSPAN(m->hdr.ispi, 8),
		CRYPTO_CSPAN(e->cookie_secret, sizeof(e->cookie_secret)),
	};
	diag_t d = crypto_hash(IKEv2_HASH_SHA2_256, data, 4, out, 32);
	if (d != NULL) {
		diag_free(&d);
		memset(out, 0, 32);
	}
}

static void send_bare_notify(struct ikev2_engine *e, struct ikev2_rx *rx, uint16_t type,
			     const void *data, size_t len)
{
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	static const uint8_t zero[8];
	out_init_bare(o, rx->m->hdr.ispi, zero, ISAKMP_v2_IKE_SA_INIT, IKEv2_FLAG_RESPONSE, 0);
	out_notify(o, type, data, len);
	size_t n;
	diag_t d = out_finish(o, &n);
	if (d == NULL)
		ikev2_send_raw(e, &rx->local, &rx->remote, o->buf, n);
	else
		llog_diag(&global_logger, LOG_SEV_ERROR, &d, "IKE_SA_INIT notification");
	free(o);
}

static void send_init_response(struct ike_sa *ike, diag_t *d)
{
	if (*d != NULL) {
		llog(&ike->logger, LOG_SEV_ERROR, "IKE SA key exchange failed: %s", diag_str(*d));
		ike_sa_delete(ike);
		return;
	}
	struct ikev2_out *o = malloc(sizeof(*o));
	struct ike_sa_build *sab = malloc(sizeof(*sab));
	if (o == NULL || sab == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_IKE_SA_INIT, true, 0);
	ike_sa_choice_to_sa(&ike->choice, NULL, 0, sab);
	struct ike_payload p = { .type = IKEv2_NP_SA, .known = true, .u.sa = sab->sa };
	ike_put_payload(&o->b, &p);
	struct crypto_cspan pub = crypto_ke_public(ike->ke);
	p = (struct ike_payload){ .type = IKEv2_NP_KE, .known = true,
				  .u.ke = { .group = ike->ke_group, .data = { pub.ptr, pub.len } } };
	ike_put_payload(&o->b, &p);
	p = (struct ike_payload){ .type = IKEv2_NP_Ni, .known = true,
				  .u.nonce.data = { ike->nr, ike->nr_len } };
	ike_put_payload(&o->b, &p);
	put_certreq(o, ike);
	put_nat_notifies(o, ike->ispi, ike->rspi, nat_natd_source(ike), &ike->remote);
	out_notify(o, v2N_CHILDLESS_IKEV2_SUPPORTED, NULL, 0);
	put_hash_notify(o, ike);
	size_t len;
	diag_t e = out_finish(o, &len);
	free(sab);
	if (e != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &e, "IKE_SA_INIT response");
		free(o);
		ike_sa_delete(ike);
		return;
	}
	ike->init_r = dup_span(o->buf, len);
	ike->init_r_len = len;
	ike_set_state(ike, IKE_SA_INIT_R);
	ikev2_send_response(ike, o, len, 0);
	free(o);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "sent IKE_SA_INIT response to ");
		jam_endpoint_udp(b, &ike->remote);
		jam_str(b, " {");
		jam_ike_sa_choice_details(b, &ike->choice);
		jam_str(b, "}");
	}
}

void process_ike_sa_init_request(struct ikev2_engine *e, struct ike_sa *none, struct ikev2_rx *rx)
{
	(void)none;
	const struct ike_message *m = rx->m;
	endpoint_buf eb;
	struct connection *first = e->ops->find_conn(e->ctx, &rx->local, &rx->remote, NULL);
	if (first == NULL) {
		llog(&global_logger, LOG_SEV_INFO,
		     "dropping IKE_SA_INIT request from %s: no IKEv2 connection is configured for it",
		     str_endpoint(&rx->remote, &eb));
		return;
	}
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *ke = ike_message_get(m, IKEv2_NP_KE);
	const struct ike_payload *ni = ike_message_get(m, IKEv2_NP_Ni);
	/* cookies once too many IKE SAs are half-open (RFC 7296 2.6) */
	if (e->sas.nr_halfopen >= e->halfopen_cookie_threshold) {
		uint8_t want[32];
		cookie_for(e, m, &rx->remote, ni, want);
		const struct ike_payload *p0 = m->nr_payloads > 0 ? &m->payloads[0] : NULL;
		bool ok = p0 != NULL && p0->type == IKEv2_NP_N &&
			  p0->u.n.type == v2N_COOKIE && p0->u.n.data.len == sizeof(want) &&
			  crypto_memeq(p0->u.n.data.ptr, want, sizeof(want));
		if (!ok) {
			llog(&first->logger, LOG_SEV_INFO,
			     "%zu half-open IKE SAs: answering IKE_SA_INIT request from %s with a COOKIE",
			     e->sas.nr_halfopen, str_endpoint(&rx->remote, &eb));
			send_bare_notify(e, rx, v2N_COOKIE, want, sizeof(want));
			return;
		}
	}
	/* the first connection for this host pair whose ike= accepts */
	struct connection *c = NULL;
	struct ike_sa_choice choice;
	diag_t first_d = NULL;
	for (struct connection *cand = first; cand != NULL;
	     cand = e->ops->find_conn(e->ctx, &rx->local, &rx->remote, cand)) {
		const struct ike_sa_payload *ours = NULL;
		diag_t d = conn_ike_sa(cand, &ours);
		if (d == NULL)
			d = ike_sa_choose(ours, &sa->u.sa, ke->u.ke.group, false, &choice);
		if (d == NULL) {
			c = cand;
			break;
		}
		if (first_d == NULL)
			first_d = d;
		else
			diag_free(&d);
	}
	if (c == NULL) {
		llog(&first->logger, LOG_SEV_INFO, "IKE_SA_INIT request from %s: %s; responding with NO_PROPOSAL_CHOSEN",
		     str_endpoint(&rx->remote, &eb), diag_str(first_d));
		diag_free(&first_d);
		send_bare_notify(e, rx, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	diag_free(&first_d);
	diag_t d;
	if (choice.id[IKEv2_TRANS_KE] != ke->u.ke.group) {
		const struct crypto_ke_group *want = crypto_ke_by_id(choice.id[IKEv2_TRANS_KE]);
		const struct crypto_ke_group *got = crypto_ke_by_id(ke->u.ke.group);
		LLOG_JAMBUF(&c->logger, LOG_SEV_INFO, b) {
			jam_str(b, "initiator guessed wrong key exchange group ");
			if (got != NULL)
				jam_str(b, got->name);
			else
				jam(b, "%u", ke->u.ke.group);
			jam(b, "; responding with INVALID_KE_PAYLOAD requesting %s",
			    want != NULL ? want->name : "?");
		}
		uint8_t g[2] = { (uint8_t)(choice.id[IKEv2_TRANS_KE] >> 8),
				 (uint8_t)choice.id[IKEv2_TRANS_KE] };
		send_bare_notify(e, rx, v2N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	struct ike_sa *ike = ike_sa_new(e, c, false, &rx->local, &rx->remote);
	memcpy(ike->ispi, m->hdr.ispi, 8);
	d = set_algs(ike, &choice);
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "IKE_SA_INIT request");
		free(ike);
		return;
	}
	sa_add_ike(&e->sas, ike);
	ike->ke_group = choice.id[IKEv2_TRANS_KE];
	ike->peer_ke = dup_span(ke->u.ke.data.ptr, ke->u.ke.data.len);
	ike->peer_ke_len = ke->u.ke.data.len;
	memcpy(ike->ni, ni->u.nonce.data.ptr, ni->u.nonce.data.len);
	ike->ni_len = ni->u.nonce.data.len;
	ike->nr_len = IKEV2_NONCE_SIZE;
	d = crypto_random(CRYPTO_SPAN(ike->nr, ike->nr_len));
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "nonce");
		ike_sa_delete(ike);
		return;
	}
	ike->init_i = dup_span(rx->buf, rx->len);
	ike->init_i_len = rx->len;
	ike->peer_childless_ok = ike_message_get_notify(m, v2N_CHILDLESS_IKEV2_SUPPORTED) != NULL;
	record_peer_hashes(ike, m);
	ike->peer_msgid = 0;
	check_nat(ike, m);
	ike_set_state(ike, IKE_SA_INIT_R0);
	ike_submit_ke(ike, true, send_init_response);
}
