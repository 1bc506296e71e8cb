/*
 * opts.h - command-line parsing shared by every tool.
 *
 * A tool declares its options once, as a table of descriptors (in the
 * manner of git's parse_options): each row names the option (long name,
 * short letter), its argument's placeholder and its help text, and says
 * what to do with the value: store it into a field, set a flag, check a
 * number or a duration, or call a function. From that one table
 * st_opt_parse() builds getopt_long's struct option[] and short-option
 * string, dispatches every option it meets, and writes --help; usage text
 * and the options accepted therefore cannot drift apart.
 *
 *     typedef struct cli { st_common common; st_running_opts o; } cli;
 *
 *     static const st_option options[] = {
 *         ST_OPT_LIST('b', "by", "COLS", cli, o.by,
 *             "separate running aggregates per key (comma-separated)"),
 *         ST_OPT_STRING('a', "agg", "LIST", cli, o.agg_text, "..."),
 *         ST_OPT_GROUP(st_common_options, cli, common),
 *         ST_OPT_END
 *     };
 *     static const st_opt_tool tool = { usage, options, 0 };
 *
 *     st_common_init(&c.common, argv[0]);
 *     int i = st_opt_parse(&tool, &c, argc, argv);    // argv[i..]: operands
 *
 * A row's field is given as a member of a struct type (cli, o.by above);
 * the macros check at compile time that the member has the type the row
 * stores (int, int64_t, const char *, char **). Shared groups of options
 * are tables of their own, included by reference with ST_OPT_GROUP(),
 * which names the member of the including struct that the group's fields
 * are relative to: st_common_options (the options of every stream tool,
 * on st_common), st_help_options (--help and --version alone),
 * st_evtime_options (-t/--time, --time-unit, on st_evtime),
 * st_late_options (--late-output, on a const char *) and
 * st_kafka_conf_options (kafka.h: --bootstrap-servers, -X,
 * --kafka-config, on st_kafka_conf).
 *
 * Every mistake on the command line is a usage error (exit 2) of one line
 * prefixed by the tool's name (then the "try --help" line), getopt_long's
 * own messages being off:
 *
 *     st-sink: unknown option '--bogus'
 *     st-sink: unknown option '--chekpoint' (did you mean '--checkpoint'?)
 *     st-sink: option '--format' requires an argument
 *     st-sink: option '-f' requires an argument
 *     st-sink: option '--raw' takes no argument
 *     st-sink: option '--on' is ambiguous (--on-progress, --on-failure)
 *
 * Numbers, durations and sizes go through checked parsers; bad text
 * quotes it:
 *
 *     st-window: invalid duration '15 minuts' for --size: unknown unit 'minuts' (did you mean 'minutes'?)
 *       15 minuts
 *          ^
 *
 * A hidden option, --list-options, prints the table (one option a line:
 * long name, short name or '-', placeholder, "[=PLACEHOLDER]" when
 * optional, or '-') for tests/t9000-meta.sh, which checks the man page
 * and the completions against it, and tests/t9020-options.sh.
 */
#ifndef ST_OPTS_H
#define ST_OPTS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "op.h"
#include "state/evtime.h"

typedef struct st_option st_option;

/*
 * A CALL row's function: field points into the parsed struct at the row's
 * member (the struct itself with ST_OPT_CALL_ALL), arg is the option's
 * argument (borrowed from argv: it outlives the parse; NULL for a row
 * without argument, or an optional argument left out), opt the row (its
 * names, for messages). Bad values die with st_usage_error().
 */
typedef void st_opt_fn(void *field, const char *arg, const st_option *opt);

/* What a row does; use the macros below rather than these. */
typedef enum st_opt_kind {
	ST_OPTK_END,		/* ends a table */
	ST_OPTK_GROUP,		/* includes the table sub */
	ST_OPTK_TEXT,		/* a help line only: an operand, a heading */
	ST_OPTK_FLAG,		/* int field = num */
	ST_OPTK_STRING,		/* const char *field = arg */
	ST_OPTK_INT,		/* int field = count >= num */
	ST_OPTK_INT64,		/* int64_t field = count >= num */
	ST_OPTK_SIZE,		/* int64_t field = bytes >= num */
	ST_OPTK_DURATION,	/* int64_t field = st_opt_duration() */
	ST_OPTK_DELAY,		/* int64_t field = st_opt_delay() */
	ST_OPTK_LIST,		/* char **field = st_split_list(arg),
				 * not empty with what */
	ST_OPTK_CHOICE,		/* int field = index of arg in names */
	ST_OPTK_CALL,		/* fn(field, arg, row) */
	ST_OPTK_HELP,		/* prints --help, exits 0 */
	ST_OPTK_VERSION		/* prints the version, exits 0 */
} st_opt_kind;

/* Row flags. */
enum {
	ST_OPTF_OPTARG = 1	/* the argument is optional (--watch[=DUR]) */
};

/* One row of an option table. Tables are static and read-only; every
 * string is borrowed for the program's life. */
struct st_option {
	st_opt_kind kind;
	int short_name;		/* 'f', or 0: long only */
	const char *long_name;	/* "format" (without "--") */
	const char *argh;	/* the placeholder ("FMT"), NULL: no argument */
	const char *help;	/* help text; '\n' starts a continuation line */
	size_t off;		/* the member's offset in the parsed struct */
	int64_t num;		/* FLAG: the value; INT, INT64, SIZE: minimum */
	st_opt_fn *fn;		/* CALL */
	const st_option *sub;	/* GROUP: the included table */
	size_t seen;		/* GROUP: 1 + offset of an int set to 1 when
				 * one of sub's options is given; 0: none */
	const char *const *names;	/* CHOICE: NULL-terminated */
	const char *what;	/* CHOICE, LIST: the word of its error ("mode",
				 * "topics"); LIST: NULL, may be empty */
	unsigned flags;		/* ST_OPTF_* */
};

/* The offset of member m of struct type T, checked to have type U. */
#define ST_OPT_MEMBER_(T, m, U) \
	(offsetof(T, m) + 0 * sizeof(&((T *)0)->m == (U *)0))

/* --long (and -s, 0 for none) sets the int member m to v. */
#define ST_OPT_FLAG(s, l, T, m, v, h) \
	{ ST_OPTK_FLAG, s, l, NULL, h, ST_OPT_MEMBER_(T, m, int), v }
/* --long ARG stores ARG (borrowed from argv) into const char *m. */
#define ST_OPT_STRING(s, l, a, T, m, h) \
	{ ST_OPTK_STRING, s, l, a, h, ST_OPT_MEMBER_(T, m, const char *) }
/* --long N: an integer, at least min ("--long must be at least MIN"),
 * into int m (ST_OPT_INT) or int64_t m (ST_OPT_INT64). */
#define ST_OPT_INT(s, l, a, T, m, min, h) \
	{ ST_OPTK_INT, s, l, a, h, ST_OPT_MEMBER_(T, m, int), min }
#define ST_OPT_INT64(s, l, a, T, m, min, h) \
	{ ST_OPTK_INT64, s, l, a, h, ST_OPT_MEMBER_(T, m, int64_t), min }
/* --long SIZE: bytes (st_opt_size()), at least min, into int64_t m. */
#define ST_OPT_SIZE(s, l, a, T, m, min, h) \
	{ ST_OPTK_SIZE, s, l, a, h, ST_OPT_MEMBER_(T, m, int64_t), min }
/* --long DURATION: microseconds into int64_t m, by st_opt_duration()
 * (ST_OPT_DURATION) or st_opt_delay() (ST_OPT_DELAY). */
#define ST_OPT_DURATION(s, l, a, T, m, h) \
	{ ST_OPTK_DURATION, s, l, a, h, ST_OPT_MEMBER_(T, m, int64_t) }
#define ST_OPT_DELAY(s, l, a, T, m, h) \
	{ ST_OPTK_DELAY, s, l, a, h, ST_OPT_MEMBER_(T, m, int64_t) }
/* --long A,B: a new list (st_split_list()) into char **m, freeing the
 * list of an earlier --long; the caller frees the last one. */
#define ST_OPT_LIST(s, l, a, T, m, h) \
	{ ST_OPTK_LIST, s, l, a, h, ST_OPT_MEMBER_(T, m, char **) }
/* As ST_OPT_LIST, at least one name in the list: "no WHAT in 'ARG' for
 * --long" otherwise. */
#define ST_OPT_NAMES(s, l, a, T, m, what_, h) \
	{ ST_OPTK_LIST, s, l, a, h, ST_OPT_MEMBER_(T, m, char **), 0, NULL, \
	    NULL, 0, NULL, what_ }
/* --long NAME: the index of NAME in names (ignoring case) into int m;
 * another word is "invalid WHAT 'X' for --long (n1, n2)". */
#define ST_OPT_CHOICE(s, l, a, T, m, names_, what_, h) \
	{ ST_OPTK_CHOICE, s, l, a, h, ST_OPT_MEMBER_(T, m, int), 0, NULL, \
	    NULL, 0, names_, what_ }
/* --long [ARG]: fn(&member m, ARG, row); with a NULL a the option takes
 * no argument. ST_OPT_CALL_ALL passes the whole struct. */
#define ST_OPT_CALL(s, l, a, T, m, fn_, h) \
	{ ST_OPTK_CALL, s, l, a, h, offsetof(T, m), 0, fn_ }
#define ST_OPT_CALL_ALL(s, l, a, fn_, h) \
	{ ST_OPTK_CALL, s, l, a, h, 0, 0, fn_ }
/* As ST_OPT_CALL, the argument optional: --long or --long=ARG (fn gets
 * NULL without); the help shows "--long[=ARG]". */
#define ST_OPT_CALL_OPTARG(s, l, a, T, m, fn_, h) \
	{ ST_OPTK_CALL, s, l, a, h, offsetof(T, m), 0, fn_, NULL, 0, NULL, \
	    NULL, ST_OPTF_OPTARG }
/* The rows of table sub, their members relative to member m of T; with
 * ST_OPT_GROUP_SEEN, the int member seen is set to 1 when any of them is
 * given. */
#define ST_OPT_GROUP(sub_, T, m) \
	{ ST_OPTK_GROUP, 0, NULL, NULL, NULL, offsetof(T, m), 0, NULL, sub_ }
#define ST_OPT_GROUP_SEEN(sub_, T, m, seen_) \
	{ ST_OPTK_GROUP, 0, NULL, NULL, NULL, offsetof(T, m), 0, NULL, sub_, \
	    1 + ST_OPT_MEMBER_(T, seen_, int) }
/* The rows of table sub, on the same struct as the including table. */
#define ST_OPT_INCLUDE(sub_) \
	{ ST_OPTK_GROUP, 0, NULL, NULL, NULL, 0, 0, NULL, sub_ }
/* A help line that is no option: an operand ("list", "dir": name in the
 * option column) or a heading ("Kafka (--format kafka):", name NULL). */
#define ST_OPT_TEXT(name, h) \
	{ ST_OPTK_TEXT, 0, name, NULL, h }
#define ST_OPT_END { ST_OPTK_END }

/* A tool's command line: its synopsis ("usage: ..." lines, printed first
 * by --help, then a blank line, then the option lines), its table, and the
 * column where help texts start (0: 26). All borrowed. */
typedef struct st_opt_tool {
	const char *usage;
	const st_option *options;
	int column;
} st_opt_tool;

/*
 * Parses the options of argv (getopt_long, operands permuted to the end)
 * into base, the struct the table's members are of, dispatching each row;
 * --help and --version print and exit 0, every mistake is a usage error
 * (exit 2, one line; see above). Returns the index of the first operand
 * in argv. Values stored are borrowed from argv, except the lists of
 * ST_OPT_LIST (new: the caller frees them with st_strv_free()). A long
 * name or short letter that is twice in the table, groups included, is
 * the table's bug: it dies (exit 1) naming it. Call it once per process
 * (getopt_long's state is global).
 */
int st_opt_parse(const st_opt_tool *t, void *base, int argc, char **argv);

/* Writes t's --help text (synopsis and option lines) to f. */
void st_opt_usage(const st_opt_tool *t, FILE *f);

/* The row's name as the user wrote it for messages: "--long", or "-s"
 * for a short-only row. Borrowed, valid until the next call. */
const char *st_opt_name(const st_option *o);

/* The common options of every stream tool (--checkpoint, --name,
 * --malformed, --dead-letter, --keep-versions, then --help and --version),
 * on st_common; st_help_options holds --help and --version alone. */
extern const st_option st_common_options[];
extern const st_option st_help_options[];
/* -t/--time COL (st_evtime_set(): a non-name is compiled, release with
 * st_evtime_release()) and --time-unit UNIT, on st_evtime. */
extern const st_option st_evtime_options[];
/* --late-output FILE, on a const char *. */
extern const st_option st_late_options[];

/* Fills c with defaults (ST_CHECKPOINT from the environment) and sets the
 * program name from argv0. */
void st_common_init(st_common *c, const char *argv0);

/*
 * Checks the --source NAME of a tool that works on one source (st-filter,
 * st-select, st-watermark): a CALL function on a const char * member. A second --source
 * or an empty name is a usage error.
 */
void st_opt_source(void *field, const char *arg, const st_option *opt);

/*
 * Looks arg up in names (NULL-terminated), ignoring case, and returns its
 * index; dies with the usage error "invalid WHAT 'ARG' for OPT (n1, n2)"
 * when it is none of them:
 *
 *     static const char *const formats[] = { "json", "csv", NULL };
 *     fmt = st_opt_choice("format", st_opt_name(opt), arg, formats);
 *
 * (in a CALL function; ST_OPT_CHOICE is the row for an int member).
 */
size_t st_opt_choice(const char *what, const char *opt, const char *arg,
    const char *const *names);

/* Dies with the usage error for argv[i], when there is one (the tools
 * without operands, after st_opt_parse() returned i). */
void st_opt_no_operands(int i, int argc, char **argv);

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
