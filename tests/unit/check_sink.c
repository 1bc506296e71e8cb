/* check_sink.c - the sinks (lib/sink/sink.h): per-batch files made
 * visible atomically, CSV quoting, the console table. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink/sink.h"
#include "tmpdir.h"


static void
write_line(st_sink *s, const char *line)
{
	st_record r;
	st_record_init(&r);
	st_record_set_line(&r, line, strlen(line), 1);
	ck_assert_int_eq(s->vt->write(s, &r), 0);
	st_record_release(&r);
}

static int
exists(const char *name)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	return access(p, F_OK) == 0;
}

static void
slurp(const char *name, st_buf *b)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	st_buf_reset(b);
	ck_assert_int_eq(st_read_file(p, b), 0);
}

START_TEST(test_json_atomic)
{
	st_sink *s = st_sink_file_new(tmpdir, 0, 0);
	char *const nokeys[] = { NULL };
	st_sink_batch b = { .id = 7, .mode = "append", .keys = nokeys };
	st_buf t = ST_BUF_INIT;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->vt->idempotent, 1);
	ck_assert_int_eq(s->vt->begin(s, &b), 0);
	write_line(s, "{\"a\":1}");
	/* nothing visible before the end of the batch */
	ck_assert(!exists("part-00007.json"));
	ck_assert_int_eq(s->vt->end(s, &b), 0);
	slurp("part-00007.json", &t);
	ck_assert_str_eq(t.data, "{\"a\":1}\n");
	/* a replay replaces the file */
	ck_assert_int_eq(s->vt->begin(s, &b), 0);
	write_line(s, "{\"a\":2}");
	ck_assert_int_eq(s->vt->end(s, &b), 0);
	slurp("part-00007.json", &t);
	ck_assert_str_eq(t.data, "{\"a\":2}\n");
	/* an empty batch writes no file */
	b.id = 8;
	ck_assert_int_eq(s->vt->begin(s, &b), 0);
	ck_assert_int_eq(s->vt->end(s, &b), 0);
	ck_assert(!exists("part-00008.json"));
	st_buf_release(&t);
	st_sink_free(s);
}
END_TEST

START_TEST(test_csv_quoting)
{
	st_sink *s = st_sink_file_new(tmpdir, 1, 1);
	char *const nokeys[] = { NULL };
	st_sink_batch b = { .id = 0, .mode = "append", .keys = nokeys };
	st_buf t = ST_BUF_INIT;

	ck_assert_int_eq(s->vt->begin(s, &b), 0);
	write_line(s, "{\"w\":\"a,b\",\"n\":1,\"z\":null}");
	write_line(s, "{\"w\":\"say \\\"hi\\\"\",\"n\":2.5,\"z\":\"\"}");
	ck_assert_int_eq(s->vt->end(s, &b), 0);
	slurp("part-00000.csv", &t);
	/* Spark's writer (CSVOptions.asWriterSettings): a quote is escaped
	 * as \", an empty string written as "". */
	ck_assert_str_eq(t.data, "w,n,z\n\"a,b\",1,\n\"say \\\"hi\\\"\",2.5,\"\"\n");
	st_buf_release(&t);
	st_sink_free(s);
}
END_TEST

START_TEST(test_console)
{
	st_sink *s = st_sink_console_new(20, 20);
	char *const nokeys[] = { NULL };
	char p[512];
	snprintf(p, sizeof p, "%s/console", tmpdir);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	st_writer w;
	st_writer_init(&w, fd, "console", 0);
	st_sink_batch b = { .id = 3, .mode = "complete", .keys = nokeys,
	    .out = &w };
	st_buf t = ST_BUF_INIT;

	ck_assert_int_eq(s->vt->begin(s, &b), 0);
	write_line(s, "{\"word\":\"cat\",\"count\":12}");
	write_line(s, "{\"word\":\"é\"}");
	ck_assert_int_eq(s->vt->end(s, &b), 0);
	st_writer_release(&w);
	close(fd);
	slurp("console", &t);
	ck_assert_str_eq(t.data,
	    "-------------------------------------------\n"
	    "Batch: 3\n"
	    "-------------------------------------------\n"
	    "+----+-----+\n"
	    "|word|count|\n"
	    "+----+-----+\n"
	    "| cat|   12|\n"
	    "|   é| null|\n"
	    "+----+-----+\n"
	    "\n");
	st_buf_release(&t);
	st_sink_free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sink");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(tc, test_json_atomic);
	tcase_add_test(tc, test_csv_quoting);
	tcase_add_test(tc, test_console);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
