/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SA table's per-connection lists (sa/sa.c): sa_ike_of_conn() in
 * serial order through adds, removals, a connection switch and the
 * table's growth; sa_child_of_conn() follows sa_child_set_conn(); the
 * SPI index (sa_child_by_spi(), the kernel's EXPIREs) through growth.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conn/connections.h"
#include "sa/sa.h"

static struct ike_sa *new_ike(struct sa_table *t, struct connection *c, unsigned long serial)
{
	struct ike_sa *ike = calloc(1, sizeof(*ike));
	assert_non_null(ike);
	ike->serial = serial;
	ike->conn = c;
	ike->initiator = true;
	memcpy(ike->ispi, &serial, sizeof(serial));
	sa_add_ike(t, ike);
	return ike;
}

/* the serials of C's IKE SAs, in list order, into OUT; their count */
static unsigned serials(const struct sa_table *t, const struct connection *c, unsigned long *out)
{
	unsigned n = 0;
	const struct ike_sa *prev = NULL;
	for (struct ike_sa *s = sa_ike_of_conn(t, c); s != NULL; s = s->conn_next) {
		assert_ptr_equal(s->conn, c);
		assert_ptr_equal(s->conn_prev, prev);
		out[n++] = s->serial;
		prev = s;
	}
	return n;
}

static void test_ike_lists(void **state)
{
	(void)state;
	struct connection *a = connection_alloc("a"), *b = connection_alloc("b");
	struct sa_table t;
	sa_table_init(&t);
	assert_null(sa_ike_of_conn(&t, a));
	/* enough to make the table grow (64 buckets, load 2) */
	struct ike_sa *v[400];
	for (unsigned i = 0; i < 400; i++)
		v[i] = new_ike(&t, i % 3 == 0 ? a : b, i + 1);
	unsigned long got[400];
	unsigned n = serials(&t, a, got);
	assert_int_equal(n, 134);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(got[i], 3 * i + 1);
	assert_int_equal(serials(&t, b, got), 266);
	/* removals: head, middle, tail */
	sa_remove_ike(&t, v[0]);
	sa_remove_ike(&t, v[3 * 60]);
	sa_remove_ike(&t, v[399]);
	n = serials(&t, a, got);
	assert_int_equal(n, 131);
	assert_int_equal(got[0], 4);
	assert_int_equal(got[n - 1], 397);
	for (unsigned i = 1; i < n; i++)
		assert_true(got[i] > got[i - 1]);
	/* b's #2 switches to a: in serial order there */
	sa_ike_set_conn(&t, v[1], a);
	n = serials(&t, a, got);
	assert_int_equal(n, 132);
	assert_int_equal(got[0], 2);
	assert_int_equal(got[1], 4);
	assert_int_equal(serials(&t, b, got), 265);
	/* all of a's gone: an empty list, b's untouched */
	for (unsigned i = 0; i < 400; i++) {
		if (v[i] != NULL && v[i]->conn == a && v[i]->conn_list != NULL)
			sa_remove_ike(&t, v[i]);
	}
	assert_null(sa_ike_of_conn(&t, a));
	assert_int_equal(serials(&t, b, got), 265);
	for (unsigned i = 0; i < 400; i++) {
		if (v[i]->conn_list != NULL)
			sa_remove_ike(&t, v[i]);
		free(v[i]);
	}
	assert_null(sa_ike_of_conn(&t, b));
	assert_int_equal(t.nr_ike, 0);
	sa_table_free(&t);
	connection_free(&a);
	connection_free(&b);
}

static void test_child_lists(void **state)
{
	(void)state;
	struct connection *a = connection_alloc("a"), *b = connection_alloc("b");
	struct sa_table t;
	sa_table_init(&t);
	struct ike_sa *ike = new_ike(&t, a, 1);
	struct child_sa *c[3];
	for (unsigned i = 0; i < 3; i++) {
		c[i] = calloc(1, sizeof(*c[i]));
		assert_non_null(c[i]);
		c[i]->serial = i + 2;
		c[i]->ike = ike;
		c[i]->conn = a;
		sa_add_child(&t, c[i]);
	}
	/* newest first */
	assert_ptr_equal(sa_child_of_conn(&t, a), c[2]);
	assert_ptr_equal(c[2]->conn_next, c[1]);
	assert_null(sa_child_of_conn(&t, b));
	/* #3 is b's (a sibling of a leftsubnets= family over a's IKE SA) */
	sa_child_set_conn(&t, c[1], b);
	assert_ptr_equal(sa_child_of_conn(&t, b), c[1]);
	assert_null(c[1]->conn_next);
	assert_ptr_equal(sa_child_of_conn(&t, a), c[2]);
	assert_ptr_equal(c[2]->conn_next, c[0]);
	assert_null(c[0]->conn_next);
	sa_remove_child(&t, c[1]);
	assert_null(sa_child_of_conn(&t, b));
	sa_remove_child(&t, c[2]);
	sa_remove_child(&t, c[0]);
	assert_null(sa_child_of_conn(&t, a));
	/* a's node stays while its IKE SA is there */
	assert_ptr_equal(sa_ike_of_conn(&t, a), ike);
	sa_remove_ike(&t, ike);
	assert_null(sa_ike_of_conn(&t, a));
	for (unsigned i = 0; i < 3; i++)
		free(c[i]);
	free(ike);
	sa_table_free(&t);
	connection_free(&a);
	connection_free(&b);
}

static ip_address addr(const char *s)
{
	ip_address a;
	assert_null(ttoaddress_num(s, 0, &a));
	return a;
}

static void test_child_spis(void **state)
{
	(void)state;
	struct connection *a = connection_alloc("a");
	struct sa_table t;
	sa_table_init(&t);
	struct ike_sa *i1 = new_ike(&t, a, 1), *i2 = new_ike(&t, a, 2);
	i1->local.addr = i2->local.addr = addr("192.0.2.1");
	i1->remote.addr = addr("192.0.2.2");
	i2->remote.addr = addr("192.0.2.3");
	ip_address us = addr("192.0.2.1"), p1 = addr("192.0.2.2"), p2 = addr("192.0.2.3");
	/* 300 Child SAs (the table grows); both peers chose the same
	 * outbound SPIs: the destination tells them apart */
	enum { N = 300 };
	struct child_sa *c[N];
	for (unsigned i = 0; i < N; i++) {
		c[i] = calloc(1, sizeof(*c[i]));
		assert_non_null(c[i]);
		c[i]->serial = 10 + i;
		c[i]->ike = i % 2 == 0 ? i1 : i2;
		c[i]->conn = a;
		c[i]->spi_in = 0xc0000000u + i;
		c[i]->spi_out = 0x1000u + i / 2;
		sa_add_child(&t, c[i]);
		sa_child_index_spis(&t, c[i]);
		sa_child_index_spis(&t, c[i]);	/* twice: once in the index */
	}
	bool in = false;
	for (unsigned i = 0; i < N; i++) {
		assert_ptr_equal(sa_child_by_spi(&t, &us, 0xc0000000u + i, &in), c[i]);
		assert_true(in);
		assert_ptr_equal(sa_child_by_spi(&t, i % 2 == 0 ? &p1 : &p2, 0x1000u + i / 2, &in), c[i]);
		assert_false(in);
	}
	/* our inbound SPI sent to the peer, the peer's to us: not ours */
	assert_null(sa_child_by_spi(&t, &p1, 0xc0000000u, &in));
	assert_null(sa_child_by_spi(&t, &us, 0x1000u, &in));
	assert_null(sa_child_by_spi(&t, &us, 0xdeadbeef, &in));
	/* unindexed (uninstalled): gone from the index, still in the table */
	sa_child_unindex_spis(&t, c[4]);
	sa_child_unindex_spis(&t, c[4]);
	assert_null(sa_child_by_spi(&t, &us, 0xc0000004u, &in));
	assert_null(sa_child_by_spi(&t, &p1, 0x1002u, &in));
	assert_ptr_equal(sa_child_by_serial(&t, 14), c[4]);
	assert_ptr_equal(sa_child_by_spi(&t, &p2, 0x1002u, &in), c[5]);
	/* removed while indexed: unindexed too */
	sa_remove_child(&t, c[6]);
	assert_null(sa_child_by_spi(&t, &us, 0xc0000006u, &in));
	free(c[6]);
	for (unsigned i = 0; i < N; i++)
		if (i != 6) {
			sa_remove_child(&t, c[i]);
			free(c[i]);
		}
	sa_remove_ike(&t, i1);
	sa_remove_ike(&t, i2);
	free(i1);
	free(i2);
	sa_table_free(&t);
	connection_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ike_lists),
		cmocka_unit_test(test_child_lists),
		cmocka_unit_test(test_child_spis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
