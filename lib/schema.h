/*
 * schema.h - Spark DDL schemas, and casting records to them.
 *
 * A schema is the text a Spark user passes to .schema() or from_json():
 *
 *     InvoiceNumber STRING, CreatedTime BIGINT, ItemPrice DOUBLE
 *
 * Grammar: fields separated by commas; a field is a name (a plain
 * identifier or a `backquoted` one, where `` is a backquote), an optional
 * ':' and a type. Type names are case-insensitive:
 *
 *     BOOLEAN (BOOL)   INT (INTEGER, SMALLINT, SHORT, TINYINT, BYTE)
 *     BIGINT (LONG)    DOUBLE (FLOAT, REAL)    STRING (VARCHAR(n), CHAR(n))
 *     TIMESTAMP        DATE    DECIMAL[(p[, s])] (DEC, NUMERIC)
 *     ARRAY<T>         STRUCT<name: T, ...>
 *
 * DECIMAL alone is DECIMAL(10,0); precision is capped at 18 (see value.h).
 * NOT NULL and COMMENT '...' are not supported and are rejected with a
 * message that says so. Duplicate field names (ignoring case) are errors.
 *
 * Applying a schema turns a record, or a list of CSV string fields, into
 * typed JSON object text: each schema field, in schema order, cast to its
 * type with st_value_cast() (Spark's cast rules), absent fields as null,
 * fields not in the schema dropped. A value that does not cast is not
 * hidden: it is written as null and reported in an st_schema_fail, so the
 * caller applies its malformed-record policy:
 *
 *     st_schema_fail f;
 *     st_buf_reset(&out);
 *     if (st_schema_apply_json(s, line, len, &out, &f) < 0)
 *             st_warn("%s:%llu: field '%s': %s", path, lineno,
 *                 f.name ? f.name : "?", f.msg);
 *
 * Ownership: st_schema_parse() returns a new schema (st_schema_free()); the
 * names and types it hands out are borrowed from it.
 */
#ifndef ST_SCHEMA_H
#define ST_SCHEMA_H

#include <stddef.h>

#include "buf.h"
#include "json.h"
#include "value.h"

typedef struct st_schema_field {
	const char *name;	/* plain (unescaped) name, NUL-terminated */
	size_t nlen;
	const st_type *type;
	const char *jkey;	/* the name as a JSON string, quotes included */
	size_t jklen;
} st_schema_field;

typedef struct st_schema {
	st_schema_field *fields;
	size_t n;
	st_type as_struct;	/* STRUCT<the fields>, for casts */
	st_arena arena;		/* names and types */
	st_arena scratch;	/* per-apply working memory */
	st_fields scan;		/* per-apply scanned input */
} st_schema;

/* A parse error: col is the 1-based column of the offending text in the
 * DDL string, msg a lowercase sentence without the column. */
typedef struct st_schema_error {
	size_t col;
	char msg[200];
} st_schema_error;

/*
 * Parses a DDL string. Returns a new schema, or NULL with *err filled:
 * "unknown type 'STRNG' (did you mean 'STRING'?)", "expected a type after
 * 'a'", "NOT NULL is not supported", "duplicate field 'a'".
 */
st_schema *st_schema_parse(const char *ddl, st_schema_error *err);
void st_schema_free(st_schema *s);

/* Appends the schema's canonical DDL text ("a STRING, b BIGINT"). */
void st_schema_format(st_buf *b, const st_schema *s);

/* Index of the field named name (exact, then ASCII case-insensitive), or
 * -1. */
int st_schema_find(const st_schema *s, const char *name, size_t len);

typedef enum st_schema_fail_kind {
	ST_SCHEMA_OK,
	ST_SCHEMA_BAD_VALUE,	/* a value does not cast to its type */
	ST_SCHEMA_NOT_OBJECT,	/* JSON input that is not an object */
	ST_SCHEMA_TOO_FEW,	/* CSV: fewer fields than the schema */
	ST_SCHEMA_TOO_MANY	/* CSV: more fields than the schema */
} st_schema_fail_kind;

/* Why applying a schema failed (the first failure of the record). */
typedef struct st_schema_fail {
	st_schema_fail_kind kind;
	int field;		/* index of the failing field, or -1 */
	const char *name;	/* its name (borrowed from the schema) or NULL */
	char msg[256];		/* "cannot cast 'abc' to BIGINT" */
} st_schema_fail;

/*
 * Applies the schema to the JSON object text obj[0..n): appends the typed
 * object to out and returns 0, or returns -1 with *fail filled. On a
 * BAD_VALUE failure the object is still appended complete, the failing
 * field (and any later failing one) written as null, so PERMISSIVE callers
 * can use it; on NOT_OBJECT nothing is appended. Input field names match
 * schema names exactly, else ignoring ASCII case (as Spark). JSON strings
 * are cast with Spark's string casts ("12" to INT is 12); numbers,
 * objects and arrays read as a STRING keep their JSON text.
 */
int st_schema_apply_json(st_schema *s, const char *obj, size_t n,
    st_buf *out, st_schema_fail *fail);

/*
 * Applies the schema to CSV string fields vals[i] (lens[i] bytes; NULL or
 * empty means null, as Spark's CSV reader with nullValue ""), by position.
 * Appends the typed object to out; returns 0 or -1 with *fail filled.
 * Missing trailing fields are written as null and reported as TOO_FEW;
 * extra fields are dropped and reported as TOO_MANY (the object is still
 * complete in both cases).
 */
int st_schema_apply_strings(st_schema *s, const char *const *vals,
    const size_t *lens, size_t nvals, st_buf *out, st_schema_fail *fail);

/*
 * Casts a value to field i's type and appends it as JSON text. Used by
 * from_json/from_csv. Returns 0, or -1 (null written) when it does not
 * cast.
 */
int st_schema_put_value(st_schema *s, size_t i, const st_value *v,
    st_buf *out);

#endif
