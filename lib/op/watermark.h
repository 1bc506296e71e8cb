/*
 * watermark.h - st-watermark: event-time watermarks (Spark's
 * withWatermark) carried downstream in the begin control lines.
 *
 * The tool tracks the maximum event time it has seen. The watermark in
 * force for batch N is that maximum over batches up to N-1 minus the
 * delay, never going back, and none before the first event: st-watermark
 * writes it as "wm" in batch N's begin line (null while there is none, so
 * that tools downstream know a watermark is defined) and its delay as
 * "delay". It passes every record on untouched: dropping late rows is the
 * business of the stateful tool they would affect.
 *
 * With a source name (stream-stream joins), only records of that source
 * count, the watermark goes to the begin line's "wms" object under the
 * name, and "wm" becomes the minimum over "wms" (Spark's default
 * multipleWatermarkPolicy; one source without a watermark yet holds the
 * global one back), or the maximum with policy max.
 *
 * The maximum event time and the watermark are the tool's state,
 * checkpointed through the runner like any other, with the delay and the
 * policy: on a restart the checkpoint's delay and policy win over changed
 * options (with a warning), as Spark restores a query's watermark policy
 * from its checkpoint, and the global watermark never goes back.
 */
#ifndef ST_OP_WATERMARK_H
#define ST_OP_WATERMARK_H

#include <stdint.h>

#include "op.h"
#include "state/evtime.h"

typedef struct st_watermark_opts {
	st_evtime time;		/* event time column and unit */
	int64_t delay;		/* usec */
	const char *source;	/* NULL: every record */
	int policy_max;		/* --policy max */
} st_watermark_opts;

/* Checks the options as a whole (--time and --delay given; delay -1
 * stands for no --delay); dies with a usage error. */
void st_watermark_check(const st_watermark_opts *o);

/* Runs st-watermark over standard input; returns the exit status. */
int st_watermark_run(const st_watermark_opts *o, st_common *common);

/* Sets b's watermark to wm, writing null rather than nothing when wm is
 * ST_TIME_NONE so that downstream tools see a watermark is defined. */
void st_watermark_set(st_batch *b, int64_t wm);

#endif
