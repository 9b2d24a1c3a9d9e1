/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel seam's parts that need no kernel: the IANA -> XFRM algorithm
 * table, policy priorities, the decoders of netlink answers, and the
 * checks done before anything is sent.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <cmocka.h>

#include "kernel/kernel.h"
#include "kernel/kernel_nl.h"
#include "tern/ike_iana.h"
#ifdef HAVE_TERN_CRYPTO
#include "tern/crypto.h"
#endif

static ip_selector sel(const char *s)
{
	ip_selector r;
	diag_t d = ttoselector(s, AF_UNSPEC, &r);
	assert_null(d);
	return r;
}

static ip_address addr(const char *s)
{
	ip_address a;
	diag_t d = ttoaddress_num(s, AF_UNSPEC, &a);
	assert_null(d);
	return a;
}

static void assert_diag(diag_t d, const char *want)
{
	assert_non_null(d);
	assert_string_equal(diag_str(d), want);
	diag_free(&d);
}

static void test_alg_table(void **state)
{
	(void)state;
	static const struct {
		unsigned encr, bits, integ;
		size_t elen, ilen;
		const char *ename, *iname;
		unsigned icv, trunc;
	} ok[] = {
		{ IKEv2_ENCR_AES_GCM_16, 128, 0, 20, 0, "rfc4106(gcm(aes))", NULL, 128, 0 },
		{ IKEv2_ENCR_AES_GCM_16, 256, 0, 36, 0, "rfc4106(gcm(aes))", NULL, 128, 0 },
		{ IKEv2_ENCR_AES_GCM_12, 256, 0, 36, 0, "rfc4106(gcm(aes))", NULL, 96, 0 },
		{ IKEv2_ENCR_AES_GCM_8, 192, 0, 28, 0, "rfc4106(gcm(aes))", NULL, 64, 0 },
		{ IKEv2_ENCR_CHACHA20_POLY1305, 0, 0, 36, 0, "rfc7539esp(chacha20,poly1305)", NULL, 128, 0 },
		{ IKEv2_ENCR_AES_CBC, 0, IKEv2_INTEG_HMAC_SHA1_96, 16, 20, "cbc(aes)", "hmac(sha1)", 0, 96 },
		{ IKEv2_ENCR_AES_CBC, 256, IKEv2_INTEG_HMAC_SHA2_256_128, 32, 32, "cbc(aes)", "hmac(sha256)", 0, 128 },
		{ IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_HMAC_SHA2_384_192, 16, 48, "cbc(aes)", "hmac(sha384)", 0, 192 },
		{ IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_HMAC_SHA2_512_256, 16, 64, "cbc(aes)", "hmac(sha512)", 0, 256 },
		{ IKEv2_ENCR_AES_CTR, 128, IKEv2_INTEG_AES_XCBC_96, 20, 16, "rfc3686(ctr(aes))", "xcbc(aes)", 0, 96 },
		{ IKEv2_ENCR_AES_CTR, 256, IKEv2_INTEG_AES_CMAC_96, 36, 16, "rfc3686(ctr(aes))", "cmac(aes)", 0, 96 },
	};
	uint8_t ek[64], ik[64];
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct kernel_sa sa = { 0 };
		diag_t d = kernel_sa_set_algs(&sa, ok[i].encr, ok[i].bits, ok[i].integ, ek, ok[i].elen,
					      ok[i].ilen ? ik : NULL, ok[i].ilen);
		if (d != NULL)
			fail_msg("case %zu: %s", i, diag_str(d));
		assert_string_equal(sa.encr_name, ok[i].ename);
		assert_ptr_equal(sa.encr_key, ek);
		assert_int_equal(sa.encr_key_len, ok[i].elen);
		assert_int_equal(sa.aead_icv_bits, ok[i].icv);
		if (ok[i].iname == NULL) {
			assert_null(sa.integ_name);
		} else {
			assert_string_equal(sa.integ_name, ok[i].iname);
			assert_int_equal(sa.integ_key_len, ok[i].ilen);
			assert_int_equal(sa.integ_trunc_bits, ok[i].trunc);
		}
	}

	static const struct {
		unsigned encr, bits, integ;
		size_t elen, ilen;
		const char *diag;
	} bad[] = {
		{ IKEv2_ENCR_3DES, 0, 2, 24, 20, "kernel: ESP encryption algorithm 3 has no XFRM name here" },
		{ IKEv2_ENCR_AES_CBC, 64, 2, 8, 20, "kernel: ESP encryption cbc(aes): 64-bit keys are not supported" },
		{ IKEv2_ENCR_CHACHA20_POLY1305, 128, 0, 20, 0,
		  "kernel: ESP encryption rfc7539esp(chacha20,poly1305): 128-bit keys are not supported" },
		{ IKEv2_ENCR_AES_GCM_16, 128, 0, 16, 0,
		  "kernel: ESP encryption rfc4106(gcm(aes)) with 128-bit key: keymat is 16 octets, expected 20" },
		{ IKEv2_ENCR_AES_GCM_16, 128, 12, 20, 32,
		  "kernel: ESP rfc4106(gcm(aes)) is an AEAD: integrity algorithm 12 must be none" },
		{ IKEv2_ENCR_AES_GCM_16, 128, 0, 20, 32,
		  "kernel: ESP rfc4106(gcm(aes)) is an AEAD: no integrity keymat expected, got 32 octets" },
		{ IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_HMAC_MD5_96, 16, 16,
		  "kernel: ESP integrity algorithm 1 has no XFRM name here" },
		{ IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_NONE, 16, 0,
		  "kernel: ESP integrity algorithm 0 has no XFRM name here" },
		{ IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_HMAC_SHA2_256_128, 16, 16,
		  "kernel: ESP integrity hmac(sha256): keymat is 16 octets, expected 32" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kernel_sa sa = { .encr_name = "untouched" };
		diag_t d = kernel_sa_set_algs(&sa, bad[i].encr, bad[i].bits, bad[i].integ, ek,
					      bad[i].elen, ik, bad[i].ilen);
		assert_diag(d, bad[i].diag);
		assert_string_equal(sa.encr_name, "untouched");	/* nothing else changed */
	}
	assert_string_equal(kernel_encr_name(IKEv2_ENCR_AES_GCM_8), "rfc4106(gcm(aes))");
	assert_null(kernel_encr_name(IKEv2_ENCR_NULL));
	assert_string_equal(kernel_integ_name(IKEv2_INTEG_AES_CMAC_96), "cmac(aes)");
	assert_null(kernel_integ_name(IKEv2_INTEG_HMAC_MD5_96));
}

#ifdef HAVE_TERN_CRYPTO
/* lib/crypto's kernel names and sizes agree with the seam's table */
static void test_alg_table_matches_crypto(void **state)
{
	(void)state;
	unsigned checked = 0;
	for (const struct crypto_integ *i = crypto_integ_table; i->name != NULL; i++) {
		const char *k = kernel_integ_name(i->id);
		if (k == NULL || i->kernel_name == NULL)
			continue;
		assert_string_equal(k, i->kernel_name);
		struct kernel_sa sa = { 0 };
		uint8_t ek[16], ik[64];
		diag_t d = kernel_sa_set_algs(&sa, IKEv2_ENCR_AES_CBC, 128, i->id, ek, 16, ik, i->key_size);
		assert_null(d);
		assert_int_equal(sa.integ_trunc_bits, i->icv_size * 8);
		checked++;
	}
	for (const struct crypto_encr *e = crypto_encr_table; e->name != NULL; e++) {
		const char *k = kernel_encr_name(e->id);
		const char *c = crypto_encr_kernel_name(e);
		if (k == NULL || c == NULL)
			continue;
		assert_string_equal(k, c);
		unsigned bits = crypto_encr_key_bits(e, 0);
		struct kernel_sa sa = { 0 };
		uint8_t ek[64], ik[32];
		diag_t d = kernel_sa_set_algs(&sa, e->id, bits, e->aead ? 0 : IKEv2_INTEG_HMAC_SHA2_256_128,
					      ek, bits / 8 + e->salt_size, e->aead ? NULL : ik,
					      e->aead ? 0 : 32);
		if (d != NULL)
			fail_msg("%s: %s", e->name, diag_str(d));
		assert_int_equal(sa.aead_icv_bits, e->icv_size * 8);
		checked++;
	}
	assert_true(checked >= 10);
}
#endif

static void test_priority(void **state)
{
	(void)state;
	/* ordered from most to least specific: priorities strictly increase */
	static const char *const order[][2] = {
		{ "192.0.2.1/32/tcp/80", "192.0.2.2/32/tcp/1234" },
		{ "192.0.2.1/32/tcp/0", "192.0.2.2/32/tcp/1234" },
		{ "192.0.2.1/32/tcp/0", "192.0.2.2/32/tcp/0" },
		{ "192.0.2.1/32", "192.0.2.2/32" },
		{ "10.0.1.0/24", "10.0.2.1/32" },
		{ "10.0.1.0/24", "10.0.2.0/24" },
		{ "10.0.0.0/16", "10.0.2.0/24" },
		{ "0.0.0.0/0", "10.0.2.0/24" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
	};
	uint32_t prev = 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		ip_selector s = sel(order[i][0]), d = sel(order[i][1]);
		uint32_t p = kernel_policy_priority(&s, &d);
		assert_true(kernel_priority_owned(p));
		if (i > 0 && p <= prev)
			fail_msg("%s -> %s: priority 0x%x not above 0x%x", order[i][0], order[i][1], p, prev);
		prev = p;
	}
	ip_selector any = sel("0.0.0.0/0");
	assert_int_equal(kernel_policy_priority(&any, &any), KERNEL_PRIO_MAX);
	ip_selector h6s = sel("2001:db8::1/128/udp/500"), h6d = sel("2001:db8::2/128/udp/500");
	assert_int_equal(kernel_policy_priority(&h6s, &h6d), KERNEL_PRIO_MIN);
	ip_selector n6s = sel("2001:db8:1::/48"), n6d = sel("2001:db8:2::/48");
	uint32_t p6 = kernel_policy_priority(&n6s, &n6d);
	assert_true(p6 > kernel_policy_priority(&h6s, &h6d) && p6 < KERNEL_PRIO_MAX);
}

/* everything wrong with a request is reported before anything is sent */
static void test_checks_before_sending(void **state)
{
	(void)state;
	ip_address w = addr("192.0.2.1"), e = addr("192.0.2.2"), w6 = addr("2001:db8::1");
	uint32_t spi = 7;
	assert_diag(kernel_alloc_spi(&w, &w6, IPPROTO_ESP, KERNEL_REQID_MIN, 0x100, 0x200, NULL, &spi),
		    "kernel: allocating an SPI for ESP SA 0x00000000 192.0.2.1->2001:db8::1 failed: "
		    "endpoints must be two addresses of one family");
	assert_diag(kernel_alloc_spi(&w, &e, IPPROTO_ESP, 5, 0x100, 0x200, NULL, &spi),
		    "kernel: allocating an SPI for ESP SA 0x00000000 192.0.2.1->192.0.2.2 failed: "
		    "reqid 0x5 is outside the range pluto owns");
	assert_diag(kernel_alloc_spi(&w, &e, IPPROTO_ESP, KERNEL_REQID_MIN, 0x300, 0x200, NULL, &spi),
		    "kernel: allocating an SPI for ESP SA 0x00000000 192.0.2.1->192.0.2.2 failed: "
		    "SPI range 0x300-0x200 is empty or reserved (SPIs below 0x100 are)");
	assert_int_equal(spi, 7);

	uint8_t ek[20] = { 0 };
	struct kernel_sa good = {
		.id = { .src = w, .dst = e, .spi = 0x12345678, .proto = IPPROTO_ESP },
		.mode = KERNEL_MODE_TUNNEL, .reqid = KERNEL_REQID_MIN, .replay_window = 64,
	};
	assert_null(kernel_sa_set_algs(&good, IKEv2_ENCR_AES_GCM_16, 128, 0, ek, 20, NULL, 0));
	const char *pfx = "kernel: adding ESP SA 0x12345678 192.0.2.1->192.0.2.2 failed: ";
	static const struct {
		int what;
		const char *tail;
	} cases[] = {
		{ 0, "reqid 0x1 is outside the range pluto owns" },
		{ 1, "SPI 0xff is reserved" },
		{ 2, "ESN needs a replay window (replay-window=0)" },
		{ 3, "replay window 5000 exceeds 4096" },
		{ 4, "AEAD ICV of 100 bits (64, 96 or 128)" },
		{ 5, "cbc(aes) needs an integrity algorithm" },
		{ 6, "UDP encapsulation needs both ports" },
		{ 7, "transport mode selector family differs from the endpoints'" },
		{ 8, "no encryption algorithm" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kernel_sa sa = good;
		switch (cases[i].what) {
		case 0: sa.reqid = 1; break;
		case 1: sa.id.spi = 0xff; break;
		case 2: sa.esn = true; sa.replay_window = 0; break;
		case 3: sa.replay_window = 5000; break;
		case 4: sa.aead_icv_bits = 100; break;
		case 5: sa.aead_icv_bits = 0; sa.encr_name = "cbc(aes)"; break;
		case 6: sa.encap = true; sa.encap_sport = 4500; break;
		case 7:
			sa.mode = KERNEL_MODE_TRANSPORT;
			sa.sel_src = sel("2001:db8::1/128");
			sa.sel_dst = sel("2001:db8::2/128");
			break;
		case 8: sa.encr_name = NULL; break;
		}
		char want[300];
		if (cases[i].what == 1)
			snprintf(want, sizeof(want), "kernel: adding ESP SA 0x000000ff 192.0.2.1->192.0.2.2 failed: %s",
				 cases[i].tail);
		else
			snprintf(want, sizeof(want), "%s%s", pfx, cases[i].tail);
		assert_diag(kernel_add_sa(&sa, &global_logger), want);
	}

	struct kernel_policy p = {
		.id = { .src = sel("10.0.1.0/24"), .dst = sel("10.0.2.0/24"), .dir = KERNEL_DIR_OUT },
		.action = KERNEL_POLICY_BLOCK, .has_tmpl = true, .proto = IPPROTO_ESP,
	};
	assert_diag(kernel_add_policy(&p, false, &global_logger),
		    "kernel: adding policy 10.0.1.0/24->10.0.2.0/24 out failed: a block policy has no template");
	p.action = KERNEL_POLICY_ALLOW;
	p.priority = 1000;
	assert_diag(kernel_add_policy(&p, true, &global_logger),
		    "kernel: replacing policy 10.0.1.0/24->10.0.2.0/24 out failed: "
		    "priority 0x3e8 is outside the band pluto owns");
	p.priority = 0;
	p.mode = KERNEL_MODE_TUNNEL;
	p.tmpl_src = w;
	p.tmpl_dst = w6;
	assert_diag(kernel_add_policy(&p, false, &global_logger),
		    "kernel: adding policy 10.0.1.0/24->10.0.2.0/24 out failed: "
		    "tunnel endpoints must be two addresses of one family");
	p.id.dst = sel("2001:db8::/32");
	assert_diag(kernel_del_policy(&p.id, &global_logger),
		    "kernel: deleting policy 10.0.1.0/24->2001:db8::/32 out failed: "
		    "selectors must be two subnets of one family");
}

/* without kernel_init() nothing is sent and the diag says why */
static void test_not_open(void **state)
{
	(void)state;
	struct kernel_sa_id id = { .src = addr("192.0.2.1"), .dst = addr("192.0.2.2"), .spi = 0x1000,
				   .proto = IPPROTO_ESP };
	struct kernel_sa_counters c = { .bytes = 99 };
	assert_diag(kernel_get_sa_counters(&id, &c),
		    "kernel: reading ESP SA 0x00001000 192.0.2.1->192.0.2.2 failed: kernel interface not open");
	assert_int_equal(c.bytes, 99);
	assert_diag(kernel_del_sa(&id, &global_logger),
		    "kernel: deleting ESP SA 0x00001000 192.0.2.1->192.0.2.2 failed: kernel interface not open");
}

/* netlink answers, built by hand */
struct buf {
	uint8_t b[1024];
	size_t len;
};

static void *put_msg(struct buf *b, uint16_t type, uint16_t flags, uint32_t seq, const void *p, size_t n)
{
	struct nlmsghdr h = { .nlmsg_len = (uint32_t)(NLMSG_HDRLEN + n), .nlmsg_type = type,
			      .nlmsg_flags = flags, .nlmsg_seq = seq };
	assert_true(b->len + NLMSG_ALIGN(h.nlmsg_len) <= sizeof(b->b));
	memcpy(b->b + b->len, &h, sizeof(h));
	if (n > 0)
		memcpy(b->b + b->len + NLMSG_HDRLEN, p, n);
	void *at = b->b + b->len;
	b->len += NLMSG_ALIGN(h.nlmsg_len);
	return at;
}

static void test_scan(void **state)
{
	(void)state;
	/* a data reply for another request, ours, then our ack */
	struct buf b = { .len = 0 };
	struct xfrm_usersa_info sa;
	memset(&sa, 0, sizeof(sa));
	sa.id.spi = htonl(0x1234);
	sa.reqid = KERNEL_REQID_MIN + 3;
	sa.curlft.bytes = 8400;
	sa.curlft.packets = 100;
	sa.curlft.add_time = 1700000000;
	sa.stats.replay = 2;
	put_msg(&b, XFRM_MSG_NEWSA, 0, 6, &sa, sizeof(sa));
	sa.curlft.bytes = 4200;
	put_msg(&b, XFRM_MSG_NEWSA, 0, 7, &sa, sizeof(sa));
	struct nlmsgerr ack = { .error = 0 };
	put_msg(&b, NLMSG_ERROR, NLM_F_CAPPED, 7, &ack, sizeof(ack));
	struct kernel_reply r = { 0 };
	assert_true(kernel_nl_scan(b.b, b.len, 7, XFRM_MSG_NEWSA, &r));
	assert_true(r.acked);
	assert_int_equal(r.err, 0);
	assert_non_null(r.msg);
	struct kernel_sa_counters c;
	uint32_t spi, reqid;
	assert_true(kernel_decode_sa(r.msg, r.msg_len, &c, &spi, &reqid));
	assert_int_equal(c.bytes, 4200);
	assert_int_equal(c.packets, 100);
	assert_int_equal(c.add_time, 1700000000);
	assert_int_equal(c.replay_errors, 2);
	assert_int_equal(spi, 0x1234);
	assert_int_equal(reqid, KERNEL_REQID_MIN + 3);
	/* every truncation of the reply is refused */
	for (size_t n = 0; n < r.msg_len; n++)
		assert_false(kernel_decode_sa(r.msg, n, &c, &spi, &reqid));
	kernel_reply_free(&r);
	assert_null(r.msg);

	/* every truncation of the buffer: malformed, or simply not acked yet */
	for (size_t n = 1; n < b.len; n++) {
		struct kernel_reply t = { 0 };
		bool ok = kernel_nl_scan(b.b, n, 7, XFRM_MSG_NEWSA, &t);
		assert_true(!ok || !t.acked);
		kernel_reply_free(&t);
	}

	/* an error with the kernel's message (capped: no echoed request) */
	struct {
		struct nlmsgerr e;
		struct nlattr a;
		char s[28];
	} err;
	memset(&err, 0, sizeof(err));
	err.e.error = -EPROTONOSUPPORT;
	err.e.msg.nlmsg_len = 200;	/* the request's length: not echoed when capped */
	err.a.nla_len = NLA_HDRLEN + 25;
	err.a.nla_type = NLMSGERR_ATTR_MSG;
	memcpy(err.s, "Requested type not found", 25);
	b.len = 0;
	put_msg(&b, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 9, &err, sizeof(err));
	r = (struct kernel_reply){ 0 };
	assert_true(kernel_nl_scan(b.b, b.len, 9, 0, &r));
	assert_true(r.acked);
	assert_int_equal(r.err, EPROTONOSUPPORT);
	assert_string_equal(r.extack, "Requested type not found");
	assert_diag(kernel_failure("adding x", 0, &r, NULL),
		    "kernel: adding x failed: Protocol not supported (Requested type not found)");
	assert_diag(kernel_failure("adding x", 0, &r, "kernel has no ESP support (CONFIG_INET_ESP)"),
		    "kernel: adding x failed: kernel has no ESP support (CONFIG_INET_ESP): Protocol not supported");
	/* not capped: the message follows the echoed request, whose length lies */
	b.len = 0;
	put_msg(&b, NLMSG_ERROR, NLM_F_ACK_TLVS, 9, &err, sizeof(err));
	r = (struct kernel_reply){ 0 };
	assert_true(kernel_nl_scan(b.b, b.len, 9, 0, &r));
	assert_true(r.acked);
	assert_string_equal(r.extack, "");

	/* a short error message and a positive error are malformed */
	b.len = 0;
	put_msg(&b, NLMSG_ERROR, 0, 9, &err, 2);
	r = (struct kernel_reply){ 0 };
	assert_false(kernel_nl_scan(b.b, b.len, 9, 0, &r));
	err.e.error = 5;
	b.len = 0;
	put_msg(&b, NLMSG_ERROR, 0, 9, &err, sizeof(err));
	r = (struct kernel_reply){ 0 };
	assert_false(kernel_nl_scan(b.b, b.len, 9, 0, &r));
	/* a length pointing past the end */
	struct nlmsghdr h = { .nlmsg_len = 64, .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = 9 };
	r = (struct kernel_reply){ 0 };
	assert_false(kernel_nl_scan(&h, sizeof(h), 9, 0, &r));
	h.nlmsg_len = 3;
	assert_false(kernel_nl_scan(&h, sizeof(h), 9, 0, &r));
}

static void on_mapping(const struct kernel_event *e, void *ctx)
{
	struct kernel_mapping *out = ctx;
	assert_int_equal(e->type, KERNEL_EVENT_MAPPING);
	*out = e->mapping;
}

/* XFRM_MSG_MAPPING (NAT-T): decoded both families; short or foreign ones refused */
static void test_decode_mapping(void **state)
{
	(void)state;
	struct xfrm_user_mapping m;
	memset(&m, 0, sizeof(m));
	m.id.family = AF_INET;
	m.id.proto = IPPROTO_ESP;
	m.id.spi = htonl(0xc0ffee01);
	m.id.daddr.a4 = htonl(0xc0000202);	/* 192.0.2.2: ours */
	m.old_saddr.a4 = htonl(0xc00002fe);	/* 192.0.2.254 */
	m.new_saddr.a4 = htonl(0xc00002fe);
	m.old_sport = htons(4500);
	m.new_sport = htons(34567);
	m.reqid = KERNEL_REQID_MIN + 8;
	struct buf b = { .len = 0 };
	put_msg(&b, XFRM_MSG_MAPPING, 0, 0, &m, sizeof(m));
	struct kernel_mapping k;
	memset(&k, 0, sizeof(k));
	unsigned bad = 9;
	assert_int_equal(kernel_events_scan(b.b, b.len, on_mapping, &k, &bad), 1);
	assert_int_equal(bad, 0);
	address_buf ab;
	assert_string_equal(str_address(&k.id.dst, &ab), "192.0.2.2");
	assert_string_equal(str_address(&k.old_src, &ab), "192.0.2.254");
	assert_string_equal(str_address(&k.new_src, &ab), "192.0.2.254");
	assert_int_equal(k.id.spi, 0xc0ffee01);
	assert_int_equal(k.id.proto, IPPROTO_ESP);
	assert_int_equal(k.reqid, KERNEL_REQID_MIN + 8);
	assert_int_equal(k.old_sport, 4500);
	assert_int_equal(k.new_sport, 34567);
	/* every truncation: malformed, nothing passed on */
	struct kernel_event e;
	for (size_t n = 0; n < NLMSG_HDRLEN + sizeof(m); n++)
		assert_false(kernel_decode_event(b.b, n, &e));
	/* IPv6, a new address too */
	m.id.family = AF_INET6;
	memset(&m.id.daddr, 0, sizeof(m.id.daddr));
	memset(&m.new_saddr, 0, sizeof(m.new_saddr));
	m.id.daddr.a6[0] = htonl(0x20010db8);
	m.id.daddr.a6[3] = htonl(2);
	m.new_saddr.a6[0] = htonl(0x20010db8);
	m.new_saddr.a6[3] = htonl(0x99);
	b.len = 0;
	put_msg(&b, XFRM_MSG_MAPPING, 0, 0, &m, sizeof(m));
	assert_int_equal(kernel_events_scan(b.b, b.len, on_mapping, &k, &bad), 1);
	assert_string_equal(str_address(&k.id.dst, &ab), "2001:db8::2");
	assert_string_equal(str_address(&k.new_src, &ab), "2001:db8::99");
	/* an unknown family: skipped as malformed */
	m.id.family = AF_UNIX;
	b.len = 0;
	put_msg(&b, XFRM_MSG_MAPPING, 0, 0, &m, sizeof(m));
	assert_int_equal(kernel_events_scan(b.b, b.len, on_mapping, &k, &bad), 0);
	assert_int_equal(bad, 1);
}

static void test_decode_policy(void **state)
{
	(void)state;
	struct {
		struct xfrm_userpolicy_info p;
		struct nlattr ma;
		struct xfrm_mark m;
		struct nlattr ta;
		struct xfrm_user_tmpl t;
	} pol;
	memset(&pol, 0, sizeof(pol));
	pol.p.sel.family = AF_INET;
	pol.p.sel.prefixlen_s = 24;
	pol.p.sel.prefixlen_d = 24;
	memcpy(&pol.p.sel.saddr, "\x0a\x00\x01\x00", 4);
	memcpy(&pol.p.sel.daddr, "\x0a\x00\x02\x00", 4);
	pol.p.sel.proto = IPPROTO_TCP;
	pol.p.sel.dport = htons(443);
	pol.p.sel.dport_mask = 0xffff;
	pol.p.priority = KERNEL_PRIO_MIN + 5;
	pol.p.dir = XFRM_POLICY_FWD;
	pol.p.action = XFRM_POLICY_ALLOW;
	pol.ma.nla_len = NLA_HDRLEN + sizeof(pol.m);
	pol.ma.nla_type = XFRMA_MARK;
	pol.m.v = 7;
	pol.m.m = 0xff;
	pol.ta.nla_len = NLA_HDRLEN + sizeof(pol.t);
	pol.ta.nla_type = XFRMA_TMPL;
	pol.t.family = AF_INET;
	pol.t.mode = XFRM_MODE_TUNNEL;
	pol.t.id.proto = IPPROTO_ESP;
	pol.t.reqid = KERNEL_REQID_MIN + 9;
	memcpy(&pol.t.saddr, "\xc0\x00\x02\x02", 4);
	memcpy(&pol.t.id.daddr, "\xc0\x00\x02\x01", 4);
	struct buf b = { .len = 0 };
	uint8_t *m = put_msg(&b, XFRM_MSG_NEWPOLICY, 0, 1, &pol, sizeof(pol));
	size_t len = NLMSG_HDRLEN + sizeof(pol);
	struct kernel_policy k;
	assert_true(kernel_decode_policy(m, len, &k));
	selector_buf sb;
	address_buf ab;
	assert_string_equal(str_selector(&k.id.src, &sb), "10.0.1.0/24/TCP/0");
	assert_string_equal(str_selector(&k.id.dst, &sb), "10.0.2.0/24/TCP/443");
	assert_int_equal(k.id.dir, KERNEL_DIR_FWD);
	assert_int_equal(k.id.mark.value, 7);
	assert_int_equal(k.id.mark.mask, 0xff);
	assert_int_equal(k.priority, KERNEL_PRIO_MIN + 5);
	assert_int_equal(k.action, KERNEL_POLICY_ALLOW);
	assert_true(k.has_tmpl);
	assert_int_equal(k.mode, KERNEL_MODE_TUNNEL);
	assert_int_equal(k.reqid, KERNEL_REQID_MIN + 9);
	assert_string_equal(str_address(&k.tmpl_src, &ab), "192.0.2.2");
	assert_string_equal(str_address(&k.tmpl_dst, &ab), "192.0.2.1");
	/* truncations: refused, or decoded without the cut attributes */
	for (size_t n = 0; n < len; n++) {
		struct kernel_policy t = { .reqid = 1 };
		struct nlmsghdr *h = (struct nlmsghdr *)m;
		h->nlmsg_len = (uint32_t)n;
		bool ok = kernel_decode_policy(m, n, &t);
		assert_true(!ok || n >= NLMSG_HDRLEN + sizeof(pol.p));
		if (ok)
			assert_false(t.has_tmpl && n < len);
	}
	((struct nlmsghdr *)m)->nlmsg_len = (uint32_t)len;
	/* bad values are refused */
	struct xfrm_userpolicy_info *p = (void *)(m + NLMSG_HDRLEN);
	p->dir = 7;
	assert_false(kernel_decode_policy(m, len, &k));
	p->dir = XFRM_POLICY_IN;
	p->sel.prefixlen_s = 33;
	assert_false(kernel_decode_policy(m, len, &k));
	p->sel.prefixlen_s = 24;
	p->action = 9;
	assert_false(kernel_decode_policy(m, len, &k));
	p->action = XFRM_POLICY_BLOCK;
	assert_true(kernel_decode_policy(m, len, &k));
	assert_int_equal(k.action, KERNEL_POLICY_BLOCK);
	assert_int_equal(k.id.dir, KERNEL_DIR_IN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alg_table),
#ifdef HAVE_TERN_CRYPTO
		cmocka_unit_test(test_alg_table_matches_crypto),
#endif
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_checks_before_sending),
		cmocka_unit_test(test_not_open),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_decode_policy),
		cmocka_unit_test(test_decode_mapping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
