/*
 * sqltable.h - records as rows of an SQL table: what the SQL sinks
 * (sqlite.c, postgres.c) share.
 *
 * A table's columns follow the records: one column per member, in order of
 * first appearance, typed from the member's first JSON value (st_sql_kind);
 * a "window" object is flattened into window_start, window_end (any member
 * m into window_m), and a key column "window" stands for those two. A
 * sink turns each record into slots (a value and the column it goes to)
 * with st_sqltable_row(), creates the columns still missing with the SQL
 * text st_sql_create() gives, and binds the slots to the statement
 * st_sql_insert() gives: a plain INSERT, or in update mode with key columns
 * an upsert on them (INSERT ... ON CONFLICT (keys) DO UPDATE SET every
 * other column = excluded.column), whose unique index st_sql_key_index()
 * creates. Identifiers are always quoted (st_sql_ident), values always
 * bound, never spliced into SQL text.
 *
 * The SQL dialect differs by a few words, given by st_sql_dialect: the
 * type name of each kind, the placeholder ("?" or "$N"), how names
 * compare, whether a column first seen with null waits for a typed value.
 *
 * Ownership: the table owns its columns and scratch, released by
 * st_sqltable_release(); slots borrow the record's bytes (valid until the
 * next st_sqltable_row call or the record's next line).
 */
#ifndef ST_SINK_SQLTABLE_H
#define ST_SINK_SQLTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "record.h"

/* What a column holds, from the first JSON value seen in it. */
typedef enum st_sql_kind {
	ST_SQL_NULL,		/* only nulls so far */
	ST_SQL_INTEGER,		/* an integer */
	ST_SQL_REAL,		/* another number */
	ST_SQL_TEXT,		/* a string */
	ST_SQL_BOOL,		/* true or false */
	ST_SQL_JSON,		/* an object or array: its compact JSON text */
	ST_SQL_NKINDS
} st_sql_kind;

typedef struct st_sql_dialect {
	const char *types[ST_SQL_NKINDS];	/* "" for no declared type */
	int dollar;		/* placeholders $1, $2 (else ?) */
	int nocase;		/* names match regardless of ASCII case */
	int defer_null;		/* a column is not created for a null
				 * value (it is null anyway) */
	int nulls_not_distinct;	/* the key index treats nulls as equal */
} st_sql_dialect;

typedef struct st_sql_col {
	char *name;		/* plain (unquoted) name */
	st_sql_kind kind;
} st_sql_col;

/* A value of the row, and its column. */
typedef struct st_sql_slot {
	size_t col;
	const char *val;	/* JSON text in the record (borrowed) */
	uint32_t vlen;
	uint8_t type;		/* st_jtype */
} st_sql_slot;

typedef struct st_sqltable {
	const st_sql_dialect *d;
	char *name;		/* the table, plain */
	st_buf qname;		/* the table, quoted */
	st_sql_col *cols;	/* the first ncreated exist in the database */
	size_t ncols, ncreated, capcols;
	int exists;		/* the table exists */
	/* The batch: update mode with key columns, the keys. */
	int upsert;
	char **keys;
	size_t nkeys;
	/* The row. */
	st_sql_slot *slots;
	size_t nslots, capslots;
	/* Scratch. */
	st_fields sub, own;
	st_buf fname, line;
} st_sqltable;

void st_sqltable_init(st_sqltable *t, const st_sql_dialect *d,
    const char *name);
void st_sqltable_release(st_sqltable *t);

/* The index of column name, added with kind when missing. */
size_t st_sqltable_column(st_sqltable *t, const char *name,
    st_sql_kind kind);

/* True when name is one of this batch's key columns. */
int st_sqltable_is_key(const st_sqltable *t, const char *name);

/*
 * Takes the batch's mode and keys ("window" expanded): upsert when mode is
 * update and there are keys. Returns 1 when they differ from the previous
 * batch's (the row statement must be prepared again), 0 when not.
 */
int st_sqltable_batch(st_sqltable *t, const char *mode, char *const *keys);

/*
 * Fills t->slots from record r (new columns listed, not created). Returns
 * 0, or -1 when r does not scan as an object (skip it).
 */
int st_sqltable_row(st_sqltable *t, st_record *r);

/* The kind of a column first seen with JSON value v[0..n) of type type. */
st_sql_kind st_sql_kind_of(const char *v, uint32_t n, uint8_t type);

/* Appends name as an SQL identifier: in double quotes, quotes doubled. */
void st_sql_ident(st_buf *b, const char *name);

/* Appends JSON text v[0..n) without the blanks between tokens. */
void st_sql_compact(st_buf *b, const char *v, size_t n);

/*
 * Appends a slot's value as text to b (cleared first), as the SQL sinks
 * bind it: strings unescaped, numbers as written, true/false as "true",
 * "false" (or "1", "0" with bool01), objects and arrays as compact JSON
 * text; for a JSON column (json_col), any value's compact JSON text.
 * Returns 0, or 1 for null (nothing appended).
 */
int st_sql_value_text(const st_sql_slot *sl, int json_col, int bool01,
    st_buf *b);

/*
 * SQL text, into s (cleared first):
 *   st_sql_create: "CREATE TABLE t (c1 T1, ...)" when !t->exists, else
 *     "ALTER TABLE t ADD COLUMN c T" for column i (i >= t->ncreated);
 *   st_sql_key_index: "CREATE UNIQUE INDEX IF NOT EXISTS "st_key:t(k,..)"
 *     ON t (k, ...)" for this batch's keys;
 *   st_sql_insert: the row statement for every listed column.
 */
void st_sql_create(const st_sqltable *t, size_t i, st_buf *s);
void st_sql_key_index(const st_sqltable *t, st_buf *s);
void st_sql_insert(const st_sqltable *t, st_buf *s);

#endif
