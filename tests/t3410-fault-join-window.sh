#!/bin/sh
test_description='a two-source outer join, then a window aggregation, survives kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=40
PER=20
CYCLES=${ST_FAULT_CYCLES:-22}

fault_seed=20261202
# The join passes on its output watermark (st-join(1)): the window counts
# the null-extended rows the join emits as its state goes, and a replayed
# batch must announce the same watermark, or a window would close at
# another batch, with other rows (MultiStatefulOperatorsSuite "stream-stream
# time interval left outer join -> aggregation", under kill -9).
. "$SRCDIR/tests/lib-fault.sh"

# Starts the pipeline over checkpoint $1 writing into $2, one process per
# tool joined by named pipes so that each can be killed on its own. $3:
# st-read's trigger (default available-now: process what is there, exit).
start_pipeline() {
	fault_join_start "$1" "${3:-available-now}" || return 1
	rm -f p5
	mkfifo p5 || return 1
	st-window --checkpoint "$1" -t ImpressionTime -s "10 minutes" \
		-a "count(*) AS n, count(ClickID) AS clicks" <p4 >p5 2>>err.window &
	pids="$pids $!"
	st-sink --checkpoint "$1" --format json --path "$2" <p5 2>>err.sink &
	sinkpid=$!
	pids="$pids $!"
}

# The rows of DIR, each after the name of its batch's file: a window must
# come out in the same batch as in the uninterrupted run.
by_batch() {
	for f in "$1"/part-*.json; do
		st_json_sort <"$f" | sed "s|^|${f##*/} |"
	done
}

test_expect_success 'setup: 40 batches of impressions and clicks, some late, some unmatched' '
	fault_ads
'

test_expect_success 'an uninterrupted run' '
	start_pipeline C0 out0 && fault_wait_all &&
	test -f C0/commits/$FILES &&
	by_batch out0 >expect &&
	test $(wc -l <expect) -gt 30 &&
	# null-extended rows are counted: windows with more rows than clicks
	test $(cut -d" " -f2- expect | jq -s "map(select(.n > .clicks)) | length") -gt 20
'

test_expect_success "kill -9 some or all tools of the pipeline, $CYCLES times" '
	fault_join_kills 6
'

test_expect_success 'a last run completes the query' '
	start_pipeline C out && fault_wait_all &&
	test -f C/commits/$FILES
'

test_expect_success 'the output equals the uninterrupted run, every row exactly once, in the same batch' '
	by_batch out >actual &&
	test_cmp expect actual
'

test_expect_success 'no sanitizer reports from the survivors' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err.*
'

test_done
