/* evtime.c - event times of records; see evtime.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "column.h"
#include "err.h"
#include "expr/expr.h"
#include "state/evtime.h"
#include "suggest.h"
#include "datetime.h"

void
st_evtime_unit(st_evtime *t, const char *arg)
{
	if (strcmp(arg, "s") == 0)
		t->unit = ST_USEC_PER_SEC;
	else if (strcmp(arg, "ms") == 0)
		t->unit = 1000;
	else if (strcmp(arg, "us") == 0)
		t->unit = 1;
	else
		st_usage_error("invalid time unit '%s' for --time-unit "
		    "(expected s, ms or us)", arg);
}

/* A --time expression, compiled once. */
struct st_evtime_expr {
	st_expr_list *l;
	st_eval ev;
};

static int
plain_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= '0' && *s <= '9') ||
		    (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

void
st_evtime_set(st_evtime *t, const char *text)
{
	st_expr_error err;

	st_evtime_release(t);
	t->col = text;
	if (plain_name(text))
		return;
	st_expr_list *l = st_expr_parse(text, 0, &err);
	if (l == NULL) {
		st_expr_error_print(&err);
		exit(ST_EXIT_USAGE);
	}
	t->x = st_calloc(1, sizeof *t->x);
	t->x->l = l;
	st_eval_init(&t->x->ev, l);
}

void
st_evtime_release(st_evtime *t)
{
	if (t->x == NULL)
		return;
	st_eval_release(&t->x->ev);
	st_expr_list_free(t->x->l);
	free(t->x);
	t->x = NULL;
}

/* A number of t->unit into *us; -1 when out of range. */
static int
from_int(const st_evtime *t, int64_t iv, int64_t *us)
{
	if (iv > INT64_MAX / t->unit || iv < INT64_MIN / t->unit)
		return -1;
	*us = iv * t->unit;
	return 0;
}

static int
from_double(const st_evtime *t, double dv, int64_t *us)
{
	dv *= (double)t->unit;
	if (!isfinite(dv) || fabs(dv) > 9.2e18)
		return -1;
	*us = (int64_t)floor(dv);
	return 0;
}

/* The value of the --time expression for r. */
static int
eval_time(const st_evtime *t, st_record *r, int64_t *us)
{
	st_value v;

	st_eval_set_record(&t->x->ev, r);
	st_expr_eval(&t->x->ev, st_expr_list_item(t->x->l, 0)->expr, &v);
	switch (v.type) {
	case ST_V_TIMESTAMP:
		*us = v.u.i;
		return 0;
	case ST_V_DATE:
		/* Days beyond int64 microseconds (year 294247) have no time. */
		if (v.u.i > 106751 || v.u.i < -106751)
			return -1;
		*us = v.u.i * 86400 * ST_USEC_PER_SEC;
		return 0;
	case ST_V_INT:
	case ST_V_BIGINT:
		return from_int(t, v.u.i, us);
	case ST_V_DOUBLE:
		return from_double(t, v.u.d, us);
	case ST_V_STRING:
		return st_parse_timestamp(v.u.s.p, v.u.s.n, us);
	default:
		return -1;
	}
}

int
st_evtime_get(const st_evtime *t, st_record *r, int64_t *us)
{
	if (t->x)
		return eval_time(t, r, us);

	const st_field *f = st_record_column(r, t->col, strlen(t->col));
	int64_t iv;
	double dv;

	if (f == NULL)
		return -1;
	switch (f->type) {
	case ST_J_STRING:
		/* Timestamps never need JSON escapes: parse the raw text. */
		if (memchr(f->val, '\\', f->vlen))
			return -1;
		return st_parse_timestamp(f->val + 1, f->vlen - 2, us);
	case ST_J_NUMBER:
		if (st_json_number(f->val, f->vlen, &iv, &dv))
			return from_int(t, iv, us);
		return from_double(t, dv, us);
	default:
		return -1;
	}
}

void
st_evtime_warn_missing(const st_evtime *t, st_record *r, const char *input,
    const char *what)
{
	const char *sug = NULL;
	const char **names = NULL;
	size_t n = 0;

	if (!t->x && !st_record_column(r, t->col, strlen(t->col)) &&
	    st_record_scan(r) == 0) {
		names = st_calloc(r->fields.n ? r->fields.n : 1, sizeof *names);
		for (uint32_t i = 0; i < r->fields.n; i++)
			names[n++] = st_strndup(r->fields.v[i].key,
			    r->fields.v[i].klen);
		sug = st_suggest(t->col, strlen(t->col), names, n);
	}
	if (sug)
		st_warn("%s:%llu: no event time in '%s' (did you mean '%s'?); "
		    "records without one %s", input,
		    (unsigned long long)r->lineno, t->col, sug, what);
	else
		st_warn("%s:%llu: no event time in '%s'; records without one "
		    "%s", input, (unsigned long long)r->lineno, t->col, what);
	for (size_t i = 0; i < n; i++)
		free((void *)names[i]);
	free(names);
}
