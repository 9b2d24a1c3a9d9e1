/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: what pluto reads from the XFRM netlink socket.  The
 * bytes go through kernel_nl_scan() (one receive buffer, our sequence
 * number 7) and, when a data reply was kept, through the SA and policy
 * decoders; and as multicast events through kernel_events_scan()
 * (ACQUIRE, EXPIRE, MAPPING; an ACQUIRE also through pluto's log line for it and
 * its lookup, conn/route.h).  Whatever is accepted must be self-consistent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "conn/route.h"
#include "kernel/kernel.h"
#include "kernel/kernel_nl.h"

#define FUZZ_CHECK(c) \
	do { if (!(c)) { fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_selector(const ip_selector *s)
{
	FUZZ_CHECK(s->subnet.addr.family == AF_INET || s->subnet.addr.family == AF_INET6);
	FUZZ_CHECK(s->subnet.prefix <= (s->subnet.addr.family == AF_INET ? 32 : 128));
}

static void on_event(const struct kernel_event *e, void *ctx)
{
	unsigned *n = ctx;
	(*n)++;
	if (e->type == KERNEL_EVENT_ACQUIRE) {
		const struct kernel_acquire *a = &e->acquire;
		check_selector(&a->sel_src);
		check_selector(&a->sel_dst);
		FUZZ_CHECK(a->src.family == AF_INET || a->src.family == AF_INET6);
		FUZZ_CHECK(a->src.family == a->dst.family);
		FUZZ_CHECK(a->dir <= KERNEL_DIR_FWD);
		/* pluto's log line for it, and its lookup (no routed conns here) */
		char line[200];
		struct jambuf b = jambuf_init(line, sizeof(line));
		jam_acquire(&b, a);
		FUZZ_CHECK(strncmp(line, "initiate on-demand for packet ", 30) == 0);
		FUZZ_CHECK(memchr(line, '\0', sizeof(line)) != NULL);
		FUZZ_CHECK(route_find_acquire(a) == NULL);
	} else if (e->type == KERNEL_EVENT_MAPPING) {
		const struct kernel_mapping *m = &e->mapping;
		FUZZ_CHECK(m->id.dst.family == AF_INET || m->id.dst.family == AF_INET6);
		FUZZ_CHECK(m->new_src.family == m->id.dst.family);
		FUZZ_CHECK(m->old_src.family == m->id.dst.family);
		FUZZ_CHECK(address_eq(&m->id.src, &m->old_src));
	} else {
		FUZZ_CHECK(e->type == KERNEL_EVENT_EXPIRE);
		const struct kernel_expire *x = &e->expire;
		FUZZ_CHECK(x->id.src.family == AF_INET || x->id.src.family == AF_INET6);
		FUZZ_CHECK(x->id.src.family == x->id.dst.family);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a private copy: netlink buffers are aligned, and the decoders may rely on it */
	uint8_t *buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	static const uint16_t wants[] = { 0, XFRM_MSG_NEWSA, XFRM_MSG_NEWPOLICY };
	for (size_t w = 0; w < sizeof(wants) / sizeof(wants[0]); w++) {
		struct kernel_reply r;
		memset(&r, 0, sizeof(r));
		bool ok = kernel_nl_scan(buf, size, 7, wants[w], &r);
		if (r.acked) {
			FUZZ_CHECK(r.err >= 0 && r.err <= 4095);
			FUZZ_CHECK(strlen(r.extack) < sizeof(r.extack));
			for (const char *c = r.extack; *c != '\0'; c++)
				FUZZ_CHECK(*c >= 0x20 && *c <= 0x7e);
		} else {
			FUZZ_CHECK(r.err == 0 && r.extack[0] == '\0');
		}
		if (r.msg != NULL) {
			FUZZ_CHECK(wants[w] != 0);
			FUZZ_CHECK(r.msg_len >= sizeof(struct nlmsghdr) && r.msg_len <= size);
			struct kernel_sa_counters c;
			uint32_t spi, reqid;
			(void)kernel_decode_sa(r.msg, r.msg_len, &c, &spi, &reqid);
			struct kernel_policy p;
			if (kernel_decode_policy(r.msg, r.msg_len, &p)) {
				check_selector(&p.id.src);
				check_selector(&p.id.dst);
				FUZZ_CHECK(p.id.src.subnet.addr.family == p.id.dst.subnet.addr.family);
				FUZZ_CHECK(p.id.dir <= KERNEL_DIR_FWD);
				FUZZ_CHECK(p.action == KERNEL_POLICY_ALLOW || p.action == KERNEL_POLICY_BLOCK);
			}
			/* a failed diag text is always a complete sentence */
			diag_t d = kernel_failure("reading x", 0, &r, NULL);
			FUZZ_CHECK(strncmp(diag_str(d), "kernel: reading x failed: ", 26) == 0);
			diag_free(&d);
		} else {
			FUZZ_CHECK(r.msg_len == 0);
		}
		(void)ok;
		kernel_reply_free(&r);
		FUZZ_CHECK(r.msg == NULL);
	}
	/* as multicast events */
	unsigned seen = 0, bad = 0;
	unsigned n = kernel_events_scan(buf, size, on_event, &seen, &bad);
	FUZZ_CHECK(n == seen);
	/* the decoders straight on the input, too */
	struct kernel_sa_counters c;
	(void)kernel_decode_sa(buf, size, &c, NULL, NULL);
	struct kernel_policy p;
	if (kernel_decode_policy(buf, size, &p))
		check_selector(&p.id.src);
	free(buf);
	return 0;
}
