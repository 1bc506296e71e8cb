/* infer.c - Spark's inferSchema for CSV files; see source.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "column.h"
#include "csv.h"
#include "checkpoint.h"
#include "err.h"
#include "io.h"
#include "json.h"
#include "opts.h"
#include "source.h"
#include "datetime.h"

/* Column types from narrowest to widest; the numeric ones widen into each
 * other, any other mix falls back to STRING. */
typedef enum ctype {
	T_NONE,		/* only empty values so far */
	T_INT,
	T_BIGINT,
	T_DOUBLE,
	T_BOOLEAN,
	T_TIMESTAMP,
	T_STRING
} ctype;

static const char *const type_names[] = {
	"STRING", "INT", "BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMP", "STRING"
};

typedef struct infer {
	const st_file_opts *o;
	char **names;
	ctype *types;
	size_t ncol;
	size_t field;		/* index of the field being read */
	size_t records;		/* records typed so far */
	size_t max;
	int header_pending;	/* the next record is a file's header */
} infer;

static ctype
value_type(const char *s, size_t n)
{
	char tmp[64];
	char *end;

	if (n == 0)
		return T_NONE;
	if (n < sizeof tmp) {
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		errno = 0;
		long long v = strtoll(tmp, &end, 10);
		if (*end == '\0' && errno == 0 && tmp[0] != ' ')
			return v >= INT32_MIN && v <= INT32_MAX ? T_INT :
			    T_BIGINT;
		errno = 0;
		(void)strtod(tmp, &end);
		if (*end == '\0' && errno == 0 && tmp[0] != ' ' &&
		    strchr("0123456789+-.", tmp[0]) != NULL)
			return T_DOUBLE;
	}
	if ((n == 4 && strncasecmp(s, "true", 4) == 0) ||
	    (n == 5 && strncasecmp(s, "false", 5) == 0))
		return T_BOOLEAN;
	int64_t us;
	if (st_parse_timestamp(s, n, &us) == 0)
		return T_TIMESTAMP;
	return T_STRING;
}

static ctype
merge(ctype a, ctype b)
{
	if (a == T_NONE)
		return b;
	if (b == T_NONE || a == b)
		return a;
	if (a <= T_DOUBLE && b <= T_DOUBLE)
		return a > b ? a : b;
	return T_STRING;
}

static void
grow(infer *in, size_t ncol)
{
	if (ncol <= in->ncol)
		return;
	in->names = st_realloc(in->names, ncol * sizeof *in->names);
	in->types = st_realloc(in->types, ncol * sizeof *in->types);
	for (size_t i = in->ncol; i < ncol; i++) {
		in->names[i] = NULL;
		in->types[i] = T_NONE;
	}
	in->ncol = ncol;
}

static void
on_field(void *s, size_t len, void *data)
{
	infer *in = data;
	size_t i = in->field++;

	grow(in, i + 1);
	if (in->header_pending) {
		if (in->names[i] == NULL)
			in->names[i] = st_strndup(s ? s : "", len);
		return;
	}
	if (in->records < in->max)
		in->types[i] = merge(in->types[i], value_type(s, len));
}

static void
on_record(int c, void *data)
{
	infer *in = data;

	(void)c;
	if (in->header_pending)
		in->header_pending = 0;
	else if (in->field > 0)
		in->records++;
	in->field = 0;
}

static int
read_file(infer *in, const char *path)
{
	st_csv_reader p;
	char buf[65536];
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		st_warn("cannot open '%s':", path);
		return -1;
	}
	/* The dialect st-read parses with (csv.h), so that inference sees
	 * the values st-read will give. */
	st_csv_dialect d = st_csv_dialect_of(in->o->delimiter, in->o->quote);
	if (st_csv_reader_init(&p, &d) != 0)
		st_die(ST_EXIT_DATA, "out of memory");
	in->header_pending = in->o->header;
	in->field = 0;
	size_t got, first = 1;
	while (in->records < in->max && (got = fread(buf, 1, sizeof buf, f)) > 0) {
		const char *q = buf;
		if (first) {	/* a byte order mark opening the file */
			size_t n = got;
			st_skip_bom(&q, &n);
			got = n;
			first = 0;
		}
		st_csv_feed(&p, q, got, on_field, on_record, in);
	}
	st_csv_finish(&p, on_field, on_record, in);
	st_csv_reader_release(&p);
	fclose(f);
	return 0;
}

static char *
ddl_of(const infer *in)
{
	st_buf b = ST_BUF_INIT;

	for (size_t i = 0; i < in->ncol; i++) {
		if (i)
			st_buf_puts(&b, ", ");
		if (in->names[i])
			st_column_put_quoted(&b, in->names[i], '`');
		else
			st_buf_printf(&b, "`_c%zu`", i);
		st_buf_printf(&b, " %s", type_names[in->types[i]]);
	}
	return st_buf_detach(&b, NULL);
}

char *
st_csv_infer_schema(char *const *const *lists, size_t nlists,
    const st_file_opts *o, size_t max_records, const char *ckpt_dir,
    int64_t wait_usec)
{
	st_ckpt ck;
	st_buf kept = ST_BUF_INIT;
	char *ddl = NULL;

	if (ckpt_dir) {
		if (st_ckpt_open(&ck, ckpt_dir) < 0)
			return NULL;
		if (st_ckpt_read(&ck, ST_CKPT_SCHEMA, &kept) == 0) {
			st_ckpt_close(&ck);
			while (kept.len && kept.data[kept.len - 1] == '\n')
				kept.data[--kept.len] = '\0';
			return st_buf_detach(&kept, NULL);
		}
	}

	infer in = { .o = o, .max = max_records };
	for (;;) {
		int failed = 0;
		for (size_t l = 0; l < nlists && in.records < in.max &&
		    !failed; l++) {
			char **files = st_file_list(lists[l]);
			for (char **f = files; *f && in.records < in.max; f++)
				if (read_file(&in, *f) < 0) {
					failed = 1;
					break;
				}
			st_strv_free(files);
		}
		if (failed)
			goto out;
		/* A header alone types nothing: wait for a data row. */
		if (in.ncol > 0 && in.records > 0)
			break;
		if (wait_usec <= 0) {
			st_warn("cannot infer a schema: no CSV data in the "
			    "input yet%s (give --schema)", in.ncol > 0 ?
			    ", only a header" : "");
			goto out;
		}
		st_strs_free(in.names, in.ncol);
		free(in.types);
		in = (infer){ .o = o, .max = max_records };
		if (st_stop_requested())
			goto out;
		struct timespec ts = { wait_usec / 1000000,
		    (wait_usec % 1000000) * 1000 };
		nanosleep(&ts, NULL);
		if (st_stop_requested())
			goto out;
	}
	ddl = ddl_of(&in);
	if (ckpt_dir) {
		st_buf_reset(&kept);
		st_buf_puts(&kept, ddl);
		st_buf_putc(&kept, '\n');
		int rc = st_ckpt_write_new(&ck, ST_CKPT_SCHEMA, kept.data,
		    kept.len);
		if (rc < 0) {
			st_warn("cannot write '%s/" ST_CKPT_SCHEMA "':", ckpt_dir);
			free(ddl);
			ddl = NULL;
		}
	}
out:
	if (ckpt_dir)
		st_ckpt_close(&ck);
	st_strs_free(in.names, in.ncol);
	free(in.types);
	st_buf_release(&kept);
	return ddl;
}
