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

#endif
