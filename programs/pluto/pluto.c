/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pluto: options, start-up, shutdown.  The order matters:
 *   options and config setup -> logging -> pid lock -> fork (the parent
 *   waits until the child listens) -> event loop -> NSS -> secrets ->
 *   kernel (flush leftovers) -> interfaces -> control socket ->
 *   connections -> drop capabilities -> READY=1
 * and the reverse on SIGTERM/SIGINT or whack --shutdown.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tern/conf.h"
#include "tern/ctl.h"
#include "tern/log.h"
#include "tern-config.h"
#include "auth/secrets_store.h"
#include "auth/signer_cache.h"
#include "auth/sigauth.h"
#include "conn/add.h"
#include "conn/conf_cache.h"
#include "conn/connections.h"
#include "conn/route.h"
#include "ctl/ctl_server.h"
#include "ikev2/pluto_ikev2.h"
#include "kernel/kernel.h"
#include "kernel/kernel_route.h"
#include "log/sinks.h"
#include "pluto.h"
#include "server/caps.h"
#include "server/iface.h"
#include "server/loop.h"
#include "server/nss.h"
#include "server/pidfile.h"
#ifdef HAVE_TERN_CRYPTO
#include "tern/crypto.h"
#include "tern/crypto_sig.h"
#endif

static const char usage[] =
	"Usage: pluto [--config FILE] [--nofork] [--stderrlog] [--logfile FILE]\n"
	"             [--rundir DIR] [--ctlsocket PATH] [--nssdir DIR]\n"
	"             [--secretsfile FILE] [--listen ADDRESS]\n"
	"             [--nsspassword PW] [--nsspasswordfile FILE]\n"
	"             [--debug CLASSES] [--debug-all] [--debug-none]\n"
	"             [--help] [--version]\n"
	"\n"
	"  --config FILE       ipsec.conf to read 'config setup' and conns from\n"
	"                      (default /etc/ipsec.conf)\n"
	"  --nofork            stay in the foreground\n"
	"  --stderrlog         log to stderr too\n"
	"  --logfile FILE      log to FILE (instead of the journal)\n"
	"  --rundir DIR        pid file and control socket directory (default /run/pluto)\n"
	"  --ctlsocket PATH    control socket (default RUNDIR/pluto.ctl)\n"
	"  --nssdir DIR        NSS database directory (default /var/lib/ipsec/nss)\n"
	"  --secretsfile FILE  secrets (default /etc/ipsec.secrets)\n"
	"  --listen ADDRESS    listen on this address only\n"
	"  --nsspassword PW    the NSS database's password\n"
	"  --nsspasswordfile FILE  'NSS Certificate DB:PW' lines (default\n"
	"                      /etc/ipsec.d/nsspassword)\n"
	"  --debug CLASSES     all, base, crypt, private, none (comma separated)\n"
	"The command line takes precedence over 'config setup'.\n";

/* which settings the command line gave (config setup must not override) */
static struct {
	bool nssdir, secretsfile, logfile, debug, listen;
} cmdline;

static void fatal(int code, const char *fmt, ...) TERN_PRINTF(2, 3);
static void fatal(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	llogv(&global_logger, LOG_SEV_FATAL, fmt, ap);
	va_end(ap);
	exit(code);
}

/* before the sinks exist, errors go straight to stderr */
static void early_fatal(int code, const char *fmt, ...) TERN_PRINTF(2, 3);
static void early_fatal(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("pluto: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

static char *path_join(const char *dir, const char *file)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, file) < 0)
		abort();
	return p;
}

static void parse_options(int argc, char **argv)
{
	enum { O_CONFIG = 256, O_NOFORK, O_STDERRLOG, O_LOGFILE, O_RUNDIR, O_CTLSOCKET,
	       O_NSSDIR, O_SECRETSFILE, O_LISTEN, O_DEBUG, O_DEBUG_ALL, O_DEBUG_NONE,
	       O_HELP, O_VERSION, O_NSSPASSWORD, O_NSSPASSWORDFILE };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, O_CONFIG },
		{ "nofork", no_argument, NULL, O_NOFORK },
		{ "stderrlog", no_argument, NULL, O_STDERRLOG },
		{ "logfile", required_argument, NULL, O_LOGFILE },
		{ "rundir", required_argument, NULL, O_RUNDIR },
		{ "ctlsocket", required_argument, NULL, O_CTLSOCKET },
		{ "nssdir", required_argument, NULL, O_NSSDIR },
		{ "ipsecdir", required_argument, NULL, O_NSSDIR },	/* Libreswan's old name */
		{ "secretsfile", required_argument, NULL, O_SECRETSFILE },
		{ "nsspassword", required_argument, NULL, O_NSSPASSWORD },
		{ "nsspasswordfile", required_argument, NULL, O_NSSPASSWORDFILE },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "debug", required_argument, NULL, O_DEBUG },
		{ "debug-all", no_argument, NULL, O_DEBUG_ALL },
		{ "debug-none", no_argument, NULL, O_DEBUG_NONE },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ 0 },
	};
	for (;;) {
		int o = getopt_long(argc, argv, "", opts, NULL);
		if (o == -1)
			break;
		switch (o) {
		case O_CONFIG:
			pluto.config = optarg;
			break;
		case O_NOFORK:
			pluto.nofork = true;
			break;
		case O_STDERRLOG:
			pluto.stderrlog = true;
			break;
		case O_LOGFILE:
			pluto.logfile = optarg;
			cmdline.logfile = true;
			break;
		case O_RUNDIR:
			pluto.rundir = optarg;
			break;
		case O_CTLSOCKET:
			pluto.ctlsocket = strdup(optarg);
			break;
		case O_NSSDIR:
			pluto.nssdir = optarg;
			cmdline.nssdir = true;
			break;
		case O_SECRETSFILE:
			pluto.secretsfile = optarg;
			cmdline.secretsfile = true;
			break;
		case O_NSSPASSWORD:
			pluto_nss_password(optarg, NULL);
			break;
		case O_NSSPASSWORDFILE:
			pluto_nss_password(NULL, optarg);
			break;
		case O_LISTEN: {
			diag_t d = ttoaddress_num(optarg, AF_UNSPEC, &pluto.listen);
			if (d != NULL)
				early_fatal(PLUTO_EXIT_FAIL, "--listen %s: %s", optarg, diag_str(d));
			cmdline.listen = true;
			break;
		}
		case O_DEBUG: {
			unsigned mask;
			if (!parse_debug_classes(optarg, &mask))
				early_fatal(PLUTO_EXIT_FAIL,
					    "--debug \"%s\": unknown debug class (known: all, base, crypt, private, none)",
					    optarg);
			pluto.debugging = cmdline.debug ? (pluto.debugging | mask) : mask;
			cmdline.debug = true;
			break;
		}
		case O_DEBUG_ALL:
			pluto.debugging = DBG_ALL;
			cmdline.debug = true;
			break;
		case O_DEBUG_NONE:
			pluto.debugging = 0;
			cmdline.debug = true;
			break;
		case O_HELP:
			fputs(usage, stdout);
			exit(0);
		case O_VERSION:
			printf("tern pluto %s\n", TERN_VERSION);
			exit(0);
		default:
			fputs(usage, stderr);
			exit(PLUTO_EXIT_FAIL);
		}
	}
	if (optind < argc)
		early_fatal(PLUTO_EXIT_FAIL, "unexpected argument \"%s\" (see --help)", argv[optind]);
	if (pluto.ctlsocket == NULL)
		pluto.ctlsocket = path_join(pluto.rundir, CTL_SOCKET_NAME);
	pluto.pidfile = path_join(pluto.rundir, "pluto.pid");
}

/* config setup under the command line; problems are reported once logging runs */
static struct ipsec_conf *startup_conf;
static diag_t startup_conf_diag;

static void read_config_setup(void)
{
	diag_t d = ipsec_conf_load(pluto.config, &startup_conf);
	if (d != NULL) {
		startup_conf_diag = d;
		return;
	}
	const struct config_setup *cs = &startup_conf->setup;
	pluto_setup = cs;
	if (!cmdline.nssdir && cs->nssdir != NULL)
		pluto.nssdir = cs->nssdir;
	if (!cmdline.secretsfile && cs->secretsfile != NULL)
		pluto.secretsfile = cs->secretsfile;
	if (!cmdline.logfile && cs->logfile != NULL)
		pluto.logfile = cs->logfile;
	if (!cmdline.debug)
		pluto.debugging = cs->plutodebug;
	if (!cmdline.listen)
		pluto.listen = cs->listen;
	pluto.logtime = cs->logtime;
	pluto.logappend = cs->logappend;
	pluto.uniqueids = cs->uniqueids;
	pluto.keep_alive = (unsigned)(cs->keep_alive_ms / 1000);
}

static int ready_pipe = -1;

/* without --nofork: the parent exits once the child listens (or with its failure) */
static void daemonize(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		fatal(PLUTO_EXIT_FORK_FAIL, "pipe() failed: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		fatal(PLUTO_EXIT_FORK_FAIL, "fork() failed: %s", strerror(errno));
	if (pid > 0) {
		close(p[1]);
		char ok;
		ssize_t n;
		do {
			n = read(p[0], &ok, 1);
		} while (n < 0 && errno == EINTR);
		if (n == 1)
			_exit(PLUTO_EXIT_OK);
		int status = 0;
		waitpid(pid, &status, 0);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : PLUTO_EXIT_FAIL);
	}
	close(p[0]);
	ready_pipe = p[1];
	setsid();
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	if (!pluto.stderrlog) {
		log_sinks_detach_stderr();
		dup2(fd, STDERR_FILENO);
	}
	close(fd);
}

static void on_terminate(int signo)
{
	ldbg(&global_logger, "received signal %s", strsignal(signo));
	pluto_shutdown();
}

static void on_reload(void)
{
	(void)secrets_store_load(pluto.secretsfile, &global_logger);
}

static void report_startup_config(void)
{
	if (startup_conf_diag != NULL) {
		llog_diag(&global_logger, LOG_SEV_WARNING, &startup_conf_diag,
			  "no connections loaded at start-up; using built-in config setup defaults");
		return;
	}
	/* file-level problems; conn problems are reported when the conn is added */
	for (unsigned i = 0; i < startup_conf->nr_problems; i++) {
		const struct conf_problem *p = &startup_conf->problems[i];
		if (p->conn == NULL)
			llog(&global_logger, p->error ? LOG_SEV_ERROR : LOG_SEV_WARNING, "%s", p->message);
	}
}

int main(int argc, char **argv)
{
	parse_options(argc, argv);
	read_config_setup();
	tern_debugging = pluto.debugging;

	struct log_sink_settings ls = {
		.logfile = pluto.logfile,
		.logtime = pluto.logtime,
		.logappend = pluto.logappend,
		.stderrlog = pluto.stderrlog,
	};
	diag_t d = log_sinks_start(&ls);
	if (d != NULL)
		early_fatal(PLUTO_EXIT_FAIL, "%s", diag_str(d));

	d = pidfile_lock(pluto.rundir, pluto.pidfile);
	if (d != NULL) {
		llog(&global_logger, LOG_SEV_FATAL, "%s", diag_str(d));
		/* say it on the terminal even when logging goes elsewhere */
		if (!pluto.stderrlog && isatty(STDERR_FILENO))
			fprintf(stderr, "pluto: FATAL ERROR: %s\n", diag_str(d));
		exit(PLUTO_EXIT_LOCK_FAIL);
	}
	if (!pluto.nofork)
		daemonize();
	d = pidfile_write(getpid());
	if (d != NULL)
		fatal(PLUTO_EXIT_LOCK_FAIL, "%s", diag_str(d));

	llog(&global_logger, LOG_SEV_INFO, "Starting Pluto (tern %s) pid:%ld", TERN_VERSION, (long)getpid());
	LLOG_JAMBUF(&global_logger, LOG_SEV_INFO, b) {
		jam(b, "config: %s, secrets: %s, nssdir: %s, rundir: %s, debug: ", pluto.config,
		    pluto.secretsfile, pluto.nssdir, pluto.rundir);
		jam_debug_classes(b, tern_debugging);
	}
	report_startup_config();

	struct loop_hooks hooks = { .terminate = on_terminate, .reload = on_reload };
	d = loop_init(&hooks);
	if (d != NULL)
		fatal(PLUTO_EXIT_FAIL, "%s", diag_str(d));

	d = pluto_nss_init(pluto.nssdir, &global_logger);
	if (d != NULL) {
		llog(&global_logger, LOG_SEV_FATAL, "%s", diag_str(d));
		pidfile_remove();
		exit(PLUTO_EXIT_NSS_FAIL);
	}
	if (pluto_setup != NULL)
		auth_revocation_setup(pluto_setup, &global_logger);
#ifdef HAVE_TERN_CRYPTO
	d = crypto_selftest(&global_logger);
	if (d == NULL)
		d = crypto_sig_selftest();	/* RSA / ECDSA verification vectors */
	if (d != NULL) {
		llog(&global_logger, LOG_SEV_FATAL, "%s", diag_str(d));
		pidfile_remove();
		exit(PLUTO_EXIT_FAIL);
	}
	llog(&global_logger, LOG_SEV_INFO, "crypto self-test passed");
#endif
	(void)secrets_store_load(pluto.secretsfile, &global_logger);

	d = kernel_init(&global_logger);
	if (d == NULL)
		d = kernel_flush_owned(&global_logger, "left by an earlier run");
	if (d != NULL) {
		llog(&global_logger, LOG_SEV_FATAL, "%s", diag_str(d));
		pidfile_remove();
		exit(PLUTO_EXIT_KERNEL_FAIL);
	}

	d = iface_init();
	if (d != NULL) {
		llog(&global_logger, LOG_SEV_FATAL, "%s", diag_str(d));
		pidfile_remove();
		exit(PLUTO_EXIT_SOCKET_FAIL);
	}
	iface_rescan(&pluto.listen, &global_logger);
	if (iface_endpoints() == NULL)
		llog(&global_logger, LOG_SEV_WARNING,
		     "no interface to listen on (yet); 'ipsec listen' rescans");

	d = pluto_ikev2_start(pluto_setup != NULL ? pluto_setup->nhelpers : -1);
	if (d != NULL) {
		llog(&global_logger, LOG_SEV_FATAL, "%s", diag_str(d));
		pidfile_remove();
		exit(PLUTO_EXIT_FAIL);
	}
	connection_free_hook = pluto_ikev2_connection_gone;

	d = ctl_server_start(pluto.ctlsocket);
	if (d != NULL) {
		llog(&global_logger, LOG_SEV_FATAL, "%s", diag_str(d));
		pidfile_remove();
		exit(PLUTO_EXIT_SOCKET_FAIL);
	}
	/* startup_conf stays for the process's life: pluto_setup and
	 * the paths in pluto point into it */
	if (startup_conf != NULL) {
		conn_add_auto(startup_conf, &global_logger);
		conf_cache_seed(startup_conf);	/* `ipsec add` reuses it while unchanged */
	}
	drop_capabilities(&global_logger);
	pluto_ikev2_start_auto();

	loop_notify_ready("Startup completed.");
	llog(&global_logger, LOG_SEV_INFO, "listening for IKE messages; control socket %s", pluto.ctlsocket);
	if (ready_pipe >= 0) {
		detach_stdio();
		(void)!write(ready_pipe, "", 1);
		close(ready_pipe);
		ready_pipe = -1;
	}

	int code = loop_run();

	llog(&global_logger, LOG_SEV_INFO, "shutting down");
	loop_notify_stopping();
	route_shutdown();	/* before the SAs go: no trap comes back */
	pluto_ikev2_stop();
	kernel_route_flush(&global_logger);	/* mtu= routes the SAs left */
	connection_free_hook = NULL;
	conn_table_clear();
	kernel_shutdown(&global_logger);
	iface_shutdown_all(&global_logger);
	iface_free();
	ctl_server_stop();
	secrets_store_free();
	auth_signer_cache_flush();	/* NSS objects: before NSS_Shutdown() */
	pluto_nss_shutdown();
	loop_free();
	pluto_setup = NULL;
	llog(&global_logger, LOG_SEV_INFO, "pluto exiting");
	pidfile_remove();
	log_sinks_stop();
	conf_cache_free();
	ipsec_conf_free(&startup_conf);
	free(pluto.ctlsocket);
	free(pluto.pidfile);
	return code;
}
