/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Byte counts and limits in Libreswan's printed form (tern/humber.h). */
#include <inttypes.h>

#include "tern/humber.h"

void jam_humber_max(struct jambuf *b, uint64_t v)
{
	if (v == HUMBER_MAX_OPERATIONS) {
		jam_str(b, "2^63");
		return;
	}
	static const char prefix[] = "EPTGMK";	/* 2^60 down to 2^10 */
	for (unsigned i = 0; i < sizeof(prefix) - 1; i++) {
		uint64_t per = UINT64_C(1) << (10 * (6 - i));
		if (v > per) {
			jam(b, "%" PRIu64 "%ci", v / per, prefix[i]);
			return;
		}
	}
	jam(b, "%" PRIu64, v);
}

void jam_readable_bytes(struct jambuf *b, uint64_t v)
{
	if (v < 1024)
		jam(b, "%" PRIu64 "B", v);
	else if (v / 1024 < 1024)
		jam(b, "%" PRIu64 "KB", v / 1024);
	else
		jam(b, "%" PRIu64 "MB", v / 1024 / 1024);
}
