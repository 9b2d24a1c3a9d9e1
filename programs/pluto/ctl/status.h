/* SPDX-License-Identifier: GPL-2.0-or-later */
/* whack --status / --globalstatus / --briefstatus output */
#ifndef PLUTO_CTL_STATUS_H
#define PLUTO_CTL_STATUS_H

#include "conn/show.h"

/* kernel, interfaces, config setup options */
void show_global_status(struct show *s);
/* "State Information: ...", "IKE SAs: ...", "IPsec SAs: ..." */
void show_brief_status(struct show *s);
/* what follows the connection list in 'ipsec status' */
void show_status_tail(struct show *s);
/* everything, as 'ipsec status' */
void show_status(struct show *s);

#endif
