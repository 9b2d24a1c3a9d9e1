/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event loop: one sd-event loop for everything (sockets, timers,
 * signals, the systemd watchdog).  Nothing blocks in it.
 */
#ifndef PLUTO_SERVER_LOOP_H
#define PLUTO_SERVER_LOOP_H

#include <systemd/sd-event.h>
#include "tern/diag.h"

extern sd_event *pluto_event;

struct loop_hooks {
	void (*terminate)(int signo);	/* SIGTERM, SIGINT */
	void (*reload)(void);		/* SIGHUP */
};

/* create the loop, route the signals, arm the watchdog */
diag_t loop_init(const struct loop_hooks *hooks);
/* run until loop_exit(); returns the code given to it */
int loop_run(void);
void loop_exit(int code);
void loop_free(void);

/* systemd notification: READY=1 + STATUS=, STOPPING=1 (harmless without systemd) */
void loop_notify_ready(const char *status);
void loop_notify_stopping(void);
/* whether systemd asked for the watchdog, and its period in microseconds */
uint64_t loop_watchdog_usec(void);

#endif
