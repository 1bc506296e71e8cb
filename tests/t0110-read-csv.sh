#!/bin/sh
test_description='st-read: CSV files (header, quoting, delimiter, schema casts)'
. "$(dirname "$0")/lib.sh"

data() { grep -v '^{"@st"' "$@"; }

test_expect_success 'setup' '
	mkdir in &&
	cat >in/inv.csv <<-\EOT
	InvoiceNumber,CreatedTime,ItemPrice,Note
	51402977,1549360800000,1.50,"plain"
	51402978,1549360801000,abc,"with, comma"
	51402979,1549360802000,3,"two
	lines"
	51402980,1549360803000,4.25,"say ""hi"""
	51402981,1549360804000
	EOT
'

test_expect_success 'header names the columns, values are strings' '
	st-read -f csv --header --malformed permissive --trigger once in | data >actual &&
	cat >expect <<-\EOT &&
	{"InvoiceNumber":"51402977","CreatedTime":"1549360800000","ItemPrice":"1.50","Note":"plain"}
	{"InvoiceNumber":"51402978","CreatedTime":"1549360801000","ItemPrice":"abc","Note":"with, comma"}
	{"InvoiceNumber":"51402979","CreatedTime":"1549360802000","ItemPrice":"3","Note":"two\nlines"}
	{"InvoiceNumber":"51402980","CreatedTime":"1549360803000","ItemPrice":"4.25","Note":"say \"hi\""}
	{"InvoiceNumber":"51402981","CreatedTime":"1549360804000","ItemPrice":null,"Note":null,"_corrupt_record":"51402981,1549360804000"}
	EOT
	test_cmp expect actual
'

test_expect_success 'schema casts; permissive keeps the corrupt line' '
	st-read -f csv --header --trigger once --malformed permissive \
		--schema "InvoiceNumber STRING, CreatedTime BIGINT, ItemPrice DOUBLE, Note STRING" in | data >actual &&
	cat >expect <<-\EOT &&
	{"InvoiceNumber":"51402977","CreatedTime":1549360800000,"ItemPrice":1.5,"Note":"plain"}
	{"InvoiceNumber":"51402978","CreatedTime":1549360801000,"ItemPrice":null,"Note":"with, comma","_corrupt_record":"51402978,1549360801000,abc,\"with, comma\""}
	{"InvoiceNumber":"51402979","CreatedTime":1549360802000,"ItemPrice":3.0,"Note":"two\nlines"}
	{"InvoiceNumber":"51402980","CreatedTime":1549360803000,"ItemPrice":4.25,"Note":"say \"hi\""}
	{"InvoiceNumber":"51402981","CreatedTime":1549360804000,"ItemPrice":null,"Note":null,"_corrupt_record":"51402981,1549360804000"}
	EOT
	test_cmp expect actual
'

test_expect_success 'failfast: file, line and field of the bad cast' '
	test_expect_code 1 st-read -f csv --header --trigger once \
		--schema "InvoiceNumber STRING, CreatedTime BIGINT, ItemPrice DOUBLE, Note STRING" in >out 2>err &&
	echo "st-read: in/inv.csv:3: field '"'"'ItemPrice'"'"': cannot cast '"'"'abc'"'"' to DOUBLE (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err
'

test_expect_success 'dropmalformed: the multi-line record stays whole, bad ones go to the dead letter' '
	st-read -f csv --header --trigger once --malformed dropmalformed --dead-letter dl \
		--schema "InvoiceNumber STRING, CreatedTime BIGINT, ItemPrice DOUBLE, Note STRING" in >out 2>err &&
	data out | jq -r .InvoiceNumber >actual &&
	printf "%s\n" 51402977 51402979 51402980 >expect && test_cmp expect actual &&
	printf "%s\n" "51402978,1549360801000,abc,\"with, comma\"" "51402981,1549360804000" >expect &&
	test_cmp expect dl &&
	echo "st-read: dropped 2 malformed records (copied to '"'"'dl'"'"')" >expect && test_cmp expect err
'

test_expect_success 'too few fields under failfast names the line' '
	printf "a,b\n1,2\n3\n" >short.csv &&
	test_expect_code 1 st-read -f csv --header --trigger once short.csv >/dev/null 2>err &&
	echo "st-read: short.csv:3: expected 2 fields, found 1 (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err
'

test_expect_success 'no header: _c0, _c1...; other delimiter' '
	printf "1;x y\n2;\n" >semi.csv &&
	st-read -f csv --delimiter ";" --trigger once semi.csv | data >actual &&
	printf "%s\n" "{\"_c0\":\"1\",\"_c1\":\"x y\"}" "{\"_c0\":\"2\",\"_c1\":null}" >expect &&
	test_cmp expect actual
'

test_expect_success 'max-bytes splits a file at record boundaries, header kept' '
	st-read -f csv --header --trigger available-now --max-bytes-per-trigger 60 \
		--malformed permissive --checkpoint C in >out &&
	grep -c "^{\"@st\":\"begin\"" out >n && test $(cat n) -ge 4 &&
	data out | jq -r .InvoiceNumber >actual &&
	printf "%s\n" 51402977 51402978 51402979 51402980 51402981 >expect &&
	test_cmp expect actual &&
	head -n 1 C/offsets/1 | jq -c ".sources.default.files[0] | [.start, .end, .line]" >actual &&
	head -n 1 C/offsets/0 | jq -c ".sources.default.files[0] | [.start, .end, .line]" >first &&
	test "$(jq ".[1]" first)" = "$(jq ".[0]" actual)"
'

test_expect_success 'an unterminated quote at the end of a file is malformed' '
	printf "a,b\n1,\"open\n" >open.csv &&
	test_expect_code 1 st-read -f csv --header --trigger once open.csv >/dev/null 2>err &&
	echo "st-read: open.csv:2: malformed record: unterminated quoted field (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err
'

test_done
