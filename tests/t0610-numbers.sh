#!/bin/sh
test_description='numbers keep their identity: integers beyond BIGINT stay exact (DECIMAL(38,0)), +-Infinity are doubles, distinct from each other and from null'
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	printf "%s\n" "{\"k\":12345678901234567890123}" "{\"k\":12345678901234567890124}" \
		"{\"k\":12345678901234567890123}" "{\"k\":1e400}" "{\"k\":-1e400}" \
		"{\"k\":null}" "{}" "{\"k\":1e400}" "{\"k\":-12345678901234567890123}" >nums.json
'

test_expect_success 'st-dedup: big integers and infinities are distinct keys' '
	st-dedup -k k <nums.json >actual &&
	cat >expect <<-\EOT &&
	{"k":12345678901234567890123}
	{"k":12345678901234567890124}
	{"k":1e400}
	{"k":-1e400}
	{"k":null}
	{"k":-12345678901234567890123}
	EOT
	test_cmp expect actual
'

test_expect_success 'st-window: one group each; null and missing together; exact keys in output' '
	st-window -b k -a "count(*) AS n" <nums.json | LC_ALL=C sort >actual &&
	cat >expect <<-\EOT &&
	{"k":"-Infinity","n":1}
	{"k":"Infinity","n":2}
	{"k":-12345678901234567890123,"n":1}
	{"k":12345678901234567890123,"n":2}
	{"k":12345678901234567890124,"n":1}
	{"k":null,"n":2}
	EOT
	test_cmp expect actual
'

test_expect_success 'arithmetic and casts: exact beyond BIGINT, Infinity is no null' '
	echo "{\"b\":12345678901234567890123,\"i\":1e400,\"m\":-1e400}" |
	st-select "b + 0 AS b0, b * 10 AS b10, b - 12345678901234567890000 AS small,
		-b AS nb, CAST(b AS STRING) AS bs, CAST(b AS DOUBLE) AS bd,
		CAST(b AS DECIMAL(38,0)) AS bdec, b + 0.5 AS bhalf,
		b = 12345678901234567890123 AS beq, b > 12345678901234567890122 AS bgt,
		i + 0 AS i0, CAST(i AS STRING) AS istr, -i AS ni, m * 2 AS m2,
		i IS NULL AS inull, i > 9223372036854775807 AS ibig, i + m AS nan,
		12345678901234567890123 + 1 AS lit,
		99999999999999999999999999999999999999 + 1 AS overflow" >actual &&
	cat >expect <<-\EOT &&
	{"b0":12345678901234567890123,"b10":123456789012345678901230,"small":123,"nb":-12345678901234567890123,"bs":"12345678901234567890123","bd":1.2345678901234568e+22,"bdec":12345678901234567890123,"bhalf":1.2345678901234568e+22,"beq":true,"bgt":true,"i0":"Infinity","istr":"Infinity","ni":"-Infinity","m2":"-Infinity","inull":false,"ibig":true,"nan":"NaN","lit":12345678901234567890124,"overflow":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'Infinity written by one tool is a double for the next' '
	echo "{\"i\":1e400}" | st-select "i + 0 AS j" | st-select "j * -1 AS k, j > 1 AS big" >actual &&
	echo "{\"k\":\"-Infinity\",\"big\":true}" >expect && test_cmp expect actual
'

test_expect_success 'aggregates and their checkpointed state keep big integers and infinities' '
	mkdir in &&
	printf "%s\n" "{\"g\":\"a\",\"k\":12345678901234567890123,\"x\":1e400}" \
		"{\"g\":\"a\",\"k\":12345678901234567890125,\"x\":1}" >in/1.json &&
	ST_CHECKPOINT=C && export ST_CHECKPOINT &&
	st-read --trigger available-now in |
	st-window -b g -a "min(k) AS lo, max(k) AS hi, sum(x) AS s, count(*) AS n" -m update |
	st-sink >out1 &&
	echo "{\"g\":\"a\",\"lo\":12345678901234567890123,\"hi\":12345678901234567890125,\"s\":\"Infinity\",\"n\":2}" >expect &&
	test_cmp expect out1 &&
	printf "%s\n" "{\"g\":\"a\",\"k\":12345678901234567890124,\"x\":-1e400}" \
		"{\"g\":\"b\",\"k\":-1e400,\"x\":2}" "{\"g\":\"b\",\"k\":1e400,\"x\":2}" >in/2.json &&
	st-read --trigger available-now in |
	st-window -b g -a "min(k) AS lo, max(k) AS hi, sum(x) AS s, count(*) AS n" -m update |
	st-sink >out2 &&
	cat >expect <<-\EOT &&
	{"g":"a","lo":12345678901234567890123,"hi":12345678901234567890125,"s":"NaN","n":3}
	{"g":"b","lo":"-Infinity","hi":"Infinity","s":4,"n":2}
	EOT
	test_cmp expect out2
'

test_expect_success 'st-join: big integer keys match exactly' '
	printf "%s\n" "{\"id\":12345678901234567890123,\"v\":\"x\"}" "{\"id\":12345678901234567890124,\"v\":\"y\"}" >side.json &&
	echo "{\"id\":12345678901234567890124}" | st-join --static side.json --on id >actual &&
	echo "{\"id\":12345678901234567890124,\"v\":\"y\"}" >expect && test_cmp expect actual
'

test_done
