/* st-running - running aggregates across rows (running totals). See
 * st-running(1). */
#include "op/running.h"
#include "opts.h"

typedef struct cli {
	st_common common;
	st_running_opts o;
} cli;

static const st_option options[] = {
	ST_OPT_LIST('b', "by", "COLS", cli, o.by,
	    "separate running aggregates per key (comma-separated)"),
	ST_OPT_STRING('a', "agg", "LIST", cli, o.agg_text,
	    "'sum(TotalBuy) AS RTotalBuy, count(*) AS n, ...'"),
	ST_OPT_GROUP(st_common_options, cli, common),
	ST_OPT_END
};

static const st_opt_tool tool = {
	"usage: st-running [-b columns] -a aggs [options]\n", options, 0
};

int
main(int argc, char **argv)
{
	cli c = { .o = { NULL, NULL } };

	st_common_init(&c.common, argv[0]);
	st_opt_no_operands(st_opt_parse(&tool, &c, argc, argv), argc, argv);
	int rc = st_running_run(&c.o, &c.common);
	st_strv_free(c.o.by);
	return rc;
}
