/*
 * table.h - the static side of a stream-static join: a CSV file, a JSON
 * lines file or a SQLite table, loaded into memory, indexed on the join
 * key, and reloaded when the file changes.
 *
 * Spark joins each micro-batch with the current version of the static
 * DataFrame; st_jtable_refresh(), called at each batch begin, gives the
 * same: it compares the file's identity (device, inode, size, modification
 * time; for SQLite also the -wal file's) with the one loaded and reloads on
 * any change. Replacing the file by rename(2) (write a temporary file, then
 * mv it over) is the safe way to update it: a reader never sees half of it.
 *
 * Formats:
 *   csv     a header row names the columns; values are strings, an empty
 *           unquoted field is null (Spark's CSV reader without a schema);
 *   json    one JSON object per line; blank lines are skipped;
 *   sqlite  FILE:TABLE, every row of the table; INTEGER and REAL become
 *           numbers, TEXT strings, NULL null, BLOB a hex string.
 * With a schema (DDL, see schema.h) every row is cast to it, so a CSV
 * column can be typed ("login_id BIGINT, last_login TIMESTAMP").
 *
 * Rows are kept as JSON object text with their key values and their field
 * index (st_jside_add_fields()), so that joining does not scan them again.
 *
 * Ownership: the table borrows the schema and the key names; it owns its
 * rows and columns.
 */
#ifndef ST_JOIN_TABLE_H
#define ST_JOIN_TABLE_H

#include "malformed.h"
#include <stddef.h>
#include <stdint.h>

#include "join/cols.h"
#include "join/side.h"
#include "schema.h"

typedef enum st_jtable_format {
	ST_JTABLE_AUTO,
	ST_JTABLE_CSV,
	ST_JTABLE_JSON,
	ST_JTABLE_SQLITE
} st_jtable_format;

/* A file's identity: what tells a new version from the loaded one. */
typedef struct st_jfile_id {
	uint64_t dev, ino, size;
	int64_t mtime_ns;
	int exists;
} st_jfile_id;

typedef struct st_jtable {
	char *path;		/* the file */
	char *table;		/* SQLite: the table, else NULL */
	st_jtable_format format;
	st_malformed malformed;	/* CSV rows of the wrong width, unclosed
				 * quotes: the tool's --malformed (set it
				 * after st_jtable_init; default failfast) */
	st_schema *schema;	/* borrowed, may be NULL */
	char *const *keys;	/* borrowed: key column names (plain) */
	size_t nkeys;
	st_jside rows;		/* the rows, keyed */
	st_jcols cols;		/* every column, in order (raw names) */
	st_jfile_id id, wal_id;	/* of the version loaded */
	uint64_t version;	/* number of loads so far */
} st_jtable;

/* Parses a --static argument ("users.csv", "db.sqlite:users") and
 * prepares t; nothing is read yet. format ST_JTABLE_AUTO guesses from
 * the name (FILE:TABLE of an existing file is SQLite; .csv; .json,
 * .jsonl, .ndjson; else the first byte: '{' is JSON). Returns 0, or -1
 * with a message (static text) in *err. */
int st_jtable_init(st_jtable *t, const char *spec, st_jtable_format format,
    st_schema *schema, char *const *keys, size_t nkeys, const char **err);

void st_jtable_release(st_jtable *t);

/* Loads the table when it was never loaded or its file changed. Sets
 * *reloaded to 1 when it loaded. Returns 0, or -1 after printing why (the
 * loaded version, if any, is kept). */
int st_jtable_refresh(st_jtable *t, int *reloaded);

/* Names a format ("csv", ...) or parses one; -1 when unknown. */
const char *st_jtable_format_name(st_jtable_format f);
int st_jtable_format_parse(const char *s);

#endif
