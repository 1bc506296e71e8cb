/* table.c - the state store hash table; see table.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "state/table.h"
#include "value.h"

void
st_table_init(st_table *t, size_t payload_size)
{
	memset(t, 0, sizeof *t);
	t->psize = (payload_size + 7) & ~(size_t)7;
}

void
st_table_release(st_table *t, void (*fn)(void *, void *), void *arg)
{
	if (fn)
		for (size_t i = 0; i < t->n; i++)
			fn(st_entry_payload(t->v[i]), arg);
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunks[i].p);
	free(t->chunks);
	free(t->v);
	free(t->index);
	size_t psize = t->psize;
	memset(t, 0, sizeof *t);
	t->psize = psize;
}

static void
index_put(st_table *t, uint64_t hash, size_t pos)
{
	size_t i = hash & t->mask;
	uint64_t slot = ((hash >> 32) << 32) | (uint64_t)(pos + 1);

	while (t->index[i] != 0)
		i = (i + 1) & t->mask;
	t->index[i] = slot;
}

static void
rebuild(st_table *t, size_t size)
{
	free(t->index);
	t->index = st_calloc(size, sizeof *t->index);
	t->mask = size - 1;
	for (size_t i = 0; i < t->n; i++)
		index_put(t, t->v[i]->hash, i);
}

st_entry *
st_table_find(const st_table *t, const void *key, size_t klen)
{
	if (t->n == 0)
		return NULL;
	uint64_t hash = st_hash_bytes(key, klen);
	uint32_t frag = (uint32_t)(hash >> 32);
	size_t i = hash & t->mask;

	for (;;) {
		uint64_t slot = t->index[i];
		if (slot == 0)
			return NULL;
		if ((uint32_t)(slot >> 32) == frag) {
			st_entry *e = t->v[(uint32_t)slot - 1];
			if (e->hash == hash && e->klen == klen && (klen == 0 ||
			    memcmp(st_entry_key(t, e), key, klen) == 0))
				return e;
		}
		i = (i + 1) & t->mask;
	}
}

/* Chunks grow from 4 KiB to 1 MiB: small tables stay small, and a large
 * one wastes at most the tail of each chunk (less than one entry). */
#define CHUNK_MIN 4096
#define CHUNK_MAX (1 << 20)

/* Bytes of an entry with a key of klen bytes. */
static inline size_t
entry_size(const st_table *t, size_t klen)
{
	return (sizeof(st_entry) + t->psize + klen + 7) & ~(size_t)7;
}

/* Cuts size bytes from the last chunk, or from a new one. */
static st_entry *
entry_alloc(st_table *t, size_t size)
{
	if (t->nchunks == 0 ||
	    t->chunks[t->nchunks - 1].size - t->used < size) {
		size_t csize = t->nchunks ?
		    t->chunks[t->nchunks - 1].size * 2 : CHUNK_MIN;
		if (csize > CHUNK_MAX)
			csize = CHUNK_MAX;
		if (csize < size)
			csize = size;
		if (t->nchunks == t->capchunks) {
			t->capchunks = t->capchunks ? t->capchunks * 2 : 8;
			t->chunks = st_realloc(t->chunks,
			    t->capchunks * sizeof *t->chunks);
		}
		t->chunks[t->nchunks].p = st_malloc(csize);
		t->chunks[t->nchunks].size = csize;
		t->nchunks++;
		t->chunk_bytes += csize;
		t->used = 0;
	}
	st_entry *e = (st_entry *)(t->chunks[t->nchunks - 1].p + t->used);
	t->used += size;
	t->live_bytes += size;
	return e;
}

/*
 * Slides the live entries down over the space of removed ones and frees
 * the chunks left empty. The vector is in chunk order (entries are cut in
 * insertion order and sweeps keep it), so the write position never passes
 * the entry being moved: an entry that does not fit at the write position
 * goes to the start of the next chunk, at the latest its own.
 */
static void
compact(st_table *t)
{
	size_t c = 0, off = 0;

	for (size_t i = 0; i < t->n; i++) {
		st_entry *e = t->v[i];
		size_t size = entry_size(t, e->klen);
		while (t->chunks[c].size - off < size) {
			c++;
			off = 0;
		}
		char *dst = t->chunks[c].p + off;
		if (dst != (char *)e)
			memmove(dst, e, size);
		t->v[i] = (st_entry *)dst;
		off += size;
	}
	size_t keep = t->n ? c + 1 : 0;
	for (size_t i = keep; i < t->nchunks; i++) {
		t->chunk_bytes -= t->chunks[i].size;
		free(t->chunks[i].p);
	}
	t->nchunks = keep;
	t->used = off;
	t->dead_bytes = 0;
}

st_entry *
st_table_upsert(st_table *t, const void *key, size_t klen, int *created)
{
	st_entry *e = st_table_find(t, key, klen);
	if (e) {
		*created = 0;
		return e;
	}
	/* Keep the load factor under 5/8: probes stay short and the index
	 * costs about 13 bytes per key. */
	if ((t->n + 1) * 8 > (t->mask + 1) * 5 || t->index == NULL)
		rebuild(t, t->index ? (t->mask + 1) * 2 : 16);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = st_realloc(t->v, t->cap * sizeof *t->v);
	}
	e = entry_alloc(t, entry_size(t, klen));
	e->hash = st_hash_bytes(key, klen);
	e->klen = (uint32_t)klen;
	e->flags = 0;
	memset(st_entry_payload(e), 0, t->psize);
	if (klen)
		memcpy((char *)st_entry_payload(e) + t->psize, key, klen);
	t->v[t->n] = e;
	index_put(t, e->hash, t->n);
	t->n++;
	t->key_bytes += klen;
	*created = 1;
	return e;
}

size_t
st_table_sweep(st_table *t, int (*keep)(st_entry *, void *),
    void (*fn)(void *, void *), void *arg)
{
	size_t j = 0, removed = 0;

	for (size_t i = 0; i < t->n; i++) {
		st_entry *e = t->v[i];
		if (keep(e, arg)) {
			t->v[j++] = e;
			continue;
		}
		if (fn)
			fn(st_entry_payload(e), arg);
		t->key_bytes -= e->klen;
		t->live_bytes -= entry_size(t, e->klen);
		t->dead_bytes += entry_size(t, e->klen);
		removed++;
	}
	t->n = j;
	if (removed) {
		/* Reclaiming costs a copy of the live entries: wait until a
		 * fifth of the space is dead, so each removed byte pays for
		 * at most four copied. */
		if (t->dead_bytes * 4 > t->live_bytes)
			compact(t);
		/* Shrink the index with the state, so that memory follows
		 * the live keys after a burst. */
		size_t size = 16;
		while ((t->n + 1) * 8 > size * 5)
			size *= 2;
		rebuild(t, size);
	}
	return removed;
}

size_t
st_table_memory(const st_table *t)
{
	return t->chunk_bytes + t->capchunks * sizeof *t->chunks +
	    t->cap * sizeof *t->v + (t->index ? (t->mask + 1) * 8 : 0);
}

void
st_key_add_json(st_buf *key, const char *val, size_t n)
{
	int64_t iv;
	double dv;

	switch (st_json_type(val)) {
	case ST_J_NUMBER:
		if (st_json_number(val, n, &iv, &dv)) {
			st_buf_put_i64(key, iv);
		} else if (memchr(val, '.', n) == NULL &&
		    memchr(val, 'e', n) == NULL && memchr(val, 'E', n) == NULL &&
		    n <= 39) {
			/* An integer beyond int64 keeps its exact digits (a
			 * BIGDEC, Spark's DECIMAL(38,0)): JSON integer text is
			 * canonical already. */
			st_buf_add(key, val, n);
		} else if (isfinite(dv) && dv == floor(dv) &&
		    dv >= -9.2e18 && dv <= 9.2e18) {
			st_buf_put_i64(key, (int64_t)dv);
		} else {
			st_buf_put_double(key, dv);
		}
		break;
	case ST_J_STRING:
		if (memchr(val, '\\', n) == NULL) {
			st_buf_add(key, val, n);
		} else {
			st_buf tmp = ST_BUF_INIT;
			st_json_unescape(val + 1, n - 2, &tmp);
			st_buf_put_json_string(key, tmp.data, tmp.len);
			st_buf_release(&tmp);
		}
		break;
	case ST_J_NULL:
	case ST_J_TRUE:
	case ST_J_FALSE:
		st_buf_add(key, val, n);
		break;
	default: {
		st_arena a = ST_ARENA_INIT;
		st_value v;
		if (st_value_from_json(&a, val, n, &v) == 0)
			st_value_write_json(key, &v);
		else
			st_buf_add(key, "null", 4);
		st_arena_release(&a);
	}
	}
	st_buf_putc(key, ST_KEY_SEP);
}

void
st_key_add(st_buf *key, const st_field *f)
{
	if (f == NULL) {
		st_buf_add(key, "null", 4);
		st_buf_putc(key, ST_KEY_SEP);
		return;
	}
	st_key_add_json(key, f->val, f->vlen);
}

size_t
st_key_next(const char *p, const char *end, const char **next)
{
	const char *s = memchr(p, ST_KEY_SEP, (size_t)(end - p));
	if (s == NULL) {
		*next = end;
		return (size_t)(end - p);
	}
	*next = s + 1;
	return (size_t)(s - p);
}
