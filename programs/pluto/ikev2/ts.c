/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Traffic selectors of Child SAs (RFC 7296 2.9, 3.13): what a connection
 * proposes (leftsubnet=, leftprotoport=), TS payloads both ways, the
 * narrowing decisions of lib/ip/ts.c with the connection's narrowing=,
 * and the responder's choice of connection by the proposed selectors.
 */
#include <string.h>

#include "ikev2/internal.h"

ip_selector child_local_sel(const struct child_sa *c)
{
	return (ip_selector){ .subnet = c->local_ts, .ipproto = c->ts_ipproto,
			      .port = c->ts_local_port };
}

ip_selector child_remote_sel(const struct child_sa *c)
{
	return (ip_selector){ .subnet = c->remote_ts, .ipproto = c->ts_ipproto,
			      .port = c->ts_remote_port };
}

void child_set_sel(struct child_sa *c, const ip_selector *local, const ip_selector *remote)
{
	c->local_ts = local->subnet;
	c->remote_ts = remote->subnet;
	c->ts_ipproto = local->ipproto != 0 ? local->ipproto : remote->ipproto;
	c->ts_local_port = local->port;
	c->ts_remote_port = remote->port;
}

void conn_selectors(const struct connection *c, const ip_address *local_host,
		    const ip_address *remote_host, ip_selector *local, ip_selector *remote)
{
	const struct end *this = conn_this(c), *that = conn_that(c);
	local->subnet = subnet_is_unset(&this->client) ? subnet_from_address(local_host) : this->client;
	remote->subnet = subnet_is_unset(&that->client) ? subnet_from_address(remote_host) : that->client;
	const struct conn_end *lc = this->config, *rc = that->config;
	uint8_t proto = lc != NULL && lc->protoport_proto != 0 ? lc->protoport_proto
			: rc != NULL ? rc->protoport_proto : 0;
	local->ipproto = remote->ipproto = proto;
	local->port = lc != NULL ? lc->protoport_port : 0;
	remote->port = rc != NULL ? rc->protoport_port : 0;
}

bool conn_narrowing(const struct connection *c)
{
	return c->config != NULL && c->config->narrowing;
}

void ts_from_sel(const ip_selector *s, struct ike_ts *ts)
{
	ip_ts r = ts_from_selector(s);
	memset(ts, 0, sizeof(*ts));
	bool v6 = s->subnet.addr.family == AF_INET6;
	ts->type = v6 ? IKEv2_TS_IPV6_ADDR_RANGE : IKEv2_TS_IPV4_ADDR_RANGE;
	ts->ipproto = r.ipproto;
	ts->start_port = r.start_port;
	ts->end_port = r.end_port;
	ts->addr_len = v6 ? 16 : 4;
	memcpy(ts->start, r.start.bytes, ts->addr_len);
	memcpy(ts->end, r.end.bytes, ts->addr_len);
}

void put_ts_payloads(struct ike_builder *b, const ip_selector *tsi, const ip_selector *tsr)
{
	struct ike_ts ti, tr;
	ts_from_sel(tsi, &ti);
	ts_from_sel(tsr, &tr);
	struct ike_payload p = { .type = IKEv2_NP_TSi, .known = true, .u.ts = { .nr_ts = 1, .ts = &ti } };
	ike_put_payload(b, &p);
	p = (struct ike_payload){ .type = IKEv2_NP_TSr, .known = true, .u.ts = { .nr_ts = 1, .ts = &tr } };
	ike_put_payload(b, &p);
}

/* the address-range selectors of P (other types are skipped) */
static unsigned ranges(const struct ike_ts_payload *p, ip_ts *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < p->nr_ts && n < max; i++) {
		const struct ike_ts *t = &p->ts[i];
		int afi = t->type == IKEv2_TS_IPV4_ADDR_RANGE && t->addr_len == 4 ? AF_INET :
			  t->type == IKEv2_TS_IPV6_ADDR_RANGE && t->addr_len == 16 ? AF_INET6 : 0;
		if (afi == 0)
			continue;
		ip_ts r = {
			.start = address_from_bytes(afi, t->start, t->addr_len),
			.end = address_from_bytes(afi, t->end, t->addr_len),
			.ipproto = t->ipproto,
			.start_port = t->start_port,
			.end_port = t->end_port,
		};
		if (ts_is_valid(&r))
			out[n++] = r;
	}
	return n;
}

enum ts_fit ts_fit_request(const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr,
			   const ip_selector *local, const ip_selector *remote, bool narrowing,
			   ip_selector *out_local, ip_selector *out_remote)
{
	ip_ts ri[IKE_MAX_TS], rr[IKE_MAX_TS];
	unsigned ni = ranges(tsi, ri, IKE_MAX_TS), nr = ranges(tsr, rr, IKE_MAX_TS);
	/* TSi is the initiator's side: our remote */
	enum ts_fit fi = ts_responder_fit(ri, ni, remote, narrowing, out_remote);
	enum ts_fit fr = fi == TS_FIT_NONE ? TS_FIT_NONE
			 : ts_responder_fit(rr, nr, local, narrowing, out_local);
	if (fi == TS_FIT_NONE || fr == TS_FIT_NONE)
		return TS_FIT_NONE;
	return fi == TS_FIT_EXACT && fr == TS_FIT_EXACT ? TS_FIT_EXACT : TS_FIT_NARROWED;
}

enum ts_fit ts_fit_response(const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr,
			    const ip_selector *local, const ip_selector *remote, bool narrowing,
			    ip_selector *out_local, ip_selector *out_remote)
{
	ip_ts ri[IKE_MAX_TS], rr[IKE_MAX_TS];
	unsigned ni = ranges(tsi, ri, IKE_MAX_TS), nr = ranges(tsr, rr, IKE_MAX_TS);
	/* TSi is ours */
	ip_selector l, r;
	enum ts_fit fi = ts_initiator_fit(ri, ni, local, narrowing, &l);
	enum ts_fit fr = fi == TS_FIT_NONE ? TS_FIT_NONE : ts_initiator_fit(rr, nr, remote, narrowing, &r);
	if (fi == TS_FIT_NONE || fr == TS_FIT_NONE)
		return TS_FIT_NONE;
	if (l.ipproto != r.ipproto && l.ipproto != 0 && r.ipproto != 0)
		return TS_FIT_NONE;	/* one Child SA has one protocol */
	*out_local = l;
	*out_remote = r;
	return fi == TS_FIT_EXACT && fr == TS_FIT_EXACT ? TS_FIT_EXACT : TS_FIT_NARROWED;
}

/* the single port of the first range of P with protocol PROTO, 0: none */
static unsigned single_ports(const struct ike_ts_payload *p, uint8_t proto, uint16_t *ports,
			     unsigned max)
{
	ip_ts r[IKE_MAX_TS];
	unsigned n = ranges(p, r, IKE_MAX_TS), k = 0;
	for (unsigned i = 0; i < n && k < max; i++)
		if (r[i].ipproto == proto && r[i].start_port == r[i].end_port && r[i].start_port != 0)
			ports[k++] = r[i].start_port;
	return k;
}

enum ts_fit conn_fit_request(const struct connection *c, const ip_address *local_host,
			     const ip_address *remote_host, const struct ike_ts_payload *tsi,
			     const struct ike_ts_payload *tsr, ip_selector *out_local,
			     ip_selector *out_remote)
{
	ip_selector l, r;
	conn_selectors(c, local_host, remote_host, &l, &r);
	bool narrowing = conn_narrowing(c);
	enum ts_fit f = ts_fit_request(tsi, tsr, &l, &r, narrowing, out_local, out_remote);
	if (f != TS_FIT_NONE || l.ipproto == 0)
		return f;
	/*
	 * leftprotoport=PROTO/%any (L2TP's rightprotoport=17/%any): that end
	 * takes whichever single port the initiator proposes for it.
	 */
	const struct conn_end *lc = conn_this(c)->config, *rc = conn_that(c)->config;
	bool l_any = lc != NULL && lc->protoport_any_port, r_any = rc != NULL && rc->protoport_any_port;
	if (!l_any && !r_any)
		return f;
	uint16_t lp[IKE_MAX_TS], rp[IKE_MAX_TS];
	unsigned nl = 1, nr = 1;
	lp[0] = l.port;
	rp[0] = r.port;
	if (l_any)
		nl = single_ports(tsr, l.ipproto, lp, IKE_MAX_TS);	/* TSr: our side */
	if (r_any)
		nr = single_ports(tsi, r.ipproto, rp, IKE_MAX_TS);
	for (unsigned i = 0; i < nl; i++) {
		for (unsigned j = 0; j < nr; j++) {
			ip_selector l2 = l, r2 = r;
			l2.port = lp[i];
			r2.port = rp[j];
			f = ts_fit_request(tsi, tsr, &l2, &r2, narrowing, out_local, out_remote);
			if (f != TS_FIT_NONE)
				return TS_FIT_NARROWED;
		}
	}
	return TS_FIT_NONE;
}

void jam_ts_payloads(struct jambuf *b, const struct ike_ts_payload *tsi,
		     const struct ike_ts_payload *tsr)
{
	const struct ike_ts_payload *p[2] = { tsi, tsr };
	for (int k = 0; k < 2; k++) {
		ip_ts r[IKE_MAX_TS];
		unsigned n = ranges(p[k], r, IKE_MAX_TS);
		jam_str(b, k == 0 ? "[" : " -> [");
		for (unsigned i = 0; i < n; i++) {
			if (i > 0)
				jam_str(b, " ");
			jam_ts(b, &r[i]);
		}
		jam_char(b, ']');
	}
}

/* C would be an acceptable peer-side of IKE: same host pair, the peer's
 * authenticated ID where C names one, IKEv2 */
static bool conn_shares_ike(const struct ike_sa *ike, const struct connection *c)
{
	if (c == ike->conn)
		return true;
	const struct connection *ic = ike->conn;
	/* a sibling of one family shares everything but the subnets */
	if (c->config != NULL && ic->config != NULL && c->config->connalias != NULL &&
	    ic->config->connalias != NULL && strcmp(c->config->connalias, ic->config->connalias) == 0)
		return true;
	const struct end *that = conn_that(c);
	if (that->id.kind == ID_NONE || that->id_from_host)
		return false;	/* no ID of its own to check the peer against */
	return id_equal(&that->id, &ike->peer_id) && id_equal(&conn_this(c)->id, &conn_this(ic)->id);
}

struct connection *ts_find_conn(struct ike_sa *ike, const struct ike_ts_payload *tsi,
				const struct ike_ts_payload *tsr, ip_selector *local,
				ip_selector *remote)
{
	struct ikev2_engine *e = ike->eng;
	struct connection *best = NULL;
	enum ts_fit best_fit = TS_FIT_NONE;
	/* the IKE SA's own connection first, then the others for this peer
	 * (find_conn: an index by address, not a walk of all connections) */
	struct connection *c = ike->conn;
	const struct connection *after = NULL;
	bool own_done = false;
	while (c != NULL) {
		if ((c != ike->conn || !own_done) && conn_shares_ike(ike, c)) {
			ip_selector fl, fr;
			enum ts_fit f = conn_fit_request(c, &ike->local.addr, &ike->remote.addr, tsi, tsr,
							 &fl, &fr);
			/* an exact fit wins; of narrowed ones the first */
			if (f > TS_FIT_NONE && (best == NULL || (f == TS_FIT_EXACT && best_fit != TS_FIT_EXACT))) {
				best = c;
				best_fit = f;
				*local = fl;
				*remote = fr;
				if (f == TS_FIT_EXACT)
					break;
			}
		}
		own_done = true;
		c = e->ops->find_conn(e->ctx, &ike->local, &ike->remote, after);
		after = c;
	}
	return best;
}
