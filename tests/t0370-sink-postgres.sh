#!/bin/sh
test_description='st-sink --format postgres: a real server, append, update upserts, complete, replays, hostile names and values, passwords'
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/lib-pg.sh"

# The SQLite sink's test (t0350) against a real PostgreSQL server, on the
# same inputs (tests/data/sql); Spark has no PostgreSQL streaming sink
# (foreachBatch + JDBC is its answer).

SQ="'"
# The server's own settings (PGHOST etc.) are in the environment, so an
# empty DSN reaches it, and so does psql.
sink() { st-sink --format postgres --dsn "" "$@"; }

# The server lives as long as the script (stopped by the EXIT trap).
pg_start || { echo "not ok - cannot start a PostgreSQL server"; exit 1; }

test_expect_success 'setup: the server answers; an append stream with a new column in batch 1' '
	pq "SELECT 1" >actual && echo 1 >expect && test_cmp expect actual &&
	cp "$SRCDIR/tests/data/sql/stream.ndjson" stream
'

test_expect_success 'the table: columns in first-seen order, typed from JSON, a null-only column waiting for a value' '
	sink --checkpoint C --table T <stream &&
	pq "SELECT column_name, data_type FROM information_schema.columns
		WHERE table_name = ${SQ}T${SQ} ORDER BY ordinal_position" >actual &&
	cat >expect <<-\EOT &&
	word|text
	n|bigint
	x|double precision
	ok|boolean
	tags|jsonb
	o|jsonb
	no|bigint
	extra|text
	EOT
	test_cmp expect actual
'

test_expect_success 'values: numbers, booleans, nulls, strings unescaped, JSON values' '
	pq "SELECT word, n, x, ok, no IS NULL, tags, o IS NULL, coalesce(extra, ${SQ}-${SQ}) FROM \"T\" ORDER BY n" >actual &&
	cat >expect <<-\EOT &&
	cat|1|1.5|t|t|["a", "b"]|f|-
	d"ogé|2|2|f|f|[]|t|-
	eel|3|||t||t|new
	EOT
	test_cmp expect actual
'

test_expect_success 'append: commits written, each batch recorded under the query id' '
	ls C/commits >actual && printf "0\n1\n" >expect && test_cmp expect actual &&
	qid=$(head -n 1 C/metadata | jq -r .id) &&
	pq "SELECT table_name, query_id, batch_id, batch_ts FROM _st_batches ORDER BY batch_id" >actual &&
	printf "T|%s|0|1549360800000\nT|%s|1|1549360860000\n" "$qid" "$qid" >expect &&
	test_cmp expect actual &&
	head -n 1 C/sink | jq -c . >actual &&
	echo "{\"format\":\"postgres\",\"table\":\"T\"}" >expect &&
	test_cmp expect actual &&
	head -n 1 C/progress/0 | jq -r ".progress[-1].sink.description" >actual &&
	echo "PostgreSQLSink[postgres:T]" >expect && test_cmp expect actual
'

test_expect_success 'a committed batch is skipped on replay; one only in _st_batches too, then committed' '
	sink --checkpoint C --table T <stream &&
	pq "SELECT count(*) FROM \"T\"" >actual && echo 3 >expect && test_cmp expect actual &&
	rm C/commits/1 C/progress/1 &&
	sink --checkpoint C --table T <stream &&
	pq "SELECT count(*) FROM \"T\"" >actual && echo 3 >expect && test_cmp expect actual &&
	head -n 1 C/commits/1 | jq -c . >actual && echo "{\"batch\":1,\"ts\":1549360860000}" >expect &&
	test_cmp expect actual
'

test_expect_success 'the batches of another query (a new checkpoint) are not skipped' '
	sink --checkpoint C2 --table T <stream &&
	pq "SELECT count(*) FROM \"T\"" >actual && echo 6 >expect && test_cmp expect actual
'

test_expect_success 'input ending inside a batch: exit 1, its rows rolled back, written once on replay' '
	head -n 6 stream | test_expect_code 1 sink --checkpoint E --table cut 2>err &&
	echo "st-sink: input ended inside batch 1 (did an upstream tool die?); nothing of it was committed" >expect &&
	test_cmp expect err &&
	pq "SELECT word FROM cut ORDER BY n" >actual &&
	printf "cat\nd\"og\303\251\n" >expect && test_cmp expect actual &&
	sink --checkpoint E --table cut <stream &&
	pq "SELECT word FROM cut ORDER BY n" >actual &&
	printf "cat\nd\"og\303\251\neel\n" >expect && test_cmp expect actual
'

test_expect_success 'new columns added with ALTER TABLE; names are case-sensitive, as quoted identifiers' '
	printf "%s\n" "{\"a\":1}" | sink --table cols &&
	printf "%s\n" "{\"A\":2,\"b\":true}" "{\"c\":[1]}" | sink --table cols &&
	pq "SELECT column_name FROM information_schema.columns WHERE table_name = ${SQ}cols${SQ} ORDER BY ordinal_position" >actual &&
	printf "a\nA\nb\nc\n" >expect && test_cmp expect actual &&
	pq "SELECT a, \"A\", b, c FROM cols ORDER BY coalesce(a, \"A\", 9)" >actual &&
	printf "1|||\n|2|t|\n|||[1]\n" >expect && test_cmp expect actual
'

test_expect_success 'setup: events in three batches' '
	cp "$SRCDIR/tests/data/sql/events.ndjson" events
'

test_expect_success 'update: st-window rows upserted by window and key (ON CONFLICT), windows flattened' '
	st-watermark -t t -d 10m <events |
		st-window -t t -s 5m -b User -a "count(*) AS n, sum(v) AS s" -m update |
		sink --checkpoint U --table counts &&
	pq "SELECT * FROM counts ORDER BY window_start, \"User\"" >actual &&
	cat >expect <<-\EOT &&
	2019-02-05T10:00:00Z|2019-02-05T10:05:00Z|a|2|5
	2019-02-05T10:00:00Z|2019-02-05T10:05:00Z|b|1|2
	2019-02-05T10:05:00Z|2019-02-05T10:10:00Z|a|1|3
	2019-02-05T10:10:00Z|2019-02-05T10:15:00Z|b|2|11
	EOT
	test_cmp expect actual &&
	pq "SELECT indexname FROM pg_indexes WHERE tablename = ${SQ}counts${SQ}" >actual &&
	echo "st_key:counts(window_start,window_end,User)" >expect && test_cmp expect actual
'

test_expect_success 'update: the table equals the last row per key of the json sink; a replay upserts nothing twice' '
	st-watermark -t t -d 10m <events |
		st-window -t t -s 5m -b User -a "count(*) AS n, sum(v) AS s" -m update |
		st-sink --format json --path upj &&
	cat upj/part-*.json | jq -sc "group_by([.window, .User]) | map(last) | .[]
		| [.window.start, .window.end, .User, .n, .s] | join(\"|\")" -r >expect &&
	pq "SELECT * FROM counts ORDER BY window_start, \"User\"" >actual &&
	test_cmp expect actual &&
	rm U/commits/2 && pq "DELETE FROM _st_batches WHERE batch_id = 2" &&
	st-watermark -t t -d 10m <events |
		st-window -t t -s 5m -b User -a "count(*) AS n, sum(v) AS s" -m update |
		sink --checkpoint U --table counts &&
	pq "SELECT * FROM counts ORDER BY window_start, \"User\"" >actual &&
	test_cmp expect actual
'

test_expect_success 'update: null keys are one key (NULLS NOT DISTINCT), all-key rows, a missing member becomes null' '
	cat >upd <<-\EOT &&
	{"@st":"begin","batch":0,"ts":1,"mode":"update","keys":["k"]}
	{"k":"a","v":1}
	{"k":null,"v":2}
	{"k":null,"v":3,"w":"x"}
	{"@st":"end","batch":0,"progress":[]}
	{"@st":"begin","batch":1,"ts":2,"mode":"update","keys":["k"]}
	{"k":"a","w":"new"}
	{"@st":"end","batch":1,"progress":[]}
	{"@st":"begin","batch":2,"ts":3,"mode":"update","keys":["k","v","w"]}
	{"k":"a","v":null,"w":"new"}
	{"@st":"end","batch":2,"progress":[]}
	{"@st":"eos"}
	EOT
	sink --table upd <upd &&
	pq "SELECT coalesce(k, ${SQ}NULL${SQ}), v, w FROM upd ORDER BY k" >actual &&
	printf "a||new\nNULL|3|x\n" >expect && test_cmp expect actual
'

test_expect_success 'complete: each batch replaces the table, an empty batch empties it' '
	cp "$SRCDIR/tests/data/sql/complete.ndjson" comp &&
	sink --checkpoint P --table comp <comp &&
	pq "SELECT * FROM comp ORDER BY k" >actual &&
	printf "a|2\nb|1\nc|1\n" >expect && test_cmp expect actual &&
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":2,\"ts\":3,\"mode\":\"complete\",\"keys\":[\"k\"]}" \
		"{\"@st\":\"end\",\"batch\":2,\"progress\":[]}" "{\"@st\":\"eos\"}" >empty &&
	sink --checkpoint P --table comp <empty &&
	pq "SELECT count(*) FROM comp" >actual && echo 0 >expect && test_cmp expect actual
'

test_expect_success 'hostile table, field names and values land as plain data' '
	pq "CREATE TABLE x (a int)" &&
	cat >hostile <<-\EOT &&
	{"@st":"begin","batch":0,"ts":1,"mode":"update","keys":["\"; DROP TABLE x; --"]}
	{"\"; DROP TABLE x; --":"\"; DROP TABLE x; --","it'"'"'s":"O'"'"'Brien\nline two","$1":"$1","a\\b":"\\\"","nul?":"tab\there"}
	{"@st":"end","batch":0,"progress":[]}
	{"@st":"eos"}
	EOT
	sink --checkpoint H --table "t\"; DROP TABLE x; --" <hostile &&
	pq "SELECT count(*) FROM x" >actual && echo 0 >expect && test_cmp expect actual &&
	psql -X -A -t -v ON_ERROR_STOP=1 -c "SELECT row_to_json(h) FROM \"t\"\"; DROP TABLE x; --\" h" >actual &&
	jq -c . actual >actual.json &&
	sed -n 2p hostile | jq -c . >expect && test_cmp expect actual.json &&
	pq "SELECT table_name FROM _st_batches WHERE table_name LIKE ${SQ}t%${SQ}" >actual &&
	echo "t\"; DROP TABLE x; --" >expect && test_cmp expect actual
'

test_expect_success 'a value the column refuses: exit 1 with the server message, the batch rolled back' '
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":1}" \
		"{\"word\":\"a\",\"n\":1}" "{\"word\":\"b\",\"n\":\"two\"}" \
		"{\"@st\":\"end\",\"batch\":0,\"progress\":[]}" >bad &&
	test_expect_code 1 sink --checkpoint S --table strict <bad 2>err &&
	echo "st-sink: cannot write table ${SQ}strict${SQ} of ${SQ}postgres${SQ}: invalid input syntax for type bigint: \"two\"" >expect &&
	test_cmp expect err &&
	pq "SELECT count(*) FROM information_schema.tables WHERE table_name = ${SQ}strict${SQ}" >actual &&
	echo 0 >expect && test_cmp expect actual &&
	test_must_fail test -e S/commits/0
'

test_expect_success 'passwords: never in the DSN; PGPASSWORD and a passfile work' '
	pq "CREATE ROLE secret LOGIN PASSWORD ${SQ}s3cr3t${SQ}; GRANT ALL ON SCHEMA public TO secret" &&
	echo "{\"a\":1}" >one &&
	test_expect_code 1 st-sink --format postgres --dsn "user=secret password=s3cr3t" <one 2>err &&
	echo "st-sink: the connection string must not hold a password (others can read a command line): use a passfile, PGPASSFILE or PGPASSWORD" >expect &&
	test_cmp expect err &&
	test_expect_code 1 st-sink --format postgres --dsn "postgresql://secret:s3cr3t@/postgres" <one 2>err &&
	test_cmp expect err &&
	test_expect_code 1 st-sink --format postgres --dsn "user=secret" --table pw <one 2>err &&
	grep -q "cannot connect to ${SQ}user=secret${SQ}: .*password" err &&
	PGPASSWORD=s3cr3t st-sink --format postgres --dsn "user=secret" --table pw <one &&
	echo "*:*:*:secret:s3cr3t" >pass && chmod 600 pass &&
	PGPASSFILE=$PWD/pass st-sink --format postgres --dsn "user=secret" --table pw <one &&
	st-sink --format postgres --dsn "user=secret passfile=$PWD/pass" --table pw <one &&
	pq "SELECT count(*) FROM pw" >actual && echo 3 >expect && test_cmp expect actual
'

test_expect_success 'usage errors (exit 2)' '
	test_expect_code 2 st-sink --format postgres 2>err &&
	echo "st-sink: --format postgres needs --dsn DSN" >expect &&
	head -n 1 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-sink --dsn "" 2>err &&
	echo "st-sink: --dsn needs --format postgres" >expect &&
	head -n 1 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-sink --format postgres --dsn "" --table _st_batches 2>/dev/null
'

test_expect_success 'st-read | st-sink: a CSV directory into a table, exactly the input' '
	mkdir in &&
	printf "a,b\n1,x\n2,y\n" >in/1.csv && touch -d "2020-01-01" in/1.csv &&
	printf "a,b\n3,z\n" >in/2.csv &&
	st-read -f csv --header --schema "a INT, b STRING" --checkpoint R \
		--trigger available-now --max-files-per-trigger 1 in |
		sink --checkpoint R --table read &&
	pq "SELECT a, b FROM read ORDER BY a" >actual &&
	printf "1|x\n2|y\n3|z\n" >expect && test_cmp expect actual &&
	pq "SELECT string_agg(batch_id::text, ${SQ},${SQ} ORDER BY batch_id) FROM _st_batches WHERE table_name = ${SQ}read${SQ}" >actual &&
	echo "0,1,2" >expect && test_cmp expect actual
'

test_done
