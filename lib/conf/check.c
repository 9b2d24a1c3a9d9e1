/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conn consistency checks and names for status output */
#include <string.h>
#include "internal.h"

const char *conn_type_name(enum conn_type t)
{
	switch (t) {
	case CONN_TYPE_TUNNEL: return "tunnel";
	case CONN_TYPE_TRANSPORT: return "transport";
	case CONN_TYPE_PASSTHROUGH: return "passthrough";
	case CONN_TYPE_DROP: return "drop";
	case CONN_TYPE_REJECT: return "reject";
	}
	return "unknown";
}

const char *conn_auto_name(enum conn_auto a)
{
	switch (a) {
	case AUTO_IGNORE: return "ignore";
	case AUTO_ADD: return "add";
	case AUTO_ONDEMAND: return "ondemand";
	case AUTO_START: return "start";
	case AUTO_KEEP: return "keep";
	}
	return "unknown";
}

const char *keyexchange_name(enum keyexchange k)
{
	return k == KE_IKEV1 ? "IKEv1" : "IKEv2";
}

void jam_authby(struct jambuf *b, unsigned authby)
{
	static const struct { unsigned bits; const char *name; } names[] = {
		{ AUTHBY_NEVER, "never" }, { AUTHBY_NULL, "null" }, { AUTHBY_SECRET, "secret" },
		{ AUTHBY_RSASIG, "rsasig" }, { AUTHBY_RSA_SHA2, "rsa-sha2" },
		{ AUTHBY_RSA_SHA1, "rsa-sha1" }, { AUTHBY_RSA_SHA2_256, "rsa-sha2_256" },
		{ AUTHBY_RSA_SHA2_384, "rsa-sha2_384" }, { AUTHBY_RSA_SHA2_512, "rsa-sha2_512" },
		{ AUTHBY_ECDSA, "ecdsa" },
	};
	unsigned left = authby;
	bool first = true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((left & names[i].bits) != names[i].bits || names[i].bits == 0)
			continue;
		if (!first)
			jam_char(b, '+');
		jam_str(b, names[i].name);
		first = false;
		left &= ~names[i].bits;
	}
	if (first)
		jam_str(b, "none");
}

void jam_duration(struct jambuf *b, uint64_t ms)
{
	static const struct { uint64_t ms; const char *unit; } units[] = {
		{ 24ull * 3600 * 1000, "d" }, { 3600ull * 1000, "h" }, { 60ull * 1000, "m" },
		{ 1000, "s" }, { 1, "ms" },
	};
	if (ms == 0) {
		jam_str(b, "0s");
		return;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ms >= units[i].ms) {
			jam(b, "%llu%s", (unsigned long long)(ms / units[i].ms), units[i].unit);
			ms %= units[i].ms;
		}
	}
}

static const char *end_name(bool right)
{
	return right ? "right" : "left";
}

static diag_t check_end(const struct conn_config *c, const struct conn_end *e, bool right)
{
	const char *n = end_name(right);
	int hfam = e->host == HOST_ADDRESS ? e->host_addr.family : AF_UNSPEC;
	if (c->hostaddrfamily != AF_UNSPEC && hfam != AF_UNSPEC && hfam != c->hostaddrfamily) {
		address_buf ab;
		return diag("%s=%s is not an %s address (hostaddrfamily=%s)", n,
			    str_address(&e->host_addr, &ab), afi_name(c->hostaddrfamily),
			    c->hostaddrfamily == AF_INET ? "ipv4" : "ipv6");
	}
	if (e->nexthop == NEXTHOP_ADDRESS && hfam != AF_UNSPEC && e->nexthop_addr.family != hfam)
		return diag("%snexthop= and %s= are different address families", n, n);
	if (!subnet_is_unset(&e->subnet) && c->clientaddrfamily != AF_UNSPEC &&
	    e->subnet.addr.family != c->clientaddrfamily)
		return diag("%ssubnet= does not match clientaddrfamily=%s", n,
			    c->clientaddrfamily == AF_INET ? "ipv4" : "ipv6");
	if (c->type == CONN_TYPE_TRANSPORT && (e->nr_subnets > 0 ||
	    (!subnet_is_unset(&e->subnet) && !(subnet_is_host(&e->subnet) &&
	      e->host == HOST_ADDRESS && address_eq(&e->subnet.addr, &e->host_addr)))))
		return diag("type=transport cannot have %ssubnet= other than the host itself", n);
	if (c->keyexchange == KE_IKEV1 && e->auth != END_AUTH_UNSET)
		return diag("%sauth= needs keyexchange=ikev2 (IKEv1 authentication is symmetric; use authby=)", n);
	return NULL;
}

diag_t conn_config_check(const struct conn_config *c)
{
	diag_t d = NULL;
	if (c->left.host == HOST_UNSET)
		d = diag("left= is not set");
	else if (c->right.host == HOST_UNSET)
		d = diag("right= is not set");
	else if (c->left.host == HOST_ANY && c->right.host == HOST_ANY)
		d = diag("left= and right= cannot both be %%any");
	else if (c->left.host == HOST_ADDRESS && c->right.host == HOST_ADDRESS &&
		 c->left.host_addr.family != c->right.host_addr.family)
		d = diag("left= and right= are different address families (%s and %s)",
			 afi_name(c->left.host_addr.family), afi_name(c->right.host_addr.family));
	else if (c->left.host == HOST_ADDRESS && c->right.host == HOST_ADDRESS &&
		 address_eq(&c->left.host_addr, &c->right.host_addr))
		d = diag("left= and right= are the same address");
	if (d == NULL)
		d = check_end(c, &c->left, false);
	if (d == NULL)
		d = check_end(c, &c->right, true);
	if (d == NULL && c->retransmit_interval_ms > c->retransmit_timeout_ms)
		d = diag("retransmit-interval= is longer than retransmit-timeout=");
	if (d == NULL && c->replay_window == 0 && c->esn == ESN_YES)
		d = diag("esn=yes needs a replay window (replay-window=0 disables ESN)");
	if (d == NULL && c->keyexchange == KE_IKEV1 &&
	    (c->authby & (AUTHBY_ECDSA | AUTHBY_NULL)) != 0 &&
	    (c->authby & (AUTHBY_SECRET | AUTHBY_RSA_SHA1)) == 0)
		d = diag("authby= is not available with keyexchange=ikev1 (use secret or rsasig)");
	if (d == NULL && c->has_mark && (c->mark_value & ~c->mark_mask) != 0 && c->mark_value != 0xffffffffu)
		d = diag("mark= value has bits outside its mask");
	if (d == NULL && (c->type == CONN_TYPE_TUNNEL || c->type == CONN_TYPE_TRANSPORT) &&
	    c->authby == AUTHBY_NEVER)
		d = diag("authby=never is only for type=passthrough, drop or reject");
	if (d == NULL)
		return NULL;
	return diag_prefix(d, "%s:%u: conn \"%s\"", c->file, c->line, c->name);
}
