/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IP addresses, subnets, endpoints and selectors: parse and print.
 *
 * Pure value types (no allocation, copy with '='), no DNS.  Parsers
 * follow the diag_t convention (NULL = success, *out untouched on
 * failure) and name the offending text in the message, e.g.
 *
 *   "10.0.1.1/24 has host bits set"
 *
 * Printers write into a jambuf: IPv6 in RFC 5952 form (lower case, the
 * longest run of two or more zero groups shortened to "::", leftmost on
 * a tie); endpoints print as "192.0.2.1:500" and "[2001:db8::1]:500".
 *
 * The "afi" argument of parsers is AF_UNSPEC (accept either family),
 * AF_INET or AF_INET6.
 */
#ifndef TERN_IP_H
#define TERN_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "tern/diag.h"
#include "tern/jambuf.h"

/* an address; family 0 (AF_UNSPEC) means "unset" */
typedef struct ip_address {
	uint8_t family;		/* AF_UNSPEC (unset), AF_INET, AF_INET6 */
	uint8_t bytes[16];	/* network order; IPv4 uses the first 4 */
} ip_address;

/* address/prefix with all host bits zero */
typedef struct ip_subnet {
	ip_address addr;
	uint8_t prefix;		/* 0..32 or 0..128 */
} ip_subnet;

/* address and UDP/TCP port (host order) */
typedef struct ip_endpoint {
	ip_address addr;
	uint16_t port;
} ip_endpoint;

/* subnet plus IP protocol and port: traffic selector / leftprotoport */
typedef struct ip_selector {
	ip_subnet subnet;
	uint8_t ipproto;	/* 0 = any protocol */
	uint16_t port;		/* 0 = any port */
} ip_selector;

/* size of the buffer str_*() need, with the terminating NUL */
#define IP_ADDRESS_STRLEN 46	/* INET6_ADDRSTRLEN */
#define IP_SUBNET_STRLEN (IP_ADDRESS_STRLEN + 4)
#define IP_ENDPOINT_STRLEN (IP_ADDRESS_STRLEN + 8)
#define IP_SELECTOR_STRLEN (IP_SUBNET_STRLEN + 16)
typedef struct { char buf[IP_ADDRESS_STRLEN]; } address_buf;
typedef struct { char buf[IP_SUBNET_STRLEN]; } subnet_buf;
typedef struct { char buf[IP_ENDPOINT_STRLEN]; } endpoint_buf;
typedef struct { char buf[IP_SELECTOR_STRLEN]; } selector_buf;

/* ---- construction ---- */

extern const ip_address unset_address;
/* 0.0.0.0 or :: */
ip_address address_any(int afi);
/* from 4 or 16 network-order bytes; other lengths give the unset address */
ip_address address_from_bytes(int afi, const void *bytes, size_t len);
ip_address address_from_in_addr(const struct in_addr *in);
ip_address address_from_in6_addr(const struct in6_addr *in6);
/* 4 for IPv4, 16 for IPv6, 0 when unset */
size_t address_len(const ip_address *a);
/* 32, 128 or 0 */
unsigned address_bits(const ip_address *a);
/* "IPv4", "IPv6" or "unset" */
const char *afi_name(int afi);

/* ---- parsing ---- */

/* numeric address only: "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1" */
diag_t ttoaddress_num(const char *src, int afi, ip_address *out);
/*
 * "10.0.1.0/24", "2001:db8::/32"; a bare address is a host subnet (/32,
 * /128).  "%any"/"0.0.0.0/0" give the all-addresses subnet (IPv4 for
 * %any unless afi is AF_INET6).  Host bits set is an error.
 */
diag_t ttosubnet(const char *src, int afi, ip_subnet *out);
/* "192.0.2.1:500", "[2001:db8::1]:500", "2001:db8::1" needs brackets */
diag_t ttoendpoint_num(const char *src, int afi, ip_endpoint *out);
/*
 * PROTO/PORT as in leftprotoport=: "tcp", "17/1701", "udp/%any", "tcp/22",
 * "icmp/8"; protocol by name (tcp udp icmp ipv6-icmp sctp gre esp ah ...) or
 * number 0..255; port by number 0..65535, a few well-known names, or %any.
 */
diag_t ttoprotoport(const char *src, uint8_t *ipproto, uint16_t *port);
/* SUBNET or SUBNET/PROTO/PORT ("10.0.1.0/24/tcp/22") */
diag_t ttoselector(const char *src, int afi, ip_selector *out);

/* ---- predicates and comparison ---- */

static inline bool address_is_unset(const ip_address *a) { return a->family == 0; }
/* 0.0.0.0 or :: */
bool address_is_any(const ip_address *a);
/* set and not any */
bool address_is_specified(const ip_address *a);
bool address_is_loopback(const ip_address *a);
bool address_eq(const ip_address *a, const ip_address *b);
/* total order: unset < IPv4 < IPv6, then bytes */
int address_cmp(const ip_address *a, const ip_address *b);
bool subnet_eq(const ip_subnet *a, const ip_subnet *b);
bool subnet_is_unset(const ip_subnet *s);
/* prefix 0 */
bool subnet_is_all(const ip_subnet *s);
/* prefix equals address_bits() */
bool subnet_is_host(const ip_subnet *s);
bool subnet_contains_address(const ip_subnet *s, const ip_address *a);
/* inner entirely inside outer (same family) */
bool subnet_contains_subnet(const ip_subnet *outer, const ip_subnet *inner);
ip_subnet subnet_from_address(const ip_address *a);
/* the lowest and highest address of the subnet */
ip_address subnet_floor(const ip_subnet *s);
ip_address subnet_ceiling(const ip_subnet *s);
bool endpoint_eq(const ip_endpoint *a, const ip_endpoint *b);
int endpoint_cmp(const ip_endpoint *a, const ip_endpoint *b);
bool selector_eq(const ip_selector *a, const ip_selector *b);
ip_selector selector_from_subnet(const ip_subnet *s);

/* hash helpers for hash tables (stable within a process run) */
uint32_t address_hash(const ip_address *a);
uint32_t endpoint_hash(const ip_endpoint *e);

/* ---- sockaddr conversion ---- */

/* fails on a family other than AF_INET/AF_INET6 or a short length */
diag_t endpoint_from_sockaddr(const struct sockaddr *sa, socklen_t len, ip_endpoint *out);
/* returns the sockaddr length; 0 for an unset address */
socklen_t endpoint_to_sockaddr(const ip_endpoint *e, struct sockaddr_storage *ss);

/* ---- printing ---- */

/* "192.0.2.1", "2001:db8::1", "<unset-address>" */
void jam_address(struct jambuf *b, const ip_address *a);
/* "10.0.1.0/24" */
void jam_subnet(struct jambuf *b, const ip_subnet *s);
/* "192.0.2.1:500", "[2001:db8::1]:500" */
void jam_endpoint(struct jambuf *b, const ip_endpoint *e);
/* "10.0.1.0/24" when proto and port are 0, else "10.0.1.0/24/TCP/22" */
void jam_selector(struct jambuf *b, const ip_selector *s);
/* "TCP", "UDP", "ICMP", ...; the number for others */
void jam_ipproto(struct jambuf *b, uint8_t ipproto);
const char *str_address(const ip_address *a, address_buf *buf);
const char *str_subnet(const ip_subnet *s, subnet_buf *buf);
const char *str_endpoint(const ip_endpoint *e, endpoint_buf *buf);
const char *str_selector(const ip_selector *s, selector_buf *buf);

#endif
