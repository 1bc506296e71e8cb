/*
 * filter.h - st-filter (alias st-where): keeps the records for which a
 * Spark SQL predicate is TRUE (Spark's filter()/where()).
 *
 * A record whose predicate is FALSE or NULL is dropped; a kept record is
 * written as its original bytes. Control lines pass through untouched.
 * The predicate is parsed once (st_expr_parse, see expr/expr.h) and a
 * syntax error is a usage error (exit 2) with a caret under the column.
 * current_timestamp() is the batch timestamp of the begin line, so a
 * replay filters the same way.
 *
 * With source set (--source NAME, see op/only.h), only the records of
 * source NAME are filtered; the other sources' records all pass.
 */
#ifndef ST_OP_FILTER_H
#define ST_OP_FILTER_H

#include "op.h"

typedef struct st_filter_opts {
	const char *expr;	/* the predicate (borrowed) */
	int invert;		/* --invert: keep rows that are not TRUE */
	const char *source;	/* --source NAME (borrowed), or NULL */
} st_filter_opts;

/* Runs st-filter over standard input; returns the exit status. */
int st_filter_run(const st_filter_opts *o, st_common *common);

#endif
