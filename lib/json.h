/*
 * json.h - a validating JSON scanner over raw bytes.
 *
 * st reads far more JSON than it builds, so reading does not build a tree:
 * the scanner validates a document (RFC 8259, UTF-8 included, as strictly
 * as jansson; \u0000 in strings is accepted, as jansson's JSON_ALLOW_NUL) and indexes the members of an object as slices of the
 * original bytes. Values are decoded only when a tool asks for them. Use
 * jansson to build documents and for the rare deep work on nested ones.
 *
 * Nothing here allocates except the field arrays handed in by the caller
 * and the st_buf given to st_json_unescape().
 */
#ifndef ST_JSON_H
#define ST_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef enum st_jtype {
	ST_J_NULL,
	ST_J_FALSE,
	ST_J_TRUE,
	ST_J_NUMBER,
	ST_J_STRING,
	ST_J_ARRAY,
	ST_J_OBJECT
} st_jtype;

/* One member of a scanned object: slices of the scanned bytes (borrowed).
 * key is the text between the quotes, escapes left as they are (kesc says
 * whether there are any); val is the whole value text, quotes included for
 * strings. */
typedef struct st_field {
	const char *key;
	const char *val;
	uint32_t klen;
	uint32_t vlen;
	uint8_t type;		/* st_jtype */
	uint8_t kesc;
} st_field;

/* Where and why a scan failed: offset is the byte offset of the error in
 * the scanned text (0-based); msg is a static, lowercase sentence. */
typedef struct st_json_err {
	size_t offset;
	const char *msg;
} st_json_err;

/* A growable array of fields, reused across records. */
typedef struct st_fields {
	st_field *v;
	uint32_t n, cap;
} st_fields;

void st_fields_release(st_fields *f);

/*
 * Validates the JSON object in p[0..n) (surrounding blanks allowed) and
 * stores its members, in order, in f (reset first). Returns 0, or -1 with
 * *e filled when the text is not a single valid JSON object.
 */
int st_json_scan_object(const char *p, size_t n, st_fields *f,
    st_json_err *e);

/*
 * Validates the JSON array in p[0..n) and stores its elements in f (key
 * NULL, klen 0). Returns 0 or -1 with *e filled.
 */
int st_json_scan_array(const char *p, size_t n, st_fields *f,
    st_json_err *e);

/* Validates any single JSON value in p[0..n). Returns 0 or -1. */
int st_json_validate(const char *p, size_t n, st_json_err *e);

/* The type of a valid JSON value from its first byte. */
st_jtype st_json_type(const char *val);

/*
 * Decodes the body of a JSON string (the text between the quotes) into
 * UTF-8, appending to out. The text must already be validated. Returns 0.
 */
int st_json_unescape(const char *s, size_t n, st_buf *out);

/* The same into out, which must have room for n bytes (the decoded text
 * is never longer than the escaped one); returns the decoded length. The
 * one JSON unescaper and UTF-8 writer of the toolkit. */
size_t st_json_unescape_into(const char *s, size_t n, char *out);

/* True when the raw key (escapes as in the text) equals the plain string
 * name[0..len). */
int st_json_key_eq(const st_field *f, const char *name, size_t len);

/*
 * Reads a validated JSON number. Returns 1 and sets *iv when it is an
 * integer that fits in int64_t (no fraction, no exponent), else returns 0
 * and sets *dv. Never fails on validated text.
 */
int st_json_number(const char *s, size_t n, int64_t *iv, double *dv);

/* Finds the member named name in a validated JSON object text (one level,
 * last duplicate wins). Returns 1 and fills *out, or 0 when absent or when
 * obj is not an object. Uses scratch as working space. */
int st_json_object_get(const char *obj, size_t n, const char *name,
    size_t len, st_fields *scratch, st_field *out);

/*
 * Writing objects: an st_objw appends "{", members separated by ",", "}"
 * to a buffer. Keys given as raw are copied as they are (they must already
 * be JSON-escaped, as keys taken from an st_field are); values given as raw
 * must be valid JSON text.
 */
typedef struct st_objw {
	st_buf *b;
	uint32_t n;
} st_objw;

void st_objw_begin(st_objw *w, st_buf *b);
void st_objw_key_raw(st_objw *w, const char *key, size_t klen);
void st_objw_key(st_objw *w, const char *key);	/* escaped as needed */
void st_objw_raw(st_objw *w, const char *key, size_t klen, const char *val,
    size_t vlen);
void st_objw_end(st_objw *w);

#endif
