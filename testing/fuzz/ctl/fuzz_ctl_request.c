/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: ctl_decode_request() on untrusted bytes (what pluto reads) */
#include "fuzz_ctl_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_request a, b;
	static uint8_t buf1[CTL_MSG_MAX], buf2[CTL_MSG_MAX];
	memset(&a, 0x5a, sizeof(a));
	struct ctl_request before = a;
	diag_t d = ctl_decode_request(data, size, &a);
	if (d != NULL) {
		/* rejected: a message, and the output untouched */
		FUZZ_CHECK(strlen(diag_str(d)) > 0);
		FUZZ_CHECK(memcmp(&a, &before, sizeof(a)) == 0);
		diag_free(&d);
		return 0;
	}
	FUZZ_CHECK(ctl_request_type_name(a.type) != NULL);
	FUZZ_CHECK(!a.has_name || (strlen(a.name) >= 1 && strlen(a.name) <= CTL_NAME_MAX));
	FUZZ_CHECK(!a.has_name || ctl_request_takes(a.type, CTL_ATTR_NAME));
	FUZZ_CHECK(a.has_name || !ctl_request_requires(a.type, CTL_ATTR_NAME));
	FUZZ_CHECK(a.has_debug || !ctl_request_requires(a.type, CTL_ATTR_DEBUG));
	size_t n1 = 0, n2 = 0;
	d = ctl_encode_request(&a, buf1, sizeof(buf1), &n1);
	FUZZ_CHECK(d == NULL);
	FUZZ_CHECK(n1 <= size);	/* ignorable attributes may be dropped, nothing added */
	d = ctl_decode_request(buf1, n1, &b);
	FUZZ_CHECK(d == NULL);
	FUZZ_CHECK(a.type == b.type && a.seq == b.seq && a.async == b.async);
	FUZZ_CHECK(a.has_name == b.has_name && strcmp(a.name, b.name) == 0);
	FUZZ_CHECK(a.has_config == b.has_config && strcmp(a.config, b.config) == 0);
	FUZZ_CHECK(a.has_debug == b.has_debug && strcmp(a.debug, b.debug) == 0);
	d = ctl_encode_request(&b, buf2, sizeof(buf2), &n2);
	FUZZ_CHECK(d == NULL && n1 == n2 && memcmp(buf1, buf2, n1) == 0);
	return 0;
}
