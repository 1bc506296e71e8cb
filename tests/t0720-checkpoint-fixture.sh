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

test_done
