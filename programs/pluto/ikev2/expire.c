/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Child SA lifetimes enforced by the kernel (XFRM): every ESP SA carries
 *
 *   hard: ipsec-lifetime (seconds) and ipsec-max-bytes (when set): the
 *         kernel deletes the SA and says so (hard EXPIRE);
 *   soft: ipsec-lifetime - rekeymargin/2, a backstop behind the rekey timer
 *         (ipsec-lifetime - rekeymargin - fuzz), and for ipsec-max-bytes a
 *         byte count before the hard one: the original initiator at 3/4 of
 *         it less a random part of 1/8 * rekeyfuzz, the responder at 7/8, so
 *         both ends seldom rekey at once.  The soft EXPIRE starts a rekey
 *         (make-before-break, create_child_sa.c).
 *
 * The kernel's EXPIRE messages come through ikev2_kernel_expire(): soft
 * rekeys the Child SA owning the SPI (unless rekey=no, or a rekey is on
 * its way), hard deletes it and tells the peer.
 */
#include <stdlib.h>

#include "ikev2/internal.h"

void child_kernel_limits(const struct child_sa *child, struct ikev2_kernel_sa *sa)
{
	const struct conn_config *cc = child->conn->config;
	uint64_t life_s = sa->lifetime_s;
	uint64_t margin_s = cc != NULL ? cc->rekeymargin_ms / 1000 : 540;
	if (life_s > 0 && margin_s / 2 < life_s)
		sa->soft_lifetime_s = life_s - margin_s / 2;
	uint64_t max = cc != NULL ? cc->ipsec_max_bytes : 0;
	if (max == 0)
		return;
	sa->hard_bytes = max;
	if (child->ike->initiator) {
		unsigned fuzz = cc->rekeyfuzz_percent;
		uint64_t span = max / 8 * fuzz / 100;
		uint32_t r = 0;
		diag_t d = crypto_random(CRYPTO_SPAN((uint8_t *)&r, sizeof(r)));
		diag_free(&d);
		sa->soft_bytes = max / 4 * 3 - (span > 0 ? r % (span + 1) : 0);
	} else {
		sa->soft_bytes = max / 8 * 7;
	}
	if (sa->soft_bytes == 0)
		sa->soft_bytes = 1;
}

void ikev2_kernel_expire(struct ikev2_engine *e, const ip_address *dst, uint32_t spi, bool hard,
			 uint64_t bytes)
{
	bool inbound = false;
	struct child_sa *child = sa_child_by_spi(&e->sas, dst, spi, &inbound);
	if (child == NULL) {
		ldbg(&global_logger, "%s: %s EXPIRE of SA 0x%08x: no Child SA of ours", e->name,
		     hard ? "hard" : "soft", spi);
		return;
	}
	if (!hard) {
		const struct conn_config *cc = child->conn->config;
		if (cc != NULL && !cc->rekey) {
			ldbg(&child->logger, "soft EXPIRE of %s SA 0x%08x: rekey=no", inbound ? "inbound" : "outbound", spi);
			return;
		}
		llog(&child->logger, LOG_SEV_INFO,
		     "%s ESP SA 0x%08x reached its soft limit (%llu bytes); rekeying the Child SA",
		     inbound ? "inbound" : "outbound", spi, (unsigned long long)bytes);
		child_rekey_initiate(child);
		return;
	}
	llog(&child->logger, LOG_SEV_INFO,
	     "%s ESP SA 0x%08x expired (hard limit, %llu bytes); deleting the Child SA",
	     inbound ? "inbound" : "outbound", spi, (unsigned long long)bytes);
	send_delete_child(child);
	child_sa_delete(child);
}
