/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the ipsec.secrets parser from a memory buffer, then
 * a PSK lookup with IDs taken from the parsed entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tern/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secrets *s = NULL;
	secrets_parse_buffer("fuzz.secrets", (const char *)data, size, &s);
	if (s == NULL)
		abort();
	unsigned total = 0;
	for (int k = 0; k < SECRET_KIND_ROOF; k++)
		total += s->count[k];
	if (total != s->nr_secrets)
		abort();
	for (unsigned i = 0; i < s->nr_secrets; i++) {
		const struct secret *sec = &s->secrets[i];
		const struct id *a = sec->nr_ids > 0 ? &sec->ids[0] : NULL;
		const struct id *b = sec->nr_ids > 1 ? &sec->ids[1] : NULL;
		const struct secret *found = secrets_find_psk(s, a, b);
		if (found != NULL && found->kind != SECRET_PSK)
			abort();
		if ((sec->kind == SECRET_PSK || sec->kind == SECRET_XAUTH) && sec->len == 0)
			abort();
	}
	for (unsigned i = 0; i < s->nr_problems; i++)
		if (strncmp(s->problems[i].message, "fuzz.secrets", 12) != 0)
			abort();
	secrets_free(&s);
	return 0;
}
