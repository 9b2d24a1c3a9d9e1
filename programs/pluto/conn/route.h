/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Routing: what a connection has in the kernel's policy database when no
 * (or before a) Child SA carries its traffic, Libreswan's "routing" state.
 *
 *   auto=ondemand / auto=route / ipsec route NAME
 *       a trap: an outbound policy with an ESP template (the connection's
 *       reqid) and no SA, so the kernel sends an ACQUIRE for the first
 *       packet; route_acquire() initiates the connection (routed-ondemand).
 *   ACQUIRE          negotiationshunt=hold keeps the trap (the kernel holds
 *                    the flow on its larval SA); =passthrough lets it pass
 *                    in clear, =drop blocks it (routed-negotiation).
 *   Child SA up      its policies replace the trap (routed-tunnel).
 *   Child SA gone    the trap goes back when the connection is routed,
 *                    else nothing is left (unrouted).
 *   negotiation failed  failureshunt=none re-arms the trap; passthrough /
 *                    drop install that shunt for shuntlifetime, then the
 *                    trap comes back (routed-failure).
 *   type=passthrough|drop|reject with auto=ondemand/route/start or
 *                    `ipsec route`: a shunt policy pair (out, in, fwd) for
 *                    the connection's selectors, never negotiated
 *                    (routed-never-negotiate).  At equal specificity a shunt
 *                    wins over a tunnel (priority one better).
 *
 * Connections are found by reqid in O(1) (a hash of the routing entries,
 * one per connection); an entry names its connection by serial, so an
 * entry whose connection went away is only stale, never dangling.
 */
#ifndef PLUTO_CONN_ROUTE_H
#define PLUTO_CONN_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern/diag.h"
#include "tern/ip.h"
#include "tern/jambuf.h"
#include "tern/log.h"
#include "kernel/kernel.h"

struct connection;

enum routing {
	RT_UNROUTED,
	RT_ROUTED_NEVER_NEGOTIATE,
	RT_ROUTED_ONDEMAND,
	RT_ROUTED_NEGOTIATION,
	RT_ROUTED_FAILURE,
	RT_ROUTED_TUNNEL,
};

/* "unrouted", "routed-ondemand", ... (Libreswan 5's `routing:` names) */
const char *routing_name(enum routing r);
/* "unrouted", "prospective erouted", "erouted HOLD", "fail erouted", "erouted" */
const char *routing_story(enum routing r);

/* the reqid of C's Child SAs (reqid=, else one from the owned range by serial) */
uint32_t conn_reqid(const struct connection *c);
/* C's routing state (RT_UNROUTED when it has no entry) */
enum routing conn_routing(const struct connection *c);
/* connections whose Child SA is routed (routed-tunnel): "active" in ipsec status */
unsigned route_nr_tunnels(void);

/* what route_policies() builds */
enum route_shunt {
	ROUTE_TRAP,	/* out: allow with C's ESP template */
	ROUTE_PASS,	/* allow, no template */
	ROUTE_BLOCK,	/* block */
};
/*
 * The policies for C's selectors (leftsubnet=, else the host): out only,
 * or out, in and fwd when BOTH.  A pass/block shunt is one priority
 * better than a tunnel of the same selectors.  Returns how many (0 with
 * *WHY set when C cannot have any: unoriented, no peer address for a
 * trap, two families).
 */
size_t route_policies(const struct connection *c, enum route_shunt kind, bool both,
		      struct kernel_policy out[3], const char **why);

/* "initiate on-demand for packet 10.0.1.1:8-ICMP->10.0.2.1:0" */
void jam_acquire(struct jambuf *b, const struct kernel_acquire *a);

/* ---- the table (pure: no kernel) ---- */
/* the entry of C, created (unrouted) when missing */
void route_track(struct connection *c);
/* the connection routed with REQID whose selectors cover the packet (NULL: none) */
struct connection *route_find_acquire(const struct kernel_acquire *a);
/* the tracked connection with REQID (first one), NULL when none */
struct connection *route_find_reqid(uint32_t reqid);
/* the table only, as route_connection() leaves it after installing the
 * trap (unit tests) */
void route_mark_routed(struct connection *c);
/* forget C's entry (its policies are not touched) */
void route_forget(struct connection *c);
/* forget every entry */
void route_clear(void);

/* ---- pluto: commands and events (need the kernel and the loop) ---- */
/* ipsec route / unroute: CTL_RC_* */
int route_connection(struct connection *c, const struct logger *logger);
int unroute_connection(struct connection *c, const struct logger *logger);
/*
 * `ipsec listen` moved C's local end from OLD_LOCAL (-1: unoriented) to
 * c->local: the trap or shunt put for the old orientation goes, and C is
 * routed again when it was routed or WANTED (auto=ondemand, a shunt with
 * auto=start) and is oriented now.  Negotiating or up: left alone (its
 * SAs own the policies until they go).
 */
void route_reoriented(struct connection *c, int old_local, bool wanted, const struct logger *logger);
/* ipsec down: a negotiation that is stopped is no failure */
void route_terminating(struct connection *c);
/* a Child SA's policies were installed / are about to go (reqid, its selectors);
 * route_policies_removing() returns true when it replaced the outbound policy
 * (with the trap): the caller must then leave it */
void route_policies_added(uint32_t reqid, const ip_subnet *local, const ip_subnet *remote);
bool route_policies_removing(uint32_t reqid, const ip_subnet *local, const ip_subnet *remote);
/* an IKE SA of C is gone: a negotiation without a Child SA failed */
void route_ike_gone(struct connection *c);
/* the connection is being freed: its trap or shunt goes */
void route_connection_gone(struct connection *c);
/* a kernel ACQUIRE */
void route_acquire(const struct kernel_acquire *a);
/* close the event socket, cancel timers, forget every entry (policies stay
 * for kernel_shutdown()'s flush) */
void route_shutdown(void);

#endif
