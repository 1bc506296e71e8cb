/* agg.c - aggregate specs and slots; see agg.h. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "state/agg.h"
#include "state/table.h"

static const struct {
	const char *name;
	st_agg_fn fn;
} fns[] = {
	{ "count", ST_AGG_COUNT },
	{ "sum", ST_AGG_SUM },
	{ "avg", ST_AGG_AVG },
	{ "mean", ST_AGG_AVG },
	{ "min", ST_AGG_MIN },
	{ "max", ST_AGG_MAX },
	{ "first", ST_AGG_FIRST },
	{ "last", ST_AGG_LAST },
	{ "approx_count_distinct", ST_AGG_APPROX_DISTINCT },
};

static const char *
fn_name(st_agg_fn fn)
{
	if (fn == ST_AGG_COUNT_ALL)
		return "count";
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (fns[i].fn == fn)
			return fns[i].name;
	return "?";
}

static char *
errf(const char *fmt, const char *a, size_t n)
{
	st_buf b = ST_BUF_INIT;
	st_buf_printf(&b, fmt, (int)n, a);
	return st_buf_detach(&b, NULL);
}

static const char *
skipws(const char *p, const char *e)
{
	while (p < e && isspace((unsigned char)*p))
		p++;
	return p;
}

/* Reads a name, plain or `quoted`; returns its end or NULL. */
static const char *
read_name(const char *p, const char *e, st_buf *out)
{
	st_buf_reset(out);
	if (p < e && *p == '`') {
		const char *q = memchr(p + 1, '`', (size_t)(e - p - 1));
		if (q == NULL)
			return NULL;
		st_buf_add(out, p + 1, (size_t)(q - p - 1));
		return out->len ? q + 1 : NULL;
	}
	const char *s = p;
	while (p < e && (isalnum((unsigned char)*p) || *p == '_' ||
	    *p == '.' || (unsigned char)*p >= 0x80))
		p++;
	if (p == s)
		return NULL;
	st_buf_add(out, s, (size_t)(p - s));
	return p;
}

static int
parse_one(st_agg *g, const char *p, const char *e, char **err)
{
	st_buf nm = ST_BUF_INIT;
	const char *s0 = skipws(p, e), *q;
	size_t whole = (size_t)(e - s0);

	while (whole && isspace((unsigned char)s0[whole - 1]))
		whole--;
	memset(g, 0, sizeof *g);
	q = read_name(s0, e, &nm);
	if (q == NULL || (q = skipws(q, e)) == e || *q != '(')
		goto bad;
	size_t i;
	for (i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (strcasecmp(fns[i].name, nm.data) == 0)
			break;
	if (i == sizeof fns / sizeof fns[0]) {
		*err = errf("unknown aggregate function '%.*s' (known: count, "
		    "sum, avg, min, max, first, last, approx_count_distinct)",
		    nm.data, nm.len);
		st_buf_release(&nm);
		return -1;
	}
	g->fn = fns[i].fn;
	q = skipws(q + 1, e);
	if (q < e && (*q == '*' || *q == '1') && g->fn == ST_AGG_COUNT) {
		g->fn = ST_AGG_COUNT_ALL;
		q = skipws(q + 1, e);
	} else {
		q = read_name(q, e, &nm);
		if (q == NULL)
			goto bad;
		g->arg = st_strndup(nm.data, nm.len);
		q = skipws(q, e);
	}
	if (q == e || *q != ')')
		goto bad;
	q = skipws(q + 1, e);
	if (q < e) {
		if (e - q < 3 || strncasecmp(q, "as", 2) != 0 ||
		    !isspace((unsigned char)q[2]))
			goto bad;
		q = read_name(skipws(q + 2, e), e, &nm);
		if (q == NULL || skipws(q, e) != e)
			goto bad;
		g->name = st_strndup(nm.data, nm.len);
	} else {
		st_buf_reset(&nm);
		st_buf_printf(&nm, "%s(%s)", fn_name(g->fn),
		    g->arg ? g->arg : "1");
		g->name = st_buf_detach(&nm, NULL);
	}
	st_buf_release(&nm);
	return 0;
bad:
	st_buf_release(&nm);
	free(g->arg);
	g->arg = NULL;
	*err = errf("invalid aggregate '%.*s' (expected FUNCTION(COLUMN) "
	    "[AS NAME])", s0, whole);
	return -1;
}

int
st_aggs_parse(st_aggs *a, const char *text, char **err)
{
	const char *p = text, *e = text + strlen(text);

	st_aggs_release(a);
	while (p < e) {
		/* A comma inside parentheses or `quotes` is not a separator. */
		const char *q = p;
		int depth = 0, quote = 0;
		for (; q < e; q++) {
			if (*q == '`')
				quote = !quote;
			else if (!quote && *q == '(')
				depth++;
			else if (!quote && *q == ')')
				depth--;
			else if (!quote && depth == 0 && *q == ',')
				break;
		}
		a->v = st_realloc(a->v, (a->n + 1) * sizeof *a->v);
		if (parse_one(&a->v[a->n], p, q, err) < 0) {
			st_aggs_release(a);
			return -1;
		}
		a->n++;
		p = q < e ? q + 1 : q;
	}
	if (a->n == 0) {
		*err = st_strdup("no aggregate given");
		return -1;
	}
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(a->v[i].name, a->v[j].name) == 0) {
				*err = errf("two aggregates are named '%.*s' "
				    "(use AS to name them apart)",
				    a->v[i].name, strlen(a->v[i].name));
				st_aggs_release(a);
				return -1;
			}
	return 0;
}

void
st_aggs_release(st_aggs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].arg);
		free(a->v[i].name);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

void
st_aggs_format(const st_aggs *a, st_buf *b)
{
	for (size_t i = 0; i < a->n; i++)
		st_buf_printf(b, "%s%s(%s) AS %s", i ? ", " : "",
		    fn_name(a->v[i].fn), a->v[i].arg ? a->v[i].arg : "1",
		    a->v[i].name);
}

void
st_agg_arg(const st_agg *agg, st_record *r, st_arena *arena, st_value *v)
{
	if (agg->arg == NULL) {
		*v = st_v_null();
		return;
	}
	const st_field *f = st_record_get(r, agg->arg, strlen(agg->arg));
	if (f == NULL || st_value_from_field(arena, f, v) < 0)
		*v = st_v_null();
}

void
st_aggs_update(const st_aggs *a, st_aslot *slots, st_record *r,
    st_arena *arena)
{
	st_value v;

	for (size_t i = 0; i < a->n; i++) {
		st_agg_arg(&a->v[i], r, arena, &v);
		st_agg_update(&a->v[i], &slots[i], &v);
	}
}

/* Sum kinds kept in st_aslot.t. */
enum { SUM_NONE, SUM_INT, SUM_DOUBLE };

/* Reads a value as a number for sum and avg: strings are cast as Spark
 * casts them to DOUBLE. Returns 0 for null or non-numbers. */
static int
num_of(const st_value *v, int64_t *iv, double *dv)
{
	switch (v->type) {
	case ST_V_INT:
	case ST_V_BIGINT:
		*iv = v->u.i;
		return SUM_INT;
	case ST_V_DOUBLE:
	case ST_V_DECIMAL:
		*dv = st_value_to_double(v);
		return SUM_DOUBLE;
	case ST_V_STRING: {
		char tmp[64];
		if (v->u.s.n == 0 || v->u.s.n >= sizeof tmp)
			return 0;
		memcpy(tmp, v->u.s.p, v->u.s.n);
		tmp[v->u.s.n] = '\0';
		char *end;
		*dv = strtod(tmp, &end);
		while (isspace((unsigned char)*end))
			end++;
		return *end == '\0' ? SUM_DOUBLE : 0;
	}
	default:
		return 0;
	}
}

/* Keeps v in s (min, max, first, last), freeing what s held. */
static void
keep_value(st_aslot *s, const st_value *v)
{
	if (s->t == ST_V_STRING || s->t == ST_V_ARRAY || s->t == ST_V_STRUCT)
		free(s->a.p);
	s->set = 1;
	s->t = v->type;
	switch (v->type) {
	case ST_V_NULL:
		s->a.i = 0;
		break;
	case ST_V_BOOLEAN:
		s->a.i = v->u.b;
		break;
	case ST_V_DOUBLE:
		s->a.d = v->u.d;
		break;
	case ST_V_STRING:
		s->a.p = st_strndup(v->u.s.p, v->u.s.n);
		s->b.i = (int64_t)v->u.s.n;
		break;
	case ST_V_ARRAY:
	case ST_V_STRUCT: {
		st_buf b = ST_BUF_INIT;
		st_value_write_json(&b, v);
		size_t n;
		s->a.p = st_buf_detach(&b, &n);
		s->b.i = (int64_t)n;
		break;
	}
	default:
		/* Numbers, times: one integer (DECIMAL is not read from
		 * JSON, so it never reaches a slot with its scale). */
		s->a.i = v->u.i;
		break;
	}
}

/* The value kept in s; arrays and structs are parsed into arena. */
static st_value
kept_value(const st_aslot *s, st_arena *arena)
{
	st_value v;

	switch (s->t) {
	case ST_V_NULL:
		return st_v_null();
	case ST_V_BOOLEAN:
		return st_v_bool((int)s->a.i);
	case ST_V_DOUBLE:
		return st_v_double(s->a.d);
	case ST_V_STRING:
		return st_v_string(s->a.p, (size_t)s->b.i);
	case ST_V_ARRAY:
	case ST_V_STRUCT:
		if (st_value_from_json(arena, s->a.p, (size_t)s->b.i, &v) < 0)
			return st_v_null();
		return v;
	default:
		memset(&v, 0, sizeof v);
		v.type = s->t;
		v.u.i = s->a.i;
		return v;
	}
}

static int
kept_compare(const st_aslot *s, const st_value *v)
{
	st_arena a = ST_ARENA_INIT;
	st_value k = kept_value(s, &a);
	int c = st_value_compare(&k, v);
	st_arena_release(&a);
	return c;
}

void
st_agg_update(const st_agg *agg, st_aslot *s, const st_value *v)
{
	int64_t iv;
	double dv;

	switch (agg->fn) {
	case ST_AGG_COUNT_ALL:
		s->a.i++;
		break;
	case ST_AGG_COUNT:
		if (v->type != ST_V_NULL)
			s->a.i++;
		break;
	case ST_AGG_SUM:
		switch (num_of(v, &iv, &dv)) {
		case SUM_INT:
			/* Wraps like Spark's non-ANSI long sum. */
			s->a.i = (int64_t)((uint64_t)s->a.i + (uint64_t)iv);
			if (s->t == SUM_NONE)
				s->t = SUM_INT;
			break;
		case SUM_DOUBLE:
			s->b.d += dv;
			s->t = SUM_DOUBLE;
			break;
		}
		break;
	case ST_AGG_AVG:
		switch (num_of(v, &iv, &dv)) {
		case SUM_INT:
			s->b.d += (double)iv;
			s->a.i++;
			break;
		case SUM_DOUBLE:
			s->b.d += dv;
			s->a.i++;
			break;
		}
		break;
	case ST_AGG_MIN:
	case ST_AGG_MAX:
		if (v->type == ST_V_NULL)
			break;
		if (!s->set) {
			keep_value(s, v);
			break;
		}
		int c = kept_compare(s, v);
		if (agg->fn == ST_AGG_MIN ? c > 0 : c < 0)
			keep_value(s, v);
		break;
	case ST_AGG_FIRST:
		if (!s->set)
			keep_value(s, v);
		break;
	case ST_AGG_LAST:
		keep_value(s, v);
		break;
	case ST_AGG_APPROX_DISTINCT:
		if (v->type == ST_V_NULL)
			break;
		if (s->a.h == NULL)
			s->a.h = st_hll_new();
		/* value.h's hash keeps 1 and 1.0 together; the extra mix
		 * spreads it over the register bits. */
		uint64_t h = st_value_hash(v);
		st_hll_add(s->a.h, st_hash_bytes(&h, sizeof h));
		break;
	}
}

void
st_agg_merge(const st_agg *agg, st_aslot *dst, const st_aslot *src)
{
	st_arena a = ST_ARENA_INIT;
	st_value v;

	switch (agg->fn) {
	case ST_AGG_COUNT_ALL:
	case ST_AGG_COUNT:
		dst->a.i += src->a.i;
		break;
	case ST_AGG_SUM:
		dst->a.i = (int64_t)((uint64_t)dst->a.i + (uint64_t)src->a.i);
		dst->b.d += src->b.d;
		if (src->t > dst->t)
			dst->t = src->t;
		break;
	case ST_AGG_AVG:
		dst->a.i += src->a.i;
		dst->b.d += src->b.d;
		break;
	case ST_AGG_MIN:
	case ST_AGG_MAX:
	case ST_AGG_FIRST:
	case ST_AGG_LAST:
		if (!src->set)
			break;
		v = kept_value(src, &a);
		if (agg->fn == ST_AGG_FIRST) {
			if (!dst->set)
				keep_value(dst, &v);
		} else if (agg->fn == ST_AGG_LAST) {
			keep_value(dst, &v);
		} else {
			st_agg_update(agg, dst, &v);
		}
		break;
	case ST_AGG_APPROX_DISTINCT:
		if (src->a.h == NULL)
			break;
		if (dst->a.h == NULL)
			dst->a.h = st_hll_new();
		st_hll_merge(dst->a.h, src->a.h);
		break;
	}
	st_arena_release(&a);
}

void
st_agg_result(const st_agg *agg, const st_aslot *s, st_buf *b)
{
	switch (agg->fn) {
	case ST_AGG_COUNT_ALL:
	case ST_AGG_COUNT:
		st_buf_put_i64(b, s->a.i);
		break;
	case ST_AGG_SUM:
		if (s->t == SUM_NONE)
			st_buf_add(b, "null", 4);
		else if (s->t == SUM_INT)
			st_buf_put_i64(b, s->a.i);
		else
			st_buf_put_double(b, (double)s->a.i + s->b.d);
		break;
	case ST_AGG_AVG:
		if (s->a.i == 0)
			st_buf_add(b, "null", 4);
		else
			st_buf_put_double(b, s->b.d / (double)s->a.i);
		break;
	case ST_AGG_MIN:
	case ST_AGG_MAX:
	case ST_AGG_FIRST:
	case ST_AGG_LAST:
		if (!s->set) {
			st_buf_add(b, "null", 4);
		} else if (s->t == ST_V_ARRAY || s->t == ST_V_STRUCT) {
			st_buf_add(b, s->a.p, (size_t)s->b.i);
		} else {
			st_value v = kept_value(s, NULL);
			st_value_write_json(b, &v);
		}
		break;
	case ST_AGG_APPROX_DISTINCT:
		st_buf_put_i64(b, s->a.h ? st_hll_estimate(s->a.h) : 0);
		break;
	}
}

void
st_agg_clear(const st_agg *agg, st_aslot *s)
{
	switch (agg->fn) {
	case ST_AGG_MIN:
	case ST_AGG_MAX:
	case ST_AGG_FIRST:
	case ST_AGG_LAST:
		if (s->set && (s->t == ST_V_STRING || s->t == ST_V_ARRAY ||
		    s->t == ST_V_STRUCT))
			free(s->a.p);
		break;
	case ST_AGG_APPROX_DISTINCT:
		st_hll_free(s->a.h);
		break;
	default:
		break;
	}
	memset(s, 0, sizeof *s);
}

size_t
st_agg_memory(const st_agg *agg, const st_aslot *s)
{
	switch (agg->fn) {
	case ST_AGG_MIN:
	case ST_AGG_MAX:
	case ST_AGG_FIRST:
	case ST_AGG_LAST:
		if (s->set && (s->t == ST_V_STRING || s->t == ST_V_ARRAY ||
		    s->t == ST_V_STRUCT))
			return (size_t)s->b.i + 1 + 16;
		return 0;
	case ST_AGG_APPROX_DISTINCT:
		return s->a.h ? st_hll_memory(s->a.h) + 16 : 0;
	default:
		return 0;
	}
}

/*
 * Saved forms, one JSON value per slot: count: n; sum: [kind, int, double];
 * avg: [n, sum]; min/max/first/last: [] when unset, else [type, value]
 * with the value as JSON; approx_count_distinct: null or the sketch text.
 */
void
st_agg_save(const st_agg *agg, const st_aslot *s, st_buf *b)
{
	switch (agg->fn) {
	case ST_AGG_COUNT_ALL:
	case ST_AGG_COUNT:
		st_buf_put_i64(b, s->a.i);
		break;
	case ST_AGG_SUM:
		st_buf_printf(b, "[%d,", s->t);
		st_buf_put_i64(b, s->a.i);
		st_buf_putc(b, ',');
		st_buf_put_double(b, s->b.d);
		st_buf_putc(b, ']');
		break;
	case ST_AGG_AVG:
		st_buf_putc(b, '[');
		st_buf_put_i64(b, s->a.i);
		st_buf_putc(b, ',');
		st_buf_put_double(b, s->b.d);
		st_buf_putc(b, ']');
		break;
	case ST_AGG_MIN:
	case ST_AGG_MAX:
	case ST_AGG_FIRST:
	case ST_AGG_LAST:
		if (!s->set) {
			st_buf_add(b, "[]", 2);
			break;
		}
		st_buf_printf(b, "[%d,", s->t);
		if (s->t == ST_V_DOUBLE)
			st_buf_put_double(b, s->a.d);
		else if (s->t == ST_V_STRING)
			st_buf_put_json_string(b, s->a.p, (size_t)s->b.i);
		else if (s->t == ST_V_ARRAY || s->t == ST_V_STRUCT)
			st_buf_add(b, s->a.p, (size_t)s->b.i);
		else
			st_buf_put_i64(b, s->a.i);
		st_buf_putc(b, ']');
		break;
	case ST_AGG_APPROX_DISTINCT:
		if (s->a.h)
			st_hll_save(s->a.h, b);
		else
			st_buf_add(b, "null", 4);
		break;
	}
}

int
st_agg_load(const st_agg *agg, st_aslot *s, const char *val, size_t n)
{
	st_fields f = { 0 };
	st_json_err je;
	int64_t iv;
	double dv;
	int rc = -1;

	memset(s, 0, sizeof *s);
	switch (agg->fn) {
	case ST_AGG_COUNT_ALL:
	case ST_AGG_COUNT:
		if (st_json_type(val) == ST_J_NUMBER &&
		    st_json_number(val, n, &iv, &dv)) {
			s->a.i = iv;
			rc = 0;
		}
		break;
	case ST_AGG_SUM:
		if (st_json_scan_array(val, n, &f, &je) < 0 || f.n != 3)
			break;
		if (!st_json_number(f.v[0].val, f.v[0].vlen, &iv, &dv) ||
		    iv < SUM_NONE || iv > SUM_DOUBLE)
			break;
		s->t = (uint8_t)iv;
		if (!st_json_number(f.v[1].val, f.v[1].vlen, &s->a.i, &dv))
			break;
		if (st_json_number(f.v[2].val, f.v[2].vlen, &iv, &s->b.d))
			s->b.d = (double)iv;
		rc = 0;
		break;
	case ST_AGG_AVG:
		if (st_json_scan_array(val, n, &f, &je) < 0 || f.n != 2)
			break;
		if (!st_json_number(f.v[0].val, f.v[0].vlen, &s->a.i, &dv))
			break;
		if (st_json_number(f.v[1].val, f.v[1].vlen, &iv, &s->b.d))
			s->b.d = (double)iv;
		rc = 0;
		break;
	case ST_AGG_MIN:
	case ST_AGG_MAX:
	case ST_AGG_FIRST:
	case ST_AGG_LAST:
		if (st_json_scan_array(val, n, &f, &je) < 0)
			break;
		if (f.n == 0) {
			rc = 0;
			break;
		}
		if (f.n != 2 || !st_json_number(f.v[0].val, f.v[0].vlen, &iv,
		    &dv) || iv < ST_V_NULL || iv > ST_V_STRUCT)
			break;
		s->set = 1;
		s->t = (uint8_t)iv;
		const st_field *x = &f.v[1];
		if (s->t == ST_V_DOUBLE) {
			if (st_json_number(x->val, x->vlen, &iv, &s->a.d))
				s->a.d = (double)iv;
		} else if (s->t == ST_V_STRING) {
			st_buf t = ST_BUF_INIT;
			if (x->type != ST_J_STRING) {
				st_buf_release(&t);
				break;
			}
			st_json_unescape(x->val + 1, x->vlen - 2, &t);
			size_t len;
			s->a.p = st_buf_detach(&t, &len);
			s->b.i = (int64_t)len;
		} else if (s->t == ST_V_ARRAY || s->t == ST_V_STRUCT) {
			s->a.p = st_strndup(x->val, x->vlen);
			s->b.i = x->vlen;
		} else if (!st_json_number(x->val, x->vlen, &s->a.i, &dv)) {
			break;
		}
		rc = 0;
		break;
	case ST_AGG_APPROX_DISTINCT:
		if (st_json_type(val) == ST_J_NULL) {
			rc = 0;
			break;
		}
		s->a.h = st_hll_load(val, n);
		rc = s->a.h ? 0 : -1;
		break;
	}
	st_fields_release(&f);
	return rc;
}
