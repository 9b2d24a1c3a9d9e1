/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <systemd/sd-event.h>

#include "tern/log.h"
#include "conn/connections.h"
#include "ctl/ctl_server.h"
#include "server/loop.h"

/* queued output: length-prefixed messages in one growing buffer */
struct outq {
	uint8_t *buf;
	size_t head, len, cap;
};

/* a connection list being written out in steps */
struct conn_stream {
	unsigned long *serials;	/* snapshot, sorted by name */
	size_t n, next, shown;
	void (*epilogue)(struct show *s);
};

/* stop generating while this much output waits for the client */
#define STREAM_HIGH_WATER (256 * 1024)

struct log_client {
	unsigned refs;		/* the server's (while connected) + holders' */
	bool pending;		/* a deferred RESULT is owed */
	int fd;
	sd_event_source *source;
	uint32_t seq;		/* of the request being answered */
	bool gone;		/* the peer hung up: drop output */
	struct outq q;
	struct conn_stream *stream;	/* output still to generate, or NULL */
	/* status lines not sent yet: several go in one LOG message, joined
	 * by newlines (10,000 lines were 10,000 messages and system calls) */
	char *show_buf;		/* CTL_TEXT_MAX bytes once used */
	size_t show_len;
	unsigned show_lines;
	struct log_client *next;
};

static int listen_fd = -1;
static sd_event_source *listen_source;
static char *socket_path;
static struct log_client *clients;
static struct log_client *current;

ctl_dispatch_fn *ctl_dispatcher = ctl_dispatch;

struct log_client *ctl_current_client(void)
{
	return current;
}

static void unref_client(struct log_client *c)
{
	if (--c->refs > 0)
		return;
	free(c->q.buf);
	free(c->show_buf);
	if (c->stream != NULL)
		free(c->stream->serials);
	free(c->stream);
	free(c);
}

/* the connection is over; holders keep the struct until they release it */
static void free_client(struct log_client *c)
{
	for (struct log_client **pp = &clients; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (current == c)
		current = NULL;
	c->source = sd_event_source_disable_unref(c->source);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->gone = true;
	c->q.head = c->q.len = 0;
	unref_client(c);
}

struct log_client *log_client_hold(struct log_client *c)
{
	if (c != NULL)
		c->refs++;
	return c;
}

void log_client_release(struct log_client **c)
{
	if (*c != NULL)
		unref_client(*c);
	*c = NULL;
}

bool log_client_connected(const struct log_client *c)
{
	return c != NULL && !c->gone;
}

/* reading the next request waits until the last reply is out */
static void set_events(struct log_client *c)
{
	if (c->source == NULL)
		return;
	bool output = c->q.len > c->q.head || c->stream != NULL;
	/* waiting for a deferred RESULT: only a hang-up (always reported) */
	sd_event_source_set_io_events(c->source, output ? EPOLLOUT : c->pending ? 0 : EPOLLIN);
}

/* write queued messages until the socket is full; false on a hard error */
static bool drain(struct log_client *c)
{
	while (c->q.head < c->q.len) {
		uint32_t n;
		memcpy(&n, c->q.buf + c->q.head, sizeof(n));
		ssize_t w = send(c->fd, c->q.buf + c->q.head + sizeof(n), n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return true;
			c->gone = true;
			c->q.head = c->q.len = 0;
			return false;
		}
		c->q.head += sizeof(n) + n;
	}
	c->q.head = c->q.len = 0;
	return true;
}

static void enqueue(struct log_client *c, const void *msg, size_t n)
{
	if (c->gone)
		return;
	if (c->q.head == c->q.len) {
		ssize_t w = send(c->fd, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w >= 0)
			return;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			c->gone = true;
			return;
		}
	}
	size_t need = c->q.len + sizeof(uint32_t) + n;
	if (need > c->q.cap) {
		if (c->q.head > 0) {	/* compact first */
			memmove(c->q.buf, c->q.buf + c->q.head, c->q.len - c->q.head);
			c->q.len -= c->q.head;
			c->q.head = 0;
			need = c->q.len + sizeof(uint32_t) + n;
		}
		if (need > c->q.cap) {
			size_t cap = c->q.cap == 0 ? 65536 : c->q.cap;
			while (cap < need)
				cap *= 2;
			uint8_t *b = realloc(c->q.buf, cap);
			if (b == NULL)
				abort();
			c->q.buf = b;
			c->q.cap = cap;
		}
	}
	uint32_t len32 = (uint32_t)n;
	memcpy(c->q.buf + c->q.len, &len32, sizeof(len32));
	memcpy(c->q.buf + c->q.len + sizeof(len32), msg, n);
	c->q.len += sizeof(len32) + n;
	set_events(c);
}

static void send_log_now(struct log_client *c, enum ctl_severity sev, const char *text, size_t len)
{
	static uint8_t msg[CTL_MSG_MAX];
	size_t n = ctl_build_log(msg, sizeof(msg), c->seq, sev, text, len);
	if (n > 0)
		enqueue(c, msg, n);
}

/* the status lines gathered so far, as one LOG message */
static void show_flush(struct log_client *c)
{
	if (c->show_lines == 0)
		return;
	send_log_now(c, CTL_SEV_INFO, c->show_buf, c->show_len);
	c->show_len = 0;
	c->show_lines = 0;
}

/* every other message goes after the status lines gathered before it */
static void send_log(struct log_client *c, enum ctl_severity sev, const char *text, size_t len)
{
	show_flush(c);
	send_log_now(c, sev, text, len);
}

static void show_add(struct log_client *c, const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	if (nul != NULL)
		len = (size_t)(nul - text);	/* as ctl_build_log() would cut it */
	if (c->gone)
		return;
	if (len >= CTL_TEXT_MAX) {
		send_log(c, CTL_SEV_INFO, text, len);
		return;
	}
	if (c->show_lines > 0 && c->show_len + 1 + len > CTL_TEXT_MAX)
		show_flush(c);
	if (c->show_buf == NULL) {
		c->show_buf = malloc(CTL_TEXT_MAX);
		if (c->show_buf == NULL)
			abort();
	}
	if (c->show_lines > 0)
		c->show_buf[c->show_len++] = '\n';
	memcpy(c->show_buf + c->show_len, text, len);
	c->show_len += len;
	c->show_lines++;
}

static void send_result(struct log_client *c, int rc, const char *text)
{
	show_flush(c);
	static uint8_t msg[CTL_MSG_MAX];
	size_t n = ctl_build_result(msg, sizeof(msg), c->seq, rc, text);
	if (n > 0)
		enqueue(c, msg, n);
}

/* the whack sink: lines of the command being served, and of loggers
 * carrying a client, go to that client (debug lines stay in the log) */
static void whack_sink(void *ctx, const struct log_line *line)
{
	(void)ctx;
	struct log_client *c = line->logger != NULL && line->logger->client != NULL
		? line->logger->client : current;
	if (c == NULL || line->severity == LOG_SEV_DEBUG)
		return;
	enum ctl_severity sev = line->severity == LOG_SEV_FATAL ? CTL_SEV_ERROR
				: (enum ctl_severity)line->severity;
	send_log(c, sev, line->text, line->len);
}

static void show_to_client(void *ctx, const char *text, size_t len)
{
	show_add(ctx, text, len);
}

struct show ctl_client_show(struct log_client *client)
{
	return (struct show){ .line = show_to_client, .ctx = client };
}

void ctl_stream_connections(struct log_client *c, void (*epilogue)(struct show *s))
{
	struct conn_stream *st = calloc(1, sizeof(*st));
	if (st == NULL)
		abort();
	struct connection **all = conn_sorted(&st->n);
	st->serials = calloc(st->n + 1, sizeof(*st->serials));
	if (st->serials == NULL)
		abort();
	for (size_t i = 0; i < st->n; i++)
		st->serials[i] = all[i]->serial;
	free(all);
	st->epilogue = epilogue;
	c->stream = st;
	struct show s = ctl_client_show(c);
	show_connections_header(&s);
}

/* generate until the client is behind or the list is done */
static void stream_step(struct log_client *c)
{
	struct conn_stream *st = c->stream;
	struct show s = ctl_client_show(c);
	while (st->next < st->n && !c->gone && c->q.len - c->q.head < STREAM_HIGH_WATER) {
		/* a connection deleted meanwhile is skipped */
		struct connection *conn = conn_by_serial(st->serials[st->next++]);
		if (conn != NULL) {
			show_connection(&s, conn);
			st->shown++;
		}
	}
	if (st->next < st->n && !c->gone)
		return;
	show_connections_footer(&s, st->shown);
	if (st->epilogue != NULL)
		st->epilogue(&s);
	free(st->serials);
	free(st);
	c->stream = NULL;
	send_result(c, CTL_RC_OK, NULL);
}

static void handle_request(struct log_client *c, const uint8_t *buf, size_t len, bool truncated)
{
	unsigned type = 0;
	uint32_t seq = 0;
	struct ctl_request req;
	diag_t d = NULL;
	if (truncated)
		d = diag("message larger than %d bytes", CTL_MSG_MAX);
	else
		d = ctl_decode_header(buf, len, &type, &seq);
	c->seq = seq;
	if (d == NULL)
		d = ctl_decode_request(buf, len, &req);
	if (d != NULL) {
		llog(&global_logger, LOG_SEV_WARNING, "whack: refused a malformed control message: %s",
		     diag_str(d));
		send_result(c, CTL_RC_BADWHACKMESSAGE, diag_str(d));
		diag_free(&d);
		return;
	}
	ldbg(&global_logger, "whack: %s request (seq %u)", ctl_type_name(req.type), (unsigned)req.seq);
	current = c;
	const char *text = NULL;
	int rc = ctl_dispatcher(c, &req, &text);
	current = NULL;
	if (rc != CTL_RC_DEFERRED)
		send_result(c, rc, text);
	else if (c->stream != NULL)
		stream_step(c);
	else
		c->pending = true;
}

void ctl_client_finish(struct log_client *c, int rc, const char *text)
{
	if (c == NULL || !c->pending)
		return;
	c->pending = false;
	if (c->gone)
		return;
	send_result(c, rc, text);
	set_events(c);
}

static int on_client(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	(void)s;
	struct log_client *c = data;
	if (revents & EPOLLOUT) {
		if (!drain(c)) {
			free_client(c);
			return 0;
		}
		if (c->stream != NULL)
			stream_step(c);
		if (c->gone) {
			free_client(c);
			return 0;
		}
		set_events(c);
		return 0;
	}
	if (revents & EPOLLIN) {
		static uint8_t buf[CTL_MSG_MAX + 1];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			free_client(c);
			return 0;
		}
		if (n == 0) {	/* the client closed */
			free_client(c);
			return 0;
		}
		handle_request(c, buf, (size_t)n,
			       (msg.msg_flags & MSG_TRUNC) != 0 || (size_t)n > CTL_MSG_MAX);
		if (c->gone) {
			free_client(c);
			return 0;
		}
		set_events(c);
		return 0;
	}
	if (revents & (EPOLLHUP | EPOLLERR))
		free_client(c);
	return 0;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	(void)s;
	(void)revents;
	(void)data;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			llog(&global_logger, LOG_SEV_WARNING, "whack: accept() failed: %s", strerror(errno));
		return 0;
	}
	struct log_client *c = calloc(1, sizeof(*c));
	if (c == NULL)
		abort();
	c->fd = cfd;
	c->refs = 1;
	int r = sd_event_add_io(pluto_event, &c->source, cfd, EPOLLIN, on_client, c);
	if (r < 0) {
		llog(&global_logger, LOG_SEV_WARNING, "whack: cannot watch a client: %s", strerror(-r));
		close(cfd);
		free(c);
		return 0;
	}
	c->next = clients;
	clients = c;
	return 0;
}

diag_t ctl_server_start(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path))
		return diag("control socket path \"%s\" is too long (at most %zu characters)",
			    path, sizeof(sun.sun_path) - 1);
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return diag("control socket: socket() failed: %s", strerror(errno));
	/* we hold the pid lock: a socket file left here is stale */
	if (unlink(path) < 0 && errno != ENOENT) {
		int e = errno;
		close(fd);
		return diag("control socket: cannot remove stale \"%s\": %s", path, strerror(e));
	}
	mode_t old = umask(0077);
	int r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	int e = errno;
	umask(old);
	if (r < 0) {
		close(fd);
		return diag("control socket: bind(\"%s\") failed: %s", path, strerror(e));
	}
	if (chmod(path, 0700) < 0 || listen(fd, 16) < 0) {
		e = errno;
		close(fd);
		unlink(path);
		return diag("control socket \"%s\": %s", path, strerror(e));
	}
	r = sd_event_add_io(pluto_event, &listen_source, fd, EPOLLIN, on_accept, NULL);
	if (r < 0) {
		close(fd);
		unlink(path);
		return diag("control socket: cannot watch it: %s", strerror(-r));
	}
	listen_fd = fd;
	socket_path = strdup(path);
	log_add_sink(whack_sink, NULL);
	return NULL;
}

void ctl_server_stop(void)
{
	log_remove_sink(whack_sink, NULL);
	/* give each client what it is owed, briefly blocking */
	while (clients != NULL) {
		struct log_client *c = clients;
		if (c->stream != NULL) {
			/* shutting down: the rest of the listing is dropped */
			free(c->stream->serials);
			free(c->stream);
			c->stream = NULL;
			send_result(c, CTL_RC_FATAL, "pluto is shutting down");
		} else if (c->pending) {
			c->pending = false;
			send_result(c, CTL_RC_FATAL, "pluto is shutting down");
		}
		struct timeval tv = { .tv_sec = 1 };
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
		while (c->q.head < c->q.len) {
			uint32_t n;
			memcpy(&n, c->q.buf + c->q.head, sizeof(n));
			if (send(c->fd, c->q.buf + c->q.head + sizeof(n), n, MSG_NOSIGNAL) < 0)
				break;
			c->q.head += sizeof(n) + n;
		}
		free_client(c);
	}
	if (listen_fd >= 0) {
		sd_event_source_disable_unref(listen_source);
		listen_source = NULL;
		close(listen_fd);
		listen_fd = -1;
		unlink(socket_path);
	}
	free(socket_path);
	socket_path = NULL;
}
