/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>

#include "tern/conf.h"
#include "tern-config.h"
#include "ctl/status.h"
#include "ikev2/pluto_ikev2.h"
#include "kernel/kernel.h"
#include "pluto.h"
#include "server/iface.h"

static const char *str_or_unset(const char *s)
{
	return s != NULL ? s : "unset";
}

static void jam_ms_as_s(struct jambuf *b, uint64_t ms)
{
	jam(b, "%llus", (unsigned long long)(ms / 1000));
}

void show_global_status(struct show *s)
{
	show_line(s, "using kernel interface: %s", kernel_interface_name());
	show_line(s, "%s", "");
	for (const struct iface_endpoint *e = iface_endpoints(); e != NULL; e = e->next) {
		endpoint_buf eb;
		show_line(s, "interface %s UDP %s", e->name, str_endpoint(&e->local, &eb));
	}
	show_line(s, "%s", "");
	show_line(s, "fips mode=disabled;");
	show_line(s, "%s", "");
	show_line(s, "config setup options:");
	show_line(s, "%s", "");
	const struct config_setup *cs = pluto_setup;
	show_line(s, "configfile=%s, secrets=%s, ipsecdir=%s", pluto.config, pluto.secretsfile,
		  cs != NULL && cs->ipsecdir != NULL ? cs->ipsecdir : "/etc/ipsec.d");
	show_line(s, "nssdir=%s, dumpdir=%s, statsbin=%s", pluto.nssdir, pluto.rundir,
		  str_or_unset(cs != NULL ? cs->statsbin : NULL));
	show_line(s, "pluto_version=%s, pluto_vendorid=tern-%s", TERN_VERSION, TERN_VERSION);
	if (cs != NULL) {
		JAMBUF(b, 512);
		jam(&b, "nhelpers=%d, uniqueids=%s, logappend=%s, logip=%s, shuntlifetime=",
		    cs->nhelpers, pluto.uniqueids ? "yes" : "no", pluto.logappend ? "yes" : "no",
		    cs->logip ? "yes" : "no");
		jam_ms_as_s(&b, cs->shuntlifetime_ms);
		show_jambuf(s, &b);
		static const char *const ddos[] = { "auto", "busy", "unlimited" };
		static const char *const v1[] = { "accept", "reject", "drop" };
		show_line(s, "ddos-cookies-threshold=%u, ddos-max-halfopen=%u, ddos-mode=%s, ikev1-policy=%s",
			  cs->ddos_ike_threshold, cs->max_halfopen_ike, ddos[cs->ddos_mode],
			  v1[cs->ikev1_policy]);
		JAMBUF(l, 256);
		jam(&l, "ikebuf=%u, msg_errqueue=%s, crl-strict=%s, crlcheckinterval=%llu, listen=",
		    cs->ike_socket_bufsize, cs->ike_socket_errqueue ? "yes" : "no",
		    cs->crl_strict ? "yes" : "no", (unsigned long long)(cs->crlcheckinterval_ms / 1000));
		if (address_is_unset(&pluto.listen))
			jam_str(&l, "<any>");
		else
			jam_address(&l, &pluto.listen);
		show_jambuf(s, &l);
		show_line(s, "ocsp-enable=%s, ocsp-strict=%s, ocsp-timeout=%llu",
			  cs->ocsp_enable ? "yes" : "no", cs->ocsp_strict ? "yes" : "no",
			  (unsigned long long)(cs->ocsp_timeout_ms / 1000));
		show_line(s, "global-redirect=%s, global-redirect-to=%s",
			  cs->global_redirect == 0 ? "no" : cs->global_redirect == 1 ? "yes" : "auto",
			  cs->global_redirect_to != NULL ? cs->global_redirect_to : "<unset>");
	}
	{
		JAMBUF(b, 128);
		jam_str(&b, "debug: ");
		jam_debug_classes(&b, tern_debugging);
		show_jambuf(s, &b);
	}
	show_line(s, "%s", "");
	show_line(s, "nat-traversal=yes, keep-alive=%u, nat-ikeport=4500", pluto.keep_alive);
	if (cs != NULL && cs->nr_virtual_private > 0) {
		show_line(s, "virtual-private (%%priv):");
		for (int excluded = 0; excluded < 2; excluded++) {
			JAMBUF(b, 2048);
			jam_str(&b, excluded ? "- excluded subnets: " : "- allowed subnets: ");
			const char *sep = "";
			for (unsigned i = 0; i < cs->nr_virtual_private; i++) {
				if (cs->virtual_private[i].exclude != (excluded != 0))
					continue;
				jam_str(&b, sep);
				jam_subnet(&b, &cs->virtual_private[i].subnet);
				sep = ", ";
			}
			if (sep[0] != '\0')
				show_jambuf(s, &b);
		}
	}
	show_line(s, "%s", "");
}

void show_brief_status(struct show *s)
{
	show_line(s, "State Information: DDoS cookies not required, Accepting new IKE connections");
	pluto_ikev2_show_brief(s);
}

void show_status_tail(struct show *s)
{
	show_line(s, "%s", "");
	show_brief_status(s);
	show_line(s, "%s", "");
	if (pluto_ikev2_nr_states() > 0) {
		pluto_ikev2_show_states(s);
		show_line(s, "%s", "");
	}
	show_line(s, "Bare Shunt list:");
	show_line(s, "%s", "");
}

void show_status(struct show *s)
{
	show_global_status(s);
	show_connections(s);
	show_status_tail(s);
}
