#!/bin/sh
test_description='a two-source outer join, then a window aggregation, survives kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=40
PER=20
CYCLES=${ST_FAULT_CYCLES:-22}
ON='ImpressionID = ClickID'
WITHIN='ClickTime BETWEEN ImpressionTime AND ImpressionTime + INTERVAL 15 MINUTES'

fault_seed=20261202
# The join passes on its output watermark (st-join(1)): the window counts
# the null-extended rows the join emits as its state goes, and a replayed
# batch must announce the same watermark, or a window would close at
# another batch, with other rows (MultiStatefulOperatorsSuite "stream-stream
# time interval left outer join -> aggregation", under kill -9).
. "$SRCDIR/tests/lib-fault.sh"

# Starts the pipeline over checkpoint $1 writing into $2, one process per
# tool joined by named pipes so that each can be killed on its own. $3:
# st-read's trigger (default available-now: process what is there, exit).
start_pipeline() {
	rm -f p1 p2 p3 p4 p5
	mkfifo p1 p2 p3 p4 p5 || return 1
	st-read --checkpoint "$1" --trigger "${3:-available-now}" --max-files-per-trigger 1 \
		--source impressions=imp --source clicks=clk >p1 2>>err.read &
	pids="$!"
	st-watermark --checkpoint "$1" --name imp --source impressions \
		--time ImpressionTime --delay "30 minutes" <p1 >p2 2>>err.wm1 &
	pids="$pids $!"
	st-watermark --checkpoint "$1" --name clk --source clicks \
		--time ClickTime --delay "30 minutes" <p2 >p3 2>>err.wm2 &
	pids="$pids $!"
	st-join --checkpoint "$1" --left impressions --right clicks --on "$ON" \
		--within "$WITHIN" --type left <p3 >p4 2>>err.join &
	pids="$pids $!"
	st-window --checkpoint "$1" -t ImpressionTime -s "10 minutes" \
		-a "count(*) AS n, count(ClickID) AS clicks" <p4 >p5 2>>err.window &
	pids="$pids $!"
	st-sink --checkpoint "$1" --format json --path "$2" <p5 2>>err.sink &
	sinkpid=$!
	pids="$pids $!"
}

# The rows of DIR, each after the name of its batch's file: a window must
# come out in the same batch as in the uninterrupted run.
by_batch() {
	for f in "$1"/part-*.json; do
		st_json_sort <"$f" | sed "s|^|${f##*/} |"
	done
}

finish_pipeline() {
	for p in $pids; do wait "$p" || return 1; done
	pids=
}

test_expect_success 'setup: 40 batches of impressions and clicks, some late, some unmatched' '
	mkdir imp clk &&
	awk -v F=$FILES -v P=$PER "BEGIN {
		base = 1599645600
		for (f = 0; f < F; f++) {
			ni = sprintf(\"imp/f%03d.json\", f); nc = sprintf(\"clk/f%03d.json\", f)
			for (i = 0; i < P; i++) {
				id = f * P + i; t = base + f * 600 + i * 20
				printf(\"{\\\"ImpressionID\\\":\\\"%d\\\",\\\"ImpressionTime\\\":%d,\\\"Campaigner\\\":\\\"c%d\\\"}\\n\", id, t, i % 4) > ni
				if (i % 3 != 0)
					printf(\"{\\\"ClickID\\\":\\\"%d\\\",\\\"ClickTime\\\":%d}\\n\", id, t + (i % 5) * 240) > nc
				if (f > 0 && i % 7 == 0)
					printf(\"{\\\"ClickID\\\":\\\"%d\\\",\\\"ClickTime\\\":%d}\\n\", id - P, t - 300) > nc
				if (f > 4 && i == 5)
					printf(\"{\\\"ClickID\\\":\\\"%d\\\",\\\"ClickTime\\\":%d}\\n\", id - 5 * P, t - 3000) > nc
			}
			close(ni); close(nc)
		}
	}" &&
	i=0 && for f in imp/*.json; do
		touch -d "@$((1600000000 + i))" "$f" "clk/${f#imp/}"; i=$((i + 1));
	done
'

test_expect_success 'an uninterrupted run' '
	start_pipeline C0 out0 && finish_pipeline &&
	test -f C0/commits/$FILES &&
	by_batch out0 >expect &&
	test $(wc -l <expect) -gt 30 &&
	# null-extended rows are counted: windows with more rows than clicks
	test $(cut -d" " -f2- expect | jq -s "map(select(.n > .clicks)) | length") -gt 20
'

test_expect_success "kill -9 some or all tools of the pipeline, $CYCLES times" '
	kills=0 &&
	c=0 && while [ $kills -lt $CYCLES ] && [ $c -lt $((CYCLES * 2)) ]; do
		c=$((c + 1))
		before=$(fault_commits C)
		# A paced trigger keeps the pipeline alive until it is killed.
		start_pipeline C out 20ms
		rand; grow=$((r % 3)); rand; who=$((r % 7))
		# (Once every file is committed, no more batches come: a fast
		# machine gets there before the last cycle.)
		wait_for "[ \$(fault_commits C) -ge $((before + grow)) ] || [ \$(fault_commits C) -ge $FILES ] || ! kill -0 $sinkpid 2>/dev/null" 30 || exit 1
		fault_victims $who
		if kill -9 $victims 2>/dev/null; then
			kills=$((kills + 1))
		else
			echo "cycle $c: a tool had stopped before the kill:"
			tail -n 3 err.*
		fi
		# The others stop on their own (EOF or EPIPE) or are killed.
		for p in $pids; do kill -9 $p 2>/dev/null; wait $p 2>/dev/null; done
		pids=
	done &&
	echo "$kills kills in $c cycles" &&
	test $kills -ge $CYCLES
'

test_expect_success 'a last run completes the query' '
	start_pipeline C out && finish_pipeline &&
	test -f C/commits/$FILES
'

test_expect_success 'the output equals the uninterrupted run, every row exactly once, in the same batch' '
	by_batch out >actual &&
	test_cmp expect actual
'

test_expect_success 'no sanitizer reports from the survivors' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err.*
'

test_done
