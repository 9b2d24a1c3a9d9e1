/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipsec.conf value parsers and the setters that store them in typed fields */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tern/log.h"
#include "internal.h"

_Static_assert(sizeof(enum conn_type) == sizeof(int), "enums are int-sized");

void *conf_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

void *conf_realloc_array(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		abort();
	size_t bytes = n * size;
	void *q = realloc(p, bytes != 0 ? bytes : 1);
	if (q == NULL)
		abort();
	return q;
}

char *conf_strdup(const char *s)
{
	char *d = strdup(s);
	if (d == NULL)
		abort();
	return d;
}

/* ---- generic value parsers ---- */

diag_t ttobool(const char *src, bool *out)
{
	static const char *yes[] = { "yes", "y", "true", "on", "1" };
	static const char *no[] = { "no", "n", "false", "off", "0" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(src, yes[i]) == 0) {
			*out = true;
			return NULL;
		}
		if (strcasecmp(src, no[i]) == 0) {
			*out = false;
			return NULL;
		}
	}
	return diag("expecting yes or no");
}

diag_t ttoduration(const char *src, uint64_t plain_unit_ms, uint64_t *ms)
{
	const char *plain = plain_unit_ms == 1 ? "milliseconds" : "seconds";
	const char *p = src;
	uint64_t total = 0;
	bool any = false, plain_number = false;
	const uint64_t cap = (uint64_t)100 * 365 * 24 * 3600 * 1000;	/* a century */
	while (*p != '\0') {
		if (plain_number)
			goto bad;	/* "10 5" or "10s5" */
		if (!isdigit((unsigned char)*p))
			goto bad;
		uint64_t whole = 0, frac = 0, frac_div = 1;
		while (isdigit((unsigned char)*p)) {
			if (whole > cap)
				goto too_big;
			whole = whole * 10 + (uint64_t)(*p++ - '0');
		}
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			while (isdigit((unsigned char)*p)) {
				if (frac_div < 1000000) {
					frac = frac * 10 + (uint64_t)(*p - '0');
					frac_div *= 10;
				}
				p++;
			}
		}
		uint64_t unit;
		if (strncmp(p, "ms", 2) == 0) {
			unit = 1;
			p += 2;
		} else if (*p == 's') {
			unit = 1000;
			p++;
		} else if (*p == 'm') {
			unit = 60 * 1000;
			p++;
		} else if (*p == 'h') {
			unit = 3600 * 1000;
			p++;
		} else if (*p == 'd') {
			unit = 24 * 3600 * 1000;
			p++;
		} else if (*p == '\0') {
			if (any)
				goto bad;	/* "1h30": which unit? */
			unit = plain_unit_ms;
			plain_number = true;
		} else {
			goto bad;
		}
		if (whole > cap / unit)
			goto too_big;
		total += whole * unit + frac * unit / frac_div;
		if (total > cap)
			goto too_big;
		any = true;
	}
	if (!any)
		goto bad;
	*ms = total;
	return NULL;
bad:
	return diag("expecting a duration such as 8h, 30m, 90s, 500ms or a plain number of %s", plain);
too_big:
	return diag("duration too long");
}

static bool parse_u64(const char *s, uint64_t *out)
{
	if (*s == '\0')
		return false;
	uint64_t v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2] != '\0') {
		for (s += 2; *s != '\0'; s++) {
			int d = isdigit((unsigned char)*s) ? *s - '0' :
				(*s >= 'a' && *s <= 'f') ? *s - 'a' + 10 :
				(*s >= 'A' && *s <= 'F') ? *s - 'A' + 10 : -1;
			if (d < 0 || v > (UINT64_MAX >> 4))
				return false;
			v = v << 4 | (uint64_t)d;
		}
	} else {
		for (; *s != '\0'; s++) {
			if (!isdigit((unsigned char)*s))
				return false;
			uint64_t d = (uint64_t)(*s - '0');
			if (v > (UINT64_MAX - d) / 10)
				return false;
			v = v * 10 + d;
		}
	}
	*out = v;
	return true;
}

static void store_uint(void *field, size_t size, uint64_t v)
{
	switch (size) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(field, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(field, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(field, &x, 4); break; }
	default: memcpy(field, &v, 8); break;
	}
}

static void store_string(void *field, const char *value)
{
	char **p = field;
	free(*p);
	*p = conf_strdup(value);
}

static diag_t parse_enum(const struct enum_name *names, const char *value, int *out)
{
	for (const struct enum_name *n = names; n->name != NULL; n++)
		if (strcasecmp(n->name, value) == 0) {
			*out = n->value;
			return NULL;
		}
	char list[256];
	struct jambuf b = jambuf_init(list, sizeof(list));
	for (const struct enum_name *n = names; n->name != NULL; n++) {
		if (n != names)
			jam_str(&b, n[1].name == NULL ? " or " : ", ");
		jam_str(&b, n->name);
	}
	return diag("expecting %s", list);
}

static diag_t parse_authby(const char *value, unsigned *out)
{
	static const struct { const char *name; unsigned bits; } names[] = {
		{ "secret", AUTHBY_SECRET }, { "rsasig", AUTHBY_RSASIG }, { "rsa", AUTHBY_RSASIG },
		{ "rsa-sha1", AUTHBY_RSA_SHA1 }, { "rsa-sha2", AUTHBY_RSA_SHA2 },
		{ "rsa-sha2_256", AUTHBY_RSA_SHA2_256 }, { "rsa-sha2_384", AUTHBY_RSA_SHA2_384 },
		{ "rsa-sha2_512", AUTHBY_RSA_SHA2_512 }, { "ecdsa", AUTHBY_ECDSA },
		{ "ecdsa-sha2", AUTHBY_ECDSA }, { "ecdsa-sha2_256", AUTHBY_ECDSA },
		{ "ecdsa-sha2_384", AUTHBY_ECDSA }, { "ecdsa-sha2_512", AUTHBY_ECDSA },
		{ "null", AUTHBY_NULL }, { "never", AUTHBY_NEVER },
	};
	unsigned bits = 0, words = 0;
	const char *p = value;
	while (*p != '\0') {
		size_t n = strcspn(p, ",|");
		bool found = false;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n && strncasecmp(names[i].name, p, n) == 0) {
				bits |= names[i].bits;
				found = true;
			}
		if (!found)
			return diag("unknown method '%.*s' (expecting a comma separated list of "
				    "rsasig, ecdsa, rsa-sha1, rsa-sha2, rsa-sha2_256, rsa-sha2_384, "
				    "rsa-sha2_512, or one of secret, null, never)", (int)n, p);
		words++;
		p += n;
		if (*p != '\0') {
			p++;
			if (*p == '\0')
				return diag("empty method at the end of the list");
		}
	}
	if (words == 0)
		return diag("expecting an authentication method");
	/* "secret|rsasig" is Libreswan's IKEv1 form; otherwise these stand alone */
	bool v1_mix = strcasecmp(value, "secret|rsasig") == 0 || strcasecmp(value, "rsasig|secret") == 0;
	if (words > 1 && !v1_mix && (bits & (AUTHBY_SECRET | AUTHBY_NULL | AUTHBY_NEVER)))
		return diag("secret, null and never cannot be combined with other methods");
	*out = bits;
	return NULL;
}

static diag_t parse_mark(const char *value, uint32_t *v, uint32_t *m)
{
	char buf[64];
	if (strlen(value) >= sizeof(buf))
		return diag("expecting VALUE[/MASK]");
	strcpy(buf, value);
	char *slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	uint64_t val, mask = 0xffffffffu;
	if (strcmp(buf, "-1") == 0)
		val = 0xffffffffu;	/* Libreswan: a unique mark per instance */
	else if (!parse_u64(buf, &val) || val > 0xffffffffu)
		return diag("expecting VALUE[/MASK] with 32-bit numbers (decimal or 0x hex), or -1");
	if (slash != NULL && (!parse_u64(slash, &mask) || mask > 0xffffffffu))
		return diag("expecting VALUE[/MASK] with 32-bit numbers (decimal or 0x hex)");
	*v = (uint32_t)val;
	*m = (uint32_t)mask;
	return NULL;
}

static diag_t parse_host(const char *value, struct conn_end *e)
{
	enum end_host kind;
	ip_address a = unset_address;
	if (strcmp(value, "%any") == 0) {
		kind = HOST_ANY;
	} else if (strcmp(value, "%any4") == 0) {
		kind = HOST_ANY;
		a = address_any(AF_INET);
	} else if (strcmp(value, "%any6") == 0) {
		kind = HOST_ANY;
		a = address_any(AF_INET6);
	} else if (strcmp(value, "%defaultroute") == 0) {
		kind = HOST_DEFAULTROUTE;
	} else if (strcmp(value, "%group") == 0 || strcmp(value, "%opportunisticgroup") == 0) {
		kind = HOST_GROUP;
	} else if (strcmp(value, "%opportunistic") == 0) {
		kind = HOST_OPPORTUNISTIC;
	} else if (value[0] == '%') {
		return diag("expecting an IP address, a DNS name, %%any, %%any4, %%any6, "
			    "%%defaultroute, %%group or %%opportunistic");
	} else {
		diag_t d = ttoaddress_num(value, AF_UNSPEC, &a);
		if (d == NULL) {
			kind = HOST_ADDRESS;
		} else {
			diag_free(&d);
			/* a DNS name: letters, digits, '-', '.', '_' */
			size_t n = strlen(value);
			bool ok = n <= 253 && strchr(value, ':') == NULL;
			bool alpha = false;
			for (size_t i = 0; ok && i < n; i++) {
				char c = value[i];
				if (isalpha((unsigned char)c))
					alpha = true;
				ok = isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
			}
			if (!ok || !alpha)
				return diag("'%s' is neither an IP address nor a DNS name", value);
			kind = HOST_DNS;
		}
	}
	free(e->host_name);
	e->host_name = kind == HOST_DNS ? conf_strdup(value) : NULL;
	e->host = kind;
	e->host_addr = a;
	return NULL;
}

static diag_t parse_subnets(const char *value, struct conn_end *e)
{
	ip_subnet *list = NULL;
	unsigned n = 0;
	const char *p = value;
	while (*p != '\0') {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, " \t,");
		if (len == 0)
			break;
		char buf[80];
		if (len >= sizeof(buf)) {
			free(list);
			return diag("'%.*s' is not a valid subnet", (int)len, p);
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		ip_subnet s = { 0 };
		diag_t d = ttosubnet(buf, AF_UNSPEC, &s);
		if (d != NULL) {
			free(list);
			return d;
		}
		list = conf_realloc_array(list, n + 1, sizeof(*list));
		list[n++] = s;
		p += len;
	}
	if (n == 0)
		return diag("expecting a list of subnets, e.g. {10.0.1.0/24 10.0.2.0/24}");
	free(e->subnets);
	e->subnets = list;
	e->nr_subnets = n;
	return NULL;
}

static diag_t parse_vprivate(const char *value, struct config_setup *s)
{
	struct virtual_private *list = NULL;
	unsigned n = 0;
	const char *p = value;
	while (*p != '\0') {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, " \t,");
		if (len == 0)
			break;
		char buf[96];
		int afi = 0;
		if (len >= sizeof(buf) || len < 4 ||
		    (strncmp(p, "%v4:", 4) != 0 && strncmp(p, "%v6:", 4) != 0)) {
			free(list);
			return diag("'%.*s' is not %%v4:SUBNET, %%v6:SUBNET or %%v4:!SUBNET", (int)len, p);
		}
		afi = p[2] == '4' ? AF_INET : AF_INET6;
		memcpy(buf, p + 4, len - 4);
		buf[len - 4] = '\0';
		bool exclude = buf[0] == '!';
		ip_subnet sn;
		diag_t d = ttosubnet(exclude ? buf + 1 : buf, afi, &sn);
		if (d != NULL) {
			free(list);
			return d;
		}
		list = conf_realloc_array(list, n + 1, sizeof(*list));
		list[n++] = (struct virtual_private){ .subnet = sn, .exclude = exclude };
		p += len;
	}
	if (n == 0)
		return diag("expecting %%v4:SUBNET or %%v6:SUBNET entries");
	free(s->virtual_private);
	s->virtual_private = list;
	s->nr_virtual_private = n;
	return NULL;
}

static diag_t check_hex(const char *value)
{
	size_t n = 0;
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == ':')
			continue;
		if (!isxdigit((unsigned char)*p))
			return diag("expecting hex digits");
		n++;
	}
	if (n == 0 || n % 2 != 0)
		return diag("expecting an even number of hex digits");
	return NULL;
}

/* strict base64 (RFC 4648, padding optional) into OUT (at most SIZE); -1: bad */
static long b64_decode(const char *text, uint8_t *out, size_t size)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	const char *p = text;
	for (; *p != '\0' && *p != '='; p++) {
		const char *c = strchr(alphabet, *p);
		if (c == NULL)
			return -1;
		acc = acc << 6 | (uint32_t)(c - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= size)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	for (; *p == '='; p++)
		;
	if (*p != '\0' || bits >= 6)
		return -1;
	return (long)n;
}

/*
 * The shape of a raw public key blob (no NSS here: pluto parses the key at
 * IKE_AUTH): an RFC 3110 RSA key (exponent length, exponent, a modulus of
 * at least 512 bits), or a DER SEQUENCE (a SubjectPublicKeyInfo) whose
 * length is the blob's.
 */
static diag_t check_key_blob(const uint8_t *k, size_t n)
{
	if (n >= 2 && k[0] == 0x30) {
		size_t len, hdr;
		if (k[1] < 0x80) {
			len = k[1];
			hdr = 2;
		} else if (k[1] == 0x81 && n >= 3) {
			len = k[2];
			hdr = 3;
		} else if (k[1] == 0x82 && n >= 4) {
			len = (size_t)k[2] << 8 | k[3];
			hdr = 4;
		} else {
			return diag("not a SubjectPublicKeyInfo (bad DER length)");
		}
		if (hdr + len != n)
			return diag("not a SubjectPublicKeyInfo (DER length %zu, %zu octets given)",
				    hdr + len, n);
		return NULL;
	}
	if (n == 0)
		return diag("empty key");
	size_t e_len = k[0], off = 1;
	if (e_len == 0) {
		if (n < 3)
			return diag("not an RFC 3110 RSA key (truncated exponent length)");
		e_len = (size_t)k[1] << 8 | k[2];
		off = 3;
	}
	if (e_len == 0 || off + e_len > n)
		return diag("not an RFC 3110 RSA key (exponent of %zu octets, %zu given)", e_len,
			    n - off);
	size_t m_len = n - off - e_len;
	if (m_len < 64)
		return diag("not an RFC 3110 RSA key (a %zu-bit modulus; at least 512 bits)",
			    m_len * 8);
	return NULL;
}

/* SHAPE: check the decoded key (not for leftecdsakey=, kept as text only) */
static diag_t check_rsasigkey(const char *value, bool shape)
{
	if (strcmp(value, "%cert") == 0 || strcmp(value, "%none") == 0 ||
	    strcmp(value, "%dns") == 0 || strcmp(value, "%dnsondemand") == 0)
		return NULL;
	if (value[0] == '/')
		return NULL;	/* a PEM file: pluto reads it when it needs the key */
	if (strncmp(value, "0s", 2) == 0 && value[2] != '\0') {
		size_t size = strlen(value) * 3 / 4 + 3;
		uint8_t *blob = malloc(size);
		if (blob == NULL)
			abort();
		long n = b64_decode(value + 2, blob, size);
		diag_t d = n < 0 ? diag("invalid base64 in 0s key")
			 : shape ? check_key_blob(blob, (size_t)n) : NULL;
		free(blob);
		return d;
	}
	if (strncmp(value, "0x", 2) == 0 && value[2] != '\0') {
		diag_t d = check_hex(value + 2);
		if (d != NULL || !shape)
			return d;
		size_t size = strlen(value) / 2;
		uint8_t *blob = malloc(size);
		if (blob == NULL)
			abort();
		size_t n = 0, digits = 0;
		for (const char *p = value + 2; *p != '\0'; p++) {
			if (*p == ':')
				continue;
			unsigned v = isdigit((unsigned char)*p) ? (unsigned)(*p - '0')
				   : (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
			if (digits++ % 2 == 0)
				blob[n] = (uint8_t)(v << 4);
			else
				blob[n++] |= (uint8_t)v;
		}
		d = check_key_blob(blob, n);
		free(blob);
		return d;
	}
	return diag("expecting a 0s (base64) or 0x (hex) key, a PEM file path, %%cert, %%none, "
		    "%%dns or %%dnsondemand");
}

/* leftckaid=: the SHA-1 CKA_ID of a key, 40 hex digits (optional 0x) */
static diag_t check_ckaid(const char *value)
{
	const char *h = strncmp(value, "0x", 2) == 0 || strncmp(value, "0X", 2) == 0 ? value + 2 : value;
	size_t n = 0;
	for (const char *p = h; *p != '\0'; p++, n++)
		if (!isxdigit((unsigned char)*p))
			return diag("expecting hex digits");
	if (n != 40)
		return diag("expecting a CKAID of 40 hex digits (as ipsec newhostkey prints it), "
			    "not %zu", n);
	return NULL;
}

/* the pieces shared by conn and setup values */
static diag_t apply_common(const struct keyword *kw, const char *value, void *field)
{
	switch (kw->type) {
	case KT_STRING:
	case KT_PATH:
		store_string(field, value);
		return NULL;
	case KT_BOOL: {
		bool b = 0;
		diag_t d = ttobool(value, &b);
		if (d != NULL)
			return d;
		memcpy(field, &b, sizeof(b));
		return NULL;
	}
	case KT_ENUM: {
		int v = 0;
		diag_t d = parse_enum(kw->enums, value, &v);
		if (d != NULL)
			return d;
		if (kw->size == sizeof(bool)) {
			bool b = v != 0;
			memcpy(field, &b, sizeof(b));
		} else {
			memcpy(field, &v, sizeof(v));
		}
		return NULL;
	}
	case KT_DURATION: {
		uint64_t ms = 0;
		diag_t d = ttoduration(value, kw->plain_ms, &ms);
		if (d != NULL)
			return d;
		if (ms < kw->min)
			return diag("must be at least %llums", (unsigned long long)kw->min);
		if (kw->max != 0 && ms > kw->max)
			ms = kw->max;	/* as Libreswan: reduced (the loader warns) */
		memcpy(field, &ms, sizeof(ms));
		return NULL;
	}
	case KT_UINT:
	case KT_U64:
	case KT_PERCENT: {
		char buf[32];
		size_t n = strlen(value);
		if (kw->type == KT_PERCENT && n > 0 && value[n - 1] == '%')
			n--;
		if (n >= sizeof(buf))
			return diag("number too long");
		memcpy(buf, value, n);
		buf[n] = '\0';
		uint64_t v = 0;
		uint64_t max = kw->type == KT_U64 ? UINT64_MAX : kw->max;
		if (!parse_u64(buf, &v))
			return diag(kw->type == KT_PERCENT ? "expecting a percentage such as 100%%" :
				    "expecting a number");
		if (v < kw->min || v > max)
			return diag("expecting a number from %llu to %llu",
				    (unsigned long long)kw->min, (unsigned long long)max);
		store_uint(field, kw->type == KT_U64 ? 8 : kw->size, v);
		return NULL;
	}
	case KT_INT: {
		int64_t lo = (int64_t)kw->min, hi = (int64_t)kw->max;
		const char *p = value;
		bool neg = *p == '-';
		if (neg)
			p++;
		uint64_t v = 0;
		if (!parse_u64(p, &v) || v > 1000000)
			return diag("expecting a number from %lld to %lld", (long long)lo, (long long)hi);
		int64_t sv = neg ? -(int64_t)v : (int64_t)v;
		if (sv < lo || sv > hi)
			return diag("expecting a number from %lld to %lld", (long long)lo, (long long)hi);
		int iv = (int)sv;
		memcpy(field, &iv, sizeof(iv));
		return NULL;
	}
	case KT_ADDRESS: {
		ip_address a = { 0 };
		diag_t d = ttoaddress_num(value, AF_UNSPEC, &a);
		if (d != NULL)
			return d;
		memcpy(field, &a, sizeof(a));
		return NULL;
	}
	case KT_AFI: {
		int afi = 0;
		if (strcasecmp(value, "ipv4") == 0 || strcasecmp(value, "inet") == 0)
			afi = AF_INET;
		else if (strcasecmp(value, "ipv6") == 0 || strcasecmp(value, "inet6") == 0)
			afi = AF_INET6;
		else
			return diag("expecting ipv4 or ipv6");
		memcpy(field, &afi, sizeof(afi));
		return NULL;
	}
	case KT_RSASIGKEY: {
		diag_t d = check_rsasigkey(value, strcmp(kw->name, "ecdsakey") != 0);
		if (d != NULL)
			return d;
		store_string(field, value);
		return NULL;
	}
	case KT_HEX: {
		/* leftckaid= is the only hex keyword */
		diag_t d = strcmp(kw->name, "ckaid") == 0 ? check_ckaid(value) : check_hex(value);
		if (d != NULL)
			return d;
		store_string(field, value);
		return NULL;
	}
	case KT_IGNORED:
		return NULL;
	default:
		return diag("internal error: keyword type %d not handled", (int)kw->type);
	}
}

/* a keyword without a typed field: check the value, keep the text */
static diag_t apply_extra(const struct keyword *kw, bool right, const char *value,
			  struct conf_extra **extras, unsigned *nr)
{
	union {
		uint64_t u;
		int i;
		bool b;
		char *s;
		ip_address a;
	} scratch;
	memset(&scratch, 0, sizeof(scratch));
	struct keyword k = *kw;
	if (k.type == KT_UINT || k.type == KT_PERCENT)
		k.size = sizeof(uint64_t);
	diag_t d = apply_common(&k, value, &scratch);
	if (d != NULL)
		return d;
	if (k.type == KT_STRING || k.type == KT_PATH || k.type == KT_RSASIGKEY || k.type == KT_HEX)
		free(scratch.s);
	char key[64];
	snprintf(key, sizeof(key), "%s%s", (kw->flags & KW_END) ? (right ? "right" : "left") : "",
		 kw->name);
	for (unsigned i = 0; i < *nr; i++) {
		if (strcmp((*extras)[i].key, key) == 0) {
			free((*extras)[i].value);
			(*extras)[i].value = conf_strdup(value);
			return NULL;
		}
	}
	*extras = conf_realloc_array(*extras, *nr + 1, sizeof(**extras));
	(*extras)[*nr] = (struct conf_extra){ .key = conf_strdup(key), .value = conf_strdup(value) };
	(*nr)++;
	return NULL;
}

void conf_free_extras(struct conf_extra *extras, unsigned nr)
{
	for (unsigned i = 0; i < nr; i++) {
		free(extras[i].key);
		free(extras[i].value);
	}
	free(extras);
}

const char *conn_config_extra(const struct conn_config *c, const char *key)
{
	for (unsigned i = 0; i < c->nr_extras; i++)
		if (strcmp(c->extras[i].key, key) == 0)
			return c->extras[i].value;
	return NULL;
}

const char *config_setup_extra(const struct config_setup *s, const char *key)
{
	for (unsigned i = 0; i < s->nr_extras; i++)
		if (strcmp(s->extras[i].key, key) == 0)
			return s->extras[i].value;
	return NULL;
}

diag_t conf_apply_conn(const struct keyword *kw, bool right, const char *value,
		       struct conn_config *c)
{
	if (kw->flags & KW_EXTRA)
		return apply_extra(kw, right, value, &c->extras, &c->nr_extras);
	struct conn_end *e = right ? &c->right : &c->left;
	void *field = (kw->flags & KW_END) ? (void *)((char *)e + kw->offset) :
		(void *)((char *)c + kw->offset);
	switch (kw->type) {
	case KT_HOST:
		return parse_host(value, e);
	case KT_NEXTHOP:
		if (strcmp(value, "%direct") == 0) {
			e->nexthop = NEXTHOP_DIRECT;
			e->nexthop_addr = unset_address;
		} else if (strcmp(value, "%defaultroute") == 0) {
			e->nexthop = NEXTHOP_DEFAULTROUTE;
			e->nexthop_addr = unset_address;
		} else {
			ip_address a = { 0 };
			diag_t d = ttoaddress_num(value, AF_UNSPEC, &a);
			if (d != NULL)
				return diag_prefix(d, "expecting an IP address, %%direct or %%defaultroute");
			e->nexthop = NEXTHOP_ADDRESS;
			e->nexthop_addr = a;
		}
		return NULL;
	case KT_SUBNET: {
		if (strncmp(value, "vhost:", 6) == 0 || strncmp(value, "vnet:", 5) == 0) {
			e->subnet_is_vhost = true;
			e->subnet = (ip_subnet){ .addr = unset_address };
			return NULL;
		}
		if (strchr(value, ',') != NULL || strchr(value, ' ') != NULL)
			return diag("one subnet expected; use %ssubnets={...} for several",
				    right ? "right" : "left");
		ip_subnet s = { 0 };
		diag_t d = ttosubnet(value, AF_UNSPEC, &s);
		if (d != NULL)
			return d;
		e->subnet = s;
		e->subnet_is_vhost = false;
		return NULL;
	}
	case KT_SUBNETS:
		return parse_subnets(value, e);
	case KT_ID: {
		struct id id = { 0 };
		diag_t d = ttoid(value, &id);
		if (d != NULL)
			return d;
		id_free(&e->id);
		e->id = id;
		return NULL;
	}
	case KT_PROTOPORT: {
		uint8_t proto = 0;
		uint16_t port = 0;
		diag_t d = ttoprotoport(value, &proto, &port);
		if (d != NULL)
			return d;
		e->protoport_proto = proto;
		e->protoport_port = port;
		const char *slash = strchr(value, '/');
		e->protoport_any_port = slash != NULL && strcmp(slash + 1, "%any") == 0;
		return NULL;
	}
	case KT_AUTHBY: {
		unsigned bits = 0;
		diag_t d = parse_authby(value, &bits);
		if (d != NULL)
			return d;
		c->authby = bits;
		return NULL;
	}
	case KT_MARK: {
		uint32_t v = 0, m = 0;
		diag_t d = parse_mark(value, &v, &m);
		if (d != NULL)
			return d;
		if (strcmp(kw->name, "mark") == 0) {
			c->has_mark = true;
			c->mark_value = v;
			c->mark_mask = m;
		} else if (strcmp(kw->name, "mark-in") == 0) {
			c->has_mark_in = true;
			c->mark_in_value = v;
			c->mark_in_mask = m;
		} else {
			c->has_mark_out = true;
			c->mark_out_value = v;
			c->mark_out_mask = m;
		}
		return NULL;
	}
	case KT_KEYINGTRIES:
		if (strcmp(value, "%forever") == 0) {
			c->keyingtries = 0;
			return NULL;
		}
		{
			static const struct keyword k = { .type = KT_UINT, .size = sizeof(unsigned),
							  .max = 1000000 };
			diag_t d = apply_common(&k, value, &c->keyingtries);
			if (d == NULL)
				return NULL;
			diag_free(&d);
			return diag("expecting a number or %%forever");
		}
	case KT_IKEV2: {
		static const struct enum_name v[] = {
			{ "yes", KE_IKEV2 }, { "propose", KE_IKEV2 }, { "permit", KE_IKEV2 },
			{ "insist", KE_IKEV2 }, { "always", KE_IKEV2 },
			{ "no", KE_IKEV1 }, { "never", KE_IKEV1 }, { NULL, 0 },
		};
		int ke = 0;
		diag_t d = parse_enum(v, value, &ke);
		if (d != NULL)
			return d;
		c->keyexchange = (enum keyexchange)ke;
		return NULL;
	}
	case KT_ALSO:
		/* resolved by the loader; here only the name's shape */
		for (const char *p = value; *p != '\0'; p++)
			if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == '"')
				return diag("expecting the name of a conn");
		if (value[0] == '%')
			return diag("expecting the name of a conn (not %s)", value);
		return NULL;
	default:
		return apply_common(kw, value, field);
	}
}

diag_t conf_apply_setup(const struct keyword *kw, const char *value, struct config_setup *s)
{
	if (kw->flags & KW_EXTRA)
		return apply_extra(kw, false, value, &s->extras, &s->nr_extras);
	void *field = (char *)s + kw->offset;
	switch (kw->type) {
	case KT_DEBUG: {
		unsigned mask = 0;
		if (!parse_debug_classes(value, &mask))
			return diag("expecting none, all, base, crypt or private (a list is allowed)");
		s->plutodebug = mask;
		return NULL;
	}
	case KT_VPRIVATE:
		return parse_vprivate(value, s);
	default:
		return apply_common(kw, value, field);
	}
}

/* ---- defaults and release ---- */

static void end_defaults(struct conn_end *e)
{
	*e = (struct conn_end){ .host = HOST_UNSET };
	e->updown = conf_strdup("ipsec _updown");
}

void conf_conn_defaults(struct conn_config *c)
{
	*c = (struct conn_config){ 0 };
	end_defaults(&c->left);
	end_defaults(&c->right);
	c->type = CONN_TYPE_TUNNEL;
	c->autostart = AUTO_IGNORE;
	c->authby = AUTHBY_DEFAULT;
	c->keyexchange = KE_IKEV2;
	c->ikelifetime_ms = (uint64_t)8 * 3600 * 1000;
	c->ipsec_lifetime_ms = (uint64_t)8 * 3600 * 1000;
	c->rekey = true;
	c->reauth = false;
	c->rekeymargin_ms = (uint64_t)9 * 60 * 1000;
	c->rekeyfuzz_percent = 100;
	c->retransmit_timeout_ms = 60 * 1000;
	c->retransmit_interval_ms = 500;
	c->dpdaction = DPDACTION_HOLD;
	c->encapsulation = YNA_AUTO;
	c->nat_keepalive = true;
	c->fragmentation = FRAGMENTATION_YES;
	c->pfs = true;
	c->replay_window = 128;
	c->esn = ESN_EITHER;
	c->ikepad = true;
	c->hostaddrfamily = AF_UNSPEC;
	c->clientaddrfamily = AF_UNSPEC;
	c->failureshunt = SHUNT_NONE;
	c->negotiationshunt = SHUNT_HOLD;
	c->nic_offload = YNA_NO;
	c->share_lease = true;
	c->send_redirect = YNA_AUTO;
}

#define CONF_FREE_FIELD(f) free(f); (f) = NULL;

static void end_free(struct conn_end *e)
{
	CONN_END_STRING_FIELDS(CONF_FREE_FIELD, e)
	free(e->subnets);
	id_free(&e->id);
	*e = (struct conn_end){ 0 };
}

void conf_conn_free_fields(struct conn_config *c)
{
	end_free(&c->left);
	end_free(&c->right);
	CONN_CONFIG_STRING_FIELDS(CONF_FREE_FIELD, c)
	free(c->problems);
	c->problems = NULL;
	c->nr_problems = 0;
	conf_free_extras(c->extras, c->nr_extras);
	c->extras = NULL;
	c->nr_extras = 0;
}

void conf_setup_defaults(struct config_setup *s)
{
	*s = (struct config_setup){ 0 };
	s->logtime = true;
	s->logappend = true;
	s->logip = true;
	s->secretsfile = conf_strdup("/etc/ipsec.secrets");
	s->nssdir = conf_strdup("/var/lib/ipsec/nss");
	s->ipsecdir = conf_strdup("/etc/ipsec.d");
	s->dumpdir = conf_strdup("/run/pluto");
	s->listen_udp = true;
	s->uniqueids = true;
	s->keep_alive_ms = 20 * 1000;
	s->protostack = PROTOSTACK_XFRM;
	s->nhelpers = -1;
	s->ikev1_policy = IKEV1_POLICY_DROP;
	s->ocsp_timeout_ms = 2 * 1000;
	s->shuntlifetime_ms = 15 * 60 * 1000;
	s->ddos_mode = DDOS_AUTO;
	s->ddos_ike_threshold = 25000;
	s->max_halfopen_ike = 50000;
	s->ike_socket_errqueue = true;
}

void conf_setup_free_fields(struct config_setup *s)
{
	free(s->logfile);
	free(s->secretsfile);
	free(s->nssdir);
	free(s->ipsecdir);
	free(s->dumpdir);
	free(s->statsbin);
	free(s->virtual_private);
	free(s->myvendorid);
	free(s->global_redirect_to);
	conf_free_extras(s->extras, s->nr_extras);
	*s = (struct config_setup){ 0 };
}
