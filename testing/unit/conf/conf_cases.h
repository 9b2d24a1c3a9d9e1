/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table of ipsec.conf parser cases: text in, exact problems out, typed checks */
#ifndef CONF_CASES_H
#define CONF_CASES_H

#include "tern/conf.h"

#define MAXP 8
struct conf_case {
	const char *name;
	const char *text;
	const char *problems[MAXP];	/* exact messages, in order */
	bool file_error;		/* conf->has_errors expected */
	void (*check)(const struct ipsec_conf *conf);
};

#endif
