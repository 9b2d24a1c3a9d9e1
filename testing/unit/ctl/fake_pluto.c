/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake pluto for the whack test: binds a SOCK_SEQPACKET control socket
 * and answers each request with scripted LOG lines and a RESULT, chosen
 * by the connection name in the request.  Every request it decodes is
 * also appended, one line each, to JOURNAL (so the test can check that a
 * rejected command line sent nothing).
 *
 *   fake_pluto SOCKET JOURNAL      serve until a SHUTDOWN request
 *   fake_pluto --stale SOCKET      bind, then exit leaving the socket file
 *                                  (a stale socket: connect is refused)
 *
 * Reply script (by --name):
 *   lines-N    N lines "line I of N", RESULT 0
 *   rc-N       RESULT N
 *   rc-text    RESULT 21 with a text
 *   close      one LOG line, then close without RESULT
 *   garbage    5 bytes that are not a message
 *   badseq     RESULT with the wrong sequence number
 *   severity   one line per severity, RESULT 0
 *   empty      an empty LOG line between two others, RESULT 0
 *   long       three lines of CTL_TEXT_MAX bytes ('a', 'b', 'c'), RESULT 0
 *   anything else / no name: RESULT 0
 * Every reply starts with a LOG line describing the decoded request:
 *   "request TYPE[ name=N][ config=C][ debug=D][ async]"
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "tern/ctl.h"

static uint8_t out[CTL_MSG_MAX];

static void send_msg(int fd, size_t len)
{
	if (len == 0) {
		fprintf(stderr, "fake_pluto: message did not fit\n");
		exit(2);
	}
	if (send(fd, out, len, MSG_NOSIGNAL) != (ssize_t)len)
		fprintf(stderr, "fake_pluto: send: %s\n", strerror(errno));
}

static void log_line(int fd, uint32_t seq, enum ctl_severity sev, const char *text)
{
	send_msg(fd, ctl_build_log(out, sizeof(out), seq, sev, text, strlen(text)));
}

static void result(int fd, uint32_t seq, int rc, const char *text)
{
	send_msg(fd, ctl_build_result(out, sizeof(out), seq, rc, text));
}

static int bind_socket(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "fake_pluto: path too long\n");
		exit(2);
	}
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(fd, 8) != 0) {
		fprintf(stderr, "fake_pluto: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

/* returns true when asked to shut down */
static bool serve(int fd, FILE *journal)
{
	static uint8_t in[CTL_MSG_MAX];
	ssize_t n = recv(fd, in, sizeof(in), MSG_TRUNC);
	if (n <= 0)
		return false;
	struct ctl_request req;
	diag_t d = ctl_decode_request(in, (size_t)n > sizeof(in) ? sizeof(in) : (size_t)n, &req);
	if (d != NULL) {
		/* as pluto does: refuse, say why, carry on */
		unsigned type;
		uint32_t seq = 0;
		diag_t h = ctl_decode_header(in, (size_t)n, &type, &seq);
		diag_free(&h);
		char line[600];
		snprintf(line, sizeof(line), "ERROR: bad whack message: %s", diag_str(d));
		log_line(fd, seq, CTL_SEV_ERROR, line);
		result(fd, seq, CTL_RC_BADWHACKMESSAGE, NULL);
		fprintf(journal, "rejected: %s\n", diag_str(d));
		fflush(journal);
		diag_free(&d);
		return false;
	}

	char desc[CTL_PATH_MAX + CTL_NAME_MAX + 600];
	int l = snprintf(desc, sizeof(desc), "request %s", ctl_request_type_name(req.type));
	if (req.has_name)
		l += snprintf(desc + l, sizeof(desc) - l, " name=%s", req.name);
	if (req.has_config)
		l += snprintf(desc + l, sizeof(desc) - l, " config=%s", req.config);
	if (req.has_debug)
		l += snprintf(desc + l, sizeof(desc) - l, " debug=%s", req.debug);
	if (req.async)
		snprintf(desc + l, sizeof(desc) - l, " async");
	fprintf(journal, "%s\n", desc);
	fflush(journal);
	log_line(fd, req.seq, CTL_SEV_INFO, desc);

	if (req.type == CTL_SHUTDOWN) {
		log_line(fd, req.seq, CTL_SEV_INFO, "shutting down");
		result(fd, req.seq, CTL_RC_OK, NULL);
		return true;
	}
	const char *name = req.has_name ? req.name : "";
	char line[100];
	if (strncmp(name, "lines-", 6) == 0) {
		long count = strtol(name + 6, NULL, 10);
		for (long i = 1; i <= count; i++) {
			snprintf(line, sizeof(line), "line %ld of %ld", i, count);
			log_line(fd, req.seq, CTL_SEV_INFO, line);
		}
		result(fd, req.seq, CTL_RC_OK, NULL);
	} else if (strncmp(name, "rc-", 3) == 0 && strcmp(name, "rc-text") != 0) {
		result(fd, req.seq, atoi(name + 3), NULL);
	} else if (strcmp(name, "rc-text") == 0) {
		result(fd, req.seq, CTL_RC_UNKNOWN_NAME, "no connection named \"rc-text\"");
	} else if (strcmp(name, "close") == 0) {
		/* nothing more: the caller closes */
	} else if (strcmp(name, "garbage") == 0) {
		memcpy(out, "junk!", 5);
		send_msg(fd, 5);
	} else if (strcmp(name, "badseq") == 0) {
		result(fd, req.seq + 1, CTL_RC_OK, NULL);
	} else if (strcmp(name, "severity") == 0) {
		log_line(fd, req.seq, CTL_SEV_DEBUG, "| a debug line");
		log_line(fd, req.seq, CTL_SEV_WARNING, "WARNING: a warning");
		log_line(fd, req.seq, CTL_SEV_ERROR, "ERROR: an error");
		result(fd, req.seq, CTL_RC_OK, NULL);
	} else if (strcmp(name, "empty") == 0) {
		log_line(fd, req.seq, CTL_SEV_INFO, "before");
		log_line(fd, req.seq, CTL_SEV_INFO, "");
		log_line(fd, req.seq, CTL_SEV_INFO, "after");
		result(fd, req.seq, CTL_RC_OK, NULL);
	} else if (strcmp(name, "long") == 0) {
		static char big[CTL_TEXT_MAX + 1];
		for (char c = 'a'; c <= 'c'; c++) {
			memset(big, c, CTL_TEXT_MAX);
			log_line(fd, req.seq, CTL_SEV_INFO, big);
		}
		result(fd, req.seq, CTL_RC_OK, NULL);
	} else {
		result(fd, req.seq, CTL_RC_OK, NULL);
	}
	return false;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--stale") == 0) {
		unlink(argv[2]);
		bind_socket(argv[2]);
		return 0;	/* the socket file stays, nobody listens */
	}
	if (argc != 3) {
		fprintf(stderr, "usage: fake_pluto SOCKET JOURNAL | --stale SOCKET\n");
		return 2;
	}
	FILE *journal = fopen(argv[2], "a");
	if (journal == NULL) {
		perror(argv[2]);
		return 2;
	}
	unlink(argv[1]);
	int lfd = bind_socket(argv[1]);
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("accept");
			return 2;
		}
		bool done = serve(fd, journal);
		close(fd);
		if (done)
			break;
	}
	close(lfd);
	unlink(argv[1]);
	fclose(journal);
	return 0;
}
