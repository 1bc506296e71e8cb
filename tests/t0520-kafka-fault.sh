#!/bin/sh
test_description='Kafka -> st-window -> Kafka survives kill -9 at random points, exactly once (read_committed)'
. "$(dirname "$0")/lib.sh"

PER=40
CYCLES=${ST_FAULT_CYCLES:-22}

fault_seed=20261201
. "$SRCDIR/tests/lib-fault.sh"
. "$SRCDIR/tests/lib-kafka.sh"

# One input partition: event time grows with the offset, so no record is
# late whatever the batches are, and the output does not depend on them.
start_kafka_mock ev:1 refev:1 counts:2 ref:2

# pipeline CKPT IN OUT TRIGGER: the Kafka source, the value parsed, event
# time, a windowed aggregate, the Kafka sink; each a stage of its own.
S="t BIGINT, b STRING, a BIGINT"
pipeline() {
	fault_stage 1 st-read --checkpoint "$1" -f kafka --bootstrap-servers "$BROKER" \
		--subscribe "$2" --starting-offsets earliest \
		--max-offsets-per-trigger 25 --trigger "$4" 2>>err |
	fault_stage 2 st-select "from_json(value, '$S').t AS t" \
		"from_json(value, '$S').b AS b" "from_json(value, '$S').a AS a" 2>>err |
	fault_stage 3 st-watermark --checkpoint "$1" -t t -d 1m 2>>err |
	fault_stage 4 st-window --checkpoint "$1" -t t -s 5m -b b -m append \
		-a "sum(a) AS s, count(*) AS n" 2>>err |
	fault_stage 5 st-sink --checkpoint "$1" -f kafka --bootstrap-servers "$BROKER" \
		--topic "$3" 2>>err
}
start_pipeline() { fault_start 5 pipeline "$@"; }

# events FROM TO: events FROM..TO-1 as Kafka JSON values.
events() {
	awk -v F=$1 -v T=$2 'BEGIN { for (i = F; i < T; i++)
		printf("{\"t\":%d,\"b\":\"B%d\",\"a\":%d}\n", 1549360800 + i * 7, i % 3, i) }'
}

# committed TOPIC CKPT: the values of TOPIC written by committed
# transactions of CKPT's query, sorted. Read with read_committed; and
# because librdkafka 2.0.2's mock broker writes no transaction markers
# (aborted records stay visible), only the records whose st.txn attempt
# is named by a batch record in _st_batches are kept, as a broker's
# read_committed would keep them.
committed() {
	q=$(head -n 1 "$2/metadata" | jq -r .id) &&
	kcat -b "$BROKER" -C -t _st_batches -e -q -X isolation.level=read_committed \
		-f '%s\n' | jq -r "select(.query == \"$q\") | .txn" >txns.$1 &&
	kcat -b "$BROKER" -C -t "$1" -e -q -X isolation.level=read_committed \
		-f '%h\t%s\n' |
	awk -F '\t' 'NR == FNR { ok[$1] = 1; next }
		{ sub(/^st\.txn=/, "", $1); if ($1 in ok) print $2 }' txns.$1 - |
	LC_ALL=C sort
}

TOTAL=$((PER * (CYCLES + 2)))

test_expect_success 'the reference: one uninterrupted run over every event' '
	events 0 $TOTAL | kcat -b "$BROKER" -P -t refev &&
	start_pipeline R refev ref available-now && fault_finish &&
	committed ref R >ref.sorted &&
	test $(wc -l <ref.sorted) -gt 20 &&
	test $(wc -l <txns.ref) = $(fault_commits R)
'

test_expect_success "kill -9 one tool or all, $CYCLES times, new events each time" '
	kills=0 && c=0 && sent=0 &&
	while [ $c -lt $CYCLES ]; do
		c=$((c + 1))
		events $sent $((sent + PER)) | kcat -b "$BROKER" -P -t ev &&
		sent=$((sent + PER))
		before=$(fault_commits C)
		start_pipeline C ev counts "20 milliseconds" || exit 1
		rand; grow=$((r % 2)); rand; who=$((r % 6))
		set -- $pids
		wait_for "[ \$(fault_commits C) -ge $((before + grow)) ]" 60 || exit 1
		fault_victims $who &&
		kill -9 $victims 2>/dev/null && kills=$((kills + 1))
		wait_for "! kill -0 $1 2>/dev/null && ! kill -0 $5 2>/dev/null" 1 2>/dev/null ||
			kill -9 $* 2>/dev/null
		wait $bg 2>/dev/null
		bg= pids=
	done &&
	echo "$kills kills" && test $kills -ge 20 &&
	echo $sent >sent
'

test_expect_success 'a last run completes; read_committed sees the reference, each record once' '
	sent=$(cat sent) &&
	events $sent $TOTAL | kcat -b "$BROKER" -P -t ev &&
	start_pipeline C ev counts available-now && fault_finish &&
	committed counts C >out.sorted &&
	test_cmp ref.sorted out.sorted
'

test_expect_success 'each batch committed once in Kafka' '
	q=$(head -n 1 C/metadata | jq -r .id) &&
	kcat -b "$BROKER" -C -t _st_batches -e -q -f "%s\n" |
		jq -r "select(.query == \"$q\") | .batch" | sort -n >batches &&
	sort -nu batches >unique && test_cmp unique batches
'

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
