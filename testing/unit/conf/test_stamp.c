/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/conf ipsec_conf_unchanged(): a kept parse is reused only while no
 * file it depends on (includes, include directories) has changed */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tern/conf.h"

static char dir[64];

static void put(const char *name, const char *text, long age_s)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	/* written AGE_S seconds ago (0: now, as an editor just did) */
	struct timespec t[2];
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= age_s;
	t[1] = t[0];
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static void age_dir(const char *sub, long age_s)
{
	char path[128];
	snprintf(path, sizeof(path), "%s%s", dir, sub);
	struct timespec t[2];
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= age_s;
	t[1] = t[0];
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static struct ipsec_conf *load(void)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/ipsec.conf", dir);
	struct ipsec_conf *c = NULL;
	diag_t d = ipsec_conf_load(path, &c);
	if (d != NULL)
		fail_msg("%s", diag_str(d));
	return c;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tern-test-stamp.XXXXXX");
	assert_non_null(mkdtemp(dir));
	char sub[96];
	snprintf(sub, sizeof(sub), "%s/conns.d", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_unchanged(void **state)
{
	(void)state;
	put("ipsec.conf", "conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n"
	    "include conns.d/*.conf\ninclude extra.conf\n", 100);
	put("conns.d/b.conf", "conn b\n\tleft=192.0.2.1\n\tright=192.0.2.3\n", 100);
	age_dir("/conns.d", 100);
	struct ipsec_conf *c = load();
	assert_non_null(ipsec_conf_find(c, "a"));
	assert_non_null(ipsec_conf_find(c, "b"));
	/* extra.conf is missing: an error, and a dependency */
	assert_true(c->has_errors);
	assert_true(ipsec_conf_unchanged(c));
	assert_true(ipsec_conf_unchanged(c));
	/* the missing include appears */
	put("extra.conf", "conn x\n\tleft=192.0.2.1\n\tright=192.0.2.9\n", 50);
	assert_false(ipsec_conf_unchanged(c));
	ipsec_conf_free(&c);
	c = load();
	assert_non_null(ipsec_conf_find(c, "x"));
	assert_true(ipsec_conf_unchanged(c));
	/* an included file is edited */
	put("conns.d/b.conf", "conn b\n\tleft=192.0.2.1\n\tright=192.0.2.4\n", 40);
	assert_false(ipsec_conf_unchanged(c));
	ipsec_conf_free(&c);
	c = load();
	assert_true(ipsec_conf_unchanged(c));
	/* a file is added to a pattern's directory */
	put("conns.d/c.conf", "conn c\n\tleft=192.0.2.1\n\tright=192.0.2.5\n", 30);
	age_dir("/conns.d", 30);
	assert_false(ipsec_conf_unchanged(c));
	ipsec_conf_free(&c);
	c = load();
	assert_non_null(ipsec_conf_find(c, "c"));
	assert_true(ipsec_conf_unchanged(c));
	/* the top file is edited */
	put("ipsec.conf", "conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n", 20);
	assert_false(ipsec_conf_unchanged(c));
	ipsec_conf_free(&c);
}

static void test_racy_and_memory(void **state)
{
	(void)state;
	/* written just now: the same clock tick could hide another change */
	put("ipsec.conf", "conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n", 0);
	struct ipsec_conf *c = load();
	assert_false(ipsec_conf_unchanged(c));
	ipsec_conf_free(&c);
	/* parsed from memory: nothing to compare */
	const char *text = "conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n";
	ipsec_conf_parse_buffer("mem.conf", text, strlen(text), &c);
	assert_false(ipsec_conf_unchanged(c));
	ipsec_conf_free(&c);
	assert_false(ipsec_conf_unchanged(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_racy_and_memory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
