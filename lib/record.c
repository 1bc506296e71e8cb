/* record.c - see record.h. */
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "err.h"
#include "record.h"

void
st_record_init(st_record *r)
{
	memset(r, 0, sizeof *r);
}

void
st_record_release(st_record *r)
{
	st_fields_release(&r->fields);
	free(r->edits);
	st_buf_release(&r->ebuf);
	st_buf_release(&r->own);
	st_buf_release(&r->wbuf);
	memset(r, 0, sizeof *r);
}

void
st_record_set_line(st_record *r, const char *line, size_t len,
    uint64_t lineno)
{
	r->line = line;
	r->len = len;
	r->lineno = lineno;
	r->scanned = 0;
	r->nedits = 0;
	st_buf_reset(&r->ebuf);
}

void
st_record_own(st_record *r)
{
	if (r->own.data == r->line && r->line != NULL)
		return;
	const char *old = r->line;
	st_buf_reset(&r->own);
	st_buf_add(&r->own, r->line, r->len);
	r->line = r->own.data;
	/* Field slices pointed into the old bytes: rebase them. */
	if (r->scanned == 1) {
		for (uint32_t i = 0; i < r->fields.n; i++) {
			st_field *f = &r->fields.v[i];
			f->key = r->line + (f->key - old);
			f->val = r->line + (f->val - old);
		}
	}
}

int
st_record_scan(st_record *r)
{
	if (r->scanned == 0)
		r->scanned = st_json_scan_object(r->line, r->len, &r->fields,
		    &r->err) == 0 ? 1 : -1;
	return r->scanned == 1 ? 0 : -1;
}

static int
edit_key_eq(const st_record *r, const st_edit *e, const char *name,
    size_t len)
{
	st_field f = { .key = r->ebuf.data + e->key_off,
	    .klen = (uint32_t)e->key_len };
	f.kesc = memchr(f.key, '\\', f.klen) != NULL;
	return st_json_key_eq(&f, name, len);
}

static st_edit *
find_edit(st_record *r, const char *name, size_t len)
{
	for (uint32_t i = 0; i < r->nedits; i++)
		if (edit_key_eq(r, &r->edits[i], name, len))
			return &r->edits[i];
	return NULL;
}

const st_field *
st_record_get(st_record *r, const char *name, size_t len)
{
	static __thread st_field tmp;

	if (st_record_scan(r) < 0)
		return NULL;
	if (r->nedits) {
		st_edit *e = find_edit(r, name, len);
		if (e) {
			if (e->val_len == 0)
				return NULL;
			tmp.key = r->ebuf.data + e->key_off;
			tmp.klen = (uint32_t)e->key_len;
			tmp.val = r->ebuf.data + e->val_off;
			tmp.vlen = (uint32_t)e->val_len;
			tmp.type = st_json_type(tmp.val);
			tmp.kesc = memchr(tmp.key, '\\', tmp.klen) != NULL;
			return &tmp;
		}
	}
	/* Last duplicate wins, as in jansson. */
	for (uint32_t i = r->fields.n; i-- > 0;) {
		const st_field *f = &r->fields.v[i];
		if (f->klen == len && !f->kesc &&
		    memcmp(f->key, name, len) == 0)
			return f;
		if (f->kesc && st_json_key_eq(f, name, len))
			return f;
	}
	return NULL;
}

static void
add_edit(st_record *r, const char *name, size_t len, const char *val,
    size_t vlen)
{
	st_edit *e = find_edit(r, name, len);

	if (e == NULL) {
		if (r->nedits == r->edcap) {
			r->edcap = r->edcap ? r->edcap * 2 : 8;
			r->edits = st_realloc(r->edits,
			    r->edcap * sizeof *r->edits);
		}
		e = &r->edits[r->nedits++];
		/* Store the key escaped, without quotes, like scanned keys. */
		size_t at = r->ebuf.len;
		st_buf_put_json_string(&r->ebuf, name, len);
		e->key_off = at + 1;
		e->key_len = r->ebuf.len - at - 2;
	}
	e->val_off = r->ebuf.len;
	e->val_len = vlen;
	st_buf_add(&r->ebuf, val, vlen);
}

void
st_record_set_raw(st_record *r, const char *name, size_t len,
    const char *val, size_t vlen)
{
	(void)st_record_scan(r);
	add_edit(r, name, len, val, vlen);
}

void
st_record_del(st_record *r, const char *name, size_t len)
{
	(void)st_record_scan(r);
	add_edit(r, name, len, NULL, 0);
}

void
st_record_serialize(st_record *r, st_buf *b)
{
	if (r->nedits == 0 || st_record_scan(r) < 0) {
		st_buf_add(b, r->line, r->len);
		return;
	}

	/* Mark which edits replace an original member, so those are written
	 * in place and the rest are appended. Edits are few per record, so a
	 * bitmap on the stack suffices for the common case. */
	unsigned char used_small[64];
	unsigned char *used = r->nedits <= sizeof used_small ? used_small :
	    st_calloc(r->nedits, 1);
	memset(used, 0, r->nedits);

	st_objw w;
	st_objw_begin(&w, b);
	for (uint32_t i = 0; i < r->fields.n; i++) {
		const st_field *f = &r->fields.v[i];
		uint32_t j;
		if (f->kesc) {
			/* Escapes spell one key several ways ("k\u0065y" is
			 * "key"): compare decoded keys. Rare, so not fast. */
			st_buf k = ST_BUF_INIT;
			st_json_unescape(f->key, f->klen, &k);
			for (j = 0; j < r->nedits; j++)
				if (edit_key_eq(r, &r->edits[j], k.data,
				    k.len))
					break;
			st_buf_release(&k);
		} else {
			for (j = 0; j < r->nedits; j++) {
				const st_edit *e = &r->edits[j];
				if (e->key_len == f->klen &&
				    memcmp(r->ebuf.data + e->key_off, f->key,
				    f->klen) == 0)
					break;
			}
		}
		if (j == r->nedits) {
			st_objw_raw(&w, f->key, f->klen, f->val, f->vlen);
			continue;
		}
		if (used[j])	/* a duplicate key: written once */
			continue;
		used[j] = 1;
		const st_edit *e = &r->edits[j];
		if (e->val_len)
			st_objw_raw(&w, r->ebuf.data + e->key_off, e->key_len,
			    r->ebuf.data + e->val_off, e->val_len);
	}
	for (uint32_t j = 0; j < r->nedits; j++) {
		const st_edit *e = &r->edits[j];
		if (!used[j] && e->val_len)
			st_objw_raw(&w, r->ebuf.data + e->key_off, e->key_len,
			    r->ebuf.data + e->val_off, e->val_len);
	}
	st_objw_end(&w);
	if (used != used_small)
		free(used);
}

void
st_record_write(st_record *r, st_writer *w)
{
	if (r->nedits == 0) {
		st_write_data_line(w, r->line, r->len);
		return;
	}
	/* A buffer kept in the record: no allocation per edited record. */
	st_buf_reset(&r->wbuf);
	st_record_serialize(r, &r->wbuf);
	st_write_data_line(w, r->wbuf.data, r->wbuf.len);
}

int
st_field_string(const st_field *f, st_buf *out)
{
	if (f->type != ST_J_STRING)
		return -1;
	return st_json_unescape(f->val + 1, f->vlen - 2, out);
}

int
st_field_number(const st_field *f, int64_t *iv, double *dv)
{
	if (f->type != ST_J_NUMBER)
		return -1;
	return st_json_number(f->val, f->vlen, iv, dv);
}
