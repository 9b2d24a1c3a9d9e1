/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "conn/conf_cache.h"

static const struct ipsec_conf *kept;	/* the last parse, or the start-up one */
static struct ipsec_conf *owned;	/* kept, when it is ours to free */

void conf_cache_seed(const struct ipsec_conf *conf)
{
	if (owned == NULL)
		kept = conf;
}

diag_t conf_cache_load(const char *path, const struct ipsec_conf **out)
{
	if (kept != NULL && strcmp(kept->file, path) == 0 && ipsec_conf_unchanged(kept)) {
		*out = kept;
		return NULL;
	}
	struct ipsec_conf *conf = NULL;
	diag_t d = ipsec_conf_load(path, &conf);
	if (d != NULL)
		return d;
	ipsec_conf_free(&owned);
	owned = conf;
	kept = conf;
	*out = conf;
	return NULL;
}

void conf_cache_free(void)
{
	ipsec_conf_free(&owned);
	kept = NULL;
}
