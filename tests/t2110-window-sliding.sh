#!/bin/sh
test_description='st-window: sliding windows count each event in every window it belongs to; the sensor example'
. "$(dirname "$0")/lib.sh"

test_expect_success 'the seed: 10:32 is counted in 10:00-11:00 and 10:30-11:30' '
	printf "%s\n" "{\"time\":\"2019-01-01 10:32:00\"}" "{\"time\":\"2019-01-01 11:59:00\"}" "{\"time\":\"2019-01-01 13:02:00\"}" |
	st-window -t time -s 1h --slide 30m -a "count(*) AS visitors" >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-01-01T10:00:00Z","end":"2019-01-01T11:00:00Z"},"visitors":1}
	{"window":{"start":"2019-01-01T10:30:00Z","end":"2019-01-01T11:30:00Z"},"visitors":1}
	{"window":{"start":"2019-01-01T11:00:00Z","end":"2019-01-01T12:00:00Z"},"visitors":1}
	{"window":{"start":"2019-01-01T11:30:00Z","end":"2019-01-01T12:30:00Z"},"visitors":1}
	{"window":{"start":"2019-01-01T12:30:00Z","end":"2019-01-01T13:30:00Z"},"visitors":1}
	{"window":{"start":"2019-01-01T13:00:00Z","end":"2019-01-01T14:00:00Z"},"visitors":1}
	EOT
	test_cmp expect actual
'

test_expect_success '15-minute windows every 5 minutes over the trades: three windows per trade' '
	cat $SRCDIR/tests/data/trades/batch[012].ndjson |
	st-window -t CreatedTime -s 15m --slide 5m -a "sum(Amount) AS total, count(*) AS n" >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-02-05T09:55:00Z","end":"2019-02-05T10:10:00Z"},"total":500,"n":1}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"total":800,"n":2}
	{"window":{"start":"2019-02-05T10:05:00Z","end":"2019-02-05T10:20:00Z"},"total":800,"n":2}
	{"window":{"start":"2019-02-05T10:10:00Z","end":"2019-02-05T10:25:00Z"},"total":1100,"n":2}
	{"window":{"start":"2019-02-05T10:15:00Z","end":"2019-02-05T10:30:00Z"},"total":1200,"n":2}
	{"window":{"start":"2019-02-05T10:20:00Z","end":"2019-02-05T10:35:00Z"},"total":1200,"n":2}
	{"window":{"start":"2019-02-05T10:25:00Z","end":"2019-02-05T10:40:00Z"},"total":400,"n":1}
	{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T10:45:00Z"},"total":900,"n":1}
	{"window":{"start":"2019-02-05T10:35:00Z","end":"2019-02-05T10:50:00Z"},"total":900,"n":1}
	{"window":{"start":"2019-02-05T10:40:00Z","end":"2019-02-05T10:55:00Z"},"total":900,"n":1}
	EOT
	test_cmp expect actual
'

batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}

test_expect_success 'sliding: a row late for some of its windows still counts in the open ones' '
	{
		batch 0 "{\"t\":\"2019-01-01 10:20:00\"}"
		batch 1 "{\"t\":\"2019-01-01 10:12:00\"}"
		batch 2
		eos
	} | st-watermark -t t -d 5m | st-window -t t -s 10m --slide 5m -a "count(*) AS n" -m update |
	sed -n "/begin\",\"batch\":1/,/end\",\"batch\":1/p" | grep -v "^{\"@st\"" >actual &&
	echo "{\"window\":{\"start\":\"2019-01-01T10:10:00Z\",\"end\":\"2019-01-01T10:20:00Z\"},\"n\":1}" >expect &&
	test_cmp expect actual
'

test_expect_success 'the sensor example: the out-of-order 01:30 value lands in its window' '
	{
		batch 0 "$(sed -n 1p $SRCDIR/tests/data/sensor/events.ndjson)" "$(sed -n 2p $SRCDIR/tests/data/sensor/events.ndjson)"
		batch 1 "$(sed -n 3p $SRCDIR/tests/data/sensor/events.ndjson)"
		batch 2 "$(sed -n 4p $SRCDIR/tests/data/sensor/events.ndjson)" "$(sed -n 5p $SRCDIR/tests/data/sensor/events.ndjson)"
		batch 3
		eos
	} | st-watermark -t time -d 1h | st-window -t time -s 1h -a "sum(value) AS total, count(*) AS n" -m update |
	grep -v "^{\"@st\":\"end\"" | sed "s/,\"ts\":0,\"delay\":\"1 hour\"//;s/,\"mode\":\"update\",\"keys\":\[\"window\"\]//" >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"wm":null}
	{"window":{"start":"2017-04-07T00:00:00Z","end":"2017-04-07T01:00:00Z"},"total":1,"n":1}
	{"window":{"start":"2017-04-07T01:00:00Z","end":"2017-04-07T02:00:00Z"},"total":2,"n":1}
	{"@st":"begin","batch":1,"wm":"2017-04-07T00:00:00Z"}
	{"window":{"start":"2017-04-07T02:00:00Z","end":"2017-04-07T03:00:00Z"},"total":5,"n":1}
	{"@st":"begin","batch":2,"wm":"2017-04-07T01:00:00Z"}
	{"window":{"start":"2017-04-07T01:00:00Z","end":"2017-04-07T02:00:00Z"},"total":12,"n":2}
	{"window":{"start":"2017-04-07T03:00:00Z","end":"2017-04-07T04:00:00Z"},"total":7,"n":1}
	{"@st":"begin","batch":3,"wm":"2017-04-07T02:00:00Z"}
	{"@st":"begin","batch":4,"ts":0,"noData":true,"wm":"2017-04-07T02:00:00Z"}
	{"@st":"eos"}
	EOT
	test_cmp expect actual
'

test_done
