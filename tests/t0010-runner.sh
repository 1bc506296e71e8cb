#!/bin/sh
test_description='the runner every tool shares: plain NDJSON, batches, malformed records, output errors, signals'
. "$(dirname "$0")/lib.sh"

test_expect_success 'plain NDJSON passes through byte for byte, no control lines added' '
	printf "%s\n" "{\"a\":1,  \"b\" : \"x\"}" "{\"u\":\"\\u00e9\",\"a\":2}" "  {\"a\":3}" >in &&
	st-filter true <in >out &&
	test_cmp in out
'

test_expect_success 'batches: begin and end lines are passed on, progress appended' '
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":7}" "{\"a\":1}" "{\"a\":2}" \
		"{\"@st\":\"end\",\"batch\":0,\"progress\":[{\"name\":\"up\"}]}" "{\"@st\":\"eos\"}" >in &&
	st-filter "a > 1" <in >out &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"ts":7}
	{"a":2}
	{"@st":"end","batch":0,"progress":[{"name":"up"},{"name":"st-filter","numInputRows":2,"numOutputRows":1}]}
	{"@st":"eos"}
	EOT
	test_cmp expect out
'

test_expect_success 'unknown control lines are passed on untouched' '
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":3,\"ts\":0,\"x\":[1]}" "{\"@st\":\"future\",\"k\":1}" \
		"{\"@st\":\"end\",\"batch\":3}" >in &&
	st-filter true <in | head -n 2 >out &&
	head -n 2 in >expect &&
	test_cmp expect out
'

test_expect_success 'failfast: exit 1 naming input, line and column; earlier output kept' '
	printf "%s\n" "{\"a\":1}" "{\"a\":1,}" "{\"a\":3}" >in &&
	test_expect_code 1 st-filter true <in >out 2>err &&
	echo "{\"a\":1}" >expect && head -n 1 out >actual && test_cmp expect actual &&
	tail -n 1 out | jq -c "[.[\"@st\"], .tool]" >actual &&
	echo "[\"abort\",\"st-filter\"]" >expect && test_cmp expect actual &&
	echo "st-filter: <stdin>:2:8: malformed record: expected a string key (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err
'

test_expect_success 'dropmalformed: dropped, counted, copied to the dead-letter file, said at exit' '
	printf "%s\n" "{\"a\":1}" "not json" "{\"a\":2}" "[1]" >in &&
	st-filter --malformed dropmalformed --dead-letter dl true <in >out 2>err &&
	printf "%s\n" "{\"a\":1}" "{\"a\":2}" >expect && test_cmp expect out &&
	printf "%s\n" "not json" "[1]" >expect && test_cmp expect dl &&
	echo "st-filter: dropped 2 malformed records (copied to '"'"'dl'"'"')" >expect &&
	test_cmp expect err
'

test_expect_success 'dropmalformed: the count is in the batch progress' '
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}" "{\"a\":1}" "{oops" "{\"@st\":\"end\",\"batch\":0}" |
	st-filter --malformed dropmalformed true 2>/dev/null | tail -n 2 | head -n 1 | jq -c ".progress[0].numMalformedRows" >out &&
	echo 1 >expect && test_cmp expect out
'

test_expect_success 'permissive: the line is kept as _corrupt_record' '
	printf "%s\n" "{\"a\":1}" "bad \"line\"" >in &&
	st-filter --malformed permissive true <in >out &&
	printf "%s\n" "{\"a\":1}" "{\"_corrupt_record\":\"bad \\\"line\\\"\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'input ending inside a batch: exit 1, said so' '
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":4,\"ts\":0}" "{\"a\":1}" >in &&
	test_expect_code 1 st-filter true <in >out 2>err &&
	echo "st-filter: input ended inside batch 4 (did an upstream tool die?); nothing of it was committed" >expect &&
	test_cmp expect err
'

test_expect_success 'protocol errors name the line' '
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}" "{\"@st\":\"end\",\"batch\":1}" >in &&
	test_expect_code 1 st-filter true <in >/dev/null 2>err &&
	echo "st-filter: <stdin>:2: end line does not match the batch in progress" >expect &&
	test_cmp expect err &&
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}" "{\"@st\":\"end\",\"batch\":0}" "{\"a\":1}" >in &&
	test_expect_code 1 st-filter true <in >/dev/null 2>err &&
	echo "st-filter: <stdin>:3: data line outside any batch" >expect &&
	test_cmp expect err
'

test_expect_success 'a full disk is an error: exit 1 with the reason' '
	test -w /dev/full &&
	echo "{\"a\":1}" | test_expect_code 1 st-filter true >/dev/full 2>err &&
	echo "st-filter: cannot write to standard output: No space left on device" >expect &&
	test_cmp expect err
'

test_expect_success 'a closed pipe (head) ends the tool quietly with status 0' '
	i=0; while [ $i -lt 20000 ]; do echo "{\"i\":$i}"; i=$((i + 1)); done >big &&
	{ st-filter true <big 2>err; echo $? >rc; } | head -n 1 >out &&
	echo "{\"i\":0}" >expect && test_cmp expect out &&
	echo 0 >expect && test_cmp expect rc &&
	test_must_fail test -s err
'

# Signals: the tool is made to block in read(2) at a known point (its output
# flushed up to an end line, and the kernel saying it waits on the pipe), so
# the signal arrives in a known state without any fixed sleep.
B0='{"@st":"begin","batch":0,"ts":0}'
E0='{"@st":"end","batch":0}'
B1='{"@st":"begin","batch":1,"ts":0}'
E1='{"@st":"end","batch":1}'
B2='{"@st":"begin","batch":2,"ts":0}'

blocked_after_end() {
	grep -q "\"end\"" "$1" 2>/dev/null &&
	grep -q pipe_read "/proc/$2/wchan" 2>/dev/null
}

test_expect_success 'SIGTERM inside a batch: the batch is finished and passed on, then exit 0' '
	mkfifo f1 &&
	{ st-filter true <f1 >o1 2>e1 & } &&
	pid=$! &&
	exec 9>f1 &&
	printf "%s\n" "$B0" "{\"a\":1}" "$E0" "$B1" "{\"a\":2}" >&9 &&
	wait_for "blocked_after_end o1 $pid" 10 &&
	kill -TERM $pid &&
	printf "%s\n" "{\"a\":3}" "$E1" "$B2" "{\"a\":4}" >&9 &&
	{ wait $pid; echo $? >rc; } &&
	exec 9>&- &&
	echo 0 >expect && test_cmp expect rc &&
	jq -c "select(has(\"@st\") | not)" o1 >data &&
	printf "%s\n" "{\"a\":1}" "{\"a\":2}" "{\"a\":3}" >expect && test_cmp expect data &&
	tail -n 2 o1 | jq -c "[.[\"@st\"], .batch]" >last &&
	printf "%s\n" "[\"end\",1]" "[\"eos\",null]" >expect && test_cmp expect last &&
	tail -n 2 o1 | head -n 1 | jq -c "[.[\"@st\"], .batch]" >last &&
	echo "[\"end\",1]" >expect && test_cmp expect last &&
	test_must_fail test -s e1
'

test_expect_success 'SIGINT between batches: exit 0 at once' '
	mkfifo f2 &&
	{ st-filter true <f2 >o2 2>e2 & } &&
	pid=$! &&
	exec 9>f2 &&
	printf "%s\n" "$B0" "{\"a\":1}" "$E0" >&9 &&
	wait_for "blocked_after_end o2 $pid" 10 &&
	kill -INT $pid &&
	{ wait $pid; echo $? >rc; } &&
	exec 9>&- &&
	echo 0 >expect && test_cmp expect rc &&
	printf "%s\n" "$B0" "{\"a\":1}" >expect &&
	head -n 2 o2 >actual && test_cmp expect actual &&
	tail -n 1 o2 >actual && eos >expect && test_cmp expect actual &&
	test $(wc -l <o2) -eq 4
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 st-filter --malformed sometimes true </dev/null 2>err &&
	grep -q "^st-filter: invalid mode '"'"'sometimes'"'"' for --malformed" err &&
	test_expect_code 2 st-filter --keep-versions x true </dev/null 2>err &&
	grep -q "^st-filter: invalid number '"'"'x'"'"' for --keep-versions" err
'

test_done
