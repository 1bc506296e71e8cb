/* st-status - the status, progress and metrics of st pipelines, read from
 * their checkpoints. See st-status(1). */
#include "control.h"
#include "opts.h"
#include "status.h"
#include "datetime.h"

/* --watch[=INTERVAL]: 2 seconds without an interval. */
static void
opt_watch(void *field, const char *arg, const st_option *opt)
{
	*(int64_t *)field = arg ? st_opt_duration(st_opt_name(opt), arg) :
	    2 * ST_USEC_PER_SEC;
}

static const st_option options[] = {
	ST_OPT_TEXT("dir", "a checkpoint, or a directory of checkpoints"),
	ST_OPT_FLAG(0, "json", st_status_opts, json, 1,
	    "Spark's status and progress as JSON"),
	ST_OPT_FLAG(0, "prometheus", st_status_opts, prometheus, 1,
	    "the Prometheus text exposition format"),
	ST_OPT_INT(0, "recent", "N", st_status_opts, recent, 0,
	    "the last N batches' progress (recentProgress)"),
	ST_OPT_CALL_OPTARG(0, "watch", "INTERVAL", st_status_opts,
	    watch_usec, opt_watch, "refresh every INTERVAL (default 2 seconds)"),
	ST_OPT_FLAG(0, "check", st_status_opts, check, 1,
	    "verify each checkpoint, change nothing"),
	ST_OPT_INCLUDE(st_help_options),
	ST_OPT_END
};

static const st_opt_tool tool = {
	"usage: st-status [--json | --prometheus] [--recent n] [--watch[=interval]]\n"
	"       dir ...\n"
	"       st-status --check dir ...\n",
	options, 0
};

int
main(int argc, char **argv)
{
	st_common common;
	st_status_opts o = { 0 };

	st_common_init(&common, argv[0]);
	/* standard output is a report, not a stream: no abort line */
	st_abort_enable(0);
	o.dirs = argv + st_opt_parse(&tool, &o, argc, argv);
	st_status_opts_check(&o);
	return st_status_run(&o);
}
