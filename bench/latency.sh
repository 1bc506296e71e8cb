#!/bin/sh
# bench/latency.sh - latency of the continuous trigger, the path of issue
# 13: st-read -> st-filter -> st-select -> st-watermark -> st-sink at
# LAT_RATE events/s, for `st-read --trigger continuous -` and for
# `st-read --trigger continuous --format socket` (fed by tests/linesrv.pl,
# in place of `nc -lk`). Prints one line per run:
#
#   stdin   samples N p50_us X p90_us X p99_us X max_us X
#   socket  samples N ...
#
# bench/run.sh calls it (and puts the lines in bench/results.md); alone:
#
#   sh bench/latency.sh [GEN LATENCY]    (GEN, LATENCY: built ysb-gen and
#                                         latency; built into $TMPDIR if not)
#
# Environment: BENCH_LAT_RATE (10000), BENCH_LAT_SECONDS (5), ST_BIN.
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
PATH=${ST_BIN:-$ROOT/bin}:$PATH
RATE=${BENCH_LAT_RATE:-10000}
SECS=${BENCH_LAT_SECONDS:-5}
W=$(mktemp -d "${TMPDIR:-/tmp}/st-lat.XXXXXX") || exit 1
srv=
trap 'kill $srv 2>/dev/null; rm -rf "$W"' EXIT
if [ $# -eq 2 ]; then
	GEN=$1 LAT=$2
else
	GEN=$W/ysb-gen LAT=$W/latency
	${CC:-cc} -O2 -o "$GEN" bench/ysb-gen.c && ${CC:-cc} -O2 -o "$LAT" bench/latency.c || exit 1
fi
n=$((RATE * SECS))
skip=$((n / 10))

# The stdin path: the records as ysb-gen writes them.
stdin_cmd="st-read --trigger continuous - | st-filter \"event_type <> 'none'\" | st-select 'ad_id, event_type, CAST(event_time AS BIGINT) AS event_time, created_us' | st-watermark -t event_time --time-unit ms -d '10 seconds' | st-sink"
# The socket path: each line is {"value":"<event>"}, as Spark's socket
# source gives it; the watermark reads the event time from the text.
socket_cmd="st-read --trigger continuous --format socket --host 127.0.0.1 --port PORT | st-filter \"value LIKE '%event_type%'\" | st-select value | st-watermark -t \"CAST(from_json(value, 'event_time BIGINT').event_time AS BIGINT)\" --time-unit ms -d '10 seconds' | st-sink"

r=$(sh -c "'$GEN' --pace $RATE --events $n --seed 2 | $stdin_cmd | '$LAT' --skip $skip" 2>"$W/err")
echo "stdin   ${r:-failed: $(head -n 1 "$W/err")}"

"$GEN" --pace $RATE --events $n --seed 2 | perl tests/linesrv.pl "$W/port" &
srv=$!
while [ ! -s "$W/port" ]; do sleep 0.02; done
cmd=$(printf '%s' "$socket_cmd" | sed "s/PORT/$(cat "$W/port")/")
r=$(sh -c "$cmd | '$LAT' --skip $skip" 2>"$W/err")
echo "socket  ${r:-failed: $(head -n 1 "$W/err")}"
echo "stdin_cmd   $stdin_cmd"
echo "socket_cmd  $socket_cmd"
