/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/crypto: raw public keys as ipsec.conf writes them, and CKAIDs.
 *
 *   leftrsasigkey=0sAwEAAb...   RFC 3110 (DNS KEY) RSA key, base64 with the
 *                               "0s" prefix: exponent length (1 octet, or 0
 *                               then 2 octets), exponent, modulus.  "0x..."
 *                               hex is accepted too.
 *   leftpubkey=0sMIIBIjAN...    DER SubjectPublicKeyInfo (RSA or EC), base64
 *                               with "0s"; an RFC 3110 blob is accepted too.
 *   leftpubkey=/etc/.../x.pem   a PEM file ("-----BEGIN PUBLIC KEY-----"),
 *                               or the PEM text itself
 *
 * The CKAID is what NSS puts in CKA_ID of a key pair it generates and what
 * `certutil -K` and `ipsec showhostkey --list` print: SHA-1 of the RSA
 * modulus (no leading zero octets) or of the EC public point (04 | x | y).
 * The key ID Libreswan prints ("# rsakey AwEAAb3xq") is the first 9
 * characters of the base64 of the RFC 3110 blob (EC: of the point).
 *
 * All functions are pure (no NSS db needed; NSS initialised), thread-safe,
 * diag.h errors naming what is wrong, outputs untouched on failure.
 * Returned strings and buffers are malloc()ed; keys are freed with
 * crypto_pubkey_free().
 */
#ifndef TERN_CRYPTO_PUBKEY_H
#define TERN_CRYPTO_PUBKEY_H

#include <keyhi.h>

#include "tern/crypto.h"

#define CRYPTO_CKAID_SIZE 20
#define CRYPTO_KEYID_CHARS 9

/* base64 (RFC 4648, with padding).  Decoding skips white space and
 * rejects anything else that is not base64, naming the offset. */
char *crypto_base64_encode(struct crypto_cspan bytes);
diag_t crypto_base64_decode(const char *text, size_t text_len, uint8_t **out, size_t *out_len);

/* RFC 3110 blob <-> RSA key */
diag_t crypto_pubkey_from_rfc3110(struct crypto_cspan blob, SECKEYPublicKey **out);
diag_t crypto_pubkey_to_rfc3110(const SECKEYPublicKey *key, uint8_t **blob, size_t *len);
/* "0s..." (or "0x...") text of leftrsasigkey= <-> RSA key */
diag_t crypto_pubkey_from_rsasigkey(const char *text, SECKEYPublicKey **out);
diag_t crypto_pubkey_to_rsasigkey(const SECKEYPublicKey *key, char **text);

/* DER SubjectPublicKeyInfo <-> key (RSA and EC P-256/384/521) */
diag_t crypto_pubkey_from_spki(struct crypto_cspan der, SECKEYPublicKey **out);
diag_t crypto_pubkey_to_spki(const SECKEYPublicKey *key, uint8_t **der, size_t *len);
/* PEM "-----BEGIN PUBLIC KEY-----" text <-> key (64-column lines) */
diag_t crypto_pubkey_from_pem(const char *text, SECKEYPublicKey **out);
diag_t crypto_pubkey_to_pem(const SECKEYPublicKey *key, char **text);
/* "0s" + base64 of the SPKI: what showhostkey prints for leftpubkey= */
diag_t crypto_pubkey_to_0s_spki(const SECKEYPublicKey *key, char **text);

/*
 * The value of leftpubkey= / rightpubkey= (and leftrsasigkey=): "0s..."
 * base64 of an SPKI or of an RFC 3110 blob, "0x..." hex, PEM text, or
 * the absolute path of a PEM file.
 */
diag_t crypto_pubkey_parse(const char *value, SECKEYPublicKey **out);

/* EC key from its curve size (256, 384, 521) and point (04 | x | y) */
diag_t crypto_pubkey_from_ec_point(unsigned curve_bits, struct crypto_cspan point,
				   SECKEYPublicKey **out);

/* CKAID (SHA-1 as above) and its lower-case hex form (41 chars with NUL) */
diag_t crypto_pubkey_ckaid(const SECKEYPublicKey *key, uint8_t ckaid[CRYPTO_CKAID_SIZE]);
void crypto_ckaid_hex(const uint8_t ckaid[CRYPTO_CKAID_SIZE], char hex[2 * CRYPTO_CKAID_SIZE + 1]);
/* hex text -> CKAID octets (exactly 40 hex digits) */
diag_t crypto_ckaid_parse(const char *hex, uint8_t ckaid[CRYPTO_CKAID_SIZE]);
/* Libreswan's 9-character key ID */
diag_t crypto_pubkey_keyid(const SECKEYPublicKey *key, char keyid[CRYPTO_KEYID_CHARS + 1]);

/* "RSA", "ECDSA" and the size in bits, for messages */
const char *crypto_pubkey_type_name(const SECKEYPublicKey *key);
unsigned crypto_pubkey_bits(const SECKEYPublicKey *key);
/* same public key (type and values) */
bool crypto_pubkey_equal(const SECKEYPublicKey *a, const SECKEYPublicKey *b);

void crypto_pubkey_free(SECKEYPublicKey **key);

#endif
