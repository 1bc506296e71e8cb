/*
 * avro.h - Avro schemas, binary values and object container files as st
 * values, on avro-c (Debian's libavro).
 *
 * A schema (Avro's JSON form) maps to a Spark type as Spark's
 * SchemaConverters does:
 *
 *     null -> NULL               boolean -> BOOLEAN
 *     int -> INT                 long -> BIGINT
 *     float, double -> DOUBLE    string, enum -> STRING
 *     bytes, fixed -> STRING holding the bytes' base64 text (st has no
 *                     BINARY type; Kafka payloads travel the same way)
 *     record -> STRUCT           array -> ARRAY
 *     map -> a STRUCT whose field names are the map's keys (st has no
 *            MAP; to_json writes both as Spark writes a map)
 *     union [null, T] or [T, null] -> T, nullable; [int, long] -> BIGINT;
 *            [float, double] -> DOUBLE; any other union -> STRUCT<member0:
 *            T0, member1: T1, ...> with the value in the member of its
 *            branch, the others null (null branches left out)
 *     logical types: date (int) -> DATE; timestamp-millis,
 *            timestamp-micros, local-timestamp-millis, local-timestamp-micros
 *            (long) -> TIMESTAMP (local ones taken as UTC); decimal (bytes
 *            or fixed) -> DECIMAL(p, s), values beyond 18 digits being null;
 *            time-millis, time-micros, uuid, duration: their base type.
 *
 * Recursive schemas (a record that contains itself) are refused, as Spark
 * refuses them. Writing a value with a schema casts each part to the
 * schema's type (Spark's cast rules); a part that does not fit (a string
 * that is not a number for an int, a null for a field that is not
 * nullable, a symbol not in the enum, bytes that are not base64) makes the
 * whole value fail. st_avro_derive() makes a schema from a value, as
 * Spark's to_avro without a schema does: a STRUCT is a record named
 * topLevelRecord (nested records named after their field, in the parent's
 * namespace), every field and array element nullable as [T, "null"] (null
 * second, as Spark writes it), a null field of unknown type ["string",
 * "null"]; DECIMAL as bytes/decimal, TIMESTAMP as long/timestamp-micros,
 * DATE as int/date; INTERVAL has no Avro type.
 *
 * Ownership: st_avro_parse() and st_avro_derive() return a new schema
 * (st_avro_free()). Decoded values live in the arena given (strings
 * copied, record field names borrowed from the schema, which must outlive
 * them).
 */
#ifndef ST_AVRO_H
#define ST_AVRO_H

#include <stddef.h>

#include "buf.h"
#include "value.h"

typedef struct st_avro st_avro;

/* Parses an Avro schema (JSON text json[0..len)). Returns a new schema, or
 * NULL with a message in err ("invalid Avro schema: ..."). */
st_avro *st_avro_parse(const char *json, size_t len, char *err,
    size_t errlen);

/* The schema of value v, as to_avro without a schema derives it; NULL when
 * v (or a part of it) has no Avro type. */
st_avro *st_avro_derive(const st_value *v);
/* The same schema's JSON text, appended to b; -1 (b unchanged) when v has
 * no Avro type. */
int st_avro_derive_text(const st_value *v, st_buf *b);

/* Appends the schema's JSON text (as given or derived) to b. */
void st_avro_schema_text(const st_avro *a, st_buf *b);

void st_avro_free(st_avro *a);

/* The Spark type values of this schema have (kind ST_V_NULL: any, for a
 * map or a null schema). Borrowed from a. */
const st_type *st_avro_type(const st_avro *a);

/* Decodes one value in Avro's binary encoding, p[0..n) (all of it). Returns
 * 0, or -1 when the bytes are not a value of the schema. */
int st_avro_decode(st_avro *a, st_arena *ar, const void *p, size_t n,
    st_value *out);

/* Encodes v in Avro's binary encoding, appending to out. Returns 0, or -1
 * when v does not fit the schema (out unchanged). */
int st_avro_encode(st_avro *a, const st_value *v, st_buf *out);

/*
 * Object container files. st_avro_file_open() reads the header (the
 * writer's schema) of path; st_avro_file_next() decodes the next record
 * into out (in ar), returning 1, 0 at the end of the file, or -1 with a
 * message in err (a damaged block). Codecs: null and deflate (snappy and
 * xz are refused by st_avro_file_open, naming the codec).
 */
typedef struct st_avro_file st_avro_file;
st_avro_file *st_avro_file_open(const char *path, char *err, size_t errlen);
const st_avro *st_avro_file_schema(const st_avro_file *f);
int st_avro_file_next(st_avro_file *f, st_arena *ar, st_value *out,
    char *err, size_t errlen);
void st_avro_file_close(st_avro_file *f);

#endif
