/* SPDX-License-Identifier: GPL-2.0-or-later */
/* orientation decisions against a given local address list */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "conn/orient.h"

static ip_address addr(const char *s)
{
	ip_address a = unset_address;
	if (s != NULL) {
		diag_t d = ttoaddress_num(s, AF_UNSPEC, &a);
		assert_null(d);
	}
	return a;
}

static void test_orient_table(void **state)
{
	(void)state;
	struct local_address locals[] = {
		{ "lo", { 0 } }, { "veth-a", { 0 } }, { "veth-a", { 0 } }, { "eth1", { 0 } },
	};
	locals[0].addr = addr("127.0.0.1");
	locals[1].addr = addr("192.0.2.1");
	locals[2].addr = addr("2001:db8::1");
	locals[3].addr = addr("198.51.100.1");
	static const struct {
		const char *left, *right;
		int local;		/* -1 unoriented, 0 left, 1 right, 2 error */
		const char *iface;
	} cases[] = {
		{ "192.0.2.1", "192.0.2.2", 0, "veth-a" },
		{ "192.0.2.2", "192.0.2.1", 1, "veth-a" },
		{ "2001:db8::2", "2001:db8::1", 1, "veth-a" },
		{ "198.51.100.1", NULL, 0, "eth1" },		/* right=%any */
		{ NULL, "198.51.100.1", 1, "eth1" },
		{ "192.0.2.7", "192.0.2.8", -1, NULL },		/* neither: unoriented */
		{ NULL, NULL, -1, NULL },
		{ "0.0.0.0", "192.0.2.8", -1, NULL },		/* any address is never local */
		{ "::ffff:192.0.2.1", "192.0.2.9", -1, NULL },	/* mapped is not the IPv4 address */
		{ "192.0.2.1", "198.51.100.1", 2, NULL },	/* both local */
		{ "127.0.0.1", "127.0.0.1", 2, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ip_address l = addr(cases[i].left), r = addr(cases[i].right);
		int local = 42;
		const char *iface = "untouched";
		diag_t d = orient_ends(&l, &r, locals, 4, &local, &iface);
		if (cases[i].local == 2) {
			assert_non_null(d);
			assert_non_null(strstr(diag_str(d), "both"));
			assert_non_null(strstr(diag_str(d), "are local"));
			/* outputs untouched on failure */
			assert_int_equal(local, 42);
			assert_string_equal(iface, "untouched");
			diag_free(&d);
			continue;
		}
		assert_null(d);
		assert_int_equal(local, cases[i].local);
		if (cases[i].iface == NULL)
			assert_null(iface);
		else
			assert_string_equal(iface, cases[i].iface);
	}
}

static void test_no_locals(void **state)
{
	(void)state;
	ip_address l = addr("192.0.2.1"), r = addr("192.0.2.2");
	int local = 0;
	const char *iface = "x";
	assert_null(orient_ends(&l, &r, NULL, 0, &local, &iface));
	assert_int_equal(local, -1);
	assert_null(iface);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orient_table),
		cmocka_unit_test(test_no_locals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
