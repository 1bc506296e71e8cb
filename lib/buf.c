/* buf.c - see buf.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "err.h"

char st_buf_empty[1];

void
st_buf_grow(st_buf *b, size_t n)
{
	size_t need = b->len + n + 1;
	size_t cap = b->cap ? b->cap : 64;

	while (cap < need)
		cap *= 2;
	if (cap != b->cap) {
		/* Until it owns bytes, data is st_buf_empty (or NULL). */
		b->data = st_realloc(b->cap ? b->data : NULL, cap);
		if (b->cap == 0)
			b->data[0] = '\0';
		b->cap = cap;
	}
}

void
st_buf_release(st_buf *b)
{
	if (b->cap)
		free(b->data);
	st_buf_init(b);
}

char *
st_buf_detach(st_buf *b, size_t *len)
{
	char *p;

	if (b->cap == 0)
		st_buf_grow(b, 0);
	b->data[b->len] = '\0';
	p = b->data;
	if (len)
		*len = b->len;
	st_buf_init(b);
	return p;
}

void
st_buf_printf(st_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->cap ? b->data + b->len : NULL,
	    b->cap ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= (b->cap ? b->cap - b->len : 0)) {
		st_buf_grow(b, n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += n;
}

void
st_buf_put_i64(st_buf *b, int64_t v)
{
	/* Two digits per division, from a table of the pairs 00..99. */
	static const char pairs[201] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	char tmp[24];
	char *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	while (u >= 100) {
		unsigned r = (unsigned)(u % 100);
		u /= 100;
		p -= 2;
		memcpy(p, pairs + 2 * r, 2);
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	if (v < 0)
		*--p = '-';
	st_buf_add(b, p, tmp + sizeof tmp - p);
}

size_t
st_utf8_valid_len(const unsigned char *p, size_t n, size_t *bad)
{
	unsigned c = p[0];
	size_t len, i;
	unsigned lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* no overlongs */
		else if (c == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	/* The maximal valid prefix is one ill-formed subsequence (Unicode
	 * 3.9, U+FFFD substitution of maximal subparts, as Java decodes). */
	for (i = 1; i < len; i++) {
		unsigned char d = i < n ? p[i] : 0;
		if (i >= n || d < lo || d > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

/* The bytes a JSON string holds as they are: printable ASCII (and DEL)
 * but '"' and '\\'. */
static const unsigned char json_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The JSON string literal of s[0..n): 0, or, when strict, -1 with b as it
 * was if s is not valid UTF-8. One pass writing straight into b: room for
 * every byte as it is was made first; an escape, a multi-byte sequence or
 * a U+FFFD makes room for the rest again before it writes (at most 6
 * bytes for 1). */
static int
put_json_string(st_buf *b, const char *s, size_t n, int strict)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t start = b->len;

	st_buf_grow(b, n + 2);
	char *o = b->data + b->len;
	*o++ = '"';
	while (p < e) {
		unsigned c = *p;
		if (json_plain[c]) {
			*o++ = (char)c;
			p++;
			continue;
		}
		if ((size_t)(b->data + b->cap - o) < (size_t)(e - p) + 8) {
			b->len = (size_t)(o - b->data);
			st_buf_grow(b, (size_t)(e - p) + 8);
			o = b->data + b->len;
		}
		if (c >= 0x80) {
			size_t bad, k = st_utf8_valid_len(p, (size_t)(e - p),
			    &bad);
			if (k) {
				memcpy(o, p, k);
				o += k;
				p += k;
				continue;
			}
			if (strict) {
				b->len = start;
				b->data[start] = '\0';
				return -1;
			}
			/* Invalid UTF-8 becomes U+FFFD: the output is
			 * always valid JSON text. */
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p += bad;
			continue;
		}
		p++;
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
		}
	}
	*o++ = '"';
	*o = '\0';
	b->len = (size_t)(o - b->data);
	return 0;
}

void
st_buf_put_json_string(st_buf *b, const char *s, size_t n)
{
	(void)put_json_string(b, s, n, 0);
}

int
st_buf_put_json_utf8(st_buf *b, const char *s, size_t n)
{
	return put_json_string(b, s, n, 1);
}

void
st_buf_put_double(st_buf *b, double d)
{
	char tmp[40];
	int n;

	if (!isfinite(d)) {
		/* JSON has no such numbers: Spark's writer (Jackson, quoting
		 * non-numeric numbers) writes them as strings, which Spark's
		 * and st's readers take back as doubles. */
		st_buf_puts(b, isnan(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" :
		    "\"-Infinity\"");
		return;
	}
	/* The range test first: converting a double beyond int64 is
	 * undefined (found by tests/fuzz/fuzz_expr.c). */
	if (fabs(d) < 1e15 && d == (double)(int64_t)d) {
		st_buf_put_i64(b, (int64_t)d);
		st_buf_add(b, ".0", 2);
		return;
	}
	/* The shortest of %.15g..%.17g that round-trips. */
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	st_buf_add(b, tmp, n);
}

void
st_buf_put_size(st_buf *b, int64_t n)
{
	if (n < 1024)
		st_buf_printf(b, "%lld B", (long long)n);
	else if (n < 1024 * 1024)
		st_buf_printf(b, "%.1f kB", n / 1024.0);
	else if (n < 1024LL * 1024 * 1024)
		st_buf_printf(b, "%.1f MB", n / (1024.0 * 1024));
	else
		st_buf_printf(b, "%.1f GB", n / (1024.0 * 1024 * 1024));
}
