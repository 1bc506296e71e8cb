#!/bin/sh
test_description='the benchmark: YSB generator, latency meter, the YSB query against an independent count'
. "$(dirname "$0")/lib.sh"

CC=${CC:-cc}

test_expect_success 'the generator and the meter build' '
	$CC -O2 -o ysb-gen "$SRCDIR/bench/ysb-gen.c" &&
	$CC -O2 -o latency "$SRCDIR/bench/latency.c"
'

test_expect_success 'events are deterministic YSB records' '
	./ysb-gen --events 2 --seed 1 >actual &&
	cat >expect <<-\EOF &&
	{"user_id":"91e2e43f-f909-fef6-3562-ead601bcdf1d","page_id":"fede4358-7e5e-64da-28af-84ca7ea8fc17","ad_id":"c9b08690-1798-a9f7-c646-dcb864a253ce","ad_type":"modal","event_type":"purchase","event_time":"1549360800000","ip_address":"80.82.182.96"}
	{"user_id":"f8a543e4-3638-b2e8-b06f-018496d0e9eb","page_id":"783ebb71-d93c-5637-d4a4-806ff0814333","ad_id":"8861c1dc-f443-8a80-b10c-a1f71d092435","ad_type":"sponsored-search","event_type":"click","event_time":"1549360800001","ip_address":"18.246.93.224"}
	EOF
	test_cmp expect actual &&
	./ysb-gen --events 3000 --seed 1 >events.json &&
	echo "d44401e7c58cd96575a02c96949999a2  -" >expect &&
	md5sum <events.json >actual &&
	test_cmp expect actual
'

test_expect_success 'a third are views, event time strictly increases, all valid JSON' '
	echo 933 >expect &&
	grep -c "\"event_type\":\"view\"" events.json >actual &&
	test_cmp expect actual &&
	jq -r ".event_time" events.json | awk "NR > 1 && \$1 <= prev { bad = 1 } { prev = \$1 } END { exit bad }" &&
	echo 1549360802999 >expect &&
	tail -n 1 events.json | jq -r .event_time >actual &&
	test_cmp expect actual &&
	./ysb-gen --events 3 --rate 100 | jq -r .event_time >actual &&
	printf "%s\n" 1549360800000 1549360800010 1549360800020 >expect &&
	test_cmp expect actual
'

test_expect_success 'campaigns: 100 campaigns of 10 ads, the ads of the events' '
	./ysb-gen --events 0 --seed 1 --campaigns c.csv --campaigns-json c.json >empty &&
	test ! -s empty &&
	echo "1001 c.csv" >expect && wc -l c.csv >actual && test_cmp expect actual &&
	echo ad_id,campaign_id >expect && head -n 1 c.csv >actual && test_cmp expect actual &&
	echo 100 >expect &&
	jq -r .campaign_id c.json | sort -u | wc -l | tr -d " " >actual &&
	test_cmp expect actual &&
	jq -r .ad_id events.json | sort -u >ads.events &&
	jq -r .ad_id c.json | sort >ads.all &&
	test -z "$(comm -23 ads.events ads.all)"
'

test_expect_success 'bad options are usage errors' '
	test_expect_code 2 ./ysb-gen --events 1x 2>err &&
	echo "ysb-gen: invalid --events '\''1x'\''" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ./ysb-gen --rate 0
'

test_expect_success 'paced events carry their creation time; the meter reads it' '
	./ysb-gen --pace 2000 --events 20 >paced &&
	test "$(grep -c "\"created_us\":[0-9]*}$" paced)" = 20 &&
	./latency --skip 5 <paced >lat &&
	grep -q "^samples 15 p50_us [0-9]* p90_us [0-9]* p99_us [0-9]* max_us [0-9]*$" lat &&
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0}" "{\"a\":1}" >none &&
	test_expect_code 1 ./latency <none >lat &&
	echo "samples 0" >expect && test_cmp expect lat
'

test_expect_success 'the YSB query counts what jq counts' '
	./ysb-gen --events 3000 --seed 1 --rate 50 >slow.json &&
	st-read -t available-now --max-bytes-per-trigger 200KB slow.json |
	st-filter "event_type = '\''view'\''" |
	st-select "ad_id, CAST(event_time AS BIGINT) AS event_time" |
	st-join --static c.csv --on ad_id |
	st-watermark -t event_time --time-unit ms -d "10 seconds" |
	st-window -t event_time --time-unit ms -s "10 seconds" -b campaign_id -a "count(*) AS n" |
	st-sink >out &&
	jq -r "\"\(.window.start | fromdate * 1000) \(.campaign_id) \(.n)\"" out | sort >actual &&
	jq -rn --slurpfile c c.json "(\$c | map({(.ad_id): .campaign_id}) | add) as \$m |
	    reduce (inputs | select(.event_type == \"view\")) as \$e ({};
	    .[((\$e.event_time | tonumber) / 10000 | floor) * 10000 | tostring] [\$m[\$e.ad_id]] += 1) |
	    to_entries[] | .key as \$w | .value | to_entries[] | \"\(\$w) \(.key) \(.value)\"" slow.json |
	    sort >expect &&
	test_cmp expect actual &&
	test "$(wc -l <actual)" -gt 400
'

# make bench builds bench/micro.c against build/libst.a: when it listed
# lib/*.c by hand, a moved function broke make bench and no test saw it.
test_expect_success 'the record micro-benchmark builds and counts its lines' '
	$CC -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	    -iquote "$SRCDIR/lib" -o micro "$SRCDIR/bench/micro.c" \
	    "$SRCDIR/build/libst.a" \
	    $(make -s --no-print-directory -C "$SRCDIR" print-ldlibs) &&
	./micro scan events.json 1 >out &&
	grep "^scan  *3000 lines .* (3000)$" out
'

test_done
