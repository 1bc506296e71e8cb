#!/bin/sh
test_description='st-watermark and st-window: --time as an expression, parsed once, evaluated per record'
. "$(dirname "$0")/lib.sh"

# batch N [LINE...]: one batch of the control protocol around the lines.
batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
TS="to_timestamp(CreatedTime, 'dd/MM/yyyy HH:mm:ss')"

test_expect_success 'setup: times in a text format only an expression reads' '
	{
		batch 0 "{\"CreatedTime\":\"05/02/2019 10:05:00\",\"x\":1}" \
		    "{\"CreatedTime\":\"05/02/2019 10:20:00\",\"x\":2}"
		batch 1 "{\"CreatedTime\":\"05/02/2019 10:50:00\",\"x\":4}" \
		    "{\"CreatedTime\":\"05/02/2019 10:07:00\",\"x\":8}" \
		    "{\"CreatedTime\":\"not a time\",\"x\":16}"
		batch 2 "{\"CreatedTime\":\"05/02/2019 10:08:00\",\"x\":32}"
		eos
	} >in
'

test_expect_success 'st-watermark: the watermark comes from the parsed time' '
	st-watermark -t "$TS" -d 10m <in >out &&
	grep "^{\"@st\":\"begin\"" out >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"ts":0,"delay":"10 minutes","wm":null}
	{"@st":"begin","batch":1,"ts":0,"delay":"10 minutes","wm":"2019-02-05T10:10:00Z"}
	{"@st":"begin","batch":2,"ts":0,"delay":"10 minutes","wm":"2019-02-05T10:40:00Z"}
	EOT
	test_cmp expect actual &&
	grep "\"batch\":1,\"progress\"" out |
	jq -c ".progress[0] | {eventTime, numRowsWithoutEventTime}" >actual &&
	echo "{\"eventTime\":{\"min\":\"2019-02-05T10:07:00Z\",\"max\":\"2019-02-05T10:50:00Z\",\"avg\":\"2019-02-05T10:28:30Z\",\"watermark\":\"2019-02-05T10:10:00Z\"},\"numRowsWithoutEventTime\":1}" >expect &&
	test_cmp expect actual
'

test_expect_success 'st-window: windows of the parsed time, late rows by it' '
	st-watermark -t "$TS" -d 10m <in |
	st-window -t "$TS" -s 15m -a "sum(x) AS s" -m update 2>err >out &&
	grep -v "^{\"@st\":\"end\"" out >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"ts":0,"delay":"10 minutes","wm":null,"mode":"update","keys":["window"]}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"s":1}
	{"window":{"start":"2019-02-05T10:15:00Z","end":"2019-02-05T10:30:00Z"},"s":2}
	{"@st":"begin","batch":1,"ts":0,"delay":"10 minutes","wm":"2019-02-05T10:10:00Z","mode":"update","keys":["window"]}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"s":9}
	{"window":{"start":"2019-02-05T10:45:00Z","end":"2019-02-05T11:00:00Z"},"s":4}
	{"@st":"begin","batch":2,"ts":0,"delay":"10 minutes","wm":"2019-02-05T10:40:00Z","mode":"update","keys":["window"]}
	{"@st":"begin","batch":3,"ts":0,"noData":true,"wm":"2019-02-05T10:40:00Z","mode":"update","keys":["window"]}
	{"@st":"eos"}
	EOT
	test_cmp expect actual &&
	grep "\"batch\":2,\"progress\"" out | jq -c ".progress[1].numRowsDroppedByWatermark" >actual &&
	echo 1 >expect &&
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	st-window: <stdin>:8: no event time in '"'"'to_timestamp(CreatedTime, '"'"'dd/MM/yyyy HH:mm:ss'"'"')'"'"'; records without one are skipped
	EOT
	test_cmp expect err
'

test_expect_success 'timestamp_millis(ts): epoch milliseconds as the time' '
	printf "%s\n" "{\"ts\":1549361100000,\"x\":1}" "{\"ts\":1549362000500,\"x\":2}" |
	st-window -t "timestamp_millis(ts)" -s 15m -a "sum(x) AS s" -m update >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"s":1}
	{"window":{"start":"2019-02-05T10:15:00Z","end":"2019-02-05T10:30:00Z"},"s":2}
	EOT
	test_cmp expect actual
'

test_expect_success 'a plain name is still a column; a backquoted one is too' '
	printf "%s\n" "{\"my time\":\"2019-02-05 10:20:00\",\"t\":\"2019-02-05 10:01:00\"}" >rec &&
	st-window -t t -s 15m -a "count(*) AS n" -m update <rec >actual &&
	echo "{\"window\":{\"start\":\"2019-02-05T10:00:00Z\",\"end\":\"2019-02-05T10:15:00Z\"},\"n\":1}" >expect &&
	test_cmp expect actual &&
	st-window -t "\`my time\`" -s 15m -a "count(*) AS n" -m update <rec >actual &&
	echo "{\"window\":{\"start\":\"2019-02-05T10:15:00Z\",\"end\":\"2019-02-05T10:30:00Z\"},\"n\":1}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a changed time expression is a different query for the checkpoint' '
	{ batch 0 "{\"ts\":1549361100000}"; eos; } |
	st-window -t "timestamp_millis(ts)" -s 15m -a "count(*) AS n" -m update --checkpoint ck >/dev/null &&
	{ batch 1 "{\"ts\":1549361100000}"; eos; } |
	test_expect_code 1 st-window -t "timestamp_seconds(ts)" -s 15m -a "count(*) AS n" -m update --checkpoint ck >out 2>err &&
	only_abort out st-window &&
	grep "holds the state of a different query" err
'

test_expect_success 'an expression that does not parse is a usage error with a caret' '
	test_expect_code 2 st-watermark -t "to_timestamp(t," -d 1m </dev/null 2>err &&
	cat >expect <<-\EOT &&
	st-watermark: invalid expression at column 16: expected an expression after '"'"','"'"', found end of input
	  to_timestamp(t,
	                 ^
	EOT
	test_cmp expect err
'

test_done
