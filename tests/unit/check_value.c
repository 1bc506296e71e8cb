/*
 * check_value.c - the typed value model: JSON in and out, casts, order,
 * equality and hash, copies. Table-driven: each table row is one check.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "value.h"

static st_arena A = ST_ARENA_INIT;

static st_value
J(const char *json)
{
	st_value v;
	ck_assert_msg(st_value_parse_json(&A, json, strlen(json), &v) == 0,
	    "bad JSON in test: %s", json);
	return v;
}

static char *
W(const st_value *v)
{
	st_buf b = ST_BUF_INIT;
	st_value_write_json(&b, v);
	return st_buf_detach(&b, NULL);
}

/* Parses a DDL type through a one-field schema. */
static const st_type *
T(const char *ddl, st_schema **keep)
{
	st_schema_error e;
	char tmp[256];
	snprintf(tmp, sizeof tmp, "x %s", ddl);
	*keep = st_schema_parse(tmp, &e);
	ck_assert_msg(*keep != NULL, "bad type %s: %s", ddl, e.msg);
	return (*keep)->fields[0].type;
}

/* ---- JSON round trips ---------------------------------------------- */

static const struct { const char *in, *out; int type; } json_rows[] = {
	{ "1", "1", ST_V_BIGINT },
	{ "-42", "-42", ST_V_BIGINT },
	{ "9223372036854775807", "9223372036854775807", ST_V_BIGINT },
	{ "-9223372036854775808", "-9223372036854775808", ST_V_BIGINT },
	{ "1.5", "1.5", ST_V_DOUBLE },
	{ "1e3", "1000.0", ST_V_DOUBLE },
	{ "1E-2", "0.01", ST_V_DOUBLE },
	{ "2.0", "2.0", ST_V_DOUBLE },
	{ "-0.25", "-0.25", ST_V_DOUBLE },
	{ "true", "true", ST_V_BOOLEAN },
	{ "false", "false", ST_V_BOOLEAN },
	{ "null", "null", ST_V_NULL },
	{ "\"abc\"", "\"abc\"", ST_V_STRING },
	{ "\"\"", "\"\"", ST_V_STRING },
	{ "\"a\\\"b\"", "\"a\\\"b\"", ST_V_STRING },
	{ "\"a\\nb\"", "\"a\\nb\"", ST_V_STRING },
	{ "\"\\u00e9\"", "\"\xc3\xa9\"", ST_V_STRING },
	{ "\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"", ST_V_STRING },
	{ "\"a\\/b\"", "\"a/b\"", ST_V_STRING },
	{ "[]", "[]", ST_V_ARRAY },
	{ "[1,2,3]", "[1,2,3]", ST_V_ARRAY },
	{ "[1, \"a\", null, [true]]", "[1,\"a\",null,[true]]", ST_V_ARRAY },
	{ "{}", "{}", ST_V_STRUCT },
	{ "{\"a\":1,\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\"}", ST_V_STRUCT },
	{ " { \"a\" : { \"b\" : [ 1 , 2 ] } } ", "{\"a\":{\"b\":[1,2]}}",
	    ST_V_STRUCT },
	{ "{\"k\\\"ey\":1}", "{\"k\\\"ey\":1}", ST_V_STRUCT },
	{ "12345678901234567890", "12345678901234567890", ST_V_BIGDEC },
	{ "-12345678901234567890123456789012345678",
	    "-12345678901234567890123456789012345678", ST_V_BIGDEC },
	{ "123456789012345678901234567890123456789",
	    "1.2345678901234568e+38", ST_V_DOUBLE },	/* 39 digits */
	{ "1e400", "\"Infinity\"", ST_V_DOUBLE },
	{ "-1e400", "\"-Infinity\"", ST_V_DOUBLE },
};

START_TEST(test_json)
{
	st_value v = J(json_rows[_i].in);
	ck_assert_int_eq(v.type, json_rows[_i].type);
	char *s = W(&v);
	ck_assert_str_eq(s, json_rows[_i].out);
	free(s);
	st_arena_reset(&A);
}
END_TEST

START_TEST(test_json_invalid)
{
	static const char *bad[] = { "", "{", "[1,", "tru", "\"abc", "{a:1}",
	    "1 2" };
	st_value v;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_int_eq(st_value_parse_json(&A, bad[i],
		    strlen(bad[i]), &v), -1);
		ck_assert_int_eq(v.type, ST_V_NULL);
	}
}
END_TEST

START_TEST(test_write_special)
{
	st_value v[] = { st_v_timestamp(1549360800000000LL),
	    st_v_timestamp(1549360800250000LL), st_v_timestamp(1),
	    st_v_date(17932), st_v_interval(15 * 60000000LL),
	    st_v_decimal(1250, 10, 2), st_v_decimal(-5, 10, 2),
	    st_v_double(NAN), st_v_int(7), st_v_decimal(3, 5, 0) };
	const char *want[] = { "\"2019-02-05T10:00:00Z\"",
	    "\"2019-02-05T10:00:00.250Z\"", "\"1970-01-01T00:00:00.000001Z\"",
	    "\"2019-02-05\"", "\"15 minutes\"", "12.50", "-0.05", "\"NaN\"", "7",
	    "3" };
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		char *s = W(&v[i]);
		ck_assert_str_eq(s, want[i]);
		free(s);
	}
}
END_TEST

/* ---- casts ----------------------------------------------------------- */

/* in: JSON text; via: optional first cast; to: target type; out: JSON of
 * the result, or NULL when the cast must fail. */
static const struct { const char *in, *via, *to, *out; } cast_rows[] = {
	/* to INT */
	{ "\"12\"", NULL, "INT", "12" },
	{ "\" 12 \"", NULL, "INT", "12" },
	{ "\"1.9\"", NULL, "INT", "1" },
	{ "\"-1.9\"", NULL, "INT", "-1" },
	{ "\"abc\"", NULL, "INT", NULL },
	{ "\"\"", NULL, "INT", NULL },
	{ "\"1e3\"", NULL, "INT", NULL },
	{ "\"2147483648\"", NULL, "INT", NULL },
	{ "\"-2147483648\"", NULL, "INT", "-2147483648" },
	{ "2147483648", NULL, "INT", "-2147483648" },
	{ "1.99", NULL, "INT", "1" },
	{ "-1.99", NULL, "INT", "-1" },
	{ "1e20", NULL, "INT", "2147483647" },
	{ "true", NULL, "INT", "1" },
	{ "false", NULL, "INT", "0" },
	{ "null", NULL, "INT", "null" },
	{ "[1]", NULL, "INT", NULL },
	{ "{}", NULL, "INT", NULL },
	/* to BIGINT */
	{ "\"9223372036854775807\"", NULL, "BIGINT", "9223372036854775807" },
	{ "\"9223372036854775808\"", NULL, "BIGINT", NULL },
	{ "\"-9223372036854775808\"", NULL, "BIGINT", "-9223372036854775808" },
	{ "\"+5\"", NULL, "BIGINT", "5" },
	{ "\"5.\"", NULL, "BIGINT", "5" },
	{ "\".5\"", NULL, "BIGINT", "0" },
	{ "\"-\"", NULL, "BIGINT", NULL },
	{ "1e30", NULL, "BIGINT", "9223372036854775807" },
	{ "-1e30", NULL, "BIGINT", "-9223372036854775808" },
	{ "\"2019-02-05T10:00:00Z\"", "TIMESTAMP", "BIGINT", "1549360800" },
	{ "\"1969-12-31T23:59:59.5Z\"", "TIMESTAMP", "BIGINT", "-1" },
	{ "\"12.5\"", "DECIMAL(5,2)", "BIGINT", "12" },
	/* to DOUBLE */
	{ "\"1.5\"", NULL, "DOUBLE", "1.5" },
	{ "\" 2 \"", NULL, "DOUBLE", "2.0" },
	{ "\"1e3\"", NULL, "DOUBLE", "1000.0" },
	{ "\"NaN\"", NULL, "DOUBLE", "\"NaN\"" },
	{ "\"Infinity\"", NULL, "DOUBLE", "\"Infinity\"" },
	{ "\"x1\"", NULL, "DOUBLE", NULL },
	/* integers beyond BIGINT (BIGDEC) and infinities (issue 10) */
	{ "12345678901234567890123", NULL, "STRING",
	    "\"12345678901234567890123\"" },
	{ "12345678901234567890123", NULL, "DOUBLE", "1.2345678901234568e+22" },
	{ "12345678901234567890123", NULL, "DECIMAL(38,0)",
	    "12345678901234567890123" },
	{ "12345678901234567890123", NULL, "DECIMAL(20,0)", NULL },
	{ "\" 12345678901234567890123 \"", NULL, "DECIMAL(38,0)",
	    "12345678901234567890123" },
	{ "1e400", NULL, "STRING", "\"Infinity\"" },
	{ "-1e400", NULL, "STRING", "\"-Infinity\"" },
	{ "1e400", NULL, "DOUBLE", "\"Infinity\"" },
	{ "\"0x10\"", NULL, "DOUBLE", NULL },
	{ "3", NULL, "DOUBLE", "3.0" },
	{ "true", NULL, "DOUBLE", "1.0" },
	{ "\"2019-02-05T10:00:00.5Z\"", "TIMESTAMP", "DOUBLE", "1549360800.5" },
	{ "\"1.25\"", "DECIMAL(5,2)", "DOUBLE", "1.25" },
	/* to DECIMAL */
	{ "\"12.345\"", NULL, "DECIMAL(10,2)", "12.35" },
	{ "\"-12.345\"", NULL, "DECIMAL(10,2)", "-12.35" },
	{ "\"12.344\"", NULL, "DECIMAL(10,2)", "12.34" },
	{ "\"1e2\"", NULL, "DECIMAL(10,2)", "100.00" },
	{ "\"123456\"", NULL, "DECIMAL(5,2)", NULL },
	{ "\"abc\"", NULL, "DECIMAL(5,2)", NULL },
	{ "\"0.001\"", NULL, "DECIMAL(5,3)", "0.001" },
	{ "7", NULL, "DECIMAL(5,1)", "7.0" },
	{ "2.675", NULL, "DECIMAL(5,2)", "2.68" },
	{ "1e10", NULL, "DECIMAL(5,2)", NULL },
	{ "\"99.995\"", NULL, "DECIMAL(4,2)", NULL },
	{ "\"12.5\"", "DECIMAL(5,2)", "DECIMAL(6,0)", "13" },
	{ "\"12.5\"", "DECIMAL(5,2)", "DECIMAL(8,4)", "12.5000" },
	{ "true", NULL, "DECIMAL(3,1)", "1.0" },
	/* to BOOLEAN */
	{ "\"true\"", NULL, "BOOLEAN", "true" },
	{ "\"TRUE\"", NULL, "BOOLEAN", "true" },
	{ "\"t\"", NULL, "BOOLEAN", "true" },
	{ "\"yes\"", NULL, "BOOLEAN", "true" },
	{ "\"1\"", NULL, "BOOLEAN", "true" },
	{ "\"false\"", NULL, "BOOLEAN", "false" },
	{ "\"N\"", NULL, "BOOLEAN", "false" },
	{ "\"0\"", NULL, "BOOLEAN", "false" },
	{ "\"maybe\"", NULL, "BOOLEAN", NULL },
	{ "0", NULL, "BOOLEAN", "false" },
	{ "-3", NULL, "BOOLEAN", "true" },
	{ "0.0", NULL, "BOOLEAN", "false" },
	{ "0.5", NULL, "BOOLEAN", "true" },
	/* to STRING */
	{ "12", NULL, "STRING", "\"12\"" },
	{ "1.5", NULL, "STRING", "\"1.5\"" },
	{ "2.0", NULL, "STRING", "\"2.0\"" },
	{ "true", NULL, "STRING", "\"true\"" },
	{ "[1,\"a\"]", NULL, "STRING", "\"[1,\\\"a\\\"]\"" },
	{ "{\"a\":1}", NULL, "STRING", "\"{\\\"a\\\":1}\"" },
	{ "\"2019-02-05 10:00:00\"", "TIMESTAMP", "STRING",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "\"2019-02-05\"", "DATE", "STRING", "\"2019-02-05\"" },
	{ "\"12.5\"", "DECIMAL(5,2)", "STRING", "\"12.50\"" },
	{ "\"15 minutes\"", "INTERVAL", "STRING", "\"15 minutes\"" },
	/* to TIMESTAMP */
	{ "\"2019-02-05T10:00:00Z\"", NULL, "TIMESTAMP",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "\"2019-02-05 10:00:00\"", NULL, "TIMESTAMP",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "\"2019-02-05 10:00\"", NULL, "TIMESTAMP",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "\"2019-02-05\"", NULL, "TIMESTAMP", "\"2019-02-05T00:00:00Z\"" },
	{ "\"2019-02-05T12:00:00+02:00\"", NULL, "TIMESTAMP",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "\"2019-02-05T10:00:00.123456789Z\"", NULL, "TIMESTAMP",
	    "\"2019-02-05T10:00:00.123456Z\"" },
	{ "\"not a time\"", NULL, "TIMESTAMP", NULL },
	{ "\"2019-13-05\"", NULL, "TIMESTAMP", NULL },
	{ "1549360800", NULL, "TIMESTAMP", "\"2019-02-05T10:00:00Z\"" },
	{ "1549360800.25", NULL, "TIMESTAMP", "\"2019-02-05T10:00:00.250Z\"" },
	{ "0", NULL, "TIMESTAMP", "\"1970-01-01T00:00:00Z\"" },
	{ "-1", NULL, "TIMESTAMP", "\"1969-12-31T23:59:59Z\"" },
	{ "\"2019-02-05\"", "DATE", "TIMESTAMP", "\"2019-02-05T00:00:00Z\"" },
	{ "true", NULL, "TIMESTAMP", NULL },
	{ "\"1549360800.5\"", "DOUBLE", "TIMESTAMP",
	    "\"2019-02-05T10:00:00.500Z\"" },
	/* to DATE */
	{ "\"2019-02-05\"", NULL, "DATE", "\"2019-02-05\"" },
	{ "\"2019-02-05 23:59:59\"", NULL, "DATE", "\"2019-02-05\"" },
	{ "\"2019-02-30\"", NULL, "DATE", NULL },
	{ "\"x\"", NULL, "DATE", NULL },
	{ "\"1969-12-31T23:00:00Z\"", "TIMESTAMP", "DATE", "\"1969-12-31\"" },
	{ "5", NULL, "DATE", NULL },
	/* to INTERVAL */
	{ "\"15 minutes\"", NULL, "INTERVAL", "\"15 minutes\"" },
	{ "\"1h\"", NULL, "INTERVAL", "\"1 hour\"" },
	{ "\"soon\"", NULL, "INTERVAL", NULL },
	/* arrays and structs */
	{ "[\"1\",\"2\"]", NULL, "ARRAY<INT>", "[1,2]" },
	{ "[\"1\",\"x\"]", NULL, "ARRAY<INT>", NULL },
	{ "[1,null]", NULL, "ARRAY<STRING>", "[\"1\",null]" },
	{ "\"[1]\"", NULL, "ARRAY<INT>", NULL },
	{ "{\"a\":\"1\",\"b\":2}", NULL, "STRUCT<a: INT, c: STRING>",
	    "{\"a\":1,\"c\":null}" },
	{ "{\"A\":\"1\"}", NULL, "STRUCT<a: INT>", "{\"a\":1}" },
	{ "{\"a\":[\"1\"]}", NULL, "STRUCT<a: ARRAY<DOUBLE>>",
	    "{\"a\":[1.0]}" },
	{ "{\"a\":\"x\"}", NULL, "STRUCT<a: INT>", NULL },
	{ "1", NULL, "STRUCT<a: INT>", NULL },
};

START_TEST(test_cast)
{
	st_schema *s1 = NULL, *s2 = NULL;
	st_value v = J(cast_rows[_i].in), r;
	if (cast_rows[_i].via) {
		const st_type *vt = strcmp(cast_rows[_i].via, "INTERVAL") == 0 ?
		    st_type_simple(ST_V_INTERVAL) : T(cast_rows[_i].via, &s1);
		ck_assert_int_eq(st_value_cast(&A, &v, vt, &v), 0);
	}
	const st_type *t = strcmp(cast_rows[_i].to, "INTERVAL") == 0 ?
	    st_type_simple(ST_V_INTERVAL) : T(cast_rows[_i].to, &s2);
	int rc = st_value_cast(&A, &v, t, &r);
	if (!cast_rows[_i].out) {
		ck_assert_msg(rc == -1, "cast of %s to %s should fail",
		    cast_rows[_i].in, cast_rows[_i].to);
		ck_assert_int_eq(r.type, ST_V_NULL);
	} else {
		ck_assert_msg(rc == 0, "cast of %s to %s failed",
		    cast_rows[_i].in, cast_rows[_i].to);
		char *s = W(&r);
		ck_assert_str_eq(s, cast_rows[_i].out);
		free(s);
	}
	st_schema_free(s1);
	st_schema_free(s2);
	st_arena_reset(&A);
}
END_TEST

/* ---- compare / equal / hash ----------------------------------------- */

/* a and b as JSON (with optional casts "T:" prefix meaning TIMESTAMP,
 * "D:" DATE, "M:" DECIMAL(10,2), "I:" INT); want: sign of compare. */
static const struct { const char *a, *b; int want; } cmp_rows[] = {
	/* integers beyond BIGINT keep their identity; infinities are
	 * numbers, not null (issue 10) */
	{ "12345678901234567890123", "12345678901234567890124", -1 },
	{ "12345678901234567890123", "12345678901234567890123", 0 },
	{ "-12345678901234567890123", "9223372036854775807", -1 },
	{ "12345678901234567890123", "9223372036854775807", 1 },
	{ "12345678901234567890123", "1e400", -1 },
	{ "1e400", "-1e400", 1 },
	{ "1e400", "null", 1 },
	{ "-1e400", "null", 1 },
	{ "-1e400", "-9223372036854775808", -1 },
	{ "1", "1", 0 },
	{ "1", "2", -1 },
	{ "2", "1", 1 },
	{ "1", "1.0", 0 },
	{ "I:1", "1", 0 },
	{ "I:1", "1.0", 0 },
	{ "M:1", "1", 0 },
	{ "M:1", "1.0", 0 },
	{ "M:1.5", "1.5", 0 },
	{ "M:1.5", "2", -1 },
	{ "M:0.1", "0.1", 0 },
	{ "1.5", "1", 1 },
	{ "-0.0", "0.0", 0 },
	{ "null", "null", 0 },
	{ "null", "0", -1 },
	{ "false", "null", 1 },
	{ "false", "true", -1 },
	{ "true", "0", -1 },
	{ "99", "\"1\"", -1 },
	{ "\"a\"", "\"b\"", -1 },
	{ "\"ab\"", "\"a\"", 1 },
	{ "\"\"", "\"a\"", -1 },
	{ "\"B\"", "\"a\"", -1 },
	{ "\"\xc3\xa9\"", "\"z\"", 1 },
	{ "T:2019-02-05T10:00:00Z", "T:2019-02-05T10:00:01Z", -1 },
	{ "D:2019-02-05", "T:2019-02-05T00:00:00Z", 0 },
	{ "D:2019-02-05", "T:2019-02-05T00:00:01Z", -1 },
	{ "\"x\"", "T:2019-02-05T10:00:00Z", -1 },
	{ "[1,2]", "[1,2]", 0 },
	{ "[1,2]", "[1,3]", -1 },
	{ "[1]", "[1,0]", -1 },
	{ "[1.0]", "[1]", 0 },
	{ "{\"a\":1}", "{\"a\":1}", 0 },
	{ "{\"a\":1}", "{\"a\":2}", -1 },
	{ "[9]", "{\"a\":1}", -1 },
	{ "9007199254740993", "9007199254740992.0", 1 },
	{ "9223372036854775807", "9223372036854775806", 1 },
};

static st_value
V(const char *spec)
{
	st_value v, r;
	if (spec[1] == ':') {
		st_value s = st_v_string(spec + 2, strlen(spec + 2));
		const st_type *t;
		st_type dec = { ST_V_DECIMAL, 10, 2 };
		switch (spec[0]) {
		case 'T': t = st_type_simple(ST_V_TIMESTAMP); break;
		case 'D': t = st_type_simple(ST_V_DATE); break;
		case 'I': t = st_type_simple(ST_V_INT); break;
		default: t = &dec;
		}
		ck_assert_int_eq(st_value_cast(&A, &s, t, &r), 0);
		return r;
	}
	v = J(spec);
	return v;
}

START_TEST(test_compare)
{
	st_value a = V(cmp_rows[_i].a), b = V(cmp_rows[_i].b);
	int c = st_value_compare(&a, &b);
	c = c < 0 ? -1 : c > 0;
	ck_assert_msg(c == cmp_rows[_i].want, "compare(%s, %s) = %d",
	    cmp_rows[_i].a, cmp_rows[_i].b, c);
	int r = st_value_compare(&b, &a);
	r = r < 0 ? -1 : r > 0;
	ck_assert_int_eq(r, -c);
	ck_assert_int_eq(st_value_equal(&a, &b), c == 0);
	if (c == 0)
		ck_assert_msg(st_value_hash(&a) == st_value_hash(&b),
		    "hash(%s) != hash(%s)", cmp_rows[_i].a, cmp_rows[_i].b);
	st_arena_reset(&A);
}
END_TEST

START_TEST(test_nan)
{
	st_value n1 = st_v_double(NAN), n2 = st_v_double(NAN);
	st_value big = st_v_double(INFINITY);
	ck_assert(st_value_equal(&n1, &n2));
	ck_assert(st_value_hash(&n1) == st_value_hash(&n2));
	ck_assert_int_gt(st_value_compare(&n1, &big), 0);
}
END_TEST

START_TEST(test_hash_spread)
{
	/* Distinct small keys must not collide (sanity of the mixer). */
	uint64_t seen[1000];
	for (int i = 0; i < 1000; i++) {
		st_value v = st_v_bigint(i);
		seen[i] = st_value_hash(&v);
		for (int j = 0; j < i; j++)
			ck_assert(seen[j] != seen[i]);
	}
	st_value s1 = st_v_string("ab", 2), s2 = st_v_string("ba", 2);
	ck_assert(st_value_hash(&s1) != st_value_hash(&s2));
	uint64_t h1 = st_value_hash_more(st_value_hash(&s1), &s2);
	uint64_t h2 = st_value_hash_more(st_value_hash(&s2), &s1);
	ck_assert(h1 != h2);
}
END_TEST

/* Strings hash as little-endian 64-bit words on every machine: the
 * reference below is the byte-at-a-time definition. */
static uint64_t
ref_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
ref_hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w = 0;
		for (int k = 7; k >= 0; k--)
			w = w << 8 | (unsigned char)p[i + k];
		h = ref_mix64(h ^ w);
	}
	uint64_t w = 0;
	for (size_t k = n; k > i; k--)
		w = w << 8 | (unsigned char)p[k - 1];
	return ref_mix64(h ^ w ^ 0xff);
}

START_TEST(test_hash_bytes)
{
	char s[64];
	for (size_t i = 0; i < sizeof s; i++)
		s[i] = (char)(i * 37 + 200);
	for (size_t off = 0; off < 3; off++)
		for (size_t n = 0; n + off <= sizeof s; n++) {
			st_value v = st_v_string(s + off, n);
			ck_assert_uint_eq(st_value_hash(&v),
			    ref_hash_bytes(s + off, n));
		}
}
END_TEST

/* st_value_from_field() takes short ways for strings and numbers; it must
 * give what st_value_from_json() gives. */
START_TEST(test_from_field)
{
	const char *doc = "{\"a\":\"x\",\"b\":\"\",\"c\":\"q\\\"\\u00e9\","
	    "\"d\":0,\"e\":-12,\"f\":1.5e3,\"g\":123456789012345678901,"
	    "\"h\":-0,\"i\":true,\"j\":null,\"k\":[1, \"2\"],\"l\":{\"m\":1},"
	    "\"n\":-9223372036854775808,\"o\":1E2,\"p\":false}";
	st_fields f = { 0 };
	st_json_err e;
	st_arena a = ST_ARENA_INIT;
	ck_assert_int_eq(st_json_scan_object(doc, strlen(doc), &f, &e), 0);
	ck_assert_uint_eq(f.n, 15);
	for (uint32_t i = 0; i < f.n; i++) {
		st_value x, y;
		ck_assert_int_eq(st_value_from_field(&a, &f.v[i], &x), 0);
		ck_assert_int_eq(st_value_from_json(&a, f.v[i].val,
		    f.v[i].vlen, &y), 0);
		ck_assert_int_eq(x.type, y.type);
		ck_assert_msg(st_value_compare(&x, &y) == 0, "field %.*s",
		    (int)f.v[i].klen, f.v[i].key);
	}
	st_fields_release(&f);
	st_arena_release(&a);
}
END_TEST

/* st_buf_put_i64 writes two digits at a time: every length, both signs,
 * the extremes, as printf does. */
START_TEST(test_put_i64)
{
	char want[32];
	st_buf b = ST_BUF_INIT;
	int64_t vals[200];
	size_t n = 0;
	vals[n++] = INT64_MIN;
	vals[n++] = INT64_MAX;
	vals[n++] = INT64_MIN + 1;
	for (int64_t p = 1; n < 190; p *= 10) {
		vals[n++] = p;
		vals[n++] = p - 1;
		vals[n++] = p + 1;
		vals[n++] = -p;
		vals[n++] = -(p - 1);
		vals[n++] = p * 7 + 3;
		if (p > INT64_MAX / 10)
			break;
	}
	uint64_t x = 12345;
	for (int i = 0; i < 100000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		int64_t v = (int64_t)(x >> (x % 60));
		if (i < (int)n)
			v = vals[i];
		st_buf_reset(&b);
		st_buf_put_i64(&b, v);
		snprintf(want, sizeof want, "%lld", (long long)v);
		ck_assert_str_eq(b.data, want);
	}
	st_buf_release(&b);
}
END_TEST

START_TEST(test_clone_dup)
{
	const char *src = "{\"a\":[1,\"x\\ny\",{\"b\":null}],\"c\":\"d\"}";
	st_value v = J(src);
	st_arena other = ST_ARENA_INIT;
	st_value c = st_value_clone(&other, &v);
	st_value *d = st_value_dup(&v);
	st_arena_reset(&A);
	char *s1 = W(&c), *s2 = W(d);
	ck_assert_str_eq(s1, "{\"a\":[1,\"x\\ny\",{\"b\":null}],\"c\":\"d\"}");
	ck_assert_str_eq(s2, s1);
	ck_assert(st_value_equal(&c, d));
	free(s1);
	free(s2);
	free(d);
	st_arena_release(&other);
}
END_TEST

START_TEST(test_struct_get)
{
	st_value v = J("{\"Ab\":1,\"ab\":2,\"c\":3}");
	ck_assert_int_eq(st_value_struct_get(&v, "ab", 2)->u.i, 2);
	ck_assert_int_eq(st_value_struct_get(&v, "AB", 2)->u.i, 1);
	ck_assert_int_eq(st_value_struct_get(&v, "C", 1)->u.i, 3);
	ck_assert_ptr_null(st_value_struct_get(&v, "d", 1));
	st_arena_reset(&A);
}
END_TEST

START_TEST(test_arena)
{
	st_arena a = ST_ARENA_INIT;
	for (int i = 0; i < 10000; i++) {
		char *p = st_arena_alloc(&a, (size_t)(i % 300) + 1);
		p[0] = 'x';
		ck_assert(((uintptr_t)p % sizeof(void *)) == 0);
	}
	char *big = st_arena_alloc(&a, 1 << 20);
	big[(1 << 20) - 1] = 1;
	st_arena_reset(&a);
	ck_assert_ptr_nonnull(a.head);
	ck_assert_str_eq(st_arena_strndup(&a, "hello", 3), "hel");
	st_arena_release(&a);
	ck_assert_ptr_null(a.head);
}
END_TEST

START_TEST(test_type_format)
{
	st_schema *s;
	const st_type *t = T("struct<a:int, b: array<decimal(12,3)>>", &s);
	st_buf b = ST_BUF_INIT;
	st_type_format(&b, t);
	ck_assert_str_eq(b.data, "STRUCT<a: INT, b: ARRAY<DECIMAL(12,3)>>");
	st_buf_release(&b);
	st_schema_free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("value");
	TCase *tc = tcase_create("value");
	tcase_add_loop_test(tc, test_json, 0,
	    sizeof json_rows / sizeof *json_rows);
	tcase_add_test(tc, test_json_invalid);
	tcase_add_test(tc, test_write_special);
	tcase_add_loop_test(tc, test_cast, 0,
	    sizeof cast_rows / sizeof *cast_rows);
	tcase_add_loop_test(tc, test_compare, 0,
	    sizeof cmp_rows / sizeof *cmp_rows);
	tcase_add_test(tc, test_nan);
	tcase_add_test(tc, test_hash_spread);
	tcase_add_test(tc, test_hash_bytes);
	tcase_add_test(tc, test_from_field);
	tcase_add_test(tc, test_put_i64);
	tcase_add_test(tc, test_clone_dup);
	tcase_add_test(tc, test_struct_get);
	tcase_add_test(tc, test_arena);
	tcase_add_test(tc, test_type_format);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	st_arena_release(&A);
	return nf ? 1 : 0;
}
