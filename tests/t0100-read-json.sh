#!/bin/sh
test_description='st-read: JSON lines files, schemas, malformed modes'
. "$(dirname "$0")/lib.sh"

# Control lines without the parts that vary (timestamps, progress).
strip() { jq -c 'del(.ts, .progress)' "$@"; }

test_expect_success 'setup' '
	mkdir in &&
	printf "%s\n" "{\"id\":1,\"p\":\"1.5\"}" "{\"id\":2,\"p\":2}" >in/a.json &&
	printf "%s\n" "{\"id\":3,\"p\":\"x\"}" "not json" "" "{\"id\":4}" >in/b.json &&
	printf "%s\n" "{\"id\":9}" >in/_skipped.json &&
	printf "%s\n" "{\"id\":9}" >in/.hidden.json &&
	touch -d "2020-01-01 00:00:00" in/a.json &&
	touch -d "2020-01-01 00:00:01" in/b.json
'

# Spark's Trigger.Once runs exactly one batch, no no-data batch after it
# (StreamingQuerySuite, TriggerAvailableNowSuite's Trigger.Once cases).
test_expect_success 'trigger once: exactly one batch' '
	st-read --trigger once --malformed permissive in | strip >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0}
	{"id":1,"p":"1.5"}
	{"id":2,"p":2}
	{"id":3,"p":"x"}
	{"_corrupt_record":"not json"}
	{"id":4}
	{"@st":"end","batch":0}
	{"@st":"eos"}
	EOT
	test_cmp expect actual
'

test_expect_success 'failfast names file, line and column, exits 1' '
	test_expect_code 1 st-read --trigger once in >out 2>err &&
	echo "st-read: in/b.json:2:1: malformed record: expected a JSON object (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err &&
	grep -c "^{\"id\"" out >n && echo 3 >expect && test_cmp expect n
'

test_expect_success 'dropmalformed counts and writes the dead letter file' '
	st-read --trigger once --malformed dropmalformed --dead-letter dl in >out 2>err &&
	echo "st-read: dropped 1 malformed record (copied to '"'"'dl'"'"')" >expect &&
	test_cmp expect err &&
	echo "not json" >expect && test_cmp expect dl &&
	grep "^{\"@st\":\"end\",\"batch\":0" out | jq -c ".progress[0] | [.numInputRows, .numMalformedRows]" >actual &&
	echo "[4,1]" >expect && test_cmp expect actual
'

test_expect_success 'schema: typed columns, missing fields null' '
	st-read --trigger once --schema "id BIGINT, p DOUBLE, q STRING" --malformed permissive in | grep -v "^{\"@st\"" >actual &&
	cat >expect <<-\EOT &&
	{"id":1,"p":1.5,"q":null}
	{"id":2,"p":2.0,"q":null}
	{"id":3,"p":null,"q":null,"_corrupt_record":"{\"id\":3,\"p\":\"x\"}"}
	{"_corrupt_record":"not json"}
	{"id":4,"p":null,"q":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'schema cast failure with failfast names the field' '
	test_expect_code 1 st-read --trigger once --schema "id BIGINT, p DOUBLE" in >out 2>err &&
	echo "st-read: in/b.json:1: field '"'"'p'"'"': cannot cast '"'"'x'"'"' to DOUBLE (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err
'

test_expect_success 'bad schema is a usage error' '
	test_expect_code 2 st-read --schema "a STRNG" in 2>err &&
	grep "^st-read: invalid schema '"'"'a STRNG'"'"': unknown type" err
'

test_expect_success 'a record that looks like a control line is malformed' '
	mkdir ctl && echo "{\"@st\":\"begin\",\"batch\":5}" >ctl/x.json &&
	test_expect_code 1 st-read --trigger once ctl 2>err >/dev/null &&
	echo "st-read: ctl/x.json:1: malformed record: the key '"'"'@st'"'"' is reserved for control lines (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err
'

test_expect_success 'text format: one value per line' '
	mkdir txt && printf "hello world\nsecond \"line\"\n" >txt/t.txt &&
	st-read -f text --trigger once txt | grep -v "^{\"@st\"" >actual &&
	printf "%s\n" "{\"value\":\"hello world\"}" "{\"value\":\"second \\\"line\\\"\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'globs and single files' '
	st-read --trigger once --malformed dropmalformed "in/a*.json" 2>/dev/null | grep -c "^{\"id\"" >n &&
	echo 2 >expect && test_cmp expect n &&
	st-read --trigger once in/a.json | grep -c "^{\"id\"" >n &&
	test_cmp expect n
'

test_expect_success 'stdin with -' '
	printf "%s\n" "{\"x\":1}" "{\"x\":2}" | st-read --trigger available-now - | strip >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0}
	{"x":1}
	{"x":2}
	{"@st":"end","batch":0}
	{"@st":"begin","batch":1,"noData":true}
	{"@st":"end","batch":1}
	{"@st":"eos"}
	EOT
	test_cmp expect actual
'

test_expect_success 'named sources: one batch sequence, source lines' '
	mkdir s1 s2 && echo "{\"k\":1}" >s1/a.json && echo "{\"k\":2}" >s2/a.json &&
	st-read --trigger once --source left=s1 --source right=s2 | strip >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0}
	{"@st":"source","name":"left"}
	{"k":1}
	{"@st":"source","name":"right"}
	{"k":2}
	{"@st":"end","batch":0}
	{"@st":"eos"}
	EOT
	test_cmp expect actual
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 st-read 2>err &&
	echo "st-read: no input: give paths, --source NAME=PATH or -" >expect &&
	head -n 1 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-read --trigger sometimes in 2>/dev/null &&
	test_expect_code 2 st-read --max-files-per-trigger x in 2>/dev/null &&
	test_expect_code 2 st-read --clean-source archive in 2>/dev/null &&
	st-read --help >help && head -n 1 help >actual &&
	echo "usage: st-read [options] path ..." >expect && test_cmp expect actual
'

test_done
