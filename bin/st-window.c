/* st-window - stateful aggregation over event-time windows, or plain
 * groupBy aggregation, with Spark's output modes. See st-window(1). */
#include <getopt.h>
#include <stdlib.h>

#include "err.h"
#include "op/window.h"
#include "opts.h"
#include "datetime.h"

static const char usage_text[] =
"usage: st-window -t column -s size [--slide duration] [-b columns] -a aggs\n"
"       [-m mode] [options]\n"
"       st-window -t column -g gap [-b columns] -a aggs [-m mode] [options]\n"
"       st-window -b columns -a aggs [-m mode] [options]\n"
"       st-window -a aggs [-m update|complete] [options]\n"
"\n"
"  -t, --time COL          the event time column, or an expression\n"
"      --time-unit UNIT    numbers in COL are s (default), ms or us\n"
"  -s, --size DURATION     window length ('15 minutes')\n"
"      --slide DURATION    sliding windows: a new one every DURATION\n"
"  -g, --session-gap DURATION  session windows closed by DURATION of quiet\n"
"  -b, --by COLS           group by these columns too (comma-separated)\n"
"      --cube COLS         group by every subset of COLS (null: rolled up)\n"
"      --rollup COLS       group by every prefix of COLS (null: rolled up)\n"
"  -a, --agg LIST          'sum(Buy) AS TotalBuy, count(*) AS n, avg(x), ...'\n"
"  -m, --mode MODE         append (default with a window), update, complete\n"
"      --late-output FILE  append rows too late for the watermark to FILE\n"
ST_COMMON_HELP;

enum { OPT_SLIDE = ST_OPT_TOOL_BASE, OPT_CUBE, OPT_ROLLUP };

static const struct option longopts[] = {
	ST_EVTIME_LONGOPTS,
	{ "size", required_argument, NULL, 's' },
	{ "slide", required_argument, NULL, OPT_SLIDE },
	{ "session-gap", required_argument, NULL, 'g' },
	{ "by", required_argument, NULL, 'b' },
	{ "cube", required_argument, NULL, OPT_CUBE },
	{ "rollup", required_argument, NULL, OPT_ROLLUP },
	{ "agg", required_argument, NULL, 'a' },
	{ "mode", required_argument, NULL, 'm' },
	ST_LATE_LONGOPTS,
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	st_common common;
	st_window_opts o = { .time = { NULL, ST_USEC_PER_SEC },
	    .grouping = ST_GROUP_BY, .mode = ST_MODE_APPEND };
	st_grouping g;
	int c, rc;

	st_common_init(&common, argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:s:g:b:a:m:", longopts,
	    NULL)) != -1) {
		if (st_common_option(&common, c, optarg, usage_text) ||
		    st_evtime_option(&o.time, c, optarg))
			continue;
		switch (c) {
		case 's':
			o.size = st_opt_duration("--size", optarg);
			break;
		case OPT_SLIDE:
			o.slide = st_opt_duration("--slide", optarg);
			break;
		case 'g':
			o.gap = st_opt_duration("--session-gap", optarg);
			break;
		case 'b':
		case OPT_CUBE:
		case OPT_ROLLUP:
			g = c == OPT_CUBE ? ST_GROUP_CUBE : c == OPT_ROLLUP ?
			    ST_GROUP_ROLLUP : ST_GROUP_BY;
			if (o.by != NULL && g != o.grouping)
				st_usage_error("--by, --cube and --rollup "
				    "cannot be combined");
			st_strv_free(o.by);
			o.by = st_split_list(optarg);
			o.grouping = g;
			break;
		case 'a':
			o.agg_text = optarg;
			break;
		case 'm':
			if (st_outmode_parse(optarg, &o.mode) < 0)
				st_usage_error("invalid mode '%s' for --mode "
				    "(append, update, complete)", optarg);
			o.mode_given = 1;
			break;
		case ST_OPT_LATE_OUTPUT:
			o.late_output = optarg;
			break;
		default:
			st_opt_error(c, argv);
		}
	}
	st_opt_no_operands(argc, argv);
	st_window_check(&o);
	rc = st_window_run(&o, &common);
	st_evtime_release(&o.time);
	st_strv_free(o.by);
	return rc;
}
