/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The crypto worker pool: a few pthreads (one per CPU less one, at least
 * one; nhelpers= overrides) run the expensive part of a job (key
 * generation, DH, the key schedule); the job's done() then runs back on
 * the sd-event loop, woken through an eventfd.  The loop never blocks on
 * crypto.  A job is owned by the pool between submit and done(); done()
 * frees it (CANCELLED is true when the pool is stopping and run() never
 * ran).
 */
#ifndef PLUTO_SERVER_WORKERS_H
#define PLUTO_SERVER_WORKERS_H

#include <stdbool.h>
#include "tern/diag.h"

struct worker_job {
	void (*run)(struct worker_job *job);		/* on a worker thread */
	void (*done)(struct worker_job *job, bool cancelled);	/* on the loop */
	struct worker_job *next;
};

struct sd_event;
/* NR <= 0: the machine's CPUs less one (at least one) */
diag_t workers_start(struct sd_event *loop, int nr);
void workers_submit(struct worker_job *job);
unsigned workers_count(void);
/* finish the running jobs, cancel the queued ones, join the threads */
void workers_stop(void);

#endif
