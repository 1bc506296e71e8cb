/* cli.c - st-read's command line and the sources it builds; see cli.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "err.h"
#include "datetime.h"

const char st_read_usage[] =
"usage: st-read [options] path ...\n"
"       st-read [options] --source name=path ...\n"
"       st-read [options] -\n"
"       st-read --format kafka --bootstrap-servers servers --subscribe topics [options]\n"
"       st-read [options] --format socket --host host --port port\n"
"       st-read [options] --format rate [--rows-per-second n]\n"
"               [--ramp-up-time duration] [--num-partitions k]\n"
"\n"
"  -f, --format FMT            json (default), csv, text, avro (Avro object\n"
"                              container files, each read whole), kafka,\n"
"                              socket or rate\n"
"  -s, --schema DDL            typed columns: 'a STRING, b BIGINT, c DOUBLE'\n"
"      --infer-schema          CSV: infer the column types from the data\n"
"      --header                CSV: the first line of each file names the columns\n"
"      --delimiter C           CSV field delimiter (default ',')\n"
"      --quote C               CSV quote character (default '\"')\n"
"  -t, --trigger T             default, once, available-now, an interval ('5 seconds')\n"
"                              or continuous[=INTERVAL] (epochs of 1s by default)\n"
"      --max-files-per-trigger N   at most N files per batch\n"
"      --max-bytes-per-trigger SIZE  at most SIZE bytes per batch (split at lines)\n"
"      --source NAME=PATH      a named source (repeat for several)\n"
"      --clean-source MODE     off (default), delete or archive committed files\n"
"      --archive-dir DIR       where --clean-source archive moves files\n"
"      --poll-interval DUR     how often to look for new data (default 100ms)\n"
"      --wait                  wait for a running pipeline instead of exiting\n"
"      --wait-for-path         wait for a path that does not exist yet instead\n"
"                              of failing\n"
"      --commit-on-emit        no checkpointing sink downstream: a batch is done\n"
"                              once emitted (at-least-once for the last one)\n"
"Kafka (--format kafka):\n"
"      --bootstrap-servers H:P[,H:P]  the brokers to start from\n"
"      --subscribe T[,T]       read these topics\n"
"      --subscribe-pattern RE  read the topics matching RE (POSIX extended)\n"
"      --assign A              read these partitions: '{\"t\":[0,1]}' or t:0,1\n"
"      --starting-offsets O    earliest, latest (default) or JSON, when the\n"
"                              checkpoint has no offsets yet\n"
"      --ending-offsets O      stop there: latest or JSON (a bounded read)\n"
"      --max-offsets-per-trigger N  at most N records per batch\n"
"      --fail-on-data-loss B   true (default): exit 1 when offsets are gone;\n"
"                              false: warn and skip them\n"
"      --include-headers       add the headers column\n"
"      --binary MODE           text (default: non-UTF-8 is malformed) or base64\n"
"      --group-id ID           commit offsets to group ID (monitoring only)\n"
"  -X KEY=VALUE                a librdkafka property (value ${env:V}, ${file:F})\n"
"      --kafka-config FILE     librdkafka properties, one key=value a line\n"
"Socket (--format socket) and rate (--format rate):\n"
"      --host HOST             socket: the server to connect to\n"
"      --port PORT             socket: its port\n"
"      --rows-per-second N     rate: rows a second (default 1)\n"
"      --ramp-up-time DUR      rate: reach that rate over DUR (whole seconds)\n"
"      --num-partitions K      rate: the order of a batch's rows, as K partitions\n"
ST_COMMON_HELP;

enum {
	OPT_HEADER = ST_OPT_TOOL_BASE,
	OPT_DELIM,
	OPT_QUOTE,
	OPT_MAX_FILES,
	OPT_MAX_BYTES,
	OPT_SOURCE,
	OPT_CLEAN,
	OPT_ARCHIVE,
	OPT_POLL,
	OPT_WAIT,
	OPT_WAIT_PATH,
	OPT_COMMIT_ON_EMIT,
	OPT_INFER,
	OPT_BOOTSTRAP,
	OPT_SUBSCRIBE,
	OPT_PATTERN,
	OPT_ASSIGN,
	OPT_STARTING,
	OPT_ENDING,
	OPT_MAX_OFFSETS,
	OPT_DATA_LOSS,
	OPT_HEADERS,
	OPT_BINARY,
	OPT_GROUP,
	OPT_KAFKA_CONFIG,
	OPT_HOST,
	OPT_PORT,
	OPT_RPS,
	OPT_RAMP,
	OPT_PARTS
};

const struct option st_read_longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "schema", required_argument, NULL, 's' },
	{ "infer-schema", no_argument, NULL, OPT_INFER },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ "delimiter", required_argument, NULL, OPT_DELIM },
	{ "quote", required_argument, NULL, OPT_QUOTE },
	{ "trigger", required_argument, NULL, 't' },
	{ "max-files-per-trigger", required_argument, NULL, OPT_MAX_FILES },
	{ "max-bytes-per-trigger", required_argument, NULL, OPT_MAX_BYTES },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "clean-source", required_argument, NULL, OPT_CLEAN },
	{ "archive-dir", required_argument, NULL, OPT_ARCHIVE },
	{ "poll-interval", required_argument, NULL, OPT_POLL },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "wait-for-path", no_argument, NULL, OPT_WAIT_PATH },
	{ "commit-on-emit", no_argument, NULL, OPT_COMMIT_ON_EMIT },
	{ "bootstrap-servers", required_argument, NULL, OPT_BOOTSTRAP },
	{ "subscribe", required_argument, NULL, OPT_SUBSCRIBE },
	{ "subscribe-pattern", required_argument, NULL, OPT_PATTERN },
	{ "assign", required_argument, NULL, OPT_ASSIGN },
	{ "starting-offsets", required_argument, NULL, OPT_STARTING },
	{ "ending-offsets", required_argument, NULL, OPT_ENDING },
	{ "max-offsets-per-trigger", required_argument, NULL, OPT_MAX_OFFSETS },
	{ "fail-on-data-loss", required_argument, NULL, OPT_DATA_LOSS },
	{ "include-headers", no_argument, NULL, OPT_HEADERS },
	{ "binary", required_argument, NULL, OPT_BINARY },
	{ "group-id", required_argument, NULL, OPT_GROUP },
	{ "kafka-config", required_argument, NULL, OPT_KAFKA_CONFIG },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "rows-per-second", required_argument, NULL, OPT_RPS },
	{ "ramp-up-time", required_argument, NULL, OPT_RAMP },
	{ "num-partitions", required_argument, NULL, OPT_PARTS },
	ST_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

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

static char
one_char(const char *opt, const char *s)
{
	if (strcmp(s, "\\t") == 0 || strcasecmp(s, "tab") == 0)
		return '\t';
	if (strlen(s) != 1)
		st_usage_error("invalid character '%s' for %s (one character)",
		    s, opt);
	return s[0];
}

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

/* --assign: Spark's {"t":[0,1]}, or t:0,1 (repeat for more topics). */
static void
add_assign(st_read_cli *c, const char *arg)
{
	if (c->ko.assign == NULL)
		c->ko.assign = json_object();
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
		json_object_update(c->ko.assign, v);
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
	json_object_set_new(c->ko.assign, t, ps);
	free(t);
	return;
bad:
	st_usage_error("invalid partitions '%s' for --assign "
	    "('{\"t\":[0,1]}' or t:0,1)", arg);
}

int
st_read_cli_option(st_read_cli *c, int ch, const char *arg)
{
	if (st_common_option(&c->common, ch, arg, st_read_usage))
		return 1;
	switch (ch) {
	case 'f': {
		size_t i = st_opt_choice("format", "--format", arg,
		    format_names);
		c->fo.format = format_of[i];
		c->kafka = strcmp(format_names[i], "kafka") == 0;
		c->socket = strcmp(format_names[i], "socket") == 0;
		c->rate = strcmp(format_names[i], "rate") == 0;
		break;
	}
	case OPT_HOST:
		c->host = arg;
		break;
	case OPT_PORT:
		c->port = arg;
		if (st_opt_count("--port", arg) < 1 ||
		    st_opt_count("--port", arg) > 65535)
			st_usage_error("invalid port '%s' for --port (1 to "
			    "65535)", arg);
		break;
	case OPT_RPS:
		c->ro.rows_per_second = st_opt_count("--rows-per-second", arg);
		if (c->ro.rows_per_second < 1)
			st_usage_error("--rows-per-second must be at least 1");
		c->rate_opt = 1;
		break;
	case OPT_RAMP: {
		int64_t d = st_opt_duration("--ramp-up-time", arg);
		if (d % ST_USEC_PER_SEC != 0)
			st_usage_error("invalid duration '%s' for "
			    "--ramp-up-time (whole seconds)", arg);
		c->ro.ramp_up_seconds = d / ST_USEC_PER_SEC;
		c->rate_opt = 1;
		break;
	}
	case OPT_PARTS:
		c->ro.partitions = st_opt_count("--num-partitions", arg);
		if (c->ro.partitions < 1)
			st_usage_error("--num-partitions must be at least 1");
		c->rate_opt = 1;
		break;
	case 's':
		c->ddl = arg;
		break;
	case OPT_HEADER:
		c->fo.header = 1;
		break;
	case OPT_DELIM:
		c->fo.delimiter = one_char("--delimiter", arg);
		break;
	case OPT_QUOTE:
		c->fo.quote = one_char("--quote", arg);
		break;
	case 't':
		if (st_trigger_parse(arg, &c->o.trigger, &c->o.interval) < 0)
			st_usage_error("invalid trigger '%s' (once, "
			    "available-now, default or an interval "
			    "like '5 seconds')", arg);
		break;
	case OPT_MAX_FILES:
		c->o.limits.max_files = st_opt_count("--max-files-per-trigger",
		    arg);
		if (c->o.limits.max_files == 0)
			st_usage_error("--max-files-per-trigger must be at "
			    "least 1");
		break;
	case OPT_MAX_BYTES:
		c->o.limits.max_bytes = st_opt_size("--max-bytes-per-trigger",
		    arg);
		if (c->o.limits.max_bytes == 0)
			st_usage_error("--max-bytes-per-trigger must be at "
			    "least 1");
		break;
	case OPT_SOURCE: {
		const char *eq = strchr(arg, '=');
		if (eq == NULL || eq == arg || eq[1] == '\0')
			st_usage_error("invalid source '%s' for --source "
			    "(NAME=PATH)", arg);
		c->nv = st_realloc(c->nv, (c->nn + 1) * sizeof *c->nv);
		st_read_named *n = &c->nv[c->nn];
		n->name = st_strndup(arg, eq - arg);
		n->paths[0] = (char *)eq + 1;
		n->paths[1] = NULL;
		for (size_t i = 0; i < c->nn; i++)
			if (strcmp(c->nv[i].name, n->name) == 0)
				st_usage_error("duplicate source '%s'", n->name);
		if (strchr(n->name, '/') || n->name[0] == '.' ||
		    strcmp(n->name, "default") == 0)
			st_usage_error("invalid source name '%s'", n->name);
		c->nn++;
		break;
	}
	case OPT_CLEAN:
		c->fo.clean = clean_of[st_opt_choice("mode", "--clean-source",
		    arg, clean_names)];
		break;
	case OPT_ARCHIVE:
		c->fo.archive_dir = arg;
		break;
	case OPT_POLL:
		c->o.poll = st_opt_duration("--poll-interval", arg);
		break;
	case OPT_WAIT:
		c->o.wait_lock = 1;
		break;
	case OPT_WAIT_PATH:
		c->fo.wait_for_path = 1;
		break;
	case OPT_COMMIT_ON_EMIT:
		c->o.commit_on_emit = 1;
		break;
	case OPT_INFER:
		c->infer = 1;
		break;
	case OPT_BOOTSTRAP:
		st_kafka_conf_set(&c->ko.conf, "bootstrap.servers", arg);
		break;
	case OPT_SUBSCRIBE:
		st_strv_free(c->ko.subscribe);
		c->ko.subscribe = st_split_list(arg);
		if (c->ko.subscribe[0] == NULL)
			st_usage_error("--subscribe needs at least one topic");
		break;
	case OPT_PATTERN:
		c->ko.pattern = arg;
		break;
	case OPT_ASSIGN:
		add_assign(c, arg);
		break;
	case OPT_STARTING:
		c->ko.starting = arg;
		break;
	case OPT_ENDING:
		if (strcmp(arg, "earliest") == 0)
			st_usage_error("--ending-offsets cannot be earliest");
		c->ko.ending = arg;
		break;
	case OPT_MAX_OFFSETS:
		c->o.limits.max_records = st_opt_count(
		    "--max-offsets-per-trigger", arg);
		if (c->o.limits.max_records == 0)
			st_usage_error("--max-offsets-per-trigger must be at "
			    "least 1");
		break;
	case OPT_DATA_LOSS:
		c->ko.fail_on_data_loss = (int)st_opt_choice("value",
		    "--fail-on-data-loss", arg, bool_names);
		break;
	case OPT_HEADERS:
		c->ko.include_headers = 1;
		break;
	case OPT_BINARY:
		c->ko.binary = st_opt_choice("mode", "--binary", arg,
		    binary_names) ? ST_KAFKA_BINARY_BASE64 :
		    ST_KAFKA_BINARY_TEXT;
		break;
	case OPT_GROUP:
		c->ko.group_id = arg;
		break;
	case 'X':
		st_kafka_conf_option(&c->ko.conf, arg);
		break;
	case OPT_KAFKA_CONFIG:
		st_kafka_conf_file(&c->ko.conf, arg);
		break;
	default:
		return 0;
	}
	return 1;
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
