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
# STATE=1, the state rows after the batch in brackets (from the progress
# entry STAGE, default the last: st-join's).
rows() {
	jq -r --arg e "$1" --arg state "${STATE:-0}" --argjson stage "${STAGE:--1}" 'def sec: if . == null then "-" else fromdateiso8601 | tostring end;
	    if .["@st"] == "begin" then "B \(.batch)"
	    elif .["@st"] == "end" then
		"E " + (if $state == "1" then (.progress[$stage] | "[\(.stateRowsLeft + .stateRowsRight)]") else "" end)
	    elif .["@st"] then empty
	    else "D " + ([.[($e | split(","))[]]] | map(if type == "string" and test("^1970-") then sec else tostring end) | join(",")) end' |
	awk '/^B/ { b = $2; s = "" } /^D/ { s = s " " substr($0, 3) }
	    /^E/ { e = substr($0, 3); print b ":" s (e == "" ? "" : " " e) }'
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
range2() {
	both | st-join --checkpoint "$CK" --left left --right right --on "leftKey = rightKey" \
		--within "leftTime BETWEEN rightTime - interval 10 seconds AND rightTime + interval 5 seconds"
}
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

# StreamingInnerJoinSuite "stream stream inner join on non-time column",
# with its two restarts: no watermark, every row kept, duplicates joined
# once each.
test_expect_success 'inner join on a non-time column across restarts' '
	rm -rf C &&
	v() { for _x in "$@"; do printf "{\"value\":%s}\n" "$_x"; done; } &&
	q() {
		st-select --checkpoint C --name sl --source l "value AS key, value * 2 AS leftValue" 2>/dev/null |
		st-select --checkpoint C --name sr --source r "value AS key, value * 3 AS rightValue" 2>/dev/null |
		st-join --checkpoint C --left l --right r --on key 2>/dev/null | st-sink --raw --checkpoint C |
		rows key,leftValue,rightValue
	} &&
	{ jb 0 l "$(v 1)"; jb 1 r "$(v 1 10)"; jb 2 l "$(v 10)"; jb 3 r "$(v 1)"; eos; } | q >actual &&
	{ jb 4 l "$(v 1)"; eos; } | q >>actual &&
	{ jb 5 l "$(v 100)"; jb 6 r "$(v 100)"; eos; } | q >>actual &&
	printf "%s\n" "0:" "1: 1,2,3" "2: 10,20,30" "3: 1,2,3" "4: 1,2,3 1,2,3" "5:" "6: 100,200,300" >expect &&
	test_cmp expect actual
'

# StreamingInnerJoinSuite "stream stream inner join without equality
# predicate" is refused.
test_expect_success 'a stream-stream join without an equality is refused' '
	test_expect_code 2 st-join --left l --right r --on "leftKey < rightKey" </dev/null >out 2>err &&
	grep "has no equality between a left and a right column" err
'

# StreamingInnerJoinSuite "stream stream inner join with time range - with
# watermark - two side conditions": watermarks of 20 and 30 seconds,
# leftTime BETWEEN rightTime - 10 seconds AND rightTime + 5 seconds; the
# global watermark is the minimum (30, then 46). Spark's state counts:
# at the watermark 30, left 20 (partners up to 30) and right 25 (up to 30)
# stay, Spark's state watermark being "slightly less" for a <= bound, and
# only right 14 and 15 go (12 - 2 = 10); at 46, 6 remain. (Spark's no-data
# batches after batches 3 and 6 are batches 4 and 7 here.)
test_expect_success 'inner join, asymmetric bounds and delays: rows, state and late rows' '
	rm -rf C &&
	{
		jb 0 left "$(L 1 20)"
		jb 1 right "$(R 1 14)" "$(R 1 15)" "$(R 1 25)" "$(R 1 26)" "$(R 1 30)" "$(R 1 31)"
		jb 2 right "$(R 1 60)"
		jb 3 left "$(L 1 49)" "$(L 1 50)" "$(L 1 65)" "$(L 1 66)"
		nd 4
		jb 5 left "$(L 1 30)" "$(L 1 31)"
		jb 6 right "$(R 1 80)"
		nd 7
		jb 8 right "$(R 1 46)" "$(R 1 50)"
		eos
	} | DL="20 seconds" DR="30 seconds" CK=C range2 >out &&
	STATE=1 rows leftKey,leftTime,rightTime <out >actual &&
	cat >expect <<-\EOT &&
	0: [1]
	1: 1,20,15 1,20,25 1,20,26 1,20,30 [7]
	2: [8]
	3: 1,50,60 1,65,60 [12]
	4: [10]
	5: 1,31,26 1,31,30 1,31,31 [11]
	6: [12]
	7: [6]
	8: 1,49,50 1,50,50 [7]
	EOT
	test_cmp expect actual &&
	grep "^{\"@st\":\"end\"" out | jq -c ".progress[-1].numRowsDroppedByWatermark" | paste -sd " " - >actual &&
	echo "0 0 0 0 0 1 0 0 1" >expect &&
	test_cmp expect actual
'

# StreamingOuterJoinSuite "SPARK-32148 stream-stream join regression on
# Spark 3.0.0": delays of 2 and 4 minutes, 30 seconds either way, a left
# outer join on left.id = right.id; the row without a partner comes once
# the watermark passes it.
test_expect_success 'left outer join of two sides with the same columns (SPARK-32148)' '
	rm -rf C &&
	b() { printf "{\"eventTime\":\"%s\",\"id\":\"%s\",\"%s\":\"%s\"}\n" "$1" "$2" "$3" "$4"; } &&
	{
		printf "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}\n{\"@st\":\"source\",\"name\":\"left\"}\n"
		b "2020-01-01 00:00:00" abc comment "has no join partner"
		b "2020-01-02 00:00:00" abc comment "joined with A"
		b "2020-01-02 01:00:00" abc comment "joined with B"
		printf "{\"@st\":\"source\",\"name\":\"right\"}\n"
		b "2020-01-02 00:00:10" abc name A
		b "2020-01-02 00:59:59" abc name B
		b "2020-01-02 02:00:00" abc name C
		printf "{\"@st\":\"end\",\"batch\":0}\n"
		nd 1; eos
	} | st-watermark --checkpoint C --source left -t eventTime -d "2 minutes" |
	st-watermark --checkpoint C --source right -t eventTime -d "4 minutes" |
	st-join --checkpoint C --left left --right right --type left --on "left.id = right.id" \
		--within "left.eventTime BETWEEN right.eventTime - INTERVAL 30 seconds AND right.eventTime + INTERVAL 30 seconds" |
	grep -v "^{\"@st\"" >actual &&
	cat >expect <<-\EOT &&
	{"eventTime":"2020-01-02 00:00:00","id":"abc","comment":"joined with A","right_eventTime":"2020-01-02 00:00:10","name":"A"}
	{"eventTime":"2020-01-02 01:00:00","id":"abc","comment":"joined with B","right_eventTime":"2020-01-02 00:59:59","name":"B"}
	{"eventTime":"2020-01-01 00:00:00","id":"abc","comment":"has no join partner","right_eventTime":null,"name":null}
	EOT
	test_cmp expect actual
'

# StreamingOuterJoinSuite "SPARK-38684: outer join works correctly even if
# processing input rows and evicting state rows for same grouping key
# happens in the same micro-batch" (no no-data batches, 0 second delays):
# "left in batch 2" is evicted null-extended in the batch where "left in
# batch 3" matches.
test_expect_success 'left outer: eviction and a match for one key in one batch (SPARK-38684)' '
	rm -rf C &&
	b() { printf "{\"eventTime\":\"%s\",\"id\":\"abc\",\"comment\":\"%s\"}\n" "$1" "$2"; } &&
	s() { printf "{\"@st\":\"source\",\"name\":\"%s\"}\n" "$1"; } &&
	{
		printf "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}\n"; s left; b "2020-01-02 00:00:00" "left in batch 1"
		s right; b "2020-01-02 00:01:00" "right in batch 1"; printf "{\"@st\":\"end\",\"batch\":0}\n"
		printf "{\"@st\":\"begin\",\"batch\":1,\"ts\":0}\n"; s left; b "2020-01-02 01:00:00" "left in batch 2"
		s right; b "2020-01-02 01:01:00" "right in batch 2"; printf "{\"@st\":\"end\",\"batch\":1}\n"
		jb 2 left "$(b "2020-01-02 01:30:00" "left in batch 3")"
		jb 3 right "$(b "2020-01-02 01:30:10" "match with left in batch 3")"
		eos
	} | st-watermark --checkpoint C --source left -t eventTime -d "0 second" |
	st-watermark --checkpoint C --source right -t eventTime -d "0 second" |
	st-join --checkpoint C --left left --right right --type left --on "left.id = right.id" \
		--within "left.eventTime BETWEEN right.eventTime - INTERVAL 30 seconds AND right.eventTime + INTERVAL 30 seconds" |
	rows comment,right_comment >actual &&
	cat >expect <<-\EOT &&
	0:
	1:
	2: left in batch 1,null
	3: left in batch 3,match with left in batch 3 left in batch 2,null
	EOT
	test_cmp expect actual
'

# setupSelfJoin: one input of (value, time) read twice, the right side only
# the even values; leftId = rightId AND rightTime >= leftTime AND rightTime
# <= leftTime + 5 seconds, 5 seconds watermarks. st reads the input as two
# sources. StreamingOuterJoinSuite "SPARK-26187 self left outer join should
# not return outer nulls for already matched rows", "SPARK-26187 self right
# outer join ..." (sides flipped), StreamingFullOuterJoinSuite "self full
# outer join", StreamingLeftSemiJoinSuite "self left semi join", with
# Spark's state counts for the left outer join (7, 13, 15: left 4, whose
# partners end at the watermark 9, stays). (Spark's semi join never
# buffers the odd left rows, pushing value % 2 = 0 through the join: its
# state counts differ, its rows do not.)
self_in() {
	for _b in 0 1 2; do
		printf '{"@st":"begin","batch":%s,"ts":0}\n{"@st":"source","name":"left"}\n' $((_b * 2))
		for _v in $(seq $((_b * 5 + 1)) $((_b * 5 + 5))); do
			[ "${1:-}" = even-left ] && [ $((_v % 2)) = 1 ] && continue
			printf '{"leftId":%s,"leftTime":%s}\n' $_v $_v
		done
		printf '{"@st":"source","name":"right"}\n'
		for _v in $(seq $((_b * 5 + 1)) $((_b * 5 + 5))); do
			[ "${1:-}" != even-left ] && [ $((_v % 2)) = 1 ] && continue
			printf '{"rightId":%s,"rightTime":%s}\n' $_v $_v
		done
		printf '{"@st":"end","batch":%s}\n' $((_b * 2))
		nd $((_b * 2 + 1))
	done
	eos
}
self() {
	DL="5 seconds" DR="5 seconds" both |
	st-join --checkpoint "$CK" --left left --right right --on "leftId = rightId" "$@"
}
test_expect_success 'self joins: left outer, right outer, full outer, left semi (SPARK-26187)' '
	rm -rf C1 C2 C3 C4 &&
	self_in | CK=C1 self --type left --within "rightTime >= leftTime AND rightTime <= leftTime + interval 5 seconds" >out &&
	STATE=1 rows leftId,leftTime,rightId,rightTime <out | sed -n "2p;4p;6p" >actual &&
	printf "%s\n" "1: [7]" "3: [13]" "5: 1,1,null,null 3,3,null,null [15]" >expect &&
	test_cmp expect actual &&
	rows leftId,leftTime,rightId,rightTime <out >actual &&
	cat >expect <<-\EOT &&
	0: 2,2,2,2 4,4,4,4
	1:
	2: 6,6,6,6 8,8,8,8 10,10,10,10
	3:
	4: 12,12,12,12 14,14,14,14
	5: 1,1,null,null 3,3,null,null
	EOT
	test_cmp expect actual &&
	self_in even-left | CK=C2 self --type right --within "leftTime >= rightTime AND leftTime <= rightTime + interval 5 seconds" |
	rows leftId,leftTime,rightId,rightTime >actual &&
	sed "s/\([0-9]*\),\([0-9]*\),null,null/null,null,\1,\2/g" expect >expect.right &&
	test_cmp expect.right actual &&
	self_in | CK=C3 self --type full --within "rightTime >= leftTime AND rightTime <= leftTime + interval 5 seconds" |
	rows leftId,leftTime,rightId,rightTime >actual &&
	test_cmp expect actual &&
	self_in | CK=C4 self --type left_semi --within "rightTime >= leftTime AND rightTime <= leftTime + interval 5 seconds" |
	rows leftId,leftTime >actual &&
	printf "%s\n" "0: 2,2 4,4" "1:" "2: 6,6 8,8 10,10" "3:" "4: 12,12 14,14" "5:" >expect &&
	test_cmp expect actual
'

# StreamingInnerJoinSuite "stream stream inner join on windows - with
# watermark" (a watermark on the left input only, restarts between) and
# "SPARK-35896: metrics in StateOperatorProgress are output correctly":
# the watermark 15 evicts both rows of window [0, 10) (stateRowsRemoved 2);
# after it, rows of that window neither join nor stay. (Spark does not
# count the right row, whose side has no watermark of its own, in
# numRowsDroppedByWatermark; st does: its time is at or before the global
# watermark.)
test_expect_success 'windowed inner join, watermark on one side, across restarts (SPARK-35896)' '
	rm -rf C &&
	w() {
		st-select --checkpoint C --name sl --source left "value AS key, timestamp_seconds(value) AS leftTime, value * 2 AS leftValue, CAST(floor(value / 10) * 10 + 10 AS INT) AS wend, timestamp_seconds(floor(value / 10) * 10 + 10) AS leftEnd" 2>/dev/null |
		st-select --checkpoint C --name sr --source right "value AS key, timestamp_seconds(value) AS rightTime, value * 3 AS rightValue, CAST(floor(value / 10) * 10 + 10 AS INT) AS wend, timestamp_seconds(floor(value / 10) * 10 + 10) AS rightEnd" 2>/dev/null |
		st-watermark --checkpoint C --source left -t leftTime -d "10 seconds" |
		st-join --checkpoint C --left left --right right --on "key, wend" --within "leftEnd BETWEEN rightEnd AND rightEnd" \
			--drop-left leftEnd,leftTime --drop-right rightEnd,rightTime 2>/dev/null |
		st-sink --raw --checkpoint C | tee -a out | STATE=1 STAGE=-2 rows key,wend,leftValue,rightValue
	} &&
	: >out &&
	{ jb 0 left "{\"value\":1}"; jb 1 right "{\"value\":1}"; eos; } | w >actual &&
	{ jb 2 left "{\"value\":25}"; nd 3; jb 4 right "{\"value\":25}"; eos; } | w >>actual &&
	{ jb 5 right "{\"value\":1}"; jb 6 left "{\"value\":5}"; eos; } | w >>actual &&
	cat >expect <<-\EOT &&
	0: [1]
	1: 1,10,2,3 [2]
	2: [3]
	3: [1]
	4: 25,30,50,75 [2]
	5: [2]
	6: [2]
	EOT
	test_cmp expect actual &&
	grep "^{\"@st\":\"end\"" out | jq -c ".progress[-2] | [.stateRowsRemoved, .numRowsDroppedByWatermark]" | paste -sd " " - >actual &&
	echo "[0,0] [0,0] [0,0] [2,0] [0,0] [0,1] [0,1]" >expect &&
	test_cmp expect actual
'

# StreamingInnerJoinSuite "stream stream inner join on windows - without
# watermark": nothing is evicted, an old window still joins after restarts.
test_expect_success 'windowed inner join without a watermark keeps every row' '
	rm -rf C &&
	w() {
		st-select --checkpoint C --name sl --source left "value AS key, value * 2 AS leftValue, CAST(floor(value / 10) * 10 + 10 AS INT) AS wend" 2>/dev/null |
		st-select --checkpoint C --name sr --source right "value AS key, value * 3 AS rightValue, CAST(floor(value / 10) * 10 + 10 AS INT) AS wend" 2>/dev/null |
		st-join --checkpoint C --left left --right right --on "key, wend" 2>/dev/null |
		st-sink --raw --checkpoint C | rows key,wend,leftValue,rightValue
	} &&
	{ jb 0 left "{\"value\":1}"; jb 1 right "{\"value\":1}"; eos; } | w >actual &&
	{ jb 2 left "{\"value\":25}"; eos; } | w >>actual &&
	{ jb 3 right "{\"value\":25}"; jb 4 left "{\"value\":1}"; eos; } | w >>actual &&
	{ jb 5 left "{\"value\":5}"; jb 6 right "{\"value\":5}"; eos; } | w >>actual &&
	printf "%s\n" "0:" "1: 1,10,2,3" "2:" "3: 25,30,50,75" "4: 1,10,2,3" "5:" "6: 5,10,10,15" >expect &&
	test_cmp expect actual
'

test_done
