/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-process harness of the IKEv2 engine tests (see harness.h): two
 * engines, west and east, a queue for the network, a fake clock, worker
 * jobs run by pump(), a fake kernel, and a log capture.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

bool harness_authby_secret = true;

/* ---- fake clock and timers ---- */

uint64_t now;

struct timer *timers;

static uint64_t now_ms(void *ctx) { (void)ctx; return now; }
static uint64_t wall_s(void *ctx) { (void)ctx; return 1700000000 + now / 1000; }

static void *timer_start(void *ctx, uint64_t delay, void (*cb)(void *), void *arg)
{
	(void)ctx;
	struct timer *t = calloc(1, sizeof(*t));
	t->when = now + delay;
	t->cb = cb;
	t->arg = arg;
	t->live = true;
	t->next = timers;
	timers = t;
	return t;
}

static void timer_cancel(void *ctx, void *h)
{
	(void)ctx;
	((struct timer *)h)->live = false;
}

/* fire the earliest live timer due by LIMIT; false when none */
bool fire_one(uint64_t limit)
{
	struct timer *best = NULL;
	for (struct timer *t = timers; t != NULL; t = t->next)
		if (t->live && t->when <= limit && (best == NULL || t->when < best->when))
			best = t;
	if (best == NULL)
		return false;
	best->live = false;
	if (best->when > now)
		now = best->when;
	best->cb(best->arg);
	return true;
}

void timers_free(void)
{
	while (timers != NULL) {
		struct timer *n = timers->next;
		free(timers);
		timers = n;
	}
}

/* ---- worker jobs: queued, run by pump() ---- */

struct worker_job *jobs_head, *jobs_tail;

static void submit(void *ctx, struct worker_job *job)
{
	(void)ctx;
	job->next = NULL;
	if (jobs_tail != NULL)
		jobs_tail->next = job;
	else
		jobs_head = job;
	jobs_tail = job;
}

bool run_one_job(void)
{
	struct worker_job *j = jobs_head;
	if (j == NULL)
		return false;
	jobs_head = j->next;
	if (jobs_head == NULL)
		jobs_tail = NULL;
	j->run(j);
	j->done(j, false);
	return true;
}

/* ---- peers ---- */



struct peer west, east;

struct peer *other(struct peer *p) { return p == &west ? &east : &west; }

struct packet *pkts_head, *pkts_tail;
uint64_t send_times[16];
unsigned nr_send_times;

static void send_pkt(void *ctx, const ip_endpoint *local, const ip_endpoint *remote,
		     const uint8_t *data, size_t len)
{
	struct peer *p = ctx;
	p->sent++;
	if (p == &west && nr_send_times < 16)
		send_times[nr_send_times++] = now;
	assert_true(endpoint_eq(local, &p->ep));
	assert_true(endpoint_eq(remote, &other(p)->ep));
	if (p->drop_sends != 0) {
		if (p->drop_sends > 0)
			p->drop_sends--;
		return;
	}
	struct packet *k = calloc(1, sizeof(*k));
	k->to = other(p);
	k->from = *local;
	k->local = *remote;
	k->data = malloc(len);
	memcpy(k->data, data, len);
	k->len = len;
	if (pkts_tail != NULL)
		pkts_tail->next = k;
	else
		pkts_head = k;
	pkts_tail = k;
}

bool deliver_one(void)
{
	struct packet *k = pkts_head;
	if (k == NULL)
		return false;
	pkts_head = k->next;
	if (pkts_head == NULL)
		pkts_tail = NULL;
	ikev2_receive(k->to->e, &k->local, &k->from, k->data, k->len);
	free(k->data);
	free(k);
	return true;
}

/* jobs and packets until nothing moves (no time passes) */
void pump(void)
{
	for (int i = 0; i < 1000; i++)
		if (!run_one_job() && !deliver_one())
			return;
	fail_msg("pump: no quiescence");
}

/* let time pass up to LIMIT ms from now, pumping in between */
void run_for(uint64_t ms)
{
	uint64_t limit = now + ms;
	pump();
	while (fire_one(limit))
		pump();
	now = limit;
}

static const struct secrets *get_secrets(void *ctx) { return ((struct peer *)ctx)->secrets; }

static struct connection *find_conn(void *ctx, const ip_endpoint *local, const ip_endpoint *remote,
				    const struct connection *after)
{
	struct peer *p = ctx;
	if (after == NULL && address_eq(&local->addr, &conn_this(p->conn)->host) &&
	    address_eq(&remote->addr, &conn_that(p->conn)->host))
		return p->conn;
	return NULL;
}

static void whack_done(void *ctx, struct log_client *client, int rc)
{
	struct peer *p = ctx;
	assert_ptr_equal(client, (struct log_client *)&p->client_token);
	p->whack_rc = rc;
	p->whack_done = true;
}

static void child_failed(void *ctx, struct connection *c)
{
	struct peer *p = ctx;
	assert_ptr_equal(c, p->conn);
	p->child_failures++;
}

/* fake kernel */

static diag_t k_alloc_spi(void *ctx, const ip_address *src, const ip_address *dst, uint32_t reqid,
			  uint32_t *spi)
{
	(void)src; (void)dst; (void)reqid;
	struct peer *p = ctx;
	*spi = p->next_spi++;
	return NULL;
}

static diag_t k_add_sa(void *ctx, const struct ikev2_kernel_sa *sa)
{
	struct peer *p = ctx;
	if (p->refuse_esp)
		return diag("kernel: adding ESP SA 0x%08x failed: kernel has no ESP support (CONFIG_INET_ESP): Protocol not supported",
			    sa->spi);
	assert_true(p->nr_states < 8);
	struct kernel_state *k = &p->states[p->nr_states++];
	k->sa = *sa;
	assert_true(sa->encr_key_len <= sizeof(k->encr) && sa->integ_key_len <= sizeof(k->integ));
	memcpy(k->encr, sa->encr_key, sa->encr_key_len);
	if (sa->integ_key_len > 0)
		memcpy(k->integ, sa->integ_key, sa->integ_key_len);
	k->sa.encr_key = k->encr;
	k->sa.integ_key = k->integ;
	k->live = true;
	unsigned n = 0;
	for (unsigned i = 0; i < p->nr_states; i++)
		n += p->states[i].live;
	if (n > p->max_live)
		p->max_live = n;
	return NULL;
}

struct kernel_state *find_state(struct peer *p, uint32_t spi)
{
	for (unsigned i = 0; i < p->nr_states; i++)
		if (p->states[i].live && p->states[i].sa.spi == spi)
			return &p->states[i];
	return NULL;
}

unsigned live_states(struct peer *p)
{
	unsigned n = 0;
	for (unsigned i = 0; i < p->nr_states; i++)
		n += p->states[i].live;
	return n;
}

static diag_t k_del_sa(void *ctx, const ip_address *src, const ip_address *dst, uint32_t spi)
{
	(void)src; (void)dst;
	struct kernel_state *k = find_state(ctx, spi);
	if (k == NULL)
		return diag("no SA 0x%08x", spi);
	k->live = false;
	return NULL;
}

static diag_t k_add_policies(void *ctx, const ip_selector *lc, const ip_selector *rc, const ip_address *l,
			     const ip_address *r, uint32_t reqid, bool transport)
{
	(void)lc; (void)rc; (void)l; (void)r; (void)reqid;
	((struct peer *)ctx)->policies += transport ? 2 : 3;
	return NULL;
}

static diag_t k_del_policies(void *ctx, const ip_selector *lc, const ip_selector *rc, uint32_t reqid)
{
	(void)lc; (void)rc; (void)reqid;
	struct peer *p = ctx;
	p->policies -= 3;
	p->policy_dels++;
	return NULL;
}

static diag_t k_get_bytes(void *ctx, const ip_address *src, const ip_address *dst, uint32_t spi,
			  uint64_t *bytes)
{
	(void)src; (void)dst;
	const struct kernel_state *k = find_state(ctx, spi);
	if (k == NULL)
		return diag("no SA");
	*bytes = 84 + k->bytes;
	return NULL;
}

static const struct ikev2_kernel_ops kops = {
	.alloc_spi = k_alloc_spi, .add_sa = k_add_sa, .del_sa = k_del_sa,
	.add_policies = k_add_policies, .del_policies = k_del_policies, .get_bytes = k_get_bytes,
};

const struct ikev2_ops ops = {
	.send = send_pkt, .now_ms = now_ms, .wall_s = wall_s, .timer_start = timer_start,
	.timer_cancel = timer_cancel, .submit = submit, .secrets = get_secrets,
	.find_conn = find_conn, .whack_done = whack_done, .kernel = &kops,
	.child_failed = child_failed,
};

/* ---- log capture ---- */

char *lines[MAX_LINES];
unsigned nr_lines;

void sink(void *ctx, const struct log_line *l)
{
	(void)ctx;
	if (l->severity == LOG_SEV_DEBUG || nr_lines >= MAX_LINES)
		return;
	lines[nr_lines++] = strndup(l->text, l->len);
	if (getenv("IKEV2_TEST_VERBOSE") != NULL)
		fprintf(stderr, "%s\n", lines[nr_lines - 1]);
}

bool logged(const char *needle)
{
	for (unsigned i = 0; i < nr_lines; i++)
		if (strstr(lines[i], needle) != NULL)
			return true;
	return false;
}

unsigned count_logged(const char *needle)
{
	unsigned n = 0;
	for (unsigned i = 0; i < nr_lines; i++)
		if (strstr(lines[i], needle) != NULL)
			n++;
	return n;
}

void expect_log(const char *needle)
{
	if (!logged(needle)) {
		for (unsigned i = 0; i < nr_lines; i++)
			fprintf(stderr, "  log: %s\n", lines[i]);
		fail_msg("no log line contains: %s", needle);
	}
}

/* ---- set-up ---- */


static void make_peer(struct peer *p, const char *name, bool is_west, const char *extra,
		      const char *psk)
{
	/* the defaults, each unless EXTRA sets the key itself */
	static const char *const defaults[][2] = {
		{ "left", "192.0.2.1" }, { "leftid", "@west" }, { "leftsubnet", "10.0.1.0/24" },
		{ "right", "192.0.2.2" }, { "rightid", "@east" }, { "rightsubnet", "10.0.2.0/24" },
		{ "authby", "secret" }, { "auto", "add" },
	};
	char conf[2048];
	struct jambuf b = jambuf_init(conf, sizeof(conf));
	jam_str(&b, "conn C\n");
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		char key[64];
		snprintf(key, sizeof(key), "\t%s=", defaults[i][0]);
		bool no_ids = extra != NULL && strstr(extra, "# no ids") != NULL &&
			      strstr(defaults[i][0], "id") != NULL;
		bool skip = !harness_authby_secret && strcmp(defaults[i][0], "authby") == 0;
		if (!skip && !no_ids && (extra == NULL || strstr(extra, key) == NULL))
			jam(&b, "\t%s=%s\n", defaults[i][0], defaults[i][1]);
	}
	if (extra != NULL)
		jam_str(&b, extra);
	memset(p, 0, sizeof(*p));
	p->name = name;
	ipsec_conf_parse_buffer(name, conf, strlen(conf), &p->conf);
	assert_non_null(p->conf);
	const struct conn_config *cc = ipsec_conf_find(p->conf, "C");
	assert_non_null(cc);
	if (cc->has_errors) {
		for (unsigned i = 0; i < p->conf->nr_problems; i++)
			fprintf(stderr, "%s\n", p->conf->problems[i].message);
		fail_msg("bad test config");
	}
	struct connection *c = connection_alloc("C");
	c->config = cc;
	for (int e = 0; e < 2; e++) {
		const struct conn_end *ce = e == LEFT_END ? &cc->left : &cc->right;
		c->end[e].config = ce;
		c->end[e].host = ce->host_addr;
		c->end[e].client = ce->subnet;
		c->end[e].id = id_clone(&ce->id);
	}
	c->local = is_west ? LEFT_END : RIGHT_END;
	p->conn = c;
	p->ep = (ip_endpoint){ .addr = conn_this(c)->host, .port = 500 };
	char secrets[512];
	snprintf(secrets, sizeof(secrets),
		 "@west @east : PSK \"%s\"\n192.0.2.1 192.0.2.2 : PSK \"%s\"\n"
		 "@west @east-other : PSK \"%s\"\n", psk, psk, psk);
	secrets_parse_buffer(name, secrets, strlen(secrets), &p->secrets);
	p->next_spi = is_west ? 0x1000aa00 : 0x2000bb00;
	assert_null(ikev2_engine_new(&ops, p, name, &p->e));
}

void setup_peers(const struct setup *s)
{
	now = 0;
	nr_send_times = 0;
	make_peer(&west, "west", true, s->west_conf, s->west_psk != NULL ? s->west_psk : "sesame-sesame-sesame");
	make_peer(&east, "east", false, s->east_conf, s->east_psk != NULL ? s->east_psk : "sesame-sesame-sesame");
}

static void free_peer(struct peer *p)
{
	ikev2_engine_free(&p->e);
	struct connection *c = p->conn;
	if (c == NULL) {
		ipsec_conf_free(&p->conf);
		return;
	}
	for (int e = 0; e < 2; e++)
		id_free(&c->end[e].id);
	free(c->ike_sa);	/* conn_ike_sa()'s cached SA payload */
	free(c->name);
	free(c);
	ipsec_conf_free(&p->conf);
	secrets_free(&p->secrets);
}

int teardown(void **state)
{
	(void)state;
	pump();
	free_peer(&west);
	free_peer(&east);
	while (pkts_head != NULL) {
		struct packet *n = pkts_head->next;
		free(pkts_head->data);
		free(pkts_head);
		pkts_head = n;
	}
	pkts_tail = NULL;
	assert_null(jobs_head);
	timers_free();
	for (unsigned i = 0; i < nr_lines; i++)
		free(lines[i]);
	nr_lines = 0;
	return 0;
}

int initiate(bool childless)
{
	struct ikev2_initiate_opts o = { .childless = childless };
	return ikev2_initiate(west.e, west.conn, (struct log_client *)&west.client_token, &o);
}

struct ike_sa *only_ike(struct peer *p)
{
	size_t n;
	struct ike_sa **v = sa_ike_sorted(&p->e->sas, &n);
	struct ike_sa *ike = n == 1 ? v[0] : NULL;
	free(v);
	return ike;
}

/* initiator's outbound == responder's inbound, and the other way */
void expect_matching_sas(void)
{
	assert_int_equal(live_states(&west), 2);
	assert_int_equal(live_states(&east), 2);
	for (unsigned i = 0; i < west.nr_states; i++) {
		struct kernel_state *w = &west.states[i];
		struct kernel_state *e = find_state(&east, w->sa.spi);
		assert_non_null(e);
		assert_true(w->sa.inbound != e->sa.inbound);
		assert_int_equal(w->sa.encr_id, e->sa.encr_id);
		assert_int_equal(w->sa.integ_id, e->sa.integ_id);
		assert_int_equal(w->sa.encr_key_len, e->sa.encr_key_len);
		assert_memory_equal(w->encr, e->encr, w->sa.encr_key_len);
		assert_int_equal(w->sa.integ_key_len, e->sa.integ_key_len);
		if (w->sa.integ_key_len > 0)
			assert_memory_equal(w->integ, e->integ, w->sa.integ_key_len);
		assert_true(address_eq(&w->sa.src, &e->sa.src));
		assert_true(address_eq(&w->sa.dst, &e->sa.dst));
	}
	assert_int_equal(west.policies, 3);
	assert_int_equal(east.policies, 3);
}

/* the inbound SAs P keeps for replaced Child SAs (ikev2/child_retire.c) */
unsigned retired_states(struct peer *p)
{
	size_t n, r = 0;
	struct ike_sa **v = sa_ike_sorted(&p->e->sas, &n);
	for (size_t i = 0; i < n; i++)
		r += child_retired_count(v[i]);
	free(v);
	return (unsigned)r;
}

/* P's live states: exactly one pair with a live partner on OTHER (same
 * keys, the other direction); every other live state is an inbound SA
 * P retired (its partner, OTHER's outbound, is gone) */
static void expect_one_live_pair(struct peer *p, struct peer *other)
{
	unsigned paired = 0, lone = 0;
	for (unsigned i = 0; i < p->nr_states; i++) {
		struct kernel_state *w = &p->states[i];
		if (!w->live)
			continue;
		struct kernel_state *e = find_state(other, w->sa.spi);
		if (e == NULL) {
			assert_true(w->sa.inbound);
			lone++;
			continue;
		}
		paired++;
		assert_true(w->sa.inbound != e->sa.inbound);
		assert_int_equal(w->sa.encr_key_len, e->sa.encr_key_len);
		assert_memory_equal(w->encr, e->encr, w->sa.encr_key_len);
		assert_int_equal(w->sa.integ_key_len, e->sa.integ_key_len);
		if (w->sa.integ_key_len > 0)
			assert_memory_equal(w->integ, e->integ, w->sa.integ_key_len);
	}
	assert_int_equal(paired, 2);
	assert_int_equal(lone, retired_states(p));
}

void expect_matching_live_sas(void)
{
	expect_one_live_pair(&west, &east);
	expect_one_live_pair(&east, &west);
}

void expect_retired_gone(void)
{
	run_for(CHILD_RETIRE_GRACE_MS);
	assert_int_equal(retired_states(&west), 0);
	assert_int_equal(retired_states(&east), 0);
	expect_matching_live_sas();
	assert_int_equal(live_states(&west), 2);
	assert_int_equal(live_states(&east), 2);
}
