#!/bin/sh
test_description='st-sink --format exec: foreachBatch, a command per batch, exit status commits'
. "$(dirname "$0")/lib.sh"

# After Spark's ForeachBatchSinkSuite (a function per batch, given the batch
# id; a failing function fails the query), for a command instead of a
# function: its environment, stdin, exit status and replays.

test_expect_success 'setup: two batches, update mode with keys, then an empty batch' '
	cat >stream <<-\EOT
	{"@st":"begin","batch":0,"ts":1549360800000,"mode":"update","keys":["word","n"]}
	{"word":"cat","n":1}
	{"word":"dog","n":2}
	{"@st":"end","batch":0,"progress":[]}
	{"@st":"begin","batch":1,"ts":1549360860000}
	{"@st":"end","batch":1,"progress":[]}
	{"@st":"eos"}
	EOT
	cat >show.sh <<-\EOT
	echo "batch=$ST_BATCH_ID mode=$ST_MODE keys=$ST_KEYS checkpoint=${ST_CHECKPOINT-unset} args=$#"
	cat
	EOT
'

test_expect_success 'once per batch: records on stdin, the environment, an empty batch too' '
	st-sink --checkpoint C --format exec --command "sh show.sh" <stream >actual &&
	cat >expect <<-\EOT &&
	batch=0 mode=update keys=word,n checkpoint=C args=0
	{"word":"cat","n":1}
	{"word":"dog","n":2}
	batch=1 mode=append keys= checkpoint=C args=0
	EOT
	test_cmp expect actual &&
	ls C/commits >actual && printf "0\n1\n" >expect && test_cmp expect actual &&
	head -n 1 C/sink | jq -c . >actual &&
	echo "{\"format\":\"exec\",\"command\":\"sh show.sh\"}" >expect &&
	test_cmp expect actual &&
	head -n 1 C/progress/0 | jq -r ".progress[-1].sink.description" >actual &&
	echo "ForeachBatchSink[sh show.sh]" >expect && test_cmp expect actual
'

test_expect_success 'committed batches are not run again' '
	st-sink --checkpoint C --format exec --command "sh show.sh" <stream >actual &&
	test_must_fail test -s actual
'

test_expect_success 'plain NDJSON: one batch, id 0, no checkpoint in the environment' '
	printf "%s\n" "{\"a\":1}" "{\"a\":2}" |
		st-sink --format exec --command "sh show.sh" >actual &&
	printf "%s\n" "batch=0 mode=append keys= checkpoint=unset args=0" \
		"{\"a\":1}" "{\"a\":2}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a failing command fails the batch; a restart replays it with the same id and records' '
	cat >flaky.sh <<-\EOT &&
	cat >got.$ST_BATCH_ID.$(cat tries 2>/dev/null || echo 0)
	echo x >>tries.log
	[ -f ok ] || exit 3
	EOT
	test_expect_code 1 st-sink --checkpoint F --format exec --command "sh flaky.sh" <stream 2>err &&
	grep -q "command .sh flaky.sh. exited with status 3 in batch 0; the batch is not committed" err &&
	test_must_fail test -e F/commits/0 &&
	mv got.0.0 first &&
	touch ok &&
	st-sink --checkpoint F --format exec --command "sh flaky.sh" <stream &&
	test_cmp first got.0.0 &&
	ls F/commits >actual && printf "0\n1\n" >expect && test_cmp expect actual
'

test_expect_success 'a command killed by a signal fails the batch' '
	test_expect_code 1 st-sink --checkpoint K --format exec --command "kill -9 \$\$" <stream 2>err &&
	grep -q "was killed by signal 9 in batch 0" err &&
	test_must_fail test -e K/commits/0
'

test_expect_success 'data never reaches a shell: hostile values stay plain data on stdin' '
	printf "%s\n" "{\"v\":\"\$(touch pwned1)\",\"\`touch pwned2\`\":\"; touch pwned3; \\\"\"}" >hostile &&
	st-sink --format exec --command "cat >got" <hostile &&
	test_cmp hostile got &&
	test_must_fail test -e pwned1 && test_must_fail test -e pwned2 &&
	test_must_fail test -e pwned3
'

test_expect_success 'a command that reads nothing still decides the batch' '
	awk "BEGIN { for (i = 0; i < 50000; i++) printf(\"{\\\"i\\\":%d}\\n\", i) }" >big &&
	st-sink --format exec --command "exit 0" <big &&
	test_expect_code 1 st-sink --format exec --command "exit 5" <big 2>err &&
	grep -q "exited with status 5" err
'

test_expect_success 'input ending inside a batch: the command is stopped, not committed' '
	head -n 3 stream >cut &&
	test_expect_code 1 st-sink --checkpoint X --format exec --command "cat >/dev/null; touch ran" <cut 2>err &&
	grep -q "input ended inside batch 0" err &&
	test_must_fail test -e ran &&
	test_must_fail test -e X/commits/0
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-sink --format exec 2>err &&
	grep -q "needs --command" err &&
	test_expect_code 2 st-sink --command true 2>err &&
	grep -q "needs --format exec" err
'

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
