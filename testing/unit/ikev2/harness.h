/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-process harness shared by the IKEv2 engine tests (test_ikev2.c,
 * test_ikev2_sig.c, ...): two engines, west (initiator) and east
 * (responder), in one process; messages go through a queue instead of
 * sockets, time is a fake clock, worker jobs run when the test pumps them,
 * and a fake kernel records the SAs and policies.  Log lines (not debug)
 * are captured for expect_log().  IKEV2_TEST_VERBOSE=1 prints them.
 */
#ifndef TERN_TEST_IKEV2_HARNESS_H
#define TERN_TEST_IKEV2_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/conf.h"
#include "tern/ctl.h"
#include "tern/log.h"
#include "tern/secrets.h"
#include "conn/connections.h"
#include "conn/show.h"
#include "ikev2/ikev2.h"
#include "ikev2/internal.h"
#include "sa/sa.h"

/* ---- fake clock and timers ---- */

extern uint64_t now;
struct timer {
	uint64_t when;
	void (*cb)(void *);
	void *arg;
	bool live;
	struct timer *next;
};
extern struct timer *timers;
/* fire the earliest live timer due by LIMIT; false when none */
bool fire_one(uint64_t limit);
void timers_free(void);

/* ---- worker jobs: queued, run by pump() ---- */

extern struct worker_job *jobs_head, *jobs_tail;
bool run_one_job(void);

/* ---- peers, network, fake kernel ---- */

struct kernel_state {
	struct ikev2_kernel_sa sa;
	uint8_t encr[64], integ[64];
	bool live;
	uint64_t bytes;	/* traffic a test adds to the 84 bytes get_bytes reports */
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
	unsigned max_live;	/* most states live at once */
	unsigned policy_dels;
	bool refuse_esp;
	/* whack */
	int whack_rc;
	bool whack_done;
	unsigned child_failures;	/* ops->child_failed calls */
	int client_token;
	/* transport: drop what this peer sends while > 0 (or forever if -1) */
	int drop_sends;
	unsigned sent;
};

extern struct peer west, east;
struct peer *other(struct peer *p);

struct packet {
	struct peer *to;
	ip_endpoint from, local;
	uint8_t *data;
	size_t len;
	struct packet *next;
};
extern struct packet *pkts_head, *pkts_tail;
/* when west sent each of its first 16 messages */
extern uint64_t send_times[16];
extern unsigned nr_send_times;

bool deliver_one(void);
/* jobs and packets until nothing moves (no time passes) */
void pump(void);
/* let time pass up to MS ms from now, pumping in between */
void run_for(uint64_t ms);

struct kernel_state *find_state(struct peer *p, uint32_t spi);
unsigned live_states(struct peer *p);

/* ---- log capture ---- */

#define MAX_LINES 400
extern char *lines[MAX_LINES];
extern unsigned nr_lines;
void sink(void *ctx, const struct log_line *l);	/* log_add_sink(sink, NULL) in main() */
bool logged(const char *needle);
/* how many captured lines contain NEEDLE */
unsigned count_logged(const char *needle);
void expect_log(const char *needle);		/* fails, printing the log, when absent */

/* ---- set-up ---- */

struct setup {
	const char *west_conf;	/* extra lines for west's conn */
	const char *east_conf;
	const char *west_psk, *east_psk;
};
/* conn C on both, defaults unless the extra lines set the key ("# no ids"
 * drops leftid/rightid); authby=secret is a default unless this is false */
extern bool harness_authby_secret;
void setup_peers(const struct setup *s);
int teardown(void **state);		/* cmocka teardown: frees both peers */
int initiate(bool childless);		/* west initiates conn C */
struct ike_sa *only_ike(struct peer *p);	/* NULL unless exactly one */
/* initiator's outbound == responder's inbound, and the other way */
void expect_matching_sas(void);
/* the same for the live states only, after rekeys left dead ones behind;
 * the inbound SAs of replaced Child SAs in their grace period are
 * allowed (and counted against ikev2/child_retire.c's lists) */
void expect_matching_live_sas(void);
/* run past the grace period: the retired inbound SAs are gone, one pair
 * each side is left */
void expect_retired_gone(void);
unsigned retired_states(struct peer *p);

#endif
