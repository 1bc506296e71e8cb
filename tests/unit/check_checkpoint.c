/* check_checkpoint.c - the checkpoint store (lib/checkpoint.h). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint.h"
#include "err.h"
#include "io.h"
#include "tmpdir.h"


START_TEST(test_metadata_kept)
{
	st_ckpt c;
	char id[64];

	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	snprintf(id, sizeof id, "%s", st_ckpt_query_id(&c));
	ck_assert_int_eq(strlen(id), 36);
	st_ckpt_close(&c);
	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	ck_assert_str_eq(st_ckpt_query_id(&c), id);
	st_ckpt_close(&c);
}
END_TEST

START_TEST(test_write_read)
{
	st_ckpt c;
	st_buf b = ST_BUF_INIT;

	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	ck_assert_int_eq(st_ckpt_write(&c, "offsets/0", "{\"a\":1}\n", 8), 0);
	ck_assert_int_eq(st_ckpt_read(&c, "offsets/0", &b), 0);
	ck_assert_str_eq(b.data, "{\"a\":1}\n");
	ck_assert(st_ckpt_exists(&c, "offsets/0"));
	/* Overwrite is atomic replacement. */
	ck_assert_int_eq(st_ckpt_write(&c, "offsets/0", "x", 1), 0);
	st_buf_reset(&b);
	ck_assert_int_eq(st_ckpt_read(&c, "offsets/0", &b), 0);
	ck_assert_str_eq(b.data, "x");
	st_buf_reset(&b);
	errno = 0;
	ck_assert_int_eq(st_ckpt_read(&c, "offsets/9", &b), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(st_ckpt_remove(&c, "offsets/0"), 0);
	ck_assert(!st_ckpt_exists(&c, "offsets/0"));
	ck_assert_int_eq(st_ckpt_remove(&c, "offsets/0"), 0);
	st_buf_release(&b);
	st_ckpt_close(&c);
}
END_TEST

START_TEST(test_stream_tx)
{
	st_ckpt c;
	st_ckpt_tx tx;

	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	FILE *f = st_ckpt_begin(&c, "state/op/3", &tx);
	ck_assert_ptr_nonnull(f);
	fputs("hello\n", f);
	/* Not visible before commit. */
	ck_assert(!st_ckpt_exists(&c, "state/op/3"));
	ck_assert_int_eq(st_ckpt_commit(&tx), 0);
	ck_assert(st_ckpt_exists(&c, "state/op/3"));
	f = st_ckpt_begin(&c, "state/op/4", &tx);
	fputs("partial", f);
	st_ckpt_abort(&tx);
	ck_assert(!st_ckpt_exists(&c, "state/op/4"));
	/* No temporary file is left behind. */
	int64_t *v;
	size_t n;
	ck_assert_int_eq(st_ckpt_versions(&c, "state/op", &v, &n), 0);
	ck_assert_int_eq(n, 1);
	free(v);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "test $(ls '%s/state/op' | wc -l) -eq 1",
	    tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	st_ckpt_close(&c);
}
END_TEST

START_TEST(test_versions)
{
	st_ckpt c;
	int64_t *v;
	size_t n;
	const int64_t ids[] = { 10, 2, 33, 0, 9 };

	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	ck_assert_int_eq(st_ckpt_latest(&c, "commits"), -1);
	for (size_t i = 0; i < 5; i++) {
		char p[64];
		snprintf(p, sizeof p, "commits/%lld", (long long)ids[i]);
		ck_assert_int_eq(st_ckpt_write(&c, p, "", 0), 0);
	}
	ck_assert_int_eq(st_ckpt_write(&c, "commits/x.tmp", "", 0), 0);
	ck_assert_int_eq(st_ckpt_versions(&c, "commits", &v, &n), 0);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(v[0], 0);
	ck_assert_int_eq(v[1], 2);
	ck_assert_int_eq(v[2], 9);
	ck_assert_int_eq(v[3], 10);
	ck_assert_int_eq(v[4], 33);
	free(v);
	ck_assert_int_eq(st_ckpt_latest(&c, "commits"), 33);
	st_ckpt_close(&c);
}
END_TEST

START_TEST(test_write_new)
{
	st_ckpt c;
	st_buf b = ST_BUF_INIT;

	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	ck_assert_int_eq(st_ckpt_write_new(&c, "sink", "first", 5), 0);
	ck_assert_int_eq(st_ckpt_write_new(&c, "sink", "second", 6), 1);
	ck_assert_int_eq(st_ckpt_read(&c, "sink", &b), 0);
	ck_assert_str_eq(b.data, "first");
	st_buf_release(&b);
	st_ckpt_close(&c);
}
END_TEST

/* Tools of one pipeline open a new checkpoint at the same moment: they must
 * all end up with the same query id. */
START_TEST(test_racing_open)
{
	int fds[2];
	enum { N = 8 };

	ck_assert_int_eq(pipe(fds), 0);
	for (int i = 0; i < N; i++) {
		if (fork() == 0) {
			st_ckpt c;
			char line[64];
			close(fds[0]);
			if (st_ckpt_open(&c, tmpdir) < 0)
				_exit(1);
			int n = snprintf(line, sizeof line, "%s\n",
			    st_ckpt_query_id(&c));
			_exit(write(fds[1], line, n) == n ? 0 : 1);
		}
	}
	close(fds[1]);
	char all[N * 64 + 1];
	size_t got = 0;
	ssize_t k;
	while ((k = read(fds[0], all + got, sizeof all - 1 - got)) > 0)
		got += k;
	all[got] = '\0';
	close(fds[0]);
	for (int i = 0; i < N; i++) {
		int st;
		wait(&st);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ck_assert_int_eq(got, N * 37);
	for (int i = 1; i < N; i++)
		ck_assert_int_eq(memcmp(all, all + i * 37, 37), 0);
}
END_TEST

START_TEST(test_lock)
{
	st_ckpt a, b;

	ck_assert_int_eq(st_ckpt_open(&a, tmpdir), 0);
	ck_assert_int_eq(st_ckpt_open(&b, tmpdir), 0);
	ck_assert_int_eq(st_ckpt_lock(&a, 0), 0);
	errno = 0;
	ck_assert_int_eq(st_ckpt_lock(&b, 0), -1);
	ck_assert_int_eq(errno, EWOULDBLOCK);
	/* Closing (as a crash does) releases it. */
	st_ckpt_close(&a);
	ck_assert_int_eq(st_ckpt_lock(&b, 0), 0);
	st_ckpt_close(&b);
}
END_TEST

START_TEST(test_layout)
{
	st_ckpt c;
	st_buf p = ST_BUF_INIT;
	json_t *v;

	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	ck_assert_str_eq(st_ckpt_offsets_path(&p, 12), "offsets/12");
	ck_assert_str_eq(st_ckpt_commit_path(&p, 3), "commits/3");
	ck_assert_str_eq(st_ckpt_progress_path(&p, 0), "progress/0");
	ck_assert_str_eq(st_ckpt_seen_path(&p, "default"),
	    "sources/default/seen");
	ck_assert_str_eq(st_ckpt_state_dir(&p, "st-window", NULL),
	    "state/st-window");
	ck_assert_str_eq(st_ckpt_state_dir(&p, "st-window", "a"),
	    "state/st-window.a");
	ck_assert_str_eq(st_ckpt_state_path(&p, "state/st-window", 7),
	    "state/st-window/7");
	ck_assert_str_eq(st_ckpt_query_path(&p, "state/st-dedup"),
	    "state/st-dedup/query");
	ck_assert_int_eq(st_ckpt_last_commit(&c), -1);
	ck_assert_int_eq(st_ckpt_last_offsets(&c), -1);
	ck_assert(!st_ckpt_sink_announced(&c));
	ck_assert(!st_ckpt_committed(&c, 0));
	for (int i = 0; i < 5; i++) {
		v = json_pack("{sisf}", "batch", i, "x", 0.1);
		ck_assert_int_eq(st_ckpt_write_json(&c,
		    st_ckpt_commit_path(&p, i), v), 0);
		json_decref(v);
	}
	ck_assert(st_ckpt_committed(&c, 4));
	ck_assert(!st_ckpt_committed(&c, -1));
	ck_assert_int_eq(st_ckpt_last_commit(&c), 4);
	ck_assert_int_eq(st_ckpt_read_json(&c, "commits/2", &v), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "batch")), 2);
	ck_assert(json_real_value(json_object_get(v, "x")) == 0.1);
	json_decref(v);
	ck_assert_int_eq(st_ckpt_read_json(&c, "commits/9", &v), 0);
	ck_assert_ptr_null(v);
	/* The one prune: everything below the limit goes. */
	ck_assert_int_eq(st_ckpt_prune(&c, ST_CKPT_COMMITS, 3), 3);
	ck_assert(!st_ckpt_committed(&c, 2));
	ck_assert(st_ckpt_committed(&c, 3));
	ck_assert_int_eq(st_ckpt_prune(&c, ST_CKPT_COMMITS, 3), 0);
	ck_assert_int_eq(st_ckpt_prune(&c, "nowhere", 3), 0);
	st_buf_release(&p);
	st_ckpt_close(&c);
}
END_TEST

START_TEST(test_self_check)
{
	st_ckpt c;
	st_buf b = ST_BUF_INIT, path = ST_BUF_INIT;
	size_t body;
	const char *why;

	/* The check value of CRC-32C. */
	ck_assert_uint_eq(st_crc32c(0, "123456789", 9), 0xe3069283u);
	ck_assert_uint_eq(st_crc32c(st_crc32c(0, "1234", 4), "56789", 5),
	    0xe3069283u);
	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	ck_assert_int_eq(st_ckpt_write(&c, "offsets/0", "{\"a\":1}\n", 8), 0);
	ck_assert_int_eq(st_read_file(st_ckpt_path(&c, "offsets/0", &path),
	    &b), 0);
	ck_assert_str_eq(b.data, "{\"a\":1}\n{\"st-checkpoint\":1,\"length\":8,"
	    "\"crc32c\":\"337437e6\"}\n");
	ck_assert_int_eq(st_ckpt_verify(b.data, b.len, &body, &why), 0);
	ck_assert_uint_eq(body, 8);
	/* Every cut of the file is refused, with a reason. */
	for (size_t n = 0; n < b.len; n++) {
		why = NULL;
		ck_assert_int_eq(st_ckpt_verify(b.data, n, &body, &why), -1);
		ck_assert_ptr_nonnull(why);
	}
	/* So is every changed byte. */
	for (size_t i = 0; i < b.len; i++) {
		char *d = st_strdup(b.data);
		d[i] ^= 1;
		ck_assert_int_eq(st_ckpt_verify(d, b.len, &body, &why), -1);
		free(d);
	}
	ck_assert_int_eq(st_ckpt_verify("{\"a\":1}\n", 8, &body, &why), -1);
	ck_assert_str_eq(why, "it has no checksum line (truncated, or not "
	    "written by st)");
	/* The reader: EBADMSG and the reason; EISDIR for a directory. */
	FILE *f = fopen(path.data, "w");
	fputs("{\"batch\":2}\n", f);
	fclose(f);
	st_buf_reset(&b);
	errno = 0;
	ck_assert_int_eq(st_ckpt_read(&c, "offsets/0", &b), -1);
	ck_assert_int_eq(errno, EBADMSG);
	ck_assert_ptr_nonnull(c.why);
	ck_assert_ptr_null(st_ckpt_open_read(&c, "offsets/0"));
	ck_assert_int_eq(errno, EBADMSG);
	ck_assert_int_eq(st_ckpt_read(&c, "offsets", &b), -1);
	ck_assert_int_eq(errno, EISDIR);
	/* Streams are checked the same way, and read back without it. */
	st_ckpt_tx tx;
	f = st_ckpt_begin(&c, "state/x/1", &tx);
	fputs("one\ntwo\n", f);
	ck_assert_int_eq(st_ckpt_commit(&tx), 0);
	f = st_ckpt_open_read(&c, "state/x/1");
	ck_assert_ptr_nonnull(f);
	char line[64];
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "one\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "two\n");
	ck_assert_ptr_null(fgets(line, sizeof line, f));
	fclose(f);
	st_buf_release(&b);
	st_buf_release(&path);
	st_ckpt_close(&c);
}
END_TEST

START_TEST(test_enospc_hook)
{
	st_ckpt c;
	st_ckpt_tx tx;

	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	setenv("ST_TEST_CKPT_ENOSPC", "state/", 1);
	errno = 0;
	ck_assert_int_eq(st_ckpt_write(&c, "state/x/1", "abc\n", 4), -1);
	ck_assert_int_eq(errno, ENOSPC);
	FILE *f = st_ckpt_begin(&c, "state/x/2", &tx);
	fputs("abc\n", f);
	ck_assert_int_eq(st_ckpt_commit(&tx), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert(!st_ckpt_exists(&c, "state/x/2"));
	ck_assert_int_eq(st_ckpt_write(&c, "offsets/1", "abc\n", 4), 0);
	unsetenv("ST_TEST_CKPT_ENOSPC");
	st_ckpt_close(&c);
}
END_TEST

START_TEST(test_offsets_fields)
{
	json_t *v = json_pack("{sIsIsbs{}}", "batch", (json_int_t)2, "ts",
	    (json_int_t)5, "data", 1, "sources");

	ck_assert_ptr_null(st_ckpt_check_offsets(v, 2));
	ck_assert_ptr_nonnull(st_ckpt_check_offsets(v, 3));
	json_object_del(v, "sources");
	ck_assert_ptr_nonnull(st_ckpt_check_offsets(v, 2));
	json_decref(v);
	v = json_pack("{sI}", "batch", (json_int_t)2);
	ck_assert_ptr_nonnull(st_ckpt_check_offsets(v, 2));
	json_decref(v);
	ck_assert_ptr_nonnull(st_ckpt_check_offsets(NULL, 2));
}
END_TEST

START_TEST(test_metadata_lost)
{
	st_ckpt c;
	char p[400];

	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), 0);
	ck_assert_int_eq(st_ckpt_write(&c, "commits/0", "x", 1), 0);
	st_ckpt_close(&c);
	snprintf(p, sizeof p, "%s/metadata", tmpdir);
	ck_assert_int_eq(unlink(p), 0);
	/* A new query id would be a silent new query: refused. */
	ck_assert_int_eq(st_ckpt_open(&c, tmpdir), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("checkpoint");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(tc, test_metadata_kept);
	tcase_add_test(tc, test_write_read);
	tcase_add_test(tc, test_stream_tx);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_lock);
	tcase_add_test(tc, test_write_new);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_self_check);
	tcase_add_test(tc, test_enospc_hook);
	tcase_add_test(tc, test_offsets_fields);
	tcase_add_test(tc, test_metadata_lost);
	tcase_add_loop_test(tc, test_racing_open, 0, 20);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
