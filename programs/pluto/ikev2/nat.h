/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAT traversal for IKEv2 (RFC 7296 2.23, RFC 3948), ikev2/nat.c:
 *
 *   IKE_SA_INIT   both ends send NAT_DETECTION_SOURCE_IP/DESTINATION_IP
 *                 (SHA-1 of the SPIs and an endpoint); a hash that does
 *                 not match the endpoint the packet really used means a
 *                 NAT in between.  encapsulation=yes sends a source hash
 *                 over port 0, so the peer sees a "NAT" and encapsulates.
 *   IKE_AUTH      the initiator floats to UDP/4500 (both ports) when a
 *                 NAT was detected or encapsulation=yes; from then on
 *                 IKE carries the 4-byte non-ESP marker (pluto_ikev2.c
 *                 adds and strips it on the 4500 sockets).
 *   Child SAs     ESP in UDP (espinudp) between the IKE SA's ports.
 *   keepalives    the end behind the NAT sends a single 0xFF byte to the
 *                 peer's 4500 every keep-alive= seconds (nat-keepalive=).
 *   new mapping   an authenticated request from a new address or port
 *                 of a peer behind a NAT moves the IKE SA there, and its
 *                 Child SAs with it (kernel migrate).
 */
#ifndef PLUTO_IKEV2_NAT_H
#define PLUTO_IKEV2_NAT_H

#include <stdbool.h>
#include "tern/conf.h"
#include "tern/ike.h"
#include "tern/ip.h"
#include "ikev2/internal.h"

/* ---- pure decisions (unit-tested in testing/unit/ikev2/test_nat.c) ---- */

struct nat_detection {
	bool have;		/* the peer sent both NAT-D notifies */
	bool local_behind;	/* its DESTINATION hash is not of our endpoint */
	bool remote_behind;	/* no SOURCE hash is of the endpoint it came from */
};

/*
 * Compare M's NAT_DETECTION_* notifies (hashed with M's SPIs) with LOCAL,
 * the endpoint M arrived on, and REMOTE, the one it came from.  A hash of
 * the wrong length never matches.  RFC 7296 allows several SOURCE
 * notifies (multihomed senders): one match is enough.
 */
void nat_detect_hashes(const struct ike_message *m, const ip_endpoint *local,
		       const ip_endpoint *remote, struct nat_detection *out);

/* ESP in UDP for encapsulation=ENCAP with these detection results */
bool nat_encap_decide(enum yna encap, bool nat_local, bool nat_remote);

enum nat_move {
	NAT_MOVE_NONE,		/* same endpoints */
	NAT_MOVE_PORT,		/* same addresses, other port(s): follow */
	NAT_MOVE_ADDRESS,	/* the peer's address changed: follow */
	NAT_MOVE_REFUSED,	/* changed, but no NAT in use: stay */
};
/*
 * An authenticated request arrived on NEW_LOCAL from NEW_REMOTE; the IKE
 * SA used OLD_LOCAL/OLD_REMOTE.  Followed when NAT-T is in use (RFC 7296
 * 2.23: only a peer behind a NAT moves without MOBIKE, and only an end
 * that is not behind one follows: nat_follow() passes false then);
 * without it only the peer's float from 500 to 4500 on the same
 * addresses.  Never to
 * another address family or another local address.
 */
enum nat_move nat_move_decide(bool nat_in_use, const ip_endpoint *old_local,
			      const ip_endpoint *old_remote, const ip_endpoint *new_local,
			      const ip_endpoint *new_remote);

/* the keepalive datagram (RFC 3948 2.3): one octet 0xFF */
#define NAT_KEEPALIVE_BYTE 0xFF

/* ---- the engine ---- */

/* the endpoint our NAT_DETECTION_SOURCE_IP hashes (port 0 for encapsulation=yes) */
ip_endpoint nat_natd_source(const struct ike_sa *ike);
/*
 * IKE_SA_INIT request (responder) or response (initiator) M: record the
 * result and log it; a responder behind the NAT starts its keepalives.
 */
void nat_detect(struct ike_sa *ike, const struct ike_message *m);
/* the initiator, before IKE_AUTH: float to 4500 (and start keepalives) */
void nat_float(struct ike_sa *ike);
/* the IKE SA's Child SAs are ESP in UDP */
bool nat_encap(const struct ike_sa *ike);
/* an authenticated request RX: follow the peer to a new address/port */
void nat_follow(struct ike_sa *ike, const struct ikev2_rx *rx);
/* keepalives for IKE (when it is behind a NAT and nat-keepalive=yes) */
void nat_keepalive_start(struct ike_sa *ike);
void nat_keepalive_stop(struct ike_sa *ike);

#endif
