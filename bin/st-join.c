/* st-join - join a stream with a static table or with another stream.
 * See st-join(1). */
#include <getopt.h>
#include <string.h>

#include "err.h"
#include "op/join.h"
#include "opts.h"

static const char usage_text[] =
"usage: st-join --static file --on keys [--type type] [join options]\n"
"       [common options]\n"
"       st-join --left name --right name --on condition\n"
"       [--within condition] [--type type] [join options] [common options]\n"
"\n"
"      --static FILE       the static side: CSV, JSON lines or FILE:TABLE\n"
"                          of a SQLite database (reloaded when it changes)\n"
"      --static-format F   csv, json or sqlite (default: from the name)\n"
"      --static-schema DDL cast the static rows to a schema\n"
"      --left NAME         the source of the left stream\n"
"      --right NAME        the source of the right stream\n"
"      --on CONDITION      KEY[,KEY...] or 'ImpressionID = ClickID'\n"
"      --within CONDITION  the time bound: 'ClickTime BETWEEN ImpressionTime\n"
"                          AND ImpressionTime + INTERVAL 15 MINUTES'\n"
"      --type TYPE         inner (default), left, right, full, left_semi,\n"
"                          left_anti\n"
"      --drop-left COLS    drop these left columns from the output\n"
"      --drop-right COLS   drop these right columns from the output\n"
"      --right-prefix P    prefix of right columns whose name the left\n"
"                          has (default: right_)\n"
"      --left-columns COLS the left columns of a null-extended row\n"
"      --right-columns COLS\n"
"                          the right columns of a null-extended row\n"
"      --late-output FILE  append rows dropped as late to FILE\n"
ST_COMMON_HELP;

enum {
	OPT_STATIC = ST_OPT_TOOL_BASE, OPT_STATIC_FORMAT, OPT_STATIC_SCHEMA,
	OPT_LEFT, OPT_RIGHT, OPT_ON, OPT_WITHIN, OPT_TYPE, OPT_DROP_LEFT,
	OPT_DROP_RIGHT, OPT_RIGHT_PREFIX, OPT_LEFT_COLUMNS, OPT_RIGHT_COLUMNS
};

static const struct option longopts[] = {
	{ "static", required_argument, NULL, OPT_STATIC },
	{ "static-format", required_argument, NULL, OPT_STATIC_FORMAT },
	{ "static-schema", required_argument, NULL, OPT_STATIC_SCHEMA },
	{ "left", required_argument, NULL, OPT_LEFT },
	{ "right", required_argument, NULL, OPT_RIGHT },
	{ "on", required_argument, NULL, OPT_ON },
	{ "within", required_argument, NULL, OPT_WITHIN },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "drop-left", required_argument, NULL, OPT_DROP_LEFT },
	{ "drop-right", required_argument, NULL, OPT_DROP_RIGHT },
	{ "right-prefix", required_argument, NULL, OPT_RIGHT_PREFIX },
	{ "left-columns", required_argument, NULL, OPT_LEFT_COLUMNS },
	{ "right-columns", required_argument, NULL, OPT_RIGHT_COLUMNS },
	ST_LATE_LONGOPTS,
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/* A column list option: comma-separated, at least one name. */
static char **
columns(const char *opt, const char *arg)
{
	char **v = st_split_list(arg);

	if (v[0] == NULL)
		st_usage_error("no column names in '%s' for %s", arg, opt);
	return v;
}

int
main(int argc, char **argv)
{
	st_common common;
	st_join_opts o;
	int c, t;

	memset(&o, 0, sizeof o);
	st_common_init(&common, argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (st_common_option(&common, c, optarg, usage_text))
			continue;
		switch (c) {
		case OPT_STATIC:
			o.static_spec = optarg;
			break;
		case OPT_STATIC_FORMAT:
			o.static_format = optarg;
			break;
		case OPT_STATIC_SCHEMA:
			o.static_schema = optarg;
			break;
		case OPT_LEFT:
			o.left = optarg;
			break;
		case OPT_RIGHT:
			o.right = optarg;
			break;
		case OPT_ON:
			o.on = optarg;
			break;
		case OPT_WITHIN:
			o.within = optarg;
			break;
		case OPT_TYPE:
			if ((t = st_join_type_parse(optarg)) < 0)
				st_usage_error("invalid join type '%s' for "
				    "--type (inner, left, right, full, "
				    "left_semi, left_anti)", optarg);
			o.type = t;
			break;
		case OPT_DROP_LEFT:
			st_strv_free(o.drop_left);
			o.drop_left = columns("--drop-left", optarg);
			break;
		case OPT_DROP_RIGHT:
			st_strv_free(o.drop_right);
			o.drop_right = columns("--drop-right", optarg);
			break;
		case OPT_RIGHT_PREFIX:
			o.right_prefix = optarg;
			break;
		case OPT_LEFT_COLUMNS:
			st_strv_free(o.left_columns);
			o.left_columns = columns("--left-columns", optarg);
			break;
		case OPT_RIGHT_COLUMNS:
			st_strv_free(o.right_columns);
			o.right_columns = columns("--right-columns", optarg);
			break;
		case ST_OPT_LATE_OUTPUT:
			o.late_output = optarg;
			break;
		default:
			st_opt_error(c, argv);
		}
	}
	st_opt_no_operands(argc, argv);
	int rc = st_join_run(&o, &common);
	st_strv_free(o.drop_left);
	st_strv_free(o.drop_right);
	st_strv_free(o.left_columns);
	st_strv_free(o.right_columns);
	return rc;
}
