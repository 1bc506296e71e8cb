#!/bin/sh
test_description='st-read | st-watermark | st-dedup | st-sink survive kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=48
PER=40
CYCLES=${ST_FAULT_CYCLES:-24}

fault_seed=20261121
. "$SRCDIR/tests/lib-fault.sh"

# pipeline CKPT OUT MODE INPUT [TRIGGER]: the trades less duplicates (one
# per b and t) into JSON files, each tool a stage of its own
# (lib-fault.sh) so that one can be killed alone.
pipeline() {
	fault_read "$1" "$4" "${5:-}" |
	fault_watermark "$1" |
	fault_stage 3 st-dedup --checkpoint "$1" -k b,t -t t 2>>err |
	fault_stage 4 st-sink --checkpoint "$1" --format json --path "$2" 2>>err
}
start_pipeline() { fault_start 4 pipeline "$@"; }

test_expect_success "setup: $FILES files of $PER events, many duplicates, some late" '
	fault_trades 3 30
'

for mode in dedup; do
	fault_exactly_once $mode
done

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
