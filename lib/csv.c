/* csv.c - see csv.h. */
#include <stdlib.h>
#include <string.h>

#include "csv.h"

const st_csv_dialect st_csv_spark = { ',', '"', '\\' };

st_csv_dialect
st_csv_dialect_of(char sep, char quote)
{
	st_csv_dialect d = st_csv_spark;
	if (sep)
		d.sep = sep;
	if (quote)
		d.quote = quote;
	return d;
}

/* Blanks are data: libcsv must not drop them (Spark keeps them). */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int
setup(st_csv_reader *r)
{
	if (csv_init(&r->p, CSV_EMPTY_IS_NULL | CSV_APPEND_NULL) != 0)
		return -1;
	csv_set_delim(&r->p, (unsigned char)r->d.sep);
	csv_set_quote(&r->p, (unsigned char)r->d.quote);
	csv_set_space_func(&r->p, no_space);
	r->inq = r->esc = r->qseen = 0;
	r->fstart = 1;
	return 0;
}

int
st_csv_reader_init(st_csv_reader *r, const st_csv_dialect *d)
{
	memset(r, 0, sizeof *r);
	r->d = *d;
	return setup(r);
}

void
st_csv_reader_release(st_csv_reader *r)
{
	csv_free(&r->p);
	st_buf_release(&r->tmp);
}

void
st_csv_reader_reset(st_csv_reader *r)
{
	csv_free(&r->p);
	setup(r);
}

/* The callbacks between libcsv and the caller: an empty field, quoted or
 * not, is null (Spark's nullValue and emptyValue are both ""). */
typedef struct relay {
	st_csv_field_fn f;
	st_csv_row_fn row;
	void *ud;
} relay;

static void
relay_field(void *s, size_t len, void *data)
{
	relay *rl = data;
	rl->f(len ? s : NULL, len, rl->ud);
}

static void
relay_row(int c, void *data)
{
	relay *rl = data;
	rl->row(c, rl->ud);
}

/* Rewrites \" inside quotes as "" (libcsv's escape), tracking where a
 * quoted field opens and closes across calls. */
static void
translate(st_csv_reader *r, const char *s, size_t n)
{
	const char q = r->d.quote, e = r->d.escape, sep = r->d.sep;
	st_buf *b = &r->tmp;

	st_buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!r->inq) {
			if (c == q && r->fstart)
				r->inq = 1;
			r->fstart = c == sep || c == '\n' || c == '\r';
			st_buf_putc(b, c);
			continue;
		}
		if (r->esc) {
			r->esc = 0;
			if (c == q) {
				st_buf_putc(b, q);
				st_buf_putc(b, q);
				continue;
			}
			st_buf_putc(b, e);
		}
		if (r->qseen) {
			r->qseen = 0;
			if (c == q) {	/* a doubled quote: still inside */
				st_buf_putc(b, c);
				continue;
			}
			r->inq = 0;
			r->fstart = c == sep || c == '\n' || c == '\r';
			st_buf_putc(b, c);
			continue;
		}
		if (c == e && e != q) {
			r->esc = 1;
			continue;
		}
		if (c == q)
			r->qseen = 1;
		st_buf_putc(b, c);
	}
}

int
st_csv_feed(st_csv_reader *r, const char *s, size_t n, st_csv_field_fn f,
    st_csv_row_fn row, void *ud)
{
	relay rl = { f, row, ud };
	translate(r, s, n);
	if (csv_parse(&r->p, r->tmp.data, r->tmp.len, relay_field, relay_row,
	    &rl) != r->tmp.len)
		return -1;
	return 0;
}

int
st_csv_finish(st_csv_reader *r, st_csv_field_fn f, st_csv_row_fn row,
    void *ud)
{
	relay rl = { f, row, ud };
	if (r->esc) {	/* a trailing escape is itself */
		char e = r->d.escape;
		r->esc = 0;
		if (csv_parse(&r->p, &e, 1, relay_field, relay_row, &rl) != 1)
			return -1;
	}
	return csv_fini(&r->p, relay_field, relay_row, &rl) == 0 ? 0 : -1;
}

const char *
st_csv_strerror(const st_csv_reader *r)
{
	return csv_strerror(csv_error((struct csv_parser *)&r->p));
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void
st_csv_put_field(st_buf *b, const st_csv_dialect *d, const char *s,
    size_t n, int isnull)
{
	if (isnull)
		return;
	/* Spark's writer drops blanks around a value. */
	while (n && is_blank(s[0])) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	if (n == 0) {
		st_buf_putc(b, d->quote);
		st_buf_putc(b, d->quote);
		return;
	}
	int q = 0;
	for (size_t i = 0; i < n && !q; i++)
		q = s[i] == d->sep || s[i] == d->quote || s[i] == '\n' ||
		    s[i] == '\r';
	if (!q) {
		st_buf_add(b, s, n);
		return;
	}
	st_buf_putc(b, d->quote);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == d->quote)
			st_buf_putc(b, d->escape);
		st_buf_putc(b, s[i]);
	}
	st_buf_putc(b, d->quote);
}
