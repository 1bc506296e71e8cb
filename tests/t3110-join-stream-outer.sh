#!/bin/sh
test_description='st-join: stream-stream outer and semi joins emit once a row can no longer match'
. "$(dirname "$0")/lib.sh"

D=$SRCDIR/tests/data/join
ON='ImpressionID = ClickID'
WITHIN='ClickTime BETWEEN ImpressionTime AND ImpressionTime + INTERVAL 15 MINUTES'

# Each batch's data lines, prefixed with the batch id.
per_batch() {
	awk '/^\{"@st":"begin"/ { match($0, /"batch":[0-9]+/); b = substr($0, RSTART + 8, RLENGTH - 8); next }
	     /^\{"@st"/ { next }
	     { print b " " $0 }' "$@"
}

# Impression 104 (10:05) can match clicks up to 10:20: its null-extended
# row comes in batch 3, the first whose watermark is after 10:20 (batch 2's
# is 10:20: Spark's state watermark for an inclusive bound is "slightly
# less", StreamingJoinSuite's state counts).
test_expect_success 'left outer: the null-extended row comes when the watermark passes' '
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--type left --checkpoint ck <"$D/stream.in" >out &&
	per_batch out >actual &&
	cat >expect <<-\EOT &&
	0 {"ImpressionID":"101","ImpressionTime":"2020-09-09T10:00:00Z","Campaigner":"ABC Ltd","ClickID":"101","ClickTime":"2020-09-09T10:06:00Z"}
	1 {"ImpressionID":"103","ImpressionTime":"2020-09-09T10:03:00Z","Campaigner":"ABC Ltd","ClickID":"103","ClickTime":"2020-09-09T10:10:00Z"}
	2 {"ImpressionID":"102","ImpressionTime":"2020-09-09T10:01:00Z","Campaigner":"XYZ Ltd","ClickID":null,"ClickTime":null}
	3 {"ImpressionID":"104","ImpressionTime":"2020-09-09T10:05:00Z","Campaigner":"XYZ Ltd","ClickID":null,"ClickTime":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'right outer' '
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--type right <"$D/stream.in" >out &&
	per_batch out >actual &&
	cat >expect <<-\EOT &&
	0 {"ImpressionID":"101","ImpressionTime":"2020-09-09T10:00:00Z","Campaigner":"ABC Ltd","ClickID":"101","ClickTime":"2020-09-09T10:06:00Z"}
	1 {"ImpressionID":"103","ImpressionTime":"2020-09-09T10:03:00Z","Campaigner":"ABC Ltd","ClickID":"103","ClickTime":"2020-09-09T10:10:00Z"}
	3 {"ImpressionID":null,"ImpressionTime":null,"Campaigner":null,"ClickID":"102","ClickTime":"2020-09-09T10:30:00Z"}
	EOT
	test_cmp expect actual
'

test_expect_success 'full outer' '
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--type full <"$D/stream.in" >out &&
	per_batch out >actual &&
	cat >expect <<-\EOT &&
	0 {"ImpressionID":"101","ImpressionTime":"2020-09-09T10:00:00Z","Campaigner":"ABC Ltd","ClickID":"101","ClickTime":"2020-09-09T10:06:00Z"}
	1 {"ImpressionID":"103","ImpressionTime":"2020-09-09T10:03:00Z","Campaigner":"ABC Ltd","ClickID":"103","ClickTime":"2020-09-09T10:10:00Z"}
	2 {"ImpressionID":"102","ImpressionTime":"2020-09-09T10:01:00Z","Campaigner":"XYZ Ltd","ClickID":null,"ClickTime":null}
	3 {"ImpressionID":"104","ImpressionTime":"2020-09-09T10:05:00Z","Campaigner":"XYZ Ltd","ClickID":null,"ClickTime":null}
	3 {"ImpressionID":null,"ImpressionTime":null,"Campaigner":null,"ClickID":"102","ClickTime":"2020-09-09T10:30:00Z"}
	EOT
	test_cmp expect actual
'

test_expect_success 'left semi: each matching left row once, as it is' '
	cat >semi.in <<-\EOT &&
	{"@st":"begin","batch":0,"ts":0,"wm":null}
	{"@st":"source","name":"impressions"}
	{"ImpressionID":"101","ImpressionTime":"2020-09-09T10:00:00Z"}
	{"ImpressionID":"102","ImpressionTime":"2020-09-09T10:00:00Z"}
	{"@st":"source","name":"clicks"}
	{"ClickID":"101","ClickTime":"2020-09-09T10:01:00Z"}
	{"ClickID":"101","ClickTime":"2020-09-09T10:02:00Z"}
	{"@st":"end","batch":0}
	{"@st":"begin","batch":1,"ts":0,"wm":null}
	{"@st":"source","name":"impressions"}
	{"ImpressionID":"102","ImpressionTime":"2020-09-09T10:03:00Z"}
	{"@st":"source","name":"clicks"}
	{"ClickID":"102","ClickTime":"2020-09-09T10:04:00Z"}
	{"@st":"end","batch":1}
	{"@st":"eos"}
	EOT
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--type left_semi <semi.in >out &&
	per_batch out >actual &&
	cat >expect <<-\EOT &&
	0 {"ImpressionID":"101","ImpressionTime":"2020-09-09T10:00:00Z"}
	1 {"ImpressionID":"102","ImpressionTime":"2020-09-09T10:00:00Z"}
	1 {"ImpressionID":"102","ImpressionTime":"2020-09-09T10:03:00Z"}
	EOT
	test_cmp expect actual
'

test_expect_success 'without a checkpoint the end of input is the end of data: unmatched rows flush' '
	{ head -n 9 "$D/stream.in"; eos; } >one.in &&
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--type full <one.in >out &&
	per_batch out >actual &&
	cat >expect <<-\EOT &&
	0 {"ImpressionID":"101","ImpressionTime":"2020-09-09T10:00:00Z","Campaigner":"ABC Ltd","ClickID":"101","ClickTime":"2020-09-09T10:06:00Z"}
	1 {"ImpressionID":"102","ImpressionTime":"2020-09-09T10:01:00Z","Campaigner":"XYZ Ltd","ClickID":null,"ClickTime":null}
	1 {"ImpressionID":"103","ImpressionTime":"2020-09-09T10:03:00Z","Campaigner":"ABC Ltd","ClickID":null,"ClickTime":null}
	1 {"ImpressionID":null,"ImpressionTime":null,"Campaigner":null,"ClickID":"102","ClickTime":"2020-09-09T10:30:00Z"}
	EOT
	test_cmp expect actual
'

test_expect_success 'with a checkpoint the state waits for the next run instead' '
	rm -rf ck2 &&
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" \
		--type full --checkpoint ck2 <one.in >out &&
	per_batch out >actual &&
	head -n 1 expect >expect1 &&
	test_cmp expect1 actual
'

test_expect_success 'shared key columns appear once; a right-outer row carries the right key' '
	cat >k.in <<-\EOT &&
	{"@st":"begin","batch":0,"ts":0,"wm":null}
	{"@st":"source","name":"b"}
	{"k":7,"t":"2020-09-09T10:00:00Z","v":"r"}
	{"@st":"end","batch":0}
	{"@st":"eos"}
	EOT
	st-join --left a --right b --on k --within "b.t BETWEEN a.t AND a.t + INTERVAL 1 MINUTE" \
		--type right --left-columns k,t,u <k.in >out &&
	per_batch out >actual &&
	echo "1 {\"k\":7,\"t\":null,\"u\":null,\"right_t\":\"2020-09-09T10:00:00Z\",\"v\":\"r\"}" >expect &&
	test_cmp expect actual
'

test_done
