/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <systemd/sd-event.h>

#include "tern/ctl.h"
#include "auth/secrets_store.h"
#include "conn/connections.h"
#include "conn/route.h"
#include "conn/show.h"
#include "ctl/ctl_server.h"
#include "ikev2/ikev2.h"
#include "ikev2/pluto_ikev2.h"
#include "ikev2/internal.h"
#include "kernel/kernel.h"
#include "kernel/kernel_expire.h"
#include "kernel/kernel_route.h"
#include "pluto.h"
#include "server/iface.h"
#include "server/loop.h"
#include "server/workers.h"

struct ikev2_engine *pluto_ikev2;

/* ---- transport ---- */

static void send_udp(void *ctx, const ip_endpoint *local, const ip_endpoint *remote,
		     const uint8_t *pkt, size_t len)
{
	(void)ctx;
	for (const struct iface_endpoint *ifp = iface_endpoints(); ifp != NULL; ifp = ifp->next) {
		if (!endpoint_eq(&ifp->local, local))
			continue;
		struct sockaddr_storage ss;
		socklen_t sl = endpoint_to_sockaddr(remote, &ss);
		uint8_t buf[IKE_NON_ESP_MARKER_SIZE + 65536];
		const uint8_t *out = pkt;
		size_t n = len;
		/* IKE on 4500 gets the non-ESP marker; a NAT keepalive (RFC
		 * 3948 2.3, one 0xFF octet, never an IKE message) goes as is */
		bool keepalive = len == 1 && pkt[0] == 0xFF;
		if (ifp->esp_encap && !keepalive && len + IKE_NON_ESP_MARKER_SIZE <= sizeof(buf)) {
			memset(buf, 0, IKE_NON_ESP_MARKER_SIZE);
			memcpy(buf + IKE_NON_ESP_MARKER_SIZE, pkt, len);
			out = buf;
			n = len + IKE_NON_ESP_MARKER_SIZE;
		}
		if (sendto(ifp->fd, out, n, 0, (struct sockaddr *)&ss, sl) < 0) {
			endpoint_buf eb;
			llog(&global_logger, LOG_SEV_WARNING, "sendto %s failed: %s",
			     str_endpoint(remote, &eb), strerror(errno));
		}
		return;
	}
	endpoint_buf lb;
	llog(&global_logger, LOG_SEV_WARNING, "cannot send from %s: pluto does not listen there",
	     str_endpoint(local, &lb));
}

void pluto_ikev2_packet(const ip_endpoint *local, const ip_endpoint *sender, const uint8_t *pkt,
			size_t len)
{
	if (pluto_ikev2 == NULL)
		return;
	if (local->port == NAT_IKE_UDP_PORT) {
		if (ike_udp4500_classify(&pkt, &len) != IKE_UDP4500_IKE)
			return;
	}
	ikev2_receive(pluto_ikev2, local, sender, pkt, len);
}

/* ---- time ---- */

static uint64_t now_ms(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t wall_s(void *ctx)
{
	(void)ctx;
	return (uint64_t)time(NULL);
}

struct timer {
	sd_event_source *src;
	void (*cb)(void *arg);
	void *arg;
};

static int on_time(sd_event_source *s, uint64_t usec, void *data)
{
	(void)s;
	(void)usec;
	struct timer *t = data;
	void (*cb)(void *) = t->cb;
	void *arg = t->arg;
	sd_event_source_disable_unref(t->src);
	free(t);
	cb(arg);
	return 0;
}

static void *timer_start(void *ctx, uint64_t delay_ms, void (*cb)(void *arg), void *arg)
{
	(void)ctx;
	struct timer *t = calloc(1, sizeof(*t));
	if (t == NULL)
		abort();
	t->cb = cb;
	t->arg = arg;
	int r = sd_event_add_time_relative(pluto_event, &t->src, CLOCK_MONOTONIC, delay_ms * 1000,
					   1000, on_time, t);
	if (r < 0) {
		/* shutting down (the loop has finished): Deletes go out untimed */
		if (sd_event_get_state(pluto_event) == SD_EVENT_FINISHED)
			ldbg(&global_logger, "no timer at shutdown: %s", strerror(-r));
		else
			llog(&global_logger, LOG_SEV_ERROR, "cannot start a timer: %s", strerror(-r));
		free(t);
		return NULL;
	}
	return t;
}

static void timer_cancel(void *ctx, void *timer)
{
	(void)ctx;
	struct timer *t = timer;
	if (t == NULL)
		return;
	sd_event_source_disable_unref(t->src);
	free(t);
}

/* ---- the rest ---- */

static void submit(void *ctx, struct worker_job *job)
{
	(void)ctx;
	workers_submit(job);
}

static const struct secrets *secrets(void *ctx)
{
	(void)ctx;
	return secrets_store();
}

/*
 * Which connections may answer a peer: an index by host address (both
 * ends of every connection, so that orientation changes need no rebuild),
 * plus the list of connections with a %any end.  Rebuilt (one sort) only
 * after connections were added or deleted; a lookup looks at the
 * connections naming that address and at the %any ones, never at all.
 */
static struct {
	bool valid;
	size_t count;			/* conn_count() when built */
	struct connection **all;	/* by name */
	size_t n;
	size_t nb;			/* buckets, a power of two */
	size_t *head;			/* entry + 1, 0: none */
	struct { size_t conn, next; } *entry;
	size_t *any;			/* indexes into ALL, in order */
	size_t nr_any;
} idx;

static void index_free(void)
{
	free(idx.all);
	free(idx.head);
	free(idx.entry);
	free(idx.any);
	memset(&idx, 0, sizeof(idx));
}

static void index_build(void)
{
	index_free();
	idx.all = conn_sorted(&idx.n);
	idx.count = conn_count();
	idx.nb = 64;
	while (idx.nb < 2 * idx.n)
		idx.nb *= 2;
	idx.head = calloc(idx.nb, sizeof(*idx.head));
	idx.entry = calloc(2 * idx.n + 1, sizeof(*idx.entry));
	idx.any = calloc(idx.n + 1, sizeof(*idx.any));
	if (idx.head == NULL || idx.entry == NULL || idx.any == NULL)
		abort();
	size_t k = 0;
	/* backwards, prepending: chains come out in name order */
	for (size_t i = idx.n; i-- > 0;) {
		for (int e = 1; e >= 0; e--) {
			const struct end *end = &idx.all[i]->end[e];
			if (!address_is_specified(&end->host))
				continue;
			size_t h = address_hash(&end->host) & (idx.nb - 1);
			idx.entry[k].conn = i;
			idx.entry[k].next = idx.head[h];
			idx.head[h] = ++k;
		}
	}
	for (size_t i = 0; i < idx.n; i++) {
		for (int e = 0; e < 2; e++) {
			const struct end *end = &idx.all[i]->end[e];
			if (end->config != NULL && end->config->host == HOST_ANY) {
				idx.any[idx.nr_any++] = i;
				break;
			}
		}
	}
	idx.valid = true;
}

static bool conn_answers(const struct connection *c, const ip_endpoint *local, const ip_endpoint *remote,
			 bool exact)
{
	if (!conn_oriented(c) || (c->config != NULL && c->config->keyexchange != KE_IKEV2))
		return false;
	if (!address_eq(&conn_this(c)->host, &local->addr))
		return false;
	const struct end *that = conn_that(c);
	if (exact)
		return address_eq(&that->host, &remote->addr);
	return !address_is_specified(&that->host) && that->config != NULL &&
	       that->config->host == HOST_ANY;
}

static struct connection *find_conn(void *ctx, const ip_endpoint *local, const ip_endpoint *remote,
				    const struct connection *after)
{
	(void)ctx;
	if (!idx.valid || idx.count != conn_count())
		index_build();
	bool passed = after == NULL;
	/* connections naming the peer's address first, then %any ones */
	size_t h = address_hash(&remote->addr) & (idx.nb - 1);
	size_t last = SIZE_MAX;
	for (size_t k = idx.head[h]; k != 0; k = idx.entry[k - 1].next) {
		size_t i = idx.entry[k - 1].conn;
		if (i == last)
			continue;	/* both ends on the same address */
		last = i;
		struct connection *c = idx.all[i];
		if (!conn_answers(c, local, remote, true))
			continue;
		if (passed)
			return c;
		passed = c == after;
	}
	for (size_t j = 0; j < idx.nr_any; j++) {
		struct connection *c = idx.all[idx.any[j]];
		if (!conn_answers(c, local, remote, false))
			continue;
		if (passed)
			return c;
		passed = c == after;
	}
	return NULL;
}

static void whack_done(void *ctx, struct log_client *client, int rc)
{
	(void)ctx;
	ctl_client_finish(client, rc, NULL);
	log_client_release(&client);
}

/* ---- kernel ---- */

static diag_t k_alloc_spi(void *ctx, const ip_address *src, const ip_address *dst, uint32_t reqid,
			  uint32_t *spi)
{
	(void)ctx;
	return kernel_alloc_spi(src, dst, IPPROTO_ESP, reqid, 0x1000, 0xffffffff, NULL, spi);
}

static diag_t k_add_sa(void *ctx, const struct ikev2_kernel_sa *s)
{
	(void)ctx;
	struct kernel_sa sa = {
		.id = { .src = s->src, .dst = s->dst, .spi = s->spi, .proto = IPPROTO_ESP },
		.mode = s->transport ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL,
		.reqid = s->reqid,
		.update = s->inbound,	/* fills the larval SA of ALLOCSPI */
		.inbound = s->inbound,
		.replay_window = s->replay_window,
		.esn = s->esn,
		.lifetime = { .hard_seconds = s->lifetime_s, .soft_seconds = s->soft_lifetime_s,
			      .soft_bytes = s->soft_bytes, .hard_bytes = s->hard_bytes },
		.encap = s->encap_sport != 0 && s->encap_dport != 0,
		.encap_sport = s->encap_sport,
		.encap_dport = s->encap_dport,
	};
	if (s->transport) {
		sa.sel_src = s->src_client;
		sa.sel_dst = s->dst_client;
	}
	diag_t d = kernel_sa_set_algs(&sa, s->encr_id, s->encr_key_bits, s->integ_id, s->encr_key,
				      s->encr_key_len, s->integ_key, s->integ_key_len);
	if (d != NULL)
		return d;
	return kernel_add_sa(&sa, &global_logger);
}

static diag_t k_del_sa(void *ctx, const ip_address *src, const ip_address *dst, uint32_t spi)
{
	(void)ctx;
	struct kernel_sa_id id = { .src = *src, .dst = *dst, .spi = spi, .proto = IPPROTO_ESP };
	return kernel_del_sa(&id, &global_logger);
}

static diag_t k_get_bytes(void *ctx, const ip_address *src, const ip_address *dst, uint32_t spi,
			  uint64_t *bytes)
{
	(void)ctx;
	struct kernel_sa_id id = { .src = *src, .dst = *dst, .spi = spi, .proto = IPPROTO_ESP };
	struct kernel_sa_counters c;
	diag_t d = kernel_get_sa_counters(&id, &c);
	if (d == NULL)
		*bytes = c.bytes;
	return d;
}

static void policy_ids(const ip_selector *local, const ip_selector *remote, struct kernel_policy_id ids[3])
{
	ip_selector l = *local, r = *remote;
	ids[0] = (struct kernel_policy_id){ .src = l, .dst = r, .dir = KERNEL_DIR_OUT };
	ids[1] = (struct kernel_policy_id){ .src = r, .dst = l, .dir = KERNEL_DIR_IN };
	ids[2] = (struct kernel_policy_id){ .src = r, .dst = l, .dir = KERNEL_DIR_FWD };
}

static diag_t k_add_policies(void *ctx, const ip_selector *local_client, const ip_selector *remote_client,
			     const ip_address *local, const ip_address *remote, uint32_t reqid,
			     bool transport)
{
	(void)ctx;
	struct kernel_policy_id ids[3];
	policy_ids(local_client, remote_client, ids);
	unsigned n = transport ? 2 : 3;	/* no forwarding in transport mode */
	for (unsigned i = 0; i < n; i++) {
		bool out = ids[i].dir == KERNEL_DIR_OUT;
		struct kernel_policy p = {
			.id = ids[i],
			.action = KERNEL_POLICY_ALLOW,
			.has_tmpl = true,
			.mode = transport ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL,
			.proto = IPPROTO_ESP,
			.reqid = reqid,
			.tmpl_src = out ? *local : *remote,
			.tmpl_dst = out ? *remote : *local,
		};
		diag_t d = kernel_add_policy(&p, true, &global_logger);
		if (d != NULL) {
			for (unsigned k = 0; k < i; k++) {
				diag_t u = kernel_del_policy(&ids[k], &global_logger);
				diag_free(&u);
			}
			return d;
		}
	}
	route_policies_added(reqid, &local_client->subnet, &remote_client->subnet);
	/* mtu=: a route for the remote client subnet (kernel/kernel_route.h) */
	const struct connection *c = transport ? NULL : route_find_reqid(reqid);
	if (c != NULL && c->config != NULL && c->config->mtu != 0) {
		diag_t d = kernel_route_add(&remote_client->subnet, remote, c->config->mtu, &c->logger);
		if (d != NULL)
			llog_diag(&c->logger, LOG_SEV_WARNING, &d, "mtu=%u", c->config->mtu);
	}
	return NULL;
}

static diag_t k_del_policies(void *ctx, const ip_selector *local_client, const ip_selector *remote_client,
			     uint32_t reqid)
{
	(void)ctx;
	struct kernel_policy_id ids[3];
	policy_ids(local_client, remote_client, ids);
	/* a routed connection's trap replaced the outbound policy */
	bool trapped = route_policies_removing(reqid, &local_client->subnet, &remote_client->subnet);
	diag_t first = kernel_route_del(&remote_client->subnet, &global_logger);
	for (unsigned i = trapped ? 1 : 0; i < 3; i++) {
		diag_t d = kernel_del_policy(&ids[i], &global_logger);
		/* transport mode has no fwd policy */
		if (d != NULL && i == 2) {
			diag_free(&d);
			continue;
		}
		if (first == NULL)
			first = d;
		else
			diag_free(&d);
	}
	return first;
}

static diag_t k_migrate(void *ctx, const ip_selector *local_client, const ip_selector *remote_client,
			uint32_t reqid, bool transport, const ip_endpoint *old_local,
			const ip_endpoint *old_remote, const ip_endpoint *new_local,
			const ip_endpoint *new_remote, bool encap)
{
	(void)ctx;
	struct kernel_migrate m = {
		.mode = transport ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL,
		.local_ts = *local_client,
		.remote_ts = *remote_client,
		.reqid = reqid,
		.old_local = old_local->addr,
		.old_remote = old_remote->addr,
		.new_local = new_local->addr,
		.new_remote = new_remote->addr,
		.encap = encap,
		.local_port = new_local->port,
		.remote_port = new_remote->port,
	};
	return kernel_migrate_child(&m, &global_logger);
}

static const struct ikev2_kernel_ops kernel_ops = {
	.alloc_spi = k_alloc_spi,
	.add_sa = k_add_sa,
	.del_sa = k_del_sa,
	.add_policies = k_add_policies,
	.del_policies = k_del_policies,
	.get_bytes = k_get_bytes,
	.migrate = k_migrate,
};

static void ike_gone(void *ctx, struct connection *c)
{
	(void)ctx;
	route_ike_gone(c);
}

static const struct ikev2_ops ops = {
	.send = send_udp,
	.now_ms = now_ms,
	.wall_s = wall_s,
	.timer_start = timer_start,
	.timer_cancel = timer_cancel,
	.submit = submit,
	.secrets = secrets,
	.find_conn = find_conn,
	.whack_done = whack_done,
	.kernel = &kernel_ops,
	.ike_gone = ike_gone,
	.child_failed = ike_gone,	/* the same for the route: no Child SA came of it */
};

/* ---- the kernel's EXPIREs: Child SA lifetimes (ikev2/expire.c) ---- */

static sd_event_source *expire_src;

static void on_expire(const struct kernel_event *ev, void *ctx)
{
	(void)ctx;
	if (pluto_ikev2 == NULL)
		return;
	if (ev->type == KERNEL_EVENT_MAPPING && ev->mapping.id.proto == IPPROTO_ESP) {
		/* NAT-T: the peer's ESP in UDP arrives from a new mapping (ikev2/nat.c) */
		ip_endpoint to = { .addr = ev->mapping.new_src, .port = ev->mapping.new_sport };
		ikev2_kernel_mapping(pluto_ikev2, &ev->mapping.id.dst, ev->mapping.id.spi, &to);
		return;
	}
	if (ev->type != KERNEL_EVENT_EXPIRE || ev->expire.id.proto != IPPROTO_ESP)
		return;
	ikev2_kernel_expire(pluto_ikev2, &ev->expire.id.dst, ev->expire.id.spi, ev->expire.hard,
			    ev->expire.counters.bytes);
}

static int on_expire_io(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	(void)s;
	(void)fd;
	(void)revents;
	(void)data;
	diag_t d = kernel_expire_read(on_expire, NULL, &global_logger);
	if (d != NULL)
		llog_diag(&global_logger, LOG_SEV_WARNING, &d, "Child SA lifetimes");
	return 0;
}

static void expire_start(void)
{
	int fd;
	diag_t d = kernel_expire_open(&fd);
	if (d == NULL) {
		int r = sd_event_add_io(pluto_event, &expire_src, fd, EPOLLIN, on_expire_io, NULL);
		if (r < 0)
			d = diag("cannot watch the XFRM EXPIRE socket: %s", strerror(-r));
	}
	if (d != NULL) {
		/* the rekey timers still work; only byte limits go unnoticed */
		llog_diag(&global_logger, LOG_SEV_WARNING, &d, "Child SA lifetimes");
		kernel_expire_close();
	}
}

static void expire_stop(void)
{
	expire_src = sd_event_source_disable_unref(expire_src);
	kernel_expire_close();
}

diag_t pluto_ikev2_start(int nhelpers)
{
	diag_t d = workers_start(pluto_event, nhelpers);
	if (d != NULL)
		return d;
	d = ikev2_engine_new(&ops, NULL, "pluto", &pluto_ikev2);
	if (d != NULL) {
		workers_stop();
		return d;
	}
	/* cookies (RFC 7296 2.6): ddos-mode=busy always, unlimited never,
	 * auto above ddos-ike-threshold half-open IKE SAs */
	pluto_ikev2->keepalive_ms = 20 * 1000;	/* keep-alive= default */
	if (pluto_setup != NULL) {
		pluto_ikev2->halfopen_cookie_threshold =
			pluto_setup->ddos_mode == DDOS_BUSY ? 0 :
			pluto_setup->ddos_mode == DDOS_UNLIMITED ? UINT_MAX :
			pluto_setup->ddos_ike_threshold;
		pluto_ikev2->keepalive_ms = pluto_setup->keep_alive_ms;
	}
	ikev2_uniqueids = pluto.uniqueids;	/* INITIAL_CONTACT and uniqueids= */
	expire_start();
	llog(&global_logger, LOG_SEV_INFO, "started %u crypto helper%s", workers_count(),
	     workers_count() == 1 ? "" : "s");
	return NULL;
}

static void autostart_stop(void);

void pluto_ikev2_stop(void)
{
	if (pluto_ikev2 == NULL)
		return;
	size_t n;
	struct connection **all = conn_sorted(&n);
	for (size_t i = 0; i < n; i++)
		ikev2_terminate(pluto_ikev2, all[i]);
	free(all);
	expire_stop();
	autostart_stop();
	/* jobs still running finish (their SAs are gone: results dropped) */
	workers_stop();
	ikev2_engine_free(&pluto_ikev2);
	index_free();
}

int pluto_ikev2_initiate(struct log_client *client, struct connection *c)
{
	if (pluto_ikev2 == NULL)
		return CTL_RC_INTERNAL_ERROR;
	struct log_client *held = client != NULL ? log_client_hold(client) : NULL;
	int rc = ikev2_initiate(pluto_ikev2, c, held, NULL);
	if (rc == IKEV2_INITIATE_STARTED)
		return CTL_RC_DEFERRED;
	if (held != NULL)
		log_client_release(&held);
	return rc;
}

int pluto_ikev2_terminate(struct connection *c)
{
	if (pluto_ikev2 == NULL)
		return CTL_RC_OK;
	if (ikev2_terminate(pluto_ikev2, c) == 0)
		llog(&c->logger, LOG_SEV_INFO, "no IKE SA to terminate");
	return CTL_RC_OK;
}

/*
 * auto=start at start-up, paced: at most AUTOSTART_IN_FLIGHT of our IKE
 * SAs in IKE_SA_INIT/IKE_AUTH at a time, the next ones started as those
 * finish (checked every AUTOSTART_TICK_MS).  Started all at once, 1,000
 * conns swamp a slow peer: our requests are retransmitted (0.5 s, then
 * doubling), its answers come later still, and a Child SA whose IKE_AUTH
 * takes more than 30 s fails because the kernel drops the SPI we
 * allocated for it (net.core.xfrm_acq_expires).  docs/benchmarks.md,
 * section 5.
 */
#define AUTOSTART_IN_FLIGHT 16
#define AUTOSTART_TICK_MS 20

static struct {
	unsigned long *serials;	/* conns still to start, in name order */
	size_t n, next;
	sd_event_source *timer;
} autostart;

static size_t initiating(void)
{
	const struct sa_table *t = &pluto_ikev2->sas;
	size_t count = 0;
	for (size_t b = 0; b < t->buckets && t->ike_by_serial != NULL; b++)
		for (const struct ike_sa *ike = t->ike_by_serial[b]; ike != NULL; ike = ike->serial_next)
			if (ike->initiator && (ike->state == IKE_SA_INIT_I0 || ike->state == IKE_SA_INIT_I ||
					       ike->state == IKE_AUTH_I))
				count++;
	return count;
}

static void autostart_stop(void)
{
	autostart.timer = sd_event_source_disable_unref(autostart.timer);
	free(autostart.serials);
	autostart.serials = NULL;
	autostart.n = autostart.next = 0;
}

static int autostart_tick(sd_event_source *s, uint64_t usec, void *data);

static void autostart_step(void)
{
	if (pluto_ikev2 == NULL) {
		autostart_stop();
		return;
	}
	size_t busy = initiating();
	while (autostart.next < autostart.n && busy < AUTOSTART_IN_FLIGHT) {
		/* a conn deleted (or changed) meanwhile is skipped */
		struct connection *c = conn_by_serial(autostart.serials[autostart.next++]);
		if (c == NULL || c->config == NULL || c->config->autostart != AUTO_START)
			continue;
		(void)pluto_ikev2_initiate(NULL, c);
		busy = initiating();
	}
	if (autostart.next >= autostart.n) {
		autostart_stop();
		return;
	}
	int r = autostart.timer == NULL
		? sd_event_add_time_relative(pluto_event, &autostart.timer, CLOCK_MONOTONIC,
					     AUTOSTART_TICK_MS * 1000, 0, autostart_tick, NULL)
		: sd_event_source_set_time_relative(autostart.timer, AUTOSTART_TICK_MS * 1000);
	if (r >= 0)
		r = sd_event_source_set_enabled(autostart.timer, SD_EVENT_ONESHOT);
	if (r < 0) {
		/* no timer: start the rest now, unpaced */
		llog(&global_logger, LOG_SEV_WARNING, "auto=start pacing timer: %s; starting the rest at once",
		     strerror(-r));
		while (autostart.next < autostart.n) {
			struct connection *c = conn_by_serial(autostart.serials[autostart.next++]);
			if (c != NULL && c->config != NULL && c->config->autostart == AUTO_START)
				(void)pluto_ikev2_initiate(NULL, c);
		}
		autostart_stop();
	}
}

static int autostart_tick(sd_event_source *s, uint64_t usec, void *data)
{
	(void)s;
	(void)usec;
	(void)data;
	autostart_step();
	return 0;
}

void pluto_ikev2_start_auto(void)
{
	size_t n;
	struct connection **all = conn_sorted(&n);
	autostart_stop();
	autostart.serials = calloc(n + 1, sizeof(*autostart.serials));
	if (autostart.serials == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		if (all[i]->config != NULL && all[i]->config->autostart == AUTO_START)
			autostart.serials[autostart.n++] = all[i]->serial;
	free(all);
	autostart_step();
}

void pluto_ikev2_connection_gone(struct connection *c)
{
	idx.valid = false;	/* the index points at it */
	if (pluto_ikev2 != NULL)
		ikev2_terminate(pluto_ikev2, c);
	route_connection_gone(c);	/* its trap or shunt */
}

void pluto_ikev2_show_states(struct show *s)
{
	if (pluto_ikev2 != NULL)
		ikev2_show_states(pluto_ikev2, s);
}

size_t pluto_ikev2_nr_states(void)
{
	return pluto_ikev2 == NULL ? 0 : pluto_ikev2->sas.nr_ike + pluto_ikev2->sas.nr_child;
}

void pluto_ikev2_show_traffic(struct show *s, const char *name)
{
	if (pluto_ikev2 != NULL)
		ikev2_show_traffic(pluto_ikev2, s, name);
}

void pluto_ikev2_show_brief(struct show *s)
{
	if (pluto_ikev2 != NULL) {
		ikev2_show_brief(pluto_ikev2, s);
		return;
	}
	show_line(s, "IKE SAs: total(0), half-open(0), open(0), authenticated(0), anonymous(0)");
	show_line(s, "IPsec SAs: total(0), authenticated(0), anonymous(0)");
}
