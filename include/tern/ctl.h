/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol between whack (client) and pluto (server).
 *
 * Transport: an AF_UNIX SOCK_SEQPACKET socket (default /run/pluto/pluto.ctl).
 * One datagram carries exactly one message of at most CTL_MSG_MAX bytes.
 * The client sends ONE request; pluto answers with zero or more LOG
 * messages (streamed live while it works) and then exactly one RESULT,
 * after which either side may close.  Every reply echoes the request's
 * sequence number.
 *
 * Wire format (all integers in network byte order, no padding anywhere):
 *
 *   header, CTL_HEADER_SIZE (16) bytes:
 *     0  4  magic    "TERN" (0x54 0x45 0x52 0x4e)
 *     4  2  version  CTL_VERSION (1)
 *     6  2  type     enum ctl_type
 *     8  4  length   total message length in bytes, header included; must
 *                    equal the datagram size exactly
 *    12  4  seq      chosen by the client, echoed in every reply
 *   then attributes (TLV), back to back, until exactly `length`:
 *     0  2  type     enum ctl_attr; bit 0x8000 (CTL_ATTR_MAY_IGNORE) set
 *                    means "a receiver that does not know this attribute
 *                    skips it"; an unknown attribute WITHOUT that bit is
 *                    rejected.  A known attribute that is not allowed in
 *                    this message type is rejected too.
 *     2  2  length   length of the value only (header not counted)
 *     4  n  value
 *
 * Attribute values:
 *   strings  exactly `length` bytes, no terminating NUL, no embedded NUL
 *            (rejected); per-attribute minimum and maximum length below.
 *   u32      exactly 4 bytes.
 *   flag     exactly 0 bytes; present = true.
 * Each attribute may appear at most once (duplicates are rejected); each
 * message type has required and optional attributes (see the table in
 * ctl.c and the list at enum ctl_type); a missing required attribute is
 * rejected.  Decode is strict and total: every byte is accounted for.
 *
 * The codec is pure (no sockets, no globals, no allocation on success):
 * encode into a caller buffer, decode from a caller buffer into a typed
 * struct whose strings are NUL-terminated copies.  decode(encode(x)) == x.
 * Errors follow tern/diag.h: NULL on success, else an allocated message
 * naming what and where, and the output struct is left untouched.
 */
#ifndef TERN_CTL_H
#define TERN_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern/diag.h"

#define CTL_MAGIC		"TERN"
#define CTL_VERSION		1
#define CTL_HEADER_SIZE		16
#define CTL_ATTR_HEADER_SIZE	4
#define CTL_MSG_MAX		65536	/* largest datagram, header included */

/* string limits, in bytes, excluding the NUL the decoder adds */
#define CTL_NAME_MAX		256	/* connection name */
#define CTL_PATH_MAX		4095	/* config file path */
#define CTL_DEBUG_MAX		256	/* "base,crypt" ... */
#define CTL_TEXT_MAX		8192	/* one LOG line, or RESULT text */

#define CTL_DEFAULT_CTLSOCKET	"/run/pluto/pluto.ctl"
#define CTL_SOCKET_NAME		"pluto.ctl"	/* --rundir DIR -> DIR/pluto.ctl */

/*
 * Message types.  Requests (client -> pluto) are 1..0x7fff, replies
 * (pluto -> client) have bit 0x8000 set.  Attributes per type:
 * R = required, O = optional, anything else is rejected.
 */
enum ctl_type {
	CTL_STATUS = 1,			/* ipsec status */
	CTL_GLOBALSTATUS = 2,
	CTL_BRIEFSTATUS = 3,
	CTL_TRAFFICSTATUS = 4,		/* O NAME (only that connection) */
	CTL_SHOWSTATES = 5,
	CTL_CONNECTIONSTATUS = 6,	/* O NAME (only that connection) */
	CTL_SHUTDOWN = 7,
	CTL_LISTEN = 8,			/* rescan interfaces, re-orient */
	CTL_REREADSECRETS = 9,
	CTL_REREADALL = 10,		/* secrets (and certs, when they exist) */
	CTL_DEBUG = 11,			/* R DEBUG ("all", "none", "base,crypt", ...:
					 * pluto validates it) */
	CTL_ADD = 12,			/* R NAME, O CONFIG, O ASYNC */
	CTL_DELETE = 13,		/* R NAME */
	CTL_REPLACE = 14,		/* R NAME, O CONFIG, O ASYNC */
	CTL_INITIATE = 15,		/* R NAME, O ASYNC */
	CTL_TERMINATE = 16,		/* R NAME */
	CTL_ROUTE = 17,			/* R NAME */
	CTL_UNROUTE = 18,		/* R NAME */
	CTL_REKEY_IKE = 19,		/* R NAME, O ASYNC: rekey the IKE SA now */
	CTL_REKEY_CHILD = 20,		/* R NAME, O ASYNC: rekey the Child SA now */
#define CTL_REQUEST_FIRST CTL_STATUS
#define CTL_REQUEST_LAST CTL_REKEY_CHILD

	CTL_LOG = 0x8001,		/* R TEXT (may be empty), R SEVERITY */
	CTL_RESULT = 0x8002,		/* R RC, O TEXT */
};

/* attribute types */
enum ctl_attr {
	CTL_ATTR_NAME = 1,	/* string 1..CTL_NAME_MAX: connection name */
	CTL_ATTR_CONFIG = 2,	/* string 1..CTL_PATH_MAX: ipsec.conf to read NAME from */
	CTL_ATTR_ASYNC = 3,	/* flag: do not wait for the negotiation */
	CTL_ATTR_DEBUG = 4,	/* string 1..CTL_DEBUG_MAX: plutodebug= value */
	CTL_ATTR_TEXT = 5,	/* string 0..CTL_TEXT_MAX: a log line / result text */
	CTL_ATTR_SEVERITY = 6,	/* u32: enum ctl_severity */
	CTL_ATTR_RC = 7,	/* u32: enum ctl_rc */
};
#define CTL_ATTR_MAY_IGNORE 0x8000

/* severity of a LOG line; same order and values as enum log_severity */
enum ctl_severity {
	CTL_SEV_DEBUG = 0,	/* "| " debug line */
	CTL_SEV_INFO = 1,
	CTL_SEV_WARNING = 2,	/* text already starts "WARNING: " */
	CTL_SEV_ERROR = 3,	/* text already starts "ERROR: " */
};
#define CTL_SEV_LAST CTL_SEV_ERROR

/*
 * Result codes: the RESULT message's RC, and whack's exit status.
 * Numbers are Libreswan's `enum rc_type` where it has one; codes marked
 * (tern) are ours.  Codes below 20 other than 0 and 3 are not used.
 * X(ENUM-SUFFIX, number, one-line meaning for whack(8))
 */
#define CTL_RC_LIST(X) \
	X(OK,			0,  "success") \
	X(NOT_RUNNING,		3,  "pluto is not running: no control socket, or nothing listening on it (tern, whack only)") \
	X(DUPNAME,		20, "a connection with that name already exists") \
	X(UNKNOWN_NAME,		21, "no connection (or state) with that name") \
	X(ORIENT,		22, "cannot orient the connection: neither end is a local address") \
	X(CLASH,		23, "the connection clashes with another one") \
	X(DEAF,			24, "pluto is not listening on any interface (need --listen)") \
	X(ROUTE,		25, "cannot route the connection") \
	X(RTBUSY,		26, "cannot unroute: the route is in use") \
	X(BADID,		27, "malformed identity") \
	X(NOKEY,		28, "no key found for the connection") \
	X(NOPEERIP,		29, "cannot initiate: the peer address is unknown") \
	X(INITSHUNT,		30, "cannot initiate a connection that never negotiates") \
	X(WILDCARD,		31, "cannot initiate when an identity has wildcards") \
	X(WHACK_PROBLEM,	33, "whack-detected problem: bad usage, or a broken or missing reply from pluto") \
	X(BADWHACKMESSAGE,	50, "pluto refused the request as malformed or invalid") \
	X(NORETRANSMISSION,	51, "no response from the peer: retransmissions exhausted (timeout)") \
	X(INTERNAL_ERROR,	52, "internal error in pluto") \
	X(OPPOFAILURE,		53, "opportunistic negotiation failed") \
	X(CRYPTOFAILED,		54, "cryptographic operation failed") \
	X(FATAL,		56, "the request failed (fatal error; negotiation aborted)") \
	X(NOT_SUPPORTED,	60, "the request is valid but not yet supported by this pluto (tern)") \
	X(BADCONFIG,		61, "the configuration file could not be read or has errors (tern)")

enum ctl_rc {
#define CTL_RC_ENUM_(N, V, M) CTL_RC_##N = V,
	CTL_RC_LIST(CTL_RC_ENUM_)
#undef CTL_RC_ENUM_
};

struct ctl_rc_info {
	int rc;
	const char *name;	/* "RC_UNKNOWN_NAME" */
	const char *meaning;
};
extern const struct ctl_rc_info ctl_rc_table[];
extern const size_t ctl_rc_table_len;
/* "RC_UNKNOWN_NAME"; NULL when RC is not in the table */
const char *ctl_rc_name(int rc);
/* the one-line meaning; NULL when RC is not in the table */
const char *ctl_rc_meaning(int rc);

/* "STATUS", "ADD", ..., "LOG", "RESULT"; NULL for an unknown type */
const char *ctl_type_name(unsigned type);
/* the same, restricted to requests (NULL for replies and unknown types) */
const char *ctl_request_type_name(unsigned type);
/* "NAME", "CONFIG", ...; NULL for unknown */
const char *ctl_attr_name(unsigned attr);
/* does this request type take (R or O) the attribute? */
bool ctl_request_takes(enum ctl_type type, enum ctl_attr attr);
/* is the attribute required (R) in this request type? */
bool ctl_request_requires(enum ctl_type type, enum ctl_attr attr);

/*
 * A request, decoded.  Optional strings are "" when absent (has_* says
 * which); required ones are always present after a successful decode.
 */
struct ctl_request {
	enum ctl_type type;
	uint32_t seq;
	bool has_name;
	bool has_config;
	bool has_debug;
	bool async;
	char name[CTL_NAME_MAX + 1];
	char config[CTL_PATH_MAX + 1];
	char debug[CTL_DEBUG_MAX + 1];
};

/* A reply (LOG or RESULT), decoded. */
struct ctl_reply {
	enum ctl_type type;	/* CTL_LOG or CTL_RESULT */
	uint32_t seq;
	enum ctl_severity severity;	/* LOG */
	int rc;			/* RESULT: enum ctl_rc, or any 0..255 */
	bool has_text;		/* always true for LOG */
	size_t text_len;
	char text[CTL_TEXT_MAX + 1];
};

/* zero REQ and set its type (a convenience for builders) */
void ctl_request_init(struct ctl_request *req, enum ctl_type type);

/*
 * Encode REQ into BUF (SIZE bytes) and set *LEN.  Fails (and leaves
 * *LEN alone) when REQ breaks a rule the decoder enforces: unknown type,
 * missing required string, attribute not taken by the type, a string
 * too long or with an embedded NUL... or when BUF is too small.
 * The has_* flags decide which optional strings are sent.
 */
diag_t ctl_encode_request(const struct ctl_request *req, void *buf, size_t size, size_t *len);

/*
 * Decode one datagram of untrusted bytes (LEN is the datagram size).
 * Fills *OUT only on success.
 */
diag_t ctl_decode_request(const void *buf, size_t len, struct ctl_request *out);

diag_t ctl_encode_reply(const struct ctl_reply *r, void *buf, size_t size, size_t *len);
diag_t ctl_decode_reply(const void *buf, size_t len, struct ctl_reply *out);

/*
 * Fast-path builders for pluto (no allocation, no diag): encode a LOG
 * line / the RESULT into BUF and return its length, or 0 when BUF is too
 * small (a buffer of CTL_MSG_MAX bytes is always big enough).  TEXT of
 * LEN bytes is cut to CTL_TEXT_MAX and at the first NUL.  RESULT text
 * may be NULL (no TEXT attribute).  SEQ is the request's.
 */
size_t ctl_build_log(void *buf, size_t size, uint32_t seq,
		     enum ctl_severity sev, const char *text, size_t len);
size_t ctl_build_result(void *buf, size_t size, uint32_t seq,
			int rc, const char *text);

/*
 * Peek at a datagram's header without decoding the body: on success set
 * *TYPE and *SEQ (for instance so pluto can echo the seq in a RESULT
 * refusing a malformed request).  Checks magic, version, length.
 */
diag_t ctl_decode_header(const void *buf, size_t len, unsigned *type, uint32_t *seq);

/*
 * Client side (lib/ctl/client.c; the only part of lib/ctl that touches
 * sockets).  Connect to SOCKPATH, send REQ, call ON_LOG for every LOG
 * reply as it arrives, wait for the RESULT.
 *
 * Returns the RESULT's rc with *ERR = NULL; or, with *ERR set to a
 * message for stderr:
 *   CTL_RC_NOT_RUNNING  no socket file, or nothing listening on it
 *                       ("pluto is not running (no socket at PATH)")
 *   CTL_RC_WHACK_PROBLEM  any other failure: socket/connect/send/recv
 *                       error, pluto closed the connection before the
 *                       RESULT, a reply that does not decode or does not
 *                       echo our seq.
 * RESULT (may be NULL) receives the RESULT message (its text, if any).
 */
typedef void ctl_log_fn(void *ctx, const struct ctl_reply *log);
int ctl_client_call(const char *sockpath, const struct ctl_request *req,
		    ctl_log_fn *on_log, void *ctx,
		    struct ctl_reply *result, diag_t *err);
/* a sequence number for a new request (pid and clock mixed) */
uint32_t ctl_client_seq(void);

#endif
