/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipsec.conf: parse, check and type the whole configuration.
 *
 *   struct ipsec_conf *conf = NULL;
 *   diag_t d = ipsec_conf_load("/etc/ipsec.conf", &conf);
 *   if (d != NULL) { ...the file could not be read at all...; }
 *   for (unsigned i = 0; i < conf->nr_problems; i++)   // every problem,
 *       puts(conf->problems[i].message);               // in file order
 *   if (conf->has_errors) ...file-level error (syntax, include, config setup)
 *   const struct conn_config *c = ipsec_conf_find(conf, "west-east");
 *   if (c != NULL && !c->has_errors) ...add it...
 *   ipsec_conf_free(&conf);
 *
 * Semantics follow Libreswan's ipsec.conf(5): `config setup`, `conn NAME`,
 * `conn %default` (applies to every conn, wherever it appears), `also=`
 * (transitive, order-preserving, cycles are errors), `include GLOB`
 * (relative to the including file), `version 2`, comments, "quoted" and
 * {braced} values.  Precedence for a key: the conn's own line, then its
 * also= sections in the order written (depth first), then %default, then
 * the built-in default.
 *
 * Problems: every problem is collected (loading never stops at the first
 * one).  A problem inside a conn (unknown keyword, bad value, also=
 * cycle, duplicate keyword) marks that conn has_errors and lists the
 * problem in the conn's problems; a problem in %default or in a section
 * pulled in by also= marks every conn using it.  Problems outside conns
 * (syntax, include failures, config setup) set conf->has_errors: the
 * load as a whole failed, but conns are still returned for reporting.
 *
 * Messages already start with "FILE:LINE: " (then "warning: " for warnings), e.g.
 *   /etc/ipsec.conf:12: unknown keyword 'lefft' in conn "west-east" (did you mean 'left'?)
 *
 * Units: every duration field is in MILLISECONDS (suffix _ms).
 * Complexity: loading is linear in the number of lines (also= chains are
 * resolved once per section and memoised); ipsec_conf_find() is O(1).
 */
#ifndef TERN_CONF_H
#define TERN_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern/diag.h"
#include "tern/id.h"
#include "tern/ip.h"

struct conf_problem {
	char *file;	/* the file the problem is in (NULL if none) */
	unsigned line;	/* 1-based; 0 when the problem has no line */
	char *conn;	/* conn name ("%default" too) or NULL when file-level */
	bool error;	/* false: a warning, loading is unaffected */
	char *message;	/* "FILE:LINE: text", ready to print */
};

/*
 * Libreswan keywords accepted for compatibility that have no typed field
 * yet: the value is checked (number, yes/no, enum...) and kept as text,
 * e.g. { "nflog-group", "5" } or { "leftcat", "yes" }.
 */
struct conf_extra {
	char *key;	/* the keyword as canonical name ("leftcat", not an alias) */
	char *value;
};

/* ---------- config setup ---------- */

enum protostack { PROTOSTACK_XFRM };	/* "netkey" is an alias */
enum ikev1_policy { IKEV1_POLICY_ACCEPT, IKEV1_POLICY_REJECT, IKEV1_POLICY_DROP };
enum ddos_mode { DDOS_AUTO, DDOS_BUSY, DDOS_UNLIMITED };

struct config_setup {
	char *logfile;		/* NULL: no logfile (journal/syslog) */
	bool logtime;		/* default yes */
	bool logappend;		/* default yes */
	bool logip;		/* default yes */
	unsigned plutodebug;	/* DBG_* mask from log.h; default none */
	char *secretsfile;	/* default /etc/ipsec.secrets */
	char *nssdir;		/* default /var/lib/ipsec/nss */
	char *ipsecdir;		/* default /etc/ipsec.d */
	char *dumpdir;		/* default /run/pluto */
	char *statsbin;		/* NULL */
	/* listen=: NULL/unset = every local address */
	ip_address listen;
	bool listen_udp;	/* default yes */
	bool listen_tcp;	/* default no */
	bool uniqueids;		/* default yes */
	uint64_t keep_alive_ms;	/* NAT keep-alive interval, default 20s */
	/* virtual-private=: %v4:10.0.0.0/8,%v6:fd00::/8,%v4:!10.0.1.0/24 */
	struct virtual_private {
		ip_subnet subnet;
		bool exclude;	/* the "!" form */
	} *virtual_private;
	unsigned nr_virtual_private;
	enum protostack protostack;	/* only xfrm (alias netkey) */
	int nhelpers;		/* -1 (default): one per CPU less one */
	enum ikev1_policy ikev1_policy;	/* default drop (Libreswan 5) */
	bool crl_strict;	/* crl-strict / strictcrlpolicy; default no */
	bool ocsp_enable;	/* default no */
	bool ocsp_strict;	/* default no */
	uint64_t ocsp_timeout_ms;	/* default 2s */
	uint64_t crlcheckinterval_ms;	/* default 0 (off) */
	uint64_t shuntlifetime_ms;	/* default 15m */
	enum ddos_mode ddos_mode;	/* default auto */
	unsigned ddos_ike_threshold;	/* default 25000 */
	unsigned max_halfopen_ike;	/* default 50000 */
	unsigned ike_socket_bufsize;	/* 0: kernel default */
	bool ike_socket_errqueue;	/* default yes */
	unsigned seedbits;	/* default 0 */
	char *myvendorid;	/* NULL */
	unsigned global_redirect;	/* 0 no, 1 yes, 2 auto (default no) */
	char *global_redirect_to;	/* NULL */
	struct conf_extra *extras;	/* other accepted keywords, in table order */
	unsigned nr_extras;
};

/* ---------- conn ---------- */

enum conn_type {
	CONN_TYPE_TUNNEL,	/* default */
	CONN_TYPE_TRANSPORT,
	CONN_TYPE_PASSTHROUGH,
	CONN_TYPE_DROP,
	CONN_TYPE_REJECT,
};

enum conn_auto {
	AUTO_IGNORE,	/* default; also "never" */
	AUTO_ADD,
	AUTO_ONDEMAND,	/* also "route" */
	AUTO_START,	/* also "up" */
	AUTO_KEEP,	/* add, and keep up once established by the peer */
};

enum keyexchange {
	KE_IKEV2,	/* default; "ikev2" and "ike" */
	KE_IKEV1,
};

/* authby= is a set; "rsasig" means rsa-sha2 (all sizes) + rsa-sha1 */
enum {
	AUTHBY_SECRET = 1u << 0,
	AUTHBY_RSA_SHA1 = 1u << 1,
	AUTHBY_RSA_SHA2_256 = 1u << 2,
	AUTHBY_RSA_SHA2_384 = 1u << 3,
	AUTHBY_RSA_SHA2_512 = 1u << 4,
	AUTHBY_ECDSA = 1u << 5,	/* ecdsa-sha2 256/384/512 */
	AUTHBY_NULL = 1u << 6,
	AUTHBY_NEVER = 1u << 7,
	AUTHBY_RSA_SHA2 = AUTHBY_RSA_SHA2_256 | AUTHBY_RSA_SHA2_384 | AUTHBY_RSA_SHA2_512,
	AUTHBY_RSASIG = AUTHBY_RSA_SHA2 | AUTHBY_RSA_SHA1,
	AUTHBY_DEFAULT = AUTHBY_RSASIG | AUTHBY_ECDSA,	/* rsasig,ecdsa */
};

/* leftauth= */
enum end_auth {
	END_AUTH_UNSET,	/* follow authby= */
	END_AUTH_RSASIG,
	END_AUTH_ECDSA,
	END_AUTH_SECRET,
	END_AUTH_NULL,
	END_AUTH_EAPONLY,
};

enum sendcert { SENDCERT_IFASKED /* default */, SENDCERT_ALWAYS, SENDCERT_NEVER };
enum yna { YNA_AUTO, YNA_YES, YNA_NO };	/* encapsulation= */
enum fragmentation { FRAGMENTATION_YES /* default */, FRAGMENTATION_NO, FRAGMENTATION_FORCE };
enum esn { ESN_EITHER, ESN_YES, ESN_NO };	/* default either */
enum shunt {
	SHUNT_NONE,	/* failureshunt default */
	SHUNT_PASS,	/* "passthrough" */
	SHUNT_DROP,	/* "drop", also "reject" */
	SHUNT_HOLD,	/* negotiationshunt default */
};
enum dpdaction { DPDACTION_HOLD, DPDACTION_CLEAR, DPDACTION_RESTART };

/* left= / right= */
enum end_host {
	HOST_UNSET,
	HOST_ADDRESS,		/* host_addr */
	HOST_ANY,		/* %any, %any4, %any6: the peer's address */
	HOST_DEFAULTROUTE,	/* %defaultroute: filled in by pluto */
	HOST_DNS,		/* host_name, resolved by pluto */
	HOST_GROUP,		/* %group, %opportunisticgroup (stored only) */
	HOST_OPPORTUNISTIC,	/* %opportunistic (stored only) */
};

enum end_nexthop { NEXTHOP_UNSET, NEXTHOP_ADDRESS, NEXTHOP_DIRECT, NEXTHOP_DEFAULTROUTE };

struct conn_end {
	enum end_host host;
	ip_address host_addr;	/* HOST_ADDRESS; for HOST_ANY the family (if %any6) */
	char *host_name;	/* HOST_DNS */
	enum end_nexthop nexthop;
	ip_address nexthop_addr;
	/* leftsubnet=: unset (subnet.addr unset) means the host itself */
	ip_subnet subnet;
	bool subnet_is_vhost;	/* vhost:%priv / vnet:%priv (stored only) */
	/* leftsubnets={a b c} */
	ip_subnet *subnets;
	unsigned nr_subnets;
	struct id id;		/* leftid=; ID_NONE: unset (use the address) */
	ip_address sourceip;	/* leftsourceip= */
	char *cert;		/* leftcert= nickname */
	char *ca;		/* leftca= (%same, %any or a DN) */
	char *rsasigkey;	/* leftrsasigkey= (0s..., %cert, %none) as text */
	char *pubkey;		/* leftpubkey= as text */
	char *ckaid;		/* leftckaid= hex */
	/* leftprotoport=: 0 = any */
	uint8_t protoport_proto;
	uint16_t protoport_port;
	bool protoport_any_port;	/* "udp/%any" */
	char *updown;		/* leftupdown= script; default "ipsec _updown" */
	enum sendcert sendcert;
	enum end_auth auth;
	uint16_t ikeport;	/* leftikeport=; 0 = default (500/4500) */
	char *addresspool;	/* leftaddresspool= range as text */
	bool xauthserver, xauthclient, modecfgserver, modecfgclient;
	char *xauthusername;	/* leftusername= / leftxauthusername= */
	char *vti;		/* leftvti= as text */
	char *interface_ip;	/* leftinterface-ip= as text */
};

struct conn_config {
	char *name;
	char *file;		/* where "conn NAME" is */
	unsigned line;

	struct conn_end left, right;

	enum conn_type type;
	enum conn_auto autostart;	/* auto= */
	unsigned authby;	/* AUTHBY_* set; default AUTHBY_DEFAULT */
	enum keyexchange keyexchange;
	char *ike;		/* ike= proposal text, NULL: defaults */
	char *esp;		/* esp= (or phase2alg=) proposal text, NULL: defaults */
	char *ah;		/* ah= (phase2=ah) */
	bool phase2_ah;		/* phase2=ah (default esp) */

	uint64_t ikelifetime_ms;	/* default 8h */
	uint64_t ipsec_lifetime_ms;	/* ipsec-lifetime / salifetime / lifetime, default 8h */
	uint64_t ipsec_max_bytes;	/* 0: no limit */
	uint64_t ipsec_max_packets;	/* 0: no limit */
	bool rekey;		/* default yes */
	bool reauth;		/* default no */
	uint64_t rekeymargin_ms;	/* default 9m */
	unsigned rekeyfuzz_percent;	/* default 100 */
	uint64_t retransmit_timeout_ms;	/* default 60s */
	uint64_t retransmit_interval_ms;	/* default 500ms */
	uint64_t dpddelay_ms;	/* 0: DPD off (default) */
	uint64_t dpdtimeout_ms;	/* 0: unset; stored only in IKEv2 */
	enum dpdaction dpdaction;	/* IKEv1 only; default hold */
	enum yna encapsulation;	/* default auto */
	bool nat_keepalive;	/* default yes */
	enum fragmentation fragmentation;
	bool narrowing;		/* default no */
	unsigned mtu;		/* 0: unset */
	bool has_mark;
	uint32_t mark_value, mark_mask;	/* mark=VALUE[/MASK], mask default 0xffffffff */
	bool has_mark_in, has_mark_out;
	uint32_t mark_in_value, mark_in_mask, mark_out_value, mark_out_mask;
	bool pfs;		/* default yes */
	unsigned replay_window;	/* default 128 (0 disables) */
	enum esn esn;		/* default either */
	bool compress;		/* default no */
	bool ikepad;		/* default yes */
	int hostaddrfamily;	/* AF_UNSPEC (default: from the addresses), AF_INET, AF_INET6 */
	int clientaddrfamily;
	enum shunt failureshunt;	/* default none */
	enum shunt negotiationshunt;	/* default hold */
	unsigned priority;	/* 0: computed */
	uint32_t reqid;		/* 0: allocated */
	bool sha2_truncbug;	/* default no */
	enum yna nic_offload;	/* default no (YNA_NO) */
	bool decap_dscp, encap_dscp, nopmtudisc;
	bool aggressive;	/* IKEv1 aggressive mode, default no */
	bool mobike;		/* default no */
	bool ms_dh_downgrade;	/* default no */
	bool pfs_rekey_workaround;
	bool send_no_esp_tfc;	/* default no */
	bool share_lease;	/* default yes */
	uint64_t tfc;		/* 0: off */
	unsigned keyingtries;	/* default 0 = forever (Libreswan 5: obsolete, stored) */
	char *ppk;		/* ppk=propose|permit|insist|no, stored; NULL = no */
	char *modecfgdns;	/* stored only */
	char *modecfgdomains;	/* stored only */
	char *modecfgbanner;	/* stored only */
	bool cisco_unity;	/* stored only, default no */
	char *remote_peer_type;	/* stored only */
	char *vti_interface;	/* stored only */
	bool vti_routing, vti_shared;
	char *ipsec_interface;	/* stored only */
	char *sendca;		/* none|issuer|all, stored */
	char *redirect_to;	/* stored only */
	char *accept_redirect_to;
	bool accept_redirect;	/* default no */
	enum yna send_redirect;	/* default auto */
	char *sec_label;	/* stored only */
	char *connalias;	/* stored only */
	char *enable_tcp;	/* no|yes|fallback, stored */
	uint16_t tcp_remoteport;	/* 0 unset */
	struct conf_extra *extras;	/* other accepted keywords, in table order */
	unsigned nr_extras;

	/* problems that prevent loading this conn: its own and those of
	 * %default / also= sections it uses (pointers into conf->problems) */
	bool has_errors;
	const struct conf_problem **problems;
	unsigned nr_problems;
};

struct ipsec_conf {
	char *file;		/* the top-level file */
	struct config_setup setup;
	/* real conns in file order (not %default) */
	struct conn_config **conns;
	unsigned nr_conns;
	/* every problem in the order found (files in include order) */
	struct conf_problem *problems;
	unsigned nr_problems;
	unsigned nr_errors, nr_warnings;
	/* a file-level error (syntax, include, config setup) */
	bool has_errors;
	struct conf_index *index;	/* private: name -> conn hash */
};

/*
 * Read PATH (and its includes) into *OUT.  Fails (diag, *out untouched)
 * only when PATH itself cannot be opened or read; every other problem is
 * in (*out)->problems.
 */
diag_t ipsec_conf_load(const char *path, struct ipsec_conf **out);
/*
 * The same from a memory buffer; NAME is used as the file name in
 * messages.  `include` lines are reported as errors (no file access):
 * used by tests and the fuzzer.  Never fails.
 */
void ipsec_conf_parse_buffer(const char *name, const char *buf, size_t len,
			     struct ipsec_conf **out);
/* conn by name, NULL when none; O(1) */
const struct conn_config *ipsec_conf_find(const struct ipsec_conf *conf, const char *name);
void ipsec_conf_free(struct ipsec_conf **conf);
/*
 * Whether loading CONF's file again would give the same result: every
 * file it read (includes too) and every directory an include pattern
 * looked in has the same device, inode, size, mtime and ctime, and none
 * was changed within a second of the load (a change in the same clock
 * tick would not show).  False for a conf parsed from memory.  So a
 * daemon can keep a parsed file and skip parsing it again.
 */
bool ipsec_conf_unchanged(const struct ipsec_conf *conf);

/*
 * A deep copy of a conn_config that outlives its ipsec_conf (pluto keeps
 * one per connection): every string, subnet list, ID and extra keyword is
 * duplicated; the problems list is not carried over.  Never fails (aborts
 * when out of memory).  conn_config_clone_free() frees it and NULLs *c.
 */
struct conn_config *conn_config_clone(const struct conn_config *src);
void conn_config_clone_free(struct conn_config **c);

/*
 * The checks a conn must pass before it can be added (pluto's `ipsec add`
 * and `checkconfig` for auto=add|ondemand|start conns): left= and right=
 * set and not both %any, families consistent, subnets match their host
 * family, authby=secret has no certificate-only settings, ... The first
 * failure as "FILE:LINE: conn "NAME": text".
 */
diag_t conn_config_check(const struct conn_config *c);

/* the value of an accepted keyword without a typed field, or NULL */
const char *conn_config_extra(const struct conn_config *c, const char *key);
const char *config_setup_extra(const struct config_setup *s, const char *key);

/* names for status output: "tunnel", "add", "IKEv2", "secret+rsasig"... */
const char *conn_type_name(enum conn_type t);
const char *conn_auto_name(enum conn_auto a);
const char *keyexchange_name(enum keyexchange k);
/* "secret", "rsasig", "rsasig+ecdsa", "null", "never", "rsa-sha2_256" ... */
void jam_authby(struct jambuf *b, unsigned authby);
/* "8h", "9m", "500ms", "1h30m" */
void jam_duration(struct jambuf *b, uint64_t ms);

/* the value parsers, exposed for whack and tests */
/* "8h", "90s", "1h30m", "2d", "500ms"; a plain number is in PLAIN_UNIT_MS */
diag_t ttoduration(const char *src, uint64_t plain_unit_ms, uint64_t *ms);
/* yes/no/true/false/on/off/1/0 */
diag_t ttobool(const char *src, bool *out);

#endif
