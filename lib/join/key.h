/*
 * key.h - join keys: the values a join matches on, hashed and compared as
 * Spark compares join keys.
 *
 * A key is an array of n st_value, one per key column. Two keys match when
 * every column matches; a column matches when
 *   - neither value is NULL (SQL '=': a null key never joins), and
 *   - the values are equal by st_value_equal() (numbers by numeric value,
 *     1 = 1.0), or one is a string and the other a number and the string
 *     cast to DOUBLE equals the number: Spark casts the string side of a
 *     comparison to the other side's type, so "100001" joins 100001.
 * st_jkey_hash() is consistent with that: a string that casts to a number
 * hashes as the number.
 *
 * Ownership: values are borrowed; nothing here keeps them.
 */
#ifndef ST_JOIN_KEY_H
#define ST_JOIN_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "value.h"

/* Hash of an n-column key. */
uint64_t st_jkey_hash(const st_value *k, size_t n);

/* True when the keys match (see above). */
int st_jkey_match(const st_value *a, const st_value *b, size_t n);

/* True when some column of the key is NULL: such a key matches nothing. */
int st_jkey_has_null(const st_value *k, size_t n);

/*
 * Reads a string as a number the way a cast to DOUBLE does (blanks
 * trimmed). Returns 0 and sets *d, or -1 when it is not a number.
 */
int st_jkey_string_number(const char *p, size_t n, double *d);

/*
 * Fills out[0..n) with the values of the fields names[i] (plain names,
 * matched exactly) of a scanned object: NULL for an absent field. Values
 * borrow the object's text or live in a.
 */
void st_jkey_from_fields(st_arena *a, const st_fields *f,
    char *const *names, size_t n, st_value *out);

#endif
