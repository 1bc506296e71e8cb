/* cli.c - st-sink's command line; see cli.h. */
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "control.h"
#include "err.h"

/* --format: one of these, or stdout (the default, not listed). */
static const char *const format_names[] = {
	"json", "csv", "sqlite", "postgres", "console", "chart", "exec",
	"kafka", NULL
};

static void
opt_format(void *field, const char *arg, const st_option *opt)
{
	if (strcasecmp(arg, "stdout") == 0)
		*(const char **)field = "stdout";
	else
		*(const char **)field = format_names[st_opt_choice("format",
		    st_opt_name(opt), arg, format_names)];
}

static const st_option options[] = {
	ST_OPT_CALL('f', "format", "FMT", st_sink_cli, o.format, opt_format,
	    "json or csv (files in --path), sqlite (a table\n"
	    "of the database --path), postgres (a table of\n"
	    "the database --dsn), console, chart (a live\n"
	    "HTML chart in --path), exec (a command per\n"
	    "batch), kafka (topics);\n"
	    "default: NDJSON on standard output"),
	ST_OPT_STRING('p', "path", "PATH", st_sink_cli, o.path,
	    "output directory of the json and csv formats;\n"
	    "database file of the sqlite format; page of\n"
	    "the chart format"),
	ST_OPT_STRING(0, "table", "NAME", st_sink_cli, o.table,
	    "sqlite, postgres: the table (default st_output)"),
	ST_OPT_STRING(0, "dsn", "DSN", st_sink_cli, o.dsn,
	    "postgres: the libpq connection string, without\n"
	    "a password (passfile, PGPASSFILE, PGPASSWORD)"),
	ST_OPT_FLAG(0, "header", st_sink_cli, o.header, 1,
	    "csv: write a header line first (default)"),
	ST_OPT_FLAG(0, "no-header", st_sink_cli, o.header, 0, "csv: no header line"),
	ST_OPT_INT64('n', "num-rows", "N", st_sink_cli, o.num_rows, 0,
	    "console: rows shown per batch (default 20)"),
	ST_OPT_INT64(0, "truncate", "N", st_sink_cli, o.truncate, 0,
	    "console: cut cells to N characters (default 20;\n"
	    "0: never)"),
	ST_OPT_STRING('c', "command", "CMD", st_sink_cli, o.command,
	    "exec: the sh command run once per batch, the\n"
	    "records as NDJSON on its standard input,\n"
	    "ST_BATCH_ID, ST_MODE, ST_KEYS, ST_CHECKPOINT in\n"
	    "its environment; exit 0 commits the batch"),
	ST_OPT_FLAG(0, "raw", st_sink_cli, o.raw, 1,
	    "standard output: keep the control lines"),
	ST_OPT_STRING(0, "x", "COL", st_sink_cli, o.x, "chart: the column along the x axis"),
	ST_OPT_STRING(0, "y", "COL", st_sink_cli, o.y, "chart: the numeric column drawn"),
	ST_OPT_STRING(0, "series", "COL", st_sink_cli, o.series,
	    "chart: one line per value of COL"),
	ST_OPT_STRING(0, "query-name", "NAME", st_sink_cli, o.query_name,
	    "the query's name in its progress (queryName)"),
	ST_OPT_STRING(0, "metrics-file", "F", st_sink_cli, o.metrics_file,
	    "Prometheus metrics in F, rewritten per batch"),
	ST_OPT_STRING(0, "on-progress", "CMD", st_sink_cli, o.on_progress,
	    "run CMD with each batch's progress on stdin"),
	ST_OPT_STRING(0, "on-failure", "CMD", st_sink_cli, o.on_failure,
	    "run CMD with the pipeline's failure on stdin"),
	ST_OPT_DURATION(0, "hook-timeout", "DUR", st_sink_cli, o.hook_timeout,
	    "kill a hook running longer (default 10s)"),
	ST_OPT_GROUP_SEEN(st_kafka_sink_options, st_sink_cli, ko, kafka_opts),
	ST_OPT_GROUP(st_common_options, st_sink_cli, common),
	ST_OPT_END
};

const st_opt_tool st_sink_tool = {
	"usage: st-sink [options]\n"
	"       st-sink [options] --format json|csv --path dir\n"
	"       st-sink [options] --format sqlite --path file [--table name]\n"
	"       st-sink [options] --format postgres --dsn dsn [--table name]\n"
	"       st-sink [options] --format console [--num-rows n] [--truncate n]\n"
	"       st-sink [options] --format chart --path page.html --x col --y col\n"
	"       [--series col]\n"
	"       st-sink [options] --format exec --command cmd\n"
	"       st-sink [options] --format kafka --bootstrap-servers servers\n"
	"       [--topic topic]\n",
	options, 0
};

void
st_sink_cli_init(st_sink_cli *c, const char *argv0)
{
	memset(c, 0, sizeof *c);
	st_common_init(&c->common, argv0);
	/* standard output is data or a table, not a stream: no abort line */
	st_abort_enable(0);
	c->o.num_rows = 20;
	c->o.truncate = 20;
	c->o.header = 1;
	st_kafka_sink_opts_init(&c->ko);
	c->o.kafka = &c->ko;
}

static int
is(const char *format, const char *name)
{
	return format && strcmp(format, name) == 0;
}

/* The options of the file, SQL and chart formats. */
static void
check_tables(st_sink_opts *o)
{
	int sqlite = is(o->format, "sqlite"), chart = is(o->format, "chart");
	int files = is(o->format, "json") || is(o->format, "csv") || chart;
	int pg = is(o->format, "postgres");

	if ((files || sqlite) && o->path == NULL)
		st_usage_error("--format %s needs --path %s", o->format,
		    sqlite || chart ? "FILE" : "DIR");
	if (!files && !sqlite && o->path)
		st_usage_error("--path needs --format json, csv, sqlite or chart");
	if (chart && (o->x == NULL || o->y == NULL))
		st_usage_error("--format chart needs --x COL and --y COL");
	if (!chart && (o->x || o->y || o->series))
		st_usage_error("--x, --y and --series need --format chart");
	if (pg && o->dsn == NULL)
		st_usage_error("--format postgres needs --dsn DSN");
	if (o->dsn && !pg)
		st_usage_error("--dsn needs --format postgres");
	if (o->table && !sqlite && !pg)
		st_usage_error("--table needs --format sqlite or postgres");
	if (o->table && (*o->table == '\0' ||
	    strcasecmp(o->table, "_st_batches") == 0))
		st_usage_error("invalid table name '%s' for --table", o->table);
	if ((sqlite || pg) && o->table == NULL)
		o->table = "st_output";
}

void
st_sink_check(st_sink_cli *c)
{
	st_sink_opts *o = &c->o;

	check_tables(o);
	if ((o->metrics_file || o->on_progress) && c->common.checkpoint == NULL)
		st_usage_error("--metrics-file and --on-progress need "
		    "--checkpoint (progress is kept per committed batch)");
	int exec = is(o->format, "exec");
	if (exec && (o->command == NULL || *o->command == '\0'))
		st_usage_error("--format exec needs --command CMD");
	if (o->command && !exec)
		st_usage_error("--command needs --format exec");
	if (o->raw && o->format && strcmp(o->format, "stdout") != 0)
		st_usage_error("--raw is for standard output only");
	int kafka = is(o->format, "kafka");
	if (c->kafka_opts && !kafka)
		st_usage_error("the Kafka options need --format kafka");
	if (kafka && st_kafka_conf_get(&c->ko.conf, "bootstrap.servers") ==
	    NULL)
		st_usage_error("--format kafka needs --bootstrap-servers");
}

int
st_sink_cli_run(st_sink_cli *c)
{
	int rc = st_sink_run(&c->o, &c->common);

	st_kafka_sink_opts_release(&c->ko);
	return rc;
}
