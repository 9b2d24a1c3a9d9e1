/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/sp.h>
#include <netlink/xfrm/template.h>

#include "kernel/kernel.h"

static struct nl_sock *xfrm_sock;

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

struct flush {
	const struct logger *logger;
	unsigned deleted, failed;
	int err;
};

static void flush_sa(struct nl_object *obj, void *arg)
{
	struct flush *f = arg;
	struct xfrmnl_sa *sa = (struct xfrmnl_sa *)obj;
	int reqid = xfrmnl_sa_get_reqid(sa);
	if (reqid < 0 || !kernel_reqid_owned((uint32_t)reqid))
		return;
	int r = xfrmnl_sa_delete(xfrm_sock, sa, 0);
	if (r < 0) {
		f->failed++;
		f->err = r;
	} else {
		f->deleted++;
	}
}

static void tmpl_owned(struct xfrmnl_user_tmpl *t, void *arg)
{
	bool *owned = arg;
	int reqid = xfrmnl_user_tmpl_get_reqid(t);
	if (reqid >= 0 && kernel_reqid_owned((uint32_t)reqid))
		*owned = true;
}

static void flush_sp(struct nl_object *obj, void *arg)
{
	struct flush *f = arg;
	struct xfrmnl_sp *sp = (struct xfrmnl_sp *)obj;
	bool owned = kernel_priority_owned((uint32_t)xfrmnl_sp_get_priority(sp));
	if (!owned)
		xfrmnl_sp_foreach_usertemplate(sp, tmpl_owned, &owned);
	if (!owned)
		return;
	int r = xfrmnl_sp_delete(xfrm_sock, sp, 0);
	if (r < 0) {
		f->failed++;
		f->err = r;
	} else {
		f->deleted++;
	}
}

diag_t kernel_flush_owned(const struct logger *logger, const char *why)
{
	if (xfrm_sock == NULL)
		return NULL;
	struct nl_cache *cache = NULL;
	struct flush states = { .logger = logger };
	struct flush policies = { .logger = logger };

	int r = xfrmnl_sa_alloc_cache(xfrm_sock, &cache);
	if (r < 0)
		return diag("kernel: cannot list XFRM states: %s", nl_geterror(r));
	nl_cache_foreach(cache, flush_sa, &states);
	nl_cache_free(cache);

	r = xfrmnl_sp_alloc_cache(xfrm_sock, &cache);
	if (r < 0)
		return diag("kernel: cannot list XFRM policies: %s", nl_geterror(r));
	nl_cache_foreach(cache, flush_sp, &policies);
	nl_cache_free(cache);

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
