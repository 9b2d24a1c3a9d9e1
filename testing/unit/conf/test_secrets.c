/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/conf ipsec.secrets parser: forms, best match, errors, secrecy */
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

#include "tern/secrets.h"

static struct secrets *parse(const char *text)
{
	struct secrets *s = NULL;
	secrets_parse_buffer("s.secrets", text, strlen(text), &s);
	assert_non_null(s);
	return s;
}

static struct id mkid(const char *text)
{
	struct id id;
	diag_t d = ttoid(text, &id);
	if (d != NULL)
		fail_msg("%s: %s", text, diag_str(d));
	return id;
}

static void assert_secret(const struct secret *sec, const void *bytes, size_t len)
{
	assert_non_null(sec);
	assert_int_equal(sec->len, len);
	assert_memory_equal(sec->bytes, bytes, len);
}

static void test_forms(void **state)
{
	struct secrets *s = parse(
		"# comment\n"
		"@west @east : PSK \"quoted secret\"\n"
		"192.0.2.1 192.0.2.2 : PSK 0x0102_03ff\n"
		"@a @b: PSK 0sc2VjcmV0\n"			/* 'host:' form */
		"2001:db8::1 2001:db8::2 : PSK 0SYWI=\n"	/* IPv6 IDs contain ':' */
		"\"C=CA, O=Example, CN=west\" %any : PSK 'single quoted'\n"
		"road@example.com : XAUTH \"xpass\"\n"
		": RSA \"AQOk5c3ckaid\"\n"
		"@west : ECDSA {\n"
		"\tline one\n"
		"\tline two }\n"
		"@west @east : PPK \"PPK_ID_1\" 0x00112233\n"
		"   \n");
	assert_int_equal(s->nr_problems, 0);
	assert_int_equal(s->nr_secrets, 9);
	assert_int_equal(s->count[SECRET_PSK], 5);
	assert_int_equal(s->count[SECRET_XAUTH], 1);
	assert_int_equal(s->count[SECRET_RSA], 1);
	assert_int_equal(s->count[SECRET_ECDSA], 1);
	assert_int_equal(s->count[SECRET_PPK], 1);
	const struct secret *e = s->secrets;
	assert_int_equal(e[0].nr_ids, 2);
	assert_int_equal(e[0].ids[0].kind, ID_FQDN);
	assert_secret(&e[0], "quoted secret", 13);
	assert_int_equal(e[0].line, 2);
	assert_secret(&e[1], "\x01\x02\x03\xff", 4);
	assert_int_equal(e[1].ids[1].kind, ID_IPV4_ADDR);
	assert_secret(&e[2], "secret", 6);
	assert_int_equal(e[2].nr_ids, 2);
	assert_secret(&e[3], "ab", 2);
	assert_int_equal(e[3].ids[0].kind, ID_IPV6_ADDR);
	assert_int_equal(e[4].ids[0].kind, ID_DER_ASN1_DN);
	assert_int_equal(e[4].ids[1].kind, ID_ANY);
	assert_secret(&e[4], "single quoted", 13);
	assert_int_equal(e[5].kind, SECRET_XAUTH);
	assert_int_equal(e[5].ids[0].kind, ID_USER_FQDN);
	assert_int_equal(e[6].kind, SECRET_RSA);
	assert_int_equal(e[6].nr_ids, 0);
	assert_string_equal(e[6].key_ref, "AQOk5c3ckaid");
	assert_int_equal(e[7].kind, SECRET_ECDSA);
	assert_int_equal(e[7].line, 9);
	assert_non_null(strstr(e[7].key_ref, "line one"));
	assert_non_null(strstr(e[7].key_ref, "line two"));
	assert_int_equal(e[8].kind, SECRET_PPK);
	assert_string_equal(e[8].ppk_id, "PPK_ID_1");
	assert_secret(&e[8], "\x00\x11\x22\x33", 4);
	assert_string_equal(secret_kind_name(SECRET_PSK), "PSK");
	secrets_free(&s);
	assert_null(s);
}

static void test_best_match(void **state)
{
	struct secrets *s = parse(
		": PSK \"default\"\n"
		"@west %any : PSK \"west-any\"\n"
		"@west @east : PSK \"west-east\"\n"
		"@solo : PSK \"solo\"\n"
		"@x @y @z : PSK \"xyz\"\n"
		"@west @east : PSK \"second exact\"\n");
	assert_int_equal(s->nr_problems, 0);
	struct id west = mkid("@west"), east = mkid("@east"), road = mkid("@road");
	struct id solo = mkid("@solo"), x = mkid("@x"), z = mkid("@z"), y = mkid("@y");
	const struct secret *p;
	p = secrets_find_psk(s, &west, &east);		/* exact pair, first wins */
	assert_secret(p, "west-east", 9);
	p = secrets_find_psk(s, &east, &west);		/* either order */
	assert_secret(p, "west-east", 9);
	p = secrets_find_psk(s, &west, &road);		/* one side + %any */
	assert_secret(p, "west-any", 8);
	p = secrets_find_psk(s, &road, &west);
	assert_secret(p, "west-any", 8);
	p = secrets_find_psk(s, &road, &road);		/* nothing named: default */
	assert_secret(p, "default", 7);
	p = secrets_find_psk(s, &road, &solo);		/* one-ID entry names either end */
	assert_secret(p, "solo", 4);
	p = secrets_find_psk(s, &z, &x);		/* any two of a list */
	assert_secret(p, "xyz", 3);
	p = secrets_find_psk(s, &y, NULL);		/* unknown peer: default */
	assert_secret(p, "default", 7);
	struct secrets *none = parse("@a @b : PSK \"ab\"\n: RSA \"k\"\n");
	assert_null(secrets_find_psk(none, &west, &east));
	assert_null(secrets_find_psk(NULL, &west, &east));
	secrets_free(&none);
	id_free(&west);
	id_free(&east);
	id_free(&road);
	id_free(&solo);
	id_free(&x);
	id_free(&y);
	id_free(&z);
	secrets_free(&s);
}

static void test_errors(void **state)
{
	static const struct { const char *text; const char *msg; } cases[] = {
		{ "@west @east PSK \"x\"\n", "s.secrets:1: expecting 'ID... : KIND SECRET' (no ':' separator found)" },
		{ "@west : \"x\"\n", "s.secrets:1: unknown secret kind after ':' (expecting PSK, XAUTH, RSA, ECDSA or PPK)" },
		{ "@west :\n", "s.secrets:1: missing secret kind after ':' (expecting PSK, XAUTH, RSA, ECDSA or PPK)" },
		{ ": PSK\n", "s.secrets:1: invalid PSK entry: missing secret" },
		{ ": PSK \"a\" \"b\"\n", "s.secrets:1: invalid PSK entry: unexpected text after the secret" },
		{ ": PSK \"\"\n", "s.secrets:1: invalid PSK entry: empty secret" },
		{ ": PSK \"open\n", "s.secrets:1: unterminated quoted string" },
		{ ": PSK 0x123\n", "s.secrets:1: invalid PSK entry: 0x hex secret has an odd number of digits" },
		{ ": PSK 0x12zz\n", "s.secrets:1: invalid PSK entry: invalid character in 0x hex secret" },
		{ ": PSK 0s!!!!\n", "s.secrets:1: invalid PSK entry: invalid character in 0s base64 secret" },
		{ ": PSK 0sA\n", "s.secrets:1: invalid PSK entry: malformed 0s base64 secret" },
		{ ": PSK bare\n", "s.secrets:1: invalid PSK entry: a secret must be \"quoted\", 0x hex or 0s base64" },
		{ "%bogus : PSK \"x\"\n", "s.secrets:1: invalid ID: '%bogus' is not a valid ID (expecting %any, %none, %null, %fromcert, @fqdn, user@fqdn, an address or a DN)" },
		{ ": RSA {\n", "s.secrets:1: unterminated { braced } key" },
		{ ": PPK \"id\"\n", "s.secrets:1: invalid PPK entry: expecting PPK \"PPK-ID\" SECRET" },
		{ "\t: PSK \"x\"\n", "s.secrets:1: indented line without an entry (entries start at the left margin)" },
		{ "include x.secrets\n", "s.secrets:1: include is not available when parsing from memory" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct secrets *s = parse(cases[i].text);
		if (s->nr_problems != 1)
			fail_msg("'%s': %u problems", cases[i].text, s->nr_problems);
		assert_string_equal(s->problems[0].message, cases[i].msg);
		assert_true(s->problems[0].error);
		assert_int_equal(s->nr_secrets, 0);	/* the bad entry is skipped */
		secrets_free(&s);
	}
	/* a bad entry does not stop the others */
	struct secrets *s = parse(": PSK 0x1\n@a @b : PSK \"good\"\n@c : PSK\n");
	assert_int_equal(s->nr_problems, 2);
	assert_int_equal(s->nr_secrets, 1);
	assert_int_equal(s->problems[1].line, 3);
	secrets_free(&s);
}

/* no secret text, in any form, appears in any problem message */
static void test_secrets_never_in_messages(void **state)
{
	static const char *texts[] = {
		"@west @east PSK \"Sup3rSecretWord\"\n",
		"@west : \"Sup3rSecretWord\"\n",
		"@west : PSK \"Sup3rSecretWord\" extra\n",
		": PSK 0x5375703372536563726574576f726\n",
		": PSK 0sU3VwM3JTZWNyZXRXb3Jk!\n",
		": PSK Sup3rSecretWord\n",
		": XAUTH \"Sup3rSecretWord\" more\n",
		": PPK \"id\" \"Sup3rSecretWord\" x\n",
		"Sup3rSecretWord\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct secrets *s = parse(texts[i]);
		assert_true(s->nr_problems >= 1);
		for (unsigned k = 0; k < s->nr_problems; k++) {
			const char *m = s->problems[k].message;
			if (strstr(m, "Sup3rSecretWord") != NULL || strstr(m, "5375703372") != NULL ||
			    strstr(m, "U3VwM3JTZWNy") != NULL)
				fail_msg("secret leaked: %s", m);
		}
		secrets_free(&s);
	}
}

static char dir[64];

static void write_file(const char *rel, const char *text, mode_t mode)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static int setup_dir(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/tern-secrets-test-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_files(void **state)
{
	char path[512], d[512];
	snprintf(d, sizeof(d), "%s/ipsec.d", dir);
	assert_int_equal(mkdir(d, 0700), 0);
	write_file("ipsec.secrets", ": PSK \"top\"\ninclude ipsec.d/*.secrets\ninclude nomatch/*.secrets\n", 0600);
	write_file("ipsec.d/a.secrets", "@a @b : PSK \"from a\"\n", 0600);
	write_file("ipsec.d/b.secrets", "@c @d : PSK \"from b\"\n", 0644);
	snprintf(path, sizeof(path), "%s/ipsec.secrets", dir);
	struct secrets *s = NULL;
	assert_null(secrets_load(path, &s));
	assert_int_equal(s->nr_secrets, 3);
	assert_int_equal(s->nr_errors, 0);
	assert_int_equal(s->nr_warnings, 1);
	char want[600];
	snprintf(want, sizeof(want),
		 "%s/ipsec.d/b.secrets: warning: file is readable or writable by group or others (mode 0644); use chmod 600",
		 dir);
	assert_string_equal(s->problems[0].message, want);
	assert_false(s->problems[0].error);
	snprintf(want, sizeof(want), "%s/ipsec.d/a.secrets", dir);
	assert_string_equal(s->secrets[1].file, want);
	secrets_free(&s);
	/* a world-readable top file warns too; the secrets still load */
	write_file("open.secrets", ": PSK \"x\"\n", 0604);
	snprintf(path, sizeof(path), "%s/open.secrets", dir);
	assert_null(secrets_load(path, &s));
	assert_int_equal(s->nr_secrets, 1);
	assert_int_equal(s->nr_warnings, 1);
	secrets_free(&s);
	/* a missing plain include is an error */
	write_file("missing.secrets", "include gone.secrets\n", 0600);
	snprintf(path, sizeof(path), "%s/missing.secrets", dir);
	assert_null(secrets_load(path, &s));
	assert_int_equal(s->nr_errors, 1);
	snprintf(want, sizeof(want),
		 "%s/missing.secrets:1: cannot open include file '%s/gone.secrets': No such file or directory",
		 dir, dir);
	assert_string_equal(s->problems[0].message, want);
	secrets_free(&s);
	/* the file itself missing: the load fails */
	snprintf(path, sizeof(path), "%s/none.secrets", dir);
	diag_t dg = secrets_load(path, &s);
	assert_non_null(dg);
	assert_null(s);
	diag_free(&dg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_best_match),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_secrets_never_in_messages),
		cmocka_unit_test_setup_teardown(test_files, setup_dir, remove_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
