#!/bin/sh
test_description='st-join against Spark StreamingJoinSuite: the watermark boundary, late rows, one-side conditions'
. "$(dirname "$0")/lib.sh"

# One batch of one side: jb ID SIDE ROW...
jb() {
	_id=$1 _side=$2
	shift 2
	printf '{"@st":"begin","batch":%s,"ts":0}\n{"@st":"source","name":"%s"}\n' "$_id" "$_side"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_id"
}
# MultiAddData(left, ...)(right, ...): jb2 ID "LEFT ROWS" "RIGHT ROWS"
jb2() {
	printf '{"@st":"begin","batch":%s,"ts":0}\n{"@st":"source","name":"left"}\n' "$1"
	[ -z "$2" ] || printf '%s\n' $2
	printf '{"@st":"source","name":"right"}\n'
	[ -z "$3" ] || printf '%s\n' $3
	printf '{"@st":"end","batch":%s}\n' "$1"
}
ts() { printf '"1970-01-01T00:00:%02dZ"' "$1"; }
# setupJoinWithRangeCondition: (key, time) -> key, time, value = key * 2 or 3
L() { printf '{"leftKey":%s,"leftTime":%s,"leftValue":%s}' "$1" "$(ts "$2")" $(($1 * 2)); }
R() { printf '{"rightKey":%s,"rightTime":%s,"rightValue":%s}' "$1" "$(ts "$2")" $(($1 * 3)); }
watermarks() {
	st-watermark --source left -t leftTime -d "10 seconds" |
	st-watermark --source right -t rightTime -d "10 seconds"
}
# Per batch, the rows as key,leftSecond,leftValue,rightSecond,rightValue;
# a no-data batch nobody needed and without rows is not shown (st-sink
# shows nothing for it, as Spark does not run it).
per_batch() {
	jq -r 'def sec: if . == null then "-" else .[17:19] end;
	    if .["@st"] == "begin" then
		(if .noData and (.run | not) then "S \(.batch)" else "B \(.batch)" end)
	    elif .["@st"] == "end" then "E"
	    elif .["@st"] then empty
	    else "D " + ([.leftKey, (.leftTime | sec), .leftValue, (.rightTime | sec), .rightValue] | map(tostring) | join(",")) end' |
	awk '/^[BS]/ { b = $2; s = ""; silent = /^S/ } /^D/ { s = s " " $2; silent = 0 }
	    /^E/ { if (!silent) print b ":" s }'
}

# StreamingInnerJoinSuite "stream stream inner join with time range - with
# watermark - one side condition": rows at or before the watermark are late
# ((1, 20) with the watermark at 20), dropped and counted.
test_expect_success 'inner join, one-side time condition: late is <= the watermark' '
	{
		jb 0 left "$(L 1 5)"
		jb 1 right "$(R 1 11)"
		jb 2 right "$(R 1 10)"
		jb 3 left "$(L 1 3)" "$(L 1 30)"
		jb 4 right "$(R 0 30)"
		jb 5 right "$(R 1 20)" "$(R 1 21)" "$(R 1 28)"
		jb 6 left "$(L 1 20)" "$(L 1 21)"
		eos
	} | watermarks | st-join --left left --right right --on "leftKey = rightKey" \
		--within "leftTime < rightTime - interval 5 seconds" >out &&
	per_batch <out >actual &&
	cat >expect <<-\EOT &&
	0:
	1: 1,05,2,11,3
	2:
	3: 1,03,2,11,3 1,03,2,10,3
	4:
	5: 1,05,2,21,3 1,03,2,21,3 1,05,2,28,3 1,03,2,28,3
	6: 1,21,2,28,3
	EOT
	test_cmp expect actual &&
	grep "^{\"@st\":\"end\"" out | jq -c ".progress[-1].numRowsDroppedByWatermark" | tr "\n" " " >actual &&
	printf "0 0 0 0 0 1 1 0 " >expect && test_cmp expect actual
'

# StreamingOuterJoinSuite "left outer early state exclusion on left" (its
# window equality written as a time range): left rows failing leftValue > 4
# are null-extended at once, not buffered, and never again.
test_expect_success 'left outer: a left row failing a left-only condition is emitted at once' '
	{
		jb2 0 "$(L 1 1) $(L 2 2) $(L 3 3)" "$(R 3 3) $(R 4 4) $(R 5 5)"
		jb2 1 "$(L 20 20)" "$(R 21 21)"
		jb 2 right "$(R 20 20)"
		eos
	} | watermarks | st-join --left left --right right --type left \
		--on "leftKey = rightKey AND leftValue > 4" \
		--within "leftTime BETWEEN rightTime - interval 5 seconds AND rightTime + interval 5 seconds" >out &&
	per_batch <out >actual &&
	cat >expect <<-\EOT &&
	0: 1,01,2,-,null 2,02,4,-,null 3,03,6,03,9
	1:
	2: 20,20,40,20,60
	EOT
	test_cmp expect actual &&
	grep "^{\"@st\":\"end\"" out | head -n 1 | jq -c ".progress[-1] | [.stateRowsLeft, .stateRowsRight]" >actual &&
	echo "[1,3]" >expect && test_cmp expect actual
'

# StreamingOuterJoinSuite "left outer early state exclusion on right": right
# rows failing rightValue > 7 are never buffered; the left rows they would
# have matched come null-extended once the watermark passes them.
test_expect_success 'left outer: right rows failing a right-only condition are not buffered' '
	{
		jb2 0 "$(L 3 3) $(L 4 4) $(L 5 5)" "$(R 1 1) $(R 2 2) $(R 3 3)"
		jb2 1 "$(L 30 30)" "$(R 31 31)"
		jb2 2 "" "$(R 32 32)"
		eos
	} | watermarks | st-join --left left --right right --type left \
		--on "leftKey = rightKey AND rightValue > 7" \
		--within "leftTime BETWEEN rightTime - interval 5 seconds AND rightTime + interval 5 seconds" >out &&
	per_batch <out >actual &&
	cat >expect <<-\EOT &&
	0: 3,03,6,03,9
	1:
	2: 4,04,8,-,null 5,05,10,-,null
	3: 30,30,60,-,null
	EOT
	test_cmp expect actual &&
	grep "^{\"@st\":\"end\"" out | head -n 1 | jq -c ".progress[-1] | [.stateRowsLeft, .stateRowsRight]" >actual &&
	echo "[3,1]" >expect && test_cmp expect actual
'

test_done
