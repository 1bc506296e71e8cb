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

int
st_aggs_parse(st_aggs *a, const char *text, char **err)
{
	st_expr_error e;
	st_buf b = ST_BUF_INIT;

	st_aggs_release(a);
	a->list = st_expr_parse_list(text, ST_EXPR_AGGREGATES, &e);
	if (a->list == NULL) {
		st_expr_error_format(&b, &e);
		/* The caller adds its own prefix: drop the last newline. */
		if (b.len && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		*err = st_buf_detach(&b, NULL);
		return -1;
	}
	a->n = st_expr_list_len(a->list);
	a->v = st_calloc(a->n ? a->n : 1, sizeof *a->v);
	for (size_t i = 0; i < a->n; i++) {
		const st_expr_item *it = st_expr_list_item(a->list, i);
		const char *fn = it->kind == ST_ITEM_EXPR ?
		    st_expr_call_name(it->expr) : NULL;
		size_t k = sizeof fns / sizeof fns[0];
		if (fn && st_expr_is_aggregate(it->expr))
			for (k = 0; k < sizeof fns / sizeof fns[0]; k++)
				if (strcmp(fns[k].name, fn) == 0)
					break;
		if (k == sizeof fns / sizeof fns[0]) {
			st_buf_printf(&b, "'%s' is not an aggregate (known: "
			    "count, sum, avg, min, max, first, last, "
			    "approx_count_distinct)", it->name);
			goto bad;
		}
		st_agg *g = &a->v[i];
		g->fn = fns[k].fn;
		g->name = it->name;
		if (st_expr_call_distinct(it->expr)) {
			st_buf_printf(&b, "'%s': DISTINCT aggregates are not "
			    "supported on streams (use "
			    "approx_count_distinct)", it->name);
			goto bad;
		}
		if (g->fn == ST_AGG_COUNT && st_expr_call_star(it->expr)) {
			g->fn = ST_AGG_COUNT_ALL;
		} else if (st_expr_call_nargs(it->expr) != 1) {
			st_buf_printf(&b, "'%s' takes one argument", it->name);
			goto bad;
		} else {
			g->arg = st_expr_call_arg(it->expr, 0);
		}
	}
	for (size_t i = 0; i < a->n; i++) {
		a->v[i].off = a->size;
		a->size += st_agg_slot_size(&a->v[i]);
	}
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(a->v[i].name, a->v[j].name) == 0) {
				st_buf_printf(&b, "two aggregates are named "
				    "'%s' (use AS to name them apart)",
				    a->v[i].name);
				goto bad;
			}
	st_eval_init(&a->ev, a->list);
	return 0;
bad:
	*err = st_buf_detach(&b, NULL);
	free(a->v);
	a->v = NULL;
	a->n = 0;
	a->size = 0;
	st_expr_list_free(a->list);
	a->list = NULL;
	return -1;
}

void
st_aggs_release(st_aggs *a)
{
	if (a->list) {
		st_eval_release(&a->ev);
		st_expr_list_free(a->list);
	}
	free(a->v);
	memset(a, 0, sizeof *a);
}

void
st_aggs_format(const st_aggs *a, st_buf *b)
{
	for (size_t i = 0; i < a->n; i++) {
		st_buf_printf(b, "%s%s(", i ? ", " : "", fn_name(a->v[i].fn));
		if (a->v[i].arg)
			st_expr_default_name(b, a->v[i].arg);
		else
			st_buf_putc(b, '*');
		st_buf_printf(b, ") AS %s", a->v[i].name);
	}
}

void
st_aggs_eval(st_aggs *a, st_record *r, st_value *vals)
{
	st_eval_set_record(&a->ev, r);
	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].arg)
			st_expr_eval(&a->ev, a->v[i].arg, &vals[i]);
		else
			vals[i] = st_v_null();
	}
}

size_t
st_agg_slot_size(const st_agg *agg)
{
	switch (agg->fn) {
	case ST_AGG_COUNT:
	case ST_AGG_COUNT_ALL:
	case ST_AGG_APPROX_DISTINCT:
		return 8;
	default:
		return sizeof(st_aslot);
	}
}

void
st_aggs_update(st_aggs *a, void *slots, st_record *r)
{
	st_value v[16], *vals = a->n <= 16 ? v :
	    st_malloc(a->n * sizeof *vals);

	st_aggs_eval(a, r, vals);
	for (size_t i = 0; i < a->n; i++)
		st_agg_update(&a->v[i], st_aggs_slot(a, slots, i), &vals[i]);
	if (vals != v)
		free(vals);
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
	case ST_V_BIGDEC:	/* (a sum of BIGDECs is a DOUBLE) */
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
	case ST_V_BIGDEC:
		s->a.i = (int64_t)v->u.w.lo;
		s->b.i = v->u.w.hi;
		break;
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
	case ST_V_BIGDEC:
		memset(&v, 0, sizeof v);
		v.type = ST_V_BIGDEC;
		v.u.w.lo = (uint64_t)s->a.i;
		v.u.w.hi = s->b.i;
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
	memset(s, 0, st_agg_slot_size(agg));
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
		else if (s->t == ST_V_BIGDEC) {
			st_arena ar = ST_ARENA_INIT;
			st_value kv = kept_value(s, &ar);
			st_value_write_json(b, &kv);
			st_arena_release(&ar);
		}
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

/* Reads a saved double: a JSON number, or the string a non-finite one is
 * written as ("Infinity", "-Infinity", "NaN"; see st_buf_put_double). */
static void
load_double(const st_field *x, double *d)
{
	int64_t iv;

	if (x->type == ST_J_STRING) {
		*d = x->vlen == 10 && memcmp(x->val, "\"Infinity\"", 10) == 0 ?
		    INFINITY : x->vlen == 11 &&
		    memcmp(x->val, "\"-Infinity\"", 11) == 0 ? -INFINITY : NAN;
		return;
	}
	if (st_json_number(x->val, x->vlen, &iv, d))
		*d = (double)iv;
}

int
st_agg_load(const st_agg *agg, st_aslot *s, const char *val, size_t n)
{
	st_fields f = { 0 };
	st_json_err je;
	int64_t iv;
	double dv;
	int rc = -1;

	memset(s, 0, st_agg_slot_size(agg));
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
		load_double(&f.v[2], &s->b.d);
		rc = 0;
		break;
	case ST_AGG_AVG:
		if (st_json_scan_array(val, n, &f, &je) < 0 || f.n != 2)
			break;
		if (!st_json_number(f.v[0].val, f.v[0].vlen, &s->a.i, &dv))
			break;
		load_double(&f.v[1], &s->b.d);
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
		    &dv) || iv < ST_V_NULL || iv > ST_V_BIGDEC)
			break;
		s->set = 1;
		s->t = (uint8_t)iv;
		const st_field *x = &f.v[1];
		if (s->t == ST_V_DOUBLE) {
			load_double(x, &s->a.d);
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
		} else if (s->t == ST_V_BIGDEC) {
			st_value w;
			if (st_value_parse_integer(x->val, x->vlen, &w) < 0 ||
			    w.type != ST_V_BIGDEC)
				break;
			keep_value(s, &w);
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

void
st_aggs_save_group(const st_aggs *a, void *slots, const char *key,
    size_t klen, size_t nkeys, st_buf *b)
{
	const char *p = key, *end = key + klen, *next;

	st_buf_putc(b, '[');
	for (size_t i = 0; i < nkeys; i++) {
		size_t n = st_key_next(p, end, &next);
		if (i)
			st_buf_putc(b, ',');
		st_buf_add(b, p, n);
		p = next;
	}
	st_buf_add(b, "],[", 3);
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			st_buf_putc(b, ',');
		st_agg_save(&a->v[i], st_aggs_slot(a, slots, i), b);
	}
	st_buf_putc(b, ']');
}
