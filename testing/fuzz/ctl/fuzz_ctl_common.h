/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared checks of the ctl fuzz targets: whatever the decoder accepts must
 * re-encode, decode to the same thing, and re-encode to the same bytes.
 */
#ifndef FUZZ_CTL_COMMON_H
#define FUZZ_CTL_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tern/ctl.h"

#define FUZZ_CHECK(c) \
	do { if (!(c)) { fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); abort(); } } while (0)
#endif
