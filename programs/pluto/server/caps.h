/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capabilities: once the sockets are open pluto keeps only
 *   CAP_NET_ADMIN         XFRM states and policies, routes, interfaces
 *   CAP_NET_BIND_SERVICE  binding 500/4500 again when 'ipsec listen' finds
 *                         a new address
 *   CAP_NET_RAW           raw sockets
 * and drops the rest, from the bounding set too.  (No CAP_IPC_LOCK: NSS
 * does not need it; no CAP_SETGID/SETUID: pluto does not change user.)
 */
#ifndef PLUTO_SERVER_CAPS_H
#define PLUTO_SERVER_CAPS_H

#include "tern/log.h"

void drop_capabilities(const struct logger *logger);

#endif
