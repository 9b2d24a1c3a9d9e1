/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/conf ipsec.conf parser: table-driven cases.  Each case is a config
 * text, the exact problems it must produce (in file order), whether the
 * load as a whole failed, and a check of the typed values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tern/conf.h"
#include "tern/log.h"
#include "conf_cases.h"

void conf_file_tests(const struct CMUnitTest **tests, size_t *n);

static const struct conn_config *C(const struct ipsec_conf *conf, const char *name)
{
	const struct conn_config *c = ipsec_conf_find(conf, name);
	if (c == NULL)
		fail_msg("conn \"%s\" not found", name);
	return c;
}

static const char *subnet_str(const ip_subnet *s)
{
	static subnet_buf b;
	return str_subnet(s, &b);
}

static const char *id_str(const struct id *id)
{
	static id_buf b;
	return str_id(id, &b);
}

static const char *addr_str(const ip_address *a)
{
	static address_buf b;
	return str_address(a, &b);
}

#define H(n) ((uint64_t)(n) * 3600 * 1000)
#define M(n) ((uint64_t)(n) * 60 * 1000)
#define S(n) ((uint64_t)(n) * 1000)

/* ---- checks ---- */

static void check_minimal(const struct ipsec_conf *conf)
{
	assert_int_equal(conf->nr_conns, 1);
	const struct conn_config *c = C(conf, "west-east");
	assert_false(c->has_errors);
	assert_int_equal(c->left.host, HOST_ADDRESS);
	assert_string_equal(addr_str(&c->left.host_addr), "192.0.2.1");
	assert_int_equal(c->right.host, HOST_ADDRESS);
	assert_string_equal(addr_str(&c->right.host_addr), "192.0.2.2");
	assert_string_equal(c->file, "t.conf");
	assert_int_equal(c->line, 1);
	assert_null(conn_config_check(c));
	assert_null(ipsec_conf_find(conf, "nope"));
}

static void check_defaults(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "d");
	assert_int_equal(c->type, CONN_TYPE_TUNNEL);
	assert_int_equal(c->autostart, AUTO_IGNORE);
	assert_int_equal(c->authby, AUTHBY_RSASIG | AUTHBY_ECDSA);
	assert_int_equal(c->keyexchange, KE_IKEV2);
	assert_int_equal(c->ikelifetime_ms, H(8));
	assert_int_equal(c->ipsec_lifetime_ms, H(8));
	assert_int_equal(c->rekeymargin_ms, M(9));
	assert_int_equal(c->rekeyfuzz_percent, 100);
	assert_int_equal(c->retransmit_timeout_ms, S(60));
	assert_int_equal(c->retransmit_interval_ms, 500);
	assert_int_equal(c->dpddelay_ms, 0);
	assert_true(c->rekey);
	assert_false(c->reauth);
	assert_int_equal(c->encapsulation, YNA_AUTO);
	assert_true(c->nat_keepalive);
	assert_int_equal(c->fragmentation, FRAGMENTATION_YES);
	assert_false(c->narrowing);
	assert_true(c->pfs);
	assert_int_equal(c->replay_window, 128);
	assert_int_equal(c->esn, ESN_EITHER);
	assert_int_equal(c->mtu, 0);
	assert_false(c->has_mark);
	assert_null(c->ike);
	assert_null(c->esp);
	assert_string_equal(c->left.updown, "ipsec _updown");
	assert_int_equal(c->left.sendcert, SENDCERT_IFASKED);
	assert_int_equal(c->negotiationshunt, SHUNT_HOLD);
	assert_int_equal(c->failureshunt, SHUNT_NONE);
	/* config setup defaults */
	const struct config_setup *s = &conf->setup;
	assert_null(s->logfile);
	assert_true(s->logtime);
	assert_true(s->logappend);
	assert_string_equal(s->secretsfile, "/etc/ipsec.secrets");
	assert_string_equal(s->nssdir, "/var/lib/ipsec/nss");
	assert_true(s->uniqueids);
	assert_int_equal(s->keep_alive_ms, S(20));
	assert_int_equal(s->plutodebug, 0);
	assert_true(address_is_unset(&s->listen));
	assert_int_equal(s->nhelpers, -1);
	assert_int_equal(s->ikev1_policy, IKEV1_POLICY_DROP);
}

static void check_durations(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "t");
	assert_int_equal(c->ikelifetime_ms, H(1));
	assert_int_equal(c->ipsec_lifetime_ms, M(30));
	assert_int_equal(c->rekeymargin_ms, S(90));
	assert_int_equal(c->retransmit_interval_ms, 250);	/* plain = ms */
	assert_int_equal(c->retransmit_timeout_ms, M(2));
	assert_int_equal(c->dpddelay_ms, S(30));		/* plain = s */
	assert_int_equal(c->dpdtimeout_ms, S(150));
	assert_int_equal(c->dpdaction, DPDACTION_CLEAR);
	assert_false(c->has_errors);
}

static void check_salifetime(const struct ipsec_conf *conf)
{
	assert_int_equal(C(conf, "a")->ipsec_lifetime_ms, H(1) + M(30));
	assert_int_equal(C(conf, "b")->ipsec_lifetime_ms, 1500);
	assert_int_equal(C(conf, "c")->ipsec_lifetime_ms, H(24));
}

static void check_conn_errors(const struct ipsec_conf *conf)
{
	for (unsigned i = 0; i < conf->nr_conns; i++)
		if (strcmp(conf->conns[i]->name, "ok") != 0)
			assert_true(conf->conns[i]->has_errors);
	const struct conn_config *ok = ipsec_conf_find(conf, "ok");
	if (ok != NULL)
		assert_false(ok->has_errors);
}

static void check_reduced(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "b");
	assert_false(c->has_errors);
	assert_int_equal(c->ikelifetime_ms, H(24));
	assert_int_equal(c->ipsec_lifetime_ms, H(24));
}

static void check_bools(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "b");
	assert_false(c->rekey);
	assert_true(c->reauth);
	assert_true(c->narrowing);
	assert_false(c->pfs);
	assert_true(c->compress);
	assert_false(c->nat_keepalive);
	assert_true(c->mobike);
	assert_true(c->aggressive);	/* aggrmode= alias */
	assert_false(c->has_errors);
}

static void check_enums(const struct ipsec_conf *conf)
{
	assert_int_equal(C(conf, "a")->type, CONN_TYPE_TRANSPORT);
	assert_int_equal(C(conf, "a")->autostart, AUTO_ONDEMAND);
	assert_int_equal(C(conf, "a")->keyexchange, KE_IKEV2);
	assert_int_equal(C(conf, "b")->autostart, AUTO_START);
	assert_int_equal(C(conf, "b")->keyexchange, KE_IKEV1);
	assert_int_equal(C(conf, "b")->type, CONN_TYPE_PASSTHROUGH);
	assert_int_equal(C(conf, "c")->autostart, AUTO_ADD);
	assert_int_equal(C(conf, "c")->type, CONN_TYPE_DROP);
}

static void check_authby(const struct ipsec_conf *conf)
{
	assert_int_equal(C(conf, "psk")->authby, AUTHBY_SECRET);
	assert_int_equal(C(conf, "sig")->authby, AUTHBY_RSASIG | AUTHBY_ECDSA);
	assert_int_equal(C(conf, "sha2")->authby, AUTHBY_RSA_SHA2_256);
	assert_int_equal(C(conf, "never")->authby, AUTHBY_NEVER);
	assert_int_equal(C(conf, "v1")->authby, AUTHBY_SECRET | AUTHBY_RSASIG);
	char buf[64];
	struct jambuf b = jambuf_init(buf, sizeof(buf));
	jam_authby(&b, C(conf, "sig")->authby);
	assert_string_equal(buf, "rsasig+ecdsa");
	assert_true(C(conf, "bad")->has_errors);
	assert_true(C(conf, "mix")->has_errors);
}

static void check_ikev2(const struct ipsec_conf *conf)
{
	assert_int_equal(C(conf, "old")->keyexchange, KE_IKEV1);
	assert_int_equal(C(conf, "both")->keyexchange, KE_IKEV1);
	assert_false(C(conf, "old")->has_errors);	/* a warning only */
	assert_int_equal(conf->nr_warnings, 2);
}

static void check_ids(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "ids");
	assert_int_equal(c->left.id.kind, ID_FQDN);
	assert_string_equal(id_str(&c->left.id), "@west");
	assert_int_equal(c->right.id.kind, ID_DER_ASN1_DN);
	assert_string_equal(id_str(&c->right.id), "C=CA, O=Example, CN=east");
	const struct conn_config *d = C(conf, "ids2");
	assert_int_equal(d->left.id.kind, ID_USER_FQDN);
	assert_int_equal(d->right.id.kind, ID_KEY_ID);
	assert_string_equal(id_str(&d->right.id), "@#0a1b");
	const struct conn_config *e = C(conf, "ids3");
	assert_int_equal(e->left.id.kind, ID_IPV4_ADDR);
	assert_int_equal(e->right.id.kind, ID_FROMCERT);
	assert_true(C(conf, "bad")->has_errors);
}

static void check_subnets(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "s");
	assert_string_equal(subnet_str(&c->left.subnet), "10.0.1.0/24");
	assert_string_equal(subnet_str(&c->right.subnet), "2001:db8:1::/48");
	const struct conn_config *m = C(conf, "m");
	assert_int_equal(m->left.nr_subnets, 3);
	assert_string_equal(subnet_str(&m->left.subnets[0]), "10.0.1.0/24");
	assert_string_equal(subnet_str(&m->left.subnets[2]), "10.0.5.0/24");
	assert_int_equal(m->right.nr_subnets, 2);
	assert_string_equal(subnet_str(&m->right.subnets[1]), "10.0.4.0/24");
	assert_true(C(conf, "v")->left.subnet_is_vhost);
}

static void check_protoport(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "l2tp");
	assert_int_equal(c->left.protoport_proto, 17);
	assert_int_equal(c->left.protoport_port, 1701);
	assert_false(c->left.protoport_any_port);
	assert_int_equal(c->right.protoport_proto, 17);
	assert_int_equal(c->right.protoport_port, 0);
	assert_true(c->right.protoport_any_port);
}

static void check_hosts(const struct ipsec_conf *conf)
{
	const struct conn_config *a = C(conf, "a");
	assert_int_equal(a->left.host, HOST_DEFAULTROUTE);
	assert_int_equal(a->right.host, HOST_ANY);
	assert_int_equal(a->left.nexthop, NEXTHOP_DEFAULTROUTE);
	assert_int_equal(a->right.nexthop, NEXTHOP_ADDRESS);
	assert_string_equal(addr_str(&a->right.nexthop_addr), "192.0.2.254");
	assert_string_equal(addr_str(&a->left.sourceip), "10.0.1.1");
	const struct conn_config *b = C(conf, "b");
	assert_int_equal(b->left.host, HOST_DNS);
	assert_string_equal(b->left.host_name, "vpn.example.com");
	assert_int_equal(b->right.host, HOST_ANY);
	assert_int_equal(b->right.host_addr.family, AF_INET6);
	assert_int_equal(b->left.nexthop, NEXTHOP_DIRECT);
}

static void check_numbers(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "n");
	assert_true(c->has_mark);
	assert_int_equal(c->mark_value, 5);
	assert_int_equal(c->mark_mask, 0xff);
	assert_true(c->has_mark_in);
	assert_int_equal(c->mark_in_value, 0xffffffffu);
	assert_int_equal(c->mark_in_mask, 0xffffffffu);
	assert_int_equal(c->mtu, 1400);
	assert_int_equal(c->replay_window, 64);
	assert_int_equal(c->esn, ESN_YES);
	assert_int_equal(c->rekeyfuzz_percent, 50);
	assert_int_equal(c->priority, 100);
	assert_int_equal(c->reqid, 5);
	assert_int_equal(c->ipsec_max_bytes, 1000000000ull);
	assert_int_equal(c->keyingtries, 0);
	assert_false(c->has_errors);
}

static void check_families(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "f");
	assert_int_equal(c->hostaddrfamily, AF_INET6);
	assert_int_equal(c->clientaddrfamily, AF_INET);
	assert_int_equal(c->failureshunt, SHUNT_DROP);
	assert_int_equal(c->negotiationshunt, SHUNT_PASS);
}

static void check_misc_enums(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "e");
	assert_int_equal(c->encapsulation, YNA_YES);
	assert_int_equal(c->fragmentation, FRAGMENTATION_FORCE);
	assert_int_equal(c->nic_offload, YNA_AUTO);
	assert_int_equal(c->left.sendcert, SENDCERT_ALWAYS);
	assert_int_equal(c->left.auth, END_AUTH_SECRET);
	assert_int_equal(c->right.auth, END_AUTH_RSASIG);
	assert_int_equal(c->right.ikeport, 4501);
	assert_string_equal(c->left.cert, "west");
	assert_string_equal(c->right.ca, "%same");
	assert_string_equal(c->left.ckaid, "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567");
	assert_string_equal(c->right.rsasigkey, "0sAwEAAcPDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8M=");
	assert_string_equal(c->left.updown, "/usr/local/bin/updown --flag");
	assert_int_equal(C(conf, "old")->encapsulation, YNA_YES);
}

static void check_proposals(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "p");
	assert_string_equal(c->ike, "aes256-sha2_256;modp2048");
	assert_string_equal(c->esp, "aes_gcm256");
	assert_string_equal(C(conf, "q")->esp, "aes128-sha1");
	assert_true(C(conf, "r")->phase2_ah);
	assert_string_equal(C(conf, "r")->ah, "sha2_256");
}

static void check_default_section(const struct ipsec_conf *conf)
{
	assert_int_equal(conf->nr_conns, 2);	/* %default is not a conn */
	assert_int_equal(C(conf, "before")->ikelifetime_ms, H(2));
	assert_int_equal(C(conf, "after")->ikelifetime_ms, H(2));
	assert_int_equal(C(conf, "before")->authby, AUTHBY_SECRET);
	assert_int_equal(C(conf, "after")->authby, AUTHBY_RSASIG);	/* own wins */
	assert_null(ipsec_conf_find(conf, "%default"));
}

static void check_also(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "top");
	assert_string_equal(subnet_str(&c->left.subnet), "10.0.1.0/24");	/* from mid */
	assert_string_equal(id_str(&c->left.id), "@west");			/* from base */
	assert_int_equal(c->ikelifetime_ms, H(3));				/* own wins */
	assert_int_equal(c->ipsec_lifetime_ms, H(2));				/* mid before base */
	assert_int_equal(c->rekeymargin_ms, M(5));				/* other (2nd also) */
	assert_int_equal(c->dpddelay_ms, S(10));				/* %default */
	assert_false(c->has_errors);
	assert_int_equal(C(conf, "base")->ipsec_lifetime_ms, H(4));
}

static void check_cycle(const struct ipsec_conf *conf)
{
	assert_true(C(conf, "a")->has_errors);
	assert_true(C(conf, "b")->has_errors);
	assert_true(C(conf, "c")->has_errors);	/* uses the cycle */
	assert_false(C(conf, "ok")->has_errors);
	assert_false(conf->has_errors);		/* conn-level only */
	assert_int_equal(C(conf, "a")->nr_problems, 1);
	assert_string_equal(C(conf, "c")->problems[0]->message,
			    "t.conf:4: also=a in conn \"b\" makes a cycle: \"a\" -> \"b\" -> \"a\"");
}

static void check_bad_default(const struct ipsec_conf *conf)
{
	assert_int_equal(conf->nr_conns, 3);
	for (unsigned i = 0; i < conf->nr_conns; i++) {
		assert_true(conf->conns[i]->has_errors);
		assert_int_equal(conf->conns[i]->nr_problems, 1);
		assert_string_equal(conf->conns[i]->problems[0]->conn, "%default");
	}
	assert_int_equal(conf->nr_problems, 1);
}

static void check_setup(const struct ipsec_conf *conf)
{
	const struct config_setup *s = &conf->setup;
	assert_string_equal(s->logfile, "/var/log/pluto.log");
	assert_false(s->logtime);
	assert_false(s->logappend);
	assert_int_equal(s->plutodebug, DBG_BASE | DBG_CRYPT);
	assert_string_equal(s->secretsfile, "/etc/ipsec.d/x.secrets");
	assert_string_equal(s->nssdir, "/tmp/nss");
	assert_string_equal(addr_str(&s->listen), "192.0.2.1");
	assert_false(s->uniqueids);
	assert_int_equal(s->keep_alive_ms, S(30));
	assert_int_equal(s->nr_virtual_private, 3);
	assert_string_equal(subnet_str(&s->virtual_private[0].subnet), "10.0.0.0/8");
	assert_false(s->virtual_private[0].exclude);
	assert_true(s->virtual_private[1].exclude);
	assert_int_equal(s->virtual_private[2].subnet.addr.family, AF_INET6);
	assert_int_equal(s->protostack, PROTOSTACK_XFRM);
	assert_int_equal(s->nhelpers, 4);
	assert_int_equal(s->ikev1_policy, IKEV1_POLICY_ACCEPT);
	assert_true(s->crl_strict);
	assert_false(conf->has_errors);
}

static void check_file_error(const struct ipsec_conf *conf)
{
	assert_true(conf->has_errors);
}

static void check_dup_conn(const struct ipsec_conf *conf)
{
	assert_int_equal(conf->nr_conns, 2);
	const struct conn_config *c = C(conf, "x");
	assert_true(c->has_errors);
	assert_int_equal(c->line, 1);		/* the first one is kept */
	assert_false(C(conf, "y")->has_errors);
}

static void check_crlf(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "w");
	assert_string_equal(addr_str(&c->left.host_addr), "192.0.2.1");
	assert_string_equal(id_str(&c->right.id), "@east");
}

static void check_comments(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "q");
	assert_string_equal(id_str(&c->left.id), "@west");
	assert_string_equal(c->ike, "aes#128");		/* no space before # */
	assert_string_equal(c->modecfgbanner, "hello # world");
	assert_string_equal(id_str(&c->right.id), "C=CA, CN=\"x\"");
	assert_false(c->has_errors);
}

static void check_checks(const struct ipsec_conf *conf)
{
	static const struct { const char *conn; const char *msg; } want[] = {
		{ "noleft", "t.conf:1: conn \"noleft\": left= is not set" },
		{ "anyany", "t.conf:3: conn \"anyany\": left= and right= cannot both be %any" },
		{ "fam", "t.conf:6: conn \"fam\": left= and right= are different address families (IPv4 and IPv6)" },
		{ "tr", "t.conf:9: conn \"tr\": type=transport cannot have leftsubnet= other than the host itself" },
		{ "rt", "t.conf:14: conn \"rt\": retransmit-interval= is longer than retransmit-timeout=" },
		{ "hf", "t.conf:19: conn \"hf\": left=192.0.2.1 is not an IPv6 address (hostaddrfamily=ipv6)" },
		{ "never", "t.conf:23: conn \"never\": authby=never is only for type=passthrough, drop or reject" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		diag_t d = conn_config_check(C(conf, want[i].conn));
		if (d == NULL)
			fail_msg("conn %s passed the check", want[i].conn);
		assert_string_equal(diag_str(d), want[i].msg);
		diag_free(&d);
	}
	assert_null(conn_config_check(C(conf, "good")));
}

static void check_names(const struct ipsec_conf *conf)
{
	assert_string_equal(conn_type_name(CONN_TYPE_PASSTHROUGH), "passthrough");
	assert_string_equal(conn_auto_name(AUTO_ONDEMAND), "ondemand");
	assert_string_equal(keyexchange_name(KE_IKEV1), "IKEv1");
	char buf[32];
	struct jambuf b = jambuf_init(buf, sizeof(buf));
	jam_duration(&b, H(8));
	jam_char(&b, ' ');
	jam_duration(&b, S(90));
	jam_char(&b, ' ');
	jam_duration(&b, 500);
	assert_string_equal(buf, "8h 1m30s 500ms");
	uint64_t ms;
	assert_null(ttoduration("1.5s", 1000, &ms));
	assert_int_equal(ms, 1500);
	assert_null(ttoduration("2d", 1000, &ms));
	assert_int_equal(ms, H(48));
	diag_t d = ttoduration("1h30", 1000, &ms);
	assert_non_null(d);
	diag_free(&d);
	bool bv;
	assert_null(ttobool("TRUE", &bv));
	assert_true(bv);
}

static void check_spaces(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "a");
	assert_false(c->has_errors);
	assert_string_equal(addr_str(&c->left.host_addr), "192.0.2.1");
	assert_string_equal(addr_str(&c->right.host_addr), "192.0.2.2");
}

static void check_extras(const struct ipsec_conf *conf)
{
	const struct conn_config *c = C(conf, "x");
	assert_int_equal(c->nr_extras, 3);
	assert_string_equal(conn_config_extra(c, "nflog-group"), "5");
	assert_string_equal(conn_config_extra(c, "leftcat"), "yes");
	assert_string_equal(conn_config_extra(c, "sareftrack"), "conntrack");
	/* rightecdsakey= is rightpubkey= (Libreswan 5's ECDSA spelling) */
	assert_null(conn_config_extra(c, "rightecdsakey"));
	assert_string_equal(c->right.pubkey, "0sAAAA");
	assert_null(conn_config_extra(c, "rightcat"));
	assert_false(c->has_errors);
	assert_string_equal(config_setup_extra(&conf->setup, "ocsp-method"), "post");
	assert_string_equal(config_setup_extra(&conf->setup, "audit-log"), "yes");
	assert_int_equal(conf->setup.ddos_ike_threshold, 100);	/* old spelling alias */
	assert_true(C(conf, "bad")->has_errors);
}

static void check_new_spelling(const struct ipsec_conf *conf)
{
	assert_string_equal(conf->setup.logfile, "/new.log");
	assert_int_equal(C(conf, "c")->hostaddrfamily, AF_INET);
}

static void check_order(const struct ipsec_conf *conf)
{
	for (unsigned i = 1; i < conf->nr_problems; i++)
		assert_true(conf->problems[i - 1].line <= conf->problems[i].line);
}

/* ---- the table ---- */

static const struct conf_case cases[] = {
	{ "minimal",
	  "conn west-east\n\tleft=192.0.2.1\n\tright=192.0.2.2\n",
	  { NULL }, false, check_minimal },
	{ "defaults",
	  "conn d\n\tleft=192.0.2.1\n\tright=%any\n",
	  { NULL }, false, check_defaults },
	{ "durations",
	  "conn t\n\tikelifetime=1h\n\tipsec-lifetime=30m\n\trekeymargin=90s\n"
	  "\tretransmit-interval=250\n\tretransmit-timeout=2m\n\tdpddelay=30\n"
	  "\tdpdtimeout=150s\n\tdpdaction=clear\n",
	  { NULL }, false, check_durations },
	{ "lifetime aliases",
	  "conn a\n\tsalifetime=1h30m\nconn b\n\tlifetime=1500ms\nconn c\n\tkeylife=1d\n",
	  { NULL }, false, check_salifetime },
	{ "alias duplicate",
	  "conn a\n\tsalifetime=1h\n\tipsec-lifetime=2h\n",
	  { "t.conf:3: duplicate keyword 'ipsec-lifetime' in conn \"a\" (first set at t.conf:2)" },
	  false, check_conn_errors },
	{ "bad durations",
	  "conn a\n\tikelifetime=8x\nconn c\n\tretransmit-interval=0\n",
	  { "t.conf:2: invalid value ikelifetime='8x' in conn \"a\": expecting a duration such as 8h, 30m, 90s, 500ms or a plain number of seconds",
	    "t.conf:4: invalid value retransmit-interval='0' in conn \"c\": must be at least 1ms" },
	  false, check_conn_errors },
	{ "lifetimes above the maximum are reduced",
	  "conn b\n\tikelifetime=25h\n\tsalifetime=2d\n",
	  { "t.conf:2: warning: ikelifetime=25h in conn \"b\" exceeds the maximum 1d; using 1d",
	    "t.conf:3: warning: salifetime=2d in conn \"b\" exceeds the maximum 1d; using 1d" },
	  false, check_reduced },
	{ "booleans",
	  "conn b\n\trekey=no\n\treauth=yes\n\tnarrowing=yes\n\tpfs=no\n\tcompress=yes\n"
	  "\tnat-keepalive=no\n\tmobike=yes\n\taggrmode=yes\n",
	  { NULL }, false, check_bools },
	{ "bad boolean",
	  "conn b\n\trekey=maybe\n",
	  { "t.conf:2: invalid value rekey='maybe' in conn \"b\": expecting yes or no" },
	  false, check_conn_errors },
	{ "enums",
	  "conn a\n\ttype=transport\n\tauto=route\n\tkeyexchange=ike\n"
	  "conn b\n\ttype=passthrough\n\tauto=up\n\tkeyexchange=ikev1\n"
	  "conn c\n\ttype=drop\n\tauto=add\n",
	  { NULL }, false, check_enums },
	{ "bad enum",
	  "conn a\n\ttype=tunel\n",
	  { "t.conf:2: invalid value type='tunel' in conn \"a\": expecting tunnel, transport, passthrough, pass, drop or reject" },
	  false, check_conn_errors },
	{ "authby",
	  "conn psk\n\tauthby=secret\nconn sig\n\tauthby=rsasig,ecdsa\nconn sha2\n\tauthby=rsa-sha2_256\n"
	  "conn never\n\tauthby=never\nconn v1\n\tauthby=secret|rsasig\n"
	  "conn bad\n\tauthby=psk\nconn mix\n\tauthby=secret,rsasig\n",
	  { "t.conf:12: invalid value authby='psk' in conn \"bad\": unknown method 'psk' (expecting a comma separated list of rsasig, ecdsa, rsa-sha1, rsa-sha2, rsa-sha2_256, rsa-sha2_384, rsa-sha2_512, or one of secret, null, never)",
	    "t.conf:14: invalid value authby='secret,rsasig' in conn \"mix\": secret, null and never cannot be combined with other methods" },
	  false, check_authby },
	{ "ikev2 obsolete",
	  "conn old\n\tikev2=no\nconn both\n\tkeyexchange=ikev1\n\tikev2=insist\n",
	  { "t.conf:2: warning: obsolete keyword 'ikev2' accepted in conn \"old\" (use keyexchange=ikev2, or keyexchange=ikev1 for ikev2=no)",
	    "t.conf:5: warning: obsolete keyword 'ikev2' accepted in conn \"both\" (use keyexchange=ikev2, or keyexchange=ikev1 for ikev2=no)" },
	  false, check_ikev2 },
	{ "ids",
	  "conn ids\n\tleftid=@west\n\trightid=\"C=CA, O=Example, CN=east\"\n"
	  "conn ids2\n\tleftid=road@example.com\n\trightid=@#0a1b\n"
	  "conn ids3\n\tleftid=192.0.2.1\n\trightid=%fromcert\n"
	  "conn bad\n\tleftid=%bogus\n",
	  { "t.conf:11: invalid value leftid='%bogus' in conn \"bad\": '%bogus' is not a valid ID (expecting %any, %none, %null, %fromcert, @fqdn, user@fqdn, an address or a DN)" },
	  false, check_ids },
	{ "subnets",
	  "conn s\n\tleftsubnet=10.0.1.0/24\n\trightsubnet=2001:db8:1::/48\n"
	  "conn m\n\tleftsubnets={10.0.1.0/24 10.0.3.0/24  10.0.5.0/24}\n\trightsubnets=10.0.2.0/24,10.0.4.0/24\n"
	  "conn v\n\tleftsubnet=vhost:%priv,%no\n",
	  { NULL }, false, check_subnets },
	{ "bad subnets",
	  "conn a\n\tleftsubnet=10.0.1.1/24\nconn b\n\trightsubnet=10.0.1.0/24,10.0.2.0/24\n"
	  "conn c\n\tleftsubnets={10.0.1.0/24 bogus}\n",
	  { "t.conf:2: invalid value leftsubnet='10.0.1.1/24' in conn \"a\": 10.0.1.1/24 has host bits set",
	    "t.conf:4: invalid value rightsubnet='10.0.1.0/24,10.0.2.0/24' in conn \"b\": one subnet expected; use rightsubnets={...} for several",
	    "t.conf:6: invalid value leftsubnets='10.0.1.0/24 bogus' in conn \"c\": invalid subnet 'bogus': 'bogus' is not a valid IPv4 address" },
	  false, check_conn_errors },
	{ "protoport",
	  "conn l2tp\n\tleftprotoport=udp/1701\n\trightprotoport=17/%any\n",
	  { NULL }, false, check_protoport },
	{ "bad protoport",
	  "conn p\n\tleftprotoport=tcp/99999\n",
	  { "t.conf:2: invalid value leftprotoport='tcp/99999' in conn \"p\": '99999' is not a valid port in 'tcp/99999' (0..65535, a service name, or %any)" },
	  false, check_conn_errors },
	{ "hosts",
	  "conn a\n\tleft=%defaultroute\n\tright=%any\n\tleftnexthop=%defaultroute\n"
	  "\trightnexthop=192.0.2.254\n\tleftsourceip=10.0.1.1\n"
	  "conn b\n\tleft=vpn.example.com\n\tright=%any6\n\tleftnexthop=%direct\n",
	  { NULL }, false, check_hosts },
	{ "bad hosts",
	  "conn a\n\tleft=%bogus\nconn b\n\tright=1.2.3.4.5\nconn c\n\tleftnexthop=gw\n",
	  { "t.conf:2: invalid value left='%bogus' in conn \"a\": expecting an IP address, a DNS name, %any, %any4, %any6, %defaultroute, %group or %opportunistic",
	    "t.conf:4: invalid value right='1.2.3.4.5' in conn \"b\": '1.2.3.4.5' is neither an IP address nor a DNS name",
	    "t.conf:6: invalid value leftnexthop='gw' in conn \"c\": expecting an IP address, %direct or %defaultroute: 'gw' is not a valid IPv4 address" },
	  false, check_conn_errors },
	{ "numbers",
	  "conn n\n\tmark=5/0xff\n\tmark-in=-1\n\tmtu=1400\n\treplay-window=64\n\tesn=yes\n"
	  "\trekeyfuzz=50%\n\tpriority=100\n\treqid=5\n\tipsec-max-bytes=1000000000\n\tkeyingtries=%forever\n",
	  { NULL }, false, check_numbers },
	{ "bad numbers",
	  "conn a\n\tmtu=10\nconn b\n\tmark=abc\nconn c\n\treqid=0\nconn d\n\trekeyfuzz=lots\n",
	  { "t.conf:2: invalid value mtu='10' in conn \"a\": expecting a number from 68 to 65535",
	    "t.conf:4: invalid value mark='abc' in conn \"b\": expecting VALUE[/MASK] with 32-bit numbers (decimal or 0x hex), or -1",
	    "t.conf:6: invalid value reqid='0' in conn \"c\": expecting a number from 1 to 4294967295",
	    "t.conf:8: invalid value rekeyfuzz='lots' in conn \"d\": expecting a percentage such as 100%" },
	  false, check_conn_errors },
	{ "families and shunts",
	  "conn f\n\thostaddrfamily=ipv6\n\tclientaddrfamily=ipv4\n\tfailureshunt=drop\n"
	  "\tnegotiationshunt=passthrough\n",
	  { NULL }, false, check_families },
	{ "bad family",
	  "conn f\n\thostaddrfamily=ipx\n",
	  { "t.conf:2: invalid value hostaddrfamily='ipx' in conn \"f\": expecting ipv4 or ipv6" },
	  false, check_conn_errors },
	{ "raw keys and CKAIDs checked at load time",
	  "conn k1\n\tleftrsasigkey=0sAwEAAQ==\n"
	  "conn k2\n\trightpubkey=0sMAMCAQ==\n"
	  "conn k3\n\tleftrsasigkey=0sAw*A\n"
	  "conn k4\n\tleftckaid=0a1b2c\n"
	  "conn ok\n\trightpubkey=/etc/ipsec.d/east.pem\n\tleftrsasigkey=0x03010001c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3\n"
	  "\trightckaid=0x0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n\tleftpubkey=0sMAMCAQA=\n",
	  { "t.conf:2: invalid value leftrsasigkey='0sAwEAAQ==' in conn \"k1\": not an RFC 3110 RSA key (a 0-bit modulus; at least 512 bits)",
	    "t.conf:4: invalid value rightpubkey='0sMAMCAQ==' in conn \"k2\": not a SubjectPublicKeyInfo (DER length 5, 4 octets given)",
	    "t.conf:6: invalid value leftrsasigkey='0sAw*A' in conn \"k3\": invalid base64 in 0s key",
	    "t.conf:8: invalid value leftckaid='0a1b2c' in conn \"k4\": expecting a CKAID of 40 hex digits (as ipsec newhostkey prints it), not 6" },
	  false, check_conn_errors },
	{ "misc enums and end strings",
	  "conn e\n\tencapsulation=yes\n\tfragmentation=force\n\tnic-offload=auto\n"
	  "\tleftsendcert=always\n\tleftauth=secret\n\trightauth=rsasig\n\trightikeport=4501\n"
	  "\tleftcert=west\n\trightca=%same\n\tleftckaid=0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n"
	  "\trightrsasigkey=0sAwEAAcPDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8M=\n"
	  "\tleftupdown=\"/usr/local/bin/updown --flag\"\n"
	  "conn old\n\tforceencaps=yes\n",
	  { "t.conf:15: warning: obsolete keyword 'forceencaps' accepted in conn \"old\" (use encapsulation=yes)" },
	  false, check_misc_enums },
	{ "proposals stored",
	  "conn p\n\tike=aes256-sha2_256;modp2048\n\tesp=aes_gcm256\n"
	  "conn q\n\tphase2alg=aes128-sha1\nconn r\n\tphase2=ah\n\tah=sha2_256\n",
	  { NULL }, false, check_proposals },
	{ "%default before and after",
	  "conn %default\n\tikelifetime=2h\nconn before\n\tleft=192.0.2.1\n"
	  "conn after\n\tauthby=rsasig\nconn %default\n\tauthby=secret\n",
	  { NULL }, false, check_default_section },
	{ "also chain",
	  "conn %default\n\tdpddelay=10s\n"
	  "conn top\n\talso=mid\n\talso=other\n\tikelifetime=3h\n"
	  "conn mid\n\talso=base\n\tleftsubnet=10.0.1.0/24\n\tipsec-lifetime=2h\n"
	  "conn base\n\tleftid=@west\n\tipsec-lifetime=4h\n\tikelifetime=1h\n"
	  "conn other\n\trekeymargin=5m\n\tleftid=@other\n",
	  { NULL }, false, check_also },
	{ "also cycle",
	  "conn a\n\talso=b\nconn b\n\talso=a\nconn c\n\talso=a\nconn ok\n\tleft=192.0.2.1\n",
	  { "t.conf:4: also=a in conn \"b\" makes a cycle: \"a\" -> \"b\" -> \"a\"" },
	  false, check_cycle },
	{ "also self",
	  "conn a\n\talso=a\n",
	  { "t.conf:2: also=a in conn \"a\" makes a cycle: \"a\" -> \"a\"" },
	  false, check_conn_errors },
	{ "also unknown",
	  "conn a\n\talso=nowhere\n",
	  { "t.conf:2: also=nowhere in conn \"a\" refers to an unknown conn" },
	  false, check_conn_errors },
	{ "also needs a conn name",
	  "conn a\n\talso=%default\n",
	  { "t.conf:2: invalid value also='%default' in conn \"a\": expecting the name of a conn (not %default)" },
	  false, check_conn_errors },
	{ "bad %default marks every conn",
	  "conn x\n\tleft=192.0.2.1\nconn %default\n\tikelifetime=forever\nconn y\nconn z\n",
	  { "t.conf:4: invalid value ikelifetime='forever' in conn \"%default\": expecting a duration such as 8h, 30m, 90s, 500ms or a plain number of seconds" },
	  false, check_bad_default },
	{ "unknown keyword with suggestion",
	  "conn west-east\n\tlefft=192.0.2.1\n\trightsubnett=10.0.2.0/24\n\tfrobnicate=1\nconn ok\n",
	  { "t.conf:2: unknown keyword 'lefft' in conn \"west-east\" (did you mean 'left'?)",
	    "t.conf:3: unknown keyword 'rightsubnett' in conn \"west-east\" (did you mean 'rightsubnet'?)",
	    "t.conf:4: unknown keyword 'frobnicate' in conn \"west-east\"" },
	  false, check_conn_errors },
	{ "unknown keyword in config setup is file-level",
	  "config setup\n\tlogfil=/tmp/x\n",
	  { "t.conf:2: unknown keyword 'logfil' in config setup (did you mean 'logfile'?)" },
	  true, check_file_error },
	{ "keyword in the wrong section",
	  "config setup\n\tleft=192.0.2.1\nconn a\n\tnssdir=/tmp\n",
	  { "t.conf:2: keyword 'left' belongs in a conn section, not in config setup",
	    "t.conf:4: keyword 'nssdir' belongs in config setup, not in conn \"a\"" },
	  true, check_conn_errors },
	{ "duplicate keyword",
	  "conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\tleft=192.0.2.3\n",
	  { "t.conf:4: duplicate keyword 'left' in conn \"a\" (first set at t.conf:2)" },
	  false, check_conn_errors },
	{ "duplicate conn",
	  "conn x\n\tleft=192.0.2.1\nconn y\nconn x\n\tleft=192.0.2.2\n",
	  { "t.conf:4: duplicate conn \"x\" (first defined at t.conf:1)" },
	  false, check_dup_conn },
	{ "quotes, comments and hashes",
	  "# a comment\n  # an indented comment\nconn q # trailing comment\n"
	  "\tleftid=\"@west\"   # comment after a quoted value\n\tike=aes#128\n"
	  "\tmodecfgbanner=\"hello # world\"\n\trightid=\"C=CA, CN=\\\"x\\\"\"\n\n\t# comment in body\n",
	  { NULL }, false, check_comments },
	{ "unterminated quote",
	  "conn q\n\tleftid=\"@west\n",
	  { "t.conf:2: syntax error in conn \"q\": unterminated quoted value for 'leftid'" },
	  true, check_file_error },
	{ "unterminated brace",
	  "conn q\n\tleftsubnets={10.0.1.0/24\n",
	  { "t.conf:2: syntax error in conn \"q\": unterminated {braced} value for 'leftsubnets'" },
	  true, check_file_error },
	{ "text after value",
	  "conn q\n\tleftid=C=CA, O=X\n",
	  { "t.conf:2: syntax error in conn \"q\": unexpected text 'O=X' after the value of 'leftid' (quote values that contain spaces)" },
	  true, check_file_error },
	{ "not indented",
	  "conn q\nleft=192.0.2.1\nfrobnicate\n",
	  { "t.conf:2: syntax error: 'left=192.0.2.1' must be indented under a 'conn' or 'config setup' line",
	    "t.conf:3: syntax error: unexpected 'frobnicate' (expecting 'config setup', 'conn NAME', 'include FILE' or 'version 2'; section lines must be indented)" },
	  true, check_file_error },
	{ "outside any section",
	  "\tleft=192.0.2.1\nversion 2\n\tright=192.0.2.2\n",
	  { "t.conf:1: syntax error: 'left=192.0.2.1' is not inside a 'conn' or 'config setup' section",
	    "t.conf:3: syntax error: 'right=192.0.2.2' is not inside a 'conn' or 'config setup' section" },
	  true, check_file_error },
	{ "section headers",
	  "version 2.0\nconfig foo\nconn\nversion 3\nconn a b\nconn %bad\nconn ok\n",
	  { "t.conf:2: syntax error: expecting 'config setup', found 'config foo'",
	    "t.conf:3: syntax error: 'conn' needs a name",
	    "t.conf:4: unsupported 'version 3' (only version 2 is known)",
	    "t.conf:5: syntax error: unexpected text 'b' after 'conn a'",
	    "t.conf:6: invalid conn name '%bad'" },
	  true, check_file_error },
	{ "missing value and no '='",
	  "conn a\n\tleft=\n\tright\n\tleftid= # nothing\n",
	  { "t.conf:2: missing value for 'left' in conn \"a\"",
	    "t.conf:3: syntax error in conn \"a\": expecting KEY=VALUE, found 'right'",
	    "t.conf:4: missing value for 'leftid' in conn \"a\"" },
	  true, check_file_error },
	{ "spaces around =",
	  "conn a\n\tleft = 192.0.2.1\n\tright= 192.0.2.2\n",
	  { NULL }, false, check_spaces },
	{ "obsolete setup keywords",
	  "config setup\n\tinterfaces=%defaultroute\n\tnat_traversal=yes\n\tplutostderrlog=/tmp/p.log\n",
	  { "t.conf:2: warning: obsolete keyword 'interfaces' ignored in config setup (Libreswan removed it; use listen=)",
	    "t.conf:3: warning: obsolete keyword 'nat_traversal' ignored in config setup (NAT traversal is always on; see encapsulation=)",
	    "t.conf:4: warning: obsolete keyword 'plutostderrlog' accepted in config setup (use logfile=)" },
	  false, NULL },
	{ "new spelling wins over the obsolete one",
	  "config setup\n\tlogfile=/new.log\n\tplutostderrlog=/old.log\n"
	  "conn c\n\thostaddrfamily=ipv4\n\tconnaddrfamily=ipv6\n",
	  { "t.conf:3: warning: obsolete keyword 'plutostderrlog' accepted in config setup (use logfile=)",
	    "t.conf:6: warning: obsolete keyword 'connaddrfamily' accepted in conn \"c\" (use hostaddrfamily= and clientaddrfamily=)" },
	  false, check_new_spelling },
	{ "config setup values",
	  "config setup\n\tlogfile=/var/log/pluto.log\n\tlogtime=no\n\tlogappend=no\n\tplutodebug=\"base crypt\"\n"
	  "\tsecretsfile=/etc/ipsec.d/x.secrets\n\tnssdir=/tmp/nss\n\tlisten=192.0.2.1\n\tuniqueids=no\n"
	  "\tkeep-alive=30\n\tvirtual-private=%v4:10.0.0.0/8,%v4:!10.0.1.0/24,%v6:fd00::/8\n"
	  "\tprotostack=netkey\n\tnhelpers=4\n\tikev1-policy=accept\n\tstrictcrlpolicy=yes\n",
	  { NULL }, false, check_setup },
	{ "bad config setup values",
	  "config setup\n\tplutodebug=loud\n\tprotostack=klips\n\tlisten=eth0\n\tvirtual-private=10.0.0.0/8\n\tnhelpers=-2\n",
	  { "t.conf:2: invalid value plutodebug='loud' in config setup: expecting none, all, base, crypt or private (a list is allowed)",
	    "t.conf:3: invalid value protostack='klips' in config setup: expecting xfrm, netkey, native or auto",
	    "t.conf:4: invalid value listen='eth0' in config setup: 'eth0' is not a valid IPv4 address",
	    "t.conf:5: invalid value virtual-private='10.0.0.0/8' in config setup: '10.0.0.0/8' is not %v4:SUBNET, %v6:SUBNET or %v4:!SUBNET",
	    "t.conf:6: invalid value nhelpers='-2' in config setup: expecting a number from -1 to 1000" },
	  true, check_file_error },
	{ "include from memory",
	  "include /etc/ipsec.d/*.conf\nconn a\n",
	  { "t.conf:1: include '/etc/ipsec.d/*.conf' is not available when parsing from memory" },
	  true, check_file_error },
	{ "CRLF line ends",
	  "conn w\r\n\tleft=192.0.2.1\r\n\trightid=@east\r\n",
	  { NULL }, false, check_crlf },
	{ "conn checks",
	  "conn noleft\n\tright=192.0.2.2\n"
	  "conn anyany\n\tleft=%any\n\tright=%any\n"
	  "conn fam\n\tleft=192.0.2.1\n\tright=2001:db8::2\n"
	  "conn tr\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\ttype=transport\n\tleftsubnet=10.0.1.0/24\n"
	  "conn rt\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\tretransmit-interval=2m\n\tretransmit-timeout=1m\n"
	  "conn hf\n\tleft=192.0.2.1\n\tright=%any\n\thostaddrfamily=ipv6\n"
	  "conn never\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\tauthby=never\n"
	  "conn good\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\tleftsubnet=10.0.1.0/24\n",
	  { NULL }, false, check_checks },
	{ "accepted keywords without typed fields",
	  "config setup\n\tocsp-method=post\n\taudit-log=yes\n\tddos-ike-treshold=100\n"
	  "conn x\n\tnflog-group=5\n\tleftcat=yes\n\tsareftrack=conntrack\n\trightecdsakey=0sAAAA\n"
	  "conn bad\n\tnflog-group=0\n\tnat-ikev1-method=maybe\n",
	  { "t.conf:11: invalid value nflog-group='0' in conn \"bad\": expecting a number from 1 to 65535",
	    "t.conf:12: invalid value nat-ikev1-method='maybe' in conn \"bad\": expecting drafts, rfc, both or none" },
	  false, check_extras },
	{ "names and value parsers",
	  "", { NULL }, false, check_names },
	{ "problems in file order",
	  "conn a\n\talso=b\n\tlefft=1\nconn b\n\talso=a\n\tmtu=1\n",
	  { "t.conf:3: unknown keyword 'lefft' in conn \"a\" (did you mean 'left'?)",
	    "t.conf:5: also=a in conn \"b\" makes a cycle: \"a\" -> \"b\" -> \"a\"",
	    "t.conf:6: invalid value mtu='1' in conn \"b\": expecting a number from 68 to 65535" },
	  false, check_order },
};

static void run_case(const struct conf_case *tc)
{
	struct ipsec_conf *conf = NULL;
	ipsec_conf_parse_buffer("t.conf", tc->text, strlen(tc->text), &conf);
	assert_non_null(conf);
	unsigned want = 0;
	while (want < MAXP && tc->problems[want] != NULL)
		want++;
	for (unsigned i = 0; i < conf->nr_problems || i < want; i++) {
		const char *got = i < conf->nr_problems ? conf->problems[i].message : "(none)";
		const char *exp = i < want ? tc->problems[i] : "(none)";
		if (strcmp(got, exp) != 0)
			fail_msg("case '%s' problem %u:\n  got:  %s\n  want: %s", tc->name, i, got, exp);
	}
	if (conf->has_errors != tc->file_error)
		fail_msg("case '%s': has_errors %d, want %d", tc->name, conf->has_errors, tc->file_error);
	if (tc->check != NULL)
		tc->check(conf);
	ipsec_conf_free(&conf);
	assert_null(conf);
}

static void test_case(void **state)
{
	run_case(*state);
}

int main(void)
{
	size_t nc = sizeof(cases) / sizeof(cases[0]);
	const struct CMUnitTest *files;
	size_t nf;
	conf_file_tests(&files, &nf);
	struct CMUnitTest *tests = calloc(nc + nf, sizeof(*tests));
	for (size_t i = 0; i < nc; i++) {
		tests[i] = (struct CMUnitTest){ .name = cases[i].name, .test_func = test_case,
						.initial_state = (void *)&cases[i] };
	}
	for (size_t i = 0; i < nf; i++)
		tests[nc + i] = files[i];
	int r = _cmocka_run_group_tests("conf", tests, nc + nf, NULL, NULL);
	free(tests);
	return r;
}
