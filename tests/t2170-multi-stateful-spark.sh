#!/bin/sh
test_description='chains of stateful tools against Spark MultiStatefulOperatorsSuite: an aggregation over an aggregation, deduplication and joins before or after one, in append mode'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-spark.sh"

# Rows as "window start,..." (seconds); the state rows of stage N per batch.
W='[(.window.start|fromdateiso8601), .count, .sum] | map(tostring) | join(",")'
states() { progress "$1" .stateRows | paste -sd " " -; }
vals_seq() { seq "$1" "$2" | while read -r _v; do vals "$_v"; done; }
# window(window_time(window), SIZE): an aggregation over the windows of
# another, its event time the window end less a microsecond.
again() {
	st-window --checkpoint C --name "$1" -t "CAST(window.end AS TIMESTAMP) - INTERVAL 1 MICROSECOND" \
		-s "$2" -a "$3"
}

# MultiStatefulOperatorsSuite "window agg -> window agg, append mode": the
# windows [10, 15) and [15, 20) the watermark 21 closes are counted in
# [10, 20) at once: the second aggregation takes as late only what the
# previous batch's watermark had passed (Spark's watermark for late events;
# the current one evicts). (Spark's no-data batch after each batch is the
# next batch here.)
test_expect_success 'window aggregation over a window aggregation' '
	add_data 1 $(vals_seq 10 21) &&
	add_data 2 $(vals_seq 10 29) &&
	add_data 3 $(vals 30 31) &&
	rm -rf C && read_batches --checkpoint C |
	st-watermark --checkpoint C -t value -d "0 seconds" |
	st-window --checkpoint C -t value -s "5 seconds" -a "count(*) AS count" |
	again w2 "10 seconds" "count(*) AS count, sum(count) AS sum" >out &&
	batches "$W" <out >actual &&
	printf "%s\n" "0:" "1: 10,2,10" "2:" "3: 20,2,12" >expect &&
	test_cmp expect actual &&
	progress 3 .numRowsDroppedByWatermark <out | paste -sd " " - >actual &&
	echo "0 0 0 0" >expect &&
	test_cmp expect actual
'

# MultiStatefulOperatorsSuite "agg -> agg -> agg, append mode".
test_expect_success 'three window aggregations, each over the one before' '
	add_data 1 $(vals_seq 0 37) &&
	add_data 2 $(vals_seq 30 60) &&
	rm -rf C && read_batches --checkpoint C |
	st-watermark --checkpoint C -t value -d "0 seconds" |
	st-window --checkpoint C -t value -s "5 seconds" -a "count(*) AS count" |
	again w2 "10 seconds" "count(*) AS count, sum(count) AS sum" |
	again w3 "20 seconds" "count(*) AS count, sum(sum) AS sum" >out &&
	batches "[(.window.start|fromdateiso8601), (.window.end|fromdateiso8601), .count, .sum] | map(tostring) | join(\",\")" <out >actual &&
	printf "%s\n" "0:" "1: 0,20,2,20" "2: 20,40,2,23 40,60,2,20" >expect &&
	test_cmp expect actual
'

# MultiStatefulOperatorsSuite "stream deduplication -> aggregation, append
# mode": dropDuplicates("value", "eventTime") then a windowed count; once
# the watermark is 5, [0, 5) is final, 10 rows stay in the dedup state.
test_expect_success 'deduplication, then a window aggregation' '
	add_data 1 $(vals_seq 1 15) &&
	rm -rf C && read_batches --checkpoint C |
	st-watermark --checkpoint C -t value -d "10 seconds" |
	st-dedup --checkpoint C -k value -t value |
	st-window --checkpoint C -t value -s "5 seconds" -a "count(*) AS count, sum(value) AS sum" >out &&
	batches "[(.window.start|fromdateiso8601), .count] | map(tostring) | join(\",\")" <out >actual &&
	printf "%s\n" "0:" "1: 0,4" >expect &&
	test_cmp expect actual &&
	states 2 <out >actual && echo "15 10" >expect && test_cmp expect actual &&
	states 3 <out >actual && echo "4 3" >expect && test_cmp expect actual
'

# MultiStatefulOperatorsSuite "aggregation -> stream deduplication, append
# mode": dropDuplicates("count", "windowEnd") over the emitted windows.
test_expect_success 'a window aggregation, then deduplication' '
	add_data 1 $(vals 1 5 10 15) &&
	rm -rf C && read_batches --checkpoint C |
	st-watermark --checkpoint C -t value -d "0 seconds" |
	st-window --checkpoint C -t value -s "5 seconds" -a "count(*) AS count" |
	st-select --checkpoint C "*, window.end AS windowEnd" |
	st-dedup --checkpoint C -k count,windowEnd >out &&
	batches "[(.windowEnd|fromdateiso8601), .count] | map(tostring) | join(\",\")" <out >actual &&
	printf "%s\n" "0:" "1: 5,1 10,1 15,1" >expect &&
	test_cmp expect actual &&
	states 4 <out >actual && echo "0 3" >expect && test_cmp expect actual
'

# MultiStatefulOperatorsSuite "aggregation -> stream deduplication, append
# mode", its second query: dropDuplicates("count", "windowEnd",
# "windowTime") with the event time window_time(window), the window end
# less a microsecond. The windows the watermark 15 closes have times at or
# before it, yet are not late for the deduplication: late is what the
# previous batch's watermark passed (Spark's watermark for late events).
test_expect_success 'a window aggregation, then deduplication on its event time' '
	add_data 1 $(vals 1 5 10 15) &&
	rm -rf C && read_batches --checkpoint C |
	st-watermark --checkpoint C -t value -d "0 seconds" |
	st-window --checkpoint C -t value -s "5 seconds" -a "count(*) AS count" |
	st-select --checkpoint C "*, window.end AS windowEnd, CAST(window.end AS TIMESTAMP) - INTERVAL 1 MICROSECOND AS windowTime" |
	st-dedup --checkpoint C -k count,windowEnd,windowTime -t windowTime |
	st-select --checkpoint C --name micros "unix_seconds(CAST(windowEnd AS TIMESTAMP)) AS e, unix_micros(windowTime) AS m, count" >out &&
	batches "[.e, .m, .count] | map(tostring) | join(\",\")" <out >actual &&
	printf "%s\n" "0:" "1: 5,4999999,1 10,9999999,1 15,14999999,1" >expect &&
	test_cmp expect actual &&
	progress 4 .numRowsDroppedByWatermark <out | paste -sd " " - >actual &&
	echo "0 0" >expect && test_cmp expect actual
'

# MultiStatefulOperatorsSuite "join -> window agg, append mode": an inner
# join on eventTime1 = eventTime2, then a windowed count; [0, 5) comes
# once the watermark passes 5.
test_expect_success 'a stream-stream join, then a window aggregation' '
	m2() {
		printf "{\"@st\":\"begin\",\"batch\":%s,\"ts\":0}\n{\"@st\":\"source\",\"name\":\"l\"}\n" "$1"
		for _v in $2; do printf "{\"value1\":%s}\n" "$_v"; done
		printf "{\"@st\":\"source\",\"name\":\"r\"}\n"
		for _v in $3; do printf "{\"value2\":%s}\n" "$_v"; done
		printf "{\"@st\":\"end\",\"batch\":%s}\n" "$1"
	} &&
	nd() { printf "{\"@st\":\"begin\",\"batch\":%s,\"ts\":0,\"noData\":true}\n{\"@st\":\"end\",\"batch\":%s}\n" "$1" "$1"; } &&
	rm -rf C &&
	{ m2 0 "1 2 3 4" "1 2 3 4"; nd 1; m2 2 5 5; nd 3; eos; } |
	st-select --checkpoint C --name a --source l "value1, timestamp_seconds(value1) AS eventTime1" |
	st-select --checkpoint C --name b --source r "value2, timestamp_seconds(value2) AS eventTime2" |
	st-watermark --checkpoint C --source l -t eventTime1 -d "0 seconds" |
	st-watermark --checkpoint C --source r -t eventTime2 -d "0 seconds" |
	st-join --checkpoint C --left l --right r --on "eventTime1 = eventTime2" --within "eventTime1 BETWEEN eventTime2 AND eventTime2" |
	st-window --checkpoint C -t eventTime1 -s "5 seconds" -a "count(*) AS count" >out &&
	batches "[(.window.start|fromdateiso8601), .count] | map(tostring) | join(\",\")" <out >actual &&
	printf "%s\n" "0:" "1:" "2:" "3: 0,4" >expect &&
	test_cmp expect actual &&
	states 5 <out >actual && echo "1 1 2 1" >expect && test_cmp expect actual
'

# Two timed sources for the joins below: m3 BATCH "ID,TIME ..." "ID,TIME ..."
# gives source l rows {id1,timestamp1} and source r rows {id2,timestamp2}
# (times as HH:MM:SS of 2023-01-01, UTC); nd3 BATCH is a no-data batch
# (Spark's, run after each data batch to let the watermark move).
m3() {
	printf '{"@st":"begin","batch":%s,"ts":0}\n{"@st":"source","name":"l"}\n' "$1"
	for _p in $2; do printf '{"id1":"%s","timestamp1":"2023-01-01T%sZ"}\n' "${_p%%,*}" "${_p#*,}"; done
	printf '{"@st":"source","name":"r"}\n'
	for _p in $3; do printf '{"id2":"%s","timestamp2":"2023-01-01T%sZ"}\n' "${_p%%,*}" "${_p#*,}"; done
	printf '{"@st":"end","batch":%s}\n' "$1"
}
nd3() { printf '{"@st":"begin","batch":%s,"ts":0,"noData":true}\n{"@st":"end","batch":%s}\n' "$1" "$1"; }
# joined TYPE TIME: the two sources, watermarked 0 seconds each, joined
# on id1 = id2 AND timestamp1 BETWEEN timestamp2 -/+ 1 hour, then
# counted per 10-minute window of TIME.
joined() {
	st-watermark --checkpoint C --source l -t timestamp1 -d "0 seconds" |
	st-watermark --checkpoint C --source r -t timestamp2 -d "0 seconds" |
	st-join --checkpoint C --left l --right r --type "$1" \
		--on "id1 = id2 AND timestamp1 BETWEEN timestamp2 - INTERVAL 1 hour AND timestamp2 + INTERVAL 1 hour" |
	st-window --checkpoint C -t "$2" -s "10 minutes" -a "count(*) AS cnt"
}
HM='[.window.start[11:16], .window.end[11:16], .cnt] | map(tostring) | join(",")'
# The watermark each batch's begin line carries after stage N.
wm_after() { jq -r "select(.[\"@st\"] == \"begin\") | .wm // \"-\"" | sed 's/^2023-01-01T//' | paste -sd " " -; }

# MultiStatefulOperatorsSuite "stream-stream time interval left outer join
# -> aggregation, append mode": the join passes on its output watermark,
# the global one less the hour a row waits for a partner less a
# microsecond (Spark's "OW 2023-01-01 00:00:19.999999"), so that the
# window [01:00, 01:10) is not closed at 01:15 while its null-extended row
# (id 2, 01:00:30) is still in the join's state; once the watermark is
# 02:16 the join emits it (and id 5's, 01:15:00) and the window counts 2.
# (With the input's watermark the window came out at 01:15 with 1, and
# the null rows were dropped as late.)
test_expect_success 'a left outer join with a time interval, then a window aggregation' '
	rm -rf C &&
	{ m3 0 "1,01:00:10 2,01:00:30" "1,01:00:20"; nd3 1;
	  m3 2 "5,01:15:00" "6,01:15:00"; nd3 3;
	  m3 4 "5,02:16:00" "6,02:16:00"; nd3 5; eos; } |
	joined left timestamp1 >out &&
	batches "$HM" <out >actual &&
	printf "%s\n" "0:" "1:" "2:" "3:" "4:" "5: 01:00,01:10,2" >expect &&
	test_cmp expect actual &&
	wm_after <out >actual &&
	echo "- 00:00:19.999999Z 00:00:19.999999Z 00:14:59.999999Z 00:14:59.999999Z 01:15:59.999999Z" >expect &&
	test_cmp expect actual &&
	progress 3 .numRowsDroppedByWatermark <out | paste -sd " " - >actual &&
	echo "0 0 0 0 0 0" >expect &&
	test_cmp expect actual
'

# MultiStatefulOperatorsSuite "stream-stream time interval left outer join
# -> aggregation, append mode" as Spark 3.4 wrote it (columns named alike on
# both sides, watermarks of 2 and 4 minutes, the bound in the condition):
# the watermark 2020-01-02 00:58 makes the join emit 2020-01-01's row
# null-extended and pass on 00:57:19.999999 (Spark's "OW 00:57:20"), which
# closes that window and 2020-01-02 00:00's; 2020-01-02 01:00's waits for
# the watermark 2020-01-04 23:56:10.
test_expect_success 'a left outer join on columns named alike, then a window aggregation' '
	ev() { printf "{\"eventTime\":\"2020-01-%s\",\"id\":\"abc\",\"%s\":\"%s\"}\n" "$1" "$2" "$3"; } &&
	b4() {
		printf "{\"@st\":\"begin\",\"batch\":%s,\"ts\":0}\n{\"@st\":\"source\",\"name\":\"l\"}\n" "$1"
		printf "%s\n" "$2"
		printf "{\"@st\":\"source\",\"name\":\"r\"}\n"
		printf "%s\n" "$3"
		printf "{\"@st\":\"end\",\"batch\":%s}\n" "$1"
	} &&
	rm -rf C &&
	{ b4 0 "$(ev "01 00:00:00" comment "has no join partner"; ev "02 00:00:00" comment "joined with A"; ev "02 01:00:00" comment "joined with B")" \
	    "$(ev "02 00:00:10" name A; ev "02 00:59:59" name B; ev "02 02:00:00" name C)"; nd3 1;
	  b4 2 "$(ev "05 00:00:00" comment "joined with D")" "$(ev "05 00:00:10" name D)"; nd3 3; eos; } |
	st-watermark --checkpoint C --source l -t eventTime -d "2 minutes" |
	st-watermark --checkpoint C --source r -t eventTime -d "4 minutes" |
	st-join --checkpoint C --left l --right r --type left_outer \
		--on "left.id = right.id AND left.eventTime BETWEEN right.eventTime - INTERVAL 40 seconds AND right.eventTime + INTERVAL 30 seconds" |
	st-window --checkpoint C -t eventTime -s "30 seconds" -a "count(*) AS cnt" >out &&
	batches "[.window.start[5:19], .window.end[11:19], .cnt] | map(tostring) | join(\",\")" <out >actual &&
	printf "%s\n" "0:" "1: 01-01T00:00:00,00:00:30,1 01-02T00:00:00,00:00:30,1" "2:" "3: 01-02T01:00:00,01:00:30,1" >expect &&
	test_cmp expect actual &&
	wm_after <out | sed "s/2020-//g" >actual &&
	echo "- 01-02T00:57:19.999999Z 01-02T00:57:19.999999Z 01-04T23:55:29.999999Z" >expect &&
	test_cmp expect actual
'

# MultiStatefulOperatorsSuite "stream-stream time interval right outer join
# -> aggregation, append mode": the same with the sides swapped, counted
# per window of the right side time.
test_expect_success 'a right outer join with a time interval, then a window aggregation' '
	rm -rf C &&
	{ m3 0 "1,01:00:20" "1,01:00:10 2,01:00:30"; nd3 1;
	  m3 2 "6,01:15:00" "5,01:15:00"; nd3 3;
	  m3 4 "6,02:16:00" "5,02:16:00"; nd3 5; eos; } |
	joined right timestamp2 >out &&
	batches "$HM" <out >actual &&
	printf "%s\n" "0:" "1:" "2:" "3:" "4:" "5: 01:00,01:10,2" >expect &&
	test_cmp expect actual
'

# MultiStatefulOperatorsSuite "stream-stream time interval join - output
# watermark for various intervals": leftEventTime BETWEEN rightEventTime
# (- 30 seconds) AND rightEventTime (+ 40 seconds), input watermark 0:
# the output watermark is the input less the longest wait, less one unit
# (Spark counts milliseconds: -40001 ms; st microseconds).
test_expect_success 'the output watermark of a join for various intervals' '
	ow() {
		printf "{\"@st\":\"begin\",\"batch\":0,\"ts\":0,\"wm\":\"1970-01-01T00:00:00Z\",\"delay\":\"0 seconds\"}\n{\"@st\":\"end\",\"batch\":0}\n" |
		st-join --left l --right r --on "leftId = rightId" --within "leftEventTime BETWEEN $1" |
		jq -r "select(.[\"@st\"] == \"begin\") | .wm"
	} &&
	ow "rightEventTime AND rightEventTime + INTERVAL 40 seconds" >actual &&
	ow "rightEventTime - INTERVAL 30 seconds AND rightEventTime" >>actual &&
	ow "rightEventTime - INTERVAL 30 seconds AND rightEventTime + INTERVAL 40 seconds" >>actual &&
	printf "%s\n" 1969-12-31T23:59:19.999999Z 1969-12-31T23:59:29.999999Z 1969-12-31T23:59:19.999999Z >expect &&
	test_cmp expect actual
'

test_done
