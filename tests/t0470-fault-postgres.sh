#!/bin/sh
test_description='st-read | st-watermark | st-window | st-sink --format postgres survive kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=80
PER=60
CYCLES=${ST_FAULT_CYCLES:-24}

fault_seed=20261202
. "$SRCDIR/tests/lib-fault.sh"
. "$SRCDIR/tests/lib-pg.sh"

# One EXIT trap for both harnesses: the pipeline's tools, then the server.
pg_start || { echo "not ok - cannot start a PostgreSQL server"; exit 1; }
trap 'cleanup; pg_stop' EXIT INT TERM

# pipeline CKPT TABLE MODE INPUT [TRIGGER]: the four tools, each a stage
# of its own (lib-fault.sh) so that one can be killed alone.
pipeline() {
	fault_stage 1 st-read --checkpoint "$1" --trigger "${5:-available-now}" --max-files-per-trigger 1 "$4" 2>>err |
	fault_stage 2 st-watermark --checkpoint "$1" -t t -d 3m 2>>err |
	fault_stage 3 st-window --checkpoint "$1" -t t -s 1m -b b -m "$3" -a "sum(a) AS s, count(*) AS n, max(a) AS mx, avg(a) AS av" 2>>err |
	fault_stage 4 st-sink --checkpoint "$1" --format postgres --dsn "" --table "$2" 2>>err
}
start_pipeline() { fault_start 4 pipeline "$@"; }

# ahead CKPT TABLE: how many batches the database holds that CKPT/commits
# does not: a kill between the PostgreSQL commit and DIR/commits/N.
ahead() {
	_last=$(fault_ids $1/commits | tail -n 1)
	pq "SELECT count(*) FROM _st_batches WHERE table_name = '$2' AND batch_id > ${_last:--1}" 2>/dev/null || echo 0
}

# dump TABLE: the table's schema, then every row, sorted (duplicates show).
dump() {
	pq "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '$1' ORDER BY ordinal_position" &&
	pq "SELECT row_to_json(t) FROM $1 t" | jq -cS . | LC_ALL=C sort
}

test_expect_success "setup: $FILES files of $PER trades, some late" '
	mkdir all &&
	awk -v F=$FILES -v P=$PER "BEGIN {
		for (f = 0; f < F; f++) {
			name = sprintf(\"all/f%03d.json\", f)
			for (i = 0; i < P; i++) {
				t = 1549360800 + f * 60 + (i * 7) % 120
				if (i % 13 == 0) t -= 600
				printf(\"{\\\"t\\\":%d,\\\"b\\\":\\\"B%d\\\",\\\"a\\\":%d}\\n\", t, i % 30, f * P + i) > name
			}
			close(name)
		}
	}" &&
	i=0 && for f in all/*.json; do
		touch -d "@$((1600000000 + i))" "$f"; i=$((i + 1));
	done
'

for mode in update complete; do
	test_expect_success "$mode: the reference, one uninterrupted run" "
		start_pipeline R$mode ref$mode $mode all && fault_finish &&
		dump ref$mode >ref$mode.dump &&
		test \$(wc -l <ref$mode.dump) -gt 10
	"

	test_expect_success "$mode: kill -9 one tool or all, $CYCLES times, restarting each time" "
		rm -rf in && mkdir in && set -- all/*.json &&
		# No warm-up run of the sink: since st-read counts a batch done
		# only once committed (unless --commit-on-emit), a sink killed
		# before it announced itself on the very first run loses nothing.
		kills=0 between=0 &&
		c=0 && while [ \$c -lt $CYCLES ]; do
			c=\$((c + 1))
			# Three more files each time, so that batches still flow
			# when the kill comes.
			for k in 1 2 3; do [ \$# -eq 0 ] || { cp -p \$1 in/ && shift; }; done
			files=\"\$*\"
			before=\$(fault_commits C$mode)
			# A trigger interval keeps the run alive until killed.
			start_pipeline C$mode out$mode $mode in '20 milliseconds'
			rand; grow=\$((r % 3)); rand; who=\$((r % 5))
			set -- \$pids
			wait_for \"[ \\\$(fault_commits C$mode) -ge \$((before + grow)) ]\" 30 || exit 1
			fault_victims \$who &&
			kill -9 \$victims 2>/dev/null && kills=\$((kills + 1))
			# Downstream of the victim, the tools stop by themselves
			# (end of input inside a batch); once the sink is gone,
			# the survivors upstream are killed too, as a supervisor
			# restarting the pipeline would.
			wait_for \"! kill -0 \$4 2>/dev/null\" 5 || exit 1
			kill -9 \$* 2>/dev/null
			wait \$bg 2>/dev/null
			bg= pids=
			a=\$(ahead C$mode out$mode)
			[ \$a -eq 0 ] || between=\$((between + 1))
			echo \"ahead \$a, cycle \$c: who=\$who grow=\$grow commits \$before -> \$(fault_commits C$mode)\"
			set -- \$files
		done &&
		echo \"\$kills kills, \$between between the PostgreSQL commit and commits/N\" &&
		test \$kills -ge 20
	"

	test_expect_success "$mode: a last run completes; the table equals the reference" "
		cp -p all/*.json in/ &&
		start_pipeline C$mode out$mode $mode in && fault_finish &&
		fault_ids C$mode/offsets | tail -n 1 >planned &&
		fault_ids C$mode/commits | tail -n 1 >committed &&
		test_cmp planned committed &&
		dump out$mode >out$mode.dump &&
		test_cmp ref$mode.dump out$mode.dump
	"

	test_expect_success "$mode: every committed batch is in _st_batches, under one query id" "
		fault_ids C$mode/commits >expect &&
		pq \"SELECT batch_id FROM _st_batches WHERE table_name = 'out$mode' ORDER BY 1\" >actual &&
		test_cmp expect actual &&
		pq \"SELECT DISTINCT query_id FROM _st_batches WHERE table_name = 'out$mode'\" >actual &&
		head -n 1 C$mode/metadata | jq -r .id >expect &&
		test_cmp expect actual
	"
done

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
