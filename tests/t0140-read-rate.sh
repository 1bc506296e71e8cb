#!/bin/sh
test_description='st-read --format rate: Spark rate source values, timestamps, ramp-up, partitions, replay'
. "$(dirname "$0")/lib.sh"

fault_seed=20261201
. "$SRCDIR/tests/lib-fault.sh"

data() { grep -v '^{"@st"' "$@" || true; }
ends() { cat "$1" 2>/dev/null | grep -c '^{"@st":"end"'; }

# The expected rows of a range, computed here from Spark's formulas
# (RateStreamProvider.valueAtSecond, RateStreamMicroBatchStream): the
# values due by second s, and each row at start + s + round(k*1000/rows
# in second s) for the k-th row of second s.
# expect_rows T RPS RAMP FROM_S TO_S PARTS
expect_rows() {
	jq -nc --argjson T "$1" --argjson rps "$2" --argjson ramp "$3" \
	    --argjson s0 "$4" --argjson s1 "$5" --argjson k "$6" '
	def vat($s): ($rps / ($ramp + 1) | floor) as $d |
	    if $s <= $ramp then ($d * $s * ($s + 1) / 2)
	    else ($d * $ramp * ($ramp + 1) / 2) + ($s - $ramp) * $rps end;
	def ts($ms): (($ms / 1000 | floor) | todate) as $t |
	    ($ms % 1000) as $f |
	    if $f == 0 then $t
	    else $t[0:19] + "." + ("00" + ($f | tostring))[-3:] + "Z" end;
	[range($s0; $s1) as $s | range(vat($s); vat($s + 1)) as $v |
	    {v: $v, t: ($T + $s * 1000 + ((($v - vat($s)) * 2000 +
	    (vat($s + 1) - vat($s))) / (2 * (vat($s + 1) - vat($s))) |
	    floor))}] as $rows |
	(vat($s0)) as $v0 |
	range(0; $k) as $p |
	$rows[] | select((.v - $v0) % $k == $p) |
	{timestamp: ts(.t), value: .v}'
}

test_expect_success 'Spark valueAtSecond: rampUpTime 4s at 10 rows/s gives 0 2 6 12 20 30 40' '
	# The table in Spark RateStreamProvider.valueAtSecond comments.
	expect_rows 0 10 4 0 6 1 | jq -s "[group_by(.timestamp[0:19])[] | length]" -c >actual &&
	echo "[2,4,6,8,10,10]" >expect && test_cmp expect actual
'

test_expect_success 'a batch follows from its logged range alone: values, timestamps, partition order' '
	now=$(date +%s) && T=$(( (now - 20) * 1000 )) &&
	st-sink --checkpoint C --format json --path sinkout </dev/null && mkdir C/offsets &&
	printf "{\"batch\":0,\"ts\":%s,\"data\":true,\"sources\":{\"default\":{\"startMs\":%s,\"ms\":[0,5000],\"values\":[0,30],\"partitions\":2}}}\n" "$T" "$T" | ckpt_write C/offsets/0 &&
	st-read --checkpoint C --format rate --rows-per-second 10 --ramp-up-time 4s \
	    --num-partitions 2 --trigger once >out 2>err &&
	sed -n "/\"batch\":0/,/\"end\",\"batch\":0/p" out | data >actual &&
	expect_rows "$T" 10 4 0 5 2 >expect &&
	test_cmp expect actual &&
	test $(wc -l <actual) -eq 30 &&
	# the next batch goes on where the log ended, with the same start
	jq -c "select(.[\"@st\"] == \"end\" and .batch == 1) | .progress[0].sources[0].endOffset | [.startMs == $T, .ms[0], .values[0]]" out >actual &&
	echo "[true,5000,30]" >expect && test_cmp expect actual
'

test_expect_success 'micro-batches of whole seconds at --rows-per-second' '
	st-read --format rate --rows-per-second 5 >out 2>err & bg=$! &&
	wait_for "test \$(ends out) -ge 4" 20 &&
	kill $bg && wait $bg; bg= &&
	jq -c "select(.[\"@st\"] == \"end\") | .progress[0].sources[0].endOffset | select(. != null) | [.ms[1] - .ms[0], .values[1] - .values[0]]" out | head -n 2 >actual &&
	printf "[1000,5]\n[1000,5]\n" >expect && test_cmp expect actual &&
	data out | jq -c .value | head -n 10 >actual &&
	seq 0 9 >expect && test_cmp expect actual
'

test_expect_success 'kill -9 and restart: a logged batch is replayed identically' '
	st-read --checkpoint K --format rate --rows-per-second 20 >first 2>err & bg=$! &&
	wait_for "test \$(ends first) -ge 3" 20 &&
	kill -9 $bg; wait $bg; bg= ;
	st-read --checkpoint K --format rate --rows-per-second 20 >second 2>err & bg=$! &&
	wait_for "test \$(ends second) -ge 4" 20 &&
	kill $bg && wait $bg; bg= &&
	# every batch the first run finished comes again, row for row
	n=$(ends first) &&
	for b in $(seq 0 $((n - 1))); do
		sed -n "/\"begin\",\"batch\":$b,/,/\"end\",\"batch\":$b,/p" first | data >f.$b &&
		sed -n "/\"begin\",\"batch\":$b,/,/\"end\",\"batch\":$b,/p" second | data >s.$b &&
		test_cmp f.$b s.$b || return 1
	done &&
	# and the values go on without a gap or a repeat
	data second | jq .value >v && seq 0 $(($(wc -l <v) - 1)) >expect &&
	test_cmp expect v
'

pipeline() {	# CKPT OUT
	fault_stage 1 st-read --checkpoint "$1" --format rate --rows-per-second 40 2>>err |
	fault_stage 2 st-sink --checkpoint "$1" --format json --path "$2" 2>>err
}

test_expect_success 'rate through st-sink, exactly once across kill -9 of either or both' '
	for round in 1 2 3 4; do
		before=$(fault_commits E)
		fault_start 2 pipeline E sunk || return 1
		wait_for "test \$(fault_commits E) -ge $((before + 2))" 30 || return 1
		rand; fault_victims $((r % 3))
		kill -9 $victims 2>/dev/null
		kill -9 $pids 2>/dev/null
		wait $bg 2>/dev/null; bg= pids=
	done &&
	cat sunk/part-*.json | jq .value | sort -n >v &&
	test $(wc -l <v) -ge 8 &&
	seq 0 $(($(wc -l <v) - 1)) >expect && test_cmp expect v
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-read --format rate in 2>err &&
	grep -q "reads no paths" err &&
	test_expect_code 2 st-read --rows-per-second 3 in 2>err &&
	grep -q "are for --format rate" err &&
	test_expect_code 2 st-read --format rate --ramp-up-time 1500ms 2>err &&
	grep -q "whole seconds" err &&
	test_expect_code 2 st-read --format rate --rows-per-second 0 2>err &&
	grep -q "at least 1" err
'

test_done
