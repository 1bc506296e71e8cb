/* st-join - join a stream with a static table or with another stream.
 * See st-join(1). */
#include <string.h>

#include "err.h"
#include "op/join.h"
#include "opts.h"

typedef struct cli {
	st_common common;
	st_join_opts o;
} cli;

static void
opt_type(void *field, const char *arg, const st_option *opt)
{
	int t = st_join_type_parse(arg);

	(void)opt;
	if (t < 0)
		st_usage_error("invalid join type '%s' for --type (inner, "
		    "left, right, full, left_semi, left_anti)", arg);
	*(st_join_type *)field = t;
}

static const st_option options[] = {
	ST_OPT_STRING(0, "static", "FILE", cli, o.static_spec,
	    "the static side: CSV, JSON lines or FILE:TABLE\n"
	    "of a SQLite database (reloaded when it changes)"),
	ST_OPT_STRING(0, "static-format", "F", cli, o.static_format,
	    "csv, json or sqlite (default: from the name)"),
	ST_OPT_STRING(0, "static-schema", "DDL", cli, o.static_schema,
	    "cast the static rows to a schema"),
	ST_OPT_STRING(0, "left", "NAME", cli, o.left,
	    "the source of the left stream"),
	ST_OPT_STRING(0, "right", "NAME", cli, o.right,
	    "the source of the right stream"),
	ST_OPT_STRING(0, "on", "CONDITION", cli, o.on,
	    "KEY[,KEY...] or 'ImpressionID = ClickID'"),
	ST_OPT_STRING(0, "within", "CONDITION", cli, o.within,
	    "the time bound: 'ClickTime BETWEEN ImpressionTime\n"
	    "AND ImpressionTime + INTERVAL 15 MINUTES'"),
	ST_OPT_CALL(0, "type", "TYPE", cli, o.type, opt_type,
	    "inner (default), left, right, full, left_semi,\n"
	    "left_anti"),
	ST_OPT_NAMES(0, "drop-left", "COLS", cli, o.drop_left, "column names",
	    "drop these left columns from the output"),
	ST_OPT_NAMES(0, "drop-right", "COLS", cli, o.drop_right, "column names",
	    "drop these right columns from the output"),
	ST_OPT_STRING(0, "right-prefix", "P", cli, o.right_prefix,
	    "prefix of right columns whose name the left\n"
	    "has (default: right_)"),
	ST_OPT_NAMES(0, "left-columns", "COLS", cli, o.left_columns,
	    "column names", "the left columns of a null-extended row"),
	ST_OPT_NAMES(0, "right-columns", "COLS", cli, o.right_columns,
	    "column names", "the right columns of a null-extended row"),
	ST_OPT_GROUP(st_late_options, cli, o.late_output),
	ST_OPT_GROUP(st_common_options, cli, common),
	ST_OPT_END
};

static const st_opt_tool tool = {
	"usage: st-join --static file --on keys [--type type] [join options]\n"
	"       [common options]\n"
	"       st-join --left name --right name --on condition\n"
	"       [--within condition] [--type type] [join options] [common options]\n",
	options, 0
};

int
main(int argc, char **argv)
{
	cli c;

	memset(&c, 0, sizeof c);
	st_common_init(&c.common, argv[0]);
	st_opt_no_operands(st_opt_parse(&tool, &c, argc, argv), argc, argv);
	int rc = st_join_run(&c.o, &c.common);
	st_strv_free(c.o.drop_left);
	st_strv_free(c.o.drop_right);
	st_strv_free(c.o.left_columns);
	st_strv_free(c.o.right_columns);
	return rc;
}
