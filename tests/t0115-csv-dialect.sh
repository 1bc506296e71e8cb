#!/bin/sh
test_description='one CSV dialect: st-read, st-join --static and from_csv read a file the same; to_csv and st-sink --format csv write the same'
. "$(dirname "$0")/lib.sh"

# Spark's defaults (CSVOptions): reading keeps blanks around a field
# (ignoreLeadingWhiteSpace/ignoreTrailingWhiteSpace false in read), an
# empty field quoted or not is null (nullValue and emptyValue ""), a quote
# inside quotes is escaped as \" (escape '\'); RFC 4180's "" is read too.
test_expect_success 'setup: one file with blanks, empty fields and quotes' '
	cat >t.csv <<-\EOT
	k,v
	1, a 
	2,"b"
	3,
	4,""
	5,"say \"hi\""
	6,"say ""hi"""
	7,"x, y"
	EOT
	cat >expect <<-\EOT
	{"k":"1","v":" a "}
	{"k":"2","v":"b"}
	{"k":"3","v":null}
	{"k":"4","v":null}
	{"k":"5","v":"say \"hi\""}
	{"k":"6","v":"say \"hi\""}
	{"k":"7","v":"x, y"}
	EOT
'

test_expect_success 'st-read reads it as Spark does' '
	st-read -f csv --header --trigger once t.csv | grep -v "^{\"@st\"" |
	jq -c "{k, v}" >actual &&
	test_cmp expect actual
'

test_expect_success 'st-join --static reads the same values' '
	for k in 1 2 3 4 5 6 7; do echo "{\"k\":\"$k\"}"; done |
	st-join --static t.csv --on k --type left | jq -c "{k, v}" >actual &&
	test_cmp expect actual
'

test_expect_success 'from_csv reads the same values' '
	sed 1d t.csv | jq -R -c "{line: .}" |
	st-select "from_csv(line, '"'"'k STRING, v STRING'"'"') AS r" |
	jq -c ".r" >actual &&
	test_cmp expect actual
'

# Spark's writer (CSVOptions.asWriterSettings): blanks around a value
# dropped (ignore*WhiteSpace true in write), a null written as nothing, an
# empty string as "" (emptyValueInWrite), a quote escaped as \" (escape
# '\', escapeQuotes); CSVSuite "SPARK-18579: ignoreLeadingWhiteSpace and
# ignoreTrailingWhiteSpace options - write".
test_expect_success 'to_csv and st-sink --format csv write the same lines' '
	cat >rows <<-\EOT &&
	{"a":" a ","b":1}
	{"a":"","b":2}
	{"a":null,"b":3}
	{"a":"x, y","b":4}
	{"a":"say \"hi\"","b":5}
	EOT
	cat >expect <<-\EOT &&
	a,1
	"",2
	,3
	"x, y",4
	"say \"hi\"",5
	EOT
	st-select "to_csv(named_struct('"'"'a'"'"', a, '"'"'b'"'"', b)) AS c" <rows |
	jq -r .c >actual &&
	test_cmp expect actual &&
	st-sink --format csv --no-header --path out <rows &&
	cat out/*.csv >actual &&
	test_cmp expect actual
'

test_expect_success 'what st writes, st reads back' '
	st-read -f csv --schema "a STRING, b INT" --trigger once out | grep -v "^{\"@st\"" |
	jq -c "{a, b}" >actual &&
	cat >expect <<-\EOT &&
	{"a":"a","b":1}
	{"a":null,"b":2}
	{"a":null,"b":3}
	{"a":"x, y","b":4}
	{"a":"say \"hi\"","b":5}
	EOT
	test_cmp expect actual
'

test_done
