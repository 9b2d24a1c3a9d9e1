/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Receiving: find the IKE SA, answer duplicates from the saved response,
 * check message IDs, decode, decrypt, and pick the transition.
 *
 * The transition table below IS the protocol flow of this pluto:
 *
 *   responder                                  initiator
 *   (none)  IKE_SA_INIT rq SA KE Ni  -> R      IKE_SA_INIT_I  rs SA KE Nr -> IKE_AUTH_I
 *                                              IKE_SA_INIT_I  rs N (COOKIE, INVALID_KE, error)
 *   IKE_SA_INIT_R IKE_AUTH rq SK{IDi AUTH [SA TSi TSr]} -> ESTABLISHED
 *                                              IKE_AUTH_I  rs SK{IDr AUTH [SA TSi TSr]} -> ESTABLISHED
 *                                              IKE_AUTH_I  rs SK{N(error)}
 *   ESTABLISHED INFORMATIONAL rq SK{[D] [N]}   ESTABLISHED INFORMATIONAL rs SK{[D]}
 *   ESTABLISHED CREATE_CHILD_SA rq SK{[N(REKEY_SA)] SA Ni [KE] [TSi TSr]}
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/internal.h"
#include "ikev2/nat.h"

static const struct ikev2_transition transitions[] = {
	{ "Respond to IKE_SA_INIT", ISAKMP_v2_IKE_SA_INIT, false, 0, false,
	  PB(IKEv2_NP_SA) | PB(IKEv2_NP_KE) | PB(IKEv2_NP_Ni), 0,
	  process_ike_sa_init_request },
	{ "Initiator: process IKE_SA_INIT response, initiate IKE_AUTH", ISAKMP_v2_IKE_SA_INIT, true,
	  ST(IKE_SA_INIT_I), false,
	  PB(IKEv2_NP_SA) | PB(IKEv2_NP_KE) | PB(IKEv2_NP_Ni), PB(IKEv2_NP_CERTREQ),
	  process_ike_sa_init_response },
	{ "Initiator: process IKE_SA_INIT notification (COOKIE, INVALID_KE_PAYLOAD, error)",
	  ISAKMP_v2_IKE_SA_INIT, true, ST(IKE_SA_INIT_I), false, PB(IKEv2_NP_N), 0,
	  process_ike_sa_init_notify },
	{ "Responder: process IKE_AUTH request", ISAKMP_v2_IKE_AUTH, false, ST(IKE_SA_INIT_R), true,
	  PB(IKEv2_NP_IDi) | PB(IKEv2_NP_AUTH),
	  PB(IKEv2_NP_IDr) | PB(IKEv2_NP_CERT) | PB(IKEv2_NP_CERTREQ) | PB(IKEv2_NP_SA) |
	  PB(IKEv2_NP_TSi) | PB(IKEv2_NP_TSr) | PB(IKEv2_NP_CP),
	  process_ike_auth_request },
	{ "Initiator: process IKE_AUTH response", ISAKMP_v2_IKE_AUTH, true, ST(IKE_AUTH_I), true,
	  PB(IKEv2_NP_IDr) | PB(IKEv2_NP_AUTH),
	  PB(IKEv2_NP_CERT) | PB(IKEv2_NP_SA) | PB(IKEv2_NP_TSi) | PB(IKEv2_NP_TSr) | PB(IKEv2_NP_CP),
	  process_ike_auth_response },
	{ "Initiator: process IKE_AUTH error notification", ISAKMP_v2_IKE_AUTH, true, ST(IKE_AUTH_I),
	  true, PB(IKEv2_NP_N), 0, process_ike_auth_notify },
	{ "Respond to CREATE_CHILD_SA (Child SA rekey, new Child SA, IKE SA rekey)",
	  ISAKMP_v2_CREATE_CHILD_SA, false, ST(ESTABLISHED_IKE_SA), true, 0,
	  PB(IKEv2_NP_SA) | PB(IKEv2_NP_Ni) | PB(IKEv2_NP_KE) | PB(IKEv2_NP_TSi) | PB(IKEv2_NP_TSr),
	  process_create_child_sa_request },
	{ "Initiator: process CREATE_CHILD_SA response", ISAKMP_v2_CREATE_CHILD_SA, true,
	  ST(ESTABLISHED_IKE_SA), true, 0,
	  PB(IKEv2_NP_SA) | PB(IKEv2_NP_Ni) | PB(IKEv2_NP_KE) | PB(IKEv2_NP_TSi) | PB(IKEv2_NP_TSr),
	  process_create_child_sa_response },
	{ "Process INFORMATIONAL request (Delete, liveness)", ISAKMP_v2_INFORMATIONAL, false,
	  ST(ESTABLISHED_IKE_SA), true, 0, PB(IKEv2_NP_D) | PB(IKEv2_NP_CP),
	  process_informational_request },
	{ "Process INFORMATIONAL response", ISAKMP_v2_INFORMATIONAL, true, ST(ESTABLISHED_IKE_SA),
	  true, 0, PB(IKEv2_NP_D) | PB(IKEv2_NP_CP), process_informational_response },
};

static uint64_t payload_set(const struct ike_message *m, bool *out_of_range)
{
	uint64_t set = 0;
	*out_of_range = false;
	for (unsigned i = 0; i < m->nr_payloads; i++) {
		uint8_t t = m->payloads[i].type;
		if (t == IKEv2_NP_SK)
			continue;
		if (t < 33 || t > 53)
			*out_of_range = true;
		else
			set |= PB(t);
	}
	return set;
}

/*
 * An authenticated request we cannot parse (RFC 7296 2.21.2): answer
 * INVALID_SYNTAX; during IKE_AUTH the IKE SA is then abandoned.
 */
static void respond_invalid_syntax(struct ike_sa *ike, uint8_t exchange, uint32_t msgid)
{
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, exchange, true, msgid);
	out_open_sk(o);
	out_notify(o, v2N_INVALID_SYNTAX, NULL, 0);
	size_t len = 0;
	diag_t d = out_finish(o, &len);
	if (d == NULL)
		ikev2_send_response(ike, o, len, msgid);
	else
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "INVALID_SYNTAX response");
	free(o);
	if (ike->state != ESTABLISHED_IKE_SA)
		ike_sa_delete(ike);
}

void ikev2_dispatch(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	const struct ike_header *h = &rx->m->hdr;
	bool response = ike_header_is_response(h);
	unsigned state_bit = ike == NULL ? 0 : ST(ike->state);
	bool decrypted = false;
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
		const struct ikev2_transition *t = &transitions[i];
		if (t->exchange != h->exchange || t->response != response || t->states != state_bit)
			continue;
		if (t->encrypted && !decrypted) {
			bool authentic;
			diag_t d = ikev2_decrypt(ike, rx, &authentic);
			if (d != NULL) {
				LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
					jam_str(b, authentic ? "malformed " : "dropping ");
					jam_ike_exchange(b, h->exchange);
					jam(b, " %s: %s", response ? "response" : "request", diag_str(d));
					if (authentic && !response)
						jam_str(b, "; responding with INVALID_SYNTAX");
				}
				diag_free(&d);
				if (authentic && !response)
					respond_invalid_syntax(ike, h->exchange, h->msgid);
				return;
			}
			decrypted = true;
			ike->last_rx_ms = e->ops->now_ms(e->ctx);	/* liveness */
			if (!response)
				nat_follow(ike, rx);	/* a peer behind a NAT moved */
		}
		bool odd;
		uint64_t have = payload_set(rx->m, &odd);
		if ((have & t->required) != t->required)
			continue;
		uint64_t allowed = t->required | t->optional | PB(IKEv2_NP_N) | PB(IKEv2_NP_V);
		if ((have & ~allowed) != 0 || odd) {
			const struct logger *l = ike != NULL ? &ike->logger : &global_logger;
			LLOG_JAMBUF(l, LOG_SEV_INFO, b) {
				jam_str(b, "dropping ");
				jam_ike_exchange(b, h->exchange);
				jam(b, " %s with unexpected payloads: ", response ? "response" : "request");
				jam_ike_payloads(b, rx->m);
			}
			return;
		}
		ldbg(ike != NULL ? &ike->logger : &global_logger, "%s: transition \"%s\"", e->name,
		     t->story);
		t->handler(e, ike, rx);
		return;
	}
	const struct logger *l = ike != NULL ? &ike->logger : &global_logger;
	LLOG_JAMBUF(l, LOG_SEV_INFO, b) {
		jam_str(b, "dropping unexpected ");
		jam_ike_exchange(b, h->exchange);
		jam(b, " %s", response ? "response" : "request");
		if (ike != NULL)
			jam(b, " in state %s", ike_sa_state_name(ike->state));
		jam_str(b, " containing ");
		jam_ike_payloads(b, rx->m);
	}
}

static void rx_free(struct ikev2_rx *rx)
{
	free(rx->m);
	free(rx->buf);
}

void ikev2_receive(struct ikev2_engine *e, const ip_endpoint *local, const ip_endpoint *remote,
		   const uint8_t *pkt, size_t len)
{
	struct ike_header h;
	struct ike_decode_fail fail;
	diag_t d = ike_header_decode(pkt, len, &h, &fail);
	if (d != NULL) {
		endpoint_buf eb;
		ldbg(&global_logger, "%s: dropping %zu bytes from %s: %s", e->name, len,
		     str_endpoint(remote, &eb), diag_str(d));
		diag_free(&d);
		return;
	}
	bool response = ike_header_is_response(&h);
	/* the I flag is set by the original initiator: then we respond */
	bool we_initiated = !ike_header_is_initiator(&h);
	struct ike_sa *ike = sa_ike_by_spis(&e->sas, h.ispi, h.rspi, we_initiated, remote);
	if (ike == NULL) {
		if (h.exchange != ISAKMP_v2_IKE_SA_INIT || response || we_initiated ||
		    memcmp(h.rspi, "\0\0\0\0\0\0\0\0", 8) != 0 || h.msgid != 0) {
			endpoint_buf eb;
			ldbg(&global_logger, "%s: no IKE SA for a %s %s from %s; dropped", e->name,
			     ike_exchange_name(h.exchange) != NULL ? ike_exchange_name(h.exchange) : "?",
			     response ? "response" : "request", str_endpoint(remote, &eb));
			return;
		}
	} else if (response) {
		if (ike->req.pkt == NULL || h.msgid != ike->req.msgid) {
			ldbg(&ike->logger, "dropping a response with message ID %u (expecting %s%u)",
			     h.msgid, ike->req.pkt == NULL ? "none, was " : "", ike->req.msgid);
			return;
		}
	} else {
		if (ike->have_last_resp && h.msgid == ike->last_resp_msgid) {
			LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
				jam_str(b, "received duplicate ");
				jam_ike_exchange(b, h.exchange);
				jam_str(b, " request; retransmitting the response");
			}
			/* to where the request came from (RFC 7296 2.11): a peer
			 * behind a NAT may retransmit from a new mapping */
			ikev2_send_raw(e, local, remote, ike->last_resp, ike->last_resp_len);
			return;
		}
		if (h.msgid != ike->peer_msgid || ike->busy) {
			ldbg(&ike->logger, "dropping a request with message ID %u (expecting %u%s)",
			     h.msgid, ike->peer_msgid, ike->busy ? ", busy" : "");
			return;
		}
	}
	struct ikev2_rx rx = { .local = *local, .remote = *remote, .len = len };
	rx.buf = malloc(len);
	rx.m = malloc(sizeof(*rx.m));
	if (rx.buf == NULL || rx.m == NULL)
		abort();
	memcpy(rx.buf, pkt, len);
	d = ike_message_decode(rx.buf, len, rx.m, &fail);
	if (d != NULL) {
		const struct logger *l = ike != NULL ? &ike->logger : &global_logger;
		endpoint_buf eb;
		llog(l, LOG_SEV_INFO, "dropping malformed %s %s from %s: %s",
		     ike_exchange_name(h.exchange) != NULL ? ike_exchange_name(h.exchange) : "message",
		     response ? "response" : "request", str_endpoint(remote, &eb), diag_str(d));
		diag_free(&d);
		rx_free(&rx);
		return;
	}
	ikev2_dispatch(e, ike, &rx);
	rx_free(&rx);
}
