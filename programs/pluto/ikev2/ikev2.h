/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IKEv2 engine: IKE_SA_INIT, IKE_AUTH (PSK), INFORMATIONAL, with the
 * SA tables of sa/.  Everything the engine needs from the outside goes
 * through struct ikev2_ops, so that pluto plugs in its sockets, sd-event
 * timers, worker pool, secrets and XFRM (ikev2/pluto_glue.c), and the
 * unit tests plug in a queue, a fake clock, an inline worker and a fake
 * kernel, and run an initiator and a responder in one process.
 *
 *   struct ikev2_engine *e = ikev2_engine_new(&ops, ctx, "west");
 *   ikev2_initiate(e, conn, client, &opts);   -- ipsec up
 *   ikev2_receive(e, &local, &remote, pkt, len);   -- a UDP datagram
 *   ikev2_terminate(e, conn);                 -- ipsec down
 *
 * The engine never blocks: key generation, DH and the key schedule run
 * as worker jobs; PSK AUTH and Child SA keymat (a few HMACs) run inline.
 */
#ifndef PLUTO_IKEV2_IKEV2_H
#define PLUTO_IKEV2_IKEV2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern/crypto.h"
#include "tern/ip.h"
#include "tern/log.h"
#include "tern/secrets.h"
#include "sa/sa.h"
#include "server/workers.h"

struct connection;
struct show;

/* one direction of an ESP SA, as the kernel seam installs it */
struct ikev2_kernel_sa {
	bool inbound;
	uint32_t spi;			/* host order */
	uint32_t reqid;
	ip_address src, dst;		/* outer addresses */
	uint16_t encap_sport, encap_dport;	/* 0: no UDP encapsulation */
	ip_selector src_client, dst_client;	/* selectors (protoport too) */
	bool transport;
	bool esn;
	unsigned replay_window;
	/* IANA ids (tern/ike_iana.h) and the keymat lib/crypto exported */
	unsigned encr_id, encr_key_bits;	/* key bits 0: the only size */
	unsigned integ_id;		/* 0 for AEAD */
	const uint8_t *encr_key;	/* key + salt/nonce */
	size_t encr_key_len;
	const uint8_t *integ_key;
	size_t integ_key_len;
	uint64_t lifetime_s;
	/* expire.c: soft limits (a rekey starts), hard bytes; 0: none */
	uint64_t soft_lifetime_s;
	uint64_t soft_bytes, hard_bytes;
};

struct ikev2_kernel_ops {
	/* an inbound SPI from the kernel (ALLOCSPI) for SRC->DST */
	diag_t (*alloc_spi)(void *ctx, const ip_address *src, const ip_address *dst,
			    uint32_t reqid, uint32_t *spi);
	diag_t (*add_sa)(void *ctx, const struct ikev2_kernel_sa *sa);
	/* remove the state (SPI to DST); errors are logged by the caller */
	diag_t (*del_sa)(void *ctx, const ip_address *src, const ip_address *dst, uint32_t spi);
	/* policies out/in/fwd for the Child SA between the two clients */
	diag_t (*add_policies)(void *ctx, const ip_selector *local_client,
			       const ip_selector *remote_client, const ip_address *local,
			       const ip_address *remote, uint32_t reqid, bool transport);
	diag_t (*del_policies)(void *ctx, const ip_selector *local_client,
			       const ip_selector *remote_client, uint32_t reqid);
	/* byte counters of one state (GETSA) */
	diag_t (*get_bytes)(void *ctx, const ip_address *src, const ip_address *dst, uint32_t spi,
			    uint64_t *bytes);
	/* NAT-T (ikev2/nat.c): the peer moved; move the Child SA's SAs and
	 * policies from OLD_* to NEW_* outer endpoints, ESP in UDP between
	 * the NEW ports when ENCAP (NULL: the engine cannot follow) */
	diag_t (*migrate)(void *ctx, const ip_selector *local_client, const ip_selector *remote_client,
			  uint32_t reqid, bool transport, const ip_endpoint *old_local,
			  const ip_endpoint *old_remote, const ip_endpoint *new_local,
			  const ip_endpoint *new_remote, bool encap);
};

struct ikev2_ops {
	void (*send)(void *ctx, const ip_endpoint *local, const ip_endpoint *remote,
		     const uint8_t *pkt, size_t len);
	uint64_t (*now_ms)(void *ctx);		/* monotonic */
	uint64_t (*wall_s)(void *ctx);		/* seconds since the epoch */
	/* one-shot timer after DELAY_MS; returns a handle for cancel */
	void *(*timer_start)(void *ctx, uint64_t delay_ms, void (*cb)(void *arg), void *arg);
	void (*timer_cancel)(void *ctx, void *timer);
	/* run JOB->run off the loop, then JOB->done on it */
	void (*submit)(void *ctx, struct worker_job *job);
	const struct secrets *(*secrets)(void *ctx);
	/*
	 * Responder: the connections that could answer REMOTE on LOCAL, in
	 * a stable order: the first one after AFTER (NULL: the first), or
	 * NULL.  IKE_SA_INIT takes the first whose ike= accepts the peer's
	 * proposals; IKE_AUTH may switch to another with the same host pair
	 * whose IDs and subnets fit.
	 */
	struct connection *(*find_conn)(void *ctx, const ip_endpoint *local,
					const ip_endpoint *remote, const struct connection *after);
	/* the whack request that started a negotiation is over: RC */
	void (*whack_done)(void *ctx, struct log_client *client, int rc);
	const struct ikev2_kernel_ops *kernel;
	/* optional: an IKE SA of C was deleted, its Child SAs first (pluto:
	 * a negotiation that ends without a Child SA failed, conn/route.h) */
	void (*ike_gone)(void *ctx, struct connection *c);
	/* optional: a new Child SA of C over an established IKE SA
	 * (CREATE_CHILD_SA) failed (pluto: like ike_gone, conn/route.h) */
	void (*child_failed)(void *ctx, struct connection *c);
};

struct ikev2_engine {
	const struct ikev2_ops *ops;
	void *ctx;
	const char *name;		/* for debug lines */
	struct sa_table sas;
	unsigned halfopen_cookie_threshold;	/* demand cookies at or above */
	uint8_t cookie_secret[32];
	unsigned jobs_in_flight;
	uint64_t keepalive_ms;		/* NAT keepalives (keep-alive=), 0: none */
	struct psk_cache *psk_cache;	/* PSK Key Pad keys (psk_cache.c) */
};

struct ikev2_initiate_opts {
	bool childless;		/* IKE SA only (RFC 6023) */
};

diag_t ikev2_engine_new(const struct ikev2_ops *ops, void *ctx, const char *name,
			struct ikev2_engine **out);
/* deletes every SA (kernel state included, no notifications) and frees */
void ikev2_engine_free(struct ikev2_engine **e);

/*
 * Start an IKE SA (and its first Child SA) for C.  CLIENT (may be NULL)
 * sees the lines live.  Returns IKEV2_INITIATE_STARTED when CLIENT was
 * attached to the new IKE SA: whack_done() reports the outcome later
 * (perhaps before this returns).  Otherwise a CTL_RC_* code: OK when the
 * IKE SA already exists, else a failure already logged.
 */
#define IKEV2_INITIATE_STARTED (-1)
int ikev2_initiate(struct ikev2_engine *e, struct connection *c, struct log_client *client,
		   const struct ikev2_initiate_opts *opts);
/* delete C's SAs, sending Delete notifications; returns how many IKE SAs */
unsigned ikev2_terminate(struct ikev2_engine *e, struct connection *c);
/* whack --rekey-ike (IKE_SA) / --rekey-child: rekey C's newest established
 * IKE SA or Child SA now (rekey_cmd.c); a CTL_RC_* code, the failure logged */
int ikev2_rekey(struct ikev2_engine *e, struct connection *c, bool ike_sa);
/* a datagram (non-ESP marker already stripped on port 4500) */
void ikev2_receive(struct ikev2_engine *e, const ip_endpoint *local, const ip_endpoint *remote,
		   const uint8_t *pkt, size_t len);
/* the kernel's EXPIRE of the ESP SA SPI to DST: soft rekeys its Child SA,
 * hard deletes it (ikev2/expire.c) */
void ikev2_kernel_expire(struct ikev2_engine *e, const ip_address *dst, uint32_t spi, bool hard,
			 uint64_t bytes);
/* the kernel's MAPPING: an authenticated ESP-in-UDP packet for our
 * inbound SA SPI to DST came from NEW_REMOTE; the IKE SA and its Child
 * SAs move there (ikev2/nat.c) */
void ikev2_kernel_mapping(struct ikev2_engine *e, const ip_address *dst, uint32_t spi,
			  const ip_endpoint *new_remote);
/* send an empty INFORMATIONAL request (liveness) on the IKE SA */
void ikev2_send_liveness(struct ikev2_engine *e, struct ike_sa *ike);

/* status */
void ikev2_show_states(struct ikev2_engine *e, struct show *s);
/* all Child SAs, or only those of connection NAME (NULL: all) */
void ikev2_show_traffic(struct ikev2_engine *e, struct show *s, const char *name);
void ikev2_show_brief(struct ikev2_engine *e, struct show *s);

#endif
