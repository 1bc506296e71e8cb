/*
 * side.h - one side of a join: rows kept as their JSON bytes, indexed by
 * key.
 *
 * A side holds rows in arrival order (a doubly linked list, so eviction
 * is O(1) per row and iteration is deterministic) and in a hash table on
 * their key, for probing. Each row keeps its original JSON text, its key
 * values (one per key column), its event time and whether it has matched
 * a row of the other side (outer and semi joins need to know).
 *
 * Both the stream-stream join's buffered state and the stream-static
 * join's static table are sides.
 *
 *     st_jside s;
 *     st_jside_init(&s, 1);
 *     st_jside_add(&s, json, len, keys, st_jkey_hash(keys, 1), t);
 *     for (st_jrow *r = st_jside_probe(&s, h); r; r = st_jside_next(r, h))
 *             if (st_jkey_match(r->keys, k, 1)) ...
 *     st_jside_release(&s);
 *
 * Ownership: a side owns its rows; st_jside_add() copies the JSON text
 * and the keys. Rows returned are borrowed until removed.
 */
#ifndef ST_JOIN_SIDE_H
#define ST_JOIN_SIDE_H

#include <stddef.h>
#include <stdint.h>

#include "value.h"

typedef struct st_jrow st_jrow;
struct st_jrow {
	st_jrow *prev, *next;	/* arrival order */
	st_jrow *hnext;		/* hash chain */
	uint64_t hash;
	int64_t time;		/* event time, usec; ST_TIME_NONE when none */
	int matched;
	int role;		/* the caller's: which time column it has */
	st_value *keys;		/* nkeys values (inside keyblock) */
	st_value *keyblock;	/* one malloc block holding the keys */
	size_t len;
	char *json;		/* the row, NUL-terminated, in the same block */
	st_field *fields;	/* its members, slices of json (same block),
				 * when added with st_jside_add_fields();
				 * else NULL */
	uint32_t nfields;
};

typedef struct st_jside {
	size_t nkeys;
	st_jrow *head, *tail;
	st_jrow **buckets;
	size_t nbuckets;	/* a power of two */
	size_t count;
	size_t bytes;		/* approximate memory held */
} st_jside;

void st_jside_init(st_jside *s, size_t nkeys);
/* Removes every row and frees the side's memory. */
void st_jside_release(st_jside *s);
/* Removes every row; the side stays usable. */
void st_jside_clear(st_jside *s);

/* Adds a row at the end of the arrival order; json[0..len) and the keys
 * (s->nkeys values) are copied. Returns the new row (borrowed). */
st_jrow *st_jside_add(st_jside *s, const char *json, size_t len,
    const st_value *keys, uint64_t hash, int64_t time);

/* The same, keeping the row's field index too: f holds the members of
 * json[0..len) as st_json_scan_object() gave them (pointers into json);
 * the row keeps a copy pointing into its own text, so that it need not be
 * scanned again (see st_jrow_fields()). */
st_jrow *st_jside_add_fields(st_jside *s, const char *json, size_t len,
    const st_fields *f, const st_value *keys, uint64_t hash, int64_t time);

/* A view of the fields kept with r (borrowed: valid while r is), or NULL
 * when it was added without them. */
static inline const st_fields *
st_jrow_fields(const st_jrow *r, st_fields *view)
{
	if (r->fields == NULL)
		return NULL;
	view->v = r->fields;
	view->n = view->cap = r->nfields;
	return view;
}

/* Unlinks and frees row r. */
void st_jside_remove(st_jside *s, st_jrow *r);

/* The first row of the chain where key hash h lives whose hash is h, or
 * NULL; st_jside_next() gives the following one. Rows of a chain come
 * newest first; compare keys with st_jkey_match(). */
st_jrow *st_jside_probe(const st_jside *s, uint64_t h);
st_jrow *st_jside_next(const st_jrow *r, uint64_t h);

#endif
