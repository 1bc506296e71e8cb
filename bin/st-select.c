/* st-select - projection and computed columns with Spark SQL expressions,
 * explode() as flatMap. See st-select(1) and st-expr(7). */
#include <stdlib.h>

#include "buf.h"
#include "err.h"
#include "op/select.h"
#include "opts.h"

typedef struct cli {
	st_common common;
	st_select_opts o;
} cli;

/* -w NAME=EXPR: appended to o.with, sized for argc entries by main. */
static void
opt_with(void *field, const char *arg, const st_option *opt)
{
	st_select_opts *o = field;

	(void)opt;
	o->with[o->nwith++] = arg;
}

static const st_option options[] = {
	ST_OPT_TEXT("list", "expression [[AS] name], ..., * or * EXCEPT (a, b)"),
	ST_OPT_CALL('w', "with", "NAME=EXPR", cli, o, opt_with,
	    "set column NAME to EXPR (withColumn), in place\n"
	    "or appended; repeatable, applied in order"),
	ST_OPT_CALL(0, "source", "NAME", cli, o.source, st_opt_source,
	    "apply to the records of source NAME only; pass the\n"
	    "other sources' records through"),
	ST_OPT_GROUP(st_common_options, cli, common),
	ST_OPT_END
};

static const st_opt_tool tool = {
	"usage: st-select [-w name=expr]... [--source name] [options] [list]\n",
	options, 0
};

int
main(int argc, char **argv)
{
	cli c = { .o = { NULL, NULL, 0, NULL } };
	st_buf list = ST_BUF_INIT;

	st_common_init(&c.common, argv[0]);
	c.o.with = st_calloc((size_t)argc, sizeof *c.o.with);
	int i = st_opt_parse(&tool, &c, argc, argv);
	/* Several arguments are one list, as select("gt", "model"). */
	for (int j = i; j < argc; j++) {
		if (j > i)
			st_buf_puts(&list, ", ");
		st_buf_puts(&list, argv[j]);
	}
	if (i == argc && c.o.nwith == 0)
		st_usage_error("missing select list or --with");
	c.o.list = i < argc ? list.data : NULL;
	int rc = st_select_run(&c.o, &c.common);
	st_buf_release(&list);
	free(c.o.with);
	return rc;
}
