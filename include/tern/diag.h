/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one error convention of tern, in lib/ and in the programs:
 *
 *   diag_t f(inputs..., outputs *out);
 *
 * returns NULL on success, or an allocated diagnostic that names what was
 * wrong and where ("line 12: unknown keyword 'lefft'").  On failure the
 * outputs are untouched ("changes nothing else").  The caller owns the
 * diag: it logs it, adds context with diag_prefix(), or frees it.
 * Functions that cannot fail return void or a value; functions with a
 * simple yes/no answer return bool.
 */
#ifndef TERN_DIAG_H
#define TERN_DIAG_H

#include "tern/jambuf.h"

typedef struct diag *diag_t;

diag_t diag(const char *fmt, ...) TERN_PRINTF(1, 2);
diag_t diagv(const char *fmt, va_list ap) TERN_PRINTF(1, 0);
/* "PREFIX: old message"; consumes D (NULL stays NULL) */
diag_t diag_prefix(diag_t d, const char *fmt, ...) TERN_PRINTF(2, 3);
const char *diag_str(diag_t d);
/* frees *D and sets it to NULL */
void diag_free(diag_t *d);

#endif
