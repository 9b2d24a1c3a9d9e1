/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Traffic selectors through the engine (two engines in one process, the
 * harness): narrowing= both ways and its refusals, leftprotoport= into
 * the TS payloads, the Child SA's selectors and the kernel's SAs.
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

static struct child_sa *only_child(struct peer *p)
{
	struct ike_sa *ike = only_ike(p);
	assert_non_null(ike);
	assert_non_null(ike->children);
	assert_null(ike->children->sibling_next);
	return ike->children;
}

static const char *sel_str(const ip_selector *s)
{
	static selector_buf b[2];
	static int k;
	k ^= 1;
	return str_selector(s, &b[k]);
}

static void expect_child(struct peer *p, const char *local, const char *remote)
{
	struct child_sa *c = only_child(p);
	assert_int_equal(c->state, ESTABLISHED_CHILD_SA);
	ip_selector l = child_local_sel(c), r = child_remote_sel(c);
	assert_string_equal(sel_str(&l), local);
	assert_string_equal(sel_str(&r), remote);
	/* and the kernel got the same selectors on both SAs */
	for (unsigned i = 0; i < p->nr_states; i++) {
		const struct ikev2_kernel_sa *sa = &p->states[i].sa;
		if (!p->states[i].live)
			continue;
		const ip_selector *src = &sa->src_client, *dst = &sa->dst_client;
		const ip_selector *want_src = sa->inbound ? &r : &l, *want_dst = sa->inbound ? &l : &r;
		assert_true(selector_eq(src, want_src));
		assert_true(selector_eq(dst, want_dst));
	}
}

static void test_exact(void **state)
{
	(void)state;
	struct setup s = { 0 };
	setup_peers(&s);
	initiate(false);
	pump();
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_child(&west, "10.0.1.0/24", "10.0.2.0/24");
	expect_child(&east, "10.0.2.0/24", "10.0.1.0/24");
	assert_false(logged("narrow"));
}

static void test_narrowing_both_ways(void **state)
{
	(void)state;
	/* west wants all of 10.0.0.0/16 behind east; east has 10.0.2.0/24 */
	struct setup s = { .west_conf = "\trightsubnet=10.0.0.0/16\n\tnarrowing=yes\n",
			   .east_conf = "\tnarrowing=yes\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_log("\"C\" #2: narrowing the initiator's traffic selectors [10.0.1.0-10.0.1.255:0-65535 0] -> [10.0.0.0-10.0.255.255:0-65535 0] to [10.0.2.0/24===10.0.1.0/24]");
	expect_log("\"C\" #2: the responder narrowed the traffic selectors to [10.0.1.0-10.0.1.255:0-65535 0] -> [10.0.2.0-10.0.2.255:0-65535 0]");
	expect_log("\"C\" #2: initiator established Child SA using #1; IPsec tunnel [10.0.1.0/24===10.0.2.0/24]");
	expect_child(&west, "10.0.1.0/24", "10.0.2.0/24");
	expect_child(&east, "10.0.2.0/24", "10.0.1.0/24");
	expect_matching_sas();
}

static void test_responder_strict(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\trightsubnet=10.0.0.0/16\n\tnarrowing=yes\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	expect_log("\"C\" #2: Child SA: the initiator's traffic selectors [10.0.1.0-10.0.1.255:0-65535 0] -> [10.0.0.0-10.0.255.255:0-65535 0] are wider than [10.0.2.0/24===10.0.1.0/24] and narrowing=no; responding with TS_UNACCEPTABLE");
	expect_log("\"C\" #2: IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE");
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	assert_int_equal(west.e->sas.nr_child + east.e->sas.nr_child, 0);
}

static void test_initiator_strict(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\trightsubnet=10.0.0.0/16\n", .east_conf = "\tnarrowing=yes\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	expect_log("\"C\" #2: ERROR: IKE_AUTH response Child SA: the responder's traffic selectors are not the ones proposed");
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	/* west deleted the Child SA east had installed */
	pump();
	assert_int_equal(west.e->sas.nr_child + east.e->sas.nr_child, 0);
	assert_int_equal(live_states(&east), 0);
}

static void test_protoport(void **state)
{
	(void)state;
	/* west's end TCP port 22 (leftprotoport= as both sides spell it) */
	struct setup s = { .west_conf = "\tleftprotoport=tcp/22\n\trightprotoport=tcp\n",
			   .east_conf = "\tleftprotoport=tcp/22\n\trightprotoport=tcp\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_log("\"C\" #2: initiator established Child SA using #1; IPsec tunnel [10.0.1.0/24/TCP/22===10.0.2.0/24/TCP/0]");
	expect_child(&west, "10.0.1.0/24/TCP/22", "10.0.2.0/24/TCP/0");
	expect_child(&east, "10.0.2.0/24/TCP/0", "10.0.1.0/24/TCP/22");
}

static void test_protoport_mismatch(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tleftprotoport=udp\n\trightprotoport=udp\n",
			   .east_conf = "\tleftprotoport=tcp\n\trightprotoport=tcp\n\tnarrowing=yes\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	expect_log("responding with TS_UNACCEPTABLE");
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
}

static void test_protoport_narrowed(void **state)
{
	(void)state;
	/* west proposes any protocol; east only ICMP: narrowed to ICMP */
	struct setup s = { .west_conf = "\tnarrowing=yes\n",
			   .east_conf = "\tleftprotoport=icmp\n\trightprotoport=icmp\n\tnarrowing=yes\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_child(&west, "10.0.1.0/24/ICMP/0", "10.0.2.0/24/ICMP/0");
	expect_child(&east, "10.0.2.0/24/ICMP/0", "10.0.1.0/24/ICMP/0");
}

static void test_protoport_any_port(void **state)
{
	(void)state;
	/* L2TP style: east takes whichever UDP port west proposes for its end
	 * (leftprotoport=17/%any), without narrowing=yes */
	struct setup s = { .west_conf = "\tleftprotoport=udp/4500\n\trightprotoport=udp/1701\n",
			   .east_conf = "\tleftprotoport=17/%any\n\trightprotoport=udp/1701\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_child(&west, "10.0.1.0/24/UDP/4500", "10.0.2.0/24/UDP/1701");
	expect_child(&east, "10.0.2.0/24/UDP/1701", "10.0.1.0/24/UDP/4500");
	/* a fixed port on east's side is not %any: another port is refused */
	teardown(NULL);
	struct setup s2 = { .west_conf = "\tleftprotoport=udp/4500\n\trightprotoport=udp/1702\n",
			    .east_conf = "\tleftprotoport=17/%any\n\trightprotoport=udp/1701\n" };
	setup_peers(&s2);
	initiate(false);
	pump();
	expect_log("responding with TS_UNACCEPTABLE");
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	log_add_sink(sink, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_exact, teardown),
		cmocka_unit_test_teardown(test_narrowing_both_ways, teardown),
		cmocka_unit_test_teardown(test_responder_strict, teardown),
		cmocka_unit_test_teardown(test_initiator_strict, teardown),
		cmocka_unit_test_teardown(test_protoport, teardown),
		cmocka_unit_test_teardown(test_protoport_mismatch, teardown),
		cmocka_unit_test_teardown(test_protoport_narrowed, teardown),
		cmocka_unit_test_teardown(test_protoport_any_port, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
