/* SPDX-License-Identifier: GPL-2.0-or-later */
/* leftsubnets=/rightsubnets= -> NAME/LxR sub-connections (tern/conn_family.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/conn_family.h"

bool conn_config_is_family(const struct conn_config *cc)
{
	return cc->left.nr_subnets > 0 || cc->right.nr_subnets > 0;
}

/* the numbered subnets of one end: [0] = subnet= when both are given */
struct end_list {
	unsigned first;		/* number of list[0] */
	unsigned n;
	ip_subnet list[64 + 1];
};

static diag_t end_list(const struct conn_end *e, const char *lr, struct end_list *l)
{
	l->n = 0;
	if (e->nr_subnets == 0) {
		l->first = 0;
		l->list[l->n++] = e->subnet;	/* possibly unset: the host */
		return NULL;
	}
	if (e->nr_subnets > 64)
		return diag("%ssubnets= has %u subnets (at most 64)", lr, e->nr_subnets);
	l->first = 1;
	if (!subnet_is_unset(&e->subnet)) {
		l->first = 0;
		l->list[l->n++] = e->subnet;
	}
	for (unsigned i = 0; i < e->nr_subnets; i++)
		l->list[l->n++] = e->subnets[i];
	return NULL;
}

diag_t conn_family_expand(const struct conn_config *cc, struct conn_family_member **out,
			  unsigned *n)
{
	struct end_list *l = calloc(2, sizeof(*l));
	if (l == NULL)
		abort();
	diag_t d = end_list(&cc->left, "left", &l[0]);
	if (d == NULL)
		d = end_list(&cc->right, "right", &l[1]);
	if (d == NULL && strlen(cc->name) + 24 > sizeof(((struct conn_family_member *)NULL)->name))
		d = diag("connection name \"%s\" is too long for its sub-connections", cc->name);
	if (d != NULL) {
		free(l);
		return d;
	}
	struct conn_family_member *v = calloc(l[0].n * l[1].n, sizeof(*v));
	if (v == NULL)
		abort();
	unsigned k = 0;
	for (unsigned i = 0; i < l[0].n; i++) {
		for (unsigned j = 0; j < l[1].n; j++) {
			const ip_subnet *ls = &l[0].list[i], *rs = &l[1].list[j];
			if (!subnet_is_unset(ls) && !subnet_is_unset(rs) &&
			    ls->addr.family != rs->addr.family)
				continue;	/* e.g. an IPv4 and an IPv6 subnet */
			struct conn_family_member *m = &v[k++];
			m->left_nr = l[0].first + i;
			m->right_nr = l[1].first + j;
			m->left = *ls;
			m->right = *rs;
			snprintf(m->name, sizeof(m->name), "%s/%ux%u", cc->name, m->left_nr, m->right_nr);
		}
	}
	free(l);
	if (k == 0) {
		free(v);
		return diag("leftsubnets=/rightsubnets= have no pair of one address family");
	}
	*out = v;
	*n = k;
	return NULL;
}

struct conn_config *conn_family_config(const struct conn_config *cc,
				       const struct conn_family_member *m)
{
	struct conn_config *c = conn_config_clone(cc);
	free(c->name);
	c->name = strdup(m->name);
	if (c->name == NULL)
		abort();
	struct conn_end *ends[2] = { &c->left, &c->right };
	const ip_subnet *subnets[2] = { &m->left, &m->right };
	for (int e = 0; e < 2; e++) {
		free(ends[e]->subnets);
		ends[e]->subnets = NULL;
		ends[e]->nr_subnets = 0;
		ends[e]->subnet = *subnets[e];
	}
	free(c->connalias);
	c->connalias = strdup(cc->name);
	if (c->connalias == NULL)
		abort();
	return c;
}
