/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lock on RUNDIR/pluto.pid: one pluto per run directory.  The lock is
 * an flock() held for the life of the process (inherited across the fork
 * that daemonizes), so a crash never leaves a stale lock behind; the file
 * holds the pid of the pluto that owns it.
 */
#ifndef PLUTO_SERVER_PIDFILE_H
#define PLUTO_SERVER_PIDFILE_H

#include <sys/types.h>
#include "tern/diag.h"

/* create RUNDIR if needed, take the lock; a running pluto is a diag naming its pid */
diag_t pidfile_lock(const char *rundir, const char *path);
/* write our pid into the locked file (after the fork) */
diag_t pidfile_write(pid_t pid);
/* remove the file and drop the lock */
void pidfile_remove(void);

#endif
