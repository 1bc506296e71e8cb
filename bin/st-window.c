/* st-window - stateful aggregation over event-time windows, or plain
 * groupBy aggregation, with Spark's output modes. See st-window(1). */
#include <string.h>

#include "err.h"
#include "op/window.h"
#include "opts.h"
#include "datetime.h"

typedef struct cli {
	st_common common;
	st_window_opts o;
} cli;

/* --by, --cube, --rollup: the key columns and how they group. */
static void
opt_group(void *field, const char *arg, const st_option *opt)
{
	st_window_opts *o = field;
	st_grouping g = strcmp(opt->long_name, "cube") == 0 ? ST_GROUP_CUBE :
	    strcmp(opt->long_name, "rollup") == 0 ? ST_GROUP_ROLLUP :
	    ST_GROUP_BY;

	if (o->by != NULL && g != o->grouping)
		st_usage_error("--by, --cube and --rollup cannot be combined");
	st_strv_free(o->by);
	o->by = st_split_list(arg);
	o->grouping = g;
}

static void
opt_mode(void *field, const char *arg, const st_option *opt)
{
	st_window_opts *o = field;

	(void)opt;
	if (st_outmode_parse(arg, &o->mode) < 0)
		st_usage_error("invalid mode '%s' for --mode "
		    "(append, update, complete)", arg);
	o->mode_given = 1;
}

static const st_option options[] = {
	ST_OPT_GROUP(st_evtime_options, cli, o.time),
	ST_OPT_DURATION('s', "size", "DURATION", cli, o.size,
	    "window length ('15 minutes')"),
	ST_OPT_DURATION(0, "slide", "DURATION", cli, o.slide,
	    "sliding windows: a new one every DURATION"),
	ST_OPT_DURATION('g', "session-gap", "DURATION", cli, o.gap,
	    "session windows closed by DURATION of quiet"),
	ST_OPT_CALL('b', "by", "COLS", cli, o, opt_group,
	    "group by these columns too (comma-separated)"),
	ST_OPT_CALL(0, "cube", "COLS", cli, o, opt_group,
	    "group by every subset of COLS (null: rolled up)"),
	ST_OPT_CALL(0, "rollup", "COLS", cli, o, opt_group,
	    "group by every prefix of COLS (null: rolled up)"),
	ST_OPT_STRING('a', "agg", "LIST", cli, o.agg_text,
	    "'sum(Buy) AS TotalBuy, count(*) AS n, avg(x), ...'"),
	ST_OPT_CALL('m', "mode", "MODE", cli, o, opt_mode,
	    "append (default with a window), update, complete"),
	ST_OPT_GROUP(st_late_options, cli, o.late_output),
	ST_OPT_GROUP(st_common_options, cli, common),
	ST_OPT_END
};

static const st_opt_tool tool = {
	"usage: st-window -t column -s size [--slide duration] [-b columns] -a aggs\n"
	"       [-m mode] [options]\n"
	"       st-window -t column -g gap [-b columns] -a aggs [-m mode] [options]\n"
	"       st-window -b columns -a aggs [-m mode] [options]\n"
	"       st-window -a aggs [-m update|complete] [options]\n",
	options, 0
};

int
main(int argc, char **argv)
{
	cli c = { .o = { .time = { NULL, ST_USEC_PER_SEC },
	    .grouping = ST_GROUP_BY, .mode = ST_MODE_APPEND } };

	st_common_init(&c.common, argv[0]);
	st_opt_no_operands(st_opt_parse(&tool, &c, argc, argv), argc, argv);
	st_window_check(&c.o);
	int rc = st_window_run(&c.o, &c.common);
	st_evtime_release(&c.o.time);
	st_strv_free(c.o.by);
	return rc;
}
