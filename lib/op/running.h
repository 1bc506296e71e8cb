/*
 * running.h - st-running: running aggregates across rows, in arrival order
 * (a streaming "SUM(x) OVER (PARTITION BY k ORDER BY arrival ROWS
 * UNBOUNDED PRECEDING)", which Spark's streaming queries cannot run).
 *
 * Each row is passed on with one more field per aggregate: the aggregate
 * over every row of its key seen so far, this one included. Behind
 * st-window in append mode, whose rows come once each and in window order,
 * this gives running totals across windows (the seeds' RTotalBuy). Input
 * in update or complete mode is refused: a row seen twice would be counted
 * twice. The per-key aggregates are checkpointed like any state.
 */
#ifndef ST_OP_RUNNING_H
#define ST_OP_RUNNING_H

#include "op.h"

typedef struct st_running_opts {
	char **by;		/* partition columns, or NULL */
	const char *agg_text;	/* the --agg list */
} st_running_opts;

/* Runs st-running over standard input; returns the exit status. */
int st_running_run(const st_running_opts *o, st_common *common);

#endif
