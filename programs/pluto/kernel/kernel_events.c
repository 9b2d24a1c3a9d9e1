/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XFRM ACQUIRE, EXPIRE and MAPPING: netlink sockets joined to their
 * multicast groups (libnl-xfrm 3.7 parses none of them), and their
 * decoders.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "kernel/kernel.h"
#include "kernel/kernel_expire.h"
#include "kernel/kernel_nl.h"

static bool family_ok(int f)
{
	return f == AF_INET || f == AF_INET6;
}

static bool get_mark(const uint8_t *msg, size_t len, size_t hdrlen, struct kernel_mark *mark)
{
	const struct nlattr *a = kernel_find_attr(msg, len, hdrlen, XFRMA_MARK);
	if (a == NULL)
		return true;
	struct xfrm_mark m;
	if (a->nla_len < NLA_HDRLEN + sizeof(m))
		return false;
	memcpy(&m, (const uint8_t *)a + NLA_HDRLEN, sizeof(m));
	mark->value = m.v;
	mark->mask = m.m;
	return true;
}

static bool decode_acquire(const uint8_t *msg, size_t len, struct kernel_acquire *out)
{
	struct xfrm_user_acquire a;
	if (len < NLMSG_HDRLEN + sizeof(a))
		return false;
	memcpy(&a, msg + NLMSG_HDRLEN, sizeof(a));
	struct kernel_acquire k;
	memset(&k, 0, sizeof(k));
	if (!kernel_decode_selector(&a.sel, &k.sel_src, &k.sel_dst))
		return false;
	switch (a.policy.dir) {
	case XFRM_POLICY_IN: k.dir = KERNEL_DIR_IN; break;
	case XFRM_POLICY_OUT: k.dir = KERNEL_DIR_OUT; break;
	case XFRM_POLICY_FWD: k.dir = KERNEL_DIR_FWD; break;
	default: return false;
	}
	k.proto = a.id.proto;
	k.priority = a.policy.priority;
	k.seq = a.seq;
	/* the outer family is the template's: IPv4 may travel in IPv6 */
	int family = a.sel.family;
	const struct nlattr *t = kernel_find_attr(msg, len, sizeof(a), XFRMA_TMPL);
	if (t != NULL) {
		size_t n = (t->nla_len - NLA_HDRLEN) / sizeof(struct xfrm_user_tmpl);
		for (size_t i = 0; i < n; i++) {
			struct xfrm_user_tmpl tmpl;
			memcpy(&tmpl, (const uint8_t *)t + NLA_HDRLEN + i * sizeof(tmpl), sizeof(tmpl));
			if (tmpl.id.proto == a.id.proto) {
				k.reqid = tmpl.reqid;
				family = tmpl.family;
				break;
			}
		}
	}
	if (!family_ok(family))
		return false;
	k.src = kernel_from_xfrm_address(family, &a.saddr);
	k.dst = kernel_from_xfrm_address(family, &a.id.daddr);
	if (!get_mark(msg, len, sizeof(a), &k.mark))
		return false;
	*out = k;
	return true;
}

static bool decode_expire(const uint8_t *msg, size_t len, struct kernel_expire *out)
{
	struct xfrm_user_expire e;
	if (len < NLMSG_HDRLEN + sizeof(e))
		return false;
	memcpy(&e, msg + NLMSG_HDRLEN, sizeof(e));
	if (!family_ok(e.state.family))
		return false;
	struct kernel_expire k;
	memset(&k, 0, sizeof(k));
	k.id.src = kernel_from_xfrm_address(e.state.family, &e.state.saddr);
	k.id.dst = kernel_from_xfrm_address(e.state.family, &e.state.id.daddr);
	k.id.spi = ntohl(e.state.id.spi);
	k.id.proto = e.state.id.proto;
	k.reqid = e.state.reqid;
	k.hard = e.hard != 0;
	k.counters.bytes = e.state.curlft.bytes;
	k.counters.packets = e.state.curlft.packets;
	k.counters.add_time = e.state.curlft.add_time;
	k.counters.use_time = e.state.curlft.use_time;
	k.counters.replay_errors = e.state.stats.replay;
	k.counters.integrity_failures = e.state.stats.integrity_failed;
	if (!get_mark(msg, len, sizeof(e), &k.id.mark))
		return false;
	*out = k;
	return true;
}

static bool decode_mapping(const uint8_t *msg, size_t len, struct kernel_mapping *out)
{
	struct xfrm_user_mapping m;
	if (len < NLMSG_HDRLEN + sizeof(m))
		return false;
	memcpy(&m, msg + NLMSG_HDRLEN, sizeof(m));
	if (!family_ok(m.id.family))
		return false;
	struct kernel_mapping k;
	memset(&k, 0, sizeof(k));
	k.id.dst = kernel_from_xfrm_address(m.id.family, &m.id.daddr);
	k.id.src = kernel_from_xfrm_address(m.id.family, &m.old_saddr);
	k.id.spi = ntohl(m.id.spi);
	k.id.proto = m.id.proto;
	k.reqid = m.reqid;
	k.old_src = k.id.src;
	k.new_src = kernel_from_xfrm_address(m.id.family, &m.new_saddr);
	k.old_sport = ntohs(m.old_sport);
	k.new_sport = ntohs(m.new_sport);
	*out = k;
	return true;
}

bool kernel_decode_event(const uint8_t *msg, size_t len, struct kernel_event *out)
{
	struct nlmsghdr h;
	if (len < sizeof(h))
		return false;
	memcpy(&h, msg, sizeof(h));
	if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
		return false;
	len = h.nlmsg_len;
	struct kernel_event e;
	memset(&e, 0, sizeof(e));
	switch (h.nlmsg_type) {
	case XFRM_MSG_ACQUIRE:
		e.type = KERNEL_EVENT_ACQUIRE;
		if (!decode_acquire(msg, len, &e.acquire))
			return false;
		break;
	case XFRM_MSG_EXPIRE:
		e.type = KERNEL_EVENT_EXPIRE;
		if (!decode_expire(msg, len, &e.expire))
			return false;
		break;
	case XFRM_MSG_MAPPING:
		e.type = KERNEL_EVENT_MAPPING;
		if (!decode_mapping(msg, len, &e.mapping))
			return false;
		break;
	default:
		return false;
	}
	*out = e;
	return true;
}

unsigned kernel_events_scan(const void *buf, size_t len, kernel_event_cb *cb, void *ctx,
			    unsigned *malformed)
{
	const uint8_t *p = buf;
	unsigned n = 0, bad = 0;
	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len) {
			bad++;
			break;
		}
		if (h.nlmsg_type == XFRM_MSG_ACQUIRE || h.nlmsg_type == XFRM_MSG_EXPIRE ||
		    h.nlmsg_type == XFRM_MSG_MAPPING) {
			/* an aligned private copy: the decoders read attributes in place */
			uint8_t *m = malloc(h.nlmsg_len);
			if (m == NULL)
				abort();
			memcpy(m, p, h.nlmsg_len);
			struct kernel_event e;
			if (kernel_decode_event(m, h.nlmsg_len, &e)) {
				cb(&e, ctx);
				n++;
			} else {
				bad++;
			}
			free(m);
		}
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	if (len > 0 && len < sizeof(struct nlmsghdr))
		bad++;
	if (malformed != NULL)
		*malformed = bad;
	return n;
}

/*
 * Two sockets, opened and read the same way: one joined to the ACQUIRE
 * multicast group for on-demand routing (conn/route.c), the other to the
 * EXPIRE and MAPPING groups for Child SA lifetimes and NAT-T
 * (ikev2/pluto_ikev2.c, kernel_expire.h).
 */
struct group_sock {
	struct nl_sock *sock;
	unsigned group, group2;	/* group2: 0, none */
	const char *what;	/* "ACQUIRE" */
};

static struct group_sock acquire_sock = { .group = XFRMNLGRP_ACQUIRE, .what = "ACQUIRE" };
static struct group_sock expire_sock = { .group = XFRMNLGRP_EXPIRE, .group2 = XFRMNLGRP_MAPPING,
					 .what = "EXPIRE/MAPPING" };

static diag_t group_open(struct group_sock *g, int *fd)
{
	if (g->sock != NULL) {
		*fd = nl_socket_get_fd(g->sock);
		return NULL;
	}
	struct nl_sock *s = nl_socket_alloc();
	if (s == NULL)
		return diag("kernel: cannot allocate the XFRM %s socket", g->what);
	nl_socket_disable_seq_check(s);
	int r = nl_connect(s, NETLINK_XFRM);
	if (r >= 0)
		r = nl_socket_add_memberships(s, (int)g->group, (int)g->group2, 0);
	if (r >= 0)
		r = nl_socket_set_nonblocking(s);
	if (r >= 0)
		r = nl_socket_set_buffer_size(s, 1 << 20, 0);
	if (r < 0) {
		nl_socket_free(s);
		return diag("kernel: cannot open the XFRM %s socket: %s", g->what, nl_geterror(r));
	}
	g->sock = s;
	*fd = nl_socket_get_fd(s);
	return NULL;
}

static diag_t group_read(struct group_sock *g, kernel_event_cb *cb, void *ctx,
			 const struct logger *logger, unsigned *count)
{
	unsigned total = 0;
	if (count != NULL)
		*count = 0;
	if (g->sock == NULL)
		return diag("kernel: reading XFRM %ss failed: socket not open", g->what);
	for (;;) {
		unsigned char *buf = NULL;
		struct sockaddr_nl peer;
		int n = nl_recv(g->sock, &peer, &buf, NULL);
		if (n == 0 || n == -NLE_AGAIN) {
			free(buf);
			break;
		}
		if (n < 0) {
			free(buf);
			if (count != NULL)
				*count = total;
			return diag("kernel: reading XFRM %ss failed: %s%s", g->what, nl_geterror(n),
				    n == -NLE_NOMEM ? " (events were lost)" : "");
		}
		/* only the kernel multicasts on these groups */
		if (peer.nl_pid != 0) {
			free(buf);
			continue;
		}
		unsigned bad = 0;
		total += kernel_events_scan(buf, (size_t)n, cb, ctx, &bad);
		free(buf);
		if (bad > 0)
			llog(logger, LOG_SEV_WARNING, "kernel: skipped %u malformed XFRM %s(s)", bad,
			     g->what);
	}
	if (count != NULL)
		*count = total;
	return NULL;
}

static void group_close(struct group_sock *g)
{
	if (g->sock == NULL)
		return;
	nl_socket_free(g->sock);
	g->sock = NULL;
}

diag_t kernel_events_open(int *fd)
{
	return group_open(&acquire_sock, fd);
}

diag_t kernel_events_read(kernel_event_cb *cb, void *ctx, const struct logger *logger,
			  unsigned *count)
{
	return group_read(&acquire_sock, cb, ctx, logger, count);
}

void kernel_events_close(void)
{
	group_close(&acquire_sock);
}

diag_t kernel_expire_open(int *fd)
{
	return group_open(&expire_sock, fd);
}

diag_t kernel_expire_read(kernel_event_cb *cb, void *ctx, const struct logger *logger)
{
	return group_read(&expire_sock, cb, ctx, logger, NULL);
}

void kernel_expire_close(void)
{
	group_close(&expire_sock);
}
