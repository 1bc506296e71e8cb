#!/bin/sh
test_description='scale out: the YSB query over three pipelines through a repartition topic gives the single pipeline'"'"'s window counts'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-kafka.sh"

start_kafka_mock ysb:3 by_campaign:3

EV="ad_id STRING, event_type STRING, event_time BIGINT"
RE="campaign_id STRING, event_time BIGINT"

# parse SCHEMA COL...: the Kafka value's JSON members as columns.
parse() {
	_s=$1; shift
	for _c in "$@"; do
		set -- "$@" "from_json(value, '$_s').$_c AS $_c"
		shift
	done
	st-select "$@"
}

# The YSB query's first half, stateless: views, joined with their campaign.
views() {
	parse "$EV" ad_id event_type event_time |
	st-filter "event_type = 'view'" |
	st-select ad_id event_time |
	st-join --static campaigns.csv --on ad_id
}
# Its second half, keyed by campaign: counts per 10-second window.
counts() {
	st-window -t event_time --time-unit ms -s '10 seconds' -b campaign_id \
		-m update -a 'count(*) AS n'
}
# rows DB...: the final counts of the databases, sorted.
rows() {
	for d in "$@"; do
		sqlite3 "$d" "SELECT window_start, window_end, campaign_id, n FROM counts"
	done | LC_ALL=C sort
}

test_expect_success 'YSB events in a 3-partition topic' '
	cc -O2 -o ysb-gen "$SRCDIR/bench/ysb-gen.c" &&
	./ysb-gen --events 6000 --seed 7 --rate 100 --campaigns campaigns.csv >events &&
	kcat -b "$BROKER" -P -t ysb <events &&
	test $(kafka_count ysb) = 6000
'

test_expect_success 'the single pipeline' '
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe ysb \
		--starting-offsets earliest --checkpoint S --trigger available-now |
	views | counts |
	st-sink --checkpoint S -f sqlite --path single.db --table counts &&
	rows single.db >single &&
	test $(wc -l <single) -gt 100
'

test_expect_success 'three pipelines re-key the views by campaign into a repartition topic' '
	for p in 0 1 2; do
		st-read -f kafka --bootstrap-servers "$BROKER" --assign ysb:$p \
			--starting-offsets earliest --checkpoint M$p \
			--trigger available-now |
		views |
		st-sink --checkpoint M$p -f kafka --bootstrap-servers "$BROKER" \
			--topic by_campaign --key-column campaign_id || exit 1
	done &&
	kcat -b "$BROKER" -C -t by_campaign -e -q -f "%k %p\n" | sort -u >placed &&
	test $(cut -d" " -f1 placed | sort -u | wc -l) = $(wc -l <placed)
'

test_expect_success 'three pipelines count their partitions of it' '
	for q in 0 1 2; do
		st-read -f kafka --bootstrap-servers "$BROKER" --assign by_campaign:$q \
			--starting-offsets earliest --checkpoint R$q \
			--trigger available-now |
		parse "$RE" campaign_id event_time | counts |
		st-sink --checkpoint R$q -f sqlite --path r$q.db --table counts ||
			exit 1
	done &&
	test -s r0.db && test -s r1.db && test -s r2.db
'

test_expect_success 'together they give exactly the single pipeline'"'"'s counts' '
	rows r0.db r1.db r2.db >split &&
	test_cmp single split &&
	for q in 0 1 2; do
		test $(rows r$q.db | wc -l) -gt 0 || exit 1
	done
'

test_done
