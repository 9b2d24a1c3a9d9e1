/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * On-demand routing's pure parts (conn/route.h): the names, the trap and
 * shunt policies built for a connection, the ACQUIRE log line, and the
 * reqid lookup that routes an ACQUIRE to its connection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "conn/add.h"
#include "conn/connections.h"
#include "conn/route.h"

static const char conf_text[] =
	"conn %default\n"
	"\tleft=192.0.2.1\n"
	"\tright=192.0.2.2\n"
	"\tauthby=secret\n"
	"conn tunnel\n"
	"\tleftsubnet=10.0.1.0/24\n"
	"\trightsubnet=10.0.2.0/24\n"
	"\tauto=ondemand\n"
	"conn transport\n"
	"\ttype=transport\n"
	"\tauto=route\n"
	"conn bypass\n"
	"\ttype=passthrough\n"
	"\tauthby=never\n"
	"\tleftsubnet=10.0.1.0/24\n"
	"\trightsubnet=10.0.2.2/32\n"
	"\tauto=ondemand\n"
	"conn block\n"
	"\ttype=drop\n"
	"\tauthby=never\n"
	"\tleftsubnet=10.0.1.0/24\n"
	"\trightsubnet=10.0.2.0/24\n"
	"\tauto=ondemand\n"
	"conn road\n"
	"\tright=%any\n"
	"\tauto=ondemand\n"
	"conn v6\n"
	"\tleft=2001:db8::1\n"
	"\tleftsubnet=2001:db8:1::/64\n"
	"\tright=2001:db8::2\n"
	"\trightsubnet=2001:db8:2::/64\n"
	"\tauto=ondemand\n"
	"conn pinned\n"
	"\treqid=0x74651234\n"
	"\tauto=add\n";

static struct ipsec_conf *conf;

static struct connection *build(const char *name, int local)
{
	const struct conn_config *cc = ipsec_conf_find(conf, name);
	assert_non_null(cc);
	struct connection *c = NULL;
	diag_t d = connection_from_config(cc, &c);
	if (d != NULL)
		fail_msg("%s", diag_str(d));
	c->local = local;	/* no interfaces in a unit test */
	return c;
}

static int setup(void **state)
{
	(void)state;
	ipsec_conf_parse_buffer("test.conf", conf_text, strlen(conf_text), &conf);
	assert_non_null(conf);
	for (unsigned i = 0; i < conf->nr_problems; i++)
		fprintf(stderr, "%s\n", conf->problems[i].message);
	assert_int_equal(conf->nr_errors, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	route_clear();
	conn_table_clear();
	ipsec_conf_free(&conf);
	return 0;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(routing_name(RT_UNROUTED), "unrouted");
	assert_string_equal(routing_name(RT_ROUTED_ONDEMAND), "routed-ondemand");
	assert_string_equal(routing_name(RT_ROUTED_NEGOTIATION), "routed-negotiation");
	assert_string_equal(routing_name(RT_ROUTED_FAILURE), "routed-failure");
	assert_string_equal(routing_name(RT_ROUTED_TUNNEL), "routed-tunnel");
	assert_string_equal(routing_name(RT_ROUTED_NEVER_NEGOTIATE), "routed-never-negotiate");
	assert_string_equal(routing_story(RT_ROUTED_ONDEMAND), "prospective erouted");
	assert_string_equal(routing_story(RT_ROUTED_TUNNEL), "erouted");
	assert_string_equal(routing_story(RT_ROUTED_NEGOTIATION), "erouted HOLD");
	assert_string_equal(routing_story(RT_ROUTED_FAILURE), "fail erouted");
}

static void assert_subnet(const ip_subnet *s, const char *text)
{
	subnet_buf b;
	assert_string_equal(str_subnet(s, &b), text);
}

static void test_trap_tunnel(void **state)
{
	(void)state;
	struct connection *c = build("tunnel", LEFT_END);
	struct kernel_policy p[3];
	const char *why;
	assert_int_equal(route_policies(c, ROUTE_TRAP, false, p, &why), 1);
	assert_null(why);
	assert_int_equal(p[0].id.dir, KERNEL_DIR_OUT);
	assert_subnet(&p[0].id.src.subnet, "10.0.1.0/24");
	assert_subnet(&p[0].id.dst.subnet, "10.0.2.0/24");
	assert_int_equal(p[0].action, KERNEL_POLICY_ALLOW);
	assert_true(p[0].has_tmpl);
	assert_int_equal(p[0].mode, KERNEL_MODE_TUNNEL);
	assert_int_equal(p[0].proto, IPPROTO_ESP);
	assert_int_equal(p[0].reqid, conn_reqid(c));
	assert_true(kernel_reqid_owned(p[0].reqid));
	address_buf ab;
	assert_string_equal(str_address(&p[0].tmpl_src, &ab), "192.0.2.1");
	assert_string_equal(str_address(&p[0].tmpl_dst, &ab), "192.0.2.2");
	/* the tunnel's own policy gets the same priority: UPDPOLICY replaces the trap */
	assert_int_equal(p[0].priority, kernel_policy_priority(&p[0].id.src, &p[0].id.dst));

	/* seen from the right end, everything mirrors */
	c->local = RIGHT_END;
	assert_int_equal(route_policies(c, ROUTE_TRAP, false, p, &why), 1);
	assert_subnet(&p[0].id.src.subnet, "10.0.2.0/24");
	assert_string_equal(str_address(&p[0].tmpl_dst, &ab), "192.0.2.1");
	connection_free(&c);
}

static void test_trap_ipv6(void **state)
{
	(void)state;
	struct connection *c = build("v6", LEFT_END);
	struct kernel_policy p[3];
	const char *why;
	assert_int_equal(route_policies(c, ROUTE_TRAP, false, p, &why), 1);
	assert_subnet(&p[0].id.src.subnet, "2001:db8:1::/64");
	assert_subnet(&p[0].id.dst.subnet, "2001:db8:2::/64");
	address_buf ab;
	assert_string_equal(str_address(&p[0].tmpl_src, &ab), "2001:db8::1");
	assert_string_equal(str_address(&p[0].tmpl_dst, &ab), "2001:db8::2");
	assert_true(kernel_priority_owned(p[0].priority));
	connection_free(&c);
}

static void test_trap_transport(void **state)
{
	(void)state;
	struct connection *c = build("transport", LEFT_END);
	struct kernel_policy p[3];
	const char *why;
	assert_int_equal(route_policies(c, ROUTE_TRAP, false, p, &why), 1);
	assert_int_equal(p[0].mode, KERNEL_MODE_TRANSPORT);
	assert_subnet(&p[0].id.src.subnet, "192.0.2.1/32");
	assert_subnet(&p[0].id.dst.subnet, "192.0.2.2/32");
	connection_free(&c);
}

static void test_shunts(void **state)
{
	(void)state;
	struct connection *c = build("bypass", LEFT_END);
	struct kernel_policy p[3];
	const char *why;
	assert_int_equal(route_policies(c, ROUTE_PASS, true, p, &why), 3);
	assert_int_equal(p[0].id.dir, KERNEL_DIR_OUT);
	assert_int_equal(p[1].id.dir, KERNEL_DIR_IN);
	assert_int_equal(p[2].id.dir, KERNEL_DIR_FWD);
	assert_subnet(&p[0].id.src.subnet, "10.0.1.0/24");
	assert_subnet(&p[0].id.dst.subnet, "10.0.2.2/32");
	assert_subnet(&p[1].id.src.subnet, "10.0.2.2/32");
	assert_subnet(&p[1].id.dst.subnet, "10.0.1.0/24");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(p[i].action, KERNEL_POLICY_ALLOW);
		assert_false(p[i].has_tmpl);
		assert_true(kernel_priority_owned(p[i].priority));
	}
	/* more specific than the 10.0.1.0/24 <-> 10.0.2.0/24 tunnel: tried first */
	struct connection *t = build("tunnel", LEFT_END);
	struct kernel_policy tp[3];
	assert_int_equal(route_policies(t, ROUTE_TRAP, false, tp, &why), 1);
	assert_true(p[0].priority < tp[0].priority);

	/* a block shunt of the same selectors as a tunnel still wins */
	struct connection *b = build("block", LEFT_END);
	assert_int_equal(route_policies(b, ROUTE_BLOCK, true, p, &why), 3);
	assert_int_equal(p[0].action, KERNEL_POLICY_BLOCK);
	assert_int_equal(p[0].priority + 1, tp[0].priority);
	connection_free(&b);
	connection_free(&t);
	connection_free(&c);
}

static void test_cannot(void **state)
{
	(void)state;
	struct kernel_policy p[3];
	const char *why;
	struct connection *c = build("tunnel", -1);
	assert_int_equal(route_policies(c, ROUTE_TRAP, false, p, &why), 0);
	assert_non_null(why);
	assert_non_null(strstr(why, "unoriented"));
	connection_free(&c);
	c = build("road", LEFT_END);
	assert_int_equal(route_policies(c, ROUTE_TRAP, false, p, &why), 0);
	assert_string_equal(why, "the peer address is unknown");
	connection_free(&c);
}

static struct kernel_acquire acquire(const char *src, const char *dst, uint8_t proto, uint16_t sport,
				     uint16_t dport, uint32_t reqid)
{
	struct kernel_acquire a;
	memset(&a, 0, sizeof(a));
	assert_null(ttosubnet(src, AF_UNSPEC, &a.sel_src.subnet));
	assert_null(ttosubnet(dst, AF_UNSPEC, &a.sel_dst.subnet));
	a.sel_src.ipproto = a.sel_dst.ipproto = proto;
	a.sel_src.port = sport;
	a.sel_dst.port = dport;
	a.reqid = reqid;
	a.dir = KERNEL_DIR_OUT;
	a.proto = IPPROTO_ESP;
	return a;
}

static void assert_acquire_line(const struct kernel_acquire *a, const char *want)
{
	char buf[200];
	struct jambuf b = jambuf_init(buf, sizeof(buf));
	jam_acquire(&b, a);
	assert_string_equal(buf, want);
}

static void test_acquire_line(void **state)
{
	(void)state;
	struct kernel_acquire a = acquire("10.0.1.1", "10.0.2.1", IPPROTO_ICMP, 8, 0, 0);
	assert_acquire_line(&a, "initiate on-demand for packet 10.0.1.1:8-ICMP->10.0.2.1:0");
	/* TCP/UDP: an unknown (zero) source port is left out */
	a = acquire("10.0.1.1", "10.0.2.1", IPPROTO_TCP, 0, 22, 0);
	assert_acquire_line(&a, "initiate on-demand for packet 10.0.1.1-TCP->10.0.2.1:22");
	a = acquire("10.0.1.1", "10.0.2.1", IPPROTO_UDP, 40000, 53, 0);
	assert_acquire_line(&a, "initiate on-demand for packet 10.0.1.1:40000-UDP->10.0.2.1:53");
	a = acquire("2001:db8:1::1", "2001:db8:2::1", IPPROTO_TCP, 1234, 80, 0);
	assert_acquire_line(&a, "initiate on-demand for packet [2001:db8:1::1]:1234-TCP->[2001:db8:2::1]:80");
}

static void test_lookup(void **state)
{
	(void)state;
	struct connection *t = build("tunnel", LEFT_END);
	struct connection *p = build("pinned", LEFT_END);
	conn_table_add(t);
	conn_table_add(p);
	route_track(t);
	route_track(p);
	assert_int_equal(conn_reqid(p), 0x74651234);
	assert_ptr_equal(route_find_reqid(conn_reqid(t)), t);
	assert_ptr_equal(route_find_reqid(0x74651234), p);
	assert_null(route_find_reqid(0x7465fff0));
	assert_int_equal(conn_routing(t), RT_UNROUTED);

	/* only a routed connection takes an ACQUIRE */
	struct kernel_acquire a = acquire("10.0.1.7", "10.0.2.9", IPPROTO_ICMP, 8, 0, conn_reqid(t));
	assert_null(route_find_acquire(&a));
	route_mark_routed(t);
	assert_int_equal(conn_routing(t), RT_ROUTED_ONDEMAND);
	assert_ptr_equal(route_find_acquire(&a), t);
	/* a packet outside the connection's subnets, another reqid, inbound */
	struct kernel_acquire out = acquire("10.0.3.7", "10.0.2.9", IPPROTO_ICMP, 8, 0, conn_reqid(t));
	assert_null(route_find_acquire(&out));
	out = acquire("10.0.1.7", "10.0.2.9", IPPROTO_ICMP, 8, 0, conn_reqid(t) + 4);
	assert_null(route_find_acquire(&out));
	out = a;
	out.dir = KERNEL_DIR_IN;
	assert_null(route_find_acquire(&out));

	/* a Child SA's policies: routed-tunnel, counted; gone: the trap state again */
	ip_subnet l, r;
	assert_null(ttosubnet("10.0.1.0/24", AF_INET, &l));
	assert_null(ttosubnet("10.0.2.0/24", AF_INET, &r));
	assert_int_equal(route_nr_tunnels(), 0);
	route_policies_added(conn_reqid(t), &l, &r);
	assert_int_equal(conn_routing(t), RT_ROUTED_TUNNEL);
	assert_int_equal(route_nr_tunnels(), 1);
	/* still found: route_acquire() then ignores it (not routed-ondemand) */
	assert_ptr_equal(route_find_acquire(&a), t);

	/* a stale entry (its connection freed without route_forget) is skipped */
	conn_table_remove(p);
	connection_free(&p);
	assert_null(route_find_reqid(0x74651234));

	route_forget(t);
	assert_int_equal(conn_routing(t), RT_UNROUTED);
	assert_int_equal(route_nr_tunnels(), 0);
	assert_null(route_find_reqid(conn_reqid(t)));
	route_clear();
	conn_table_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_trap_tunnel),
		cmocka_unit_test(test_trap_ipv6),
		cmocka_unit_test(test_trap_transport),
		cmocka_unit_test(test_shunts),
		cmocka_unit_test(test_cannot),
		cmocka_unit_test(test_acquire_line),
		cmocka_unit_test(test_lookup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
