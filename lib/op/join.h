/*
 * join.h - st-join: stream-static and stream-stream joins.
 *
 * Stream-static (--static FILE): every record of the stream (the left
 * side) is joined with a static table (the right side: CSV, JSON lines or
 * a SQLite table, see join/table.h), reloaded at a batch begin when its
 * file changed. Stateless. Types inner, left, left_semi, left_anti.
 *
 * Stream-stream (--left NAME --right NAME): the input carries two tagged
 * sources in one batch sequence (st(7) source lines). Rows of both sides
 * are buffered in state, checkpointed per batch, and matched as Spark's
 * symmetric hash join does: within a batch the left rows are joined with
 * the right rows buffered before, then the right rows with every left row
 * buffered so far, this batch's included, so each pair is emitted once.
 * The time bound of --within and the watermark evict state; outer joins
 * emit a row's null-extended form when it is evicted without a match.
 * Types inner, left, right, full, left_semi. Append mode.
 *
 * Output rows: the left row's fields, then the right row's. Key columns
 * named alike on both sides (the --on KEY shorthand, or 'a = a') appear
 * once, from the left (from the right in a right-outer null-extended row).
 * --drop-left/--drop-right drop columns of a side first, like Spark's
 * drop(left.col). Any other name on both sides is kept from the left, and
 * the right's is renamed with a prefix (--right-prefix, default "right_").
 * A missing side's columns are written as null: those declared with
 * --left-columns/--right-columns, else the static table's columns, else
 * those seen so far in that side's rows (kept in the state).
 */
#ifndef ST_OP_JOIN_H
#define ST_OP_JOIN_H

#include "op.h"

typedef enum st_join_type {
	ST_JOIN_INNER,
	ST_JOIN_LEFT,
	ST_JOIN_RIGHT,
	ST_JOIN_FULL,
	ST_JOIN_LEFT_SEMI,
	ST_JOIN_LEFT_ANTI
} st_join_type;

typedef struct st_join_opts {
	/* stream-static */
	const char *static_spec;	/* --static FILE or FILE:TABLE */
	const char *static_format;	/* --static-format, NULL: guess */
	const char *static_schema;	/* --static-schema DDL */
	/* stream-stream */
	const char *left, *right;	/* --left/--right source names */
	const char *within;		/* --within CONDITION */
	/* both */
	const char *on;			/* --on KEY[,KEY] or CONDITION */
	st_join_type type;		/* --type */
	char **drop_left, **drop_right;	/* NULL-terminated, or NULL */
	const char *right_prefix;	/* default "right_" */
	char **left_columns, **right_columns;
	const char *late_output;	/* --late-output FILE */
} st_join_opts;

/* Parses a --type name ("inner", "left_outer", "leftsemi", ...); returns
 * the type or -1. */
int st_join_type_parse(const char *s);
const char *st_join_type_name(st_join_type t);

/* Checks the options (usage errors exit 2), runs the join over standard
 * input, returns the exit status. */
int st_join_run(const st_join_opts *o, const st_common *common);

#endif
