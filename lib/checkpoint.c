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
#include "hash.h"
#include "io.h"
#include "datetime.h"

const char *
st_ckpt_path(st_ckpt *c, const char *path, st_buf *b)
{
	st_buf_reset(b);
	st_buf_puts(b, c->dir);
	st_buf_putc(b, '/');
	st_buf_puts(b, path);
	return b->data;
}

/* The name of an entry of dir other than temporary files (static), or
 * NULL when there is none. */
static const char *
first_entry(const char *dir)
{
	static char name[256];
	DIR *d = opendir(dir);
	struct dirent *e;
	const char *found = NULL;

	if (d == NULL)
		return NULL;
	while (found == NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strstr(e->d_name, ".tmp.") != NULL)
			continue;
		snprintf(name, sizeof name, "%s", e->d_name);
		found = name;
	}
	closedir(d);
	return found;
}

static int
open_dir(st_ckpt *c, const char *dir)
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
			st_ckpt_warn_read(c, ST_CKPT_METADATA);
			st_buf_release(&b);
			return -1;
		}
		/* Everything else is written after metadata exists: a
		 * checkpoint with content but no metadata lost it, and a new
		 * query id would make the sink take committed batches for
		 * new ones. */
		const char *other = first_entry(dir);
		if (other && st_ckpt_exists(c, ST_CKPT_METADATA))
			continue;	/* a racing tool just created it */
		if (other) {
			st_warn("checkpoint file '%s/metadata' is missing, but the "
			    "checkpoint holds '%s': restore metadata from a "
			    "backup, or start again with a new checkpoint "
			    "directory", dir, other);
			st_buf_release(&b);
			return -1;
		}
		st_uuid4(c->query);
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
	if (id == NULL || *id == '\0' || strlen(id) >= sizeof c->query ||
	    json_object_size(m) != 1) {
		st_warn("checkpoint file '%s/metadata' is damaged: it holds no "
		    "query id; restore it from a backup, or start again with a "
		    "new checkpoint directory", dir);
		json_decref(m);
		st_buf_release(&b);
		return -1;
	}
	snprintf(c->query, sizeof c->query, "%s", id);
	json_decref(m);
	st_buf_release(&b);
	return 0;
}

int
st_ckpt_open(st_ckpt *c, const char *dir)
{
	if (open_dir(c, dir) < 0) {
		free(c->dir);
		c->dir = NULL;
		return -1;
	}
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

/*
 * CRC-32C (Castagnoli: reflected polynomial 0x82f63b78, initial value and
 * final xor 0xffffffff), the checksum of iSCSI, ext4 and Kafka's records.
 * crc32c("123456789") is e3069283.
 */
static uint32_t crc_table[256];

uint32_t
st_crc32c(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *s = p;

	if (crc_table[1] == 0)
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
			crc_table[i] = c;
		}
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *s++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

#define TRAILER_HEAD "{\"st-checkpoint\":1,\"length\":"

/* Appends the trailer line of a body of len bytes with checksum crc. */
static void
put_trailer(st_buf *b, uint64_t len, uint32_t crc)
{
	st_buf_printf(b, TRAILER_HEAD "%llu,\"crc32c\":\"%08x\"}\n",
	    (unsigned long long)len, (unsigned)crc);
}

int
st_ckpt_verify(const char *data, size_t n, size_t *body, const char **why)
{
	static char msg[128];
	const char *head = TRAILER_HEAD;
	size_t hl = strlen(head), pos = n;

	*body = 0;
	if (n == 0) {
		*why = "it is empty";
		return -1;
	}
	/* The trailer is the last occurrence of its head. */
	while (pos > 0) {
		pos--;
		if (n - pos >= hl && memcmp(data + pos, head, hl) == 0)
			break;
		if (pos == 0) {
			pos = n;
			break;
		}
	}
	if (pos == n || n - pos > 96) {
		*why = data[n - 1] == '\n' ? "it has no checksum line "
		    "(truncated, or not written by st)" : "it is truncated "
		    "(its last line is incomplete)";
		return -1;
	}
	unsigned long long len;
	unsigned crc;
	char tail[4], line[100];
	st_buf want = ST_BUF_INIT;
	memcpy(line, data + pos, n - pos);	/* NUL-terminated for sscanf */
	line[n - pos] = '\0';
	int ok = sscanf(line + hl, "%llu,\"crc32c\":\"%8x%3[\"}\n]",
	    &len, &crc, tail) == 3;
	if (ok) {
		put_trailer(&want, len, crc);
		ok = want.len == n - pos && memcmp(want.data, data + pos,
		    want.len) == 0;
	}
	st_buf_release(&want);
	if (!ok) {
		*why = data[n - 1] == '\n' ? "its checksum line is damaged" :
		    "it is truncated (its last line is incomplete)";
		return -1;
	}
	if (len != pos) {
		snprintf(msg, sizeof msg, "it holds %zu bytes, its checksum "
		    "line says %llu", pos, len);
		*why = msg;
		return -1;
	}
	if (st_crc32c(0, data, pos) != crc) {
		*why = "its content does not match its checksum";
		return -1;
	}
	*body = pos;
	return 0;
}

/*
 * The stream of a write in progress: everything written goes to the
 * temporary file and into the checksum; the trailer is added on commit.
 */
typedef struct sum_writer {
	int fd;
	uint32_t crc;
	uint64_t len;
	int err;		/* the first write error (errno), or 0 */
	int fault;		/* the test hook ST_TEST_CKPT_ENOSPC matched */
} sum_writer;

static ssize_t
sw_write(void *cookie, const char *p, size_t n)
{
	sum_writer *w = cookie;

	if (w->fault) {
		errno = w->err = ENOSPC;
		return -1;
	}
	for (size_t done = 0; done < n;) {
		ssize_t k = write(w->fd, p + done, n - done);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			w->err = errno;
			return -1;
		}
		done += (size_t)k;
	}
	w->crc = st_crc32c(w->crc, p, n);
	w->len += n;
	return (ssize_t)n;
}

static int
sw_close(void *cookie)
{
	(void)cookie;
	return 0;
}

FILE *
st_ckpt_begin(st_ckpt *c, const char *path, st_ckpt_tx *tx)
{
	st_buf b = ST_BUF_INIT;
	cookie_io_functions_t io = { NULL, sw_write, NULL, sw_close };

	memset(tx, 0, sizeof *tx);
	st_ckpt_path(c, path, &b);
	if (st_mkdir_parents(b.data) < 0) {
		st_buf_release(&b);
		return NULL;
	}
	tx->final = st_buf_detach(&b, NULL);
	st_buf_printf(&b, "%s.tmp.%ld", tx->final, (long)getpid());
	tx->tmp = st_buf_detach(&b, NULL);
	sum_writer *w = st_calloc(1, sizeof *w);
	const char *hook = getenv("ST_TEST_CKPT_ENOSPC");
	w->fault = hook && *hook && strstr(path, hook) != NULL;
	w->fd = open(tx->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (w->fd < 0 || (tx->f = fopencookie(w, "w", io)) == NULL) {
		int e = errno;
		if (w->fd >= 0) {
			close(w->fd);
			unlink(tx->tmp);
		}
		free(w);
		free(tx->tmp);
		free(tx->final);
		memset(tx, 0, sizeof *tx);
		errno = e;
		return NULL;
	}
	tx->w = w;
	return tx->f;
}

/* Flushes the stream, appends the trailer, syncs and closes the temporary
 * file. Returns 0 or -1 with errno set (the temporary file is left to the
 * caller). */
static int
tx_finish(st_ckpt_tx *tx)
{
	sum_writer *w = tx->w;
	int rc = 0, e = 0;

	if (fflush(tx->f) != 0 || ferror(tx->f) || w->err) {
		rc = -1;
		e = w->err ? w->err : errno;
	}
	fclose(tx->f);
	tx->f = NULL;
	if (rc == 0) {
		st_buf t = ST_BUF_INIT;
		put_trailer(&t, w->len, w->crc);
		if (sw_write(w, t.data, t.len) < 0)
			rc = -1, e = w->err;
		st_buf_release(&t);
	}
	if (rc == 0 && fsync(w->fd) < 0)
		rc = -1, e = errno;
	if (close(w->fd) < 0 && rc == 0)
		rc = -1, e = errno;
	w->fd = -1;
	errno = e;
	return rc;
}

/* Frees the transaction, removing the temporary name. */
static void
tx_free(st_ckpt_tx *tx)
{
	sum_writer *w = tx->w;

	if (tx->f)
		fclose(tx->f);
	if (w && w->fd >= 0)
		close(w->fd);
	if (tx->tmp)
		unlink(tx->tmp);
	free(w);
	free(tx->tmp);
	free(tx->final);
	memset(tx, 0, sizeof *tx);
}

int
st_ckpt_commit(st_ckpt_tx *tx)
{
	int rc = tx_finish(tx);
	int e = errno;

	if (rc == 0 && rename(tx->tmp, tx->final) < 0)
		rc = -1, e = errno;
	if (rc == 0)
		st_fsync_parent(tx->final);
	tx_free(tx);
	errno = e;
	return rc;
}

void
st_ckpt_abort(st_ckpt_tx *tx)
{
	tx_free(tx);
}

int
st_ckpt_tx_error(const st_ckpt_tx *tx)
{
	const sum_writer *w = tx->w;

	return w ? w->err : 0;
}

int
st_ckpt_write(st_ckpt *c, const char *path, const void *data, size_t n)
{
	st_ckpt_tx tx;
	FILE *f = st_ckpt_begin(c, path, &tx);

	if (f == NULL)
		return -1;
	if (n && fwrite(data, 1, n, f) != n) {
		int e = st_ckpt_tx_error(&tx) ? st_ckpt_tx_error(&tx) : errno;
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
	if ((n && fwrite(data, 1, n, f) != n) || tx_finish(&tx) < 0) {
		e = st_ckpt_tx_error(&tx) ? st_ckpt_tx_error(&tx) : errno;
		st_ckpt_abort(&tx);
		errno = e;
		return -1;
	}
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
	tx_free(&tx);		/* removes the temporary name */
	errno = e;
	return rc;
}

int
st_ckpt_read(st_ckpt *c, const char *path, st_buf *out)
{
	st_buf b = ST_BUF_INIT, raw = ST_BUF_INIT;
	int rc = st_read_file(st_ckpt_path(c, path, &b), &raw);
	int e = errno;
	size_t body;

	c->why = NULL;
	if (rc == 0 && st_ckpt_verify(raw.data ? raw.data : "", raw.len,
	    &body, &c->why) < 0) {
		rc = -1;
		e = EBADMSG;
	}
	if (rc == 0)
		st_buf_add(out, raw.data, body);
	st_buf_release(&b);
	st_buf_release(&raw);
	errno = e;
	return rc;
}

/* A read stream over a verified body (owned, freed on close). */
typedef struct body_reader {
	char *data;
	size_t len, pos;
} body_reader;

static ssize_t
br_read(void *cookie, char *p, size_t n)
{
	body_reader *r = cookie;
	size_t k = r->len - r->pos < n ? r->len - r->pos : n;

	memcpy(p, r->data + r->pos, k);
	r->pos += k;
	return (ssize_t)k;
}

static int
br_close(void *cookie)
{
	body_reader *r = cookie;

	free(r->data);
	free(r);
	return 0;
}

FILE *
st_ckpt_open_read(st_ckpt *c, const char *path)
{
	st_buf b = ST_BUF_INIT;
	cookie_io_functions_t io = { br_read, NULL, NULL, br_close };

	if (st_ckpt_read(c, path, &b) < 0) {
		int e = errno;
		st_buf_release(&b);
		errno = e;
		return NULL;
	}
	body_reader *r = st_calloc(1, sizeof *r);
	r->data = st_buf_detach(&b, &r->len);
	FILE *f = fopencookie(r, "r", io);
	if (f == NULL) {
		int e = errno;
		br_close(r);
		errno = e;
	}
	return f;
}

void
st_ckpt_warn_read(st_ckpt *c, const char *path)
{
	int e = errno;

	if (e == EBADMSG)
		st_warn("checkpoint file '%s/%s' is damaged: %s; restore it "
		    "from a backup, or start again with a new checkpoint "
		    "directory", c->dir, path, c->why ? c->why : "?");
	else if (e == EISDIR)
		st_warn("checkpoint file '%s/%s' is a directory, not a file; "
		    "restore the file, or start again with a new checkpoint "
		    "directory", c->dir, path);
	else if (e == ENOENT)
		st_warn("checkpoint file '%s/%s' is missing; restore it, or "
		    "start again with a new checkpoint directory", c->dir,
		    path);
	else
		st_warn("cannot read checkpoint file '%s/%s':", c->dir, path);
	errno = e;
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
	errno = 0;
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
	st_buf_printf(b, ST_CKPT_SOURCES "/%s/seen", key);
	return b->data;
}

const char *
st_ckpt_kafka_initial_path(st_buf *b, const char *key)
{
	st_buf_reset(b);
	st_buf_printf(b, ST_CKPT_SOURCES "/%s/kafka-initial", key);
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
	return st_ckpt_latest(c, ST_CKPT_COMMITS);
}

int64_t
st_ckpt_last_offsets(st_ckpt *c)
{
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
		st_ckpt_warn_read(c, path);
		return -1;
	}
	*out = json_loadb(b.data, b.len, JSON_DECODE_ANY, &je);
	st_buf_release(&b);
	if (*out == NULL) {
		st_warn("checkpoint file '%s/%s' is not JSON (%s); restore it "
		    "from a backup, or start again with a new checkpoint "
		    "directory", c->dir, path, je.text);
		return -1;
	}
	return 1;
}

const char *
st_ckpt_check_offsets(json_t *v, int64_t id)
{
	json_t *b = json_object_get(v, "batch");

	if (!json_is_object(v))
		return "it is not a JSON object";
	if (!json_is_integer(b) || json_integer_value(b) != id)
		return "its \"batch\" is not its batch id";
	if (!json_is_integer(json_object_get(v, "ts")))
		return "its \"ts\" is not a timestamp in milliseconds";
	if (!json_is_boolean(json_object_get(v, "data")))
		return "its \"data\" is not true or false";
	if (!json_is_object(json_object_get(v, "sources")))
		return "its \"sources\" is not an object";
	return NULL;
}
