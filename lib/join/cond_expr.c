/*
 * cond_expr.c - join conditions written as expressions: the equi-join
 * keys and the time bound are read off the syntax tree; what is left is
 * evaluated on each candidate pair over a resolver that reads columns of
 * both rows. See cond.h.
 *
 * The tree is read through the inspection accessors of expr/expr.h
 * (st_expr_kind, st_expr_binop, st_expr_child, ...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr/expr.h"
#include "join/cond.h"
#include "join/cond_expr.h"
#include "datetime.h"

typedef struct cexpr {
	st_expr_list *lists[2];		/* --on, --within */
	st_eval ev[2];
	const st_expr **resid;		/* conjuncts evaluated on pairs */
	int *resid_list;		/* which list each comes from */
	size_t nresid;
	char *qual[2];			/* side qualifiers: names of sides */
	cond_key *keys;			/* the equi-join conjuncts, while */
	size_t nkeys;			/* cond_expr_init() runs */
	/* the pair being evaluated */
	const char *row[2];
	size_t len[2];
	const st_fields *f[2];
} cexpr;

/* The side a qualifier names, or ST_JSIDE_ANY. */
static int
qualifier(const cexpr *x, const char *name, size_t len)
{
	static const char *fixed[2] = { "left", "right" };

	for (int s = 0; s < 2; s++) {
		if (strlen(fixed[s]) == len && memcmp(fixed[s], name, len) == 0)
			return s;
		if (x->qual[s] && strlen(x->qual[s]) == len &&
		    memcmp(x->qual[s], name, len) == 0)
			return s;
	}
	return ST_JSIDE_ANY;
}

/* A plain column, or a side-qualified one (impressions.ImpressionID):
 * returns 1 with its name (a new string) and side. */
static int
colref(const cexpr *x, const st_expr *n, char **name, int *side)
{
	const char *top;
	size_t len, depth;

	if (!st_expr_is_column(n, &top, &len, &depth))
		return 0;
	if (depth == 0) {
		*name = st_strndup(top, len);
		*side = ST_JSIDE_ANY;
		return 1;
	}
	int s = qualifier(x, top, len);
	if (depth != 1 || s == ST_JSIDE_ANY)
		return 0;
	const char *part = st_expr_column_part(n, 1, &len);
	*name = st_strndup(part, len);
	*side = s;
	return 1;
}

/* The microseconds of an INTERVAL literal: returns 1 with *us set. */
static int
interval(const st_expr *n, int64_t *us)
{
	const st_value *v = st_expr_literal(n);

	if (v == NULL || v->type != ST_V_INTERVAL)
		return 0;
	*us = v->u.i;
	return 1;
}

/* A term "col", "col + INTERVAL ...", "col - INTERVAL ...",
 * "INTERVAL ... + col": returns 1 with the column and the offset. */
static int
term(const cexpr *x, const st_expr *n, char **name, int *side, int64_t *off)
{
	if (colref(x, n, name, side)) {
		*off = 0;
		return 1;
	}
	int op = st_expr_binop(n);
	if (op != ST_BINOP_ADD && op != ST_BINOP_SUB)
		return 0;
	const st_expr *a = st_expr_child(n, 0), *b = st_expr_child(n, 1);
	int64_t us;
	if (interval(b, &us) && colref(x, a, name, side)) {
		*off = op == ST_BINOP_ADD ? us : -us;
		return 1;
	}
	if (op == ST_BINOP_ADD && interval(a, &us) &&
	    colref(x, b, name, side)) {
		*off = us;
		return 1;
	}
	return 0;
}

static void
add_resid(cexpr *x, const st_expr *n, int list)
{
	x->resid = st_realloc(x->resid, (x->nresid + 1) * sizeof *x->resid);
	x->resid_list = st_realloc(x->resid_list, (x->nresid + 1) *
	    sizeof *x->resid_list);
	x->resid[x->nresid] = n;
	x->resid_list[x->nresid] = list;
	x->nresid++;
}

/* Keeps the conjunct a = b for cond.c (steals a and b). */
static void
add_key(cexpr *x, char *a, int aside, char *b, int bside)
{
	x->keys = st_realloc(x->keys, (x->nkeys + 1) * sizeof *x->keys);
	x->keys[x->nkeys++] = (cond_key){ a, b, aside, bside };
}

/* Narrows the bound with tcol0 - tcol1 in [lo, hi] given as a - b in
 * [lo, hi] for columns (a, as) and (b, bs). Returns 0, or -1 when the
 * columns are not the pair the bound is about. */
static int
narrow(st_jcond *c, char *a, int as, char *b, int bs, int64_t lo,
    int64_t hi)
{
	if (strcmp(a, b) == 0 && as == bs)
		return -1;
	if (as != ST_JSIDE_ANY && as == bs)
		return -1;	/* both on one side: not a join bound */
	if (c->tcol[0] == NULL) {
		c->tcol[0] = st_strdup(a);
		c->tcol[1] = st_strdup(b);
		c->tside[0] = as;
		c->tside[1] = bs;
	}
	int same = strcmp(c->tcol[0], a) == 0 && c->tside[0] == as &&
	    strcmp(c->tcol[1], b) == 0 && c->tside[1] == bs;
	int swapped = strcmp(c->tcol[0], b) == 0 && c->tside[0] == bs &&
	    strcmp(c->tcol[1], a) == 0 && c->tside[1] == as;
	if (!same && !swapped)
		return -1;
	if (swapped) {
		int64_t t = lo;
		lo = hi == INT64_MAX ? INT64_MIN : -hi;
		hi = t == INT64_MIN ? INT64_MAX : -t;
	}
	if (lo != INT64_MIN && (c->lo == INT64_MIN || lo > c->lo))
		c->lo = lo;
	if (hi != INT64_MAX && (c->hi == INT64_MAX || hi < c->hi))
		c->hi = hi;
	c->has_bound = 1;
	return 0;
}

/* A time-bound conjunct: X BETWEEN Y + a AND Y + b, or X op Y + c.
 * Returns 1 when it narrowed the bound exactly (nothing left to check),
 * 2 when it narrowed it but must still be evaluated (strict < and >),
 * 0 when it is not a bound. */
static int
bound(cexpr *x, st_jcond *c, const st_expr *n)
{
	char *a = NULL, *b = NULL, *b2 = NULL;
	int as, bs, bs2, rc = 0;
	int64_t oa, ob, ob2;
	int op = st_expr_binop(n);

	if (st_expr_kind(n) == ST_NODE_BETWEEN && !st_expr_negated(n)) {
		if (term(x, st_expr_child(n, 0), &a, &as, &oa) &&
		    term(x, st_expr_child(n, 1), &b, &bs, &ob) &&
		    term(x, st_expr_child(n, 2), &b2, &bs2, &ob2) &&
		    strcmp(b, b2) == 0 && bs == bs2 &&
		    narrow(c, a, as, b, bs, ob - oa, ob2 - oa) == 0)
			rc = 1;
	} else if (op == ST_BINOP_LT || op == ST_BINOP_LE ||
	    op == ST_BINOP_GT || op == ST_BINOP_GE) {
		if (term(x, st_expr_child(n, 0), &a, &as, &oa) &&
		    term(x, st_expr_child(n, 1), &b, &bs, &ob)) {
			/* a + oa OP b + ob  =>  a - b OP ob - oa; a strict
			 * bound is the inclusive one a microsecond tighter
			 * (times are whole microseconds), so that the bound
			 * always includes its ends (cond.h). */
			int64_t d = ob - oa;
			int le = op == ST_BINOP_LT || op == ST_BINOP_LE;
			if (op == ST_BINOP_LT)
				d--;
			else if (op == ST_BINOP_GT)
				d++;
			if (narrow(c, a, as, b, bs, le ? INT64_MIN : d,
			    le ? d : INT64_MAX) == 0)
				rc = op == ST_BINOP_LE || op == ST_BINOP_GE ?
				    1 : 2;
		}
	}
	free(a);
	free(b);
	free(b2);
	return rc;
}

/* Walks the conjuncts of n. */
static void
conjuncts(cexpr *x, st_jcond *c, const st_expr *n, int list)
{
	if (st_expr_kind(n) == ST_NODE_AND) {
		conjuncts(x, c, st_expr_child(n, 0), list);
		conjuncts(x, c, st_expr_child(n, 1), list);
		return;
	}
	if (list == 0 && st_expr_binop(n) == ST_BINOP_EQ) {
		char *a, *b;
		int as, bs;
		if (colref(x, st_expr_child(n, 0), &a, &as)) {
			if (colref(x, st_expr_child(n, 1), &b, &bs)) {
				if (as == ST_JSIDE_ANY || as != bs) {
					add_key(x, a, as, b, bs);
					return;
				}
				free(a);
				free(b);
			} else {
				free(a);
			}
		}
	}
	int b = bound(x, c, n);
	if (b != 1)
		add_resid(x, n, list);
}

static int
resolve(void *ud, const char *name, size_t len, st_field *field,
    st_value *value)
{
	cexpr *x = ud;
	int s = qualifier(x, name, len);

	(void)value;
	if (s != ST_JSIDE_ANY) {
		if (x->row[s] == NULL)
			return 0;
		memset(field, 0, sizeof *field);
		field->val = x->row[s];
		field->vlen = (uint32_t)x->len[s];
		field->type = ST_J_OBJECT;
		return 1;
	}
	/* Unqualified: the left row's column, else the right's. */
	for (s = 0; s < 2; s++) {
		const st_fields *f = x->f[s];
		if (f == NULL)
			continue;
		for (uint32_t j = f->n; j-- > 0;) {
			if (st_json_key_eq(&f->v[j], name, len)) {
				*field = f->v[j];
				return 1;
			}
		}
	}
	return 0;
}

int
cond_expr_init(st_jcond *c, const char *on, const char *within,
    const char *lname, const char *rname, cond_key **keys, size_t *nkeys,
    char *err, size_t errlen)
{
	cexpr *x = st_calloc(1, sizeof *x);
	const char *texts[2] = { on, within };
	static const char *opts[2] = { "--on", "--within" };
	int rc = 0;

	c->priv = x;
	x->qual[0] = lname ? st_strdup(lname) : NULL;
	x->qual[1] = rname ? st_strdup(rname) : NULL;
	for (int i = 0; i < 2; i++) {
		if (texts[i] == NULL)
			continue;
		st_expr_error e;
		x->lists[i] = st_expr_parse(texts[i], 0, &e);
		if (x->lists[i] == NULL) {
			st_buf b = ST_BUF_INIT;
			st_expr_error_format(&b, &e);
			while (b.len && b.data[b.len - 1] == '\n')
				b.data[--b.len] = '\0';
			snprintf(err, errlen, "invalid %s: %s", opts[i], b.data);
			st_buf_release(&b);
			rc = -1;
			goto out;
		}
		st_eval_init(&x->ev[i], x->lists[i]);
		conjuncts(x, c, st_expr_list_item(x->lists[i], 0)->expr, i);
	}
	if (within && !c->has_bound) {
		snprintf(err, errlen, "--within gives no time bound between a "
		    "left and a right column (try 'RightTime BETWEEN LeftTime "
		    "AND LeftTime + INTERVAL 15 MINUTES')");
		rc = -1;
	}
out:
	*keys = x->keys;
	*nkeys = x->nkeys;
	x->keys = NULL;
	x->nkeys = 0;
	return rc;
}

void
cond_expr_release(st_jcond *c)
{
	cexpr *x = c->priv;

	if (x == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		if (x->lists[i]) {
			st_eval_release(&x->ev[i]);
			st_expr_list_free(x->lists[i]);
		}
		free(x->qual[i]);
	}
	free(x->resid);
	free(x->resid_list);
	free(x);
	c->priv = NULL;
}

int
st_jcond_has_residual(const st_jcond *c)
{
	const cexpr *x = c->priv;
	return x && x->nresid;
}

int
st_jcond_residual(st_jcond *c, const char *l, size_t ll, const st_fields *lf,
    const char *r, size_t rl, const st_fields *rf)
{
	cexpr *x = c->priv;

	if (!st_jcond_has_residual(c))
		return 1;
	x->row[0] = l, x->len[0] = ll, x->f[0] = lf;
	x->row[1] = r, x->len[1] = rl, x->f[1] = rf;
	for (int i = 0; i < 2; i++)
		if (x->lists[i])
			st_eval_set_resolver(&x->ev[i], resolve, x);
	for (size_t i = 0; i < x->nresid; i++)
		if (st_expr_eval_bool(&x->ev[x->resid_list[i]],
		    x->resid[i]) != 1)
			return 0;
	return 1;
}

/* Whether n reads only columns of side s, for a row of that side with
 * fields f: qualified with s, or unqualified and a field of the row. */
static int
one_side(const cexpr *x, const st_expr *n, int s, const st_fields *f)
{
	const char *top;
	size_t len, depth;

	if (st_expr_is_column(n, &top, &len, &depth)) {
		int q = depth ? qualifier(x, top, len) : ST_JSIDE_ANY;
		if (q != ST_JSIDE_ANY)
			return q == s;
		for (uint32_t j = 0; j < f->n; j++)
			if (st_json_key_eq(&f->v[j], top, len))
				return 1;
		return 0;
	}
	for (size_t i = 0; i < st_expr_nchildren(n); i++)
		if (!one_side(x, st_expr_child(n, i), s, f))
			return 0;
	return 1;
}

int
st_jcond_side_fails(st_jcond *c, int s, const char *row, size_t len,
    const st_fields *f)
{
	cexpr *x = c->priv;

	if (!st_jcond_has_residual(c))
		return 0;
	x->row[s] = row, x->len[s] = len, x->f[s] = f;
	x->row[!s] = NULL, x->len[!s] = 0, x->f[!s] = NULL;
	for (int i = 0; i < 2; i++)
		if (x->lists[i])
			st_eval_set_resolver(&x->ev[i], resolve, x);
	for (size_t i = 0; i < x->nresid; i++)
		if (one_side(x, x->resid[i], s, f) &&
		    st_expr_eval_bool(&x->ev[x->resid_list[i]],
		    x->resid[i]) != 1)
			return 1;
	return 0;
}
