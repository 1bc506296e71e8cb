/*
 * check_record.c - the record (lib/record.c) and the line reader and writer
 * under it (lib/io.c): lookups, edits, byte-identical pass-through,
 * serialization order, ownership, and lines split across reads.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "record.h"

static st_record R;

static void
setup(void)
{
	st_record_init(&R);
}

static void
teardown(void)
{
	st_record_release(&R);
}

static void
load(const char *line)
{
	st_record_set_line(&R, line, strlen(line), 1);
}

/* The value text of field name, or NULL when absent. */
static char *
val(const char *name)
{
	static char out[256];
	const st_field *f = st_record_get(&R, name, strlen(name));
	if (f == NULL)
		return NULL;
	snprintf(out, sizeof out, "%.*s", (int)f->vlen, f->val);
	return out;
}

static char *
ser(void)
{
	static st_buf b = ST_BUF_INIT;
	st_buf_reset(&b);
	st_record_serialize(&R, &b);
	return b.data;
}

START_TEST(test_lookup)
{
	load("{\"a\":1, \"b\" : \"two\",\"c\":{\"d\":[1,2]},\"a\":3,"
	    "\"k\\u0065y\":true,\"\\u00e9\":null}");
	ck_assert_str_eq(val("b"), "\"two\"");
	ck_assert_str_eq(val("c"), "{\"d\":[1,2]}");
	ck_assert_str_eq(val("a"), "3");		/* last duplicate wins */
	ck_assert_str_eq(val("key"), "true");		/* escaped key */
	ck_assert_str_eq(val("\xc3\xa9"), "null");
	ck_assert_ptr_null(val("d"));			/* not nested */
	ck_assert_ptr_null(val("A"));
	ck_assert_ptr_null(val("k\\u0065y"));
	ck_assert_int_eq(st_record_get(&R, "b", 1)->type, ST_J_STRING);
	ck_assert(!st_record_edited(&R));
}
END_TEST

START_TEST(test_malformed)
{
	load("{\"a\":1,}");
	ck_assert_ptr_null(val("a"));
	ck_assert_int_eq(st_record_scan(&R), -1);
	ck_assert_str_eq(R.err.msg, "expected a string key");
	ck_assert_uint_eq(R.err.offset, 7);
	/* A malformed record is written as it came. */
	ck_assert_str_eq(ser(), "{\"a\":1,}");
	load("not json");
	ck_assert_int_eq(st_record_scan(&R), -1);
	load("[1,2]");
	ck_assert_int_eq(st_record_scan(&R), -1);
	ck_assert_str_eq(R.err.msg, "expected a JSON object");
	/* The next line starts afresh. */
	load("{\"a\":2}");
	ck_assert_int_eq(st_record_scan(&R), 0);
	ck_assert_str_eq(val("a"), "2");
}
END_TEST

START_TEST(test_passthrough_bytes)
{
	/* Unedited records keep their bytes: blanks, escapes, number
	 * spellings, key order and duplicates. */
	static const char *lines[] = {
		"{ \"b\" : 1.50 , \"a\":\"\\u0041\\/\" }",
		"{\"x\":1E3,\"x\":-0,\"y\":[ ]}",
		"{}",
	};
	for (size_t i = 0; i < 3; i++) {
		load(lines[i]);
		ck_assert_int_eq(st_record_scan(&R), 0);
		(void)val("a");
		ck_assert_str_eq(ser(), lines[i]);
	}
}
END_TEST

START_TEST(test_edits)
{
	load("{\"a\":1,\"b\":2,\"c\":3}");
	st_record_set_raw(&R, "b", 1, "\"two\"", 5);	/* in place */
	st_record_set_raw(&R, "z", 1, "[26]", 4);	/* appended */
	st_record_set_raw(&R, "y", 1, "25", 2);	/* appended, in order */
	st_record_del(&R, "a", 1);
	ck_assert(st_record_edited(&R));
	ck_assert_ptr_null(val("a"));
	ck_assert_str_eq(val("b"), "\"two\"");
	ck_assert_str_eq(val("z"), "[26]");
	ck_assert_str_eq(val("c"), "3");
	ck_assert_str_eq(ser(), "{\"b\":\"two\",\"c\":3,\"z\":[26],\"y\":25}");

	/* Set again, delete a new field, bring a deleted one back. */
	st_record_set_raw(&R, "b", 1, "null", 4);
	st_record_del(&R, "z", 1);
	st_record_set_raw(&R, "a", 1, "0", 1);
	ck_assert_str_eq(ser(), "{\"a\":0,\"b\":null,\"c\":3,\"y\":25}");

	/* Deleting what is absent changes nothing but the edited flag. */
	load("{\"a\":1}");
	st_record_del(&R, "q", 1);
	ck_assert_str_eq(ser(), "{\"a\":1}");

	/* A new line drops the edits. */
	load("{\"a\":1}");
	ck_assert(!st_record_edited(&R));
	ck_assert_str_eq(ser(), "{\"a\":1}");
}
END_TEST

START_TEST(test_edit_keys)
{
	/* Keys that need escaping are escaped once; an edit of a key given
	 * escaped in the line replaces it. */
	load("{\"k\\u0065y\":1,\"a\":2}");
	st_record_set_raw(&R, "q\"t", 3, "1", 1);
	st_record_set_raw(&R, "key", 3, "9", 1);
	ck_assert_str_eq(val("q\"t"), "1");
	ck_assert_str_eq(val("key"), "9");
	ck_assert_str_eq(ser(), "{\"key\":9,\"a\":2,\"q\\\"t\":1}");
	load("{\"k\\u0065y\":1,\"a\":2}");
	st_record_del(&R, "key", 3);
	ck_assert_str_eq(ser(), "{\"a\":2}");
	const char *s;

	/* Edited records drop blanks and write a duplicate key once. */
	load("{ \"a\" : 1 , \"b\":2, \"a\":3 }");
	st_record_set_raw(&R, "a", 1, "7", 1);
	ck_assert_str_eq(ser(), "{\"a\":7,\"b\":2}");
	load("{ \"a\" : 1 , \"b\":2 }");
	st_record_set_raw(&R, "c", 1, "{\"d\":1}", 7);
	ck_assert_str_eq(ser(), "{\"a\":1,\"b\":2,\"c\":{\"d\":1}}");

	/* Many edits (more than the small bitmap of serialize). */
	load("{}");
	char name[16], value[16];
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "f%d", i);
		snprintf(value, sizeof value, "%d", i);
		st_record_set_raw(&R, name, strlen(name), value, strlen(value));
	}
	ck_assert_str_eq(val("f99"), "99");
	s = ser();
	ck_assert(strncmp(s, "{\"f0\":0,\"f1\":1,", 15) == 0);
	ck_assert_int_eq(s[strlen(s) - 1], '}');
	st_fields f = { 0 };
	ck_assert_int_eq(st_json_scan_object(s, strlen(s), &f, NULL), 0);
	ck_assert_uint_eq(f.n, 100);
	st_fields_release(&f);
}
END_TEST

START_TEST(test_own)
{
	char line[64];
	strcpy(line, "{\"a\":\"x\",\"b\":2}");
	load(line);
	ck_assert_str_eq(val("a"), "\"x\"");
	st_record_own(&R);
	st_record_own(&R);	/* twice is harmless */
	memset(line, '#', sizeof line - 1);	/* the reader moved on */
	ck_assert_str_eq(val("a"), "\"x\"");
	ck_assert_str_eq(val("b"), "2");
	ck_assert_str_eq(ser(), "{\"a\":\"x\",\"b\":2}");
	st_record_set_raw(&R, "c", 1, "3", 1);
	ck_assert_str_eq(ser(), "{\"a\":\"x\",\"b\":2,\"c\":3}");
}
END_TEST

START_TEST(test_field_values)
{
	load("{\"s\":\"caf\\u00e9\\n\\ud83d\\ude00\",\"i\":-12,\"d\":2.5e1,"
	    "\"n\":null}");
	st_buf b = ST_BUF_INIT;
	ck_assert_int_eq(st_field_string(st_record_get(&R, "s", 1), &b), 0);
	ck_assert_str_eq(b.data, "caf\xc3\xa9\n\xf0\x9f\x98\x80");
	ck_assert_int_eq(st_field_string(st_record_get(&R, "i", 1), &b), -1);
	int64_t iv;
	double dv;
	ck_assert_int_eq(st_field_number(st_record_get(&R, "i", 1), &iv, &dv),
	    1);
	ck_assert_int_eq(iv, -12);
	ck_assert_int_eq(st_field_number(st_record_get(&R, "d", 1), &iv, &dv),
	    0);
	ck_assert(dv == 25.0);
	ck_assert_int_eq(st_field_number(st_record_get(&R, "n", 1), &iv, &dv),
	    -1);
	st_buf_release(&b);
}
END_TEST

/* Reads what st_record_write wrote through a pipe. */
START_TEST(test_write)
{
	int fd[2];
	ck_assert_int_eq(pipe(fd), 0);
	st_writer w;
	st_writer_init(&w, fd[1], "pipe", 64);	/* tiny: forces flushes */

	load("{\"a\":1}");
	st_record_write(&R, &w);
	load("{\"a\":1,\"long\":\"0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789\"}");
	st_record_del(&R, "long", 4);
	st_record_set_raw(&R, "b", 1, "true", 4);
	st_record_write(&R, &w);
	load("{\"x\":\"0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789\"}");
	st_record_write(&R, &w);	/* larger than the buffer */
	st_writer_release(&w);
	close(fd[1]);

	char got[512];
	ssize_t n = read(fd[0], got, sizeof got - 1);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	ck_assert_str_eq(got, "{\"a\":1}\n{\"a\":1,\"b\":true}\n"
	    "{\"x\":\"0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789\"}\n");
	close(fd[0]);
}
END_TEST

/* The reader: CRLF, a last line without newline, empty lines, a line much
 * longer than a read block, and the idle hook before each read. */
static int hook_calls;

static void
hook(void *arg)
{
	(void)arg;
	hook_calls++;
}

START_TEST(test_reader)
{
	char path[] = "/tmp/check_record.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	size_t big = 3 << 20;
	char *line = malloc(big + 1);
	memset(line, 'x', big);
	line[big] = '\n';
	ck_assert_int_eq(st_write_all(fd, "a\r\n\nb\n", 6), 0);
	ck_assert_int_eq(st_write_all(fd, line, big + 1), 0);
	ck_assert_int_eq(st_write_all(fd, "last", 4), 0);
	lseek(fd, 0, SEEK_SET);

	st_reader r;
	const char *l;
	size_t len;
	st_reader_init(&r, fd, "tmp");
	r.before_read = hook;
	ck_assert_int_eq(st_reader_getline(&r, &l, &len), 1);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(l[0], 'a');
	ck_assert_int_eq(l[1], '\0');
	ck_assert(st_reader_has_line(&r));
	ck_assert_int_eq(st_reader_getline(&r, &l, &len), 1);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(st_reader_getline(&r, &l, &len), 1);
	ck_assert_str_eq(l, "b");
	ck_assert_int_eq(st_reader_getline(&r, &l, &len), 1);
	ck_assert_uint_eq(len, big);
	ck_assert(memcmp(l, line, big) == 0);
	ck_assert_int_eq(st_reader_getline(&r, &l, &len), 1);
	ck_assert_str_eq(l, "last");
	ck_assert_uint_eq(r.lineno, 5);
	ck_assert_uint_eq(r.offset, 6 + big + 1 + 4);
	ck_assert_int_eq(st_reader_getline(&r, &l, &len), 0);
	/* One call per read(2): the first, the long line's, the end. */
	ck_assert_int_ge(hook_calls, 3);
	st_reader_release(&r);
	close(fd);
	free(line);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *t = tcase_create("record");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_lookup);
	tcase_add_test(t, test_malformed);
	tcase_add_test(t, test_passthrough_bytes);
	tcase_add_test(t, test_edits);
	tcase_add_test(t, test_edit_keys);
	tcase_add_test(t, test_own);
	tcase_add_test(t, test_field_values);
	tcase_add_test(t, test_write);
	tcase_add_test(t, test_reader);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(record_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
