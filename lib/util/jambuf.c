/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include "tern/jambuf.h"

struct jambuf jambuf_init(char *array, size_t size)
{
	struct jambuf b = { .buf = array, .size = size, .len = 0, .truncated = false };
	if (size > 0)
		array[0] = '\0';
	return b;
}

static void mark_truncated(struct jambuf *b)
{
	b->truncated = true;
	if (b->size >= 4)
		memcpy(b->buf + b->size - 4, "...", 4);
	else if (b->size > 0)
		b->buf[b->size - 1] = '\0';	/* too small for "...": still a string */
	b->len = b->size > 0 ? b->size - 1 : 0;
}

void jam_mem(struct jambuf *b, const void *p, size_t n)
{
	if (b->size == 0 || b->truncated)
		return;
	size_t room = b->size - 1 - b->len;
	if (n > room) {
		memcpy(b->buf + b->len, p, room);
		mark_truncated(b);
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

/*
 * Most formats are text with %s and integers: jamv() formats those itself
 * (vsnprintf costs ~1-2 k instructions a call; `ipsec status` and every
 * log line go through here).  Any other conversion, flag, width or
 * precision anywhere in FMT sends the whole format to vsnprintf.
 */
static bool simple_format(const char *fmt)
{
	for (const char *p = strchr(fmt, '%'); p != NULL; p = strchr(p, '%')) {
		p++;
		if (*p == 'l' && p[1] == 'l')
			p += 2;
		else if (*p == 'l' || *p == 'z')
			p++;
		switch (*p) {
		case 'u':
			break;
		case 'd':
		case 's':
		case 'c':
		case '%':
			if (p[-1] == 'z' || (p[-1] == 'l' && *p != 'd'))
				return false;	/* %zd, %ls, %lc, %l%: vsnprintf's */
			break;
		default:
			return false;
		}
		p++;
	}
	return true;
}

static void jam_unsigned(struct jambuf *b, unsigned long long v)
{
	char t[24];
	char *end = t + sizeof(t), *q = end;
	do {
		*--q = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	jam_mem(b, q, (size_t)(end - q));
}

static void jam_signed(struct jambuf *b, long long v)
{
	if (v < 0) {
		jam_char(b, '-');
		jam_unsigned(b, 0ULL - (unsigned long long)v);
	} else {
		jam_unsigned(b, (unsigned long long)v);
	}
}

static void jam_simple(struct jambuf *b, const char *fmt, va_list ap)
{
	const char *p = fmt;
	while (*p != '\0' && !b->truncated) {
		const char *pct = strchr(p, '%');
		if (pct == NULL) {
			jam_str(b, p);
			return;
		}
		if (pct > p)
			jam_mem(b, p, (size_t)(pct - p));
		p = pct + 1;
		int size = 0;	/* 1: l, 2: ll, 3: z */
		if (*p == 'l' && p[1] == 'l') {
			size = 2;
			p += 2;
		} else if (*p == 'l') {
			size = 1;
			p++;
		} else if (*p == 'z') {
			size = 3;
			p++;
		}
		switch (*p++) {
		case '%':
			jam_char(b, '%');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			jam_str(b, s != NULL ? s : "(null)");	/* as glibc */
			break;
		}
		case 'c':
			jam_char(b, (char)va_arg(ap, int));
			break;
		case 'd':
			jam_signed(b, size == 2 ? va_arg(ap, long long) : size == 1 ? va_arg(ap, long)
										     : va_arg(ap, int));
			break;
		case 'u':
			jam_unsigned(b, size == 2 ? va_arg(ap, unsigned long long)
				     : size == 1 ? va_arg(ap, unsigned long)
				     : size == 3 ? va_arg(ap, size_t) : va_arg(ap, unsigned));
			break;
		}
	}
}

void jamv(struct jambuf *b, const char *fmt, va_list ap)
{
	if (b->size == 0 || b->truncated)
		return;
	if (simple_format(fmt)) {
		jam_simple(b, fmt, ap);
		return;
	}
	size_t room = b->size - b->len;
	int n = vsnprintf(b->buf + b->len, room, fmt, ap);
	if (n < 0) {
		b->buf[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		mark_truncated(b);
		return;
	}
	b->len += (size_t)n;
}

void jam(struct jambuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	jamv(b, fmt, ap);
	va_end(ap);
}

void jam_str(struct jambuf *b, const char *s)
{
	jam_mem(b, s, strlen(s));
}

void jam_char(struct jambuf *b, char c)
{
	jam_mem(b, &c, 1);
}

void jam_hex(struct jambuf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n && !b->truncated; i++) {
		char two[2] = { hex[p[i] >> 4], hex[p[i] & 0xf] };
		jam_mem(b, two, 2);
	}
}

void jam_sanitized(struct jambuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n && !b->truncated; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\')
			jam_str(b, "\\\\");
		else if (isprint(c))
			jam_char(b, (char)c);
		else
			jam(b, "\\%03o", c);
	}
}

void jambuf_rewind(struct jambuf *b, size_t mark)
{
	if (mark <= b->len && b->size > 0) {
		b->len = mark;
		b->buf[mark] = '\0';
		b->truncated = false;
	}
}
