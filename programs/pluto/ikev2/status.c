/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SA status lines in Libreswan 5's shape:
 *
 *   #1: "C":500 ESTABLISHED_IKE_SA (established IKE SA); newest; idle;
 *   #2: "C":500 ESTABLISHED_CHILD_SA (established Child SA); newest; eroute owner; IKE SA #1; idle;
 *   #2: "C" esp.5678ef01@192.0.2.2 esp.1234abcd@192.0.2.1 tun.0@192.0.2.2 tun.0@192.0.2.1 Traffic: ESPin=84B ESPout=8KB ESPmax=2^63B
 *   #2: "C", type=ESP, add_time=1234567890, inBytes=84, outBytes=84, maxBytes=2^63B, id='@east'
 *
 * (no REKEY/REPLACE timers: this pluto does not rekey yet.)
 */
#include <stdlib.h>
#include <string.h>

#include "tern/humber.h"
#include "conn/show.h"
#include "ikev2/internal.h"

/* the connection's ipsec-max-bytes=, 2^63 when unset (Libreswan's default) */
static uint64_t max_bytes(const struct child_sa *c)
{
	const struct conn_config *cc = c->conn->config;
	return cc != NULL && cc->ipsec_max_bytes != 0 ? cc->ipsec_max_bytes : HUMBER_MAX_OPERATIONS;
}

static void refresh_counters(struct ikev2_engine *e, struct child_sa *c)
{
	if (!c->installed)
		return;
	const struct ikev2_kernel_ops *k = e->ops->kernel;
	uint64_t bytes;
	diag_t d = k->get_bytes(e->ctx, &c->ike->remote.addr, &c->ike->local.addr, c->spi_in, &bytes);
	if (d == NULL)
		c->in_bytes = bytes;
	diag_free(&d);
	d = k->get_bytes(e->ctx, &c->ike->local.addr, &c->ike->remote.addr, c->spi_out, &bytes);
	if (d == NULL)
		c->out_bytes = bytes;
	diag_free(&d);
}

void ikev2_show_states(struct ikev2_engine *e, struct show *s)
{
	size_t ni, nc;
	struct ike_sa **ikes = sa_ike_sorted(&e->sas, &ni);
	struct child_sa **children = sa_child_sorted(&e->sas, &nc);
	/* merged in serial order, as Libreswan lists states */
	size_t i = 0, j = 0;
	while (i < ni || j < nc) {
		if (j >= nc || (i < ni && ikes[i]->serial < children[j]->serial)) {
			struct ike_sa *ike = ikes[i++];
			show_line(s, "#%lu: \"%s\":%u %s (%s); %sidle;", ike->serial, ike->conn->name,
				  ike->remote.port, ike_sa_state_name(ike->state),
				  ike_sa_state_story(ike->state),
				  ike->state == ESTABLISHED_IKE_SA ? "newest; " : "");
			continue;
		}
		struct child_sa *c = children[j++];
		show_line(s, "#%lu: \"%s\":%u %s (%s); %s%sIKE SA #%lu; idle;", c->serial, c->conn->name,
			  c->ike->remote.port, child_sa_state_name(c->state),
			  child_sa_state_story(c->state),
			  c->state == ESTABLISHED_CHILD_SA ? "newest; " : "",
			  c->installed ? "eroute owner; " : "", c->ike->serial);
		if (!c->installed)
			continue;
		refresh_counters(e, c);
		address_buf lb, rb;
		const char *mode = c->transport ? "tra" : "tun";
		char a[2048];
		struct jambuf b = jambuf_init(a, sizeof(a));
		jam(&b, "#%lu: \"%s\" esp.%x@%s esp.%x@%s %s.0@%s %s.0@%s Traffic: ESPin=",
		    c->serial, c->conn->name, c->spi_out, str_address(&c->ike->remote.addr, &rb),
		    c->spi_in, str_address(&c->ike->local.addr, &lb), mode,
		    str_address(&c->ike->remote.addr, &rb), mode, str_address(&c->ike->local.addr, &lb));
		jam_readable_bytes(&b, c->in_bytes);
		jam_str(&b, " ESPout=");
		jam_readable_bytes(&b, c->out_bytes);
		jam_str(&b, " ESPmax=");
		jam_humber_max(&b, max_bytes(c));
		jam_char(&b, 'B');
		show_jambuf(s, &b);
	}
	free(ikes);
	free(children);
}

void ikev2_show_traffic(struct ikev2_engine *e, struct show *s, const char *name)
{
	size_t n;
	struct child_sa **children = sa_child_sorted(&e->sas, &n);
	for (size_t i = 0; i < n; i++) {
		struct child_sa *c = children[i];
		if (c->state != ESTABLISHED_CHILD_SA)
			continue;
		if (name != NULL && strcmp(name, c->conn->name) != 0)
			continue;
		refresh_counters(e, c);
		id_buf ib;
		char a[2048];
		struct jambuf b = jambuf_init(a, sizeof(a));
		jam(&b, "#%lu: \"%s\", type=ESP, add_time=%llu, inBytes=%llu, outBytes=%llu, maxBytes=",
		    c->serial, c->conn->name, (unsigned long long)c->add_time,
		    (unsigned long long)c->in_bytes, (unsigned long long)c->out_bytes);
		/* ipsec-max-bytes= as Libreswan 5 prints it: "2^63" (the default), "976Ki" ... */
		jam_humber_max(&b, max_bytes(c));
		jam(&b, "B, id='%s'", str_id(&c->ike->peer_id, &ib));
		show_jambuf(s, &b);
	}
	free(children);
}

void ikev2_show_brief(struct ikev2_engine *e, struct show *s)
{
	const struct sa_table *t = &e->sas;
	size_t total = t->nr_ike, half = t->nr_halfopen, auth = t->nr_ike_established;
	size_t open = total - half - auth;
	show_line(s, "IKE SAs: total(%zu), half-open(%zu), open(%zu), authenticated(%zu), anonymous(0)",
		  total, half, open, auth);
	show_line(s, "IPsec SAs: total(%zu), authenticated(%zu), anonymous(0)",
		  t->nr_child_established, t->nr_child_established);
}
