/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pluto's process-wide settings: the command line merged over
 * "config setup" (the command line wins).  Filled once in pluto.c before
 * anything else runs; read everywhere.
 */
#ifndef PLUTO_H
#define PLUTO_H

#include <stdbool.h>
#include "tern/ip.h"
#include "tern/conf.h"

/* exit codes, numbered as Libreswan's pluto */
enum pluto_exit {
	PLUTO_EXIT_OK = 0,
	PLUTO_EXIT_FAIL = 1,
	PLUTO_EXIT_SOCKET_FAIL = 2,
	PLUTO_EXIT_FORK_FAIL = 3,
	PLUTO_EXIT_KERNEL_FAIL = 5,
	PLUTO_EXIT_NSS_FAIL = 6,
	PLUTO_EXIT_LOCK_FAIL = 10,
};

struct pluto_settings {
	const char *config;	/* --config, default /etc/ipsec.conf */
	const char *rundir;	/* --rundir, default /run/pluto */
	char *ctlsocket;	/* --ctlsocket, default RUNDIR/pluto.ctl */
	char *pidfile;		/* RUNDIR/pluto.pid */
	const char *nssdir;	/* --nssdir / nssdir=, default /var/lib/ipsec/nss */
	const char *secretsfile;	/* --secretsfile / secretsfile= */
	const char *logfile;	/* --logfile / logfile=, NULL = none */
	bool logtime;		/* logtime=, default yes */
	bool logappend;		/* logappend=, default yes */
	bool stderrlog;		/* --stderrlog */
	bool nofork;		/* --nofork */
	unsigned debugging;	/* --debug / plutodebug= */
	ip_address listen;	/* listen=, unset = every address */
	bool uniqueids;		/* uniqueids=, default yes */
	unsigned keep_alive;	/* keep-alive= seconds, default 20 */
};

extern struct pluto_settings pluto;
/* config setup as read at start-up (defaults when the file had none) */
extern const struct config_setup *pluto_setup;

/* ask the event loop to end (SIGTERM, whack --shutdown) */
void pluto_shutdown(void);

#endif
