/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/pidfile.h"

static int lock_fd = -1;
static char *lock_path;

diag_t pidfile_lock(const char *rundir, const char *path)
{
	if (mkdir(rundir, 0755) < 0 && errno != EEXIST)
		return diag("cannot create run directory \"%s\": %s", rundir, strerror(errno));
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return diag("cannot open lock file \"%s\": %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		char buf[32] = "";
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		close(fd);
		if (e != EWOULDBLOCK)
			return diag("cannot lock \"%s\": %s", path, strerror(e));
		long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
		if (pid > 0)
			return diag("lock file \"%s\" already exists: pluto (pid %ld) is running on this run directory",
				    path, pid);
		return diag("lock file \"%s\" already exists: another pluto is running on this run directory",
			    path);
	}
	lock_fd = fd;
	lock_path = strdup(path);
	return NULL;
}

diag_t pidfile_write(pid_t pid)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
	if (ftruncate(lock_fd, 0) < 0 || pwrite(lock_fd, buf, (size_t)n, 0) != n)
		return diag("cannot write lock file \"%s\": %s", lock_path, strerror(errno));
	return NULL;
}

void pidfile_remove(void)
{
	if (lock_fd < 0)
		return;
	unlink(lock_path);
	close(lock_fd);
	lock_fd = -1;
	free(lock_path);
	lock_path = NULL;
}
