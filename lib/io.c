/* io.c - see io.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "io.h"

#define READ_BLOCK (1 << 20)

void
st_reader_init(st_reader *r, int fd, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->name = name;
	r->cap = READ_BLOCK;
	r->buf = st_malloc(r->cap);
}

void
st_reader_release(st_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

int
st_reader_has_line(const st_reader *r)
{
	return memchr(r->buf + r->start, '\n', r->end - r->start) != NULL;
}

int
st_reader_getline(st_reader *r, const char **line, size_t *len)
{
	size_t scanned = r->start;

	r->eintr = 0;
	for (;;) {
		char *nl = memchr(r->buf + scanned, '\n', r->end - scanned);
		if (nl != NULL || (r->eof && r->end > r->start)) {
			char *p = r->buf + r->start;
			size_t n = nl ? (size_t)(nl - p) : r->end - r->start;
			r->start += n + (nl != NULL);
			r->offset += n + (nl != NULL);
			if (n > 0 && p[n - 1] == '\r')
				n--;
			p[n] = '\0';	/* room exists: '\n' or spare byte */
			r->lineno++;
			*line = p;
			*len = n;
			return 1;
		}
		if (r->eof)
			return 0;
		scanned = r->end;
		/* Slide the partial line to the front, or grow for a long one;
		 * keep one spare byte so the last line can be NUL-terminated. */
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			scanned -= r->start;
			r->start = 0;
		}
		if (r->cap - r->end < READ_BLOCK / 4) {
			r->cap *= 2;
			r->buf = st_realloc(r->buf, r->cap);
		}
		if (r->before_read)
			r->before_read(r->before_read_arg);
		ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end - 1);
		if (got < 0) {
			if (errno == EINTR) {
				r->eintr = 1;
				return -2;
			}
			return -1;
		}
		if (got == 0)
			r->eof = 1;
		r->end += got;
	}
}

void
st_writer_init(st_writer *w, int fd, const char *name, size_t cap)
{
	memset(w, 0, sizeof *w);
	w->fd = fd;
	w->name = name;
	w->cap = cap ? cap : (256 << 10);
	w->buf = st_malloc(w->cap);
}

void
st_writer_release(st_writer *w)
{
	if (w->buf == NULL)
		return;
	st_writer_flush(w);
	free(w->buf);
	w->buf = NULL;
}

int
st_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t k = write(fd, c, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += k;
		n -= k;
	}
	return 0;
}

void
st_writer_flush(st_writer *w)
{
	if (w->len == 0)
		return;
	if (st_write_all(w->fd, w->buf, w->len) < 0) {
		if (errno == EPIPE)
			exit(ST_EXIT_OK);
		st_die(ST_EXIT_DATA, "cannot write to %s:", w->name);
	}
	w->len = 0;
}

void
st_writer_write_slow(st_writer *w, const void *p, size_t n)
{
	st_writer_flush(w);
	if (n >= w->cap) {
		if (st_write_all(w->fd, p, n) < 0) {
			if (errno == EPIPE)
				exit(ST_EXIT_OK);
			st_die(ST_EXIT_DATA, "cannot write to %s:", w->name);
		}
		return;
	}
	memcpy(w->buf, p, n);
	w->len = n;
}

void
st_io_tune_pipe(int fd)
{
#ifdef F_SETPIPE_SZ
	/* 1 MiB is the default /proc/sys/fs/pipe-max-size; failure is fine. */
	(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
	(void)fd;
#endif
}

int
st_read_file(const char *path, st_buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		st_buf_grow(b, 65536);
		ssize_t k = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (k == 0)
			break;
		b->len += k;
		b->data[b->len] = '\0';
	}
	close(fd);
	return 0;
}
