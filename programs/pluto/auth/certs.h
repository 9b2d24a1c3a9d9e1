/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Certificates for IKEv2 authentication, from the NSS database pluto
 * opened (server/nss.c) and from received CERT payloads.
 *
 * What IKE_AUTH calls (see docs/architecture.md "public-key auth"):
 *   peer sent CERT payloads (X.509 Certificate - Signature, type 4):
 *     auth_cert_decode() each body; the first is the end cert, the rest
 *     intermediates; auth_cert_verify() the end cert against the CAs in
 *     the db (rightca= honoured); auth_cert_matches_id() its IDr/IDi
 *     against the cert (or auth_cert_subject_id() for rightid=%fromcert);
 *     CERT_ExtractPublicKey() for crypto_auth_sig_verify().
 *   we send: our cert's DER (cert->derCert) in a CERT payload; our ID
 *     from auth_cert_subject_id() when leftid=%fromcert or unset.
 *
 * DNs are written as Libreswan writes them: the RDNs in DER order,
 * "TYPE=value" joined by ", " ("C=CA, O=Example, CN=west"), with the short
 * names C, ST, L, O, OU, CN, E (emailAddress), DC, UID, SN (surname),
 * GN, T, serialNumber; other attributes as their dotted OID.  This is
 * the text form struct id keeps for ID_DER_ASN1_DN, so id_equal()
 * compares a received DN with rightid=.
 *
 * Thread-safe (NSS is); nothing is logged here: errors are diag_t that
 * name the certificate ("certificate 'CN=east' has expired (...)").
 */
#ifndef PLUTO_AUTH_CERTS_H
#define PLUTO_AUTH_CERTS_H

#include <cert.h>

#include "tern/crypto.h"
#include "tern/diag.h"
#include "tern/id.h"
#include "tern/jambuf.h"

/* Libreswan DN text of NAME */
void jam_dn(struct jambuf *b, const CERTName *name);
/* DER Name (the body of an ID_DER_ASN1_DN payload) <-> DN text (malloc) */
diag_t auth_dn_from_der(struct crypto_cspan der, char **text);
diag_t auth_dn_to_der(const char *text, uint8_t **der, size_t *len);
/* an ID payload body of type ID_DER_ASN1_DN as a struct id */
diag_t auth_id_from_der_dn(struct crypto_cspan der, struct id *out);

/* our certificate by nickname (leftcert=); a reference: CERT_DestroyCertificate() */
diag_t auth_cert_by_nickname(const char *nickname, CERTCertificate **out);
/* a received CERT payload body (DER) as a temporary certificate */
diag_t auth_cert_decode(struct crypto_cspan der, CERTCertificate **out);

/*
 * Chain validation at time NOW (PR_Now()) against the CAs trusted in the
 * NSS db, with INTERMEDIATES (decoded CERT payloads after the first; may
 * be NULL/0).  The certificate must be good for NSS's IPsec usage (RFC
 * 4945: no extendedKeyUsage, or ipsecIKE, serverAuth, clientAuth), or TLS
 * client or server use (so an extendedKeyUsage with none of those, or a
 * keyUsage without digitalSignature, is "wrong key usage").  CA_DN (rightca= resolved:
 * NULL or "%any" for any CA in the db) names the CA that must be in the
 * chain.  Errors: "certificate 'CN=x' has expired", "... is not yet
 * valid", "issuer 'CN=ca' of certificate 'CN=x' is not a trusted CA in the
 * NSS database", "... has the wrong key usage for IKE", "... was revoked",
 * "... is not issued by rightca='CN=other'".
 */
/*
 * crl-strict=yes (auth_set_crl_strict(true), once at start-up): besides
 * the checks above, every CA that issued a certificate of the chain must
 * have a CRL in the db that is not past its next update ("no CRL of CA
 * 'CN=x' in the NSS database (crl-strict=yes)").  Default: a CA without a
 * CRL is fine (a revoked certificate is refused either way).
 */
void auth_set_crl_strict(bool on);
diag_t auth_cert_verify(CERTCertificate *cert, CERTCertificate *const *intermediates, size_t n,
			const char *ca_dn, PRTime now);

/*
 * Does CERT prove ID?  DN: the subject equals the DN (or a DN in the
 * subjectAltName directoryName); FQDN: a subjectAltName dNSName (case
 * insensitive, trailing dot ignored); USER_FQDN: an rfc822Name; IPv4/IPv6:
 * an iPAddress.  Wildcard IDs (%any, unset) and %fromcert match any cert.
 * Error: "ID '@west' is not in certificate 'CN=east' (subjectAltName:
 * DNS:east.example.org)".
 */
diag_t auth_cert_matches_id(CERTCertificate *cert, const struct id *id);
/* the subject as an ID_DER_ASN1_DN id (leftid=%fromcert / rightid=%fromcert) */
diag_t auth_cert_subject_id(CERTCertificate *cert, struct id *out);

/*
 * The DER DN to send in our ID payload (ID_DER_ASN1_DN) for ID: with a
 * certificate CERT whose subject ID is (or ID is %fromcert / unset), the
 * certificate's own subject octets, so that peers comparing DER see the
 * same encoding; else ID's text encoded by auth_dn_to_der().  *DER is
 * malloc()ed.
 */
diag_t auth_local_dn_der(const struct id *id, CERTCertificate *cert, uint8_t **der, size_t *len);

/*
 * CERTREQ (RFC 7296 3.7): the Certification Authority data is the
 * concatenated SHA-1 hashes of the SubjectPublicKeyInfo of each trusted
 * CA.  auth_certreq_data() builds ours from the CAs trusted in the NSS db
 * (trust "C" for TLS: what `ipsec ca create` and `ipsec import` set;
 * *DATA malloc()ed, *LEN 0 when there is none).  auth_certreq_names()
 * tells whether a received CERTREQ's data names a CA in CERT's chain
 * (for leftsendcert=sendifasked the exchange sends the certificate when
 * any CERTREQ came; this picks the chain); odd-sized data is an error.
 */
diag_t auth_certreq_data(uint8_t **data, size_t *len);
diag_t auth_certreq_names(CERTCertificate *cert, struct crypto_cspan certreq, PRTime now,
			  bool *names);

/*
 * What to send in CERT payloads for our certificate: the end certificate
 * first, then the intermediates up to (not including) the self-signed
 * root, as DER (each a malloc()ed span in *CERTS, *N entries; free with
 * auth_cert_chain_free()).
 */
diag_t auth_cert_chain(CERTCertificate *cert, PRTime now, struct crypto_span **certs, size_t *n);
void auth_cert_chain_free(struct crypto_span *certs, size_t n);

#endif
