/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conn_config_clone(): a deep copy of a conn_config (see tern/conf.h). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CONF_DUP_FIELD(f) (f) = (f) != NULL ? conf_strdup(f) : NULL;

static void clone_end(struct conn_end *dst, const struct conn_end *src)
{
	*dst = *src;
	CONN_END_STRING_FIELDS(CONF_DUP_FIELD, dst)
	dst->subnets = NULL;
	if (src->nr_subnets > 0) {
		dst->subnets = conf_alloc(src->nr_subnets * sizeof(*dst->subnets));
		memcpy(dst->subnets, src->subnets, src->nr_subnets * sizeof(*dst->subnets));
	}
	dst->id = id_clone(&src->id);
}

struct conn_config *conn_config_clone(const struct conn_config *src)
{
	struct conn_config *c = conf_alloc(sizeof(*c));
	*c = *src;
	CONN_CONFIG_STRING_FIELDS(CONF_DUP_FIELD, c)
	clone_end(&c->left, &src->left);
	clone_end(&c->right, &src->right);
	c->problems = NULL;
	c->nr_problems = 0;
	c->extras = NULL;
	if (src->nr_extras > 0) {
		c->extras = conf_alloc(src->nr_extras * sizeof(*c->extras));
		for (unsigned i = 0; i < src->nr_extras; i++)
			c->extras[i] = (struct conf_extra){
				.key = conf_strdup(src->extras[i].key),
				.value = conf_strdup(src->extras[i].value),
			};
	}
	return c;
}

void conn_config_clone_free(struct conn_config **cp)
{
	struct conn_config *c = *cp;
	if (c == NULL)
		return;
	conf_conn_free_fields(c);
	free(c);
	*cp = NULL;
}
