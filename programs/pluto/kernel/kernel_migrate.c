/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XFRM_MSG_MIGRATE: move a Child SA's states and policy templates to new
 * outer endpoints and UDP encapsulation ports, keeping the keys, SPIs and
 * sequence numbers (the kernel clones each state).  Used when a peer
 * behind a NAT shows up from a new address or port (RFC 7296 2.23).
 * Needs CONFIG_XFRM_MIGRATE (Debian's kernels, UML included, have it).
 *
 * One message per policy direction: the policy is found by its selector
 * and direction, the state by reqid, mode and its old address pair; the
 * encapsulation template of that message becomes the state's.
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

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

static diag_t migrate_dir(const struct kernel_migrate *mg, enum kernel_dir dir,
			  const struct logger *logger)
{
	bool in = dir != KERNEL_DIR_OUT;
	struct kernel_policy_id id = {
		.src = in ? mg->remote_ts : mg->local_ts,
		.dst = in ? mg->local_ts : mg->remote_ts,
		.dir = dir,
	};
	char w[200];
	struct jambuf b = jambuf_init(w, sizeof(w));
	jam_str(&b, "migrating ");
	jam_kernel_policy_id(&b, &id);

	struct xfrm_userpolicy_id u;
	memset(&u, 0, sizeof(u));
	kernel_to_xfrm_selector(&id.src, &id.dst, &u.sel);
	u.dir = dir == KERNEL_DIR_IN ? XFRM_POLICY_IN : dir == KERNEL_DIR_OUT ? XFRM_POLICY_OUT :
		XFRM_POLICY_FWD;

	struct xfrm_user_migrate x;
	memset(&x, 0, sizeof(x));
	kernel_to_xfrm_address(in ? &mg->old_local : &mg->old_remote, &x.old_daddr);
	kernel_to_xfrm_address(in ? &mg->old_remote : &mg->old_local, &x.old_saddr);
	kernel_to_xfrm_address(in ? &mg->new_local : &mg->new_remote, &x.new_daddr);
	kernel_to_xfrm_address(in ? &mg->new_remote : &mg->new_local, &x.new_saddr);
	x.proto = IPPROTO_ESP;
	x.mode = mg->mode == KERNEL_MODE_TUNNEL ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	x.reqid = mg->reqid;
	x.old_family = mg->old_local.family;
	x.new_family = mg->new_local.family;

	struct nl_msg *m = nlmsg_alloc_simple(XFRM_MSG_MIGRATE, 0);
	if (m == NULL)
		return diag("kernel: %s failed: out of memory", w);
	int r = nlmsg_append(m, &u, sizeof(u), NLMSG_ALIGNTO);
	if (r >= 0)
		r = nla_put(m, XFRMA_MIGRATE, sizeof(x), &x);
	if (r >= 0 && mg->encap) {
		struct xfrm_encap_tmpl e;
		memset(&e, 0, sizeof(e));
		e.encap_type = UDP_ENCAP_ESPINUDP;
		e.encap_sport = htons(in ? mg->remote_port : mg->local_port);
		e.encap_dport = htons(in ? mg->local_port : mg->remote_port);
		r = nla_put(m, XFRMA_ENCAP, sizeof(e), &e);
	}
	if (r < 0) {
		nlmsg_free(m);
		return diag("kernel: %s failed: netlink: %s", w, nl_geterror(r));
	}
	struct kernel_reply k;
	r = kernel_nl_transact(m, 0, &k);
	if (r < 0 || k.err != 0) {
		const char *meaning = NULL;
		if (r >= 0 && k.err == ENOENT)
			meaning = "no such policy";
		else if (r >= 0 && k.err == ENOPROTOOPT)
			meaning = "the kernel has no XFRM_MIGRATE (CONFIG_XFRM_MIGRATE)";
		diag_t d = kernel_failure(w, r, &k, meaning);
		kernel_reply_free(&k);
		return d;
	}
	kernel_reply_free(&k);
	ldbg(logger, "kernel: %s: reqid 0x%x%s", w, mg->reqid, mg->encap ? " espinudp" : "");
	return NULL;
}

diag_t kernel_migrate_child(const struct kernel_migrate *mg, const struct logger *logger)
{
	if (mg->old_local.family != mg->new_local.family ||
	    mg->old_remote.family != mg->new_remote.family ||
	    mg->old_local.family != mg->old_remote.family)
		return diag("kernel: migrating reqid 0x%x failed: the address family cannot change",
			    mg->reqid);
	if (mg->encap && (mg->local_port == 0 || mg->remote_port == 0))
		return diag("kernel: migrating reqid 0x%x failed: UDP encapsulation needs both ports",
			    mg->reqid);
	if (!kernel_reqid_owned(mg->reqid))
		return diag("kernel: migrating reqid 0x%x failed: outside the range pluto owns",
			    mg->reqid);
	/* out moves the outbound SA, in the inbound one; fwd only its template */
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN, KERNEL_DIR_FWD };
	size_t n = mg->mode == KERNEL_MODE_TUNNEL ? 3 : 2;
	for (size_t i = 0; i < n; i++) {
		diag_t d = migrate_dir(mg, dirs[i], logger);
		if (d != NULL)
			return d;
	}
	return NULL;
}
