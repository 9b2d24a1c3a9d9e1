/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The route of a tunnel with mtu= (Libreswan's updown does the same with
 * `ip route replace CLIENT via NEXTHOP dev IFACE mtu MTU`): when a
 * tunnel-mode Child SA of a connection with mtu= is installed, pluto puts
 * a route for the remote client subnet in the main table, through the
 * nexthop and device of the route to the peer, with that MTU; it goes
 * when the last Child SA using it goes.  A rekey keeps it (the new and
 * old Child SAs share it: one reference per kernel_route_add()).
 *
 * Only routes added here are ever deleted (they are remembered, per
 * remote subnet, with a reference count).
 */
#ifndef PLUTO_KERNEL_ROUTE_H
#define PLUTO_KERNEL_ROUTE_H

#include "tern/diag.h"
#include "tern/ip.h"
#include "tern/log.h"

/* route REMOTE_CLIENT like PEER, with MTU (> 0); a second call for the
 * same subnet only takes another reference */
diag_t kernel_route_add(const ip_subnet *remote_client, const ip_address *peer, unsigned mtu,
			const struct logger *logger);
/* drop a reference; the last one deletes the route.  A subnet that
 * kernel_route_add() never routed is no error: nothing happens */
diag_t kernel_route_del(const ip_subnet *remote_client, const struct logger *logger);
/* the routes still installed (tests, shutdown) */
unsigned kernel_route_count(void);
/* delete every route still installed (pluto's shutdown) */
void kernel_route_flush(const struct logger *logger);

#endif
