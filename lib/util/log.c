/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include "tern/log.h"

unsigned tern_debugging;

const struct logger global_logger = { 0 };

#define MAX_SINKS 8
static struct { log_sink_fn fn; void *ctx; } sinks[MAX_SINKS];
static unsigned nr_sinks;

bool log_add_sink(log_sink_fn fn, void *ctx)
{
	if (nr_sinks >= MAX_SINKS)
		return false;
	sinks[nr_sinks].fn = fn;
	sinks[nr_sinks].ctx = ctx;
	nr_sinks++;
	return true;
}

void log_remove_sink(log_sink_fn fn, void *ctx)
{
	for (unsigned i = 0; i < nr_sinks; i++) {
		if (sinks[i].fn == fn && sinks[i].ctx == ctx) {
			memmove(&sinks[i], &sinks[i + 1], (nr_sinks - i - 1) * sizeof(sinks[0]));
			nr_sinks--;
			return;
		}
	}
}

static size_t jam_line_start(struct jambuf *b, const struct logger *l, enum log_severity sev)
{
	if (sev == LOG_SEV_DEBUG)
		jam_str(b, "| ");
	if (l != NULL && l->jam_prefix != NULL)
		l->jam_prefix(b, l->object);
	size_t msg = jambuf_mark(b);
	if (sev == LOG_SEV_WARNING)
		jam_str(b, "WARNING: ");
	else if (sev == LOG_SEV_ERROR)
		jam_str(b, "ERROR: ");
	else if (sev == LOG_SEV_FATAL)
		jam_str(b, "FATAL ERROR: ");
	return msg;
}

static void emit(const struct logger *l, enum log_severity sev, struct jambuf *b, size_t msg)
{
	/* one log line per call: fold embedded newlines */
	for (size_t i = 0; i < b->len; i++)
		if (b->buf[i] == '\n')
			b->buf[i] = ' ';
	struct log_line line = {
		.severity = sev,
		.logger = l != NULL ? l : &global_logger,
		.text = b->buf,
		.len = b->len,
		.message = b->buf + msg,
	};
	for (unsigned i = 0; i < nr_sinks; i++)
		sinks[i].fn(sinks[i].ctx, &line);
}

void llogv(const struct logger *l, enum log_severity sev, const char *fmt, va_list ap)
{
	JAMBUF(b, 2048);
	size_t msg = jam_line_start(&b, l, sev);
	jamv(&b, fmt, ap);
	emit(l, sev, &b, msg);
}

void llog(const struct logger *l, enum log_severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	llogv(l, sev, fmt, ap);
	va_end(ap);
}

void llog_diag(const struct logger *l, enum log_severity sev, diag_t *d, const char *fmt, ...)
{
	JAMBUF(b, 2048);
	size_t msg = jam_line_start(&b, l, sev);
	va_list ap;
	va_start(ap, fmt);
	jamv(&b, fmt, ap);
	va_end(ap);
	if (b.len > msg)
		jam_str(&b, ": ");
	jam_str(&b, diag_str(*d));
	emit(l, sev, &b, msg);
	diag_free(d);
}

/* message offset kept in the log_jam: the array holds the prefix too */
void log_jam_begin(struct log_jam *j, const struct logger *l, enum log_severity sev)
{
	j->logger = l;
	j->sev = sev;
	j->buf = jambuf_init(j->array, sizeof(j->array));
	j->done = (int)jam_line_start(&j->buf, l, sev) + 1;	/* never 0 */
}

void log_jam_end(struct log_jam *j)
{
	emit(j->logger, j->sev, &j->buf, (size_t)(j->done - 1));
	j->done = -1;
}

static const struct { const char *name; unsigned mask; } debug_names[] = {
	{ "none", 0 },
	{ "all", DBG_ALL },
	{ "base", DBG_BASE },
	{ "crypt", DBG_CRYPT },
	{ "private", DBG_PRIVATE },
};

bool parse_debug_classes(const char *s, unsigned *out)
{
	unsigned mask = 0;
	char word[32];
	while (*s != '\0') {
		size_t n = strcspn(s, ", \t+");
		if (n > 0) {
			if (n >= sizeof(word))
				return false;
			memcpy(word, s, n);
			word[n] = '\0';
			bool neg = false;
			const char *w = word;
			if (strncasecmp(w, "no-", 3) == 0) {
				neg = true;
				w += 3;
			}
			bool found = false;
			for (size_t i = 0; i < sizeof(debug_names) / sizeof(debug_names[0]); i++) {
				if (strcasecmp(w, debug_names[i].name) == 0) {
					if (neg)
						mask &= ~debug_names[i].mask;
					else if (debug_names[i].mask == 0)
						mask = 0;
					else
						mask |= debug_names[i].mask;
					found = true;
					break;
				}
			}
			if (!found)
				return false;
		}
		s += n;
		if (*s != '\0')
			s++;
	}
	*out = mask;
	return true;
}

void jam_debug_classes(struct jambuf *b, unsigned mask)
{
	if (mask == 0) {
		jam_str(b, "none");
		return;
	}
	const char *sep = "";
	for (size_t i = 2; i < sizeof(debug_names) / sizeof(debug_names[0]); i++) {
		if (mask & debug_names[i].mask) {
			jam(b, "%s%s", sep, debug_names[i].name);
			sep = "+";
		}
	}
}
