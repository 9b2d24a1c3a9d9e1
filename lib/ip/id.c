/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IKE identities as Libreswan writes them: parse, print, compare */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tern/id.h"

static uint8_t *dup_bytes(const void *p, size_t n)
{
	uint8_t *b = malloc(n + 1);
	if (b == NULL)
		abort();
	if (n > 0)
		memcpy(b, p, n);
	b[n] = '\0';
	return b;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* a DN: one or more TYPE=VALUE separated by ',' (or '/' in the
 * "/C=CA/O=X" form), TYPE alphanumeric or a dotted OID */
static diag_t check_dn(const char *src)
{
	const char *p = src;
	if (*p == '/')
		p++;
	char sep = src[0] == '/' ? '/' : ',';
	unsigned rdns = 0;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		const char *type = p;
		while (isalnum((unsigned char)*p) || *p == '.' || *p == '-')
			p++;
		if (p == type || *p != '=')
			return diag("'%s' is not a valid distinguished name (expecting TYPE=value at '%s')",
				    src, type);
		p++;
		/* the value runs to the next unescaped separator */
		while (*p != '\0' && *p != sep) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			p++;
		}
		rdns++;
		if (*p == sep)
			p++;
	}
	if (rdns == 0)
		return diag("'%s' is not a valid distinguished name", src);
	return NULL;
}

diag_t ttoid(const char *src, struct id *out)
{
	if (src == NULL || src[0] == '\0')
		return diag("empty ID");
	for (const char *p = src; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return diag("ID contains a control character");
	struct id id = { .kind = ID_NONE };
	if (src[0] == '%') {
		if (strcmp(src, "%any") == 0 || strcmp(src, "%any4") == 0 || strcmp(src, "%any6") == 0)
			id.kind = ID_ANY;
		else if (strcmp(src, "%none") == 0)
			id.kind = ID_NONE;
		else if (strcmp(src, "%null") == 0)
			id.kind = ID_NULL;
		else if (strcmp(src, "%fromcert") == 0)
			id.kind = ID_FROMCERT;
		else
			return diag("'%s' is not a valid ID (expecting %%any, %%none, %%null, %%fromcert, @fqdn, user@fqdn, an address or a DN)", src);
		*out = id;
		return NULL;
	}
	if (src[0] == '@' && src[1] == '#') {
		const char *h = src + 2;
		size_t n = strlen(h);
		if (n == 0 || n % 2 != 0)
			return diag("'%s' is not a valid key ID (expecting @# and an even number of hex digits)", src);
		uint8_t *bytes = malloc(n / 2 + 1);
		if (bytes == NULL)
			abort();
		for (size_t i = 0; i < n / 2; i++) {
			int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				free(bytes);
				return diag("'%s' is not a valid key ID (expecting @# and an even number of hex digits)", src);
			}
			bytes[i] = (uint8_t)(hi << 4 | lo);
		}
		bytes[n / 2] = '\0';
		id.kind = ID_KEY_ID;
		id.name = bytes;
		id.len = n / 2;
		*out = id;
		return NULL;
	}
	if (src[0] == '@') {
		const char *name = src + 1;
		if (name[0] == '\0')
			return diag("'%s' is not a valid ID (empty name after '@')", src);
		if (strchr(name, ' ') != NULL)
			return diag("'%s' is not a valid FQDN ID (contains a space)", src);
		id.kind = ID_FQDN;
		id.name = dup_bytes(name, strlen(name));
		id.len = strlen(name);
		*out = id;
		return NULL;
	}
	if (strchr(src, '=') != NULL) {
		diag_t d = check_dn(src);
		if (d != NULL)
			return d;
		id.kind = ID_DER_ASN1_DN;
		id.name = dup_bytes(src, strlen(src));
		id.len = strlen(src);
		*out = id;
		return NULL;
	}
	ip_address a;
	diag_t d = ttoaddress_num(src, AF_UNSPEC, &a);
	if (d == NULL) {
		*out = id_from_address(&a);
		return NULL;
	}
	diag_free(&d);
	if (strchr(src, ':') != NULL || strchr(src, ' ') != NULL)
		return diag("'%s' is not a valid ID", src);
	const char *at = strchr(src, '@');
	if (at != NULL) {
		if (at == src || at[1] == '\0' || strchr(at + 1, '@') != NULL)
			return diag("'%s' is not a valid user@fqdn ID", src);
		id.kind = ID_USER_FQDN;
	} else {
		/* a plain host name: an FQDN */
		id.kind = ID_FQDN;
	}
	id.name = dup_bytes(src, strlen(src));
	id.len = strlen(src);
	*out = id;
	return NULL;
}

struct id id_from_address(const ip_address *a)
{
	struct id id = { .kind = ID_NONE };
	if (a->family == AF_INET)
		id.kind = ID_IPV4_ADDR;
	else if (a->family == AF_INET6)
		id.kind = ID_IPV6_ADDR;
	else
		return id;
	id.ip = *a;
	return id;
}

void jam_id(struct jambuf *b, const struct id *id)
{
	switch (id->kind) {
	case ID_NONE:
		jam_str(b, "(none)");
		break;
	case ID_ANY:
		jam_str(b, "%any");
		break;
	case ID_FROMCERT:
		jam_str(b, "%fromcert");
		break;
	case ID_NULL:
		jam_str(b, "ID_NULL");
		break;
	case ID_IPV4_ADDR:
	case ID_IPV6_ADDR:
		jam_address(b, &id->ip);
		break;
	case ID_FQDN:
		jam_char(b, '@');
		jam_sanitized(b, (const char *)id->name, id->len);
		break;
	case ID_USER_FQDN:
	case ID_DER_ASN1_DN:
		jam_sanitized(b, (const char *)id->name, id->len);
		break;
	case ID_KEY_ID:
		jam_str(b, "@#");
		jam_hex(b, id->name, id->len);
		break;
	default:
		jam(b, "<id kind %d>", (int)id->kind);
		break;
	}
}

const char *str_id(const struct id *id, id_buf *buf)
{
	struct jambuf b = jambuf_init(buf->buf, sizeof(buf->buf));
	jam_id(&b, id);
	return buf->buf;
}

const char *id_kind_name(enum id_kind kind)
{
	switch (kind) {
	case ID_NONE: return "ID_NONE";
	case ID_IPV4_ADDR: return "IPV4_ADDR";
	case ID_FQDN: return "FQDN";
	case ID_USER_FQDN: return "USER_FQDN";
	case ID_IPV6_ADDR: return "IPV6_ADDR";
	case ID_DER_ASN1_DN: return "DER_ASN1_DN";
	case ID_KEY_ID: return "KEY_ID";
	case ID_NULL: return "ID_NULL";
	case ID_ANY: return "%any";
	case ID_FROMCERT: return "%fromcert";
	}
	return "ID_UNKNOWN";
}

/* FQDNs: case-insensitive, one trailing dot ignored */
static bool fqdn_eq(const struct id *a, const struct id *b)
{
	size_t la = a->len, lb = b->len;
	if (la > 0 && a->name[la - 1] == '.')
		la--;
	if (lb > 0 && b->name[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp((const char *)a->name, (const char *)b->name, la) == 0;
}

/* next RDN of a DN text as (type, value) with surrounding spaces trimmed */
static bool dn_next(const char **pp, char sep, const char **type, size_t *tlen,
		    const char **val, size_t *vlen)
{
	const char *p = *pp;
	while (*p == ' ' || *p == sep)
		p++;
	if (*p == '\0')
		return false;
	*type = p;
	while (*p != '=' && *p != '\0')
		p++;
	*tlen = (size_t)(p - *type);
	while (*tlen > 0 && (*type)[*tlen - 1] == ' ')
		(*tlen)--;
	if (*p == '=')
		p++;
	while (*p == ' ')
		p++;
	*val = p;
	while (*p != '\0' && *p != sep) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		p++;
	}
	*vlen = (size_t)(p - *val);
	while (*vlen > 0 && (*val)[*vlen - 1] == ' ')
		(*vlen)--;
	*pp = p;
	return true;
}

static bool dn_eq(const char *a, const char *b)
{
	char sa = a[0] == '/' ? '/' : ',', sb = b[0] == '/' ? '/' : ',';
	for (;;) {
		const char *ta, *va, *tb, *vb;
		size_t tla, vla, tlb, vlb;
		bool ma = dn_next(&a, sa, &ta, &tla, &va, &vla);
		bool mb = dn_next(&b, sb, &tb, &tlb, &vb, &vlb);
		if (!ma || !mb)
			return ma == mb;
		if (tla != tlb || strncasecmp(ta, tb, tla) != 0)
			return false;
		if (vla != vlb || memcmp(va, vb, vla) != 0)
			return false;
	}
}

bool id_equal(const struct id *a, const struct id *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case ID_IPV4_ADDR:
	case ID_IPV6_ADDR:
		return address_eq(&a->ip, &b->ip);
	case ID_FQDN:
		return fqdn_eq(a, b);
	case ID_USER_FQDN:
	case ID_KEY_ID:
		return a->len == b->len && (a->len == 0 || memcmp(a->name, b->name, a->len) == 0);
	case ID_DER_ASN1_DN:
		return dn_eq((const char *)a->name, (const char *)b->name);
	default:
		return true;	/* NONE, ANY, NULL, FROMCERT carry no value */
	}
}

bool id_is_wildcard(const struct id *id)
{
	return id->kind == ID_ANY || id->kind == ID_NONE;
}

bool id_matches(const struct id *pattern, const struct id *id)
{
	if (id_is_wildcard(pattern))
		return true;
	return id_equal(pattern, id);
}

struct id id_clone(const struct id *id)
{
	struct id c = *id;
	if (id->name != NULL)
		c.name = dup_bytes(id->name, id->len);
	return c;
}

void id_free(struct id *id)
{
	free(id->name);
	*id = (struct id){ .kind = ID_NONE };
}
