/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Revival: a connection that is supposed to remain up -- auto=start, or
 * brought up with `ipsec up` (whack --initiate), and not taken down with
 * `ipsec down` since, as Libreswan's UP policy (struct connection's up) --
 * is initiated again when its IKE SA dies -- liveness
 * (DPD) timeout, the peer's Delete, a negotiation that timed out -- with
 * Libreswan's schedule: attempt 1 at once, then 5 s more per attempt, at
 * most 5 minutes apart:
 *
 *   "C" #1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds
 *   "C": reviving connection which timed out but must remain up per local policy (serial $1)
 *
 * The schedule starts over once an IKE SA of the connection is
 * established; `ipsec down` / `ipsec delete` (ikev2_terminate()) cancel a
 * revival that is pending.  An auto=ondemand conn whose tunnel came up
 * from its trap (an ACQUIRE) goes back to the trap instead (conn/route.c),
 * unless `ipsec up` brought it up.  The pending revivals are a short list per
 * process (a few connections at a time are down), never walked per
 * packet.
 */
#include <stdlib.h>

#include "tern/ctl.h"
#include "ikev2/internal.h"

struct revival {
	struct ikev2_engine *e;
	struct connection *c;
	unsigned attempt;	/* the last one scheduled (1 = the first) */
	uint64_t next_delay_ms;	/* for the next attempt */
	void *timer;		/* engine timer, NULL: none pending */
	const char *subplot;	/* "timed out" ... (static text) */
	struct revival *next;
};

static struct revival *revivals;

uint64_t revival_delay_ms(unsigned attempt)
{
	if (attempt <= 1)
		return 0;
	uint64_t d = (uint64_t)(attempt - 1) * REVIVAL_DELAY_STEP_MS;
	return d > REVIVAL_DELAY_MAX_MS ? REVIVAL_DELAY_MAX_MS : d;
}

bool revival_wanted(const struct connection *c)
{
	/* Libreswan's UP policy: auto=start sets it when the conn is
	 * loaded, `ipsec up` sets it, `ipsec down` clears it */
	const struct conn_config *cc = c->config;
	/* rekey=no: Libreswan does not revive either (POLICY_DONT_REKEY) */
	if (cc != NULL && !cc->rekey)
		return false;
	if (c->up != 0)
		return c->up == CONN_UP;
	return cc != NULL && cc->autostart == AUTO_START;
}

static struct revival **find(struct ikev2_engine *e, const struct connection *c)
{
	struct revival **pp = &revivals;
	while (*pp != NULL && ((*pp)->e != e || (*pp)->c != c))
		pp = &(*pp)->next;
	return pp;
}

static void on_timer(void *arg)
{
	struct revival *r = arg;
	r->timer = NULL;
	struct connection *c = r->c;
	llog(&c->logger, LOG_SEV_INFO,
	     "reviving connection which %s but must remain up per local policy (serial $%lu)",
	     r->subplot, c->serial);
	struct ikev2_initiate_opts opts = { .childless = false };
	int rc = ikev2_initiate(r->e, c, NULL, &opts);
	if (rc != CTL_RC_OK && rc != IKEV2_INITIATE_STARTED)
		ldbg(&c->logger, "revival attempt %u could not start (rc %d)", r->attempt, rc);
}

bool revival_schedule(struct ikev2_engine *e, struct connection *c, const struct logger *logger,
		      const char *subplot)
{
	if (!revival_wanted(c) || !conn_oriented(c))
		return false;
	struct revival **pp = find(e, c);
	struct revival *r = *pp;
	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			abort();
		r->e = e;
		r->c = c;
		r->next = revivals;
		revivals = r;
	}
	if (r->timer != NULL) {
		ldbg(logger, "revival of \"%s\" already scheduled", c->name);
		return true;
	}
	r->attempt++;
	uint64_t delay = revival_delay_ms(r->attempt);
	r->subplot = subplot;
	llog(logger, LOG_SEV_INFO,
	     "connection is supposed to remain up; revival attempt %u scheduled in %llu seconds",
	     r->attempt, (unsigned long long)(delay / 1000));
	r->timer = e->ops->timer_start(e->ctx, delay, on_timer, r);
	return true;
}

static void drop(struct revival **pp)
{
	struct revival *r = *pp;
	if (r->timer != NULL)
		r->e->ops->timer_cancel(r->e->ctx, r->timer);
	*pp = r->next;
	free(r);
}

void revival_reset(struct ikev2_engine *e, const struct connection *c)
{
	/* up again (perhaps the peer initiated meanwhile): nothing pending
	 * either, and the next failure starts at attempt 1 */
	struct revival **pp = find(e, c);
	if (*pp != NULL) {
		if ((*pp)->timer != NULL)
			ldbg(&c->logger, "revival attempt %u no longer needed", (*pp)->attempt);
		drop(pp);
	}
}

bool revival_cancel(struct ikev2_engine *e, const struct connection *c)
{
	struct revival **pp = find(e, c);
	if (*pp == NULL)
		return false;
	bool pending = (*pp)->timer != NULL;
	drop(pp);
	return pending;
}

unsigned revival_attempt(struct ikev2_engine *e, const struct connection *c)
{
	struct revival *r = *find(e, c);
	return r != NULL ? r->attempt : 0;
}

bool revival_pending(struct ikev2_engine *e, const struct connection *c)
{
	struct revival *r = *find(e, c);
	return r != NULL && r->timer != NULL;
}

void revival_free_engine(struct ikev2_engine *e)
{
	struct revival **pp = &revivals;
	while (*pp != NULL) {
		if ((*pp)->e == e)
			drop(pp);
		else
			pp = &(*pp)->next;
	}
}

/* whether another IKE SA of IKE's connection is up or being negotiated (a
 * rekey of IKE still in flight dies with it) */
static bool conn_has_other_ike(const struct ike_sa *ike)
{
	for (const struct ike_sa *s = sa_ike_of_conn(&ike->eng->sas, ike->conn); s != NULL; s = s->conn_next)
		if (s != ike && s->state != IKE_SA_DELETE &&
		    !(s->rekey_of == ike->serial && s->state != ESTABLISHED_IKE_SA))
			return true;
	return false;
}

bool revival_ike_died(struct ike_sa *ike, const char *subplot)
{
	if (!revival_wanted(ike->conn))
		return false;
	if (conn_has_other_ike(ike)) {
		ldbg(&ike->logger, "revival: skipping, another IKE SA of the connection is there");
		return false;
	}
	return revival_schedule(ike->eng, ike->conn, &ike->logger, subplot);
}
