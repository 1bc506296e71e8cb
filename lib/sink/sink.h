/*
 * sink.h - the ends of a pipeline: sinks behind one interface, told the
 * output mode and key columns in-band.
 *
 * A sink receives batches (st(7)): begin with the batch's id, timestamp,
 * output mode and key columns (as the begin control line's "mode" and
 * "keys" members announce them: absent means append without keys), the
 * batch's records, then end, after which the batch must be durable: the
 * caller (st-sink, run.h) then writes DIR/commits/N. A sink is idempotent
 * when writing batch N again replaces what an earlier, uncommitted attempt
 * at N wrote (a file named by the batch id, an upsert in a transaction
 * that records N); with such a sink a pipeline is exactly-once. A sink
 * that records committed batches itself (SQLite, PostgreSQL: in the same
 * transaction as the rows) answers has_batch() so a replay is skipped even
 * when DIR/commits/N was lost (st-sink then writes DIR/commits/N). It
 * records a batch under the checkpoint's query id (b->query), so that a
 * new query on a fresh checkpoint, whose ids start again at 0, is never
 * taken for a replay of an older one.
 *
 * The output modes, as Spark's: append (each row once, never changed),
 * update (rows changed in this batch, identified by the key columns),
 * complete (the whole result table, every batch).
 *
 * Ownership: a sink borrows the batch and records it is given (the batch
 * struct and its strings live until end() returns; records until the next
 * call); it owns what it allocates, released by st_sink_free().
 */
#ifndef ST_SINK_H
#define ST_SINK_H

#include <stdint.h>

#include "io.h"
#include "kafka.h"
#include "op.h"
#include "opts.h"
#include "record.h"

typedef struct st_sink_batch {
	int64_t id;		/* -1: input without control lines */
	int64_t ts_ms;		/* the batch timestamp */
	const char *mode;	/* "append", "update" or "complete" */
	char *const *keys;	/* key columns, NULL-terminated (maybe empty) */
	const char *query;	/* the checkpoint's query id (DIR/metadata);
				 * NULL without a checkpoint */
	st_writer *out;		/* the tool's standard output */
} st_sink_batch;

typedef struct st_sink st_sink;

typedef struct st_sink_vt {
	const char *format;	/* "json", "csv", "console", "stdout", ... */
	int idempotent;		/* a replayed batch replaces, not duplicates */
	/* Each returns 0, or -1 after printing why (the tool exits 1). */
	int (*begin)(st_sink *s, const st_sink_batch *b);
	int (*write)(st_sink *s, st_record *r);
	/* Makes the batch durable (fsync) before returning 0. */
	int (*end)(st_sink *s, const st_sink_batch *b);
	/* Optional: 1 when the sink already holds batch b->id of query
	 * b->query (committed), 0 when not, -1 after printing why. Called
	 * before begin(), with a checkpoint only. */
	int (*has_batch)(st_sink *s, const st_sink_batch *b);
	/* "FileSink[out]", for progress; borrowed. */
	const char *(*describe)(st_sink *s);
	void (*free)(st_sink *s);
} st_sink_vt;

struct st_sink {
	const st_sink_vt *vt;
	void *self;
};

void st_sink_free(st_sink *s);

/* NDJSON on standard output (b->out), flushed at each batch end. Not
 * idempotent: a batch replayed after a crash between its flush and its
 * commit is written again (at-least-once). */
st_sink *st_sink_stdout_new(void);

/*
 * Per-batch files in directory dir (created when missing):
 * part-NNNNN.json (NDJSON) or part-NNNNN.csv, NNNNN the batch id padded to
 * 5 digits (input without control lines is batch 0). A batch is written to
 * a hidden temporary name (.part-NNNNN.json.tmp), fsync'ed and renamed, so
 * a file that shows in dir is complete, and a replay replaces it. An empty
 * batch writes no file. CSV: the columns are those of the batch's first
 * record, a header line first when header is 1; strings are quoted when
 * they must be, null is an empty field. Returns a new sink, or NULL after
 * printing why.
 */
st_sink *st_sink_file_new(const char *dir, int csv, int header);

/*
 * Spark's console sink: each batch as a table on b->out,
 *
 *     -------------------------------------------
 *     Batch: 3
 *     -------------------------------------------
 *     +----+-----+
 *     |word|count|
 *     +----+-----+
 *     | cat|    2|
 *     +----+-----+
 *
 * at most num_rows rows ("only showing top 20 rows" below when there are
 * more); cells longer than truncate characters are cut to truncate-3 and
 * "..." (0: never), and right-aligned when truncating, left-aligned
 * otherwise, as Dataset.show() does. Objects show as Spark shows structs,
 * {2019-02-05T10:00:00Z, 2019-02-05T10:15:00Z}; arrays as [a, b].
 */
st_sink *st_sink_console_new(int64_t num_rows, int64_t truncate);

/*
 * Batches as SQLite transactions into table of the database file path
 * (created when missing; journal_mode WAL, synchronous FULL). Each batch is
 * one BEGIN IMMEDIATE ... COMMIT holding its rows and, with a checkpoint,
 * the row (table, query id, batch id, ts) in _st_batches that has_batch()
 * looks up: a replayed batch is skipped even when DIR/commits/N was lost.
 *
 * The table is created from the first record: one column per member, in
 * order of first appearance, typed from the JSON value (integer INTEGER,
 * other numbers REAL, string TEXT, true/false INTEGER 1/0, null no type,
 * objects and arrays TEXT holding their compact JSON text); a member seen
 * later adds a column (ALTER TABLE ADD COLUMN). A "window" object is
 * flattened: window.start and window.end go to window_start and
 * window_end (any member m to window_m), and a key column "window" stands
 * for those two. Column names match regardless of ASCII case, as SQLite's
 * do; a missing member is NULL.
 *
 * Modes: append INSERTs; update upserts by the key columns (a unique index
 * "st_key:T(k1,...)" is created on them, and a row replaces every column
 * of the row with the same keys; without keys it appends); complete
 * DELETEs the table's rows, then INSERTs, in the batch's transaction.
 * Returns a new sink, or NULL after printing why ("cannot open ...").
 */
st_sink *st_sink_sqlite_new(const char *path, const char *table);

/*
 * The live chart (a notebook's display() of a streaming aggregate): the
 * result table drawn as a line chart of column y over column x, one line
 * per value of column series (NULL: one line), into the XHTML page path
 * with an inline SVG, rewritten atomically after every batch and reloading
 * itself every two seconds in a browser, with no server. Columns may be
 * dotted paths (window.start). x may be numbers, timestamps or text (then
 * placed evenly, sorted); y must be a number (other rows are counted and
 * skipped). Complete mode replaces the drawn table each batch; update and
 * append rows replace the point of their series and x. The points are kept
 * in the page itself, so that a restarted sink resumes its chart. When
 * standard output is a terminal, a sparkline per series is redrawn there
 * too. Returns a new sink.
 */
st_sink *st_sink_chart_new(const char *path, const char *x, const char *y,
    const char *series);

/*
 * The SQLite sink's semantics (above) in table of the PostgreSQL database
 * that the libpq connection string dsn names: each batch one transaction
 * (synchronous_commit on) holding its rows and, with a checkpoint, its row
 * in _st_batches (in the current schema); update mode upserts with INSERT
 * ... ON CONFLICT on a unique index NULLS NOT DISTINCT; complete DELETEs,
 * then INSERTs. Columns: integer BIGINT, other numbers DOUBLE PRECISION,
 * strings TEXT, true/false BOOLEAN, objects and arrays JSONB; a column
 * first seen with null waits for a non-null value (a row of nulls only
 * creates TEXT columns); names match exactly, as quoted PostgreSQL
 * identifiers do. Values are bound as text parameters, never spliced into
 * SQL. A dsn holding a password is refused (the password comes from a
 * passfile, PGPASSFILE or PGPASSWORD, as libpq looks for it). Returns a
 * new sink, or NULL after printing why.
 */
st_sink *st_sink_postgres_new(const char *dsn, const char *table);

/*
 * Spark's foreachBatch: command runs once per batch (through /bin/sh -c,
 * in a process group of its own), with the batch's records as NDJSON on
 * its standard input and in its environment ST_BATCH_ID (the batch id; 0
 * for input without control lines), ST_MODE (append, update, complete),
 * ST_KEYS (the key columns, comma-separated, maybe empty) and
 * ST_CHECKPOINT (checkpoint, unset when NULL). It runs for every batch,
 * an empty one too. end() waits for it: exit status 0 makes the batch
 * durable (st-sink commits it); anything else fails the batch, which a
 * restart replays with the same id and records. Data reaches the command
 * on its standard input only. The command of a batch cut short (st-sink
 * exits inside it) is sent SIGTERM. Not idempotent by itself: a command
 * that writes under ST_BATCH_ID, replacing an earlier attempt, makes the
 * pipeline exactly-once. Strings are borrowed. Never NULL.
 */
st_sink *st_sink_exec_new(const char *command, const char *checkpoint);

/* ---- the Kafka sink (kafka.c) --------------------------------------- */

typedef struct st_kafka_sink_opts {
	st_kafka_conf conf;	/* bootstrap.servers and the -X properties */
	const char *topic;	/* NULL: each record's "topic" column */
	const char *key_column;	/* NULL: the "key" column */
	int at_least_once;	/* --delivery at-least-once */
	int binary_base64;	/* key and value columns are base64 text */
	const char *batches_topic;	/* where batch ids are recorded */
} st_kafka_sink_opts;

/* st-sink's Kafka options (--bootstrap-servers, -X, --kafka-config,
 * --topic, --key-column, --delivery, --binary, --batches-topic) under
 * their heading: an option table (opts.h) on st_kafka_sink_opts. */
extern const st_option st_kafka_sink_options[];

void st_kafka_sink_opts_init(st_kafka_sink_opts *k);
void st_kafka_sink_opts_release(st_kafka_sink_opts *k);

/*
 * Batches to Kafka topics, on librdkafka, as Spark's Kafka sink: each
 * record is one message to --topic or its "topic" column, with the key
 * from --key-column or the "key" column, the value from the "value"
 * column (a string as its text, any other JSON value as its JSON text) or,
 * when the record has no value column, the record's own JSON text
 * (Spark's to_json(struct(*))), and headers from a "headers" column
 * ([{"key":K,"value":V},...]). Keys are placed by the Java client's
 * partitioner (murmur2 of the key bytes).
 *
 * With a checkpoint (b->query) and exactly-once delivery, each batch is
 * one Kafka transaction (transactional.id "st-" QUERY), holding the
 * batch's messages, each with a header st.txn naming the attempt
 * ("N-PID-SEQ"), and a record {"query":Q,"batch":N,"ts":T,"txn":ATTEMPT}
 * keyed by the query id in the batches topic; has_batch() reads that topic (read_committed)
 * so a replayed batch that committed is skipped, and init_transactions
 * aborts one that did not. Otherwise (at-least-once, or no checkpoint)
 * the idempotent producer is used without transactions. end() returns
 * only once every message is acknowledged; a delivery error fails the
 * batch, naming the topic and the error. o is borrowed.
 */
st_sink *st_sink_kafka_new(const st_kafka_sink_opts *o);

/* ---- st-sink (run.c) ---------------------------------------------- */

typedef struct st_sink_opts {
	const char *format;	/* NULL: NDJSON on stdout */
	const char *path;	/* json, csv: the output directory;
				 * sqlite: the database file */
	const char *table;	/* sqlite, postgres: the table (NULL:
				 * "st_output") */
	const char *command;	/* exec: the shell command per batch */
	const char *dsn;	/* postgres: the libpq connection string */
	int64_t num_rows;	/* console */
	int64_t truncate;	/* console */
	int header;		/* csv */
	int raw;		/* stdout: keep the control lines */
	const char *x, *y;	/* chart: the columns drawn */
	const char *series;	/* chart: one line per value (or NULL) */
	const char *query_name;	/* Spark's queryName, in progress (or NULL) */
	const char *metrics_file; /* Prometheus text, rewritten per batch */
	const char *on_progress; /* hook: progress JSON on its stdin */
	const char *on_failure;	/* hook: the failure JSON on its stdin */
	int64_t hook_timeout;	/* usec a hook may run (0: 10 s) */
	const st_kafka_sink_opts *kafka;	/* kafka */
} st_sink_opts;

/*
 * Runs st-sink: an st_op with ST_OP_SINK (control lines consumed; with
 * raw they are passed on), over the sink the options name. With a
 * checkpoint it writes DIR/sink when it starts (so st-read knows a sink
 * commits), skips batches already in DIR/commits or, when the sink says
 * so (has_batch), in the sink, and after each batch is durable writes
 * DIR/commits/N and DIR/progress/N (the end line's progress entries, with
 * the batch id and timestamp; the last 100 are kept). A batch skipped
 * because only the sink had it gets its commit and progress files then.
 * Returns the exit status.
 */
int st_sink_run(const st_sink_opts *o, const st_common *c);

#endif
