#!/bin/sh
test_description='a failure anywhere fails the pipeline: eos and abort lines, no pipefail needed'
. "$(dirname "$0")/lib.sh"

# Every pipeline below runs in plain sh without pipefail: its exit status
# is the last tool's, which must be 1 when any tool failed.

pids=
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done' EXIT

test_expect_success 'setup' '
	mkdir in &&
	printf "%s\n" "{\"a\":1}" "{\"a\":2}" "{\"a\":3}" >in/x.json
'

test_expect_success 'a clean run ends with eos; the pipeline exits 0' '
	st-read --trigger available-now in | st-filter "a > 1" >stream &&
	tail -n 1 stream >actual && eos >expect && test_cmp expect actual &&
	st-read --trigger available-now in | st-filter "a > 1" | st-sink >out &&
	printf "%s\n" "{\"a\":2}" "{\"a\":3}" >expect && test_cmp expect out
'

test_expect_success 'a missing input path: st-read fails, and so does the pipeline' '
	test_expect_code 1 sh -c "st-read --trigger available-now nowhere/ | st-filter true | st-sink >out" 2>err &&
	test ! -s out &&
	cat >expect <<-\EOT &&
	st-read: path '\''nowhere/'\'' does not exist (use --wait-for-path to wait for it)
	st-sink: upstream st-read failed: path '\''nowhere/'\'' does not exist (use --wait-for-path to wait for it)
	EOT
	sort err >actual && sort expect >e && test_cmp e actual
'

test_expect_success 'a glob that matches nothing is not an error (Spark)' '
	st-read --trigger available-now "in/*.csv" | st-sink >out &&
	test ! -s out
'

test_expect_success '--wait-for-path waits for the path to appear' '
	{ st-read --wait-for-path --poll-interval 10ms --trigger available-now later | st-sink >out 2>err; echo $? >rc; } &
	pids="$pids $!" &&
	mkdir .later && cp in/x.json .later/ && mv .later later &&
	wait_for "test -s rc" 20 &&
	echo 0 >expect && test_cmp expect rc &&
	cat in/x.json >expect && test_cmp expect out
'

test_expect_success 'a checkpoint in use: the refused run fails as a whole' '
	mkdir slow &&
	{ st-read --checkpoint C --trigger "1 hour" slow | st-sink --checkpoint C >/dev/null 2>&1 & } &&
	pids="$pids $!" &&
	wait_for "test -s C/lock" 20 &&
	test_expect_code 1 sh -c "st-read --checkpoint C --trigger available-now in | st-sink --checkpoint C >out 2>err" &&
	test ! -s out &&
	grep -x "st-sink: upstream st-read failed: checkpoint .C. is in use by another run of this pipeline (use --wait to wait for it)" err &&
	kill $(cat C/lock) && wait_for "! kill -0 $(cat C/lock) 2>/dev/null" 20
'

test_expect_success 'a middle tool killed with kill -9: the sink fails' '
	mkdir live && cp in/x.json live/ &&
	{
		st-read --trigger "20 milliseconds" live 2>/dev/null |
		sh -c "echo \$\$ >filter.pid; exec st-filter true" |
		sh -c "st-sink >out 2>err; echo \$? >rc9"
	} &
	pids="$pids $!" &&
	wait_for "test -s out && test -s filter.pid" 20 &&
	kill -9 $(cat filter.pid) &&
	wait_for "test -s rc9" 20 &&
	echo 1 >expect && test_cmp expect rc9 &&
	# st-read ends on a broken pipe once it has something to write.
	cp in/x.json live/y.json &&
	echo "st-sink: input ended without an end-of-stream line (did an upstream tool die?)" >expect &&
	test_cmp expect err
'

test_expect_success 'a middle tool failing on bad data: its message reaches the sink' '
	st-read --trigger available-now in | sed "s/\"a\":2/\"a\":2,/" >bad.stream &&
	test_expect_code 1 sh -c "st-filter true <bad.stream | st-select a | st-sink >out" 2>err &&
	cat >expect <<-\EOT &&
	st-filter: <stdin>:3:8: malformed record: expected a string key (use --malformed dropmalformed or permissive to go on)
	st-sink: upstream st-filter failed: <stdin>:3:8: malformed record: expected a string key (use --malformed dropmalformed or permissive to go on)
	EOT
	test_cmp expect err
'

test_expect_success 'the abort line is passed on unchanged by every tool' '
	st-filter true <bad.stream 2>/dev/null | st-select a >middle;
	tail -n 1 middle | jq -c "[.[\"@st\"], .tool]" >actual &&
	echo "[\"abort\",\"st-filter\"]" >expect && test_cmp expect actual &&
	test_expect_code 1 st-window -b a -a "count(*) AS n" <middle >out 2>err &&
	tail -n 1 out >actual && tail -n 1 middle >expect && test_cmp expect actual &&
	test ! -s err
'

test_expect_success 'a usage error in the middle fails the pipeline' '
	test_expect_code 1 sh -c "st-read --trigger available-now in | st-filter \"a =\" | st-sink >out 2>err" &&
	grep "^st-sink: upstream st-filter failed: invalid expression at column 4" err
'

test_expect_success 'a stateful tool refusing its checkpoint fails the pipeline' '
	st-read --trigger available-now in | st-window -b a -a "count(*) AS n" -m update --checkpoint W | st-sink >/dev/null &&
	test_expect_code 1 sh -c "st-read --trigger available-now in | st-window -b a -a \"sum(a) AS s\" -m update --checkpoint W | st-sink >out 2>err" &&
	grep "^st-sink: upstream st-window failed: checkpoint .W. holds the state of a different query" err
'

test_expect_success 'the end of input without eos after control lines fails a middle tool too' '
	st-read --trigger available-now in | grep -v "\"@st\":\"eos\"" >cut.stream &&
	test_expect_code 1 st-filter true <cut.stream >out 2>err &&
	tail -n 1 out | jq -c "[.[\"@st\"], .tool, .message]" >actual &&
	echo "[\"abort\",\"st-filter\",\"input ended without an end-of-stream line (did an upstream tool die?)\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'a foreign filter that passes control lines keeps the protocol' '
	st-read --trigger available-now in | jq -c "if has(\"@st\") then . else select(.a > 1) end" | st-sink >out &&
	printf "%s\n" "{\"a\":2}" "{\"a\":3}" >expect && test_cmp expect out
'

test_expect_success 'plain NDJSON still works: no control lines in, none out, exit 0' '
	cat in/x.json | st-filter "a > 1" | st-select a >out &&
	printf "%s\n" "{\"a\":2}" "{\"a\":3}" >expect && test_cmp expect out &&
	cat in/x.json | st-filter "a > 1" | st-sink >out &&
	test_cmp expect out &&
	st-sink </dev/null >out && test ! -s out &&
	st-filter true </dev/null >out && test ! -s out
'

test_expect_success 'plain NDJSON with a bad line: the failure still reaches the sink' '
	printf "%s\n" "{\"a\":1}" "{oops" | test_expect_code 1 sh -c "st-filter true | st-sink >out 2>err" &&
	grep "^st-sink: upstream st-filter failed: <stdin>:2:2: malformed record" err
'

test_done
