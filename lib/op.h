/*
 * op.h - the operator interface and the loop that runs every tool.
 *
 * Every st tool but the sources is an operator: a module with the same
 * face (as Miller's verbs), driven by st_op_run(), which owns everything a
 * tool must get right the same way: reading lines in big blocks, telling
 * control lines from data, validating records and applying the malformed
 * record policy, batch boundaries, the watermark, loading and saving
 * checkpointed state, passing progress along, flushing output at each batch
 * end, stdout errors, and stopping at a batch boundary on SIGINT/SIGTERM.
 *
 * A new tool writes callbacks, not a loop:
 *
 *     static int my_record(st_op *op, st_ctx *ctx, st_record *r) {
 *             if (keep(op->self, r))
 *                     st_emit(ctx, r);
 *             return 0;
 *     }
 *     st_op op = { .name = "st-mytool", .self = &state,
 *         .record = my_record };
 *     return st_op_run(&op, &common);
 *
 * Batches. Input with control lines is a sequence of batches (st(7)); the
 * runner forwards each begin line (after the op's begin callback, which may
 * change the watermark, mode or keys), then the batch's records and the
 * op's output, then calls end and forwards the end line with the op's
 * progress appended. Input with no control lines at all (plain NDJSON from
 * cat, jq, a script) is one batch with id -1 that ends at end of input; the
 * runner then writes no control lines either.
 *
 * State. An op with save and load callbacks is stateful. With a checkpoint
 * (--checkpoint or ST_CHECKPOINT) and a batched input, the runner keeps the
 * op's state as DIR/state/<name>/<batch>: on begin N it makes sure the op
 * holds the state after batch N-1 (loading it after a restart, or resetting
 * to empty for batch 0); after the op's end callback it saves state N, then
 * forwards the end line. Because pipes are FIFO, a sink that has committed
 * batch N knows every upstream op has saved its state N. Old versions are
 * removed only once a later batch is committed (DIR/commits). The op's
 * describe callback gives its query (keys, window, aggregates); a checkpoint
 * written for a different query is refused before anything is emitted,
 * unless it differs only where the op's evolves callback allows it.
 *
 * Callbacks return 0 on success or -1 on a fatal error whose message they
 * already printed (the runner then exits 1). All are optional but record.
 */
#ifndef ST_OP_H
#define ST_OP_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdnoreturn.h>

#include "checkpoint.h"
#include "control.h"
#include "io.h"
#include "linefile.h"
#include "malformed.h"
#include "record.h"

/* How a tool treats a data line that is not a valid JSON object (and, in
 * st-read, a line that does not fit the schema): st_malformed, Spark's
 * reader modes, in malformed.h. */

/* Options every tool shares; parsed by st_common_options (opts.h). */
typedef struct st_common {
	const char *checkpoint;	/* --checkpoint DIR, default $ST_CHECKPOINT */
	const char *name;	/* --name: the op's corner in the checkpoint */
	st_malformed malformed;	/* --malformed MODE */
	const char *dead_letter;	/* --dead-letter FILE */
	int keep_versions;	/* --keep-versions N: state versions kept (10) */
} st_common;

/* Batch metadata, as carried by the begin control line. */
typedef struct st_batch {
	int64_t id;		/* -1: input without control lines */
	int64_t ts_ms;		/* batch timestamp, ms since epoch */
	int64_t wm;		/* watermark in force, usec; ST_TIME_NONE */
	int64_t late_wm;	/* rows at or before it are late: wm, or the
				 * previous batch's watermark once a stateful
				 * tool upstream (its begin line gives a mode)
				 * feeds this one, as Spark's watermark for late
				 * events: what the upstream emits in a batch is
				 * what this batch's watermark just closed
				 * (MultiStatefulOperatorsSuite) */
	json_t *begin;		/* the begin object (borrowed, may be edited
				 * with the setters below); NULL when id -1 */
	int dirty;		/* begin was edited: re-serialize it */
	json_t *end;		/* in the end callback: the end object, with
				 * the upstream progress entries (borrowed);
				 * NULL for ops flagged ST_OP_END_TEXT */
} st_batch;

/* Sets the watermark carried downstream by this batch's begin line. */
void st_batch_set_watermark(st_batch *b, int64_t wm);

/* Sets the output mode ("append", "update", "complete") and key columns
 * (keys: NULL-terminated array of names, or NULL) announced downstream. */
void st_batch_set_mode(st_batch *b, const char *mode, const char *const *keys);

/*
 * No-data batches. Spark runs a batch without new input only when a
 * stateful operator would evict state or emit rows in it because the
 * watermark moved (shouldRunAnotherBatch). st-read cannot know that, so it
 * marks the batch it runs without input "noData":true, as the runner marks
 * its flush batch; a stateful op that has work to do in such a batch calls
 * st_batch_need() in its begin callback ("run":true), and a sink treats a
 * no-data batch that nobody needed as Spark's batch that never ran: it
 * commits it and writes nothing (no console table, no file, no rows).
 */
int st_batch_no_data(const st_batch *b);
void st_batch_need(st_batch *b);
/* A no-data batch an op upstream needed. */
int st_batch_needed(const st_batch *b);

/* The output mode announced upstream ("append" when none). */
const char *st_batch_mode(const st_batch *b);

/* True when an st-watermark upstream announced a watermark (possibly still
 * null) in this batch's begin line: "wm", "wms" or "delay". */
int st_batch_has_watermark(const st_batch *b);

typedef struct st_ctx st_ctx;
typedef struct st_op st_op;

/*
 * Refuses the query, as Spark's UnsupportedOperationChecker does before a
 * query starts: flushes what is already written, prints "NAME: MESSAGE"
 * and exits 2. Called from a begin callback, so that nothing of the batch
 * has been emitted. fmt names the rule and the way out.
 */
noreturn void st_refuse(st_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* st_op flags */
#define ST_OP_SINK 0x1	/* control lines are consumed, not written out */
#define ST_OP_UNTAG 0x2	/* source lines are consumed: the op's output
			 * merges its sources (a stream-stream join) */
#define ST_OP_END_TEXT 0x4	/* the end callback does not read b->end (it
			 * is NULL then): the runner appends the op's
			 * progress to the end line's text instead of
			 * parsing and re-writing it with jansson, about
			 * 25 us less per batch and stage (st-watermark,
			 * st-window, st-dedup and st-join set it). Ops without an
			 * end callback (and not sinks) get this anyway. */

struct st_op {
	const char *name;	/* corner in the checkpoint, e.g. "st-window" */
	void *self;		/* the op's own data */
	unsigned flags;		/* ST_OP_* */

	int (*begin)(st_op *op, st_ctx *ctx, st_batch *b);
	int (*record)(st_op *op, st_ctx *ctx, st_record *r);
	int (*end)(st_op *op, st_ctx *ctx, st_batch *b);
	/* End of input. complete is 1 when the input is all there is (no
	 * checkpoint, or plain NDJSON): stateful ops then flush every open
	 * group, as a batch job would. With 0, state is kept for the next
	 * run. Output emitted here goes out after the last batch. */
	int (*finish)(st_op *op, st_ctx *ctx, int complete);

	/* Stateful ops: the query this state belongs to (new reference). */
	json_t *(*describe)(st_op *op);
	/* Optional: true when member key of the describe may differ between
	 * the checkpoint's (was) and the op's (now; whole describes,
	 * borrowed, either member possibly absent), the state not depending
	 * on it, as Spark's StateSchemaCompatibilityChecker allows a query
	 * whose state schema keeps its types (st-window: the outputs over
	 * the same aggregates). The runner then resumes and keeps now as the
	 * checkpoint's query. */
	int (*evolves)(st_op *op, const char *key, json_t *was, json_t *now);
	/* Writes the whole state to f. */
	int (*save)(st_op *op, FILE *f);
	/* Replaces the state with the one read from f; f NULL: empty state. */
	int (*load)(st_op *op, FILE *f);
	/* Adds the op's metrics for the batch to obj (stateRows, ...). */
	void (*metrics)(st_op *op, json_t *obj);

	/* The op's --late-output file (borrowed), or NULL. With a
	 * checkpoint the runner keeps it, with --dead-letter, exactly-once
	 * across replays (linefile.h). */
	st_linefile *late;
};

/* The runner's context, given to every callback. */
struct st_ctx {
	st_writer out;
	const st_common *common;
	st_batch *batch;	/* the batch in progress, NULL between */
	const char *source;	/* current source tag, NULL when none */
	int controlled;		/* the input has control lines */
	const char *input_name;	/* "<stdin>" */
	/* Per-batch counters, reset at begin; reported in progress. */
	uint64_t rows_in, rows_out, rows_malformed;
	/* Extra counters an op may bump; reported in its progress entry. */
	uint64_t rows_dropped_watermark;
	/* The checkpoint when one is configured, else NULL. */
	st_ckpt *ckpt;
};

/* Writes a record (its original bytes when unedited) to the output. */
void st_emit(st_ctx *ctx, st_record *r);

/* Writes a data line given as JSON text (no newline) to the output. */
void st_emit_raw(st_ctx *ctx, const char *json, size_t len);

/* Runs op over standard input to standard output until end of input or a
 * stop signal at a batch boundary. Returns the exit status. */
int st_op_run(st_op *op, const st_common *common);

/* True once SIGINT or SIGTERM was received (sources poll it). */
int st_stop_requested(void);

/* Installs the stop-signal handlers and ignores SIGPIPE (so write errors
 * surface as EPIPE). st_op_run() calls it; sources call it themselves. */
void st_signals_init(void);

#endif
