/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XFRM states: ALLOCSPI, NEWSA/UPDSA, DELSA, GETSA (counters).
 *
 * libnl-xfrm 3.7 has no ALLOCSPI, and its xfrmnl_sa objects keep copies
 * of the keys we could not wipe; every message here is built with
 * libnl's core nl_msg API, keys written straight into the message buffer
 * that kernel_nl_transact() wipes.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "kernel/kernel.h"
#include "kernel/kernel_nl.h"
#include "tern/jambuf.h"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

/* the kernel's limit on the ESN replay bitmap (XFRMA_REPLAY_ESN_MAX octets) */
#define REPLAY_WINDOW_MAX 4096u
/* the legacy replay state keeps a 32-bit bitmap */
#define LEGACY_REPLAY_MAX 32u
#define KEY_MAX 128u

static uint64_t limit(uint64_t v)
{
	return v == 0 ? XFRM_INF : v;
}

static bool family_ok(const ip_address *a)
{
	return a->family == AF_INET || a->family == AF_INET6;
}

/* "adding ESP SA 0x12345678 192.0.2.1->192.0.2.2" */
static const char *what(char *buf, size_t size, const char *verb, const struct kernel_sa_id *id)
{
	struct jambuf b = jambuf_init(buf, size);
	jam(&b, "%s ", verb);
	jam_kernel_sa_id(&b, id);
	return buf;
}

static int put_mark(struct nl_msg *m, const struct kernel_mark *mark)
{
	if (mark == NULL || mark->mask == 0)
		return 0;
	struct xfrm_mark x;
	kernel_to_xfrm_mark(mark, &x);
	return nla_put(m, XFRMA_MARK, sizeof(x), &x);
}

diag_t kernel_alloc_spi(const ip_address *src, const ip_address *dst, uint8_t proto,
			uint32_t reqid, uint32_t min, uint32_t max,
			const struct kernel_mark *mark, uint32_t *spi)
{
	struct kernel_sa_id id = { .src = *src, .dst = *dst, .proto = proto };
	if (mark != NULL)
		id.mark = *mark;
	char w[200];
	what(w, sizeof(w), "allocating an SPI for", &id);
	if (!family_ok(src) || src->family != dst->family)
		return diag("kernel: %s failed: endpoints must be two addresses of one family", w);
	if (!kernel_reqid_owned(reqid))
		return diag("kernel: %s failed: reqid 0x%x is outside the range pluto owns", w, reqid);
	if (min < 0x100 || min > max)
		return diag("kernel: %s failed: SPI range 0x%x-0x%x is empty or reserved (SPIs below 0x100 are)",
			    w, min, max);
	struct xfrm_userspi_info u;
	memset(&u, 0, sizeof(u));
	kernel_to_xfrm_address(dst, &u.info.id.daddr);
	kernel_to_xfrm_address(src, &u.info.saddr);
	u.info.id.proto = proto;
	u.info.family = dst->family;
	u.info.reqid = reqid;
	u.info.mode = XFRM_MODE_TUNNEL;
	u.min = min;
	u.max = max;
	struct nl_msg *m = nlmsg_alloc_simple(XFRM_MSG_ALLOCSPI, 0);
	if (m == NULL)
		return diag("kernel: %s failed: out of memory", w);
	int r = nlmsg_append(m, &u, sizeof(u), NLMSG_ALIGNTO);
	if (r >= 0)
		r = put_mark(m, mark);
	if (r < 0) {
		nlmsg_free(m);
		return diag("kernel: %s failed: netlink: %s", w, nl_geterror(r));
	}
	struct kernel_reply k;
	r = kernel_nl_transact(m, XFRM_MSG_NEWSA, &k);
	if (r < 0 || k.err != 0) {
		char range[64];
		snprintf(range, sizeof(range), "no free SPI in 0x%x-0x%x", min, max);
		const char *meaning = r >= 0 && k.err == ENOENT ? range : NULL;
		diag_t d = kernel_failure(w, r, &k, meaning);
		kernel_reply_free(&k);
		return d;
	}
	uint32_t got, got_reqid;
	bool ok = kernel_decode_sa(k.msg, k.msg_len, NULL, &got, &got_reqid);
	kernel_reply_free(&k);
	if (!ok)
		return diag("kernel: %s failed: the kernel's reply is malformed", w);
	if (got < min || got > max)
		return diag("kernel: %s failed: the kernel returned SPI 0x%08x outside 0x%x-0x%x",
			    w, got, min, max);
	*spi = got;
	return NULL;
}

/* everything that can be said about SA without the kernel */
static diag_t check_sa(const struct kernel_sa *sa, const char *w)
{
	const struct kernel_sa_id *id = &sa->id;
	if (!family_ok(&id->src) || id->src.family != id->dst.family)
		return diag("kernel: %s failed: endpoints must be two addresses of one family", w);
	if (id->proto != IPPROTO_ESP)
		return diag("kernel: %s failed: only ESP is supported", w);
	if (id->spi < 0x100)
		return diag("kernel: %s failed: SPI 0x%x is reserved", w, id->spi);
	if (!kernel_reqid_owned(sa->reqid))
		return diag("kernel: %s failed: reqid 0x%x is outside the range pluto owns", w, sa->reqid);
	if (sa->mode != KERNEL_MODE_TUNNEL && sa->mode != KERNEL_MODE_TRANSPORT)
		return diag("kernel: %s failed: unknown mode %d", w, (int)sa->mode);
	if (sa->encr_name == NULL || strlen(sa->encr_name) >= sizeof(((struct xfrm_algo *)0)->alg_name))
		return diag("kernel: %s failed: no encryption algorithm", w);
	if (sa->encr_key_len == 0 || sa->encr_key_len > KEY_MAX || sa->encr_key == NULL)
		return diag("kernel: %s failed: bad encryption key length %zu", w, sa->encr_key_len);
	if (sa->aead_icv_bits != 0) {
		if (sa->aead_icv_bits != 64 && sa->aead_icv_bits != 96 && sa->aead_icv_bits != 128)
			return diag("kernel: %s failed: AEAD ICV of %u bits (64, 96 or 128)", w,
				    sa->aead_icv_bits);
		if (sa->integ_name != NULL)
			return diag("kernel: %s failed: AEAD %s with integrity %s", w, sa->encr_name,
				    sa->integ_name);
	} else {
		if (sa->integ_name == NULL ||
		    strlen(sa->integ_name) >= sizeof(((struct xfrm_algo *)0)->alg_name))
			return diag("kernel: %s failed: %s needs an integrity algorithm", w,
				    sa->encr_name);
		if (sa->integ_key_len == 0 || sa->integ_key_len > KEY_MAX || sa->integ_key == NULL ||
		    sa->integ_trunc_bits == 0 || sa->integ_trunc_bits > 512)
			return diag("kernel: %s failed: bad integrity key (%zu octets) or truncation (%u bits)",
				    w, sa->integ_key_len, sa->integ_trunc_bits);
	}
	if (sa->esn && sa->replay_window == 0)
		return diag("kernel: %s failed: ESN needs a replay window (replay-window=0)", w);
	if (sa->replay_window > REPLAY_WINDOW_MAX)
		return diag("kernel: %s failed: replay window %u exceeds %u", w, sa->replay_window,
			    REPLAY_WINDOW_MAX);
	bool sel_set = !address_is_unset(&sa->sel_src.subnet.addr) ||
		       !address_is_unset(&sa->sel_dst.subnet.addr);
	if (sel_set && (!family_ok(&sa->sel_src.subnet.addr) ||
			sa->sel_src.subnet.addr.family != sa->sel_dst.subnet.addr.family))
		return diag("kernel: %s failed: selector subnets must be of one family", w);
	if (sel_set && sa->mode == KERNEL_MODE_TRANSPORT && sa->sel_src.subnet.addr.family != id->src.family)
		return diag("kernel: %s failed: transport mode selector family differs from the endpoints'",
			    w);
	if (sa->encap && (sa->encap_sport == 0 || sa->encap_dport == 0))
		return diag("kernel: %s failed: UDP encapsulation needs both ports", w);
	return NULL;
}

static int put_algs(struct nl_msg *m, const struct kernel_sa *sa)
{
	struct nlattr *a;
	if (sa->aead_icv_bits != 0) {
		a = nla_reserve(m, XFRMA_ALG_AEAD, (int)(sizeof(struct xfrm_algo_aead) + sa->encr_key_len));
		if (a == NULL)
			return -NLE_NOMEM;
		struct xfrm_algo_aead *x = nla_data(a);
		memset(x, 0, sizeof(*x));
		strcpy(x->alg_name, sa->encr_name);
		x->alg_key_len = (unsigned)(sa->encr_key_len * 8);
		x->alg_icv_len = sa->aead_icv_bits;
		memcpy(x->alg_key, sa->encr_key, sa->encr_key_len);
		return 0;
	}
	a = nla_reserve(m, XFRMA_ALG_CRYPT, (int)(sizeof(struct xfrm_algo) + sa->encr_key_len));
	if (a == NULL)
		return -NLE_NOMEM;
	struct xfrm_algo *c = nla_data(a);
	memset(c, 0, sizeof(*c));
	strcpy(c->alg_name, sa->encr_name);
	c->alg_key_len = (unsigned)(sa->encr_key_len * 8);
	memcpy(c->alg_key, sa->encr_key, sa->encr_key_len);
	a = nla_reserve(m, XFRMA_ALG_AUTH_TRUNC, (int)(sizeof(struct xfrm_algo_auth) + sa->integ_key_len));
	if (a == NULL)
		return -NLE_NOMEM;
	struct xfrm_algo_auth *t = nla_data(a);
	memset(t, 0, sizeof(*t));
	strcpy(t->alg_name, sa->integ_name);
	t->alg_key_len = (unsigned)(sa->integ_key_len * 8);
	t->alg_trunc_len = sa->integ_trunc_bits;
	memcpy(t->alg_key, sa->integ_key, sa->integ_key_len);
	return 0;
}

static bool replay_needs_esn_attr(const struct kernel_sa *sa)
{
	/* ESN, or a window wider than the legacy 32-bit bitmap */
	return sa->esn || sa->replay_window > LEGACY_REPLAY_MAX;
}

static void set_replay(const struct kernel_sa *sa, struct xfrm_usersa_info *p)
{
	if (!replay_needs_esn_attr(sa))
		p->replay_window = (uint8_t)sa->replay_window;
	if (sa->esn)
		p->flags |= XFRM_STATE_ESN;
}

static int put_replay(struct nl_msg *m, const struct kernel_sa *sa)
{
	if (!replay_needs_esn_attr(sa))
		return 0;
	uint32_t words = (sa->replay_window + 31) / 32;
	size_t len = sizeof(struct xfrm_replay_state_esn) + words * sizeof(uint32_t);
	struct nlattr *a = nla_reserve(m, XFRMA_REPLAY_ESN_VAL, (int)len);
	if (a == NULL)
		return -NLE_NOMEM;
	struct xfrm_replay_state_esn *e = nla_data(a);
	memset(e, 0, len);
	e->bmp_len = words;
	e->replay_window = sa->replay_window;
	return 0;
}

static const char *add_meaning(const struct kernel_sa *sa, int err, char *buf, size_t size)
{
	switch (err) {
	case EPROTONOSUPPORT:
		return sa->id.dst.family == AF_INET6 ?
			"kernel has no ESP support for IPv6 (CONFIG_INET6_ESP)" :
			"kernel has no ESP support (CONFIG_INET_ESP)";
	case ENOSYS:
		if (sa->aead_icv_bits != 0)
			snprintf(buf, size, "kernel has no AEAD algorithm %s with a %u-bit ICV",
				 sa->encr_name, sa->aead_icv_bits);
		else
			snprintf(buf, size, "kernel lacks algorithm %s or %s", sa->encr_name,
				 sa->integ_name);
		return buf;
	case EEXIST:
		return "an SA with this SPI exists already";
	case ESRCH:
		return sa->update ? "no larval SA from ALLOCSPI with this SPI (expired?)" : NULL;
	case EPERM:
		return "not permitted (needs CAP_NET_ADMIN)";
	default:
		return NULL;
	}
}

diag_t kernel_add_sa(const struct kernel_sa *sa, const struct logger *logger)
{
	char w[200];
	what(w, sizeof(w), sa->update ? "updating" : "adding", &sa->id);
	diag_t d = check_sa(sa, w);
	if (d != NULL)
		return d;

	struct xfrm_usersa_info p;
	memset(&p, 0, sizeof(p));
	kernel_to_xfrm_address(&sa->id.dst, &p.id.daddr);
	kernel_to_xfrm_address(&sa->id.src, &p.saddr);
	p.id.spi = htonl(sa->id.spi);
	p.id.proto = sa->id.proto;
	p.family = sa->id.dst.family;
	p.reqid = sa->reqid;
	p.mode = sa->mode == KERNEL_MODE_TUNNEL ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	p.lft.soft_byte_limit = limit(sa->lifetime.soft_bytes);
	p.lft.hard_byte_limit = limit(sa->lifetime.hard_bytes);
	p.lft.soft_packet_limit = limit(sa->lifetime.soft_packets);
	p.lft.hard_packet_limit = limit(sa->lifetime.hard_packets);
	p.lft.soft_add_expires_seconds = sa->lifetime.soft_seconds;
	p.lft.hard_add_expires_seconds = sa->lifetime.hard_seconds;
	set_replay(sa, &p);
	if (!address_is_unset(&sa->sel_src.subnet.addr)) {
		kernel_to_xfrm_selector(&sa->sel_src, &sa->sel_dst, &p.sel);
	} else if (sa->mode == KERNEL_MODE_TRANSPORT) {
		ip_selector s = { .subnet = subnet_from_address(&sa->id.src) };
		ip_selector t = { .subnet = subnet_from_address(&sa->id.dst) };
		kernel_to_xfrm_selector(&s, &t, &p.sel);
	}

	struct nl_msg *m = nlmsg_alloc_simple(sa->update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, 0);
	if (m == NULL)
		return diag("kernel: %s failed: out of memory", w);
	int r = nlmsg_append(m, &p, sizeof(p), NLMSG_ALIGNTO);
	if (r >= 0)
		r = put_replay(m, sa);
	if (r >= 0)
		r = put_algs(m, sa);
	if (r >= 0)
		r = put_mark(m, &sa->id.mark);
	if (r >= 0 && sa->encap) {
		struct xfrm_encap_tmpl e;
		memset(&e, 0, sizeof(e));
		e.encap_type = UDP_ENCAP_ESPINUDP;
		e.encap_sport = htons(sa->encap_sport);
		e.encap_dport = htons(sa->encap_dport);
		r = nla_put(m, XFRMA_ENCAP, sizeof(e), &e);
	}
	if (r < 0) {
		struct nlmsghdr *h = nlmsg_hdr(m);
		explicit_bzero(h, h->nlmsg_len);
		nlmsg_free(m);
		return diag("kernel: %s failed: netlink: %s", w, nl_geterror(r));
	}
	struct kernel_reply k;
	r = kernel_nl_transact(m, 0, &k);
	if (r < 0 || k.err != 0) {
		char buf[200];
		d = kernel_failure(w, r, &k, r < 0 ? NULL : add_meaning(sa, k.err, buf, sizeof(buf)));
		kernel_reply_free(&k);
		return d;
	}
	kernel_reply_free(&k);
	if (sa->aead_icv_bits != 0)
		ldbg(logger, "kernel: %s %s: %s mode, reqid 0x%x, %s ICV %u, replay %u%s%s",
		     sa->update ? "updated" : "added", w + strlen(sa->update ? "updating " : "adding "),
		     sa->mode == KERNEL_MODE_TUNNEL ? "tunnel" : "transport", sa->reqid,
		     sa->encr_name, sa->aead_icv_bits, sa->replay_window, sa->esn ? " ESN" : "",
		     sa->encap ? " espinudp" : "");
	else
		ldbg(logger, "kernel: %s %s: %s mode, reqid 0x%x, %s + %s/%u, replay %u%s%s",
		     sa->update ? "updated" : "added", w + strlen(sa->update ? "updating " : "adding "),
		     sa->mode == KERNEL_MODE_TUNNEL ? "tunnel" : "transport", sa->reqid,
		     sa->encr_name, sa->integ_name, sa->integ_trunc_bits, sa->replay_window,
		     sa->esn ? " ESN" : "", sa->encap ? " espinudp" : "");
	return NULL;
}

static struct nl_msg *sa_id_msg(int type, const struct kernel_sa_id *id, int *r)
{
	struct xfrm_usersa_id u;
	memset(&u, 0, sizeof(u));
	kernel_to_xfrm_address(&id->dst, &u.daddr);
	u.spi = htonl(id->spi);
	u.family = id->dst.family;
	u.proto = id->proto;
	struct nl_msg *m = nlmsg_alloc_simple(type, 0);
	if (m == NULL) {
		*r = -NLE_NOMEM;
		return NULL;
	}
	*r = nlmsg_append(m, &u, sizeof(u), NLMSG_ALIGNTO);
	if (*r >= 0 && family_ok(&id->src)) {
		xfrm_address_t s;
		kernel_to_xfrm_address(&id->src, &s);
		*r = nla_put(m, XFRMA_SRCADDR, sizeof(s), &s);
	}
	if (*r >= 0)
		*r = put_mark(m, &id->mark);
	if (*r < 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

diag_t kernel_del_sa(const struct kernel_sa_id *id, const struct logger *logger)
{
	char w[200];
	what(w, sizeof(w), "deleting", id);
	if (!family_ok(&id->dst))
		return diag("kernel: %s failed: no destination address", w);
	int r;
	struct nl_msg *m = sa_id_msg(XFRM_MSG_DELSA, id, &r);
	if (m == NULL)
		return diag("kernel: %s failed: netlink: %s", w, nl_geterror(r));
	struct kernel_reply k;
	r = kernel_nl_transact(m, 0, &k);
	if (r < 0 || k.err != 0) {
		diag_t d = kernel_failure(w, r, &k, r >= 0 && k.err == ESRCH ? "no such SA" : NULL);
		kernel_reply_free(&k);
		return d;
	}
	kernel_reply_free(&k);
	ldbg(logger, "kernel: deleted %s", w + strlen("deleting "));
	return NULL;
}

diag_t kernel_get_sa_counters(const struct kernel_sa_id *id, struct kernel_sa_counters *out)
{
	char w[200];
	what(w, sizeof(w), "reading", id);
	if (!family_ok(&id->dst))
		return diag("kernel: %s failed: no destination address", w);
	int r;
	struct nl_msg *m = sa_id_msg(XFRM_MSG_GETSA, id, &r);
	if (m == NULL)
		return diag("kernel: %s failed: netlink: %s", w, nl_geterror(r));
	struct kernel_reply k;
	r = kernel_nl_transact(m, XFRM_MSG_NEWSA, &k);
	if (r < 0 || k.err != 0) {
		diag_t d = kernel_failure(w, r, &k, r >= 0 && k.err == ESRCH ? "no such SA" : NULL);
		kernel_reply_free(&k);
		return d;
	}
	struct kernel_sa_counters c;
	bool ok = kernel_decode_sa(k.msg, k.msg_len, &c, NULL, NULL);
	kernel_reply_free(&k);
	if (!ok)
		return diag("kernel: %s failed: the kernel's reply is malformed", w);
	*out = c;
	return NULL;
}
