/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/conf: the state of one ipsec.conf load (parser.c -> build.c) */
#ifndef TERN_CONF_LOADER_H
#define TERN_CONF_LOADER_H

#include <time.h>

#include "internal.h"

struct entry {
	unsigned kwi;		/* canonical keyword */
	bool right;
	const struct keyword *used;	/* as written (alias / obsolete) */
	char *value;
	const char *file;	/* owned by the loader's file list */
	unsigned line;
	unsigned seq;		/* global line sequence number, for ordering */
	bool bad;		/* value rejected: never applied */
	int problem;		/* its problem index, or -1 */
};

enum section_kind { SEC_SETUP, SEC_CONN, SEC_DEFAULT };

struct section {
	enum section_kind kind;
	char *name;
	const char *file;
	unsigned line;
	unsigned seq;
	unsigned id;		/* index in loader->sections */
	struct entry *entries;
	unsigned nr_entries, alloc_entries;
	unsigned *also;		/* indices of also= entries, in order */
	unsigned nr_also;
	unsigned *problems;	/* problems making this section unusable */
	unsigned nr_problems;
	bool duplicate;		/* a second "conn NAME": not a conn of its own */
	/* resolution (build.c) */
	int state;		/* 0 new, 1 in progress, 2 done */
	bool also_target;	/* keep resolved until the end */
	const struct entry **resolved;	/* [CONF_NR_SLOTS] */
	unsigned *all_problems;	/* own + inherited */
	unsigned nr_all_problems;
};

struct loader {
	struct ipsec_conf *conf;
	struct section **sections;
	unsigned nr_sections;
	struct section *current;	/* where indented lines go */
	struct section *setup;		/* the one shared config setup */
	struct section *defaults;	/* the one shared conn %default */
	char **files;
	unsigned nr_files;
	unsigned *problem_seq;		/* parallel to conf->problems */
	unsigned problems_alloc;
	unsigned seq;
	unsigned depth;
	bool allow_include;
	unsigned *dup_stamp;	/* [CONF_NR_SLOTS]: section id + 1 that set the slot */
	unsigned *dup_entry;	/* [CONF_NR_SLOTS]: that entry's index */
	struct conf_index *index;
	/* what the parse depends on (stamp.c): files read or tried, and the
	 * directories of include patterns */
	char **watch;
	unsigned nr_watch;
};

/* the private part of struct ipsec_conf */
struct conf_index {
	struct conn_config **table;	/* open addressing, size is a power of 2 */
	unsigned size;
	struct conf_stamp *stamps;	/* stamp.c; NULL: parsed from memory */
	unsigned nr_stamps;
	bool reusable;		/* no file changed around the time it was read */
};

/* stamp.c: ipsec_conf_unchanged() */
void loader_watch(struct loader *L, const char *path);
void loader_take_stamps(struct loader *L, const struct timespec *started);
void conf_stamps_free(struct conf_index *ix);

/* add a problem; returns its index.  CONN NULL = file level. */
unsigned loader_problem(struct loader *L, const char *file, unsigned line, unsigned seq,
			const char *conn, bool error, const char *fmt, ...) TERN_PRINTF(7, 8);
void section_add_problem(struct section *s, unsigned problem);
void loader_parse_text(struct loader *L, const char *file, const char *buf, size_t len);
/* returns false when the file cannot be read (errno set) */
bool loader_read_file(const char *path, char **buf, size_t *len);
void loader_build(struct loader *L);
uint32_t conf_name_hash(const char *s);

#endif
