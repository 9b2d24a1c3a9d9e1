/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adding, replacing and deleting connections from a loaded ipsec.conf.
 * Every function either does all of its work or changes nothing; the
 * problems go to LOGGER (the whack client sees them) and the result is a
 * ctl result code (tern/ctl.h).
 */
#ifndef PLUTO_CONN_ADD_H
#define PLUTO_CONN_ADD_H

#include <stdbool.h>
#include "tern/conn_family.h"
#include "tern/log.h"
#include "conn/connections.h"

/*
 * Build a connection from CC (resolving %defaultroute, choosing the
 * identities, orienting it) without touching the table.
 */
diag_t connection_from_config(const struct conn_config *cc, struct connection **out);

enum conn_add_mode {
	CONN_ADD,	/* an existing name is RC_DUPNAME ("attempt to redefine") */
	CONN_REPLACE,	/* an existing name is deleted first (ipsec add/replace) */
};
/* add NAME from CONF; returns a CTL_RC_* code */
int conn_add_by_name(const struct ipsec_conf *conf, const char *name, enum conn_add_mode mode,
		     const struct logger *logger);
/* every auto=add|ondemand|start conn of CONF (start-up) */
void conn_add_auto(const struct ipsec_conf *conf, const struct logger *logger);
/* delete NAME (or "$N"); returns a CTL_RC_* code */
int conn_delete_by_name(const char *name, const struct logger *logger);
/* '"NAME": added IKEv2 connection' (or why it is unoriented) */
void conn_log_added(const struct connection *c);
/*
 * leftsubnets=/rightsubnets= (conn/family.c, tern/conn_family.h): CC is
 * added as NAME/1x1, NAME/1x2, ... with connalias NAME; conn_family()
 * lists the members of alias NAME sorted by name (caller frees; NULL
 * and 0 when none); conn_delete_family() deletes them all.
 */
int conn_add_family(const struct conn_config *cc, enum conn_add_mode mode,
		    const struct logger *logger);
struct connection **conn_family(const char *alias, size_t *n);
int conn_delete_family(const char *alias, const struct logger *logger);
/* after an interface change: orient what can be, report what changed */
void conn_reorient_all(const struct logger *logger);

#endif
