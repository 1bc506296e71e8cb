/* cli.c - st-read's command line and the sources it builds; see cli.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "err.h"
#include "datetime.h"

/* The names of --format and --clean-source, and what each means. */
static const char *const format_names[] = {
	"json", "csv", "text", "avro", "kafka", "socket", "rate", NULL
};
static const st_file_format format_of[] = {
	ST_FMT_JSON, ST_FMT_CSV, ST_FMT_TEXT, ST_FMT_AVRO, ST_FMT_JSON,
	ST_FMT_TEXT, ST_FMT_JSON
};
static const char *const clean_names[] = { "off", "delete", "archive", NULL };
static const st_clean_source clean_of[] = {
	ST_CLEAN_OFF, ST_CLEAN_DELETE, ST_CLEAN_ARCHIVE
};
static const char *const bool_names[] = { "false", "true", NULL };
static const char *const binary_names[] = { "text", "base64", NULL };

static void
opt_format(void *field, const char *arg, const st_option *opt)
{
	st_read_cli *c = field;
	size_t i = st_opt_choice("format", st_opt_name(opt), arg,
	    format_names);

	c->fo.format = format_of[i];
	c->kafka = strcmp(format_names[i], "kafka") == 0;
	c->socket = strcmp(format_names[i], "socket") == 0;
	c->rate = strcmp(format_names[i], "rate") == 0;
}

/* --delimiter, --quote: one character, or \t (tab). */
static void
opt_char(void *field, const char *arg, const st_option *opt)
{
	if (strcmp(arg, "\\t") == 0 || strcasecmp(arg, "tab") == 0) {
		*(char *)field = '\t';
		return;
	}
	if (strlen(arg) != 1)
		st_usage_error("invalid character '%s' for %s (one character)",
		    arg, st_opt_name(opt));
	*(char *)field = arg[0];
}

static void
opt_trigger(void *field, const char *arg, const st_option *opt)
{
	st_read_opts *o = field;

	if (st_trigger_parse(arg, &o->trigger, &o->interval) < 0)
		st_usage_error("invalid trigger '%s' for %s (default, once, "
		    "available-now, continuous[=INTERVAL] or an interval like "
		    "'5 seconds')", arg, st_opt_name(opt));
}

/* --source NAME=PATH: one more named source. */
static void
opt_named(void *field, const char *arg, const st_option *opt)
{
	st_read_cli *c = field;
	const char *eq = strchr(arg, '=');

	(void)opt;
	if (eq == NULL || eq == arg || eq[1] == '\0')
		st_usage_error("invalid source '%s' for --source (NAME=PATH)",
		    arg);
	c->nv = st_realloc(c->nv, (c->nn + 1) * sizeof *c->nv);
	st_read_named *n = &c->nv[c->nn];
	n->name = st_strndup(arg, eq - arg);
	n->paths[0] = (char *)eq + 1;
	n->paths[1] = NULL;
	for (size_t i = 0; i < c->nn; i++)
		if (strcmp(c->nv[i].name, n->name) == 0)
			st_usage_error("duplicate source '%s' for --source",
			    n->name);
	if (strchr(n->name, '/') || n->name[0] == '.' ||
	    strcmp(n->name, "default") == 0)
		st_usage_error("invalid source name '%s' for --source",
		    n->name);
	c->nn++;
}

static void
opt_clean(void *field, const char *arg, const st_option *opt)
{
	*(st_clean_source *)field = clean_of[st_opt_choice("mode",
	    st_opt_name(opt), arg, clean_names)];
}

/* --assign: Spark's {"t":[0,1]}, or t:0,1 (repeat for more topics). */
static void
opt_assign(void *field, const char *arg, const st_option *opt)
{
	st_kafka_source_opts *k = field;

	(void)opt;
	if (k->assign == NULL)
		k->assign = json_object();
	if (arg[0] == '{') {
		json_t *v = json_loads(arg, 0, NULL);
		const char *t;
		json_t *ps;
		if (!json_is_object(v) || json_object_size(v) == 0)
			goto bad;
		json_object_foreach(v, t, ps) {
			size_t i;
			json_t *p;
			if (!json_is_array(ps) || json_array_size(ps) == 0)
				goto bad;
			json_array_foreach(ps, i, p)
				if (!json_is_integer(p) ||
				    json_integer_value(p) < 0)
					goto bad;
		}
		json_object_update(k->assign, v);
		json_decref(v);
		return;
	}
	const char *colon = strrchr(arg, ':');
	if (colon == NULL || colon == arg || colon[1] == '\0')
		goto bad;
	char *t = st_strndup(arg, colon - arg);
	json_t *ps = json_array();
	char **v = st_split_list(colon + 1);
	for (char **p = v; *p; p++) {
		char *end;
		long n = strtol(*p, &end, 10);
		if (*end || end == *p || n < 0)
			goto bad;
		json_array_append_new(ps, json_integer(n));
	}
	st_strv_free(v);
	json_object_set_new(k->assign, t, ps);
	free(t);
	return;
bad:
	st_usage_error("invalid partitions '%s' for --assign "
	    "('{\"t\":[0,1]}' or t:0,1)", arg);
}

static void
opt_ending(void *field, const char *arg, const st_option *opt)
{
	(void)opt;
	if (strcmp(arg, "earliest") == 0)
		st_usage_error("--ending-offsets cannot be earliest");
	*(const char **)field = arg;
}

static void
opt_binary(void *field, const char *arg, const st_option *opt)
{
	*(st_kafka_binary *)field = st_opt_choice("mode", st_opt_name(opt),
	    arg, binary_names) ? ST_KAFKA_BINARY_BASE64 : ST_KAFKA_BINARY_TEXT;
}

static void
opt_port(void *field, const char *arg, const st_option *opt)
{
	int64_t n = st_opt_count(st_opt_name(opt), arg);

	if (n < 1 || n > 65535)
		st_usage_error("invalid port '%s' for --port (1 to 65535)", arg);
	*(const char **)field = arg;
}

static void
opt_ramp(void *field, const char *arg, const st_option *opt)
{
	int64_t d = st_opt_duration(st_opt_name(opt), arg);

	if (d % ST_USEC_PER_SEC != 0)
		st_usage_error("invalid duration '%s' for --ramp-up-time "
		    "(whole seconds)", arg);
	*(int64_t *)field = d / ST_USEC_PER_SEC;
}

static const st_option kafka_options[] = {
	ST_OPT_TEXT(NULL, "Kafka (--format kafka):"),
	ST_OPT_GROUP(st_kafka_conf_options, st_read_cli, ko.conf),
	ST_OPT_NAMES(0, "subscribe", "T[,T]", st_read_cli, ko.subscribe,
	    "topics", "read these topics"),
	ST_OPT_STRING(0, "subscribe-pattern", "RE", st_read_cli, ko.pattern,
	    "read the topics matching RE (POSIX extended)"),
	ST_OPT_CALL(0, "assign", "A", st_read_cli, ko, opt_assign,
	    "read these partitions: '{\"t\":[0,1]}' or t:0,1"),
	ST_OPT_STRING(0, "starting-offsets", "O", st_read_cli, ko.starting,
	    "earliest, latest (default) or JSON, when the\n"
	    "checkpoint has no offsets yet"),
	ST_OPT_CALL(0, "ending-offsets", "O", st_read_cli, ko.ending,
	    opt_ending, "stop there: latest or JSON (a bounded read)"),
	ST_OPT_INT64(0, "max-offsets-per-trigger", "N", st_read_cli,
	    o.limits.max_records, 1, "at most N records per batch"),
	ST_OPT_CHOICE(0, "fail-on-data-loss", "B", st_read_cli,
	    ko.fail_on_data_loss, bool_names, "value",
	    "true (default): exit 1 when offsets are gone;\n"
	    "false: warn and skip them"),
	ST_OPT_FLAG(0, "include-headers", st_read_cli, ko.include_headers, 1,
	    "add the headers column"),
	ST_OPT_CALL(0, "binary", "MODE", st_read_cli, ko.binary, opt_binary,
	    "text (default: non-UTF-8 is malformed) or base64"),
	ST_OPT_STRING(0, "group-id", "ID", st_read_cli, ko.group_id,
	    "commit offsets to group ID (monitoring only)"),
	ST_OPT_END
};

/* The rate source's options, on st_rate_opts. */
static const st_option rate_options[] = {
	ST_OPT_INT64(0, "rows-per-second", "N", st_rate_opts,
	    rows_per_second, 1, "rate: rows a second (default 1)"),
	ST_OPT_CALL(0, "ramp-up-time", "DUR", st_rate_opts, ramp_up_seconds,
	    opt_ramp, "rate: reach that rate over DUR (whole seconds)"),
	ST_OPT_INT64(0, "num-partitions", "K", st_rate_opts, partitions, 1,
	    "rate: the order of a batch's rows, as K partitions"),
	ST_OPT_END
};

static const st_option options[] = {
	ST_OPT_CALL_ALL('f', "format", "FMT", opt_format,
	    "json (default), csv, text, avro (Avro object\n"
	    "container files, each read whole), kafka,\n"
	    "socket or rate"),
	ST_OPT_STRING('s', "schema", "DDL", st_read_cli, ddl,
	    "typed columns: 'a STRING, b BIGINT, c DOUBLE'"),
	ST_OPT_FLAG(0, "infer-schema", st_read_cli, infer, 1,
	    "CSV: infer the column types from the data"),
	ST_OPT_FLAG(0, "header", st_read_cli, fo.header, 1,
	    "CSV: the first line of each file names the columns"),
	ST_OPT_CALL(0, "delimiter", "C", st_read_cli, fo.delimiter, opt_char,
	    "CSV field delimiter (default ',')"),
	ST_OPT_CALL(0, "quote", "C", st_read_cli, fo.quote, opt_char,
	    "CSV quote character (default '\"')"),
	ST_OPT_CALL('t', "trigger", "T", st_read_cli, o, opt_trigger,
	    "default, once, available-now, an interval ('5 seconds')\n"
	    "or continuous[=INTERVAL] (epochs of 1s by default)"),
	ST_OPT_INT64(0, "max-files-per-trigger", "N", st_read_cli, o.limits.max_files, 1,
	    "at most N files per batch"),
	ST_OPT_SIZE(0, "max-bytes-per-trigger", "SIZE", st_read_cli, o.limits.max_bytes,
	    1, "at most SIZE bytes per batch (split at lines)"),
	ST_OPT_CALL_ALL(0, "source", "NAME=PATH", opt_named,
	    "a named source (repeat for several)"),
	ST_OPT_CALL(0, "clean-source", "MODE", st_read_cli, fo.clean, opt_clean,
	    "off (default), delete or archive committed files"),
	ST_OPT_STRING(0, "archive-dir", "DIR", st_read_cli, fo.archive_dir,
	    "where --clean-source archive moves files"),
	ST_OPT_DURATION(0, "poll-interval", "DUR", st_read_cli, o.poll,
	    "how often to look for new data (default 100ms)"),
	ST_OPT_FLAG(0, "wait", st_read_cli, o.wait_lock, 1,
	    "wait for a running pipeline instead of exiting"),
	ST_OPT_FLAG(0, "wait-for-path", st_read_cli, fo.wait_for_path, 1,
	    "wait for a path that does not exist yet instead\n"
	    "of failing"),
	ST_OPT_FLAG(0, "commit-on-emit", st_read_cli, o.commit_on_emit, 1,
	    "no checkpointing sink downstream: a batch is done\n"
	    "once emitted (at-least-once for the last one)"),
	ST_OPT_INCLUDE(kafka_options),
	ST_OPT_TEXT(NULL, "Socket (--format socket) and rate (--format rate):"),
	ST_OPT_STRING(0, "host", "HOST", st_read_cli, host,
	    "socket: the server to connect to"),
	ST_OPT_CALL(0, "port", "PORT", st_read_cli, port, opt_port, "socket: its port"),
	ST_OPT_GROUP_SEEN(rate_options, st_read_cli, ro, rate_opt),
	ST_OPT_GROUP(st_common_options, st_read_cli, common),
	ST_OPT_END
};

const st_opt_tool st_read_tool = {
	"usage: st-read [options] path ...\n"
	"       st-read [options] --source name=path ...\n"
	"       st-read [options] -\n"
	"       st-read --format kafka --bootstrap-servers servers --subscribe topics [options]\n"
	"       st-read [options] --format socket --host host --port port\n"
	"       st-read [options] --format rate [--rows-per-second n]\n"
	"               [--ramp-up-time duration] [--num-partitions k]\n",
	options, 30
};

void
st_read_cli_init(st_read_cli *c, const char *argv0)
{
	memset(c, 0, sizeof *c);
	st_common_init(&c->common, argv0);
	c->o.common = &c->common;
	c->o.poll = 100000;
	c->fo.delimiter = ',';
	c->fo.quote = '"';
	st_kafka_conf_init(&c->ko.conf);
	c->ko.fail_on_data_loss = 1;
	c->ro.rows_per_second = 1;
	c->ro.partitions = 1;
}

/* The Kafka options make sense only with --format kafka, and it needs
 * brokers and exactly one way to name the partitions. */
static void
check_kafka(st_read_cli *c, int argc)
{
	st_kafka_source_opts *k = &c->ko;
	int ways = !!k->subscribe + !!k->pattern + !!k->assign;

	if (!c->kafka) {
		if (ways || k->starting || k->ending || k->include_headers ||
		    k->group_id || k->conf.n || !k->fail_on_data_loss ||
		    k->binary || c->o.limits.max_records)
			st_usage_error("the Kafka options need --format kafka");
		return;
	}
	if (argc > 0 || c->nn > 0)
		st_usage_error("--format kafka reads topics, not paths");
	if (st_kafka_conf_get(&k->conf, "bootstrap.servers") == NULL)
		st_usage_error("--format kafka needs --bootstrap-servers");
	if (ways != 1)
		st_usage_error("--format kafka needs one of --subscribe, "
		    "--subscribe-pattern and --assign");
	if (c->ddl || c->infer || c->fo.header || c->fo.clean ||
	    c->o.limits.max_files || c->o.limits.max_bytes)
		st_usage_error("--format kafka has Spark's Kafka columns: no "
		    "--schema, --infer-schema, --header, --clean-source or "
		    "file limits (parse value with from_json in st-select)");
	if (k->starting == NULL)
		k->starting = "latest";	/* Spark's default for streams */
	k->ckpt = c->common.checkpoint;
	/* Offsets are committed to the group once a batch is done. */
	if (k->group_id)
		c->o.clean = 1;
}

/* --format socket and rate: no paths, a fixed schema, their options
 * only with them. */
static void
check_socket_rate(st_read_cli *c, int argc)
{
	const char *f = c->socket ? "socket" : "rate";

	if (c->socket || c->rate) {
		if (argc > 0 || c->nn > 0)
			st_usage_error("--format %s reads no paths", f);
		if (c->ddl || c->infer)
			st_usage_error("--format %s has a fixed schema", f);
		if (c->fo.clean != ST_CLEAN_OFF)
			st_usage_error("--clean-source needs files");
	}
	if (c->socket && (c->host == NULL || c->port == NULL))
		st_usage_error("--format socket needs --host and --port");
	if (!c->socket && (c->host || c->port))
		st_usage_error("--host and --port are for --format socket");
	if (!c->rate && c->rate_opt)
		st_usage_error("--rows-per-second, --ramp-up-time and "
		    "--num-partitions are for --format rate");
}

/* The socket or rate source, or NULL after printing why. */
static st_source *
socket_rate_source(st_read_cli *c)
{
	c->ro.continuous = c->o.trigger == ST_TRIGGER_CONTINUOUS;
	if (c->rate)
		return st_rate_source_new(NULL, &c->ro);
	return st_socket_source_new(NULL, c->host, c->port, &c->fo,
	    c->o.trigger == ST_TRIGGER_ONCE ||
	    c->o.trigger == ST_TRIGGER_AVAILABLE_NOW);
}

int
st_read_cli_run(st_read_cli *c, int argc, char **argv)
{
	st_file_opts *fo = &c->fo;
	st_read_opts *o = &c->o;
	char *inferred = NULL;

	fo->poll = o->poll;
	check_kafka(c, argc);
	check_socket_rate(c, argc);
	if (c->socket || c->rate) {
		st_source *one = socket_rate_source(c);
		if (one == NULL)
			return ST_EXIT_DATA;
		o->nsources = 1;
		o->sources = &one;
		int rc = st_read_run(o);
		st_source_free(one);
		st_kafka_conf_release(&c->ko.conf);
		return rc;
	}
	if (!c->kafka && argc == 0 && c->nn == 0)
		st_usage_error("no input: give paths, --source NAME=PATH or -");
	if (argc > 0 && c->nn > 0)
		st_usage_error("give either paths or --source, not both");
	if (fo->clean == ST_CLEAN_ARCHIVE && fo->archive_dir == NULL)
		st_usage_error("--clean-source archive needs --archive-dir");
	if (fo->archive_dir && fo->clean != ST_CLEAN_ARCHIVE)
		st_usage_error("--archive-dir needs --clean-source archive");
	int use_stdin = argc == 1 && strcmp(argv[0], "-") == 0;
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0 && !use_stdin)
			st_usage_error("'-' (standard input) must be the only "
			    "input");
	if (use_stdin && fo->format == ST_FMT_AVRO)
		st_usage_error("--format avro needs files, not standard input");
	if (c->ddl && fo->format == ST_FMT_AVRO)
		st_usage_error("--schema is not for --format avro: Avro files "
		    "carry their schema");
	if (use_stdin && fo->clean != ST_CLEAN_OFF)
		st_usage_error("--clean-source needs files, not standard "
		    "input");
	if (c->infer) {
		if (c->ddl)
			st_usage_error("give --schema or --infer-schema, not "
			    "both");
		if (fo->format != ST_FMT_CSV || use_stdin)
			st_usage_error("--infer-schema is for CSV files");
		char *const *one_list[] = { argv };
		char *const **lists = one_list;
		size_t nlists = 1;
		if (c->nn > 0) {
			lists = st_malloc(c->nn * sizeof *lists);
			for (size_t i = 0; i < c->nn; i++)
				lists[i] = c->nv[i].paths;
			nlists = c->nn;
		}
		inferred = st_csv_infer_schema((char *const *const *)lists,
		    nlists, fo, 10000, c->common.checkpoint,
		    o->trigger == ST_TRIGGER_DEFAULT ||
		    o->trigger == ST_TRIGGER_INTERVAL ? o->poll : 0);
		if (c->nn > 0)
			free((void *)lists);
		if (inferred == NULL)
			return ST_EXIT_DATA;
		c->ddl = inferred;
	}
	if (c->ddl) {
		st_schema_error se;
		fo->schema = st_schema_parse(c->ddl, &se);
		if (fo->schema == NULL)
			st_usage_error("invalid schema '%s': %s at column %zu",
			    c->ddl, se.msg, se.col);
	}
	if (fo->clean != ST_CLEAN_OFF)
		o->clean = 1;

	st_source *one;
	if (c->nn > 0) {
		o->nsources = c->nn;
		o->sources = st_malloc(c->nn * sizeof *o->sources);
		for (size_t i = 0; i < c->nn; i++)
			o->sources[i] = st_file_source_new(c->nv[i].name,
			    c->nv[i].paths, fo);
	} else {
		if (c->kafka)
			one = st_kafka_source_new(NULL, &c->ko);
		else if (use_stdin)
			one = st_stdin_source_new(NULL, fo,
			    o->trigger == ST_TRIGGER_ONCE ||
			    o->trigger == ST_TRIGGER_AVAILABLE_NOW);
		else
			one = st_file_source_new(NULL, argv, fo);
		o->nsources = 1;
		o->sources = &one;
	}

	int rc = st_read_run(o);

	for (size_t i = 0; i < o->nsources; i++)
		st_source_free(o->sources[i]);
	if (c->nn > 0)
		free(o->sources);
	for (size_t i = 0; i < c->nn; i++)
		free(c->nv[i].name);
	free(c->nv);
	st_schema_free(fo->schema);
	free(inferred);
	st_kafka_conf_release(&c->ko.conf);
	st_strv_free(c->ko.subscribe);
	json_decref(c->ko.assign);
	return rc;
}
