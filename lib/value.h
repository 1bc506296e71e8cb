/*
 * value.h - typed values: the data model shared by the whole toolkit.
 *
 * Records travel as JSON text; a tool that must compute with a field (an
 * expression, an aggregate, a join or group-by key) turns it into an
 * st_value, a small tagged struct with Spark SQL's types:
 *
 *     NULL       no value (every type is nullable)
 *     BOOLEAN    u.b, 0 or 1
 *     INT        u.i, a 32-bit integer kept in an int64_t (always in range)
 *     BIGINT     u.i
 *     DOUBLE     u.d (FLOAT is read as DOUBLE)
 *     DECIMAL    u.i unscaled, scale in .scale, precision in .prec: the
 *                value is u.i / 10^scale. Precision is at most 18 digits
 *                (an int64_t); wider DECIMAL(p,s) types are accepted and
 *                capped at 18. This is the pragmatic representation: exact
 *                money sums up to 10^18 units, not Spark's 38 digits.
 *     BIGDEC     u.w: an integer too large for BIGINT, up to 38 digits
 *                (a 128-bit integer): Spark's DECIMAL(38,0), which is
 *                what Spark infers for such JSON integers. It keeps its
 *                exact value as a key and in output; +, -, * and % with
 *                integers stay exact (null beyond 38 digits, as Spark's
 *                decimal overflow), other arithmetic goes through DOUBLE.
 *                Its type name is DECIMAL. Longer integers read as DOUBLE.
 *     STRING     u.s.p, u.s.n: UTF-8 bytes, not NUL-terminated
 *     TIMESTAMP  u.i, microseconds since the epoch, UTC (see time.h)
 *     DATE       u.i, days since the epoch
 *     INTERVAL   u.i, a day-time interval in microseconds (expressions:
 *                INTERVAL '15' MINUTE); year-month intervals do not exist
 *     ARRAY      u.a.v[0..u.a.n), elements of any type
 *     STRUCT     u.a.v[0..u.a.n) with u.a.names[i] (u.a.nlens[i] bytes,
 *                plain unescaped UTF-8): ordered name -> value
 *
 * Ownership. Values are plain structs, copied by assignment; they never own
 * memory. What they point to (string bytes, elements, names) lives in an
 * st_arena given to the function that made them, or is borrowed from the
 * text they were read from (a JSON string without escapes points straight
 * into the record's bytes). Such a value is valid as long as its arena has
 * not been reset and its source text is alive. To keep a value longer
 * (state, keys), copy it with st_value_clone() into an arena of your own,
 * or with st_value_dup() into one malloc() block that free() releases.
 *
 * Ordering, equality and hashing (st_value_compare, st_value_equal,
 * st_value_hash) define one total order over all values, fit for sorting,
 * group-by and join keys:
 *   - NULL sorts first and equals NULL (keys group nulls together, as
 *     Spark's GROUP BY does; SQL '=' with its null rule is the
 *     expression evaluator's business, not this one's);
 *   - numbers (INT, BIGINT, BIGDEC, DOUBLE, DECIMAL) compare by numeric
 *     value across types, so 1 = 1.0 = 1.00 and they hash alike; NaN
 *     equals NaN and is greater than every other number, -0.0 equals 0.0;
 *     -Infinity and Infinity are numbers like any other (never NULL);
 *   - DATE and TIMESTAMP compare as instants (a date is its midnight UTC);
 *   - strings compare bytewise (UTF-8 code point order);
 *   - arrays and structs compare element by element, then by length;
 *   - values of unrelated types order by type class: NULL < BOOLEAN <
 *     numbers < STRING < DATE/TIMESTAMP < INTERVAL < ARRAY < STRUCT.
 */
#ifndef ST_VALUE_H
#define ST_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

/* ---- arena ---------------------------------------------------------- */

/*
 * An arena hands out memory from big chunks and frees it all at once. A
 * tool resets its per-record arena after each record: st_arena_reset()
 * keeps the first chunk, so steady-state evaluation does not call malloc.
 */
typedef struct st_arena_chunk st_arena_chunk;
typedef struct st_arena {
	st_arena_chunk *head;	/* current chunk (the list runs backwards) */
	size_t used;		/* bytes used in head */
} st_arena;

#define ST_ARENA_INIT { NULL, 0 }

/* Returns n bytes aligned for any type; never NULL (dies when out of
 * memory). The memory belongs to the arena. */
void *st_arena_alloc(st_arena *a, size_t n);
/* Copies s[0..n) plus a NUL into the arena; returns the copy. */
char *st_arena_strndup(st_arena *a, const char *s, size_t n);
/* Frees everything but the first chunk, which is kept for reuse. */
void st_arena_reset(st_arena *a);
/* Frees everything. The arena is left empty and reusable. */
void st_arena_release(st_arena *a);

/* ---- types ---------------------------------------------------------- */

typedef enum st_vtype {
	ST_V_NULL,
	ST_V_BOOLEAN,
	ST_V_INT,
	ST_V_BIGINT,
	ST_V_DOUBLE,
	ST_V_DECIMAL,
	ST_V_STRING,
	ST_V_TIMESTAMP,
	ST_V_DATE,
	ST_V_INTERVAL,
	ST_V_ARRAY,
	ST_V_STRUCT,
	ST_V_BIGDEC		/* last, so that tables by type keep their order */
} st_vtype;

/* The 128-bit integer of BIGDEC values (a GCC/Clang extension). */
__extension__ typedef __int128 st_i128;
__extension__ typedef unsigned __int128 st_u128;

/* |BIGDEC| < 10^38. */
#define ST_BIGDEC_LIMIT ((st_i128)10000000000000000000ULL * \
	(st_i128)10000000000000000000ULL)

/* Spark's name of a type kind, upper case: "BIGINT", "TIMESTAMP". */
const char *st_vtype_name(st_vtype t);

/*
 * A full data type, as a schema or CAST names it: the kind, DECIMAL's
 * precision and scale, an ARRAY's element type, a STRUCT's fields. Types
 * are immutable once built; the schema parser and the expression compiler
 * allocate them in their own arenas. ST_V_NULL as a kind means "any".
 */
typedef struct st_type st_type;
struct st_type {
	st_vtype kind;
	uint8_t prec, scale;		/* DECIMAL */
	const st_type *elem;		/* ARRAY */
	uint32_t nfields;		/* STRUCT */
	const char **names;		/* STRUCT: NUL-terminated names */
	const st_type **ftypes;		/* STRUCT */
};

/* Static types without parameters (DECIMAL here is DECIMAL(10,0)). */
const st_type *st_type_simple(st_vtype kind);

/* Appends the DDL text of t: "BIGINT", "DECIMAL(10,2)",
 * "ARRAY<STRING>", "STRUCT<a: INT, b: STRING>". */
void st_type_format(st_buf *b, const st_type *t);

/* Appends a field name as DDL spells it: as it is when it is an
 * identifier (letters, digits, '_', not starting with a digit), else
 * between backticks, a backtick doubled: `weird name`. (Found by
 * tests/fuzz/fuzz_ddl.c: the schema's text must parse again.) */
void st_type_format_name(st_buf *b, const char *name);

/* ---- values --------------------------------------------------------- */

typedef struct st_value st_value;
struct st_value {
	uint8_t type;		/* st_vtype */
	uint8_t prec, scale;	/* DECIMAL */
	union {
		int b;
		int64_t i;
		double d;
		struct {
			const char *p;
			size_t n;
		} s;
		struct {
			uint64_t lo;
			int64_t hi;
		} w;		/* BIGDEC: the two halves of an st_i128 */
		struct {
			st_value *v;
			const char **names;	/* STRUCT only */
			uint32_t *nlens;	/* STRUCT only */
			uint32_t n;
		} a;
	} u;
};

/* Constructors: plain values with nothing to own. */
static inline st_value st_v_null(void) { st_value v = { ST_V_NULL }; return v; }
static inline st_value st_v_bool(int b) { st_value v = { ST_V_BOOLEAN }; v.u.b = !!b; return v; }
static inline st_value st_v_int(int32_t i) { st_value v = { ST_V_INT }; v.u.i = i; return v; }
static inline st_value st_v_bigint(int64_t i) { st_value v = { ST_V_BIGINT }; v.u.i = i; return v; }
static inline st_value st_v_double(double d) { st_value v = { ST_V_DOUBLE }; v.u.d = d; return v; }
static inline st_value st_v_timestamp(int64_t us) { st_value v = { ST_V_TIMESTAMP }; v.u.i = us; return v; }
static inline st_value st_v_date(int32_t days) { st_value v = { ST_V_DATE }; v.u.i = days; return v; }
static inline st_value st_v_interval(int64_t us) { st_value v = { ST_V_INTERVAL }; v.u.i = us; return v; }
/* A string borrowing p[0..n). */
static inline st_value
st_v_string(const char *p, size_t n)
{
	st_value v = { ST_V_STRING };
	v.u.s.p = p;
	v.u.s.n = n;
	return v;
}
/* A decimal unscaled/10^scale of precision prec (<= 18). */
static inline st_value
st_v_decimal(int64_t unscaled, int prec, int scale)
{
	st_value v = { ST_V_DECIMAL };
	v.u.i = unscaled;
	v.prec = (uint8_t)prec;
	v.scale = (uint8_t)scale;
	return v;
}

/* An integer as a value: BIGINT when it fits, else BIGDEC when it has at
 * most 38 digits, else NULL (Spark's decimal overflow, ANSI off). */
static inline st_value
st_v_wide(st_i128 x)
{
	st_value v = { ST_V_NULL };
	if (x >= INT64_MIN && x <= INT64_MAX)
		return st_v_bigint((int64_t)x);
	if (x >= ST_BIGDEC_LIMIT || x <= -ST_BIGDEC_LIMIT)
		return v;
	v.type = ST_V_BIGDEC;
	v.u.w.lo = (uint64_t)x;
	v.u.w.hi = (int64_t)(x >> 64);
	return v;
}

/* The integer of an INT, BIGINT or BIGDEC value. */
static inline st_i128
st_value_wide(const st_value *v)
{
	if (v->type == ST_V_BIGDEC)
		return (st_i128)((st_u128)(uint64_t)v->u.w.hi << 64 |
		    v->u.w.lo);
	return v->u.i;
}

static inline int st_value_is_null(const st_value *v) { return v->type == ST_V_NULL; }
/* True for INT, BIGINT, DOUBLE, DECIMAL and BIGDEC. */
static inline int
st_value_is_numeric(const st_value *v)
{
	return (v->type >= ST_V_INT && v->type <= ST_V_DECIMAL) ||
	    v->type == ST_V_BIGDEC;
}

/* A new array of n elements in a (elements set to NULL). */
st_value st_v_array(st_arena *a, uint32_t n);
/* A new struct of n fields in a (names NULL, values NULL: fill both). */
st_value st_v_struct(st_arena *a, uint32_t n);
/* A string copied into a. */
st_value st_v_string_copy(st_arena *a, const char *p, size_t n);

/* Looks a struct field up by plain name (exact match first, then ASCII
 * case-insensitive, as Spark resolves columns). Returns a borrowed pointer
 * into s, or NULL when s is not a struct or has no such field. */
const st_value *st_value_struct_get(const st_value *s, const char *name,
    size_t len);

/* Reads a numeric value as a double (NULL and non-numbers give 0). */
double st_value_to_double(const st_value *v);

/* 10^0 .. 10^18, the scales of a DECIMAL's int64_t: the one table of them,
 * static so that a constant index folds into a constant, as it did in the
 * three copies this replaces. */
static const int64_t st_pow10[19] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
	100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
	1000000000000LL, 10000000000000LL, 100000000000000LL,
	1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL
};

/* ---- JSON ----------------------------------------------------------- */

/*
 * Converts one JSON value text (already validated, e.g. an st_field's val)
 * into a value, as untyped JSON reads: integer -> BIGINT (BIGDEC beyond
 * 64 bits, DOUBLE beyond 38 digits), fraction or exponent -> DOUBLE (1e400
 * is Infinity), string ->
 * STRING, true/false -> BOOLEAN, null -> NULL, object -> STRUCT, array ->
 * ARRAY. Strings without escapes borrow the text; everything else is
 * allocated in a. Returns 0, or -1 when the text is not valid JSON (then
 * *out is NULL). Use st_value_parse_json() for text not yet validated.
 */
int st_value_from_json(st_arena *a, const char *text, size_t n,
    st_value *out);

/* The same for a scanned field (borrowed); strings and numbers go the
 * short way, their extent being known. */
int st_value_from_field(st_arena *a, const st_field *f, st_value *out);

/* Reads an integer literal ([-]digits, at most 38 of them) exactly:
 * BIGINT or BIGDEC. Returns 0, or -1 when s[0..n) is no such literal. */
int st_value_parse_integer(const char *s, size_t n, st_value *out);

/* Validates text as one JSON value first, then converts it. Returns 0, or
 * -1 (and *out NULL) when it is not JSON. */
int st_value_parse_json(st_arena *a, const char *text, size_t n,
    st_value *out);

/*
 * Appends v as JSON text: BOOLEAN true/false, INT/BIGINT decimal digits,
 * DOUBLE via st_buf_put_double (NaN and infinities as the strings "NaN",
 * "Infinity" and "-Infinity", as Spark's JSON writer), BIGDEC as its
 * digits, DECIMAL as a
 * JSON number with its scale ("12.50"), STRING quoted and escaped,
 * TIMESTAMP as a quoted canonical ISO-8601 UTC text
 * ("2019-02-05T10:00:00Z", see time.h), DATE as "2019-02-05", INTERVAL as
 * a quoted duration ("15 minutes"), ARRAY and STRUCT as JSON arrays and
 * objects.
 */
void st_value_write_json(st_buf *b, const st_value *v);

/*
 * Appends the text of v as CAST(v AS STRING) gives it (no quotes): the
 * same forms as st_value_write_json() without JSON quoting; NULL appends
 * nothing (test for it first).
 */
void st_value_write_text(st_buf *b, const st_value *v);

/* ---- casts ---------------------------------------------------------- */

/*
 * Casts in to type t with Spark's rules (ANSI mode off): the result goes
 * to *out, allocated in a when it needs memory. Returns 0 on success (a
 * NULL input gives NULL), or -1 when the value cannot be cast (then *out
 * is NULL, as Spark returns null): 'abc' to INT, '2019-13-45' to DATE, a
 * string to a STRUCT. Rules in short:
 *   - to STRING: the text of st_value_write_text();
 *   - string to number: blanks trimmed; "1.5" to INT truncates to 1 (as
 *     Spark); out of range is a failure; to DOUBLE also "NaN", "Infinity";
 *   - number to INT/BIGINT: doubles truncate toward zero and saturate,
 *     wider integers wrap as Java's casts do; NaN becomes 0;
 *   - string to BOOLEAN: t/true/y/yes/1 and f/false/n/no/0, any case;
 *     number to BOOLEAN: non-zero is true;
 *   - number to TIMESTAMP: seconds since the epoch (fractions kept to the
 *     microsecond); TIMESTAMP to BIGINT: whole seconds (floor); to DOUBLE:
 *     seconds with fraction;
 *   - string to TIMESTAMP/DATE: st_parse_timestamp() forms;
 *   - DATE <-> TIMESTAMP: midnight UTC / the day of the instant;
 *   - ARRAY to ARRAY<T>: element-wise; STRUCT to STRUCT<...>: fields by
 *     name (missing ones NULL); a failing element fails the whole cast.
 */
int st_value_cast(st_arena *a, const st_value *in, const st_type *t,
    st_value *out);

/* ---- order, equality, hash ------------------------------------------ */

/* Total order (see above): negative, 0 or positive. */
int st_value_compare(const st_value *x, const st_value *y);
/* st_value_compare(x, y) == 0, faster. */
int st_value_equal(const st_value *x, const st_value *y);
/* A 64-bit hash consistent with st_value_equal(): equal values hash
 * alike (1, 1.0 and 1.00 included). Stable across runs and platforms. */
uint64_t st_value_hash(const st_value *v);
/* Mixes h with the hash of v, for composite keys. */
uint64_t st_value_hash_more(uint64_t h, const st_value *v);

/* ---- copies --------------------------------------------------------- */

/* Deep-copies v into arena a (strings, elements, names); returns the copy. */
st_value st_value_clone(st_arena *a, const st_value *v);

/*
 * Deep-copies v into one new malloc() block and returns it: the value
 * struct first, then everything it points to. Release it with free().
 * Suited to long-lived state such as a join buffer or group keys.
 */
st_value *st_value_dup(const st_value *v);

#endif
