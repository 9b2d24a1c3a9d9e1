/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tern/ctl.h"
#include "auth/secrets_store.h"

static struct secrets *loaded;

int secrets_store_load(const char *path, const struct logger *logger)
{
	struct secrets *s = NULL;
	if (loaded != NULL)
		llog(logger, LOG_SEV_INFO, "forgetting secrets");
	llog(logger, LOG_SEV_INFO, "loading secrets from \"%s\"", path);
	diag_t d = secrets_load(path, &s);
	if (d != NULL) {
		llog_diag(logger, LOG_SEV_ERROR, &d, "secrets not reloaded");
		return CTL_RC_BADCONFIG;
	}
	/* problem texts never contain secret bytes (lib/conf's promise) */
	for (unsigned i = 0; i < s->nr_problems; i++)
		llog(logger, s->problems[i].error ? LOG_SEV_ERROR : LOG_SEV_WARNING, "%s",
		     s->problems[i].message);
	/* Libreswan says nothing more at info level; the count is a debug line */
	if (dbg(DBG_BASE)) LLOG_JAMBUF(logger, LOG_SEV_DEBUG, b) {
		jam(b, "loaded %u secrets", s->nr_secrets);
		const char *sep = " (";
		for (unsigned k = 0; k < SECRET_KIND_ROOF; k++) {
			if (s->count[k] > 0) {
				jam(b, "%s%u %s", sep, s->count[k], secret_kind_name((enum secret_kind)k));
				sep = ", ";
			}
		}
		if (sep[0] == ',')
			jam_char(b, ')');
	}
	secrets_free(&loaded);
	loaded = s;
	return s->nr_errors > 0 ? CTL_RC_BADCONFIG : CTL_RC_OK;
}

const struct secrets *secrets_store(void)
{
	return loaded;
}

void secrets_store_free(void)
{
	secrets_free(&loaded);
}
