/*
 * schema.c - Spark DDL schemas: a small hand-written parser, and applying
 * a schema to JSON objects and CSV fields.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "column.h"
#include "suggest.h"
#include "err.h"
#include "schema.h"

typedef struct ddl {
	const char *s, *p;
	st_arena *a;
	st_schema_error *err;
	int depth;
} ddl;

static int
ddl_fail(ddl *d, const char *at, const char *fmt, ...)
{
	va_list ap;
	if (d->err->msg[0])
		return -1;
	d->err->col = (size_t)(at - d->s) + 1;
	va_start(ap, fmt);
	vsnprintf(d->err->msg, sizeof d->err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static void
ddl_ws(ddl *d)
{
	while (isspace((unsigned char)*d->p))
		d->p++;
}

static int
is_ident_start(int c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static int
is_ident(int c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* Reads a name: identifier or `backquoted`. Returns an arena copy or NULL
 * (nothing consumed) when there is none. */
static char *
ddl_name(ddl *d, size_t *len)
{
	ddl_ws(d);
	const char *p = d->p;
	if (*p == '`') {
		st_buf b = ST_BUF_INIT;
		p = st_column_read_quoted(p, &b);
		if (p == NULL) {
			st_buf_release(&b);
			ddl_fail(d, d->p, "unterminated `name`");
			return NULL;
		}
		d->p = p;
		*len = b.len;
		char *r = st_arena_strndup(d->a, b.data, b.len);
		st_buf_release(&b);
		return r;
	}
	if (!is_ident_start((unsigned char)*p))
		return NULL;
	while (is_ident((unsigned char)*p))
		p++;
	*len = (size_t)(p - d->p);
	char *r = st_arena_strndup(d->a, d->p, *len);
	d->p = p;
	return r;
}

static const char *const type_words[] = {
	"BOOLEAN", "BOOL", "INT", "INTEGER", "SMALLINT", "SHORT", "TINYINT",
	"BYTE", "BIGINT", "LONG", "DOUBLE", "FLOAT", "REAL", "STRING",
	"VARCHAR", "CHAR", "TIMESTAMP", "DATE", "DECIMAL", "DEC", "NUMERIC",
	"ARRAY", "STRUCT", NULL
};

static int
word_is(const char *w, const char *k)
{
	return strcasecmp(w, k) == 0;
}

static int
ddl_punct(ddl *d, char c)
{
	ddl_ws(d);
	if (*d->p == c) {
		d->p++;
		return 1;
	}
	return 0;
}

static int
ddl_uint(ddl *d, unsigned *v)
{
	ddl_ws(d);
	if (!isdigit((unsigned char)*d->p))
		return 0;
	unsigned n = 0;
	while (isdigit((unsigned char)*d->p)) {
		if (n < 100000)
			n = n * 10 + (unsigned)(*d->p - '0');
		d->p++;
	}
	*v = n;
	return 1;
}

/* "'text'" (at most 10 bytes of it) or "end of schema", for messages. */
static const char *
show_at(const char *p)
{
	static char tmp[16];
	if (!*p)
		return "end of schema";
	snprintf(tmp, sizeof tmp, "'%.10s'", p);
	return tmp;
}

static int parse_fields(ddl *d, char close, uint32_t *nf, const char ***names,
    const st_type ***types, const char *opener);

static const st_type *
parse_type(ddl *d, const char *after)
{
	ddl_ws(d);
	const char *at = d->p;
	size_t len;
	if (*at == '`' || !is_ident_start((unsigned char)*at)) {
		ddl_fail(d, at, "expected a type after '%s', found %s",
		    after, show_at(at));
		return NULL;
	}
	char *w = ddl_name(d, &len);
	if (!w)
		return NULL;
	if (++d->depth > 32) {
		ddl_fail(d, at, "types nested too deeply");
		return NULL;
	}
	st_type *t = st_arena_alloc(d->a, sizeof *t);
	memset(t, 0, sizeof *t);
	if (word_is(w, "BOOLEAN") || word_is(w, "BOOL"))
		t->kind = ST_V_BOOLEAN;
	else if (word_is(w, "INT") || word_is(w, "INTEGER") ||
	    word_is(w, "SMALLINT") || word_is(w, "SHORT") ||
	    word_is(w, "TINYINT") || word_is(w, "BYTE"))
		t->kind = ST_V_INT;
	else if (word_is(w, "BIGINT") || word_is(w, "LONG"))
		t->kind = ST_V_BIGINT;
	else if (word_is(w, "DOUBLE") || word_is(w, "FLOAT") ||
	    word_is(w, "REAL"))
		t->kind = ST_V_DOUBLE;
	else if (word_is(w, "STRING") || word_is(w, "VARCHAR") ||
	    word_is(w, "CHAR")) {
		t->kind = ST_V_STRING;
		if (!word_is(w, "STRING") && ddl_punct(d, '(')) {
			unsigned n;
			if (!ddl_uint(d, &n) || !ddl_punct(d, ')')) {
				ddl_fail(d, d->p, "expected a length and ')' "
				    "after '%s('", w);
				return NULL;
			}
		}
	} else if (word_is(w, "TIMESTAMP"))
		t->kind = ST_V_TIMESTAMP;
	else if (word_is(w, "DATE"))
		t->kind = ST_V_DATE;
	else if (word_is(w, "DECIMAL") || word_is(w, "DEC") ||
	    word_is(w, "NUMERIC")) {
		unsigned p = 10, s = 0;
		t->kind = ST_V_DECIMAL;
		if (ddl_punct(d, '(')) {
			if (!ddl_uint(d, &p)) {
				ddl_fail(d, d->p, "expected a precision after "
				    "'%s('", w);
				return NULL;
			}
			if (ddl_punct(d, ',') && !ddl_uint(d, &s)) {
				ddl_fail(d, d->p, "expected a scale after ','");
				return NULL;
			}
			if (!ddl_punct(d, ')')) {
				ddl_fail(d, d->p, "expected ')' to close '%s('",
				    w);
				return NULL;
			}
			if (p < 1 || p > 38 || s > p) {
				ddl_fail(d, at, "invalid DECIMAL(%u,%u): "
				    "need 1 <= precision <= 38 and scale <= "
				    "precision", p, s);
				return NULL;
			}
		}
		/* The precision is kept (DECIMAL(p,0) beyond 18 digits holds
		 * BIGDECs); casts cap what an int64 holds (value.h). */
		t->prec = (uint8_t)p;
		t->scale = (uint8_t)(s > 18 ? 18 : s);
	} else if (word_is(w, "ARRAY")) {
		t->kind = ST_V_ARRAY;
		const char *lt = d->p;
		if (!ddl_punct(d, '<')) {
			ddl_fail(d, lt, "expected '<' after ARRAY");
			return NULL;
		}
		if (!(t->elem = parse_type(d, "ARRAY<")))
			return NULL;
		if (!ddl_punct(d, '>')) {
			ddl_ws(d);
			ddl_fail(d, d->p, "expected '>' to close ARRAY<");
			return NULL;
		}
	} else if (word_is(w, "STRUCT")) {
		t->kind = ST_V_STRUCT;
		const char *lt = d->p;
		if (!ddl_punct(d, '<')) {
			ddl_fail(d, lt, "expected '<' after STRUCT");
			return NULL;
		}
		if (parse_fields(d, '>', &t->nfields, &t->names, &t->ftypes,
		    "STRUCT<") < 0)
			return NULL;
	} else {
		size_t ntw = 0;
		while (type_words[ntw])
			ntw++;
		const char *best = st_suggest(w, len, type_words, ntw);
		if (best)
			ddl_fail(d, at, "unknown type '%s' (did you mean "
			    "'%s'?)", w, best);
		else
			ddl_fail(d, at, "unknown type '%s'", w);
		return NULL;
	}
	d->depth--;
	return t;
}

/* Fields up to close ('\0' for the top level, '>' in STRUCT<...>). */
static int
parse_fields(ddl *d, char close, uint32_t *nf, const char ***names,
    const st_type ***types, const char *opener)
{
	size_t cap = 8, n = 0;
	const char **nv = st_malloc(cap * sizeof *nv);
	const st_type **tv = st_malloc(cap * sizeof *tv);
	int rc = -1;

	ddl_ws(d);
	if (close && *d->p == close) {
		d->p++;
		goto done;
	}
	for (;;) {
		ddl_ws(d);
		const char *at = d->p;
		size_t len;
		char *name = ddl_name(d, &len);
		if (!name) {
			if (!d->err->msg[0])
				ddl_fail(d, at, "expected a field name%s, "
				    "found %s", n ? " after ','" : "",
				    show_at(at));
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			if (strcasecmp(nv[i], name) == 0) {
				ddl_fail(d, at, "duplicate field '%s'", name);
				goto out;
			}
		ddl_punct(d, ':');
		const st_type *t = parse_type(d, name);
		if (!t)
			goto out;
		ddl_ws(d);
		const char *kw = d->p;
		size_t kl;
		if (is_ident_start((unsigned char)*kw)) {
			char *k = ddl_name(d, &kl);
			if (word_is(k, "NOT"))
				ddl_fail(d, kw, "NOT NULL is not supported "
				    "(every field is nullable)");
			else if (word_is(k, "COMMENT"))
				ddl_fail(d, kw, "COMMENT is not supported");
			else
				ddl_fail(d, kw, "expected ',' after the type "
				    "of '%s', found '%s'", name, k);
			goto out;
		}
		if (n == cap) {
			cap *= 2;
			nv = st_realloc(nv, cap * sizeof *nv);
			tv = st_realloc(tv, cap * sizeof *tv);
		}
		nv[n] = name;
		tv[n] = t;
		n++;
		if (ddl_punct(d, ','))
			continue;
		ddl_ws(d);
		if (*d->p == close) {
			if (close)
				d->p++;
			break;
		}
		if (close)
			ddl_fail(d, d->p, "expected ',' or '%c' to close '%s', "
			    "found %s", close, opener, show_at(d->p));
		else
			ddl_fail(d, d->p, "expected ',' after the type of "
			    "'%s', found %s", name, show_at(d->p));
		goto out;
	}
done:
	*nf = (uint32_t)n;
	*names = st_arena_alloc(d->a, (n ? n : 1) * sizeof **names);
	*types = st_arena_alloc(d->a, (n ? n : 1) * sizeof **types);
	if (n) {
		memcpy(*names, nv, n * sizeof *nv);
		memcpy(*types, tv, n * sizeof *tv);
	}
	rc = 0;
out:
	free(nv);
	free(tv);
	return rc;
}

st_schema *
st_schema_parse(const char *text, st_schema_error *err)
{
	st_schema *s = st_calloc(1, sizeof *s);
	ddl d = { text, text, &s->arena, err, 0 };
	err->col = 0;
	err->msg[0] = '\0';
	ddl_ws(&d);
	if (*d.p == '\0') {
		ddl_fail(&d, d.p, "empty schema");
		goto fail;
	}
	if (parse_fields(&d, '\0', &s->as_struct.nfields, &s->as_struct.names,
	    &s->as_struct.ftypes, "") < 0)
		goto fail;
	s->as_struct.kind = ST_V_STRUCT;
	s->n = s->as_struct.nfields;
	s->fields = st_arena_alloc(&s->arena, (s->n ? s->n : 1) *
	    sizeof *s->fields);
	for (size_t i = 0; i < s->n; i++) {
		st_schema_field *f = &s->fields[i];
		f->name = s->as_struct.names[i];
		f->nlen = strlen(f->name);
		f->type = s->as_struct.ftypes[i];
		st_buf b = ST_BUF_INIT;
		st_buf_put_json_string(&b, f->name, f->nlen);
		f->jkey = st_arena_strndup(&s->arena, b.data, b.len);
		f->jklen = b.len;
		st_buf_release(&b);
	}
	return s;
fail:
	st_schema_free(s);
	return NULL;
}

void
st_schema_free(st_schema *s)
{
	if (!s)
		return;
	st_arena_release(&s->arena);
	st_arena_release(&s->scratch);
	st_fields_release(&s->scan);
	free(s);
}

void
st_schema_format(st_buf *b, const st_schema *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			st_buf_puts(b, ", ");
		st_type_format_name(b, s->fields[i].name);
		st_buf_putc(b, ' ');
		st_type_format(b, s->fields[i].type);
	}
}

int
st_schema_find(const st_schema *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->fields[i].nlen == len &&
		    memcmp(s->fields[i].name, name, len) == 0)
			return (int)i;
	for (size_t i = 0; i < s->n; i++)
		if (s->fields[i].nlen == len &&
		    strncasecmp(s->fields[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* ---- apply ---------------------------------------------------------- */

static void
fail_set(st_schema_fail *f, st_schema_fail_kind k, int field,
    const char *name, const char *fmt, ...)
{
	va_list ap;
	if (f->kind != ST_SCHEMA_OK)
		return;
	f->kind = k;
	f->field = field;
	f->name = name;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof f->msg, fmt, ap);
	va_end(ap);
}

static void
fail_init(st_schema_fail *f)
{
	f->kind = ST_SCHEMA_OK;
	f->field = -1;
	f->name = NULL;
	f->msg[0] = '\0';
}

/* Describes a value that failed to cast, for the message: at most 40
 * bytes of its text, quoted. */
static void
bad_value(st_schema *s, size_t i, const st_value *v, st_schema_fail *fail)
{
	st_buf t = ST_BUF_INIT, ty = ST_BUF_INIT;
	st_value_write_text(&t, v);
	st_type_format(&ty, s->fields[i].type);
	if (t.len > 40)
		fail_set(fail, ST_SCHEMA_BAD_VALUE, (int)i, s->fields[i].name,
		    "cannot cast '%.40s...' to %s", t.data, ty.data);
	else
		fail_set(fail, ST_SCHEMA_BAD_VALUE, (int)i, s->fields[i].name,
		    "cannot cast '%s' to %s", t.data, ty.data);
	st_buf_release(&t);
	st_buf_release(&ty);
}

int
st_schema_put_value(st_schema *s, size_t i, const st_value *v, st_buf *out)
{
	st_value r;
	if (st_value_cast(&s->scratch, v, s->fields[i].type, &r) < 0) {
		st_buf_add(out, "null", 4);
		return -1;
	}
	st_value_write_json(out, &r);
	return 0;
}

/* Writes one raw JSON value cast to field i's type. */
static int
put_raw(st_schema *s, size_t i, const st_field *f, st_buf *out,
    st_schema_fail *fail)
{
	const st_type *t = s->fields[i].type;
	st_value v;

	/* Fast paths keep the input bytes when they already have the
	 * type: a string for STRING, an integer for BIGINT. */
	if (f->type == ST_J_NULL) {
		st_buf_add(out, "null", 4);
		return 0;
	}
	if (t->kind == ST_V_STRING) {
		if (f->type == ST_J_STRING) {
			st_buf_add(out, f->val, f->vlen);
			return 0;
		}
		if (f->type != ST_J_TRUE && f->type != ST_J_FALSE) {
			/* Numbers, objects and arrays: their JSON text. */
			st_buf_put_json_string(out, f->val, f->vlen);
			return 0;
		}
	}
	if (t->kind == ST_V_BIGINT && f->type == ST_J_NUMBER &&
	    !memchr(f->val, '.', f->vlen) && !memchr(f->val, 'e', f->vlen) &&
	    !memchr(f->val, 'E', f->vlen) && f->vlen < 19) {
		st_buf_add(out, f->val, f->vlen);
		return 0;
	}
	st_value_from_json(&s->scratch, f->val, f->vlen, &v);
	if (st_schema_put_value(s, i, &v, out) < 0) {
		bad_value(s, i, &v, fail);
		return -1;
	}
	return 0;
}

static const st_field *
find_member(const st_fields *fs, const st_schema_field *sf)
{
	for (uint32_t k = fs->n; k-- > 0;)
		if (st_json_key_eq(&fs->v[k], sf->name, sf->nlen))
			return &fs->v[k];
	for (uint32_t k = fs->n; k-- > 0;) {
		const st_field *f = &fs->v[k];
		if (!f->kesc && f->klen == sf->nlen &&
		    strncasecmp(f->key, sf->name, sf->nlen) == 0)
			return f;
	}
	return NULL;
}

int
st_schema_apply_json(st_schema *s, const char *obj, size_t n, st_buf *out,
    st_schema_fail *fail)
{
	st_json_err je;
	int rc = 0;

	fail_init(fail);
	st_arena_reset(&s->scratch);
	if (st_json_scan_object(obj, n, &s->scan, &je) < 0) {
		fail_set(fail, ST_SCHEMA_NOT_OBJECT, -1, NULL,
		    "not a JSON object: %s at byte %zu", je.msg,
		    je.offset + 1);
		return -1;
	}
	st_objw w;
	st_objw_begin(&w, out);
	for (size_t i = 0; i < s->n; i++) {
		st_schema_field *sf = &s->fields[i];
		st_objw_key_raw(&w, sf->jkey + 1, sf->jklen - 2);
		const st_field *f = find_member(&s->scan, sf);
		if (!f)
			st_buf_add(out, "null", 4);
		else if (put_raw(s, i, f, out, fail) < 0)
			rc = -1;
	}
	st_objw_end(&w);
	return rc;
}

int
st_schema_apply_strings(st_schema *s, const char *const *vals,
    const size_t *lens, size_t nvals, st_buf *out, st_schema_fail *fail)
{
	int rc = 0;

	fail_init(fail);
	st_arena_reset(&s->scratch);
	st_objw w;
	st_objw_begin(&w, out);
	for (size_t i = 0; i < s->n; i++) {
		st_schema_field *sf = &s->fields[i];
		st_objw_key_raw(&w, sf->jkey + 1, sf->jklen - 2);
		if (i >= nvals || !vals[i] || lens[i] == 0) {
			st_buf_add(out, "null", 4);
			continue;
		}
		if (sf->type->kind == ST_V_STRING) {
			st_buf_put_json_string(out, vals[i], lens[i]);
			continue;
		}
		st_value v = st_v_string(vals[i], lens[i]);
		if (st_schema_put_value(s, i, &v, out) < 0) {
			bad_value(s, i, &v, fail);
			rc = -1;
		}
	}
	st_objw_end(&w);
	if (nvals < s->n && rc == 0) {
		fail_set(fail, ST_SCHEMA_TOO_FEW, (int)nvals,
		    s->fields[nvals].name, "expected %zu fields, found %zu",
		    s->n, nvals);
		rc = -1;
	} else if (nvals > s->n && rc == 0) {
		fail_set(fail, ST_SCHEMA_TOO_MANY, -1, NULL,
		    "expected %zu fields, found %zu", s->n, nvals);
		rc = -1;
	}
	return rc;
}
