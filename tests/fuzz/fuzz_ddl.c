/*
 * fuzz_ddl.c - libFuzzer target: the DDL schema parser (lib/schema.c) on
 * any text. What parses must format to a canonical DDL text that parses
 * again to the same text (a round trip, else abort), and is applied to a
 * fixed JSON record and to fixed CSV strings, as st-read does. Any
 * sanitizer report or abort is a finding. Run by `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char row[] = "{\"a\":1,\"b\":\"2.5\",\"s\":\"x\",\"t\":"
    "\"2019-02-05T10:00:00Z\",\"n\":null,\"o\":{\"p\":[1,2]},"
    "\"big\":12345678901234567890123}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	st_schema_error err;
	st_schema *s = st_schema_parse(text, &err);
	if (s != NULL) {
		st_buf a = ST_BUF_INIT, b = ST_BUF_INIT, out = ST_BUF_INIT;
		st_schema_format(&a, s);
		st_schema *t = st_schema_parse(a.data, &err);
		if (t == NULL) {
			fprintf(stderr, "fuzz_ddl: '%s' formats as '%s', which "
			    "does not parse: %s\n", text, a.data, err.msg);
			abort();
		}
		st_schema_format(&b, t);
		if (strcmp(a.data, b.data) != 0) {
			fprintf(stderr, "fuzz_ddl: '%s' formats as '%s', then "
			    "as '%s'\n", text, a.data, b.data);
			abort();
		}
		st_schema_fail fail;
		(void)st_schema_apply_json(s, row, sizeof row - 1, &out, &fail);
		const char *vals[] = { "1", " 2.5", "x", "2019-02-05", NULL,
		    "[1]", "-0", "1e400", "true" };
		size_t lens[sizeof vals / sizeof *vals];
		for (size_t i = 0; i < sizeof vals / sizeof *vals; i++)
			lens[i] = vals[i] ? strlen(vals[i]) : 0;
		st_buf_reset(&out);
		(void)st_schema_apply_strings(s, vals, lens,
		    sizeof vals / sizeof *vals, &out, &fail);
		st_schema_free(t);
		st_buf_release(&a);
		st_buf_release(&b);
		st_buf_release(&out);
		st_schema_free(s);
	}
	free(text);
	return 0;
}
