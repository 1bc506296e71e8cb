/* st-select - projection and computed columns with Spark SQL expressions,
 * explode() as flatMap. See st-select(1) and st-expr(7). */
#include <getopt.h>
#include <stdlib.h>

#include "buf.h"
#include "err.h"
#include "op/select.h"
#include "opts.h"

static const char usage_text[] =
"usage: st-select [-w name=expr]... [--source name] [options] [list]\n"
"\n"
"  list                    expression [[AS] name], ..., * or * EXCEPT (a, b)\n"
"  -w, --with NAME=EXPR    set column NAME to EXPR (withColumn), in place\n"
"                          or appended; repeatable, applied in order\n"
"      --source NAME       apply to the records of source NAME only; pass the\n"
"                          other sources' records through\n"
ST_COMMON_HELP;

enum { OPT_SOURCE = ST_OPT_TOOL_BASE };

static const struct option longopts[] = {
	{ "with", required_argument, NULL, 'w' },
	{ "source", required_argument, NULL, OPT_SOURCE },
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	st_common common;
	st_select_opts o = { NULL, NULL, 0, NULL };
	st_buf list = ST_BUF_INIT;
	int c, rc;

	st_common_init(&common, argv[0]);
	o.with = st_calloc((size_t)argc, sizeof *o.with);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:", longopts, NULL)) != -1) {
		if (st_common_option(&common, c, optarg, usage_text))
			continue;
		switch (c) {
		case 'w':
			o.with[o.nwith++] = optarg;
			break;
		case OPT_SOURCE:
			o.source = st_opt_source(o.source, optarg);
			break;
		default:
			st_opt_error(c, argv);
		}
	}
	/* Several arguments are one list, as select("gt", "model"). */
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			st_buf_puts(&list, ", ");
		st_buf_puts(&list, argv[i]);
	}
	if (optind == argc && o.nwith == 0)
		st_usage_error("missing select list or --with");
	o.list = optind < argc ? list.data : NULL;
	rc = st_select_run(&o, &common);
	st_buf_release(&list);
	free(o.with);
	return rc;
}
