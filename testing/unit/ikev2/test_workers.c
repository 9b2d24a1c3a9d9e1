/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The crypto worker pool (programs/pluto/server/workers.c) on a real
 * sd-event loop: run() happens on worker threads, done() back on the
 * loop's thread, every job exactly once, and workers_stop() cancels what
 * was never started.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <systemd/sd-event.h>

#include "server/workers.h"

#define NR_JOBS 64

struct job {
	struct worker_job w;
	pthread_t ran_on;
	unsigned value, result;
	bool done, cancelled;
};

static pthread_t loop_thread;
static unsigned nr_done;
static sd_event *loop;

static void run(struct worker_job *w)
{
	struct job *j = (struct job *)w;
	j->ran_on = pthread_self();
	/* a little work, so jobs overlap */
	unsigned x = j->value;
	for (unsigned i = 0; i < 100000; i++)
		x = x * 1103515245u + 12345u;
	j->result = x;
}

static void done(struct worker_job *w, bool cancelled)
{
	struct job *j = (struct job *)w;
	assert_true(pthread_equal(pthread_self(), loop_thread));
	assert_false(j->done);
	j->done = true;
	j->cancelled = cancelled;
	if (++nr_done == NR_JOBS)
		sd_event_exit(loop, 0);
}

static unsigned expected(unsigned v)
{
	for (unsigned i = 0; i < 100000; i++)
		v = v * 1103515245u + 12345u;
	return v;
}

static void test_jobs_come_back_on_the_loop(void **state)
{
	(void)state;
	loop_thread = pthread_self();
	assert_int_equal(sd_event_new(&loop), 0);
	assert_null(workers_start(loop, 2));
	assert_int_equal(workers_count(), 2);
	static struct job jobs[NR_JOBS];
	for (unsigned i = 0; i < NR_JOBS; i++) {
		jobs[i] = (struct job){ .w = { .run = run, .done = done }, .value = i };
		workers_submit(&jobs[i].w);
	}
	assert_int_equal(sd_event_loop(loop), 0);
	for (unsigned i = 0; i < NR_JOBS; i++) {
		assert_true(jobs[i].done);
		assert_false(jobs[i].cancelled);
		assert_false(pthread_equal(jobs[i].ran_on, loop_thread));
		assert_int_equal(jobs[i].result, expected(i));
	}
	workers_stop();
	assert_int_equal(workers_count(), 0);
	sd_event_unref(loop);
}

static void test_stop_cancels_queued_jobs(void **state)
{
	(void)state;
	nr_done = 0;
	loop_thread = pthread_self();
	assert_int_equal(sd_event_new(&loop), 0);
	assert_null(workers_start(loop, 1));
	static struct job jobs[NR_JOBS];
	for (unsigned i = 0; i < NR_JOBS; i++) {
		jobs[i] = (struct job){ .w = { .run = run, .done = done }, .value = i };
		workers_submit(&jobs[i].w);
	}
	/* stop at once: whatever had not started is cancelled, the rest reports */
	workers_stop();
	assert_int_equal(nr_done, NR_JOBS);
	for (unsigned i = 0; i < NR_JOBS; i++) {
		assert_true(jobs[i].done);
		if (!jobs[i].cancelled)
			assert_int_equal(jobs[i].result, expected(i));
	}
	sd_event_unref(loop);
}

static void test_no_pool_runs_inline(void **state)
{
	(void)state;
	nr_done = 0;
	loop_thread = pthread_self();
	loop = NULL;
	struct job j = { .w = { .run = run, .done = done }, .value = 7 };
	workers_submit(&j.w);
	assert_true(j.done);
	assert_int_equal(j.result, expected(7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jobs_come_back_on_the_loop),
		cmocka_unit_test(test_stop_cancels_queued_jobs),
		cmocka_unit_test(test_no_pool_runs_inline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
