#!/bin/sh
test_description='st-join: the seed examples end to end (impressions/clicks, logins/users)'
. "$(dirname "$0")/lib.sh"

D=$SRCDIR/tests/data/join
ON='ImpressionID = ClickID'
WITHIN='clicks.CreatedTime BETWEEN impressions.CreatedTime AND impressions.CreatedTime + INTERVAL 15 MINUTES'

rp= pp=
cleanup() {
	for p in $rp $pp; do kill -9 "$p" 2>/dev/null; done
	return 0
}
trap cleanup EXIT INT TERM

# The seed pipeline: two sources in one batch sequence, a 30 minute
# watermark on each, the join, a sink. $1: the join type.
seed_pipeline() {
	st-read --trigger available-now --max-files-per-trigger 1 \
		--source impressions=impressions --source clicks=clicks |
	st-watermark --name imp --source impressions --time CreatedTime --delay "30 minutes" |
	st-watermark --name clk --source clicks --time CreatedTime --delay "30 minutes" |
	st-join --left impressions --right clicks --on "$ON" --within "$WITHIN" --type "$1" |
	st-sink --raw
}

# Each batch's data lines, prefixed with the batch id.
per_batch() {
	awk '/^\{"@st":"begin"/ { match($0, /"batch":[0-9]+/); b = substr($0, RSTART + 8, RLENGTH - 8); next }
	     /^\{"@st"/ { next }
	     { print b " " $0 }' "$@"
}

test_expect_success 'setup: impressions and clicks arrive in three files each' '
	mkdir impressions clicks &&
	for i in 1 2 3; do
		cp "$D/impressions/$i.json" impressions/ &&
		cp "$D/clicks/$i.json" clicks/ &&
		touch -d "@$((1600000000 + i))" impressions/$i.json clicks/$i.json || exit 1
	done
'

test_expect_success 'inner join: clicks within 15 minutes of their impression' '
	ST_CHECKPOINT=$PWD/ck-inner seed_pipeline inner >out &&
	per_batch out >actual &&
	cat >expect <<-\EOT &&
	0 {"ImpressionID":"101","CreatedTime":"2020-09-09 10:00:00","Campaigner":"ABC Ltd","ClickID":"101","right_CreatedTime":"2020-09-09 10:06:00"}
	0 {"ImpressionID":"103","CreatedTime":"2020-09-09 10:05:00","Campaigner":"XYZ Ltd","ClickID":"103","right_CreatedTime":"2020-09-09 10:15:00"}
	1 {"ImpressionID":"105","CreatedTime":"2020-09-09 11:00:00","Campaigner":"ABC Ltd","ClickID":"105","right_CreatedTime":"2020-09-09 11:03:00"}
	1 {"ImpressionID":"101","CreatedTime":"2020-09-09 10:00:00","Campaigner":"ABC Ltd","ClickID":"101","right_CreatedTime":"2020-09-09 10:10:00"}
	2 {"ImpressionID":"107","CreatedTime":"2020-09-09 12:00:00","Campaigner":"ABC Ltd","ClickID":"107","right_CreatedTime":"2020-09-09 12:05:00"}
	EOT
	test_cmp expect actual
'

test_expect_success 'left outer: unmatched impressions come null-extended once the watermark passes' '
	ST_CHECKPOINT=$PWD/ck-left seed_pipeline left >out &&
	per_batch out >actual &&
	cat >expect <<-\EOT &&
	0 {"ImpressionID":"101","CreatedTime":"2020-09-09 10:00:00","Campaigner":"ABC Ltd","ClickID":"101","right_CreatedTime":"2020-09-09 10:06:00"}
	0 {"ImpressionID":"103","CreatedTime":"2020-09-09 10:05:00","Campaigner":"XYZ Ltd","ClickID":"103","right_CreatedTime":"2020-09-09 10:15:00"}
	1 {"ImpressionID":"105","CreatedTime":"2020-09-09 11:00:00","Campaigner":"ABC Ltd","ClickID":"105","right_CreatedTime":"2020-09-09 11:03:00"}
	1 {"ImpressionID":"101","CreatedTime":"2020-09-09 10:00:00","Campaigner":"ABC Ltd","ClickID":"101","right_CreatedTime":"2020-09-09 10:10:00"}
	2 {"ImpressionID":"107","CreatedTime":"2020-09-09 12:00:00","Campaigner":"ABC Ltd","ClickID":"107","right_CreatedTime":"2020-09-09 12:05:00"}
	2 {"ImpressionID":"102","CreatedTime":"2020-09-09 10:00:00","Campaigner":"ABC Ltd","ClickID":null,"right_CreatedTime":null}
	2 {"ImpressionID":"104","CreatedTime":"2020-09-09 10:05:00","Campaigner":"XYZ Ltd","ClickID":null,"right_CreatedTime":null}
	3 {"ImpressionID":"106","CreatedTime":"2020-09-09 11:01:00","Campaigner":"XYZ Ltd","ClickID":null,"right_CreatedTime":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'the seed query verbatim: per-source selects, to_timestamp, the time bound inside the join expression' '
	st-read --trigger available-now --max-files-per-trigger 1 \
		--source impressions=impressions --source clicks=clicks |
	st-select --source impressions "ImpressionID, to_timestamp(CreatedTime, '"'"'yyyy-MM-dd HH:mm:ss'"'"') AS ImpressionTime, Campaigner" |
	st-select --source clicks "ClickID, to_timestamp(CreatedTime, '"'"'yyyy-MM-dd HH:mm:ss'"'"') AS ClickTime" |
	st-watermark --name imp --source impressions --time ImpressionTime --delay "30 minutes" |
	st-watermark --name clk --source clicks --time ClickTime --delay "30 minutes" |
	st-join --left impressions --right clicks --type leftouter \
		--on "ImpressionID == ClickID AND ClickTime BETWEEN ImpressionTime AND ImpressionTime + interval 15 minute" |
	st-sink >actual &&
	cat >expect <<-\EOT &&
	{"ImpressionID":"101","ImpressionTime":"2020-09-09T10:00:00Z","Campaigner":"ABC Ltd","ClickID":"101","ClickTime":"2020-09-09T10:06:00Z"}
	{"ImpressionID":"103","ImpressionTime":"2020-09-09T10:05:00Z","Campaigner":"XYZ Ltd","ClickID":"103","ClickTime":"2020-09-09T10:15:00Z"}
	{"ImpressionID":"105","ImpressionTime":"2020-09-09T11:00:00Z","Campaigner":"ABC Ltd","ClickID":"105","ClickTime":"2020-09-09T11:03:00Z"}
	{"ImpressionID":"101","ImpressionTime":"2020-09-09T10:00:00Z","Campaigner":"ABC Ltd","ClickID":"101","ClickTime":"2020-09-09T10:10:00Z"}
	{"ImpressionID":"107","ImpressionTime":"2020-09-09T12:00:00Z","Campaigner":"ABC Ltd","ClickID":"107","ClickTime":"2020-09-09T12:05:00Z"}
	{"ImpressionID":"102","ImpressionTime":"2020-09-09T10:00:00Z","Campaigner":"ABC Ltd","ClickID":null,"ClickTime":null}
	{"ImpressionID":"104","ImpressionTime":"2020-09-09T10:05:00Z","Campaigner":"XYZ Ltd","ClickID":null,"ClickTime":null}
	{"ImpressionID":"106","ImpressionTime":"2020-09-09T11:01:00Z","Campaigner":"XYZ Ltd","ClickID":null,"ClickTime":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'rows in state over time: they shrink as the watermark advances' '
	grep "^{\"@st\":\"end\"" out | jq -c "[.batch, (.progress[] | select(.name == \"st-join\") |
		.stateRowsLeft, .stateRowsRight, .stateRowsRemoved)]" >actual &&
	cat >expect <<-\EOT &&
	[0,4,3,0]
	[1,6,5,0]
	[2,3,3,8]
	[3,1,1,4]
	EOT
	test_cmp expect actual
'

test_expect_success 'a second run of the same query picks up where the first stopped' '
	cat >impressions/4.json <<-\EOT &&
	{"ImpressionID": "108", "CreatedTime": "2020-09-09 12:10:00", "Campaigner": "XYZ Ltd"}
	EOT
	cat >clicks/4.json <<-\EOT &&
	{"ClickID": "108", "CreatedTime": "2020-09-09 12:11:00"}
	EOT
	touch -d "@1600000010" impressions/4.json clicks/4.json &&
	ST_CHECKPOINT=$PWD/ck-left seed_pipeline left >out2 &&
	per_batch out2 >actual &&
	echo "4 {\"ImpressionID\":\"108\",\"CreatedTime\":\"2020-09-09 12:10:00\",\"Campaigner\":\"XYZ Ltd\",\"ClickID\":\"108\",\"right_CreatedTime\":\"2020-09-09 12:11:00\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'stream-static: logins enriched with users, the table updated mid-run' '
	mkdir logins &&
	cp "$D/users.csv" users.csv &&
	mkfifo p &&
	{ st-read --checkpoint ck-login --poll-interval 20ms logins >p 2>read.err & } &&
	rp=$! &&
	{ st-join --static users.csv --on login_id <p 2>join.err |
	  st-select "login_id, user_name, created_time AS last_login" |
	  st-sink --checkpoint ck-login >joined 2>sink.err & } &&
	pp=$! &&
	cp "$D/logins.json" logins/1.json &&
	wait_for "test \$(wc -l <joined) -ge 2" 20 &&
	sed "s/Prashant/Prashant Kumar/" users.csv >users.tmp &&
	mv users.tmp users.csv &&
	echo "{\"created_time\": \"2020-09-09 10:40:00\", \"login_id\": \"100001\"}" >logins/.2.tmp &&
	mv logins/.2.tmp logins/2.json &&
	wait_for "test \$(wc -l <joined) -ge 3" 20 &&
	kill -TERM $rp && wait $rp && wait $pp && rp= pp= &&
	cp joined actual &&
	cat >expect <<-\EOT &&
	{"login_id":"100001","user_name":"Prashant","last_login":"2020-09-09 10:18:00"}
	{"login_id":"100009","user_name":"Alisha","last_login":"2020-09-09 10:20:00"}
	{"login_id":"100001","user_name":"Prashant Kumar","last_login":"2020-09-09 10:40:00"}
	EOT
	test_cmp expect actual
'

test_done
