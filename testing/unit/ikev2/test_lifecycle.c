/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tunnel life cycle, with the in-process harness (harness.h: two engines,
 * a fake clock, a fake kernel): the revival schedule and its backoff,
 * revival after the peer's Delete and its cancellation by `ipsec down`,
 * which conns are revived (auto=start, `ipsec up`; not auto=ondemand
 * tunnels brought up by their trap),
 * INITIAL_CONTACT cleaning up the stale SAs of a peer that restarted,
 * simultaneous IKE SA rekeys (RFC 7296 2.8.2), and the kernel's soft and
 * hard EXPIREs (ipsec-max-bytes).
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
#include "harness.h"

static void establish(const struct setup *s)
{
	setup_peers(s);
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_log("\"C\" #2: initiator established Child SA using #1");
	expect_log("\"C\" #2: responder established Child SA using #1");
	expect_matching_sas();
}

/* ---- pure parts ---- */

/* Libreswan's schedule: at once, then 5 s more per attempt, at most 5 minutes */
static void test_revival_delays(void **state)
{
	(void)state;
	static const struct { unsigned attempt; uint64_t ms; } t[] = {
		{ 0, 0 }, { 1, 0 }, { 2, 5000 }, { 3, 10000 }, { 4, 15000 }, { 12, 55000 },
		{ 60, 295000 }, { 61, 300000 }, { 62, 300000 }, { 1000, 300000 },
		{ 4000000000u, 300000 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(revival_delay_ms(t[i].attempt), t[i].ms);
}

/* RFC 7296 2.8.2: the exchange holding the lowest of the four nonces loses */
static void test_lowest_nonce(void **state)
{
	(void)state;
	const uint8_t n01[] = { 0x00, 0x01 }, n02[] = { 0x00, 0x02 }, nff[] = { 0xff, 0xff },
		      n80[] = { 0x80, 0x00 }, n3[] = { 0x00, 0x00, 0x01 };
	/* A holds 0001 */
	assert_true(ike_rekey_lowest_nonce(n01, 2, nff, 2, n02, 2, n80, 2));
	assert_true(ike_rekey_lowest_nonce(nff, 2, n01, 2, n80, 2, n02, 2));
	/* B holds 0001 */
	assert_false(ike_rekey_lowest_nonce(n02, 2, nff, 2, n01, 2, n80, 2));
	assert_false(ike_rekey_lowest_nonce(n80, 2, n02, 2, nff, 2, n01, 2));
	/* the two sides see the same four nonces with A and B swapped: opposite verdicts */
	assert_true(ike_rekey_lowest_nonce(n02, 2, n80, 2, nff, 2, n80, 2) !=
		    ike_rekey_lowest_nonce(nff, 2, n80, 2, n02, 2, n80, 2));
	/* a shorter nonce counts as lower */
	assert_true(ike_rekey_lowest_nonce(n01, 2, n02, 2, n3, 3, nff, 2));
	assert_true(ike_rekey_lowest_nonce(n3, 3, nff, 2, n80, 2, n02, 2) == false);
}

/* ---- revival ---- */

/*
 * dpddelay=5s retransmit-timeout=10s auto=start and a peer that went
 * silent: liveness action, attempt 1 at once; each attempt times out after
 * 10 s and the next waits 5 s longer; once the peer answers the tunnel is
 * up and the schedule starts over.
 */
static void test_revival_backoff(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tdpddelay=5s\n\tretransmit-timeout=10s\n\tauto=start\n" };
	establish(&s);
	east.drop_sends = -1;
	run_for(15100);
	expect_log("\"C\" #1: liveness action - restarting all connections that share this peer");
	expect_log("\"C\" #1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds");
	expect_log("\"C\": reviving connection which timed out but must remain up per local policy (serial $");
	expect_log("\"C\" #3: initiating IKEv2 connection to 192.0.2.2 using UDP");
	assert_int_equal(revival_attempt(west.e, west.conn), 1);
	/* attempt 1 (#3) times out 10 s later: attempt 2 in 5 s */
	run_for(10000);
	expect_log("\"C\" #3: IKE_SA_INIT_I: 10 second timeout exceeded after ");
	expect_log("\"C\" #3: connection is supposed to remain up; revival attempt 2 scheduled in 5 seconds");
	assert_true(revival_pending(west.e, west.conn));
	run_for(5000);
	expect_log("\"C\" #4: initiating IKEv2 connection to 192.0.2.2 using UDP");
	run_for(10000);
	expect_log("\"C\" #4: connection is supposed to remain up; revival attempt 3 scheduled in 10 seconds");
	/* nothing before the 10 s are over */
	run_for(9800);
	assert_false(logged("\"C\" #5: initiating"));
	/* the peer is back: attempt 3 brings the tunnel up */
	east.drop_sends = 0;
	run_for(300);
	expect_log("\"C\" #5: initiating IKEv2 connection to 192.0.2.2 using UDP");
	pump();
	expect_log("\"C\" #5: initiator established IKE SA");
	expect_log("\"C\" #6: initiator established Child SA using #5");
	assert_int_equal(revival_attempt(west.e, west.conn), 0);
	assert_false(revival_pending(west.e, west.conn));
	/* and the next failure starts at attempt 1 again */
	east.drop_sends = -1;
	run_for(15100);
	assert_int_equal(count_logged("revival attempt 1 scheduled in 0 seconds"), 2);
	assert_int_equal(revival_attempt(west.e, west.conn), 1);
}

/* the peer deletes the IKE SA (its `ipsec down`): auto=start brings it back */
static void test_revival_after_peer_delete(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tauto=start\n" };
	establish(&s);
	assert_int_equal(ikev2_terminate(east.e, east.conn), 1);
	pump();
	expect_log("\"C\" #1: received Delete SA payload: deleting IKE SA");
	expect_log("\"C\" #1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds");
	run_for(100);
	expect_log("\"C\": reviving connection which was deleted by the peer but must remain up per local policy (serial $");
	expect_log("\"C\" #3: initiator established IKE SA");
	expect_log("\"C\" #4: initiator established Child SA using #3");
	expect_matching_live_sas();
	/* east (auto=add) does not revive */
	assert_int_equal(count_logged("revival attempt"), 1);
}

/* ipsec down while a revival is pending: cancelled, nothing comes back */
static void test_revival_cancelled_by_down(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tdpddelay=5s\n\tretransmit-timeout=10s\n\tauto=start\n" };
	establish(&s);
	east.drop_sends = -1;
	run_for(25100);
	expect_log("revival attempt 2 scheduled in 5 seconds");
	assert_true(revival_pending(west.e, west.conn));
	assert_int_equal(ikev2_terminate(west.e, west.conn), 0);
	expect_log("\"C\": cancelling the scheduled revival");
	assert_false(revival_pending(west.e, west.conn));
	run_for(600000);
	assert_null(only_ike(&west));
	assert_false(logged("#4: initiating"));
	assert_int_equal(live_states(&west), 0);
}

/* the peer brings the tunnel up while our revival waits: it is dropped */
static void test_revival_dropped_when_peer_initiates(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tdpddelay=5s\n\tretransmit-timeout=10s\n\tauto=start\n" };
	establish(&s);
	east.drop_sends = -1;
	run_for(25100);
	expect_log("\"C\" #3: connection is supposed to remain up; revival attempt 2 scheduled in 5 seconds");
	assert_true(revival_pending(west.e, west.conn));
	/* east restarts (its SAs gone without a word) and initiates itself */
	size_t n;
	struct ike_sa **v = sa_ike_sorted(&east.e->sas, &n);
	for (size_t i = 0; i < n; i++)
		ike_sa_delete(v[i]);
	free(v);
	east.drop_sends = 0;
	struct ikev2_initiate_opts o = { .childless = false };
	assert_int_equal(ikev2_initiate(east.e, east.conn, NULL, &o), CTL_RC_OK);
	pump();
	expect_log("responder established IKE SA; authenticated peer using authby=secret and FQDN '@east'");
	assert_false(revival_pending(west.e, west.conn));
	assert_int_equal(revival_attempt(west.e, west.conn), 0);
	run_for(10000);
	assert_int_equal(count_logged("reviving connection"), 1);
	assert_int_equal(west.e->sas.nr_ike_established, 1);
}

/* an auto=add connection is not revived */
static void test_no_revival_for_auto_add(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tdpddelay=5s\n\tretransmit-timeout=10s\n" };
	establish(&s);
	east.drop_sends = -1;
	run_for(15100);
	expect_log("\"C\" #1: liveness action - clearing connection");
	run_for(60000);
	assert_false(logged("revival"));
	assert_null(only_ike(&west));
}

/*
 * Libreswan's UP policy (revival.c): revived are auto=start conns and
 * conns brought up with `ipsec up` (ctl/commands.c sets c->up = CONN_UP),
 * until `ipsec down` (CONN_DOWN).
 */
static void test_revival_wanted_up_policy(void **state)
{
	(void)state;
	static const struct {
		const char *conf;
		signed char up;
		bool wanted;
	} t[] = {
		{ "\tauto=start\n", 0, true },
		{ "\tauto=start\n", CONN_DOWN, false },	/* ipsec down */
		{ "\tauto=start\n", CONN_UP, true },
		{ "\tauto=ondemand\n", 0, false },	/* up from its trap */
		{ "\tauto=ondemand\n", CONN_UP, true },	/* ipsec up */
		{ "\tauto=add\n", 0, false },
		{ "\tauto=add\n", CONN_UP, true },
		{ "\tauto=add\n", CONN_DOWN, false },
		{ "\tauto=start\n\trekey=no\n", 0, false },	/* as Libreswan's DONT_REKEY */
		{ "\tauto=add\n\trekey=no\n", CONN_UP, false },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct setup s = { .west_conf = t[i].conf };
		setup_peers(&s);
		west.conn->up = t[i].up;
		if (revival_wanted(west.conn) != t[i].wanted)
			fail_msg("case %zu (%s up=%d): wanted %d", i, t[i].conf, t[i].up, t[i].wanted);
		teardown(NULL);
	}
}

/* an auto=ondemand conn whose tunnel dies is not revived (it goes back to
 * its trap) unless `ipsec up` brought it up */
static void test_no_revival_for_ondemand(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tauto=ondemand\n" };
	establish(&s);
	assert_int_equal(ikev2_terminate(east.e, east.conn), 1);
	pump();
	expect_log("\"C\" #1: received Delete SA payload: deleting IKE SA");
	run_for(60000);
	assert_false(logged("revival"));
	assert_false(logged("#3: initiating"));
	assert_null(only_ike(&west));
}

static void test_revival_after_ipsec_up(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tauto=ondemand\n" };
	establish(&s);
	west.conn->up = CONN_UP;	/* `ipsec up C` sets it (before initiating) */
	assert_int_equal(ikev2_terminate(east.e, east.conn), 1);
	pump();
	expect_log("\"C\" #1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds");
	run_for(100);
	expect_log("\"C\": reviving connection which was deleted by the peer but must remain up per local policy (serial $");
	expect_log("\"C\" #4: initiator established Child SA using #3");
	expect_matching_live_sas();
	/* `ipsec down C`, then the peer brings it up and deletes it: not revived */
	west.conn->up = CONN_DOWN;
	assert_int_equal(ikev2_terminate(west.e, west.conn), 1);
	pump();
	struct ikev2_initiate_opts o = { .childless = false };
	assert_int_equal(ikev2_initiate(east.e, east.conn, NULL, &o), CTL_RC_OK);
	pump();
	expect_log("\"C\" #5: responder established IKE SA");
	assert_int_equal(ikev2_terminate(east.e, east.conn), 1);
	pump();
	expect_log("\"C\" #5: received Delete SA payload: deleting IKE SA");
	run_for(60000);
	assert_int_equal(count_logged("revival attempt"), 1);
	assert_null(only_ike(&west));
}

/* ---- INITIAL_CONTACT ---- */

/*
 * West "restarts": its SAs vanish without a word (as with kill -9), east
 * keeps #1/#2.  West's next IKE_AUTH carries INITIAL_CONTACT; east
 * deletes the stale IKE SA and its Child SA at once, the new Child SA
 * keeps its policies.
 */
static void test_initial_contact(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s);
	expect_log("\"C\" #1: processing decrypted IKE_AUTH request containing SK{IDi,N(INITIAL_CONTACT),AUTH,SA,TSi,TSr}");
	/* an IKE SA with the peer exists: a second one would not say INITIAL_CONTACT */
	struct ike_sa probe = { .eng = west.e, .conn = west.conn, .remote = only_ike(&west)->remote };
	assert_false(initial_contact_wanted(&probe));
	/* west loses its state */
	ike_sa_delete(only_ike(&west));
	assert_true(initial_contact_wanted(&probe));
	now += 3000;	/* the restart takes a while */
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	expect_log("\"C\" #3: received INITIAL_CONTACT: replacing IKE SA #1");
	expect_log("\"C\" #1: deleting IKE SA (ESTABLISHED_IKE_SA) without notification: replaced by #3");
	expect_log("\"C\" #2: ESP traffic information: in=");
	expect_log("\"C\" #4: responder established Child SA using #3");
	struct ike_sa *e = only_ike(&east);
	assert_non_null(e);
	assert_int_equal(e->serial, 3);
	assert_int_equal(east.e->sas.nr_child_established, 1);
	assert_int_equal(live_states(&east), 2);
	assert_int_equal(east.policies, 3);
	assert_int_equal(west.policies, 3);
	expect_matching_live_sas();
	/* no Delete went to west for the stale SAs */
	assert_false(logged("\"C\" #1: sent INFORMATIONAL request to delete IKE SA"));
}

/* two IKE SAs brought up in the same second are not stale: both stay */
static void test_initial_contact_same_second(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s);
	ike_sa_delete(only_ike(&west));
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_false(logged("replacing IKE SA"));
	assert_int_equal(east.e->sas.nr_ike_established, 2);
}

/*
 * A peer that restarted without INITIAL_CONTACT: uniqueids=yes replaces
 * the older IKE SA of the same connection and peer ID; uniqueids=no keeps
 * both.
 */
static void restart_without_initial_contact(bool uniqueids)
{
	struct setup s = { 0 };
	establish(&s);
	ike_sa_delete(only_ike(&west));
	ikev2_send_initial_contact = false;
	ikev2_uniqueids = uniqueids;
	now += 3000;
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	ikev2_send_initial_contact = true;
	ikev2_uniqueids = true;
	expect_log("\"C\" #3: processing decrypted IKE_AUTH request containing SK{IDi,AUTH,SA,TSi,TSr}");
	expect_log("\"C\" #4: responder established Child SA using #3");
}

static void test_uniqueids(void **state)
{
	(void)state;
	restart_without_initial_contact(true);
	expect_log("\"C\" #3: uniqueids: replacing IKE SA #1");
	expect_log("\"C\" #1: deleting IKE SA (ESTABLISHED_IKE_SA) without notification: replaced by #3");
	assert_int_equal(east.e->sas.nr_ike_established, 1);
	assert_int_equal(east.e->sas.nr_child_established, 1);
	expect_matching_live_sas();
	assert_int_equal(east.policies, 3);
}

static void test_uniqueids_no(void **state)
{
	(void)state;
	restart_without_initial_contact(false);
	assert_false(logged("replacing IKE SA"));
	assert_int_equal(east.e->sas.nr_ike_established, 2);
	assert_int_equal(east.e->sas.nr_child_established, 2);
}

/* ---- IKE SA rekey collision ---- */

static void test_ike_rekey_collision(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s);
	struct ike_sa *w = only_ike(&west), *e = only_ike(&east);
	uint32_t child_in = w->children->spi_in;
	ike_rekey_initiate(w);
	ike_rekey_initiate(e);
	pump();
	expect_log("\"C\" #3: initiating rekey to replace IKE SA #1");
	expect_log("responder rekeyed IKE SA #1");
	expect_log("initiator rekeyed IKE SA #1");
	expect_log("simultaneous rekey of IKE SA #1 with the peer's #4: ours has the lowest nonce, deleting it");
	expect_log("simultaneous rekey of IKE SA #1 with the peer's #4: the peer's has the lowest nonce, the peer deletes it");
	run_for(1000);
	/* one IKE SA left on each side, the same one, with the Child SA */
	w = only_ike(&west);
	e = only_ike(&east);
	assert_non_null(w);
	assert_non_null(e);
	assert_int_equal(w->state, ESTABLISHED_IKE_SA);
	assert_int_equal(e->state, ESTABLISHED_IKE_SA);
	assert_memory_equal(w->ispi, e->ispi, 8);
	assert_memory_equal(w->rspi, e->rspi, 8);
	assert_non_null(w->children);
	assert_non_null(e->children);
	assert_ptr_equal(w->children->ike, w);
	assert_ptr_equal(e->children->ike, e);
	assert_int_equal(w->children->spi_in, child_in);
	assert_int_equal(west.e->sas.nr_ike_established, 1);
	assert_int_equal(east.e->sas.nr_ike_established, 1);
	assert_int_equal(west.policy_dels, 0);
	assert_int_equal(east.policy_dels, 0);
	expect_matching_live_sas();
	assert_false(logged("revival"));
	/* the survivor works: liveness, a Child SA rekey, ipsec down */
	unsigned before = east.sent;
	ikev2_send_liveness(west.e, w);
	pump();
	assert_int_equal(east.sent, before + 1);
	assert_null(w->req.pkt);
	child_rekey_initiate(w->children);
	pump();
	expect_log("initiator rekeyed Child SA #2 using #");
	assert_int_equal(ikev2_terminate(west.e, west.conn), 1);
	pump();
	assert_int_equal(live_states(&west), 0);
	assert_int_equal(live_states(&east), 0);
	assert_null(only_ike(&east));
}

/* ---- kernel lifetimes ---- */

struct shown {
	char *line[8];
	unsigned n;
};

static void collect(void *ctx, const char *text, size_t len)
{
	struct shown *o = ctx;
	if (o->n < 8)
		o->line[o->n++] = strndup(text, len);
}

static void shown_free(struct shown *o)
{
	for (unsigned i = 0; i < o->n; i++)
		free(o->line[i]);
	o->n = 0;
}

/* ipsec-max-bytes= in trafficstatus/showstates as Libreswan 5 prints it
 * (the default 2^63B is pinned by test_ikev2's test_status_lines) */
static void test_status_max_bytes(void **state)
{
	(void)state;
	const char *conf = "\tipsec-max-bytes=1000000\n";
	struct setup s = { .west_conf = conf, .east_conf = conf };
	establish(&s);
	struct shown out = { .n = 0 };
	struct show sh = { .line = collect, .ctx = &out };
	ikev2_show_traffic(west.e, &sh, "C");
	ikev2_show_states(west.e, &sh);
	assert_int_equal(out.n, 4);
	assert_string_equal(out.line[0], "#2: \"C\", type=ESP, add_time=1700000000, inBytes=84, outBytes=84, maxBytes=976KiB, id='@east'");
	assert_string_equal(out.line[3], "#2: \"C\" esp.2000bb00@192.0.2.2 esp.1000aa00@192.0.2.1 tun.0@192.0.2.2 tun.0@192.0.2.1 Traffic: ESPin=84B ESPout=84B ESPmax=976KiB");
	shown_free(&out);
}

/*
 * ipsec-max-bytes=1000000: every ESP SA carries the hard byte limit, a soft
 * one before it (the initiator's lower) and a soft time limit behind the
 * rekey timer; the kernel's soft EXPIRE rekeys the Child SA, a hard one
 * deletes it and tells the peer.
 */
static void test_kernel_expire(void **state)
{
	(void)state;
	const char *conf = "\tipsec-max-bytes=1000000\n\tipsec-lifetime=1h\n\trekeymargin=10m\n";
	struct setup s = { .west_conf = conf, .east_conf = conf };
	establish(&s);
	for (unsigned i = 0; i < west.nr_states; i++) {
		const struct ikev2_kernel_sa *k = &west.states[i].sa;
		assert_int_equal(k->hard_bytes, 1000000);
		assert_true(k->soft_bytes <= 750000 && k->soft_bytes >= 625000);
		assert_int_equal(k->lifetime_s, 3600);
		assert_int_equal(k->soft_lifetime_s, 3600 - 300);
	}
	for (unsigned i = 0; i < east.nr_states; i++) {
		assert_int_equal(east.states[i].sa.hard_bytes, 1000000);
		assert_int_equal(east.states[i].sa.soft_bytes, 875000);
	}
	struct child_sa *c = only_ike(&west)->children;
	ip_address peer = only_ike(&west)->remote.addr;
	/* not ours: ignored */
	ikev2_kernel_expire(west.e, &peer, 0xdeadbeef, false, 1);
	pump();
	assert_false(logged("soft limit"));
	ikev2_kernel_expire(west.e, &peer, c->spi_out, false, 700000);
	pump();
	expect_log("\"C\" #2: outbound ESP SA 0x2000bb00 reached its soft limit (700000 bytes); rekeying the Child SA");
	expect_log("\"C\" #3: initiator rekeyed Child SA #2 using #1");
	expect_log("\"C\" #3: responder rekeyed Child SA #2 using #1");
	expect_matching_live_sas();
	/* a second soft EXPIRE of the old SA (gone) does nothing */
	ikev2_kernel_expire(west.e, &peer, 0x2000bb00, false, 700001);
	pump();
	assert_int_equal(count_logged("reached its soft limit"), 1);
	/* the new Child SA's inbound SA hits the hard limit */
	c = only_ike(&west)->children;
	assert_int_equal(c->serial, 3);
	ip_address me = only_ike(&west)->local.addr;
	ikev2_kernel_expire(west.e, &me, c->spi_in, true, 1000000);
	pump();
	expect_log("\"C\" #3: inbound ESP SA 0x1000aa01 expired (hard limit, 1000000 bytes); deleting the Child SA");
	expect_log("\"C\" #3: received Delete SA payload: deleting Child SA");
	assert_null(only_ike(&west)->children);
	assert_null(only_ike(&east)->children);
	assert_int_equal(live_states(&west), 0);
	assert_int_equal(live_states(&east), 0);
}

/* rekey=no: a soft EXPIRE starts nothing (the hard one will come) */
static void test_kernel_soft_expire_rekey_no(void **state)
{
	(void)state;
	const char *conf = "\tipsec-max-bytes=1000000\n\trekey=no\n";
	struct setup s = { .west_conf = conf, .east_conf = conf };
	establish(&s);
	struct child_sa *c = only_ike(&west)->children;
	ip_address peer = only_ike(&west)->remote.addr;
	ikev2_kernel_expire(west.e, &peer, c->spi_out, false, 700000);
	pump();
	assert_false(logged("rekeyed Child SA"));
	assert_int_equal(live_states(&west), 2);
}

/* ---- reauth=yes ---- */

/*
 * ikelifetime=30s rekeymargin=10s rekeyfuzz=0% reauth=yes on west: at 20 s
 * a new IKE SA is negotiated from scratch (IKE_SA_INIT, IKE_AUTH with the
 * Child SA) and the old IKE SA and its Child SA go when it is
 * authenticated; east (uniqueids) replaces its old one too.
 */
static void test_reauth(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tikelifetime=30s\n\trekeymargin=10s\n\trekeyfuzz=0%\n\treauth=yes\n" };
	establish(&s);
	uint8_t old_ispi[8];
	memcpy(old_ispi, only_ike(&west)->ispi, 8);
	run_for(19900);
	assert_false(logged("re-authentication"));
	run_for(200);
	expect_log("\"C\" #3: initiating re-authentication of IKE SA #1");
	expect_log("\"C\" #3: initiating IKEv2 connection to 192.0.2.2 using UDP");
	pump();
	expect_log("\"C\" #3: initiator established IKE SA; authenticated peer using authby=secret and FQDN '@east'");
	expect_log("\"C\" #3: re-authenticated: replacing IKE SA #1");
	expect_log("\"C\" #1: sent INFORMATIONAL request to delete IKE SA");
	expect_log("\"C\" #3: uniqueids: replacing IKE SA #1");
	expect_log("\"C\" #4: initiator established Child SA using #3");
	expect_log("\"C\" #4: responder established Child SA using #3");
	/* not a CREATE_CHILD_SA rekey */
	assert_false(logged("rekeyed IKE SA"));
	struct ike_sa *w = only_ike(&west), *e = only_ike(&east);
	assert_non_null(w);
	assert_non_null(e);
	assert_int_equal(w->serial, 3);
	assert_memory_not_equal(w->ispi, old_ispi, 8);
	assert_memory_equal(w->ispi, e->ispi, 8);
	assert_int_equal(west.e->sas.nr_child_established, 1);
	assert_int_equal(east.e->sas.nr_child_established, 1);
	expect_matching_live_sas();
	assert_int_equal(west.policies, 3);
	assert_int_equal(east.policies, 3);
	assert_false(logged("revival"));
	/* and again 20 s later */
	run_for(21000);
	expect_log("\"C\" #5: initiating re-authentication of IKE SA #3");
	expect_log("\"C\" #5: re-authenticated: replacing IKE SA #3");
	expect_matching_live_sas();
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	log_add_sink(sink, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revival_delays),
		cmocka_unit_test(test_lowest_nonce),
		cmocka_unit_test_teardown(test_revival_backoff, teardown),
		cmocka_unit_test_teardown(test_revival_after_peer_delete, teardown),
		cmocka_unit_test_teardown(test_revival_cancelled_by_down, teardown),
		cmocka_unit_test_teardown(test_revival_dropped_when_peer_initiates, teardown),
		cmocka_unit_test_teardown(test_no_revival_for_auto_add, teardown),
		cmocka_unit_test(test_revival_wanted_up_policy),
		cmocka_unit_test_teardown(test_no_revival_for_ondemand, teardown),
		cmocka_unit_test_teardown(test_revival_after_ipsec_up, teardown),
		cmocka_unit_test_teardown(test_initial_contact, teardown),
		cmocka_unit_test_teardown(test_initial_contact_same_second, teardown),
		cmocka_unit_test_teardown(test_uniqueids, teardown),
		cmocka_unit_test_teardown(test_uniqueids_no, teardown),
		cmocka_unit_test_teardown(test_ike_rekey_collision, teardown),
		cmocka_unit_test_teardown(test_status_max_bytes, teardown),
		cmocka_unit_test_teardown(test_kernel_expire, teardown),
		cmocka_unit_test_teardown(test_reauth, teardown),
		cmocka_unit_test_teardown(test_kernel_soft_expire_rekey_no, teardown),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	return r;
}
