/*
 * status.h - what st-status(1) tells of a checkpoint: Spark's query.status,
 * recentProgress and spark.streams.active, for a pipeline of st tools.
 *
 * Everything is read from the checkpoint directory (st(7)), through the
 * checkpoint API, without changing anything: "metadata" gives the query
 * id, the lock whether a run holds the checkpoint now (and the pid st-read
 * wrote in it), "offsets" the last planned batch, "commits" the last
 * committed one, "progress" the recent progress records (progress.h) and
 * "failure" the last failure a sink saw.
 *
 * Ownership: an st_status owns what it holds; the JSON it returns are new
 * references.
 */
#ifndef ST_STATUS_H
#define ST_STATUS_H

#include <stdint.h>

#include <jansson.h>

#include "buf.h"

typedef struct st_status {
	char *dir;		/* the checkpoint directory */
	char id[64];		/* the query id */
	int running;		/* a run holds the checkpoint's lock */
	long pid;		/* its pid, when it wrote one (else 0) */
	int64_t last_commit;	/* -1: none */
	int64_t last_planned;	/* -1: none */
	json_t *recent;		/* progress records, oldest first */
	json_t *failure;	/* DIR/failure, or NULL */
	const char *message;	/* Spark's status message */
} st_status;

/*
 * Reads the status of checkpoint dir, with at most recent progress records
 * (at least the last one). Returns 0, or -1 after printing why (dir is not
 * a checkpoint: it has no metadata; a file cannot be read).
 */
int st_status_read(st_status *s, const char *dir, int recent);
void st_status_release(st_status *s);

/* True when dir is a checkpoint (it holds "metadata"). */
int st_status_is_checkpoint(const char *dir);

/* The last progress record (borrowed), or NULL before the first batch. */
json_t *st_status_last(const st_status *s);

/* The status for people: appended to out. */
void st_status_text(const st_status *s, st_buf *out);

/* The status for machines: {"id", "name", "checkpoint", "status":
 * {"message", "isDataAvailable", "isTriggerActive"}, "running", "pid",
 * "lastCommittedBatch", "lastPlannedBatch", "failure", "lastProgress",
 * "recentProgress"} (new reference). */
json_t *st_status_json(const st_status *s);

/*
 * The Prometheus text exposition format of n queries, appended to out: for
 * each metric family, its # HELP and # TYPE lines, then one sample per
 * query (labels query and checkpoint), as the format requires the samples
 * of a family to be together. A query's values come from its last
 * progress record (NULL before the first batch: only st_up and
 * st_last_committed_batch). Names: st_up, st_last_committed_batch,
 * st_batch_input_rows, st_batch_output_rows, st_batch_duration_seconds,
 * st_input_rows_per_second, st_processed_rows_per_second,
 * st_watermark_delay_seconds (event-time max minus the watermark),
 * st_state_rows, st_state_memory_bytes, st_state_rows_dropped_by_watermark
 * (label tool), st_backlog_files, st_backlog_bytes.
 */
typedef struct st_metrics_query {
	const char *query;	/* the query's name, else its id */
	const char *checkpoint;
	int running;
	int64_t last_commit;
	json_t *progress;	/* borrowed, or NULL */
} st_metrics_query;

void st_metrics_prometheus(st_buf *out, const st_metrics_query *q, size_t n);

/* ---- st-status ----------------------------------------------------- */

typedef struct st_status_opts {
	char *const *dirs;	/* checkpoints, or directories holding some */
	int json;		/* --json */
	int prometheus;		/* --prometheus */
	int recent;		/* --recent N (0: the last batch only) */
	int check;		/* --check */
	int64_t watch_usec;	/* --watch: refresh period (0: once) */
} st_status_opts;

/*
 * Runs st-status: prints the status of each checkpoint of o->dirs (a
 * directory that is not a checkpoint stands for the checkpoints directly
 * in it). With check, verifies each checkpoint instead (st_status_check).
 * Returns the exit status: 0, or 1 when a directory holds no checkpoint,
 * cannot be read, or (check) is damaged.
 */
int st_status_run(const st_status_opts *o);

/* Checks the options as a whole (a directory given; --json and
 * --prometheus exclusive; --check alone); dies with a usage error. */
void st_status_opts_check(const st_status_opts *o);

/*
 * Verifies checkpoint dir without changing anything: every offsets,
 * commits and progress file parses as JSON, batch ids have no gaps, every
 * commit but the oldest retained has its offsets, and each stateful tool
 * has its state for the last commit. Prints one line per problem, naming
 * the file, to out. Returns the number of problems (0: intact).
 */
int st_status_check(const char *dir, st_buf *out);

#endif
