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
#include "tmpdir.h"

static char *paths[2];

static void
put(const char *name, const char *text, long mtime)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
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
	tmpdir_setup();
	paths[0] = tmpdir;
	paths[1] = NULL;
	put("b.json", "{\"id\":3}\n", 1600000002);
	put("a.json", "{\"id\":1}\n{\"id\":2}\n", 1600000001);
	put("_meta.json", "{\"id\":9}\n", 1600000000);
	put(".tmp.json", "{\"id\":9}\n", 1600000000);
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
	char **v = st_file_list(paths);
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
	snprintf(out, sizeof out, "%s/out", tmpdir);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	st_writer w;
	st_writer_init(&w, fd, "out", 0);
	st_emitter em = { .out = &w };
	ck_assert_int_eq(s->vt->emit(s, r, &em), 0);
	st_writer_release(&w);
	close(fd);
	ck_assert_int_eq(em.rows, 1);
	st_buf b = ST_BUF_INIT;
	ck_assert_int_eq(st_read_file(out, &b), 0);
	ck_assert_str_eq(b.data, "{\"id\":2}\n");
	st_buf_release(&b);
	json_decref(r);
	st_source_free(s);
}
END_TEST

static int64_t
jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/*
 * Reads the file of fpaths in batches of at most budget bytes (0: one
 * batch) into out, checking each planned range: it starts where the last
 * one ended, at the right line number, and ends after a newline (or at
 * the end of the file); a range over the budget holds one line.
 */
static void
read_batches(char **fpaths, const st_file_opts *o, int64_t budget,
    const st_buf *file, st_buf *out)
{
	st_source *s = st_file_source_new(NULL, fpaths, o);
	st_source_limits lim = { .max_bytes = budget };
	char name[300];
	snprintf(name, sizeof name, "%s/out", tmpdir);
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	ck_assert_int_ge(fd, 0);
	st_writer w;
	st_writer_init(&w, fd, "out", 0);
	st_emitter em = { .out = &w };
	int64_t pos = 0, line = 1;
	json_t *r;

	while ((r = s->vt->plan(s, &lim)) != NULL) {
		json_t *f = json_array_get(json_object_get(r, "files"), 0);
		int64_t start = jint(f, "start"), end = jint(f, "end");
		ck_assert_int_eq(start, pos);
		ck_assert_int_eq(jint(f, "line"), line);
		ck_assert_int_gt(end, start);
		ck_assert(end == (int64_t)file->len ||
		    file->data[end - 1] == '\n');
		int64_t nl = 0;
		for (int64_t i = start; i < end; i++)
			nl += file->data[i] == '\n';
		if (budget && end - start > budget &&
		    o->format != ST_FMT_CSV)
			ck_assert_int_le(nl, 1);
		if (end < (int64_t)file->len)
			ck_assert_int_eq(jint(f, "nextLine"), line + nl);
		ck_assert_int_eq(s->vt->emit(s, r, &em), 0);
		s->vt->advance(s, r);
		json_decref(r);
		pos = end;
		line += nl;
	}
	ck_assert_int_eq(pos, (int64_t)file->len);
	st_writer_release(&w);
	close(fd);
	st_buf_reset(out);
	ck_assert_int_eq(st_read_file(name, out), 0);
	st_source_free(s);
}

/* Files of JSON lines, text and CSV (quoted newlines) split at many byte
 * budgets give, batch after batch, the records of the whole file. */
START_TEST(test_split_union)
{
	static const int64_t budgets[] = { 1, 7, 100, 257, 1000, 4096,
	    65536, 65537, 100000 };
	static const st_file_format fmts[] = { ST_FMT_JSON, ST_FMT_TEXT,
	    ST_FMT_CSV };
	st_buf file = ST_BUF_INIT, whole = ST_BUF_INIT, part = ST_BUF_INIT;
	char sub[300], fpath[320];
	char *fpaths[2] = { fpath, NULL };

	snprintf(sub, sizeof sub, "%s/split", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++) {
		st_file_opts o = { .format = fmts[k], .delimiter = ',',
		    .quote = '"', .header = fmts[k] == ST_FMT_CSV };
		st_buf_reset(&file);
		if (o.header)
			st_buf_add(&file, "id,note\n", 8);
		for (int i = 0; i < 200; i++) {
			/* Lines of 0 to ~300 bytes, and one of ~100 KB
			 * (longer than a read block). */
			int len = i == 100 ? 100000 : (i * 37) % 301;
			if (fmts[k] == ST_FMT_JSON) {
				st_buf_printf(&file, "{\"id\":%d,\"s\":\"", i);
				for (int j = 0; j < len; j++)
					st_buf_putc(&file, 'a' + j % 26);
				st_buf_add(&file, "\"}\n", 3);
			} else if (fmts[k] == ST_FMT_TEXT) {
				for (int j = 0; j < len; j++)
					st_buf_putc(&file, 'a' + j % 26);
				if (i < 199)	/* no final newline */
					st_buf_putc(&file, '\n');
			} else {
				st_buf_printf(&file, "%d,\"", i);
				for (int j = 0; j < len; j++)
					st_buf_putc(&file, j % 41 == 40 ?
					    '\n' : 'a' + j % 26);
				st_buf_add(&file, "\"\n", 2);
			}
		}
		snprintf(fpath, sizeof fpath, "%s/f%zu", sub, k);
		FILE *f = fopen(fpath, "w");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(file.data, 1, file.len, f), file.len);
		fclose(f);

		read_batches(fpaths, &o, 0, &file, &whole);
		ck_assert_uint_gt(whole.len, 0);
		for (size_t b = 0; b < sizeof budgets / sizeof budgets[0];
		    b++) {
			read_batches(fpaths, &o, budgets[b], &file, &part);
			ck_assert_msg(part.len == whole.len && memcmp(part.data,
			    whole.data, whole.len) == 0,
			    "format %zu, budget %lld: batches differ from "
			    "the whole file", k, (long long)budgets[b]);
		}
	}
	st_buf_release(&file);
	st_buf_release(&whole);
	st_buf_release(&part);
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

	tcase_add_checked_fixture(tc, setup, tmpdir_teardown);
	tcase_add_test(tc, test_list_order);
	tcase_add_test(tc, test_plan_limits_and_advance);
	tcase_add_test(tc, test_split_bytes);
	tcase_add_test(tc, test_trigger_parse);
	suite_add_tcase(s, tc);
	/* Hundreds of batches under the sanitizers: more than the default
	 * 4 seconds on a loaded machine. */
	TCase *split = tcase_create("split");
	tcase_add_checked_fixture(split, setup, tmpdir_teardown);
	tcase_set_timeout(split, 60);
	tcase_add_test(split, test_split_union);
	suite_add_tcase(s, split);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
