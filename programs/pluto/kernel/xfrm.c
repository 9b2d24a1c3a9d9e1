/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "kernel/kernel.h"
#include "kernel/kernel_nl.h"

static struct nl_sock *xfrm_sock;

/* for kernel_sa.c and kernel_policy.c (kernel_nl.h) */
struct nl_sock *kernel_xfrm_socket(void)
{
	return xfrm_sock;
}

const char *kernel_interface_name(void)
{
	return "xfrm";
}

diag_t kernel_init(const struct logger *logger)
{
	xfrm_sock = nl_socket_alloc();
	if (xfrm_sock == NULL)
		return diag("kernel: cannot allocate a netlink socket");
	int r = nl_connect(xfrm_sock, NETLINK_XFRM);
	if (r < 0) {
		nl_socket_free(xfrm_sock);
		xfrm_sock = NULL;
		return diag("kernel: cannot open the XFRM netlink socket: %s", nl_geterror(r));
	}
	llog(logger, LOG_SEV_INFO, "using kernel interface: %s", kernel_interface_name());
	return NULL;
}

/*
 * What to delete: the id the kernel wants (struct xfrm_usersa_id or
 * struct xfrm_userpolicy_id) plus the attributes that take part in the
 * lookup (mark, if_id, policy type), copied from the dump.
 */
struct victim {
	union {
		struct xfrm_usersa_id sa;
		struct xfrm_userpolicy_id sp;
	} id;
	size_t id_len;
	bool has_mark, has_if_id, has_ptype, has_saddr;
	struct xfrm_mark mark;
	uint32_t if_id;
	struct xfrm_userpolicy_type ptype;
	xfrm_address_t saddr;
};

struct victims {
	struct victim *v;
	size_t n, cap;
	bool policies;
};

static struct victim *add_victim(struct victims *vs)
{
	if (vs->n == vs->cap) {
		vs->cap = vs->cap == 0 ? 16 : vs->cap * 2;
		vs->v = realloc(vs->v, vs->cap * sizeof(*vs->v));
		if (vs->v == NULL)
			abort();
	}
	struct victim *v = &vs->v[vs->n++];
	memset(v, 0, sizeof(*v));
	return v;
}

static void copy_lookup_attrs(struct nlmsghdr *h, size_t hdrlen, struct victim *v)
{
	struct nlattr *a = nlmsg_find_attr(h, (int)hdrlen, XFRMA_MARK);
	if (a != NULL && nla_len(a) >= (int)sizeof(v->mark)) {
		memcpy(&v->mark, nla_data(a), sizeof(v->mark));
		v->has_mark = true;
	}
	a = nlmsg_find_attr(h, (int)hdrlen, XFRMA_IF_ID);
	if (a != NULL && nla_len(a) >= (int)sizeof(uint32_t)) {
		v->if_id = nla_get_u32(a);
		v->has_if_id = true;
	}
	a = nlmsg_find_attr(h, (int)hdrlen, XFRMA_POLICY_TYPE);
	if (a != NULL && nla_len(a) >= (int)sizeof(v->ptype)) {
		memcpy(&v->ptype, nla_data(a), sizeof(v->ptype));
		v->has_ptype = true;
	}
}

static int on_sa(struct nl_msg *msg, void *arg)
{
	struct victims *vs = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	if (h->nlmsg_type != XFRM_MSG_NEWSA || nlmsg_datalen(h) < (int)sizeof(struct xfrm_usersa_info))
		return NL_SKIP;
	const struct xfrm_usersa_info *p = nlmsg_data(h);
	if (!kernel_reqid_owned(p->reqid))
		return NL_OK;
	struct victim *v = add_victim(vs);
	v->id.sa.daddr = p->id.daddr;
	v->id.sa.spi = p->id.spi;
	v->id.sa.family = p->family;
	v->id.sa.proto = p->id.proto;
	v->id_len = sizeof(v->id.sa);
	v->saddr = p->saddr;
	v->has_saddr = true;
	copy_lookup_attrs(h, sizeof(*p), v);
	return NL_OK;
}

static int on_sp(struct nl_msg *msg, void *arg)
{
	struct victims *vs = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	if (h->nlmsg_type != XFRM_MSG_NEWPOLICY ||
	    nlmsg_datalen(h) < (int)sizeof(struct xfrm_userpolicy_info))
		return NL_SKIP;
	const struct xfrm_userpolicy_info *p = nlmsg_data(h);
	bool owned = kernel_priority_owned(p->priority);
	struct nlattr *t = nlmsg_find_attr(h, sizeof(*p), XFRMA_TMPL);
	if (!owned && t != NULL) {
		const struct xfrm_user_tmpl *tmpl = nla_data(t);
		size_t n = (size_t)nla_len(t) / sizeof(*tmpl);
		for (size_t i = 0; i < n && !owned; i++)
			owned = kernel_reqid_owned(tmpl[i].reqid);
	}
	if (!owned)
		return NL_OK;
	struct victim *v = add_victim(vs);
	v->id.sp.index = p->index;
	v->id.sp.dir = p->dir;
	v->id_len = sizeof(v->id.sp);
	copy_lookup_attrs(h, sizeof(*p), v);
	return NL_OK;
}

static int dump(int type, const void *req, size_t req_len, nl_recvmsg_msg_cb_t cb, struct victims *vs)
{
	/* a socket per dump keeps the callbacks of the main socket alone */
	struct nl_sock *s = nl_socket_alloc();
	if (s == NULL)
		return -NLE_NOMEM;
	int r = nl_connect(s, NETLINK_XFRM);
	if (r >= 0)
		r = nl_socket_modify_cb(s, NL_CB_VALID, NL_CB_CUSTOM, cb, vs);
	if (r >= 0)
		r = nl_send_simple(s, type, NLM_F_DUMP, (void *)req, req_len);
	if (r >= 0)
		r = nl_recvmsgs_default(s);
	nl_socket_free(s);
	return r;
}

static int delete_victim(int type, const struct victim *v)
{
	struct nl_msg *m = nlmsg_alloc_simple(type, 0);
	if (m == NULL)
		return -NLE_NOMEM;
	int r = nlmsg_append(m, (void *)&v->id, v->id_len, NLMSG_ALIGNTO);
	if (r >= 0 && v->has_saddr)
		r = nla_put(m, XFRMA_SRCADDR, sizeof(v->saddr), &v->saddr);
	if (r >= 0 && v->has_mark)
		r = nla_put(m, XFRMA_MARK, sizeof(v->mark), &v->mark);
	if (r >= 0 && v->has_if_id)
		r = nla_put_u32(m, XFRMA_IF_ID, v->if_id);
	if (r >= 0 && v->has_ptype)
		r = nla_put(m, XFRMA_POLICY_TYPE, sizeof(v->ptype), &v->ptype);
	if (r >= 0)
		r = nl_send_auto(xfrm_sock, m);
	nlmsg_free(m);
	if (r >= 0)
		r = nl_wait_for_ack(xfrm_sock);
	return r;
}

struct outcome {
	unsigned deleted, failed;
	int err;
};

static struct outcome delete_all(int type, const struct victims *vs)
{
	struct outcome o = { 0 };
	for (size_t i = 0; i < vs->n; i++) {
		int r = delete_victim(type, &vs->v[i]);
		/* gone meanwhile (a state expiring) counts as deleted */
		if (r < 0 && r != -NLE_OBJ_NOTFOUND) {
			o.failed++;
			o.err = r;
		} else {
			o.deleted++;
		}
	}
	return o;
}

diag_t kernel_flush_owned(const struct logger *logger, const char *why)
{
	if (xfrm_sock == NULL)
		return NULL;
	struct victims sas = { 0 }, sps = { .policies = true };
	struct xfrm_usersa_info sa_req = { 0 };
	struct xfrm_userpolicy_info sp_req = { 0 };
	int r = dump(XFRM_MSG_GETSA, &sa_req, sizeof(sa_req), on_sa, &sas);
	if (r < 0) {
		free(sas.v);
		return diag("kernel: cannot list XFRM states: %s", nl_geterror(r));
	}
	r = dump(XFRM_MSG_GETPOLICY, &sp_req, sizeof(sp_req), on_sp, &sps);
	if (r < 0) {
		free(sas.v);
		free(sps.v);
		return diag("kernel: cannot list XFRM policies: %s", nl_geterror(r));
	}
	/* policies first, so no packet meets a policy whose state is gone */
	struct outcome policies = delete_all(XFRM_MSG_DELPOLICY, &sps);
	struct outcome states = delete_all(XFRM_MSG_DELSA, &sas);
	free(sas.v);
	free(sps.v);

	if (states.deleted + policies.deleted > 0)
		llog(logger, LOG_SEV_INFO, "kernel: removed %u XFRM states and %u XFRM policies %s",
		     states.deleted, policies.deleted, why);
	else
		ldbg(logger, "kernel: no XFRM states or policies of ours %s", why);
	if (states.failed + policies.failed > 0)
		return diag("kernel: could not remove %u XFRM states and %u XFRM policies: %s",
			    states.failed, policies.failed,
			    nl_geterror(states.failed > 0 ? states.err : policies.err));
	return NULL;
}

void kernel_shutdown(const struct logger *logger)
{
	if (xfrm_sock == NULL)
		return;
	diag_t d = kernel_flush_owned(logger, "installed by this pluto");
	if (d != NULL)
		llog_diag(logger, LOG_SEV_WARNING, &d, "shutdown");
	nl_socket_free(xfrm_sock);
	xfrm_sock = NULL;
}
