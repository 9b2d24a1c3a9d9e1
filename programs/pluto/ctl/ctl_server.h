/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket (SOCK_SEQPACKET, mode 0700; lib/ctl's protocol).
 * Each client sends a request; pluto handles it to completion, streaming
 * every log line produced meanwhile back to that client as LOG messages,
 * then sends the RESULT.  One request at a time per client: the next one
 * is read only once the previous reply has been written out.  A bad or
 * foreign message gets RC_BADWHACKMESSAGE and a log line; pluto carries
 * on.
 */
#ifndef PLUTO_CTL_SERVER_H
#define PLUTO_CTL_SERVER_H

#include <stdbool.h>
#include "tern/ctl.h"
#include "tern/diag.h"
#include "conn/show.h"

diag_t ctl_server_start(const char *path);
/* flush what can be flushed to clients, close them, remove the socket */
void ctl_server_stop(void);

/* the client currently being served (its log lines are mirrored to it) */
struct log_client *ctl_current_client(void);
/* a show writer sending lines to CLIENT as LOG messages */
struct show ctl_client_show(struct log_client *client);

/*
 * Long output: the connection list is written in steps, as the client
 * reads it (memory stays bounded with 10,000s of connections): the
 * listing of every connection loaded now (sorted by name), then
 * EPILOGUE's lines (may be NULL), then the RESULT (OK).  A dispatcher
 * that starts one returns CTL_RC_DEFERRED: the RESULT comes later.
 */
#define CTL_RC_DEFERRED (-1)
void ctl_stream_connections(struct log_client *client, void (*epilogue)(struct show *s));

/*
 * Work that outlives the request (a negotiation started by INITIATE):
 * the dispatcher holds the client (log_client_hold(), e.g. in the SA's
 * logger, whose lines then reach that client), returns CTL_RC_DEFERRED,
 * and calls ctl_client_finish() with the result when the work is over.
 * Until then pluto reads no further request from that client.  A client
 * that hangs up meanwhile stays allocated (its output is dropped) until
 * the last holder releases it; so does a client still held at shutdown.
 */
struct log_client *log_client_hold(struct log_client *client);
void log_client_release(struct log_client **client);
/* whether the peer is still there to read what is sent */
bool log_client_connected(const struct log_client *client);
void ctl_client_finish(struct log_client *client, int rc, const char *text);

/* the request handler; ctl_dispatch unless a test installs another */
typedef int ctl_dispatch_fn(struct log_client *client, const struct ctl_request *req,
			    const char **result_text);
extern ctl_dispatch_fn *ctl_dispatcher;

/* handle one decoded request for CLIENT; returns the CTL_RC_* result
 * (ctl/commands.c); *RESULT_TEXT may be set to a static string */
ctl_dispatch_fn ctl_dispatch;

#endif
