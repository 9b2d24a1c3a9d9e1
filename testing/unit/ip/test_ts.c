/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/ip/ts.c: traffic selector ranges, intersection and narrowing */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tern/ts.h"

static ip_selector sel(const char *s)
{
	ip_selector out;
	diag_t d = ttoselector(s, AF_UNSPEC, &out);
	if (d != NULL)
		fail_msg("%s: %s", s, diag_str(d));
	return out;
}

static ip_ts range(const char *lo, const char *hi, uint8_t proto, uint16_t sp, uint16_t ep)
{
	ip_ts ts = { .ipproto = proto, .start_port = sp, .end_port = ep };
	assert_null(ttoaddress_num(lo, AF_UNSPEC, &ts.start));
	assert_null(ttoaddress_num(hi, AF_UNSPEC, &ts.end));
	return ts;
}

static const char *str(const ip_ts *ts, char *buf, size_t n)
{
	struct jambuf b = jambuf_init(buf, n);
	jam_ts(&b, ts);
	return buf;
}

static void test_from_to_selector(void **state)
{
	(void)state;
	char buf[128];
	ip_selector s = sel("10.0.1.0/24");
	ip_ts ts = ts_from_selector(&s);
	assert_string_equal(str(&ts, buf, sizeof(buf)), "10.0.1.0-10.0.1.255:0-65535 0");
	ip_selector back;
	assert_true(ts_to_selector(&ts, &back));
	assert_true(selector_eq(&back, &s));

	s = sel("10.0.1.7/32/tcp/22");
	ts = ts_from_selector(&s);
	assert_string_equal(str(&ts, buf, sizeof(buf)), "10.0.1.7-10.0.1.7:22-22 6");
	assert_true(ts_to_selector(&ts, &back));
	assert_true(selector_eq(&back, &s));

	s = sel("2001:db8:1::/48");
	ts = ts_from_selector(&s);
	assert_true(ts_to_selector(&ts, &back));
	assert_true(selector_eq(&back, &s));

	/* not CIDR, a port range, a port without protocol: not installable */
	ip_ts odd = range("10.0.0.1", "10.0.0.6", 0, 0, 65535);
	assert_false(ts_to_selector(&odd, &back));
	odd = range("10.0.0.0", "10.0.0.255", 6, 1000, 2000);
	assert_false(ts_to_selector(&odd, &back));
	odd = range("10.0.0.0", "10.0.0.255", 0, 80, 80);
	assert_false(ts_to_selector(&odd, &back));
	/* reversed, mixed families: invalid */
	odd = range("10.0.0.9", "10.0.0.1", 0, 0, 65535);
	assert_false(ts_is_valid(&odd));
	assert_false(ts_to_selector(&odd, &back));
	odd = range("10.0.0.0", "2001:db8::", 0, 0, 65535);
	assert_false(ts_is_valid(&odd));
	odd = range("10.0.0.0", "10.0.0.255", 0, 9, 8);
	assert_false(ts_is_valid(&odd));
}

static void test_contains_intersect(void **state)
{
	(void)state;
	char buf[128];
	ip_selector w = sel("10.0.0.0/16"), n = sel("10.0.2.0/24"), t = sel("10.0.2.0/24/tcp/22");
	ip_ts tw = ts_from_selector(&w), tn = ts_from_selector(&n), tt = ts_from_selector(&t);
	assert_true(ts_contains(&tw, &tn));
	assert_false(ts_contains(&tn, &tw));
	assert_true(ts_contains(&tn, &tt));	/* any protocol holds TCP/22 */
	assert_false(ts_contains(&tt, &tn));
	assert_true(ts_contains(&tn, &tn));

	ip_ts r;
	assert_true(ts_intersect(&tw, &tn, &r));
	assert_true(ts_eq(&r, &tn));
	assert_true(ts_intersect(&tw, &tt, &r));
	assert_true(ts_eq(&r, &tt));
	/* partial overlap of ranges */
	ip_ts a = range("10.0.0.10", "10.0.0.20", 0, 0, 65535);
	ip_ts b = range("10.0.0.15", "10.0.0.30", 17, 500, 600);
	assert_true(ts_intersect(&a, &b, &r));
	assert_string_equal(str(&r, buf, sizeof(buf)), "10.0.0.15-10.0.0.20:500-600 17");
	/* disjoint addresses, ports or protocols */
	ip_ts c = range("10.0.1.0", "10.0.1.255", 0, 0, 65535);
	assert_false(ts_intersect(&a, &c, &r));
	ip_ts p1 = range("10.0.0.0", "10.0.0.255", 6, 0, 65535);
	ip_ts p2 = range("10.0.0.0", "10.0.0.255", 17, 0, 65535);
	assert_false(ts_intersect(&p1, &p2, &r));
	ip_ts q1 = range("10.0.0.0", "10.0.0.255", 6, 1, 10);
	ip_ts q2 = range("10.0.0.0", "10.0.0.255", 6, 11, 20);
	assert_false(ts_intersect(&q1, &q2, &r));
	ip_selector v6 = sel("2001:db8::/32");
	ip_ts t6 = ts_from_selector(&v6);
	assert_false(ts_intersect(&tw, &t6, &r));
	assert_false(ts_contains(&tw, &t6));
}

static const struct {
	const char *why;
	const char *ours;
	const char *proposed[3];
	bool narrowing;
	enum ts_fit fit;
	const char *out;
} responder_cases[] = {
	{ "exact", "10.0.2.0/24", { "10.0.2.0/24" }, false, TS_FIT_EXACT, "10.0.2.0/24" },
	{ "exact, narrowing on", "10.0.2.0/24", { "10.0.2.0/24" }, true, TS_FIT_EXACT, "10.0.2.0/24" },
	{ "wider, strict", "10.0.2.0/24", { "10.0.0.0/16" }, false, TS_FIT_NONE, NULL },
	{ "wider, narrowed", "10.0.2.0/24", { "10.0.0.0/16" }, true, TS_FIT_NARROWED, "10.0.2.0/24" },
	{ "narrower: never", "10.0.2.0/24", { "10.0.2.0/25" }, true, TS_FIT_NONE, NULL },
	{ "disjoint", "10.0.2.0/24", { "10.0.3.0/24" }, true, TS_FIT_NONE, NULL },
	{ "second of several", "10.0.2.0/24", { "10.0.9.9/32", "10.0.2.0/24" }, false, TS_FIT_EXACT, "10.0.2.0/24" },
	{ "exact beats wider", "10.0.2.0/24", { "0.0.0.0/0", "10.0.2.0/24" }, true, TS_FIT_EXACT, "10.0.2.0/24" },
	{ "protoport exact", "10.0.2.0/24/tcp/22", { "10.0.2.0/24/tcp/22" }, false, TS_FIT_EXACT, "10.0.2.0/24/tcp/22" },
	{ "protoport vs any, strict", "10.0.2.0/24/tcp/22", { "10.0.2.0/24" }, false, TS_FIT_NONE, NULL },
	{ "protoport narrowed from any", "10.0.2.0/24/tcp/22", { "10.0.2.0/24" }, true, TS_FIT_NARROWED, "10.0.2.0/24/tcp/22" },
	{ "other protocol", "10.0.2.0/24/tcp/22", { "10.0.2.0/24/udp/22" }, true, TS_FIT_NONE, NULL },
	{ "family mismatch", "10.0.2.0/24", { "2001:db8::/32" }, true, TS_FIT_NONE, NULL },
};

static void test_responder_fit(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(responder_cases) / sizeof(responder_cases[0]); i++) {
		ip_ts p[3];
		unsigned n = 0;
		for (; n < 3 && responder_cases[i].proposed[n] != NULL; n++) {
			ip_selector s = sel(responder_cases[i].proposed[n]);
			p[n] = ts_from_selector(&s);
		}
		ip_selector ours = sel(responder_cases[i].ours), out = { 0 };
		enum ts_fit f = ts_responder_fit(p, n, &ours, responder_cases[i].narrowing, &out);
		if (f != responder_cases[i].fit)
			fail_msg("%s: fit %d, expected %d", responder_cases[i].why, f, responder_cases[i].fit);
		if (responder_cases[i].out != NULL) {
			ip_selector want = sel(responder_cases[i].out);
			if (!selector_eq(&out, &want))
				fail_msg("%s: wrong selector", responder_cases[i].why);
		}
	}
}

static void test_initiator_fit(void **state)
{
	(void)state;
	ip_selector ours = sel("10.0.0.0/16"), out;
	ip_selector s = sel("10.0.0.0/16");
	ip_ts same = ts_from_selector(&s);
	assert_int_equal(ts_initiator_fit(&same, 1, &ours, false, &out), TS_FIT_EXACT);
	assert_true(selector_eq(&out, &ours));
	/* the responder narrowed to a /24 inside */
	s = sel("10.0.2.0/24");
	ip_ts inner = ts_from_selector(&s);
	assert_int_equal(ts_initiator_fit(&inner, 1, &ours, false, &out), TS_FIT_NONE);
	assert_int_equal(ts_initiator_fit(&inner, 1, &ours, true, &out), TS_FIT_NARROWED);
	assert_true(selector_eq(&out, &s));
	/* an answer outside what we proposed: never */
	s = sel("10.1.0.0/24");
	ip_ts outside = ts_from_selector(&s);
	assert_int_equal(ts_initiator_fit(&outside, 1, &ours, true, &out), TS_FIT_NONE);
	/* wider than we proposed: never */
	s = sel("10.0.0.0/8");
	ip_ts wider = ts_from_selector(&s);
	assert_int_equal(ts_initiator_fit(&wider, 1, &ours, true, &out), TS_FIT_NONE);
	/* inside but no subnet the kernel can install: refused */
	ip_ts odd = range("10.0.0.1", "10.0.0.6", 0, 0, 65535);
	assert_int_equal(ts_initiator_fit(&odd, 1, &ours, true, &out), TS_FIT_NONE);
	/* narrowed to a protocol and port */
	s = sel("10.0.2.0/24/udp/500");
	ip_ts pp = ts_from_selector(&s);
	assert_int_equal(ts_initiator_fit(&pp, 1, &ours, true, &out), TS_FIT_NARROWED);
	assert_true(selector_eq(&out, &s));
	/* the first acceptable of several */
	ip_ts two[2] = { outside, inner };
	assert_int_equal(ts_initiator_fit(two, 2, &ours, true, &out), TS_FIT_NARROWED);
	ip_selector want = sel("10.0.2.0/24");
	assert_true(selector_eq(&out, &want));
	assert_int_equal(ts_initiator_fit(two, 0, &ours, true, &out), TS_FIT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_to_selector),
		cmocka_unit_test(test_contains_intersect),
		cmocka_unit_test(test_responder_fit),
		cmocka_unit_test(test_initiator_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
