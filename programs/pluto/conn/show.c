/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tern/conf.h"
#include "tern/humber.h"
#include "conn/connections.h"
#include "conn/route.h"
#include "conn/show.h"
#include "pluto.h"

void show_jambuf(struct show *s, struct jambuf *b)
{
	s->line(s->ctx, b->buf, b->len);
}

void show_line(struct show *s, const char *fmt, ...)
{
	JAMBUF(b, 2048);
	va_list ap;
	va_start(ap, fmt);
	jamv(&b, fmt, ap);
	va_end(ap);
	show_jambuf(s, &b);
}

static void jam_host(struct jambuf *b, const struct end *e)
{
	if (address_is_specified(&e->host))
		jam_address(b, &e->host);
	else
		jam_str(b, e->host_text != NULL ? e->host_text : "%any");
}

static void jam_client(struct jambuf *b, const struct end *e)
{
	const struct conn_end *ce = e->config;
	ip_subnet client = e->client;
	bool protoport = ce != NULL && (ce->protoport_proto != 0 || ce->protoport_port != 0);
	if (subnet_is_unset(&client)) {
		if (!protoport || !address_is_specified(&e->host))
			return;
		client = subnet_from_address(&e->host);
	}
	if (protoport) {
		ip_selector sel = selector_from_subnet(&client);
		sel.ipproto = ce->protoport_proto;
		sel.port = ce->protoport_port;
		jam_selector(b, &sel);
	} else {
		jam_subnet(b, &client);
	}
}

static void jam_id_bracket(struct jambuf *b, const struct end *e)
{
	if (e->id_from_host || e->id.kind == ID_NONE)
		return;
	jam_char(b, '[');
	jam_id(b, &e->id);
	jam_char(b, ']');
}

void jam_connection_ends(struct jambuf *b, const struct connection *c)
{
	const struct end *this = conn_this(c), *that = conn_that(c);
	size_t mark = jambuf_mark(b);
	jam_client(b, this);
	if (jambuf_mark(b) != mark)
		jam_str(b, "===");
	jam_host(b, this);
	jam_id_bracket(b, this);
	jam_str(b, "...");
	jam_host(b, that);
	jam_id_bracket(b, that);
	mark = jambuf_mark(b);
	jam_str(b, "===");
	size_t client = jambuf_mark(b);
	jam_client(b, that);
	if (jambuf_mark(b) == client)
		jambuf_rewind(b, mark);
}

static const char *id_type(const struct id *id)
{
	switch (id->kind) {
	case ID_NONE:
		return "%none";
	case ID_ANY:
		return "%any";
	case ID_FROMCERT:
		return "%fromcert";
	case ID_NULL:
		return "ID_NULL";
	default:
		return NULL;
	}
}

static void jam_idtype(struct jambuf *b, const struct id *id)
{
	const char *t = id_type(id);
	if (t != NULL)
		jam_str(b, t);
	else
		jam(b, "ID_%s", id_kind_name(id->kind));
}

static const char *auth_name(const struct conn_config *cc, const struct conn_end *ce)
{
	switch (ce != NULL ? ce->auth : END_AUTH_UNSET) {
	case END_AUTH_RSASIG:
		return "rsasig";
	case END_AUTH_ECDSA:
		return "ecdsa";
	case END_AUTH_SECRET:
		return "secret";
	case END_AUTH_NULL:
		return "null";
	case END_AUTH_EAPONLY:
		return "eaponly";
	case END_AUTH_UNSET:
		break;
	}
	if (cc == NULL)
		return "unset";
	if (cc->authby & AUTHBY_SECRET)
		return "secret";
	if (cc->authby & AUTHBY_NULL)
		return "null";
	if (cc->authby & AUTHBY_NEVER)
		return "never";
	if (cc->authby & AUTHBY_RSASIG)
		return "rsasig";
	if (cc->authby & AUTHBY_ECDSA)
		return "ecdsa";
	return "unset";
}

static void jam_seconds(struct jambuf *b, uint64_t ms)
{
	jam(b, "%llus", (unsigned long long)(ms / 1000));
}

static void jam_policy(struct jambuf *b, const struct conn_config *cc)
{
	jam_str(b, cc->keyexchange == KE_IKEV1 ? "IKEv1" : "IKEv2");
	if (cc->authby & AUTHBY_SECRET)
		jam_str(b, "+PSK");
	if (cc->authby & AUTHBY_RSA_SHA2)
		jam_str(b, "+RSASIG");
	if (cc->authby & AUTHBY_ECDSA)
		jam_str(b, "+ECDSA");
	if (cc->authby & AUTHBY_RSA_SHA1)
		jam_str(b, "+RSASIG_v1_5");
	if (cc->authby & AUTHBY_NULL)
		jam_str(b, "+AUTH_NULL");
	switch (cc->type) {
	case CONN_TYPE_TUNNEL:
		jam_str(b, cc->phase2_ah ? "+AUTHENTICATE+TUNNEL" : "+ENCRYPT+TUNNEL");
		break;
	case CONN_TYPE_TRANSPORT:
		jam_str(b, cc->phase2_ah ? "+AUTHENTICATE+TRANSPORT" : "+ENCRYPT+TRANSPORT");
		break;
	case CONN_TYPE_PASSTHROUGH:
		jam_str(b, "+PASS");
		break;
	case CONN_TYPE_DROP:
		jam_str(b, "+DROP");
		break;
	case CONN_TYPE_REJECT:
		jam_str(b, "+REJECT");
		break;
	}
	if (cc->pfs)
		jam_str(b, "+PFS");
	if (!cc->rekey)
		jam_str(b, "+DONT_REKEY");
	if (cc->compress)
		jam_str(b, "+COMPRESS");
	if (cc->narrowing)
		jam_str(b, "+IKEV2_ALLOW_NARROWING");
	if (cc->fragmentation != FRAGMENTATION_NO)
		jam_str(b, "+IKE_FRAG_ALLOW");
	if (cc->fragmentation == FRAGMENTATION_FORCE)
		jam_str(b, "+IKE_FRAG_FORCE");
	if (cc->mobike)
		jam_str(b, "+MOBIKE");
	if (cc->esn != ESN_YES)
		jam_str(b, "+ESN_NO");
	if (cc->esn != ESN_NO)
		jam_str(b, "+ESN_YES");
}

static const char *yna_name(enum yna y)
{
	return y == YNA_YES ? "yes" : y == YNA_NO ? "no" : "auto";
}

#define LINE(s, c, b) \
	for (struct { char a[2048]; struct jambuf j; int once; } b##_ = \
		     { .once = 1 }; \
	     b##_.once && (b##_.j = jambuf_init(b##_.a, sizeof(b##_.a)), \
			   jam(&b##_.j, "\"%s\":   ", (c)->name), 1); \
	     show_jambuf((s), &b##_.j), b##_.once = 0) \
		for (struct jambuf *b = &b##_.j; b != NULL; b = NULL)

void show_connection(struct show *s, const struct connection *c)
{
	const struct conn_config *cc = c->config;
	const struct end *this = conn_this(c), *that = conn_that(c);
	{
		JAMBUF(b, 2048);
		jam(&b, "\"%s\": ", c->name);
		jam_connection_ends(&b, c);
		/* the routing field says "unoriented" until an end is local */
		jam(&b, "; %s; my_ip=unset; their_ip=unset;",
		    conn_oriented(c) ? routing_story(conn_routing(c)) : "unoriented");
		show_jambuf(s, &b);
	}
	LINE(s, c, b) {
		jam(b, "host: %s; local: ", conn_oriented(c) ? "oriented" : "unoriented");
		jam_host(b, this);
		jam_str(b, "; remote: ");
		jam_host(b, that);
		jam_char(b, ';');
	}
	const struct conn_end *tc = this->config, *hc = that->config;
	LINE(s, c, b) {
		if (tc != NULL && tc->cert != NULL)
			jam(b, "mycert=%s; ", tc->cert);
		if (hc != NULL && hc->cert != NULL)
			jam(b, "peercert=%s; ", hc->cert);
		jam(b, "my_updown=%s;", tc != NULL && tc->updown != NULL ? tc->updown : "ipsec _updown");
	}
	LINE(s, c, b) {
		jam(b, "xauth us:%s, xauth them:%s,  my_username=[any]; their_username=[any]",
		    tc != NULL && tc->xauthserver ? "server" : tc != NULL && tc->xauthclient ? "client" : "none",
		    hc != NULL && hc->xauthserver ? "server" : hc != NULL && hc->xauthclient ? "client" : "none");
	}
	LINE(s, c, b) {
		jam(b, "our auth:%s, their auth:%s, our autheap:none, their autheap:none;",
		    auth_name(cc, tc), auth_name(cc, hc));
	}
	if (cc == NULL)
		goto tail;
	LINE(s, c, b) {
		jam(b, "modecfg info: us:%s, them:%s, modecfg policy:push, dns:%s, domains:%s, cat:unset;",
		    tc != NULL && tc->modecfgserver ? "server" : tc != NULL && tc->modecfgclient ? "client" : "none",
		    hc != NULL && hc->modecfgserver ? "server" : hc != NULL && hc->modecfgclient ? "client" : "none",
		    cc->modecfgdns != NULL ? cc->modecfgdns : "unset",
		    cc->modecfgdomains != NULL ? cc->modecfgdomains : "unset");
	}
	LINE(s, c, b) {
		jam(b, "sec_label:%s;", cc->sec_label != NULL ? cc->sec_label : "unset");
	}
	LINE(s, c, b) {
		jam_str(b, "ike_life: ");
		jam_seconds(b, cc->ikelifetime_ms);
		jam_str(b, "; ipsec_life: ");
		jam_seconds(b, cc->ipsec_lifetime_ms);
		jam_str(b, "; ipsec_max_bytes: ");
		jam_humber_max(b, cc->ipsec_max_bytes != 0 ? cc->ipsec_max_bytes : HUMBER_MAX_OPERATIONS);
		jam_char(b, 'B');
		jam_str(b, "; ipsec_max_packets: ");
		jam_humber_max(b, cc->ipsec_max_packets != 0 ? cc->ipsec_max_packets : HUMBER_MAX_OPERATIONS);
		jam(b, "; replay_window: %u; rekey_margin: ", cc->replay_window);
		jam_seconds(b, cc->rekeymargin_ms);
		jam(b, "; rekey_fuzz: %u%%;", cc->rekeyfuzz_percent);
	}
	LINE(s, c, b) {
		jam(b, "retransmit-interval: %llums; retransmit-timeout: ",
		    (unsigned long long)cc->retransmit_interval_ms);
		jam_seconds(b, cc->retransmit_timeout_ms);
		jam(b, "; iketcp:%s; iketcp-port:%u;",
		    cc->enable_tcp != NULL ? cc->enable_tcp : "no",
		    cc->tcp_remoteport != 0 ? cc->tcp_remoteport : 4500);
	}
	LINE(s, c, b) {
		jam(b, "initial-contact:no; cisco-unity:%s; fake-strongswan:no; send-vendorid:no; send-no-esp-tfc:%s;",
		    cc->cisco_unity ? "yes" : "no", cc->send_no_esp_tfc ? "yes" : "no");
	}
	LINE(s, c, b) {
		jam_str(b, "policy: ");
		jam_policy(b, cc);
		jam_char(b, ';');
	}
	LINE(s, c, b) {
		jam(b, "conn_prio: %u,%u; interface: %s; metric: 0; mtu: ",
		    subnet_is_unset(&this->client) ? address_bits(&this->host) : this->client.prefix,
		    subnet_is_unset(&that->client) ? address_bits(&that->host) : that->client.prefix,
		    c->iface[0] != '\0' ? c->iface : "unset");
		if (cc->mtu != 0)
			jam(b, "%u", cc->mtu);
		else
			jam_str(b, "unset");
		jam_str(b, "; sa_prio:");
		if (cc->priority != 0)
			jam(b, "%u", cc->priority);
		else
			jam_str(b, "auto");
		jam_str(b, "; sa_tfc:");
		if (cc->tfc != 0)
			jam(b, "%llu", (unsigned long long)cc->tfc);
		else
			jam_str(b, "none");
		jam_char(b, ';');
	}
	LINE(s, c, b) {
		jam_str(b, "nflog-group: unset; mark: ");
		if (cc->has_mark)
			jam(b, "%u/%#x", cc->mark_value, cc->mark_mask);
		else
			jam_str(b, "unset");
		jam(b, "; vti-iface:%s; vti-routing:%s; vti-shared:%s; nic-offload:%s;",
		    cc->vti_interface != NULL ? cc->vti_interface : "unset",
		    cc->vti_routing ? "yes" : "no", cc->vti_shared ? "yes" : "no",
		    yna_name(cc->nic_offload));
	}
tail:
	LINE(s, c, b) {
		jam_str(b, "our idtype: ");
		jam_idtype(b, &this->id);
		jam_str(b, "; our id=");
		jam_id(b, &this->id);
		jam_str(b, "; their idtype: ");
		jam_idtype(b, &that->id);
		jam_str(b, "; their id=");
		jam_id(b, &that->id);
	}
	if (cc != NULL) {
		LINE(s, c, b) {
			jam(b, "liveness: %s; dpddelay:", cc->dpddelay_ms != 0 ? "active" : "passive");
			jam_seconds(b, cc->dpddelay_ms);
			jam_str(b, "; retransmit-timeout:");
			jam_seconds(b, cc->retransmit_timeout_ms);
		}
		LINE(s, c, b) {
			jam(b, "nat-traversal: encapsulation:%s; keepalive:", yna_name(cc->encapsulation));
			if (cc->nat_keepalive)
				jam(b, "%us", pluto.keep_alive);
			else
				jam_str(b, "no");
		}
	}
	LINE(s, c, b) {
		jam(b, "routing: %s;", routing_name(conn_routing(c)));
	}
	LINE(s, c, b) {
		jam(b, "conn serial: $%lu;", c->serial);
	}
	if (cc != NULL && cc->ike != NULL) {
		LINE(s, c, b) {
			jam(b, "IKE algorithms: %s", cc->ike);
		}
	}
	if (cc != NULL && cc->esp != NULL) {
		LINE(s, c, b) {
			jam(b, "ESP algorithms: %s", cc->esp);
		}
	}
}

void show_connections_header(struct show *s)
{
	show_line(s, "Connection list:");
	show_line(s, "%s", "");
}

void show_connections_footer(struct show *s, size_t shown)
{
	if (shown > 0)
		show_line(s, "%s", "");
	show_line(s, "Total IPsec connections: loaded %zu, active %u", conn_count(), route_nr_tunnels());
}

void show_connections(struct show *s)
{
	size_t n;
	struct connection **all = conn_sorted(&n);
	show_connections_header(s);
	for (size_t i = 0; i < n; i++)
		show_connection(s, all[i]);
	show_connections_footer(s, n);
	free(all);
}
