/* st-watermark - event-time watermarks for the stateful tools downstream.
 * See st-watermark(1). */
#include "op/watermark.h"
#include "opts.h"
#include "datetime.h"

typedef struct cli {
	st_common common;
	st_watermark_opts o;
} cli;

static const char *const policies[] = { "min", "max", NULL };

static const st_option options[] = {
	ST_OPT_GROUP(st_evtime_options, cli, o.time),
	ST_OPT_DELAY('d', "delay", "DURATION", cli, o.delay,
	    "how late data may arrive ('30 minutes')"),
	ST_OPT_CALL(0, "source", "NAME", cli, o.source, st_opt_source,
	    "track only records of source NAME"),
	ST_OPT_CHOICE(0, "policy", "POLICY", cli, o.policy_max, policies,
	    "policy", "global watermark over sources: min (default), max"),
	ST_OPT_GROUP(st_common_options, cli, common),
	ST_OPT_END
};

static const st_opt_tool tool = {
	"usage: st-watermark -t column -d delay [--time-unit unit] [--source name]\n"
	"       [--policy policy] [common options]\n",
	options, 0
};

int
main(int argc, char **argv)
{
	/* delay -1: not given (a delay is >= 0) */
	cli c = { .o = { { NULL, ST_USEC_PER_SEC }, -1, NULL, 0 } };

	st_common_init(&c.common, argv[0]);
	st_opt_no_operands(st_opt_parse(&tool, &c, argc, argv), argc, argv);
	st_watermark_check(&c.o);
	int rc = st_watermark_run(&c.o, &c.common);
	st_evtime_release(&c.o.time);
	return rc;
}
