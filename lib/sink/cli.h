/*
 * cli.h - st-sink's command line: its option table, and the checks of
 * the options as a whole. bin/st-sink.c is only:
 *
 *     st_sink_cli c;
 *     st_sink_cli_init(&c, argv[0]);
 *     st_opt_no_operands(st_opt_parse(&st_sink_tool, &c, argc, argv),
 *         argc, argv);
 *     st_sink_check(&c);
 *     return st_sink_cli_run(&c);
 *
 * A new sink adds its options to the table in cli.c (its own group, as
 * the Kafka sink's st_kafka_sink_options) and its combinations to
 * st_sink_check().
 */
#ifndef ST_SINK_CLI_H
#define ST_SINK_CLI_H

#include "opts.h"
#include "sink.h"

typedef struct st_sink_cli {
	st_common common;
	st_sink_opts o;
	st_kafka_sink_opts ko;
	int kafka_opts;		/* one of the Kafka options was given */
} st_sink_cli;

/* st-sink's synopsis and option table, for st_opt_parse() into an
 * st_sink_cli. */
extern const st_opt_tool st_sink_tool;

/* Sets c's defaults and the program name (from argv0, borrowed). */
void st_sink_cli_init(st_sink_cli *c, const char *argv0);

/* Checks the options as a whole (a format and the options it needs, the
 * options no format but one takes); dies with a usage error. Sets the
 * default table of the SQL formats. */
void st_sink_check(st_sink_cli *c);

/* Runs st-sink with c's options (st_sink_run()) and releases them.
 * Returns the exit status. */
int st_sink_cli_run(st_sink_cli *c);

#endif
