/*
 * lists.c - a parsed list's keeping: the schemas and patterns its
 * functions compiled (freed with the list), DDL types for CAST and
 * from_json, and the list API of expr.h. Called by the parser, the
 * compile pass and func.c; calls none of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "internal.h"

void
list_add_schema(st_expr_list *l, st_schema *s)
{
	if (l->nschemas == l->capschemas) {
		l->capschemas = l->capschemas ? l->capschemas * 2 : 4;
		l->schemas = st_realloc(l->schemas,
		    l->capschemas * sizeof *l->schemas);
	}
	l->schemas[l->nschemas++] = s;
}

void
list_add_pattern(st_expr_list *l, pattern *pt)
{
	if (l->npatterns == l->cappatterns) {
		l->cappatterns = l->cappatterns ? l->cappatterns * 2 : 4;
		l->patterns = st_realloc(l->patterns,
		    l->cappatterns * sizeof *l->patterns);
	}
	l->patterns[l->npatterns++] = pt;
}

void
list_add_free(st_expr_list *l, void (*fn)(void *), void *p)
{
	if (l->nkeeps == l->capkeeps) {
		l->capkeeps = l->capkeeps ? l->capkeeps * 2 : 4;
		l->keeps = st_realloc(l->keeps, l->capkeeps * sizeof *l->keeps);
	}
	l->keeps[l->nkeeps].free = fn;
	l->keeps[l->nkeeps++].p = p;
}

const st_type *
parse_type_text(st_expr_list *l, const char *text, size_t n, char *err,
    size_t errlen, size_t *errcol)
{
	st_buf b = ST_BUF_INIT;
	st_schema_error e;
	st_buf_add(&b, "x ", 2);
	st_buf_add(&b, text, n);
	st_schema *s = st_schema_parse(b.data, &e);
	st_buf_release(&b);
	if (!s) {
		snprintf(err, errlen, "%s", e.msg);
		*errcol = e.col > 2 ? e.col - 2 : 1;
		if (strstr(err, "expected a type after 'x'")) {
			snprintf(err, errlen, "expected a type after AS");
		}
		return NULL;
	}
	if (s->n != 1) {
		snprintf(err, errlen, "expected one type");
		*errcol = 1;
		st_schema_free(s);
		return NULL;
	}
	list_add_schema(l, s);
	return s->fields[0].type;
}
void
st_expr_list_free(st_expr_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nschemas; i++)
		st_schema_free(l->schemas[i]);
	for (size_t i = 0; i < l->npatterns; i++)
		if (l->patterns[i]->re_ok)
			regfree(&l->patterns[i]->re);
	for (size_t i = 0; i < l->nkeeps; i++)
		l->keeps[i].free(l->keeps[i].p);
	free(l->keeps);
	free(l->schemas);
	free(l->patterns);
	free(l->items);
	free(l->cols);
	free(l->text);
	st_arena_release(&l->arena);
	free(l);
}

size_t
st_expr_list_len(const st_expr_list *l)
{
	return l->nitems;
}

const st_expr_item *
st_expr_list_item(const st_expr_list *l, size_t i)
{
	return i < l->nitems ? &l->items[i] : NULL;
}

const char *
st_expr_list_text(const st_expr_list *l)
{
	return l->text;
}

size_t
st_expr_list_columns(const st_expr_list *l, const char *const **names,
    int *star)
{
	*names = l->cols;
	if (star)
		*star = l->star_cols;
	return l->ncols;
}

/* ---- inspection ----------------------------------------------------- */
