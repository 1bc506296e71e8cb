/*
 * table.h - the state store of the stateful operators: a hash table of
 * entries keyed by byte strings.
 *
 * An operator's state is a set of groups (a window and its key values, a
 * deduplication key, ...), each with a small fixed-size payload (the
 * aggregate slots, an expiry time). The table keeps each group as one
 * entry: a 16-byte header, the payload, then the key bytes, rounded up to
 * 8. Entries are cut from large chunks in insertion order (no malloc()
 * per key); the space of removed entries is reclaimed by sliding the live
 * ones down when it reaches a quarter of them (st_table_sweep()). Lookups
 * go through an open-addressing index (linear probing) of 8-byte slots
 * that hold a hash fragment and the entry's position in a dense vector, so
 * the per-key overhead is the header, one vector pointer and 1.6 to 3.2
 * index slots: 37 to 50 bytes, plus the padding of the key.
 *
 * Keys are the canonical encoding of the group's values (st_key_add()):
 * equal values give equal bytes, so lookups hash and memcmp bytes and
 * never build typed values on the hot path. The encoding is JSON text, so
 * a key is written out as it is stored.
 *
 * Entries are owned by the table. Pointers to entries stay valid until
 * the next st_table_sweep() or st_table_release() (a sweep moves the
 * entries it keeps); positions in the vector change when entries are
 * removed. The vector is in insertion order, and a sweep keeps it.
 *
 *     st_table t;
 *     st_table_init(&t, sizeof(my_payload));
 *     int created;
 *     st_entry *e = st_table_upsert(&t, key.data, key.len, &created);
 *     my_payload *p = st_entry_payload(e);
 *     ...
 *     st_table_release(&t, NULL, NULL);
 */
#ifndef ST_STATE_TABLE_H
#define ST_STATE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hash.h"
#include "json.h"

typedef struct st_entry {
	uint64_t hash;
	uint32_t klen;		/* bytes of key after the payload */
	uint32_t flags;		/* free for the operator (zero when new) */
	/* payload (t->psize bytes, 8-aligned), then klen bytes of key */
} st_entry;

/* A chunk of entries. */
typedef struct st_chunk {
	char *p;
	size_t size;
} st_chunk;

typedef struct st_table {
	st_entry **v;		/* dense vector of entries, in chunk order */
	size_t n, cap;
	uint64_t *index;	/* slot: (hash fragment << 32) | (pos + 1) */
	size_t mask;		/* index size - 1 (a power of two) */
	size_t psize;		/* payload size, rounded up to 8 */
	size_t key_bytes;	/* sum of klen, for memory estimates */
	st_chunk *chunks;	/* entries are cut from these, in order */
	size_t nchunks, capchunks;
	size_t used;		/* bytes used in the last chunk */
	size_t chunk_bytes;	/* sum of the chunk sizes */
	size_t live_bytes;	/* bytes of the entries in the table */
	size_t dead_bytes;	/* bytes of removed entries not reclaimed */
} st_table;

void st_table_init(st_table *t, size_t payload_size);

/* Frees every entry; fn (may be NULL) is called on each payload first,
 * with arg, to free what the payload owns. The table is left empty. */
void st_table_release(st_table *t, void (*fn)(void *payload, void *arg),
    void *arg);

/* Looks key up; returns the entry (borrowed) or NULL. */
st_entry *st_table_find(const st_table *t, const void *key, size_t klen);

/* Looks key up, adding a new entry with a zeroed payload when absent
 * (*created is then 1). Returns the entry (borrowed, owned by the table). */
st_entry *st_table_upsert(st_table *t, const void *key, size_t klen,
    int *created);

static inline void *
st_entry_payload(st_entry *e)
{
	return e + 1;
}

static inline const char *
st_entry_key(const st_table *t, const st_entry *e)
{
	return (const char *)(e + 1) + t->psize;
}

/* Removes every entry for which keep() returns 0, calling fn on its
 * payload (as st_table_release()), keeping the others in their order.
 * keep() is called on the entries in vector order. Returns the number
 * removed. Entries kept may move: pointers to them taken before the
 * sweep are no longer valid. */
size_t st_table_sweep(st_table *t, int (*keep)(st_entry *e, void *arg),
    void (*fn)(void *payload, void *arg), void *arg);

/* Bytes allocated by the table itself (the chunks of entries, the vector,
 * the index), without what payloads own. */
size_t st_table_memory(const st_table *t);

/*
 * Key encoding. Appends the canonical text of one JSON value (f NULL: a
 * missing field, encoded as null) to key, followed by a separator byte
 * (0x1f, which JSON text never contains raw). Numbers are written so that
 * equal numbers encode alike: an integral number in the int64 range as
 * its digits (1, 1.0 and 1e0 all give "1"), an integer beyond int64 (up
 * to 38 digits) as its exact digits, any other as the shortest double
 * text (infinities as "Infinity" and "-Infinity", never null). Strings are re-escaped canonically; other values are
 * re-serialized without blanks.
 */
void st_key_add(st_buf *key, const st_field *f);
/* The same for a JSON value text (validated). */
void st_key_add_json(st_buf *key, const char *val, size_t n);

#define ST_KEY_SEP '\x1f'

/* Splits an encoded key: returns the length of the value starting at p
 * (up to the next separator); *next is set past the separator. */
size_t st_key_next(const char *p, const char *end, const char **next);

#endif
