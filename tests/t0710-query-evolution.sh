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
