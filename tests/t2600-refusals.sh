#!/bin/sh
test_description='refusals as Spark UnsupportedOperationChecker: exit 2 before anything is emitted, naming the rule'
. "$(dirname "$0")/lib.sh"

batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
# One batch of two sources: jb ID "LEFT ROWS" "RIGHT ROWS"
jb() {
	printf '{"@st":"begin","batch":%s,"ts":0}\n{"@st":"source","name":"l"}\n' "$1"
	[ -z "$2" ] || printf '%s\n' "$2"
	printf '{"@st":"source","name":"r"}\n'
	[ -z "$3" ] || printf '%s\n' "$3"
	printf '{"@st":"end","batch":%s}\n' "$1"
}
L='{"k":1,"lt":"2020-01-01T00:00:00Z"}'
R='{"k":1,"rt":"2020-01-01T00:00:05Z"}'
WITHIN='rt BETWEEN lt AND lt + INTERVAL 10 SECONDS'

# StreamingDeduplicationWithinWatermarkSuite "deduplicate without event
# time column should result in error"
test_expect_success 'dropDuplicatesWithinWatermark without a watermark' '
	{ batch 0 "{\"u\":1,\"t\":1}"; eos; } | test_expect_code 2 st-dedup -k u -t t --within-watermark >out 2>err &&
	only_abort out st-dedup &&
	grep "^st-dedup: dropDuplicatesWithinWatermark is not supported without a watermark" err &&
	grep "put st-watermark -t t before st-dedup" err
'

test_expect_success 'dropDuplicatesWithinWatermark with a watermark upstream runs' '
	{ batch 0 "{\"u\":1,\"t\":1}"; eos; } | st-watermark -t t -d 1s | st-dedup -k u -t t --within-watermark >out &&
	grep -c "\"u\":1" out >actual && echo 1 >expect && test_cmp expect actual
'

# UnsupportedOperationsSuite "Stream-stream LeftOuter join ... without a
# watermark in the join keys, or a watermark on the nullable side"
test_expect_success 'left outer stream-stream join without a watermark on the right' '
	{ jb 0 "$L" "$R"; eos; } | st-watermark --source l -t lt -d 10s |
	test_expect_code 2 st-join --left l --right r --on k --within "$WITHIN" --type left >out 2>err &&
	only_abort out st-join &&
	grep "^st-join: a left stream-stream join is not supported without a watermark on the right side" err &&
	grep "put st-watermark --source r before st-join" err
'

test_expect_success 'right outer and full outer need the other side watermarked, each' '
	{ jb 0 "$L" "$R"; eos; } | st-watermark --source r -t rt -d 10s |
	test_expect_code 2 st-join --left l --right r --on k --within "$WITHIN" --type right >out 2>err &&
	grep "without a watermark on the left side" err &&
	{ jb 0 "$L" "$R"; eos; } | st-watermark --source l -t lt -d 10s |
	test_expect_code 2 st-join --left l --right r --on k --within "$WITHIN" --type full >out 2>err &&
	grep "without a watermark on the right side" err &&
	{ jb 0 "$L" "$R"; eos; } | st-watermark --source l -t lt -d 10s |
	test_expect_code 2 st-join --left l --right r --on k --within "$WITHIN" --type left_semi >out 2>err &&
	grep "without a watermark on the right side" err
'

test_expect_success 'an outer join with both watermarks runs; an inner join needs none' '
	{ jb 0 "$L" "$R"; eos; } | st-watermark --source l -t lt -d 10s | st-watermark --source r -t rt -d 10s |
	st-join --left l --right r --on k --within "$WITHIN" --type full >out &&
	grep -c "\"k\":1" out >actual && echo 1 >expect && test_cmp expect actual &&
	{ jb 0 "$L" "$R"; eos; } | st-join --left l --right r --on k --within "$WITHIN" >out &&
	grep -c "\"k\":1" out >actual && echo 1 >expect && test_cmp expect actual
'

# UnsupportedOperationsSuite "... outer join ... without a time bound"
test_expect_success 'outer stream-stream join without a time bound' '
	test_expect_code 2 st-join --left l --right r --on k --type left </dev/null 2>err &&
	grep "^st-join: a left stream-stream join needs a time bound" err
'

# UnsupportedOperationsSuite "Multiple streaming aggregations are not
# supported" (in update and complete modes; append chains are allowed)
test_expect_success 'an aggregation over the update output of another' '
	{ batch 0 "{\"k\":1}"; eos; } | st-window -b k -a "count(*) AS n" -m update |
	test_expect_code 2 st-window -b n -a "count(*) AS m" -m update >out 2>err &&
	only_abort out st-window &&
	grep "^st-window: multiple streaming aggregations are not supported in update mode" err
'

# UnsupportedOperationsSuite "stream-stream join ... in Update mode": a join
# of two streams is append only; deduplication likewise.
test_expect_success 'a stream-stream join or a dedup over update output' '
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0,\"mode\":\"update\",\"keys\":[\"k\"]}" "{\"@st\":\"end\",\"batch\":0}" >upd &&
	test_expect_code 2 st-join --left l --right r --on k <upd >out 2>err &&
	grep "^st-join: a join between two streams is not supported in update output mode" err &&
	test_expect_code 2 st-dedup -k k <upd >out 2>err &&
	grep "^st-dedup: deduplication of the update-mode output of an aggregation is not supported" err
'

# Kept: UnsupportedOperationsSuite "append mode ... aggregation without
# watermark".
test_expect_success 'append mode on an aggregation without a watermark (kept)' '
	{ batch 0 "{\"t\":\"2020-01-01 00:00:00\"}"; eos; } |
	test_expect_code 2 st-window -t t -s 1m -a "count(*) AS n" >out 2>err &&
	grep "^st-window: append mode needs a watermark" err
'

test_done
