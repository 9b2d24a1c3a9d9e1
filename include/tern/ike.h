/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKEv2 message codec (RFC 7296, RFC 7383 fragments): pure, no I/O.
 *
 * Decoding turns untrusted bytes into typed structs that point INTO the
 * decoded buffer (zero copy: keep the buffer alive while the message is
 * used).  Every length is checked; a failure is a diag naming the payload,
 * the offset and what was wrong, plus the notify the caller should answer
 * with (struct ike_decode_fail).
 *
 *   struct ike_message *m = malloc(sizeof(*m));   (it is ~20 KiB)
 *   struct ike_decode_fail fail;
 *   diag_t d = ike_message_decode(pkt, len, m, &fail);
 *   const struct ike_payload *ke = ike_message_get(m, IKEv2_NP_KE);
 *
 * Encrypted messages: the outer decode stops at SK (or SKF), whose spans
 * (AAD, IV, ciphertext, ICV) the caller splits with ike_sk_spans() once it
 * knows the IV and ICV sizes; after decrypting in place it strips the
 * padding with ike_sk_unpad() and appends the inner payloads with
 * ike_message_decode_inner().
 *
 * Encoding: struct ike_builder writes into a caller buffer, chaining the
 * next-payload fields and filling lengths; errors are sticky (the first
 * one is kept and later calls do nothing) and reported by
 * ike_builder_finish().  ike_message_encode() re-encodes a decoded message
 * byte for byte (reserved bits and raw attributes are kept for that).
 */
#ifndef TERN_IKE_H
#define TERN_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tern/diag.h"
#include "tern/jambuf.h"
#include "tern/ike_iana.h"

#define IKE_HEADER_SIZE 28
#define IKE_PAYLOAD_HEADER_SIZE 4
#define IKE_NONCE_MIN 16
#define IKE_NONCE_MAX 256
#define IKE_NON_ESP_MARKER_SIZE 4

/* limits of one decoded message (inner payloads included) */
#define IKE_MAX_PAYLOADS 64
#define IKE_MAX_PROPOSALS 32	/* over all SA payloads */
#define IKE_MAX_TRANSFORMS 256
#define IKE_MAX_TS 64		/* over TSi and TSr */
#define IKE_MAX_CP_ATTRS 64

/* a read-only view into a buffer */
struct ike_span {
	const uint8_t *ptr;
	size_t len;
};

/* ---- header ---- */

struct ike_header {
	uint8_t ispi[8];
	uint8_t rspi[8];
	uint8_t next_payload;
	uint8_t major, minor;	/* version nibbles */
	uint8_t exchange;	/* enum ikev2_exchange */
	uint8_t flags;		/* as received (IKEv2_FLAG_* + reserved bits) */
	uint32_t msgid;
	uint32_t length;
};

static inline bool ike_header_is_response(const struct ike_header *h)
{ return (h->flags & IKEv2_FLAG_RESPONSE) != 0; }
static inline bool ike_header_is_initiator(const struct ike_header *h)
{ return (h->flags & IKEv2_FLAG_INITIATOR) != 0; }

/* ---- payload bodies ---- */

struct ike_transform {
	uint8_t type;		/* enum ikev2_transform_type */
	uint8_t reserved1;	/* as received; 0 when built */
	uint16_t id;
	uint8_t reserved2;
	uint16_t keylen;	/* Key Length attribute in bits, 0 = absent */
	bool unknown_attrs;	/* carries attributes other than Key Length */
	/* raw attributes as received; when empty, encoding writes Key Length
	 * (if keylen != 0) as a TV attribute */
	struct ike_span attrs;
};

struct ike_proposal {
	uint8_t number;		/* Proposal Num */
	uint8_t protocol;	/* enum ikev2_protocol_id */
	uint8_t reserved;
	uint8_t spi_size;	/* 0, 4 or 8 */
	uint8_t spi[8];
	unsigned nr_transforms;
	struct ike_transform *transforms;
};

struct ike_sa_payload {
	unsigned nr_proposals;
	struct ike_proposal *proposals;
};

struct ike_ke_payload {
	uint16_t group;		/* enum ikev2_ke_group */
	uint16_t reserved;
	struct ike_span data;
};

struct ike_nonce_payload {
	struct ike_span data;	/* 16..256 bytes */
};

/* IDi, IDr */
struct ike_id_payload {
	uint8_t type;		/* enum ikev2_id_type */
	uint8_t reserved[3];
	struct ike_span data;
};

struct ike_auth_payload {
	uint8_t method;		/* enum ikev2_auth_method */
	uint8_t reserved[3];
	struct ike_span data;
};

struct ike_notify_payload {
	uint8_t protocol;	/* 0 when no SPI */
	uint8_t spi_size;	/* 0, 4 or 8 */
	uint16_t type;		/* enum ikev2_notify */
	struct ike_span spi;
	struct ike_span data;
};

struct ike_delete_payload {
	uint8_t protocol;	/* IKE (no SPIs) or ESP/AH */
	uint8_t spi_size;	/* 0 or 4 */
	uint16_t nr_spis;
	struct ike_span spis;	/* nr_spis * spi_size bytes */
};

struct ike_ts {
	uint8_t type;		/* enum ikev2_ts_type */
	uint8_t ipproto;	/* 0 = any */
	uint16_t start_port, end_port;
	uint8_t addr_len;	/* 4 (type 7), 16 (type 8), 0 other types */
	uint8_t start[16], end[16];	/* network order */
	struct ike_span raw;	/* the body of an unknown TS type */
};

/* TSi, TSr */
struct ike_ts_payload {
	uint8_t reserved[3];
	unsigned nr_ts;
	struct ike_ts *ts;
};

/* SK (RFC 7296 3.14) and SKF (RFC 7383 2.5) */
struct ike_sk_payload {
	uint8_t first_inner;	/* Next Payload: type of the first inner payload */
	uint16_t frag_number;	/* SKF only (1..total) */
	uint16_t frag_total;	/* SKF only */
	/* integrity-protected associated data: IKE header .. end of the SK
	 * generic header (SKF: .. Total Fragments) */
	struct ike_span aad;
	/* IV | ciphertext (with padding and pad length) | ICV */
	struct ike_span body;
};

struct ike_cp_attr {
	uint16_t type;		/* 15-bit attribute type */
	bool reserved_bit;	/* as received */
	struct ike_span value;
};

struct ike_cp_payload {
	uint8_t type;		/* enum ikev2_cp_type */
	uint8_t reserved[3];
	unsigned nr_attrs;
	struct ike_cp_attr *attrs;
};

struct ike_eap_payload {
	uint8_t code;		/* 1 Request, 2 Response, 3 Success, 4 Failure */
	uint8_t identifier;
	uint8_t type;		/* Request/Response only, else 0 */
	struct ike_span message;	/* the whole EAP message (code..end) */
};

/* CERT, CERTREQ */
struct ike_cert_payload {
	uint8_t encoding;	/* enum ikev2_cert_encoding */
	struct ike_span data;
};

struct ike_payload {
	uint8_t type;		/* enum ikev2_payload_type, or unknown number */
	uint8_t flags;		/* critical bit + reserved bits, as received */
	bool inner;		/* decoded from inside SK */
	bool known;		/* false: unknown non-critical, body kept raw */
	size_t offset;		/* of the generic header in its buffer */
	struct ike_span body;	/* after the generic header */
	union {
		struct ike_sa_payload sa;
		struct ike_ke_payload ke;
		struct ike_nonce_payload nonce;
		struct ike_id_payload id;
		struct ike_auth_payload auth;
		struct ike_notify_payload n;
		struct ike_delete_payload d;
		struct ike_span v;	/* vendor ID */
		struct ike_ts_payload ts;
		struct ike_sk_payload sk;
		struct ike_cp_payload cp;
		struct ike_eap_payload eap;
		struct ike_cert_payload cert;
		struct ike_span raw;	/* GSPM and unknown types */
	} u;
};

#define IKE_PAYLOAD_CRITICAL 0x80

struct ike_message {
	struct ike_header hdr;
	struct ike_span packet;	/* the whole decoded datagram */
	unsigned nr_payloads;
	struct ike_payload payloads[IKE_MAX_PAYLOADS];
	/* index: first payload of each type (+1; 0 = none), next of same type */
	uint8_t first_of[256];
	uint8_t next_same[IKE_MAX_PAYLOADS];
	/* storage the payloads point into */
	unsigned nr_proposals, nr_transforms, nr_ts, nr_cp_attrs;
	struct ike_proposal proposals[IKE_MAX_PROPOSALS];
	struct ike_transform transforms[IKE_MAX_TRANSFORMS];
	struct ike_ts ts[IKE_MAX_TS];
	struct ike_cp_attr cp_attrs[IKE_MAX_CP_ATTRS];
};

/* what the caller should answer a message that failed to decode with */
struct ike_decode_fail {
	uint16_t notify;	/* enum ikev2_notify; 0 = drop silently */
	uint8_t payload_type;	/* payload at fault (the unsupported critical one) */
	size_t offset;		/* byte offset of the fault */
};

/* ---- decoding ---- */

/*
 * Just the 28-byte header; checks the version (major != 2 fails with
 * INVALID_MAJOR_VERSION; the caller routes major 1 to IKEv1 before) and
 * that the length field equals LEN.
 */
diag_t ike_header_decode(const uint8_t *pkt, size_t len, struct ike_header *hdr,
			 struct ike_decode_fail *fail);

/*
 * Header + payload chain + every payload body.  On failure *MSG may be
 * partly written (but never points outside PKT); *FAIL (if not NULL) says
 * how to answer.  FAIL is written only on failure.
 */
diag_t ike_message_decode(const uint8_t *pkt, size_t len, struct ike_message *msg,
			  struct ike_decode_fail *fail);

/*
 * Decode the plaintext of an SK payload (after ike_sk_unpad()) whose first
 * payload is FIRST (the SK's first_inner) and append the payloads to MSG,
 * marked inner.  SK/SKF inside are INVALID_SYNTAX.  On failure MSG is
 * restored to what it was.
 */
diag_t ike_message_decode_inner(struct ike_message *msg, const uint8_t *plain,
				size_t len, uint8_t first, struct ike_decode_fail *fail);

/* first payload of TYPE or NULL; then the next of the same type or NULL */
const struct ike_payload *ike_message_get(const struct ike_message *msg, uint8_t type);
const struct ike_payload *ike_message_next(const struct ike_message *msg,
					   const struct ike_payload *p);
/* first Notify of the given type, or NULL */
const struct ike_payload *ike_message_get_notify(const struct ike_message *msg,
						 uint16_t notify_type);

/* spans of the SK/SKF body given the cipher's IV and ICV sizes */
struct ike_sk_spans {
	struct ike_span aad;
	struct ike_span iv;
	struct ike_span ciphertext;	/* encrypted payloads + padding + pad length */
	struct ike_span icv;
};
diag_t ike_sk_spans(const struct ike_sk_payload *sk, size_t iv_len, size_t icv_len,
		    struct ike_sk_spans *out);
/* decrypted CIPHERTEXT -> length of the inner payloads (pad length checked) */
diag_t ike_sk_unpad(const uint8_t *plain, size_t len, size_t *payloads_len);

/* UDP/4500 demultiplexing (RFC 3948) */
enum ike_udp4500_kind {
	IKE_UDP4500_IKE,	/* non-ESP marker stripped: an IKE message follows */
	IKE_UDP4500_ESP,	/* non-zero SPI: ESP in UDP (the kernel's) */
	IKE_UDP4500_KEEPALIVE,	/* single 0xff byte */
	IKE_UDP4500_INVALID,	/* too short to be anything */
};
/* for IKE, advances *PKT and shrinks *LEN past the marker */
enum ike_udp4500_kind ike_udp4500_classify(const uint8_t **pkt, size_t *len);

/* ---- encoding ---- */

struct ike_builder {
	uint8_t *buf;
	size_t size;
	size_t len;
	size_t np_at;		/* where the next payload's type goes */
	size_t header_at;	/* SIZE_MAX before a header is written */
	size_t sk_at;		/* open SK payload or SIZE_MAX */
	size_t sk_plain_at;	/* start of the SK plaintext */
	size_t sk_iv_len;
	diag_t diag;		/* first error; sticky */
};

void ike_builder_init(struct ike_builder *b, uint8_t *buf, size_t size);
/* the header's length field is filled in by ike_builder_finish() */
void ike_put_header(struct ike_builder *b, const struct ike_header *hdr);
/*
 * Any payload, from its typed fields (P->u by P->type; unknown types and
 * GSPM from u.raw).  P->flags is written as is (0 for a new payload).  An
 * SK/SKF payload P is written raw (its first_inner, frag fields and body):
 * that is for re-encoding; use ike_open_sk() to build one.
 */
void ike_put_payload(struct ike_builder *b, const struct ike_payload *p);
/* convenience constructors for the common cases */
void ike_put_notify(struct ike_builder *b, uint8_t protocol, const uint8_t *spi,
		    size_t spi_size, uint16_t type, const uint8_t *data, size_t data_len);
void ike_put_raw_payload(struct ike_builder *b, uint8_t type, const uint8_t *body,
			 size_t len);
/*
 * SK: writes the generic header, reserves IV_LEN bytes (zeroed; the caller
 * fills them); payloads put afterwards are inner (the first one's type goes
 * into the SK's Next Payload).
 */
void ike_open_sk(struct ike_builder *b, size_t iv_len);
/*
 * Pads the plaintext so that plaintext + pad length byte is a multiple of
 * BLOCK_SIZE (1 for stream/AEAD ciphers: just the pad length byte),
 * reserves ICV_LEN bytes and fills the SK length.  SPANS (valid after
 * ike_builder_finish(), which fills the header length the AAD covers)
 * point into the buffer: encrypt ciphertext in place, write iv and icv.
 */
void ike_close_sk(struct ike_builder *b, size_t block_size, size_t icv_len,
		  struct ike_sk_spans *spans);
/* fills the header length; returns the first error (buffer too small, ...) */
diag_t ike_builder_finish(struct ike_builder *b, size_t *len);

/* re-encode a decoded message (outer payloads; SK raw) */
diag_t ike_message_encode(const struct ike_message *msg, uint8_t *buf, size_t size,
			  size_t *len);

/* ---- names ---- */

/* NULL when unknown */
const char *ike_exchange_name(unsigned v);	/* "IKE_SA_INIT" */
const char *ike_payload_name(unsigned v);	/* "SA", "KE", "Ni", "N", "SK" ... */
const char *ike_notify_name(unsigned v);	/* "NO_PROPOSAL_CHOSEN" */
const char *ike_protocol_name(unsigned v);	/* "IKE", "AH", "ESP" */
const char *ike_id_type_name(unsigned v);	/* "ID_FQDN" */
const char *ike_auth_method_name(unsigned v);	/* "PSK"? see lib/ike/ike_names.c */
const char *ike_transform_type_name(unsigned v);	/* "ENCR", "PRF", "INTEG", "KE", "ESN" */
/* Libreswan's algorithm names: "AES_GCM_16", "HMAC_SHA2_512", "HMAC_SHA2_256_128", "DH19" */
const char *ike_transform_id_name(unsigned type, unsigned id);
const char *ike_ts_type_name(unsigned v);
const char *ike_cert_encoding_name(unsigned v);
const char *ike_cp_type_name(unsigned v);
/* names, or the number for unknown values ("NOTIFY_12345") */
void jam_ike_exchange(struct jambuf *b, unsigned v);
void jam_ike_payload(struct jambuf *b, unsigned v);
void jam_ike_notify(struct jambuf *b, unsigned v);
/* "SA,KE,Ni,N(NAT_DETECTION_SOURCE_IP),V" — the payloads of a message */
void jam_ike_payloads(struct jambuf *b, const struct ike_message *msg);

#endif
