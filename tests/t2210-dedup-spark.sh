#!/bin/sh
test_description='st-dedup against Spark StreamingDeduplicationSuite and StreamingDeduplicationWithinWatermarkSuite'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-spark.sh"

# StreamingDeduplicationSuite "deduplicate with all columns"
test_expect_success 'dropDuplicates() on all columns' '
	add_data 1 "{\"value\":\"a\"}" &&
	add_data 2 "{\"value\":\"a\"}" &&
	add_data 3 "{\"value\":\"b\"}" &&
	read_batches | st-dedup | batches .value >actual &&
	printf "%s\n" "0: a" "1:" "2: b" >expect &&
	test_cmp expect actual
'

# A Spark row has a schema: field order and a missing field (null) do not
# make two rows differ.
test_expect_success 'dropDuplicates() on all columns ignores field order and nulls' '
	printf "%s\n" "{\"a\":1,\"b\":\"x\"}" "{\"b\":\"x\",\"a\":1}" "{\"a\":1,\"b\":\"x\",\"c\":null}" "{\"a\":1}" "{\"a\":1,\"c\":null}" |
	st-dedup >actual &&
	printf "%s\n" "{\"a\":1,\"b\":\"x\"}" "{\"a\":1}" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationSuite "deduplicate with some columns"
test_expect_success 'dropDuplicates("_1")' '
	add_data 1 "{\"_1\":\"a\",\"_2\":1}" &&
	add_data 2 "{\"_1\":\"a\",\"_2\":2}" &&
	add_data 3 "{\"_1\":\"b\",\"_2\":1}" &&
	read_batches | st-dedup -k _1 | batches "[._1,._2]|join(\",\")" >actual &&
	printf "%s\n" "0: a,1" "1:" "2: b,1" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationSuite "multiple deduplicates"
test_expect_success 'dropDuplicates().dropDuplicates("_1")' '
	add_data 1 "{\"_1\":\"a\",\"_2\":1}" &&
	add_data 2 "{\"_1\":\"a\",\"_2\":2}" &&
	add_data 3 "{\"_1\":\"b\",\"_2\":1}" &&
	read_batches | st-dedup --name d1 | st-dedup -k _1 --name d2 >out &&
	batches "[._1,._2]|join(\",\")" <out >actual &&
	printf "%s\n" "0: a,1" "1:" "2: b,1" >expect &&
	test_cmp expect actual &&
	progress "1,2" .stateRows <out | head -n 6 >actual &&
	printf "%s\n" 1 1 2 1 3 2 >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationSuite "deduplicate with watermark" and "SPARK-35896":
# dropDuplicates() with the watermarked column among all columns; a key is
# evicted when its time is at or before the watermark, a row at or before
# it is late (batch 4: 15 with the watermark at 15... 35). State counts are
# st's: keys expire as the next batch begins, not in a no-data batch.
test_expect_success 'dropDuplicates() with a watermark: the boundary is <=' '
	add_data 1 $(vals 10 11 12 13 14 15 10 11 12 13 14 15 10 11 12 13 14 15) &&
	add_data 2 $(vals 25) &&
	add_data 3 $(vals 10) &&
	add_data 4 $(vals 45) &&
	add_data 5 $(vals 15) &&
	read_batches | st-watermark -t value -d "10 seconds" | st-dedup -t value >out &&
	batches .value <out >actual &&
	printf "%s\n" "0: 10 11 12 13 14 15" "1: 25" "2:" "3: 45" "4:" >expect &&
	test_cmp expect actual &&
	progress 2 "[.stateRows,.numRowsDroppedByWatermark,.numDuplicatesDropped]" <out >actual &&
	printf "%s\n" "[6,0,12]" "[7,0,0]" "[1,1,0]" "[2,0,0]" "[1,1,0]" "[1,0,0]" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationSuite "SPARK-35880: custom metric numDroppedDuplicateRows"
test_expect_success 'numDuplicatesDropped per batch (SPARK-35880)' '
	add_data 1 "{\"_1\":\"a\",\"_2\":1}" &&
	add_data 2 "{\"_1\":\"a\",\"_2\":2}" "{\"_1\":\"b\",\"_2\":3}" &&
	add_data 3 "{\"_1\":\"a\",\"_2\":5}" "{\"_1\":\"b\",\"_2\":2}" "{\"_1\":\"c\",\"_2\":9}" &&
	read_batches | st-dedup -k _1 >out &&
	batches "[._1,._2]|join(\",\")" <out >actual &&
	printf "%s\n" "0: a,1" "1: b,3" "2: c,9" >expect &&
	test_cmp expect actual &&
	progress 1 .numDuplicatesDropped <out | head -n 3 >actual &&
	printf "%s\n" 0 1 2 >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationSuite "SPARK-19841: watermarkPredicate should filter based on keys"
test_expect_success 'dropDuplicates("id", "time") with a 1 second watermark (SPARK-19841)' '
	add_data 1 "{\"time\":1,\"id\":1}" "{\"time\":1,\"id\":1}" "{\"time\":1,\"id\":2}" &&
	add_data 2 "{\"time\":1,\"id\":1}" "{\"time\":2,\"id\":3}" "{\"time\":2,\"id\":4}" &&
	add_data 3 "{\"time\":1,\"id\":0}" "{\"time\":1,\"id\":1}" "{\"time\":3,\"id\":5}" "{\"time\":3,\"id\":6}" &&
	add_data 4 "{\"time\":1,\"id\":0}" "{\"time\":4,\"id\":7}" &&
	read_batches | st-watermark -t time -d "1 second" | st-dedup -k id,time -t time |
	batches .id >actual &&
	printf "%s\n" "0: 1 2" "1: 3 4" "2: 5 6" "3: 7" "4:" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationSuite "SPARK-21546: dropDuplicates should ignore watermark when it's not a key"
test_expect_success 'dropDuplicates("id") keeps its keys whatever the watermark (SPARK-21546)' '
	add_data 1 "{\"id\":1,\"time\":1}" "{\"id\":1,\"time\":2}" "{\"id\":2,\"time\":2}" &&
	read_batches | st-watermark -t time -d "1 second" | st-dedup -k id |
	batches "[.id,.time]|join(\",\")" >actual &&
	printf "%s\n" "0: 1,1 2,2" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationWithinWatermarkSuite "deduplicate with all columns
# with event time column in DataFrame". Spark evicts in the no-data batch
# after a batch, st when the next batch begins (same watermark, same rows
# out): the state counts below are st's, one batch later than Spark's.
test_expect_success 'dropDuplicatesWithinWatermark() on all columns' '
	add_data 1 $(vals 10 11 12 13 14 15 10 11 12 13 14 15 10 11 12 13 14 15) &&
	add_data 2 $(vals 13 14 15 16 17) &&
	add_data 3 $(vals 5) &&
	add_data 4 $(vals 35) &&
	add_data 5 $(vals 55) &&
	read_batches | st-watermark -t value -d "10 seconds" |
	st-dedup -t value --within-watermark >out &&
	batches .value <out >actual &&
	printf "%s\n" "0: 10 11 12 13 14 15" "1: 16 17" "2:" "3: 35" "4: 55" "5:" >expect &&
	test_cmp expect actual &&
	progress 2 "[.stateRows,.numRowsDroppedByWatermark]" <out >actual &&
	printf "%s\n" "[6,0]" "[8,0]" "[8,1]" "[9,0]" "[4,0]" "[1,0]" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationWithinWatermarkSuite "deduplicate with subset of
# columns which event time column is not in subset": a key expiring at 19
# is gone in the batch whose watermark is 20.
test_expect_success 'dropDuplicatesWithinWatermark("_1"): expiry at or before the watermark' '
	add_data 1 "{\"_1\":\"a\",\"t\":17}" &&
	add_data 2 "{\"_1\":\"a\",\"t\":16}" &&
	add_data 3 "{\"_1\":\"a\",\"t\":13}" &&
	add_data 4 "{\"_1\":\"b\",\"t\":22}" "{\"_1\":\"c\",\"t\":21}" &&
	add_data 5 "{\"_1\":\"a\",\"t\":21}" &&
	add_data 6 "{\"_1\":\"d\",\"t\":25}" &&
	read_batches | st-watermark -t t -d "2 seconds" |
	st-dedup -k _1 -t t --within-watermark >out &&
	batches "[._1,.t]|join(\",\")" <out >actual &&
	printf "%s\n" "0: a,17" "1:" "2:" "3: b,22 c,21" "4: a,21" "5: d,25" "6:" >expect &&
	test_cmp expect actual &&
	progress 2 "[.stateRows,.numRowsDroppedByWatermark]" <out >actual &&
	printf "%s\n" "[1,0]" "[1,0]" "[1,1]" "[3,0]" "[3,0]" "[4,0]" "[2,0]" >expect &&
	test_cmp expect actual
'

W='[(.window.start|fromdateiso8601), .count]|map(tostring)|join(",")'

# StreamingDeduplicationSuite "deduplicate with aggregate - append mode":
# dropDuplicates() then window(eventTime, "5 seconds") count, append mode;
# 5 distinct rows in [10, 15) once the watermark is 15, then [15, 20) and
# [25, 30) at 30; the late 10 is dropped by the dedup. (Spark's no-data
# batch after 25 is st's batch of 10.)
test_expect_success 'dropDuplicates() then a windowed count, append mode' '
	add_data 1 $(for i in 1 2 3 4 5; do vals 10 11 12 13 14 15; done) &&
	add_data 2 $(vals 25) &&
	add_data 3 $(vals 10) &&
	add_data 4 $(vals 40) &&
	rm -rf C && read_batches --checkpoint C |
	st-watermark --checkpoint C -t value -d "10 seconds" |
	st-dedup --checkpoint C -t value |
	st-window --checkpoint C -t value -s "5 seconds" -a "count(*) AS count" >out &&
	batches "$W" <out >actual &&
	printf "%s\n" "0:" "1:" "2: 10,5" "3:" "4: 15,1 25,1" >expect &&
	test_cmp expect actual &&
	progress 2 "[.stateRows, .numRowsDroppedByWatermark] | map(tostring) | join(\",\")" <out | paste -sd " " - >actual &&
	echo "\"6,0\" \"7,0\" \"1,1\" \"2,0\" \"1,0\"" >expect &&
	test_cmp expect actual &&
	progress 3 .stateRows <out | paste -sd " " - >actual &&
	echo "2 3 2 3 1" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationSuite "deduplicate with aggregate - update mode"
# and "- complete mode": dropDuplicates() then groupBy("str").agg(sum("num")).
test_expect_success 'dropDuplicates() then groupBy().sum(), update and complete modes' '
	add_data 1 "{\"_1\":\"a\",\"_2\":1}" &&
	add_data 2 "{\"_1\":\"a\",\"_2\":1}" &&
	add_data 3 "{\"_1\":\"a\",\"_2\":2}" &&
	add_data 4 "{\"_1\":\"b\",\"_2\":1}" &&
	read_batches | st-select "_1 AS str, _2 AS num" | st-dedup | st-window -b str -a "sum(num)" -m update |
	batches "[.str, .[\"sum(num)\"]] | map(tostring) | join(\",\")" >actual &&
	printf "%s\n" "0: a,1" "1:" "2: a,3" "3: b,1" >expect &&
	test_cmp expect actual &&
	read_batches | st-select "_1 AS str, _2 AS num" | st-dedup | st-window -b str -a "sum(num)" -m complete |
	batches "[.str, .[\"sum(num)\"]] | map(tostring) | join(\",\")" >actual &&
	printf "%s\n" "0: a,1" "1: a,1" "2: a,3" "3: a,3 b,1" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationSuite "SPARK-35896: metrics in StateOperatorProgress
# are output correctly": six rows in state, all six removed by the
# watermark at 15, the late 10 counted.
test_expect_success 'state metrics: rows, updated, removed, dropped by watermark (SPARK-35896)' '
	add_data 1 $(for i in 1 2 3 4 5; do vals 10 11 12 13 14 15; done) &&
	add_data 2 $(vals 25) &&
	add_data 3 $(vals 10) &&
	read_batches | st-watermark -t value -d "10 seconds" | st-dedup -t value >out &&
	batches .value <out >actual &&
	printf "%s\n" "0: 10 11 12 13 14 15" "1: 25" "2:" >expect &&
	test_cmp expect actual &&
	progress 2 "[.stateRows, .stateRowsUpdated, .stateRowsRemoved, .numRowsDroppedByWatermark] | map(tostring) | join(\",\")" <out | sed -n 1,3p | paste -sd " " - >actual &&
	echo "\"6,6,0,0\" \"7,1,0,0\" \"1,0,6,1\"" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationSuite "SPARK-39650: dropDuplicates with specific
# keys should allow input to change schema" (and its WithinWatermark twin),
# and "... changes on key schema are not allowed": a restart may bring
# other columns, not other keys.
test_expect_success 'restart with a new column is allowed, with other keys refused (SPARK-39650)' '
	rm -rf C &&
	add_data 1 "{\"_1\":\"a\",\"_2\":1}" &&
	add_data 2 "{\"_1\":\"a\",\"_2\":2}" "{\"_1\":\"b\",\"_2\":3}" &&
	read_batches --checkpoint C | st-dedup --checkpoint C -k _1 | st-sink --raw --checkpoint C | batches tostring >actual &&
	add_data 3 "{\"_1\":\"a\",\"_2\":5,\"_3\":\"a\"}" "{\"_1\":\"b\",\"_2\":2,\"_3\":\"b\"}" "{\"_1\":\"c\",\"_2\":9,\"_3\":\"c\"}" &&
	read_batches --checkpoint C | st-dedup --checkpoint C -k _1 | st-sink --raw --checkpoint C | batches tostring >>actual &&
	cat >expect <<-\EOT &&
	0: {"_1":"a","_2":1}
	1: {"_1":"b","_2":3}
	3: {"_1":"c","_2":9,"_3":"c"}
	EOT
	test_cmp expect actual &&
	add_data 4 "{\"_1\":\"d\",\"_2\":5}" &&
	read_batches --checkpoint C >in.ndjson &&
	test_expect_code 1 st-dedup --checkpoint C -k _1,_2 <in.ndjson >out 2>err &&
	only_abort out st-dedup &&
	grep "holds the state of a different query (--keys was \[\"_1\"\], now \[\"_1\",\"_2\"\])" err &&
	rm -rf C &&
	add_data 1 "{\"_1\":\"a\",\"_2\":1}" &&
	add_data 2 "{\"_1\":\"a\",\"_2\":2}" "{\"_1\":\"b\",\"_2\":3}" &&
	ww() {
		read_batches --checkpoint C | st-watermark --checkpoint C -t _2 -d "10 seconds" |
		st-dedup --checkpoint C -k _1 -t _2 --within-watermark | st-sink --raw --checkpoint C |
		batches tostring | grep -v ":\$"
	} &&
	ww >actual &&
	add_data 3 "{\"_1\":\"a\",\"_2\":5,\"_3\":\"a\"}" "{\"_1\":\"b\",\"_2\":2,\"_3\":\"b\"}" "{\"_1\":\"c\",\"_2\":9,\"_3\":\"c\"}" &&
	ww >>actual &&
	printf "%s\n" "0: {\"_1\":\"a\",\"_2\":1}" "1: {\"_1\":\"b\",\"_2\":3}" "3: {\"_1\":\"c\",\"_2\":9,\"_3\":\"c\"}" >expect &&
	test_cmp expect actual
'

# StreamingDeduplicationWithinWatermarkSuite "deduplicate in batch
# DataFrame": dropDuplicatesWithinWatermark on batch input is refused.
test_expect_success 'dropDuplicatesWithinWatermark on a batch job is refused' '
	echo "{\"u\":1,\"t\":1}" | test_expect_code 2 st-dedup --within-watermark -k u -t t >out 2>err &&
	only_abort out st-dedup &&
	grep "dropDuplicatesWithinWatermark is not supported without a watermark" err
'

# StreamingDeduplicationWithinWatermarkSuite "SPARK-50492: drop event time
# column after dropDuplicatesWithinWatermark"
test_expect_success 'the event time column may be dropped after the dedup (SPARK-50492)' '
	add_data 1 "{\"_1\":1,\"_2\":2}" &&
	read_batches | st-watermark -t _1 -d "10 seconds" | st-dedup -k _2 -t _1 --within-watermark |
	st-select _2 | batches ._2 >actual &&
	printf "%s\n" "0: 2" "1:" >expect &&
	test_cmp expect actual
'

test_done
