/*
 * dtfmt.c - Spark datetime patterns ("yyyy-MM-dd HH:mm:ss") for parsing
 * (to_timestamp, to_date, unix_timestamp) and formatting (date_format,
 * from_unixtime).
 *
 * Letters: y (year; yy is 2000-2099 when parsing), M/L (month: M, MM,
 * MMM Jan, MMMM January), d (day of month), D (day of year), H (0-23),
 * h (1-12), k (1-24), K (0-11), m (minute), s (second), S (fraction, up
 * to 9 digits, microseconds kept), a (AM/PM), E (day of week: E..EEE Mon,
 * EEEE Monday; parsed and ignored), z (zone: UTC, GMT, Z or an offset),
 * X/XX/XXX (Z or +HH, +HHMM, +HH:MM), x (the same without Z), Z (+HHMM).
 * 'text' is literal text ('' is a quote); other punctuation is literal.
 *
 * Parsing is strict, as Spark 3: the whole text must match; two-letter
 * fields take exactly two digits, one-letter fields one or more.
 *
 * Rejected with a message: unknown letters, Y (week-based year), too many
 * letters (mmm), optional sections [..], and a doubled unquoted separator
 * such as "HH:mm::ss" -- a typo in the lecture notes this toolkit comes
 * from, which Spark accepts and then fails to parse every record with.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "datetime.h"

enum {
	D_LIT, D_YEAR, D_MONTH, D_DAY, D_DOY, D_H24, D_H12, D_K24, D_K12,
	D_MIN, D_SEC, D_FRAC, D_AMPM, D_DOW, D_ZONE, D_OFFX, D_OFFx, D_OFFZ
};

typedef struct ditem {
	int kind;
	int count;
	const char *lit;
	size_t llen;
} ditem;

struct dtfmt {
	ditem *v;
	size_t n;
};

static const char *const months[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };
static const char *const daynames[] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday" };

static int
letter_kind(char c, int *maxc)
{
	switch (c) {
	case 'y': *maxc = 9; return D_YEAR;
	case 'M': case 'L': *maxc = 4; return D_MONTH;
	case 'd': *maxc = 2; return D_DAY;
	case 'D': *maxc = 3; return D_DOY;
	case 'H': *maxc = 2; return D_H24;
	case 'h': *maxc = 2; return D_H12;
	case 'k': *maxc = 2; return D_K24;
	case 'K': *maxc = 2; return D_K12;
	case 'm': *maxc = 2; return D_MIN;
	case 's': *maxc = 2; return D_SEC;
	case 'S': *maxc = 9; return D_FRAC;
	case 'a': *maxc = 1; return D_AMPM;
	case 'E': *maxc = 4; return D_DOW;
	case 'z': *maxc = 4; return D_ZONE;
	case 'X': *maxc = 3; return D_OFFX;
	case 'x': *maxc = 3; return D_OFFx;
	case 'Z': *maxc = 3; return D_OFFZ;
	default: return -1;
	}
}

dtfmt *
dtfmt_compile(st_arena *a, const char *p, size_t n, char *err, size_t errlen,
    size_t *errpos)
{
	dtfmt *f = st_arena_alloc(a, sizeof *f);
	f->v = st_arena_alloc(a, (n + 1) * sizeof *f->v);
	f->n = 0;
	for (size_t i = 0; i < n;) {
		char c = p[i];
		ditem *it = &f->v[f->n];
		if (isalpha((unsigned char)c)) {
			size_t j = i;
			while (j < n && p[j] == c)
				j++;
			int maxc, k = letter_kind(c, &maxc);
			*errpos = i;
			if (c == 'Y') {
				snprintf(err, errlen, "invalid datetime pattern "
				    "'%.*s': 'Y' is the week-based year, use "
				    "'y'", (int)n, p);
				return NULL;
			}
			if (k < 0) {
				snprintf(err, errlen, "invalid datetime pattern "
				    "'%.*s': unknown pattern letter '%c'",
				    (int)n, p, c);
				return NULL;
			}
			if ((int)(j - i) > maxc) {
				snprintf(err, errlen, "invalid datetime pattern "
				    "'%.*s': too many pattern letters '%.*s'",
				    (int)n, p, (int)(j - i), p + i);
				return NULL;
			}
			it->kind = k;
			it->count = (int)(j - i);
			f->n++;
			i = j;
			continue;
		}
		if (c == '\'') {
			size_t j = i + 1;
			char *lit = st_arena_alloc(a, n + 1);
			size_t ll = 0;
			if (j < n && p[j] == '\'') {
				lit[ll++] = '\'';
				j++;
			} else {
				for (;;) {
					if (j >= n) {
						*errpos = i;
						snprintf(err, errlen, "invalid "
						    "datetime pattern '%.*s': "
						    "unterminated quote",
						    (int)n, p);
						return NULL;
					}
					if (p[j] == '\'') {
						if (j + 1 < n && p[j + 1] ==
						    '\'') {
							lit[ll++] = '\'';
							j += 2;
							continue;
						}
						j++;
						break;
					}
					lit[ll++] = p[j++];
				}
			}
			it->kind = D_LIT;
			it->lit = lit;
			it->llen = ll;
			f->n++;
			i = j;
			continue;
		}
		if (c == '[' || c == ']' || c == '{' || c == '}' || c == '#') {
			*errpos = i;
			snprintf(err, errlen, "invalid datetime pattern '%.*s': "
			    "'%c' is reserved (optional sections are not "
			    "supported)", (int)n, p, c);
			return NULL;
		}
		if (c != ' ' && i + 1 < n && p[i + 1] == c) {
			/* A doubled separator: almost surely a typo. */
			char fix[128];
			size_t fl = 0;
			for (size_t k = 0; k < n && fl + 1 < sizeof fix; k++)
				if (!(k == i + 1))
					fix[fl++] = p[k];
			fix[fl] = '\0';
			*errpos = i;
			snprintf(err, errlen, "invalid datetime pattern '%.*s': "
			    "doubled separator '%c%c' (did you mean '%s'?)",
			    (int)n, p, c, c, fix);
			return NULL;
		}
		it->kind = D_LIT;
		it->lit = p + i;
		it->llen = 1;
		f->n++;
		i++;
	}
	return f;
}

/* Reads between min and max digits. Returns the count or -1. */
static int
digits(const char *s, size_t n, size_t *i, int min, int max, int64_t *v)
{
	int k = 0;
	int64_t x = 0;
	while (*i < n && k < max && isdigit((unsigned char)s[*i])) {
		x = x * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	if (k < min)
		return -1;
	*v = x;
	return k;
}

static int
word(const char *s, size_t n, size_t *i, const char *const *names,
    int count, int full)
{
	for (int k = 0; k < count; k++) {
		size_t l = full ? strlen(names[k]) : 3;
		if (*i + l <= n && strncasecmp(s + *i, names[k], l) == 0) {
			*i += l;
			return k;
		}
	}
	return -1;
}

static int
offset(const char *s, size_t n, size_t *i, int allow_z, int64_t *off)
{
	if (allow_z && *i < n && s[*i] == 'Z') {
		(*i)++;
		*off = 0;
		return 0;
	}
	if (*i >= n || (s[*i] != '+' && s[*i] != '-'))
		return -1;
	int neg = s[*i] == '-';
	(*i)++;
	int64_t h, m = 0;
	if (digits(s, n, i, 2, 2, &h) < 0)
		return -1;
	if (*i < n && s[*i] == ':')
		(*i)++;
	if (*i < n && isdigit((unsigned char)s[*i]) &&
	    digits(s, n, i, 2, 2, &m) < 0)
		return -1;
	*off = (h * 60 + m) * ST_USEC_PER_MIN;
	if (neg)
		*off = -*off;
	return 0;
}

int
dtfmt_parse(const dtfmt *f, const char *s, size_t n, int64_t *usec)
{
	int64_t y = 1970, mo = 1, d = 1, doy = -1, h = 0, mi = 0, sec = 0;
	int64_t frac = 0, off = 0, v;
	int pm = -1, h12 = 0;
	size_t i = 0;

	for (size_t k = 0; k < f->n; k++) {
		const ditem *it = &f->v[k];
		int c = it->count;
		switch (it->kind) {
		case D_LIT:
			if (i + it->llen > n || memcmp(s + i, it->lit,
			    it->llen) != 0)
				return -1;
			i += it->llen;
			break;
		case D_YEAR:
			if (c == 2) {
				if (digits(s, n, &i, 2, 2, &v) < 0)
					return -1;
				y = 2000 + v;
			} else if (digits(s, n, &i, c, c == 1 ? 9 : c < 4 ?
			    9 : c, &y) < 0)
				return -1;
			break;
		case D_MONTH:
			if (c >= 3) {
				int m = word(s, n, &i, months, 12, c == 4);
				if (m < 0)
					return -1;
				mo = m + 1;
			} else if (digits(s, n, &i, c, 2, &mo) < 0)
				return -1;
			break;
		case D_DAY:
			if (digits(s, n, &i, c, 2, &d) < 0)
				return -1;
			break;
		case D_DOY:
			if (digits(s, n, &i, c, 3, &doy) < 0)
				return -1;
			break;
		case D_H24: case D_K24:
			if (digits(s, n, &i, c, 2, &h) < 0)
				return -1;
			if (it->kind == D_K24 && h == 24)
				h = 0;
			break;
		case D_H12: case D_K12:
			if (digits(s, n, &i, c, 2, &h) < 0)
				return -1;
			h12 = 1;
			break;
		case D_MIN:
			if (digits(s, n, &i, c, 2, &mi) < 0)
				return -1;
			break;
		case D_SEC:
			if (digits(s, n, &i, c, 2, &sec) < 0)
				return -1;
			break;
		case D_FRAC: {
			size_t st = i;
			int64_t fv;
			int got = digits(s, n, &i, 1, c, &fv);
			if (got < 0)
				return -1;
			(void)st;
			/* Scale to microseconds. */
			for (int z = got; z < 6; z++)
				fv *= 10;
			for (int z = 6; z < got; z++)
				fv /= 10;
			frac = fv;
			break;
		}
		case D_AMPM:
			if (i + 2 <= n && strncasecmp(s + i, "AM", 2) == 0)
				pm = 0;
			else if (i + 2 <= n && strncasecmp(s + i, "PM", 2) == 0)
				pm = 1;
			else
				return -1;
			i += 2;
			break;
		case D_DOW:
			if (word(s, n, &i, daynames, 7, c == 4) < 0)
				return -1;
			break;
		case D_ZONE:
			if (i + 3 <= n && (strncmp(s + i, "UTC", 3) == 0 ||
			    strncmp(s + i, "GMT", 3) == 0)) {
				i += 3;
				if (i < n && (s[i] == '+' || s[i] == '-') &&
				    offset(s, n, &i, 0, &off) < 0)
					return -1;
			} else if (offset(s, n, &i, 1, &off) < 0)
				return -1;
			break;
		case D_OFFX:
			if (offset(s, n, &i, 1, &off) < 0)
				return -1;
			break;
		case D_OFFx:
		case D_OFFZ:
			if (offset(s, n, &i, it->kind == D_OFFZ, &off) < 0)
				return -1;
			break;
		}
	}
	if (i != n)
		return -1;
	if (h12) {
		if (h < 1 || h > 12)
			return -1;
		if (h == 12)
			h = 0;
		if (pm == 1)
			h += 12;
	} else if (pm == 1 && h < 12) {
		h += 12;
	}
	if (doy >= 0) {
		int64_t days = st_days_from_civil(y, 1, 1) + doy - 1;
		int64_t yy;
		unsigned mm, dd;
		if (doy < 1 || doy > 366)
			return -1;
		st_civil_from_days(days, &yy, &mm, &dd);
		if (yy != y)
			return -1;
		mo = mm;
		d = dd;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 59)
		return -1;
	int64_t days = st_days_from_civil(y, (unsigned)mo, (unsigned)d);
	/* Reject 2019-02-30: the civil date must round-trip. */
	int64_t cy;
	unsigned cm, cd;
	st_civil_from_days(days, &cy, &cm, &cd);
	if (cy != y || cm != mo || cd != d)
		return -1;
	*usec = days * ST_USEC_PER_DAY + h * ST_USEC_PER_HOUR +
	    mi * ST_USEC_PER_MIN + sec * ST_USEC_PER_SEC + frac - off;
	return 0;
}

static void
num(st_buf *b, int64_t v, int width)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%0*lld", width, (long long)v);
	st_buf_puts(b, tmp);
}

void
dtfmt_format(const dtfmt *f, int64_t usec, st_buf *b)
{
	int64_t days = st_floordiv(usec, ST_USEC_PER_DAY);
	int64_t rem = usec - days * ST_USEC_PER_DAY;
	int64_t y;
	unsigned mo, d;
	st_civil_from_days(days, &y, &mo, &d);
	int64_t h = rem / ST_USEC_PER_HOUR;
	int64_t mi = rem / ST_USEC_PER_MIN % 60;
	int64_t s = rem / ST_USEC_PER_SEC % 60;
	int64_t us = rem % ST_USEC_PER_SEC;
	int dow = (int)(((days + 4) % 7 + 7) % 7);

	for (size_t k = 0; k < f->n; k++) {
		const ditem *it = &f->v[k];
		int c = it->count;
		switch (it->kind) {
		case D_LIT:
			st_buf_add(b, it->lit, it->llen);
			break;
		case D_YEAR:
			if (c == 2)
				num(b, ((y % 100) + 100) % 100, 2);
			else
				num(b, y, c);
			break;
		case D_MONTH:
			if (c == 3)
				st_buf_add(b, months[mo - 1], 3);
			else if (c == 4)
				st_buf_puts(b, months[mo - 1]);
			else
				num(b, mo, c);
			break;
		case D_DAY:
			num(b, d, c);
			break;
		case D_DOY:
			num(b, days - st_days_from_civil(y, 1, 1) + 1, c);
			break;
		case D_H24:
			num(b, h, c);
			break;
		case D_K24:
			num(b, h == 0 ? 24 : h, c);
			break;
		case D_H12:
			num(b, h % 12 == 0 ? 12 : h % 12, c);
			break;
		case D_K12:
			num(b, h % 12, c);
			break;
		case D_MIN:
			num(b, mi, c);
			break;
		case D_SEC:
			num(b, s, c);
			break;
		case D_FRAC: {
			char tmp[16];
			snprintf(tmp, sizeof tmp, "%06lld000", (long long)us);
			st_buf_add(b, tmp, (size_t)c);
			break;
		}
		case D_AMPM:
			st_buf_puts(b, h < 12 ? "AM" : "PM");
			break;
		case D_DOW:
			if (c == 4)
				st_buf_puts(b, daynames[dow]);
			else
				st_buf_add(b, daynames[dow], 3);
			break;
		case D_ZONE:
			st_buf_puts(b, "UTC");
			break;
		case D_OFFX:
			st_buf_puts(b, "Z");
			break;
		case D_OFFx:
			st_buf_puts(b, c == 1 ? "+00" : c == 2 ? "+0000" :
			    "+00:00");
			break;
		case D_OFFZ:
			st_buf_puts(b, "+0000");
			break;
		}
	}
}
