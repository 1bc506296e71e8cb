#!/bin/sh
test_description='the seed trade example: 15-minute windows, 30-minute watermark, running totals'
. "$(dirname "$0")/lib.sh"

D=$SRCDIR/tests/data/trades
BUY="sum(case when Type = 'BUY' then Amount else 0 end) AS TotalBuy"
SELL="sum(case when Type = 'SELL' then Amount else 0 end) AS TotalSell"
RUN="sum(TotalBuy) AS RTotalBuy, sum(TotalSell) AS RTotalSell, sum(TotalBuy - TotalSell) AS NetValue"

# pipeline CHECKPOINT: the course's query, from in/ to standard output.
pipeline() {
	st-read --checkpoint "$1" --trigger available-now --max-files-per-trigger 1 in/ |
	st-watermark --checkpoint "$1" -t CreatedTime -d "30 minutes" |
	st-window --checkpoint "$1" -t CreatedTime -s "15 minutes" -a "$BUY, $SELL" --late-output late |
	st-running --checkpoint "$1" -a "$RUN" |
	st-sink --checkpoint "$1"
}

cat >table <<\EOT
{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"TotalBuy":800,"TotalSell":0,"RTotalBuy":800,"RTotalSell":0,"NetValue":800}
{"window":{"start":"2019-02-05T10:15:00Z","end":"2019-02-05T10:30:00Z"},"TotalBuy":800,"TotalSell":400,"RTotalBuy":1600,"RTotalSell":400,"NetValue":1200}
{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T10:45:00Z"},"TotalBuy":900,"TotalSell":0,"RTotalBuy":2500,"RTotalSell":400,"NetValue":2100}
{"window":{"start":"2019-02-05T10:45:00Z","end":"2019-02-05T11:00:00Z"},"TotalBuy":0,"TotalSell":600,"RTotalBuy":2500,"RTotalSell":1000,"NetValue":1500}
EOT

test_expect_success 'as a batch job (no checkpoint): the seed table' '
	{ cat $D/batch0.ndjson $D/batch1.ndjson $D/batch2.ndjson; sed -n 1p $D/batch3.ndjson; } |
	st-watermark -t CreatedTime -d "30 minutes" |
	st-window -t CreatedTime -s "15 minutes" -a "$BUY, $SELL" |
	st-running -a "$RUN" >actual &&
	test_cmp table actual
'

test_expect_success 'as a stream, one file per batch: the late 10:12 trade updates 10:00 from the state store' '
	mkdir in &&
	for i in 0 1 2 3; do cp $D/batch$i.ndjson in/ || return 1; done &&
	pipeline ck >out1 &&
	head -n 1 table >expect &&
	test_cmp expect out1 &&
	sed -n 2p $D/batch3.ndjson >expect &&
	test_cmp expect late
'

test_expect_success 'the next run: a trade at 11:31 moves the watermark past 11:00' '
	echo "{\"CreatedTime\": \"2019-02-05 11:31:00\", \"Type\": \"BUY\", \"Amount\": 1, \"BrokerCode\": \"ABX\"}" >in/batch4.ndjson &&
	pipeline ck >out2 &&
	cat out1 out2 >actual &&
	test_cmp table actual &&
	ls ck/state/st-window | grep -c "^[0-9]" >n && test "$(cat n)" -le 10
'

test_expect_success 'update mode, as the lecture draws it batch by batch' '
	cat $D/batch0.ndjson >b0 && cat $D/batch1.ndjson >b1 && cat $D/batch2.ndjson >b2 &&
	{
		for i in 0 1 2; do
			printf "{\"@st\":\"begin\",\"batch\":%s,\"ts\":0}\n" $i
			cat b$i
			printf "{\"@st\":\"end\",\"batch\":%s}\n" $i
		done
		eos
	} | st-watermark -t CreatedTime -d 30m | st-window -t CreatedTime -s 15m -m update -a "$BUY, $SELL" |
	grep -v "^{\"@st\":\"end\"" | sed "s/,\"ts\":0,\"delay\":\"30 minutes\",\"wm\":[^,]*,\"mode\":\"update\",\"keys\":\[\"window\"\]//" >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"TotalBuy":500,"TotalSell":0}
	{"@st":"begin","batch":1}
	{"window":{"start":"2019-02-05T10:15:00Z","end":"2019-02-05T10:30:00Z"},"TotalBuy":800,"TotalSell":400}
	{"@st":"begin","batch":2}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"TotalBuy":800,"TotalSell":0}
	{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T10:45:00Z"},"TotalBuy":900,"TotalSell":0}
	{"@st":"begin","batch":3,"ts":0,"noData":true,"wm":"2019-02-05T09:55:00Z","mode":"update","keys":["window"]}
	{"@st":"eos"}
	EOT
	test_cmp expect actual
'

test_expect_success 'st-running refuses update-mode input' '
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0,\"mode\":\"update\",\"keys\":[\"window\"]}" "{\"@st\":\"end\",\"batch\":0}" |
	test_expect_code 1 st-running -a "sum(x) AS s" >/dev/null 2>err &&
	echo "st-running: batch 0 is in update mode: running aggregates need each row once (use st-window --mode append upstream)" >expect &&
	test_cmp expect err
'

test_done
