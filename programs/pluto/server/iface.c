/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <linux/if_addr.h>
#include <linux/xfrm.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <systemd/sd-event.h>

#include "ikev2/pluto_ikev2.h"
#include "server/iface.h"
#include "server/loop.h"

#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

static struct nl_sock *route_sock;
static struct iface_endpoint *endpoints;

diag_t iface_init(void)
{
	route_sock = nl_socket_alloc();
	if (route_sock == NULL)
		return diag("interfaces: cannot allocate a netlink socket");
	int r = nl_connect(route_sock, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(route_sock);
		route_sock = NULL;
		return diag("interfaces: cannot open the route netlink socket: %s", nl_geterror(r));
	}
	return NULL;
}

void iface_free(void)
{
	if (route_sock != NULL)
		nl_socket_free(route_sock);
	route_sock = NULL;
}

const struct iface_endpoint *iface_endpoints(void)
{
	return endpoints;
}

static ip_address nl_to_address(struct nl_addr *a)
{
	if (a == NULL)
		return unset_address;
	return address_from_bytes(nl_addr_get_family(a), nl_addr_get_binary_addr(a),
				  nl_addr_get_len(a));
}

diag_t iface_local_addresses(struct local_address **out, size_t *n)
{
	if (route_sock == NULL)
		return diag("interfaces: the route netlink socket is not open");
	struct nl_cache *links = NULL, *addrs = NULL;
	int r = rtnl_link_alloc_cache(route_sock, AF_UNSPEC, &links);
	if (r < 0)
		return diag("interfaces: cannot list links: %s", nl_geterror(r));
	r = rtnl_addr_alloc_cache(route_sock, &addrs);
	if (r < 0) {
		nl_cache_free(links);
		return diag("interfaces: cannot list addresses: %s", nl_geterror(r));
	}
	size_t count = 0, cap = (size_t)nl_cache_nitems(addrs) + 1;
	struct local_address *list = calloc(cap, sizeof(*list));
	if (list == NULL)
		abort();
	for (struct nl_object *o = nl_cache_get_first(addrs); o != NULL; o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;
		int family = rtnl_addr_get_family(ra);
		if (family != AF_INET && family != AF_INET6)
			continue;
		if (family == AF_INET6 && rtnl_addr_get_scope(ra) == RT_SCOPE_LINK)
			continue;
		if (rtnl_addr_get_flags(ra) & IFA_F_DADFAILED)
			continue;
		struct rtnl_link *link = rtnl_link_get(links, rtnl_addr_get_ifindex(ra));
		if (link == NULL)
			continue;
		bool up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
		const char *name = rtnl_link_get_name(link);
		if (up && name != NULL && count < cap) {
			ip_address a = nl_to_address(rtnl_addr_get_local(ra));
			if (address_is_specified(&a)) {
				snprintf(list[count].name, sizeof(list[count].name), "%s", name);
				list[count].addr = a;
				count++;
			}
		}
		rtnl_link_put(link);
	}
	nl_cache_free(addrs);
	nl_cache_free(links);
	*out = list;
	*n = count;
	return NULL;
}

/* ---- sockets ---- */

static int on_packet(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	(void)s;
	(void)revents;
	const struct iface_endpoint *ifp = data;
	static uint8_t packet[65536];
	for (;;) {
		struct sockaddr_storage from;
		union {
			char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + 64];
			struct cmsghdr align;
		} control;
		struct iovec iov = { packet, sizeof(packet) };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
		};
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				ldbg(&global_logger, "recvmsg on %s failed: %s", ifp->name, strerror(errno));
			if (errno == EINTR)
				continue;
			return 0;
		}
		ip_endpoint sender;
		diag_t d = endpoint_from_sockaddr((struct sockaddr *)&from, msg.msg_namelen, &sender);
		if (d != NULL) {
			ldbg(&global_logger, "packet on %s from an unusable address: %s", ifp->name, diag_str(d));
			diag_free(&d);
			continue;
		}
		if (dbg(DBG_BASE)) {
			endpoint_buf eb, lb;
			llog(&global_logger, LOG_SEV_DEBUG,
			     "received %zd bytes%s from %s on %s %s using UDP",
			     n, (msg.msg_flags & MSG_TRUNC) ? " (truncated, dropped)" : "",
			     str_endpoint(&sender, &eb), ifp->name, str_endpoint(&ifp->local, &lb));
		}
		if ((msg.msg_flags & MSG_TRUNC) == 0)
			pluto_ikev2_packet(&ifp->local, &sender, packet, (size_t)n);
	}
}

static int setint(int fd, int level, int opt, int value)
{
	return setsockopt(fd, level, opt, &value, sizeof(value));
}

static diag_t open_endpoint(struct iface_endpoint *e)
{
	int afi = e->local.addr.family;
	int fd = socket(afi, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return diag("socket() failed: %s", strerror(errno));
	const char *what = NULL;
	if (setint(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0) {
		what = "SO_REUSEADDR";
	} else if (afi == AF_INET && setint(fd, IPPROTO_IP, IP_PKTINFO, 1) < 0) {
		what = "IP_PKTINFO";
	} else if (afi == AF_INET6 && (setint(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) < 0 ||
				       setint(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0)) {
		what = "IPV6_V6ONLY/IPV6_RECVPKTINFO";
	}
	/* IKE itself never goes through IPsec: bypass every XFRM policy
	 * (a transport-mode SA between the two hosts would catch it) */
	for (int dir = XFRM_POLICY_IN; what == NULL && dir <= XFRM_POLICY_OUT; dir++) {
		struct xfrm_userpolicy_info pol = {
			.action = XFRM_POLICY_ALLOW,
			.sel.family = (uint16_t)afi,
			.dir = (uint8_t)dir,
		};
		if (setsockopt(fd, afi == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
			       afi == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY, &pol, sizeof(pol)) < 0)
			what = afi == AF_INET ? "IP_XFRM_POLICY" : "IPV6_XFRM_POLICY";
	}
	/* a fresh IPv6 address is tentative for a while: bind anyway */
	if (what == NULL && afi == AF_INET6)
		(void)setint(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1);
	if (what != NULL) {
		int err = errno;
		close(fd);
		return diag("setsockopt(%s) failed: %s", what, strerror(err));
	}
	struct sockaddr_storage ss;
	socklen_t len = endpoint_to_sockaddr(&e->local, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int err = errno;
		close(fd);
		return diag("bind() failed: %s", strerror(err));
	}
	if (e->local.port == NAT_IKE_UDP_PORT) {
		if (setint(fd, SOL_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP) < 0) {
			if (afi == AF_INET) {
				int err = errno;
				close(fd);
				return diag("setsockopt(UDP_ENCAP_ESPINUDP) failed: %s", strerror(err));
			}
			/* older kernels have no ESP-in-UDP for IPv6 */
			ldbg(&global_logger, "UDP_ENCAP_ESPINUDP not supported for IPv6 on %s: %s",
			     e->name, strerror(errno));
		} else {
			e->esp_encap = true;
		}
	}
	int r = sd_event_add_io(pluto_event, &e->source, fd, EPOLLIN, on_packet, e);
	if (r < 0) {
		close(fd);
		return diag("cannot watch the socket: %s", strerror(-r));
	}
	e->fd = fd;
	return NULL;
}

static struct iface_endpoint **find_endpoint(const char *name, const ip_endpoint *local)
{
	for (struct iface_endpoint **pp = &endpoints; *pp != NULL; pp = &(*pp)->next)
		if (endpoint_eq(&(*pp)->local, local) && strcmp((*pp)->name, name) == 0)
			return pp;
	return NULL;
}

static bool add_endpoint(const struct local_address *la, uint16_t port, const struct logger *logger)
{
	struct iface_endpoint *e = calloc(1, sizeof(*e));
	if (e == NULL)
		abort();
	memcpy(e->name, la->name, sizeof(e->name));
	e->local = (ip_endpoint){ .addr = la->addr, .port = port };
	e->fd = -1;
	endpoint_buf eb;
	diag_t d = open_endpoint(e);
	if (d != NULL) {
		llog_diag(logger, LOG_SEV_ERROR, &d, "adding UDP interface %s %s failed",
			  e->name, str_endpoint(&e->local, &eb));
		free(e);
		return false;
	}
	llog(logger, LOG_SEV_INFO, "adding UDP interface %s %s", e->name, str_endpoint(&e->local, &eb));
	/* append: status lists interfaces in the order they were added */
	struct iface_endpoint **pp = &endpoints;
	while (*pp != NULL)
		pp = &(*pp)->next;
	*pp = e;
	return true;
}

static void close_endpoint(struct iface_endpoint **pp, const struct logger *logger)
{
	struct iface_endpoint *e = *pp;
	endpoint_buf eb;
	llog(logger, LOG_SEV_INFO, "shutting down interface %s %s", e->name, str_endpoint(&e->local, &eb));
	sd_event_source_disable_unref(e->source);
	close(e->fd);
	*pp = e->next;
	free(e);
}

bool iface_rescan(const ip_address *listen, const struct logger *logger)
{
	struct local_address *la = NULL;
	size_t n = 0;
	diag_t d = iface_local_addresses(&la, &n);
	if (d != NULL) {
		llog_diag(logger, LOG_SEV_ERROR, &d, "interface scan failed; keeping the interfaces we have");
		return false;
	}
	bool changed = false;
	/* gone: an endpoint whose (name, address) the kernel no longer has */
	for (struct iface_endpoint **pp = &endpoints; *pp != NULL;) {
		bool keep = false;
		for (size_t i = 0; i < n && !keep; i++)
			keep = strcmp(la[i].name, (*pp)->name) == 0 &&
			       address_eq(&la[i].addr, &(*pp)->local.addr) &&
			       (listen == NULL || address_is_unset(listen) || address_eq(listen, &la[i].addr));
		if (keep) {
			pp = &(*pp)->next;
		} else {
			close_endpoint(pp, logger);
			changed = true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (listen != NULL && !address_is_unset(listen) && !address_eq(listen, &la[i].addr))
			continue;
		const uint16_t ports[] = { IKE_UDP_PORT, NAT_IKE_UDP_PORT };
		for (size_t p = 0; p < 2; p++) {
			ip_endpoint ep = { .addr = la[i].addr, .port = ports[p] };
			if (find_endpoint(la[i].name, &ep) == NULL && add_endpoint(&la[i], ports[p], logger))
				changed = true;
		}
	}
	free(la);
	return changed;
}

void iface_shutdown_all(const struct logger *logger)
{
	while (endpoints != NULL)
		close_endpoint(&endpoints, logger);
}

const char *iface_of_address(const ip_address *addr)
{
	for (const struct iface_endpoint *e = endpoints; e != NULL; e = e->next)
		if (address_eq(&e->local.addr, addr))
			return e->name;
	return NULL;
}

/* ---- %defaultroute ---- */

struct best_route {
	int afi;
	bool found;
	uint32_t metric;
	ip_address src;
	int ifindex;
};

static void pick_default(struct nl_object *o, void *arg)
{
	struct best_route *b = arg;
	struct rtnl_route *rt = (struct rtnl_route *)o;
	if (rtnl_route_get_family(rt) != b->afi || rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
	    rtnl_route_get_type(rt) != RTN_UNICAST)
		return;
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	if (dst != NULL && nl_addr_get_prefixlen(dst) != 0)
		return;
	uint32_t metric = rtnl_route_get_priority(rt);
	if (b->found && metric >= b->metric)
		return;
	b->found = true;
	b->metric = metric;
	b->src = nl_to_address(rtnl_route_get_pref_src(rt));
	b->ifindex = 0;
	if (rtnl_route_get_nnexthops(rt) > 0)
		b->ifindex = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(rt, 0));
}

diag_t iface_defaultroute(int afi, ip_address *out, char name[IF_NAMESIZE])
{
	struct nl_cache *routes = NULL, *links = NULL, *addrs = NULL;
	if (route_sock == NULL)
		return diag("%%defaultroute: the route netlink socket is not open");
	int r = rtnl_route_alloc_cache(route_sock, afi, 0, &routes);
	if (r < 0)
		return diag("%%defaultroute: cannot list routes: %s", nl_geterror(r));
	struct best_route best = { .afi = afi };
	nl_cache_foreach(routes, pick_default, &best);
	nl_cache_free(routes);
	if (!best.found)
		return diag("%%defaultroute: no %s default route", afi_name(afi));
	r = rtnl_link_alloc_cache(route_sock, AF_UNSPEC, &links);
	if (r < 0)
		return diag("%%defaultroute: cannot list links: %s", nl_geterror(r));
	char ifname[IF_NAMESIZE] = "";
	rtnl_link_i2name(links, best.ifindex, ifname, sizeof(ifname));
	nl_cache_free(links);
	if (address_is_unset(&best.src)) {
		r = rtnl_addr_alloc_cache(route_sock, &addrs);
		if (r < 0)
			return diag("%%defaultroute: cannot list addresses: %s", nl_geterror(r));
		for (struct nl_object *o = nl_cache_get_first(addrs); o != NULL; o = nl_cache_get_next(o)) {
			struct rtnl_addr *ra = (struct rtnl_addr *)o;
			if (rtnl_addr_get_ifindex(ra) != best.ifindex || rtnl_addr_get_family(ra) != afi)
				continue;
			if (afi == AF_INET6 && rtnl_addr_get_scope(ra) == RT_SCOPE_LINK)
				continue;
			best.src = nl_to_address(rtnl_addr_get_local(ra));
			break;
		}
		nl_cache_free(addrs);
	}
	if (!address_is_specified(&best.src))
		return diag("%%defaultroute: the %s default route's device %s has no usable address",
			    afi_name(afi), ifname[0] != '\0' ? ifname : "(unknown)");
	*out = best.src;
	if (name != NULL)
		memcpy(name, ifname, IF_NAMESIZE);
	return NULL;
}
