#!/bin/sh
# examples/joins.sh - the lecture's joins: ad impressions joined with their
# clicks (stream-stream, inner and left outer, with watermarks and a
# 15-minute time bound), and logins enriched from a users table that changes
# while the stream runs (stream-static).
#
#   sh examples/joins.sh
. "$(dirname "$0")/common.sh"
mkdir imp clk
# Spark:
#   impressions_df.withWatermark("ImpressionTime", "30 minute")
#   clicks_df.withWatermark("ClickTime", "30 minute")
#   join_expr = "ImpressionID == ClickID" +
#       " AND ClickTime BETWEEN ImpressionTime AND ImpressionTime + interval 15 minute"
#   impressions_df.join(clicks_df, expr(join_expr), "inner")   # then "leftOuter"
join_query() {	# $1: the join type
	st-read --checkpoint "ck-$1" --trigger available-now --max-files-per-trigger 1 \
	    --source impressions=imp/ --source clicks=clk/ |
	st-select --source impressions "ImpressionID,
	    to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss') AS ImpressionTime, Campaigner" |
	st-select --source clicks "ClickID,
	    to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss') AS ClickTime" |
	st-watermark --checkpoint "ck-$1" --name imp --source impressions \
	    -t ImpressionTime -d '30 minutes' |
	st-watermark --checkpoint "ck-$1" --name clk --source clicks \
	    -t ClickTime -d '30 minutes' |
	st-join --checkpoint "ck-$1" --left impressions --right clicks --type "$1" \
	    --on 'ImpressionID == ClickID AND ClickTime BETWEEN ImpressionTime AND ImpressionTime + interval 15 minute' |
	st-sink --checkpoint "ck-$1" --format console --truncate 0
}
for i in 1 2 3; do
	cp "$TESTDATA/join/impressions/$i.json" imp/
	cp "$TESTDATA/join/clicks/$i.json" clk/
	touch -d "2020-09-09 10:0$i" "imp/$i.json" "clk/$i.json"
done

step "Impressions inner join clicks, one pair of files per micro-batch: a click
   counts when it comes within 15 minutes of its impression (102's click at
   10:20 is too late; 101's second click is a second match)" \
"st-read --source impressions=imp/ --source clicks=clk/ | st-select ... | st-watermark ... |
  st-join --left impressions --right clicks --type inner --on 'ImpressionID == ClickID AND ClickTime BETWEEN ...'"
join_query inner

step "The same as a left outer join: impressions without a click come out with
   nulls once the watermark shows no click can match any more" \
"st-join --left impressions --right clicks --type leftouter --on '...'"
join_query leftouter

step "Stream-static: logins enriched from users.csv, which is updated while the
   stream runs; each micro-batch joins against the table as it is then" \
"st-read logins/ | st-join --static users.csv --on login_id | st-sink"
mkdir logins
cp "$TESTDATA/join/users.csv" users.csv
cp "$TESTDATA/join/logins.json" logins/1.json
st-read --checkpoint ck-static --trigger available-now logins/ |
st-join --static users.csv --on login_id --type left |
st-sink --checkpoint ck-static --format console --truncate 0
echo "   users.csv gains user 100042 (Maria); a new login file arrives:"
echo '100042,Maria,2020-09-09 10:00:00' >>users.csv
printf '%s\n' '{"created_time": "2020-09-09 10:40:00", "login_id": "100042"}' >logins/2.json
st-read --checkpoint ck-static --trigger available-now logins/ |
st-join --static users.csv --on login_id --type left |
st-sink --checkpoint ck-static --format console --truncate 0
