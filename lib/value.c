/*
 * value.c - typed values: arena, JSON in and out, casts, order and hash.
 */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "column.h"
#include "err.h"
#include "hash.h"
#include "datetime.h"
#include "value.h"

/* ---- arena ---------------------------------------------------------- */

struct st_arena_chunk {
	st_arena_chunk *prev;
	size_t cap;
	max_align_t data[];
};

#define ARENA_CHUNK (64 * 1024)
#define ARENA_ALIGN (sizeof(max_align_t))

void *
st_arena_alloc(st_arena *a, size_t n)
{
	n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (n == 0)
		n = ARENA_ALIGN;
	if (!a->head || a->head->cap - a->used < n) {
		/* A big request gets a chunk of its own, so one huge string
		 * does not waste the rest of a normal chunk. */
		size_t cap = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		st_arena_chunk *c = st_malloc(sizeof *c + cap);
		c->cap = cap;
		c->prev = a->head;
		a->head = c;
		a->used = 0;
	}
	void *p = (char *)a->head->data + a->used;
	a->used += n;
	return p;
}

char *
st_arena_strndup(st_arena *a, const char *s, size_t n)
{
	char *p = st_arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
st_arena_reset(st_arena *a)
{
	if (!a->head)
		return;
	while (a->head->prev) {
		st_arena_chunk *p = a->head->prev;
		free(a->head);
		a->head = p;
	}
	a->used = 0;
}

void
st_arena_release(st_arena *a)
{
	while (a->head) {
		st_arena_chunk *p = a->head->prev;
		free(a->head);
		a->head = p;
	}
	a->used = 0;
}

/* ---- types ---------------------------------------------------------- */

static const char *const type_names[] = {
	"NULL", "BOOLEAN", "INT", "BIGINT", "DOUBLE", "DECIMAL", "STRING",
	"TIMESTAMP", "DATE", "INTERVAL", "ARRAY", "STRUCT", "DECIMAL"
};

const char *
st_vtype_name(st_vtype t)
{
	return (unsigned)t < sizeof type_names / sizeof *type_names ?
	    type_names[t] : "?";
}

static const st_type simple_types[] = {
	{ ST_V_NULL }, { ST_V_BOOLEAN }, { ST_V_INT }, { ST_V_BIGINT },
	{ ST_V_DOUBLE }, { ST_V_DECIMAL, 10, 0 }, { ST_V_STRING },
	{ ST_V_TIMESTAMP }, { ST_V_DATE }, { ST_V_INTERVAL }, { ST_V_ARRAY },
	{ ST_V_STRUCT }
};

const st_type *
st_type_simple(st_vtype kind)
{
	return &simple_types[kind];
}

void
st_type_format_name(st_buf *b, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	int plain = *p && (isalpha(*p) || *p == '_' || *p >= 0x80);

	for (; plain && *p; p++)
		if (!(isalnum(*p) || *p == '_' || *p >= 0x80))
			plain = 0;
	if (plain)
		st_buf_puts(b, name);
	else
		st_column_put_quoted(b, name, '`');
}

void
st_type_format(st_buf *b, const st_type *t)
{
	switch (t->kind) {
	case ST_V_DECIMAL:
		st_buf_printf(b, "DECIMAL(%u,%u)", t->prec, t->scale);
		break;
	case ST_V_ARRAY:
		st_buf_puts(b, "ARRAY<");
		if (t->elem)
			st_type_format(b, t->elem);
		st_buf_putc(b, '>');
		break;
	case ST_V_STRUCT:
		st_buf_puts(b, "STRUCT<");
		for (uint32_t i = 0; i < t->nfields; i++) {
			if (i)
				st_buf_puts(b, ", ");
			st_type_format_name(b, t->names[i]);
			st_buf_puts(b, ": ");
			st_type_format(b, t->ftypes[i]);
		}
		st_buf_putc(b, '>');
		break;
	default:
		st_buf_puts(b, st_vtype_name(t->kind));
	}
}

/* ---- values --------------------------------------------------------- */

st_value
st_v_array(st_arena *a, uint32_t n)
{
	st_value v = { ST_V_ARRAY };
	v.u.a.n = n;
	v.u.a.v = st_arena_alloc(a, (n ? n : 1) * sizeof(st_value));
	memset(v.u.a.v, 0, (n ? n : 1) * sizeof(st_value));
	return v;
}

st_value
st_v_struct(st_arena *a, uint32_t n)
{
	st_value v = st_v_array(a, n);
	v.type = ST_V_STRUCT;
	v.u.a.names = st_arena_alloc(a, (n ? n : 1) * sizeof(char *));
	v.u.a.nlens = st_arena_alloc(a, (n ? n : 1) * sizeof(uint32_t));
	memset(v.u.a.names, 0, (n ? n : 1) * sizeof(char *));
	memset(v.u.a.nlens, 0, (n ? n : 1) * sizeof(uint32_t));
	return v;
}

st_value
st_v_string_copy(st_arena *a, const char *p, size_t n)
{
	return st_v_string(st_arena_strndup(a, p, n), n);
}

const st_value *
st_value_struct_get(const st_value *s, const char *name, size_t len)
{
	if (s->type != ST_V_STRUCT)
		return NULL;
	for (uint32_t i = 0; i < s->u.a.n; i++)
		if (s->u.a.nlens[i] == len &&
		    memcmp(s->u.a.names[i], name, len) == 0)
			return &s->u.a.v[i];
	for (uint32_t i = 0; i < s->u.a.n; i++)
		if (s->u.a.nlens[i] == len &&
		    strncasecmp(s->u.a.names[i], name, len) == 0)
			return &s->u.a.v[i];
	return NULL;
}

static double
decimal_to_double(int64_t u, int scale)
{
	return (double)u / (double)st_pow10[scale];
}

double
st_value_to_double(const st_value *v)
{
	switch (v->type) {
	case ST_V_INT:
	case ST_V_BIGINT:
		return (double)v->u.i;
	case ST_V_DOUBLE:
		return v->u.d;
	case ST_V_DECIMAL:
		return decimal_to_double(v->u.i, v->scale);
	case ST_V_BIGDEC:
		return (double)(long double)st_value_wide(v);
	default:
		return 0;
	}
}

/* ---- JSON in -------------------------------------------------------- */

/* Decodes a validated JSON string body: borrowed when it has no escapes,
 * else decoded into the arena by the toolkit's one unescaper (json.h). */
static st_value
unescape_string(st_arena *a, const char *s, size_t n)
{
	if (!memchr(s, '\\', n))
		return st_v_string(s, n);
	char *o = st_arena_alloc(a, n + 1);
	size_t m = st_json_unescape_into(s, n, o);
	o[m] = '\0';
	return st_v_string(o, m);
}

int
st_value_parse_integer(const char *s, size_t n, st_value *out)
{
	const char *p = s, *end = s + n;
	int neg = p < end && *p == '-';
	st_i128 x = 0;

	if (neg)
		p++;
	if (p == end || end - p > 38)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		x = x * 10 + (*p - '0');
	}
	*out = st_v_wide(neg ? -x : x);
	return 0;
}

/* A validated JSON number: BIGINT, BIGDEC for an integer beyond 64 bits
 * (up to 38 digits, as Spark infers DECIMAL(p,0)), else DOUBLE (1e400 is
 * Infinity, a double like any other). */
static st_value
number_value(const char *p, size_t n)
{
	int64_t iv;
	double dv;
	st_value v;

	if (st_json_number(p, n, &iv, &dv))
		return st_v_bigint(iv);
	if (st_value_parse_integer(p, n, &v) == 0)
		return v;
	return st_v_double(dv);
}

/* Reads one validated JSON value text (no blanks around it). Containers go
 * through the scanner (json.h), one level at a time. */
static int
read_value(st_arena *a, const char *p, size_t n, st_value *out)
{
	switch (st_json_type(p)) {
	case ST_J_STRING:
		*out = unescape_string(a, p + 1, n - 2);
		return 0;
	case ST_J_TRUE:
		*out = st_v_bool(1);
		return 0;
	case ST_J_FALSE:
		*out = st_v_bool(0);
		return 0;
	case ST_J_NULL:
		*out = st_v_null();
		return 0;
	case ST_J_NUMBER:
		*out = number_value(p, n);
		return 0;
	default:
		break;
	}
	int object = *p == '{';
	st_fields f = { 0 };
	if ((object ? st_json_scan_object(p, n, &f, NULL) :
	    st_json_scan_array(p, n, &f, NULL)) < 0) {
		st_fields_release(&f);
		*out = st_v_null();
		return -1;
	}
	*out = object ? st_v_struct(a, f.n) : st_v_array(a, f.n);
	for (uint32_t i = 0; i < f.n; i++) {
		if (object) {
			st_value k = unescape_string(a, f.v[i].key, f.v[i].klen);
			out->u.a.names[i] = k.u.s.p;
			out->u.a.nlens[i] = (uint32_t)k.u.s.n;
		}
		(void)read_value(a, f.v[i].val, f.v[i].vlen, &out->u.a.v[i]);
	}
	st_fields_release(&f);
	return 0;
}

int
st_value_from_json(st_arena *a, const char *text, size_t n, st_value *out)
{
	const char *p = text, *end = text + n;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (p == end) {
		*out = st_v_null();
		return -1;
	}
	return read_value(a, p, (size_t)(end - p), out);
}

int
st_value_from_field(st_arena *a, const st_field *f, st_value *out)
{
	/* A scanned field's value text is exact (no blanks around it). */
	return read_value(a, f->val, f->vlen, out);
}

int
st_value_parse_json(st_arena *a, const char *text, size_t n, st_value *out)
{
	st_json_err e;
	if (st_json_validate(text, n, &e) < 0) {
		*out = st_v_null();
		return -1;
	}
	return st_value_from_json(a, text, n, out);
}

/* ---- JSON and text out ---------------------------------------------- */

static void
put_decimal(st_buf *b, int64_t u, int scale)
{
	uint64_t m = u < 0 ? -(uint64_t)u : (uint64_t)u;
	if (u < 0)
		st_buf_putc(b, '-');
	if (scale == 0) {
		st_buf_printf(b, "%llu", (unsigned long long)m);
		return;
	}
	uint64_t p = (uint64_t)st_pow10[scale];
	st_buf_printf(b, "%llu.%0*llu", (unsigned long long)(m / p), scale,
	    (unsigned long long)(m % p));
}

/* Appends the decimal digits of a 128-bit integer. */
static void
put_wide(st_buf *b, st_i128 x)
{
	char tmp[48], *p = tmp + sizeof tmp;
	st_u128 u = x < 0 ? -(st_u128)x : (st_u128)x;

	do {
		*--p = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (x < 0)
		*--p = '-';
	st_buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

void
st_value_write_text(st_buf *b, const st_value *v)
{
	switch (v->type) {
	case ST_V_NULL:
		break;
	case ST_V_BOOLEAN:
		st_buf_puts(b, v->u.b ? "true" : "false");
		break;
	case ST_V_INT:
	case ST_V_BIGINT:
		st_buf_put_i64(b, v->u.i);
		break;
	case ST_V_DOUBLE:
		if (isnan(v->u.d))
			st_buf_puts(b, "NaN");
		else if (isinf(v->u.d))
			st_buf_puts(b, v->u.d > 0 ? "Infinity" : "-Infinity");
		else
			st_buf_put_double(b, v->u.d);
		break;
	case ST_V_DECIMAL:
		put_decimal(b, v->u.i, v->scale);
		break;
	case ST_V_BIGDEC:
		put_wide(b, st_value_wide(v));
		break;
	case ST_V_STRING:
		st_buf_add(b, v->u.s.p, v->u.s.n);
		break;
	case ST_V_TIMESTAMP:
		st_format_timestamp(b, v->u.i);
		break;
	case ST_V_DATE:
		st_format_date(b, (int32_t)v->u.i);
		break;
	case ST_V_INTERVAL:
		st_format_duration(b, v->u.i);
		break;
	case ST_V_ARRAY:
	case ST_V_STRUCT:
		st_value_write_json(b, v);
		break;
	}
}

void
st_value_write_json(st_buf *b, const st_value *v)
{
	switch (v->type) {
	case ST_V_NULL:
		st_buf_add(b, "null", 4);
		break;
	case ST_V_BOOLEAN:
	case ST_V_INT:
	case ST_V_BIGINT:
	case ST_V_DECIMAL:
	case ST_V_BIGDEC:
		st_value_write_text(b, v);
		break;
	case ST_V_DOUBLE:
		st_buf_put_double(b, v->u.d);
		break;
	case ST_V_STRING:
		st_buf_put_json_string(b, v->u.s.p, v->u.s.n);
		break;
	case ST_V_TIMESTAMP:
	case ST_V_DATE:
	case ST_V_INTERVAL:
		st_buf_putc(b, '"');
		st_value_write_text(b, v);
		st_buf_putc(b, '"');
		break;
	case ST_V_ARRAY:
		st_buf_putc(b, '[');
		for (uint32_t i = 0; i < v->u.a.n; i++) {
			if (i)
				st_buf_putc(b, ',');
			st_value_write_json(b, &v->u.a.v[i]);
		}
		st_buf_putc(b, ']');
		break;
	case ST_V_STRUCT:
		st_buf_putc(b, '{');
		for (uint32_t i = 0; i < v->u.a.n; i++) {
			if (i)
				st_buf_putc(b, ',');
			st_buf_put_json_string(b, v->u.a.names[i],
			    v->u.a.nlens[i]);
			st_buf_putc(b, ':');
			st_value_write_json(b, &v->u.a.v[i]);
		}
		st_buf_putc(b, '}');
		break;
	}
}

/* ---- casts ---------------------------------------------------------- */

/* Trims ASCII blanks (Spark trims whitespace before numeric casts). */
static void
trim(const char **p, size_t *n)
{
	while (*n && isspace((unsigned char)**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*p)[*n - 1]))
		(*n)--;
}

/* Parses [+-]digits[.digits] truncating the fraction (Spark's
 * UTF8String.toLong). Returns 0 or -1 on bad text or overflow. */
static int
str_to_i64(const char *p, size_t n, int64_t *out)
{
	trim(&p, &n);
	size_t i = 0;
	int neg = 0;
	if (i < n && (p[i] == '+' || p[i] == '-'))
		neg = p[i++] == '-';
	size_t d0 = i;
	uint64_t u = 0;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		unsigned dg = (unsigned)(p[i] - '0');
		if (u > (UINT64_MAX - dg) / 10)
			return -1;
		u = u * 10 + dg;
	}
	int ndig = (int)(i - d0);
	if (i < n && p[i] == '.') {
		i++;
		size_t f0 = i;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
		ndig += (int)(i - f0);
	}
	if (i != n || ndig == 0)
		return -1;
	if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

static int
str_to_double(const char *p, size_t n, double *out)
{
	char tmp[128];
	trim(&p, &n);
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (strcmp(tmp, "Infinity") == 0 || strcmp(tmp, "+Infinity") == 0) {
		*out = INFINITY;
		return 0;
	}
	if (strcmp(tmp, "-Infinity") == 0) {
		*out = -INFINITY;
		return 0;
	}
	/* strtod also takes hex floats and "inf"; Spark's Java parser does
	 * not read hex, so refuse an 'x'. */
	if (strchr(tmp, 'x') || strchr(tmp, 'X'))
		return -1;
	char *e;
	errno = 0;
	double d = strtod(tmp, &e);
	if (*e != '\0')
		return -1;
	/* A trailing 'd'/'f' (Java float suffix) is accepted by Spark. */
	*out = d;
	return 0;
}

/* Parses a decimal text into unscaled at scale, rounding half up.
 * Returns 0 or -1 (bad text, or more than prec digits). */
static int
str_to_decimal(const char *p, size_t n, int prec, int scale, int64_t *out)
{
	trim(&p, &n);
	size_t i = 0;
	int neg = 0;
	if (i < n && (p[i] == '+' || p[i] == '-'))
		neg = p[i++] == '-';
	/* Collect significant digits and the decimal exponent. */
	char dig[64];
	int nd = 0, exp10 = 0, seen_dot = 0, any = 0;
	for (; i < n; i++) {
		char c = p[i];
		if (c >= '0' && c <= '9') {
			any = 1;
			if (nd == 0 && c == '0') {
				if (seen_dot)
					exp10--;
				continue;
			}
			if (nd >= 40)
				return -1;
			dig[nd++] = c;
			if (seen_dot)
				exp10--;
		} else if (c == '.' && !seen_dot) {
			seen_dot = 1;
		} else {
			break;
		}
	}
	if (!any)
		return -1;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		int eneg = 0, ev = 0, ed = 0;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			eneg = p[i++] == '-';
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++, ed++)
			if (ev < 10000)
				ev = ev * 10 + (p[i] - '0');
		if (!ed)
			return -1;
		exp10 += eneg ? -ev : ev;
	}
	if (i != n)
		return -1;
	/* value = digits * 10^exp10; want digits * 10^(exp10 + scale). */
	int shift = exp10 + scale;
	uint64_t u = 0;
	int keep = nd + (shift < 0 ? shift : 0);
	if (keep < 0)
		keep = 0;
	for (int k = 0; k < keep; k++) {
		if (u > UINT64_MAX / 10 - 10)
			return -1;
		u = u * 10 + (uint64_t)(dig[k] - '0');
	}
	if (shift > 0) {
		for (int k = 0; k < shift; k++) {
			if (u > UINT64_MAX / 10)
				return -1;
			u *= 10;
		}
	} else if (keep < nd && dig[keep] >= '5') {
		u++;
	}
	if (prec > 18)
		prec = 18;
	if (u >= (uint64_t)st_pow10[prec])
		return -1;
	*out = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

/* Rescales a decimal to another scale (half up) and checks precision. */
static int
decimal_rescale(int64_t u, int from, int prec, int to, int64_t *out)
{
	if (prec > 18)
		prec = 18;
	if (to >= from) {
		int64_t m = st_pow10[to - from];
		if (u != 0 && (u > INT64_MAX / m || u < -(INT64_MAX / m)))
			return -1;
		u *= m;
	} else {
		int64_t m = st_pow10[from - to];
		int64_t q = u / m, r = u % m;
		if (r * 2 >= m)
			q++;
		else if (r * 2 <= -m)
			q--;
		u = q;
	}
	if (u >= st_pow10[prec] || u <= -st_pow10[prec])
		return -1;
	*out = u;
	return 0;
}

static int
double_to_decimal(double d, int prec, int scale, int64_t *out)
{
	if (!isfinite(d))
		return -1;
	double s = round(d * (double)st_pow10[scale]);
	if (prec > 18)
		prec = 18;
	if (fabs(s) >= (double)st_pow10[prec])
		return -1;
	*out = (int64_t)s;
	return 0;
}

/*
 * Java's (long) and (int) of a double: truncation, saturation at the
 * type's bounds lo and hi, NaN -> 0. (double)INT64_MAX rounds up to 2^63,
 * so d at or past it saturates before the cast could overflow.
 */
static int64_t
double_to_int(double d, int64_t lo, int64_t hi)
{
	if (isnan(d))
		return 0;
	if (d >= (double)hi)
		return hi;
	if (d <= (double)lo)
		return lo;
	return (int64_t)d;
}

static int64_t
double_to_i64(double d)
{
	return double_to_int(d, INT64_MIN, INT64_MAX);
}

static int32_t
double_to_i32(double d)
{
	return (int32_t)double_to_int(d, INT32_MIN, INT32_MAX);
}

static int32_t
wrap32(int64_t i)
{
	return (int32_t)(uint32_t)(uint64_t)i;
}

/* Reads a value as an integer for INT/BIGINT casts. Returns 0 or -1. */
static int
to_i64(const st_value *in, int64_t *out, int *from_double, double *dv)
{
	*from_double = 0;
	switch (in->type) {
	case ST_V_BOOLEAN:
		*out = in->u.b;
		return 0;
	case ST_V_INT:
	case ST_V_BIGINT:
		*out = in->u.i;
		return 0;
	case ST_V_DOUBLE:
		*from_double = 1;
		*dv = in->u.d;
		return 0;
	case ST_V_DECIMAL:
		*out = in->u.i / st_pow10[in->scale];
		return 0;
	case ST_V_BIGDEC:	/* its low 64 bits, as Java's longValue() */
		*out = (int64_t)in->u.w.lo;
		return 0;
	case ST_V_STRING:
		return str_to_i64(in->u.s.p, in->u.s.n, out);
	case ST_V_TIMESTAMP:
		*out = st_floordiv(in->u.i, ST_USEC_PER_SEC);
		return 0;
	default:
		return -1;
	}
}

static int
str_to_bool(const char *p, size_t n, int *out)
{
	static const char *const yes[] = { "t", "true", "y", "yes", "1" };
	static const char *const no[] = { "f", "false", "n", "no", "0" };
	trim(&p, &n);
	for (size_t i = 0; i < 5; i++) {
		if (strlen(yes[i]) == n && strncasecmp(p, yes[i], n) == 0) {
			*out = 1;
			return 0;
		}
		if (strlen(no[i]) == n && strncasecmp(p, no[i], n) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

int
st_value_cast(st_arena *a, const st_value *in, const st_type *t,
    st_value *out)
{
	int64_t iv;
	double dv;
	int fd;

	if (in->type == ST_V_NULL || t->kind == ST_V_NULL) {
		*out = *in;
		return 0;
	}
	switch (t->kind) {
	case ST_V_STRING: {
		if (in->type == ST_V_STRING) {
			*out = *in;
			return 0;
		}
		st_buf tb = ST_BUF_INIT;
		st_value_write_text(&tb, in);
		*out = st_v_string_copy(a, tb.data, tb.len);
		st_buf_release(&tb);
		return 0;
	}
	case ST_V_BOOLEAN:
		switch (in->type) {
		case ST_V_BOOLEAN:
			*out = *in;
			return 0;
		case ST_V_STRING: {
			int b;
			if (str_to_bool(in->u.s.p, in->u.s.n, &b) < 0)
				break;
			*out = st_v_bool(b);
			return 0;
		}
		case ST_V_INT:
		case ST_V_BIGINT:
		case ST_V_DECIMAL:
			*out = st_v_bool(in->u.i != 0);
			return 0;
		case ST_V_BIGDEC:
			*out = st_v_bool(1);
			return 0;
		case ST_V_DOUBLE:
			*out = st_v_bool(in->u.d != 0);
			return 0;
		case ST_V_TIMESTAMP:
			*out = st_v_bool(in->u.i != 0);
			return 0;
		default:
			break;
		}
		break;
	case ST_V_INT:
	case ST_V_BIGINT:
		if (to_i64(in, &iv, &fd, &dv) < 0)
			break;
		if (t->kind == ST_V_INT) {
			if (in->type == ST_V_STRING &&
			    (iv > INT32_MAX || iv < INT32_MIN))
				break;
			*out = st_v_int(fd ? double_to_i32(dv) : wrap32(iv));
		} else {
			*out = st_v_bigint(fd ? double_to_i64(dv) : iv);
		}
		return 0;
	case ST_V_DOUBLE:
		switch (in->type) {
		case ST_V_BOOLEAN:
			*out = st_v_double(in->u.b);
			return 0;
		case ST_V_INT:
		case ST_V_BIGINT:
		case ST_V_DOUBLE:
		case ST_V_DECIMAL:
		case ST_V_BIGDEC:
			*out = st_v_double(st_value_to_double(in));
			return 0;
		case ST_V_STRING:
			if (str_to_double(in->u.s.p, in->u.s.n, &dv) < 0)
				break;
			*out = st_v_double(dv);
			return 0;
		case ST_V_TIMESTAMP:
			*out = st_v_double((double)in->u.i / 1e6);
			return 0;
		default:
			break;
		}
		break;
	case ST_V_DECIMAL: {
		int prec = t->prec ? t->prec : 10, scale = t->scale;
		/* DECIMAL(p,0) wider than 18 digits holds the integers that
		 * BIGINT cannot: a BIGDEC when the value is one. */
		if (prec > 18 && scale == 0) {
			st_value w = *in;
			if (in->type == ST_V_STRING) {
				const char *q = in->u.s.p;
				size_t qn = in->u.s.n;
				trim(&q, &qn);
				if (qn && *q == '+')
					q++, qn--;
				if (st_value_parse_integer(q, qn, &w) < 0)
					w.type = ST_V_NULL;
			}
			if (w.type == ST_V_BIGDEC) {
				st_buf tb = ST_BUF_INIT;
				st_value_write_text(&tb, &w);
				size_t digits = tb.len - (tb.data[0] == '-');
				st_buf_release(&tb);
				if ((int)digits > prec)
					break;
				*out = w;
				return 0;
			}
		}
		if (prec > 18)
			prec = 18;
		if (scale > prec)
			scale = prec;
		int r = -1;
		switch (in->type) {
		case ST_V_BOOLEAN:
			r = decimal_rescale(in->u.b, 0, prec, scale, &iv);
			break;
		case ST_V_INT:
		case ST_V_BIGINT:
			r = decimal_rescale(in->u.i, 0, prec, scale, &iv);
			break;
		case ST_V_DECIMAL:
			r = decimal_rescale(in->u.i, in->scale, prec, scale,
			    &iv);
			break;
		case ST_V_DOUBLE:
			r = double_to_decimal(in->u.d, prec, scale, &iv);
			break;
		case ST_V_STRING:
			r = str_to_decimal(in->u.s.p, in->u.s.n, prec, scale,
			    &iv);
			break;
		default:
			break;
		}
		if (r < 0)
			break;
		*out = st_v_decimal(iv, prec, scale);
		return 0;
	}
	case ST_V_TIMESTAMP:
		switch (in->type) {
		case ST_V_TIMESTAMP:
			*out = *in;
			return 0;
		case ST_V_DATE:
			*out = st_v_timestamp(in->u.i * ST_USEC_PER_DAY);
			return 0;
		case ST_V_INT:
		case ST_V_BIGINT:
			if (in->u.i > INT64_MAX / ST_USEC_PER_SEC ||
			    in->u.i < INT64_MIN / ST_USEC_PER_SEC)
				break;
			*out = st_v_timestamp(in->u.i * ST_USEC_PER_SEC);
			return 0;
		case ST_V_DOUBLE:
		case ST_V_DECIMAL:
			dv = st_value_to_double(in) * 1e6;
			if (!isfinite(dv))
				break;
			*out = st_v_timestamp(double_to_i64(dv));
			return 0;
		case ST_V_STRING:
			if (st_parse_timestamp(in->u.s.p, in->u.s.n, &iv) < 0)
				break;
			*out = st_v_timestamp(iv);
			return 0;
		default:
			break;
		}
		break;
	case ST_V_DATE:
		switch (in->type) {
		case ST_V_DATE:
			*out = *in;
			return 0;
		case ST_V_TIMESTAMP:
			*out = st_v_date((int32_t)st_floordiv(in->u.i,
			    ST_USEC_PER_DAY));
			return 0;
		case ST_V_STRING:
			if (st_parse_timestamp(in->u.s.p, in->u.s.n, &iv) < 0)
				break;
			*out = st_v_date((int32_t)st_floordiv(iv,
			    ST_USEC_PER_DAY));
			return 0;
		default:
			break;
		}
		break;
	case ST_V_INTERVAL:
		switch (in->type) {
		case ST_V_INTERVAL:
			*out = *in;
			return 0;
		case ST_V_STRING: {
			/* Spark's spellings ('1 day', '-10 seconds',
			 * 'interval 2 hours'); a year-month interval has no
			 * value here and casts to NULL. */
			st_interval ci;
			if (st_parse_interval(in->u.s.p, in->u.s.n, &ci, NULL,
			    0, NULL) < 0 || ci.months ||
			    st_interval_usec(&ci, 0, &iv) < 0)
				break;
			*out = st_v_interval(iv);
			return 0;
		}
		default:
			break;
		}
		break;
	case ST_V_ARRAY:
		if (in->type != ST_V_ARRAY)
			break;
		if (!t->elem || t->elem->kind == ST_V_NULL) {
			*out = *in;
			return 0;
		}
		{
			st_value r = st_v_array(a, in->u.a.n);
			for (uint32_t i = 0; i < in->u.a.n; i++)
				if (st_value_cast(a, &in->u.a.v[i], t->elem,
				    &r.u.a.v[i]) < 0)
					goto fail;
			*out = r;
			return 0;
		}
	case ST_V_STRUCT:
		if (in->type != ST_V_STRUCT)
			break;
		if (t->nfields == 0) {
			*out = *in;
			return 0;
		}
		{
			st_value r = st_v_struct(a, t->nfields);
			for (uint32_t i = 0; i < t->nfields; i++) {
				size_t nl = strlen(t->names[i]);
				r.u.a.names[i] = t->names[i];
				r.u.a.nlens[i] = (uint32_t)nl;
				const st_value *f = st_value_struct_get(in,
				    t->names[i], nl);
				if (!f)
					continue;
				if (st_value_cast(a, f, t->ftypes[i],
				    &r.u.a.v[i]) < 0)
					goto fail;
			}
			*out = r;
			return 0;
		}
	default:
		break;
	}
fail:
	*out = st_v_null();
	return -1;
}

/* ---- order, equality, hash ------------------------------------------ */

static int
type_class(int t)
{
	switch (t) {
	case ST_V_NULL: return 0;
	case ST_V_BOOLEAN: return 1;
	case ST_V_INT: case ST_V_BIGINT: case ST_V_DOUBLE: case ST_V_DECIMAL:
	case ST_V_BIGDEC:
		return 2;
	case ST_V_STRING: return 3;
	case ST_V_DATE: case ST_V_TIMESTAMP: return 4;
	case ST_V_INTERVAL: return 5;
	case ST_V_ARRAY: return 6;
	default: return 7;
	}
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int
cmp_double(double x, double y)
{
	if (isnan(x))
		return isnan(y) ? 0 : 1;
	if (isnan(y))
		return -1;
	return CMP(x, y);
}

static int
cmp_numeric(const st_value *x, const st_value *y)
{
	int tx = x->type, ty = y->type;
	int ix = tx == ST_V_INT || tx == ST_V_BIGINT;
	int iy = ty == ST_V_INT || ty == ST_V_BIGINT;
	if (ix && iy)
		return CMP(x->u.i, y->u.i);
	if (tx == ST_V_BIGDEC || ty == ST_V_BIGDEC) {
		/* Exact among integers; with a fraction, through long
		 * double (a BIGDEC is beyond any DECIMAL's 18 digits). */
		if ((ix || tx == ST_V_BIGDEC) && (iy || ty == ST_V_BIGDEC))
			return CMP(st_value_wide(x), st_value_wide(y));
		long double lx = tx == ST_V_BIGDEC ?
		    (long double)st_value_wide(x) : tx == ST_V_DECIMAL ?
		    (long double)x->u.i / st_pow10[x->scale] :
		    (long double)st_value_to_double(x);
		long double ly = ty == ST_V_BIGDEC ?
		    (long double)st_value_wide(y) : ty == ST_V_DECIMAL ?
		    (long double)y->u.i / st_pow10[y->scale] :
		    (long double)st_value_to_double(y);
		if (isnan(lx) || isnan(ly))
			return isnan(lx) ? (isnan(ly) ? 0 : 1) : -1;
		return CMP(lx, ly);
	}
	if (tx == ST_V_DECIMAL && ty == ST_V_DECIMAL && x->scale == y->scale)
		return CMP(x->u.i, y->u.i);
	if (tx == ST_V_DOUBLE || ty == ST_V_DOUBLE) {
		double dx = st_value_to_double(x), dy = st_value_to_double(y);
		if (isnan(dx) || isnan(dy))
			return cmp_double(dx, dy);
		/* Large integers lose precision as doubles; refine. */
		int c = CMP(dx, dy);
		if (c || !(ix || iy) || fabs(dx) < 9e15)
			return c;
		if (ix && fabs(dy) < 9.2e18)
			return CMP(x->u.i, (int64_t)dy);
		if (iy && fabs(dx) < 9.2e18)
			return CMP((int64_t)dx, y->u.i);
		return c;
	}
	/* Decimals of different scales, or decimal and integer: long
	 * double has 64 mantissa bits, exact enough for 18 digits. */
	long double lx = tx == ST_V_DECIMAL ?
	    (long double)x->u.i / st_pow10[x->scale] : (long double)x->u.i;
	long double ly = ty == ST_V_DECIMAL ?
	    (long double)y->u.i / st_pow10[y->scale] : (long double)y->u.i;
	return CMP(lx, ly);
}

static int
cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c < 0 ? -1 : 1;
	return CMP(an, bn);
}

int
st_value_compare(const st_value *x, const st_value *y)
{
	int cx = type_class(x->type), cy = type_class(y->type);
	if (cx != cy)
		return CMP(cx, cy);
	switch (cx) {
	case 0:
		return 0;
	case 1:
		return CMP(x->u.b, y->u.b);
	case 2:
		return cmp_numeric(x, y);
	case 3:
		return cmp_bytes(x->u.s.p, x->u.s.n, y->u.s.p, y->u.s.n);
	case 4: {
		int64_t a = x->type == ST_V_DATE ? x->u.i * ST_USEC_PER_DAY :
		    x->u.i;
		int64_t b = y->type == ST_V_DATE ? y->u.i * ST_USEC_PER_DAY :
		    y->u.i;
		return CMP(a, b);
	}
	case 5:
		return CMP(x->u.i, y->u.i);
	default: {
		uint32_t n = x->u.a.n < y->u.a.n ? x->u.a.n : y->u.a.n;
		for (uint32_t i = 0; i < n; i++) {
			int c = st_value_compare(&x->u.a.v[i], &y->u.a.v[i]);
			if (c)
				return c;
		}
		return CMP(x->u.a.n, y->u.a.n);
	}
	}
}

int
st_value_equal(const st_value *x, const st_value *y)
{
	if (x->type == y->type) {
		switch (x->type) {
		case ST_V_NULL:
			return 1;
		case ST_V_BOOLEAN:
			return x->u.b == y->u.b;
		case ST_V_INT:
		case ST_V_BIGINT:
		case ST_V_TIMESTAMP:
		case ST_V_DATE:
		case ST_V_INTERVAL:
			return x->u.i == y->u.i;
		case ST_V_STRING:
			return x->u.s.n == y->u.s.n &&
			    memcmp(x->u.s.p, y->u.s.p, x->u.s.n) == 0;
		default:
			break;
		}
	}
	return st_value_compare(x, y) == 0;
}

/* Numbers hash by value: an integral value as its int64, anything else as
 * the bits of its double, so equal numbers of any type collide. */
static uint64_t
hash_number(const st_value *v)
{
	int64_t iv;
	double d;
	switch (v->type) {
	case ST_V_INT:
	case ST_V_BIGINT:
		return st_hash_mix((uint64_t)v->u.i ^ 0x1234);
	case ST_V_DECIMAL:
		if (v->u.i % st_pow10[v->scale] == 0)
			return st_hash_mix((uint64_t)(v->u.i / st_pow10[v->scale]) ^
			    0x1234);
		d = decimal_to_double(v->u.i, v->scale);
		break;
	case ST_V_BIGDEC:	/* as the double it is closest to (compare) */
		d = st_value_to_double(v);
		break;
	default:
		d = v->u.d;
	}
	if (isnan(d))
		return st_hash_mix(0x7ff8000000000000ULL);
	if (d == trunc(d) && fabs(d) < 9.2e18) {
		iv = (int64_t)d;
		return st_hash_mix((uint64_t)iv ^ 0x1234);
	}
	uint64_t bits;
	memcpy(&bits, &d, sizeof bits);
	return st_hash_mix(bits);
}

uint64_t
st_value_hash(const st_value *v)
{
	switch (type_class(v->type)) {
	case 0:
		return 0x5bd1e995;
	case 1:
		return st_hash_mix(0xb0 + (uint64_t)v->u.b);
	case 2:
		return hash_number(v);
	case 3:
		return st_hash_bytes(v->u.s.p, v->u.s.n);
	case 4:
		return st_hash_mix((uint64_t)(v->type == ST_V_DATE ?
		    v->u.i * ST_USEC_PER_DAY : v->u.i) ^ 0x7115);
	case 5:
		return st_hash_mix((uint64_t)v->u.i ^ 0x1e55);
	default: {
		uint64_t h = 0xa11 + (uint64_t)type_class(v->type);
		for (uint32_t i = 0; i < v->u.a.n; i++)
			h = st_value_hash_more(h, &v->u.a.v[i]);
		return h;
	}
	}
}

uint64_t
st_value_hash_more(uint64_t h, const st_value *v)
{
	return st_hash_mix(h * 31 + st_value_hash(v));
}

/* ---- copies --------------------------------------------------------- */

st_value
st_value_clone(st_arena *a, const st_value *v)
{
	st_value r = *v;
	switch (v->type) {
	case ST_V_STRING:
		r.u.s.p = st_arena_strndup(a, v->u.s.p, v->u.s.n);
		break;
	case ST_V_ARRAY:
		r = st_v_array(a, v->u.a.n);
		for (uint32_t i = 0; i < v->u.a.n; i++)
			r.u.a.v[i] = st_value_clone(a, &v->u.a.v[i]);
		break;
	case ST_V_STRUCT:
		r = st_v_struct(a, v->u.a.n);
		for (uint32_t i = 0; i < v->u.a.n; i++) {
			r.u.a.v[i] = st_value_clone(a, &v->u.a.v[i]);
			r.u.a.names[i] = st_arena_strndup(a, v->u.a.names[i],
			    v->u.a.nlens[i]);
			r.u.a.nlens[i] = v->u.a.nlens[i];
		}
		break;
	default:
		break;
	}
	return r;
}

/* Size of everything v points to, with alignment padding. */
#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

static size_t
dup_size(const st_value *v)
{
	size_t n = 0;
	switch (v->type) {
	case ST_V_STRING:
		return ALIGN8(v->u.s.n + 1);
	case ST_V_STRUCT:
		n += ALIGN8(v->u.a.n * sizeof(char *)) +
		    ALIGN8(v->u.a.n * sizeof(uint32_t));
		for (uint32_t i = 0; i < v->u.a.n; i++)
			n += ALIGN8(v->u.a.nlens[i] + 1);
		/* fall through */
	case ST_V_ARRAY:
		n += ALIGN8(v->u.a.n * sizeof(st_value));
		for (uint32_t i = 0; i < v->u.a.n; i++)
			n += dup_size(&v->u.a.v[i]);
		return n;
	default:
		return 0;
	}
}

static st_value
dup_into(const st_value *v, char **pp)
{
	st_value r = *v;
	char *p = *pp;
	switch (v->type) {
	case ST_V_STRING:
		memcpy(p, v->u.s.p, v->u.s.n);
		p[v->u.s.n] = '\0';
		r.u.s.p = p;
		p += ALIGN8(v->u.s.n + 1);
		break;
	case ST_V_ARRAY:
	case ST_V_STRUCT: {
		uint32_t n = v->u.a.n;
		r.u.a.v = (st_value *)p;
		p += ALIGN8(n * sizeof(st_value));
		if (v->type == ST_V_STRUCT) {
			r.u.a.names = (const char **)p;
			p += ALIGN8(n * sizeof(char *));
			r.u.a.nlens = (uint32_t *)p;
			p += ALIGN8(n * sizeof(uint32_t));
			for (uint32_t i = 0; i < n; i++) {
				memcpy(p, v->u.a.names[i], v->u.a.nlens[i]);
				p[v->u.a.nlens[i]] = '\0';
				r.u.a.names[i] = p;
				r.u.a.nlens[i] = v->u.a.nlens[i];
				p += ALIGN8(v->u.a.nlens[i] + 1);
			}
		}
		for (uint32_t i = 0; i < n; i++)
			r.u.a.v[i] = dup_into(&v->u.a.v[i], &p);
		break;
	}
	default:
		break;
	}
	*pp = p;
	return r;
}

st_value *
st_value_dup(const st_value *v)
{
	size_t n = ALIGN8(sizeof(st_value)) + dup_size(v);
	char *block = st_malloc(n);
	char *p = block + ALIGN8(sizeof(st_value));
	st_value *r = (st_value *)block;
	*r = dup_into(v, &p);
	return r;
}
