/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ip_address: construction, numeric parsing, comparison, printing */
#include <arpa/inet.h>
#include <string.h>
#include "tern/ip.h"

const ip_address unset_address = { .family = AF_UNSPEC };

const char *afi_name(int afi)
{
	switch (afi) {
	case AF_INET: return "IPv4";
	case AF_INET6: return "IPv6";
	default: return "unset";
	}
}

ip_address address_any(int afi)
{
	ip_address a = unset_address;
	if (afi == AF_INET || afi == AF_INET6)
		a.family = (uint8_t)afi;
	return a;
}

ip_address address_from_bytes(int afi, const void *bytes, size_t len)
{
	ip_address a = unset_address;
	if ((afi == AF_INET && len == 4) || (afi == AF_INET6 && len == 16)) {
		a.family = (uint8_t)afi;
		memcpy(a.bytes, bytes, len);
	}
	return a;
}

ip_address address_from_in_addr(const struct in_addr *in)
{
	return address_from_bytes(AF_INET, &in->s_addr, 4);
}

ip_address address_from_in6_addr(const struct in6_addr *in6)
{
	return address_from_bytes(AF_INET6, in6->s6_addr, 16);
}

size_t address_len(const ip_address *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

unsigned address_bits(const ip_address *a)
{
	return (unsigned)address_len(a) * 8;
}

diag_t ttoaddress_num(const char *src, int afi, ip_address *out)
{
	if (src == NULL || src[0] == '\0')
		return diag("empty IP address");
	uint8_t bytes[16];
	int family;
	if (strchr(src, ':') != NULL) {
		family = AF_INET6;
		if (inet_pton(AF_INET6, src, bytes) != 1)
			return diag("'%s' is not a valid IPv6 address", src);
	} else {
		family = AF_INET;
		if (inet_pton(AF_INET, src, bytes) != 1)
			return diag("'%s' is not a valid IPv4 address", src);
	}
	if (afi != AF_UNSPEC && afi != family)
		return diag("'%s' is not an %s address", src, afi_name(afi));
	*out = address_from_bytes(family, bytes, family == AF_INET ? 4 : 16);
	return NULL;
}

bool address_is_any(const ip_address *a)
{
	size_t n = address_len(a);
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (a->bytes[i] != 0)
			return false;
	return true;
}

bool address_is_specified(const ip_address *a)
{
	return !address_is_unset(a) && !address_is_any(a);
}

bool address_is_loopback(const ip_address *a)
{
	if (a->family == AF_INET)
		return a->bytes[0] == 127;
	if (a->family == AF_INET6) {
		for (int i = 0; i < 15; i++)
			if (a->bytes[i] != 0)
				return false;
		return a->bytes[15] == 1;
	}
	return false;
}

int address_cmp(const ip_address *a, const ip_address *b)
{
	int fa = a->family == AF_INET ? 1 : a->family == AF_INET6 ? 2 : 0;
	int fb = b->family == AF_INET ? 1 : b->family == AF_INET6 ? 2 : 0;
	if (fa != fb)
		return fa < fb ? -1 : 1;
	return memcmp(a->bytes, b->bytes, address_len(a));
}

bool address_eq(const ip_address *a, const ip_address *b)
{
	return address_cmp(a, b) == 0;
}

static uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

uint32_t address_hash(const ip_address *a)
{
	uint32_t h = fnv1a(2166136261u, &a->family, 1);
	return fnv1a(h, a->bytes, address_len(a));
}

uint32_t endpoint_hash(const ip_endpoint *e)
{
	uint8_t port[2] = { (uint8_t)(e->port >> 8), (uint8_t)e->port };
	return fnv1a(address_hash(&e->addr), port, 2);
}

static void jam_ipv6(struct jambuf *b, const uint8_t *p)
{
	uint16_t g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(p[2 * i] << 8 | p[2 * i + 1]);
	/* RFC 5952 4.2: longest run (>= 2 groups) of zeros, leftmost on a tie */
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (g[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	if (best_len < 2)
		best = -1;
	/* RFC 5952 5: IPv4-mapped addresses keep the dotted quad */
	bool mapped = best == 0 && best_len == 5 && g[5] == 0xffff;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			jam_str(b, "::");
			i += best_len - 1;
			continue;
		}
		if (mapped && i == 6) {
			jam(b, ":%u.%u.%u.%u", p[12], p[13], p[14], p[15]);
			return;
		}
		if (i > 0 && i != best + best_len)
			jam_char(b, ':');
		jam(b, "%x", g[i]);
	}
}

void jam_address(struct jambuf *b, const ip_address *a)
{
	switch (a->family) {
	case AF_INET:
		jam(b, "%u.%u.%u.%u", a->bytes[0], a->bytes[1], a->bytes[2], a->bytes[3]);
		break;
	case AF_INET6:
		jam_ipv6(b, a->bytes);
		break;
	default:
		jam_str(b, "<unset-address>");
		break;
	}
}

const char *str_address(const ip_address *a, address_buf *buf)
{
	struct jambuf b = jambuf_init(buf->buf, sizeof(buf->buf));
	jam_address(&b, a);
	return buf->buf;
}
