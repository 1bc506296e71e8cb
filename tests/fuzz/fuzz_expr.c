/*
 * fuzz_expr.c - libFuzzer target: the expression parser (lib/expr) on any
 * text, and the evaluator on whatever parses. The first byte chooses the
 * parser (one expression or a select list) and the flags; the rest is the
 * expression text. Whatever parses is evaluated over a fixed record (every
 * JSON type, a timestamp, nested values) and its default names are built;
 * a parse error is formatted as the tools print it. Any sanitizer report
 * or abort is a finding. Run by `make fuzz` (see tests/fuzz/run.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expr/expr.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char row[] = "{\"a\":1,\"b\":2.5,\"s\":\"x,y\",\"t\":"
    "\"2019-02-05T10:00:00Z\",\"n\":null,\"f\":false,\"o\":{\"p\":[1,2,3],"
    "\"q\":\"\\u00e9\"},\"arr\":[\"a\",\"b\"],\"big\":12345678901234567890123,"
    "\"inf\":1e400}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	unsigned mode = data[0];
	/* The parser takes a NUL-terminated string: an embedded NUL ends the
	 * text, as it would on a command line. */
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	unsigned flags = mode & (ST_EXPR_AGGREGATES | ST_EXPR_GENERATORS |
	    ST_EXPR_STAR);
	st_expr_error err;
	st_expr_list *l = (mode & 0x80) ? st_expr_parse(text, flags, &err) :
	    st_expr_parse_list(text, flags, &err);
	st_buf b = ST_BUF_INIT;
	if (l == NULL) {
		st_expr_error_format(&b, &err);
	} else {
		st_record r;
		st_record_init(&r);
		st_record_set_line(&r, row, sizeof row - 1, 1);
		st_eval ev;
		st_eval_init(&ev, l);
		st_eval_set_record(&ev, &r);
		for (size_t i = 0; i < st_expr_list_len(l); i++) {
			const st_expr_item *it = st_expr_list_item(l, i);
			if (it->expr == NULL)
				continue;
			st_value v;
			st_expr_eval(&ev, it->expr, &v);
			st_value_write_json(&b, &v);
			st_value_write_text(&b, &v);
			(void)st_expr_eval_bool(&ev, it->expr);
			st_expr_default_name(&b, it->expr);
		}
		st_eval_release(&ev);
		st_record_release(&r);
		st_expr_list_free(l);
	}
	st_buf_release(&b);
	free(text);
	return 0;
}
