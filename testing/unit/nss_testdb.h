/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throwaway NSS databases for unit tests, filled by certutil/pk12util in a
 * temporary directory (testdb_dir): shared by testing/unit/sig/test_auth.c
 * and testing/unit/ikev2/test_ikev2_sig.c.
 */
#ifndef TERN_TEST_NSS_TESTDB_H
#define TERN_TEST_NSS_TESTDB_H

#include "tern/diag.h"	/* TERN_PRINTF */

extern char testdb_dir[64];

/* system() of the formatted command; prints it when it fails; its status */
int testdb_sh(const char *fmt, ...) TERN_PRINTF(1, 2);

/* mkdtemp /tmp/PREFIX-XXXXXX, noise for certutil, and an empty-password
 * db in each of the subdirectories named (NULL-terminated); 0 = ok */
int testdb_create(const char *prefix, ...);

/* certutil -S in DB: NICK with SUBJECT signed by CA (NULL: a self-signed
 * CA, RSA 2048, certSigning); EXTRA: more certutil options (key type, SANs) */
int testdb_issue(const char *db, const char *nick, const char *subject, const char *ca,
		 int serial, const char *extra);

/* NSS_InitReadWrite of sql:testdb_dir/DB; 0 = ok */
int testdb_open(const char *db);

/* NSS_Shutdown and rm -rf testdb_dir */
void testdb_remove(void);

#endif
