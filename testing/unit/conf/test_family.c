/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/conf/family.c: leftsubnets=/rightsubnets= -> NAME/LxR sub-connections */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tern/conn_family.h"

static struct ipsec_conf *parse(const char *text)
{
	struct ipsec_conf *conf = NULL;
	ipsec_conf_parse_buffer("t.conf", text, strlen(text), &conf);
	assert_non_null(conf);
	if (conf->has_errors)
		fail_msg("%s", conf->nr_problems > 0 ? conf->problems[0].message : "errors");
	return conf;
}

/* "NAME/LxR=left===right ..." for every member */
static char *expand(const char *text, const char *name)
{
	struct ipsec_conf *conf = parse(text);
	const struct conn_config *cc = ipsec_conf_find(conf, name);
	assert_non_null(cc);
	struct conn_family_member *v = NULL;
	unsigned n = 0;
	static char out[1024];
	struct jambuf b = jambuf_init(out, sizeof(out));
	diag_t d = conn_family_expand(cc, &v, &n);
	if (d != NULL) {
		jam(&b, "error: %s", diag_str(d));
		diag_free(&d);
	}
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			jam_char(&b, ' ');
		jam(&b, "%s=", v[i].name);
		jam_subnet(&b, &v[i].left);
		jam_str(&b, "===");
		jam_subnet(&b, &v[i].right);
	}
	free(v);
	ipsec_conf_free(&conf);
	return out;
}

#define HEAD "conn c\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\tauthby=secret\n"

static void test_two_by_two(void **state)
{
	(void)state;
	assert_string_equal(expand(HEAD "\tleftsubnets={10.0.1.0/24 10.0.11.0/24}\n"
				   "\trightsubnets={10.0.2.0/24,10.0.12.0/24}\n", "c"),
			    "c/1x1=10.0.1.0/24===10.0.2.0/24 c/1x2=10.0.1.0/24===10.0.12.0/24 "
			    "c/2x1=10.0.11.0/24===10.0.2.0/24 c/2x2=10.0.11.0/24===10.0.12.0/24");
}

static void test_one_side(void **state)
{
	(void)state;
	/* subnet= on the other end is number 0 */
	assert_string_equal(expand(HEAD "\tleftsubnet=10.0.1.0/24\n"
				   "\trightsubnets={10.0.2.0/24 10.0.12.0/24 10.0.22.0/24}\n", "c"),
			    "c/0x1=10.0.1.0/24===10.0.2.0/24 c/0x2=10.0.1.0/24===10.0.12.0/24 "
			    "c/0x3=10.0.1.0/24===10.0.22.0/24");
	/* no subnet at all on the other end: the host (unset) */
	const char *s = expand(HEAD "\tleftsubnets={10.0.1.0/24 10.0.11.0/24}\n", "c");
	assert_non_null(strstr(s, "c/1x0=10.0.1.0/24==="));
	assert_non_null(strstr(s, " c/2x0=10.0.11.0/24==="));
	/* subnet= and subnets= on one end: subnet= is 0, the list from 1 */
	assert_string_equal(expand(HEAD "\tleftsubnet=10.0.1.0/24\n\tleftsubnets={10.0.11.0/24}\n"
				   "\trightsubnet=10.0.2.0/24\n", "c"),
			    "c/0x0=10.0.1.0/24===10.0.2.0/24 c/1x0=10.0.11.0/24===10.0.2.0/24");
}

static void test_mixed_families(void **state)
{
	(void)state;
	assert_string_equal(expand(HEAD "\tleftsubnets={10.0.1.0/24 2001:db8:1::/48}\n"
				   "\trightsubnets={10.0.2.0/24 2001:db8:2::/48}\n", "c"),
			    "c/1x1=10.0.1.0/24===10.0.2.0/24 c/2x2=2001:db8:1::/48===2001:db8:2::/48");
	assert_string_equal(expand(HEAD "\tleftsubnets={10.0.1.0/24}\n"
				   "\trightsubnets={2001:db8:2::/48}\n", "c"),
			    "error: leftsubnets=/rightsubnets= have no pair of one address family");
}

static void test_member_config(void **state)
{
	(void)state;
	struct ipsec_conf *conf = parse(HEAD "\tleftsubnets={10.0.1.0/24 10.0.11.0/24}\n"
				       "\trightsubnet=10.0.2.0/24\n\tnarrowing=yes\n");
	const struct conn_config *cc = ipsec_conf_find(conf, "c");
	assert_true(conn_config_is_family(cc));
	struct conn_family_member *v = NULL;
	unsigned n = 0;
	assert_null(conn_family_expand(cc, &v, &n));
	assert_int_equal(n, 2);
	struct conn_config *m = conn_family_config(cc, &v[1]);
	assert_string_equal(m->name, "c/2x0");
	assert_string_equal(m->connalias, "c");
	assert_int_equal(m->left.nr_subnets, 0);
	assert_null(m->left.subnets);
	subnet_buf b;
	assert_string_equal(str_subnet(&m->left.subnet, &b), "10.0.11.0/24");
	assert_string_equal(str_subnet(&m->right.subnet, &b), "10.0.2.0/24");
	assert_true(m->narrowing);	/* everything else is the conn's */
	assert_false(conn_config_is_family(m));
	assert_null(conn_config_check(m));
	conn_config_clone_free(&m);
	assert_null(m);
	free(v);
	/* not a family */
	ipsec_conf_free(&conf);
	conf = parse(HEAD "\tleftsubnet=10.0.1.0/24\n");
	assert_false(conn_config_is_family(ipsec_conf_find(conf, "c")));
	ipsec_conf_free(&conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_by_two),
		cmocka_unit_test(test_one_side),
		cmocka_unit_test(test_mixed_families),
		cmocka_unit_test(test_member_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
