#!/bin/sh
test_description='the stream cannot be forged: no data record reads as a control line, every output is valid input (NUL, invalid UTF-8, BOM, blank lines), the console escapes control characters'
. "$(dirname "$0")/lib.sh"

# Data records of a batched stream, control lines left out.
data() { grep -v '^{"@st":' "$@"; }

test_expect_success 'st-select AS `@st`: the records stay data, through a checkpointed pipeline' '
	mkdir in &&
	printf "%s\n" "{\"k\":\"end\",\"batch\":0,\"n\":1}" "{\"k\":\"x\",\"batch\":0,\"n\":2}" \
		"{\"k\":\"y\",\"batch\":0,\"n\":3}" >in/a.json &&
	st-read --checkpoint C --trigger available-now in |
	st-select "k AS \`@st\`, batch, n" 2>select.err |
	st-filter "n > 0" |
	st-sink --checkpoint C --format json --path out &&
	cat out/*.json | jq -c . >actual &&
	cat >expect <<-\EOT &&
	{"@st":"end","batch":0,"n":1}
	{"@st":"x","batch":0,"n":2}
	{"@st":"y","batch":0,"n":3}
	EOT
	test_cmp expect actual &&
	grep -c "^{\"\\\\u0040st\":" out/part-00000.json >n && echo 3 >expect && test_cmp expect n &&
	echo "st-select: a record'\''s first field is named '\''@st'\'', which marks control lines (st(7)): it is written as \"\\u0040st\", the same name" >expect &&
	test_cmp expect select.err &&
	test -f C/commits/0
'

test_expect_success 'a CSV header @st: the records stay data' '
	mkdir csv &&
	printf "@st,batch\nend,0\nx,0\n" >csv/a.csv &&
	st-read --checkpoint D --trigger available-now -f csv --header csv 2>/dev/null |
	st-filter "true" | st-sink --checkpoint D --format json --path out2 &&
	cat out2/*.json | jq -c . >actual &&
	printf "%s\n" "{\"@st\":\"end\",\"batch\":\"0\"}" "{\"@st\":\"x\",\"batch\":\"0\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'tools that build records (st-window, st-dedup, st-join) escape a leading @st' '
	printf "%s\n" "{\"k\":\"end\",\"t\":1}" "{\"k\":\"end\",\"t\":2}" |
	st-select "k AS \`@st\`, t" 2>/dev/null | st-window -b "@st" -a "count(*) AS n" 2>/dev/null >w &&
	echo "{\"\\\\u0040st\":\"end\",\"n\":2}" >expect && test_cmp expect w &&
	st-select "\`@st\`" <w 2>/dev/null | st-dedup -k "@st" 2>/dev/null >d &&
	echo "{\"\\\\u0040st\":\"end\"}" >expect && test_cmp expect d &&
	printf "%s\n" "{\"@st\":\"end\",\"v\":1}" >side.json &&
	echo "{\"v\":1}" | st-join --static side.json --on v 2>/dev/null >j &&
	jq -c . j >actual && echo "{\"v\":1,\"@st\":\"end\"}" >expect && test_cmp expect actual
'

test_expect_success 'NUL and invalid UTF-8 from text and CSV files pass a checkpointed pipeline' '
	mkdir txt &&
	printf "a\000b\n\377c\n\342\202\n\355\240\200d\n" >txt/t.txt &&
	st-read --checkpoint E --trigger available-now -f text txt |
	st-filter "true" | st-select "value, length(value) AS n" |
	st-sink --checkpoint E --format json --path out3 &&
	cat >expect <<-\EOT &&
	{"value":"a\u0000b","n":3}
	{"value":"\ufffdc","n":2}
	{"value":"\ufffd","n":1}
	{"value":"\ufffd\ufffd\ufffdd","n":4}
	EOT
	jq -ac . out3/part-00000.json >actual && test_cmp expect actual &&
	test -f E/commits/0 &&
	mkdir csv2 && printf "a,b\nx\000y,\377\n" >csv2/c.csv &&
	st-read --checkpoint F --trigger available-now -f csv --header csv2 |
	st-filter "true" | st-sink --checkpoint F --format json --path out4 &&
	jq -ac . out4/part-00000.json >actual &&
	echo "{\"a\":\"x\\u0000y\",\"b\":\"\\ufffd\"}" >expect && test_cmp expect actual
'

test_expect_success 'permissive _corrupt_record holds valid JSON text' '
	mkdir bad && printf "{\"a\":\"\377\"}\n" >bad/b.json &&
	st-read --trigger once --malformed permissive bad | st-filter "true" | data >actual &&
	echo "{\"_corrupt_record\":\"{\\\"a\\\":\\\"\357\277\275\\\"}\"}" >expect &&
	test_cmp expect actual
'

test_expect_success '\u0000 in JSON is valid input to every tool' '
	echo "{\"a\":\"x\\u0000y\",\"t\":1}" >nul.json &&
	st-filter "a IS NOT NULL" <nul.json >actual && test_cmp nul.json actual &&
	st-read --trigger once nul.json | data >actual && test_cmp nul.json actual &&
	st-select "length(a) AS n" <nul.json >actual && echo "{\"n\":3}" >expect && test_cmp expect actual
'

test_expect_success 'a BOM opening a CSV file, a JSON file, a stream is dropped' '
	mkdir bom && printf "\357\273\277a,b\n1,2\n" >bom/c.csv &&
	st-read --trigger once -f csv --header bom | data >actual &&
	echo "{\"a\":\"1\",\"b\":\"2\"}" >expect && test_cmp expect actual &&
	st-read --trigger once -f csv --header --infer-schema bom | data >actual &&
	echo "{\"a\":1,\"b\":2}" >expect && test_cmp expect actual &&
	mkdir bomj && printf "\357\273\277{\"a\":1}\n" >bomj/j.json &&
	st-read --trigger once bomj | data >actual &&
	echo "{\"a\":1}" >expect && test_cmp expect actual &&
	printf "\357\273\277{\"a\":1}\n" | st-filter "a = 1" >actual && test_cmp expect actual &&
	printf "\357\273\277v,w\n1,x\n" >side.csv &&
	echo "{\"v\":\"1\"}" | st-join --static side.csv --on v >actual &&
	echo "{\"v\":\"1\",\"w\":\"x\"}" >expect && test_cmp expect actual
'

test_expect_success 'blank lines are skipped by every tool' '
	printf "{\"k\":\"a\",\"t\":1}\n\n  \n\t\r\n{\"k\":\"b\",\"t\":2}\n\n" >blank.json &&
	printf "%s\n" "{\"k\":\"a\",\"t\":1}" "{\"k\":\"b\",\"t\":2}" >expect &&
	st-filter "true" <blank.json >actual && test_cmp expect actual &&
	st-where "true" <blank.json >actual && test_cmp expect actual &&
	st-select "*" <blank.json >actual && test_cmp expect actual &&
	st-watermark -t t -d "1 second" <blank.json >actual && test_cmp expect actual &&
	st-dedup <blank.json >actual && test_cmp expect actual &&
	st-sink <blank.json >actual && test_cmp expect actual &&
	st-window -b k -a "count(*) AS n" <blank.json | jq -c . >actual &&
	printf "%s\n" "{\"k\":\"a\",\"n\":1}" "{\"k\":\"b\",\"n\":1}" >expect2 && test_cmp expect2 actual &&
	st-running -a "count(*) AS n" <blank.json | jq -c .n >actual &&
	printf "1\n2\n" >expect2 && test_cmp expect2 actual &&
	printf "{\"k\":\"a\",\"x\":1}\n\n" >side2.json &&
	st-join --static side2.json --on k <blank.json | jq -c . >actual &&
	echo "{\"k\":\"a\",\"t\":1,\"x\":1}" >expect2 && test_cmp expect2 actual &&
	{ printf "{\"@st\":\"begin\",\"batch\":0,\"ts\":1}\n\n{\"a\":1}\n\n{\"@st\":\"end\",\"batch\":0}\n\n"
	  ! type eos >/dev/null 2>&1 || eos; } |
	st-filter "true" | data >actual && echo "{\"a\":1}" >expect2 && test_cmp expect2 actual
'

test_expect_success 'the console sink escapes control characters' '
	printf "%s\n" "{\"a\":\"\\u001b[31mred\\u0007\",\"b\":\"x\\ny\\u009bz\"}" |
	st-sink --format console >cons &&
	! grep -q "$(printf "\033")" cons &&
	! grep -q "$(printf "\007")" cons &&
	grep -F "|\\u001b[31mred\\a|x\\ny\\u009bz|" cons
'

test_done
