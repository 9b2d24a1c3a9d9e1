/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipsec.secrets: pre-shared keys and private-key references.
 *
 *   # comments
 *   @west @east : PSK "shared secret"
 *   192.0.2.1 %any : PSK 0x0123456789abcdef
 *   : PSK 0sc2VjcmV0            # default PSK, matches any pair
 *   user@example.com : XAUTH "password"
 *   : RSA "ckaid-or-nickname"   # key reference, kept for later
 *   : RSA { ... }               # a braced block (may span lines)
 *   include ipsec.d/GLOB.secrets  # a glob, relative to this file
 *
 * An entry starts at the left margin; continuation lines are indented.
 * IDs are as in id.h.  The secret is "quoted text", 0x/0X hex, or 0s
 * base64.  `include` globs are relative to the including file.
 *
 * Secret bytes never appear in any message or problem text.
 *
 * Matching (secrets_find_psk) follows Libreswan's best-match rule: an
 * entry naming both the local and the remote id beats one that names one
 * of them (the other side being %any or absent), which beats the default
 * `: PSK` entry.  Among equally good matches the first in file order wins.
 */
#ifndef TERN_SECRETS_H
#define TERN_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern/conf.h"	/* struct conf_problem */
#include "tern/diag.h"
#include "tern/id.h"

enum secret_kind {
	SECRET_PSK,
	SECRET_XAUTH,
	SECRET_RSA,	/* reference to a private key in NSS */
	SECRET_ECDSA,	/* reference to a private key in NSS */
	SECRET_PPK,	/* post-quantum PSK: ': PPK "id" "secret"' (stored) */
	SECRET_KIND_ROOF,
};

struct secret {
	enum secret_kind kind;
	struct id *ids;		/* the IDs left of ':'; none = default entry */
	unsigned nr_ids;
	/* PSK, XAUTH, PPK: the secret bytes (never logged) */
	uint8_t *bytes;
	size_t len;
	/* RSA/ECDSA: the reference ("ckaid" / nickname / braced text) */
	char *key_ref;
	/* PPK: the PPK identity */
	char *ppk_id;
	char *file;
	unsigned line;
};

struct secrets {
	struct secret *secrets;	/* in file order */
	unsigned nr_secrets;
	unsigned count[SECRET_KIND_ROOF];	/* loaded per kind */
	struct conf_problem *problems;	/* in file order */
	unsigned nr_problems;
	unsigned nr_errors, nr_warnings;
};

/*
 * Read PATH (and includes).  Fails only when PATH cannot be opened;
 * every other problem (bad entry, include failure, a group- or
 * world-readable file: warning) is in (*out)->problems and the bad entry
 * is skipped.
 */
diag_t secrets_load(const char *path, struct secrets **out);
/* from memory; includes are errors; no mode check.  Never fails. */
void secrets_parse_buffer(const char *name, const char *buf, size_t len,
			  struct secrets **out);
/* the best PSK for LOCAL and REMOTE (either may be NULL: unknown), or NULL */
const struct secret *secrets_find_psk(const struct secrets *s,
				      const struct id *local, const struct id *remote);
/* "PSK", "XAUTH", "RSA", "ECDSA", "PPK" */
const char *secret_kind_name(enum secret_kind kind);
void secrets_free(struct secrets **s);

#endif
