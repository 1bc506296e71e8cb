#!/bin/sh
# bench/read-sink.sh [N] - st-read | st-sink throughput on JSON lines,
# against cat on the same file.
#
# Generates N (default 1000000) YSB-shaped JSON events in one file with a
# deterministic awk generator, then times, best of 3:
#
#     cat in/events.json > /dev/null                       (the floor)
#     cat in/events.json | cat > /dev/null                 (a pipe)
#     st-read --trigger once in | st-sink > /dev/null      (no checkpoint)
#     st-read --checkpoint C --trigger once in |
#         st-sink --checkpoint C --format json --path out   (exactly-once)
#
# and prints MB/s, records/s and the ratio to the cat pipe. The output
# must hold N records. ST_BIN overrides the st tools' directory.
set -eu
cd "$(dirname "$0")/.."
N=${1:-1000000}
ST_BIN=${ST_BIN:-$PWD/bin}
dir=${TMPDIR:-/tmp}/st-bench-read-sink.$$
mkdir -p "$dir/in"
trap 'rm -rf "$dir"' EXIT INT TERM
events=$dir/in/events.json

awk -v n="$N" 'BEGIN {
	srand(42)
	split("banner modal sponsored-search mail mobile", adt, " ")
	split("view click purchase", evt, " ")
	t = 1549360800000
	for (i = 0; i < n; i++) {
		printf("{\"user_id\":\"u%07d\",\"page_id\":\"p%05d\",\"ad_id\":\"a%05d\",\"ad_type\":\"%s\",\"event_type\":\"%s\",\"event_time\":\"%d\",\"ip_address\":\"10.%d.%d.%d\"}\n",
		    int(rand() * 1000000), int(rand() * 10000), int(rand() * 1000),
		    adt[int(rand() * 5) + 1], evt[int(rand() * 3) + 1], t + i,
		    int(rand() * 256), int(rand() * 256), int(rand() * 256))
	}
}' >"$events"
bytes=$(wc -c <"$events")

now() { date +%s.%N; }
# best SECONDS of 3 runs of the shell command $1
best() {
	b=
	for _ in 1 2 3; do
		rm -rf "$dir/C" "$dir/out"
		s=$(now)
		sh -c "$1"
		e=$(now)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

cd "$dir"
t_cat=$(best "cat in/events.json >/dev/null")
t_pipe=$(best "cat in/events.json | cat >/dev/null")
t_st=$(best "$ST_BIN/st-read --trigger once in | $ST_BIN/st-sink >/dev/null")
t_ck=$(best "$ST_BIN/st-read --checkpoint C --trigger once in | $ST_BIN/st-sink --checkpoint C --format json --path out")
got=$(cat out/part-*.json | wc -l)
[ "$got" -eq "$N" ] || { echo "bench: expected $N records, got $got" >&2; exit 1; }

printf '%s records, %s bytes of JSON lines\n' "$N" "$bytes"
for row in "cat:$t_cat" "cat|cat:$t_pipe" "st-read|st-sink:$t_st" "st-read|st-sink (checkpoint, json files):$t_ck"; do
	name=${row%:*} t=${row##*:}
	printf '%-44s %7.3f s %8.1f MB/s %10.0f rec/s  %5.2fx cat|cat\n' "$name" "$t" \
	    "$(echo "$bytes / $t / 1000000" | bc -l)" "$(echo "$N / $t" | bc -l)" \
	    "$(echo "$t / $t_pipe" | bc -l)"
done
