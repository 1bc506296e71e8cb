#!/bin/sh
test_description='st-window grouping without windows against Spark StreamingAggregationSuite: update and complete modes across restarts, state metrics, several keys, global counts'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-spark.sh"

F='[.value, .["count(1)"]] | map(tostring) | join(",")'
# count MODE: groupBy("value").agg(count("*")) over in/, checkpointed in C
# (a run is a start of the query: StopStream, StartStream between runs).
count() {
	read_batches --checkpoint C | st-window --checkpoint C -b value -a 'count(*) AS `count(1)`' -m "$1" |
	st-sink --raw --checkpoint C | batches "$F"
}

# StreamingAggregationSuite "simple count, update mode": the groups a batch
# changed, across a restart. (Batch 2 is the first run's last, no-data,
# batch: committed, not shown.)
test_expect_success 'simple count, update mode, across a restart' '
	rm -rf C &&
	add_data 1 $(vals 3) && add_data 2 $(vals 3 2) && count update >actual &&
	add_data 3 $(vals 3 2 1) && add_data 4 $(vals 4 4 4 4) && count update >>actual &&
	printf "%s\n" "0: 3,1" "1: 2,1 3,2" "3: 1,1 2,2 3,3" "4: 4,4" >expect &&
	test_cmp expect actual
'

# StreamingAggregationSuite "simple count, complete mode": the whole table.
test_expect_success 'simple count, complete mode, across a restart' '
	rm -rf C &&
	add_data 1 $(vals 3) && add_data 2 $(vals 2) && count complete >actual &&
	add_data 3 $(vals 3 2 1) && add_data 4 $(vals 4 4 4 4) && count complete >>actual &&
	printf "%s\n" "0: 3,1" "1: 2,1 3,1" "3: 1,1 2,2 3,2" "4: 1,1 2,2 3,2 4,4" >expect &&
	test_cmp expect actual
'

# StreamingAggregationSuite "simple count, append mode": refused.
test_expect_success 'simple count, append mode, is refused' '
	echo "{\"value\":1}" | test_expect_code 2 st-window -b value -a "count(*)" -m append >out 2>err &&
	only_abort out st-window &&
	grep "append mode needs a window" err
'

# StreamingAggregationSuite "count distinct": size(collect_set(value)) over
# explode(_2).
test_expect_success 'size(collect_set()) over exploded values' '
	add_data 1 "{\"_1\":1,\"_2\":[1,2]}" &&
	read_batches | st-select "*, explode(_2) AS value" |
	st-window -b _1 -a "size(collect_set(value)) AS n" -m update |
	batches "[._1, .n] | map(tostring) | join(\",\")" >actual &&
	echo "0: 1,2" >expect &&
	test_cmp expect actual
'

# StreamingAggregationSuite "state metrics": flatMap(x => Seq(x, x + 1)),
# then numOutputRows, numUpdatedStateRows and numTotalStateRows per batch,
# in update and in complete mode.
test_expect_success 'state metrics in update and complete modes' '
	add_data 1 $(vals 1) && add_data 2 $(vals 2 3) &&
	for m in update complete; do
		read_batches | st-select "explode(array(value, value + 1)) AS value" |
		st-window -b value -a "count(*) AS \`count(1)\`" -m $m >out.$m &&
		batches "$F" <out.$m >actual.$m &&
		progress 2 "[.numOutputRows, .stateRowsUpdated, .stateRows] | map(tostring) | join(\",\")" <out.$m | head -n 2 >>actual.$m || return 1
	done &&
	printf "%s\n" "0: 1,1 2,1" "1: 2,2 3,2 4,1" "\"2,2,2\"" "\"3,3,4\"" >expect &&
	test_cmp expect actual.update &&
	printf "%s\n" "0: 1,1 2,1" "1: 1,1 2,2 3,2 4,1" "\"2,2,2\"" "\"4,3,4\"" >expect &&
	test_cmp expect actual.complete
'

# StreamingAggregationSuite "multiple keys": groupBy($"value", $"value" + 1).
test_expect_success 'two grouping columns, one computed' '
	add_data 1 $(vals 1 2) && add_data 2 $(vals 1 2) &&
	read_batches | st-select -w "\`(value + 1)\`=value + 1" |
	st-window -b "value,(value + 1)" -a "count(*) AS n" -m update |
	batches "[.value, .[\"(value + 1)\"], .n] | map(tostring) | join(\",\")" >actual &&
	printf "%s\n" "0: 1,2,1 2,3,1" "1: 1,2,2 2,3,2" >expect &&
	test_cmp expect actual
'

# StreamingAggregationSuite "typed aggregators": groupByKey(_._1).agg(sum).
test_expect_success 'sum by key' '
	add_data 1 "{\"_1\":\"a\",\"_2\":10}" "{\"_1\":\"a\",\"_2\":20}" "{\"_1\":\"b\",\"_2\":1}" "{\"_1\":\"b\",\"_2\":2}" "{\"_1\":\"c\",\"_2\":1}" &&
	read_batches | st-window -b _1 -a "sum(_2) AS s" -m update |
	batches "[._1, .s] | map(tostring) | join(\",\")" >actual &&
	echo "0: a,30 b,3 c,1" >expect &&
	test_cmp expect actual
'

# StreamingAggregationSuite "SPARK-21977: coalesce(1) with 0 partition RDD
# should be repartitioned accordingly": groupBy().count() in complete
# mode, batches with no rows between: the table stays 1, then 3.
test_expect_success 'global count, complete mode, empty batches between (SPARK-21977)' '
	add_data 1 $(vals 1) && add_data 2 && add_data 3 $(vals 2 3) && add_data 4 &&
	read_batches | st-window -a "count(*) AS count" -m complete | batches .count >actual &&
	printf "%s\n" "0: 1" "1: 1" "2: 3" "3: 3" >expect &&
	test_cmp expect actual
'

test_done
