#!/bin/sh
test_description='st-status: status, progress, lag, Prometheus metrics, hooks'
. "$(dirname "$0")/lib.sh"

# Five files of trades, one per micro-batch, through a stateful pipeline.
setup_input() {
	mkdir -p in &&
	for i in 0 1 2 3; do
		cp "$SRCDIR/tests/data/trades/batch$i.ndjson" in/ || return 1
	done &&
	cp "$SRCDIR/tests/data/trades/batch0.ndjson" in/batch4.ndjson
}
pipeline() {	# pipeline CHECKPOINT TRIGGER [st-sink options]
	ck=$1 trig=$2 && shift 2 &&
	st-read --checkpoint "$ck" --trigger "$trig" --max-files-per-trigger 1 in/ |
	st-select "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss') AS CreatedTime, Type, Amount" |
	st-watermark --checkpoint "$ck" --time CreatedTime --delay '30 minutes' |
	st-window --checkpoint "$ck" --time CreatedTime --size '15 minutes' --by Type \
	    --agg 'sum(Amount) AS Total' --mode update |
	st-sink --checkpoint "$ck" --format json --path "out-$ck" "$@"
}

test_expect_success 'a finished run: Stopped, its batches, each tool, no lag' '
	setup_input &&
	pipeline ck available-now --query-name trades &&
	st-status ck >out &&
	last=$(ls ck/commits | sort -n | tail -n 1) &&
	head -n 5 out >actual &&
	cat >expect <<-EOT &&
	trades: Stopped
	  checkpoint   ck
	  query id     $(head -n 1 ck/metadata | jq -r .id)
	  running      no
	  batches      last committed $last, last planned $last
	EOT
	test_cmp expect actual &&
	grep "^    st-window      0 in, 0 out, 4 state rows (0 updated, 0 removed)$" out &&
	grep "^    st-watermark   0 in, 0 out, watermark 2019-02-05T10:18:00Z$" out &&
	grep "^    st-sink        0 out (FileSink\[out-ck\])" out &&
	grep "^  lag          0 files, 0 B not yet read$" out
'

test_expect_success '--json: Spark status and StreamingQueryProgress fields' '
	st-status --json ck >s.json &&
	jq -c "[.status.message, .status.isDataAvailable, .running, .name,
	    .lastCommittedBatch == .lastProgress.batchId,
	    .lastProgress.id == \"$(head -n 1 ck/metadata | jq -r .id)\"]" s.json >actual &&
	echo "[\"Stopped\",false,false,\"trades\",true,true]" >expect &&
	test_cmp expect actual &&
	jq -c "[.name, .batchId, .numInputRows, .stateOperators[0].operatorName,
	    .stateOperators[0].tool, .stateOperators[0].numRowsTotal, .sink.description,
	    .sink.numOutputRows, (.eventTime.watermark != null), (.runId | length),
	    (.durationMs | has(\"triggerExecution\") and has(\"addBatch\")),
	    .sources[0].description, .sources[0].startOffset]" <ck/progress/0 | head -n 1 >actual &&
	echo "[\"trades\",0,1,\"stateStoreSave\",\"st-window\",1,\"FileSink[out-ck]\",1,false,36,true,\"FileSource[in/]\",null]" >expect &&
	test_cmp expect actual &&
	jq -c ".sources[0].startOffset == $(head -n 1 ck/progress/1 | jq -c .sources[0].endOffset)" <ck/progress/2 | head -n 1 >actual &&
	echo true >expect &&
	test_cmp expect actual
'

test_expect_success 'the lag shrinks as a catch-up run proceeds' '
	for n in 0 1 2 3 4; do
		head -n 1 ck/progress/$n | jq -c ".sources[0].backlog.files" || return 1
	done >actual &&
	printf "%s\n" 4 3 2 1 0 >expect &&
	test_cmp expect actual
'

test_expect_success '--recent N: recentProgress, oldest first' '
	st-status --json --recent 3 ck >s.json &&
	jq -c "[.recentProgress[].batchId]" s.json >actual &&
	last=$(ls ck/commits | sort -n | tail -n 1) &&
	echo "[$((last - 2)),$((last - 1)),$last]" >expect &&
	test_cmp expect actual
'

test_expect_success 'a running pipeline shows its pid; killed with kill -9, it is Stopped' '
	rm -rf in2 && mkdir in2 && cp in/batch0.ndjson in2/ &&
	setsid sh -c "st-read --checkpoint run --max-files-per-trigger 1 in2/ |
	    st-sink --checkpoint run --format json --path out-run" &
	pgid=$! &&
	wait_for "test -e run/commits/0" 30 &&
	st-status run >out &&
	pid=$(cat run/lock) &&
	grep "^[0-9a-f-]*: Waiting for data to arrive$" out &&
	grep "^  running      yes, pid $pid holds the checkpoint$" out &&
	st-status --json run | jq -e ".running and .pid == $pid" &&
	kill -9 -$pgid &&
	wait_for "! kill -0 $pid 2>/dev/null" 30 &&
	st-status run >out &&
	grep "^[0-9a-f-]*: Stopped$" out &&
	grep "^  running      no$" out
'

test_expect_success 'several checkpoints, or a parent directory of them (spark.streams.active)' '
	mkdir -p all && cp -r ck all/a && cp -r run all/b && mkdir all/not-one &&
	st-status --json all >s.json &&
	jq -c "[.[].checkpoint]" s.json >actual &&
	echo "[\"all/a\",\"all/b\"]" >expect &&
	test_cmp expect actual &&
	st-status ck run | grep -c "^  checkpoint" >actual &&
	echo 2 >expect &&
	test_cmp expect actual &&
	test_expect_code 1 st-status all/not-one 2>err &&
	grep "st-status: .all/not-one. is not a checkpoint and holds none" err
'

test_expect_success '--prometheus: accepted by promtool, with the state and lag metrics' '
	st-status --prometheus ck run >m.prom &&
	promtool check metrics <m.prom &&
	grep "^st_state_rows{query=\"trades\",checkpoint=\"ck\",tool=\"st-window\"} $(head -n 1 ck/progress/$(ls ck/progress | sort -n | tail -n 1) | jq .stateOperators[0].numRowsTotal)$" m.prom &&
	grep "^st_up{query=\"trades\",checkpoint=\"ck\"} 0$" m.prom &&
	grep "^st_backlog_files{query=\"trades\",checkpoint=\"ck\"} 0$" m.prom &&
	test $(grep -c "^# TYPE st_up gauge$" m.prom) = 1
'

test_expect_success '--check: an intact checkpoint, then one with damaged files named' '
	st-status --check ck >out &&
	echo "ck: intact" >expect &&
	test_cmp expect out &&
	cp -r ck bad && rm bad/offsets/2 && echo "{" >bad/commits/3 &&
	rm bad/state/st-window/$(ls ck/commits | sort -n | tail -n 1) &&
	test_expect_code 1 st-status --check bad >out &&
	grep "^bad: damaged, 4 problems:$" out &&
	grep "^bad/offsets/2: missing (a gap)$" out &&
	grep "^bad/commits/3: damaged: it has no checksum line" out &&
	grep "^bad/offsets/2: missing, but batch 2 is committed$" out &&
	grep "^bad/state/st-window/[0-9]*: missing, but batch [0-9]* is committed$" out
'

test_expect_success 'st-sink --metrics-file and --on-progress after every batch' '
	rm -rf ck2 &&
	pipeline ck2 available-now --metrics-file m2.prom \
	    --on-progress "jq -c \"[.batchId, .numInputRows]\" >>hook.log" &&
	promtool check metrics <m2.prom &&
	grep "^st_last_committed_batch{query=\"[0-9a-f-]*\",checkpoint=\"ck2\"} $(ls ck2/commits | sort -n | tail -n 1)$" m2.prom &&
	sort hook.log >actual &&
	for n in $(ls ck2/commits | sort -n); do
		head -n 1 ck2/progress/$n | jq -c "[.batchId, .numInputRows]" || return 1
	done | sort >expect &&
	test_cmp expect actual
'

test_expect_success 'a slow or failing hook never stalls the pipeline; it is killed and reported' '
	rm -rf ck3 &&
	start=$(date +%s) &&
	pipeline ck3 available-now --hook-timeout 1s \
	    --on-progress "read x; test \$ST_BATCH_ID != 1 || sleep 60; test \$ST_BATCH_ID != 2" 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -lt 30 &&
	grep "st-sink: --on-progress command killed by signal 9 (it ran past its time limit)" err &&
	grep "st-sink: --on-progress command exited with status 1" err &&
	test -e ck3/commits/4
'

# script(1) gives st-read a terminal as standard error.
test_expect_success 'available-now on a terminal: a catch-up progress bar on stderr, else nothing' '
	script -qec "st-read --checkpoint ck4 --commit-on-emit --trigger available-now --max-files-per-trigger 2 in/ >/dev/null" /dev/null >tty.out &&
	tr "\r" "\n" <tty.out >bar &&
	grep "^st-read: batch 0 \[########............\]  38%  3 files, 451 B to go" bar &&
	grep "^st-read: batch 2 \[####################\] 100%  0 files, 0 B to go" bar &&
	st-read --checkpoint ck5 --commit-on-emit --trigger available-now in/ 2>err >/dev/null &&
	test ! -s err
'

test_expect_success '--watch prints again every interval until interrupted' '
	st-status --watch=100ms ck >watch.out 2>&1 &
	wpid=$! &&
	wait_for "test \$(grep -c \"^trades: Stopped\$\" watch.out) -ge 3" 30 &&
	kill -INT $wpid &&
	wait $wpid &&
	test $(grep -c "^  checkpoint   ck$" watch.out) -ge 3
'

test_expect_success 'a failing pipeline: Failed with the tool and its message, --on-failure fired; a clean run clears it' '
	rm -rf fk fail.json &&
	test_expect_code 1 sh -c "st-read --checkpoint fk nowhere/ 2>/dev/null |
	    st-sink --checkpoint fk --format json --path out-fk --on-failure \"cat >fail.json\" 2>/dev/null" &&
	jq -c "[.tool, .message, .batch, .exitStatus, (.runId | length)]" fail.json >actual &&
	echo "[\"st-read\",\"path '"'"'nowhere/'"'"' does not exist (use --wait-for-path to wait for it)\",null,1,36]" >expect &&
	test_cmp expect actual &&
	st-status fk | head -n 1 >actual &&
	echo "$(head -n 1 fk/metadata | jq -r .id): Failed: st-read: path '"'"'nowhere/'"'"' does not exist (use --wait-for-path to wait for it)" >expect &&
	test_cmp expect actual &&
	st-status --json fk | jq -e ".status.message == \"Failed\" and .failure.tool == \"st-read\"" &&
	mkdir nowhere && cp in/batch0.ndjson nowhere/ &&
	st-read --checkpoint fk --trigger once nowhere/ | st-sink --checkpoint fk --format json --path out-fk &&
	st-status fk | grep "^[0-9a-f-]*: Stopped$"
'

test_expect_success 'a failing sink fires --on-failure with its own message' '
	rm -rf fs fail2.json &&
	test_expect_code 1 sh -c "st-read --checkpoint fs --trigger once in/ |
	    st-sink --checkpoint fs --format exec --command \"exit 3\" \
	    --on-failure \"cat >fail2.json\" 2>/dev/null" &&
	jq -c "[.tool, .batch, .exitStatus]" fail2.json >actual &&
	echo "[\"st-sink\",0,1]" >expect &&
	test_cmp expect actual &&
	jq -r .message fail2.json | grep "exit" &&
	st-status fs | head -n 1 | grep ": Failed: st-sink: "
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-status 2>err &&
	grep "st-status: no checkpoint directory given" err &&
	test_expect_code 2 st-status --json --prometheus ck 2>err &&
	test_expect_code 2 st-sink --on-progress true </dev/null 2>err &&
	grep "need --checkpoint" err
'

test_done
