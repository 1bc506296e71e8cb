#!/bin/sh
test_description='st-read | st-watermark | st-window | st-sink --format exec survive kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=48
PER=40
CYCLES=${ST_FAULT_CYCLES:-24}

fault_seed=20261201
. "$SRCDIR/tests/lib-fault.sh"

# The foreachBatch command: the batch into OUT/part-NNNNN.json, written
# under a temporary name and renamed, so a replay replaces it (exactly
# once by ST_BATCH_ID). OUT is the test's own path, never data.
cat >write-batch.sh <<\EOT
mkdir -p "$1" &&
f=$1/part-$(printf %05d "$ST_BATCH_ID").json &&
cat >"$f.tmp" && mv "$f.tmp" "$f"
EOT

# pipeline CKPT OUT MODE INPUT [TRIGGER]: four tools, each a stage of its
# own (lib-fault.sh) so that one can be killed alone.
pipeline() {
	fault_read "$1" "$4" "${5:-}" |
	fault_watermark "$1" |
	fault_stage 3 st-window --checkpoint "$1" -t t -s 5m -b b -m "$3" -a "sum(a) AS s, count(*) AS n" 2>>err |
	fault_stage 4 st-sink --checkpoint "$1" --format exec --command "sh write-batch.sh $2" 2>>err
}
start_pipeline() { fault_start 4 pipeline "$@"; }

test_expect_success "setup: $FILES files of $PER trades, some late" '
	fault_trades 3
'

for mode in update; do
	fault_exactly_once $mode
done

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
