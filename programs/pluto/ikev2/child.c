/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Child SAs: ESP proposals, traffic selectors, keymat and the kernel. */
#include <stdlib.h>
#include <string.h>

#include "ikev2/internal.h"
#include "ikev2/nat.h"

diag_t child_offer(struct child_sa *child, bool initiator)
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
	uint8_t spi[4] = { (uint8_t)(child->spi_in >> 24), (uint8_t)(child->spi_in >> 16),
			   (uint8_t)(child->spi_in >> 8), (uint8_t)child->spi_in };
	enum esn esn = cc != NULL ? cc->esn : ESN_EITHER;
	struct ike_sa_params params = {
		.spi = spi,
		.spi_size = 4,
		.esn = esn == ESN_YES ? IKE_ESN_YES : esn == ESN_NO ? IKE_ESN_NO : IKE_ESN_EITHER,
		.omit_ke = true,
	};
	(void)initiator;
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

diag_t child_alloc_spi(struct child_sa *child)
{
	struct ike_sa *ike = child->ike;
	const struct ikev2_kernel_ops *k = ike->eng->ops->kernel;
	uint32_t spi;
	diag_t d = k->alloc_spi(ike->eng->ctx, &ike->remote.addr, &ike->local.addr, child->reqid, &spi);
	if (d != NULL)
		return d;
	child->spi_in = spi;
	return NULL;
}

static void fill_sa(struct child_sa *child, struct ikev2_kernel_sa *sa, bool inbound,
		    const struct crypto_child_kernel_keys *k, const struct crypto_encr *encr,
		    unsigned key_bits)
{
	struct ike_sa *ike = child->ike;
	const struct conn_config *cc = child->conn->config;
	/* the initiator's outbound and the responder's inbound use the i2r keys */
	bool i2r = inbound != ike->initiator;
	*sa = (struct ikev2_kernel_sa){
		.inbound = inbound,
		.spi = inbound ? child->spi_in : child->spi_out,
		.reqid = child->reqid,
		.src = inbound ? ike->remote.addr : ike->local.addr,
		.dst = inbound ? ike->local.addr : ike->remote.addr,
		.src_client = inbound ? child_remote_sel(child) : child_local_sel(child),
		.dst_client = inbound ? child_local_sel(child) : child_remote_sel(child),
		.transport = child->transport,
		.esn = child->esn,
		.replay_window = cc != NULL ? cc->replay_window : 128,
		.encr_id = encr->id,
		.encr_key_bits = key_bits,
		.integ_id = child->choice.has[IKEv2_TRANS_INTEG] ? child->choice.id[IKEv2_TRANS_INTEG] : 0,
		.encr_key = i2r ? k->encr_i2r : k->encr_r2i,
		.encr_key_len = k->encr_len,
		.integ_key = i2r ? k->integ_i2r : k->integ_r2i,
		.integ_key_len = k->integ_len,
		.lifetime_s = cc != NULL ? cc->ipsec_lifetime_ms / 1000 : 28800,
	};
	child_kernel_limits(child, sa);	/* soft EXPIRE, ipsec-max-bytes */
	if (nat_encap(ike)) {	/* ESP in UDP between the IKE SA's ports */
		sa->encap_sport = inbound ? ike->remote.port : ike->local.port;
		sa->encap_dport = inbound ? ike->local.port : ike->remote.port;
	}
}

/* ---- keymat on a worker ---- */

struct keymat_job {
	struct worker_job w;
	struct ikev2_engine *e;
	unsigned long ike_serial, child_serial;
	child_keymat_next_fn *next;
	const struct crypto_prf *prf;
	PK11SymKey *sk_d;	/* a reference of our own */
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	const struct crypto_encr *encr;
	unsigned key_bits;
	const struct crypto_integ *integ;
	struct crypto_child_kernel_keys keys;
	diag_t diag;
};

static void keymat_run(struct worker_job *w)
{
	struct keymat_job *j = (struct keymat_job *)w;
	j->diag = crypto_child_keymat_export_for_kernel(j->prf, j->sk_d, NULL,
							 CRYPTO_CSPAN(j->ni, j->ni_len),
							 CRYPTO_CSPAN(j->nr, j->nr_len), j->encr,
							 j->key_bits, j->integ, &j->keys);
}

static void keymat_done(struct worker_job *w, bool cancelled)
{
	struct keymat_job *j = (struct keymat_job *)w;
	j->e->jobs_in_flight--;
	struct ike_sa *ike = cancelled ? NULL : sa_ike_by_serial(&j->e->sas, j->ike_serial);
	struct child_sa *child = cancelled ? NULL : sa_child_by_serial(&j->e->sas, j->child_serial);
	if (ike != NULL) {
		ike->busy = false;
		if (child != NULL && child->ike == ike) {
			if (j->diag != NULL)
				j->diag = diag_prefix(j->diag, "Child SA keymat");
			j->next(ike, child, j->diag == NULL ? &j->keys : NULL, &j->diag);
		}
	}
	diag_free(&j->diag);
	crypto_symkey_free(&j->sk_d);
	crypto_child_kernel_keys_wipe(&j->keys);
	crypto_wipe(j, sizeof(*j));
	free(j);
}

void child_submit_keymat(struct child_sa *child, child_keymat_next_fn *next)
{
	struct ike_sa *ike = child->ike;
	const struct crypto_encr *encr = crypto_encr_by_id(child->choice.id[IKEv2_TRANS_ENCR]);
	const struct crypto_integ *integ = NULL;
	if (child->choice.has[IKEv2_TRANS_INTEG] && child->choice.id[IKEv2_TRANS_INTEG] != 0)
		integ = crypto_integ_by_id(child->choice.id[IKEv2_TRANS_INTEG]);
	if (encr == NULL || (!encr->aead && integ == NULL)) {
		diag_t d = diag("negotiated ESP algorithms are not supported");
		next(ike, child, NULL, &d);
		diag_free(&d);
		return;
	}
	struct keymat_job *j = calloc(1, sizeof(*j));
	if (j == NULL)
		abort();
	j->w.run = keymat_run;
	j->w.done = keymat_done;
	j->e = ike->eng;
	j->ike_serial = ike->serial;
	j->child_serial = child->serial;
	j->next = next;
	j->prf = ike->prf;
	j->sk_d = crypto_ike_sk_d(&ike->keys);	/* SK_d may be parked */
	memcpy(j->ni, ike->ni, ike->ni_len);
	j->ni_len = ike->ni_len;
	memcpy(j->nr, ike->nr, ike->nr_len);
	j->nr_len = ike->nr_len;
	j->encr = encr;
	j->key_bits = crypto_encr_key_bits(encr, child->choice.encr_keylen);
	j->integ = encr->aead ? NULL : integ;
	ike->busy = true;
	ike->eng->jobs_in_flight++;
	ike->eng->ops->submit(ike->eng->ctx, &j->w);
}

/*
 * Another installed Child SA of the same IKE SA with the same reqid and
 * selectors (a rekey's old or new one): the two share the policies, which
 * stay until the last of them goes (make-before-break).
 */
static bool policies_shared(const struct child_sa *child)
{
	for (const struct child_sa *c = child->ike->children; c != NULL; c = c->sibling_next)
		if (c != child && c->installed && c->reqid == child->reqid &&
		    subnet_eq(&c->local_ts, &child->local_ts) &&
		    subnet_eq(&c->remote_ts, &child->remote_ts) && c->ts_ipproto == child->ts_ipproto &&
		    c->ts_local_port == child->ts_local_port && c->ts_remote_port == child->ts_remote_port)
			return true;
	return false;
}

diag_t child_install(struct child_sa *child, const struct crypto_child_kernel_keys *keys)
{
	struct ike_sa *ike = child->ike;
	struct ikev2_engine *e = ike->eng;
	const struct ikev2_kernel_ops *kops = e->ops->kernel;
	const struct crypto_encr *encr = crypto_encr_by_id(child->choice.id[IKEv2_TRANS_ENCR]);
	struct ikev2_kernel_sa in, out;
	fill_sa(child, &in, true, keys, encr, child->choice.encr_keylen);
	fill_sa(child, &out, false, keys, encr, child->choice.encr_keylen);
	diag_t d = kops->add_sa(e->ctx, &in);
	if (d == NULL) {
		d = kops->add_sa(e->ctx, &out);
		if (d != NULL) {
			diag_t u = kops->del_sa(e->ctx, &in.src, &in.dst, in.spi);
			diag_free(&u);
		}
	}
	if (d != NULL)
		return d;
	ip_selector ls = child_local_sel(child), rs = child_remote_sel(child);
	if (!policies_shared(child))
		d = kops->add_policies(e->ctx, &ls, &rs, &ike->local.addr,
				       &ike->remote.addr, child->reqid, child->transport);
	if (d != NULL) {
		diag_t u = kops->del_sa(e->ctx, &in.src, &in.dst, in.spi);
		diag_free(&u);
		u = kops->del_sa(e->ctx, &out.src, &out.dst, out.spi);
		diag_free(&u);
		return d;
	}
	child->installed = true;
	sa_child_index_spis(&e->sas, child);
	child->add_time = e->ops->wall_s(e->ctx);
	/* IKE_AUTH's Child SA: the IKE SA's initiator is the Child SA's
	 * (CREATE_CHILD_SA reschedules with the exchange's roles) */
	child_rekey_schedule(child, ike->initiator);
	return NULL;
}

diag_t child_install_one(struct child_sa *child, const struct crypto_child_kernel_keys *keys,
			 bool inbound)
{
	struct ike_sa *ike = child->ike;
	struct ikev2_engine *e = ike->eng;
	const struct ikev2_kernel_ops *kops = e->ops->kernel;
	const struct crypto_encr *encr = crypto_encr_by_id(child->choice.id[IKEv2_TRANS_ENCR]);
	struct ikev2_kernel_sa sa;
	fill_sa(child, &sa, inbound, keys, encr, child->choice.encr_keylen);
	diag_t d = kops->add_sa(e->ctx, &sa);
	if (d != NULL || !inbound)
		return d;
	ip_selector ls = child_local_sel(child), rs = child_remote_sel(child);
	if (!policies_shared(child))
		d = kops->add_policies(e->ctx, &ls, &rs, &ike->local.addr,
				       &ike->remote.addr, child->reqid, child->transport);
	if (d != NULL) {
		diag_t u = kops->del_sa(e->ctx, &sa.src, &sa.dst, sa.spi);
		diag_free(&u);
		return d;
	}
	child->installed = true;
	sa_child_index_spis(&e->sas, child);
	child->add_time = e->ops->wall_s(e->ctx);
	return NULL;
}

void child_uninstall(struct child_sa *child)
{
	struct ike_sa *ike = child->ike;
	struct ikev2_engine *e = ike->eng;
	const struct ikev2_kernel_ops *k = e->ops->kernel;
	uint64_t bytes;
	diag_t d = k->get_bytes(e->ctx, &ike->remote.addr, &ike->local.addr, child->spi_in, &bytes);
	if (d == NULL)
		child->in_bytes = bytes;
	diag_free(&d);
	d = k->get_bytes(e->ctx, &ike->local.addr, &ike->remote.addr, child->spi_out, &bytes);
	if (d == NULL)
		child->out_bytes = bytes;
	diag_free(&d);
	/*
	 * Another Child SA carries the flow (a rekey's successor, the
	 * survivor of a collision): the policies stay, the outbound SA goes
	 * (the kernel sends on the successor), the inbound SA stays a while
	 * for the peer's packets in flight.  Otherwise all goes, with the
	 * flow's retired inbound SAs.
	 */
	bool shared = policies_shared(child);
	ip_selector ls = child_local_sel(child), rs = child_remote_sel(child);
	d = shared ? NULL : k->del_policies(e->ctx, &ls, &rs, child->reqid);
	if (d != NULL)
		llog_diag(&child->logger, LOG_SEV_WARNING, &d, "removing the policies");
	d = k->del_sa(e->ctx, &ike->local.addr, &ike->remote.addr, child->spi_out);
	if (d != NULL)
		llog_diag(&child->logger, LOG_SEV_WARNING, &d, "removing the outbound ESP SA");
	if (shared) {
		child_retire_inbound(child);
	} else {
		d = k->del_sa(e->ctx, &ike->remote.addr, &ike->local.addr, child->spi_in);
		if (d != NULL)
			llog_diag(&child->logger, LOG_SEV_WARNING, &d, "removing the inbound ESP SA");
		child_retired_flush(ike, false, child->reqid);
	}
	child->installed = false;
	sa_child_unindex_spis(&e->sas, child);
}

void jam_child_ts(struct jambuf *b, const struct child_sa *child)
{
	ip_selector l = child_local_sel(child), r = child_remote_sel(child);
	jam_char(b, '[');
	jam_selector(b, &l);
	jam_str(b, "===");
	jam_selector(b, &r);
	jam_char(b, ']');
}

void child_log_established(struct child_sa *child)
{
	struct ike_sa *ike = child->ike;
	const struct crypto_encr *encr = crypto_encr_by_id(child->choice.id[IKEv2_TRANS_ENCR]);
	const struct conn_config *cc = child->conn->config;
	LLOG_JAMBUF(&child->logger, LOG_SEV_INFO, b) {
		jam(b, "%s established Child SA using #%lu; IPsec %s ",
		    ike->initiator ? "initiator" : "responder", ike->serial,
		    child->transport ? "transport mode" : "tunnel");
		jam_child_ts(b, child);
		jam(b, " {ESP%s%s=>0x%08x <0x%08x xfrm=", nat_encap(ike) ? "inUDP" : "",
		    child->esn ? "/ESN" : "", child->spi_out, child->spi_in);
		if (encr != NULL)
			jam_crypto_cipher(b, encr, crypto_encr_key_bits(encr, child->choice.encr_keylen));
		if (child->choice.has[IKEv2_TRANS_INTEG] && child->choice.id[IKEv2_TRANS_INTEG] != 0) {
			jam_char(b, '-');
			jam_str(b, ike_transform_id_name(IKEv2_TRANS_INTEG,
							 child->choice.id[IKEv2_TRANS_INTEG]));
		}
		if (nat_encap(ike)) {	/* Libreswan: the peer's endpoint */
			jam_str(b, " NATD=");
			jam_endpoint(b, &ike->remote);
		}
		jam(b, " DPD=%s}", cc != NULL && cc->dpddelay_ms > 0 ? "active" : "passive");
	}
}
