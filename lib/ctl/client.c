/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client side of the control protocol: one request, a stream of LOG
 * replies, one RESULT.  The only file of lib/ctl that uses sockets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "tern/ctl.h"

static int fail(diag_t *err, int rc, diag_t d)
{
	*err = d;
	return rc;
}

static int connect_ctl(const char *path, diag_t *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t plen = strlen(path);
	if (plen == 0)
		return -fail(err, CTL_RC_WHACK_PROBLEM, diag("control socket path is empty"));
	if (plen >= sizeof(sun.sun_path))
		return -fail(err, CTL_RC_WHACK_PROBLEM,
			     diag("control socket path too long (%zu bytes, at most %zu): %s",
				  plen, sizeof(sun.sun_path) - 1, path));
	memcpy(sun.sun_path, path, plen + 1);

	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -fail(err, CTL_RC_WHACK_PROBLEM, diag("socket(AF_UNIX, SOCK_SEQPACKET) failed: %s",
							     strerror(errno)));
	int r;
	do {
		r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		return fd;
	int e = errno;
	close(fd);
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ECONNREFUSED:	/* stale socket: pluto died without removing it */
		return -fail(err, CTL_RC_NOT_RUNNING,
			     diag("pluto is not running (no socket at %s)", path));
	case EACCES:
	case EPERM:
		return -fail(err, CTL_RC_WHACK_PROBLEM,
			     diag("no permission to talk to pluto at %s: %s", path, strerror(e)));
	case EPROTOTYPE:
		return -fail(err, CTL_RC_WHACK_PROBLEM,
			     diag("%s is not a SOCK_SEQPACKET socket (not a tern pluto?): %s",
				  path, strerror(e)));
	default:
		return -fail(err, CTL_RC_WHACK_PROBLEM,
			     diag("cannot connect to pluto at %s: %s", path, strerror(e)));
	}
}

int ctl_client_call(const char *sockpath, const struct ctl_request *req,
		    ctl_log_fn *on_log, void *ctx,
		    struct ctl_reply *result, diag_t *err)
{
	*err = NULL;
	/* encode first: a request we cannot build is never sent */
	uint8_t *buf = malloc(CTL_MSG_MAX);
	struct ctl_reply *reply = malloc(sizeof(*reply));
	if (buf == NULL || reply == NULL) {
		free(buf);
		free(reply);
		return fail(err, CTL_RC_WHACK_PROBLEM, diag("out of memory"));
	}
	int rc = CTL_RC_WHACK_PROBLEM;
	int fd = -1;
	size_t len;
	diag_t d = ctl_encode_request(req, buf, CTL_MSG_MAX, &len);
	if (d != NULL) {
		rc = fail(err, CTL_RC_WHACK_PROBLEM, d);
		goto out;
	}
	fd = connect_ctl(sockpath, err);
	if (fd < 0) {
		rc = -fd;
		fd = -1;
		goto out;
	}
	ssize_t n;
	do {
		n = send(fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) {
		rc = fail(err, CTL_RC_WHACK_PROBLEM,
			  diag("sending the %s request to pluto at %s failed: %s",
			       ctl_request_type_name(req->type), sockpath,
			       n < 0 ? strerror(errno) : "short write"));
		goto out;
	}
	unsigned long lines = 0;
	for (;;) {
		do {
			/* MSG_TRUNC: return the real datagram size even if it
			 * does not fit, so an oversized reply is detected */
			n = recv(fd, buf, CTL_MSG_MAX, MSG_TRUNC);
		} while (n < 0 && errno == EINTR);
		if (n < 0) {
			rc = fail(err, CTL_RC_WHACK_PROBLEM,
				  diag("reading the reply from pluto failed after %lu log lines: %s",
				       lines, strerror(errno)));
			goto out;
		}
		if (n == 0) {
			rc = fail(err, CTL_RC_WHACK_PROBLEM,
				  diag("pluto closed the connection without a result (after %lu log lines)",
				       lines));
			goto out;
		}
		if ((size_t)n > CTL_MSG_MAX) {
			rc = fail(err, CTL_RC_WHACK_PROBLEM,
				  diag("malformed reply from pluto: message too long: %zd bytes, the maximum is %d",
				       n, CTL_MSG_MAX));
			goto out;
		}
		d = ctl_decode_reply(buf, (size_t)n, reply);
		if (d != NULL) {
			rc = fail(err, CTL_RC_WHACK_PROBLEM,
				  diag_prefix(d, "malformed reply from pluto"));
			goto out;
		}
		if (reply->seq != req->seq) {
			rc = fail(err, CTL_RC_WHACK_PROBLEM,
				  diag("malformed reply from pluto: sequence number %u, expected %u",
				       reply->seq, req->seq));
			goto out;
		}
		if (reply->type == CTL_LOG) {
			lines++;
			if (on_log != NULL)
				on_log(ctx, reply);
			continue;
		}
		/* CTL_RESULT */
		rc = reply->rc;
		if (result != NULL)
			*result = *reply;
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(reply);
	return rc;
}

uint32_t ctl_client_seq(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)getpid() ^ (uint32_t)ts.tv_nsec ^ (uint32_t)(ts.tv_sec << 20);
}
