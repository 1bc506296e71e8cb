/* file.c - the file source: directories, globs and files of JSON lines,
 * CSV or text, read in byte ranges; see source.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "avro.h"
#include "err.h"
#include "fs.h"
#include "opts.h"
#include "source.h"

/* What the source has handed out of one file: bytes [0, end) of the size
 * it had when first planned; next is the number of the line at end. */
typedef struct seen_file {
	char *path;
	int64_t end, size, next;
} seen_file;

/* A file found by listing the paths. */
typedef struct cand {
	char *path;
	int64_t mtime_ns, size;
} cand;

typedef struct file_source {
	char *const *paths;
	const st_file_opts *o;
	/* The seen set: an open-addressing hash table on the path. */
	seen_file *tab;
	size_t tcap, tn;
	/* available-now: the listing taken once */
	cand *frozen;
	size_t nfrozen;
	int is_frozen;
	st_parser *parser;
	char *desc;
	int64_t backlog_files, backlog_bytes;	/* after the last plan */
	int64_t planned_bytes;			/* by the last plan */
} file_source;

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static seen_file *
seen_get(file_source *fs, const char *path)
{
	if (fs->tcap == 0)
		return NULL;
	for (size_t i = hash_str(path) & (fs->tcap - 1);;
	    i = (i + 1) & (fs->tcap - 1)) {
		if (fs->tab[i].path == NULL)
			return NULL;
		if (strcmp(fs->tab[i].path, path) == 0)
			return &fs->tab[i];
	}
}

static void
seen_put(file_source *fs, const char *path, int64_t end, int64_t size,
    int64_t next)
{
	seen_file *e = seen_get(fs, path);

	if (e == NULL) {
		if ((fs->tn + 1) * 2 > fs->tcap) {
			size_t ncap = fs->tcap ? fs->tcap * 2 : 64;
			seen_file *nt = st_calloc(ncap, sizeof *nt);
			for (size_t i = 0; i < fs->tcap; i++) {
				if (fs->tab[i].path == NULL)
					continue;
				size_t j = hash_str(fs->tab[i].path) &
				    (ncap - 1);
				while (nt[j].path)
					j = (j + 1) & (ncap - 1);
				nt[j] = fs->tab[i];
			}
			free(fs->tab);
			fs->tab = nt;
			fs->tcap = ncap;
		}
		size_t i = hash_str(path) & (fs->tcap - 1);
		while (fs->tab[i].path)
			i = (i + 1) & (fs->tcap - 1);
		e = &fs->tab[i];
		e->path = st_strdup(path);
		fs->tn++;
	}
	e->end = end;
	e->size = size;
	e->next = next;
}

static void
cands_free(cand *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static void
add_cand(cand **v, size_t *n, size_t *cap, const char *path,
    const struct stat *st)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = st_realloc(*v, *cap * sizeof **v);
	}
	(*v)[*n].path = st_strdup(path);
	(*v)[*n].mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
	    st->st_mtim.tv_nsec;
	(*v)[*n].size = st->st_size;
	(*n)++;
}

static void
list_dir(const char *dir, cand **v, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	st_buf p = ST_BUF_INIT;
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		/* Hidden and underscore names are in-progress or metadata
		 * files (ours, Spark's, editors'): never data. */
		if (e->d_name[0] == '.' || e->d_name[0] == '_')
			continue;
		st_buf_reset(&p);
		st_buf_puts(&p, dir);
		if (p.len && p.data[p.len - 1] != '/')
			st_buf_putc(&p, '/');
		st_buf_puts(&p, e->d_name);
		if (stat(p.data, &st) == 0 && S_ISREG(st.st_mode))
			add_cand(v, n, cap, p.data, &st);
	}
	closedir(d);
	st_buf_release(&p);
}

static int
cmp_cand(const void *a, const void *b)
{
	const cand *x = a, *y = b;

	if (x->mtime_ns != y->mtime_ns)
		return x->mtime_ns < y->mtime_ns ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int
cmp_cand_path(const void *a, const void *b)
{
	return strcmp(((const cand *)a)->path, ((const cand *)b)->path);
}

/* Lists the files paths name now, in the order they are taken. */
static void
list_paths(char *const *paths, cand **v, size_t *n)
{
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	for (; *paths; paths++) {
		struct stat st;
		if (stat(*paths, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				list_dir(*paths, v, n, &cap);
			else if (S_ISREG(st.st_mode))
				add_cand(v, n, &cap, *paths, &st);
			continue;
		}
		glob_t g;
		if (glob(*paths, 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			if (stat(g.gl_pathv[i], &st) != 0)
				continue;
			if (S_ISDIR(st.st_mode))
				list_dir(g.gl_pathv[i], v, n, &cap);
			else if (S_ISREG(st.st_mode))
				add_cand(v, n, &cap, g.gl_pathv[i], &st);
		}
		globfree(&g);
	}
	/* A file named twice (a directory and a glob) is one file. */
	if (*n > 1) {
		qsort(*v, *n, sizeof **v, cmp_cand_path);
		size_t k = 1;
		for (size_t i = 1; i < *n; i++) {
			if (strcmp((*v)[i].path, (*v)[k - 1].path) == 0)
				free((*v)[i].path);
			else
				(*v)[k++] = (*v)[i];
		}
		*n = k;
	}
	if (*n > 1)
		qsort(*v, *n, sizeof **v, cmp_cand);
}

/* Reads n bytes of fd at off into buf; returns what it could read (less at
 * the end of the file), or -1 on an error. */
static ssize_t
pread_full(int fd, char *buf, size_t n, int64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, off + (int64_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The number of newlines in [p, p + n), by memchr() steps: glibc's is
 * vectorized, which a byte loop is not. */
static int64_t
count_newlines(const char *p, size_t n)
{
	const char *end = p + n;
	int64_t c = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

#define SPLIT_BLOCK 65536

/*
 * split_point() for CSV: a newline inside quotes is part of a field, so
 * the quotes are followed byte by byte from start.
 */
static int64_t
split_csv(const file_source *fs, int fd, int64_t start, int64_t size,
    int64_t budget, int64_t *lines)
{
	char buf[SPLIT_BLOCK];
	int64_t pos = start, best = -1, nl = 0, best_nl = 0;
	int inq = 0;

	while (pos < size) {
		ssize_t got = pread(fd, buf, sizeof buf, pos);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		for (ssize_t i = 0; i < got && pos + i < size; i++) {
			if (buf[i] == fs->o->quote)
				inq = !inq;
			if (buf[i] != '\n')
				continue;
			nl++;
			if (inq)
				continue;
			int64_t end = pos + i + 1;
			if (end - start > budget && best >= 0)
				goto done;
			best = end;
			best_nl = nl;
			if (end - start >= budget)
				goto done;
		}
		pos += got;
	}
	if (best < 0) {
		/* One record without a final newline fills the file. */
		best = size;
		best_nl = nl;
	}
done:
	*lines = best_nl;
	return best;
}

/*
 * split_point() for JSON lines and text, where every newline ends a
 * record: the last newline before start + budget is found with memrchr()
 * on the block that ends there (one read, as lines are short), or, with
 * none in the budget, the first one after it; then the lines of the batch
 * are counted with memchr() steps.
 */
static int64_t
split_lines(int fd, int64_t start, int64_t size, int64_t budget,
    int64_t *lines)
{
	char buf[SPLIT_BLOCK];
	int64_t lim = budget < size - start ? start + budget : size;
	int64_t best = -1, hi = lim;

	while (best < 0 && hi > start) {
		int64_t lo = hi - start > SPLIT_BLOCK ? hi - SPLIT_BLOCK : start;
		ssize_t got = pread_full(fd, buf, (size_t)(hi - lo), lo);
		if (got < 0)
			return -1;
		const char *p = memrchr(buf, '\n', (size_t)got);
		if (p)
			best = lo + (p - buf) + 1;
		hi = lo;
	}
	for (int64_t pos = lim; best < 0 && pos < size; ) {
		size_t want = size - pos < SPLIT_BLOCK ? (size_t)(size - pos) :
		    SPLIT_BLOCK;
		ssize_t got = pread_full(fd, buf, want, pos);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		const char *p = memchr(buf, '\n', (size_t)got);
		if (p)
			best = pos + (p - buf) + 1;
		pos += got;
	}
	if (best < 0)
		best = size;	/* one record without a final newline */
	int64_t nl = 0;
	for (int64_t pos = start; pos < best; ) {
		size_t want = best - pos < SPLIT_BLOCK ? (size_t)(best - pos) :
		    SPLIT_BLOCK;
		ssize_t got = pread_full(fd, buf, want, pos);
		if (got <= 0)
			return -1;
		nl += count_newlines(buf, (size_t)got);
		pos += got;
	}
	*lines = nl;
	return best;
}

/*
 * Finds where a batch that may take budget bytes of path from start
 * should end: the last record boundary (a newline; for CSV one outside
 * quotes) within the budget, or, when there is none, the first one after
 * it (a batch takes at least one record). Sets *lines to the number of
 * newlines in [start, end). Returns end, or -1 when the file is unreadable.
 */
static int64_t
split_point(const file_source *fs, const char *path, int64_t start,
    int64_t size, int64_t budget, int64_t *lines)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	int64_t end = fs->o->format == ST_FMT_CSV ?
	    split_csv(fs, fd, start, size, budget, lines) :
	    split_lines(fd, start, size, budget, lines);
	close(fd);
	return end;
}

static json_t *
file_plan(st_source *s, const st_source_limits *lim)
{
	file_source *fs = s->self;
	cand *v;
	size_t n;
	json_t *files = json_array();
	int64_t nfiles = 0, bytes = 0;

	if (fs->is_frozen) {
		v = fs->frozen;
		n = fs->nfrozen;
	} else {
		list_paths(fs->paths, &v, &n);
	}
	/* Everything unread, less what this batch plans, is the backlog. */
	int64_t unread_files = 0, unread_bytes = 0, whole = 0;
	for (size_t i = 0; i < n; i++) {
		seen_file *e = seen_get(fs, v[i].path);
		int64_t start = e ? e->end : 0, size = e ? e->size : v[i].size;
		if (start < size) {
			unread_files++;
			unread_bytes += size - start;
		}
	}
	for (size_t i = 0; i < n; i++) {
		seen_file *e = seen_get(fs, v[i].path);
		int64_t start = e ? e->end : 0;
		int64_t size = e ? e->size : v[i].size;
		int64_t line = e ? e->next : 1;
		if (e && start >= size)
			continue;
		if (lim->max_files && nfiles >= lim->max_files)
			break;
		int64_t end = size, lines = -1;
		if (lim->max_bytes && size - start > lim->max_bytes - bytes &&
		    fs->o->format == ST_FMT_AVRO) {
			/* An Avro file is not cut: whole, alone when it is
			 * past the budget. */
			if (nfiles > 0)
				break;
		} else if (lim->max_bytes && size - start > lim->max_bytes -
		    bytes) {
			if (nfiles > 0 && bytes >= lim->max_bytes)
				break;
			end = split_point(fs, v[i].path, start, size,
			    lim->max_bytes - bytes, &lines);
			if (end < 0)
				end = size;	/* emit() will say why */
			/* Past the budget, and not the first file: wait for
			 * the next batch rather than overshoot. */
			if (nfiles > 0 && end - start > lim->max_bytes - bytes)
				break;
		}
		json_t *f = json_object();
		json_object_set_new(f, "path", json_string(v[i].path));
		json_object_set_new(f, "start", json_integer(start));
		json_object_set_new(f, "end", json_integer(end));
		json_object_set_new(f, "line", json_integer(line));
		json_object_set_new(f, "size", json_integer(size));
		json_object_set_new(f, "mtime",
		    json_integer(v[i].mtime_ns / 1000000));
		if (end < size)
			json_object_set_new(f, "nextLine",
			    json_integer(line + lines));
		json_array_append_new(files, f);
		nfiles++;
		whole += end == size;
		bytes += end - start;
		if (lim->max_bytes && bytes >= lim->max_bytes)
			break;
	}
	if (!fs->is_frozen)
		cands_free(v, n);
	fs->backlog_files = unread_files - whole;
	fs->backlog_bytes = unread_bytes - bytes;
	fs->planned_bytes = bytes;
	if (json_array_size(files) == 0) {
		json_decref(files);
		return NULL;
	}
	json_t *r = json_object();
	json_object_set_new(r, "files", files);
	return r;
}

static int64_t
jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void
file_advance(st_source *s, json_t *range)
{
	file_source *fs = s->self;
	size_t i;
	json_t *f;

	json_array_foreach(json_object_get(range, "files"), i, f) {
		json_t *nl = json_object_get(f, "nextLine");
		seen_put(fs, json_string_value(json_object_get(f, "path")),
		    jint(f, "end"), jint(f, "size"),
		    nl ? json_integer_value(nl) : 0);
	}
}

/* Gives a CSV parser the header of a file read from the middle. */
static void
read_header(file_source *fs, int fd, const char *path)
{
	char buf[65536];
	ssize_t got = pread(fd, buf, sizeof buf, 0);

	if (got <= 0)
		return;
	char *nl = memchr(buf, '\n', (size_t)got);
	size_t len = nl ? (size_t)(nl - buf) : (size_t)got;
	if (len && buf[len - 1] == '\r')
		len--;
	if (st_parser_header(fs->parser, buf, len) < 0)
		st_warn("%s:1: cannot read the CSV header", path);
}

/* The records of an Avro object container file, as JSON objects (a
 * schema that is not a record gives {"value": v}). */
static int
emit_avro(const char *path, st_emitter *em)
{
	char err[256];
	st_avro_file *f = st_avro_file_open(path, err, sizeof err);
	st_arena ar = ST_ARENA_INIT;
	st_buf b = ST_BUF_INIT;
	st_value v;
	int rc;

	if (f == NULL) {
		st_warn("cannot read '%s': %s", path, err);
		return -1;
	}
	while ((rc = st_avro_file_next(f, &ar, &v, err, sizeof err)) > 0) {
		st_buf_reset(&b);
		if (v.type != ST_V_STRUCT) {
			st_buf_puts(&b, "{\"value\":");
			st_value_write_json(&b, &v);
			st_buf_putc(&b, '}');
		} else {
			st_value_write_json(&b, &v);
		}
		st_emitter_write(em, b.data, b.len);
		st_arena_reset(&ar);
	}
	if (rc < 0)
		st_warn("cannot read '%s': %s", path, err);
	st_avro_file_close(f);
	st_arena_release(&ar);
	st_buf_release(&b);
	return rc;
}

static int
file_emit(st_source *s, json_t *range, st_emitter *em)
{
	file_source *fs = s->self;
	size_t i;
	json_t *f;

	json_array_foreach(json_object_get(range, "files"), i, f) {
		const char *path = json_string_value(json_object_get(f,
		    "path"));
		int64_t start = jint(f, "start"), end = jint(f, "end");
		if (fs->o->format == ST_FMT_AVRO) {
			if (emit_avro(path, em) < 0)
				return -1;
			continue;
		}
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			st_warn("cannot open '%s':", path);
			return -1;
		}
		if (start > 0 && lseek(fd, start, SEEK_SET) < 0) {
			st_warn("cannot read '%s':", path);
			close(fd);
			return -1;
		}
		st_parser_start(fs->parser, path, (uint64_t)jint(f, "line"),
		    em);
		if (fs->o->format == ST_FMT_CSV && fs->o->header && start > 0)
			read_header(fs, fd, path);
		st_reader r;
		st_reader_init(&r, fd, path);
		uint64_t want = (uint64_t)(end - start);
		for (;;) {
			const char *line;
			size_t len;
			uint64_t before = r.offset;
			if (before >= want)
				break;
			int got = st_reader_getline(&r, &line, &len);
			if (got == -2)
				continue;
			if (got < 0) {
				st_warn("cannot read '%s':", path);
				st_reader_release(&r);
				close(fd);
				return -1;
			}
			if (got == 0)
				break;
			st_parser_line(fs->parser, line, len);
		}
		st_parser_finish(fs->parser);
		st_reader_release(&r);
		close(fd);
	}
	return 0;
}

static int
file_empty(st_source *s, json_t *range)
{
	(void)s;
	return json_array_size(json_object_get(range, "files")) == 0;
}

/* The files of a, then those of b; a file's piece that b continues (the
 * rest of a file split by --max-bytes-per-trigger) is joined to it. */
static json_t *
file_merge(st_source *s, json_t *a, json_t *b)
{
	json_t *m = json_deep_copy(a), *fa = json_object_get(m, "files");
	json_t *fb = json_object_get(b, "files");
	size_t i;
	json_t *f;

	(void)s;
	json_array_foreach(fb, i, f) {
		json_t *last = json_array_get(fa, json_array_size(fa) - 1);
		if (last && json_equal(json_object_get(last, "path"),
		    json_object_get(f, "path")) &&
		    jint(last, "end") == jint(f, "start")) {
			json_object_set(last, "end", json_object_get(f, "end"));
			json_object_set(last, "size",
			    json_object_get(f, "size"));
			json_object_del(last, "nextLine");
			json_t *nl = json_object_get(f, "nextLine");
			if (nl)
				json_object_set(last, "nextLine", nl);
			continue;
		}
		json_array_append(fa, f);
	}
	return m;
}

/* Copies src to dst (another file system), then removes src. */
static int
move_across(const char *src, const char *dst)
{
	st_buf b = ST_BUF_INIT;
	if (st_read_file(src, &b) < 0) {
		st_buf_release(&b);
		return -1;
	}
	int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int rc = fd < 0 || st_write_all(fd, b.data, b.len) < 0 ||
	    fsync(fd) < 0 ? -1 : 0;
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	st_buf_release(&b);
	return rc < 0 ? -1 : unlink(src);
}

static int
file_commit(st_source *s, json_t *range)
{
	file_source *fs = s->self;
	size_t i;
	json_t *f;
	st_buf dst = ST_BUF_INIT;
	int rc = 0;

	if (fs->o->clean == ST_CLEAN_OFF)
		return 0;
	json_array_foreach(json_object_get(range, "files"), i, f) {
		const char *path = json_string_value(json_object_get(f,
		    "path"));
		/* A file split over batches goes with its last part. */
		if (jint(f, "end") < jint(f, "size"))
			continue;
		if (fs->o->clean == ST_CLEAN_DELETE) {
			if (unlink(path) < 0 && errno != ENOENT) {
				st_warn("cannot delete '%s':", path);
				rc = -1;
			}
			continue;
		}
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		st_buf_reset(&dst);
		st_buf_printf(&dst, "%s/%s", fs->o->archive_dir, base);
		if (rename(path, dst.data) == 0 || errno == ENOENT)
			continue;
		if (errno == EXDEV && move_across(path, dst.data) == 0)
			continue;
		st_warn("cannot archive '%s' to '%s':", path, dst.data);
		rc = -1;
	}
	st_buf_release(&dst);
	return rc;
}

static void
file_snapshot(st_source *s)
{
	file_source *fs = s->self;

	if (fs->is_frozen)
		cands_free(fs->frozen, fs->nfrozen);
	list_paths(fs->paths, &fs->frozen, &fs->nfrozen);
	fs->is_frozen = 1;
}

static json_t *
file_save(st_source *s)
{
	file_source *fs = s->self;
	json_t *files = json_object();

	for (size_t i = 0; i < fs->tcap; i++) {
		seen_file *e = &fs->tab[i];
		if (e->path == NULL)
			continue;
		json_object_set_new(files, e->path, json_pack("[III]",
		    (json_int_t)e->end, (json_int_t)e->size,
		    (json_int_t)e->next));
	}
	return json_pack("{so}", "files", files);
}

static int
file_load(st_source *s, json_t *pos)
{
	file_source *fs = s->self;
	const char *path;
	json_t *v;

	json_object_foreach(json_object_get(pos, "files"), path, v) {
		if (!json_is_array(v) || json_array_size(v) != 3)
			return -1;
		seen_put(fs, path,
		    json_integer_value(json_array_get(v, 0)),
		    json_integer_value(json_array_get(v, 1)),
		    json_integer_value(json_array_get(v, 2)));
	}
	return 0;
}

static void
file_backlog(st_source *s, int64_t *files, int64_t *bytes,
    int64_t *planned, int64_t *records)
{
	*records = -1;
	file_source *fs = s->self;

	*files = fs->backlog_files;
	*bytes = fs->backlog_bytes;
	*planned = fs->planned_bytes;
}

static const char *
file_describe(st_source *s)
{
	return ((file_source *)s->self)->desc;
}

static void
file_free(st_source *s)
{
	file_source *fs = s->self;

	for (size_t i = 0; i < fs->tcap; i++)
		free(fs->tab[i].path);
	free(fs->tab);
	if (fs->is_frozen)
		cands_free(fs->frozen, fs->nfrozen);
	st_parser_free(fs->parser);
	free(fs->desc);
	free(fs);
}

char **
st_file_list(char *const *paths)
{
	cand *v;
	size_t n;

	list_paths(paths, &v, &n);
	char **out = st_malloc((n + 1) * sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = v[i].path;	/* ownership moves to out */
	out[n] = NULL;
	free(v);
	return out;
}

/*
 * A path without glob characters must exist, as in Spark (DataSource's
 * "Path does not exist"): a typo would otherwise read nothing, forever,
 * and exit 0. A glob may match nothing yet. With --wait-for-path a
 * missing path is waited for (until a stop signal).
 */
static int
file_start(st_source *s)
{
	file_source *fs = s->self;
	struct stat st;

	for (char *const *p = fs->paths; *p; p++) {
		if (strpbrk(*p, "*?[") != NULL)
			continue;
		while (stat(*p, &st) < 0) {
			if (errno != ENOENT && errno != ENOTDIR) {
				st_warn("cannot read '%s':", *p);
				return -1;
			}
			if (!fs->o->wait_for_path) {
				st_warn("path '%s' does not exist (use "
				    "--wait-for-path to wait for it)", *p);
				return -1;
			}
			if (st_stop_requested())
				return 0;
			struct timespec ts = { fs->o->poll / 1000000,
			    (fs->o->poll % 1000000) * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

static const st_source_vt file_vt = {
	.kind = "file",
	.replayable = 1,
	.start = file_start,
	.plan = file_plan,
	.advance = file_advance,
	.emit = file_emit,
	.empty = file_empty,
	.merge = file_merge,
	.commit = file_commit,
	.snapshot = file_snapshot,
	.save = file_save,
	.load = file_load,
	.describe = file_describe,
	.backlog = file_backlog,
	.free = file_free,
};

st_source *
st_file_source_new(const char *name, char *const *paths,
    const st_file_opts *opts)
{
	st_source *s = st_calloc(1, sizeof *s);
	file_source *fs = st_calloc(1, sizeof *fs);
	st_buf d = ST_BUF_INIT;

	fs->paths = paths;
	fs->o = opts;
	if (opts->clean == ST_CLEAN_ARCHIVE && st_mkdir_p(opts->archive_dir) < 0)
		st_die(ST_EXIT_DATA, "cannot create '%s':", opts->archive_dir);
	fs->parser = st_parser_new(opts);
	st_buf_puts(&d, "FileSource[");
	for (char *const *p = paths; *p; p++) {
		if (p != paths)
			st_buf_putc(&d, ',');
		st_buf_puts(&d, *p);
	}
	st_buf_putc(&d, ']');
	fs->desc = st_buf_detach(&d, NULL);
	s->vt = &file_vt;
	s->name = name ? st_strdup(name) : NULL;
	s->self = fs;
	return s;
}

void
st_source_free(st_source *s)
{
	if (s == NULL)
		return;
	s->vt->free(s);
	free(s->name);
	free(s);
}
