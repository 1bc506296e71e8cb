/* late.c - the late-output file; see late.h. */
#include <fcntl.h>
#include <unistd.h>

#include "err.h"
#include "io.h"
#include "op/late.h"

void
st_late_open(st_late *l, const char *path)
{
	l->path = path;
	l->fd = -1;
	if (path == NULL)
		return;
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (l->fd < 0)
		st_die(ST_EXIT_DATA, "cannot open '%s':", path);
}

/* Writes l->line, which holds one whole line. */
static void
write_line(st_late *l)
{
	/* One write per line keeps lines whole when tools share the file. */
	if (st_write_all(l->fd, l->line.data, l->line.len) < 0)
		st_die(ST_EXIT_DATA, "cannot write to '%s':", l->path);
}

void
st_late_line(st_late *l, const char *line, size_t len)
{
	if (l->fd < 0)
		return;
	st_buf_reset(&l->line);
	st_buf_add(&l->line, line, len);
	st_buf_putc(&l->line, '\n');
	write_line(l);
}

void
st_late_record(st_late *l, st_record *r)
{
	if (l->fd < 0)
		return;
	st_buf_reset(&l->line);
	st_record_serialize(r, &l->line);
	st_buf_putc(&l->line, '\n');
	write_line(l);
}

void
st_late_close(st_late *l)
{
	if (l->fd >= 0 && close(l->fd) < 0)
		st_die(ST_EXIT_DATA, "cannot write to '%s':", l->path);
	l->fd = -1;
	st_buf_release(&l->line);
}
