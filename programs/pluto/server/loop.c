/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "tern/log.h"
#include "server/loop.h"

sd_event *pluto_event;
static struct loop_hooks loop_hooks;
static uint64_t watchdog_usec;
static sd_event_source *watchdog_source;

/* a little under half of WatchdogSec, so timer slack never makes it more */
static uint64_t watchdog_period(void)
{
	return watchdog_usec / 2 - watchdog_usec / 20;
}

static int on_watchdog(sd_event_source *s, uint64_t usec, void *data)
{
	(void)data;
	sd_notify(false, "WATCHDOG=1");
	sd_event_source_set_time(s, usec + watchdog_period());
	sd_event_source_set_enabled(s, SD_EVENT_ON);
	return 0;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *data)
{
	(void)s;
	(void)data;
	switch (si->ssi_signo) {
	case SIGHUP:
		if (loop_hooks.reload != NULL)
			loop_hooks.reload();
		break;
	default:
		if (loop_hooks.terminate != NULL)
			loop_hooks.terminate((int)si->ssi_signo);
		else
			loop_exit(0);
		break;
	}
	return 0;
}

diag_t loop_init(const struct loop_hooks *hooks)
{
	loop_hooks = *hooks;
	int r = sd_event_new(&pluto_event);
	if (r < 0)
		return diag("cannot create the event loop: %s", strerror(-r));
	/* sd_event_add_signal() wants the signals blocked */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return diag("cannot block signals: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	const int signals[] = { SIGTERM, SIGINT, SIGHUP };
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		r = sd_event_add_signal(pluto_event, NULL, signals[i], on_signal, NULL);
		if (r < 0)
			return diag("cannot watch signal %s: %s", strsignal(signals[i]), strerror(-r));
	}
	/*
	 * WATCHDOG=1 every half of WatchdogSec, from a timer of the loop
	 * itself: a loop that is stuck stops pinging.  (sd-event's own
	 * watchdog pings between 1/2 and 3/4 of the period.)
	 */
	if (sd_watchdog_enabled(false, &watchdog_usec) > 0 && watchdog_usec > 0) {
		r = sd_event_add_time_relative(pluto_event, &watchdog_source, CLOCK_MONOTONIC,
					       watchdog_period(), 1000 /* accuracy: 1 ms */,
					       on_watchdog, NULL);
		if (r < 0)
			return diag("cannot arm the systemd watchdog: %s", strerror(-r));
		sd_event_source_set_enabled(watchdog_source, SD_EVENT_ON);
		llog(&global_logger, LOG_SEV_INFO, "systemd watchdog: WATCHDOG=1 every %llu ms",
		     (unsigned long long)(watchdog_period() / 1000));
	}
	return NULL;
}

uint64_t loop_watchdog_usec(void)
{
	return watchdog_usec;
}

int loop_run(void)
{
	int r = sd_event_loop(pluto_event);
	return r < 0 ? 1 : r;
}

void loop_exit(int code)
{
	sd_event_exit(pluto_event, code);
}

void loop_free(void)
{
	watchdog_source = sd_event_source_disable_unref(watchdog_source);
	pluto_event = sd_event_unref(pluto_event);
}

void loop_notify_ready(const char *status)
{
	sd_notifyf(false, "READY=1\nSTATUS=%s\nMAINPID=%ld", status, (long)getpid());
}

void loop_notify_stopping(void)
{
	sd_notify(false, "STOPPING=1\nSTATUS=shutting down");
}
