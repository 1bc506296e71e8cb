/*
 * csv.h - the one CSV dialect of the toolkit: how st-read, st-join
 * --static, schema inference and from_csv read CSV, and how to_csv and
 * st-sink --format csv write it, so that the same file means the same
 * values everywhere.
 *
 * The defaults are Spark's (CSVOptions, with univocity's reader and
 * writer):
 *
 *   reading  sep ',', quote '"'; blanks around a field are kept
 *            (ignoreLeadingWhiteSpace/ignoreTrailingWhiteSpace false);
 *            an empty field, quoted or not, is null (nullValue and
 *            emptyValue are both ""); inside quotes a quote is escaped as
 *            \" (escape '\') or, as RFC 4180, doubled.
 *   writing  a null is nothing, an empty string is "" (emptyValue);
 *            blanks around a value are dropped (the write side's
 *            ignore*WhiteSpace is true); a value holding the separator, a
 *            quote or a line break is quoted, a quote in it escaped as \"
 *            (escapeQuotes, escape '\').
 *
 * Reading goes through libcsv, set up here; the \" escape is turned into
 * libcsv's doubled quote on the way in.
 *
 *     st_csv_reader r;
 *     st_csv_reader_init(&r, &st_csv_spark);
 *     st_csv_feed(&r, buf, len, on_field, on_row, ud);  // as often as needed
 *     st_csv_finish(&r, on_field, on_row, ud);
 *     st_csv_reader_release(&r);
 *
 * on_field gets each field as (text, length) with NULL text for a null;
 * on_row is called at the end of each record.
 */
#ifndef ST_CSV_H
#define ST_CSV_H

#include <csv.h>
#include <stddef.h>

#include "buf.h"

typedef struct st_csv_dialect {
	char sep;		/* ',' */
	char quote;		/* '"' */
	char escape;		/* '\\': escapes a quote inside quotes */
} st_csv_dialect;

/* Spark's defaults. */
extern const st_csv_dialect st_csv_spark;

/* A dialect with sep and quote (0: the default). */
st_csv_dialect st_csv_dialect_of(char sep, char quote);

typedef void (*st_csv_field_fn)(void *text, size_t len, void *ud);
typedef void (*st_csv_row_fn)(int c, void *ud);

typedef struct st_csv_reader {
	struct csv_parser p;
	st_csv_dialect d;
	/* The escape translation's state across feeds. */
	int inq;		/* inside a quoted field */
	int esc;		/* an escape char was the last byte inside quotes */
	int qseen;		/* a quote inside quotes was the last byte */
	int fstart;		/* at the start of a field */
	st_buf tmp;
} st_csv_reader;

/* Returns 0, or -1 when out of memory. */
int st_csv_reader_init(st_csv_reader *r, const st_csv_dialect *d);
void st_csv_reader_release(st_csv_reader *r);
/* Forgets a partial record and starts afresh (a new file, an error). */
void st_csv_reader_reset(st_csv_reader *r);

/* Parses s[0..n). Returns 0, or -1 on a CSV error (see
 * st_csv_strerror). */
int st_csv_feed(st_csv_reader *r, const char *s, size_t n,
    st_csv_field_fn f, st_csv_row_fn row, void *ud);
/* Ends the input: a last record without a newline is delivered. */
int st_csv_finish(st_csv_reader *r, st_csv_field_fn f, st_csv_row_fn row,
    void *ud);
const char *st_csv_strerror(const st_csv_reader *r);

/*
 * Appends one field as Spark's writer does (see the top); isnull writes
 * a null. The separator between fields is the caller's.
 */
void st_csv_put_field(st_buf *b, const st_csv_dialect *d, const char *s,
    size_t n, int isnull);

#endif
