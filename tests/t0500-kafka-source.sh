#!/bin/sh
test_description='st-read --format kafka against a Kafka broker, kcat producing'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-kafka.sh"

# Records of a batch stream without the control lines, key and value only.
kv() { grep -v '"@st"' | jq -c '{topic, partition, offset, key, value}' | LC_ALL=C sort; }

start_kafka_mock in:3 other:2 logs.a:1

test_expect_success 'a broker with three topics' '
	for i in 1 2 3 4 5 6; do echo "k$i|{\"n\":$i}"; done |
		kcat -b "$BROKER" -P -t in -K "|" &&
	echo "o1|x" | kcat -b "$BROKER" -P -t other -p 1 -K "|" &&
	test "$(kafka_count in)" = 6
'

# --trigger once is exactly one batch, no no-data batch after it (Spark).
test_expect_success 'earliest: every record once, with Spark'"'"'s Kafka columns' '
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
		--starting-offsets earliest --trigger once >out &&
	grep -v "\"@st\"" out | head -n 1 | jq -r "keys_unsorted | join(\",\")" >cols &&
	echo "key,value,topic,partition,offset,timestamp,timestampType" >expect &&
	test_cmp expect cols &&
	kcat -b "$BROKER" -C -t in -e -q -f "%k %s %p %o\n" | LC_ALL=C sort >expect &&
	grep -v "\"@st\"" out | jq -r "\"\(.key) \(.value) \(.partition) \(.offset)\"" |
		LC_ALL=C sort >actual &&
	test_cmp expect actual &&
	grep -v "\"@st\"" out | jq -r ".timestamp" | grep -Eqx "20[0-9-]+T[0-9:.]+Z" &&
	grep -c "\"@st\":\"begin\"" out >n && echo 1 >expect && test_cmp expect n
'

test_expect_success 'the value parses with from_json, as in the seeds' '
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
		--starting-offsets earliest --trigger once |
	st-select "from_json(value, '"'"'n INT'"'"').n AS n" | grep -v "\"@st\"" |
		jq -c .n | sort -n | tr "\n" " " >actual &&
	printf "1 2 3 4 5 6 " >expect &&
	test_cmp expect actual
'

test_expect_success 'latest (the default): only what comes after the first batch is planned' '
	rm -rf C &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
		--checkpoint C --commit-on-emit --trigger available-now >out1 &&
	test -s C/sources/default/kafka-initial &&
	! grep -q "\"key\"" out1 &&
	echo "k7|{\"n\":7}" | kcat -b "$BROKER" -P -t in -K "|" &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
		--checkpoint C --commit-on-emit --trigger available-now >out2 &&
	grep -v "\"@st\"" out2 | jq -r .key >actual &&
	echo k7 >expect &&
	test_cmp expect actual
'

test_expect_success 'several topics and partitions; a restart reads only what is new' '
	rm -rf C &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in,other \
		--starting-offsets earliest --checkpoint C --commit-on-emit \
		--trigger available-now | kv >a &&
	test $(wc -l <a) = 8 &&
	grep -q "\"topic\":\"other\",\"partition\":1,\"offset\":0" a &&
	echo "k8|{\"n\":8}" | kcat -b "$BROKER" -P -t in -p 2 -K "|" &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in,other \
		--starting-offsets earliest --checkpoint C --commit-on-emit \
		--trigger available-now | kv >b &&
	jq -r .key b >actual && echo k8 >expect && test_cmp expect actual
'

test_expect_success 'the offsets log holds per-partition ranges before the batch' '
	head -n 1 C/offsets/0 | jq -c .sources.default >actual &&
	jq -c "{topics: {in: (.topics.in), other: (.topics.other)}}" actual >/dev/null &&
	jq -e ".topics.in[\"0\"] | length == 2" actual
'

test_expect_success 'a batch logged but not committed is replayed with the same records' '
	rm -rf R &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
		--starting-offsets earliest --checkpoint R --trigger once >first &&
	test -f R/offsets/0 && ! test -d R/commits &&
	echo "k9|{\"n\":9}" | kcat -b "$BROKER" -P -t in -p 0 -K "|" &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
		--starting-offsets earliest --checkpoint R --trigger once >second &&
	grep "\"batch\":0" first | head -n 1 >expect &&
	grep "\"batch\":0" second | head -n 1 >actual &&
	test_cmp expect actual &&
	sed -n "/\"batch\":0,\"ts\"/,/\"@st\":\"end\",\"batch\":0/p" first | kv >expect &&
	sed -n "/\"batch\":0,\"ts\"/,/\"@st\":\"end\",\"batch\":0/p" second | kv >actual &&
	test_cmp expect actual &&
	! grep -q "\"key\":\"k9\"" actual &&
	grep -q "\"key\":\"k9\"" second
'

test_expect_success '--max-offsets-per-trigger: available-now in several batches, nothing lost' '
	rm -rf M &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
		--starting-offsets earliest --checkpoint M --commit-on-emit \
		--max-offsets-per-trigger 3 --trigger available-now >out &&
	test $(grep -c "\"@st\":\"begin\"" out) -ge 4 &&
	for b in $(jq -r "select(.[\"@st\"]==\"end\") | .progress[0].numInputRows" out); do
		test $b -le 3 || exit 1
	done &&
	kv <out | jq -r .key | sort >actual &&
	kcat -b "$BROKER" -C -t in -e -q -f "%k\n" | sort >expect &&
	test_cmp expect actual
'

test_expect_success '--assign (both forms) and --ending-offsets' '
	st-read -f kafka --bootstrap-servers "$BROKER" --assign in:0,2 \
		--starting-offsets earliest --trigger once | kv >a &&
	kcat -b "$BROKER" -C -t in -p 0 -e -q -f "%k\n" >expect &&
	kcat -b "$BROKER" -C -t in -p 2 -e -q -f "%k\n" >>expect &&
	jq -r .key a | sort >actual && sort expect >e2 && test_cmp e2 actual &&
	st-read -f kafka --bootstrap-servers "$BROKER" --assign "{\"in\":[1]}" \
		--starting-offsets earliest \
		--ending-offsets "{\"in\":{\"1\":1}}" | kv >b &&
	jq -c "[.partition, .offset]" b >actual &&
	echo "[1,0]" >expect && test_cmp expect actual
'

test_expect_success '--subscribe-pattern picks up a topic created later' '
	rm -rf P &&
	echo "a|1" | kcat -b "$BROKER" -P -t logs.a -K "|" &&
	st-read -f kafka --bootstrap-servers "$BROKER" \
		--subscribe-pattern "^logs\\." --starting-offsets earliest \
		--checkpoint P --commit-on-emit --trigger available-now | kv >a &&
	jq -r .topic a >actual && echo logs.a >expect && test_cmp expect actual &&
	kafka_cmd create logs.b 2 &&
	echo "b|2" | kcat -b "$BROKER" -P -t logs.b -p 1 -K "|" &&
	st-read -f kafka --bootstrap-servers "$BROKER" \
		--subscribe-pattern "^logs\\." --starting-offsets earliest \
		--checkpoint P --commit-on-emit --trigger available-now | kv >b &&
	jq -r "\"\(.topic) \(.key)\"" b >actual && echo "logs.b b" >expect &&
	test_cmp expect actual
'

# Spark's KafkaSource: partitions found after the start ("new partitions")
# are read from their earliest offset, whatever startingOffsets says
# (KafkaMicroBatchStream, "Added partition ... starts from earliest").
# librdkafka 2.0.2's mock cannot add partitions to an existing topic (no
# CreatePartitions, "create" of an existing topic fails), so the partitions
# here appear as a new topic matching the pattern while the run goes on:
# the same path (every plan reads the metadata; a partition without a
# position or a starting offset starts at its earliest).
test_expect_success 'partitions appearing during a run are read from their earliest offset' '
	rm -rf G &&
	kafka_cmd create grow.a 2 &&
	echo "old|0" | kcat -b "$BROKER" -P -t grow.a -p 0 -K "|" &&
	( st-read -f kafka --bootstrap-servers "$BROKER" \
		--subscribe-pattern "^grow\\." --starting-offsets latest \
		--checkpoint G --commit-on-emit >grow.out 2>grow.err &
	  echo $! >grow.pid ) &&
	wait_for "test -s G/sources/default/kafka-initial" 20 &&
	head -n 1 G/sources/default/kafka-initial | jq -c . >initial &&
	echo "{\"grow.a\":{\"0\":1,\"1\":0}}" >expect && test_cmp expect initial &&
	echo "a|1" | kcat -b "$BROKER" -P -t grow.a -p 1 -K "|" &&
	wait_for "grep -q \"\\\"key\\\":\\\"a\\\"\" grow.out" 20 &&
	# Frozen while the topic appears with its records, so that its
	# partitions are first seen holding them (not read from the end).
	kill -STOP $(cat grow.pid) &&
	kafka_cmd create grow.b 3 &&
	echo "b1|x" | kcat -b "$BROKER" -P -t grow.b -p 0 -K "|" &&
	echo "b2|y" | kcat -b "$BROKER" -P -t grow.b -p 2 -K "|" &&
	kill -CONT $(cat grow.pid) &&
	wait_for "grep -q \"\\\"key\\\":\\\"b2\\\"\" grow.out" 20 &&
	wait_for "grep -q \"\\\"key\\\":\\\"b1\\\"\" grow.out" 20 &&
	kill $(cat grow.pid) && wait_for "! kill -0 $(cat grow.pid) 2>/dev/null" 10 &&
	kv <grow.out | jq -r "\"\(.topic) \(.partition) \(.offset) \(.key)\"" >actual &&
	printf "grow.a 1 0 a\ngrow.b 0 0 b1\ngrow.b 2 0 b2\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the default trigger streams records as they come' '
	rm -rf S &&
	( st-read -f kafka --bootstrap-servers "$BROKER" --subscribe live \
		--starting-offsets earliest --checkpoint S --commit-on-emit \
		>live.out 2>live.err & echo $! >live.pid ) &&
	echo "x|1" | kcat -b "$BROKER" -P -t live -p 0 -K "|" &&
	wait_for "grep -q \"\\\"key\\\":\\\"x\\\"\" live.out" 20 &&
	echo "y|2" | kcat -b "$BROKER" -P -t live -p 3 -K "|" &&
	wait_for "grep -q \"\\\"key\\\":\\\"y\\\"\" live.out" 20 &&
	kill $(cat live.pid) && wait_for "! kill -0 $(cat live.pid) 2>/dev/null" 10 &&
	kv <live.out | jq -r .key >actual && printf "x\ny\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--trigger continuous: records as they come, epochs logged merged' '
	rm -rf CT &&
	( st-read -f kafka --bootstrap-servers "$BROKER" --subscribe cont \
		--starting-offsets earliest --checkpoint CT --commit-on-emit \
		--trigger continuous=300ms >cont.out 2>cont.err & echo $! >cont.pid ) &&
	echo "p|1" | kcat -b "$BROKER" -P -t cont -p 0 -K "|" &&
	wait_for "grep -q \"\\\"key\\\":\\\"p\\\"\" cont.out" 20 &&
	echo "q|2" | kcat -b "$BROKER" -P -t cont -p 1 -K "|" &&
	wait_for "grep -q \"\\\"key\\\":\\\"q\\\"\" cont.out" 20 &&
	wait_for "test -f CT/offsets/0" 20 &&
	kill $(cat cont.pid) && wait_for "! kill -0 $(cat cont.pid) 2>/dev/null" 10 &&
	kv <cont.out | jq -r .key >actual && printf "p\nq\n" >expect &&
	test_cmp expect actual &&
	for f in CT/offsets/*; do head -n 1 $f | jq -c ".sources.default.topics.cont"; done |
		jq -s -c "add" >ranges &&
	jq -e "(.[\"0\"] == [0,1]) and (.[\"1\"] == [0,1])" ranges
'

test_expect_success '--include-headers and --binary' '
	printf "\377\376" >bin &&
	kcat -b "$BROKER" -P -t hdr -p 0 -k k1 -H "h1=v1" -H "h2=v2" bin &&
	echo "plain" | kcat -b "$BROKER" -P -t hdr -p 0 -k k2 &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe hdr \
		--starting-offsets earliest --include-headers --binary base64 \
		--trigger once | grep -v "\"@st\"" | jq -c "{key, value, headers}" >actual &&
	cat >expect <<-\EOF_E &&
	{"key":"azE=","value":"//4=","headers":[{"key":"h1","value":"djE="},{"key":"h2","value":"djI="}]}
	{"key":"azI=","value":"cGxhaW4=","headers":[]}
	EOF_E
	test_cmp expect actual &&
	test_must_fail st-read -f kafka --bootstrap-servers "$BROKER" --subscribe hdr \
		--starting-offsets earliest --trigger once >/dev/null 2>err &&
	grep "hdr-0 offset 0: the value is not UTF-8" err &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe hdr \
		--starting-offsets earliest --trigger once --malformed permissive |
		grep -v "\"@st\"" | jq -c "{key, value, _corrupt_record}" >actual &&
	cat >expect <<-\EOF_E &&
	{"key":"k1","value":null,"_corrupt_record":"//4="}
	{"key":"k2","value":"plain","_corrupt_record":null}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'properties: -X, --kafka-config and secrets from the environment or a file' '
	echo "bootstrap.servers=\${env:ST_TEST_BROKER}" >k.conf &&
	echo "# a comment" >>k.conf &&
	echo "client.id=\${file:cid}" >>k.conf &&
	echo "st-test" >cid &&
	ST_TEST_BROKER=$BROKER st-read -f kafka --kafka-config k.conf \
		--subscribe in --starting-offsets earliest -X fetch.wait.max.ms=10 \
		--trigger once | kv >a &&
	test $(wc -l <a) = 9 &&
	test_expect_code 2 st-read -f kafka --kafka-config k.conf --subscribe in \
		--trigger once 2>err &&
	grep "environment variable .ST_TEST_BROKER. is not set" err &&
	test_expect_code 2 st-read -f kafka --bootstrap-servers "$BROKER" \
		--subscribe in -X no.such.property=secret 2>err &&
	grep "invalid Kafka property .no.such.property." err &&
	! grep secret err
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-read -f kafka --subscribe in 2>err &&
	grep "needs --bootstrap-servers" err &&
	test_expect_code 2 st-read -f kafka --bootstrap-servers "$BROKER" 2>err &&
	grep "needs one of --subscribe" err &&
	test_expect_code 2 st-read --subscribe in x.json 2>err &&
	grep "need --format kafka" err &&
	test_expect_code 2 st-read -f kafka --bootstrap-servers "$BROKER" --assign in 2>err &&
	grep "invalid partitions .in. for --assign" err
'

# The topic deleted and re-created: librdkafka 2.0.2's mock cannot delete a
# topic, so a fresh broker with a topic of the same name plays the
# re-created one (its offsets start again at 0, below the checkpoint's).
test_expect_success 'a checkpoint at the end of topic in' '
	rm -rf L &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
		--starting-offsets earliest --checkpoint L --commit-on-emit \
		--trigger available-now >/dev/null &&
	head -n 1 L/sources/default/seen | jq -e ".position.in[\"0\"] > 1"
'

start_kafka_mock in:3

test_expect_success 'a re-created topic: data loss reported, or skipped' '
	echo "new|1" | kcat -b "$BROKER" -P -t in -p 0 -K "|" &&
	test_expect_code 1 st-read -f kafka --bootstrap-servers "$BROKER" \
		--subscribe in --checkpoint L --commit-on-emit \
		--trigger available-now >out 2>err &&
	grep "partition in-0: offset [0-9]* is past the end (1): the topic was deleted and re-created" err &&
	! grep -q "\"key\"" out &&
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe in \
		--checkpoint L --commit-on-emit --fail-on-data-loss false \
		--trigger available-now >out 2>err &&
	grep "skipped (--fail-on-data-loss false)" err &&
	kv <out | jq -r .key >actual && echo new >expect && test_cmp expect actual
'

test_done
