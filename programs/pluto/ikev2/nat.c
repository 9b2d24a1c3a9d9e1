/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NAT traversal (RFC 7296 2.23, RFC 3948): see nat.h. */
#include <string.h>

#include "ikev2/nat.h"
#include "server/iface.h"

/* ---- pure decisions ---- */

/* whether one notify of TYPE carries the hash of EP; *PRESENT: one of TYPE is there */
static bool hash_matches(const struct ike_message *m, uint16_t type, const ip_endpoint *ep,
			 bool *present)
{
	uint8_t h[20];
	nat_hash(m->hdr.ispi, m->hdr.rspi, ep, h);
	bool match = false;
	*present = false;
	for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_N); p != NULL;
	     p = ike_message_next(m, p)) {
		if (p->u.n.type != type)
			continue;
		*present = true;
		if (p->u.n.data.len == sizeof(h) && memcmp(p->u.n.data.ptr, h, sizeof(h)) == 0)
			match = true;
	}
	return match;
}

void nat_detect_hashes(const struct ike_message *m, const ip_endpoint *local,
		       const ip_endpoint *remote, struct nat_detection *out)
{
	bool have_src, have_dst;
	bool src_ok = hash_matches(m, v2N_NAT_DETECTION_SOURCE_IP, remote, &have_src);
	bool dst_ok = hash_matches(m, v2N_NAT_DETECTION_DESTINATION_IP, local, &have_dst);
	*out = (struct nat_detection){ .have = have_src && have_dst };
	if (out->have) {
		out->remote_behind = !src_ok;
		out->local_behind = !dst_ok;
	}
}

bool nat_encap_decide(enum yna encap, bool nat_local, bool nat_remote)
{
	switch (encap) {
	case YNA_YES:
		return true;
	case YNA_NO:
		return false;
	case YNA_AUTO:
	default:
		return nat_local || nat_remote;
	}
}

enum nat_move nat_move_decide(bool nat_in_use, const ip_endpoint *old_local,
			      const ip_endpoint *old_remote, const ip_endpoint *new_local,
			      const ip_endpoint *new_remote)
{
	if (endpoint_eq(old_local, new_local) && endpoint_eq(old_remote, new_remote))
		return NAT_MOVE_NONE;
	if (old_local->addr.family != new_local->addr.family ||
	    old_remote->addr.family != new_remote->addr.family ||
	    !address_eq(&old_local->addr, &new_local->addr))
		return NAT_MOVE_REFUSED;
	bool same_addr = address_eq(&old_remote->addr, &new_remote->addr);
	if (nat_in_use)
		return same_addr ? NAT_MOVE_PORT : NAT_MOVE_ADDRESS;
	/* no NAT: only the peer's float from 500 to 4500 (both ends) */
	if (same_addr && old_local->port == IKE_UDP_PORT && new_local->port == NAT_IKE_UDP_PORT &&
	    old_remote->port == IKE_UDP_PORT && new_remote->port == NAT_IKE_UDP_PORT)
		return NAT_MOVE_PORT;
	return NAT_MOVE_REFUSED;
}

/* ---- the engine ---- */

static enum yna conn_encapsulation(const struct ike_sa *ike)
{
	const struct conn_config *cc = ike->conn != NULL ? ike->conn->config : NULL;
	return cc != NULL ? cc->encapsulation : YNA_AUTO;
}

ip_endpoint nat_natd_source(const struct ike_sa *ike)
{
	ip_endpoint ep = ike->local;
	if (conn_encapsulation(ike) == YNA_YES) {
		/* a hash no endpoint has: the peer believes we are behind a NAT */
		ldbg(&ike->logger, "NAT-T: encapsulation=yes, so mangling the source hash to force NAT detection");
		ep.port = 0;
	}
	return ep;
}

bool nat_encap(const struct ike_sa *ike)
{
	return nat_encap_decide(conn_encapsulation(ike), ike->nat_local, ike->nat_remote);
}

void nat_detect(struct ike_sa *ike, const struct ike_message *m)
{
	struct nat_detection r;
	nat_detect_hashes(m, &ike->local, &ike->remote, &r);
	if (!r.have) {
		ldbg(&ike->logger, "peer sent no NAT detection payloads");
	} else {
		ike->nat_local = r.local_behind;
		ike->nat_remote = r.remote_behind;
	}
	enum yna encap = conn_encapsulation(ike);
	bool nat = ike->nat_local || ike->nat_remote;
	if (nat || encap == YNA_YES) {
		const char *what = ike->nat_local && ike->nat_remote ? "both ends are behind a NAT" :
				   ike->nat_local ? "this end is behind a NAT" :
				   ike->nat_remote ? "the peer is behind a NAT" : "no NAT detected";
		llog(&ike->logger, LOG_SEV_INFO, "NAT-Traversal: %s; %s", what,
		     encap == YNA_NO ? "encapsulation=no, so ESP is not encapsulated" :
		     !nat ? "encapsulation=yes, so ESP goes in UDP/4500" :
		     "ESP goes in UDP/4500");
	}
	if (!ike->initiator)
		nat_keepalive_start(ike);	/* a responder behind a NAT */
}

void nat_float(struct ike_sa *ike)
{
	if (!nat_encap(ike))
		return;
	/* the initiator moves IKE to 4500 for IKE_AUTH (RFC 7296 2.23) */
	if (ike->initiator && ike->local.port == IKE_UDP_PORT) {
		endpoint_buf a, b;
		ip_endpoint local = ike->local;
		local.port = NAT_IKE_UDP_PORT;
		ldbg(&ike->logger, "NAT: floating local port from %s to %s", str_endpoint(&ike->local, &a),
		     str_endpoint(&local, &b));
		ike->local = local;
		if (ike->remote.port == IKE_UDP_PORT)
			ike->remote.port = NAT_IKE_UDP_PORT;
	}
	nat_keepalive_start(ike);
}

static void migrate_children(struct ike_sa *ike, const ip_endpoint *old_local,
			     const ip_endpoint *old_remote)
{
	struct ikev2_engine *e = ike->eng;
	const struct ikev2_kernel_ops *k = e->ops->kernel;
	bool encap = nat_encap(ike);
	for (struct child_sa *c = ike->children; c != NULL; c = c->sibling_next) {
		if (!c->installed)
			continue;
		if (k->migrate == NULL) {
			llog(&c->logger, LOG_SEV_WARNING,
			     "cannot move the IPsec SA to the new NAT mapping: the kernel interface cannot migrate");
			continue;
		}
		if (c->transport && !address_eq(&old_remote->addr, &ike->remote.addr)) {
			llog(&c->logger, LOG_SEV_WARNING,
			     "cannot move a transport mode IPsec SA to a new peer address (its policies name the old one)");
			continue;
		}
		/* the policies' selectors, protoport included */
		ip_selector ls = child_local_sel(c), rs = child_remote_sel(c);
		diag_t d = k->migrate(e->ctx, &ls, &rs, c->reqid, c->transport, old_local, old_remote,
				      &ike->local, &ike->remote, encap);
		if (d != NULL)
			llog_diag(&c->logger, LOG_SEV_ERROR, &d, "moving the IPsec SA to the new NAT mapping");
		else
			ldbg(&c->logger, "IPsec SA moved to the new NAT mapping");
	}
}

static void nat_move_to(struct ike_sa *ike, const ip_endpoint *local, const ip_endpoint *remote);

void nat_follow(struct ike_sa *ike, const struct ikev2_rx *rx)
{
	/* RFC 7296 2.23: the end behind a NAT does not follow its peer (one
	 * packet could break the tunnel); only the float to 4500 moves it */
	bool in_use = !ike->nat_local && (ike->nat_remote || conn_encapsulation(ike) == YNA_YES);
	enum nat_move mv = nat_move_decide(in_use, &ike->local, &ike->remote, &rx->local, &rx->remote);
	endpoint_buf a, b;
	switch (mv) {
	case NAT_MOVE_NONE:
		return;
	case NAT_MOVE_REFUSED:
		ldbg(&ike->logger, "NAT: request from %s to %s; not moving the IKE SA (%s)",
		     str_endpoint(&rx->remote, &a), str_endpoint(&rx->local, &b),
		     ike->nat_local ? "this end is behind a NAT" : "no NAT in use");
		return;
	case NAT_MOVE_PORT:
	case NAT_MOVE_ADDRESS:
		break;
	}
	nat_move_to(ike, &rx->local, &rx->remote);
}

/* the IKE SA and its Child SAs now between LOCAL and REMOTE */
static void nat_move_to(struct ike_sa *ike, const ip_endpoint *local, const ip_endpoint *remote)
{
	endpoint_buf a, b;
	ip_endpoint old_local = ike->local, old_remote = ike->remote;
	if (!endpoint_eq(&old_remote, remote))
		llog(&ike->logger, LOG_SEV_INFO, "new NAT mapping for #%lu, was %s, now %s", ike->serial,
		     str_endpoint(&old_remote, &a), str_endpoint(remote, &b));
	else
		ldbg(&ike->logger, "NAT: local endpoint now %s", str_endpoint(local, &a));
	/* retired inbound SAs are not moved: they go now */
	child_retired_flush(ike, true, 0);
	ike->local = *local;
	ike->remote = *remote;
	migrate_children(ike, &old_local, &old_remote);
}

void ikev2_kernel_mapping(struct ikev2_engine *e, const ip_address *dst, uint32_t spi,
			  const ip_endpoint *new_remote)
{
	bool inbound = false;
	struct child_sa *child = sa_child_by_spi(&e->sas, dst, spi, &inbound);
	endpoint_buf a;
	if (child == NULL || !inbound) {
		ldbg(&global_logger, "%s: MAPPING of SA 0x%08x to %s: no inbound SA of ours", e->name, spi,
		     str_endpoint(new_remote, &a));
		return;
	}
	struct ike_sa *ike = child->ike;
	/*
	 * RFC 7296 2.23: a validated packet from a new address or port
	 * moves the SA, on a host that is not behind a NAT itself (one that
	 * is would let a single packet break the tunnel) and only with
	 * replay protection (else an old packet could move it back).  The
	 * kernel checked the ESP integrity and the replay window before it
	 * told.  Only ESP in UDP moves: a plain ESP SA has no port to follow.
	 */
	const struct conn_config *cc = child->conn != NULL ? child->conn->config : NULL;
	if (ike->nat_local || (cc != NULL && cc->replay_window == 0)) {
		ldbg(&child->logger, "MAPPING of inbound SA 0x%08x to %s: not followed (%s)", spi,
		     str_endpoint(new_remote, &a),
		     ike->nat_local ? "this end is behind a NAT" : "replay-window=0");
		return;
	}
	if (ike->state != ESTABLISHED_IKE_SA || !nat_encap(ike) ||
	    new_remote->addr.family != ike->remote.addr.family || new_remote->port == 0 ||
	    endpoint_eq(new_remote, &ike->remote)) {
		ldbg(&child->logger, "MAPPING of inbound SA 0x%08x to %s: nothing to follow", spi,
		     str_endpoint(new_remote, &a));
		return;
	}
	ldbg(&child->logger, "the kernel saw ESP for SA 0x%08x from %s", spi, str_endpoint(new_remote, &a));
	nat_move_to(ike, &ike->local, new_remote);
}

/* ---- keepalives (RFC 3948 2.3) ---- */

static void on_keepalive(void *arg);

static void arm(struct ike_sa *ike)
{
	struct ikev2_engine *e = ike->eng;
	ike->keepalive_timer = e->ops->timer_start(e->ctx, e->keepalive_ms, on_keepalive, ike);
}

void nat_keepalive_start(struct ike_sa *ike)
{
	const struct conn_config *cc = ike->conn != NULL ? ike->conn->config : NULL;
	if (ike->keepalive_timer != NULL || ike->eng->keepalive_ms == 0 || !ike->nat_local ||
	    !nat_encap(ike) || (cc != NULL && !cc->nat_keepalive))
		return;
	ldbg(&ike->logger, "NAT: keepalives every %llu ms", (unsigned long long)ike->eng->keepalive_ms);
	ike->ka_out_known = false;
	arm(ike);
}

void nat_keepalive_stop(struct ike_sa *ike)
{
	if (ike->keepalive_timer != NULL) {
		ike->eng->ops->timer_cancel(ike->eng->ctx, ike->keepalive_timer);
		ike->keepalive_timer = NULL;
	}
}

/*
 * Did ESP go out to the peer since the last tick?  RFC 3948 2.3: a
 * keepalive is needed only when nothing else was sent; the kernel's byte
 * counters of the outbound SAs tell (as Libreswan asks the kernel).
 */
static bool esp_went_out(struct ike_sa *ike)
{
	struct ikev2_engine *e = ike->eng;
	uint64_t sum = 0;
	bool any = false;
	for (const struct child_sa *c = ike->children; c != NULL; c = c->sibling_next) {
		uint64_t b;
		if (!c->installed)
			continue;
		diag_t d = e->ops->kernel->get_bytes(e->ctx, &ike->local.addr, &ike->remote.addr, c->spi_out, &b);
		if (d == NULL) {
			sum += b;
			any = true;
		}
		diag_free(&d);
	}
	bool went = any && ike->ka_out_known && sum != ike->ka_out_bytes;
	ike->ka_out_bytes = sum;
	ike->ka_out_known = any;
	return went;
}

static void on_keepalive(void *arg)
{
	struct ike_sa *ike = arg;
	ike->keepalive_timer = NULL;
	if (ike->state == IKE_SA_DELETE)
		return;
	/* only once IKE runs on 4500 (the responder's first message there
	 * moves it), and only when no ESP went out meanwhile */
	if (ike->local.port == NAT_IKE_UDP_PORT && esp_went_out(ike)) {
		ldbg(&ike->logger, "NAT: ESP went out since the last keepalive tick; none needed");
	} else if (ike->local.port == NAT_IKE_UDP_PORT) {
		static const uint8_t ka[1] = { NAT_KEEPALIVE_BYTE };
		ldbg(&ike->logger, "NAT: sending a keepalive");
		ikev2_send_raw(ike->eng, &ike->local, &ike->remote, ka, sizeof(ka));
	}
	arm(ike);
}
