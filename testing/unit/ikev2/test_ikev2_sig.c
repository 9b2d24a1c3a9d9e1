/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKE_AUTH with signatures: two IKEv2 engines, west (initiator) and east
 * (responder), in one process, as in test_ikev2.c (its harness, copied:
 * a queue for the network, a fake clock, worker jobs run by pump(), a
 * fake kernel), over a throwaway NSS database that certutil fills with a
 * CA and RSA / ECDSA certificates for west and east.  Raw keys are those
 * certificates' keys given as leftckaid= / rightrsasigkey= / rightpubkey=;
 * certificate tests use leftcert= and CERT payloads.  Every test drives a
 * real negotiation and checks what both sides logged and installed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <nss.h>
#include <cert.h>
#include <keyhi.h>
#include <sys/stat.h>

#include "tern/conf.h"
#include "tern/crypto_pubkey.h"
#include "tern/ctl.h"
#include "tern/secrets.h"
#include "conn/connections.h"
#include "conn/show.h"
#include "ikev2/ikev2.h"
#include "ikev2/internal.h"
#include "sa/sa.h"

/* ---- fake clock and timers ---- */

static uint64_t now;

struct timer {
	uint64_t when;
	void (*cb)(void *);
	void *arg;
	bool live;
	struct timer *next;
};
static struct timer *timers;

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

static void timers_free(void)
{
	while (timers != NULL) {
		struct timer *n = timers->next;
		free(timers);
		timers = n;
	}
}

/* ---- worker jobs: queued, run by pump() ---- */

static struct worker_job *jobs_head, *jobs_tail;

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

static bool run_one_job(void)
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

struct kernel_state {
	struct ikev2_kernel_sa sa;
	uint8_t encr[64], integ[64];
	bool live;
};

struct peer {
	const char *name;
	struct ikev2_engine *e;
	struct connection *conn;
	struct ipsec_conf *conf;
	struct secrets *secrets;
	ip_endpoint ep;
	/* fake kernel */
	uint32_t next_spi;
	struct kernel_state states[8];
	unsigned nr_states;
	int policies;
	bool refuse_esp;
	/* whack */
	int whack_rc;
	bool whack_done;
	int client_token;
	/* transport: drop what this peer sends while > 0 (or forever if -1) */
	int drop_sends;
	unsigned sent;
};

static struct peer west, east;

static struct peer *other(struct peer *p) { return p == &west ? &east : &west; }

struct packet {
	struct peer *to;
	ip_endpoint from, local;
	uint8_t *data;
	size_t len;
	struct packet *next;
};
static struct packet *pkts_head, *pkts_tail;
static uint64_t send_times[16];
static unsigned nr_send_times;

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

static bool deliver_one(void)
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
static void pump(void)
{
	for (int i = 0; i < 1000; i++)
		if (!run_one_job() && !deliver_one())
			return;
	fail_msg("pump: no quiescence");
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
	return NULL;
}

static struct kernel_state *find_state(struct peer *p, uint32_t spi)
{
	for (unsigned i = 0; i < p->nr_states; i++)
		if (p->states[i].live && p->states[i].sa.spi == spi)
			return &p->states[i];
	return NULL;
}

static unsigned live_states(struct peer *p)
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

static diag_t k_add_policies(void *ctx, const ip_subnet *lc, const ip_subnet *rc, const ip_address *l,
			     const ip_address *r, uint32_t reqid, bool transport)
{
	(void)lc; (void)rc; (void)l; (void)r; (void)reqid;
	((struct peer *)ctx)->policies += transport ? 2 : 3;
	return NULL;
}

static diag_t k_del_policies(void *ctx, const ip_subnet *lc, const ip_subnet *rc, uint32_t reqid)
{
	(void)lc; (void)rc; (void)reqid;
	struct peer *p = ctx;
	p->policies -= 3;
	return NULL;
}

static diag_t k_get_bytes(void *ctx, const ip_address *src, const ip_address *dst, uint32_t spi,
			  uint64_t *bytes)
{
	(void)src; (void)dst;
	if (find_state(ctx, spi) == NULL)
		return diag("no SA");
	*bytes = 84;
	return NULL;
}

static const struct ikev2_kernel_ops kops = {
	.alloc_spi = k_alloc_spi, .add_sa = k_add_sa, .del_sa = k_del_sa,
	.add_policies = k_add_policies, .del_policies = k_del_policies, .get_bytes = k_get_bytes,
};

static const struct ikev2_ops ops = {
	.send = send_pkt, .now_ms = now_ms, .wall_s = wall_s, .timer_start = timer_start,
	.timer_cancel = timer_cancel, .submit = submit, .secrets = get_secrets,
	.find_conn = find_conn, .whack_done = whack_done, .kernel = &kops,
};

/* ---- log capture ---- */

#define MAX_LINES 400
static char *lines[MAX_LINES];
static unsigned nr_lines;

static void sink(void *ctx, const struct log_line *l)
{
	(void)ctx;
	if (l->severity == LOG_SEV_DEBUG || nr_lines >= MAX_LINES)
		return;
	lines[nr_lines++] = strndup(l->text, l->len);
	if (getenv("IKEV2_TEST_VERBOSE") != NULL)
		fprintf(stderr, "%s\n", lines[nr_lines - 1]);
}

static bool logged(const char *needle)
{
	for (unsigned i = 0; i < nr_lines; i++)
		if (strstr(lines[i], needle) != NULL)
			return true;
	return false;
}

static void expect_log(const char *needle)
{
	if (!logged(needle)) {
		for (unsigned i = 0; i < nr_lines; i++)
			fprintf(stderr, "  log: %s\n", lines[i]);
		fail_msg("no log line contains: %s", needle);
	}
}

/* ---- set-up ---- */

struct setup {
	const char *west_conf;	/* extra lines for west's conn */
	const char *east_conf;
	const char *west_psk, *east_psk;
};

static void make_peer(struct peer *p, const char *name, bool is_west, const char *extra,
		      const char *psk)
{
	/* the defaults, each unless EXTRA sets the key itself */
	static const char *const defaults[][2] = {
		{ "left", "192.0.2.1" }, { "leftid", "@west" }, { "leftsubnet", "10.0.1.0/24" },
		{ "right", "192.0.2.2" }, { "rightid", "@east" }, { "rightsubnet", "10.0.2.0/24" },
		{ "auto", "add" },
	};
	char conf[2048];
	struct jambuf b = jambuf_init(conf, sizeof(conf));
	jam_str(&b, "conn C\n");
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		char key[64];
		snprintf(key, sizeof(key), "\t%s=", defaults[i][0]);
		bool no_ids = extra != NULL && strstr(extra, "# no ids") != NULL &&
			      strstr(defaults[i][0], "id") != NULL;
		if (!no_ids && (extra == NULL || strstr(extra, key) == NULL))
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

static void setup_peers(const struct setup *s)
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
	free(c->name);
	free(c);
	ipsec_conf_free(&p->conf);
	secrets_free(&p->secrets);
}

static int teardown(void **state)
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

static int initiate(bool childless)
{
	struct ikev2_initiate_opts o = { .childless = childless };
	return ikev2_initiate(west.e, west.conn, (struct log_client *)&west.client_token, &o);
}

static struct ike_sa *only_ike(struct peer *p)
{
	size_t n;
	struct ike_sa **v = sa_ike_sorted(&p->e->sas, &n);
	struct ike_sa *ike = n == 1 ? v[0] : NULL;
	free(v);
	return ike;
}

/* initiator's outbound == responder's inbound, and the other way */
static void expect_matching_sas(void)
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

/* ---- the NSS database ---- */

static char dir[64];

static int sh(const char *fmt, ...) TERN_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	free(cmd);
	return rc;
}

/* certutil -S: NICK with SUBJECT signed by CA (NULL: a self-signed CA) in DB */
static int issue(const char *db, const char *nick, const char *subject, const char *ca,
		 int serial, const char *extra)
{
	if (ca == NULL)
		return sh("printf 'y\\n\\ny\\n' | certutil -S -d sql:%s/%s -n %s -s '%s' -x "
			  "-t CT,C,C -k rsa -g 2048 -Z SHA256 -v 12 -m %d -z %s/noise -2 "
			  "--keyUsage certSigning,crlSigning >/dev/null 2>&1",
			  dir, db, nick, subject, serial, dir);
	return sh("certutil -S -d sql:%s/%s -n %s -s '%s' -c %s -t u,u,u -Z SHA256 -m %d "
		  "-z %s/noise %s </dev/null >/dev/null 2>&1",
		  dir, db, nick, subject, ca, serial, dir, extra);
}

/*
 * One db for both engines (one process): the CA, west and east with RSA
 * and with ECDSA P-256 keys, "stranger" (a key nobody configures) and
 * "eve" from another CA (its certificate imported, its CA not).
 */
static int group_setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/tern-test-ikev2-sig-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	if (sh("mkdir %s/db %s/other && head -c 2048 /dev/urandom > %s/noise && "
	       "certutil -N -d sql:%s/db --empty-password && "
	       "certutil -N -d sql:%s/other --empty-password", dir, dir, dir, dir, dir) != 0)
		return -1;
	int rc = 0;
	rc |= issue("db", "ca", "CN=Tern Test CA, O=Tern, C=CA", NULL, 1, "");
	rc |= issue("db", "west", "CN=west.example.org, O=Tern", "ca", 2,
		    "-k rsa -g 2048 -v 12 --keyUsage digitalSignature "
		    "--extSAN dns:west.example.org,email:west@example.org");
	rc |= issue("db", "east", "CN=east.example.org, O=Tern", "ca", 3,
		    "-k rsa -g 2048 -v 12 --keyUsage digitalSignature "
		    "--extSAN dns:east.example.org,email:east@example.org");
	rc |= issue("db", "westec", "CN=westec.example.org, O=Tern", "ca", 4,
		    "-k ec -q nistp256 -v 12 --keyUsage digitalSignature "
		    "--extSAN dns:westec.example.org");
	rc |= issue("db", "eastec", "CN=eastec.example.org, O=Tern", "ca", 5,
		    "-k ec -q nistp256 -v 12 --keyUsage digitalSignature "
		    "--extSAN dns:eastec.example.org");
	rc |= issue("db", "stranger", "CN=stranger.example.org", "ca", 6,
		    "-k rsa -g 2048 -v 12 --extSAN dns:stranger.example.org");
	/* eve: a key pair and certificate from a CA east does not have */
	rc |= issue("other", "ca2", "CN=Other CA", NULL, 7, "");
	rc |= issue("other", "eve", "CN=east.example.org, O=Eve", "ca2", 8,
		    "-k rsa -g 2048 -v 12 --keyUsage digitalSignature --extSAN dns:east.example.org");
	rc |= sh("pk12util -o %s/eve.p12 -n eve -d sql:%s/other -W '' -K '' >/dev/null 2>&1 && "
		 "pk12util -i %s/eve.p12 -d sql:%s/db -W '' -K '' >/dev/null 2>&1 && "
		 "certutil -D -d sql:%s/db -n 'Other CA' >/dev/null 2>&1; "
		 "certutil -L -d sql:%s/db | grep -q eve", dir, dir, dir, dir, dir, dir);
	if (rc != 0)
		return -1;
	char *db = NULL;
	if (asprintf(&db, "sql:%s/db", dir) < 0)
		abort();
	SECStatus s = NSS_InitReadWrite(db);
	free(db);
	return s == SECSuccess ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	NSS_Shutdown();
	sh("rm -rf %s", dir);
	return 0;
}

static SECKEYPublicKey *pub_of(const char *nick)
{
	CERTCertificate *c = CERT_FindCertByNickname(CERT_GetDefaultCertDB(), nick);
	assert_non_null(c);
	SECKEYPublicKey *k = CERT_ExtractPublicKey(c);
	CERT_DestroyCertificate(c);
	assert_non_null(k);
	return k;
}

/* leftrsasigkey= text of NICK's key (static: one at a time per slot) */
static const char *rsasigkey_of(const char *nick, char out[2048])
{
	SECKEYPublicKey *k = pub_of(nick);
	char *t = NULL;
	assert_null(crypto_pubkey_to_rsasigkey(k, &t));
	snprintf(out, 2048, "%s", t);
	free(t);
	SECKEY_DestroyPublicKey(k);
	return out;
}

static const char *pubkey_of(const char *nick, char out[2048])
{
	SECKEYPublicKey *k = pub_of(nick);
	char *t = NULL;
	assert_null(crypto_pubkey_to_0s_spki(k, &t));
	snprintf(out, 2048, "%s", t);
	free(t);
	SECKEY_DestroyPublicKey(k);
	return out;
}

static const char *ckaid_of(const char *nick, char out[2 * CRYPTO_CKAID_SIZE + 1])
{
	SECKEYPublicKey *k = pub_of(nick);
	uint8_t ckaid[CRYPTO_CKAID_SIZE];
	assert_null(crypto_pubkey_ckaid(k, ckaid));
	crypto_ckaid_hex(ckaid, out);
	SECKEY_DestroyPublicKey(k);
	return out;
}

/* the same conn on both sides (as Libreswan configs are written) */
static void setup_both(const char *conf)
{
	struct setup s = { .west_conf = conf, .east_conf = conf };
	setup_peers(&s);
}

/* west initiates; both sides end up with the IKE SA and the Child SA */
static void expect_established(void)
{
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	if (west.whack_rc != CTL_RC_OK) {
		for (unsigned i = 0; i < nr_lines; i++)
			fprintf(stderr, "  log: %s\n", lines[i]);
	}
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_log("\"C\" #2: initiator established Child SA using #1; IPsec tunnel [10.0.1.0/24===10.0.2.0/24]");
	expect_log("\"C\" #2: responder established Child SA using #1; IPsec tunnel [10.0.2.0/24===10.0.1.0/24]");
	expect_matching_sas();
	assert_int_equal(only_ike(&west)->state, ESTABLISHED_IKE_SA);
	assert_int_equal(only_ike(&east)->state, ESTABLISHED_IKE_SA);
}

/* west initiates and fails with RC; nothing is installed on either side */
static void expect_failed(int rc)
{
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, rc);
	assert_int_equal(live_states(&west), 0);
	assert_int_equal(live_states(&east), 0);
	assert_null(only_ike(&west));
	assert_null(only_ike(&east));
}

/* ---- tests ---- */

static void test_raw_rsa(void **state)
{
	(void)state;
	char conf[8192], wk[2048], ek[2048], wc[64];
	snprintf(conf, sizeof(conf), "\tauthby=rsasig\n\tleftckaid=%s\n\tleftrsasigkey=%s\n"
		 "\trightrsasigkey=%s\n", ckaid_of("west", wc), rsasigkey_of("west", wk),
		 rsasigkey_of("east", ek));
	setup_both(conf);
	expect_established();
	/* SIGNATURE_HASH_ALGORITHMS both ways: RFC 7427 digital signatures */
	assert_int_equal(only_ike(&west)->peer_hashes, only_ike(&east)->peer_hashes);
	assert_int_not_equal(only_ike(&west)->peer_hashes, 0);
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and FQDN '@west'; Child SA #2 {ESP <0x1000aa00}");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using preloaded certificate '@east' and 2048-bit RSASSA-PSS with SHA2_512 digital signature");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer using preloaded certificate '@west' and 2048-bit RSASSA-PSS with SHA2_512 digital signature");
}

static void test_raw_ecdsa(void **state)
{
	(void)state;
	char conf[8192], wk[2048], ek[2048];
	snprintf(conf, sizeof(conf), "\tauthby=ecdsa\n\tleftpubkey=%s\n\trightpubkey=%s\n",
		 pubkey_of("westec", wk), pubkey_of("eastec", ek));
	setup_both(conf);
	expect_established();
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and FQDN '@west'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using preloaded certificate '@east' and 256-bit ECDSA with SHA2_256 digital signature");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer using preloaded certificate '@west' and 256-bit ECDSA with SHA2_256 digital signature");
}

/* authby=rsa-sha1: no hash notify, RSA method 1 (PKCS#1 1.5 with SHA1) */
static void test_rsa_method_1(void **state)
{
	(void)state;
	char conf[8192], wk[2048], ek[2048];
	snprintf(conf, sizeof(conf), "\tauthby=rsa-sha1\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("west", wk), rsasigkey_of("east", ek));
	setup_both(conf);
	expect_established();
	assert_int_equal(only_ike(&west)->peer_hashes, 0);
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with rsa-digital-signature and FQDN '@west'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using preloaded certificate '@east' and 2048-bit PKCS#1 1.5 RSA with SHA1 signature");
}

/* east has the wrong key for west: it says why, west gets AUTHENTICATION_FAILED */
static void test_wrong_raw_key_initiator(void **state)
{
	(void)state;
	char wconf[8192], econf[8192], wk[2048], ek[2048], sk[2048];
	snprintf(wconf, sizeof(wconf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("west", wk), rsasigkey_of("east", ek));
	snprintf(econf, sizeof(econf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("stranger", sk), ek);
	struct setup s = { .west_conf = wconf, .east_conf = econf };
	setup_peers(&s);
	expect_failed(CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the initiator using authby=rsasig failed: ");
	expect_log("\"C\" #1: responding to IKE_AUTH request with notification AUTHENTICATION_FAILED");
	expect_log("\"C\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED");
	assert_false(logged("established IKE SA"));
}

/* west has the wrong key for east: it refuses the response and says so */
static void test_wrong_raw_key_responder(void **state)
{
	(void)state;
	char wconf[8192], econf[8192], wk[2048], ek[2048], sk[2048];
	snprintf(wconf, sizeof(wconf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("west", wk), rsasigkey_of("stranger", sk));
	snprintf(econf, sizeof(econf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 wk, rsasigkey_of("east", ek));
	struct setup s = { .west_conf = wconf, .east_conf = econf };
	setup_peers(&s);
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the responder using authby=rsasig failed: ");
	assert_false(logged("initiator established IKE SA"));
	assert_null(only_ike(&west));
	assert_int_equal(live_states(&west), 0);
}

/* no private key for leftckaid=: whack gets CTL_RC_NOKEY, nothing is sent */
static void test_no_private_key(void **state)
{
	(void)state;
	char conf[8192], ek[2048];
	snprintf(conf, sizeof(conf), "\tauthby=rsasig\n\tleftckaid=00112233445566778899aabbccddeeff00112233\n"
		 "\trightrsasigkey=%s\n", rsasigkey_of("east", ek));
	setup_both(conf);
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_NOKEY);
	expect_log("\"C\" #1: ERROR: cannot authenticate with authby=rsasig: leftckaid: no private key with CKAID 00112233445566778899aabbccddeeff00112233 in the NSS database");
	assert_false(logged("sent IKE_AUTH request"));
}

/* east only takes a PSK: a signature is refused (east sends no hash
 * notify, so west signs with RSA method 1, allowed by rsasig) */
static void test_signature_not_allowed(void **state)
{
	(void)state;
	char wconf[8192], wk[2048], ek[2048];
	snprintf(wconf, sizeof(wconf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("west", wk), rsasigkey_of("east", ek));
	struct setup s = { .west_conf = wconf, .east_conf = "\tauthby=secret\n" };
	setup_peers(&s);
	expect_failed(CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the initiator using authby=secret failed: peer authenticated with RSA_SIG, which authby= does not allow");
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with rsa-digital-signature and FQDN '@west'");
}

/* asymmetric: west signs (leftauth=rsasig), east uses the PSK (rightauth=secret) */
static void test_mixed_rsasig_psk(void **state)
{
	(void)state;
	char conf[8192], wk[2048];
	snprintf(conf, sizeof(conf), "\tleftauth=rsasig\n\trightauth=secret\n\tleftrsasigkey=%s\n",
		 rsasigkey_of("west", wk));
	setup_both(conf);
	expect_established();
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and FQDN '@west'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using authby=secret and FQDN '@east'");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer using preloaded certificate '@west' and 2048-bit RSASSA-PSS with SHA2_512 digital signature");
}

/* ---- certificates ---- */

#define CERTS_RSA "\tauthby=rsasig\n\tleftcert=west\n\trightcert=east\n" \
	"\tleftid=@west.example.org\n\trightid=@east.example.org\n" \
	"\tleftca=%same\n\trightca=%same\n"

static void test_certs_rsa(void **state)
{
	(void)state;
	setup_both(CERTS_RSA);
	expect_established();
	/* east asked (CERTREQ in IKE_SA_INIT), west asked (CERTREQ in IKE_AUTH) */
	expect_log("\"C\" #1: processing decrypted IKE_AUTH request containing SK{IDi,CERT,CERTREQ,AUTH,SA,TSi,TSr}");
	expect_log("\"C\" #1: processing IKE_AUTH response from 192.0.2.2:UDP/500 containing SK{IDr,CERT,AUTH,SA,TSi,TSr}");
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and FQDN '@west.example.org'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer certificate 'O=Tern, CN=east.example.org' and 2048-bit RSASSA-PSS with SHA2_512 digital signature issued by CA 'C=CA, O=Tern, CN=Tern Test CA'");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer certificate 'O=Tern, CN=west.example.org' and 2048-bit RSASSA-PSS with SHA2_512 digital signature issued by CA 'C=CA, O=Tern, CN=Tern Test CA'");
}

/* ID_DER_ASN1_DN both ways: leftid=%fromcert, rightid= the DN (in the
 * certificate's RDN order, as Libreswan prints it; certutil -s takes the
 * reverse) */
static void test_certs_dn(void **state)
{
	(void)state;
	setup_both("\tauthby=rsasig\n\tleftcert=west\n\trightcert=east\n"
		   "\tleftid=%fromcert\n\trightid=\"O=Tern, CN=east.example.org\"\n");
	expect_established();
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and DER_ASN1_DN 'O=Tern, CN=west.example.org'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer certificate 'O=Tern, CN=east.example.org' and ");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer certificate 'O=Tern, CN=west.example.org' and ");
	assert_int_equal(only_ike(&west)->peer_id.kind, ID_DER_ASN1_DN);
	assert_int_equal(only_ike(&east)->peer_id.kind, ID_DER_ASN1_DN);
}

static void test_certs_ecdsa(void **state)
{
	(void)state;
	setup_both("\tauthby=ecdsa\n\tleftcert=westec\n\trightcert=eastec\n"
		   "\tleftid=@westec.example.org\n\trightid=@eastec.example.org\n"
		   "\trightca=%same\n\tleftca=%same\n");
	expect_established();
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer certificate 'O=Tern, CN=eastec.example.org' and 256-bit ECDSA with SHA2_256 digital signature issued by CA 'C=CA, O=Tern, CN=Tern Test CA'");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer certificate 'O=Tern, CN=westec.example.org' and 256-bit ECDSA with SHA2_256 digital signature issued by CA 'C=CA, O=Tern, CN=Tern Test CA'");
}

/* east claims an ID its certificate does not carry: west refuses it */
static void test_cert_id_not_in_cert(void **state)
{
	(void)state;
	setup_both("\tauthby=rsasig\n\tleftcert=west\n\trightcert=east\n"
		   "\tleftid=@west.example.org\n\trightid=@east.example.com\n");
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the responder using authby=rsasig failed: ");
	expect_log("east.example.com");
	assert_false(logged("initiator established IKE SA"));
	assert_null(only_ike(&west));
}

/* west's certificate is from a CA east does not know (eve's, imported
 * without its CA): east refuses with AUTHENTICATION_FAILED */
static void test_cert_unknown_ca(void **state)
{
	(void)state;
	setup_both("\tauthby=rsasig\n\tleftcert=eve\n\trightcert=east\n"
		   "\tleftid=@east.example.org\n\trightid=@east.example.org\n");
	/* eve's certificate names east.example.org; west presents it */
	expect_failed(CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the initiator using authby=rsasig failed: ");
	expect_log("\"C\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED");
}

/* leftsendcert=never and no raw key: the peer has nothing to verify with */
static void test_cert_not_sent(void **state)
{
	(void)state;
	setup_both(CERTS_RSA "\tleftsendcert=never\n");
	expect_failed(CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the initiator using authby=rsasig failed: the peer sent no certificate and no rightrsasigkey= or rightpubkey= is configured");
}

int main(void)
{
	log_add_sink(sink, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_raw_rsa, teardown),
		cmocka_unit_test_teardown(test_raw_ecdsa, teardown),
		cmocka_unit_test_teardown(test_rsa_method_1, teardown),
		cmocka_unit_test_teardown(test_wrong_raw_key_initiator, teardown),
		cmocka_unit_test_teardown(test_wrong_raw_key_responder, teardown),
		cmocka_unit_test_teardown(test_no_private_key, teardown),
		cmocka_unit_test_teardown(test_signature_not_allowed, teardown),
		cmocka_unit_test_teardown(test_mixed_rsasig_psk, teardown),
		cmocka_unit_test_teardown(test_certs_rsa, teardown),
		cmocka_unit_test_teardown(test_certs_dn, teardown),
		cmocka_unit_test_teardown(test_certs_ecdsa, teardown),
		cmocka_unit_test_teardown(test_cert_id_not_in_cert, teardown),
		cmocka_unit_test_teardown(test_cert_unknown_ca, teardown),
		cmocka_unit_test_teardown(test_cert_not_sent, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
