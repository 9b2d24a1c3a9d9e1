/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tern/diag.h"

struct diag {
	char text[1];	/* flexible: allocated to fit */
};

diag_t diagv(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();	/* out of memory: nothing sane to do */
	return (diag_t)s;
}

diag_t diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_t d = diagv(fmt, ap);
	va_end(ap);
	return d;
}

diag_t diag_prefix(diag_t d, const char *fmt, ...)
{
	if (d == NULL)
		return NULL;
	char *pre = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&pre, fmt, ap) < 0)
		abort();
	va_end(ap);
	diag_t n = diag("%s: %s", pre, d->text);
	free(pre);
	diag_free(&d);
	return n;
}

const char *diag_str(diag_t d)
{
	return d == NULL ? "(no error)" : d->text;
}

void diag_free(diag_t *d)
{
	free(*d);
	*d = NULL;
}
