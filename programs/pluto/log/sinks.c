/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#include "log/sinks.h"

void jam_logtime(struct jambuf *b, const struct timespec *ts)
{
	struct tm tm;
	char when[64];
	time_t t = ts->tv_sec;
	localtime_r(&t, &tm);
	if (strftime(when, sizeof(when), "%b %e %H:%M:%S", &tm) == 0)
		when[0] = '\0';
	jam(b, "%s.%06ld: ", when, ts->tv_nsec / 1000);
}

int log_severity_priority(enum log_severity sev)
{
	switch (sev) {
	case LOG_SEV_FATAL:
		return 2;	/* LOG_CRIT */
	case LOG_SEV_ERROR:
		return 3;
	case LOG_SEV_WARNING:
		return 4;
	case LOG_SEV_INFO:
		return 6;
	case LOG_SEV_DEBUG:
		return 7;
	}
	return 6;
}

void journal_entry_build(const struct log_line *line, struct journal_entry *e)
{
	static const char ident[] = "SYSLOG_IDENTIFIER=pluto";
	memset(e, 0, sizeof(*e));
	if (asprintf(&e->message, "MESSAGE=%.*s", (int)line->len, line->text) < 0)
		abort();
	e->iov[e->n++] = (struct iovec){ e->message, strlen(e->message) };
	snprintf(e->priority, sizeof(e->priority), "PRIORITY=%d",
		 log_severity_priority(line->severity));
	e->iov[e->n++] = (struct iovec){ e->priority, strlen(e->priority) };
	e->iov[e->n++] = (struct iovec){ (void *)ident, sizeof(ident) - 1 };

	struct log_fields f = { 0 };
	if (line->logger != NULL && line->logger->fields != NULL)
		line->logger->fields(line->logger->object, &f);
	if (f.conn != NULL) {
		snprintf(e->conn, sizeof(e->conn), "CONN=%s%s", f.conn,
			 f.instance != NULL ? f.instance : "");
		e->iov[e->n++] = (struct iovec){ e->conn, strlen(e->conn) };
	}
	if (f.serial != 0) {
		snprintf(e->serial, sizeof(e->serial), "SERIAL=%lu", f.serial);
		e->iov[e->n++] = (struct iovec){ e->serial, strlen(e->serial) };
	}
	if (f.peer != NULL) {
		snprintf(e->peer, sizeof(e->peer), "PEER=%s", f.peer);
		e->iov[e->n++] = (struct iovec){ e->peer, strlen(e->peer) };
	}
}

void journal_entry_free(struct journal_entry *e)
{
	free(e->message);
	e->message = NULL;
}

bool journal_available(void)
{
	return access("/run/systemd/journal/socket", F_OK) == 0;
}

/* ---- the sinks ---- */

static struct {
	FILE *logfile;
	char *logfile_name;
	bool logtime;
	bool to_stderr;
	bool to_journal;
} sinks;

static void write_line(FILE *f, const struct log_line *line)
{
	JAMBUF(b, 64);
	if (sinks.logtime) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		jam_logtime(&b, &ts);
	}
	fprintf(f, "%s%.*s\n", jambuf_str(&b), (int)line->len, line->text);
	fflush(f);
}

static void stderr_sink(void *ctx, const struct log_line *line)
{
	(void)ctx;
	if (sinks.to_stderr)
		write_line(stderr, line);
}

static void file_sink(void *ctx, const struct log_line *line)
{
	(void)ctx;
	if (sinks.logfile != NULL)
		write_line(sinks.logfile, line);
}

static void journal_sink(void *ctx, const struct log_line *line)
{
	(void)ctx;
	struct journal_entry e;
	journal_entry_build(line, &e);
	/* nothing useful to do when the journal is gone */
	(void)sd_journal_sendv(e.iov, (int)e.n);
	journal_entry_free(&e);
}

diag_t log_sinks_start(const struct log_sink_settings *s)
{
	sinks.logtime = s->logtime;
	if (s->logfile != NULL) {
		FILE *f = fopen(s->logfile, s->logappend ? "ae" : "we");
		if (f == NULL)
			return diag("cannot open logfile \"%s\": %s", s->logfile, strerror(errno));
		sinks.logfile = f;
		sinks.logfile_name = strdup(s->logfile);
		log_add_sink(file_sink, NULL);
	}
	sinks.to_journal = s->journal || (s->logfile == NULL && journal_available());
	if (sinks.to_journal)
		log_add_sink(journal_sink, NULL);
	sinks.to_stderr = s->stderrlog || (s->logfile == NULL && !sinks.to_journal);
	if (sinks.to_stderr)
		log_add_sink(stderr_sink, NULL);
	return NULL;
}

void log_sinks_detach_stderr(void)
{
	sinks.to_stderr = false;
}

void log_sinks_stop(void)
{
	log_remove_sink(stderr_sink, NULL);
	log_remove_sink(file_sink, NULL);
	log_remove_sink(journal_sink, NULL);
	if (sinks.logfile != NULL)
		fclose(sinks.logfile);
	sinks.logfile = NULL;
	free(sinks.logfile_name);
	sinks.logfile_name = NULL;
}

void jam_log_sinks(struct jambuf *b)
{
	const char *sep = "";
	if (sinks.to_journal) {
		jam(b, "%sjournal", sep);
		sep = ", ";
	}
	if (sinks.logfile != NULL) {
		jam(b, "%sfile %s", sep, sinks.logfile_name);
		sep = ", ";
	}
	if (sinks.to_stderr)
		jam(b, "%sstderr", sep);
}
