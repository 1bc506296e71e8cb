/* st-sink - writes a stream's batches to stdout, files, SQLite or the
 * console and commits them. See st-sink(1). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "control.h"
#include "err.h"
#include "opts.h"
#include "sink/sink.h"

static const char usage_text[] =
"usage: st-sink [options]\n"
"       st-sink [options] --format json|csv --path dir\n"
"       st-sink [options] --format sqlite --path file [--table name]\n"
"       st-sink [options] --format postgres --dsn dsn [--table name]\n"
"       st-sink [options] --format console [--num-rows n] [--truncate n]\n"
"       st-sink [options] --format chart --path page.html --x col --y col\n"
"       [--series col]\n"
"       st-sink [options] --format exec --command cmd\n"
"       st-sink [options] --format kafka --bootstrap-servers servers\n"
"       [--topic topic]\n"
"\n"
"  -f, --format FMT        json or csv (files in --path), sqlite (a table\n"
"                          of the database --path), postgres (a table of\n"
"                          the database --dsn), console, chart (a live\n"
"                          HTML chart in --path), exec (a command per\n"
"                          batch), kafka (topics);\n"
"                          default: NDJSON on standard output\n"
"  -p, --path PATH         output directory of the json and csv formats;\n"
"                          database file of the sqlite format; page of\n"
"                          the chart format\n"
"      --table NAME        sqlite, postgres: the table (default st_output)\n"
"      --dsn DSN           postgres: the libpq connection string, without\n"
"                          a password (passfile, PGPASSFILE, PGPASSWORD)\n"
"      --header            csv: write a header line first (default)\n"
"      --no-header         csv: no header line\n"
"  -n, --num-rows N        console: rows shown per batch (default 20)\n"
"      --truncate N        console: cut cells to N characters (default 20;\n"
"                          0: never)\n"
"  -c, --command CMD       exec: the sh command run once per batch, the\n"
"                          records as NDJSON on its standard input,\n"
"                          ST_BATCH_ID, ST_MODE, ST_KEYS, ST_CHECKPOINT in\n"
"                          its environment; exit 0 commits the batch\n"
"      --raw               standard output: keep the control lines\n"
"      --x COL             chart: the column along the x axis\n"
"      --y COL             chart: the numeric column drawn\n"
"      --series COL        chart: one line per value of COL\n"
"      --query-name NAME   the query's name in its progress (queryName)\n"
"      --metrics-file F    Prometheus metrics in F, rewritten per batch\n"
"      --on-progress CMD   run CMD with each batch's progress on stdin\n"
"      --on-failure CMD    run CMD with the pipeline's failure on stdin\n"
"      --hook-timeout DUR  kill a hook running longer (default 10s)\n"
ST_KAFKA_SINK_HELP
ST_COMMON_HELP;

enum {
	OPT_HEADER = ST_OPT_TOOL_BASE,
	OPT_NO_HEADER,
	OPT_TRUNCATE,
	OPT_RAW,
	OPT_TABLE,
	OPT_X,
	OPT_Y,
	OPT_SERIES,
	OPT_QUERY_NAME,
	OPT_METRICS_FILE,
	OPT_ON_PROGRESS,
	OPT_ON_FAILURE,
	OPT_HOOK_TIMEOUT,
	OPT_DSN
};

static const struct option longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "path", required_argument, NULL, 'p' },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ "num-rows", required_argument, NULL, 'n' },
	{ "truncate", required_argument, NULL, OPT_TRUNCATE },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "x", required_argument, NULL, OPT_X },
	{ "y", required_argument, NULL, OPT_Y },
	{ "series", required_argument, NULL, OPT_SERIES },
	{ "query-name", required_argument, NULL, OPT_QUERY_NAME },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ "on-progress", required_argument, NULL, OPT_ON_PROGRESS },
	{ "on-failure", required_argument, NULL, OPT_ON_FAILURE },
	{ "hook-timeout", required_argument, NULL, OPT_HOOK_TIMEOUT },
	{ "command", required_argument, NULL, 'c' },
	{ "dsn", required_argument, NULL, OPT_DSN },
	ST_KAFKA_SINK_LONGOPTS,
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	st_common common;
	st_sink_opts o = { .num_rows = 20, .truncate = 20, .header = 1 };
	st_kafka_sink_opts ko;
	int ch, kafka_opts = 0;

	st_common_init(&common, argv[0]);
	/* standard output is data or a table, not a stream: no abort line */
	st_abort_enable(0);
	st_kafka_sink_opts_init(&ko);
	while ((ch = getopt_long(argc, argv, "f:p:n:c:X:", longopts, NULL)) !=
	    -1) {
		if (st_common_option(&common, ch, optarg, usage_text))
			continue;
		if (st_kafka_sink_option(&ko, ch, optarg)) {
			kafka_opts = 1;
			continue;
		}
		switch (ch) {
		case 'f':
			if (strcasecmp(optarg, "json") != 0 &&
			    strcasecmp(optarg, "csv") != 0 &&
			    strcasecmp(optarg, "sqlite") != 0 &&
			    strcasecmp(optarg, "console") != 0 &&
			    strcasecmp(optarg, "chart") != 0 &&
			    strcasecmp(optarg, "exec") != 0 &&
			    strcasecmp(optarg, "postgres") != 0 &&
			    strcasecmp(optarg, "kafka") != 0 &&
			    strcasecmp(optarg, "stdout") != 0)
				st_usage_error("invalid format '%s' for "
				    "--format (json, csv, sqlite, postgres, "
				    "console, chart, exec, kafka)",
				    optarg);
			o.format = optarg;
			for (char *p = optarg; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p += 'a' - 'A';
			break;
		case 'p':
			o.path = optarg;
			break;
		case OPT_HEADER:
			o.header = 1;
			break;
		case OPT_NO_HEADER:
			o.header = 0;
			break;
		case 'n':
			o.num_rows = st_opt_count("--num-rows", optarg);
			break;
		case OPT_TRUNCATE:
			o.truncate = st_opt_count("--truncate", optarg);
			break;
		case OPT_RAW:
			o.raw = 1;
			break;
		case OPT_TABLE:
			o.table = optarg;
			break;
		case OPT_X:
			o.x = optarg;
			break;
		case OPT_Y:
			o.y = optarg;
			break;
		case OPT_SERIES:
			o.series = optarg;
			break;
		case OPT_QUERY_NAME:
			o.query_name = optarg;
			break;
		case OPT_METRICS_FILE:
			o.metrics_file = optarg;
			break;
		case OPT_ON_PROGRESS:
			o.on_progress = optarg;
			break;
		case OPT_ON_FAILURE:
			o.on_failure = optarg;
			break;
		case OPT_HOOK_TIMEOUT:
			o.hook_timeout = st_opt_duration("--hook-timeout", optarg);
			break;
		case 'c':
			o.command = optarg;
			break;
		case OPT_DSN:
			o.dsn = optarg;
			break;
		default:
			st_usage_error("unknown option");
		}
	}
	st_opt_no_operands(argc, argv);
	int sqlite = o.format && strcmp(o.format, "sqlite") == 0;
	int chart = o.format && strcmp(o.format, "chart") == 0;
	int files = o.format && (strcmp(o.format, "json") == 0 ||
	    strcmp(o.format, "csv") == 0 || chart);
	if ((files || sqlite) && o.path == NULL)
		st_usage_error("--format %s needs --path %s", o.format,
		    sqlite || chart ? "FILE" : "DIR");
	if (!files && !sqlite && o.path)
		st_usage_error("--path needs --format json, csv, sqlite or chart");
	if (chart && (o.x == NULL || o.y == NULL))
		st_usage_error("--format chart needs --x COL and --y COL");
	if (!chart && (o.x || o.y || o.series))
		st_usage_error("--x, --y and --series need --format chart");
	int pg = o.format && strcmp(o.format, "postgres") == 0;
	if (pg && o.dsn == NULL)
		st_usage_error("--format postgres needs --dsn DSN");
	if (o.dsn && !pg)
		st_usage_error("--dsn needs --format postgres");
	if (o.table && !sqlite && !pg)
		st_usage_error("--table needs --format sqlite or postgres");
	if (o.table && (*o.table == '\0' ||
	    strcasecmp(o.table, "_st_batches") == 0))
		st_usage_error("invalid table name '%s' for --table", o.table);
	if ((sqlite || pg) && o.table == NULL)
		o.table = "st_output";
	if ((o.metrics_file || o.on_progress) && common.checkpoint == NULL)
		st_usage_error("--metrics-file and --on-progress need "
		    "--checkpoint (progress is kept per committed batch)");
	int exec = o.format && strcmp(o.format, "exec") == 0;
	if (exec && (o.command == NULL || *o.command == '\0'))
		st_usage_error("--format exec needs --command CMD");
	if (o.command && !exec)
		st_usage_error("--command needs --format exec");
	if (o.raw && o.format && strcmp(o.format, "stdout") != 0)
		st_usage_error("--raw is for standard output only");
	int kafka = o.format && strcmp(o.format, "kafka") == 0;
	if (kafka_opts && !kafka)
		st_usage_error("the Kafka options need --format kafka");
	if (kafka && st_kafka_conf_get(&ko.conf, "bootstrap.servers") == NULL)
		st_usage_error("--format kafka needs --bootstrap-servers");
	o.kafka = &ko;
	int rc = st_sink_run(&o, &common);
	st_kafka_sink_opts_release(&ko);
	return rc;
}
