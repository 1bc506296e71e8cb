/*
 * check_state.c - the state store: hash table, key encoding, aggregate
 * slots (update, merge, save/load round trip), HyperLogLog accuracy.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/agg.h"
#include "state/hll.h"
#include "state/table.h"

static char *
key_of(const char *json)
{
	st_buf b = ST_BUF_INIT;
	st_key_add_json(&b, json, strlen(json));
	return st_buf_detach(&b, NULL);
}

static const struct {
	const char *a, *b;
	int equal;
} key_rows[] = {
	{ "1", "1.0", 1 },
	{ "1", "1e0", 1 },
	{ "-0.0", "0", 1 },
	{ "1.5", "1.50", 1 },
	{ "1", "\"1\"", 0 },
	{ "\"A\"", "\"\\u0041\"", 1 },
	{ "null", "false", 0 },
	{ "[1,2]", "[1, 2]", 1 },
	{ "\"a\"", "\"b\"", 0 },
};

START_TEST(test_key_encoding)
{
	char *a = key_of(key_rows[_i].a), *b = key_of(key_rows[_i].b);
	ck_assert_msg((strcmp(a, b) == 0) == key_rows[_i].equal,
	    "%s vs %s: '%s' '%s'", key_rows[_i].a, key_rows[_i].b, a, b);
	free(a);
	free(b);
}
END_TEST

static int
keep_even(st_entry *e, void *arg)
{
	(void)arg;
	return *(int64_t *)st_entry_payload(e) % 2 == 0;
}

START_TEST(test_table)
{
	st_table t;
	char k[32];
	int created;

	st_table_init(&t, sizeof(int64_t));
	for (int64_t i = 0; i < 100000; i++) {
		int n = snprintf(k, sizeof k, "key%lld", (long long)i);
		st_entry *e = st_table_upsert(&t, k, (size_t)n, &created);
		ck_assert_int_eq(created, 1);
		*(int64_t *)st_entry_payload(e) = i;
	}
	ck_assert_uint_eq(t.n, 100000);
	st_entry *e = st_table_upsert(&t, "key42", 5, &created);
	ck_assert_int_eq(created, 0);
	ck_assert_int_eq(*(int64_t *)st_entry_payload(e), 42);
	ck_assert_uint_eq(st_table_sweep(&t, keep_even, NULL, NULL), 50000);
	ck_assert_ptr_null(st_table_find(&t, "key41", 5));
	e = st_table_find(&t, "key40", 5);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(*(int64_t *)st_entry_payload(e), 40);
	/* Order of insertion survives a sweep (--max-keys relies on it). */
	for (size_t i = 1; i < t.n; i++)
		ck_assert(*(int64_t *)st_entry_payload(t.v[i - 1]) <
		    *(int64_t *)st_entry_payload(t.v[i]));
	/* Overhead per key (header, chunks, vector, index) stays small. */
	size_t per = (st_table_memory(&t) - t.key_bytes) / t.n - 8;
	ck_assert_msg(per <= 100, "%zu bytes per key", per);
	st_table_release(&t, NULL, NULL);
	ck_assert_uint_eq(t.n, 0);
}
END_TEST

static int
keep_above(st_entry *e, void *arg)
{
	return *(int64_t *)st_entry_payload(e) >= *(int64_t *)arg;
}

/* Keys of 1 to ~6700 bytes (some larger than a first chunk), removed
 * oldest first in steps: the entries kept slide down over the removed
 * ones, and every one is still found with its payload. */
START_TEST(test_table_compact)
{
	st_table t;
	st_buf k = ST_BUF_INIT;
	int created;
	int64_t lo = 0, next = 0;

	st_table_init(&t, sizeof(int64_t));
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 3000; i++, next++) {
			st_buf_reset(&k);
			st_buf_printf(&k, "%lld:", (long long)next);
			for (int64_t r = 0; r < (next * 7919) % 197; r++)
				st_buf_add(&k, next % 31 ? "x" :
				    "0123456789012345678901234567890123", next %
				    31 ? 1 : 34);
			st_entry *e = st_table_upsert(&t, k.data, k.len,
			    &created);
			ck_assert_int_eq(created, 1);
			*(int64_t *)st_entry_payload(e) = next;
		}
		lo += round % 3 ? 2500 : 100;
		size_t before = st_table_memory(&t);
		st_table_sweep(&t, keep_above, NULL, &lo);
		ck_assert_uint_eq(t.n, (size_t)(next - lo));
		ck_assert_uint_le(st_table_memory(&t), before);
		for (size_t i = 0; i < t.n; i++) {
			int64_t want = lo + (int64_t)i;
			st_entry *e = t.v[i];
			ck_assert_int_eq(*(int64_t *)st_entry_payload(e), want);
			ck_assert_ptr_eq(st_table_find(&t,
			    st_entry_key(&t, e), e->klen), e);
		}
	}
	lo = next;
	st_table_sweep(&t, keep_above, NULL, &lo);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_uint_eq(t.nchunks, 0);
	st_table_release(&t, NULL, NULL);
	st_buf_release(&k);
}
END_TEST

START_TEST(test_hll_accuracy)
{
	static const int ns[] = { 1, 10, 1000, 5000, 100000 };
	for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
		st_hll *h = st_hll_new();
		for (int i = 0; i < ns[k]; i++) {
			uint64_t x = (uint64_t)i * 2654435761u + k;
			st_hll_add(h, st_hash_bytes(&x, sizeof x));
			st_hll_add(h, st_hash_bytes(&x, sizeof x));
		}
		double err = (double)(st_hll_estimate(h) - ns[k]) / ns[k];
		ck_assert_msg(err < 0.03 && err > -0.03, "n %d: estimate %lld",
		    ns[k], (long long)st_hll_estimate(h));
		st_buf b = ST_BUF_INIT;
		st_hll_save(h, &b);
		st_hll *g = st_hll_load(b.data, b.len);
		ck_assert_ptr_nonnull(g);
		ck_assert_int_eq(st_hll_estimate(g), st_hll_estimate(h));
		st_hll_merge(g, h);
		ck_assert_int_eq(st_hll_estimate(g), st_hll_estimate(h));
		st_buf_release(&b);
		st_hll_free(g);
		st_hll_free(h);
	}
}
END_TEST

static void
feed(st_aggs *a, st_aslot *slots, const char *line)
{
	st_record r;
	st_record_init(&r);
	st_record_set_line(&r, line, strlen(line), 1);
	ck_assert_int_eq(st_record_scan(&r), 0);
	st_aggs_update(a, slots, &r);
	st_record_release(&r);
}

static char *
results(st_aggs *a, st_aslot *slots)
{
	st_buf b = ST_BUF_INIT;
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			st_buf_putc(&b, ' ');
		st_agg_result(&a->v[i], st_aggs_slot(a, slots, i), &b);
	}
	return st_buf_detach(&b, NULL);
}

START_TEST(test_aggs)
{
	st_aggs a = { 0 };
	char *err = NULL;
	ck_assert_int_eq(st_aggs_parse(&a, "count(*), count(x), sum(x), "
	    "avg(x), min(s), max(x), first(s), last(s), "
	    "approx_count_distinct(x) AS d, sum(case when s = 'b' then x else "
	    "0 end) AS sb", &err), 0);
	ck_assert_uint_eq(a.n, 10);
	ck_assert_str_eq(a.v[0].name, "count(1)");
	ck_assert_str_eq(a.v[2].name, "sum(x)");
	/* The slots as a group holds them: 8 bytes for the counts. */
	ck_assert_uint_lt(a.size, a.n * sizeof(st_aslot));
	st_aslot *s = calloc(1, a.size), *t = calloc(1, a.size);
	feed(&a, s, "{\"x\":1,\"s\":\"b\"}");
	feed(&a, s, "{\"x\":2.5,\"s\":\"a\"}");
	feed(&a, s, "{\"s\":\"c\"}");
	char *r = results(&a, s);
	ck_assert_str_eq(r, "3 2 3.5 1.75 \"a\" 2.5 \"b\" \"c\" 2 1");
	free(r);
	/* Save and load every slot: the same results. */
	for (size_t i = 0; i < a.n; i++) {
		st_buf b = ST_BUF_INIT;
		st_agg_save(&a.v[i], st_aggs_slot(&a, s, i), &b);
		ck_assert_int_eq(st_agg_load(&a.v[i], st_aggs_slot(&a, t, i),
		    b.data, b.len), 0);
		st_buf_release(&b);
	}
	r = results(&a, t);
	ck_assert_str_eq(r, "3 2 3.5 1.75 \"a\" 2.5 \"b\" \"c\" 2 1");
	free(r);
	/* Merging a later session: counts add, first stays, last moves. */
	for (size_t i = 0; i < a.n; i++)
		st_agg_clear(&a.v[i], st_aggs_slot(&a, t, i));
	feed(&a, t, "{\"x\":10,\"s\":\"z\"}");
	for (size_t i = 0; i < a.n; i++)
		st_agg_merge(&a.v[i], st_aggs_slot(&a, s, i),
		    st_aggs_slot(&a, t, i));
	r = results(&a, s);
	ck_assert_str_eq(r, "4 3 13.5 4.5 \"a\" 10 \"b\" \"z\" 3 1");
	free(r);
	for (size_t i = 0; i < a.n; i++) {
		st_agg_clear(&a.v[i], st_aggs_slot(&a, s, i));
		st_agg_clear(&a.v[i], st_aggs_slot(&a, t, i));
	}
	free(s);
	free(t);
	st_aggs_release(&a);
}
END_TEST

/* The aggregates of Spark's MaxMinBy, BoolAnd/BoolOr, CountIf, Product,
 * First/Last with ignoreNulls and the DISTINCT sum and avg: results,
 * each slot saved and loaded (also before any value), sessions merged
 * (src after dst: a tie goes to the later row, as MaxMinBy's merge), and
 * saved texts that do not fit refused. */
START_TEST(test_aggs_more)
{
	st_aggs a = { 0 };
	char *err = NULL;
	ck_assert_int_eq(st_aggs_parse(&a, "max_by(x, y) AS a, min_by(x, y) "
	    "AS b, bool_and(c) AS c, bool_or(c) AS d, count_if(c) AS e, "
	    "product(y) AS f, first(x, true) AS g, last(x, true) AS h, "
	    "sum(DISTINCT y) AS i, avg(DISTINCT y) AS j", &err), 0);
	ck_assert_uint_eq(a.nvals, 12);
	st_aslot *s = calloc(1, a.size), *t = calloc(1, a.size),
	    *u = calloc(1, a.size);
	const char *empty = "null null null null 0 null null null null null";
	char *r = results(&a, s);
	ck_assert_str_eq(r, empty);
	free(r);
	feed(&a, s, "{\"y\":2,\"c\":true}");
	feed(&a, s, "{\"x\":\"p\",\"y\":3,\"c\":\"false\"}");
	feed(&a, s, "{\"x\":\"q\",\"y\":2}");
	feed(&a, s, "{\"x\":\"r\",\"c\":true}");
	const char *want = "\"p\" \"q\" false true 2 12.0 \"p\" \"r\" 5 2.5";
	r = results(&a, s);
	ck_assert_str_eq(r, want);
	free(r);
	for (size_t i = 0; i < a.n; i++) {
		st_buf b = ST_BUF_INIT;
		st_agg_save(&a.v[i], st_aggs_slot(&a, u, i), &b);
		ck_assert_int_eq(st_agg_load(&a.v[i], st_aggs_slot(&a, t, i),
		    b.data, b.len), 0);
		st_buf_reset(&b);
		st_agg_clear(&a.v[i], st_aggs_slot(&a, t, i));
		st_agg_save(&a.v[i], st_aggs_slot(&a, s, i), &b);
		ck_assert_int_eq(st_agg_load(&a.v[i], st_aggs_slot(&a, t, i),
		    b.data, b.len), 0);
		st_buf_release(&b);
	}
	r = results(&a, t);
	ck_assert_str_eq(r, want);
	free(r);
	r = results(&a, u);
	ck_assert_str_eq(r, empty);
	free(r);
	for (size_t i = 0; i < a.n; i++)
		st_agg_clear(&a.v[i], st_aggs_slot(&a, t, i));
	feed(&a, t, "{\"x\":\"z\",\"y\":3,\"c\":true}");
	for (size_t i = 0; i < a.n; i++)
		st_agg_merge(&a.v[i], st_aggs_slot(&a, s, i),
		    st_aggs_slot(&a, t, i));
	r = results(&a, s);
	ck_assert_str_eq(r, "\"z\" \"q\" false true 3 36.0 \"p\" \"z\" 5 2.5");
	free(r);
	static const struct {
		size_t slot;
		const char *text;
	} bad[] = {
		{ 0, "[[]]" }, { 0, "[[], [3, 1]]" }, { 0, "[[5,\"x\"],[]]" },
		{ 0, "7" }, { 2, "1" }, { 2, "[]" }, { 4, "true" },
		{ 5, "[1,2]" }, { 5, "null" }, { 8, "{}" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		st_aslot *x = st_aggs_slot(&a, u, bad[i].slot);
		ck_assert_msg(st_agg_load(&a.v[bad[i].slot], x, bad[i].text,
		    strlen(bad[i].text)) == -1, "%s", bad[i].text);
		st_agg_clear(&a.v[bad[i].slot], x);
	}
	for (size_t i = 0; i < a.n; i++) {
		st_agg_clear(&a.v[i], st_aggs_slot(&a, s, i));
		st_agg_clear(&a.v[i], st_aggs_slot(&a, t, i));
		st_agg_clear(&a.v[i], st_aggs_slot(&a, u, i));
	}
	free(s);
	free(t);
	free(u);
	st_aggs_release(&a);
}
END_TEST

START_TEST(test_aggs_errors)
{
	st_aggs a = { 0 };
	char *err = NULL;
	ck_assert_int_eq(st_aggs_parse(&a, "upper(x)", &err), -1);
	ck_assert_str_eq(err, "'upper(x)' is not an aggregate (known: count, "
	    "sum, avg, min, max, first, last, first_value, last_value, "
	    "any_value, max_by, min_by, bool_and, every, bool_or, some, any, "
	    "count_if, product, approx_count_distinct, collect_list, "
	    "collect_set, stddev, stddev_samp, stddev_pop, variance, var_samp, "
	    "var_pop, percentile_approx, median)");
	free(err);
	ck_assert_int_eq(st_aggs_parse(&a, "max(DISTINCT x)", &err), -1);
	ck_assert_str_eq(err, "'max(DISTINCT x)': of the DISTINCT aggregates "
	    "only count(DISTINCT x), sum(DISTINCT x) and avg(DISTINCT x) are "
	    "supported (or use approx_count_distinct)");
	free(err);
	ck_assert_int_eq(st_aggs_parse(&a, "max_by(x)", &err), -1);
	ck_assert_str_eq(err, "'max_by(x)' takes two arguments (a value and "
	    "its ordering)");
	free(err);
	ck_assert_int_eq(st_aggs_parse(&a, "first(x, y)", &err), -1);
	ck_assert_str_eq(err, "'first(x, y)': the second argument "
	    "(ignoreNulls) must be a boolean literal");
	free(err);
	ck_assert_int_eq(st_aggs_parse(&a, "count_if(x, y)", &err), -1);
	ck_assert_str_eq(err, "'count_if(x, y)' takes one argument");
	free(err);
	ck_assert_int_eq(st_aggs_parse(&a, "percentile_approx(x, 2)", &err),
	    -1);
	ck_assert_str_eq(err, "'percentile_approx(x, 2)': the percentage must "
	    "be between 0.0 and 1.0");
	free(err);
	ck_assert_int_eq(st_aggs_parse(&a, "sum(x), sum(x)", &err), -1);
	ck_assert_str_eq(err, "two aggregates are named 'sum(x)' (use AS to "
	    "name them apart)");
	free(err);
	st_aggs_release(&a);
}
END_TEST

/* Items over aggregates: slots for each aggregate call, outputs
 * evaluated over the slots and the group's keys. */
START_TEST(test_aggs_outputs)
{
	st_aggs a = { 0 };
	char *err = NULL;
	static const char *const keys[] = { "K" };
	ck_assert_int_eq(st_aggs_parse_keys(&a, "sum(x) / count(x) AS r, "
	    "count(*) * 2, k, round(avg(x), 1) AS v, max(x)", keys, 1, &err),
	    0);
	ck_assert_uint_eq(a.n, 5);
	ck_assert_uint_eq(a.nout, 5);
	ck_assert(!st_aggs_plain(&a));
	ck_assert_str_eq(a.v[0].name, "sum(x)");
	ck_assert_str_eq(a.out[1].name, "(count(1) * 2)");
	ck_assert_ptr_null(a.out[4].expr);
	ck_assert_uint_eq(a.out[4].slot, 4);
	st_aslot *s = calloc(1, a.size);
	feed(&a, s, "{\"x\":1}");
	feed(&a, s, "{\"x\":4}");
	st_field kv = { 0 };
	kv.val = "\"g\"";
	kv.vlen = 3;
	kv.type = ST_J_STRING;
	st_buf b = ST_BUF_INIT;
	for (size_t i = 0; i < a.nout; i++) {
		if (i)
			st_buf_putc(&b, ' ');
		st_aggs_put(&a, s, i, &kv, &b);
	}
	ck_assert_str_eq(b.data, "2.5 4 \"g\" 2.5 4");
	st_buf_release(&b);
	for (size_t i = 0; i < a.n; i++)
		st_agg_clear(&a.v[i], st_aggs_slot(&a, s, i));
	free(s);
	/* A plain list keeps its slots as outputs. */
	ck_assert_int_eq(st_aggs_parse(&a, "sum(x) AS t, count(*)", &err), 0);
	ck_assert(st_aggs_plain(&a));
	/* Refused: a nested aggregate, a column that is not a key. */
	ck_assert_int_eq(st_aggs_parse(&a, "sum(avg(x))", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "it is not allowed to use an "
	    "aggregate function in the argument of another aggregate "
	    "function"));
	free(err);
	ck_assert_int_eq(st_aggs_parse_keys(&a, "y + sum(x)", keys, 1, &err),
	    -1);
	ck_assert_str_eq(err, "'(y + sum(x))': the non-aggregating expression "
	    "'y' is based on columns which are not participating in the "
	    "GROUP BY clause (add them to the keys, or aggregate the "
	    "expression, e.g. first(y))");
	free(err);
	st_aggs_release(&a);
}
END_TEST

/*
 * A restart may change --agg where the state does not depend on it:
 * output expressions and names over the same slots, as Spark's
 * StateSchemaCompatibilityCheckerSuite "changing the name of field in
 * value should be allowed"; other slots are refused ("adding field to
 * value should fail", "removing field from value should fail", "changing
 * the type of field in value should fail"). Each row is checked against
 * a checkpoint with aggCalls and against one of an older st (the "agg"
 * text alone).
 */
static const struct {
	const char *was, *now;
	int evolves;
} evolve_rows[] = {
	{ "sum(x) AS total", "sum(x) AS amount", 1 },
	{ "count(*) * 10 AS n", "count(*) * 2 AS n", 1 },
	{ "count(*) AS n", "count(*) * 2 AS n", 1 },
	{ "round(avg(x), 4) AS m, count(*)", "avg(x) AS mean, count(*) AS n",
	    1 },
	{ "sum(a) / count(b) AS r", "sum(a) AS s, count(b) AS c", 1 },
	{ "percentile_approx(x, 0.5) AS p, max(x)",
	    "percentile_approx(x, 0.5, 10000) AS q, max(x) + 1 AS m", 1 },
	{ "count(*) AS n", "count(1) AS n", 1 },
	{ "count(1) * 2 AS n, max(x)", "count(*) AS n, max(x)", 1 },
	{ "count(*) AS n", "count(x) AS n", 0 },
	{ "count(x) AS n", "count(1) AS n", 0 },
	{ "count(*) AS total", "sum(x) AS total", 0 },
	{ "sum(x) AS total", "sum(y) AS total", 0 },
	{ "sum(x) AS a, count(*) AS b", "sum(x) AS a", 0 },
	{ "sum(x) AS a", "sum(x) AS a, count(*) AS b", 0 },
	{ "sum(x) AS s, count(*) AS n", "count(*) AS n, sum(x) AS s", 0 },
	{ "percentile_approx(x, 0.5) AS p", "percentile_approx(x, 0.9) AS p",
	    0 },
	{ "percentile_approx(x, 0.5) AS p",
	    "percentile_approx(x, 0.5, 100) AS p", 0 },
	{ "count(x) AS n", "count(DISTINCT x) AS n", 0 },
	{ "sum(x) AS n", "sum(DISTINCT x) AS n", 0 },
	{ "first(x) AS f", "first_value(x, false) AS v", 1 },
	{ "first(x) AS f", "first(x, true) AS f", 0 },
	{ "every(b) AS e, max_by(x, y)", "bool_and(b), max_by(x, y) AS m",
	    1 },
	{ "max_by(x, y) AS m", "max_by(x, z) AS m", 0 },
	{ "max_by(x, y) AS m", "min_by(x, y) AS m", 0 },
	{ "some(b) AS e", "any(b) AS e", 1 },
};

/* aggCalls tells apart what Spark's default names (the "agg" text) do
 * not: a string literal and a column spelled alike. */
START_TEST(test_aggs_exact_calls)
{
	st_aggs a = { 0 }, w = { 0 };
	char *err = NULL;
	json_t *was = json_object(), *now = json_object();
	ck_assert_int_eq(st_aggs_parse(&w, "sum(CASE WHEN t = 'BUY' THEN x "
	    "ELSE 0 END) AS s, max(`a b`.c) AS m", &err), 0);
	ck_assert_int_eq(st_aggs_parse(&a, "sum(CASE WHEN t = BUY THEN x "
	    "ELSE 0 END) AS s, max(`a b`.c) AS m", &err), 0);
	st_aggs_describe(&w, was);
	st_aggs_describe(&a, now);
	ck_assert(json_equal(json_object_get(was, "agg"),
	    json_object_get(now, "agg")));
	char *t = json_dumps(json_object_get(was, "aggCalls"), JSON_COMPACT);
	ck_assert_str_eq(t, "[\"sum(CASE WHEN (`t` = 'BUY') THEN `x` ELSE 0 "
	    "END)\",\"max(`a b`.`c`)\"]");
	free(t);
	ck_assert(!st_aggs_evolves(&a, "aggCalls", was, now));
	ck_assert(!st_aggs_evolves(&a, "agg", was, now));
	json_decref(was);
	json_decref(now);
	st_aggs_release(&w);
	st_aggs_release(&a);
}
END_TEST

START_TEST(test_aggs_evolves)
{
	for (size_t i = 0; i < sizeof evolve_rows / sizeof *evolve_rows;
	    i++) {
		st_aggs a = { 0 }, w = { 0 };
		char *err = NULL;
		json_t *was = json_object(), *now = json_object();
		ck_assert_int_eq(st_aggs_parse(&w, evolve_rows[i].was, &err),
		    0);
		ck_assert_int_eq(st_aggs_parse(&a, evolve_rows[i].now, &err),
		    0);
		st_aggs_describe(&w, was);
		st_aggs_describe(&a, now);
		ck_assert_msg(st_aggs_evolves(&a, "agg", was, now) ==
		    evolve_rows[i].evolves, "row %zu", i);
		ck_assert(st_aggs_evolves(&a, "aggCalls", was, now));
		ck_assert(st_aggs_evolves(&a, "aggSlots", was, now));
		ck_assert(!st_aggs_evolves(&a, "by", was, now));
		/* The checkpoint of an st before aggCalls. */
		json_object_del(was, "aggCalls");
		ck_assert_msg(st_aggs_evolves(&a, "agg", was, now) ==
		    evolve_rows[i].evolves, "row %zu (agg text)", i);
		ck_assert(st_aggs_evolves(&a, "aggCalls", was, now));
		json_decref(was);
		json_decref(now);
		st_aggs_release(&w);
		st_aggs_release(&a);
	}
}
END_TEST

/* percentile_approx's summary saved and loaded: the same answers, and
 * the same after more values (Spark's serialised digest). */
START_TEST(test_percentile_state)
{
	st_aggs a = { 0 };
	char *err = NULL;
	char line[64];
	ck_assert_int_eq(st_aggs_parse(&a, "percentile_approx(x, array(0.1, "
	    "0.5, 0.9), 100) AS p", &err), 0);
	st_aslot *s = calloc(1, a.size), *t = calloc(1, a.size);
	for (int i = 0; i < 3000; i++) {
		snprintf(line, sizeof line, "{\"x\":%d}", (i * 7919) % 3001);
		feed(&a, s, line);
	}
	st_buf b = ST_BUF_INIT;
	st_agg_save(&a.v[0], st_aggs_slot(&a, s, 0), &b);
	ck_assert_int_eq(st_agg_load(&a.v[0], st_aggs_slot(&a, t, 0), b.data,
	    b.len), 0);
	st_buf_release(&b);
	st_aggs_begin_batch(&a);
	for (int i = 0; i < 50; i++) {
		snprintf(line, sizeof line, "{\"x\":%d}", i * 13);
		feed(&a, s, line);
		feed(&a, t, line);
	}
	char *r1 = results(&a, s), *r2 = results(&a, t);
	ck_assert_str_eq(r1, r2);
	free(r1);
	free(r2);
	/* Not a summary: refused, and nothing kept. */
	st_agg_clear(&a.v[0], st_aggs_slot(&a, t, 0));
	ck_assert_int_eq(st_agg_load(&a.v[0], st_aggs_slot(&a, t, 0),
	    "[0,2,[[5.0,1,0],[1.0,1,0]]]", 27), -1);
	st_agg_clear(&a.v[0], st_aggs_slot(&a, s, 0));
	st_agg_clear(&a.v[0], st_aggs_slot(&a, t, 0));
	free(s);
	free(t);
	st_aggs_release(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_key_encoding, 0,
	    sizeof key_rows / sizeof *key_rows);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_table_compact);
	tcase_add_test(tc, test_hll_accuracy);
	tcase_add_test(tc, test_aggs);
	tcase_add_test(tc, test_aggs_errors);
	tcase_add_test(tc, test_aggs_more);
	tcase_add_test(tc, test_aggs_outputs);
	tcase_add_test(tc, test_aggs_exact_calls);
	tcase_add_test(tc, test_aggs_evolves);
	tcase_add_test(tc, test_percentile_state);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
