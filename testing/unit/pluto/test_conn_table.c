/* SPDX-License-Identifier: GPL-2.0-or-later */
/* the connection table: by name, by serial, "$N", sorted listing, 10,000
 * entries, connalias= families (conn_by_alias) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conn/connections.h"

static int teardown(void **state)
{
	(void)state;
	conn_table_clear();
	return 0;
}

static void test_add_find_delete(void **state)
{
	(void)state;
	assert_null(conn_by_name("west-east"));
	assert_int_equal(conn_count(), 0);
	struct connection *a = connection_alloc("west-east");
	struct connection *b = connection_alloc("road");
	conn_table_add(a);
	conn_table_add(b);
	assert_int_equal(conn_count(), 2);
	assert_ptr_equal(conn_by_name("west-east"), a);
	assert_ptr_equal(conn_by_name("road"), b);
	assert_null(conn_by_name("west"));
	assert_null(conn_by_name("West-East"));	/* names are case-sensitive */
	assert_ptr_equal(conn_by_serial(a->serial), a);
	assert_ptr_equal(conn_by_serial(b->serial), b);
	assert_int_not_equal(a->serial, b->serial);

	char ref[32];
	snprintf(ref, sizeof(ref), "$%lu", b->serial);
	assert_ptr_equal(conn_by_name_or_serial(ref), b);
	assert_ptr_equal(conn_by_name_or_serial("road"), b);
	assert_null(conn_by_name_or_serial("$"));
	assert_null(conn_by_name_or_serial("$1x"));
	assert_null(conn_by_name_or_serial("$999999"));

	conn_table_remove(a);
	assert_null(conn_by_name("west-east"));
	assert_null(conn_by_serial(a->serial));
	assert_int_equal(conn_count(), 1);
	/* removing twice changes nothing */
	conn_table_remove(a);
	assert_int_equal(conn_count(), 1);
	connection_free(&a);
	assert_null(a);
	assert_ptr_equal(conn_by_name("road"), b);
}

static void test_serials_not_reused(void **state)
{
	(void)state;
	struct connection *a = connection_alloc("x");
	unsigned long first = a->serial;
	connection_free(&a);
	struct connection *b = connection_alloc("x");
	assert_true(b->serial > first);
	connection_free(&b);
}

static void test_sorted(void **state)
{
	(void)state;
	const char *names[] = { "m", "a", "z", "b", "aa" };
	for (size_t i = 0; i < 5; i++)
		conn_table_add(connection_alloc(names[i]));
	size_t n;
	struct connection **all = conn_sorted(&n);
	assert_int_equal(n, 5);
	const char *want[] = { "a", "aa", "b", "m", "z" };
	for (size_t i = 0; i < n; i++)
		assert_string_equal(all[i]->name, want[i]);
	free(all);
}

static void test_ten_thousand(void **state)
{
	(void)state;
	enum { N = 10000 };
	static unsigned long serials[N];
	char name[32];
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "conn-%05d", i);
		struct connection *c = connection_alloc(name);
		serials[i] = c->serial;
		conn_table_add(c);
	}
	assert_int_equal(conn_count(), N);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "conn-%05d", i);
		struct connection *c = conn_by_name(name);
		assert_non_null(c);
		assert_string_equal(c->name, name);
		assert_ptr_equal(conn_by_serial(serials[i]), c);
	}
	/* delete every other one */
	for (int i = 0; i < N; i += 2) {
		snprintf(name, sizeof(name), "conn-%05d", i);
		struct connection *c = conn_by_name(name);
		conn_table_remove(c);
		connection_free(&c);
	}
	assert_int_equal(conn_count(), N / 2);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "conn-%05d", i);
		if (i % 2 == 0) {
			assert_null(conn_by_name(name));
			assert_null(conn_by_serial(serials[i]));
		} else {
			assert_non_null(conn_by_name(name));
		}
	}
	size_t n;
	struct connection **all = conn_sorted(&n);
	assert_int_equal(n, N / 2);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(all[i - 1]->name, all[i]->name) < 0);
	free(all);
}

static struct connection *aliased(const char *name, const char *alias)
{
	struct connection *c = connection_alloc(name);
	struct conn_config cc;
	memset(&cc, 0, sizeof(cc));
	cc.name = (char *)name;
	cc.connalias = (char *)alias;
	c->config = conn_config_clone(&cc);
	conn_table_add(c);
	return c;
}

static void test_aliases(void **state)
{
	(void)state;
	/* 600 families of 3 (the table grows), added out of name order, and
	 * conns without connalias= */
	char name[32], alias[32];
	for (int m = 3; m >= 1; m--)
		for (int f = 0; f < 600; f++) {
			snprintf(name, sizeof(name), "fam%03d/1x%d", f, m);
			snprintf(alias, sizeof(alias), "fam%03d", f);
			aliased(name, alias);
			snprintf(name, sizeof(name), "plain%03d-%d", f, m);
			conn_table_add(connection_alloc(name));
		}
	size_t n;
	for (int f = 0; f < 600; f++) {
		snprintf(alias, sizeof(alias), "fam%03d", f);
		struct connection **v = conn_by_alias(alias, &n);
		assert_int_equal(n, 3);
		for (int m = 0; m < 3; m++) {
			snprintf(name, sizeof(name), "fam%03d/1x%d", f, m + 1);
			assert_string_equal(v[m]->name, name);
		}
		free(v);
	}
	assert_null(conn_by_alias("plain000-1", &n));
	assert_int_equal(n, 0);
	assert_null(conn_by_alias("fam", &n));
	/* a member deleted leaves the family */
	struct connection *c = conn_by_name("fam007/1x2");
	conn_table_remove(c);
	connection_free(&c);
	struct connection **v = conn_by_alias("fam007", &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->name, "fam007/1x1");
	assert_string_equal(v[1]->name, "fam007/1x3");
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_add_find_delete, teardown),
		cmocka_unit_test_teardown(test_serials_not_reused, teardown),
		cmocka_unit_test_teardown(test_sorted, teardown),
		cmocka_unit_test_teardown(test_ten_thousand, teardown),
		cmocka_unit_test_teardown(test_aliases, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
