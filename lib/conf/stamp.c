/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a parsed ipsec.conf depends on, so that a daemon can keep it and
 * not parse an unchanged file again (`ipsec add NAME` then costs the same
 * with 10 or 10,000 conns in the file): every file read (or tried: an
 * include that could not be opened) and the directory of every include
 * pattern, each with its (dev, ino, size, mtime, ctime), taken right after
 * the parse.  A file changed less than a second before the load started
 * may have changed again in the same clock tick: such a parse is never
 * reused (the same rule as git's "racy" index entries).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "loader.h"

struct conf_stamp {
	char *path;
	bool exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

void loader_watch(struct loader *L, const char *path)
{
	for (unsigned i = 0; i < L->nr_watch; i++)
		if (strcmp(L->watch[i], path) == 0)
			return;
	L->watch = conf_realloc_array(L->watch, L->nr_watch + 1, sizeof(*L->watch));
	L->watch[L->nr_watch++] = conf_strdup(path);
}

static void take(struct conf_stamp *s, const char *path)
{
	struct stat st;
	*s = (struct conf_stamp){ .path = conf_strdup(path) };
	if (stat(path, &st) != 0)
		return;
	s->exists = true;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->size = st.st_size;
	s->mtime = st.st_mtim;
	s->ctime = st.st_ctim;
}

static bool same(const struct conf_stamp *a, const struct conf_stamp *b)
{
	if (a->exists != b->exists)
		return false;
	return !a->exists ||
	       (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
		a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
		a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec);
}

/* changed at or after STARTED - 1 s */
static bool racy(const struct timespec *t, const struct timespec *started)
{
	return t->tv_sec >= started->tv_sec - 1;
}

void loader_take_stamps(struct loader *L, const struct timespec *started)
{
	struct conf_index *ix = L->conf->index;
	if (ix == NULL)
		return;
	ix->stamps = conf_alloc(sizeof(*ix->stamps) * (L->nr_watch > 0 ? L->nr_watch : 1));
	ix->nr_stamps = L->nr_watch;
	ix->reusable = L->nr_watch > 0;
	for (unsigned i = 0; i < L->nr_watch; i++) {
		struct conf_stamp *s = &ix->stamps[i];
		take(s, L->watch[i]);
		/* the mtime of a write; setting an old mtime changes the ctime,
		 * which the comparison sees */
		if (s->exists && racy(&s->mtime, started))
			ix->reusable = false;
	}
}

void conf_stamps_free(struct conf_index *ix)
{
	for (unsigned i = 0; i < ix->nr_stamps; i++)
		free(ix->stamps[i].path);
	free(ix->stamps);
	ix->stamps = NULL;
	ix->nr_stamps = 0;
}

bool ipsec_conf_unchanged(const struct ipsec_conf *conf)
{
	const struct conf_index *ix = conf != NULL ? conf->index : NULL;
	if (ix == NULL || ix->stamps == NULL || !ix->reusable)
		return false;
	for (unsigned i = 0; i < ix->nr_stamps; i++) {
		struct conf_stamp now;
		take(&now, ix->stamps[i].path);
		bool ok = same(&now, &ix->stamps[i]);
		free(now.path);
		if (!ok)
			return false;
	}
	return true;
}
