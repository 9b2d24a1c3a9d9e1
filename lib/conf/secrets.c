/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipsec.secrets: "ID... : KIND SECRET" entries, include, comments.
 * The secret bytes are never copied into any message.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "tern/secrets.h"
#include "loader.h"	/* loader_read_file */

#define MAX_INCLUDE_DEPTH 10

struct sloader {
	struct secrets *s;
	unsigned alloc_secrets, alloc_problems;
	unsigned depth;
	bool allow_include;
};

static void problem(struct sloader *L, const char *file, unsigned line, bool error,
		    const char *fmt, ...) TERN_PRINTF(5, 6);
static void problem(struct sloader *L, const char *file, unsigned line, bool error,
		    const char *fmt, ...)
{
	struct secrets *s = L->s;
	if (s->nr_problems == L->alloc_problems) {
		L->alloc_problems = L->alloc_problems ? L->alloc_problems * 2 : 8;
		s->problems = conf_realloc_array(s->problems, L->alloc_problems, sizeof(*s->problems));
	}
	char text[1024];
	struct jambuf b = jambuf_init(text, sizeof(text));
	if (line > 0)
		jam(&b, "%s:%u: ", file, line);
	else
		jam(&b, "%s: ", file);
	if (!error)
		jam_str(&b, "warning: ");
	va_list ap;
	va_start(ap, fmt);
	jamv(&b, fmt, ap);
	va_end(ap);
	s->problems[s->nr_problems++] = (struct conf_problem){
		.file = conf_strdup(file), .line = line, .error = error,
		.message = conf_strdup(text),
	};
	if (error)
		s->nr_errors++;
	else
		s->nr_warnings++;
}

const char *secret_kind_name(enum secret_kind kind)
{
	switch (kind) {
	case SECRET_PSK: return "PSK";
	case SECRET_XAUTH: return "XAUTH";
	case SECRET_RSA: return "RSA";
	case SECRET_ECDSA: return "ECDSA";
	case SECRET_PPK: return "PPK";
	case SECRET_KIND_ROOF: break;
	}
	return "unknown";
}

/* ---- tokens ---- */

struct token {
	const char *p;	/* into the entry text (quotes and braces removed) */
	size_t len;
	char quote;	/* '"', '{' or 0 */
};

/* split TEXT into tokens; false (with *why) on an unterminated quote or brace */
static bool tokenize(const char *text, struct token **out, unsigned *n, const char **why)
{
	struct token *t = NULL;
	unsigned nr = 0;
	const char *p = text;
	for (;;) {
		p += strspn(p, " \t");
		if (*p == '\0' || *p == '#')
			break;
		struct token tok = { 0 };
		if (*p == '"' || *p == '\'') {
			char q = *p++;
			const char *end = strchr(p, q);
			if (end == NULL) {
				free(t);
				*why = "unterminated quoted string";
				return false;
			}
			tok = (struct token){ .p = p, .len = (size_t)(end - p), .quote = '"' };
			p = end + 1;
		} else if (*p == '{') {
			p++;
			const char *end = strchr(p, '}');
			if (end == NULL) {
				free(t);
				*why = "unterminated { braced } key";
				return false;
			}
			tok = (struct token){ .p = p, .len = (size_t)(end - p), .quote = '{' };
			p = end + 1;
		} else {
			size_t len = strcspn(p, " \t");
			tok = (struct token){ .p = p, .len = len };
			p += len;
		}
		t = conf_realloc_array(t, nr + 1, sizeof(*t));
		t[nr++] = tok;
	}
	*out = t;
	*n = nr;
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* decode a secret token; the message never contains the token */
static const char *decode_secret(const struct token *t, uint8_t **bytes, size_t *len)
{
	uint8_t *b = conf_alloc(t->len + 1);
	size_t n = 0;
	if (t->quote == '"') {
		memcpy(b, t->p, t->len);
		n = t->len;
	} else if (t->len > 2 && t->p[0] == '0' && (t->p[1] == 'x' || t->p[1] == 'X')) {
		int hi = -1;
		for (size_t i = 2; i < t->len; i++) {
			if (t->p[i] == '_')
				continue;
			int v = hexval((unsigned char)t->p[i]);
			if (v < 0) {
				free(b);
				return "invalid character in 0x hex secret";
			}
			if (hi < 0) {
				hi = v;
			} else {
				b[n++] = (uint8_t)(hi << 4 | v);
				hi = -1;
			}
		}
		if (hi >= 0) {
			free(b);
			return "0x hex secret has an odd number of digits";
		}
	} else if (t->len > 2 && t->p[0] == '0' && (t->p[1] == 's' || t->p[1] == 'S')) {
		uint32_t acc = 0;
		unsigned bits = 0, pad = 0;
		for (size_t i = 2; i < t->len; i++) {
			if (t->p[i] == '=') {
				pad++;
				continue;
			}
			int v = b64val((unsigned char)t->p[i]);
			if (v < 0 || pad > 0) {
				free(b);
				return "invalid character in 0s base64 secret";
			}
			acc = acc << 6 | (uint32_t)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				b[n++] = (uint8_t)(acc >> bits);
				acc &= (1u << bits) - 1;
			}
		}
		if (pad > 2 || bits >= 6) {
			free(b);
			return "malformed 0s base64 secret";
		}
	} else {
		free(b);
		return "a secret must be \"quoted\", 0x hex or 0s base64";
	}
	if (n == 0) {
		free(b);
		return "empty secret";
	}
	*bytes = b;
	*len = n;
	return NULL;
}

static void secret_free(struct secret *sec)
{
	for (unsigned i = 0; i < sec->nr_ids; i++)
		id_free(&sec->ids[i]);
	free(sec->ids);
	if (sec->bytes != NULL)
		explicit_bzero(sec->bytes, sec->len);
	free(sec->bytes);
	free(sec->key_ref);
	free(sec->ppk_id);
	free(sec->file);
	*sec = (struct secret){ 0 };
}

static char *token_str(const struct token *t)
{
	char *s = conf_alloc(t->len + 1);
	memcpy(s, t->p, t->len);
	s[t->len] = '\0';
	return s;
}

static void parse_entry(struct sloader *L, const char *file, unsigned line, const char *text);
static void do_include(struct sloader *L, const char *file, unsigned line, const char *pattern);

static void check_mode(struct sloader *L, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		problem(L, path, 0, false,
			"file is readable or writable by group or others (mode %04o); use chmod 600",
			(unsigned)(st.st_mode & 07777));
}

static void parse_text(struct sloader *L, const char *file, const char *buf, size_t len)
{
	/* logical entries: a margin line plus the indented lines after it */
	char *entry = NULL;
	size_t elen = 0;
	unsigned eline = 0, line = 0;
	size_t pos = 0;
	while (pos <= len) {
		size_t end = pos;
		while (end < len && buf[end] != '\n')
			end++;
		bool last = end >= len;
		size_t n = end - pos;
		const char *l = buf + pos;
		line++;
		pos = end + 1;
		if (memchr(l, '\0', n) != NULL) {
			problem(L, file, line, true, "NUL character in line");
			continue;
		}
		if (n > 0 && l[n - 1] == '\r')
			n--;
		size_t sp = 0;
		while (sp < n && (l[sp] == ' ' || l[sp] == '\t'))
			sp++;
		bool blank = sp == n || l[sp] == '#';
		bool indented = sp > 0;
		if (!blank && indented && entry != NULL) {
			entry = conf_realloc_array(entry, elen + n + 2, 1);
			entry[elen++] = ' ';
			memcpy(entry + elen, l, n);
			elen += n;
			entry[elen] = '\0';
		} else if (!blank && indented) {
			problem(L, file, line, true,
				"indented line without an entry (entries start at the left margin)");
		} else if (!blank) {
			if (entry != NULL) {
				parse_entry(L, file, eline, entry);
				explicit_bzero(entry, elen);
				free(entry);
			}
			entry = conf_alloc(n + 1);
			memcpy(entry, l, n);
			elen = n;
			eline = line;
		}
		if (last)
			break;
	}
	if (entry != NULL) {
		parse_entry(L, file, eline, entry);
		explicit_bzero(entry, elen);
		free(entry);
	}
}

static void parse_entry(struct sloader *L, const char *file, unsigned line, const char *text)
{
	struct token *t = NULL;
	unsigned nt = 0;
	const char *why = NULL;
	if (!tokenize(text, &t, &nt, &why)) {
		problem(L, file, line, true, "%s", why);
		return;
	}
	if (nt == 0) {
		free(t);
		return;
	}
	if (t[0].quote == 0 && t[0].len == 7 && strncmp(t[0].p, "include", 7) == 0) {
		if (nt != 2) {
			problem(L, file, line, true, "'include' needs exactly one file name");
		} else {
			char *pattern = token_str(&t[1]);
			do_include(L, file, line, pattern);
			free(pattern);
		}
		free(t);
		return;
	}
	/* the ':' separator: a token of its own or the end of a non-IPv6 token */
	unsigned colon = nt;
	bool colon_inside = false;
	for (unsigned i = 0; i < nt && colon == nt; i++) {
		if (t[i].quote != 0)
			continue;
		if (t[i].len == 1 && t[i].p[0] == ':') {
			colon = i;
		} else if (t[i].len > 1 && t[i].p[t[i].len - 1] == ':' &&
			   memchr(t[i].p, ':', t[i].len - 1) == NULL) {
			colon = i;
			colon_inside = true;
		}
	}
	if (colon == nt) {
		problem(L, file, line, true, "expecting 'ID... : KIND SECRET' (no ':' separator found)");
		free(t);
		return;
	}
	struct secret sec = { .file = conf_strdup(file), .line = line };
	/* IDs */
	unsigned nids = colon + (colon_inside ? 1 : 0);
	for (unsigned i = 0; i < nids; i++) {
		char *src = token_str(&t[i]);
		if (colon_inside && i == colon)
			src[t[i].len - 1] = '\0';
		struct id id;
		diag_t d = ttoid(src, &id);
		if (d != NULL) {
			problem(L, file, line, true, "invalid ID: %s", diag_str(d));
			diag_free(&d);
			free(src);
			secret_free(&sec);
			free(t);
			return;
		}
		free(src);
		sec.ids = conf_realloc_array(sec.ids, sec.nr_ids + 1, sizeof(*sec.ids));
		sec.ids[sec.nr_ids++] = id;
	}
	/* KIND */
	unsigned k = colon + 1;
	if (k >= nt) {
		problem(L, file, line, true, "missing secret kind after ':' (expecting PSK, XAUTH, RSA, ECDSA or PPK)");
		secret_free(&sec);
		free(t);
		return;
	}
	static const struct { const char *name; enum secret_kind kind; } kinds[] = {
		{ "PSK", SECRET_PSK }, { "XAUTH", SECRET_XAUTH }, { "RSA", SECRET_RSA },
		{ "ECDSA", SECRET_ECDSA }, { "PPK", SECRET_PPK },
	};
	bool found = false;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (t[k].quote == 0 && strlen(kinds[i].name) == t[k].len &&
		    strncasecmp(kinds[i].name, t[k].p, t[k].len) == 0) {
			sec.kind = kinds[i].kind;
			found = true;
		}
	if (!found) {
		/* the token may be a misplaced secret: never print it */
		problem(L, file, line, true, "unknown secret kind after ':' (expecting PSK, XAUTH, RSA, ECDSA or PPK)");
		secret_free(&sec);
		free(t);
		return;
	}
	const char *kn = secret_kind_name(sec.kind);
	unsigned rest = nt - k - 1;
	const struct token *v = &t[k + 1];
	const char *err = NULL;
	switch (sec.kind) {
	case SECRET_PSK:
	case SECRET_XAUTH:
		if (rest != 1)
			err = rest == 0 ? "missing secret" : "unexpected text after the secret";
		else
			err = decode_secret(v, &sec.bytes, &sec.len);
		break;
	case SECRET_PPK:
		if (rest != 2) {
			err = "expecting PPK \"PPK-ID\" SECRET";
		} else {
			sec.ppk_id = token_str(&v[0]);
			err = decode_secret(&v[1], &sec.bytes, &sec.len);
		}
		break;
	case SECRET_RSA:
	case SECRET_ECDSA:
		if (rest != 1) {
			err = "expecting a \"ckaid\", a nickname or a { braced } key";
		} else {
			sec.key_ref = token_str(v);
			/* braced keys span lines: normalise white space */
			for (char *p = sec.key_ref; *p != '\0'; p++)
				if (*p == '\t')
					*p = ' ';
			if (sec.key_ref[strspn(sec.key_ref, " ")] == '\0')
				err = "empty key reference";
		}
		break;
	case SECRET_KIND_ROOF:
		break;
	}
	free(t);
	if (err != NULL) {
		problem(L, file, line, true, "invalid %s entry: %s", kn, err);
		secret_free(&sec);
		return;
	}
	struct secrets *s = L->s;
	if (s->nr_secrets == L->alloc_secrets) {
		L->alloc_secrets = L->alloc_secrets ? L->alloc_secrets * 2 : 8;
		s->secrets = conf_realloc_array(s->secrets, L->alloc_secrets, sizeof(*s->secrets));
	}
	s->secrets[s->nr_secrets++] = sec;
	s->count[sec.kind]++;
}

static void include_one(struct sloader *L, const char *file, unsigned line, const char *path)
{
	char *buf;
	size_t len;
	if (!loader_read_file(path, &buf, &len)) {
		problem(L, file, line, true, "cannot open include file '%s': %s", path, strerror(errno));
		return;
	}
	check_mode(L, path);
	L->depth++;
	parse_text(L, path, buf, len);
	L->depth--;
	explicit_bzero(buf, len);
	free(buf);
}

static void do_include(struct sloader *L, const char *file, unsigned line, const char *pattern)
{
	if (!L->allow_include) {
		problem(L, file, line, true, "include is not available when parsing from memory");
		return;
	}
	if (L->depth >= MAX_INCLUDE_DEPTH) {
		problem(L, file, line, true,
			"include '%s' nested too deeply (more than %d levels; an include loop?)",
			pattern, MAX_INCLUDE_DEPTH);
		return;
	}
	char *path;
	if (pattern[0] == '/') {
		path = conf_strdup(pattern);
	} else {
		char *tmp = conf_strdup(file);
		if (asprintf(&path, "%s/%s", dirname(tmp), pattern) < 0)
			abort();
		free(tmp);
	}
	if (strpbrk(pattern, "*?[") == NULL) {
		include_one(L, file, line, path);
	} else {
		glob_t g;
		int r = glob(path, 0, NULL, &g);
		if (r == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++)
				include_one(L, file, line, g.gl_pathv[i]);
		} else if (r != GLOB_NOMATCH) {
			problem(L, file, line, true, "include '%s': cannot expand the pattern", path);
		}
		if (r == 0 || r == GLOB_NOMATCH)
			globfree(&g);
	}
	free(path);
}

diag_t secrets_load(const char *path, struct secrets **out)
{
	char *buf;
	size_t len;
	if (!loader_read_file(path, &buf, &len))
		return diag("cannot open '%s': %s", path, strerror(errno));
	struct sloader L = { .s = conf_alloc(sizeof(struct secrets)), .allow_include = true };
	check_mode(&L, path);
	parse_text(&L, path, buf, len);
	explicit_bzero(buf, len);
	free(buf);
	*out = L.s;
	return NULL;
}

void secrets_parse_buffer(const char *name, const char *buf, size_t len, struct secrets **out)
{
	struct sloader L = { .s = conf_alloc(sizeof(struct secrets)), .allow_include = false };
	parse_text(&L, name, buf, len);
	*out = L.s;
}

/* 3: both ends named; 2: one end named (and, for lists, a wildcard for
 * the other); 1: default entry or only wildcards; 0: no match */
static int match_score(const struct secret *sec, const struct id *local, const struct id *remote)
{
	if (sec->nr_ids == 0)
		return 1;
	bool has_local = false, has_remote = false, has_wild = false;
	unsigned local_at = sec->nr_ids;
	for (unsigned i = 0; i < sec->nr_ids; i++) {
		const struct id *id = &sec->ids[i];
		if (id_is_wildcard(id)) {
			has_wild = true;
		} else if (!has_local && local != NULL && id_equal(id, local)) {
			has_local = true;
			local_at = i;
		}
	}
	for (unsigned i = 0; i < sec->nr_ids; i++) {
		const struct id *id = &sec->ids[i];
		if (!id_is_wildcard(id) && i != local_at && remote != NULL && id_equal(id, remote))
			has_remote = true;
	}
	/* a one-ID entry may name either end (local == remote also counts) */
	if (sec->nr_ids == 1) {
		if (has_wild)
			return 1;
		if (has_local || (remote != NULL && id_equal(&sec->ids[0], remote)))
			return 2;
		return 0;
	}
	if (has_local && has_remote)
		return 3;
	if ((has_local || has_remote) && has_wild)
		return 2;
	bool all_wild = true;
	for (unsigned i = 0; i < sec->nr_ids; i++)
		all_wild = all_wild && id_is_wildcard(&sec->ids[i]);
	return all_wild ? 1 : 0;
}

const struct secret *secrets_find_psk(const struct secrets *s, const struct id *local,
				      const struct id *remote)
{
	const struct secret *best = NULL;
	int best_score = 0;
	for (unsigned i = 0; s != NULL && i < s->nr_secrets; i++) {
		const struct secret *sec = &s->secrets[i];
		if (sec->kind != SECRET_PSK)
			continue;
		int score = match_score(sec, local, remote);
		if (score > best_score) {
			best = sec;
			best_score = score;
		}
	}
	return best;
}

void secrets_free(struct secrets **sp)
{
	struct secrets *s = *sp;
	if (s == NULL)
		return;
	for (unsigned i = 0; i < s->nr_secrets; i++)
		secret_free(&s->secrets[i]);
	free(s->secrets);
	for (unsigned i = 0; i < s->nr_problems; i++) {
		free(s->problems[i].file);
		free(s->problems[i].conn);
		free(s->problems[i].message);
	}
	free(s->problems);
	free(s);
	*sp = NULL;
}
