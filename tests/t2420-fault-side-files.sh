#!/bin/sh
test_description='dead-letter and late-output files are exactly-once across kill -9 and replays'
. "$(dirname "$0")/lib.sh"

FILES=40
PER=30
CYCLES=${ST_FAULT_CYCLES:-20}

fault_seed=20261201
. "$SRCDIR/tests/lib-fault.sh"

# pipeline CKPT OUT MODE INPUT [TRIGGER]: st-read drops malformed lines
# into CKPT.dead, st-dedup writes late rows to CKPT.late.
pipeline() {
	fault_read "$1" "$4" "${5:-}" --malformed dropmalformed --dead-letter "$1.dead" |
	fault_watermark "$1" |
	fault_stage 3 st-dedup --checkpoint "$1" -k b,t -t t --late-output "$1.late" 2>>err |
	fault_stage 4 st-sink --checkpoint "$1" --format json --path "$2" 2>>err
}
start_pipeline() { fault_start 4 pipeline "$@"; }

test_expect_success "setup: $FILES files of $PER events, duplicates, late rows, malformed lines" '
	fault_trades 3 30 1
'

fault_exactly_once side

test_expect_success 'the dead-letter file holds each malformed line exactly once, in order' '
	test -s Rside.dead &&
	test "$(wc -l <Rside.dead)" -eq "$(cat all/*.json | grep -c "^not json")" &&
	test_cmp Rside.dead Cside.dead
'

test_expect_success 'the late-output file holds each late row exactly once, in order' '
	test -s Rside.late &&
	test_cmp Rside.late Cside.late
'

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
