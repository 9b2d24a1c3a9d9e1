/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ipsec.conf keyword table: names, sections, value types, fields */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define C(f) .offset = offsetof(struct conn_config, f), .size = sizeof(((struct conn_config *)0)->f)
#define E(f) .offset = offsetof(struct conn_end, f), .size = sizeof(((struct conn_end *)0)->f)
#define S(f) .offset = offsetof(struct config_setup, f), .size = sizeof(((struct config_setup *)0)->f)
#define CONN KW_CONN
#define END (KW_CONN | KW_END)
#define SETUP KW_SETUP
#define ENUMS(t) .type = KT_ENUM, .enums = t

static const struct enum_name type_names[] = {
	{ "tunnel", CONN_TYPE_TUNNEL }, { "transport", CONN_TYPE_TRANSPORT },
	{ "passthrough", CONN_TYPE_PASSTHROUGH }, { "pass", CONN_TYPE_PASSTHROUGH },
	{ "drop", CONN_TYPE_DROP }, { "reject", CONN_TYPE_REJECT }, { NULL, 0 },
};
static const struct enum_name auto_names[] = {
	{ "ignore", AUTO_IGNORE }, { "never", AUTO_IGNORE }, { "add", AUTO_ADD },
	{ "ondemand", AUTO_ONDEMAND }, { "route", AUTO_ONDEMAND },
	{ "start", AUTO_START }, { "up", AUTO_START }, { "keep", AUTO_KEEP }, { NULL, 0 },
};
static const struct enum_name keyexchange_names[] = {
	{ "ikev2", KE_IKEV2 }, { "ike", KE_IKEV2 }, { "ikev1", KE_IKEV1 }, { NULL, 0 },
};
static const struct enum_name yna_names[] = {
	{ "yes", YNA_YES }, { "no", YNA_NO }, { "auto", YNA_AUTO }, { NULL, 0 },
};
static const struct enum_name forceencaps_names[] = {
	{ "yes", YNA_YES }, { "no", YNA_AUTO }, { NULL, 0 },
};
static const struct enum_name nic_offload_names[] = {
	{ "yes", YNA_YES }, { "no", YNA_NO }, { "auto", YNA_AUTO },
	{ "crypto", YNA_YES }, { "packet", YNA_YES }, { NULL, 0 },
};
static const struct enum_name fragmentation_names[] = {
	{ "yes", FRAGMENTATION_YES }, { "no", FRAGMENTATION_NO }, { "never", FRAGMENTATION_NO },
	{ "force", FRAGMENTATION_FORCE }, { "insist", FRAGMENTATION_FORCE }, { NULL, 0 },
};
static const struct enum_name esn_names[] = {
	{ "either", ESN_EITHER }, { "yes", ESN_YES }, { "no", ESN_NO }, { NULL, 0 },
};
static const struct enum_name failureshunt_names[] = {
	{ "none", SHUNT_NONE }, { "passthrough", SHUNT_PASS }, { "drop", SHUNT_DROP },
	{ "reject", SHUNT_DROP }, { "hold", SHUNT_DROP }, { NULL, 0 },
};
static const struct enum_name negotiationshunt_names[] = {
	{ "hold", SHUNT_HOLD }, { "passthrough", SHUNT_PASS }, { "drop", SHUNT_DROP }, { NULL, 0 },
};
static const struct enum_name dpdaction_names[] = {
	{ "hold", DPDACTION_HOLD }, { "clear", DPDACTION_CLEAR }, { "restart", DPDACTION_RESTART },
	{ NULL, 0 },
};
static const struct enum_name sendcert_names[] = {
	{ "sendifasked", SENDCERT_IFASKED }, { "ifasked", SENDCERT_IFASKED },
	{ "always", SENDCERT_ALWAYS }, { "alwayssend", SENDCERT_ALWAYS }, { "yes", SENDCERT_ALWAYS },
	{ "never", SENDCERT_NEVER }, { "no", SENDCERT_NEVER }, { NULL, 0 },
};
static const struct enum_name end_auth_names[] = {
	{ "rsasig", END_AUTH_RSASIG }, { "rsa", END_AUTH_RSASIG }, { "ecdsa", END_AUTH_ECDSA },
	{ "secret", END_AUTH_SECRET }, { "null", END_AUTH_NULL }, { "eaponly", END_AUTH_EAPONLY },
	{ NULL, 0 },
};
static const struct enum_name protostack_names[] = {
	{ "xfrm", PROTOSTACK_XFRM }, { "netkey", PROTOSTACK_XFRM }, { "native", PROTOSTACK_XFRM },
	{ "auto", PROTOSTACK_XFRM }, { NULL, 0 },
};
static const struct enum_name ikev1_policy_names[] = {
	{ "accept", IKEV1_POLICY_ACCEPT }, { "reject", IKEV1_POLICY_REJECT },
	{ "drop", IKEV1_POLICY_DROP }, { NULL, 0 },
};
static const struct enum_name ddos_names[] = {
	{ "auto", DDOS_AUTO }, { "busy", DDOS_BUSY }, { "unlimited", DDOS_UNLIMITED }, { NULL, 0 },
};
static const struct enum_name global_redirect_names[] = {
	{ "no", 0 }, { "yes", 1 }, { "auto", 2 }, { NULL, 0 },
};
static const struct enum_name phase2_names[] = {
	{ "esp", 0 }, { "ah", 1 }, { NULL, 0 },
};

static const struct enum_name sareftrack_names[] = {
	{ "yes", 1 }, { "no", 0 }, { "conntrack", 2 }, { NULL, 0 },
};
static const struct enum_name nat_ikev1_method_names[] = {
	{ "drafts", 0 }, { "rfc", 1 }, { "both", 2 }, { "none", 3 }, { NULL, 0 },
};
static const struct enum_name xauthby_names[] = {
	{ "file", 0 }, { "pam", 1 }, { "alwaysok", 2 }, { NULL, 0 },
};
static const struct enum_name xauthfail_names[] = {
	{ "hard", 0 }, { "soft", 1 }, { NULL, 0 },
};
static const struct enum_name autheap_names[] = {
	{ "none", 0 }, { "eap-tls", 1 }, { NULL, 0 },
};
static const struct enum_name ocsp_method_names[] = {
	{ "get", 0 }, { "post", 1 }, { NULL, 0 },
};

#define H(n) ((uint64_t)(n) * 3600 * 1000)
#define XEND (KW_CONN | KW_END | KW_EXTRA)
#define XCONN (KW_CONN | KW_EXTRA)
#define XSETUP (KW_SETUP | KW_EXTRA)
#define MS_S 1000u

const struct keyword conf_keywords[] = {
	/* ---- conn: the two ends (leftNAME / rightNAME) ---- */
	{ .name = "", .flags = END, .type = KT_HOST },
	{ .name = "subnet", .flags = END, .type = KT_SUBNET },
	{ .name = "subnets", .flags = END, .type = KT_SUBNETS },
	{ .name = "id", .flags = END, .type = KT_ID },
	{ .name = "sourceip", .flags = END, .type = KT_ADDRESS, E(sourceip) },
	{ .name = "cert", .flags = END, .type = KT_STRING, E(cert) },
	{ .name = "ca", .flags = END, .type = KT_STRING, E(ca) },
	{ .name = "rsasigkey", .flags = END, .type = KT_RSASIGKEY, E(rsasigkey) },
	{ .name = "pubkey", .flags = END, .type = KT_RSASIGKEY, E(pubkey) },
	{ .name = "ckaid", .flags = END, .type = KT_HEX, E(ckaid) },
	{ .name = "nexthop", .flags = END, .type = KT_NEXTHOP },
	{ .name = "protoport", .flags = END, .type = KT_PROTOPORT },
	{ .name = "updown", .flags = END, .type = KT_STRING, E(updown) },
	{ .name = "sendcert", .flags = END, ENUMS(sendcert_names), E(sendcert) },
	{ .name = "auth", .flags = END, ENUMS(end_auth_names), E(auth) },
	{ .name = "ikeport", .flags = END, .type = KT_UINT, E(ikeport), .min = 1, .max = 65535 },
	{ .name = "addresspool", .flags = END, .type = KT_STRING, E(addresspool) },
	{ .name = "xauthserver", .flags = END, .type = KT_BOOL, E(xauthserver) },
	{ .name = "xauthclient", .flags = END, .type = KT_BOOL, E(xauthclient) },
	{ .name = "modecfgserver", .flags = END, .type = KT_BOOL, E(modecfgserver) },
	{ .name = "modecfgclient", .flags = END, .type = KT_BOOL, E(modecfgclient) },
	{ .name = "username", .flags = END, .type = KT_STRING, E(xauthusername) },
	{ .name = "xauthusername", .flags = END, .type = KT_STRING, E(xauthusername), .alias_of = "username" },
	{ .name = "vti", .flags = END, .type = KT_STRING, E(vti) },
	{ .name = "interface-ip", .flags = END, .type = KT_STRING, E(interface_ip) },

	{ .name = "cat", .flags = XEND, .type = KT_BOOL },
	{ .name = "autheap", .flags = XEND, ENUMS(autheap_names) },
	/* Libreswan 5's showhostkey spelling for ECDSA raw keys (0s + the EC
	 * point): the same setting as leftpubkey= (pluto tells them apart) */
	{ .name = "ecdsakey", .flags = END, .type = KT_RSASIGKEY, E(pubkey) },

	/* ---- conn ---- */
	{ .name = "also", .flags = CONN | KW_MULTI, .type = KT_ALSO },
	{ .name = "type", .flags = CONN, ENUMS(type_names), C(type) },
	{ .name = "auto", .flags = CONN, ENUMS(auto_names), C(autostart) },
	{ .name = "authby", .flags = CONN, .type = KT_AUTHBY, C(authby) },
	/* ikev2= comes before keyexchange= so an explicit keyexchange= wins */
	{ .name = "ikev2", .flags = CONN | KW_OBSOLETE, .type = KT_IKEV2,
	  .hint = "use keyexchange=ikev2, or keyexchange=ikev1 for ikev2=no" },
	{ .name = "keyexchange", .flags = CONN, ENUMS(keyexchange_names), C(keyexchange) },
	{ .name = "ike", .flags = CONN, .type = KT_STRING, C(ike) },
	{ .name = "esp", .flags = CONN, .type = KT_STRING, C(esp) },
	{ .name = "phase2alg", .flags = CONN, .type = KT_STRING, C(esp), .alias_of = "esp" },
	{ .name = "ah", .flags = CONN, .type = KT_STRING, C(ah) },
	{ .name = "phase2", .flags = CONN, ENUMS(phase2_names), C(phase2_ah) },
	{ .name = "ikelifetime", .flags = CONN, .type = KT_DURATION, C(ikelifetime_ms), .plain_ms = MS_S, .max = H(24) },
	{ .name = "ipsec-lifetime", .flags = CONN, .type = KT_DURATION, C(ipsec_lifetime_ms), .plain_ms = MS_S, .max = H(24) },
	{ .name = "salifetime", .flags = CONN, .alias_of = "ipsec-lifetime" },
	{ .name = "lifetime", .flags = CONN, .alias_of = "ipsec-lifetime" },
	{ .name = "keylife", .flags = CONN, .alias_of = "ipsec-lifetime" },
	{ .name = "ipsec-max-bytes", .flags = CONN, .type = KT_U64, C(ipsec_max_bytes) },
	{ .name = "ipsec-max-packets", .flags = CONN, .type = KT_U64, C(ipsec_max_packets) },
	{ .name = "rekey", .flags = CONN, .type = KT_BOOL, C(rekey) },
	{ .name = "reauth", .flags = CONN, .type = KT_BOOL, C(reauth) },
	{ .name = "rekeymargin", .flags = CONN, .type = KT_DURATION, C(rekeymargin_ms), .plain_ms = MS_S },
	{ .name = "rekeyfuzz", .flags = CONN, .type = KT_PERCENT, C(rekeyfuzz_percent), .max = 1000 },
	{ .name = "retransmit-timeout", .flags = CONN, .type = KT_DURATION, C(retransmit_timeout_ms), .plain_ms = MS_S, .min = 1 },
	{ .name = "retransmit-interval", .flags = CONN, .type = KT_DURATION, C(retransmit_interval_ms), .plain_ms = 1, .min = 1 },
	{ .name = "dpddelay", .flags = CONN, .type = KT_DURATION, C(dpddelay_ms), .plain_ms = MS_S },
	{ .name = "dpdtimeout", .flags = CONN, .type = KT_DURATION, C(dpdtimeout_ms), .plain_ms = MS_S },
	{ .name = "dpdaction", .flags = CONN, ENUMS(dpdaction_names), C(dpdaction) },
	{ .name = "forceencaps", .flags = CONN | KW_OBSOLETE, ENUMS(forceencaps_names), C(encapsulation),
	  .hint = "use encapsulation=yes" },
	{ .name = "encapsulation", .flags = CONN, ENUMS(yna_names), C(encapsulation) },
	{ .name = "nat-keepalive", .flags = CONN, .type = KT_BOOL, C(nat_keepalive) },
	{ .name = "fragmentation", .flags = CONN, ENUMS(fragmentation_names), C(fragmentation) },
	{ .name = "narrowing", .flags = CONN, .type = KT_BOOL, C(narrowing) },
	{ .name = "mtu", .flags = CONN, .type = KT_UINT, C(mtu), .min = 68, .max = 65535 },
	{ .name = "mark", .flags = CONN, .type = KT_MARK },
	{ .name = "mark-in", .flags = CONN, .type = KT_MARK },
	{ .name = "mark-out", .flags = CONN, .type = KT_MARK },
	{ .name = "pfs", .flags = CONN, .type = KT_BOOL, C(pfs) },
	{ .name = "replay-window", .flags = CONN, .type = KT_UINT, C(replay_window), .max = 4294967294u },
	{ .name = "esn", .flags = CONN, ENUMS(esn_names), C(esn) },
	{ .name = "compress", .flags = CONN, .type = KT_BOOL, C(compress) },
	{ .name = "ikepad", .flags = CONN, .type = KT_BOOL, C(ikepad) },
	{ .name = "connaddrfamily", .flags = CONN | KW_OBSOLETE, .type = KT_AFI, C(hostaddrfamily),
	  .hint = "use hostaddrfamily= and clientaddrfamily=" },
	{ .name = "hostaddrfamily", .flags = CONN, .type = KT_AFI, C(hostaddrfamily) },
	{ .name = "clientaddrfamily", .flags = CONN, .type = KT_AFI, C(clientaddrfamily) },
	{ .name = "failureshunt", .flags = CONN, ENUMS(failureshunt_names), C(failureshunt) },
	{ .name = "negotiationshunt", .flags = CONN, ENUMS(negotiationshunt_names), C(negotiationshunt) },
	{ .name = "priority", .flags = CONN, .type = KT_UINT, C(priority), .max = 0xffffffffu },
	{ .name = "reqid", .flags = CONN, .type = KT_UINT, C(reqid), .min = 1, .max = 0xffffffffu },
	{ .name = "sha2-truncbug", .flags = CONN, .type = KT_BOOL, C(sha2_truncbug) },
	{ .name = "sha2_truncbug", .flags = CONN, .alias_of = "sha2-truncbug" },
	{ .name = "nic-offload", .flags = CONN, ENUMS(nic_offload_names), C(nic_offload) },
	{ .name = "decap-dscp", .flags = CONN, .type = KT_BOOL, C(decap_dscp) },
	{ .name = "encap-dscp", .flags = CONN, .type = KT_BOOL, C(encap_dscp) },
	{ .name = "nopmtudisc", .flags = CONN, .type = KT_BOOL, C(nopmtudisc) },
	{ .name = "aggressive", .flags = CONN, .type = KT_BOOL, C(aggressive) },
	{ .name = "aggrmode", .flags = CONN, .alias_of = "aggressive" },
	{ .name = "mobike", .flags = CONN, .type = KT_BOOL, C(mobike) },
	{ .name = "ms-dh-downgrade", .flags = CONN, .type = KT_BOOL, C(ms_dh_downgrade) },
	{ .name = "pfs-rekey-workaround", .flags = CONN, .type = KT_BOOL, C(pfs_rekey_workaround) },
	{ .name = "send-no-esp-tfc", .flags = CONN, .type = KT_BOOL, C(send_no_esp_tfc) },
	{ .name = "share-lease", .flags = CONN, .type = KT_BOOL, C(share_lease) },
	{ .name = "tfc", .flags = CONN, .type = KT_U64, C(tfc) },
	{ .name = "keyingtries", .flags = CONN, .type = KT_KEYINGTRIES, C(keyingtries) },
	{ .name = "ppk", .flags = CONN, .type = KT_STRING, C(ppk) },
	{ .name = "modecfgdns", .flags = CONN, .type = KT_STRING, C(modecfgdns) },
	{ .name = "modecfgdomains", .flags = CONN, .type = KT_STRING, C(modecfgdomains) },
	{ .name = "modecfgbanner", .flags = CONN, .type = KT_STRING, C(modecfgbanner) },
	{ .name = "cisco-unity", .flags = CONN, .type = KT_BOOL, C(cisco_unity) },
	{ .name = "remote-peer-type", .flags = CONN, .type = KT_STRING, C(remote_peer_type) },
	{ .name = "vti-interface", .flags = CONN, .type = KT_STRING, C(vti_interface) },
	{ .name = "vti-routing", .flags = CONN, .type = KT_BOOL, C(vti_routing) },
	{ .name = "vti-shared", .flags = CONN, .type = KT_BOOL, C(vti_shared) },
	{ .name = "ipsec-interface", .flags = CONN, .type = KT_STRING, C(ipsec_interface) },
	{ .name = "sendca", .flags = CONN, .type = KT_STRING, C(sendca) },
	{ .name = "redirect-to", .flags = CONN, .type = KT_STRING, C(redirect_to) },
	{ .name = "accept-redirect-to", .flags = CONN, .type = KT_STRING, C(accept_redirect_to) },
	{ .name = "accept-redirect", .flags = CONN, .type = KT_BOOL, C(accept_redirect) },
	{ .name = "send-redirect", .flags = CONN, ENUMS(yna_names), C(send_redirect) },
	{ .name = "sec-label", .flags = CONN, .type = KT_STRING, C(sec_label) },
	{ .name = "policy-label", .flags = CONN, .alias_of = "sec-label" },
	{ .name = "connalias", .flags = CONN, .type = KT_STRING, C(connalias) },
	{ .name = "enable-tcp", .flags = CONN, .type = KT_STRING, C(enable_tcp) },
	{ .name = "tcp-remoteport", .flags = CONN, .type = KT_UINT, C(tcp_remoteport), .min = 1, .max = 65535 },
	/* accepted, checked and kept as text (struct conf_extra) */
	{ .name = "initial-contact", .flags = XCONN, .type = KT_BOOL },
	{ .name = "fake-strongswan", .flags = XCONN, .type = KT_BOOL },
	{ .name = "send-vendorid", .flags = XCONN, .type = KT_BOOL },
	{ .name = "ignore-peer-dns", .flags = XCONN, .type = KT_BOOL },
	{ .name = "require-id-on-certificate", .flags = XCONN, .type = KT_BOOL },
	{ .name = "dns-match-id", .flags = XCONN, .type = KT_BOOL },
	{ .name = "intermediate", .flags = XCONN, .type = KT_BOOL },
	{ .name = "modecfgpull", .flags = XCONN, .type = KT_BOOL },
	{ .name = "overlapip", .flags = XCONN, .type = KT_BOOL },
	{ .name = "nm-configured", .flags = XCONN, .type = KT_BOOL },
	{ .name = "pam-authorize", .flags = XCONN, .type = KT_BOOL },
	{ .name = "reject-simultaneous-ike-auth", .flags = XCONN, .type = KT_BOOL },
	{ .name = "cisco-split", .flags = XCONN, .type = KT_BOOL },
	{ .name = "metric", .flags = XCONN, .type = KT_UINT, .max = 0xffffffffu },
	{ .name = "nflog-group", .flags = XCONN, .type = KT_UINT, .min = 1, .max = 65535 },
	{ .name = "sareftrack", .flags = XCONN, ENUMS(sareftrack_names) },
	{ .name = "nat-ikev1-method", .flags = XCONN, ENUMS(nat_ikev1_method_names) },
	{ .name = "xauthby", .flags = XCONN, ENUMS(xauthby_names) },
	{ .name = "xauthfail", .flags = XCONN, ENUMS(xauthfail_names) },
	{ .name = "ppk-ids", .flags = XCONN, .type = KT_STRING },
	{ .name = "debug", .flags = XCONN, .type = KT_STRING },
	{ .name = "iptfs", .flags = XCONN, .type = KT_BOOL },
	{ .name = "iptfs-fragmentation", .flags = XCONN, .type = KT_BOOL },
	{ .name = "iptfs-max-queue-size", .flags = XCONN, .type = KT_UINT, .max = 0xffffffffu },
	{ .name = "iptfs-reorder-window", .flags = XCONN, .type = KT_UINT, .max = 65535 },
	{ .name = "iptfs-drop-time", .flags = XCONN, .type = KT_DURATION, .plain_ms = MS_S },
	{ .name = "iptfs-init-delay", .flags = XCONN, .type = KT_DURATION, .plain_ms = MS_S },
	{ .name = "pfsgroup", .flags = CONN | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "the DH group is part of esp=, e.g. esp=aes_gcm-null-modp2048" },
	{ .name = "auth", .flags = CONN | KW_OBSOLETE, .type = KT_IGNORED, .hint = "use phase2=" },

	/* ---- config setup ---- */
	{ .name = "plutostderrlog", .flags = SETUP | KW_OBSOLETE, .type = KT_PATH, S(logfile),
	  .hint = "use logfile=" },
	{ .name = "logfile", .flags = SETUP, .type = KT_PATH, S(logfile) },
	{ .name = "plutostderrlogtime", .flags = SETUP | KW_OBSOLETE, .type = KT_BOOL, S(logtime),
	  .hint = "use logtime=" },
	{ .name = "logtime", .flags = SETUP, .type = KT_BOOL, S(logtime) },
	{ .name = "logappend", .flags = SETUP, .type = KT_BOOL, S(logappend) },
	{ .name = "logip", .flags = SETUP, .type = KT_BOOL, S(logip) },
	{ .name = "plutodebug", .flags = SETUP, .type = KT_DEBUG, S(plutodebug) },
	{ .name = "secretsfile", .flags = SETUP, .type = KT_PATH, S(secretsfile) },
	{ .name = "nssdir", .flags = SETUP, .type = KT_PATH, S(nssdir) },
	{ .name = "ipsecdir", .flags = SETUP, .type = KT_PATH, S(ipsecdir) },
	{ .name = "dumpdir", .flags = SETUP, .type = KT_PATH, S(dumpdir) },
	{ .name = "statsbin", .flags = SETUP, .type = KT_PATH, S(statsbin) },
	{ .name = "listen", .flags = SETUP, .type = KT_ADDRESS, S(listen) },
	{ .name = "listen-udp", .flags = SETUP, .type = KT_BOOL, S(listen_udp) },
	{ .name = "listen-tcp", .flags = SETUP, .type = KT_BOOL, S(listen_tcp) },
	{ .name = "uniqueids", .flags = SETUP, .type = KT_BOOL, S(uniqueids) },
	{ .name = "keep-alive", .flags = SETUP, .type = KT_DURATION, S(keep_alive_ms), .plain_ms = MS_S },
	{ .name = "keep_alive", .flags = SETUP, .alias_of = "keep-alive" },
	{ .name = "virtual-private", .flags = SETUP, .type = KT_VPRIVATE },
	{ .name = "virtual_private", .flags = SETUP, .alias_of = "virtual-private" },
	{ .name = "protostack", .flags = SETUP, ENUMS(protostack_names), S(protostack) },
	{ .name = "nhelpers", .flags = SETUP, .type = KT_INT, S(nhelpers), .min = (uint64_t)-1, .max = 1000 },
	{ .name = "ikev1-policy", .flags = SETUP, ENUMS(ikev1_policy_names), S(ikev1_policy) },
	{ .name = "crl-strict", .flags = SETUP, .type = KT_BOOL, S(crl_strict) },
	{ .name = "strictcrlpolicy", .flags = SETUP, .alias_of = "crl-strict" },
	{ .name = "ocsp-enable", .flags = SETUP, .type = KT_BOOL, S(ocsp_enable) },
	{ .name = "ocsp-strict", .flags = SETUP, .type = KT_BOOL, S(ocsp_strict) },
	{ .name = "ocsp-timeout", .flags = SETUP, .type = KT_DURATION, S(ocsp_timeout_ms), .plain_ms = MS_S },
	{ .name = "crlcheckinterval", .flags = SETUP, .type = KT_DURATION, S(crlcheckinterval_ms), .plain_ms = MS_S },
	{ .name = "shuntlifetime", .flags = SETUP, .type = KT_DURATION, S(shuntlifetime_ms), .plain_ms = MS_S },
	{ .name = "ddos-mode", .flags = SETUP, ENUMS(ddos_names), S(ddos_mode) },
	{ .name = "ddos-ike-threshold", .flags = SETUP, .type = KT_UINT, S(ddos_ike_threshold), .max = 0xffffffffu },
	{ .name = "max-halfopen-ike", .flags = SETUP, .type = KT_UINT, S(max_halfopen_ike), .max = 0xffffffffu },
	{ .name = "ike-socket-bufsize", .flags = SETUP, .type = KT_UINT, S(ike_socket_bufsize), .max = 0xffffffffu },
	{ .name = "ike-socket-errqueue", .flags = SETUP, .type = KT_BOOL, S(ike_socket_errqueue) },
	{ .name = "seedbits", .flags = SETUP, .type = KT_UINT, S(seedbits), .max = 0xffffffffu },
	{ .name = "myvendorid", .flags = SETUP, .type = KT_STRING, S(myvendorid) },
	{ .name = "global-redirect", .flags = SETUP, ENUMS(global_redirect_names), S(global_redirect) },
	{ .name = "global-redirect-to", .flags = SETUP, .type = KT_STRING, S(global_redirect_to) },
	{ .name = "crl_strict", .flags = SETUP, .alias_of = "crl-strict" },
	{ .name = "ocsp_enable", .flags = SETUP, .alias_of = "ocsp-enable" },
	{ .name = "ocsp_strict", .flags = SETUP, .alias_of = "ocsp-strict" },
	{ .name = "ocsp_timeout", .flags = SETUP, .alias_of = "ocsp-timeout" },
	{ .name = "ddos-ike-treshold", .flags = SETUP, .alias_of = "ddos-ike-threshold" },
	/* accepted, checked and kept as text (struct conf_extra) */
	{ .name = "ocsp-uri", .flags = XSETUP, .type = KT_STRING },
	{ .name = "ocsp-trustname", .flags = XSETUP, .type = KT_STRING },
	{ .name = "ocsp-cache-size", .flags = XSETUP, .type = KT_UINT, .max = 0xffffffffu },
	{ .name = "ocsp-cache-min-age", .flags = XSETUP, .type = KT_DURATION, .plain_ms = MS_S },
	{ .name = "ocsp-cache-max-age", .flags = XSETUP, .type = KT_DURATION, .plain_ms = MS_S },
	{ .name = "ocsp-method", .flags = XSETUP, ENUMS(ocsp_method_names) },
	{ .name = "nflog-all", .flags = XSETUP, .type = KT_UINT, .max = 65535 },
	{ .name = "audit-log", .flags = XSETUP, .type = KT_BOOL },
	{ .name = "dnssec-enable", .flags = XSETUP, .type = KT_BOOL },
	{ .name = "dnssec-rootkey-file", .flags = XSETUP, .type = KT_PATH },
	{ .name = "dnssec-anchors", .flags = XSETUP, .type = KT_PATH },
	{ .name = "xfrmlifetime", .flags = XSETUP, .type = KT_UINT, .max = 0xffffffffu },
	{ .name = "curl-iface", .flags = XSETUP, .type = KT_STRING },
	{ .name = "curl-timeout", .flags = XSETUP, .type = KT_DURATION, .plain_ms = MS_S },
	{ .name = "expire-shunt-interval", .flags = XSETUP, .type = KT_DURATION, .plain_ms = MS_S },
	{ .name = "ipsec-interface-managed", .flags = XSETUP, .type = KT_BOOL },
	{ .name = "ikeport", .flags = XSETUP, .type = KT_UINT, .min = 1, .max = 65535 },
	{ .name = "nat-ikeport", .flags = XSETUP, .type = KT_UINT, .min = 1, .max = 65535 },
	/* obsolete Libreswan setup keywords: accepted, ignored, warned about */
	{ .name = "interfaces", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "Libreswan removed it; use listen=" },
	{ .name = "plutorestartoncrash", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "systemd restarts pluto" },
	{ .name = "klipsdebug", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "KLIPS is gone; the kernel stack is XFRM" },
	{ .name = "nat_traversal", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "NAT traversal is always on; see encapsulation=" },
	{ .name = "force_keepalive", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "use nat-keepalive= in the conn" },
	{ .name = "disable_port_floating", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "NAT traversal is always on" },
	{ .name = "plutofork", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "use pluto --nofork" },
	{ .name = "perpeerlog", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "Libreswan removed it" },
	{ .name = "perpeerlogdir", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "Libreswan removed it" },
	{ .name = "fragicmp", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "KLIPS is gone" },
	{ .name = "hidetos", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "KLIPS is gone" },
	{ .name = "overridemtu", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "use mtu= in the conn" },
	{ .name = "oe", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "opportunistic encryption is configured with conns" },
	{ .name = "syslog", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "pluto logs to the journal; use logfile= for a file" },
	{ .name = "myid", .flags = SETUP | KW_OBSOLETE, .type = KT_IGNORED,
	  .hint = "use leftid= in the conn" },
};
const unsigned conf_nr_keywords = sizeof(conf_keywords) / sizeof(conf_keywords[0]);

/* ---- lookup: a hash of every spelling ("leftsubnet", "rightsubnet", "type") ---- */

struct spelling {
	char name[40];
	unsigned kwi;		/* the keyword as written */
	bool right;
};
#define NR_BUCKETS 1024u
static struct spelling *spellings;
static unsigned nr_spellings;
static int buckets[NR_BUCKETS];	/* index + 1, 0 = empty */
static pthread_once_t spell_once = PTHREAD_ONCE_INIT;

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s != '\0'; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

static void add_spelling(const char *name, unsigned kwi, bool right)
{
	struct spelling *sp = &spellings[nr_spellings];
	snprintf(sp->name, sizeof(sp->name), "%s", name);
	sp->kwi = kwi;
	sp->right = right;
	uint32_t b = hash_name(sp->name) & (NR_BUCKETS - 1);
	while (buckets[b] != 0)
		b = (b + 1) & (NR_BUCKETS - 1);
	buckets[b] = (int)++nr_spellings;
}

static void build_spellings(void)
{
	spellings = conf_alloc(sizeof(*spellings) * conf_nr_keywords * 2);
	for (unsigned i = 0; i < conf_nr_keywords; i++) {
		const struct keyword *kw = &conf_keywords[i];
		if (kw->flags & KW_END) {
			char buf[40];
			snprintf(buf, sizeof(buf), "left%s", kw->name);
			add_spelling(buf, i, false);
			snprintf(buf, sizeof(buf), "right%s", kw->name);
			add_spelling(buf, i, true);
		} else {
			add_spelling(kw->name, i, false);
		}
	}
}

static unsigned canonical(unsigned kwi)
{
	const struct keyword *kw = &conf_keywords[kwi];
	if (kw->alias_of == NULL)
		return kwi;
	for (unsigned i = 0; i < conf_nr_keywords; i++)
		if (conf_keywords[i].alias_of == NULL &&
		    strcmp(conf_keywords[i].name, kw->alias_of) == 0 &&
		    (conf_keywords[i].flags & (KW_END | KW_CONN | KW_SETUP)) ==
		    (kw->flags & (KW_END | KW_CONN | KW_SETUP)))
			return i;
	abort();	/* table error */
}

bool conf_keyword_lookup(const char *name, unsigned *kwi, bool *right,
			 const struct keyword **used)
{
	pthread_once(&spell_once, build_spellings);
	if (strlen(name) >= sizeof(spellings[0].name))
		return false;
	uint32_t b = hash_name(name) & (NR_BUCKETS - 1);
	while (buckets[b] != 0) {
		const struct spelling *sp = &spellings[buckets[b] - 1];
		if (strcmp(sp->name, name) == 0) {
			*used = &conf_keywords[sp->kwi];
			*kwi = canonical(sp->kwi);
			*right = sp->right;
			return true;
		}
		b = (b + 1) & (NR_BUCKETS - 1);
	}
	return false;
}

unsigned conf_edit_distance(const char *a, const char *b, unsigned limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	unsigned row[64], prev[64];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned v = prev[j - 1] + cost;
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
		}
		memcpy(prev, row, sizeof(unsigned) * (lb + 1));
	}
	return prev[lb] > limit ? limit + 1 : prev[lb];
}

const char *conf_keyword_suggest(const char *name, unsigned section, char *buf, size_t size)
{
	pthread_once(&spell_once, build_spellings);
	unsigned best = 3;
	const char *found = NULL;
	for (unsigned i = 0; i < nr_spellings; i++) {
		const struct keyword *kw = &conf_keywords[spellings[i].kwi];
		if (!(kw->flags & section) || (kw->flags & KW_OBSOLETE))
			continue;
		unsigned d = conf_edit_distance(name, spellings[i].name, 2);
		if (d < best) {
			best = d;
			found = spellings[i].name;
		}
	}
	if (found == NULL)
		return NULL;
	snprintf(buf, size, "%s", found);
	return buf;
}
