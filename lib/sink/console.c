/* console.c - Spark's console sink, and NDJSON on standard output; see
 * sink.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sink.h"

/* ---- stdout ------------------------------------------------------- */

typedef struct stdout_sink {
	st_writer *out;
} stdout_sink;

static int
stdout_begin(st_sink *s, const st_sink_batch *b)
{
	((stdout_sink *)s->self)->out = b->out;
	return 0;
}

static int
stdout_write(st_sink *s, st_record *r)
{
	st_record_write(r, ((stdout_sink *)s->self)->out);
	return 0;
}

static int
stdout_end(st_sink *s, const st_sink_batch *b)
{
	(void)s;
	st_writer_flush(b->out);
	return 0;
}

static const char *
stdout_describe(st_sink *s)
{
	(void)s;
	return "StdoutSink";
}

static void
plain_free(st_sink *s)
{
	free(s->self);
}

static const st_sink_vt stdout_vt = {
	.format = "stdout",
	.idempotent = 0,
	.begin = stdout_begin,
	.write = stdout_write,
	.end = stdout_end,
	.describe = stdout_describe,
	.free = plain_free,
};

st_sink *
st_sink_stdout_new(void)
{
	st_sink *s = st_calloc(1, sizeof *s);

	s->vt = &stdout_vt;
	s->self = st_calloc(1, sizeof(stdout_sink));
	return s;
}

/* ---- console ------------------------------------------------------ */

typedef struct console_sink {
	int64_t num_rows, truncate;
	uint64_t nrows;		/* rows in the batch (shown or not) */
	/* The batch's shown rows: JSON texts in rows, offsets in off. */
	st_buf rows;
	size_t *off, *len;
	size_t nshown, cap;
	/* The columns of the last batch with rows: an empty batch shows them,
	 * as Spark shows an empty table with its schema. */
	char **last_cols;
	size_t nlast;
} console_sink;

static int
console_begin(st_sink *s, const st_sink_batch *b)
{
	console_sink *cs = s->self;

	(void)b;
	cs->nrows = cs->nshown = 0;
	st_buf_reset(&cs->rows);
	return 0;
}

static int
console_write(st_sink *s, st_record *r)
{
	console_sink *cs = s->self;

	cs->nrows++;
	if ((int64_t)cs->nshown >= cs->num_rows)
		return 0;
	if (cs->nshown == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 32;
		cs->off = st_realloc(cs->off, cs->cap * sizeof *cs->off);
		cs->len = st_realloc(cs->len, cs->cap * sizeof *cs->len);
	}
	cs->off[cs->nshown] = cs->rows.len;
	st_record_serialize(r, &cs->rows);
	cs->len[cs->nshown] = cs->rows.len - cs->off[cs->nshown];
	cs->nshown++;
	return 0;
}

/* Appends a JSON value as Spark shows a cell: strings bare, structs as
 * {a, b}, arrays as [a, b]. */
static void
cell_text(st_buf *b, const char *v, size_t n)
{
	st_fields f = { 0 };
	st_json_err e;

	switch (st_json_type(v)) {
	case ST_J_STRING:
		st_json_unescape(v + 1, n - 2, b);
		return;
	case ST_J_OBJECT:
	case ST_J_ARRAY: {
		int obj = st_json_type(v) == ST_J_OBJECT;
		if ((obj ? st_json_scan_object(v, n, &f, &e) :
		    st_json_scan_array(v, n, &f, &e)) < 0) {
			st_buf_add(b, v, n);
			return;
		}
		st_buf_putc(b, obj ? '{' : '[');
		for (uint32_t i = 0; i < f.n; i++) {
			if (i)
				st_buf_add(b, ", ", 2);
			cell_text(b, f.v[i].val, f.v[i].vlen);
		}
		st_buf_putc(b, obj ? '}' : ']');
		st_fields_release(&f);
		return;
	}
	default:
		st_buf_add(b, v, n);
	}
}

/*
 * Makes text[off..] safe for a terminal: the control characters of data
 * (an ESC would start an escape sequence) are shown escaped. Spark's show()
 * writes \n, \r, \t, \f, \b, \v and \a as such (escapeMetaCharacters);
 * the other C0 controls, DEL and the C1 controls (U+0080..U+009F, which
 * some terminals obey too) are written \uXXXX.
 */
static void
escape_controls(st_buf *text, size_t off)
{
	size_t i, n = text->len - off;
	const unsigned char *s = (const unsigned char *)text->data + off;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f ||
		    (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f))
			break;
	if (i == n)
		return;
	st_buf t = ST_BUF_INIT;
	st_buf_add(&t, (const char *)s, n);
	text->len = off;
	for (i = 0; i < t.len; i++) {
		unsigned c = (unsigned char)t.data[i];
		const char *e = NULL;
		switch (c) {
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		case '\f': e = "\\f"; break;
		case '\b': e = "\\b"; break;
		case '\v': e = "\\v"; break;
		case '\a': e = "\\a"; break;
		}
		if (e) {
			st_buf_puts(text, e);
		} else if (c < 0x20 || c == 0x7f) {
			st_buf_printf(text, "\\u%04x", c);
		} else if (c == 0xc2 && i + 1 < t.len &&
		    (unsigned char)t.data[i + 1] >= 0x80 &&
		    (unsigned char)t.data[i + 1] <= 0x9f) {
			st_buf_printf(text, "\\u%04x",
			    (unsigned char)t.data[++i]);
		} else {
			st_buf_putc(text, (char)c);
		}
	}
	text->data[text->len] = '\0';
	st_buf_release(&t);
}

/* Characters (UTF-8 code points) in s[0..n). */
static size_t
width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* Byte length of the first k characters of s[0..n). */
static size_t
prefix_bytes(const char *s, size_t n, size_t k)
{
	size_t i = 0;

	for (; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && k-- == 0)
			break;
	return i;
}

typedef struct cell {
	size_t off, len;	/* in the text buffer */
} cell;

static void
pad(st_writer *w, size_t n)
{
	while (n--)
		st_writer_putc(w, ' ');
}

static void
put_cell(st_writer *w, const char *s, size_t n, size_t colw, int right)
{
	size_t cw = width(s, n);

	if (right)
		pad(w, colw - cw);
	st_writer_write(w, s, n);
	if (!right)
		pad(w, colw - cw);
	st_writer_putc(w, '|');
}

static void
rule(st_writer *w, const size_t *cw, size_t ncol)
{
	st_writer_putc(w, '+');
	if (ncol == 0)
		st_writer_putc(w, '+');
	for (size_t i = 0; i < ncol; i++) {
		for (size_t k = 0; k < cw[i]; k++)
			st_writer_putc(w, '-');
		st_writer_putc(w, '+');
	}
	st_writer_putc(w, '\n');
}

static int
console_end(st_sink *s, const st_sink_batch *b)
{
	console_sink *cs = s->self;
	st_writer *w = b->out;
	st_buf text = ST_BUF_INIT, name = ST_BUF_INIT;
	char **cols = NULL;
	size_t ncol = 0;
	st_fields f = { 0 };
	st_json_err e;
	char hdr[160];

	/* The columns: every key, in order of first appearance. */
	for (size_t r = 0; r < cs->nshown; r++) {
		if (st_json_scan_object(cs->rows.data + cs->off[r], cs->len[r],
		    &f, &e) < 0)
			continue;
		for (uint32_t i = 0; i < f.n; i++) {
			st_buf_reset(&name);
			st_json_unescape(f.v[i].key, f.v[i].klen, &name);
			const char *nm = name.data;
			size_t k = 0;
			while (k < ncol && strcmp(cols[k], nm) != 0)
				k++;
			if (k == ncol) {
				cols = st_realloc(cols, (ncol + 1) *
				    sizeof *cols);
				cols[ncol++] = st_strdup(nm);
			}
		}
	}
	if (ncol == 0) {
		for (size_t c = 0; c < cs->nlast; c++) {
			cols = st_realloc(cols, (ncol + 1) * sizeof *cols);
			cols[ncol++] = st_strdup(cs->last_cols[c]);
		}
	} else {
		for (size_t c = 0; c < cs->nlast; c++)
			free(cs->last_cols[c]);
		cs->last_cols = st_realloc(cs->last_cols,
		    ncol * sizeof *cs->last_cols);
		for (size_t c = 0; c < ncol; c++)
			cs->last_cols[c] = st_strdup(cols[c]);
		cs->nlast = ncol;
	}
	/* Cell texts, truncated as Spark does, then column widths. */
	cell *cells = st_calloc((cs->nshown + 1) * (ncol ? ncol : 1),
	    sizeof *cells);
	size_t *cw = st_calloc(ncol ? ncol : 1, sizeof *cw);
	for (size_t r = 0; r <= cs->nshown; r++) {
		if (r > 0 && st_json_scan_object(cs->rows.data +
		    cs->off[r - 1], cs->len[r - 1], &f, &e) < 0)
			f.n = 0;
		for (size_t c = 0; c < ncol; c++) {
			cell *ce = &cells[r * ncol + c];
			ce->off = text.len;
			if (r == 0) {
				st_buf_puts(&text, cols[c]);
			} else {
				const st_field *v = NULL;
				for (uint32_t i = f.n; i-- > 0;)
					if (st_json_key_eq(&f.v[i], cols[c],
					    strlen(cols[c]))) {
						v = &f.v[i];
						break;
					}
				if (v == NULL)
					st_buf_puts(&text, "null");
				else
					cell_text(&text, v->val, v->vlen);
			}
			escape_controls(&text, ce->off);
			ce->len = text.len - ce->off;
			size_t wd = width(text.data + ce->off, ce->len);
			if (cs->truncate > 0 && wd > (size_t)cs->truncate) {
				size_t keep = cs->truncate < 4 ?
				    (size_t)cs->truncate :
				    (size_t)cs->truncate - 3;
				ce->len = prefix_bytes(text.data + ce->off,
				    ce->len, keep);
				text.len = ce->off + ce->len;
				if (cs->truncate >= 4)
					st_buf_add(&text, "...", 3);
				ce->len = text.len - ce->off;
				wd = width(text.data + ce->off, ce->len);
			}
			if (wd < 3)
				wd = 3;
			if (wd > cw[c])
				cw[c] = wd;
		}
	}
	snprintf(hdr, sizeof hdr, "-------------------------------------------"
	    "\nBatch: %lld\n-------------------------------------------\n",
	    (long long)(b->id < 0 ? 0 : b->id));
	st_writer_write(w, hdr, strlen(hdr));
	int right = cs->truncate > 0;
	rule(w, cw, ncol);
	for (size_t r = 0; r <= cs->nshown; r++) {
		st_writer_putc(w, '|');
		if (ncol == 0)
			st_writer_putc(w, '|');
		for (size_t c = 0; c < ncol; c++) {
			cell *ce = &cells[r * ncol + c];
			put_cell(w, text.data + ce->off, ce->len, cw[c], right);
		}
		st_writer_putc(w, '\n');
		if (r == 0)
			rule(w, cw, ncol);
	}
	rule(w, cw, ncol);
	if (cs->nrows > cs->nshown) {
		snprintf(hdr, sizeof hdr, "only showing top %llu row%s\n",
		    (unsigned long long)cs->nshown, cs->nshown == 1 ? "" : "s");
		st_writer_write(w, hdr, strlen(hdr));
	}
	st_writer_putc(w, '\n');
	st_writer_flush(w);
	st_strs_free(cols, ncol);
	free(cells);
	free(cw);
	st_fields_release(&f);
	st_buf_release(&text);
	st_buf_release(&name);
	return 0;
}

static const char *
console_describe(st_sink *s)
{
	(void)s;
	return "ConsoleSink";
}

static void
console_free(st_sink *s)
{
	console_sink *cs = s->self;

	st_buf_release(&cs->rows);
	free(cs->off);
	free(cs->len);
	st_strs_free(cs->last_cols, cs->nlast);
	free(cs);
}

static const st_sink_vt console_vt = {
	.format = "console",
	.idempotent = 0,
	.begin = console_begin,
	.write = console_write,
	.end = console_end,
	.describe = console_describe,
	.free = console_free,
};

st_sink *
st_sink_console_new(int64_t num_rows, int64_t truncate)
{
	st_sink *s = st_calloc(1, sizeof *s);
	console_sink *cs = st_calloc(1, sizeof *cs);

	cs->num_rows = num_rows;
	cs->truncate = truncate;
	s->vt = &console_vt;
	s->self = cs;
	return s;
}
