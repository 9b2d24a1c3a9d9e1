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
	 * sd-event sends WATCHDOG=1 by itself, at a fraction of
	 * WatchdogSec (well within half of it), when systemd asked for it.
	 */
	r = sd_event_set_watchdog(pluto_event, true);
	if (r < 0)
		return diag("cannot arm the systemd watchdog: %s", strerror(-r));
	if (r > 0 && sd_watchdog_enabled(false, &watchdog_usec) > 0)
		ldbg(&global_logger, "systemd watchdog every %llu ms, pinged by the event loop",
		     (unsigned long long)(watchdog_usec / 1000));
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
