/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * whack --rekey-child / --rekey-ike through the engine (ikev2_rekey(),
 * ikev2/rekey_cmd.c) with the two-engine harness: refused without an
 * established SA, a rekey when there is one, a collision when both ends
 * ask at once.
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

static void establish_c(void)
{
	struct setup s = { 0 };
	setup_peers(&s);
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	assert_int_equal(west.e->sas.nr_child_established, 1);
}

static void test_no_sa(void **state)
{
	(void)state;
	struct setup s = { 0 };
	setup_peers(&s);
	assert_int_equal(ikev2_rekey(west.e, west.conn, false), CTL_RC_FATAL);
	expect_log("\"C\": ERROR: cannot rekey: the connection has no established Child SA");
	assert_int_equal(ikev2_rekey(west.e, west.conn, true), CTL_RC_FATAL);
	expect_log("\"C\": ERROR: cannot rekey: the connection has no established IKE SA");
	assert_int_equal(west.e->sas.nr_ike, 0);
	assert_null(pkts_head);	/* nothing sent */
}

static void test_rekey_child_then_ike(void **state)
{
	(void)state;
	establish_c();
	assert_int_equal(ikev2_rekey(west.e, west.conn, false), CTL_RC_OK);
	pump();
	expect_log("\"C\" #3: initiating rekey to replace Child SA #2");
	expect_log("\"C\" #3: initiator rekeyed Child SA #2 using #1");
	assert_int_equal(west.e->sas.nr_child_established, 1);
	assert_int_equal(east.e->sas.nr_child_established, 1);
	assert_int_equal(only_ike(&west)->children->serial, 3);
	expect_matching_live_sas();
	/* the IKE SA next: the Child SA moves to the new one */
	assert_int_equal(ikev2_rekey(east.e, east.conn, true), CTL_RC_OK);
	pump();
	expect_log("initiating rekey to replace IKE SA #1");
	expect_log("initiator rekeyed IKE SA #1");
	struct ike_sa *w = only_ike(&west);
	assert_non_null(w);
	assert_int_not_equal(w->serial, 1);
	assert_non_null(w->children);
	assert_int_equal(w->children->serial, 3);
	assert_non_null(only_ike(&east));
	expect_matching_live_sas();
	/* Child SA #2's inbound SAs moved with the Child SAs, then go */
	assert_int_equal(retired_states(&west), 1);
	assert_int_equal(retired_states(&east), 1);
	expect_retired_gone();
}

static void test_both_ends_at_once(void **state)
{
	(void)state;
	establish_c();
	assert_int_equal(ikev2_rekey(west.e, west.conn, false), CTL_RC_OK);
	assert_int_equal(ikev2_rekey(east.e, east.conn, false), CTL_RC_OK);
	pump();
	expect_log("simultaneous rekey of Child SA #2 with the peer's #4: ours has the lowest nonce, deleting it");
	expect_log("simultaneous rekey of Child SA #2 with the peer's #4: the peer's has the lowest nonce, the peer deletes it");
	assert_int_equal(west.e->sas.nr_child_established, 1);
	assert_int_equal(east.e->sas.nr_child_established, 1);
	expect_matching_live_sas();
	/* the old Child SA's and the redundant one's inbound SAs, both ends */
	assert_int_equal(retired_states(&west), 2);
	assert_int_equal(retired_states(&east), 2);
	assert_int_equal(ikev2_rekey(west.e, west.conn, true), CTL_RC_OK);
	assert_int_equal(ikev2_rekey(east.e, east.conn, true), CTL_RC_OK);
	pump();
	expect_log(": ours has the lowest nonce, deleting it");
	expect_log("simultaneous rekey of IKE SA #1 with the peer's #");
	assert_non_null(only_ike(&west));
	assert_non_null(only_ike(&east));
	assert_non_null(only_ike(&west)->children);
	assert_int_equal(west.e->sas.nr_child_established, 1);
	expect_matching_live_sas();
	expect_retired_gone();
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	log_add_sink(sink, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_no_sa, teardown),
		cmocka_unit_test_teardown(test_rekey_child_then_ike, teardown),
		cmocka_unit_test_teardown(test_both_ends_at_once, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
