/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One handler per control request; the whack client sees every line. */
#include <stdlib.h>
#include <string.h>

#include "tern/conf.h"
#include "tern/ctl.h"
#include "tern/log.h"
#include "auth/secrets_store.h"
#include "auth/signer_cache.h"
#include "conn/add.h"
#include "conn/conf_cache.h"
#include "conn/connections.h"
#include "conn/route.h"
#include "conn/show.h"
#include "ikev2/ikev2.h"
#include "ikev2/pluto_ikev2.h"
#include "ctl/ctl_server.h"
#include "ctl/status.h"
#include "pluto.h"
#include "server/iface.h"

static int need_connection(const char *name);

/* --rekey-ike / --rekey-child: the SAs are there already, so the request
 * only starts the exchange (--asynchronous or not); its lines go to the log */
static int cmd_rekey(const struct ctl_request *req)
{
	if (need_connection(req->name) != CTL_RC_OK)
		return CTL_RC_UNKNOWN_NAME;
	if (pluto_ikev2 == NULL)
		return CTL_RC_INTERNAL_ERROR;
	bool ike = req->type == CTL_REKEY_IKE;
	struct connection *c = conn_by_name_or_serial(req->name);
	if (c != NULL)
		return ikev2_rekey(pluto_ikev2, c, ike);
	/* an alias: every member of the family that has one */
	size_t n;
	struct connection **v = conn_family(req->name, &n);
	int rc = CTL_RC_OK;
	for (size_t i = 0; i < n; i++) {
		int r = ikev2_rekey(pluto_ikev2, v[i], ike);
		if (rc == CTL_RC_OK)
			rc = r;
	}
	free(v);
	return rc;
}

static int need_connection(const char *name)
{
	if (conn_by_name_or_serial(name) != NULL)
		return CTL_RC_OK;
	size_t n;
	struct connection **family = conn_family(name, &n);	/* leftsubnets= */
	free(family);
	if (n > 0)
		return CTL_RC_OK;
	llog(&global_logger, LOG_SEV_INFO, "no connection or alias named \"%s\"", name);
	return CTL_RC_UNKNOWN_NAME;
}

/*
 * `ipsec up ALIAS` (a leftsubnets= family): the members in name order;
 * the first brings up the IKE SA (and the whack result), the others
 * queue for a Child SA over it.
 */
static int initiate_family(struct log_client *client, const char *alias)
{
	size_t n;
	struct connection **v = conn_family(alias, &n);
	llog(&global_logger, LOG_SEV_INFO, "initiating all connections with alias \"%s\"", alias);
	for (size_t i = 0; i < n; i++)
		v[i]->up = CONN_UP;	/* supposed to remain up: revived */
	int rc = pluto_ikev2_initiate(client, v[0]);
	for (size_t i = 1; i < n; i++)
		(void)pluto_ikev2_initiate(NULL, v[i]);
	free(v);
	return rc;
}

static int cmd_add(const struct ctl_request *req, enum conn_add_mode mode)
{
	const char *file = req->has_config ? req->config : pluto.config;
	const struct ipsec_conf *conf = NULL;
	/* parsed again only when a file of it changed (conn/conf_cache.h) */
	diag_t d = conf_cache_load(file, &conf);
	if (d != NULL) {
		llog_diag(&global_logger, LOG_SEV_ERROR, &d, "cannot load \"%s\"", file);
		return CTL_RC_BADCONFIG;
	}
	/* the connection keeps a copy of its conn */
	return conn_add_by_name(conf, req->name, mode, &global_logger);
}

static int cmd_debug(const struct ctl_request *req)
{
	unsigned mask;
	if (!parse_debug_classes(req->debug, &mask)) {
		llog(&global_logger, LOG_SEV_ERROR,
		     "unrecognized debug option \"%s\" (known: all, base, crypt, private, none, and no-CLASS); debugging unchanged",
		     req->debug);
		return CTL_RC_BADWHACKMESSAGE;
	}
	tern_debugging = mask;
	LLOG_JAMBUF(&global_logger, LOG_SEV_INFO, b) {
		jam_str(b, "debugging set to ");
		jam_debug_classes(b, mask);
	}
	return CTL_RC_OK;
}


int ctl_dispatch(struct log_client *client, const struct ctl_request *req, const char **text)
{
	struct show s = ctl_client_show(client);
	*text = NULL;
	switch (req->type) {
	case CTL_STATUS:
		show_global_status(&s);
		ctl_stream_connections(client, show_status_tail);
		return CTL_RC_DEFERRED;
	case CTL_GLOBALSTATUS:
		show_global_status(&s);
		return CTL_RC_OK;
	case CTL_BRIEFSTATUS:
		show_brief_status(&s);
		return CTL_RC_OK;
	case CTL_CONNECTIONSTATUS:
		if (req->has_name) {
			struct connection *c = conn_by_name_or_serial(req->name);
			if (c == NULL) {
				/* an alias: every member of the family */
				size_t n;
				struct connection **v = conn_family(req->name, &n);
				for (size_t i = 0; i < n; i++)
					show_connection(&s, v[i]);
				free(v);
				return n > 0 ? CTL_RC_OK : need_connection(req->name);
			}
			show_connection(&s, c);
			return CTL_RC_OK;
		}
		ctl_stream_connections(client, NULL);
		return CTL_RC_DEFERRED;
	case CTL_TRAFFICSTATUS:
		if (req->has_name && need_connection(req->name) != CTL_RC_OK)
			return CTL_RC_UNKNOWN_NAME;
		if (req->has_name && conn_by_name_or_serial(req->name) == NULL) {
			/* an alias: each member of the family */
			size_t n;
			struct connection **v = conn_family(req->name, &n);
			for (size_t i = 0; i < n; i++)
				pluto_ikev2_show_traffic(&s, v[i]->name);
			free(v);
			return CTL_RC_OK;
		}
		pluto_ikev2_show_traffic(&s, req->has_name ? conn_by_name_or_serial(req->name)->name : NULL);
		return CTL_RC_OK;
	case CTL_SHOWSTATES:
		pluto_ikev2_show_states(&s);
		return CTL_RC_OK;
	case CTL_SHUTDOWN:
		pluto_shutdown();
		return CTL_RC_OK;
	case CTL_LISTEN:
		llog(&global_logger, LOG_SEV_INFO, "listening for IKE messages");
		if (iface_rescan(&pluto.listen, &global_logger))
			conn_reorient_all(&global_logger);
		return CTL_RC_OK;
	case CTL_REREADSECRETS:
	case CTL_REREADALL:
		auth_signer_cache_flush();
		return secrets_store_load(pluto.secretsfile, &global_logger);
	case CTL_DEBUG:
		return cmd_debug(req);
	case CTL_ADD:
		auth_signer_cache_flush();	/* its leftcert= may be new in the db */
		return cmd_add(req, CONN_ADD);
	case CTL_REPLACE:
		auth_signer_cache_flush();
		return cmd_add(req, CONN_REPLACE);
	case CTL_DELETE:
		auth_signer_cache_flush();
		return conn_delete_by_name(req->name, &global_logger);
	case CTL_INITIATE:
		if (need_connection(req->name) != CTL_RC_OK)
			return CTL_RC_UNKNOWN_NAME;
		if (conn_by_name_or_serial(req->name) == NULL)
			return initiate_family(req->async ? NULL : client, req->name);
		/* supposed to remain up from now on: revived (ikev2/revival.c) */
		conn_by_name_or_serial(req->name)->up = CONN_UP;
		/* --asynchronous: the result is "started", the lines go to the log */
		return pluto_ikev2_initiate(req->async ? NULL : client,
					    conn_by_name_or_serial(req->name));
	case CTL_TERMINATE:
		if (need_connection(req->name) != CTL_RC_OK)
			return CTL_RC_UNKNOWN_NAME;
		if (conn_by_name_or_serial(req->name) == NULL) {
			/* an alias: every member of the family */
			size_t n;
			struct connection **v = conn_family(req->name, &n);
			unsigned gone = 0;
			for (size_t i = 0; i < n; i++) {
				v[i]->up = CONN_DOWN;
				route_terminating(v[i]);
				if (pluto_ikev2 != NULL)
					gone += ikev2_terminate(pluto_ikev2, v[i]);
			}
			if (gone == 0)
				llog(&global_logger, LOG_SEV_INFO, "no IKE SA to terminate for alias \"%s\"",
				     req->name);
			free(v);
			return CTL_RC_OK;
		}
		conn_by_name_or_serial(req->name)->up = CONN_DOWN;
		route_terminating(conn_by_name_or_serial(req->name));
		return pluto_ikev2_terminate(conn_by_name_or_serial(req->name));
	case CTL_ROUTE:
		if (need_connection(req->name) != CTL_RC_OK)
			return CTL_RC_UNKNOWN_NAME;
		if (conn_by_name_or_serial(req->name) == NULL) {
			/* an alias: every member of the family */
			size_t n;
			int rc = CTL_RC_OK;
			struct connection **v = conn_family(req->name, &n);
			for (size_t i = 0; i < n; i++) {
				int r = route_connection(v[i], &global_logger);
				if (rc == CTL_RC_OK)
					rc = r;
			}
			free(v);
			return rc;
		}
		return route_connection(conn_by_name_or_serial(req->name), &global_logger);
	case CTL_UNROUTE:
		if (need_connection(req->name) != CTL_RC_OK)
			return CTL_RC_UNKNOWN_NAME;
		if (conn_by_name_or_serial(req->name) == NULL) {
			/* an alias: every member of the family */
			size_t n;
			int rc = CTL_RC_OK;
			struct connection **v = conn_family(req->name, &n);
			for (size_t i = 0; i < n; i++) {
				int r = unroute_connection(v[i], &global_logger);
				if (rc == CTL_RC_OK)
					rc = r;
			}
			free(v);
			return rc;
		}
		return unroute_connection(conn_by_name_or_serial(req->name), &global_logger);
	case CTL_REKEY_IKE:
	case CTL_REKEY_CHILD:
		return cmd_rekey(req);
	case CTL_LOG:
	case CTL_RESULT:
		break;
	}
	llog(&global_logger, LOG_SEV_ERROR, "whack: request type %u is not handled", (unsigned)req->type);
	*text = "request not handled";
	return CTL_RC_BADWHACKMESSAGE;
}
