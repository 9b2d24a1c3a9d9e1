/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel-driver: one call into pluto's kernel seam (programs/pluto/kernel)
 * per invocation, so that a scenario can install ESP SAs and policies
 * through OUR API and look at the result with ip(8).
 *
 *   kernel-driver [-d] alloc-spi SRC DST REQID MIN MAX
 *   kernel-driver [-d] add-sa SRC DST SPI REQID tunnel|transport ALG [OPTION...]
 *       ALG: gcm128 gcm256 gcm128-icv8 gcm256-icv12 chacha cbc128-sha1 cbc128-sha256
 *            cbc256-sha512 cbc128-sha384 ctr128-xcbc cbc128-cmac
 *       OPTION: update (UPDSA the larval SA) | esn | replay=N | encap=SPORT:DPORT |
 *               sel=SRCNET,DSTNET | mark=V/M | soft-bytes=N | hard-bytes=N |
 *               soft-seconds=N | hard-seconds=N
 *   kernel-driver [-d] del-sa SRC DST SPI
 *   kernel-driver [-d] counters SRC DST SPI           prints "bytes=N packets=N used=yes|no"
 *   kernel-driver [-d] add-policy SRCSEL DSTSEL in|out|fwd REQID tunnel TSRC TDST | transport
 *   kernel-driver [-d] replace-policy ...same...
 *   kernel-driver [-d] block-policy SRCSEL DSTSEL in|out|fwd
 *   kernel-driver [-d] get-policy SRCSEL DSTSEL in|out|fwd
 *   kernel-driver [-d] del-policy SRCSEL DSTSEL in|out|fwd
 *   kernel-driver [-d] flush
 *   kernel-driver [-d] child-up|child-down|child-traffic tunnel|transport LOCAL REMOTE
 *       LOCALTS REMOTETS REQID SPI_IN SPI_OUT ALG [larval] [esn] [replay=N] [encap=LPORT:RPORT]
 *       (kernel_install_child() & co; child-traffic prints "inBytes=N outBytes=N")
 *
 * REQID is an offset into the owned range (1 -> KERNEL_REQID_MIN + 1).
 * Keys are derived from the SPI, the same on both hosts (a test only!).
 * Exit 0 on success; on failure the diag on stderr and exit 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"
#include "tern/ike_iana.h"

static void stderr_sink(void *ctx, const struct log_line *line)
{
	(void)ctx;
	fprintf(stderr, "%s%.*s\n", line->severity == LOG_SEV_DEBUG ? "| " : "", (int)line->len,
		line->text);
}

__attribute__((noreturn)) static void die_usage(const char *why)
{
	fprintf(stderr, "kernel-driver: %s (see the comment at the top of kernel-driver.c)\n", why);
	exit(2);
}

static int report(diag_t d)
{
	if (d == NULL)
		return 0;
	fprintf(stderr, "%s\n", diag_str(d));
	diag_free(&d);
	return 1;
}

static ip_address addr(const char *s)
{
	ip_address a;
	diag_t d = ttoaddress_num(s, AF_UNSPEC, &a);
	if (d != NULL) {
		report(d);
		exit(2);
	}
	return a;
}

static ip_selector sel(const char *s)
{
	ip_selector r;
	diag_t d = ttoselector(s, AF_UNSPEC, &r);
	if (d != NULL) {
		report(d);
		exit(2);
	}
	return r;
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);
	if (*s == '\0' || *end != '\0')
		die_usage("not a number");
	return v;
}

static enum kernel_dir dir(const char *s)
{
	if (strcmp(s, "in") == 0)
		return KERNEL_DIR_IN;
	if (strcmp(s, "out") == 0)
		return KERNEL_DIR_OUT;
	if (strcmp(s, "fwd") == 0)
		return KERNEL_DIR_FWD;
	die_usage("direction is in, out or fwd");
	return KERNEL_DIR_IN;
}

static const struct {
	const char *name;
	unsigned encr, bits, integ;
} algs[] = {
	{ "gcm128", IKEv2_ENCR_AES_GCM_16, 128, 0 },
	{ "gcm256", IKEv2_ENCR_AES_GCM_16, 256, 0 },
	{ "gcm128-icv8", IKEv2_ENCR_AES_GCM_8, 128, 0 },
	{ "gcm256-icv12", IKEv2_ENCR_AES_GCM_12, 256, 0 },
	{ "chacha", IKEv2_ENCR_CHACHA20_POLY1305, 0, 0 },
	{ "cbc128-sha1", IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_HMAC_SHA1_96 },
	{ "cbc128-sha256", IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_HMAC_SHA2_256_128 },
	{ "cbc128-sha384", IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_HMAC_SHA2_384_192 },
	{ "cbc256-sha512", IKEv2_ENCR_AES_CBC, 256, IKEv2_INTEG_HMAC_SHA2_512_256 },
	{ "ctr128-xcbc", IKEv2_ENCR_AES_CTR, 128, IKEv2_INTEG_AES_XCBC_96 },
	{ "cbc128-cmac", IKEv2_ENCR_AES_CBC, 128, IKEv2_INTEG_AES_CMAC_96 },
};

/* key/salt and integrity lengths for ALG */
static void keymat_sizes(unsigned encr, unsigned bits, unsigned integ, size_t *elen, size_t *ilen)
{
	switch (encr) {
	case IKEv2_ENCR_AES_CBC: *elen = bits / 8; break;
	case IKEv2_ENCR_CHACHA20_POLY1305: *elen = 32 + 4; break;
	default: *elen = bits / 8 + 4; break;	/* GCM salt, CTR nonce */
	}
	switch (integ) {
	case IKEv2_INTEG_NONE: *ilen = 0; break;
	case IKEv2_INTEG_HMAC_SHA1_96: *ilen = 20; break;
	case IKEv2_INTEG_HMAC_SHA2_256_128: *ilen = 32; break;
	case IKEv2_INTEG_HMAC_SHA2_384_192: *ilen = 48; break;
	case IKEv2_INTEG_HMAC_SHA2_512_256: *ilen = 64; break;
	default: *ilen = 16; break;		/* XCBC, CMAC */
	}
}

/* test keys: a pattern from the SPI, identical on both hosts */
static void test_keys(uint32_t spi, uint8_t ek[64], uint8_t ik[64])
{
	for (size_t i = 0; i < 64; i++) {
		ek[i] = (uint8_t)((spi >> (8 * (i % 4))) ^ (i * 29));
		ik[i] = (uint8_t)((spi >> (8 * (i % 4))) ^ (i * 71 + 5));
	}
}

static size_t alg_index(const char *name)
{
	size_t a = 0;
	while (a < sizeof(algs) / sizeof(algs[0]) && strcmp(algs[a].name, name) != 0)
		a++;
	if (a == sizeof(algs) / sizeof(algs[0]))
		die_usage("unknown algorithm");
	return a;
}

static int add_sa(int argc, char **argv)
{
	if (argc < 6)
		die_usage("add-sa SRC DST SPI REQID MODE ALG [OPTION...]");
	struct kernel_sa sa = {
		.id = { .src = addr(argv[0]), .dst = addr(argv[1]), .spi = (uint32_t)num(argv[2]),
			.proto = IPPROTO_ESP },
		.reqid = KERNEL_REQID_MIN + (uint32_t)num(argv[3]),
		.replay_window = 32,
	};
	if (strcmp(argv[4], "tunnel") == 0)
		sa.mode = KERNEL_MODE_TUNNEL;
	else if (strcmp(argv[4], "transport") == 0)
		sa.mode = KERNEL_MODE_TRANSPORT;
	else
		die_usage("mode is tunnel or transport");
	size_t a = alg_index(argv[5]);
	for (int i = 6; i < argc; i++) {
		const char *o = argv[i];
		if (strcmp(o, "update") == 0) {
			sa.update = true;
		} else if (strcmp(o, "esn") == 0) {
			sa.esn = true;
		} else if (strncmp(o, "replay=", 7) == 0) {
			sa.replay_window = (uint32_t)num(o + 7);
		} else if (strncmp(o, "encap=", 6) == 0) {
			unsigned s, d;
			if (sscanf(o + 6, "%u:%u", &s, &d) != 2 || s > 65535 || d > 65535)
				die_usage("encap=SPORT:DPORT");
			sa.encap = true;
			sa.encap_sport = (uint16_t)s;
			sa.encap_dport = (uint16_t)d;
		} else if (strncmp(o, "sel=", 4) == 0) {
			char buf[128];
			snprintf(buf, sizeof(buf), "%s", o + 4);
			char *comma = strchr(buf, ',');
			if (comma == NULL)
				die_usage("sel=SRCNET,DSTNET");
			*comma = '\0';
			sa.sel_src = sel(buf);
			sa.sel_dst = sel(comma + 1);
		} else if (strncmp(o, "mark=", 5) == 0) {
			if (sscanf(o + 5, "%i/%i", (int *)&sa.id.mark.value, (int *)&sa.id.mark.mask) != 2)
				die_usage("mark=VALUE/MASK");
		} else if (strncmp(o, "soft-bytes=", 11) == 0) {
			sa.lifetime.soft_bytes = num(o + 11);
		} else if (strncmp(o, "hard-bytes=", 11) == 0) {
			sa.lifetime.hard_bytes = num(o + 11);
		} else if (strncmp(o, "soft-seconds=", 13) == 0) {
			sa.lifetime.soft_seconds = num(o + 13);
		} else if (strncmp(o, "hard-seconds=", 13) == 0) {
			sa.lifetime.hard_seconds = num(o + 13);
		} else {
			die_usage("unknown option");
		}
	}
	uint8_t ek[64], ik[64];
	size_t elen, ilen;
	keymat_sizes(algs[a].encr, algs[a].bits, algs[a].integ, &elen, &ilen);
	test_keys(sa.id.spi, ek, ik);
	diag_t d = kernel_sa_set_algs(&sa, algs[a].encr, algs[a].bits, algs[a].integ, ek, elen,
				      ilen > 0 ? ik : NULL, ilen);
	if (d == NULL)
		d = kernel_add_sa(&sa, &global_logger);
	explicit_bzero(ek, sizeof(ek));
	explicit_bzero(ik, sizeof(ik));
	return report(d);
}

static int child(const char *cmd, int argc, char **argv)
{
	if (argc < 9)
		die_usage("child-*: MODE LOCAL REMOTE LOCALTS REMOTETS REQID SPI_IN SPI_OUT ALG [OPTION...]");
	struct kernel_child c = {
		.local = addr(argv[1]), .remote = addr(argv[2]),
		.local_ts = sel(argv[3]), .remote_ts = sel(argv[4]),
		.reqid = KERNEL_REQID_MIN + (uint32_t)num(argv[5]),
		.spi_in = (uint32_t)num(argv[6]), .spi_out = (uint32_t)num(argv[7]),
		.replay_window = 32,
	};
	if (strcmp(argv[0], "tunnel") == 0)
		c.mode = KERNEL_MODE_TUNNEL;
	else if (strcmp(argv[0], "transport") == 0)
		c.mode = KERNEL_MODE_TRANSPORT;
	else
		die_usage("mode is tunnel or transport");
	size_t a = alg_index(argv[8]);
	for (int i = 9; i < argc; i++) {
		const char *o = argv[i];
		unsigned l, r;
		if (strcmp(o, "larval") == 0)
			c.spi_in_larval = true;
		else if (strcmp(o, "esn") == 0)
			c.esn = true;
		else if (strncmp(o, "replay=", 7) == 0)
			c.replay_window = (uint32_t)num(o + 7);
		else if (strncmp(o, "encap=", 6) == 0 && sscanf(o + 6, "%u:%u", &l, &r) == 2 &&
			 l <= 65535 && r <= 65535) {
			c.encap = true;
			c.local_port = (uint16_t)l;
			c.remote_port = (uint16_t)r;
		} else
			die_usage("unknown option");
	}
	c.encr_id = algs[a].encr;
	c.key_bits = algs[a].bits;
	c.integ_id = algs[a].integ;
	uint8_t ein[64], iin[64], eout[64], iout[64];
	keymat_sizes(algs[a].encr, algs[a].bits, algs[a].integ, &c.encr_len, &c.integ_len);
	test_keys(c.spi_in, ein, iin);
	test_keys(c.spi_out, eout, iout);
	c.encr_in = ein;
	c.encr_out = eout;
	c.integ_in = c.integ_len > 0 ? iin : NULL;
	c.integ_out = c.integ_len > 0 ? iout : NULL;
	int rc;
	if (strcmp(cmd, "child-up") == 0) {
		rc = report(kernel_install_child(&c, &global_logger));
	} else if (strcmp(cmd, "child-down") == 0) {
		rc = report(kernel_remove_child(&c, &global_logger));
	} else {
		struct kernel_sa_counters in, out;
		rc = report(kernel_child_traffic(&c, &in, &out));
		if (rc == 0)
			printf("inBytes=%llu outBytes=%llu\n", (unsigned long long)in.bytes,
			       (unsigned long long)out.bytes);
	}
	explicit_bzero(ein, sizeof(ein));
	explicit_bzero(iin, sizeof(iin));
	explicit_bzero(eout, sizeof(eout));
	explicit_bzero(iout, sizeof(iout));
	return rc;
}

static struct kernel_sa_id sa_id(int argc, char **argv)
{
	if (argc != 3)
		die_usage("SRC DST SPI");
	struct kernel_sa_id id = { .src = addr(argv[0]), .dst = addr(argv[1]),
				   .spi = (uint32_t)num(argv[2]), .proto = IPPROTO_ESP };
	return id;
}

static struct kernel_policy_id policy_id(int argc, char **argv)
{
	if (argc < 3)
		die_usage("SRCSEL DSTSEL DIR");
	struct kernel_policy_id id = { .src = sel(argv[0]), .dst = sel(argv[1]), .dir = dir(argv[2]) };
	return id;
}

static int add_policy(int argc, char **argv, bool replace)
{
	if (argc < 5)
		die_usage("add-policy SRCSEL DSTSEL DIR REQID tunnel TSRC TDST | transport");
	struct kernel_policy p = {
		.id = policy_id(argc, argv), .action = KERNEL_POLICY_ALLOW, .has_tmpl = true,
		.proto = IPPROTO_ESP, .reqid = KERNEL_REQID_MIN + (uint32_t)num(argv[3]),
	};
	if (strcmp(argv[4], "tunnel") == 0 && argc == 7) {
		p.mode = KERNEL_MODE_TUNNEL;
		p.tmpl_src = addr(argv[5]);
		p.tmpl_dst = addr(argv[6]);
	} else if (strcmp(argv[4], "transport") == 0 && argc == 5) {
		p.mode = KERNEL_MODE_TRANSPORT;
	} else {
		die_usage("tunnel TSRC TDST | transport");
	}
	return report(kernel_add_policy(&p, replace, &global_logger));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-d") == 0) {
		tern_debugging = DBG_BASE;
		argv++;
		argc--;
	}
	if (argc < 2)
		die_usage("no command");
	const char *cmd = argv[1];
	argc -= 2;
	argv += 2;
	diag_t d = kernel_init(&global_logger);
	if (d != NULL)
		return report(d);
	/* after kernel_init(): its "using kernel interface" line is noise here */
	log_add_sink(stderr_sink, NULL);
	int rc;
	if (strcmp(cmd, "alloc-spi") == 0) {
		if (argc != 5)
			die_usage("alloc-spi SRC DST REQID MIN MAX");
		ip_address s = addr(argv[0]), t = addr(argv[1]);
		uint32_t spi;
		rc = report(kernel_alloc_spi(&s, &t, IPPROTO_ESP, KERNEL_REQID_MIN + (uint32_t)num(argv[2]),
					     (uint32_t)num(argv[3]), (uint32_t)num(argv[4]), NULL, &spi));
		if (rc == 0)
			printf("0x%08x\n", spi);
	} else if (strcmp(cmd, "add-sa") == 0) {
		rc = add_sa(argc, argv);
	} else if (strcmp(cmd, "del-sa") == 0) {
		struct kernel_sa_id id = sa_id(argc, argv);
		rc = report(kernel_del_sa(&id, &global_logger));
	} else if (strcmp(cmd, "counters") == 0) {
		struct kernel_sa_id id = sa_id(argc, argv);
		struct kernel_sa_counters c;
		rc = report(kernel_get_sa_counters(&id, &c));
		if (rc == 0)
			printf("bytes=%llu packets=%llu used=%s\n", (unsigned long long)c.bytes,
			       (unsigned long long)c.packets, c.use_time != 0 ? "yes" : "no");
	} else if (strcmp(cmd, "add-policy") == 0 || strcmp(cmd, "replace-policy") == 0) {
		rc = add_policy(argc, argv, strcmp(cmd, "replace-policy") == 0);
	} else if (strcmp(cmd, "block-policy") == 0) {
		struct kernel_policy p = { .id = policy_id(argc, argv), .action = KERNEL_POLICY_BLOCK };
		rc = report(kernel_add_policy(&p, false, &global_logger));
	} else if (strcmp(cmd, "get-policy") == 0) {
		struct kernel_policy_id id = policy_id(argc, argv);
		struct kernel_policy p;
		rc = report(kernel_get_policy(&id, &p));
		if (rc == 0) {
			printf("priority=0x%x action=%s", p.priority,
			       p.action == KERNEL_POLICY_BLOCK ? "block" : "allow");
			if (p.has_tmpl)
				printf(" %s reqid=+%u", p.mode == KERNEL_MODE_TUNNEL ? "tunnel" : "transport",
				       p.reqid - KERNEL_REQID_MIN);
			printf("\n");
		}
	} else if (strcmp(cmd, "del-policy") == 0) {
		struct kernel_policy_id id = policy_id(argc, argv);
		rc = report(kernel_del_policy(&id, &global_logger));
	} else if (strncmp(cmd, "child-", 6) == 0 &&
		   (strcmp(cmd + 6, "up") == 0 || strcmp(cmd + 6, "down") == 0 ||
		    strcmp(cmd + 6, "traffic") == 0)) {
		rc = child(cmd, argc, argv);
	} else if (strcmp(cmd, "flush") == 0) {
		rc = report(kernel_flush_owned(&global_logger, "on request"));
	} else {
		die_usage("unknown command");
	}
	/*
	 * No kernel_shutdown(): it removes everything pluto owns, and what
	 * this call installed must stay for the next one.  Exit closes the
	 * socket.
	 */
	return rc;
}
