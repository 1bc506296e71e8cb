/* linefile.c - the append-only side files; see linefile.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "io.h"
#include "linefile.h"

void
st_linefile_open(st_linefile *f, const char *path)
{
	f->path = path;
	f->fd = -1;
	if (path == NULL)
		return;
	f->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (f->fd < 0)
		st_die(ST_EXIT_DATA, "cannot open '%s':", path);
}

/* Writes f->line, which holds one whole line. */
static void
write_line(st_linefile *f)
{
	/* One write per line keeps lines whole. */
	if (st_write_all(f->fd, f->line.data, f->line.len) < 0)
		st_die(ST_EXIT_DATA, "cannot write to '%s':", f->path);
}

void
st_linefile_line(st_linefile *f, const char *line, size_t len)
{
	if (f->fd < 0)
		return;
	st_buf_reset(&f->line);
	st_buf_add(&f->line, line, len);
	st_buf_putc(&f->line, '\n');
	write_line(f);
}

void
st_linefile_record(st_linefile *f, st_record *r)
{
	if (f->fd < 0)
		return;
	st_buf_reset(&f->line);
	st_record_serialize(r, &f->line);
	st_buf_putc(&f->line, '\n');
	write_line(f);
}

void
st_linefile_close(st_linefile *f)
{
	if (f->fd >= 0 && close(f->fd) < 0)
		st_die(ST_EXIT_DATA, "cannot write to '%s':", f->path);
	f->fd = -1;
	st_buf_release(&f->line);
}

/* Cuts f back to the length recorded for it in rec, if any. */
static int
cut_back(st_linefile *f, json_t *rec, const char *where)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(rec, "files"), i, e) {
		const char *p = json_string_value(json_object_get(e, "path"));
		json_t *l = json_object_get(e, "length");
		if (p == NULL || strcmp(p, f->path) != 0)
			continue;
		if (!json_is_integer(l) || json_integer_value(l) < 0) {
			st_warn("corrupt checkpoint file '%s': no valid length "
			    "for '%s'", where, p);
			return -1;
		}
		struct stat st;
		if (fstat(f->fd, &st) < 0) {
			st_warn("cannot read '%s':", f->path);
			return -1;
		}
		/* A file shorter than recorded was emptied or rotated by
		 * someone else: it is not ours to extend. */
		if (st.st_size > json_integer_value(l) &&
		    ftruncate(f->fd, (off_t)json_integer_value(l)) < 0) {
			st_warn("cannot truncate '%s':", f->path);
			return -1;
		}
		return 0;
	}
	return 0;
}

int
st_linefile_batch(st_ckpt *c, const char *owner, int64_t id,
    st_linefile *const *v, size_t n)
{
	st_buf dir = ST_BUF_INIT, path = ST_BUF_INIT;
	json_t *rec = NULL;
	int rc = 0, any = 0;

	for (size_t i = 0; i < n; i++)
		any |= v[i] != NULL && v[i]->fd >= 0;
	if (!any || c == NULL || id < 0)
		return 0;
	st_buf_printf(&dir, "%s/%s", ST_CKPT_SIDES, owner);
	st_buf_printf(&path, "%s/%lld", dir.data, (long long)id);
	int got = st_ckpt_read_json(c, path.data, &rec);
	if (got < 0) {
		rc = -1;
	} else if (got == 1) {
		/* A replay: back to where the first run of the batch began. */
		st_buf where = ST_BUF_INIT;
		st_buf_printf(&where, "%s/%s", c->dir, path.data);
		for (size_t i = 0; i < n && rc == 0; i++)
			if (v[i] != NULL && v[i]->fd >= 0)
				rc = cut_back(v[i], rec, where.data);
		st_buf_release(&where);
	} else {
		rec = json_object();
		json_t *files = json_array();
		json_object_set_new(rec, "batch", json_integer(id));
		json_object_set_new(rec, "files", files);
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct stat st;
			if (v[i] == NULL || v[i]->fd < 0)
				continue;
			if (fstat(v[i]->fd, &st) < 0) {
				st_warn("cannot read '%s':", v[i]->path);
				rc = -1;
				break;
			}
			json_array_append_new(files, json_pack("{sssI}", "path",
			    v[i]->path, "length", (json_int_t)st.st_size));
		}
		if (rc == 0)
			rc = st_ckpt_write_json(c, path.data, rec);
	}
	json_decref(rec);
	/* A committed batch is never replayed: its record can go. Without a
	 * committing sink every batch may be replayed, so all are kept (they
	 * are small). */
	if (rc == 0 && st_ckpt_sink_announced(c)) {
		int64_t last = st_ckpt_last_commit(c);
		if (last >= 0)
			(void)st_ckpt_prune(c, dir.data, last + 1);
	}
	st_buf_release(&dir);
	st_buf_release(&path);
	return rc;
}
