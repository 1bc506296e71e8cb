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

# Spark's ApproximatePercentileQuerySuite, over (1 to 1000) and (1 to 10):
# "single percentile value", "array of percentile value", "the first
# element satisfies small percentages", and the fusion test's range(10).
test_expect_success 'percentile_approx: ApproximatePercentileQuerySuite oracles' '
	seq 1 1000 | sed "s/.*/{\"col\":&}/" |
	st-window -a "percentile_approx(col, 0.25) AS a, percentile_approx(col, 0.5) AS b, percentile_approx(col, 0.75D) AS c, percentile_approx(col, 0.0) AS d, percentile_approx(col, 1.0) AS e, percentile_approx(col, 0) AS f, percentile_approx(col, 1) AS g" >actual &&
	echo "{\"a\":250,\"b\":500,\"c\":750,\"d\":1,\"e\":1000,\"f\":1,\"g\":1000}" >expect &&
	test_cmp expect actual &&
	seq 1 1000 | sed "s/.*/{\"col\":&}/" |
	st-window -a "percentile_approx(col, array(0.25, 0.5, 0.75D)) AS p, count(col) AS n, percentile_approx(col, array(0.0, 1.0)) AS q, sum(col) AS s" >actual &&
	echo "{\"p\":[250,500,750],\"n\":1000,\"q\":[1,1000],\"s\":500500}" >expect &&
	test_cmp expect actual &&
	seq 1 10 | sed "s/.*/{\"col\":&}/" | st-window -a "percentile_approx(col, array(0.01, 0.1, 0.11)) AS p" >actual &&
	echo "{\"p\":[1,1,2]}" >expect &&
	test_cmp expect actual &&
	seq 0 9 | sed "s/.*/{\"id\":&}/" | st-window -a "percentile_approx(id, 0.5D) AS a, percentile_approx(id, 0.9D) AS b" >actual &&
	echo "{\"a\":4,\"b\":8}" >expect &&
	test_cmp expect actual
'

# The suite's "different column types": dates and timestamps from the
# days and microseconds 1 to 1000 keep their type (Spark casts the double
# result back to the input's type).
test_expect_success 'percentile_approx: dates and timestamps (ApproximatePercentileQuerySuite)' '
	seq 1 1000 | sed "s/.*/{\"d\":&}/" |
	st-window -a "percentile_approx(date_add(DATE '"'"'1970-01-01'"'"', d), array(0.25, 0.5, 0.75D)) AS cdate, percentile_approx(timestamp_micros(d), array(0.25, 0.5, 0.75D)) AS cts" >actual &&
	echo "{\"cdate\":[\"1970-09-08\",\"1971-05-16\",\"1972-01-21\"],\"cts\":[\"1970-01-01T00:00:00.000250Z\",\"1970-01-01T00:00:00.000500Z\",\"1970-01-01T00:00:00.000750Z\"]}" >expect &&
	test_cmp expect actual
'

# The suite's "input rows contains null, with group by": (v % 2, v) for v
# in 1 to 1000, each followed by a (null, null) row.
test_expect_success 'percentile_approx: nulls, with group by (ApproximatePercentileQuerySuite)' '
	seq 1 1000 | awk "{ printf \"{\\\"key\\\":%d,\\\"value\\\":%d}\\n{\\\"key\\\":null,\\\"value\\\":null}\\n\", \$1 % 2, \$1 }" |
	st-window -b key -a "percentile_approx(value, 0.5) AS p, sum(value) AS s, percentile_approx(value, 0.5) AS q" >actual &&
	cat >expect <<-\EOT &&
	{"key":null,"p":null,"s":null,"q":null}
	{"key":0,"p":500,"s":250500,"q":500}
	{"key":1,"p":499,"s":250000,"q":499}
	EOT
	test_cmp expect actual
'

# The suite's "with different accuracies": over 1 to 1000, the error of
# percentile_approx(col, p/1000, accuracy) is at most floor(1000/accuracy).
test_expect_success 'percentile_approx: error within 1000/accuracy (ApproximatePercentileQuerySuite)' '
	for acc in 1 10 100 1000 10000; do
		seq 1 1000 | sed "s/.*/{\"col\":&}/" |
		st-window -a "percentile_approx(col, array(0.1, 0.2, 0.25, 0.314, 0.777), $acc) AS p" |
		jq -e --argjson acc $acc "[.p, [100, 200, 250, 314, 777]] | transpose | all(((.[0] - .[1]) | fabs) <= ((1000 / \$acc) | floor))" >/dev/null || return 1
	done
'

# Beyond the documentation's examples, where Greenwald-Khanna's summary
# shows: 100000 values in one batch. The oracle is Spark's algorithm
# (QuantileSummaries.scala: head buffer of 50000, compressThreshold 10000,
# relativeError 1/10000) run by a line-by-line transliteration of the
# Scala source, not by st's code; the exact ranks would be 10000, 25000,
# 77000, 90000, 99000.
test_expect_success 'percentile_approx: QuantileSummaries over 100000 values' '
	seq 1 100000 | sed "s/.*/{\"col\":&}/" |
	st-window -a "percentile_approx(col, array(0.001, 0.1, 0.25, 0.5, 0.77, 0.9, 0.99, 0.9999)) AS p, percentile_approx(col, array(0.25, 0.5, 0.99), 1000) AS q, median(col) AS m" >actual &&
	echo "{\"p\":[100,10003,24998,50000,76990,89991,98990,100000],\"q\":[25037,50000,98901],\"m\":50000.5}" >expect &&
	test_cmp expect actual
'

# Each batch is a partial digest merged into the state at its end (Spark's
# partial aggregate, then StateStoreRestore's buffer merged with it), and
# the state is the compressed summary: three batches of 40000 interleaved
# values (1, 4, 7, ...; 2, 5, ...; 3, 6, ...) give other values than one
# batch of all of them. Oracle: the transliteration, as above.
test_expect_success 'percentile_approx: merged per batch, checkpointed, restart-safe' '
	A="percentile_approx(col, array(0.1, 0.5, 0.9)) AS p" &&
	for i in 0 1 2; do
		{ printf "{\"@st\":\"begin\",\"batch\":%s,\"ts\":0}\n" $i
		  seq $((i + 1)) 3 120000 | sed "s/.*/{\"k\":1,\"col\":&}/"
		  printf "{\"@st\":\"end\",\"batch\":%s}\n" $i; } >b$i || return 1
	done &&
	for i in 0 1 2; do
		{ cat b$i; eos; } | st-window --checkpoint CP -b k -a "$A" -m complete | grep -v "^{\"@st\"" >>restarted || return 1
	done &&
	cat >expect <<-\EOT &&
	{"k":1,"p":[11998,59992,107986]}
	{"k":1,"p":[11998,59992,107987]}
	{"k":1,"p":[11999,59993,107988]}
	EOT
	test_cmp expect restarted &&
	{ cat b0 b1 b2; eos; } | st-window -b k -a "$A" -m complete | grep -v "^{\"@st\"" >once &&
	test_cmp expect once &&
	{ printf "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}\n"; cat b0 b1 b2 | grep -v "^{\"@st\""; printf "{\"@st\":\"end\",\"batch\":0}\n"; eos; } |
	st-window -b k -a "$A" -m complete | grep -v "^{\"@st\"" >onebatch &&
	echo "{\"k\":1,\"p\":[11993,59992,108001]}" >expect &&
	test_cmp expect onebatch &&
	test "$(wc -c <CP/state/st-window/2)" -lt 1000000
'

# A state saved before Spark's algorithm ([nonint, [[value, weight], ...]]
# points) is read as a summary of the same values.
test_expect_success 'percentile_approx: a state of the former format is still read' '
	{ batch 0 "{\"k\":1,\"col\":5}"; eos; } | st-window --checkpoint OLD -b k -a "percentile_approx(col, 0.5) AS p, median(col) AS m" -m complete >/dev/null &&
	printf "%s\n" "{\"format\":\"st-window/1\",\"rows\":1}" "[0,0,[1],[[0,[[5.0,1],[1.0,1],[3.0,1]]],[0,[[1.0,1],[5.0,1],[3.0,1]]]]]" |
	ckpt_write OLD/state/st-window/0 &&
	{ batch 1 "{\"k\":1,\"col\":7}"; eos; } | st-window --checkpoint OLD -b k -a "percentile_approx(col, 0.5) AS p, median(col) AS m" -m complete | grep -v "^{\"@st\"" >actual &&
	echo "{\"k\":1,\"p\":3,\"m\":4.0}" >expect &&
	test_cmp expect actual
'

# Spark's median is percentile(col, 0.5), exact (percentiles.sql,
# SPARK-39320): aggr(k, v) = (0, 0), (0, 10), (0, 20), (0, 30), (0, 40),
# (1, 10), (1, 20), (2, 10), (2, 20), (2, 25), (2, 30), (3, 60), (4, null).
test_expect_success 'median: exact, as percentiles.sql' '
	for r in 0,0 0,10 0,20 0,30 0,40 1,10 1,20 2,10 2,20 2,25 2,30 3,60 4,null; do
		printf "{\"k\":%s,\"v\":%s}\n" "${r%,*}" "${r#*,}"
	done >aggr &&
	st-window -a "median(v) AS m" <aggr >actual &&
	echo "{\"m\":20.0}" >expect &&
	test_cmp expect actual &&
	st-window -b k -a "median(v) AS m" <aggr >actual &&
	cat >expect <<-\EOT &&
	{"k":0,"m":20.0}
	{"k":1,"m":15.0}
	{"k":2,"m":22.5}
	{"k":3,"m":60.0}
	{"k":4,"m":null}
	EOT
	test_cmp expect actual
'

# st-running keeps one digest over the rows so far, queried after each
# row: Spark's percentile_approx(value, 0.5) OVER (PARTITION BY key ORDER
# BY value ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), the suite's
# "works in window function" over (v % 2, v) for v in 1 to 10.
test_expect_success 'st-running: percentile_approx as a running window function' '
	seq 1 10 | awk "{ printf \"{\\\"key\\\":%d,\\\"value\\\":%d}\\n\", \$1 % 2, \$1 }" |
	st-running -b key -a "percentile_approx(value, 0.5) AS p" | jq -r "\"\(.key) \(.p)\"" | sort -n -k1,1 -s >actual &&
	printf "%s\n" "0 2" "0 2" "0 4" "0 4" "0 6" "1 1" "1 1" "1 3" "1 3" "1 5" >expect &&
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

# On restart another argument (count(a) for count(b)) is refused; the
# expressions over the same aggregate calls and their names may change, as
# Spark's state is the aggregation buffers (t0710).
test_expect_success 'expressions over aggregates are checkpointed and restart-safe' '
	A="sum(b) / count(b) AS r, count(*) * 10 AS n, round(stddev_pop(b), 3)" &&
	{ batch 0 "{\"a\":1,\"b\":1}" "{\"a\":1,\"b\":4}"; eos; } |
	st-window --checkpoint C2 -b a -a "$A" -m update >/dev/null &&
	{ batch 1 "{\"a\":1,\"b\":7}"; eos; } |
	st-window --checkpoint C2 -b a -a "$A" -m update | grep -v "^{\"@st\"" >actual &&
	echo "{\"a\":1,\"r\":4.0,\"n\":30,\"round(stddev_pop(b), 3)\":2.449}" >expect &&
	test_cmp expect actual &&
	{ batch 2 "{\"a\":1,\"b\":1}"; eos; } |
	test_expect_code 1 st-window --checkpoint C2 -b a -a "sum(b) / count(a) AS r, count(*) * 10 AS n, round(stddev_pop(b), 3)" -m update >out 2>err &&
	grep "holds the state of a different query (--agg was" err &&
	{ batch 2 "{\"a\":1,\"b\":1}"; eos; } |
	st-window --checkpoint C2 -b a -a "sum(b) / count(b) AS mean, count(*) * 2 AS n, round(stddev_pop(b), 2)" -m update |
	grep -v "^{\"@st\"" >actual &&
	echo "{\"a\":1,\"mean\":3.25,\"n\":8,\"round(stddev_pop(b), 2)\":2.49}" >expect &&
	test_cmp expect actual
'

test_expect_success 'st-running: expressions over running aggregates' '
	td2 | st-running -b a -a "sum(b) * 10 AS s, a + count(*) AS c" | jq -c "[.a, .s, .c]" >actual &&
	printf "%s\n" "[1,10,2]" "[1,30,3]" "[2,10,3]" "[2,30,4]" "[3,10,4]" "[3,30,5]" >expect &&
	test_cmp expect actual
'

test_done
