#!/bin/sh
test_description='triggers and no-data batches as Spark runs them; a complete-mode table shown once'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-spark.sh"

tables() { grep -c "^Batch: " "$@"; }

# Spark's Trigger.Once runs a single batch: no no-data batch follows it
# (StreamingQuerySuite "SPARK-... Trigger.Once", TriggerAvailableNowSuite).
test_expect_success 'trigger once: exactly one batch, even with a watermark' '
	add_data 1 $(vals 10 20) &&
	add_data 2 $(vals 30) &&
	st-read --trigger once in | st-watermark -t value -d "5 seconds" >out &&
	grep -c "^{\"@st\":\"begin\"" out >actual &&
	echo 1 >expect && test_cmp expect actual
'

# StreamingAggregationSuite "count distinct"-style complete-mode queries on
# the console: one table per batch with data. Before, a run once printed
# the same table two or three times (a no-data batch, then the flush).
test_expect_success 'complete mode, run once: the console table once' '
	add_data 1 "{\"k\":\"a\"}" "{\"k\":\"b\"}" "{\"k\":\"a\"}" &&
	st-read --trigger once in | st-window -b k -a "count(*) AS n" -m complete | st-sink -f console >out &&
	tables out >actual && echo 1 >expect && test_cmp expect actual &&
	rm -rf C && st-read --checkpoint C --trigger once in |
	st-window --checkpoint C -b k -a "count(*) AS n" -m complete | st-sink --checkpoint C -f console >out &&
	tables out >actual && echo 1 >expect && test_cmp expect actual
'

test_expect_success 'complete mode, available-now: one table per batch with data' '
	add_data 1 "{\"k\":\"a\"}" &&
	add_data 2 "{\"k\":\"b\"}" &&
	read_batches | st-window -b k -a "count(*) AS n" -m complete | st-sink -f console >out &&
	tables out >actual && echo 2 >expect && test_cmp expect actual &&
	rm -rf C && read_batches --checkpoint C |
	st-window --checkpoint C -b k -a "count(*) AS n" -m complete | st-sink --checkpoint C -f console >out &&
	tables out >actual && echo 2 >expect && test_cmp expect actual
'

# Spark runs no no-data batch for a query without stateful operators.
test_expect_success 'a stateless query: no empty batch after the last one' '
	add_data 1 $(vals 1) &&
	add_data 2 $(vals 2) &&
	read_batches | st-watermark -t value -d "1 second" | st-select "value" |
	st-sink -f console >out &&
	tables out >actual && echo 2 >expect && test_cmp expect actual
'

# EventTimeWatermarkSuite "append mode": the last window is emitted by the
# no-data batch that follows the batch moving the watermark past its end.
test_expect_success 'append mode: a no-data batch runs when the watermark closes a window' '
	add_data 1 $(vals 10 11 12) &&
	add_data 2 $(vals 25) &&
	rm -rf C && read_batches --checkpoint C | st-watermark --checkpoint C -t value -d "10 seconds" |
	st-window --checkpoint C -t value -s "5 seconds" -a "count(*) AS n" |
	st-sink --checkpoint C -f console >out &&
	grep "^Batch: " out >actual &&
	printf "Batch: %s\n" 0 1 2 >expect && test_cmp expect actual &&
	grep -c "^|{1970-01-01T00:00...|  3|$" out >actual && echo 1 >expect && test_cmp expect actual &&
	ls C/commits >actual && printf "%s\n" 0 1 2 >expect && test_cmp expect actual
'

# A no-data batch nobody needed is committed, so that a restart does not
# replay it, but shows nothing.
test_expect_success 'an unneeded no-data batch is committed, not shown' '
	add_data 1 "{\"k\":\"a\"}" &&
	rm -rf C && read_batches --checkpoint C | st-window --checkpoint C -b k -a "count(*) AS n" -m complete |
	st-sink --checkpoint C -f console >out &&
	tables out >actual && echo 1 >expect && test_cmp expect actual &&
	ls C/commits >actual && printf "%s\n" 0 1 >expect && test_cmp expect actual
'

test_done
