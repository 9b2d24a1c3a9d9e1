/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * INFORMATIONAL (RFC 7296 1.4): Delete of Child SAs (ESP SPIs) and of the
 * IKE SA, both roles; an empty request is a liveness check and gets an
 * empty response.
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/internal.h"

static void put_spi(uint8_t *p, uint32_t spi)
{
	p[0] = (uint8_t)(spi >> 24);
	p[1] = (uint8_t)(spi >> 16);
	p[2] = (uint8_t)(spi >> 8);
	p[3] = (uint8_t)spi;
}

static void send_delete(struct ike_sa *ike, uint8_t protocol, const uint8_t *spis, unsigned nr)
{
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_INFORMATIONAL, false, ike->next_msgid);
	out_open_sk(o);
	struct ike_payload p = { .type = IKEv2_NP_D, .known = true,
				 .u.d = { .protocol = protocol, .spi_size = nr > 0 ? 4 : 0,
					  .nr_spis = (uint16_t)nr, .spis = { spis, nr * 4u } } };
	ike_put_payload(&o->b, &p);
	size_t len;
	diag_t d = out_finish(o, &len);
	if (d == NULL)
		ikev2_send_request(ike, o, len);
	else
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "INFORMATIONAL Delete request");
	free(o);
}

void send_delete_child(struct child_sa *child)
{
	struct ike_sa *ike = child->ike;
	if (ike->state != ESTABLISHED_IKE_SA)
		return;
	uint8_t spi[4];
	put_spi(spi, child->spi_in);
	send_delete(ike, IKEv2_PROTO_ESP, spi, 1);
	llog(&child->logger, LOG_SEV_INFO, "sent INFORMATIONAL request to delete Child SA (ESP SPI 0x%08x)",
	     child->spi_in);
}

void send_delete_children(struct ike_sa *ike, struct child_sa *const *v, unsigned n)
{
	if (ike->state != ESTABLISHED_IKE_SA || n == 0 || n > 8)
		return;
	uint8_t spis[4 * 8];
	for (unsigned i = 0; i < n; i++)
		put_spi(spis + 4 * i, v[i]->spi_in);
	send_delete(ike, IKEv2_PROTO_ESP, spis, n);
	for (unsigned i = 0; i < n; i++)
		llog(&v[i]->logger, LOG_SEV_INFO, "sent INFORMATIONAL request to delete Child SA (ESP SPI 0x%08x)",
		     v[i]->spi_in);
}

void send_auth_failed(struct ike_sa *ike)
{
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_INFORMATIONAL, false, ike->next_msgid);
	out_open_sk(o);
	out_notify(o, v2N_AUTHENTICATION_FAILED, NULL, 0);
	size_t len = 0;
	diag_t d = out_finish(o, &len);
	if (d == NULL) {
		/* sent once: the IKE SA is deleted right after */
		ikev2_send_raw(ike->eng, &ike->local, &ike->remote, o->buf, len);
		llog(&ike->logger, LOG_SEV_INFO, "sent INFORMATIONAL request with notification AUTHENTICATION_FAILED");
	} else {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "AUTHENTICATION_FAILED notification");
	}
	free(o);
}

void send_delete_ike(struct ike_sa *ike)
{
	send_delete(ike, IKEv2_PROTO_IKE, NULL, 0);
	llog(&ike->logger, LOG_SEV_INFO, "sent INFORMATIONAL request to delete IKE SA");
}

static void respond(struct ike_sa *ike, uint32_t msgid, const uint8_t *esp_spis, unsigned nr)
{
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_INFORMATIONAL, true, msgid);
	out_open_sk(o);
	if (nr > 0) {
		struct ike_payload p = { .type = IKEv2_NP_D, .known = true,
					 .u.d = { .protocol = IKEv2_PROTO_ESP, .spi_size = 4,
						  .nr_spis = (uint16_t)nr, .spis = { esp_spis, nr * 4u } } };
		ike_put_payload(&o->b, &p);
	}
	size_t len;
	diag_t d = out_finish(o, &len);
	if (d == NULL)
		ikev2_send_response(ike, o, len, msgid);
	else
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "INFORMATIONAL response");
	free(o);
}

void process_informational_request(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	(void)e;
	const struct ike_message *m = rx->m;
	uint32_t msgid = m->hdr.msgid;
	bool delete_ike = false;
	for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_D); p != NULL;
	     p = ike_message_next(m, p))
		if (p->u.d.protocol == IKEv2_PROTO_IKE)
			delete_ike = true;
	if (delete_ike) {
		respond(ike, msgid, NULL, 0);
		llog(&ike->logger, LOG_SEV_INFO, "received Delete SA payload: deleting IKE SA");
		/* a redundant IKE SA of a rekey collision: its Child SAs stay */
		ike_rekey_collision_delete(ike);
		/* auto=start: the connection comes back (revival.c) */
		(void)revival_ike_died(ike, "was deleted by the peer");
		ike_sa_delete(ike);
		return;
	}
	/* the initiator could not authenticate us: the IKE SA is dead */
	if (ike_message_get_notify(m, v2N_AUTHENTICATION_FAILED) != NULL) {
		respond(ike, msgid, NULL, 0);
		llog(&ike->logger, LOG_SEV_INFO, "peer rejected our authentication (AUTHENTICATION_FAILED): deleting IKE SA");
		ike_sa_delete(ike);
		return;
	}
	/* ESP deletes: the SPIs the peer receives on, our outbound ones */
	uint8_t answer[4 * 64];
	unsigned nr_answer = 0;
	struct child_sa *gone[64];
	unsigned nr_gone = 0;
	for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_D); p != NULL;
	     p = ike_message_next(m, p)) {
		if (p->u.d.protocol != IKEv2_PROTO_ESP || p->u.d.spi_size != 4) {
			llog(&ike->logger, LOG_SEV_INFO, "ignoring Delete SA payload for protocol %u with %u byte SPIs",
			     p->u.d.protocol, p->u.d.spi_size);
			continue;
		}
		for (unsigned i = 0; i < p->u.d.nr_spis; i++) {
			const uint8_t *s = p->u.d.spis.ptr + 4 * i;
			uint32_t spi = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
			struct child_sa *c = ike->children;
			while (c != NULL && c->spi_out != spi)
				c = c->sibling_next;
			if (c == NULL) {
				llog(&ike->logger, LOG_SEV_INFO, "received Delete SA payload for unknown ESP SPI 0x%08x",
				     spi);
				continue;
			}
			bool dup = false;
			for (unsigned k = 0; k < nr_gone; k++)
				dup |= gone[k] == c;
			if (dup || nr_gone == 64)
				continue;
			gone[nr_gone++] = c;
			put_spi(answer + 4 * nr_answer++, c->spi_in);
		}
	}
	if (nr_gone == 0 && ike_message_get(m, IKEv2_NP_D) == NULL)
		ldbg(&ike->logger, "answering an empty INFORMATIONAL request (liveness)");
	respond(ike, msgid, answer, nr_answer);
	for (unsigned k = 0; k < nr_gone; k++) {
		llog(&gone[k]->logger, LOG_SEV_INFO, "received Delete SA payload: deleting Child SA");
		child_sa_delete(gone[k]);
	}
}

void process_informational_response(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	(void)e;
	(void)rx;
	retransmit_stop(ike);
	ldbg(&ike->logger, "INFORMATIONAL response received");
}

void ikev2_send_liveness(struct ikev2_engine *e, struct ike_sa *ike)
{
	(void)e;
	if (ike->state != ESTABLISHED_IKE_SA || ike->req.pkt != NULL)
		return;
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_INFORMATIONAL, false, ike->next_msgid);
	out_open_sk(o);
	size_t len;
	diag_t d = out_finish(o, &len);
	if (d == NULL)
		ikev2_send_request(ike, o, len);
	else
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "INFORMATIONAL request");
	free(o);
}
