/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A new Child SA over a connection's own established IKE SA (the harness,
 * harness.h): the peer deleted only the Child SA, then `ipsec up` (or an
 * ACQUIRE, or a revival) initiates the connection again: a CREATE_CHILD_SA
 * over the same IKE SA, not a second IKE SA and not "already established".
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

/* east deletes its Child SA (only), as `ipsec down` of a sibling would */
static void east_deletes_child(void)
{
	struct ike_sa *ike = only_ike(&east);
	assert_non_null(ike);
	struct child_sa *child = ike->children;
	assert_non_null(child);
	assert_null(child->sibling_next);
	send_delete_child(child);
	child_sa_delete(child);
	pump();
	struct ike_sa *wike = only_ike(&west);
	assert_non_null(wike);
	assert_int_equal(wike->state, ESTABLISHED_IKE_SA);
	assert_null(wike->children);
	assert_int_equal(live_states(&west), 0);
	assert_int_equal(live_states(&east), 0);
}

/* no client (an ACQUIRE, a revival): the Child SA comes back over #1 */
static void test_child_again_over_ike(void **state)
{
	(void)state;
	establish(&(struct setup){ 0 });
	east_deletes_child();
	assert_int_equal(ikev2_initiate(west.e, west.conn, NULL, NULL), CTL_RC_OK);
	pump();
	expect_log("\"C\" #3: initiator established Child SA using #1");
	expect_log("\"C\" #3: responder established Child SA using #1");
	assert_false(logged("IKE SA is already established"));
	assert_int_equal(count_logged("initiating IKEv2 connection"), 1);
	struct ike_sa *wike = only_ike(&west);
	assert_non_null(wike);
	assert_int_equal(wike->serial, 1);
	assert_non_null(wike->children);
	assert_int_equal(wike->children->serial, 3);
	assert_int_equal(wike->children->state, ESTABLISHED_CHILD_SA);
	expect_matching_live_sas();
	/* both there now: nothing new, both told */
	assert_int_equal(ikev2_initiate(west.e, west.conn, NULL, NULL), CTL_RC_OK);
	pump();
	expect_log("\"C\" #1: IKE SA is already established");
	expect_log("\"C\" #3: Child SA #3 using IKE SA #1 is already established");
	assert_int_equal(count_logged("established Child SA using"), 2 + 2);
	expect_matching_live_sas();
	assert_int_equal(west.child_failures, 0);
}

/* `ipsec up` waits for the new Child SA and hears its result */
static void test_child_again_whack(void **state)
{
	(void)state;
	establish(&(struct setup){ 0 });
	east_deletes_child();
	west.whack_done = false;
	west.whack_rc = -100;
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	assert_false(west.whack_done);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_log("\"C\" #3: initiator established Child SA using #1");
	expect_matching_live_sas();
}

/* the peer refuses the new Child SA: `ipsec up` hears the failure, and
 * so does ops->child_failed (pluto: an on-demand negotiation is over,
 * failureshunt=); the IKE SA stays */
static void test_child_again_refused(void **state)
{
	(void)state;
	establish(&(struct setup){ 0 });
	east_deletes_child();
	east.refuse_esp = true;
	west.whack_done = false;
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	assert_int_equal(west.child_failures, 1);
	struct ike_sa *wike = only_ike(&west);
	assert_non_null(wike);
	assert_int_equal(wike->state, ESTABLISHED_IKE_SA);
	assert_null(wike->children);
	assert_int_equal(live_states(&west), 0);
}

/* the same without a whack client (an ACQUIRE started it): the failure
 * still reaches ops->child_failed, once */
static void test_child_again_refused_acquire(void **state)
{
	(void)state;
	establish(&(struct setup){ 0 });
	east_deletes_child();
	east.refuse_esp = true;
	west.whack_done = false;
	assert_int_equal(ikev2_initiate(west.e, west.conn, NULL, NULL), CTL_RC_OK);
	pump();
	assert_false(west.whack_done);
	assert_int_equal(west.child_failures, 1);
	assert_non_null(only_ike(&west));
	assert_null(only_ike(&west)->children);
	run_for(60000);
	assert_int_equal(west.child_failures, 1);
}

/* the IKE SA is rekeyed while the new Child SA waits for it: the queue
 * moves to the new IKE SA, the Child SA comes up over that */
static void test_child_waits_through_ike_rekey(void **state)
{
	(void)state;
	establish(&(struct setup){ 0 });
	east_deletes_child();
	struct ike_sa *wike = only_ike(&west);
	east.drop_sends = 1;	/* its answer to the rekey: retransmitted later */
	ike_rekey_initiate_now(wike);
	pump();
	assert_non_null(wike->req.pkt);		/* window 1: the Child SA waits */
	assert_int_equal(ikev2_initiate(west.e, west.conn, NULL, NULL), CTL_RC_OK);
	assert_null(wike->children);
	assert_non_null(wike->pending);
	run_for(5000);
	expect_log("\"C\" #3: initiator rekeyed IKE SA #1");
	expect_log("\"C\" #4: initiator established Child SA using #3");
	expect_log("\"C\" #4: responder established Child SA using #3");
	wike = only_ike(&west);
	assert_non_null(wike);
	assert_int_equal(wike->serial, 3);
	assert_non_null(wike->children);
	assert_int_equal(wike->children->serial, 4);
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
		cmocka_unit_test_teardown(test_child_again_over_ike, teardown),
		cmocka_unit_test_teardown(test_child_again_whack, teardown),
		cmocka_unit_test_teardown(test_child_again_refused, teardown),
		cmocka_unit_test_teardown(test_child_again_refused_acquire, teardown),
		cmocka_unit_test_teardown(test_child_waits_through_ike_rekey, teardown),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	return r;
}
