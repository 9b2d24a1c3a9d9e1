/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "conn/config_copy.h"

/* the char * fields, listed once for copy and free (mirror lib/conf) */
#define END_STRINGS(X, e) \
	X((e)->host_name) X((e)->cert) X((e)->ca) X((e)->rsasigkey) X((e)->pubkey) \
	X((e)->ckaid) X((e)->updown) X((e)->addresspool) X((e)->xauthusername) \
	X((e)->vti) X((e)->interface_ip)
#define CONFIG_STRINGS(X, c) \
	X((c)->name) X((c)->file) X((c)->ike) X((c)->esp) X((c)->ah) X((c)->ppk) \
	X((c)->modecfgdns) X((c)->modecfgdomains) X((c)->modecfgbanner) \
	X((c)->remote_peer_type) X((c)->vti_interface) X((c)->ipsec_interface) \
	X((c)->sendca) X((c)->redirect_to) X((c)->accept_redirect_to) \
	X((c)->sec_label) X((c)->connalias) X((c)->enable_tcp)

static char *dup_str(const char *s)
{
	if (s == NULL)
		return NULL;
	char *d = strdup(s);
	if (d == NULL)
		abort();
	return d;
}

#define DUP(f) f = dup_str(f);
#define FREE(f) free(f); f = NULL;

static void copy_end(struct conn_end *dst, const struct conn_end *src)
{
	*dst = *src;
	END_STRINGS(DUP, dst)
	dst->subnets = NULL;
	if (src->nr_subnets > 0) {
		dst->subnets = calloc(src->nr_subnets, sizeof(*dst->subnets));
		if (dst->subnets == NULL)
			abort();
		memcpy(dst->subnets, src->subnets, src->nr_subnets * sizeof(*dst->subnets));
	}
	dst->id = id_clone(&src->id);
}

static void free_end(struct conn_end *e)
{
	END_STRINGS(FREE, e)
	free(e->subnets);
	e->subnets = NULL;
	e->nr_subnets = 0;
	id_free(&e->id);
}

struct conn_config *conn_config_copy(const struct conn_config *src)
{
	struct conn_config *c = malloc(sizeof(*c));
	if (c == NULL)
		abort();
	*c = *src;
	CONFIG_STRINGS(DUP, c)
	copy_end(&c->left, &src->left);
	copy_end(&c->right, &src->right);
	c->problems = NULL;
	c->nr_problems = 0;
	return c;
}

void conn_config_copy_free(struct conn_config **cp)
{
	struct conn_config *c = *cp;
	if (c == NULL)
		return;
	CONFIG_STRINGS(FREE, c)
	free_end(&c->left);
	free_end(&c->right);
	free(c);
	*cp = NULL;
}
