/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Status output in Libreswan 5's shape (no "000 " prefixes).  Lines go to
 * a struct show (a whack client, or a test collecting them), never to the
 * log.
 */
#ifndef PLUTO_CONN_SHOW_H
#define PLUTO_CONN_SHOW_H

#include <stddef.h>
#include "tern/jambuf.h"

struct show {
	void (*line)(void *ctx, const char *text, size_t len);
	void *ctx;
};

void show_line(struct show *s, const char *fmt, ...) TERN_PRINTF(2, 3);
/* SHOW_JAMBUF(s, b) { jam(b, ...); } sends one line */
void show_jambuf(struct show *s, struct jambuf *b);

struct connection;
/* the '"name": ...' block of one connection */
void show_connection(struct show *s, const struct connection *c);
/* "Connection list:", every connection sorted by name, "Total IPsec connections: ..." */
void show_connections(struct show *s);
/* the pieces of show_connections(), for output streamed in steps */
void show_connections_header(struct show *s);
void show_connections_footer(struct show *s, size_t shown);
/* the top line's "10.0.1.0/24===192.0.2.1[@west]...192.0.2.2[@east]===10.0.2.0/24" */
void jam_connection_ends(struct jambuf *b, const struct connection *c);

#endif
