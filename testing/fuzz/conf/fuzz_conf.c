/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the ipsec.conf parser from a memory buffer (includes
 * are reported, not followed).  Besides "no crash", it checks invariants:
 * every problem message starts with the file name, every conn can be
 * found by name, and conn checks and printers run on whatever was built.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tern/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipsec_conf *conf = NULL;
	ipsec_conf_parse_buffer("fuzz.conf", (const char *)data, size, &conf);
	if (conf == NULL)
		abort();
	for (unsigned i = 0; i < conf->nr_problems; i++)
		if (strncmp(conf->problems[i].message, "fuzz.conf", 9) != 0)
			abort();
	for (unsigned i = 0; i < conf->nr_conns; i++) {
		const struct conn_config *c = conf->conns[i];
		if (ipsec_conf_find(conf, c->name) != c)
			abort();
		diag_t d = conn_config_check(c);
		diag_free(&d);
		char buf[256];
		struct jambuf b = jambuf_init(buf, sizeof(buf));
		jam_authby(&b, c->authby);
		jam_duration(&b, c->ikelifetime_ms);
		jam_id(&b, &c->left.id);
		jam_subnet(&b, &c->right.subnet);
		for (unsigned k = 0; k < c->nr_problems; k++)
			if (!c->problems[k]->error)
				abort();
	}
	ipsec_conf_free(&conf);
	return 0;
}
