/* st-watermark - event-time watermarks for the stateful tools downstream.
 * See st-watermark(1). */
#include <getopt.h>
#include <string.h>

#include "err.h"
#include "op/watermark.h"
#include "opts.h"
#include "datetime.h"

static const char usage_text[] =
"usage: st-watermark -t column -d delay [--time-unit unit] [--source name]\n"
"       [--policy policy] [common options]\n"
"\n"
"  -t, --time COL          the event time column, or an expression\n"
"  -d, --delay DURATION    how late data may arrive ('30 minutes')\n"
"      --time-unit UNIT    numbers in COL are s (default), ms or us\n"
"      --source NAME       track only records of source NAME\n"
"      --policy POLICY     global watermark over sources: min (default), max\n"
ST_COMMON_HELP;

enum { OPT_SOURCE = ST_OPT_TOOL_BASE, OPT_POLICY };

static const struct option longopts[] = {
	ST_EVTIME_LONGOPTS,
	{ "delay", required_argument, NULL, 'd' },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "policy", required_argument, NULL, OPT_POLICY },
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	st_common common;
	st_watermark_opts o = { { NULL, ST_USEC_PER_SEC }, 0, NULL, 0 };
	int c, have_delay = 0;

	st_common_init(&common, argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:d:", longopts, NULL)) != -1) {
		if (st_common_option(&common, c, optarg, usage_text) ||
		    st_evtime_option(&o.time, c, optarg))
			continue;
		switch (c) {
		case 'd':
			o.delay = st_opt_delay("--delay", optarg);
			have_delay = 1;
			break;
		case OPT_SOURCE:
			o.source = optarg;
			break;
		case OPT_POLICY:
			if (strcmp(optarg, "min") == 0)
				o.policy_max = 0;
			else if (strcmp(optarg, "max") == 0)
				o.policy_max = 1;
			else
				st_usage_error("invalid policy '%s' for "
				    "--policy (min or max)", optarg);
			break;
		default:
			st_opt_error(c, argv);
		}
	}
	st_opt_no_operands(argc, argv);
	if (o.time.col == NULL)
		st_usage_error("--time is required");
	if (!have_delay)
		st_usage_error("--delay is required");
	c = st_watermark_run(&o, &common);
	st_evtime_release(&o.time);
	return c;
}
