/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKE_AUTH with signatures: two IKEv2 engines, west (initiator) and east
 * (responder), in one process, as in test_ikev2.c (harness.c:
 * a queue for the network, a fake clock, worker jobs run by pump(), a
 * fake kernel), over a throwaway NSS database that certutil fills with a
 * CA and RSA / ECDSA certificates for west and east.  Raw keys are those
 * certificates' keys given as leftckaid= / rightrsasigkey= / rightpubkey=;
 * certificate tests use leftcert= and CERT payloads.  Every test drives a
 * real negotiation and checks what both sides logged and installed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <nss.h>
#include <cert.h>
#include <keyhi.h>
#include <sys/stat.h>

#include "tern/crypto_pubkey.h"
#include "auth/certs.h"
#include "auth/signer_cache.h"
#include "harness.h"
#include "nss_testdb.h"

/* ---- the NSS database ---- */

/*
 * One db for both engines (one process): the CA, west and east with RSA
 * and with ECDSA P-256 keys, "stranger" (a key nobody configures) and
 * "eve" from another CA (its certificate imported, its CA not).
 */
static int group_setup(void **state)
{
	(void)state;
	if (testdb_create("tern-test-ikev2-sig", "db", "other", NULL) != 0)
		return -1;
	int rc = 0;
	rc |= testdb_issue("db", "ca", "CN=Tern Test CA, O=Tern, C=CA", NULL, 1, "");
	rc |= testdb_issue("db", "west", "CN=west.example.org, O=Tern", "ca", 2,
		    "-k rsa -g 2048 -v 12 --keyUsage digitalSignature "
		    "--extSAN dns:west.example.org,email:west@example.org");
	rc |= testdb_issue("db", "east", "CN=east.example.org, O=Tern", "ca", 3,
		    "-k rsa -g 2048 -v 12 --keyUsage digitalSignature "
		    "--extSAN dns:east.example.org,email:east@example.org");
	rc |= testdb_issue("db", "westec", "CN=westec.example.org, O=Tern", "ca", 4,
		    "-k ec -q nistp256 -v 12 --keyUsage digitalSignature "
		    "--extSAN dns:westec.example.org");
	rc |= testdb_issue("db", "eastec", "CN=eastec.example.org, O=Tern", "ca", 5,
		    "-k ec -q nistp256 -v 12 --keyUsage digitalSignature "
		    "--extSAN dns:eastec.example.org");
	rc |= testdb_issue("db", "stranger", "CN=stranger.example.org", "ca", 6,
		    "-k rsa -g 2048 -v 12 --extSAN dns:stranger.example.org");
	/* eve: a key pair and certificate from a CA east does not have */
	rc |= testdb_issue("other", "ca2", "CN=Other CA", NULL, 7, "");
	rc |= testdb_issue("other", "eve", "CN=east.example.org, O=Eve", "ca2", 8,
		    "-k rsa -g 2048 -v 12 --keyUsage digitalSignature --extSAN dns:east.example.org");
	rc |= testdb_sh("pk12util -o %s/eve.p12 -n eve -d sql:%s/other -W '' -K '' >/dev/null 2>&1 && "
		 "pk12util -i %s/eve.p12 -d sql:%s/db -W '' -K '' >/dev/null 2>&1 && "
		 "certutil -D -d sql:%s/db -n 'Other CA' >/dev/null 2>&1; "
		 "certutil -L -d sql:%s/db | grep -q eve", testdb_dir, testdb_dir, testdb_dir, testdb_dir, testdb_dir, testdb_dir);
	if (rc != 0)
		return -1;
	return testdb_open("db");
}

static int group_teardown(void **state)
{
	(void)state;
	auth_signer_cache_flush();	/* its NSS objects go before NSS_Shutdown() */
	testdb_remove();
	return 0;
}

static SECKEYPublicKey *pub_of(const char *nick)
{
	CERTCertificate *c = CERT_FindCertByNickname(CERT_GetDefaultCertDB(), nick);
	assert_non_null(c);
	SECKEYPublicKey *k = CERT_ExtractPublicKey(c);
	CERT_DestroyCertificate(c);
	assert_non_null(k);
	return k;
}

/* leftrsasigkey= text of NICK's key (static: one at a time per slot) */
static const char *rsasigkey_of(const char *nick, char out[2048])
{
	SECKEYPublicKey *k = pub_of(nick);
	char *t = NULL;
	assert_null(crypto_pubkey_to_rsasigkey(k, &t));
	snprintf(out, 2048, "%s", t);
	free(t);
	SECKEY_DestroyPublicKey(k);
	return out;
}

static const char *pubkey_of(const char *nick, char out[2048])
{
	SECKEYPublicKey *k = pub_of(nick);
	char *t = NULL;
	assert_null(crypto_pubkey_to_0s_spki(k, &t));
	snprintf(out, 2048, "%s", t);
	free(t);
	SECKEY_DestroyPublicKey(k);
	return out;
}

static const char *ckaid_of(const char *nick, char out[2 * CRYPTO_CKAID_SIZE + 1])
{
	SECKEYPublicKey *k = pub_of(nick);
	uint8_t ckaid[CRYPTO_CKAID_SIZE];
	assert_null(crypto_pubkey_ckaid(k, ckaid));
	crypto_ckaid_hex(ckaid, out);
	SECKEY_DestroyPublicKey(k);
	return out;
}

/* the same conn on both sides (as Libreswan configs are written) */
static void setup_both(const char *conf)
{
	struct setup s = { .west_conf = conf, .east_conf = conf };
	setup_peers(&s);
}

/* west initiates; both sides end up with the IKE SA and the Child SA */
static void expect_established(void)
{
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	if (west.whack_rc != CTL_RC_OK) {
		for (unsigned i = 0; i < nr_lines; i++)
			fprintf(stderr, "  log: %s\n", lines[i]);
	}
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_log("\"C\" #2: initiator established Child SA using #1; IPsec tunnel [10.0.1.0/24===10.0.2.0/24]");
	expect_log("\"C\" #2: responder established Child SA using #1; IPsec tunnel [10.0.2.0/24===10.0.1.0/24]");
	expect_matching_sas();
	assert_int_equal(only_ike(&west)->state, ESTABLISHED_IKE_SA);
	assert_int_equal(only_ike(&east)->state, ESTABLISHED_IKE_SA);
}

/* west initiates and fails with RC; nothing is installed on either side */
static void expect_failed(int rc)
{
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, rc);
	assert_int_equal(live_states(&west), 0);
	assert_int_equal(live_states(&east), 0);
	assert_null(only_ike(&west));
	assert_null(only_ike(&east));
}

/* ---- tests ---- */

static void test_raw_rsa(void **state)
{
	(void)state;
	char conf[8192], wk[2048], ek[2048], wc[64];
	snprintf(conf, sizeof(conf), "\tauthby=rsasig\n\tleftckaid=%s\n\tleftrsasigkey=%s\n"
		 "\trightrsasigkey=%s\n", ckaid_of("west", wc), rsasigkey_of("west", wk),
		 rsasigkey_of("east", ek));
	setup_both(conf);
	expect_established();
	/* SIGNATURE_HASH_ALGORITHMS both ways: RFC 7427 digital signatures */
	assert_int_equal(only_ike(&west)->peer_hashes, only_ike(&east)->peer_hashes);
	assert_int_not_equal(only_ike(&west)->peer_hashes, 0);
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and FQDN '@west'; Child SA #2 {ESP <0x1000aa00}");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using preloaded certificate '@east' and 2048-bit RSASSA-PSS with SHA2_512 digital signature");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer using preloaded certificate '@west' and 2048-bit RSASSA-PSS with SHA2_512 digital signature");
}

static void test_raw_ecdsa(void **state)
{
	(void)state;
	char conf[8192], wk[2048], ek[2048];
	snprintf(conf, sizeof(conf), "\tauthby=ecdsa\n\tleftpubkey=%s\n\trightpubkey=%s\n",
		 pubkey_of("westec", wk), pubkey_of("eastec", ek));
	setup_both(conf);
	expect_established();
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and FQDN '@west'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using preloaded certificate '@east' and 256-bit ECDSA with SHA2_256 digital signature");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer using preloaded certificate '@west' and 256-bit ECDSA with SHA2_256 digital signature");
}

/* authby=rsa-sha1: no hash notify, RSA method 1 (PKCS#1 1.5 with SHA1) */
static void test_rsa_method_1(void **state)
{
	(void)state;
	char conf[8192], wk[2048], ek[2048];
	snprintf(conf, sizeof(conf), "\tauthby=rsa-sha1\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("west", wk), rsasigkey_of("east", ek));
	setup_both(conf);
	expect_established();
	assert_int_equal(only_ike(&west)->peer_hashes, 0);
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with rsa-digital-signature and FQDN '@west'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using preloaded certificate '@east' and 2048-bit PKCS#1 1.5 RSA with SHA1 signature");
}

/* east has the wrong key for west: it says why, west gets AUTHENTICATION_FAILED */
static void test_wrong_raw_key_initiator(void **state)
{
	(void)state;
	char wconf[8192], econf[8192], wk[2048], ek[2048], sk[2048];
	snprintf(wconf, sizeof(wconf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("west", wk), rsasigkey_of("east", ek));
	snprintf(econf, sizeof(econf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("stranger", sk), ek);
	struct setup s = { .west_conf = wconf, .east_conf = econf };
	setup_peers(&s);
	expect_failed(CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the initiator using authby=rsasig failed: ");
	expect_log("\"C\" #1: responding to IKE_AUTH request with notification AUTHENTICATION_FAILED");
	expect_log("\"C\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED");
	assert_false(logged("established IKE SA"));
}

/* west has the wrong key for east: it refuses the response and says so */
static void test_wrong_raw_key_responder(void **state)
{
	(void)state;
	char wconf[8192], econf[8192], wk[2048], ek[2048], sk[2048];
	snprintf(wconf, sizeof(wconf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("west", wk), rsasigkey_of("stranger", sk));
	snprintf(econf, sizeof(econf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 wk, rsasigkey_of("east", ek));
	struct setup s = { .west_conf = wconf, .east_conf = econf };
	setup_peers(&s);
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the responder using authby=rsasig failed: ");
	assert_false(logged("initiator established IKE SA"));
	assert_null(only_ike(&west));
	assert_int_equal(live_states(&west), 0);
}

/* no private key for leftckaid=: whack gets CTL_RC_NOKEY, nothing is sent */
static void test_no_private_key(void **state)
{
	(void)state;
	char conf[8192], ek[2048];
	snprintf(conf, sizeof(conf), "\tauthby=rsasig\n\tleftckaid=00112233445566778899aabbccddeeff00112233\n"
		 "\trightrsasigkey=%s\n", rsasigkey_of("east", ek));
	setup_both(conf);
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_NOKEY);
	expect_log("\"C\" #1: ERROR: cannot authenticate with authby=rsasig: leftckaid: no private key with CKAID 00112233445566778899aabbccddeeff00112233 in the NSS database");
	assert_false(logged("sent IKE_AUTH request"));
}

/* east only takes a PSK: a signature is refused (east sends no hash
 * notify, so west signs with RSA method 1, allowed by rsasig) */
static void test_signature_not_allowed(void **state)
{
	(void)state;
	char wconf[8192], wk[2048], ek[2048];
	snprintf(wconf, sizeof(wconf), "\tauthby=rsasig\n\tleftrsasigkey=%s\n\trightrsasigkey=%s\n",
		 rsasigkey_of("west", wk), rsasigkey_of("east", ek));
	struct setup s = { .west_conf = wconf, .east_conf = "\tauthby=secret\n" };
	setup_peers(&s);
	expect_failed(CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the initiator using authby=secret failed: peer authenticated with RSA_SIG, which authby= does not allow");
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with rsa-digital-signature and FQDN '@west'");
}

/* asymmetric: west signs (leftauth=rsasig), east uses the PSK (rightauth=secret) */
static void test_mixed_rsasig_psk(void **state)
{
	(void)state;
	char conf[8192], wk[2048];
	snprintf(conf, sizeof(conf), "\tleftauth=rsasig\n\trightauth=secret\n\tleftrsasigkey=%s\n",
		 rsasigkey_of("west", wk));
	setup_both(conf);
	expect_established();
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and FQDN '@west'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using authby=secret and FQDN '@east'");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer using preloaded certificate '@west' and 2048-bit RSASSA-PSS with SHA2_512 digital signature");
}

/* ---- certificates ---- */

#define CERTS_RSA "\tauthby=rsasig\n\tleftcert=west\n\trightcert=east\n" \
	"\tleftid=@west.example.org\n\trightid=@east.example.org\n" \
	"\tleftca=%same\n\trightca=%same\n"

static void test_certs_rsa(void **state)
{
	(void)state;
	setup_both(CERTS_RSA);
	expect_established();
	/* east asked (CERTREQ in IKE_SA_INIT), west asked (CERTREQ in IKE_AUTH) */
	expect_log("\"C\" #1: processing decrypted IKE_AUTH request containing SK{IDi,CERT,N(INITIAL_CONTACT),CERTREQ,AUTH,SA,TSi,TSr}");
	expect_log("\"C\" #1: processing IKE_AUTH response from 192.0.2.2:UDP/500 containing SK{IDr,CERT,AUTH,SA,TSi,TSr}");
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and FQDN '@west.example.org'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer certificate 'O=Tern, CN=east.example.org' and 2048-bit RSASSA-PSS with SHA2_512 digital signature issued by CA 'C=CA, O=Tern, CN=Tern Test CA'");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer certificate 'O=Tern, CN=west.example.org' and 2048-bit RSASSA-PSS with SHA2_512 digital signature issued by CA 'C=CA, O=Tern, CN=Tern Test CA'");
}

/* ID_DER_ASN1_DN both ways: leftid=%fromcert, rightid= the DN (in the
 * certificate's RDN order, as Libreswan prints it; certutil -s takes the
 * reverse) */
static void test_certs_dn(void **state)
{
	(void)state;
	setup_both("\tauthby=rsasig\n\tleftcert=west\n\trightcert=east\n"
		   "\tleftid=%fromcert\n\trightid=\"O=Tern, CN=east.example.org\"\n");
	expect_established();
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with digital-signature and DER_ASN1_DN 'O=Tern, CN=west.example.org'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer certificate 'O=Tern, CN=east.example.org' and ");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer certificate 'O=Tern, CN=west.example.org' and ");
	assert_int_equal(only_ike(&west)->peer_id.kind, ID_DER_ASN1_DN);
	assert_int_equal(only_ike(&east)->peer_id.kind, ID_DER_ASN1_DN);
}

static void test_certs_ecdsa(void **state)
{
	(void)state;
	setup_both("\tauthby=ecdsa\n\tleftcert=westec\n\trightcert=eastec\n"
		   "\tleftid=@westec.example.org\n\trightid=@eastec.example.org\n"
		   "\trightca=%same\n\tleftca=%same\n");
	expect_established();
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer certificate 'O=Tern, CN=eastec.example.org' and 256-bit ECDSA with SHA2_256 digital signature issued by CA 'C=CA, O=Tern, CN=Tern Test CA'");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer certificate 'O=Tern, CN=westec.example.org' and 256-bit ECDSA with SHA2_256 digital signature issued by CA 'C=CA, O=Tern, CN=Tern Test CA'");
}

/* east claims an ID its certificate does not carry: west refuses it */
static void test_cert_id_not_in_cert(void **state)
{
	(void)state;
	setup_both("\tauthby=rsasig\n\tleftcert=west\n\trightcert=east\n"
		   "\tleftid=@west.example.org\n\trightid=@east.example.com\n");
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the responder using authby=rsasig failed: ");
	expect_log("east.example.com");
	assert_false(logged("initiator established IKE SA"));
	assert_null(only_ike(&west));
}

/* west's certificate is from a CA east does not know (eve's, imported
 * without its CA): east refuses with AUTHENTICATION_FAILED */
static void test_cert_unknown_ca(void **state)
{
	(void)state;
	setup_both("\tauthby=rsasig\n\tleftcert=eve\n\trightcert=east\n"
		   "\tleftid=@east.example.org\n\trightid=@east.example.org\n");
	/* eve's certificate names east.example.org; west presents it */
	expect_failed(CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the initiator using authby=rsasig failed: ");
	expect_log("\"C\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED");
}

/* leftsendcert=never and no raw key: the peer has nothing to verify with */
static void test_cert_not_sent(void **state)
{
	(void)state;
	setup_both(CERTS_RSA "\tleftsendcert=never\n");
	expect_failed(CTL_RC_FATAL);
	expect_log("\"C\" #1: authentication of the initiator using authby=rsasig failed: the peer sent no certificate and no rightrsasigkey= or rightpubkey= is configured");
}

/*
 * auth_signer_get() (signer_cache.h): our key and chain, found once; the
 * chain is west's certificate alone (the CA is a root, not sent), equal
 * on a cache hit and after a flush; a missing nickname is an error that
 * names it and is not cached.
 */
static void check_signer(const struct conn_end *end, const CERTCertificate *want)
{
	CERTCertificate *cert = NULL;
	SECKEYPrivateKey *key = NULL;
	struct crypto_span *chain = NULL;
	size_t n = 0;
	diag_t d = auth_signer_get(end, "left", PR_Now(), &cert, &key, &chain, &n);
	assert_null(d);
	assert_non_null(key);
	assert_non_null(cert);
	assert_true(CERT_CompareCerts(cert, want));
	assert_int_equal(n, 1);
	assert_int_equal(chain[0].len, want->derCert.len);
	assert_memory_equal(chain[0].ptr, want->derCert.data, want->derCert.len);
	SECKEYPublicKey *pub = CERT_ExtractPublicKey(cert);
	assert_non_null(pub);
	assert_int_equal(key->keyType, pub->keyType);
	SECKEY_DestroyPublicKey(pub);
	SECKEY_DestroyPrivateKey(key);
	CERT_DestroyCertificate(cert);
	auth_cert_chain_free(chain, n);
}

static void test_signer_cache(void **state)
{
	(void)state;
	CERTCertificate *west_cert = CERT_FindCertByNickname(CERT_GetDefaultCertDB(), "west");
	assert_non_null(west_cert);
	struct conn_end end = { .cert = "west" };
	check_signer(&end, west_cert);	/* miss */
	check_signer(&end, west_cert);	/* hit */
	auth_signer_cache_flush();
	check_signer(&end, west_cert);
	/* without CHAIN: key and certificate only */
	CERTCertificate *cert = NULL;
	SECKEYPrivateKey *key = NULL;
	assert_null(auth_signer_get(&end, "left", PR_Now(), &cert, &key, NULL, NULL));
	assert_non_null(key);
	assert_true(CERT_CompareCerts(cert, west_cert));
	SECKEY_DestroyPrivateKey(key);
	CERT_DestroyCertificate(cert);
	for (int i = 0; i < 2; i++) {
		struct conn_end none = { .cert = "no-such-cert" };
		cert = NULL;
		key = NULL;
		diag_t d = auth_signer_get(&none, "left", PR_Now(), &cert, &key, NULL, NULL);
		assert_non_null(d);
		assert_non_null(strstr(diag_str(d), "leftcert=no-such-cert"));
		assert_null(cert);
		assert_null(key);
		diag_free(&d);
	}
	CERT_DestroyCertificate(west_cert);
	auth_signer_cache_flush();
}

int main(void)
{
	harness_authby_secret = false;
	log_add_sink(sink, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_raw_rsa, teardown),
		cmocka_unit_test_teardown(test_raw_ecdsa, teardown),
		cmocka_unit_test_teardown(test_rsa_method_1, teardown),
		cmocka_unit_test_teardown(test_wrong_raw_key_initiator, teardown),
		cmocka_unit_test_teardown(test_wrong_raw_key_responder, teardown),
		cmocka_unit_test_teardown(test_no_private_key, teardown),
		cmocka_unit_test_teardown(test_signature_not_allowed, teardown),
		cmocka_unit_test_teardown(test_mixed_rsasig_psk, teardown),
		cmocka_unit_test_teardown(test_certs_rsa, teardown),
		cmocka_unit_test_teardown(test_certs_dn, teardown),
		cmocka_unit_test_teardown(test_certs_ecdsa, teardown),
		cmocka_unit_test_teardown(test_cert_id_not_in_cert, teardown),
		cmocka_unit_test_teardown(test_cert_unknown_ca, teardown),
		cmocka_unit_test_teardown(test_cert_not_sent, teardown),
		cmocka_unit_test(test_signer_cache),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
