/*
 * window.h - st-window: stateful aggregation over event-time windows, or
 * plain groupBy aggregation, with Spark's output modes.
 *
 * Windows are Spark's window() and session_window(): tumbling (size),
 * sliding (size and slide: a row counts in every window it falls in) and
 * session (a gap: a key's session grows while its events come within gap
 * of each other). Without a time column the tool is a plain groupBy over
 * the key columns, or with no key columns either a global aggregate (one
 * group, Spark's groupBy().agg(...)). With the time column among the key
 * columns and no window (Spark's groupBy("eventTime") on the watermarked
 * column), each time value is a group that closes once the watermark
 * reaches it: a window of length 0. A group is its window and the values of the --by
 * columns; its state is one compact slot per aggregate (state/agg.h), in
 * the hash table of state/table.h.
 *
 * Output rows are {"window":{"start":..,"end":..}, <by columns>, <aggs>}
 * (no window member for a plain groupBy), emitted in order of window
 * start then key values, so that a run's output is deterministic. With
 * --cube or --rollup a record counts in one group per grouping set, and a
 * rolled-up column is null in the row; the group key then ends with the
 * set's number (bit i: column i rolled up), so that a null of the data
 * and a rolled-up null stay apart, and that number is the last key value
 * of a saved group:
 *
 *   append    a window is emitted once, at the end of the batch whose
 *             watermark passes its end, and then evicted; needs a window
 *             and a watermark upstream (st-watermark);
 *   update    the groups changed by the batch are emitted at its end;
 *             groups whose window end the watermark has passed are evicted;
 *   complete  every group is emitted at the end of every batch; nothing is
 *             evicted and no row is late (as Spark: the whole table is kept).
 *
 * Rows whose every window ends at or before the watermark in force are
 * late: they are dropped, counted (numRowsDroppedByWatermark) and, with a
 * late-output file, appended to it. Without a checkpoint, the end of the
 * input flushes every open window (append mode), as a batch job would.
 *
 * With a checkpoint, the state after each batch is saved by the runner
 * (see op.h) as NDJSON: a header line {"format":"st-window/1",...} then
 * one line per group [start, end, [key values], [aggregate states]].
 */
#ifndef ST_OP_WINDOW_H
#define ST_OP_WINDOW_H

#include <stdint.h>

#include "op.h"
#include "state/agg.h"
#include "state/evtime.h"

typedef enum st_outmode {
	ST_MODE_APPEND,
	ST_MODE_UPDATE,
	ST_MODE_COMPLETE
} st_outmode;

/* Parses an output mode name; returns -1 when unknown. */
int st_outmode_parse(const char *s, st_outmode *m);
const char *st_outmode_name(st_outmode m);

/* Grouping sets over the key columns, as Spark's cube() and rollup(). */
typedef enum st_grouping {
	ST_GROUP_BY,		/* one set: every key column */
	ST_GROUP_CUBE,		/* every subset of the key columns */
	ST_GROUP_ROLLUP		/* every prefix of the key columns */
} st_grouping;

typedef struct st_window_opts {
	st_evtime time;		/* time.col NULL: plain groupBy */
	int64_t size;		/* window length, usec (0 with gap, and
				 * when the time column is a key) */
	int64_t slide;		/* usec; equal to size when tumbling */
	int64_t gap;		/* session gap, usec; 0: fixed windows */
	char **by;		/* key columns (NULL-terminated), or NULL */
	st_grouping grouping;	/* --cube or --rollup: sets over by */
	const char *agg_text;	/* the --agg list */
	st_outmode mode;
	int mode_given;		/* --mode was on the command line */
	const char *late_output;	/* --late-output FILE, or NULL */
} st_window_opts;

/*
 * Checks the options as a whole (modes against windows, sizes against
 * slides) and parses the aggregates; dies with a usage error explaining
 * what does not fit. Call it before st_window_run().
 */
void st_window_check(st_window_opts *o);

/* Runs st-window over standard input; returns the exit status. */
int st_window_run(const st_window_opts *o, st_common *common);

#endif
