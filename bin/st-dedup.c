/* st-dedup - drops duplicate rows (Spark's dropDuplicates and
 * dropDuplicatesWithinWatermark). See st-dedup(1). */
#include <getopt.h>

#include "err.h"
#include "op/dedup.h"
#include "opts.h"
#include "datetime.h"

static const char usage_text[] =
"usage: st-dedup [-k columns] [-t column [--within-watermark [--delay duration]]]\n"
"       [--max-keys n] [options]\n"
"\n"
"  -k, --keys COLS         the columns that make a duplicate (default: all)\n"
"  -t, --time COL          the event time column (watermark eviction)\n"
"      --time-unit UNIT    numbers in COL are s (default), ms or us\n"
"      --within-watermark  drop duplicates arriving within the watermark delay\n"
"      --delay DURATION    the delay for --within-watermark (default: the\n"
"                          watermark's, from st-watermark)\n"
"      --max-keys N        keep at most N keys, forgetting the oldest\n"
"      --late-output FILE  append rows too late for the watermark to FILE\n"
ST_COMMON_HELP;

enum { OPT_WITHIN = ST_OPT_TOOL_BASE, OPT_DELAY, OPT_MAX };

static const struct option longopts[] = {
	{ "keys", required_argument, NULL, 'k' },
	ST_EVTIME_LONGOPTS,
	{ "within-watermark", no_argument, NULL, OPT_WITHIN },
	{ "delay", required_argument, NULL, OPT_DELAY },
	{ "max-keys", required_argument, NULL, OPT_MAX },
	ST_LATE_LONGOPTS,
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	st_common common;
	st_dedup_opts o = { NULL, { NULL, ST_USEC_PER_SEC }, 0, 0, 0, NULL };
	int c, rc;

	st_common_init(&common, argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:t:", longopts, NULL)) != -1) {
		if (st_common_option(&common, c, optarg, usage_text) ||
		    st_evtime_option(&o.time, c, optarg))
			continue;
		switch (c) {
		case 'k':
			st_strv_free(o.keys);
			o.keys = st_split_list(optarg);
			break;
		case OPT_WITHIN:
			o.within = 1;
			break;
		case OPT_DELAY:
			o.delay = st_opt_delay("--delay", optarg);
			break;
		case OPT_MAX:
			o.max_keys = st_opt_count("--max-keys", optarg);
			if (o.max_keys == 0)
				st_usage_error("--max-keys must be at least 1");
			break;
		case ST_OPT_LATE_OUTPUT:
			o.late_output = optarg;
			break;
		default:
			st_opt_error(c, argv);
		}
	}
	st_opt_no_operands(argc, argv);
	st_dedup_check(&o);
	rc = st_dedup_run(&o, &common);
	st_evtime_release(&o.time);
	st_strv_free(o.keys);
	return rc;
}
