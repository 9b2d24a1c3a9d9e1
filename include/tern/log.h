/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one logging API.
 *
 * Every object that logs (the daemon itself, a connection, an IKE SA, a
 * Child SA, a whack command) has a struct logger.  A logger knows how to
 * write its prefix ('"west-east" #1: ') and its structured fields (CONN,
 * SERIAL, PEER) and may carry the whack client that asked for the work,
 * which then sees the lines live.  Lines go to every registered sink
 * (journal, logfile, stderr, whack); lib/ only formats, the program
 * decides where lines go.
 *
 *   llog(logger, LOG_INFO, "added IKEv2 connection");
 *   ldbg(logger, "sending %zu bytes", len);        -- "| " line, DBG_BASE
 *   if (dbg(DBG_CRYPT)) { ... }
 */
#ifndef TERN_LOG_H
#define TERN_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include "tern/jambuf.h"
#include "tern/diag.h"

enum log_severity {
	LOG_SEV_DEBUG,	/* "| " lines, only when a debug class is on */
	LOG_SEV_INFO,
	LOG_SEV_WARNING,	/* prefixed "WARNING: " */
	LOG_SEV_ERROR,	/* prefixed "ERROR: " */
	LOG_SEV_FATAL,	/* prefixed "FATAL ERROR: " (the program then exits) */
};

/* plutodebug= classes */
enum {
	DBG_BASE = 1u << 0,
	DBG_CRYPT = 1u << 1,	/* key material fingerprints, not secrets */
	DBG_PRIVATE = 1u << 2,	/* secrets themselves: only on request */
	DBG_ALL = DBG_BASE | DBG_CRYPT,	/* "all" excludes private */
};
extern unsigned tern_debugging;
static inline bool dbg(unsigned mask) { return (tern_debugging & mask) != 0; }
/* parse "all", "base", "crypt", "private", "none", "all,private", "base crypt" */
bool parse_debug_classes(const char *s, unsigned *out);
/* "none" | "base+crypt" ... */
void jam_debug_classes(struct jambuf *b, unsigned mask);

struct log_fields {
	const char *conn;	/* connection name, or NULL */
	const char *instance;	/* "[1]" for template instances, or NULL */
	unsigned long serial;	/* SA serial, 0 = none */
	const char *peer;	/* peer address, or NULL */
};

struct log_client;	/* opaque: a whack client owned by the program */

struct logger {
	/* writes the prefix, e.g. '"conn" #2: '; NULL for none */
	void (*jam_prefix)(struct jambuf *b, const void *object);
	/* fills structured fields; NULL for none */
	void (*fields)(const void *object, struct log_fields *f);
	const void *object;
	struct log_client *client;	/* attached whack client, or NULL */
};

/* a logger with no prefix and no client: the daemon's own voice */
extern const struct logger global_logger;

struct log_line {
	enum log_severity severity;
	const struct logger *logger;
	const char *text;	/* full line including prefix, no newline */
	size_t len;
	const char *message;	/* text after the prefix */
};

typedef void (*log_sink_fn)(void *ctx, const struct log_line *line);
/* sinks are called in registration order; at most 8 */
bool log_add_sink(log_sink_fn fn, void *ctx);
void log_remove_sink(log_sink_fn fn, void *ctx);

void llog(const struct logger *l, enum log_severity sev, const char *fmt, ...)
	TERN_PRINTF(3, 4);
void llogv(const struct logger *l, enum log_severity sev, const char *fmt, va_list ap)
	TERN_PRINTF(3, 0);
/* log a diag and free it */
void llog_diag(const struct logger *l, enum log_severity sev, diag_t *d, const char *fmt, ...)
	TERN_PRINTF(4, 5);

#define ldbg(l, ...) \
	do { if (dbg(DBG_BASE)) llog((l), LOG_SEV_DEBUG, __VA_ARGS__); } while (0)
#define ldbg_class(cls, l, ...) \
	do { if (dbg(cls)) llog((l), LOG_SEV_DEBUG, __VA_ARGS__); } while (0)

/* a line built piece by piece: LLOG_JAMBUF(l, sev, buf) { jam(buf, ...); } */
struct log_jam {
	const struct logger *logger;
	enum log_severity sev;
	struct jambuf buf;
	char array[1024];
	int done;
};
void log_jam_begin(struct log_jam *j, const struct logger *l, enum log_severity sev);
void log_jam_end(struct log_jam *j);
#define LLOG_JAMBUF(l, sev, b) \
	for (struct log_jam b##_j_ = {.done = 0}; \
	     b##_j_.done == 0 && (log_jam_begin(&b##_j_, (l), (sev)), 1); \
	     log_jam_end(&b##_j_)) \
		for (struct jambuf *b = &b##_j_.buf; b != NULL; b = NULL)

#endif
