/*
 * checkpoint.h - the checkpoint directory: atomic files, numbered versions,
 * the pipeline lock.
 *
 * One directory holds a whole pipeline's checkpoint; each tool keeps its
 * own corner of it (see st(7) for the layout). Every file is written
 * atomically: to a temporary name in the same directory, fsync'ed, renamed
 * over the final name, and the directory fsync'ed, so that after a crash a
 * file is either absent or complete. Numbered files ("offsets/12",
 * "state/st-window/12") are a batch's version of something; their names are
 * plain decimal batch ids.
 *
 * Every file also checks itself: it ends with a line giving its length
 * and CRC-32C checksum (st_ckpt_verify), added by every writer below and
 * checked and removed by every reader, so that a file truncated, emptied,
 * overwritten or edited by hand is refused instead of read as something
 * else. A test hook: with ST_TEST_CKPT_ENOSPC=TEXT in the environment,
 * writes to paths containing TEXT fail with ENOSPC.
 *
 * Paths given to these functions are relative to the checkpoint directory;
 * missing parent directories are created.
 */
#ifndef ST_CHECKPOINT_H
#define ST_CHECKPOINT_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "buf.h"

typedef struct st_ckpt {
	char *dir;		/* owned copy of the directory path */
	int lockfd;		/* -1 unless st_ckpt_lock() succeeded */
	char query[64];		/* the query id from "metadata" */
	const char *why;	/* why the last read found a file damaged */
} st_ckpt;

/*
 * The layout: every name of the checkpoint, in one place. Tools never
 * spell a path of the checkpoint themselves; they use these names and
 * path builders (st(7) describes each file).
 *
 *     metadata                  the query id
 *     lock                      the pipeline lock (st-read)
 *     offsets/N                 the source's log: batch N's input ranges
 *     sources/KEY/seen          a source's compacted positions
 *     sources/KEY/kafka-initial a Kafka source's resolved starting offsets
 *     sources/done              the last batch done (--commit-on-emit)
 *     sources/schema            the inferred schema (--infer-schema)
 *     sources/names             the names of the sources (the query's)
 *     state/TOOL[.NAME]/query   the query a stateful tool was started with
 *     state/TOOL[.NAME]/N       its state after batch N
 *     sink                      written by a committing sink at start
 *     commits/N                 batch N is durable in the sink
 *     progress/N                batch N's progress entries
 *     failure                   the last run's failure, as the sink saw it
 *     sides/OWNER/N             side-file lengths as batch N began
 *                               (linefile.h: exactly-once side files)
 *
 * The builders write the path into b (reset first) and return b->data.
 */
#define ST_CKPT_METADATA	"metadata"
#define ST_CKPT_LOCK		"lock"
#define ST_CKPT_OFFSETS		"offsets"
#define ST_CKPT_COMMITS		"commits"
#define ST_CKPT_PROGRESS	"progress"
#define ST_CKPT_SINK		"sink"
#define ST_CKPT_FAILURE		"failure"
#define ST_CKPT_SOURCES		"sources"
#define ST_CKPT_DONE		"sources/done"
#define ST_CKPT_SCHEMA		"sources/schema"
#define ST_CKPT_NAMES		"sources/names"
#define ST_CKPT_STATE		"state"
#define ST_CKPT_SIDES		"sides"

const char *st_ckpt_offsets_path(st_buf *b, int64_t id);
const char *st_ckpt_commit_path(st_buf *b, int64_t id);
const char *st_ckpt_progress_path(st_buf *b, int64_t id);
/* "sources/KEY/seen" for the source keyed key ("default" when unnamed). */
const char *st_ckpt_seen_path(st_buf *b, const char *key);
/* "sources/KEY/kafka-initial": the starting offsets a Kafka source
 * resolved before its first batch (lib/source/kafka.c). */
const char *st_ckpt_kafka_initial_path(st_buf *b, const char *key);
/* A stateful tool's corner: "state/TOOL" or, with a name, "state/TOOL.NAME". */
const char *st_ckpt_state_dir(st_buf *b, const char *tool, const char *name);
/* "CORNER/N", the state after batch id, and "CORNER/query". */
const char *st_ckpt_state_path(st_buf *b, const char *corner, int64_t id);
const char *st_ckpt_query_path(st_buf *b, const char *corner);

/*
 * Named accessors of the layout.
 *
 * st_ckpt_committed: 1 when commits/ID exists (batch id is durable in the
 * sink), else 0. st_ckpt_last_commit / st_ckpt_last_offsets: the highest
 * committed / logged batch id, -1 when there is none (or when the directory
 * cannot be read: errno is then set, 0 otherwise). st_ckpt_sink_announced:
 * 1 when a committing sink has written "sink".
 */
int st_ckpt_committed(st_ckpt *c, int64_t id);
int64_t st_ckpt_last_commit(st_ckpt *c);
int64_t st_ckpt_last_offsets(st_ckpt *c);
int st_ckpt_sink_announced(st_ckpt *c);

/* Removes the numbered files dir/N with N < limit (the one prune of the
 * toolkit: offsets, commits, progress and state versions). Returns the
 * number removed, or -1 when dir cannot be listed. */
int st_ckpt_prune(st_ckpt *c, const char *dir, int64_t limit);

/*
 * JSON files. st_ckpt_write_json writes v (borrowed) as one line of
 * compact JSON (members in order, doubles with 17 digits) atomically;
 * returns 0, or -1 after warning "cannot write 'DIR/PATH': why".
 * st_ckpt_read_json reads path into *out (new reference): returns 1, 0
 * when path is absent (*out NULL, nothing said), -1 after warning why
 * (naming the file) when it cannot be read or is not JSON.
 */
int st_ckpt_write_json(st_ckpt *c, const char *path, json_t *v);
int st_ckpt_read_json(st_ckpt *c, const char *path, json_t **out);

/*
 * The fields of offsets/ID (borrowed v): {"batch":ID,"ts":MS,"data":BOOL,
 * "sources":{KEY:RANGE,...}}, each RANGE the source's own JSON (a file
 * source's files and byte ranges, a Kafka source's partition offsets).
 * Returns NULL when v is the offsets of batch id, else what is wrong
 * (static text). Other top-level members are allowed (for what later
 * versions log).
 */
const char *st_ckpt_check_offsets(json_t *v, int64_t id);

/* Opens (creating when needed) the checkpoint directory dir. On the first
 * open it writes "metadata" with a new query id (kept across restarts).
 * Returns 0, or -1 after printing why. */
int st_ckpt_open(st_ckpt *c, const char *dir);
void st_ckpt_close(st_ckpt *c);

/* The query id from "metadata" (a UUID-like string); borrowed. Every tool
 * of a pipeline gets the same one: the first to create "metadata" wins
 * and the others read its id back (st_ckpt_open). */
const char *st_ckpt_query_id(st_ckpt *c);

/* Atomically writes n bytes of data as path. Returns 0 or -1 (errno set). */
int st_ckpt_write(st_ckpt *c, const char *path, const void *data, size_t n);

/* Writes path atomically only when it does not exist yet (the first of
 * several racing writers wins). Returns 0 when written, 1 when path already
 * existed (nothing written), -1 on error (errno set). */
int st_ckpt_write_new(st_ckpt *c, const char *path, const void *data,
    size_t n);

/*
 * Streaming atomic write, for files too big to build in memory first:
 * st_ckpt_begin() returns a stdio stream on a temporary file; write to it,
 * then st_ckpt_commit() (flush, fsync, rename, fsync directory) or
 * st_ckpt_abort(). Returns NULL / -1 with errno set on failure.
 */
typedef struct st_ckpt_tx {
	FILE *f;
	char *tmp;
	char *final;
	void *w;		/* the checksumming writer behind f */
} st_ckpt_tx;
FILE *st_ckpt_begin(st_ckpt *c, const char *path, st_ckpt_tx *tx);
int st_ckpt_commit(st_ckpt_tx *tx);
void st_ckpt_abort(st_ckpt_tx *tx);
/* The errno of the first failed write to tx's stream (ENOSPC...), or 0:
 * what to report when a writer into the stream saw its fwrite fail. */
int st_ckpt_tx_error(const st_ckpt_tx *tx);

/*
 * Reads path's content into out (appending), verified: returns 0, or -1
 * with errno set: ENOENT when absent, EISDIR for a directory, EBADMSG when
 * the file is damaged (c->why then says how), else the system's reason.
 * st_ckpt_warn_read(c, path) turns that errno into the message (naming
 * the file and what to do).
 */
int st_ckpt_read(st_ckpt *c, const char *path, st_buf *out);
void st_ckpt_warn_read(st_ckpt *c, const char *path);

/* Opens path's verified content for reading (new stream: fclose it), or
 * NULL with errno set as st_ckpt_read does. The whole file is read and
 * checked before the first byte is returned. */
FILE *st_ckpt_open_read(st_ckpt *c, const char *path);

/*
 * The self-check of every file: each ends with the line
 *
 *     {"st-checkpoint":1,"length":N,"crc32c":"xxxxxxxx"}
 *
 * after its N bytes of content, which the 8 lowercase hex digits are the
 * CRC-32C of. st_ckpt_verify checks n bytes of a whole file at data: 0 and
 * *body the length of the content, or -1 and *why (static) saying what is
 * wrong. It reads only data[0..n), so it takes any bytes (a fuzz target).
 * st_crc32c continues crc (0 to start) over n bytes.
 */
int st_ckpt_verify(const char *data, size_t n, size_t *body,
    const char **why);
uint32_t st_crc32c(uint32_t crc, const void *p, size_t n);

/* True when path exists. */
int st_ckpt_exists(st_ckpt *c, const char *path);

/* Removes path; absent is not an error. Returns 0 or -1. */
int st_ckpt_remove(st_ckpt *c, const char *path);

/*
 * Lists the numbered files of directory dir, ascending, into a new array
 * (*v, free() it) of *n ids. Names that are not plain decimal numbers are
 * ignored (temporary files among them). Returns 0 or -1.
 */
int st_ckpt_versions(st_ckpt *c, const char *dir, int64_t **v, size_t *n);

/* The highest numbered file in dir, or -1 when there is none (errno 0)
 * or dir cannot be read (errno set). */
int64_t st_ckpt_latest(st_ckpt *c, const char *dir);

/*
 * Takes the pipeline lock (flock on DIR/lock): only one run of a pipeline
 * may use a checkpoint at a time. With wait 0, returns -1 with errno
 * EWOULDBLOCK at once when another process holds it; with wait 1, blocks.
 * The kernel drops the lock when the holder dies, so a crashed run never
 * blocks the next. (st-read then writes its pid into the file, which
 * st-status shows.) Returns 0 or -1.
 */
int st_ckpt_lock(st_ckpt *c, int wait);

/* Writes "<dir>/<path>" into b (reset first) and returns b->data. */
const char *st_ckpt_path(st_ckpt *c, const char *path, st_buf *b);

#endif
