/* st-filter - keeps the records for which a Spark SQL predicate is true.
 * See st-filter(1) and st-expr(7). st-where.c builds this same program
 * under Spark's other name. */
#include "err.h"
#include "op/filter.h"
#include "opts.h"

#ifndef TOOL
#define TOOL "st-filter"
#endif

typedef struct cli {
	st_common common;
	st_filter_opts o;
} cli;

static const st_option options[] = {
	ST_OPT_FLAG('v', "invert", cli, o.invert, 1,
	    "keep the records for which EXPR is not true"),
	ST_OPT_CALL(0, "source", "NAME", cli, o.source, st_opt_source,
	    "filter the records of source NAME only; pass the\n"
	    "other sources' records through"),
	ST_OPT_GROUP(st_common_options, cli, common),
	ST_OPT_END
};

static const st_opt_tool tool = {
	"usage: " TOOL " [-v] [--source name] [options] expression\n",
	options, 0
};

int
main(int argc, char **argv)
{
	cli c = { .o = { NULL, 0, NULL } };

	st_common_init(&c.common, argv[0]);
	int i = st_opt_parse(&tool, &c, argc, argv);
	if (i == argc)
		st_usage_error("missing expression");
	if (argc - i > 1)
		st_usage_error("unexpected argument '%s' (quote the whole "
		    "expression)", argv[i + 1]);
	c.o.expr = argv[i];
	return st_filter_run(&c.o, &c.common);
}
