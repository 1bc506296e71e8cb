/* table.c - the static side of a stream-static join; see table.h. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "csv.h"
#include "err.h"
#include "io.h"
#include "join/key.h"
#include "join/table.h"

static const char *format_names[] = { "auto", "csv", "json", "sqlite" };

const char *
st_jtable_format_name(st_jtable_format f)
{
	return format_names[f];
}

int
st_jtable_format_parse(const char *s)
{
	for (size_t i = 0; i < sizeof format_names / sizeof *format_names; i++)
		if (strcmp(s, format_names[i]) == 0)
			return (int)i;
	if (strcmp(s, "jsonl") == 0 || strcmp(s, "ndjson") == 0)
		return ST_JTABLE_JSON;
	return -1;
}

static int
is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int
st_jtable_init(st_jtable *t, const char *spec, st_jtable_format format,
    st_schema *schema, char *const *keys, size_t nkeys, const char **err)
{
	memset(t, 0, sizeof *t);
	t->schema = schema;
	t->keys = keys;
	t->nkeys = nkeys;
	st_jside_init(&t->rows, nkeys);

	/* FILE:TABLE names a SQLite table when FILE exists and the whole
	 * text does not (a file name may contain ':'). */
	const char *colon = strrchr(spec, ':');
	if (colon && colon[1] && !is_file(spec)) {
		char *file = st_strndup(spec, colon - spec);
		if (format == ST_JTABLE_SQLITE ||
		    (format == ST_JTABLE_AUTO && is_file(file))) {
			t->path = file;
			t->table = st_strdup(colon + 1);
			t->format = ST_JTABLE_SQLITE;
			return 0;
		}
		free(file);
	}
	t->path = st_strdup(spec);
	if (format == ST_JTABLE_SQLITE) {
		*err = "a SQLite table is given as FILE:TABLE";
		return -1;
	}
	if (format == ST_JTABLE_AUTO) {
		if (ends_with(spec, ".csv"))
			format = ST_JTABLE_CSV;
		else if (ends_with(spec, ".json") || ends_with(spec, ".jsonl") ||
		    ends_with(spec, ".ndjson"))
			format = ST_JTABLE_JSON;
		else if (ends_with(spec, ".db") || ends_with(spec, ".sqlite") ||
		    ends_with(spec, ".sqlite3")) {
			*err = "a SQLite table is given as FILE:TABLE";
			return -1;
		}
	}
	t->format = format;	/* AUTO left: sniffed at load */
	return 0;
}

void
st_jtable_release(st_jtable *t)
{
	st_jside_release(&t->rows);
	st_jcols_release(&t->cols);
	free(t->path);
	free(t->table);
}

static void
file_id(const char *path, st_jfile_id *id)
{
	struct stat st;

	memset(id, 0, sizeof *id);
	if (stat(path, &st) < 0)
		return;
	id->exists = 1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
	    st.st_mtim.tv_nsec;
}

/* A load in progress: the new rows go to a fresh side so that a failed
 * load keeps the old version. */
typedef struct loader {
	st_jtable *t;
	st_jside rows;
	st_jcols cols;
	st_arena arena;
	st_fields scan;
	st_buf typed;
	st_value *kv;
	const char *what;	/* file name for messages */
} loader;

/* Adds one row given as JSON object text; where names it for messages. */
static int
add_row(loader *ld, const char *obj, size_t len, const char *where)
{
	st_json_err je;

	if (ld->t->schema) {
		st_schema_fail f;
		st_buf_reset(&ld->typed);
		if (st_schema_apply_json(ld->t->schema, obj, len, &ld->typed,
		    &f) < 0) {
			st_warn("%s: field '%s': %s", where,
			    f.name ? f.name : "?", f.msg);
			return -1;
		}
		obj = ld->typed.data;
		len = ld->typed.len;
	}
	if (st_json_scan_object(obj, len, &ld->scan, &je) < 0) {
		st_warn("%s:%zu: malformed record: %s", where, je.offset + 1,
		    je.msg);
		return -1;
	}
	st_jcols_add_fields(&ld->cols, &ld->scan);
	st_arena_reset(&ld->arena);
	st_jkey_from_fields(&ld->arena, &ld->scan, ld->t->keys, ld->t->nkeys,
	    ld->kv);
	/* The field index is kept: each joined row is written from it. */
	st_jside_add_fields(&ld->rows, obj, len, &ld->scan, ld->kv,
	    st_jkey_hash(ld->kv, ld->t->nkeys), 0);
	return 0;
}

/* ---- JSON lines ---------------------------------------------------- */

static int
load_json(loader *ld, const st_buf *data)
{
	const char *p = data->data, *end = data->data + data->len;
	size_t lineno = 0;
	st_buf where = ST_BUF_INIT;
	int rc = 0;

	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', end - p);
		const char *e = nl ? nl : end;
		lineno++;
		const char *q = p;
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < e) {
			st_buf_reset(&where);
			st_buf_printf(&where, "%s:%zu", ld->what, lineno);
			rc = add_row(ld, p, e - p, where.data);
		}
		p = e + 1;
	}
	st_buf_release(&where);
	return rc;
}

/* ---- CSV ----------------------------------------------------------- */

typedef struct csv_state {
	loader *ld;
	char **header;
	size_t nheader;
	int have_header;
	/* the row being read */
	st_buf *vals;
	int *isnull;
	size_t nvals, cap;
	size_t rowno;
	size_t line;		/* the line being parsed (1-based) */
	size_t row_line;	/* the line the current row began on */
	size_t dropped;		/* malformed rows dropped */
	st_buf obj;
	int failed;
} csv_state;

/*
 * Spark's header names (CSVUtils.makeSafeHeader, case-insensitive as
 * spark.sql.caseSensitive is by default): an empty name becomes _cI and a
 * name that occurs twice, ignoring case, gets its index appended (a, A ->
 * a0, A1), I being the column's 0-based index. Never two columns of one
 * name, which a JSON record could not hold.
 */
static char **
safe_header(const st_buf *vals, size_t n)
{
	char **h = st_calloc(n + 1, sizeof *h);

	for (size_t i = 0; i < n; i++) {
		st_buf b = ST_BUF_INIT;
		int dup = 0;
		for (size_t k = 0; k < n && !dup && vals[i].len > 0; k++)
			dup = k != i && vals[k].len > 0 &&
			    strcasecmp(vals[k].data, vals[i].data) == 0;
		if (vals[i].len == 0)
			st_buf_printf(&b, "_c%zu", i);
		else if (dup)
			st_buf_printf(&b, "%s%zu", vals[i].data, i);
		else
			st_buf_puts(&b, vals[i].data);
		h[i] = st_buf_detach(&b, NULL);
	}
	return h;
}

static void
csv_field(void *s, size_t len, void *data)
{
	csv_state *cs = data;

	if (cs->nvals == cs->cap) {
		size_t n = cs->cap ? cs->cap * 2 : 16;
		cs->vals = st_realloc(cs->vals, n * sizeof *cs->vals);
		cs->isnull = st_realloc(cs->isnull, n * sizeof *cs->isnull);
		for (size_t i = cs->cap; i < n; i++)
			cs->vals[i] = (st_buf)ST_BUF_INIT;
		cs->cap = n;
	}
	st_buf_reset(&cs->vals[cs->nvals]);
	st_buf_add(&cs->vals[cs->nvals], s ? s : "", s ? len : 0);
	/* An empty field, quoted or not, comes as NULL (csv.h). */
	cs->isnull[cs->nvals] = s == NULL;
	cs->nvals++;
}

static void
csv_row(int c, void *data)
{
	csv_state *cs = data;
	(void)c;

	cs->rowno++;
	size_t at = cs->row_line;
	cs->row_line = cs->line + 1;
	if (cs->failed) {
		cs->nvals = 0;
		return;
	}
	if (!cs->have_header) {
		cs->header = safe_header(cs->vals, cs->nvals);
		cs->nheader = cs->nvals;
		cs->have_header = 1;
		cs->nvals = 0;
		return;
	}
	/* A row whose field count is not the header's: the malformed policy
	 * decides, as st-read's (failfast by default). */
	if (cs->nvals != cs->nheader) {
		switch (cs->ld->t->malformed) {
		case ST_MALFORMED_FAILFAST:
			st_warn("%s:%zu: malformed record: %zu field%s, the "
			    "header has %zu (use --malformed dropmalformed or "
			    "permissive to go on)", cs->ld->what, at,
			    cs->nvals, cs->nvals == 1 ? "" : "s",
			    cs->nheader);
			cs->failed = 1;
			cs->nvals = 0;
			return;
		case ST_MALFORMED_DROP:
			cs->dropped++;
			cs->nvals = 0;
			return;
		case ST_MALFORMED_PERMISSIVE:
			/* missing fields null, extra ones ignored (Spark) */
			if (cs->nvals > cs->nheader)
				cs->nvals = cs->nheader;
			break;
		}
	}
	st_objw w;
	st_buf_reset(&cs->obj);
	st_objw_begin(&w, &cs->obj);
	for (size_t i = 0; i < cs->nheader; i++) {
		st_objw_key(&w, cs->header[i]);
		if (i >= cs->nvals || cs->isnull[i])
			st_buf_puts(&cs->obj, "null");
		else
			st_buf_put_json_string(&cs->obj, cs->vals[i].data,
			    cs->vals[i].len);
	}
	st_objw_end(&w);
	st_buf where = ST_BUF_INIT;
	st_buf_printf(&where, "%s:%zu", cs->ld->what, at);
	if (add_row(cs->ld, cs->obj.data, cs->obj.len, where.data) < 0)
		cs->failed = 1;
	st_buf_release(&where);
	cs->nvals = 0;
}

static int
load_csv(loader *ld, const st_buf *data)
{
	st_csv_reader p;
	csv_state cs;

	memset(&cs, 0, sizeof cs);
	cs.ld = ld;
	cs.row_line = 1;
	/* The toolkit's one dialect (csv.h), as st-read: blanks kept. */
	if (st_csv_reader_init(&p, &st_csv_spark) != 0)
		st_die(ST_EXIT_DATA, "out of memory");
	/* Line by line, so that messages name the line a row began on. */
	const char *q = data->data, *end = data->data + data->len;
	int bad = 0;
	while (q < end && !bad) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		size_t len = nl ? (size_t)(nl - q) + 1 : (size_t)(end - q);
		cs.line++;
		bad = st_csv_feed(&p, q, len, csv_field, csv_row, &cs) < 0;
		q += len;
	}
	/* libcsv's state FIELD_BEGUN (2) in a quoted field at the end: the
	 * closing quote never came. */
	if (!bad && !cs.failed && p.p.quoted && p.p.pstate == 2) {
		if (ld->t->malformed == ST_MALFORMED_FAILFAST) {
			st_warn("%s:%zu: malformed record: a quoted field is "
			    "not closed (use --malformed dropmalformed or "
			    "permissive to go on)", ld->what, cs.row_line);
			cs.failed = 1;
		} else if (ld->t->malformed == ST_MALFORMED_DROP) {
			cs.dropped++;
			cs.failed = 2;	/* the row is not added below */
		}
	}
	if (bad || st_csv_finish(&p, csv_field, csv_row, &cs) < 0) {
		st_warn("%s:%zu: invalid CSV: %s", ld->what, cs.row_line,
		    st_csv_strerror(&p));
		cs.failed = 1;
	}
	if (cs.failed == 2)
		cs.failed = 0;
	st_csv_reader_release(&p);
	if (cs.dropped)
		st_warn("%s: dropped %zu malformed row%s", ld->what,
		    cs.dropped, cs.dropped == 1 ? "" : "s");
	if (!cs.failed && !cs.have_header) {
		st_warn("%s: no header row", ld->what);
		cs.failed = 1;
	}
	/* A table with only a header still has its columns. */
	for (size_t i = 0; !cs.failed && i < cs.nheader; i++)
		st_jcols_add_plain(&ld->cols, cs.header[i]);
	st_strs_free(cs.header, cs.nheader);
	for (size_t i = 0; i < cs.cap; i++)
		st_buf_release(&cs.vals[i]);
	free(cs.vals);
	free(cs.isnull);
	st_buf_release(&cs.obj);
	return cs.failed ? -1 : 0;
}

/* ---- SQLite -------------------------------------------------------- */

static int
load_sqlite(loader *ld)
{
	st_jtable *t = ld->t;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	st_buf q = ST_BUF_INIT, obj = ST_BUF_INIT, where = ST_BUF_INIT;
	int rc = -1;

	if (sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		st_warn("cannot open '%s': %s", t->path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	st_buf_puts(&q, "SELECT * FROM \"");
	for (const char *p = t->table; *p; p++) {
		if (*p == '"')
			st_buf_putc(&q, '"');
		st_buf_putc(&q, *p);
	}
	st_buf_putc(&q, '"');
	if (sqlite3_prepare_v2(db, q.data, -1, &st, NULL) != SQLITE_OK) {
		st_warn("cannot read table '%s' of '%s': %s", t->table,
		    t->path, sqlite3_errmsg(db));
		goto out;
	}
	int ncol = sqlite3_column_count(st);
	for (int i = 0; i < ncol; i++)
		st_jcols_add_plain(&ld->cols, sqlite3_column_name(st, i));
	size_t rowno = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		st_objw w;
		st_buf_reset(&obj);
		st_objw_begin(&w, &obj);
		rowno++;
		for (int i = 0; i < ncol; i++) {
			st_objw_key(&w, sqlite3_column_name(st, i));
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				st_buf_put_i64(&obj,
				    sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				st_buf_put_double(&obj,
				    sqlite3_column_double(st, i));
				break;
			case SQLITE_TEXT:
				st_buf_put_json_string(&obj,
				    (const char *)sqlite3_column_text(st, i),
				    sqlite3_column_bytes(st, i));
				break;
			case SQLITE_BLOB: {
				const unsigned char *b =
				    sqlite3_column_blob(st, i);
				int n = sqlite3_column_bytes(st, i);
				st_buf_putc(&obj, '"');
				for (int j = 0; j < n; j++)
					st_buf_printf(&obj, "%02x", b[j]);
				st_buf_putc(&obj, '"');
				break;
			}
			default:
				st_buf_puts(&obj, "null");
			}
		}
		st_objw_end(&w);
		st_buf_reset(&where);
		st_buf_printf(&where, "%s: row %zu", ld->what, rowno);
		if (add_row(ld, obj.data, obj.len, where.data) < 0)
			goto out;
	}
	if (s != SQLITE_DONE) {
		st_warn("cannot read table '%s' of '%s': %s", t->table,
		    t->path, sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	st_buf_release(&q);
	st_buf_release(&obj);
	st_buf_release(&where);
	return rc;
}

int
st_jtable_refresh(st_jtable *t, int *reloaded)
{
	st_jfile_id id, wal;
	st_buf walpath = ST_BUF_INIT;

	*reloaded = 0;
	file_id(t->path, &id);
	memset(&wal, 0, sizeof wal);
	if (t->format == ST_JTABLE_SQLITE) {
		st_buf_printf(&walpath, "%s-wal", t->path);
		file_id(walpath.data, &wal);
	}
	st_buf_release(&walpath);
	if (t->version > 0 && memcmp(&id, &t->id, sizeof id) == 0 &&
	    memcmp(&wal, &t->wal_id, sizeof wal) == 0)
		return 0;

	loader ld;
	memset(&ld, 0, sizeof ld);
	ld.t = t;
	ld.what = t->path;
	st_jside_init(&ld.rows, t->nkeys);
	ld.kv = st_calloc(t->nkeys + 1, sizeof *ld.kv);
	int rc;
	if (t->format == ST_JTABLE_SQLITE) {
		if (!id.exists) {
			errno = ENOENT;
			st_warn("cannot open '%s':", t->path);
			rc = -1;
		} else {
			rc = load_sqlite(&ld);
		}
	} else {
		st_buf data = ST_BUF_INIT;
		if (st_read_file(t->path, &data) < 0) {
			st_warn("cannot open '%s':", t->path);
			rc = -1;
		} else {
			/* A byte order mark opening the file is no data. */
			if (data.len >= 3 && memcmp(data.data, ST_BOM, 3) == 0) {
				memmove(data.data, data.data + 3,
				    data.len - 3 + 1);
				data.len -= 3;
			}
			st_jtable_format f = t->format;
			if (f == ST_JTABLE_AUTO) {
				const char *p = data.data;
				while (*p == ' ' || *p == '\n' || *p == '\t' ||
				    *p == '\r')
					p++;
				f = *p == '{' ? ST_JTABLE_JSON : ST_JTABLE_CSV;
			}
			rc = f == ST_JTABLE_CSV ? load_csv(&ld, &data) :
			    load_json(&ld, &data);
		}
		st_buf_release(&data);
	}
	if (rc == 0) {
		st_jside_release(&t->rows);
		t->rows = ld.rows;
		st_jcols_release(&t->cols);
		t->cols = ld.cols;
		t->id = id;
		t->wal_id = wal;
		t->version++;
		*reloaded = 1;
	} else {
		st_jside_release(&ld.rows);
		st_jcols_release(&ld.cols);
	}
	st_arena_release(&ld.arena);
	st_fields_release(&ld.scan);
	st_buf_release(&ld.typed);
	free(ld.kv);
	return rc;
}
