/* st-running - running aggregates across rows (running totals). See
 * st-running(1). */
#include <getopt.h>

#include "err.h"
#include "op/running.h"
#include "opts.h"

static const char usage_text[] =
"usage: st-running [-b columns] -a aggs [options]\n"
"\n"
"  -b, --by COLS           separate running aggregates per key (comma-separated)\n"
"  -a, --agg LIST          'sum(TotalBuy) AS RTotalBuy, count(*) AS n, ...'\n"
ST_COMMON_HELP;

static const struct option longopts[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "agg", required_argument, NULL, 'a' },
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	st_common common;
	st_running_opts o = { NULL, NULL };
	int c, rc;

	st_common_init(&common, argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:a:", longopts, NULL)) != -1) {
		if (st_common_option(&common, c, optarg, usage_text))
			continue;
		switch (c) {
		case 'b':
			st_strv_free(o.by);
			o.by = st_split_list(optarg);
			break;
		case 'a':
			o.agg_text = optarg;
			break;
		default:
			st_opt_error(c, argv);
		}
	}
	st_opt_no_operands(argc, argv);
	rc = st_running_run(&o, &common);
	st_strv_free(o.by);
	return rc;
}
