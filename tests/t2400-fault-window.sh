#!/bin/sh
test_description='st-read | st-watermark | st-window | st-sink survive kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=48
PER=40
CYCLES=${ST_FAULT_CYCLES:-24}

fault_seed=20261121
. "$SRCDIR/tests/lib-fault.sh"

# pipeline CKPT OUT MODE INPUT [TRIGGER]: 5-minute window aggregates of
# the trades into JSON files, each tool a stage of its own (lib-fault.sh)
# so that one can be killed alone.
pipeline() {
	fault_read "$1" "$4" "${5:-}" |
	fault_watermark "$1" |
	fault_stage 3 st-window --checkpoint "$1" -t t -s 5m -b b -m "$3" -a "sum(a) AS s, count(*) AS n, max(a) AS mx, approx_count_distinct(a) AS d" 2>>err |
	fault_stage 4 st-sink --checkpoint "$1" --format json --path "$2" 2>>err
}
start_pipeline() { fault_start 4 pipeline "$@"; }

test_expect_success "setup: $FILES files of $PER trades, some late" '
	fault_trades 3
'

for mode in append update; do
	fault_exactly_once $mode
done

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
