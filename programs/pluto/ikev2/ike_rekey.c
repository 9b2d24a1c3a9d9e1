/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKE SA rekey with CREATE_CHILD_SA (RFC 7296 1.3.2, 2.18), both roles:
 *
 *   request   SK{SA(IKE, SPIi new) Ni KEi}
 *   response  SK{SA(IKE, SPIr new) Nr KEr}
 *
 * SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old prf, then
 * the new IKE SA's keys as in IKE_SA_INIT with the new SPIs.  The Child
 * SAs move to the new IKE SA; the rekey's initiator (the original
 * initiator of the new IKE SA) deletes the old one with an INFORMATIONAL
 * Delete.  Both sides schedule a rekey at ikelifetime - rekeymargin (the
 * IKE_SA_INIT initiator less a random part of rekeymargin * rekeyfuzz%,
 * the responder margin/2 before).
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/internal.h"
#include "ikev2/nat.h"

static diag_t offer_with_spi(const struct connection *c, const uint8_t spi[8],
			     struct ike_sa_build **out)
{
	struct ike_alg_proposals algs;
	const char *ike = c->config != NULL ? c->config->ike : NULL;
	if (ike != NULL) {
		diag_t d = ike_alg_proposals_parse(IKEv2_PROTO_IKE, ike, &algs);
		if (d != NULL)
			return d;
	} else {
		ike_alg_proposals_default(IKEv2_PROTO_IKE, &algs);
	}
	struct ike_sa_build *b = calloc(1, sizeof(*b));
	if (b == NULL)
		abort();
	struct ike_sa_params params = { .spi = spi, .spi_size = spi != NULL ? 8 : 0 };
	diag_t d = ike_alg_proposals_to_sa(&algs, &params, b);
	if (d != NULL) {
		free(b);
		return d;
	}
	*out = b;
	return NULL;
}

static diag_t take_algs(struct ike_sa *ike, const struct ike_sa_choice *c)
{
	const struct crypto_encr *encr = crypto_encr_by_id(c->id[IKEv2_TRANS_ENCR]);
	const struct crypto_prf *prf = crypto_prf_by_id(c->id[IKEv2_TRANS_PRF]);
	const struct crypto_integ *integ = NULL;
	if (c->has[IKEv2_TRANS_INTEG] && c->id[IKEv2_TRANS_INTEG] != IKEv2_INTEG_NONE)
		integ = crypto_integ_by_id(c->id[IKEv2_TRANS_INTEG]);
	if (encr == NULL || !crypto_encr_supported(encr))
		return diag("negotiated cipher %u is not supported", c->id[IKEv2_TRANS_ENCR]);
	if (prf == NULL || !crypto_prf_supported(prf))
		return diag("negotiated PRF %u is not supported", c->id[IKEv2_TRANS_PRF]);
	if (!encr->aead && (integ == NULL || !crypto_integ_supported(integ)))
		return diag("negotiated integrity %u is not supported", c->id[IKEv2_TRANS_INTEG]);
	const struct crypto_ke_group *g = crypto_ke_by_id(c->id[IKEv2_TRANS_KE]);
	if (g == NULL || !crypto_ke_supported(g))
		return diag("negotiated key exchange %u is not supported", c->id[IKEv2_TRANS_KE]);
	ike->choice = *c;
	ike->encr = encr;
	ike->prf = prf;
	ike->integ = encr->aead ? NULL : integ;
	ike->encr_key_bits = crypto_encr_key_bits(encr, c->encr_keylen);
	ike->ke_group = c->id[IKEv2_TRANS_KE];
	return NULL;
}

/* a new IKE SA for OLD's connection and peer; ours is the initiator's SPI when INITIATOR */
static struct ike_sa *new_ike(struct ike_sa *old, bool initiator)
{
	struct ike_sa *ike = ike_sa_new(old->eng, old->conn, initiator, &old->local, &old->remote);
	ike->rekey_of = old->serial;
	ike->peer_id = id_clone(&old->peer_id);
	ike->peer_childless_ok = old->peer_childless_ok;
	ike->nat_local = old->nat_local;
	ike->nat_remote = old->nat_remote;
	nat_keepalive_start(ike);
	return ike;
}

/* the Child SAs of OLD now belong to IKE */
static void move_children(struct ike_sa *old, struct ike_sa *ike)
{
	struct child_sa **tail = &ike->children;
	while (*tail != NULL)
		tail = &(*tail)->sibling_next;
	*tail = old->children;
	old->children = NULL;
	for (struct child_sa *c = ike->children; c != NULL; c = c->sibling_next)
		c->ike = ike;
	child_retired_move(old, ike);
	child_new_move(old, ike);	/* leftsubnets= pairs still waiting */
}

/* ---- the key schedule on a worker ---- */

struct ike_rekey_job {
	struct worker_job w;
	struct ikev2_engine *e;
	unsigned long old_serial, new_serial;
	bool initiator;		/* of the rekey */
	uint32_t msgid;		/* responder: the request */
	const struct crypto_prf *old_prf;
	PK11SymKey *old_sk_d;
	const struct crypto_ke_group *group;
	struct crypto_ke_secret *ke;
	uint8_t peer_ke[1024];
	size_t peer_ke_len;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t ispi[8], rspi[8];
	const struct crypto_prf *prf;
	const struct crypto_encr *encr;
	unsigned key_bits;
	const struct crypto_integ *integ;
	struct crypto_ike_keys keys;
	diag_t diag;
};

static void rekey_run(struct worker_job *w)
{
	struct ike_rekey_job *j = (struct ike_rekey_job *)w;
	if (j->ke == NULL) {
		j->diag = crypto_ke_generate(j->group, &j->ke);
		if (j->diag != NULL)
			return;
	}
	PK11SymKey *gir = NULL, *skeyseed = NULL;
	j->diag = crypto_ke_derive(j->ke, CRYPTO_CSPAN(j->peer_ke, j->peer_ke_len), &gir);
	if (j->diag == NULL)
		j->diag = crypto_ike_skeyseed_rekey(j->old_prf, j->old_sk_d, gir,
						    CRYPTO_CSPAN(j->ni, j->ni_len),
						    CRYPTO_CSPAN(j->nr, j->nr_len), &skeyseed);
	if (j->diag == NULL)
		j->diag = crypto_ike_keys_derive(j->prf, skeyseed, CRYPTO_CSPAN(j->ni, j->ni_len),
						 CRYPTO_CSPAN(j->nr, j->nr_len), CRYPTO_CSPAN(j->ispi, 8),
						 CRYPTO_CSPAN(j->rspi, 8), j->encr, j->key_bits,
						 j->integ, &j->keys);
	crypto_symkey_free(&gir);
	crypto_symkey_free(&skeyseed);
}

static void put_sa_nonce_ke(struct ikev2_out *o, const struct ike_sa_payload *sa, const uint8_t *nonce,
			    size_t nonce_len, uint16_t group, const struct crypto_ke_secret *ke)
{
	struct ike_payload p = { .type = IKEv2_NP_SA, .known = true, .u.sa = *sa };
	ike_put_payload(&o->b, &p);
	p = (struct ike_payload){ .type = IKEv2_NP_Ni, .known = true, .u.nonce.data = { nonce, nonce_len } };
	ike_put_payload(&o->b, &p);
	struct crypto_cspan pub = crypto_ke_public(ke);
	p = (struct ike_payload){ .type = IKEv2_NP_KE, .known = true,
				  .u.ke = { .group = group, .data = { pub.ptr, pub.len } } };
	ike_put_payload(&o->b, &p);
}

static void log_rekeyed(struct ike_sa *ike, struct ike_sa *old)
{
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam(b, "%s rekeyed IKE SA #%lu {", ike->initiator ? "initiator" : "responder", old->serial);
		jam_ike_sa_choice_details(b, &ike->choice);
		jam_char(b, '}');
	}
}

/* -1, 0, 1: nonces compare as big-endian numbers, a shorter one first */
static int nonce_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	if (a_len != b_len)
		return a_len < b_len ? -1 : 1;
	int r = memcmp(a, b, a_len);
	return r < 0 ? -1 : r > 0;
}

bool ike_rekey_lowest_nonce(const uint8_t *a1, size_t a1_len, const uint8_t *a2, size_t a2_len,
			    const uint8_t *b1, size_t b1_len, const uint8_t *b2, size_t b2_len)
{
	const uint8_t *a = a1, *b = b1;
	size_t al = a1_len, bl = b1_len;
	if (nonce_cmp(a2, a2_len, a, al) < 0) {
		a = a2;
		al = a2_len;
	}
	if (nonce_cmp(b2, b2_len, b, bl) < 0) {
		b = b2;
		bl = b2_len;
	}
	return nonce_cmp(a, al, b, bl) < 0;
}

/* the new IKE SA of OLD that the peer's rekey made (we responded), or
 * of ours (INITIATOR); NULL: none */
static struct ike_sa *rekey_successor(struct ike_sa *old, bool initiator)
{
	if (initiator) {
		struct ike_sa *s = old->rekey_new != 0 ? sa_ike_by_serial(&old->eng->sas, old->rekey_new) : NULL;
		return s != NULL && s->rekey_of == old->serial && s->initiator ? s : NULL;
	}
	/* a rekey's new IKE SA is of the old one's connection */
	for (struct ike_sa *s = sa_ike_of_conn(&old->eng->sas, old->conn); s != NULL; s = s->conn_next)
		if (s->rekey_of == old->serial && !s->initiator)
			return s;
	return NULL;
}

/*
 * Both ends rekeyed OLD at once (RFC 7296 2.8.2) and both new IKE SAs are
 * established here: OURS (we initiated) and THEIRS.  The one whose
 * exchange has the lowest of the four nonces is redundant; its creator
 * deletes it, the Child SAs go to the other, and the initiator of the
 * surviving one deletes OLD.  Both ends come to the same verdict.
 */
static void resolve_collision(struct ike_sa *old, struct ike_sa *ours, struct ike_sa *theirs)
{
	bool ours_lowest = ike_rekey_lowest_nonce(ours->ni, ours->ni_len, ours->nr, ours->nr_len,
						   theirs->ni, theirs->ni_len, theirs->nr, theirs->nr_len);
	if (ours_lowest) {
		llog(&ours->logger, LOG_SEV_INFO,
		     "simultaneous rekey of IKE SA #%lu with the peer's #%lu: ours has the lowest nonce, deleting it",
		     old->serial, theirs->serial);
		move_children(ours, theirs);
		old->rekey_new = 0;
		send_delete_ike(ours);
		ike_sa_delete(ours);
		/* the peer deletes OLD */
		return;
	}
	llog(&ours->logger, LOG_SEV_INFO,
	     "simultaneous rekey of IKE SA #%lu with the peer's #%lu: the peer's has the lowest nonce, the peer deletes it",
	     old->serial, theirs->serial);
	move_children(theirs, ours);
	move_children(old, ours);
	send_delete_ike(old);
	ike_sa_delete(old);
}

void ike_rekey_collision_delete(struct ike_sa *ike)
{
	if (ike->rekey_of == 0 || ike->children == NULL)
		return;
	struct ike_sa *old = sa_ike_by_serial(&ike->eng->sas, ike->rekey_of);
	if (old == NULL)
		return;
	struct ike_sa *other = rekey_successor(old, !ike->initiator);
	if (other == NULL || other == ike)
		return;
	ldbg(&ike->logger, "the redundant IKE SA of a rekey collision: its Child SAs move to #%lu",
	     other->serial);
	move_children(ike, other);
}

static void rekey_done(struct worker_job *w, bool cancelled)
{
	struct ike_rekey_job *j = (struct ike_rekey_job *)w;
	struct ikev2_engine *e = j->e;
	e->jobs_in_flight--;
	struct ike_sa *old = cancelled ? NULL : sa_ike_by_serial(&e->sas, j->old_serial);
	struct ike_sa *ike = cancelled ? NULL : sa_ike_by_serial(&e->sas, j->new_serial);
	if (old != NULL)
		old->busy = false;
	if (old != NULL && ike == NULL && !j->initiator)
		create_child_sa_respond_notify(old, j->msgid, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
	if (old != NULL && ike != NULL) {
		if (j->diag != NULL) {
			llog(&old->logger, LOG_SEV_ERROR, "IKE SA rekey failed: %s", diag_str(j->diag));
			if (!j->initiator)
				create_child_sa_respond_notify(old, j->msgid, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
			ike_sa_delete(ike);
		} else if (!j->initiator) {
			/* the response goes out under the old keys first */
			struct ikev2_out *o = malloc(sizeof(*o));
			struct ike_sa_build *sab = malloc(sizeof(*sab));
			if (o == NULL || sab == NULL)
				abort();
			ike_sa_choice_to_sa(&ike->choice, ike->rspi, 8, sab);
			out_init(o, old, ISAKMP_v2_CREATE_CHILD_SA, true, j->msgid);
			out_open_sk(o);
			put_sa_nonce_ke(o, &sab->sa, j->nr, j->nr_len, ike->ke_group, j->ke);
			size_t len = 0;
			diag_t d = out_finish(o, &len);
			free(sab);
			if (d != NULL) {
				llog_diag(&old->logger, LOG_SEV_ERROR, &d, "CREATE_CHILD_SA response");
				create_child_sa_respond_notify(old, j->msgid, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
				ike_sa_delete(ike);
			} else {
				ikev2_send_response(old, o, len, j->msgid);
				ike->keys = j->keys;
				memset(&j->keys, 0, sizeof(j->keys));
				ike->have_keys = true;
				memcpy(ike->ni, j->ni, j->ni_len);
				ike->ni_len = j->ni_len;
				memcpy(ike->nr, j->nr, j->nr_len);
				ike->nr_len = j->nr_len;
				move_children(old, ike);
				ike_set_state(ike, ESTABLISHED_IKE_SA);
				log_rekeyed(ike, old);
				/* our own rekey of OLD finished first: a collision */
				struct ike_sa *ours = rekey_successor(old, true);
				if (ours != NULL && ours->state == ESTABLISHED_IKE_SA)
					resolve_collision(old, ours, ike);
			}
			free(o);
		} else {
			ike->keys = j->keys;
			memset(&j->keys, 0, sizeof(j->keys));
			ike->have_keys = true;
			memcpy(ike->nr, j->nr, j->nr_len);
			ike->nr_len = j->nr_len;
			move_children(old, ike);
			ike_set_state(ike, ESTABLISHED_IKE_SA);
			log_rekeyed(ike, old);
			struct ike_sa *theirs = rekey_successor(old, false);
			if (theirs != NULL && theirs->state == ESTABLISHED_IKE_SA) {
				resolve_collision(old, ike, theirs);
			} else if (theirs != NULL) {
				/* the peer's rekey of OLD is still being answered:
				 * resolved when it is established */
				ldbg(&ike->logger, "the peer is rekeying IKE SA #%lu too (#%lu)", old->serial,
				     theirs->serial);
			} else {
				/* the old IKE SA goes: its Child SAs are ours now */
				send_delete_ike(old);
				ike_sa_delete(old);
			}
		}
	}
	diag_free(&j->diag);
	crypto_ke_free(&j->ke);
	crypto_symkey_free(&j->old_sk_d);
	crypto_ike_keys_free(&j->keys);
	crypto_wipe(j, sizeof(*j));
	free(j);
}

static struct ike_rekey_job *job_new(struct ike_sa *old, struct ike_sa *ike, bool initiator)
{
	struct ike_rekey_job *j = calloc(1, sizeof(*j));
	if (j == NULL)
		abort();
	j->w.run = rekey_run;
	j->w.done = rekey_done;
	j->e = old->eng;
	j->old_serial = old->serial;
	j->new_serial = ike->serial;
	j->initiator = initiator;
	j->old_prf = old->prf;
	j->old_sk_d = crypto_ike_sk_d(&old->keys);	/* SK_d may be parked */
	j->group = crypto_ke_by_id(ike->ke_group);
	memcpy(j->ispi, ike->ispi, 8);
	memcpy(j->rspi, ike->rspi, 8);
	j->prf = ike->prf;
	j->encr = ike->encr;
	j->key_bits = ike->encr_key_bits;
	j->integ = ike->integ;
	return j;
}

static void submit(struct ike_sa *old, struct ike_rekey_job *j)
{
	old->busy = true;
	old->eng->jobs_in_flight++;
	old->eng->ops->submit(old->eng->ctx, &j->w);
}

/* ---- responder ---- */

void ike_rekey_respond(struct ikev2_engine *e, struct ike_sa *old, struct ikev2_rx *rx)
{
	const struct ike_message *m = rx->m;
	uint32_t msgid = m->hdr.msgid;
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *ni = ike_message_get(m, IKEv2_NP_Ni);
	const struct ike_payload *ke = ike_message_get(m, IKEv2_NP_KE);
	(void)e;
	if (ke == NULL || ni->u.nonce.data.len < 16 || ni->u.nonce.data.len > IKE_NONCE_MAX ||
	    ke->u.ke.data.len > sizeof(((struct ike_rekey_job *)NULL)->peer_ke)) {
		llog(&old->logger, LOG_SEV_INFO, "IKE SA rekey request with %s; responding with INVALID_SYNTAX",
		     ke == NULL ? "no KE payload" : "a bad nonce or KE payload");
		create_child_sa_respond_notify(old, msgid, v2N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	struct ike_sa_build *ours = NULL;
	struct ike_sa_choice choice;
	diag_t d = offer_with_spi(old->conn, NULL, &ours);
	if (d == NULL)
		d = ike_sa_choose(&ours->sa, &sa->u.sa, ke->u.ke.group, false, &choice);
	free(ours);
	if (d == NULL && (choice.protocol != IKEv2_PROTO_IKE || choice.spi_size != 8))
		d = diag("the chosen proposal is not for an IKE SA with an 8 byte SPI");
	if (d != NULL) {
		llog(&old->logger, LOG_SEV_INFO, "IKE SA rekey: %s; responding with NO_PROPOSAL_CHOSEN",
		     diag_str(d));
		diag_free(&d);
		create_child_sa_respond_notify(old, msgid, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (choice.id[IKEv2_TRANS_KE] != ke->u.ke.group) {
		llog(&old->logger, LOG_SEV_INFO, "IKE SA rekey: KE payload for group %u, not the chosen %u; responding with INVALID_KE_PAYLOAD",
		     ke->u.ke.group, choice.id[IKEv2_TRANS_KE]);
		uint8_t g[2] = { (uint8_t)(choice.id[IKEv2_TRANS_KE] >> 8), (uint8_t)choice.id[IKEv2_TRANS_KE] };
		create_child_sa_respond_notify(old, msgid, v2N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	struct ike_sa *ike = new_ike(old, false);
	memcpy(ike->ispi, choice.spi, 8);
	d = take_algs(ike, &choice);
	if (d != NULL) {
		llog(&old->logger, LOG_SEV_INFO, "IKE SA rekey: %s; responding with NO_PROPOSAL_CHOSEN",
		     diag_str(d));
		diag_free(&d);
		id_free(&ike->peer_id);
		free(ike);
		create_child_sa_respond_notify(old, msgid, v2N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	sa_add_ike(&old->eng->sas, ike);
	struct ike_rekey_job *j = job_new(old, ike, false);
	j->msgid = msgid;
	memcpy(j->peer_ke, ke->u.ke.data.ptr, ke->u.ke.data.len);
	j->peer_ke_len = ke->u.ke.data.len;
	memcpy(j->ni, ni->u.nonce.data.ptr, ni->u.nonce.data.len);
	j->ni_len = ni->u.nonce.data.len;
	j->nr_len = IKEV2_NONCE_SIZE;
	d = crypto_random(CRYPTO_SPAN(j->nr, j->nr_len));
	if (d != NULL)	/* NSS's DRBG does not fail once initialised */
		abort();
	submit(old, j);
}

/* ---- initiator ---- */

/* the new IKE SA of our IKE rekey of OLD in flight, if any */
static struct ike_sa *rekeying(struct ike_sa *old)
{
	struct ike_sa *s = rekey_successor(old, true);
	return s != NULL && s->state != ESTABLISHED_IKE_SA ? s : NULL;
}

/* the established IKE SA that replaced OLD (the peer rekeyed it), if any */
static struct ike_sa *replaced_by(struct ike_sa *old)
{
	for (struct ike_sa *s = sa_ike_of_conn(&old->eng->sas, old->conn); s != NULL; s = s->conn_next)
		if (s->rekey_of == old->serial && s->state == ESTABLISHED_IKE_SA)
			return s;
	return NULL;
}

static void rekey_timer_cb(void *arg);

static void schedule_ms(struct ike_sa *ike, uint64_t ms)
{
	struct ikev2_engine *e = ike->eng;
	if (ike->rekey_timer != NULL)
		e->ops->timer_cancel(e->ctx, ike->rekey_timer);
	ike->rekey_timer = e->ops->timer_start(e->ctx, ms, rekey_timer_cb, ike);
}

void ike_rekey_schedule(struct ike_sa *ike)
{
	const struct conn_config *cc = ike->conn->config;
	if (cc != NULL && !cc->rekey)
		return;
	uint64_t life = cc != NULL ? cc->ikelifetime_ms : 8 * 3600 * 1000ull;
	uint64_t margin = cc != NULL ? cc->rekeymargin_ms : 9 * 60 * 1000ull;
	unsigned fuzz = cc != NULL ? cc->rekeyfuzz_percent : 100;
	uint64_t before = margin / 2;
	if (ike->initiator) {
		before = margin;
		uint32_t r = 0;
		diag_t d = crypto_random(CRYPTO_SPAN((uint8_t *)&r, sizeof(r)));
		diag_free(&d);
		uint64_t span = margin * fuzz / 100;
		if (span > 0)
			before += r % (span + 1);
	}
	uint64_t at = life > before ? life - before : life / 2;
	ldbg(&ike->logger, "rekey of IKE SA #%lu scheduled in %llu ms", ike->serial,
	     (unsigned long long)at);
	schedule_ms(ike, at);
}

void ike_rekey_forget(struct ike_sa *ike)
{
	if (ike->rekey_timer != NULL) {
		ike->eng->ops->timer_cancel(ike->eng->ctx, ike->rekey_timer);
		ike->rekey_timer = NULL;
	}
	/* our rekey of IKE in flight dies with it */
	struct ike_sa *s = rekeying(ike);
	ike->rekey_new = 0;
	if (s != NULL) {
		ldbg(&ike->logger, "dropping IKE SA #%lu, the rekey in flight", s->serial);
		ike_sa_delete(s);
	}
}

static void kegen_done(struct ike_sa *ike, diag_t *d);

void ike_rekey_initiate(struct ike_sa *old)
{
	const struct conn_config *cc = old->conn->config;
	if (cc != NULL && cc->reauth) {
		ike_reauth_initiate(old);
		return;
	}
	ike_rekey_initiate_now(old);
}

void ike_rekey_initiate_now(struct ike_sa *old)
{
	if (old->state != ESTABLISHED_IKE_SA || rekeying(old) != NULL)
		return;
	bool child_busy = false;
	for (struct child_sa *c = old->children; c != NULL; c = c->sibling_next)
		child_busy |= c->rekey != NULL;
	if (old->req.pkt != NULL || old->busy || child_busy) {
		ldbg(&old->logger, "IKE SA #%lu busy; its rekey in 1 s", old->serial);
		schedule_ms(old, 1000);
		return;
	}
	struct ike_sa *successor = replaced_by(old);
	if (successor != NULL) {
		/* the peer rekeyed it but never deleted it */
		llog(&old->logger, LOG_SEV_INFO, "IKE SA #%lu was replaced by #%lu; deleting it",
		     old->serial, successor->serial);
		send_delete_ike(old);
		ike_sa_delete(old);
		return;
	}
	struct ike_sa *ike = new_ike(old, true);
	llog(&ike->logger, LOG_SEV_INFO, "initiating rekey to replace IKE SA #%lu", old->serial);
	sa_add_ike(&old->eng->sas, ike);
	old->rekey_new = ike->serial;
	diag_t d = offer_with_spi(old->conn, ike->ispi, &ike->offer);
	if (d == NULL) {
		/* our KE: the group of the IKE SA being replaced */
		ike->ke_group = old->ke_group;
		ike->ni_len = IKEV2_NONCE_SIZE;
		d = crypto_random(CRYPTO_SPAN(ike->ni, ike->ni_len));
	}
	if (d != NULL) {
		llog_diag(&old->logger, LOG_SEV_ERROR, &d, "cannot rekey the IKE SA");
		ike_sa_delete(ike);
		return;
	}
	/* KE generation only (a worker): then the request goes */
	ike_submit_ke(ike, false, kegen_done);
}

static void kegen_done(struct ike_sa *ike, diag_t *d)
{
	struct ike_sa *old = sa_ike_by_serial(&ike->eng->sas, ike->rekey_of);
	if (*d != NULL || old == NULL || old->state != ESTABLISHED_IKE_SA || old->req.pkt != NULL) {
		if (*d != NULL)
			llog(&ike->logger, LOG_SEV_ERROR, "cannot rekey: %s", diag_str(*d));
		ike_sa_delete(ike);
		if (old != NULL)
			schedule_ms(old, 1000);
		return;
	}
	struct ikev2_out *o = malloc(sizeof(*o));
	if (o == NULL)
		abort();
	out_init(o, old, ISAKMP_v2_CREATE_CHILD_SA, false, old->next_msgid);
	out_open_sk(o);
	put_sa_nonce_ke(o, &ike->offer->sa, ike->ni, ike->ni_len, ike->ke_group, ike->ke);
	size_t len = 0;
	diag_t e = out_finish(o, &len);
	if (e != NULL) {
		llog_diag(&old->logger, LOG_SEV_ERROR, &e, "CREATE_CHILD_SA request");
		free(o);
		ike_sa_delete(ike);
		return;
	}
	ikev2_send_request(old, o, len);
	free(o);
	llog(&ike->logger, LOG_SEV_INFO, "sent CREATE_CHILD_SA request to rekey IKE SA");
}

static void rekey_timer_cb(void *arg)
{
	struct ike_sa *ike = arg;
	ike->rekey_timer = NULL;
	ike_rekey_initiate(ike);
}

void ike_rekey_response(struct ikev2_engine *e, struct ike_sa *old, struct ikev2_rx *rx)
{
	(void)e;
	const struct ike_message *m = rx->m;
	struct ike_sa *ike = rekeying(old);
	if (ike == NULL || !ike->initiator) {
		llog(&old->logger, LOG_SEV_INFO, "dropping CREATE_CHILD_SA response: no request of ours is outstanding");
		return;
	}
	const struct ike_payload *sa = ike_message_get(m, IKEv2_NP_SA);
	const struct ike_payload *nr = ike_message_get(m, IKEv2_NP_Ni);
	const struct ike_payload *ke = ike_message_get(m, IKEv2_NP_KE);
	diag_t d = NULL;
	struct ike_sa_choice choice;
	if (sa == NULL) {
		uint16_t why = ike_message_error_notify(m);
		LLOG_JAMBUF(&old->logger, LOG_SEV_INFO, b) {
			jam_str(b, "IKE SA rekey failed with ");
			if (why != 0)
				jam_ike_notify(b, why);
			else
				jam_str(b, "no SA payload and no error notification");
			jam_str(b, "; the IKE SA stays until it expires");
		}
		ike_sa_delete(ike);
		return;
	}
	if (nr == NULL || ke == NULL)
		d = diag("the response lacks %s", nr == NULL ? "a nonce" : "a KE payload");
	if (d == NULL && (nr->u.nonce.data.len < 16 || nr->u.nonce.data.len > IKE_NONCE_MAX ||
			  ke->u.ke.data.len > sizeof(((struct ike_rekey_job *)NULL)->peer_ke)))
		d = diag("bad nonce or KE payload");
	if (d == NULL)
		d = ike_sa_accept(&ike->offer->sa, &sa->u.sa, false, &choice);
	if (d == NULL && (choice.spi_size != 8 || choice.id[IKEv2_TRANS_KE] != ike->ke_group ||
			  ke->u.ke.group != ike->ke_group))
		d = diag("the response's SPI or key exchange group does not match");
	if (d == NULL) {
		uint16_t group = ike->ke_group;
		d = take_algs(ike, &choice);
		ike->ke_group = group;
	}
	if (d != NULL) {
		llog(&old->logger, LOG_SEV_ERROR, "IKE SA rekey response rejected: %s", diag_str(d));
		diag_free(&d);
		ike_sa_delete(ike);
		return;
	}
	/* the responder's SPI: the table keys on the initiator's, ours */
	memcpy(ike->rspi, choice.spi, 8);
	struct ike_rekey_job *j = job_new(old, ike, true);
	j->ke = ike->ke;
	ike->ke = NULL;
	memcpy(j->peer_ke, ke->u.ke.data.ptr, ke->u.ke.data.len);
	j->peer_ke_len = ke->u.ke.data.len;
	memcpy(j->ni, ike->ni, ike->ni_len);
	j->ni_len = ike->ni_len;
	memcpy(j->nr, nr->u.nonce.data.ptr, nr->u.nonce.data.len);
	j->nr_len = nr->u.nonce.data.len;
	submit(old, j);
}
