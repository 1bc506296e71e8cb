#!/bin/sh
test_description='st-watermark and st-window against Spark EventTimeWatermarkSuite: update mode, event time metrics, Trigger.Once, recovery, several watermarks and their policies'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-spark.sh"

# The suite's query: value.cast("timestamp") as eventTime, a 10 seconds
# watermark, window(eventTime, "5 seconds"), count(*); rows as
# "window start (seconds),count". Where Spark runs a no-data batch after a
# batch (the watermark moved), st-read's next file is already there: its
# batch runs with the same watermark and shows the same rows.
W='[(.window.start|fromdateiso8601), .count]|map(tostring)|join(",")'
# agg [--checkpoint C] [st-window options]
agg() {
	_ck=
	[ "$1" != --checkpoint ] || { _ck="--checkpoint $2"; shift 2; }
	st-watermark $_ck -t value -d "10 seconds" |
	st-window $_ck -t value -s "5 seconds" -a "count(*) AS count" "$@"
}

# EventTimeWatermarkSuite "update mode": the windows a batch changed; 10
# is late once the watermark is 15; two windows in state.
test_expect_success 'update mode: changed windows, late rows ignored, closed windows evicted' '
	add_data 1 $(vals 10 11 12 13 14 15) &&
	add_data 2 $(vals 25) &&
	add_data 3 $(vals 10 25) &&
	add_data 4 $(vals 10) &&
	read_batches | agg -m update >out &&
	batches "$W" <out >actual &&
	printf "%s\n" "0: 10,5 15,1" "1: 25,1" "2: 25,2" "3:" >expect &&
	test_cmp expect actual &&
	progress 2 "[.stateRows, .numRowsDroppedByWatermark] | map(tostring) | join(\",\")" <out | sed -n 3,4p >actual &&
	printf "%s\n" "\"2,1\"" "\"2,1\"" >expect &&
	test_cmp expect actual
'

# EventTimeWatermarkSuite "event time and watermark metrics": the
# progress eventTime of each batch with data (Spark's first watermark is
# the epoch, st's null: none yet).
test_expect_success 'event time metrics: min, max, avg and the watermark per batch' '
	add_data 1 $(vals 15) &&
	add_data 2 $(vals 10 12 14) &&
	add_data 3 $(vals 25) &&
	rm -rf C && read_batches --checkpoint C | agg --checkpoint C >out &&
	batches "$W" <out >actual &&
	printf "%s\n" "0:" "1:" "2:" "3: 10,3" >expect &&
	test_cmp expect actual &&
	progress 1 ".eventTime | [.min, .max, .avg, .watermark] | map(if . then fromdateiso8601 else \"-\" end | tostring) | join(\",\")" <out >actual &&
	printf "%s\n" "\"15,15,15,-\"" "\"10,14,12,5\"" "\"25,25,25,5\"" "\"-,-,-,15\"" >expect &&
	test_cmp expect actual
'

# EventTimeWatermarkSuite "event time and watermark metrics with
# Trigger.Once (SPARK-24699)": each start runs one batch and no no-data
# batch, so a window the watermark closed comes at the next start.
test_expect_success 'Trigger.Once per start: what the watermark closes comes at the next start' '
	rm -rf C in && mkdir in &&
	once() {
		st-read --trigger once --checkpoint C in | agg --checkpoint C |
		st-sink --raw --checkpoint C >out &&
		batches "$W" <out >>actual &&
		progress 1 ".eventTime | [.min, .max, .avg, .watermark] | map(if . then fromdateiso8601 else \"-\" end | tostring) | join(\",\")" <out >>actual
	} &&
	: >actual && once && test ! -s actual &&
	n=1 && for d in "15" "10 12 14" "25" "50" "50"; do
		add_data $((n + 1)) $(vals $d) && once && n=$((n + 1)) || return 1
	done &&
	cat >expect <<-\EOT &&
	0:
	"15,15,15,-"
	1:
	"10,14,12,5"
	2:
	"25,25,25,5"
	3: 10,3
	"50,50,50,15"
	4: 15,1 25,1
	"50,50,50,40"
	EOT
	test_cmp expect actual
'

# EventTimeWatermarkSuite "recovery" (without its purged commit): the
# watermark and the open windows survive a restart; 10 and 17 are late.
test_expect_success 'recovery: the watermark and the windows survive restarts' '
	rm -rf C &&
	run() {
		read_batches --checkpoint C | agg --checkpoint C |
		st-sink --raw --checkpoint C | batches "$W" >>actual
	} &&
	: >actual &&
	add_data 1 $(vals 10 11 12 13 14 15) && add_data 2 $(vals 25) && run &&
	add_data 3 $(vals 10 27 30) && run &&
	run &&
	add_data 4 $(vals 17) && run &&
	add_data 5 $(vals 40) && run &&
	printf "%s\n" "0:" "1:" "2: 10,5" "3:" "4: 15,1" "5:" "7:" "8: 25,2" >expect &&
	test_cmp expect actual
'

# Two sources, each with its watermark (st-watermark --source), as a
# union of two watermarked streams: one batch of control lines each.
sb() {
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$1"
	[ -z "$2" ] || { printf '{"@st":"source","name":"%s"}\n' "$A"; vals $2; }
	[ -z "$3" ] || { printf '{"@st":"source","name":"%s"}\n' "$B"; vals $3; }
	printf '{"@st":"end","batch":%s}\n' "$1"
}
# The global watermark of each batch, in seconds ("-": none yet).
wms() {
	st-sink --raw --checkpoint C | grep "^{\"@st\":\"begin\"" |
	jq -r "if .wm then (.wm | fromdateiso8601 | tostring) else \"-\" end" | paste -sd " " -
}

# EventTimeWatermarkSuite "watermark with 2 streams": delays of 10 and 5
# seconds, the min policy; each step is followed by a batch of first = 0,
# whose watermark is the one asserted. After a restart Spark restores the
# global watermark but not the sources' own, so that the first source,
# ahead of it before, holds it at 185 until past it again (185 185 190).
# st differs on purpose (st-watermark(1)): each source's watermark is in the
# checkpoint, so that a restarted or replayed batch has the watermark of
# the uninterrupted run (the kill -9 tests assert this): 185 190 190.
test_expect_success 'two watermarks, min policy, and a restart' '
	A=first B=second &&
	steps() {
		_b=$1
		shift
		while [ $# -gt 0 ]; do
			sb $_b "$1" "$2" && sb $((_b + 1)) 0 "" || return 1
			_b=$((_b + 2))
			shift 2
		done
		eos
	} &&
	pipe() {
		st-watermark --checkpoint C --source first -t value -d "10 seconds" |
		st-watermark --checkpoint C --source second -t value -d "5 seconds" |
		wms | tr " " "\n" | sed -n "2~2p" | paste -sd " " -
	} &&
	rm -rf C &&
	steps 0 11 "" "" 6 "" 8 21 "" "" "17 28 39" 31 "" 41 "" 51 "" \
	    100 100 120 110 130 125 100 100 140 100 100 135 200 190 | pipe >actual &&
	echo "- 1 1 3 11 21 31 34 90 105 120 120 120 130 185" >expect &&
	test_cmp expect actual &&
	steps 30 "" "" "" 200 200 "" | pipe >actual &&
	echo "185 190 190" >expect &&
	test_cmp expect actual
'

# dfWithMultipleWatermarks: input1 with a 10 seconds delay, input2 with 15.
multi() {
	st-watermark --checkpoint C --source input1 -t value -d "10 seconds" "$@" |
	st-watermark --checkpoint C --source input2 -t value -d "15 seconds" "$@" | wms
}

# EventTimeWatermarkSuite "MultipleWatermarkPolicy: max": the maximum of
# the sources' watermarks, recovered with the policy, and moving when one
# source alone has data.
test_expect_success 'MultipleWatermarkPolicy max, across a restart' '
	A=input1 B=input2 && rm -rf C &&
	{ sb 0 20 30; sb 1 1 ""; eos; } | multi --policy max >actual &&
	{ sb 2 1 ""; sb 3 120 130; sb 4 1 ""; sb 5 150 ""; sb 6 1 ""; eos; } | multi --policy max >>actual &&
	printf "%s\n" "- 15" "15 15 115 115 140" >expect &&
	test_cmp expect actual
'

# EventTimeWatermarkSuite "MultipleWatermarkPolicy: min": the minimum, not
# moving when only one source has data.
test_expect_success 'MultipleWatermarkPolicy min, across a restart' '
	A=input1 B=input2 && rm -rf C &&
	{ sb 0 20 30; sb 1 1 ""; eos; } | multi --policy min >actual &&
	{ sb 2 1 ""; sb 3 120 130; sb 4 "" 1; sb 5 "" 150; sb 6 "" 1; eos; } | multi --policy min >>actual &&
	printf "%s\n" "- 10" "10 10 110 110 110" >expect &&
	test_cmp expect actual
'

# EventTimeWatermarkSuite "MultipleWatermarkPolicy: recovery from
# checkpoints ignores session conf": the max policy of the first start
# wins over --policy min at the second.
test_expect_success 'MultipleWatermarkPolicy: the checkpointed policy wins' '
	A=input1 B=input2 && rm -rf C &&
	{ sb 0 20 30; sb 1 1 ""; eos; } | multi --policy max >actual &&
	{ sb 2 1 ""; sb 3 120 130; sb 4 1 ""; sb 5 150 ""; sb 6 1 ""; eos; } | multi --policy min 2>err >>actual &&
	printf "%s\n" "- 15" "15 15 115 115 140" >expect &&
	test_cmp expect actual &&
	grep "the checkpoint.s policy .max. wins over --policy .min." err
'

# EventTimeWatermarkSuite "delay threshold should not be negative."
test_expect_success 'a negative delay is refused, however spelt' '
	for d in "-1 year" "1 year -13 months" "1 month -40 days" "-10 seconds"; do
		test_expect_code 2 st-watermark -t value -d "$d" </dev/null 2>err &&
		grep "invalid duration .$d. for --delay: must not be negative" err || return 1
	done
'

# EventTimeWatermarkSuite "append mode - session": session_window(eventTime,
# "5 seconds") by valuegroup = CAST(value / 10 AS INT), count and sum; a
# session is emitted once the watermark passes its end. Spark's no-data
# batch after 35 (watermark 25) is st's batch of 10 (late).
session_fmt='[.valuegroup, (.window.start|fromdateiso8601), (.window.end|fromdateiso8601), .count, .sum] | map(tostring) | join(",")'
test_expect_success 'append mode, session windows by key' '
	add_data 1 $(vals 10 11) &&
	add_data 2 $(vals 17) &&
	add_data 3 $(vals 25) &&
	add_data 4 $(vals 35) &&
	add_data 5 $(vals 10) &&
	add_data 6 $(vals 40) &&
	rm -rf C && read_batches --checkpoint C |
	st-select --checkpoint C -w "valuegroup=CAST(value / 10 AS INT)" |
	st-watermark --checkpoint C -t value -d "10 seconds" |
	st-window --checkpoint C -t value -g "5 seconds" -b valuegroup -a "count(*) AS count, sum(value) AS sum" >out &&
	batches "$session_fmt" <out >actual &&
	printf "%s\n" "0:" "1:" "2:" "3:" "4: 1,10,16,2,21 1,17,22,1,17" "5:" "6: 2,25,30,1,25" >expect &&
	test_cmp expect actual
'

# StreamingSessionWindowSuite "update mode - session window" (SPARK-36463):
# update mode is refused for session windows, a session's range changes.
test_expect_success 'update mode on session windows is refused (SPARK-36463)' '
	test_expect_code 2 st-window -t value -g "5 seconds" -b k -a "count(*) AS n" -m update </dev/null 2>err &&
	grep "update mode is not supported for session windows" err
'

# EventTimeWatermarkSuite "SPARK-35815: Support ANSI intervals for delay
# threshold": every variant gives the same delay (a month 31 days, a year
# 12 of them); the invalid patterns are refused.
test_expect_success 'delay spellings, ANSI intervals included (SPARK-35815)' '
	delay_of() {
		printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}" "{\"t\":100000000}" "{\"@st\":\"end\",\"batch\":0}" \
		    "{\"@st\":\"begin\",\"batch\":1,\"ts\":0}" "{\"@st\":\"end\",\"batch\":1}" "{\"@st\":\"eos\"}" |
		st-watermark -t t -d "$1" | grep "^{\"@st\":\"begin\",\"batch\":1" | jq -r "100000000 - (.wm | fromdateiso8601)"
	} &&
	check() {
		_want=$1
		shift
		for _d in "$@"; do
			[ "$(delay_of "$_d")" = "$_want" ] || { echo "delay $_d: $(delay_of "$_d"), not $_want"; return 1; }
		done
	} &&
	tab=$(printf "\t") &&
	check 259200 "3 days" "Interval 3 day" "inTerval '"'"'3'"'"' day" &&
	check 18000 " 5 hours" "INTERVAL 5 hour" "interval '"'"'5'"'"' hour" &&
	check 480 "${tab}8 minutes" "interval 8 minute" "interval '"'"'8'"'"' minute" &&
	check 10 "10 seconds" "interval 10 second" "interval '"'"'10'"'"' second" &&
	check 32140800 "1 years" "interval 1 year" "interval '"'"'1'"'"' year" &&
	check 2678400 "1 months" "interval 1 month" "interval '"'"'1'"'"' month" &&
	check 93784 "1 day 2 hours 3 minutes 4 seconds" " interval 1 day 2 hours 3 minutes 4 seconds" \
		"${tab}interval '"'"'1'"'"' day '"'"'2'"'"' hours '"'"'3'"'"' minutes '"'"'4'"'"' seconds" "interval '"'"'1 2:3:4'"'"' day to second" &&
	check 37497600 " 1 year 2 months" "interval 1 year 2 month" "interval '"'"'1'"'"' year '"'"'2'"'"' month" "${tab}interval '"'"'1-2'"'"' year to month" &&
	for d in "1 foo" "interva 2 day" "intrval '"'"'3'"'"' day" "interval 4 foo" "interval '"'"'5'"'"' foo" \
	    "interval '"'"'1 2:3:4'"'"' day to hour" "interval '"'"'1 2'"'"' year to month"; do
		test_expect_code 2 st-watermark -t t -d "$d" </dev/null 2>err || return 1
	done
'

test_done
