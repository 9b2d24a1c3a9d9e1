/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mtu=: the route of a tunnel's remote client subnet (see kernel_route.h).
 *
 * The route to the peer comes from the kernel (RTM_GETROUTE, as
 * `ip route get PEER`): its gateway, if any, and its output device.  The
 * new route goes in the main table as RTPROT_STATIC, unicast, with the
 * RTAX_MTU metric; NLM_F_REPLACE replaces a route the admin had for the
 * same prefix, as Libreswan's `ip route replace` does.  Unlike the updown
 * script's `ip route del`, the route that was replaced (found with
 * RTM_F_FIB_MATCH, as `ip route get fibmatch`) is put back when the
 * tunnel's route goes, so an admin's route to the remote subnet survives
 * the tunnel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

#include "kernel/kernel_route.h"

struct installed {
	ip_subnet dst;
	unsigned refs;
	struct rtnl_route *replaced;	/* the admin's route for DST, or NULL */
	struct installed *next;
};

static struct installed *installed;	/* a handful: one per routed remote subnet */
static struct nl_sock *sock;

static diag_t open_sock(void)
{
	if (sock != NULL)
		return NULL;
	sock = nl_socket_alloc();
	if (sock == NULL)
		return diag("mtu route: out of memory for the route netlink socket");
	int r = nl_connect(sock, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(sock);
		sock = NULL;
		return diag("mtu route: cannot open the route netlink socket: %s", nl_geterror(r));
	}
	return NULL;
}

static struct installed **find(const ip_subnet *dst)
{
	struct installed **pp = &installed;
	while (*pp != NULL && !subnet_eq(&(*pp)->dst, dst))
		pp = &(*pp)->next;
	return pp;
}

struct lookup {
	struct rtnl_route *route;	/* the kernel's answer, NULL: none yet */
	bool acked;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct lookup *l = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	if (h->nlmsg_type != RTM_NEWROUTE || l->route != NULL)
		return NL_OK;
	struct rtnl_route *rt = NULL;
	if (rtnl_route_parse(h, &rt) == 0)
		l->route = rt;
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct lookup *)arg)->acked = true;
	return NL_STOP;
}

/* `ip route get PEER` (FLAGS 0) or `ip route get fibmatch PEER`
 * (RTM_F_FIB_MATCH): the caller puts *OUT */
static diag_t route_to(const ip_address *peer, unsigned flags, struct rtnl_route **out)
{
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETROUTE, 0);
	if (m == NULL)
		return diag("mtu route: out of memory");
	struct rtmsg rtm = {
		.rtm_family = peer->family,
		.rtm_dst_len = (unsigned char)address_bits(peer),
		.rtm_flags = flags,
	};
	if (nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(m, RTA_DST, (int)address_len(peer), peer->bytes) < 0) {
		nlmsg_free(m);
		return diag("mtu route: out of memory");
	}
	int r = nl_send_auto(sock, m);
	nlmsg_free(m);
	address_buf ab;
	if (r < 0)
		return diag("mtu route: cannot ask the route to %s: %s", str_address(peer, &ab),
			    nl_geterror(r));
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (cb == NULL)
		return diag("mtu route: out of memory");
	struct lookup l = { .route = NULL };
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &l);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &l);
	r = 0;
	/* the answer, then the ack: one or two reads */
	for (int reads = 0; !l.acked && reads < 8 && r >= 0; reads++)
		r = nl_recvmsgs(sock, cb);
	nl_cb_put(cb);
	if (r < 0 || l.route == NULL) {
		if (l.route != NULL)
			rtnl_route_put(l.route);
		return diag("mtu route: no route to the peer %s: %s", str_address(peer, &ab),
			    r < 0 ? nl_geterror(r) : "the kernel gave none");
	}
	*out = l.route;
	return NULL;
}

static struct rtnl_route *new_route(const ip_subnet *dst, diag_t *d)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct nl_addr *a = nl_addr_build(dst->addr.family, dst->addr.bytes, address_len(&dst->addr));
	if (rt == NULL || a == NULL) {
		if (rt != NULL)
			rtnl_route_put(rt);
		if (a != NULL)
			nl_addr_put(a);
		*d = diag("mtu route: out of memory");
		return NULL;
	}
	nl_addr_set_prefixlen(a, dst->prefix);
	rtnl_route_set_family(rt, dst->addr.family);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_STATIC);
	rtnl_route_set_type(rt, RTN_UNICAST);
	int r = rtnl_route_set_dst(rt, a);
	nl_addr_put(a);
	if (r < 0) {
		rtnl_route_put(rt);
		*d = diag("mtu route: bad destination: %s", nl_geterror(r));
		return NULL;
	}
	return rt;
}

diag_t kernel_route_add(const ip_subnet *remote_client, const ip_address *peer, unsigned mtu,
			const struct logger *logger)
{
	struct installed **pp = find(remote_client);
	if (*pp != NULL) {
		(*pp)->refs++;
		return NULL;
	}
	diag_t d = open_sock();
	if (d != NULL)
		return d;
	struct rtnl_route *via = NULL;
	d = route_to(peer, 0, &via);
	if (d != NULL)
		return d;
	/* the admin's route for exactly this prefix, if any: put back later */
	struct rtnl_route *replaced = NULL;
	diag_t none = route_to(&remote_client->addr, RTM_F_FIB_MATCH, &replaced);
	diag_free(&none);	/* no route at all: nothing to put back */
	if (replaced != NULL) {
		struct nl_addr *rd = rtnl_route_get_dst(replaced);
		if (rtnl_route_get_table(replaced) != RT_TABLE_MAIN || rd == NULL ||
		    nl_addr_get_prefixlen(rd) != remote_client->prefix) {
			rtnl_route_put(replaced);
			replaced = NULL;
		} else {
			rtnl_route_unset_flags(replaced, RTM_F_FIB_MATCH | RTM_F_CLONED);
		}
	}
	struct rtnl_nexthop *vnh = rtnl_route_get_nnexthops(via) > 0 ? rtnl_route_nexthop_n(via, 0) : NULL;
	subnet_buf sb;
	address_buf ab;
	if (vnh == NULL || rtnl_route_nh_get_ifindex(vnh) <= 0) {
		rtnl_route_put(via);
		return diag("mtu route: the route to the peer %s has no output device",
			    str_address(peer, &ab));
	}
	struct rtnl_route *rt = new_route(remote_client, &d);
	struct rtnl_nexthop *nh = rt == NULL ? NULL : rtnl_route_nh_alloc();
	if (rt != NULL && nh == NULL)
		d = diag("mtu route: out of memory");
	if (d != NULL) {
		if (rt != NULL)
			rtnl_route_put(rt);
		rtnl_route_put(via);
		if (replaced != NULL)
			rtnl_route_put(replaced);
		return d;
	}
	int ifindex = rtnl_route_nh_get_ifindex(vnh);
	struct nl_addr *gw = rtnl_route_nh_get_gateway(vnh);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (gw != NULL)
		rtnl_route_nh_set_gateway(nh, gw);	/* takes its own reference */
	rtnl_route_add_nexthop(rt, nh);		/* the route owns NH now */
	rtnl_route_set_scope(rt, gw != NULL ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	rtnl_route_set_metric(rt, RTAX_MTU, mtu);
	rtnl_route_put(via);
	int r = rtnl_route_add(sock, rt, NLM_F_REPLACE);
	rtnl_route_put(rt);
	if (r < 0) {
		if (replaced != NULL)
			rtnl_route_put(replaced);
		return diag("mtu route: cannot add the route to %s (mtu %u): %s",
			    str_subnet(remote_client, &sb), mtu, nl_geterror(r));
	}
	struct installed *i = calloc(1, sizeof(*i));
	if (i == NULL) {
		/* cannot remember it: do not leave it behind */
		if (replaced != NULL) {
			(void)rtnl_route_add(sock, replaced, NLM_F_REPLACE);
			rtnl_route_put(replaced);
		} else {
			struct rtnl_route *del = new_route(remote_client, &d);
			if (del != NULL) {
				(void)rtnl_route_delete(sock, del, 0);
				rtnl_route_put(del);
			}
			diag_free(&d);
		}
		return diag("mtu route: out of memory");
	}
	i->dst = *remote_client;
	i->refs = 1;
	i->replaced = replaced;
	i->next = installed;
	installed = i;
	ldbg(logger, "mtu route: %s dev #%d%s mtu %u added%s", str_subnet(remote_client, &sb), ifindex,
	     gw != NULL ? " via the peer's gateway" : "", mtu,
	     replaced != NULL ? " (replacing the existing route)" : "");
	return NULL;
}

diag_t kernel_route_del(const ip_subnet *remote_client, const struct logger *logger)
{
	struct installed **pp = find(remote_client);
	struct installed *i = *pp;
	if (i == NULL)
		return NULL;
	if (--i->refs > 0)
		return NULL;
	*pp = i->next;
	struct rtnl_route *replaced = i->replaced;
	free(i);
	subnet_buf sb;
	if (replaced != NULL) {
		/* the admin's route comes back in place of ours */
		int r = rtnl_route_add(sock, replaced, NLM_F_REPLACE);
		rtnl_route_put(replaced);
		if (r < 0)
			return diag("mtu route: cannot put back the route to %s: %s",
				    str_subnet(remote_client, &sb), nl_geterror(r));
		ldbg(logger, "mtu route: %s put back as it was", str_subnet(remote_client, &sb));
		return NULL;
	}
	diag_t d = NULL;
	struct rtnl_route *rt = new_route(remote_client, &d);
	if (rt == NULL)
		return d;
	int r = rtnl_route_delete(sock, rt, 0);
	rtnl_route_put(rt);
	/* gone already (the admin, a link going down): nothing to do */
	if (r < 0 && r != -NLE_OBJ_NOTFOUND)
		return diag("mtu route: cannot delete the route to %s: %s",
			    str_subnet(remote_client, &sb), nl_geterror(r));
	ldbg(logger, "mtu route: %s deleted", str_subnet(remote_client, &sb));
	return NULL;
}

unsigned kernel_route_count(void)
{
	unsigned n = 0;
	for (const struct installed *i = installed; i != NULL; i = i->next)
		n++;
	return n;
}

void kernel_route_flush(const struct logger *logger)
{
	while (installed != NULL) {
		installed->refs = 1;
		ip_subnet dst = installed->dst;
		diag_t d = kernel_route_del(&dst, logger);
		if (d != NULL)
			llog_diag(logger, LOG_SEV_WARNING, &d, "at shutdown");
	}
	if (sock != NULL) {
		nl_socket_free(sock);
		sock = NULL;
	}
}
