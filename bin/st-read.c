/* st-read - the file source: reads files (or stdin) into a stream of
 * batches. See st-read(1). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "opts.h"
#include "source/run.h"

static const char usage_text[] =
"usage: st-read [options] path ...\n"
"       st-read [options] --source name=path ...\n"
"       st-read [options] -\n"
"\n"
"  -f, --format FMT            json (default), csv or text\n"
"  -s, --schema DDL            typed columns: 'a STRING, b BIGINT, c DOUBLE'\n"
"      --infer-schema          CSV: infer the column types from the data\n"
"      --header                CSV: the first line of each file names the columns\n"
"      --delimiter C           CSV field delimiter (default ',')\n"
"      --quote C               CSV quote character (default '\"')\n"
"  -t, --trigger T             default, once, available-now or an interval ('5 seconds')\n"
"      --max-files-per-trigger N   at most N files per batch\n"
"      --max-bytes-per-trigger SIZE  at most SIZE bytes per batch (split at lines)\n"
"      --source NAME=PATH      a named source (repeat for several)\n"
"      --clean-source MODE     off (default), delete or archive committed files\n"
"      --archive-dir DIR       where --clean-source archive moves files\n"
"      --poll-interval DUR     how often to look for new files (default 100ms)\n"
"      --wait                  wait for a running pipeline instead of exiting\n"
"      --commit-on-emit        no checkpointing sink downstream: a batch is done\n"
"                              once emitted (at-least-once for the last one)\n"
ST_COMMON_HELP;

enum {
	OPT_HEADER = ST_OPT_TOOL_BASE,
	OPT_DELIM,
	OPT_QUOTE,
	OPT_MAX_FILES,
	OPT_MAX_BYTES,
	OPT_SOURCE,
	OPT_CLEAN,
	OPT_ARCHIVE,
	OPT_POLL,
	OPT_WAIT,
	OPT_COMMIT_ON_EMIT,
	OPT_INFER
};

static const struct option longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "schema", required_argument, NULL, 's' },
	{ "infer-schema", no_argument, NULL, OPT_INFER },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ "delimiter", required_argument, NULL, OPT_DELIM },
	{ "quote", required_argument, NULL, OPT_QUOTE },
	{ "trigger", required_argument, NULL, 't' },
	{ "max-files-per-trigger", required_argument, NULL, OPT_MAX_FILES },
	{ "max-bytes-per-trigger", required_argument, NULL, OPT_MAX_BYTES },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "clean-source", required_argument, NULL, OPT_CLEAN },
	{ "archive-dir", required_argument, NULL, OPT_ARCHIVE },
	{ "poll-interval", required_argument, NULL, OPT_POLL },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "commit-on-emit", no_argument, NULL, OPT_COMMIT_ON_EMIT },
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/* The names of --format and --clean-source, and what each means. */
static const char *const format_names[] = { "json", "csv", "text", NULL };
static const st_file_format format_of[] = {
	ST_FMT_JSON, ST_FMT_CSV, ST_FMT_TEXT
};
static const char *const clean_names[] = { "off", "delete", "archive", NULL };
static const st_clean_source clean_of[] = {
	ST_CLEAN_OFF, ST_CLEAN_DELETE, ST_CLEAN_ARCHIVE
};

/* A named source: NAME and a one-path list. */
typedef struct named {
	char *name;
	char *paths[2];
} named;

static char
one_char(const char *opt, const char *s)
{
	if (strcmp(s, "\\t") == 0 || strcasecmp(s, "tab") == 0)
		return '\t';
	if (strlen(s) != 1)
		st_usage_error("invalid character '%s' for %s (one character)",
		    s, opt);
	return s[0];
}

int
main(int argc, char **argv)
{
	st_common common;
	st_read_opts o;
	st_file_opts fo = { .delimiter = ',', .quote = '"' };
	const char *ddl = NULL;
	char *inferred = NULL;
	named *nv = NULL;
	size_t nn = 0;
	int ch, infer = 0;

	st_common_init(&common, argv[0]);
	memset(&o, 0, sizeof o);
	o.common = &common;
	o.poll = 100000;
	while ((ch = getopt_long(argc, argv, "f:s:t:", longopts, NULL)) != -1) {
		if (st_common_option(&common, ch, optarg, usage_text))
			continue;
		switch (ch) {
		case 'f':
			fo.format = format_of[st_opt_choice("format",
			    "--format", optarg, format_names)];
			break;
		case 's':
			ddl = optarg;
			break;
		case OPT_HEADER:
			fo.header = 1;
			break;
		case OPT_DELIM:
			fo.delimiter = one_char("--delimiter", optarg);
			break;
		case OPT_QUOTE:
			fo.quote = one_char("--quote", optarg);
			break;
		case 't':
			if (st_trigger_parse(optarg, &o.trigger, &o.interval) < 0)
				st_usage_error("invalid trigger '%s' (once, "
				    "available-now, default or an interval "
				    "like '5 seconds')", optarg);
			break;
		case OPT_MAX_FILES:
			o.limits.max_files = st_opt_count(
			    "--max-files-per-trigger", optarg);
			if (o.limits.max_files == 0)
				st_usage_error("--max-files-per-trigger must be "
				    "at least 1");
			break;
		case OPT_MAX_BYTES:
			o.limits.max_bytes = st_opt_size(
			    "--max-bytes-per-trigger", optarg);
			if (o.limits.max_bytes == 0)
				st_usage_error("--max-bytes-per-trigger must be "
				    "at least 1");
			break;
		case OPT_SOURCE: {
			const char *eq = strchr(optarg, '=');
			if (eq == NULL || eq == optarg || eq[1] == '\0')
				st_usage_error("invalid source '%s' for "
				    "--source (NAME=PATH)", optarg);
			nv = st_realloc(nv, (nn + 1) * sizeof *nv);
			nv[nn].name = st_strndup(optarg, eq - optarg);
			nv[nn].paths[0] = (char *)eq + 1;
			nv[nn].paths[1] = NULL;
			for (size_t i = 0; i < nn; i++)
				if (strcmp(nv[i].name, nv[nn].name) == 0)
					st_usage_error("duplicate source '%s'",
					    nv[nn].name);
			if (strchr(nv[nn].name, '/') || nv[nn].name[0] == '.' ||
			    strcmp(nv[nn].name, "default") == 0)
				st_usage_error("invalid source name '%s'",
				    nv[nn].name);
			nn++;
			break;
		}
		case OPT_CLEAN:
			fo.clean = clean_of[st_opt_choice("mode",
			    "--clean-source", optarg, clean_names)];
			break;
		case OPT_ARCHIVE:
			fo.archive_dir = optarg;
			break;
		case OPT_POLL:
			o.poll = st_opt_duration("--poll-interval", optarg);
			break;
		case OPT_WAIT:
			o.wait_lock = 1;
			break;
		case OPT_COMMIT_ON_EMIT:
			o.commit_on_emit = 1;
			break;
		case OPT_INFER:
			infer = 1;
			break;
		default:
			st_opt_error(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0 && nn == 0)
		st_usage_error("no input: give paths, --source NAME=PATH or -");
	if (argc > 0 && nn > 0)
		st_usage_error("give either paths or --source, not both");
	if (fo.clean == ST_CLEAN_ARCHIVE && fo.archive_dir == NULL)
		st_usage_error("--clean-source archive needs --archive-dir");
	if (fo.archive_dir && fo.clean != ST_CLEAN_ARCHIVE)
		st_usage_error("--archive-dir needs --clean-source archive");
	int use_stdin = argc == 1 && strcmp(argv[0], "-") == 0;
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0 && !use_stdin)
			st_usage_error("'-' (standard input) must be the only "
			    "input");
	if (use_stdin && fo.clean != ST_CLEAN_OFF)
		st_usage_error("--clean-source needs files, not standard "
		    "input");
	if (infer) {
		if (ddl)
			st_usage_error("give --schema or --infer-schema, not "
			    "both");
		if (fo.format != ST_FMT_CSV || use_stdin)
			st_usage_error("--infer-schema is for CSV files");
		char *const *one_list[] = { argv };
		char *const **lists = one_list;
		size_t nlists = 1;
		if (nn > 0) {
			lists = st_malloc(nn * sizeof *lists);
			for (size_t i = 0; i < nn; i++)
				lists[i] = nv[i].paths;
			nlists = nn;
		}
		inferred = st_csv_infer_schema((char *const *const *)lists,
		    nlists, &fo, 10000, common.checkpoint);
		if (nn > 0)
			free((void *)lists);
		if (inferred == NULL)
			return ST_EXIT_DATA;
		ddl = inferred;
	}
	if (ddl) {
		st_schema_error se;
		fo.schema = st_schema_parse(ddl, &se);
		if (fo.schema == NULL)
			st_usage_error("invalid schema '%s': %s at column %zu",
			    ddl, se.msg, se.col);
	}
	o.clean = fo.clean != ST_CLEAN_OFF;

	st_source *one;
	if (nn > 0) {
		o.nsources = nn;
		o.sources = st_malloc(nn * sizeof *o.sources);
		for (size_t i = 0; i < nn; i++)
			o.sources[i] = st_file_source_new(nv[i].name,
			    nv[i].paths, &fo);
	} else {
		one = use_stdin ? st_stdin_source_new(NULL, &fo,
		    o.trigger == ST_TRIGGER_ONCE ||
		    o.trigger == ST_TRIGGER_AVAILABLE_NOW) :
		    st_file_source_new(NULL, argv, &fo);
		o.nsources = 1;
		o.sources = &one;
	}

	int rc = st_read_run(&o);

	for (size_t i = 0; i < o.nsources; i++)
		st_source_free(o.sources[i]);
	if (nn > 0)
		free(o.sources);
	for (size_t i = 0; i < nn; i++)
		free(nv[i].name);
	free(nv);
	st_schema_free(fo.schema);
	free(inferred);
	return rc;
}
