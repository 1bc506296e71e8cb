/*
 * check_avro.c - Avro schemas, values and container files (lib/avro.c):
 * every Avro type through encode and decode, files written by avro-c's own
 * writer (an independent encoder) read back, schemas derived from values,
 * and the failures.
 */
#include <avro.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avro.h"
#include "tmpdir.h"
#include "value.h"

static const char every_type[] =
    "{\"type\":\"record\",\"name\":\"r\",\"namespace\":\"t\",\"fields\":["
    "{\"name\":\"n\",\"type\":\"null\"},"
    "{\"name\":\"b\",\"type\":\"boolean\"},"
    "{\"name\":\"i\",\"type\":\"int\"},"
    "{\"name\":\"l\",\"type\":\"long\"},"
    "{\"name\":\"f\",\"type\":\"float\"},"
    "{\"name\":\"d\",\"type\":\"double\"},"
    "{\"name\":\"by\",\"type\":\"bytes\"},"
    "{\"name\":\"s\",\"type\":\"string\"},"
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"color\","
    "\"symbols\":[\"RED\",\"GREEN\"]}},"
    "{\"name\":\"fx\",\"type\":{\"type\":\"fixed\",\"name\":\"f4\","
    "\"size\":4}},"
    "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"long\"}},"
    "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
    "{\"name\":\"o\",\"type\":[\"null\",\"string\"]},"
    "{\"name\":\"o2\",\"type\":[\"string\",\"null\"]},"
    "{\"name\":\"u\",\"type\":[\"int\",\"long\"]},"
    "{\"name\":\"x\",\"type\":[\"string\",\"long\",\"null\"]},"
    "{\"name\":\"dt\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
    "{\"name\":\"tm\",\"type\":{\"type\":\"long\","
    "\"logicalType\":\"timestamp-millis\"}},"
    "{\"name\":\"tu\",\"type\":{\"type\":\"long\","
    "\"logicalType\":\"timestamp-micros\"}},"
    "{\"name\":\"dec\",\"type\":{\"type\":\"bytes\",\"logicalType\":"
    "\"decimal\",\"precision\":10,\"scale\":2}},"
    "{\"name\":\"decf\",\"type\":{\"type\":\"fixed\",\"name\":\"d8\","
    "\"size\":8,\"logicalType\":\"decimal\",\"precision\":12,"
    "\"scale\":3}},"
    "{\"name\":\"nested\",\"type\":{\"type\":\"record\",\"name\":\"inner\","
    "\"fields\":[{\"name\":\"z\",\"type\":\"string\"}]}},"
    "{\"name\":\"again\",\"type\":\"inner\"}"
    "]}";

/* A value for every_type, as JSON (strings cast to the schema's types). */
static const char every_value[] =
    "{\"n\":null,\"b\":true,\"i\":-7,\"l\":9007199254740993,\"f\":1.5,"
    "\"d\":-0.25,\"by\":\"AAEC/w==\",\"s\":\"h\\u00e9\\\"llo\\n\","
    "\"e\":\"GREEN\",\"fx\":\"3q2+7w==\",\"a\":[1,-2,3],"
    "\"m\":{\"k1\":\"v1\",\"k 2\":\"v2\"},\"o\":\"x\",\"o2\":null,\"u\":5,"
    "\"x\":{\"member0\":null,\"member1\":42},"
    "\"dt\":\"2019-02-05\",\"tm\":\"2019-02-05T10:00:00.123Z\","
    "\"tu\":\"2019-02-05T10:00:00.123456Z\",\"dec\":-12345.67,"
    "\"decf\":123456789.123,\"nested\":{\"z\":\"in\"},"
    "\"again\":{\"z\":\"too\"}}";

/* What decoding gives back, as st writes it (UTF-8 as is). */
static const char every_json[] =
    "{\"n\":null,\"b\":true,\"i\":-7,\"l\":9007199254740993,\"f\":1.5,"
    "\"d\":-0.25,\"by\":\"AAEC/w==\",\"s\":\"h\303\251\\\"llo\\n\","
    "\"e\":\"GREEN\",\"fx\":\"3q2+7w==\",\"a\":[1,-2,3],"
    "\"m\":{\"k1\":\"v1\",\"k 2\":\"v2\"},\"o\":\"x\",\"o2\":null,\"u\":5,"
    "\"x\":{\"member0\":null,\"member1\":42},"
    "\"dt\":\"2019-02-05\",\"tm\":\"2019-02-05T10:00:00.123Z\","
    "\"tu\":\"2019-02-05T10:00:00.123456Z\",\"dec\":-12345.67,"
    "\"decf\":123456789.123,\"nested\":{\"z\":\"in\"},"
    "\"again\":{\"z\":\"too\"}}";

static st_arena A;
static st_buf B, J;

static void
setup(void)
{
	st_buf_reset(&B);
	st_buf_reset(&J);
}

static void
teardown(void)
{
	st_arena_release(&A);
	st_buf_release(&B);
	st_buf_release(&J);
}

static st_avro *
schema(const char *text)
{
	char err[256] = "";
	st_avro *a = st_avro_parse(text, strlen(text), err, sizeof err);
	ck_assert_msg(a != NULL, "%s: %s", text, err);
	return a;
}

static st_value
json_value(const char *text)
{
	st_value v;
	ck_assert_int_eq(st_value_parse_json(&A, text, strlen(text), &v), 0);
	return v;
}

/* decode(encode(value)) written as JSON */
static const char *
round_trip(st_avro *a, const char *value)
{
	st_value v = json_value(value), back;
	st_buf_reset(&B);
	ck_assert_msg(st_avro_encode(a, &v, &B) == 0, "encode %s", value);
	ck_assert_int_eq(st_avro_decode(a, &A, B.data, B.len, &back), 0);
	st_buf_reset(&J);
	st_value_write_json(&J, &back);
	return J.data;
}

START_TEST(test_every_type)
{
	st_avro *a = schema(every_type);
	ck_assert_str_eq(round_trip(a, every_value), every_json);
	st_buf t = ST_BUF_INIT;
	st_type_format(&t, st_avro_type(a));
	ck_assert_str_eq(t.data, "STRUCT<n: NULL, b: BOOLEAN, i: INT, "
	    "l: BIGINT, f: DOUBLE, d: DOUBLE, by: STRING, s: STRING, "
	    "e: STRING, fx: STRING, a: ARRAY<BIGINT>, m: NULL, o: STRING, "
	    "o2: STRING, u: BIGINT, x: STRUCT<member0: STRING, member1: "
	    "BIGINT>, dt: DATE, tm: TIMESTAMP, tu: TIMESTAMP, "
	    "dec: DECIMAL(10,2), decf: DECIMAL(12,3), nested: STRUCT<z: "
	    "STRING>, again: STRUCT<z: STRING>>");
	st_buf_release(&t);
	st_avro_free(a);
}
END_TEST

START_TEST(test_scalars_and_unions)
{
	st_avro *a = schema("\"long\"");
	ck_assert_str_eq(round_trip(a, "-1"), "-1");
	st_avro_free(a);
	a = schema("[\"null\",\"int\",\"string\"]");
	ck_assert_str_eq(round_trip(a, "null"), "null");
	ck_assert_str_eq(round_trip(a, "3"),
	    "{\"member0\":3,\"member1\":null}");
	ck_assert_str_eq(round_trip(a, "\"s\""),
	    "{\"member0\":null,\"member1\":\"s\"}");
	st_avro_free(a);
	a = schema("{\"type\":\"array\",\"items\":[\"double\",\"null\"]}");
	ck_assert_str_eq(round_trip(a, "[1.5,null,2]"), "[1.5,null,2.0]");
	st_avro_free(a);
}
END_TEST

START_TEST(test_binary_layout)
{
	/* Avro's spec examples: long 1 is 02, string "foo" 06 66 6f 6f;
	 * a union's branch index before its value. */
	st_avro *a = schema("{\"type\":\"record\",\"name\":\"x\",\"fields\":["
	    "{\"name\":\"a\",\"type\":\"long\"},{\"name\":\"b\","
	    "\"type\":\"string\"},{\"name\":\"c\",\"type\":[\"null\","
	    "\"long\"]}]}");
	st_value v = json_value("{\"a\":1,\"b\":\"foo\",\"c\":-2}");
	ck_assert_int_eq(st_avro_encode(a, &v, &B), 0);
	ck_assert_int_eq(B.len, 7);
	ck_assert_int_eq(memcmp(B.data, "\x02\x06" "foo" "\x02\x03", 7), 0);
	st_avro_free(a);
}
END_TEST

START_TEST(test_failures)
{
	char err[256];
	ck_assert_ptr_null(st_avro_parse("{\"type\":\"nope\"}", 15, err,
	    sizeof err));
	ck_assert_msg(strstr(err, "invalid Avro schema") != NULL, "%s", err);
	const char *rec = "{\"type\":\"record\",\"name\":\"n\",\"fields\":["
	    "{\"name\":\"next\",\"type\":[\"null\",\"n\"]}]}";
	ck_assert_ptr_null(st_avro_parse(rec, strlen(rec), err, sizeof err));
	ck_assert_msg(strstr(err, "recursive") != NULL, "%s", err);

	st_avro *a = schema("{\"type\":\"record\",\"name\":\"x\",\"fields\":["
	    "{\"name\":\"i\",\"type\":\"int\"},{\"name\":\"e\",\"type\":"
	    "{\"type\":\"enum\",\"name\":\"en\",\"symbols\":[\"A\"]}}]}");
	st_value v = json_value("{\"i\":\"abc\",\"e\":\"A\"}");
	ck_assert_int_eq(st_avro_encode(a, &v, &B), -1);
	v = json_value("{\"i\":1,\"e\":\"B\"}");
	ck_assert_int_eq(st_avro_encode(a, &v, &B), -1);
	v = json_value("{\"i\":3000000000,\"e\":\"A\"}");
	ck_assert_int_eq(st_avro_encode(a, &v, &B), -1);
	v = json_value("{\"e\":\"A\"}");	/* i not nullable */
	ck_assert_int_eq(st_avro_encode(a, &v, &B), -1);
	ck_assert_int_eq(B.len, 0);
	v = json_value("{\"i\":\"12\",\"e\":\"A\"}");	/* casts */
	ck_assert_int_eq(st_avro_encode(a, &v, &B), 0);
	st_value back;
	ck_assert_int_eq(st_avro_decode(a, &A, B.data, B.len - 1, &back), -1);
	ck_assert_int_eq(st_avro_decode(a, &A, "\x18\x00\x00", 3, &back), -1);
	st_avro_free(a);
	a = schema("\"bytes\"");
	v = json_value("\"not base64!\"");
	ck_assert_int_eq(st_avro_encode(a, &v, &B), -1);
	st_avro_free(a);
}
END_TEST

START_TEST(test_derive)
{
	st_value v = json_value("{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":[1.5],"
	    "\"e\":{\"f\":true}}");
	ck_assert_int_eq(st_avro_derive_text(&v, &B), 0);
	ck_assert_str_eq(B.data, "{\"type\":\"record\",\"name\":"
	    "\"topLevelRecord\",\"fields\":[{\"name\":\"a\",\"type\":"
	    "[\"long\",\"null\"]},{\"name\":\"b\",\"type\":[\"string\","
	    "\"null\"]},{\"name\":\"c\",\"type\":[\"string\",\"null\"]},"
	    "{\"name\":\"d\",\"type\":[{\"type\":\"array\",\"items\":"
	    "[\"double\",\"null\"]},\"null\"]},{\"name\":\"e\",\"type\":"
	    "[{\"type\":\"record\",\"name\":\"e\",\"namespace\":"
	    "\"topLevelRecord\",\"fields\":[{\"name\":\"f\",\"type\":"
	    "[\"boolean\",\"null\"]}]},\"null\"]}]}");
	/* bytes written with the derived schema read with one that says
	 * what c is, nullable the same way */
	st_avro *w = st_avro_derive(&v);
	ck_assert_ptr_nonnull(w);
	st_buf_reset(&B);
	ck_assert_int_eq(st_avro_encode(w, &v, &B), 0);
	const char *rs = "{\"type\":\"record\",\"name\":\"topLevelRecord\","
	    "\"fields\":[{\"name\":\"a\",\"type\":[\"long\",\"null\"]},"
	    "{\"name\":\"b\",\"type\":[\"string\",\"null\"]},{\"name\":\"c\","
	    "\"type\":[\"int\",\"null\"]},{\"name\":\"d\",\"type\":[{\"type\":"
	    "\"array\",\"items\":[\"double\",\"null\"]},\"null\"]},{\"name\":"
	    "\"e\",\"type\":[{\"type\":\"record\",\"name\":\"e2\",\"fields\":"
	    "[{\"name\":\"f\",\"type\":[\"boolean\",\"null\"]}]},\"null\"]}]}";
	st_avro *r = schema(rs);
	st_value back;
	ck_assert_int_eq(st_avro_decode(r, &A, B.data, B.len, &back), 0);
	st_value_write_json(&J, &back);
	ck_assert_str_eq(J.data, "{\"a\":1,\"b\":\"x\",\"c\":null,"
	    "\"d\":[1.5],\"e\":{\"f\":true}}");
	st_avro_free(w);
	st_avro_free(r);
	st_value iv = st_v_interval(1);
	st_buf_reset(&B);
	ck_assert_int_eq(st_avro_derive_text(&iv, &B), -1);
}
END_TEST

/* A container file written by avro-c's own writer and generic values,
 * read back by st. avro-c writes its own rendering of the schema into the
 * header, without the logical types: they read as their base types (the
 * shell test t1250 reads a header that has them). */
static void
write_file(const char *path, const char *codec)
{
	avro_schema_t s;
	avro_file_writer_t w;
	avro_value_iface_t *iface;
	avro_value_t v, f, br;

	ck_assert_int_eq(avro_schema_from_json_length(every_type,
	    strlen(every_type), &s), 0);
	ck_assert_int_eq(avro_file_writer_create_with_codec(path, s, &w,
	    codec, 0), 0);
	iface = avro_generic_class_from_schema(s);
	ck_assert_int_eq(avro_generic_value_new(iface, &v), 0);
	for (int row = 0; row < 3; row++) {
		avro_value_reset(&v);
		avro_value_get_by_name(&v, "n", &f, NULL);
		avro_value_set_null(&f);
		avro_value_get_by_name(&v, "b", &f, NULL);
		avro_value_set_boolean(&f, row == 1);
		avro_value_get_by_name(&v, "i", &f, NULL);
		avro_value_set_int(&f, row - 1);
		avro_value_get_by_name(&v, "l", &f, NULL);
		avro_value_set_long(&f, INT64_C(1) << 40);
		avro_value_get_by_name(&v, "f", &f, NULL);
		avro_value_set_float(&f, 0.5f);
		avro_value_get_by_name(&v, "d", &f, NULL);
		avro_value_set_double(&f, 1e100);
		avro_value_get_by_name(&v, "by", &f, NULL);
		avro_value_set_bytes(&f, "\x00\xff", 2);
		avro_value_get_by_name(&v, "s", &f, NULL);
		avro_value_set_string(&f, "row");
		avro_value_get_by_name(&v, "e", &f, NULL);
		avro_value_set_enum(&f, 0);
		avro_value_get_by_name(&v, "fx", &f, NULL);
		avro_value_set_fixed(&f, "abcd", 4);
		avro_value_get_by_name(&v, "a", &f, NULL);
		for (int k = 0; k < row; k++) {
			avro_value_t e;
			avro_value_append(&f, &e, NULL);
			avro_value_set_long(&e, k);
		}
		avro_value_get_by_name(&v, "m", &f, NULL);
		avro_value_t e;
		avro_value_add(&f, "k", &e, NULL, NULL);
		avro_value_set_string(&e, "v");
		avro_value_get_by_name(&v, "o", &f, NULL);
		avro_value_set_branch(&f, 0, &br);
		avro_value_set_null(&br);
		avro_value_get_by_name(&v, "o2", &f, NULL);
		avro_value_set_branch(&f, 0, &br);
		avro_value_set_string(&br, "o2");
		avro_value_get_by_name(&v, "u", &f, NULL);
		avro_value_set_branch(&f, 1, &br);
		avro_value_set_long(&br, -5);
		avro_value_get_by_name(&v, "x", &f, NULL);
		avro_value_set_branch(&f, 0, &br);
		avro_value_set_string(&br, "str");
		avro_value_get_by_name(&v, "dt", &f, NULL);
		avro_value_set_int(&f, 17932);		/* 2019-02-05 */
		avro_value_get_by_name(&v, "tm", &f, NULL);
		avro_value_set_long(&f, INT64_C(1549360800123));
		avro_value_get_by_name(&v, "tu", &f, NULL);
		avro_value_set_long(&f, INT64_C(1549360800123456));
		avro_value_get_by_name(&v, "dec", &f, NULL);
		avro_value_set_bytes(&f, "\xff\x85", 2);	/* -123 */
		avro_value_get_by_name(&v, "decf", &f, NULL);
		avro_value_set_fixed(&f, "\0\0\0\0\0\0\x30\x39", 8); /* 12345 */
		avro_value_t in;
		avro_value_get_by_name(&v, "nested", &f, NULL);
		avro_value_get_by_name(&f, "z", &in, NULL);
		avro_value_set_string(&in, "n");
		avro_value_get_by_name(&v, "again", &f, NULL);
		avro_value_get_by_name(&f, "z", &in, NULL);
		avro_value_set_string(&in, "a");
		ck_assert_int_eq(avro_file_writer_append_value(w, &v), 0);
	}
	avro_file_writer_close(w);
	avro_value_decref(&v);
	avro_value_iface_decref(iface);
	avro_schema_decref(s);
}

static void
read_file(const char *codec)
{
	char path[300], err[256];
	snprintf(path, sizeof path, "%s/f-%s.avro", tmpdir, codec);
	write_file(path, codec);
	st_avro_file *f = st_avro_file_open(path, err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	st_value v;
	int rows = 0;
	while (st_avro_file_next(f, &A, &v, err, sizeof err) > 0) {
		st_buf_reset(&J);
		st_value_write_json(&J, &v);
		if (rows == 2)
			ck_assert_str_eq(J.data, "{\"n\":null,\"b\":false,"
			    "\"i\":1,\"l\":1099511627776,\"f\":0.5,"
			    "\"d\":1e+100,\"by\":\"AP8=\",\"s\":\"row\","
			    "\"e\":\"RED\",\"fx\":\"YWJjZA==\",\"a\":[0,1],"
			    "\"m\":{\"k\":\"v\"},\"o\":null,\"o2\":\"o2\","
			    "\"u\":-5,\"x\":{\"member0\":\"str\","
			    "\"member1\":null},\"dt\":17932,"
			    "\"tm\":1549360800123,"
			    "\"tu\":1549360800123456,"
			    "\"dec\":\"/4U=\",\"decf\":\"AAAAAAAAMDk=\","
			    "\"nested\":{\"z\":\"n\"},\"again\":{\"z\":\"a\"}}");
		rows++;
	}
	ck_assert_int_eq(rows, 3);
	st_avro_file_close(f);
}

START_TEST(test_file_null) { read_file("null"); }
END_TEST
START_TEST(test_file_deflate) { read_file("deflate"); }
END_TEST

START_TEST(test_file_not_avro)
{
	char path[300], err[256];
	snprintf(path, sizeof path, "%s/x.avro", tmpdir);
	FILE *fp = fopen(path, "w");
	fputs("{\"a\":1}\n", fp);
	fclose(fp);
	ck_assert_ptr_null(st_avro_file_open(path, err, sizeof err));
	ck_assert_str_eq(err, "not an Avro object container file");
}
END_TEST

static Suite *
avro_suite(void)
{
	Suite *s = suite_create("avro");
	TCase *t = tcase_create("avro");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_checked_fixture(t, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(t, test_every_type);
	tcase_add_test(t, test_scalars_and_unions);
	tcase_add_test(t, test_binary_layout);
	tcase_add_test(t, test_failures);
	tcase_add_test(t, test_derive);
	tcase_add_test(t, test_file_null);
	tcase_add_test(t, test_file_deflate);
	tcase_add_test(t, test_file_not_avro);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(avro_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
