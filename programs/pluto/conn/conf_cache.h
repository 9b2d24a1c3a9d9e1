/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The last ipsec.conf pluto parsed, kept: `ipsec add NAME` takes NAME from
 * it while none of its files changed (lib/conf ipsec_conf_unchanged()), so
 * one add does not parse a file of 10,000 conns again.  At most one file
 * besides the start-up one is kept.
 */
#ifndef PLUTO_CONN_CONF_CACHE_H
#define PLUTO_CONN_CONF_CACHE_H

#include "tern/conf.h"
#include "tern/diag.h"

/* the start-up parse (not owned: pluto keeps it for its life) */
void conf_cache_seed(const struct ipsec_conf *conf);
/* PATH parsed: the kept one when unchanged, else loaded again (and kept) */
diag_t conf_cache_load(const char *path, const struct ipsec_conf **out);
void conf_cache_free(void);

#endif
