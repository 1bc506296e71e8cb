/*
 * select.c - st-select: builds each output line from the select list,
 * copying plain columns as raw bytes and writing computed values as JSON.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "column.h"
#include "err.h"
#include "expr/expr.h"
#include "op/only.h"
#include "op/select.h"
#include "datetime.h"

/* One --with NAME=EXPR. */
typedef struct withcol {
	char *name;
	size_t nlen;
	st_expr_list *list;
	st_eval ev;
} withcol;

/* One output member of the row being built. The value is raw bytes
 * (borrowed from the record) or an offset into the values buffer. */
typedef struct member {
	const char *key;	/* JSON-escaped, no quotes */
	size_t klen;
	const char *raw;	/* NULL: in vals at voff */
	size_t voff, vlen;
	int gen;		/* 0, or 1 generator col, 2 generator pos */
	int dropped;		/* replaced by a later member of that name */
} member;

/* A struct member's name (bytes, new) and its escaped key (new): a
 * struct.* gives the same members row after row, escaped once. */
typedef struct keycache {
	char *name, *key;
	size_t nlen, klen;
} keycache;

typedef struct sel {
	st_expr_list *list;	/* NULL: only --with */
	st_eval ev;
	withcol *with;
	size_t nwith;
	char **jname;		/* per item: escaped output name */
	char **jname2;		/* posexplode's second name */
	int identity;		/* the list is "*" alone */
	int gen_item;		/* index of the generator item, or -1 */
	int gen_pos, gen_outer;
	int may_dup;		/* output names may repeat */
	int struct_stars;	/* struct.* items */
	int seen;
	st_only only;		/* --source NAME */
	member *m;
	size_t nm, capm;
	st_buf vals, line, rowbuf, tmp;
	st_buf keyb;		/* a struct member's name, escaped */
	keycache *kc;		/* per struct member of the row, in order */
	size_t nkc;
	st_fields fields;
} sel;

static char *
escape_name(const char *s)
{
	st_buf b = ST_BUF_INIT;
	/* Raw key text: st_objw_key_raw adds the quotes. */
	char *r = st_strdup(st_column_raw(&b, s));
	st_buf_release(&b);
	return r;
}

static member *
add_member(sel *s, const char *key, size_t klen)
{
	if (s->nm == s->capm) {
		s->capm = s->capm ? s->capm * 2 : 16;
		s->m = st_realloc(s->m, s->capm * sizeof *s->m);
	}
	member *m = &s->m[s->nm++];
	memset(m, 0, sizeof *m);
	m->key = key;
	m->klen = klen;
	return m;
}

/* The escaped key of the row's struct member idx, named name[0..n): the
 * last row's when it had the same name there. Valid until idx is asked
 * again, in a later row. */
static const char *
member_key(sel *s, size_t idx, const char *name, size_t n, size_t *klen)
{
	if (idx == s->nkc) {
		s->kc = st_realloc(s->kc, (idx + 1) * sizeof *s->kc);
		s->kc[s->nkc++] = (keycache){ 0 };
	}
	keycache *c = &s->kc[idx];
	if (c->key == NULL || c->nlen != n ||
	    (n && memcmp(c->name, name, n) != 0)) {
		free(c->name);
		free(c->key);
		c->name = st_malloc(n ? n : 1);
		memcpy(c->name, name, n);
		c->nlen = n;
		st_buf_reset(&s->keyb);
		st_buf_put_json_string(&s->keyb, name, n);
		c->klen = s->keyb.len - 2;
		c->key = st_strndup(s->keyb.data + 1, c->klen);
	}
	*klen = c->klen;
	return c->key;
}

/* Appends the value as JSON into vals and points m at it. */
static void
set_value(sel *s, member *m, const st_value *v)
{
	m->raw = NULL;
	m->voff = s->vals.len;
	st_value_write_json(&s->vals, v);
	m->vlen = s->vals.len - m->voff;
}

static void
set_raw(member *m, const char *raw, size_t n)
{
	m->raw = raw;
	m->vlen = n;
}

static int
excepted(const st_expr_item *it, const st_field *f)
{
	for (size_t i = 0; i < it->nexcept; i++)
		if (st_json_key_eq(f, it->except[i], strlen(it->except[i])))
			return 1;
	return 0;
}

/* The fields of r as they will be written (edits applied). */
static const st_fields *
row_fields(sel *s, st_record *r)
{
	if (!st_record_edited(r))
		return &r->fields;
	st_buf_reset(&s->rowbuf);
	st_record_serialize(r, &s->rowbuf);
	if (st_json_scan_object(s->rowbuf.data, s->rowbuf.len, &s->fields,
	    NULL) < 0)
		s->fields.n = 0;
	return &s->fields;
}

/* Later members replace earlier ones of the same name, in place. */
static void
dedupe(sel *s)
{
	for (size_t i = 1; i < s->nm; i++) {
		for (size_t j = 0; j < i; j++) {
			member *a = &s->m[j], *b = &s->m[i];
			if (a->dropped || a->klen != b->klen ||
			    memcmp(a->key, b->key, a->klen) != 0)
				continue;
			a->raw = b->raw;
			a->voff = b->voff;
			a->vlen = b->vlen;
			a->gen = b->gen;
			b->dropped = 1;
			break;
		}
	}
}

static void
write_row(sel *s, st_ctx *ctx, const st_value *elem, int64_t pos)
{
	st_objw w;
	st_buf_reset(&s->line);
	st_objw_begin(&w, &s->line);
	for (size_t i = 0; i < s->nm; i++) {
		member *m = &s->m[i];
		if (m->dropped)
			continue;
		st_objw_key_raw(&w, m->key, m->klen);
		if (m->gen == 1)
			st_value_write_json(&s->line, elem);
		else if (m->gen == 2) {
			if (pos < 0)
				st_buf_add(&s->line, "null", 4);
			else
				st_buf_put_i64(&s->line, pos);
		} else if (m->raw)
			st_buf_add(&s->line, m->raw, m->vlen);
		else
			st_buf_add(&s->line, s->vals.data + m->voff, m->vlen);
	}
	st_objw_end(&w);
	st_emit_raw(ctx, s->line.data, s->line.len);
}

static void
apply_with(sel *s, st_record *r)
{
	for (size_t i = 0; i < s->nwith; i++) {
		withcol *w = &s->with[i];
		st_value v;
		st_eval_set_record(&w->ev, r);
		st_expr_eval(&w->ev, st_expr_list_item(w->list, 0)->expr, &v);
		st_buf_reset(&s->tmp);
		st_value_write_json(&s->tmp, &v);
		st_record_set_raw(r, w->name, w->nlen, s->tmp.data, s->tmp.len);
	}
}

static int
select_begin(st_op *op, st_ctx *ctx, st_batch *b)
{
	sel *s = op->self;
	(void)ctx;
	s->ev.now = b->ts_ms * 1000;
	for (size_t i = 0; i < s->nwith; i++)
		s->with[i].ev.now = s->ev.now;
	return 0;
}

static void
first_record(sel *s, st_record *r)
{
	const char **names = st_calloc(s->nwith + 1, sizeof *names);
	for (size_t i = 0; i < s->nwith; i++) {
		st_expr_warn_missing(s->with[i].list, r, names, i);
		names[i] = s->with[i].name;
	}
	if (s->list)
		st_expr_warn_missing(s->list, r, names, s->nwith);
	free(names);
}

static int
select_record(st_op *op, st_ctx *ctx, st_record *r)
{
	sel *s = op->self;
	if (!st_only_applies(&s->only, ctx)) {
		st_emit(ctx, r);
		return 0;
	}
	if (!s->seen) {
		s->seen = 1;
		first_record(s, r);
	}
	apply_with(s, r);
	if (!s->list || s->identity) {
		st_emit(ctx, r);
		return 0;
	}
	st_eval_set_record(&s->ev, r);
	st_buf_reset(&s->vals);
	s->nm = 0;
	st_value genv = st_v_null();
	size_t n = st_expr_list_len(s->list);
	const st_fields *fs = NULL;
	size_t nkey = 0;	/* struct members so far */
	for (size_t i = 0; i < n; i++) {
		const st_expr_item *it = st_expr_list_item(s->list, i);
		if (it->kind == ST_ITEM_STAR && it->expr) {
			/* struct.*: the struct's members as columns; a null
			 * or a non-struct gives none. */
			st_value v;
			st_expr_eval(&s->ev, it->expr, &v);
			for (uint32_t k = 0; v.type == ST_V_STRUCT &&
			    k < v.u.a.n; k++) {
				/* Member keys are raw JSON: the names
				 * escaped. */
				size_t klen;
				const char *key = member_key(s, nkey++,
				    v.u.a.names[k], v.u.a.nlens[k], &klen);
				member *m = add_member(s, key, klen);
				set_value(s, m, &v.u.a.v[k]);
			}
			continue;
		}
		if (it->kind == ST_ITEM_STAR) {
			if (!fs)
				fs = row_fields(s, r);
			for (uint32_t k = 0; k < fs->n; k++) {
				const st_field *f = &fs->v[k];
				if (it->nexcept && excepted(it, f))
					continue;
				member *m = add_member(s, f->key, f->klen);
				set_raw(m, f->val, f->vlen);
			}
			continue;
		}
		if ((int)i == s->gen_item) {
			st_expr_eval(&s->ev, st_expr_call_arg(it->expr, 0),
			    &genv);
			if (s->gen_pos) {
				member *m = add_member(s, s->jname[i],
				    strlen(s->jname[i]));
				m->gen = 2;
				m = add_member(s, s->jname2[i],
				    strlen(s->jname2[i]));
				m->gen = 1;
			} else {
				member *m = add_member(s, s->jname[i],
				    strlen(s->jname[i]));
				m->gen = 1;
			}
			continue;
		}
		member *m = add_member(s, s->jname[i], strlen(s->jname[i]));
		st_field f;
		int rc = st_expr_raw(&s->ev, it->expr, &f);
		if (rc == 1) {
			set_raw(m, f.val, f.vlen);
		} else if (rc == 0) {
			set_raw(m, "null", 4);
		} else {
			st_value v;
			st_expr_eval(&s->ev, it->expr, &v);
			set_value(s, m, &v);
		}
	}
	if (s->may_dup)
		dedupe(s);
	if (s->gen_item < 0) {
		write_row(s, ctx, NULL, 0);
		return 0;
	}
	/* explode: one row per element; none for NULL or [] unless
	 * *_outer, which gives one row of NULLs. */
	if (genv.type != ST_V_ARRAY || genv.u.a.n == 0) {
		if (s->gen_outer) {
			st_value nul = st_v_null();
			write_row(s, ctx, &nul, -1);
		}
		return 0;
	}
	for (uint32_t k = 0; k < genv.u.a.n; k++)
		write_row(s, ctx, &genv.u.a.v[k], k);
	return 0;
}

/* Splits "NAME=EXPR": NAME is an identifier or a `backquoted` name. */
static int
split_with(const char *text, withcol *w)
{
	const char *p = text;
	while (isspace((unsigned char)*p))
		p++;
	const char *eq;
	if (*p == '`') {
		st_buf b = ST_BUF_INIT;
		eq = st_column_read_quoted(p, &b);
		while (eq && isspace((unsigned char)*eq))
			eq++;
		if (!eq || *eq != '=') {
			st_buf_release(&b);
			return -1;
		}
		w->name = st_strndup(b.data, b.len);
		st_buf_release(&b);
	} else {
		eq = strchr(p, '=');
		if (!eq || eq == p)
			return -1;
		const char *e = eq;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		w->name = st_strndup(p, (size_t)(e - p));
	}
	w->nlen = strlen(w->name);
	if (w->nlen == 0) {
		free(w->name);
		return -1;
	}
	return (int)(eq + 1 - text);
}

static void
sel_free(sel *s)
{
	size_t n = s->list ? st_expr_list_len(s->list) : 0;
	for (size_t i = 0; i < n; i++) {
		free(s->jname[i]);
		free(s->jname2[i]);
	}
	free(s->jname);
	free(s->jname2);
	for (size_t i = 0; i < s->nwith; i++) {
		st_eval_release(&s->with[i].ev);
		st_expr_list_free(s->with[i].list);
		free(s->with[i].name);
	}
	free(s->with);
	if (s->list) {
		st_eval_release(&s->ev);
		st_expr_list_free(s->list);
	}
	free(s->m);
	st_buf_release(&s->vals);
	st_buf_release(&s->keyb);
	for (size_t i = 0; i < s->nkc; i++) {
		free(s->kc[i].name);
		free(s->kc[i].key);
	}
	free(s->kc);
	st_buf_release(&s->line);
	st_buf_release(&s->rowbuf);
	st_buf_release(&s->tmp);
	st_fields_release(&s->fields);
	st_only_release(&s->only);
}

int
st_select_run(const st_select_opts *o, st_common *common)
{
	sel s;
	st_expr_error err;
	int rc = ST_EXIT_USAGE;

	memset(&s, 0, sizeof s);
	s.gen_item = -1;
	s.only.name = o->source;
	s.with = st_calloc(o->nwith ? o->nwith : 1, sizeof *s.with);
	for (size_t i = 0; i < o->nwith; i++) {
		withcol *w = &s.with[i];
		int off = split_with(o->with[i], w);
		if (off < 0) {
			st_warn("invalid --with '%s': expected NAME=EXPR",
			    o->with[i]);
			goto out;
		}
		w->list = st_expr_parse(o->with[i] + off, 0, &err);
		if (!w->list) {
			free(w->name);
			w->name = NULL;
			st_expr_error_print(&err);
			goto out;
		}
		st_eval_init(&w->ev, w->list);
		s.nwith = i + 1;
	}
	if (o->list) {
		s.list = st_expr_parse_list(o->list, ST_EXPR_STAR |
		    ST_EXPR_GENERATORS, &err);
		if (!s.list) {
			st_expr_error_print(&err);
			goto out;
		}
		st_eval_init(&s.ev, s.list);
		size_t n = st_expr_list_len(s.list);
		s.jname = st_calloc(n, sizeof *s.jname);
		s.jname2 = st_calloc(n, sizeof *s.jname2);
		int stars = 0;
		for (size_t i = 0; i < n; i++) {
			const st_expr_item *it = st_expr_list_item(s.list, i);
			if (it->kind == ST_ITEM_STAR && it->expr) {
				/* struct.*: names known per record only. */
				s.may_dup = 1;
				s.struct_stars++;
				continue;
			}
			if (it->kind == ST_ITEM_STAR) {
				stars++;
				continue;
			}
			s.jname[i] = escape_name(it->name);
			if (it->name2)
				s.jname2[i] = escape_name(it->name2);
			if (st_expr_is_generator(it->expr, &s.gen_pos,
			    &s.gen_outer))
				s.gen_item = (int)i;
			for (size_t j = 0; j < i; j++)
				if (s.jname[j] && strcmp(s.jname[j],
				    s.jname[i]) == 0)
					s.may_dup = 1;
		}
		s.identity = n == 1 && stars == 1 && s.struct_stars == 0 &&
		    st_expr_list_item(s.list, 0)->nexcept == 0;
		if (stars && (stars > 1 || n > 1))
			s.may_dup = 1;
		if (s.gen_pos)
			s.may_dup = 1;
	}
	st_op op = { .name = "st-select", .self = &s, .begin = select_begin,
	    .record = select_record };
	rc = st_op_run(&op, common);
	if (rc == ST_EXIT_OK)
		st_only_warn_unmatched(&s.only);
out:
	sel_free(&s);
	return rc;
}
