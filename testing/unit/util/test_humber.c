/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tern/humber.h: byte limits and counts as Libreswan 5 prints them */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tern/humber.h"

static void test_humber_max(void **state)
{
	(void)state;
	static const struct {
		uint64_t v;
		const char *out;
	} t[] = {
		{ UINT64_C(1) << 63, "2^63" },	/* the default: no limit */
		{ 0, "0" },
		{ 1000, "1000" },
		{ 1024, "1024" },		/* strictly greater than 1Ki */
		{ 1025, "1Ki" },
		{ 1000000, "976Ki" },		/* truncated */
		{ 1048576, "1024Ki" },
		{ 1048577, "1Mi" },
		{ 1000000000, "953Mi" },
		{ (UINT64_C(10) << 30) + 1, "10Gi" },
		{ (UINT64_C(3) << 40) + 5, "3Ti" },
		{ (UINT64_C(7) << 50) + 1, "7Pi" },
		{ (UINT64_C(1) << 62) + 1, "4Ei" },
		{ (UINT64_C(1) << 63) + 1, "8Ei" },
		{ UINT64_MAX, "15Ei" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char a[64];
		struct jambuf b = jambuf_init(a, sizeof(a));
		jam_humber_max(&b, t[i].v);
		assert_string_equal(jambuf_str(&b), t[i].out);
	}
}

static void test_readable_bytes(void **state)
{
	(void)state;
	static const struct {
		uint64_t v;
		const char *out;
	} t[] = {
		{ 0, "0B" },
		{ 84, "84B" },
		{ 1023, "1023B" },
		{ 1024, "1KB" },
		{ 2047, "1KB" },		/* truncated */
		{ 121856, "119KB" },
		{ 1048575, "1023KB" },
		{ 1048576, "1MB" },
		{ UINT64_C(5) << 30, "5120MB" },	/* no GB */
		{ UINT64_MAX, "17592186044415MB" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char a[64];
		struct jambuf b = jambuf_init(a, sizeof(a));
		jam_readable_bytes(&b, t[i].v);
		assert_string_equal(jambuf_str(&b), t[i].out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_humber_max),
		cmocka_unit_test(test_readable_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
