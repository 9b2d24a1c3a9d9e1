/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "conn/connections.h"
#include "conn/orient.h"

static const char *local_iface(const ip_address *a, const struct local_address *locals, size_t n)
{
	if (!address_is_specified(a))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (address_eq(a, &locals[i].addr))
			return locals[i].name;
	return NULL;
}

diag_t orient_ends(const ip_address *left, const ip_address *right,
		   const struct local_address *locals, size_t nr_locals,
		   int *local, const char **iface)
{
	const char *l = local_iface(left, locals, nr_locals);
	const char *r = local_iface(right, locals, nr_locals);
	if (l != NULL && r != NULL) {
		address_buf lb, rb;
		return diag("cannot orient connection: both left=%s (%s) and right=%s (%s) are local addresses",
			    str_address(left, &lb), l, str_address(right, &rb), r);
	}
	*local = l != NULL ? 0 : r != NULL ? 1 : -1;
	*iface = l != NULL ? l : r;
	return NULL;
}

/* the interfaces pluto listens on, as a local address list */
static struct local_address *listening(size_t *n)
{
	size_t count = 0;
	for (const struct iface_endpoint *e = iface_endpoints(); e != NULL; e = e->next)
		count++;
	struct local_address *la = calloc(count + 1, sizeof(*la));
	if (la == NULL)
		abort();
	size_t k = 0;
	for (const struct iface_endpoint *e = iface_endpoints(); e != NULL; e = e->next) {
		memcpy(la[k].name, e->name, sizeof(la[k].name));
		la[k].addr = e->local.addr;
		k++;
	}
	*n = k;
	return la;
}

diag_t orient_connection(struct connection *c, bool *changed)
{
	size_t n;
	struct local_address *la = listening(&n);
	int local;
	const char *iface;
	diag_t d = orient_ends(&c->end[LEFT_END].host, &c->end[RIGHT_END].host, la, n, &local, &iface);
	if (d == NULL) {
		*changed = local != c->local || (iface != NULL && strcmp(iface, c->iface) != 0);
		c->local = local;
		memset(c->iface, 0, sizeof(c->iface));
		if (iface != NULL)
			strncpy(c->iface, iface, sizeof(c->iface) - 1);
	}
	free(la);
	return d;
}
