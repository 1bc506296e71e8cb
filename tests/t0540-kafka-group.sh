#!/bin/sh
test_description='st-read -f kafka --group-id: offsets committed to the group for monitoring, never read back'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-kafka.sh"

# The group's offsets are asked of the broker (OffsetFetch) by a client of
# its own (tests/kafka-mock.c's "committed"), as a lag monitor such as
# kafka-consumer-groups.sh --describe does; -1001 is Kafka's "none".
# Spark's KafkaSource never commits (its docs: "Kafka source doesn't
# commit any offset"); --group-id is st's addition for monitoring, so the
# oracle is the batch ranges st-read logged, offsets/N.

start_kafka_mock g:2

vals() { grep -v '"@st"' | jq -r .value | sort -n | tr '\n' ' '; echo; }

test_expect_success 'ten records, five a partition' '
	for i in 0 1 2 3 4; do echo "$i"; done | kcat -b "$BROKER" -P -t g -p 0 &&
	for i in 5 6 7 8 9; do echo "$i"; done | kcat -b "$BROKER" -P -t g -p 1 &&
	test "$(kafka_count g)" = 10 &&
	kafka_group committed mon g 2 >actual &&
	echo "0=-1001 1=-1001" >expect &&
	test_cmp expect actual
'

test_expect_success 'a batch done commits its end offsets to the group' '
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe g \
		--starting-offsets earliest --group-id mon --checkpoint C \
		--commit-on-emit --ending-offsets "{\"g\":{\"0\":2,\"1\":2}}" \
		--trigger once >out &&
	vals <out >got && echo "0 1 5 6 " >expect && test_cmp expect got &&
	jq -c .sources.default.topics.g C/offsets/0 | head -n 1 >range &&
	echo "{\"0\":[0,2],\"1\":[0,2]}" >expect && test_cmp expect range &&
	kafka_group committed mon g 2 >actual &&
	echo "0=2 1=2" >expect &&
	test_cmp expect actual
'

test_expect_success 'each batch moves them on; the last is the end of the topic' '
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe g \
		--group-id mon --checkpoint C --commit-on-emit \
		--max-offsets-per-trigger 4 --trigger available-now >out &&
	vals <out >got && echo "2 3 4 7 8 9 " >expect && test_cmp expect got &&
	grep -c "\"@st\":\"begin\"" out >n && echo 3 >expect && test_cmp expect n &&
	kafka_group committed mon g 2 >actual &&
	echo "0=5 1=5" >expect &&
	test_cmp expect actual
'

# At start st-read commits again the batches its log holds as done (what a
# crash may have kept it from committing), in order: the group is put back
# at the checkpoint's positions, whatever another client committed.
test_expect_success 'the group moved back by another client: st reads on from its checkpoint and puts the group back' '
	kafka_group commit mon g 0=0,1=1 &&
	kafka_group committed mon g 2 >actual &&
	echo "0=0 1=1" >expect && test_cmp expect actual &&
	echo 10 | kcat -b "$BROKER" -P -t g -p 0 &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe g \
		--group-id mon --checkpoint C --commit-on-emit \
		--trigger available-now >out &&
	vals <out >got && echo "10 " >expect && test_cmp expect got &&
	kafka_group committed mon g 2 >actual &&
	echo "0=6 1=5" >expect &&
	test_cmp expect actual
'

test_expect_success 'a new checkpoint starts at --starting-offsets, not at the group'"'"'s offsets' '
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe g \
		--group-id mon --checkpoint C2 --commit-on-emit \
		--starting-offsets earliest --trigger available-now >out &&
	vals <out >got && echo "0 1 2 3 4 5 6 7 8 9 10 " >expect &&
	test_cmp expect got
'

test_expect_success 'without --group-id nothing is committed' '
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe g \
		--checkpoint C3 --commit-on-emit --starting-offsets earliest \
		--trigger available-now >out &&
	vals <out >got && echo "0 1 2 3 4 5 6 7 8 9 10 " >expect &&
	test_cmp expect got &&
	kafka_group committed st-read g 2 >actual &&
	echo "0=-1001 1=-1001" >expect &&
	test_cmp expect actual
'

test_done
