/*
 * A replaced Child SA's inbound SA, kept for a grace period.
 *
 * When a Child SA is replaced (the old one after a rekey, the redundant
 * one after a rekey collision, RFC 7296 2.8.1), the peer keeps sending
 * on it until it has processed our CREATE_CHILD_SA response or our
 * Delete, one round trip later; packets already on the wire arrive
 * after that.  Our outbound SA goes at once (the kernel then sends on
 * the successor, which shares the policies), the inbound SA after
 * CHILD_RETIRE_GRACE_MS (strongSwan's delete_rekeyed_delay does the
 * same).
 *
 * The retired SAs hang off the IKE SA: they go with it (ike_sa_delete()),
 * with the flow (the last Child SA of a reqid deleted), before a NAT
 * migration, and move with the Child SAs on an IKE SA rekey.
 */

#include <stdlib.h>

#include "ikev2/internal.h"

struct child_retired {
	struct ikev2_engine *e;
	struct ike_sa *ike;
	ip_address src, dst;	/* the inbound SA: peer to us */
	uint32_t spi, reqid;
	unsigned long serial;	/* of the Child SA, for the debug line */
	void *timer;
	struct child_retired *next;
};

static void unlink_retired(struct child_retired *r)
{
	struct child_retired **pp = &r->ike->retired;
	while (*pp != NULL && *pp != r)
		pp = &(*pp)->next;
	if (*pp == r)
		*pp = r->next;
}

static void remove_retired(struct child_retired *r)
{
	struct ikev2_engine *e = r->e;
	diag_t d = e->ops->kernel->del_sa(e->ctx, &r->src, &r->dst, r->spi);
	if (d != NULL)	/* the kernel's hard expire or a flush may have been first */
		ldbg(&r->ike->logger, "retired inbound SA 0x%08x of Child SA #%lu already gone: %s",
		     r->spi, r->serial, diag_str(d));
	else
		ldbg(&r->ike->logger, "retired inbound SA 0x%08x of Child SA #%lu removed", r->spi,
		     r->serial);
	diag_free(&d);
	free(r);
}

static void retired_timer_cb(void *arg)
{
	struct child_retired *r = arg;
	r->timer = NULL;	/* fired: the handle is gone */
	unlink_retired(r);
	remove_retired(r);
}

void child_retire_inbound(struct child_sa *child)
{
	struct ike_sa *ike = child->ike;
	struct ikev2_engine *e = ike->eng;
	struct child_retired *r = calloc(1, sizeof(*r));
	if (r == NULL)
		abort();
	r->e = e;
	r->ike = ike;
	r->src = ike->remote.addr;
	r->dst = ike->local.addr;
	r->spi = child->spi_in;
	r->reqid = child->reqid;
	r->serial = child->serial;
	r->next = ike->retired;
	ike->retired = r;
	r->timer = e->ops->timer_start(e->ctx, CHILD_RETIRE_GRACE_MS, retired_timer_cb, r);
	ldbg(&child->logger, "inbound SA 0x%08x kept %u ms for packets in flight", r->spi,
	     (unsigned)CHILD_RETIRE_GRACE_MS);
}

void child_retired_flush(struct ike_sa *ike, bool all, uint32_t reqid)
{
	struct child_retired **pp = &ike->retired;
	while (*pp != NULL) {
		struct child_retired *r = *pp;
		if (!all && r->reqid != reqid) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		if (r->timer != NULL)
			r->e->ops->timer_cancel(r->e->ctx, r->timer);
		remove_retired(r);
	}
}

void child_retired_move(struct ike_sa *old, struct ike_sa *ike)
{
	struct child_retired **tail = &ike->retired;
	while (*tail != NULL)
		tail = &(*tail)->next;
	*tail = old->retired;
	old->retired = NULL;
	for (struct child_retired *r = *tail; r != NULL; r = r->next)
		r->ike = ike;
}

size_t child_retired_count(const struct ike_sa *ike)
{
	size_t n = 0;
	for (const struct child_retired *r = ike->retired; r != NULL; r = r->next)
		n++;
	return n;
}
