/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKE SAs and Child SAs (see README.md): two different structs, one
 * serial counter ("#N", never reused), O(1) lookup through hash tables:
 *
 *   IKE SA   by serial, and by IKE SPIs (the initiator's SPI is the key;
 *            the responder's SPI and the peer endpoint tell apart the
 *            rare SAs sharing one)
 *   IKE SA   by connection: a list per connection, in serial order
 *   Child SA by connection: a list per connection
 *   Child SA by serial; a Child SA also sits on its IKE SA's list
 *
 * A table belongs to one IKEv2 engine (ikev2/ikev2.h): pluto has one, the
 * unit tests run two side by side in one process.
 */
#ifndef PLUTO_SA_SA_H
#define PLUTO_SA_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern/crypto.h"
#include "tern/id.h"
#include "tern/ike.h"
#include "tern/ike_proposal.h"
#include "tern/ip.h"
#include "tern/log.h"

struct connection;
struct ikev2_engine;

/* states, named as Libreswan 5 names them (without STATE_V2_) */
enum ike_sa_state {
	IKE_SA_INIT_I0,		/* computing our KE */
	IKE_SA_INIT_I,		/* sent IKE_SA_INIT request */
	IKE_SA_INIT_R0,		/* computing KE and keys for the response */
	IKE_SA_INIT_R,		/* sent IKE_SA_INIT response */
	IKE_AUTH_I,		/* sent IKE_AUTH request */
	ESTABLISHED_IKE_SA,
	IKE_SA_DELETE,		/* being deleted */
};
enum child_sa_state {
	IKE_AUTH_CHILD_I0,	/* proposed in our IKE_AUTH request */
	ESTABLISHED_CHILD_SA,
	CHILD_SA_DELETE,
};
const char *ike_sa_state_name(enum ike_sa_state s);	/* "ESTABLISHED_IKE_SA" */
const char *ike_sa_state_story(enum ike_sa_state s);	/* "established IKE SA" */
const char *child_sa_state_name(enum child_sa_state s);
const char *child_sa_state_story(enum child_sa_state s);

/* one outstanding request (window 1) and its retransmission */
struct ike_request {
	uint8_t *pkt;
	size_t len;
	uint32_t msgid;
	uint8_t exchange;
	void *timer;		/* engine timer handle, NULL: none */
	unsigned retransmits;
	uint64_t delay_ms;	/* the wait in force */
	uint64_t started_ms;	/* first transmission */
	uint64_t waited_ms;	/* sum of the waits so far (the schedule) */
};

struct ike_sa {
	unsigned long serial;
	struct ikev2_engine *eng;
	struct connection *conn;
	struct logger logger;	/* '"conn" #N: ', carries the whack client */
	enum ike_sa_state state;
	bool initiator;		/* we are the original initiator */
	bool childless;		/* no Child SA in IKE_AUTH (RFC 6023) */
	bool peer_childless_ok;	/* CHILDLESS_IKEV2_SUPPORTED received */
	unsigned peer_hashes;	/* its SIGNATURE_HASH_ALGORITHMS (RFC 7427), 1 << id */
	bool peer_certreq;	/* it sent CERTREQ (leftsendcert=sendifasked) */
	bool nat_local, nat_remote;	/* NAT detected in front of us / the peer */
	void *keepalive_timer;	/* engine timer: NAT keepalive (ikev2/nat.c), NULL: none */
	uint64_t ka_out_bytes;	/* its Child SAs' outbound bytes at the last keepalive tick */
	bool ka_out_known;	/* ka_out_bytes read since the timer started */
	bool counted_halfopen;
	unsigned long rekey_of;	/* an IKE SA rekey's new IKE SA: the old one's serial */
	unsigned long rekey_new;	/* our IKE SA rekey in flight: the new IKE SA's serial */
	unsigned long reauth_of;	/* reauth=yes: the IKE SA this new one replaces */
	void *rekey_timer;	/* engine timer: rekey this IKE SA, NULL: none */
	void *dpd_timer;	/* engine timer: liveness (dpddelay=), NULL: none */
	uint64_t last_rx_ms;	/* when the peer last sent an authentic message */
	bool child_failed;	/* the first Child SA failed: whack gets a failure */
	uint8_t ispi[8], rspi[8];
	ip_endpoint local, remote;
	uint64_t add_time;	/* wall clock seconds */
	/* IKE_SA_INIT */
	uint16_t ke_group;	/* the group of our KE payload */
	struct crypto_ke_secret *ke;
	struct ike_sa_build *offer;	/* initiator: our SA payload */
	struct ike_sa_choice choice;	/* the negotiated IKE proposal */
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t *peer_ke;	/* peer's KE data until keys are derived */
	size_t peer_ke_len;
	uint8_t *cookie;	/* initiator: the responder's COOKIE to replay */
	size_t cookie_len;
	uint8_t *init_i, *init_r;	/* IKE_SA_INIT messages (for AUTH) */
	size_t init_i_len, init_r_len;
	unsigned invalid_ke_retries, cookie_retries;
	/* keys */
	const struct crypto_prf *prf;
	const struct crypto_encr *encr;
	const struct crypto_integ *integ;
	unsigned encr_key_bits;
	struct crypto_ike_keys keys;
	bool have_keys;
	/* responder, PSK: our AUTH, computed once before the peer is called
	 * authenticated and sent in the IKE_AUTH response */
	uint8_t our_auth[CRYPTO_MAX_PRF_SIZE];
	uint8_t our_auth_len;
	struct id peer_id;	/* authenticated identity */
	/* message IDs, window 1 */
	uint32_t next_msgid;	/* of our next request */
	uint32_t peer_msgid;	/* of the peer's next request */
	struct ike_request req;	/* ours, outstanding when req.pkt != NULL */
	uint8_t *last_resp;	/* our last response, for duplicates */
	size_t last_resp_len;
	uint32_t last_resp_msgid;
	bool have_last_resp;
	/* work in flight (a worker job holds only the serial) */
	bool busy;
	struct child_sa *children;	/* newest first */
	/* replaced Child SAs' inbound SAs in their grace period (ikev2/child_retire.c) */
	struct child_retired *retired;
	/* connections waiting for a Child SA over this IKE SA (ikev2/create_child_sa.c) */
	struct child_pending *pending;
	/* table links */
	struct ike_sa *serial_next, *spi_next;
	/* the IKE SAs of CONN, in serial order (sa_ike_of_conn()) */
	struct ike_sa *conn_prev, *conn_next;
	struct sa_conn_ikes *conn_list;
};

struct child_sa {
	unsigned long serial;
	struct ike_sa *ike;	/* the IKE SA it was negotiated by */
	struct connection *conn;
	struct logger logger;
	enum child_sa_state state;
	uint32_t spi_in, spi_out;	/* host order */
	uint32_t reqid;
	struct ike_sa_build *offer;	/* initiator: our ESP proposals */
	struct ike_sa_choice choice;
	bool esn, transport;
	ip_subnet local_ts, remote_ts;
	/* protoport (leftprotoport=, narrowed TS): 0 = any (ikev2/ts.c) */
	uint8_t ts_ipproto;
	uint16_t ts_local_port, ts_remote_port;
	bool installed;		/* states and policies in the kernel */
	uint64_t add_time;	/* wall clock seconds */
	uint64_t in_bytes, out_bytes;	/* last known (kept after delete) */
	void *rekey_timer;	/* engine timer: rekey this Child SA, NULL: none */
	struct child_rekey *rekey;	/* our CREATE_CHILD_SA in flight for it */
	struct child_sa *sibling_next;
	struct child_sa *serial_next;
	struct child_sa *spi_in_next, *spi_out_next;
	bool spi_indexed;	/* in child_by_spi_in/_out */
	/* the Child SAs of CONN (sa_child_of_conn()) */
	struct child_sa *conn_prev, *conn_next;
	struct sa_conn_ikes *conn_list;
};

struct sa_table {
	unsigned long next_serial;	/* starts at 1 */
	size_t nr_ike, nr_child;
	size_t nr_ike_established, nr_child_established;
	size_t nr_halfopen;
	size_t buckets;		/* power of two */
	struct ike_sa **ike_by_serial;
	struct ike_sa **ike_by_spi;
	struct child_sa **child_by_serial;
	/* installed Child SAs by their inbound / outbound ESP SPI (the
	 * kernel's EXPIREs name one) */
	struct child_sa **child_by_spi_in, **child_by_spi_out;
	struct sa_conn_ikes **by_conn;	/* a connection's IKE SAs */
};

void sa_table_init(struct sa_table *t);
/* frees whatever is left (no kernel calls: the engine deletes first) */
void sa_table_free(struct sa_table *t);

unsigned long sa_next_serial(struct sa_table *t);
void sa_add_ike(struct sa_table *t, struct ike_sa *ike);	/* serial and ispi set */
void sa_remove_ike(struct sa_table *t, struct ike_sa *ike);
void sa_add_child(struct sa_table *t, struct child_sa *child);	/* serial and ike set */
void sa_remove_child(struct sa_table *t, struct child_sa *child);

struct ike_sa *sa_ike_by_serial(const struct sa_table *t, unsigned long serial);
struct child_sa *sa_child_by_serial(const struct sa_table *t, unsigned long serial);
/*
 * The IKE SA a message belongs to.  OUR_ROLE_INITIATOR: the message came
 * without the I flag (we are the original initiator), so ISPI is ours;
 * otherwise the peer's, and an all-zero RSPI (IKE_SA_INIT request) is
 * matched with the peer's endpoint REMOTE.
 */
struct ike_sa *sa_ike_by_spis(const struct sa_table *t, const uint8_t ispi[8],
			      const uint8_t rspi[8], bool our_role_initiator,
			      const ip_endpoint *remote);
/*
 * The IKE SAs of connection C (ike->conn), in serial order, without a
 * walk of the others: for (s = sa_ike_of_conn(t, c); s != NULL; s =
 * s->conn_next).  Deleting S while at it: take s->conn_next first.
 */
struct ike_sa *sa_ike_of_conn(const struct sa_table *t, const struct connection *c);
/* IKE (in the table) now belongs to connection C */
void sa_ike_set_conn(struct sa_table *t, struct ike_sa *ike, struct connection *c);
/* the Child SAs of connection C (child->conn; over any IKE SA), newest
 * first: s = sa_child_of_conn(t, c); s != NULL; s = s->conn_next */
struct child_sa *sa_child_of_conn(const struct sa_table *t, const struct connection *c);
void sa_child_set_conn(struct sa_table *t, struct child_sa *child, struct connection *c);
/* index CHILD (its SPIs both ways set, installed) by SPI; unindex
 * before the SPIs or the IKE SA's addresses mean something else */
void sa_child_index_spis(struct sa_table *t, struct child_sa *child);
void sa_child_unindex_spis(struct sa_table *t, struct child_sa *child);
/* the indexed Child SA whose inbound SPI is SPI to DST (one of our
 * addresses, *INBOUND true) or whose outbound SPI is SPI to DST (the
 * peer, *INBOUND false); NULL: none */
struct child_sa *sa_child_by_spi(const struct sa_table *t, const ip_address *dst, uint32_t spi,
				 bool *inbound);
/* every IKE SA in serial order (status); caller frees */
struct ike_sa **sa_ike_sorted(const struct sa_table *t, size_t *n);
struct child_sa **sa_child_sorted(const struct sa_table *t, size_t *n);

#endif
