/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NSS, opened read-only on the configured database (sql:NSSDIR). */
#ifndef PLUTO_SERVER_NSS_H
#define PLUTO_SERVER_NSS_H

#include "tern/diag.h"
#include "tern/log.h"

/* a missing database is one message naming 'ipsec initnss' */
diag_t pluto_nss_init(const char *nssdir, const struct logger *logger);
void pluto_nss_shutdown(void);

#endif
