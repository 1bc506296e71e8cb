#!/bin/sh
test_description='st-watermark: watermark = max event time - delay, carried in begin lines'
. "$(dirname "$0")/lib.sh"

# batch N [LINE...]: one batch of the control protocol around the lines.
batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}

test_expect_success 'the watermark of batch N comes from batches before N' '
	{
		batch 0 "{\"t\":\"2019-02-05 10:05:00\"}"
		batch 1 "{\"t\":\"2019-02-05 10:20:00\"}" "{\"t\":\"2019-02-05 10:25:00\"}"
		batch 2 "{\"t\":\"2019-02-05 10:12:00\"}"
		batch 3
		eos
	} >in &&
	st-watermark --time t --delay "30 minutes" <in >out &&
	grep "^{\"@st\":\"begin\"" out >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"ts":0,"delay":"30 minutes","wm":null}
	{"@st":"begin","batch":1,"ts":0,"delay":"30 minutes","wm":"2019-02-05T09:35:00Z"}
	{"@st":"begin","batch":2,"ts":0,"delay":"30 minutes","wm":"2019-02-05T09:55:00Z"}
	{"@st":"begin","batch":3,"ts":0,"delay":"30 minutes","wm":"2019-02-05T09:55:00Z"}
	EOT
	test_cmp expect actual &&
	grep -v "^{\"@st\"" out >data &&
	grep -v "^{\"@st\"" in >expect &&
	test_cmp expect data
'

test_expect_success 'the progress entry carries eventTime like Spark' '
	{ batch 0 "{\"t\":\"2019-02-05 10:05:00\"}" "{\"t\":1549361400}" "{\"x\":1}"; eos; } |
	st-watermark -t t -d 10m | grep "\"end\"" |
	jq -c ".progress[0] | {eventTime, numRowsWithoutEventTime}" >actual &&
	echo "{\"eventTime\":{\"min\":\"2019-02-05T10:05:00Z\",\"max\":\"2019-02-05T10:10:00Z\",\"avg\":\"2019-02-05T10:07:30Z\",\"watermark\":null},\"numRowsWithoutEventTime\":1}" >expect &&
	test_cmp expect actual
'

test_expect_success 'numbers are seconds, or ms and us with --time-unit' '
	{ batch 0 "{\"t\":1549361400123}"; batch 1; eos; } |
	st-watermark -t t -d 1s --time-unit ms | sed -n "s/.*\"wm\":\(\"[^\"]*\"\).*/\1/p" >actual &&
	echo "\"2019-02-05T10:09:59.123Z\"" >expect &&
	test_cmp expect actual
'

test_expect_success 'the watermark never goes back' '
	{
		batch 0 "{\"t\":\"2019-02-05 11:00:00\"}"
		batch 1 "{\"t\":\"2019-02-05 09:00:00\"}"
		batch 2
		eos
	} | st-watermark -t t -d 1h | sed -n "s/.*\"wm\":\([^,}]*\).*/\1/p" >actual &&
	printf "%s\n" null "\"2019-02-05T10:00:00Z\"" "\"2019-02-05T10:00:00Z\"" >expect &&
	test_cmp expect actual
'

test_expect_success 'per-source watermarks: wms, global min (default) and max' '
	{
		printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}" \
		    "{\"@st\":\"source\",\"name\":\"imp\"}" "{\"t\":\"2019-02-05 10:00:00\"}" \
		    "{\"@st\":\"source\",\"name\":\"clk\"}" "{\"t\":\"2019-02-05 10:30:00\"}" \
		    "{\"@st\":\"end\",\"batch\":0}"
		batch 1
		eos
	} >in &&
	st-watermark -t t -d 10m --source imp <in |
	st-watermark -t t -d 20m --source clk >out &&
	sed -n "2p" out | jq -c "{wm, wms}" >actual &&
	echo "{\"wm\":\"2019-02-05T09:50:00Z\",\"wms\":{\"imp\":\"2019-02-05T09:50:00Z\",\"clk\":\"2019-02-05T10:10:00Z\"}}" >expect &&
	grep -c "^{\"@st\":\"begin\"" out >n && echo 2 >two && test_cmp two n &&
	grep "\"batch\":1" out | grep begin | jq -c "{wm, wms}" >actual &&
	test_cmp expect actual &&
	st-watermark -t t -d 10m --source imp <in |
	st-watermark -t t -d 20m --source clk --policy max |
	grep "\"batch\":1" | grep begin | jq -c .wm >actual &&
	echo "\"2019-02-05T10:10:00Z\"" >expect &&
	test_cmp expect actual
'

test_expect_success 'a source without a watermark holds the minimum back' '
	{
		printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}" \
		    "{\"@st\":\"source\",\"name\":\"imp\"}" "{\"t\":\"2019-02-05 10:00:00\"}" \
		    "{\"@st\":\"end\",\"batch\":0}"
		batch 1
		eos
	} | st-watermark -t t -d 10m --source imp |
	st-watermark -t t -d 10m --source clk |
	grep "\"batch\":1" | grep begin | jq -c "{wm, wms}" >actual &&
	echo "{\"wm\":null,\"wms\":{\"imp\":\"2019-02-05T09:50:00Z\",\"clk\":null}}" >expect &&
	test_cmp expect actual
'

test_expect_success 'with a checkpoint, a restart resumes from the saved maximum' '
	{ batch 0 "{\"t\":\"2019-02-05 10:05:00\"}"; batch 1 "{\"t\":\"2019-02-05 10:40:00\"}"; eos; } |
	st-watermark -t t -d 30m --checkpoint ck >/dev/null &&
	test -f ck/state/st-watermark/1 &&
	{ batch 2; eos; } | st-watermark -t t -d 30m --checkpoint ck | head -n 1 >actual &&
	echo "{\"@st\":\"begin\",\"batch\":2,\"ts\":0,\"delay\":\"30 minutes\",\"wm\":\"2019-02-05T10:10:00Z\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a different time column on the same checkpoint is refused' '
	{ batch 0; eos; } | st-watermark -t t -d 30m --checkpoint ck2 >/dev/null &&
	{ batch 1; eos; } | test_expect_code 1 st-watermark -t u -d 30m --checkpoint ck2 >out 2>err &&
	only_abort out st-watermark &&
	grep "^st-watermark: checkpoint .ck2. holds the state of a different query" err
'

test_expect_success 'usage errors exit 2 and say why' '
	test_expect_code 2 st-watermark -d 1m </dev/null 2>err &&
	echo "st-watermark: --time is required" >expect &&
	head -n 1 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-watermark -t t -d "15 minuts" </dev/null 2>err &&
	echo "st-watermark: invalid duration '"'"'15 minuts'"'"' for --delay: unknown unit '"'"'minuts'"'"' (did you mean '"'"'minutes'"'"'?)" >expect &&
	head -n 1 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-watermark -t t -d 1m --policy avg </dev/null 2>err &&
	grep "invalid policy .avg." err &&
	test_expect_code 2 st-watermark -t t -d 1m --time-unit h </dev/null 2>err &&
	grep "invalid time unit .h." err
'

test_expect_success 'plain NDJSON passes through untouched' '
	printf "%s\n" "{\"t\":\"2019-02-05 10:05:00\",\"a\":1}" "{\"b\":2}" >in &&
	st-watermark -t t -d 1m <in >actual &&
	test_cmp in actual
'

test_done
