/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ip_subnet, ip_endpoint, ip_selector and protocol/port parsing */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tern/ip.h"

/* parse a decimal number 0..max with no sign, no spaces, no leading '+' */
static bool parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	if (n == 0 || n > 10)
		return false;
	unsigned long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool host_bits_zero(const ip_address *a, unsigned prefix)
{
	unsigned bits = address_bits(a);
	for (unsigned i = prefix; i < bits; i++)
		if (a->bytes[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

diag_t ttosubnet(const char *src, int afi, ip_subnet *out)
{
	if (src == NULL || src[0] == '\0')
		return diag("empty subnet");
	if (strcmp(src, "%any") == 0 || strcmp(src, "%any4") == 0 || strcmp(src, "%any6") == 0) {
		int f = strcmp(src, "%any6") == 0 ? AF_INET6 :
			strcmp(src, "%any4") == 0 ? AF_INET :
			afi == AF_INET6 ? AF_INET6 : AF_INET;
		if (afi != AF_UNSPEC && afi != f)
			return diag("'%s' is not an %s subnet", src, afi_name(afi));
		*out = (ip_subnet){ .addr = address_any(f), .prefix = 0 };
		return NULL;
	}
	const char *slash = strchr(src, '/');
	size_t alen = slash != NULL ? (size_t)(slash - src) : strlen(src);
	char abuf[64];
	if (alen >= sizeof(abuf))
		return diag("'%s' is not a valid subnet (address too long)", src);
	memcpy(abuf, src, alen);
	abuf[alen] = '\0';
	ip_address a;
	diag_t d = ttoaddress_num(abuf, afi, &a);
	if (d != NULL)
		return diag_prefix(d, "invalid subnet '%s'", src);
	unsigned long prefix = address_bits(&a);
	if (slash != NULL) {
		const char *p = slash + 1;
		if (!parse_uint(p, strlen(p), address_bits(&a), &prefix))
			return diag("'%s' has an invalid prefix length '%s' (0..%u for %s)",
				    src, p, address_bits(&a), afi_name(a.family));
	}
	if (!host_bits_zero(&a, (unsigned)prefix))
		return diag("%s has host bits set", src);
	*out = (ip_subnet){ .addr = a, .prefix = (uint8_t)prefix };
	return NULL;
}

bool subnet_is_unset(const ip_subnet *s)
{
	return address_is_unset(&s->addr);
}

bool subnet_eq(const ip_subnet *a, const ip_subnet *b)
{
	return a->prefix == b->prefix && address_eq(&a->addr, &b->addr);
}

bool subnet_is_all(const ip_subnet *s)
{
	return !subnet_is_unset(s) && s->prefix == 0;
}

bool subnet_is_host(const ip_subnet *s)
{
	return !subnet_is_unset(s) && s->prefix == address_bits(&s->addr);
}

static bool prefix_match(const ip_address *net, const ip_address *a, unsigned prefix)
{
	if (net->family != a->family || address_is_unset(a))
		return false;
	unsigned full = prefix / 8, rest = prefix % 8;
	if (memcmp(net->bytes, a->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (net->bytes[full] & mask) == (a->bytes[full] & mask);
}

bool subnet_contains_address(const ip_subnet *s, const ip_address *a)
{
	return prefix_match(&s->addr, a, s->prefix);
}

bool subnet_contains_subnet(const ip_subnet *outer, const ip_subnet *inner)
{
	return inner->prefix >= outer->prefix &&
		prefix_match(&outer->addr, &inner->addr, outer->prefix);
}

ip_subnet subnet_from_address(const ip_address *a)
{
	return (ip_subnet){ .addr = *a, .prefix = (uint8_t)address_bits(a) };
}

ip_address subnet_floor(const ip_subnet *s)
{
	return s->addr;
}

ip_address subnet_ceiling(const ip_subnet *s)
{
	ip_address a = s->addr;
	unsigned bits = address_bits(&a);
	for (unsigned i = s->prefix; i < bits; i++)
		a.bytes[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return a;
}

void jam_subnet(struct jambuf *b, const ip_subnet *s)
{
	jam_address(b, &s->addr);
	if (!subnet_is_unset(s))
		jam(b, "/%u", s->prefix);
}

const char *str_subnet(const ip_subnet *s, subnet_buf *buf)
{
	struct jambuf b = jambuf_init(buf->buf, sizeof(buf->buf));
	jam_subnet(&b, s);
	return buf->buf;
}

/* ---- endpoints ---- */

diag_t ttoendpoint_num(const char *src, int afi, ip_endpoint *out)
{
	if (src == NULL || src[0] == '\0')
		return diag("empty endpoint");
	char abuf[64];
	const char *port;
	size_t alen;
	if (src[0] == '[') {
		const char *close = strchr(src, ']');
		if (close == NULL || close[1] != ':')
			return diag("'%s' is not a valid endpoint (expecting [ADDRESS]:PORT)", src);
		alen = (size_t)(close - src - 1);
		if (alen >= sizeof(abuf))
			return diag("'%s' is not a valid endpoint", src);
		memcpy(abuf, src + 1, alen);
		port = close + 2;
	} else {
		const char *colon = strchr(src, ':');
		if (colon == NULL)
			return diag("'%s' is not a valid endpoint (expecting ADDRESS:PORT)", src);
		if (strchr(colon + 1, ':') != NULL)
			return diag("'%s' is not a valid endpoint (an IPv6 address needs [brackets])", src);
		alen = (size_t)(colon - src);
		if (alen >= sizeof(abuf))
			return diag("'%s' is not a valid endpoint", src);
		memcpy(abuf, src, alen);
		port = colon + 1;
	}
	abuf[alen] = '\0';
	ip_address a;
	diag_t d = ttoaddress_num(abuf, afi, &a);
	if (d != NULL)
		return diag_prefix(d, "invalid endpoint '%s'", src);
	unsigned long p;
	if (!parse_uint(port, strlen(port), 65535, &p))
		return diag("'%s' has an invalid port '%s' (0..65535)", src, port);
	*out = (ip_endpoint){ .addr = a, .port = (uint16_t)p };
	return NULL;
}

int endpoint_cmp(const ip_endpoint *a, const ip_endpoint *b)
{
	int c = address_cmp(&a->addr, &b->addr);
	if (c != 0)
		return c;
	return a->port < b->port ? -1 : a->port > b->port ? 1 : 0;
}

bool endpoint_eq(const ip_endpoint *a, const ip_endpoint *b)
{
	return endpoint_cmp(a, b) == 0;
}

void jam_endpoint(struct jambuf *b, const ip_endpoint *e)
{
	if (e->addr.family == AF_INET6) {
		jam_char(b, '[');
		jam_address(b, &e->addr);
		jam(b, "]:%u", e->port);
	} else {
		jam_address(b, &e->addr);
		jam(b, ":%u", e->port);
	}
}

const char *str_endpoint(const ip_endpoint *e, endpoint_buf *buf)
{
	struct jambuf b = jambuf_init(buf->buf, sizeof(buf->buf));
	jam_endpoint(&b, e);
	return buf->buf;
}

diag_t endpoint_from_sockaddr(const struct sockaddr *sa, socklen_t len, ip_endpoint *out)
{
	if (sa == NULL || len < (socklen_t)sizeof(sa_family_t))
		return diag("socket address too short (%u bytes)", (unsigned)len);
	if (sa->sa_family == AF_INET) {
		if (len < (socklen_t)sizeof(struct sockaddr_in))
			return diag("IPv4 socket address too short (%u bytes)", (unsigned)len);
		struct sockaddr_in sin;
		memcpy(&sin, sa, sizeof(sin));
		*out = (ip_endpoint){ .addr = address_from_in_addr(&sin.sin_addr),
				      .port = ntohs(sin.sin_port) };
		return NULL;
	}
	if (sa->sa_family == AF_INET6) {
		if (len < (socklen_t)sizeof(struct sockaddr_in6))
			return diag("IPv6 socket address too short (%u bytes)", (unsigned)len);
		struct sockaddr_in6 sin6;
		memcpy(&sin6, sa, sizeof(sin6));
		*out = (ip_endpoint){ .addr = address_from_in6_addr(&sin6.sin6_addr),
				      .port = ntohs(sin6.sin6_port) };
		return NULL;
	}
	return diag("socket address family %u is not IPv4 or IPv6", (unsigned)sa->sa_family);
}

socklen_t endpoint_to_sockaddr(const ip_endpoint *e, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (e->addr.family == AF_INET) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(e->port) };
		memcpy(&sin.sin_addr, e->addr.bytes, 4);
		memcpy(ss, &sin, sizeof(sin));
		return sizeof(sin);
	}
	if (e->addr.family == AF_INET6) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(e->port) };
		memcpy(&sin6.sin6_addr, e->addr.bytes, 16);
		memcpy(ss, &sin6, sizeof(sin6));
		return sizeof(sin6);
	}
	return 0;
}

/* ---- protocols, ports, selectors ---- */

static const struct { const char *name; const char *print; uint8_t num; } protocols[] = {
	{ "icmp", "ICMP", 1 }, { "ipip", "IPIP", 4 }, { "tcp", "TCP", 6 },
	{ "udp", "UDP", 17 }, { "ipv6", "IPV6", 41 }, { "gre", "GRE", 47 },
	{ "esp", "ESP", 50 }, { "ah", "AH", 51 }, { "ipv6-icmp", "IPV6_ICMP", 58 },
	{ "icmpv6", "IPV6_ICMP", 58 }, { "sctp", "SCTP", 132 },
	{ "udplite", "UDPLITE", 136 }, { "ipcomp", "COMP", 108 },
};

static const struct { const char *name; uint16_t port; } services[] = {
	{ "ftp", 21 }, { "ssh", 22 }, { "telnet", 23 }, { "smtp", 25 },
	{ "domain", 53 }, { "bootps", 67 }, { "bootpc", 68 }, { "http", 80 },
	{ "ntp", 123 }, { "snmp", 161 }, { "bgp", 179 }, { "https", 443 },
	{ "isakmp", 500 }, { "l2tp", 1701 }, { "ipsec-nat-t", 4500 },
};

diag_t ttoprotoport(const char *src, uint8_t *ipproto, uint16_t *port)
{
	if (src == NULL || src[0] == '\0')
		return diag("empty protocol/port");
	const char *slash = strchr(src, '/');
	size_t plen = slash != NULL ? (size_t)(slash - src) : strlen(src);
	unsigned long proto = 256;
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (strlen(protocols[i].name) == plen &&
		    strncasecmp(protocols[i].name, src, plen) == 0)
			proto = protocols[i].num;
	if (proto == 256 && strncmp(src, "%any", plen) == 0 && plen == 4)
		proto = 0;
	if (proto == 256 && !parse_uint(src, plen, 255, &proto))
		return diag("'%.*s' is not a known IP protocol in '%s' (tcp, udp, icmp, ..., or 0..255)",
			    (int)plen, src, src);
	unsigned long p = 0;
	if (slash != NULL) {
		const char *ps = slash + 1;
		if (strcmp(ps, "%any") == 0) {
			p = 0;
		} else {
			bool found = false;
			for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
				if (strcasecmp(services[i].name, ps) == 0) {
					p = services[i].port;
					found = true;
				}
			if (!found && !parse_uint(ps, strlen(ps), 65535, &p))
				return diag("'%s' is not a valid port in '%s' (0..65535, a service name, or %%any)",
					    ps, src);
		}
		if (p != 0 && proto != 6 && proto != 17 && proto != 132 && proto != 136 &&
		    proto != 1 && proto != 58)
			return diag("'%s': a port needs a protocol with ports (tcp, udp, sctp, icmp)", src);
	}
	*ipproto = (uint8_t)proto;
	*port = (uint16_t)p;
	return NULL;
}

diag_t ttoselector(const char *src, int afi, ip_selector *out)
{
	if (src == NULL || src[0] == '\0')
		return diag("empty selector");
	/* SUBNET[/PREFIX][/PROTO/PORT]: the protocol starts after the
	 * second '/' (a subnet has at most one) */
	const char *first = strchr(src, '/');
	const char *second = first != NULL ? strchr(first + 1, '/') : NULL;
	char sbuf[80];
	size_t slen = second != NULL ? (size_t)(second - src) : strlen(src);
	if (slen >= sizeof(sbuf))
		return diag("'%s' is not a valid selector", src);
	memcpy(sbuf, src, slen);
	sbuf[slen] = '\0';
	ip_selector sel = { 0 };
	diag_t d = ttosubnet(sbuf, afi, &sel.subnet);
	if (d != NULL)
		return d;
	if (second != NULL) {
		d = ttoprotoport(second + 1, &sel.ipproto, &sel.port);
		if (d != NULL)
			return diag_prefix(d, "invalid selector '%s'", src);
	}
	*out = sel;
	return NULL;
}

bool selector_eq(const ip_selector *a, const ip_selector *b)
{
	return subnet_eq(&a->subnet, &b->subnet) && a->ipproto == b->ipproto && a->port == b->port;
}

ip_selector selector_from_subnet(const ip_subnet *s)
{
	return (ip_selector){ .subnet = *s };
}

void jam_ipproto(struct jambuf *b, uint8_t ipproto)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (protocols[i].num == ipproto) {
			jam_str(b, protocols[i].print);
			return;
		}
	jam(b, "%u", ipproto);
}

void jam_selector(struct jambuf *b, const ip_selector *s)
{
	jam_subnet(b, &s->subnet);
	if (s->ipproto == 0 && s->port == 0)
		return;
	jam_char(b, '/');
	jam_ipproto(b, s->ipproto);
	jam(b, "/%u", s->port);
}

const char *str_selector(const ip_selector *s, selector_buf *buf)
{
	struct jambuf b = jambuf_init(buf->buf, sizeof(buf->buf));
	jam_selector(&b, s);
	return buf->buf;
}
