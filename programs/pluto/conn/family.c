/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * leftsubnets=/rightsubnets=: a conn added as a family of sub-connections
 * NAME/1x1, NAME/1x2, ... (lib/conf/family.c names and fills them), each
 * an ordinary connection with connalias=NAME.  `ipsec up NAME` initiates
 * them in name order: the first brings up the IKE SA, the others queue
 * for a Child SA over it (ikev2/create_child_sa.c).
 */
#include <stdlib.h>
#include <string.h>

#include "tern/ctl.h"
#include "conn/add.h"
#include "conn/route.h"

struct connection **conn_family(const char *alias, size_t *n)
{
	return conn_by_alias(alias, n);
}

int conn_delete_family(const char *alias, const struct logger *logger)
{
	size_t n;
	struct connection **v = conn_family(alias, &n);
	if (v == NULL)
		return CTL_RC_UNKNOWN_NAME;
	for (size_t i = 0; i < n; i++) {
		ldbg(&v[i]->logger, "deleting connection $%lu (alias \"%s\")", v[i]->serial, alias);
		conn_table_remove(v[i]);
		connection_free(&v[i]);
	}
	free(v);
	(void)logger;
	return CTL_RC_OK;
}

int conn_add_family(const struct conn_config *cc, enum conn_add_mode mode,
		    const struct logger *logger)
{
	struct conn_family_member *m = NULL;
	unsigned n = 0;
	diag_t d = conn_family_expand(cc, &m, &n);
	if (d != NULL) {
		llog(logger, LOG_SEV_ERROR, "\"%s\": %s", cc->name, diag_str(d));
		diag_free(&d);
		return CTL_RC_BADCONFIG;
	}
	size_t old_n = 0;
	struct connection **old = conn_family(cc->name, &old_n);
	if (old_n > 0 && mode == CONN_ADD) {
		llog(logger, LOG_SEV_INFO, "attempt to redefine connection \"%s\"", cc->name);
		free(old);
		free(m);
		return CTL_RC_DUPNAME;
	}
	/* build every member first: all of them or none */
	struct connection **add = calloc(n, sizeof(*add));
	if (add == NULL)
		abort();
	for (unsigned i = 0; i < n && d == NULL; i++) {
		struct conn_config *mc = conn_family_config(cc, &m[i]);
		if (conn_by_name(mc->name) != NULL && conn_by_name(mc->name)->config != NULL &&
		    (conn_by_name(mc->name)->config->connalias == NULL ||
		     strcmp(conn_by_name(mc->name)->config->connalias, cc->name) != 0))
			d = diag("connection \"%s\" exists and is not a member of \"%s\"", mc->name, cc->name);
		if (d == NULL)
			d = connection_from_config(mc, &add[i]);
		conn_config_clone_free(&mc);
	}
	if (d != NULL) {
		llog(logger, LOG_SEV_ERROR, "\"%s\": %s", cc->name, diag_str(d));
		diag_free(&d);
		for (unsigned i = 0; i < n; i++)
			if (add[i] != NULL)
				connection_free(&add[i]);
		free(add);
		free(old);
		free(m);
		return CTL_RC_CLASH;
	}
	for (size_t i = 0; i < old_n; i++) {
		ldbg(&old[i]->logger, "replacing connection $%lu", old[i]->serial);
		conn_table_remove(old[i]);
		connection_free(&old[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		conn_table_add(add[i]);
		route_track(add[i]);
		conn_log_added(add[i]);
	}
	free(add);
	free(old);
	free(m);
	return CTL_RC_OK;
}
