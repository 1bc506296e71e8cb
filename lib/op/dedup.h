/*
 * dedup.h - st-dedup: Spark's dropDuplicates and
 * dropDuplicatesWithinWatermark on a stream.
 *
 * The first row of each key passes; later rows with the same key values
 * are dropped. The keys seen are the state, checkpointed like any other.
 *
 *   dropDuplicates (default): with the event time column among the keys,
 *       a key is forgotten once the watermark passes its event time, and
 *       rows older than the watermark are late (dropped, counted, and
 *       written to the late-output file when there is one);
 *   within watermark: the event time need not be a key; a key is kept
 *       until the watermark passes its first event time plus the
 *       watermark's delay, so duplicates are dropped as long as they may
 *       still arrive (Spark 3.5).
 *
 * Without a watermark nothing is ever forgotten and the state grows with
 * the number of distinct keys; a key limit then bounds it: past the limit
 * the oldest keys (first seen first) are forgotten, so a duplicate of a
 * forgotten key passes again. Evictions are counted in the progress.
 */
#ifndef ST_OP_DEDUP_H
#define ST_OP_DEDUP_H

#include <stdint.h>

#include "op.h"
#include "state/evtime.h"

typedef struct st_dedup_opts {
	char **keys;		/* key columns; NULL: the whole record */
	st_evtime time;		/* time.col NULL: no event time */
	int within;		/* --within-watermark */
	int64_t delay;		/* --delay, or 0: the begin line's */
	int64_t max_keys;	/* --max-keys, 0: no limit */
	const char *late_output;
} st_dedup_opts;

/* Checks the options as a whole; dies with a usage error. */
void st_dedup_check(st_dedup_opts *o);

/* Runs st-dedup over standard input; returns the exit status. */
int st_dedup_run(const st_dedup_opts *o, st_common *common);

#endif
