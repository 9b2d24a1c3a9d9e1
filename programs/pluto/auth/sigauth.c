/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signature authentication policy, choice and peer verification (sigauth.h). */
#include <stdlib.h>
#include <string.h>

#include "auth/certs.h"
#include "auth/keys.h"
#include "auth/sigauth.h"
#include "tern/crypto_pubkey.h"

static unsigned rsa_sha2_bit(enum ikev2_hash_algorithm h)
{
	switch (h) {
	case IKEv2_HASH_SHA2_256: return AUTHBY_RSA_SHA2_256;
	case IKEv2_HASH_SHA2_384: return AUTHBY_RSA_SHA2_384;
	case IKEv2_HASH_SHA2_512: return AUTHBY_RSA_SHA2_512;
	default: return 0;
	}
}

unsigned auth_hash_notify_mask(unsigned authby)
{
	unsigned m = 0;
	static const enum ikev2_hash_algorithm sha2[] = {
		IKEv2_HASH_SHA2_256, IKEv2_HASH_SHA2_384, IKEv2_HASH_SHA2_512,
	};
	for (size_t i = 0; i < 3; i++)
		if ((authby & AUTHBY_ECDSA) || (authby & rsa_sha2_bit(sha2[i])))
			m |= CRYPTO_HASH_BIT(sha2[i]);
	return m;
}

bool auth_sig_allowed(enum ikev2_auth_method method, const struct crypto_sig_alg *alg,
		      unsigned authby)
{
	switch (method) {
	case IKEv2_AUTH_RSA:
		return (authby & AUTHBY_RSA_SHA1) != 0;
	case IKEv2_AUTH_ECDSA_SHA2_256_P256:
	case IKEv2_AUTH_ECDSA_SHA2_384_P384:
	case IKEv2_AUTH_ECDSA_SHA2_512_P521:
		return (authby & AUTHBY_ECDSA) != 0;
	case IKEv2_AUTH_DIGSIG:
		if (alg == NULL)
			return false;
		switch (alg->scheme) {
		case CRYPTO_SIG_ECDSA:
			return alg->hash != IKEv2_HASH_SHA1 && (authby & AUTHBY_ECDSA) != 0;
		case CRYPTO_SIG_RSA_PKCS1:
		case CRYPTO_SIG_RSA_PSS:
			if (alg->hash == IKEv2_HASH_SHA1)
				return (authby & AUTHBY_RSA_SHA1) != 0;
			return (authby & rsa_sha2_bit(alg->hash)) != 0;
		}
		return false;
	default:
		return false;
	}
}

static void jam_authby_setting(struct jambuf *b, unsigned authby)
{
	jam_str(b, "authby=");
	jam_authby(b, authby);
}

diag_t auth_choose_sig(SECKEYPrivateKey *key, unsigned authby, unsigned peer_hashes,
		       enum ikev2_auth_method *method, const struct crypto_sig_alg **alg)
{
	if (key == NULL)
		return diag("no private key to sign with");
	KeyType kt = SECKEY_GetPrivateKeyType(key);
	JAMBUF(ab, 128);
	jam_authby_setting(&ab, authby);
	/* only hashes both sides accept */
	unsigned usable = peer_hashes & auth_hash_notify_mask(authby);
	if (kt == rsaKey) {
		usable &= auth_hash_notify_mask(authby & AUTHBY_RSA_SHA2);
		const struct crypto_sig_alg *a = crypto_digsig_choose(key, usable, false);
		if (a != NULL) {
			*method = IKEv2_AUTH_DIGSIG;
			*alg = a;
			return NULL;
		}
		if (authby & AUTHBY_RSA_SHA1) {
			*method = IKEv2_AUTH_RSA;
			*alg = NULL;
			return NULL;
		}
		return diag("cannot sign with the RSA key: the peer accepts no SHA2 hash of %s "
			    "(SIGNATURE_HASH_ALGORITHMS %s) and rsa-sha1 is not allowed",
			    jambuf_str(&ab), peer_hashes != 0 ? "without a common hash" : "not received");
	}
	if (kt == ecKey) {
		if ((authby & AUTHBY_ECDSA) == 0)
			return diag("cannot sign with an ECDSA key: %s does not allow ecdsa",
				    jambuf_str(&ab));
		const struct crypto_sig_alg *a = crypto_digsig_choose(key, usable, false);
		if (a != NULL) {
			*method = IKEv2_AUTH_DIGSIG;
			*alg = a;
			return NULL;
		}
		SECKEYPublicKey *pub = SECKEY_ConvertToPublicKey(key);
		unsigned bits = pub != NULL ? SECKEY_PublicKeyStrengthInBits(pub) : 0;
		if (pub != NULL)
			SECKEY_DestroyPublicKey(pub);
		enum ikev2_auth_method m = crypto_ecdsa_auth_method(bits);
		if (m == 0)
			return diag("cannot sign with a %u-bit EC key (P-256, P-384, P-521 only)", bits);
		*method = m;
		*alg = NULL;
		return NULL;
	}
	return diag("cannot sign with this private key type (RSA and ECDSA only)");
}

void jam_auth_sig(struct jambuf *b, enum ikev2_auth_method method,
		  const struct crypto_sig_alg *alg, const SECKEYPublicKey *key)
{
	unsigned bits = crypto_pubkey_bits(key);
	const struct crypto_sig_alg *a = alg;
	if (method == IKEv2_AUTH_RSA)
		a = crypto_sig_alg_find(CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA1);
	else if (method != IKEv2_AUTH_DIGSIG)
		a = crypto_sig_alg_find(CRYPTO_SIG_ECDSA,
					method == IKEv2_AUTH_ECDSA_SHA2_256_P256 ? IKEv2_HASH_SHA2_256
					: method == IKEv2_AUTH_ECDSA_SHA2_384_P384 ? IKEv2_HASH_SHA2_384
					: IKEv2_HASH_SHA2_512);
	const char *scheme = "?";
	const char *hash = "?";
	if (a != NULL) {
		scheme = a->scheme == CRYPTO_SIG_RSA_PKCS1 ? "PKCS#1 1.5 RSA"
		       : a->scheme == CRYPTO_SIG_RSA_PSS ? "RSASSA-PSS" : "ECDSA";
		hash = a->hash == IKEv2_HASH_SHA1 ? "SHA1"
		     : a->hash == IKEv2_HASH_SHA2_256 ? "SHA2_256"
		     : a->hash == IKEv2_HASH_SHA2_384 ? "SHA2_384" : "SHA2_512";
	}
	jam(b, "'%u-bit %s with %s' %s", bits, scheme, hash,
	    method == IKEv2_AUTH_DIGSIG ? "digital signature" : "signature");
}

/* the peer's certificate chain: decode, verify, match IDs; *KEY from it */
static diag_t peer_cert_key(const struct conn_end *remote, const char *ca_dn,
			    const struct id *peer_id, const struct crypto_cspan *certs,
			    size_t n_certs, PRTime now, SECKEYPublicKey **key,
			    CERTCertificate **end_cert)
{
	CERTCertificate **c = calloc(n_certs, sizeof(*c));
	if (c == NULL)
		abort();
	diag_t d = NULL;
	size_t decoded = 0;
	for (; decoded < n_certs && d == NULL; decoded++) {
		d = auth_cert_decode(certs[decoded], &c[decoded]);
		if (d != NULL)
			d = diag_prefix(d, "CERT payload %zu", decoded + 1);
	}
	if (d == NULL)
		d = auth_cert_verify(c[0], c + 1, n_certs - 1, ca_dn, now);
	if (d == NULL)
		d = auth_cert_matches_id(c[0], peer_id);
	if (d == NULL && !id_is_wildcard(&remote->id) && remote->id.kind != ID_FROMCERT &&
	    !id_matches(&remote->id, peer_id)) {
		id_buf a, b;
		d = diag("peer ID '%s' does not match rightid='%s'", str_id(peer_id, &a),
			 str_id(&remote->id, &b));
	}
	if (d == NULL) {
		*key = CERT_ExtractPublicKey(c[0]);
		if (*key == NULL)
			d = diag("cannot extract the public key of the peer's certificate");
	}
	if (d == NULL)
		*end_cert = CERT_DupCertificate(c[0]);
	for (size_t i = 0; i < n_certs; i++)
		if (c[i] != NULL)
			CERT_DestroyCertificate(c[i]);
	free(c);
	return d;
}

diag_t auth_verify_peer_sig(const struct conn_end *remote, unsigned authby, const char *ca_dn,
			    const struct id *peer_id, const struct crypto_cspan *certs,
			    size_t n_certs, enum ikev2_auth_method method,
			    struct crypto_cspan auth, const struct crypto_cspan *signed_octets,
			    size_t n, PRTime now, struct jambuf *story)
{
	SECKEYPublicKey *key = NULL;
	CERTCertificate *cert = NULL;
	diag_t d;
	if (n_certs > 0) {
		d = peer_cert_key(remote, ca_dn, peer_id, certs, n_certs, now, &key, &cert);
	} else {
		d = auth_end_peer_key(remote, "right", &key);
		if (d == NULL && key == NULL)
			d = diag("the peer sent no certificate and no rightrsasigkey= or "
				 "rightpubkey= is configured");
		if (d == NULL && !id_matches(&remote->id, peer_id)) {
			id_buf a, b;
			d = diag("peer ID '%s' does not match rightid='%s'", str_id(peer_id, &a),
				 str_id(&remote->id, &b));
		}
	}
	const struct crypto_sig_alg *used = NULL;
	if (d == NULL)
		d = crypto_auth_sig_verify(method, key, signed_octets, n, auth, &used);
	if (d == NULL && !auth_sig_allowed(method, used, authby)) {
		JAMBUF(ab, 128);
		jam_authby_setting(&ab, authby);
		d = diag("%s does not allow %s (AUTH method %d)", jambuf_str(&ab),
			 used != NULL ? used->name : "this signature", (int)method);
	}
	if (d == NULL && story != NULL) {
		jam_auth_sig(story, method, used, key);
		if (cert != NULL) {
			jam_str(story, " using peer certificate '");
			jam_dn(story, &cert->subject);
			jam_str(story, "' issued by CA '");
			jam_dn(story, &cert->issuer);
			jam_char(story, '\'');
		} else {
			id_buf b;
			jam(story, " using preloaded certificate '%s'", str_id(peer_id, &b));
		}
	}
	if (key != NULL)
		SECKEY_DestroyPublicKey(key);
	if (cert != NULL)
		CERT_DestroyCertificate(cert);
	return d;
}

void auth_revocation_setup(const struct config_setup *cs, const struct logger *logger)
{
	static const char *const ocsp_extras[] = {
		"ocsp-uri", "ocsp-trustname", "ocsp-cache-size", "ocsp-cache-min-age",
		"ocsp-cache-max-age", "ocsp-method",
	};
	if (cs->ocsp_enable || cs->ocsp_strict)
		llog(logger, LOG_SEV_WARNING,
		     "%s=yes: OCSP is not supported yet; certificates are checked against the "
		     "CRLs in the NSS database only", cs->ocsp_enable ? "ocsp-enable" : "ocsp-strict");
	for (size_t i = 0; i < sizeof(ocsp_extras) / sizeof(ocsp_extras[0]); i++)
		if (config_setup_extra(cs, ocsp_extras[i]) != NULL)
			llog(logger, LOG_SEV_WARNING, "%s=: OCSP is not supported yet; ignored",
			     ocsp_extras[i]);
	auth_set_crl_strict(cs->crl_strict);
	if (cs->crl_strict)
		llog(logger, LOG_SEV_INFO,
		     "crl-strict=yes: a certificate whose CA has no current CRL in the NSS database "
		     "is refused");
	if (cs->crlcheckinterval_ms != 0)
		llog(logger, LOG_SEV_WARNING,
		     "crlcheckinterval=: CRLs are not fetched; import them with 'crlutil -I' "
		     "('ipsec fetchcrls' explains)");
}
