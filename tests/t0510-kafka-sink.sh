#!/bin/sh
test_description='st-sink --format kafka: messages, partitioner, transactions, delivery errors'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-kafka.sh"

start_kafka_mock out:4 notes:1 invoices:2

test_expect_success 'key, value, headers, the record as JSON when there is no value' '
	printf "%s\n" "{\"key\":\"21\",\"value\":\"a\"}" \
		"{\"key\":\"foobar\",\"value\":{\"x\":1}}" \
		"{\"id\":3,\"name\":\"z\"}" \
		"{\"key\":\"abc\",\"value\":\"h\",\"headers\":[{\"key\":\"h1\",\"value\":\"v1\"}]}" |
	st-sink -f kafka --bootstrap-servers "$BROKER" --topic out &&
	kcat -b "$BROKER" -C -t out -e -q -f "%p|%k|%s|%h\n" |
		sed "s/^[0-9]||/?||/" | LC_ALL=C sort >actual &&
	cat >expect <<-\EOF_E &&
	0|21|a|
	2|foobar|{"x":1}|
	3|abc|h|h1=v1
	?||{"id":3,"name":"z"}|
	EOF_E
	test_cmp expect actual
'

# Kafka's UtilsTest.testMurmur2 vectors; partitions as the Java client's
# default partitioner places them: toPositive(murmur2(key)) % 4 (a keyless
# record, above, goes wherever librdkafka puts it).
test_expect_success 'keys land on the partitions the Java client picks' '
	printf "%s\n" "{\"k\":\"a-little-bit-long-string\"}" \
		"{\"k\":\"a-little-bit-longer-string\"}" \
		"{\"k\":\"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8\"}" |
	st-sink -f kafka --bootstrap-servers "$BROKER" --topic keyed --key-column k &&
	kcat -b "$BROKER" -C -t keyed -e -q -f "%k %p\n" | sort >actual &&
	for k in a-little-bit-long-string:-985981536 \
	    a-little-bit-longer-string:-1486304829 \
	    lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8:-58897971; do
		h=${k#*:}; echo "${k%:*} $(( (h & 0x7fffffff) % 4 ))"
	done | sort >expect &&
	test_cmp expect actual
'

test_expect_success 'a topic column per record; --binary base64 sends the bytes' '
	printf "%s\n" "{\"topic\":\"t1\",\"value\":\"one\"}" \
		"{\"topic\":\"t2\",\"value\":\"two\"}" |
	st-sink -f kafka --bootstrap-servers "$BROKER" &&
	kcat -b "$BROKER" -C -t t1 -e -q -f "%s\n" >actual &&
	kcat -b "$BROKER" -C -t t2 -e -q -f "%s\n" >>actual &&
	printf "one\ntwo\n" >expect && test_cmp expect actual &&
	echo "{\"value\":\"//4=\"}" |
	st-sink -f kafka --bootstrap-servers "$BROKER" --topic bin --binary base64 &&
	kcat -b "$BROKER" -C -t bin -e -q -f "%s" | od -An -tx1 | tr -d " \n" >actual &&
	printf fffe >expect && test_cmp expect actual &&
	echo "{\"value\":\"x\"}" | test_must_fail st-sink -f kafka \
		--bootstrap-servers "$BROKER" 2>err &&
	grep "no topic: give --topic or a topic column" err
'

test_expect_success 'with a checkpoint: each batch in a transaction with its batch id' '
	mkdir in && printf "%s\n" "{\"a\":1}" "{\"a\":2}" >in/1.json &&
	st-read --checkpoint C --trigger once in |
	st-sink --checkpoint C -f kafka --bootstrap-servers "$BROKER" --topic eo &&
	test -f C/commits/0 &&
	q=$(jq -r .id C/metadata | head -n 1) &&
	kcat -b "$BROKER" -C -t _st_batches -e -q -f "%k %s\n" >actual &&
	grep -c "^$q {\"query\":\"$q\",\"batch\":0," actual &&
	test $(kafka_count eo) = 2
'

test_expect_success 'a replayed batch that committed in Kafka is skipped, and committed again' '
	rm C/commits/0 &&
	st-read --checkpoint C --trigger once in |
	st-sink --checkpoint C -f kafka --bootstrap-servers "$BROKER" --topic eo &&
	test -f C/commits/0 &&
	test $(kafka_count eo) = 2
'

test_expect_success '--delivery at-least-once: no transaction, no batch records' '
	before=$(kafka_count _st_batches) &&
	st-read --checkpoint A --trigger once in |
	st-sink --checkpoint A -f kafka --bootstrap-servers "$BROKER" --topic alo \
		--delivery at-least-once &&
	test -f A/commits/0 &&
	test $(kafka_count alo) = 2 &&
	test $(kafka_count _st_batches) = $before
'

test_expect_success 'a delivery error fails the batch, naming the topic and the error' '
	kafka_cmd error 0 29 100 &&
	st-read --checkpoint E --trigger once in |
	test_must_fail st-sink --checkpoint E -f kafka --bootstrap-servers "$BROKER" \
		--topic denied --delivery at-least-once 2>err &&
	grep "cannot write to topic .denied.: Broker: Topic authorization failed" err &&
	! test -f E/commits/0 &&
	kafka_cmd clear 0
'

# The seed: invoices as Kafka JSON, flattened into notifications keyed by
# invoice number, value to_json(struct(*)).
test_expect_success 'the seed pipeline: invoices topic -> notifications topic' '
	cat >inv <<-\EOF_I &&
	{"InvoiceNumber":"51402977","CreatedTime":1595688900348,"StoreID":"STR7188","CustomerCardNo":"4629185211","TotalAmount":11114.0}
	{"InvoiceNumber":"91372973","CreatedTime":1595688900356,"StoreID":"STR8513","CustomerCardNo":"7829975914","TotalAmount":8272.0}
	EOF_I
	kcat -b "$BROKER" -P -t invoices -p 0 <inv &&
	st-read --checkpoint N -f kafka --bootstrap-servers "$BROKER" \
		--subscribe invoices --starting-offsets earliest --trigger available-now |
	st-select --checkpoint N "from_json(value, '"'"'InvoiceNumber STRING, CustomerCardNo STRING, TotalAmount DOUBLE'"'"') AS value" |
	st-select value.InvoiceNumber value.CustomerCardNo value.TotalAmount |
	st-select --with "EarnedLoyaltyPoints=TotalAmount * 0.2" |
	st-select "InvoiceNumber AS key" "to_json(struct(*)) AS value" |
	st-sink --checkpoint N -f kafka --bootstrap-servers "$BROKER" --topic notes &&
	kcat -b "$BROKER" -C -t notes -e -q -f "%k %s\n" -X isolation.level=read_committed >actual &&
	cat >expect <<-\EOF_E &&
	51402977 {"InvoiceNumber":"51402977","CustomerCardNo":"4629185211","TotalAmount":11114.0,"EarnedLoyaltyPoints":2222.8}
	91372973 {"InvoiceNumber":"91372973","CustomerCardNo":"7829975914","TotalAmount":8272.0,"EarnedLoyaltyPoints":1654.4}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-sink -f kafka --topic x 2>err &&
	grep "needs --bootstrap-servers" err &&
	test_expect_code 2 st-sink --topic x 2>err &&
	grep "need --format kafka" err &&
	test_expect_code 2 st-sink -f kafka --bootstrap-servers "$BROKER" --delivery twice 2>err &&
	grep "invalid mode .twice. for --delivery" err
'

test_done
