/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/conf: tests that need real files (include globs, loading) and size */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tern/conf.h"

void conf_file_tests(const struct CMUnitTest **tests, size_t *n);

static char dir[64];

static void write_file(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void make_dir(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int setup_dir(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/tern-conf-test-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct ipsec_conf *load(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	struct ipsec_conf *conf = NULL;
	diag_t d = ipsec_conf_load(path, &conf);
	if (d != NULL)
		fail_msg("load %s: %s", path, diag_str(d));
	return conf;
}

static void test_include_globs(void **state)
{
	make_dir("conf.d");
	make_dir("extra");
	write_file("main.conf",
		   "config setup\n\tlogfile=/tmp/x.log\n"
		   "include conf.d/*.conf\n"
		   "include nothing-matches-*.conf\n"
		   "conn main\n\tleft=192.0.2.1\n\talso=from-b\n");
	write_file("conf.d/a.conf", "conn from-a\n\tleft=192.0.2.2\ninclude ../extra/b.conf\n");
	write_file("conf.d/c.conf", "conn from-c\n\tlefft=192.0.2.3\n");
	write_file("extra/b.conf", "conn from-b\n\trightid=@b\n");
	struct ipsec_conf *conf = load("main.conf");
	assert_int_equal(conf->nr_conns, 4);
	/* includes are read in glob order, depth first, in place */
	assert_string_equal(conf->conns[0]->name, "from-a");
	assert_string_equal(conf->conns[1]->name, "from-b");
	assert_string_equal(conf->conns[2]->name, "from-c");
	assert_string_equal(conf->conns[3]->name, "main");
	const struct conn_config *m = ipsec_conf_find(conf, "main");
	assert_non_null(m);
	assert_int_equal(m->right.id.kind, ID_FQDN);	/* also= across files */
	char want[512];
	snprintf(want, sizeof(want), "%s/conf.d/../extra/b.conf", dir);
	assert_string_equal(ipsec_conf_find(conf, "from-b")->file, want);
	assert_int_equal(conf->nr_problems, 1);
	snprintf(want, sizeof(want),
		 "%s/conf.d/c.conf:2: unknown keyword 'lefft' in conn \"from-c\" (did you mean 'left'?)", dir);
	assert_string_equal(conf->problems[0].message, want);
	assert_int_equal(conf->problems[0].line, 2);
	assert_string_equal(conf->problems[0].conn, "from-c");
	assert_false(conf->has_errors);
	assert_string_equal(conf->setup.logfile, "/tmp/x.log");
	ipsec_conf_free(&conf);
}

static void test_include_missing(void **state)
{
	write_file("missing.conf", "conn a\n\tleft=192.0.2.1\ninclude /nonexistent/ipsec.conf\ninclude rel.conf\n");
	struct ipsec_conf *conf = load("missing.conf");
	assert_true(conf->has_errors);
	assert_int_equal(conf->nr_problems, 2);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s/missing.conf:3: cannot open include file '/nonexistent/ipsec.conf': No such file or directory", dir);
	assert_string_equal(conf->problems[0].message, want);
	snprintf(want, sizeof(want),
		 "%s/missing.conf:4: cannot open include file '%s/rel.conf': No such file or directory", dir, dir);
	assert_string_equal(conf->problems[1].message, want);
	/* the conn itself is fine; the load as a whole failed */
	assert_false(ipsec_conf_find(conf, "a")->has_errors);
	ipsec_conf_free(&conf);
}

static void test_include_loop(void **state)
{
	write_file("loop.conf", "include loop.conf\n");
	struct ipsec_conf *conf = load("loop.conf");
	assert_true(conf->has_errors);
	assert_int_equal(conf->nr_problems, 1);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s/loop.conf:1: include 'loop.conf' nested too deeply (more than 10 levels; an include loop?)", dir);
	assert_string_equal(conf->problems[0].message, want);
	ipsec_conf_free(&conf);
}

static void test_load_missing_file(void **state)
{
	struct ipsec_conf *conf = NULL;
	char path[512];
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	diag_t d = ipsec_conf_load(path, &conf);
	assert_non_null(d);
	char want[600];
	snprintf(want, sizeof(want), "cannot open '%s': No such file or directory", path);
	assert_string_equal(diag_str(d), want);
	assert_null(conf);
	diag_free(&d);
	/* a directory is not a config file */
	d = ipsec_conf_load(dir, &conf);
	assert_non_null(d);
	assert_null(conf);
	diag_free(&d);
}

static void test_ten_thousand_conns(void **state)
{
	enum { N = 10000 };
	size_t size = 256 + (size_t)N * 160;
	char *text = malloc(size);
	assert_non_null(text);
	size_t len = (size_t)snprintf(text, size,
				      "config setup\n\tuniqueids=yes\nconn %%default\n\tikelifetime=2h\n"
				      "conn base\n\tleft=192.0.2.1\n\tleftsubnet=10.0.0.0/16\n\tauthby=secret\n");
	for (unsigned i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, size - len,
					"conn c%05u\n\talso=base\n\tright=198.51.%u.%u\n"
					"\trightsubnet=10.%u.%u.0/24\n\trightid=@peer%u\n\tauto=add\n",
					i, (i / 250) % 256, i % 250 + 1, 1 + i / 256, i % 256, i);
	struct ipsec_conf *conf = NULL;
	ipsec_conf_parse_buffer("big.conf", text, len, &conf);
	assert_int_equal(conf->nr_problems, 0);
	assert_int_equal(conf->nr_conns, N + 1);
	char name[16];
	for (unsigned i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "c%05u", i);
		const struct conn_config *c = ipsec_conf_find(conf, name);
		if (c == NULL || strcmp(c->name, name) != 0)
			fail_msg("%s not found", name);
		assert_int_equal(c->autostart, AUTO_ADD);
		assert_int_equal(c->line, 9 + 6 * i);
	}
	const struct conn_config *c = ipsec_conf_find(conf, "c09999");
	assert_int_equal(c->authby, AUTHBY_SECRET);			/* from also=base */
	assert_int_equal(c->ikelifetime_ms, 2ull * 3600 * 1000);	/* from %default */
	subnet_buf sb;
	assert_string_equal(str_subnet(&c->right.subnet, &sb), "10.40.15.0/24");
	id_buf ib;
	assert_string_equal(str_id(&c->right.id, &ib), "@peer9999");
	assert_null(conn_config_check(c));
	assert_null(ipsec_conf_find(conf, "c10000"));
	ipsec_conf_free(&conf);
	free(text);
}

static const struct CMUnitTest file_tests[] = {
	cmocka_unit_test_setup_teardown(test_include_globs, setup_dir, remove_dir),
	cmocka_unit_test_setup_teardown(test_include_missing, setup_dir, remove_dir),
	cmocka_unit_test_setup_teardown(test_include_loop, setup_dir, remove_dir),
	cmocka_unit_test_setup_teardown(test_load_missing_file, setup_dir, remove_dir),
	cmocka_unit_test(test_ten_thousand_conns),
};

void conf_file_tests(const struct CMUnitTest **tests, size_t *n)
{
	*tests = file_tests;
	*n = sizeof(file_tests) / sizeof(file_tests[0]);
}
