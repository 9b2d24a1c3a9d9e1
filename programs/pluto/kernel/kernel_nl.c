/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One request, one answer on the XFRM socket; the decoders of the
 * kernel's answers; conversions between ip_* and XFRM structures.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "kernel/kernel.h"
#include "kernel/kernel_nl.h"
#include "tern/jambuf.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static void wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

void kernel_reply_free(struct kernel_reply *r)
{
	wipe(r->msg, r->msg_len);
	free(r->msg);
	r->msg = NULL;
	r->msg_len = 0;
}

/* the NLMSGERR_ATTR_MSG string among the TLVs in [P, P+LEN) */
static void scan_extack(const uint8_t *p, size_t len, struct kernel_reply *r)
{
	while (len >= sizeof(struct nlattr)) {
		struct nlattr a;
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > len)
			return;
		if ((a.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			size_t n = a.nla_len - sizeof(a);
			const char *s = (const char *)p + sizeof(a);
			size_t l = strnlen(s, n);
			if (l >= sizeof(r->extack))
				l = sizeof(r->extack) - 1;
			memcpy(r->extack, s, l);
			r->extack[l] = '\0';
			/* one line, printable: it goes into a log line */
			for (size_t i = 0; i < l; i++)
				if ((unsigned char)r->extack[i] < 0x20 || (unsigned char)r->extack[i] > 0x7e)
					r->extack[i] = '?';
			return;
		}
		size_t step = NLA_ALIGN(a.nla_len);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

static bool scan_error(const uint8_t *m, size_t len, const struct nlmsghdr *h,
		       struct kernel_reply *r)
{
	struct nlmsgerr e;
	if (len < NLMSG_HDRLEN + sizeof(e))
		return false;
	memcpy(&e, m + NLMSG_HDRLEN, sizeof(e));
	if (e.error > 0 || e.error < -4095)
		return false;
	r->acked = true;
	r->err = -e.error;
	r->extack[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return true;
	/* TLVs follow the echoed request, or only its header when capped */
	size_t off = NLMSG_HDRLEN + sizeof(e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e.msg.nlmsg_len < NLMSG_HDRLEN)
			return true;
		size_t echoed = NLMSG_ALIGN(e.msg.nlmsg_len) - NLMSG_HDRLEN;
		if (echoed > len - off)
			return true;
		off += echoed;
	}
	scan_extack(m + off, len - off, r);
	return true;
}

bool kernel_nl_scan(const void *buf, size_t len, uint32_t seq, uint16_t want,
		    struct kernel_reply *r)
{
	const uint8_t *p = buf;
	while (len > 0) {
		struct nlmsghdr h;
		if (len < sizeof(h))
			return false;
		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			return false;
		if (h.nlmsg_seq == seq && !r->acked) {
			if (h.nlmsg_type == NLMSG_ERROR) {
				if (!scan_error(p, h.nlmsg_len, &h, r))
					return false;
			} else if (want != 0 && h.nlmsg_type == want && r->msg == NULL) {
				r->msg = malloc(h.nlmsg_len);
				if (r->msg == NULL)
					abort();
				memcpy(r->msg, p, h.nlmsg_len);
				r->msg_len = h.nlmsg_len;
			}
		}
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return true;
}

/* NETLINK_EXT_ACK for the kernel's reasons, NETLINK_CAP_ACK so an error does not echo keys */
static void tune_socket(struct nl_sock *sk)
{
	/* once per socket: a new one (kernel_init() again) has a new port id */
	static struct nl_sock *tuned;
	static uint32_t tuned_port;
	if (tuned == sk && tuned_port == nl_socket_get_local_port(sk))
		return;
	int one = 1, fd = nl_socket_get_fd(sk);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	tuned = sk;
	tuned_port = nl_socket_get_local_port(sk);
}

int kernel_nl_transact(struct nl_msg *m, uint16_t want, struct kernel_reply *r)
{
	memset(r, 0, sizeof(*r));
	struct nl_sock *sk = kernel_xfrm_socket();
	if (sk == NULL) {
		wipe(nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len);
		nlmsg_free(m);
		return -NLE_BAD_SOCK;
	}
	tune_socket(sk);
	/*
	 * Our own sequence numbers, far from libnl's (which start at the
	 * time of day): nl_complete_msg() would advance libnl's counter,
	 * and libnl's sequence check in xfrm.c's nl_wait_for_ack() would
	 * then expect an answer that we consumed here.
	 */
	static uint32_t next_seq = 0xc0000000u;
	struct nlmsghdr *h = nlmsg_hdr(m);
	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = next_seq++;
	if (next_seq == 0)
		next_seq = 0xc0000000u;
	nl_complete_msg(sk, m);
	uint32_t seq = h->nlmsg_seq;
	int s = nl_send(sk, m);
	wipe(h, h->nlmsg_len);
	nlmsg_free(m);
	if (s < 0)
		return s;
	while (!r->acked) {
		unsigned char *buf = NULL;
		struct sockaddr_nl peer;
		int n = nl_recv(sk, &peer, &buf, NULL);
		if (n <= 0) {
			free(buf);
			kernel_reply_free(r);
			return n < 0 ? n : -NLE_MSG_TRUNC;
		}
		bool ok = kernel_nl_scan(buf, (size_t)n, seq, want, r);
		wipe(buf, (size_t)n);
		free(buf);
		if (!ok) {
			kernel_reply_free(r);
			return -NLE_MSG_OVERFLOW;
		}
	}
	if (r->err == 0 && want != 0 && r->msg == NULL) {
		/* acked without the answer we asked for */
		return -NLE_MSG_TOOSHORT;
	}
	return 0;
}

diag_t kernel_failure(const char *what, int nlerr, const struct kernel_reply *r,
		      const char *meaning)
{
	if (nlerr == -NLE_BAD_SOCK)
		return diag("kernel: %s failed: kernel interface not open", what);
	if (nlerr < 0)
		return diag("kernel: %s failed: netlink: %s", what, nl_geterror(nlerr));
	const char *why = strerror(r->err);
	if (meaning != NULL)
		return diag("kernel: %s failed: %s: %s", what, meaning, why);
	if (r->extack[0] != '\0')
		return diag("kernel: %s failed: %s (%s)", what, why, r->extack);
	return diag("kernel: %s failed: %s", what, why);
}

/*
 * Decoders.  MSG is one whole netlink message (header included), as
 * kernel_nl_scan() copied it.
 */
const struct nlattr *kernel_find_attr(const uint8_t *msg, size_t len, size_t hdrlen, int type)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);
	while (off + sizeof(struct nlattr) <= len) {
		struct nlattr a;
		memcpy(&a, msg + off, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > len - off)
			return NULL;
		if ((a.nla_type & NLA_TYPE_MASK) == type)
			return (const struct nlattr *)(msg + off);
		off += NLA_ALIGN(a.nla_len);
	}
	return NULL;
}

bool kernel_decode_sa(const uint8_t *msg, size_t len, struct kernel_sa_counters *out,
		      uint32_t *spi, uint32_t *reqid)
{
	struct nlmsghdr h;
	struct xfrm_usersa_info p;
	if (len < NLMSG_HDRLEN + sizeof(p))
		return false;
	memcpy(&h, msg, sizeof(h));
	if (h.nlmsg_type != XFRM_MSG_NEWSA || h.nlmsg_len < NLMSG_HDRLEN + sizeof(p) ||
	    h.nlmsg_len > len)
		return false;
	memcpy(&p, msg + NLMSG_HDRLEN, sizeof(p));
	if (out != NULL) {
		memset(out, 0, sizeof(*out));
		out->bytes = p.curlft.bytes;
		out->packets = p.curlft.packets;
		out->add_time = p.curlft.add_time;
		out->use_time = p.curlft.use_time;
		out->replay_errors = p.stats.replay;
		out->integrity_failures = p.stats.integrity_failed;
	}
	if (spi != NULL)
		*spi = ntohl(p.id.spi);
	if (reqid != NULL)
		*reqid = p.reqid;
	return true;
}

bool kernel_decode_selector(const struct xfrm_selector *s, ip_selector *src, ip_selector *dst)
{
	if (s->family != AF_INET && s->family != AF_INET6)
		return false;
	unsigned max = s->family == AF_INET ? 32 : 128;
	if (s->prefixlen_s > max || s->prefixlen_d > max)
		return false;
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->subnet.addr = kernel_from_xfrm_address(s->family, &s->saddr);
	src->subnet.prefix = s->prefixlen_s;
	dst->subnet.addr = kernel_from_xfrm_address(s->family, &s->daddr);
	dst->subnet.prefix = s->prefixlen_d;
	src->ipproto = dst->ipproto = s->proto;
	src->port = s->sport_mask != 0 ? ntohs(s->sport) : 0;
	dst->port = s->dport_mask != 0 ? ntohs(s->dport) : 0;
	return true;
}

bool kernel_decode_policy(const uint8_t *msg, size_t len, struct kernel_policy *out)
{
	struct nlmsghdr h;
	struct xfrm_userpolicy_info p;
	if (len < NLMSG_HDRLEN + sizeof(p))
		return false;
	memcpy(&h, msg, sizeof(h));
	if (h.nlmsg_type != XFRM_MSG_NEWPOLICY || h.nlmsg_len < NLMSG_HDRLEN + sizeof(p) ||
	    h.nlmsg_len > len)
		return false;
	len = h.nlmsg_len;
	memcpy(&p, msg + NLMSG_HDRLEN, sizeof(p));
	struct kernel_policy k;
	memset(&k, 0, sizeof(k));
	if (!kernel_decode_selector(&p.sel, &k.id.src, &k.id.dst))
		return false;
	switch (p.dir) {
	case XFRM_POLICY_IN: k.id.dir = KERNEL_DIR_IN; break;
	case XFRM_POLICY_OUT: k.id.dir = KERNEL_DIR_OUT; break;
	case XFRM_POLICY_FWD: k.id.dir = KERNEL_DIR_FWD; break;
	default: return false;
	}
	switch (p.action) {
	case XFRM_POLICY_ALLOW: k.action = KERNEL_POLICY_ALLOW; break;
	case XFRM_POLICY_BLOCK: k.action = KERNEL_POLICY_BLOCK; break;
	default: return false;
	}
	k.priority = p.priority;
	const struct nlattr *a = kernel_find_attr(msg, len, sizeof(p), XFRMA_MARK);
	if (a != NULL) {
		struct xfrm_mark m;
		if (a->nla_len < NLA_HDRLEN + sizeof(m))
			return false;
		memcpy(&m, (const uint8_t *)a + NLA_HDRLEN, sizeof(m));
		k.id.mark.value = m.v;
		k.id.mark.mask = m.m;
	}
	a = kernel_find_attr(msg, len, sizeof(p), XFRMA_TMPL);
	if (a != NULL && a->nla_len >= NLA_HDRLEN + sizeof(struct xfrm_user_tmpl)) {
		struct xfrm_user_tmpl t;
		memcpy(&t, (const uint8_t *)a + NLA_HDRLEN, sizeof(t));
		if (t.mode != XFRM_MODE_TRANSPORT && t.mode != XFRM_MODE_TUNNEL)
			return false;
		k.has_tmpl = true;
		k.mode = t.mode == XFRM_MODE_TUNNEL ? KERNEL_MODE_TUNNEL : KERNEL_MODE_TRANSPORT;
		k.proto = t.id.proto;
		k.reqid = t.reqid;
		if (k.mode == KERNEL_MODE_TUNNEL) {
			if (t.family != AF_INET && t.family != AF_INET6)
				return false;
			k.tmpl_src = kernel_from_xfrm_address(t.family, &t.saddr);
			k.tmpl_dst = kernel_from_xfrm_address(t.family, &t.id.daddr);
		}
	}
	*out = k;
	return true;
}

/* conversions */

void kernel_to_xfrm_address(const ip_address *a, xfrm_address_t *x)
{
	memset(x, 0, sizeof(*x));
	memcpy(x, a->bytes, a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0);
}

ip_address kernel_from_xfrm_address(int family, const xfrm_address_t *x)
{
	return address_from_bytes(family, x, family == AF_INET ? 4 : 16);
}

void kernel_to_xfrm_selector(const ip_selector *src, const ip_selector *dst,
			     struct xfrm_selector *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->family = src->subnet.addr.family;
	kernel_to_xfrm_address(&src->subnet.addr, &sel->saddr);
	kernel_to_xfrm_address(&dst->subnet.addr, &sel->daddr);
	sel->prefixlen_s = src->subnet.prefix;
	sel->prefixlen_d = dst->subnet.prefix;
	sel->proto = src->ipproto != 0 ? src->ipproto : dst->ipproto;
	if (src->port != 0) {
		sel->sport = htons(src->port);
		sel->sport_mask = 0xffff;
	}
	if (dst->port != 0) {
		sel->dport = htons(dst->port);
		sel->dport_mask = 0xffff;
	}
}

void kernel_to_xfrm_mark(const struct kernel_mark *m, struct xfrm_mark *x)
{
	x->v = m->value;
	x->m = m->mask;
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_ESP: return "ESP";
	case IPPROTO_AH: return "AH";
	case IPPROTO_COMP: return "IPCOMP";
	default: return "SA";
	}
}

void jam_kernel_sa_id(struct jambuf *b, const struct kernel_sa_id *id)
{
	jam(b, "%s SA 0x%08x ", proto_name(id->proto), id->spi);
	if (address_is_unset(&id->src))
		jam_str(b, "?");
	else
		jam_address(b, &id->src);
	jam_str(b, "->");
	jam_address(b, &id->dst);
	if (id->mark.mask != 0)
		jam(b, " mark 0x%x/0x%x", id->mark.value, id->mark.mask);
}

const char *kernel_dir_name(enum kernel_dir dir)
{
	switch (dir) {
	case KERNEL_DIR_IN: return "in";
	case KERNEL_DIR_OUT: return "out";
	case KERNEL_DIR_FWD: return "fwd";
	}
	return "?";
}

void jam_kernel_policy_id(struct jambuf *b, const struct kernel_policy_id *id)
{
	jam_str(b, "policy ");
	jam_selector(b, &id->src);
	jam_str(b, "->");
	jam_selector(b, &id->dst);
	jam(b, " %s", kernel_dir_name(id->dir));
	if (id->mark.mask != 0)
		jam(b, " mark 0x%x/0x%x", id->mark.value, id->mark.mask);
}
