/*
 * record.h - the one record abstraction of the toolkit.
 *
 * A record is one NDJSON data line: a JSON object. It is kept as its
 * original bytes; the first field access validates the line and indexes its
 * top-level members as slices of those bytes (see json.h), without building
 * a tree. A tool changes a record by edits (set or delete a field); a record
 * without edits is written back as its original bytes, untouched, and an
 * edited one is written as its original members in their order, replaced or
 * dropped as edited, followed by the new fields in the order they were set.
 *
 * Ownership: the line is borrowed by default (it lives in the reader's
 * buffer until the next line is read); st_record_own() copies it when a tool
 * must keep a record across reads. Fields and values returned by lookups are
 * borrowed from the record and valid until it is edited, reset or released.
 *
 *     st_record r;
 *     st_record_init(&r);
 *     st_record_set_line(&r, line, len, lineno);
 *     const st_field *f = st_record_get(&r, "event_type", 10);
 *     if (f && f->type == ST_J_STRING) ...
 *     st_record_set_raw(&r, "n", 1, "42", 2);
 *     st_record_write(&r, &writer);
 *     st_record_release(&r);
 */
#ifndef ST_RECORD_H
#define ST_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "io.h"
#include "json.h"

typedef struct st_edit {
	size_t key_off, key_len;	/* in ebuf: raw JSON-escaped key */
	size_t val_off, val_len;	/* in ebuf; val_len 0 means deleted */
} st_edit;

typedef struct st_record {
	const char *line;	/* the data line, without '\n' (borrowed or own) */
	size_t len;
	uint64_t lineno;	/* input line number, for messages */
	int scanned;		/* 1: fields valid; -1: scan failed */
	st_fields fields;	/* top-level members, when scanned */
	st_json_err err;	/* why the scan failed, when scanned == -1 */
	st_edit *edits;
	uint32_t nedits, edcap;
	st_buf ebuf;		/* keys and values of edits */
	st_buf own;		/* the line, once owned */
	st_buf wbuf;		/* st_record_write's scratch, reused */
} st_record;

void st_record_init(st_record *r);
void st_record_release(st_record *r);

/* Points r at a new line (borrowed), dropping edits and index. */
void st_record_set_line(st_record *r, const char *line, size_t len,
    uint64_t lineno);

/* Copies the line into r so that r stays valid after the reader moves on. */
void st_record_own(st_record *r);

/*
 * Validates and indexes the line. Returns 0, or -1 when it is not a valid
 * JSON object; r->err then says why and where (byte offset in the line).
 * Idempotent: later calls return the first result at no cost.
 */
int st_record_scan(st_record *r);

/*
 * Looks a top-level field up by name (a plain, unescaped string of len
 * bytes), seeing edits: a deleted field is absent, a set one has its new
 * value. Returns a borrowed field or NULL when absent or when the line is
 * not valid JSON (call st_record_scan() first to tell those apart).
 */
const st_field *st_record_get(st_record *r, const char *name, size_t len);

/*
 * Sets field name to the JSON text val[0..vlen), which must be valid JSON
 * (it is copied). An existing field keeps its position; a new one goes
 * after the original fields. The name is a plain string (escaped here).
 */
void st_record_set_raw(st_record *r, const char *name, size_t len,
    const char *val, size_t vlen);

/* Removes field name when present. */
void st_record_del(st_record *r, const char *name, size_t len);

/* True when the record has edits (it will not be written as its bytes). */
static inline int
st_record_edited(const st_record *r)
{
	return r->nedits != 0;
}

/* Appends the record's JSON text, without newline, to b. */
void st_record_serialize(st_record *r, st_buf *b);

/* Writes the record and a newline to w: its original bytes when unedited,
 * never as a control line (see st_write_data_line() in control.h). */
void st_record_write(st_record *r, st_writer *w);

/*
 * Decodes a string field's value into out (appending, unescaped UTF-8).
 * Returns 0, or -1 when f is not a string.
 */
int st_field_string(const st_field *f, st_buf *out);

/*
 * Reads a field as a number: 1 for an integer in *iv, 0 for a double in *dv,
 * -1 when the field is not a JSON number.
 */
int st_field_number(const st_field *f, int64_t *iv, double *dv);

#endif
