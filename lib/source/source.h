/*
 * source.h - the sources of a stream, behind one interface with replayable
 * offsets.
 *
 * Only the source decides what a batch contains (st(7)). A source has a
 * position (what it has already handed out) and turns "what is new since
 * the position" into a range: a JSON value that names exactly the input of
 * one batch, so that it can be written to the write-ahead log
 * (DIR/offsets/N) before any record of the batch is emitted, and emitted
 * again, record for record, after a crash. The run loop (run.h) never looks
 * inside a range; each source defines its own:
 *
 *   file    {"files":[{"path":"in/a.json","start":0,"end":812,"line":1,
 *            "size":812,"mtime":1549360800000},...]}
 *           byte ranges per file, split at record boundaries, so
 *           --max-bytes-per-trigger can cut a big file into several batches
 *   stdin   {"lines":[1,500]} (informative only: stdin is not replayable)
 *   socket  {"lines":[1,500]} (the same: what was read, for messages)
 *   rate    {"startMs":T,"ms":[0,3000],"values":[0,30],"partitions":1}
 *           the rows whose values are in [from, to), each with the
 *           timestamp its value is due at: a function of the range alone
 *   kafka   {"topics":{"t":{"0":[1200,1350],"1":[...]}}}
 *           partition offsets [from, to): plan() asks the broker for the
 *           latest offsets, advance() moves the committed position, emit()
 *           fetches exactly [from, to) again on a replay (kafka.c).
 *
 * Lifecycle, as the run loop drives it:
 *
 *     load(pos) once, from the compacted position (DIR/sources/NAME/seen);
 *     advance(range) for every logged batch after that position;
 *     emit(range) for every logged batch not yet committed (the replay);
 *     then, for every new batch:
 *         range = plan(limits)   -- NULL when there is nothing new
 *         (the loop logs the range and fsyncs it)
 *         advance(range); emit(range)
 *     commit(range) once the batch is committed downstream (clean-source);
 *     save() now and then, to compact the position.
 *
 * Ownership: ranges and positions are jansson values; plan() and save()
 * return new references, every other function borrows the range it is
 * given. A source owns everything it allocates; st_source_free() releases
 * it.
 */
#ifndef ST_SOURCE_H
#define ST_SOURCE_H

#include <jansson.h>
#include <stdint.h>

#include "buf.h"
#include "io.h"
#include "kafka.h"
#include "op.h"
#include "schema.h"

/* How much one batch may take (0: no limit). Spark's maxFilesPerTrigger,
 * maxBytesPerTrigger and, for Kafka, maxOffsetsPerTrigger. */
typedef struct st_source_limits {
	int64_t max_files;
	int64_t max_bytes;
	int64_t max_records;
} st_source_limits;

/*
 * Where a source writes its records: the tool's output, the malformed
 * record policy (Spark's reader modes) and the batch's counters. A source
 * calls st_emitter_write() for each good record and st_emitter_bad() for
 * each one that does not parse or does not fit the schema.
 */
typedef struct st_emitter {
	st_writer *out;			/* borrowed */
	st_malformed_policy *policy;	/* borrowed; NULL: failfast */
	uint64_t rows;			/* records written in this batch */
	uint64_t malformed;		/* malformed records in this batch */
} st_emitter;

/* Writes one record (valid JSON object text, no newline) and counts it. */
void st_emitter_write(st_emitter *em, const char *obj, size_t len);

/*
 * Applies the malformed policy to a bad record. raw is the input text of
 * the record (as the file has it, without the final newline); typed, when
 * not NULL, is the record as far as it could be made (a schema's object
 * with the failing fields null), which permissive mode keeps, adding
 * "_corrupt_record"; without it permissive mode writes
 * {"_corrupt_record":"<raw>"}. The message (printf format, no trailing
 * newline) names where and why, e.g. "in/a.csv:12: field 'Price': cannot
 * cast 'abc' to DOUBLE"; failfast prints it and exits 1 (after flushing
 * the good records before it), dropmalformed counts the record and copies
 * raw to the dead-letter file: st_malformed_apply() (malformed.h).
 */
void st_emitter_bad(st_emitter *em, const char *raw, size_t rawlen,
    const char *typed, size_t tlen, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

typedef struct st_source st_source;

typedef struct st_source_vt {
	const char *kind;	/* "file", "stdin", ... */
	/* 1: emit() can re-emit any logged range after a restart. */
	int replayable;
	/* Called once, before anything else: checks that the input is
	 * there (Spark's "Path does not exist"), or waits for it. Returns 0,
	 * or -1 after printing why. Optional. */
	int (*start)(st_source *s);
	/* Returns the range of the next batch: new data after the position
	 * within lim (new reference), or NULL when there is nothing new. Does
	 * not move the position. */
	json_t *(*plan)(st_source *s, const st_source_limits *lim);
	/* Moves the position past range. */
	void (*advance)(st_source *s, json_t *range);
	/* Writes range's records to em. Returns 0, or -1 after printing why
	 * (the input is gone, unreadable). */
	int (*emit)(st_source *s, json_t *range, st_emitter *em);
	/* True when range holds no data at all. */
	int (*empty)(st_source *s, json_t *range);
	/* The range of a then b, two ranges planned one after the other (new
	 * reference): emit() of it writes what emit(a), emit(b) wrote. The
	 * continuous trigger logs an epoch's ranges merged. Optional: a
	 * source without it does not run continuously. */
	json_t *(*merge)(st_source *s, json_t *a, json_t *b);
	/* The batch of range is committed downstream: clean up (archive or
	 * delete fully consumed files). Must be idempotent. Optional. */
	int (*commit)(st_source *s, json_t *range);
	/* Freezes what "available now" means: later plans only see the data
	 * present at this call (trigger available-now). Optional. */
	void (*snapshot)(st_source *s);
	/* Waits up to usec for new data (default: sleep). Returns early on a
	 * signal. Optional. */
	void (*wait)(st_source *s, int64_t usec);
	/* True when the source can never have new data (stdin at its end). */
	int (*exhausted)(st_source *s);
	/* The position, for compaction (new reference), and back. */
	json_t *(*save)(st_source *s);
	int (*load)(st_source *s, json_t *pos);
	/* A description for progress ("FileSource[in]"), borrowed. */
	const char *(*describe)(st_source *s);
	/* What the last plan() left for later batches: the number of files
	 * (or partitions, ...) with data not yet planned, and its bytes (-1:
	 * unknown), the lag that st-status shows; the bytes that plan
	 * took; and the records (Kafka: offsets) not yet planned (-1:
	 * unknown). Optional. */
	void (*backlog)(st_source *s, int64_t *files, int64_t *bytes,
	    int64_t *planned, int64_t *records);
	void (*free)(st_source *s);
} st_source_vt;

struct st_source {
	const st_source_vt *vt;
	char *name;		/* NULL: the single unnamed source */
	void *self;
};

/* Releases s and everything it owns (NULL is fine). */
void st_source_free(st_source *s);

/* ---- the file source (file.c) ------------------------------------- */

typedef enum st_file_format {
	ST_FMT_JSON,
	ST_FMT_CSV,
	ST_FMT_TEXT,
	ST_FMT_AVRO		/* object container files, each read whole
				 * (never split by --max-bytes-per-trigger) */
} st_file_format;

typedef enum st_clean_source {
	ST_CLEAN_OFF,
	ST_CLEAN_DELETE,
	ST_CLEAN_ARCHIVE
} st_clean_source;

typedef struct st_file_opts {
	st_file_format format;
	st_schema *schema;	/* borrowed, may be NULL */
	int header;		/* CSV: the first line names the columns */
	char delimiter;		/* CSV, default ',' */
	char quote;		/* CSV, default '"' */
	st_clean_source clean;
	const char *archive_dir;
	int wait_for_path;	/* a path that does not exist is waited for,
				 * not an error */
	int64_t poll;		/* how often to look for it, usec */
} st_file_opts;

/*
 * A file source over paths: each a directory (its regular files, not
 * those whose names start with '.' or '_', as Spark skips them), a glob
 * pattern, or a file. New files are taken in modification-time order, then
 * by name. Files must appear atomically (written elsewhere, then renamed
 * in): a file is read up to the size it had when it was first planned.
 * paths and opts are borrowed and must outlive the source. Returns a new
 * source.
 */
st_source *st_file_source_new(const char *name, char *const *paths,
    const st_file_opts *opts);

/* The files paths name now, in the order a file source takes them
 * (modification time, then name): a new NULL-terminated array of new
 * strings, to free with st_strv_free(). */
char **st_file_list(char *const *paths);

/*
 * Spark's inferSchema for CSV: reads up to max_records records of the CSV
 * files the path lists name now (each a NULL-terminated list, nlists of
 * them) and returns a new DDL string, one column per field (names from the
 * header with o->header, else _c0, _c1, ...), each typed as the narrowest
 * of INT, BIGINT, DOUBLE, BOOLEAN, TIMESTAMP that reads every non-empty
 * value, else STRING. With a checkpoint directory ckpt (may be NULL), the
 * schema inferred by the first run is kept in ckpt/sources/schema and
 * returned by later runs, so replays and new batches keep their types.
 * Returns NULL after printing why (no data to infer from, unreadable file).
 * A header is no data: while the files hold no data row yet, with wait
 * (usec, > 0) the files are listed and read again every wait usec until
 * one does (or a stop signal: NULL, nothing said), rather than typing
 * every column STRING for good; with wait 0 that is an error.
 */
char *st_csv_infer_schema(char *const *const *lists, size_t nlists,
    const st_file_opts *o, size_t max_records, const char *ckpt,
    int64_t wait);

/* ---- the stdin source (stdin.c) ----------------------------------- */

/*
 * Standard input as a source: lines as they come, in the given format.
 * Not replayable: after a crash, the logged but uncommitted batches are
 * lost (at-most-once for them); without a checkpoint, delivery is what the
 * pipe gives. until_eof: plan() reads up to the end of input (trigger once
 * and available-now) instead of what is available now. opts is borrowed.
 */
st_source *st_stdin_source_new(const char *name, const st_file_opts *opts,
    int until_eof);

/* ---- the Kafka source (kafka.c) ------------------------------------ */

typedef enum st_kafka_binary {
	ST_KAFKA_BINARY_TEXT,	/* UTF-8 payloads as strings, others malformed */
	ST_KAFKA_BINARY_BASE64	/* every payload as base64 text */
} st_kafka_binary;

typedef struct st_kafka_source_opts {
	st_kafka_conf conf;	/* bootstrap.servers and the -X properties */
	char **subscribe;	/* topics, NULL-terminated; or: */
	const char *pattern;	/* a POSIX extended regex of topics; or: */
	json_t *assign;		/* {"t":[0,1]}: fixed partitions */
	const char *starting;	/* "earliest", "latest" or Spark's JSON */
	const char *ending;	/* NULL (unbounded), "latest" or JSON */
	int fail_on_data_loss;	/* 1: exit 1 when offsets are gone */
	int include_headers;	/* add the "headers" column */
	st_kafka_binary binary;
	const char *group_id;	/* commit offsets there (monitoring only) */
	const char *ckpt;	/* the checkpoint directory, or NULL */
} st_kafka_source_opts;

/*
 * Kafka partitions as a replayable source, on librdkafka. Each record has
 * Spark's Kafka columns, in order: key, value (strings, or null), topic,
 * partition, offset, timestamp (a TIMESTAMP string), timestampType (0
 * CreateTime, 1 LogAppendTime) and, with include_headers, headers (an
 * array of {"key":K,"value":V}). With ST_KAFKA_BINARY_TEXT a payload that
 * is not valid UTF-8 is a malformed record (the reader's --malformed
 * mode; its raw text is the payload's base64); with ST_KAFKA_BINARY_BASE64
 * every key, value and header value is base64 text (unbase64() in
 * expressions). o is borrowed and must outlive the source. Returns a new
 * source; dies with a message when the client cannot be made.
 */
st_source *st_kafka_source_new(const char *name,
    const st_kafka_source_opts *o);

/*
 * A source of lines read from fd as they come (stdin.c): standard input
 * is st_lines_source_new(name, 0, 0, "<stdin>", "StdinSource[-]", ...).
 * own_fd: closed when the source is freed. where names the input in
 * messages, desc in progress (both copied). Not replayable.
 */
st_source *st_lines_source_new(const char *name, int fd, int own_fd,
    const char *where, const char *desc, const st_file_opts *opts,
    int until_eof);

/* ---- the socket source (socket.c) --------------------------------- */

/*
 * Spark's socket source: connects to host:port as a TCP client and reads
 * lines as they come, each a record {"value":"<line>"} (opts->format is
 * ST_FMT_TEXT). Not replayable; the connection's end is the source's end
 * (it does not reconnect). Returns a new source, or NULL after printing
 * why (unknown host, connection refused).
 */
st_source *st_socket_source_new(const char *name, const char *host,
    const char *port, const st_file_opts *opts, int until_eof);

/* ---- the rate source (rate.c) ------------------------------------- */

typedef struct st_rate_opts {
	int64_t rows_per_second;	/* Spark's rowsPerSecond (1) */
	int64_t ramp_up_seconds;	/* rampUpTime, whole seconds (0) */
	int64_t partitions;		/* numPartitions (1) */
	int continuous;			/* plan rows as they fall due */
} st_rate_opts;

/*
 * Spark's rate source: rows {"timestamp":"...","value":N}, N = 0, 1, 2,
 * ... at rows_per_second (reached linearly over the ramp-up time, as
 * Spark's valueAtSecond), each timestamped with the time it falls due.
 * Replayable: a batch's rows follow from its range alone. opts is copied.
 */
st_source *st_rate_source_new(const char *name, const st_rate_opts *opts);

/* ---- shared by the formats ---------------------------------------- */

/*
 * A line-format parser: turns the lines of one input (a file's byte range
 * or stdin) into records on an emitter. where names the input in messages
 * ("in/a.csv"); lineno is the number of the first line fed. For CSV with a
 * header, st_parser_header() gives the header line first.
 */
typedef struct st_parser st_parser;
st_parser *st_parser_new(const st_file_opts *opts);
void st_parser_free(st_parser *p);
void st_parser_start(st_parser *p, const char *where, uint64_t lineno,
    st_emitter *em);
int st_parser_header(st_parser *p, const char *line, size_t len);
void st_parser_line(st_parser *p, const char *line, size_t len);
/* Ends the input: a CSV record left open by a quote is malformed. */
void st_parser_finish(st_parser *p);

#endif
