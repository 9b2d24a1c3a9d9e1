/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Orientation: which end of a connection is this host.  An end is local
 * when its (resolved) host address is one of the addresses pluto listens
 * on.  Exactly one local end: oriented.  None: kept, listed as
 * "unoriented", retried on 'ipsec listen'.  Both: an error (the
 * connection would talk to itself).
 */
#ifndef PLUTO_CONN_ORIENT_H
#define PLUTO_CONN_ORIENT_H

#include <stddef.h>
#include "tern/diag.h"
#include "tern/ip.h"
#include "server/iface.h"

/*
 * Pure: decide from LEFT and RIGHT (unset = not an address) and the
 * local address list.  *LOCAL = 0 (left), 1 (right) or -1 (neither);
 * *IFACE = the interface name of the local end (or NULL).  Both ends
 * local is a diag and leaves the outputs untouched.
 */
diag_t orient_ends(const ip_address *left, const ip_address *right,
		   const struct local_address *locals, size_t nr_locals,
		   int *local, const char **iface);

struct connection;
/* orient C against the interfaces pluto listens on; returns whether it changed */
diag_t orient_connection(struct connection *c, bool *changed);

#endif
