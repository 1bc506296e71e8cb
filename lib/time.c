/* time.c - see time.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "time.h"

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

static const struct {
	const char *name;
	int64_t usec;
} units[] = {
	{ "us", 1 }, { "usec", 1 }, { "usecs", 1 }, { "microsecond", 1 },
	{ "microseconds", 1 },
	{ "ms", 1000 }, { "msec", 1000 }, { "msecs", 1000 },
	{ "millisecond", 1000 }, { "milliseconds", 1000 },
	{ "s", ST_USEC_PER_SEC }, { "sec", ST_USEC_PER_SEC },
	{ "secs", ST_USEC_PER_SEC }, { "second", ST_USEC_PER_SEC },
	{ "seconds", ST_USEC_PER_SEC },
	{ "m", ST_USEC_PER_MIN }, { "min", ST_USEC_PER_MIN },
	{ "mins", ST_USEC_PER_MIN }, { "minute", ST_USEC_PER_MIN },
	{ "minutes", ST_USEC_PER_MIN },
	{ "h", ST_USEC_PER_HOUR }, { "hr", ST_USEC_PER_HOUR },
	{ "hrs", ST_USEC_PER_HOUR }, { "hour", ST_USEC_PER_HOUR },
	{ "hours", ST_USEC_PER_HOUR },
	{ "d", ST_USEC_PER_DAY }, { "day", ST_USEC_PER_DAY },
	{ "days", ST_USEC_PER_DAY },
	{ "w", 7 * ST_USEC_PER_DAY }, { "week", 7 * ST_USEC_PER_DAY },
	{ "weeks", 7 * ST_USEC_PER_DAY },
};

int
st_parse_duration(const char *s, int64_t *usec)
{
	int64_t total = 0;
	int parts = 0;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		int quoted = *s == '\'';
		if (quoted)
			s++;
		char *end;
		if (!(isdigit((unsigned char)*s) || *s == '.'))
			return -1;
		double n = strtod(s, &end);
		if (end == s || n < 0)
			return -1;
		s = end;
		if (quoted) {
			if (*s != '\'')
				return -1;
			s++;
		}
		while (isspace((unsigned char)*s))
			s++;
		const char *u = s;
		while (isalpha((unsigned char)*s))
			s++;
		size_t ulen = s - u;
		if (ulen == 0)
			return -1;
		size_t i;
		for (i = 0; i < sizeof units / sizeof units[0]; i++)
			if (strlen(units[i].name) == ulen &&
			    strncasecmp(units[i].name, u, ulen) == 0)
				break;
		if (i == sizeof units / sizeof units[0])
			return -1;
		total += (int64_t)(n * (double)units[i].usec + 0.5);
		parts++;
	}
	if (parts == 0)
		return -1;
	*usec = total;
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
		if (frac % 1000 == 0)
			st_buf_printf(b, ".%03u", frac / 1000);
		else
			st_buf_printf(b, ".%06u", frac);
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
