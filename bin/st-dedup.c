/* st-dedup - drops duplicate rows (Spark's dropDuplicates and
 * dropDuplicatesWithinWatermark). See st-dedup(1). */
#include "op/dedup.h"
#include "opts.h"
#include "datetime.h"

typedef struct cli {
	st_common common;
	st_dedup_opts o;
} cli;

static const st_option options[] = {
	ST_OPT_LIST('k', "keys", "COLS", cli, o.keys,
	    "the columns that make a duplicate (default: all)"),
	ST_OPT_GROUP(st_evtime_options, cli, o.time),
	ST_OPT_FLAG(0, "within-watermark", cli, o.within, 1,
	    "drop duplicates arriving within the watermark delay"),
	ST_OPT_DELAY(0, "delay", "DURATION", cli, o.delay,
	    "the delay for --within-watermark (default: the\n"
	    "watermark's, from st-watermark)"),
	ST_OPT_INT64(0, "max-keys", "N", cli, o.max_keys, 1,
	    "keep at most N keys, forgetting the oldest"),
	ST_OPT_GROUP(st_late_options, cli, o.late_output),
	ST_OPT_GROUP(st_common_options, cli, common),
	ST_OPT_END
};

static const st_opt_tool tool = {
	"usage: st-dedup [-k columns] [-t column [--within-watermark [--delay duration]]]\n"
	"       [--max-keys n] [options]\n",
	options, 0
};

int
main(int argc, char **argv)
{
	cli c = { .o = { NULL, { NULL, ST_USEC_PER_SEC }, 0, 0, 0, NULL } };

	st_common_init(&c.common, argv[0]);
	st_opt_no_operands(st_opt_parse(&tool, &c, argc, argv), argc, argv);
	st_dedup_check(&c.o);
	int rc = st_dedup_run(&c.o, &c.common);
	st_evtime_release(&c.o.time);
	st_strv_free(c.o.keys);
	return rc;
}
