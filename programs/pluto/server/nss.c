/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nss.h>
#include <prerror.h>
#include <secmod.h>

#include "server/nss.h"

static bool nss_open;

diag_t pluto_nss_init(const char *nssdir, const struct logger *logger)
{
	char db[4096];
	struct stat st;
	snprintf(db, sizeof(db), "%s/cert9.db", nssdir);
	if (stat(nssdir, &st) < 0 || !S_ISDIR(st.st_mode) || access(db, R_OK) < 0)
		return diag("NSS: database directory \"%s\" not initialized; run 'ipsec initnss'",
			    nssdir);
	char spec[4200];
	snprintf(spec, sizeof(spec), "sql:%s", nssdir);
	llog(logger, LOG_SEV_INFO, "Initializing NSS using read-only database \"%s\"", spec);
	if (NSS_Initialize(spec, "", "", SECMOD_DB, NSS_INIT_READONLY) != SECSuccess) {
		PRErrorCode e = PR_GetError();
		return diag("NSS: initialization using \"%s\" failed: %s (error %d)", spec,
			    PR_ErrorToName(e) != NULL ? PR_ErrorToName(e) : "unknown", (int)e);
	}
	nss_open = true;
	llog(logger, LOG_SEV_INFO, "NSS initialized");
	llog(logger, LOG_SEV_INFO, "NSS crypto library version %s", NSS_GetVersion());
	return NULL;
}

void pluto_nss_shutdown(void)
{
	if (nss_open)
		NSS_Shutdown();
	nss_open = false;
}
