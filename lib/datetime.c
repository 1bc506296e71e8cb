/* datetime.c - see datetime.h. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "suggest.h"
#include "datetime.h"

/* Howard Hinnant's civil-date algorithms: exact over the whole int64 day
 * range, no tables, no time zone database. */
int64_t
st_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
st_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* ---- intervals ------------------------------------------------------ */

/*
 * Interval units: Spark's (IntervalUtils.stringToInterval: year, month,
 * week, day, hour, minute, second, millisecond, microsecond, each also
 * plural) and st's short forms (15m, 1.5h, 500ms). field says which part
 * of the interval a unit adds to; mul is its size there.
 */
enum { F_MONTHS, F_DAYS, F_USEC };

static const struct iunit {
	const char *name;
	int field;
	int64_t mul;
} iunits[] = {
	/* Plurals first: a misspelt "minuts" suggests "minutes". */
	{ "years", F_MONTHS, 12 }, { "year", F_MONTHS, 12 },
	{ "months", F_MONTHS, 1 }, { "month", F_MONTHS, 1 },
	{ "weeks", F_DAYS, 7 }, { "week", F_DAYS, 7 }, { "w", F_DAYS, 7 },
	{ "days", F_DAYS, 1 }, { "day", F_DAYS, 1 }, { "d", F_DAYS, 1 },
	{ "hours", F_USEC, ST_USEC_PER_HOUR },
	{ "hour", F_USEC, ST_USEC_PER_HOUR },
	{ "h", F_USEC, ST_USEC_PER_HOUR }, { "hr", F_USEC, ST_USEC_PER_HOUR },
	{ "hrs", F_USEC, ST_USEC_PER_HOUR },
	{ "minutes", F_USEC, ST_USEC_PER_MIN },
	{ "minute", F_USEC, ST_USEC_PER_MIN },
	{ "m", F_USEC, ST_USEC_PER_MIN }, { "min", F_USEC, ST_USEC_PER_MIN },
	{ "mins", F_USEC, ST_USEC_PER_MIN },
	{ "seconds", F_USEC, ST_USEC_PER_SEC },
	{ "second", F_USEC, ST_USEC_PER_SEC },
	{ "s", F_USEC, ST_USEC_PER_SEC }, { "sec", F_USEC, ST_USEC_PER_SEC },
	{ "secs", F_USEC, ST_USEC_PER_SEC },
	{ "milliseconds", F_USEC, 1000 }, { "millisecond", F_USEC, 1000 },
	{ "ms", F_USEC, 1000 }, { "msec", F_USEC, 1000 },
	{ "msecs", F_USEC, 1000 },
	{ "microseconds", F_USEC, 1 }, { "microsecond", F_USEC, 1 },
	{ "us", F_USEC, 1 }, { "usec", F_USEC, 1 }, { "usecs", F_USEC, 1 },
};

#define NIUNITS (sizeof iunits / sizeof iunits[0])

/* The state of one interval parse: the text, the position, and where an
 * error goes. */
typedef struct iparse {
	const char *s;
	size_t n, i;
	size_t base;		/* offset of s in the caller's text */
	char *err;
	size_t errlen;
	size_t *errpos;
} iparse;

static int
ierr(iparse *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->errpos)
		*p->errpos = p->base + pos;
	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
iskip(iparse *p)
{
	while (p->i < p->n && isspace((unsigned char)p->s[p->i]))
		p->i++;
}

/* The letters at the current position: their length (0 when none). */
static size_t
iword(iparse *p)
{
	size_t j = p->i;
	while (j < p->n && isalpha((unsigned char)p->s[j]))
		j++;
	return j - p->i;
}

static int
iword_is(iparse *p, size_t len, const char *w)
{
	return strlen(w) == len && strncasecmp(p->s + p->i, w, len) == 0;
}

static const struct iunit *
iunit_lookup(const char *w, size_t len)
{
	for (size_t k = 0; k < NIUNITS; k++)
		if (strlen(iunits[k].name) == len &&
		    strncasecmp(iunits[k].name, w, len) == 0)
			return &iunits[k];
	return NULL;
}

static int
iunit_error(iparse *p, size_t len)
{
	const char *names[NIUNITS];
	for (size_t k = 0; k < NIUNITS; k++)
		names[k] = iunits[k].name;
	const char *s = st_suggest(p->s + p->i, len, names, NIUNITS);
	if (s)
		return ierr(p, p->i, "unknown unit '%.*s' (did you mean "
		    "'%s'?)", (int)len, p->s + p->i, s);
	return ierr(p, p->i, "unknown unit '%.*s' (year, month, week, day, "
	    "hour, minute, second, millisecond, microsecond)", (int)len,
	    p->s + p->i);
}

/* Adds v * mul to *acc, failing on overflow. */
static int
iadd(int64_t *acc, int64_t v, int64_t mul)
{
	int64_t t;
	if (__builtin_mul_overflow(v, mul, &t) ||
	    __builtin_add_overflow(*acc, t, acc))
		return -1;
	return 0;
}

/*
 * A number at s[*i..n): digits with an optional fraction (".5", "1.",
 * "1.25"). Sets *ip to the integer part and *frac and *scale to the fraction
 * digits (up to 9 kept) and 10^digits. Returns 0, or -1 when there is no
 * number there or it does not fit.
 */
static int
inumber(const char *s, size_t n, size_t *i, int64_t *ip, int64_t *frac,
    int64_t *scale)
{
	size_t j = *i;
	int digits = 0;
	*ip = 0;
	*frac = 0;
	*scale = 1;
	while (j < n && isdigit((unsigned char)s[j])) {
		if (__builtin_mul_overflow(*ip, 10, ip) ||
		    __builtin_add_overflow(*ip, s[j] - '0', ip))
			return -1;
		j++;
		digits++;
	}
	if (j < n && s[j] == '.') {
		j++;
		while (j < n && isdigit((unsigned char)s[j])) {
			if (*scale < 1000000000) {
				*frac = *frac * 10 + (s[j] - '0');
				*scale *= 10;
			}
			j++;
			digits++;
		}
	}
	if (!digits)
		return -1;
	*i = j;
	return 0;
}

/* Adds sign * (ip + frac/scale) units u to iv. A fraction of a month or a
 * year cannot be kept; a fraction of a day or a week becomes time. */
static int
iadd_unit(iparse *p, size_t pos, st_interval *iv, const struct iunit *u,
    int sign, int64_t ip, int64_t frac, int64_t scale)
{
	int64_t fus = 0;
	if (frac) {
		if (u->field == F_MONTHS)
			return ierr(p, pos, "a fraction of a %s is not an "
			    "interval (use days)", u->mul == 12 ? "year" :
			    "month");
		int64_t per = u->field == F_DAYS ? u->mul * ST_USEC_PER_DAY :
		    u->mul;
		/* per / scale exactly when per is a multiple of scale (up to
		 * microseconds), else rounded to the microsecond. */
		fus = (int64_t)((double)frac * (double)per / (double)scale +
		    0.5);
	}
	int64_t *acc = u->field == F_MONTHS ? &iv->months : u->field ==
	    F_DAYS ? &iv->days : &iv->usec;
	if (iadd(acc, sign * ip, u->mul) < 0 || iadd(&iv->usec, sign * fus,
	    1) < 0)
		return ierr(p, pos, "interval out of range");
	return 0;
}

/*
 * The ANSI form 'text' FROM TO (Spark's IntervalUtils day-time and
 * year-month strings): YEAR TO MONTH '[+|-]y-m'; DAY TO HOUR '[+|-]d h',
 * DAY TO MINUTE '[+|-]d h:m', DAY TO SECOND '[+|-]d h:m:s[.n]'; HOUR TO
 * MINUTE '[+|-]h:m', HOUR TO SECOND '[+|-]h:m:s[.n]'; MINUTE TO SECOND
 * '[+|-]m:s[.n]'. The leading field is unbounded, the others as a clock
 * (months 0-11, hours 0-23, minutes and seconds 0-59).
 */
static int
iansi(iparse *p, size_t tpos, const char *t, size_t tn, int from, int to,
    int sign, st_interval *iv)
{
	/* from/to: 0 year, 1 month, 2 day, 3 hour, 4 minute, 5 second. */
	static const char *const fname[] = { "YEAR", "MONTH", "DAY", "HOUR",
	    "MINUTE", "SECOND" };
	static const char *const shape[6][6] = {
		[0][1] = "[+|-]y-m", [2][3] = "[+|-]d h",
		[2][4] = "[+|-]d h:m", [2][5] = "[+|-]d h:m:s.n",
		[3][4] = "[+|-]h:m", [3][5] = "[+|-]h:m:s.n",
		[4][5] = "[+|-]m:s.n",
	};
	static const int64_t lim[6] = { 0, 11, 0, 23, 59, 59 };
	size_t i = 0;
	int64_t v[6] = { 0 }, frac = 0, scale = 1;

	while (i < tn && isspace((unsigned char)t[i]))
		i++;
	if (i < tn && (t[i] == '-' || t[i] == '+')) {
		if (t[i] == '-')
			sign = -sign;
		i++;
	}
	for (int f = from; f <= to; f++) {
		if (f > from) {
			char sep = f == 1 ? '-' : (f == 3 && from == 2) ? ' ' :
			    ':';
			if (i >= tn || t[i] != sep)
				goto bad;
			i++;
		}
		int64_t ip, fr, sc;
		size_t j = i;
		if (inumber(t, tn, &j, &ip, &fr, &sc) < 0)
			goto bad;
		if (fr || sc > 1) {
			if (f != 5 || f != to)
				goto bad;
			frac = fr;
			scale = sc;
		}
		if (f > from && ip > lim[f])
			return ierr(p, tpos + i, "%s %lld outside range [0, "
			    "%lld] in '%.*s'", fname[f], (long long)ip,
			    (long long)lim[f], (int)tn, t);
		v[f] = ip;
		i = j;
	}
	while (i < tn && isspace((unsigned char)t[i]))
		i++;
	if (i != tn)
		goto bad;
	int64_t m = 0, d = 0, us = 0;
	if (iadd(&m, v[0], 12) < 0 || iadd(&m, v[1], 1) < 0 ||
	    iadd(&d, v[2], 1) < 0 || iadd(&us, v[3], ST_USEC_PER_HOUR) < 0 ||
	    iadd(&us, v[4], ST_USEC_PER_MIN) < 0 ||
	    iadd(&us, v[5], ST_USEC_PER_SEC) < 0 ||
	    iadd(&us, scale > 1000000 ? frac / (scale / 1000000) :
	    frac * (1000000 / scale), 1) < 0)
		return ierr(p, tpos, "interval out of range");
	if (iadd(&iv->months, sign * m, 1) < 0 ||
	    iadd(&iv->days, sign * d, 1) < 0 ||
	    iadd(&iv->usec, sign * us, 1) < 0)
		return ierr(p, tpos, "interval out of range");
	return 0;
bad:
	return ierr(p, tpos + i, "'%.*s' does not match %s TO %s "
	    "('%s')", (int)tn, t, fname[from], fname[to], shape[from][to]);
}

/* The field FROM or TO names in the ANSI form (singular, as Spark):
 * 0 year .. 5 second, or -1. */
static int
ifield(iparse *p, size_t len)
{
	static const char *const f[] = { "year", "month", "day", "hour",
	    "minute", "second" };
	for (int k = 0; k < 6; k++)
		if (iword_is(p, len, f[k]))
			return k;
	return -1;
}

static int iparse_text(iparse *p, st_interval *iv, int depth);

/* 'text' after an optional sign: a quoted number with a unit ('15'
 * minute), an ANSI 'text' FROM TO, or a whole interval string ('1 day 2
 * hours'). */
static int
iquoted(iparse *p, int sign, st_interval *iv, int depth)
{
	char q = p->s[p->i];
	size_t qpos = p->i, t0 = p->i + 1, t1 = t0;
	while (t1 < p->n && p->s[t1] != q)
		t1++;
	if (t1 >= p->n)
		return ierr(p, qpos, "unterminated quote");
	p->i = t1 + 1;
	iskip(p);
	size_t len = iword(p);
	if (len && iword_is(p, len, "interval"))
		len = 0;
	if (!len) {
		/* A whole interval string. */
		if (depth > 0)
			return ierr(p, qpos, "a quoted interval inside a "
			    "quoted interval");
		iparse sub = *p;
		sub.s = p->s + t0;
		sub.n = t1 - t0;
		sub.i = 0;
		sub.base = p->base + t0;
		st_interval in = { 0 };
		if (iparse_text(&sub, &in, depth + 1) < 0)
			return -1;
		if (iadd(&iv->months, sign * in.months, 1) < 0 ||
		    iadd(&iv->days, sign * in.days, 1) < 0 ||
		    iadd(&iv->usec, sign * in.usec, 1) < 0)
			return ierr(p, qpos, "interval out of range");
		return 0;
	}
	size_t upos = p->i;
	int from = ifield(p, len);
	const struct iunit *u = iunit_lookup(p->s + p->i, len);
	if (!u)
		return iunit_error(p, len);
	p->i += len;
	size_t save = p->i;
	iskip(p);
	size_t tl = iword(p);
	if (tl && iword_is(p, tl, "to")) {
		p->i += tl;
		iskip(p);
		size_t l2 = iword(p);
		int to = ifield(p, l2);
		size_t topos = p->i;
		p->i += l2;
		if (from < 0 || from == 1 || from == 5)
			return ierr(p, upos, "expected YEAR, DAY, HOUR or "
			    "MINUTE before TO, found '%.*s'", (int)len,
			    p->s + upos);
		if (to < 0 || to <= from || (from == 0 && to != 1) ||
		    (from != 0 && to == 1))
			return ierr(p, topos, "expected %s after %.*s TO, found "
			    "'%.*s'", from == 0 ? "MONTH" : from == 2 ?
			    "HOUR, MINUTE or SECOND" : from == 3 ?
			    "MINUTE or SECOND" : "SECOND", (int)len,
			    p->s + upos, (int)l2, p->s + topos);
		return iansi(p, t0, p->s + t0, t1 - t0, from, to, sign, iv);
	}
	p->i = save;
	/* A quoted number: '15' minute, '-1.5' hours. */
	size_t j = t0;
	while (j < t1 && isspace((unsigned char)p->s[j]))
		j++;
	if (j < t1 && (p->s[j] == '-' || p->s[j] == '+')) {
		if (p->s[j] == '-')
			sign = -sign;
		j++;
	}
	int64_t ip, fr, sc;
	if (inumber(p->s, t1, &j, &ip, &fr, &sc) < 0)
		return ierr(p, t0, "expected a number in quotes before '%.*s', "
		    "found '%.*s'", (int)len, p->s + upos, (int)(t1 - t0),
		    p->s + t0);
	while (j < t1 && isspace((unsigned char)p->s[j]))
		j++;
	if (j != t1)
		return ierr(p, j, "expected a number in quotes before '%.*s', "
		    "found '%.*s'", (int)len, p->s + upos, (int)(t1 - t0),
		    p->s + t0);
	return iadd_unit(p, t0, iv, u, sign, ip, fr, sc);
}

/* interval -> [INTERVAL] part { part }
 * part     -> [sign] ( number unit | quoted [unit [TO unit]] ) */
static int
iparse_text(iparse *p, st_interval *iv, int depth)
{
	int parts = 0;

	iskip(p);
	size_t len = iword(p);
	if (len && iword_is(p, len, "interval")) {
		p->i += len;
		iskip(p);
		if (p->i >= p->n)
			return ierr(p, p->i, "expected a number after "
			    "INTERVAL, found end of input");
	}
	for (;;) {
		iskip(p);
		if (p->i >= p->n)
			break;
		size_t pos = p->i;
		int sign = 1;
		if (p->s[p->i] == '-' || p->s[p->i] == '+') {
			sign = p->s[p->i] == '-' ? -1 : 1;
			p->i++;
			iskip(p);
		}
		if (p->i < p->n && (p->s[p->i] == '\'' || p->s[p->i] == '"')) {
			if (iquoted(p, sign, iv, depth) < 0)
				return -1;
			parts++;
			continue;
		}
		int64_t ip, fr, sc;
		if (inumber(p->s, p->n, &p->i, &ip, &fr, &sc) < 0) {
			if (p->i >= p->n)
				return ierr(p, p->i, "expected a number after "
				    "'%.*s', found end of input",
				    (int)(p->i - pos), p->s + pos);
			return ierr(p, p->i, "expected a number, found "
			    "'%.*s'", (int)(iword(p) ? iword(p) : 1),
			    p->s + p->i);
		}
		iskip(p);
		len = iword(p);
		if (!len)
			return ierr(p, p->i, "expected a unit after '%.*s' "
			    "(such as seconds, minutes, hours, days)",
			    (int)(p->i - pos), p->s + pos);
		const struct iunit *u = iunit_lookup(p->s + p->i, len);
		if (!u)
			return iunit_error(p, len);
		p->i += len;
		if (iadd_unit(p, pos, iv, u, sign, ip, fr, sc) < 0)
			return -1;
		parts++;
	}
	if (!parts)
		return ierr(p, p->i, "empty interval");
	return 0;
}

int
st_parse_interval(const char *s, size_t n, st_interval *iv, char *err,
    size_t errlen, size_t *errpos)
{
	iparse p = { s, n, 0, 0, err, errlen, errpos };

	memset(iv, 0, sizeof *iv);
	if (err && errlen)
		err[0] = '\0';
	if (errpos)
		*errpos = 0;
	return iparse_text(&p, iv, 0);
}

int
st_interval_usec(const st_interval *iv, int days_per_month, int64_t *usec)
{
	int64_t us = iv->usec;
	if (iadd(&us, iv->days, ST_USEC_PER_DAY) < 0 ||
	    iadd(&us, iv->months, days_per_month * ST_USEC_PER_DAY) < 0)
		return -1;
	*usec = us;
	return 0;
}

int
st_parse_duration(const char *s, int64_t *usec)
{
	st_interval iv;
	int64_t us;

	if (st_parse_interval(s, strlen(s), &iv, NULL, 0, NULL) < 0 ||
	    iv.months || st_interval_usec(&iv, 0, &us) < 0 || us < 0)
		return -1;
	*usec = us;
	return 0;
}

void
st_format_duration(st_buf *b, int64_t usec)
{
	static const struct {
		const char *name;
		int64_t usec;
	} f[] = {
		{ "day", ST_USEC_PER_DAY }, { "hour", ST_USEC_PER_HOUR },
		{ "minute", ST_USEC_PER_MIN }, { "second", ST_USEC_PER_SEC },
		{ "millisecond", 1000 }, { "microsecond", 1 },
	};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (usec != 0 && usec % f[i].usec != 0)
			continue;
		int64_t n = usec / f[i].usec;
		st_buf_printf(b, "%lld %s%s", (long long)n, f[i].name,
		    n == 1 ? "" : "s");
		return;
	}
}

static int
digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (*p >= end || !isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	*out = v;
	return 0;
}

int
st_parse_timestamp(const char *s, size_t n, int64_t *usec)
{
	const char *p = s, *end = s + n;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac = 0;
	int64_t offset = 0;

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	int neg = 0;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (digits(&p, end, 4, &y) < 0 || p >= end || *p++ != '-' ||
	    digits(&p, end, 2, &mo) < 0 || p >= end || *p++ != '-' ||
	    digits(&p, end, 2, &d) < 0)
		return -1;
	if (neg)
		y = -y;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	if (p < end && (*p == 'T' || *p == ' ')) {
		p++;
		if (digits(&p, end, 2, &h) < 0 || p >= end || *p++ != ':' ||
		    digits(&p, end, 2, &mi) < 0)
			return -1;
		if (p < end && *p == ':') {
			p++;
			if (digits(&p, end, 2, &sec) < 0)
				return -1;
			if (p < end && *p == '.') {
				int nd = 0;
				p++;
				while (p < end && isdigit((unsigned char)*p)) {
					if (nd < 6)
						frac = frac * 10 + (*p - '0');
					nd++;
					p++;
				}
				if (nd == 0)
					return -1;
				for (; nd < 6; nd++)
					frac *= 10;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (p < end && (*p == 'Z' || *p == 'z')) {
			p++;
		} else if (p < end && (*p == '+' || *p == '-')) {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if (digits(&p, end, 2, &oh) < 0)
				return -1;
			if (p < end && *p == ':')
				p++;
			if (p < end && digits(&p, end, 2, &om) < 0)
				return -1;
			offset = sign * (oh * ST_USEC_PER_HOUR +
			    om * ST_USEC_PER_MIN);
		}
	}
	if (p != end)
		return -1;
	/* Reject impossible dates (Feb 30) rather than rolling them over. */
	int64_t days = st_days_from_civil(y, mo, d);
	int64_t cy;
	unsigned cm, cd;
	st_civil_from_days(days, &cy, &cm, &cd);
	if ((int)cm != mo || (int)cd != d)
		return -1;
	*usec = days * ST_USEC_PER_DAY + h * ST_USEC_PER_HOUR +
	    mi * ST_USEC_PER_MIN + sec * ST_USEC_PER_SEC + frac - offset;
	return 0;
}

static void
put2(st_buf *b, unsigned v)
{
	char t[2] = { '0' + v / 10, '0' + v % 10 };
	st_buf_add(b, t, 2);
}

void
st_format_date(st_buf *b, int32_t days)
{
	int64_t y;
	unsigned m, d;

	st_civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		char t[4] = { '0' + y / 1000, '0' + y / 100 % 10,
		    '0' + y / 10 % 10, '0' + y % 10 };
		st_buf_add(b, t, 4);
	} else {
		st_buf_printf(b, "%04lld", (long long)y);
	}
	st_buf_putc(b, '-');
	put2(b, m);
	st_buf_putc(b, '-');
	put2(b, d);
}

void
st_format_timestamp(st_buf *b, int64_t usec)
{
	int64_t days = st_floordiv(usec, ST_USEC_PER_DAY);
	int64_t rem = usec - days * ST_USEC_PER_DAY;
	unsigned secs = (unsigned)(rem / ST_USEC_PER_SEC);
	unsigned frac = (unsigned)(rem % ST_USEC_PER_SEC);

	st_format_date(b, (int32_t)days);
	st_buf_putc(b, 'T');
	put2(b, secs / 3600);
	st_buf_putc(b, ':');
	put2(b, secs / 60 % 60);
	st_buf_putc(b, ':');
	put2(b, secs % 60);
	if (frac) {
		/* .mmm, or .uuuuuu when the microseconds are not whole
		 * milliseconds (no printf: a Kafka record formats one). */
		char t[8];
		int nd = frac % 1000 == 0 ? 3 : 6;
		unsigned v = nd == 3 ? frac / 1000 : frac;
		t[0] = '.';
		for (int i = nd; i >= 1; i--, v /= 10)
			t[i] = (char)('0' + v % 10);
		st_buf_add(b, t, (size_t)nd + 1);
	}
	st_buf_putc(b, 'Z');
}

int64_t
st_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * ST_USEC_PER_SEC + ts.tv_nsec / 1000;
}

int64_t
st_mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * ST_USEC_PER_SEC + ts.tv_nsec / 1000;
}
