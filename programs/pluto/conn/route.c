/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * On-demand routing: trap and shunt policies, the kernel's ACQUIREs, and
 * the routing state of each connection (conn/route.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <systemd/sd-event.h>

#include "tern/ctl.h"
#include "conn/connections.h"
#include "conn/route.h"
#include "ctl/ctl_server.h"
#include "ikev2/pluto_ikev2.h"
#include "pluto.h"
#include "server/loop.h"

/* ---- names ---- */

const char *routing_name(enum routing r)
{
	switch (r) {
	case RT_UNROUTED: return "unrouted";
	case RT_ROUTED_NEVER_NEGOTIATE: return "routed-never-negotiate";
	case RT_ROUTED_ONDEMAND: return "routed-ondemand";
	case RT_ROUTED_NEGOTIATION: return "routed-negotiation";
	case RT_ROUTED_FAILURE: return "routed-failure";
	case RT_ROUTED_TUNNEL: return "routed-tunnel";
	}
	return "unknown";
}

const char *routing_story(enum routing r)
{
	switch (r) {
	case RT_UNROUTED: return "unrouted";
	case RT_ROUTED_NEVER_NEGOTIATE:
	case RT_ROUTED_ONDEMAND: return "prospective erouted";
	case RT_ROUTED_NEGOTIATION: return "erouted HOLD";
	case RT_ROUTED_FAILURE: return "fail erouted";
	case RT_ROUTED_TUNNEL: return "erouted";
	}
	return "unknown";
}

uint32_t conn_reqid(const struct connection *c)
{
	/* the same as ikev2.c's child_sa_new() */
	if (c->config != NULL && c->config->reqid != 0)
		return c->config->reqid;
	return KERNEL_REQID_MIN + (uint32_t)(c->serial & 0xfff) * 4;
}

/* ---- the table ---- */

struct route {
	unsigned long serial;		/* the connection's */
	uint32_t reqid;
	enum routing routing;
	bool routed;			/* trap wanted: auto=ondemand or ipsec route */
	bool terminating;		/* ipsec down is deleting its IKE SA */
	sd_event_source *timer;		/* failure shunt's lifetime */
	struct route *reqid_next, *serial_next;
};

#define ROUTE_BUCKETS 1024u	/* a power of two */
static struct route *by_reqid[ROUTE_BUCKETS];
static struct route *by_serial[ROUTE_BUCKETS];
static unsigned nr_tunnels;

static size_t reqid_bucket(uint32_t reqid)
{
	/* reqids step by 4 from KERNEL_REQID_MIN */
	return ((reqid >> 2) ^ (reqid >> 12)) & (ROUTE_BUCKETS - 1);
}

static size_t serial_bucket(unsigned long serial)
{
	return serial & (ROUTE_BUCKETS - 1);
}

static struct route *route_of(const struct connection *c)
{
	for (struct route *r = by_serial[serial_bucket(c->serial)]; r != NULL; r = r->serial_next)
		if (r->serial == c->serial)
			return r;
	return NULL;
}

static void set_routing(struct route *r, enum routing to)
{
	if (r->routing == RT_ROUTED_TUNNEL && to != RT_ROUTED_TUNNEL)
		nr_tunnels--;
	if (r->routing != RT_ROUTED_TUNNEL && to == RT_ROUTED_TUNNEL)
		nr_tunnels++;
	r->routing = to;
}

enum routing conn_routing(const struct connection *c)
{
	const struct route *r = route_of(c);
	return r == NULL ? RT_UNROUTED : r->routing;
}

unsigned route_nr_tunnels(void)
{
	return nr_tunnels;
}

static bool never_negotiate(const struct connection *c)
{
	return c->config != NULL && (c->config->type == CONN_TYPE_PASSTHROUGH ||
				     c->config->type == CONN_TYPE_DROP ||
				     c->config->type == CONN_TYPE_REJECT);
}

static struct route *track(struct connection *c)
{
	struct route *r = route_of(c);
	if (r != NULL)
		return r;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		abort();
	r->serial = c->serial;
	r->reqid = conn_reqid(c);
	r->routing = RT_UNROUTED;
	size_t h = reqid_bucket(r->reqid), s = serial_bucket(r->serial);
	r->reqid_next = by_reqid[h];
	by_reqid[h] = r;
	r->serial_next = by_serial[s];
	by_serial[s] = r;
	return r;
}

void route_track(struct connection *c)
{
	(void)track(c);
}

void route_mark_routed(struct connection *c)
{
	struct route *r = track(c);
	r->routed = true;
	set_routing(r, never_negotiate(c) ? RT_ROUTED_NEVER_NEGOTIATE : RT_ROUTED_ONDEMAND);
}

static void unlink_route(struct route *r)
{
	for (struct route **p = &by_reqid[reqid_bucket(r->reqid)]; *p != NULL; p = &(*p)->reqid_next)
		if (*p == r) {
			*p = r->reqid_next;
			break;
		}
	for (struct route **p = &by_serial[serial_bucket(r->serial)]; *p != NULL; p = &(*p)->serial_next)
		if (*p == r) {
			*p = r->serial_next;
			break;
		}
	set_routing(r, RT_UNROUTED);
	if (r->timer != NULL)
		sd_event_source_disable_unref(r->timer);
	free(r);
}

void route_forget(struct connection *c)
{
	struct route *r = route_of(c);
	if (r != NULL)
		unlink_route(r);
}

void route_clear(void)
{
	for (size_t i = 0; i < ROUTE_BUCKETS; i++)
		while (by_serial[i] != NULL)
			unlink_route(by_serial[i]);
}

struct connection *route_find_reqid(uint32_t reqid)
{
	for (struct route *r = by_reqid[reqid_bucket(reqid)]; r != NULL; r = r->reqid_next) {
		if (r->reqid != reqid)
			continue;
		struct connection *c = conn_by_serial(r->serial);
		if (c != NULL)
			return c;
	}
	return NULL;
}

static ip_subnet client_of(const struct end *e)
{
	return subnet_is_unset(&e->client) ? subnet_from_address(&e->host) : e->client;
}

struct connection *route_find_acquire(const struct kernel_acquire *a)
{
	if (a->dir != KERNEL_DIR_OUT)
		return NULL;
	for (struct route *r = by_reqid[reqid_bucket(a->reqid)]; r != NULL; r = r->reqid_next) {
		if (r->reqid != a->reqid || !r->routed)
			continue;
		struct connection *c = conn_by_serial(r->serial);
		if (c == NULL || !conn_oriented(c))
			continue;
		ip_subnet l = client_of(conn_this(c)), rm = client_of(conn_that(c));
		/* reqids of serials 4096 apart collide: the selectors decide */
		if (subnet_contains_address(&l, &a->sel_src.subnet.addr) &&
		    subnet_contains_address(&rm, &a->sel_dst.subnet.addr))
			return c;
	}
	return NULL;
}

/* ---- policies ---- */

size_t route_policies(const struct connection *c, enum route_shunt kind, bool both,
		      struct kernel_policy out[3], const char **why)
{
	*why = NULL;
	if (!conn_oriented(c)) {
		*why = "neither end is a local address (connection is unoriented)";
		return 0;
	}
	const struct end *this = conn_this(c), *that = conn_that(c);
	ip_subnet l = client_of(this), r = client_of(that);
	if (subnet_is_unset(&l) || subnet_is_unset(&r)) {
		*why = "the peer address is unknown";
		return 0;
	}
	if (l.addr.family != r.addr.family) {
		*why = "the two ends' subnets are of different address families";
		return 0;
	}
	bool transport = c->config != NULL && c->config->type == CONN_TYPE_TRANSPORT;
	if (kind == ROUTE_TRAP && !address_is_specified(&that->host)) {
		*why = "the peer address is unknown";
		return 0;
	}
	ip_selector ls = selector_from_subnet(&l), rs = selector_from_subnet(&r);
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN, KERNEL_DIR_FWD };
	size_t n = both ? 3 : 1;
	for (size_t i = 0; i < n; i++) {
		bool o = dirs[i] == KERNEL_DIR_OUT;
		struct kernel_policy *p = &out[i];
		memset(p, 0, sizeof(*p));
		p->id.src = o ? ls : rs;
		p->id.dst = o ? rs : ls;
		p->id.dir = dirs[i];
		p->action = kind == ROUTE_BLOCK ? KERNEL_POLICY_BLOCK : KERNEL_POLICY_ALLOW;
		uint32_t prio = kernel_policy_priority(&p->id.src, &p->id.dst);
		/* a shunt beats a tunnel of the same selectors */
		p->priority = kind != ROUTE_TRAP && prio > KERNEL_PRIO_MIN ? prio - 1 : prio;
		if (kind == ROUTE_TRAP) {
			p->has_tmpl = true;
			p->mode = transport ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL;
			p->proto = IPPROTO_ESP;
			p->reqid = conn_reqid(c);
			p->tmpl_src = o ? this->host : that->host;
			p->tmpl_dst = o ? that->host : this->host;
		}
	}
	return n;
}

static bool zero_port_is_any(uint8_t ipproto)
{
	return ipproto == IPPROTO_TCP || ipproto == IPPROTO_UDP || ipproto == IPPROTO_SCTP;
}

static void jam_wrapped(struct jambuf *b, const ip_address *a)
{
	if (a->family == AF_INET6) {
		jam_char(b, '[');
		jam_address(b, a);
		jam_char(b, ']');
	} else {
		jam_address(b, a);
	}
}

void jam_acquire(struct jambuf *b, const struct kernel_acquire *a)
{
	jam_str(b, "initiate on-demand for packet ");
	jam_wrapped(b, &a->sel_src.subnet.addr);
	uint8_t proto = a->sel_src.ipproto;
	if (a->sel_src.port != 0 || !zero_port_is_any(proto))
		jam(b, ":%u", a->sel_src.port);
	jam_char(b, '-');
	if (proto == 0)
		jam_str(b, "ALL");
	else
		jam_ipproto(b, proto);
	jam_str(b, "->");
	jam_wrapped(b, &a->sel_dst.subnet.addr);
	jam(b, ":%u", a->sel_dst.port);
}

/* ---- the kernel ---- */

/* install (replace) or remove C's policies of KIND; false when one failed (logged) */
static bool put(struct connection *c, enum route_shunt kind, bool both, bool add,
		const struct logger *logger)
{
	struct kernel_policy p[3];
	const char *why;
	size_t n = route_policies(c, kind, both, p, &why);
	if (n == 0) {
		(void)logger;
		llog(&c->logger, LOG_SEV_ERROR, "cannot route: %s", why);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		diag_t d = add ? kernel_add_policy(&p[i], true, logger) : kernel_del_policy(&p[i].id, logger);
		if (d != NULL) {
			llog_diag(&c->logger, LOG_SEV_WARNING, &d, "routing");
			ok = false;
			if (add) {
				for (size_t k = 0; k < i; k++) {
					diag_t u = kernel_del_policy(&p[k].id, logger);
					diag_free(&u);
				}
				return false;
			}
		}
	}
	return ok;
}

static enum route_shunt shunt_kind(enum shunt s)
{
	return s == SHUNT_PASS ? ROUTE_PASS : s == SHUNT_DROP ? ROUTE_BLOCK : ROUTE_TRAP;
}

static enum route_shunt never_negotiate_kind(const struct connection *c)
{
	return c->config->type == CONN_TYPE_PASSTHROUGH ? ROUTE_PASS : ROUTE_BLOCK;
}

/* ---- the event socket ---- */

static sd_event_source *events_src;

static void on_event(const struct kernel_event *e, void *ctx)
{
	(void)ctx;
	if (e->type == KERNEL_EVENT_ACQUIRE) {
		route_acquire(&e->acquire);
		return;
	}
	ldbg(&global_logger, "kernel: %s EXPIRE of SA 0x%08x reqid 0x%x (not acted on)",
	     e->expire.hard ? "hard" : "soft", e->expire.id.spi, e->expire.reqid);
}

static int on_events(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	(void)s;
	(void)fd;
	(void)revents;
	(void)data;
	diag_t d = kernel_events_read(on_event, NULL, &global_logger, NULL);
	if (d != NULL)
		llog_diag(&global_logger, LOG_SEV_WARNING, &d, "on-demand routing");
	return 0;
}

static bool events_start(const struct logger *logger)
{
	if (events_src != NULL)
		return true;
	int fd;
	diag_t d = kernel_events_open(&fd);
	if (d == NULL && pluto_event != NULL) {
		int r = sd_event_add_io(pluto_event, &events_src, fd, EPOLLIN, on_events, NULL);
		if (r < 0)
			d = diag("cannot watch the XFRM event socket: %s", strerror(-r));
	}
	if (d != NULL) {
		llog_diag(logger, LOG_SEV_ERROR, &d, "cannot route");
		kernel_events_close();
		return false;
	}
	return true;
}

/* ---- commands ---- */

int route_connection(struct connection *c, const struct logger *logger)
{
	struct route *r = track(c);
	if (never_negotiate(c)) {
		if (r->routing == RT_ROUTED_NEVER_NEGOTIATE)
			return CTL_RC_OK;
		if (!put(c, never_negotiate_kind(c), true, true, logger))
			return CTL_RC_ROUTE;
		r->routed = true;
		set_routing(r, RT_ROUTED_NEVER_NEGOTIATE);
		ldbg(&c->logger, "routed: %s policies installed", conn_type_name(c->config->type));
		return CTL_RC_OK;
	}
	if (r->routed) {
		ldbg(&c->logger, "already routed (%s)", routing_name(r->routing));
		return CTL_RC_OK;
	}
	if (r->routing == RT_ROUTED_TUNNEL) {
		/* the trap comes when the Child SA goes */
		r->routed = true;
		return CTL_RC_OK;
	}
	if (!events_start(logger))
		return CTL_RC_ROUTE;
	if (!put(c, ROUTE_TRAP, false, true, logger))
		return CTL_RC_ROUTE;
	r->routed = true;
	set_routing(r, RT_ROUTED_ONDEMAND);
	ldbg(&c->logger, "routed: trap policy installed, reqid 0x%x", r->reqid);
	return CTL_RC_OK;
}

static void cancel_timer(struct route *r)
{
	if (r->timer != NULL) {
		sd_event_source_disable_unref(r->timer);
		r->timer = NULL;
	}
}

int unroute_connection(struct connection *c, const struct logger *logger)
{
	struct route *r = route_of(c);
	if (r == NULL || r->routing == RT_UNROUTED) {
		ldbg(&c->logger, "already unrouted");
		if (r != NULL)
			r->routed = false;
		return CTL_RC_OK;
	}
	if (r->routing == RT_ROUTED_TUNNEL) {
		(void)logger;
		llog(&c->logger, LOG_SEV_INFO, "cannot unroute: route busy");
		return CTL_RC_RTBUSY;
	}
	bool both = r->routing == RT_ROUTED_NEVER_NEGOTIATE;
	(void)put(c, ROUTE_TRAP, both, false, logger);
	cancel_timer(r);
	r->routed = false;
	set_routing(r, RT_UNROUTED);
	return CTL_RC_OK;
}

void route_reoriented(struct connection *c, int old_local, bool wanted, const struct logger *logger)
{
	struct route *r = route_of(c);
	enum routing rt = r != NULL ? r->routing : RT_UNROUTED;
	if (rt == RT_ROUTED_TUNNEL || rt == RT_ROUTED_NEGOTIATION) {
		ldbg(&c->logger, "re-oriented while %s: its policies stay until its SAs go", routing_name(rt));
		return;
	}
	bool was_routed = r != NULL && r->routed;
	if (rt != RT_UNROUTED && old_local >= 0) {
		int now = c->local;
		c->local = old_local;	/* the policies as they were put */
		(void)unroute_connection(c, logger);
		c->local = now;
	}
	if ((was_routed || wanted) && conn_oriented(c)) {
		int rc = route_connection(c, logger);
		if (rc == CTL_RC_OK)
			ldbg(&c->logger, "routed again for the new orientation (%s)",
			     routing_name(conn_routing(c)));
	}
}

void route_terminating(struct connection *c)
{
	struct route *r = route_of(c);
	if (r != NULL)
		r->terminating = true;
}

static struct route *route_by_reqid_sel(uint32_t reqid, const ip_subnet *local, const ip_subnet *remote,
					struct connection **cp)
{
	for (struct route *r = by_reqid[reqid_bucket(reqid)]; r != NULL; r = r->reqid_next) {
		if (r->reqid != reqid)
			continue;
		struct connection *c = conn_by_serial(r->serial);
		if (c == NULL || !conn_oriented(c))
			continue;
		ip_subnet l = client_of(conn_this(c)), rm = client_of(conn_that(c));
		if (subnet_contains_subnet(&l, local) && subnet_contains_subnet(&rm, remote)) {
			*cp = c;
			return r;
		}
	}
	return NULL;
}

void route_policies_added(uint32_t reqid, const ip_subnet *local, const ip_subnet *remote)
{
	struct connection *c;
	struct route *r = route_by_reqid_sel(reqid, local, remote, &c);
	if (r == NULL)
		return;
	cancel_timer(r);
	r->terminating = false;
	if (r->routing == RT_ROUTED_NEGOTIATION || r->routing == RT_ROUTED_FAILURE) {
		/* a pass/block negotiation shunt with other selectors than the tunnel's */
		struct kernel_policy p[3];
		const char *why;
		if (route_policies(c, ROUTE_TRAP, false, p, &why) == 1 &&
		    (!subnet_eq(&p[0].id.src.subnet, local) || !subnet_eq(&p[0].id.dst.subnet, remote)))
			(void)put(c, ROUTE_TRAP, false, true, &c->logger);
	}
	set_routing(r, RT_ROUTED_TUNNEL);
}

bool route_policies_removing(uint32_t reqid, const ip_subnet *local, const ip_subnet *remote)
{
	struct connection *c;
	struct route *r = route_by_reqid_sel(reqid, local, remote, &c);
	if (r == NULL || r->routing != RT_ROUTED_TUNNEL)
		return false;
	if (!r->routed) {
		set_routing(r, RT_UNROUTED);
		return false;
	}
	struct kernel_policy p[3];
	const char *why;
	if (route_policies(c, ROUTE_TRAP, false, p, &why) != 1) {
		set_routing(r, RT_UNROUTED);
		return false;
	}
	diag_t d = kernel_add_policy(&p[0], true, &c->logger);
	if (d != NULL) {
		llog_diag(&c->logger, LOG_SEV_WARNING, &d, "restoring the on-demand trap");
		set_routing(r, RT_UNROUTED);
		return false;
	}
	set_routing(r, RT_ROUTED_ONDEMAND);
	/* the tunnel's own outbound policy was the trap's: replaced, not deleted */
	return subnet_eq(&p[0].id.src.subnet, local) && subnet_eq(&p[0].id.dst.subnet, remote);
}

static int on_shunt_expired(sd_event_source *s, uint64_t usec, void *data)
{
	(void)s;
	(void)usec;
	unsigned long serial = (unsigned long)(uintptr_t)data;
	struct connection *c = conn_by_serial(serial);
	struct route *r = c != NULL ? route_of(c) : NULL;
	if (r == NULL)
		return 0;
	sd_event_source_disable_unref(r->timer);
	r->timer = NULL;
	if (r->routing != RT_ROUTED_FAILURE)
		return 0;
	ldbg(&c->logger, "failure shunt expired; on-demand trap restored");
	if (put(c, ROUTE_TRAP, false, true, &c->logger))
		set_routing(r, RT_ROUTED_ONDEMAND);
	return 0;
}

void route_ike_gone(struct connection *c)
{
	struct route *r = route_of(c);
	if (r == NULL)
		return;
	bool terminating = r->terminating;
	r->terminating = false;
	if (r->routing != RT_ROUTED_NEGOTIATION || !r->routed)
		return;
	enum shunt fs = c->config != NULL ? c->config->failureshunt : SHUNT_NONE;
	if (terminating || fs == SHUNT_NONE || fs == SHUNT_HOLD) {
		if (put(c, ROUTE_TRAP, false, true, &c->logger))
			set_routing(r, RT_ROUTED_ONDEMAND);
		return;
	}
	if (!put(c, shunt_kind(fs), false, true, &c->logger))
		return;
	set_routing(r, RT_ROUTED_FAILURE);
	uint64_t ms = pluto_setup != NULL ? pluto_setup->shuntlifetime_ms : 15 * 60 * 1000;
	LLOG_JAMBUF(&c->logger, LOG_SEV_INFO, b) {
		jam(b, "negotiation failed; failureshunt=%s installed for ",
		    fs == SHUNT_PASS ? "passthrough" : "drop");
		jam_duration(b, ms);
	}
	cancel_timer(r);
	if (pluto_event != NULL &&
	    sd_event_add_time_relative(pluto_event, &r->timer, CLOCK_MONOTONIC, ms * 1000, 1000,
				       on_shunt_expired, (void *)(uintptr_t)r->serial) < 0)
		r->timer = NULL;
}

void route_connection_gone(struct connection *c)
{
	struct route *r = route_of(c);
	if (r == NULL)
		return;
	if (r->routing != RT_UNROUTED && r->routing != RT_ROUTED_TUNNEL)
		(void)put(c, ROUTE_TRAP, r->routing == RT_ROUTED_NEVER_NEGOTIATE, false, &c->logger);
	unlink_route(r);
}

void route_acquire(const struct kernel_acquire *a)
{
	struct connection *c = route_find_acquire(a);
	if (c == NULL) {
		if (dbg(DBG_BASE)) LLOG_JAMBUF(&global_logger, LOG_SEV_DEBUG, b) {
			jam(b, "ignoring ACQUIRE (reqid 0x%x) with no routed connection: ", a->reqid);
			jam_acquire(b, a);
		}
		return;
	}
	struct route *r = route_of(c);
	if (r->routing != RT_ROUTED_ONDEMAND) {
		ldbg(&c->logger, "ACQUIRE while %s: ignored", routing_name(r->routing));
		return;
	}
	r->terminating = false;
	LLOG_JAMBUF(&c->logger, LOG_SEV_INFO, b) {
		jam_acquire(b, a);
	}
	enum shunt ns = c->config != NULL ? c->config->negotiationshunt : SHUNT_HOLD;
	if (ns == SHUNT_PASS || ns == SHUNT_DROP)
		(void)put(c, shunt_kind(ns), false, true, &c->logger);
	set_routing(r, RT_ROUTED_NEGOTIATION);
	int rc = pluto_ikev2_initiate(NULL, c);
	if (rc != CTL_RC_OK && rc != CTL_RC_DEFERRED && route_of(c) == r &&
	    r->routing == RT_ROUTED_NEGOTIATION)
		route_ike_gone(c);	/* never started: failed */
}

void route_shutdown(void)
{
	if (events_src != NULL) {
		sd_event_source_disable_unref(events_src);
		events_src = NULL;
	}
	kernel_events_close();
	route_clear();
}
