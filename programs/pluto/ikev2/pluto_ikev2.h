/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pluto's IKEv2 engine (ikev2/ikev2.h) wired to the daemon: UDP sockets
 * (server/iface.c), sd-event timers, the crypto worker pool, the loaded
 * secrets, the connection table, XFRM (kernel/kernel.h) and the whack
 * clients (ctl/ctl_server.h).
 */
#ifndef PLUTO_IKEV2_PLUTO_IKEV2_H
#define PLUTO_IKEV2_PLUTO_IKEV2_H

#include <stddef.h>
#include <stdint.h>
#include "tern/diag.h"
#include "tern/ip.h"

struct connection;
struct log_client;
struct show;

extern struct ikev2_engine *pluto_ikev2;

/* the engine and the worker pool (NHELPERS <= 0: CPUs less one) */
diag_t pluto_ikev2_start(int nhelpers);
/* delete every SA, telling the peers; stop the workers */
void pluto_ikev2_stop(void);
/* a datagram received on LOCAL (port 4500: with its non-ESP marker) */
void pluto_ikev2_packet(const ip_endpoint *local, const ip_endpoint *sender,
			const uint8_t *pkt, size_t len);
/* ctl INITIATE / TERMINATE: CTL_RC_* or CTL_RC_DEFERRED */
int pluto_ikev2_initiate(struct log_client *client, struct connection *c);
int pluto_ikev2_terminate(struct connection *c);
/* auto=start connections, once everything listens */
void pluto_ikev2_start_auto(void);
/* the connection is about to be freed: its SAs go (Delete sent) */
void pluto_ikev2_connection_gone(struct connection *c);
/* status output; NAME NULL: every connection */
void pluto_ikev2_show_states(struct show *s);
size_t pluto_ikev2_nr_states(void);	/* IKE and Child SAs */
void pluto_ikev2_show_traffic(struct show *s, const char *name);
void pluto_ikev2_show_brief(struct show *s);

#endif
