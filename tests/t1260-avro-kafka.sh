#!/bin/sh
test_description='the seeds: a JSON topic -> Avro topic -> JSON, through a Kafka broker'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-kafka.sh"

# After the seed's "Read Kafka Topic Json data & Write Avro format" and
# "Read Avro Topic Data & Write to Kafka Topic in Json format" (Spark's
# to_avro(struct(*)) / from_avro(value, schema) over Kafka values).
# st-sink --format kafka --binary base64 sends the Avro bytes; kcat, the
# independent client, checks what the topic holds.

start_kafka_mock invoices:1 invoices-avro:1

DDL='InvoiceNumber STRING, CreatedTime BIGINT, StoreID STRING, ItemPrice DOUBLE, Delivery STRUCT<City: STRING, State: STRING>'
AVSC='{"type":"record","name":"Invoice","fields":[{"name":"InvoiceNumber","type":"string"},{"name":"CreatedTime","type":"long"},{"name":"StoreID","type":["null","string"]},{"name":"ItemPrice","type":"double"},{"name":"Delivery","type":{"type":"record","name":"Address","fields":[{"name":"City","type":"string"},{"name":"State","type":"string"}]}}]}'

test_expect_success 'setup: JSON invoices on a topic (kcat)' '
	cat >invoices.json <<-\EOT &&
	{"InvoiceNumber":"51402977","CreatedTime":1595688900348,"StoreID":"STR7188","ItemPrice":1.5,"Delivery":{"City":"Pune","State":"MH"}}
	{"InvoiceNumber":"91372973","CreatedTime":1595688901459,"StoreID":null,"ItemPrice":-2.25,"Delivery":{"City":"Mumbai \"Fort\"","State":"MH"}}
	{"InvoiceNumber":"93647513","CreatedTime":1595688902254,"StoreID":"STR8513","ItemPrice":1e-3,"Delivery":{"City":"caf\u00e9","State":"KA"}}
	EOT
	kcat -b "$BROKER" -P -t invoices <invoices.json &&
	test "$(kafka_count invoices)" = 3
'

test_expect_success 'JSON topic -> from_json -> to_avro -> Avro topic (st-sink --format kafka --binary base64)' '
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe invoices \
		--starting-offsets earliest --trigger once --checkpoint C1 |
		st-select --checkpoint C1 "from_json(value, '"'"'$DDL'"'"') AS v" |
		st-select --checkpoint C1 "base64(v.InvoiceNumber) AS key" "to_avro(v, '"'"'$AVSC'"'"') AS value" |
		st-sink --checkpoint C1 --format kafka --bootstrap-servers "$BROKER" \
			--topic invoices-avro --binary base64 &&
	test "$(kafka_count invoices-avro)" = 3 &&
	kcat -b "$BROKER" -C -t invoices-avro -e -q -f "%k\n" >actual &&
	jq -r .InvoiceNumber invoices.json >expect && test_cmp expect actual &&
	# the first message: a string is its length (zigzag varint, 8 is 16)
	# and its bytes
	kcat -b "$BROKER" -C -t invoices-avro -c 1 -e -q -f "%s" | head -c 9 >start &&
	printf "\020%s" 51402977 >want && test_cmp want start
'

test_expect_success 'Avro topic -> from_avro(value, schema) -> JSON: the invoices again' '
	st-read -f kafka --bootstrap-servers "$BROKER" --subscribe invoices-avro \
		--starting-offsets earliest --trigger once --binary base64 --checkpoint C2 |
		st-select --checkpoint C2 "from_avro(value, '"'"'$AVSC'"'"') AS v" |
		st-select --checkpoint C2 "to_json(v) AS value" |
		st-sink --checkpoint C2 --format json --path json-out &&
	cat json-out/part-*.json | jq -c ".value | fromjson" >actual &&
	jq -c . invoices.json >expect &&
	test_cmp expect actual
'

test_done
