/* column.c - see column.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "column.h"
#include "err.h"
#include "suggest.h"

/* Two keys with the same text (both unescaped, or the same bytes). */
static int
same_key(const st_field *a, const st_field *b)
{
	return a->klen == b->klen && a->kesc == b->kesc &&
	    memcmp(a->key, b->key, a->klen) == 0;
}

const st_field *
st_fields_column(const st_fields *f, const char *name, size_t len,
    const st_field **clash, const st_field **clash2)
{
	const st_field *ci = NULL;
	int ambiguous = 0;

	if (clash)
		*clash = NULL;
	if (clash2)
		*clash2 = NULL;
	for (uint32_t j = f->n; j-- > 0;)
		if (st_json_key_eq(&f->v[j], name, len))
			return &f->v[j];
	for (uint32_t j = 0; j < f->n; j++) {
		const st_field *g = &f->v[j];
		if (g->kesc || g->klen != len ||
		    strncasecmp(g->key, name, len) != 0)
			continue;
		if (!ci) {
			ci = g;
		} else if (!same_key(ci, g)) {
			if (!ambiguous) {
				if (clash)
					*clash = ci;
				if (clash2)
					*clash2 = g;
			}
			ambiguous = 1;
		} else {
			ci = g;	/* the last duplicate wins */
		}
	}
	return ambiguous ? NULL : ci;
}

void
st_column_put_name(st_buf *b, const st_field *f)
{
	if (f->kesc)
		st_json_unescape(f->key, f->klen, b);
	else
		st_buf_add(b, f->key, f->klen);
}

const char *
st_column_raw(st_buf *b, const char *name)
{
	st_buf_reset(b);
	st_buf_put_json_string(b, name, strlen(name));
	/* Drop the quotes. */
	memmove(b->data, b->data + 1, b->len - 2);
	b->len -= 2;
	b->data[b->len] = '\0';
	return b->data;
}

void
st_column_put_quoted(st_buf *b, const char *name, char q)
{
	st_buf_putc(b, q);
	for (const char *p = name; *p; p++) {
		if (*p == q)
			st_buf_putc(b, q);
		st_buf_putc(b, *p);
	}
	st_buf_putc(b, q);
}

const char *
st_column_read_quoted(const char *p, st_buf *out)
{
	for (p++;; p++) {
		if (*p == '\0')
			return NULL;
		if (*p == '`' && *++p != '`')
			return p;
		st_buf_putc(out, *p);
	}
}

void
st_column_ambiguous(const char *name, size_t len, const st_field *a,
    const st_field *b, uint64_t lineno)
{
	char at[40] = "";
	if (lineno)
		snprintf(at, sizeof at, " at line %llu",
		    (unsigned long long)lineno);
	st_die(1, "column '%.*s' is ambiguous%s: the record has '%.*s' and "
	    "'%.*s' (names resolve ignoring case, as in Spark; write one of "
	    "them exactly)", (int)len, name, at, (int)a->klen, a->key,
	    (int)b->klen, b->key);
}

const st_field *
st_record_column(st_record *r, const char *name, size_t len)
{
	const st_field *f = st_record_get(r, name, len);
	if (f || st_record_scan(r) < 0)
		return f;
	const st_field *a, *b;
	const st_field *g = st_fields_column(&r->fields, name, len, &a, &b);
	if (a)
		st_column_ambiguous(name, len, a, b, r->lineno);
	/* Through st_record_get so that edits are seen. */
	return g ? st_record_get(r, g->key, g->klen) : NULL;
}

void
st_colcheck_init(st_colcheck *c, const char *opt, const char *const *names,
    size_t n)
{
	memset(c, 0, sizeof *c);
	c->opt = opt;
	c->names = names;
	c->n = n;
	c->seen = st_calloc(n ? n : 1, 1);
	c->warned = st_calloc(n ? n : 1, 1);
}

static void
drop_sample(st_colcheck *c)
{
	st_strs_free(c->sample, c->nsample);
	c->sample = NULL;
	c->nsample = 0;
}

void
st_colcheck_release(st_colcheck *c)
{
	drop_sample(c);
	free(c->seen);
	free(c->warned);
	memset(c, 0, sizeof *c);
}

void
st_colcheck_row(st_colcheck *c, st_record *r)
{
	if (c->rows++ || st_record_scan(r) < 0)
		return;
	c->sample = st_calloc(r->fields.n ? r->fields.n : 1, sizeof *c->sample);
	st_buf b = ST_BUF_INIT;
	for (uint32_t i = 0; i < r->fields.n; i++) {
		st_buf_reset(&b);
		st_column_put_name(&b, &r->fields.v[i]);
		c->sample[c->nsample++] = st_strndup(b.data, b.len);
	}
	st_buf_release(&b);
}

size_t
st_colcheck_end(st_colcheck *c)
{
	size_t missing = 0;
	for (size_t i = 0; c->rows && i < c->n; i++) {
		if (c->seen[i] || !c->names[i])
			continue;
		missing++;
		if (c->warned[i])
			continue;
		c->warned[i] = 1;
		const char *s = st_suggest(c->names[i], strlen(c->names[i]),
		    (const char *const *)c->sample, c->nsample);
		if (s)
			st_warn("%s column '%s' is in no record of the batch "
			    "(did you mean '%s'?); it reads as null", c->opt,
			    c->names[i], s);
		else
			st_warn("%s column '%s' is in no record of the batch; "
			    "it reads as null", c->opt, c->names[i]);
	}
	c->missing = missing;
	memset(c->seen, 0, c->n ? c->n : 1);
	c->rows = 0;
	drop_sample(c);
	return missing;
}

void
st_colcheck_metric(st_colcheck *c, json_t *obj)
{
	if (c->missing) {
		json_int_t was = json_integer_value(json_object_get(obj,
		    "numMissingColumns"));
		json_object_set_new(obj, "numMissingColumns",
		    json_integer(was + (json_int_t)c->missing));
	}
	c->missing = 0;
}
