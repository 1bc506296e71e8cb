/* side.c - one side of a join; see side.h. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "join/side.h"

void
st_jside_init(st_jside *s, size_t nkeys)
{
	memset(s, 0, sizeof *s);
	s->nkeys = nkeys;
}

void
st_jside_clear(st_jside *s)
{
	st_jrow *r = s->head;

	while (r) {
		st_jrow *n = r->next;
		free(r->keyblock);
		free(r);
		r = n;
	}
	s->head = s->tail = NULL;
	if (s->buckets)
		memset(s->buckets, 0, s->nbuckets * sizeof *s->buckets);
	s->count = 0;
	s->bytes = 0;
}

void
st_jside_release(st_jside *s)
{
	st_jside_clear(s);
	free(s->buckets);
	s->buckets = NULL;
	s->nbuckets = 0;
}

static void
chain_in(st_jside *s, st_jrow *r)
{
	size_t b = r->hash & (s->nbuckets - 1);

	r->hnext = s->buckets[b];
	s->buckets[b] = r;
}

static void
grow(st_jside *s)
{
	size_t n = s->nbuckets ? s->nbuckets * 2 : 64;

	free(s->buckets);
	s->buckets = st_calloc(n, sizeof *s->buckets);
	s->nbuckets = n;
	/* Re-chaining in arrival order keeps every chain newest first, as
	 * st_jside_add() builds them, so probes see the same order after a
	 * resize as after a restart. */
	for (st_jrow *r = s->head; r; r = r->next)
		chain_in(s, r);
}

/* The deep size of a key value, for the copy. */
static size_t
value_size(const st_value *v)
{
	size_t n = 0;

	switch (v->type) {
	case ST_V_STRING:
		return v->u.s.n + 1;
	case ST_V_ARRAY:
	case ST_V_STRUCT:
		n = v->u.a.n * (sizeof(st_value) + sizeof(char *) +
		    sizeof(uint32_t)) + 16;
		for (uint32_t i = 0; i < v->u.a.n; i++) {
			n += value_size(&v->u.a.v[i]);
			if (v->type == ST_V_STRUCT)
				n += v->u.a.nlens[i] + 1;
		}
		return n;
	default:
		return 0;
	}
}

/* Bytes of a row's block before its field index (aligned for it). */
static size_t
fields_at(size_t len)
{
	size_t a = _Alignof(st_field);

	return (sizeof(st_jrow) + len + 1 + a - 1) / a * a;
}

st_jrow *
st_jside_add(st_jside *s, const char *json, size_t len, const st_value *keys,
    uint64_t hash, int64_t time)
{
	return st_jside_add_fields(s, json, len, NULL, keys, hash, time);
}

st_jrow *
st_jside_add_fields(st_jside *s, const char *json, size_t len,
    const st_fields *f, const st_value *keys, uint64_t hash, int64_t time)
{
	size_t size = sizeof(st_jrow) + len + 1;

	if (f)
		size = fields_at(len) + f->n * sizeof(st_field);
	st_jrow *r = st_malloc(size);
	memset(r, 0, sizeof *r);
	r->json = (char *)(r + 1);
	memcpy(r->json, json, len);
	r->json[len] = '\0';
	r->len = len;
	r->hash = hash;
	r->time = time;
	if (f) {
		/* The same slices, moved from json to the row's copy. */
		r->fields = (st_field *)((char *)r + fields_at(len));
		r->nfields = f->n;
		for (uint32_t i = 0; i < f->n; i++) {
			r->fields[i] = f->v[i];
			r->fields[i].key = r->json + (f->v[i].key - json);
			r->fields[i].val = r->json + (f->v[i].val - json);
		}
	}
	s->bytes += size;
	if (s->nkeys) {
		/* One block per row for all its keys: the keys are wrapped in
		 * an array value, which st_value_dup() copies with its
		 * elements and their bytes. */
		st_value arr = { ST_V_ARRAY };
		arr.u.a.v = (st_value *)keys;
		arr.u.a.n = (uint32_t)s->nkeys;
		r->keyblock = st_value_dup(&arr);
		r->keys = r->keyblock->u.a.v;
		s->bytes += sizeof arr + value_size(&arr);
	}
	r->prev = s->tail;
	if (s->tail)
		s->tail->next = r;
	else
		s->head = r;
	s->tail = r;
	s->count++;
	if (s->count > s->nbuckets)
		grow(s);
	else
		chain_in(s, r);
	return r;
}

static size_t
row_bytes(const st_jside *s, const st_jrow *r)
{
	size_t n = r->fields ? fields_at(r->len) + r->nfields *
	    sizeof(st_field) : sizeof *r + r->len + 1;

	if (s->nkeys) {
		st_value arr = { ST_V_ARRAY };
		arr.u.a.v = r->keys;
		arr.u.a.n = (uint32_t)s->nkeys;
		n += sizeof arr + value_size(&arr);
	}
	return n;
}

void
st_jside_remove(st_jside *s, st_jrow *r)
{
	st_jrow **pp = &s->buckets[r->hash & (s->nbuckets - 1)];

	while (*pp != r)
		pp = &(*pp)->hnext;
	*pp = r->hnext;
	if (r->prev)
		r->prev->next = r->next;
	else
		s->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		s->tail = r->prev;
	s->count--;
	s->bytes -= row_bytes(s, r);
	free(r->keyblock);
	free(r);
}

st_jrow *
st_jside_probe(const st_jside *s, uint64_t h)
{
	if (s->nbuckets == 0)
		return NULL;
	st_jrow *r = s->buckets[h & (s->nbuckets - 1)];
	while (r && r->hash != h)
		r = r->hnext;
	return r;
}

st_jrow *
st_jside_next(const st_jrow *r, uint64_t h)
{
	st_jrow *n = r->hnext;

	while (n && n->hash != h)
		n = n->hnext;
	return n;
}
