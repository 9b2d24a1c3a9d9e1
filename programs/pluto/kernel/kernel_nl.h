/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to programs/pluto/kernel: one request/answer exchange on the
 * XFRM netlink socket, the decoders of the kernel's answers, and the
 * conversions between tern's ip_* types and XFRM's structures.
 *
 * The decoders (kernel_nl_scan(), kernel_decode_sa(),
 * kernel_decode_policy()) take raw bytes and check every length; they
 * are pure so that unit tests and the fuzz target can feed them anything.
 */
#ifndef PLUTO_KERNEL_NL_H
#define PLUTO_KERNEL_NL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/xfrm.h>

#include "kernel/kernel.h"

struct nl_sock;
struct nlattr;
struct nl_msg;
struct jambuf;

/* the socket kernel_init() opened (xfrm.c), or NULL */
struct nl_sock *kernel_xfrm_socket(void);

#define KERNEL_EXTACK_MAX 160

/* what the kernel answered to one request */
struct kernel_reply {
	bool acked;		/* the NLMSG_ERROR for our sequence number arrived */
	int err;		/* its errno: 0 = success, else positive errno */
	char extack[KERNEL_EXTACK_MAX];	/* the kernel's own words, "" if none */
	uint8_t *msg;		/* first message of the wanted type (header included), malloc'd */
	size_t msg_len;
};

/*
 * Scan one receive buffer: messages for sequence number SEQ are used
 * (the first of type WANT is copied into R->msg, the NLMSG_ERROR sets
 * R->acked/err/extack), others are skipped.  Returns false on a
 * malformed buffer (a message running past the end, a short error).
 */
bool kernel_nl_scan(const void *buf, size_t len, uint32_t seq, uint16_t want,
		    struct kernel_reply *r);
/* wipes (replies to GETSA carry keys) and frees R->msg */
void kernel_reply_free(struct kernel_reply *r);

/*
 * Send M (always freed, its bytes wiped first: it may hold keys) on the
 * XFRM socket with NLM_F_ACK and read until the kernel's ack for it.
 * WANT 0 = no data reply expected.  Returns 0 (R filled: check R->err)
 * or a negative libnl error (nothing sent or nothing read).
 */
int kernel_nl_transact(struct nl_msg *m, uint16_t want, struct kernel_reply *r);

/*
 * "kernel: WHAT failed: MEANING: strerror" when MEANING is given, else
 * "kernel: WHAT failed: strerror (extack)".  NLERR < 0 (libnl failure)
 * wins over R.
 */
diag_t kernel_failure(const char *what, int nlerr, const struct kernel_reply *r,
		      const char *meaning);

/* decoders of the kernel's data replies (after kernel_nl_scan()) */
bool kernel_decode_sa(const uint8_t *msg, size_t len, struct kernel_sa_counters *out,
		      uint32_t *spi, uint32_t *reqid);
bool kernel_decode_policy(const uint8_t *msg, size_t len, struct kernel_policy *out);

/*
 * Kernel events: every ACQUIRE/EXPIRE in one receive buffer to CB (pure,
 * for the tests and the fuzz target).  Returns the number of events
 * passed on; *MALFORMED (may be NULL) counts messages that were skipped
 * because they did not decode.
 */
unsigned kernel_events_scan(const void *buf, size_t len, kernel_event_cb *cb, void *ctx,
			    unsigned *malformed);
bool kernel_decode_event(const uint8_t *msg, size_t len, struct kernel_event *out);

/* the first attribute of TYPE after the fixed header (HDRLEN octets) of MSG, bounds-checked */
const struct nlattr *kernel_find_attr(const uint8_t *msg, size_t len, size_t hdrlen, int type);
/* an XFRM selector: family and prefix lengths checked */
bool kernel_decode_selector(const struct xfrm_selector *s, ip_selector *src, ip_selector *dst);

/* conversions */
void kernel_to_xfrm_address(const ip_address *a, xfrm_address_t *x);
ip_address kernel_from_xfrm_address(int family, const xfrm_address_t *x);
void kernel_to_xfrm_selector(const ip_selector *src, const ip_selector *dst,
			     struct xfrm_selector *sel);
void kernel_to_xfrm_mark(const struct kernel_mark *m, struct xfrm_mark *x);

/* "ESP SA 0x12345678 192.0.2.1->192.0.2.2", "policy 10.0.1.0/24->10.0.2.0/24 out" */
void jam_kernel_sa_id(struct jambuf *b, const struct kernel_sa_id *id);
void jam_kernel_policy_id(struct jambuf *b, const struct kernel_policy_id *id);
const char *kernel_dir_name(enum kernel_dir dir);

#endif
