/*
 * bytes.h - byte strings as text: base64 (UTF-8 validity is buf.h's
 * st_utf8_valid_len()).
 *
 * st has no BINARY type: bytes travel as strings. A payload that is not
 * UTF-8 (a Kafka value, an Avro record) is carried as its base64 text,
 * and the expression functions base64() and unbase64() convert.
 */
#ifndef ST_BYTES_H
#define ST_BYTES_H

#include <stddef.h>

#include "buf.h"

/* Appends the base64 (RFC 4648, padded) of p[0..n) to b. */
void st_base64_encode(st_buf *b, const void *p, size_t n);
/* Appends the bytes s[0..n) encodes to b; returns 0, or -1 when s is not
 * base64 (padding optional, whitespace not allowed). */
int st_base64_decode(st_buf *b, const char *s, size_t n);

#endif
