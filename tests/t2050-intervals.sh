#!/bin/sh
test_description='intervals: every spelling Spark accepts for a delay, a window or an INTERVAL literal'
. "$(dirname "$0")/lib.sh"

batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
# wm DELAY: the watermark of the batch after one event at 10:00:00.
wm() {
	{ batch 0 '{"t":"2019-02-05 10:00:00"}'; batch 1; } |
	st-watermark -t t -d "$1" | grep '"begin"' |
	sed -n '2s/.*"wm":\([^,}]*\).*/\1/p'
}

# EventTimeWatermarkSuite "delay in months and years handled correctly":
# withWatermark("eventTime", "2 years 5 months") puts the watermark 29
# months of 31 days (IntervalUtils.getDuration) behind the max event time.
test_expect_success 'a delay in years and months: a month counts 31 days' '
	{ batch 0 "{\"t\":\"2019-02-05 10:00:00\"}"; batch 1; } |
	st-watermark -t t -d "2 years 5 months" | grep "\"begin\"" >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"ts":0,"delay":"899 days","wm":null}
	{"@st":"begin","batch":1,"ts":0,"delay":"899 days","wm":"2016-08-20T10:00:00Z"}
	EOT
	test_cmp expect actual
'

# MultiStatefulOperatorsSuite "window agg -> window agg, append mode":
# withWatermark("eventTime", "0 seconds").
test_expect_success 'a delay of 0 seconds: the watermark is the max event time' '
	wm "0 seconds" >actual &&
	echo "\"2019-02-05T10:00:00Z\"" >expect &&
	test_cmp expect actual
'

# IntervalUtils.stringToInterval takes an "interval" prefix; the SQL
# interval literal (withWatermark parses its delay as one) takes quoted
# numbers and the ANSI 'text' FROM TO forms.
test_expect_success 'interval prefix, quoted numbers and ANSI forms as delays' '
	for d in "interval 10 seconds" "'"'"'10'"'"' seconds" \
	    "INTERVAL '"'"'10'"'"' SECOND" "interval '"'"'0:10'"'"' minute to second"; do
		wm "$d" || return 1
	done >actual &&
	for i in 1 2 3 4; do echo "\"2019-02-05T09:59:50Z\""; done >expect &&
	test_cmp expect actual &&
	wm "interval '"'"'1 10:00:00'"'"' day to second" >actual &&
	echo "\"2019-02-04T00:00:00Z\"" >expect &&
	test_cmp expect actual &&
	wm "INTERVAL '"'"'1-2'"'"' YEAR TO MONTH" >actual &&
	echo "\"2017-11-28T10:00:00Z\"" >expect &&
	test_cmp expect actual
'

test_expect_success 'a window duration in the ANSI form' '
	printf "%s\n" "{\"t\":\"2019-02-05 10:00:10\"}" "{\"t\":\"2019-02-05 10:03:40\"}" |
	st-window -t t -s "interval '"'"'3:30'"'"' minute to second" -m update \
	    -a "count(*) AS n" | jq -c "{s: .window.start, n}" >actual &&
	cat >expect <<-\EOT &&
	{"s":"2019-02-05T09:58:00Z","n":1}
	{"s":"2019-02-05T10:01:30Z","n":1}
	EOT
	test_cmp expect actual
'

# TimeWindow.getIntervalInMicroSeconds: "Intervals greater than a month is
# not supported"; Dataset.withWatermark: "delay threshold ... should not
# be negative". A bad spelling is refused with a caret under it.
test_expect_success 'refusals name the problem and point at it' '
	test_expect_code 2 st-window -t t -s "1 month" -a "count(*) AS n" </dev/null 2>err &&
	cat >expect <<-\EOT &&
	st-window: invalid duration '"'"'1 month'"'"' for --size: months and years have no fixed length (Spark refuses them here too; use days)
	  1 month
	  ^
	EOT
	head -n 3 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-watermark -t t -d "-5 seconds" </dev/null 2>err &&
	head -n 1 err >actual &&
	echo "st-watermark: invalid duration '"'"'-5 seconds'"'"' for --delay: must not be negative" >expect &&
	test_cmp expect actual &&
	test_expect_code 2 st-watermark -t t -d "interval '"'"'3:61'"'"' minute to second" </dev/null 2>err &&
	cat >expect <<-\EOT &&
	st-watermark: invalid duration '"'"'interval '"'"'3:61'"'"' minute to second'"'"' for --delay: SECOND 61 outside range [0, 59] in '"'"'3:61'"'"'
	  interval '"'"'3:61'"'"' minute to second
	              ^
	EOT
	head -n 3 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-watermark -t t -d "10 secs and more" </dev/null 2>err &&
	head -n 1 err >actual &&
	echo "st-watermark: invalid duration '"'"'10 secs and more'"'"' for --delay: expected a number, found '"'"'and'"'"'" >expect &&
	test_cmp expect actual
'

# ExpressionParserSuite "intervals" / the SQL reference's interval
# literals: INTERVAL '3:30' MINUTE TO SECOND and friends in expressions.
test_expect_success 'INTERVAL literals in expressions' '
	echo "{\"t\":\"2019-02-05T10:00:00Z\"}" |
	st-select "t + INTERVAL '"'"'3:30'"'"' MINUTE TO SECOND AS a,
	    t - interval '"'"'1 10:00:00'"'"' day to second AS b,
	    t + INTERVAL '"'"'1 day 2 hours'"'"' AS c, t + interval 10 seconds AS d,
	    t + INTERVAL -'"'"'1'"'"' DAY AS e, t + INTERVAL 1 DAY - INTERVAL 1 HOUR AS f" >actual &&
	echo "{\"a\":\"2019-02-05T10:03:30Z\",\"b\":\"2019-02-04T00:00:00Z\",\"c\":\"2019-02-06T12:00:00Z\",\"d\":\"2019-02-05T10:00:10Z\",\"e\":\"2019-02-04T10:00:00Z\",\"f\":\"2019-02-06T09:00:00Z\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'year-month intervals are refused in expressions, with a caret' '
	test_expect_code 2 st-select "INTERVAL '"'"'1-2'"'"' YEAR TO MONTH AS i" </dev/null 2>err &&
	cat >expect <<-\EOT &&
	st-select: invalid expression at column 10: year-month intervals are not supported in expressions (use days)
	  INTERVAL '"'"'1-2'"'"' YEAR TO MONTH AS i
	           ^
	EOT
	test_cmp expect err
'

test_done
