/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the files of ikev2/: not for the rest of pluto. */
#ifndef PLUTO_IKEV2_INTERNAL_H
#define PLUTO_IKEV2_INTERNAL_H

#include "tern/ike.h"
#include "tern/ike_proposal.h"
#include "tern/ts.h"
#include "conn/connections.h"
#include "kernel/kernel.h"
#include "ikev2/ikev2.h"

#define IKEV2_MSG_MAX 8192	/* largest message we build */
#define IKEV2_NONCE_SIZE 32
#define IKEV2_RETRANSMIT_FIRST_MS 500
#define IKEV2_MAX_INVALID_KE 3
#define IKEV2_MAX_COOKIES 3

/* a received message being processed */
struct ikev2_rx {
	ip_endpoint local, remote;
	uint8_t *buf;		/* our copy (SK is decrypted in place) */
	size_t len;
	struct ike_message *m;
};

/* payload sets of the transition table: bit (type - 32) */
#define PB(t) (1ull << ((t) - 32))
static inline bool rx_has(const struct ikev2_rx *rx, uint8_t type)
{
	return ike_message_get(rx->m, type) != NULL;
}

typedef void ikev2_handler_fn(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx);

/*
 * One transition: a message (exchange, request or response) arriving in
 * one of STATES (bit per enum ike_sa_state; 0 = no IKE SA yet) with the
 * REQUIRED payloads (all of them) and perhaps the OPTIONAL ones (N and V
 * are always allowed), protected (inside SK) or not.  The first entry
 * whose required payloads are all there is taken.
 */
struct ikev2_transition {
	const char *story;
	uint8_t exchange;
	bool response;
	unsigned states;
	bool encrypted;
	uint64_t required, optional;
	ikev2_handler_fn *handler;
};
#define ST(s) (1u << (s))

/* ---- ikev2.c: SAs, logging, jobs, whack ---- */
struct ike_sa *ike_sa_new(struct ikev2_engine *e, struct connection *c, bool initiator,
			  const ip_endpoint *local, const ip_endpoint *remote);
struct child_sa *child_sa_new(struct ike_sa *ike);
/* remove from the kernel and the tables; logs "ESP traffic information" */
void child_sa_delete(struct child_sa *child);
void ike_sa_delete(struct ike_sa *ike);
/* the whack request is over (rc); no-op without a client */
void ike_whack_done(struct ike_sa *ike, int rc);
void ike_set_state(struct ike_sa *ike, enum ike_sa_state s);

/* key exchange on a worker: generate (if no KE yet), then derive keys
 * (if the peer's KE is known); NEXT runs on the loop with the IKE SA
 * (only if it still exists) */
struct ke_job;
typedef void ke_next_fn(struct ike_sa *ike, diag_t *d);
void ike_submit_ke(struct ike_sa *ike, bool derive, ke_next_fn *next);

/* identities and secrets */
void ike_local_id(const struct ike_sa *ike, struct id *out);	/* not owned */
/* the identity the peer must prove (not owned) */
void ike_remote_id(const struct ike_sa *ike, struct id *out);
diag_t id_to_payload(const struct id *id, uint8_t *type, uint8_t *buf, size_t size,
		     size_t *len);
diag_t id_from_payload(const struct ike_id_payload *p, struct id *out);
diag_t ike_psk_auth(struct ike_sa *ike, bool ours, struct ike_span id_body,
		    uint8_t *out, size_t *out_len);

/* ---- psk_cache.c ---- */
/* prf(PSK, "Key Pad for IKEv2") for the secret BYTES, made on first use
 * and kept in *CACHE (not owned by the caller: do not free *OUT) */
struct psk_cache;
diag_t psk_cache_keypad(struct psk_cache **cache, const struct crypto_prf *prf,
			const uint8_t *bytes, size_t len, PK11SymKey **out);
void psk_cache_free(struct psk_cache **cache);

/* ---- send.c ---- */
struct ikev2_out {
	uint8_t buf[IKEV2_MSG_MAX];
	struct ike_builder b;
	struct ike_sa *ike;
	bool sk;
	struct ike_sk_spans spans;
};
void out_init(struct ikev2_out *o, struct ike_sa *ike, uint8_t exchange, bool response,
	      uint32_t msgid);
/* a message without an IKE SA (error replies to IKE_SA_INIT) */
void out_init_bare(struct ikev2_out *o, const uint8_t ispi[8], const uint8_t rspi[8],
		   uint8_t exchange, uint8_t flags, uint32_t msgid);
void out_open_sk(struct ikev2_out *o);
void out_notify(struct ikev2_out *o, uint16_t type, const void *data, size_t len);
diag_t out_finish(struct ikev2_out *o, size_t *len);
/* send as our request ike->next_msgid (which it advances), keep it for retransmission */
void ikev2_send_request(struct ike_sa *ike, struct ikev2_out *o, size_t len);
/* send as the response to the peer's request MSGID, keep it for duplicates */
void ikev2_send_response(struct ike_sa *ike, struct ikev2_out *o, size_t len, uint32_t msgid);
void ikev2_send_raw(struct ikev2_engine *e, const ip_endpoint *local, const ip_endpoint *remote,
		    const uint8_t *pkt, size_t len);
/* "192.0.2.2:UDP/500" */
void jam_endpoint_udp(struct jambuf *b, const ip_endpoint *ep);
/* decrypt the SK payload of RX in place and decode the inner payloads;
 * *AUTHENTIC tells whether the integrity check passed (a failure after it
 * is the peer's malformed message: INVALID_SYNTAX) */
diag_t ikev2_decrypt(struct ike_sa *ike, struct ikev2_rx *rx, bool *authentic);

/* ---- retransmit.c ---- */
void retransmit_start(struct ike_sa *ike);
void retransmit_stop(struct ike_sa *ike);	/* the response arrived */

/* ---- dispatch.c ---- */
void ikev2_dispatch(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx);

/* ---- ike_sa_init.c ---- */
void ike_sa_init_start(struct ike_sa *ike);
ikev2_handler_fn process_ike_sa_init_request;
ikev2_handler_fn process_ike_sa_init_response;
ikev2_handler_fn process_ike_sa_init_notify;
/* C's ike= (or the defaults) as an IKE_SA_INIT SA payload */
diag_t ike_offer(const struct connection *c, struct ike_sa_build **out);
/* the same, made once per connection and kept on it (not owned by the caller) */
diag_t conn_ike_sa(struct connection *c, const struct ike_sa_payload **out);
/* RFC 7296 2.23 hash of SPIs and an endpoint (SHA-1) */
void nat_hash(const uint8_t ispi[8], const uint8_t rspi[8], const ip_endpoint *ep,
	      uint8_t out[20]);

/* ---- ike_auth.c ---- */
void ike_auth_start(struct ike_sa *ike);
ikev2_handler_fn process_ike_auth_request;
ikev2_handler_fn process_ike_auth_response;
ikev2_handler_fn process_ike_auth_notify;

/* ---- child.c ---- */
/* our ESP proposals for C with our inbound SPI */
diag_t child_offer(struct child_sa *child, bool initiator);
diag_t child_alloc_spi(struct child_sa *child);
/* the Child SA's keymat (prf+ of SK_d) on a worker; NEXT runs on the
 * loop (only if the IKE SA and the Child SA still exist) with the keys,
 * or with KEYS NULL and *D the failure */
typedef void child_keymat_next_fn(struct ike_sa *ike, struct child_sa *child,
				  const struct crypto_child_kernel_keys *keys, diag_t *d);
void child_submit_keymat(struct child_sa *child, child_keymat_next_fn *next);
/* SAs both ways, policies; on failure nothing stays installed */
diag_t child_install(struct child_sa *child, const struct crypto_child_kernel_keys *keys);
/* removes the states and the policies; when a sibling shares the
 * policies (a rekey's successor) they stay and the inbound SA is
 * retired instead (child_retire.c) */
void child_uninstall(struct child_sa *child);
/* one SA only; INBOUND also adds the policies (unless shared) and marks
 * the Child SA installed (a rekey's responder: outbound later) */
diag_t child_install_one(struct child_sa *child, const struct crypto_child_kernel_keys *keys,
			 bool inbound);
void child_log_established(struct child_sa *child);
void jam_child_ts(struct jambuf *b, const struct child_sa *child);

/* ---- child_retire.c: a replaced Child SA's inbound SA, kept a while ---- */
#define CHILD_RETIRE_GRACE_MS 5000
/* CHILD's inbound SA goes after the grace period (outbound: gone already) */
void child_retire_inbound(struct child_sa *child);
/* remove IKE's retired inbound SAs now: ALL, or those of REQID */
void child_retired_flush(struct ike_sa *ike, bool all, uint32_t reqid);
/* an IKE SA rekey: OLD's retired SAs now belong to IKE */
void child_retired_move(struct ike_sa *old, struct ike_sa *ike);
size_t child_retired_count(const struct ike_sa *ike);

/* ---- ts.c: traffic selectors (protoport, narrowing) ---- */
ip_selector child_local_sel(const struct child_sa *c);
ip_selector child_remote_sel(const struct child_sa *c);
void child_set_sel(struct child_sa *c, const ip_selector *local, const ip_selector *remote);
/* C's selectors (leftsubnet= or the host, leftprotoport=) */
void conn_selectors(const struct connection *c, const ip_address *local_host,
		    const ip_address *remote_host, ip_selector *local, ip_selector *remote);
bool conn_narrowing(const struct connection *c);
void ts_from_sel(const ip_selector *s, struct ike_ts *ts);
void put_ts_payloads(struct ike_builder *b, const ip_selector *tsi, const ip_selector *tsr);
/* responder: the initiator's TSi/TSr against our LOCAL/REMOTE */
enum ts_fit ts_fit_request(const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr,
			   const ip_selector *local, const ip_selector *remote, bool narrowing,
			   ip_selector *out_local, ip_selector *out_remote);
/* responder: C's selectors (narrowing=, a PROTO/%any end taking the
 * proposed port) against the initiator's TSi/TSr */
enum ts_fit conn_fit_request(const struct connection *c, const ip_address *local_host,
			     const ip_address *remote_host, const struct ike_ts_payload *tsi,
			     const struct ike_ts_payload *tsr, ip_selector *out_local,
			     ip_selector *out_remote);
/* initiator: the responder's answer against what we proposed */
enum ts_fit ts_fit_response(const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr,
			    const ip_selector *local, const ip_selector *remote, bool narrowing,
			    ip_selector *out_local, ip_selector *out_remote);
/* "[start-end:ports proto ...] -> [...]" */
void jam_ts_payloads(struct jambuf *b, const struct ike_ts_payload *tsi,
		     const struct ike_ts_payload *tsr);
/* responder, new Child SA: the connection (this IKE SA's, a sibling of
 * its family, or one with the same peer ID) whose selectors fit best */
struct connection *ts_find_conn(struct ike_sa *ike, const struct ike_ts_payload *tsi,
				const struct ike_ts_payload *tsr, ip_selector *local,
				ip_selector *remote);

/* ---- create_child_sa.c ---- */
/* an encrypted CREATE_CHILD_SA response carrying one notification (also ike_rekey.c) */
void create_child_sa_respond_notify(struct ike_sa *ike, uint32_t msgid, uint16_t type,
				    const void *data, size_t len);
/* initiator: a new Child SA for C over a family sibling's IKE SA (now or
 * when it is free): 0 when there is none, 1 when handled (CLIENT not
 * kept), IKEV2_INITIATE_STARTED when CLIENT is kept until the Child SA is
 * up or failed */
int child_new_queue(struct ikev2_engine *e, struct connection *c, struct log_client *client);
/* the same over IKE (C's own IKE SA whose Child SA went, or a sibling's);
 * never 0 */
int child_new_queue_on(struct ike_sa *ike, struct connection *c, struct log_client *client);
/* IKE is established / finished an exchange: start the next queued one */
void child_new_kick(struct ike_sa *ike);
void child_new_forget(struct ike_sa *ike);	/* IKE goes */
/* an IKE SA rekey: what waits on OLD now waits on IKE */
void child_new_move(struct ike_sa *old, struct ike_sa *ike);
/* IKE (ours, new) is established: queue the family siblings of its
 * connection that are supposed to be up and are not (after a revival) */
void child_new_family(struct ike_sa *ike);
ikev2_handler_fn process_create_child_sa_request;
ikev2_handler_fn process_create_child_sa_response;
/* start a CREATE_CHILD_SA that replaces OLD (now, or once the IKE SA is free) */
void child_rekey_initiate(struct child_sa *old);
/* arm OLD's rekey timer: ipsec-lifetime - rekeymargin (- fuzz if INITIATOR) */
void child_rekey_schedule(struct child_sa *child, bool initiator);
/* cancel the Child SA's rekey timer and drop a rekey in flight (deletion) */
void child_rekey_forget(struct child_sa *child);

/* ---- ike_rekey.c ---- */
/* CREATE_CHILD_SA without TSi/TSr: the peer rekeys the IKE SA */
ikev2_handler_fn ike_rekey_respond;
/* the response to our IKE SA rekey request */
ikev2_handler_fn ike_rekey_response;
void ike_rekey_initiate(struct ike_sa *old);
/* ikelifetime - rekeymargin (- fuzz on the initiator); when established */
void ike_rekey_schedule(struct ike_sa *ike);
void ike_rekey_forget(struct ike_sa *ike);
/* the peer deletes IKE: when it is the redundant new IKE SA of a rekey
 * collision, its Child SAs move to the surviving one first */
void ike_rekey_collision_delete(struct ike_sa *ike);
/* of two rekeys of one IKE SA, whether the exchange with nonces A1, A2 has
 * the lowest of the four (RFC 7296 2.8.2) */
bool ike_rekey_lowest_nonce(const uint8_t *a1, size_t a1_len, const uint8_t *a2, size_t a2_len,
			    const uint8_t *b1, size_t b1_len, const uint8_t *b2, size_t b2_len);

/* ---- liveness.c ---- */
void liveness_start(struct ike_sa *ike);	/* established: dpddelay= timer */
void liveness_stop(struct ike_sa *ike);
/* our request on the established IKE SA timed out: tear down, revive auto=start */
void liveness_failed(struct ike_sa *ike);

/* ---- reauth.c: reauth=yes ---- */
/* a new IKE SA (full IKE_SA_INIT, IKE_AUTH) to replace OLD */
void ike_reauth_initiate(struct ike_sa *old);
/* IKE was just authenticated: if it re-authenticates another, that one
 * goes now (Delete sent); true when IKE is a re-authentication */
bool ike_reauth_established(struct ike_sa *ike);
/* ike_rekey.c: the CREATE_CHILD_SA rekey, whatever reauth= says */
void ike_rekey_initiate_now(struct ike_sa *old);

/* ---- expire.c ---- */
/* SA's soft time limit and byte limits from the connection (lifetime_s set) */
void child_kernel_limits(const struct child_sa *child, struct ikev2_kernel_sa *sa);

/* ---- revival.c: conns supposed to be up (auto=start, ipsec up) come back, with backoff ---- */
#define REVIVAL_DELAY_STEP_MS 5000	/* Libreswan: 0, 5, 10, ... seconds */
#define REVIVAL_DELAY_MAX_MS 300000	/* at most 5 minutes apart */
uint64_t revival_delay_ms(unsigned attempt);	/* attempt 1: 0 */
bool revival_wanted(const struct connection *c);
/* schedule the next attempt for C (logs on LOGGER); false: not wanted */
bool revival_schedule(struct ikev2_engine *e, struct connection *c, const struct logger *logger,
		      const char *subplot);
/* IKE (still in the table) dies of a failure: revive its connection unless
 * another IKE SA of it is there */
bool revival_ike_died(struct ike_sa *ike, const char *subplot);
void revival_reset(struct ikev2_engine *e, const struct connection *c);	/* it is up */
bool revival_cancel(struct ikev2_engine *e, const struct connection *c);	/* ipsec down */
unsigned revival_attempt(struct ikev2_engine *e, const struct connection *c);
bool revival_pending(struct ikev2_engine *e, const struct connection *c);
void revival_free_engine(struct ikev2_engine *e);

/* ---- initial_contact.c: INITIAL_CONTACT (RFC 7296 2.4) and uniqueids ---- */
/* our first IKE_AUTH to this peer: no other IKE SA with it is established */
bool initial_contact_wanted(const struct ike_sa *ike);
/* IKE (just established by IKE_AUTH) replaces the peer's other IKE SAs and
 * their Child SAs: all of them after INITIAL_CONTACT, else those with the
 * same peer ID when uniqueids=yes */
void initial_contact_established(struct ike_sa *ike, bool initial_contact);
extern bool ikev2_uniqueids;	/* config setup uniqueids= (default yes) */
extern bool ikev2_send_initial_contact;	/* default yes; the unit tests turn it off */
/* the index by peer ID: IKE entered (true) or left (false) ESTABLISHED_IKE_SA */
void initial_contact_index(struct ike_sa *ike, bool established);

/* ---- informational.c ---- */
ikev2_handler_fn process_informational_request;
ikev2_handler_fn process_informational_response;
/* tell the peer the Child SA is gone (INFORMATIONAL Delete, ESP) */
void send_delete_child(struct child_sa *child);
void send_delete_ike(struct ike_sa *ike);
/* one Delete payload for N (at most 8) Child SAs */
void send_delete_children(struct ike_sa *ike, struct child_sa *const *v, unsigned n);
/* the initiator's "your AUTH is wrong" (RFC 7296 2.21.2), sent once */
void send_auth_failed(struct ike_sa *ike);

/* "SK{...}" naming the payloads found inside the SK payload (ike_auth.c) */
void jam_inner_payloads(struct jambuf *b, const struct ike_message *m);
/* the last error notify type (< 16384) in M, 0 if none (ikev2.c) */
uint16_t ike_message_error_notify(const struct ike_message *m);

#endif
