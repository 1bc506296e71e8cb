#!/bin/sh
test_description='st-read --infer-schema: Spark inferSchema for CSV, kept in the checkpoint'
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: two CSV files with a header' '
	mkdir in &&
	printf "%s\n" "CreatedTime,Type,Amount,Price,Ok,Note" \
		"2019-02-05 10:05:00,BUY,500,1.5,true,x" >in/a.csv &&
	printf "%s\n" "CreatedTime,Type,Amount,Price,Ok,Note" \
		"2019-02-05 10:12:00,SELL,3000000000,2,FALSE," >in/b.csv &&
	touch -d "2020-01-01 00:00:01" in/a.csv &&
	touch -d "2020-01-01 00:00:02" in/b.csv
'

test_expect_success 'each column gets the narrowest type that reads all its values' '
	st-read -f csv --header --infer-schema --trigger once in | st-sink >actual &&
	cat >expect <<-\EOT &&
	{"CreatedTime":"2019-02-05T10:05:00Z","Type":"BUY","Amount":500,"Price":1.5,"Ok":true,"Note":"x"}
	{"CreatedTime":"2019-02-05T10:12:00Z","Type":"SELL","Amount":3000000000,"Price":2.0,"Ok":false,"Note":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'without a header the columns are _c0, _c1, ...; a mixed column is STRING' '
	mkdir nh && printf "%s\n" "1,a" "2.5,3" >nh/x.csv &&
	st-read -f csv --infer-schema --trigger once nh | st-sink >actual &&
	cat >expect <<-\EOT &&
	{"_c0":1.0,"_c1":"a"}
	{"_c0":2.5,"_c1":"3"}
	EOT
	test_cmp expect actual
'

# Spark reads any header as column names (CSVHeaderChecker); a backquote in
# one is doubled in the DDL text the schema is kept as.
test_expect_success 'a header name with a backquote or a blank is inferred and kept' '
	mkdir bq && printf "%s\n" "a\`b,c d" "1,x" >bq/x.csv &&
	st-read -f csv --header --infer-schema --checkpoint B --trigger once bq |
		st-sink >actual &&
	printf "%s\n" "{\"a\`b\":1,\"c d\":\"x\"}" >expect &&
	test_cmp expect actual &&
	echo "\`a\`\`b\` INT, \`c d\` STRING" >expect &&
	head -n 1 B/sources/schema >actual && test_cmp expect actual
'

test_expect_success 'the first run keeps its schema in the checkpoint; later runs use it' '
	mkdir in2 && cp -p in/a.csv in2/ &&
	st-read -f csv --header --infer-schema --checkpoint C --trigger available-now in2 |
		st-sink --checkpoint C >first &&
	echo "\`CreatedTime\` TIMESTAMP, \`Type\` STRING, \`Amount\` INT, \`Price\` DOUBLE, \`Ok\` BOOLEAN, \`Note\` STRING" >expect &&
	head -n 1 C/sources/schema >actual && test_cmp expect actual &&
	printf "%s\n" "CreatedTime,Type,Amount,Price,Ok,Note" "later,BUY,x,1,true,y" >in2/c.csv &&
	test_expect_code 1 st-read -f csv --header --infer-schema --checkpoint C --trigger available-now in2 \
		>/dev/null 2>err &&
	grep -q "in2/c.csv:2: field .CreatedTime.: cannot cast .later. to TIMESTAMP" err &&
	head -n 1 C/sources/schema >actual && test_cmp expect actual
'

test_expect_success 'errors: nothing to infer from; not CSV; both --schema and --infer-schema' '
	mkdir empty &&
	test_expect_code 1 st-read -f csv --infer-schema --trigger once empty >/dev/null 2>err &&
	echo "st-read: cannot infer a schema: no CSV data in the input yet (give --schema)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 st-read --infer-schema --trigger once in 2>err &&
	grep -q "^st-read: --infer-schema is for CSV files" err &&
	test_expect_code 2 st-read -f csv -s "a INT" --infer-schema in 2>err &&
	grep -q "^st-read: give --schema or --infer-schema, not both" err
'

test_expect_success 'a first file with only a header waits for data, then infers from it' '
	mkdir ho && printf "%s\n" "a,b" >ho/1.csv &&
	test_expect_code 1 st-read -f csv --header --infer-schema --trigger available-now ho >/dev/null 2>err &&
	echo "st-read: cannot infer a schema: no CSV data in the input yet, only a header (give --schema)" >expect &&
	test_cmp expect err &&
	{ st-read -f csv --header --infer-schema --checkpoint H --poll-interval 10ms ho >out 2>err & } &&
	pid=$! && trap "kill $pid 2>/dev/null" EXIT &&
	sleep_a_bit() { wait_for "test -d H" 20; } && sleep_a_bit &&
	test_must_fail test -f H/sources/schema &&
	printf "%s\n" "a,b" "1,2.5" >ho/.2.csv && mv ho/.2.csv ho/2.csv &&
	wait_for "grep -q \"\\\"a\\\":1,\" out" 20 &&
	kill $pid && wait $pid;
	echo "\`a\` INT, \`b\` DOUBLE" >expect &&
	head -n 1 H/sources/schema >actual &&
	test_cmp expect actual
'

test_done
