/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Traffic selectors as IKEv2 carries them (RFC 7296 3.13.1): an address
 * range, an IP protocol and a port range; and the narrowing rules
 * (RFC 7296 2.9) that decide which selectors a Child SA gets.
 *
 * Pure value code: no allocation.  The kernel installs only what an
 * ip_selector can say (a CIDR subnet, a protocol and one port or any), so
 * every accepted result is converted back to one with ts_to_selector().
 *
 * The fit rules follow Libreswan's narrowing= semantics:
 *
 *   responder, narrowing=no   one proposed TS equals our selector
 *   responder, narrowing=yes  one proposed TS contains our selector
 *                             (the answer is ours: the proposal narrowed)
 *   initiator, narrowing=no   the answer equals what we proposed
 *   initiator, narrowing=yes  the answer lies inside what we proposed
 *                             (and is a subnet/port the kernel can take)
 */
#ifndef TERN_TS_H
#define TERN_TS_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/ip.h"

typedef struct ip_ts {
	ip_address start, end;	/* one family, start <= end */
	uint8_t ipproto;	/* 0 = any */
	uint16_t start_port, end_port;
} ip_ts;

/* the range a selector covers: port 0 is 0..65535 */
ip_ts ts_from_selector(const ip_selector *s);
/* TS as a selector (CIDR subnet, one port or all ports); false when it
 * cannot be said that way (e.g. 10.0.0.1-10.0.0.6, ports 1000-2000) */
bool ts_to_selector(const ip_ts *ts, ip_selector *out);
bool ts_is_valid(const ip_ts *ts);	/* family set, start <= end, ports ordered */
bool ts_eq(const ip_ts *a, const ip_ts *b);
/* INNER entirely inside OUTER (addresses, protocol, ports) */
bool ts_contains(const ip_ts *outer, const ip_ts *inner);
/* the common part; false when there is none */
bool ts_intersect(const ip_ts *a, const ip_ts *b, ip_ts *out);

enum ts_fit {
	TS_FIT_NONE = 0,	/* nothing acceptable */
	TS_FIT_EXACT,		/* a TS equal to ours */
	TS_FIT_NARROWED,	/* narrowed (allowed by narrowing=yes) */
};

/*
 * Responder: the initiator proposed PROPOSED[0..N-1] for one side; our
 * connection has OURS.  On success *OUT is what we answer and install.
 * A TS wider than ours is TS_FIT_NONE unless NARROWING.
 */
enum ts_fit ts_responder_fit(const ip_ts *proposed, unsigned n, const ip_selector *ours,
			     bool narrowing, ip_selector *out);
/*
 * Initiator: we proposed OURS for one side and the responder answered
 * ANSWER[0..N-1]; the first acceptable one goes to *OUT.
 */
enum ts_fit ts_initiator_fit(const ip_ts *answer, unsigned n, const ip_selector *ours,
			     bool narrowing, ip_selector *out);

/* "10.0.1.0-10.0.1.255:0-65535 0" (Libreswan's TS form) */
void jam_ts(struct jambuf *b, const ip_ts *ts);

#endif
