/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Algorithm proposals: Libreswan's ike= and esp= strings, their defaults,
 * their printed form, conversion to SA payload proposals, and matching
 * (responder: choose; initiator: check the responder's choice).  Pure.
 *
 * Grammar (Libreswan):
 *   LIST     = PROPOSAL [ "," PROPOSAL ... ]
 *   ike=     ENCRS [ "-" PRFS [ "-" INTEGS ] ] [ ("-"|";") KES ]
 *   esp=     ENCRS [ "-" INTEGS ] [ ("-"|";") KES ]
 *   ENCRS    = ENCR[KEYLEN|_KEYLEN] [ "+" ... ]   (aes256, aes_gcm_256, aes_gcm_16_256)
 * and likewise "+" lists of PRFs, integrity algorithms and DH groups.  A
 * field is recognised by its names (sha2_256 is a PRF/integrity name,
 * dh19 a DH name), so "aes-sha2;dh19" and "aes-sha2-dh19" are the same.
 * Names are case-insensitive and include Libreswan's printed names
 * (AES_GCM_16_256, HMAC_SHA2_512, HMAC_SHA2_256_128, MODP2048, DH19), so
 * the printed form parses back to the same proposals.
 *
 * Filled in when omitted (Libreswan 5, IKEv2):
 *   IKE PRF: sha2_512+sha2_256; IKE integrity: none for AEAD, else the
 *   PRF's HMAC; IKE DH: dh19+dh20+dh21+dh31+modp4096+modp3072+modp2048+
 *   modp8192; ESP integrity: none for AEAD, else sha2_512+sha2_256; ESP DH:
 *   none (the Child SA uses the IKE SA's group for PFS).
 *   A key length left out ("aes", "aes_gcm") is 0: the SA payload then
 *   offers 256 and 128 bit keys, in that order.
 */
#ifndef TERN_IKE_PROPOSAL_H
#define TERN_IKE_PROPOSAL_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/diag.h"
#include "tern/jambuf.h"
#include "tern/ike.h"

#define IKE_ALG_MAX 8		/* algorithms of one kind in one proposal */
#define IKE_ALG_MAX_KE 16
#define IKE_ALG_MAX_PROPOSALS 16
#define IKE_SA_MAX_TRANSFORMS 64	/* per proposal in an SA payload we build */

struct ike_alg_encr {
	uint16_t id;		/* enum ikev2_encr */
	uint16_t keylen;	/* bits; 0 = not given (256 and 128 offered) */
};

struct ike_alg_proposal {
	unsigned nr_encr, nr_prf, nr_integ, nr_ke;
	struct ike_alg_encr encr[IKE_ALG_MAX];
	uint16_t prf[IKE_ALG_MAX];	/* enum ikev2_prf; none for ESP */
	uint16_t integ[IKE_ALG_MAX];	/* enum ikev2_integ; none for AEAD */
	uint16_t ke[IKE_ALG_MAX_KE];	/* enum ikev2_ke_group */
};

struct ike_alg_proposals {
	uint8_t protocol;	/* IKEv2_PROTO_IKE or IKEv2_PROTO_ESP */
	unsigned count;
	struct ike_alg_proposal p[IKE_ALG_MAX_PROPOSALS];
};

/*
 * PROTOCOL is IKEv2_PROTO_IKE (ike=) or IKEv2_PROTO_ESP (esp=).  Errors
 * quote the whole value and name the token:
 *   "ike=aes_gcm256-sha2_512;dh99: unknown DH algorithm 'dh99'"
 */
diag_t ike_alg_proposals_parse(uint8_t protocol, const char *str, struct ike_alg_proposals *out);
/* Libreswan 5's IKEv2 defaults for ike= / esp= left unset */
void ike_alg_proposals_default(uint8_t protocol, struct ike_alg_proposals *out);

/* "AES_GCM_16_256-HMAC_SHA2_512+HMAC_SHA2_256-DH19+DH20" (IKE),
 * "AES_CBC_256-HMAC_SHA2_512_256+HMAC_SHA2_256_128" / "AES_GCM_16_256-NONE" (ESP) */
void jam_ike_alg_proposal(struct jambuf *b, uint8_t protocol, const struct ike_alg_proposal *p);
/* the proposals separated by ", " */
void jam_ike_alg_proposals(struct jambuf *b, const struct ike_alg_proposals *ps);

/* key-length facts used by the conversion */
bool ike_encr_is_aead(uint16_t id);
/* whether the transform carries a Key Length attribute (AES, Camellia) */
bool ike_encr_has_keylen(uint16_t id);

/* ---- SA payload proposals ---- */

enum ike_esn_policy {
	IKE_ESN_NO,		/* offer ESN NO */
	IKE_ESN_YES,		/* offer ESN YES */
	IKE_ESN_EITHER,		/* offer YES, then NO */
};

struct ike_sa_params {
	const uint8_t *spi;	/* ESP/AH: our inbound SPI; IKE rekey: 8 bytes */
	uint8_t spi_size;	/* 0 (IKE_SA_INIT), 4 (ESP/AH), 8 (IKE rekey) */
	enum ike_esn_policy esn;	/* ESP/AH only */
	/* ESP/AH: KE transform for proposals that name no DH group (PFS with
	 * the IKE SA's group); 0 = none */
	uint16_t pfs_group;
	/* ESP/AH: leave KE transforms out (the Child SA of IKE_AUTH) */
	bool omit_ke;
};

/* an SA payload with its own storage */
struct ike_sa_build {
	struct ike_sa_payload sa;
	struct ike_proposal proposals[IKE_ALG_MAX_PROPOSALS];
	struct ike_transform transforms[IKE_ALG_MAX_PROPOSALS][IKE_SA_MAX_TRANSFORMS];
};

/* numbered 1..count, in order; OUT's SA points into OUT itself */
diag_t ike_alg_proposals_to_sa(const struct ike_alg_proposals *algs,
			       const struct ike_sa_params *params, struct ike_sa_build *out);

/* the outcome of a negotiation: one transform of each type */
struct ike_sa_choice {
	uint8_t number;		/* the proposal number (the initiator's) */
	uint8_t protocol;
	uint8_t spi_size;
	uint8_t spi[8];		/* the SPI in the chosen proposal */
	bool has[IKEv2_TRANS_ESN + 1];	/* indexed by transform type */
	uint16_t id[IKEv2_TRANS_ESN + 1];
	uint16_t encr_keylen;
};

/*
 * Responder: the first of OUR proposals (in our order) that some proposal
 * of the PEER's offers; within it, our first algorithm of each type the
 * peer also offers, except that PREFER_KE (the group of the peer's KE
 * payload; 0 = none) wins when both sides offer it.  IGNORE_KE: KE
 * transforms don't count (IKE_AUTH's Child SA).  Peer proposals with
 * unknown transform types or transforms with unknown attributes are not
 * acceptable (RFC 7296 3.3.6).  Fails with a diag listing what the peer
 * proposed (the caller answers NO_PROPOSAL_CHOSEN).
 *
 * IKE_SA_INIT: pass the KE payload's group as PREFER_KE; when the chosen
 * id[IKEv2_TRANS_KE] differs from it, answer INVALID_KE_PAYLOAD with the
 * chosen group.  ESP/AH: OUT->spi is the peer's SPI (our outbound SA's);
 * reply with ike_sa_choice_to_sa(choice, our inbound SPI, 4, ...).
 */
diag_t ike_sa_choose(const struct ike_sa_payload *ours, const struct ike_sa_payload *peer,
		     uint16_t prefer_ke, bool ignore_ke, struct ike_sa_choice *out);
/*
 * Initiator: the responder's REPLY must hold exactly one proposal, with
 * one transform of each type, all of them offered in OUR proposal of the
 * same number.
 */
diag_t ike_sa_accept(const struct ike_sa_payload *ours, const struct ike_sa_payload *reply,
		     bool ignore_ke, struct ike_sa_choice *out);
/* the single-proposal SA payload a responder sends back, with its own SPI */
void ike_sa_choice_to_sa(const struct ike_sa_choice *c, const uint8_t *spi, uint8_t spi_size,
			 struct ike_sa_build *out);

/* "AES_GCM_16_256-HMAC_SHA2_512-DH19" (IKEv2 algorithm newest),
 * "AES_GCM_16_256-NONE" / "AES_CBC_128-HMAC_SHA2_256_128-DH19" (ESP) */
void jam_ike_sa_choice(struct jambuf *b, const struct ike_sa_choice *c);
/* "cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH19" */
void jam_ike_sa_choice_details(struct jambuf *b, const struct ike_sa_choice *c);
/* one SA payload proposal: "1:IKE:ENCR=AES_CBC_256,PRF=HMAC_SHA2_256,...;..." */
void jam_ike_sa_proposal(struct jambuf *b, const struct ike_proposal *p);

#endif
