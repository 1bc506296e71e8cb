#!/bin/sh
test_description='st-sink --format sqlite: schema, append, update upserts, complete, replays, errors'
. "$(dirname "$0")/lib.sh"

# q DB SQL: the rows of a query, "|" between columns.
q() { sqlite3 "$1" "$2"; }
# A single quote, for SQL string literals inside the test bodies.
SQ="'"
# The inputs this test shares with t0370 (PostgreSQL) are in
# tests/data/sql (see its README).

test_expect_success 'setup: an append stream of two batches, a new column in the second' '
	cp "$SRCDIR/tests/data/sql/stream.ndjson" stream
'

test_expect_success 'plain NDJSON (no control lines): one append batch into st_output' '
	printf "%s\n" "{\"a\":1}" "{\"a\":2,\"b\":\"x\"}" |
		st-sink --format sqlite --path plain.db &&
	q plain.db "SELECT a, b FROM st_output ORDER BY a" >actual &&
	printf "1|\n2|x\n" >expect && test_cmp expect actual &&
	q plain.db "SELECT count(*) FROM _st_batches" >actual &&
	echo 0 >expect && test_cmp expect actual
'

test_expect_success 'the table: columns in first-seen order, types from JSON types' '
	st-sink --checkpoint C --format sqlite --path db.sqlite --table T <stream &&
	q db.sqlite "SELECT name, type FROM pragma_table_info(${SQ}T${SQ})" >actual &&
	cat >expect <<-\EOT &&
	word|TEXT
	n|INTEGER
	x|REAL
	ok|INTEGER
	no|
	tags|TEXT
	o|TEXT
	extra|TEXT
	EOT
	test_cmp expect actual
'

test_expect_success 'values: numbers, booleans 1/0, null, strings unescaped, compact JSON text' '
	q db.sqlite "SELECT word, n, typeof(n), x, typeof(x), ok, quote(no),
		tags, o, quote(extra) FROM T ORDER BY n" >actual &&
	cat >expect <<-\EOT &&
	cat|1|integer|1.5|real|1|NULL|["a","b"]|{"k":1}|NULL
	d"ogé|2|integer|2.0|real|0|3|[]||NULL
	eel|3|integer||null||NULL|||'"'"'new'"'"'
	EOT
	test_cmp expect actual
'

test_expect_success 'append: commits written, each batch recorded under the query id' '
	ls C/commits >actual && printf "0\n1\n" >expect && test_cmp expect actual &&
	qid=$(head -n 1 C/metadata | jq -r .id) &&
	q db.sqlite "SELECT table_name, query_id, batch_id, batch_ts FROM _st_batches ORDER BY batch_id" >actual &&
	printf "T|%s|0|1549360800000\nT|%s|1|1549360860000\n" "$qid" "$qid" >expect &&
	test_cmp expect actual &&
	head -n 1 C/sink | jq -c . >actual &&
	echo "{\"format\":\"sqlite\",\"path\":\"db.sqlite\",\"table\":\"T\"}" >expect &&
	test_cmp expect actual &&
	head -n 1 C/progress/0 | jq -c "[.batchId, [.progress[].name], .progress[-1].sink.description]" >actual &&
	echo "[0,[\"st-read\",\"st-sink\"],\"SQLiteSink[db.sqlite:T]\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'WAL journal' '
	q db.sqlite "PRAGMA journal_mode" >actual && echo wal >expect && test_cmp expect actual
'

test_expect_success 'a committed batch is skipped on replay' '
	st-sink --checkpoint C --format sqlite --path db.sqlite --table T <stream &&
	q db.sqlite "SELECT count(*) FROM T" >actual && echo 3 >expect && test_cmp expect actual
'

test_expect_success 'a batch in _st_batches but not in commits/ is skipped, then committed' '
	rm C/commits/1 C/progress/1 &&
	st-sink --checkpoint C --format sqlite --path db.sqlite --table T <stream &&
	q db.sqlite "SELECT count(*) FROM T" >actual && echo 3 >expect && test_cmp expect actual &&
	head -n 1 C/commits/1 | jq -c . >actual && echo "{\"batch\":1,\"ts\":1549360860000}" >expect &&
	test_cmp expect actual &&
	test -f C/progress/1
'

test_expect_success 'a batch recorded by hand in _st_batches is skipped, the others written' '
	st-sink --checkpoint D --format sqlite --path hand.db </dev/null &&
	qid=$(head -n 1 D/metadata | jq -r .id) &&
	q hand.db "INSERT INTO _st_batches VALUES (${SQ}st_output${SQ}, ${SQ}$qid${SQ}, 1, 0)" &&
	st-sink --checkpoint D --format sqlite --path hand.db <stream &&
	q hand.db "SELECT word FROM st_output ORDER BY n" >actual &&
	printf "cat\nd\"og\303\251\n" >expect && test_cmp expect actual &&
	ls D/commits >actual && printf "0\n1\n" >expect && test_cmp expect actual
'

test_expect_success 'the batches of another query (a new checkpoint) are not skipped' '
	st-sink --checkpoint C2 --format sqlite --path db.sqlite --table T <stream &&
	q db.sqlite "SELECT count(*) FROM T" >actual && echo 6 >expect && test_cmp expect actual &&
	q db.sqlite "SELECT count(DISTINCT query_id) FROM _st_batches" >actual &&
	echo 2 >expect && test_cmp expect actual
'

test_expect_success 'input ending inside a batch: exit 1, its rows rolled back, written once on replay' '
	head -n 6 stream | test_expect_code 1 st-sink --checkpoint E --format sqlite --path cut.db 2>err &&
	echo "st-sink: input ended inside batch 1 (did an upstream tool die?); nothing of it was committed" >expect &&
	test_cmp expect err &&
	q cut.db "SELECT word FROM st_output ORDER BY n" >actual &&
	printf "cat\nd\"og\303\251\n" >expect && test_cmp expect actual &&
	ls E/commits >actual && echo 0 >expect && test_cmp expect actual &&
	st-sink --checkpoint E --format sqlite --path cut.db <stream &&
	q cut.db "SELECT word FROM st_output ORDER BY n" >actual &&
	printf "cat\nd\"og\303\251\neel\n" >expect && test_cmp expect actual
'

test_expect_success 'new columns: added with ALTER TABLE, earlier rows null; names match regardless of case' '
	printf "%s\n" "{\"a\":1}" | st-sink --format sqlite --path cols.db &&
	printf "%s\n" "{\"A\":2,\"b\":true}" "{\"c\":[1]}" | st-sink --format sqlite --path cols.db &&
	q cols.db "SELECT quote(a), quote(b), quote(c) FROM st_output ORDER BY rowid" >actual &&
	printf "%s\n" "1|NULL|NULL" "2|1|NULL" "NULL|NULL|'"'"'[1]'"'"'" >expect &&
	test_cmp expect actual &&
	q cols.db "SELECT name, type FROM pragma_table_info(${SQ}st_output${SQ})" >actual &&
	printf "a|INTEGER\nb|INTEGER\nc|TEXT\n" >expect && test_cmp expect actual
'

test_expect_success 'setup: events in three batches, as st-read emits them' '
	cp "$SRCDIR/tests/data/sql/events.ndjson" events
'

test_expect_success 'update: st-window rows upserted by window and key, windows flattened' '
	st-watermark -t t -d 10m <events |
		st-window -t t -s 5m -b User -a "count(*) AS n, sum(v) AS s" -m update |
		st-sink --checkpoint U --format sqlite --path up.db --table counts &&
	q up.db "SELECT * FROM counts ORDER BY window_start, User" >actual &&
	cat >expect <<-\EOT &&
	2019-02-05T10:00:00Z|2019-02-05T10:05:00Z|a|2|5
	2019-02-05T10:00:00Z|2019-02-05T10:05:00Z|b|1|2
	2019-02-05T10:05:00Z|2019-02-05T10:10:00Z|a|1|3
	2019-02-05T10:10:00Z|2019-02-05T10:15:00Z|b|2|11
	EOT
	test_cmp expect actual &&
	q up.db "SELECT name FROM pragma_table_info(${SQ}counts${SQ})" >actual &&
	printf "window_start\nwindow_end\nUser\nn\ns\n" >expect && test_cmp expect actual &&
	q up.db "SELECT name FROM sqlite_master WHERE type = ${SQ}index${SQ} AND tbl_name = ${SQ}counts${SQ}" >actual &&
	echo "st_key:counts(window_start,window_end,User)" >expect && test_cmp expect actual
'

test_expect_success 'update: the table equals the last row per key of the json sink' '
	st-watermark -t t -d 10m <events |
		st-window -t t -s 5m -b User -a "count(*) AS n, sum(v) AS s" -m update |
		st-sink --format json --path upj &&
	cat upj/part-*.json | jq -sc "group_by([.window, .User]) | map(last) | .[]
		| [.window.start, .window.end, .User, .n, .s] | join(\"|\")" -r >expect &&
	q up.db "SELECT * FROM counts ORDER BY window_start, User" >actual &&
	test_cmp expect actual
'

test_expect_success 'update: hand-written control lines, a key that is not a window, all columns keys' '
	cat >upd <<-\EOT &&
	{"@st":"begin","batch":0,"ts":1,"mode":"update","keys":["k"]}
	{"k":"a","v":1}
	{"k":"b","v":2}
	{"@st":"end","batch":0,"progress":[]}
	{"@st":"begin","batch":1,"ts":2,"mode":"update","keys":["k"]}
	{"k":"a","v":10,"w":"new"}
	{"@st":"end","batch":1,"progress":[]}
	{"@st":"begin","batch":2,"ts":3,"mode":"update","keys":["k","v"]}
	{"k":"a","v":10,"w":"new"}
	{"@st":"end","batch":2,"progress":[]}
	{"@st":"eos"}
	EOT
	st-sink --format sqlite --path upd.db <upd &&
	q upd.db "SELECT * FROM st_output ORDER BY k" >actual &&
	printf "a|10|new\nb|2|\n" >expect && test_cmp expect actual &&
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":3,\"ts\":4,\"mode\":\"update\",\"keys\":[\"k\",\"v\",\"w\"]}" \
		"{\"k\":\"a\",\"v\":10,\"w\":\"new\"}" "{\"@st\":\"end\",\"batch\":3,\"progress\":[]}" "{\"@st\":\"eos\"}" |
		st-sink --format sqlite --path upd.db &&
	q upd.db "SELECT count(*) FROM st_output" >actual && echo 2 >expect && test_cmp expect actual
'

test_expect_success 'update: a replay after a lost commit upserts nothing twice' '
	rm U/commits/2 &&
	q up.db "DELETE FROM _st_batches WHERE batch_id = 2" &&
	st-watermark -t t -d 10m <events |
		st-window -t t -s 5m -b User -a "count(*) AS n, sum(v) AS s" -m update |
		st-sink --checkpoint U --format sqlite --path up.db --table counts &&
	q up.db "SELECT count(*), sum(n), sum(s) FROM counts" >actual &&
	echo "4|6|21" >expect && test_cmp expect actual
'

test_expect_success 'complete: each batch replaces the table, in one transaction' '
	cp "$SRCDIR/tests/data/sql/complete.ndjson" comp &&
	st-sink --checkpoint P --format sqlite --path comp.db <comp &&
	q comp.db "SELECT * FROM st_output ORDER BY k" >actual &&
	printf "a|2\nb|1\nc|1\n" >expect && test_cmp expect actual &&
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":2,\"ts\":3,\"mode\":\"complete\",\"keys\":[\"k\"]}" \
		"{\"@st\":\"end\",\"batch\":2,\"progress\":[]}" "{\"@st\":\"eos\"}" >empty &&
	st-sink --checkpoint P --format sqlite --path comp.db <empty &&
	q comp.db "SELECT count(*) FROM st_output" >actual && echo 0 >expect && test_cmp expect actual
'

test_expect_success 'complete: st-window over the events, the table is the last result' '
	st-watermark -t t -d 10m <events |
		st-window -t t -s 5m -b User -a "count(*) AS n" -m complete |
		st-sink --format sqlite --path full.db &&
	q full.db "SELECT * FROM st_output ORDER BY window_start, User" >actual &&
	cat >expect <<-\EOT &&
	2019-02-05T10:00:00Z|2019-02-05T10:05:00Z|a|2
	2019-02-05T10:00:00Z|2019-02-05T10:05:00Z|b|1
	2019-02-05T10:05:00Z|2019-02-05T10:10:00Z|a|1
	2019-02-05T10:10:00Z|2019-02-05T10:15:00Z|b|2
	EOT
	test_cmp expect actual
'

test_expect_success 'usage errors (exit 2)' '
	test_expect_code 2 st-sink --format sqlite 2>err &&
	echo "st-sink: --format sqlite needs --path FILE" >expect &&
	head -n 1 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-sink --format json --path o --table t 2>err &&
	echo "st-sink: --table needs --format sqlite or postgres" >expect &&
	head -n 1 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-sink --format sqlite --path x.db --table _st_batches 2>err &&
	echo "st-sink: invalid table name '"'"'_st_batches'"'"' for --table" >expect &&
	head -n 1 err >actual && test_cmp expect actual &&
	test_expect_code 2 st-sink --format sqlite --path x.db --table "" 2>/dev/null &&
	test_must_fail test -e x.db
'

test_expect_success 'cannot open: a directory, a file that is not a database (exit 1)' '
	mkdir adir &&
	test_expect_code 1 st-sink --format sqlite --path adir <stream 2>err &&
	echo "st-sink: cannot open '"'"'adir'"'"': unable to open database file" >expect &&
	test_cmp expect err &&
	echo "not a database, just text, long enough to have a header......................................................" >text.db &&
	test_expect_code 1 st-sink --format sqlite --path text.db <stream 2>err &&
	echo "st-sink: cannot open '"'"'text.db'"'"': file is not a database" >expect &&
	test_cmp expect err &&
	test_expect_code 1 st-sink --format sqlite --path missing/dir/x.db <stream 2>err &&
	echo "st-sink: cannot open '"'"'missing/dir/x.db'"'"': unable to open database file" >expect &&
	test_cmp expect err
'

test_expect_success 'a reserved table name: exit 1, naming table and database' '
	test_expect_code 1 st-sink --format sqlite --path r.db --table sqlite_t <stream 2>err &&
	echo "st-sink: cannot create table '"'"'sqlite_t'"'"' of '"'"'r.db'"'"': object name reserved for internal use: sqlite_t" >expect &&
	test_cmp expect err
'

test_expect_success 'a row the table refuses: exit 1, the batch rolled back, not committed' '
	q strict.db "CREATE TABLE s (word TEXT, n INTEGER) STRICT" &&
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":1}" \
		"{\"word\":\"a\",\"n\":1}" "{\"word\":\"b\",\"n\":\"two\"}" \
		"{\"@st\":\"end\",\"batch\":0,\"progress\":[]}" >bad &&
	test_expect_code 1 st-sink --checkpoint S --format sqlite --path strict.db --table s <bad 2>err &&
	echo "st-sink: cannot write table '"'"'s'"'"' of '"'"'strict.db'"'"': cannot store TEXT value in INTEGER column s.n" >expect &&
	test_cmp expect err &&
	q strict.db "SELECT count(*) FROM s" >actual && echo 0 >expect && test_cmp expect actual &&
	test_must_fail test -e S/commits/0
'

test_expect_success 'a record without fields cannot create a table' '
	echo "{}" | test_expect_code 1 st-sink --format sqlite --path empty.db 2>err &&
	echo "st-sink: cannot create table '"'"'st_output'"'"' of '"'"'empty.db'"'"' from a record without fields" >expect &&
	test_cmp expect err
'

test_expect_success 'st-read | st-sink: a CSV directory into a table, exactly the input' '
	mkdir in &&
	printf "a,b\n1,x\n2,y\n" >in/1.csv && touch -d "2020-01-01" in/1.csv &&
	printf "a,b\n3,z\n" >in/2.csv &&
	st-read -f csv --header --schema "a INT, b STRING" --checkpoint R \
		--trigger available-now --max-files-per-trigger 1 in |
		st-sink --checkpoint R --format sqlite --path read.db &&
	q read.db "SELECT a, b FROM st_output ORDER BY a" >actual &&
	printf "1|x\n2|y\n3|z\n" >expect && test_cmp expect actual &&
	ls R/commits >actual && printf "0\n1\n2\n" >expect && test_cmp expect actual &&
	q read.db "SELECT group_concat(batch_id) FROM _st_batches" >actual &&
	echo "0,1,2" >expect && test_cmp expect actual
'

# Two sinks that opened the database before either created the table (two
# overlapping cron runs): the second must find the first's table, not fail
# with "table already exists".
test_expect_success 'two sinks racing to create the table: both write' '
	{ rm -f race.db f1 f2 && mkfifo f1 f2 || exit 1; } &&
	{ st-sink --format sqlite --path race.db <f1 2>err1 & } && p1=$! &&
	{ st-sink --format sqlite --path race.db <f2 2>err2 & } && p2=$! &&
	exec 3>f1 4>f2 &&
	opened() { ls -l /proc/$1/fd 2>/dev/null | grep -q "race\.db$"; } &&
	wait_for "opened $p1 && opened $p2" 20 &&
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":1}" "{\"a\":1}" "{\"@st\":\"end\",\"batch\":0,\"progress\":[]}" >&3 &&
	wait_for "q race.db \"SELECT count(*) FROM st_output\" 2>/dev/null | grep -qx 1" 20 &&
	printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":1}" "{\"a\":2,\"b\":3}" "{\"@st\":\"end\",\"batch\":0,\"progress\":[]}" >&4 &&
	eos >&3 && eos >&4 && exec 3>&- 4>&- &&
	{ wait $p1; echo $? >rc; wait $p2; echo $? >>rc; } &&
	cat rc err1 err2 >actual && printf "0\n0\n" >expect && test_cmp expect actual &&
	q race.db "SELECT a, b FROM st_output ORDER BY a" >actual &&
	printf "1|\n2|3\n" >expect && test_cmp expect actual
'

test_done
