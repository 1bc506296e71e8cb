/*
 * run.h - the source loop behind st-read: triggers, the write-ahead log of
 * offsets, restart and replay, clean-source, the pipeline lock.
 *
 * The loop plans batches from its sources and writes them out as st(7)
 * batches: {"@st":"begin","batch":N,"ts":MS}, for each named source a
 * {"@st":"source","name":"NAME"} line and its records, then
 * {"@st":"end","batch":N,"progress":[{"name":"st-read",...}]}. Output is
 * flushed at the end of every batch.
 *
 * With a checkpoint directory DIR:
 *
 *   DIR/lock               held while the loop runs (one run at a time)
 *   DIR/offsets/N          {"batch":N,"ts":MS,"data":true,"sources":{
 *                           "NAME":RANGE,...}}, written and fsync'ed before
 *                          the first line of batch N (the single unnamed
 *                          source is keyed "default")
 *   DIR/sources/NAME/seen  the compacted position of each source:
 *                          {"through":N,"position":...}; offsets up to N
 *                          are then no longer needed to rebuild it
 *   DIR/sources/done       without a checkpointing sink: the last batch
 *                          emitted in full
 *
 * A batch is done when DIR/commits/N exists, written by a checkpointing
 * sink (which announces itself by writing DIR/sink when it starts), or,
 * when no sink ever announced itself, once it has been emitted in full
 * (then the last batch is at-least-once: a crash while it is emitted sends
 * it again). On start, batches logged after the last done one are emitted
 * again with the same ids, timestamps and ranges; then new batches are
 * planned. Without a checkpoint, batch ids start at 0 every run and
 * nothing is logged.
 *
 * Triggers (Spark's): default, the next batch as soon as new data exists;
 * an interval, batches planned at multiples of it (empty ones skipped);
 * once, one batch with everything there is; available-now, everything
 * there is at the start in batches that honour the limits. Once and
 * available-now end with one extra empty batch when the last batch had
 * data, so that a watermark computed from it takes effect downstream, and
 * then exit.
 *
 * Continuous (Spark's Trigger.Continuous, "continuous=1s"): records are
 * written and flushed as soon as a source yields them, inside epochs: an
 * epoch is a batch that opens with the first record after the previous
 * one closed and closes an interval later. Its offsets are logged when it
 * closes, before its end line (a sink commits only logged epochs); a
 * restart replays the logged, uncommitted ones whole. Sources without a
 * merge() (see source.h) cannot run continuously.
 */
#ifndef ST_SOURCE_RUN_H
#define ST_SOURCE_RUN_H

#include <stdint.h>

#include "op.h"
#include "source.h"

typedef enum st_trigger {
	ST_TRIGGER_DEFAULT,
	ST_TRIGGER_ONCE,
	ST_TRIGGER_AVAILABLE_NOW,
	ST_TRIGGER_INTERVAL,
	ST_TRIGGER_CONTINUOUS
} st_trigger;

typedef struct st_read_opts {
	const st_common *common;	/* checkpoint, malformed, dead letter */
	st_source **sources;		/* borrowed */
	size_t nsources;
	st_trigger trigger;
	int64_t interval;		/* usec, ST_TRIGGER_INTERVAL; the epoch
					 * length of ST_TRIGGER_CONTINUOUS */
	st_source_limits limits;
	int wait_lock;			/* --wait: wait for the lock */
	int64_t poll;			/* usec between looks for new data */
	int clean;			/* some source cleans committed input */
	int commit_on_emit;		/* --commit-on-emit: no sink commits */
} st_read_opts;

/* Parses a --trigger value ("once", "available-now", "5 seconds", "5s",
 * "processing-time=5s", "default", "continuous", "continuous=5s").
 * Returns 0, or -1 when it is none. */
int st_trigger_parse(const char *s, st_trigger *t, int64_t *interval);

/* Runs the loop until the trigger is satisfied, all sources are exhausted
 * or a stop signal arrives (at a batch boundary). Returns the exit status. */
int st_read_run(const st_read_opts *o);

#endif
