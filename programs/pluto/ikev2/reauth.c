/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reauth=yes: when the IKE SA is due for a rekey (ikelifetime -
 * rekeymargin - fuzz), a new IKE SA is negotiated from scratch instead --
 * IKE_SA_INIT and IKE_AUTH with a full authentication and the
 * connection's Child SA (RFC 7296 2.8.3) -- and once it is authenticated
 * the old IKE SA is deleted (Delete sent) with its Child SAs, before the
 * new Child SA's SAs and policies go into the kernel:
 *
 *   "C" #3: initiating re-authentication of IKE SA #1
 *   "C" #3: initiating IKEv2 connection to 192.0.2.2 using UDP
 *   ...
 *   "C" #3: re-authenticated: replacing IKE SA #1
 *
 * A peer that is tern (or Libreswan) with uniqueids=yes replaces the old
 * IKE SA itself when the new one is authenticated.  The responder of the
 * old IKE SA re-authenticates the same way (it becomes the initiator of the
 * new one).
 */
#include "tern/ctl.h"
#include "ikev2/internal.h"

void ike_reauth_initiate(struct ike_sa *old)
{
	struct ikev2_engine *e = old->eng;
	if (old->state != ESTABLISHED_IKE_SA)
		return;
	struct ike_sa *pending = old->rekey_new != 0 ? sa_ike_by_serial(&e->sas, old->rekey_new) : NULL;
	if (pending != NULL && pending->reauth_of == old->serial) {
		ldbg(&old->logger, "re-authentication of IKE SA #%lu already under way (#%lu)", old->serial,
		     pending->serial);
		return;
	}
	struct connection *c = old->conn;
	if (!conn_oriented(c) || !address_is_specified(&conn_that(c)->host)) {
		/* a %any peer cannot be re-authenticated from here: rekey instead */
		llog(&old->logger, LOG_SEV_INFO, "cannot re-authenticate IKE SA without knowing the peer's address; rekeying it");
		ike_rekey_initiate_now(old);
		return;
	}
	ip_endpoint local = { .addr = old->local.addr, .port = 500 };
	ip_endpoint remote = { .addr = old->remote.addr, .port = 500 };
	struct ike_sa *ike = ike_sa_new(e, c, true, &local, &remote);
	ike->reauth_of = old->serial;
	sa_add_ike(&e->sas, ike);
	old->rekey_new = ike->serial;
	ike_set_state(ike, IKE_SA_INIT_I0);
	llog(&ike->logger, LOG_SEV_INFO, "initiating re-authentication of IKE SA #%lu", old->serial);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "initiating IKEv2 connection to ");
		jam_address(b, &remote.addr);
		jam_str(b, " using UDP");
	}
	ike_sa_init_start(ike);
}

bool ike_reauth_established(struct ike_sa *ike)
{
	if (ike->reauth_of == 0)
		return false;
	struct ike_sa *old = sa_ike_by_serial(&ike->eng->sas, ike->reauth_of);
	ike->reauth_of = 0;
	if (old == NULL || old->conn != ike->conn)
		return true;
	llog(&ike->logger, LOG_SEV_INFO, "re-authenticated: replacing IKE SA #%lu", old->serial);
	if (old->state == ESTABLISHED_IKE_SA)
		send_delete_ike(old);
	ike_whack_done(old, CTL_RC_FATAL);
	ike_sa_delete(old);
	return true;
}
