/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <systemd/sd-event.h>

#include "server/workers.h"

#define WORKERS_MAX 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cond = PTHREAD_COND_INITIALIZER;
static struct worker_job *todo_head, *todo_tail;	/* FIFO */
static struct worker_job *done_head, *done_tail;
static bool stopping;
static pthread_t threads[WORKERS_MAX];
static unsigned nr_threads;
static int efd = -1;
static sd_event_source *efd_source;

static void push(struct worker_job **head, struct worker_job **tail, struct worker_job *j)
{
	j->next = NULL;
	if (*tail != NULL)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
}

static struct worker_job *pop(struct worker_job **head, struct worker_job **tail)
{
	struct worker_job *j = *head;
	if (j != NULL) {
		*head = j->next;
		if (*head == NULL)
			*tail = NULL;
		j->next = NULL;
	}
	return j;
}

static void *worker_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (todo_head == NULL && !stopping)
			pthread_cond_wait(&work_cond, &lock);
		if (stopping)
			break;
		struct worker_job *j = pop(&todo_head, &todo_tail);
		pthread_mutex_unlock(&lock);
		j->run(j);
		pthread_mutex_lock(&lock);
		push(&done_head, &done_tail, j);
		uint64_t one = 1;
		ssize_t w = write(efd, &one, sizeof(one));
		(void)w;	/* a full counter still wakes the loop */
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static int on_done(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	(void)s;
	(void)revents;
	(void)data;
	uint64_t n;
	ssize_t r = read(fd, &n, sizeof(n));
	(void)r;
	for (;;) {
		pthread_mutex_lock(&lock);
		struct worker_job *j = pop(&done_head, &done_tail);
		pthread_mutex_unlock(&lock);
		if (j == NULL)
			break;
		j->done(j, false);
	}
	return 0;
}

diag_t workers_start(struct sd_event *loop, int nr)
{
	if (nr <= 0) {
		/*
		 * One worker per CPU we may run on (sched_getaffinity: a cpuset
		 * or taskset counts): the crypto is ~3/4 of an IKE SA's
		 * instructions and the main loop the rest, so with one worker
		 * less than CPUs (Libreswan's n-1) a 2-CPU machine leaves most
		 * of one CPU idle (docs/benchmarks.md).
		 */
		cpu_set_t set;
		long cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set)
			: sysconf(_SC_NPROCESSORS_ONLN);
		nr = cpus > 1 ? (int)cpus : 1;
	}
	if (nr > WORKERS_MAX)
		nr = WORKERS_MAX;
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0)
		return diag("crypto workers: eventfd() failed: %s", strerror(errno));
	int r = sd_event_add_io(loop, &efd_source, efd, EPOLLIN, on_done, NULL);
	if (r < 0) {
		close(efd);
		efd = -1;
		return diag("crypto workers: cannot watch the eventfd: %s", strerror(-r));
	}
	stopping = false;
	for (int i = 0; i < nr; i++) {
		int e = pthread_create(&threads[nr_threads], NULL, worker_main, NULL);
		if (e != 0) {
			if (nr_threads > 0)
				break;	/* fewer workers still work */
			sd_event_source_disable_unref(efd_source);
			efd_source = NULL;
			close(efd);
			efd = -1;
			return diag("crypto workers: pthread_create() failed: %s", strerror(e));
		}
		nr_threads++;
	}
	return NULL;
}

unsigned workers_count(void)
{
	return nr_threads;
}

void workers_submit(struct worker_job *job)
{
	if (nr_threads == 0) {
		/* no pool (a tool or test without the loop): run inline */
		job->run(job);
		job->done(job, false);
		return;
	}
	pthread_mutex_lock(&lock);
	push(&todo_head, &todo_tail, job);
	pthread_cond_signal(&work_cond);
	pthread_mutex_unlock(&lock);
}

void workers_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&work_cond);
	pthread_mutex_unlock(&lock);
	for (unsigned i = 0; i < nr_threads; i++)
		pthread_join(threads[i], NULL);
	nr_threads = 0;
	/* finished jobs report normally, queued ones are cancelled */
	for (struct worker_job *j; (j = pop(&done_head, &done_tail)) != NULL;)
		j->done(j, false);
	for (struct worker_job *j; (j = pop(&todo_head, &todo_tail)) != NULL;)
		j->done(j, true);
	if (efd_source != NULL)
		sd_event_source_disable_unref(efd_source);
	efd_source = NULL;
	if (efd >= 0)
		close(efd);
	efd = -1;
}
