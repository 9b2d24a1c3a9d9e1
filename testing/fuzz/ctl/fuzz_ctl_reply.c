/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: ctl_decode_reply() on untrusted bytes (what whack reads) */
#include "fuzz_ctl_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_reply a, b, before;
	static uint8_t buf1[CTL_MSG_MAX], buf2[CTL_MSG_MAX];
	memset(&a, 0x5a, sizeof(a));
	before = a;
	diag_t d = ctl_decode_reply(data, size, &a);
	if (d != NULL) {
		FUZZ_CHECK(strlen(diag_str(d)) > 0);
		FUZZ_CHECK(memcmp(&a, &before, sizeof(a)) == 0);
		diag_free(&d);
		return 0;
	}
	FUZZ_CHECK(a.type == CTL_LOG || a.type == CTL_RESULT);
	FUZZ_CHECK(a.text_len <= CTL_TEXT_MAX && a.text[a.text_len] == '\0');
	FUZZ_CHECK(strlen(a.text) == a.text_len);
	FUZZ_CHECK(a.type != CTL_LOG || (a.has_text && a.severity <= CTL_SEV_LAST));
	FUZZ_CHECK(a.type != CTL_RESULT || (a.rc >= 0 && a.rc <= 255));
	size_t n1 = 0, n2 = 0;
	d = ctl_encode_reply(&a, buf1, sizeof(buf1), &n1);
	FUZZ_CHECK(d == NULL);
	FUZZ_CHECK(n1 <= size);
	d = ctl_decode_reply(buf1, n1, &b);
	FUZZ_CHECK(d == NULL);
	FUZZ_CHECK(a.type == b.type && a.seq == b.seq && a.has_text == b.has_text);
	FUZZ_CHECK(a.text_len == b.text_len && memcmp(a.text, b.text, a.text_len) == 0);
	FUZZ_CHECK(a.type == CTL_LOG ? a.severity == b.severity : a.rc == b.rc);
	d = ctl_encode_reply(&b, buf2, sizeof(buf2), &n2);
	FUZZ_CHECK(d == NULL && n1 == n2 && memcmp(buf1, buf2, n1) == 0);
	/* the fast builders agree with the general encoder */
	size_t n3 = a.type == CTL_LOG
		? ctl_build_log(buf2, sizeof(buf2), a.seq, a.severity, a.text, a.text_len)
		: ctl_build_result(buf2, sizeof(buf2), a.seq, a.rc, a.has_text ? a.text : NULL);
	FUZZ_CHECK(n3 == n1 && memcmp(buf1, buf2, n1) == 0);
	return 0;
}
