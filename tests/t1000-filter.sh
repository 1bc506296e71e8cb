#!/bin/sh
test_description='st-filter and st-where: keep the records whose predicate is true'
. "$(dirname "$0")/lib.sh"

cat >in <<'EOF_IN'
{"id":1,"event_type":"view","n":5,"s":"stairsup"}
{"id":2,"event_type":"click","n":null,"s":"walk"}
{ "id" : 3 , "event_type":"view" ,"s":"caf\u00e9"}
{"id":4,"event_type":"purchase","n":12,"s":null}
EOF_IN

test_expect_success 'keeps TRUE records as their original bytes' '
	st-filter "event_type = '"'"'view'"'"'" <in >actual &&
	sed -n "1p;3p" in >expect &&
	test_cmp expect actual
'

test_expect_success 'st-where is the same tool' '
	st-where "event_type = '"'"'view'"'"'" <in >actual &&
	sed -n "1p;3p" in >expect &&
	test_cmp expect actual
'

test_expect_success 'NULL drops: a null or missing field never passes a comparison' '
	st-filter "n > 1" <in >actual &&
	sed -n "1p;4p" in >expect &&
	test_cmp expect actual &&
	st-filter "NOT n > 1" <in >actual &&
	: >expect &&
	test_cmp expect actual
'

test_expect_success '--invert keeps what is not TRUE (false and null)' '
	st-filter -v "n > 1" <in >actual &&
	sed -n "2p;3p" in >expect &&
	test_cmp expect actual
'

test_expect_success 'IS NULL sees missing and null fields alike' '
	st-filter "n IS NULL" <in | jq -c .id >actual &&
	printf "2\n3\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'escaped strings compare by their decoded text' '
	st-filter "s = '"'"'café'"'"'" <in >actual &&
	sed -n 3p in >expect &&
	test_cmp expect actual
'

test_expect_success 'control lines pass through; data is filtered inside batches' '
	{
		echo "{\"@st\":\"begin\",\"batch\":0,\"ts\":1549360800000,\"extra\":[1]}"
		cat in
		echo "{\"@st\":\"end\",\"batch\":0}"
		eos
	} | st-filter "event_type = '"'"'click'"'"'" >out &&
	head -n 1 out >actual &&
	echo "{\"@st\":\"begin\",\"batch\":0,\"ts\":1549360800000,\"extra\":[1]}" >expect &&
	test_cmp expect actual &&
	sed -n 2p out >actual &&
	sed -n 2p in >expect &&
	test_cmp expect actual &&
	sed -n 3p out | jq -c "[.\"@st\", .batch]" >actual &&
	echo "[\"end\",0]" >expect &&
	test_cmp expect actual &&
	test $(wc -l <out) -eq 4
'

test_expect_success 'current_timestamp() is the batch timestamp' '
	{
		echo "{\"@st\":\"begin\",\"batch\":7,\"ts\":1549360800000}"
		echo "{\"t\":\"2019-02-05T09:50:00Z\"}"
		echo "{\"t\":\"2019-02-05T09:40:00Z\"}"
		echo "{\"@st\":\"end\",\"batch\":7}"
		eos
	} | st-filter "t > current_timestamp() - INTERVAL 15 MINUTES" |
	grep -v "^{\"@st\"" >actual &&
	echo "{\"t\":\"2019-02-05T09:50:00Z\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a syntax error is a usage error with a caret under the column' '
	test_expect_code 2 st-filter "n > 1 and" <in 2>err &&
	cat >expect <<-\EOF_E &&
	st-filter: invalid expression at column 10: expected an expression after '"'"'and'"'"', found end of input
	  n > 1 and
	           ^
	EOF_E
	test_cmp expect err
'

test_expect_success 'an unknown function is named with the closest one' '
	test_expect_code 2 st-where "lowr(s) = 1" <in 2>err &&
	cat >expect <<-\EOF_E &&
	st-where: invalid expression at column 1: unknown function '"'"'lowr'"'"' (did you mean '"'"'lower'"'"'?)
	  lowr(s) = 1
	  ^
	EOF_E
	test_cmp expect err
'

test_expect_success 'a column missing from the first record is reported once, with a suggestion' '
	st-filter "event_typ = '"'"'view'"'"'" <in >actual 2>err &&
	: >expect &&
	test_cmp expect actual &&
	echo "st-filter: column '"'"'event_typ'"'"' is not in the first record (did you mean '"'"'event_type'"'"'?); it reads as null" >expect &&
	test_cmp expect err
'

test_expect_success 'columns resolve ignoring case, as Spark does' '
	st-filter "EVENT_TYPE = '"'"'purchase'"'"'" <in 2>err | jq -c .id >actual &&
	echo 4 >expect &&
	test_cmp expect actual &&
	test ! -s err
'

test_expect_success 'explode is not a predicate' '
	test_expect_code 2 st-filter "explode(a)" <in 2>err &&
	head -n 1 err >actual &&
	echo "st-filter: invalid expression at column 1: generator '"'"'explode'"'"' is only allowed in st-select'"'"'s list" >expect &&
	test_cmp expect actual
'

test_expect_success 'usage errors: no expression, two expressions' '
	test_expect_code 2 st-filter <in 2>err &&
	grep -q "^st-filter: missing expression" err &&
	test_expect_code 2 st-filter a b <in 2>err &&
	grep -q "^st-filter: unexpected argument '"'"'b'"'"'" err
'

test_expect_success 'a malformed line fails fast with exit 1 by default' '
	printf "%s\n" "{\"a\":1}" "not json" | test_expect_code 1 st-filter "a = 1" >out 2>err &&
	grep -q "malformed record" err
'

test_expect_success 'nested fields, IN, BETWEEN, LIKE and RLIKE' '
	printf "%s\n" "{\"u\":{\"ip\":\"10.0.0.1\",\"age\":30},\"k\":\"ab\"}" \
		"{\"u\":{\"ip\":\"192.168.0.1\",\"age\":70},\"k\":\"zz\"}" >nested &&
	st-filter "u.ip rlike '"'"'^10\\\\.'"'"' and u.age between 18 and 65 and k in ('"'"'ab'"'"', '"'"'cd'"'"') and k like '"'"'a_'"'"'" <nested >actual &&
	head -n 1 nested >expect &&
	test_cmp expect actual
'

# Two tagged sources in one stream, as st-read --source emits them: clicks
# first, then impressions; batch 1 starts with a record before any source
# line (untagged).
cat >tagged <<'EOF_IN'
{"@st":"begin","batch":0,"ts":1549360800000}
{"@st":"source","name":"clicks"}
{"ClickID":1, "n" : 0}
{ "ClickID" : 2 }
{"@st":"source","name":"impressions"}
{"ImpressionID":1,"n":5}
{"ImpressionID":2,"n":0}
{"ImpressionID":3}
{"@st":"end","batch":0}
{"@st":"begin","batch":1,"ts":1549360860000}
{"ImpressionID":9,"n":0}
{"@st":"source","name":"impressions"}
{"ImpressionID":4,"n":7}
{"ImpressionID":5,"n":1}
{"@st":"end","batch":1}
{"@st":"eos"}
EOF_IN

test_expect_success '--source filters one source; the others pass byte for byte' '
	st-filter --source impressions "n > 1" <tagged >actual 2>err &&
	cat >expect <<-\EOF_E &&
	{"@st":"begin","batch":0,"ts":1549360800000}
	{"@st":"source","name":"clicks"}
	{"ClickID":1, "n" : 0}
	{ "ClickID" : 2 }
	{"@st":"source","name":"impressions"}
	{"ImpressionID":1,"n":5}
	{"@st":"end","batch":0,"progress":[{"name":"st-filter","numInputRows":5,"numOutputRows":3}]}
	{"@st":"begin","batch":1,"ts":1549360860000}
	{"ImpressionID":9,"n":0}
	{"@st":"source","name":"impressions"}
	{"ImpressionID":4,"n":7}
	{"@st":"end","batch":1,"progress":[{"name":"st-filter","numInputRows":3,"numOutputRows":2}]}
	{"@st":"eos"}
	EOF_E
	test_cmp expect actual &&
	test ! -s err
'

test_expect_success 'st-where --source with --invert keeps what is not true in that source only' '
	st-where -v --source impressions "n > 1" <tagged >actual &&
	cat >expect <<-\EOF_E &&
	{"@st":"begin","batch":0,"ts":1549360800000}
	{"@st":"source","name":"clicks"}
	{"ClickID":1, "n" : 0}
	{ "ClickID" : 2 }
	{"@st":"source","name":"impressions"}
	{"ImpressionID":2,"n":0}
	{"ImpressionID":3}
	{"@st":"end","batch":0,"progress":[{"name":"st-filter","numInputRows":5,"numOutputRows":4}]}
	{"@st":"begin","batch":1,"ts":1549360860000}
	{"ImpressionID":9,"n":0}
	{"@st":"source","name":"impressions"}
	{"ImpressionID":5,"n":1}
	{"@st":"end","batch":1,"progress":[{"name":"st-filter","numInputRows":3,"numOutputRows":2}]}
	{"@st":"eos"}
	EOF_E
	test_cmp expect actual
'

test_expect_success '--source: missing columns are checked against the first record of that source' '
	st-filter --source clicks "ClickID = 2" <tagged >out 2>err &&
	test ! -s err &&
	grep -v "^{\"ClickID\":1" tagged | grep -v "^{\"@st\":\"end\"" >expect &&
	grep -v "^{\"@st\":\"end\"" out >actual &&
	test_cmp expect actual &&
	st-filter "ClickID = 2" <tagged >out 2>err &&
	test ! -s err &&
	st-filter --source impressions "ClickID = 2" <tagged >out 2>err &&
	echo "st-filter: column '"'"'ClickID'"'"' is not in the first record; it reads as null" >expect &&
	test_cmp expect err
'

test_expect_success '--source naming no source of the input passes everything and warns' '
	st-filter --source impresions "n > 1" <tagged >out 2>err &&
	grep -v "^{\"@st\":\"end\"" out >actual &&
	grep -v "^{\"@st\":\"end\"" tagged >expect &&
	test_cmp expect actual &&
	echo "st-filter: --source '"'"'impresions'"'"' matched no record; the input'"'"'s sources are '"'"'clicks'"'"', '"'"'impressions'"'"'" >expect &&
	test_cmp expect err &&
	st-filter --source clicks "n > 1" <in >actual 2>err &&
	test_cmp in actual &&
	echo "st-filter: --source '"'"'clicks'"'"' matched no record; the input has no source lines" >expect &&
	test_cmp expect err
'

test_expect_success '--source usage errors: twice, empty, no argument' '
	test_expect_code 2 st-filter --source a --source b "n > 1" <tagged 2>err &&
	grep -q "^st-filter: --source given twice" err &&
	test_expect_code 2 st-where --source "" "n > 1" <tagged 2>err &&
	grep -q "^st-where: invalid source name '"'"''"'"' for --source" err &&
	test_expect_code 2 st-filter "n > 1" --source <tagged 2>err &&
	grep -q "^st-filter: option '"'"'--source'"'"' requires an argument" err
'

test_done
