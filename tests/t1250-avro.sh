#!/bin/sh
test_description='Avro: from_avro, to_avro and st-read --format avro; the seeds JSON -> Avro -> JSON'
. "$(dirname "$0")/lib.sh"

# After Spark's AvroFunctionsSuite (to_avro/from_avro round trips, with and
# without a schema) and AvroSuite (reading container files); the types as
# SchemaConverters maps them (see st-expr(7)).

# An object container file from Avro-encoded records (base64, one a
# line), written here byte by byte after the spec (magic, metadata map,
# sync marker, one block), so that st-read is not only read back by
# itself: avro_file SCHEMA RECORDS >FILE.
varint() {
	awk -v n="$1" 'BEGIN { n = n * 2; do { b = n % 128; n = int(n / 128);
		if (n > 0) b += 128; printf "\\%03o", b } while (n > 0) }'
}
avro_file() {
	_schema=$(cat "$1")
	while read -r _l; do printf %s "$_l" | base64 -d; done <"$2" >.block
	printf 'Obj\001'
	printf "$(varint 2)"
	printf "$(varint 10)avro.codec$(varint 4)null"
	printf "$(varint 11)avro.schema$(varint ${#_schema})%s" "$_schema"
	printf '\000'
	printf 'SYNCSYNCSYNCSYNC'
	printf "$(varint $(wc -l <"$2"))$(varint $(wc -c <.block))"
	cat .block
	printf 'SYNCSYNCSYNCSYNC'
}

test_expect_success 'setup: invoices as the seeds have them, their Avro schema' '
	cat >invoices.json <<-\EOT &&
	{"InvoiceNumber":"51402977","CreatedTime":1595688900348,"StoreID":"STR7188","PosID":"POS956","CustomerType":"PRIME","PaymentMethod":"CARD","DeliveryType":"TAKEAWAY","ItemPrice":1.5,"Tags":["a","b"],"Delivery":{"City":"Pune","State":"MH"},"Note":null}
	{"InvoiceNumber":"91372973","CreatedTime":1595688901459,"StoreID":"STR8513","PosID":"POS163","CustomerType":"NONPRIME","PaymentMethod":"CASH","DeliveryType":"HOME-DELIVERY","ItemPrice":-2.25,"Tags":[],"Delivery":{"City":"Mumbai\n\"quoted\"","State":"MH"},"Note":"caf\u00e9"}
	EOT
	cat >invoice.avsc <<-\EOT
	{"type":"record","name":"Invoice","namespace":"seed","fields":[
	 {"name":"InvoiceNumber","type":"string"},
	 {"name":"CreatedTime","type":"long"},
	 {"name":"StoreID","type":"string"},
	 {"name":"PosID","type":"string"},
	 {"name":"CustomerType","type":{"type":"enum","name":"CustomerType","symbols":["PRIME","NONPRIME"]}},
	 {"name":"PaymentMethod","type":"string"},
	 {"name":"DeliveryType","type":"string"},
	 {"name":"ItemPrice","type":"double"},
	 {"name":"Tags","type":{"type":"array","items":"string"}},
	 {"name":"Delivery","type":{"type":"record","name":"Address","fields":[
	  {"name":"City","type":"string"},{"name":"State","type":"string"}]}},
	 {"name":"Note","type":["null","string"]}]}
	EOT
'

test_expect_success 'to_avro(struct(*), schema) then from_avro(value, schema): the records again' '
	S=$(cat invoice.avsc) &&
	st-select "to_avro(struct(*), '"'"'$S'"'"') AS value" <invoices.json >avro.json &&
	jq -e ".value | test(\"^[A-Za-z0-9+/]+=*\$\")" avro.json >/dev/null &&
	st-select "from_avro(value, '"'"'$S'"'"') AS v" <avro.json | jq -c .v >actual &&
	jq -c . invoices.json >expect &&
	test_cmp expect actual
'

test_expect_success 'the bytes are Avro: the first record, field by field' '
	# a string is its length (zigzag varint: 8 is 16) and its bytes;
	head -n 1 avro.json | jq -r .value | base64 -d | head -c 9 >start &&
	printf "\020%s" 51402977 >want && test_cmp want start
'

test_expect_success 'to_avro without a schema (Spark: topLevelRecord, nullable fields), read with the matching schema' '
	printf "%s\n" "{\"a\":1,\"b\":\"x\",\"c\":null}" "{\"a\":null,\"b\":\"y\",\"c\":2.5}" >small &&
	st-select "to_avro(struct(*)) AS value" <small >small.avro &&
	R="{\"type\":\"record\",\"name\":\"topLevelRecord\",\"fields\":[{\"name\":\"a\",\"type\":[\"long\",\"null\"]},{\"name\":\"b\",\"type\":[\"string\",\"null\"]},{\"name\":\"c\",\"type\":[\"double\",\"null\"]}]}" &&
	st-select "from_avro(value, '"'"'$R'"'"') AS v" <small.avro | jq -c .v >actual &&
	test_cmp small actual
'

test_expect_success 'what does not fit is NULL: a value the schema refuses, bytes that are not the schema' '
	printf "%s\n" "{\"n\":\"abc\"}" "{\"n\":\"12\"}" >nums &&
	st-select "to_avro(n, '"'"'\"int\"'"'"') AS value" <nums >actual &&
	printf "%s\n" "{\"value\":null}" "{\"value\":\"GA==\"}" >expect &&
	test_cmp expect actual &&
	printf "%s\n" "{\"value\":\"GA==\"}" "{\"value\":\"not base64\"}" "{\"value\":\"\"}" "{\"value\":null}" >bin &&
	st-select "from_avro(value, '"'"'\"int\"'"'"') AS v" <bin >actual &&
	printf "%s\n" "{\"v\":12}" "{\"v\":null}" "{\"v\":null}" "{\"v\":null}" >expect &&
	test_cmp expect actual
'

test_expect_success 'an invalid schema is a usage error with the reason' '
	test_expect_code 2 st-select "from_avro(value, '"'"'{\"type\":\"nope\"}'"'"') AS v" </dev/null 2>err &&
	grep -q "invalid Avro schema" err &&
	test_expect_code 2 st-select "from_avro(value, schema) AS v" </dev/null 2>err &&
	grep -q "wants its Avro schema as a string literal" err
'

test_expect_success 'the seed: JSON files -> Avro (to_avro) -> files -> from_avro -> JSON, exactly once with checkpoints' '
	S=$(cat invoice.avsc) &&
	mkdir in && cp invoices.json in/1.json &&
	st-read --checkpoint C1 --trigger available-now in |
		st-select --checkpoint C1 "CAST(InvoiceNumber AS STRING) AS key" "to_avro(struct(*), '"'"'$S'"'"') AS value" |
		st-sink --checkpoint C1 --format json --path topic &&
	st-read --checkpoint C2 --trigger available-now topic |
		st-select --checkpoint C2 key "from_avro(value, '"'"'$S'"'"') AS v" |
		st-select --checkpoint C2 "v.InvoiceNumber" "v.Delivery.City AS City" "v.ItemPrice" |
		st-sink --checkpoint C2 --format json --path back &&
	cat back/part-*.json >actual &&
	jq -c "{InvoiceNumber, City: .Delivery.City, ItemPrice}" invoices.json >expect &&
	test_cmp expect actual
'

test_expect_success 'st-read --format avro: an object container file, records as JSON' '
	jq -r .value avro.json >recs &&
	mkdir files && avro_file invoice.avsc recs >files/invoices.avro &&
	st-read --trigger available-now -f avro files | st-sink >actual &&
	jq -c . invoices.json >expect &&
	test_cmp expect actual
'

test_expect_success 'st-read --format avro: logical types from the header (date, timestamps, decimal), bytes as base64' '
	cat >logical.avsc <<-\EOT &&
	{"type":"record","name":"L","fields":[
	 {"name":"d","type":{"type":"int","logicalType":"date"}},
	 {"name":"ms","type":{"type":"long","logicalType":"timestamp-millis"}},
	 {"name":"us","type":{"type":"long","logicalType":"timestamp-micros"}},
	 {"name":"m","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
	 {"name":"b","type":"bytes"},
	 {"name":"kv","type":{"type":"map","values":"long"}}]}
	EOT
	printf "%s\n" "{\"d\":\"2019-02-05\",\"ms\":\"2019-02-05T10:00:00.5Z\",\"us\":\"2019-02-05T10:00:00.000001Z\",\"m\":-12.34,\"b\":\"AP8=\",\"kv\":{\"x\":1}}" >logical.json &&
	L=$(cat logical.avsc) &&
	st-select "to_avro(struct(*), '"'"'$L'"'"') AS value" <logical.json | jq -r .value >lrecs &&
	mkdir lfiles && avro_file logical.avsc lrecs >lfiles/l.avro &&
	st-read --trigger available-now -f avro lfiles | st-sink >actual &&
	echo "{\"d\":\"2019-02-05\",\"ms\":\"2019-02-05T10:00:00.500Z\",\"us\":\"2019-02-05T10:00:00.000001Z\",\"m\":-12.34,\"b\":\"AP8=\",\"kv\":{\"x\":1}}" >expect &&
	test_cmp expect actual
'

test_expect_success 'st-read --format avro with a checkpoint: each file once, whole' '
	cp files/invoices.avro files/b.avro && touch -d "2030-01-01" files/b.avro &&
	st-read --checkpoint R --trigger available-now --max-bytes-per-trigger 10 -f avro files |
		st-sink --checkpoint R --format json --path out &&
	ls out >actual && printf "part-00000.json\npart-00001.json\n" >expect &&
	test_cmp expect actual &&
	cat out/part-00001.json >actual && jq -c . invoices.json >expect &&
	test_cmp expect actual
'

test_expect_success 'st-read --format avro: errors' '
	mkdir bad && cp invoices.json bad/x.avro &&
	test_expect_code 1 st-read --trigger available-now -f avro bad 2>err &&
	echo "st-read: cannot read '"'"'bad/x.avro'"'"': not an Avro object container file" >expect &&
	test_cmp expect err &&
	test_expect_code 2 st-read -f avro - </dev/null 2>err &&
	grep -q "needs files, not standard input" err &&
	test_expect_code 2 st-read -f avro --schema "a INT" files 2>err &&
	grep -q "Avro files carry their schema" err
'

test_done
