/*
 * cli.h - st-read's command line: its options, and the sources they
 * build. bin/st-read.c is only the getopt loop over st_read_cli_option().
 *
 *     st_read_cli cli;
 *     st_read_cli_init(&cli, argv[0]);
 *     while ((ch = getopt_long(argc, argv, ST_READ_SHORTOPTS,
 *         st_read_longopts, NULL)) != -1)
 *             if (!st_read_cli_option(&cli, ch, optarg))
 *                     st_opt_error(ch, argv);
 *     return st_read_cli_run(&cli, argc - optind, argv + optind);
 *
 * A new kind of source adds its options here (the table, the help text
 * and st_read_cli_option()) and its construction to st_read_cli_run().
 */
#ifndef ST_SOURCE_CLI_H
#define ST_SOURCE_CLI_H

#include <getopt.h>

#include "opts.h"
#include "run.h"
#include "source.h"

#define ST_READ_SHORTOPTS "f:s:t:X:"

extern const struct option st_read_longopts[];
extern const char st_read_usage[];

typedef struct st_read_named {
	char *name;
	char *paths[2];
} st_read_named;

typedef struct st_read_cli {
	st_common common;
	st_read_opts o;
	st_file_opts fo;
	int kafka;			/* --format kafka */
	st_kafka_source_opts ko;
	int socket;			/* --format socket */
	const char *host, *port;
	int rate;			/* --format rate */
	st_rate_opts ro;
	int rate_opt;			/* a rate option was given */
	const char *ddl;
	int infer;
	st_read_named *nv;		/* --source NAME=PATH */
	size_t nn;
} st_read_cli;

void st_read_cli_init(st_read_cli *c, const char *argv0);
/* Handles option ch (as getopt_long returned it) with argument arg:
 * returns 1 when it is one of st-read's, 0 when not. Bad values are usage
 * errors (exit 2). */
int st_read_cli_option(st_read_cli *c, int ch, const char *arg);
/* Checks the options against the operands (paths, or '-'), builds the
 * sources, runs the loop and releases everything. Returns the exit
 * status. */
int st_read_cli_run(st_read_cli *c, int argc, char **argv);

#endif
