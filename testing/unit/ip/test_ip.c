/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/ip: addresses, subnets, endpoints, selectors, identities */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "tern/ip.h"
#include "tern/id.h"

/* ---- addresses: parse -> print round trips (RFC 5952 output) ---- */

static const struct { const char *in; const char *out; int afi; } good_addresses[] = {
	{ "192.0.2.1", "192.0.2.1", AF_INET },
	{ "0.0.0.0", "0.0.0.0", AF_INET },
	{ "255.255.255.255", "255.255.255.255", AF_INET },
	{ "2001:DB8::1", "2001:db8::1", AF_INET6 },
	{ "2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1", AF_INET6 },
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", AF_INET6 },	/* leftmost on a tie */
	{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", AF_INET6 },	/* one zero group stays */
	{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1", AF_INET6 },		/* longest run wins */
	{ "::", "::", AF_INET6 },
	{ "::1", "::1", AF_INET6 },
	{ "fe80::", "fe80::", AF_INET6 },
	{ "::ffff:192.0.2.1", "::ffff:192.0.2.1", AF_INET6 },
	{ "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", AF_INET6 },
};

static void test_address_round_trip(void **state)
{
	for (size_t i = 0; i < sizeof(good_addresses) / sizeof(good_addresses[0]); i++) {
		ip_address a;
		diag_t d = ttoaddress_num(good_addresses[i].in, AF_UNSPEC, &a);
		if (d != NULL)
			fail_msg("%s: %s", good_addresses[i].in, diag_str(d));
		address_buf b;
		assert_string_equal(str_address(&a, &b), good_addresses[i].out);
		assert_int_equal(a.family, good_addresses[i].afi);
		/* the output parses back to the same address */
		ip_address again;
		assert_null(ttoaddress_num(b.buf, AF_UNSPEC, &again));
		assert_true(address_eq(&a, &again));
		assert_int_equal(address_hash(&a), address_hash(&again));
	}
}

static const struct { const char *in; int afi; const char *msg; } bad_addresses[] = {
	{ "1.2.3", AF_UNSPEC, "'1.2.3' is not a valid IPv4 address" },
	{ "1.2.3.256", AF_UNSPEC, "'1.2.3.256' is not a valid IPv4 address" },
	{ "1.2.3.4 ", AF_UNSPEC, "'1.2.3.4 ' is not a valid IPv4 address" },
	{ "2001:db8::g", AF_UNSPEC, "'2001:db8::g' is not a valid IPv6 address" },
	{ "1::2::3", AF_UNSPEC, "'1::2::3' is not a valid IPv6 address" },
	{ "", AF_UNSPEC, "empty IP address" },
	{ "192.0.2.1", AF_INET6, "'192.0.2.1' is not an IPv6 address" },
	{ "2001:db8::1", AF_INET, "'2001:db8::1' is not an IPv4 address" },
	{ "west.example", AF_UNSPEC, "'west.example' is not a valid IPv4 address" },
};

static void test_address_rejects(void **state)
{
	for (size_t i = 0; i < sizeof(bad_addresses) / sizeof(bad_addresses[0]); i++) {
		ip_address a = address_any(AF_INET);
		ip_address before = a;
		diag_t d = ttoaddress_num(bad_addresses[i].in, bad_addresses[i].afi, &a);
		assert_non_null(d);
		assert_string_equal(diag_str(d), bad_addresses[i].msg);
		assert_true(address_eq(&a, &before));	/* untouched */
		diag_free(&d);
	}
}

static void test_address_predicates(void **state)
{
	ip_address a;
	assert_true(address_is_unset(&unset_address));
	assert_false(address_is_any(&unset_address));
	a = address_any(AF_INET6);
	assert_true(address_is_any(&a));
	assert_false(address_is_specified(&a));
	assert_null(ttoaddress_num("127.0.0.1", AF_UNSPEC, &a));
	assert_true(address_is_loopback(&a));
	assert_true(address_is_specified(&a));
	assert_null(ttoaddress_num("::1", AF_UNSPEC, &a));
	assert_true(address_is_loopback(&a));
	ip_address v4, v6;
	assert_null(ttoaddress_num("255.255.255.255", AF_UNSPEC, &v4));
	assert_null(ttoaddress_num("::", AF_UNSPEC, &v6));
	assert_true(address_cmp(&v4, &v6) < 0);		/* IPv4 before IPv6 */
	assert_true(address_cmp(&unset_address, &v4) < 0);
	assert_int_equal(address_len(&v4), 4);
	assert_int_equal(address_bits(&v6), 128);
	struct in_addr in;
	inet_pton(AF_INET, "192.0.2.7", &in);
	a = address_from_in_addr(&in);
	address_buf b;
	assert_string_equal(str_address(&a, &b), "192.0.2.7");
	assert_string_equal(str_address(&unset_address, &b), "<unset-address>");
}

/* ---- subnets ---- */

static const struct { const char *in; const char *out; } good_subnets[] = {
	{ "10.0.1.0/24", "10.0.1.0/24" },
	{ "10.0.1.1", "10.0.1.1/32" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "%any", "0.0.0.0/0" },
	{ "%any6", "::/0" },
	{ "2001:db8::/32", "2001:db8::/32" },
	{ "2001:db8::1", "2001:db8::1/128" },
	{ "192.0.2.128/25", "192.0.2.128/25" },
};

static const struct { const char *in; const char *msg; } bad_subnets[] = {
	{ "10.0.1.1/24", "10.0.1.1/24 has host bits set" },
	{ "2001:db8::1/64", "2001:db8::1/64 has host bits set" },
	{ "10.0.1.0/33", "'10.0.1.0/33' has an invalid prefix length '33' (0..32 for IPv4)" },
	{ "10.0.1.0/", "'10.0.1.0/' has an invalid prefix length '' (0..32 for IPv4)" },
	{ "10.0.1.0/-1", "'10.0.1.0/-1' has an invalid prefix length '-1' (0..32 for IPv4)" },
	{ "2001:db8::/129", "'2001:db8::/129' has an invalid prefix length '129' (0..128 for IPv6)" },
	{ "10.0.1/24", "invalid subnet '10.0.1/24': '10.0.1' is not a valid IPv4 address" },
	{ "", "empty subnet" },
};

static void test_subnets(void **state)
{
	for (size_t i = 0; i < sizeof(good_subnets) / sizeof(good_subnets[0]); i++) {
		ip_subnet s;
		diag_t d = ttosubnet(good_subnets[i].in, AF_UNSPEC, &s);
		if (d != NULL)
			fail_msg("%s: %s", good_subnets[i].in, diag_str(d));
		subnet_buf b;
		assert_string_equal(str_subnet(&s, &b), good_subnets[i].out);
		ip_subnet again;
		assert_null(ttosubnet(b.buf, AF_UNSPEC, &again));
		assert_true(subnet_eq(&s, &again));
	}
	for (size_t i = 0; i < sizeof(bad_subnets) / sizeof(bad_subnets[0]); i++) {
		ip_subnet s = { 0 };
		diag_t d = ttosubnet(bad_subnets[i].in, AF_UNSPEC, &s);
		assert_non_null(d);
		assert_string_equal(diag_str(d), bad_subnets[i].msg);
		assert_true(subnet_is_unset(&s));
		diag_free(&d);
	}
}

static void test_subnet_contains(void **state)
{
	ip_subnet net, inner, all;
	ip_address a, b, c;
	assert_null(ttosubnet("10.0.0.0/8", AF_UNSPEC, &net));
	assert_null(ttosubnet("10.0.1.0/24", AF_UNSPEC, &inner));
	assert_null(ttosubnet("0.0.0.0/0", AF_UNSPEC, &all));
	assert_null(ttoaddress_num("10.200.0.1", AF_UNSPEC, &a));
	assert_null(ttoaddress_num("11.0.0.1", AF_UNSPEC, &b));
	assert_null(ttoaddress_num("::a00:1", AF_UNSPEC, &c));
	assert_true(subnet_contains_address(&net, &a));
	assert_false(subnet_contains_address(&net, &b));
	assert_false(subnet_contains_address(&net, &c));	/* other family */
	assert_true(subnet_contains_subnet(&net, &inner));
	assert_false(subnet_contains_subnet(&inner, &net));
	assert_true(subnet_contains_subnet(&all, &net));
	assert_true(subnet_is_all(&all));
	ip_subnet host = subnet_from_address(&a);
	assert_true(subnet_is_host(&host));
	ip_address hi = subnet_ceiling(&inner);
	address_buf ab;
	assert_string_equal(str_address(&hi, &ab), "10.0.1.255");
	ip_subnet odd;
	assert_null(ttosubnet("10.0.0.0/13", AF_UNSPEC, &odd));
	hi = subnet_ceiling(&odd);
	assert_string_equal(str_address(&hi, &ab), "10.7.255.255");
	assert_null(ttoaddress_num("10.7.255.255", AF_UNSPEC, &a));
	assert_true(subnet_contains_address(&odd, &a));
	assert_null(ttoaddress_num("10.8.0.0", AF_UNSPEC, &a));
	assert_false(subnet_contains_address(&odd, &a));
}

/* ---- endpoints ---- */

static void test_endpoints(void **state)
{
	static const struct { const char *in; const char *out; } good[] = {
		{ "192.0.2.1:500", "192.0.2.1:500" },
		{ "[2001:db8::1]:4500", "[2001:db8::1]:4500" },
		{ "[2001:DB8:0::1]:0", "[2001:db8::1]:0" },
		{ "0.0.0.0:65535", "0.0.0.0:65535" },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ip_endpoint e;
		diag_t d = ttoendpoint_num(good[i].in, AF_UNSPEC, &e);
		if (d != NULL)
			fail_msg("%s: %s", good[i].in, diag_str(d));
		endpoint_buf b;
		assert_string_equal(str_endpoint(&e, &b), good[i].out);
		/* through a sockaddr and back */
		struct sockaddr_storage ss;
		socklen_t len = endpoint_to_sockaddr(&e, &ss);
		assert_true(len > 0);
		ip_endpoint back;
		assert_null(endpoint_from_sockaddr((struct sockaddr *)&ss, len, &back));
		assert_true(endpoint_eq(&e, &back));
		assert_int_equal(endpoint_hash(&e), endpoint_hash(&back));
	}
	static const struct { const char *in; const char *msg; } bad[] = {
		{ "2001:db8::1:500", "'2001:db8::1:500' is not a valid endpoint (an IPv6 address needs [brackets])" },
		{ "192.0.2.1:65536", "'192.0.2.1:65536' has an invalid port '65536' (0..65535)" },
		{ "192.0.2.1", "'192.0.2.1' is not a valid endpoint (expecting ADDRESS:PORT)" },
		{ "[2001:db8::1]", "'[2001:db8::1]' is not a valid endpoint (expecting [ADDRESS]:PORT)" },
		{ "192.0.2.1:x", "'192.0.2.1:x' has an invalid port 'x' (0..65535)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ip_endpoint e;
		diag_t d = ttoendpoint_num(bad[i].in, AF_UNSPEC, &e);
		assert_non_null(d);
		assert_string_equal(diag_str(d), bad[i].msg);
		diag_free(&d);
	}
	struct sockaddr sa = { .sa_family = AF_UNIX };
	ip_endpoint e;
	diag_t d = endpoint_from_sockaddr(&sa, sizeof(sa), &e);
	assert_non_null(d);
	assert_string_equal(diag_str(d), "socket address family 1 is not IPv4 or IPv6");
	diag_free(&d);
	struct sockaddr_in6 short6 = { .sin6_family = AF_INET6 };
	d = endpoint_from_sockaddr((struct sockaddr *)&short6, 8, &e);
	assert_non_null(d);
	assert_string_equal(diag_str(d), "IPv6 socket address too short (8 bytes)");
	diag_free(&d);
}

/* ---- protocol/port and selectors ---- */

static void test_protoport_selectors(void **state)
{
	static const struct { const char *in; uint8_t proto; uint16_t port; } good[] = {
		{ "tcp", 6, 0 }, { "udp/1701", 17, 1701 }, { "17/%any", 17, 0 },
		{ "tcp/ssh", 6, 22 }, { "icmp/8", 1, 8 }, { "ESP", 50, 0 }, { "47", 47, 0 },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint8_t p = 99;
		uint16_t port = 99;
		diag_t d = ttoprotoport(good[i].in, &p, &port);
		if (d != NULL)
			fail_msg("%s: %s", good[i].in, diag_str(d));
		assert_int_equal(p, good[i].proto);
		assert_int_equal(port, good[i].port);
	}
	static const struct { const char *in; const char *msg; } bad[] = {
		{ "tcp/70000", "'70000' is not a valid port in 'tcp/70000' (0..65535, a service name, or %any)" },
		{ "bogus/1", "'bogus' is not a known IP protocol in 'bogus/1' (tcp, udp, icmp, ..., or 0..255)" },
		{ "256", "'256' is not a known IP protocol in '256' (tcp, udp, icmp, ..., or 0..255)" },
		{ "gre/5", "'gre/5': a port needs a protocol with ports (tcp, udp, sctp, icmp)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t p;
		uint16_t port;
		diag_t d = ttoprotoport(bad[i].in, &p, &port);
		assert_non_null(d);
		assert_string_equal(diag_str(d), bad[i].msg);
		diag_free(&d);
	}
	ip_selector s;
	selector_buf b;
	assert_null(ttoselector("10.0.1.0/24/tcp/22", AF_UNSPEC, &s));
	assert_string_equal(str_selector(&s, &b), "10.0.1.0/24/TCP/22");
	assert_null(ttoselector("2001:db8::/64", AF_UNSPEC, &s));
	assert_string_equal(str_selector(&s, &b), "2001:db8::/64");
	ip_selector t = selector_from_subnet(&s.subnet);
	assert_true(selector_eq(&s, &t));
	diag_t d = ttoselector("10.0.1.1/24/udp", AF_UNSPEC, &s);
	assert_non_null(d);
	assert_string_equal(diag_str(d), "10.0.1.1/24 has host bits set");
	diag_free(&d);
}

/* ---- identities ---- */

static const struct { const char *in; enum id_kind kind; const char *out; } good_ids[] = {
	{ "@west", ID_FQDN, "@west" },
	{ "@west.example.com", ID_FQDN, "@west.example.com" },
	{ "east.example.com", ID_FQDN, "@east.example.com" },
	{ "road@example.com", ID_USER_FQDN, "road@example.com" },
	{ "192.0.2.1", ID_IPV4_ADDR, "192.0.2.1" },
	{ "2001:DB8::2", ID_IPV6_ADDR, "2001:db8::2" },
	{ "C=CA, O=Example, CN=west", ID_DER_ASN1_DN, "C=CA, O=Example, CN=west" },
	{ "/C=CA/O=Example/CN=west", ID_DER_ASN1_DN, "/C=CA/O=Example/CN=west" },
	{ "@#0a1B2c", ID_KEY_ID, "@#0a1b2c" },
	{ "%any", ID_ANY, "%any" },
	{ "%any6", ID_ANY, "%any" },
	{ "%fromcert", ID_FROMCERT, "%fromcert" },
	{ "%none", ID_NONE, "(none)" },
	{ "%null", ID_NULL, "ID_NULL" },
};

static void test_ids(void **state)
{
	for (size_t i = 0; i < sizeof(good_ids) / sizeof(good_ids[0]); i++) {
		struct id id;
		diag_t d = ttoid(good_ids[i].in, &id);
		if (d != NULL)
			fail_msg("%s: %s", good_ids[i].in, diag_str(d));
		assert_int_equal(id.kind, good_ids[i].kind);
		id_buf b;
		assert_string_equal(str_id(&id, &b), good_ids[i].out);
		struct id copy = id_clone(&id);
		assert_true(id_equal(&id, &copy));
		id_free(&copy);
		id_free(&id);
	}
	struct id fq;
	assert_null(ttoid("@west", &fq));
	assert_int_equal(fq.len, 4);
	assert_memory_equal(fq.name, "west", 4);	/* the ID payload body */
	id_free(&fq);
	assert_string_equal(id_kind_name(ID_FQDN), "FQDN");
	assert_string_equal(id_kind_name(ID_IPV4_ADDR), "IPV4_ADDR");
	assert_string_equal(id_kind_name(ID_USER_FQDN), "USER_FQDN");
	assert_string_equal(id_kind_name(ID_DER_ASN1_DN), "DER_ASN1_DN");
	assert_string_equal(id_kind_name(ID_KEY_ID), "KEY_ID");
	assert_string_equal(id_kind_name(ID_NULL), "ID_NULL");
}

static void test_id_rejects(void **state)
{
	static const struct { const char *in; const char *msg; } bad[] = {
		{ "", "empty ID" },
		{ "@", "'@' is not a valid ID (empty name after '@')" },
		{ "@#abc", "'@#abc' is not a valid key ID (expecting @# and an even number of hex digits)" },
		{ "@#zz", "'@#zz' is not a valid key ID (expecting @# and an even number of hex digits)" },
		{ "%bogus", "'%bogus' is not a valid ID (expecting %any, %none, %null, %fromcert, @fqdn, user@fqdn, an address or a DN)" },
		{ "@west example", "'@west example' is not a valid FQDN ID (contains a space)" },
		{ "a:b", "'a:b' is not a valid ID" },
		{ "a@", "'a@' is not a valid user@fqdn ID" },
		{ "=x", "'=x' is not a valid distinguished name (expecting TYPE=value at '=x')" },
		{ "bad\tid", "ID contains a control character" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct id id = { .kind = ID_NONE };
		diag_t d = ttoid(bad[i].in, &id);
		if (d == NULL)
			fail_msg("'%s' accepted", bad[i].in);
		assert_string_equal(diag_str(d), bad[i].msg);
		assert_int_equal(id.kind, ID_NONE);
		diag_free(&d);
	}
}

static void test_id_equal_match(void **state)
{
	struct id a, b, any, ip, dn1, dn2;
	assert_null(ttoid("@West.Example.COM", &a));
	assert_null(ttoid("@west.example.com.", &b));
	assert_true(id_equal(&a, &b));		/* case and trailing dot */
	assert_null(ttoid("%any", &any));
	assert_true(id_matches(&any, &a));
	assert_false(id_matches(&a, &any));
	assert_null(ttoid("192.0.2.1", &ip));
	assert_false(id_equal(&a, &ip));
	ip_address addr;
	assert_null(ttoaddress_num("192.0.2.1", AF_UNSPEC, &addr));
	struct id fromaddr = id_from_address(&addr);
	assert_true(id_equal(&ip, &fromaddr));
	assert_null(ttoid("C=CA, O=Example, CN=west", &dn1));
	assert_null(ttoid("c=CA,O=Example,  CN=west", &dn2));
	assert_true(id_equal(&dn1, &dn2));
	struct id dn3;
	assert_null(ttoid("C=CA, O=Example, CN=east", &dn3));
	assert_false(id_equal(&dn1, &dn3));
	id_free(&a);
	id_free(&b);
	id_free(&any);
	id_free(&ip);
	id_free(&dn1);
	id_free(&dn2);
	id_free(&dn3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_round_trip),
		cmocka_unit_test(test_address_rejects),
		cmocka_unit_test(test_address_predicates),
		cmocka_unit_test(test_subnets),
		cmocka_unit_test(test_subnet_contains),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_protoport_selectors),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_id_rejects),
		cmocka_unit_test(test_id_equal_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
