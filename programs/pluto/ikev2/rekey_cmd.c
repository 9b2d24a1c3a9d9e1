/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipsec whack --rekey-ike / --rekey-child --name NAME: rekey C's newest
 * established IKE SA or Child SA now, through the same functions the
 * rekey timers call (ike_rekey.c, create_child_sa.c).
 */
#include "tern/ctl.h"
#include "ikev2/internal.h"

int ikev2_rekey(struct ikev2_engine *e, struct connection *c, bool ike_sa)
{
	if (ike_sa) {
		struct ike_sa *newest = NULL;
		for (struct ike_sa *ike = sa_ike_of_conn(&e->sas, c); ike != NULL; ike = ike->conn_next)
			if (ike->state == ESTABLISHED_IKE_SA)
				newest = ike;	/* serial order: the last is the newest */
		if (newest == NULL) {
			llog(&c->logger, LOG_SEV_ERROR,
			     "cannot rekey: the connection has no established IKE SA");
			return CTL_RC_FATAL;
		}
		ike_rekey_initiate(newest);
		return CTL_RC_OK;
	}
	struct child_sa *newest = NULL;
	for (struct child_sa *ch = sa_child_of_conn(&e->sas, c); ch != NULL; ch = ch->conn_next)
		if (ch->state == ESTABLISHED_CHILD_SA && ch->ike->state == ESTABLISHED_IKE_SA &&
		    (newest == NULL || ch->serial > newest->serial))
			newest = ch;
	if (newest == NULL) {
		llog(&c->logger, LOG_SEV_ERROR,
		     "cannot rekey: the connection has no established Child SA");
		return CTL_RC_FATAL;
	}
	child_rekey_initiate(newest);
	return CTL_RC_OK;
}
