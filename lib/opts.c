/* opts.c - see opts.h. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdnoreturn.h>
#include <strings.h>

#include "buf.h"
#include "control.h"
#include "err.h"
#include "opts.h"
#include "datetime.h"
#include "suggest.h"

void
st_common_init(st_common *c, const char *argv0)
{
	st_setprogname(argv0);
	st_abort_init();
	memset(c, 0, sizeof *c);
	const char *env = getenv("ST_CHECKPOINT");
	if (env && *env)
		c->checkpoint = env;
	c->malformed = ST_MALFORMED_FAILFAST;
	c->keep_versions = 10;
}

/* ---- the common groups -------------------------------------------- */

static void
opt_name(void *field, const char *arg, const st_option *opt)
{
	(void)opt;
	if (*arg == '\0' || strchr(arg, '/') || arg[0] == '.')
		st_usage_error("invalid name '%s' for --name", arg);
	*(const char **)field = arg;
}

/* --malformed: one of these (drop, short for dropmalformed, not
 * listed). */
static const char *const malformed_names[] = {
	"failfast", "dropmalformed", "permissive", NULL
};
static const st_malformed malformed_of[] = {
	ST_MALFORMED_FAILFAST, ST_MALFORMED_DROP, ST_MALFORMED_PERMISSIVE
};

static void
opt_malformed(void *field, const char *arg, const st_option *opt)
{
	st_malformed *m = field;

	if (strcasecmp(arg, "drop") == 0)
		*m = ST_MALFORMED_DROP;
	else
		*m = malformed_of[st_opt_choice("mode", st_opt_name(opt), arg,
		    malformed_names)];
}

const st_option st_help_options[] = {
	{ ST_OPTK_HELP, 0, "help", NULL, "print this help and exit" },
	{ ST_OPTK_VERSION, 0, "version", NULL, "print the version and exit" },
	ST_OPT_END
};

const st_option st_common_options[] = {
	ST_OPT_STRING(0, "checkpoint", "DIR", st_common, checkpoint,
	    "keep state in DIR (default: $ST_CHECKPOINT)"),
	ST_OPT_CALL(0, "name", "NAME", st_common, name, opt_name,
	    "this tool's corner in the checkpoint"),
	ST_OPT_CALL(0, "malformed", "MODE", st_common, malformed,
	    opt_malformed, "failfast (default), dropmalformed, permissive"),
	ST_OPT_STRING(0, "dead-letter", "FILE", st_common, dead_letter,
	    "append dropped malformed lines to FILE"),
	ST_OPT_INT(0, "keep-versions", "N", st_common, keep_versions, 2,
	    "state versions kept in the checkpoint (10)"),
	ST_OPT_INCLUDE(st_help_options),
	ST_OPT_END
};

static void
opt_time(void *field, const char *arg, const st_option *opt)
{
	(void)opt;
	st_evtime_set(field, arg);
}

static void
opt_time_unit(void *field, const char *arg, const st_option *opt)
{
	(void)opt;
	st_evtime_unit(field, arg);
}

const st_option st_evtime_options[] = {
	ST_OPT_CALL_ALL('t', "time", "COL", opt_time,
	    "the event time column, or an expression"),
	ST_OPT_CALL_ALL(0, "time-unit", "UNIT", opt_time_unit,
	    "numbers in COL are s (default), ms or us"),
	ST_OPT_END
};

const st_option st_late_options[] = {
	{ ST_OPTK_STRING, 0, "late-output", "FILE",
	    "append rows too late for the watermark to FILE", 0 },
	ST_OPT_END
};

/* ---- the parser ------------------------------------------------------ */

/* A row of the flattened table: the row, its member's offset from the
 * parsed struct's start, and 1 + the offset of its group's seen flag. */
typedef struct flat_row {
	const st_option *o;
	size_t off, seen;
} flat_row;

typedef struct flat {
	flat_row *v;
	size_t n, cap;
} flat;

/* What st_opt_parse() builds from a table; static, so that what a usage
 * error's exit leaves allocated is still reachable (no leak reports). */
static struct parse_state {
	flat fl;
	struct option *longs;
	int *by_short;		/* short letter: 256 + its row's index */
	st_buf shorts;
	const char **cands;	/* unknown_long()'s candidates */
} ps;

static void
flatten(flat *f, const st_option *t, size_t base, size_t seen)
{
	for (; t->kind != ST_OPTK_END; t++) {
		if (t->kind == ST_OPTK_GROUP) {
			flatten(f, t->sub, base + t->off,
			    t->seen ? base + t->seen : seen);
			continue;
		}
		if (f->n == f->cap) {
			f->cap = f->cap ? 2 * f->cap : 32;
			f->v = st_realloc(f->v, f->cap * sizeof *f->v);
		}
		f->v[f->n++] = (flat_row){ t, base + t->off, seen };
	}
}

static int
is_option(const st_option *o)
{
	return o->kind != ST_OPTK_TEXT;
}

const char *
st_opt_name(const st_option *o)
{
	static char name[80];

	if (o->long_name)
		snprintf(name, sizeof name, "--%s", o->long_name);
	else
		snprintf(name, sizeof name, "-%c", o->short_name);
	return name;
}

/* Prints help text h from column col (the cursor there), continuation
 * lines indented to col. */
static void
put_help(FILE *f, const char *h, int col)
{
	for (;;) {
		const char *nl = strchr(h, '\n');
		if (nl == NULL) {
			fprintf(f, "%s\n", h);
			return;
		}
		fprintf(f, "%.*s\n%*s", (int)(nl - h), h, col, "");
		h = nl + 1;
	}
}

static void
usage_row(FILE *f, const st_option *o, int col)
{
	st_buf left = ST_BUF_INIT;

	if (o->kind == ST_OPTK_TEXT && o->long_name == NULL) {
		fprintf(f, "%s\n", o->help);
		return;
	}
	if (o->kind == ST_OPTK_TEXT)
		st_buf_printf(&left, "  %s", o->long_name);
	else if (o->short_name && o->long_name)
		st_buf_printf(&left, "  -%c, --%s", o->short_name,
		    o->long_name);
	else if (o->short_name)
		st_buf_printf(&left, "  -%c", o->short_name);
	else
		st_buf_printf(&left, "      --%s", o->long_name);
	if (o->argh && o->kind != ST_OPTK_TEXT)
		st_buf_printf(&left, o->flags & ST_OPTF_OPTARG ? "[=%s]" :
		    " %s", o->argh);
	int len = (int)left.len;
	const char *nl = strchr(o->help, '\n');
	int first = nl ? (int)(nl - o->help) : (int)strlen(o->help);
	if (len < col)
		fprintf(f, "%s%*s", left.data, col - len, "");
	else if (len + 2 + first <= 79)
		fprintf(f, "%s  ", left.data);
	else
		fprintf(f, "%s\n%*s", left.data, col, "");
	put_help(f, o->help, col);
	st_buf_release(&left);
}

void
st_opt_usage(const st_opt_tool *t, FILE *f)
{
	flat fl = { NULL, 0, 0 };

	flatten(&fl, t->options, 0, 0);
	fprintf(f, "%s\n", t->usage);
	for (size_t i = 0; i < fl.n; i++)
		usage_row(f, fl.v[i].o, t->column ? t->column : 26);
	free(fl.v);
}

/* --list-options: long name, short name, placeholder ([=ARG] when
 * optional), '-' for none. */
static noreturn void
list_options(const flat *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		const st_option *o = fl->v[i].o;
		if (!is_option(o))
			continue;
		printf("%s%s", o->long_name ? "--" : "",
		    o->long_name ? o->long_name : "-");
		if (o->short_name)
			printf(" -%c", o->short_name);
		else
			printf(" -");
		printf(o->flags & ST_OPTF_OPTARG ? " [=%s]\n" : " %s\n",
		    o->argh ? o->argh : "-");
	}
	exit(ST_EXIT_OK);
}

/* The usage error for an unknown long option: argv's word up to '=',
 * ambiguous when it begins several names, else the nearest name. */
static noreturn void
unknown_long(const flat *fl, const char *word)
{
	size_t len = strcspn(word + 2, "=");
	const char **cands = ps.cands = st_malloc((fl->n + 1) * sizeof *cands);
	st_buf amb = ST_BUF_INIT;
	size_t n = 0, namb = 0;

	for (size_t i = 0; i < fl->n; i++) {
		const char *l = fl->v[i].o->long_name;
		if (!is_option(fl->v[i].o) || l == NULL)
			continue;
		cands[n++] = l;
		if (len > 0 && strncmp(l, word + 2, len) == 0) {
			st_buf_printf(&amb, "%s--%s", namb++ ? ", " : "", l);
		}
	}
	if (namb > 1)
		st_usage_error("option '--%.*s' is ambiguous (%s)", (int)len,
		    word + 2, amb.data);
	const char *s = st_suggest(word + 2, len, cands, n);
	if (s)
		st_usage_error("unknown option '--%.*s' (did you mean "
		    "'--%s'?)", (int)len, word + 2, s);
	st_usage_error("unknown option '--%.*s'", (int)len, word + 2);
}

/* The one usage error for what getopt_long refused: c is '?' or ':'. */
static noreturn void
opt_error(const flat *fl, int c, char **argv)
{
	const char *word = argv[optind - 1];

	if (c == ':') {
		if (optopt >= 256)
			st_usage_error("option '%s' requires an argument",
			    st_opt_name(fl->v[optopt - 256].o));
		st_usage_error("option '-%c' requires an argument", optopt);
	}
	if (optopt >= 256 && (size_t)optopt - 256 < fl->n)
		st_usage_error("option '%s' takes no argument",
		    st_opt_name(fl->v[optopt - 256].o));
	/* The row after the table's: the hidden --list-options. */
	if (optopt >= 256)
		st_usage_error("option '--list-options' takes no argument");
	if (optopt > 0)
		st_usage_error("unknown option '-%c'", optopt);
	unknown_long(fl, word);
}

/* Stores the value of option row r, argument arg, into base. */
static void
apply(const st_opt_tool *t, const flat_row *r, void *base, const char *arg)
{
	const st_option *o = r->o;
	void *field = (char *)base + r->off;
	const char *name = st_opt_name(o);
	int64_t v = 0;

	if (r->seen)
		*(int *)((char *)base + r->seen - 1) = 1;
	switch (o->kind) {
	case ST_OPTK_FLAG:
		*(int *)field = (int)o->num;
		return;
	case ST_OPTK_STRING:
		*(const char **)field = arg;
		return;
	case ST_OPTK_INT:
	case ST_OPTK_INT64:
	case ST_OPTK_SIZE:
		v = o->kind == ST_OPTK_SIZE ? st_opt_size(name, arg) :
		    st_opt_count(name, arg);
		if (v < o->num)
			st_usage_error("%s must be at least %lld", name,
			    (long long)o->num);
		if (o->kind != ST_OPTK_INT) {
			*(int64_t *)field = v;
			return;
		}
		if (v > INT_MAX)
			st_usage_error("invalid number '%s' for %s", arg,
			    name);
		*(int *)field = (int)v;
		return;
	case ST_OPTK_DURATION:
		*(int64_t *)field = st_opt_duration(name, arg);
		return;
	case ST_OPTK_DELAY:
		*(int64_t *)field = st_opt_delay(name, arg);
		return;
	case ST_OPTK_LIST:
		st_strv_free(*(char ***)field);
		*(char ***)field = st_split_list(arg);
		if (o->what && (*(char ***)field)[0] == NULL)
			st_usage_error("no %s in '%s' for %s", o->what, arg,
			    name);
		return;
	case ST_OPTK_CHOICE:
		*(int *)field = (int)st_opt_choice(o->what, name, arg,
		    o->names);
		return;
	case ST_OPTK_CALL:
		o->fn(field, arg, o);
		return;
	case ST_OPTK_HELP:
		st_opt_usage(t, stdout);
		if (fflush(stdout) != 0)
			st_die(ST_EXIT_DATA, "cannot write to standard output:");
		exit(ST_EXIT_OK);
	case ST_OPTK_VERSION:
		printf("%s %s\n", st_progname(), ST_VERSION);
		exit(ST_EXIT_OK);
	default:
		return;
	}
}


/* Builds ps's getopt_long tables from the flattened table ps.fl; a name
 * twice in it (a group's and the tool's own) is the table's bug. */
static void
build_getopt(void)
{
	size_t nlong = 0;

	ps.longs = st_calloc(ps.fl.n + 2, sizeof *ps.longs);
	ps.by_short = st_calloc(256, sizeof *ps.by_short);
	st_buf_puts(&ps.shorts, ":");
	for (size_t i = 0; i < ps.fl.n; i++) {
		const st_option *o = ps.fl.v[i].o;
		if (!is_option(o))
			continue;
		int has = o->argh == NULL ? no_argument :
		    o->flags & ST_OPTF_OPTARG ? optional_argument :
		    required_argument;
		for (size_t j = 0; o->long_name && j < nlong; j++)
			if (strcmp(ps.longs[j].name, o->long_name) == 0)
				st_die(ST_EXIT_DATA, "option table: --%s twice",
				    o->long_name);
		if (o->short_name && ps.by_short[(unsigned char)o->short_name])
			st_die(ST_EXIT_DATA, "option table: -%c twice",
			    o->short_name);
		if (o->long_name)
			ps.longs[nlong++] = (struct option){ o->long_name, has,
			    NULL, 256 + (int)i };
		if (o->short_name) {
			ps.by_short[(unsigned char)o->short_name] = 256 + (int)i;
			st_buf_printf(&ps.shorts, "%c%s", o->short_name,
			    has == required_argument ? ":" :
			    has == optional_argument ? "::" : "");
		}
	}
	ps.longs[nlong] = (struct option){ "list-options", no_argument, NULL,
	    256 + (int)ps.fl.n };
}

int
st_opt_parse(const st_opt_tool *t, void *base, int argc, char **argv)
{
	int c;

	flatten(&ps.fl, t->options, 0, 0);
	build_getopt();
	opterr = 0;
	while ((c = getopt_long(argc, argv, ps.shorts.data, ps.longs,
	    NULL)) != -1) {
		if (c == '?' || c == ':')
			opt_error(&ps.fl, c, argv);
		if (c < 256)
			c = ps.by_short[(unsigned char)c];
		if ((size_t)c - 256 == ps.fl.n)
			list_options(&ps.fl);
		apply(t, &ps.fl.v[c - 256], base, optarg);
	}
	free(ps.longs);
	free(ps.by_short);
	st_buf_release(&ps.shorts);
	free(ps.fl.v);
	memset(&ps, 0, sizeof ps);
	return optind;
}

void
st_opt_source(void *field, const char *arg, const st_option *opt)
{
	const char **prev = field;

	(void)opt;
	if (*prev)
		st_usage_error("--source given twice");
	if (*arg == '\0')
		st_usage_error("invalid source name '' for --source");
	*prev = arg;
}

size_t
st_opt_choice(const char *what, const char *opt, const char *arg,
    const char *const *names)
{
	st_buf list = ST_BUF_INIT;
	size_t i;

	for (i = 0; names[i]; i++)
		if (strcasecmp(arg, names[i]) == 0)
			return i;
	for (i = 0; names[i]; i++) {
		if (i)
			st_buf_puts(&list, ", ");
		st_buf_puts(&list, names[i]);
	}
	st_usage_error("invalid %s '%s' for %s (%s)", what, arg, opt,
	    list.data);
}

void
st_opt_no_operands(int i, int argc, char **argv)
{
	if (i < argc)
		st_usage_error("unexpected argument '%s'", argv[i]);
}

int64_t
st_opt_count(const char *opt, const char *s)
{
	char *end;

	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end != '\0' || errno || v < 0)
		st_usage_error("invalid number '%s' for %s", s, opt);
	return v;
}

/* Dies with a usage error about an interval option, the text under it
 * and a caret at pos, as expressions do. */
static noreturn void
interval_error(const char *opt, const char *s, size_t pos, const char *msg)
{
	st_warn("invalid duration '%s' for %s: %s", s, opt, msg);
	fprintf(stderr, "  %s\n  %*s^\n", s, (int)pos, "");
	fprintf(stderr, "try '%s --help' for more information\n",
	    st_progname());
	exit(ST_EXIT_USAGE);
}

/* Parses s as an interval (time.h), months counting days_per_month days
 * (0: refused), at least min microseconds. */
static int64_t
opt_interval(const char *opt, const char *s, int days_per_month,
    int64_t min)
{
	st_interval iv;
	char msg[200];
	size_t pos;
	int64_t us;

	if (st_parse_interval(s, strlen(s), &iv, msg, sizeof msg, &pos) < 0)
		interval_error(opt, s, pos, msg);
	if (iv.months && !days_per_month)
		interval_error(opt, s, 0, "months and years have no fixed "
		    "length (Spark refuses them here too; use days)");
	if (st_interval_usec(&iv, days_per_month, &us) < 0)
		interval_error(opt, s, 0, "interval out of range");
	if (us < min)
		interval_error(opt, s, 0, min > 0 ? "must be positive" :
		    "must not be negative");
	return us;
}

int64_t
st_opt_duration(const char *opt, const char *s)
{
	return opt_interval(opt, s, 0, 1);
}

int64_t
st_opt_delay(const char *opt, const char *s)
{
	/* A month is 31 days, as Spark's EventTimeWatermark.getDelayMs
	 * (IntervalUtils.getDuration), so that no event is dropped before
	 * the end of any month. */
	return opt_interval(opt, s, 31, 0);
}

int64_t
st_opt_size(const char *opt, const char *s)
{
	char *end;

	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || v < 0)
		st_usage_error("invalid size '%s' for %s", s, opt);
	while (*end == ' ')
		end++;
	double mul = 1;
	if (*end) {
		char u = tolower((unsigned char)*end++);
		switch (u) {
		case 'b': mul = 1; end--; break;
		case 'k': mul = 1024; break;
		case 'm': mul = 1024.0 * 1024; break;
		case 'g': mul = 1024.0 * 1024 * 1024; break;
		default:
			st_usage_error("invalid size '%s' for %s", s, opt);
		}
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
		if (*end)
			st_usage_error("invalid size '%s' for %s", s, opt);
	}
	return (int64_t)(v * mul);
}

char **
st_split_list(const char *s)
{
	size_t cap = 4, n = 0;
	char **v = st_malloc(cap * sizeof *v);

	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		const char *e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		const char *t = e;
		while (t > s && isspace((unsigned char)t[-1]))
			t--;
		if (t > s) {
			if (n + 2 > cap) {
				cap *= 2;
				v = st_realloc(v, cap * sizeof *v);
			}
			v[n++] = st_strndup(s, t - s);
		}
		s = *e ? e + 1 : e;
	}
	v[n] = NULL;
	return v;
}

void
st_strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t
st_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}
