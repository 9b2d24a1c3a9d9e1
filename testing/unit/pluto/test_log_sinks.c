/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pluto's log sinks: logtime format, priorities, journal fields */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "log/sinks.h"

static void test_logtime_format(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	static const struct {
		time_t sec;
		long nsec;
		const char *want;
	} cases[] = {
		/* 2026-11-22 13:34:21 UTC */
		{ 1795354461, 123456789, "Nov 22 13:34:21.123456: " },
		/* single-digit day: space padded as syslog does */
		{ 1793626461, 0, "Nov  2 13:34:21.000000: " },
		{ 0, 999999999, "Jan  1 00:00:00.999999: " },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		JAMBUF(b, 64);
		struct timespec ts = { .tv_sec = cases[i].sec, .tv_nsec = cases[i].nsec };
		jam_logtime(&b, &ts);
		assert_string_equal(jambuf_str(&b), cases[i].want);
	}
}

static void test_priorities(void **state)
{
	(void)state;
	assert_int_equal(log_severity_priority(LOG_SEV_ERROR), 3);
	assert_int_equal(log_severity_priority(LOG_SEV_WARNING), 4);
	assert_int_equal(log_severity_priority(LOG_SEV_INFO), 6);
	assert_int_equal(log_severity_priority(LOG_SEV_DEBUG), 7);
}

struct obj {
	const char *conn, *instance, *peer;
	unsigned long serial;
};

static void obj_fields(const void *o, struct log_fields *f)
{
	const struct obj *ob = o;
	f->conn = ob->conn;
	f->instance = ob->instance;
	f->serial = ob->serial;
	f->peer = ob->peer;
}

/* the iovec fields as "A=b\n..." for easy comparison */
static char *fields_text(const struct journal_entry *e)
{
	static char out[1024];
	size_t n = 0;
	for (size_t i = 0; i < e->n; i++) {
		memcpy(out + n, e->iov[i].iov_base, e->iov[i].iov_len);
		n += e->iov[i].iov_len;
		out[n++] = '\n';
	}
	out[n] = '\0';
	return out;
}

static void test_journal_fields(void **state)
{
	(void)state;
	struct obj full = { "rw", "[1]", "192.0.2.2", 7 };
	struct obj conn_only = { "west-east", NULL, NULL, 0 };
	struct logger with_all = { .fields = obj_fields, .object = &full };
	struct logger with_conn = { .fields = obj_fields, .object = &conn_only };
	static const char rw_text[] = "\"rw\"[1] 192.0.2.2 #7: sent IKE_SA_INIT";
	static const char we_text[] = "\"west-east\": added IKEv2 connection";
	static const char g_text[] = "| received 12 bytes";
	const struct {
		struct log_line line;
		const char *want;
	} cases[] = {
		{ { LOG_SEV_INFO, &with_all, rw_text, sizeof(rw_text) - 1, rw_text },
		  "MESSAGE=\"rw\"[1] 192.0.2.2 #7: sent IKE_SA_INIT\nPRIORITY=6\nSYSLOG_IDENTIFIER=pluto\n"
		  "CONN=rw[1]\nSERIAL=7\nPEER=192.0.2.2\n" },
		{ { LOG_SEV_WARNING, &with_conn, we_text, sizeof(we_text) - 1, we_text },
		  "MESSAGE=\"west-east\": added IKEv2 connection\nPRIORITY=4\nSYSLOG_IDENTIFIER=pluto\n"
		  "CONN=west-east\n" },
		{ { LOG_SEV_DEBUG, &global_logger, g_text, sizeof(g_text) - 1, g_text },
		  "MESSAGE=| received 12 bytes\nPRIORITY=7\nSYSLOG_IDENTIFIER=pluto\n" },
		/* LEN bounds the message: text past it is not sent */
		{ { LOG_SEV_ERROR, &global_logger, we_text, 11, we_text },
		  "MESSAGE=\"west-east\"\nPRIORITY=3\nSYSLOG_IDENTIFIER=pluto\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct journal_entry e;
		journal_entry_build(&cases[i].line, &e);
		assert_true(e.n <= JOURNAL_MAX_FIELDS);
		assert_string_equal(fields_text(&e), cases[i].want);
		journal_entry_free(&e);
		assert_null(e.message);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logtime_format),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_journal_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
