#!/bin/sh
test_description='st-read --format socket: a TCP client of a line server (nc -lk), not replayable'
. "$(dirname "$0")/lib.sh"

srv=
cleanup() {
	[ -z "$srv" ] || kill -9 $srv 2>/dev/null
	return 0
}
trap cleanup EXIT INT TERM

data() { grep -v '^{"@st"' "$@" || true; }

# serve FILE [HOLD]: a line server on a free port of 127.0.0.1 sending
# FILE (kept open until HOLD exists); sets $port and $srv.
serve() {
	rm -f port
	if [ $# -gt 1 ]; then
		perl "$SRCDIR/tests/linesrv.pl" --hold "$2" port <"$1" &
	else
		perl "$SRCDIR/tests/linesrv.pl" port <"$1" &
	fi
	srv=$!
	wait_for 'test -s port' 10 && port=$(cat port)
}

test_expect_success 'each line is a record {"value": line}; the end of the connection ends the stream' '
	printf "%s\n" "Hello Spark Streaming" "Hello Spark" "a \"quoted\" \\ line" >lines &&
	serve lines &&
	st-read --format socket --host 127.0.0.1 --port "$port" >out &&
	wait $srv; srv= &&
	data out >actual &&
	cat >expect <<-\EOT &&
	{"value":"Hello Spark Streaming"}
	{"value":"Hello Spark"}
	{"value":"a \"quoted\" \\ line"}
	EOT
	test_cmp expect actual &&
	jq -c "select(.[\"@st\"] == \"end\") | .progress[0].sources[0] | select(.numInputRows > 0) | .description" out | head -n 1 >actual &&
	echo "\"TextSocketSource[host: 127.0.0.1, port: $port]\"" >expect &&
	test_cmp expect actual
'

test_expect_success 'the seed word count through the socket source' '
	printf "%s\n" "Hello Spark Streaming" "Hello Spark" >lines &&
	serve lines &&
	st-read --format socket --host 127.0.0.1 --port "$port" |
	st-select "explode(split(value, \" \")) as word" |
	st-window -b word -a "count(*) AS count" -m complete | st-sink | tail -n 3 >actual &&
	wait $srv; srv= &&
	cat >expect <<-\EOT &&
	{"word":"Hello","count":2}
	{"word":"Spark","count":2}
	{"word":"Streaming","count":1}
	EOT
	test_cmp expect actual
'

test_expect_success 'a refused connection is an error naming host and port' '
	printf "x\n" >lines && serve lines && p=$port &&
	st-read --format socket --host 127.0.0.1 --port "$p" >/dev/null && wait $srv; srv= &&
	test_expect_code 1 st-read --format socket --host 127.0.0.1 --port "$p" 2>err &&
	echo "st-read: cannot connect to 127.0.0.1:$p: Connection refused" >expect &&
	test_cmp expect err
'

test_expect_success 'the checkpoint logs the lines of each batch; a restart says which were lost' '
	st-sink --checkpoint C --format json --path sinkout </dev/null &&
	printf "%s\n" one two >lines && serve lines &&
	st-read --checkpoint C --format socket --host 127.0.0.1 --port "$port" >out &&
	wait $srv; srv= &&
	head -n 1 C/offsets/0 | jq -c .sources.default >actual &&
	echo "{\"lines\":[1,2]}" >expect && test_cmp expect actual &&
	printf "%s\n" three >lines && serve lines &&
	st-read --checkpoint C --format socket --host 127.0.0.1 --port "$port" >out 2>err &&
	wait $srv; srv= &&
	grep "batch 0:" err >actual &&
	echo "st-read: batch 0: the input of source '\''default'\'' cannot be read again (TextSocketSource[host: 127.0.0.1, port: $port] is not replayable): {\"lines\":[1,2]} is lost" >expect &&
	test_cmp expect actual &&
	data out >actual && echo "{\"value\":\"three\"}" >expect && test_cmp expect actual
'

test_expect_success 'continuous: a line is out before its epoch ends, while the connection stays open' '
	printf "%s\n" first >lines && serve lines release &&
	{ st-read --trigger continuous=60s --format socket --host 127.0.0.1 --port "$port" |
	  st-filter "value IS NOT NULL" | st-select value | st-sink >out & } &&
	reader=$! &&
	wait_for "grep -q first out" 10 &&
	data out >actual && echo "{\"value\":\"first\"}" >expect && test_cmp expect actual &&
	touch release && wait $reader && wait $srv; srv=
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-read --format socket --host 127.0.0.1 2>err &&
	grep -q "needs --host and --port" err &&
	test_expect_code 2 st-read --format socket --host h --port 99999 2>err &&
	grep -q "invalid port" err &&
	test_expect_code 2 st-read --host h --port 1 in 2>err &&
	grep -q "are for --format socket" err &&
	test_expect_code 2 st-read --format socket --host h --port 1 -s "a INT" 2>err &&
	grep -q "fixed schema" err
'

test_done
