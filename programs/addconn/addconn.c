/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * addconn: check ipsec.conf and list its conns.
 *
 *   ipsec checkconfig [--config FILE]      (ipsec addconn --checkconfig)
 *   addconn --listadd | --liststart | ...  (names, one per line)
 *
 * Every problem goes to stderr, one per line, errors and warnings alike.
 * Exit: 0 no error, 1 an error (also inside a conn), 2 usage, 3 the file
 * cannot be read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tern/conf.h"
#include "tern-config.h"

#define DEFAULT_CONFIG "/etc/ipsec.conf"

enum list {
	LIST_NONE, LIST_ALL, LIST_ADD, LIST_ONDEMAND, LIST_START, LIST_IGNORE,
};

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [--config FILE] [--verbose] ACTION\n"
		"Actions:\n"
		"  --checkconfig   report every problem in the configuration; exit 1 on any error\n"
		"  --listall       print the name of every conn\n"
		"  --listadd       print the conns with auto=add (or keep)\n"
		"  --listroute     print the conns with auto=ondemand (alias --listondemand)\n"
		"  --liststart     print the conns with auto=start\n"
		"  --listignore    print the conns with auto=ignore\n"
		"Options:\n"
		"  --config FILE   the configuration (default %s)\n"
		"  --verbose       also print a summary and each conn checked\n"
		"  --help          this text\n"
		"  --version       the version\n"
		"Exit status: 0 no error, 1 errors found, 2 usage error, 3 file unreadable.\n",
		prog, DEFAULT_CONFIG);
}

static bool listed(enum list l, enum conn_auto a)
{
	switch (l) {
	case LIST_ALL: return true;
	case LIST_ADD: return a == AUTO_ADD || a == AUTO_KEEP;
	case LIST_ONDEMAND: return a == AUTO_ONDEMAND;
	case LIST_START: return a == AUTO_START;
	case LIST_IGNORE: return a == AUTO_IGNORE;
	case LIST_NONE: break;
	}
	return false;
}

int main(int argc, char **argv)
{
	const char *config = DEFAULT_CONFIG;
	bool check = false, verbose = false;
	enum list list = LIST_NONE;
	enum { OPT_CONFIG = 256, OPT_CHECK, OPT_VERBOSE, OPT_HELP, OPT_VERSION,
	       OPT_LISTALL, OPT_LISTADD, OPT_LISTROUTE, OPT_LISTSTART, OPT_LISTIGNORE };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "checkconfig", no_argument, NULL, OPT_CHECK },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "listall", no_argument, NULL, OPT_LISTALL },
		{ "listadd", no_argument, NULL, OPT_LISTADD },
		{ "listroute", no_argument, NULL, OPT_LISTROUTE },
		{ "listondemand", no_argument, NULL, OPT_LISTROUTE },
		{ "liststart", no_argument, NULL, OPT_LISTSTART },
		{ "listignore", no_argument, NULL, OPT_LISTIGNORE },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG: config = optarg; break;
		case OPT_CHECK: check = true; break;
		case OPT_VERBOSE: verbose = true; break;
		case OPT_HELP: usage(stdout, argv[0]); return 0;
		case OPT_VERSION: printf("tern addconn %s\n", TERN_VERSION); return 0;
		case OPT_LISTALL: list = LIST_ALL; break;
		case OPT_LISTADD: list = LIST_ADD; break;
		case OPT_LISTROUTE: list = LIST_ONDEMAND; break;
		case OPT_LISTSTART: list = LIST_START; break;
		case OPT_LISTIGNORE: list = LIST_IGNORE; break;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		usage(stderr, argv[0]);
		return 2;
	}
	if (!check && list == LIST_NONE) {
		fprintf(stderr, "%s: nothing to do: give --checkconfig or a --list option\n", argv[0]);
		usage(stderr, argv[0]);
		return 2;
	}
	struct ipsec_conf *conf = NULL;
	diag_t d = ipsec_conf_load(config, &conf);
	if (d != NULL) {
		fprintf(stderr, "%s\n", diag_str(d));
		diag_free(&d);
		return 3;
	}
	unsigned errors = conf->nr_errors, warnings = conf->nr_warnings;
	/* problems are reported by --checkconfig, and by the lists when broken */
	if (check || conf->nr_errors > 0)
		for (unsigned i = 0; i < conf->nr_problems; i++)
			fprintf(stderr, "%s\n", conf->problems[i].message);
	if (check) {
		/* conns that would be loaded must also be complete */
		for (unsigned i = 0; i < conf->nr_conns; i++) {
			const struct conn_config *cc = conf->conns[i];
			if (cc->autostart == AUTO_IGNORE || cc->has_errors)
				continue;
			diag_t cd = conn_config_check(cc);
			if (cd != NULL) {
				fprintf(stderr, "%s\n", diag_str(cd));
				diag_free(&cd);
				errors++;
			} else if (verbose) {
				fprintf(stderr, "conn \"%s\" (auto=%s): ok\n", cc->name,
					conn_auto_name(cc->autostart));
			}
		}
		if (verbose)
			fprintf(stderr, "%s: %u conns, %u errors, %u warnings\n",
				config, conf->nr_conns, errors, warnings);
	}
	for (unsigned i = 0; list != LIST_NONE && i < conf->nr_conns; i++)
		if (listed(list, conf->conns[i]->autostart))
			printf("%s\n", conf->conns[i]->name);
	ipsec_conf_free(&conf);
	return errors > 0 ? 1 : 0;
}
