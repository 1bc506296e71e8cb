#!/bin/sh
test_description='st-join against Spark StreamingJoinSuite: inner joins with restarts and two-side bounds, windowed and range outer joins (left, right, full), left semi joins, self joins'
. "$(dirname "$0")/lib.sh"

# One batch: jb ID SIDE ROW... (one source), m2 ID "LEFT VALUES" "RIGHT
# VALUES" (MultiAddData), nd ID (a no-data batch: Spark's, run because the
# watermark moved).
jb() {
	_id=$1 _side=$2
	shift 2
	printf '{"@st":"begin","batch":%s,"ts":0}\n{"@st":"source","name":"%s"}\n' "$_id" "$_side"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_id"
}
m2() {
	printf '{"@st":"begin","batch":%s,"ts":0}\n{"@st":"source","name":"left"}\n' "$1"
	for _v in $2; do printf '{"value":%s}\n' "$_v"; done
	printf '{"@st":"source","name":"right"}\n'
	for _v in $3; do printf '{"value":%s}\n' "$_v"; done
	printf '{"@st":"end","batch":%s}\n' "$1"
}
nd() { printf '{"@st":"begin","batch":%s,"ts":0,"noData":true}\n{"@st":"end","batch":%s}\n' "$1" "$1"; }
ts() { printf '"1970-01-01T%02d:%02d:%02dZ"' $(($1 / 3600)) $(($1 / 60 % 60)) $(($1 % 60)); }
# Per batch "id:" then each row (in output order; Spark's answers are
# unordered) as the columns listed (timestamps in seconds) and, with
# STATE=1, the state rows after the batch in brackets.
rows() {
	jq -r --arg e "$1" --arg state "${STATE:-0}" 'def sec: if . == null then "-" else fromdateiso8601 | tostring end;
	    if .["@st"] == "begin" then "B \(.batch)"
	    elif .["@st"] == "end" then
		"E " + (if $state == "1" then (.progress[-1] | "[\(.stateRowsLeft + .stateRowsRight)]") else "" end)
	    elif .["@st"] then empty
	    else "D " + ([.[($e | split(","))[]]] | map(if type == "string" and test("^1970-") then sec else tostring end) | join(",")) end' |
	awk '/^B/ { b = $2; s = "" } /^D/ { s = s " " $2 } /^E/ { print b ":" s ($2 == "" ? "" : " " $2) }'
}
# Every tool keeps its state in the checkpoint $CK.
both() {
	st-watermark --checkpoint "$CK" --source left -t leftTime -d "${DL:-10 seconds}" |
	st-watermark --checkpoint "$CK" --source right -t rightTime -d "${DR:-10 seconds}"
}

# setupWindowedJoin: key = value, window(time, "10 seconds"), leftValue =
# value * 2, rightValue = value * 3, 10 seconds watermarks, joined on key
# and window. st has no window() in expressions: the window end (wend,
# seconds) is a key and, as timestamps, the time bound leftEnd = rightEnd,
# so that a row is evicted once the watermark reaches its window end (as
# Spark's key watermark on the window).
windowed() {
	st-select --checkpoint "$CK" --name sl --source left "value AS key, timestamp_seconds(value) AS leftTime, value * 2 AS leftValue, CAST(floor(value / 10) * 10 + 10 AS INT) AS wend, timestamp_seconds(floor(value / 10) * 10 + 10) AS leftEnd" |
	st-select --checkpoint "$CK" --name sr --source right "value AS key, timestamp_seconds(value) AS rightTime, value * 3 AS rightValue, CAST(floor(value / 10) * 10 + 10 AS INT) AS wend, timestamp_seconds(floor(value / 10) * 10 + 10) AS rightEnd" |
	both |
	st-join --checkpoint "$CK" --left left --right right --on "key, wend" --within "leftEnd BETWEEN rightEnd AND rightEnd" \
		--drop-left leftEnd,leftTime --drop-right rightEnd,rightTime "$@"
}

# StreamingOuterJoinSuite "windowed left outer join" and "windowed right
# outer join": the unmatched rows of window [0, 10) come null-extended once
# the watermark is 11; two rows stay in state.
test_expect_success 'windowed left and right outer joins' '
	rm -rf C C1 C2 &&
	{ m2 0 "1 2 3 4 5" "3 4 5 6 7"; m2 1 21 22; nd 2; jb 3 left "{\"value\":22}"; nd 4; eos; } >in &&
	CK=C1 windowed --type left <in | STATE=1 rows key,wend,leftValue,rightValue >actual &&
	cat >expect <<-\EOT &&
	0: 3,10,6,9 4,10,8,12 5,10,10,15 [10]
	1: [12]
	2: 1,10,2,null 2,10,4,null [2]
	3: 22,30,44,66 [3]
	4: [3]
	EOT
	test_cmp expect actual &&
	CK=C2 windowed --type right <in | STATE=1 rows key,wend,leftValue,rightValue >actual &&
	cat >expect <<-\EOT &&
	0: 3,10,6,9 4,10,8,12 5,10,10,15 [10]
	1: [12]
	2: 6,10,null,18 7,10,null,21 [2]
	3: 22,30,44,66 [3]
	4: [3]
	EOT
	test_cmp expect actual
'

# StreamingFullOuterJoinSuite "windowed full outer join", with its restart:
# after it, rows of window [0, 10) are late (the state watermark is 12).
test_expect_success 'windowed full outer join, late rows after a restart' '
	rm -rf C C1 C2 &&
	{ m2 0 "1 2 3 4 5" "3 4 5 6 7"; m2 1 21 22; nd 2; jb 3 left "{\"value\":22}"; eos; } |
	CK=C windowed --type full | STATE=1 rows key,wend,leftValue,rightValue >actual &&
	{ jb 4 left "{\"value\":1}"; jb 5 right "{\"value\":5}"; eos; } |
	CK=C windowed --type full >out &&
	STATE=1 rows key,wend,leftValue,rightValue <out >>actual &&
	cat >expect <<-\EOT &&
	0: 3,10,6,9 4,10,8,12 5,10,10,15 [10]
	1: [12]
	2: 1,10,2,null 2,10,4,null 6,10,null,18 7,10,null,21 [2]
	3: 22,30,44,66 [3]
	4: [3]
	5: [3]
	EOT
	test_cmp expect actual &&
	grep "^{\"@st\":\"end\"" out | jq -c ".progress[-1].numRowsDroppedByWatermark" | paste -sd " " - >actual &&
	echo "1 1" >expect && test_cmp expect actual
'

# StreamingLeftSemiJoinSuite "windowed left semi join": each matching left
# row once; a left row matched on arrival is not buffered.
test_expect_success 'windowed left semi join' '
	rm -rf C C1 C2 &&
	{ m2 0 "1 2 3 4 5" "3 4 5 6 7"; m2 1 21 22; nd 2; jb 3 left "{\"value\":22}"; eos; } |
	CK=C windowed --type left_semi | STATE=1 rows key,wend,leftValue >actual &&
	cat >expect <<-\EOT &&
	0: 3,10,6 4,10,8 5,10,10 [10]
	1: [12]
	2: [2]
	3: 22,30,44 [2]
	EOT
	test_cmp expect actual
'

# StreamingFullOuterJoinSuite "full outer early state exclusion on left"
# and "... on right" (setupWindowedJoinWithLeftCondition and
# ...RightCondition): a row failing a condition on its own side is
# null-extended at once; the other side's unmatched rows when the
# watermark passes.
test_expect_success 'full outer: early state exclusion on the left and on the right' '
	rm -rf C C1 C2 &&
	{ m2 0 "1 2 3" "3 4 5"; m2 1 20 21; nd 2; jb 3 right "{\"value\":20}"; eos; } |
	CK=C1 windowed --type full --on "key = key AND wend = wend AND leftValue > 4" |
	STATE=1 rows key,wend,leftValue,rightValue >actual &&
	cat >expect <<-\EOT &&
	0: 1,10,2,null 2,10,4,null 3,10,6,9 [4]
	1: [6]
	2: 4,10,null,12 5,10,null,15 [2]
	3: 20,30,40,60 [3]
	EOT
	test_cmp expect actual &&
	{ m2 0 "3 4 5" "1 2 3"; m2 1 20 21; nd 2; jb 3 right "{\"value\":20}"; eos; } |
	CK=C2 windowed --type full --on "key = key AND wend = wend AND rightValue > 7" |
	STATE=1 rows key,wend,leftValue,rightValue >actual &&
	cat >expect <<-\EOT &&
	0: 1,10,null,3 2,10,null,6 3,10,6,9 [4]
	1: [6]
	2: 4,10,8,null 5,10,10,null [2]
	3: 20,30,40,60 [3]
	EOT
	test_cmp expect actual
'

# setupJoinWithRangeCondition: leftKey, leftTime, leftValue = key * 2 and
# rightKey, rightTime, rightValue = key * 3, joined on the keys and
# leftTime BETWEEN rightTime - BOUND AND rightTime + BOUND.
L() { printf '{"leftKey":%s,"leftTime":%s,"leftValue":%s}' "$1" "$(ts "$2")" $(($1 * 2)); }
R() { printf '{"rightKey":%s,"rightTime":%s,"rightValue":%s}' "$1" "$(ts "$2")" $(($1 * 3)); }
range() {
	_bound=$1
	shift
	both | st-join --checkpoint "$CK" --left left --right right --on "leftKey = rightKey" \
		--within "leftTime BETWEEN rightTime - $_bound AND rightTime + $_bound" "$@"
}

# StreamingOuterJoinSuite "left outer with watermark range condition" and
# "right outer with watermark range condition", with 5 seconds bounds and a
# 10 seconds watermark, then with 3 minutes 30 seconds (spelt both ways)
# and a 10 minutes watermark.
test_expect_success 'left and right outer joins with a range condition, three spellings of the bound' '
	rm -rf C C1 C2 &&
	{
		jb 0 left "$(L 1 5)" "$(L 3 5)"; jb 1 right "$(R 1 10)" "$(R 2 5)"; jb 2 right "$(R 1 11)"
		jb 3 left "$(L 1 7)" "$(L 1 30)"; jb 4 right "$(R 0 30)"; nd 5; eos
	} >in1 &&
	{
		jb 0 left "$(L 1 210)" "$(L 3 5)"; jb 1 right "$(R 1 300)" "$(R 2 5)"; jb 2 right "$(R 1 450)"
		jb 3 left "$(L 1 260)" "$(L 1 1800)"; jb 4 right "$(R 0 1800)"; nd 5; eos
	} >in2 &&
	CK=C1 range "interval 5 seconds" --type left <in1 | STATE=1 rows leftKey,rightKey,leftTime,rightTime >actual &&
	cat >expect <<-\EOT &&
	0: [2]
	1: 1,1,5,10 [4]
	2: [5]
	3: 1,1,7,10 1,1,7,11 [7]
	4: [8]
	5: 3,null,5,null [2]
	EOT
	test_cmp expect actual &&
	CK=C2 range "interval 5 seconds" --type right <in1 | rows leftKey,rightKey,leftTime,rightTime | tail -n 1 >actual &&
	echo "5: null,2,null,5" >expect &&
	test_cmp expect actual &&
	DL="10 minutes" DR="10 minutes" &&
	for b in "interval 3 minutes 30 seconds" "interval '"'"'3:30'"'"' minute to second"; do
		for t in left right; do
			rm -rf C && CK=C range "$b" --type $t <in2 | STATE=1 rows leftKey,rightKey,leftTime,rightTime >actual.$t || return 1
		done &&
		cat >expect <<-\EOT &&
		0: [2]
		1: 1,1,210,300 [4]
		2: [5]
		3: 1,1,260,300 1,1,260,450 [7]
		4: [8]
		5: 3,null,5,null [2]
		EOT
		test_cmp expect actual.left &&
		tail -n 1 actual.right >actual &&
		echo "5: null,2,null,5 [2]" >expect &&
		test_cmp expect actual || return 1
	done
'

# StreamingFullOuterJoinSuite "full outer join with watermark range
# condition" and StreamingLeftSemiJoinSuite "left semi join with watermark
# range condition": a left row matched on arrival is not buffered by the
# semi join, nor emitted twice.
test_expect_success 'full outer and left semi joins with a range condition' '
	rm -rf C C1 C2 &&
	{
		jb 0 left "$(L 1 5)" "$(L 3 5)"; jb 1 right "$(R 1 10)" "$(R 2 5)"; jb 2 right "$(R 1 9)"
		jb 3 left "$(L 1 7)" "$(L 1 30)"; jb 4 right "$(R 0 30)"; nd 5; eos
	} >in &&
	CK=C1 range "interval 5 seconds" --type full <in | STATE=1 rows leftKey,rightKey,leftTime,rightTime >actual &&
	cat >expect <<-\EOT &&
	0: [2]
	1: 1,1,5,10 [4]
	2: 1,1,5,9 [5]
	3: 1,1,7,10 1,1,7,9 [7]
	4: [8]
	5: 3,null,5,null null,2,null,5 [2]
	EOT
	test_cmp expect actual &&
	CK=C2 range "interval 5 seconds" --type left_semi <in | STATE=1 rows leftKey,leftTime >actual &&
	cat >expect <<-\EOT &&
	0: [2]
	1: 1,5 [4]
	2: [5]
	3: 1,7 [6]
	4: [7]
	5: [2]
	EOT
	test_cmp expect actual
'

test_done
