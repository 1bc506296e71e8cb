# tests/lib-fault.sh - the harness of the kill -9 fault tests (one per
# stateful tool, see style.md); sourced after lib.sh:
#
#     . "$(dirname "$0")/lib.sh"
#     fault_seed=20261121	# before lib-fault.sh: the default seed
#     . "$SRCDIR/tests/lib-fault.sh"
#
#     pipeline() {	# CKPT OUT
#         fault_stage 1 st-read --checkpoint "$1" in 2>>err |
#         fault_stage 2 st-sink --checkpoint "$1" --path "$2" 2>>err
#     }
#     start_pipeline() { fault_start 2 pipeline "$@"; }
#
#     start_pipeline C out
#     rand; who=$((r % 3))
#     fault_victims $who && kill -9 $victims
#     wait $bg; bg= pids=
#
# It gives:
#
#   rand              the next number of a seeded generator (an LCG) in $r;
#                     the seed is $ST_FAULT_SEED, else $fault_seed, so that a
#                     failing run can be repeated;
#   fault_stage N CMD...
#                     one stage of a pipeline: records its pid in pid.N, then
#                     execs CMD, so the pid is the tool's own and the tool
#                     can be killed alone;
#   fault_start N FUNC ARGS...
#                     runs FUNC ARGS (a pipeline of N fault_stage stages) in
#                     the background, waits until every stage has recorded
#                     its pid, and sets $pids (stage 1 first) and $bg (the
#                     background job);
#   fault_finish      waits for the background job to end by itself;
#   fault_victims WHO sets $victims to the pid of stage WHO + 1 of $pids, or
#                     to every pid when WHO is the number of stages;
#   fault_ids DIR     the batch ids in DIR (a checkpoint's commits or
#                     offsets), sorted; a killed writer's temporary files
#                     are not ids;
#   fault_commits CKPT
#                     how many batches CKPT has committed;
#   fault_trades KEYS [ROUND [MALFORMED]]
#                     writes the input of the trade pipelines: $FILES files
#                     all/fNNN.json of $PER trades, some late (see below);
#   fault_read CKPT INPUT [TRIGGER [OPTION...]], fault_watermark CKPT
#                     stages 1 and 2 of those pipelines: st-read (one file
#                     a batch) and st-watermark on t;
#   fault_exactly_once MODE
#                     the reference, kill and last-run tests of a query
#                     ending in st-sink --format json (see below);
#   fault_exactly_once_table MODE STORE
#                     the same for a query ending in an SQL sink, whose
#                     table the test reads with its own functions (below);
#   fault_ads         writes the input of the join pipelines: $FILES files
#                     imp/fNNN.json of $PER impressions and clk/fNNN.json
#                     of their clicks (see below);
#   fault_join_start CKPT TRIGGER
#                     the first four tools of the join pipelines, in the
#                     background, the join's output in the fifo p4;
#   fault_join_kills STAGES
#                     $CYCLES runs of the caller's start_pipeline C out
#                     20ms, each killing one stage or all at random;
#   fault_wait_all    waits for every pid of $pids, fails if one failed;
#   cleanup           the EXIT trap: kills what is left in $pids and $bg.

pids= bg=
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	[ -z "$bg" ] || kill -9 "$bg" 2>/dev/null
	return 0
}
trap cleanup EXIT INT TERM

seed=${ST_FAULT_SEED:-${fault_seed:-20240521}}
rand() {
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	r=$(( seed / 65536 ))
}

# A pipeline stage runs in a subshell of its own, where $$ is still the
# test's pid: 'sh -c' gives it one to record, and exec keeps it the tool's.
fault_stage() {
	_stage=$1
	shift
	exec sh -c 'echo $$ >"pid.$0"; exec "$@"' "$_stage" "$@"
}

fault_start() {
	_n=$1
	shift
	rm -f pid.*
	( "$@" ) &
	bg=$!
	_cond="true" _i=0
	while [ $_i -lt "$_n" ]; do
		_i=$((_i + 1))
		_cond="$_cond && test -s pid.$_i"
	done
	wait_for "$_cond" 20 || return 1
	pids= _i=0
	while [ $_i -lt "$_n" ]; do
		_i=$((_i + 1))
		pids="$pids${pids:+ }$(cat pid.$_i)"
	done
}

fault_finish() {
	wait $bg
	bg= pids=
}

fault_victims() {
	set -- "$1" $pids
	if [ "$1" -eq $(($# - 1)) ]; then
		shift
		victims="$*"
	else
		eval victims=\${$(($1 + 2))}
	fi
}

fault_ids() { ls "$1" 2>/dev/null | grep -E "^[0-9]+$" | sort -n; }
fault_commits() { fault_ids "$1/commits" | wc -l; }

# fault_trades KEYS [ROUND [MALFORMED]]: $FILES files all/fNNN.json of $PER
# trades {"t":SECONDS,"b":"B<i % KEYS>","a":<unique>}, two minutes of event
# time from one minute a file on, every 13th trade ten minutes late, t
# rounded down to ROUND seconds (default 1: not rounded, more ROUND: more
# duplicates); MALFORMED 1: every 11th line (i % 11 == 5) is "not json N"
# instead. The files' times are a second apart in name order, so st-read
# takes them in that order.
fault_trades() {
	mkdir all &&
	awk -v F="$FILES" -v P="$PER" -v K="$1" -v R="${2:-1}" -v M="${3:-0}" 'BEGIN {
		for (f = 0; f < F; f++) {
			name = sprintf("all/f%03d.json", f)
			for (i = 0; i < P; i++) {
				if (M && i % 11 == 5) { printf("not json %d\n", f * P + i) > name; continue }
				t = 1549360800 + f * 60 + (i * 7) % 120
				if (i % 13 == 0) t -= 600
				printf("{\"t\":%d,\"b\":\"B%d\",\"a\":%d}\n", t - t % R, i % K, f * P + i) > name
			}
			close(name)
		}
	}' &&
	_i=0 && for _f in all/*.json; do
		touch -d "@$((1600000000 + _i))" "$_f" || return 1
		_i=$((_i + 1))
	done
}

# fault_read CKPT INPUT [TRIGGER [OPTION...]]: stage 1, st-read of INPUT
# one file a batch (TRIGGER: default available-now; OPTIONs are st-read's
# too); fault_watermark CKPT: stage 2, st-watermark on t with a delay of 3
# minutes. Both append their messages to err. Each is one element of the
# caller's pipeline (a function running a pipeline of its own would keep
# the next stage's input open after a kill, and the stages downstream
# would not stop).
fault_read() {
	_ck=$1 _in=$2 _tr=${3:-available-now}
	shift 2
	[ $# -eq 0 ] || shift
	fault_stage 1 st-read --checkpoint "$_ck" --trigger "$_tr" --max-files-per-trigger 1 "$@" "$_in" 2>>err
}
fault_watermark() {
	fault_stage 2 st-watermark --checkpoint "$1" -t t -d 3m 2>>err
}

# fault_exactly_once MODE: the three tests of a query whose pipeline,
# started by the caller's start_pipeline CKPT OUT MODE INPUT [TRIGGER],
# reads the files of all/ and ends in st-sink --format json: a reference
# run; $CYCLES runs, two more files each, with one stage or all killed at
# random (at least 20 kills); a last run whose output must equal the
# reference. MODE is passed to start_pipeline and names the checkpoints.
fault_exactly_once() {
	mode=$1
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
}

# fault_exactly_once_table MODE STORE: the four tests of a query whose
# pipeline (start_pipeline CKPT TABLE MODE INPUT [TRIGGER], over the files
# of all/) ends in an SQL sink: a reference run into table ref$MODE; $CYCLES
# runs into out$MODE, three more files each, with one stage or all killed
# at random (at least 20 kills; the sink must stop within 5 seconds of
# it); a last run that plans nothing more than it commits and whose table
# equals the reference; every committed batch in _st_batches under the
# query's id. $fault_table is appended to the table names (".db": SQLite's
# files). The test gives, for a TABLE so named:
#   dump TABLE            its schema, then every row, sorted;
#   ahead CKPT TABLE      how many batches it holds that CKPT/commits does
#                         not (a kill between the store's commit and
#                         commits/N): counted, printed, allowed;
#   batches TABLE         the batch ids of _st_batches for it, sorted;
#   query_ids TABLE       the distinct query ids of _st_batches for it.
# STORE names the store in the messages.
fault_exactly_once_table() {
	mode=$1
	ref=ref$mode${fault_table:-} out=out$mode${fault_table:-}
	test_expect_success "$mode: the reference, one uninterrupted run" "
		start_pipeline R$mode $ref $mode all && fault_finish &&
		dump $ref >ref$mode.dump &&
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
			start_pipeline C$mode $out $mode in '20 milliseconds'
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
			a=\$(ahead C$mode $out)
			[ \$a -eq 0 ] || between=\$((between + 1))
			echo \"ahead \$a, cycle \$c: who=\$who grow=\$grow commits \$before -> \$(fault_commits C$mode)\"
			set -- \$files
		done &&
		echo \"\$kills kills, \$between between the $2 commit and commits/N\" &&
		test \$kills -ge 20
	"

	test_expect_success "$mode: a last run completes; the table equals the reference" "
		cp -p all/*.json in/ &&
		start_pipeline C$mode $out $mode in && fault_finish &&
		fault_ids C$mode/offsets | tail -n 1 >planned &&
		fault_ids C$mode/commits | tail -n 1 >committed &&
		test_cmp planned committed &&
		dump $out >out$mode.dump &&
		test_cmp ref$mode.dump out$mode.dump
	"

	test_expect_success "$mode: every committed batch is in _st_batches, under one query id" "
		fault_ids C$mode/commits >expect &&
		test -s expect &&
		batches $out >actual &&
		test_cmp expect actual &&
		query_ids $out >actual &&
		head -n 1 C$mode/metadata | jq -r .id >expect &&
		test_cmp expect actual
	"
}

# fault_ads: impressions {"ImpressionID","ImpressionTime","Campaigner"},
# twenty seconds apart, ten minutes of event time a file; a click for two
# of three, up to sixteen minutes later; from the second file on, a click
# five minutes before its impression, of the previous file's (unmatched
# within the bound); from the sixth, a click of five files before (late).
# The files' times are a second apart in name order.
fault_ads() {
	mkdir imp clk &&
	awk -v F="$FILES" -v P="$PER" 'BEGIN {
		base = 1599645600
		for (f = 0; f < F; f++) {
			ni = sprintf("imp/f%03d.json", f); nc = sprintf("clk/f%03d.json", f)
			for (i = 0; i < P; i++) {
				id = f * P + i; t = base + f * 600 + i * 20
				printf("{\"ImpressionID\":\"%d\",\"ImpressionTime\":%d,\"Campaigner\":\"c%d\"}\n", id, t, i % 4) > ni
				if (i % 3 != 0)
					printf("{\"ClickID\":\"%d\",\"ClickTime\":%d}\n", id, t + (i % 5) * 240) > nc
				if (f > 0 && i % 7 == 0)
					printf("{\"ClickID\":\"%d\",\"ClickTime\":%d}\n", id - P, t - 300) > nc
				if (f > 4 && i == 5)
					printf("{\"ClickID\":\"%d\",\"ClickTime\":%d}\n", id - 5 * P, t - 3000) > nc
			}
			close(ni); close(nc)
		}
	}' &&
	_i=0 && for _f in imp/*.json; do
		touch -d "@$((1600000000 + _i))" "$_f" "clk/${_f#imp/}" || return 1
		_i=$((_i + 1))
	done
}

# fault_join_start CKPT TRIGGER: st-read of imp/ and clk/ (one file a
# batch), st-watermark on each source (30 minutes), st-join --type left
# of each impression with its click within 15 minutes after it, each a
# background process of its own joined by the fifos p1 to p3 so that each
# can be killed alone; the join writes into the fifo p4, for the caller's
# next stage. Sets $pids.
fault_join_start() {
	rm -f p1 p2 p3 p4
	mkfifo p1 p2 p3 p4 || return 1
	st-read --checkpoint "$1" --trigger "$2" --max-files-per-trigger 1 \
		--source impressions=imp --source clicks=clk >p1 2>>err.read &
	pids="$!"
	st-watermark --checkpoint "$1" --name imp --source impressions \
		--time ImpressionTime --delay "30 minutes" <p1 >p2 2>>err.wm1 &
	pids="$pids $!"
	st-watermark --checkpoint "$1" --name clk --source clicks \
		--time ClickTime --delay "30 minutes" <p2 >p3 2>>err.wm2 &
	pids="$pids $!"
	st-join --checkpoint "$1" --left impressions --right clicks \
		--on 'ImpressionID = ClickID' \
		--within 'ClickTime BETWEEN ImpressionTime AND ImpressionTime + INTERVAL 15 MINUTES' \
		--type left <p3 >p4 2>>err.join &
	pids="$pids $!"
}

fault_wait_all() {
	for _p in $pids; do wait "$_p" || return 1; done
	pids=
}

# fault_join_kills STAGES: up to twice $CYCLES runs of start_pipeline C
# out 20ms (a paced trigger keeps it alive until it is killed); each waits
# until zero to two more batches are committed (or all $FILES, or the
# sink, $sinkpid, has stopped), then kills one of the STAGES tools or all
# of them with -9. Fails with fewer than $CYCLES kills.
fault_join_kills() {
	_kills=0 _c=0
	while [ $_kills -lt $CYCLES ] && [ $_c -lt $((CYCLES * 2)) ]; do
		_c=$((_c + 1))
		_before=$(fault_commits C)
		start_pipeline C out 20ms
		rand; _grow=$((r % 3)); rand; _who=$((r % ($1 + 1)))
		# (Once every file is committed, no more batches come: a fast
		# machine gets there before the last cycle.)
		wait_for "[ \$(fault_commits C) -ge $((_before + _grow)) ] || [ \$(fault_commits C) -ge $FILES ] || ! kill -0 $sinkpid 2>/dev/null" 30 || return 1
		fault_victims $_who
		if kill -9 $victims 2>/dev/null; then
			_kills=$((_kills + 1))
		else
			echo "cycle $_c: a tool had stopped before the kill:"
			tail -n 3 err.*
		fi
		# The others stop on their own (EOF or EPIPE) or are killed.
		for _p in $pids; do kill -9 $_p 2>/dev/null; wait $_p 2>/dev/null; done
		pids=
	done
	echo "$_kills kills in $_c cycles"
	test $_kills -ge $CYCLES
}
