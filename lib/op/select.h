/*
 * select.h - st-select: projection and computed columns (Spark's
 * select(), selectExpr() and withColumn()), with explode()/posexplode()
 * producing one record per element (flatMap).
 *
 * The select list is Spark's: "expr [AS name], ...", with "*" for every
 * input column in input order and "* EXCEPT (a, b)". A plain column
 * reference (a, a.b) is copied byte for byte; a computed value is written
 * by st_value_write_json() (timestamps as "2019-02-05T10:00:00Z"). An item
 * without alias is named as Spark names it (st_expr_default_name). When
 * two items have the same output name, the last value wins at the first
 * one's position (so "*, upper(gt) AS gt" replaces gt in place).
 *
 * --with NAME=EXPR (repeatable, Spark's withColumn) is applied first, in
 * order, each seeing the columns set before it: NAME is replaced in place
 * or appended. With only --with options the record keeps its other bytes
 * and order. Then the select list, if any, projects the result.
 *
 * Control lines pass through untouched; a record the command does not
 * change (select list "*" alone, no --with) is written as its bytes.
 *
 * With source set (--source NAME, see op/only.h), --with and the list
 * apply to the records of source NAME only; the other sources' records
 * are written as their bytes.
 */
#ifndef ST_OP_SELECT_H
#define ST_OP_SELECT_H

#include <stddef.h>

#include "op.h"

typedef struct st_select_opts {
	const char *list;	/* the select list, or NULL (only --with) */
	const char **with;	/* "NAME=EXPR" texts (borrowed) */
	size_t nwith;
	const char *source;	/* --source NAME (borrowed), or NULL */
} st_select_opts;

/* Runs st-select over standard input; returns the exit status. */
int st_select_run(const st_select_opts *o, st_common *common);

#endif
