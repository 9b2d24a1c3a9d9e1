/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pluto's IKEv2 engine on untrusted datagrams (programs/pluto/ikev2):
 * header checks, SA lookup, message IDs, duplicate detection, decoding,
 * SK integrity, the transition table and the IKE_SA_INIT responder (the
 * unauthenticated surface: proposals, KE, cookies, INVALID_KE).
 *
 * Input byte 0 picks the target, the rest is the datagram:
 *   0 mod 4  a fresh responder (no SA; cookies demanded when bit 2 is set)
 *   1 mod 4  the responder of an established IKE SA: SPIs patched in, I flag set
 *   2 mod 4  the initiator of that SA: SPIs patched in, I flag clear
 *   3 mod 4  the same, unpatched (lookup misses, IKE_SA_INIT responses)
 * Nothing may crash or leak, and the established SA must survive anything
 * that does not carry its keys.
 *
 * FUZZ_IKEV2_WRITE_SEEDS=DIR writes the datagrams of one real negotiation
 * as seeds (how corpus-ikev2-receive/ was made).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nss.h>

#include "tern/conf.h"
#include "tern/secrets.h"
#include "conn/connections.h"
#include "ikev2/ikev2.h"
#include "sa/sa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct peer {
	struct ikev2_engine *e;
	struct connection *c;
	struct secrets *secrets;
	ip_endpoint ep;
	uint32_t spi;
};

static struct ipsec_conf *conf;
static struct peer west, east, fresh;
static struct worker_job *jobs;
static const char *seed_dir;
static unsigned seeds;
/* datagrams in flight between west and east during set-up */
static struct pkt { struct peer *to; uint8_t *data; size_t len; } queue[16];
static unsigned queued;

static struct peer *other(struct peer *p) { return p == &west ? &east : &west; }

static void send_pkt(void *ctx, const ip_endpoint *l, const ip_endpoint *r, const uint8_t *d, size_t n)
{
	(void)l; (void)r;
	struct peer *p = ctx;
	if (p == &fresh || queued == 16)
		return;	/* replies to fuzz input go nowhere */
	if (seed_dir != NULL) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/seed-%02u-%s", seed_dir, seeds++, p == &west ? "i" : "r");
		FILE *f = fopen(path, "wb");
		if (f != NULL) {
			/* west's requests go to east (mode 1), east's replies to west (2) */
			fputc(p == &west ? 1 : 2, f);
			fwrite(d, 1, n, f);
			fclose(f);
		}
	}
	uint8_t *copy = malloc(n);
	memcpy(copy, d, n);
	queue[queued++] = (struct pkt){ other(p), copy, n };
}

static uint64_t now_ms(void *ctx) { (void)ctx; return 0; }
static uint64_t wall_s(void *ctx) { (void)ctx; return 1700000000; }
static int timer_token;
static void *timer_start(void *ctx, uint64_t d, void (*cb)(void *), void *arg)
{
	(void)ctx; (void)d; (void)cb; (void)arg;
	return &timer_token;	/* time never passes here */
}
static void timer_cancel(void *ctx, void *t) { (void)ctx; (void)t; }
static void submit(void *ctx, struct worker_job *j) { (void)ctx; j->next = jobs; jobs = j; }
static const struct secrets *get_secrets(void *ctx) { return ((struct peer *)ctx)->secrets; }
static struct connection *find_conn(void *ctx, const ip_endpoint *l, const ip_endpoint *r,
				    const struct connection *after)
{
	(void)l; (void)r;
	return after == NULL ? ((struct peer *)ctx)->c : NULL;
}
static void whack_done(void *ctx, struct log_client *c, int rc) { (void)ctx; (void)c; (void)rc; }

static diag_t k_alloc_spi(void *ctx, const ip_address *s, const ip_address *d, uint32_t q, uint32_t *spi)
{
	(void)s; (void)d; (void)q;
	*spi = ++((struct peer *)ctx)->spi;
	return NULL;
}
static diag_t k_add_sa(void *ctx, const struct ikev2_kernel_sa *sa) { (void)ctx; (void)sa; return NULL; }
static diag_t k_del_sa(void *ctx, const ip_address *s, const ip_address *d, uint32_t spi)
{ (void)ctx; (void)s; (void)d; (void)spi; return NULL; }
static diag_t k_add_pol(void *ctx, const ip_selector *a, const ip_selector *b, const ip_address *c,
			const ip_address *d, uint32_t q, bool t)
{ (void)ctx; (void)a; (void)b; (void)c; (void)d; (void)q; (void)t; return NULL; }
static diag_t k_del_pol(void *ctx, const ip_selector *a, const ip_selector *b, uint32_t q)
{ (void)ctx; (void)a; (void)b; (void)q; return NULL; }
static diag_t k_bytes(void *ctx, const ip_address *s, const ip_address *d, uint32_t spi, uint64_t *n)
{ (void)ctx; (void)s; (void)d; (void)spi; *n = 0; return NULL; }

static const struct ikev2_kernel_ops kops = {
	k_alloc_spi, k_add_sa, k_del_sa, k_add_pol, k_del_pol, k_bytes,
};
static const struct ikev2_ops ops = {
	.send = send_pkt, .now_ms = now_ms, .wall_s = wall_s, .timer_start = timer_start,
	.timer_cancel = timer_cancel, .submit = submit, .secrets = get_secrets,
	.find_conn = find_conn, .whack_done = whack_done, .kernel = &kops,
};

static void pump(void)
{
	for (;;) {
		if (jobs != NULL) {
			struct worker_job *j = jobs;
			jobs = j->next;
			j->run(j);
			j->done(j, false);
			continue;
		}
		if (queued > 0) {
			struct pkt k = queue[0];
			memmove(queue, queue + 1, --queued * sizeof(queue[0]));
			ikev2_receive(k.to->e, &k.to->ep, &other(k.to)->ep, k.data, k.len);
			free(k.data);
			continue;
		}
		return;
	}
}

static void make_peer(struct peer *p, const char *name, int local)
{
	static const char psk[] = "@west @east : PSK \"fuzzing fuzzing fuzzing\"\n";
	const struct conn_config *cc = ipsec_conf_find(conf, "C");
	struct connection *c = connection_alloc("C");
	c->config = cc;
	for (int e = 0; e < 2; e++) {
		const struct conn_end *ce = e == LEFT_END ? &cc->left : &cc->right;
		c->end[e].config = ce;
		c->end[e].host = ce->host_addr;
		c->end[e].client = ce->subnet;
		c->end[e].id = id_clone(&ce->id);
	}
	c->local = local;
	p->c = c;
	p->ep = (ip_endpoint){ .addr = conn_this(c)->host, .port = 500 };
	secrets_parse_buffer(name, psk, sizeof(psk) - 1, &p->secrets);
	if (ikev2_engine_new(&ops, p, name, &p->e) != NULL)
		abort();
}

static void init(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess)
		abort();
	static const char text[] =
		"conn C\n\tleft=192.0.2.1\n\tleftid=@west\n\tleftsubnet=10.0.1.0/24\n"
		"\tright=192.0.2.2\n\trightid=@east\n\trightsubnet=10.0.2.0/24\n"
		"\tauthby=secret\n\tike=aes_gcm256-sha2_512;dh19,aes256-sha2_256;dh19\n";
	ipsec_conf_parse_buffer("fuzz", text, sizeof(text) - 1, &conf);
	seed_dir = getenv("FUZZ_IKEV2_WRITE_SEEDS");
	make_peer(&west, "west", LEFT_END);
	make_peer(&east, "east", RIGHT_END);
	make_peer(&fresh, "fresh", RIGHT_END);
	ikev2_initiate(west.e, west.c, NULL, NULL);
	pump();
	seed_dir = NULL;
	if (west.e->sas.nr_ike_established != 1 || east.e->sas.nr_ike_established != 1)
		abort();
}

static struct ike_sa *only(struct peer *p)
{
	size_t n;
	struct ike_sa **v = sa_ike_sorted(&p->e->sas, &n);
	struct ike_sa *s = n > 0 ? v[0] : NULL;
	free(v);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		init();
		ready = true;
	}
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	size_t n = size - 1;
	uint8_t *pkt = malloc(n ? n : 1);
	memcpy(pkt, data + 1, n);
	struct ike_sa *sa = only(&east);
	switch (mode % 4) {
	case 0:
		fresh.e->halfopen_cookie_threshold = (mode & 4) ? 0 : 25000;
		ikev2_receive(fresh.e, &fresh.ep, &west.ep, pkt, n);
		pump();
		/* forget whatever half-open state the input made */
		ikev2_engine_free(&fresh.e);
		if (ikev2_engine_new(&ops, &fresh, "fresh", &fresh.e) != NULL)
			abort();
		break;
	case 1:
	case 2:
		if (n >= 20) {
			memcpy(pkt, sa->ispi, 8);
			memcpy(pkt + 8, sa->rspi, 8);
			pkt[19] = (uint8_t)((pkt[19] & ~IKEv2_FLAG_INITIATOR) |
					    (mode % 4 == 1 ? IKEv2_FLAG_INITIATOR : 0));
		}
		/* fall through */
	case 3:
		if (mode % 4 == 1)
			ikev2_receive(east.e, &east.ep, &west.ep, pkt, n);
		else
			ikev2_receive(west.e, &west.ep, &east.ep, pkt, n);
		/* answers to the fuzzer are not delivered */
		while (jobs != NULL) {
			struct worker_job *j = jobs;
			jobs = j->next;
			j->run(j);
			j->done(j, false);
		}
		for (unsigned i = 0; i < queued; i++)
			free(queue[i].data);
		queued = 0;
		break;
	}
	free(pkt);
	/* no input without the keys may take the established SA down */
	if (only(&east) == NULL || only(&east)->state != ESTABLISHED_IKE_SA ||
	    only(&west) == NULL || only(&west)->state != ESTABLISHED_IKE_SA)
		abort();
	return 0;
}
