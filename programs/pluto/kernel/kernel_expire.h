/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XFRM EXPIRE for Child SA lifetimes, and MAPPING for NAT-T (kernel_events.c):
 * a netlink socket of its own, joined to the EXPIRE and MAPPING multicast
 * groups, so that soft and hard expiries and a NATed peer's new mapping
 * reach pluto whether or not on-demand routing opened the ACQUIRE socket
 * (kernel_events.c); the messages are decoded by the same bounds-checked
 * kernel_events_scan().
 */
#ifndef PLUTO_KERNEL_KERNEL_EXPIRE_H
#define PLUTO_KERNEL_KERNEL_EXPIRE_H

#include "tern/diag.h"
#include "tern/log.h"
#include "kernel/kernel.h"

/* open (once) the socket; *FD is for poll(POLLIN) */
diag_t kernel_expire_open(int *fd);
/* every EXPIRE and MAPPING queued now (never blocks) to CB; ACQUIREs
 * cannot arrive */
diag_t kernel_expire_read(kernel_event_cb *cb, void *ctx, const struct logger *logger);
void kernel_expire_close(void);

#endif
