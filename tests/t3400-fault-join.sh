#!/bin/sh
test_description='a two-source join pipeline survives kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=40
PER=20
CYCLES=${ST_FAULT_CYCLES:-22}

fault_seed=20260521
. "$SRCDIR/tests/lib-fault.sh"

# Starts the pipeline over checkpoint $1 writing into $2, one process per
# tool joined by named pipes so that each can be killed on its own. $3:
# st-read's trigger (default available-now: process what is there, exit).
start_pipeline() {
	fault_join_start "$1" "${3:-available-now}" || return 1
	st-sink --checkpoint "$1" --format json --path "$2" <p4 2>>err.sink &
	sinkpid=$!
	pids="$pids $!"
}

test_expect_success 'setup: 40 batches of impressions and clicks, some late, some unmatched' '
	fault_ads
'

test_expect_success 'an uninterrupted run' '
	start_pipeline C0 out0 && fault_wait_all &&
	test -f C0/commits/$FILES &&
	cat out0/part-*.json | st_json_sort >expect &&
	test $(wc -l <expect) -gt 300
'

test_expect_success "kill -9 some or all tools of the pipeline, $CYCLES times" '
	fault_join_kills 5
'

test_expect_success 'a last run completes the query' '
	start_pipeline C out && fault_wait_all &&
	test -f C/commits/$FILES
'

test_expect_success 'the output equals the uninterrupted run, every row exactly once' '
	cat out/part-*.json | st_json_sort >actual &&
	test_cmp expect actual
'

test_expect_success 'no sanitizer reports from the survivors' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err.*
'

test_done
