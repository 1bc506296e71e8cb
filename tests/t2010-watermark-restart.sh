#!/bin/sh
test_description='st-watermark across restarts: the checkpointed delay and policy win, the watermark never goes back'
. "$(dirname "$0")/lib.sh"

batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
# One batch of two sources: jb ID "A ROWS" "B ROWS"
jb() {
	printf '{"@st":"begin","batch":%s,"ts":0}\n{"@st":"source","name":"a"}\n' "$1"
	[ -z "$2" ] || printf '%s\n' "$2"
	printf '{"@st":"source","name":"b"}\n'
	[ -z "$3" ] || printf '%s\n' "$3"
	printf '{"@st":"end","batch":%s}\n' "$1"
}
wms() { grep "^{\"@st\":\"begin\"" | jq -r ".wm"; }

test_expect_success 'the checkpointed delay wins over a changed --delay, with a warning' '
	{ batch 0 "{\"t\":100}"; eos; } | st-watermark --checkpoint C -t t -d "10 seconds" >/dev/null &&
	{ batch 1 "{\"t\":200}"; eos; } | st-watermark --checkpoint C -t t -d "10 seconds" >/dev/null 2>err0 &&
	test_must_fail test -s err0 &&
	{ batch 2; eos; } | st-watermark --checkpoint C -t t -d "5 seconds" >out 2>err &&
	wms <out >actual &&
	echo "1970-01-01T00:03:10Z" >expect && test_cmp expect actual &&
	grep "^st-watermark: the checkpoint.s delay .10 seconds. wins over --delay .5 seconds." err
'

# Spark restores spark.sql.streaming.multipleWatermarkPolicy from the
# checkpoint (EventTimeWatermarkSuite "MultipleWatermarkPolicy: recovery
# from checkpoints ignores session conf").
test_expect_success 'the checkpointed policy wins over a changed --policy' '
	{ jb 0 "{\"ta\":100}" "{\"tb\":200}"; eos; } |
	st-watermark --checkpoint P --source a -t ta -d 10s --policy max |
	st-watermark --checkpoint P --source b -t tb -d 10s --policy max >/dev/null &&
	{ jb 1 "" ""; eos; } |
	st-watermark --checkpoint P --source a -t ta -d 10s |
	st-watermark --checkpoint P --source b -t tb -d 10s >out 2>err &&
	wms <out >actual &&
	echo "1970-01-01T00:03:10Z" >expect && test_cmp expect actual &&
	grep "the checkpoint.s policy .max. wins over --policy .min." err
'

test_expect_success 'the watermark never goes back, whatever the restart' '
	{ batch 0 "{\"t\":300}"; eos; } | st-watermark --checkpoint G -t t -d 10s >/dev/null &&
	{ batch 1 "{\"t\":100}"; eos; } | st-watermark --checkpoint G -t t -d 10s >out &&
	{ batch 2; eos; } | st-watermark --checkpoint G -t t -d 10s >>out &&
	wms <out >actual &&
	printf "%s\n" "1970-01-01T00:04:50Z" "1970-01-01T00:04:50Z" >expect && test_cmp expect actual
'

test_done
