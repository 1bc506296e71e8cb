/* sqltable.c - records as rows of an SQL table, for the SQL sinks; see
 * sqltable.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "column.h"
#include "err.h"
#include "sqltable.h"

void
st_sqltable_init(st_sqltable *t, const st_sql_dialect *d, const char *name)
{
	memset(t, 0, sizeof *t);
	st_buf_init(&t->fname);
	t->d = d;
	t->name = st_strdup(name);
	st_sql_ident(&t->qname, name);
}

static void
free_keys(st_sqltable *t)
{
	st_strs_free(t->keys, t->nkeys);
	t->keys = NULL;
	t->nkeys = 0;
}

void
st_sqltable_release(st_sqltable *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i].name);
	free(t->cols);
	free_keys(t);
	free(t->slots);
	st_fields_release(&t->sub);
	st_fields_release(&t->own);
	st_buf_release(&t->fname);
	st_buf_release(&t->line);
	st_buf_release(&t->qname);
	free(t->name);
}

static int
same_name(const st_sqltable *t, const char *a, const char *b)
{
	return (t->d->nocase ? strcasecmp(a, b) : strcmp(a, b)) == 0;
}

static ssize_t
find_column(const st_sqltable *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (same_name(t, t->cols[i].name, name))
			return (ssize_t)i;
	return -1;
}

size_t
st_sqltable_column(st_sqltable *t, const char *name, st_sql_kind kind)
{
	ssize_t i = find_column(t, name);

	if (i >= 0)
		return (size_t)i;
	if (t->ncols == t->capcols) {
		t->capcols = t->capcols ? t->capcols * 2 : 16;
		t->cols = st_realloc(t->cols, t->capcols * sizeof *t->cols);
	}
	t->cols[t->ncols].name = st_strdup(name);
	t->cols[t->ncols].kind = kind;
	return t->ncols++;
}

int
st_sqltable_is_key(const st_sqltable *t, const char *name)
{
	for (size_t k = 0; k < t->nkeys; k++)
		if (same_name(t, t->keys[k], name))
			return 1;
	return 0;
}

int
st_sqltable_batch(st_sqltable *t, const char *mode, char *const *bkeys)
{
	int upsert = strcmp(mode, "update") == 0 && bkeys && bkeys[0];
	char **keys = NULL;
	size_t nkeys = 0;

	/* The key columns, a window standing for its flattened columns. */
	for (char *const *k = upsert ? bkeys : NULL; k && *k; k++) {
		keys = st_realloc(keys, (nkeys + 2) * sizeof *keys);
		if (strcmp(*k, "window") == 0) {
			keys[nkeys++] = st_strdup("window_start");
			keys[nkeys++] = st_strdup("window_end");
		} else {
			keys[nkeys++] = st_strdup(*k);
		}
	}
	int same = upsert == t->upsert && nkeys == t->nkeys;
	for (size_t k = 0; same && k < nkeys; k++)
		same = strcmp(keys[k], t->keys[k]) == 0;
	free_keys(t);
	t->keys = keys;
	t->nkeys = nkeys;
	t->upsert = upsert;
	return !same;
}

st_sql_kind
st_sql_kind_of(const char *v, uint32_t n, uint8_t type)
{
	int64_t iv;
	double dv;

	switch (type) {
	case ST_J_NUMBER:
		return st_json_number(v, n, &iv, &dv) == 1 ? ST_SQL_INTEGER :
		    ST_SQL_REAL;
	case ST_J_TRUE:
	case ST_J_FALSE:
		return ST_SQL_BOOL;
	case ST_J_NULL:
		return ST_SQL_NULL;
	case ST_J_STRING:
		return ST_SQL_TEXT;
	default:
		return ST_SQL_JSON;
	}
}

/* Sets t->fname to the plain name of field f, after prefix. */
static const char *
field_name(st_sqltable *t, const char *prefix, const st_field *f)
{
	st_buf_reset(&t->fname);
	st_buf_puts(&t->fname, prefix);
	st_column_put_name(&t->fname, f);
	return t->fname.data;
}

static void
add_slot(st_sqltable *t, const char *name, const st_field *f, int defer)
{
	if (f->type == ST_J_NULL && defer && find_column(t, name) < 0)
		return;
	if (t->nslots == t->capslots) {
		t->capslots = t->capslots ? t->capslots * 2 : 16;
		t->slots = st_realloc(t->slots, t->capslots * sizeof *t->slots);
	}
	st_sql_slot *sl = &t->slots[t->nslots++];
	sl->col = st_sqltable_column(t, name,
	    st_sql_kind_of(f->val, f->vlen, f->type));
	sl->val = f->val;
	sl->vlen = f->vlen;
	sl->type = f->type;
}

int
st_sqltable_row(st_sqltable *t, st_record *r)
{
	const st_fields *f = &r->fields;
	st_json_err e;

	if (st_record_edited(r)) {
		st_buf_reset(&t->line);
		st_record_serialize(r, &t->line);
		if (st_json_scan_object(t->line.data, t->line.len, &t->own,
		    &e) < 0)
			return -1;
		f = &t->own;
	} else if (st_record_scan(r) < 0) {
		return -1;
	}
	/* Each value's column, new columns listed as they come. A row of
	 * nulls only, none of them with a column yet, is still a row: it
	 * gets columns of the dialect's null type. */
	int defer = t->d->defer_null;
again:
	t->nslots = 0;
	for (uint32_t i = 0; i < f->n; i++) {
		const st_field *fd = &f->v[i];
		if (fd->type == ST_J_OBJECT &&
		    st_json_key_eq(fd, "window", 6)) {
			/* Spark's window struct: window_start, window_end */
			if (st_json_scan_object(fd->val, fd->vlen, &t->sub,
			    &e) < 0)
				continue;
			for (uint32_t j = 0; j < t->sub.n; j++)
				add_slot(t, field_name(t, "window_",
				    &t->sub.v[j]), &t->sub.v[j], defer);
			continue;
		}
		add_slot(t, field_name(t, "", fd), fd, defer);
	}
	if (t->nslots == 0 && f->n > 0 && defer) {
		defer = 0;
		goto again;
	}
	return 0;
}

void
st_sql_ident(st_buf *b, const char *name)
{
	st_column_put_quoted(b, name, '"');
}

void
st_sql_compact(st_buf *b, const char *v, size_t n)
{
	int str = 0;

	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (str) {
			st_buf_putc(b, c);
			if (c == '\\' && i + 1 < n)
				st_buf_putc(b, v[++i]);
			else if (c == '"')
				str = 0;
		} else if (c == '"') {
			str = 1;
			st_buf_putc(b, c);
		} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			st_buf_putc(b, c);
		}
	}
}

int
st_sql_value_text(const st_sql_slot *sl, int json_col, int bool01, st_buf *b)
{
	st_buf_reset(b);
	if (sl->type == ST_J_NULL)
		return 1;
	if (json_col) {
		st_sql_compact(b, sl->val, sl->vlen);
		return 0;
	}
	switch (sl->type) {
	case ST_J_TRUE:
		st_buf_puts(b, bool01 ? "1" : "true");
		break;
	case ST_J_FALSE:
		st_buf_puts(b, bool01 ? "0" : "false");
		break;
	case ST_J_NUMBER:
		st_buf_add(b, sl->val, sl->vlen);
		break;
	case ST_J_STRING:
		st_json_unescape(sl->val + 1, sl->vlen - 2, b);
		break;
	default:
		st_sql_compact(b, sl->val, sl->vlen);
	}
	/* Always a string, an empty one too. */
	st_buf_add(b, "", 0);
	return 0;
}

static void
put_coldef(const st_sqltable *t, st_buf *b, const st_sql_col *c)
{
	const char *type = t->d->types[c->kind];

	st_sql_ident(b, c->name);
	if (*type) {
		st_buf_putc(b, ' ');
		st_buf_puts(b, type);
	}
}

void
st_sql_create(const st_sqltable *t, size_t i, st_buf *s)
{
	st_buf_reset(s);
	if (!t->exists) {
		st_buf_puts(s, "CREATE TABLE ");
		st_buf_add(s, t->qname.data, t->qname.len);
		st_buf_putc(s, '(');
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				st_buf_puts(s, ", ");
			put_coldef(t, s, &t->cols[c]);
		}
		st_buf_putc(s, ')');
		return;
	}
	st_buf_puts(s, "ALTER TABLE ");
	st_buf_add(s, t->qname.data, t->qname.len);
	st_buf_puts(s, " ADD COLUMN ");
	put_coldef(t, s, &t->cols[i]);
}

static void
put_keys(const st_sqltable *t, st_buf *s)
{
	st_buf_putc(s, '(');
	for (size_t k = 0; k < t->nkeys; k++) {
		if (k)
			st_buf_puts(s, ", ");
		st_sql_ident(s, t->keys[k]);
	}
	st_buf_putc(s, ')');
}

void
st_sql_key_index(const st_sqltable *t, st_buf *s)
{
	st_buf name = ST_BUF_INIT;

	st_buf_printf(&name, "st_key:%s(", t->name);
	for (size_t k = 0; k < t->nkeys; k++)
		st_buf_printf(&name, "%s%s", k ? "," : "", t->keys[k]);
	st_buf_putc(&name, ')');
	st_buf_reset(s);
	st_buf_puts(s, "CREATE UNIQUE INDEX IF NOT EXISTS ");
	st_sql_ident(s, name.data);
	st_buf_puts(s, " ON ");
	st_buf_add(s, t->qname.data, t->qname.len);
	st_buf_putc(s, ' ');
	put_keys(t, s);
	if (t->d->nulls_not_distinct)
		st_buf_puts(s, " NULLS NOT DISTINCT");
	st_buf_release(&name);
}

void
st_sql_insert(const st_sqltable *t, st_buf *s)
{
	st_buf_reset(s);
	st_buf_puts(s, "INSERT INTO ");
	st_buf_add(s, t->qname.data, t->qname.len);
	st_buf_putc(s, '(');
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			st_buf_puts(s, ", ");
		st_sql_ident(s, t->cols[i].name);
	}
	st_buf_puts(s, ") VALUES (");
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			st_buf_puts(s, ", ");
		if (t->d->dollar)
			st_buf_printf(s, "$%zu", i + 1);
		else
			st_buf_putc(s, '?');
	}
	st_buf_putc(s, ')');
	if (!t->upsert)
		return;
	st_buf_puts(s, " ON CONFLICT ");
	put_keys(t, s);
	st_buf_puts(s, " DO ");
	int set = 0;
	for (size_t i = 0; i < t->ncols; i++) {
		if (st_sqltable_is_key(t, t->cols[i].name))
			continue;
		st_buf_puts(s, set++ ? ", " : "UPDATE SET ");
		st_sql_ident(s, t->cols[i].name);
		st_buf_puts(s, " = excluded.");
		st_sql_ident(s, t->cols[i].name);
	}
	if (!set)
		st_buf_puts(s, "NOTHING");
}
