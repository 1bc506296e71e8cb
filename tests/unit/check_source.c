/* check_source.c - the file source (lib/source/source.h): planning with
 * limits, byte-range splits, advance, emit, positions, triggers. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opts.h"
#include "source/run.h"
#include "source/source.h"

static char dir[256];
static char *paths[2];

static void
put(const char *name, const char *text, long mtime)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "touch -d @%ld '%s'", mtime, p);
	ck_assert_int_eq(system(cmd), 0);
}

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/st-check-source.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	paths[0] = dir;
	paths[1] = NULL;
	put("b.json", "{\"id\":3}\n", 1600000002);
	put("a.json", "{\"id\":1}\n{\"id\":2}\n", 1600000001);
	put("_meta.json", "{\"id\":9}\n", 1600000000);
	put(".tmp.json", "{\"id\":9}\n", 1600000000);
}

static void
teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The file names of a range, comma-separated, without the directory. */
static void
names(json_t *r, char *out, size_t n)
{
	size_t i;
	json_t *f;
	out[0] = '\0';
	json_array_foreach(json_object_get(r, "files"), i, f) {
		const char *p = strrchr(json_string_value(json_object_get(f,
		    "path")), '/') + 1;
		if (i)
			strncat(out, ",", n - strlen(out) - 1);
		strncat(out, p, n - strlen(out) - 1);
	}
}

START_TEST(test_list_order)
{
	char **v = st_file_source_list(paths);
	ck_assert_ptr_nonnull(v[0]);
	ck_assert_ptr_nonnull(strstr(v[0], "/a.json"));
	ck_assert_ptr_nonnull(strstr(v[1], "/b.json"));
	ck_assert_ptr_null(v[2]);
	st_strv_free(v);
}
END_TEST

START_TEST(test_plan_limits_and_advance)
{
	st_file_opts o = { .format = ST_FMT_JSON, .delimiter = ',',
	    .quote = '"' };
	st_source *s = st_file_source_new(NULL, paths, &o);
	st_source_limits one = { .max_files = 1 }, none = { 0 };
	char buf[256];

	json_t *r = s->vt->plan(s, &one);
	names(r, buf, sizeof buf);
	ck_assert_str_eq(buf, "a.json");
	/* plan does not move the position: the same range again */
	json_t *r2 = s->vt->plan(s, &one);
	ck_assert(json_equal(r, r2));
	json_decref(r2);
	s->vt->advance(s, r);
	json_decref(r);
	r = s->vt->plan(s, &none);
	names(r, buf, sizeof buf);
	ck_assert_str_eq(buf, "b.json");
	s->vt->advance(s, r);
	json_decref(r);
	ck_assert_ptr_null(s->vt->plan(s, &none));

	/* the position survives save and load */
	json_t *pos = s->vt->save(s);
	st_source *t = st_file_source_new(NULL, paths, &o);
	ck_assert_int_eq(t->vt->load(t, pos), 0);
	ck_assert_ptr_null(t->vt->plan(t, &none));
	json_decref(pos);
	st_source_free(t);
	st_source_free(s);
}
END_TEST

START_TEST(test_split_bytes)
{
	st_file_opts o = { .format = ST_FMT_JSON, .delimiter = ',',
	    .quote = '"' };
	st_source *s = st_file_source_new(NULL, paths, &o);
	/* 12 bytes: room for the first 9-byte line of a.json only */
	st_source_limits lim = { .max_bytes = 12 };

	json_t *r = s->vt->plan(s, &lim);
	json_t *f = json_array_get(json_object_get(r, "files"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(f, "start")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(f, "end")), 9);
	ck_assert_int_eq(json_integer_value(json_object_get(f, "nextLine")),
	    2);
	s->vt->advance(s, r);
	json_decref(r);
	r = s->vt->plan(s, &lim);
	f = json_array_get(json_object_get(r, "files"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(f, "start")), 9);
	ck_assert_int_eq(json_integer_value(json_object_get(f, "end")), 18);
	ck_assert_int_eq(json_integer_value(json_object_get(f, "line")), 2);

	/* emit writes exactly that range */
	char out[300];
	snprintf(out, sizeof out, "%s/out", dir);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	st_writer w;
	st_writer_init(&w, fd, "out", 0);
	st_emitter em = { .out = &w, .mode = ST_MALFORMED_FAILFAST,
	    .dead_fd = -1 };
	ck_assert_int_eq(s->vt->emit(s, r, &em), 0);
	st_writer_release(&w);
	close(fd);
	ck_assert_int_eq(em.rows, 1);
	st_buf b = ST_BUF_INIT;
	ck_assert_int_eq(st_read_file(out, &b), 0);
	ck_assert_str_eq(b.data, "{\"id\":2}\n");
	st_buf_release(&b);
	st_buf_release(&em.scratch);
	json_decref(r);
	st_source_free(s);
}
END_TEST

START_TEST(test_trigger_parse)
{
	st_trigger t;
	int64_t iv = 0;

	ck_assert_int_eq(st_trigger_parse("once", &t, &iv), 0);
	ck_assert_int_eq(t, ST_TRIGGER_ONCE);
	ck_assert_int_eq(st_trigger_parse("available-now", &t, &iv), 0);
	ck_assert_int_eq(t, ST_TRIGGER_AVAILABLE_NOW);
	ck_assert_int_eq(st_trigger_parse("5 seconds", &t, &iv), 0);
	ck_assert_int_eq(t, ST_TRIGGER_INTERVAL);
	ck_assert_int_eq(iv, 5000000);
	ck_assert_int_eq(st_trigger_parse("processing-time=1m", &t, &iv), 0);
	ck_assert_int_eq(iv, 60000000);
	ck_assert_int_eq(st_trigger_parse("sometimes", &t, &iv), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("source");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_list_order);
	tcase_add_test(tc, test_plan_limits_and_advance);
	tcase_add_test(tc, test_split_bytes);
	tcase_add_test(tc, test_trigger_parse);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
