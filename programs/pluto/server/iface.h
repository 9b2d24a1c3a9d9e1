/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interfaces: the local addresses pluto listens on.  Addresses come from
 * the kernel through libnl-route; on each address of a link that is up
 * (IPv6 link-local excluded: it needs a scope), pluto opens UDP 500 and
 * UDP 4500 (the latter with UDP_ENCAP_ESPINUDP, so the kernel takes the
 * ESP packets and leaves IKE to us).  listen= restricts this to one
 * address.  'ipsec listen' rescans: new addresses are added, gone ones
 * shut down, and the caller re-orients connections.
 */
#ifndef PLUTO_SERVER_IFACE_H
#define PLUTO_SERVER_IFACE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include "tern/diag.h"
#include "tern/ip.h"
#include "tern/log.h"

#define IKE_UDP_PORT 500
#define NAT_IKE_UDP_PORT 4500

struct local_address {
	char name[IF_NAMESIZE];
	ip_address addr;
};

/* one UDP socket pluto listens on */
struct iface_endpoint {
	char name[IF_NAMESIZE];
	ip_endpoint local;
	bool esp_encap;		/* UDP_ENCAP_ESPINUDP set (port 4500) */
	int fd;
	struct sd_event_source *source;
	struct iface_endpoint *next;
};

diag_t iface_init(void);
/* the kernel's addresses (links up, no IPv6 link-local) */
diag_t iface_local_addresses(struct local_address **out, size_t *n);
/*
 * Bring the sockets in line with the kernel's addresses (and listen=);
 * logs "adding UDP interface ..." and "shutting down interface ...";
 * returns true when something changed.
 */
bool iface_rescan(const ip_address *listen, const struct logger *logger);
void iface_shutdown_all(const struct logger *logger);
void iface_free(void);

/* the list, in the order status prints it */
const struct iface_endpoint *iface_endpoints(void);
/* whether ADDR is one we listen on; name of its interface or NULL */
const char *iface_of_address(const ip_address *addr);

/*
 * %defaultroute: the source address of the main table's default route
 * for AFI (its preferred source, else the first address of its device);
 * also gives the device name when NAME is non-NULL.
 */
diag_t iface_defaultroute(int afi, ip_address *out, char name[IF_NAMESIZE]);

#endif
