#define _GNU_SOURCE
/*
 * pattern.c - LIKE matching and Spark (Java) regular expressions on top
 * of POSIX <regex.h>.
 *
 * LIKE: '%' matches any run of characters, '_' one character (a UTF-8
 * code point), the escape character (default '\') makes the next one
 * literal. Common shapes skip the general matcher: 'abc' (equality),
 * 'abc%' (prefix), '%abc' (suffix), '%abc%' (substring, memmem).
 *
 * Regexes are POSIX extended regular expressions, searched (not
 * anchored) as Java's find() does; the Java shorthands \d \D \w \W \s \S
 * are translated (also inside brackets), \t \n \r are the control
 * characters. Lookaround, lazy quantifiers and (?flags) are not POSIX and
 * are refused with a message.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "internal.h"

enum { LK_EXACT, LK_PREFIX, LK_SUFFIX, LK_CONTAINS, LK_GENERAL };

/* Pattern items: pat[i] with kinds[i]: 0 literal byte, 1 '_', 2 '%'. */
pattern *
like_compile(st_arena *a, const char *p, size_t n, char esc, int icase)
{
	pattern *pt = st_arena_alloc(a, sizeof *pt);
	memset(pt, 0, sizeof *pt);
	char *pat = st_arena_alloc(a, n + 1);
	char *kinds = st_arena_alloc(a, n + 1);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == esc && i + 1 < n) {
			pat[m] = p[++i];
			kinds[m++] = 0;
		} else if (c == '%') {
			/* Runs of % are one %. */
			if (m && kinds[m - 1] == 2)
				continue;
			pat[m] = c;
			kinds[m++] = 2;
		} else if (c == '_') {
			pat[m] = c;
			kinds[m++] = 1;
		} else {
			pat[m] = icase ? (char)tolower((unsigned char)c) : c;
			kinds[m++] = 0;
		}
	}
	pt->pat = pat;
	pt->plen = m;
	pt->lit = kinds;	/* the kinds array */
	pt->icase = icase;
	/* Fast shapes: literals with at most a leading and a trailing %. */
	size_t lo = 0, hi = m;
	int lead = m && kinds[0] == 2;
	int trail = m > (size_t)lead && kinds[m - 1] == 2;
	lo = (size_t)lead;
	hi = m - (size_t)trail;
	int plain = 1;
	for (size_t i = lo; i < hi; i++)
		if (kinds[i] != 0)
			plain = 0;
	if (!plain || icase) {
		pt->kind = LK_GENERAL;
		return pt;
	}
	pt->kind = lead && trail ? LK_CONTAINS : lead ? LK_SUFFIX : trail ?
	    LK_PREFIX : LK_EXACT;
	pt->re_ok = 0;
	pt->esc = 0;
	pt->llen = hi - lo;
	pt->pat = pat + lo;
	return pt;
}

static size_t
u8len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static int
general(const pattern *pt, const char *s, size_t n)
{
	const char *pat = pt->pat, *kinds = pt->lit;
	size_t m = pt->plen, si = 0, pi = 0, star_si = 0;
	long star_pi = -1;
	while (si < n) {
		if (pi < m && kinds[pi] == 2) {
			star_pi = (long)pi++;
			star_si = si;
			continue;
		}
		if (pi < m && kinds[pi] == 1) {
			si += u8len((unsigned char)s[si]);
			pi++;
			continue;
		}
		if (pi < m && kinds[pi] == 0) {
			char c = pt->icase ? (char)tolower((unsigned char)s[si]) :
			    s[si];
			if (c == pat[pi]) {
				si++;
				pi++;
				continue;
			}
		}
		if (star_pi >= 0) {
			pi = (size_t)star_pi + 1;
			star_si += u8len((unsigned char)s[star_si]);
			si = star_si;
			continue;
		}
		return 0;
	}
	while (pi < m && kinds[pi] == 2)
		pi++;
	return pi == m && si <= n;
}

int
like_match(const pattern *pt, const char *s, size_t n)
{
	size_t l = pt->llen;
	switch (pt->kind) {
	case LK_EXACT:
		return n == l && memcmp(s, pt->pat, l) == 0;
	case LK_PREFIX:
		return n >= l && memcmp(s, pt->pat, l) == 0;
	case LK_SUFFIX:
		return n >= l && memcmp(s + n - l, pt->pat, l) == 0;
	case LK_CONTAINS:
		return l == 0 || memmem(s, n, pt->pat, l) != NULL;
	default:
		return general(pt, s, n);
	}
}

int
regex_compile(regex_t *re, const char *p, size_t n, int nosub, char *err,
    size_t errlen)
{
	st_buf b = ST_BUF_INIT;
	int inbr = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '[' && !inbr) {
			inbr = 1;
			st_buf_putc(&b, c);
			if (i + 1 < n && p[i + 1] == '^')
				st_buf_putc(&b, p[++i]);
			if (i + 1 < n && p[i + 1] == ']')
				st_buf_putc(&b, p[++i]);
			continue;
		}
		if (c == ']' && inbr) {
			inbr = 0;
			st_buf_putc(&b, c);
			continue;
		}
		if (!inbr && c == '(' && i + 1 < n && p[i + 1] == '?') {
			snprintf(err, errlen, "'(?' groups (lookaround, "
			    "flags, non-capturing) are not supported");
			st_buf_release(&b);
			return -1;
		}
		if (!inbr && (c == '*' || c == '+' || c == '?' || c == '}') &&
		    i + 1 < n && p[i + 1] == '?') {
			snprintf(err, errlen, "lazy quantifiers like '%c?' are "
			    "not supported", c);
			st_buf_release(&b);
			return -1;
		}
		if (c == '\\' && i + 1 < n) {
			char d = p[++i];
			const char *rep = NULL;
			switch (d) {
			case 'd': rep = inbr ? "0-9" : "[0-9]"; break;
			case 'D': rep = inbr ? NULL : "[^0-9]"; break;
			case 'w': rep = inbr ? "[:alnum:]_" : "[[:alnum:]_]";
				break;
			case 'W': rep = inbr ? NULL : "[^[:alnum:]_]"; break;
			case 's': rep = inbr ? "[:space:]" : "[[:space:]]";
				break;
			case 'S': rep = inbr ? NULL : "[^[:space:]]"; break;
			case 't': rep = "\t"; break;
			case 'n': rep = "\n"; break;
			case 'r': rep = "\r"; break;
			default: break;
			}
			if (rep) {
				st_buf_puts(&b, rep);
			} else if (inbr) {
				if (d == 'D' || d == 'W' || d == 'S') {
					snprintf(err, errlen, "'\\%c' inside "
					    "brackets is not supported", d);
					st_buf_release(&b);
					return -1;
				}
				/* In POSIX brackets a backslash is literal. */
				st_buf_putc(&b, d);
			} else {
				st_buf_putc(&b, '\\');
				st_buf_putc(&b, d);
			}
			continue;
		}
		st_buf_putc(&b, c);
	}
	int rc = regcomp(re, b.data, REG_EXTENDED |
	    (nosub ? REG_NOSUB : 0));
	st_buf_release(&b);
	if (rc != 0) {
		char m[160];
		regerror(rc, re, m, sizeof m);
		for (char *q = m; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		snprintf(err, errlen, "%s", m);
		return -1;
	}
	return 0;
}
