/*
 * check_json.c - the raw-bytes JSON scanner (lib/json.c), differentially
 * tested against jansson: a table of every JSON edge, then thousands of
 * generated documents and random mutations of them (fixed seed), each
 * checked by the oracle of tests/fuzz/json_oracle.h (accept/reject as
 * jansson, same members, same values). Plus the scanner's own promises:
 * member order, slices, error offsets and messages, st_json_key_eq,
 * st_json_number, st_json_object_get and the object writer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/json_oracle.h"

static void
agree(const char *p, size_t n)
{
	const char *why = json_oracle_check(p, n);
	ck_assert_msg(why == NULL, "%s: %.*s", why ? why : "", (int)n, p);
}

static int
scans(const char *p, size_t n)
{
	st_fields f = { 0 };
	st_json_err e;
	int rc = st_json_scan_object(p, n, &f, &e);
	st_fields_release(&f);
	return rc == 0;
}

/* ---- the table of edges ---------------------------------------------- */

/* ok: what both the scanner and jansson say (1 accept, 0 reject). */
static const struct { const char *text; int ok; } edges[] = {
	/* structure */
	{ "{}", 1 }, { " {} ", 1 }, { "\t\r\n{\n}\r\n", 1 },
	{ "{", 0 }, { "}", 0 }, { "", 0 }, { " ", 0 }, { "[]", 0 },
	{ "[1]", 0 }, { "1", 0 }, { "\"s\"", 0 }, { "null", 0 },
	{ "{}{}", 0 }, { "{} x", 0 }, { "{},", 0 },
	{ "{\"a\":1}", 1 }, { "{\"a\":1,}", 0 }, { "{,\"a\":1}", 0 },
	{ "{\"a\" 1}", 0 }, { "{\"a\":}", 0 }, { "{\"a\"}", 0 },
	{ "{a:1}", 0 }, { "{'a':1}", 0 }, { "{1:1}", 0 },
	{ "{\"a\":1 \"b\":2}", 0 }, { "{\"a\":1,,\"b\":2}", 0 },
	{ "{ \"a\" : 1 , \"b\" : [ 1 , 2 ] }", 1 },
	{ "{\"a\":[1,2,]}", 0 }, { "{\"a\":[,1]}", 0 }, { "{\"a\":[}", 0 },
	{ "{\"a\":{\"b\":{\"c\":[[],{},[{}]]}}}", 1 },
	{ "{\"a\":[1 2]}", 0 }, { "{\"a\":{\"b\"}}", 0 },
	/* blanks: only space, tab, CR, LF */
	{ "{\f}", 0 }, { "{\v}", 0 }, { "\xc2\xa0{}", 0 },
	/* literals */
	{ "{\"a\":true,\"b\":false,\"c\":null}", 1 },
	{ "{\"a\":tru}", 0 }, { "{\"a\":True}", 0 }, { "{\"a\":nul}", 0 },
	{ "{\"a\":nulll}", 0 }, { "{\"a\":truefalse}", 0 },
	{ "{\"a\":undefined}", 0 }, { "{\"a\":NaN}", 0 },
	{ "{\"a\":Infinity}", 0 },
	/* numbers */
	{ "{\"a\":0}", 1 }, { "{\"a\":-0}", 1 }, { "{\"a\":-0.0}", 1 },
	{ "{\"a\":01}", 0 }, { "{\"a\":-01}", 0 }, { "{\"a\":00}", 0 },
	{ "{\"a\":1.}", 0 }, { "{\"a\":.5}", 0 }, { "{\"a\":-}", 0 },
	{ "{\"a\":+1}", 0 }, { "{\"a\":1e}", 0 }, { "{\"a\":1e+}", 0 },
	{ "{\"a\":1E-2}", 1 }, { "{\"a\":1e+2}", 1 }, { "{\"a\":1.5e3}", 1 },
	{ "{\"a\":0.5}", 1 }, { "{\"a\":-0.5e-7}", 1 }, { "{\"a\":1.e3}", 0 },
	{ "{\"a\":0x10}", 0 }, { "{\"a\":1_000}", 0 }, { "{\"a\":- 1}", 0 },
	{ "{\"a\":9223372036854775807}", 1 },
	{ "{\"a\":-9223372036854775808}", 1 },
	{ "{\"a\":1e-400}", 1 }, { "{\"a\":123456789012345678}", 1 },
	{ "{\"a\":1234567890123456789}", 1 },
	{ "{\"a\":0.1234567890123456789012345678901234567890123456789"
	    "012345678901234567890123456789}", 1 },
	/* strings and escapes */
	{ "{\"a\":\"\"}", 1 }, { "{\"\":1}", 1 },
	{ "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", 1 },
	{ "{\"a\":\"\\a\"}", 0 }, { "{\"a\":\"\\x41\"}", 0 },
	{ "{\"a\":\"\\'\"}", 0 }, { "{\"a\":\"\\0\"}", 0 },
	{ "{\"a\":\"\\u0041\"}", 1 }, { "{\"a\":\"\\u00e9\\u00E9\"}", 1 },
	{ "{\"a\":\"\\u004\"}", 0 }, { "{\"a\":\"\\u00G1\"}", 0 },
	{ "{\"a\":\"\\u\"}", 0 }, { "{\"a\":\"\\U0041\"}", 0 },
	{ "{\"a\":\"\\u0000\"}", 1 },	/* (a key with \u0000: test_nul_key) */
	{ "{\"a\":\"\\ud83d\\ude00\"}", 1 },	/* a surrogate pair */
	{ "{\"a\":\"\\uD83D\\uDE00\"}", 1 },
	{ "{\"a\":\"\\ud83d\"}", 0 },	/* lone high */
	{ "{\"a\":\"\\ude00\"}", 0 },	/* lone low */
	{ "{\"a\":\"\\ud83d\\u0041\"}", 0 },	/* high then not low */
	{ "{\"a\":\"\\ude00\\ud83d\"}", 0 },	/* reversed */
	{ "{\"a\":\"\\ud83dx\"}", 0 },
	{ "{\"a\":\"\\ud83d\\ud83d\"}", 0 },
	{ "{\"a\":\"unterminated}", 0 }, { "{\"a\":\"\\\"}", 0 },
	{ "{\"a\":\"tab\there\"}", 0 },	/* raw control characters */
	{ "{\"a\":\"nl\nhere\"}", 0 }, { "{\"a\":\"\x1f\"}", 0 },
	{ "{\"a\":\"\x7f\"}", 1 },	/* DEL is allowed */
	{ "{\"k\\\"ey\":1}", 1 }, { "{\"k\\u0065y\":1}", 1 },
	/* UTF-8 */
	{ "{\"a\":\"caf\xc3\xa9\"}", 1 }, { "{\"\xc3\xa9\":1}", 1 },
	{ "{\"a\":\"\xe2\x82\xac\"}", 1 },	/* 3 bytes */
	{ "{\"a\":\"\xf0\x9f\x98\x80\"}", 1 },	/* 4 bytes */
	{ "{\"a\":\"\xf4\x8f\xbf\xbf\"}", 1 },	/* U+10FFFF */
	{ "{\"a\":\"\xf4\x90\x80\x80\"}", 0 },	/* beyond U+10FFFF */
	{ "{\"a\":\"\xc0\x80\"}", 0 }, { "{\"a\":\"\xc1\xbf\"}", 0 },
	{ "{\"a\":\"\xe0\x80\x80\"}", 0 },	/* overlong */
	{ "{\"a\":\"\xf0\x80\x80\x80\"}", 0 },
	{ "{\"a\":\"\xed\xa0\x80\"}", 0 },	/* a surrogate in UTF-8 */
	{ "{\"a\":\"\x80\"}", 0 }, { "{\"a\":\"\xbf\"}", 0 },
	{ "{\"a\":\"\xc3\"}", 0 }, { "{\"a\":\"\xe2\x82\"}", 0 },
	{ "{\"a\":\"\xc3(\"}", 0 }, { "{\"a\":\"\xfe\"}", 0 },
	{ "{\"a\":\"\xff\"}", 0 }, { "{\"a\":\"\xf5\x80\x80\x80\"}", 0 },
	{ "{\"a\":1}\xc3\xa9", 0 },
	/* duplicate keys: valid, the last one wins */
	{ "{\"a\":1,\"a\":2}", 1 }, { "{\"a\":1,\"b\":2,\"a\":[3]}", 1 },
	{ "{\"a\":1,\"\\u0061\":2}", 1 },
	/* a long string crossing the 16-byte SIMD steps at every offset */
	{ "{\"0123456789abcdef0123456789abcdef\":\"0123456789abcdef012345"
	    "6789abcdef0123456789abcdef\\n0123456789abcdef\"}", 1 },
	{ "{\"0123456789abcdef0123456789abcdef\":\"0123456789abcdef012345"
	    "6789abcdef0123456789abcdef\x01" "0123456789abcdef\"}", 0 },
	{ "{\"0123456789abcdef0123456789abcdef\":\"0123456789abcdef012345"
	    "6789abcdef\xc3\xa9\xe2\x82\xac" "0123456789abcdef\"}", 1 },
	{ "{\"0123456789abcdef0123456789abcdef\":\"0123456789abcdef012345"
	    "6789abcdef\xc3\xa9\xe2\x82" "0123456789abcdef\"}", 0 },
};

START_TEST(test_edges)
{
	const char *t = edges[_i].text;
	size_t n = strlen(t);

	ck_assert_msg(scans(t, n) == edges[_i].ok, "scanner on %s: want %d",
	    t, edges[_i].ok);
	json_t *j = json_loadb(t, n, JSON_ALLOW_NUL, NULL);
	ck_assert_msg((j != NULL && json_is_object(j)) == edges[_i].ok,
	    "jansson on %s: want %d", t, edges[_i].ok);
	json_decref(j);
	agree(t, n);
}
END_TEST

/* \u0000 is valid JSON in keys too; jansson refuses it there ("NUL byte
 * in object key not supported"), which the oracle allows for. */
START_TEST(test_nul_key)
{
	const char *t = "{\"\\u0000\":1,\"a\\u0000b\":\"\\u0000\"}";
	st_fields f = { 0 };
	st_json_err e;

	ck_assert_int_eq(st_json_scan_object(t, strlen(t), &f, &e), 0);
	ck_assert_int_eq(f.n, 2);
	ck_assert(st_json_key_eq(&f.v[1], "a\0b", 3));
	st_fields_release(&f);
	agree(t, strlen(t));
}
END_TEST

/* Texts with NUL bytes (not expressible in the table above). */
START_TEST(test_nul_bytes)
{
	static const struct { const char *t; size_t n; } rows[] = {
		{ "{\"a\":\"x\0y\"}", 11 }, { "{\"a\0\":1}", 8 },
		{ "{\"a\":1}\0", 8 }, { "\0{}", 3 }, { "{\0}", 3 },
		{ "{\"a\":27\0}", 9 }, { "{\"a\":null\0}", 11 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		ck_assert_msg(!scans(rows[i].t, rows[i].n), "row %zu", i);
		agree(rows[i].t, rows[i].n);
	}
}
END_TEST

/* The differences by design, stated exactly. */
START_TEST(test_known_differences)
{
	/* Beyond int64 and beyond double: valid JSON, read as doubles. */
	const char *big = "{\"a\":92233720368547758080,\"b\":1e400}";
	ck_assert(scans(big, strlen(big)));
	ck_assert_ptr_null(json_loadb(big, strlen(big), 0, NULL));
	agree(big, strlen(big));

	/* Nesting: 512 levels pass, 513 do not; jansson allows 2048. */
	for (int depth = 511; depth <= 514; depth++) {
		st_buf b = ST_BUF_INIT;
		st_buf_puts(&b, "{\"a\":");
		for (int i = 1; i < depth; i++)
			st_buf_putc(&b, '[');
		for (int i = 1; i < depth; i++)
			st_buf_putc(&b, ']');
		st_buf_putc(&b, '}');
		st_fields f = { 0 };
		st_json_err e;
		int rc = st_json_scan_object(b.data, b.len, &f, &e);
		if (depth <= 512) {
			ck_assert_int_eq(rc, 0);
		} else {
			ck_assert_int_eq(rc, -1);
			ck_assert_str_eq(e.msg, "nesting too deep");
			ck_assert_uint_eq(e.offset, 5 + 511);
		}
		agree(b.data, b.len);
		st_fields_release(&f);
		st_buf_release(&b);
	}
}
END_TEST

/* ---- the scanner's own promises ---------------------------------------- */

START_TEST(test_members_in_order)
{
	const char *t = " { \"b\" : \"x\\ny\" ,\"a\":[1, {\"c\":2}],"
	    "\"k\\u0065y\":-1.5e3, \"b\":null,\"t\":true}";
	st_fields f = { 0 };
	st_json_err e;

	ck_assert_int_eq(st_json_scan_object(t, strlen(t), &f, &e), 0);
	ck_assert_uint_eq(f.n, 5);
	static const struct { const char *k, *v; int type, kesc; } want[] = {
		{ "b", "\"x\\ny\"", ST_J_STRING, 0 },
		{ "a", "[1, {\"c\":2}]", ST_J_ARRAY, 0 },
		{ "k\\u0065y", "-1.5e3", ST_J_NUMBER, 1 },
		{ "b", "null", ST_J_NULL, 0 },
		{ "t", "true", ST_J_TRUE, 0 },
	};
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(f.v[i].klen, strlen(want[i].k));
		ck_assert(memcmp(f.v[i].key, want[i].k, f.v[i].klen) == 0);
		ck_assert_uint_eq(f.v[i].vlen, strlen(want[i].v));
		ck_assert(memcmp(f.v[i].val, want[i].v, f.v[i].vlen) == 0);
		ck_assert_int_eq(f.v[i].type, want[i].type);
		ck_assert_int_eq(f.v[i].kesc, want[i].kesc);
		/* Slices point into the text itself. */
		ck_assert(f.v[i].val > t && f.v[i].val < t + strlen(t));
	}
	ck_assert(st_json_key_eq(&f.v[2], "key", 3));
	ck_assert(!st_json_key_eq(&f.v[2], "ke", 2));
	ck_assert(!st_json_key_eq(&f.v[2], "k\\u0065y", 8));
	st_buf b = ST_BUF_INIT;
	st_json_unescape(f.v[0].val + 1, f.v[0].vlen - 2, &b);
	ck_assert_str_eq(b.data, "x\ny");
	st_buf_release(&b);

	/* The array scanner indexes elements without keys. */
	const char *a = "[1,\"two\",[3],{}]";
	ck_assert_int_eq(st_json_scan_array(a, strlen(a), &f, &e), 0);
	ck_assert_uint_eq(f.n, 4);
	ck_assert_ptr_null(f.v[1].key);
	ck_assert_int_eq(f.v[3].type, ST_J_OBJECT);
	ck_assert_int_eq(st_json_scan_array("{}", 2, &f, &e), -1);
	ck_assert_str_eq(e.msg, "expected a JSON array");
	st_fields_release(&f);
}
END_TEST

/* Error offsets (0-based) and messages are what tools print. */
static const struct { const char *text; size_t off; const char *msg; }
    errors[] = {
	{ "", 0, "expected a JSON object" },
	{ "[1]", 0, "expected a JSON object" },
	{ "{\"a\":1", 0, "unterminated object" },
	{ "{\"a\":1,", 7, "unterminated object" },
	{ "{\"a\" 1}", 5, "expected ':' after key" },
	{ "{1:1}", 1, "expected a string key" },
	{ "{\"a\":1 2}", 7, "expected ',' or '}'" },
	{ "{\"a\":[1 2]}", 8, "expected ',' or ']'" },
	{ "{\"a\":x}", 5, "expected a value" },
	{ "{\"a\":tru}", 5, "invalid literal" },
	{ "{\"a\":01}", 6, "expected ',' or '}'" },
	{ "{\"a\":-}", 5, "invalid number" },
	{ "{\"a\":\"x}", 5, "unterminated string" },
	{ "{\"a\":\"\\q\"}", 6, "invalid escape in string" },
	{ "{\"a\":\"\\u12\"}", 6, "invalid \\u escape" },
	{ "{\"a\":\"\\ude00\"}", 6, "invalid \\u escape (lone low surrogate)" },
	{ "{\"a\":\"\\ud800\"}", 6,
	    "invalid \\u escape (lone high surrogate)" },
	{ "{\"a\":\"x\ty\"}", 7, "control character in string" },
	{ "{\"a\":\"x\xffy\"}", 7, "invalid UTF-8 in string" },
	{ "{} {}", 3, "unexpected text after the JSON value" },
};

START_TEST(test_error_offsets)
{
	st_fields f = { 0 };
	st_json_err e = { 0, NULL };
	const char *t = errors[_i].text;

	ck_assert_int_eq(st_json_scan_object(t, strlen(t), &f, &e), -1);
	ck_assert_str_eq(e.msg, errors[_i].msg);
	ck_assert_uint_eq(e.offset, errors[_i].off);
	st_fields_release(&f);
}
END_TEST

START_TEST(test_numbers)
{
	static const struct { const char *t; int isint; int64_t iv;
	    double dv; } rows[] = {
		{ "0", 1, 0, 0 }, { "-0", 1, 0, 0 }, { "42", 1, 42, 0 },
		{ "-42", 1, -42, 0 },
		{ "123456789012345678", 1, 123456789012345678LL, 0 },
		{ "1234567890123456789", 1, 1234567890123456789LL, 0 },
		{ "9223372036854775807", 1, INT64_MAX, 0 },
		{ "-9223372036854775808", 1, INT64_MIN, 0 },
		{ "9223372036854775808", 0, 0, 9223372036854775808.0 },
		{ "12345678", 1, 12345678, 0 }, { "-87654321", 1, -87654321, 0 },
		{ "1549360800000", 1, 1549360800000LL, 0 },
		{ "99999999", 1, 99999999, 0 }, { "10000000", 1, 10000000, 0 },
		{ "12345678.5", 0, 0, 12345678.5 },
		{ "1234567.25", 0, 0, 1234567.25 },
		{ "12345678e1", 0, 0, 123456780.0 },
		{ "123456789012345678.5", 0, 0, 123456789012345678.5 },
		{ "1.5", 0, 0, 1.5 }, { "-2e3", 0, 0, -2000 },
		{ "1E-2", 0, 0, 0.01 }, { "1e400", 0, 0, HUGE_VAL },
		{ "0.100000000000000000000000000000000000000000000000000000"
		    "000000000000001", 0, 0, 0.1 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int64_t iv = -1;
		double dv = -1;
		int r = st_json_number(rows[i].t, strlen(rows[i].t), &iv, &dv);
		ck_assert_msg(r == rows[i].isint, "%s", rows[i].t);
		if (r)
			ck_assert_msg(iv == rows[i].iv, "%s", rows[i].t);
		else
			ck_assert_msg(dv == rows[i].dv, "%s: %g", rows[i].t,
			    dv);
	}
}
END_TEST

START_TEST(test_object_get)
{
	const char *t = "{\"a\":1,\"b\":{\"c\":2},\"a\":3}";
	st_fields scratch = { 0 };
	st_field out;

	ck_assert(st_json_object_get(t, strlen(t), "a", 1, &scratch, &out));
	ck_assert_uint_eq(out.vlen, 1);
	ck_assert_int_eq(out.val[0], '3');
	ck_assert(st_json_object_get(t, strlen(t), "b", 1, &scratch, &out));
	ck_assert_int_eq(out.type, ST_J_OBJECT);
	ck_assert(!st_json_object_get(t, strlen(t), "c", 1, &scratch, &out));
	ck_assert(!st_json_object_get("[1]", 3, "a", 1, &scratch, &out));
	ck_assert(!st_json_object_get("{\"a\":", 5, "a", 1, &scratch, &out));
	st_fields_release(&scratch);
}
END_TEST

START_TEST(test_objw)
{
	st_buf b = ST_BUF_INIT;
	st_objw w;

	st_objw_begin(&w, &b);
	st_objw_end(&w);
	ck_assert_str_eq(b.data, "{}");
	st_buf_reset(&b);
	st_objw_begin(&w, &b);
	st_objw_raw(&w, "a", 1, "1", 1);
	st_objw_key(&w, "q\"uote");
	st_buf_puts(&b, "[true]");
	st_objw_key_raw(&w, "k\\u0065y", 8);
	st_buf_puts(&b, "null");
	/* Long members grow the buffer inside st_objw_raw. */
	char big[5000];
	memset(big, 'x', sizeof big);
	big[0] = big[sizeof big - 1] = '"';
	st_objw_raw(&w, "big", 3, big, sizeof big);
	st_objw_end(&w);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(memcmp(b.data, "{\"a\":1,\"q\\\"uote\":[true],"
	    "\"k\\u0065y\":null,\"big\":\"xxx", 45) == 0);
	ck_assert_int_eq(b.data[b.len - 1], '}');
	agree(b.data, b.len);
	st_buf_release(&b);
}
END_TEST

/* ---- generated documents and mutations ---------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void gen_value(st_buf *b, int depth);

static void
gen_ws(st_buf *b)
{
	static const char *ws[] = { "", "", "", "", " ", "\n", "\t", "\r\n ",
	    "  " };
	st_buf_puts(b, ws[rnd(9)]);
}

static void
gen_string(st_buf *b)
{
	static const char *pieces[] = {
		"a", "view", "event_type", "x y", "0123456789abcdef",
		"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
		"\\u0041", "\\u00e9", "\\u20AC", "\\ud83d\\ude00", "\\uDBFF\\uDFFF",
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", "",
		"2019-02-05T10:00:00Z", "c9b08690-1798-a9f7-c646-dcb864a253ce",
	};
	st_buf_putc(b, '"');
	for (uint32_t i = rnd(6); i > 0; i--)
		st_buf_puts(b, pieces[rnd(sizeof pieces / sizeof pieces[0])]);
	st_buf_putc(b, '"');
}

static void
gen_number(st_buf *b)
{
	static const char *ints[] = { "0", "-0", "1", "42", "-7",
	    "1549360800000", "9223372036854775807", "-9223372036854775808",
	    "123456789012345678", "1234567890123456789" };
	static const char *frac[] = { "", "", "", ".5", ".0", ".25",
	    ".000001", ".1234567890123456789" };
	static const char *exps[] = { "", "", "", "", "e3", "E-2", "e+10",
	    "e308", "e-308" };
	st_buf_puts(b, ints[rnd(10)]);
	st_buf_puts(b, frac[rnd(8)]);
	st_buf_puts(b, exps[rnd(9)]);
}

static void
gen_object(st_buf *b, int depth)
{
	static const char *keys[] = { "a", "b", "user_id", "event_time",
	    "k\\u0065y", "\\\"q", "\xc3\xa9", "", "a" };
	st_buf_putc(b, '{');
	gen_ws(b);
	for (uint32_t i = 0, n = rnd(depth ? 4 : 9); i < n; i++) {
		if (i) {
			st_buf_putc(b, ',');
			gen_ws(b);
		}
		if (rnd(4) == 0) {
			gen_string(b);
		} else {
			st_buf_putc(b, '"');
			st_buf_puts(b, keys[rnd(9)]);
			st_buf_putc(b, '"');
		}
		gen_ws(b);
		st_buf_putc(b, ':');
		gen_ws(b);
		gen_value(b, depth + 1);
		gen_ws(b);
	}
	st_buf_putc(b, '}');
}

static void
gen_value(st_buf *b, int depth)
{
	switch (rnd(depth > 4 ? 6 : 9)) {
	case 0: st_buf_puts(b, "null"); break;
	case 1: st_buf_puts(b, rnd(2) ? "true" : "false"); break;
	case 2: case 3: gen_number(b); break;
	case 4: case 5: gen_string(b); break;
	case 6: case 7: gen_object(b, depth); break;
	default:
		st_buf_putc(b, '[');
		for (uint32_t i = 0, n = rnd(4); i < n; i++) {
			if (i)
				st_buf_putc(b, ',');
			gen_ws(b);
			gen_value(b, depth + 1);
		}
		st_buf_putc(b, ']');
	}
}

/* One random edit: the bytes JSON cares about, and some it must refuse. */
static void
mutate(st_buf *b)
{
	static const char bytes[] = "{}[],:\"\\ \t\n0123456789.eE+-tfnux"
	    "\x01\x1f\x7f\x80\xbf\xc0\xc3\xe2\xed\xf0\xf4\xf5\xff";
	size_t n = sizeof bytes - 1;

	if (b->len == 0) {
		st_buf_putc(b, bytes[rnd(n)]);
		return;
	}
	size_t at = rnd(b->len);
	switch (rnd(6)) {
	case 0:		/* replace */
		b->data[at] = bytes[rnd(n)];
		break;
	case 1:		/* insert */
		st_buf_putc(b, 0);
		memmove(b->data + at + 1, b->data + at, b->len - at - 1);
		b->data[at] = bytes[rnd(n)];
		break;
	case 2:		/* delete */
		memmove(b->data + at, b->data + at + 1, b->len - at - 1);
		b->len--;
		break;
	case 3:		/* truncate */
		b->len = at;
		break;
	case 4: {	/* duplicate a slice */
		size_t k = rnd((uint32_t)(b->len - at)) + 1;
		char *copy = malloc(k);
		memcpy(copy, b->data + at, k);
		st_buf_add(b, copy, k);
		free(copy);
		break;
	}
	default:	/* a NUL byte */
		b->data[at] = '\0';
		break;
	}
	b->data[b->len] = '\0';
}

START_TEST(test_generated)
{
	st_buf b = ST_BUF_INIT, m = ST_BUF_INIT;
	int accepted = 0, mut_accepted = 0;

	for (int doc = 0; doc < 3000; doc++) {
		st_buf_reset(&b);
		gen_ws(&b);
		gen_object(&b, 0);
		gen_ws(&b);
		/* Every generated document is valid. */
		ck_assert_msg(scans(b.data, b.len), "%s", b.data);
		accepted++;
		agree(b.data, b.len);
		for (int k = 0; k < 10; k++) {
			st_buf_reset(&m);
			st_buf_add(&m, b.data, b.len);
			for (uint32_t e = rnd(3) + 1; e > 0; e--)
				mutate(&m);
			mut_accepted += scans(m.data, m.len);
			agree(m.data, m.len);
		}
	}
	/* The mutations must exercise both outcomes to mean anything. */
	ck_assert_int_gt(mut_accepted, 1000);
	ck_assert_int_lt(mut_accepted, 25000);
	st_buf_release(&b);
	st_buf_release(&m);
}
END_TEST

/* Each text alone in an exactly-sized heap block: a scan that reads one
 * byte past the end is an ASan error here. */
START_TEST(test_exact_bounds)
{
	static const char *texts[] = { "{\"a\":\"0123456789abcdef0123\"}",
	    "{\"a\":\"0123456789abcdef0123", "{\"a\":1", "{\"a\":tru",
	    "{\"a\":\"\\u12", "{\"a\":\"\\ud83d\\ude0", "{\"a\":\"\xe2\x82",
	    "{\"0123456789abcdef\":1}", "{\"a\":[", "{\"a\":-" };
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		size_t n = strlen(texts[i]);
		for (size_t cut = 0; cut <= n; cut++) {
			char *p = malloc(cut ? cut : 1);
			memcpy(p, texts[i], cut);
			agree(p, cut);
			free(p);
		}
	}
}
END_TEST

/* Clean texts (no escapes, blanks or non-ASCII) take a fast path up to
 * 8192 bytes: lengths around every 16- and 64-byte step and around the
 * limit, strings ending at each position, must scan the same both ways. */
START_TEST(test_fast_path_lengths)
{
	st_buf b = ST_BUF_INIT;
	size_t lens[] = { 0, 1, 14, 15, 16, 17, 31, 47, 48, 49, 63, 64, 65,
	    127, 128, 129, 500, 8170, 8180, 8181, 8182, 8183, 8190, 8200 };
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		for (int variant = 0; variant < 4; variant++) {
			st_buf_reset(&b);
			st_buf_puts(&b, "{\"k\":\"");
			for (size_t j = 0; j < lens[i]; j++)
				st_buf_putc(&b, 'a' + j % 26);
			st_buf_puts(&b, "\",\"n\":[1,{\"x\":\"y\"}],\"t\":true}");
			if (variant == 1)	/* unterminated */
				b.len -= 1;
			if (variant == 2)	/* trailing blank: slow path */
				st_buf_putc(&b, '\n');
			if (variant == 3)	/* a stray quote */
				b.data[b.len / 2] = '"';
			st_fields f = { 0 };
			st_json_err e;
			int rc = st_json_scan_object(b.data, b.len, &f, &e);
			if (variant == 0 || variant == 2) {
				ck_assert_int_eq(rc, 0);
				ck_assert_uint_eq(f.n, 3);
				ck_assert_uint_eq(f.v[0].vlen, lens[i] + 2);
				ck_assert_int_eq(f.v[1].type, ST_J_ARRAY);
				ck_assert_uint_eq(f.v[2].vlen, 4);
			}
			if (variant == 1) {
				ck_assert_int_eq(rc, -1);
				ck_assert_str_eq(e.msg, "unterminated object");
			}
			agree(b.data, b.len);
			st_fields_release(&f);
		}
	}
	st_buf_release(&b);
}
END_TEST

/* The string writer (buf.c): st_buf_put_json_string and its strict form,
 * st_buf_put_json_utf8. Valid input reads back through jansson as the same
 * bytes; invalid UTF-8 becomes one U+FFFD per maximal ill-formed
 * subsequence (Unicode 3.9, as Java's decoder) or, strict, is refused with
 * the buffer as it was. */
static const struct {
	const char *in;
	size_t n;
	const char *out;	/* NULL: not UTF-8 (strict refuses) */
	const char *lax;	/* what the lax writer gives then */
} jstrings[] = {
	{ "", 0, "\"\"", NULL },
	{ "plain", 5, "\"plain\"", NULL },
	{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"", NULL },
	{ "\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"", NULL },
	{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"", NULL },
	{ "a\0b", 3, "\"a\\u0000b\"", NULL },
	{ "\xc3\xa9t\xc3\xa9", 5, "\"\xc3\xa9t\xc3\xa9\"", NULL },
	{ "\xf0\x9f\x98\x80\"", 5, "\"\xf0\x9f\x98\x80\\\"\"", NULL },
	{ "a\xffz", 3, NULL, "\"a\xef\xbf\xbdz\"" },
	{ "\xe2\x82", 2, NULL, "\"\xef\xbf\xbd\"" },
	{ "\xed\xa0\x80", 3, NULL, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "\xc0\xaf\"", 3, NULL, "\"\xef\xbf\xbd\xef\xbf\xbd\\\"\"" },
};

START_TEST(test_string_writer)
{
	st_buf b = ST_BUF_INIT;
	const char *in = jstrings[_i].in, *out = jstrings[_i].out;
	size_t n = jstrings[_i].n;

	/* After some content, so that offsets matter. */
	st_buf_puts(&b, "x:");
	st_buf_put_json_string(&b, in, n);
	ck_assert_str_eq(b.data + 2, out ? out : jstrings[_i].lax);
	ck_assert_uint_eq(b.len, 2 + strlen(b.data + 2));
	st_buf_reset(&b);
	st_buf_puts(&b, "x:");
	int rc = st_buf_put_json_utf8(&b, in, n);
	if (out == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(b.data, "x:");
		ck_assert_uint_eq(b.len, 2);
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(b.data + 2, out);
		json_error_t je;
		json_t *v = json_loadb(b.data + 2, b.len - 2,
		    JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
		ck_assert_ptr_nonnull(v);
		ck_assert_uint_eq(json_string_length(v), n);
		ck_assert_int_eq(memcmp(json_string_value(v), in, n), 0);
		json_decref(v);
	}
	st_buf_release(&b);
}
END_TEST

/* Every length from an empty buffer, each byte one that grows most (a
 * control byte, 6 bytes out) or a multi-byte sequence, so that every
 * point where the writer makes room is crossed. */
START_TEST(test_string_writer_growth)
{
	st_buf in = ST_BUF_INIT, want = ST_BUF_INIT;

	for (size_t len = 0; len < 700; len++) {
		st_buf_reset(&in);
		st_buf_reset(&want);
		st_buf_putc(&want, '"');
		for (size_t i = 0; i < len; i++) {
			switch ((i * 7 + len) % 4) {
			case 0: st_buf_putc(&in, '\x02');
				st_buf_puts(&want, "\\u0002"); break;
			case 1: st_buf_putc(&in, '"');
				st_buf_puts(&want, "\\\""); break;
			case 2: st_buf_puts(&in, "\xe2\x82\xac");
				st_buf_puts(&want, "\xe2\x82\xac"); break;
			default: st_buf_putc(&in, 'k');
				st_buf_putc(&want, 'k');
			}
		}
		st_buf_putc(&want, '"');
		st_buf b = ST_BUF_INIT;
		ck_assert_int_eq(st_buf_put_json_utf8(&b, in.data, in.len), 0);
		ck_assert_uint_eq(b.len, want.len);
		ck_assert_str_eq(b.data, want.data);
		st_buf_release(&b);
	}
	st_buf_release(&in);
	st_buf_release(&want);
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *t = tcase_create("scanner");

	tcase_set_timeout(t, 120);
	tcase_add_loop_test(t, test_edges, 0, sizeof edges / sizeof edges[0]);
	tcase_add_test(t, test_nul_bytes);
	tcase_add_test(t, test_nul_key);
	tcase_add_test(t, test_known_differences);
	tcase_add_test(t, test_members_in_order);
	tcase_add_loop_test(t, test_error_offsets, 0,
	    sizeof errors / sizeof errors[0]);
	tcase_add_test(t, test_numbers);
	tcase_add_test(t, test_object_get);
	tcase_add_test(t, test_objw);
	tcase_add_test(t, test_generated);
	tcase_add_test(t, test_exact_bounds);
	tcase_add_test(t, test_fast_path_lengths);
	tcase_add_loop_test(t, test_string_writer, 0,
	    sizeof jstrings / sizeof jstrings[0]);
	tcase_add_test(t, test_string_writer_growth);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(json_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
