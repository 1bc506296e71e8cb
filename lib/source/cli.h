/*
 * cli.h - st-read's command line: its option table, and the sources
 * they build. bin/st-read.c is only:
 *
 *     st_read_cli cli;
 *     st_read_cli_init(&cli, argv[0]);
 *     int i = st_opt_parse(&st_read_tool, &cli, argc, argv);
 *     return st_read_cli_run(&cli, argc - i, argv + i);
 *
 * A new kind of source adds its options to the table in cli.c (a group of
 * its own, as Kafka's and the rate source's) and its construction to
 * st_read_cli_run().
 */
#ifndef ST_SOURCE_CLI_H
#define ST_SOURCE_CLI_H

#include "opts.h"
#include "run.h"
#include "source.h"

/* st-read's synopsis and option table, for st_opt_parse() into an
 * st_read_cli. */
extern const st_opt_tool st_read_tool;

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

/* Sets c's defaults and the program name (from argv0, borrowed). */
void st_read_cli_init(st_read_cli *c, const char *argv0);
/* Checks the options against the operands (paths, or '-'), builds the
 * sources, runs the loop and releases everything. Returns the exit
 * status. */
int st_read_cli_run(st_read_cli *c, int argc, char **argv);

#endif
