/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ikeload: a load-generating IKEv2 initiator for benchmarks (not a test).
 *
 * Sets up N childless IKE SAs (RFC 6023: CHILDLESS_IKEV2_SUPPORTED in
 * IKE_SA_INIT, no SA/TSi/TSr in IKE_AUTH) with a pre-shared key against
 * one responder, keeping WINDOW exchanges in flight, from PORTS source
 * ports of one local address.  Uses lib/ike (codec, proposals) and
 * lib/crypto (NSS) exactly as pluto does.  A COOKIE answer (RFC 7296 2.6)
 * is honoured (the request is resent with it and counted).
 *
 * With --pid PID it reads the responder's CPU time (utime+stime of
 * /proc/PID/stat, all threads) and VmRSS before the first request and
 * after the last answer, and prints them per IKE SA.  The initiator keeps
 * no state for a finished SA; the responder keeps its IKE SAs.
 *
 * The initiator reuses one key-exchange key pair for all its IKE SAs
 * (RFC 7296 2.12 allows it) so that its own CPU goes to the exchange, not
 * to key generation; the responder generates a fresh one per IKE SA as
 * usual.  --fresh-ke turns reuse off.
 *
 * With --nssdb DIR --cert NICK --ca NICK it authenticates with the
 * certificate NICK and its private key from the NSS db DIR instead of the
 * PSK: IKE_SA_INIT carries SIGNATURE_HASH_ALGORITHMS (SHA2-256/384/512),
 * IKE_AUTH carries IDi, CERT (X.509 signature), CERTREQ (SHA-1 of CA
 * NICK's SubjectPublicKeyInfo) and an AUTH of method 14 (RFC 7427) with
 * RSASSA-PSS SHA2-256 (--sig pkcs1: RSA PKCS#1 v1.5 with SHA2-256;
 * --sig sha1: method 1, RSA PKCS#1 v1.5 with SHA1).  The responder's
 * answer must carry its certificate (CERT): the certificate is checked
 * to be signed by the CA (once: later IKE SAs compare its octets with the
 * one checked) and the responder's AUTH (method 1 or 14, whatever the
 * responder chose) is verified with its public key for every IKE SA.
 *
 * Output: one line "ikeload: key=value ..." (parsed by run.sh), errors on
 * stderr.  Exit status 0 when every IKE SA was established.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <nss.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cert.h>
#include <pk11pub.h>

#include "tern/crypto.h"
#include "tern/crypto_sig.h"
#include "tern/ike.h"
#include "tern/ike_proposal.h"

#define MAX_PORTS 256
#define MAX_WINDOW 4096
#define NONCE_LEN 32
#define PKT_MAX 4096

enum sa_state { SA_FREE, SA_INIT_SENT, SA_AUTH_SENT };

struct isa {
	enum sa_state state;
	uint32_t tag;			/* random half of the ISPI */
	uint8_t ispi[8], rspi[8];
	uint8_t ni[NONCE_LEN];
	uint8_t nr[IKE_NONCE_MAX];
	size_t nr_len;
	uint8_t cookie[64];
	size_t cookie_len;
	uint8_t *init_i, *init_r;	/* the IKE_SA_INIT messages (AUTH signs them) */
	size_t init_i_len, init_r_len;
	uint8_t *req;			/* last request, for retransmits */
	size_t req_len;
	struct crypto_ike_keys keys;
	double deadline;
	unsigned tries;
	unsigned sock;
};

static struct {
	const char *local, *remote;
	unsigned remote_port, base_port, nr_ports, window, n, tries;
	double timeout;			/* per request, doubled per retransmit */
	double total_timeout;
	const char *proposal;		/* ike= string, one proposal */
	const char *psk, *id_i, *id_r;
	int pid;
	bool fresh_ke, verbose;
	const char *nssdb, *cert, *ca, *sig;
} opt = {
	.local = "192.0.2.1", .remote = "192.0.2.2", .remote_port = 500, .base_port = 20000,
	.nr_ports = 16, .window = 32, .n = 1000, .tries = 4, .timeout = 2.0,
	.total_timeout = 600, .proposal = "aes_gcm_16_256-sha2_256-dh31",
	.psk = "bench-psk-0123456789abcdef", .id_i = "load.bench", .id_r = "resp.bench", .pid = 0,
};

static struct {
	unsigned started, established, failed, cookies, retransmits, invalid, inflight;
	unsigned peer_cert_checks;
	unsigned long bytes_out;
} st;

static int socks[MAX_PORTS];
static struct sockaddr_in remote_sa;
static struct isa *sas;			/* WINDOW slots */
static struct ike_sa_build offer;
static const struct crypto_prf *prf;
static const struct crypto_encr *encr;
static const struct crypto_integ *integ;
static unsigned key_bits;
static uint16_t ke_group;
static struct crypto_ke_secret *shared_ke;
static PK11SymKey *psk_key;
static uint8_t idi_body[4 + 256], idr_expect[4 + 256];
static size_t idi_body_len, idr_expect_len;
/* --cert */
static SECKEYPrivateKey *my_key;
static CERTCertificate *my_cert, *ca_cert;
static enum ikev2_auth_method my_method;
static const struct crypto_sig_alg *my_alg;
static uint8_t certreq_hash[20];
static uint8_t *peer_der;		/* the responder's certificate, checked */
static size_t peer_der_len;
static SECKEYPublicKey *peer_key;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die_diag(const char *what, diag_t d)
{
	fprintf(stderr, "ikeload: %s: %s\n", what, diag_str(d));
	exit(2);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n == 0 ? 1 : n);
	if (d == NULL)
		abort();
	memcpy(d, p, n);
	return d;
}

/* utime+stime in seconds (all threads), of which stime, VmRSS in KiB;
 * false if gone */
static bool proc_usage(int pid, double *cpu, double *sys, long *rss_kb)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* fields after the ")" of comm: state(3) ... utime(14) stime(15) */
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return false;
	unsigned long long ut = 0, stime = 0;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &stime) != 2)
		return false;
	*cpu = (double)(ut + stime) / (double)sysconf(_SC_CLK_TCK);
	*sys = (double)stime / (double)sysconf(_SC_CLK_TCK);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	*rss_kb = -1;
	while (fgets(buf, sizeof(buf), f) != NULL)
		if (sscanf(buf, "VmRSS: %ld kB", rss_kb) == 1)
			break;
	fclose(f);
	return true;
}

static void sa_release(struct isa *s)
{
	free(s->init_i);
	free(s->init_r);
	free(s->req);
	crypto_ike_keys_free(&s->keys);
	memset(s, 0, sizeof(*s));
	st.inflight--;
}

static void sa_fail(struct isa *s, const char *why)
{
	if (opt.verbose || st.failed < 5)
		fprintf(stderr, "ikeload: IKE SA %02x%02x%02x%02x%02x%02x%02x%02x failed: %s\n",
			s->ispi[0], s->ispi[1], s->ispi[2], s->ispi[3], s->ispi[4], s->ispi[5],
			s->ispi[6], s->ispi[7], why);
	st.failed++;
	sa_release(s);
}

static void send_req(struct isa *s, const uint8_t *pkt, size_t len)
{
	if (s->req != pkt) {
		free(s->req);
		s->req = dup_bytes(pkt, len);
		s->req_len = len;
	}
	ssize_t r = sendto(socks[s->sock], s->req, s->req_len, 0, (struct sockaddr *)&remote_sa,
			   sizeof(remote_sa));
	if (r < 0 && errno != EAGAIN && errno != ENOBUFS)
		fprintf(stderr, "ikeload: sendto: %s\n", strerror(errno));
	st.bytes_out += s->req_len;
	s->deadline = now() + opt.timeout * (double)(1u << s->tries);
}

static void send_init(struct isa *s)
{
	uint8_t buf[PKT_MAX];
	struct ike_builder b;
	ike_builder_init(&b, buf, sizeof(buf));
	struct ike_header h = { .major = 2, .exchange = ISAKMP_v2_IKE_SA_INIT,
				.flags = IKEv2_FLAG_INITIATOR };
	memcpy(h.ispi, s->ispi, 8);
	ike_put_header(&b, &h);
	if (s->cookie_len > 0)
		ike_put_notify(&b, 0, NULL, 0, v2N_COOKIE, s->cookie, s->cookie_len);
	struct ike_payload p = { .type = IKEv2_NP_SA, .known = true, .u.sa = offer.sa };
	ike_put_payload(&b, &p);
	struct crypto_cspan pub = crypto_ke_public(shared_ke);
	p = (struct ike_payload){ .type = IKEv2_NP_KE, .known = true,
				  .u.ke = { .group = ke_group, .data = { pub.ptr, pub.len } } };
	ike_put_payload(&b, &p);
	p = (struct ike_payload){ .type = IKEv2_NP_Ni, .known = true,
				  .u.nonce.data = { s->ni, NONCE_LEN } };
	ike_put_payload(&b, &p);
	/* NAT detection: our real endpoints, so neither side sees a NAT */
	struct sockaddr_in me;
	socklen_t ml = sizeof(me);
	getsockname(socks[s->sock], (struct sockaddr *)&me, &ml);
	for (int i = 0; i < 2; i++) {
		const struct sockaddr_in *ep = i == 0 ? &me : &remote_sa;
		uint8_t zero[8] = { 0 }, hash[20];
		struct crypto_cspan d[4] = { CRYPTO_CSPAN(s->ispi, 8), CRYPTO_CSPAN(zero, 8),
					     CRYPTO_CSPAN(&ep->sin_addr, 4), CRYPTO_CSPAN(&ep->sin_port, 2) };
		diag_t e = crypto_hash(IKEv2_HASH_SHA1, d, 4, hash, sizeof(hash));
		if (e != NULL)
			die_diag("NAT detection hash", e);
		ike_put_notify(&b, 0, NULL, 0,
			       i == 0 ? v2N_NAT_DETECTION_SOURCE_IP : v2N_NAT_DETECTION_DESTINATION_IP,
			       hash, sizeof(hash));
	}
	ike_put_notify(&b, 0, NULL, 0, v2N_CHILDLESS_IKEV2_SUPPORTED, NULL, 0);
	if (my_key != NULL) {
		uint8_t hashes[CRYPTO_HASH_NOTIFY_MAX];
		size_t hl;
		diag_t dh = crypto_hash_notify_encode(CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_256) |
						      CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_384) |
						      CRYPTO_HASH_BIT(IKEv2_HASH_SHA2_512),
						      hashes, sizeof(hashes), &hl);
		if (dh != NULL)
			die_diag("SIGNATURE_HASH_ALGORITHMS", dh);
		ike_put_notify(&b, 0, NULL, 0, v2N_SIGNATURE_HASH_ALGORITHMS, hashes, hl);
	}
	size_t len;
	diag_t d = ike_builder_finish(&b, &len);
	if (d != NULL)
		die_diag("building IKE_SA_INIT", d);
	free(s->init_i);
	s->init_i = dup_bytes(buf, len);
	s->init_i_len = len;
	s->state = SA_INIT_SENT;
	s->tries = 0;
	send_req(s, buf, len);
}

static void start_sa(struct isa *s, unsigned slot)
{
	memset(s, 0, sizeof(*s));
	diag_t d = crypto_random(CRYPTO_SPAN(&s->tag, sizeof(s->tag)));
	if (d == NULL)
		d = crypto_random(CRYPTO_SPAN(s->ni, NONCE_LEN));
	if (d != NULL)
		die_diag("random", d);
	memcpy(s->ispi, &s->tag, 4);
	s->ispi[4] = (uint8_t)(slot >> 24);
	s->ispi[5] = (uint8_t)(slot >> 16);
	s->ispi[6] = (uint8_t)(slot >> 8);
	s->ispi[7] = (uint8_t)slot;
	s->sock = st.started % opt.nr_ports;
	st.started++;
	st.inflight++;
	send_init(s);
}

static diag_t psk_auth(const struct isa *s, bool initiator, struct ike_span id_body, uint8_t *out)
{
	uint8_t maced[CRYPTO_MAX_PRF_SIZE];
	diag_t d = crypto_maced_id(prf, initiator ? s->keys.sk_pi : s->keys.sk_pr,
				   CRYPTO_CSPAN(id_body.ptr, id_body.len), maced, prf->out_size);
	if (d != NULL)
		return d;
	const uint8_t *msg = initiator ? s->init_i : s->init_r;
	size_t msg_len = initiator ? s->init_i_len : s->init_r_len;
	return initiator
		? crypto_psk_auth(prf, psk_key, CRYPTO_CSPAN(msg, msg_len), CRYPTO_CSPAN(s->nr, s->nr_len),
				  CRYPTO_CSPAN(maced, prf->out_size), out, prf->out_size)
		: crypto_psk_auth(prf, psk_key, CRYPTO_CSPAN(msg, msg_len), CRYPTO_CSPAN(s->ni, NONCE_LEN),
				  CRYPTO_CSPAN(maced, prf->out_size), out, prf->out_size);
}

/* the signed octets of RFC 7296 2.15: RealMessage | Nonce | MACedIDFor */
static diag_t sig_octets(const struct isa *s, bool initiator, struct ike_span id_body,
			 uint8_t *maced, struct crypto_cspan spans[3])
{
	diag_t d = crypto_maced_id(prf, initiator ? s->keys.sk_pi : s->keys.sk_pr,
				   CRYPTO_CSPAN(id_body.ptr, id_body.len), maced, prf->out_size);
	if (d != NULL)
		return d;
	spans[0] = initiator ? CRYPTO_CSPAN(s->init_i, s->init_i_len) : CRYPTO_CSPAN(s->init_r, s->init_r_len);
	spans[1] = initiator ? CRYPTO_CSPAN(s->nr, s->nr_len) : CRYPTO_CSPAN(s->ni, NONCE_LEN);
	spans[2] = CRYPTO_CSPAN(maced, prf->out_size);
	return NULL;
}

/* the responder's certificate: checked against the CA the first time (and
 * whenever it changes), its public key kept */
static diag_t peer_cert_key(const struct ike_message *m, SECKEYPublicKey **key)
{
	const struct ike_payload *c = ike_message_get(m, IKEv2_NP_CERT);
	if (c == NULL)
		return diag("IKE_AUTH response has no CERT");
	if (c->u.cert.encoding != IKEv2_CERT_X509_SIGNATURE)
		return diag("CERT encoding %u is not X.509 signature", c->u.cert.encoding);
	if (peer_der != NULL && c->u.cert.data.len == peer_der_len &&
	    memcmp(c->u.cert.data.ptr, peer_der, peer_der_len) == 0) {
		*key = peer_key;
		return NULL;
	}
	SECItem der = { siDERCertBuffer, (unsigned char *)c->u.cert.data.ptr, (unsigned)c->u.cert.data.len };
	CERTCertificate *cert = CERT_NewTempCertificate(CERT_GetDefaultCertDB(), &der, NULL, PR_FALSE, PR_TRUE);
	if (cert == NULL)
		return diag("responder's CERT does not decode (NSS error %d)", PORT_GetError());
	diag_t d = NULL;
	if (CERT_VerifySignedData(&cert->signatureWrap, ca_cert, PR_Now(), NULL) != SECSuccess)
		d = diag("responder's certificate is not signed by CA '%s' (NSS error %d)", opt.ca,
			 PORT_GetError());
	SECKEYPublicKey *pk = d == NULL ? CERT_ExtractPublicKey(cert) : NULL;
	if (d == NULL && pk == NULL)
		d = diag("responder's certificate: no public key");
	CERT_DestroyCertificate(cert);
	if (d != NULL)
		return d;
	free(peer_der);
	if (peer_key != NULL)
		SECKEY_DestroyPublicKey(peer_key);
	peer_der = dup_bytes(c->u.cert.data.ptr, c->u.cert.data.len);
	peer_der_len = c->u.cert.data.len;
	peer_key = pk;
	st.peer_cert_checks++;
	*key = pk;
	return NULL;
}

static void handle_init_response(struct isa *s, struct ike_message *m, const uint8_t *pkt, size_t len)
{
	const struct ike_payload *n = ike_message_get_notify(m, v2N_COOKIE);
	if (n != NULL) {
		if (n->u.n.data.len < 1 || n->u.n.data.len > sizeof(s->cookie)) {
			sa_fail(s, "bad COOKIE length");
			return;
		}
		if (s->cookie_len > 0 && ++s->tries > opt.tries) {
			sa_fail(s, "responder keeps asking for a COOKIE");
			return;
		}
		memcpy(s->cookie, n->u.n.data.ptr, n->u.n.data.len);
		s->cookie_len = n->u.n.data.len;
		st.cookies++;
		send_init(s);
		return;
	}
	if (ike_message_get_notify(m, v2N_INVALID_KE_PAYLOAD) != NULL) {
		st.invalid++;
		sa_fail(s, "INVALID_KE_PAYLOAD (responder wants another group)");
		return;
	}
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *ke = ike_message_get(m, IKEv2_NP_KE);
	const struct ike_payload *nr = ike_message_get(m, IKEv2_NP_Ni);
	if (sa == NULL || ke == NULL || nr == NULL) {
		for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_N); p != NULL;
		     p = ike_message_next(m, p)) {
			if (p->u.n.type < 16384) {
				char why[96];
				snprintf(why, sizeof(why), "IKE_SA_INIT answered with %s",
					 ike_notify_name(p->u.n.type) ? ike_notify_name(p->u.n.type) : "an error");
				sa_fail(s, why);
				return;
			}
		}
		sa_fail(s, "IKE_SA_INIT response lacks SA, KE or Nr");
		return;
	}
	struct ike_sa_choice choice;
	diag_t d = ike_sa_accept(&offer.sa, &sa->u.sa, false, &choice);
	if (d == NULL && ke->u.ke.group != ke_group)
		d = diag("KE group %u", ke->u.ke.group);
	if (d != NULL) {
		sa_fail(s, diag_str(d));
		diag_free(&d);
		return;
	}
	memcpy(s->rspi, m->hdr.rspi, 8);
	memcpy(s->nr, nr->u.nonce.data.ptr, nr->u.nonce.data.len);
	s->nr_len = nr->u.nonce.data.len;
	free(s->init_r);
	s->init_r = dup_bytes(pkt, len);
	s->init_r_len = len;
	/* keys (RFC 7296 2.14) */
	struct crypto_ke_secret *ks = shared_ke;
	if (opt.fresh_ke) {
		d = crypto_ke_generate(crypto_ke_by_id(ke_group), &ks);
		if (d != NULL)
			die_diag("key generation", d);
	}
	PK11SymKey *gir = NULL, *skeyseed = NULL;
	d = crypto_ke_derive(ks, CRYPTO_CSPAN(ke->u.ke.data.ptr, ke->u.ke.data.len), &gir);
	if (opt.fresh_ke)
		crypto_ke_free(&ks);
	if (d == NULL)
		d = crypto_ike_skeyseed(prf, CRYPTO_CSPAN(s->ni, NONCE_LEN), CRYPTO_CSPAN(s->nr, s->nr_len),
					gir, &skeyseed);
	if (d == NULL)
		d = crypto_ike_keys_derive(prf, skeyseed, CRYPTO_CSPAN(s->ni, NONCE_LEN),
					   CRYPTO_CSPAN(s->nr, s->nr_len), CRYPTO_CSPAN(s->ispi, 8),
					   CRYPTO_CSPAN(s->rspi, 8), encr, key_bits, integ, &s->keys);
	crypto_symkey_free(&gir);
	crypto_symkey_free(&skeyseed);
	if (d != NULL) {
		sa_fail(s, diag_str(d));
		diag_free(&d);
		return;
	}
	/* IKE_AUTH: SK{IDi, [CERT, CERTREQ,] AUTH}, childless */
	uint8_t auth[CRYPTO_MAX_PRF_SIZE];
	uint8_t *sig_auth = NULL;
	size_t sig_auth_len = 0;
	if (my_key == NULL) {
		d = psk_auth(s, true, (struct ike_span){ idi_body, idi_body_len }, auth);
	} else {
		uint8_t maced[CRYPTO_MAX_PRF_SIZE];
		struct crypto_cspan spans[3];
		d = sig_octets(s, true, (struct ike_span){ idi_body, idi_body_len }, maced, spans);
		if (d == NULL)
			d = crypto_auth_sig_sign(my_method, my_alg, my_key, spans, 3, &sig_auth, &sig_auth_len);
	}
	if (d != NULL)
		die_diag("AUTH", d);
	uint8_t buf[PKT_MAX];
	struct ike_builder b;
	ike_builder_init(&b, buf, sizeof(buf));
	struct ike_header h = { .major = 2, .exchange = ISAKMP_v2_IKE_AUTH,
				.flags = IKEv2_FLAG_INITIATOR, .msgid = 1 };
	memcpy(h.ispi, s->ispi, 8);
	memcpy(h.rspi, s->rspi, 8);
	ike_put_header(&b, &h);
	ike_open_sk(&b, crypto_sk_iv_size(s->keys.i2r));
	struct ike_payload p = { .type = IKEv2_NP_IDi, .known = true,
				 .u.id = { .type = idi_body[0],
					   .data = { idi_body + 4, idi_body_len - 4 } } };
	ike_put_payload(&b, &p);
	if (my_key != NULL) {
		p = (struct ike_payload){ .type = IKEv2_NP_CERT, .known = true,
					  .u.cert = { .encoding = IKEv2_CERT_X509_SIGNATURE,
						      .data = { my_cert->derCert.data, my_cert->derCert.len } } };
		ike_put_payload(&b, &p);
		p = (struct ike_payload){ .type = IKEv2_NP_CERTREQ, .known = true,
					  .u.cert = { .encoding = IKEv2_CERT_X509_SIGNATURE,
						      .data = { certreq_hash, sizeof(certreq_hash) } } };
		ike_put_payload(&b, &p);
		p = (struct ike_payload){ .type = IKEv2_NP_AUTH, .known = true,
					  .u.auth = { .method = my_method,
						      .data = { sig_auth, sig_auth_len } } };
	} else {
		p = (struct ike_payload){ .type = IKEv2_NP_AUTH, .known = true,
					  .u.auth = { .method = IKEv2_AUTH_PSK,
						      .data = { auth, prf->out_size } } };
	}
	ike_put_payload(&b, &p);
	free(sig_auth);
	struct ike_sk_spans sp;
	ike_close_sk(&b, crypto_sk_block_size(s->keys.i2r), crypto_sk_icv_size(s->keys.i2r), &sp);
	size_t out_len;
	d = ike_builder_finish(&b, &out_len);
	if (d == NULL)
		d = crypto_sk_encrypt(s->keys.i2r, CRYPTO_CSPAN(sp.aad.ptr, sp.aad.len),
				      CRYPTO_SPAN(sp.iv.ptr, sp.iv.len),
				      CRYPTO_SPAN(sp.ciphertext.ptr, sp.ciphertext.len),
				      CRYPTO_SPAN(sp.icv.ptr, sp.icv.len));
	if (d != NULL)
		die_diag("building IKE_AUTH", d);
	s->state = SA_AUTH_SENT;
	s->tries = 0;
	send_req(s, buf, out_len);
}

static void handle_auth_response(struct isa *s, struct ike_message *m, uint8_t *pkt)
{
	const struct ike_payload *sk = ike_message_get(m, IKEv2_NP_SK);
	if (sk == NULL) {
		sa_fail(s, "IKE_AUTH response without SK");
		return;
	}
	struct ike_sk_spans sp;
	diag_t d = ike_sk_spans(&sk->u.sk, crypto_sk_iv_size(s->keys.r2i),
				crypto_sk_icv_size(s->keys.r2i), &sp);
	uint8_t *text = pkt + (sp.ciphertext.ptr - pkt);
	if (d == NULL)
		d = crypto_sk_decrypt(s->keys.r2i, CRYPTO_CSPAN(sp.aad.ptr, sp.aad.len),
				      CRYPTO_CSPAN(sp.iv.ptr, sp.iv.len),
				      CRYPTO_SPAN(text, sp.ciphertext.len),
				      CRYPTO_CSPAN(sp.icv.ptr, sp.icv.len));
	size_t plen = 0;
	if (d == NULL)
		d = ike_sk_unpad(text, sp.ciphertext.len, &plen);
	struct ike_decode_fail fail;
	if (d == NULL)
		d = ike_message_decode_inner(m, text, plen, sk->u.sk.first_inner, &fail);
	if (d != NULL) {
		sa_fail(s, diag_str(d));
		diag_free(&d);
		return;
	}
	for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_N); p != NULL;
	     p = ike_message_next(m, p)) {
		if (p->u.n.type < 16384) {
			char why[96];
			snprintf(why, sizeof(why), "IKE_AUTH answered with %s",
				 ike_notify_name(p->u.n.type) ? ike_notify_name(p->u.n.type) : "an error");
			sa_fail(s, why);
			return;
		}
	}
	const struct ike_payload *idr = ike_message_get(m, IKEv2_NP_IDr);
	const struct ike_payload *auth = ike_message_get(m, IKEv2_NP_AUTH);
	if (idr == NULL || auth == NULL) {
		sa_fail(s, "IKE_AUTH response lacks IDr or AUTH");
		return;
	}
	if (idr->body.len != idr_expect_len || memcmp(idr->body.ptr, idr_expect, idr_expect_len) != 0) {
		sa_fail(s, "IDr is not the expected FQDN");
		return;
	}
	if (my_key != NULL) {
		SECKEYPublicKey *pk = NULL;
		uint8_t maced[CRYPTO_MAX_PRF_SIZE];
		struct crypto_cspan spans[3];
		d = peer_cert_key(m, &pk);
		if (d == NULL)
			d = sig_octets(s, false, idr->body, maced, spans);
		if (d == NULL)
			d = crypto_auth_sig_verify(auth->u.auth.method, pk, spans, 3,
						   CRYPTO_CSPAN(auth->u.auth.data.ptr, auth->u.auth.data.len),
						   NULL);
		if (d != NULL) {
			sa_fail(s, diag_str(d));
			diag_free(&d);
			return;
		}
		st.established++;
		sa_release(s);
		return;
	}
	uint8_t want[CRYPTO_MAX_PRF_SIZE];
	d = psk_auth(s, false, idr->body, want);
	if (d != NULL)
		die_diag("AUTH", d);
	if (auth->u.auth.method != IKEv2_AUTH_PSK || auth->u.auth.data.len != prf->out_size ||
	    !crypto_memeq(auth->u.auth.data.ptr, want, prf->out_size)) {
		sa_fail(s, "responder's AUTH does not verify");
		return;
	}
	st.established++;
	sa_release(s);
}

static void handle_packet(uint8_t *pkt, size_t len, struct ike_message *m)
{
	struct ike_decode_fail fail;
	diag_t d = ike_message_decode(pkt, len, m, &fail);
	if (d != NULL) {
		fprintf(stderr, "ikeload: undecodable packet: %s\n", diag_str(d));
		diag_free(&d);
		return;
	}
	if (!ike_header_is_response(&m->hdr))
		return;		/* the responders send no requests in this run */
	uint32_t slot = (uint32_t)m->hdr.ispi[4] << 24 | (uint32_t)m->hdr.ispi[5] << 16 |
			(uint32_t)m->hdr.ispi[6] << 8 | m->hdr.ispi[7];
	if (slot >= opt.window)
		return;
	struct isa *s = &sas[slot];
	if (s->state == SA_FREE || memcmp(m->hdr.ispi, s->ispi, 8) != 0)
		return;		/* a late answer to a finished SA */
	if (s->state == SA_INIT_SENT && m->hdr.exchange == ISAKMP_v2_IKE_SA_INIT && m->hdr.msgid == 0)
		handle_init_response(s, m, pkt, len);
	else if (s->state == SA_AUTH_SENT && m->hdr.exchange == ISAKMP_v2_IKE_AUTH && m->hdr.msgid == 1 &&
		 memcmp(m->hdr.rspi, s->rspi, 8) == 0)
		handle_auth_response(s, m, pkt);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ikeload [--local ADDR] [--remote ADDR] [--remote-port P] [--base-port P]\n"
		"               [--ports K] [--window W] [-n N] [--proposal IKE=] [--psk S]\n"
		"               [--id-i FQDN] [--id-r FQDN] [--pid PID] [--timeout S] [--tries T]\n"
		"               [--total-timeout S] [--fresh-ke] [--verbose]\n"
		"               [--nssdb DIR --cert NICK --ca NICK [--sig pss|pkcs1|sha1]]\n");
	exit(2);
}

static size_t fqdn_body(const char *fqdn, uint8_t *out, size_t size)
{
	size_t n = strlen(fqdn);
	if (n + 4 > size || n == 0) {
		fprintf(stderr, "ikeload: bad ID '%s'\n", fqdn);
		exit(2);
	}
	out[0] = IKEv2_ID_FQDN;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, fqdn, n);
	return n + 4;
}

static void setup_cert(void)
{
	char dir[1100];
	snprintf(dir, sizeof(dir), "sql:%s", opt.nssdb);
	if (NSS_Init(dir) != SECSuccess) {
		fprintf(stderr, "ikeload: NSS_Init(%s) failed (NSS error %d)\n", dir, PORT_GetError());
		exit(2);
	}
	my_cert = CERT_FindCertByNickname(CERT_GetDefaultCertDB(), opt.cert);
	ca_cert = CERT_FindCertByNickname(CERT_GetDefaultCertDB(), opt.ca);
	if (my_cert == NULL || ca_cert == NULL) {
		fprintf(stderr, "ikeload: no certificate '%s' in %s\n", my_cert == NULL ? opt.cert : opt.ca, dir);
		exit(2);
	}
	my_key = PK11_FindKeyByAnyCert(my_cert, NULL);
	if (my_key == NULL) {
		fprintf(stderr, "ikeload: no private key for '%s' in %s\n", opt.cert, dir);
		exit(2);
	}
	if (SECKEY_GetPrivateKeyType(my_key) != rsaKey) {
		fprintf(stderr, "ikeload: '%s' is not an RSA key\n", opt.cert);
		exit(2);
	}
	const char *sig = opt.sig != NULL ? opt.sig : "pss";
	if (strcmp(sig, "pss") == 0) {
		my_method = IKEv2_AUTH_DIGSIG;
		my_alg = crypto_sig_alg_find(CRYPTO_SIG_RSA_PSS, IKEv2_HASH_SHA2_256);
	} else if (strcmp(sig, "pkcs1") == 0) {
		my_method = IKEv2_AUTH_DIGSIG;
		my_alg = crypto_sig_alg_find(CRYPTO_SIG_RSA_PKCS1, IKEv2_HASH_SHA2_256);
	} else if (strcmp(sig, "sha1") == 0) {
		my_method = IKEv2_AUTH_RSA;
		my_alg = NULL;
	} else {
		usage();
	}
	/* CERTREQ: SHA-1 of the CA's SubjectPublicKeyInfo (RFC 7296 3.7) */
	SECKEYPublicKey *ca_key = CERT_ExtractPublicKey(ca_cert);
	SECItem *spki = ca_key != NULL ? SECKEY_EncodeDERSubjectPublicKeyInfo(ca_key) : NULL;
	if (ca_key != NULL)
		SECKEY_DestroyPublicKey(ca_key);
	if (spki == NULL || PK11_HashBuf(SEC_OID_SHA1, certreq_hash, spki->data, (PRInt32)spki->len) != SECSuccess) {
		fprintf(stderr, "ikeload: hashing CA '%s' public key failed\n", opt.ca);
		exit(2);
	}
	SECITEM_FreeItem(spki, PR_TRUE);
}

static void setup_crypto(void)
{
	if (opt.cert != NULL) {
		setup_cert();
	} else if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "ikeload: NSS_NoDB_Init failed\n");
		exit(2);
	}
	struct ike_alg_proposals algs;
	diag_t d = ike_alg_proposals_parse(IKEv2_PROTO_IKE, opt.proposal, &algs);
	if (d != NULL)
		die_diag("--proposal", d);
	struct ike_sa_params params = { .spi_size = 0 };
	d = ike_alg_proposals_to_sa(&algs, &params, &offer);
	if (d != NULL)
		die_diag("--proposal", d);
	const struct ike_alg_proposal *p = &algs.p[0];
	if (algs.count != 1 || p->nr_encr != 1 || p->nr_prf != 1 || p->nr_ke != 1 ||
	    p->encr[0].keylen == 0) {
		fprintf(stderr, "ikeload: --proposal must name exactly one cipher with its key size, one PRF, one group\n");
		exit(2);
	}
	encr = crypto_encr_by_id(p->encr[0].id);
	prf = crypto_prf_by_id(p->prf[0]);
	integ = p->nr_integ > 0 ? crypto_integ_by_id(p->integ[0]) : NULL;
	key_bits = crypto_encr_key_bits(encr, p->encr[0].keylen);
	ke_group = p->ke[0];
	d = crypto_ke_generate(crypto_ke_by_id(ke_group), &shared_ke);
	if (d == NULL)
		d = crypto_symkey_from_bytes(CRYPTO_CSPAN(opt.psk, strlen(opt.psk)), &psk_key);
	if (d != NULL)
		die_diag("crypto set-up", d);
	idi_body_len = fqdn_body(opt.id_i, idi_body, sizeof(idi_body));
	idr_expect_len = fqdn_body(opt.id_r, idr_expect, sizeof(idr_expect));
}

static void setup_sockets(void)
{
	memset(&remote_sa, 0, sizeof(remote_sa));
	remote_sa.sin_family = AF_INET;
	remote_sa.sin_port = htons((uint16_t)opt.remote_port);
	if (inet_pton(AF_INET, opt.remote, &remote_sa.sin_addr) != 1)
		usage();
	struct sockaddr_in me = { .sin_family = AF_INET };
	if (inet_pton(AF_INET, opt.local, &me.sin_addr) != 1)
		usage();
	for (unsigned i = 0; i < opt.nr_ports; i++) {
		socks[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (socks[i] < 0) {
			perror("ikeload: socket");
			exit(2);
		}
		int big = 4 << 20;
		setsockopt(socks[i], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		setsockopt(socks[i], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
		me.sin_port = htons((uint16_t)(opt.base_port + i));
		if (bind(socks[i], (struct sockaddr *)&me, sizeof(me)) != 0) {
			fprintf(stderr, "ikeload: bind %s:%u: %s\n", opt.local, opt.base_port + i,
				strerror(errno));
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "local", 1, 0, 'l' }, { "remote", 1, 0, 'r' }, { "remote-port", 1, 0, 'R' },
		{ "base-port", 1, 0, 'b' }, { "ports", 1, 0, 'k' }, { "window", 1, 0, 'w' },
		{ "proposal", 1, 0, 'P' }, { "psk", 1, 0, 's' }, { "id-i", 1, 0, 'i' },
		{ "id-r", 1, 0, 'I' }, { "pid", 1, 0, 'p' }, { "timeout", 1, 0, 't' },
		{ "tries", 1, 0, 'T' }, { "total-timeout", 1, 0, 'O' }, { "fresh-ke", 0, 0, 'f' },
		{ "verbose", 0, 0, 'v' }, { "nssdb", 1, 0, 'D' }, { "cert", 1, 0, 'C' },
		{ "ca", 1, 0, 'A' }, { "sig", 1, 0, 'S' }, { 0, 0, 0, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "n:", lo, NULL)) != -1) {
		switch (c) {
		case 'n': opt.n = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'l': opt.local = optarg; break;
		case 'r': opt.remote = optarg; break;
		case 'R': opt.remote_port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'b': opt.base_port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': opt.nr_ports = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'w': opt.window = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'P': opt.proposal = optarg; break;
		case 's': opt.psk = optarg; break;
		case 'i': opt.id_i = optarg; break;
		case 'I': opt.id_r = optarg; break;
		case 'p': opt.pid = atoi(optarg); break;
		case 't': opt.timeout = atof(optarg); break;
		case 'T': opt.tries = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'O': opt.total_timeout = atof(optarg); break;
		case 'f': opt.fresh_ke = true; break;
		case 'v': opt.verbose = true; break;
		case 'D': opt.nssdb = optarg; break;
		case 'C': opt.cert = optarg; break;
		case 'A': opt.ca = optarg; break;
		case 'S': opt.sig = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || opt.n == 0 || opt.nr_ports == 0 || opt.nr_ports > MAX_PORTS ||
	    opt.window == 0 || opt.window > MAX_WINDOW || opt.base_port + opt.nr_ports > 65536 ||
	    opt.tries > 10 || opt.timeout <= 0 ||
	    (opt.cert != NULL) != (opt.nssdb != NULL) || (opt.cert != NULL) != (opt.ca != NULL) ||
	    (opt.sig != NULL && opt.cert == NULL))
		usage();
	setup_crypto();
	setup_sockets();
	sas = calloc(opt.window, sizeof(*sas));
	struct ike_message *m = malloc(sizeof(*m));
	if (sas == NULL || m == NULL)
		abort();

	double cpu0 = 0, cpu1 = 0, sys0 = 0, sys1 = 0;
	long rss0 = -1, rss1 = -1;
	if (opt.pid > 0 && !proc_usage(opt.pid, &cpu0, &sys0, &rss0)) {
		fprintf(stderr, "ikeload: cannot read /proc/%d\n", opt.pid);
		return 2;
	}
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	double t0 = now(), last_progress = t0;
	struct pollfd pfd[MAX_PORTS];
	for (unsigned i = 0; i < opt.nr_ports; i++)
		pfd[i] = (struct pollfd){ .fd = socks[i], .events = POLLIN };
	uint8_t pkt[PKT_MAX + 1];
	bool timed_out = false;
	while (st.established + st.failed < opt.n) {
		/* fill the window */
		for (unsigned slot = 0; slot < opt.window && st.started < opt.n; slot++)
			if (sas[slot].state == SA_FREE)
				start_sa(&sas[slot], slot);
		int r = poll(pfd, opt.nr_ports, 20);
		if (r < 0 && errno != EINTR) {
			perror("ikeload: poll");
			return 2;
		}
		for (unsigned i = 0; r > 0 && i < opt.nr_ports; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			/* bounded: at most 64 datagrams per socket per round */
			for (int k = 0; k < 64; k++) {
				ssize_t n = recv(socks[i], pkt, sizeof(pkt), 0);
				if (n < 0)
					break;
				if ((size_t)n > PKT_MAX)
					continue;
				handle_packet(pkt, (size_t)n, m);
			}
		}
		double t = now();
		for (unsigned slot = 0; slot < opt.window; slot++) {
			struct isa *s = &sas[slot];
			if (s->state == SA_FREE || t < s->deadline)
				continue;
			if (++s->tries > opt.tries) {
				sa_fail(s, s->state == SA_INIT_SENT ? "no IKE_SA_INIT response"
								    : "no IKE_AUTH response");
				continue;
			}
			st.retransmits++;
			send_req(s, s->req, s->req_len);
		}
		if (t - last_progress >= 5) {
			fprintf(stderr, "ikeload: %u/%u established, %u failed, %.1f s\n",
				st.established, opt.n, st.failed, t - t0);
			last_progress = t;
		}
		if (t - t0 > opt.total_timeout) {
			fprintf(stderr, "ikeload: total timeout %.0f s reached\n", opt.total_timeout);
			timed_out = true;
			break;
		}
	}
	double wall = now() - t0;
	getrusage(RUSAGE_SELF, &ru1);
	/* let the responder finish logging the last exchange */
	usleep(200 * 1000);
	if (opt.pid > 0 && !proc_usage(opt.pid, &cpu1, &sys1, &rss1)) {
		fprintf(stderr, "ikeload: responder pid %d is gone\n", opt.pid);
		return 2;
	}
	double my_cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
			(double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
			(double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
			(double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	unsigned ok = st.established;
	printf("ikeload: n=%u established=%u failed=%u cookies=%u retransmits=%u wall_s=%.3f rate_per_s=%.1f"
	       " initiator_cpu_s=%.2f",
	       opt.n, ok, st.failed, st.cookies, st.retransmits, wall, ok / wall, my_cpu);
	if (my_key != NULL)
		printf(" auth=cert peer_cert_checks=%u", st.peer_cert_checks);
	if (opt.pid > 0)
		printf(" resp_cpu_s=%.2f resp_sys_s=%.2f resp_cpu_ms_per_sa=%.3f resp_rss_kb_before=%ld"
		       " resp_rss_kb_after=%ld resp_rss_b_per_sa=%.0f",
		       cpu1 - cpu0, sys1 - sys0, ok > 0 ? (cpu1 - cpu0) * 1000 / ok : 0.0, rss0, rss1,
		       ok > 0 ? (double)(rss1 - rss0) * 1024 / ok : 0.0);
	printf("\n");
	for (unsigned slot = 0; slot < opt.window; slot++)
		if (sas[slot].state != SA_FREE)
			sa_release(&sas[slot]);
	free(sas);
	free(m);
	crypto_ke_free(&shared_ke);
	crypto_symkey_free(&psk_key);
	if (my_key != NULL) {
		SECKEY_DestroyPrivateKey(my_key);
		CERT_DestroyCertificate(my_cert);
		CERT_DestroyCertificate(ca_cert);
	}
	if (peer_key != NULL)
		SECKEY_DestroyPublicKey(peer_key);
	free(peer_der);
	for (unsigned i = 0; i < opt.nr_ports; i++)
		close(socks[i]);
	NSS_Shutdown();
	return ok == opt.n && !timed_out ? 0 : 1;
}
