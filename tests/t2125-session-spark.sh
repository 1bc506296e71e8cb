#!/bin/sh
test_description='st-window session windows against Spark StreamingSessionWindowSuite: sessions placed before, between and after others, merges across batches, late rows, aggregates'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-spark.sh"

# sessionWindowQuery: lines (_1) at a time in seconds (_2), a 30 seconds
# watermark on the time, one event per word (explode(split(value, ' '))
# AS sessionId), session_window(eventTime, "10 seconds") by sessionId,
# count(*) AS numEvents; rows as "sessionId,start,end,duration,numEvents".
# (st's window bounds are timestamps written as text: CAST(... AS LONG)
# needs them read as timestamps first.)
line() { printf '{"_1":"%s","_2":%s}' "$1" "$2"; }
sessions() {
	_ck=
	[ "$1" != --checkpoint ] || { _ck="--checkpoint $2"; shift 2; }
	st-select $_ck "_1 AS value, _2 AS timestamp" |
	st-watermark $_ck -t timestamp -d "30 seconds" |
	st-select $_ck "explode(split(value, '"' '"')) AS sessionId, CAST(timestamp AS timestamp) AS eventTime" |
	st-window $_ck -t eventTime -g "10 seconds" -b sessionId -a "count(*) AS numEvents" "$@" |
	st-select $_ck "sessionId, CAST(CAST(window.start AS TIMESTAMP) AS LONG) AS start, CAST(CAST(window.end AS TIMESTAMP) AS LONG) AS end, CAST(CAST(window.end AS TIMESTAMP) AS LONG) - CAST(CAST(window.start AS TIMESTAMP) AS LONG) AS durationMs, numEvents"
}
F='[.sessionId, .start, .end, .durationMs, .numEvents] | map(tostring) | join(",")'

# StreamingSessionWindowSuite "complete mode - session window": new
# sessions before the others, one event concatenating two sessions into
# one, new sessions after; the whole table each batch.
test_expect_success 'complete mode: sessions placed before, merged, placed after' '
	add_data 1 "$(line "hello world spark streaming" 40)" "$(line "world hello structured streaming" 41)" &&
	add_data 2 "$(line "spark streaming" 25)" &&
	add_data 3 "$(line "spark streaming" 30)" &&
	add_data 4 "$(line "hello apache spark" 60)" &&
	add_data 5 "$(line "structured streaming" 90)" &&
	read_batches | sessions -m complete | batches "$F" >actual &&
	cat >expect <<-\EOT &&
	0: hello,40,51,11,2 spark,40,50,10,1 streaming,40,51,11,2 world,40,51,11,2 structured,41,51,10,1
	1: spark,25,35,10,1 streaming,25,35,10,1 hello,40,51,11,2 spark,40,50,10,1 streaming,40,51,11,2 world,40,51,11,2 structured,41,51,10,1
	2: spark,25,50,25,3 streaming,25,51,26,4 hello,40,51,11,2 world,40,51,11,2 structured,41,51,10,1
	3: spark,25,50,25,3 streaming,25,51,26,4 hello,40,51,11,2 world,40,51,11,2 structured,41,51,10,1 apache,60,70,10,1 hello,60,70,10,1 spark,60,70,10,1
	4: spark,25,50,25,3 streaming,25,51,26,4 hello,40,51,11,2 world,40,51,11,2 structured,41,51,10,1 apache,60,70,10,1 hello,60,70,10,1 spark,60,70,10,1 streaming,90,100,10,1 structured,90,100,10,1
	EOT
	test_cmp expect actual
'

# StreamingSessionWindowSuite "append mode - session window": the events
# at 0 (sessions ending at 10, the watermark 11) are late, two rows
# dropped; the sessions come once the watermark (60 after the event at 90,
# Spark's no-data batch) passes their end.
test_expect_success 'append mode: late events dropped and counted, sessions emitted once closed' '
	add_data 1 "$(line "hello world spark streaming" 40)" "$(line "world hello structured streaming" 41)" &&
	add_data 2 "$(line "spark streaming" 25)" &&
	add_data 3 "$(line "spark streaming" 0)" &&
	add_data 4 "$(line "spark streaming" 30)" &&
	add_data 5 "$(line "hello apache spark" 60)" &&
	add_data 6 "$(line "structured streaming" 90)" &&
	rm -rf C && read_batches --checkpoint C | sessions --checkpoint C >out &&
	batches "$F" <out >actual &&
	printf "%s\n" "0:" "1:" "2:" "3:" "4:" "5:" "6: spark,25,50,25,3 streaming,25,51,26,4 hello,40,51,11,2 world,40,51,11,2 structured,41,51,10,1" >expect &&
	test_cmp expect actual &&
	progress 4 .numRowsDroppedByWatermark <out | paste -sd " " - >actual &&
	echo "0 0 2 0 0 0 0" >expect &&
	test_cmp expect actual
'

# StreamingSessionWindowSuite "session window with first/last function"
# and "session window - with more aggregation functions and UDAFs": events
# at 41, 42, 40 make one session [40, 52); min and max of the event time
# (min_by/max_by(eventTime, eventTime) there), mean, median, stddev,
# variance, and the sum its UDAF computes, cast to LONG.
test_expect_success 'session aggregates: min, max, mean, median, stddev, variance, sum' '
	add_data 1 "$(line a 41)" &&
	add_data 2 "$(line a 42)" &&
	add_data 3 "$(line a 40)" &&
	add_data 4 "$(line b 100)" &&
	add_data 5 "$(line b 101)" &&
	rm -rf C && read_batches --checkpoint C |
	st-select --checkpoint C "_1 AS sessionId, CAST(_2 AS timestamp) AS eventTime, _2 AS single" |
	st-watermark --checkpoint C -t eventTime -d "30 seconds" |
	st-window --checkpoint C -t eventTime -g "10 seconds" -b sessionId \
		-a "min(eventTime) AS minTime, max(eventTime) AS maxTime, mean(single) AS meanTime, median(single) AS medianTime, stddev(single) AS stdDevTime, variance(single) AS varTime, sum(single) AS mySumSingle" |
	st-select --checkpoint C "sessionId, CAST(CAST(window.start AS TIMESTAMP) AS LONG) AS s, CAST(CAST(window.end AS TIMESTAMP) AS LONG) AS e, CAST(CAST(minTime AS TIMESTAMP) AS LONG) AS mi, CAST(CAST(maxTime AS TIMESTAMP) AS LONG) AS ma, CAST(meanTime AS LONG) AS m, CAST(medianTime AS LONG) AS md, CAST(stdDevTime AS LONG) AS sd, CAST(varTime AS LONG) AS v, mySumSingle" |
	batches "[.sessionId, .s, .e, .mi, .ma, .m, .md, .sd, .v, .mySumSingle] | map(tostring) | join(\",\")" >actual &&
	printf "%s\n" "0:" "1:" "2:" "3:" "4: a,40,52,40,42,41,41,1,1,123" "5:" >expect &&
	test_cmp expect actual
'

test_done
