/* opts.c - see opts.h. */
#include <ctype.h>
#include <errno.h>
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

int
st_common_option(st_common *c, int opt, const char *arg,
    const char *usage_text)
{
	switch (opt) {
	case ST_OPT_CHECKPOINT:
		c->checkpoint = arg;
		return 1;
	case ST_OPT_NAME:
		if (*arg == '\0' || strchr(arg, '/') || arg[0] == '.')
			st_usage_error("invalid name '%s' for --name", arg);
		c->name = arg;
		return 1;
	case ST_OPT_MALFORMED:
		if (strcasecmp(arg, "failfast") == 0)
			c->malformed = ST_MALFORMED_FAILFAST;
		else if (strcasecmp(arg, "dropmalformed") == 0 ||
		    strcasecmp(arg, "drop") == 0)
			c->malformed = ST_MALFORMED_DROP;
		else if (strcasecmp(arg, "permissive") == 0)
			c->malformed = ST_MALFORMED_PERMISSIVE;
		else
			st_usage_error("invalid mode '%s' for --malformed "
			    "(failfast, dropmalformed, permissive)", arg);
		return 1;
	case ST_OPT_DEAD_LETTER:
		c->dead_letter = arg;
		return 1;
	case ST_OPT_KEEP_VERSIONS: {
		int64_t n = st_opt_count("--keep-versions", arg);
		if (n < 2)
			st_usage_error("--keep-versions must be at least 2");
		c->keep_versions = (int)n;
		return 1;
	}
	case ST_OPT_HELP:
		fputs(usage_text, stdout);
		if (fflush(stdout) != 0)
			st_die(ST_EXIT_DATA, "cannot write to standard output:");
		exit(ST_EXIT_OK);
	case ST_OPT_VERSION:
		printf("%s %s\n", st_progname(), ST_VERSION);
		exit(ST_EXIT_OK);
	}
	return 0;
}

void
st_opt_error(int c, char **argv)
{
	if (c == ':')
		st_usage_error("option '%s' needs an argument",
		    argv[optind - 1]);
	st_usage_error("unknown option '%s'", argv[optind - 1]);
}

int
st_evtime_option(st_evtime *t, int opt, const char *arg)
{
	switch (opt) {
	case 't':
		st_evtime_set(t, arg);
		return 1;
	case ST_OPT_TIME_UNIT:
		st_evtime_unit(t, arg);
		return 1;
	default:
		return 0;
	}
}

const char *
st_opt_source(const char *prev, const char *arg)
{
	if (prev)
		st_usage_error("--source given twice");
	if (*arg == '\0')
		st_usage_error("invalid source name '' for --source");
	return arg;
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
st_opt_no_operands(int argc, char **argv)
{
	if (optind < argc)
		st_usage_error("unexpected argument '%s'", argv[optind]);
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
