#!/bin/sh
# examples/socket-wordcount.sh - the lecture's socket word count:
# lines from a socket, split into words, counted in complete mode and shown
# batch by batch as Spark's console sink shows them.
#
#   sh examples/socket-wordcount.sh              a built-in server sends the
#                                                lecture's lines, one a batch
#   sh examples/socket-wordcount.sh HOST PORT    read your own server: run
#                                                `nc -lk 9999` elsewhere and
#                                                type lines into it
#
# The Spark original:
#
#   lines_df = spark.readStream.format("socket") \
#       .option("host", "localhost").option("port", "9999").load()
#   words_df = lines_df.select(expr("explode(split(value,' ')) as word"))
#   counts_df = words_df.groupBy("word").count()
#   counts_df.writeStream.format("console").outputMode("complete").start()
#
# The tools are taken from $ST_BIN when set (the tests), else built here.
set -e
cd "$(dirname "$0")/.."
root=$(pwd)
if [ -z "${ST_BIN:-}" ]; then
	sh scripts/deps.sh
	make -j2 all >/dev/null
	ST_BIN=$root/bin
fi
PATH=$ST_BIN:$PATH

wordcount() {	# HOST PORT
	st-read --format socket --host "$1" --port "$2" |
	st-select "explode(split(value, ' ')) AS word" |
	st-window --by word --agg 'count(*) AS count' --mode complete |
	st-sink --format console
}

if [ $# -eq 2 ]; then
	wordcount "$1" "$2"
	exit
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/st-wordcount.XXXXXX")
srv=
trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
: >"$work/out"

# batches N: waits until the console has shown N batches.
batches() {
	while [ "$(grep -c '^Batch: ' "$work/out" || true)" -lt "$1" ]; do
		sleep 0.05
	done
}

# The lecture's messages, each once the previous one's batch is shown; then
# the server closes the connection, which ends the stream.
feed() {
	n=0
	for line in "Hello Spark Streaming" "Hello Spark"; do
		printf '%s\n' "$line"
		n=$((n + 1))
		batches $n
	done
}

# The built-in server, in place of `nc -lk 9999`: a free port on 127.0.0.1.
feed | perl tests/linesrv.pl "$work/port" &
srv=$!
while [ ! -s "$work/port" ]; do sleep 0.05; done
wordcount 127.0.0.1 "$(cat "$work/port")" | tee "$work/out"
