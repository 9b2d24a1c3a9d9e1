/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nss.h>
#include <pk11pub.h>
#include <prerror.h>
#include <secmod.h>

#include "server/nss.h"
#include "tern/nsspassword.h"

static bool nss_open;
static const char *nss_password;
static const char *nss_password_file = NSSPASSWORD_DEFAULT_DIR "/" NSSPASSWORD_FILE_NAME;
static const struct logger *nss_logger;

void pluto_nss_password(const char *password, const char *file)
{
	if (password != NULL)
		nss_password = password;
	if (file != NULL)
		nss_password_file = file;
}

/* PK11PasswordFunc: asked once, at start-up, by PK11_Authenticate() */
static char *password_cb(PK11SlotInfo *slot, PRBool retry, void *arg)
{
	(void)arg;
	if (retry || slot == NULL)
		return NULL;	/* the same answer would be wrong again */
	const char *token = PK11_GetTokenName(slot);
	if (nss_password != NULL) {
		llog(nss_logger, LOG_SEV_INFO,
		     "NSS Password for token \"%s\" with length %zu passed to NSS", token,
		     strlen(nss_password));
		return PORT_Strdup(nss_password);
	}
	char *pw = NULL;
	diag_t d = nsspassword_from_file(nss_password_file, token, &pw);
	if (d != NULL) {
		llog(nss_logger, LOG_SEV_ERROR, "NSS Password for token \"%s\": %s", token,
		     diag_str(d));
		diag_free(&d);
		return NULL;
	}
	llog(nss_logger, LOG_SEV_INFO,
	     "NSS Password from file \"%s\" for token \"%s\" with length %zu passed to NSS",
	     nss_password_file, token, strlen(pw));
	char *r = PORT_Strdup(pw);
	memset(pw, 0, strlen(pw));
	free(pw);
	return r;
}

static diag_t authenticate(void)
{
	PK11SlotInfo *slot = PK11_GetInternalKeySlot();
	if (slot == NULL)
		return diag("NSS: no internal key slot");
	diag_t d = NULL;
	if (PK11_NeedLogin(slot) &&
	    PK11_Authenticate(slot, PR_FALSE, NULL) != SECSuccess) {
		PRErrorCode e = PR_GetError();
		d = diag("NSS: authentication of \"%s\" failed: %s (the database has a password: "
			 "put \"%s:PASSWORD\" in %s)", PK11_GetTokenName(slot),
			 PR_ErrorToName(e) != NULL ? PR_ErrorToName(e) : "unknown",
			 PK11_GetTokenName(slot), nss_password_file);
	}
	PK11_FreeSlot(slot);
	return d;
}

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
	nss_logger = logger;
	PK11_SetPasswordFunc(password_cb);
	diag_t d = authenticate();
	if (d != NULL)
		return d;
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
