/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/crypto: every IKEv2 cryptographic operation, done by NSS.
 *
 * Secret material lives in NSS objects (PK11SymKey, SECKEYPrivateKey) and
 * leaves them only where IKE needs raw bytes: the KE payload public value,
 * MAC/AUTH outputs, AEAD salts, and the Child SA keys handed to the kernel
 * (crypto_child_keymat_export_for_kernel(), the one exporter of secrets).
 *
 * NSS must be initialised by the caller (pluto: the NSS db; tests:
 * NSS_NoDB_Init(NULL)).  Every function is thread-safe: the library keeps
 * no mutable static state apart from the once-only support probe, objects
 * are immutable after creation (a crypto_ke_secret or crypto_sk may be used
 * from any thread, one call at a time per crypto_ke_secret), and nothing
 * here logs except crypto_selftest() and crypto_dbg_symkey(), which log
 * through the logger they are given.  Errors follow diag.h: NULL on
 * success, outputs untouched on failure.
 *
 * Algorithms are identified by their IANA numbers (tern/ike_iana.h).
 */
#ifndef TERN_CRYPTO_H
#define TERN_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pk11pub.h>

#include "tern/diag.h"
#include "tern/ike_iana.h"
#include "tern/jambuf.h"
#include "tern/log.h"

/*
 * Byte spans.  crypto_cspan is read-only input; crypto_span is a caller
 * buffer the function writes (in place where documented).
 */
struct crypto_cspan {
	const uint8_t *ptr;
	size_t len;
};
struct crypto_span {
	uint8_t *ptr;
	size_t len;
};
#define CRYPTO_CSPAN(p, n) ((struct crypto_cspan){ .ptr = (const uint8_t *)(p), .len = (n) })
#define CRYPTO_SPAN(p, n) ((struct crypto_span){ .ptr = (uint8_t *)(p), .len = (n) })

/* largest sizes anything here produces */
#define CRYPTO_MAX_PRF_SIZE 64		/* HMAC-SHA2-512 output */
#define CRYPTO_MAX_ICV_SIZE 32		/* HMAC_SHA2_512_256, AEAD tags are 16 */
#define CRYPTO_MAX_SALT_SIZE 4
#define CRYPTO_MAX_ENCR_KEYMAT (32 + CRYPTO_MAX_SALT_SIZE)
#define CRYPTO_MAX_INTEG_KEYMAT 64
#define CRYPTO_MAX_KE_SIZE 512		/* MODP4096 public value */
#define CRYPTO_MAX_IV_SIZE 16

/*
 * Algorithm table.
 *
 * One descriptor per IANA id, with the name Libreswan prints, key sizes
 * and wire sizes.  crypto_*_by_id() returns NULL for an id we do not
 * implement at all; crypto_*_supported() tells whether this NSS can run
 * it (probed once, lazily, after NSS is initialised; NSS 3.87 runs all
 * of them except the AES_CMAC prf, which its IKE prf mechanisms lack, so
 * it is reported unsupported and must not be proposed).  The tables are
 * arrays ending with a NULL-name sentinel, for listing ("ipsec
 * listalgs"-style output and proposal defaults).  jam_crypto_cipher()
 * writes the cipher as status lines show it: "AES_GCM_16_256",
 * "AES_CBC_128" (name, '_', key bits when KEY_BITS is non-zero).
 */
struct crypto_encr {
	enum ikev2_encr id;
	const char *name;		/* "AES_GCM_16" */
	bool aead;			/* integrity built in (integ=n/a) */
	bool keylen_attr;		/* proposals carry a Key Length attribute */
	unsigned key_bits_default;
	unsigned key_bits[4];		/* allowed sizes, 0-terminated */
	unsigned block_size;		/* SK payload: pad plaintext to a multiple of this */
	unsigned wire_iv_size;		/* IV octets in the SK payload */
	unsigned salt_size;		/* keymat octets after the key (AEAD salt, CTR nonce) */
	unsigned icv_size;		/* AEAD tag octets (0 if not AEAD) */
	CK_MECHANISM_TYPE mech;
};

struct crypto_prf {
	enum ikev2_prf id;
	const char *name;		/* "HMAC_SHA2_256" */
	unsigned out_size;		/* octets of prf output */
	unsigned key_size;		/* preferred key octets: SK_d, SK_pi, SK_pr */
	CK_MECHANISM_TYPE mac_mech;	/* CKM_SHA256_HMAC, CKM_AES_XCBC_MAC, ... */
};

struct crypto_integ {
	enum ikev2_integ id;
	const char *name;		/* "HMAC_SHA2_256_128" */
	unsigned key_size;		/* octets of SK_a / ESP auth key */
	unsigned icv_size;		/* truncated MAC octets */
	CK_MECHANISM_TYPE mac_mech;	/* full-length MAC, truncated by us */
	const char *kernel_name;	/* XFRM algorithm name: "hmac(sha256)" */
};

enum crypto_ke_kind {
	CRYPTO_KE_MODP,
	CRYPTO_KE_ECP,		/* NIST prime curves, RFC 5903 */
	CRYPTO_KE_X25519,	/* RFC 8031 */
};

struct crypto_ke_group {
	enum ikev2_ke_group id;
	const char *name;		/* "MODP2048", "DH19", "DH31" */
	enum crypto_ke_kind kind;
	unsigned public_size;		/* KE payload octets */
	unsigned shared_size;		/* g^ir octets */
	/* MODP: big-endian prime, generator 2; ECP/X25519: DER curve OID */
	const uint8_t *params;
	size_t params_len;
};

extern const struct crypto_encr crypto_encr_table[];
extern const struct crypto_prf crypto_prf_table[];
extern const struct crypto_integ crypto_integ_table[];
extern const struct crypto_ke_group crypto_ke_table[];

const struct crypto_encr *crypto_encr_by_id(unsigned id);
const struct crypto_prf *crypto_prf_by_id(unsigned id);
const struct crypto_integ *crypto_integ_by_id(unsigned id);
const struct crypto_ke_group *crypto_ke_by_id(unsigned id);

bool crypto_encr_supported(const struct crypto_encr *e);
bool crypto_prf_supported(const struct crypto_prf *p);
bool crypto_integ_supported(const struct crypto_integ *i);
bool crypto_ke_supported(const struct crypto_ke_group *g);

/* is KEY_BITS one of E's sizes? 0 means "the default" and is accepted */
bool crypto_encr_key_bits_ok(const struct crypto_encr *e, unsigned key_bits);
/* KEY_BITS, or the default when 0 */
unsigned crypto_encr_key_bits(const struct crypto_encr *e, unsigned key_bits);
/* "AES_GCM_16_256" */
void jam_crypto_cipher(struct jambuf *b, const struct crypto_encr *e, unsigned key_bits);
/* kernel (XFRM) name of the cipher: "rfc4106(gcm(aes))", "cbc(aes)", ... */
const char *crypto_encr_kernel_name(const struct crypto_encr *e);

/*
 * Symmetric keys and randomness.
 *
 * crypto_symkey_from_bytes() imports raw secret bytes (a PSK from
 * ipsec.secrets, a test vector) into NSS; the caller wipes its copy.
 * crypto_symkey_free() releases and NULLs.  crypto_dbg_symkey() logs a
 * key as a "| " line: its length with plutodebug=crypt, its octets only
 * with plutodebug=private.  crypto_random() fills OUT from NSS's DRBG
 * (nonces, SPIs, IVs).  crypto_memeq() compares in constant time (a
 * received AUTH or ICV against the computed one); crypto_wipe() clears
 * memory that held secrets in a way the compiler keeps.
 */
diag_t crypto_symkey_from_bytes(struct crypto_cspan bytes, PK11SymKey **out);
void crypto_symkey_free(PK11SymKey **key);
size_t crypto_symkey_len(PK11SymKey *key);
void crypto_dbg_symkey(const struct logger *logger, const char *what, PK11SymKey *key);
diag_t crypto_random(struct crypto_span out);
bool crypto_memeq(const void *a, const void *b, size_t n);
void crypto_wipe(void *p, size_t n);

/*
 * Key exchange.
 *
 * crypto_ke_generate() makes a fresh local key pair for group G (this is
 * the expensive part: run it on a worker).  crypto_ke_public() is the KE
 * payload's Key Exchange Data: fixed length per group (MODP: the prime's
 * size, left-padded; ECP: x||y without the 0x04 prefix, RFC 5903; X25519:
 * 32 octets, RFC 8031).  crypto_ke_derive() checks the peer's value
 * strictly (exact length; MODP 1 < y < p-1; ECP point on the curve;
 * X25519 all-zero result refused) and returns g^ir as a key of
 * G->shared_size octets (MODP left-padded to the prime's size).
 * crypto_ke_free() destroys the private key.
 */
struct crypto_ke_secret;
diag_t crypto_ke_generate(const struct crypto_ke_group *g, struct crypto_ke_secret **out);
struct crypto_cspan crypto_ke_public(const struct crypto_ke_secret *s);
const struct crypto_ke_group *crypto_ke_secret_group(const struct crypto_ke_secret *s);
diag_t crypto_ke_derive(const struct crypto_ke_secret *s, struct crypto_cspan peer,
			PK11SymKey **shared);
void crypto_ke_free(struct crypto_ke_secret **s);

/*
 * PRF and prf+ (RFC 7296 2.13).
 *
 * crypto_prf_key() computes prf(KEY, DATA[0] | ... | DATA[N-1]) into a new
 * key, for secret outputs (prf(PSK, "Key Pad for IKEv2")).
 * crypto_prf_bytes() computes the same into OUT (OUT_LEN must equal the
 * prf's out_size), for public outputs (AUTH, MACedIDFor*).
 * crypto_prfplus() computes the first LEN octets of
 * prf+(KEY, [SEED_KEY |] SEED) as a key; SEED_KEY may be NULL.  For AES
 * prfs the key is normalised as RFC 4434 / RFC 4615 say.
 */
diag_t crypto_prf_key(const struct crypto_prf *prf, PK11SymKey *key,
		      const struct crypto_cspan *data, size_t n, PK11SymKey **out);
diag_t crypto_prf_bytes(const struct crypto_prf *prf, PK11SymKey *key,
			const struct crypto_cspan *data, size_t n,
			uint8_t *out, size_t out_len);
diag_t crypto_prfplus(const struct crypto_prf *prf, PK11SymKey *key,
		      PK11SymKey *seed_key, struct crypto_cspan seed,
		      size_t len, PK11SymKey **out);

/*
 * AUTH payload helpers (RFC 7296 2.15).  crypto_maced_id() computes
 * MACedIDFor{I,R} = prf(SK_p{i,r}, RestOfIDPayload), RestOfIDPayload being
 * the ID payload after its generic header (ID Type, RESERVED, data); the
 * same octets end the signed data of signature authentication.
 * crypto_psk_auth() computes the shared-key AUTH data
 *   prf(prf(PSK, "Key Pad for IKEv2"), RealMessage | Nonce | MACedID)
 * where RealMessage is the sender's IKE_SA_INIT message and Nonce the
 * peer's nonce data.  OUT_LEN must be the prf's out_size for both.
 */
diag_t crypto_maced_id(const struct crypto_prf *prf, PK11SymKey *sk_p,
		       struct crypto_cspan id_body, uint8_t *out, size_t out_len);
diag_t crypto_psk_auth(const struct crypto_prf *prf, PK11SymKey *psk,
		       struct crypto_cspan real_message, struct crypto_cspan nonce,
		       struct crypto_cspan maced_id, uint8_t *out, size_t out_len);
/*
 * The same in two steps, so that the first can be kept per (PSK, prf):
 * crypto_psk_keypad() makes prf(PSK, "Key Pad for IKEv2") (*OUT, free
 * with crypto_symkey_free()), crypto_psk_auth_padded() the AUTH data
 * with it.
 */
diag_t crypto_psk_keypad(const struct crypto_prf *prf, PK11SymKey *psk, PK11SymKey **out);
diag_t crypto_psk_auth_padded(const struct crypto_prf *prf, PK11SymKey *padded,
			      struct crypto_cspan real_message, struct crypto_cspan nonce,
			      struct crypto_cspan maced_id, uint8_t *out, size_t out_len);

/*
 * Hashes for the public computations IKE needs: NAT detection data is
 * SHA1(SPIi | SPIr | IP | Port) (RFC 7296 2.23), cookies hash the peer's
 * nonce and address with a local secret (2.6).  crypto_hash() writes the
 * digest of DATA[0..N-1] to OUT; OUT_LEN must be the digest's size
 * (crypto_hash_size(): 20, 32, 48, 64; 0 for an unknown algorithm).
 * Algorithms are RFC 7427's numbers (IKEv2_HASH_SHA1 ... SHA2_512).
 */
size_t crypto_hash_size(enum ikev2_hash_algorithm h);
diag_t crypto_hash(enum ikev2_hash_algorithm h, const struct crypto_cspan *data, size_t n,
		   uint8_t *out, size_t out_len);

/*
 * Integrity (the non-AEAD ICV), usable on its own for tests and ESP
 * checks: crypto_integ_mac() writes the truncated MAC of the
 * concatenation of DATA[0..N-1] to OUT (OUT_LEN == integ->icv_size).
 */
diag_t crypto_integ_mac(const struct crypto_integ *integ, PK11SymKey *key,
			const struct crypto_cspan *data, size_t n,
			uint8_t *out, size_t out_len);

/*
 * SK payload protection, one direction (RFC 7296 3.14, RFC 5282 AES-GCM,
 * RFC 7634 ChaCha20-Poly1305, RFC 3602 AES-CBC, RFC 5930 AES-CTR).
 *
 * A crypto_sk holds the cipher, its key and salt, and (non-AEAD) the
 * integrity algorithm and key.  It is immutable, so one object may be used
 * from several threads.  Build one with crypto_sk_new() from keys (the IKE
 * key schedule does this) or crypto_sk_from_bytes() (test vectors).
 *
 * Spans as they sit in the message: AAD is the IKE header through the SK
 * payload header (AEAD: additional data; non-AEAD: start of the integrity
 * checksum); IV is the payload's IV field (crypto_sk_iv_size() octets);
 * TEXT is the plaintext including padding and Pad Length, encrypted or
 * decrypted in place (its length must be a multiple of
 * crypto_sk_block_size()); ICV is the Integrity Checksum Data
 * (crypto_sk_icv_size() octets).  crypto_sk_encrypt() fills IV with fresh
 * random octets first; crypto_sk_encrypt_iv() uses the IV as given (test
 * vectors, counter IVs).  crypto_sk_decrypt() verifies before it decrypts
 * and on any failure ("integrity check failed", wrong sizes) leaves TEXT
 * untouched: never a partial result.
 */
struct crypto_sk;
diag_t crypto_sk_new(const struct crypto_encr *encr, unsigned key_bits, PK11SymKey *enc_key,
		     struct crypto_cspan salt, const struct crypto_integ *integ,
		     PK11SymKey *integ_key, struct crypto_sk **out);
diag_t crypto_sk_from_bytes(const struct crypto_encr *encr, struct crypto_cspan enc_keymat,
			    const struct crypto_integ *integ, struct crypto_cspan integ_key,
			    struct crypto_sk **out);
void crypto_sk_free(struct crypto_sk **sk);
size_t crypto_sk_iv_size(const struct crypto_sk *sk);
size_t crypto_sk_icv_size(const struct crypto_sk *sk);
size_t crypto_sk_block_size(const struct crypto_sk *sk);
diag_t crypto_sk_encrypt(const struct crypto_sk *sk, struct crypto_cspan aad,
			 struct crypto_span iv, struct crypto_span text, struct crypto_span icv);
diag_t crypto_sk_encrypt_iv(const struct crypto_sk *sk, struct crypto_cspan aad,
			    struct crypto_cspan iv, struct crypto_span text,
			    struct crypto_span icv);
diag_t crypto_sk_decrypt(const struct crypto_sk *sk, struct crypto_cspan aad,
			 struct crypto_cspan iv, struct crypto_span text, struct crypto_cspan icv);

/*
 * IKE SA key schedule (RFC 7296 2.14, 2.18).
 *
 * crypto_ike_skeyseed(): SKEYSEED = prf(Ni | Nr, g^ir) (for the AES prfs
 * the key is the first 8 octets of Ni and of Nr).
 * crypto_ike_skeyseed_rekey(): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni
 * | Nr), with the OLD IKE SA's prf.
 * crypto_ike_keys_derive(): {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi
 * | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), with the salts of
 * AEAD/CTR ciphers taken after each SK_e key; INTEG is NULL for AEAD.
 * The result holds SK_d/SK_pi/SK_pr as keys and the two directions as
 * crypto_sk objects: I2R protects messages sent by the original
 * initiator (SK_ei/SK_ai), R2I those sent by the responder.
 */
struct crypto_ike_keys {
	PK11SymKey *sk_d;	/* NULL once parked: use crypto_ike_sk_d() */
	PK11SymKey *sk_pi;
	PK11SymKey *sk_pr;
	struct crypto_sk *i2r;
	struct crypto_sk *r2i;
	uint8_t sk_d_raw[CRYPTO_MAX_PRF_SIZE];	/* parked SK_d */
	uint8_t sk_d_len;
};
diag_t crypto_ike_skeyseed(const struct crypto_prf *prf, struct crypto_cspan ni,
			   struct crypto_cspan nr, PK11SymKey *g_ir, PK11SymKey **skeyseed);
diag_t crypto_ike_skeyseed_rekey(const struct crypto_prf *old_prf, PK11SymKey *old_sk_d,
				 PK11SymKey *new_g_ir, struct crypto_cspan ni,
				 struct crypto_cspan nr, PK11SymKey **skeyseed);
diag_t crypto_ike_keys_derive(const struct crypto_prf *prf, PK11SymKey *skeyseed,
			      struct crypto_cspan ni, struct crypto_cspan nr,
			      struct crypto_cspan spi_i, struct crypto_cspan spi_r,
			      const struct crypto_encr *encr, unsigned key_bits,
			      const struct crypto_integ *integ, struct crypto_ike_keys *out);
void crypto_ike_keys_free(struct crypto_ike_keys *keys);
/*
 * Keep SK_d as octets instead of an NSS key object (~6 KB each for its
 * life) while the IKE SA only waits for its next rekey; a key NSS will not
 * give out stays an object.  crypto_ike_sk_d() gives a key of its own
 * (free with crypto_symkey_free()) either way; NULL when there is none or
 * NSS cannot import it.
 */
void crypto_ike_keys_park(struct crypto_ike_keys *keys);
PK11SymKey *crypto_ike_sk_d(const struct crypto_ike_keys *keys);

/*
 * Child SA keys for the kernel (RFC 7296 2.17).
 *
 * KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr); G_IR is NULL without PFS.
 * Taken in the order the RFC gives: initiator-to-responder encryption
 * key (with salt/nonce appended, the way XFRM wants AEAD and CTR keys),
 * then its integrity key, then the same for responder-to-initiator.
 * This is the one function that exports secret octets, for XFRM only;
 * wipe them with crypto_child_kernel_keys_wipe() once handed over.
 */
struct crypto_child_kernel_keys {
	size_t encr_len;	/* key + salt octets */
	size_t integ_len;	/* 0 for AEAD */
	uint8_t encr_i2r[CRYPTO_MAX_ENCR_KEYMAT];
	uint8_t integ_i2r[CRYPTO_MAX_INTEG_KEYMAT];
	uint8_t encr_r2i[CRYPTO_MAX_ENCR_KEYMAT];
	uint8_t integ_r2i[CRYPTO_MAX_INTEG_KEYMAT];
};
diag_t crypto_child_keymat_export_for_kernel(const struct crypto_prf *prf, PK11SymKey *sk_d,
					     PK11SymKey *g_ir, struct crypto_cspan ni,
					     struct crypto_cspan nr,
					     const struct crypto_encr *encr, unsigned key_bits,
					     const struct crypto_integ *integ,
					     struct crypto_child_kernel_keys *out);
void crypto_child_kernel_keys_wipe(struct crypto_child_kernel_keys *keys);

/*
 * Start-up self test: one known-answer vector per primitive (HMAC, prf+,
 * each supported cipher, each key exchange kind, the key schedule).
 * Call once NSS is initialised; returns NULL, or a diag naming the
 * algorithm and vector of the first failure (with the count).  Further
 * failures are logged as errors through LOGGER, and a "| " summary line
 * on success (LOGGER may be NULL: silent).  Algorithms this NSS does not
 * support are skipped; crypto_*_supported() reports them.
 */
diag_t crypto_selftest(const struct logger *logger);

#endif
