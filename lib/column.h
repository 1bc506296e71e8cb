/*
 * column.h - resolving column names, one rule for the whole toolkit.
 *
 * Spark resolves names case-insensitively by default
 * (spark.sql.caseSensitive=false), and so does st, everywhere a name is
 * looked up in a record: expressions, --by, --cube, --rollup, --keys,
 * --on (both sides and a static table), --time, a sink's key columns. The
 * field named exactly so wins; else the one field whose name equals it
 * ignoring ASCII case; two or more such fields (and no exact one) are an
 * ambiguity, an error as in Spark ("Reference 'model' is ambiguous").
 *
 * A name given on the command line that no record of a batch carries is a
 * typo more often than data: st_colcheck warns about it once, with the
 * nearest field name, and counts it for the progress entry.
 *
 *     const st_field *f = st_record_column(r, "model", 5);
 *
 * Names have two spellings: the plain name a user writes and a table or a
 * CSV header shows (café, a"b), and the raw key text of a record, JSON-
 * escaped without the quotes (caf\u00e9 or café, a\"b). Every module
 * converts between them with st_column_put_name() and st_column_raw().
 *
 * Ownership: fields are borrowed from the record (record.h); names given
 * to st_colcheck_init() are borrowed and must outlive it.
 */
#ifndef ST_COLUMN_H
#define ST_COLUMN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "record.h"

/*
 * Finds name[0..len) among the top-level fields f (the last of duplicate
 * exact names, as st_record_get). Returns the field, or NULL when none
 * matches; when two differently spelt fields match ignoring case and none
 * exactly, returns NULL and sets *clash (may be NULL) to the first of them
 * and *clash2 to the second.
 */
const st_field *st_fields_column(const st_fields *f, const char *name,
    size_t len, const st_field **clash, const st_field **clash2);

/*
 * The same on a record, seeing its edits. An ambiguity is fatal: the
 * program dies (exit 1) naming the column and the two fields. Returns
 * NULL when the record has no such field or is not valid JSON.
 */
const st_field *st_record_column(st_record *r, const char *name,
    size_t len);

/* Appends the plain name of field f's key to b: its JSON escapes decoded
 * ("caf\u00e9" is "café"), or its bytes when it has none. */
void st_column_put_name(st_buf *b, const st_field *f);

/* Writes the raw key text of the plain name into b (reset first):
 * JSON-escaped (invalid UTF-8 as U+FFFD), without the quotes, as
 * st_buf_put_json_string() writes it. Returns b->data. */
const char *st_column_raw(st_buf *b, const char *name);

/* Appends name between two q, a q in it doubled: the quoted identifier
 * of DDL and Spark SQL with q '`' (`a``b` is a`b; st_type_format_name()
 * of value.h writes it for the names that need it), of standard SQL with
 * q '"' ("a""b"). */
void st_column_put_quoted(st_buf *b, const char *name, char q);

/* Reads the `quoted` name that starts at p (*p is the backtick): appends
 * the name to out, `` read as one backtick, and returns the end (past the
 * closing backtick), or NULL when nothing closes it. */
const char *st_column_read_quoted(const char *p, st_buf *out);

/* Dies (exit 1) with the ambiguity message for name, a and b. */
void st_column_ambiguous(const char *name, size_t len, const st_field *a,
    const st_field *b, uint64_t lineno);

/*
 * Tracks whether command-line columns (--by, --keys, --time ...) appear in
 * a batch: call st_colcheck_row() for each record, st_colcheck_found() for
 * each column found in it, and st_colcheck_end() at the end of the batch.
 */
typedef struct st_colcheck {
	const char *opt;		/* "--by" */
	const char *const *names;	/* borrowed */
	size_t n;
	uint8_t *seen;			/* in this batch */
	uint8_t *warned;		/* warned once already */
	uint64_t rows;			/* records in this batch */
	char **sample;			/* field names of the batch's first record */
	size_t nsample;
	uint64_t missing;		/* columns missing from the last batch */
} st_colcheck;

void st_colcheck_init(st_colcheck *c, const char *opt,
    const char *const *names, size_t n);
void st_colcheck_release(st_colcheck *c);
void st_colcheck_row(st_colcheck *c, st_record *r);
static inline void
st_colcheck_found(st_colcheck *c, size_t i)
{
	c->seen[i] = 1;
}
/*
 * Ends a batch: for each column absent from every record of a non-empty
 * batch, warns (the first time) "--by column 'modle' is in no record
 * (did you mean 'model'?); it reads as null". Returns the number of such
 * columns in this batch (kept in c->missing for the progress entry's
 * numMissingColumns) and starts the next batch.
 */
size_t st_colcheck_end(st_colcheck *c);
struct json_t;	/* jansson's json_t */

/*
 * Adds the columns c found missing in the batch just ended to the progress
 * entry obj's numMissingColumns (left out while none is missing, as in
 * every tool's progress) and clears the count, so that it is reported once.
 */
void st_colcheck_metric(st_colcheck *c, struct json_t *obj);

#endif
