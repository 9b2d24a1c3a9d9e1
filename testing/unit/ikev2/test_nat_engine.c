/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAT traversal through the engine (ikev2/nat.c with the real exchanges):
 * the in-process harness (harness.c) with a NAT between west and east.
 * West 192.0.2.1 leaves as 198.51.100.1; its port 500 as 1500, its 4500
 * as nat_port_4500 (changed by a test to model a new NAT mapping).  What
 * east sends to a mapping the NAT does not have is dropped, like a NAT
 * would.  Keepalives (one 0xFF octet) are counted, not delivered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <nss.h>

#include "harness.h"
#include "ikev2/nat.h"

extern const struct ikev2_ops ops;	/* harness.c's */

static const char public_addr[] = "198.51.100.1";
static uint16_t nat_port_4500;
static unsigned keepalives[2];		/* sent by west, east */
static unsigned dropped_by_nat;

struct migrate_call {
	ip_selector local_ts, remote_ts;
	uint32_t reqid;
	ip_endpoint old_local, old_remote, new_local, new_remote;
	bool encap;
};
static struct migrate_call migrations[4];
static unsigned nr_migrations;

static ip_address addr(const char *s)
{
	ip_address a;
	diag_t d = ttoaddress_num(s, AF_UNSPEC, &a);
	assert_null(d);
	return a;
}

static void queue(struct peer *to, const ip_endpoint *from, const ip_endpoint *local,
		  const uint8_t *data, size_t len)
{
	struct packet *k = calloc(1, sizeof(*k));
	assert_non_null(k);
	k->to = to;
	k->from = *from;
	k->local = *local;
	k->data = malloc(len);
	assert_non_null(k->data);
	memcpy(k->data, data, len);
	k->len = len;
	if (pkts_tail != NULL)
		pkts_tail->next = k;
	else
		pkts_head = k;
	pkts_tail = k;
}

static void nat_send(void *ctx, const ip_endpoint *local, const ip_endpoint *remote,
		     const uint8_t *data, size_t len)
{
	struct peer *p = ctx;
	p->sent++;
	if (len == 1 && data[0] == NAT_KEEPALIVE_BYTE) {
		keepalives[p == &west ? 0 : 1]++;
		return;
	}
	ip_address pub = addr(public_addr);
	if (p == &west) {
		/* outbound through the NAT: the source is rewritten */
		assert_true(address_eq(&local->addr, &west.ep.addr));
		assert_true(address_eq(&remote->addr, &east.ep.addr));
		ip_endpoint mapped = { .addr = pub,
				       .port = local->port == 500 ? 1500 : local->port == 4500 ?
					       nat_port_4500 : 0 };
		assert_int_not_equal(mapped.port, 0);
		queue(&east, &mapped, remote, data, len);
		return;
	}
	/* east to the NAT's public side: only a mapping the NAT has gets in */
	assert_true(address_eq(&local->addr, &east.ep.addr));
	if (!address_eq(&remote->addr, &pub)) {
		dropped_by_nat++;
		return;
	}
	ip_endpoint inside = { .addr = west.ep.addr,
			       .port = remote->port == 1500 ? 500 :
				       remote->port == nat_port_4500 ? 4500 : 0 };
	if (inside.port == 0) {
		dropped_by_nat++;
		return;
	}
	queue(&west, local, &inside, data, len);
}

static diag_t fake_migrate(void *ctx, const ip_selector *local_client, const ip_selector *remote_client,
			   uint32_t reqid, bool transport, const ip_endpoint *old_local,
			   const ip_endpoint *old_remote, const ip_endpoint *new_local,
			   const ip_endpoint *new_remote, bool encap)
{
	(void)ctx;
	assert_false(transport);
	assert_true(nr_migrations < 4);
	migrations[nr_migrations++] = (struct migrate_call){
		.local_ts = *local_client, .remote_ts = *remote_client, .reqid = reqid,
		.old_local = *old_local, .old_remote = *old_remote,
		.new_local = *new_local, .new_remote = *new_remote, .encap = encap,
	};
	return NULL;
}

static struct ikev2_kernel_ops nat_kops;
static struct ikev2_ops nat_ops;

/* both engines send through the NAT; east's kernel can migrate */
static void setup_nat(const char *west_extra)
{
	struct setup s = { .west_conf = west_extra, .east_conf = "\tleft=198.51.100.1\n" };
	setup_peers(&s);
	nat_kops = *ops.kernel;
	nat_kops.migrate = fake_migrate;
	nat_ops = ops;
	nat_ops.send = nat_send;
	nat_ops.kernel = &nat_kops;
	west.e->ops = &nat_ops;
	east.e->ops = &nat_ops;
	west.e->keepalive_ms = 20000;
	east.e->keepalive_ms = 20000;
	nat_port_4500 = 4501;
	memset(keepalives, 0, sizeof(keepalives));
	dropped_by_nat = 0;
	nr_migrations = 0;
}

static void up(void)
{
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_OK);
}

static const struct kernel_state *state(struct peer *p, bool inbound)
{
	for (unsigned i = 0; i < p->nr_states; i++)
		if (p->states[i].live && p->states[i].sa.inbound == inbound)
			return &p->states[i];
	fail_msg("%s: no live %s state", p->name, inbound ? "inbound" : "outbound");
	return NULL;
}

static void test_behind_nat(void **st)
{
	(void)st;
	setup_nat(NULL);
	up();
	expect_log("\"C\" #1: NAT-Traversal: this end is behind a NAT; ESP goes in UDP/4500");
	expect_log("\"C\" #1: NAT-Traversal: the peer is behind a NAT; ESP goes in UDP/4500");
	/* IKE_SA_INIT on 500, IKE_AUTH on 4500 (the float) */
	expect_log("\"C\" #1: processed IKE_SA_INIT response from 192.0.2.2:UDP/500 {");
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/4500 with shared-key-mac");
	expect_log("\"C\" #1: new NAT mapping for #1, was 198.51.100.1:1500, now 198.51.100.1:4501");
	expect_log("{ESPinUDP/ESN=>0x2000bb00 <0x1000aa00 xfrm=");
	expect_log("NATD=192.0.2.2:4500 DPD=passive}");
	expect_log("NATD=198.51.100.1:4501 DPD=passive}");
	struct ike_sa *w = only_ike(&west), *e = only_ike(&east);
	assert_non_null(w);
	assert_non_null(e);
	assert_true(w->nat_local && !w->nat_remote);
	assert_true(e->nat_remote && !e->nat_local);
	assert_int_equal(w->local.port, 4500);
	assert_int_equal(w->remote.port, 4500);
	assert_int_equal(e->local.port, 4500);
	assert_int_equal(e->remote.port, 4501);
	/* ESP in UDP between the IKE SA's ports, on both sides */
	assert_int_equal(state(&west, false)->sa.encap_sport, 4500);
	assert_int_equal(state(&west, false)->sa.encap_dport, 4500);
	assert_int_equal(state(&west, true)->sa.encap_sport, 4500);
	assert_int_equal(state(&west, true)->sa.encap_dport, 4500);
	assert_int_equal(state(&east, false)->sa.encap_sport, 4500);
	assert_int_equal(state(&east, false)->sa.encap_dport, 4501);
	assert_int_equal(state(&east, true)->sa.encap_sport, 4501);
	assert_int_equal(state(&east, true)->sa.encap_dport, 4500);
	assert_true(address_eq(&state(&east, false)->sa.dst, &e->remote.addr));
	/* keepalives: only west, the end behind the NAT, every 20 s */
	run_for(61 * 1000);
	assert_int_equal(keepalives[0], 3);
	assert_int_equal(keepalives[1], 0);
	assert_int_equal(dropped_by_nat, 0);
}

static void test_new_mapping_followed(void **st)
{
	(void)st;
	setup_nat(NULL);
	up();
	struct ike_sa *w = only_ike(&west), *e = only_ike(&east);
	assert_non_null(w);
	assert_non_null(e);
	/* the NAT forgets west: east's next packet to 4501 is lost */
	nat_port_4500 = 34567;
	ikev2_send_liveness(east.e, e);
	pump();
	assert_int_equal(dropped_by_nat, 1);
	assert_int_equal(e->remote.port, 4501);
	/* west's next request comes from the new port: east follows */
	ikev2_send_liveness(west.e, w);
	pump();
	expect_log("\"C\" #1: new NAT mapping for #1, was 198.51.100.1:4501, now 198.51.100.1:34567");
	assert_int_equal(e->remote.port, 34567);
	assert_null(w->req.pkt);	/* east's answer came back through the NAT */
	assert_int_equal(nr_migrations, 1);
	const struct migrate_call *m = &migrations[0];
	assert_true(m->encap);
	assert_int_equal(m->old_remote.port, 4501);
	assert_int_equal(m->new_remote.port, 34567);
	assert_true(endpoint_eq(&m->old_local, &m->new_local));
	assert_int_equal(m->new_local.port, 4500);
	assert_true(address_eq(&m->new_remote.addr, &m->old_remote.addr));
	struct child_sa *c = e->children;
	assert_non_null(c);
	assert_int_equal(m->reqid, c->reqid);
	assert_true(subnet_eq(&m->local_ts.subnet, &c->local_ts));
	assert_true(subnet_eq(&m->remote_ts.subnet, &c->remote_ts));
	/* east's lost probe, retransmitted, now goes to the new mapping */
	assert_non_null(e->req.pkt);
	run_for(2000);
	assert_null(e->req.pkt);
	assert_int_equal(dropped_by_nat, 1);
}

/*
 * The kernel's MAPPING (authenticated ESP in UDP from a new source) moves
 * east's IKE SA and Child SA there without an IKE message; only for our
 * inbound SA, only to a new endpoint.
 */
static void test_kernel_mapping_followed(void **st)
{
	(void)st;
	setup_nat(NULL);
	up();
	struct ike_sa *e = only_ike(&east);
	assert_non_null(e);
	uint32_t in_spi = state(&east, true)->sa.spi, out_spi = state(&east, false)->sa.spi;
	ip_endpoint moved = { .addr = addr(public_addr), .port = 34567 };
	/* not ours: an unknown SPI, our outbound SA, our own address wrong */
	ikev2_kernel_mapping(east.e, &east.ep.addr, 0x0badf00d, &moved);
	ikev2_kernel_mapping(east.e, &e->remote.addr, out_spi, &moved);
	ip_address other = addr("192.0.2.99");
	ikev2_kernel_mapping(east.e, &other, in_spi, &moved);
	/* where it is already */
	ikev2_kernel_mapping(east.e, &east.ep.addr, in_spi, &e->remote);
	/* west is behind the NAT: it does not follow east's ESP (RFC 7296 2.23) */
	struct ike_sa *w = only_ike(&west);
	ip_endpoint east_moved = { .addr = e->local.addr, .port = 4999 };
	ikev2_kernel_mapping(west.e, &west.ep.addr, state(&west, true)->sa.spi, &east_moved);
	assert_int_equal(w->remote.port, 4500);
	/* without replay protection an old packet could move it back: not followed */
	struct conn_config *ecc = (struct conn_config *)east.conn->config;
	ecc->replay_window = 0;
	ikev2_kernel_mapping(east.e, &east.ep.addr, in_spi, &moved);
	ecc->replay_window = 128;
	assert_int_equal(nr_migrations, 0);
	assert_int_equal(e->remote.port, 4501);
	/* the NAT remapped west's 4500; ESP told east's kernel */
	nat_port_4500 = 34567;
	ikev2_kernel_mapping(east.e, &east.ep.addr, in_spi, &moved);
	expect_log("\"C\" #1: new NAT mapping for #1, was 198.51.100.1:4501, now 198.51.100.1:34567");
	assert_int_equal(e->remote.port, 34567);
	assert_int_equal(nr_migrations, 1);
	assert_true(migrations[0].encap);
	assert_int_equal(migrations[0].old_remote.port, 4501);
	assert_int_equal(migrations[0].new_remote.port, 34567);
	/* a second inbound packet's MAPPING: nothing more to do */
	ikev2_kernel_mapping(east.e, &east.ep.addr, in_spi, &moved);
	assert_int_equal(nr_migrations, 1);
	assert_int_equal(count_logged("now 198.51.100.1:34567"), 1);
	/* IKE follows too: east's probe reaches west through the new mapping */
	ikev2_send_liveness(east.e, e);
	pump();
	assert_null(e->req.pkt);
	assert_int_equal(dropped_by_nat, 0);
}

/* RFC 7296 2.23: the end behind the NAT does not follow its peer to a
 * new port, even on an authenticated request */
static void test_behind_nat_does_not_follow(void **st)
{
	(void)st;
	setup_nat(NULL);
	up();
	struct ike_sa *w = only_ike(&west), *e = only_ike(&east);
	e->local.port = 4999;	/* east's next request leaves from another port */
	ikev2_send_liveness(east.e, e);
	pump();
	assert_null(e->req.pkt);	/* answered */
	assert_int_equal(w->remote.port, 4500);
	assert_false(logged("was 192.0.2.2:4500"));
	assert_int_equal(nr_migrations, 0);
}

/* without NAT (plain ESP) there is no port to follow */
static void test_kernel_mapping_not_encapsulated(void **st)
{
	(void)st;
	setup_peers(&(struct setup){ 0 });
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	struct ike_sa *e = only_ike(&east);
	assert_non_null(e);
	ip_endpoint was = e->remote;
	ip_endpoint moved = { .addr = e->remote.addr, .port = 34567 };
	ikev2_kernel_mapping(east.e, &east.ep.addr, state(&east, true)->sa.spi, &moved);
	assert_true(endpoint_eq(&e->remote, &was));
	assert_false(logged("new NAT mapping"));
	assert_false(logged("cannot move"));
}

/* RFC 3948 2.3: no keepalive while ESP goes out to the peer; they start
 * again when it stops */
static void test_keepalive_not_while_esp_flows(void **st)
{
	(void)st;
	setup_nat(NULL);
	up();
	run_for(21 * 1000);	/* the first tick sends one (no count to compare) */
	assert_int_equal(keepalives[0], 1);
	struct kernel_state *out = find_state(&west, state(&west, false)->sa.spi);
	for (int i = 0; i < 3; i++) {
		out->bytes += 1000;	/* traffic went out */
		run_for(20 * 1000);
	}
	assert_int_equal(keepalives[0], 1);
	run_for(40 * 1000);	/* quiet: one tick to notice, then keepalives */
	assert_int_equal(keepalives[0], 3);
	assert_int_equal(keepalives[1], 0);
}

/* a new mapping within a rekey's grace period: the retired inbound SA is
 * not migrated but removed at once (child_retire.c) */
static void test_new_mapping_after_rekey(void **st)
{
	(void)st;
	setup_nat(NULL);
	up();
	assert_int_equal(ikev2_rekey(west.e, west.conn, false), CTL_RC_OK);
	pump();
	expect_log("initiator rekeyed Child SA #2 using #1");
	assert_int_equal(retired_states(&east), 1);
	unsigned live = live_states(&east);
	nat_port_4500 = 34567;
	ikev2_send_liveness(west.e, only_ike(&west));
	pump();
	expect_log("new NAT mapping for #1, was 198.51.100.1:4501, now 198.51.100.1:34567");
	assert_int_equal(retired_states(&east), 0);
	assert_int_equal(live_states(&east), live - 1);
	assert_int_equal(nr_migrations, 1);	/* the new Child SA only */
	expect_matching_live_sas();
}

/* the response is lost and the NAT remaps before the retransmit: the
 * duplicate is answered where it came from; it moves nothing */
static void test_duplicate_from_new_mapping(void **st)
{
	(void)st;
	setup_nat(NULL);
	up();
	struct ike_sa *w = only_ike(&west), *e = only_ike(&east);
	assert_non_null(w);
	assert_non_null(e);
	ikev2_send_liveness(west.e, w);
	assert_true(deliver_one());	/* east answers to 4501 ... */
	assert_non_null(pkts_head);	/* ... and the answer is lost */
	assert_null(pkts_head->next);
	free(pkts_head->data);
	free(pkts_head);
	pkts_head = pkts_tail = NULL;
	nat_port_4500 = 34567;
	run_for(1000);			/* west retransmits, now from 34567 */
	expect_log("\"C\" #1: received duplicate INFORMATIONAL request; retransmitting the response");
	assert_null(w->req.pkt);
	assert_int_equal(dropped_by_nat, 0);
	assert_int_equal(e->remote.port, 4501);	/* unauthenticated: not followed */
	assert_int_equal(nr_migrations, 0);
}

static void test_encapsulation_no(void **st)
{
	(void)st;
	setup_nat("\tencapsulation=no\n");
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	expect_log("\"C\" #1: NAT-Traversal: this end is behind a NAT; encapsulation=no, so ESP is not encapsulated");
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with shared-key-mac");
	struct ike_sa *w = only_ike(&west);
	assert_non_null(w);
	assert_int_equal(w->local.port, 500);
	assert_int_equal(state(&west, false)->sa.encap_sport, 0);
	assert_int_equal(state(&west, false)->sa.encap_dport, 0);
	run_for(61 * 1000);
	assert_int_equal(keepalives[0], 0);
}

static void test_nat_keepalive_off(void **st)
{
	(void)st;
	setup_nat("\tnat-keepalive=no\n");
	up();
	run_for(61 * 1000);
	assert_int_equal(keepalives[0], 0);
	assert_int_equal(keepalives[1], 0);
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	log_add_sink(sink, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_behind_nat, teardown),
		cmocka_unit_test_teardown(test_new_mapping_followed, teardown),
		cmocka_unit_test_teardown(test_new_mapping_after_rekey, teardown),
		cmocka_unit_test_teardown(test_keepalive_not_while_esp_flows, teardown),
		cmocka_unit_test_teardown(test_kernel_mapping_followed, teardown),
		cmocka_unit_test_teardown(test_kernel_mapping_not_encapsulated, teardown),
		cmocka_unit_test_teardown(test_behind_nat_does_not_follow, teardown),
		cmocka_unit_test_teardown(test_duplicate_from_new_mapping, teardown),
		cmocka_unit_test_teardown(test_encapsulation_no, teardown),
		cmocka_unit_test_teardown(test_nat_keepalive_off, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	return rc;
}
