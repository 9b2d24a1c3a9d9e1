/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes the seed corpora of the ctl fuzz targets:
 *   gen_corpus REQUEST_DIR REPLY_DIR
 * Valid messages of every type from the encoder, plus hand-made
 * malformed ones near each check.  Built on demand (ninja gen_ctl_corpus);
 * the output is checked in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tern/ctl.h"

static uint8_t buf[CTL_MSG_MAX];

static void put(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void put_request(const char *dir, const char *name, const struct ctl_request *r)
{
	size_t n;
	diag_t d = ctl_encode_request(r, buf, sizeof(buf), &n);
	if (d != NULL) {
		fprintf(stderr, "%s: %s\n", name, diag_str(d));
		exit(1);
	}
	put(dir, name, buf, n);
}

/* a valid message with bytes appended or changed: the malformed seeds */
static void put_mutant(const char *dir, const char *name, size_t n, size_t at, const void *bytes, size_t len)
{
	uint8_t m[CTL_MSG_MAX];
	memcpy(m, buf, n);
	memcpy(m + at, bytes, len);
	size_t total = at + len > n ? at + len : n;
	if (at >= 12 && total != n) {	/* grew: keep the length field right */
		m[8] = (uint8_t)(total >> 24); m[9] = (uint8_t)(total >> 16);
		m[10] = (uint8_t)(total >> 8); m[11] = (uint8_t)total;
	}
	put(dir, name, m, total);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen_corpus REQUEST_DIR REPLY_DIR\n");
		return 2;
	}
	const char *rq = argv[1], *rp = argv[2];
	for (unsigned t = CTL_REQUEST_FIRST; t <= CTL_REQUEST_LAST; t++) {
		struct ctl_request r;
		char name[64];
		ctl_request_init(&r, t);
		r.seq = t;
		if (ctl_request_takes(t, CTL_ATTR_NAME)) {
			r.has_name = true;
			strcpy(r.name, "west-east");
		}
		if (ctl_request_takes(t, CTL_ATTR_DEBUG)) {
			r.has_debug = true;
			strcpy(r.debug, "base,crypt");
		}
		snprintf(name, sizeof(name), "%s", ctl_request_type_name(t));
		put_request(rq, name, &r);
		if (ctl_request_takes(t, CTL_ATTR_CONFIG) || ctl_request_takes(t, CTL_ATTR_ASYNC)) {
			if (ctl_request_takes(t, CTL_ATTR_CONFIG)) {
				r.has_config = true;
				strcpy(r.config, "/etc/ipsec.conf");
			}
			r.async = ctl_request_takes(t, CTL_ATTR_ASYNC);
			snprintf(name, sizeof(name), "%s-all", ctl_request_type_name(t));
			put_request(rq, name, &r);
		}
	}
	/* malformed requests, from an ADD "west-east" */
	struct ctl_request add;
	ctl_request_init(&add, CTL_ADD);
	add.has_name = true;
	strcpy(add.name, "west-east");
	size_t n;
	diag_t d = ctl_encode_request(&add, buf, sizeof(buf), &n);
	if (d != NULL)
		return 1;
	put(rq, "bad-short", buf, 10);
	put_mutant(rq, "bad-magic", n, 0, "XERN", 4);
	put_mutant(rq, "bad-version", n, 4, "\0\2", 2);
	put_mutant(rq, "bad-length", n, 8, "\0\0\0\x40", 4);
	put_mutant(rq, "bad-type", n, 6, "\0\x63", 2);
	put_mutant(rq, "bad-dup", n, n, "\0\1\0\1x", 5);
	put_mutant(rq, "bad-truncattr", n, n, "\0\2", 2);
	put_mutant(rq, "bad-overflow", n, 18, "\xff\xff", 2);
	put_mutant(rq, "bad-nul", n, 21, "\0", 1);
	put_mutant(rq, "bad-unknownattr", n, 16, "\0\x2a", 2);
	put_mutant(rq, "ok-mayignore", n, n, "\x80\x2a\0\1z", 5);

	/* replies */
	static const char *texts[] = { "| debug", "\"west-east\": added IKEv2 connection",
				       "WARNING: careful", "ERROR: broken" };
	for (unsigned s = 0; s <= CTL_SEV_LAST; s++) {
		char name[32];
		snprintf(name, sizeof(name), "log-%u", s);
		put(rp, name, buf, ctl_build_log(buf, sizeof(buf), 1, s, texts[s], strlen(texts[s])));
	}
	put(rp, "log-empty", buf, ctl_build_log(buf, sizeof(buf), 2, CTL_SEV_INFO, "", 0));
	put(rp, "result-0", buf, ctl_build_result(buf, sizeof(buf), 3, 0, NULL));
	put(rp, "result-21-text", buf,
	    ctl_build_result(buf, sizeof(buf), 4, 21, "no connection named \"x\""));
	n = ctl_build_log(buf, sizeof(buf), 5, CTL_SEV_INFO, "line", 4);
	put(rp, "bad-short", buf, 12);
	put_mutant(rp, "bad-severity", n, n - 1, "\x09", 1);
	put_mutant(rp, "bad-nul", n, 21, "\0", 1);
	put_mutant(rp, "bad-dup", n, n, "\0\6\0\4\0\0\0\1", 8);
	put_mutant(rp, "bad-request-type", n, 6, "\0\1", 2);
	put_mutant(rp, "ok-mayignore", n, n, "\x80\x01\0\0", 4);
	return 0;
}
