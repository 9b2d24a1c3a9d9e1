/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * programs/pluto/auth (certs.h, keys.h) against a throwaway NSS database
 * that certutil fills in a temporary directory: a CA, a server
 * certificate with DNS/IP/email subjectAltNames, an expired one, an ECDSA
 * one, one with the wrong key usage, one from a CA that is not in the
 * database; a raw key pair made here.  Checks key lookup by nickname and
 * CKAID (and signing with what is found), configured peer keys, chain
 * validation with its clear errors, rightca=, ID <-> certificate
 * matching, and DN text <-> DER.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <nss.h>
#include <pk11pub.h>

#include "auth/certs.h"
#include "auth/keys.h"
#include "auth/sigauth.h"
#include "tern/crypto_pubkey.h"
#include "tern/crypto_sig.h"
#include "nss_testdb.h"

#define OK(expr) do { diag_t d_ = (expr); \
	if (d_ != NULL) { print_error("%s: %s\n", #expr, diag_str(d_)); diag_free(&d_); fail(); } } while (0)
#define FAILS(expr, what) do { diag_t d_ = (expr); \
	if (d_ == NULL) fail_msg("%s succeeded", #expr); \
	if (strstr(diag_str(d_), (what)) == NULL) fail_msg("%s: '%s' lacks '%s'", #expr, diag_str(d_), (what)); \
	diag_free(&d_); } while (0)

static int setup(void **state)
{
	(void)state;
	if (testdb_create("tern-test-auth", "db", "other", NULL) != 0)
		return -1;
	int rc = 0;
	rc |= testdb_issue("db", "ca", "CN=Tern Test CA, O=Tern, C=CA", NULL, 1, "");
	rc |= testdb_issue("db", "east", "CN=east.example.org, O=Tern", "ca", 2,
		    "-k rsa -g 2048 -v 12 --keyUsage digitalSignature,keyEncipherment "
		    "--extKeyUsage serverAuth,clientAuth "
		    "--extSAN dns:east.example.org,ip:192.0.2.2,email:east@example.org");
	rc |= testdb_issue("db", "old", "CN=old.example.org", "ca", 3,
		    "-k rsa -g 2048 -v 12 -w -13 --extSAN dns:old.example.org");
	rc |= testdb_issue("db", "road", "CN=road.example.org", "ca", 4,
		    "-k ec -q nistp256 -v 12 --keyUsage digitalSignature "
		    "--extSAN dns:road.example.org");
	rc |= testdb_issue("db", "badku", "CN=badku.example.org", "ca", 5,
		    "-k rsa -g 2048 -v 12 --keyUsage keyEncipherment "
		    "--extKeyUsage emailProtection");
	rc |= testdb_issue("db", "ikeonly", "CN=ike.example.org", "ca", 12,
		    "-k rsa -g 2048 -v 12 --keyUsage digitalSignature --extKeyUsage ipsecIKE");
	rc |= testdb_issue("other", "ca2", "CN=Other CA", NULL, 6, "");
	rc |= testdb_issue("other", "stranger", "CN=stranger.example.org", "ca2", 7,
		    "-k rsa -g 2048 -v 12 --extSAN dns:stranger.example.org");
	rc |= testdb_sh("certutil -L -d sql:%s/other -n stranger -r > %s/stranger.der", testdb_dir, testdb_dir);
	/* an intermediate CA and its leaf, exported then removed from the db:
	 * the peer sends both in CERT payloads */
	rc |= testdb_sh("printf 'y\\n\\ny\\n' | certutil -S -d sql:%s/db -n mid -s 'CN=Tern Mid CA' "
		 "-c ca -t ,, -k rsa -g 2048 -Z SHA256 -v 12 -m 8 -z %s/noise -2 "
		 "--keyUsage certSigning,crlSigning >/dev/null 2>&1", testdb_dir, testdb_dir);
	rc |= testdb_issue("db", "leaf", "CN=leaf.example.org", "mid", 9,
		    "-k rsa -g 2048 -v 12 --extSAN dns:leaf.example.org");
	rc |= testdb_sh("certutil -L -d sql:%s/db -n mid -r > %s/mid.der && "
		 "certutil -L -d sql:%s/db -n leaf -r > %s/leaf.der && "
		 "certutil -F -d sql:%s/db -n leaf && certutil -F -d sql:%s/db -n mid",
		 testdb_dir, testdb_dir, testdb_dir, testdb_dir, testdb_dir, testdb_dir);
	rc |= testdb_sh("certutil -L -d sql:%s/db -n east -r > %s/east.der", testdb_dir, testdb_dir);
	rc |= testdb_sh("certutil -L -d sql:%s/db -n old -r > %s/old.der", testdb_dir, testdb_dir);
	rc |= testdb_sh("certutil -L -d sql:%s/db -n badku -r > %s/badku.der", testdb_dir, testdb_dir);
	/* an intermediate that stays, and our certificate under it */
	rc |= testdb_sh("printf 'y\\n\\ny\\n' | certutil -S -d sql:%s/db -n mid2 -s 'CN=Tern Mid2 CA' "
		 "-c ca -t ,, -k rsa -g 2048 -Z SHA256 -v 12 -m 10 -z %s/noise -2 "
		 "--keyUsage certSigning,crlSigning >/dev/null 2>&1", testdb_dir, testdb_dir);
	rc |= testdb_issue("db", "inner", "CN=inner.example.org", "mid2", 11,
		    "-k rsa -g 2048 -v 12 --extSAN dns:inner.example.org");
	rc |= testdb_sh("certutil -L -d sql:%s/db -n ca -r > %s/ca.der", testdb_dir, testdb_dir);
	/* a certificate the CA revoked: on its CRL (serial 13), stored in the db */
	rc |= testdb_issue("db", "revoked", "CN=revoked.example.org", "ca", 13,
		    "-k rsa -g 2048 -v 12 --extSAN dns:revoked.example.org");
	rc |= testdb_sh("certutil -L -d sql:%s/db -n revoked -r > %s/revoked.der && "
		 "certutil -F -d sql:%s/db -n revoked && "
		 "printf 'update=%%s\\nnextupdate=%%s\\naddcert 13 %%s\\n' "
		 "$(date -u -d '-1 hour' +%%Y%%m%%d%%H%%M%%SZ) $(date -u -d '+30 days' +%%Y%%m%%d%%H%%M%%SZ) "
		 "$(date -u -d '-1 hour' +%%Y%%m%%d%%H%%M%%SZ) > %s/crl.script && "
		 "crlutil -G -d sql:%s/db -n ca -c %s/crl.script -o %s/ca.crl >/dev/null 2>&1",
		 testdb_dir, testdb_dir, testdb_dir, testdb_dir, testdb_dir, testdb_dir, testdb_dir);
	if (rc != 0)
		return -1;
	return testdb_open("db");
}

static int teardown(void **state)
{
	(void)state;
	testdb_remove();
	return 0;
}

struct file {
	uint8_t *ptr;
	size_t len;
};

static struct file slurp(const char *name)
{
	char *path = NULL;
	assert_true(asprintf(&path, "%s/%s", testdb_dir, name) > 0);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct file r = { malloc(65536), 0 };
	assert_non_null(r.ptr);
	r.len = fread(r.ptr, 1, 65536, f);
	fclose(f);
	free(path);
	assert_true(r.len > 0);
	return r;
}

static struct id id_of(const char *text)
{
	struct id id;
	OK(ttoid(text, &id));
	return id;
}

static void sign_verify(SECKEYPrivateKey *priv, SECKEYPublicKey *pub)
{
	struct crypto_cspan data = CRYPTO_CSPAN("signed octets", 13);
	const struct crypto_sig_alg *alg =
		crypto_digsig_choose(priv, CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_256), false);
	assert_non_null(alg);
	uint8_t *auth = NULL;
	size_t len = 0;
	OK(crypto_auth_sig_sign(IKEv2_AUTH_DIGSIG, alg, priv, &data, 1, &auth, &len));
	OK(crypto_auth_sig_verify(IKEv2_AUTH_DIGSIG, pub, &data, 1, CRYPTO_CSPAN(auth, len), NULL));
	free(auth);
}

static void test_keys_from_cert(void **state)
{
	(void)state;
	CERTCertificate *east = NULL;
	OK(auth_cert_by_nickname("east", &east));
	SECKEYPrivateKey *priv = NULL;
	OK(auth_private_key_by_cert(east, &priv));
	SECKEYPublicKey *pub = CERT_ExtractPublicKey(east);
	assert_non_null(pub);
	sign_verify(priv, pub);
	SECKEY_DestroyPrivateKey(priv);
	SECKEY_DestroyPublicKey(pub);

	/* through the connection end: leftcert= */
	struct conn_end end = { .cert = "road" };
	CERTCertificate *c = NULL;
	OK(auth_end_private_key(&end, "left", &c, &priv));
	assert_non_null(c);
	assert_int_equal(SECKEY_GetPrivateKeyType(priv), ecKey);
	pub = CERT_ExtractPublicKey(c);
	sign_verify(priv, pub);
	SECKEY_DestroyPublicKey(pub);
	SECKEY_DestroyPrivateKey(priv);
	CERT_DestroyCertificate(c);

	CERTCertificate *none = NULL;
	FAILS(auth_cert_by_nickname("nope", &none), "certificate 'nope' not found in the NSS database");
	end.cert = "nope";
	c = NULL;
	priv = NULL;
	FAILS(auth_end_private_key(&end, "left", &c, &priv), "leftcert=nope");
	assert_null(c);
	assert_null(priv);
	/* a certificate decoded from DER has no private key here */
	struct file f = slurp("stranger.der");
	CERTCertificate *s = NULL;
	OK(auth_cert_decode(CRYPTO_CSPAN(f.ptr, f.len), &s));
	FAILS(auth_private_key_by_cert(s, &priv), "is not in the NSS database");
	CERT_DestroyCertificate(s);
	free(f.ptr);
	CERT_DestroyCertificate(east);
}

static void test_keys_by_ckaid(void **state)
{
	(void)state;
	/* a raw key pair in the db, as `ipsec newhostkey` makes it */
	PK11SlotInfo *slot = PK11_GetInternalKeySlot();
	assert_non_null(slot);
	PK11RSAGenParams params = { .keySizeInBits = 2048, .pe = 65537 };
	SECKEYPublicKey *pub = NULL;
	SECKEYPrivateKey *gen = PK11_GenerateKeyPair(slot, CKM_RSA_PKCS_KEY_PAIR_GEN, &params,
						     &pub, PR_TRUE, PR_TRUE, NULL);
	PK11_FreeSlot(slot);
	assert_non_null(gen);
	uint8_t ckaid[CRYPTO_CKAID_SIZE];
	char hex[2 * CRYPTO_CKAID_SIZE + 1];
	OK(crypto_pubkey_ckaid(pub, ckaid));
	crypto_ckaid_hex(ckaid, hex);
	/* our CKAID is the one NSS stored */
	SECItem *nss_id = PK11_GetLowLevelKeyIDForPrivateKey(gen);
	assert_non_null(nss_id);
	assert_int_equal(nss_id->len, CRYPTO_CKAID_SIZE);
	assert_memory_equal(nss_id->data, ckaid, CRYPTO_CKAID_SIZE);
	SECITEM_FreeItem(nss_id, PR_TRUE);

	SECKEYPrivateKey *found = NULL;
	OK(auth_private_key_by_ckaid(ckaid, &found));
	sign_verify(found, pub);
	SECKEY_DestroyPrivateKey(found);

	/* leftckaid= */
	struct conn_end end = { .ckaid = hex };
	CERTCertificate *c = (CERTCertificate *)1;
	OK(auth_end_private_key(&end, "left", &c, &found));
	assert_null(c);
	SECKEY_DestroyPrivateKey(found);
	/* leftrsasigkey= of our own key and no leftckaid=: found by the key's CKAID */
	char *rsasigkey = NULL;
	OK(crypto_pubkey_to_rsasigkey(pub, &rsasigkey));
	struct conn_end end2 = { .rsasigkey = rsasigkey };
	OK(auth_end_private_key(&end2, "left", &c, &found));
	sign_verify(found, pub);
	SECKEY_DestroyPrivateKey(found);
	/* and as the peer's configured key */
	SECKEYPublicKey *peer = NULL;
	OK(auth_end_peer_key(&end2, "right", &peer));
	assert_true(crypto_pubkey_equal(peer, pub));
	crypto_pubkey_free(&peer);
	free(rsasigkey);

	/* rejects */
	ckaid[0] ^= 0xff;
	FAILS(auth_private_key_by_ckaid(ckaid, &found), "no private key with CKAID");
	end.ckaid = "0123";
	FAILS(auth_end_private_key(&end, "left", &c, &found), "leftckaid=");
	struct conn_end empty = { .rsasigkey = "%cert" };
	FAILS(auth_end_private_key(&empty, "left", &c, &found), "no leftcert=, leftckaid=");
	OK(auth_end_peer_key(&empty, "right", &peer));
	assert_null(peer);
	struct conn_end bad = { .pubkey = "0sAAAA" };
	FAILS(auth_end_peer_key(&bad, "right", &peer), "rightpubkey=");
	/* an EC key given as rsasigkey */
	CERTCertificate *road = NULL;
	OK(auth_cert_by_nickname("road", &road));
	SECKEYPublicKey *ec = CERT_ExtractPublicKey(road);
	char *spki = NULL;
	OK(crypto_pubkey_to_0s_spki(ec, &spki));
	struct conn_end ecend = { .rsasigkey = spki };
	FAILS(auth_end_peer_key(&ecend, "right", &peer), "rightrsasigkey= holds an ECDSA key, not an RSA key");
	struct conn_end ecend2 = { .pubkey = spki };
	OK(auth_end_peer_key(&ecend2, "right", &peer));
	assert_true(crypto_pubkey_equal(peer, ec));
	crypto_pubkey_free(&peer);
	free(spki);
	/* leftecdsakey= (stored as pubkey): the raw point as Libreswan 5's
	 * showhostkey prints it (x | y), and with its 04 prefix */
	const SECItem *pt = &ec->u.ec.publicValue;
	assert_int_equal(pt->len, 65);
	for (int prefixed = 0; prefixed <= 1; prefixed++) {
		char *b64 = crypto_base64_encode(CRYPTO_CSPAN(pt->data + 1 - prefixed,
							      pt->len - 1 + prefixed));
		char text[200];
		snprintf(text, sizeof(text), "0s%s", b64);
		free(b64);
		struct conn_end raw = { .pubkey = text };
		OK(auth_end_peer_key(&raw, "right", &peer));
		assert_true(crypto_pubkey_equal(peer, ec));
		crypto_pubkey_free(&peer);
	}
	SECKEY_DestroyPublicKey(ec);
	CERT_DestroyCertificate(road);

	SECKEY_DestroyPrivateKey(gen);
	SECKEY_DestroyPublicKey(pub);
}

static void test_verify(void **state)
{
	(void)state;
	PRTime now = PR_Now();
	struct file f = slurp("east.der");
	CERTCertificate *east = NULL;
	OK(auth_cert_decode(CRYPTO_CSPAN(f.ptr, f.len), &east));
	OK(auth_cert_verify(east, NULL, 0, NULL, now));
	OK(auth_cert_verify(east, NULL, 0, "%any", now));
	OK(auth_cert_verify(east, NULL, 0, "C=CA, O=Tern, CN=Tern Test CA", now));
	FAILS(auth_cert_verify(east, NULL, 0, "CN=Other CA", now),
	      "is not issued by rightca='CN=Other CA'");
	/* ten years on, it has expired */
	FAILS(auth_cert_verify(east, NULL, 0, NULL, now + (PRTime)10 * 365 * 24 * 3600 * PR_USEC_PER_SEC),
	      "has expired");
	CERT_DestroyCertificate(east);
	free(f.ptr);

	f = slurp("old.der");
	CERTCertificate *old = NULL;
	OK(auth_cert_decode(CRYPTO_CSPAN(f.ptr, f.len), &old));
	FAILS(auth_cert_verify(old, NULL, 0, NULL, now), "certificate 'CN=old.example.org' has expired (not after ");
	CERT_DestroyCertificate(old);
	free(f.ptr);

	f = slurp("stranger.der");
	CERTCertificate *stranger = NULL;
	OK(auth_cert_decode(CRYPTO_CSPAN(f.ptr, f.len), &stranger));
	FAILS(auth_cert_verify(stranger, NULL, 0, NULL, now),
	      "issuer 'CN=Other CA' of certificate 'CN=stranger.example.org' is not a trusted CA in the NSS database");
	CERT_DestroyCertificate(stranger);
	free(f.ptr);

	/* on the CA's CRL in the db (NSS logs that and still returns
	 * SECSuccess: the log decides) */
	f = slurp("revoked.der");
	CERTCertificate *revoked = NULL;
	OK(auth_cert_decode(CRYPTO_CSPAN(f.ptr, f.len), &revoked));
	FAILS(auth_cert_verify(revoked, NULL, 0, NULL, now),
	      "certificate 'CN=revoked.example.org' was revoked");
	CERT_DestroyCertificate(revoked);
	free(f.ptr);

	/* extendedKeyUsage ipsecIKE alone (RFC 4945) is fine */
	CERTCertificate *ike = NULL;
	OK(auth_cert_by_nickname("ikeonly", &ike));
	OK(auth_cert_verify(ike, NULL, 0, NULL, now));
	CERT_DestroyCertificate(ike);

	f = slurp("badku.der");
	CERTCertificate *badku = NULL;
	OK(auth_cert_decode(CRYPTO_CSPAN(f.ptr, f.len), &badku));
	FAILS(auth_cert_verify(badku, NULL, 0, NULL, now), "has the wrong key usage for IKE");
	CERT_DestroyCertificate(badku);
	free(f.ptr);

	/* a chain: the leaf alone does not verify, with its intermediate it does */
	f = slurp("leaf.der");
	struct file fm = slurp("mid.der");
	CERTCertificate *leaf = NULL, *mid = NULL;
	OK(auth_cert_decode(CRYPTO_CSPAN(f.ptr, f.len), &leaf));
	FAILS(auth_cert_verify(leaf, NULL, 0, NULL, now),
	      "issuer 'CN=Tern Mid CA' of certificate 'CN=leaf.example.org' is not a trusted CA");
	OK(auth_cert_decode(CRYPTO_CSPAN(fm.ptr, fm.len), &mid));
	OK(auth_cert_verify(leaf, &mid, 1, NULL, now));
	OK(auth_cert_verify(leaf, &mid, 1, "CN=Tern Mid CA", now));
	OK(auth_cert_verify(leaf, &mid, 1, "C=CA, O=Tern, CN=Tern Test CA", now));
	/* crl-strict=yes: the CA has a CRL (the one of "revoked"), the
	 * intermediate has none */
	auth_set_crl_strict(true);
	struct file f2 = slurp("east.der");
	CERTCertificate *east2 = NULL;
	OK(auth_cert_decode(CRYPTO_CSPAN(f2.ptr, f2.len), &east2));
	OK(auth_cert_verify(east2, NULL, 0, NULL, now));
	FAILS(auth_cert_verify(leaf, &mid, 1, NULL, now),
	      "no CRL of CA 'CN=Tern Mid CA' in the NSS database (crl-strict=yes)");
	/* ... and a CRL past its next update (30 days) does not count */
	FAILS(auth_cert_verify(east2, NULL, 0, NULL, now + (PRTime)60 * 24 * 3600 * PR_USEC_PER_SEC),
	      "is out of date (next update ");
	CERT_DestroyCertificate(east2);
	free(f2.ptr);
	auth_set_crl_strict(false);
	OK(auth_cert_verify(leaf, &mid, 1, NULL, now));
	CERT_DestroyCertificate(mid);
	CERT_DestroyCertificate(leaf);
	free(f.ptr);
	free(fm.ptr);

	/* not a certificate */
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	CERTCertificate *j = NULL;
	FAILS(auth_cert_decode(CRYPTO_CSPAN(junk, sizeof(junk)), &j), "is not an X.509 certificate");
	FAILS(auth_cert_decode(CRYPTO_CSPAN(junk, 0), &j), "empty CERT payload");
	assert_null(j);
}

static void test_ids(void **state)
{
	(void)state;
	CERTCertificate *east = NULL;
	OK(auth_cert_by_nickname("east", &east));
	static const char *const good[] = {
		"@east.example.org", "@EAST.example.org.", "east@example.org", "192.0.2.2",
		"O=Tern, CN=east.example.org", "%any", "%fromcert",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct id id = id_of(good[i]);
		diag_t d = auth_cert_matches_id(east, &id);
		if (d != NULL)
			fail_msg("%s: %s", good[i], diag_str(d));
		id_free(&id);
	}
	struct id west = id_of("@west.example.org");
	FAILS(auth_cert_matches_id(east, &west),
	      "ID '@west.example.org' is not in certificate 'O=Tern, CN=east.example.org' "
	      "(subjectAltName: DNS:east.example.org, IP:192.0.2.2, email:east@example.org)");
	id_free(&west);
	static const char *const bad[] = { "192.0.2.3", "west@example.org", "CN=east.example.org",
					   "2001:db8::2" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct id id = id_of(bad[i]);
		diag_t d = auth_cert_matches_id(east, &id);
		if (d == NULL)
			fail_msg("%s matched", bad[i]);
		diag_free(&d);
		id_free(&id);
	}
	/* %fromcert: the subject, in DER order, Libreswan's spelling */
	struct id subj;
	OK(auth_cert_subject_id(east, &subj));
	assert_int_equal(subj.kind, ID_DER_ASN1_DN);
	id_buf b;
	assert_string_equal(str_id(&subj, &b), "O=Tern, CN=east.example.org");
	/* DN text <-> DER */
	char *text = NULL;
	OK(auth_dn_from_der(CRYPTO_CSPAN(east->derSubject.data, east->derSubject.len), &text));
	assert_string_equal(text, "O=Tern, CN=east.example.org");
	free(text);
	uint8_t *der = NULL;
	size_t len = 0;
	OK(auth_dn_to_der("C=CA, O=Tern, OU=Test, CN=west, E=west@example.org", &der, &len));
	OK(auth_dn_from_der(CRYPTO_CSPAN(der, len), &text));
	assert_string_equal(text, "C=CA, O=Tern, OU=Test, CN=west, E=west@example.org");
	free(text);
	struct id fromder;
	OK(auth_id_from_der_dn(CRYPTO_CSPAN(der, len), &fromder));
	struct id typed = id_of("C=CA,O=Tern,OU=Test,CN=west,E=west@example.org");
	assert_true(id_equal(&fromder, &typed));
	id_free(&fromder);
	id_free(&typed);
	FAILS(auth_dn_from_der(CRYPTO_CSPAN(der, len - 1), &text), "is not a DER Name");
	FAILS(auth_dn_from_der(CRYPTO_CSPAN(der, 0), &text), "empty DN");
	free(der);
	der = NULL;
	FAILS(auth_dn_to_der("CN=x, FOO=y", &der, &len), "unknown attribute type 'FOO'");
	FAILS(auth_dn_to_der("CN", &der, &len), "expecting TYPE=value");
	FAILS(auth_dn_to_der("", &der, &len), "is empty");
	assert_null(der);
	/* our ID payload's DN: the certificate's own octets when they are the ID */
	der = NULL;
	OK(auth_local_dn_der(&subj, east, &der, &len));
	assert_int_equal(len, east->derSubject.len);
	assert_memory_equal(der, east->derSubject.data, len);
	free(der);
	struct id fc = id_of("%fromcert");
	OK(auth_local_dn_der(&fc, east, &der, &len));
	assert_int_equal(len, east->derSubject.len);
	free(der);
	struct id other = id_of("CN=other, O=Tern");
	OK(auth_local_dn_der(&other, east, &der, &len));
	OK(auth_dn_from_der(CRYPTO_CSPAN(der, len), &text));
	assert_string_equal(text, "CN=other, O=Tern");
	free(text);
	free(der);
	struct id fq = id_of("@east.example.org");
	FAILS(auth_local_dn_der(&fq, NULL, &der, &len), "is not a DN");
	id_free(&fq);
	id_free(&other);
	id_free(&fc);
	id_free(&subj);
	CERT_DestroyCertificate(east);
}

/* ---- sigauth: what IKE_AUTH calls ---- */

static void test_policy(void **state)
{
	(void)state;
	unsigned sha2 = CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_256) | CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_384) |
			CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_512);
	assert_int_equal(auth_hash_notify_mask(AUTHBY_DEFAULT), sha2);
	assert_int_equal(auth_hash_notify_mask(AUTHBY_SECRET), 0);
	assert_int_equal(auth_hash_notify_mask(AUTHBY_RSA_SHA2_256),
			 CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_256));
	const struct crypto_sig_alg *pss512 = crypto_sig_alg_find(CRYPTO_SIG_RSA_PSS, IKEv2_HASH_SHA2_512);
	const struct crypto_sig_alg *ec1 = crypto_sig_alg_find(CRYPTO_SIG_ECDSA, IKEv2_HASH_SHA1);
	const struct crypto_sig_alg *p1 = crypto_sig_alg_find(CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA1);
	assert_true(auth_sig_allowed(IKEv2_AUTH_DIGSIG, pss512, AUTHBY_RSASIG));
	assert_false(auth_sig_allowed(IKEv2_AUTH_DIGSIG, pss512, AUTHBY_RSA_SHA2_256));
	assert_false(auth_sig_allowed(IKEv2_AUTH_DIGSIG, pss512, AUTHBY_SECRET));
	assert_false(auth_sig_allowed(IKEv2_AUTH_DIGSIG, ec1, AUTHBY_DEFAULT));
	assert_true(auth_sig_allowed(IKEv2_AUTH_DIGSIG, p1, AUTHBY_RSA_SHA1));
	assert_false(auth_sig_allowed(IKEv2_AUTH_DIGSIG, p1, AUTHBY_RSA_SHA2));
	assert_true(auth_sig_allowed(IKEv2_AUTH_RSA, NULL, AUTHBY_RSASIG));
	assert_false(auth_sig_allowed(IKEv2_AUTH_RSA, NULL, AUTHBY_RSA_SHA2));
	assert_true(auth_sig_allowed(IKEv2_AUTH_ECDSA_SHA2_256_P256, NULL, AUTHBY_ECDSA));
	assert_false(auth_sig_allowed(IKEv2_AUTH_ECDSA_SHA2_256_P256, NULL, AUTHBY_RSASIG));
	assert_false(auth_sig_allowed(IKEv2_AUTH_PSK, NULL, AUTHBY_DEFAULT));

	/* the choice */
	CERTCertificate *east = NULL, *road = NULL;
	SECKEYPrivateKey *rsa = NULL, *ec = NULL;
	OK(auth_cert_by_nickname("east", &east));
	OK(auth_cert_by_nickname("road", &road));
	OK(auth_private_key_by_cert(east, &rsa));
	OK(auth_private_key_by_cert(road, &ec));
	enum ikev2_auth_method m = 0;
	const struct crypto_sig_alg *a = NULL;
	OK(auth_choose_sig(rsa, AUTHBY_DEFAULT, sha2, &m, &a));
	assert_int_equal(m, IKEv2_AUTH_DIGSIG);
	assert_string_equal(a->name, "RSASSA_PSS_SHA2_512");
	OK(auth_choose_sig(rsa, AUTHBY_RSA_SHA2_256, sha2, &m, &a));
	assert_string_equal(a->name, "RSASSA_PSS_SHA2_256");
	OK(auth_choose_sig(rsa, AUTHBY_DEFAULT, 0, &m, &a));	/* no notify: RFC 7296 RSA */
	assert_int_equal(m, IKEv2_AUTH_RSA);
	assert_null(a);
	FAILS(auth_choose_sig(rsa, AUTHBY_RSA_SHA2, 0, &m, &a), "rsa-sha1 is not allowed");
	OK(auth_choose_sig(ec, AUTHBY_DEFAULT, sha2, &m, &a));
	assert_int_equal(m, IKEv2_AUTH_DIGSIG);
	assert_string_equal(a->name, "ECDSA_SHA2_256");
	OK(auth_choose_sig(ec, AUTHBY_DEFAULT, 0, &m, &a));
	assert_int_equal(m, IKEv2_AUTH_ECDSA_SHA2_256_P256);
	FAILS(auth_choose_sig(ec, AUTHBY_RSASIG, sha2, &m, &a), "does not allow ecdsa");
	SECKEY_DestroyPrivateKey(rsa);
	SECKEY_DestroyPrivateKey(ec);
	CERT_DestroyCertificate(east);
	CERT_DestroyCertificate(road);
}

/* one side signs as IKE_AUTH would, the other verifies */
static void test_peer_sig(void **state)
{
	(void)state;
	struct crypto_cspan signed_octets[3] = {
		CRYPTO_CSPAN("IKE_SA_INIT request", 19), CRYPTO_CSPAN("Nr", 2),
		CRYPTO_CSPAN("MACedIDForI", 11),
	};
	unsigned sha2 = auth_hash_notify_mask(AUTHBY_DEFAULT);
	PRTime now = PR_Now();
	/* east signs with leftcert=east */
	struct conn_end local = { .cert = "east" };
	CERTCertificate *cert = NULL;
	SECKEYPrivateKey *key = NULL;
	OK(auth_end_private_key(&local, "left", &cert, &key));
	enum ikev2_auth_method m = 0;
	const struct crypto_sig_alg *a = NULL;
	OK(auth_choose_sig(key, AUTHBY_DEFAULT, sha2, &m, &a));
	uint8_t *auth = NULL;
	size_t len = 0;
	OK(crypto_auth_sig_sign(m, a, key, signed_octets, 3, &auth, &len));
	struct crypto_cspan certs[1] = { CRYPTO_CSPAN(cert->derCert.data, cert->derCert.len) };

	/* west checks it: rightid=@east.example.org, the ID east sent */
	struct conn_end remote = { .id = id_of("@east.example.org") };
	struct id peer = id_of("@east.example.org");
	JAMBUF(story, 512);
	OK(auth_verify_peer_sig(&remote, AUTHBY_DEFAULT, "%any", &peer, certs, 1, m,
				CRYPTO_CSPAN(auth, len), signed_octets, 3, now, &story));
	assert_string_equal(jambuf_str(&story),
			    "'2048-bit RSASSA-PSS with SHA2_512' digital signature using peer "
			    "certificate 'O=Tern, CN=east.example.org' issued by CA "
			    "'C=CA, O=Tern, CN=Tern Test CA'");
	/* rightid=%fromcert, rightca= the CA */
	struct conn_end fromcert = { .id = id_of("%fromcert") };
	OK(auth_verify_peer_sig(&fromcert, AUTHBY_DEFAULT, "C=CA, O=Tern, CN=Tern Test CA", &peer,
				certs, 1, m, CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL));

	/* each failure on purpose */
	struct conn_end other = { .id = id_of("@west.example.org") };
	FAILS(auth_verify_peer_sig(&other, AUTHBY_DEFAULT, NULL, &peer, certs, 1, m,
				   CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL),
	      "peer ID '@east.example.org' does not match rightid='@west.example.org'");
	struct id liar = id_of("@west.example.org");
	FAILS(auth_verify_peer_sig(&other, AUTHBY_DEFAULT, NULL, &liar, certs, 1, m,
				   CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL),
	      "ID '@west.example.org' is not in certificate");
	FAILS(auth_verify_peer_sig(&remote, AUTHBY_RSA_SHA2_256, NULL, &peer, certs, 1, m,
				   CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL),
	      "authby=rsa-sha2_256 does not allow RSASSA_PSS_SHA2_512");
	FAILS(auth_verify_peer_sig(&remote, AUTHBY_DEFAULT, "CN=Other CA", &peer, certs, 1, m,
				   CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL),
	      "is not issued by rightca='CN=Other CA'");
	FAILS(auth_verify_peer_sig(&remote, AUTHBY_DEFAULT, NULL, &peer, certs, 1, m,
				   CRYPTO_CSPAN(auth, len), signed_octets, 2, now, NULL),
	      "does not verify");
	struct file old = slurp("old.der");
	struct crypto_cspan oldcerts[1] = { CRYPTO_CSPAN(old.ptr, old.len) };
	struct id oldid = id_of("@old.example.org");
	FAILS(auth_verify_peer_sig(&fromcert, AUTHBY_DEFAULT, NULL, &oldid, oldcerts, 1, m,
				   CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL),
	      "has expired");
	free(old.ptr);
	struct crypto_cspan junk[1] = { CRYPTO_CSPAN("junk", 4) };
	FAILS(auth_verify_peer_sig(&remote, AUTHBY_DEFAULT, NULL, &peer, junk, 1, m,
				   CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL),
	      "CERT payload 1");
	/* no certificate and no raw key */
	FAILS(auth_verify_peer_sig(&remote, AUTHBY_DEFAULT, NULL, &peer, NULL, 0, m,
				   CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL),
	      "no rightrsasigkey= or rightpubkey= is configured");

	/* raw keys: the same signature checked with rightrsasigkey= */
	SECKEYPublicKey *pub = CERT_ExtractPublicKey(cert);
	char *rsasigkey = NULL;
	OK(crypto_pubkey_to_rsasigkey(pub, &rsasigkey));
	struct conn_end raw = { .id = id_of("@east.example.org"), .rsasigkey = rsasigkey };
	jambuf_rewind(&story, 0);
	OK(auth_verify_peer_sig(&raw, AUTHBY_DEFAULT, NULL, &peer, NULL, 0, m,
				CRYPTO_CSPAN(auth, len), signed_octets, 3, now, &story));
	assert_string_equal(jambuf_str(&story),
			    "'2048-bit RSASSA-PSS with SHA2_512' digital signature using preloaded "
			    "certificate '@east.example.org'");
	/* the wrong raw key */
	CERTCertificate *badku = NULL;
	OK(auth_cert_by_nickname("badku", &badku));
	SECKEYPublicKey *wrong = CERT_ExtractPublicKey(badku);
	char *wrongkey = NULL;
	OK(crypto_pubkey_to_rsasigkey(wrong, &wrongkey));
	struct conn_end rawbad = { .id = id_of("@east.example.org"), .rsasigkey = wrongkey };
	FAILS(auth_verify_peer_sig(&rawbad, AUTHBY_DEFAULT, NULL, &peer, NULL, 0, m,
				   CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL),
	      "RSASSA_PSS_SHA2_512 signature does not verify with the 2048-bit RSA key");
	/* method 1 with the raw key: a "signature", not a "digital signature" */
	free(auth);
	OK(crypto_auth_sig_sign(IKEv2_AUTH_RSA, NULL, key, signed_octets, 3, &auth, &len));
	jambuf_rewind(&story, 0);
	OK(auth_verify_peer_sig(&raw, AUTHBY_DEFAULT, NULL, &peer, NULL, 0, IKEv2_AUTH_RSA,
				CRYPTO_CSPAN(auth, len), signed_octets, 3, now, &story));
	assert_string_equal(jambuf_str(&story),
			    "'2048-bit PKCS#1 1.5 RSA with SHA1' signature using preloaded "
			    "certificate '@east.example.org'");
	FAILS(auth_verify_peer_sig(&raw, AUTHBY_RSA_SHA2, NULL, &peer, NULL, 0, IKEv2_AUTH_RSA,
				   CRYPTO_CSPAN(auth, len), signed_octets, 3, now, NULL),
	      "does not allow RSA_PKCS1_SHA1 (AUTH method 1)");

	free(wrongkey);
	SECKEY_DestroyPublicKey(wrong);
	CERT_DestroyCertificate(badku);
	free(rsasigkey);
	SECKEY_DestroyPublicKey(pub);
	id_free(&raw.id);
	id_free(&rawbad.id);
	id_free(&oldid);
	id_free(&liar);
	id_free(&other.id);
	id_free(&fromcert.id);
	id_free(&remote.id);
	id_free(&peer);
	free(auth);
	SECKEY_DestroyPrivateKey(key);
	CERT_DestroyCertificate(cert);
}

static void test_certreq_chain(void **state)
{
	(void)state;
	PRTime now = PR_Now();
	uint8_t *data = NULL;
	size_t len = 0;
	OK(auth_certreq_data(&data, &len));
	/* one trusted CA ("ca"; mid2 is not trusted by itself) */
	assert_int_equal(len, 20);
	/* SHA-1 of its SubjectPublicKeyInfo, as OpenSSL sees it */
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "openssl x509 -inform DER -in %s/ca.der -pubkey -noout | "
			     "openssl pkey -pubin -outform DER | sha1sum", testdb_dir) > 0);
	FILE *p = popen(cmd, "r");
	free(cmd);
	char line[128] = "";
	if (p != NULL && fgets(line, sizeof(line), p) != NULL && strlen(line) > 40) {
		char hex[41];
		for (int i = 0; i < 20; i++)
			snprintf(hex + 2 * i, 3, "%02x", data[i]);
		assert_memory_equal(hex, line, 40);
	} else {
		print_message("openssl not available: CERTREQ hash not cross-checked\n");
	}
	if (p != NULL)
		pclose(p);

	CERTCertificate *inner = NULL, *east = NULL;
	OK(auth_cert_by_nickname("inner", &inner));
	OK(auth_cert_by_nickname("east", &east));
	bool names = false;
	OK(auth_certreq_names(inner, CRYPTO_CSPAN(data, len), now, &names));
	assert_true(names);
	OK(auth_certreq_names(east, CRYPTO_CSPAN(data, len), now, &names));
	assert_true(names);
	static const uint8_t other[20] = { 1 };
	OK(auth_certreq_names(east, CRYPTO_CSPAN(other, 20), now, &names));
	assert_false(names);
	names = true;
	FAILS(auth_certreq_names(east, CRYPTO_CSPAN(other, 19), now, &names), "not a list of SHA-1");
	assert_true(names);
	free(data);

	/* CERT payloads for "inner": itself and mid2, not the root */
	struct crypto_span *chain = NULL;
	size_t n = 0;
	OK(auth_cert_chain(inner, now, &chain, &n));
	assert_int_equal(n, 2);
	assert_int_equal(chain[0].len, inner->derCert.len);
	assert_memory_equal(chain[0].ptr, inner->derCert.data, chain[0].len);
	CERTCertificate *mid2 = NULL;
	OK(auth_cert_by_nickname("mid2", &mid2));
	assert_int_equal(chain[1].len, mid2->derCert.len);
	assert_memory_equal(chain[1].ptr, mid2->derCert.data, chain[1].len);
	auth_cert_chain_free(chain, n);
	OK(auth_cert_chain(east, now, &chain, &n));
	assert_int_equal(n, 1);
	auth_cert_chain_free(chain, n);
	CERT_DestroyCertificate(mid2);
	CERT_DestroyCertificate(inner);
	CERT_DestroyCertificate(east);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_from_cert),
		cmocka_unit_test(test_keys_by_ckaid),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_peer_sig),
		cmocka_unit_test(test_certreq_chain),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
