/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * On-demand routing against the host's real XFRM, in a private network
 * namespace (unshare(CLONE_NEWNET): nothing outside is touched, nothing
 * is left behind).  Needs root; skips (77) without it.
 *
 * The engine is not running here (pluto_ikev2 is NULL), so an ACQUIRE's
 * initiation fails at once: exactly the failed-negotiation path, which
 * must leave the failureshunt (or the trap again) in the kernel.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "tern/ctl.h"
#include "conn/add.h"
#include "conn/connections.h"
#include "conn/route.h"
#include "kernel/kernel.h"

static const char conf_text[] =
	"conn %default\n"
	"\tleft=192.0.2.1\n"
	"\tright=192.0.2.2\n"
	"\tauthby=secret\n"
	"\tauto=ondemand\n"
	"conn tunnel\n"
	"\tleftsubnet=10.0.1.0/24\n"
	"\trightsubnet=10.0.2.0/24\n"
	"conn failing\n"
	"\tleftsubnet=10.0.1.0/24\n"
	"\trightsubnet=10.0.4.0/24\n"
	"\tfailureshunt=drop\n"
	"conn passing\n"
	"\tleftsubnet=10.0.1.0/24\n"
	"\trightsubnet=10.0.5.0/24\n"
	"\tnegotiationshunt=passthrough\n"
	"\tfailureshunt=passthrough\n"
	"conn bypass\n"
	"\ttype=passthrough\n"
	"\tauthby=never\n"
	"\tleftsubnet=10.0.1.0/24\n"
	"\trightsubnet=10.0.2.2/32\n";

static struct ipsec_conf *conf;

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "unit-pluto-route-xfrm: needs root for a private network namespace; skipped\n");
		exit(77);
	}
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "unit-pluto-route-xfrm: unshare(CLONE_NEWNET): %s; skipped\n", strerror(errno));
		exit(77);
	}
	diag_t d = kernel_init(&global_logger);
	if (d != NULL) {
		fprintf(stderr, "%s\n", diag_str(d));
		return -1;
	}
	ipsec_conf_parse_buffer("test.conf", conf_text, strlen(conf_text), &conf);
	assert_non_null(conf);
	assert_int_equal(conf->nr_errors, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	route_shutdown();
	conn_table_clear();
	ipsec_conf_free(&conf);
	kernel_shutdown(&global_logger);
	return 0;
}

static struct connection *add(const char *name)
{
	const struct conn_config *cc = ipsec_conf_find(conf, name);
	assert_non_null(cc);
	struct connection *c = NULL;
	diag_t d = connection_from_config(cc, &c);
	if (d != NULL)
		fail_msg("%s", diag_str(d));
	c->local = LEFT_END;	/* no interfaces here */
	conn_table_add(c);
	route_track(c);
	return c;
}

static struct kernel_policy_id out_id(const char *src, const char *dst)
{
	struct kernel_policy_id id;
	memset(&id, 0, sizeof(id));
	assert_null(ttoselector(src, AF_INET, &id.src));
	assert_null(ttoselector(dst, AF_INET, &id.dst));
	id.dir = KERNEL_DIR_OUT;
	return id;
}

/* the policy the kernel holds for ID: 1 = trap (ESP template of REQID), 2 = pass, 3 = block, 0 = none */
static int held(struct kernel_policy_id id, uint32_t reqid)
{
	struct kernel_policy p;
	diag_t d = kernel_get_policy(&id, &p);
	if (d != NULL) {
		diag_free(&d);
		return 0;
	}
	if (p.action == KERNEL_POLICY_BLOCK)
		return 3;
	if (!p.has_tmpl)
		return 2;
	assert_int_equal(p.reqid, reqid);
	return 1;
}

static struct kernel_acquire acquire_for(const struct connection *c, const char *src, const char *dst)
{
	struct kernel_acquire a;
	memset(&a, 0, sizeof(a));
	assert_null(ttoselector(src, AF_INET, &a.sel_src));
	assert_null(ttoselector(dst, AF_INET, &a.sel_dst));
	a.sel_src.ipproto = a.sel_dst.ipproto = IPPROTO_ICMP;
	a.sel_src.port = 8;
	a.reqid = conn_reqid(c);
	a.dir = KERNEL_DIR_OUT;
	a.proto = IPPROTO_ESP;
	return a;
}

static void test_trap_lifecycle(void **state)
{
	(void)state;
	struct connection *c = add("tunnel");
	uint32_t reqid = conn_reqid(c);
	struct kernel_policy_id id = out_id("10.0.1.0/24", "10.0.2.0/24");
	assert_int_equal(held(id, reqid), 0);

	assert_int_equal(route_connection(c, &global_logger), CTL_RC_OK);
	assert_int_equal(held(id, reqid), 1);
	assert_int_equal(conn_routing(c), RT_ROUTED_ONDEMAND);
	assert_int_equal(route_connection(c, &global_logger), CTL_RC_OK);	/* again: nothing changes */
	assert_int_equal(held(id, reqid), 1);

	/* a Child SA's policy replaces the trap (what k_add_policies does) */
	struct kernel_policy tp[3];
	const char *why;
	assert_int_equal(route_policies(c, ROUTE_TRAP, false, tp, &why), 1);
	struct kernel_policy t = tp[0];
	assert_null(kernel_add_policy(&t, true, &global_logger));
	ip_subnet l = id.src.subnet, r = id.dst.subnet;
	route_policies_added(reqid, &l, &r);
	assert_int_equal(conn_routing(c), RT_ROUTED_TUNNEL);
	assert_int_equal(route_nr_tunnels(), 1);
	assert_int_equal(unroute_connection(c, &global_logger), CTL_RC_RTBUSY);

	/* the Child SA goes: its outbound policy becomes the trap again */
	assert_true(route_policies_removing(reqid, &l, &r));
	assert_int_equal(held(id, reqid), 1);
	assert_int_equal(conn_routing(c), RT_ROUTED_ONDEMAND);
	assert_int_equal(route_nr_tunnels(), 0);

	/* unroute: nothing left */
	assert_int_equal(unroute_connection(c, &global_logger), CTL_RC_OK);
	assert_int_equal(held(id, reqid), 0);
	assert_int_equal(conn_routing(c), RT_UNROUTED);
	assert_int_equal(unroute_connection(c, &global_logger), CTL_RC_OK);

	/* an unrouted connection's Child SA leaves nothing behind it */
	assert_null(kernel_add_policy(&t, true, &global_logger));
	route_policies_added(reqid, &l, &r);
	assert_int_equal(conn_routing(c), RT_ROUTED_TUNNEL);
	assert_false(route_policies_removing(reqid, &l, &r));
	assert_int_equal(conn_routing(c), RT_UNROUTED);
	assert_null(kernel_del_policy(&id, &global_logger));

	/* the connection goes: so does its trap */
	assert_int_equal(route_connection(c, &global_logger), CTL_RC_OK);
	assert_int_equal(held(id, reqid), 1);
	route_connection_gone(c);
	assert_int_equal(held(id, reqid), 0);
	conn_table_remove(c);
	connection_free(&c);
}

/* `ipsec listen` moves the local end: the trap follows (route_reoriented) */
static void test_reoriented(void **state)
{
	(void)state;
	struct connection *c = add("tunnel");
	uint32_t reqid = conn_reqid(c);
	struct kernel_policy_id fwd = out_id("10.0.1.0/24", "10.0.2.0/24");
	struct kernel_policy_id back = out_id("10.0.2.0/24", "10.0.1.0/24");
	assert_int_equal(route_connection(c, &global_logger), CTL_RC_OK);
	assert_int_equal(held(fwd, reqid), 1);
	/* this host is right now: the trap is the other way round */
	c->local = RIGHT_END;
	route_reoriented(c, LEFT_END, true, &global_logger);
	assert_int_equal(held(fwd, reqid), 0);
	assert_int_equal(held(back, reqid), 1);
	struct kernel_policy p;
	assert_null(kernel_get_policy(&back, &p));
	address_buf ab;
	assert_string_equal(str_address(&p.tmpl_src, &ab), "192.0.2.2");
	assert_int_equal(conn_routing(c), RT_ROUTED_ONDEMAND);
	/* neither end local: no trap */
	c->local = -1;
	route_reoriented(c, RIGHT_END, true, &global_logger);
	assert_int_equal(held(fwd, reqid), 0);
	assert_int_equal(held(back, reqid), 0);
	assert_int_equal(conn_routing(c), RT_UNROUTED);
	/* oriented again: auto=ondemand routes it (WANTED) ... */
	c->local = LEFT_END;
	route_reoriented(c, -1, true, &global_logger);
	assert_int_equal(held(fwd, reqid), 1);
	/* ... but not a connection nobody routed */
	assert_int_equal(unroute_connection(c, &global_logger), CTL_RC_OK);
	c->local = RIGHT_END;
	route_reoriented(c, LEFT_END, false, &global_logger);
	assert_int_equal(held(back, reqid), 0);
	assert_int_equal(held(fwd, reqid), 0);
	/* up (a Child SA's policy): left alone */
	c->local = LEFT_END;
	assert_int_equal(route_connection(c, &global_logger), CTL_RC_OK);
	ip_subnet l = fwd.src.subnet, r = fwd.dst.subnet;
	route_policies_added(reqid, &l, &r);
	assert_int_equal(conn_routing(c), RT_ROUTED_TUNNEL);
	c->local = RIGHT_END;
	route_reoriented(c, LEFT_END, true, &global_logger);
	assert_int_equal(held(fwd, reqid), 1);
	assert_int_equal(held(back, reqid), 0);
	c->local = LEFT_END;
	assert_true(route_policies_removing(reqid, &l, &r));
	route_connection_gone(c);
	assert_int_equal(held(fwd, reqid), 0);
	conn_table_remove(c);
	connection_free(&c);
}

static void test_failure_shunts(void **state)
{
	(void)state;
	struct connection *f = add("failing"), *p = add("passing");
	struct kernel_policy_id fid = out_id("10.0.1.0/24", "10.0.4.0/24");
	struct kernel_policy_id pid = out_id("10.0.1.0/24", "10.0.5.0/24");
	assert_int_equal(route_connection(f, &global_logger), CTL_RC_OK);
	assert_int_equal(route_connection(p, &global_logger), CTL_RC_OK);
	assert_int_equal(held(fid, conn_reqid(f)), 1);

	/* an ACQUIRE outside the connection's subnets is not its */
	struct kernel_acquire a = acquire_for(f, "10.0.9.1/32", "10.0.4.1/32");
	route_acquire(&a);
	assert_int_equal(conn_routing(f), RT_ROUTED_ONDEMAND);

	/* no engine here: the negotiation fails at once; failureshunt=drop */
	a = acquire_for(f, "10.0.1.1/32", "10.0.4.1/32");
	route_acquire(&a);
	assert_int_equal(conn_routing(f), RT_ROUTED_FAILURE);
	assert_int_equal(held(fid, conn_reqid(f)), 3);
	/* a second ACQUIRE (none comes through a block policy) changes nothing */
	route_acquire(&a);
	assert_int_equal(held(fid, conn_reqid(f)), 3);
	/* unroute removes the failure shunt */
	assert_int_equal(unroute_connection(f, &global_logger), CTL_RC_OK);
	assert_int_equal(held(fid, conn_reqid(f)), 0);

	/* negotiationshunt=passthrough, failureshunt=passthrough: a pass policy */
	a = acquire_for(p, "10.0.1.1/32", "10.0.5.1/32");
	route_acquire(&a);
	assert_int_equal(conn_routing(p), RT_ROUTED_FAILURE);
	assert_int_equal(held(pid, conn_reqid(p)), 2);
	assert_int_equal(unroute_connection(p, &global_logger), CTL_RC_OK);
	assert_int_equal(held(pid, conn_reqid(p)), 0);

	/* ipsec down while negotiating is no failure: the trap comes back */
	struct connection *t = add("tunnel");
	struct kernel_policy_id tid = out_id("10.0.1.0/24", "10.0.2.0/24");
	assert_int_equal(route_connection(t, &global_logger), CTL_RC_OK);
	route_terminating(t);
	route_ike_gone(t);	/* not negotiating: nothing to do */
	assert_int_equal(conn_routing(t), RT_ROUTED_ONDEMAND);
	assert_int_equal(held(tid, conn_reqid(t)), 1);
	assert_int_equal(unroute_connection(t, &global_logger), CTL_RC_OK);
}

static void test_never_negotiate(void **state)
{
	(void)state;
	struct connection *b = add("bypass");
	assert_int_equal(route_connection(b, &global_logger), CTL_RC_OK);
	assert_int_equal(conn_routing(b), RT_ROUTED_NEVER_NEGOTIATE);
	struct kernel_policy_id id = out_id("10.0.1.0/24", "10.0.2.2/32");
	assert_int_equal(held(id, 0), 2);
	struct kernel_policy_id in = out_id("10.0.2.2/32", "10.0.1.0/24"), fwd = in;
	in.dir = KERNEL_DIR_IN;
	fwd.dir = KERNEL_DIR_FWD;
	assert_int_equal(held(in, 0), 2);
	assert_int_equal(held(fwd, 0), 2);
	/* no ACQUIRE is taken for it */
	struct kernel_acquire a = acquire_for(b, "10.0.1.1/32", "10.0.2.2/32");
	route_acquire(&a);
	assert_int_equal(conn_routing(b), RT_ROUTED_NEVER_NEGOTIATE);
	assert_int_equal(unroute_connection(b, &global_logger), CTL_RC_OK);
	assert_int_equal(held(id, 0), 0);
	assert_int_equal(held(in, 0), 0);
	assert_int_equal(held(fwd, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trap_lifecycle),
		cmocka_unit_test(test_reoriented),
		cmocka_unit_test(test_failure_shunts),
		cmocka_unit_test(test_never_negotiate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
