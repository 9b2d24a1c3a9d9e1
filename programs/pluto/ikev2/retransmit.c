/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Retransmission of our outstanding request (window 1), as Libreswan: the
 * first wait is 0.5 s (retransmit-interval), then each retransmit waits
 * twice the previous one (0.5, 1, 2, 4 ...), never past
 * retransmit-timeout (default 60 s) counted from the first transmission;
 * then the IKE SA is given up with
 *   "IKE_SA_INIT_I: 60 second timeout exceeded after 7 retransmits.  No response
 *    (or no acceptable response) to our first IKEv2 message"
 * and the whack client gets RC_NORETRANSMISSION.
 */
#include <stdio.h>

#include "tern/ctl.h"
#include "ikev2/internal.h"

static uint64_t conn_interval_ms(const struct ike_sa *ike)
{
	const struct conn_config *cc = ike->conn->config;
	return cc != NULL && cc->retransmit_interval_ms > 0 ? cc->retransmit_interval_ms
							    : IKEV2_RETRANSMIT_FIRST_MS;
}

static uint64_t conn_timeout_ms(const struct ike_sa *ike)
{
	const struct conn_config *cc = ike->conn->config;
	return cc != NULL && cc->retransmit_timeout_ms > 0 ? cc->retransmit_timeout_ms : 60000;
}

/* "0.5", "1", "2" */
static void jam_seconds(struct jambuf *b, uint64_t ms)
{
	if (ms % 1000 == 0)
		jam(b, "%llu", (unsigned long long)(ms / 1000));
	else
		jam(b, "%llu.%llu", (unsigned long long)(ms / 1000),
		    (unsigned long long)(ms % 1000 / 100));
}

static void on_timer(void *arg);

static void arm(struct ike_sa *ike, uint64_t delay)
{
	struct ikev2_engine *e = ike->eng;
	ike->req.delay_ms = delay;
	ike->req.timer = e->ops->timer_start(e->ctx, delay, on_timer, ike);
}

void retransmit_start(struct ike_sa *ike)
{
	ike->req.retransmits = 0;
	ike->req.waited_ms = 0;
	ike->req.started_ms = ike->eng->ops->now_ms(ike->eng->ctx);
	arm(ike, conn_interval_ms(ike));
}

void retransmit_stop(struct ike_sa *ike)
{
	if (ike->req.timer != NULL)
		ike->eng->ops->timer_cancel(ike->eng->ctx, ike->req.timer);
	ike->req.timer = NULL;
	free(ike->req.pkt);
	ike->req.pkt = NULL;
	ike->req.len = 0;
}

static void on_timer(void *arg)
{
	struct ike_sa *ike = arg;
	struct ikev2_engine *e = ike->eng;
	ike->req.timer = NULL;
	if (ike->req.pkt == NULL)
		return;
	/* counted on the schedule, not the clock: a late timer changes nothing */
	uint64_t elapsed = ike->req.waited_ms += ike->req.delay_ms;
	uint64_t timeout = conn_timeout_ms(ike);
	if (elapsed >= timeout) {
		bool first = ike->req.exchange == ISAKMP_v2_IKE_SA_INIT;
		LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
			jam(b, "%s: ", ike_sa_state_name(ike->state));
			jam_seconds(b, timeout);
			jam(b, " second timeout exceeded after %u retransmits.  No response (or no acceptable response) to our %sIKEv2 message",
			    ike->req.retransmits, first ? "first " : "");
		}
		if (ike->state == ESTABLISHED_IKE_SA) {
			liveness_failed(ike);
			return;
		}
		ike_whack_done(ike, CTL_RC_NORETRANSMISSION);
		/* an auto=start connection tries again, backing off (revival.c) */
		if (ike->initiator && ike->rekey_of == 0)
			(void)revival_ike_died(ike, "timed out");
		ike_sa_delete(ike);
		return;
	}
	uint64_t next = ike->req.retransmits == 0 ? ike->req.delay_ms : ike->req.delay_ms * 2;
	if (next > timeout - elapsed)
		next = timeout - elapsed;
	ike->req.retransmits++;
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "retransmitting ");
		jam_ike_exchange(b, ike->req.exchange);
		jam_str(b, " request; will wait ");
		jam_seconds(b, next);
		jam_str(b, " seconds for response");
	}
	ikev2_send_raw(e, &ike->local, &ike->remote, ike->req.pkt, ike->req.len);
	arm(ike, next);
}
