#!/bin/sh
test_description='st-select: projection, computed columns, withColumn, explode'
. "$(dirname "$0")/lib.sh"

cat >in <<'EOF_IN'
{"a":1,"b":"x","p":1.50,"o":{"k":[1, 2],"s":"t"},"arr":["u","v"]}
{"a":2,"b":null,"p":2e3,"o":{"k":[]},"arr":[]}
{"b":"z","arr":null}
EOF_IN

test_expect_success 'plain columns are copied byte for byte, missing ones are null' '
	st-select a p o <in >actual &&
	cat >expect <<-\EOF_E &&
	{"a":1,"p":1.50,"o":{"k":[1, 2],"s":"t"}}
	{"a":2,"p":2e3,"o":{"k":[]}}
	{"a":null,"p":null,"o":null}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'several arguments are one list; aliases with and without AS' '
	st-select "a AS x" "b y, o.s" <in >actual &&
	cat >expect <<-\EOF_E &&
	{"x":1,"y":"x","s":"t"}
	{"x":2,"y":null,"s":null}
	{"x":null,"y":"z","s":null}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'computed columns get Spark default names' '
	st-select "a + 1, upper(b), a IS NULL, cast(p as int), count_a" <in 2>/dev/null | head -n 1 >actual &&
	echo "{\"(a + 1)\":2,\"upper(b)\":\"X\",\"(a IS NULL)\":false,\"CAST(p AS INT)\":1,\"count_a\":null}" >expect &&
	test_cmp expect actual
'

test_expect_success '* alone writes records as their bytes' '
	st-select "*" <in >actual &&
	test_cmp in actual
'

test_expect_success '* keeps input order; * EXCEPT drops columns' '
	st-select "* EXCEPT (o, arr)" <in >actual &&
	cat >expect <<-\EOF_E &&
	{"a":1,"b":"x","p":1.50}
	{"a":2,"b":null,"p":2e3}
	{"b":"z"}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'a repeated name replaces in place (last value wins)' '
	st-select "*, upper(b) AS b" "a * 10 AS a2" <in >actual &&
	head -n 1 actual >first &&
	echo "{\"a\":1,\"b\":\"X\",\"p\":1.50,\"o\":{\"k\":[1, 2],\"s\":\"t\"},\"arr\":[\"u\",\"v\"],\"a2\":10}" >expect &&
	test_cmp expect first
'

test_expect_success '--with sets a column in place or appends it, keeping other bytes' '
	st-select -w "a=a*100" -w "c=concat(b, '"'"'!'"'"')" -w "d=c || '"'"'?'"'"'" <in >actual &&
	cat >expect <<-\EOF_E &&
	{"a":100,"b":"x","p":1.50,"o":{"k":[1, 2],"s":"t"},"arr":["u","v"],"c":"x!","d":"x!?"}
	{"a":200,"b":null,"p":2e3,"o":{"k":[]},"arr":[],"c":null,"d":null}
	{"b":"z","arr":null,"a":null,"c":"z!","d":"z!?"}
	EOF_E
	test_cmp expect actual
'

test_expect_success '--with then a list: the list sees the new columns' '
	st-select --with "\`n b\`=length(b)" "b, \`n b\`" <in >actual &&
	cat >expect <<-\EOF_E &&
	{"b":"x","n b":1}
	{"b":null,"n b":null}
	{"b":"z","n b":1}
	EOF_E
	test_cmp expect actual
'

# A `quoted` name of --with reads as in an expression (Spark's
# backquoted identifiers): `` is one backquote.
test_expect_success '--with `a``b`=...: a doubled backquote is one, as in the list' '
	st-select --with "\`a\`\`b\`=length(b)" "\`a\`\`b\`" <in >actual &&
	cat >expect <<-\EOF_E &&
	{"a`b":1}
	{"a`b":null}
	{"a`b":1}
	EOF_E
	test_cmp expect actual &&
	test_expect_code 2 st-select --with "\`a=1" </dev/null 2>err &&
	grep -q "invalid --with" err
'

test_expect_success 'explode: one record per element, none for empty or null' '
	st-select "a, explode(arr) AS v" <in >actual &&
	cat >expect <<-\EOF_E &&
	{"a":1,"v":"u"}
	{"a":1,"v":"v"}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'explode_outer keeps empty and null arrays as null' '
	st-select "a, explode_outer(arr)" <in >actual &&
	cat >expect <<-\EOF_E &&
	{"a":1,"col":"u"}
	{"a":1,"col":"v"}
	{"a":2,"col":null}
	{"a":null,"col":null}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'posexplode gives pos and col, or the names given' '
	st-select "posexplode(arr)" <in >actual &&
	printf "%s\n" "{\"pos\":0,\"col\":\"u\"}" "{\"pos\":1,\"col\":\"v\"}" >expect &&
	test_cmp expect actual &&
	st-select "b, posexplode(o.k) AS (i, x)" <in >actual &&
	printf "%s\n" "{\"b\":\"x\",\"i\":0,\"x\":1}" "{\"b\":\"x\",\"i\":1,\"x\":2}" >expect &&
	test_cmp expect actual
'

test_expect_success 'control lines pass through untouched' '
	{
		echo "{\"@st\":\"begin\",\"batch\":0,\"ts\":0,\"keep\":\"me\"}"
		cat in
		echo "{\"@st\":\"end\",\"batch\":0}"
		eos
	} | st-select "b" >out &&
	head -n 1 out >actual &&
	echo "{\"@st\":\"begin\",\"batch\":0,\"ts\":0,\"keep\":\"me\"}" >expect &&
	test_cmp expect actual &&
	sed -n "2,4p" out >actual &&
	printf "%s\n" "{\"b\":\"x\"}" "{\"b\":null}" "{\"b\":\"z\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'timestamps are written in the canonical form' '
	echo "{\"ms\":1549360800250,\"s\":\"2019-02-05 10:00:00\"}" |
	st-select "timestamp_millis(ms) AS t, to_timestamp(s) AS u, cast(s as date) AS d, date_format(s, '"'"'dd/MM/yyyy'"'"') AS f" >actual &&
	echo "{\"t\":\"2019-02-05T10:00:00.250Z\",\"u\":\"2019-02-05T10:00:00Z\",\"d\":\"2019-02-05\",\"f\":\"05/02/2019\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'errors: two generators, an unknown type, a bad --with' '
	test_expect_code 2 st-select "explode(arr), explode(arr)" <in 2>err &&
	head -n 1 err >actual &&
	echo "st-select: invalid expression at column 15: only one generator (explode, posexplode) is allowed per select list" >expect &&
	test_cmp expect actual &&
	test_expect_code 2 st-select "cast(a as strng)" <in 2>err &&
	cat >expect <<-\EOF_E &&
	st-select: invalid expression at column 11: unknown type '"'"'strng'"'"' (did you mean '"'"'STRING'"'"'?)
	  cast(a as strng)
	            ^
	EOF_E
	test_cmp expect err &&
	test_expect_code 2 st-select -w "=1" <in 2>err &&
	echo "st-select: invalid --with '"'"'=1'"'"': expected NAME=EXPR" >expect &&
	test_cmp expect err &&
	test_expect_code 2 st-select <in 2>err &&
	grep -q "^st-select: missing select list or --with" err
'

# Two tagged sources in one batch, as st-read --source emits them.
cat >tagged <<'EOF_IN'
{"@st":"begin","batch":0,"ts":1549360800000}
{"@st":"source","name":"clicks"}
{"ClickID":"i1", "ClickTime" : "2019-02-05 10:05:00"}
{"@st":"source","name":"impressions"}
{"ImpressionID":"i1","CreatedTime":"2019-02-05 10:00:00","Campaigner":"c7","Extra":[1, 2]}
{"ImpressionID":"i2","CreatedTime":"2019-02-05 10:01:00","Campaigner":"c8"}
{"@st":"source","name":"clicks"}
{ "ClickID":"i2","ClickTime":"2019-02-05 10:30:00" }
{"@st":"end","batch":0}
{"@st":"eos"}
EOF_IN

test_expect_success '--source: the list applies to one source; the others pass byte for byte' '
	st-select --source impressions "ImpressionID, to_timestamp(CreatedTime, '"'"'yyyy-MM-dd HH:mm:ss'"'"') AS ImpressionTime, Campaigner" <tagged >actual 2>err &&
	cat >expect <<-\EOF_E &&
	{"@st":"begin","batch":0,"ts":1549360800000}
	{"@st":"source","name":"clicks"}
	{"ClickID":"i1", "ClickTime" : "2019-02-05 10:05:00"}
	{"@st":"source","name":"impressions"}
	{"ImpressionID":"i1","ImpressionTime":"2019-02-05T10:00:00Z","Campaigner":"c7"}
	{"ImpressionID":"i2","ImpressionTime":"2019-02-05T10:01:00Z","Campaigner":"c8"}
	{"@st":"source","name":"clicks"}
	{ "ClickID":"i2","ClickTime":"2019-02-05 10:30:00" }
	{"@st":"end","batch":0,"progress":[{"name":"st-select","numInputRows":4,"numOutputRows":4}]}
	{"@st":"eos"}
	EOF_E
	test_cmp expect actual &&
	test ! -s err
'

test_expect_success '--source with --with, explode and a second st-select for the other side' '
	st-select --source clicks -w "ClickTime=to_timestamp(ClickTime)" <tagged |
	st-select --source impressions "ImpressionID, explode(Extra) AS e" >actual &&
	cat >expect <<-\EOF_E &&
	{"@st":"begin","batch":0,"ts":1549360800000}
	{"@st":"source","name":"clicks"}
	{"ClickID":"i1","ClickTime":"2019-02-05T10:05:00Z"}
	{"@st":"source","name":"impressions"}
	{"ImpressionID":"i1","e":1}
	{"ImpressionID":"i1","e":2}
	{"@st":"source","name":"clicks"}
	{"ClickID":"i2","ClickTime":"2019-02-05T10:30:00Z"}
	{"@st":"end","batch":0,"progress":[{"name":"st-select","numInputRows":4,"numOutputRows":4},{"name":"st-select","numInputRows":4,"numOutputRows":4}]}
	{"@st":"eos"}
	EOF_E
	test_cmp expect actual
'

test_expect_success '--source: missing columns are checked against the first record of that source' '
	st-select --source impressions "Campaigner" <tagged >/dev/null 2>err &&
	test ! -s err &&
	st-select --source clicks "Campaigner" <tagged >/dev/null 2>err &&
	echo "st-select: column '"'"'Campaigner'"'"' is not in the first record; it reads as null" >expect &&
	test_cmp expect err
'

test_expect_success '--source naming no source of the input passes everything and warns' '
	st-select --source click "ClickID" <tagged >out 2>err &&
	grep -v "^{\"@st\":\"end\"" out >actual &&
	grep -v "^{\"@st\":\"end\"" tagged >expect &&
	test_cmp expect actual &&
	echo "st-select: --source '"'"'click'"'"' matched no record; the input'"'"'s sources are '"'"'clicks'"'"', '"'"'impressions'"'"'" >expect &&
	test_cmp expect err
'

test_expect_success '--source usage errors: twice, empty' '
	test_expect_code 2 st-select --source a --source b a <tagged 2>err &&
	grep -q "^st-select: --source given twice" err &&
	test_expect_code 2 st-select --source "" a <tagged 2>err &&
	grep -q "^st-select: invalid source name '"'"''"'"' for --source" err
'

# Spark: df.select(from_json(col("value"), schema).alias("v")).select("v.*")
test_expect_success 'struct.* expands a struct into its fields, as select("value.*")' '
	printf "%s\n" "{\"value\":\"{\\\"a\\\":1,\\\"b\\\":\\\"x\\\"}\",\"k\":7}" \
	    "{\"value\":\"not json\",\"k\":8}" >in &&
	st-select "k, from_json(value, '"'"'a INT, b STRING'"'"') AS v" <in |
	st-select "k, v.*" >actual &&
	printf "%s\n" "{\"k\":7,\"a\":1,\"b\":\"x\"}" "{\"k\":8}" >expect &&
	test_cmp expect actual &&
	echo "{\"v\":{\"a\":1,\"q\\\"\":{\"c\":2}},\"n\":null}" | st-select "v.*, n.*" >actual &&
	echo "{\"a\":1,\"q\\\"\":{\"c\":2}}" >expect &&
	test_cmp expect actual
'

test_expect_success 'struct.* must be a whole item' '
	echo "{\"v\":{\"a\":1}}" >in &&
	test_expect_code 2 st-select "v.* AS x" <in 2>err &&
	grep "^st-select: invalid expression at column 1: .\.\*. expands a struct into its fields: it must be a whole item, without an alias$" err &&
	test_expect_code 2 st-select "v.* + 1" <in 2>err &&
	test_expect_code 2 st-filter "v.*" <in 2>err
'

test_done
