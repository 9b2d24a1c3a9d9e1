/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipsec.conf: %default and also= resolution, typed conns, the public API */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include "loader.h"

#define MAX_ALSO_DEPTH 100

uint32_t conf_name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s != '\0'; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

/* ---- a name -> section hash used while resolving ---- */

struct section_hash {
	struct section **table;
	unsigned size;
};

static struct section *sh_find(const struct section_hash *h, const char *name)
{
	if (h->size == 0)
		return NULL;
	for (uint32_t b = conf_name_hash(name) & (h->size - 1); h->table[b] != NULL;
	     b = (b + 1) & (h->size - 1))
		if (strcmp(h->table[b]->name, name) == 0)
			return h->table[b];
	return NULL;
}

static void sh_build(struct loader *L, struct section_hash *h)
{
	unsigned n = 0;
	for (unsigned i = 0; i < L->nr_sections; i++)
		n += L->sections[i]->kind == SEC_CONN;
	h->size = 16;
	while (h->size < n * 2)
		h->size *= 2;
	h->table = conf_alloc(sizeof(*h->table) * h->size);
	for (unsigned i = 0; i < L->nr_sections; i++) {
		struct section *s = L->sections[i];
		if (s->kind != SEC_CONN)
			continue;
		struct section *first = sh_find(h, s->name);
		if (first != NULL) {
			s->duplicate = true;
			unsigned p = loader_problem(L, s->file, s->line, s->seq, s->name, true,
						    "duplicate conn \"%s\" (first defined at %s:%u)",
						    s->name, first->file, first->line);
			section_add_problem(first, p);
			continue;
		}
		uint32_t b = conf_name_hash(s->name) & (h->size - 1);
		while (h->table[b] != NULL)
			b = (b + 1) & (h->size - 1);
		h->table[b] = s;
	}
}

/* ---- resolution ---- */

struct resolver {
	struct loader *L;
	struct section_hash names;
	struct section **stack;
	unsigned depth;
	unsigned *stamp;	/* [stamp_size >= nr_problems]: dedupe marker */
	unsigned stamp_size;
	unsigned stamp_gen;
};

static void grow_stamp(struct resolver *r)
{
	/* problems may be added while resolving: keep the stamp array in step */
	unsigned need = r->L->conf->nr_problems + 1;
	if (need <= r->stamp_size)
		return;
	r->stamp = conf_realloc_array(r->stamp, need, sizeof(unsigned));
	memset(r->stamp + r->stamp_size, 0, sizeof(unsigned) * (need - r->stamp_size));
	r->stamp_size = need;
}

/* add LIST to s->all_problems, skipping those already there */
static void merge_problems(struct resolver *r, struct section *s, const unsigned *list, unsigned n)
{
	grow_stamp(r);
	r->stamp_gen++;
	for (unsigned i = 0; i < s->nr_all_problems; i++)
		r->stamp[s->all_problems[i]] = r->stamp_gen;
	for (unsigned i = 0; i < n; i++) {
		if (r->stamp[list[i]] == r->stamp_gen)
			continue;
		r->stamp[list[i]] = r->stamp_gen;
		s->all_problems = conf_realloc_array(s->all_problems, s->nr_all_problems + 1,
						     sizeof(unsigned));
		s->all_problems[s->nr_all_problems++] = list[i];
	}
}

static void resolve(struct resolver *r, struct section *s);

static void section_problem(struct resolver *r, struct section *s, unsigned p)
{
	section_add_problem(s, p);
	merge_problems(r, s, &p, 1);
}

static void resolve_also(struct resolver *r, struct section *s, const struct entry *e)
{
	struct loader *L = r->L;
	if (e->bad)
		return;	/* already reported */
	struct section *t = sh_find(&r->names, e->value);
	if (t == NULL) {
		unsigned p = loader_problem(L, e->file, e->line, e->seq, s->name, true,
					    "also=%s in conn \"%s\" refers to an unknown conn",
					    e->value, s->name);
		section_problem(r, s, p);
		return;
	}
	if (t->state == 1) {
		char chain[512];
		struct jambuf b = jambuf_init(chain, sizeof(chain));
		unsigned from = 0;
		for (unsigned i = 0; i < r->depth; i++)
			if (r->stack[i] == t)
				from = i;
		for (unsigned i = from; i < r->depth; i++)
			jam(&b, "\"%s\" -> ", r->stack[i]->name);
		jam(&b, "\"%s\"", t->name);
		unsigned p = loader_problem(L, e->file, e->line, e->seq, s->name, true,
					    "also=%s in conn \"%s\" makes a cycle: %s",
					    e->value, s->name, chain);
		section_problem(r, s, p);
		return;
	}
	if (r->depth >= MAX_ALSO_DEPTH) {
		unsigned p = loader_problem(L, e->file, e->line, e->seq, s->name, true,
					    "also=%s in conn \"%s\": also= nested more than %d levels",
					    e->value, s->name, MAX_ALSO_DEPTH);
		section_problem(r, s, p);
		return;
	}
	resolve(r, t);
	for (unsigned slot = 0; slot < CONF_NR_SLOTS; slot++)
		if (s->resolved[slot] == NULL)
			s->resolved[slot] = t->resolved[slot];
	merge_problems(r, s, t->all_problems, t->nr_all_problems);
}

static void resolve(struct resolver *r, struct section *s)
{
	if (s->state == 2)
		return;
	s->state = 1;
	r->stack[r->depth++] = s;
	s->resolved = conf_alloc(sizeof(*s->resolved) * CONF_NR_SLOTS);
	for (unsigned i = 0; i < s->nr_entries; i++) {
		const struct entry *e = &s->entries[i];
		if (conf_keywords[e->kwi].type == KT_ALSO)
			continue;
		unsigned slot = CONF_SLOT(e->kwi, e->right);
		if (s->resolved[slot] == NULL)
			s->resolved[slot] = e;
	}
	merge_problems(r, s, s->problems, s->nr_problems);
	for (unsigned i = 0; i < s->nr_also; i++)
		resolve_also(r, s, &s->entries[s->also[i]]);
	r->depth--;
	s->state = 2;
}

static struct conn_config *build_conn(struct loader *L, struct section *s,
				      const struct section *defaults)
{
	struct conn_config *c = conf_alloc(sizeof(*c));
	conf_conn_defaults(c);
	c->name = conf_strdup(s->name);
	c->file = conf_strdup(s->file);
	c->line = s->line;
	for (unsigned slot = 0; slot < CONF_NR_SLOTS; slot++) {
		const struct entry *e = s->resolved[slot];
		if (e == NULL && defaults != NULL)
			e = defaults->resolved[slot];
		if (e == NULL || e->bad)
			continue;
		diag_t d = conf_apply_conn(&conf_keywords[e->kwi], e->right, e->value, c);
		if (d != NULL) {
			/* checked at parse time; reaching here is a bug, still reported */
			unsigned p = loader_problem(L, e->file, e->line, e->seq, s->name, true,
						    "invalid value '%s' in conn \"%s\": %s",
						    e->value, s->name, diag_str(d));
			diag_free(&d);
			section_add_problem(s, p);
			s->all_problems = conf_realloc_array(s->all_problems, s->nr_all_problems + 1,
							     sizeof(unsigned));
			s->all_problems[s->nr_all_problems++] = p;
		}
	}
	return c;
}

static int cmp_seq(const void *a, const void *b, void *ctx)
{
	const unsigned *seq = ctx;
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	if (seq[x] != seq[y])
		return seq[x] < seq[y] ? -1 : 1;
	return x < y ? -1 : x > y ? 1 : 0;
}

static void index_conns(struct ipsec_conf *conf)
{
	struct conf_index *ix = conf_alloc(sizeof(*ix));
	ix->size = 16;
	while (ix->size < conf->nr_conns * 2)
		ix->size *= 2;
	ix->table = conf_alloc(sizeof(*ix->table) * ix->size);
	for (unsigned i = 0; i < conf->nr_conns; i++) {
		uint32_t b = conf_name_hash(conf->conns[i]->name) & (ix->size - 1);
		while (ix->table[b] != NULL)
			b = (b + 1) & (ix->size - 1);
		ix->table[b] = conf->conns[i];
	}
	conf->index = ix;
}

void loader_build(struct loader *L)
{
	struct ipsec_conf *conf = L->conf;
	struct resolver r = { .L = L };
	sh_build(L, &r.names);
	r.stack = conf_alloc(sizeof(*r.stack) * (MAX_ALSO_DEPTH + 2));
	grow_stamp(&r);
	/* mark also= targets: their resolution is kept for the others */
	for (unsigned i = 0; i < L->nr_sections; i++) {
		struct section *s = L->sections[i];
		for (unsigned a = 0; a < s->nr_also; a++) {
			struct section *t = sh_find(&r.names, s->entries[s->also[a]].value);
			if (t != NULL)
				t->also_target = true;
		}
	}
	if (L->defaults != NULL)
		resolve(&r, L->defaults);
	/* config setup */
	conf_setup_defaults(&conf->setup);
	if (L->setup != NULL) {
		/* in keyword-table order, like conns: an obsolete spelling
		 * listed before its replacement loses to it */
		const struct entry **by_slot = conf_alloc(sizeof(*by_slot) * CONF_NR_SLOTS);
		for (unsigned i = 0; i < L->setup->nr_entries; i++) {
			const struct entry *e = &L->setup->entries[i];
			unsigned slot = CONF_SLOT(e->kwi, e->right);
			if (by_slot[slot] == NULL)
				by_slot[slot] = e;
		}
		for (unsigned slot = 0; slot < CONF_NR_SLOTS; slot++) {
			const struct entry *e = by_slot[slot];
			if (e == NULL || e->bad)
				continue;
			diag_t d = conf_apply_setup(&conf_keywords[e->kwi], e->value, &conf->setup);
			if (d != NULL) {
				loader_problem(L, e->file, e->line, e->seq, NULL, true,
					       "invalid value '%s' in config setup: %s", e->value,
					       diag_str(d));
				diag_free(&d);
			}
		}
		free(by_slot);
	}
	/* conns */
	unsigned nr = 0;
	for (unsigned i = 0; i < L->nr_sections; i++)
		nr += L->sections[i]->kind == SEC_CONN && !L->sections[i]->duplicate;
	conf->conns = conf_alloc(sizeof(*conf->conns) * (nr ? nr : 1));
	struct section **from = conf_alloc(sizeof(*from) * (nr ? nr : 1));
	for (unsigned i = 0; i < L->nr_sections; i++) {
		struct section *s = L->sections[i];
		if (s->kind != SEC_CONN || s->duplicate)
			continue;
		resolve(&r, s);
		from[conf->nr_conns] = s;
		conf->conns[conf->nr_conns++] = build_conn(L, s, L->defaults);
		if (!s->also_target) {
			free(s->resolved);
			s->resolved = NULL;
		}
	}
	grow_stamp(&r);
	/* problems in file order */
	unsigned np = conf->nr_problems;
	unsigned *order = conf_alloc(sizeof(unsigned) * (np ? np : 1));
	unsigned *where = conf_alloc(sizeof(unsigned) * (np ? np : 1));
	for (unsigned i = 0; i < np; i++)
		order[i] = i;
	qsort_r(order, np, sizeof(unsigned), cmp_seq, L->problem_seq);
	struct conf_problem *sorted = conf_alloc(sizeof(*sorted) * (np ? np : 1));
	for (unsigned i = 0; i < np; i++) {
		sorted[i] = conf->problems[order[i]];
		where[order[i]] = i;
	}
	free(conf->problems);
	conf->problems = sorted;
	/* each conn's blocking problems: its own, inherited, and %default's */
	for (unsigned i = 0; i < conf->nr_conns; i++) {
		struct conn_config *c = conf->conns[i];
		struct section *s = from[i];
		unsigned nd = L->defaults != NULL ? L->defaults->nr_all_problems : 0;
		unsigned n = s->nr_all_problems + nd;
		if (n == 0)
			continue;
		c->problems = conf_alloc(sizeof(*c->problems) * n);
		r.stamp_gen++;
		for (unsigned k = 0; k < n; k++) {
			unsigned p = k < s->nr_all_problems ? s->all_problems[k] :
				L->defaults->all_problems[k - s->nr_all_problems];
			if (r.stamp[p] == r.stamp_gen || !conf->problems[where[p]].error)
				continue;
			r.stamp[p] = r.stamp_gen;
			c->problems[c->nr_problems++] = &conf->problems[where[p]];
		}
		/* in file order too */
		for (unsigned a = 1; a < c->nr_problems; a++)
			for (unsigned b = a; b > 0 && c->problems[b - 1] > c->problems[b]; b--) {
				const struct conf_problem *t = c->problems[b];
				c->problems[b] = c->problems[b - 1];
				c->problems[b - 1] = t;
			}
		c->has_errors = c->nr_problems > 0;
	}
	free(order);
	free(where);
	free(from);
	free(r.stack);
	free(r.stamp);
	free(r.names.table);
	index_conns(conf);
}

/* ---- public API ---- */

static void loader_init(struct loader *L, struct ipsec_conf *conf, bool allow_include)
{
	*L = (struct loader){ .conf = conf, .allow_include = allow_include };
	L->dup_stamp = conf_alloc(sizeof(unsigned) * CONF_NR_SLOTS);
	L->dup_entry = conf_alloc(sizeof(unsigned) * CONF_NR_SLOTS);
}

static void loader_free(struct loader *L)
{
	for (unsigned i = 0; i < L->nr_sections; i++) {
		struct section *s = L->sections[i];
		for (unsigned k = 0; k < s->nr_entries; k++)
			free(s->entries[k].value);
		free(s->entries);
		free(s->also);
		free(s->problems);
		free(s->all_problems);
		free(s->resolved);
		free(s->name);
		free(s);
	}
	free(L->sections);
	for (unsigned i = 0; i < L->nr_files; i++)
		free(L->files[i]);
	free(L->files);
	for (unsigned i = 0; i < L->nr_watch; i++)
		free(L->watch[i]);
	free(L->watch);
	free(L->problem_seq);
	free(L->dup_stamp);
	free(L->dup_entry);
}

static struct ipsec_conf *parse(const char *name, const char *buf, size_t len, bool includes,
				 const struct timespec *started)
{
	struct ipsec_conf *conf = conf_alloc(sizeof(*conf));
	conf->file = conf_strdup(name);
	struct loader L;
	loader_init(&L, conf, includes);
	loader_parse_text(&L, name, buf, len);
	loader_build(&L);
	if (started != NULL)
		loader_take_stamps(&L, started);
	loader_free(&L);
	return conf;
}

diag_t ipsec_conf_load(const char *path, struct ipsec_conf **out)
{
	char *buf;
	size_t len;
	struct timespec started;
	clock_gettime(CLOCK_REALTIME, &started);
	if (!loader_read_file(path, &buf, &len))
		return diag("cannot open '%s': %s", path, strerror(errno));
	*out = parse(path, buf, len, true, &started);
	free(buf);
	return NULL;
}

void ipsec_conf_parse_buffer(const char *name, const char *buf, size_t len,
			     struct ipsec_conf **out)
{
	*out = parse(name, buf, len, false, NULL);
}

const struct conn_config *ipsec_conf_find(const struct ipsec_conf *conf, const char *name)
{
	const struct conf_index *ix = conf->index;
	if (ix == NULL)
		return NULL;
	for (uint32_t b = conf_name_hash(name) & (ix->size - 1); ix->table[b] != NULL;
	     b = (b + 1) & (ix->size - 1))
		if (strcmp(ix->table[b]->name, name) == 0)
			return ix->table[b];
	return NULL;
}

void ipsec_conf_free(struct ipsec_conf **confp)
{
	struct ipsec_conf *conf = *confp;
	if (conf == NULL)
		return;
	for (unsigned i = 0; i < conf->nr_conns; i++) {
		conf_conn_free_fields(conf->conns[i]);
		free(conf->conns[i]);
	}
	free(conf->conns);
	for (unsigned i = 0; i < conf->nr_problems; i++) {
		free(conf->problems[i].file);
		free(conf->problems[i].conn);
		free(conf->problems[i].message);
	}
	free(conf->problems);
	conf_setup_free_fields(&conf->setup);
	if (conf->index != NULL) {
		free(conf->index->table);
		conf_stamps_free(conf->index);
	}
	free(conf->index);
	free(conf->file);
	free(conf);
	*confp = NULL;
}
