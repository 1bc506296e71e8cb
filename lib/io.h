/*
 * io.h - big-block line reading and buffered writing on file descriptors.
 *
 * stdio is avoided on the hot path: a reader fills a large buffer with
 * read(2) and hands out lines as borrowed slices of it; a writer gathers
 * output in a large buffer and writes it in few write(2) calls. Both work on
 * pipes, files and terminals.
 */
#ifndef ST_IO_H
#define ST_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

typedef struct st_reader {
	int fd;
	const char *name;	/* for messages: a path or "standard input" */
	char *buf;
	size_t cap, start, end;
	int eof;
	int eintr;		/* set when a read was interrupted by a signal */
	uint64_t lineno;	/* number of the line last returned (1-based) */
	uint64_t offset;	/* byte offset just past the line last returned */
	/* When set, called just before a read(2), that is when no complete
	 * line is buffered: the moment to flush output that would otherwise
	 * wait behind a blocked read (see st_op_run). NULL by default. */
	void (*before_read)(void *arg);
	void *before_read_arg;
} st_reader;

/* Prepares r to read fd; name is borrowed and used in messages. The reader
 * does not own fd (st_reader_release does not close it). */
void st_reader_init(st_reader *r, int fd, const char *name);
void st_reader_release(st_reader *r);

/*
 * Returns the next line (without its '\n', and without a '\r' before it)
 * in *line and *len, valid until the next call. A last line without a
 * trailing newline is returned too. Returns 1 for a line, 0 at end of
 * input, -1 on a read error (errno set). When the read(2) is interrupted by
 * a signal, returns -2 with r->eintr set and nothing consumed, so the
 * caller can check its stop flag and call again.
 */
int st_reader_getline(st_reader *r, const char **line, size_t *len);

/* The UTF-8 byte order mark, which a file or stream may start with. */
#define ST_BOM "\xef\xbb\xbf"

/* Drops a byte order mark at the start of *line (call it for the first
 * line of a file or stream only: a BOM is dropped there, as Spark's
 * readers do, and is data anywhere else). */
static inline void
st_skip_bom(const char **line, size_t *len)
{
	if (*len >= 3 && memcmp(*line, ST_BOM, 3) == 0) {
		*line += 3;
		*len -= 3;
	}
}

/* True when line[0..len) is empty or only blanks (space, tab, CR): a
 * line every tool skips. */
static inline int
st_blank_line(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return 0;
	return 1;
}

/* True when a complete line is already buffered (no read(2) needed). */
int st_reader_has_line(const st_reader *r);

typedef struct st_writer {
	int fd;
	const char *name;
	char *buf;
	size_t cap, len;
	int failed;
} st_writer;

/* Prepares w to write to fd with a buffer of cap bytes (0: default). */
void st_writer_init(st_writer *w, int fd, const char *name, size_t cap);

/* Flushes and frees the buffer; does not close fd. */
void st_writer_release(st_writer *w);

/*
 * Writes everything buffered. On EPIPE (the reader went away, as `head`
 * does) the program exits quietly with status 0; on any other error (disk
 * full, I/O error) it prints "prog: cannot write to NAME: strerror" and
 * exits 1. Output errors are never ignored.
 */
void st_writer_flush(st_writer *w);

void st_writer_write_slow(st_writer *w, const void *p, size_t n);

static inline void
st_writer_write(st_writer *w, const void *p, size_t n)
{
	if (w->cap - w->len < n) {
		st_writer_write_slow(w, p, n);
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static inline void
st_writer_putc(st_writer *w, char c)
{
	if (w->len == w->cap)
		st_writer_flush(w);
	w->buf[w->len++] = c;
}

/* Asks the kernel for a bigger pipe buffer on fd when it is a pipe (best
 * effort, silent on failure): fewer context switches between tools. */
void st_io_tune_pipe(int fd);

/* write(2) all of p or fail: returns 0, or -1 with errno set. */
int st_write_all(int fd, const void *p, size_t n);

/* Reads a whole file into b (appending). Returns 0 or -1 with errno set. */
int st_read_file(const char *path, st_buf *b);

#endif
