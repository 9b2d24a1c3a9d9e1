/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connections: what pluto made of a `conn` section.  A connection is not
 * the config (it keeps a private copy of lib/conf's struct conn_config,
 * conn_config_clone(), read-only) and not an SA (IKE SA and
 * Child SA live in sa/, issue 3).  It adds what only the daemon knows:
 * its serial "$N", resolved host addresses (%defaultroute), the effective
 * identities, and which end is local (orientation).
 *
 * The table is hashed by name and by serial: add, find and delete are
 * O(1); listing sorts once (O(n log n)).
 */
#ifndef PLUTO_CONN_CONNECTIONS_H
#define PLUTO_CONN_CONNECTIONS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include "tern/conf.h"
#include "tern/id.h"
#include "tern/ip.h"
#include "tern/log.h"

enum { LEFT_END = 0, RIGHT_END = 1 };

struct end {
	const char *leftright;		/* "left" / "right" */
	const struct conn_end *config;	/* NULL for a table-only test connection */
	ip_address host;		/* resolved; unset for %any / DNS / failed %defaultroute */
	const char *host_text;		/* what to print when host is unset: "%any", a DNS name... */
	ip_subnet client;		/* leftsubnet=, or unset: the host itself */
	struct id id;			/* leftid=, or the host address, or ID_NONE */
	bool id_from_host;		/* the id is the address (not printed in [..]) */
};

struct connection {
	char *name;
	unsigned long serial;		/* "$N", never reused */
	const struct conn_config *config;	/* owned copy; NULL for table-only tests */
	struct end end[2];		/* [LEFT_END], [RIGHT_END] */
	int local;			/* LEFT_END / RIGHT_END, or -1: unoriented */
	char iface[IF_NAMESIZE];	/* the local end's interface when oriented */
	struct logger logger;		/* '"name": ' */
	/* ike= as an IKE_SA_INIT SA payload, one allocation made on first use
	 * (ikev2/ike_sa_init.c conn_ike_sa()); NULL: not yet */
	struct ike_sa_payload *ike_sa;
	/* Libreswan's UP policy: 0 as auto= says (auto=start: up), CONN_UP by
	 * `ipsec up` (whack --initiate), CONN_DOWN by `ipsec down`.  A conn
	 * that is up is revived when its IKE SA dies (ikev2/revival.c) */
	signed char up;
	/* table links */
	struct connection *name_next, *serial_next;
	struct connection *alias_next;	/* the table's connalias= chain */
};

#define CONN_UP 1
#define CONN_DOWN (-1)

static inline bool conn_oriented(const struct connection *c) { return c->local >= 0; }
static inline const struct end *conn_this(const struct connection *c)
{
	return &c->end[c->local >= 0 ? c->local : LEFT_END];
}
static inline const struct end *conn_that(const struct connection *c)
{
	return &c->end[c->local >= 0 ? 1 - c->local : RIGHT_END];
}

/* a bare connection (name and serial only), not in the table */
struct connection *connection_alloc(const char *name);
void connection_free(struct connection **c);
/* called by connection_free() before anything is freed (pluto: the SAs) */
extern void (*connection_free_hook)(struct connection *c);

/* ---- the table ---- */
void conn_table_add(struct connection *c);	/* the name must be free */
void conn_table_remove(struct connection *c);
struct connection *conn_by_name(const char *name);
struct connection *conn_by_serial(unsigned long serial);
/* "NAME", or "$N" for a serial */
struct connection *conn_by_name_or_serial(const char *s);
size_t conn_count(void);
/* the connections with connalias=ALIAS (a leftsubnets= family) sorted by
 * name, from the table's alias index (no walk of the others); NULL and
 * *N 0: none; caller frees the array */
struct connection **conn_by_alias(const char *alias, size_t *n);
/* every connection sorted by name (then serial); caller frees the array */
struct connection **conn_sorted(size_t *n);
/* remove and free every connection */
void conn_table_clear(void);

#endif
