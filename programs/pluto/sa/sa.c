/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IKE SA and Child SA tables: chained hash tables that grow (load <= 2). */
#include <stdlib.h>
#include <string.h>

#include "sa/sa.h"

static const char *const ike_names[][2] = {
	[IKE_SA_INIT_I0] = { "IKE_SA_INIT_I0", "waiting for KE to start IKE_SA_INIT" },
	[IKE_SA_INIT_I] = { "IKE_SA_INIT_I", "sent IKE_SA_INIT request" },
	[IKE_SA_INIT_R0] = { "IKE_SA_INIT_R0", "processing IKE_SA_INIT request" },
	[IKE_SA_INIT_R] = { "IKE_SA_INIT_R", "sent IKE_SA_INIT response, waiting for IKE_AUTH request" },
	[IKE_AUTH_I] = { "IKE_AUTH_I", "sent IKE_AUTH request" },
	[ESTABLISHED_IKE_SA] = { "ESTABLISHED_IKE_SA", "established IKE SA" },
	[IKE_SA_DELETE] = { "IKE_SA_DELETE", "deleting IKE SA" },
};
static const char *const child_names[][2] = {
	[IKE_AUTH_CHILD_I0] = { "IKE_AUTH_CHILD_I0", "waiting for IKE_AUTH response" },
	[ESTABLISHED_CHILD_SA] = { "ESTABLISHED_CHILD_SA", "established Child SA" },
	[CHILD_SA_DELETE] = { "CHILD_SA_DELETE", "deleting Child SA" },
};

const char *ike_sa_state_name(enum ike_sa_state s) { return ike_names[s][0]; }
const char *ike_sa_state_story(enum ike_sa_state s) { return ike_names[s][1]; }
const char *child_sa_state_name(enum child_sa_state s) { return child_names[s][0]; }
const char *child_sa_state_story(enum child_sa_state s) { return child_names[s][1]; }

static size_t hash_serial(unsigned long serial, size_t buckets)
{
	return (size_t)(serial * 2654435761u) & (buckets - 1);
}

static size_t hash_spi(const uint8_t spi[8], size_t buckets)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	for (int i = 0; i < 8; i++)
		h = (h ^ spi[i]) * 1099511628211ull;
	return (size_t)h & (buckets - 1);
}

static size_t hash_spi32(uint32_t spi, size_t buckets)
{
	return (size_t)(spi * 2654435761u) & (buckets - 1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (p == NULL)
		abort();
	return p;
}

/* a connection's IKE SAs: one node per connection that has any */
struct sa_conn_ikes {
	const struct connection *conn;
	struct ike_sa *head, *tail;
	struct child_sa *children;	/* newest first */
	struct sa_conn_ikes *next;	/* bucket chain */
};

static size_t hash_conn(const struct connection *c, size_t buckets)
{
	uint64_t h = (uint64_t)(uintptr_t)c >> 4;
	h *= 11400714819323198485ull;
	return (size_t)(h >> 32) & (buckets - 1);
}

void sa_table_init(struct sa_table *t)
{
	memset(t, 0, sizeof(*t));
	t->next_serial = 1;
	t->buckets = 64;
	t->ike_by_serial = xcalloc(t->buckets, sizeof(*t->ike_by_serial));
	t->ike_by_spi = xcalloc(t->buckets, sizeof(*t->ike_by_spi));
	t->child_by_serial = xcalloc(t->buckets, sizeof(*t->child_by_serial));
	t->child_by_spi_in = xcalloc(t->buckets, sizeof(*t->child_by_spi_in));
	t->child_by_spi_out = xcalloc(t->buckets, sizeof(*t->child_by_spi_out));
	t->by_conn = xcalloc(t->buckets, sizeof(*t->by_conn));
}

static void rehash(struct sa_table *t)
{
	size_t nb = t->buckets * 4;
	struct ike_sa **bs = xcalloc(nb, sizeof(*bs));
	struct ike_sa **bp = xcalloc(nb, sizeof(*bp));
	struct child_sa **cs = xcalloc(nb, sizeof(*cs));
	struct sa_conn_ikes **bc = xcalloc(nb, sizeof(*bc));
	struct child_sa **si = xcalloc(nb, sizeof(*si));
	struct child_sa **so = xcalloc(nb, sizeof(*so));
	for (size_t i = 0; i < t->buckets; i++) {
		for (struct child_sa *c = t->child_by_spi_in[i], *n; c != NULL; c = n) {
			n = c->spi_in_next;
			size_t h = hash_spi32(c->spi_in, nb);
			c->spi_in_next = si[h];
			si[h] = c;
		}
		for (struct child_sa *c = t->child_by_spi_out[i], *n; c != NULL; c = n) {
			n = c->spi_out_next;
			size_t h = hash_spi32(c->spi_out, nb);
			c->spi_out_next = so[h];
			so[h] = c;
		}
		for (struct sa_conn_ikes *l = t->by_conn[i], *n; l != NULL; l = n) {
			n = l->next;
			size_t h = hash_conn(l->conn, nb);
			l->next = bc[h];
			bc[h] = l;
		}
		for (struct ike_sa *s = t->ike_by_serial[i], *n; s != NULL; s = n) {
			n = s->serial_next;
			size_t h = hash_serial(s->serial, nb);
			s->serial_next = bs[h];
			bs[h] = s;
		}
		for (struct ike_sa *s = t->ike_by_spi[i], *n; s != NULL; s = n) {
			n = s->spi_next;
			size_t h = hash_spi(s->ispi, nb);
			s->spi_next = bp[h];
			bp[h] = s;
		}
		for (struct child_sa *c = t->child_by_serial[i], *n; c != NULL; c = n) {
			n = c->serial_next;
			size_t h = hash_serial(c->serial, nb);
			c->serial_next = cs[h];
			cs[h] = c;
		}
	}
	free(t->ike_by_serial);
	free(t->ike_by_spi);
	free(t->child_by_serial);
	free(t->child_by_spi_in);
	free(t->child_by_spi_out);
	free(t->by_conn);
	t->child_by_spi_in = si;
	t->child_by_spi_out = so;
	t->by_conn = bc;
	t->ike_by_serial = bs;
	t->ike_by_spi = bp;
	t->child_by_serial = cs;
	t->buckets = nb;
}

static void maybe_grow(struct sa_table *t)
{
	if (t->nr_ike + t->nr_child > t->buckets * 2)
		rehash(t);
}

void sa_table_free(struct sa_table *t)
{
	for (size_t i = 0; i < t->buckets; i++) {
		for (struct sa_conn_ikes *l = t->by_conn[i], *n; l != NULL; l = n) {
			n = l->next;
			free(l);
		}
	}
	free(t->by_conn);
	free(t->ike_by_serial);
	free(t->ike_by_spi);
	free(t->child_by_serial);
	free(t->child_by_spi_in);
	free(t->child_by_spi_out);
	memset(t, 0, sizeof(*t));
}

unsigned long sa_next_serial(struct sa_table *t)
{
	return t->next_serial++;
}

static struct sa_conn_ikes **conn_slot(const struct sa_table *t, const struct connection *c)
{
	struct sa_conn_ikes **pp = &t->by_conn[hash_conn(c, t->buckets)];
	while (*pp != NULL && (*pp)->conn != c)
		pp = &(*pp)->next;
	return pp;
}

static struct sa_conn_ikes *conn_node(struct sa_table *t, const struct connection *c)
{
	struct sa_conn_ikes **pp = conn_slot(t, c);
	if (*pp == NULL) {
		*pp = xcalloc(1, sizeof(**pp));
		(*pp)->conn = c;
	}
	return *pp;
}

static void conn_node_maybe_free(struct sa_table *t, struct sa_conn_ikes *l)
{
	if (l->head != NULL || l->children != NULL)
		return;
	struct sa_conn_ikes **pp = conn_slot(t, l->conn);
	*pp = l->next;
	free(l);
}

static void conn_link(struct sa_table *t, struct ike_sa *ike)
{
	struct sa_conn_ikes *l = conn_node(t, ike->conn);
	/* serial order: normally the newest, so at the tail */
	struct ike_sa *after = l->tail;
	while (after != NULL && after->serial > ike->serial)
		after = after->conn_prev;
	ike->conn_prev = after;
	ike->conn_next = after != NULL ? after->conn_next : l->head;
	if (ike->conn_next != NULL)
		ike->conn_next->conn_prev = ike;
	else
		l->tail = ike;
	if (after != NULL)
		after->conn_next = ike;
	else
		l->head = ike;
	ike->conn_list = l;
}

static void conn_unlink(struct sa_table *t, struct ike_sa *ike)
{
	struct sa_conn_ikes *l = ike->conn_list;
	if (l == NULL)
		return;
	if (ike->conn_prev != NULL)
		ike->conn_prev->conn_next = ike->conn_next;
	else
		l->head = ike->conn_next;
	if (ike->conn_next != NULL)
		ike->conn_next->conn_prev = ike->conn_prev;
	else
		l->tail = ike->conn_prev;
	ike->conn_prev = ike->conn_next = NULL;
	ike->conn_list = NULL;
	conn_node_maybe_free(t, l);
}

static void child_conn_link(struct sa_table *t, struct child_sa *c)
{
	struct sa_conn_ikes *l = conn_node(t, c->conn);
	c->conn_prev = NULL;
	c->conn_next = l->children;
	if (l->children != NULL)
		l->children->conn_prev = c;
	l->children = c;
	c->conn_list = l;
}

static void child_conn_unlink(struct sa_table *t, struct child_sa *c)
{
	struct sa_conn_ikes *l = c->conn_list;
	if (l == NULL)
		return;
	if (c->conn_prev != NULL)
		c->conn_prev->conn_next = c->conn_next;
	else
		l->children = c->conn_next;
	if (c->conn_next != NULL)
		c->conn_next->conn_prev = c->conn_prev;
	c->conn_prev = c->conn_next = NULL;
	c->conn_list = NULL;
	conn_node_maybe_free(t, l);
}

struct child_sa *sa_child_of_conn(const struct sa_table *t, const struct connection *c)
{
	struct sa_conn_ikes *l = *conn_slot(t, c);
	return l != NULL ? l->children : NULL;
}

void sa_child_set_conn(struct sa_table *t, struct child_sa *child, struct connection *c)
{
	bool linked = child->conn_list != NULL;
	if (linked)
		child_conn_unlink(t, child);
	child->conn = c;
	if (linked)
		child_conn_link(t, child);
}

struct ike_sa *sa_ike_of_conn(const struct sa_table *t, const struct connection *c)
{
	struct sa_conn_ikes *l = *conn_slot(t, c);
	return l != NULL ? l->head : NULL;
}

void sa_ike_set_conn(struct sa_table *t, struct ike_sa *ike, struct connection *c)
{
	bool linked = ike->conn_list != NULL;
	if (linked)
		conn_unlink(t, ike);
	ike->conn = c;
	if (linked)
		conn_link(t, ike);
}

void sa_add_ike(struct sa_table *t, struct ike_sa *ike)
{
	size_t h = hash_serial(ike->serial, t->buckets);
	ike->serial_next = t->ike_by_serial[h];
	t->ike_by_serial[h] = ike;
	h = hash_spi(ike->ispi, t->buckets);
	ike->spi_next = t->ike_by_spi[h];
	t->ike_by_spi[h] = ike;
	conn_link(t, ike);
	t->nr_ike++;
	maybe_grow(t);
}

void sa_remove_ike(struct sa_table *t, struct ike_sa *ike)
{
	for (struct ike_sa **pp = &t->ike_by_serial[hash_serial(ike->serial, t->buckets)];
	     *pp != NULL; pp = &(*pp)->serial_next) {
		if (*pp == ike) {
			*pp = ike->serial_next;
			break;
		}
	}
	for (struct ike_sa **pp = &t->ike_by_spi[hash_spi(ike->ispi, t->buckets)];
	     *pp != NULL; pp = &(*pp)->spi_next) {
		if (*pp == ike) {
			*pp = ike->spi_next;
			break;
		}
	}
	conn_unlink(t, ike);
	t->nr_ike--;
}

void sa_add_child(struct sa_table *t, struct child_sa *c)
{
	size_t h = hash_serial(c->serial, t->buckets);
	c->serial_next = t->child_by_serial[h];
	t->child_by_serial[h] = c;
	c->sibling_next = c->ike->children;
	c->ike->children = c;
	child_conn_link(t, c);
	t->nr_child++;
	maybe_grow(t);
}

void sa_child_index_spis(struct sa_table *t, struct child_sa *c)
{
	if (c->spi_indexed)
		return;
	size_t h = hash_spi32(c->spi_in, t->buckets);
	c->spi_in_next = t->child_by_spi_in[h];
	t->child_by_spi_in[h] = c;
	h = hash_spi32(c->spi_out, t->buckets);
	c->spi_out_next = t->child_by_spi_out[h];
	t->child_by_spi_out[h] = c;
	c->spi_indexed = true;
}

void sa_child_unindex_spis(struct sa_table *t, struct child_sa *c)
{
	if (!c->spi_indexed)
		return;
	for (struct child_sa **pp = &t->child_by_spi_in[hash_spi32(c->spi_in, t->buckets)];
	     *pp != NULL; pp = &(*pp)->spi_in_next) {
		if (*pp == c) {
			*pp = c->spi_in_next;
			break;
		}
	}
	for (struct child_sa **pp = &t->child_by_spi_out[hash_spi32(c->spi_out, t->buckets)];
	     *pp != NULL; pp = &(*pp)->spi_out_next) {
		if (*pp == c) {
			*pp = c->spi_out_next;
			break;
		}
	}
	c->spi_in_next = c->spi_out_next = NULL;
	c->spi_indexed = false;
}

struct child_sa *sa_child_by_spi(const struct sa_table *t, const ip_address *dst, uint32_t spi,
				 bool *inbound)
{
	for (struct child_sa *c = t->child_by_spi_in[hash_spi32(spi, t->buckets)]; c != NULL;
	     c = c->spi_in_next) {
		if (c->spi_in == spi && address_eq(dst, &c->ike->local.addr)) {
			*inbound = true;
			return c;
		}
	}
	for (struct child_sa *c = t->child_by_spi_out[hash_spi32(spi, t->buckets)]; c != NULL;
	     c = c->spi_out_next) {
		if (c->spi_out == spi && address_eq(dst, &c->ike->remote.addr)) {
			*inbound = false;
			return c;
		}
	}
	return NULL;
}

void sa_remove_child(struct sa_table *t, struct child_sa *c)
{
	sa_child_unindex_spis(t, c);
	for (struct child_sa **pp = &t->child_by_serial[hash_serial(c->serial, t->buckets)];
	     *pp != NULL; pp = &(*pp)->serial_next) {
		if (*pp == c) {
			*pp = c->serial_next;
			break;
		}
	}
	if (c->ike != NULL) {
		for (struct child_sa **pp = &c->ike->children; *pp != NULL; pp = &(*pp)->sibling_next) {
			if (*pp == c) {
				*pp = c->sibling_next;
				break;
			}
		}
	}
	child_conn_unlink(t, c);
	t->nr_child--;
}

struct ike_sa *sa_ike_by_serial(const struct sa_table *t, unsigned long serial)
{
	for (struct ike_sa *s = t->ike_by_serial[hash_serial(serial, t->buckets)]; s != NULL;
	     s = s->serial_next)
		if (s->serial == serial)
			return s;
	return NULL;
}

struct child_sa *sa_child_by_serial(const struct sa_table *t, unsigned long serial)
{
	for (struct child_sa *c = t->child_by_serial[hash_serial(serial, t->buckets)]; c != NULL;
	     c = c->serial_next)
		if (c->serial == serial)
			return c;
	return NULL;
}

static const uint8_t zero_spi[8];

struct ike_sa *sa_ike_by_spis(const struct sa_table *t, const uint8_t ispi[8],
			      const uint8_t rspi[8], bool our_role_initiator,
			      const ip_endpoint *remote)
{
	bool rspi_zero = memcmp(rspi, zero_spi, 8) == 0;
	for (struct ike_sa *s = t->ike_by_spi[hash_spi(ispi, t->buckets)]; s != NULL;
	     s = s->spi_next) {
		if (s->initiator != our_role_initiator || memcmp(s->ispi, ispi, 8) != 0)
			continue;
		if (our_role_initiator) {
			/* our SPI is unique; the first response fills in RSPI */
			if (memcmp(s->rspi, zero_spi, 8) == 0 || memcmp(s->rspi, rspi, 8) == 0)
				return s;
			continue;
		}
		if (rspi_zero) {
			if (remote != NULL && endpoint_eq(&s->remote, remote))
				return s;
			continue;
		}
		if (memcmp(s->rspi, rspi, 8) == 0)
			return s;
	}
	return NULL;
}

static int cmp_ike(const void *a, const void *b)
{
	unsigned long x = (*(struct ike_sa *const *)a)->serial, y = (*(struct ike_sa *const *)b)->serial;
	return x < y ? -1 : x > y;
}

static int cmp_child(const void *a, const void *b)
{
	unsigned long x = (*(struct child_sa *const *)a)->serial,
		      y = (*(struct child_sa *const *)b)->serial;
	return x < y ? -1 : x > y;
}

struct ike_sa **sa_ike_sorted(const struct sa_table *t, size_t *n)
{
	struct ike_sa **v = xcalloc(t->nr_ike + 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < t->buckets; i++)
		for (struct ike_sa *s = t->ike_by_serial[i]; s != NULL; s = s->serial_next)
			v[k++] = s;
	qsort(v, k, sizeof(*v), cmp_ike);
	*n = k;
	return v;
}

struct child_sa **sa_child_sorted(const struct sa_table *t, size_t *n)
{
	struct child_sa **v = xcalloc(t->nr_child + 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < t->buckets; i++)
		for (struct child_sa *c = t->child_by_serial[i]; c != NULL; c = c->serial_next)
			v[k++] = c;
	qsort(v, k, sizeof(*v), cmp_child);
	*n = k;
	return v;
}
