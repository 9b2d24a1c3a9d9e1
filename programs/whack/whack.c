/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * whack: send one request to pluto over the control socket, print every
 * log line pluto streams back, exit with pluto's result code.
 * Options follow Libreswan's whack (long options only); see whack(8).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tern-config.h"
#include "tern/ctl.h"

enum {
	OPT_HELP = 256,
	OPT_VERSION,
	OPT_RUNDIR,
	OPT_CTLSOCKET,
	OPT_NAME,
	OPT_CONFIG,
	OPT_ASYNC,
	OPT_DEBUG,
	OPT_DEBUG_ALL,
	OPT_DEBUG_NONE,
	/* commands: OPT_CMD + enum ctl_type */
	OPT_CMD = 1000,
};

#define CMD(t) (OPT_CMD + (t))

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "rundir", required_argument, NULL, OPT_RUNDIR },
	{ "ctlbase", required_argument, NULL, OPT_RUNDIR },	/* Libreswan's old name */
	{ "ctlsocket", required_argument, NULL, OPT_CTLSOCKET },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "asynchronous", no_argument, NULL, OPT_ASYNC },
	{ "debug", required_argument, NULL, OPT_DEBUG },
	{ "debug-all", no_argument, NULL, OPT_DEBUG_ALL },
	{ "debug-none", no_argument, NULL, OPT_DEBUG_NONE },

	{ "status", no_argument, NULL, CMD(CTL_STATUS) },
	{ "globalstatus", no_argument, NULL, CMD(CTL_GLOBALSTATUS) },
	{ "briefstatus", no_argument, NULL, CMD(CTL_BRIEFSTATUS) },
	{ "trafficstatus", no_argument, NULL, CMD(CTL_TRAFFICSTATUS) },
	{ "showstates", no_argument, NULL, CMD(CTL_SHOWSTATES) },
	{ "statestatus", no_argument, NULL, CMD(CTL_SHOWSTATES) },	/* Libreswan alias */
	{ "connectionstatus", no_argument, NULL, CMD(CTL_CONNECTIONSTATUS) },
	{ "shutdown", no_argument, NULL, CMD(CTL_SHUTDOWN) },
	{ "listen", no_argument, NULL, CMD(CTL_LISTEN) },
	{ "rereadsecrets", no_argument, NULL, CMD(CTL_REREADSECRETS) },
	{ "rereadall", no_argument, NULL, CMD(CTL_REREADALL) },
	{ "add", no_argument, NULL, CMD(CTL_ADD) },
	{ "delete", no_argument, NULL, CMD(CTL_DELETE) },
	{ "replace", no_argument, NULL, CMD(CTL_REPLACE) },
	{ "initiate", no_argument, NULL, CMD(CTL_INITIATE) },
	{ "terminate", no_argument, NULL, CMD(CTL_TERMINATE) },
	{ "down", no_argument, NULL, CMD(CTL_TERMINATE) },		/* Libreswan alias */
	{ "route", no_argument, NULL, CMD(CTL_ROUTE) },
	{ "ondemand", no_argument, NULL, CMD(CTL_ROUTE) },		/* Libreswan alias */
	{ "unroute", no_argument, NULL, CMD(CTL_UNROUTE) },
	{ "rekey-ike", no_argument, NULL, CMD(CTL_REKEY_IKE) },
	{ "rekey-child", no_argument, NULL, CMD(CTL_REKEY_CHILD) },
	{ "rekey-ipsec", no_argument, NULL, CMD(CTL_REKEY_CHILD) },	/* Libreswan's older name */
	{ "async", no_argument, NULL, OPT_ASYNC },			/* Libreswan alias */
	{ 0, 0, 0, 0 },
};

static const char usage_text[] =
	"Usage: whack [--ctlsocket PATH | --rundir DIR] COMMAND\n"
	"\n"
	"Send one command to pluto, print its log lines, exit with its result code.\n"
	"\n"
	"Where pluto is:\n"
	"  --ctlsocket PATH       control socket (default " CTL_DEFAULT_CTLSOCKET ")\n"
	"  --rundir DIR           use DIR/" CTL_SOCKET_NAME " (--ctlsocket wins if both)\n"
	"\n"
	"Connections (with --name NAME):\n"
	"  --add [--config FILE]  load connection NAME from pluto's config (or FILE)\n"
	"  --replace [--config FILE]  delete and add NAME again\n"
	"  --delete               delete NAME and its SAs\n"
	"  --initiate             bring NAME up (--asynchronous: do not wait)\n"
	"  --terminate, --down    take NAME down\n"
	"  --route, --ondemand    install NAME's policy (on-demand)\n"
	"  --unroute              remove NAME's policy\n"
	"  --rekey-ike            rekey NAME's IKE SA now\n"
	"  --rekey-child, --rekey-ipsec  rekey NAME's Child SA now\n"
	"\n"
	"Status:\n"
	"  --status  --globalstatus  --briefstatus  --showstates\n"
	"  --trafficstatus [--name NAME]  --connectionstatus [--name NAME]\n"
	"\n"
	"Control:\n"
	"  --listen               rescan interfaces, re-orient connections\n"
	"  --rereadsecrets        reload the secrets file\n"
	"  --rereadall            reload secrets (and everything rereadable)\n"
	"  --debug CLASSES        set plutodebug (all, none, base, crypt, private, \"base,crypt\")\n"
	"  --debug-all, --debug-none  same as --debug all / --debug none\n"
	"  --shutdown             stop pluto\n"
	"\n"
	"  --help                 this text\n"
	"  --version              print the version\n"
	"\n"
	"Exit status: 0 success, otherwise pluto's result code; see whack(8).\n";

static int usage_error(const char *fmt, ...) TERN_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("whack: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'whack --help' for more information.\n", stderr);
	va_end(ap);
	return CTL_RC_WHACK_PROBLEM;
}

static void print_line(void *ctx, const struct ctl_reply *log)
{
	(void)ctx;
	fwrite(log->text, 1, log->text_len, stdout);
	fputc('\n', stdout);
	fflush(stdout);	/* live: the user sees the negotiation as it happens */
}

/* the option text the user typed for a command code, for messages */
static const char *cmd_opt_name(int opt)
{
	for (const struct option *o = long_opts; o->name != NULL; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

/*
 * getopt_long() accepts unambiguous abbreviations; for an ambiguous one
 * say which options it could mean.  Returns true when it reported.
 */
static bool ambiguous(const char *typed)
{
	if (strncmp(typed, "--", 2) != 0)
		return false;
	const char *word = typed + 2;
	size_t len = strcspn(word, "=");
	if (len == 0)
		return false;
	char list[512] = "";
	size_t used = 0;
	unsigned matches = 0;
	for (const struct option *o = long_opts; o->name != NULL; o++) {
		if (strncmp(o->name, word, len) != 0)
			continue;
		matches++;
		int n = snprintf(list + used, sizeof(list) - used, "%s--%s",
				 used > 0 ? ", " : "", o->name);
		if (n > 0 && (size_t)n < sizeof(list) - used)
			used += (size_t)n;
	}
	if (matches < 2)
		return false;
	usage_error("option '--%.*s' is ambiguous; possibilities: %s", (int)len, word, list);
	return true;
}

static bool takes_name(enum ctl_type t) { return ctl_request_takes(t, CTL_ATTR_NAME); }

int main(int argc, char **argv)
{
	const char *ctlsocket = NULL, *rundir = NULL, *name = NULL, *config = NULL;
	bool async = false;
	int cmd = 0;			/* OPT_CMD + type */
	const char *cmd_text = NULL;	/* as typed, for messages */
	char debug[CTL_DEBUG_MAX + 2] = "";
	size_t debug_len = 0;

	opterr = 0;
	for (;;) {
		int prev = optind;
		int c = getopt_long(argc, argv, ":", long_opts, NULL);
		if (c == -1)
			break;
		const char *typed = argv[prev];
		switch (c) {
		case '?':
			if (optopt != 0)
				return usage_error("invalid option '-%c' (whack has long options only)", optopt);
			if (ambiguous(typed))
				return CTL_RC_WHACK_PROBLEM;
			return usage_error("unrecognized option '%s'", typed);
		case ':':
			return usage_error("option '%s' requires an argument", typed);
		case OPT_HELP:
			fputs(usage_text, stdout);
			return 0;
		case OPT_VERSION:
			printf("whack (tern) %s\n", TERN_VERSION);
			return 0;
		case OPT_RUNDIR:
			rundir = optarg;
			break;
		case OPT_CTLSOCKET:
			ctlsocket = optarg;
			break;
		case OPT_NAME:
			if (name != NULL && strcmp(name, optarg) != 0)
				return usage_error("--name given twice ('%s' and '%s')", name, optarg);
			name = optarg;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_ASYNC:
			async = true;
			break;
		case OPT_DEBUG:
		case OPT_DEBUG_ALL:
		case OPT_DEBUG_NONE: {
			const char *v = c == OPT_DEBUG ? optarg : c == OPT_DEBUG_ALL ? "all" : "none";
			if (*v == '\0')
				return usage_error("--debug needs a non-empty list of debug classes");
			/* repeated debug options accumulate, in order: "none,base" */
			size_t vl = strlen(v);
			if (debug_len + (debug_len > 0) + vl > CTL_DEBUG_MAX)
				return usage_error("debug classes too long (at most %d bytes)", CTL_DEBUG_MAX);
			if (debug_len > 0)
				debug[debug_len++] = ',';
			memcpy(debug + debug_len, v, vl + 1);
			debug_len += vl;
			if (cmd != 0 && cmd != CMD(CTL_DEBUG))
				return usage_error("--%s and --debug cannot be combined: whack sends one command",
						   cmd_text);
			cmd = CMD(CTL_DEBUG);
			cmd_text = "debug";
			break;
		}
		default:
			if (c < OPT_CMD || c > CMD(CTL_REQUEST_LAST))
				return usage_error("unhandled option '%s'", typed);	/* cannot happen */
			if (cmd != 0 && cmd != c)
				return usage_error("--%s and %s cannot be combined: whack sends one command",
						   cmd_text, typed);
			cmd = c;
			cmd_text = cmd_opt_name(c);
			break;
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (cmd == 0)
		return usage_error("no command given (for instance --status, or --name NAME --add)");

	enum ctl_type type = (enum ctl_type)(cmd - OPT_CMD);
	struct ctl_request req;
	ctl_request_init(&req, type);

	if (name != NULL) {
		if (!takes_name(type))
			return usage_error("--name is not used with --%s", cmd_text);
		if (name[0] == '\0')
			return usage_error("--name needs a non-empty connection name");
		if (strlen(name) > CTL_NAME_MAX)
			return usage_error("connection name too long (%zu bytes, at most %d)",
					   strlen(name), CTL_NAME_MAX);
		req.has_name = true;
		memcpy(req.name, name, strlen(name) + 1);
	} else if (ctl_request_requires(type, CTL_ATTR_NAME)) {
		return usage_error("--%s needs --name NAME", cmd_text);
	}
	/*
	 * --config goes with --add and --replace; with any other command it
	 * is accepted and not sent, so a front-end can pass it uniformly.
	 */
	if (config != NULL && ctl_request_takes(type, CTL_ATTR_CONFIG)) {
		if (config[0] == '\0')
			return usage_error("--config needs a file name");
		if (strlen(config) > CTL_PATH_MAX)
			return usage_error("config file path too long (%zu bytes, at most %d)",
					   strlen(config), CTL_PATH_MAX);
		req.has_config = true;
		memcpy(req.config, config, strlen(config) + 1);
	}
	if (async) {
		if (!ctl_request_takes(type, CTL_ATTR_ASYNC))
			return usage_error("--asynchronous is only used with --initiate, --add, --replace or --rekey-*");
		req.async = true;
	}
	if (type == CTL_DEBUG) {
		req.has_debug = true;
		memcpy(req.debug, debug, debug_len + 1);
	}

	char pathbuf[4200];
	const char *path = CTL_DEFAULT_CTLSOCKET;
	if (ctlsocket != NULL) {
		path = ctlsocket;
	} else if (rundir != NULL) {
		int n = snprintf(pathbuf, sizeof(pathbuf), "%s/%s", rundir, CTL_SOCKET_NAME);
		if (n < 0 || (size_t)n >= sizeof(pathbuf))
			return usage_error("--rundir path too long");
		path = pathbuf;
	}

	req.seq = ctl_client_seq();
	struct ctl_reply *result = malloc(sizeof(*result));
	if (result == NULL) {
		fputs("whack: out of memory\n", stderr);
		return CTL_RC_WHACK_PROBLEM;
	}
	diag_t err = NULL;
	int rc = ctl_client_call(path, &req, print_line, NULL, result, &err);
	if (err != NULL) {
		fflush(stdout);
		fprintf(stderr, "whack: %s\n", diag_str(err));
		diag_free(&err);
	} else if (result->has_text && result->text_len > 0) {
		print_line(NULL, result);
	}
	free(result);
	if (fflush(stdout) != 0 && errno != EPIPE) {
		fprintf(stderr, "whack: writing to standard output failed: %s\n", strerror(errno));
		if (rc == 0)
			rc = CTL_RC_WHACK_PROBLEM;
	}
	return rc;
}
