/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKE identities, written as Libreswan writes them:
 *
 *   @west                  FQDN            (ID_FQDN)
 *   @#0a1b2c               key id, hex     (ID_KEY_ID)
 *   user@example.com       RFC 822 address (ID_USER_FQDN)
 *   192.0.2.1, 2001:db8::1 address         (ID_IPV4_ADDR / ID_IPV6_ADDR)
 *   C=CA, O=Example, CN=west  distinguished name (ID_DER_ASN1_DN; kept as
 *                          text for now, DER comes with certificates)
 *   %any                   matches any peer identity (%any4, %any6 too)
 *   %fromcert              the identity is taken from the certificate
 *   %none                  no identity
 *   %null                  ID_NULL (RFC 7619)
 *
 * A bare name without '@' ("west.example.com") is an FQDN too (Libreswan
 * would resolve it in DNS; we keep the name).  Values in ipsec.conf may be
 * quoted; the quotes are removed by lib/conf before ttoid() sees them.
 *
 * struct id owns heap memory (name): copy with id_clone(), release with
 * id_free().  A zeroed struct id is ID_NONE and valid.
 */
#ifndef TERN_ID_H
#define TERN_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern/diag.h"
#include "tern/ip.h"
#include "tern/jambuf.h"

enum id_kind {
	ID_NONE = 0,		/* unset, or %none */
	/* IKE ID payload types (RFC 7296 3.5, RFC 7619) */
	ID_IPV4_ADDR = 1,
	ID_FQDN = 2,
	ID_USER_FQDN = 3,
	ID_IPV6_ADDR = 5,
	ID_DER_ASN1_DN = 9,
	ID_KEY_ID = 11,
	ID_NULL = 13,
	/* configuration-only wildcards, never on the wire */
	ID_ANY = 256,		/* %any */
	ID_FROMCERT = 257,	/* %fromcert */
};

struct id {
	enum id_kind kind;
	ip_address ip;		/* ID_IPV4_ADDR, ID_IPV6_ADDR */
	/*
	 * ID_FQDN: the name without '@'; ID_USER_FQDN: "user@domain";
	 * ID_DER_ASN1_DN: the DN text; ID_KEY_ID: the raw key-id bytes.
	 * Always NUL-terminated (one extra byte), len excludes the NUL.
	 * For FQDN, USER_FQDN and KEY_ID, name/len is the ID payload body.
	 */
	uint8_t *name;
	size_t len;
};

/* parse one identity; out is overwritten (not freed) on success */
diag_t ttoid(const char *src, struct id *out);
/* prints as Libreswan: "@west", "user@example.com", "192.0.2.1",
 * "C=CA, O=Example, CN=west", "@#0a1b2c", "%any", "%fromcert", "(none)",
 * "ID_NULL" */
void jam_id(struct jambuf *b, const struct id *id);
#define ID_STRLEN 512
typedef struct { char buf[ID_STRLEN]; } id_buf;
const char *str_id(const struct id *id, id_buf *buf);

/* "FQDN", "IPV4_ADDR", "IPV6_ADDR", "USER_FQDN", "DER_ASN1_DN", "KEY_ID",
 * "ID_NULL", "ID_NONE", "%any", "%fromcert" */
const char *id_kind_name(enum id_kind kind);

/* same kind and value (FQDN compared case-insensitively, trailing dot
 * ignored; DNs compared as normalised text) */
bool id_equal(const struct id *a, const struct id *b);
/* %any or ID_NONE: matches any peer id */
bool id_is_wildcard(const struct id *id);
/* pattern (possibly a wildcard) matches a concrete id */
bool id_matches(const struct id *pattern, const struct id *id);
/* id built from an address (Libreswan's default leftid= is the address) */
struct id id_from_address(const ip_address *a);

struct id id_clone(const struct id *id);
void id_free(struct id *id);

#endif
