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
	fault_stage 1 st-read --checkpoint "$1" --trigger "${5:-available-now}" --max-files-per-trigger 1 \
		--malformed dropmalformed --dead-letter "$1.dead" "$4" 2>>err |
	fault_stage 2 st-watermark --checkpoint "$1" -t t -d 3m 2>>err |
	fault_stage 3 st-dedup --checkpoint "$1" -k b,t -t t --late-output "$1.late" 2>>err |
	fault_stage 4 st-sink --checkpoint "$1" --format json --path "$2" 2>>err
}
start_pipeline() { fault_start 4 pipeline "$@"; }

test_expect_success "setup: $FILES files of $PER events, duplicates, late rows, malformed lines" '
	mkdir all &&
	awk -v F=$FILES -v P=$PER "BEGIN {
		for (f = 0; f < F; f++) {
			name = sprintf(\"all/f%03d.json\", f)
			for (i = 0; i < P; i++) {
				if (i % 11 == 5) { printf(\"not json %d\\n\", f * P + i) > name; continue }
				t = 1549360800 + f * 60 + (i * 7) % 120
				if (i % 13 == 0) t -= 600
				printf(\"{\\\"t\\\":%d,\\\"b\\\":\\\"B%d\\\",\\\"a\\\":%d}\\n\", t - t % 30, i % 3, f * P + i) > name
			}
			close(name)
		}
	}" &&
	i=0 && for f in all/*.json; do
		touch -d "@$((1600000000 + i))" "$f"; i=$((i + 1));
	done
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
