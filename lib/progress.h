/*
 * progress.h - a batch's progress as Spark's StreamingQueryProgress.
 *
 * Every tool of a pipeline appends its metrics for a batch to the batch's
 * end line (st(7)); the sink, which sees them all, turns them into one
 * record with Spark's field names and writes it to DIR/progress/N. That
 * record is what st-status(1) shows, what --on-progress hooks receive and
 * what the Prometheus metrics are made from:
 *
 *     {"id": query id, "runId": this run's id, "name": --query-name or null,
 *      "timestamp": ISO-8601, "batchId": N, "batchTimestampMs": MS,
 *      "numInputRows", "inputRowsPerSecond", "processedRowsPerSecond",
 *      "durationMs": {"triggerExecution", "addBatch", ...},
 *      "eventTime": {"min", "max", "avg", "watermark"},
 *      "stateOperators": [{"operatorName", "tool", "numRowsTotal",
 *          "numRowsUpdated", "numRowsRemoved", "numRowsDroppedByWatermark",
 *          "memoryUsedBytes"}, ...],
 *      "sources": [{"description", "startOffset", "endOffset",
 *          "numInputRows", "inputRowsPerSecond", "processedRowsPerSecond",
 *          "backlog": {"files", "bytes"} (what is left to read: the lag)}],
 *      "sink": {"description", "numOutputRows"},
 *      "progress": [the tools' own entries, in pipeline order]}
 *
 * Members whose value no tool measured are left out (Spark writes them as
 * null or omits them the same way).
 *
 * Ownership: functions borrow their arguments and return new references.
 */
#ifndef ST_PROGRESS_H
#define ST_PROGRESS_H

#include <stdint.h>

#include <jansson.h>

typedef struct st_progress_info {
	const char *id;		/* the query id (DIR/metadata) */
	const char *run_id;	/* this run's id (new at every start) */
	const char *name;	/* --query-name, or NULL */
	int64_t batch_id;
	int64_t ts_ms;		/* the batch timestamp, set by the source */
	int64_t now_ms;		/* when the batch became durable */
	int64_t add_batch_ms;	/* time spent writing it in the sink */
	int64_t sink_rows;	/* rows the sink wrote */
	const char *sink_desc;	/* "FileSink[out]" */
	json_t *prev;		/* the previous batch's record, or NULL: its
				 * sources' endOffset are this one's
				 * startOffset */
} st_progress_info;

/* Builds the progress record of a batch from the end line's "progress"
 * array tools (per-tool entries, borrowed; NULL for none). */
json_t *st_progress_build(const st_progress_info *pi, json_t *tools);


#endif
