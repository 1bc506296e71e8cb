#!/bin/sh
test_description='a checkpoint of format version 1, checked into the tree, still resumes'
. "$(dirname "$0")/lib.sh"

# Spark keeps checkpoints of older releases readable (its
# StreamingQueryCompatibilitySuite-style tests restart from checked-in
# checkpoint directories); so does st: tests/data/checkpoint-v1 was written
# by the first version of the checksummed format.
query() {
	st-read --checkpoint ck --trigger available-now --max-files-per-trigger 1 in/ |
	st-watermark --checkpoint ck --time "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss')" --delay "30 minutes" |
	st-window --checkpoint ck --time "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss')" \
	    --size "15 minutes" --agg "sum(Amount) AS total" --mode update |
	st-sink --checkpoint ck --format json --path out
}

test_expect_success 'the version 1 fixture is intact for st-status --check' '
	cp -r "$SRCDIR/tests/data/checkpoint-v1/ck" ck &&
	st-status --check ck >status.out &&
	echo "ck: intact" >expect &&
	test_cmp expect status.out &&
	head -n 1 ck/metadata | jq -e .id >/dev/null &&
	tail -n 1 ck/metadata | jq -e ".\"st-checkpoint\" == 1"
'

test_expect_success 'restarted on it with two more files: new batches only, the windows kept their state' '
	mkdir in &&
	for i in 0 1 2 3; do cp "$SRCDIR/tests/data/trades/batch$i.ndjson" in/ || return 1; done &&
	query &&
	ls out >actual &&
	printf "%s\n" part-00003.json part-00004.json >expect &&
	test_cmp expect actual &&
	cat out/*.json >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"total":800}
	{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T10:45:00Z"},"total":900}
	{"window":{"start":"2019-02-05T10:45:00Z","end":"2019-02-05T11:00:00Z"},"total":600}
	EOT
	test_cmp expect actual &&
	test "$(head -n 1 ck/metadata)" = "$(head -n 1 "$SRCDIR/tests/data/checkpoint-v1/ck/metadata")"
'

# The fixture's query file is of an st that kept the --agg text alone (no
# aggCalls): an alias or output expression changed still resumes, its text
# read against the new slots (Spark's StateSchemaCompatibilityCheckerSuite
# "changing the name of field in value should be allowed"), and another
# aggregate is still refused.
query2() {	# AGG
	st-read --checkpoint ck2 --trigger available-now --max-files-per-trigger 1 in/ |
	st-watermark --checkpoint ck2 --time "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss')" --delay "30 minutes" |
	st-window --checkpoint ck2 --time "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss')" \
	    --size "15 minutes" --agg "$1" --mode update |
	st-sink --checkpoint ck2 --format json --path out2
}

test_expect_success 'on the fixture an aggregate changed is refused; an alias and an expression changed resume' '
	cp -r "$SRCDIR/tests/data/checkpoint-v1/ck" ck2 &&
	test_must_fail query2 "count(*) AS total" 2>err &&
	grep "^st-window: checkpoint .ck2. holds the state of a different query (--agg was \"sum(Amount) AS total\", now \"count(\*) AS total\")" err &&
	query2 "sum(Amount) / 100 AS hundreds" &&
	cat out2/*.json >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2019-02-05T10:00:00Z","end":"2019-02-05T10:15:00Z"},"hundreds":8.0}
	{"window":{"start":"2019-02-05T10:30:00Z","end":"2019-02-05T10:45:00Z"},"hundreds":9.0}
	{"window":{"start":"2019-02-05T10:45:00Z","end":"2019-02-05T11:00:00Z"},"hundreds":6.0}
	EOT
	test_cmp expect actual &&
	head -n 1 ck2/state/st-window/query | jq -ce .aggCalls >actual &&
	echo "[\"sum(\`Amount\`)\"]" >expect &&
	test_cmp expect actual
'

test_done
