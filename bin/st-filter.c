/* st-filter - keeps the records for which a Spark SQL predicate is true.
 * See st-filter(1) and st-expr(7). st-where.c builds this same program
 * under Spark's other name. */
#include <getopt.h>

#include "err.h"
#include "op/filter.h"
#include "opts.h"

#ifndef TOOL
#define TOOL "st-filter"
#endif

static const char usage_text[] =
"usage: " TOOL " [-v] [--source name] [options] expression\n"
"\n"
"  -v, --invert            keep the records for which EXPR is not true\n"
"      --source NAME       filter the records of source NAME only; pass the\n"
"                          other sources' records through\n"
ST_COMMON_HELP;

enum { OPT_SOURCE = ST_OPT_TOOL_BASE };

static const struct option longopts[] = {
	{ "invert", no_argument, NULL, 'v' },
	{ "source", required_argument, NULL, OPT_SOURCE },
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	st_common common;
	st_filter_opts o = { NULL, 0, NULL };
	int c;

	st_common_init(&common, argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":v", longopts, NULL)) != -1) {
		if (st_common_option(&common, c, optarg, usage_text))
			continue;
		switch (c) {
		case 'v':
			o.invert = 1;
			break;
		case OPT_SOURCE:
			o.source = st_opt_source(o.source, optarg);
			break;
		default:
			st_opt_error(c, argv);
		}
	}
	if (optind == argc)
		st_usage_error("missing expression");
	if (argc - optind > 1)
		st_usage_error("unexpected argument '%s' (quote the whole "
		    "expression)", argv[optind + 1]);
	o.expr = argv[optind];
	return st_filter_run(&o, &common);
}
