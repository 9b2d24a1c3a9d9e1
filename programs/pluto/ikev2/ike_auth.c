/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKE_AUTH (RFC 7296 1.2, 2.15) with a pre-shared key or a signature (RSA
 * method 1, ECDSA 9/10/11, RFC 7427 digital signature 14; raw keys or
 * certificates, auth/sigauth.h) and the first Child SA (SA, TSi, TSr,
 * USE_TRANSPORT_MODE); childless (RFC 6023) both ways.  Finding our key,
 * signing and verifying the peer's signature run on the worker pool
 * (struct sig_job); the PSK MAC runs inline.
 */
#include <stdlib.h>
#include <string.h>

#include "tern/crypto_sig.h"
#include "tern/ctl.h"
#include "auth/certs.h"
#include "auth/keys.h"
#include "auth/signer_cache.h"
#include "auth/sigauth.h"
#include "ikev2/internal.h"

#define ID_BODY_MAX (4 + 1024)

/* leftcert= as a certificate, or NULL (*D set when it cannot be found) */
static CERTCertificate *local_cert(const struct ike_sa *ike, diag_t *d)
{
	const struct conn_end *ce = conn_this(ike->conn)->config;
	*d = NULL;
	if (ce == NULL || ce->cert == NULL)
		return NULL;
	CERTCertificate *cert = NULL;
	*d = auth_cert_by_nickname(ce->cert, &cert);
	return cert;
}

/*
 * Our identity as we send and log it: leftid=, the address, or with
 * leftid=%fromcert (or a DN and leftcert=) the certificate's subject.
 * *OUT is owned (id_free()).
 */
static diag_t local_id(const struct ike_sa *ike, struct id *out)
{
	const struct end *this = conn_this(ike->conn);
	if (this->id.kind == ID_FROMCERT) {
		diag_t d = NULL;
		CERTCertificate *cert = local_cert(ike, &d);
		if (d == NULL && cert == NULL)
			d = diag("leftid=%%fromcert needs leftcert=");
		if (d == NULL)
			d = auth_cert_subject_id(cert, out);
		if (cert != NULL)
			CERT_DestroyCertificate(cert);
		return d;
	}
	struct id id;
	ike_local_id(ike, &id);
	*out = id_clone(&id);
	return NULL;
}

/* the ID payload body (type, reserved, data) of our identity */
static diag_t local_id_body(struct ike_sa *ike, uint8_t *body, size_t *len)
{
	struct id id;
	diag_t d = local_id(ike, &id);
	if (d != NULL)
		return d;
	size_t n = 0;
	uint8_t type = 0;
	if (id.kind == ID_DER_ASN1_DN) {
		/* the certificate's own subject octets when it is the subject */
		CERTCertificate *cert = local_cert(ike, &d);
		uint8_t *der = NULL;
		if (d == NULL)
			d = auth_local_dn_der(&id, cert, &der, &n);
		if (cert != NULL)
			CERT_DestroyCertificate(cert);
		if (d == NULL && n > ID_BODY_MAX - 4)
			d = diag("our DN ID is %zu octets (at most %d)", n, ID_BODY_MAX - 4);
		if (d == NULL) {
			memcpy(body + 4, der, n);
			type = ID_DER_ASN1_DN;
		}
		free(der);
	} else {
		d = id_to_payload(&id, &type, body + 4, ID_BODY_MAX - 4, &n);
	}
	id_free(&id);
	if (d != NULL)
		return d;
	body[0] = type;
	body[1] = body[2] = body[3] = 0;
	*len = 4 + n;
	return NULL;
}

static void put_child(struct ikev2_out *o, const struct ike_sa_payload *sa,
		      const ip_selector tsi, const ip_selector tsr, bool transport)
{
	if (transport)
		out_notify(o, v2N_USE_TRANSPORT_MODE, NULL, 0);
	struct ike_payload p = { .type = IKEv2_NP_SA, .known = true, .u.sa = *sa };
	ike_put_payload(&o->b, &p);
	put_ts_payloads(&o->b, &tsi, &tsr);
}

static bool conn_transport(const struct ike_sa *ike)
{
	return ike->conn->config != NULL && ike->conn->config->type == CONN_TYPE_TRANSPORT;
}

/* "SK{IDr,AUTH,SA,TSi,TSr}" */
/* "SK{IDi,AUTH,N(...),...}": the payloads that were inside the SK payload */
void jam_inner_payloads(struct jambuf *b, const struct ike_message *m)
{
	jam_str(b, "SK{");
	const char *sep = "";
	for (unsigned i = 0; i < m->nr_payloads; i++) {
		const struct ike_payload *p = &m->payloads[i];
		if (!p->inner)
			continue;
		jam_str(b, sep);
		sep = ",";
		if (p->type == IKEv2_NP_N) {
			jam_str(b, "N(");
			jam_ike_notify(b, p->u.n.type);
			jam_char(b, ')');
		} else {
			jam_ike_payload(b, p->type);
		}
	}
	jam_char(b, '}');
}

/*
 * STORY is auth_verify_peer_sig()'s "'2048-bit RSASSA-PSS with SHA2_512'
 * digital signature using preloaded certificate '@east'" (or "... using
 * peer certificate 'DN' issued by CA 'DN'"); Libreswan 5 words it
 * "authenticated peer using preloaded certificate '@east' and 2048-bit
 * RSASSA-PSS with SHA2_512 digital signature" and "authenticated peer
 * certificate 'DN' and ... digital signature issued by CA 'DN'".
 */
static void jam_sig_story(struct jambuf *b, const char *story)
{
	const char *q = story[0] == '\'' ? strchr(story + 1, '\'') : NULL;
	const char *using = q != NULL ? strstr(q, " using ") : NULL;
	if (using == NULL) {
		jam(b, " %s", story);
		return;
	}
	int sig_len = (int)(q - story - 1);	/* "2048-bit RSASSA-PSS with SHA2_512" */
	int kind_len = (int)(using - q - 2);	/* "digital signature" */
	const char *what = using + strlen(" using ");
	const char *issued = strstr(what, " issued by CA ");
	if (strncmp(what, "peer certificate ", 17) == 0 && issued != NULL) {
		what += strlen("peer ");	/* "authenticated peer certificate 'DN' and" */
		jam(b, " %.*s and %.*s %.*s%s", (int)(issued - what), what, sig_len, story + 1,
		    kind_len, q + 2, issued);
		return;
	}
	jam(b, " using %s and %.*s %.*s", what, sig_len, story + 1, kind_len, q + 2);
}

/* STORY: NULL for a PSK */
static void jam_auth_peer(struct jambuf *b, const struct ike_sa *ike, const char *story)
{
	jam(b, "%s established IKE SA; authenticated peer", ike->initiator ? "initiator" : "responder");
	if (story != NULL) {
		jam_sig_story(b, story);
		return;
	}
	id_buf ib;
	jam(b, " using authby=secret and %s '%s'", id_kind_name(ike->peer_id.kind),
	    str_id(&ike->peer_id, &ib));
}

/* ---- signatures: policy, signed octets, worker jobs ---- */

static unsigned conn_authby(const struct ike_sa *ike)
{
	return ike->conn->config != NULL ? ike->conn->config->authby : AUTHBY_SECRET;
}

/* the authby= set that applies to END: leftauth=/rightauth= narrow it */
static unsigned end_authby(const struct ike_sa *ike, const struct end *end)
{
	unsigned authby = conn_authby(ike);
	switch (end->config != NULL ? end->config->auth : END_AUTH_UNSET) {
	case END_AUTH_RSASIG:
		return (authby & AUTHBY_RSASIG) != 0 ? authby & AUTHBY_RSASIG : AUTHBY_RSASIG;
	case END_AUTH_ECDSA:
		return AUTHBY_ECDSA;
	case END_AUTH_SECRET:
		return AUTHBY_SECRET;
	default:
		return authby;
	}
}

/* we prove who we are with a signature (else with the PSK) */
static bool local_signs(const struct ike_sa *ike)
{
	unsigned a = end_authby(ike, conn_this(ike->conn));
	return (a & AUTHBY_SECRET) == 0 && (a & (AUTHBY_RSASIG | AUTHBY_ECDSA)) != 0;
}

/* the peer may prove who it is with a signature (so it may need our CERTREQ) */
static bool peer_may_sign(const struct ike_sa *ike)
{
	return (end_authby(ike, conn_that(ike->conn)) & (AUTHBY_RSASIG | AUTHBY_ECDSA)) != 0;
}

static bool is_sig_method(unsigned m)
{
	return m == IKEv2_AUTH_RSA || m == IKEv2_AUTH_DIGSIG || m == IKEv2_AUTH_ECDSA_SHA2_256_P256 ||
	       m == IKEv2_AUTH_ECDSA_SHA2_384_P384 || m == IKEv2_AUTH_ECDSA_SHA2_512_P521;
}

/* the AUTH method in "sent IKE_AUTH request ... with %s and ...", as
 * Libreswan spells IKEv2_AUTH_* in short */
static const char *auth_method_story(unsigned m)
{
	switch (m) {
	case IKEv2_AUTH_PSK: return "shared-key-mac";
	case IKEv2_AUTH_RSA: return "rsa-digital-signature";
	case IKEv2_AUTH_ECDSA_SHA2_256_P256: return "ecdsa-sha2-256-p256";
	case IKEv2_AUTH_ECDSA_SHA2_384_P384: return "ecdsa-sha2-384-p384";
	case IKEv2_AUTH_ECDSA_SHA2_512_P521: return "ecdsa-sha2-512-p521";
	case IKEv2_AUTH_DIGSIG: return "digital-signature";
	default: return "?";
	}
}

static char *sdup(const char *s)
{
	if (s == NULL)
		return NULL;
	char *d = strdup(s);
	if (d == NULL)
		abort();
	return d;
}

/* a private copy of the key settings of an end, for a worker (the
 * connection may be deleted while the job runs); ID is the identity */
static void end_dup(struct conn_end *dst, const struct end *src, const struct id *id)
{
	*dst = (struct conn_end){ .sendcert = SENDCERT_IFASKED };
	dst->id = id_clone(id);
	if (src->config == NULL)
		return;
	dst->cert = sdup(src->config->cert);
	dst->ca = sdup(src->config->ca);
	dst->rsasigkey = sdup(src->config->rsasigkey);
	dst->pubkey = sdup(src->config->pubkey);
	dst->ckaid = sdup(src->config->ckaid);
	dst->sendcert = src->config->sendcert;
	dst->auth = src->config->auth;
}

static void end_dup_free(struct conn_end *e)
{
	id_free(&e->id);
	free(e->cert);
	free(e->ca);
	free(e->rsasigkey);
	free(e->pubkey);
	free(e->ckaid);
}

struct sig_job;
/* on the loop, with the IKE SA (only if it still exists) */
typedef void sig_next_fn(struct ike_sa *ike, struct sig_job *j);

struct sig_job {
	struct worker_job w;
	struct ikev2_engine *e;
	unsigned long serial;
	sig_next_fn *next;
	bool verify;
	/* the signed octets (RFC 7296 2.15): RealMessage, Nonce, MACedID */
	uint8_t *msg;
	size_t msg_len;
	uint8_t nonce[IKE_NONCE_MAX];
	size_t nonce_len;
	uint8_t maced[CRYPTO_MAX_PRF_SIZE];
	size_t maced_len;
	/* sign: our end (leftcert=, leftckaid=, ...), authby=, the peer's hashes */
	struct conn_end local;
	unsigned authby;
	unsigned peer_hashes;
	bool want_chain;
	/* verify: the peer's end (rightid= as expected, raw keys, rightca=) */
	struct conn_end remote;
	struct id peer_id;
	unsigned method;		/* the peer's AUTH method */
	uint8_t *auth_in;
	size_t auth_in_len;
	struct crypto_cspan *certs;	/* into RX */
	size_t n_certs;
	struct ikev2_rx rx;		/* the request or response, kept for NEXT */
	unsigned long child_serial;	/* responder: the Child SA to answer with */
	uint16_t child_error;
	/* out */
	diag_t diag;
	enum ikev2_auth_method out_method;
	const struct crypto_sig_alg *out_alg;
	uint8_t *auth;			/* our AUTH data (malloc) */
	size_t auth_len;
	struct crypto_span *chain;	/* our CERT payloads */
	size_t n_chain;
	char story[1024];
};

/* rightca=: %same is the issuer of our own certificate; %any or unset: any */
static diag_t resolve_ca(const struct conn_end *local, const struct conn_end *remote, char **out)
{
	*out = NULL;
	if (remote->ca == NULL || strcmp(remote->ca, "%any") == 0 || remote->ca[0] == '\0')
		return NULL;
	if (strcmp(remote->ca, "%same") != 0) {
		*out = sdup(remote->ca);
		return NULL;
	}
	if (local->cert == NULL)
		return diag("rightca=%%same needs leftcert=");
	CERTCertificate *cert = NULL;
	diag_t d = auth_cert_by_nickname(local->cert, &cert);
	if (d != NULL)
		return diag_prefix(d, "rightca=%%same");
	JAMBUF(b, 1024);
	jam_dn(&b, &cert->issuer);
	CERT_DestroyCertificate(cert);
	*out = sdup(jambuf_str(&b));
	return NULL;
}

static void sig_run(struct worker_job *w)
{
	struct sig_job *j = (struct sig_job *)w;
	struct crypto_cspan spans[3] = {
		CRYPTO_CSPAN(j->msg, j->msg_len), CRYPTO_CSPAN(j->nonce, j->nonce_len),
		CRYPTO_CSPAN(j->maced, j->maced_len),
	};
	if (j->verify) {
		char *ca = NULL;
		j->diag = j->n_certs > 0 ? resolve_ca(&j->local, &j->remote, &ca) : NULL;
		struct jambuf story = jambuf_init(j->story, sizeof(j->story));
		if (j->diag == NULL)
			j->diag = auth_verify_peer_sig(&j->remote, j->authby, ca, &j->peer_id, j->certs,
						       j->n_certs, j->method,
						       CRYPTO_CSPAN(j->auth_in, j->auth_in_len), spans, 3,
						       PR_Now(), &story);
		free(ca);
		return;
	}
	CERTCertificate *cert = NULL;
	SECKEYPrivateKey *key = NULL;
	/* key and chain found in the NSS db once, not per IKE SA */
	j->diag = auth_signer_get(&j->local, "left", PR_Now(), &cert, &key,
				  j->want_chain ? &j->chain : NULL, &j->n_chain);
	if (j->diag == NULL)
		j->diag = auth_choose_sig(key, j->authby, j->peer_hashes, &j->out_method, &j->out_alg);
	if (j->diag == NULL)
		j->diag = crypto_auth_sig_sign(j->out_method, j->out_alg, key, spans, 3, &j->auth,
					       &j->auth_len);
	if (j->diag == NULL) {
		SECKEYPublicKey *pub = SECKEY_ConvertToPublicKey(key);
		struct jambuf story = jambuf_init(j->story, sizeof(j->story));
		jam_auth_sig(&story, j->out_method, j->out_alg, pub);
		if (pub != NULL)
			SECKEY_DestroyPublicKey(pub);
	}
	if (key != NULL)
		SECKEY_DestroyPrivateKey(key);
	if (cert != NULL)
		CERT_DestroyCertificate(cert);
}

static void sig_job_free(struct sig_job *j)
{
	diag_free(&j->diag);
	free(j->msg);
	free(j->auth_in);
	free(j->auth);
	free(j->certs);
	if (j->chain != NULL)
		auth_cert_chain_free(j->chain, j->n_chain);
	end_dup_free(&j->local);
	end_dup_free(&j->remote);
	id_free(&j->peer_id);
	free(j->rx.m);
	free(j->rx.buf);
	crypto_wipe(j, sizeof(*j));
	free(j);
}

static void sig_done(struct worker_job *w, bool cancelled)
{
	struct sig_job *j = (struct sig_job *)w;
	j->e->jobs_in_flight--;
	struct ike_sa *ike = cancelled ? NULL : sa_ike_by_serial(&j->e->sas, j->serial);
	if (ike != NULL) {
		ike->busy = false;
		j->next(ike, j);
	}
	sig_job_free(j);
}

/*
 * A job with the octets the sender of an AUTH signs: its IKE_SA_INIT
 * message, the other's nonce and MACedID over ID_BODY with the sender's
 * SK_p (OURS: we are the sender).
 */
static struct sig_job *sig_job_new(struct ike_sa *ike, bool ours, struct ike_span id_body,
				   sig_next_fn *next, diag_t *d)
{
	struct sig_job *j = calloc(1, sizeof(*j));
	if (j == NULL)
		abort();
	j->w.run = sig_run;
	j->w.done = sig_done;
	j->e = ike->eng;
	j->serial = ike->serial;
	j->next = next;
	j->verify = !ours;
	bool sender_is_initiator = ours == ike->initiator;
	const uint8_t *msg = sender_is_initiator ? ike->init_i : ike->init_r;
	j->msg_len = sender_is_initiator ? ike->init_i_len : ike->init_r_len;
	j->msg = malloc(j->msg_len == 0 ? 1 : j->msg_len);
	if (j->msg == NULL)
		abort();
	memcpy(j->msg, msg, j->msg_len);
	j->nonce_len = sender_is_initiator ? ike->nr_len : ike->ni_len;
	memcpy(j->nonce, sender_is_initiator ? ike->nr : ike->ni, j->nonce_len);
	PK11SymKey *sk_p = sender_is_initiator ? ike->keys.sk_pi : ike->keys.sk_pr;
	j->maced_len = ike->prf->out_size;
	*d = crypto_maced_id(ike->prf, sk_p, CRYPTO_CSPAN(id_body.ptr, id_body.len), j->maced,
			     j->maced_len);
	struct id local_id, remote_id;
	ike_local_id(ike, &local_id);
	ike_remote_id(ike, &remote_id);
	end_dup(&j->local, conn_this(ike->conn), &local_id);
	end_dup(&j->remote, conn_that(ike->conn), &remote_id);
	j->authby = end_authby(ike, ours ? conn_this(ike->conn) : conn_that(ike->conn));
	j->peer_hashes = ike->peer_hashes;
	return j;
}

static void sig_job_submit(struct ike_sa *ike, struct sig_job *j)
{
	ike->busy = true;
	ike->eng->jobs_in_flight++;
	ike->eng->ops->submit(ike->eng->ctx, &j->w);
}

/* our CERT payloads go out: leftsendcert=always, or sendifasked and asked */
static bool send_cert(const struct ike_sa *ike, bool asked)
{
	const struct conn_end *c = conn_this(ike->conn)->config;
	if (c == NULL || c->cert == NULL)
		return false;
	return c->sendcert == SENDCERT_ALWAYS || (c->sendcert == SENDCERT_IFASKED && asked);
}

static void put_certs(struct ikev2_out *o, const struct sig_job *j)
{
	for (size_t i = 0; i < j->n_chain; i++) {
		struct ike_payload p = { .type = IKEv2_NP_CERT, .known = true,
					 .u.cert = { .encoding = IKEv2_CERT_X509_SIGNATURE,
						     .data = { j->chain[i].ptr, j->chain[i].len } } };
		ike_put_payload(&o->b, &p);
	}
}

/*
 * Verify the peer's signature AUTH in RX (a job keeping RX); NEXT sees
 * j->diag.  The CERT payloads (X.509, in order) come along.
 */
static void submit_verify(struct ike_sa *ike, struct ikev2_rx *rx, const struct ike_payload *id,
			  const struct ike_payload *auth, sig_next_fn *next)
{
	diag_t d = NULL;
	struct sig_job *j = sig_job_new(ike, false, id->body, next, &d);
	j->diag = d;
	j->peer_id = id_clone(&ike->peer_id);
	j->method = auth->u.auth.method;
	j->auth_in_len = auth->u.auth.data.len;
	j->auth_in = malloc(j->auth_in_len == 0 ? 1 : j->auth_in_len);
	if (j->auth_in == NULL)
		abort();
	memcpy(j->auth_in, auth->u.auth.data.ptr, j->auth_in_len);
	const struct ike_message *m = rx->m;
	size_t n = 0;
	for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_CERT); p != NULL;
	     p = ike_message_next(m, p))
		n++;
	j->certs = calloc(n == 0 ? 1 : n, sizeof(*j->certs));
	if (j->certs == NULL)
		abort();
	for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_CERT); p != NULL;
	     p = ike_message_next(m, p))
		if (p->u.cert.encoding == IKEv2_CERT_X509_SIGNATURE)
			j->certs[j->n_certs++] = CRYPTO_CSPAN(p->u.cert.data.ptr, p->u.cert.data.len);
	/* the message stays with the job: NEXT goes on with it */
	j->rx = *rx;
	rx->m = NULL;
	rx->buf = NULL;
	if (j->diag != NULL) {
		/* nothing to verify: straight on */
		j->next(ike, j);
		sig_job_free(j);
		return;
	}
	sig_job_submit(ike, j);
}

/* sign our AUTH over ID_BODY (and find our CERT chain when SEND_CHAIN) */
static void submit_sign(struct ike_sa *ike, const uint8_t *body, size_t body_len, bool send_chain,
			struct ikev2_rx *rx, sig_next_fn *next)
{
	diag_t d = NULL;
	struct sig_job *j = sig_job_new(ike, true, (struct ike_span){ body, body_len }, next, &d);
	j->diag = d;
	j->want_chain = send_chain;
	if (rx != NULL) {
		j->rx = *rx;
		rx->m = NULL;
		rx->buf = NULL;
	}
	if (j->diag != NULL) {
		j->next(ike, j);
		sig_job_free(j);
		return;
	}
	sig_job_submit(ike, j);
}

/* ---- initiator ---- */

static struct child_sa *proposed_child(struct ike_sa *ike);
static void ike_auth_forget(struct ike_sa *ike);

static void fail(struct ike_sa *ike, int rc)
{
	ike_whack_done(ike, rc);
	ike_sa_delete(ike);
}

/* the IKE_AUTH request: IDi, [CERT..], [CERTREQ], AUTH, [Child SA] */
static void send_auth_request(struct ike_sa *ike, const uint8_t *body, size_t body_len,
			      uint8_t method, const uint8_t *auth, size_t auth_len,
			      const struct sig_job *j)
{
	struct child_sa *child = proposed_child(ike);
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_IKE_AUTH, false, ike->next_msgid);
	out_open_sk(o);
	struct ike_payload p = { .type = IKEv2_NP_IDi, .known = true,
				 .u.id = { .type = body[0], .data = { body + 4, body_len - 4 } } };
	ike_put_payload(&o->b, &p);
	if (j != NULL)
		put_certs(o, j);
	/* no IKE SA with this peer yet: stale ones it may keep can go */
	if (initial_contact_wanted(ike))
		out_notify(o, v2N_INITIAL_CONTACT, NULL, 0);
	uint8_t *certreq = NULL;
	size_t certreq_len = 0;
	if (peer_may_sign(ike) && conn_that(ike->conn)->config != NULL) {
		/* ask for the responder's certificate unless its raw key is
		 * configured; decided by how the PEER authenticates, so a PSK
		 * initiator asks a certificate responder too */
		const struct conn_end *r = conn_that(ike->conn)->config;
		bool raw = (r->rsasigkey != NULL && strncmp(r->rsasigkey, "%", 1) != 0) ||
			   r->pubkey != NULL;
		diag_t d = raw ? NULL : auth_certreq_data(&certreq, &certreq_len);
		if (d != NULL) {
			ldbg(&ike->logger, "no CERTREQ: %s", diag_str(d));
			diag_free(&d);
		}
		if (certreq != NULL && certreq_len > 0) {
			p = (struct ike_payload){ .type = IKEv2_NP_CERTREQ, .known = true,
						  .u.cert = { .encoding = IKEv2_CERT_X509_SIGNATURE,
							      .data = { certreq, certreq_len } } };
			ike_put_payload(&o->b, &p);
		}
	}
	p = (struct ike_payload){ .type = IKEv2_NP_AUTH, .known = true,
				  .u.auth = { .method = method, .data = { auth, auth_len } } };
	ike_put_payload(&o->b, &p);
	if (child != NULL)
		put_child(o, &child->offer->sa, child_local_sel(child), child_remote_sel(child),
			  child->transport);
	size_t len = 0;
	diag_t d = out_finish(o, &len);
	free(certreq);
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "IKE_AUTH request");
		free(o);
		fail(ike, CTL_RC_INTERNAL_ERROR);
		return;
	}
	ike_set_state(ike, IKE_AUTH_I);
	ikev2_send_request(ike, o, len);
	free(o);
	struct id id;
	diag_t idd = local_id(ike, &id);
	if (idd != NULL) {
		/* local_id_body() just made it: only a vanished certificate gets here */
		diag_free(&idd);
		struct id addr;
		ike_local_id(ike, &addr);
		id = id_clone(&addr);
	}
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		id_buf ib;
		jam_str(b, "sent IKE_AUTH request to ");
		jam_endpoint_udp(b, &ike->remote);
		jam(b, " with %s and %s '%s'", auth_method_story(method), id_kind_name(id.kind),
		    str_id(&id, &ib));
		if (child != NULL)
			jam(b, "; Child SA #%lu {ESP <0x%08x}", child->serial, child->spi_in);
	}
	id_free(&id);
}

static void cannot_authenticate(struct ike_sa *ike, unsigned authby, diag_t d)
{
	LLOG_JAMBUF(&ike->logger, LOG_SEV_ERROR, b) {
		jam_str(b, "cannot authenticate with authby=");
		jam_authby(b, authby);
		jam(b, ": %s", diag_str(d));
	}
}

static void initiator_signed(struct ike_sa *ike, struct sig_job *j)
{
	if (j->diag != NULL) {
		cannot_authenticate(ike, j->authby, j->diag);
		fail(ike, CTL_RC_NOKEY);
		return;
	}
	uint8_t body[ID_BODY_MAX];
	size_t body_len = 0;
	diag_t d = local_id_body(ike, body, &body_len);
	if (d != NULL) {
		cannot_authenticate(ike, j->authby, d);
		diag_free(&d);
		fail(ike, CTL_RC_NOKEY);
		return;
	}
	send_auth_request(ike, body, body_len, j->out_method, j->auth, j->auth_len, j);
}

void ike_auth_start(struct ike_sa *ike)
{
	struct child_sa *child = NULL;
	ip_selector local, remote;
	conn_selectors(ike->conn, &ike->local.addr, &ike->remote.addr, &local, &remote);
	if (!ike->childless) {
		child = child_sa_new(ike);
		child_set_sel(child, &local, &remote);
		child->transport = conn_transport(ike);
		diag_t d = child_alloc_spi(child);
		if (d == NULL)
			d = child_offer(child, true);
		if (d != NULL) {
			llog(&child->logger, LOG_SEV_ERROR, "cannot propose a Child SA: %s", diag_str(d));
			diag_free(&d);
			child_sa_delete(child);
			child = NULL;
			ike->child_failed = true;
			if (!ike->peer_childless_ok) {
				llog(&ike->logger, LOG_SEV_ERROR,
				     "peer does not support a childless IKE SA (RFC 6023); giving up");
				fail(ike, CTL_RC_FATAL);
				return;
			}
		}
	}
	uint8_t body[ID_BODY_MAX];
	size_t body_len = 0;
	diag_t d = local_id_body(ike, body, &body_len);
	if (d == NULL && local_signs(ike)) {
		/* find the key, sign (and the CERT chain) on a worker */
		submit_sign(ike, body, body_len, send_cert(ike, ike->peer_certreq), NULL,
			    initiator_signed);
		return;
	}
	uint8_t auth[CRYPTO_MAX_PRF_SIZE];
	size_t auth_len = 0;
	if (d == NULL)
		d = ike_psk_auth(ike, true, (struct ike_span){ body, body_len }, auth, &auth_len);
	if (d != NULL) {
		cannot_authenticate(ike, AUTHBY_SECRET, d);
		diag_free(&d);
		fail(ike, CTL_RC_NOKEY);
		return;
	}
	send_auth_request(ike, body, body_len, IKEv2_AUTH_PSK, auth, auth_len, NULL);
}

/*
 * The responder did not prove who it is: tell it (RFC 7296 2.21.2, an
 * INFORMATIONAL with AUTHENTICATION_FAILED, sent once) and give up.
 */
static void reject_responder(struct ike_sa *ike)
{
	send_auth_failed(ike);
	fail(ike, CTL_RC_FATAL);
}

static struct child_sa *proposed_child(struct ike_sa *ike)
{
	for (struct child_sa *c = ike->children; c != NULL; c = c->sibling_next)
		if (c->state == IKE_AUTH_CHILD_I0)
			return c;
	return NULL;
}

static const struct ike_payload *first_error(const struct ike_message *m)
{
	for (const struct ike_payload *p = ike_message_get(m, IKEv2_NP_N); p != NULL;
	     p = ike_message_next(m, p))
		if (p->u.n.type < 16384)
			return p;
	return NULL;
}

static uint32_t spi32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}


static void initiator_child_keys(struct ike_sa *ike, struct child_sa *child,
				 const struct crypto_child_kernel_keys *keys, diag_t *d)
{
	if (*d == NULL)
		*d = child_install(child, keys);
	if (*d != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "Child SA not installed, the IKE SA stays up without it: %s",
		     diag_str(*d));
		send_delete_child(child);
		child_sa_delete(child);
		ike_whack_done(ike, CTL_RC_FATAL);
		child_new_kick(ike);
		return;
	}
	child->state = ESTABLISHED_CHILD_SA;
	free(child->offer);	/* a 41 KB build, only needed to negotiate */
	child->offer = NULL;
	ike->eng->sas.nr_child_established++;
	child_log_established(child);
	ike_whack_done(ike, CTL_RC_OK);
	child_new_kick(ike);	/* the other pairs of a leftsubnets= family */
}

/* the peer's identity from its ID payload (a DN through auth/certs.h) */
static diag_t peer_id_from_payload(const struct ike_id_payload *p, struct id *out)
{
	if (p->type == ID_DER_ASN1_DN) {
		diag_t d = auth_id_from_der_dn(CRYPTO_CSPAN(p->data.ptr, p->data.len), out);
		return d == NULL ? NULL : diag_prefix(d, "ID payload (DN)");
	}
	return id_from_payload(p, out);
}

static void jam_peer_authby(struct jambuf *b, const struct ike_sa *ike, unsigned method)
{
	unsigned authby = end_authby(ike, conn_that(ike->conn));
	jam_str(b, "authby=");
	if (method == IKEv2_AUTH_PSK)
		authby &= AUTHBY_SECRET;
	else
		authby &= ~(unsigned)AUTHBY_SECRET;
	jam_authby(b, authby != 0 ? authby : end_authby(ike, conn_that(ike->conn)));
}

static void initiator_authenticated(struct ike_sa *ike, const struct ike_message *m, const char *story)
{
	diag_t d;
	ike_auth_forget(ike);
	ike_set_state(ike, ESTABLISHED_IKE_SA);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_auth_peer(b, ike, story);
	}
	initial_contact_established(ike, false);	/* uniqueids */
	child_new_family(ike);	/* after a revival: the siblings come back too */
	struct child_sa *child = proposed_child(ike);
	if (child == NULL) {
		ike_whack_done(ike, ike->child_failed ? CTL_RC_FATAL : CTL_RC_OK);
		child_new_kick(ike);
		return;
	}
	const struct ike_payload *err = first_error(m);
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *tsi = ike_message_get(m, IKEv2_NP_TSi);
	const struct ike_payload *tsr = ike_message_get(m, IKEv2_NP_TSr);
	if (err != NULL || sa == NULL || tsi == NULL || tsr == NULL) {
		LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
			jam_str(b, "IKE_AUTH response rejected Child SA with ");
			if (err != NULL)
				jam_ike_notify(b, err->u.n.type);
			else
				jam_str(b, "no SA, TSi or TSr payload");
		}
		child_sa_delete(child);
		ike_whack_done(ike, CTL_RC_FATAL);
		child_new_kick(ike);
		return;
	}
	struct ike_sa_choice choice;
	d = ike_sa_accept(&child->offer->sa, &sa->u.sa, true, &choice);
	if (d == NULL && choice.spi_size != 4)
		d = diag("the accepted ESP proposal has a %u byte SPI", choice.spi_size);
	/* the responder's TS: what we proposed, or (narrowing=yes) inside it */
	ip_selector want_l = child_local_sel(child), want_r = child_remote_sel(child), got_l, got_r;
	enum ts_fit fit = TS_FIT_NONE;
	if (d == NULL) {
		fit = ts_fit_response(&tsi->u.ts, &tsr->u.ts, &want_l, &want_r, conn_narrowing(ike->conn),
				      &got_l, &got_r);
		if (fit == TS_FIT_NONE)
			d = diag(conn_narrowing(ike->conn)
				 ? "the responder's traffic selectors are not inside the ones proposed"
				 : "the responder's traffic selectors are not the ones proposed");
	}
	bool transport = ike_message_get_notify(m, v2N_USE_TRANSPORT_MODE) != NULL;
	if (d == NULL && transport != child->transport)
		d = diag("the responder %s transport mode", transport ? "chose" : "refused");
	if (d != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "IKE_AUTH response Child SA: %s", diag_str(d));
		diag_free(&d);
		/* the peer installed it: tell it the Child SA is gone */
		child->spi_out = choice.spi_size == 4 ? spi32(choice.spi) : 0;
		send_delete_child(child);
		child_sa_delete(child);
		ike_whack_done(ike, CTL_RC_FATAL);
		child_new_kick(ike);
		return;
	}
	if (fit == TS_FIT_NARROWED) {
		LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
			jam_str(b, "the responder narrowed the traffic selectors to ");
			jam_ts_payloads(b, &tsi->u.ts, &tsr->u.ts);
		}
	}
	child_set_sel(child, &got_l, &got_r);
	child->choice = choice;
	child->spi_out = spi32(choice.spi);
	child->esn = choice.has[IKEv2_TRANS_ESN] && choice.id[IKEv2_TRANS_ESN] == IKEv2_ESN_YES;
	child_submit_keymat(child, initiator_child_keys);
}

static void initiator_verified(struct ike_sa *ike, struct sig_job *j)
{
	if (j->diag != NULL) {
		LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
			jam_str(b, "authentication of the responder using ");
			jam_peer_authby(b, ike, j->method);
			jam(b, " failed: %s", diag_str(j->diag));
		}
		reject_responder(ike);
		return;
	}
	initiator_authenticated(ike, j->rx.m, j->story);
}

void process_ike_auth_response(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	(void)e;
	const struct ike_message *m = rx->m;
	if (ike->busy)
		return;		/* a duplicate while the first is being verified */
	retransmit_stop(ike);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "processing IKE_AUTH response from ");
		jam_endpoint_udp(b, &ike->remote);
		jam_str(b, " containing ");
		jam_inner_payloads(b, m);
	}
	const struct ike_payload *idr = ike_message_get(m, IKEv2_NP_IDr);
	const struct ike_payload *auth = ike_message_get(m, IKEv2_NP_AUTH);
	diag_t d = peer_id_from_payload(&idr->u.id, &ike->peer_id);
	if (d != NULL) {
		llog(&ike->logger, LOG_SEV_ERROR, "IKE_AUTH response: %s", diag_str(d));
		diag_free(&d);
		reject_responder(ike);
		return;
	}
	unsigned peer_authby = end_authby(ike, conn_that(ike->conn));
	if (is_sig_method(auth->u.auth.method) &&
	    (peer_authby & (AUTHBY_RSASIG | AUTHBY_ECDSA)) != 0) {
		/* rightid= is checked there too, against the certificate's */
		submit_verify(ike, rx, idr, auth, initiator_verified);
		return;
	}
	struct id want_id;
	ike_remote_id(ike, &want_id);
	const struct id *want = &want_id;
	if (!id_is_wildcard(want) && !id_matches(want, &ike->peer_id)) {
		id_buf a, b;
		llog(&ike->logger, LOG_SEV_ERROR, "peer ID '%s' does not match the expected '%s'",
		     str_id(&ike->peer_id, &a), str_id(want, &b));
		reject_responder(ike);
		return;
	}
	uint8_t expect[CRYPTO_MAX_PRF_SIZE];
	size_t expect_len = 0;
	if (auth->u.auth.method != IKEv2_AUTH_PSK || (peer_authby & AUTHBY_SECRET) == 0) {
		d = diag("peer authenticated with %s, which authby= does not allow",
			 ike_auth_method_name(auth->u.auth.method) != NULL
			 ? ike_auth_method_name(auth->u.auth.method) : "an unknown method");
	} else {
		d = ike_psk_auth(ike, false, idr->body, expect, &expect_len);
	}
	if (d == NULL && (auth->u.auth.data.len != expect_len ||
			  !crypto_memeq(auth->u.auth.data.ptr, expect, expect_len)))
		d = diag("AUTH payload does not match (pre-shared key mismatch?)");
	if (d != NULL) {
		LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
			jam_str(b, "authentication of the responder using ");
			jam_peer_authby(b, ike, auth->u.auth.method);
			jam(b, " failed: %s", diag_str(d));
		}
		diag_free(&d);
		reject_responder(ike);
		return;
	}
	initiator_authenticated(ike, m, NULL);
}

void process_ike_auth_notify(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	(void)e;
	retransmit_stop(ike);
	const struct ike_payload *err = first_error(rx->m);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "IKE SA authentication request rejected by peer: ");
		if (err != NULL)
			jam_ike_notify(b, err->u.n.type);
		else
			jam_str(b, "no IDr or AUTH payload");
	}
	fail(ike, CTL_RC_FATAL);
}

/* ---- responder ---- */

static void respond_error(struct ike_sa *ike, uint32_t msgid, uint16_t type)
{
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_IKE_AUTH, true, msgid);
	out_open_sk(o);
	out_notify(o, type, NULL, 0);
	size_t len = 0;
	diag_t d = out_finish(o, &len);
	if (d == NULL) {
		ikev2_send_response(ike, o, len, msgid);
		LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
			jam_str(b, "responding to IKE_AUTH request with notification ");
			jam_ike_notify(b, type);
		}
	} else {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "IKE_AUTH error response");
	}
	free(o);
}

/* choose and install the Child SA; 0 or the notify to answer with */
static uint16_t responder_child(struct ike_sa *ike, const struct ike_message *m,
				struct child_sa **out)
{
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *tsi = ike_message_get(m, IKEv2_NP_TSi);
	const struct ike_payload *tsr = ike_message_get(m, IKEv2_NP_TSr);
	if (sa == NULL || tsi == NULL || tsr == NULL) {
		llog(&ike->logger, LOG_SEV_INFO, "IKE_AUTH request proposes no Child SA (SA, TSi and TSr are %s)",
		     sa == NULL && tsi == NULL && tsr == NULL ? "absent: childless" : "incomplete");
		return sa == NULL && tsi == NULL && tsr == NULL ? 0 : v2N_INVALID_SYNTAX;
	}
	struct child_sa *child = child_sa_new(ike);
	ip_selector local, remote;
	conn_selectors(ike->conn, &ike->local.addr, &ike->remote.addr, &local, &remote);
	child_set_sel(child, &local, &remote);
	child->transport = conn_transport(ike);
	*out = child;
	diag_t d = child_offer(child, false);
	struct ike_sa_choice choice;
	if (d == NULL)
		d = ike_sa_choose(&child->offer->sa, &sa->u.sa, 0, true, &choice);
	if (d == NULL && choice.spi_size != 4)
		d = diag("the chosen ESP proposal has a %u byte SPI", choice.spi_size);
	if (d != NULL) {
		llog(&child->logger, LOG_SEV_INFO, "Child SA: %s; responding with NO_PROPOSAL_CHOSEN",
		     diag_str(d));
		diag_free(&d);
		return v2N_NO_PROPOSAL_CHOSEN;
	}
	/* TSi is the initiator's side: our remote client; exact, or
	 * narrowed to ours with narrowing=yes (RFC 7296 2.9) */
	ip_selector nl, nr;
	bool narrowing = conn_narrowing(ike->conn);
	enum ts_fit fit = conn_fit_request(ike->conn, &ike->local.addr, &ike->remote.addr, &tsi->u.ts,
					   &tsr->u.ts, &nl, &nr);
	if (fit == TS_FIT_NONE) {
		bool wider = !narrowing && ts_fit_request(&tsi->u.ts, &tsr->u.ts, &local, &remote, true,
							  &nl, &nr) != TS_FIT_NONE;
		LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
			if (wider) {
				jam_str(b, "Child SA: the initiator's traffic selectors ");
				jam_ts_payloads(b, &tsi->u.ts, &tsr->u.ts);
				jam_str(b, " are wider than ");
				jam_child_ts(b, child);
				jam_str(b, " and narrowing=no");
			} else {
				jam_str(b, "Child SA: the initiator's traffic selectors do not cover ");
				jam_child_ts(b, child);
			}
			jam_str(b, "; responding with TS_UNACCEPTABLE");
		}
		return v2N_TS_UNACCEPTABLE;
	}
	if (fit == TS_FIT_NARROWED) {
		child_set_sel(child, &nl, &nr);	/* a %any port took the proposed one */
		LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
			jam_str(b, "narrowing the initiator's traffic selectors ");
			jam_ts_payloads(b, &tsi->u.ts, &tsr->u.ts);
			jam_str(b, " to ");
			jam_child_ts(b, child);
		}
	}
	bool transport = ike_message_get_notify(m, v2N_USE_TRANSPORT_MODE) != NULL;
	if (transport != child->transport) {
		llog(&child->logger, LOG_SEV_INFO, "Child SA: the initiator %s transport mode but this end is type=%s; responding with NO_PROPOSAL_CHOSEN",
		     transport ? "wants" : "does not want", child->transport ? "transport" : "tunnel");
		return v2N_NO_PROPOSAL_CHOSEN;
	}
	child->choice = choice;
	child->spi_out = spi32(choice.spi);
	child->esn = choice.has[IKEv2_TRANS_ESN] && choice.id[IKEv2_TRANS_ESN] == IKEv2_ESN_YES;
	d = child_alloc_spi(child);
	if (d != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "Child SA not installed; responding with NO_PROPOSAL_CHOSEN: %s",
		     diag_str(d));
		diag_free(&d);
		return v2N_NO_PROPOSAL_CHOSEN;
	}
	return 0;
}

/* whether C (same host pair) could carry this IKE SA: its ike= accepts
 * what was negotiated, the peer's ID fits, its subnets are in the TS */
static bool conn_fits(const struct ike_sa *ike, const struct connection *c, const struct ike_message *m)
{
	const struct id *want = &conn_that(c)->id;
	if (!id_is_wildcard(want) && !id_matches(want, &ike->peer_id))
		return false;
	if (c == ike->conn)
		goto ts;
	struct ike_sa_build *ours = NULL, *chosen = malloc(sizeof(*chosen));
	if (chosen == NULL)
		abort();
	ike_sa_choice_to_sa(&ike->choice, NULL, 0, chosen);
	diag_t d = ike_offer(c, &ours);
	struct ike_sa_choice tmp;
	if (d == NULL)
		d = ike_sa_choose(&ours->sa, &chosen->sa, ike->ke_group, false, &tmp);
	free(ours);
	free(chosen);
	if (d != NULL) {
		diag_free(&d);
		return false;
	}
ts:;
	const struct ike_payload *tsi = ike_message_get(m, IKEv2_NP_TSi);
	const struct ike_payload *tsr = ike_message_get(m, IKEv2_NP_TSr);
	if (tsi == NULL || tsr == NULL)
		return true;
	ip_selector nl, nr;
	bool transport = c->config != NULL && c->config->type == CONN_TYPE_TRANSPORT;
	return conn_fit_request(c, &ike->local.addr, &ike->remote.addr, &tsi->u.ts, &tsr->u.ts, &nl, &nr) != TS_FIT_NONE &&
	       transport == (ike_message_get_notify(m, v2N_USE_TRANSPORT_MODE) != NULL);
}

/* IKE_SA_INIT picked a connection by addresses and ike=; the IDs and
 * traffic selectors may point at another one for the same host pair */
static void refine_conn(struct ikev2_engine *e, struct ike_sa *ike, const struct ike_message *m)
{
	if (conn_fits(ike, ike->conn, m))
		return;
	for (struct connection *c = e->ops->find_conn(e->ctx, &ike->local, &ike->remote, NULL);
	     c != NULL; c = e->ops->find_conn(e->ctx, &ike->local, &ike->remote, c)) {
		if (c != ike->conn && conn_fits(ike, c, m)) {
			llog(&ike->logger, LOG_SEV_INFO, "switched to connection \"%s\" (its IDs and subnets fit)",
			     c->name);
			sa_ike_set_conn(&e->sas, ike, c);
			return;
		}
	}
}

/*
 * IKE_AUTH is over: free what only IKE_SA_INIT and IKE_AUTH need (the
 * key-exchange private key, SK_pi/SK_pr, both IKE_SA_INIT messages, our
 * SA payload); SK_d (parked as octets) and SK_e stay for rekeys and
 * protected messages.
 * NSS key objects are the bulk of an IKE SA's memory (docs/benchmarks.md).
 */
static void ike_auth_forget(struct ike_sa *ike)
{
	crypto_ke_free(&ike->ke);
	crypto_symkey_free(&ike->keys.sk_pi);
	crypto_symkey_free(&ike->keys.sk_pr);
	crypto_ike_keys_park(&ike->keys);	/* SK_d as octets until a rekey */
	free(ike->init_i);
	ike->init_i = NULL;
	ike->init_i_len = 0;
	free(ike->init_r);
	ike->init_r = NULL;
	ike->init_r_len = 0;
	free(ike->peer_ke);
	ike->peer_ke = NULL;
	ike->peer_ke_len = 0;
	free(ike->offer);
	ike->offer = NULL;
	crypto_wipe(ike->our_auth, sizeof(ike->our_auth));
	ike->our_auth_len = 0;
}

static void responder_fail(struct ike_sa *ike, uint32_t msgid)
{
	respond_error(ike, msgid, v2N_AUTHENTICATION_FAILED);
	ike_sa_delete(ike);
}

/* the IKE_AUTH response: IDr, [CERT..], AUTH and the Child SA or why not */
static void responder_build(struct ike_sa *ike, struct child_sa *child, uint16_t child_error,
			    uint8_t method, const uint8_t *our_auth, size_t our_auth_len,
			    const struct sig_job *j)
{
	uint32_t msgid = ike->peer_msgid;	/* the request being answered */
	uint8_t body[ID_BODY_MAX];
	size_t body_len = 0;
	diag_t d = local_id_body(ike, body, &body_len);
	struct ikev2_out *o = malloc(sizeof(*o));
	struct ike_sa_build *sab = malloc(sizeof(*sab));
	if (o == NULL || sab == NULL)
		abort();
	if (d == NULL) {
		out_init(o, ike, ISAKMP_v2_IKE_AUTH, true, msgid);
		out_open_sk(o);
		struct ike_payload p = { .type = IKEv2_NP_IDr, .known = true,
					 .u.id = { .type = body[0], .data = { body + 4, body_len - 4 } } };
		ike_put_payload(&o->b, &p);
		if (j != NULL)
			put_certs(o, j);
		p = (struct ike_payload){ .type = IKEv2_NP_AUTH, .known = true,
					  .u.auth = { .method = method, .data = { our_auth, our_auth_len } } };
		ike_put_payload(&o->b, &p);
		if (child_error != 0) {
			out_notify(o, child_error, NULL, 0);
		} else if (child != NULL) {
			uint8_t spi[4] = { (uint8_t)(child->spi_in >> 24), (uint8_t)(child->spi_in >> 16),
					   (uint8_t)(child->spi_in >> 8), (uint8_t)child->spi_in };
			ike_sa_choice_to_sa(&child->choice, spi, 4, sab);
			/* TSi: the initiator's side, our remote client */
			put_child(o, &sab->sa, child_remote_sel(child), child_local_sel(child),
				  child->transport);
		}
	}
	size_t len = 0;
	if (d == NULL)
		d = out_finish(o, &len);
	free(sab);
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "IKE_AUTH response");
		free(o);
		ike_sa_delete(ike);
		return;
	}
	ikev2_send_response(ike, o, len, msgid);
	free(o);
	ike_auth_forget(ike);
	if (child_error != 0 && child != NULL) {
		child_sa_delete(child);
	} else if (child != NULL) {
		child->state = ESTABLISHED_CHILD_SA;
		free(child->offer);	/* a 41 KB build, only needed to negotiate */
		child->offer = NULL;
		ike->eng->sas.nr_child_established++;
		child_log_established(child);
	}
}

static struct child_sa *child_by_serial(struct ike_sa *ike, unsigned long serial)
{
	for (struct child_sa *c = ike->children; c != NULL; c = c->sibling_next)
		if (c->serial == serial)
			return c;
	return NULL;
}

static void responder_signed(struct ike_sa *ike, struct sig_job *j)
{
	if (j->diag != NULL) {
		cannot_authenticate(ike, j->authby, j->diag);
		responder_fail(ike, ike->peer_msgid);
		return;
	}
	struct child_sa *child = j->child_serial != 0 ? child_by_serial(ike, j->child_serial) : NULL;
	responder_build(ike, child, child == NULL && j->child_serial != 0 ? v2N_NO_PROPOSAL_CHOSEN
			: j->child_error, j->out_method, j->auth, j->auth_len, j);
}

static void responder_finish(struct ike_sa *ike, struct child_sa *child, uint16_t child_error)
{
	uint8_t body[ID_BODY_MAX];
	size_t body_len = 0;
	diag_t d = local_id_body(ike, body, &body_len);
	if (d == NULL && local_signs(ike)) {
		/* our signature (and CERT chain) on a worker, then the response */
		diag_t sd = NULL;
		struct sig_job *j = sig_job_new(ike, true, (struct ike_span){ body, body_len },
						responder_signed, &sd);
		j->diag = sd;
		j->want_chain = send_cert(ike, ike->peer_certreq);
		j->child_serial = child != NULL ? child->serial : 0;
		j->child_error = child_error;
		if (j->diag != NULL) {
			responder_signed(ike, j);
			sig_job_free(j);
			return;
		}
		sig_job_submit(ike, j);
		return;
	}
	/* usually computed already, by responder_authenticated() */
	if (d == NULL && ike->our_auth_len == 0) {
		size_t our_auth_len = 0;
		d = ike_psk_auth(ike, true, (struct ike_span){ body, body_len }, ike->our_auth,
				 &our_auth_len);
		ike->our_auth_len = (uint8_t)our_auth_len;
	}
	if (d != NULL) {
		cannot_authenticate(ike, AUTHBY_SECRET, d);
		diag_free(&d);
		responder_fail(ike, ike->peer_msgid);
		return;
	}
	responder_build(ike, child, child_error, IKEv2_AUTH_PSK, ike->our_auth, ike->our_auth_len, NULL);
}

static void responder_child_keys(struct ike_sa *ike, struct child_sa *child,
				 const struct crypto_child_kernel_keys *keys, diag_t *d)
{
	if (*d == NULL)
		*d = child_install(child, keys);
	if (*d != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "Child SA not installed; responding with NO_PROPOSAL_CHOSEN: %s",
		     diag_str(*d));
		responder_finish(ike, child, v2N_NO_PROPOSAL_CHOSEN);
		return;
	}
	responder_finish(ike, child, 0);
}

/* the peer is who it says: go on with its Child SA */
static void responder_authenticated(struct ike_sa *ike, const struct ike_message *m, const char *story)
{
	uint32_t msgid = m->hdr.msgid;
	if (story == NULL) {
		/* our own AUTH must be computable before we call the peer authenticated */
		uint8_t body[ID_BODY_MAX];
		size_t body_len = 0;
		size_t our_auth_len = 0;
		diag_t d = local_id_body(ike, body, &body_len);
		if (d == NULL && !local_signs(ike))
			d = ike_psk_auth(ike, true, (struct ike_span){ body, body_len }, ike->our_auth,
					 &our_auth_len);
		ike->our_auth_len = (uint8_t)our_auth_len;	/* responder_finish() sends it */
		if (d != NULL) {
			cannot_authenticate(ike, AUTHBY_SECRET, d);
			diag_free(&d);
			responder_fail(ike, msgid);
			return;
		}
	}
	ike_set_state(ike, ESTABLISHED_IKE_SA);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_auth_peer(b, ike, story);
	}
	/* the peer's stale SAs go before the new Child SA's policies come */
	initial_contact_established(ike, ike_message_get_notify(m, v2N_INITIAL_CONTACT) != NULL);
	struct child_sa *child = NULL;
	uint16_t child_error = responder_child(ike, m, &child);
	if (child != NULL && child_error == 0) {
		/* the response waits for the keymat (a worker) and the kernel */
		child_submit_keymat(child, responder_child_keys);
		return;
	}
	responder_finish(ike, child, child_error);
}

static void responder_verified(struct ike_sa *ike, struct sig_job *j)
{
	if (j->diag != NULL) {
		LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
			jam_str(b, "authentication of the initiator using ");
			jam_peer_authby(b, ike, j->method);
			jam(b, " failed: %s", diag_str(j->diag));
		}
		responder_fail(ike, j->rx.m->hdr.msgid);
		return;
	}
	responder_authenticated(ike, j->rx.m, j->story);
}

void process_ike_auth_request(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	const struct ike_message *m = rx->m;
	uint32_t msgid = m->hdr.msgid;
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "processing decrypted IKE_AUTH request containing ");
		jam_inner_payloads(b, m);
	}
	const struct ike_payload *idi = ike_message_get(m, IKEv2_NP_IDi);
	const struct ike_payload *auth = ike_message_get(m, IKEv2_NP_AUTH);
	ike->peer_certreq = ike_message_get(m, IKEv2_NP_CERTREQ) != NULL;
	diag_t d = peer_id_from_payload(&idi->u.id, &ike->peer_id);
	if (d == NULL)
		refine_conn(e, ike, m);
	if (d == NULL) {
		struct id want_id;
		ike_remote_id(ike, &want_id);
		const struct id *want = &want_id;
		if (!id_is_wildcard(want) && want->kind != ID_FROMCERT &&
		    !id_matches(want, &ike->peer_id)) {
			id_buf a, b;
			d = diag("peer ID '%s' does not match the connection's '%s'",
				 str_id(&ike->peer_id, &a), str_id(want, &b));
		}
	}
	unsigned peer_authby = end_authby(ike, conn_that(ike->conn));
	if (d == NULL && is_sig_method(auth->u.auth.method) &&
	    (peer_authby & (AUTHBY_RSASIG | AUTHBY_ECDSA)) != 0) {
		submit_verify(ike, rx, idi, auth, responder_verified);
		return;
	}
	uint8_t expect[CRYPTO_MAX_PRF_SIZE];
	size_t expect_len = 0;
	if (d == NULL && (auth->u.auth.method != IKEv2_AUTH_PSK || (peer_authby & AUTHBY_SECRET) == 0))
		d = diag("peer authenticated with %s, which authby= does not allow",
			 ike_auth_method_name(auth->u.auth.method) != NULL
			 ? ike_auth_method_name(auth->u.auth.method) : "an unknown method");
	if (d == NULL)
		d = ike_psk_auth(ike, false, idi->body, expect, &expect_len);
	if (d == NULL && (auth->u.auth.data.len != expect_len ||
			  !crypto_memeq(auth->u.auth.data.ptr, expect, expect_len)))
		d = diag("AUTH payload does not match (pre-shared key mismatch?)");
	if (d != NULL) {
		LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
			jam_str(b, "authentication of the initiator using ");
			jam_peer_authby(b, ike, auth->u.auth.method);
			jam(b, " failed: %s", diag_str(d));
		}
		diag_free(&d);
		responder_fail(ike, msgid);
		return;
	}
	responder_authenticated(ike, m, NULL);
}
