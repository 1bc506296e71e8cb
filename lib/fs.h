/*
 * fs.h - small file-system helpers shared by the checkpoint store, the
 * sources and the sinks.
 */
#ifndef ST_FS_H
#define ST_FS_H

#include <stddef.h>

/* Creates directory dir and its missing parents (mkdir -p). Returns 0, or
 * -1 with errno set. */
int st_mkdir_p(const char *dir);

/* Creates the missing parent directories of path (not path itself).
 * Returns 0, or -1 with errno set. */
int st_mkdir_parents(const char *path);

/* fsyncs directory dir, so that renames in it are durable. Returns 0, or
 * -1 with errno set. */
int st_fsync_dir(const char *dir);

/* fsyncs the directory holding path, so that a rename in it is durable.
 * Best effort: errors are ignored (some file systems refuse). */
void st_fsync_parent(const char *path);

/* Replaces file path with the n bytes at data atomically: written to a
 * hidden temporary name beside it, fsync'ed, renamed over it, its directory
 * fsync'ed. Returns 0, or -1 with errno set (the temporary file removed). */
int st_write_file_atomic(const char *path, const void *data, size_t n);

#endif
