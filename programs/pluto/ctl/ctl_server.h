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

/* handle one decoded request for CLIENT; returns the CTL_RC_* result
 * (ctl/commands.c); *RESULT_TEXT may be set to a static string */
int ctl_dispatch(struct log_client *client, const struct ctl_request *req,
		 const char **result_text);

#endif
