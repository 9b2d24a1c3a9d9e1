/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jambuf: a bounded string builder.  Writes never overflow; output that
 * does not fit is cut and the buffer remembers it was truncated (the last
 * characters become "...").  Used for every log line and every status line.
 */
#ifndef TERN_JAMBUF_H
#define TERN_JAMBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERN_PRINTF(f, a) __attribute__((format(printf, f, a)))

struct jambuf {
	char *buf;	/* always NUL-terminated */
	size_t size;	/* capacity including the NUL */
	size_t len;	/* characters written (<= size - 1) */
	bool truncated;
};

struct jambuf jambuf_init(char *array, size_t size);
/* declare NAME as a jambuf over a local array of SIZE bytes */
#define JAMBUF(name, size) \
	char name##_array_[size]; \
	struct jambuf name = jambuf_init(name##_array_, sizeof(name##_array_))

void jam(struct jambuf *b, const char *fmt, ...) TERN_PRINTF(2, 3);
void jamv(struct jambuf *b, const char *fmt, va_list ap) TERN_PRINTF(2, 0);
void jam_str(struct jambuf *b, const char *s);
void jam_char(struct jambuf *b, char c);
void jam_mem(struct jambuf *b, const void *p, size_t n);
/* lower-case hex, no separators */
void jam_hex(struct jambuf *b, const uint8_t *p, size_t n);
/* printable form of untrusted text: non-printables become \ooo */
void jam_sanitized(struct jambuf *b, const char *s, size_t n);

static inline const char *jambuf_str(const struct jambuf *b) { return b->buf; }
/* where the buffer is now, and rewind to it (to undo a partial jam) */
static inline size_t jambuf_mark(const struct jambuf *b) { return b->len; }
void jambuf_rewind(struct jambuf *b, size_t mark);

#endif
