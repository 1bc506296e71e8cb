/* parser.c - the emitter and the line formats (JSON, CSV, text); see
 * source.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "source.h"

void
st_emitter_write(st_emitter *em, const char *obj, size_t len)
{
	em->rows++;
	st_write_data_line(em->out, obj, len);
}

void
st_emitter_bad(st_emitter *em, const char *raw, size_t rawlen,
    const char *typed, size_t tlen, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	st_malformed_policy failfast;
	st_malformed_policy *p = em->policy;
	if (p == NULL) {
		st_malformed_init(&failfast, ST_MALFORMED_FAILFAST, NULL);
		p = &failfast;
	}
	size_t n;
	const char *keep = st_malformed_apply(p, em->out, raw, rawlen, typed,
	    tlen, &n, "%s", msg);
	em->malformed++;
	if (keep)
		st_emitter_write(em, keep, n);
}

/* One CSV field of the record being parsed: a slice of fbuf. */
typedef struct csv_field {
	size_t off, len;
	int null;
} csv_field;

struct st_parser {
	const st_file_opts *o;
	st_emitter *em;
	const char *where;
	uint64_t lineno;	/* the line being fed */
	st_fields fields;
	st_buf out;
	/* CSV */
	st_csv_reader csv;
	st_buf fbuf;
	csv_field *f;
	size_t nf, fcap;
	st_buf raw;		/* the input lines of the open record */
	uint64_t rec_line;	/* where the open record started */
	int rec_done;		/* a record ended on the line just fed */
	int header_mode;	/* the next record is the header */
	st_buf hkeys;		/* header names as JSON strings */
	size_t *hoff, *hlen;
	size_t nh;
	int have_header;
	const char **vals;	/* per record, for the schema */
	size_t *lens;
	size_t vcap;
};

static void
csv_reset(st_parser *p)
{
	/* The toolkit's one dialect (csv.h): blanks kept, as Spark. */
	st_csv_reader_reset(&p->csv);
}

st_parser *
st_parser_new(const st_file_opts *o)
{
	st_parser *p = st_calloc(1, sizeof *p);

	p->o = o;
	if (o->format == ST_FMT_CSV) {
		st_csv_dialect d = st_csv_dialect_of(o->delimiter, o->quote);
		if (st_csv_reader_init(&p->csv, &d) != 0)
			st_die(ST_EXIT_DATA, "out of memory");
	}
	return p;
}

void
st_parser_free(st_parser *p)
{
	if (p == NULL)
		return;
	if (p->o->format == ST_FMT_CSV)
		st_csv_reader_release(&p->csv);
	st_fields_release(&p->fields);
	st_buf_release(&p->out);
	st_buf_release(&p->fbuf);
	st_buf_release(&p->raw);
	st_buf_release(&p->hkeys);
	free(p->f);
	free(p->hoff);
	free(p->hlen);
	free(p->vals);
	free(p->lens);
	free(p);
}

void
st_parser_start(st_parser *p, const char *where, uint64_t lineno,
    st_emitter *em)
{
	p->where = where;
	p->lineno = lineno;
	p->em = em;
	p->nf = 0;
	st_buf_reset(&p->raw);
	if (p->o->header && lineno == 1) {
		p->header_mode = 1;
		p->have_header = 0;
	}
}

static void
csv_cb_field(void *s, size_t len, void *data)
{
	st_parser *p = data;

	if (p->nf == p->fcap) {
		p->fcap = p->fcap ? p->fcap * 2 : 16;
		p->f = st_realloc(p->f, p->fcap * sizeof *p->f);
	}
	csv_field *f = &p->f[p->nf++];
	f->off = p->fbuf.len;
	f->len = len;
	f->null = s == NULL;
	if (s)
		st_buf_add(&p->fbuf, s, len);
}

static void
set_header(st_parser *p)
{
	st_buf_reset(&p->hkeys);
	p->hoff = st_realloc(p->hoff, (p->nf + 1) * sizeof *p->hoff);
	p->hlen = st_realloc(p->hlen, (p->nf + 1) * sizeof *p->hlen);
	for (size_t i = 0; i < p->nf; i++) {
		p->hoff[i] = p->hkeys.len;
		st_buf_put_json_string(&p->hkeys, p->fbuf.data + p->f[i].off,
		    p->f[i].len);
		p->hlen[i] = p->hkeys.len - p->hoff[i];
	}
	p->nh = p->nf;
	p->have_header = 1;
}

static void
csv_record(st_parser *p)
{
	st_emitter *em = p->em;
	size_t rawlen = p->raw.len;

	/* raw holds the record's lines, each followed by '\n'. */
	if (rawlen && p->raw.data[rawlen - 1] == '\n')
		rawlen--;
	st_buf_reset(&p->out);
	if (p->o->schema) {
		st_schema_fail fail;
		if (p->nf > p->vcap) {
			p->vcap = p->nf;
			p->vals = st_realloc(p->vals, p->vcap * sizeof *p->vals);
			p->lens = st_realloc(p->lens, p->vcap * sizeof *p->lens);
		}
		for (size_t i = 0; i < p->nf; i++) {
			p->vals[i] = p->f[i].null ? NULL :
			    p->fbuf.data + p->f[i].off;
			p->lens[i] = p->f[i].len;
		}
		if (st_schema_apply_strings(p->o->schema, p->vals, p->lens,
		    p->nf, &p->out, &fail) == 0)
			st_emitter_write(em, p->out.data, p->out.len);
		else if (fail.kind == ST_SCHEMA_BAD_VALUE)
			st_emitter_bad(em, p->raw.data, rawlen, p->out.data,
			    p->out.len, "%s:%llu: field '%s': %s", p->where,
			    (unsigned long long)p->rec_line, fail.name,
			    fail.msg);
		else
			st_emitter_bad(em, p->raw.data, rawlen, p->out.data,
			    p->out.len, "%s:%llu: %s", p->where,
			    (unsigned long long)p->rec_line, fail.msg);
		return;
	}
	size_t n = p->have_header ? p->nh : p->nf;
	st_objw w;
	st_objw_begin(&w, &p->out);
	for (size_t i = 0; i < n; i++) {
		if (p->have_header) {
			st_objw_key_raw(&w, p->hkeys.data + p->hoff[i] + 1,
			    p->hlen[i] - 2);
		} else {
			char k[32];
			int kl = snprintf(k, sizeof k, "_c%zu", i);
			st_objw_key_raw(&w, k, (size_t)kl);
		}
		if (i >= p->nf || p->f[i].null)
			st_buf_add(&p->out, "null", 4);
		else
			st_buf_put_json_string(&p->out,
			    p->fbuf.data + p->f[i].off, p->f[i].len);
	}
	st_objw_end(&w);
	if (p->have_header && p->nf != p->nh)
		st_emitter_bad(em, p->raw.data, rawlen, p->out.data,
		    p->out.len, "%s:%llu: expected %zu fields, found %zu",
		    p->where, (unsigned long long)p->rec_line, p->nh, p->nf);
	else
		st_emitter_write(em, p->out.data, p->out.len);
}

static void
csv_cb_record(int c, void *data)
{
	st_parser *p = data;

	(void)c;
	if (p->header_mode) {
		set_header(p);
		p->header_mode = 0;
	} else {
		csv_record(p);
	}
	p->nf = 0;
	st_buf_reset(&p->fbuf);
	p->rec_done = 1;
}

static void
csv_feed(st_parser *p, const char *line, size_t len)
{
	int blank = len == 0;

	if (p->raw.len == 0)
		p->rec_line = p->lineno;
	st_buf_add(&p->raw, line, len);
	st_buf_putc(&p->raw, '\n');
	p->rec_done = 0;
	if (st_csv_feed(&p->csv, line, len, csv_cb_field, csv_cb_record,
	    p) < 0 || st_csv_feed(&p->csv, "\n", 1, csv_cb_field,
	    csv_cb_record, p) < 0)
		st_die(ST_EXIT_DATA, "%s:%llu: %s", p->where,
		    (unsigned long long)p->lineno, st_csv_strerror(&p->csv));
	/* A record ends at a newline outside quotes, so a line that ended
	 * none is inside a quoted field (libcsv skips blank lines). */
	if (p->rec_done || (blank && p->raw.len == 1))
		st_buf_reset(&p->raw);
}

int
st_parser_header(st_parser *p, const char *line, size_t len)
{
	uint64_t l = p->lineno;

	st_skip_bom(&line, &len);
	p->header_mode = 1;
	p->lineno = 1;
	csv_feed(p, line, len);
	p->lineno = l;
	st_buf_reset(&p->raw);
	if (p->header_mode) {
		/* A header with an open quote: start over. */
		p->header_mode = 0;
		csv_reset(p);
		p->nf = 0;
		st_buf_reset(&p->fbuf);
		return -1;
	}
	return 0;
}

static void
json_line(st_parser *p, const char *line, size_t len)
{
	st_emitter *em = p->em;
	st_json_err je;

	if (st_blank_line(line, len))
		return;
	if (st_is_control(line, len)) {
		st_emitter_bad(em, line, len, NULL, 0, "%s:%llu: malformed "
		    "record: the key '@st' is reserved for control lines",
		    p->where, (unsigned long long)p->lineno);
		return;
	}
	if (p->o->schema) {
		st_schema_fail fail;
		st_buf_reset(&p->out);
		if (st_schema_apply_json(p->o->schema, line, len, &p->out,
		    &fail) == 0)
			st_emitter_write(em, p->out.data, p->out.len);
		else if (fail.kind == ST_SCHEMA_BAD_VALUE)
			st_emitter_bad(em, line, len, p->out.data, p->out.len,
			    "%s:%llu: field '%s': %s", p->where,
			    (unsigned long long)p->lineno, fail.name, fail.msg);
		else
			st_emitter_bad(em, line, len, NULL, 0,
			    "%s:%llu: malformed record: %s", p->where,
			    (unsigned long long)p->lineno, fail.msg);
		return;
	}
	if (st_json_scan_object(line, len, &p->fields, &je) < 0) {
		st_emitter_bad(em, line, len, NULL, 0,
		    "%s:%llu:%zu: malformed record: %s", p->where,
		    (unsigned long long)p->lineno, je.offset + 1, je.msg);
		return;
	}
	st_emitter_write(em, line, len);
}

void
st_parser_line(st_parser *p, const char *line, size_t len)
{
	if (p->lineno == 1)
		st_skip_bom(&line, &len);
	switch (p->o->format) {
	case ST_FMT_JSON:
		json_line(p, line, len);
		break;
	case ST_FMT_CSV:
		csv_feed(p, line, len);
		break;
	case ST_FMT_TEXT:
		st_buf_reset(&p->out);
		st_buf_puts(&p->out, "{\"value\":");
		st_buf_put_json_string(&p->out, line, len);
		st_buf_putc(&p->out, '}');
		st_emitter_write(p->em, p->out.data, p->out.len);
		break;
	case ST_FMT_AVRO:
		break;		/* not a line format: file.c reads it */
	}
	p->lineno++;
}

void
st_parser_finish(st_parser *p)
{
	if (p->o->format != ST_FMT_CSV || p->raw.len == 0)
		return;
	size_t rawlen = p->raw.len;
	if (p->raw.data[rawlen - 1] == '\n')
		rawlen--;
	st_emitter_bad(p->em, p->raw.data, rawlen, NULL, 0,
	    "%s:%llu: malformed record: unterminated quoted field", p->where,
	    (unsigned long long)p->rec_line);
	csv_reset(p);
	p->nf = 0;
	st_buf_reset(&p->fbuf);
	st_buf_reset(&p->raw);
}
