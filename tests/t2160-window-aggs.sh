#!/bin/sh
test_description='st-window aggregates: collect_list/set, stddev, variance, percentile_approx, median, count(DISTINCT), as Spark documents them'
. "$(dirname "$0")/lib.sh"

col() { for _v in "$@"; do printf '{"col":%s}\n' "$_v"; done; }
batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}

# The examples of Spark's SQL function reference (sql-ref-functions-builtin,
# "Aggregate Functions"): SELECT f(col) FROM VALUES ... AS tab(col).
test_expect_success 'collect_list and collect_set (VALUES (1), (2), (1))' '
	col 1 2 1 null | st-window -a "collect_list(col) AS l, collect_set(col) AS s" >actual &&
	echo "{\"l\":[1,2,1],\"s\":[1,2]}" >expect &&
	test_cmp expect actual
'

test_expect_success 'stddev, stddev_samp, stddev_pop (VALUES (1), (2), (3))' '
	col 1 2 3 | st-window -a "stddev(col) AS a, stddev_samp(col) AS b, stddev_pop(col) AS c" | jq -c "[.a, .b, (.c * 1e15 | round)]" >actual &&
	echo "[1,1,816496580927726]" >expect &&
	test_cmp expect actual
'

test_expect_success 'variance, var_samp, var_pop (VALUES (1), (2), (3))' '
	col 1 2 3 | st-window -a "variance(col) AS a, var_samp(col) AS b, var_pop(col) AS c" | jq -c "[.a, .b, (.c * 1e15 | round)]" >actual &&
	echo "[1,1,666666666666667]" >expect &&
	test_cmp expect actual
'

# Spark 3: the sample statistics of one value are null, not NaN.
test_expect_success 'stddev_samp and var_samp of one value are null; of none, all null' '
	col 5 | st-window -a "stddev(col) AS a, var_samp(col) AS b, stddev_pop(col) AS c, var_pop(col) AS d" >actual &&
	echo "{\"a\":null,\"b\":null,\"c\":0.0,\"d\":0.0}" >expect &&
	test_cmp expect actual &&
	col null | st-window -a "stddev(col) AS a, var_pop(col) AS b, median(col) AS m, percentile_approx(col, 0.5) AS p" >actual &&
	echo "{\"a\":null,\"b\":null,\"m\":null,\"p\":null}" >expect &&
	test_cmp expect actual
'

test_expect_success 'percentile_approx (Spark examples)' '
	col 0 1 2 10 | st-window -a "percentile_approx(col, array(0.5, 0.4, 0.1), 100) AS p" >actual &&
	echo "{\"p\":[1,1,0]}" >expect &&
	test_cmp expect actual &&
	col 0 6 7 9 10 | st-window -a "percentile_approx(col, 0.5, 100) AS p" >actual &&
	echo "{\"p\":7}" >expect &&
	test_cmp expect actual
'

test_expect_success 'percentile_approx refuses a percentage out of [0, 1]' '
	test_expect_code 2 st-window -a "percentile_approx(col, 1.5) AS p" </dev/null 2>err &&
	grep "the percentage must be between 0.0 and 1.0" err
'

test_expect_success 'median (VALUES (0), (10)) is 5.0; of 1..4, 2.5' '
	col 0 10 | st-window -a "median(col) AS m" >actual &&
	echo "{\"m\":5.0}" >expect &&
	test_cmp expect actual &&
	col 4 1 3 2 | st-window -a "median(col) AS m" >actual &&
	echo "{\"m\":2.5}" >expect &&
	test_cmp expect actual
'

test_expect_success 'percentile_approx over many values stays within its accuracy' '
	seq 1 50000 | sed "s/.*/{\"col\":&}/" |
	st-window -a "percentile_approx(col, array(0.25, 0.5, 0.99), 1000) AS p, median(col) AS m" >out &&
	jq -e ".p[0] >= 12400 and .p[0] <= 12600 and .p[1] >= 24900 and .p[1] <= 25100 and .p[2] >= 49400 and .p[2] <= 49600 and .m >= 24900 and .m <= 25100" out
'

# count(DISTINCT col): Spark's example VALUES (NULL), (5), (5), (10) -> 2.
# Spark refuses distinct aggregations on streams; st takes them on input
# without control lines (a batch job) and refuses them on a stream.
test_expect_success 'count(DISTINCT col) on a batch; refused on a stream' '
	col null 5 5 10 | st-window -a "count(DISTINCT col), count(*) AS n, count(col) AS c" >actual &&
	echo "{\"count(DISTINCT col)\":2,\"n\":4,\"c\":3}" >expect &&
	test_cmp expect actual &&
	{ batch 0 "{\"col\":1}"; eos; } | test_expect_code 2 st-window -a "count(DISTINCT col) AS d" >out 2>err &&
	only_abort out st-window &&
	grep "^st-window: distinct aggregations are not supported on streams" err
'

test_expect_success 'by key, and checkpointed across a restart like the others' '
	A="collect_list(col) AS l, collect_set(col) AS s, stddev_pop(col) AS sd, var_samp(col) AS v, percentile_approx(col, 0.5) AS p, median(col) AS m" &&
	{ batch 0 "{\"k\":\"a\",\"col\":1}" "{\"k\":\"a\",\"col\":3}" "{\"k\":\"b\",\"col\":2}"; eos; } |
	st-window --checkpoint C -b k -a "$A" -m complete >/dev/null &&
	{ batch 1 "{\"k\":\"a\",\"col\":3}" "{\"k\":\"a\",\"col\":5}" "{\"k\":\"b\",\"col\":2.5}"; eos; } |
	st-window --checkpoint C -b k -a "$A" -m complete | grep -v "^{\"@st\"" >restarted &&
	{ batch 0 "{\"k\":\"a\",\"col\":1}" "{\"k\":\"a\",\"col\":3}" "{\"k\":\"b\",\"col\":2}"
	  batch 1 "{\"k\":\"a\",\"col\":3}" "{\"k\":\"a\",\"col\":5}" "{\"k\":\"b\",\"col\":2.5}"; eos; } |
	st-window -b k -a "$A" -m complete | grep -v "^{\"@st\"" | tail -n 2 >once &&
	test_cmp once restarted &&
	cat >expect <<-\EOT &&
	{"k":"a","l":[1,3,3,5],"s":[1,3,5],"sd":1.4142135623730951,"v":2.6666666666666665,"p":3,"m":3.0}
	{"k":"b","l":[2,2.5],"s":[2,2.5],"sd":0.25,"v":0.125,"p":2.0,"m":2.25}
	EOT
	test_cmp expect restarted
'

# Aggregates inside expressions. Spark's DataFrameAggregateSuite groups
# testData2 = (1,1), (1,2), (2,1), (2,2), (3,1), (3,2) AS (a, b) by a; an
# agg() item may be any expression over aggregates and grouping keys, named
# as Spark names it (Alias-less: the expression's SQL text).
td2() { for _r in 1,1 1,2 2,1 2,2 3,1 3,2; do printf '{"a":%s,"b":%s}\n' "${_r%,*}" "${_r#*,}"; done; }
test_expect_success 'expressions over aggregates (testData2 grouped by a)' '
	td2 | st-window -b a -a "sum(b) / count(b), count(*) * 2 AS twice, round(avg(b), 4), coalesce(max(b), 0), CAST(avg(b) AS INT), sum(a * b), a + sum(b) AS k" >actual &&
	cat >expect <<-\EOT &&
	{"a":1,"(sum(b) / count(b))":1.5,"twice":4,"round(avg(b), 4)":1.5,"coalesce(max(b), 0)":2,"CAST(avg(b) AS INT)":1,"sum((a * b))":3,"k":4}
	{"a":2,"(sum(b) / count(b))":1.5,"twice":4,"round(avg(b), 4)":1.5,"coalesce(max(b), 0)":2,"CAST(avg(b) AS INT)":1,"sum((a * b))":6,"k":5}
	{"a":3,"(sum(b) / count(b))":1.5,"twice":4,"round(avg(b), 4)":1.5,"coalesce(max(b), 0)":2,"CAST(avg(b) AS INT)":1,"sum((a * b))":9,"k":6}
	EOT
	test_cmp expect actual
'

# Spark's sql-tests group-by.sql testData: (1,1), (1,2), (2,1), (2,2),
# (3,1), (3,2), (null,1), (3,null), (null,null) AS testData(a, b); a
# global aggregate (no GROUP BY) is one row.
tdn() { for _r in 1,1 1,2 2,1 2,2 3,1 3,2 null,1 3,null null,null; do printf '{"a":%s,"b":%s}\n' "${_r%,*}" "${_r#*,}"; done; }
test_expect_success 'expressions over aggregates with nulls, keyless (group-by.sql testData)' '
	tdn | st-window -a "count(a) + count(b) AS n, max(a) - min(a) AS r, sum(a) / count(*) AS q, 1 AS one" >actual &&
	echo "{\"n\":14,\"r\":2,\"q\":1.6666666666666667,\"one\":1}" >expect &&
	test_cmp expect actual
'

# Spark's AnalysisErrorSuite "nested aggregate functions"
# (NESTED_AGGREGATE_FUNCTION) and group-by.sql's "SELECT a, COUNT(b) FROM
# testData GROUP BY b" (MISSING_AGGREGATION): refused before any row.
test_expect_success 'a nested aggregate and a column outside aggregates are refused' '
	tdn | test_expect_code 2 st-window -a "max(count(1))" >out 2>err &&
	grep "^st-window: --agg: invalid expression at column 5: aggregate function .count.: it is not allowed to use an aggregate function in the argument of another aggregate function" err &&
	tdn | test_expect_code 2 st-window -b b -a "a + count(b)" >out 2>err &&
	grep "^st-window: --agg: .(a + count(b)).: the non-aggregating expression .a. is based on columns which are not participating in the GROUP BY clause" err &&
	tdn | test_expect_code 2 st-window -b b -a "a" >out 2>err &&
	grep "^st-window: --agg: .a. is not an aggregate" err
'

test_expect_success 'expressions over aggregates are checkpointed and restart-safe' '
	A="sum(b) / count(b) AS r, count(*) * 10 AS n, round(stddev_pop(b), 3)" &&
	{ batch 0 "{\"a\":1,\"b\":1}" "{\"a\":1,\"b\":4}"; eos; } |
	st-window --checkpoint C2 -b a -a "$A" -m update >/dev/null &&
	{ batch 1 "{\"a\":1,\"b\":7}"; eos; } |
	st-window --checkpoint C2 -b a -a "$A" -m update | grep -v "^{\"@st\"" >actual &&
	echo "{\"a\":1,\"r\":4.0,\"n\":30,\"round(stddev_pop(b), 3)\":2.449}" >expect &&
	test_cmp expect actual &&
	{ batch 2 "{\"a\":1,\"b\":1}"; eos; } |
	test_expect_code 1 st-window --checkpoint C2 -b a -a "sum(b) / count(b) AS r, count(*) * 2 AS n, round(stddev_pop(b), 3)" -m update >out 2>err &&
	grep "holds the state of a different query" err
'

test_expect_success 'st-running: expressions over running aggregates' '
	td2 | st-running -b a -a "sum(b) * 10 AS s, a + count(*) AS c" | jq -c "[.a, .s, .c]" >actual &&
	printf "%s\n" "[1,10,2]" "[1,30,3]" "[2,10,3]" "[2,30,4]" "[3,10,4]" "[3,30,5]" >expect &&
	test_cmp expect actual
'

test_done
