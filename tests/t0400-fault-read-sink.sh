#!/bin/sh
test_description='st-read | st-sink survive kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=40
PER=100
CYCLES=${ST_FAULT_CYCLES:-24}

fault_seed=20240521
. "$SRCDIR/tests/lib-fault.sh"

# The last batch committed.
commits() { fault_ids C/commits | tail -n 1; }

# st-read and st-sink, each a stage of its own (lib-fault.sh) so that one
# can be killed alone.
pipeline() {
	fault_stage 1 st-read --checkpoint C --trigger available-now --max-files-per-trigger 2 --max-bytes-per-trigger 700 in 2>>read.err |
	fault_stage 2 st-sink --checkpoint C --format json --path out 2>>sink.err
}
start_pipeline() { fault_start 2 pipeline; }

test_expect_success 'setup: 40 files of 100 records with unique ids' '
	mkdir in &&
	awk -v F=$FILES -v P=$PER "BEGIN {
		for (f = 0; f < F; f++) {
			name = sprintf(\"in/f%03d.json\", f)
			for (i = 0; i < P; i++)
				printf(\"{\\\"id\\\":%d,\\\"pad\\\":\\\"%s\\\"}\\n\", f * P + i, \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\") > name
			close(name)
		}
	}" &&
	i=0 && for f in in/*.json; do
		touch -d "@$((1600000000 + i))" "$f"; i=$((i + 1));
	done &&
	cat in/*.json | wc -l >n && echo $((FILES * PER)) >expect && test_cmp expect n
'

test_expect_success "kill -9 st-read, st-sink or both, $CYCLES times" '
	kills=0 &&
	c=0 && while [ $c -lt $CYCLES ]; do
		c=$((c + 1))
		before=$(commits); before=${before:--1}
		start_pipeline
		rand; grow=$((r % 3)); rand; who=$((r % 3))
		# Wait until the sink has committed "grow" more batches
		# (0: kill at once, before or while the first batch flows).
		set -- $pids
		wait_for "[ \$(commits) -ge $((before + grow)) ] || ! kill -0 $1 2>/dev/null" 20 || exit 1
		fault_victims $who &&
		kill -9 $victims 2>/dev/null && kills=$((kills + 1))
		wait; echo "cycle $c: who=$who grow=$grow commits $before -> $(commits)"
		bg= pids=
	done &&
	echo "$kills kills" &&
	test $kills -ge 20
'

test_expect_success 'a last run completes the query' '
	start_pipeline && fault_finish &&
	fault_ids C/offsets | tail -n 1 >last-planned &&
	commits >last-committed &&
	test_cmp last-planned last-committed &&
	echo "$(cat last-committed) batches"
'

test_expect_success 'every record exactly once, no partial files visible' '
	cat out/part-*.json | jq -r .id | sort -n >ids &&
	awk -v N=$((FILES * PER)) "BEGIN { for (i = 0; i < N; i++) print i }" >expect &&
	test_cmp expect ids &&
	ls -A out | grep -v "^part-[0-9]*\.json\$" >stray || true &&
	test_must_fail test -s stray
'

test_expect_success 'no sanitizer reports from the survivors' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" read.err sink.err
'

test_done
