#!/bin/sh
# bench/kafka.sh - Kafka throughput on librdkafka's mock broker
# (tests/kafka-mock.c), st beside kcat on the same topics in the same run:
#
#   consume   kcat -C ... >/dev/null   vs   st-read -f kafka ... >/dev/null
#   pipeline  kcat -C | grep view | kcat -P   vs
#             st-read -f kafka | st-filter "event_type = 'view'" | st-sink -f kafka
#
# Prints one line per measurement (events/s of input, best of BENCH_REPEAT):
#
#   kcat_consume EPS
#   kcat100_consume EPS  kcat with st-read's fetch.wait.max.ms (100 ms; kcat's
#                        own is 500, which its -e waits out for the last EOF)
#   st_consume EPS
#   kcat_pipeline EPS
#   st_pipeline EPS
#   events N
#
# bench/run.sh calls it and puts the lines in bench/results.md; alone:
#
#   sh bench/kafka.sh [GEN]     (GEN: a built ysb-gen; built if not given)
#
# Environment: BENCH_KAFKA_EVENTS (default 200000: the mock keeps a few MB
# per partition, so the topic has 48 partitions), BENCH_REPEAT (3), ST_BIN.
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
PATH=${ST_BIN:-$ROOT/bin}:$PATH
N=${BENCH_KAFKA_EVENTS:-200000}
REPEAT=${BENCH_REPEAT:-3}
W=$(mktemp -d "${TMPDIR:-/tmp}/st-kafka.XXXXXX") || exit 1
mock=
trap 'kill $mock 2>/dev/null; rm -rf "$W"' EXIT
# PIPE too: `sh bench/kafka.sh | head` must not leave the broker running.
trap 'exit 130' INT TERM HUP PIPE
command -v kcat >/dev/null 2>&1 || { echo "kcat not installed" >&2; exit 1; }
if [ $# -ge 1 ]; then
	GEN=$1
else
	GEN=$W/ysb-gen
	${CC:-cc} -O2 -o "$GEN" bench/ysb-gen.c || exit 1
fi
${CC:-cc} -O2 -o "$W/kafka-mock" tests/kafka-mock.c -lrdkafka || exit 1

"$W/kafka-mock" ysb:48 out:4 kout:4 </dev/null >"$W/addr" 2>"$W/mock.err" &
mock=$!
i=0
while [ ! -s "$W/addr" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
B=$(head -n 1 "$W/addr")
[ -n "$B" ] || { echo "the mock broker did not start" >&2; exit 1; }

"$GEN" --events "$N" --seed 5 >"$W/ev.json"
# Spread evenly over the partitions (the mock keeps only so much of each).
awk -v W="$W" '{ print > (W "/part." (NR % 48)) }' "$W/ev.json"
p=0
while [ $p -lt 48 ]; do
	kcat -b "$B" -P -t ysb -p $p -X linger.ms=20 <"$W/part.$p" || exit 1
	p=$((p + 1))
done
got=$(kcat -b "$B" -C -t ysb -e -q -f '%o\n' | wc -l)
[ "$got" -eq "$N" ] || { echo "the topic holds $got of $N events" >&2; exit 1; }

now_ns() { date +%s%N; }
# best CMD: the best rate (events/s of input) of REPEAT runs of CMD.
best() {
	_best=0 _i=0
	while [ $_i -lt "$REPEAT" ]; do
		_i=$((_i + 1))
		_t0=$(now_ns)
		sh -c "$1" >/dev/null 2>>"$W/err" || { echo "failed: $(tail -n 1 "$W/err")"; return; }
		_t1=$(now_ns)
		_r=$(( N * 1000000000 / (_t1 - _t0 + 1) ))
		[ $_r -gt $_best ] && _best=$_r
	done
	echo $_best
}

kc="kcat -b $B -C -t ysb -e -q -f '%s\\n'"
kc100="kcat -b $B -C -t ysb -e -q -f '%s\\n' -X fetch.wait.max.ms=100"
sc="st-read -f kafka --bootstrap-servers $B --subscribe ysb --starting-offsets earliest --trigger available-now"
kp="kcat -b $B -C -t ysb -e -q -f '%s\\n' | grep '\"event_type\":\"view\"' | kcat -b $B -P -t kout -X linger.ms=20"
sp="$sc | st-filter \"event_type = 'view'\" | st-sink -f kafka --bootstrap-servers $B --topic out"

echo "kcat_consume $(best "$kc")"
echo "kcat100_consume $(best "$kc100")"
echo "st_consume $(best "$sc")"
echo "kcat_pipeline $(best "$kp")"
echo "st_pipeline $(best "$sp")"
echo "events $N"
printf 'kcat_consume_cmd %s\n' "$kc" | sed "s|$B|BROKER|g"
printf 'kcat100_consume_cmd %s\n' "$kc100" | sed "s|$B|BROKER|g"
printf 'st_consume_cmd %s\n' "$sc" | sed "s|$B|BROKER|g"
printf 'kcat_pipeline_cmd %s\n' "$kp" | sed "s|$B|BROKER|g"
printf 'st_pipeline_cmd %s\n' "$sp" | sed "s|$B|BROKER|g"
