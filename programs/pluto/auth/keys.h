/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keys for signature authentication, from the NSS database pluto opened:
 *
 *   auth_private_key_by_ckaid()  leftckaid= (raw keys made by `ipsec
 *                                newhostkey`): the private key whose CKA_ID
 *                                is the CKAID, searched in every token
 *   auth_private_key_by_cert()   leftcert=: the certificate's private key
 *   auth_end_private_key()       the above for one end: leftcert= first,
 *                                else leftckaid=, else the key matching
 *                                leftrsasigkey=/leftpubkey= (its CKAID)
 *   auth_end_peer_key()          the peer's configured raw key from
 *                                rightrsasigkey=/rightpubkey= (0s..., PEM
 *                                file); NULL key when it has none (%cert,
 *                                %none, unset: the key comes from its CERT)
 *
 * The private keys stay in NSS (SECKEYPrivateKey handles); release them
 * with SECKEY_DestroyPrivateKey().  Thread-safe; nothing is logged.
 */
#ifndef PLUTO_AUTH_KEYS_H
#define PLUTO_AUTH_KEYS_H

#include <cert.h>
#include <keyhi.h>

#include "tern/conf.h"
#include "tern/crypto_pubkey.h"
#include "tern/diag.h"

diag_t auth_private_key_by_ckaid(const uint8_t ckaid[CRYPTO_CKAID_SIZE], SECKEYPrivateKey **out);
diag_t auth_private_key_by_cert(CERTCertificate *cert, SECKEYPrivateKey **out);

/*
 * Our private key for END (the local end of a connection): *CERT is set
 * to the leftcert= certificate (a reference, NULL without leftcert=);
 * *KEY to the private key.  Errors name the keyword and the value:
 * "leftckaid=0123...: no private key with this CKAID in the NSS database".
 */
diag_t auth_end_private_key(const struct conn_end *end, const char *side,
			    CERTCertificate **cert, SECKEYPrivateKey **key);

/* the configured public key of END (the peer), or *KEY = NULL if none */
diag_t auth_end_peer_key(const struct conn_end *end, const char *side, SECKEYPublicKey **key);

#endif
