/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKE_AUTH with a pre-shared key (RFC 7296 1.2, 2.15) and the first Child
 * SA (SA, TSi, TSr, USE_TRANSPORT_MODE); childless (RFC 6023) both ways.
 */
#include <stdlib.h>
#include <string.h>

#include "tern/ctl.h"
#include "ikev2/internal.h"

#define ID_BODY_MAX (4 + 1024)

/* the ID payload body (type, reserved, data) of our identity */
static diag_t local_id_body(struct ike_sa *ike, uint8_t *body, size_t *len)
{
	struct id id;
	ike_local_id(ike, &id);
	size_t n;
	uint8_t type;
	diag_t d = id_to_payload(&id, &type, body + 4, ID_BODY_MAX - 4, &n);
	if (d != NULL)
		return d;
	body[0] = type;
	body[1] = body[2] = body[3] = 0;
	*len = 4 + n;
	return NULL;
}

static void put_id_auth(struct ikev2_out *o, uint8_t id_type, const uint8_t *body, size_t body_len,
			const uint8_t *auth, size_t auth_len)
{
	struct ike_payload p = { .type = id_type, .known = true,
				 .u.id = { .type = body[0], .data = { body + 4, body_len - 4 } } };
	ike_put_payload(&o->b, &p);
	p = (struct ike_payload){ .type = IKEv2_NP_AUTH, .known = true,
				  .u.auth = { .method = IKEv2_AUTH_PSK, .data = { auth, auth_len } } };
	ike_put_payload(&o->b, &p);
}

static void put_child(struct ikev2_out *o, const struct ike_sa_payload *sa,
		      const ip_subnet *tsi, const ip_subnet *tsr, bool transport)
{
	if (transport)
		out_notify(o, v2N_USE_TRANSPORT_MODE, NULL, 0);
	struct ike_payload p = { .type = IKEv2_NP_SA, .known = true, .u.sa = *sa };
	ike_put_payload(&o->b, &p);
	struct ike_ts ts;
	ts_from_subnet(tsi, &ts);
	p = (struct ike_payload){ .type = IKEv2_NP_TSi, .known = true, .u.ts = { .nr_ts = 1, .ts = &ts } };
	ike_put_payload(&o->b, &p);
	struct ike_ts ts2;
	ts_from_subnet(tsr, &ts2);
	p = (struct ike_payload){ .type = IKEv2_NP_TSr, .known = true, .u.ts = { .nr_ts = 1, .ts = &ts2 } };
	ike_put_payload(&o->b, &p);
}

static void conn_clients(const struct ike_sa *ike, ip_subnet *local, ip_subnet *remote)
{
	const struct end *this = conn_this(ike->conn), *that = conn_that(ike->conn);
	*local = subnet_is_unset(&this->client) ? subnet_from_address(&ike->local.addr) : this->client;
	*remote = subnet_is_unset(&that->client) ? subnet_from_address(&ike->remote.addr) : that->client;
}

static bool conn_transport(const struct ike_sa *ike)
{
	return ike->conn->config != NULL && ike->conn->config->type == CONN_TYPE_TRANSPORT;
}

/* "SK{IDr,AUTH,SA,TSi,TSr}" */
static void jam_inner_payloads(struct jambuf *b, const struct ike_message *m)
{
	jam_str(b, "SK{");
	const char *sep = "";
	for (unsigned i = 0; i < m->nr_payloads; i++) {
		const struct ike_payload *p = &m->payloads[i];
		if (!p->inner)
			continue;
		jam_str(b, sep);
		sep = ",";
		if (p->type == IKEv2_NP_N) {
			jam_str(b, "N(");
			jam_ike_notify(b, p->u.n.type);
			jam_char(b, ')');
		} else {
			jam_ike_payload(b, p->type);
		}
	}
	jam_char(b, '}');
}

static void jam_auth_peer(struct jambuf *b, const struct ike_sa *ike)
{
	id_buf ib;
	jam(b, "%s established IKE SA; authenticated peer using authby=secret and %s '%s'",
	    ike->initiator ? "initiator" : "responder", id_kind_name(ike->peer_id.kind),
	    str_id(&ike->peer_id, &ib));
}

/* ---- initiator ---- */

static void fail(struct ike_sa *ike, int rc)
{
	ike_whack_done(ike, rc);
	ike_sa_delete(ike);
}

void ike_auth_start(struct ike_sa *ike)
{
	struct child_sa *child = NULL;
	ip_subnet local, remote;
	conn_clients(ike, &local, &remote);
	if (!ike->childless) {
		child = child_sa_new(ike);
		child->local_ts = local;
		child->remote_ts = remote;
		child->transport = conn_transport(ike);
		diag_t d = child_alloc_spi(child);
		if (d == NULL)
			d = child_offer(child, true);
		if (d != NULL) {
			llog(&child->logger, LOG_SEV_ERROR, "cannot propose a Child SA: %s", diag_str(d));
			diag_free(&d);
			child_sa_delete(child);
			child = NULL;
			ike->child_failed = true;
			if (!ike->peer_childless_ok) {
				llog(&ike->logger, LOG_SEV_ERROR,
				     "peer does not support a childless IKE SA (RFC 6023); giving up");
				fail(ike, CTL_RC_FATAL);
				return;
			}
		}
	}
	uint8_t body[ID_BODY_MAX];
	size_t body_len = 0;
	uint8_t auth[CRYPTO_MAX_PRF_SIZE];
	size_t auth_len = 0;
	diag_t d = local_id_body(ike, body, &body_len);
	if (d == NULL)
		d = ike_psk_auth(ike, true, (struct ike_span){ body, body_len }, auth, &auth_len);
	if (d != NULL) {
		llog(&ike->logger, LOG_SEV_ERROR, "cannot authenticate with authby=secret: %s", diag_str(d));
		diag_free(&d);
		fail(ike, CTL_RC_NOKEY);
		return;
	}
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_IKE_AUTH, false, ike->next_msgid);
	out_open_sk(o);
	put_id_auth(o, IKEv2_NP_IDi, body, body_len, auth, auth_len);
	if (child != NULL)
		put_child(o, &child->offer->sa, &child->local_ts, &child->remote_ts, child->transport);
	size_t len = 0;
	d = out_finish(o, &len);
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "IKE_AUTH request");
		free(o);
		fail(ike, CTL_RC_INTERNAL_ERROR);
		return;
	}
	ike_set_state(ike, IKE_AUTH_I);
	ikev2_send_request(ike, o, len);
	free(o);
	struct id id;
	ike_local_id(ike, &id);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		id_buf ib;
		jam_str(b, "sent IKE_AUTH request to ");
		jam_endpoint_udp(b, &ike->remote);
		jam(b, " with shared-key-mac and %s '%s'", id_kind_name(id.kind), str_id(&id, &ib));
		if (child != NULL)
			jam(b, "; Child SA #%lu {ESP <0x%08x}", child->serial, child->spi_in);
	}
}

/*
 * The responder did not prove who it is: tell it (RFC 7296 2.21.2, an
 * INFORMATIONAL with AUTHENTICATION_FAILED, sent once) and give up.
 */
static void reject_responder(struct ike_sa *ike)
{
	send_auth_failed(ike);
	fail(ike, CTL_RC_FATAL);
}

static struct child_sa *proposed_child(struct ike_sa *ike)
{
	for (struct child_sa *c = ike->children; c != NULL; c = c->sibling_next)
		if (c->state == IKE_AUTH_CHILD_I0)
			return c;
	return NULL;
}

static const struct ike_payload *first_error(const struct ike_message *m)
{
	for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_N); p != NULL;
	     p = ike_message_next(m, p))
		if (p->u.n.type < 16384)
			return p;
	return NULL;
}

static uint32_t spi32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* the responder's TS must be inside what we proposed; take it as given */
static bool ts_take(const struct ike_ts_payload *p, const ip_subnet *ours, ip_subnet *out)
{
	if (p->nr_ts != 1)
		return false;
	/* only exact subnets are installed: narrowing to a range is refused */
	if (!ts_covers(p, ours))
		return false;
	struct ike_ts mine;
	ts_from_subnet(ours, &mine);
	if (memcmp(p->ts[0].start, mine.start, mine.addr_len) != 0 ||
	    memcmp(p->ts[0].end, mine.end, mine.addr_len) != 0)
		return false;
	*out = *ours;
	return true;
}

static void initiator_child_keys(struct ike_sa *ike, struct child_sa *child,
				 const struct crypto_child_kernel_keys *keys, diag_t *d)
{
	if (*d == NULL)
		*d = child_install(child, keys);
	if (*d != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "Child SA not installed, the IKE SA stays up without it: %s",
		     diag_str(*d));
		send_delete_child(child);
		child_sa_delete(child);
		ike_whack_done(ike, CTL_RC_FATAL);
		return;
	}
	child->state = ESTABLISHED_CHILD_SA;
	ike->eng->sas.nr_child_established++;
	child_log_established(child);
	ike_whack_done(ike, CTL_RC_OK);
}

void process_ike_auth_response(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	(void)e;
	const struct ike_message *m = rx->m;
	retransmit_stop(ike);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "processing IKE_AUTH response from ");
		jam_endpoint_udp(b, &ike->remote);
		jam_str(b, " containing ");
		jam_inner_payloads(b, m);
	}
	const struct ike_payload *idr = ike_message_get(m, IKEv2_NP_IDr);
	const struct ike_payload *auth = ike_message_get(m, IKEv2_NP_AUTH);
	diag_t d = id_from_payload(&idr->u.id, &ike->peer_id);
	if (d != NULL) {
		llog(&ike->logger, LOG_SEV_ERROR, "IKE_AUTH response: %s", diag_str(d));
		diag_free(&d);
		reject_responder(ike);
		return;
	}
	struct id want_id;
	ike_remote_id(ike, &want_id);
	const struct id *want = &want_id;
	if (!id_is_wildcard(want) && !id_matches(want, &ike->peer_id)) {
		id_buf a, b;
		llog(&ike->logger, LOG_SEV_ERROR, "peer ID '%s' does not match the expected '%s'",
		     str_id(&ike->peer_id, &a), str_id(want, &b));
		reject_responder(ike);
		return;
	}
	uint8_t expect[CRYPTO_MAX_PRF_SIZE];
	size_t expect_len = 0;
	if (auth->u.auth.method != IKEv2_AUTH_PSK) {
		d = diag("peer authenticated with %s, not with a pre-shared key",
			 ike_auth_method_name(auth->u.auth.method) != NULL
			 ? ike_auth_method_name(auth->u.auth.method) : "an unknown method");
	} else {
		d = ike_psk_auth(ike, false, idr->body, expect, &expect_len);
	}
	if (d == NULL && (auth->u.auth.data.len != expect_len ||
			  !crypto_memeq(auth->u.auth.data.ptr, expect, expect_len)))
		d = diag("AUTH payload does not match (pre-shared key mismatch?)");
	if (d != NULL) {
		llog(&ike->logger, LOG_SEV_INFO, "authentication of the responder using authby=secret failed: %s",
		     diag_str(d));
		diag_free(&d);
		reject_responder(ike);
		return;
	}
	ike_set_state(ike, ESTABLISHED_IKE_SA);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_auth_peer(b, ike);
	}
	struct child_sa *child = proposed_child(ike);
	if (child == NULL) {
		ike_whack_done(ike, ike->child_failed ? CTL_RC_FATAL : CTL_RC_OK);
		return;
	}
	const struct ike_payload *err = first_error(m);
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *tsi = ike_message_get(m, IKEv2_NP_TSi);
	const struct ike_payload *tsr = ike_message_get(m, IKEv2_NP_TSr);
	if (err != NULL || sa == NULL || tsi == NULL || tsr == NULL) {
		LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
			jam_str(b, "IKE_AUTH response rejected Child SA with ");
			if (err != NULL)
				jam_ike_notify(b, err->u.n.type);
			else
				jam_str(b, "no SA, TSi or TSr payload");
		}
		child_sa_delete(child);
		ike_whack_done(ike, CTL_RC_FATAL);
		return;
	}
	struct ike_sa_choice choice;
	d = ike_sa_accept(&child->offer->sa, &sa->u.sa, true, &choice);
	if (d == NULL && choice.spi_size != 4)
		d = diag("the accepted ESP proposal has a %u byte SPI", choice.spi_size);
	ip_subnet l, r;
	if (d == NULL && (!ts_take(&tsi->u.ts, &child->local_ts, &l) ||
			  !ts_take(&tsr->u.ts, &child->remote_ts, &r)))
		d = diag("the responder's traffic selectors are not the ones proposed");
	bool transport = ike_message_get_notify(m, v2N_USE_TRANSPORT_MODE) != NULL;
	if (d == NULL && transport != child->transport)
		d = diag("the responder %s transport mode", transport ? "chose" : "refused");
	if (d != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "IKE_AUTH response Child SA: %s", diag_str(d));
		diag_free(&d);
		/* the peer installed it: tell it the Child SA is gone */
		child->spi_out = choice.spi_size == 4 ? spi32(choice.spi) : 0;
		send_delete_child(child);
		child_sa_delete(child);
		ike_whack_done(ike, CTL_RC_FATAL);
		return;
	}
	child->choice = choice;
	child->spi_out = spi32(choice.spi);
	child->esn = choice.has[IKEv2_TRANS_ESN] && choice.id[IKEv2_TRANS_ESN] == IKEv2_ESN_YES;
	child_submit_keymat(child, initiator_child_keys);
}

void process_ike_auth_notify(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	(void)e;
	retransmit_stop(ike);
	const struct ike_payload *err = first_error(rx->m);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "IKE SA authentication request rejected by peer: ");
		if (err != NULL)
			jam_ike_notify(b, err->u.n.type);
		else
			jam_str(b, "no IDr or AUTH payload");
	}
	fail(ike, CTL_RC_FATAL);
}

/* ---- responder ---- */

static void respond_error(struct ike_sa *ike, uint32_t msgid, uint16_t type)
{
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_IKE_AUTH, true, msgid);
	out_open_sk(o);
	out_notify(o, type, NULL, 0);
	size_t len = 0;
	diag_t d = out_finish(o, &len);
	if (d == NULL) {
		ikev2_send_response(ike, o, len, msgid);
		LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
			jam_str(b, "responding to IKE_AUTH request with notification ");
			jam_ike_notify(b, type);
		}
	} else {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "IKE_AUTH error response");
	}
	free(o);
}

/* choose and install the Child SA; 0 or the notify to answer with */
static uint16_t responder_child(struct ike_sa *ike, const struct ike_message *m,
				struct child_sa **out)
{
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *tsi = ike_message_get(m, IKEv2_NP_TSi);
	const struct ike_payload *tsr = ike_message_get(m, IKEv2_NP_TSr);
	if (sa == NULL || tsi == NULL || tsr == NULL) {
		llog(&ike->logger, LOG_SEV_INFO, "IKE_AUTH request proposes no Child SA (SA, TSi and TSr are %s)",
		     sa == NULL && tsi == NULL && tsr == NULL ? "absent: childless" : "incomplete");
		return sa == NULL && tsi == NULL && tsr == NULL ? 0 : v2N_INVALID_SYNTAX;
	}
	struct child_sa *child = child_sa_new(ike);
	conn_clients(ike, &child->local_ts, &child->remote_ts);
	child->transport = conn_transport(ike);
	*out = child;
	diag_t d = child_offer(child, false);
	struct ike_sa_choice choice;
	if (d == NULL)
		d = ike_sa_choose(&child->offer->sa, &sa->u.sa, 0, true, &choice);
	if (d == NULL && choice.spi_size != 4)
		d = diag("the chosen ESP proposal has a %u byte SPI", choice.spi_size);
	if (d != NULL) {
		llog(&child->logger, LOG_SEV_INFO, "Child SA: %s; responding with NO_PROPOSAL_CHOSEN",
		     diag_str(d));
		diag_free(&d);
		return v2N_NO_PROPOSAL_CHOSEN;
	}
	/* TSi is the initiator's side: our remote client */
	if (!ts_covers(&tsi->u.ts, &child->remote_ts) || !ts_covers(&tsr->u.ts, &child->local_ts)) {
		LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
			jam_str(b, "Child SA: the initiator's traffic selectors do not cover ");
			jam_child_ts(b, child);
			jam_str(b, "; responding with TS_UNACCEPTABLE");
		}
		return v2N_TS_UNACCEPTABLE;
	}
	bool transport = ike_message_get_notify(m, v2N_USE_TRANSPORT_MODE) != NULL;
	if (transport != child->transport) {
		llog(&child->logger, LOG_SEV_INFO, "Child SA: the initiator %s transport mode but this end is type=%s; responding with NO_PROPOSAL_CHOSEN",
		     transport ? "wants" : "does not want", child->transport ? "transport" : "tunnel");
		return v2N_NO_PROPOSAL_CHOSEN;
	}
	child->choice = choice;
	child->spi_out = spi32(choice.spi);
	child->esn = choice.has[IKEv2_TRANS_ESN] && choice.id[IKEv2_TRANS_ESN] == IKEv2_ESN_YES;
	d = child_alloc_spi(child);
	if (d != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "Child SA not installed; responding with NO_PROPOSAL_CHOSEN: %s",
		     diag_str(d));
		diag_free(&d);
		return v2N_NO_PROPOSAL_CHOSEN;
	}
	return 0;
}

/* whether C (same host pair) could carry this IKE SA: its ike= accepts
 * what was negotiated, the peer's ID fits, its subnets are in the TS */
static bool conn_fits(const struct ike_sa *ike, const struct connection *c, const struct ike_message *m)
{
	const struct id *want = &conn_that(c)->id;
	if (!id_is_wildcard(want) && !id_matches(want, &ike->peer_id))
		return false;
	if (c == ike->conn)
		goto ts;
	struct ike_sa_build *ours = NULL, *chosen = malloc(sizeof(*chosen));
	if (chosen == NULL)
		abort();
	ike_sa_choice_to_sa(&ike->choice, NULL, 0, chosen);
	diag_t d = ike_offer(c, &ours);
	struct ike_sa_choice tmp;
	if (d == NULL)
		d = ike_sa_choose(&ours->sa, &chosen->sa, ike->ke_group, false, &tmp);
	free(ours);
	free(chosen);
	if (d != NULL) {
		diag_free(&d);
		return false;
	}
ts:;
	const struct ike_payload *tsi = ike_message_get(m, IKEv2_NP_TSi);
	const struct ike_payload *tsr = ike_message_get(m, IKEv2_NP_TSr);
	if (tsi == NULL || tsr == NULL)
		return true;
	const struct end *this = conn_this(c), *that = conn_that(c);
	ip_subnet local = subnet_is_unset(&this->client) ? subnet_from_address(&ike->local.addr) : this->client;
	ip_subnet remote = subnet_is_unset(&that->client) ? subnet_from_address(&ike->remote.addr) : that->client;
	bool transport = c->config != NULL && c->config->type == CONN_TYPE_TRANSPORT;
	return ts_covers(&tsi->u.ts, &remote) && ts_covers(&tsr->u.ts, &local) &&
	       transport == (ike_message_get_notify(m, v2N_USE_TRANSPORT_MODE) != NULL);
}

/* IKE_SA_INIT picked a connection by addresses and ike=; the IDs and
 * traffic selectors may point at another one for the same host pair */
static void refine_conn(struct ikev2_engine *e, struct ike_sa *ike, const struct ike_message *m)
{
	if (conn_fits(ike, ike->conn, m))
		return;
	for (struct connection *c = e->ops->find_conn(e->ctx, &ike->local, &ike->remote, NULL);
	     c != NULL; c = e->ops->find_conn(e->ctx, &ike->local, &ike->remote, c)) {
		if (c != ike->conn && conn_fits(ike, c, m)) {
			llog(&ike->logger, LOG_SEV_INFO, "switched to connection \"%s\" (its IDs and subnets fit)",
			     c->name);
			ike->conn = c;
			return;
		}
	}
}

/* the IKE_AUTH response: IDr, AUTH and the Child SA or why not */
static void responder_finish(struct ike_sa *ike, struct child_sa *child, uint16_t child_error)
{
	uint32_t msgid = ike->peer_msgid;	/* the request being answered */
	uint8_t body[ID_BODY_MAX];
	size_t body_len = 0;
	uint8_t our_auth[CRYPTO_MAX_PRF_SIZE];
	size_t our_auth_len = 0;
	diag_t d = local_id_body(ike, body, &body_len);
	if (d == NULL)
		d = ike_psk_auth(ike, true, (struct ike_span){ body, body_len }, our_auth, &our_auth_len);
	struct ikev2_out *o = malloc(sizeof(*o));
	struct ike_sa_build *sab = malloc(sizeof(*sab));
	if (o == NULL || sab == NULL)
		abort();
	if (d == NULL) {
		out_init(o, ike, ISAKMP_v2_IKE_AUTH, true, msgid);
		out_open_sk(o);
		put_id_auth(o, IKEv2_NP_IDr, body, body_len, our_auth, our_auth_len);
		if (child_error != 0) {
			out_notify(o, child_error, NULL, 0);
		} else if (child != NULL) {
			uint8_t spi[4] = { (uint8_t)(child->spi_in >> 24), (uint8_t)(child->spi_in >> 16),
					   (uint8_t)(child->spi_in >> 8), (uint8_t)child->spi_in };
			ike_sa_choice_to_sa(&child->choice, spi, 4, sab);
			/* TSi: the initiator's side, our remote client */
			put_child(o, &sab->sa, &child->remote_ts, &child->local_ts, child->transport);
		}
	}
	size_t len = 0;
	if (d == NULL)
		d = out_finish(o, &len);
	free(sab);
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "IKE_AUTH response");
		free(o);
		ike_sa_delete(ike);
		return;
	}
	ikev2_send_response(ike, o, len, msgid);
	free(o);
	if (child_error != 0 && child != NULL) {
		child_sa_delete(child);
	} else if (child != NULL) {
		child->state = ESTABLISHED_CHILD_SA;
		ike->eng->sas.nr_child_established++;
		child_log_established(child);
	}
}

static void responder_child_keys(struct ike_sa *ike, struct child_sa *child,
				 const struct crypto_child_kernel_keys *keys, diag_t *d)
{
	if (*d == NULL)
		*d = child_install(child, keys);
	if (*d != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "Child SA not installed; responding with NO_PROPOSAL_CHOSEN: %s",
		     diag_str(*d));
		responder_finish(ike, child, v2N_NO_PROPOSAL_CHOSEN);
		return;
	}
	responder_finish(ike, child, 0);
}

void process_ike_auth_request(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	const struct ike_message *m = rx->m;
	uint32_t msgid = m->hdr.msgid;
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "processing decrypted IKE_AUTH request containing ");
		jam_inner_payloads(b, m);
	}
	const struct ike_payload *idi = ike_message_get(m, IKEv2_NP_IDi);
	const struct ike_payload *auth = ike_message_get(m, IKEv2_NP_AUTH);
	diag_t d = id_from_payload(&idi->u.id, &ike->peer_id);
	if (d == NULL)
		refine_conn(e, ike, m);
	if (d == NULL) {
		struct id want_id;
		ike_remote_id(ike, &want_id);
		const struct id *want = &want_id;
		if (!id_is_wildcard(want) && !id_matches(want, &ike->peer_id)) {
			id_buf a, b;
			d = diag("peer ID '%s' does not match the connection's '%s'",
				 str_id(&ike->peer_id, &a), str_id(want, &b));
		}
	}
	uint8_t expect[CRYPTO_MAX_PRF_SIZE];
	size_t expect_len = 0;
	if (d == NULL && auth->u.auth.method != IKEv2_AUTH_PSK)
		d = diag("peer authenticated with %s, not with a pre-shared key",
			 ike_auth_method_name(auth->u.auth.method) != NULL
			 ? ike_auth_method_name(auth->u.auth.method) : "an unknown method");
	if (d == NULL)
		d = ike_psk_auth(ike, false, idi->body, expect, &expect_len);
	if (d == NULL && (auth->u.auth.data.len != expect_len ||
			  !crypto_memeq(auth->u.auth.data.ptr, expect, expect_len)))
		d = diag("AUTH payload does not match (pre-shared key mismatch?)");
	if (d != NULL) {
		llog(&ike->logger, LOG_SEV_INFO, "authentication of the initiator using authby=secret failed: %s",
		     diag_str(d));
		diag_free(&d);
		respond_error(ike, msgid, v2N_AUTHENTICATION_FAILED);
		ike_sa_delete(ike);
		return;
	}
	/* our own AUTH must be computable before we call the peer authenticated */
	uint8_t body[ID_BODY_MAX];
	size_t body_len = 0;
	uint8_t our_auth[CRYPTO_MAX_PRF_SIZE];
	size_t our_auth_len = 0;
	d = local_id_body(ike, body, &body_len);
	if (d == NULL)
		d = ike_psk_auth(ike, true, (struct ike_span){ body, body_len }, our_auth, &our_auth_len);
	if (d != NULL) {
		llog(&ike->logger, LOG_SEV_ERROR, "cannot authenticate with authby=secret: %s", diag_str(d));
		diag_free(&d);
		respond_error(ike, msgid, v2N_AUTHENTICATION_FAILED);
		ike_sa_delete(ike);
		return;
	}
	ike_set_state(ike, ESTABLISHED_IKE_SA);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_auth_peer(b, ike);
	}
	struct child_sa *child = NULL;
	uint16_t child_error = responder_child(ike, m, &child);
	if (child != NULL && child_error == 0) {
		/* the response waits for the keymat (a worker) and the kernel */
		child_submit_keymat(child, responder_child_keys);
		return;
	}
	responder_finish(ike, child, child_error);
}
