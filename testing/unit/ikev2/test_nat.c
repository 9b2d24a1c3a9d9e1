/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAT traversal decisions (programs/pluto/ikev2/nat.c): NAT-D hash
 * comparison on real encoded and decoded IKE_SA_INIT notifies, the
 * encapsulation choice, when a peer's new endpoint is followed, and the
 * UDP/4500 demultiplexing the keepalives and the non-ESP marker rely on.
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

#include "ikev2/nat.h"
#include "server/iface.h"

static const uint8_t ispi[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t rspi[8] = { 0 };	/* an IKE_SA_INIT request */

static ip_endpoint ep(const char *addr, uint16_t port)
{
	ip_endpoint e = { .port = port };
	diag_t d = ttoaddress_num(addr, AF_UNSPEC, &e.addr);
	assert_null(d);
	return e;
}

struct natd {
	const ip_endpoint *src[2];	/* hashed into SOURCE notifies (NULL: none) */
	const ip_endpoint *dst;		/* DESTINATION (NULL: none) */
	size_t dst_len;			/* 0: 20 */
};

/* an IKE_SA_INIT request carrying the notifies of N, decoded into M */
static void build(const struct natd *n, struct ike_message *m, uint8_t *buf, size_t size)
{
	struct ike_builder b;
	ike_builder_init(&b, buf, size);
	struct ike_header h = { .major = 2, .exchange = ISAKMP_v2_IKE_SA_INIT,
				.flags = IKEv2_FLAG_INITIATOR };
	memcpy(h.ispi, ispi, 8);
	memcpy(h.rspi, rspi, 8);
	ike_put_header(&b, &h);
	uint8_t hash[20];
	for (int i = 0; i < 2; i++) {
		if (n->src[i] == NULL)
			continue;
		nat_hash(ispi, rspi, n->src[i], hash);
		ike_put_notify(&b, 0, NULL, 0, v2N_NAT_DETECTION_SOURCE_IP, hash, sizeof(hash));
	}
	if (n->dst != NULL) {
		nat_hash(ispi, rspi, n->dst, hash);
		ike_put_notify(&b, 0, NULL, 0, v2N_NAT_DETECTION_DESTINATION_IP, hash,
			       n->dst_len != 0 ? n->dst_len : sizeof(hash));
	}
	size_t len;
	diag_t d = ike_builder_finish(&b, &len);
	assert_null(d);
	struct ike_decode_fail fail;
	d = ike_message_decode(buf, len, m, &fail);
	if (d != NULL)
		fail_msg("decode: %s", diag_str(d));
}

static void detect(const struct natd *n, const ip_endpoint *local, const ip_endpoint *remote,
		   struct nat_detection *r)
{
	static uint8_t buf[1024];
	struct ike_message *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	build(n, m, buf, sizeof(buf));
	nat_detect_hashes(m, local, remote, r);
	free(m);
}

static void test_natd_no_nat(void **state)
{
	(void)state;
	ip_endpoint west = ep("192.0.2.1", 500), east = ep("192.0.2.2", 500);
	struct natd n = { .src = { &west }, .dst = &east };
	struct nat_detection r;
	/* east's view: the request came from west's real endpoint */
	detect(&n, &east, &west, &r);
	assert_true(r.have);
	assert_false(r.local_behind);
	assert_false(r.remote_behind);
}

static void test_natd_peer_behind(void **state)
{
	(void)state;
	/* road 192.168.0.2:500 behind a NAT that made it 192.0.2.254:1024 */
	ip_endpoint road = ep("192.168.0.2", 500), east = ep("192.0.2.2", 500);
	ip_endpoint mapped = ep("192.0.2.254", 1024);
	struct natd n = { .src = { &road }, .dst = &east };
	struct nat_detection r;
	detect(&n, &east, &mapped, &r);
	assert_true(r.have);
	assert_false(r.local_behind);
	assert_true(r.remote_behind);
	/* only the port changed (a NAT keeping the address) counts too */
	ip_endpoint port_only = ep("192.168.0.2", 1500);
	detect(&n, &east, &port_only, &r);
	assert_true(r.remote_behind);
}

static void test_natd_me_behind(void **state)
{
	(void)state;
	/* road's view of east's response: east hashed the mapped endpoint */
	ip_endpoint road = ep("192.168.0.2", 500), east = ep("192.0.2.2", 500);
	ip_endpoint mapped = ep("192.0.2.254", 500);
	struct natd n = { .src = { &east }, .dst = &mapped };
	struct nat_detection r;
	detect(&n, &road, &east, &r);
	assert_true(r.have);
	assert_true(r.local_behind);
	assert_false(r.remote_behind);
}

static void test_natd_forced(void **state)
{
	(void)state;
	/* encapsulation=yes: the source hash is over port 0 */
	ip_endpoint west = ep("192.0.2.1", 500), east = ep("192.0.2.2", 500);
	ip_endpoint forced = ep("192.0.2.1", 0);
	struct natd n = { .src = { &forced }, .dst = &east };
	struct nat_detection r;
	detect(&n, &east, &west, &r);
	assert_true(r.remote_behind);
	assert_false(r.local_behind);
}

static void test_natd_multihomed_source(void **state)
{
	(void)state;
	/* several SOURCE notifies (RFC 7296 2.23): one match is enough */
	ip_endpoint west = ep("192.0.2.1", 500), other = ep("198.51.100.7", 500);
	ip_endpoint east = ep("192.0.2.2", 500);
	struct natd n = { .src = { &other, &west }, .dst = &east };
	struct nat_detection r;
	detect(&n, &east, &west, &r);
	assert_true(r.have);
	assert_false(r.remote_behind);
}

static void test_natd_missing_or_malformed(void **state)
{
	(void)state;
	ip_endpoint west = ep("192.0.2.1", 500), east = ep("192.0.2.2", 500);
	struct nat_detection r;
	/* no DESTINATION notify: no result at all */
	struct natd n1 = { .src = { &west } };
	detect(&n1, &east, &west, &r);
	assert_false(r.have);
	assert_false(r.local_behind);
	assert_false(r.remote_behind);
	/* no SOURCE notify */
	struct natd n2 = { .dst = &east };
	detect(&n2, &east, &west, &r);
	assert_false(r.have);
	/* a truncated hash (19 octets of the right one) never matches */
	struct natd n3 = { .src = { &west }, .dst = &east, .dst_len = 19 };
	detect(&n3, &east, &west, &r);
	assert_true(r.have);
	assert_true(r.local_behind);
	assert_false(r.remote_behind);
}

static void test_encap_decide(void **state)
{
	(void)state;
	static const struct {
		enum yna encap;
		bool local, remote, want;
	} t[] = {
		{ YNA_AUTO, false, false, false },
		{ YNA_AUTO, true, false, true },
		{ YNA_AUTO, false, true, true },
		{ YNA_AUTO, true, true, true },
		{ YNA_YES, false, false, true },
		{ YNA_YES, true, true, true },
		{ YNA_NO, false, false, false },
		{ YNA_NO, true, true, false },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (nat_encap_decide(t[i].encap, t[i].local, t[i].remote) != t[i].want)
			fail_msg("row %zu: got %d", i, !t[i].want);
}

static void test_move_decide(void **state)
{
	(void)state;
	ip_endpoint l500 = ep("192.0.2.2", 500), l4500 = ep("192.0.2.2", 4500);
	ip_endpoint other_local = ep("192.0.2.3", 4500);
	ip_endpoint r500 = ep("192.0.2.254", 500), r4500 = ep("192.0.2.254", 4500);
	ip_endpoint r_new_port = ep("192.0.2.254", 34567), r_new_addr = ep("203.0.113.9", 4500);
	ip_endpoint r6 = ep("2001:db8::1", 4500);
	static const char *names[] = { "NONE", "PORT", "ADDRESS", "REFUSED" };
	const struct {
		bool nat;
		const ip_endpoint *ol, *orr, *nl, *nr;
		enum nat_move want;
	} t[] = {
		{ true, &l4500, &r4500, &l4500, &r4500, NAT_MOVE_NONE },
		{ false, &l500, &r500, &l500, &r500, NAT_MOVE_NONE },
		/* the initiator's float to 4500 (IKE_AUTH), NAT or not */
		{ true, &l500, &r500, &l4500, &r4500, NAT_MOVE_PORT },
		{ false, &l500, &r500, &l4500, &r4500, NAT_MOVE_PORT },
		/* a new NAT mapping: port, then address */
		{ true, &l4500, &r4500, &l4500, &r_new_port, NAT_MOVE_PORT },
		{ true, &l4500, &r4500, &l4500, &r_new_addr, NAT_MOVE_ADDRESS },
		/* without a NAT nobody moves (that is MOBIKE's job) */
		{ false, &l4500, &r4500, &l4500, &r_new_port, NAT_MOVE_REFUSED },
		{ false, &l4500, &r4500, &l4500, &r_new_addr, NAT_MOVE_REFUSED },
		{ false, &l500, &r500, &l4500, &r_new_port, NAT_MOVE_REFUSED },
		/* never to another family or to another local address */
		{ true, &l4500, &r4500, &l4500, &r6, NAT_MOVE_REFUSED },
		{ true, &l4500, &r4500, &other_local, &r4500, NAT_MOVE_REFUSED },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum nat_move got = nat_move_decide(t[i].nat, t[i].ol, t[i].orr, t[i].nl, t[i].nr);
		if (got != t[i].want)
			fail_msg("row %zu: got %s, want %s", i, names[got], names[t[i].want]);
	}
}

/* what arrives on a 4500 socket (pluto_ikev2_packet() classifies it) */
static void test_udp4500_demux(void **state)
{
	(void)state;
	const uint8_t ka[1] = { NAT_KEEPALIVE_BYTE };
	const uint8_t *p = ka;
	size_t n = sizeof(ka);
	assert_int_equal(ike_udp4500_classify(&p, &n), IKE_UDP4500_KEEPALIVE);
	/* the non-ESP marker, then an IKE header: the marker is stripped */
	uint8_t ike[4 + 28] = { 0 };
	memcpy(ike + 4, ispi, 8);
	p = ike;
	n = sizeof(ike);
	assert_int_equal(ike_udp4500_classify(&p, &n), IKE_UDP4500_IKE);
	assert_ptr_equal(p, ike + IKE_NON_ESP_MARKER_SIZE);
	assert_int_equal(n, 28);
	/* a non-zero SPI is ESP (the kernel's business) */
	uint8_t esp[16] = { 0x12, 0x34, 0x56, 0x78 };
	p = esp;
	n = sizeof(esp);
	assert_int_equal(ike_udp4500_classify(&p, &n), IKE_UDP4500_ESP);
	/* too short for anything */
	uint8_t two[2] = { 0, 0 };
	p = two;
	n = sizeof(two);
	assert_int_equal(ike_udp4500_classify(&p, &n), IKE_UDP4500_INVALID);
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_natd_no_nat),
		cmocka_unit_test(test_natd_peer_behind),
		cmocka_unit_test(test_natd_me_behind),
		cmocka_unit_test(test_natd_forced),
		cmocka_unit_test(test_natd_multihomed_source),
		cmocka_unit_test(test_natd_missing_or_malformed),
		cmocka_unit_test(test_encap_decide),
		cmocka_unit_test(test_move_decide),
		cmocka_unit_test(test_udp4500_demux),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	return rc;
}
