/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket server on a real event loop and a real
 * SOCK_SEQPACKET socket: replies in order (LOG lines, then RESULT), a
 * malformed message refused, a deferred RESULT delivered later to a held
 * client, a held client that hangs up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctl/ctl_server.h"
#include "server/loop.h"
#include "tern/log.h"

static char sock_path[108];
static struct log_client *held;
static int dispatch_mode;	/* 0: log + OK, 1: hold + DEFERRED */

static int test_dispatch(struct log_client *client, const struct ctl_request *req, const char **text)
{
	llog(&global_logger, LOG_SEV_INFO, "handling %s", ctl_type_name(req->type));
	if (dispatch_mode == 1) {
		held = log_client_hold(client);
		return CTL_RC_DEFERRED;
	}
	*text = NULL;
	return CTL_RC_UNKNOWN_NAME;
}

static int client_connect(void)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	strcpy(sun.sun_path, sock_path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void client_send(int fd, enum ctl_type type, uint32_t seq)
{
	struct ctl_request req;
	ctl_request_init(&req, type);
	req.seq = seq;
	uint8_t buf[CTL_MSG_MAX];
	size_t len;
	assert_null(ctl_encode_request(&req, buf, sizeof(buf), &len));
	assert_int_equal(send(fd, buf, len, 0), (ssize_t)len);
}

/* run the loop until a reply arrives; false when none within ~2 s */
static bool client_recv(int fd, struct ctl_reply *r)
{
	static uint8_t buf[CTL_MSG_MAX];
	for (int i = 0; i < 200; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			assert_null(ctl_decode_reply(buf, (size_t)n, r));
			return true;
		}
		sd_event_run(pluto_event, 10 * 1000);
	}
	return false;
}

static void spin(int rounds)
{
	for (int i = 0; i < rounds; i++)
		sd_event_run(pluto_event, 1000);
}

static int setup(void **state)
{
	(void)state;
	struct loop_hooks hooks = { 0 };
	diag_t d = loop_init(&hooks);
	assert_null(d);
	snprintf(sock_path, sizeof(sock_path), "/tmp/tern-ctl-test-%d.ctl", (int)getpid());
	d = ctl_server_start(sock_path);
	assert_null(d);
	ctl_dispatcher = test_dispatch;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ctl_server_stop();
	assert_int_equal(access(sock_path, F_OK), -1);	/* socket removed */
	loop_free();
	return 0;
}

static void test_log_then_result(void **state)
{
	(void)state;
	dispatch_mode = 0;
	int fd = client_connect();
	client_send(fd, CTL_BRIEFSTATUS, 77);
	struct ctl_reply r;
	assert_true(client_recv(fd, &r));
	assert_int_equal(r.type, CTL_LOG);
	assert_int_equal(r.seq, 77);
	assert_string_equal(r.text, "handling BRIEFSTATUS");
	assert_true(client_recv(fd, &r));
	assert_int_equal(r.type, CTL_RESULT);
	assert_int_equal(r.seq, 77);
	assert_int_equal(r.rc, CTL_RC_UNKNOWN_NAME);
	/* the same client may ask again */
	client_send(fd, CTL_SHOWSTATES, 78);
	assert_true(client_recv(fd, &r));
	assert_int_equal(r.seq, 78);
	assert_true(client_recv(fd, &r));
	assert_int_equal(r.type, CTL_RESULT);
	close(fd);
	spin(5);
}

static void test_malformed(void **state)
{
	(void)state;
	int fd = client_connect();
	static const char junk[] = "GARBAGE-NOT-TERN";
	assert_int_equal(send(fd, junk, sizeof(junk) - 1, 0), (ssize_t)sizeof(junk) - 1);
	struct ctl_reply r;
	assert_true(client_recv(fd, &r));
	assert_int_equal(r.type, CTL_RESULT);
	assert_int_equal(r.rc, CTL_RC_BADWHACKMESSAGE);
	assert_true(r.has_text);
	assert_non_null(strstr(r.text, "magic"));
	close(fd);
	spin(5);
}

/* a logger that carries a client, as an SA's would */
static struct logger client_logger(struct log_client *c)
{
	return (struct logger){ .client = c };
}

static void test_deferred_result(void **state)
{
	(void)state;
	dispatch_mode = 1;
	int fd = client_connect();
	client_send(fd, CTL_LISTEN, 9);
	struct ctl_reply r;
	assert_true(client_recv(fd, &r));
	assert_int_equal(r.type, CTL_LOG);
	assert_non_null(held);
	/* nothing more until the work is done */
	spin(20);
	assert_int_equal(recv(fd, &r, 1, MSG_DONTWAIT | MSG_PEEK), -1);
	/* the SA logs: the held client sees it, after the request returned */
	struct logger l = client_logger(held);
	llog(&l, LOG_SEV_INFO, "\"c\" #1: sent IKE_SA_INIT request");
	assert_true(client_recv(fd, &r));
	assert_int_equal(r.type, CTL_LOG);
	assert_int_equal(r.seq, 9);
	assert_string_equal(r.text, "\"c\" #1: sent IKE_SA_INIT request");
	ctl_client_finish(held, CTL_RC_OK, NULL);
	assert_true(client_recv(fd, &r));
	assert_int_equal(r.type, CTL_RESULT);
	assert_int_equal(r.rc, CTL_RC_OK);
	assert_true(log_client_connected(held));
	log_client_release(&held);
	assert_null(held);
	close(fd);
	spin(5);
}

static void test_held_client_hangs_up(void **state)
{
	(void)state;
	dispatch_mode = 1;
	int fd = client_connect();
	client_send(fd, CTL_LISTEN, 10);
	struct ctl_reply r;
	assert_true(client_recv(fd, &r));
	assert_non_null(held);
	close(fd);
	spin(20);
	assert_false(log_client_connected(held));
	/* logging to and finishing a gone client are harmless */
	struct logger l = client_logger(held);
	llog(&l, LOG_SEV_INFO, "nobody listens");
	ctl_client_finish(held, CTL_RC_OK, NULL);
	log_client_release(&held);	/* frees it: ASan checks */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_then_result),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_deferred_result),
		cmocka_unit_test(test_held_client_hangs_up),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
