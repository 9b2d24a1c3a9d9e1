/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NSS database password file, as Libreswan reads it
 * (/etc/ipsec.d/nsspassword): one "TOKEN:PASSWORD" per line, TOKEN the
 * PKCS#11 token name ("NSS Certificate DB" for the internal one, "NSS FIPS
 * 140-2 Certificate DB" in FIPS mode).  The password is everything after
 * the first ':' up to the end of the line (no trimming; a trailing '\r' is
 * dropped).  Used by pluto and by the key tools (newhostkey, showhostkey).
 */
#ifndef TERN_NSSPASSWORD_H
#define TERN_NSSPASSWORD_H

#include <stddef.h>

#include "tern/diag.h"

#define NSSPASSWORD_FILE_NAME "nsspassword"
#define NSSPASSWORD_DEFAULT_DIR "/etc/ipsec.d"

/*
 * The password for TOKEN in TEXT (LEN octets, the file's contents; NUL
 * octets end a line too).  Found: *PASSWORD is malloc()ed, returns NULL.
 * Not found: returns a diag "no line for token 'T'" naming the line count;
 * *PASSWORD untouched.
 */
diag_t nsspassword_find(const char *text, size_t len, const char *token, char **password);

/* the same from the file PATH ("cannot read PATH: why" when unreadable) */
diag_t nsspassword_from_file(const char *path, const char *token, char **password);

#endif
