/* sqlite.c - batches as SQLite transactions that record their batch id;
 * see sink.h. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sink.h"
#include "sqltable.h"

/* Bookkeeping rows kept per table and query behind the batch written
 * (st-read only replays batches after the last commit, and the last 100
 * commits are kept: older ids never come back). */
#define KEEP_BATCHES 100

#define BOOKKEEPING "_st_batches"

static const st_sql_dialect sqlite_dialect = {
	.types = {
		[ST_SQL_NULL] = "",
		[ST_SQL_INTEGER] = "INTEGER",
		[ST_SQL_REAL] = "REAL",
		[ST_SQL_TEXT] = "TEXT",
		[ST_SQL_BOOL] = "INTEGER",
		[ST_SQL_JSON] = "TEXT",
	},
	.nocase = 1,		/* as SQLite matches column names */
};

typedef struct sq_sink {
	sqlite3 *db;
	char *path, *desc;
	st_sqltable t;		/* the table, its columns, the row */
	int in_tx;		/* a batch's transaction is open */
	/* The row statement, for ins_ncols columns and the batch's mode. */
	sqlite3_stmt *ins;
	size_t ins_ncols;
	sqlite3_stmt *has, *mark, *prune;
	st_buf text, sql;
} sq_sink;

/* Warns "cannot WHAT table 'T' of 'db': errmsg". */
static int
fail(sq_sink *q, const char *what)
{
	st_warn("cannot %s table '%s' of '%s': %s", what, q->t.name, q->path,
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

/* Makes the database hold every listed column: creates the table with
 * them, or adds the new ones. Runs inside the batch's transaction. */
static int
create_columns(sq_sink *q)
{
	st_sqltable *t = &q->t;

	if (t->ncreated == t->ncols)
		return 0;
	if (!t->exists) {
		st_sql_create(t, 0, &q->sql);
		if (run_sql(q, q->sql.data, "create") < 0)
			return -1;
		t->exists = 1;
		t->ncreated = t->ncols;
		return 0;
	}
	for (; t->ncreated < t->ncols; t->ncreated++) {
		st_sql_create(t, t->ncreated, &q->sql);
		if (sqlite3_exec(q->db, q->sql.data, NULL, NULL, NULL) !=
		    SQLITE_OK) {
			st_warn("cannot add column '%s' to table '%s' of "
			    "'%s': %s", t->cols[t->ncreated].name, t->name,
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
	sqlite3_bind_text(st, 1, q->t.name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		st_sqltable_column(&q->t,
		    (const char *)sqlite3_column_text(st, 0), ST_SQL_NULL);
		q->t.exists = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(q, "read");
	q->t.ncreated = q->t.ncols;
	return 0;
}

/* Forgets the columns listed so far and reads the table's again (inside
 * the batch's transaction). */
static int
relist_columns(sq_sink *q)
{
	for (size_t i = 0; i < q->t.ncols; i++)
		free(q->t.cols[i].name);
	q->t.ncols = q->t.ncreated = 0;
	sqlite3_finalize(q->ins);
	q->ins = NULL;
	return load_columns(q);
}

/* ---- the row statement --------------------------------------------- */

/*
 * Prepares the statement that writes a row into every column: a plain
 * INSERT, or in update mode an upsert on the key columns, which first get
 * columns of their own when rows have not brought them yet, and a unique
 * index named after them.
 */
static int
prepare_insert(sq_sink *q)
{
	st_sqltable *t = &q->t;

	sqlite3_finalize(q->ins);
	q->ins = NULL;
	if (t->upsert) {
		for (size_t k = 0; k < t->nkeys; k++)
			st_sqltable_column(t, t->keys[k], ST_SQL_NULL);
		if (create_columns(q) < 0)
			return -1;
		st_sql_key_index(t, &q->sql);
		if (run_sql(q, q->sql.data, "index the key columns of") < 0)
			return -1;
	}
	st_sql_insert(t, &q->sql);
	if (sqlite3_prepare_v2(q->db, q->sql.data, -1, &q->ins, NULL) !=
	    SQLITE_OK)
		return fail(q, "write");
	q->ins_ncols = t->ncols;
	return 0;
}

/* ---- values -------------------------------------------------------- */

static void
bind_value(sq_sink *q, const st_sql_slot *sl)
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
	default:
		st_sql_value_text(sl, 0, 1, &q->text);
		sqlite3_bind_text(st, i, q->text.data,
		    (int)q->text.len, SQLITE_TRANSIENT);
	}
}

/* ---- the sink ------------------------------------------------------ */

static int
sq_has_batch(st_sink *s, const st_sink_batch *b)
{
	sq_sink *q = s->self;

	if (b->query == NULL || b->id < 0)
		return 0;
	sqlite3_reset(q->has);
	sqlite3_bind_text(q->has, 1, q->t.name, -1, SQLITE_STATIC);
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

static int
sq_begin(st_sink *s, const st_sink_batch *b)
{
	sq_sink *q = s->self;

	if (st_sqltable_batch(&q->t, b->mode, b->keys)) {
		sqlite3_finalize(q->ins);
		q->ins = NULL;
	}
	if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return fail(q, "write");
	q->in_tx = 1;
	/* Another sink (an overlapping cron run) may have created the table
	 * since we looked: look again now that the write lock is ours, so
	 * that creating it is race-free. */
	if (!q->t.exists && relist_columns(q) < 0)
		return -1;
	if (strcmp(b->mode, "complete") == 0 && q->t.exists) {
		st_buf_reset(&q->sql);
		st_buf_puts(&q->sql, "DELETE FROM ");
		st_buf_add(&q->sql, q->t.qname.data, q->t.qname.len);
		if (run_sql(q, q->sql.data, "empty") < 0)
			return -1;
	}
	return 0;
}

static int
sq_write(st_sink *s, st_record *r)
{
	sq_sink *q = s->self;
	st_sqltable *t = &q->t;

	if (st_sqltable_row(t, r) < 0)
		return 0;
	if (!t->exists && t->ncols == 0) {
		st_warn("cannot create table '%s' of '%s' from a record "
		    "without fields", t->name, q->path);
		return -1;
	}
	if (create_columns(q) < 0)
		return -1;
	if ((q->ins == NULL || q->ins_ncols != t->ncols) &&
	    prepare_insert(q) < 0)
		return -1;
	sqlite3_clear_bindings(q->ins);
	for (size_t i = 0; i < t->nslots; i++)
		bind_value(q, &t->slots[i]);
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
		sqlite3_bind_text(q->mark, 1, q->t.name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q->mark, 2, b->query, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q->mark, 3, b->id);
		sqlite3_bind_int64(q->mark, 4, b->ts_ms);
		int rc = sqlite3_step(q->mark);
		sqlite3_reset(q->mark);
		sqlite3_reset(q->prune);
		sqlite3_bind_text(q->prune, 1, q->t.name, -1, SQLITE_STATIC);
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
		    (long long)b->id, q->t.name, q->path,
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
	st_sqltable_release(&q->t);
	st_buf_release(&q->text);
	st_buf_release(&q->sql);
	free(q->path);
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
	st_buf_init(&q->text);
	st_buf d = ST_BUF_INIT;

	q->path = st_strdup(path);
	st_sqltable_init(&q->t, &sqlite_dialect, table);
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
