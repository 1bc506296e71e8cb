/* sqlite.c - batches as SQLite transactions that record their batch id;
 * see sink.h. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sink.h"

/* Bookkeeping rows kept per table and query behind the batch written
 * (st-read only replays batches after the last commit, and the last 100
 * commits are kept: older ids never come back). */
#define KEEP_BATCHES 100

#define BOOKKEEPING "_st_batches"

typedef struct sq_col {
	char *name;		/* plain (unescaped) column name */
	const char *type;	/* declared type: "INTEGER", ..., "" */
} sq_col;

/* A value of the row being written, and the column it goes to. */
typedef struct sq_slot {
	size_t col;
	const char *val;	/* JSON text in the record (borrowed) */
	uint32_t vlen;
	uint8_t type;		/* st_jtype */
} sq_slot;

typedef struct sq_sink {
	sqlite3 *db;
	char *path, *table, *desc;
	st_buf qtable;		/* the table name as a quoted identifier */
	/* The table's columns; the first ncreated exist in the database. */
	sq_col *cols;
	size_t ncols, ncreated, capcols;
	int exists;		/* the table exists */
	/* This batch. */
	int upsert;		/* update mode with key columns */
	char **keys;		/* key columns, "window" expanded */
	size_t nkeys;
	int in_tx;		/* a batch's transaction is open */
	/* The row statement, for ins_ncols columns and the batch's mode. */
	sqlite3_stmt *ins;
	size_t ins_ncols;
	sqlite3_stmt *has, *mark, *prune;
	/* Per-row scratch. */
	sq_slot *slots;
	size_t nslots, capslots;
	st_fields sub;		/* the members of a window object */
	st_fields own;		/* the members of an edited record */
	st_buf name, text, line, sql;
} sq_sink;

/* ---- SQL text ------------------------------------------------------ */

/* Appends name as an SQL identifier: in double quotes, quotes doubled. */
static void
put_ident(st_buf *b, const char *name)
{
	st_buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			st_buf_putc(b, '"');
		st_buf_putc(b, *p);
	}
	st_buf_putc(b, '"');
}

/* Warns "cannot WHAT table 'T' of 'db': errmsg". */
static int
fail(sq_sink *q, const char *what)
{
	st_warn("cannot %s table '%s' of '%s': %s", what, q->table, q->path,
	    sqlite3_errmsg(q->db));
	return -1;
}

static int
run_sql(sq_sink *q, const char *sql, const char *what)
{
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(q, what);
	return 0;
}

/* ---- columns ------------------------------------------------------- */

/* The SQLite type of a column first seen with JSON value v. */
static const char *
decl_type(const char *v, uint32_t n, uint8_t type)
{
	int64_t iv;
	double dv;

	switch (type) {
	case ST_J_NUMBER:
		return st_json_number(v, n, &iv, &dv) == 1 ? "INTEGER" : "REAL";
	case ST_J_TRUE:
	case ST_J_FALSE:
		return "INTEGER";
	case ST_J_NULL:
		return "";
	default:
		return "TEXT";
	}
}

/* The column named name (matched as SQLite matches names, regardless of
 * ASCII case), added to the list with the given type when missing. */
static size_t
column(sq_sink *q, const char *name, const char *type)
{
	for (size_t i = 0; i < q->ncols; i++)
		if (sqlite3_stricmp(q->cols[i].name, name) == 0)
			return i;
	if (q->ncols == q->capcols) {
		q->capcols = q->capcols ? q->capcols * 2 : 16;
		q->cols = st_realloc(q->cols, q->capcols * sizeof *q->cols);
	}
	q->cols[q->ncols].name = st_strdup(name);
	q->cols[q->ncols].type = type;
	return q->ncols++;
}

static void
put_coldef(st_buf *b, const sq_col *c)
{
	put_ident(b, c->name);
	if (*c->type) {
		st_buf_putc(b, ' ');
		st_buf_puts(b, c->type);
	}
}

/* Makes the database hold every listed column: creates the table with
 * them, or adds the new ones. Runs inside the batch's transaction. */
static int
create_columns(sq_sink *q)
{
	if (q->ncreated == q->ncols)
		return 0;
	if (!q->exists) {
		st_buf_reset(&q->sql);
		st_buf_puts(&q->sql, "CREATE TABLE ");
		st_buf_add(&q->sql, q->qtable.data, q->qtable.len);
		st_buf_putc(&q->sql, '(');
		for (size_t i = 0; i < q->ncols; i++) {
			if (i)
				st_buf_puts(&q->sql, ", ");
			put_coldef(&q->sql, &q->cols[i]);
		}
		st_buf_putc(&q->sql, ')');
		if (run_sql(q, q->sql.data, "create") < 0)
			return -1;
		q->exists = 1;
		q->ncreated = q->ncols;
		return 0;
	}
	for (; q->ncreated < q->ncols; q->ncreated++) {
		st_buf_reset(&q->sql);
		st_buf_puts(&q->sql, "ALTER TABLE ");
		st_buf_add(&q->sql, q->qtable.data, q->qtable.len);
		st_buf_puts(&q->sql, " ADD COLUMN ");
		put_coldef(&q->sql, &q->cols[q->ncreated]);
		if (sqlite3_exec(q->db, q->sql.data, NULL, NULL, NULL) !=
		    SQLITE_OK) {
			st_warn("cannot add column '%s' to table '%s' of "
			    "'%s': %s", q->cols[q->ncreated].name, q->table,
			    q->path, sqlite3_errmsg(q->db));
			return -1;
		}
	}
	return 0;
}

/* Reads the columns of an existing table. */
static int
load_columns(sq_sink *q)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(q->db, "SELECT name FROM pragma_table_info(?)",
	    -1, &st, NULL) != SQLITE_OK)
		return fail(q, "read");
	sqlite3_bind_text(st, 1, q->table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		column(q, (const char *)sqlite3_column_text(st, 0), "");
		q->exists = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(q, "read");
	q->ncreated = q->ncols;
	return 0;
}

/* ---- the row statement --------------------------------------------- */

static int
is_key(const sq_sink *q, const char *name)
{
	for (size_t k = 0; k < q->nkeys; k++)
		if (sqlite3_stricmp(q->keys[k], name) == 0)
			return 1;
	return 0;
}

/*
 * Prepares the statement that writes a row into every column: a plain
 * INSERT, or in update mode an upsert on the key columns, which first get
 * columns of their own when rows have not brought them yet, and a unique
 * index named after them.
 */
static int
prepare_insert(sq_sink *q)
{
	st_buf *s = &q->sql;

	sqlite3_finalize(q->ins);
	q->ins = NULL;
	if (q->upsert) {
		for (size_t k = 0; k < q->nkeys; k++)
			column(q, q->keys[k], "");
		if (create_columns(q) < 0)
			return -1;
		st_buf_reset(&q->name);
		st_buf_printf(&q->name, "st_key:%s(", q->table);
		for (size_t k = 0; k < q->nkeys; k++)
			st_buf_printf(&q->name, "%s%s", k ? "," : "",
			    q->keys[k]);
		st_buf_putc(&q->name, ')');
		st_buf_reset(s);
		st_buf_puts(s, "CREATE UNIQUE INDEX IF NOT EXISTS ");
		put_ident(s, q->name.data);
		st_buf_puts(s, " ON ");
		st_buf_add(s, q->qtable.data, q->qtable.len);
		st_buf_putc(s, '(');
		for (size_t k = 0; k < q->nkeys; k++) {
			if (k)
				st_buf_puts(s, ", ");
			put_ident(s, q->keys[k]);
		}
		st_buf_putc(s, ')');
		if (run_sql(q, s->data, "index the key columns of") < 0)
			return -1;
	}
	st_buf_reset(s);
	st_buf_puts(s, "INSERT INTO ");
	st_buf_add(s, q->qtable.data, q->qtable.len);
	st_buf_putc(s, '(');
	for (size_t i = 0; i < q->ncols; i++) {
		if (i)
			st_buf_puts(s, ", ");
		put_ident(s, q->cols[i].name);
	}
	st_buf_puts(s, ") VALUES (");
	for (size_t i = 0; i < q->ncols; i++)
		st_buf_puts(s, i ? ", ?" : "?");
	st_buf_putc(s, ')');
	if (q->upsert) {
		st_buf_puts(s, " ON CONFLICT (");
		for (size_t k = 0; k < q->nkeys; k++) {
			if (k)
				st_buf_puts(s, ", ");
			put_ident(s, q->keys[k]);
		}
		st_buf_puts(s, ") DO ");
		int set = 0;
		for (size_t i = 0; i < q->ncols; i++) {
			if (is_key(q, q->cols[i].name))
				continue;
			st_buf_puts(s, set++ ? ", " : "UPDATE SET ");
			put_ident(s, q->cols[i].name);
			st_buf_puts(s, " = excluded.");
			put_ident(s, q->cols[i].name);
		}
		if (!set)
			st_buf_puts(s, "NOTHING");
	}
	if (sqlite3_prepare_v2(q->db, s->data, -1, &q->ins, NULL) !=
	    SQLITE_OK)
		return fail(q, "write");
	q->ins_ncols = q->ncols;
	return 0;
}

/* ---- values -------------------------------------------------------- */

/* Appends JSON text v[0..n) without the blanks between tokens. */
static void
compact(st_buf *b, const char *v, size_t n)
{
	int str = 0;

	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (str) {
			st_buf_putc(b, c);
			if (c == '\\' && i + 1 < n)
				st_buf_putc(b, v[++i]);
			else if (c == '"')
				str = 0;
		} else if (c == '"') {
			str = 1;
			st_buf_putc(b, c);
		} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			st_buf_putc(b, c);
		}
	}
}

static void
bind_value(sq_sink *q, const sq_slot *sl)
{
	sqlite3_stmt *st = q->ins;
	int i = (int)sl->col + 1;
	int64_t iv;
	double dv;

	switch (sl->type) {
	case ST_J_NULL:
		break;
	case ST_J_FALSE:
	case ST_J_TRUE:
		sqlite3_bind_int(st, i, sl->type == ST_J_TRUE);
		break;
	case ST_J_NUMBER:
		if (st_json_number(sl->val, sl->vlen, &iv, &dv) == 1)
			sqlite3_bind_int64(st, i, iv);
		else
			sqlite3_bind_double(st, i, dv);
		break;
	case ST_J_STRING:
		st_buf_reset(&q->text);
		st_json_unescape(sl->val + 1, sl->vlen - 2, &q->text);
		sqlite3_bind_text(st, i, q->text.data ? q->text.data : "",
		    (int)q->text.len, SQLITE_TRANSIENT);
		break;
	default:
		st_buf_reset(&q->text);
		compact(&q->text, sl->val, sl->vlen);
		sqlite3_bind_text(st, i, q->text.data, (int)q->text.len,
		    SQLITE_TRANSIENT);
	}
}

/* Sets q->name to the plain name of field f, after prefix. */
static const char *
field_name(sq_sink *q, const char *prefix, const st_field *f)
{
	st_buf_reset(&q->name);
	st_buf_puts(&q->name, prefix);
	if (f->kesc)
		st_json_unescape(f->key, f->klen, &q->name);
	else
		st_buf_add(&q->name, f->key, f->klen);
	return q->name.data ? q->name.data : "";
}

static void
add_slot(sq_sink *q, const char *name, const st_field *f)
{
	if (q->nslots == q->capslots) {
		q->capslots = q->capslots ? q->capslots * 2 : 16;
		q->slots = st_realloc(q->slots, q->capslots * sizeof *q->slots);
	}
	sq_slot *sl = &q->slots[q->nslots++];
	sl->col = column(q, name, decl_type(f->val, f->vlen, f->type));
	sl->val = f->val;
	sl->vlen = f->vlen;
	sl->type = f->type;
}

/* ---- the sink ------------------------------------------------------ */

static int
sq_has_batch(st_sink *s, const st_sink_batch *b)
{
	sq_sink *q = s->self;

	if (b->query == NULL || b->id < 0)
		return 0;
	sqlite3_reset(q->has);
	sqlite3_bind_text(q->has, 1, q->table, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->has, 2, b->query, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q->has, 3, b->id);
	int rc = sqlite3_step(q->has);
	sqlite3_reset(q->has);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	st_warn("cannot read '%s' of '%s': %s", BOOKKEEPING, q->path,
	    sqlite3_errmsg(q->db));
	return -1;
}

static void
free_keys(sq_sink *q)
{
	for (size_t k = 0; k < q->nkeys; k++)
		free(q->keys[k]);
	free(q->keys);
	q->keys = NULL;
	q->nkeys = 0;
}

static int
sq_begin(st_sink *s, const st_sink_batch *b)
{
	sq_sink *q = s->self;
	int upsert = strcmp(b->mode, "update") == 0 && b->keys && b->keys[0];
	char **keys = NULL;
	size_t nkeys = 0;

	/* The key columns, a window standing for its flattened columns. */
	for (char *const *k = upsert ? b->keys : NULL; k && *k; k++) {
		keys = st_realloc(keys, (nkeys + 2) * sizeof *keys);
		if (strcmp(*k, "window") == 0) {
			keys[nkeys++] = st_strdup("window_start");
			keys[nkeys++] = st_strdup("window_end");
		} else {
			keys[nkeys++] = st_strdup(*k);
		}
	}
	int same = upsert == q->upsert && nkeys == q->nkeys;
	for (size_t k = 0; same && k < nkeys; k++)
		same = strcmp(keys[k], q->keys[k]) == 0;
	free_keys(q);
	q->keys = keys;
	q->nkeys = nkeys;
	q->upsert = upsert;
	if (!same) {
		sqlite3_finalize(q->ins);
		q->ins = NULL;
	}
	if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return fail(q, "write");
	q->in_tx = 1;
	if (strcmp(b->mode, "complete") == 0 && q->exists) {
		st_buf_reset(&q->sql);
		st_buf_puts(&q->sql, "DELETE FROM ");
		st_buf_add(&q->sql, q->qtable.data, q->qtable.len);
		if (run_sql(q, q->sql.data, "empty") < 0)
			return -1;
	}
	return 0;
}

static int
sq_write(st_sink *s, st_record *r)
{
	sq_sink *q = s->self;
	const st_fields *f = &r->fields;
	st_json_err e;

	if (st_record_edited(r)) {
		st_buf_reset(&q->line);
		st_record_serialize(r, &q->line);
		if (st_json_scan_object(q->line.data, q->line.len, &q->own,
		    &e) < 0)
			return 0;
		f = &q->own;
	} else if (st_record_scan(r) < 0) {
		return 0;
	}
	/* Each value's column, new columns listed as they come. */
	q->nslots = 0;
	for (uint32_t i = 0; i < f->n; i++) {
		const st_field *fd = &f->v[i];
		if (fd->type == ST_J_OBJECT &&
		    st_json_key_eq(fd, "window", 6)) {
			/* Spark's window struct: window_start, window_end */
			if (st_json_scan_object(fd->val, fd->vlen, &q->sub,
			    &e) < 0)
				continue;
			for (uint32_t j = 0; j < q->sub.n; j++)
				add_slot(q, field_name(q, "window_",
				    &q->sub.v[j]), &q->sub.v[j]);
			continue;
		}
		add_slot(q, field_name(q, "", fd), fd);
	}
	if (!q->exists && q->ncols == 0) {
		st_warn("cannot create table '%s' of '%s' from a record "
		    "without fields", q->table, q->path);
		return -1;
	}
	if (create_columns(q) < 0)
		return -1;
	if ((q->ins == NULL || q->ins_ncols != q->ncols) &&
	    prepare_insert(q) < 0)
		return -1;
	sqlite3_clear_bindings(q->ins);
	for (size_t i = 0; i < q->nslots; i++)
		bind_value(q, &q->slots[i]);
	int rc = sqlite3_step(q->ins);
	sqlite3_reset(q->ins);
	if (rc != SQLITE_DONE)
		return fail(q, "write");
	return 0;
}

static int
sq_end(st_sink *s, const st_sink_batch *b)
{
	sq_sink *q = s->self;

	/* With a checkpoint, the batch's id goes in the same transaction
	 * as its rows. */
	if (b->query && b->id >= 0) {
		sqlite3_reset(q->mark);
		sqlite3_bind_text(q->mark, 1, q->table, -1, SQLITE_STATIC);
		sqlite3_bind_text(q->mark, 2, b->query, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q->mark, 3, b->id);
		sqlite3_bind_int64(q->mark, 4, b->ts_ms);
		int rc = sqlite3_step(q->mark);
		sqlite3_reset(q->mark);
		sqlite3_reset(q->prune);
		sqlite3_bind_text(q->prune, 1, q->table, -1, SQLITE_STATIC);
		sqlite3_bind_text(q->prune, 2, b->query, -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_int64(q->prune, 3, b->id + 1 - KEEP_BATCHES);
		if (rc == SQLITE_DONE)
			rc = sqlite3_step(q->prune);
		sqlite3_reset(q->prune);
		if (rc != SQLITE_DONE) {
			st_warn("cannot write '%s' of '%s': %s", BOOKKEEPING,
			    q->path, sqlite3_errmsg(q->db));
			return -1;
		}
	}
	/* synchronous=FULL: the batch is on disk when COMMIT returns. */
	if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		st_warn("cannot commit batch %lld to table '%s' of '%s': %s",
		    (long long)b->id, q->table, q->path,
		    sqlite3_errmsg(q->db));
		return -1;
	}
	q->in_tx = 0;
	return 0;
}

static const char *
sq_describe(st_sink *s)
{
	return ((sq_sink *)s->self)->desc;
}

static void
sq_free(st_sink *s)
{
	sq_sink *q = s->self;

	sqlite3_finalize(q->ins);
	sqlite3_finalize(q->has);
	sqlite3_finalize(q->mark);
	sqlite3_finalize(q->prune);
	if (q->in_tx)
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(q->db);
	for (size_t i = 0; i < q->ncols; i++)
		free(q->cols[i].name);
	free(q->cols);
	free_keys(q);
	free(q->slots);
	st_fields_release(&q->sub);
	st_fields_release(&q->own);
	st_buf_release(&q->qtable);
	st_buf_release(&q->name);
	st_buf_release(&q->text);
	st_buf_release(&q->line);
	st_buf_release(&q->sql);
	free(q->path);
	free(q->table);
	free(q->desc);
	free(q);
}

static const st_sink_vt sqlite_vt = {
	.format = "sqlite",
	.idempotent = 1,
	.begin = sq_begin,
	.write = sq_write,
	.end = sq_end,
	.has_batch = sq_has_batch,
	.describe = sq_describe,
	.free = sq_free,
};

/* Opens the database: durable commits, the bookkeeping table, the
 * statements on it, the columns of an existing table. */
static int
sq_open(sq_sink *q)
{
	static const char setup[] =
	    "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "CREATE TABLE IF NOT EXISTS " BOOKKEEPING " (table_name TEXT "
	    "NOT NULL, query_id TEXT NOT NULL, batch_id INTEGER NOT NULL, "
	    "batch_ts INTEGER, PRIMARY KEY (table_name, query_id, batch_id))";

	if (sqlite3_open_v2(q->path, &q->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(q->db, 5000) != SQLITE_OK ||
	    sqlite3_exec(q->db, setup, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, "SELECT 1 FROM " BOOKKEEPING
	    " WHERE table_name = ? AND query_id = ? AND batch_id = ?", -1,
	    &q->has, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, "INSERT OR REPLACE INTO " BOOKKEEPING
	    " VALUES (?, ?, ?, ?)", -1, &q->mark, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, "DELETE FROM " BOOKKEEPING
	    " WHERE table_name = ? AND query_id = ? AND batch_id < ?", -1,
	    &q->prune, NULL) != SQLITE_OK) {
		st_warn("cannot open '%s': %s", q->path, q->db ?
		    sqlite3_errmsg(q->db) : "out of memory");
		return -1;
	}
	return load_columns(q);
}

st_sink *
st_sink_sqlite_new(const char *path, const char *table)
{
	sq_sink *q = st_calloc(1, sizeof *q);
	st_buf d = ST_BUF_INIT;

	q->path = st_strdup(path);
	q->table = st_strdup(table);
	put_ident(&q->qtable, table);
	st_buf_printf(&d, "SQLiteSink[%s:%s]", path, table);
	q->desc = st_buf_detach(&d, NULL);
	st_sink *s = st_calloc(1, sizeof *s);
	s->vt = &sqlite_vt;
	s->self = q;
	if (sq_open(q) < 0) {
		st_sink_free(s);
		return NULL;
	}
	return s;
}
