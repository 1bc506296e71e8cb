#!/bin/sh
test_description='st-sink: stdout, json and csv files, console; commits and replays'
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a stream of two batches' '
	cat >stream <<-\EOT
	{"@st":"begin","batch":0,"ts":1549360800000}
	{"word":"cat","count":1}
	{"word":"dog","count":2,"w":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"}}
	{"@st":"end","batch":0,"progress":[{"name":"st-read","numInputRows":2}]}
	{"@st":"begin","batch":1,"ts":1549360860000,"mode":"update","keys":["word"]}
	{"word":"a, \"quoted\" word","count":3}
	{"@st":"end","batch":1,"progress":[]}
	{"@st":"eos"}
	EOT
'

test_expect_success 'default: NDJSON on stdout, control lines stripped' '
	st-sink <stream >actual &&
	grep -v "^{\"@st\"" stream >expect && test_cmp expect actual
'

test_expect_success '--raw keeps the control lines' '
	st-sink --raw <stream | grep -c "^{\"@st\"" >n && echo 5 >expect && test_cmp expect n
'

test_expect_success 'plain NDJSON (no control lines) is one batch' '
	printf "%s\n" "{\"a\":1}" "{\"a\":2}" | st-sink --format json --path plain &&
	ls plain >actual && echo part-00000.json >expect && test_cmp expect actual
'

test_expect_success 'json files: one per batch, commits and progress written' '
	st-sink --checkpoint C --format json --path out <stream &&
	ls out >actual && printf "part-00000.json\npart-00001.json\n" >expect &&
	test_cmp expect actual &&
	sed -n 2,3p stream >expect && test_cmp expect out/part-00000.json &&
	ls C/commits >actual && printf "0\n1\n" >expect && test_cmp expect actual &&
	head -n 1 C/commits/1 >actual && echo "{\"batch\":1,\"ts\":1549360860000}" >expect &&
	test_cmp expect actual &&
	head -n 1 C/progress/0 | jq -c "[.batchId, .timestamp, [.progress[].name]]" >actual &&
	echo "[0,\"2019-02-05T10:00:00Z\",[\"st-read\",\"st-sink\"]]" >expect &&
	test_cmp expect actual &&
	head -n 1 C/sink | jq -c . >actual && echo "{\"format\":\"json\",\"path\":\"out\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a committed batch is skipped on replay' '
	echo "{\"stale\":true}" >out/part-00000.json &&
	st-sink --checkpoint C --format json --path out <stream &&
	echo "{\"stale\":true}" >expect && test_cmp expect out/part-00000.json
'

test_expect_success 'an uncommitted batch is replaced, not duplicated' '
	rm C/commits/1 &&
	st-sink --checkpoint C --format json --path out <stream &&
	sed -n 6p stream >expect && test_cmp expect out/part-00001.json
'

test_expect_success 'input ending inside a batch: exit 1, no commit, no visible file' '
	head -n 2 stream | test_expect_code 1 st-sink --checkpoint D --format json --path cut 2>err &&
	echo "st-sink: input ended inside batch 0 (did an upstream tool die?); nothing of it was committed" >expect &&
	test_cmp expect err &&
	test_must_fail test -d D/commits &&
	ls -A cut >actual && test_must_fail test -s actual
'

test_expect_success 'csv files: header, quoting, null as empty' '
	st-sink --format csv --path csv <stream &&
	cat >expect <<-\EOT &&
	word,count
	cat,1
	dog,2
	EOT
	test_cmp expect csv/part-00000.csv &&
	# Spark writes a quote inside quotes as \" (CSVOptions escape).
	printf "%s\n" "word,count" "\"a, \\\"quoted\\\" word\",3" >expect &&
	test_cmp expect csv/part-00001.csv &&
	st-sink --format csv --no-header --path csv2 <stream &&
	printf "%s\n" "cat,1" "dog,2" >expect && test_cmp expect csv2/part-00000.csv
'

test_expect_success 'console: Spark tables' '
	st-sink --format console <stream >actual &&
	cat >expect <<-\EOT &&
	-------------------------------------------
	Batch: 0
	-------------------------------------------
	+----+-----+--------------------+
	|word|count|                   w|
	+----+-----+--------------------+
	| cat|    1|                null|
	| dog|    2|{2019-02-05T10:00...|
	+----+-----+--------------------+

	-------------------------------------------
	Batch: 1
	-------------------------------------------
	+----------------+-----+
	|            word|count|
	+----------------+-----+
	|a, "quoted" word|    3|
	+----------------+-----+

	EOT
	test_cmp expect actual
'

test_expect_success 'console: --truncate 0 aligns left, --num-rows limits' '
	st-sink --format console --truncate 0 --num-rows 1 <stream >actual &&
	sed -n 1,9p actual >top &&
	cat >expect <<-\EOT &&
	-------------------------------------------
	Batch: 0
	-------------------------------------------
	+----+-----+
	|word|count|
	+----+-----+
	|cat |1    |
	+----+-----+
	only showing top 1 row
	EOT
	test_cmp expect top
'

test_expect_success 'console: an empty batch shows the columns of the last one' '
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}" "{\"a\":1,\"bb\":\"x\"}" "{\"@st\":\"end\",\"batch\":0}" \
		"{\"@st\":\"begin\",\"batch\":1,\"ts\":0}" "{\"@st\":\"end\",\"batch\":1}" |
	st-sink --format console | sed -n "10,\$p" >actual &&
	cat >expect <<-\EOT &&
	-------------------------------------------
	Batch: 1
	-------------------------------------------
	+---+---+
	|  a| bb|
	+---+---+
	+---+---+

	EOT
	test_cmp expect actual
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-sink --format json 2>err &&
	echo "st-sink: --format json needs --path DIR" >expect &&
	head -n 1 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-sink --format parquet 2>/dev/null &&
	test_expect_code 2 st-sink --num-rows x 2>/dev/null &&
	st-sink --help >help && head -n 1 help >actual &&
	echo "usage: st-sink [options]" >expect && test_cmp expect actual
'

test_expect_success 'st-read | st-sink, CSV directory to JSON files, exactly the input' '
	mkdir in &&
	printf "a,b\n1,x\n2,y\n" >in/1.csv && touch -d "2020-01-01" in/1.csv &&
	printf "a,b\n3,z\n" >in/2.csv &&
	st-read -f csv --header --schema "a INT, b STRING" --checkpoint E \
		--trigger available-now --max-files-per-trigger 1 in |
		st-sink --checkpoint E --format json --path jout &&
	cat jout/part-*.json >actual &&
	printf "%s\n" "{\"a\":1,\"b\":\"x\"}" "{\"a\":2,\"b\":\"y\"}" "{\"a\":3,\"b\":\"z\"}" >expect &&
	test_cmp expect actual &&
	ls E/commits >actual && printf "0\n1\n2\n" >expect && test_cmp expect actual
'

test_done
