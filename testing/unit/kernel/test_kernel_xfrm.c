/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel seam against the host's real XFRM, in a private network
 * namespace (unshare(CLONE_NEWNET): nothing outside is touched and
 * nothing is left behind).  Needs root; skips (77) without it.
 *
 * The host kernel has XFRM but no ESP (see ../shared/uml/README.md):
 * ALLOCSPI and policies work, adding an ESP SA fails, and the failure
 * must read "kernel has no ESP support (CONFIG_INET_ESP)".  On a kernel
 * that does have ESP the same test checks the SA was installed instead.
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
#include <poll.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "kernel/kernel.h"
#include "kernel/kernel_expire.h"
#include "tern/ike_iana.h"

static ip_address W, E;

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

static void assert_ok(diag_t d)
{
	if (d != NULL)
		fail_msg("%s", diag_str(d));
}

static void assert_diag(diag_t d, const char *want)
{
	if (d == NULL)
		fail_msg("succeeded, expected: %s", want);
	assert_string_equal(diag_str(d), want);
	diag_free(&d);
}

/* lines of `ip xfrm WHAT` (state or policy) in this namespace containing NEEDLE */
static int count_lines(const char *what, const char *needle)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "ip xfrm %s list 2>&1", what);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char line[512];
	int n = 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	assert_int_equal(pclose(f), 0);
	return n;
}

static void run(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fail_msg("'%s' failed (%d)", cmd, rc);
}

/* does this kernel have ESP?  Only ip(8)'s view, independent of our code */
static bool kernel_has_esp(void)
{
	int rc = system("ip xfrm state add src 192.0.2.9 dst 192.0.2.8 proto esp spi 0x999 "
			"enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff "
			"auth-trunc 'hmac(sha256)' 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128 "
			"2>/dev/null");
	if (rc == 0)
		run("ip xfrm state flush");
	return rc == 0;
}

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "unit-kernel-xfrm: needs root for a private network namespace; skipped\n");
		exit(77);
	}
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "unit-kernel-xfrm: unshare(CLONE_NEWNET): %s; skipped\n", strerror(errno));
		exit(77);
	}
	diag_t d = kernel_init(&global_logger);
	if (d != NULL) {
		fprintf(stderr, "%s\n", diag_str(d));
		return -1;
	}
	W = addr("192.0.2.1");
	E = addr("192.0.2.2");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kernel_shutdown(&global_logger);
	return 0;
}

/* each test starts in an empty namespace, whatever an earlier failure left */
static int clean(void **state)
{
	(void)state;
	return system("ip xfrm state flush && ip xfrm policy flush") == 0 ? 0 : -1;
}

static void test_alloc_spi(void **state)
{
	(void)state;
	uint32_t a = 0, b = 0;
	assert_ok(kernel_alloc_spi(&E, &W, IPPROTO_ESP, KERNEL_REQID_MIN + 1, 0x1000, 0x1fff, NULL, &a));
	assert_true(a >= 0x1000 && a <= 0x1fff);
	assert_ok(kernel_alloc_spi(&E, &W, IPPROTO_ESP, KERNEL_REQID_MIN + 2, 0x1000, 0x1fff, NULL, &b));
	assert_true(b >= 0x1000 && b <= 0x1fff);
	assert_int_not_equal(a, b);
	/* the larval SAs exist, in the kernel's byte order as ip(8) shows them */
	char spi_text[32];
	snprintf(spi_text, sizeof(spi_text), "spi 0x%08x", a);
	assert_int_equal(count_lines("state", spi_text), 1);
	/* GETSA finds them: nothing counted yet */
	struct kernel_sa_id id = { .src = E, .dst = W, .spi = a, .proto = IPPROTO_ESP };
	struct kernel_sa_counters c = { .bytes = 99 };
	assert_ok(kernel_get_sa_counters(&id, &c));
	assert_int_equal(c.bytes, 0);
	assert_int_equal(c.packets, 0);
	assert_true(c.add_time > 1600000000);
	assert_ok(kernel_del_sa(&id, &global_logger));
	assert_int_equal(count_lines("state", spi_text), 0);
	char want[200];
	snprintf(want, sizeof(want),
		 "kernel: deleting ESP SA 0x%08x 192.0.2.2->192.0.2.1 failed: no such SA: No such process", a);
	assert_diag(kernel_del_sa(&id, &global_logger), want);
	snprintf(want, sizeof(want),
		 "kernel: reading ESP SA 0x%08x 192.0.2.2->192.0.2.1 failed: no such SA: No such process", a);
	c.bytes = 99;
	assert_diag(kernel_get_sa_counters(&id, &c), want);
	assert_int_equal(c.bytes, 99);	/* untouched on failure */
	id.spi = b;
	assert_ok(kernel_del_sa(&id, &global_logger));

	/* a one-SPI range: the second request for it finds nothing free */
	uint32_t one = 0;
	assert_ok(kernel_alloc_spi(&E, &W, IPPROTO_ESP, KERNEL_REQID_MIN + 3, 0x2000, 0x2000, NULL, &one));
	assert_int_equal(one, 0x2000);
	uint32_t none = 7;
	assert_diag(kernel_alloc_spi(&E, &W, IPPROTO_ESP, KERNEL_REQID_MIN + 4, 0x2000, 0x2000, NULL, &none),
		    "kernel: allocating an SPI for ESP SA 0x00000000 192.0.2.2->192.0.2.1 failed: "
		    "no free SPI in 0x2000-0x2000: No such file or directory");
	assert_int_equal(none, 7);
	/* with a mark: the mark is part of the SA's identity */
	struct kernel_mark mark = { .value = 0x11, .mask = 0xff };
	uint32_t marked = 0;
	assert_ok(kernel_alloc_spi(&E, &W, IPPROTO_ESP, KERNEL_REQID_MIN + 5, 0x2001, 0x2001, &mark, &marked));
	assert_int_equal(marked, 0x2001);
	assert_int_equal(count_lines("state", "mark 0x11/0xff"), 1);
	struct kernel_sa_id mid = { .src = E, .dst = W, .spi = marked, .proto = IPPROTO_ESP, .mark = mark };
	assert_ok(kernel_del_sa(&mid, &global_logger));
	mid.spi = one;
	mid.mark = (struct kernel_mark){ 0 };
	assert_ok(kernel_del_sa(&mid, &global_logger));
	/*
	 * The failed request left the kernel's larval SA without an SPI
	 * (reqid + 4): no DELSA can name it (the kernel looks ESP SAs up by
	 * SPI), so not even the flush removes it; it expires by itself
	 * after net.core.xfrm_acq_expires seconds.
	 */
	assert_int_equal(count_lines("state", "proto esp"), 1);
	assert_int_equal(count_lines("state", "spi 0x00000000 reqid 1952776196 "), 1);
	assert_ok(kernel_flush_owned(&global_logger, "in a test"));
	assert_int_equal(count_lines("state", "spi 0x00000000 reqid 1952776196 "), 1);
}

static void fill_cbc(struct kernel_sa *sa, uint8_t *ek, uint8_t *ik)
{
	assert_ok(kernel_sa_set_algs(sa, IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_HMAC_SHA2_256_128,
				     ek, 16, ik, 32));
}

static void test_esp_sa(void **state)
{
	(void)state;
	bool esp = kernel_has_esp();
	uint8_t ek[36], ik[32];
	memset(ek, 0x5a, sizeof(ek));
	memset(ik, 0xa5, sizeof(ik));
	struct kernel_sa sa = {
		.id = { .src = W, .dst = E, .spi = 0x12345678, .proto = IPPROTO_ESP },
		.mode = KERNEL_MODE_TUNNEL, .reqid = KERNEL_REQID_MIN + 7, .replay_window = 128,
		.lifetime = { .soft_bytes = 1000000, .hard_bytes = 2000000, .soft_seconds = 3000,
			      .hard_seconds = 3600 },
	};
	fill_cbc(&sa, ek, ik);
	diag_t d = kernel_add_sa(&sa, &global_logger);
	if (!esp) {
		assert_diag(d, "kernel: adding ESP SA 0x12345678 192.0.2.1->192.0.2.2 failed: "
			       "kernel has no ESP support (CONFIG_INET_ESP): Protocol not supported");
		assert_int_equal(count_lines("state", "proto esp"), 0);
		/* the same for the larval SA of ALLOCSPI, which stays larval */
		uint32_t spi;
		assert_ok(kernel_alloc_spi(&E, &W, IPPROTO_ESP, KERNEL_REQID_MIN + 8, 0x3000, 0x3fff, NULL, &spi));
		struct kernel_sa in = sa;
		in.id = (struct kernel_sa_id){ .src = E, .dst = W, .spi = spi, .proto = IPPROTO_ESP };
		in.reqid = KERNEL_REQID_MIN + 8;
		in.update = true;
		in.esn = true;
		char want[200];
		snprintf(want, sizeof(want),
			 "kernel: updating ESP SA 0x%08x 192.0.2.2->192.0.2.1 failed: "
			 "kernel has no ESP support (CONFIG_INET_ESP): Protocol not supported", spi);
		assert_diag(kernel_add_sa(&in, &global_logger), want);
		assert_ok(kernel_del_sa(&in.id, &global_logger));
		/* an AEAD this kernel has no cipher for is named as such */
		if (system("grep -q 'rfc4106(gcm(aes))' /proc/crypto") != 0) {
			assert_ok(kernel_sa_set_algs(&sa, IKEv2_ENCR_AES_GCM_16, 128, 0, ek, 20, NULL, 0));
			d = kernel_add_sa(&sa, &global_logger);
			assert_non_null(d);
			/* either message: the kernel checks the cipher first unless a module loads it */
			const char *s = diag_str(d);
			if (strcmp(s, "kernel: adding ESP SA 0x12345678 192.0.2.1->192.0.2.2 failed: "
				      "kernel has no AEAD algorithm rfc4106(gcm(aes)) with a 128-bit ICV: "
				      "Function not implemented") != 0 &&
			    strcmp(s, "kernel: adding ESP SA 0x12345678 192.0.2.1->192.0.2.2 failed: "
				      "kernel has no ESP support (CONFIG_INET_ESP): Protocol not supported") != 0)
				fail_msg("unexpected: %s", s);
			diag_free(&d);
		}
	} else {
		/* a kernel with ESP: the SA is there, GETSA reads it, DELSA removes it */
		assert_ok(d);
		assert_int_equal(count_lines("state", "spi 0x12345678 reqid 1952776199 mode tunnel"), 1);
		struct kernel_sa_counters c;
		assert_ok(kernel_get_sa_counters(&sa.id, &c));
		assert_int_equal(c.bytes, 0);
		assert_diag(kernel_add_sa(&sa, &global_logger),
			    "kernel: adding ESP SA 0x12345678 192.0.2.1->192.0.2.2 failed: "
			    "an SA with this SPI exists already: File exists");
		assert_ok(kernel_del_sa(&sa.id, &global_logger));
	}
	assert_int_equal(count_lines("state", "proto esp"), 0);
}

static struct kernel_policy tunnel_policy(const char *src, const char *dst, enum kernel_dir dir,
					  uint32_t reqid)
{
	struct kernel_policy p = {
		.id = { .src = sel(src), .dst = sel(dst), .dir = dir },
		.action = KERNEL_POLICY_ALLOW, .has_tmpl = true, .mode = KERNEL_MODE_TUNNEL,
		.proto = IPPROTO_ESP, .reqid = reqid,
		.tmpl_src = dir == KERNEL_DIR_OUT ? W : E, .tmpl_dst = dir == KERNEL_DIR_OUT ? E : W,
	};
	return p;
}

static void test_policies(void **state)
{
	(void)state;
	struct kernel_policy out = tunnel_policy("10.0.1.0/24", "10.0.2.0/24", KERNEL_DIR_OUT,
						 KERNEL_REQID_MIN + 1);
	struct kernel_policy in = tunnel_policy("10.0.2.0/24", "10.0.1.0/24", KERNEL_DIR_IN,
						KERNEL_REQID_MIN + 1);
	struct kernel_policy fwd = in;
	fwd.id.dir = KERNEL_DIR_FWD;
	assert_ok(kernel_add_policy(&out, false, &global_logger));
	assert_ok(kernel_add_policy(&in, false, &global_logger));
	assert_ok(kernel_add_policy(&fwd, false, &global_logger));
	assert_int_equal(count_lines("policy", "dir "), 3);

	struct kernel_policy got;
	assert_ok(kernel_get_policy(&out.id, &got));
	assert_int_equal(got.id.dir, KERNEL_DIR_OUT);
	assert_int_equal(got.priority, kernel_policy_priority(&out.id.src, &out.id.dst));
	assert_true(kernel_priority_owned(got.priority));
	assert_int_equal(got.action, KERNEL_POLICY_ALLOW);
	assert_true(got.has_tmpl);
	assert_int_equal(got.mode, KERNEL_MODE_TUNNEL);
	assert_int_equal(got.proto, IPPROTO_ESP);
	assert_int_equal(got.reqid, KERNEL_REQID_MIN + 1);
	assert_true(address_eq(&got.tmpl_src, &W));
	assert_true(address_eq(&got.tmpl_dst, &E));
	assert_true(subnet_eq(&got.id.src.subnet, &out.id.src.subnet));
	assert_true(subnet_eq(&got.id.dst.subnet, &out.id.dst.subnet));
	assert_ok(kernel_get_policy(&fwd.id, &got));
	assert_int_equal(got.id.dir, KERNEL_DIR_FWD);
	assert_true(address_eq(&got.tmpl_src, &E));

	/* adding twice is refused; replacing changes it */
	assert_diag(kernel_add_policy(&out, false, &global_logger),
		    "kernel: adding policy 10.0.1.0/24->10.0.2.0/24 out failed: "
		    "a policy with this selector and direction exists already: File exists");
	out.reqid = KERNEL_REQID_MIN + 2;
	assert_ok(kernel_add_policy(&out, true, &global_logger));
	assert_ok(kernel_get_policy(&out.id, &got));
	assert_int_equal(got.reqid, KERNEL_REQID_MIN + 2);
	assert_int_equal(count_lines("policy", "dir out"), 1);

	/* a more specific policy gets a lower number, a block policy, a transport policy with ports */
	struct kernel_policy host = tunnel_policy("10.0.1.1/32", "10.0.2.1/32", KERNEL_DIR_OUT,
						  KERNEL_REQID_MIN + 3);
	assert_ok(kernel_add_policy(&host, false, &global_logger));
	struct kernel_policy hgot;
	assert_ok(kernel_get_policy(&host.id, &hgot));
	assert_ok(kernel_get_policy(&out.id, &got));
	assert_true(hgot.priority < got.priority);
	struct kernel_policy block = {
		.id = { .src = sel("10.0.1.0/24"), .dst = sel("10.9.0.0/16"), .dir = KERNEL_DIR_OUT },
		.action = KERNEL_POLICY_BLOCK,
	};
	assert_ok(kernel_add_policy(&block, false, &global_logger));
	assert_ok(kernel_get_policy(&block.id, &got));
	assert_int_equal(got.action, KERNEL_POLICY_BLOCK);
	assert_false(got.has_tmpl);
	struct kernel_policy tr = {
		.id = { .src = sel("192.0.2.1/32/tcp/0"), .dst = sel("192.0.2.2/32/tcp/22"),
			.dir = KERNEL_DIR_OUT, .mark = { .value = 3, .mask = 0xf } },
		.action = KERNEL_POLICY_ALLOW, .has_tmpl = true, .mode = KERNEL_MODE_TRANSPORT,
		.proto = IPPROTO_ESP, .reqid = KERNEL_REQID_MIN + 4,
	};
	assert_ok(kernel_add_policy(&tr, false, &global_logger));
	assert_ok(kernel_get_policy(&tr.id, &got));
	assert_int_equal(got.mode, KERNEL_MODE_TRANSPORT);
	assert_int_equal(got.id.dst.port, 22);
	assert_int_equal(got.id.dst.ipproto, IPPROTO_TCP);
	assert_int_equal(got.id.mark.value, 3);
	assert_int_equal(count_lines("policy", "proto tcp dport 22"), 1);
	/* without its mark it is another policy */
	struct kernel_policy_id nomark = tr.id;
	nomark.mark = (struct kernel_mark){ 0 };
	assert_diag(kernel_get_policy(&nomark, &got),
		    "kernel: reading policy 192.0.2.1/32/TCP/0->192.0.2.2/32/TCP/22 out failed: "
		    "no such policy: No such file or directory");

	struct kernel_policy *all[] = { &out, &in, &fwd, &host, &block, &tr };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		assert_ok(kernel_del_policy(&all[i]->id, &global_logger));
	assert_int_equal(count_lines("policy", "dir "), 0);
	assert_diag(kernel_del_policy(&out.id, &global_logger),
		    "kernel: deleting policy 10.0.1.0/24->10.0.2.0/24 out failed: "
		    "no such policy: No such file or directory");
}

/* a Child SA as a unit: installed whole, or (here, without ESP) nothing left behind */
static void test_child(void **state)
{
	(void)state;
	bool esp = kernel_has_esp();
	uint8_t ein[16], iin[32], eout[16], iout[32];
	memset(ein, 1, sizeof(ein));
	memset(iin, 2, sizeof(iin));
	memset(eout, 3, sizeof(eout));
	memset(iout, 4, sizeof(iout));
	struct kernel_child c = {
		.mode = KERNEL_MODE_TUNNEL, .local = W, .remote = E,
		.local_ts = sel("10.0.1.0/24"), .remote_ts = sel("10.0.2.0/24"),
		.reqid = KERNEL_REQID_MIN + 20, .spi_out = 0xabcd0001, .spi_in_larval = true,
		.encr_id = IKEv2_ENCR_AES_CBC, .key_bits = 128, .integ_id = IKEv2_INTEG_HMAC_SHA2_256_128,
		.encr_in = ein, .integ_in = iin, .encr_out = eout, .integ_out = iout,
		.encr_len = 16, .integ_len = 32, .replay_window = 64,
	};
	assert_ok(kernel_alloc_spi(&E, &W, IPPROTO_ESP, c.reqid, 0x6000, 0x6fff, NULL, &c.spi_in));
	assert_int_equal(count_lines("state", "proto esp"), 1);
	diag_t d = kernel_install_child(&c, &global_logger);
	if (!esp) {
		char want[200];
		snprintf(want, sizeof(want),
			 "kernel: updating ESP SA 0x%08x 192.0.2.2->192.0.2.1 failed: "
			 "kernel has no ESP support (CONFIG_INET_ESP): Protocol not supported", c.spi_in);
		assert_diag(d, want);
		/* the larval SA is gone too */
		assert_int_equal(count_lines("state", "proto esp"), 0);
		assert_int_equal(count_lines("policy", "dir "), 0);
		/* bad keymat: refused before anything is sent, the larval SA removed */
		assert_ok(kernel_alloc_spi(&E, &W, IPPROTO_ESP, c.reqid, 0x6000, 0x6fff, NULL, &c.spi_in));
		c.integ_len = 20;
		assert_diag(kernel_install_child(&c, &global_logger),
			    "kernel: ESP integrity hmac(sha256): keymat is 20 octets, expected 32");
		assert_int_equal(count_lines("state", "proto esp"), 0);
	} else {
		assert_ok(d);
		assert_int_equal(count_lines("state", "proto esp"), 2);
		assert_int_equal(count_lines("policy", "dir "), 3);
		struct kernel_sa_counters in, out;
		assert_ok(kernel_child_traffic(&c, &in, &out));
		assert_int_equal(in.bytes + out.bytes, 0);
		assert_ok(kernel_remove_child(&c, &global_logger));
		assert_int_equal(count_lines("state", "proto esp"), 0);
		assert_int_equal(count_lines("policy", "dir "), 0);
	}
}

struct seen {
	unsigned acquires, expires;
	struct kernel_acquire acquire;
	struct kernel_expire expire;
};

static void on_event(const struct kernel_event *e, void *ctx)
{
	struct seen *s = ctx;
	if (e->type == KERNEL_EVENT_ACQUIRE) {
		s->acquires++;
		s->acquire = e->acquire;
	} else {
		s->expires++;
		s->expire = e->expire;
	}
}

/* poll both event sockets until WANT(S) or 5 s passed */
static void wait_events(int acquire_fd, int expire_fd, struct seen *s,
			bool (*want)(const struct seen *))
{
	for (int i = 0; i < 50 && !want(s); i++) {
		struct pollfd p[2] = {
			{ .fd = acquire_fd, .events = POLLIN },
			{ .fd = expire_fd, .events = POLLIN },
		};
		if (poll(p, 2, 100) > 0) {
			unsigned n = 0;
			if (p[0].revents & POLLIN)
				assert_ok(kernel_events_read(on_event, s, &global_logger, &n));
			if (p[1].revents & POLLIN)
				assert_ok(kernel_expire_read(on_event, s, &global_logger));
		}
	}
}

static bool got_acquire(const struct seen *s) { return s->acquires > 0; }
static bool got_expire(const struct seen *s) { return s->expires > 0; }

/*
 * A packet meets our trap-like policy: the kernel ACQUIREs (telling the
 * template's endpoints, the packet and the reqid) on the ACQUIRE socket;
 * its larval SA then expires (net.core.xfrm_acq_expires = 1) with a hard
 * EXPIRE on the EXPIRE socket (and only there).
 */
static void test_events(void **state)
{
	(void)state;
	int fd = -1, xfd = -1;
	assert_ok(kernel_events_open(&fd));
	assert_true(fd >= 0);
	assert_ok(kernel_expire_open(&xfd));
	assert_true(xfd >= 0 && xfd != fd);
	run("echo 1 > /proc/sys/net/core/xfrm_acq_expires");
	/*
	 * No dummy/veth drivers on the host kernel: the packet leaves by lo,
	 * whose routes skip XFRM unless disable_xfrm is cleared.
	 */
	run("echo 0 > /proc/sys/net/ipv4/conf/lo/disable_xfrm && ip link set lo up && "
	    "ip addr add 10.0.1.1/32 dev lo && ip route add 10.0.2.0/24 dev lo");
	struct kernel_policy out = tunnel_policy("10.0.1.0/24", "10.0.2.0/24", KERNEL_DIR_OUT,
						 KERNEL_REQID_MIN + 30);
	assert_ok(kernel_add_policy(&out, false, &global_logger));

	int u = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(u >= 0);
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(4321) };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	inet_pton(AF_INET, "10.0.1.1", &from.sin_addr);
	inet_pton(AF_INET, "10.0.2.1", &to.sin_addr);
	assert_int_equal(bind(u, (struct sockaddr *)&from, sizeof(from)), 0);
	/* dropped while no SA exists (larval_drop): only the ACQUIRE matters */
	(void)sendto(u, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	close(u);

	struct seen s = { 0 };
	wait_events(fd, xfd, &s, got_acquire);
	assert_int_equal(s.acquires, 1);
	const struct kernel_acquire *a = &s.acquire;
	address_buf ab;
	selector_buf sb;
	assert_string_equal(str_address(&a->src, &ab), "192.0.2.1");
	assert_string_equal(str_address(&a->dst, &ab), "192.0.2.2");
	assert_string_equal(str_selector(&a->sel_src, &sb), "10.0.1.1/32/UDP/4321");
	assert_string_equal(str_selector(&a->sel_dst, &sb), "10.0.2.1/32/UDP/9");
	assert_int_equal(a->proto, IPPROTO_ESP);
	assert_int_equal(a->reqid, KERNEL_REQID_MIN + 30);
	assert_int_equal(a->dir, KERNEL_DIR_OUT);
	assert_int_equal(a->priority, kernel_policy_priority(&out.id.src, &out.id.dst));

	wait_events(fd, xfd, &s, got_expire);
	assert_int_equal(s.expires, 1);
	assert_int_equal(s.acquires, 1);	/* not again on the EXPIRE socket */
	const struct kernel_expire *x = &s.expire;
	assert_true(x->hard);
	assert_int_equal(x->reqid, KERNEL_REQID_MIN + 30);
	assert_int_equal(x->id.proto, IPPROTO_ESP);
	assert_int_equal(x->id.spi, 0);
	assert_string_equal(str_address(&x->id.dst, &ab), "192.0.2.2");

	kernel_events_close();
	kernel_expire_close();
	assert_ok(kernel_del_policy(&out.id, &global_logger));
	run("ip route del 10.0.2.0/24 dev lo && ip addr del 10.0.1.1/32 dev lo");
}

/* flush removes what we own and leaves what others installed */
static void test_flush_owned(void **state)
{
	(void)state;
	struct kernel_policy mine = tunnel_policy("10.0.1.0/24", "10.0.2.0/24", KERNEL_DIR_OUT,
						  KERNEL_REQID_MIN + 1);
	assert_ok(kernel_add_policy(&mine, false, &global_logger));
	uint32_t spi;
	assert_ok(kernel_alloc_spi(&E, &W, IPPROTO_ESP, KERNEL_REQID_MIN + 1, 0x4000, 0x4fff, NULL, &spi));
	/* someone else's policy (priority and reqid outside our ranges) and larval SA */
	run("ip xfrm policy add src 10.0.3.0/24 dst 10.0.4.0/24 dir out priority 100 "
	    "tmpl src 192.0.2.1 dst 192.0.2.3 proto esp reqid 42 mode tunnel");
	run("ip xfrm state allocspi src 192.0.2.3 dst 192.0.2.1 proto esp reqid 42 mode tunnel "
	    "min 0x5000 max 0x5fff >/dev/null");
	assert_int_equal(count_lines("policy", "dir out"), 2);
	assert_int_equal(count_lines("state", "proto esp"), 2);
	assert_ok(kernel_flush_owned(&global_logger, "in a test"));
	assert_int_equal(count_lines("policy", "dir out"), 1);
	assert_int_equal(count_lines("policy", "priority 100 "), 1);
	assert_int_equal(count_lines("state", "reqid 42 "), 1);
	assert_int_equal(count_lines("state", "proto esp"), 1);
	struct kernel_policy got;
	assert_diag(kernel_get_policy(&mine.id, &got),
		    "kernel: reading policy 10.0.1.0/24->10.0.2.0/24 out failed: "
		    "no such policy: No such file or directory");
	run("ip xfrm policy flush");
	run("ip xfrm state flush");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_alloc_spi, clean),
		cmocka_unit_test_setup(test_esp_sa, clean),
		cmocka_unit_test_setup(test_policies, clean),
		cmocka_unit_test_setup(test_child, clean),
		cmocka_unit_test_setup(test_events, clean),
		cmocka_unit_test_setup(test_flush_owned, clean),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
