/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A Child SA in the kernel: two SAs and their policies, installed as a
 * unit and rolled back on the first failure.
 */
#include <string.h>

#include "kernel/kernel.h"

static struct kernel_sa_id sa_id(const struct kernel_child *c, bool inbound)
{
	struct kernel_sa_id id = {
		.src = inbound ? c->remote : c->local,
		.dst = inbound ? c->local : c->remote,
		.spi = inbound ? c->spi_in : c->spi_out,
		.proto = IPPROTO_ESP,
		.mark = inbound ? c->mark_in : c->mark_out,
	};
	return id;
}

static diag_t build_sa(const struct kernel_child *c, bool inbound, struct kernel_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->id = sa_id(c, inbound);
	sa->mode = c->mode;
	sa->reqid = c->reqid;
	sa->update = inbound && c->spi_in_larval;
	sa->inbound = inbound;
	sa->replay_window = c->replay_window;
	sa->esn = c->esn;
	sa->lifetime = c->lifetime;
	if (c->encap) {
		sa->encap = true;
		sa->encap_sport = inbound ? c->remote_port : c->local_port;
		sa->encap_dport = inbound ? c->local_port : c->remote_port;
	}
	if (c->mode == KERNEL_MODE_TRANSPORT) {
		sa->sel_src = inbound ? c->remote_ts : c->local_ts;
		sa->sel_dst = inbound ? c->local_ts : c->remote_ts;
	}
	return kernel_sa_set_algs(sa, c->encr_id, c->key_bits, c->integ_id,
				  inbound ? c->encr_in : c->encr_out, c->encr_len,
				  inbound ? c->integ_in : c->integ_out, c->integ_len);
}

static void build_policy(const struct kernel_child *c, enum kernel_dir dir, struct kernel_policy *p)
{
	bool in = dir != KERNEL_DIR_OUT;
	memset(p, 0, sizeof(*p));
	p->id.src = in ? c->remote_ts : c->local_ts;
	p->id.dst = in ? c->local_ts : c->remote_ts;
	p->id.dir = dir;
	p->id.mark = in ? c->mark_in : c->mark_out;
	p->action = KERNEL_POLICY_ALLOW;
	p->has_tmpl = true;
	p->mode = c->mode;
	p->proto = IPPROTO_ESP;
	p->reqid = c->reqid;
	if (c->mode == KERNEL_MODE_TUNNEL) {
		p->tmpl_src = in ? c->remote : c->local;
		p->tmpl_dst = in ? c->local : c->remote;
	}
}

/* what kernel_install_child() got done, for the rollback */
enum step { NOTHING, SA_IN, SA_OUT, POL_OUT, POL_IN, POL_FWD };

static diag_t undo(const struct kernel_child *c, enum step done, bool larval_in,
		   const struct logger *logger)
{
	diag_t first = NULL;
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN, KERNEL_DIR_FWD };
	static const enum step pol_steps[] = { POL_OUT, POL_IN, POL_FWD };
	for (size_t i = 0; i < 3; i++) {
		if (done < pol_steps[i])
			continue;
		struct kernel_policy p;
		build_policy(c, dirs[i], &p);
		diag_t d = kernel_del_policy(&p.id, logger);
		if (d != NULL) {
			llog(logger, LOG_SEV_WARNING, "%s", diag_str(d));
			if (first == NULL)
				first = d;
			else
				diag_free(&d);
		}
	}
	for (int inbound = 0; inbound <= 1; inbound++) {
		bool installed = inbound ? (done >= SA_IN || larval_in) : done >= SA_OUT;
		if (!installed)
			continue;
		struct kernel_sa_id id = sa_id(c, inbound);
		diag_t d = kernel_del_sa(&id, logger);
		if (d != NULL) {
			llog(logger, LOG_SEV_WARNING, "%s", diag_str(d));
			if (first == NULL)
				first = d;
			else
				diag_free(&d);
		}
	}
	return first;
}

diag_t kernel_install_child(const struct kernel_child *c, const struct logger *logger)
{
	struct kernel_sa sa_in, sa_out;
	diag_t d = build_sa(c, true, &sa_in);
	if (d == NULL)
		d = build_sa(c, false, &sa_out);
	if (d != NULL) {
		/* nothing sent yet; the larval inbound SA is ours to remove */
		if (c->spi_in_larval) {
			diag_t u = undo(c, NOTHING, true, logger);
			diag_free(&u);
		}
		return d;
	}
	enum step done = NOTHING;
	d = kernel_add_sa(&sa_in, logger);
	if (d == NULL) {
		done = SA_IN;
		d = kernel_add_sa(&sa_out, logger);
	}
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN, KERNEL_DIR_FWD };
	for (size_t i = 0; d == NULL && i < 3; i++) {
		done = (enum step)(SA_OUT + i);
		if (dirs[i] == KERNEL_DIR_FWD && c->mode != KERNEL_MODE_TUNNEL)
			break;
		struct kernel_policy p;
		build_policy(c, dirs[i], &p);
		d = kernel_add_policy(&p, true, logger);
	}
	if (d == NULL)
		return NULL;
	diag_t u = undo(c, done, c->spi_in_larval, logger);
	diag_free(&u);
	return d;
}

diag_t kernel_remove_child(const struct kernel_child *c, const struct logger *logger)
{
	return undo(c, c->mode == KERNEL_MODE_TUNNEL ? POL_FWD : POL_IN, true, logger);
}

diag_t kernel_child_traffic(const struct kernel_child *c, struct kernel_sa_counters *in,
			    struct kernel_sa_counters *out)
{
	struct kernel_sa_id iid = sa_id(c, true), oid = sa_id(c, false);
	struct kernel_sa_counters i, o;
	diag_t d = kernel_get_sa_counters(&iid, &i);
	if (d == NULL)
		d = kernel_get_sa_counters(&oid, &o);
	if (d != NULL)
		return d;
	*in = i;
	*out = o;
	return NULL;
}
