/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel seam: everything that touches XFRM goes through here.  Issue
 * 2 only needs the start-up/shut-down flush; SA and policy installation
 * (issue 3, libnl-xfrm) is added behind this same interface.
 *
 * The flush lists states and policies with libnl's core nl_msg API on a
 * NETLINK_XFRM socket rather than libnl-xfrm's caches: libnl-xfrm 3.7
 * leaks the selector addresses of every cached policy (LeakSanitizer
 * reports it on each listing), and a dump plus delete-by-id needs nothing
 * the caches add.
 *
 * What pluto owns in the kernel, so that it never touches what another
 * tool (ip xfrm, a second IKE daemon) installed:
 *
 *   XFRM states   whose reqid is in [KERNEL_REQID_MIN, KERNEL_REQID_MAX]
 *   XFRM policies whose priority is in [KERNEL_PRIO_MIN, KERNEL_PRIO_MAX]
 *                 or whose templates carry a reqid in the range above
 *
 * Every state and policy pluto installs will use a reqid from that range
 * (one per connection) and a priority from that band.  At start-up pluto
 * removes owned leftovers of an earlier run; at shutdown it removes what
 * it owns.
 */
#ifndef PLUTO_KERNEL_H
#define PLUTO_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include "tern/diag.h"
#include "tern/ip.h"
#include "tern/log.h"

#define KERNEL_REQID_MIN 0x74650000u	/* "te" << 16 */
#define KERNEL_REQID_MAX 0x7465ffffu
#define KERNEL_PRIO_MIN 0x00746500u
#define KERNEL_PRIO_MAX 0x007465ffu

static inline bool kernel_reqid_owned(uint32_t reqid)
{
	return reqid >= KERNEL_REQID_MIN && reqid <= KERNEL_REQID_MAX;
}
static inline bool kernel_priority_owned(uint32_t prio)
{
	return prio >= KERNEL_PRIO_MIN && prio <= KERNEL_PRIO_MAX;
}

/* open the XFRM netlink socket ("using kernel interface: xfrm") */
diag_t kernel_init(const struct logger *logger);
/* delete every owned state and policy; WHY is "left by an earlier run" ... */
diag_t kernel_flush_owned(const struct logger *logger, const char *why);
void kernel_shutdown(const struct logger *logger);
/* "xfrm" */
const char *kernel_interface_name(void);

/*
 * SAs and policies (issue 3): kernel_sa.c, kernel_policy.c, kernel_alg.c.
 *
 * Every call is one netlink request on the socket kernel_init() opened,
 * answered by the kernel's ack (or its reply and ack): one round trip, no
 * dumps.  Each returns NULL or a diag that names the operation and the
 * object and, where an errno has a known meaning here, that meaning:
 *   kernel: adding ESP SA 0x12345678 192.0.2.1->192.0.2.2 failed: kernel
 *   has no ESP support (CONFIG_INET_ESP): Protocol not supported
 * Without kernel_init() every call fails with "kernel interface not open".
 *
 * SPIs are uint32_t in HOST order everywhere in this interface (0x12345678
 * is the SPI printed as 0x12345678); the byte swap happens at the netlink
 * boundary only.  Key bytes stay the caller's: they are copied into the
 * netlink message only, and that buffer is wiped before it is freed (the
 * socket runs with NETLINK_CAP_ACK so errors do not echo keys back).
 */
enum kernel_mode {
	KERNEL_MODE_TRANSPORT,
	KERNEL_MODE_TUNNEL,
};

enum kernel_dir {
	KERNEL_DIR_IN,
	KERNEL_DIR_OUT,
	KERNEL_DIR_FWD,
};

/* XFRM mark; MASK 0 = no mark */
struct kernel_mark {
	uint32_t value, mask;
};

/* limits: 0 = none (XFRM_INF) */
struct kernel_lifetime {
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
	uint64_t soft_seconds, hard_seconds;	/* since the SA was added */
};

/* the kernel's lookup key of an SA */
struct kernel_sa_id {
	ip_address src, dst;
	uint32_t spi;		/* host order */
	uint8_t proto;		/* IPPROTO_ESP */
	struct kernel_mark mark;
};

struct kernel_sa {
	struct kernel_sa_id id;
	enum kernel_mode mode;
	uint32_t reqid;		/* owned range, see kernel_reqid_owned() */
	bool update;		/* UPDSA: fill the larval SA kernel_alloc_spi() made */
	bool inbound;		/* only for log lines: "inbound"/"outbound" */
	/*
	 * Algorithms, normally filled by kernel_sa_set_algs().  AEAD when
	 * AEAD_ICV_BITS != 0 (ENCR_NAME is then an AEAD, ENCR_KEY includes
	 * the salt); else ENCR_NAME with ENCR_KEY (a CTR nonce appended) and
	 * INTEG_NAME with INTEG_KEY truncated to INTEG_TRUNC_BITS.
	 */
	const char *encr_name;
	const uint8_t *encr_key;
	size_t encr_key_len;
	unsigned aead_icv_bits;
	const char *integ_name;
	const uint8_t *integ_key;
	size_t integ_key_len;
	unsigned integ_trunc_bits;
	/* anti-replay window in packets; ESN (RFC 4303) needs it > 0 */
	uint32_t replay_window;
	bool esn;
	struct kernel_lifetime lifetime;
	/* UDP encapsulation (espinudp, NAT-T): ports in host order */
	bool encap;
	uint16_t encap_sport, encap_dport;
	/*
	 * Traffic the SA may carry (transport mode; optional in tunnel
	 * mode).  Unset subnets (family 0): transport mode uses the two
	 * endpoint hosts, tunnel mode leaves the selector empty.
	 */
	ip_selector sel_src, sel_dst;
};

struct kernel_sa_counters {
	uint64_t bytes, packets;
	uint64_t add_time, use_time;	/* seconds since the epoch; use_time 0 = never used */
	uint32_t replay_errors, integrity_failures;
};

/*
 * Reserve an inbound SPI in [MIN, MAX] (host order) for SRC->DST: the
 * kernel creates a larval SA with REQID that kernel_add_sa() with
 * .update = true completes (or expires after net.core.xfrm_acq_expires,
 * 30 s).  MARK may be NULL.  When no SPI in the range is free the
 * kernel still leaves a larval SA without an SPI for REQID behind; it
 * expires the same way (no netlink request can delete an ESP SA without
 * an SPI, not even kernel_flush_owned()); it carries no traffic.
 */
diag_t kernel_alloc_spi(const ip_address *src, const ip_address *dst, uint8_t proto,
			uint32_t reqid, uint32_t min, uint32_t max,
			const struct kernel_mark *mark, uint32_t *spi);
diag_t kernel_add_sa(const struct kernel_sa *sa, const struct logger *logger);
diag_t kernel_del_sa(const struct kernel_sa_id *id, const struct logger *logger);
diag_t kernel_get_sa_counters(const struct kernel_sa_id *id, struct kernel_sa_counters *out);

/*
 * Fill SA's algorithms from IANA ids (include/tern/ike_iana.h) and the
 * keymat lib/crypto exported (crypto_child_kernel_keys: key with the salt
 * or nonce appended; integrity key).  KEY_BITS 0 means the cipher's only
 * size (ChaCha20).  The key pointers are kept, not copied.  Fails naming
 * the id for algorithms XFRM has no name for here, wrong key bits, or
 * keymat of the wrong length.
 */
diag_t kernel_sa_set_algs(struct kernel_sa *sa, unsigned encr_id, unsigned key_bits,
			  unsigned integ_id, const uint8_t *encr_keymat, size_t encr_len,
			  const uint8_t *integ_keymat, size_t integ_len);
/* XFRM name of an IANA ENCR id ("rfc4106(gcm(aes))") / INTEG id ("hmac(sha256)"), or NULL */
const char *kernel_encr_name(unsigned encr_id);
const char *kernel_integ_name(unsigned integ_id);

enum kernel_policy_action {
	KERNEL_POLICY_ALLOW,	/* with a template: IPsec; without: pass in clear */
	KERNEL_POLICY_BLOCK,
};

struct kernel_policy_id {
	ip_selector src, dst;	/* same address family; port 0 = any */
	enum kernel_dir dir;
	struct kernel_mark mark;
};

struct kernel_policy {
	struct kernel_policy_id id;
	enum kernel_policy_action action;
	/* 0: kernel_policy_priority(); else a value in the owned band */
	uint32_t priority;
	/* template (ALLOW with has_tmpl): the SA that protects the traffic */
	bool has_tmpl;
	enum kernel_mode mode;
	uint8_t proto;		/* IPPROTO_ESP */
	uint32_t reqid;		/* 0 = any SA, else the owned range */
	ip_address tmpl_src, tmpl_dst;	/* tunnel mode: outer endpoints */
};

/* add (REPLACE false, fails when it exists) or add/replace a policy */
diag_t kernel_add_policy(const struct kernel_policy *p, bool replace, const struct logger *logger);
diag_t kernel_del_policy(const struct kernel_policy_id *id, const struct logger *logger);
/* read a policy back; OUT gets what the kernel holds (priority, action, first template) */
diag_t kernel_get_policy(const struct kernel_policy_id *id, struct kernel_policy *out);
/*
 * Priority in [KERNEL_PRIO_MIN, KERNEL_PRIO_MAX] for a selector pair:
 * the more specific (longer prefixes, then a protocol, then ports), the
 * lower the number, so the kernel (lowest number first) prefers it.
 */
uint32_t kernel_policy_priority(const ip_selector *src, const ip_selector *dst);

/*
 * A Child SA as pluto installs it (kernel_child.c): the inbound and the
 * outbound ESP SA and the policies that send traffic through them, all
 * with one reqid.  Install order: inbound SA (UPDSA when it is the larval
 * SA of kernel_alloc_spi()), outbound SA, then the policies out, in and,
 * in tunnel mode, fwd, each added or replacing what is there (a trap
 * policy, issue 4).  When one step fails everything installed before is
 * removed again, the larval inbound SA included, and the first failure
 * is returned: nothing is left that could claim the tunnel is up.
 */
struct kernel_child {
	enum kernel_mode mode;
	ip_address local, remote;	/* outer endpoints: the IKE addresses */
	ip_selector local_ts, remote_ts;	/* negotiated traffic selectors */
	uint32_t reqid;
	uint32_t spi_in, spi_out;	/* host order; spi_in is ours, from kernel_alloc_spi() */
	bool spi_in_larval;		/* spi_in came from kernel_alloc_spi(): UPDSA */
	/* IANA ids and keymat (crypto_child_kernel_keys, i2r/r2i as the role says) */
	unsigned encr_id, key_bits, integ_id;
	const uint8_t *encr_in, *integ_in, *encr_out, *integ_out;
	size_t encr_len, integ_len;
	uint32_t replay_window;
	bool esn;
	struct kernel_lifetime lifetime;
	struct kernel_mark mark_in, mark_out;
	bool encap;			/* ESP in UDP (NAT-T) */
	uint16_t local_port, remote_port;	/* encap ports, host order */
};

diag_t kernel_install_child(const struct kernel_child *c, const struct logger *logger);
/* remove policies then SAs; failures are logged, and the first one returned */
diag_t kernel_remove_child(const struct kernel_child *c, const struct logger *logger);
/* GETSA on both SAs: for `ipsec trafficstatus` (inBytes/outBytes) */
diag_t kernel_child_traffic(const struct kernel_child *c, struct kernel_sa_counters *in,
			    struct kernel_sa_counters *out);

/*
 * Move an installed Child SA (its states and the templates of its
 * policies out, in and, in tunnel mode, fwd) to new outer addresses and
 * UDP encapsulation ports with XFRM_MSG_MIGRATE (kernel_migrate.c): a NAT
 * that gave the peer a new address or port (RFC 7296 2.23).  Keys, SPIs,
 * sequence numbers and byte counters stay (the kernel clones each state
 * and drops the old one).
 */
struct kernel_migrate {
	enum kernel_mode mode;
	ip_selector local_ts, remote_ts;	/* the policies' selectors */
	uint32_t reqid;
	ip_address old_local, old_remote, new_local, new_remote;
	bool encap;			/* ESP in UDP with these ports (host order) */
	uint16_t local_port, remote_port;
};
diag_t kernel_migrate_child(const struct kernel_migrate *m, const struct logger *logger);

/*
 * Kernel events (kernel_events.c), for issue 4's trap policies and
 * rekeying: a second XFRM socket joined to the ACQUIRE and EXPIRE
 * multicast groups, non-blocking, for the event loop to poll.
 *
 * ACQUIRE: a packet met an allowing policy with a template and no SA; the
 * kernel made a larval SA and asks for one.  EXPIRE: an SA reached a soft
 * (rekey now) or hard (it is gone) limit; larval SAs expire hard too.
 */
struct kernel_acquire {
	ip_address src, dst;		/* the SA wanted: template's endpoints (tunnel) or the packet's */
	ip_selector sel_src, sel_dst;	/* the packet: addresses, protocol, ports */
	uint8_t proto;			/* IPPROTO_ESP */
	uint32_t reqid;			/* of the policy's template, 0 when none */
	uint32_t priority;		/* of the policy */
	enum kernel_dir dir;
	uint32_t seq;			/* the kernel's acquire sequence number */
	struct kernel_mark mark;
};

struct kernel_expire {
	struct kernel_sa_id id;
	uint32_t reqid;
	bool hard;
	struct kernel_sa_counters counters;
};

/*
 * MAPPING: an ESP-in-UDP SA (inbound: DST is ours) received an
 * authenticated packet from another outer source than the one it has:
 * the peer's NAT mapping changed (RFC 3948).  The kernel keeps sending
 * to the old one until the SAs are migrated.
 */
struct kernel_mapping {
	struct kernel_sa_id id;		/* src: the peer's address the SA has */
	uint32_t reqid;
	ip_address old_src, new_src;
	uint16_t old_sport, new_sport;	/* host order */
};

enum kernel_event_type {
	KERNEL_EVENT_ACQUIRE,
	KERNEL_EVENT_EXPIRE,
	KERNEL_EVENT_MAPPING,
};

struct kernel_event {
	enum kernel_event_type type;
	union {
		struct kernel_acquire acquire;
		struct kernel_expire expire;
		struct kernel_mapping mapping;
	};
};

typedef void kernel_event_cb(const struct kernel_event *e, void *ctx);

/* open the ACQUIRE socket (EXPIREs: kernel_expire.h); *FD is for
 * poll(POLLIN), kernel_events_close() closes it */
diag_t kernel_events_open(int *fd);
/*
 * Read every ACQUIRE queued now (never blocks) and call CB for each;
 * other messages and malformed ones are skipped (the
 * latter logged).  *COUNT (may be NULL) gets the number of events passed
 * to CB.  Fails only when the socket does (ENOBUFS: events were lost).
 */
diag_t kernel_events_read(kernel_event_cb *cb, void *ctx, const struct logger *logger,
			  unsigned *count);
void kernel_events_close(void);

#endif
