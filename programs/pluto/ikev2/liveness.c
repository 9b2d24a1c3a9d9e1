/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Liveness (dead peer detection, RFC 7296 2.4) with dpddelay=: when
 * nothing authenticated came from the peer for dpddelay, an empty
 * INFORMATIONAL request goes out; it is retransmitted like any request,
 * and when retransmit-timeout passes without an answer the IKE SA and its
 * Child SAs are torn down ("liveness action"), and an auto=start
 * connection is initiated again (revival.c: at once, then backing off).
 */
#include "tern/ctl.h"
#include "ikev2/internal.h"

static uint64_t dpddelay_ms(const struct ike_sa *ike)
{
	const struct conn_config *cc = ike->conn->config;
	return cc != NULL ? cc->dpddelay_ms : 0;
}

static void on_timer(void *arg);

static void arm(struct ike_sa *ike, uint64_t ms)
{
	struct ikev2_engine *e = ike->eng;
	if (ike->dpd_timer != NULL)
		e->ops->timer_cancel(e->ctx, ike->dpd_timer);
	ike->dpd_timer = e->ops->timer_start(e->ctx, ms, on_timer, ike);
}

void liveness_start(struct ike_sa *ike)
{
	ike->last_rx_ms = ike->eng->ops->now_ms(ike->eng->ctx);
	uint64_t delay = dpddelay_ms(ike);
	if (delay > 0)
		arm(ike, delay);
}

void liveness_stop(struct ike_sa *ike)
{
	if (ike->dpd_timer != NULL) {
		ike->eng->ops->timer_cancel(ike->eng->ctx, ike->dpd_timer);
		ike->dpd_timer = NULL;
	}
}

static void on_timer(void *arg)
{
	struct ike_sa *ike = arg;
	struct ikev2_engine *e = ike->eng;
	ike->dpd_timer = NULL;
	uint64_t delay = dpddelay_ms(ike);
	if (ike->state != ESTABLISHED_IKE_SA || delay == 0)
		return;
	uint64_t now = e->ops->now_ms(e->ctx);
	uint64_t idle = now - ike->last_rx_ms;
	if (idle < delay) {
		/* heard from the peer meanwhile */
		arm(ike, delay - idle);
		return;
	}
	if (ike->req.pkt == NULL && !ike->busy) {
		ldbg(&ike->logger, "nothing from the peer for %llu ms: sending a liveness probe",
		     (unsigned long long)idle);
		ikev2_send_liveness(e, ike);
	}
	/* an outstanding request is a probe too: its timeout is the verdict */
	arm(ike, delay);
}

void liveness_failed(struct ike_sa *ike)
{
	bool revive = revival_wanted(ike->conn);
	llog(&ike->logger, LOG_SEV_INFO, "liveness action - %s",
	     revive ? "restarting all connections that share this peer" : "clearing connection");
	ike_whack_done(ike, CTL_RC_NORETRANSMISSION);
	/* the schedule (revival.c): attempt 1 at once, then backing off */
	if (revive)
		(void)revival_ike_died(ike, "timed out");
	ike_sa_delete(ike);
}
