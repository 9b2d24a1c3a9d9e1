/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Throwaway NSS databases for unit tests: see nss_testdb.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nss.h>

#include "nss_testdb.h"

char testdb_dir[64];

int testdb_sh(const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	free(cmd);
	return rc;
}

int testdb_create(const char *prefix, ...)
{
	snprintf(testdb_dir, sizeof(testdb_dir), "/tmp/%s-XXXXXX", prefix);
	if (mkdtemp(testdb_dir) == NULL)
		return -1;
	if (testdb_sh("head -c 2048 /dev/urandom > %s/noise", testdb_dir) != 0)
		return -1;
	va_list ap;
	va_start(ap, prefix);
	int rc = 0;
	for (const char *db = va_arg(ap, const char *); db != NULL && rc == 0;
	     db = va_arg(ap, const char *))
		rc = testdb_sh("mkdir %s/%s && certutil -N -d sql:%s/%s --empty-password",
			       testdb_dir, db, testdb_dir, db);
	va_end(ap);
	return rc;
}

int testdb_issue(const char *db, const char *nick, const char *subject, const char *ca,
		 int serial, const char *extra)
{
	if (ca == NULL)
		return testdb_sh("printf 'y\\n\\ny\\n' | certutil -S -d sql:%s/%s -n %s -s '%s' -x "
				 "-t CT,C,C -k rsa -g 2048 -Z SHA256 -v 12 -m %d -z %s/noise -2 "
				 "--keyUsage certSigning,crlSigning >/dev/null 2>&1",
				 testdb_dir, db, nick, subject, serial, testdb_dir);
	return testdb_sh("certutil -S -d sql:%s/%s -n %s -s '%s' -c %s -t u,u,u -Z SHA256 -m %d "
			 "-z %s/noise %s </dev/null >/dev/null 2>&1",
			 testdb_dir, db, nick, subject, ca, serial, testdb_dir, extra);
}

int testdb_open(const char *db)
{
	char *path = NULL;
	if (asprintf(&path, "sql:%s/%s", testdb_dir, db) < 0)
		abort();
	SECStatus s = NSS_InitReadWrite(path);
	free(path);
	return s == SECSuccess ? 0 : -1;
}

void testdb_remove(void)
{
	NSS_Shutdown();
	testdb_sh("rm -rf %s", testdb_dir);
}
