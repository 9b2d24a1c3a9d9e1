/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * leftsubnets={a b} / rightsubnets={c d}: as Libreswan, a conn with
 * several subnets is added as a family of sub-connections, one per
 * (left, right) pair, each with one Child SA:
 *
 *   NAME/1x1 NAME/1x2 NAME/2x1 NAME/2x2     (left number x right number)
 *
 * numbered from 1 in list order, the right number running fastest.  An
 * end with a plain leftsubnet= (or none) has number 0: leftsubnet=a with
 * rightsubnets={c d} gives NAME/0x1 NAME/0x2.  When an end has both
 * leftsubnet= and leftsubnets=, the subnet= one is number 0 and the list
 * follows from 1.  Pairs of different address families are skipped.
 * Every member keeps NAME as its alias (connalias): `ipsec up NAME`,
 * `down`, `delete` and `status NAME` act on the whole family.
 */
#ifndef TERN_CONN_FAMILY_H
#define TERN_CONN_FAMILY_H

#include "tern/conf.h"

struct conn_family_member {
	char name[160];			/* "NAME/1x2" */
	unsigned left_nr, right_nr;
	ip_subnet left, right;		/* unset: that end has no subnet */
};

/* whether CC has leftsubnets= or rightsubnets= */
bool conn_config_is_family(const struct conn_config *cc);
/*
 * The members of CC's family, in Libreswan's order; *OUT (calloc'd, the
 * caller frees) and *N.  Fails on a name too long or no pair of one
 * address family.
 */
diag_t conn_family_expand(const struct conn_config *cc, struct conn_family_member **out,
			  unsigned *n);
/* a clone of CC for member M: its name, leftsubnet=/rightsubnet= set,
 * the subnets= lists dropped, connalias= NAME (conn_config_clone_free()) */
struct conn_config *conn_family_config(const struct conn_config *cc,
				       const struct conn_family_member *m);

#endif
