/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <string.h>
#include <cmocka.h>

#include "tern/jambuf.h"
#include "tern/diag.h"
#include "tern/log.h"

static void test_jam_fits(void **state)
{
	JAMBUF(b, 32);
	jam(&b, "%s=%d", "x", 42);
	jam_char(&b, ';');
	jam_str(&b, " ok");
	assert_string_equal(jambuf_str(&b), "x=42; ok");
	assert_false(b.truncated);
	assert_int_equal(b.len, 8);
}

static void test_jam_truncates(void **state)
{
	JAMBUF(b, 8);
	jam_str(&b, "0123456789");
	assert_true(b.truncated);
	assert_string_equal(jambuf_str(&b), "0123...");
	/* further writes are ignored, the buffer stays terminated */
	jam(&b, "%d", 1);
	assert_string_equal(jambuf_str(&b), "0123...");
	assert_int_equal(strlen(b.buf), 7);
}

static void test_jam_exact_fit(void **state)
{
	JAMBUF(b, 4);
	jam(&b, "abc");
	assert_false(b.truncated);
	assert_string_equal(jambuf_str(&b), "abc");
	jam_char(&b, 'd');
	assert_true(b.truncated);
}

/*
 * jam() formats %s, %c, %d, %u (l, ll, z) itself and hands anything else to
 * vsnprintf: both must give what snprintf gives, in every buffer size
 * (the reference: snprintf's whole text put in with jam_mem, which
 * truncates as jam always has).
 */
#define SAME_AS_SNPRINTF(...) \
	do { \
		char ref[512], got[512], want[512]; \
		int n = snprintf(ref, sizeof(ref), __VA_ARGS__); \
		assert_true(n >= 0 && (size_t)n < sizeof(ref)); \
		for (size_t size = 1; size <= (size_t)n + 2; size++) { \
			struct jambuf g = jambuf_init(got, size), w = jambuf_init(want, size); \
			jam_str(&g, "<"); \
			jam_str(&w, "<"); \
			jam(&g, __VA_ARGS__); \
			jam_mem(&w, ref, (size_t)n); \
			assert_string_equal(got, want); \
			assert_int_equal(g.len, w.len); \
			assert_int_equal(g.truncated, w.truncated); \
		} \
	} while (0)

static void test_jam_formats(void **state)
{
	(void)state;
	const char *volatile null = NULL;	/* not a constant: no -Wformat-overflow */
	SAME_AS_SNPRINTF("plain text, no conversion");
	SAME_AS_SNPRINTF("%s", "");
	SAME_AS_SNPRINTF("\"%s\":   host: %s; local: ", "conn/1x2", "oriented");
	SAME_AS_SNPRINTF("%s|%s", "a", null);
	SAME_AS_SNPRINTF("100%% of %u", 7u);
	SAME_AS_SNPRINTF("%d %d %d", 0, -1, INT32_MIN);
	SAME_AS_SNPRINTF("%u %u", 0u, UINT32_MAX);
	SAME_AS_SNPRINTF("%ld %lu", LONG_MIN, ULONG_MAX);
	SAME_AS_SNPRINTF("%lld %llu", LLONG_MIN, ULLONG_MAX);
	SAME_AS_SNPRINTF("#%lu: \"%s\" esp.%x@%s", 12ul, "c", 0x1000aa00u, "192.0.2.1");	/* %x: vsnprintf */
	SAME_AS_SNPRINTF("%zu bytes; %c%c", (size_t)4096, 'o', 'k');
	SAME_AS_SNPRINTF("%5s|%-3d|%.2s|%03o", "ab", 7, "xyz", 8u);	/* width, flags, precision */
	SAME_AS_SNPRINTF("%zd %hhu %ls", (ssize_t)-3, (unsigned char)200, L"w");
	SAME_AS_SNPRINTF("trailing %s", "text at the end");
}

static void test_jam_hex_sanitized(void **state)
{
	JAMBUF(b, 64);
	const uint8_t bytes[] = { 0x00, 0xab, 0x7f };
	jam_hex(&b, bytes, sizeof(bytes));
	jam_char(&b, ' ');
	jam_sanitized(&b, "a\nb\\", 4);
	assert_string_equal(jambuf_str(&b), "00ab7f a\\012b\\\\");
}

static void test_jam_rewind(void **state)
{
	JAMBUF(b, 16);
	jam_str(&b, "keep");
	size_t m = jambuf_mark(&b);
	jam_str(&b, "-drop-this-too-long");
	assert_true(b.truncated);
	jambuf_rewind(&b, m);
	assert_false(b.truncated);
	assert_string_equal(jambuf_str(&b), "keep");
}

static void test_diag(void **state)
{
	diag_t d = diag("unknown keyword '%s'", "lefft");
	assert_string_equal(diag_str(d), "unknown keyword 'lefft'");
	d = diag_prefix(d, "%s:%u", "/etc/ipsec.conf", 12u);
	assert_string_equal(diag_str(d), "/etc/ipsec.conf:12: unknown keyword 'lefft'");
	diag_free(&d);
	assert_null(d);
	assert_null(diag_prefix(NULL, "x"));
}

/* a sink that records the last line */
struct capture {
	char text[512];
	char message[512];
	enum log_severity sev;
	int count;
};

static void capture_sink(void *ctx, const struct log_line *line)
{
	struct capture *c = ctx;
	snprintf(c->text, sizeof(c->text), "%s", line->text);
	snprintf(c->message, sizeof(c->message), "%s", line->message);
	c->sev = line->severity;
	c->count++;
}

static void jam_conn_prefix(struct jambuf *b, const void *object)
{
	jam(b, "\"%s\" #%d: ", (const char *)object, 2);
}

static void test_llog_prefix_and_severity(void **state)
{
	struct capture c = { 0 };
	assert_true(log_add_sink(capture_sink, &c));
	struct logger l = { .jam_prefix = jam_conn_prefix, .object = "west-east" };

	llog(&l, LOG_SEV_INFO, "added IKEv2 connection");
	assert_string_equal(c.text, "\"west-east\" #2: added IKEv2 connection");
	assert_string_equal(c.message, "added IKEv2 connection");

	llog(&l, LOG_SEV_ERROR, "bad\nthing");
	assert_string_equal(c.text, "\"west-east\" #2: ERROR: bad thing");
	assert_int_equal(c.sev, LOG_SEV_ERROR);

	llog(&l, LOG_SEV_FATAL, "lock file exists");
	assert_string_equal(c.text, "\"west-east\" #2: FATAL ERROR: lock file exists");
	assert_string_equal(c.message, "FATAL ERROR: lock file exists");

	diag_t d = diag("line 3: oops");
	llog_diag(&global_logger, LOG_SEV_WARNING, &d, "loading %s", "secrets");
	assert_null(d);
	assert_string_equal(c.text, "WARNING: loading secrets: line 3: oops");

	LLOG_JAMBUF(&l, LOG_SEV_INFO, buf) {
		jam(buf, "a=%d", 1);
		jam_str(buf, " b");
	}
	assert_string_equal(c.text, "\"west-east\" #2: a=1 b");
	assert_string_equal(c.message, "a=1 b");
	log_remove_sink(capture_sink, &c);
	int before = c.count;
	llog(&l, LOG_SEV_INFO, "not captured");
	assert_int_equal(c.count, before);
}

static void test_debug_lines(void **state)
{
	struct capture c = { 0 };
	log_add_sink(capture_sink, &c);
	tern_debugging = 0;
	ldbg(&global_logger, "hidden %d", 1);
	assert_int_equal(c.count, 0);
	tern_debugging = DBG_BASE;
	ldbg(&global_logger, "shown %d", 2);
	assert_string_equal(c.text, "| shown 2");
	ldbg_class(DBG_PRIVATE, &global_logger, "secret");
	assert_int_equal(c.count, 1);
	tern_debugging = 0;
	log_remove_sink(capture_sink, &c);
}

static void test_debug_classes(void **state)
{
	static const struct { const char *in; bool ok; unsigned mask; const char *out; } cases[] = {
		{ "none", true, 0, "none" },
		{ "all", true, DBG_ALL, "base+crypt" },
		{ "base", true, DBG_BASE, "base" },
		{ "base,crypt", true, DBG_BASE | DBG_CRYPT, "base+crypt" },
		{ "all private", true, DBG_ALL | DBG_PRIVATE, "base+crypt+private" },
		{ "all,no-crypt", true, DBG_BASE, "base" },
		{ "ALL", true, DBG_ALL, "base+crypt" },
		{ "", true, 0, "none" },
		{ "bogus", false, 0, NULL },
		{ "base,bogus", false, 0, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned mask = 0xdead;
		bool ok = parse_debug_classes(cases[i].in, &mask);
		assert_int_equal(ok, cases[i].ok);
		if (!ok) {
			assert_int_equal(mask, 0xdead);	/* untouched */
			continue;
		}
		assert_int_equal(mask, cases[i].mask);
		JAMBUF(b, 64);
		jam_debug_classes(&b, mask);
		assert_string_equal(jambuf_str(&b), cases[i].out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jam_fits),
		cmocka_unit_test(test_jam_truncates),
		cmocka_unit_test(test_jam_exact_fit),
		cmocka_unit_test(test_jam_formats),
		cmocka_unit_test(test_jam_hex_sanitized),
		cmocka_unit_test(test_jam_rewind),
		cmocka_unit_test(test_diag),
		cmocka_unit_test(test_llog_prefix_and_severity),
		cmocka_unit_test(test_debug_lines),
		cmocka_unit_test(test_debug_classes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
