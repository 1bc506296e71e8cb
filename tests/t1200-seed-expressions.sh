#!/bin/sh
test_description='the expressions of the Spark notes, verbatim'
. "$(dirname "$0")/lib.sh"

# The activity data of the notes (rows of its tables).
cat >activity.json <<'EOF_IN'
{"Arrival_Time":1424686735090,"Creation_Time":1424686733090638193,"Device":"nexus4_1","Index":18,"Model":"nexus4","User":"g","gt":"stand","x":3.356934E-4,"y":-5.645752E-4,"z":-0.018814087}
{"Arrival_Time":1424686735292,"Creation_Time":1424688581345918092,"Device":"nexus4_2","Index":66,"Model":"nexus4","User":"g","gt":"stand","x":-0.005722046,"y":0.029083252,"z":0.005569458}
{"Arrival_Time":1424687983801,"Creation_Time":1424689829851420571,"Device":"nexus4_2","Index":70,"Model":"nexus4","User":"g","gt":"stairsup","x":0.1,"y":0.2,"z":0.3}
{"Arrival_Time":1424687984163,"Creation_Time":1424687982169917952,"Device":"nexus4_1","Index":71,"Model":"nexus4","User":"g","gt":"stairsup","x":0.1,"y":0.2,"z":0.3}
{"Arrival_Time":1424687984000,"Creation_Time":1424687982000000000,"Device":"nexus4_1","Index":72,"Model":"nexus4","User":"g","gt":null,"x":0.1,"y":0.2,"z":0.3}
{"Arrival_Time":1424687984571,"Creation_Time":1424687982572835163,"Device":"nexus4_1","Index":73,"Model":"nexus4","User":"g","gt":"stairsup","x":0.1,"y":0.2,"z":0.3}
{"Arrival_Time":1424687984972,"Creation_Time":1424687982975667195,"Device":"nexus4_1","Index":74,"Model":"nexus4","User":"g","gt":"stairsup","x":0.1,"y":0.2,"z":0.3}
{"Arrival_Time":1424687985370,"Creation_Time":1424687983379305060,"Device":"nexus4_1","Index":75,"Model":"nexus4","User":"g","gt":"stairsup","x":0.1,"y":0.2,"z":0.3}
EOF_IN

test_expect_success 'withColumn("stairs", expr("gt like ...")).where("stairs").where("gt is not null").select(...)' '
	st-select --with "stairs=gt like '"'"'%stairs%'"'"'" <activity.json |
	st-where "stairs" |
	st-where "gt is not null" |
	st-select gt model arrival_time creation_time >actual &&
	cat >expect <<-\EOF_E &&
	{"gt":"stairsup","model":"nexus4","arrival_time":1424687983801,"creation_time":1424689829851420571}
	{"gt":"stairsup","model":"nexus4","arrival_time":1424687984163,"creation_time":1424687982169917952}
	{"gt":"stairsup","model":"nexus4","arrival_time":1424687984571,"creation_time":1424687982572835163}
	{"gt":"stairsup","model":"nexus4","arrival_time":1424687984972,"creation_time":1424687982975667195}
	{"gt":"stairsup","model":"nexus4","arrival_time":1424687985370,"creation_time":1424687983379305060}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'the same filter in one predicate keeps the records untouched' '
	st-filter "gt like '"'"'%stairs%'"'"' and gt is not null" <activity.json >actual &&
	grep stairs activity.json >expect &&
	test_cmp expect actual
'

test_expect_success 'selectExpr("*", "cast(cast(Creation_Time as double)/1000000000 as timestamp) as event_time")' '
	st-select "*" "cast(cast(Creation_Time as double)/1000000000 as timestamp) as event_time" <activity.json |
	head -n 2 >actual &&
	cat >expect <<-\EOF_E &&
	{"Arrival_Time":1424686735090,"Creation_Time":1424686733090638193,"Device":"nexus4_1","Index":18,"Model":"nexus4","User":"g","gt":"stand","x":3.356934E-4,"y":-5.645752E-4,"z":-0.018814087,"event_time":"2015-02-23T10:18:53.090638Z"}
	{"Arrival_Time":1424686735292,"Creation_Time":1424688581345918092,"Device":"nexus4_2","Index":66,"Model":"nexus4","User":"g","gt":"stand","x":-0.005722046,"y":0.029083252,"z":0.005569458,"event_time":"2015-02-23T10:49:41.345918Z"}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'select(expr("explode(split(value,'"'"' '"'"')) as word")): the socket word count' '
	printf "%s\n" "{\"value\":\"Hello Spark Streaming\"}" "{\"value\":\"Hello Spark\"}" "{\"value\":\"\"}" |
	st-select "explode(split(value,'"'"' '"'"')) as word" >actual &&
	cat >expect <<-\EOF_E &&
	{"word":"Hello"}
	{"word":"Spark"}
	{"word":"Streaming"}
	{"word":"Hello"}
	{"word":"Spark"}
	{"word":""}
	EOF_E
	test_cmp expect actual
'

cat >kafka.json <<'EOF_IN'
{"key":"k1","value":"{\"a\":\"x\",\"b\":12}"}
{"key":"k2","value":"{\"a\":\"y\",\"b\":\"13\",\"c\":true}"}
{"key":"k3","value":"not json"}
EOF_IN

test_expect_success 'Kafka-style from_json(value, '"'"'a STRING, b INT'"'"')' '
	st-select "from_json(value, '"'"'a STRING, b INT'"'"') AS value" <kafka.json |
	st-select "value.a, value.b" >actual &&
	cat >expect <<-\EOF_E &&
	{"a":"x","b":12}
	{"a":"y","b":13}
	{"a":null,"b":null}
	EOF_E
	test_cmp expect actual
'

test_expect_success 'Kafka-style to_json(struct(*)) AS value' '
	st-select "key, to_json(struct(*)) AS value" <kafka.json >out &&
	jq -c .key out >actual &&
	printf "\"k1\"\n\"k2\"\n\"k3\"\n" >expect &&
	test_cmp expect actual &&
	jq -r .value out >actual &&
	test_cmp kafka.json actual &&
	st-select "to_json(struct(*)) AS value" <activity.json | head -n 1 |
	jq -r .value | jq -c "[.Device, .gt, .Index]" >actual &&
	echo "[\"nexus4_1\",\"stand\",18]" >expect &&
	test_cmp expect actual
'

cat >impressions.json <<'EOF_IN'
{"value":"{\"ImpressionID\":\"i1\",\"CreatedTime\":\"2020-06-01 10:00:00\",\"Campaigner\":\"c1\"}"}
EOF_IN

test_expect_success 'the impressions pipeline: from_json, value.* columns, to_timestamp' '
	st-select "from_json(value, '"'"'ImpressionID STRING, CreatedTime STRING, Campaigner STRING'"'"') AS value" <impressions.json |
	st-select "value.ImpressionID" "value.CreatedTime" "value.Campaigner" |
	st-select -w "ImpressionTime=to_timestamp(CreatedTime, '"'"'yyyy-MM-dd HH:mm:ss'"'"')" "* EXCEPT (CreatedTime)" >actual &&
	echo "{\"ImpressionID\":\"i1\",\"Campaigner\":\"c1\",\"ImpressionTime\":\"2020-06-01T10:00:00Z\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'the notes'"'"' pattern typo HH:mm::ss is refused with a clear message' '
	test_expect_code 2 st-select -w "ImpressionTime=to_timestamp(CreatedTime, \"yyyy-MM-dd HH:mm::ss\")" </dev/null 2>err &&
	cat >expect <<-\EOF_E &&
	st-select: invalid expression at column 44: invalid datetime pattern '"'"'yyyy-MM-dd HH:mm::ss'"'"': doubled separator '"'"'::'"'"' (did you mean '"'"'yyyy-MM-dd HH:mm:ss'"'"'?)
	  to_timestamp(CreatedTime, "yyyy-MM-dd HH:mm::ss")
	                                             ^
	EOF_E
	test_cmp expect err
'

test_expect_success 'the join condition of the notes parses and evaluates' '
	echo "{\"ImpressionID\":\"i1\",\"ClickID\":\"i1\",\"ImpressionTime\":\"2020-06-01T10:00:00Z\",\"ClickTime\":\"2020-06-01T10:10:00Z\"}" >pair &&
	st-filter "ImpressionID == ClickID AND ClickTime BETWEEN ImpressionTime AND cast(ImpressionTime as timestamp) + INTERVAL 15 MINUTES" <pair >actual &&
	test_cmp pair actual
'

test_done
