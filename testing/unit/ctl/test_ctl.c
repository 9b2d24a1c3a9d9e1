/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/ctl codec: golden bytes, round trips for every message type, and
 * every reject with its exact diagnostic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tern/ctl.h"

/* ---- raw message builder (independent of the encoder under test) ---- */

struct raw {
	uint8_t b[CTL_MSG_MAX + 64];
	size_t len;
};

static void raw_u16(struct raw *r, unsigned v)
{
	r->b[r->len++] = (uint8_t)(v >> 8);
	r->b[r->len++] = (uint8_t)v;
}

static void raw_u32(struct raw *r, uint32_t v)
{
	raw_u16(r, v >> 16);
	raw_u16(r, v & 0xffff);
}

static void raw_header(struct raw *r, const char *magic, unsigned version, unsigned type, uint32_t seq)
{
	r->len = 0;
	memcpy(r->b, magic, 4);
	r->len = 4;
	raw_u16(r, version);
	raw_u16(r, type);
	raw_u32(r, 0);	/* length: raw_fix() */
	raw_u32(r, seq);
}

static void raw_attr(struct raw *r, unsigned type, const void *v, size_t len)
{
	raw_u16(r, type);
	raw_u16(r, (unsigned)len);
	memcpy(r->b + r->len, v, len);
	r->len += len;
}

static void raw_str(struct raw *r, unsigned type, const char *s)
{
	raw_attr(r, type, s, strlen(s));
}

static void raw_attr_u32(struct raw *r, unsigned type, uint32_t v)
{
	uint8_t b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
	raw_attr(r, type, b, 4);
}

static void raw_fix(struct raw *r)
{
	uint32_t l = (uint32_t)r->len;
	r->b[8] = l >> 24; r->b[9] = (l >> 16) & 0xff; r->b[10] = (l >> 8) & 0xff; r->b[11] = l & 0xff;
}

static struct raw *new_raw(void)
{
	return calloc(1, sizeof(struct raw));
}

/* ---- golden bytes ---- */

static void test_golden_status(void **state)
{
	(void)state;
	struct ctl_request req;
	ctl_request_init(&req, CTL_STATUS);
	req.seq = 0x01020304;
	uint8_t buf[64];
	size_t len = 0;
	assert_null(ctl_encode_request(&req, buf, sizeof(buf), &len));
	static const uint8_t want[] = {
		'T', 'E', 'R', 'N', 0, 1, 0, 1, 0, 0, 0, 16, 1, 2, 3, 4,
	};
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_golden_initiate(void **state)
{
	(void)state;
	struct ctl_request req;
	ctl_request_init(&req, CTL_INITIATE);
	req.seq = 7;
	req.has_name = true;
	strcpy(req.name, "west");
	req.async = true;
	uint8_t buf[64];
	size_t len = 0;
	assert_null(ctl_encode_request(&req, buf, sizeof(buf), &len));
	static const uint8_t want[] = {
		'T', 'E', 'R', 'N', 0, 1, 0, 15, 0, 0, 0, 28, 0, 0, 0, 7,
		0, 1, 0, 4, 'w', 'e', 's', 't',
		0, 3, 0, 0,
	};
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

/* whack --rekey-child --name west (type 20), and --rekey-ike --async (19) */
static void test_golden_rekey(void **state)
{
	(void)state;
	struct ctl_request req, back;
	uint8_t buf[64];
	size_t len = 0;
	ctl_request_init(&req, CTL_REKEY_CHILD);
	req.seq = 9;
	req.has_name = true;
	strcpy(req.name, "west");
	assert_null(ctl_encode_request(&req, buf, sizeof(buf), &len));
	static const uint8_t child[] = {
		'T', 'E', 'R', 'N', 0, 1, 0, 20, 0, 0, 0, 24, 0, 0, 0, 9,
		0, 1, 0, 4, 'w', 'e', 's', 't',
	};
	assert_int_equal(len, sizeof(child));
	assert_memory_equal(buf, child, sizeof(child));
	assert_null(ctl_decode_request(buf, len, &back));
	assert_int_equal(back.type, CTL_REKEY_CHILD);
	assert_string_equal(back.name, "west");
	assert_false(back.async);

	ctl_request_init(&req, CTL_REKEY_IKE);
	req.seq = 9;
	req.has_name = true;
	strcpy(req.name, "west");
	req.async = true;
	assert_null(ctl_encode_request(&req, buf, sizeof(buf), &len));
	static const uint8_t ike[] = {
		'T', 'E', 'R', 'N', 0, 1, 0, 19, 0, 0, 0, 28, 0, 0, 0, 9,
		0, 1, 0, 4, 'w', 'e', 's', 't',
		0, 3, 0, 0,
	};
	assert_int_equal(len, sizeof(ike));
	assert_memory_equal(buf, ike, sizeof(ike));
	assert_null(ctl_decode_request(buf, len, &back));
	assert_int_equal(back.type, CTL_REKEY_IKE);
	assert_true(back.async);

	/* the name is required; a CONFIG is not allowed */
	ctl_request_init(&req, CTL_REKEY_IKE);
	diag_t d = ctl_encode_request(&req, buf, sizeof(buf), &len);
	assert_non_null(d);
	assert_string_equal(diag_str(d), "cannot encode REKEY_IKE request: the required attribute NAME is missing");
	diag_free(&d);
	ctl_request_init(&req, CTL_REKEY_CHILD);
	req.has_name = true;
	strcpy(req.name, "west");
	req.has_config = true;
	strcpy(req.config, "/etc/ipsec.conf");
	d = ctl_encode_request(&req, buf, sizeof(buf), &len);
	assert_non_null(d);
	assert_string_equal(diag_str(d), "cannot encode REKEY_CHILD request: attribute CONFIG is not allowed");
	diag_free(&d);
}

static void test_golden_result(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t len = ctl_build_result(buf, sizeof(buf), 9, CTL_RC_UNKNOWN_NAME, NULL);
	static const uint8_t want[] = {
		'T', 'E', 'R', 'N', 0, 1, 0x80, 2, 0, 0, 0, 24, 0, 0, 0, 9,
		0, 7, 0, 4, 0, 0, 0, 21,
	};
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

/* ---- request round trips ---- */

static void assert_request_equal(const struct ctl_request *a, const struct ctl_request *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->has_name, b->has_name);
	assert_int_equal(a->has_config, b->has_config);
	assert_int_equal(a->has_debug, b->has_debug);
	assert_int_equal(a->async, b->async);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->config, b->config);
	assert_string_equal(a->debug, b->debug);
}

static void round_trip_request(const struct ctl_request *req)
{
	uint8_t *buf = malloc(CTL_MSG_MAX), *buf2 = malloc(CTL_MSG_MAX);
	size_t len = 0, len2 = 0;
	diag_t d = ctl_encode_request(req, buf, CTL_MSG_MAX, &len);
	if (d != NULL)
		fail_msg("encode %s: %s", ctl_request_type_name(req->type), diag_str(d));
	struct ctl_request *got = malloc(sizeof(*got));
	memset(got, 0x5a, sizeof(*got));
	d = ctl_decode_request(buf, len, got);
	if (d != NULL)
		fail_msg("decode %s: %s", ctl_request_type_name(req->type), diag_str(d));
	assert_request_equal(req, got);
	/* encode is the exact inverse: same bytes again */
	assert_null(ctl_encode_request(got, buf2, CTL_MSG_MAX, &len2));
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	/* every byte counts: any shorter prefix is rejected */
	for (size_t cut = 0; cut < len; cut++) {
		d = ctl_decode_request(buf, cut, got);
		assert_non_null(d);
		diag_free(&d);
	}
	free(got);
	free(buf);
	free(buf2);
}

static void test_request_round_trips(void **state)
{
	(void)state;
	unsigned seen = 0;
	for (unsigned t = CTL_REQUEST_FIRST; t <= CTL_REQUEST_LAST; t++) {
		assert_non_null(ctl_request_type_name(t));
		/* minimal: required attributes only */
		struct ctl_request req;
		ctl_request_init(&req, t);
		req.seq = 1000 + t;
		if (ctl_request_requires(t, CTL_ATTR_NAME)) {
			req.has_name = true;
			snprintf(req.name, sizeof(req.name), "conn-%s", ctl_request_type_name(t));
		}
		if (ctl_request_requires(t, CTL_ATTR_DEBUG)) {
			req.has_debug = true;
			strcpy(req.debug, "base,crypt");
		}
		round_trip_request(&req);
		/* maximal: every attribute the type takes */
		if (ctl_request_takes(t, CTL_ATTR_NAME)) {
			req.has_name = true;
			memset(req.name, 'n', CTL_NAME_MAX);	/* longest allowed */
			req.name[CTL_NAME_MAX] = '\0';
		}
		if (ctl_request_takes(t, CTL_ATTR_CONFIG)) {
			req.has_config = true;
			strcpy(req.config, "/etc/ipsec.d/west east.conf");
		}
		if (ctl_request_takes(t, CTL_ATTR_ASYNC))
			req.async = true;
		if (ctl_request_takes(t, CTL_ATTR_DEBUG)) {
			req.has_debug = true;
			strcpy(req.debug, "all,private");
		}
		req.seq = 0xffffffff;
		round_trip_request(&req);
		seen++;
	}
	assert_int_equal(seen, 20);
	/* the attribute table as promised in ctl.h */
	assert_true(ctl_request_requires(CTL_ADD, CTL_ATTR_NAME));
	assert_true(ctl_request_takes(CTL_ADD, CTL_ATTR_CONFIG));
	assert_false(ctl_request_requires(CTL_ADD, CTL_ATTR_CONFIG));
	assert_true(ctl_request_takes(CTL_INITIATE, CTL_ATTR_ASYNC));
	assert_false(ctl_request_takes(CTL_DELETE, CTL_ATTR_ASYNC));
	assert_true(ctl_request_takes(CTL_CONNECTIONSTATUS, CTL_ATTR_NAME));
	assert_false(ctl_request_requires(CTL_CONNECTIONSTATUS, CTL_ATTR_NAME));
	assert_false(ctl_request_takes(CTL_STATUS, CTL_ATTR_NAME));
	assert_true(ctl_request_requires(CTL_DEBUG, CTL_ATTR_DEBUG));
	assert_false(ctl_request_takes(CTL_LOG, CTL_ATTR_TEXT));
}

/* ---- reply round trips ---- */

static void round_trip_reply(const struct ctl_reply *r)
{
	uint8_t *buf = malloc(CTL_MSG_MAX), *buf2 = malloc(CTL_MSG_MAX);
	size_t len = 0, len2 = 0;
	diag_t d = ctl_encode_reply(r, buf, CTL_MSG_MAX, &len);
	if (d != NULL)
		fail_msg("encode: %s", diag_str(d));
	struct ctl_reply *got = malloc(sizeof(*got));
	memset(got, 0x5a, sizeof(*got));
	d = ctl_decode_reply(buf, len, got);
	if (d != NULL)
		fail_msg("decode: %s", diag_str(d));
	assert_int_equal(got->type, r->type);
	assert_int_equal(got->seq, r->seq);
	assert_int_equal(got->has_text, r->has_text);
	assert_int_equal(got->text_len, r->has_text ? r->text_len : 0);
	assert_memory_equal(got->text, r->text, got->text_len);
	assert_int_equal(got->text[got->text_len], '\0');
	if (r->type == CTL_LOG)
		assert_int_equal(got->severity, r->severity);
	else
		assert_int_equal(got->rc, r->rc);
	assert_null(ctl_encode_reply(got, buf2, CTL_MSG_MAX, &len2));
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	free(got);
	free(buf);
	free(buf2);
}

static void test_reply_round_trips(void **state)
{
	(void)state;
	struct ctl_reply *r = calloc(1, sizeof(*r));
	r->type = CTL_LOG;
	r->has_text = true;
	for (unsigned sev = CTL_SEV_DEBUG; sev <= CTL_SEV_LAST; sev++) {
		r->severity = sev;
		r->seq = sev * 77;
		strcpy(r->text, "\"west-east\" #1: initiating IKEv2 connection to 192.0.2.2 using UDP");
		r->text_len = strlen(r->text);
		round_trip_reply(r);
	}
	/* an empty line (status output has them) */
	r->text[0] = '\0';
	r->text_len = 0;
	round_trip_reply(r);
	/* the longest line */
	memset(r->text, 'x', CTL_TEXT_MAX);
	r->text[CTL_TEXT_MAX] = '\0';
	r->text_len = CTL_TEXT_MAX;
	round_trip_reply(r);

	memset(r, 0, sizeof(*r));
	r->type = CTL_RESULT;
	for (int rc = 0; rc <= 255; rc += 51) {
		r->rc = rc;
		r->seq = (uint32_t)rc;
		r->has_text = false;
		r->text_len = 0;
		r->text[0] = '\0';
		round_trip_reply(r);
		r->has_text = true;
		strcpy(r->text, "no connection named \"x\"");
		r->text_len = strlen(r->text);
		round_trip_reply(r);
	}
	free(r);
}

static void test_fast_builders(void **state)
{
	(void)state;
	uint8_t *buf = malloc(CTL_MSG_MAX);
	struct ctl_reply *r = malloc(sizeof(*r));
	/* LOG: text cut at a NUL and at CTL_TEXT_MAX */
	size_t n = ctl_build_log(buf, CTL_MSG_MAX, 5, CTL_SEV_WARNING, "WARNING: ab\0cd", 14);
	assert_true(n > 0);
	assert_null(ctl_decode_reply(buf, n, r));
	assert_int_equal(r->type, CTL_LOG);
	assert_int_equal(r->seq, 5);
	assert_int_equal(r->severity, CTL_SEV_WARNING);
	assert_string_equal(r->text, "WARNING: ab");
	char *big = malloc(CTL_TEXT_MAX + 100);
	memset(big, 'y', CTL_TEXT_MAX + 100);
	n = ctl_build_log(buf, CTL_MSG_MAX, 6, CTL_SEV_INFO, big, CTL_TEXT_MAX + 100);
	assert_true(n > 0);
	assert_null(ctl_decode_reply(buf, n, r));
	assert_int_equal(r->text_len, CTL_TEXT_MAX);
	free(big);
	/* buffer too small: 0, nothing claimed */
	assert_int_equal(ctl_build_log(buf, 20, 1, CTL_SEV_INFO, "hello", 5), 0);
	assert_int_equal(ctl_build_result(buf, 10, 1, 0, NULL), 0);
	/* RESULT with text */
	n = ctl_build_result(buf, CTL_MSG_MAX, 8, CTL_RC_NOT_SUPPORTED, "not yet supported");
	assert_true(n > 0);
	assert_null(ctl_decode_reply(buf, n, r));
	assert_int_equal(r->type, CTL_RESULT);
	assert_int_equal(r->rc, 60);
	assert_true(r->has_text);
	assert_string_equal(r->text, "not yet supported");
	/* an out-of-range rc becomes an internal error rather than a bad message */
	n = ctl_build_result(buf, CTL_MSG_MAX, 8, 4242, NULL);
	assert_null(ctl_decode_reply(buf, n, r));
	assert_int_equal(r->rc, CTL_RC_INTERNAL_ERROR);
	free(r);
	free(buf);
}

/* ---- rejects ---- */

enum dir { REQ, REP };

struct reject {
	const char *what;
	enum dir dir;
	void (*build)(struct raw *r);
	const char *diag;
};

static void b_short(struct raw *r) { raw_header(r, "TERN", 1, CTL_STATUS, 1); r->len = 10; }
static void b_magic(struct raw *r) { raw_header(r, "XERN", 1, CTL_STATUS, 1); raw_fix(r); }
static void b_version(struct raw *r) { raw_header(r, "TERN", 2, CTL_STATUS, 1); raw_fix(r); }
static void b_len_big(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_STATUS, 1);
	r->len = 40;
	raw_fix(r);
	r->len = 16;	/* field says 40, datagram is 16 */
}
static void b_len_small(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_ADD, 1);
	raw_fix(r);	/* field says 16 */
	raw_str(r, CTL_ATTR_NAME, "a");	/* datagram is 21 */
}
static void b_too_long(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_STATUS, 1);
	r->len = CTL_MSG_MAX + 1;
	raw_fix(r);
}
static void b_trunc_attr(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_STATUS, 1);
	raw_u16(r, 0x8001);
	raw_fix(r);
}
static void b_attr_overflow(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_ADD, 1);
	raw_u16(r, CTL_ATTR_NAME);
	raw_u16(r, 10);
	memcpy(r->b + r->len, "abc", 3);
	r->len += 3;
	raw_fix(r);
}
static void b_attr_overflow_max(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_ADD, 1);
	raw_str(r, CTL_ATTR_NAME, "west");
	raw_u16(r, CTL_ATTR_CONFIG);
	raw_u16(r, 0xffff);
	raw_fix(r);
}
static void b_dup(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_ADD, 1);
	raw_str(r, CTL_ATTR_NAME, "west");
	raw_str(r, CTL_ATTR_NAME, "east");
	raw_fix(r);
}
static void b_dup_flag(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_INITIATE, 1);
	raw_str(r, CTL_ATTR_NAME, "west");
	raw_attr(r, CTL_ATTR_ASYNC, "", 0);
	raw_attr(r, CTL_ATTR_ASYNC, "", 0);
	raw_fix(r);
}
static void b_missing_name(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_ADD, 1);
	raw_str(r, CTL_ATTR_CONFIG, "/etc/ipsec.conf");
	raw_fix(r);
}
static void b_missing_debug(struct raw *r) { raw_header(r, "TERN", 1, CTL_DEBUG, 1); raw_fix(r); }
static void b_nul(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_ADD, 1);
	raw_attr(r, CTL_ATTR_NAME, "a\0b", 3);
	raw_fix(r);
}
static void b_long_name(struct raw *r)
{
	char name[CTL_NAME_MAX + 1];
	memset(name, 'n', sizeof(name));
	raw_header(r, "TERN", 1, CTL_DELETE, 1);
	raw_attr(r, CTL_ATTR_NAME, name, sizeof(name));
	raw_fix(r);
}
static void b_empty_name(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_DELETE, 1);
	raw_attr(r, CTL_ATTR_NAME, "", 0);
	raw_fix(r);
}
static void b_unknown_type(struct raw *r) { raw_header(r, "TERN", 1, 99, 1); raw_fix(r); }
static void b_type_zero(struct raw *r) { raw_header(r, "TERN", 1, 0, 1); raw_fix(r); }
static void b_reply_as_request(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_LOG, 1);
	raw_str(r, CTL_ATTR_TEXT, "x");
	raw_attr_u32(r, CTL_ATTR_SEVERITY, 1);
	raw_fix(r);
}
static void b_unknown_attr(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_STATUS, 1);
	raw_str(r, 42, "?");
	raw_fix(r);
}
static void b_not_allowed(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_STATUS, 1);
	raw_str(r, CTL_ATTR_NAME, "west");
	raw_fix(r);
}
static void b_async_on_delete(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_DELETE, 1);
	raw_str(r, CTL_ATTR_NAME, "west");
	raw_attr(r, CTL_ATTR_ASYNC, "", 0);
	raw_fix(r);
}
static void b_flag_len(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_INITIATE, 1);
	raw_str(r, CTL_ATTR_NAME, "west");
	raw_attr(r, CTL_ATTR_ASYNC, "y", 1);
	raw_fix(r);
}
static void b_log_no_sev(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_LOG, 1);
	raw_str(r, CTL_ATTR_TEXT, "line");
	raw_fix(r);
}
static void b_log_no_text(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_LOG, 1);
	raw_attr_u32(r, CTL_ATTR_SEVERITY, 1);
	raw_fix(r);
}
static void b_log_bad_sev(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_LOG, 1);
	raw_str(r, CTL_ATTR_TEXT, "line");
	raw_attr_u32(r, CTL_ATTR_SEVERITY, 9);
	raw_fix(r);
}
static void b_log_text_nul(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_LOG, 1);
	raw_attr(r, CTL_ATTR_TEXT, "ok\0no", 5);
	raw_attr_u32(r, CTL_ATTR_SEVERITY, 1);
	raw_fix(r);
}
static void b_log_text_long(struct raw *r)
{
	static char text[CTL_TEXT_MAX + 1];
	memset(text, 't', sizeof(text));
	raw_header(r, "TERN", 1, CTL_LOG, 1);
	raw_attr(r, CTL_ATTR_TEXT, text, sizeof(text));
	raw_attr_u32(r, CTL_ATTR_SEVERITY, 1);
	raw_fix(r);
}
static void b_result_rc_range(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_RESULT, 1);
	raw_attr_u32(r, CTL_ATTR_RC, 256);
	raw_fix(r);
}
static void b_result_rc_len(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_RESULT, 1);
	raw_attr(r, CTL_ATTR_RC, "\0\0", 2);
	raw_fix(r);
}
static void b_result_no_rc(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_RESULT, 1);
	raw_str(r, CTL_ATTR_TEXT, "done");
	raw_fix(r);
}
static void b_request_as_reply(struct raw *r) { raw_header(r, "TERN", 1, CTL_STATUS, 1); raw_fix(r); }
static void b_result_severity(struct raw *r)
{
	raw_header(r, "TERN", 1, CTL_RESULT, 1);
	raw_attr_u32(r, CTL_ATTR_RC, 0);
	raw_attr_u32(r, CTL_ATTR_SEVERITY, 1);
	raw_fix(r);
}

static const struct reject rejects[] = {
	{ "short header", REQ, b_short, "message too short: 10 bytes, the header alone is 16" },
	{ "short header (reply)", REP, b_short, "message too short: 10 bytes, the header alone is 16" },
	{ "wrong magic", REQ, b_magic, "bad magic 0x5845524e: not a tern control message" },
	{ "wrong magic (reply)", REP, b_magic, "bad magic 0x5845524e: not a tern control message" },
	{ "wrong version", REQ, b_version, "unsupported protocol version 2 (this side speaks version 1)" },
	{ "length field > size", REQ, b_len_big, "length field says 40 bytes but the message has 16" },
	{ "length field < size", REQ, b_len_small, "length field says 16 bytes but the message has 21" },
	{ "too long", REQ, b_too_long, "message too long: 65537 bytes, the maximum is 65536" },
	{ "truncated attribute", REQ, b_trunc_attr,
	  "STATUS request: truncated attribute header at offset 16: 2 bytes left, need 4" },
	{ "attribute length overflow", REQ, b_attr_overflow,
	  "ADD request: attribute type 1 at offset 16: value length 10 overruns the message (3 bytes left)" },
	{ "attribute length 0xffff", REQ, b_attr_overflow_max,
	  "ADD request: attribute type 2 at offset 24: value length 65535 overruns the message (0 bytes left)" },
	{ "duplicate attribute", REQ, b_dup, "ADD request: duplicate attribute NAME at offset 24" },
	{ "duplicate flag", REQ, b_dup_flag, "INITIATE request: duplicate attribute ASYNC at offset 28" },
	{ "ADD without name", REQ, b_missing_name, "ADD request: required attribute NAME is missing" },
	{ "DEBUG without classes", REQ, b_missing_debug, "DEBUG request: required attribute DEBUG is missing" },
	{ "embedded NUL", REQ, b_nul, "ADD request: attribute NAME at offset 16: embedded NUL at byte 1 of the string" },
	{ "oversized name", REQ, b_long_name,
	  "DELETE request: attribute NAME at offset 16: 257 bytes, longer than the maximum 256" },
	{ "empty name", REQ, b_empty_name, "DELETE request: attribute NAME at offset 16: empty string" },
	{ "unknown message type", REQ, b_unknown_type, "unknown message type 99" },
	{ "message type 0", REQ, b_type_zero, "unknown message type 0" },
	{ "unknown message type (reply)", REP, b_unknown_type, "unknown message type 99" },
	{ "reply sent as request", REQ, b_reply_as_request, "message type LOG (32769) is a reply, not a request" },
	{ "request sent as reply", REP, b_request_as_reply, "message type STATUS (1) is a request, not a reply" },
	{ "unknown attribute", REQ, b_unknown_attr, "STATUS request: unknown attribute type 42 at offset 16" },
	{ "attribute not allowed", REQ, b_not_allowed, "STATUS request: attribute NAME at offset 16 is not allowed" },
	{ "ASYNC on DELETE", REQ, b_async_on_delete, "DELETE request: attribute ASYNC at offset 24 is not allowed" },
	{ "flag with a value", REQ, b_flag_len,
	  "INITIATE request: attribute ASYNC at offset 24: length 1, a flag has length 0" },
	{ "LOG without severity", REP, b_log_no_sev, "LOG reply: required attribute SEVERITY is missing" },
	{ "LOG without text", REP, b_log_no_text, "LOG reply: required attribute TEXT is missing" },
	{ "LOG bad severity", REP, b_log_bad_sev, "LOG reply: attribute SEVERITY: unknown severity 9" },
	{ "LOG text with NUL", REP, b_log_text_nul,
	  "LOG reply: attribute TEXT at offset 16: embedded NUL at byte 2 of the string" },
	{ "LOG text too long", REP, b_log_text_long,
	  "LOG reply: attribute TEXT at offset 16: 8193 bytes, longer than the maximum 8192" },
	{ "RESULT rc out of range", REP, b_result_rc_range, "RESULT reply: attribute RC: result code 256 out of range 0..255" },
	{ "RESULT rc wrong width", REP, b_result_rc_len, "RESULT reply: attribute RC at offset 16: length 2, expected 4" },
	{ "RESULT without rc", REP, b_result_no_rc, "RESULT reply: required attribute RC is missing" },
	{ "RESULT with severity", REP, b_result_severity, "RESULT reply: attribute SEVERITY at offset 24 is not allowed" },
};

static void test_rejects(void **state)
{
	(void)state;
	struct raw *r = new_raw();
	struct ctl_request *req = malloc(sizeof(*req)), *req0 = malloc(sizeof(*req0));
	struct ctl_reply *rep = malloc(sizeof(*rep)), *rep0 = malloc(sizeof(*rep0));
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		const struct reject *t = &rejects[i];
		memset(r, 0, sizeof(*r));
		t->build(r);
		/* outputs untouched on failure */
		memset(req, 0xa5, sizeof(*req));
		memcpy(req0, req, sizeof(*req));
		memset(rep, 0xa5, sizeof(*rep));
		memcpy(rep0, rep, sizeof(*rep));
		diag_t d = t->dir == REQ ? ctl_decode_request(r->b, r->len, req)
					 : ctl_decode_reply(r->b, r->len, rep);
		if (d == NULL)
			fail_msg("%s: accepted", t->what);
		if (strcmp(diag_str(d), t->diag) != 0)
			fail_msg("%s:\n got: %s\nwant: %s", t->what, diag_str(d), t->diag);
		diag_free(&d);
		assert_memory_equal(req, req0, sizeof(*req));
		assert_memory_equal(rep, rep0, sizeof(*rep));
	}
	free(req); free(req0); free(rep); free(rep0);
	free(r);
}

static void test_may_ignore(void **state)
{
	(void)state;
	struct raw *r = new_raw();
	struct ctl_request req;
	raw_header(r, "TERN", 1, CTL_ADD, 3);
	raw_str(r, 0x8000 | 42, "from a newer whack");
	raw_str(r, CTL_ATTR_NAME, "west");
	raw_attr(r, 0x8000 | 43, "", 0);
	raw_fix(r);
	assert_null(ctl_decode_request(r->b, r->len, &req));
	assert_int_equal(req.type, CTL_ADD);
	assert_int_equal(req.seq, 3);
	assert_string_equal(req.name, "west");
	assert_false(req.has_config);
	/* the header peek */
	unsigned type = 0;
	uint32_t seq = 0;
	assert_null(ctl_decode_header(r->b, r->len, &type, &seq));
	assert_int_equal(type, CTL_ADD);
	assert_int_equal(seq, 3);
	free(r);
}

/* ---- encoder rejects ---- */

static void expect_diag(diag_t d, const char *want)
{
	if (d == NULL)
		fail_msg("accepted; wanted: %s", want);
	assert_string_equal(diag_str(d), want);
	diag_free(&d);
}

static void test_encode_rejects(void **state)
{
	(void)state;
	uint8_t buf[512];
	size_t len = 12345;
	struct ctl_request req;

	ctl_request_init(&req, CTL_ADD);
	expect_diag(ctl_encode_request(&req, buf, sizeof(buf), &len),
		    "cannot encode ADD request: the required attribute NAME is missing");
	ctl_request_init(&req, CTL_STATUS);
	req.has_name = true;
	strcpy(req.name, "west");
	expect_diag(ctl_encode_request(&req, buf, sizeof(buf), &len),
		    "cannot encode STATUS request: attribute NAME is not allowed");
	ctl_request_init(&req, CTL_TERMINATE);
	req.has_name = true;
	strcpy(req.name, "west");
	req.async = true;
	expect_diag(ctl_encode_request(&req, buf, sizeof(buf), &len),
		    "cannot encode TERMINATE request: attribute ASYNC is not allowed");
	ctl_request_init(&req, CTL_DELETE);
	req.has_name = true;
	memset(req.name, 'x', sizeof(req.name));	/* no NUL at all */
	expect_diag(ctl_encode_request(&req, buf, sizeof(buf), &len),
		    "cannot encode DELETE request: attribute NAME: 257 bytes, longer than the maximum 256");
	ctl_request_init(&req, CTL_DELETE);
	req.has_name = true;	/* empty */
	expect_diag(ctl_encode_request(&req, buf, sizeof(buf), &len),
		    "cannot encode DELETE request: attribute NAME: empty string");
	ctl_request_init(&req, (enum ctl_type)77);
	expect_diag(ctl_encode_request(&req, buf, sizeof(buf), &len),
		    "cannot encode request: unknown request type 77");
	ctl_request_init(&req, CTL_STATUS);
	expect_diag(ctl_encode_request(&req, buf, 10, &len),
		    "cannot encode STATUS request: 10 byte buffer too small");
	assert_int_equal(len, 12345);	/* untouched */

	struct ctl_reply *r = calloc(1, sizeof(*r));
	r->type = CTL_LOG;
	expect_diag(ctl_encode_reply(r, buf, sizeof(buf), &len),
		    "cannot encode LOG reply: the required attribute TEXT is missing");
	r->has_text = true;
	memcpy(r->text, "ab\0c", 4);
	r->text_len = 4;
	expect_diag(ctl_encode_reply(r, buf, sizeof(buf), &len),
		    "cannot encode LOG reply: attribute TEXT: embedded NUL at byte 2 of the string");
	r->text_len = 2;
	r->severity = (enum ctl_severity)4;
	expect_diag(ctl_encode_reply(r, buf, sizeof(buf), &len),
		    "cannot encode LOG reply: unknown severity 4");
	r->type = CTL_RESULT;
	r->rc = 256;
	expect_diag(ctl_encode_reply(r, buf, sizeof(buf), &len),
		    "cannot encode RESULT reply: result code 256 out of range 0..255");
	r->type = CTL_STATUS;
	expect_diag(ctl_encode_reply(r, buf, sizeof(buf), &len),
		    "cannot encode reply: unknown reply type 1");
	assert_int_equal(len, 12345);
	free(r);
}

/* ---- names and result codes ---- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ctl_type_name(CTL_ADD), "ADD");
	assert_string_equal(ctl_type_name(CTL_LOG), "LOG");
	assert_string_equal(ctl_type_name(CTL_RESULT), "RESULT");
	assert_null(ctl_type_name(0));
	assert_string_equal(ctl_type_name(CTL_REKEY_IKE), "REKEY_IKE");
	assert_string_equal(ctl_type_name(CTL_REKEY_CHILD), "REKEY_CHILD");
	assert_null(ctl_type_name(21));
	assert_string_equal(ctl_request_type_name(CTL_CONNECTIONSTATUS), "CONNECTIONSTATUS");
	assert_null(ctl_request_type_name(CTL_RESULT));
	assert_string_equal(ctl_attr_name(CTL_ATTR_CONFIG), "CONFIG");
	assert_null(ctl_attr_name(0));
	assert_null(ctl_attr_name(8));
}

static void test_rc_table(void **state)
{
	(void)state;
	/* Libreswan's enum rc_type numbers */
	assert_int_equal(CTL_RC_OK, 0);
	assert_int_equal(CTL_RC_DUPNAME, 20);
	assert_int_equal(CTL_RC_UNKNOWN_NAME, 21);
	assert_int_equal(CTL_RC_ORIENT, 22);
	assert_int_equal(CTL_RC_WHACK_PROBLEM, 33);
	assert_int_equal(CTL_RC_BADWHACKMESSAGE, 50);
	assert_int_equal(CTL_RC_NORETRANSMISSION, 51);
	assert_int_equal(CTL_RC_INTERNAL_ERROR, 52);
	assert_int_equal(CTL_RC_FATAL, 56);
	assert_string_equal(ctl_rc_name(21), "RC_UNKNOWN_NAME");
	assert_string_equal(ctl_rc_name(60), "RC_NOT_SUPPORTED");
	assert_string_equal(ctl_rc_meaning(0), "success");
	assert_null(ctl_rc_name(1));
	assert_null(ctl_rc_meaning(999));
	/* every code fits an exit status and is listed once */
	for (size_t i = 0; i < ctl_rc_table_len; i++) {
		assert_in_range(ctl_rc_table[i].rc, 0, 255);
		assert_true(strncmp(ctl_rc_table[i].name, "RC_", 3) == 0);
		assert_true(strlen(ctl_rc_table[i].meaning) > 0);
		for (size_t j = i + 1; j < ctl_rc_table_len; j++) {
			assert_int_not_equal(ctl_rc_table[i].rc, ctl_rc_table[j].rc);
			assert_string_not_equal(ctl_rc_table[i].name, ctl_rc_table[j].name);
		}
	}
}

/* whack(8) documents every result code, with its number and name */
static const char *man_page;

static void test_rc_documented(void **state)
{
	(void)state;
	if (man_page == NULL)
		skip();
	FILE *f = fopen(man_page, "r");
	assert_non_null(f);
	static char text[100000];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (size_t i = 0; i < ctl_rc_table_len; i++) {
		char row[100];
		snprintf(row, sizeof(row), "|  %d\n:  %s\n", ctl_rc_table[i].rc, ctl_rc_table[i].name);
		if (strstr(text, row) == NULL)
			fail_msg("%s: no exit status row for %d %s", man_page,
				 ctl_rc_table[i].rc, ctl_rc_table[i].name);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		man_page = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_status),
		cmocka_unit_test(test_golden_initiate),
		cmocka_unit_test(test_golden_rekey),
		cmocka_unit_test(test_golden_result),
		cmocka_unit_test(test_request_round_trips),
		cmocka_unit_test(test_reply_round_trips),
		cmocka_unit_test(test_fast_builders),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_may_ignore),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rc_table),
		cmocka_unit_test(test_rc_documented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
