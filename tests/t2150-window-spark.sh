#!/bin/sh
test_description='st-window against Spark EventTimeWatermarkSuite and StreamingAggregationSuite: global aggregates, grouping on the event time'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-spark.sh"

# StreamingAggregationSuite "SPARK-22230: last should change with new
# batches": input.toDF().agg(last($"value")), complete mode.
test_expect_success 'global aggregate (no --time, no --by), complete mode' '
	add_data 1 $(vals 1 2 3) &&
	add_data 2 $(vals 4 5 6) &&
	add_data 3 $(vals 0) &&
	read_batches | st-window -a "last(value) AS last" -m complete | batches .last >actual &&
	printf "%s\n" "0: 3" "1: 6" "2: 0" >expect &&
	test_cmp expect actual
'

# groupBy().count() in update mode: the one group, each batch it changes.
test_expect_success 'global aggregate, update mode (groupBy().count())' '
	add_data 1 $(vals 1 2 3) &&
	add_data 2 $(vals 4) &&
	read_batches | st-window -a "count(*) AS count" | batches .count >actual &&
	printf "%s\n" "0: 3" "1: 4" >expect &&
	test_cmp expect actual &&
	printf "%s\n" "{\"v\":1}" "{\"v\":2}" | st-window -a "count(*) AS n, sum(v) AS s" >actual &&
	echo "{\"n\":2,\"s\":3}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a global aggregate in append mode is refused (no window ever closes)' '
	test_expect_code 2 st-window -a "count(*) AS n" -m append </dev/null 2>err &&
	grep "append mode needs a window" err
'

# EventTimeWatermarkSuite "group by on raw timestamp": groupBy($"eventTime")
# on the watermarked column, append mode; a group is final, emitted once,
# when the watermark reaches its value. (With a checkpoint: without one,
# the end of the input would flush the open groups, as a batch job.)
test_expect_success 'groupBy on the watermarked event time, append mode' '
	add_data 1 $(vals 10) &&
	add_data 2 $(vals 25) &&
	rm -rf C && read_batches --checkpoint C | st-watermark --checkpoint C -t value -d "10 seconds" |
	st-window --checkpoint C -t value -b value -a "count(*) AS count" | batches "[.value,.count]|join(\",\")" >actual &&
	printf "%s\n" "0:" "1:" "2: 10,1" >expect &&
	test_cmp expect actual
'

test_expect_success 'groupBy on the event time: rows at or before the watermark are late' '
	add_data 1 $(vals 10 10 12) &&
	add_data 2 $(vals 25) &&
	add_data 3 $(vals 15 16) &&
	rm -rf C && read_batches --checkpoint C | st-watermark --checkpoint C -t value -d "10 seconds" |
	st-window --checkpoint C -t value -b value -a "count(*) AS count" >out &&
	batches "[.value,.count]|join(\",\")" <out >actual &&
	printf "%s\n" "0:" "1:" "2: 10,2 12,1" >expect &&
	test_cmp expect actual &&
	progress 2 .numRowsDroppedByWatermark <out >actual &&
	printf "%s\n" 0 0 1 0 >expect && test_cmp expect actual
'

# EventTimeWatermarkSuite "complete mode": no eviction, the whole table each
# batch, once.
test_expect_success 'complete mode keeps every window, one table per batch' '
	add_data 1 $(vals 10 11 12) &&
	add_data 2 $(vals 25) &&
	add_data 3 $(vals 25) &&
	add_data 4 $(vals 10) &&
	add_data 5 $(vals 25) &&
	read_batches | st-watermark -t value -d "10 seconds" |
	st-window -t value -s "5 seconds" -a "count(*) AS count" -m complete |
	batches "[(.window.start|.[17:19]),.count]|join(\",\")" >actual &&
	printf "%s\n" "0: 10,3" "1: 10,3 25,1" "2: 10,3 25,2" "3: 10,4 25,2" "4: 10,4 25,3" >expect &&
	test_cmp expect actual
'

test_done
