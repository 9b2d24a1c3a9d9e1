/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/nsspassword.h"

diag_t nsspassword_find(const char *text, size_t len, const char *token, char **password)
{
	size_t toklen = strlen(token);
	unsigned lines = 0;
	size_t i = 0;
	while (i < len) {
		size_t start = i;
		while (i < len && text[i] != '\n' && text[i] != '\0')
			i++;
		size_t end = i;
		if (i < len)
			i++;	/* the delimiter */
		lines++;
		if (end > start && text[end - 1] == '\r')
			end--;
		if (end - start >= toklen + 1 && memcmp(text + start, token, toklen) == 0 &&
		    text[start + toklen] == ':') {
			size_t n = end - start - toklen - 1;
			char *p = malloc(n + 1);
			if (p == NULL)
				abort();
			memcpy(p, text + start + toklen + 1, n);
			p[n] = '\0';
			*password = p;
			return NULL;
		}
	}
	return diag("no line for token '%s' in %u line%s", token, lines, lines == 1 ? "" : "s");
}

diag_t nsspassword_from_file(const char *path, const char *token, char **password)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return diag("cannot read %s: %s", path, strerror(errno));
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), f);
	bool err = ferror(f);
	bool more = !err && fgetc(f) != EOF;
	fclose(f);
	if (err)
		return diag("cannot read %s: read error", path);
	if (more)
		return diag("%s: longer than %zu octets", path, sizeof(buf));
	diag_t d = nsspassword_find(buf, n, token, password);
	memset(buf, 0, sizeof(buf));
	return diag_prefix(d, "%s", path);
}
