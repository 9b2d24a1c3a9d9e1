/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/conf private interfaces: keyword table, value setters, problems */
#ifndef TERN_CONF_INTERNAL_H
#define TERN_CONF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern/conf.h"

enum kw_flags {
	KW_SETUP = 1u << 0,	/* valid in config setup */
	KW_CONN = 1u << 1,	/* valid in conn sections */
	KW_END = 1u << 2,	/* written leftNAME / rightNAME */
	KW_OBSOLETE = 1u << 3,	/* accepted with a warning; see hint */
	KW_MULTI = 1u << 4,	/* may repeat in a section (also=) */
	KW_EXTRA = 1u << 5,	/* no typed field: checked, kept in ->extras */
};

enum kw_type {
	KT_STRING,	/* any non-empty text */
	KT_PATH,	/* a file or directory name */
	KT_BOOL,
	KT_ENUM,	/* value from kw->enums, stored as int */
	KT_DURATION,	/* plain number in kw->plain_ms units; stored as uint64 ms */
	KT_UINT,	/* kw->min..kw->max, stored by kw->size */
	KT_INT,		/* kw->min..kw->max as signed int */
	KT_PERCENT,	/* "100%" or "100" */
	KT_ADDRESS,	/* numeric address */
	KT_HOST,	/* left= */
	KT_NEXTHOP,	/* leftnexthop= */
	KT_SUBNET,	/* leftsubnet= */
	KT_SUBNETS,	/* leftsubnets= */
	KT_ID,		/* leftid= */
	KT_PROTOPORT,	/* leftprotoport= */
	KT_AUTHBY,	/* authby= */
	KT_MARK,	/* mark=VALUE[/MASK] */
	KT_DEBUG,	/* plutodebug= */
	KT_VPRIVATE,	/* virtual-private= */
	KT_AFI,		/* hostaddrfamily= */
	KT_RSASIGKEY,	/* leftrsasigkey= */
	KT_HEX,		/* leftckaid= */
	KT_KEYINGTRIES,	/* number or %forever */
	KT_U64,		/* ipsec-max-bytes= */
	KT_IKEV2,	/* obsolete ikev2= */
	KT_ALSO,	/* also= */
	KT_IGNORED,	/* obsolete, value ignored */
};

struct enum_name {
	const char *name;
	int value;
};

struct keyword {
	const char *name;	/* for KW_END: the part after left/right */
	unsigned flags;
	enum kw_type type;
	size_t offset;		/* in conn_config, conn_end or config_setup */
	size_t size;		/* KT_UINT: width of the field */
	const struct enum_name *enums;	/* KT_ENUM */
	uint64_t min, max;	/* KT_UINT, KT_INT (as int64 via cast) */
	uint64_t plain_ms;	/* KT_DURATION: unit of a plain number */
	const char *alias_of;	/* an alias: the canonical keyword's name */
	const char *hint;	/* KW_OBSOLETE: what to do instead */
};

extern const struct keyword conf_keywords[];
extern const unsigned conf_nr_keywords;

/* slots: one per keyword and end: index * 2 + (right ? 1 : 0) */
#define CONF_SLOT(kwi, right) ((kwi) * 2u + ((right) ? 1u : 0u))
#define CONF_NR_SLOTS (conf_nr_keywords * 2u)

/*
 * Look NAME up; on success sets *kwi to the canonical keyword index (an
 * alias maps to its target), *right for rightNAME, and *used to the
 * keyword as written (for messages and obsolete hints).
 */
bool conf_keyword_lookup(const char *name, unsigned *kwi, bool *right,
			 const struct keyword **used);
/* the closest keyword name within edit distance 2 valid in SECTION
 * (KW_SETUP or KW_CONN), or NULL; writes it to BUF */
const char *conf_keyword_suggest(const char *name, unsigned section, char *buf, size_t size);

/* apply VALUE of keyword KW to the conn (or setup); *out untouched on failure */
diag_t conf_apply_conn(const struct keyword *kw, bool right, const char *value,
		       struct conn_config *c);
diag_t conf_apply_setup(const struct keyword *kw, const char *value,
			struct config_setup *s);

void conf_conn_defaults(struct conn_config *c);
/* frees every heap field (the lists below, subnets, IDs, problems, extras) */
void conf_conn_free_fields(struct conn_config *c);

/*
 * The char * fields of a conn_end and a conn_config, listed once: the
 * free (values.c) and the clone (clone.c) both expand them, so a new
 * string field is added here and nowhere else.
 */
#define CONN_END_STRING_FIELDS(X, e) \
	X((e)->host_name) X((e)->cert) X((e)->ca) X((e)->rsasigkey) X((e)->pubkey) \
	X((e)->ckaid) X((e)->updown) X((e)->addresspool) X((e)->xauthusername) \
	X((e)->vti) X((e)->interface_ip)
#define CONN_CONFIG_STRING_FIELDS(X, c) \
	X((c)->name) X((c)->file) X((c)->ike) X((c)->esp) X((c)->ah) X((c)->ppk) \
	X((c)->modecfgdns) X((c)->modecfgdomains) X((c)->modecfgbanner) \
	X((c)->remote_peer_type) X((c)->vti_interface) X((c)->ipsec_interface) \
	X((c)->sendca) X((c)->redirect_to) X((c)->accept_redirect_to) \
	X((c)->sec_label) X((c)->connalias) X((c)->enable_tcp)
void conf_free_extras(struct conf_extra *extras, unsigned nr);
void conf_setup_defaults(struct config_setup *s);
void conf_setup_free_fields(struct config_setup *s);

/* value helpers shared with secrets.c */
char *conf_strdup(const char *s);
void *conf_alloc(size_t n);
void *conf_realloc_array(void *p, size_t n, size_t size);
/* edit distance, capped: returns limit + 1 when larger */
unsigned conf_edit_distance(const char *a, const char *b, unsigned limit);

#endif
