/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipsec.conf: lines, sections, includes, key=value entries */
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "loader.h"

#define MAX_INCLUDE_DEPTH 10
#define MAX_FILE_SIZE (64u << 20)

unsigned loader_problem(struct loader *L, const char *file, unsigned line, unsigned seq,
			const char *conn, bool error, const char *fmt, ...)
{
	struct ipsec_conf *conf = L->conf;
	if (conf->nr_problems == L->problems_alloc) {
		L->problems_alloc = L->problems_alloc ? L->problems_alloc * 2 : 16;
		conf->problems = conf_realloc_array(conf->problems, L->problems_alloc,
						    sizeof(*conf->problems));
		L->problem_seq = conf_realloc_array(L->problem_seq, L->problems_alloc,
						    sizeof(*L->problem_seq));
	}
	char text[1024];
	struct jambuf b = jambuf_init(text, sizeof(text));
	if (file != NULL && line > 0)
		jam(&b, "%s:%u: ", file, line);
	else if (file != NULL)
		jam(&b, "%s: ", file);
	if (!error)
		jam_str(&b, "warning: ");
	va_list ap;
	va_start(ap, fmt);
	jamv(&b, fmt, ap);
	va_end(ap);
	unsigned i = conf->nr_problems++;
	conf->problems[i] = (struct conf_problem){
		.file = file != NULL ? conf_strdup(file) : NULL,
		.line = line,
		.conn = conn != NULL ? conf_strdup(conn) : NULL,
		.error = error,
		.message = conf_strdup(text),
	};
	L->problem_seq[i] = seq;
	if (error) {
		conf->nr_errors++;
		if (conn == NULL)
			conf->has_errors = true;
	} else {
		conf->nr_warnings++;
	}
	return i;
}

bool loader_read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return false;
	}
	size_t alloc = 4096, n = 0;
	char *b = conf_alloc(alloc);
	for (;;) {
		if (n == alloc) {
			if (alloc >= MAX_FILE_SIZE) {
				free(b);
				fclose(f);
				errno = EFBIG;
				return false;
			}
			alloc *= 2;
			b = conf_realloc_array(b, alloc, 1);
		}
		size_t r = fread(b + n, 1, alloc - n, f);
		n += r;
		if (r == 0)
			break;
	}
	bool err = ferror(f);
	int saved = errno;
	fclose(f);
	if (err) {
		free(b);
		errno = saved ? saved : EIO;
		return false;
	}
	*buf = b;
	*len = n;
	return true;
}

static const char *keep_file(struct loader *L, const char *path)
{
	loader_watch(L, path);
	L->files = conf_realloc_array(L->files, L->nr_files + 1, sizeof(*L->files));
	L->files[L->nr_files] = conf_strdup(path);
	return L->files[L->nr_files++];
}

static struct section *new_section(struct loader *L, enum section_kind kind, const char *name,
				   const char *file, unsigned line)
{
	struct section *s = conf_alloc(sizeof(*s));
	s->kind = kind;
	s->name = conf_strdup(name);
	s->file = file;
	s->line = line;
	s->seq = L->seq;
	s->id = L->nr_sections;
	L->sections = conf_realloc_array(L->sections, L->nr_sections + 1, sizeof(*L->sections));
	L->sections[L->nr_sections++] = s;
	return s;
}

void section_add_problem(struct section *s, unsigned p)
{
	s->problems = conf_realloc_array(s->problems, s->nr_problems + 1, sizeof(*s->problems));
	s->problems[s->nr_problems++] = p;
}

static void where(const struct section *s, struct jambuf *b)
{
	if (s->kind == SEC_SETUP)
		jam_str(b, "config setup");
	else
		jam(b, "conn \"%s\"", s->name);
}

/* where() into BUF, for a message: formatted only when there is one to
 * report (formatting it for every line was a fifth of the parse) */
static const char *where_str(const struct section *s, char *buf, size_t size)
{
	struct jambuf b = jambuf_init(buf, size);
	where(s, &b);
	return buf;
}

/* printable form of untrusted text for messages */
static const char *safe(const char *s, char *buf, size_t size)
{
	struct jambuf b = jambuf_init(buf, size);
	jam_sanitized(&b, s, strlen(s));
	return buf;
}

static void do_include(struct loader *L, const char *file, unsigned line, const char *pattern);

static bool ttoduration_quiet(const char *value, uint64_t plain_ms, uint64_t *ms)
{
	diag_t d = ttoduration(value, plain_ms, ms);
	if (d == NULL)
		return true;
	diag_free(&d);
	return false;
}

static bool is_blank_or_comment(const char *p)
{
	p += strspn(p, " \t");
	return *p == '\0' || *p == '#';
}

/* a section's problems attach to its conn, setup problems are file-level */
static const char *problem_conn(const struct section *s)
{
	return s->kind == SEC_SETUP ? NULL : s->name;
}

static void parse_keyvalue(struct loader *L, const char *file, unsigned line, char *p)
{
	struct section *s = L->current;
	char sbuf[256], wbuf[128], kbuf[128];
#define WHERE where_str(s, wbuf, sizeof(wbuf))
	/* KEY */
	char *key = p;
	size_t klen = strcspn(p, "= \t");
	if (klen == 0 || p[klen] == '\0' || (p[klen] != '=' && p[klen + strspn(p + klen, " \t")] != '=')) {
		loader_problem(L, file, line, L->seq, NULL, true,
			       "syntax error in %s: expecting KEY=VALUE, found '%s'", WHERE,
			       safe(p, sbuf, sizeof(sbuf)));
		return;
	}
	p += klen;
	p += strspn(p, " \t");
	p++;	/* '=' */
	key[klen] = '\0';
	p += strspn(p, " \t");
	/* VALUE */
	char *value;
	char *rest;
	if (*p == '#' || *p == '\0') {
		value = p + strlen(p);	/* "key=" or "key= # comment": no value */
		rest = value;
	} else if (*p == '"') {
		value = ++p;
		char *out = p;
		while (*p != '\0' && *p != '"') {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			*out++ = *p++;
		}
		if (*p != '"') {
			loader_problem(L, file, line, L->seq, NULL, true,
				       "syntax error in %s: unterminated quoted value for '%s'", WHERE,
				       safe(key, sbuf, sizeof(sbuf)));
			return;
		}
		rest = p + 1;
		*out = '\0';
	} else if (*p == '{') {
		value = ++p;
		char *close = strchr(p, '}');
		if (close == NULL) {
			loader_problem(L, file, line, L->seq, NULL, true,
				       "syntax error in %s: unterminated {braced} value for '%s'", WHERE,
				       safe(key, sbuf, sizeof(sbuf)));
			return;
		}
		*close = '\0';
		rest = close + 1;
		/* trim inside the braces */
		value += strspn(value, " \t");
		size_t n = strlen(value);
		while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
			value[--n] = '\0';
	} else {
		value = p;
		size_t n = strcspn(p, " \t");
		rest = p + n;
		if (*rest != '\0') {
			*rest = '\0';
			rest++;
		}
	}
	if (!is_blank_or_comment(rest)) {
		const char *r = rest + strspn(rest, " \t");
		loader_problem(L, file, line, L->seq, NULL, true,
			       "syntax error in %s: unexpected text '%s' after the value of '%s' "
			       "(quote values that contain spaces)", WHERE,
			       safe(r, sbuf, sizeof(sbuf)), safe(key, kbuf, sizeof(kbuf)));
		return;
	}
	/* the keyword */
	unsigned kwi;
	bool right;
	const struct keyword *used;
	unsigned section_flag = s->kind == SEC_SETUP ? KW_SETUP : KW_CONN;
	if (!conf_keyword_lookup(key, &kwi, &right, &used)) {
		char sugg[48];
		const char *sg = conf_keyword_suggest(key, section_flag, sugg, sizeof(sugg));
		char hint[80] = "";
		if (sg != NULL)
			snprintf(hint, sizeof(hint), " (did you mean '%s'?)", sg);
		unsigned pi = loader_problem(L, file, line, L->seq, problem_conn(s), true,
					     "unknown keyword '%s' in %s%s",
					     safe(key, sbuf, sizeof(sbuf)), WHERE, hint);
		section_add_problem(s, pi);
		return;
	}
	const struct keyword *kw = &conf_keywords[kwi];
	if (!(kw->flags & section_flag)) {
		unsigned pi = loader_problem(L, file, line, L->seq, problem_conn(s), true,
					     "keyword '%s' belongs in %s, not in %s", key,
					     section_flag == KW_SETUP ? "a conn section" : "config setup",
					     WHERE);
		section_add_problem(s, pi);
		return;
	}
	if (value[0] == '\0') {
		unsigned pi = loader_problem(L, file, line, L->seq, problem_conn(s), true,
					     "missing value for '%s' in %s", key, WHERE);
		section_add_problem(s, pi);
		return;
	}
	if (used->flags & KW_OBSOLETE) {
		loader_problem(L, file, line, L->seq, problem_conn(s), false,
			       "obsolete keyword '%s' %s in %s (%s)", key,
			       used->type == KT_IGNORED ? "ignored" : "accepted", WHERE, used->hint);
	}
	/* duplicates: aliases share their canonical slot */
	unsigned slot = CONF_SLOT(kwi, right);
	if (!(kw->flags & KW_MULTI) && L->dup_stamp[slot] == s->id + 1) {
		const struct entry *first = &s->entries[L->dup_entry[slot]];
		unsigned pi = loader_problem(L, file, line, L->seq, problem_conn(s), true,
					     "duplicate keyword '%s' in %s (first set at %s:%u)",
					     key, WHERE, first->file, first->line);
		section_add_problem(s, pi);
		return;
	}
	/* a lifetime above its maximum is reduced, with a warning */
	uint64_t ms;
	if (kw->type == KT_DURATION && kw->max != 0 &&
	    ttoduration_quiet(value, kw->plain_ms, &ms) && ms > kw->max) {
		char max[32];
		struct jambuf mb = jambuf_init(max, sizeof(max));
		jam_duration(&mb, kw->max);
		loader_problem(L, file, line, L->seq, problem_conn(s), false,
			       "%s=%s in %s exceeds the maximum %s; using %s", key,
			       safe(value, sbuf, sizeof(sbuf)), WHERE, max, max);
	}
	/* check the value now, once, against a scratch object */
	diag_t d;
	if (s->kind == SEC_SETUP) {
		struct config_setup scratch;
		conf_setup_defaults(&scratch);
		d = conf_apply_setup(used->type == KT_IGNORED ? used : kw, value, &scratch);
		conf_setup_free_fields(&scratch);
	} else {
		struct conn_config scratch;
		conf_conn_defaults(&scratch);
		d = conf_apply_conn(used->alias_of == NULL ? used : kw, right, value, &scratch);
		conf_conn_free_fields(&scratch);
	}
	if (s->entries == NULL || s->nr_entries == s->alloc_entries) {
		s->alloc_entries = s->alloc_entries ? s->alloc_entries * 2 : 8;
		s->entries = conf_realloc_array(s->entries, s->alloc_entries, sizeof(*s->entries));
	}
	struct entry *e = &s->entries[s->nr_entries];
	*e = (struct entry){
		.kwi = kwi, .right = right, .used = used, .value = conf_strdup(value),
		.file = file, .line = line, .seq = L->seq, .problem = -1,
	};
	if (d != NULL) {
		char vbuf[256];
		e->bad = true;
		e->problem = (int)loader_problem(L, file, line, L->seq, problem_conn(s), true,
						 "invalid value %s='%s' in %s: %s", key,
						 safe(value, vbuf, sizeof(vbuf)), WHERE, diag_str(d));
		diag_free(&d);
		section_add_problem(s, (unsigned)e->problem);
	}
	if (kw->type == KT_ALSO) {
		s->also = conf_realloc_array(s->also, s->nr_also + 1, sizeof(*s->also));
		s->also[s->nr_also++] = s->nr_entries;
	} else {
		L->dup_stamp[slot] = s->id + 1;
		L->dup_entry[slot] = s->nr_entries;
	}
	s->nr_entries++;
#undef WHERE
}

static bool valid_conn_name(const char *name)
{
	if (name[0] == '\0' || strlen(name) > 200)
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '#' || c == '=')
			return false;
	}
	return name[0] != '%' || strcmp(name, "%default") == 0;
}

static void parse_margin_line(struct loader *L, const char *file, unsigned line, char *p)
{
	char sbuf[256];
	char *word = p;
	size_t wlen = strcspn(p, " \t");
	char *arg = p + wlen;
	if (*arg != '\0')
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	/* the argument is one word; anything but a comment after it is an error */
	char *after = arg + strcspn(arg, " \t");
	if (*after != '\0') {
		*after++ = '\0';
		if (!is_blank_or_comment(after)) {
			loader_problem(L, file, line, L->seq, NULL, true,
				       "syntax error: unexpected text '%s' after '%s %s'",
				       safe(after + strspn(after, " \t"), sbuf, sizeof(sbuf)), word, arg);
			L->current = NULL;
			return;
		}
	}
	if (arg[0] == '#')
		arg[0] = '\0';
	if (strcmp(word, "config") == 0) {
		if (strcmp(arg, "setup") != 0) {
			loader_problem(L, file, line, L->seq, NULL, true,
				       "syntax error: expecting 'config setup', found 'config %s'",
				       safe(arg, sbuf, sizeof(sbuf)));
			L->current = NULL;
			return;
		}
		if (L->setup == NULL)
			L->setup = new_section(L, SEC_SETUP, "setup", file, line);
		L->current = L->setup;
	} else if (strcmp(word, "conn") == 0) {
		if (arg[0] == '\0') {
			loader_problem(L, file, line, L->seq, NULL, true,
				       "syntax error: 'conn' needs a name");
			L->current = NULL;
			return;
		}
		if (!valid_conn_name(arg)) {
			loader_problem(L, file, line, L->seq, NULL, true,
				       "invalid conn name '%s'", safe(arg, sbuf, sizeof(sbuf)));
			L->current = NULL;
			return;
		}
		if (strcmp(arg, "%default") == 0) {
			if (L->defaults == NULL)
				L->defaults = new_section(L, SEC_DEFAULT, "%default", file, line);
			L->current = L->defaults;
		} else {
			L->current = new_section(L, SEC_CONN, arg, file, line);
		}
	} else if (strcmp(word, "version") == 0) {
		if (strcmp(arg, "2") != 0 && strcmp(arg, "2.0") != 0)
			loader_problem(L, file, line, L->seq, NULL, true,
				       "unsupported 'version %s' (only version 2 is known)",
				       safe(arg, sbuf, sizeof(sbuf)));
		L->current = NULL;
	} else if (strcmp(word, "include") == 0) {
		if (arg[0] == '\0') {
			loader_problem(L, file, line, L->seq, NULL, true,
				       "syntax error: 'include' needs a file name");
			return;
		}
		do_include(L, file, line, arg);
	} else if (strchr(word, '=') != NULL) {
		loader_problem(L, file, line, L->seq, NULL, true,
			       "syntax error: '%s' must be indented under a 'conn' or 'config setup' line",
			       safe(word, sbuf, sizeof(sbuf)));
	} else {
		loader_problem(L, file, line, L->seq, NULL, true,
			       "syntax error: unexpected '%s' (expecting 'config setup', 'conn NAME', "
			       "'include FILE' or 'version 2'; section lines must be indented)",
			       safe(word, sbuf, sizeof(sbuf)));
		L->current = NULL;
	}
}

void loader_parse_text(struct loader *L, const char *file, const char *buf, size_t len)
{
	file = keep_file(L, file);
	unsigned line = 0;
	size_t pos = 0;
	char *copy = NULL;
	size_t copy_alloc = 0;
	while (pos < len) {
		size_t end = pos;
		while (end < len && buf[end] != '\n')
			end++;
		size_t n = end - pos;
		line++;
		L->seq++;
		if (n + 1 > copy_alloc) {
			copy_alloc = n + 1 > 256 ? n + 1 : 256;
			free(copy);
			copy = conf_alloc(copy_alloc);
		}
		memcpy(copy, buf + pos, n);
		copy[n] = '\0';
		pos = end + 1;
		if (strlen(copy) != n) {
			loader_problem(L, file, line, L->seq, NULL, true, "syntax error: NUL character in line");
			continue;
		}
		if (n > 0 && copy[n - 1] == '\r')
			copy[--n] = '\0';
		if (is_blank_or_comment(copy))
			continue;
		if (copy[0] == ' ' || copy[0] == '\t') {
			char *p = copy + strspn(copy, " \t");
			if (L->current == NULL) {
				char sbuf[256];
				loader_problem(L, file, line, L->seq, NULL, true,
					       "syntax error: '%s' is not inside a 'conn' or 'config setup' section",
					       safe(p, sbuf, sizeof(sbuf)));
				continue;
			}
			parse_keyvalue(L, file, line, p);
		} else {
			parse_margin_line(L, file, line, copy);
		}
	}
	free(copy);
}

static void include_one(struct loader *L, const char *file, unsigned line, const char *path)
{
	char *buf;
	size_t len;
	if (!loader_read_file(path, &buf, &len)) {
		loader_watch(L, path);	/* creating it changes the result */
		loader_problem(L, file, line, L->seq, NULL, true,
			       "cannot open include file '%s': %s", path, strerror(errno));
		return;
	}
	L->depth++;
	loader_parse_text(L, path, buf, len);
	L->depth--;
	free(buf);
}

static void do_include(struct loader *L, const char *file, unsigned line, const char *pattern)
{
	char sbuf[256];
	if (!L->allow_include) {
		loader_problem(L, file, line, L->seq, NULL, true,
			       "include '%s' is not available when parsing from memory",
			       safe(pattern, sbuf, sizeof(sbuf)));
		return;
	}
	if (L->depth >= MAX_INCLUDE_DEPTH) {
		loader_problem(L, file, line, L->seq, NULL, true,
			       "include '%s' nested too deeply (more than %d levels; an include loop?)",
			       pattern, MAX_INCLUDE_DEPTH);
		return;
	}
	char *path;
	if (pattern[0] == '/') {
		path = conf_strdup(pattern);
	} else {
		char *tmp = conf_strdup(file);
		const char *dir = dirname(tmp);
		if (asprintf(&path, "%s/%s", dir, pattern) < 0)
			abort();
		free(tmp);
	}
	bool has_glob = strpbrk(pattern, "*?[") != NULL;
	if (!has_glob) {
		include_one(L, file, line, path);
		free(path);
		return;
	}
	/* a file added to or removed from the directory changes the result */
	char *dcopy = conf_strdup(path);
	loader_watch(L, dirname(dcopy));
	free(dcopy);
	glob_t g;
	int r = glob(path, 0, NULL, &g);
	if (r == GLOB_NOMATCH) {
		/* a wildcard matching nothing is fine */
	} else if (r != 0) {
		loader_problem(L, file, line, L->seq, NULL, true,
			       "include '%s': cannot expand the pattern", path);
	} else {
		for (size_t i = 0; i < g.gl_pathc; i++)
			include_one(L, file, line, g.gl_pathv[i]);
	}
	if (r == 0 || r == GLOB_NOMATCH)
		globfree(&g);
	free(path);
}
