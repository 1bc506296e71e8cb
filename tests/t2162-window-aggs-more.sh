#!/bin/sh
test_description='st-window and st-running aggregates: max_by, min_by, bool_and/every, bool_or/some/any, count_if, product, first/last with ignoreNulls, first_value/last_value, sum/avg(DISTINCT), as Spark documents them, checkpointed across restarts'
. "$(dirname "$0")/lib.sh"

col() { for _v in "$@"; do printf '{"col":%s}\n' "$_v"; done; }
batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
# restarted CP AGG BATCH...: each batch (a file) run by its own st-window
# on checkpoint CP, in complete mode, by key k; the data lines of all.
restarted() {
	_cp=$1 _agg=$2
	shift 2
	for _b in "$@"; do
		{ cat "$_b"; eos; } | st-window --checkpoint "$_cp" -b k -a "$_agg" -m complete | grep -v '^{"@st"' || return 1
	done
}
# once AGG BATCH...: the same batches through one st-window, no checkpoint.
once() {
	_agg=$1
	shift
	{ cat "$@"; eos; } | st-window -b k -a "$_agg" -m complete | grep -v '^{"@st"'
}

# Spark's SQL function reference (sql-ref-functions-builtin, "Aggregate
# Functions", the Examples: of MaxBy and MinBy in MaxByAndMinBy.scala):
# SELECT max_by(x, y) FROM VALUES ('a', 10), ('b', 50), ('c', 20) AS
# tab(x, y) -> b; min_by -> a.
test_expect_success 'max_by, min_by (Spark examples)' '
	printf "%s\n" "{\"x\":\"a\",\"y\":10}" "{\"x\":\"b\",\"y\":50}" "{\"x\":\"c\",\"y\":20}" |
	st-window -a "max_by(x, y), min_by(x, y)" >actual &&
	echo "{\"max_by(x, y)\":\"b\",\"min_by(x, y)\":\"a\"}" >expect &&
	test_cmp expect actual
'

# MaxMinBy's update and merge: a null ordering is skipped; the kept pair
# is replaced unless its ordering is strictly greater (less), so a tie
# goes to the later row; no non-null ordering: null. The value may be
# null and of any type. The doc example over three batches, a restart
# between each, then rows the null and tie rules decide.
test_expect_success 'max_by, min_by: nulls, ties, checkpointed across restarts' '
	A="max_by(x, y) AS mx, min_by(x, y) AS mn, max_by(y, x) AS my" &&
	batch 0 "{\"k\":1,\"x\":\"a\",\"y\":10}" "{\"k\":1,\"x\":\"b\",\"y\":50}" "{\"k\":2,\"x\":\"n\"}" >b0 &&
	batch 1 "{\"k\":1,\"x\":\"c\",\"y\":20}" "{\"k\":1,\"x\":\"e\",\"y\":null}" >b1 &&
	batch 2 "{\"k\":1,\"x\":\"f\",\"y\":50}" "{\"k\":1,\"y\":10}" "{\"k\":2,\"y\":[1,2]}" >b2 &&
	restarted CP "$A" b0 b1 b2 >actual &&
	cat >expect <<-\EOT &&
	{"k":1,"mx":"b","mn":"a","my":50}
	{"k":2,"mx":null,"mn":null,"my":null}
	{"k":1,"mx":"b","mn":"a","my":null}
	{"k":2,"mx":null,"mn":null,"my":null}
	{"k":1,"mx":"f","mn":null,"my":50}
	{"k":2,"mx":null,"mn":null,"my":null}
	EOT
	test_cmp expect actual &&
	once "$A" b0 b1 b2 >actual &&
	test_cmp expect actual
'

# boolAggregates.scala's Examples: (true), (true), (true) -> true;
# (NULL), (true), (true) -> true; (true), (false), (true) -> false for
# bool_and (and every); (true), (false), (false) -> true; (NULL), (true),
# (false) -> true; (false), (false), (NULL) -> false for bool_or (and
# some, any). As Spark's Min and Max of booleans, no non-null value is
# null.
test_expect_success 'bool_and, every, bool_or, some, any (Spark examples)' '
	A="bool_and(col) AS a, every(col) AS e, bool_or(col) AS o, some(col) AS s, any(col) AS y" &&
	for v in "true true true" "null true true" "true false true" "true false false" "null true false" "false false null" "null null"; do
		col $v | st-window -a "$A" || return 1
	done >actual &&
	cat >expect <<-\EOT &&
	{"a":true,"e":true,"o":true,"s":true,"y":true}
	{"a":true,"e":true,"o":true,"s":true,"y":true}
	{"a":false,"e":false,"o":true,"s":true,"y":true}
	{"a":false,"e":false,"o":true,"s":true,"y":true}
	{"a":false,"e":false,"o":true,"s":true,"y":true}
	{"a":false,"e":false,"o":false,"s":false,"y":false}
	{"a":null,"e":null,"o":null,"s":null,"y":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'bool_and, bool_or: checkpointed across restarts; strings cast as CAST(x AS BOOLEAN)' '
	A="bool_and(b) AS a, bool_or(b) AS o" &&
	batch 0 "{\"k\":1,\"b\":true}" "{\"k\":2,\"b\":null}" "{\"k\":3,\"b\":false}" >c0 &&
	batch 1 "{\"k\":1,\"b\":null}" "{\"k\":2,\"b\":\"true\"}" "{\"k\":3,\"b\":false}" >c1 &&
	batch 2 "{\"k\":1,\"b\":\"f\"}" "{\"k\":3,\"b\":true}" >c2 &&
	restarted CB "$A" c0 c1 c2 | tail -n 3 >actual &&
	cat >expect <<-\EOT &&
	{"k":1,"a":false,"o":true}
	{"k":2,"a":true,"o":true}
	{"k":3,"a":false,"o":true}
	EOT
	test_cmp expect actual &&
	once "$A" c0 c1 c2 | tail -n 3 >actual &&
	test_cmp expect actual &&
	restarted CB0 "$A" c0 | sed -n 2p >actual &&
	echo "{\"k\":2,\"a\":null,\"o\":null}" >expect &&
	test_cmp expect actual &&
	printf "%s\n" "{\"b\":1}" "{\"b\":0}" "{\"b\":\"yes\"}" "{\"b\":\"maybe\"}" |
	st-window -a "bool_and(b) AS a, bool_or(b) AS o, count_if(b) AS c" >actual &&
	echo "{\"a\":false,\"o\":true,\"c\":2}" >expect &&
	test_cmp expect actual
'

# CountIf.scala's Examples: SELECT count_if(col % 2 = 0) FROM VALUES
# (NULL), (0), (1), (2), (3) AS tab(col) -> 2; count_if(col IS NULL) -> 1.
test_expect_success 'count_if (Spark examples), checkpointed across restarts' '
	col null 0 1 2 3 | st-window -a "count_if(col % 2 = 0) AS a, count_if(col IS NULL) AS b" >actual &&
	echo "{\"a\":2,\"b\":1}" >expect &&
	test_cmp expect actual &&
	A="count_if(col % 2 = 0) AS a, count_if(col IS NULL) AS b" &&
	batch 0 "{\"k\":1,\"col\":null}" "{\"k\":1,\"col\":0}" >d0 &&
	batch 1 "{\"k\":1,\"col\":1}" "{\"k\":1,\"col\":2}" "{\"k\":2,\"col\":1}" >d1 &&
	batch 2 "{\"k\":1,\"col\":3}" >d2 &&
	restarted CI "$A" d0 d1 d2 >actual &&
	cat >expect <<-\EOT &&
	{"k":1,"a":1,"b":1}
	{"k":1,"a":2,"b":1}
	{"k":2,"a":0,"b":0}
	{"k":1,"a":2,"b":1}
	{"k":2,"a":0,"b":0}
	EOT
	test_cmp expect actual
'

# pyspark.sql.functions.product's example: spark.range(1, 10) as x,
# groupBy(x % 3).agg(product(x)) -> 0: 162.0, 1: 28.0, 2: 80.0 (DOUBLE,
# Spark's Product casts to DOUBLE). Over two batches and a restart; a
# group of nulls only is null (Product's initial value).
test_expect_success 'product (pyspark example), checkpointed across a restart' '
	A="product(x) AS product" &&
	{ printf "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}\n"
	  for x in 1 2 3 4; do printf "{\"k\":%d,\"x\":%d}\n" $((x % 3)) $x; done
	  printf "{\"k\":3,\"x\":null}\n{\"@st\":\"end\",\"batch\":0}\n"; } >p0 &&
	{ printf "{\"@st\":\"begin\",\"batch\":1,\"ts\":0}\n"
	  for x in 5 6 7 8 9; do printf "{\"k\":%d,\"x\":%d}\n" $((x % 3)) $x; done
	  printf "{\"@st\":\"end\",\"batch\":1}\n"; } >p1 &&
	restarted CP2 "$A" p0 p1 | tail -n 4 >actual &&
	cat >expect <<-\EOT &&
	{"k":0,"product":162.0}
	{"k":1,"product":28.0}
	{"k":2,"product":80.0}
	{"k":3,"product":null}
	EOT
	test_cmp expect actual &&
	once "$A" p0 p1 | tail -n 4 >actual &&
	test_cmp expect actual
'

# First.scala's and Last.scala's Examples (also of first_value,
# last_value, any_value): first(col) over (10), (5), (20) -> 10; over
# (NULL), (5), (20) -> NULL; first(col, true) -> 5; last(col) over (10),
# (5), (20) -> 20; over (10), (5), (NULL) -> NULL; last(col, true) -> 5.
test_expect_success 'first, last, first_value, last_value, any_value with ignoreNulls (Spark examples)' '
	F="first(col) AS f, first(col, true) AS ft, first_value(col) AS fv, first_value(col, true) AS fvt, any_value(col, true) AS av" &&
	L="last(col) AS l, last(col, true) AS lt, last_value(col) AS lv, last_value(col, true) AS lvt, last(col, false) AS lf" &&
	{ col 10 5 20 | st-window -a "$F"; col null 5 20 | st-window -a "$F"; } >actual &&
	cat >expect <<-\EOT &&
	{"f":10,"ft":10,"fv":10,"fvt":10,"av":10}
	{"f":null,"ft":5,"fv":null,"fvt":5,"av":5}
	EOT
	test_cmp expect actual &&
	{ col 10 5 20 | st-window -a "$L"; col 10 5 null | st-window -a "$L"; } >actual &&
	cat >expect <<-\EOT &&
	{"l":20,"lt":20,"lv":20,"lvt":20,"lf":20}
	{"l":null,"lt":5,"lv":null,"lvt":5,"lf":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'first, last with ignoreNulls: checkpointed across restarts' '
	A="first(col) AS f, first(col, true) AS ft, last(col) AS l, last_value(col, true) AS lt" &&
	batch 0 "{\"k\":1,\"col\":null}" >e0 &&
	batch 1 "{\"k\":1,\"col\":5}" "{\"k\":1,\"col\":20}" >e1 &&
	batch 2 "{\"k\":1,\"col\":null}" >e2 &&
	restarted CF "$A" e0 e1 e2 >actual &&
	cat >expect <<-\EOT &&
	{"k":1,"f":null,"ft":null,"l":null,"lt":null}
	{"k":1,"f":null,"ft":5,"l":20,"lt":20}
	{"k":1,"f":null,"ft":5,"l":null,"lt":20}
	EOT
	test_cmp expect actual
'

test_expect_success 'the second argument of first and last must be a boolean literal; max_by takes two' '
	test_expect_code 2 st-window -a "first(col, col) AS f" </dev/null 2>err &&
	grep "^st-window: --agg: .f.: the second argument (ignoreNulls) must be a boolean literal" err &&
	test_expect_code 2 st-window -a "max_by(col) AS m" </dev/null 2>err &&
	grep "^st-window: --agg: .m. takes two arguments (a value and its ordering)" err &&
	test_expect_code 2 st-window -a "max(DISTINCT col) AS m" </dev/null 2>err &&
	grep "only count(DISTINCT x), sum(DISTINCT x) and avg(DISTINCT x) are supported" err &&
	test_expect_code 2 st-window -a "upper(col) AS m" </dev/null 2>err &&
	grep "known: .*max_by, min_by, bool_and, every, bool_or, some, any, count_if, product" err
'

# Spark's DataFrameAggregateSuite "average": testData2 = (1,1), (1,2),
# (2,1), (2,2), (3,1), (3,2) AS (a, b): agg(avg(a), sum_distinct(a)) ->
# (2.0, 6); "zero sum distinct" and "zero average": no rows -> null; the
# distinct values are the non-null ones (Sum's and Average's null rule,
# over the distinct set). Spark refuses distinct aggregates on streams,
# and so does st; on input without control lines (a batch job) they run.
td2() { for _r in 1,1 1,2 2,1 2,2 3,1 3,2; do printf '{"a":%s,"b":%s}\n' "${_r%,*}" "${_r#*,}"; done; }
test_expect_success 'sum(DISTINCT x), avg(DISTINCT x) (DataFrameAggregateSuite); refused on a stream' '
	td2 | st-window -a "avg(a), sum(DISTINCT a), avg(DISTINCT a) AS ad, sum(DISTINCT b) AS sb" >actual &&
	echo "{\"avg(a)\":2.0,\"sum(DISTINCT a)\":6,\"ad\":2.0,\"sb\":3}" >expect &&
	test_cmp expect actual &&
	col null 10 10 15 2.5 | st-window -a "sum(DISTINCT col) AS s, avg(DISTINCT col) AS a, count(DISTINCT col) AS n" >actual &&
	echo "{\"s\":27.5,\"a\":9.166666666666666,\"n\":3}" >expect &&
	test_cmp expect actual &&
	col null null | st-window -a "sum(DISTINCT col) AS s, avg(DISTINCT col) AS a" >actual &&
	echo "{\"s\":null,\"a\":null}" >expect &&
	test_cmp expect actual &&
	td2 | st-window -b a -a "sum(DISTINCT b) AS s, avg(DISTINCT b) AS m" | jq -c "[.a, .s, .m]" >actual &&
	printf "%s\n" "[1,3,1.5]" "[2,3,1.5]" "[3,3,1.5]" >expect &&
	test_cmp expect actual &&
	{ batch 0 "{\"col\":1}"; eos; } | test_expect_code 2 st-window -a "sum(DISTINCT col) AS d" >out 2>err &&
	only_abort out st-window &&
	grep "^st-window: distinct aggregations are not supported on streams" err &&
	{ batch 0 "{\"col\":1}"; eos; } | test_expect_code 2 st-window -a "avg(DISTINCT col) AS d" >out 2>err &&
	only_abort out st-window
'

# st-running: a result after every row, as the aggregate OVER (PARTITION
# BY k ORDER BY arrival ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW).
test_expect_success 'st-running: max_by, bool_and, count_if, product, last with ignoreNulls' '
	printf "%s\n" "{\"k\":1,\"x\":\"a\",\"y\":10}" "{\"k\":1,\"x\":\"b\",\"y\":50}" "{\"k\":1,\"x\":null,\"y\":null}" "{\"k\":1,\"x\":\"c\",\"y\":20}" |
	st-running -b k -a "max_by(x, y) AS m, bool_and(y > 15) AS a, count_if(y > 15) AS c, product(y) AS p, last(x, true) AS l" | grep -o "\"m\".*" >actual &&
	cat >expect <<-\EOT &&
	"m":"a","a":false,"c":0,"p":10.0,"l":"a"}
	"m":"b","a":false,"c":1,"p":500.0,"l":"b"}
	"m":"b","a":false,"c":1,"p":500.0,"l":"b"}
	"m":"b","a":false,"c":2,"p":10000.0,"l":"c"}
	EOT
	test_cmp expect actual
'

test_expect_success 'st-running: the new aggregates checkpointed across a restart' '
	A="max_by(x, y) AS m, bool_or(y > 15) AS o, product(y) AS p, first(x, true) AS f" &&
	batch 0 "{\"k\":1,\"x\":null,\"y\":10}" "{\"k\":1,\"x\":\"b\",\"y\":50}" >r0 &&
	batch 1 "{\"k\":1,\"x\":\"c\",\"y\":20}" >r1 &&
	{ cat r0; eos; } | st-running --checkpoint CR -b k -a "$A" >/dev/null &&
	{ cat r1; eos; } | st-running --checkpoint CR -b k -a "$A" | grep -v "^{\"@st\"" >actual &&
	echo "{\"k\":1,\"x\":\"c\",\"y\":20,\"m\":\"b\",\"o\":true,\"p\":10000.0,\"f\":\"b\"}" >expect &&
	test_cmp expect actual
'

# The ordering argument and ignoreNulls are part of the state's calls: a
# restart with another one is refused (as Spark's state schema check
# refuses another aggregation), with the same ones under other names not.
test_expect_success 'a restart with another ordering or ignoreNulls is refused' '
	batch 0 "{\"k\":1,\"x\":1,\"y\":\"a\"}" >g0 &&
	batch 1 "{\"k\":1,\"x\":2,\"y\":\"b\"}" >g1 &&
	restarted CE "max_by(x, y = '"'"'a'"'"') AS m, first(x, true) AS f" g0 >/dev/null &&
	{ cat g1; eos; } | test_expect_code 1 st-window --checkpoint CE -b k -a "max_by(x, y = a) AS m, first(x, true) AS f" -m complete >out 2>err &&
	grep "holds the state of a different query (--agg (its aggregate calls) was" err &&
	{ cat g1; eos; } | test_expect_code 1 st-window --checkpoint CE -b k -a "max_by(x, y = '"'"'a'"'"') AS m, first(x) AS f" -m complete >out 2>err &&
	grep "holds the state of a different query" err &&
	restarted CE "max_by(x, y = '"'"'a'"'"') AS mm, first_value(x, true) AS ff" g1 >actual &&
	echo "{\"k\":1,\"mm\":1,\"ff\":1}" >expect &&
	test_cmp expect actual
'

# Session windows: an event between two sessions merges them, their
# slots merged in event-time order (Spark's MergingSessionsExec sorts the
# rows by session start): the tie of max_by at y = 9 goes to the later
# row q (08:00) over r (04:00), and so does last.
test_expect_success 'session windows merge the new aggregates in event-time order' '
	printf "%s\n" "{\"u\":\"a\",\"t\":\"2024-01-01T00:00:00Z\",\"x\":\"p\",\"y\":5,\"b\":true}" "{\"u\":\"a\",\"t\":\"2024-01-01T00:08:00Z\",\"x\":\"q\",\"y\":9,\"b\":false}" "{\"u\":\"a\",\"t\":\"2024-01-01T00:04:00Z\",\"x\":\"r\",\"y\":9,\"b\":true}" |
	st-window -t t -g 5m -b u -a "count(*) AS n, max_by(x, y) AS m, min_by(x, y) AS mn, bool_and(b) AS ba, bool_or(b) AS bo, product(y) AS p, count_if(b) AS c, sum(DISTINCT y) AS sd, last(x, true) AS l" >actual &&
	echo "{\"window\":{\"start\":\"2024-01-01T00:00:00Z\",\"end\":\"2024-01-01T00:13:00Z\"},\"u\":\"a\",\"n\":3,\"m\":\"q\",\"mn\":\"p\",\"ba\":false,\"bo\":true,\"p\":405.0,\"c\":2,\"sd\":14,\"l\":\"q\"}" >expect &&
	test_cmp expect actual
'

# An item may be any expression over aggregates (DataFrameAggregateSuite's
# agg() items): the new ones give their values with Spark's result types.
test_expect_success 'expressions over the new aggregates' '
	printf "%s\n" "{\"x\":\"a\",\"y\":1,\"b\":true}" "{\"x\":\"b\",\"y\":3,\"b\":false}" |
	st-window -a "upper(max_by(x, y)) AS u, CAST(bool_or(b) AS INT) AS o, product(y) / 2 AS p, NOT bool_and(b) AS nb, count_if(b) + 1 AS c, sum(DISTINCT y) * 2 AS s, avg(DISTINCT y) AS a, coalesce(first(x, true), '"'"'z'"'"') AS f" >actual &&
	echo "{\"u\":\"B\",\"o\":1,\"p\":1.5,\"nb\":true,\"c\":2,\"s\":8,\"a\":2.0,\"f\":\"a\"}" >expect &&
	test_cmp expect actual
'

test_done
