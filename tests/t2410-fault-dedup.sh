#!/bin/sh
test_description='st-read | st-watermark | st-dedup | st-sink survive kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=48
PER=40
CYCLES=${ST_FAULT_CYCLES:-24}

pids= bg=
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	[ -z "$bg" ] || kill -9 "$bg" 2>/dev/null
	return 0
}
trap cleanup EXIT INT TERM

seed=${ST_FAULT_SEED:-20261121}
rand() {
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	r=$(( seed / 65536 ))
}

# start_pipeline CKPT OUT MODE INPUT [TRIGGER]: the four tools as one shell
# pipeline in the background; each writes its pid to a file first, so that
# one can be killed alone. Their pids end up in $pids.
start_pipeline() {
	rm -f pid.*
	(
		sh -c 'echo $$ >pid.1; exec st-read --checkpoint "$0" --trigger "$2" --max-files-per-trigger 1 "$1"' "$1" "$4" "${5:-available-now}" 2>>err |
		sh -c 'echo $$ >pid.2; exec st-watermark --checkpoint "$0" -t t -d 3m' $1 2>>err |
		sh -c 'echo $$ >pid.3; exec st-dedup --checkpoint "$0" -k b,t -t t' $1 2>>err |
		sh -c 'echo $$ >pid.4; exec st-sink --checkpoint "$0" --format json --path "$1"' $1 $2 2>>err
	) &
	bg=$!
	wait_for "test -s pid.1 && test -s pid.2 && test -s pid.3 && test -s pid.4" 20 &&
	pids="$(cat pid.1) $(cat pid.2) $(cat pid.3) $(cat pid.4)"
}

finish_pipeline() {
	wait $bg
	bg= pids=
}

commits() { ls $1/commits 2>/dev/null | wc -l; }

test_expect_success "setup: $FILES files of $PER events, many duplicates, some late" '
	mkdir all &&
	awk -v F=$FILES -v P=$PER "BEGIN {
		for (f = 0; f < F; f++) {
			name = sprintf(\"all/f%03d.json\", f)
			for (i = 0; i < P; i++) {
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

for mode in dedup; do
	test_expect_success "$mode: the reference, one uninterrupted run" "
		start_pipeline R$mode ref$mode $mode all && finish_pipeline &&
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
			before=\$(commits C$mode)
			# A trigger interval keeps the run alive until killed.
			start_pipeline C$mode out$mode $mode in '20 milliseconds'
			rand; grow=\$((r % 2)); rand; who=\$((r % 5))
			set -- \$pids
			wait_for \"[ \\\$(commits C$mode) -ge \$((before + grow)) ]\" 30 || exit 1
			case \$who in
			4) victims=\"\$*\" ;;
			*) eval victims=\\\${\$((who + 1))} ;;
			esac
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
		start_pipeline C$mode out$mode $mode in && finish_pipeline &&
		cat out$mode/part-*.json | LC_ALL=C sort >out$mode.sorted &&
		test_cmp ref$mode.sorted out$mode.sorted
	"
done

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
