/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CREATE_CHILD_SA responder (RFC 7296 1.3): every request gets an answer.
 *
 *   SK{N(REKEY_SA) SA Ni [KEi] TSi TSr}  Child SA rekey: a new Child SA
 *        for the same connection and selectors, installed next to the old
 *        one (make-before-break: the initiator deletes the old one with an
 *        INFORMATIONAL Delete once it has the response)
 *   SK{SA Ni [KEi] TSi TSr}              an additional Child SA
 *   SK{SA Ni KEi}                        IKE SA rekey: not supported yet,
 *                                        answered NO_PROPOSAL_CHOSEN
 *
 * KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (2.17); with PFS (the
 * peer's proposal carries a KE transform we accept: pfs=yes and the group
 * of esp= or of the IKE SA) our KE and g^ir are computed on a worker
 * together with the keymat.
 */
#include <stdlib.h>
#include <string.h>

#include "tern/ctl.h"
#include "conn/add.h"
#include "ikev2/internal.h"

/* a new Child SA's outcome: its `ipsec up` hears RC; a failure also goes
 * to ops->child_failed (an on-demand negotiation is over) */
static void child_new_whack(struct child_sa *child, int rc);

static uint32_t get_spi32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_spi32(uint8_t *p, uint32_t spi)
{
	p[0] = (uint8_t)(spi >> 24);
	p[1] = (uint8_t)(spi >> 16);
	p[2] = (uint8_t)(spi >> 8);
	p[3] = (uint8_t)spi;
}

/* an encrypted response carrying one notification */
void create_child_sa_respond_notify(struct ike_sa *ike, uint32_t msgid, uint16_t type,
				    const void *data, size_t len)
{
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_CREATE_CHILD_SA, true, msgid);
	out_open_sk(o);
	out_notify(o, type, data, len);
	size_t n = 0;
	diag_t d = out_finish(o, &n);
	if (d == NULL)
		ikev2_send_response(ike, o, n, msgid);
	else
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "CREATE_CHILD_SA response");
	free(o);
}

/* our ESP proposals for a CREATE_CHILD_SA: KE transforms included (PFS) */
static diag_t rekey_offer(struct child_sa *child, uint16_t pfs_group)
{
	const struct conn_config *cc = child->conn->config;
	struct ike_alg_proposals algs;
	if (cc != NULL && cc->esp != NULL) {
		diag_t d = ike_alg_proposals_parse(IKEv2_PROTO_ESP, cc->esp, &algs);
		if (d != NULL)
			return d;
	} else {
		ike_alg_proposals_default(IKEv2_PROTO_ESP, &algs);
	}
	uint8_t spi[4];
	put_spi32(spi, child->spi_in);
	enum esn esn = cc != NULL ? cc->esn : ESN_EITHER;
	bool pfs = cc == NULL || cc->pfs;
	struct ike_sa_params params = {
		.spi = spi,
		.spi_size = 4,
		.esn = esn == ESN_YES ? IKE_ESN_YES : esn == ESN_NO ? IKE_ESN_NO : IKE_ESN_EITHER,
		.pfs_group = pfs ? pfs_group : 0,
		.omit_ke = !pfs,
	};
	struct ike_sa_build *b = calloc(1, sizeof(*b));
	if (b == NULL)
		abort();
	diag_t d = ike_alg_proposals_to_sa(&algs, &params, b);
	if (d != NULL) {
		free(b);
		return d;
	}
	free(child->offer);
	child->offer = b;
	return NULL;
}

/*
 * On the NEW Child SA of a rekey: the initiator's while its request is
 * out; the responder's until the old Child SA goes.  The responder
 * installs only the inbound SA with its response: the initiator installs
 * its new inbound SA once the response is in, and until then the kernel
 * (which sends on the newest SA of a reqid) must keep our outbound
 * traffic on the old pair.  The new outbound SA goes in when the old
 * Child SA is deleted (the initiator's Delete, normally).
 */
struct child_rekey {
	unsigned long old_serial;
	bool responder;
	bool failure_told;	/* a new Child SA's failure went to ops->child_failed */
	/* initiator */
	uint8_t ni[IKEV2_NONCE_SIZE];
	struct crypto_ke_secret *ke;	/* PFS: ours */
	uint16_t group;			/* PFS: its group, 0: none */
	/* responder: the keys of the outbound SA still to install, and the
	 * exchange's nonces (a collision, RFC 7296 2.8.1) */
	struct crypto_child_kernel_keys out_keys;
	uint8_t peer_ni[IKE_NONCE_MAX], our_nr[IKE_NONCE_MAX];
	size_t peer_ni_len, our_nr_len;
};

/* ---- KE (PFS) and keymat on a worker ---- */

struct ccs_job {
	struct worker_job w;
	struct ikev2_engine *e;
	unsigned long ike_serial, child_serial, old_serial;	/* old: 0 unless a rekey */
	uint32_t msgid;
	bool exchange_initiator;	/* we sent the CREATE_CHILD_SA request */
	/* in */
	const struct crypto_prf *prf;
	PK11SymKey *sk_d;
	const struct crypto_ke_group *group;	/* NULL: no PFS */
	uint8_t peer_ke[1024];
	size_t peer_ke_len;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	const struct crypto_encr *encr;
	unsigned key_bits;
	const struct crypto_integ *integ;
	/* out */
	struct crypto_ke_secret *ke;
	struct crypto_child_kernel_keys keys;
	diag_t diag;
};

static void ccs_run(struct worker_job *w)
{
	struct ccs_job *j = (struct ccs_job *)w;
	PK11SymKey *g_ir = NULL;
	if (j->group != NULL) {
		if (j->ke == NULL)	/* responder: ours is made now */
			j->diag = crypto_ke_generate(j->group, &j->ke);
		if (j->diag == NULL)
			j->diag = crypto_ke_derive(j->ke, CRYPTO_CSPAN(j->peer_ke, j->peer_ke_len), &g_ir);
		if (j->diag != NULL)
			return;
	}
	j->diag = crypto_child_keymat_export_for_kernel(j->prf, j->sk_d, g_ir,
							 CRYPTO_CSPAN(j->ni, j->ni_len),
							 CRYPTO_CSPAN(j->nr, j->nr_len), j->encr,
							 j->key_bits, j->integ, &j->keys);
	crypto_symkey_free(&g_ir);
}

static void jam_rekeyed(struct jambuf *b, const struct child_sa *child, const struct child_sa *old,
			bool pfs)
{
	const struct ike_sa *ike = child->ike;
	const struct crypto_encr *encr = crypto_encr_by_id(child->choice.id[IKEv2_TRANS_ENCR]);
	const struct conn_config *cc = child->conn->config;
	const char *role = child->rekey != NULL && !child->rekey->responder ? "initiator" : "responder";
	if (old != NULL)
		jam(b, "%s rekeyed Child SA #%lu using #%lu; ", role, old->serial, ike->serial);
	else
		jam(b, "%s established Child SA using #%lu; ", role, ike->serial);
	jam(b, "IPsec %s ", child->transport ? "transport mode" : "tunnel");
	jam_child_ts(b, child);
	jam(b, " {ESP%s=>0x%08x <0x%08x xfrm=", child->esn ? "/ESN" : "", child->spi_out,
	    child->spi_in);
	if (encr != NULL)
		jam_crypto_cipher(b, encr, crypto_encr_key_bits(encr, child->choice.encr_keylen));
	if (child->choice.has[IKEv2_TRANS_INTEG] && child->choice.id[IKEv2_TRANS_INTEG] != 0) {
		jam_char(b, '-');
		jam_str(b, ike_transform_id_name(IKEv2_TRANS_INTEG, child->choice.id[IKEv2_TRANS_INTEG]));
	}
	if (pfs && child->choice.has[IKEv2_TRANS_KE]) {
		const char *g = ike_transform_id_name(IKEv2_TRANS_KE, child->choice.id[IKEv2_TRANS_KE]);
		jam(b, "-%s", g != NULL ? g : "?");
	}
	jam(b, " DPD=%s}", cc != NULL && cc->dpddelay_ms > 0 ? "active" : "passive");
}

static void respond_child(struct ike_sa *ike, struct child_sa *child, struct child_sa *old,
			  uint32_t msgid, const uint8_t *nr, size_t nr_len,
			  const struct crypto_ke_secret *ke)
{
	struct ikev2_out *o = malloc(sizeof(*o));
	struct ike_sa_build *sab = malloc(sizeof(*sab));
	if (o == NULL || sab == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_CREATE_CHILD_SA, true, msgid);
	out_open_sk(o);
	if (child->transport)
		out_notify(o, v2N_USE_TRANSPORT_MODE, NULL, 0);
	uint8_t spi[4];
	put_spi32(spi, child->spi_in);
	ike_sa_choice_to_sa(&child->choice, spi, 4, sab);
	struct ike_payload p = { .type = IKEv2_NP_SA, .known = true, .u.sa = sab->sa };
	ike_put_payload(&o->b, &p);
	p = (struct ike_payload){ .type = IKEv2_NP_Ni, .known = true,
				  .u.nonce.data = { nr, nr_len } };
	ike_put_payload(&o->b, &p);
	if (ke != NULL) {
		struct crypto_cspan pub = crypto_ke_public(ke);
		p = (struct ike_payload){ .type = IKEv2_NP_KE, .known = true,
					  .u.ke = { .group = child->choice.id[IKEv2_TRANS_KE],
						    .data = { pub.ptr, pub.len } } };
		ike_put_payload(&o->b, &p);
	}
	/* TSi: the initiator's side, our remote client */
	ip_selector tsi = child_remote_sel(child), tsr = child_local_sel(child);
	put_ts_payloads(&o->b, &tsi, &tsr);
	size_t len = 0;
	diag_t d = out_finish(o, &len);
	free(sab);
	if (d != NULL) {
		llog_diag(&child->logger, LOG_SEV_ERROR, &d, "CREATE_CHILD_SA response");
		free(o);
		child_sa_delete(child);
		create_child_sa_respond_notify(ike, msgid, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	ikev2_send_response(ike, o, len, msgid);
	free(o);
	child->state = ESTABLISHED_CHILD_SA;
	ike->eng->sas.nr_child_established++;
	LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
		jam_rekeyed(b, child, old, ke != NULL);
	}
}

/* our rekey's new Child SA is keyed (or not): install it, then the old goes */
static struct child_sa *replaced_by(const struct child_sa *old);

static void initiator_finish(struct ike_sa *ike, struct child_sa *child, struct child_sa *old,
			     struct ccs_job *j)
{
	if (j->diag != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "Child SA not installed: %s", diag_str(j->diag));
		child_new_whack(child, CTL_RC_FATAL);
		child_rekey_forget(child);
		send_delete_child(child);
		child_sa_delete(child);
		if (old == NULL)
			child_new_kick(ike);
		return;
	}
	child->state = ESTABLISHED_CHILD_SA;
	ike->eng->sas.nr_child_established++;
	LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
		jam_rekeyed(b, child, old, j->group != NULL);
	}
	child_new_whack(child, CTL_RC_OK);
	child_rekey_forget(child);
	child_rekey_schedule(child, true);
	if (old == NULL) {
		child_new_kick(ike);	/* the next of a leftsubnets= family */
		return;
	}
	/*
	 * Both ends rekeyed OLD at once (RFC 7296 2.8.1): of the two new
	 * Child SAs the one whose exchange had the lowest of the four nonces
	 * is redundant, and its initiator deletes it.
	 */
	struct child_sa *theirs = replaced_by(old);
	bool ours_redundant = false;
	if (theirs != NULL) {
		const struct child_rekey *t = theirs->rekey;
		const uint8_t *low = j->ni;
		size_t low_len = j->ni_len;
		bool low_ours = true;
		const uint8_t *cand[3] = { j->nr, t->peer_ni, t->our_nr };
		size_t cand_len[3] = { j->nr_len, t->peer_ni_len, t->our_nr_len };
		for (int i = 0; i < 3; i++) {
			size_t n = cand_len[i] < low_len ? cand_len[i] : low_len;
			int c = memcmp(cand[i], low, n);
			if (c < 0 || (c == 0 && cand_len[i] < low_len)) {
				low = cand[i];
				low_len = cand_len[i];
				low_ours = i == 0;
			}
		}
		ours_redundant = low_ours;
		llog(&child->logger, LOG_SEV_INFO, "simultaneous rekey of Child SA #%lu with the peer's #%lu: %s",
		     old->serial, theirs->serial,
		     ours_redundant ? "ours has the lowest nonce, deleting it"
				    : "the peer's has the lowest nonce, the peer deletes it");
	}
	/* make-before-break: the new pair is in; now the old goes */
	struct child_sa *gone[2] = { old, child };
	send_delete_children(ike, gone, ours_redundant ? 2 : 1);
	child_sa_delete(old);
	if (ours_redundant)
		child_sa_delete(child);
}

static void swap_directions(struct crypto_child_kernel_keys *k)
{
	uint8_t t[CRYPTO_MAX_ENCR_KEYMAT > CRYPTO_MAX_INTEG_KEYMAT ? CRYPTO_MAX_ENCR_KEYMAT
								   : CRYPTO_MAX_INTEG_KEYMAT];
	memcpy(t, k->encr_i2r, sizeof(k->encr_i2r));
	memcpy(k->encr_i2r, k->encr_r2i, sizeof(k->encr_i2r));
	memcpy(k->encr_r2i, t, sizeof(k->encr_r2i));
	memcpy(t, k->integ_i2r, sizeof(k->integ_i2r));
	memcpy(k->integ_i2r, k->integ_r2i, sizeof(k->integ_i2r));
	memcpy(k->integ_r2i, t, sizeof(k->integ_r2i));
	crypto_wipe(t, sizeof(t));
}

static void ccs_done(struct worker_job *w, bool cancelled)
{
	struct ccs_job *j = (struct ccs_job *)w;
	struct ikev2_engine *e = j->e;
	e->jobs_in_flight--;
	struct ike_sa *ike = cancelled ? NULL : sa_ike_by_serial(&e->sas, j->ike_serial);
	struct child_sa *child = cancelled ? NULL : sa_child_by_serial(&e->sas, j->child_serial);
	if (ike != NULL)
		ike->busy = false;
	if (ike != NULL && child != NULL && child->ike == ike) {
		struct child_sa *old = j->old_serial != 0 ? sa_child_by_serial(&e->sas, j->old_serial) : NULL;
		/* child_install() takes the i2r keys by the IKE SA's roles; the
		 * keymat's roles are this exchange's */
		if (j->exchange_initiator != ike->initiator)
			swap_directions(&j->keys);
		if (j->diag == NULL && !j->exchange_initiator && old != NULL) {
			j->diag = child_install_one(child, &j->keys, true);
			if (j->diag == NULL) {
				child->rekey = calloc(1, sizeof(*child->rekey));
				if (child->rekey == NULL)
					abort();
				child->rekey->responder = true;
				child->rekey->old_serial = old->serial;
				child->rekey->out_keys = j->keys;
				memcpy(child->rekey->peer_ni, j->ni, j->ni_len);
				child->rekey->peer_ni_len = j->ni_len;
				memcpy(child->rekey->our_nr, j->nr, j->nr_len);
				child->rekey->our_nr_len = j->nr_len;
			}
		} else if (j->diag == NULL) {
			j->diag = child_install(child, &j->keys);
		}
		if (j->exchange_initiator)
			initiator_finish(ike, child, old, j);
		else if (j->diag != NULL) {
			llog(&child->logger, LOG_SEV_ERROR, "Child SA not installed; responding with NO_PROPOSAL_CHOSEN: %s",
			     diag_str(j->diag));
			child_sa_delete(child);
			create_child_sa_respond_notify(ike, j->msgid, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
		} else {
			respond_child(ike, child, old, j->msgid, j->nr, j->nr_len, j->ke);
			child_rekey_schedule(child, false);
		}
	}
	diag_free(&j->diag);
	crypto_ke_free(&j->ke);
	crypto_symkey_free(&j->sk_d);
	crypto_child_kernel_keys_wipe(&j->keys);
	crypto_wipe(j, sizeof(*j));
	free(j);
}

/* ---- the request ---- */

/* a Child SA for connection C, not the IKE SA's (a leftsubnets= sibling):
 * C's name in its log lines and C's reqid (each pair its own SAs) */
static void child_set_conn(struct child_sa *child, struct connection *c)
{
	sa_child_set_conn(&child->ike->eng->sas, child, c);
	child->reqid = c->config != NULL && c->config->reqid != 0
		? c->config->reqid : KERNEL_REQID_MIN + (uint32_t)(c->serial & 0xfff) * 4;
}

/*
 * Choose the Child SA's proposal; 0, or the notification to answer with
 * (DATA/DATA_LEN for INVALID_KE_PAYLOAD's group).
 */
static uint16_t choose_child(struct ike_sa *ike, struct child_sa *child, struct child_sa *old,
			     const struct ike_message *m, uint8_t group_data[2])
{
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *tsi = ike_message_get(m, IKEv2_NP_TSi);
	const struct ike_payload *tsr = ike_message_get(m, IKEv2_NP_TSr);
	const struct ike_payload *ke = ike_message_get(m, IKEv2_NP_KE);
	if (old != NULL) {
		sa_child_set_conn(&ike->eng->sas, child, old->conn);	/* maybe not the IKE SA's (leftsubnets=) */
		child->local_ts = old->local_ts;
		child->remote_ts = old->remote_ts;
		child->ts_ipproto = old->ts_ipproto;
		child->ts_local_port = old->ts_local_port;
		child->ts_remote_port = old->ts_remote_port;
		child->transport = old->transport;
		child->reqid = old->reqid;
	} else {
		/* a new Child SA: the connection whose selectors fit (a
		 * sibling of a leftsubnets= family, narrowing=) */
		ip_selector l, r;
		struct connection *c = ts_find_conn(ike, &tsi->u.ts, &tsr->u.ts, &l, &r);
		if (c == NULL) {
			LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
				jam_str(b, "Child SA: traffic selectors ");
				jam_ts_payloads(b, &tsi->u.ts, &tsr->u.ts);
				jam_str(b, " do not match any IKEv2 connection; responding with TS_UNACCEPTABLE");
			}
			return v2N_TS_UNACCEPTABLE;
		}
		child_set_conn(child, c);
		child_set_sel(child, &l, &r);
		child->transport = c->config != NULL && c->config->type == CONN_TYPE_TRANSPORT;
	}
	uint16_t ike_group = ike->choice.has[IKEv2_TRANS_KE] ? ike->choice.id[IKEv2_TRANS_KE] : ike->ke_group;
	diag_t d = rekey_offer(child, ike_group);
	struct ike_sa_choice choice;
	if (d == NULL)
		d = ike_sa_choose(&child->offer->sa, &sa->u.sa, ke != NULL ? ke->u.ke.group : 0, false,
				  &choice);
	if (d == NULL && choice.spi_size != 4)
		d = diag("the chosen ESP proposal has a %u byte SPI", choice.spi_size);
	if (d != NULL) {
		llog(&child->logger, LOG_SEV_INFO, "Child SA: %s; responding with NO_PROPOSAL_CHOSEN",
		     diag_str(d));
		diag_free(&d);
		return v2N_NO_PROPOSAL_CHOSEN;
	}
	bool pfs = choice.has[IKEv2_TRANS_KE] && choice.id[IKEv2_TRANS_KE] != 0;
	if (pfs && (ke == NULL || ke->u.ke.group != choice.id[IKEv2_TRANS_KE])) {
		const char *g = ike_transform_id_name(IKEv2_TRANS_KE, choice.id[IKEv2_TRANS_KE]);
		llog(&child->logger, LOG_SEV_INFO, "Child SA: the initiator's KE payload is %s; responding with INVALID_KE_PAYLOAD (%s)",
		     ke == NULL ? "missing" : "for another group", g != NULL ? g : "?");
		group_data[0] = (uint8_t)(choice.id[IKEv2_TRANS_KE] >> 8);
		group_data[1] = (uint8_t)choice.id[IKEv2_TRANS_KE];
		return v2N_INVALID_KE_PAYLOAD;
	}
	if (!pfs) {
		/* a KE transform of NONE counts as none */
		choice.has[IKEv2_TRANS_KE] = false;
	}
	ip_selector cl = child_local_sel(child), cr = child_remote_sel(child), nl, nr;
	if (old != NULL && ts_fit_request(&tsi->u.ts, &tsr->u.ts, &cl, &cr, true, &nl, &nr) == TS_FIT_NONE) {
		LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
			jam_str(b, "Child SA: the initiator's traffic selectors do not cover ");
			jam_child_ts(b, child);
			jam_str(b, "; responding with TS_UNACCEPTABLE");
		}
		return v2N_TS_UNACCEPTABLE;
	}
	bool transport = ike_message_get_notify(m, v2N_USE_TRANSPORT_MODE) != NULL;
	if (transport != child->transport) {
		llog(&child->logger, LOG_SEV_INFO, "Child SA: the initiator %s transport mode but this end is type=%s; responding with NO_PROPOSAL_CHOSEN",
		     transport ? "wants" : "does not want", child->transport ? "transport" : "tunnel");
		return v2N_NO_PROPOSAL_CHOSEN;
	}
	child->choice = choice;
	child->spi_out = get_spi32(choice.spi);
	child->esn = choice.has[IKEv2_TRANS_ESN] && choice.id[IKEv2_TRANS_ESN] == IKEv2_ESN_YES;
	return 0;
}

void process_create_child_sa_request(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	const struct ike_message *m = rx->m;
	uint32_t msgid = m->hdr.msgid;
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "processing decrypted CREATE_CHILD_SA request containing ");
		jam_inner_payloads(b, m);
	}
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *ni = ike_message_get(m, IKEv2_NP_Ni);
	const struct ike_payload *ke = ike_message_get(m, IKEv2_NP_KE);
	const struct ike_payload *tsi = ike_message_get(m, IKEv2_NP_TSi);
	const struct ike_payload *tsr = ike_message_get(m, IKEv2_NP_TSr);
	if (sa == NULL || ni == NULL || (tsi == NULL) != (tsr == NULL)) {
		llog(&ike->logger, LOG_SEV_INFO, "CREATE_CHILD_SA request without %s; responding with INVALID_SYNTAX",
		     sa == NULL ? "an SA payload" : ni == NULL ? "a nonce" : "both TSi and TSr");
		create_child_sa_respond_notify(ike, msgid, v2N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	if (tsi == NULL) {
		/* SA KE Ni without selectors: rekey the IKE SA */
		ike_rekey_respond(e, ike, rx);
		return;
	}
	/* REKEY_SA names the SA being replaced by the initiator's inbound SPI: our outbound */
	struct child_sa *old = NULL;
	const struct ike_payload *rekey = ike_message_get_notify(m, v2N_REKEY_SA);
	if (rekey != NULL) {
		if (rekey->u.n.protocol != IKEv2_PROTO_ESP || rekey->u.n.spi.len != 4) {
			llog(&ike->logger, LOG_SEV_INFO, "CREATE_CHILD_SA request to rekey a protocol %u SA with a %zu byte SPI; responding with NO_PROPOSAL_CHOSEN",
			     rekey->u.n.protocol, (size_t)rekey->u.n.spi.len);
			create_child_sa_respond_notify(ike, msgid, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
			return;
		}
		uint32_t spi = get_spi32(rekey->u.n.spi.ptr);
		for (old = ike->children; old != NULL; old = old->sibling_next)
			if (old->spi_out == spi && old->state == ESTABLISHED_CHILD_SA)
				break;
		if (old == NULL) {
			/* RFC 7296 2.25: the SA may be gone already */
			llog(&ike->logger, LOG_SEV_INFO, "CREATE_CHILD_SA request to rekey unknown ESP SPI 0x%08x; responding with CHILD_SA_NOT_FOUND",
			     spi);
			create_child_sa_respond_notify(ike, msgid, v2N_CHILD_SA_NOT_FOUND, rekey->u.n.spi.ptr, 4);
			return;
		}
	}
	if (ni->u.nonce.data.len < 16 || ni->u.nonce.data.len > IKE_NONCE_MAX ||
	    (ke != NULL && ke->u.ke.data.len > sizeof(((struct ccs_job *)NULL)->peer_ke))) {
		llog(&ike->logger, LOG_SEV_INFO, "CREATE_CHILD_SA request with a %zu byte nonce%s; responding with INVALID_SYNTAX",
		     (size_t)ni->u.nonce.data.len, ke != NULL ? " or an oversized KE payload" : "");
		create_child_sa_respond_notify(ike, msgid, v2N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	struct child_sa *child = child_sa_new(ike);
	uint8_t group_data[2];
	uint16_t err = choose_child(ike, child, old, m, group_data);
	diag_t d = NULL;
	if (err == 0) {
		d = child_alloc_spi(child);
		if (d != NULL) {
			llog(&child->logger, LOG_SEV_ERROR, "Child SA not installed; responding with NO_PROPOSAL_CHOSEN: %s",
			     diag_str(d));
			diag_free(&d);
			err = v2N_NO_PROPOSAL_CHOSEN;
		}
	}
	const struct crypto_encr *encr = crypto_encr_by_id(child->choice.id[IKEv2_TRANS_ENCR]);
	const struct crypto_integ *integ = NULL;
	if (err == 0 && child->choice.has[IKEv2_TRANS_INTEG] && child->choice.id[IKEv2_TRANS_INTEG] != 0)
		integ = crypto_integ_by_id(child->choice.id[IKEv2_TRANS_INTEG]);
	const struct crypto_ke_group *group = NULL;
	if (err == 0 && child->choice.has[IKEv2_TRANS_KE]) {
		group = crypto_ke_by_id(child->choice.id[IKEv2_TRANS_KE]);
		if (group == NULL || !crypto_ke_supported(group))
			group = NULL, err = v2N_NO_PROPOSAL_CHOSEN;
	}
	if (err == 0 && (encr == NULL || (!encr->aead && integ == NULL)))
		err = v2N_NO_PROPOSAL_CHOSEN;
	if (err != 0) {
		child_sa_delete(child);
		create_child_sa_respond_notify(ike, msgid, err, err == v2N_INVALID_KE_PAYLOAD ? group_data : NULL,
			       err == v2N_INVALID_KE_PAYLOAD ? 2 : 0);
		return;
	}
	struct ccs_job *j = calloc(1, sizeof(*j));
	if (j == NULL)
		abort();
	j->w.run = ccs_run;
	j->w.done = ccs_done;
	j->e = e;
	j->ike_serial = ike->serial;
	j->child_serial = child->serial;
	j->old_serial = old != NULL ? old->serial : 0;
	j->msgid = msgid;
	j->prf = ike->prf;
	j->sk_d = crypto_ike_sk_d(&ike->keys);	/* SK_d may be parked */
	j->group = group;
	if (group != NULL) {
		memcpy(j->peer_ke, ke->u.ke.data.ptr, ke->u.ke.data.len);
		j->peer_ke_len = ke->u.ke.data.len;
	}
	memcpy(j->ni, ni->u.nonce.data.ptr, ni->u.nonce.data.len);
	j->ni_len = ni->u.nonce.data.len;
	j->nr_len = IKEV2_NONCE_SIZE;
	d = crypto_random(CRYPTO_SPAN(j->nr, j->nr_len));
	if (d != NULL) {
		llog_diag(&ike->logger, LOG_SEV_ERROR, &d, "CREATE_CHILD_SA nonce");
		crypto_symkey_free(&j->sk_d);
		free(j);
		child_sa_delete(child);
		create_child_sa_respond_notify(ike, msgid, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	j->encr = encr;
	j->key_bits = crypto_encr_key_bits(encr, child->choice.encr_keylen);
	j->integ = encr->aead ? NULL : integ;
	ike->busy = true;
	e->jobs_in_flight++;
	e->ops->submit(e->ctx, &j->w);
}

/* ---- initiator: Child SA rekey ---- */


static void rekey_timer_cb(void *arg);

/* the responder's new Child SA gets its outbound SA */
static void install_outbound(struct child_sa *child)
{
	diag_t d = child_install_one(child, &child->rekey->out_keys, false);
	if (d != NULL)
		llog_diag(&child->logger, LOG_SEV_ERROR, &d, "installing the outbound ESP SA");
	else
		ldbg(&child->logger, "outbound ESP SA 0x%08x installed", child->spi_out);
	crypto_child_kernel_keys_wipe(&child->rekey->out_keys);
	free(child->rekey);
	child->rekey = NULL;
}

/* the responder's new Child SA that replaced OLD, if any */
static struct child_sa *replaced_by(const struct child_sa *old)
{
	for (struct child_sa *c = old->ike->children; c != NULL; c = c->sibling_next)
		if (c->rekey != NULL && c->rekey->responder && c->rekey->old_serial == old->serial)
			return c;
	return NULL;
}

void child_rekey_forget(struct child_sa *child)
{
	struct ikev2_engine *e = child->ike->eng;
	if (child->rekey_timer != NULL) {
		e->ops->timer_cancel(e->ctx, child->rekey_timer);
		child->rekey_timer = NULL;
	}
	/* make-before-break: the old one goes, its successor's outbound comes */
	struct child_sa *successor = replaced_by(child);
	if (successor != NULL)
		install_outbound(successor);
	if (child->rekey != NULL && child->rekey->responder && child->installed) {
		/* complete, so that removing it removes what is there */
		install_outbound(child);
	}
	if (child->rekey != NULL) {
		crypto_child_kernel_keys_wipe(&child->rekey->out_keys);
		crypto_ke_free(&child->rekey->ke);
		crypto_wipe(child->rekey, sizeof(*child->rekey));
		free(child->rekey);
		child->rekey = NULL;
	}
}

/* the timer's argument is the Child SA: child_rekey_forget() cancels it */
static void rekey_schedule_ms(struct child_sa *child, uint64_t ms)
{
	struct ikev2_engine *e = child->ike->eng;
	if (child->rekey_timer != NULL)
		e->ops->timer_cancel(e->ctx, child->rekey_timer);
	child->rekey_timer = e->ops->timer_start(e->ctx, ms, rekey_timer_cb, child);
}

/*
 * When to rekey: ipsec-lifetime - rekeymargin, less a random part of
 * rekeymargin * rekeyfuzz% (Libreswan's schedule) on the side that
 * negotiated the Child SA as initiator; the responder waits for half the
 * margin only, so that normally the initiator's rekey comes first.
 */
void child_rekey_schedule(struct child_sa *child, bool initiator)
{
	const struct conn_config *cc = child->conn->config;
	if (cc != NULL && !cc->rekey)
		return;
	uint64_t life = cc != NULL ? cc->ipsec_lifetime_ms : 8 * 3600 * 1000ull;
	uint64_t margin = cc != NULL ? cc->rekeymargin_ms : 9 * 60 * 1000ull;
	unsigned fuzz = cc != NULL ? cc->rekeyfuzz_percent : 100;
	uint64_t before = margin;
	if (initiator) {
		uint32_t r = 0;
		diag_t d = crypto_random(CRYPTO_SPAN((uint8_t *)&r, sizeof(r)));
		diag_free(&d);
		uint64_t span = margin * fuzz / 100;
		if (span > 0)
			before += r % (span + 1);
	} else {
		before = margin / 2;
	}
	uint64_t at = life > before ? life - before : life / 2;
	ldbg(&child->logger, "rekey of Child SA #%lu scheduled in %llu ms", child->serial,
	     (unsigned long long)at);
	rekey_schedule_ms(child, at);
}

struct kegen_job {
	struct worker_job w;
	struct ikev2_engine *e;
	unsigned long ike_serial, child_serial;
	const struct crypto_ke_group *group;
	struct crypto_ke_secret *ke;
	diag_t diag;
};

static void send_rekey_request(struct ike_sa *ike, struct child_sa *child, struct child_sa *old)
{
	struct child_rekey *r = child->rekey;
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, ike, ISAKMP_v2_CREATE_CHILD_SA, false, ike->next_msgid);
	out_open_sk(o);
	uint8_t spi[4];
	struct ike_payload p;
	if (old != NULL) {
		put_spi32(spi, old->spi_in);
		p = (struct ike_payload){ .type = IKEv2_NP_N, .known = true,
					  .u.n = { .protocol = IKEv2_PROTO_ESP, .spi_size = 4,
						   .type = v2N_REKEY_SA, .spi = { spi, 4 } } };
		ike_put_payload(&o->b, &p);
	}
	if (child->transport)
		out_notify(o, v2N_USE_TRANSPORT_MODE, NULL, 0);
	p = (struct ike_payload){ .type = IKEv2_NP_SA, .known = true, .u.sa = child->offer->sa };
	ike_put_payload(&o->b, &p);
	p = (struct ike_payload){ .type = IKEv2_NP_Ni, .known = true,
				  .u.nonce.data = { r->ni, sizeof(r->ni) } };
	ike_put_payload(&o->b, &p);
	if (r->ke != NULL) {
		struct crypto_cspan pub = crypto_ke_public(r->ke);
		p = (struct ike_payload){ .type = IKEv2_NP_KE, .known = true,
					  .u.ke = { .group = r->group, .data = { pub.ptr, pub.len } } };
		ike_put_payload(&o->b, &p);
	}
	ip_selector tsi = child_local_sel(child), tsr = child_remote_sel(child);
	put_ts_payloads(&o->b, &tsi, &tsr);
	size_t len = 0;
	diag_t d = out_finish(o, &len);
	if (d != NULL) {
		llog_diag(&child->logger, LOG_SEV_ERROR, &d, "CREATE_CHILD_SA request");
		free(o);
		child_new_whack(child, CTL_RC_INTERNAL_ERROR);
		child_sa_delete(child);
		if (old == NULL)
			child_new_kick(ike);
		return;
	}
	ikev2_send_request(ike, o, len);
	free(o);
	if (old == NULL) {
		llog(&child->logger, LOG_SEV_INFO,
		     "sent CREATE_CHILD_SA request to create Child SA using IKE SA #%lu {ESP <0x%08x}",
		     ike->serial, child->spi_in);
		return;
	}
	/* Libreswan's words; the rest for debugging */
	llog(&child->logger, LOG_SEV_INFO, "sent CREATE_CHILD_SA request to rekey IPsec SA");
	ldbg(&child->logger, "rekeying Child SA #%lu using #%lu {ESP <0x%08x%s}", old->serial,
	     ike->serial, child->spi_in, r->ke != NULL ? " PFS" : "");
}

static void kegen_run(struct worker_job *w)
{
	struct kegen_job *j = (struct kegen_job *)w;
	j->diag = crypto_ke_generate(j->group, &j->ke);
}

static void kegen_done(struct worker_job *w, bool cancelled)
{
	struct kegen_job *j = (struct kegen_job *)w;
	j->e->jobs_in_flight--;
	struct ike_sa *ike = cancelled ? NULL : sa_ike_by_serial(&j->e->sas, j->ike_serial);
	struct child_sa *child = cancelled ? NULL : sa_child_by_serial(&j->e->sas, j->child_serial);
	if (ike != NULL)
		ike->busy = false;
	if (ike != NULL && child != NULL && child->ike == ike && child->rekey != NULL) {
		bool fresh = child->rekey->old_serial == 0;	/* a new Child SA */
		struct child_sa *old = fresh ? NULL : sa_child_by_serial(&j->e->sas, child->rekey->old_serial);
		if (j->diag != NULL || (old == NULL && !fresh) || ike->req.pkt != NULL) {
			if (j->diag != NULL)
				llog(&child->logger, LOG_SEV_ERROR, "cannot %s: %s",
				     fresh ? "create Child SA" : "rekey", diag_str(j->diag));
			child_new_whack(child, CTL_RC_FATAL);
			child_sa_delete(child);
			if (fresh)
				child_new_kick(ike);
		} else {
			child->rekey->ke = j->ke;
			j->ke = NULL;
			send_rekey_request(ike, child, old);
		}
	}
	diag_free(&j->diag);
	crypto_ke_free(&j->ke);
	free(j);
}

/* CHILD's PFS key pair for a CREATE_CHILD_SA request, made on a worker */
static void submit_kegen(struct ike_sa *ike, struct child_sa *child, const struct crypto_ke_group *g)
{
	struct ikev2_engine *e = ike->eng;
	struct kegen_job *j = calloc(1, sizeof(*j));
	if (j == NULL)
		abort();
	j->w.run = kegen_run;
	j->w.done = kegen_done;
	j->e = e;
	j->ike_serial = ike->serial;
	j->child_serial = child->serial;
	j->group = g;
	ike->busy = true;
	e->jobs_in_flight++;
	e->ops->submit(e->ctx, &j->w);
}

/* the first KE transform of our first proposal: the group of our KE payload */
static uint16_t offer_group(const struct child_sa *child)
{
	const struct ike_sa_payload *sa = &child->offer->sa;
	if (sa->nr_proposals == 0)
		return 0;
	const struct ike_proposal *p = &sa->proposals[0];
	for (unsigned i = 0; i < p->nr_transforms; i++)
		if (p->transforms[i].type == IKEv2_TRANS_KE && p->transforms[i].id != 0)
			return p->transforms[i].id;
	return 0;
}

void child_rekey_initiate(struct child_sa *old)
{
	struct ike_sa *ike = old->ike;
	struct ikev2_engine *e = ike->eng;
	if (old->state != ESTABLISHED_CHILD_SA || ike->state != ESTABLISHED_IKE_SA)
		return;
	for (struct child_sa *c = ike->children; c != NULL; c = c->sibling_next)
		if (c->rekey != NULL && !c->rekey->responder && c->rekey->old_serial == old->serial)
			return;		/* on its way */
	if (ike->req.pkt != NULL || ike->busy) {
		/* window 1: try again shortly */
		ldbg(&old->logger, "IKE SA #%lu busy; rekey of Child SA #%lu in 1 s", ike->serial,
		     old->serial);
		rekey_schedule_ms(old, 1000);
		return;
	}
	struct child_sa *successor = replaced_by(old);
	if (successor != NULL) {
		/* the peer rekeyed it but never deleted it */
		llog(&old->logger, LOG_SEV_INFO, "Child SA #%lu was replaced by #%lu; deleting it",
		     old->serial, successor->serial);
		send_delete_child(old);
		child_sa_delete(old);
		return;
	}
	struct child_sa *child = child_sa_new(ike);
	sa_child_set_conn(&e->sas, child, old->conn);	/* a leftsubnets= member rides on a sibling's IKE SA */
	llog(&child->logger, LOG_SEV_INFO, "initiating rekey to replace Child SA #%lu", old->serial);
	child->local_ts = old->local_ts;
	child->remote_ts = old->remote_ts;
	child->ts_ipproto = old->ts_ipproto;
	child->ts_local_port = old->ts_local_port;
	child->ts_remote_port = old->ts_remote_port;
	child->transport = old->transport;
	child->reqid = old->reqid;
	child->rekey = calloc(1, sizeof(*child->rekey));
	if (child->rekey == NULL)
		abort();
	child->rekey->old_serial = old->serial;
	uint16_t ike_group = ike->choice.has[IKEv2_TRANS_KE] ? ike->choice.id[IKEv2_TRANS_KE] : ike->ke_group;
	diag_t d = child_alloc_spi(child);
	if (d == NULL)
		d = rekey_offer(child, ike_group);
	if (d == NULL)
		d = crypto_random(CRYPTO_SPAN(child->rekey->ni, sizeof(child->rekey->ni)));
	const struct crypto_ke_group *g = NULL;
	if (d == NULL && (child->rekey->group = offer_group(child)) != 0) {
		g = crypto_ke_by_id(child->rekey->group);
		if (g == NULL || !crypto_ke_supported(g))
			d = diag("PFS group %u is not supported", child->rekey->group);
	}
	if (d != NULL) {
		llog(&old->logger, LOG_SEV_ERROR, "cannot rekey Child SA #%lu: %s", old->serial,
		     diag_str(d));
		diag_free(&d);
		child_sa_delete(child);
		return;
	}
	if (g == NULL) {
		send_rekey_request(ike, child, old);
		return;
	}
	submit_kegen(ike, child, g);
}

static void rekey_timer_cb(void *arg)
{
	struct child_sa *child = arg;
	child->rekey_timer = NULL;	/* fired: the handle is gone */
	child_rekey_initiate(child);
}

/* the response to our CREATE_CHILD_SA (a Child SA rekey) */
void process_create_child_sa_response(struct ikev2_engine *e, struct ike_sa *ike, struct ikev2_rx *rx)
{
	const struct ike_message *m = rx->m;
	retransmit_stop(ike);
	struct child_sa *child = ike->children;
	while (child != NULL && (child->rekey == NULL || child->rekey->responder))
		child = child->sibling_next;
	if (child == NULL) {
		ike_rekey_response(e, ike, rx);
		return;
	}
	struct child_rekey *r = child->rekey;
	bool fresh = r->old_serial == 0;	/* a new Child SA, not a rekey */
	struct child_sa *old = fresh ? NULL : sa_child_by_serial(&e->sas, r->old_serial);
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *nr = ike_message_get(m, IKEv2_NP_Ni);
	const struct ike_payload *ke = ike_message_get(m, IKEv2_NP_KE);
	const struct ike_payload *tsi = ike_message_get(m, IKEv2_NP_TSi);
	const struct ike_payload *tsr = ike_message_get(m, IKEv2_NP_TSr);
	diag_t d = NULL;
	struct ike_sa_choice choice;
	if (sa == NULL) {
		/* an error notification (NO_PROPOSAL_CHOSEN, TEMPORARY_FAILURE, ...) */
		uint16_t why = ike_message_error_notify(m);
		LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
			jam_str(b, "CREATE_CHILD_SA failed with ");
			if (why != 0)
				jam_ike_notify(b, why);
			else
				jam_str(b, "no SA payload and no error notification");
			if (!fresh)
				jam(b, "; Child SA #%lu stays until it expires", r->old_serial);
		}
		child_new_whack(child, CTL_RC_FATAL);
		child_sa_delete(child);
		if (fresh)
			child_new_kick(ike);
		return;
	}
	if (nr == NULL || tsi == NULL || tsr == NULL)
		d = diag("the response lacks %s", nr == NULL ? "a nonce" : "TSi or TSr");
	if (d == NULL && (nr->u.nonce.data.len < 16 || nr->u.nonce.data.len > IKE_NONCE_MAX))
		d = diag("the responder's nonce has %zu bytes", (size_t)nr->u.nonce.data.len);
	if (d == NULL)
		d = ike_sa_accept(&child->offer->sa, &sa->u.sa, false, &choice);
	if (d == NULL && choice.spi_size != 4)
		d = diag("the accepted ESP proposal has a %u byte SPI", choice.spi_size);
	bool pfs = d == NULL && choice.has[IKEv2_TRANS_KE] && choice.id[IKEv2_TRANS_KE] != 0;
	if (d == NULL && pfs && (r->ke == NULL || choice.id[IKEv2_TRANS_KE] != r->group || ke == NULL ||
				 ke->u.ke.group != r->group ||
				 ke->u.ke.data.len > sizeof(((struct ccs_job *)NULL)->peer_ke)))
		d = diag("the responder's KE payload does not match the chosen group");
	if (d == NULL && !pfs)
		choice.has[IKEv2_TRANS_KE] = false;
	ip_selector want_l = child_local_sel(child), want_r = child_remote_sel(child), got_l, got_r;
	enum ts_fit fit = TS_FIT_NONE;
	if (d == NULL) {
		fit = ts_fit_response(&tsi->u.ts, &tsr->u.ts, &want_l, &want_r,
				      fresh && conn_narrowing(child->conn), &got_l, &got_r);
		if (fit == TS_FIT_NONE)
			d = diag(fresh && conn_narrowing(child->conn)
				 ? "the responder's traffic selectors are not inside the ones proposed"
				 : "the responder narrowed the traffic selectors (narrowing=no)");
	}
	if (d == NULL && (ike_message_get_notify(m, v2N_USE_TRANSPORT_MODE) != NULL) != child->transport)
		d = diag("the responder disagrees on transport mode");
	const struct crypto_encr *encr = NULL;
	const struct crypto_integ *integ = NULL;
	if (d == NULL) {
		encr = crypto_encr_by_id(choice.id[IKEv2_TRANS_ENCR]);
		if (choice.has[IKEv2_TRANS_INTEG] && choice.id[IKEv2_TRANS_INTEG] != 0)
			integ = crypto_integ_by_id(choice.id[IKEv2_TRANS_INTEG]);
		if (encr == NULL || (!encr->aead && integ == NULL))
			d = diag("negotiated ESP algorithms are not supported");
	}
	if (d != NULL || (old == NULL && !fresh)) {
		llog(&child->logger, LOG_SEV_ERROR, "CREATE_CHILD_SA response rejected: %s",
		     d != NULL ? diag_str(d) : "the Child SA being rekeyed is gone");
		diag_free(&d);
		if (sa != NULL && choice.spi_size == 4) {
			/* the peer installed it: tell it the new Child SA is gone */
			child->spi_out = get_spi32(choice.spi);
			child_new_whack(child, CTL_RC_FATAL);
			child_rekey_forget(child);
			send_delete_child(child);
		}
		child_new_whack(child, CTL_RC_FATAL);
		child_sa_delete(child);
		if (fresh)
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
	child->spi_out = get_spi32(choice.spi);
	child->esn = choice.has[IKEv2_TRANS_ESN] && choice.id[IKEv2_TRANS_ESN] == IKEv2_ESN_YES;
	struct ccs_job *j = calloc(1, sizeof(*j));
	if (j == NULL)
		abort();
	j->w.run = ccs_run;
	j->w.done = ccs_done;
	j->e = e;
	j->ike_serial = ike->serial;
	j->child_serial = child->serial;
	j->old_serial = old != NULL ? old->serial : 0;
	j->exchange_initiator = true;
	j->prf = ike->prf;
	j->sk_d = crypto_ike_sk_d(&ike->keys);	/* SK_d may be parked */
	if (pfs) {
		j->group = crypto_ke_by_id(r->group);
		j->ke = r->ke;
		r->ke = NULL;
		memcpy(j->peer_ke, ke->u.ke.data.ptr, ke->u.ke.data.len);
		j->peer_ke_len = ke->u.ke.data.len;
	}
	memcpy(j->ni, r->ni, sizeof(r->ni));
	j->ni_len = sizeof(r->ni);
	memcpy(j->nr, nr->u.nonce.data.ptr, nr->u.nonce.data.len);
	j->nr_len = nr->u.nonce.data.len;
	j->encr = encr;
	j->key_bits = crypto_encr_key_bits(encr, choice.encr_keylen);
	j->integ = encr->aead ? NULL : integ;
	ike->busy = true;
	e->jobs_in_flight++;
	e->ops->submit(e->ctx, &j->w);
}

/* ---- initiator: a new Child SA (not a rekey) ---- */

/*
 * The connections waiting for a Child SA over one IKE SA, oldest first
 * (`ipsec up` of a leftsubnets= family: the first pair comes with
 * IKE_AUTH, the others one CREATE_CHILD_SA at a time, window 1).
 * Connections by serial: one deleted meanwhile is skipped.
 */
struct child_pending {
	void *timer;		/* retry while the IKE SA is busy */
	unsigned n;
	unsigned long conn_serial[64];
	struct log_client *client[64];	/* `ipsec up MEMBER` waiting, or NULL */
};

/* a new Child SA's whack client (`ipsec up MEMBER`) gets its result */
static void child_new_whack(struct child_sa *child, int rc)
{
	if (child->rekey == NULL || child->rekey->old_serial != 0 || child->rekey->responder)
		return;
	struct ikev2_engine *e = child->ike->eng;
	if (rc != CTL_RC_OK && !child->rekey->failure_told) {
		child->rekey->failure_told = true;
		if (e->ops->child_failed != NULL)
			e->ops->child_failed(e->ctx, child->conn);
	}
	struct log_client *client = child->logger.client;
	if (client == NULL)
		return;
	child->logger.client = NULL;
	if (e->ops->whack_done != NULL)
		e->ops->whack_done(e->ctx, client, rc);
}

static void child_new_initiate(struct ike_sa *ike, struct connection *c, struct log_client *client)
{
	struct child_sa *child = child_sa_new(ike);
	child_set_conn(child, c);
	child->logger.client = client;
	ip_selector l, r;
	conn_selectors(c, &ike->local.addr, &ike->remote.addr, &l, &r);
	child_set_sel(child, &l, &r);
	child->transport = c->config != NULL && c->config->type == CONN_TYPE_TRANSPORT;
	child->rekey = calloc(1, sizeof(*child->rekey));
	if (child->rekey == NULL)
		abort();
	uint16_t ike_group = ike->choice.has[IKEv2_TRANS_KE] ? ike->choice.id[IKEv2_TRANS_KE] : ike->ke_group;
	diag_t d = child_alloc_spi(child);
	if (d == NULL)
		d = rekey_offer(child, ike_group);
	if (d == NULL)
		d = crypto_random(CRYPTO_SPAN(child->rekey->ni, sizeof(child->rekey->ni)));
	const struct crypto_ke_group *g = NULL;
	if (d == NULL && (child->rekey->group = offer_group(child)) != 0) {
		g = crypto_ke_by_id(child->rekey->group);
		if (g == NULL || !crypto_ke_supported(g))
			d = diag("PFS group %u is not supported", child->rekey->group);
	}
	if (d != NULL) {
		llog(&child->logger, LOG_SEV_ERROR, "cannot create Child SA: %s", diag_str(d));
		diag_free(&d);
		child_new_whack(child, CTL_RC_FATAL);
		child_sa_delete(child);
		child_new_kick(ike);
		return;
	}
	if (g == NULL) {
		send_rekey_request(ike, child, NULL);
		return;
	}
	submit_kegen(ike, child, g);
}

static void kick_timer_cb(void *arg)
{
	struct ike_sa *ike = arg;
	ike->pending->timer = NULL;	/* fired */
	child_new_kick(ike);
}

void child_new_kick(struct ike_sa *ike)
{
	struct child_pending *p = ike->pending;
	if (p == NULL || p->timer != NULL || ike->state != ESTABLISHED_IKE_SA)
		return;
	while (p->n > 0) {
		if (ike->req.pkt != NULL || ike->busy) {
			/* window 1: when the exchange in flight is over */
			p->timer = ike->eng->ops->timer_start(ike->eng->ctx, 200, kick_timer_cb, ike);
			return;
		}
		unsigned long serial = p->conn_serial[0];
		struct log_client *client = p->client[0];
		memmove(&p->conn_serial[0], &p->conn_serial[1], (p->n - 1) * sizeof(p->conn_serial[0]));
		memmove(&p->client[0], &p->client[1], (p->n - 1) * sizeof(p->client[0]));
		p->n--;
		/* the IKE SA's own connection lives as long as the IKE SA */
		struct connection *c = serial == ike->conn->serial ? ike->conn : conn_by_serial(serial);
		if (c == NULL) {
			/* deleted meanwhile */
			if (client != NULL && ike->eng->ops->whack_done != NULL)
				ike->eng->ops->whack_done(ike->eng->ctx, client, CTL_RC_UNKNOWN_NAME);
			continue;
		}
		child_new_initiate(ike, c, client);
		return;
	}
}

void child_new_forget(struct ike_sa *ike)
{
	/* a new Child SA in flight goes with the IKE SA: its whack hears */
	for (struct child_sa *c = ike->children; c != NULL; c = c->sibling_next)
		child_new_whack(c, CTL_RC_FATAL);
	struct child_pending *p = ike->pending;
	if (p == NULL)
		return;
	if (p->timer != NULL)
		ike->eng->ops->timer_cancel(ike->eng->ctx, p->timer);
	for (unsigned i = 0; i < p->n; i++)
		if (p->client[i] != NULL && ike->eng->ops->whack_done != NULL)
			ike->eng->ops->whack_done(ike->eng->ctx, p->client[i], CTL_RC_FATAL);
	free(p);
	ike->pending = NULL;
}

void child_new_move(struct ike_sa *old, struct ike_sa *ike)
{
	struct child_pending *p = old->pending;
	if (p == NULL || old == ike)
		return;
	if (p->timer != NULL)
		old->eng->ops->timer_cancel(old->eng->ctx, p->timer);
	p->timer = NULL;
	old->pending = NULL;
	struct child_pending *q = ike->pending;
	if (q == NULL) {
		ike->pending = q = p;
	} else {
		for (unsigned i = 0; i < p->n; i++) {
			if (q->n == sizeof(q->conn_serial) / sizeof(q->conn_serial[0])) {
				if (p->client[i] != NULL && ike->eng->ops->whack_done != NULL)
					ike->eng->ops->whack_done(ike->eng->ctx, p->client[i], CTL_RC_FATAL);
				continue;
			}
			q->conn_serial[q->n] = p->conn_serial[i];
			q->client[q->n++] = p->client[i];
		}
		free(p);
	}
	if (q->n > 0) {
		ldbg(&ike->logger, "%u Child SA(s) waiting on IKE SA #%lu now wait on #%lu", q->n,
		     old->serial, ike->serial);
		/* once IKE is established (the caller's next step) */
		if (q->timer == NULL)
			q->timer = ike->eng->ops->timer_start(ike->eng->ctx, 0, kick_timer_cb, ike);
	}
}

/* queue C on IKE without starting anything; false when it is there already */
static bool queue_quietly(struct ike_sa *ike, struct connection *c)
{
	struct child_pending *p = ike->pending;
	if (p == NULL) {
		p = ike->pending = calloc(1, sizeof(*p));
		if (p == NULL)
			abort();
	}
	for (unsigned i = 0; i < p->n; i++)
		if (p->conn_serial[i] == c->serial)
			return false;
	if (p->n == sizeof(p->conn_serial) / sizeof(p->conn_serial[0]))
		return false;
	p->client[p->n] = NULL;
	p->conn_serial[p->n++] = c->serial;
	return true;
}

void child_new_family(struct ike_sa *ike)
{
	const struct conn_config *cc = ike->conn->config;
	if (!ike->initiator || ike->rekey_of != 0 || ike->reauth_of != 0 || cc == NULL ||
	    cc->connalias == NULL)
		return;
	size_t n;
	struct connection **v = conn_family(cc->connalias, &n);
	for (size_t i = 0; i < n; i++) {
		struct connection *c = v[i];
		if (c == ike->conn || !conn_oriented(c) || !revival_wanted(c) ||
		    !address_eq(&ike->remote.addr, &conn_that(c)->host) ||
		    sa_child_of_conn(&ike->eng->sas, c) != NULL || sa_ike_of_conn(&ike->eng->sas, c) != NULL)
			continue;
		if (queue_quietly(ike, c))
			llog(&c->logger, LOG_SEV_INFO, "queue Child SA; its IKE SA \"%s\" #%lu of the family is up again",
			     ike->conn->name, ike->serial);
	}
	free(v);
}

/* the IKE SA of C's family (same connalias, same peer) that C can use:
 * the oldest, found through the members' IKE SA lists */
static struct ike_sa *family_ike(struct ikev2_engine *e, const struct connection *c)
{
	const char *alias = c->config != NULL ? c->config->connalias : NULL;
	if (alias == NULL)
		return NULL;
	size_t n;
	struct connection **v = conn_family(alias, &n);
	struct ike_sa *found = NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == c)
			continue;
		for (struct ike_sa *ike = sa_ike_of_conn(&e->sas, v[i]); ike != NULL; ike = ike->conn_next) {
			if (ike->state == IKE_SA_DELETE || !address_eq(&ike->remote.addr, &conn_that(c)->host))
				continue;
			if (found == NULL || ike->serial < found->serial)
				found = ike;
			break;	/* serial order: the first fits is the member's oldest */
		}
	}
	free(v);
	return found;
}

int child_new_queue(struct ikev2_engine *e, struct connection *c, struct log_client *client)
{
	struct ike_sa *ike = family_ike(e, c);
	if (ike == NULL)
		return 0;
	return child_new_queue_on(ike, c, client);
}

int child_new_queue_on(struct ike_sa *ike, struct connection *c, struct log_client *client)
{
	struct logger lg = c->logger;
	lg.client = client;
	for (struct child_sa *ch = ike->children; ch != NULL; ch = ch->sibling_next) {
		if (ch->conn == c) {
			llog(&lg, LOG_SEV_INFO, "Child SA #%lu using IKE SA #%lu is already %s", ch->serial,
			     ike->serial, ch->state == ESTABLISHED_CHILD_SA ? "established" : "being negotiated");
			return 1;
		}
	}
	struct child_pending *p = ike->pending;
	if (p == NULL) {
		p = ike->pending = calloc(1, sizeof(*p));
		if (p == NULL)
			abort();
	}
	for (unsigned i = 0; i < p->n; i++)
		if (p->conn_serial[i] == c->serial)
			return 1;	/* queued already */
	if (p->n == sizeof(p->conn_serial) / sizeof(p->conn_serial[0])) {
		llog(&lg, LOG_SEV_ERROR, "cannot queue Child SA: IKE SA #%lu has %u waiting", ike->serial,
		     p->n);
		return 1;
	}
	p->client[p->n] = client;
	p->conn_serial[p->n++] = c->serial;
	if (ike->state != ESTABLISHED_IKE_SA) {
		LLOG_JAMBUF(&lg, LOG_SEV_INFO, b) {
			jam(b, "queue Child SA; waiting on IKE SA \"%s\" #%lu negotiating with ", ike->conn->name,
			    ike->serial);
			jam_address(b, &ike->remote.addr);
		}
	}
	child_new_kick(ike);	/* may start it now, and use CLIENT */
	return client != NULL ? IKEV2_INITIATE_STARTED : 1;
}
