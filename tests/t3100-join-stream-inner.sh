#!/bin/sh
test_description='st-join: stream-stream inner joins, state, late rows, restarts'
. "$(dirname "$0")/lib.sh"

D=$SRCDIR/tests/data/join
ON='ImpressionID = ClickID'
WITHIN='ClickTime BETWEEN ImpressionTime AND ImpressionTime + INTERVAL 15 MINUTES'

# The data lines of a stream, and the state metrics of each end line.
data() { grep -v '^{"@st"' "$@" || :; }
metrics() {
	grep '^{"@st":"end"' "$@" | jq -c '.progress[-1] |
		[.numRowsDroppedByWatermark, .stateRowsLeft, .stateRowsRight, .stateRowsRemoved]'
}

test_expect_success 'inner join within 15 minutes, batch by batch' '
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--checkpoint ck <"$D/stream.in" >out &&
	data out >actual &&
	cat >expect <<-\EOT &&
	{"ImpressionID":"101","ImpressionTime":"2020-09-09T10:00:00Z","Campaigner":"ABC Ltd","ClickID":"101","ClickTime":"2020-09-09T10:06:00Z"}
	{"ImpressionID":"103","ImpressionTime":"2020-09-09T10:03:00Z","Campaigner":"ABC Ltd","ClickID":"103","ClickTime":"2020-09-09T10:10:00Z"}
	EOT
	test_cmp expect actual &&
	grep -c "^{\"@st\":\"begin\"" out >nbegin &&
	echo 4 >expect && test_cmp expect nbegin
'

# Batch 2 (watermark 10:20): impression 104 (10:05) can only match clicks
# until 10:20, the watermark: kept one more batch and evicted in batch 3,
# as Spark's state watermark for an inclusive bound ("slightly less", the
# state counts of StreamingJoinSuite "stream stream inner join with time
# range - with watermark - two side conditions").
test_expect_success 'state shrinks as the watermark advances; late rows are counted' '
	metrics out >actual &&
	cat >expect <<-\EOT &&
	[0,3,2,0]
	[1,4,3,0]
	[0,1,1,5]
	[0,0,0,2]
	EOT
	test_cmp expect actual
'

test_expect_success 'source lines are consumed: the output is the join, not a source' '
	! grep -q "\"@st\":\"source\"" out
'

test_expect_success '--late-output keeps the rows dropped as late' '
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--late-output late.json <"$D/stream.in" >/dev/null &&
	echo "{\"ClickID\":\"104\",\"ClickTime\":\"2020-09-09T09:10:00Z\"}" >expect &&
	test_cmp expect late.json
'

test_expect_success 'qualified names, reversed order and a residual predicate' '
	st-join --left impressions --right clicks \
		--on "clicks.ClickID = impressions.ImpressionID AND Campaigner = '\''ABC Ltd'\''" \
		--within "clicks.ClickTime >= impressions.ImpressionTime AND impressions.ImpressionTime + INTERVAL 15 MINUTES >= clicks.ClickTime" \
		<"$D/stream.in" >out2 &&
	data out2 >actual &&
	data out >expect &&
	test_cmp expect actual &&
	st-join --left impressions --right clicks --on "$ON AND Campaigner = '\''XYZ Ltd'\''" \
		--within "$WITHIN" <"$D/stream.in" >out3 &&
	data out3 >actual &&
	test ! -s actual
'

test_expect_success 'duplicates join as Spark does: each pair once' '
	cat >dup.in <<-\EOT &&
	{"@st":"begin","batch":0,"ts":0}
	{"@st":"source","name":"a"}
	{"k":1,"l":"x"}
	{"k":1,"l":"x"}
	{"@st":"source","name":"b"}
	{"k":1,"r":"y"}
	{"@st":"end","batch":0}
	{"@st":"begin","batch":1,"ts":0}
	{"@st":"source","name":"b"}
	{"k":1,"r":"z"}
	{"@st":"source","name":"a"}
	{"k":1,"l":"w"}
	{"@st":"end","batch":1}
	{"@st":"eos"}
	EOT
	st-join --left a --right b --on k <dup.in >out &&
	data out >actual &&
	cat >expect <<-\EOT &&
	{"k":1,"l":"x","r":"y"}
	{"k":1,"l":"x","r":"y"}
	{"k":1,"l":"w","r":"y"}
	{"k":1,"l":"x","r":"z"}
	{"k":1,"l":"x","r":"z"}
	{"k":1,"l":"w","r":"z"}
	EOT
	test_cmp expect actual
'

test_expect_success 'a restart from the checkpoint gives the same output as one run' '
	rm -rf ck1 ck2 &&
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--checkpoint ck1 <"$D/stream.in" >whole &&
	{ sed -n "1,9p" "$D/stream.in"; eos; } >part1 &&
	sed -n "10,\$p" "$D/stream.in" >part2 &&
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--checkpoint ck2 <part1 >split &&
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--checkpoint ck2 <part2 >>split &&
	data whole >expect && data split >actual &&
	test_cmp expect actual &&
	metrics whole >expect && metrics split >actual &&
	test_cmp expect actual &&
	head -n 1 ck2/state/st-join/3 >actual &&
	echo "{\"st-join-state\":1,\"columns\":[[\"ImpressionID\",\"ImpressionTime\",\"Campaigner\"],[\"ClickID\",\"ClickTime\"]],\"rows\":[0,0]}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a checkpoint of another join is refused' '
	test_expect_code 1 st-join --left impressions --right clicks --on "$ON" \
		--checkpoint ck1 </dev/null 2>err &&
	grep -q "^st-join: checkpoint '\''ck1'\'' holds the state of a different query" err
'

test_expect_success 'untagged input and unknown sources are data errors' '
	echo "{\"a\":1}" | test_expect_code 1 st-join --left a --right b --on a 2>err &&
	echo "st-join: <stdin>:1: record outside any source section: a stream-stream join reads tagged input (st-read --source a=DIR --source b=DIR)" >expect &&
	grep -v "grow for ever" err >e2 && test_cmp expect e2 &&
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}" "{\"@st\":\"source\",\"name\":\"c\"}" "{\"a\":1}" |
		test_expect_code 1 st-join --left a --right b --on a 2>err &&
	echo "st-join: <stdin>:3: record from source '\''c'\'', neither the left '\''a'\'' nor the right '\''b'\''" >expect &&
	grep -v "grow for ever" err >e2 && test_cmp expect e2
'

test_expect_success 'unbounded state (no time bound, or no watermark) is said once at start' '
	st-join --left impressions --right clicks --on "$ON" <"$D/stream.in" >/dev/null 2>err &&
	echo "st-join: no time bound between the sides (in --on or --within): the state of this stream-stream join will grow for ever, as Spark'\''s without watermarks and a time-range condition" >expect &&
	test_cmp expect err &&
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" <"$D/stream.in" >/dev/null 2>err &&
	echo "st-join: the input has no watermark (st-watermark on each source): the state of this stream-stream join will grow for ever" >expect &&
	test_cmp expect err &&
	sed "s/^{\"@st\":\"begin\",\(.*\)}$/{\"@st\":\"begin\",\1,\"delay\":\"10 minutes\"}/" "$D/stream.in" >wm.in &&
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" <wm.in >/dev/null 2>err &&
	test_must_fail test -s err
'

test_expect_success 'condition errors are usage errors' '
	test_expect_code 2 st-join --left a --right b --on "a = b and" </dev/null 2>err &&
	head -n 1 err >actual &&
	echo "st-join: invalid --on: invalid expression at column 10: expected an expression after '\''and'\'', found end of input" >expect &&
	test_cmp expect actual &&
	test_expect_code 2 st-join --left a --right b --on "x > y" </dev/null 2>err &&
	grep -q "^st-join: --on has no equality between a left and a right column to join on" err &&
	test_expect_code 2 st-join --left a --right b --on k --within "x = 1" </dev/null 2>err &&
	grep -q "^st-join: --within gives no time bound between a left and a right column" err &&
	test_expect_code 2 st-join --left a --right b --on k --type left </dev/null 2>err &&
	grep -q "^st-join: a left stream-stream join needs a time bound between the sides, both ways, in --on or --within" err &&
	test_expect_code 2 st-join --left a --right b --on k --type left --within "x <= y" </dev/null 2>err &&
	grep -q "^st-join: a left stream-stream join needs a time bound between the sides, both ways" err &&
	test_expect_code 2 st-join --left a --right a --on k </dev/null 2>err &&
	grep -q "^st-join: --left and --right name the same source '\''a'\''" err &&
	test_expect_code 2 st-join --left a --right b --on k --type left_anti </dev/null 2>err &&
	grep -q "^st-join: join type '\''left_anti'\'' is not supported between two streams" err
'

test_done
