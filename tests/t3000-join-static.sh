#!/bin/sh
test_description='st-join: stream-static joins (enrichment)'
. "$(dirname "$0")/lib.sh"

D=$SRCDIR/tests/data/join

test_expect_success 'inner join of logins with a CSV users table (the seed)' '
	st-join --static "$D/users.csv" --on login_id <"$D/logins.json" >actual &&
	cat >expect <<-\EOT &&
	{"created_time":"2020-09-09 10:18:00","login_id":"100001","user_name":"Prashant","last_login":"2019-02-05 10:05:00"}
	{"created_time":"2020-09-09 10:20:00","login_id":"100009","user_name":"Alisha","last_login":"2019-03-07 11:03:00"}
	EOT
	test_cmp expect actual
'

test_expect_success 'a clashing right column goes by the prefix; --right-prefix changes it' '
	printf "%s\n" "{\"login_id\":\"100001\",\"user_name\":\"x\"}" >in &&
	st-join --static "$D/users.csv" --on login_id <in >actual &&
	echo "{\"login_id\":\"100001\",\"user_name\":\"x\",\"right_user_name\":\"Prashant\",\"last_login\":\"2019-02-05 10:05:00\"}" >expect &&
	test_cmp expect actual &&
	st-join --static "$D/users.csv" --on login_id --right-prefix users. <in >actual &&
	echo "{\"login_id\":\"100001\",\"user_name\":\"x\",\"users.user_name\":\"Prashant\",\"last_login\":\"2019-02-05 10:05:00\"}" >expect &&
	test_cmp expect actual
'

test_expect_success '--drop-left and --drop-right drop columns, as drop(left.col)' '
	printf "%s\n" "{\"login_id\":\"100001\",\"user_name\":\"x\"}" >in &&
	st-join --static "$D/users.csv" --on login_id --drop-left user_name \
		--drop-right last_login <in >actual &&
	echo "{\"login_id\":\"100001\",\"user_name\":\"Prashant\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'left join: no match gives the static columns as null' '
	st-join --static "$D/users.csv" --on login_id --type left <"$D/logins.json" >actual &&
	cat >expect <<-\EOT &&
	{"created_time":"2020-09-09 10:18:00","login_id":"100001","user_name":"Prashant","last_login":"2019-02-05 10:05:00"}
	{"created_time":"2020-09-09 10:20:00","login_id":"100009","user_name":"Alisha","last_login":"2019-03-07 11:03:00"}
	{"created_time":"2020-09-09 10:21:00","login_id":"100042","user_name":null,"last_login":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'left_semi and left_anti pass the stream rows unchanged' '
	st-join --static "$D/users.csv" --on login_id --type left_semi <"$D/logins.json" >actual &&
	head -n 2 "$D/logins.json" >expect &&
	test_cmp expect actual &&
	st-join --static "$D/users.csv" --on login_id --type left_anti <"$D/logins.json" >actual &&
	tail -n 1 "$D/logins.json" >expect &&
	test_cmp expect actual
'

test_expect_success 'a numeric stream key joins a CSV string key (cast as Spark does)' '
	printf "%s\n" "{\"login_id\":100087}" "{\"login_id\":100087.0}" "{\"login_id\":null}" "{\"x\":1}" >in &&
	st-join --static "$D/users.csv" --on login_id <in >actual &&
	cat >expect <<-\EOT &&
	{"login_id":100087,"user_name":"Abdul","last_login":"2019-06-12 09:43:00"}
	{"login_id":100087.0,"user_name":"Abdul","last_login":"2019-06-12 09:43:00"}
	EOT
	test_cmp expect actual
'

test_expect_success 'duplicate static keys: one output row per match, in file order' '
	printf "k,v\n1,a\n2,b\n1,c\n" >dup.csv &&
	echo "{\"k\":\"1\"}" | st-join --static dup.csv --on k >actual &&
	printf "%s\n" "{\"k\":\"1\",\"v\":\"a\"}" "{\"k\":\"1\",\"v\":\"c\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'several keys; an empty CSV field is null and never matches' '
	printf "a,b,v\n1,x,one\n1,,none\n" >multi.csv &&
	printf "%s\n" "{\"a\":\"1\",\"b\":\"x\"}" "{\"a\":\"1\",\"b\":null}" >in &&
	st-join --static multi.csv --on "a, b" --type left <in >actual &&
	printf "%s\n" "{\"a\":\"1\",\"b\":\"x\",\"v\":\"one\"}" "{\"a\":\"1\",\"b\":null,\"v\":null}" >expect &&
	test_cmp expect actual
'

test_expect_success 'JSON lines static table' '
	printf "%s\n" "{\"login_id\":\"100001\",\"user_name\":\"Prashant\"}" "" "{\"login_id\":\"100009\",\"user_name\":\"Alisha\"}" >users.jsonl &&
	st-join --static users.jsonl --on login_id <"$D/logins.json" >actual &&
	cat >expect <<-\EOT &&
	{"created_time":"2020-09-09 10:18:00","login_id":"100001","user_name":"Prashant"}
	{"created_time":"2020-09-09 10:20:00","login_id":"100009","user_name":"Alisha"}
	EOT
	test_cmp expect actual
'

test_expect_success 'SQLite table (--static db.sqlite:users)' '
	sqlite3 users.sqlite "CREATE TABLE users(login_id INTEGER, user_name TEXT, score REAL, note TEXT);
		INSERT INTO users VALUES(100001, '\''Prashant'\'', 1.5, NULL);
		INSERT INTO users VALUES(100009, '\''Alisha'\'', 2, '\''x'\'');" &&
	st-join --static users.sqlite:users --on login_id --type left <"$D/logins.json" >actual &&
	cat >expect <<-\EOT &&
	{"created_time":"2020-09-09 10:18:00","login_id":"100001","user_name":"Prashant","score":1.5,"note":null}
	{"created_time":"2020-09-09 10:20:00","login_id":"100009","user_name":"Alisha","score":2.0,"note":"x"}
	{"created_time":"2020-09-09 10:21:00","login_id":"100042","user_name":null,"score":null,"note":null}
	EOT
	test_cmp expect actual
'

test_expect_success '--static-schema types the static rows' '
	echo "{\"login_id\":100001}" |
	st-join --static "$D/users.csv" --on login_id \
		--static-schema "login_id BIGINT, user_name STRING, last_login TIMESTAMP" >actual &&
	echo "{\"login_id\":100001,\"user_name\":\"Prashant\",\"last_login\":\"2019-02-05T10:05:00Z\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'batches: control lines pass through, progress names the static version' '
	{
		echo "{\"@st\":\"begin\",\"batch\":0,\"ts\":1599645600000}" &&
		head -n 1 "$D/logins.json" &&
		echo "{\"@st\":\"end\",\"batch\":0}"
		eos
	} >in &&
	st-join --static "$D/users.csv" --on login_id <in >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"ts":1599645600000}
	{"created_time":"2020-09-09 10:18:00","login_id":"100001","user_name":"Prashant","last_login":"2019-02-05 10:05:00"}
	{"@st":"end","batch":0,"progress":[{"name":"st-join","numInputRows":1,"numOutputRows":1,"staticRows":3,"staticVersion":1}]}
	{"@st":"eos"}
	EOT
	test_cmp expect actual
'

test_expect_success 'rows are written alike with or without blanks, escaped or repeated keys' '
	cat >in <<-\EOT &&
	{"login_id":"100001","a":1}
	{ "login_id" : "100001" , "a" : [1, 2] }
	{"login_id":"100001","\u0061":1,"a":2}
	{"l\u006fgin_id":"100001"}
	{"login_id":"100009","last_login":"x"}
	EOT
	st-join --static "$D/users.csv" --on login_id <in >actual &&
	cat >expect <<-\EOT &&
	{"login_id":"100001","a":1,"user_name":"Prashant","last_login":"2019-02-05 10:05:00"}
	{"login_id":"100001","a":[1, 2],"user_name":"Prashant","last_login":"2019-02-05 10:05:00"}
	{"login_id":"100001","\u0061":1,"a":2,"user_name":"Prashant","last_login":"2019-02-05 10:05:00"}
	{"l\u006fgin_id":"100001","user_name":"Prashant","last_login":"2019-02-05 10:05:00"}
	{"login_id":"100009","last_login":"x","user_name":"Alisha","right_last_login":"2019-03-07 11:03:00"}
	EOT
	test_cmp expect actual
'

test_expect_success 'a JSON static table with blanks and a schema, and --malformed permissive' '
	printf "%s\n" "{ \"k\" : 1 , \"v\" : \"one\" }" "{\"k\":\"2\",\"v\":\"two\"}" >t.json &&
	printf "%s\n" "{\"k\":1}" "{\"k\":2}" "not json" >in &&
	st-join --static t.json --static-schema "k BIGINT, v STRING" --on k \
		--type left --malformed permissive <in >actual &&
	cat >expect <<-\EOT &&
	{"k":1,"v":"one"}
	{"k":2,"v":"two"}
	{"_corrupt_record":"not json","v":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'a missing static file is a runtime error (exit 1)' '
	test_expect_code 1 st-join --static nosuch.csv --on login_id </dev/null 2>err &&
	echo "st-join: cannot open '\''nosuch.csv'\'': No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'a CSV row with too many fields is a runtime error' '
	printf "a,b\n1,2,3\n" >bad.csv &&
	test_expect_code 1 st-join --static bad.csv --on a </dev/null 2>err &&
	echo "st-join: bad.csv:2: malformed record: 3 fields, the header has 2 (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err
'

test_expect_success 'a short CSV row: an error naming file:line by default; dropped or kept as the policy says' '
	printf "a,b\n1,x\n\"2\nz\",y\n3\n4,w\n" >short.csv &&
	test_expect_code 1 st-join --static short.csv --on a </dev/null 2>err &&
	echo "st-join: short.csv:5: malformed record: 1 field, the header has 2 (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err &&
	printf "%s\n" "{\"a\":\"3\"}" "{\"a\":\"4\"}" >in &&
	st-join --static short.csv --on a --malformed dropmalformed <in >out 2>err &&
	echo "{\"a\":\"4\",\"b\":\"w\"}" >expect && test_cmp expect out &&
	echo "st-join: short.csv: dropped 1 malformed row" >expect && test_cmp expect err &&
	st-join --static short.csv --on a --malformed permissive <in >out &&
	printf "%s\n" "{\"a\":\"3\",\"b\":null}" "{\"a\":\"4\",\"b\":\"w\"}" >expect && test_cmp expect out
'

test_expect_success 'an unclosed quote in a CSV static table is an error naming the line' '
	printf "a,b\n1,x\n2,\"open\n3,y\n" >quote.csv &&
	test_expect_code 1 st-join --static quote.csv --on a </dev/null 2>err &&
	echo "st-join: quote.csv:3: malformed record: a quoted field is not closed (use --malformed dropmalformed or permissive to go on)" >expect &&
	test_cmp expect err
'

# Spark's CSVUtils.makeSafeHeader (case-insensitive analysis, the default).
test_expect_success 'duplicate and empty header names are made unique as Spark does' '
	printf "id,name,,Name,x\n1,a,b,c,d\n" >dup.csv &&
	echo "{\"id\":\"1\"}" | st-join --static dup.csv --on id >out &&
	echo "{\"id\":\"1\",\"name1\":\"a\",\"_c2\":\"b\",\"Name3\":\"c\",\"x\":\"d\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'usage errors exit 2 with a message' '
	test_expect_code 2 st-join --static x.csv </dev/null 2>err &&
	grep -q "^st-join: --on is required$" err &&
	test_expect_code 2 st-join --static x.csv --on a --type full </dev/null 2>err &&
	grep -q "^st-join: join type '\''full'\'' is not supported between a stream and a static table" err &&
	test_expect_code 2 st-join --static x.csv --on a --type sideways </dev/null 2>err &&
	grep -q "^st-join: invalid join type '\''sideways'\'' for --type" err &&
	test_expect_code 2 st-join --on a </dev/null 2>err &&
	grep -q "^st-join: give --static FILE for a stream-static join, or --left NAME and --right NAME" err &&
	test_expect_code 2 st-join --static db.sqlite --on a </dev/null 2>err &&
	grep -q "^st-join: invalid --static '\''db.sqlite'\'': a SQLite table is given as FILE:TABLE" err
'

test_done
