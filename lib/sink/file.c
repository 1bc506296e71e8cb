/* file.c - per-batch JSON and CSV files made visible atomically; see
 * sink.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "column.h"
#include "err.h"
#include "fs.h"
#include "sink.h"

typedef struct file_sink {
	char *dir;
	int csv, header;
	char *desc;
	int fd;			/* -1 between batches and before the 1st row */
	st_writer w;
	st_buf tmp, final;
	/* CSV: the batch's columns (plain names) */
	char **cols;
	size_t ncols;
	st_buf cell;
} file_sink;

/* The temporary file being written, removed if the process exits in the
 * middle of a batch (end of input inside a batch, a failure). */
static char *current_tmp;

static void
remove_tmp(void)
{
	if (current_tmp)
		unlink(current_tmp);
}

/* Removes temporaries a killed earlier run left behind. */
static void
remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	st_buf p = ST_BUF_INIT;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, ".part-", 6) != 0 ||
		    strstr(e->d_name, ".tmp") == NULL || n < 10)
			continue;
		st_buf_reset(&p);
		st_buf_printf(&p, "%s/%s", dir, e->d_name);
		(void)unlink(p.data);
	}
	closedir(d);
	st_buf_release(&p);
}

static void
free_cols(file_sink *fs)
{
	st_strs_free(fs->cols, fs->ncols);
	fs->cols = NULL;
	fs->ncols = 0;
}

static int
file_begin(st_sink *s, const st_sink_batch *b)
{
	file_sink *fs = s->self;
	long long id = b->id < 0 ? 0 : b->id;
	const char *ext = fs->csv ? "csv" : "json";

	st_buf_reset(&fs->final);
	st_buf_printf(&fs->final, "%s/part-%05lld.%s", fs->dir, id, ext);
	st_buf_reset(&fs->tmp);
	st_buf_printf(&fs->tmp, "%s/.part-%05lld.%s.tmp.%ld", fs->dir, id, ext,
	    (long)getpid());
	free_cols(fs);
	return 0;
}

static void
open_tmp(file_sink *fs)
{
	fs->fd = open(fs->tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0666);
	if (fs->fd < 0)
		st_die(ST_EXIT_DATA, "cannot create '%s':", fs->tmp.data);
	current_tmp = fs->tmp.data;
	st_writer_init(&fs->w, fs->fd, fs->tmp.data, 0);
}

/* Appends s as one CSV field in the toolkit's dialect (csv.h: Spark's
 * writer, as to_csv). */
static void
csv_field(st_buf *b, const char *s, size_t n)
{
	st_csv_put_field(b, &st_csv_spark, s, n, 0);
}

static int
csv_write_record(file_sink *fs, st_record *r)
{
	st_buf *b = &fs->cell;

	if (st_record_scan(r) < 0)
		return 0;
	if (fs->cols == NULL) {
		fs->ncols = r->fields.n;
		fs->cols = st_calloc(fs->ncols + 1, sizeof *fs->cols);
		for (size_t i = 0; i < fs->ncols; i++) {
			st_buf_reset(b);
			st_column_put_name(b, &r->fields.v[i]);
			fs->cols[i] = st_strdup(b->data);
		}
		if (fs->header) {
			st_buf t = ST_BUF_INIT;
			for (size_t i = 0; i < fs->ncols; i++) {
				if (i)
					st_buf_putc(&t, ',');
				csv_field(&t, fs->cols[i], strlen(fs->cols[i]));
			}
			st_buf_putc(&t, '\n');
			st_writer_write(&fs->w, t.data, t.len);
			st_buf_release(&t);
		}
	}
	st_buf line = ST_BUF_INIT;
	for (size_t i = 0; i < fs->ncols; i++) {
		if (i)
			st_buf_putc(&line, ',');
		const st_field *f = st_record_column(r, fs->cols[i],
		    strlen(fs->cols[i]));
		if (f == NULL || f->type == ST_J_NULL)
			continue;
		st_buf_reset(b);
		if (f->type == ST_J_STRING)
			st_field_string(f, b);
		else
			st_buf_add(b, f->val, f->vlen);
		csv_field(&line, b->data, b->len);
	}
	st_buf_putc(&line, '\n');
	st_writer_write(&fs->w, line.data, line.len);
	st_buf_release(&line);
	return 0;
}

static int
file_write(st_sink *s, st_record *r)
{
	file_sink *fs = s->self;

	if (fs->fd < 0)
		open_tmp(fs);
	if (fs->csv)
		return csv_write_record(fs, r);
	st_record_write(r, &fs->w);
	return 0;
}

static int
file_end(st_sink *s, const st_sink_batch *b)
{
	file_sink *fs = s->self;

	(void)b;
	if (fs->fd < 0)
		return 0;
	st_writer_flush(&fs->w);
	st_writer_release(&fs->w);
	if (fsync(fs->fd) < 0 || close(fs->fd) < 0) {
		st_warn("cannot write '%s':", fs->tmp.data);
		fs->fd = -1;
		return -1;
	}
	fs->fd = -1;
	if (rename(fs->tmp.data, fs->final.data) < 0) {
		st_warn("cannot rename '%s' to '%s':", fs->tmp.data,
		    fs->final.data);
		return -1;
	}
	current_tmp = NULL;
	if (st_fsync_dir(fs->dir) < 0) {
		st_warn("cannot sync '%s':", fs->dir);
		return -1;
	}
	return 0;
}

static const char *
file_describe(st_sink *s)
{
	return ((file_sink *)s->self)->desc;
}

static void
file_free(st_sink *s)
{
	file_sink *fs = s->self;

	if (fs->fd >= 0) {
		st_writer_release(&fs->w);
		close(fs->fd);
		unlink(fs->tmp.data);
		current_tmp = NULL;
	}
	free_cols(fs);
	st_buf_release(&fs->tmp);
	st_buf_release(&fs->final);
	st_buf_release(&fs->cell);
	free(fs->dir);
	free(fs->desc);
	free(fs);
}

/* The JSON and CSV file sinks: the same functions, two formats. */
#define FILE_VT(FORMAT) { \
	.format = FORMAT, \
	.idempotent = 1, \
	.begin = file_begin, \
	.write = file_write, \
	.end = file_end, \
	.describe = file_describe, \
	.free = file_free, \
}

static const st_sink_vt json_vt = FILE_VT("json");
static const st_sink_vt csv_vt = FILE_VT("csv");

st_sink *
st_sink_file_new(const char *dir, int csv, int header)
{
	static int registered;

	if (st_mkdir_p(dir) < 0) {
		st_warn("cannot create '%s':", dir);
		return NULL;
	}
	remove_stale(dir);
	if (!registered) {
		atexit(remove_tmp);
		registered = 1;
	}
	st_sink *s = st_calloc(1, sizeof *s);
	file_sink *fs = st_calloc(1, sizeof *fs);
	st_buf d = ST_BUF_INIT;

	fs->dir = st_strdup(dir);
	fs->csv = csv;
	fs->header = header;
	fs->fd = -1;
	st_buf_printf(&d, "FileSink[%s]", dir);
	fs->desc = st_buf_detach(&d, NULL);
	s->vt = csv ? &csv_vt : &json_vt;
	s->self = fs;
	return s;
}

void
st_sink_free(st_sink *s)
{
	if (s == NULL)
		return;
	s->vt->free(s);
	free(s);
}
