/* checkpoint.c - see checkpoint.h. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "checkpoint.h"
#include "err.h"
#include "fs.h"
#include "io.h"
#include "time.h"

const char *
st_ckpt_path(st_ckpt *c, const char *path, st_buf *b)
{
	st_buf_reset(b);
	st_buf_puts(b, c->dir);
	st_buf_putc(b, '/');
	st_buf_puts(b, path);
	return b->data;
}

int
st_ckpt_open(st_ckpt *c, const char *dir)
{
	st_buf b = ST_BUF_INIT;

	c->dir = st_strdup(dir);
	c->lockfd = -1;
	c->query[0] = '\0';
	if (st_mkdir_p(dir) < 0) {
		st_warn("cannot create checkpoint directory '%s':", dir);
		return -1;
	}
	/* Several tools of one pipeline open the checkpoint at once; the
	 * first to create "metadata" wins and all read its id back. */
	for (int tries = 0; st_ckpt_read(c, ST_CKPT_METADATA, &b) < 0; tries++) {
		if (errno != ENOENT || tries == 3) {
			st_warn("cannot read '%s/metadata':", dir);
			st_buf_release(&b);
			return -1;
		}
		/* A query id unique enough for one machine: time, pid and
		 * address-space noise, shaped like a UUID. */
		uint64_t a = (uint64_t)st_now_usec() * 6364136223846793005u +
		    (uint64_t)getpid();
		uint64_t z = a ^ ((uint64_t)(uintptr_t)&b << 17) ^
		    (uint64_t)st_mono_usec();
		snprintf(c->query, sizeof c->query,
		    "%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(a >> 32),
		    (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		    (unsigned)(z >> 52) & 0xfff,
		    (unsigned long long)(z & 0xffffffffffffull));
		st_buf_reset(&b);
		st_buf_printf(&b, "{\"id\":\"%s\"}\n", c->query);
		if (st_ckpt_write_new(c, ST_CKPT_METADATA, b.data, b.len) < 0) {
			st_warn("cannot write '%s/metadata':", dir);
			st_buf_release(&b);
			return -1;
		}
		st_buf_reset(&b);
	}
	json_t *m = json_loadb(b.data, b.len, 0, NULL);
	const char *id = json_string_value(json_object_get(m, "id"));
	if (id == NULL) {
		st_warn("checkpoint '%s' has a corrupt metadata file", dir);
		json_decref(m);
		st_buf_release(&b);
		return -1;
	}
	snprintf(c->query, sizeof c->query, "%s", id);
	json_decref(m);
	st_buf_release(&b);
	return 0;
}

void
st_ckpt_close(st_ckpt *c)
{
	if (c->lockfd >= 0)
		close(c->lockfd);
	c->lockfd = -1;
	free(c->dir);
	c->dir = NULL;
}

const char *
st_ckpt_query_id(st_ckpt *c)
{
	return c->query;
}

FILE *
st_ckpt_begin(st_ckpt *c, const char *path, st_ckpt_tx *tx)
{
	st_buf b = ST_BUF_INIT;

	memset(tx, 0, sizeof *tx);
	st_ckpt_path(c, path, &b);
	if (st_mkdir_parents(b.data) < 0) {
		st_buf_release(&b);
		return NULL;
	}
	tx->final = st_buf_detach(&b, NULL);
	st_buf_printf(&b, "%s.tmp.%ld", tx->final, (long)getpid());
	tx->tmp = st_buf_detach(&b, NULL);
	int fd = open(tx->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || (tx->f = fdopen(fd, "w")) == NULL) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		free(tx->tmp);
		free(tx->final);
		errno = e;
		return NULL;
	}
	return tx->f;
}

int
st_ckpt_commit(st_ckpt_tx *tx)
{
	int rc = 0;

	if (fflush(tx->f) != 0 || ferror(tx->f) || fsync(fileno(tx->f)) < 0)
		rc = -1;
	int e = errno;
	if (fclose(tx->f) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0 && rename(tx->tmp, tx->final) < 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0)
		st_fsync_parent(tx->final);
	else
		unlink(tx->tmp);
	free(tx->tmp);
	free(tx->final);
	memset(tx, 0, sizeof *tx);
	errno = e;
	return rc;
}

void
st_ckpt_abort(st_ckpt_tx *tx)
{
	if (tx->f)
		fclose(tx->f);
	if (tx->tmp)
		unlink(tx->tmp);
	free(tx->tmp);
	free(tx->final);
	memset(tx, 0, sizeof *tx);
}

int
st_ckpt_write(st_ckpt *c, const char *path, const void *data, size_t n)
{
	st_ckpt_tx tx;
	FILE *f = st_ckpt_begin(c, path, &tx);

	if (f == NULL)
		return -1;
	if (n && fwrite(data, 1, n, f) != n) {
		int e = errno;
		st_ckpt_abort(&tx);
		errno = e;
		return -1;
	}
	return st_ckpt_commit(&tx);
}

int
st_ckpt_write_new(st_ckpt *c, const char *path, const void *data, size_t n)
{
	st_ckpt_tx tx;
	FILE *f = st_ckpt_begin(c, path, &tx);
	int rc = 0, e = 0;

	if (f == NULL)
		return -1;
	if ((n && fwrite(data, 1, n, f) != n) || fflush(f) != 0 ||
	    fsync(fileno(f)) < 0) {
		e = errno;
		st_ckpt_abort(&tx);
		errno = e;
		return -1;
	}
	fclose(tx.f);
	tx.f = NULL;
	/* link(2), unlike rename(2), fails when the name exists: the first
	 * writer wins. */
	if (link(tx.tmp, tx.final) < 0) {
		if (errno == EEXIST)
			rc = 1;
		else
			rc = -1, e = errno;
	} else {
		st_fsync_parent(tx.final);
	}
	st_ckpt_abort(&tx);	/* removes the temporary name */
	errno = e;
	return rc;
}

int
st_ckpt_read(st_ckpt *c, const char *path, st_buf *out)
{
	st_buf b = ST_BUF_INIT;
	int rc = st_read_file(st_ckpt_path(c, path, &b), out);
	int e = errno;

	st_buf_release(&b);
	errno = e;
	return rc;
}

FILE *
st_ckpt_open_read(st_ckpt *c, const char *path)
{
	st_buf b = ST_BUF_INIT;
	FILE *f = fopen(st_ckpt_path(c, path, &b), "r");
	int e = errno;

	st_buf_release(&b);
	errno = e;
	return f;
}

int
st_ckpt_exists(st_ckpt *c, const char *path)
{
	st_buf b = ST_BUF_INIT;
	int rc = access(st_ckpt_path(c, path, &b), F_OK) == 0;

	st_buf_release(&b);
	return rc;
}

int
st_ckpt_remove(st_ckpt *c, const char *path)
{
	st_buf b = ST_BUF_INIT;
	int rc = unlink(st_ckpt_path(c, path, &b));

	st_buf_release(&b);
	return rc < 0 && errno != ENOENT ? -1 : 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int
st_ckpt_versions(st_ckpt *c, const char *dir, int64_t **v, size_t *n)
{
	st_buf b = ST_BUF_INIT;
	DIR *d = opendir(st_ckpt_path(c, dir, &b));
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	st_buf_release(&b);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *s = e->d_name;
		if (*s == '\0' || strlen(s) > 18)
			continue;
		int ok = 1;
		for (const char *p = s; *p; p++)
			if (!isdigit((unsigned char)*p))
				ok = 0;
		if (!ok)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*v = st_realloc(*v, cap * sizeof **v);
		}
		(*v)[(*n)++] = strtoll(s, NULL, 10);
	}
	closedir(d);
	if (*n)	/* qsort(NULL, 0, ...) is undefined */
		qsort(*v, *n, sizeof **v, cmp_i64);
	return 0;
}

int64_t
st_ckpt_latest(st_ckpt *c, const char *dir)
{
	int64_t *v, last = -1;
	size_t n;

	if (st_ckpt_versions(c, dir, &v, &n) < 0)
		return -1;
	if (n)
		last = v[n - 1];
	free(v);
	return last;
}

int
st_ckpt_lock(st_ckpt *c, int wait)
{
	st_buf b = ST_BUF_INIT;
	int fd = open(st_ckpt_path(c, ST_CKPT_LOCK, &b), O_RDWR | O_CREAT | O_CLOEXEC,
	    0666);

	st_buf_release(&b);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	c->lockfd = fd;
	return 0;
}

const char *
st_ckpt_offsets_path(st_buf *b, int64_t id)
{
	st_buf_reset(b);
	st_buf_printf(b, ST_CKPT_OFFSETS "/%lld", (long long)id);
	return b->data;
}

const char *
st_ckpt_commit_path(st_buf *b, int64_t id)
{
	st_buf_reset(b);
	st_buf_printf(b, ST_CKPT_COMMITS "/%lld", (long long)id);
	return b->data;
}

const char *
st_ckpt_progress_path(st_buf *b, int64_t id)
{
	st_buf_reset(b);
	st_buf_printf(b, ST_CKPT_PROGRESS "/%lld", (long long)id);
	return b->data;
}

const char *
st_ckpt_seen_path(st_buf *b, const char *key)
{
	st_buf_reset(b);
	st_buf_printf(b, "sources/%s/seen", key);
	return b->data;
}

const char *
st_ckpt_state_dir(st_buf *b, const char *tool, const char *name)
{
	st_buf_reset(b);
	st_buf_printf(b, ST_CKPT_STATE "/%s", tool);
	if (name)
		st_buf_printf(b, ".%s", name);
	return b->data;
}

const char *
st_ckpt_state_path(st_buf *b, const char *corner, int64_t id)
{
	st_buf_reset(b);
	st_buf_printf(b, "%s/%lld", corner, (long long)id);
	return b->data;
}

const char *
st_ckpt_query_path(st_buf *b, const char *corner)
{
	st_buf_reset(b);
	st_buf_printf(b, "%s/query", corner);
	return b->data;
}

int
st_ckpt_committed(st_ckpt *c, int64_t id)
{
	st_buf p = ST_BUF_INIT;
	int rc = id >= 0 && st_ckpt_exists(c, st_ckpt_commit_path(&p, id));

	st_buf_release(&p);
	return rc;
}

int64_t
st_ckpt_last_commit(st_ckpt *c)
{
	errno = 0;
	return st_ckpt_latest(c, ST_CKPT_COMMITS);
}

int64_t
st_ckpt_last_offsets(st_ckpt *c)
{
	errno = 0;
	return st_ckpt_latest(c, ST_CKPT_OFFSETS);
}

int
st_ckpt_sink_announced(st_ckpt *c)
{
	return st_ckpt_exists(c, ST_CKPT_SINK);
}

int
st_ckpt_prune(st_ckpt *c, const char *dir, int64_t limit)
{
	int64_t *v;
	size_t n;
	int removed = 0;
	st_buf p = ST_BUF_INIT;

	if (st_ckpt_versions(c, dir, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n && v[i] < limit; i++) {
		st_buf_reset(&p);
		st_buf_printf(&p, "%s/%lld", dir, (long long)v[i]);
		if (st_ckpt_remove(c, p.data) == 0)
			removed++;
	}
	st_buf_release(&p);
	free(v);
	return removed;
}

int
st_ckpt_write_json(st_ckpt *c, const char *path, json_t *v)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY);
	st_buf b = ST_BUF_INIT;
	int rc = -1;

	if (t) {
		st_buf_puts(&b, t);
		st_buf_putc(&b, '\n');
		free(t);
		rc = st_ckpt_write(c, path, b.data, b.len);
	} else {
		errno = ENOMEM;
	}
	if (rc < 0)
		st_warn("cannot write '%s/%s':", c->dir, path);
	st_buf_release(&b);
	return rc;
}

int
st_ckpt_read_json(st_ckpt *c, const char *path, json_t **out)
{
	st_buf b = ST_BUF_INIT;
	json_error_t je;

	*out = NULL;
	if (st_ckpt_read(c, path, &b) < 0) {
		st_buf_release(&b);
		if (errno == ENOENT)
			return 0;
		st_warn("cannot read '%s/%s':", c->dir, path);
		return -1;
	}
	*out = json_loadb(b.data, b.len, JSON_DECODE_ANY, &je);
	st_buf_release(&b);
	if (*out == NULL) {
		st_warn("corrupt checkpoint file '%s/%s': %s", c->dir, path,
		    je.text);
		return -1;
	}
	return 1;
}
