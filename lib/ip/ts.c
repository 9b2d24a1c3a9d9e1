/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Traffic selector ranges and narrowing (see tern/ts.h). */
#include <string.h>

#include "tern/ts.h"

static int addr_cmp(const ip_address *a, const ip_address *b)
{
	return memcmp(a->bytes, b->bytes, address_len(a));
}

ip_ts ts_from_selector(const ip_selector *s)
{
	ip_ts ts = {
		.start = subnet_floor(&s->subnet),
		.end = subnet_ceiling(&s->subnet),
		.ipproto = s->ipproto,
		.start_port = s->port,
		.end_port = s->port == 0 ? 65535 : s->port,
	};
	return ts;
}

bool ts_is_valid(const ip_ts *ts)
{
	if (ts->start.family != AF_INET && ts->start.family != AF_INET6)
		return false;
	if (ts->end.family != ts->start.family)
		return false;
	return addr_cmp(&ts->start, &ts->end) <= 0 && ts->start_port <= ts->end_port;
}

/* the prefix length of start..end when it is one CIDR block, else -1 */
static int range_prefix(const ip_address *start, const ip_address *end)
{
	unsigned bits = address_bits(start);
	unsigned p = 0;
	/* the common leading bits */
	while (p < bits) {
		uint8_t m = (uint8_t)(0x80 >> (p % 8));
		if ((start->bytes[p / 8] & m) != (end->bytes[p / 8] & m))
			break;
		p++;
	}
	/* then start all zeros and end all ones */
	for (unsigned i = p; i < bits; i++) {
		uint8_t m = (uint8_t)(0x80 >> (i % 8));
		if ((start->bytes[i / 8] & m) != 0 || (end->bytes[i / 8] & m) == 0)
			return -1;
	}
	return (int)p;
}

bool ts_to_selector(const ip_ts *ts, ip_selector *out)
{
	if (!ts_is_valid(ts))
		return false;
	int prefix = range_prefix(&ts->start, &ts->end);
	if (prefix < 0)
		return false;
	uint16_t port;
	if (ts->start_port == 0 && ts->end_port == 65535)
		port = 0;
	else if (ts->start_port == ts->end_port && ts->start_port != 0)
		port = ts->start_port;
	else
		return false;
	if (port != 0 && ts->ipproto == 0)
		return false;	/* a port needs a protocol */
	*out = (ip_selector){
		.subnet = { .addr = ts->start, .prefix = (uint8_t)prefix },
		.ipproto = ts->ipproto,
		.port = port,
	};
	return true;
}

bool ts_eq(const ip_ts *a, const ip_ts *b)
{
	return a->start.family == b->start.family && address_eq(&a->start, &b->start) &&
	       address_eq(&a->end, &b->end) && a->ipproto == b->ipproto &&
	       a->start_port == b->start_port && a->end_port == b->end_port;
}

bool ts_contains(const ip_ts *outer, const ip_ts *inner)
{
	if (!ts_is_valid(outer) || !ts_is_valid(inner) || outer->start.family != inner->start.family)
		return false;
	if (addr_cmp(&outer->start, &inner->start) > 0 || addr_cmp(&outer->end, &inner->end) < 0)
		return false;
	if (outer->ipproto != 0 && outer->ipproto != inner->ipproto)
		return false;
	return outer->start_port <= inner->start_port && outer->end_port >= inner->end_port;
}

bool ts_intersect(const ip_ts *a, const ip_ts *b, ip_ts *out)
{
	if (!ts_is_valid(a) || !ts_is_valid(b) || a->start.family != b->start.family)
		return false;
	if (a->ipproto != 0 && b->ipproto != 0 && a->ipproto != b->ipproto)
		return false;
	ip_ts r = {
		.start = addr_cmp(&a->start, &b->start) >= 0 ? a->start : b->start,
		.end = addr_cmp(&a->end, &b->end) <= 0 ? a->end : b->end,
		.ipproto = a->ipproto != 0 ? a->ipproto : b->ipproto,
		.start_port = a->start_port > b->start_port ? a->start_port : b->start_port,
		.end_port = a->end_port < b->end_port ? a->end_port : b->end_port,
	};
	if (!ts_is_valid(&r))
		return false;
	*out = r;
	return true;
}

enum ts_fit ts_responder_fit(const ip_ts *proposed, unsigned n, const ip_selector *ours,
			     bool narrowing, ip_selector *out)
{
	ip_ts mine = ts_from_selector(ours);
	enum ts_fit best = TS_FIT_NONE;
	for (unsigned i = 0; i < n; i++) {
		if (ts_eq(&proposed[i], &mine)) {
			best = TS_FIT_EXACT;
			break;
		}
		if (narrowing && ts_contains(&proposed[i], &mine))
			best = TS_FIT_NARROWED;
	}
	if (best != TS_FIT_NONE)
		*out = *ours;
	return best;
}

enum ts_fit ts_initiator_fit(const ip_ts *answer, unsigned n, const ip_selector *ours,
			     bool narrowing, ip_selector *out)
{
	ip_ts mine = ts_from_selector(ours);
	for (unsigned i = 0; i < n; i++) {
		if (ts_eq(&answer[i], &mine)) {
			*out = *ours;
			return TS_FIT_EXACT;
		}
	}
	if (!narrowing)
		return TS_FIT_NONE;
	for (unsigned i = 0; i < n; i++) {
		ip_selector s;
		if (ts_contains(&mine, &answer[i]) && ts_to_selector(&answer[i], &s)) {
			*out = s;
			return TS_FIT_NARROWED;
		}
	}
	return TS_FIT_NONE;
}

void jam_ts(struct jambuf *b, const ip_ts *ts)
{
	jam_address(b, &ts->start);
	jam_char(b, '-');
	jam_address(b, &ts->end);
	jam(b, ":%u-%u %u", ts->start_port, ts->end_port, ts->ipproto);
}
