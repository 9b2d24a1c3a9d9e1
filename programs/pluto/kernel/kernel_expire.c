/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XFRM EXPIRE socket (see kernel_expire.h). */
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdlib.h>

#include "kernel/kernel_expire.h"
#include "kernel/kernel_nl.h"

static struct nl_sock *expire_sock;

diag_t kernel_expire_open(int *fd)
{
	if (expire_sock != NULL) {
		*fd = nl_socket_get_fd(expire_sock);
		return NULL;
	}
	struct nl_sock *s = nl_socket_alloc();
	if (s == NULL)
		return diag("kernel: cannot allocate the XFRM EXPIRE socket");
	nl_socket_disable_seq_check(s);
	int r = nl_connect(s, NETLINK_XFRM);
	if (r >= 0)
		r = nl_socket_add_memberships(s, XFRMNLGRP_EXPIRE, 0);
	if (r >= 0)
		r = nl_socket_set_nonblocking(s);
	if (r >= 0)
		r = nl_socket_set_buffer_size(s, 1 << 20, 0);
	if (r < 0) {
		nl_socket_free(s);
		return diag("kernel: cannot open the XFRM EXPIRE socket: %s", nl_geterror(r));
	}
	expire_sock = s;
	*fd = nl_socket_get_fd(s);
	return NULL;
}

diag_t kernel_expire_read(kernel_event_cb *cb, void *ctx, const struct logger *logger)
{
	if (expire_sock == NULL)
		return diag("kernel: reading XFRM EXPIREs failed: socket not open");
	for (;;) {
		unsigned char *buf = NULL;
		struct sockaddr_nl peer;
		int n = nl_recv(expire_sock, &peer, &buf, NULL);
		if (n == 0 || n == -NLE_AGAIN) {
			free(buf);
			return NULL;
		}
		if (n < 0) {
			free(buf);
			return diag("kernel: reading XFRM EXPIREs failed: %s%s", nl_geterror(n),
				    n == -NLE_NOMEM ? " (events were lost)" : "");
		}
		if (peer.nl_pid == 0) {	/* only the kernel multicasts */
			unsigned bad = 0;
			kernel_events_scan(buf, (size_t)n, cb, ctx, &bad);
			if (bad > 0)
				llog(logger, LOG_SEV_WARNING, "kernel: skipped %u malformed XFRM EXPIRE(s)", bad);
		}
		free(buf);
	}
}

void kernel_expire_close(void)
{
	if (expire_sock == NULL)
		return;
	nl_socket_free(expire_sock);
	expire_sock = NULL;
}
