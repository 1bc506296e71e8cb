#!/bin/sh
test_description='st-read | st-watermark | st-window | st-sink survive kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=48
PER=40
CYCLES=${ST_FAULT_CYCLES:-24}

fault_seed=20261121
. "$SRCDIR/tests/lib-fault.sh"

# pipeline CKPT OUT MODE INPUT [TRIGGER]: the four tools, each a stage of
# its own (lib-fault.sh) so that one can be killed alone.
pipeline() {
	fault_stage 1 st-read --checkpoint "$1" --trigger "${5:-available-now}" --max-files-per-trigger 1 "$4" 2>>err |
	fault_stage 2 st-watermark --checkpoint "$1" -t t -d 3m 2>>err |
	fault_stage 3 st-window --checkpoint "$1" -t t -s 5m -b b -m "$3" -a "sum(a) AS s, count(*) AS n, max(a) AS mx, approx_count_distinct(a) AS d" 2>>err |
	fault_stage 4 st-sink --checkpoint "$1" --format json --path "$2" 2>>err
}
start_pipeline() { fault_start 4 pipeline "$@"; }

test_expect_success "setup: $FILES files of $PER trades, some late" '
	mkdir all &&
	awk -v F=$FILES -v P=$PER "BEGIN {
		for (f = 0; f < F; f++) {
			name = sprintf(\"all/f%03d.json\", f)
			for (i = 0; i < P; i++) {
				t = 1549360800 + f * 60 + (i * 7) % 120
				if (i % 13 == 0) t -= 600
				printf(\"{\\\"t\\\":%d,\\\"b\\\":\\\"B%d\\\",\\\"a\\\":%d}\\n\", t, i % 3, f * P + i) > name
			}
			close(name)
		}
	}" &&
	i=0 && for f in all/*.json; do
		touch -d "@$((1600000000 + i))" "$f"; i=$((i + 1));
	done
'

for mode in append update; do
	test_expect_success "$mode: the reference, one uninterrupted run" "
		start_pipeline R$mode ref$mode $mode all && fault_finish &&
		cat ref$mode/part-*.json | LC_ALL=C sort >ref$mode.sorted &&
		test -s ref$mode.sorted
	"

	test_expect_success "$mode: kill -9 one tool or all, $CYCLES times, restarting each time" "
		rm -rf in && mkdir in && set -- all/*.json &&
		kills=0 &&
		c=0 && while [ \$c -lt $CYCLES ]; do
			c=\$((c + 1))
			# Two more files each time, so every run has work to do.
			for k in 1 2; do [ \$# -eq 0 ] || { cp -p \$1 in/ && shift; }; done
			files=\"\$*\"
			before=\$(fault_commits C$mode)
			# A trigger interval keeps the run alive until killed.
			start_pipeline C$mode out$mode $mode in '20 milliseconds'
			rand; grow=\$((r % 2)); rand; who=\$((r % 5))
			set -- \$pids
			wait_for \"[ \\\$(fault_commits C$mode) -ge \$((before + grow)) ]\" 30 || exit 1
			fault_victims \$who &&
			kill -9 \$victims 2>/dev/null && kills=\$((kills + 1))
			# The others stop by themselves (end of input inside a
			# batch, broken pipe) or, idle upstream, are killed too,
			# as a supervisor restarting the pipeline would.
			wait_for \"! kill -0 \$1 2>/dev/null && ! kill -0 \$4 2>/dev/null\" 1 2>/dev/null ||
				kill -9 \$* 2>/dev/null
			wait \$bg 2>/dev/null
			bg= pids=
			set -- \$files
		done &&
		echo \"\$kills kills\" &&
		test \$kills -ge 20
	"

	test_expect_success "$mode: a last run completes; the output equals the reference" "
		cp -p all/*.json in/ &&
		start_pipeline C$mode out$mode $mode in && fault_finish &&
		cat out$mode/part-*.json | LC_ALL=C sort >out$mode.sorted &&
		test_cmp ref$mode.sorted out$mode.sorted
	"
done

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
