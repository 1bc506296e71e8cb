/*
 * check_schema.c - DDL schema parsing (canonical forms, exact errors with
 * columns) and applying schemas to JSON objects and CSV fields.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

static const struct { const char *in, *out; } parse_rows[] = {
	{ "InvoiceNumber STRING, CreatedTime BIGINT, ItemPrice DOUBLE",
	    "InvoiceNumber STRING, CreatedTime BIGINT, ItemPrice DOUBLE" },
	{ "a string", "a STRING" },
	{ "a: int", "a INT" },
	{ "a INTEGER, b LONG, c FLOAT, d BOOL", "a INT, b BIGINT, c DOUBLE, "
	    "d BOOLEAN" },
	{ "a smallint, b tinyint, c short, d byte, e real",
	    "a INT, b INT, c INT, d INT, e DOUBLE" },
	{ "t TIMESTAMP, d DATE", "t TIMESTAMP, d DATE" },
	{ "x DECIMAL", "x DECIMAL(10,0)" },
	{ "x DECIMAL(12)", "x DECIMAL(12,0)" },
	{ "x decimal(12, 3)", "x DECIMAL(12,3)" },
	{ "x DEC(5,2), y NUMERIC(7,1)", "x DECIMAL(5,2), y DECIMAL(7,1)" },
	{ "x DECIMAL(38,10)", "x DECIMAL(38,10)" },
	{ "x VARCHAR(10), y CHAR(2)", "x STRING, y STRING" },
	{ "a ARRAY<STRING>", "a ARRAY<STRING>" },
	{ "a array < array<int> >", "a ARRAY<ARRAY<INT>>" },
	{ "s STRUCT<a: INT, b STRING>", "s STRUCT<a: INT, b: STRING>" },
	{ "s STRUCT<>", "s STRUCT<>" },
	{ "s struct<a:struct<b:array<bigint>>>",
	    "s STRUCT<a: STRUCT<b: ARRAY<BIGINT>>>" },
	{ "`a b` STRING, `x``y` INT", "`a b` STRING, `x``y` INT" },
	{ "  a  STRING  ,  b  INT  ", "a STRING, b INT" },
	{ "_a1 INT", "_a1 INT" },
	{ "Arrival_Time LONG, Creation_Time LONG, Device STRING, Index LONG, "
	    "Model STRING, User STRING, gt STRING, x DOUBLE, y DOUBLE, "
	    "z DOUBLE",
	  "Arrival_Time BIGINT, Creation_Time BIGINT, Device STRING, Index "
	    "BIGINT, Model STRING, User STRING, gt STRING, x DOUBLE, "
	    "y DOUBLE, z DOUBLE" },
};

START_TEST(test_parse)
{
	st_schema_error e;
	st_schema *s = st_schema_parse(parse_rows[_i].in, &e);
	ck_assert_msg(s != NULL, "%s: %s", parse_rows[_i].in, e.msg);
	st_buf b = ST_BUF_INIT;
	st_schema_format(&b, s);
	ck_assert_str_eq(b.data, parse_rows[_i].out);
	st_buf_release(&b);
	st_schema_free(s);
}
END_TEST

static const struct { const char *in; size_t col; const char *msg; }
    error_rows[] = {
	{ "", 1, "empty schema" },
	{ "   ", 4, "empty schema" },
	{ "a", 2, "expected a type after 'a', found end of schema" },
	{ "a STRNG", 3, "unknown type 'STRNG' (did you mean 'STRING'?)" },
	{ "a BIGINTT", 3, "unknown type 'BIGINTT' (did you mean 'BIGINT'?)" },
	{ "a blob", 3, "unknown type 'blob' (did you mean 'BOOL'?)" },
	{ "a xyzzyq", 3, "unknown type 'xyzzyq'" },
	{ "a INT,", 7, "expected a field name after ',', found end of schema" },
	{ "a INT, a STRING", 8, "duplicate field 'a'" },
	{ "a INT, A STRING", 8, "duplicate field 'A'" },
	{ "a INT NOT NULL", 7, "NOT NULL is not supported (every field is "
	    "nullable)" },
	{ "a INT COMMENT 'x'", 7, "COMMENT is not supported" },
	{ "a INT b STRING", 7, "expected ',' after the type of 'a', found "
	    "'b'" },
	{ "a INT; b INT", 6, "expected ',' after the type of 'a', found "
	    "'; b INT'" },
	{ "a ARRAY", 8, "expected '<' after ARRAY" },
	{ "a ARRAY<INT", 12, "expected '>' to close ARRAY<" },
	{ "a ARRAY<>", 9, "expected a type after 'ARRAY<', found '>'" },
	{ "a STRUCT", 9, "expected '<' after STRUCT" },
	{ "a STRUCT<b INT", 15, "expected ',' or '>' to close 'STRUCT<', "
	    "found end of schema" },
	{ "a DECIMAL(", 11, "expected a precision after 'DECIMAL('" },
	{ "a DECIMAL(5,", 13, "expected a scale after ','" },
	{ "a DECIMAL(5,2", 14, "expected ')' to close 'DECIMAL('" },
	{ "a DECIMAL(3,5)", 3, "invalid DECIMAL(3,5): need 1 <= precision "
	    "<= 38 and scale <= precision" },
	{ "a DECIMAL(39)", 3, "invalid DECIMAL(39,0): need 1 <= precision "
	    "<= 38 and scale <= precision" },
	{ "`a INT", 1, "unterminated `name`" },
	{ "1a INT", 1, "expected a field name, found '1a INT'" },
	{ "a VARCHAR(", 11, "expected a length and ')' after 'VARCHAR('" },
};

START_TEST(test_errors)
{
	st_schema_error e;
	st_schema *s = st_schema_parse(error_rows[_i].in, &e);
	ck_assert_msg(s == NULL, "'%s' parsed", error_rows[_i].in);
	ck_assert_str_eq(e.msg, error_rows[_i].msg);
	ck_assert_msg(e.col == error_rows[_i].col, "'%s': col %zu, want %zu",
	    error_rows[_i].in, e.col, error_rows[_i].col);
}
END_TEST

/* schema, input JSON, output JSON, failing field name or NULL, message. */
static const struct { const char *ddl, *in, *out, *fname, *msg; }
    apply_rows[] = {
	{ "a INT, b STRING", "{\"a\":1,\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\"}",
	    NULL, NULL },
	{ "a INT, b STRING", "{\"b\":\"x\",\"a\":1}", "{\"a\":1,\"b\":\"x\"}",
	    NULL, NULL },
	{ "a INT, b STRING", "{\"a\":1}", "{\"a\":1,\"b\":null}", NULL,
	    NULL },
	{ "a INT", "{\"a\":1,\"zz\":2}", "{\"a\":1}", NULL, NULL },
	{ "a INT", "{\"A\":\"7\"}", "{\"a\":7}", NULL, NULL },
	{ "a INT", "{\"a\":\"x7\"}", "{\"a\":null}", "a",
	    "cannot cast 'x7' to INT" },
	{ "a INT, b BIGINT", "{\"a\":\"x\",\"b\":\"y\"}",
	    "{\"a\":null,\"b\":null}", "a", "cannot cast 'x' to INT" },
	{ "a BIGINT", "{\"a\":1424686733090638193}",
	    "{\"a\":1424686733090638193}", NULL, NULL },
	{ "a DOUBLE", "{\"a\":3}", "{\"a\":3.0}", NULL, NULL },
	{ "a STRING", "{\"a\":3.50}", "{\"a\":\"3.50\"}", NULL, NULL },
	{ "a STRING", "{\"a\":{\"b\":1}}", "{\"a\":\"{\\\"b\\\":1}\"}", NULL,
	    NULL },
	{ "a STRING", "{\"a\":true}", "{\"a\":\"true\"}", NULL, NULL },
	{ "a STRING", "{\"a\":null}", "{\"a\":null}", NULL, NULL },
	{ "t TIMESTAMP", "{\"t\":\"2019-02-05 10:00:00\"}",
	    "{\"t\":\"2019-02-05T10:00:00Z\"}", NULL, NULL },
	{ "t TIMESTAMP", "{\"t\":\"yesterday\"}", "{\"t\":null}", "t",
	    "cannot cast 'yesterday' to TIMESTAMP" },
	{ "d DATE", "{\"d\":\"2019-02-05\"}", "{\"d\":\"2019-02-05\"}", NULL,
	    NULL },
	{ "p DECIMAL(6,2)", "{\"p\":12.345}", "{\"p\":12.35}", NULL, NULL },
	{ "p DECIMAL(3,2)", "{\"p\":123}", "{\"p\":null}", "p",
	    "cannot cast '123' to DECIMAL(3,2)" },
	{ "b BOOLEAN", "{\"b\":\"yes\"}", "{\"b\":true}", NULL, NULL },
	{ "l ARRAY<INT>", "{\"l\":[1,\"2\"]}", "{\"l\":[1,2]}", NULL, NULL },
	{ "s STRUCT<x: DOUBLE>", "{\"s\":{\"x\":1,\"y\":2}}",
	    "{\"s\":{\"x\":1.0}}", NULL, NULL },
	{ "`a b` INT", "{\"a b\":1}", "{\"a b\":1}", NULL, NULL },
	{ "`a\"q` INT", "{\"a\\\"q\":1}", "{\"a\\\"q\":1}", NULL, NULL },
	{ "a INT", "[1]", "", "", "not a JSON object: expected a JSON object at byte 1" },
	{ "a INT", "{\"a\":", "", "", NULL },
};

START_TEST(test_apply_json)
{
	st_schema_error e;
	st_schema_fail f;
	st_schema *s = st_schema_parse(apply_rows[_i].ddl, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	st_buf b = ST_BUF_INIT;
	const char *in = apply_rows[_i].in;
	int rc = st_schema_apply_json(s, in, strlen(in), &b, &f);
	ck_assert_str_eq(b.data ? b.data : "", apply_rows[_i].out);
	if (apply_rows[_i].fname == NULL) {
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(f.kind, ST_SCHEMA_OK);
	} else if (apply_rows[_i].fname[0] == '\0') {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(f.kind, ST_SCHEMA_NOT_OBJECT);
		if (apply_rows[_i].msg)
			ck_assert_str_eq(f.msg, apply_rows[_i].msg);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(f.kind, ST_SCHEMA_BAD_VALUE);
		ck_assert_str_eq(f.name, apply_rows[_i].fname);
		ck_assert_str_eq(f.msg, apply_rows[_i].msg);
	}
	st_buf_release(&b);
	st_schema_free(s);
}
END_TEST

/* CSV: fields separated by '|' in the test text; "~" stands for NULL. */
static const struct { const char *ddl, *in, *out; int kind; const char *msg; }
    csv_rows[] = {
	{ "a INT, b STRING", "1|x", "{\"a\":1,\"b\":\"x\"}", ST_SCHEMA_OK, "" },
	{ "a INT, b STRING", "|", "{\"a\":null,\"b\":null}", ST_SCHEMA_OK, "" },
	{ "a INT, b STRING", "~|~", "{\"a\":null,\"b\":null}", ST_SCHEMA_OK,
	    "" },
	{ "a INT, b STRING", "1", "{\"a\":1,\"b\":null}", ST_SCHEMA_TOO_FEW,
	    "expected 2 fields, found 1" },
	{ "a INT, b STRING", "1|x|y", "{\"a\":1,\"b\":\"x\"}",
	    ST_SCHEMA_TOO_MANY, "expected 2 fields, found 3" },
	{ "a INT, b STRING", "z|x", "{\"a\":null,\"b\":\"x\"}",
	    ST_SCHEMA_BAD_VALUE, "cannot cast 'z' to INT" },
	{ "a DOUBLE", " 2.5 ", "{\"a\":2.5}", ST_SCHEMA_OK, "" },
	{ "a STRING", "q\"uote", "{\"a\":\"q\\\"uote\"}", ST_SCHEMA_OK, "" },
	{ "t TIMESTAMP, n BIGINT", "2019-02-05 10:00:00|42",
	    "{\"t\":\"2019-02-05T10:00:00Z\",\"n\":42}", ST_SCHEMA_OK, "" },
	{ "b BOOLEAN", "false", "{\"b\":false}", ST_SCHEMA_OK, "" },
	{ "s STRING", "0123456789012345678901234567890123456789012345",
	    "{\"s\":\"0123456789012345678901234567890123456789012345\"}",
	    ST_SCHEMA_OK, "" },
	{ "n INT", "0123456789012345678901234567890123456789012345",
	    "{\"n\":null}", ST_SCHEMA_BAD_VALUE,
	    "cannot cast '0123456789012345678901234567890123456789...' to "
	    "INT" },
};

START_TEST(test_apply_csv)
{
	st_schema_error e;
	st_schema_fail f;
	st_schema *s = st_schema_parse(csv_rows[_i].ddl, &e);
	ck_assert_ptr_nonnull(s);
	char *copy = strdup(csv_rows[_i].in);
	const char *vals[8];
	size_t lens[8], n = 0;
	char *p = copy;
	for (;;) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		vals[n] = strcmp(p, "~") == 0 ? NULL : p;
		lens[n] = strlen(p);
		n++;
		if (!bar)
			break;
		p = bar + 1;
	}
	st_buf b = ST_BUF_INIT;
	int rc = st_schema_apply_strings(s, vals, lens, n, &b, &f);
	ck_assert_str_eq(b.data, csv_rows[_i].out);
	ck_assert_int_eq(f.kind, csv_rows[_i].kind);
	ck_assert_int_eq(rc, csv_rows[_i].kind == ST_SCHEMA_OK ? 0 : -1);
	ck_assert_str_eq(f.msg, csv_rows[_i].msg);
	st_buf_release(&b);
	free(copy);
	st_schema_free(s);
}
END_TEST

START_TEST(test_find)
{
	st_schema_error e;
	st_schema *s = st_schema_parse("Ab INT, c STRING", &e);
	ck_assert_int_eq(st_schema_find(s, "Ab", 2), 0);
	ck_assert_int_eq(st_schema_find(s, "ab", 2), 0);
	ck_assert_int_eq(st_schema_find(s, "C", 1), 1);
	ck_assert_int_eq(st_schema_find(s, "d", 1), -1);
	st_schema_free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("schema");
	tcase_add_loop_test(tc, test_parse, 0,
	    sizeof parse_rows / sizeof *parse_rows);
	tcase_add_loop_test(tc, test_errors, 0,
	    sizeof error_rows / sizeof *error_rows);
	tcase_add_loop_test(tc, test_apply_json, 0,
	    sizeof apply_rows / sizeof *apply_rows);
	tcase_add_loop_test(tc, test_apply_csv, 0,
	    sizeof csv_rows / sizeof *csv_rows);
	tcase_add_test(tc, test_find);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
