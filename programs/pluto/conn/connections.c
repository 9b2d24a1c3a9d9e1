/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn/connections.h"

/* ---- connection objects ---- */

static void conn_jam_prefix(struct jambuf *b, const void *object)
{
	const struct connection *c = object;
	jam(b, "\"%s\": ", c->name);
}

static void conn_fields(const void *object, struct log_fields *f)
{
	const struct connection *c = object;
	f->conn = c->name;
	if (conn_oriented(c) && address_is_specified(&conn_that(c)->host)) {
		/* peer address, kept in the connection for the journal */
		static address_buf peer;
		f->peer = str_address(&conn_that(c)->host, &peer);
	}
}

static unsigned long next_serial = 1;

struct connection *connection_alloc(const char *name)
{
	struct connection *c = calloc(1, sizeof(*c));
	if (c == NULL || (c->name = strdup(name)) == NULL)
		abort();
	c->serial = next_serial++;
	c->local = -1;
	c->end[LEFT_END].leftright = "left";
	c->end[RIGHT_END].leftright = "right";
	c->logger = (struct logger){
		.jam_prefix = conn_jam_prefix,
		.fields = conn_fields,
		.object = c,
	};
	return c;
}

void (*connection_free_hook)(struct connection *c);

void connection_free(struct connection **cp)
{
	struct connection *c = *cp;
	if (c == NULL)
		return;
	if (connection_free_hook != NULL)
		connection_free_hook(c);	/* its SAs go first */
	for (int e = 0; e < 2; e++)
		id_free(&c->end[e].id);
	struct conn_config *config = (struct conn_config *)c->config;
	conn_config_clone_free(&config);
	free(c->ike_sa);
	free(c->name);
	free(c);
	*cp = NULL;
}

/* ---- the table: two chained hash tables, doubled at load factor 1 ---- */

struct table {
	struct connection **buckets;
	size_t size;	/* power of two, 0 before the first insert */
};
static struct table by_name, by_serial;
static struct table by_alias;	/* connalias= (leftsubnets= families) */
static size_t nr_conns;

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static uint32_t hash_serial(unsigned long serial)
{
	uint64_t x = serial * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(x >> 32);
}

static struct connection **name_link(struct connection *c) { return &c->name_next; }
static struct connection **serial_link(struct connection *c) { return &c->serial_next; }

static void table_grow(struct table *t, uint32_t (*hash)(const struct connection *),
		       struct connection **(*link)(struct connection *))
{
	size_t size = t->size == 0 ? 64 : t->size * 2;
	struct connection **b = calloc(size, sizeof(*b));
	if (b == NULL)
		abort();
	for (size_t i = 0; i < t->size; i++) {
		struct connection *c = t->buckets[i];
		while (c != NULL) {
			struct connection *next = *link(c);
			size_t slot = hash(c) & (size - 1);
			*link(c) = b[slot];
			b[slot] = c;
			c = next;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->size = size;
}

static uint32_t hash_c_name(const struct connection *c) { return hash_name(c->name); }
static struct connection **alias_link(struct connection *c) { return &c->alias_next; }
static const char *alias_of(const struct connection *c)
{
	return c->config != NULL ? c->config->connalias : NULL;
}
static uint32_t hash_c_alias(const struct connection *c) { return hash_name(alias_of(c)); }
static uint32_t hash_c_serial(const struct connection *c) { return hash_serial(c->serial); }

void conn_table_add(struct connection *c)
{
	if (nr_conns + 1 > by_name.size) {
		table_grow(&by_name, hash_c_name, name_link);
		table_grow(&by_serial, hash_c_serial, serial_link);
		table_grow(&by_alias, hash_c_alias, alias_link);
	}
	size_t slot = hash_c_name(c) & (by_name.size - 1);
	c->name_next = by_name.buckets[slot];
	by_name.buckets[slot] = c;
	slot = hash_c_serial(c) & (by_serial.size - 1);
	c->serial_next = by_serial.buckets[slot];
	by_serial.buckets[slot] = c;
	if (alias_of(c) != NULL) {
		slot = hash_c_alias(c) & (by_alias.size - 1);
		c->alias_next = by_alias.buckets[slot];
		by_alias.buckets[slot] = c;
	}
	nr_conns++;
}

void conn_table_remove(struct connection *c)
{
	if (by_name.size == 0)
		return;
	bool found = false;
	for (struct connection **pp = &by_name.buckets[hash_c_name(c) & (by_name.size - 1)];
	     *pp != NULL; pp = &(*pp)->name_next) {
		if (*pp == c) {
			*pp = c->name_next;
			found = true;
			break;
		}
	}
	for (struct connection **pp = &by_serial.buckets[hash_c_serial(c) & (by_serial.size - 1)];
	     *pp != NULL; pp = &(*pp)->serial_next) {
		if (*pp == c) {
			*pp = c->serial_next;
			break;
		}
	}
	if (alias_of(c) != NULL) {
		for (struct connection **pp = &by_alias.buckets[hash_c_alias(c) & (by_alias.size - 1)];
		     *pp != NULL; pp = &(*pp)->alias_next) {
			if (*pp == c) {
				*pp = c->alias_next;
				break;
			}
		}
	}
	if (found)
		nr_conns--;
	c->name_next = c->serial_next = c->alias_next = NULL;
}

struct connection *conn_by_name(const char *name)
{
	if (by_name.size == 0)
		return NULL;
	for (struct connection *c = by_name.buckets[hash_name(name) & (by_name.size - 1)];
	     c != NULL; c = c->name_next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

struct connection *conn_by_serial(unsigned long serial)
{
	if (by_serial.size == 0)
		return NULL;
	for (struct connection *c = by_serial.buckets[hash_serial(serial) & (by_serial.size - 1)];
	     c != NULL; c = c->serial_next)
		if (c->serial == serial)
			return c;
	return NULL;
}

struct connection *conn_by_name_or_serial(const char *s)
{
	struct connection *c = conn_by_name(s);
	if (c != NULL || s[0] != '$' || s[1] < '0' || s[1] > '9')
		return c;
	char *end;
	unsigned long serial = strtoul(s + 1, &end, 10);
	return *end == '\0' ? conn_by_serial(serial) : NULL;
}

size_t conn_count(void)
{
	return nr_conns;
}

static int cmp_conn(const void *a, const void *b)
{
	const struct connection *ca = *(const struct connection *const *)a;
	const struct connection *cb = *(const struct connection *const *)b;
	int r = strcmp(ca->name, cb->name);
	if (r != 0)
		return r;
	return ca->serial < cb->serial ? -1 : ca->serial > cb->serial;
}

struct connection **conn_sorted(size_t *n)
{
	struct connection **all = calloc(nr_conns + 1, sizeof(*all));
	if (all == NULL)
		abort();
	size_t k = 0;
	for (size_t i = 0; i < by_name.size; i++)
		for (struct connection *c = by_name.buckets[i]; c != NULL; c = c->name_next)
			all[k++] = c;
	qsort(all, k, sizeof(*all), cmp_conn);
	*n = k;
	return all;
}

struct connection **conn_by_alias(const char *alias, size_t *n)
{
	*n = 0;
	if (by_alias.size == 0)
		return NULL;
	size_t k = 0, cap = 0;
	struct connection **v = NULL;
	for (struct connection *c = by_alias.buckets[hash_name(alias) & (by_alias.size - 1)]; c != NULL;
	     c = c->alias_next) {
		if (strcmp(alias_of(c), alias) != 0)
			continue;
		if (k == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			v = realloc(v, cap * sizeof(*v));
			if (v == NULL)
				abort();
		}
		v[k++] = c;
	}
	if (k == 0)
		return NULL;
	qsort(v, k, sizeof(*v), cmp_conn);
	*n = k;
	return v;
}

void conn_table_clear(void)
{
	for (size_t i = 0; i < by_name.size; i++) {
		struct connection *c = by_name.buckets[i];
		while (c != NULL) {
			struct connection *next = c->name_next;
			connection_free(&c);
			c = next;
		}
	}
	free(by_name.buckets);
	free(by_serial.buckets);
	free(by_alias.buckets);
	by_name = (struct table){ 0 };
	by_serial = (struct table){ 0 };
	by_alias = (struct table){ 0 };
	nr_conns = 0;
}
