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
	{ "collect_list", ST_AGG_COLLECT_LIST },
	{ "collect_set", ST_AGG_COLLECT_SET },
	{ "stddev", ST_AGG_STDDEV_SAMP },
	{ "std", ST_AGG_STDDEV_SAMP },
	{ "stddev_samp", ST_AGG_STDDEV_SAMP },
	{ "stddev_pop", ST_AGG_STDDEV_POP },
	{ "variance", ST_AGG_VAR_SAMP },
	{ "var_samp", ST_AGG_VAR_SAMP },
	{ "var_pop", ST_AGG_VAR_POP },
	{ "percentile_approx", ST_AGG_PERCENTILE_APPROX },
	{ "approx_percentile", ST_AGG_PERCENTILE_APPROX },
	{ "median", ST_AGG_MEDIAN },
	{ "max_by", ST_AGG_MAX_BY },
	{ "min_by", ST_AGG_MIN_BY },
	{ "bool_and", ST_AGG_BOOL_AND },
	{ "every", ST_AGG_BOOL_AND },
	{ "bool_or", ST_AGG_BOOL_OR },
	{ "some", ST_AGG_BOOL_OR },
	{ "any", ST_AGG_BOOL_OR },
	{ "count_if", ST_AGG_COUNT_IF },
	{ "product", ST_AGG_PRODUCT },
	{ "first_value", ST_AGG_FIRST },
	{ "any_value", ST_AGG_FIRST },
	{ "last_value", ST_AGG_LAST },
};

/* The slot of collect_list, collect_set and count(DISTINCT): the
 * elements' JSON texts, comma-separated, in an owned buffer. */
typedef struct alist {
	char *p;
	uint32_t len, cap;	/* bytes */
	uint32_t n, pad;	/* elements */
} alist;

/* The slot of stddev and variance: Welford's running moments. */
typedef struct amom {
	int64_t n;
	double mean, m2;
} amom;

/* The slot of percentile_approx and median: weighted points, sorted
 * when compacted (an owned array). */
typedef struct apoint {
	double v;
	int64_t w;
} apoint;

typedef struct asketch {
	apoint *p;
	uint32_t n, cap;
	uint8_t nonint;		/* a value was not an integer */
	uint8_t sorted;
	uint8_t pad[6];
} asketch;

_Static_assert(sizeof(alist) <= sizeof(st_aslot), "alist fits a slot");
_Static_assert(sizeof(amom) <= sizeof(st_aslot), "amom fits a slot");
_Static_assert(sizeof(asketch) <= sizeof(st_aslot), "asketch fits a slot");

#define DEFAULT_ACCURACY 10000

static const char *
fn_name(st_agg_fn fn)
{
	if (fn == ST_AGG_COUNT_ALL || fn == ST_AGG_COUNT_DISTINCT)
		return "count";
	if (fn == ST_AGG_SUM_DISTINCT)
		return "sum";
	if (fn == ST_AGG_AVG_DISTINCT)
		return "avg";
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (fns[i].fn == fn)
			return fns[i].name;
	return "?";
}

/* A constant number: a literal, or a negated one. */
static int
const_number(const st_expr *e, double *d)
{
	const st_value *v = st_expr_literal(e);

	if (v == NULL && st_expr_kind(e) == ST_NODE_NEG &&
	    const_number(st_expr_child(e, 0), d) == 0) {
		*d = -*d;
		return 0;
	}
	if (v == NULL || !st_value_is_numeric(v))
		return -1;
	*d = st_value_to_double(v);
	return 0;
}

/* percentile_approx(x, p | array(p, ...) [, accuracy]): the constant
 * arguments, checked as Spark checks them. */
static int
percentile_args(st_agg *g, const st_expr *call, st_buf *err)
{
	const st_expr *p = st_expr_call_arg(call, 1);
	const char *fn = st_expr_call_name(p);
	double d;

	g->accuracy = DEFAULT_ACCURACY;
	if (fn && strcasecmp(fn, "array") == 0) {
		g->pct_array = 1;
		g->npct = st_expr_call_nargs(p);
		g->pct = st_calloc(g->npct ? g->npct : 1, sizeof *g->pct);
		for (size_t i = 0; i < g->npct; i++)
			if (const_number(st_expr_call_arg(p, i),
			    &g->pct[i]) < 0)
				return -1;
	} else {
		g->npct = 1;
		g->pct = st_calloc(1, sizeof *g->pct);
		if (const_number(p, &g->pct[0]) < 0)
			return -1;
	}
	for (size_t i = 0; i < g->npct; i++)
		if (!(g->pct[i] >= 0 && g->pct[i] <= 1)) {
			st_buf_printf(err, "'%s': the percentage must be "
			    "between 0.0 and 1.0", g->name);
			return -1;
		}
	if (st_expr_call_nargs(call) == 3) {
		if (const_number(st_expr_call_arg(call, 2), &d) < 0)
			return -1;
		if (!(d > 0 && d <= 2147483647)) {
			st_buf_printf(err, "'%s': the accuracy must be a "
			    "positive integer", g->name);
			return -1;
		}
		g->accuracy = (int64_t)d;
	}
	return 0;
}

int
st_aggs_has_distinct(const st_aggs *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].fn == ST_AGG_COUNT_DISTINCT ||
		    a->v[i].fn == ST_AGG_SUM_DISTINCT ||
		    a->v[i].fn == ST_AGG_AVG_DISTINCT)
			return 1;
	return 0;
}

static const char known_aggs[] = "count, sum, avg, min, max, first, last, "
    "first_value, last_value, any_value, max_by, min_by, bool_and, every, "
    "bool_or, some, any, count_if, product, approx_count_distinct, "
    "collect_list, collect_set, stddev, stddev_samp, stddev_pop, variance, "
    "var_samp, var_pop, percentile_approx, median";

/* The arguments of the aggregates that take two: max_by(x, ord),
 * min_by(x, ord), and first(x, ignoreNulls), last(x, ignoreNulls) whose
 * second must be a boolean literal, as Spark's First and Last check. */
static int
two_args(st_agg *g, const st_expr *call, size_t nargs, st_buf *err)
{
	int by = g->fn == ST_AGG_MAX_BY || g->fn == ST_AGG_MIN_BY;
	int fl = g->fn == ST_AGG_FIRST || g->fn == ST_AGG_LAST;

	if (by && nargs != 2) {
		st_buf_printf(err, "'%s' takes two arguments (a value and "
		    "its ordering)", g->name);
		return -1;
	}
	if (!by && !(fl && nargs == 2)) {
		st_buf_printf(err, "'%s' takes %s", g->name, fl ? "one or "
		    "two arguments (the value, ignoreNulls)" : "one argument");
		return -1;
	}
	g->arg = st_expr_call_arg(call, 0);
	if (by) {
		g->ord = st_expr_call_arg(call, 1);
		return 0;
	}
	const st_value *v = st_expr_literal(st_expr_call_arg(call, 1));
	if (v == NULL || v->type != ST_V_BOOLEAN) {
		st_buf_printf(err, "'%s': the second argument (ignoreNulls) "
		    "must be a boolean literal", g->name);
		return -1;
	}
	g->ignore_nulls = v->u.b != 0;
	return 0;
}

/* Adds the slot of aggregate call `call` named `name`, its arguments
 * checked. Returns 0, or -1 with a message in err. */
static int
add_slot(st_aggs *a, const st_expr *call, const char *name, char *own,
    st_buf *err)
{
	const char *fn = st_expr_call_name(call);
	size_t k;

	a->v = st_realloc(a->v, (a->n + 1) * sizeof *a->v);
	st_agg *g = &a->v[a->n++];
	memset(g, 0, sizeof *g);
	g->own = own;
	for (k = 0; k < sizeof fns / sizeof fns[0]; k++)
		if (strcmp(fns[k].name, fn) == 0)
			break;
	if (k == sizeof fns / sizeof fns[0]) {
		st_buf_printf(err, "'%s' is not an aggregate (known: %s)", name,
		    known_aggs);
		return -1;
	}
	g->fn = fns[k].fn;
	g->name = name;
	g->call = call;
	if (st_expr_call_distinct(call)) {
		if ((g->fn != ST_AGG_COUNT && g->fn != ST_AGG_SUM &&
		    g->fn != ST_AGG_AVG) || st_expr_call_star(call)) {
			st_buf_printf(err, "'%s': of the DISTINCT aggregates "
			    "only count(DISTINCT x), sum(DISTINCT x) and "
			    "avg(DISTINCT x) are supported (or use "
			    "approx_count_distinct)", name);
			return -1;
		}
		g->fn = g->fn == ST_AGG_SUM ? ST_AGG_SUM_DISTINCT :
		    g->fn == ST_AGG_AVG ? ST_AGG_AVG_DISTINCT :
		    ST_AGG_COUNT_DISTINCT;
	}
	size_t nargs = st_expr_call_nargs(call);
	if (g->fn == ST_AGG_COUNT && st_expr_call_star(call)) {
		g->fn = ST_AGG_COUNT_ALL;
	} else if (g->fn == ST_AGG_PERCENTILE_APPROX) {
		if ((nargs != 2 && nargs != 3) ||
		    percentile_args(g, call, err) < 0) {
			if (err->len == 0)
				st_buf_printf(err, "'%s' takes a column, a "
				    "percentage or array of them, and an "
				    "optional accuracy", name);
			return -1;
		}
		g->arg = st_expr_call_arg(call, 0);
	} else if (nargs != 1 || g->fn == ST_AGG_MAX_BY ||
	    g->fn == ST_AGG_MIN_BY) {
		return two_args(g, call, nargs, err);
	} else {
		g->arg = st_expr_call_arg(call, 0);
	}
	return 0;
}

/* The grouping key named as column e, or -1. Exact first, then ignoring
 * case, as Spark resolves names. */
static int
key_of(const st_aggs *a, const st_expr *e)
{
	const char *name;
	size_t len, depth;

	if (!st_expr_is_column(e, &name, &len, &depth))
		return -1;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < a->nkeys; i++)
			if (strlen(a->keys[i]) == len && (pass ?
			    strncasecmp(a->keys[i], name, len) :
			    memcmp(a->keys[i], name, len)) == 0)
				return (int)i;
	return -1;
}

/*
 * Walks an item that is not a plain aggregate call: each aggregate call
 * in it becomes a slot (named as Spark names the call); a column outside
 * every aggregate must be a grouping key, else *bad is set to it (the
 * first one). Returns the number of aggregate calls, or -1 on an error in
 * an aggregate's arguments.
 */
static int
walk_item(st_aggs *a, const st_expr *e, const st_expr **bad, st_buf *err)
{
	if (st_expr_is_aggregate(e)) {
		st_buf nb = ST_BUF_INIT;
		st_expr_default_name(&nb, e);
		char *name = st_buf_detach(&nb, NULL);
		return add_slot(a, e, name, name, err) < 0 ? -1 : 1;
	}
	if (st_expr_kind(e) == ST_NODE_COLUMN) {
		if (key_of(a, e) < 0 && *bad == NULL)
			*bad = e;
		return 0;
	}
	int n = 0;
	for (size_t i = 0; i < st_expr_nchildren(e); i++) {
		int k = walk_item(a, st_expr_child(e, i), bad, err);
		if (k < 0)
			return -1;
		n += k;
	}
	return n;
}

/* Compiles item it into outputs (and slots). */
static int
add_item(st_aggs *a, const st_expr_item *it, st_buf *err)
{
	st_agg_out *o;

	a->out = st_realloc(a->out, (a->nout + 1) * sizeof *a->out);
	o = &a->out[a->nout++];
	memset(o, 0, sizeof *o);
	o->name = it->name;
	if (it->kind != ST_ITEM_EXPR) {
		st_buf_printf(err, "'*' is not an aggregate (known: %s)",
		    known_aggs);
		return -1;
	}
	if (st_expr_is_aggregate(it->expr)) {
		o->slot = a->n;
		return add_slot(a, it->expr, it->name, NULL, err);
	}
	const st_expr *bad = NULL;
	int n = walk_item(a, it->expr, &bad, err);
	if (n < 0)
		return -1;
	if (bad && n == 0) {
		st_buf_printf(err, "'%s' is not an aggregate (known: %s)",
		    it->name, known_aggs);
		return -1;
	}
	if (bad) {
		/* Spark's MISSING_AGGREGATION. */
		st_buf nb = ST_BUF_INIT;
		st_expr_default_name(&nb, bad);
		st_buf_printf(err, "'%s': the non-aggregating expression '%s' "
		    "is based on columns which are not participating in the "
		    "GROUP BY clause (add them to the keys, or aggregate the "
		    "expression, e.g. first(%s))", it->name, nb.data, nb.data);
		st_buf_release(&nb);
		return -1;
	}
	o->expr = it->expr;
	return 0;
}

int
st_aggs_parse(st_aggs *a, const char *text, char **err)
{
	return st_aggs_parse_keys(a, text, NULL, 0, err);
}

int
st_aggs_parse_keys(st_aggs *a, const char *text, const char *const *keys,
    size_t nkeys, char **err)
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
	a->keys = keys;
	a->nkeys = nkeys;
	for (size_t i = 0; i < st_expr_list_len(a->list); i++)
		if (add_item(a, st_expr_list_item(a->list, i), &b) < 0)
			goto bad;
	for (size_t i = 0; i < a->n; i++) {
		a->v[i].off = a->size;
		a->size += st_agg_slot_size(&a->v[i]);
		a->v[i].val = a->nvals;
		a->nvals += a->v[i].ord ? 2 : 1;
	}
	for (size_t i = 0; i < a->nout; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(a->out[i].name, a->out[j].name) == 0) {
				st_buf_printf(&b, "two aggregates are named "
				    "'%s' (use AS to name them apart)",
				    a->out[i].name);
				goto bad;
			}
	a->vals = st_calloc(a->nvals ? a->nvals : 1, sizeof *a->vals);
	st_eval_init(&a->ev, a->list);
	st_eval_init(&a->oev, a->list);
	return 0;
bad:
	*err = st_buf_detach(&b, NULL);
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].pct);
		free(a->v[i].own);
	}
	free(a->v);
	free(a->out);
	st_expr_list_free(a->list);
	memset(a, 0, sizeof *a);
	return -1;
}

void
st_aggs_release(st_aggs *a)
{
	if (a->list) {
		if (a->ev.slots)
			st_eval_release(&a->ev);
		if (a->oev.slots)
			st_eval_release(&a->oev);
		st_expr_list_free(a->list);
	}
	for (size_t i = 0; a->v && i < a->n; i++) {
		free(a->v[i].pct);
		free(a->v[i].own);
	}
	free(a->v);
	free(a->out);
	free(a->vals);
	memset(a, 0, sizeof *a);
}

void
st_aggs_begin_batch(st_aggs *a)
{
	for (size_t i = 0; i < a->n; i++)
		a->v[i].batch++;
}

void
st_aggs_set_running(st_aggs *a)
{
	for (size_t i = 0; i < a->n; i++)
		a->v[i].running = 1;
}

int
st_aggs_plain(const st_aggs *a)
{
	if (a->nout != a->n)
		return 0;
	for (size_t i = 0; i < a->nout; i++)
		if (a->out[i].expr || a->out[i].slot != i)
			return 0;
	return 1;
}

/* Slot g as the state knows it: the call in canonical text, no name
 * ("sum(Buy)", "percentile_approx(x, 0.5, 10000)"); exact: its argument
 * as st_expr_canonical writes it ("sum(`Buy`)"). */
static void
format_slot(const st_agg *g, int exact, st_buf *b)
{
	void (*put)(st_buf *, const st_expr *) = exact ? st_expr_canonical :
	    st_expr_default_name;

	st_buf_printf(b, "%s(", fn_name(g->fn));
	if (g->fn == ST_AGG_COUNT_DISTINCT || g->fn == ST_AGG_SUM_DISTINCT ||
	    g->fn == ST_AGG_AVG_DISTINCT)
		st_buf_puts(b, "DISTINCT ");
	if (g->arg)
		put(b, g->arg);
	else
		st_buf_putc(b, '*');
	if (g->ord) {
		st_buf_puts(b, ", ");
		put(b, g->ord);
	}
	if (g->ignore_nulls)
		st_buf_puts(b, ", true");
	for (size_t k = 0; k < g->npct; k++)
		st_buf_printf(b, "%s%.17g", k == 0 ? (g->pct_array ?
		    ", array(" : ", ") : ", ", g->pct[k]);
	if (g->pct_array)
		st_buf_putc(b, ')');
	if (g->fn == ST_AGG_PERCENTILE_APPROX)
		st_buf_printf(b, ", %lld", (long long)g->accuracy);
	st_buf_putc(b, ')');
}

void
st_aggs_format(const st_aggs *a, st_buf *b)
{
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			st_buf_puts(b, ", ");
		format_slot(&a->v[i], 0, b);
		st_buf_printf(b, " AS %s", a->v[i].name);
	}
	/* Outputs that are not one slot each, in order (a list of plain
	 * aggregates formats as it always has). */
	if (st_aggs_plain(a))
		return;
	st_buf_puts(b, "; ");
	for (size_t i = 0; i < a->nout; i++) {
		const st_agg_out *o = &a->out[i];
		if (i)
			st_buf_puts(b, ", ");
		if (o->expr)
			st_expr_default_name(b, o->expr);
		else
			st_buf_printf(b, "#%zu", o->slot);
		st_buf_printf(b, " AS %s", o->name);
	}
}

/* True when g counts rows: count(*), or a count over a literal that is
 * never null (count(1)), which Spark plans as count(*) and which keeps
 * the same state. */
static int
counts_rows(const st_agg *g)
{
	const st_value *v = g->fn == ST_AGG_COUNT && g->arg ?
	    st_expr_literal(g->arg) : NULL;

	return g->fn == ST_AGG_COUNT_ALL || (v && v->type != ST_V_NULL);
}

void
st_aggs_describe(const st_aggs *a, json_t *d)
{
	st_buf b = ST_BUF_INIT;
	json_t *slots = json_array();

	st_aggs_format(a, &b);
	json_object_set_new(d, "agg", json_string(b.data));
	for (size_t i = 0; i < a->n; i++) {
		st_buf_reset(&b);
		if (counts_rows(&a->v[i]))
			st_buf_puts(&b, "count(*)");
		else
			format_slot(&a->v[i], 1, &b);
		json_array_append_new(slots, json_string(b.data));
	}
	json_object_set_new(d, "aggCalls", slots);
	st_buf_release(&b);
}

/* Where the next slot of a formatted list starts after p: at a ", "
 * followed by an aggregate's name and "(" (a name of st_aggs_format's
 * never holds one: a slot's own name is an alias or the text of its
 * call, which holds no aggregate), or NULL. */
static const char *
next_slot(const char *p)
{
	for (p = strstr(p, ", "); p; p = strstr(p + 1, ", ")) {
		const char *q = p + 2;
		size_t n = 0;
		while (isalnum((unsigned char)q[n]) || q[n] == '_')
			n++;
		if (q[n] != '(')
			continue;
		for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++)
			if (strlen(fns[k].name) == n &&
			    strncasecmp(fns[k].name, q, n) == 0)
				return p;
	}
	return NULL;
}

/* True when text, an --agg list as st_aggs_format wrote it (by an st
 * that kept no aggCalls), is a's slots in order under any names: "D0 AS
 * name0, D1 AS name1[; outputs]", each Di as format_slot writes a's. */
static int
text_has_slots(const st_aggs *a, const char *text)
{
	st_buf d = ST_BUF_INIT;
	const char *p = text;
	int ok = 1;

	for (size_t i = 0; ok && i < a->n; i++) {
		st_buf_reset(&d);
		format_slot(&a->v[i], 0, &d);
		st_buf_puts(&d, " AS ");
		/* count(1) was count(*) to the state. */
		if (strncmp(p, d.data, d.len) != 0 && counts_rows(&a->v[i]) &&
		    (strncmp(p, "count(*) AS ", 12) == 0 ||
		    strncmp(p, "count(1) AS ", 12) == 0)) {
			st_buf_reset(&d);
			st_buf_add(&d, p, 12);
		}
		if (strncmp(p, d.data, d.len) != 0) {
			ok = 0;
			break;
		}
		p += d.len;
		const char *next = next_slot(p), *outs = strstr(p, "; ");
		if (i + 1 < a->n) {
			ok = next != NULL;
			p = next ? next + 2 : p;
		} else {
			/* The last slot: no other before the outputs. */
			ok = next == NULL || (outs && outs < next);
		}
	}
	st_buf_release(&d);
	return ok && (a->n > 0 || *text == '\0' || strncmp(text, "; ", 2) == 0);
}

int
st_aggs_evolves(const st_aggs *a, const char *key, json_t *was, json_t *now)
{
	json_t *wc = json_object_get(was, "aggCalls");
	json_t *nc = json_object_get(now, "aggCalls");

	/* aggSlots: the calls by their default names, kept for a while by
	 * the st before aggCalls; its "agg" says the same. */
	if (strcmp(key, "aggSlots") == 0)
		return 1;
	if (strcmp(key, "aggCalls") == 0)
		/* Compared with --agg, and named as it when that differs. */
		return wc == NULL || json_equal(wc, nc) ||
		    !json_equal(json_object_get(was, "agg"),
		    json_object_get(now, "agg"));
	if (strcmp(key, "agg") != 0)
		return 0;
	if (wc)
		return json_equal(wc, nc);
	const char *text = json_string_value(json_object_get(was, "agg"));
	return text && text_has_slots(a, text);
}

/* The aggregate source of the outputs' evaluator. */
typedef struct out_ctx {
	st_aggs *a;
	void *slots;
	const st_field *kv;
} out_ctx;

static int
out_agg(void *ud, const st_expr *call, st_arena *arena, st_value *v)
{
	out_ctx *c = ud;

	for (size_t i = 0; i < c->a->n; i++)
		if (c->a->v[i].call == call) {
			st_agg_value(&c->a->v[i], st_aggs_slot(c->a, c->slots,
			    i), arena, v);
			return 0;
		}
	return -1;
}

static int
out_key(void *ud, const char *name, size_t len, st_field *field,
    st_value *value)
{
	out_ctx *c = ud;

	(void)value;
	if (c->kv == NULL)
		return 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < c->a->nkeys; i++)
			if (strlen(c->a->keys[i]) == len && (pass ?
			    strncasecmp(c->a->keys[i], name, len) :
			    memcmp(c->a->keys[i], name, len)) == 0) {
				*field = c->kv[i];
				return 1;
			}
	return 0;
}

void
st_aggs_put(st_aggs *a, void *slots, size_t i, const st_field *keyvals,
    st_buf *b)
{
	const st_agg_out *o = &a->out[i];

	if (o->expr == NULL) {
		st_agg_result(&a->v[o->slot], st_aggs_slot(a, slots, o->slot),
		    b);
		return;
	}
	out_ctx c = { a, slots, keyvals };
	st_value v;
	st_eval_set_aggregates(&a->oev, out_agg, &c);
	st_eval_set_resolver(&a->oev, out_key, &c);
	st_expr_eval(&a->oev, o->expr, &v);
	st_value_write_json(b, &v);
	st_eval_set_aggregates(&a->oev, NULL, NULL);
}

void
st_aggs_eval(st_aggs *a, st_record *r, st_value *vals)
{
	st_eval_set_record(&a->ev, r);
	for (size_t i = 0; i < a->n; i++) {
		st_value *v = &vals[a->v[i].val];
		if (a->v[i].arg)
			st_expr_eval(&a->ev, a->v[i].arg, v);
		else
			*v = st_v_null();
		if (a->v[i].ord)
			st_expr_eval(&a->ev, a->v[i].ord, v + 1);
	}
}

size_t
st_agg_slot_size(const st_agg *agg)
{
	switch (agg->fn) {
	case ST_AGG_COUNT:
	case ST_AGG_COUNT_ALL:
	case ST_AGG_COUNT_IF:
	case ST_AGG_APPROX_DISTINCT:
		return 8;
	default:
		return sizeof(st_aslot);
	}
}

void
st_aggs_update(st_aggs *a, void *slots, st_record *r)
{
	st_aggs_eval(a, r, a->vals);
	for (size_t i = 0; i < a->n; i++)
		st_agg_update(&a->v[i], st_aggs_slot(a, slots, i),
		    &a->vals[a->v[i].val]);
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

/* A kept value (min, max, first, last, and max_by's pair) saved as
 * [] when unset, else [type, value] with the value as JSON. */
static void
kept_save(const st_aslot *s, st_buf *b)
{
	if (!s->set) {
		st_buf_add(b, "[]", 2);
		return;
	}
	st_buf_printf(b, "[%d,", s->t);
	if (s->t == ST_V_DOUBLE) {
		st_buf_put_double(b, s->a.d);
	} else if (s->t == ST_V_STRING) {
		st_buf_put_json_string(b, s->a.p, (size_t)s->b.i);
	} else if (s->t == ST_V_ARRAY || s->t == ST_V_STRUCT) {
		st_buf_add(b, s->a.p, (size_t)s->b.i);
	} else if (s->t == ST_V_BIGDEC) {
		st_arena ar = ST_ARENA_INIT;
		st_value kv = kept_value(s, &ar);
		st_value_write_json(b, &kv);
		st_arena_release(&ar);
	} else {
		st_buf_put_i64(b, s->a.i);
	}
	st_buf_putc(b, ']');
}

static void load_double(const st_field *x, double *d);

/* The reverse of kept_save: 0, or -1 when the text does not fit. */
static int
kept_load(st_aslot *s, const char *val, size_t n)
{
	st_fields f = { 0 };
	st_json_err je;
	int64_t iv;
	double dv;
	int rc = -1;

	if (st_json_scan_array(val, n, &f, &je) < 0)
		goto out;
	if (f.n == 0) {
		rc = 0;
		goto out;
	}
	if (f.n != 2 || !st_json_number(f.v[0].val, f.v[0].vlen, &iv,
	    &dv) || iv < ST_V_NULL || iv > ST_V_BIGDEC)
		goto out;
	s->set = 1;
	s->t = (uint8_t)iv;
	const st_field *x = &f.v[1];
	if (s->t == ST_V_DOUBLE) {
		load_double(x, &s->a.d);
	} else if (s->t == ST_V_STRING) {
		st_buf t = ST_BUF_INIT;
		if (x->type != ST_J_STRING) {
			s->t = ST_V_NULL;
			goto out;
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
		s->t = ST_V_NULL;
		if (st_value_parse_integer(x->val, x->vlen, &w) < 0 ||
		    w.type != ST_V_BIGDEC)
			goto out;
		keep_value(s, &w);
	} else if (!st_json_number(x->val, x->vlen, &s->a.i, &dv)) {
		goto out;
	}
	rc = 0;
out:
	st_fields_release(&f);
	return rc;
}

static void
kept_result(const st_aslot *s, st_buf *b)
{
	if (!s->set) {
		st_buf_add(b, "null", 4);
	} else if (s->t == ST_V_ARRAY || s->t == ST_V_STRUCT) {
		st_buf_add(b, s->a.p, (size_t)s->b.i);
	} else {
		st_value v = kept_value(s, NULL);
		st_value_write_json(b, &v);
	}
}

static void
kept_free(st_aslot *s)
{
	if (s->set && (s->t == ST_V_STRING || s->t == ST_V_ARRAY ||
	    s->t == ST_V_STRUCT))
		free(s->a.p);
}

static size_t
kept_memory(const st_aslot *s)
{
	if (s->set && (s->t == ST_V_STRING || s->t == ST_V_ARRAY ||
	    s->t == ST_V_STRUCT))
		return (size_t)s->b.i + 1 + 16;
	return 0;
}

/* ---- collect_list, collect_set, count(DISTINCT) ---- */

static void
list_add_text(alist *l, const char *t, size_t n)
{
	size_t need = l->len + n + 1;

	if (need > l->cap) {
		size_t cap = l->cap ? l->cap : 32;
		while (cap < need)
			cap *= 2;
		l->p = st_realloc(l->p, cap);
		l->cap = (uint32_t)cap;
	}
	if (l->n)
		l->p[l->len++] = ',';
	memcpy(l->p + l->len, t, n);
	l->len += (uint32_t)n;
	l->n++;
}

/* Writes the list as the JSON array of its element texts. */
static void
list_put(const alist *l, st_buf *b)
{
	st_buf_putc(b, '[');
	st_buf_add(b, l->p, l->len);
	st_buf_putc(b, ']');
}

/* True when the list holds the element text t (values are written in one
 * canonical form, so equal values have equal texts). */
static int
list_has(const alist *l, const char *t, size_t n)
{
	st_buf b = ST_BUF_INIT;
	st_fields f = { 0 };
	st_json_err je;
	int found = 0;

	if (l->n == 0)
		return 0;
	list_put(l, &b);
	if (st_json_scan_array(b.data, b.len, &f, &je) == 0)
		for (uint32_t i = 0; i < f.n && !found; i++)
			found = f.v[i].vlen == n && memcmp(f.v[i].val, t,
			    n) == 0;
	st_fields_release(&f);
	st_buf_release(&b);
	return found;
}

static void
list_update(const st_agg *agg, alist *l, const st_value *v)
{
	st_buf t = ST_BUF_INIT;

	if (v->type == ST_V_NULL)
		return;
	st_value_write_json(&t, v);
	if (agg->fn == ST_AGG_COLLECT_LIST || !list_has(l, t.data, t.len))
		list_add_text(l, t.data, t.len);
	st_buf_release(&t);
}

/* Folds list src (JSON texts) into dst. */
static void
list_merge(const st_agg *agg, alist *dst, const alist *src)
{
	st_buf b = ST_BUF_INIT;
	st_fields f = { 0 };
	st_json_err je;

	if (src->n == 0)
		return;
	list_put(src, &b);
	if (st_json_scan_array(b.data, b.len, &f, &je) == 0)
		for (uint32_t i = 0; i < f.n; i++)
			if (agg->fn == ST_AGG_COLLECT_LIST ||
			    !list_has(dst, f.v[i].val, f.v[i].vlen))
				list_add_text(dst, f.v[i].val, f.v[i].vlen);
	st_fields_release(&f);
	st_buf_release(&b);
}

/* ---- stddev, variance ---- */

static void
mom_add(amom *m, double x)
{
	m->n++;
	double d = x - m->mean;
	m->mean += d / (double)m->n;
	m->m2 += d * (x - m->mean);
}

/* Chan et al.'s pairwise update, as Spark's CentralMomentAgg merges. */
static void
mom_merge(amom *d, const amom *s)
{
	if (s->n == 0)
		return;
	if (d->n == 0) {
		*d = *s;
		return;
	}
	double n = (double)(d->n + s->n);
	double delta = s->mean - d->mean;
	d->m2 += s->m2 + delta * delta * (double)d->n * (double)s->n / n;
	d->mean += delta * (double)s->n / n;
	d->n += s->n;
}

static void
mom_result(const st_agg *agg, const amom *m, st_buf *b)
{
	int samp = agg->fn == ST_AGG_STDDEV_SAMP || agg->fn == ST_AGG_VAR_SAMP;
	int64_t div = samp ? m->n - 1 : m->n;

	/* Spark 3: null without values, and for the sample ones with a
	 * single value (no division by zero). */
	if (m->n == 0 || div == 0) {
		st_buf_add(b, "null", 4);
		return;
	}
	double var = m->m2 / (double)div;
	if (var < 0)
		var = 0;
	int sd = agg->fn == ST_AGG_STDDEV_SAMP || agg->fn == ST_AGG_STDDEV_POP;
	st_buf_put_double(b, sd ? sqrt(var) : var);
}

/* ---- median: Spark's exact percentile(x, 0.5) ---- */

static int
point_cmp(const void *a, const void *b)
{
	double x = ((const apoint *)a)->v, y = ((const apoint *)b)->v;

	return (x > y) - (x < y);
}

/* Sorts the points and merges equal values (their weights add up): what
 * Spark's Percentile keeps, a count per distinct value. */
static void
sketch_sort(asketch *k)
{
	uint32_t j = 0;

	if (k->sorted)
		return;
	if (k->n > 1)
		qsort(k->p, k->n, sizeof *k->p, point_cmp);
	for (uint32_t i = 0; i < k->n; i++) {
		if (j > 0 && k->p[j - 1].v == k->p[i].v)
			k->p[j - 1].w += k->p[i].w;
		else
			k->p[j++] = k->p[i];
	}
	k->n = j;
	k->sorted = 1;
}

static void
sketch_add_point(asketch *k, double v, int64_t w)
{
	if (k->n == k->cap) {
		/* Equal values first; grow only when that did not halve. */
		if (k->cap >= 1024) {
			sketch_sort(k);
			k->sorted = 0;
		}
		if (k->n > k->cap / 2 || k->cap < 1024) {
			k->cap = k->cap ? k->cap * 2 : 16;
			k->p = st_realloc(k->p, k->cap * sizeof *k->p);
		}
	}
	k->p[k->n].v = v;
	k->p[k->n].w = w;
	k->n++;
	k->sorted = 0;
}

/* The value at position pos of the sorted values (weights expanded). */
static double
sketch_at(const asketch *k, int64_t pos)
{
	int64_t seen = 0;

	for (uint32_t i = 0; i < k->n; i++) {
		seen += k->p[i].w;
		if (pos < seen)
			return k->p[i].v;
	}
	return k->p[k->n - 1].v;
}

static void
put_number(st_buf *b, double v, int integral)
{
	if (integral && fabs(v) < 9.2e18)
		st_buf_put_i64(b, (int64_t)v);
	else
		st_buf_put_double(b, v);
}

static void
median_result(const asketch *ks, st_buf *b)
{
	asketch *k = (asketch *)ks;	/* sorting is not a change */
	int64_t total = 0;

	if (k->n == 0) {
		st_buf_add(b, "null", 4);
		return;
	}
	sketch_sort(k);
	/* Spark's Percentile.getPercentile: linear interpolation between
	 * the values at floor and ceil of (n - 1) * 0.5, its formula. */
	for (uint32_t i = 0; i < k->n; i++)
		total += k->p[i].w;
	double pos = (double)(total - 1) * 0.5;
	int64_t lo = (int64_t)floor(pos), hi = (int64_t)ceil(pos);
	double a = sketch_at(k, lo), c = sketch_at(k, hi);
	if (hi == lo || a == c)
		st_buf_put_double(b, a);
	else
		st_buf_put_double(b, ((double)hi - pos) * a +
		    (pos - (double)lo) * c);
}

/*
 * ---- percentile_approx: Spark's QuantileSummaries ----
 *
 * Greenwald and Khanna's summary as Spark implements it
 * (sql/catalyst/.../util/QuantileSummaries.scala, used by
 * ApproximatePercentile's PercentileDigest): sampled (value, g, delta)
 * tuples sorted by value, the count of values they stand for, and a head
 * buffer of raw values inserted 50000 at a time; relative error
 * 1/accuracy; compression (compressImmut) merges neighbours while g + g' +
 * delta' < 2 * eps * count, keeping the first and the last. Each batch
 * fills a fresh summary (Spark's partial aggregate of the batch), which
 * the batch's end merges into the group's state (the restored buffer
 * merged with the new one, as StateStoreRestore / StateStoreSave do); the
 * state is saved compressed, as Spark's serialised digest.
 */

#define GK_HEAD 50000		/* defaultHeadSize */
#define GK_COMPRESS 10000	/* defaultCompressThreshold */

typedef struct gk_stat {
	double v;
	int64_t g, delta;
} gk_stat;

typedef struct gk_sum {
	gk_stat *s;
	size_t n, cap;
	double *head;
	size_t nhead, caphead;
	int64_t count;		/* values in s (not the head) */
	int compressed;
} gk_sum;

/* The slot's owned state. */
typedef struct apct {
	gk_sum state;		/* the batches before this one, merged */
	gk_sum batch;		/* this batch's values */
	uint32_t epoch;		/* the batch `batch` belongs to */
	uint8_t nonint;		/* a value was not an integer */
	uint8_t ttype;		/* TIMESTAMP, DATE or INTERVAL values, or 0 */
} apct;

static double
gk_eps(const st_agg *agg)
{
	return 1.0 / (double)agg->accuracy;
}

static void
gk_release(gk_sum *q)
{
	free(q->s);
	free(q->head);
	memset(q, 0, sizeof *q);
	q->compressed = 1;
}

static void
gk_push(gk_stat **v, size_t *n, size_t *cap, gk_stat x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = st_realloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = x;
}

/* Java's Double.compare order, as Scala's sorted on an Array[Double]:
 * -0.0 before 0.0, NaN last. */
static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	if (x < y)
		return -1;
	if (x > y)
		return 1;
	int nx = isnan(x), ny = isnan(y);
	if (nx || ny)
		return nx - ny;
	return (signbit(y) != 0) - (signbit(x) != 0);
}

/* withHeadBufferInserted: the sorted head merged into the samples. */
static void
gk_insert_head(gk_sum *q, double eps)
{
	gk_stat *ns = NULL;
	size_t nn = 0, cap = 0, si = 0;
	int64_t cur = q->count;

	if (q->nhead == 0)
		return;
	qsort(q->head, q->nhead, sizeof *q->head, dbl_cmp);
	for (size_t oi = 0; oi < q->nhead; oi++) {
		double x = q->head[oi];
		while (si < q->n && q->s[si].v <= x)
			gk_push(&ns, &nn, &cap, q->s[si++]);
		cur++;
		int64_t delta = nn == 0 || (si == q->n &&
		    oi == q->nhead - 1) ? 0 :
		    (int64_t)floor(2 * eps * (double)cur);
		gk_push(&ns, &nn, &cap, (gk_stat){ x, 1, delta });
	}
	while (si < q->n)
		gk_push(&ns, &nn, &cap, q->s[si++]);
	free(q->s);
	q->s = ns;
	q->n = nn;
	q->cap = cap;
	q->count = cur;
	q->nhead = 0;
	q->compressed = 0;
}

/* compressImmut, in place: from the last sample down to the second,
 * a sample merges into the one after it while their g's and the
 * latter's delta stay under the threshold; the first is kept. */
static void
gk_compress_samples(gk_sum *q, double threshold)
{
	if (q->n == 0)
		return;
	gk_stat *out = st_malloc(q->n * sizeof *out);
	size_t k = q->n;
	gk_stat head = q->s[q->n - 1];
	for (size_t i = q->n - 2; q->n >= 3 && i >= 1; i--) {
		gk_stat s1 = q->s[i];
		if ((double)(s1.g + head.g + head.delta) < threshold) {
			head.g += s1.g;
		} else {
			out[--k] = head;
			head = s1;
		}
	}
	out[--k] = head;
	if (q->n > 1 && q->s[0].v <= head.v)
		out[--k] = q->s[0];
	size_t m = q->n - k;
	memmove(out, out + k, m * sizeof *out);
	free(q->s);
	q->s = out;
	q->n = m;
	q->cap = q->n ? q->n : 1;
}

static void
gk_compress(gk_sum *q, double eps)
{
	gk_insert_head(q, eps);
	gk_compress_samples(q, 2 * eps * (double)q->count);
	q->compressed = 1;
}

static void
gk_insert(gk_sum *q, double x, double eps)
{
	if (q->nhead == q->caphead) {
		q->caphead = q->caphead ? q->caphead * 2 : 16;
		q->head = st_realloc(q->head, q->caphead * sizeof *q->head);
	}
	q->head[q->nhead++] = x;
	q->compressed = 0;
	if (q->nhead >= GK_HEAD) {
		gk_insert_head(q, eps);
		if (q->n >= GK_COMPRESS)
			gk_compress(q, eps);
	}
}

/* PercentileDigest.merge: q (compressed first) merged with o (compressed;
 * o is emptied: its samples move or are copied). */
static void
gk_merge(gk_sum *q, gk_sum *o, double eps)
{
	if (!q->compressed)
		gk_compress(q, eps);
	if (!o->compressed)
		gk_compress(o, eps);
	if (o->count == 0) {
		gk_release(o);
		return;
	}
	if (q->count == 0) {
		gk_release(q);
		*q = *o;
		memset(o, 0, sizeof *o);
		o->compressed = 1;
		return;
	}
	gk_stat *m = NULL;
	size_t nm = 0, cap = 0, i = 0, j = 0;
	int64_t addself = (int64_t)floor(2 * eps * (double)o->count);
	int64_t addother = (int64_t)floor(2 * eps * (double)q->count);
	while (i < q->n && j < o->n) {
		gk_stat x;
		if (q->s[i].v < o->s[j].v) {
			x = q->s[i++];
			x.delta += j > 0 ? addself : 0;
		} else {
			x = o->s[j++];
			x.delta += i > 0 ? addother : 0;
		}
		gk_push(&m, &nm, &cap, x);
	}
	while (i < q->n)
		gk_push(&m, &nm, &cap, q->s[i++]);
	while (j < o->n)
		gk_push(&m, &nm, &cap, o->s[j++]);
	int64_t count = q->count + o->count;
	free(q->s);
	q->s = m;
	q->n = nm;
	q->cap = cap;
	q->count = count;
	gk_compress_samples(q, 2 * eps * (double)count);
	q->compressed = 1;
	gk_release(o);
}

/* findApproxQuantile, from sample *index with minimum rank *minrank. */
static double
gk_find(const gk_sum *q, size_t *index, int64_t *minrank, double target,
    double p)
{
	int64_t rank = (int64_t)ceil(p * (double)q->count);
	size_t i = *index;
	int64_t mr = *minrank;
	const gk_stat *cur = &q->s[i];

	while (i < q->n - 1) {
		int64_t maxr = mr + cur->delta;
		if ((double)maxr - target <= (double)rank &&
		    (double)rank <= (double)mr + target) {
			*index = i;
			*minrank = mr;
			return cur->v;
		}
		cur = &q->s[++i];
		mr += cur->g;
	}
	*index = q->n - 1;
	*minrank = 0;
	return q->s[q->n - 1].v;
}

/* query(percentiles) on a compressed, non-empty summary: the percentages
 * in ascending order, each search starting where the last stopped. */
static void
gk_query(const gk_sum *q, double eps, const double *pct, size_t npct,
    double *out)
{
	int64_t maxgd = INT64_MIN;
	size_t *ord = st_malloc((npct ? npct : 1) * sizeof *ord);

	for (size_t i = 0; i < q->n; i++)
		if (q->s[i].g + q->s[i].delta > maxgd)
			maxgd = q->s[i].g + q->s[i].delta;
	double target = (double)(maxgd / 2);
	/* A stable sort of the positions by percentage. */
	for (size_t i = 0; i < npct; i++) {
		size_t j = i;
		while (j > 0 && pct[ord[j - 1]] > pct[i]) {
			ord[j] = ord[j - 1];
			j--;
		}
		ord[j] = i;
	}
	size_t index = 0;
	int64_t minrank = q->s[0].g;
	for (size_t k = 0; k < npct; k++) {
		double p = pct[ord[k]];
		if (p <= eps)
			out[ord[k]] = q->s[0].v;
		else if (p >= 1 - eps)
			out[ord[k]] = q->s[q->n - 1].v;
		else
			out[ord[k]] = gk_find(q, &index, &minrank, target, p);
	}
	free(ord);
}

static apct *
pct_of(const st_aslot *s)
{
	return (apct *)s->a.p;
}

static apct *
pct_get(st_aslot *s)
{
	if (s->a.p == NULL) {
		apct *p = st_calloc(1, sizeof *p);
		p->state.compressed = p->batch.compressed = 1;
		s->a.p = (char *)p;
	}
	return pct_of(s);
}

/* The end of a batch: its summary merged into the state. */
static void
pct_fold(const st_agg *agg, apct *p)
{
	if (p->batch.count == 0 && p->batch.nhead == 0)
		return;
	gk_merge(&p->state, &p->batch, gk_eps(agg));
}

static void
pct_update(const st_agg *agg, st_aslot *s, const st_value *v)
{
	int64_t iv;
	double dv;
	int kind = num_of(v, &iv, &dv);
	int timed = v->type == ST_V_TIMESTAMP || v->type == ST_V_DATE ||
	    v->type == ST_V_INTERVAL;

	if (kind == 0 && !timed)
		return;
	apct *p = pct_get(s);
	if (timed) {
		/* Spark's internal value: microseconds, or days. */
		dv = (double)v->u.i;
		p->ttype = (uint8_t)v->type;
	} else if (kind == SUM_INT) {
		dv = (double)iv;
	} else if (dv != floor(dv) || v->type == ST_V_DOUBLE) {
		p->nonint = 1;
	}
	if (agg->running) {
		/* One digest over the rows so far (Spark's window
		 * function percentile_approx ... OVER (... ROWS BETWEEN
		 * UNBOUNDED PRECEDING AND CURRENT ROW)). */
		gk_insert(&p->state, dv, gk_eps(agg));
		return;
	}
	if (p->epoch != agg->batch)
		pct_fold(agg, p);
	p->epoch = agg->batch;
	gk_insert(&p->batch, dv, gk_eps(agg));
}

static void
pct_result(const st_agg *agg, const st_aslot *s, st_buf *b)
{
	apct *p = pct_of(s);

	if (p)
		pct_fold(agg, p);
	if (p && !p->state.compressed)
		gk_compress(&p->state, gk_eps(agg));
	if (p == NULL || p->state.count == 0) {
		st_buf_add(b, "null", 4);
		return;
	}
	double r[64], *res = agg->npct <= 64 ? r :
	    st_malloc(agg->npct * sizeof *res);
	gk_query(&p->state, gk_eps(agg), agg->pct, agg->npct, res);
	if (agg->pct_array)
		st_buf_putc(b, '[');
	for (size_t i = 0; i < agg->npct; i++) {
		if (i)
			st_buf_putc(b, ',');
		if (p->ttype) {
			/* The input's type, as Spark's eval casts back. */
			st_value tv;
			memset(&tv, 0, sizeof tv);
			tv.type = p->ttype;
			tv.u.i = (int64_t)res[i];
			st_value_write_json(b, &tv);
		} else {
			put_number(b, res[i], !p->nonint);
		}
	}
	if (agg->pct_array)
		st_buf_putc(b, ']');
	if (res != r)
		free(res);
}

static void
pct_clear(st_aslot *s)
{
	apct *p = pct_of(s);

	if (p == NULL)
		return;
	gk_release(&p->state);
	gk_release(&p->batch);
	free(p);
	s->a.p = NULL;
}

static size_t
pct_memory(const st_aslot *s)
{
	const apct *p = pct_of(s);

	if (p == NULL)
		return 0;
	return sizeof *p + (p->state.cap + p->batch.cap) * sizeof(gk_stat) +
	    (p->state.caphead + p->batch.caphead) * sizeof(double);
}

/* Session windows merging: both summaries folded, then merged. */
static void
pct_merge(const st_agg *agg, st_aslot *dst, const st_aslot *src)
{
	apct *q = pct_of(src);

	if (q == NULL)
		return;
	apct *p = pct_get(dst);
	pct_fold(agg, p);
	/* src is left as it was: merge a copy of its state. */
	gk_sum o = { 0 };
	o.compressed = 1;
	pct_fold(agg, q);
	if (!q->state.compressed)
		gk_compress(&q->state, gk_eps(agg));
	if (q->state.n) {
		o.s = st_malloc(q->state.n * sizeof *o.s);
		memcpy(o.s, q->state.s, q->state.n * sizeof *o.s);
		o.n = o.cap = q->state.n;
		o.count = q->state.count;
	}
	p->nonint |= q->nonint;
	if (q->ttype)
		p->ttype = q->ttype;
	if (agg->running && !p->state.compressed)
		gk_compress(&p->state, gk_eps(agg));
	gk_merge(&p->state, &o, gk_eps(agg));
}

/* Saved: [kind, count, [[value, g, delta], ...]], compressed (the batch
 * folded in first, as the state is saved at a batch's end); kind: nonint
 * + 2 * the time type of the values (0 for numbers). */
static void
pct_save(const st_agg *agg, const st_aslot *s, st_buf *b)
{
	apct *p = pct_of(s);

	if (p) {
		pct_fold(agg, p);
		if (!p->state.compressed)
			gk_compress(&p->state, gk_eps(agg));
	}
	st_buf_printf(b, "[%d,", p ? p->nonint + 2 * p->ttype : 0);
	st_buf_put_i64(b, p ? p->state.count : 0);
	st_buf_add(b, ",[", 2);
	for (size_t i = 0; p && i < p->state.n; i++) {
		const gk_stat *x = &p->state.s[i];
		st_buf_add(b, i ? ",[" : "[", i ? 2 : 1);
		st_buf_put_double(b, x->v);
		st_buf_putc(b, ',');
		st_buf_put_i64(b, x->g);
		st_buf_putc(b, ',');
		st_buf_put_i64(b, x->delta);
		st_buf_putc(b, ']');
	}
	st_buf_add(b, "]]", 2);
}

static void load_double(const st_field *x, double *d);

static int
stat_cmp(const void *a, const void *b)
{
	return dbl_cmp(&((const gk_stat *)a)->v, &((const gk_stat *)b)->v);
}

/*
 * Loads the saved summary; also the form before Spark's algorithm,
 * [nonint, [[value, weight], ...]] (tests/t0720's fixture): each point
 * becomes a sample (value, weight, 0), a summary of the same values.
 */
static int
pct_load(st_aslot *s, const char *val, size_t n)
{
	st_fields f = { 0 }, pts = { 0 }, pt = { 0 };
	st_json_err je;
	int64_t nonint, count = 0;
	double dv;
	int rc = -1;

	if (st_json_scan_array(val, n, &f, &je) < 0 || (f.n != 2 && f.n != 3) ||
	    !st_json_number(f.v[0].val, f.v[0].vlen, &nonint, &dv) ||
	    (f.n == 3 && !st_json_number(f.v[1].val, f.v[1].vlen, &count,
	    &dv)) || st_json_scan_array(f.v[f.n - 1].val, f.v[f.n - 1].vlen,
	    &pts, &je) < 0)
		goto out;
	int64_t tt = nonint >> 1;
	if (nonint < 0 || (tt != 0 && tt != ST_V_TIMESTAMP && tt != ST_V_DATE &&
	    tt != ST_V_INTERVAL))
		goto out;
	apct *p = pct_get(s);
	p->nonint = (nonint & 1) != 0;
	p->ttype = (uint8_t)tt;
	int64_t total = 0;
	for (uint32_t i = 0; i < pts.n; i++) {
		gk_stat x = { 0, 0, 0 };
		if (st_json_scan_array(pts.v[i].val, pts.v[i].vlen, &pt,
		    &je) < 0 || pt.n != f.n ||
		    !st_json_number(pt.v[1].val, pt.v[1].vlen, &x.g, &dv) ||
		    (f.n == 3 && !st_json_number(pt.v[2].val, pt.v[2].vlen,
		    &x.delta, &dv)))
			goto out;
		load_double(&pt.v[0], &x.v);
		if (f.n == 3 && i > 0 && x.v < p->state.s[p->state.n - 1].v)
			goto out;	/* not sorted: not a summary */
		gk_push(&p->state.s, &p->state.n, &p->state.cap, x);
		total += x.g;
	}
	if (f.n == 2 && p->state.n > 1)	/* the old points: any order */
		qsort(p->state.s, p->state.n, sizeof *p->state.s, stat_cmp);
	p->state.count = f.n == 3 ? count : total;
	p->state.compressed = 1;
	rc = 0;
out:
	if (rc < 0)
		pct_clear(s);
	st_fields_release(&pt);
	st_fields_release(&pts);
	st_fields_release(&f);
	return rc;
}

/*
 * ---- max_by, min_by, bool_and, bool_or, count_if, product,
 * sum(DISTINCT), avg(DISTINCT) ----
 *
 * max_by's and min_by's slot: set once an ordering was seen, a.p the
 * owned pair below. bool_and, bool_or: set, a.i the value. count_if:
 * a.i, as count. product: set, b.d. The DISTINCT ones: an alist of the
 * distinct values, as count(DISTINCT).
 */

typedef struct aby {
	st_aslot val, ord;	/* kept as min and max keep theirs */
} aby;

static aby *
by_of(const st_aslot *s)
{
	return (aby *)s->a.p;
}

/* Spark's MaxMinBy update: a null ordering changes nothing; the pair is
 * replaced unless the kept ordering is strictly greater (max_by) or
 * less (min_by) than the new one. */
static void
by_update(const st_agg *agg, st_aslot *s, const st_value *v,
    const st_value *ord)
{
	if (ord->type == ST_V_NULL)
		return;
	if (s->a.p == NULL)
		s->a.p = st_calloc(1, sizeof(aby));
	aby *p = by_of(s);
	if (s->set) {
		int c = kept_compare(&p->ord, ord);
		if (agg->fn == ST_AGG_MAX_BY ? c > 0 : c < 0)
			return;
	}
	keep_value(&p->val, v);
	keep_value(&p->ord, ord);
	s->set = 1;
}

static void
by_free(st_aslot *s)
{
	aby *p = by_of(s);

	if (p == NULL)
		return;
	kept_free(&p->val);
	kept_free(&p->ord);
	free(p);
	s->a.p = NULL;
}

/* Saved: [] before any ordering, else [value, ordering], each as
 * kept_save writes it. */
static int
by_load(st_aslot *s, const char *val, size_t n)
{
	st_fields f = { 0 };
	st_json_err je;
	int rc = -1;

	if (st_json_scan_array(val, n, &f, &je) < 0 || (f.n != 0 && f.n != 2))
		goto out;
	rc = 0;
	if (f.n == 0)
		goto out;
	s->a.p = st_calloc(1, sizeof(aby));
	aby *p = by_of(s);
	s->set = 1;
	if (kept_load(&p->val, f.v[0].val, f.v[0].vlen) < 0 ||
	    kept_load(&p->ord, f.v[1].val, f.v[1].vlen) < 0 || !p->val.set ||
	    !p->ord.set || p->ord.t == ST_V_NULL)
		rc = -1;
out:
	if (rc < 0)
		by_free(s);
	st_fields_release(&f);
	return rc;
}

/* A value as BOOLEAN, as Spark's implicit cast (strings as CAST(x AS
 * BOOLEAN)): 1 with *b set, or 0 for null and what does not cast. */
static int
bool_of(const st_value *v, int *b)
{
	st_arena a = ST_ARENA_INIT;
	st_value out;
	int ok;

	if (v->type == ST_V_BOOLEAN) {
		*b = v->u.b != 0;
		return 1;
	}
	if (v->type == ST_V_NULL)
		return 0;
	ok = st_value_cast(&a, v, st_type_simple(ST_V_BOOLEAN), &out) == 0 &&
	    out.type == ST_V_BOOLEAN;
	if (ok)
		*b = out.u.b != 0;
	st_arena_release(&a);
	return ok;
}

static void
bool_fold(const st_agg *agg, st_aslot *s, int b)
{
	if (!s->set)
		s->a.i = b;
	else if (agg->fn == ST_AGG_BOOL_AND)
		s->a.i = s->a.i && b;
	else
		s->a.i = s->a.i || b;
	s->set = 1;
}

static void
product_fold(st_aslot *s, double x)
{
	s->b.d = s->set ? s->b.d * x : x;
	s->set = 1;
}

/* The sum of the distinct values (their texts in l): *n values, their
 * sum in *iv (all integers: returns SUM_INT) or *dv (SUM_DOUBLE), or
 * SUM_NONE without any. */
static int
distinct_sum(const alist *l, int64_t *iv, double *dv, int64_t *n)
{
	st_buf b = ST_BUF_INIT;
	st_fields f = { 0 };
	st_json_err je;
	int kind = SUM_NONE;

	*iv = 0;
	*dv = 0;
	*n = 0;
	list_put(l, &b);
	if (st_json_scan_array(b.data, b.len, &f, &je) == 0)
		for (uint32_t i = 0; i < f.n; i++) {
			int64_t x;
			double d;
			if (f.v[i].type == ST_J_STRING)
				load_double(&f.v[i], &d);
			else if (st_json_number(f.v[i].val, f.v[i].vlen, &x,
			    &d)) {
				/* Wraps like Spark's non-ANSI long sum. */
				*iv = (int64_t)((uint64_t)*iv + (uint64_t)x);
				kind = kind == SUM_NONE ? SUM_INT : kind;
				(*n)++;
				continue;
			}
			*dv += d;
			kind = SUM_DOUBLE;
			(*n)++;
		}
	st_fields_release(&f);
	st_buf_release(&b);
	return kind;
}

static void
more_update(const st_agg *agg, st_aslot *s, const st_value *v)
{
	int64_t iv;
	double dv;
	int b;

	switch (agg->fn) {
	case ST_AGG_MAX_BY:
	case ST_AGG_MIN_BY:
		by_update(agg, s, &v[0], &v[1]);
		break;
	case ST_AGG_BOOL_AND:
	case ST_AGG_BOOL_OR:
		if (bool_of(v, &b))
			bool_fold(agg, s, b);
		break;
	case ST_AGG_COUNT_IF:
		if (bool_of(v, &b) && b)
			s->a.i++;
		break;
	case ST_AGG_PRODUCT:
		switch (num_of(v, &iv, &dv)) {
		case SUM_INT:
			product_fold(s, (double)iv);
			break;
		case SUM_DOUBLE:
			product_fold(s, dv);
			break;
		}
		break;
	case ST_AGG_SUM_DISTINCT:
	case ST_AGG_AVG_DISTINCT:
		/* The value as sum reads it: numeric strings as doubles. */
		switch (num_of(v, &iv, &dv)) {
		case SUM_INT: {
			st_value x = st_v_bigint(iv);
			list_update(agg, (alist *)s, &x);
			break;
		}
		case SUM_DOUBLE: {
			st_value x = st_v_double(dv);
			list_update(agg, (alist *)s, &x);
			break;
		}
		}
		break;
	default:
		break;
	}
}

static void
more_merge(const st_agg *agg, st_aslot *dst, const st_aslot *src)
{
	st_arena a = ST_ARENA_INIT;

	switch (agg->fn) {
	case ST_AGG_MAX_BY:
	case ST_AGG_MIN_BY:
		if (src->set) {
			st_value v = kept_value(&by_of(src)->val, &a);
			st_value o = kept_value(&by_of(src)->ord, &a);
			by_update(agg, dst, &v, &o);
		}
		break;
	case ST_AGG_BOOL_AND:
	case ST_AGG_BOOL_OR:
		if (src->set)
			bool_fold(agg, dst, (int)src->a.i);
		break;
	case ST_AGG_PRODUCT:
		if (src->set)
			product_fold(dst, src->b.d);
		break;
	default:
		break;
	}
	st_arena_release(&a);
}

static void
more_result(const st_agg *agg, const st_aslot *s, st_buf *b)
{
	int64_t iv, n;
	double dv;

	switch (agg->fn) {
	case ST_AGG_MAX_BY:
	case ST_AGG_MIN_BY:
		if (s->set)
			kept_result(&by_of(s)->val, b);
		else
			st_buf_add(b, "null", 4);
		break;
	case ST_AGG_BOOL_AND:
	case ST_AGG_BOOL_OR:
		st_buf_puts(b, !s->set ? "null" : s->a.i ? "true" : "false");
		break;
	case ST_AGG_PRODUCT:
		if (s->set)
			st_buf_put_double(b, s->b.d);
		else
			st_buf_add(b, "null", 4);
		break;
	case ST_AGG_SUM_DISTINCT:
	case ST_AGG_AVG_DISTINCT: {
		int kind = distinct_sum((const alist *)s, &iv, &dv, &n);
		if (kind == SUM_NONE)
			st_buf_add(b, "null", 4);
		else if (agg->fn == ST_AGG_AVG_DISTINCT)
			st_buf_put_double(b, ((double)iv + dv) / (double)n);
		else if (kind == SUM_INT)
			st_buf_put_i64(b, iv);
		else
			st_buf_put_double(b, (double)iv + dv);
		break;
	}
	default:
		break;
	}
}

static void
more_clear(const st_agg *agg, st_aslot *s)
{
	if (agg->fn == ST_AGG_MAX_BY || agg->fn == ST_AGG_MIN_BY)
		by_free(s);
}

static size_t
more_memory(const st_agg *agg, const st_aslot *s)
{
	if ((agg->fn == ST_AGG_MAX_BY || agg->fn == ST_AGG_MIN_BY) &&
	    by_of(s))
		return sizeof(aby) + kept_memory(&by_of(s)->val) +
		    kept_memory(&by_of(s)->ord);
	return 0;
}

/* Saved: max_by, min_by: see by_load; bool_and, bool_or: null, true or
 * false; product: [] or [product]. count_if and the DISTINCT ones are
 * saved as count and count(DISTINCT) are (st_agg_save). */
static void
more_save(const st_agg *agg, const st_aslot *s, st_buf *b)
{
	switch (agg->fn) {
	case ST_AGG_MAX_BY:
	case ST_AGG_MIN_BY:
		if (!s->set) {
			st_buf_add(b, "[]", 2);
			break;
		}
		st_buf_putc(b, '[');
		kept_save(&by_of(s)->val, b);
		st_buf_putc(b, ',');
		kept_save(&by_of(s)->ord, b);
		st_buf_putc(b, ']');
		break;
	case ST_AGG_PRODUCT:
		st_buf_putc(b, '[');
		if (s->set)
			st_buf_put_double(b, s->b.d);
		st_buf_putc(b, ']');
		break;
	default:
		/* bool_and, bool_or: as their result. */
		more_result(agg, s, b);
		break;
	}
}

static int
more_load(const st_agg *agg, st_aslot *s, const char *val, size_t n)
{
	st_fields f = { 0 };
	st_json_err je;
	st_jtype t = st_json_type(val);
	int rc = -1;

	switch (agg->fn) {
	case ST_AGG_MAX_BY:
	case ST_AGG_MIN_BY:
		return by_load(s, val, n);
	case ST_AGG_BOOL_AND:
	case ST_AGG_BOOL_OR:
		if (t == ST_J_NULL || t == ST_J_TRUE || t == ST_J_FALSE) {
			s->set = t != ST_J_NULL;
			s->a.i = t == ST_J_TRUE;
			rc = 0;
		}
		break;
	case ST_AGG_PRODUCT:
		if (st_json_scan_array(val, n, &f, &je) < 0 || f.n > 1)
			break;
		s->set = f.n == 1;
		if (s->set)
			load_double(&f.v[0], &s->b.d);
		rc = 0;
		break;
	default:
		break;
	}
	st_fields_release(&f);
	return rc;
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
		if (!s->set && !(agg->ignore_nulls && v->type == ST_V_NULL))
			keep_value(s, v);
		break;
	case ST_AGG_LAST:
		if (!(agg->ignore_nulls && v->type == ST_V_NULL))
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
	case ST_AGG_COLLECT_LIST:
	case ST_AGG_COLLECT_SET:
	case ST_AGG_COUNT_DISTINCT:
		list_update(agg, (alist *)s, v);
		break;
	case ST_AGG_STDDEV_SAMP:
	case ST_AGG_STDDEV_POP:
	case ST_AGG_VAR_SAMP:
	case ST_AGG_VAR_POP:
		switch (num_of(v, &iv, &dv)) {
		case SUM_INT:
			mom_add((amom *)s, (double)iv);
			break;
		case SUM_DOUBLE:
			mom_add((amom *)s, dv);
			break;
		}
		break;
	case ST_AGG_PERCENTILE_APPROX:
		pct_update(agg, s, v);
		break;
	case ST_AGG_MEDIAN:
		switch (num_of(v, &iv, &dv)) {
		case SUM_INT:
			sketch_add_point((asketch *)s, (double)iv, 1);
			break;
		case SUM_DOUBLE:
			sketch_add_point((asketch *)s, dv, 1);
			break;
		}
		break;
	default:
		more_update(agg, s, v);
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
	case ST_AGG_COUNT_IF:
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
	case ST_AGG_COLLECT_LIST:
	case ST_AGG_COLLECT_SET:
	case ST_AGG_COUNT_DISTINCT:
	case ST_AGG_SUM_DISTINCT:
	case ST_AGG_AVG_DISTINCT:
		list_merge(agg, (alist *)dst, (const alist *)src);
		break;
	case ST_AGG_STDDEV_SAMP:
	case ST_AGG_STDDEV_POP:
	case ST_AGG_VAR_SAMP:
	case ST_AGG_VAR_POP:
		mom_merge((amom *)dst, (const amom *)src);
		break;
	case ST_AGG_PERCENTILE_APPROX:
		pct_merge(agg, dst, src);
		break;
	case ST_AGG_MEDIAN: {
		const asketch *k = (const asketch *)src;
		asketch *d = (asketch *)dst;
		for (uint32_t i = 0; i < k->n; i++)
			sketch_add_point(d, k->p[i].v, k->p[i].w);
		break;
	}
	default:
		more_merge(agg, dst, src);
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
	case ST_AGG_COUNT_IF:
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
		kept_result(s, b);
		break;
	case ST_AGG_APPROX_DISTINCT:
		st_buf_put_i64(b, s->a.h ? st_hll_estimate(s->a.h) : 0);
		break;
	case ST_AGG_COLLECT_LIST:
	case ST_AGG_COLLECT_SET:
		list_put((const alist *)s, b);
		break;
	case ST_AGG_COUNT_DISTINCT:
		st_buf_put_i64(b, ((const alist *)s)->n);
		break;
	case ST_AGG_STDDEV_SAMP:
	case ST_AGG_STDDEV_POP:
	case ST_AGG_VAR_SAMP:
	case ST_AGG_VAR_POP:
		mom_result(agg, (const amom *)s, b);
		break;
	case ST_AGG_PERCENTILE_APPROX:
		pct_result(agg, s, b);
		break;
	case ST_AGG_MEDIAN:
		median_result((const asketch *)s, b);
		break;
	default:
		more_result(agg, s, b);
		break;
	}
}

void
st_agg_value(const st_agg *agg, const st_aslot *s, st_arena *arena,
    st_value *out)
{
	st_buf b = ST_BUF_INIT;

	switch (agg->fn) {
	case ST_AGG_COUNT_ALL:
	case ST_AGG_COUNT:
	case ST_AGG_COUNT_IF:
		*out = st_v_bigint(s->a.i);
		return;
	case ST_AGG_SUM:
		*out = s->t == SUM_NONE ? st_v_null() : s->t == SUM_INT ?
		    st_v_bigint(s->a.i) : st_v_double((double)s->a.i + s->b.d);
		return;
	case ST_AGG_AVG:
		*out = s->a.i == 0 ? st_v_null() :
		    st_v_double(s->b.d / (double)s->a.i);
		return;
	case ST_AGG_MIN:
	case ST_AGG_MAX:
	case ST_AGG_FIRST:
	case ST_AGG_LAST:
		*out = s->set ? kept_value(s, arena) : st_v_null();
		return;
	case ST_AGG_APPROX_DISTINCT:
		*out = st_v_bigint(s->a.h ? st_hll_estimate(s->a.h) : 0);
		return;
	case ST_AGG_COUNT_DISTINCT:
		*out = st_v_bigint(((const alist *)s)->n);
		return;
	case ST_AGG_BOOL_AND:
	case ST_AGG_BOOL_OR:
		*out = s->set ? st_v_bool((int)s->a.i) : st_v_null();
		return;
	case ST_AGG_PRODUCT:
		*out = s->set ? st_v_double(s->b.d) : st_v_null();
		return;
	case ST_AGG_MAX_BY:
	case ST_AGG_MIN_BY:
		*out = s->set ? kept_value(&by_of(s)->val, arena) :
		    st_v_null();
		return;
	default:
		break;
	}
	/* The others through their JSON text: arrays, and numbers. */
	st_agg_result(agg, s, &b);
	char *t = st_arena_strndup(arena, b.data, b.len);
	if (st_value_from_json(arena, t, b.len, out) < 0)
		*out = st_v_null();
	st_buf_release(&b);
	int dbl = agg->fn == ST_AGG_STDDEV_SAMP || agg->fn == ST_AGG_STDDEV_POP ||
	    agg->fn == ST_AGG_VAR_SAMP || agg->fn == ST_AGG_VAR_POP ||
	    agg->fn == ST_AGG_MEDIAN || agg->fn == ST_AGG_AVG_DISTINCT;
	if (dbl && out->type != ST_V_NULL && st_value_is_numeric(out))
		*out = st_v_double(st_value_to_double(out));
}

void
st_agg_clear(const st_agg *agg, st_aslot *s)
{
	switch (agg->fn) {
	case ST_AGG_MIN:
	case ST_AGG_MAX:
	case ST_AGG_FIRST:
	case ST_AGG_LAST:
		kept_free(s);
		break;
	case ST_AGG_APPROX_DISTINCT:
		st_hll_free(s->a.h);
		break;
	case ST_AGG_COLLECT_LIST:
	case ST_AGG_COLLECT_SET:
	case ST_AGG_COUNT_DISTINCT:
	case ST_AGG_SUM_DISTINCT:
	case ST_AGG_AVG_DISTINCT:
		free(((alist *)s)->p);
		break;
	case ST_AGG_PERCENTILE_APPROX:
		pct_clear(s);
		break;
	case ST_AGG_MEDIAN:
		free(((asketch *)s)->p);
		break;
	default:
		more_clear(agg, s);
		break;
	}
	memset(s, 0, st_agg_slot_size(agg));
}

int
st_agg_owns_memory(const st_agg *agg)
{
	switch (agg->fn) {
	case ST_AGG_COUNT:
	case ST_AGG_COUNT_ALL:
	case ST_AGG_SUM:
	case ST_AGG_AVG:
	case ST_AGG_STDDEV_SAMP:
	case ST_AGG_STDDEV_POP:
	case ST_AGG_VAR_SAMP:
	case ST_AGG_VAR_POP:
	case ST_AGG_BOOL_AND:
	case ST_AGG_BOOL_OR:
	case ST_AGG_COUNT_IF:
	case ST_AGG_PRODUCT:
		return 0;
	default:
		return 1;
	}
}

size_t
st_agg_memory(const st_agg *agg, const st_aslot *s)
{
	switch (agg->fn) {
	case ST_AGG_MIN:
	case ST_AGG_MAX:
	case ST_AGG_FIRST:
	case ST_AGG_LAST:
		return kept_memory(s);
	case ST_AGG_APPROX_DISTINCT:
		return s->a.h ? st_hll_memory(s->a.h) + 16 : 0;
	case ST_AGG_COLLECT_LIST:
	case ST_AGG_COLLECT_SET:
	case ST_AGG_COUNT_DISTINCT:
	case ST_AGG_SUM_DISTINCT:
	case ST_AGG_AVG_DISTINCT:
		return ((const alist *)s)->cap;
	case ST_AGG_PERCENTILE_APPROX:
		return pct_memory(s);
	case ST_AGG_MEDIAN:
		return ((const asketch *)s)->cap * sizeof(apoint);
	default:
		return more_memory(agg, s);
	}
}

/*
 * Saved forms, one JSON value per slot: count, count_if: n; sum: [kind,
 * int, double]; avg: [n, sum]; min/max/first/last: [] when unset, else
 * [type, value] with the value as JSON; approx_count_distinct: null or
 * the sketch text; collect_list, collect_set, count(DISTINCT),
 * sum(DISTINCT), avg(DISTINCT): the array of values; stddev, variance:
 * [n, mean, m2]; percentile_approx: [kind, count, [[value, g, delta],
 * ...]] (see pct_save); median: [nonint, [[value, count], ...]], one
 * point per distinct value.
 */
void
st_agg_save(const st_agg *agg, const st_aslot *s, st_buf *b)
{
	switch (agg->fn) {
	case ST_AGG_COUNT_ALL:
	case ST_AGG_COUNT:
	case ST_AGG_COUNT_IF:
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
		kept_save(s, b);
		break;
	case ST_AGG_APPROX_DISTINCT:
		if (s->a.h)
			st_hll_save(s->a.h, b);
		else
			st_buf_add(b, "null", 4);
		break;
	case ST_AGG_COLLECT_LIST:
	case ST_AGG_COLLECT_SET:
	case ST_AGG_COUNT_DISTINCT:
	case ST_AGG_SUM_DISTINCT:
	case ST_AGG_AVG_DISTINCT:
		list_put((const alist *)s, b);
		break;
	case ST_AGG_STDDEV_SAMP:
	case ST_AGG_STDDEV_POP:
	case ST_AGG_VAR_SAMP:
	case ST_AGG_VAR_POP: {
		const amom *m = (const amom *)s;
		st_buf_putc(b, '[');
		st_buf_put_i64(b, m->n);
		st_buf_putc(b, ',');
		st_buf_put_double(b, m->mean);
		st_buf_putc(b, ',');
		st_buf_put_double(b, m->m2);
		st_buf_putc(b, ']');
		break;
	}
	case ST_AGG_PERCENTILE_APPROX:
		pct_save(agg, s, b);
		break;
	case ST_AGG_MEDIAN: {
		const asketch *k = (const asketch *)s;
		st_buf_printf(b, "[%d,[", k->nonint);
		for (uint32_t i = 0; i < k->n; i++) {
			st_buf_add(b, i ? ",[" : "[", i ? 2 : 1);
			st_buf_put_double(b, k->p[i].v);
			st_buf_putc(b, ',');
			st_buf_put_i64(b, k->p[i].w);
			st_buf_putc(b, ']');
		}
		st_buf_add(b, "]]", 2);
		break;
	}
	default:
		more_save(agg, s, b);
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
	case ST_AGG_COUNT_IF:
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
		rc = kept_load(s, val, n);
		break;
	case ST_AGG_APPROX_DISTINCT:
		if (st_json_type(val) == ST_J_NULL) {
			rc = 0;
			break;
		}
		s->a.h = st_hll_load(val, n);
		rc = s->a.h ? 0 : -1;
		break;
	case ST_AGG_COLLECT_LIST:
	case ST_AGG_COLLECT_SET:
	case ST_AGG_COUNT_DISTINCT:
	case ST_AGG_SUM_DISTINCT:
	case ST_AGG_AVG_DISTINCT:
		if (st_json_scan_array(val, n, &f, &je) < 0)
			break;
		for (uint32_t i = 0; i < f.n; i++)
			list_add_text((alist *)s, f.v[i].val, f.v[i].vlen);
		rc = 0;
		break;
	case ST_AGG_STDDEV_SAMP:
	case ST_AGG_STDDEV_POP:
	case ST_AGG_VAR_SAMP:
	case ST_AGG_VAR_POP: {
		amom *m = (amom *)s;
		if (st_json_scan_array(val, n, &f, &je) < 0 || f.n != 3 ||
		    !st_json_number(f.v[0].val, f.v[0].vlen, &m->n, &dv))
			break;
		if (st_json_number(f.v[1].val, f.v[1].vlen, &iv, &m->mean))
			m->mean = (double)iv;
		if (st_json_number(f.v[2].val, f.v[2].vlen, &iv, &m->m2))
			m->m2 = (double)iv;
		rc = 0;
		break;
	}
	case ST_AGG_PERCENTILE_APPROX:
		rc = pct_load(s, val, n);
		break;
	case ST_AGG_MEDIAN: {
		asketch *k = (asketch *)s;
		st_fields pts = { 0 }, pt = { 0 };
		if (st_json_scan_array(val, n, &f, &je) < 0 || f.n != 2 ||
		    !st_json_number(f.v[0].val, f.v[0].vlen, &iv, &dv) ||
		    st_json_scan_array(f.v[1].val, f.v[1].vlen, &pts,
		    &je) < 0) {
			st_fields_release(&pts);
			break;
		}
		k->nonint = iv != 0;
		rc = 0;
		for (uint32_t i = 0; i < pts.n && rc == 0; i++) {
			double v;
			int64_t w;
			if (st_json_scan_array(pts.v[i].val, pts.v[i].vlen,
			    &pt, &je) < 0 || pt.n != 2 ||
			    !st_json_number(pt.v[1].val, pt.v[1].vlen, &w,
			    &dv)) {
				rc = -1;
				break;
			}
			if (st_json_number(pt.v[0].val, pt.v[0].vlen, &iv, &v))
				v = (double)iv;
			sketch_add_point(k, v, w);
		}
		st_fields_release(&pt);
		st_fields_release(&pts);
		break;
	}
	default:
		rc = more_load(agg, s, val, n);
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
