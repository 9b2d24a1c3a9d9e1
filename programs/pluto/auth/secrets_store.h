/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The loaded ipsec.secrets (reread on SIGHUP and whack --rereadsecrets). */
#ifndef PLUTO_AUTH_SECRETS_STORE_H
#define PLUTO_AUTH_SECRETS_STORE_H

#include "tern/log.h"
#include "tern/secrets.h"

/* load PATH; on failure the secrets loaded before stay; returns a CTL_RC_* */
int secrets_store_load(const char *path, const struct logger *logger);
const struct secrets *secrets_store(void);
void secrets_store_free(void);

#endif
