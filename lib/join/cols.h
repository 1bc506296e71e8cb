/*
 * cols.h - an ordered set of column names, as the raw (JSON-escaped, no
 * quotes) key text that appears in records.
 *
 * A join needs the columns of a side to write a null-extended row: the
 * ones declared on the command line, a static table's header, or those
 * seen so far in the side's rows.
 *
 * Ownership: the set owns copies of the names.
 */
#ifndef ST_JOIN_COLS_H
#define ST_JOIN_COLS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

typedef struct st_jcols {
	char **names;		/* raw key text, NUL-terminated */
	size_t *lens;
	size_t n, cap;
} st_jcols;

void st_jcols_release(st_jcols *c);
void st_jcols_clear(st_jcols *c);

/* Index of the raw name k[0..n), or -1. */
long st_jcols_find(const st_jcols *c, const char *k, size_t n);

/* Adds the raw name k[0..n) when absent. */
void st_jcols_add(st_jcols *c, const char *k, size_t n);

/* Adds a plain (unescaped) name, escaping it (st_column_raw). */
void st_jcols_add_plain(st_jcols *c, const char *name);

/* Adds every member name of a scanned object, in order. */
void st_jcols_add_fields(st_jcols *c, const st_fields *f);

#endif
