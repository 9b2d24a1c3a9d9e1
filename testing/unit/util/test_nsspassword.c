/* SPDX-License-Identifier: GPL-2.0-or-later */
/* the nsspassword file: "TOKEN:password" lines, as Libreswan reads them */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tern/nsspassword.h"

#define TOKEN "NSS Certificate DB"

static void found(const char *text, size_t len, const char *want)
{
	char *pw = NULL;
	diag_t d = nsspassword_find(text, len, TOKEN, &pw);
	if (d != NULL)
		fail_msg("%s", diag_str(d));
	assert_non_null(pw);
	assert_string_equal(pw, want);
	free(pw);
}

static void test_find(void **state)
{
	(void)state;
	static const char one[] = "NSS Certificate DB:secret\n";
	found(one, strlen(one), "secret");
	/* no newline at the end, CRLF, colons in the password, other tokens first */
	static const char two[] = "NSS FIPS 140-2 Certificate DB:fips\r\nNSS Certificate DB:a:b c";
	found(two, strlen(two), "a:b c");
	static const char three[] = "NSS Certificate DB:x\r\n";
	found(three, strlen(three), "x");
	/* an empty password is a password */
	static const char four[] = "NSS Certificate DB:\n";
	found(four, strlen(four), "");
	/* a NUL ends a line too */
	static const char five[] = "junk\0NSS Certificate DB:nul";
	found(five, sizeof(five) - 1, "nul");
}

static void test_not_found(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"", "\n\n", "NSS Certificate DB\n", "NSS Certificate D:x\n",
		" NSS Certificate DB:x\n", "nss certificate db:x\n", "NSS Certificate DBX:y\n",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *pw = (char *)"untouched";
		diag_t d = nsspassword_find(cases[i], strlen(cases[i]), TOKEN, &pw);
		assert_non_null(d);
		assert_non_null(strstr(diag_str(d), "no line for token 'NSS Certificate DB'"));
		assert_string_equal(pw, "untouched");
		diag_free(&d);
	}
}

static void test_file(void **state)
{
	(void)state;
	char path[] = "/tmp/test-nsspassword-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char text[] = "# not a token\nNSS Certificate DB:from file\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char *pw = NULL;
	diag_t d = nsspassword_from_file(path, TOKEN, &pw);
	assert_null(d);
	assert_string_equal(pw, "from file");
	free(pw);
	d = nsspassword_from_file(path, "other", &pw);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), path));
	assert_non_null(strstr(diag_str(d), "in 2 lines"));
	diag_free(&d);
	unlink(path);
	d = nsspassword_from_file(path, TOKEN, &pw);
	assert_non_null(d);
	assert_non_null(strstr(diag_str(d), "cannot read"));
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
