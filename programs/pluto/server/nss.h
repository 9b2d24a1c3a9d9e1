/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NSS, opened read-only on the configured database (sql:NSSDIR). */
#ifndef PLUTO_SERVER_NSS_H
#define PLUTO_SERVER_NSS_H

#include "tern/diag.h"
#include "tern/log.h"

/*
 * The database password (before pluto_nss_init): PASSWORD (--nsspassword)
 * if not NULL, else the "TOKEN:password" line of FILE (--nsspasswordfile,
 * default /etc/ipsec.d/nsspassword), read when NSS asks, as Libreswan does.
 */
void pluto_nss_password(const char *password, const char *file);

/* a missing database is one message naming 'ipsec initnss'; a database
 * with a password is logged into here (fails without the right one) */
diag_t pluto_nss_init(const char *nssdir, const struct logger *logger);
void pluto_nss_shutdown(void);

#endif
