/*
 * filter.c - st-filter: an operator that keeps records whose predicate is
 * TRUE.
 */
#include <stdlib.h>

#include "err.h"
#include "expr/expr.h"
#include "op/filter.h"
#include "op/only.h"
#include "datetime.h"

typedef struct filter {
	st_expr_list *list;
	const st_expr *pred;
	st_eval ev;
	int invert;
	int seen;		/* a record was seen (missing-column check) */
	st_only only;		/* --source NAME */
} filter;

static int
filter_begin(st_op *op, st_ctx *ctx, st_batch *b)
{
	filter *f = op->self;
	(void)ctx;
	/* The batch timestamp makes current_timestamp() replayable. */
	f->ev.now = b->ts_ms * 1000;
	return 0;
}

static int
filter_record(st_op *op, st_ctx *ctx, st_record *r)
{
	filter *f = op->self;
	if (!st_only_applies(&f->only, ctx)) {
		st_emit(ctx, r);
		return 0;
	}
	if (!f->seen) {
		f->seen = 1;
		st_expr_warn_missing(f->list, r, NULL, 0);
	}
	st_eval_set_record(&f->ev, r);
	int t = st_expr_eval_bool(&f->ev, f->pred);
	if ((t == 1) != f->invert)
		st_emit(ctx, r);
	return 0;
}

int
st_filter_run(const st_filter_opts *o, st_common *common)
{
	filter f = { 0 };
	st_expr_error err;

	f.list = st_expr_parse(o->expr, 0, &err);
	if (!f.list) {
		st_expr_error_print(&err);
		return ST_EXIT_USAGE;
	}
	f.pred = st_expr_list_item(f.list, 0)->expr;
	f.invert = o->invert;
	f.only.name = o->source;
	st_eval_init(&f.ev, f.list);
	st_op op = { .name = "st-filter", .self = &f, .begin = filter_begin,
	    .record = filter_record };
	int rc = st_op_run(&op, common);
	if (rc == ST_EXIT_OK)
		st_only_warn_unmatched(&f.only);
	st_only_release(&f.only);
	st_eval_release(&f.ev);
	st_expr_list_free(f.list);
	return rc;
}
