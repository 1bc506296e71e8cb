/* json.c - see json.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define MAX_DEPTH 512

/* 1 for bytes a string scan must stop at: quote, backslash, control
 * characters and non-ASCII (which needs UTF-8 checks). */
static const unsigned char string_stop[256] = {
	['"'] = 1, ['\\'] = 1,
#define C1(x) [x] = 1
	C1(0), C1(1), C1(2), C1(3), C1(4), C1(5), C1(6), C1(7), C1(8), C1(9),
	C1(10), C1(11), C1(12), C1(13), C1(14), C1(15), C1(16), C1(17),
	C1(18), C1(19), C1(20), C1(21), C1(22), C1(23), C1(24), C1(25),
	C1(26), C1(27), C1(28), C1(29), C1(30), C1(31),
#undef C1
	[128 ... 255] = 1,
};

typedef struct scan {
	const char *base;
	const char *end;
	st_json_err *e;
	/* The fast path (see scan_top): bit i of qmask is set when byte i is
	 * a double quote; NULL on the general path. */
	const uint64_t *qmask;
	size_t nwords;
} scan;

static int
fail(scan *s, const char *at, const char *msg)
{
	if (s->e) {
		s->e->offset = at - s->base;
		s->e->msg = msg;
	}
	return -1;
}

static inline const char *
skip_ws(const char *p, const char *end)
{
	/* Compact JSON, the common case, has no blanks at all. */
	if (p < end && (unsigned char)*p > ' ')
		return p;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/* Checks one UTF-8 sequence starting at p (a byte >= 0x80); returns its
 * length or 0 when invalid (overlongs and surrogates rejected). */
static int
utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	int n;
	unsigned min;
	unsigned cp;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; cp = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; cp = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (end - p < n)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int
hex4(const char *p, unsigned *v)
{
	unsigned x = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= c - '0';
		else if (c >= 'a' && c <= 'f')
			x |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			x |= c - 'A' + 10;
		else
			return -1;
	}
	*v = x;
	return 0;
}

/*
 * Returns the first byte in [p, end) that a string scan must stop at (see
 * string_stop), or end. Most string bodies are plain ASCII, so this is
 * where a scan spends its time: with SSE2 (every x86-64) it tests 16 bytes
 * per step. Bytes >= 0x80 are negative as signed chars, so one signed
 * compare against 0x20 finds both control characters and non-ASCII.
 * Loads never reach past end: the text may end at the edge of a buffer.
 */
static inline const char *
string_run(const char *p, const char *end)
{
#if defined(__SSE2__)
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
		    _mm_cmplt_epi8(v, space));
		unsigned mask = (unsigned)_mm_movemask_epi8(m);
		if (mask)
			return p + __builtin_ctz(mask);
		p += 16;
	}
#endif
	while (p < end && !string_stop[(unsigned char)*p])
		p++;
	return p;
}

/* The byte after the quote that closes the string whose body starts at
 * p, or NULL; clean texts only. */
static inline const char *
next_quote(const scan *s, const char *p)
{
	size_t i = p - s->base, w = i >> 6;
	uint64_t m = s->qmask[w] & (~0ULL << (i & 63));

	while (m == 0) {
		if (++w >= s->nwords)
			return NULL;
		m = s->qmask[w];
	}
	return s->base + (w << 6) + __builtin_ctzll(m) + 1;
}

/* p points at the opening quote. On success *out points past the closing
 * quote and *esc says whether the body had escapes. */
static int
scan_string(scan *s, const char *p, const char **out, int *esc)
{
	const char *end = s->end;
	const char *start = p;

	p++;
	*esc = 0;
	if (s->qmask) {
		/* A clean line: no escapes, no control or non-ASCII bytes,
		 * so the body is valid and ends at the next quote. */
		*out = next_quote(s, p);
		return *out ? 0 : fail(s, start, "unterminated string");
	}
	for (;;) {
		p = string_run(p, end);
		if (p >= end)
			return fail(s, start, "unterminated string");
		unsigned char c = *p;
		if (c == '"') {
			*out = p + 1;
			return 0;
		}
		if (c == '\\') {
			*esc = 1;
			if (p + 1 >= end)
				return fail(s, start, "unterminated string");
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u': {
				unsigned v, w;
				if (end - p < 6 || hex4(p + 2, &v) < 0)
					return fail(s, p, "invalid \\u escape");
				p += 6;
				if (v >= 0xdc00 && v <= 0xdfff)
					return fail(s, p - 6,
					    "invalid \\u escape (lone low surrogate)");
				if (v >= 0xd800 && v <= 0xdbff) {
					if (end - p < 6 || p[0] != '\\' ||
					    p[1] != 'u' || hex4(p + 2, &w) < 0 ||
					    w < 0xdc00 || w > 0xdfff)
						return fail(s, p - 6,
						    "invalid \\u escape (lone high surrogate)");
					p += 6;
				}
				/* \u0000 is valid JSON (RFC 8259): a string
				 * may hold NUL, as Spark's strings do. */
				break;
			}
			default:
				return fail(s, p, "invalid escape in string");
			}
			continue;
		}
		if (c < 0x20)
			return fail(s, p, "control character in string");
		int n = utf8_len((const unsigned char *)p,
		    (const unsigned char *)end);
		if (n == 0)
			return fail(s, p, "invalid UTF-8 in string");
		p += n;
	}
}

/* Skips decimal digits: one compare each, eight at a time where it can. */
static inline const char *
skip_digits(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		if (((v & 0xf0f0f0f0f0f0f0f0ULL) | (((v + 0x0606060606060606ULL) &
		    0xf0f0f0f0f0f0f0f0ULL) >> 4)) != 0x3333333333333333ULL)
			break;
		p += 8;
	}
#endif
	while (p < end && (unsigned)(unsigned char)*p - '0' <= 9)
		p++;
	return p;
}

static int
scan_number(scan *s, const char *p, const char **out)
{
	const char *end = s->end, *start = p;

	if (p < end && *p == '-')
		p++;
	if (p >= end || !(*p >= '0' && *p <= '9'))
		return fail(s, start, "invalid number");
	if (*p == '0')
		p++;
	else
		p = skip_digits(p, end);
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !(*p >= '0' && *p <= '9'))
			return fail(s, start, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !(*p >= '0' && *p <= '9'))
			return fail(s, start, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	*out = p;
	return 0;
}

static int scan_value(scan *s, const char *p, const char **out, int depth);

static int
scan_container(scan *s, const char *p, const char **out, int depth,
    st_fields *f)
{
	const char *end = s->end;
	int obj = *p == '{';
	char close = obj ? '}' : ']';
	const char *open = p;

	if (depth >= MAX_DEPTH)
		return fail(s, p, "nesting too deep");
	p = skip_ws(p + 1, end);
	if (p < end && *p == close) {
		*out = p + 1;
		return 0;
	}
	for (;;) {
		const char *k = NULL, *kend = NULL;
		int kesc = 0;
		if (obj) {
			if (p >= end || *p != '"')
				return fail(s, p >= end ? end : p,
				    p >= end ? "unterminated object" :
				    "expected a string key");
			k = p;
			if (scan_string(s, p, &p, &kesc) < 0)
				return -1;
			kend = p - 1;
			p = skip_ws(p, end);
			if (p >= end || *p != ':')
				return fail(s, p, "expected ':' after key");
			p = skip_ws(p + 1, end);
		}
		const char *v = p;
		int vesc;
		if (p < end && *p == '"') {
			if (scan_string(s, p, &p, &vesc) < 0)
				return -1;
		} else if (scan_value(s, p, &p, depth + 1) < 0) {
			return -1;
		}
		if (f) {
			if (f->n == f->cap) {
				f->cap = f->cap ? f->cap * 2 : 16;
				f->v = st_realloc(f->v, f->cap * sizeof *f->v);
			}
			st_field *fl = &f->v[f->n++];
			fl->key = k ? k + 1 : NULL;
			fl->klen = k ? (uint32_t)(kend - (k + 1)) : 0;
			fl->val = v;
			fl->vlen = (uint32_t)(p - v);
			fl->type = st_json_type(v);
			fl->kesc = kesc;
		}
		p = skip_ws(p, end);
		if (p >= end)
			return fail(s, open, obj ? "unterminated object" :
			    "unterminated array");
		if (*p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (*p == close) {
			*out = p + 1;
			return 0;
		}
		return fail(s, p, obj ? "expected ',' or '}'" :
		    "expected ',' or ']'");
	}
}

static int
lit(scan *s, const char *p, const char **out, const char *word, size_t n)
{
	if ((size_t)(s->end - p) < n || memcmp(p, word, n) != 0)
		return fail(s, p, "invalid literal");
	*out = p + n;
	return 0;
}

static int
scan_value(scan *s, const char *p, const char **out, int depth)
{
	int esc;

	if (p >= s->end)
		return fail(s, p, "expected a value");
	switch (*p) {
	case '"':
		return scan_string(s, p, out, &esc);
	case '{':
	case '[':
		return scan_container(s, p, out, depth, NULL);
	case 't':
		return lit(s, p, out, "true", 4);
	case 'f':
		return lit(s, p, out, "false", 5);
	case 'n':
		return lit(s, p, out, "null", 4);
	default:
		if (*p == '-' || (*p >= '0' && *p <= '9'))
			return scan_number(s, p, out);
		return fail(s, p, "expected a value");
	}
}

/* Lines up to this long may take the fast path (the quote mask lives on
 * the stack). */
#define FAST_MAX 8192

/*
 * Marks the quotes of p[0..n) in qmask, one bit a byte, and returns 1 when
 * the text is clean: no backslash, no byte below 0x20 (so no tab or
 * newline either) and none above 0x7f. Most machine-written NDJSON is
 * clean, and in a clean text every quote opens or closes a string whose
 * body needs no check, so strings are found by bit scans instead of byte
 * by byte (the idea of simdjson's structural index, kept small).
 */
static int
mark_quotes(const char *p, size_t n, uint64_t *qmask)
{
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);
	__m128i bad = _mm_setzero_si128();
#define LOAD(at) _mm_loadu_si128((const __m128i *)(const void *)(p + (at)))
#define BAD(v) _mm_or_si128(_mm_cmpeq_epi8(v, bslash), \
	    _mm_cmplt_epi8(v, space))
#define QUOTES(v) ((uint64_t)(unsigned)_mm_movemask_epi8( \
	    _mm_cmpeq_epi8(v, quote)))

	/* Whole 64-byte words first: each mask word is stored once. */
	for (; i + 64 <= n; i += 64) {
		__m128i a = LOAD(i), b = LOAD(i + 16), c = LOAD(i + 32),
		    d = LOAD(i + 48);
		bad = _mm_or_si128(bad, _mm_or_si128(_mm_or_si128(BAD(a),
		    BAD(b)), _mm_or_si128(BAD(c), BAD(d))));
		qmask[i >> 6] = QUOTES(a) | QUOTES(b) << 16 |
		    QUOTES(c) << 32 | QUOTES(d) << 48;
	}
	if (i < n)
		qmask[i >> 6] = 0;
	for (; i + 16 <= n; i += 16) {
		__m128i v = LOAD(i);
		bad = _mm_or_si128(bad, BAD(v));
		qmask[i >> 6] |= QUOTES(v) << (i & 63);
	}
	if (i < n && n >= 16) {
		/* The last bytes: one load that ends at the end of the text,
		 * its already-seen leading bytes shifted out. */
		unsigned skip = (unsigned)(i - (n - 16));
		__m128i v = LOAD(n - 16);
		if ((unsigned)_mm_movemask_epi8(BAD(v)) >> skip)
			return 0;
		qmask[i >> 6] |= (QUOTES(v) >> skip) << (i & 63);
		i = n;
	}
	if (_mm_movemask_epi8(bad))
		return 0;
#undef LOAD
#undef BAD
#undef QUOTES
#else
	if (n)
		memset(qmask, 0, ((n + 63) >> 6) * sizeof *qmask);
#endif
	for (; i < n; i++) {
		unsigned char c = p[i];
		if (c == '"')
			qmask[i >> 6] |= 1ULL << (i & 63);
		else if (c == '\\' || c < 0x20 || c > 0x7f)
			return 0;
	}
	return 1;
}

static inline void
push_field(st_fields *f, const char *k, const char *kend, const char *v,
    const char *vend, uint8_t type)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = st_realloc(f->v, f->cap * sizeof *f->v);
	}
	st_field *fl = &f->v[f->n++];
	fl->key = k;
	fl->klen = (uint32_t)(kend - k);
	fl->val = v;
	fl->vlen = (uint32_t)(vend - v);
	fl->type = type;
	fl->kesc = 0;
}

/*
 * The top-level object of a clean text (see mark_quotes), p at its '{':
 * one tight loop over the members, strings found by bit scans, nested
 * containers handed to scan_container. Returns 0 with *out past the '}',
 * or -1 on any error (the caller then scans again the general way, which
 * says why).
 */
static int
scan_fast_object(scan *s, const char *p, const char **out, st_fields *f)
{
	const char *end = s->end;

	p = skip_ws(p + 1, end);
	if (p < end && *p == '}') {
		*out = p + 1;
		return 0;
	}
	for (;;) {
		if (p >= end || *p != '"')
			return -1;
		const char *k = p + 1;
		p = next_quote(s, k);
		if (p == NULL)
			return -1;
		const char *kend = p - 1;
		if (p < end && *p == ':')
			p++;
		else {
			p = skip_ws(p, end);
			if (p >= end || *p != ':')
				return -1;
			p++;
		}
		p = skip_ws(p, end);
		if (p >= end)
			return -1;
		const char *v = p;
		uint8_t type;
		switch (*p) {
		case '"':
			p = next_quote(s, p + 1);
			if (p == NULL)
				return -1;
			type = ST_J_STRING;
			break;
		case '{':
		case '[':
			if (scan_container(s, p, &p, 1, NULL) < 0)
				return -1;
			type = *v == '{' ? ST_J_OBJECT : ST_J_ARRAY;
			break;
		case '-': case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			if (scan_number(s, p, &p) < 0)
				return -1;
			type = ST_J_NUMBER;
			break;
		default:
			if (scan_value(s, p, &p, 1) < 0)
				return -1;
			type = st_json_type(v);
		}
		if (f)
			push_field(f, k, kend, v, p, type);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		p = skip_ws(p, end);
		if (p < end && *p == '}') {
			*out = p + 1;
			return 0;
		}
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		return -1;
	}
}

static int
scan_top(const char *p, size_t n, st_fields *f, st_json_err *e, char want)
{
	scan s = { p, p + n, e, NULL, 0 };
	uint64_t qmask[FAST_MAX / 64];
	const char *q;

	if (n <= FAST_MAX && mark_quotes(p, n, qmask)) {
		/* On any error, scan again the general way: it says why. */
		scan fast = { p, p + n, NULL, qmask, (n + 63) >> 6 };
		q = skip_ws(p, p + n);
		if (f)
			f->n = 0;
		if (q < fast.end && *q == want && (want == '{' ?
		    scan_fast_object(&fast, q, &q, f) :
		    scan_container(&fast, q, &q, 0, f)) == 0 &&
		    skip_ws(q, fast.end) == fast.end)
			return 0;
	}
	q = skip_ws(p, p + n);
	if (f)
		f->n = 0;
	if (q >= s.end || *q != want)
		return fail(&s, q, want == '{' ? "expected a JSON object" :
		    "expected a JSON array");
	if (scan_container(&s, q, &q, 0, f) < 0)
		return -1;
	q = skip_ws(q, s.end);
	if (q != s.end)
		return fail(&s, q, "unexpected text after the JSON value");
	return 0;
}

int
st_json_scan_object(const char *p, size_t n, st_fields *f, st_json_err *e)
{
	return scan_top(p, n, f, e, '{');
}

int
st_json_scan_array(const char *p, size_t n, st_fields *f, st_json_err *e)
{
	return scan_top(p, n, f, e, '[');
}

int
st_json_validate(const char *p, size_t n, st_json_err *e)
{
	scan s = { p, p + n, e, NULL, 0 };
	const char *q = skip_ws(p, p + n);

	if (scan_value(&s, q, &q, 0) < 0)
		return -1;
	q = skip_ws(q, s.end);
	if (q != s.end)
		return fail(&s, q, "unexpected text after the JSON value");
	return 0;
}

void
st_fields_release(st_fields *f)
{
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

st_jtype
st_json_type(const char *v)
{
	switch (*v) {
	case '"': return ST_J_STRING;
	case '{': return ST_J_OBJECT;
	case '[': return ST_J_ARRAY;
	case 't': return ST_J_TRUE;
	case 'f': return ST_J_FALSE;
	case 'n': return ST_J_NULL;
	default: return ST_J_NUMBER;
	}
}

/* Writes code point cp as UTF-8 at o; returns the byte count. */
static size_t
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
st_json_unescape_into(const char *s, size_t n, char *out)
{
	const char *end = s + n, *run = s;
	char *q = out;

	while (s < end) {
		const char *bs = memchr(s, '\\', end - s);
		if (bs == NULL)
			break;
		memcpy(q, run, bs - run);
		q += bs - run;
		s = bs + 1;
		switch (*s++) {
		case 'b': *q++ = '\b'; break;
		case 'f': *q++ = '\f'; break;
		case 'n': *q++ = '\n'; break;
		case 'r': *q++ = '\r'; break;
		case 't': *q++ = '\t'; break;
		case 'u': {
			unsigned v, w;
			hex4(s, &v);
			s += 4;
			if (v >= 0xd800 && v <= 0xdbff && s + 6 <= end) {
				hex4(s + 2, &w);
				s += 6;
				v = 0x10000 + ((v - 0xd800) << 10) +
				    (w - 0xdc00);
			}
			q += put_utf8(q, v);
			break;
		}
		default: *q++ = s[-1]; break;
		}
		run = s;
	}
	memcpy(q, run, end - run);
	q += end - run;
	return (size_t)(q - out);
}

int
st_json_unescape(const char *s, size_t n, st_buf *out)
{
	/* The decoded text is never longer than the escaped one. */
	st_buf_grow(out, n);
	out->len += st_json_unescape_into(s, n, out->data + out->len);
	out->data[out->len] = '\0';
	return 0;
}

int
st_json_key_eq(const st_field *f, const char *name, size_t len)
{
	if (!f->kesc)
		return f->klen == len && memcmp(f->key, name, len) == 0;
	st_buf t = ST_BUF_INIT;
	st_json_unescape(f->key, f->klen, &t);
	int eq = t.len == len && memcmp(t.data, name, len) == 0;
	st_buf_release(&t);
	return eq;
}

int
st_json_number(const char *s, size_t n, int64_t *iv, double *dv)
{
	const char *p = s, *end = s + n;
	int neg = 0;
	uint64_t u = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	/* Up to 18 digits cannot overflow; longer ones go to strtod/strtoll.
	 * Event times (13 digits for epoch ms) pass here once or twice per
	 * record in stateful tools: one bound and one compare per digit. */
	const char *lim = end - p > 18 ? p + 18 : end;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Eight digits at once (Lemire's SWAR parse) when all eight are. */
	if (lim - p >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		if ((((v & 0xf0f0f0f0f0f0f0f0ULL) |
		    (((v + 0x0606060606060606ULL) & 0xf0f0f0f0f0f0f0f0ULL) >>
		    4)) == 0x3333333333333333ULL)) {
			v -= 0x3030303030303030ULL;
			v = v * 10 + (v >> 8);
			v = (((v & 0x000000ff000000ffULL) *
			    (100 + (1000000ULL << 32))) +
			    (((v >> 16) & 0x000000ff000000ffULL) *
			    (1 + (10000ULL << 32)))) >> 32;
			u = (uint32_t)v;
			p += 8;
		}
	}
#endif
	while (p < lim) {
		unsigned d = (unsigned char)*p - '0';
		if (d > 9)
			break;
		u = u * 10 + d;
		p++;
	}
	if (p == end) {
		*iv = neg ? -(int64_t)u : (int64_t)u;
		return 1;
	}
	/* strtod wants a terminated string; numbers that do not fit the
	 * stack copy (many digits are valid JSON) get a heap one. */
	char small[64];
	char *tmp = n < sizeof small ? small : st_malloc(n + 1);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (memchr(tmp, '.', n) == NULL && memchr(tmp, 'e', n) == NULL &&
	    memchr(tmp, 'E', n) == NULL) {
		errno = 0;
		long long ll = strtoll(tmp, NULL, 10);
		if (errno == 0) {
			if (tmp != small)
				free(tmp);
			*iv = ll;
			return 1;
		}
	}
	*dv = strtod(tmp, NULL);
	if (tmp != small)
		free(tmp);
	return 0;
}

int
st_json_object_get(const char *obj, size_t n, const char *name, size_t len,
    st_fields *scratch, st_field *out)
{
	if (n == 0 || *obj != '{')
		return 0;
	if (st_json_scan_object(obj, n, scratch, NULL) < 0)
		return 0;
	for (uint32_t i = scratch->n; i-- > 0;) {
		if (st_json_key_eq(&scratch->v[i], name, len)) {
			*out = scratch->v[i];
			return 1;
		}
	}
	return 0;
}

void
st_objw_begin(st_objw *w, st_buf *b)
{
	w->b = b;
	w->n = 0;
	st_buf_putc(b, '{');
}

void
st_objw_key_raw(st_objw *w, const char *key, size_t klen)
{
	st_buf *b = w->b;

	/* One capacity check for the four pieces (see st_objw_raw). */
	if (b->cap - b->len <= klen + 4)
		st_buf_grow(b, klen + 4);
	char *p = b->data + b->len;
	if (w->n++)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, klen);
	p += klen;
	*p++ = '"';
	*p++ = ':';
	*p = '\0';
	b->len = p - b->data;
}

void
st_objw_key(st_objw *w, const char *key)
{
	if (w->n++)
		st_buf_putc(w->b, ',');
	st_buf_put_json_string(w->b, key, strlen(key));
	st_buf_putc(w->b, ':');
}

void
st_objw_raw(st_objw *w, const char *key, size_t klen, const char *val,
    size_t vlen)
{
	st_buf *b = w->b;
	size_t need = klen + vlen + 4;

	/* The hot path of every edited record: one capacity check, then
	 * plain copies, rather than a check per piece. */
	if (b->cap - b->len <= need)
		st_buf_grow(b, need);
	char *p = b->data + b->len;
	if (w->n++)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, klen);
	p += klen;
	*p++ = '"';
	*p++ = ':';
	memcpy(p, val, vlen);
	p += vlen;
	*p = '\0';
	b->len = p - b->data;
}

void
st_objw_end(st_objw *w)
{
	st_buf_putc(w->b, '}');
}
