#!/bin/sh
test_description='st-status: the lag of a Kafka source, in offsets behind the partitions ends'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-kafka.sh"

start_kafka_mock in:2

test_expect_success 'a catch-up run: the offsets behind shrink to 0; st-status and Prometheus show them' '
	i=0 && while [ $i -lt 20 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >msgs &&
	kcat -b "$BROKER" -P -t in -p 0 -l msgs &&
	head -n 4 msgs | kcat -b "$BROKER" -P -t in -p 1 &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
	    --starting-offsets earliest --max-offsets-per-trigger 8 \
	    --trigger available-now --checkpoint ck |
	st-sink --checkpoint ck --format json --path out &&
	for n in 0 1 2 3 4; do
		head -n 1 ck/progress/$n | jq -c "[.numInputRows, .sources[0].backlog.files, .sources[0].backlog.records]" || return 1
	done >actual &&
	# 24 offsets, at most 8 a batch split over the partitions by their
	# share of the lag, as Spark rateLimit does: 7 a batch, then the rest.
	printf "%s\n" "[7,2,17]" "[7,2,10]" "[7,2,3]" "[3,0,0]" "[0,0,0]" >expect &&
	test_cmp expect actual &&
	st-status ck | grep "^  lag          0 offsets behind the ends of 0 partitions$" &&
	st-status --json ck | jq -e ".lag.records == 0" &&
	st-status --prometheus ck | grep "^st_backlog_records{query=\"[0-9a-f-]*\",checkpoint=\"ck\"} 0$"
'

test_done
