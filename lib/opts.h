/*
 * opts.h - command-line parsing shared by every tool.
 *
 * Numbers, durations and sizes from the command line go through these
 * checked parsers; bad text is a usage error (exit 2) that quotes it:
 *
 *     st-window: invalid duration '15 minuts' for --size: unknown unit 'minuts' (did you mean 'minutes'?)
 *       15 minuts
 *          ^
 *
 * The common options (st_common in op.h) are parsed by st_common_option()
 * from a getopt_long loop; ST_COMMON_LONGOPTS adds them to a tool's table.
 * The event-time options of st-watermark, st-window and st-dedup go the
 * same way (ST_EVTIME_LONGOPTS, st_evtime_option()), and so does
 * --late-output (ST_LATE_LONGOPTS, ST_OPT_LATE_OUTPUT).
 */
#ifndef ST_OPTS_H
#define ST_OPTS_H

#include <getopt.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "op.h"
#include "state/evtime.h"

enum {
	ST_OPT_CHECKPOINT = 1000,
	ST_OPT_NAME,
	ST_OPT_MALFORMED,
	ST_OPT_DEAD_LETTER,
	ST_OPT_KEEP_VERSIONS,
	ST_OPT_HELP,
	ST_OPT_VERSION,
	ST_OPT_TIME_UNIT,
	ST_OPT_LATE_OUTPUT,
	ST_OPT_TOOL_BASE = 1100	/* a tool's own long-only options start here */
};

#define ST_COMMON_LONGOPTS \
	{ "checkpoint", required_argument, NULL, ST_OPT_CHECKPOINT }, \
	{ "name", required_argument, NULL, ST_OPT_NAME }, \
	{ "malformed", required_argument, NULL, ST_OPT_MALFORMED }, \
	{ "dead-letter", required_argument, NULL, ST_OPT_DEAD_LETTER }, \
	{ "keep-versions", required_argument, NULL, ST_OPT_KEEP_VERSIONS }, \
	{ "help", no_argument, NULL, ST_OPT_HELP }, \
	{ "version", no_argument, NULL, ST_OPT_VERSION }

/* The usage lines of the common options, for a tool's --help. */
#define ST_COMMON_HELP \
"      --checkpoint DIR    keep state in DIR (default: $ST_CHECKPOINT)\n" \
"      --name NAME         this tool's corner in the checkpoint\n" \
"      --malformed MODE    failfast (default), dropmalformed, permissive\n" \
"      --dead-letter FILE  append dropped malformed lines to FILE\n" \
"      --keep-versions N   state versions kept in the checkpoint (10)\n" \
"      --help              print this help and exit\n" \
"      --version           print the version and exit\n"

/* -t/--time COL and --time-unit UNIT, read by st_evtime_option(). */
#define ST_EVTIME_LONGOPTS \
	{ "time", required_argument, NULL, 't' }, \
	{ "time-unit", required_argument, NULL, ST_OPT_TIME_UNIT }

/* --late-output FILE: getopt_long returns ST_OPT_LATE_OUTPUT. */
#define ST_LATE_LONGOPTS \
	{ "late-output", required_argument, NULL, ST_OPT_LATE_OUTPUT }

/* Fills c with defaults (ST_CHECKPOINT from the environment) and sets the
 * program name from argv0. */
void st_common_init(st_common *c, const char *argv0);

/*
 * Handles option opt with argument arg when it is a common one: returns 1
 * when handled. --help prints usage_text to stdout and exits 0; --version
 * prints the version and exits 0.
 */
int st_common_option(st_common *c, int opt, const char *arg,
    const char *usage_text);

/*
 * Dies with the usage error for what getopt_long returned as c when it is not
 * an option the tool knows: ':' (an option without its argument, with ":"
 * leading the optstring and opterr 0) or anything else (an unknown option).
 */
noreturn void st_opt_error(int c, char **argv);

/*
 * Handles option opt with argument arg (borrowed: t keeps the pointer)
 * when it is -t/--time or --time-unit, into t: returns 1 when handled. A
 * --time that is not a plain name is compiled as an expression
 * (st_evtime_set(); free with st_evtime_release()). A bad unit or an
 * expression that does not parse is a usage error.
 */
int st_evtime_option(st_evtime *t, int opt, const char *arg);

/*
 * Checks the --source NAME of a tool that works on one source (st-filter,
 * st-select): dies with a usage error when a source was given before
 * (prev not NULL) or arg is empty. Returns arg.
 */
const char *st_opt_source(const char *prev, const char *arg);

/*
 * Looks arg up in names (NULL-terminated), ignoring case, and returns its
 * index; dies with the usage error "invalid WHAT 'ARG' for OPT (n1, n2)"
 * when it is none of them:
 *
 *     static const char *const formats[] = { "json", "csv", NULL };
 *     fmt = st_opt_choice("format", "--format", optarg, formats);
 */
size_t st_opt_choice(const char *what, const char *opt, const char *arg,
    const char *const *names);

/* Dies with the usage error for the first argument left after the
 * options, when there is one (the tools without operands). */
void st_opt_no_operands(int argc, char **argv);

/* Checked parsers: each dies with a usage error naming the option. */
int64_t st_opt_count(const char *opt, const char *s);	/* integer >= 0 */
/* An interval without months (windows, slides, gaps, polls): usec > 0.
 * Every spelling of st_parse_interval() (time.h). */
int64_t st_opt_duration(const char *opt, const char *s);
/* A watermark delay: usec >= 0 ("0 seconds" is a delay), a month counting
 * 31 days as in Spark ("2 years 5 months"). */
int64_t st_opt_delay(const char *opt, const char *s);
int64_t st_opt_size(const char *opt, const char *s);	/* bytes: 10k, 5MB */

/* Splits a comma-separated list ("a, b,c") into a new NULL-terminated
 * array of new strings; free with st_strv_free(). */
char **st_split_list(const char *s);
void st_strv_free(char **v);
size_t st_strv_len(char *const *v);

#define ST_VERSION "0.1.0"

#endif
