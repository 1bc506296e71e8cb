/*
 * eval.c - evaluating a compiled expression tree against a record or a
 * column resolver: column lookup with a per-row cache, Spark's operator
 * semantics (three-valued logic, numeric promotion, datetime arithmetic,
 * comparison coercions).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "column.h"
#include "suggest.h"
#include "err.h"
#include "internal.h"
#include "datetime.h"

/* ---- context -------------------------------------------------------- */

void
st_eval_init(st_eval *ev, const st_expr_list *l)
{
	memset(ev, 0, sizeof *ev);
	st_buf_init(&ev->tmp);
	ev->list = l;
	ev->now = ST_TIME_NONE;
	ev->nslots = (uint32_t)l->ncols;
	ev->slots = st_calloc(l->ncols ? l->ncols : 1, sizeof *ev->slots);
	ev->gen = 1;
}

void
st_eval_release(st_eval *ev)
{
	free(ev->slots);
	st_arena_release(&ev->arena);
	st_fields_release(&ev->scratch);
	st_fields_release(&ev->rowfields);
	st_buf_release(&ev->tmp);
	ev->slots = NULL;
}

void
st_eval_set_aggregates(st_eval *ev, st_expr_agg_source fn, void *ud)
{
	ev->agg = fn;
	ev->agg_ud = ud;
}

void
st_eval_reset(st_eval *ev)
{
	/* Bumping the generation invalidates every cached column at once;
	 * the arena keeps its first chunk, so no malloc per row. */
	if (++ev->gen == 0) {
		memset(ev->slots, 0, ev->nslots * sizeof *ev->slots);
		ev->gen = 1;
	}
	st_arena_reset(&ev->arena);
}

void
st_eval_set_record(st_eval *ev, st_record *r)
{
	ev->record = r;
	ev->resolve = NULL;
	st_eval_reset(ev);
}

void
st_eval_set_resolver(st_eval *ev, st_expr_resolver fn, void *ud)
{
	ev->record = NULL;
	ev->resolve = fn;
	ev->ud = ud;
	st_eval_reset(ev);
}

int64_t
eval_now(st_eval *ev)
{
	if (ev->now == ST_TIME_NONE)
		ev->now = st_now_usec();
	return ev->now;
}

/* ---- columns -------------------------------------------------------- */

/* A top-level field of the record: exact name first, then ignoring ASCII
 * case (Spark's default resolution). */
static const st_field *
record_field(st_eval *ev, const char *name, size_t len)
{
	return st_record_column(ev->record, name, len);
}

/* A member of a raw JSON object, exact then case-insensitive. */
static int
raw_member(st_eval *ev, const st_field *obj, const char *name, size_t len,
    st_field *out)
{
	if (obj->type != ST_J_OBJECT)
		return 0;
	if (st_json_object_get(obj->val, obj->vlen, name, len, &ev->scratch,
	    out))
		return 1;
	for (uint32_t i = 0; i < ev->scratch.n; i++) {
		const st_field *g = &ev->scratch.v[i];
		if (!g->kesc && g->klen == len &&
		    strncasecmp(g->key, name, len) == 0) {
			*out = *g;
			return 1;
		}
	}
	return 0;
}

static st_eval_slot *
slot_of(st_eval *ev, const node *n)
{
	st_eval_slot *s = &ev->slots[n->slot];
	if (s->gen == ev->gen)
		return s;
	s->gen = ev->gen;
	s->have_v = 0;
	s->found = 0;
	if (ev->record) {
		const st_field *f = record_field(ev, n->name, n->nlen);
		if (f) {
			s->f = *f;
			s->found = 1;
		}
	} else if (ev->resolve) {
		s->found = ev->resolve(ev->ud, n->name, n->nlen, &s->f, &s->v);
		if (s->found == 2)
			s->have_v = 1;
		else if (s->found != 1)
			s->found = 0;
	}
	return s;
}

static void
column(st_eval *ev, const node *n, st_value *out)
{
	st_eval_slot *s = slot_of(ev, n);
	if (!s->found) {
		*out = st_v_null();
		return;
	}
	if (n->npath == 0) {
		if (!s->have_v) {
			st_value_from_field(&ev->arena, &s->f, &s->v);
			s->have_v = 1;
		}
		*out = s->v;
		return;
	}
	if (s->found == 1) {
		/* Walk the raw JSON: no tree for a.b.c. */
		st_field cur = s->f, sub;
		for (size_t i = 0; i < n->npath; i++) {
			if (cur.type == ST_J_ARRAY)
				goto slow;
			if (!raw_member(ev, &cur, n->path[i], n->plens[i],
			    &sub)) {
				*out = st_v_null();
				return;
			}
			cur = sub;
		}
		st_value_from_field(&ev->arena, &cur, out);
		return;
	}
slow:
	if (!s->have_v) {
		st_value_from_field(&ev->arena, &s->f, &s->v);
		s->have_v = 1;
	}
	{
		st_value cur = s->v;
		for (size_t i = 0; i < n->npath; i++) {
			if (cur.type == ST_V_STRUCT) {
				const st_value *f = st_value_struct_get(&cur,
				    n->path[i], n->plens[i]);
				cur = f ? *f : st_v_null();
			} else if (cur.type == ST_V_ARRAY) {
				/* arr.b on an array of structs is the array
				 * of their b fields, as in Spark. */
				st_value r = st_v_array(&ev->arena, cur.u.a.n);
				for (uint32_t k = 0; k < cur.u.a.n; k++) {
					const st_value *f = st_value_struct_get(
					    &cur.u.a.v[k], n->path[i],
					    n->plens[i]);
					r.u.a.v[k] = f ? *f : st_v_null();
				}
				cur = r;
			} else {
				cur = st_v_null();
			}
		}
		*out = cur;
	}
}

int
st_expr_raw_column(st_eval *ev, const st_expr *e, st_field *out)
{
	const node *n = &e->n;
	if (n->kind != N_COL)
		return -1;
	st_eval_slot *s = slot_of(ev, n);
	if (!s->found)
		return 0;
	if (s->found != 1)
		return -1;
	st_field cur = s->f, sub;
	for (size_t i = 0; i < n->npath; i++) {
		if (cur.type == ST_J_ARRAY)
			return -1;
		if (!raw_member(ev, &cur, n->path[i], n->plens[i], &sub))
			return 0;
		cur = sub;
	}
	*out = cur;
	return 1;
}

/* The JSON text of CAST(x AS INT|BIGINT) when x's raw text v[0..n) is a
 * string or a number of plain decimal digits that the cast keeps as they
 * are: at most maxd digits (they fit the type whatever they are), no
 * leading zero (JSON numbers have none), no sign but a number's '-', no
 * blank. Sets *p, *len to the digits (a slice of v) and returns 1, or
 * returns 0: anything else takes st_value_cast(). */
static int
raw_int_digits(const char *v, size_t n, size_t maxd, const char **p,
    size_t *len)
{
	const char *d = v;
	size_t nd = n;

	if (n >= 2 && v[0] == '"') {
		d = v + 1;
		nd = n - 2;
	} else if (n >= 2 && v[0] == '-') {
		d = v + 1;
		nd = n - 1;
	}
	if (nd == 0 || nd > maxd || (d[0] == '0' && (nd > 1 || v[0] == '-')))
		return 0;
	for (size_t i = 0; i < nd; i++)
		if ((unsigned)(d[i] - '0') > 9)
			return 0;
	*p = v[0] == '"' ? d : v;
	*len = v[0] == '"' ? nd : n;
	return 1;
}

int
st_expr_raw(st_eval *ev, const st_expr *e, st_field *out)
{
	const node *n = &e->n;

	if (n->kind == N_COL)
		return st_expr_raw_column(ev, e, out);
	if (n->kind != N_CAST || n->args[0]->kind != N_COL ||
	    (n->type->kind != ST_V_BIGINT && n->type->kind != ST_V_INT))
		return -1;
	/* CAST(col AS BIGINT) of "1549360800000": the digits, unquoted. */
	st_field f;
	int rc = st_expr_raw_column(ev, (const st_expr *)n->args[0], &f);
	if (rc != 1)
		return rc;
	const char *p;
	size_t len;
	if (!raw_int_digits(f.val, f.vlen, n->type->kind == ST_V_BIGINT ?
	    18 : 9, &p, &len))
		return -1;
	memset(out, 0, sizeof *out);
	out->val = p;
	out->vlen = (uint32_t)len;
	out->type = ST_J_NUMBER;
	return 1;
}

/* struct(*): every column of the current record, in order. */
void
eval_all_columns(st_eval *ev, st_value *out)
{
	st_record *r = ev->record;
	if (!r) {
		*out = st_v_null();
		return;
	}
	const st_fields *fs;
	if (st_record_edited(r)) {
		st_buf_reset(&ev->tmp);
		st_record_serialize(r, &ev->tmp);
		char *copy = st_arena_strndup(&ev->arena, ev->tmp.data,
		    ev->tmp.len);
		if (st_json_scan_object(copy, ev->tmp.len, &ev->rowfields,
		    NULL) < 0) {
			*out = st_v_null();
			return;
		}
		fs = &ev->rowfields;
	} else {
		if (st_record_scan(r) < 0) {
			*out = st_v_null();
			return;
		}
		fs = &r->fields;
	}
	st_value s = st_v_struct(&ev->arena, fs->n);
	for (uint32_t i = 0; i < fs->n; i++) {
		const st_field *f = &fs->v[i];
		st_value k;
		if (f->kesc) {
			st_buf t = ST_BUF_INIT;
			st_json_unescape(f->key, f->klen, &t);
			k = st_v_string_copy(&ev->arena, t.data,
			    t.len);
			st_buf_release(&t);
		} else {
			k = st_v_string(f->key, f->klen);
		}
		s.u.a.names[i] = k.u.s.p;
		s.u.a.nlens[i] = (uint32_t)k.u.s.n;
		st_value_from_field(&ev->arena, f, &s.u.a.v[i]);
	}
	*out = s;
}

/* ---- helpers -------------------------------------------------------- */

void
eval_cast(st_eval *ev, const st_value *in, st_vtype to, st_value *out)
{
	if (in->type == to) {
		*out = *in;
		return;
	}
	st_value_cast(&ev->arena, in, st_type_simple(to), out);
}

int
eval_truth(st_eval *ev, const st_value *v)
{
	if (v->type == ST_V_BOOLEAN)
		return v->u.b;
	if (v->type == ST_V_NULL)
		return -1;
	st_value b;
	eval_cast(ev, v, ST_V_BOOLEAN, &b);
	return b.type == ST_V_BOOLEAN ? b.u.b : -1;
}

static int
is_integral(const st_value *v)
{
	return v->type == ST_V_INT || v->type == ST_V_BIGINT;
}

static int
is_time(const st_value *v)
{
	return v->type == ST_V_TIMESTAMP || v->type == ST_V_DATE;
}

/*
 * Brings two values to comparable types, as Spark's implicit casts:
 * a string against a number becomes a DOUBLE, against a timestamp, date,
 * boolean or interval that type; a boolean against a number 1 or 0; a
 * number against a timestamp, seconds. Returns -1 when a cast fails
 * (the comparison is NULL).
 */
static int
coerce_pair(st_eval *ev, st_value *a, st_value *b)
{
	if (a->type == b->type)
		return 0;
	for (int k = 0; k < 2; k++) {
		st_value *x = k ? b : a, *y = k ? a : b;
		if (x->type == ST_V_STRING) {
			st_vtype to;
			if (st_value_is_numeric(y))
				to = ST_V_DOUBLE;
			else if (y->type == ST_V_TIMESTAMP ||
			    y->type == ST_V_DATE || y->type == ST_V_BOOLEAN ||
			    y->type == ST_V_INTERVAL)
				to = (st_vtype)y->type;
			else
				return 0;
			eval_cast(ev, x, to, x);
			return x->type == ST_V_NULL ? -1 : 0;
		}
		if (x->type == ST_V_BOOLEAN && st_value_is_numeric(y)) {
			*x = st_v_int(x->u.b);
			return 0;
		}
		if (st_value_is_numeric(x) && y->type == ST_V_TIMESTAMP) {
			eval_cast(ev, x, ST_V_TIMESTAMP, x);
			return x->type == ST_V_NULL ? -1 : 0;
		}
	}
	return 0;
}

int
eval_compare(st_eval *ev, const st_value *a0, const st_value *b0, int *res)
{
	st_value a = *a0, b = *b0;
	if (a.type == ST_V_NULL || b.type == ST_V_NULL)
		return -1;
	if (coerce_pair(ev, &a, &b) < 0)
		return -1;
	*res = st_value_compare(&a, &b);
	return 0;
}

/* ---- arithmetic ----------------------------------------------------- */

/* A value as a decimal (unscaled, scale). Integers have scale 0. */
static void
as_decimal(const st_value *v, int64_t *u, int *scale)
{
	if (v->type == ST_V_DECIMAL) {
		*u = v->u.i;
		*scale = v->scale;
	} else {
		*u = v->u.i;
		*scale = 0;
	}
}

static int
rescale_up(int64_t u, int by, int64_t *out)
{
	return __builtin_mul_overflow(u, st_pow10[by], out) ? -1 : 0;
}

/* Exact decimal + - * %; returns -1 on overflow (the caller falls back to
 * DOUBLE). */
static int
decimal_op(int op, const st_value *a, const st_value *b, st_value *out)
{
	int64_t x, y, r;
	int sx, sy, s;
	as_decimal(a, &x, &sx);
	as_decimal(b, &y, &sy);
	if (op == OP_MUL) {
		s = sx + sy;
		if (s > 18 || __builtin_mul_overflow(x, y, &r))
			return -1;
	} else {
		s = sx > sy ? sx : sy;
		if (rescale_up(x, s - sx, &x) < 0 ||
		    rescale_up(y, s - sy, &y) < 0)
			return -1;
		if (op == OP_ADD) {
			if (__builtin_add_overflow(x, y, &r))
				return -1;
		} else if (op == OP_SUB) {
			if (__builtin_sub_overflow(x, y, &r))
				return -1;
		} else {
			if (y == 0) {
				*out = st_v_null();
				return 0;
			}
			r = (y == -1) ? 0 : x % y;
		}
	}
	if (r >= st_pow10[18] || r <= -st_pow10[18])
		return -1;
	*out = st_v_decimal(r, 18, s);
	return 0;
}

static void
arith(st_eval *ev, int op, st_value a, st_value b, st_value *out)
{
	if (a.type == ST_V_NULL || b.type == ST_V_NULL) {
		*out = st_v_null();
		return;
	}
	/* Datetime and interval arithmetic. */
	if (a.type == ST_V_INTERVAL || b.type == ST_V_INTERVAL) {
		if (a.type == ST_V_STRING)
			eval_cast(ev, &a, ST_V_TIMESTAMP, &a);
		if (b.type == ST_V_STRING)
			eval_cast(ev, &b, ST_V_TIMESTAMP, &b);
		if (a.type == ST_V_DATE)
			eval_cast(ev, &a, ST_V_TIMESTAMP, &a);
		if (b.type == ST_V_DATE)
			eval_cast(ev, &b, ST_V_TIMESTAMP, &b);
		int64_t r;
		if (a.type == ST_V_TIMESTAMP && b.type == ST_V_INTERVAL &&
		    (op == OP_ADD || op == OP_SUB)) {
			if (op == OP_ADD ? __builtin_add_overflow(a.u.i, b.u.i,
			    &r) : __builtin_sub_overflow(a.u.i, b.u.i, &r))
				goto null;
			*out = st_v_timestamp(r);
			return;
		}
		if (a.type == ST_V_INTERVAL && b.type == ST_V_TIMESTAMP &&
		    op == OP_ADD) {
			if (__builtin_add_overflow(a.u.i, b.u.i, &r))
				goto null;
			*out = st_v_timestamp(r);
			return;
		}
		if (a.type == ST_V_INTERVAL && b.type == ST_V_INTERVAL &&
		    (op == OP_ADD || op == OP_SUB)) {
			if (op == OP_ADD ? __builtin_add_overflow(a.u.i, b.u.i,
			    &r) : __builtin_sub_overflow(a.u.i, b.u.i, &r))
				goto null;
			*out = st_v_interval(r);
			return;
		}
		if ((op == OP_MUL || op == OP_DIV) &&
		    a.type == ST_V_INTERVAL && st_value_is_numeric(&b)) {
			double f = st_value_to_double(&b);
			double d = op == OP_MUL ? (double)a.u.i * f :
			    f == 0 ? NAN : (double)a.u.i / f;
			if (!isfinite(d) || fabs(d) > 9.2e18)
				goto null;
			*out = st_v_interval((int64_t)d);
			return;
		}
		if (op == OP_MUL && b.type == ST_V_INTERVAL &&
		    st_value_is_numeric(&a)) {
			arith(ev, op, b, a, out);
			return;
		}
		goto null;
	}
	if (is_time(&a) || is_time(&b)) {
		if (a.type == ST_V_DATE && is_integral(&b) &&
		    (op == OP_ADD || op == OP_SUB)) {
			*out = st_v_date((int32_t)(op == OP_ADD ?
			    a.u.i + b.u.i : a.u.i - b.u.i));
			return;
		}
		if (b.type == ST_V_DATE && is_integral(&a) && op == OP_ADD) {
			*out = st_v_date((int32_t)(a.u.i + b.u.i));
			return;
		}
		if (op == OP_SUB && is_time(&a) &&
		    (is_time(&b) || b.type == ST_V_STRING)) {
			eval_cast(ev, &a, ST_V_TIMESTAMP, &a);
			eval_cast(ev, &b, ST_V_TIMESTAMP, &b);
			if (b.type == ST_V_NULL)
				goto null;
			*out = st_v_interval(a.u.i - b.u.i);
			return;
		}
		goto null;
	}
	if (op == OP_CONCAT) {
		eval_cast(ev, &a, ST_V_STRING, &a);
		eval_cast(ev, &b, ST_V_STRING, &b);
		char *p = st_arena_alloc(&ev->arena, a.u.s.n + b.u.s.n + 1);
		memcpy(p, a.u.s.p, a.u.s.n);
		memcpy(p + a.u.s.n, b.u.s.p, b.u.s.n);
		*out = st_v_string(p, a.u.s.n + b.u.s.n);
		return;
	}
	/* Strings in arithmetic are read as DOUBLE (Spark, ANSI off). */
	if (a.type == ST_V_STRING)
		eval_cast(ev, &a, ST_V_DOUBLE, &a);
	if (b.type == ST_V_STRING)
		eval_cast(ev, &b, ST_V_DOUBLE, &b);
	if (!st_value_is_numeric(&a) || !st_value_is_numeric(&b))
		goto null;
	if (op == OP_BITAND || op == OP_BITOR || op == OP_BITXOR) {
		if (!is_integral(&a) || !is_integral(&b))
			goto null;
		int64_t r = op == OP_BITAND ? (a.u.i & b.u.i) :
		    op == OP_BITOR ? (a.u.i | b.u.i) : (a.u.i ^ b.u.i);
		*out = a.type == ST_V_INT && b.type == ST_V_INT ?
		    st_v_int((int32_t)r) : st_v_bigint(r);
		return;
	}
	if (op == OP_DIV) {
		double y = st_value_to_double(&b);
		if (y == 0)
			goto null;
		*out = st_v_double(st_value_to_double(&a) / y);
		return;
	}
	if (op == OP_IDIV) {
		if ((is_integral(&a) || a.type == ST_V_DECIMAL) &&
		    (is_integral(&b) || b.type == ST_V_DECIMAL) &&
		    a.type != ST_V_DECIMAL && b.type != ST_V_DECIMAL) {
			if (b.u.i == 0)
				goto null;
			*out = st_v_bigint(b.u.i == -1 ?
			    (int64_t)(0 - (uint64_t)a.u.i) : a.u.i / b.u.i);
			return;
		}
		double y = st_value_to_double(&b);
		if (y == 0)
			goto null;
		double q = trunc(st_value_to_double(&a) / y);
		if (!isfinite(q) || fabs(q) > 9.2e18)
			goto null;
		*out = st_v_bigint((int64_t)q);
		return;
	}
	if (a.type == ST_V_DOUBLE || b.type == ST_V_DOUBLE) {
		double x = st_value_to_double(&a), y = st_value_to_double(&b);
		double r;
		switch (op) {
		case OP_ADD: r = x + y; break;
		case OP_SUB: r = x - y; break;
		case OP_MUL: r = x * y; break;
		default:
			if (y == 0)
				goto null;
			r = fmod(x, y);
		}
		*out = st_v_double(r);
		return;
	}
	if ((a.type == ST_V_BIGDEC || b.type == ST_V_BIGDEC) &&
	    a.type != ST_V_DECIMAL && b.type != ST_V_DECIMAL) {
		/* Integers beyond BIGINT: exact in 128 bits, null beyond 38
		 * digits (Spark's DECIMAL(38,0) overflow, ANSI off). */
		st_i128 x = st_value_wide(&a), y = st_value_wide(&b), r;
		switch (op) {
		case OP_ADD:
			if (__builtin_add_overflow(x, y, &r))
				goto null;
			break;
		case OP_SUB:
			if (__builtin_sub_overflow(x, y, &r))
				goto null;
			break;
		case OP_MUL:
			if (__builtin_mul_overflow(x, y, &r))
				goto null;
			break;
		default:
			if (y == 0)
				goto null;
			r = x % y;
		}
		*out = st_v_wide(r);
		return;
	}
	if (a.type == ST_V_DECIMAL || b.type == ST_V_DECIMAL) {
		if (a.type == ST_V_BIGDEC || b.type == ST_V_BIGDEC) {
			double x = st_value_to_double(&a);
			double y = st_value_to_double(&b);
			*out = st_v_double(op == OP_ADD ? x + y : op == OP_SUB ?
			    x - y : op == OP_MUL ? x * y : fmod(x, y));
			return;
		}
		if (decimal_op(op, &a, &b, out) == 0)
			return;
		double x = st_value_to_double(&a), y = st_value_to_double(&b);
		*out = st_v_double(op == OP_ADD ? x + y : op == OP_SUB ? x - y :
		    op == OP_MUL ? x * y : fmod(x, y));
		return;
	}
	/* Integers wrap like the JVM's (computed unsigned: no UB). */
	uint64_t x = (uint64_t)a.u.i, y = (uint64_t)b.u.i, r;
	switch (op) {
	case OP_ADD: r = x + y; break;
	case OP_SUB: r = x - y; break;
	case OP_MUL: r = x * y; break;
	default:
		if (b.u.i == 0)
			goto null;
		r = b.u.i == -1 ? 0 : (uint64_t)(a.u.i % b.u.i);
	}
	if (a.type == ST_V_INT && b.type == ST_V_INT)
		*out = st_v_int((int32_t)(uint32_t)r);
	else
		*out = st_v_bigint((int64_t)r);
	return;
null:
	*out = st_v_null();
}

/* ---- the evaluator -------------------------------------------------- */

static int
bool_of(st_eval *ev, const node *n)
{
	st_value v;
	eval_node(ev, n, &v);
	return eval_truth(ev, &v);
}

static void
set_tri(st_value *out, int t)
{
	*out = t < 0 ? st_v_null() : st_v_bool(t);
}

static int
like_dynamic(st_eval *ev, const node *n, const st_value *s,
    const st_value *p)
{
	if (n->op == 2) {
		regex_t re;
		char msg[128];
		if (regex_compile(&re, p->u.s.p, p->u.s.n, 1, msg,
		    sizeof msg) < 0)
			return -1;
		char *z = st_arena_strndup(&ev->arena, s->u.s.p, s->u.s.n);
		int m = regexec(&re, z, 0, NULL, 0) == 0;
		regfree(&re);
		return m;
	}
	pattern *pt = like_compile(&ev->arena, p->u.s.p, p->u.s.n, n->esc,
	    n->op == 1);
	return like_match(pt, s->u.s.p, s->u.s.n);
}

static int
compare_op(int op, int c)
{
	switch (op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	default: return c >= 0;
	}
}

void
eval_node(st_eval *ev, const node *n, st_value *out)
{
	st_value a, b;
	int c;

	switch (n->kind) {
	case N_LIT:
		*out = n->lit;
		return;
	case N_COL:
		column(ev, n, out);
		return;
	case N_FIELD:
		eval_node(ev, n->args[0], &a);
		if (a.type == ST_V_STRUCT) {
			const st_value *f = st_value_struct_get(&a, n->name,
			    n->nlen);
			*out = f ? *f : st_v_null();
		} else if (a.type == ST_V_ARRAY) {
			st_value r = st_v_array(&ev->arena, a.u.a.n);
			for (uint32_t k = 0; k < a.u.a.n; k++) {
				const st_value *f = st_value_struct_get(
				    &a.u.a.v[k], n->name, n->nlen);
				r.u.a.v[k] = f ? *f : st_v_null();
			}
			*out = r;
		} else {
			*out = st_v_null();
		}
		return;
	case N_INDEX:
		eval_node(ev, n->args[0], &a);
		eval_node(ev, n->args[1], &b);
		*out = st_v_null();
		if (a.type == ST_V_ARRAY && is_integral(&b)) {
			if (b.u.i >= 0 && (uint64_t)b.u.i < a.u.a.n)
				*out = a.u.a.v[b.u.i];
		} else if (a.type == ST_V_STRUCT && b.type == ST_V_STRING) {
			const st_value *f = st_value_struct_get(&a, b.u.s.p,
			    b.u.s.n);
			if (f)
				*out = *f;
		}
		return;
	case N_NEG:
		eval_node(ev, n->args[0], &a);
		switch (a.type) {
		case ST_V_INT:
			*out = st_v_int((int32_t)(0 - (uint32_t)a.u.i));
			return;
		case ST_V_BIGINT:
			*out = st_v_bigint((int64_t)(0 - (uint64_t)a.u.i));
			return;
		case ST_V_DECIMAL:
			*out = a;
			out->u.i = -a.u.i;
			return;
		case ST_V_BIGDEC:
			*out = st_v_wide(-st_value_wide(&a));
			return;
		case ST_V_DOUBLE:
			*out = st_v_double(-a.u.d);
			return;
		case ST_V_INTERVAL:
			*out = st_v_interval(-a.u.i);
			return;
		case ST_V_STRING:
			eval_cast(ev, &a, ST_V_DOUBLE, &a);
			*out = a.type == ST_V_DOUBLE ? st_v_double(-a.u.d) :
			    st_v_null();
			return;
		default:
			*out = st_v_null();
			return;
		}
	case N_POS:
		eval_node(ev, n->args[0], out);
		return;
	case N_BITNOT:
		eval_node(ev, n->args[0], &a);
		if (a.type == ST_V_INT)
			*out = st_v_int((int32_t)~a.u.i);
		else if (a.type == ST_V_BIGINT)
			*out = st_v_bigint(~a.u.i);
		else
			*out = st_v_null();
		return;
	case N_NOT:
		c = bool_of(ev, n->args[0]);
		set_tri(out, c < 0 ? -1 : !c);
		return;
	case N_AND: {
		int x = bool_of(ev, n->args[0]);
		if (x == 0) {
			*out = st_v_bool(0);
			return;
		}
		int y = bool_of(ev, n->args[1]);
		if (y == 0)
			*out = st_v_bool(0);
		else
			set_tri(out, x < 0 || y < 0 ? -1 : 1);
		return;
	}
	case N_OR: {
		int x = bool_of(ev, n->args[0]);
		if (x == 1) {
			*out = st_v_bool(1);
			return;
		}
		int y = bool_of(ev, n->args[1]);
		if (y == 1)
			*out = st_v_bool(1);
		else
			set_tri(out, x < 0 || y < 0 ? -1 : 0);
		return;
	}
	case N_BIN:
		eval_node(ev, n->args[0], &a);
		eval_node(ev, n->args[1], &b);
		switch (n->op) {
		case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT:
		case OP_GE:
			/* Fast path: string = string, no allocation. */
			if (a.type == ST_V_STRING && b.type == ST_V_STRING &&
			    (n->op == OP_EQ || n->op == OP_NE)) {
				int eq = a.u.s.n == b.u.s.n &&
				    memcmp(a.u.s.p, b.u.s.p, a.u.s.n) == 0;
				*out = st_v_bool(n->op == OP_EQ ? eq : !eq);
				return;
			}
			if (eval_compare(ev, &a, &b, &c) < 0)
				*out = st_v_null();
			else
				*out = st_v_bool(compare_op(n->op, c));
			return;
		case OP_NSEQ:
		case OP_DISTINCT: {
			int eq;
			if (a.type == ST_V_NULL || b.type == ST_V_NULL)
				eq = a.type == b.type;
			else
				eq = eval_compare(ev, &a, &b, &c) == 0 &&
				    c == 0;
			if (n->op == OP_DISTINCT)
				eq = n->negate ? eq : !eq;
			*out = st_v_bool(eq);
			return;
		}
		default:
			arith(ev, n->op, a, b, out);
			return;
		}
	case N_ISNULL:
		eval_node(ev, n->args[0], &a);
		*out = st_v_bool((a.type == ST_V_NULL) != n->negate);
		return;
	case N_ISBOOL:
		c = bool_of(ev, n->args[0]);
		*out = st_v_bool((c == n->op) != n->negate);
		return;
	case N_LIKE:
		eval_node(ev, n->args[0], &a);
		if (a.type == ST_V_NULL) {
			*out = a;
			return;
		}
		eval_cast(ev, &a, ST_V_STRING, &a);
		if (n->aux) {
			const pattern *pt = n->aux;
			if (n->op == 2) {
				char *z = st_arena_strndup(&ev->arena, a.u.s.p,
				    a.u.s.n);
				c = regexec(&pt->re, z, 0, NULL, 0) == 0;
			} else {
				c = like_match(pt, a.u.s.p, a.u.s.n);
			}
		} else {
			eval_node(ev, n->args[1], &b);
			if (b.type == ST_V_NULL) {
				*out = b;
				return;
			}
			eval_cast(ev, &b, ST_V_STRING, &b);
			c = like_dynamic(ev, n, &a, &b);
			if (c < 0) {
				*out = st_v_null();
				return;
			}
		}
		*out = st_v_bool(c != n->negate);
		return;
	case N_IN: {
		eval_node(ev, n->args[0], &a);
		if (a.type == ST_V_NULL) {
			*out = a;
			return;
		}
		int saw_null = 0;
		for (int i = 1; i < n->nargs; i++) {
			eval_node(ev, n->args[i], &b);
			if (eval_compare(ev, &a, &b, &c) < 0) {
				saw_null = 1;
				continue;
			}
			if (c == 0) {
				*out = st_v_bool(!n->negate);
				return;
			}
		}
		*out = saw_null ? st_v_null() : st_v_bool(n->negate);
		return;
	}
	case N_BETWEEN: {
		st_value lo, hi;
		int c1, c2, t1, t2;
		eval_node(ev, n->args[0], &a);
		eval_node(ev, n->args[1], &lo);
		eval_node(ev, n->args[2], &hi);
		t1 = eval_compare(ev, &a, &lo, &c1) < 0 ? -1 : c1 >= 0;
		t2 = eval_compare(ev, &a, &hi, &c2) < 0 ? -1 : c2 <= 0;
		int r = (t1 == 0 || t2 == 0) ? 0 : (t1 < 0 || t2 < 0) ? -1 : 1;
		if (n->negate && r >= 0)
			r = !r;
		set_tri(out, r);
		return;
	}
	case N_CASE: {
		int i = 0, end = n->nargs - (n->has_else ? 1 : 0);
		st_value x;
		if (n->has_operand)
			eval_node(ev, n->args[i++], &x);
		for (; i < end; i += 2) {
			int hit;
			if (n->has_operand) {
				eval_node(ev, n->args[i], &b);
				hit = eval_compare(ev, &x, &b, &c) == 0 &&
				    c == 0;
			} else {
				hit = bool_of(ev, n->args[i]) == 1;
			}
			if (hit) {
				eval_node(ev, n->args[i + 1], out);
				return;
			}
		}
		if (n->has_else)
			eval_node(ev, n->args[n->nargs - 1], out);
		else
			*out = st_v_null();
		return;
	}
	case N_CAST:
		eval_node(ev, n->args[0], &a);
		st_value_cast(&ev->arena, &a, n->type, out);
		return;
	case N_CALL: {
		if ((n->fn->flags & F_AGG) && ev->agg) {
			/* An aggregate's result, over a group's slots. */
			if (ev->agg(ev->agg_ud, (const st_expr *)n, &ev->arena,
			    out) < 0)
				*out = st_v_null();
			return;
		}
		if (n->fn->flags & F_LAZY) {
			n->fn->impl(ev, n, NULL, n->nargs, out);
			return;
		}
		st_value stackv[8];
		st_value *args = n->nargs <= 8 ? stackv :
		    st_arena_alloc(&ev->arena, (size_t)n->nargs * sizeof *args);
		for (int i = 0; i < n->nargs; i++)
			eval_node(ev, n->args[i], &args[i]);
		n->fn->impl(ev, n, args, n->nargs, out);
		return;
	}
	default:
		*out = st_v_null();
	}
}

void
st_expr_eval(st_eval *ev, const st_expr *e, st_value *out)
{
	eval_node(ev, &e->n, out);
}

int
st_expr_eval_bool(st_eval *ev, const st_expr *e)
{
	st_value v;
	eval_node(ev, &e->n, &v);
	return eval_truth(ev, &v);
}

/* ---- diagnostics ---------------------------------------------------- */

int
st_expr_warn_missing(const st_expr_list *l, st_record *r,
    const char *const *names, size_t nnames)
{
	int nwarn = 0;
	if (st_record_scan(r) < 0)
		return 0;
	size_t nk = r->fields.n;
	const char **keys = st_calloc(nk ? nk : 1, sizeof *keys);
	for (size_t i = 0; i < nk; i++)
		keys[i] = st_strndup(r->fields.v[i].key, r->fields.v[i].klen);
	for (size_t i = 0; i < l->ncols; i++) {
		const char *c = l->cols[i];
		size_t cl = strlen(c);
		int known = 0;
		for (size_t k = 0; k < nnames && !known; k++)
			known = names[k] && strcasecmp(names[k], c) == 0;
		if (known || st_record_get(r, c, cl))
			continue;
		for (size_t k = 0; k < nk && !known; k++)
			known = strcasecmp(keys[k], c) == 0;
		if (known)
			continue;
		const char *s = st_suggest(c, cl, keys, nk);
		if (s)
			st_warn("column '%s' is not in the first record (did "
			    "you mean '%s'?); it reads as null", c, s);
		else
			st_warn("column '%s' is not in the first record; it "
			    "reads as null", c);
		nwarn++;
	}
	for (size_t i = 0; i < nk; i++)
		free((void *)keys[i]);
	free(keys);
	return nwarn;
}
