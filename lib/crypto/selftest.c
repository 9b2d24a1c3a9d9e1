/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crypto_selftest(): the start-up known-answer tests.  One vector per
 * primitive, taken from the same tables the unit tests run in full; an
 * algorithm this NSS does not support is skipped (it is also never
 * proposed), a supported one that gives a wrong answer fails start-up.
 */
#include "internal.h"

struct result {
	const struct logger *logger;
	unsigned run, failed;
	diag_t first;
};

static void note(struct result *r, diag_t d)
{
	r->run++;
	if (d == NULL)
		return;
	r->failed++;
	/* the first failure travels back in the returned diag (the caller
	 * logs it); any further ones are logged here, once each */
	if (r->first == NULL) {
		r->first = d;
		return;
	}
	if (r->logger != NULL)
		llog(r->logger, LOG_SEV_ERROR, "crypto self test also failed: %s", diag_str(d));
	diag_free(&d);
}

diag_t crypto_selftest(const struct logger *logger)
{
	struct result r = { .logger = logger };
	crypto_probe();

	for (const struct kat_hash *v = kat_hash_vectors; v->name != NULL; v++)
		note(&r, kat_run_hash(v));
	/* first vector of each prf and integrity algorithm */
	for (const struct crypto_prf *p = crypto_prf_table; p->name != NULL; p++) {
		if (!crypto_prf_supported(p))
			continue;
		for (const struct kat_prf *v = kat_prf_vectors; v->name != NULL; v++) {
			if (v->prf == p->id) {
				note(&r, kat_run_prf(v));
				break;
			}
		}
	}
	for (const struct crypto_integ *i = crypto_integ_table; i->name != NULL; i++) {
		if (!crypto_integ_supported(i))
			continue;
		for (const struct kat_integ *v = kat_integ_vectors; v->name != NULL; v++) {
			if (v->integ == i->id) {
				note(&r, kat_run_integ(v));
				break;
			}
		}
	}
	/* one vector per cipher */
	for (const struct crypto_encr *e = crypto_encr_table; e->name != NULL; e++) {
		if (!crypto_encr_supported(e))
			continue;
		for (const struct kat_cipher *v = kat_cipher_vectors; v->name != NULL; v++) {
			if (v->encr == e->id) {
				note(&r, kat_run_cipher(v));
				break;
			}
		}
	}
	/* key exchange: the ECP-256 and X25519 vectors, a MODP2048 round trip */
	for (const struct kat_ke *v = kat_ke_vectors; v->name != NULL; v++) {
		if ((v->group == IKEv2_KE_ECP_256 || v->group == IKEv2_KE_CURVE25519) &&
		    crypto_ke_supported(crypto_ke_by_id(v->group)))
			note(&r, kat_run_ke(v));
	}
	const struct crypto_ke_group *modp = crypto_ke_by_id(IKEv2_KE_MODP2048);
	if (crypto_ke_supported(modp))
		note(&r, kat_run_modp_roundtrip(modp));
	/* prf+ and the whole key schedule */
	note(&r, kat_run_prfplus(&kat_prfplus_vectors[0]));
	note(&r, kat_run_ikekeys(&kat_ikekeys_vectors[0]));

	if (r.first != NULL) {
		return diag_prefix(r.first, "crypto self test: %u of %u known-answer tests failed, first",
				   r.failed, r.run);
	}
	if (logger != NULL)
		ldbg(logger, "crypto self test: %u known-answer tests passed", r.run);
	return NULL;
}
