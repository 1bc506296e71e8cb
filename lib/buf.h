/*
 * buf.h - a growable byte buffer, the toolkit's one string builder.
 *
 * An st_buf owns its bytes. Its data is always NUL-terminated (the NUL is
 * not counted in len), so buf.data can be passed to C string functions when
 * the content has no embedded NUL: a buffer set up with ST_BUF_INIT or
 * st_buf_init() points at a static empty string until its first byte, as
 * git's strbuf does, so that even an empty buffer's data is "" and never
 * NULL. (Zeroed memory is a valid empty buffer too, but its data is NULL
 * until the first byte: set embedded buffers up with st_buf_init() when
 * their data may be read before anything is written.) Growth is geometric;
 * after st_buf_reset() the allocation is kept, so a buffer reused per
 * record does not call malloc on the hot path.
 *
 *     st_buf b = ST_BUF_INIT;
 *     st_buf_puts(&b, "batch ");
 *     st_buf_printf(&b, "%lld", (long long)id);
 *     ...use b.data, b.len...
 *     st_buf_release(&b);
 */
#ifndef ST_BUF_H
#define ST_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct st_buf {
	char *data;
	size_t len;
	size_t cap;
} st_buf;

/* The bytes of every empty buffer: never written (cap 0 means none are
 * owned). */
extern char st_buf_empty[1];

#define ST_BUF_INIT { st_buf_empty, 0, 0 }

static inline void
st_buf_init(st_buf *b)
{
	b->data = st_buf_empty;
	b->len = b->cap = 0;
}

/* Makes room for at least n more bytes (plus the NUL). */
void st_buf_grow(st_buf *b, size_t n);

/* Empties the buffer, keeping its allocation. */
static inline void
st_buf_reset(st_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

/* Frees the bytes; the buffer is left empty and reusable. */
void st_buf_release(st_buf *b);

/* Takes the bytes out of the buffer: the caller owns the returned string
 * (free() it); the buffer is left empty. Never returns NULL. */
char *st_buf_detach(st_buf *b, size_t *len);

static inline void
st_buf_add(st_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->cap - b->len <= n)
		st_buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void
st_buf_putc(st_buf *b, char c)
{
	if (b->cap - b->len <= 1)
		st_buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

static inline void
st_buf_puts(st_buf *b, const char *s)
{
	st_buf_add(b, s, strlen(s));
}

/* Appends a byte count in a short human form: "512 B", "3.1 kB",
 * "4.0 MB", "1.2 GB" (units of 1024). */
void st_buf_put_size(st_buf *b, int64_t n);

void st_buf_printf(st_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends a signed decimal integer (faster than printf). */
void st_buf_put_i64(st_buf *b, int64_t v);

/* Appends s (n bytes, UTF-8) as a JSON string literal, quotes included,
 * escaping what RFC 8259 requires (NUL as \u0000). Bytes that are not
 * valid UTF-8 become U+FFFD, one per maximal ill-formed subsequence (as
 * Java's and so Spark's decoders do): the result is always valid JSON. */
void st_buf_put_json_string(st_buf *b, const char *s, size_t n);
/* The same, for s that must be valid UTF-8 (checked in the same pass):
 * returns 0, or -1 with nothing appended when s is not. */
int st_buf_put_json_utf8(st_buf *b, const char *s, size_t n);

/*
 * The length of the valid UTF-8 sequence at p[0..n) (n >= 1): 1 for ASCII,
 * 2 to 4 for a valid multi-byte one; 0 when it is ill-formed, with *bad
 * set to the length of its maximal ill-formed prefix (>= 1), the bytes one
 * U+FFFD replaces. Overlongs, surrogates and code points beyond U+10FFFF
 * are ill-formed.
 */
size_t st_utf8_valid_len(const unsigned char *p, size_t n, size_t *bad);

/* Appends a double the way JSON wants it: shortest text that reads back to
 * the same value, with ".0" kept for integral values (as Spark prints a
 * DOUBLE); NaN and infinities, which JSON numbers cannot be, as the
 * strings "NaN", "Infinity" and "-Infinity" (as Spark writes them). */
void st_buf_put_double(st_buf *b, double d);

#endif
