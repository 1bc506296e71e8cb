#!/bin/sh
test_description='st-window: tumbling windows, output modes, late rows, checkpointed state'
. "$(dirname "$0")/lib.sh"

batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || cat "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
D=$SRCDIR/tests/data/trades
# The course derives Buy and Sell from Type and Amount.
bs() {
	jq -c '. + {Buy: (if .Type == "BUY" then .Amount else 0 end),
	    Sell: (if .Type == "SELL" then .Amount else 0 end)}' "$1"
}
data() { grep -v '^{"@st"' "$@"; }
AGG="sum(Buy) AS TotalBuy, sum(Sell) AS TotalSell"

test_expect_success 'setup: the trades as four batches and one empty' '
	for i in 0 1 2 3; do bs $D/batch$i.ndjson >b$i || return 1; done &&
	{ batch 0 b0; batch 1 b1; batch 2 b2; batch 3 b3; batch 4; eos; } >in
'

test_expect_success 'append: a window is emitted once the watermark passes its end' '
	st-watermark -t CreatedTime -d 30m <in |
	st-window -t CreatedTime -s 15m -a "$AGG" --late-output late >out &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":4,"ts":0,"delay":"30 minutes","wm":"2019-02-05T10:18:00Z","mode":"append","keys":[]}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"TotalBuy":800,"TotalSell":0}
	EOT
	sed -n "/\"batch\":4/,/\"batch\":4/p" out | grep -v "^{\"@st\":\"end\"" >actual &&
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"TotalBuy":800,"TotalSell":0}
	{"window":{"start":"2019-02-05T10:15:00Z","end":"2019-02-05T10:30:00Z"},"TotalBuy":800,"TotalSell":400}
	{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T10:45:00Z"},"TotalBuy":900,"TotalSell":0}
	{"window":{"start":"2019-02-05T10:45:00Z","end":"2019-02-05T11:00:00Z"},"TotalBuy":0,"TotalSell":600}
	EOT
	data out >actual &&
	test_cmp expect actual
'

test_expect_success 'the too-late row is dropped, counted and kept in --late-output' '
	data b3 | sed -n 2p >expect &&
	test_cmp expect late &&
	grep "\"end\",\"batch\":3" out | jq -c ".progress[1].numRowsDroppedByWatermark" >actual &&
	echo 1 >expect && test_cmp expect actual
'

test_expect_success 'without a checkpoint the end of input flushes open windows in one more batch' '
	tail -n 6 out | head -n 1 | jq -c "{batch, mode}" >actual &&
	echo "{\"batch\":5,\"mode\":\"append\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'update: changed windows each batch, the late record updating 10:00' '
	st-watermark -t CreatedTime -d 30m <in |
	st-window -t CreatedTime -s 15m -a "$AGG" -m update >out &&
	grep -v "^{\"@st\":\"end\"" out | sed "s/,\"ts\":0,\"delay\":\"30 minutes\"//" >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"wm":null,"mode":"update","keys":["window"]}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"TotalBuy":500,"TotalSell":0}
	{"@st":"begin","batch":1,"wm":"2019-02-05T09:35:00Z","mode":"update","keys":["window"]}
	{"window":{"start":"2019-02-05T10:15:00Z","end":"2019-02-05T10:30:00Z"},"TotalBuy":800,"TotalSell":400}
	{"@st":"begin","batch":2,"wm":"2019-02-05T09:55:00Z","mode":"update","keys":["window"]}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"TotalBuy":800,"TotalSell":0}
	{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T10:45:00Z"},"TotalBuy":900,"TotalSell":0}
	{"@st":"begin","batch":3,"wm":"2019-02-05T10:10:00Z","mode":"update","keys":["window"]}
	{"window":{"start":"2019-02-05T10:45:00Z","end":"2019-02-05T11:00:00Z"},"TotalBuy":0,"TotalSell":600}
	{"@st":"begin","batch":4,"wm":"2019-02-05T10:18:00Z","mode":"update","keys":["window"]}
	{"@st":"begin","batch":5,"ts":0,"noData":true,"wm":"2019-02-05T10:18:00Z","mode":"update","keys":["window"]}
	{"@st":"eos"}
	EOT
	test_cmp expect actual &&
	grep "\"end\",\"batch\":4" out | jq -c ".progress[1] | [.stateRows, .stateRowsRemoved]" >actual &&
	echo "[3,1]" >expect && test_cmp expect actual
'

test_expect_success 'complete: the whole table every batch, nothing late, nothing evicted' '
	st-watermark -t CreatedTime -d 30m <in |
	st-window -t CreatedTime -s 15m -a "count(*) AS n" -m complete >out &&
	sed -n "/begin\",\"batch\":4/,/end\",\"batch\":4/p" out | data >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-02-05T09:30:00Z","end":"2019-02-05T09:45:00Z"},"n":1}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"n":2}
	{"window":{"start":"2019-02-05T10:15:00Z","end":"2019-02-05T10:30:00Z"},"n":2}
	{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T10:45:00Z"},"n":1}
	{"window":{"start":"2019-02-05T10:45:00Z","end":"2019-02-05T11:00:00Z"},"n":1}
	EOT
	test_cmp expect actual
'

test_expect_success 'every aggregate, with keys, in key order within a window' '
	cat $D/batch*.ndjson |
	st-window -t CreatedTime -s 1h -b Type -a "count(*), count(BrokerCode) AS nb, sum(Amount), avg(Amount), min(Amount), max(Amount), first(CreatedTime), last(Amount), approx_count_distinct(Amount) AS d" >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-02-05T09:00:00Z","end":"2019-02-05T10:00:00Z"},"Type":"BUY","count(1)":1,"nb":1,"sum(Amount)":100,"avg(Amount)":100.0,"min(Amount)":100,"max(Amount)":100,"first(CreatedTime)":"2019-02-05 09:40:00","last(Amount)":100,"d":1}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T11:00:00Z"},"Type":"BUY","count(1)":4,"nb":4,"sum(Amount)":2500,"avg(Amount)":625.0,"min(Amount)":300,"max(Amount)":900,"first(CreatedTime)":"2019-02-05 10:05:00","last(Amount)":300,"d":4}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T11:00:00Z"},"Type":"SELL","count(1)":2,"nb":2,"sum(Amount)":1000,"avg(Amount)":500.0,"min(Amount)":400,"max(Amount)":600,"first(CreatedTime)":"2019-02-05 10:25:00","last(Amount)":600,"d":2}
	EOT
	test_cmp expect actual
'

test_expect_success 'plain NDJSON in append mode is a batch job: all windows at the end' '
	cat $D/batch*.ndjson | st-window -t CreatedTime -s 30m -a "sum(Amount) AS s" >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-02-05T09:30:00Z","end":"2019-02-05T10:00:00Z"},"s":100}
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:30:00Z"},"s":2000}
	{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T11:00:00Z"},"s":1500}
	EOT
	test_cmp expect actual
'

test_expect_success 'groupBy without a window: update and complete' '
	cat $D/batch*.ndjson | st-window -b Type,BrokerCode -a "sum(Amount) AS total, count(*) AS n" >actual &&
	cat >expect <<-\EOT &&
	{"Type":"BUY","BrokerCode":"ABX","total":2600,"n":5}
	{"Type":"SELL","BrokerCode":"ABX","total":1000,"n":2}
	EOT
	test_cmp expect actual &&
	{ batch 0 b0; batch 1 b1; eos; } | st-window -b Type -a "count(*) AS n" -m complete | grep -v "^{\"@st\":\"end\"" >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"ts":0,"mode":"complete","keys":["Type"]}
	{"Type":"BUY","n":1}
	{"@st":"begin","batch":1,"ts":0,"mode":"complete","keys":["Type"]}
	{"Type":"BUY","n":2}
	{"Type":"SELL","n":1}
	{"@st":"begin","batch":2,"ts":0,"noData":true,"mode":"complete","keys":["Type"]}
	{"@st":"eos"}
	EOT
	test_cmp expect actual
'

test_expect_success 'keys group by value: 1, 1.0 and 1e0 are one group; null and missing another' '
	printf "%s\n" "{\"k\":1}" "{\"k\":1.0}" "{\"k\":1e0}" "{\"k\":null}" "{}" "{\"k\":\"1\"}" "{\"k\":\"\\u0041\"}" "{\"k\":\"A\"}" |
	st-window -b k -a "count(*) AS n" >actual &&
	cat >expect <<-\EOT &&
	{"k":null,"n":2}
	{"k":1,"n":3}
	{"k":"1","n":1}
	{"k":"A","n":2}
	EOT
	test_cmp expect actual
'

test_expect_success 'a run split by a restart equals one run (checkpointed state)' '
	st-watermark -t CreatedTime -d 30m <in |
	st-window -t CreatedTime -s 15m -a "$AGG, avg(Amount) AS a, min(Type) AS mt, approx_count_distinct(Amount) AS d" -m update --checkpoint one |
	data >expect &&
	{ batch 0 b0; batch 1 b1; eos; } | st-watermark -t CreatedTime -d 30m --checkpoint two |
	st-window -t CreatedTime -s 15m -a "$AGG, avg(Amount) AS a, min(Type) AS mt, approx_count_distinct(Amount) AS d" -m update --checkpoint two | data >actual &&
	{ batch 2 b2; batch 3 b3; batch 4; eos; } | st-watermark -t CreatedTime -d 30m --checkpoint two |
	st-window -t CreatedTime -s 15m -a "$AGG, avg(Amount) AS a, min(Type) AS mt, approx_count_distinct(Amount) AS d" -m update --checkpoint two | data >>actual &&
	test_cmp expect actual &&
	head -n 1 two/state/st-window/3 >actual &&
	echo "{\"format\":\"st-window/1\",\"rows\":4}" >expect &&
	test_cmp expect actual
'

test_expect_success 'replaying a batch restores the state of the batch before it' '
	{ batch 0 b0; batch 1 b1; batch 2 b2; eos; } | st-window -t CreatedTime -s 15m -a "sum(Amount) AS s" -m update --checkpoint rp >/dev/null &&
	{ batch 2 b2; eos; } | st-window -t CreatedTime -s 15m -a "sum(Amount) AS s" -m update --checkpoint rp | data >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"s":800}
	{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T10:45:00Z"},"s":900}
	EOT
	test_cmp expect actual
'

test_expect_success 'a different query on the same checkpoint is refused before any output' '
	{ batch 0 b0; eos; } | st-window -t CreatedTime -s 15m -a "sum(Amount) AS s" -m update --checkpoint q >/dev/null &&
	{ batch 1 b1; eos; } | test_expect_code 1 st-window -t CreatedTime -s 10m -a "sum(Amount) AS s" -m update --checkpoint q >out 2>err &&
	jq -c "{tool: .tool, st: .[\"@st\"]}" out >actual &&
	echo "{\"tool\":\"st-window\",\"st\":\"abort\"}" >expect &&
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	st-window: checkpoint '"'"'q'"'"' holds the state of a different query (--size was "15 minutes", now "10 minutes"; --slide was "15 minutes", now "10 minutes"); Spark refuses such a change too: use a new checkpoint directory, or the old options
	EOT
	test_cmp expect err
'

test_expect_success 'append mode on a stream without a watermark is refused, explaining why' '
	{ batch 0 b0; eos; } | test_expect_code 2 st-window -t CreatedTime -s 15m -a "count(*)" 2>err >out &&
	cat >expect <<-\EOT &&
	st-window: append mode needs a watermark: a window is emitted once the watermark passes its end, and batch 0 has none (put st-watermark before st-window, or use --mode update or complete)
	EOT
	test_cmp expect err
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-window -b k -a "count(*)" -m append </dev/null 2>err &&
	grep "^st-window: append mode needs a window: a group without a window never closes" err &&
	test_expect_code 2 st-window -t t -s 5m --slide 10m -a "count(*)" </dev/null 2>err &&
	grep "^st-window: --slide must not be longer than --size" err &&
	test_expect_code 2 st-window -t t -s 5m -a "upper(x)" </dev/null 2>err &&
	grep "^st-window: --agg: .upper(x). is not an aggregate (known: count, sum" err &&
	test_expect_code 2 st-window -t t -s 5m -a "sum(x" </dev/null 2>err &&
	cat >expect <<-\EOT &&
	st-window: --agg: invalid expression at column 6: expected '"'"')'"'"' to close '"'"'('"'"' at column 4, found end of input
	  sum(x
	       ^
	EOT
	head -n 3 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-window -t t -s 5m -a "sum(x), sum(x)" </dev/null 2>err &&
	grep "two aggregates are named .sum(x)." err &&
	test_expect_code 2 st-window -t t -a "count(*)" </dev/null 2>err &&
	grep "^st-window: --time needs --size" err &&
	test_expect_code 2 st-window -t t -g 5m -m update -a "count(*)" </dev/null 2>err &&
	grep "^st-window: update mode is not supported for session windows" err &&
	test_expect_code 2 st-window -t t -s 5m -a "count(*)" -m upsert </dev/null 2>err &&
	grep "^st-window: invalid mode .upsert. for --mode" err
'

test_done
