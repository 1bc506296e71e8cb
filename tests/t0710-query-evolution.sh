#!/bin/sh
test_description='query evolution: changes Spark allows resume exactly once, changes it refuses say what changed'
. "$(dirname "$0")/lib.sh"

# The lecture's "bug fixes and restart": a stateless change (filter,
# projection), a changed rate limit or trigger keep the checkpoint; a change
# to keys, aggregates, windows, join type or output mode of a stateful tool
# does not (Spark: "Allow at the same checkpoint given the code change does
# not have conflict to the checkpoint").

trades() {	# the first $1 trade files into in/
	mkdir -p in &&
	i=0 && while [ $i -lt "$1" ]; do
		cp "$SRCDIR/tests/data/trades/batch$i.ndjson" in/ &&
		touch -d "2019-02-05 10:0$i" in/batch$i.ndjson &&
		i=$((i + 1)) || return 1
	done
}

test_expect_success 'a changed filter, rate limit and trigger resume where the checkpoint says' '
	trades 2 &&
	st-read --checkpoint ck --trigger available-now --max-files-per-trigger 1 in/ |
	st-filter "Amount > 0" |
	st-window --checkpoint ck --time "to_timestamp(CreatedTime, '"'"'yyyy-MM-dd HH:mm:ss'"'"')" \
	    --size "15 minutes" --agg "sum(Amount) AS total" --mode update |
	st-sink --checkpoint ck --format json --path out &&
	trades 4 &&
	st-read --checkpoint ck --trigger once --max-files-per-trigger 5 in/ |
	st-filter "Amount > 0 AND Type IS NOT NULL" |
	st-select "*" |
	st-window --checkpoint ck --time "to_timestamp(CreatedTime, '"'"'yyyy-MM-dd HH:mm:ss'"'"')" \
	    --size "15 minutes" --agg "sum(Amount) AS total" --mode update |
	st-sink --checkpoint ck --format json --path out &&
	cat out/*.json | jq -sc "group_by(.window.start) | map(last) | .[] | [.window.start, .total]" >actual &&
	cat >expect <<-\EOT &&
	["2019-02-05T09:30:00Z",100]
	["2019-02-05T10:00:00Z",800]
	["2019-02-05T10:15:00Z",1200]
	["2019-02-05T10:30:00Z",900]
	["2019-02-05T10:45:00Z",600]
	EOT
	test_cmp expect actual
'

test_expect_success 'a changed aggregate is refused, naming the option, before any output' '
	trades 4 &&
	st-read --checkpoint ck --trigger once in/ </dev/null >stream &&
	test_expect_code 1 st-window --checkpoint ck \
	    --time "to_timestamp(CreatedTime, '"'"'yyyy-MM-dd HH:mm:ss'"'"')" \
	    --size "15 minutes" --agg "count(*) AS total" --mode update <stream >o.json 2>err &&
	only_abort o.json st-window &&
	grep "^st-window: checkpoint .ck. holds the state of a different query (--agg was \"sum(Amount) AS total\", now \"count(\*) AS total\"); Spark refuses such a change too: use a new checkpoint directory, or the old options$" err
'

test_expect_success 'a changed output mode is refused' '
	test_expect_code 1 st-window --checkpoint ck \
	    --time "to_timestamp(CreatedTime, '"'"'yyyy-MM-dd HH:mm:ss'"'"')" \
	    --size "15 minutes" --agg "sum(Amount) AS total" --mode complete <stream >o.json 2>err &&
	grep "(--mode was \"update\", now \"complete\")" err
'

test_expect_success 'changed dropDuplicates keys are refused' '
	printf "%s\n" "{\"a\":1,\"b\":2}" >in.json &&
	st-dedup --checkpoint dk --keys a <in.json >/dev/null &&
	test_expect_code 1 st-dedup --checkpoint dk --keys a,b <in.json >o.json 2>err &&
	grep "^st-dedup: checkpoint .dk. holds the state of a different query (--keys was \[\"a\"\], now \[\"a\",\"b\"\])" err
'

# Spark's state of an aggregation is the aggregate buffers per grouping key;
# on restart StateSchemaCompatibilityChecker compares the key and value
# schemas by type, names aside (StateSchemaCompatibilityCheckerSuite:
# "changing the name of field in value should be allowed", "adding field
# to value should fail", "changing the type of field in value should
# fail", "changing the type of field in key should fail"). A projection
# over the aggregates (count(*) * 10 -> count(*) * 2) or an alias is not
# state: st-window and st-running resume, the new output computed over the
# restored aggregates; another aggregate, argument or key is refused.
users() {	# u/$1.json: one record per user $2...
	f=$1 && shift && mkdir -p u &&
	for u in "$@"; do echo "{\"user\":\"$u\",\"x\":1}" || return 1; done >u/$f.json
}
groups() {	# TOOL CHECKPOINT AGG: st-read | TOOL --by user --agg AGG | st-sink
	st-read --checkpoint "$2" --trigger once u/ |
	if [ "$1" = st-window ]; then
		st-window --checkpoint "$2" --by user --agg "$3" --mode update
	else
		st-running --checkpoint "$2" --by user --agg "$3"
	fi |
	st-sink --checkpoint "$2"
}
refused() {	# TOOL CHECKPOINT OPTIONS...: TOOL refuses the next batch, err says why
	tool=$1 ck=$2 && shift 2 &&
	st-read --checkpoint "$ck" --trigger once u/ </dev/null >stream &&
	test_expect_code 1 $tool --checkpoint "$ck" "$@" <stream >o.json 2>err &&
	only_abort o.json $tool
}

test_expect_success 'st-window: an output expression over the aggregates changed resumes, the new one over the restored counts' '
	users 1 a a b &&
	groups st-window gk "count(*) * 10 AS n" >o1.json &&
	printf "%s\n" "{\"user\":\"a\",\"n\":20}" "{\"user\":\"b\",\"n\":10}" >expect &&
	test_cmp expect o1.json &&
	users 2 a &&
	groups st-window gk "count(*) * 2 AS n" >o2.json 2>err &&
	echo "{\"user\":\"a\",\"n\":6}" >expect &&
	test_cmp expect o2.json &&
	test ! -s err &&
	head -n 1 gk/state/st-window/query |
	jq -e ".agg == \"count(*) AS count(1); (count(1) * 2) AS n\" and .aggCalls == [\"count(*)\"]" >/dev/null
'

test_expect_success 'st-window: an alias renamed resumes, the new name in the output' '
	users 3 b &&
	groups st-window gk "count(*) AS cnt" >o3.json &&
	echo "{\"user\":\"b\",\"cnt\":2}" >expect &&
	test_cmp expect o3.json &&
	users 4 a b &&
	groups st-window gk "count(*) AS total" >o4.json &&
	printf "%s\n" "{\"user\":\"a\",\"total\":4}" "{\"user\":\"b\",\"total\":3}" >expect &&
	test_cmp expect o4.json
'

test_expect_success 'st-window: an aggregate function changed (count -> sum) is refused, naming --agg, before any output' '
	users 5 a &&
	refused st-window gk --by user --agg "sum(x) AS total" --mode update &&
	grep "^st-window: checkpoint .gk. holds the state of a different query (--agg was \"count(\*) AS total\", now \"sum(x) AS total\"); Spark refuses such a change too: use a new checkpoint directory, or the old options$" err
'

test_expect_success 'st-window: an aggregate added, or its argument changed, is refused' '
	refused st-window gk --by user --agg "count(*) AS total, sum(x) AS s" --mode update &&
	grep "(--agg was \"count(\*) AS total\", now \"count(\*) AS total, sum(x) AS s\")" err &&
	refused st-window gk --by user --agg "count(x) AS total" --mode update &&
	grep "(--agg was \"count(\*) AS total\", now \"count(x) AS total\")" err
'

test_expect_success 'st-window: a grouping key changed is refused, the old query still resumes' '
	refused st-window gk --by x --agg "count(*) AS total" --mode update &&
	grep "(--by was \[\"user\"\], now \[\"x\"\])" err &&
	groups st-window gk "count(*) AS total" >o5.json &&
	echo "{\"user\":\"a\",\"total\":5}" >expect &&
	test_cmp expect o5.json
'

# Spark's names drop a string literal's quotes (sum(CASE WHEN (user = a)
# ...) for both 'a' and the column a): the calls are compared exactly.
test_expect_success 'st-window: an argument whose Spark name is the same but means another column is refused' '
	rm -rf u && users 1 a && users 2 a &&
	groups st-window lk "sum(case when user = '"'"'a'"'"' then x else 0 end) AS s" >o1.json &&
	echo "{\"user\":\"a\",\"s\":2}" >expect &&
	test_cmp expect o1.json &&
	users 3 a &&
	refused st-window lk --by user --agg "sum(case when user = a then x else 0 end) AS s" --mode update &&
	grep "(--agg (its aggregate calls) was \[\"sum(CASE WHEN (\`user\` = '"'"'a'"'"') THEN \`x\` ELSE 0 END)\"\], now \[\"sum(CASE WHEN (\`user\` = \`a\`) THEN \`x\` ELSE 0 END)\"\])" err
'

test_expect_success 'st-running: an output expression or alias changed resumes over the running state; another aggregate is refused' '
	rm -rf u && users 1 a a &&
	groups st-running rk "sum(x) * 10 AS s" >o1.json &&
	printf "%s\n" "{\"user\":\"a\",\"x\":1,\"s\":10}" "{\"user\":\"a\",\"x\":1,\"s\":20}" >expect &&
	test_cmp expect o1.json &&
	users 2 a &&
	groups st-running rk "sum(x) AS total" >o2.json &&
	echo "{\"user\":\"a\",\"x\":1,\"total\":3}" >expect &&
	test_cmp expect o2.json &&
	users 3 a &&
	refused st-running rk --by user --agg "avg(x) AS total" &&
	grep "^st-running: checkpoint .rk. holds the state of a different query (--agg was \"sum(x) AS total\", now \"avg(x) AS total\")" err
'

# Spark refuses a restart whose query has other sources
# (StreamingQueryManager: "the number of sources ... does not match").
test_expect_success 'a changed set of sources is refused, the old one resumes' '
	mkdir -p a b && echo "{\"x\":1}" >a/1.json && echo "{\"y\":1}" >b/1.json &&
	st-read --checkpoint sk --trigger once --source A=a --source B=b |
	st-sink --checkpoint sk >o1.json &&
	test_expect_code 1 sh -c "st-read --checkpoint sk --trigger once --source A=a --source C=b 2>err | st-sink --checkpoint sk >o2.json 2>/dev/null" &&
	grep "^st-read: checkpoint .sk. was started with the sources \[\"A\",\"B\"\], now \[\"A\",\"C\"\]; Spark refuses a change in the sources too: use a new checkpoint directory$" err &&
	test ! -s o2.json &&
	echo "{\"x\":2}" >a/2.json &&
	st-read --checkpoint sk --trigger once --source A=a --source B=b |
	st-sink --checkpoint sk >o3.json &&
	echo "{\"x\":2}" >expect &&
	test_cmp expect o3.json
'

test_done
