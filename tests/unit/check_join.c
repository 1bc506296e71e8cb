/*
 * check_join.c - st-join's modules: join keys (hash and Spark's match
 * rules), a join side (arrival order, probes, removal), column sets, the
 * static table loaders, and conditions (keys and time bounds read off
 * --on and --within).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "join/cols.h"
#include "join/cond.h"
#include "join/key.h"
#include "join/side.h"
#include "join/table.h"
#include "datetime.h"

static st_arena A = ST_ARENA_INIT;

static st_value
J(const char *json)
{
	st_value v;
	ck_assert_msg(st_value_parse_json(&A, json, strlen(json), &v) == 0,
	    "bad JSON in test: %s", json);
	return v;
}

/* ---- keys ----------------------------------------------------------- */

static const struct { const char *a, *b; int match; } key_rows[] = {
	{ "1", "1", 1 },
	{ "1", "1.0", 1 },
	{ "\"100001\"", "100001", 1 },
	{ "100001", "\"100001\"", 1 },
	{ "\" 7 \"", "7", 1 },
	{ "\"7\"", "\"07\"", 0 },	/* two strings compare as strings */
	{ "\"abc\"", "\"abc\"", 1 },
	{ "\"abc\"", "1", 0 },
	{ "null", "null", 0 },		/* SQL '=': null never joins */
	{ "null", "1", 0 },
	{ "true", "true", 1 },
	{ "[1,2]", "[1,2]", 1 },
	{ "{\"a\":1}", "{\"a\":1}", 1 },
	{ "\"1e2\"", "100", 1 },
	{ "\"0x10\"", "16", 0 },
};

START_TEST(test_key_match)
{
	st_value a = J(key_rows[_i].a), b = J(key_rows[_i].b);

	ck_assert_msg(st_jkey_match(&a, &b, 1) == key_rows[_i].match,
	    "%s vs %s", key_rows[_i].a, key_rows[_i].b);
	if (key_rows[_i].match)
		ck_assert_msg(st_jkey_hash(&a, 1) == st_jkey_hash(&b, 1),
		    "hash %s vs %s", key_rows[_i].a, key_rows[_i].b);
}
END_TEST

START_TEST(test_key_multi)
{
	st_value a[2] = { J("\"x\""), J("1") };
	st_value b[2] = { J("\"x\""), J("\"1\"") };
	st_value c[2] = { J("\"x\""), J("null") };

	ck_assert(st_jkey_match(a, b, 2));
	ck_assert_uint_eq(st_jkey_hash(a, 2), st_jkey_hash(b, 2));
	ck_assert(!st_jkey_match(a, c, 2));
	ck_assert(st_jkey_has_null(c, 2));
	ck_assert(!st_jkey_has_null(a, 2));
}
END_TEST

/* ---- sides ---------------------------------------------------------- */

static st_jrow *
add(st_jside *s, const char *json, const char *key)
{
	st_value k = J(key);
	return st_jside_add(s, json, strlen(json), &k, st_jkey_hash(&k, 1),
	    ST_TIME_NONE);
}

START_TEST(test_side)
{
	st_jside s;
	char buf[64];

	st_jside_init(&s, 1);
	/* Enough rows to make the table grow several times. */
	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof buf, "{\"i\":%d}", i);
		add(&s, buf, i % 10 == 0 ? "\"ten\"" : "\"other\"");
	}
	ck_assert_uint_eq(s.count, 1000);
	st_value k = J("\"ten\"");
	uint64_t h = st_jkey_hash(&k, 1);
	int n = 0, last = 1 << 30;
	/* Chains are newest first. */
	for (st_jrow *r = st_jside_probe(&s, h); r; r = st_jside_next(r, h)) {
		if (!st_jkey_match(&k, r->keys, 1))
			continue;
		int i = atoi(r->json + 5);
		ck_assert_int_lt(i, last);
		ck_assert_int_eq(i % 10, 0);
		last = i;
		n++;
	}
	ck_assert_int_eq(n, 100);
	/* Remove every other row, from the middle of chains too. */
	int removed = 0;
	for (st_jrow *r = s.head; r;) {
		st_jrow *next = r->next;
		if (atoi(r->json + 5) % 2 == 0) {
			st_jside_remove(&s, r);
			removed++;
		}
		r = next;
	}
	ck_assert_int_eq(removed, 500);
	ck_assert_uint_eq(s.count, 500);
	n = 0;
	for (st_jrow *r = st_jside_probe(&s, h); r; r = st_jside_next(r, h))
		n += st_jkey_match(&k, r->keys, 1);
	ck_assert_int_eq(n, 0);
	/* Arrival order is kept. */
	ck_assert_str_eq(s.head->json, "{\"i\":1}");
	ck_assert_str_eq(s.tail->json, "{\"i\":999}");
	st_jside_clear(&s);
	ck_assert_uint_eq(s.count, 0);
	ck_assert_uint_eq(s.bytes, 0);
	ck_assert_ptr_null(st_jside_probe(&s, h));
	st_jside_release(&s);
}
END_TEST

/* ---- columns -------------------------------------------------------- */

START_TEST(test_cols)
{
	st_jcols c = { 0 };
	st_fields f = { 0 };
	st_json_err e;
	const char *obj = "{\"b\":1,\"a\\\"q\":2,\"b\":3}";

	st_jcols_add_plain(&c, "x");
	ck_assert_int_eq(st_json_scan_object(obj, strlen(obj), &f, &e), 0);
	st_jcols_add_fields(&c, &f);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_str_eq(c.names[0], "x");
	ck_assert_str_eq(c.names[1], "b");
	ck_assert_str_eq(c.names[2], "a\\\"q");
	st_jcols_add_plain(&c, "a\"q");
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(st_jcols_find(&c, "b", 1), 1);
	ck_assert_int_eq(st_jcols_find(&c, "zz", 2), -1);
	st_fields_release(&f);
	st_jcols_release(&c);
}
END_TEST

/* ---- static tables -------------------------------------------------- */

static char *
tmpfile_with(const char *suffix, const char *text)
{
	static int n;
	char *path = malloc(64);
	snprintf(path, 64, "/tmp/check_join.%d.%d%s", (int)getpid(), n++,
	    suffix);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(test_table_csv)
{
	char *keys[] = { "id", NULL };
	char *p = tmpfile_with(".csv", "id,name,note\n1,\"a, b\",\n2,c,\"\"\n");
	st_jtable t;
	const char *why;
	int re;

	ck_assert_int_eq(st_jtable_init(&t, p, ST_JTABLE_AUTO, NULL, keys, 1,
	    &why), 0);
	ck_assert_int_eq(st_jtable_refresh(&t, &re), 0);
	ck_assert_int_eq(re, 1);
	ck_assert_uint_eq(t.rows.count, 2);
	ck_assert_str_eq(t.rows.head->json,
	    "{\"id\":\"1\",\"name\":\"a, b\",\"note\":null}");
	/* A quoted empty field is null too, as Spark's CSV reader (its
	 * nullValue and emptyValue are both "": CSVOptions, csv.h). */
	ck_assert_str_eq(t.rows.tail->json,
	    "{\"id\":\"2\",\"name\":\"c\",\"note\":null}");
	ck_assert_uint_eq(t.cols.n, 3);
	/* Unchanged: no reload. */
	ck_assert_int_eq(st_jtable_refresh(&t, &re), 0);
	ck_assert_int_eq(re, 0);
	/* Replaced: reloaded. */
	char *q = tmpfile_with(".csv", "id,name\n3,d\n");
	ck_assert_int_eq(rename(q, p), 0);
	ck_assert_int_eq(st_jtable_refresh(&t, &re), 0);
	ck_assert_int_eq(re, 1);
	ck_assert_uint_eq(t.rows.count, 1);
	ck_assert_uint_eq(t.version, 2);
	/* Gone: an error, the old version stays. */
	unlink(p);
	ck_assert_int_eq(st_jtable_refresh(&t, &re), -1);
	ck_assert_uint_eq(t.rows.count, 1);
	st_jtable_release(&t);
	free(p);
	free(q);
}
END_TEST

START_TEST(test_table_spec)
{
	char *keys[] = { "id", NULL };
	st_jtable t;
	const char *why = NULL;

	ck_assert_int_eq(st_jtable_init(&t, "db.sqlite", ST_JTABLE_AUTO, NULL,
	    keys, 1, &why), -1);
	ck_assert_str_eq(why, "a SQLite table is given as FILE:TABLE");
	st_jtable_release(&t);
	char *p = tmpfile_with(".db", "");
	char spec[128];
	snprintf(spec, sizeof spec, "%s:users", p);
	ck_assert_int_eq(st_jtable_init(&t, spec, ST_JTABLE_AUTO, NULL, keys,
	    1, &why), 0);
	ck_assert_int_eq(t.format, ST_JTABLE_SQLITE);
	ck_assert_str_eq(t.table, "users");
	ck_assert_str_eq(t.path, p);
	st_jtable_release(&t);
	unlink(p);
	free(p);
	ck_assert_int_eq(st_jtable_format_parse("jsonl"), ST_JTABLE_JSON);
	ck_assert_int_eq(st_jtable_format_parse("xml"), -1);
}
END_TEST

START_TEST(test_table_json)
{
	char *keys[] = { "id", NULL };
	char *p = tmpfile_with(".txt", "\n{\"id\":1}\n  \n{\"id\":2,\"x\":[1]}\n");
	st_jtable t;
	const char *why;
	int re;

	ck_assert_int_eq(st_jtable_init(&t, p, ST_JTABLE_AUTO, NULL, keys, 1,
	    &why), 0);
	ck_assert_int_eq(st_jtable_refresh(&t, &re), 0);
	ck_assert_uint_eq(t.rows.count, 2);
	ck_assert_uint_eq(t.cols.n, 2);
	st_jtable_release(&t);
	unlink(p);
	free(p);
}
END_TEST

/* ---- conditions ----------------------------------------------------- */

START_TEST(test_shorthand)
{
	ck_assert(st_jcond_is_shorthand("a"));
	ck_assert(st_jcond_is_shorthand(" a , b_2 "));
	ck_assert(!st_jcond_is_shorthand("a = b"));
	ck_assert(!st_jcond_is_shorthand("a,"));
	ck_assert(!st_jcond_is_shorthand("a b"));
	ck_assert(!st_jcond_is_shorthand(""));
}
END_TEST

static const struct {
	const char *within;
	const char *t0, *t1;
	int64_t lo, hi;		/* minutes; 9999: unbounded */
	int64_t lo_us;		/* microseconds added to lo (strict >) */
} bound_rows[] = {
	{ "ClickTime BETWEEN ImpressionTime AND ImpressionTime + INTERVAL 15 MINUTES",
	    "ClickTime", "ImpressionTime", 0, 15 },
	{ "c >= i AND c <= i + INTERVAL 15 MINUTES", "c", "i", 0, 15 },
	{ "i + INTERVAL 15 MINUTES >= c AND c >= i", "i", "c", -15, 0 },
	/* strict: the inclusive bound a microsecond tighter */
	{ "c > i - INTERVAL 1 HOUR", "c", "i", -60, 9999, 1 },
	{ "c BETWEEN i - INTERVAL 5 MINUTES AND i + INTERVAL 10 MINUTES AND c <= i",
	    "c", "i", -5, 0 },
};

START_TEST(test_bounds)
{
	st_jcond c;
	char err[300];
	int64_t m = ST_USEC_PER_MIN;

	ck_assert_msg(st_jcond_init(&c, "k = k", bound_rows[_i].within,
	    "l", "r", err, sizeof err) == 0, "%s", err);
	ck_assert(c.has_bound);
	ck_assert_str_eq(c.tcol[0], bound_rows[_i].t0);
	ck_assert_str_eq(c.tcol[1], bound_rows[_i].t1);
	ck_assert(c.lo == (bound_rows[_i].lo == 9999 ? INT64_MIN :
	    bound_rows[_i].lo * m + bound_rows[_i].lo_us));
	ck_assert(c.hi == (bound_rows[_i].hi == 9999 ? INT64_MAX :
	    bound_rows[_i].hi * m));
	st_jcond_release(&c);
}
END_TEST

START_TEST(test_keys_and_time)
{
	st_jcond c;
	char err[300];
	st_fields lf = { 0 }, rf = { 0 };
	st_json_err e;
	const char *l = "{\"ImpressionID\":\"101\",\"ImpressionTime\":\"2020-09-09 10:00:00\"}";
	const char *r = "{\"ClickID\":101,\"ClickTime\":1599645960}";
	st_value kl, kr;
	int rl, rr;

	ck_assert_msg(st_jcond_init(&c, "ClickID = ImpressionID",
	    "ClickTime BETWEEN ImpressionTime AND ImpressionTime + INTERVAL 15 MINUTES",
	    "impressions", "clicks", err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(c.nkeys, 1);
	ck_assert(!c.using_[0]);
	ck_assert_int_eq(st_json_scan_object(l, strlen(l), &lf, &e), 0);
	ck_assert_int_eq(st_json_scan_object(r, strlen(r), &rf, &e), 0);
	/* Unqualified: each side reads the column it has. */
	st_jcond_keys(&c, ST_JSIDE_LEFT, &A, &lf, &kl);
	st_jcond_keys(&c, ST_JSIDE_RIGHT, &A, &rf, &kr);
	ck_assert(st_jkey_match(&kl, &kr, 1));
	int64_t tl = st_jcond_time(&c, ST_JSIDE_LEFT, &A, &lf, &rl);
	int64_t tr = st_jcond_time(&c, ST_JSIDE_RIGHT, &A, &rf, &rr);
	ck_assert_int_eq(rl, 1);
	ck_assert_int_eq(rr, 0);
	ck_assert(tl == INT64_C(1599645600) * ST_USEC_PER_SEC);
	ck_assert(tr == INT64_C(1599645960) * ST_USEC_PER_SEC);
	ck_assert(st_jcond_time_ok(&c, tl, rl, tr, rr));
	ck_assert(!st_jcond_time_ok(&c, tl, rl, tl - 1, rr));
	ck_assert(!st_jcond_time_ok(&c, tl, rl, tl + 15 * ST_USEC_PER_MIN + 1,
	    rr));
	/* A left row goes when no click that is not late can match it. */
	ck_assert(st_jcond_evict_at(&c, tl, rl) == tl + 15 * ST_USEC_PER_MIN);
	ck_assert(st_jcond_evict_at(&c, tr, rr) == tr);
	ck_assert(st_jcond_evict_at(&c, ST_TIME_NONE, -1) == INT64_MIN);
	/* Spark's state watermark for an inclusive bound: a row whose last
	 * partner time is the watermark stays one more batch. */
	int64_t end = tl + 15 * ST_USEC_PER_MIN;
	ck_assert(!st_jcond_evictable(&c, tl, rl, end));
	ck_assert(st_jcond_evictable(&c, tl, rl, end + 1));
	ck_assert(!st_jcond_has_residual(&c));
	st_jcond_release(&c);
	st_fields_release(&lf);
	st_fields_release(&rf);
}
END_TEST

/* An equality of times (a window end among the keys): a row goes at the
 * watermark, as Spark's key watermark (end <= watermark). */
START_TEST(test_evict_equality)
{
	st_jcond c;
	char err[300];

	ck_assert_msg(st_jcond_init(&c, "k = k", "le BETWEEN re AND re", "l",
	    "r", err, sizeof err) == 0, "%s", err);
	ck_assert(c.lo == 0 && c.hi == 0);
	ck_assert(st_jcond_evictable(&c, 10, 0, 10));
	ck_assert(!st_jcond_evictable(&c, 10, 0, 9));
	ck_assert(st_jcond_evictable(&c, 10, 1, 10));
	st_jcond_release(&c);
}
END_TEST

/* The output watermark (Spark's produceOutputWatermark): the input less
 * the longest wait, less a microsecond for a range
 * (MultiStatefulOperatorsSuite "output watermark for various intervals",
 * in Spark's milliseconds -40001, -30001, -40001); every row still in
 * state is after it, every row evicted at or before its state watermark. */
START_TEST(test_output_watermark)
{
	static const struct { const char *within; int64_t want; } cases[] = {
		{ "le BETWEEN re AND re + INTERVAL 40 seconds",
		    -40 * ST_USEC_PER_SEC - 1 },
		{ "le BETWEEN re - INTERVAL 30 seconds AND re",
		    -30 * ST_USEC_PER_SEC - 1 },
		{ "le BETWEEN re - INTERVAL 30 seconds AND re + INTERVAL 40 seconds",
		    -40 * ST_USEC_PER_SEC - 1 },
		{ "le BETWEEN re AND re", 0 },
	};
	st_jcond c;
	char err[300];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ck_assert_msg(st_jcond_init(&c, "k = k", cases[i].within, "l",
		    "r", err, sizeof err) == 0, "%s", err);
		int64_t wm = 0, ow = st_jcond_output_watermark(&c, wm);
		ck_assert_msg(ow == cases[i].want, "%s: %lld", cases[i].within,
		    (long long)ow);
		ck_assert(st_jcond_output_watermark(&c, ST_TIME_NONE) ==
		    ST_TIME_NONE);
		/* A row of either role kept under wm is after ow. */
		for (int r = 0; r < 2; r++)
			for (int64_t t = ow - 3; t <= ow + 3; t++)
				if (!st_jcond_evictable(&c, t, r, wm))
					ck_assert(t > ow);
		st_jcond_release(&c);
	}
	ck_assert_msg(st_jcond_init(&c, "k = k", NULL, "l", "r", err,
	    sizeof err) == 0, "%s", err);
	ck_assert(st_jcond_output_watermark(&c, 5) == 5);
	st_jcond_release(&c);
}
END_TEST

START_TEST(test_residual)
{
	st_jcond c;
	char err[300];
	st_fields lf = { 0 }, rf = { 0 };
	st_json_err e;
	const char *l = "{\"k\":1,\"v\":5}";
	const char *r1 = "{\"k\":1,\"v\":3}";
	const char *r2 = "{\"k\":1,\"v\":7}";

	ck_assert_msg(st_jcond_init(&c, "left.k = right.k AND left.v > right.v",
	    NULL, "a", "b", err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(c.nkeys, 1);
	ck_assert(c.using_[0]);
	ck_assert(st_jcond_has_residual(&c));
	ck_assert_int_eq(st_json_scan_object(l, strlen(l), &lf, &e), 0);
	ck_assert_int_eq(st_json_scan_object(r1, strlen(r1), &rf, &e), 0);
	ck_assert_int_eq(st_jcond_residual(&c, l, strlen(l), &lf, r1,
	    strlen(r1), &rf), 1);
	ck_assert_int_eq(st_json_scan_object(r2, strlen(r2), &rf, &e), 0);
	ck_assert_int_eq(st_jcond_residual(&c, l, strlen(l), &lf, r2,
	    strlen(r2), &rf), 0);
	st_jcond_release(&c);
	st_fields_release(&lf);
	st_fields_release(&rf);
}
END_TEST

START_TEST(test_cond_errors)
{
	st_jcond c;
	char err[300];

	ck_assert_int_eq(st_jcond_init(&c, "a = ", NULL, "l", "r", err,
	    sizeof err), -1);
	ck_assert_msg(strncmp(err, "invalid --on: ", 14) == 0, "%s", err);
	st_jcond_release(&c);
	ck_assert_int_eq(st_jcond_init(&c, "k", "x = 1", "l", "r", err,
	    sizeof err), -1);
	ck_assert_msg(strncmp(err, "--within gives no time bound", 28) == 0,
	    "%s", err);
	st_jcond_release(&c);
}
END_TEST

static Suite *
join_suite(void)
{
	Suite *s = suite_create("join");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_key_match, 0,
	    sizeof key_rows / sizeof *key_rows);
	tcase_add_test(tc, test_key_multi);
	tcase_add_test(tc, test_side);
	tcase_add_test(tc, test_cols);
	tcase_add_test(tc, test_table_csv);
	tcase_add_test(tc, test_table_spec);
	tcase_add_test(tc, test_table_json);
	tcase_add_test(tc, test_shorthand);
	tcase_add_loop_test(tc, test_bounds, 0,
	    sizeof bound_rows / sizeof *bound_rows);
	tcase_add_test(tc, test_keys_and_time);
	tcase_add_test(tc, test_evict_equality);
	tcase_add_test(tc, test_output_watermark);
	tcase_add_test(tc, test_residual);
	tcase_add_test(tc, test_cond_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(join_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	st_arena_release(&A);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
