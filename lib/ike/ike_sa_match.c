/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proposals <-> SA payloads: build our offer, choose from the peer's offer
 * (responder), check the responder's choice (initiator).  Pure functions.
 */
#include "tern/ike_proposal.h"

#include <string.h>

#define ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- building ---- */

static bool add(struct ike_proposal *p, struct ike_transform *storage, uint8_t type,
		uint16_t id, uint16_t keylen)
{
	if (p->nr_transforms >= IKE_SA_MAX_TRANSFORMS)
		return false;
	storage[p->nr_transforms++] = (struct ike_transform){ .type = type, .id = id, .keylen = keylen };
	return true;
}

diag_t ike_alg_proposals_to_sa(const struct ike_alg_proposals *algs,
			       const struct ike_sa_params *params, struct ike_sa_build *out)
{
	bool ike = algs->protocol == IKEv2_PROTO_IKE;
	if (params->spi_size > 8 || (params->spi_size > 0 && params->spi == NULL))
		return diag("SA proposals: bad SPI size %u", params->spi_size);
	if (algs->count == 0 || algs->count > IKE_ALG_MAX_PROPOSALS)
		return diag("SA proposals: %u proposals", algs->count);
	memset(&out->sa, 0, sizeof(out->sa));
	out->sa.proposals = out->proposals;
	for (unsigned i = 0; i < algs->count; i++) {
		const struct ike_alg_proposal *a = &algs->p[i];
		struct ike_proposal *p = &out->proposals[i];
		struct ike_transform *t = out->transforms[i];
		memset(p, 0, sizeof(*p));
		p->number = (uint8_t)(i + 1);
		p->protocol = algs->protocol;
		p->spi_size = params->spi_size;
		if (params->spi_size > 0)
			memcpy(p->spi, params->spi, params->spi_size);
		p->transforms = t;
		bool ok = true;
		for (unsigned e = 0; e < a->nr_encr; e++) {
			const struct ike_alg_encr *enc = &a->encr[e];
			if (enc->keylen == 0 && ike_encr_has_keylen(enc->id)) {
				ok = ok && add(p, t, IKEv2_TRANS_ENCR, enc->id, 256);
				ok = ok && add(p, t, IKEv2_TRANS_ENCR, enc->id, 128);
			} else {
				ok = ok && add(p, t, IKEv2_TRANS_ENCR, enc->id,
					       ike_encr_has_keylen(enc->id) ? enc->keylen : 0);
			}
		}
		if (ike) {
			for (unsigned k = 0; k < a->nr_prf; k++)
				ok = ok && add(p, t, IKEv2_TRANS_PRF, a->prf[k], 0);
		}
		for (unsigned k = 0; k < a->nr_integ; k++)
			ok = ok && add(p, t, IKEv2_TRANS_INTEG, a->integ[k], 0);
		if (ike) {
			for (unsigned k = 0; k < a->nr_ke; k++)
				ok = ok && add(p, t, IKEv2_TRANS_KE, a->ke[k], 0);
		} else if (!params->omit_ke) {
			for (unsigned k = 0; k < a->nr_ke; k++)
				ok = ok && add(p, t, IKEv2_TRANS_KE, a->ke[k], 0);
			if (a->nr_ke == 0 && params->pfs_group != 0)
				ok = ok && add(p, t, IKEv2_TRANS_KE, params->pfs_group, 0);
		}
		if (!ike) {
			if (params->esn != IKE_ESN_NO)
				ok = ok && add(p, t, IKEv2_TRANS_ESN, IKEv2_ESN_YES, 0);
			if (params->esn != IKE_ESN_YES)
				ok = ok && add(p, t, IKEv2_TRANS_ESN, IKEv2_ESN_NO, 0);
		}
		if (!ok)
			return diag("SA proposals: proposal %u has more than %d transforms",
				    i + 1, IKE_SA_MAX_TRANSFORMS);
		out->sa.nr_proposals++;
	}
	return NULL;
}

/* ---- printing ---- */

static void jam_transform_id(struct jambuf *b, unsigned type, uint16_t id, uint16_t keylen)
{
	const char *name = ike_transform_id_name(type, id);
	if (name != NULL)
		jam_str(b, name);
	else
		jam(b, "%u", id);
	if (type == IKEv2_TRANS_ENCR && keylen != 0)
		jam(b, "_%u", keylen);
}

void jam_ike_sa_proposal(struct jambuf *b, const struct ike_proposal *p)
{
	const char *proto = ike_protocol_name(p->protocol);
	jam(b, "%u:%s:", p->number, proto != NULL ? proto : "?");
	/* grouped by type in type order: ENCR=A+B;PRF=...; */
	const char *sep = "";
	for (unsigned type = 1; type <= 255; type++) {
		bool first = true;
		for (unsigned i = 0; i < p->nr_transforms; i++) {
			const struct ike_transform *t = &p->transforms[i];
			if (t->type != type)
				continue;
			if (first) {
				const char *tn = ike_transform_type_name(type);
				jam_str(b, sep);
				if (tn != NULL)
					jam(b, "%s=", tn);
				else
					jam(b, "TYPE%u=", type);
				sep = ";";
				first = false;
			} else {
				jam_char(b, '+');
			}
			jam_transform_id(b, type, t->id, t->keylen);
			if (t->unknown_attrs)
				jam_str(b, "(unknown-attributes)");
		}
	}
}

static void jam_sa(struct jambuf *b, const struct ike_sa_payload *sa)
{
	for (unsigned i = 0; i < sa->nr_proposals; i++) {
		if (i > 0)
			jam_char(b, ' ');
		jam_ike_sa_proposal(b, &sa->proposals[i]);
	}
}

void jam_ike_sa_choice(struct jambuf *b, const struct ike_sa_choice *c)
{
	struct ike_alg_proposal a = { 0 };
	if (c->has[IKEv2_TRANS_ENCR]) {
		a.encr[0] = (struct ike_alg_encr){ c->id[IKEv2_TRANS_ENCR], c->encr_keylen };
		a.nr_encr = 1;
	}
	if (c->has[IKEv2_TRANS_PRF]) {
		a.prf[0] = c->id[IKEv2_TRANS_PRF];
		a.nr_prf = 1;
	}
	if (c->has[IKEv2_TRANS_INTEG] && c->id[IKEv2_TRANS_INTEG] != IKEv2_INTEG_NONE) {
		a.integ[0] = c->id[IKEv2_TRANS_INTEG];
		a.nr_integ = 1;
	}
	if (c->has[IKEv2_TRANS_KE] && c->id[IKEv2_TRANS_KE] != IKEv2_KE_NONE) {
		a.ke[0] = c->id[IKEv2_TRANS_KE];
		a.nr_ke = 1;
	}
	jam_ike_alg_proposal(b, c->protocol, &a);
}

void jam_ike_sa_choice_details(struct jambuf *b, const struct ike_sa_choice *c)
{
	static const struct { unsigned type; const char *label; } fields[] = {
		{ IKEv2_TRANS_ENCR, "cipher" }, { IKEv2_TRANS_INTEG, "integ" },
		{ IKEv2_TRANS_PRF, "prf" }, { IKEv2_TRANS_KE, "ke" },
	};
	const char *sep = "";
	for (size_t i = 0; i < ELEMS(fields); i++) {
		unsigned type = fields[i].type;
		if (type == IKEv2_TRANS_PRF && c->protocol != IKEv2_PROTO_IKE)
			continue;
		jam(b, "%s%s=", sep, fields[i].label);
		sep = " ";
		bool none = !c->has[type] ||
			(type == IKEv2_TRANS_INTEG && c->id[type] == IKEv2_INTEG_NONE) ||
			(type == IKEv2_TRANS_KE && c->id[type] == IKEv2_KE_NONE);
		if (none)
			jam_str(b, "n/a");
		else
			jam_transform_id(b, type, c->id[type], type == IKEv2_TRANS_ENCR ? c->encr_keylen : 0);
	}
}

/* ---- matching ---- */

static bool same_transform(const struct ike_transform *a, const struct ike_transform *b)
{
	return a->type == b->type && a->id == b->id && a->keylen == b->keylen;
}

static bool offers(const struct ike_proposal *p, const struct ike_transform *t)
{
	for (unsigned i = 0; i < p->nr_transforms; i++) {
		const struct ike_transform *pt = &p->transforms[i];
		if (!pt->unknown_attrs && same_transform(pt, t))
			return true;
	}
	return false;
}

static bool has_type(const struct ike_proposal *p, unsigned type)
{
	for (unsigned i = 0; i < p->nr_transforms; i++) {
		if (p->transforms[i].type == type)
			return true;
	}
	return false;
}

/* "none" ids: INTEG NONE, KE NONE, ESN NO are all 0 */
static bool offers_none(const struct ike_proposal *p, unsigned type)
{
	struct ike_transform none = { .type = (uint8_t)type, .id = 0 };
	return type != IKEv2_TRANS_ENCR && type != IKEv2_TRANS_PRF && offers(p, &none);
}

static void choose_id(struct ike_sa_choice *c, const struct ike_transform *t)
{
	c->has[t->type] = true;
	c->id[t->type] = t->id;
	if (t->type == IKEv2_TRANS_ENCR)
		c->encr_keylen = t->keylen;
}

/* can OURS (one of our proposals) accept THEIRS? */
static bool match(const struct ike_proposal *ours, const struct ike_proposal *theirs,
		  uint16_t prefer_ke, bool ignore_ke, struct ike_sa_choice *c)
{
	if (ours->protocol != theirs->protocol)
		return false;
	memset(c, 0, sizeof(*c));
	/* transform types we don't know make the proposal unacceptable */
	for (unsigned i = 0; i < theirs->nr_transforms; i++) {
		unsigned type = theirs->transforms[i].type;
		if (type == 0 || type > IKEv2_TRANS_ESN)
			return false;
	}
	for (unsigned type = IKEv2_TRANS_ENCR; type <= IKEv2_TRANS_ESN; type++) {
		if (type == IKEv2_TRANS_KE && ignore_ke)
			continue;
		bool we = has_type(ours, type), they = has_type(theirs, type);
		if (!we && !they)
			continue;
		if (!we) {
			/* they offer something we don't do: fine when "none" is among it */
			if (!offers_none(theirs, type))
				return false;
			c->has[type] = true;
			c->id[type] = 0;
			continue;
		}
		if (!they) {
			if (!offers_none(ours, type))
				return false;
			continue;
		}
		const struct ike_transform *pick = NULL;
		if (type == IKEv2_TRANS_KE && prefer_ke != 0) {
			struct ike_transform pref = { .type = IKEv2_TRANS_KE, .id = prefer_ke };
			if (offers(ours, &pref) && offers(theirs, &pref)) {
				for (unsigned i = 0; i < ours->nr_transforms; i++) {
					if (same_transform(&ours->transforms[i], &pref))
						pick = &ours->transforms[i];
				}
			}
		}
		for (unsigned i = 0; pick == NULL && i < ours->nr_transforms; i++) {
			const struct ike_transform *t = &ours->transforms[i];
			if (t->type == type && offers(theirs, t))
				pick = t;
		}
		if (pick == NULL)
			return false;
		choose_id(c, pick);
	}
	c->number = theirs->number;
	c->protocol = theirs->protocol;
	c->spi_size = theirs->spi_size;
	memcpy(c->spi, theirs->spi, sizeof(c->spi));
	return true;
}

diag_t ike_sa_choose(const struct ike_sa_payload *ours, const struct ike_sa_payload *peer,
		     uint16_t prefer_ke, bool ignore_ke, struct ike_sa_choice *out)
{
	struct ike_sa_choice c;
	for (unsigned o = 0; o < ours->nr_proposals; o++) {
		for (unsigned t = 0; t < peer->nr_proposals; t++) {
			if (match(&ours->proposals[o], &peer->proposals[t], prefer_ke, ignore_ke, &c)) {
				*out = c;
				return NULL;
			}
		}
	}
	char buf[1024];
	struct jambuf b = jambuf_init(buf, sizeof(buf));
	jam_sa(&b, peer);
	return diag("no acceptable proposal; peer proposed: %s", buf);
}

diag_t ike_sa_accept(const struct ike_sa_payload *ours, const struct ike_sa_payload *reply,
		     bool ignore_ke, struct ike_sa_choice *out)
{
	if (reply->nr_proposals != 1)
		return diag("the responder's SA payload has %u proposals; it must accept exactly one",
			    reply->nr_proposals);
	const struct ike_proposal *r = &reply->proposals[0];
	const struct ike_proposal *o = NULL;
	for (unsigned i = 0; i < ours->nr_proposals; i++) {
		if (ours->proposals[i].number == r->number)
			o = &ours->proposals[i];
	}
	char buf[512];
	struct jambuf b = jambuf_init(buf, sizeof(buf));
	jam_ike_sa_proposal(&b, r);
	if (o == NULL)
		return diag("the responder accepted proposal %u which we did not offer: %s",
			    r->number, buf);
	if (o->protocol != r->protocol)
		return diag("the responder accepted protocol %s for our %s proposal %u: %s",
			    ike_protocol_name(r->protocol), ike_protocol_name(o->protocol),
			    r->number, buf);
	struct ike_sa_choice c = { 0 };
	for (unsigned i = 0; i < r->nr_transforms; i++) {
		const struct ike_transform *t = &r->transforms[i];
		const char *tn = ike_transform_type_name(t->type);
		if (t->type == 0 || t->type > IKEv2_TRANS_ESN)
			return diag("the responder accepted transform type %u which we did not offer: %s",
				    t->type, buf);
		if (c.has[t->type])
			return diag("the responder accepted more than one %s transform: %s", tn, buf);
		if (t->type == IKEv2_TRANS_KE && ignore_ke)
			continue;
		if (!offers(o, t))
			return diag("the responder accepted %s %s which our proposal %u did not offer: %s",
				    tn, ike_transform_id_name(t->type, t->id) != NULL ?
				    ike_transform_id_name(t->type, t->id) : "(unknown)", o->number, buf);
		choose_id(&c, t);
	}
	for (unsigned type = IKEv2_TRANS_ENCR; type <= IKEv2_TRANS_ESN; type++) {
		if (type == IKEv2_TRANS_KE && ignore_ke)
			continue;
		if (has_type(o, type) && !c.has[type] && !offers_none(o, type))
			return diag("the responder accepted no %s transform: %s",
				    ike_transform_type_name(type), buf);
	}
	c.number = r->number;
	c.protocol = r->protocol;
	c.spi_size = r->spi_size;
	memcpy(c.spi, r->spi, sizeof(c.spi));
	*out = c;
	return NULL;
}

void ike_sa_choice_to_sa(const struct ike_sa_choice *c, const uint8_t *spi, uint8_t spi_size,
			 struct ike_sa_build *out)
{
	memset(&out->sa, 0, sizeof(out->sa));
	struct ike_proposal *p = &out->proposals[0];
	struct ike_transform *t = out->transforms[0];
	memset(p, 0, sizeof(*p));
	p->number = c->number;
	p->protocol = c->protocol;
	p->spi_size = spi_size > 8 ? 8 : spi_size;
	if (spi != NULL)
		memcpy(p->spi, spi, p->spi_size);
	p->transforms = t;
	for (unsigned type = IKEv2_TRANS_ENCR; type <= IKEv2_TRANS_ESN; type++) {
		if (!c->has[type])
			continue;
		add(p, t, (uint8_t)type, c->id[type], type == IKEv2_TRANS_ENCR ? c->encr_keylen : 0);
	}
	out->sa.proposals = out->proposals;
	out->sa.nr_proposals = 1;
}
