#!/bin/sh
# examples/kafka.sh - the lecture's Kafka pipeline: invoices arrive on a
# Kafka topic as JSON; a streaming job deserialises them with from_json,
# keeps the PRIME customers' invoices and sends each a loyalty notification
# to another topic, as to_json(struct(*)) with the invoice number as key,
# exactly once; then the same invoices to an Avro topic with to_avro and
# back to JSON with from_avro.
#
#   sh examples/kafka.sh
#
# The broker is the tests' Kafka-protocol broker (librdkafka's mock cluster,
# tests/kafka-mock.c, on a free 127.0.0.1 port); kcat is the independent
# producer and consumer. With a real cluster, only --bootstrap-servers
# changes.
. "$(dirname "$0")/common.sh"
MOCK=$EXAMPLES/../build/tests/kafka-mock
if [ ! -x "$MOCK" ]; then
	make -C "$EXAMPLES/.." build/tests/kafka-mock >/dev/null || exit 1
fi
mkfifo broker.in
"$MOCK" invoices:1 notifications:1 invoices-avro:1 <broker.in >broker.out 2>broker.err &
mock=$!
exec 9>broker.in
trap 'kill $mock 2>/dev/null; rm -rf "$work"' EXIT
i=0
while [ ! -s broker.out ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
BROKER=$(head -n 1 broker.out)

step "Three invoices are produced to the topic invoices (kcat -P)" \
"kcat -b \$BROKER -P -t invoices -l invoices.json"
jq -c '{InvoiceNumber, CustomerType, CustomerCardNo, TotalAmount}' \
    "$DATA/invoices/invoices-1.json" "$DATA/invoices/invoices-2.json" >invoices.json
kcat -b "$BROKER" -P -t invoices -l invoices.json
sed 's/^/   /' invoices.json

SCHEMA='InvoiceNumber STRING, CustomerType STRING, CustomerCardNo STRING, TotalAmount DOUBLE'
step "The job: Kafka in, from_json, a filter, to_json(struct(*)), Kafka out
   (Spark: readStream.format(\"kafka\").option(\"subscribe\", \"invoices\") ...
    writeStream.format(\"kafka\").option(\"topic\", \"notifications\"))" \
"st-read --format kafka --bootstrap-servers \$BROKER --subscribe invoices --starting-offsets earliest |
  st-select \"from_json(value, '$SCHEMA') AS v\" | st-select 'v.*' | st-filter \"CustomerType = 'PRIME'\" |
  st-select \"InvoiceNumber AS key, to_json(named_struct('CustomerCardNo', CustomerCardNo,
      'TotalAmount', TotalAmount, 'EarnedLoyaltyPoints', TotalAmount * 0.2)) AS value\" |
  st-sink --format kafka --bootstrap-servers \$BROKER --topic notifications"
job() {
	st-read --checkpoint ck --trigger available-now --format kafka \
	    --bootstrap-servers "$BROKER" --subscribe invoices \
	    --starting-offsets earliest |
	st-select "from_json(value, '$SCHEMA') AS v" |
	st-select 'v.*' |
	st-filter "CustomerType = 'PRIME'" |
	st-select "InvoiceNumber AS key, to_json(named_struct('CustomerCardNo',
	    CustomerCardNo, 'TotalAmount', TotalAmount, 'EarnedLoyaltyPoints',
	    TotalAmount * 0.2)) AS value" |
	st-sink --checkpoint ck --format kafka --bootstrap-servers "$BROKER" \
	    --topic notifications
}
job

step "The notifications topic, read with kcat (key, value)" \
"kcat -b \$BROKER -C -t notifications -e -f '%k %s\n'"
kcat -b "$BROKER" -C -t notifications -e -q -f '%k %s\n' | sed 's/^/   /'

step "The job runs again (from cron, say) with nothing new: nothing is sent twice" "job"
job
kcat -b "$BROKER" -C -t notifications -e -q -f '%k %s\n' | wc -l | sed 's/^ */   notifications: /'

AVSC='{"type":"record","name":"Invoice","fields":[{"name":"InvoiceNumber","type":"string"},{"name":"CustomerType","type":"string"},{"name":"CustomerCardNo","type":["null","string"]},{"name":"TotalAmount","type":"double"}]}'
step "JSON topic to Avro topic: from_json, then to_avro(struct, schema); Kafka
   values are bytes, which travel through st as base64 (--binary base64)" \
"st-read --format kafka ... --subscribe invoices | st-select \"from_json(value, '...') AS v\" |
  st-select \"base64(v.InvoiceNumber) AS key\" \"to_avro(v, '\$AVSC') AS value\" |
  st-sink --format kafka ... --topic invoices-avro --binary base64"
st-read --checkpoint ck2 --trigger available-now --format kafka \
    --bootstrap-servers "$BROKER" --subscribe invoices --starting-offsets earliest |
st-select "from_json(value, '$SCHEMA') AS v" |
st-select "base64(v.InvoiceNumber) AS key" "to_avro(v, '$AVSC') AS value" |
st-sink --checkpoint ck2 --format kafka --bootstrap-servers "$BROKER" \
    --topic invoices-avro --binary base64
kcat -b "$BROKER" -C -t invoices-avro -e -q -f '%k: %S bytes of Avro\n' | sed 's/^/   /'

step "Avro topic back to JSON: from_avro(value, schema), to_json" \
"st-read --format kafka ... --subscribe invoices-avro --binary base64 |
  st-select \"from_avro(value, '\$AVSC') AS v\" | st-select 'to_json(v) AS value'"
st-read --checkpoint ck3 --trigger available-now --format kafka --binary base64 \
    --bootstrap-servers "$BROKER" --subscribe invoices-avro --starting-offsets earliest |
st-select "from_avro(value, '$AVSC') AS v" |
st-select 'to_json(v) AS value' |
st-sink --checkpoint ck3 --format json --path json-out
cat json-out/*.json | jq -r .value | sed 's/^/   /'
