/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XFRM policies: NEWPOLICY/UPDPOLICY, DELPOLICY, GETPOLICY, and the
 * priority that orders them inside the band pluto owns.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "kernel/kernel.h"
#include "kernel/kernel_nl.h"
#include "tern/jambuf.h"

/*
 * The kernel tries policies lowest priority number first.  The score
 * (0..255) grows with specificity: the two prefix lengths (0..192, three
 * points per bit for IPv4, one and a half for IPv6), then a protocol
 * (31), then each port (16); the priority is the top of the band minus
 * the score, so it always lies in [KERNEL_PRIO_MIN, KERNEL_PRIO_MAX].
 */
uint32_t kernel_policy_priority(const ip_selector *src, const ip_selector *dst)
{
	unsigned bits = src->subnet.addr.family == AF_INET6 ? 128 : 32;
	unsigned ps = src->subnet.prefix > bits ? bits : src->subnet.prefix;
	unsigned pd = dst->subnet.prefix > bits ? bits : dst->subnet.prefix;
	unsigned score = (ps + pd) * 192 / (2 * bits);
	if (src->ipproto != 0 || dst->ipproto != 0)
		score += 31;
	if (src->port != 0)
		score += 16;
	if (dst->port != 0)
		score += 16;
	return KERNEL_PRIO_MAX - score;
}

static bool selector_ok(const ip_selector *s)
{
	unsigned max = s->subnet.addr.family == AF_INET ? 32 :
		       s->subnet.addr.family == AF_INET6 ? 128 : 0;
	return max != 0 && s->subnet.prefix <= max;
}

static const char *what(char *buf, size_t size, const char *verb, const struct kernel_policy_id *id)
{
	struct jambuf b = jambuf_init(buf, size);
	jam(&b, "%s ", verb);
	jam_kernel_policy_id(&b, id);
	return buf;
}

static diag_t check_id(const struct kernel_policy_id *id, const char *w)
{
	if (!selector_ok(&id->src) || !selector_ok(&id->dst) ||
	    id->src.subnet.addr.family != id->dst.subnet.addr.family)
		return diag("kernel: %s failed: selectors must be two subnets of one family", w);
	if (id->dir != KERNEL_DIR_IN && id->dir != KERNEL_DIR_OUT && id->dir != KERNEL_DIR_FWD)
		return diag("kernel: %s failed: unknown direction %d", w, (int)id->dir);
	if (id->src.ipproto != 0 && id->dst.ipproto != 0 && id->src.ipproto != id->dst.ipproto)
		return diag("kernel: %s failed: selectors with two different protocols", w);
	return NULL;
}

static uint8_t xfrm_dir(enum kernel_dir d)
{
	return d == KERNEL_DIR_IN ? XFRM_POLICY_IN : d == KERNEL_DIR_OUT ? XFRM_POLICY_OUT :
	       XFRM_POLICY_FWD;
}

static int put_mark(struct nl_msg *m, const struct kernel_mark *mark)
{
	if (mark->mask == 0)
		return 0;
	struct xfrm_mark x;
	kernel_to_xfrm_mark(mark, &x);
	return nla_put(m, XFRMA_MARK, sizeof(x), &x);
}

static diag_t check_policy(const struct kernel_policy *p, const char *w)
{
	diag_t d = check_id(&p->id, w);
	if (d != NULL)
		return d;
	if (p->priority != 0 && !kernel_priority_owned(p->priority))
		return diag("kernel: %s failed: priority 0x%x is outside the band pluto owns", w,
			    p->priority);
	if (p->action != KERNEL_POLICY_ALLOW && p->action != KERNEL_POLICY_BLOCK)
		return diag("kernel: %s failed: unknown action %d", w, (int)p->action);
	if (!p->has_tmpl)
		return NULL;
	if (p->action == KERNEL_POLICY_BLOCK)
		return diag("kernel: %s failed: a block policy has no template", w);
	if (p->proto != IPPROTO_ESP)
		return diag("kernel: %s failed: only ESP templates are supported", w);
	if (p->reqid != 0 && !kernel_reqid_owned(p->reqid))
		return diag("kernel: %s failed: reqid 0x%x is outside the range pluto owns", w, p->reqid);
	if (p->mode == KERNEL_MODE_TUNNEL) {
		if ((p->tmpl_src.family != AF_INET && p->tmpl_src.family != AF_INET6) ||
		    p->tmpl_src.family != p->tmpl_dst.family)
			return diag("kernel: %s failed: tunnel endpoints must be two addresses of one family",
				    w);
	} else if (p->mode != KERNEL_MODE_TRANSPORT) {
		return diag("kernel: %s failed: unknown mode %d", w, (int)p->mode);
	}
	return NULL;
}

diag_t kernel_add_policy(const struct kernel_policy *p, bool replace, const struct logger *logger)
{
	char w[200];
	what(w, sizeof(w), replace ? "replacing" : "adding", &p->id);
	diag_t d = check_policy(p, w);
	if (d != NULL)
		return d;
	struct xfrm_userpolicy_info u;
	memset(&u, 0, sizeof(u));
	kernel_to_xfrm_selector(&p->id.src, &p->id.dst, &u.sel);
	u.lft.soft_byte_limit = XFRM_INF;
	u.lft.hard_byte_limit = XFRM_INF;
	u.lft.soft_packet_limit = XFRM_INF;
	u.lft.hard_packet_limit = XFRM_INF;
	u.priority = p->priority != 0 ? p->priority : kernel_policy_priority(&p->id.src, &p->id.dst);
	u.dir = xfrm_dir(p->id.dir);
	u.action = p->action == KERNEL_POLICY_BLOCK ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
	u.share = XFRM_SHARE_ANY;

	struct nl_msg *m = nlmsg_alloc_simple(replace ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY, 0);
	if (m == NULL)
		return diag("kernel: %s failed: out of memory", w);
	int r = nlmsg_append(m, &u, sizeof(u), NLMSG_ALIGNTO);
	if (r >= 0 && p->has_tmpl) {
		struct xfrm_user_tmpl t;
		memset(&t, 0, sizeof(t));
		t.id.proto = p->proto;
		t.reqid = p->reqid;
		t.share = XFRM_SHARE_ANY;
		t.aalgos = t.ealgos = t.calgos = ~0u;
		if (p->mode == KERNEL_MODE_TUNNEL) {
			t.mode = XFRM_MODE_TUNNEL;
			t.family = p->tmpl_dst.family;
			kernel_to_xfrm_address(&p->tmpl_dst, &t.id.daddr);
			kernel_to_xfrm_address(&p->tmpl_src, &t.saddr);
		} else {
			t.mode = XFRM_MODE_TRANSPORT;
			t.family = p->id.src.subnet.addr.family;
		}
		r = nla_put(m, XFRMA_TMPL, sizeof(t), &t);
	}
	if (r >= 0)
		r = put_mark(m, &p->id.mark);
	if (r < 0) {
		nlmsg_free(m);
		return diag("kernel: %s failed: netlink: %s", w, nl_geterror(r));
	}
	struct kernel_reply k;
	r = kernel_nl_transact(m, 0, &k);
	if (r < 0 || k.err != 0) {
		const char *meaning = NULL;
		if (r >= 0 && k.err == EEXIST)
			meaning = "a policy with this selector and direction exists already";
		else if (r >= 0 && k.err == EPERM)
			meaning = "not permitted (needs CAP_NET_ADMIN)";
		d = kernel_failure(w, r, &k, meaning);
		kernel_reply_free(&k);
		return d;
	}
	kernel_reply_free(&k);
	ldbg(logger, "kernel: %s %s: priority 0x%x, %s%s, reqid 0x%x",
	     replace ? "replaced" : "added", w + strlen(replace ? "replacing " : "adding "),
	     u.priority, p->action == KERNEL_POLICY_BLOCK ? "block" : "allow",
	     !p->has_tmpl ? "" : p->mode == KERNEL_MODE_TUNNEL ? " ESP tunnel" : " ESP transport",
	     p->reqid);
	return NULL;
}

static struct nl_msg *policy_id_msg(int type, const struct kernel_policy_id *id, int *r)
{
	struct xfrm_userpolicy_id u;
	memset(&u, 0, sizeof(u));
	kernel_to_xfrm_selector(&id->src, &id->dst, &u.sel);
	u.dir = xfrm_dir(id->dir);
	struct nl_msg *m = nlmsg_alloc_simple(type, 0);
	if (m == NULL) {
		*r = -NLE_NOMEM;
		return NULL;
	}
	*r = nlmsg_append(m, &u, sizeof(u), NLMSG_ALIGNTO);
	if (*r >= 0)
		*r = put_mark(m, &id->mark);
	if (*r < 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

diag_t kernel_del_policy(const struct kernel_policy_id *id, const struct logger *logger)
{
	char w[200];
	what(w, sizeof(w), "deleting", id);
	diag_t d = check_id(id, w);
	if (d != NULL)
		return d;
	int r;
	struct nl_msg *m = policy_id_msg(XFRM_MSG_DELPOLICY, id, &r);
	if (m == NULL)
		return diag("kernel: %s failed: netlink: %s", w, nl_geterror(r));
	struct kernel_reply k;
	r = kernel_nl_transact(m, 0, &k);
	if (r < 0 || k.err != 0) {
		d = kernel_failure(w, r, &k, r >= 0 && k.err == ENOENT ? "no such policy" : NULL);
		kernel_reply_free(&k);
		return d;
	}
	kernel_reply_free(&k);
	ldbg(logger, "kernel: deleted %s", w + strlen("deleting "));
	return NULL;
}

diag_t kernel_get_policy(const struct kernel_policy_id *id, struct kernel_policy *out)
{
	char w[200];
	what(w, sizeof(w), "reading", id);
	diag_t d = check_id(id, w);
	if (d != NULL)
		return d;
	int r;
	struct nl_msg *m = policy_id_msg(XFRM_MSG_GETPOLICY, id, &r);
	if (m == NULL)
		return diag("kernel: %s failed: netlink: %s", w, nl_geterror(r));
	struct kernel_reply k;
	r = kernel_nl_transact(m, XFRM_MSG_NEWPOLICY, &k);
	if (r < 0 || k.err != 0) {
		d = kernel_failure(w, r, &k, r >= 0 && k.err == ENOENT ? "no such policy" : NULL);
		kernel_reply_free(&k);
		return d;
	}
	struct kernel_policy p;
	bool ok = kernel_decode_policy(k.msg, k.msg_len, &p);
	kernel_reply_free(&k);
	if (!ok)
		return diag("kernel: %s failed: the kernel's reply is malformed", w);
	*out = p;
	return NULL;
}
