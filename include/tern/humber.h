/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Byte counts and limits as Libreswan 5 prints them in `ipsec
 * trafficstatus`, `ipsec showstates` and `ipsec status`.
 *
 * jam_humber_max(): a limit (ipsec-max-bytes=).  2^63, XFRM's "no
 * limit" and the default, prints as "2^63"; any other value with the
 * largest IEC binary prefix it is strictly greater than, the quotient
 * truncated: 1000 -> "1000", 1024 -> "1024", 1025 -> "1Ki", 1000000 ->
 * "976Ki", 1048576 -> "1024Ki", 10 GiB + 1 -> "10Gi" (Ki Mi Gi Ti Pi Ei).
 * The caller adds the unit ("B").
 *
 * jam_readable_bytes(): a byte count (ESPin=, ESPout= in `ipsec status`
 * and `ipsec showstates`, "ESP traffic information: in=... out=..."),
 * unit included: under 1024 in bytes ("84B"), then whole KiB under 1024
 * ("1KB", "1023KB"), then whole MiB ("1MB", "4096MB"), truncated; the
 * largest unit is MB, as in Libreswan.
 */
#ifndef TERN_HUMBER_H
#define TERN_HUMBER_H

#include <stdint.h>
#include "tern/jambuf.h"

#define HUMBER_MAX_OPERATIONS (UINT64_C(1) << 63)	/* printed "2^63" */

void jam_humber_max(struct jambuf *b, uint64_t v);
void jam_readable_bytes(struct jambuf *b, uint64_t v);

#endif
