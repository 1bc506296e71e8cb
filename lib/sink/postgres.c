/* postgres.c - batches as PostgreSQL transactions that record their batch
 * id, through libpq; see sink.h. The SQLite sink's semantics (sqlite.c),
 * the columns from the records shared with it (sqltable.h). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sink.h"
#include "sqltable.h"

/* Bookkeeping rows kept per table and query behind the batch written
 * (as sqlite.c: older ids never come back). */
#define KEEP_BATCHES 100

#define BOOKKEEPING "_st_batches"

static const st_sql_dialect pg_dialect = {
	.types = {
		/* only a key column no row has brought yet */
		[ST_SQL_NULL] = "TEXT",
		[ST_SQL_INTEGER] = "BIGINT",
		[ST_SQL_REAL] = "DOUBLE PRECISION",
		[ST_SQL_TEXT] = "TEXT",
		[ST_SQL_BOOL] = "BOOLEAN",
		[ST_SQL_JSON] = "JSONB",
	},
	.dollar = 1,
	.defer_null = 1,
	.nulls_not_distinct = 1,
};

typedef struct pg_sink {
	PGconn *conn;
	char *db, *desc;
	st_sqltable t;
	int in_tx;		/* a batch's transaction is open */
	int prepared;		/* the row statement "st_row" exists */
	size_t ins_ncols;	/* ... for this many columns */
	/* The row's parameters, one per column. */
	st_buf *vals;
	const char **params;
	size_t capvals;
	st_buf sql;
} pg_sink;

/* ---- SQL ------------------------------------------------------------ */

/* The message of a failed result (or of the connection), without the
 * trailing newline; borrowed until the next call. */
static const char *
pg_message(pg_sink *p, const PGresult *r)
{
	static st_buf m;
	const char *s = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) :
	    NULL;

	if (s == NULL)
		s = PQerrorMessage(p->conn);
	st_buf_reset(&m);
	st_buf_puts(&m, s ? s : "unknown error");
	while (m.len && (m.data[m.len - 1] == '\n' || m.data[m.len - 1] ==
	    ' '))
		m.data[--m.len] = '\0';
	return m.data;
}

/* Checks a result: 0 when ok (it is cleared), -1 after the warning
 * "cannot WHAT table 'T' of 'db': message". */
static int
check(pg_sink *p, PGresult *r, const char *what)
{
	ExecStatusType st = PQresultStatus(r);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	st_warn("cannot %s table '%s' of '%s': %s", what, p->t.name, p->db,
	    pg_message(p, r));
	PQclear(r);
	return -1;
}

static int
run_sql(pg_sink *p, const char *sql, const char *what)
{
	return check(p, PQexec(p->conn, sql), what);
}

/* ---- columns -------------------------------------------------------- */

static int
create_columns(pg_sink *p)
{
	st_sqltable *t = &p->t;

	if (t->ncreated == t->ncols)
		return 0;
	if (!t->exists) {
		st_sql_create(t, 0, &p->sql);
		if (run_sql(p, p->sql.data, "create") < 0)
			return -1;
		t->exists = 1;
		t->ncreated = t->ncols;
		return 0;
	}
	for (; t->ncreated < t->ncols; t->ncreated++) {
		st_sql_create(t, t->ncreated, &p->sql);
		PGresult *r = PQexec(p->conn, p->sql.data);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			st_warn("cannot add column '%s' to table '%s' of "
			    "'%s': %s", t->cols[t->ncreated].name, t->name,
			    p->db, pg_message(p, r));
			PQclear(r);
			return -1;
		}
		PQclear(r);
	}
	return 0;
}

/* What a column of an existing table holds, from its data type. */
static st_sql_kind
kind_of_type(const char *type)
{
	if (strcmp(type, "jsonb") == 0 || strcmp(type, "json") == 0)
		return ST_SQL_JSON;
	if (strcmp(type, "boolean") == 0)
		return ST_SQL_BOOL;
	if (strcmp(type, "bigint") == 0 || strcmp(type, "integer") == 0 ||
	    strcmp(type, "smallint") == 0)
		return ST_SQL_INTEGER;
	if (strcmp(type, "double precision") == 0 ||
	    strcmp(type, "real") == 0 || strcmp(type, "numeric") == 0)
		return ST_SQL_REAL;
	return ST_SQL_TEXT;
}

/* Reads the columns of an existing table (in the current schema). */
static int
load_columns(pg_sink *p)
{
	const char *v[1] = { p->t.name };
	PGresult *r = PQexecParams(p->conn, "SELECT column_name, data_type "
	    "FROM information_schema.columns WHERE table_schema = "
	    "current_schema() AND table_name = $1 ORDER BY ordinal_position",
	    1, NULL, v, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return check(p, r, "read");
	for (int i = 0; i < PQntuples(r); i++) {
		st_sqltable_column(&p->t, PQgetvalue(r, i, 0),
		    kind_of_type(PQgetvalue(r, i, 1)));
		p->t.exists = 1;
	}
	PQclear(r);
	p->t.ncreated = p->t.ncols;
	return 0;
}

/* ---- the row statement ---------------------------------------------- */

static int
prepare_insert(pg_sink *p)
{
	st_sqltable *t = &p->t;

	if (p->prepared) {
		p->prepared = 0;
		if (run_sql(p, "DEALLOCATE st_row", "write") < 0)
			return -1;
	}
	if (t->upsert) {
		for (size_t k = 0; k < t->nkeys; k++)
			st_sqltable_column(t, t->keys[k], ST_SQL_NULL);
		if (create_columns(p) < 0)
			return -1;
		st_sql_key_index(t, &p->sql);
		if (run_sql(p, p->sql.data, "index the key columns of") < 0)
			return -1;
	}
	st_sql_insert(t, &p->sql);
	if (check(p, PQprepare(p->conn, "st_row", p->sql.data, 0, NULL),
	    "write") < 0)
		return -1;
	p->prepared = 1;
	p->ins_ncols = t->ncols;
	return 0;
}

/* ---- the sink ------------------------------------------------------- */

static int
pg_has_batch(st_sink *s, const st_sink_batch *b)
{
	pg_sink *p = s->self;
	char id[32];

	if (b->query == NULL || b->id < 0)
		return 0;
	snprintf(id, sizeof id, "%lld", (long long)b->id);
	const char *v[3] = { p->t.name, b->query, id };
	PGresult *r = PQexecParams(p->conn, "SELECT 1 FROM " BOOKKEEPING
	    " WHERE table_name = $1 AND query_id = $2 AND batch_id = $3", 3,
	    NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		st_warn("cannot read '%s' of '%s': %s", BOOKKEEPING, p->db,
		    pg_message(p, r));
		PQclear(r);
		return -1;
	}
	int found = PQntuples(r) > 0;
	PQclear(r);
	return found;
}

static int
pg_begin(st_sink *s, const st_sink_batch *b)
{
	pg_sink *p = s->self;

	if (st_sqltable_batch(&p->t, b->mode, b->keys))
		p->ins_ncols = (size_t)-1;	/* prepare again */
	if (run_sql(p, "BEGIN", "write") < 0)
		return -1;
	p->in_tx = 1;
	if (strcmp(b->mode, "complete") == 0 && p->t.exists) {
		st_buf_reset(&p->sql);
		st_buf_puts(&p->sql, "DELETE FROM ");
		st_buf_add(&p->sql, p->t.qname.data, p->t.qname.len);
		if (run_sql(p, p->sql.data, "empty") < 0)
			return -1;
	}
	return 0;
}

static int
pg_write(st_sink *s, st_record *r)
{
	pg_sink *p = s->self;
	st_sqltable *t = &p->t;

	if (st_sqltable_row(t, r) < 0)
		return 0;
	if (!t->exists && t->ncols == 0) {
		st_warn("cannot create table '%s' of '%s' from a record "
		    "without fields", t->name, p->db);
		return -1;
	}
	if (create_columns(p) < 0)
		return -1;
	if ((!p->prepared || p->ins_ncols != t->ncols) &&
	    prepare_insert(p) < 0)
		return -1;
	if (p->capvals < t->ncols) {
		size_t n = t->ncols * 2;
		p->vals = st_realloc(p->vals, n * sizeof *p->vals);
		memset(p->vals + p->capvals, 0, (n - p->capvals) *
		    sizeof *p->vals);
		p->params = st_realloc(p->params, n * sizeof *p->params);
		p->capvals = n;
	}
	for (size_t i = 0; i < t->ncols; i++)
		p->params[i] = NULL;
	for (size_t i = 0; i < t->nslots; i++) {
		const st_sql_slot *sl = &t->slots[i];
		st_sql_kind k = t->cols[sl->col].kind;
		st_buf *v = &p->vals[sl->col];
		if (st_sql_value_text(sl, k == ST_SQL_JSON, k ==
		    ST_SQL_INTEGER || k == ST_SQL_REAL, v) != 0)
			continue;
		if (strlen(v->data) != v->len) {
			st_warn("cannot write table '%s' of '%s': column '%s' "
			    "holds a string with a NUL character, which "
			    "PostgreSQL text cannot store", t->name, p->db,
			    t->cols[sl->col].name);
			return -1;
		}
		p->params[sl->col] = v->data;
	}
	return check(p, PQexecPrepared(p->conn, "st_row", (int)t->ncols,
	    p->params, NULL, NULL, 0), "write");
}

static int
pg_end(st_sink *s, const st_sink_batch *b)
{
	pg_sink *p = s->self;

	/* With a checkpoint, the batch's id goes in the same transaction
	 * as its rows. */
	if (b->query && b->id >= 0) {
		char id[32], ts[32], old[32];
		snprintf(id, sizeof id, "%lld", (long long)b->id);
		snprintf(ts, sizeof ts, "%lld", (long long)b->ts_ms);
		snprintf(old, sizeof old, "%lld",
		    (long long)(b->id + 1 - KEEP_BATCHES));
		const char *mark[4] = { p->t.name, b->query, id, ts };
		const char *prune[3] = { p->t.name, b->query, old };
		PGresult *r = PQexecParams(p->conn, "INSERT INTO " BOOKKEEPING
		    " VALUES ($1, $2, $3, $4) ON CONFLICT (table_name, "
		    "query_id, batch_id) DO UPDATE SET batch_ts = "
		    "excluded.batch_ts", 4, NULL, mark, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			PQclear(r);
			r = PQexecParams(p->conn, "DELETE FROM " BOOKKEEPING
			    " WHERE table_name = $1 AND query_id = $2 AND "
			    "batch_id < $3", 3, NULL, prune, NULL, NULL, 0);
		}
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			st_warn("cannot write '%s' of '%s': %s", BOOKKEEPING,
			    p->db, pg_message(p, r));
			PQclear(r);
			return -1;
		}
		PQclear(r);
	}
	/* synchronous_commit=on: the batch is durable when COMMIT
	 * returns. */
	PGresult *r = PQexec(p->conn, "COMMIT");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		st_warn("cannot commit batch %lld to table '%s' of '%s': %s",
		    (long long)b->id, p->t.name, p->db, pg_message(p, r));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	p->in_tx = 0;
	return 0;
}

static const char *
pg_describe(st_sink *s)
{
	return ((pg_sink *)s->self)->desc;
}

static void
pg_free(st_sink *s)
{
	pg_sink *p = s->self;

	/* An open transaction is rolled back by the server when the
	 * connection closes. */
	if (p->conn)
		PQfinish(p->conn);
	st_sqltable_release(&p->t);
	for (size_t i = 0; i < p->capvals; i++)
		st_buf_release(&p->vals[i]);
	free(p->vals);
	free(p->params);
	st_buf_release(&p->sql);
	free(p->db);
	free(p->desc);
	free(p);
}

static const st_sink_vt postgres_vt = {
	.format = "postgres",
	.idempotent = 1,
	.begin = pg_begin,
	.write = pg_write,
	.end = pg_end,
	.has_batch = pg_has_batch,
	.describe = pg_describe,
	.free = pg_free,
};

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* 1 when the connection string carries a password, 0 when not, -1 (after
 * a warning) when it does not parse. */
static int
dsn_password(const char *dsn)
{
	char *err = NULL;
	PQconninfoOption *o = PQconninfoParse(dsn, &err);
	int found = 0;

	if (o == NULL) {
		st_warn("invalid connection string '%s': %s", dsn, err ?
		    err : "out of memory");
		PQfreemem(err);
		return -1;
	}
	for (PQconninfoOption *i = o; i->keyword; i++)
		if (strcmp(i->keyword, "password") == 0 && i->val && *i->val)
			found = 1;
	PQconninfoFree(o);
	return found;
}

/* Connects, makes commits durable, creates the bookkeeping table, reads
 * the columns of an existing table. */
static int
pg_open(pg_sink *p, const char *dsn)
{
	p->conn = PQconnectdb(dsn);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		st_warn("cannot connect to '%s': %s", dsn, pg_message(p,
		    NULL));
		return -1;
	}
	PQsetNoticeProcessor(p->conn, quiet, NULL);
	p->db = st_strdup(PQdb(p->conn));
	PGresult *r = PQexec(p->conn,
	    "SET synchronous_commit = on;"
	    "SET client_min_messages = warning;"
	    "CREATE TABLE IF NOT EXISTS " BOOKKEEPING " (table_name TEXT "
	    "NOT NULL, query_id TEXT NOT NULL, batch_id BIGINT NOT NULL, "
	    "batch_ts BIGINT, PRIMARY KEY (table_name, query_id, batch_id))");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		st_warn("cannot open database '%s': %s", p->db,
		    pg_message(p, r));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return load_columns(p);
}

st_sink *
st_sink_postgres_new(const char *dsn, const char *table)
{
	int pw = dsn_password(dsn);

	if (pw < 0)
		return NULL;
	if (pw) {
		st_warn("the connection string must not hold a password "
		    "(others can read a command line): use a passfile, "
		    "PGPASSFILE or PGPASSWORD");
		return NULL;
	}
	pg_sink *p = st_calloc(1, sizeof *p);
	st_sqltable_init(&p->t, &pg_dialect, table);
	st_sink *s = st_calloc(1, sizeof *s);
	s->vt = &postgres_vt;
	s->self = p;
	if (pg_open(p, dsn) < 0) {
		if (p->db == NULL)
			p->db = st_strdup(dsn);
		st_sink_free(s);
		return NULL;
	}
	st_buf d = ST_BUF_INIT;
	st_buf_printf(&d, "PostgreSQLSink[%s:%s]", p->db, table);
	p->desc = st_buf_detach(&d, NULL);
	return s;
}
