/* cols.c - ordered column name sets; see cols.h. */
#include <stdlib.h>
#include <string.h>

#include "column.h"
#include "err.h"
#include "join/cols.h"

void
st_jcols_clear(st_jcols *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	c->n = 0;
}

void
st_jcols_release(st_jcols *c)
{
	st_jcols_clear(c);
	free(c->names);
	free(c->lens);
	memset(c, 0, sizeof *c);
}

long
st_jcols_find(const st_jcols *c, const char *k, size_t n)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->lens[i] == n && memcmp(c->names[i], k, n) == 0)
			return (long)i;
	return -1;
}

void
st_jcols_add(st_jcols *c, const char *k, size_t n)
{
	if (st_jcols_find(c, k, n) >= 0)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->names = st_realloc(c->names, c->cap * sizeof *c->names);
		c->lens = st_realloc(c->lens, c->cap * sizeof *c->lens);
	}
	c->names[c->n] = st_strndup(k, n);
	c->lens[c->n] = n;
	c->n++;
}

void
st_jcols_add_plain(st_jcols *c, const char *name)
{
	st_buf b = ST_BUF_INIT;

	st_column_raw(&b, name);
	st_jcols_add(c, b.data, b.len);
	st_buf_release(&b);
}

void
st_jcols_add_fields(st_jcols *c, const st_fields *f)
{
	for (uint32_t i = 0; i < f->n; i++)
		st_jcols_add(c, f->v[i].key, f->v[i].klen);
}
