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
 * Paths given to these functions are relative to the checkpoint directory;
 * missing parent directories are created.
 */
#ifndef ST_CHECKPOINT_H
#define ST_CHECKPOINT_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"

typedef struct st_ckpt {
	char *dir;		/* owned copy of the directory path */
	int lockfd;		/* -1 unless st_ckpt_lock() succeeded */
} st_ckpt;

/* Opens (creating when needed) the checkpoint directory dir. On the first
 * open it writes "metadata" with a new query id (kept across restarts).
 * Returns 0, or -1 after printing why. */
int st_ckpt_open(st_ckpt *c, const char *dir);
void st_ckpt_close(st_ckpt *c);

/* The query id from "metadata" (a UUID-like string); borrowed. */
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
} st_ckpt_tx;
FILE *st_ckpt_begin(st_ckpt *c, const char *path, st_ckpt_tx *tx);
int st_ckpt_commit(st_ckpt_tx *tx);
void st_ckpt_abort(st_ckpt_tx *tx);

/* Reads path into out (appending). Returns 0, or -1 with errno set
 * (ENOENT when absent). */
int st_ckpt_read(st_ckpt *c, const char *path, st_buf *out);

/* Opens path for reading (NULL with errno set when absent). */
FILE *st_ckpt_open_read(st_ckpt *c, const char *path);

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

/* The highest numbered file in dir, or -1 when there is none. */
int64_t st_ckpt_latest(st_ckpt *c, const char *dir);

/*
 * Takes the pipeline lock (flock on DIR/lock): only one run of a pipeline
 * may use a checkpoint at a time. With wait 0, returns -1 with errno
 * EWOULDBLOCK at once when another process holds it; with wait 1, blocks.
 * The kernel drops the lock when the holder dies, so a crashed run never
 * blocks the next. Returns 0 or -1.
 */
int st_ckpt_lock(st_ckpt *c, int wait);

/* Writes "<dir>/<path>" into b (reset first) and returns b->data. */
const char *st_ckpt_path(st_ckpt *c, const char *path, st_buf *b);

#endif
