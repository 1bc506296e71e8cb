#!/bin/sh
test_description='st-window: session windows grow, merge and close by the watermark'
. "$(dirname "$0")/lib.sh"

batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
ev() { printf '{"u":"%s","t":"2019-01-01 %s"}' "$1" "$2"; }

test_expect_success 'sessions per key, in a batch job' '
	printf "%s\n" "$(ev a 10:00:00)" "$(ev a 10:03:00)" "$(ev b 10:01:00)" "$(ev a 10:20:00)" "$(ev a 10:06:00)" |
	st-window -t t -g 5m -b u -a "count(*) AS n, first(t) AS f" >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-01-01T10:00:00Z","end":"2019-01-01T10:11:00Z"},"u":"a","n":3,"f":"2019-01-01 10:00:00"}
	{"window":{"start":"2019-01-01T10:01:00Z","end":"2019-01-01T10:06:00Z"},"u":"b","n":1,"f":"2019-01-01 10:01:00"}
	{"window":{"start":"2019-01-01T10:20:00Z","end":"2019-01-01T10:25:00Z"},"u":"a","n":1,"f":"2019-01-01 10:20:00"}
	EOT
	test_cmp expect actual
'

test_expect_success 'an event between two sessions merges them' '
	printf "%s\n" "$(ev a 10:00:00)" "$(ev a 10:08:00)" "$(ev a 10:04:00)" |
	st-window -t t -g 5m -b u -a "count(*) AS n, min(t) AS lo, max(t) AS hi" >actual &&
	echo "{\"window\":{\"start\":\"2019-01-01T10:00:00Z\",\"end\":\"2019-01-01T10:13:00Z\"},\"u\":\"a\",\"n\":3,\"lo\":\"2019-01-01 10:00:00\",\"hi\":\"2019-01-01 10:08:00\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'append: a session is emitted when the watermark passes its end; state survives a restart' '
	{
		batch 0 "$(ev a 10:00:00)" "$(ev b 10:02:00)"
		batch 1 "$(ev a 10:04:00)"
		eos
	} | st-watermark -t t -d 1m --checkpoint ck | st-window -t t -g 5m -b u -a "count(*) AS n" --checkpoint ck >out1 &&
	{
		batch 2 "$(ev a 10:30:00)"
		batch 3
		eos
	} | st-watermark -t t -d 1m --checkpoint ck | st-window -t t -g 5m -b u -a "count(*) AS n" --checkpoint ck >out2 &&
	! grep -v "^{\"@st\"" out1 &&
	grep -v "^{\"@st\"" out2 >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-01-01T10:00:00Z","end":"2019-01-01T10:09:00Z"},"u":"a","n":2}
	{"window":{"start":"2019-01-01T10:02:00Z","end":"2019-01-01T10:07:00Z"},"u":"b","n":1}
	EOT
	test_cmp expect actual &&
	grep "end\",\"batch\":3" out2 | jq -c ".progress[1] | [.stateRows, .stateRowsRemoved]" >actual &&
	echo "[1,2]" >expect && test_cmp expect actual
'

test_done
