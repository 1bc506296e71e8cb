#!/bin/sh
test_description='column names resolve as Spark (caseSensitive=false) in every tool: exact, else ignoring case; ambiguity and absence are errors or warnings'
. "$(dirname "$0")/lib.sh"

batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || cat "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
data() { grep -v '^{"@st"' "$@"; }

# The seed's activity data (003: "cube("gt", "model").avg()" on the
# heterogeneity set, whose columns are Arrival_Time, Creation_Time,
# Device, Index, Model, User, gt, x, y, z), cut down.
test_expect_success 'setup: activity readings with capitalised columns' '
	cat >act <<-\EOT
	{"Creation_Time":1424686735090,"Index":0,"Model":"nexus4","User":"a","gt":"stand","x":1}
	{"Creation_Time":1424686735090,"Index":1,"Model":"nexus4","User":"a","gt":"stand","x":2}
	{"Creation_Time":1424686735091,"Index":2,"Model":"s3","User":"b","gt":"walk","x":4}
	{"Creation_Time":1424686735091,"Index":3,"Model":"s3","User":"b","gt":"walk","x":8}
	{"Creation_Time":1424686735092,"Index":4,"Model":"s3","User":"a","gt":"walk","x":16}
	EOT
'

# Spark: cube("gt", "model") on a Model column groups by it
# (spark.sql.caseSensitive=false, SQLConf.CASE_SENSITIVE); before, every
# model collapsed to null.
test_expect_success 'st-window --cube gt,model groups by the Model field' '
	st-window --cube gt,model -a "count(*) AS n, sum(x) AS s" -m complete <act |
	data | jq -c "[.gt, .model, .n, .s]" | sort >actual &&
	cat >expect <<-\EOT &&
	["stand","nexus4",2,3]
	["stand",null,2,3]
	["walk","s3",3,28]
	["walk",null,3,28]
	[null,"nexus4",2,3]
	[null,"s3",3,28]
	[null,null,5,31]
	EOT
	test_cmp expect actual
'

test_expect_success 'st-window --by and --rollup resolve the same way' '
	st-window -b MODEL -a "count(*) AS n" -m complete <act | data |
	jq -c "[.MODEL, .n]" | sort >actual &&
	printf "%s\n" "[\"nexus4\",2]" "[\"s3\",3]" >expect &&
	test_cmp expect actual
'

# The seed's dropDuplicates(["User", "event_time"]), typed in lower case:
# before, every row had the same (null, null) key and 5 rows became 1.
test_expect_success 'st-dedup -k user,creation_time keeps one row per user and time' '
	st-dedup -k user,creation_time <act | jq -c "[.User, .Index]" >actual &&
	printf "%s\n" "[\"a\",0]" "[\"b\",2]" "[\"a\",4]" >expect &&
	test_cmp expect actual
'

test_expect_success 'the event time column resolves ignoring case too' '
	echo "{\"Event_Time\":\"2024-01-01T00:01:00Z\",\"n\":1}" |
	st-window -t event_time -s 10m -a "sum(n) AS s" -m update | data |
	jq -c "[.window.start, .s]" >actual &&
	echo "[\"2024-01-01T00:00:00Z\",1]" >expect &&
	test_cmp expect actual
'

# Spark: "Reference 'model' is ambiguous, could be: Model, MODEL."
test_expect_success 'two fields differing only in case: an ambiguity error' '
	echo "{\"Model\":\"a\",\"MODEL\":\"b\",\"x\":1}" >amb &&
	test_expect_code 1 st-window -b model -a "count(*) AS n" <amb >out 2>err &&
	echo "st-window: column '"'"'model'"'"' is ambiguous at line 1: the record has '"'"'Model'"'"' and '"'"'MODEL'"'"' (names resolve ignoring case, as in Spark; write one of them exactly)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 st-dedup -k model <amb >out 2>err &&
	sed "s/st-window/st-dedup/" expect | test_cmp - err &&
	test_expect_code 1 st-select "model AS m" <amb >out 2>err &&
	sed "s/st-window/st-select/" expect | test_cmp - err &&
	st-window -b Model -a "count(*) AS n" <amb | data >actual &&
	echo "{\"Model\":\"a\",\"n\":1}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a --by column in no record: a warning with the nearest name, counted in progress' '
	{ batch 0 act; eos; } | st-window -b modle -a "count(*) AS n" 2>err |
	grep "\"end\"" | head -n 1 | jq -c ".progress[0].numMissingColumns" >actual &&
	echo 1 >expect &&
	test_cmp expect actual &&
	echo "st-window: --by column '"'"'modle'"'"' is in no record of the batch (did you mean '"'"'Model'"'"'?); it reads as null" >expect &&
	test_cmp expect err &&
	{ batch 0 act; eos; } | st-dedup -k usr 2>err >/dev/null &&
	echo "st-dedup: --keys column '"'"'usr'"'"' is in no record of the batch (did you mean '"'"'User'"'"'?); it reads as null" >expect &&
	test_cmp expect err
'

test_expect_success 'a --time column in no record: the warning names the nearest field' '
	echo "{\"CreatedTime\":\"2024-01-01T00:01:00Z\"}" |
	st-window -t createdtim -s 10m -a "count(*) AS n" 2>err >/dev/null &&
	echo "st-window: <stdin>:1: no event time in '"'"'createdtim'"'"' (did you mean '"'"'CreatedTime'"'"'?); records without one are skipped" >expect &&
	test_cmp expect err
'

# Spark: joining on a column the static side lacks is UNRESOLVED_COLUMN,
# with suggestions; st refuses before emitting anything.
test_expect_success 'st-join --static: the join column resolves ignoring case on both sides' '
	printf "%s\n" "{\"USER\":\"a\",\"name\":\"Ann\"}" "{\"USER\":\"b\",\"name\":\"Bob\"}" >users.json &&
	st-join --static users.json --on user <act | jq -c "[.Index, .name]" >actual &&
	printf "%s\n" "[0,\"Ann\"]" "[1,\"Ann\"]" "[2,\"Bob\"]" "[3,\"Bob\"]" "[4,\"Ann\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'st-join --static without the join column: an error with a did-you-mean' '
	printf "%s\n" "{\"usr\":\"a\",\"name\":\"Ann\"}" >bad.json &&
	test_expect_code 1 st-join --static bad.json --on user <act >out 2>err &&
	only_abort out st-join &&
	echo "st-join: --static '"'"'bad.json'"'"' has no column '"'"'user'"'"' to join on (did you mean '"'"'usr'"'"'?)" >expect &&
	test_cmp expect err
'

test_expect_success 'a --time column no record has: st-watermark and st-dedup warn once, with the nearest name' '
	printf "%s\n" "{\"Tim\":\"2020-01-01T00:00:00Z\",\"k\":1}" "{\"Tim\":\"2020-01-01T00:01:00Z\",\"k\":2}" >in &&
	st-watermark --time Time --delay 1m <in >out 2>err &&
	echo "st-watermark: <stdin>:1: no event time in '"'"'Time'"'"' (did you mean '"'"'Tim'"'"'?); records without one do not move the watermark" >expect &&
	test_cmp expect err &&
	test_cmp in out &&
	st-dedup --keys k,Time --time Time <in >out 2>err &&
	grep -c "no event time in .Time. (did you mean .Tim.?); records without one are never forgotten" err >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'st-join --on key columns in no record of a side: a warning per side, counted' '
	{
		printf "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}\n{\"@st\":\"source\",\"name\":\"l\"}\n"
		printf "{\"key\":1,\"a\":1}\n{\"@st\":\"source\",\"name\":\"r\"}\n{\"Key2\":1,\"b\":2}\n"
		printf "{\"@st\":\"end\",\"batch\":0}\n"
		eos
	} | st-join --left l --right r --on "key = kye2" 2>err >out &&
	grep "\"end\"" out | head -n 1 | jq -c ".progress[0].numMissingColumns" >actual &&
	echo 1 >expect &&
	test_cmp expect actual &&
	grep -v "no time bound" err >actual &&
	echo "st-join: --on (right '"'"'r'"'"') column '"'"'kye2'"'"' is in no record of the batch (did you mean '"'"'Key2'"'"'?); it reads as null" >expect &&
	test_cmp expect actual &&
	printf "%s\n" "{\"usr\":\"a\",\"name\":\"Ann\"}" >users.json &&
	{ batch 0 act; eos; } | st-join --static users.json --on usr 2>err >out &&
	echo "st-join: --on column '"'"'usr'"'"' is in no record of the batch (did you mean '"'"'User'"'"'?); it reads as null" >expect &&
	test_cmp expect err &&
	grep "\"end\"" out | jq -c ".progress[0].numMissingColumns" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'st-running --by in no record: a warning with the nearest name, counted' '
	{ batch 0 act; eos; } | st-running -b modle -a "sum(x) AS s" 2>err >out &&
	echo "st-running: --by column '"'"'modle'"'"' is in no record of the batch (did you mean '"'"'Model'"'"'?); it reads as null" >expect &&
	test_cmp expect err &&
	grep "\"end\"" out | jq -c ".progress[0].numMissingColumns" >actual &&
	echo 1 >expect &&
	test_cmp expect actual &&
	{ batch 0 act; eos; } | st-running -b model -a "sum(x) AS s" 2>err >out &&
	test ! -s err
'

test_expect_success 'the nearest name of a warning is the plain name of an escaped key' '
	printf "%s\n" "{\"Mod\\u0065l\":\"s3\",\"x\":1}" >esc &&
	{ batch 0 esc; eos; } | st-running -b modle -a "sum(x) AS s" 2>err >out &&
	echo "st-running: --by column '"'"'modle'"'"' is in no record of the batch (did you mean '"'"'Model'"'"'?); it reads as null" >expect &&
	test_cmp expect err
'

test_done
