/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conn_config_clone(): every heap field is duplicated (the original is
 * freed first; ASan would catch sharing), the values survive, and the
 * problems list is not carried over.  The string fields are filled through
 * lib/conf's own field lists, so a field added there is covered here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tern/conf.h"
#include "internal.h"	/* CONN_END_STRING_FIELDS, CONN_CONFIG_STRING_FIELDS */

static unsigned counter;

#define FILL(f) { char t_[32]; snprintf(t_, sizeof(t_), "field-%u", counter++); (f) = strdup(t_); }
#define CHECK(f) { char t_[32]; snprintf(t_, sizeof(t_), "field-%u", counter++); \
		   assert_non_null(f); assert_string_equal((f), t_); }

static void fill_end(struct conn_end *e)
{
	CONN_END_STRING_FIELDS(FILL, e)
	e->host = HOST_DNS;
	e->nr_subnets = 2;
	e->subnets = calloc(2, sizeof(*e->subnets));
	assert_null(ttosubnet("10.0.1.0/24", AF_UNSPEC, &e->subnets[0]));
	assert_null(ttosubnet("10.0.2.0/24", AF_UNSPEC, &e->subnets[1]));
	assert_null(ttoid("@west", &e->id));
}

static void check_end(const struct conn_end *e)
{
	CONN_END_STRING_FIELDS(CHECK, e)
	assert_int_equal(e->nr_subnets, 2);
	assert_int_equal(e->subnets[1].prefix, 24);
	assert_int_equal(e->subnets[1].addr.bytes[2], 2);
	assert_int_equal(e->id.kind, ID_FQDN);
	assert_string_equal((const char *)e->id.name, "west");
}

static void test_clone_outlives_original(void **state)
{
	(void)state;
	struct conn_config *orig = calloc(1, sizeof(*orig));
	counter = 0;
	CONN_CONFIG_STRING_FIELDS(FILL, orig)
	fill_end(&orig->left);
	fill_end(&orig->right);
	orig->ikelifetime_ms = 3600 * 1000;
	orig->mtu = 1400;
	orig->nr_extras = 1;
	orig->extras = calloc(1, sizeof(*orig->extras));
	orig->extras[0] = (struct conf_extra){ .key = strdup("leftcat"), .value = strdup("yes") };
	orig->problems = calloc(1, sizeof(*orig->problems));
	orig->nr_problems = 1;

	struct conn_config *copy = conn_config_clone(orig);
	conn_config_clone_free(&orig);
	assert_null(orig);

	counter = 0;
	CONN_CONFIG_STRING_FIELDS(CHECK, copy)
	check_end(&copy->left);
	check_end(&copy->right);
	assert_int_equal(copy->ikelifetime_ms, 3600 * 1000);
	assert_int_equal(copy->mtu, 1400);
	assert_null(copy->problems);
	assert_int_equal(copy->nr_problems, 0);
	assert_string_equal(conn_config_extra(copy, "leftcat"), "yes");
	conn_config_clone_free(&copy);
	assert_null(copy);
	conn_config_clone_free(&copy);	/* NULL is fine */
}

static void test_clone_of_parsed_conn(void **state)
{
	(void)state;
	static const char text[] =
		"conn %default\n\tauthby=secret\n"
		"conn a\n\tleft=192.0.2.1\n\tleftid=@west\n\tright=%any\n"
		"\tleftsubnets={10.0.1.0/24 10.0.3.0/24}\n\tike=aes256-sha2_256;dh19\n";
	struct ipsec_conf *conf = NULL;
	ipsec_conf_parse_buffer("clone.conf", text, sizeof(text) - 1, &conf);
	const struct conn_config *a = ipsec_conf_find(conf, "a");
	assert_non_null(a);
	struct conn_config *copy = conn_config_clone(a);
	ipsec_conf_free(&conf);
	assert_string_equal(copy->name, "a");
	assert_string_equal(copy->file, "clone.conf");
	assert_string_equal(copy->ike, "aes256-sha2_256;dh19");
	assert_int_equal(copy->authby, AUTHBY_SECRET);
	assert_int_equal(copy->left.nr_subnets, 2);
	assert_int_equal(copy->left.id.kind, ID_FQDN);
	assert_int_equal(copy->right.host, HOST_ANY);
	conn_config_clone_free(&copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clone_outlives_original),
		cmocka_unit_test(test_clone_of_parsed_conn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
