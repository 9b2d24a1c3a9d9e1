/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "tern/ctl.h"
#include "conn/add.h"
#include "conn/orient.h"
#include "conn/route.h"
#include "server/iface.h"

static int host_family(const struct conn_config *cc, const struct conn_end *other)
{
	if (cc->hostaddrfamily != AF_UNSPEC)
		return cc->hostaddrfamily;
	if (other->host == HOST_ADDRESS && !address_is_unset(&other->host_addr))
		return other->host_addr.family;
	return AF_INET;
}

static diag_t resolve_end(const struct conn_config *cc, const struct conn_end *ce,
			  const struct conn_end *other, struct end *e)
{
	e->config = ce;
	e->host = unset_address;
	switch (ce->host) {
	case HOST_ADDRESS:
		e->host = ce->host_addr;
		break;
	case HOST_DEFAULTROUTE: {
		e->host_text = "%defaultroute";
		diag_t d = iface_defaultroute(host_family(cc, other), &e->host, NULL);
		if (d != NULL)
			return diag_prefix(d, "%s=%%defaultroute", e->leftright);
		break;
	}
	case HOST_ANY:
		e->host_text = "%any";
		break;
	case HOST_DNS:
		e->host_text = ce->host_name;
		break;
	case HOST_GROUP:
		e->host_text = "%group";
		break;
	case HOST_OPPORTUNISTIC:
		e->host_text = "%opportunistic";
		break;
	case HOST_UNSET:
		e->host_text = "%none";
		break;
	}
	e->client = ce->subnet;
	if (ce->id.kind != ID_NONE) {
		e->id = id_clone(&ce->id);
	} else if (address_is_specified(&e->host)) {
		e->id = id_from_address(&e->host);
		e->id_from_host = true;
	}
	return NULL;
}

diag_t connection_from_config(const struct conn_config *src, struct connection **out)
{
	diag_t d = conn_config_check(src);
	if (d != NULL)
		return d;
	struct connection *c = connection_alloc(src->name);
	const struct conn_config *cc = c->config = conn_config_clone(src);
	diag_t warn = NULL;
	for (int e = 0; e < 2 && warn == NULL; e++) {
		const struct conn_end *ce = e == LEFT_END ? &cc->left : &cc->right;
		const struct conn_end *other = e == LEFT_END ? &cc->right : &cc->left;
		warn = resolve_end(cc, ce, other, &c->end[e]);
	}
	if (warn != NULL) {
		/* %defaultroute without a default route: kept unoriented */
		llog_diag(&c->logger, LOG_SEV_WARNING, &warn, "connection stays unoriented");
	}
	bool changed;
	d = orient_connection(c, &changed);
	if (d != NULL) {
		connection_free(&c);
		return d;
	}
	*out = c;
	return NULL;
}

static const char *ike_version(const struct connection *c)
{
	return c->config != NULL && c->config->keyexchange == KE_IKEV1 ? "IKEv1" : "IKEv2";
}

void conn_log_added(const struct connection *c)
{
	if (conn_oriented(c)) {
		llog(&c->logger, LOG_SEV_INFO, "added %s connection", ike_version(c));
		return;
	}
	LLOG_JAMBUF(&c->logger, LOG_SEV_INFO, b) {
		jam(b, "added unoriented %s connection (neither left=", ike_version(c));
		const struct end *l = &c->end[LEFT_END], *r = &c->end[RIGHT_END];
		if (address_is_specified(&l->host))
			jam_address(b, &l->host);
		else
			jam_str(b, l->host_text);
		jam_str(b, " nor right=");
		if (address_is_specified(&r->host))
			jam_address(b, &r->host);
		else
			jam_str(b, r->host_text);
		jam_str(b, " match an interface)");
	}
}

static int report_problems(const struct ipsec_conf *conf, const struct conn_config *cc,
			   const struct logger *logger)
{
	int rc = CTL_RC_OK;
	if (conf->has_errors) {
		for (unsigned i = 0; i < conf->nr_problems; i++) {
			const struct conf_problem *p = &conf->problems[i];
			if (p->conn == NULL)
				llog(logger, p->error ? LOG_SEV_ERROR : LOG_SEV_WARNING, "%s", p->message);
		}
		rc = CTL_RC_BADCONFIG;
	}
	for (unsigned i = 0; i < cc->nr_problems; i++) {
		const struct conf_problem *p = cc->problems[i];
		llog(logger, p->error ? LOG_SEV_ERROR : LOG_SEV_WARNING, "%s", p->message);
	}
	if (cc->has_errors)
		rc = CTL_RC_BADCONFIG;
	return rc;
}

int conn_add_by_name(const struct ipsec_conf *conf, const char *name, enum conn_add_mode mode,
		     const struct logger *logger)
{
	const struct conn_config *cc = ipsec_conf_find(conf, name);
	if (cc == NULL) {
		llog(logger, LOG_SEV_ERROR, "no connection named \"%s\" in \"%s\"", name, conf->file);
		return CTL_RC_UNKNOWN_NAME;
	}
	int rc = report_problems(conf, cc, logger);
	if (rc != CTL_RC_OK) {
		/* "replaced" only when there is one to replace (ipsec add replaces) */
		llog(logger, LOG_SEV_ERROR, "connection \"%s\" not %s: the configuration has errors", name,
		     mode == CONN_REPLACE && conn_by_name(name) != NULL ? "replaced" : "added");
		return rc;
	}
	if (conn_config_is_family(cc))	/* leftsubnets=: NAME/1x1 ... (conn/family.c) */
		return conn_add_family(cc, mode, logger);
	struct connection *old = conn_by_name(name);
	if (old != NULL && mode == CONN_ADD) {
		llog(logger, LOG_SEV_INFO, "attempt to redefine connection \"%s\"", name);
		return CTL_RC_DUPNAME;
	}
	struct connection *c = NULL;
	diag_t d = connection_from_config(cc, &c);
	if (d != NULL) {
		llog(logger, LOG_SEV_ERROR, "\"%s\": %s", name, diag_str(d));
		diag_free(&d);
		return CTL_RC_CLASH;
	}
	if (old != NULL) {
		ldbg(&old->logger, "replacing connection $%lu with $%lu", old->serial, c->serial);
		conn_table_remove(old);
		connection_free(&old);
	}
	conn_table_add(c);
	route_track(c);
	conn_log_added(c);
	return CTL_RC_OK;
}

/* auto=ondemand, and type=passthrough|drop|reject with auto=start: routed
 * when added at start-up (and again when `ipsec listen` orients it) */
static bool routed_at_start(const struct conn_config *cc)
{
	bool shunt = cc->type == CONN_TYPE_PASSTHROUGH || cc->type == CONN_TYPE_DROP ||
		     cc->type == CONN_TYPE_REJECT;
	return cc->autostart == AUTO_ONDEMAND || (shunt && cc->autostart == AUTO_START);
}

void conn_add_auto(const struct ipsec_conf *conf, const struct logger *logger)
{
	if (conf->has_errors) {
		/* the problems were logged when the file was read */
		unsigned n = 0;
		for (unsigned i = 0; i < conf->nr_problems; i++)
			n += conf->problems[i].error && conf->problems[i].conn == NULL;
		llog(logger, LOG_SEV_ERROR,
		     "no connections loaded from \"%s\": %u error%s outside of conns",
		     conf->file, n, n == 1 ? "" : "s");
		return;
	}
	for (unsigned i = 0; i < conf->nr_conns; i++) {
		const struct conn_config *cc = conf->conns[i];
		if (cc->autostart == AUTO_IGNORE)
			continue;
		if (conn_add_by_name(conf, cc->name, CONN_ADD, logger) != CTL_RC_OK)
			continue;
		/* auto=start: pluto initiates once everything listens
		 * (ikev2/pluto_ikev2.c, pluto_ikev2_start_auto()); auto=ondemand
		 * (and type=passthrough|drop|reject with auto=start) routes */
		struct connection *c = conn_by_name(cc->name);	/* NULL: a leftsubnets= family */
		if (c != NULL && routed_at_start(cc))
			(void)route_connection(c, logger);
	}
}

int conn_delete_by_name(const char *name, const struct logger *logger)
{
	struct connection *c = conn_by_name_or_serial(name);
	if (c == NULL && conn_delete_family(name, logger) == CTL_RC_OK)
		return CTL_RC_OK;
	if (c == NULL) {
		llog(logger, LOG_SEV_INFO, "no connection or alias named \"%s\"", name);
		return CTL_RC_UNKNOWN_NAME;
	}
	/* no SAs exist yet, so there is nothing to terminate */
	ldbg(&c->logger, "deleting connection $%lu", c->serial);
	conn_table_remove(c);
	connection_free(&c);
	return CTL_RC_OK;
}

void conn_reorient_all(const struct logger *logger)
{
	size_t n;
	struct connection **all = conn_sorted(&n);
	for (size_t i = 0; i < n; i++) {
		struct connection *c = all[i];
		bool was = conn_oriented(c), changed = false;
		int before = c->local;
		diag_t d = orient_connection(c, &changed);
		if (d != NULL) {
			llog_diag(&c->logger, LOG_SEV_WARNING, &d, "not re-oriented");
			continue;
		}
		if (!changed)
			continue;
		address_buf ab;
		if (conn_oriented(c))
			llog(&c->logger, LOG_SEV_INFO, "%s: local end is %s=%s on %s",
			     was ? "re-oriented" : "oriented", conn_this(c)->leftright,
			     str_address(&conn_this(c)->host, &ab), c->iface);
		else
			llog(&c->logger, LOG_SEV_INFO, "unoriented: no local interface matches left or right");
		/* the trap or shunt follows the local end (a leftsubnets= family
		 * member is not routed at start-up either) */
		if (c->local != before)
			route_reoriented(c, before,
					 c->config != NULL && c->config->connalias == NULL &&
						 routed_at_start(c->config),
					 logger);
	}
	free(all);
}
