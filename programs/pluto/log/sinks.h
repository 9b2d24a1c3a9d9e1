/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where pluto's log lines go: the journal, a logfile, stderr.  (The
 * whack-client sink lives with the control socket, ctl/ctl_server.c.)
 *
 * Default as Libreswan (which logs to syslog unless logfile= is set): the
 * journal when /run/systemd/journal/socket exists, else stderr.
 * --stderrlog adds stderr, logfile= / --logfile replaces the journal.
 *
 * The formatting helpers are pure and unit-tested
 * (testing/unit/pluto/test_log_sinks.c).
 */
#ifndef PLUTO_LOG_SINKS_H
#define PLUTO_LOG_SINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>
#include <time.h>
#include "tern/log.h"

/* "Nov 22 13:34:21.123456: " (local time), as Libreswan's logtime=yes */
void jam_logtime(struct jambuf *b, const struct timespec *ts);

/* syslog priority of a severity: ERROR 3, WARNING 4, INFO 6, DEBUG 7 */
int log_severity_priority(enum log_severity sev);

/*
 * The journal fields of one line: MESSAGE=, PRIORITY=,
 * SYSLOG_IDENTIFIER=pluto, and CONN=, SERIAL=, PEER= when the logger has
 * them (CONN includes the instance: 'rw[1]').
 */
#define JOURNAL_MAX_FIELDS 6
struct journal_entry {
	struct iovec iov[JOURNAL_MAX_FIELDS];
	size_t n;
	char priority[16];
	char conn[256];
	char serial[32];
	char peer[96];
	char *message;		/* "MESSAGE=" + text, heap */
};
void journal_entry_build(const struct log_line *line, struct journal_entry *e);
void journal_entry_free(struct journal_entry *e);

struct log_sink_settings {
	const char *logfile;	/* NULL = none */
	bool logtime;
	bool logappend;
	bool stderrlog;
	bool journal;		/* force the journal sink */
};

/* decide the default: journal when its socket exists */
bool journal_available(void);

/* install the sinks; a logfile that cannot be opened is a diag */
diag_t log_sinks_start(const struct log_sink_settings *s);
/* close the logfile, remove every sink installed here */
void log_sinks_stop(void);
/* the stderr sink stops (after fork, stderr becomes /dev/null) */
void log_sinks_detach_stderr(void);
/* names of the sinks in use, for status: "journal", "file /x", "stderr" */
void jam_log_sinks(struct jambuf *b);

#endif
