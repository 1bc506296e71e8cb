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

test_done
