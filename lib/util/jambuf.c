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

void jamv(struct jambuf *b, const char *fmt, va_list ap)
{
	if (b->size == 0 || b->truncated)
		return;
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
