/* st-status - the status, progress and metrics of st pipelines, read from
 * their checkpoints. See st-status(1). */
#include <getopt.h>

#include "control.h"
#include "err.h"
#include "opts.h"
#include "status.h"
#include "datetime.h"

static const char usage_text[] =
"usage: st-status [--json | --prometheus] [--recent n] [--watch[=interval]]\n"
"       dir ...\n"
"       st-status --check dir ...\n"
"\n"
"  dir                     a checkpoint, or a directory of checkpoints\n"
"      --json              Spark's status and progress as JSON\n"
"      --prometheus        the Prometheus text exposition format\n"
"      --recent N          the last N batches' progress (recentProgress)\n"
"      --watch[=INTERVAL]  refresh every INTERVAL (default 2 seconds)\n"
"      --check             verify each checkpoint, change nothing\n"
"      --help              print this help and exit\n"
"      --version           print the version and exit\n";

enum {
	OPT_JSON = ST_OPT_TOOL_BASE,
	OPT_PROMETHEUS,
	OPT_RECENT,
	OPT_WATCH,
	OPT_CHECK
};

static const struct option longopts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
	{ "recent", required_argument, NULL, OPT_RECENT },
	{ "watch", optional_argument, NULL, OPT_WATCH },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "help", no_argument, NULL, ST_OPT_HELP },
	{ "version", no_argument, NULL, ST_OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	st_common common;
	st_status_opts o = { 0 };
	int c;

	st_common_init(&common, argv[0]);
	/* standard output is a report, not a stream: no abort line */
	st_abort_enable(0);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (st_common_option(&common, c, optarg, usage_text))
			continue;
		switch (c) {
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_PROMETHEUS:
			o.prometheus = 1;
			break;
		case OPT_RECENT:
			o.recent = (int)st_opt_count("--recent", optarg);
			break;
		case OPT_WATCH:
			o.watch_usec = 2000000;
			if (optarg)
				o.watch_usec = st_opt_duration("--watch", optarg);
			break;
		case OPT_CHECK:
			o.check = 1;
			break;
		default:
			st_opt_error(c, argv);
		}
	}
	if (optind == argc)
		st_usage_error("no checkpoint directory given");
	if (o.json && o.prometheus)
		st_usage_error("--json and --prometheus exclude each other");
	if (o.check && (o.json || o.prometheus || o.watch_usec))
		st_usage_error("--check goes alone");
	o.dirs = argv + optind;
	return st_status_run(&o);
}
