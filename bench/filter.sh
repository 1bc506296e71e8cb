#!/bin/sh
# bench/filter.sh [N] - st-filter against jq and Miller on YSB-shaped events.
#
# Generates N (default 1000000) Yahoo Streaming Benchmark events, one JSON
# object a line (user_id page_id ad_id ad_type event_type event_time
# ip_address; event_time an epoch-millisecond string; about a third are
# views), with a deterministic awk generator, then times on the same file:
#
#     st-filter "event_type = 'view'"
#     jq -c 'select(.event_type=="view")'
#     mlr --ijsonl --ojsonl filter '$event_type == "view"'
#
# and prints events per second and the ratios. The three must keep the
# same number of events. ST_BIN overrides the st tools' directory.
set -eu
cd "$(dirname "$0")/.."
N=${1:-1000000}
ST_BIN=${ST_BIN:-$PWD/bin}
dir=${TMPDIR:-/tmp}/st-bench-filter.$$
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT INT TERM
events=$dir/events.json

awk -v n="$N" 'BEGIN {
	srand(42)
	split("banner modal sponsored-search mail mobile", adt, " ")
	split("view click purchase", evt, " ")
	hex = "0123456789abcdef"
	t = 1549360800000
	for (i = 0; i < n; i++) {
		u = ""; p = ""; a = ""
		for (k = 0; k < 32; k++) {
			u = u substr(hex, int(rand() * 16) + 1, 1)
			p = p substr(hex, int(rand() * 16) + 1, 1)
			a = a substr(hex, int(rand() * 16) + 1, 1)
			if (k == 7 || k == 11 || k == 15 || k == 19) {
				u = u "-"; p = p "-"; a = a "-"
			}
		}
		t += int(rand() * 3)
		printf "{\"user_id\":\"%s\",\"page_id\":\"%s\",\"ad_id\":\"%s\",\"ad_type\":\"%s\",\"event_type\":\"%s\",\"event_time\":\"%d\",\"ip_address\":\"1.2.3.4\"}\n", u, p, a, adt[int(rand() * 5) + 1], evt[int(rand() * 3) + 1], t
	}
}' >"$events"

now() { date +%s.%N; }

# run NAME CMD...: times CMD on the events, output to a file.
run() {
	_name=$1
	shift
	_t0=$(now)
	"$@" <"$events" >"$dir/$_name.out"
	_t1=$(now)
	_secs=$(echo "$_t1 $_t0" | awk '{ printf "%.3f", $1 - $2 }')
	_kept=$(wc -l <"$dir/$_name.out")
	eval "secs_$_name=$_secs kept_$_name=$_kept"
	printf '%-10s %8.3f s %12.0f events/s  kept %s\n' "$_name" "$_secs" \
	    "$(echo "$N $_secs" | awk '{ print $1 / $2 }')" "$_kept"
}

echo "bench/filter.sh: $N YSB events ($(wc -c <"$events") bytes), event_type = 'view'"
run st "$ST_BIN/st-filter" "event_type = 'view'"
run jq jq -c 'select(.event_type=="view")'
run mlr mlr --ijsonl --ojsonl filter '$event_type == "view"'

eval "a=\$kept_st b=\$kept_jq c=\$kept_mlr"
if [ "$a" != "$b" ] || [ "$a" != "$c" ]; then
	echo "bench/filter.sh: the tools disagree: st $a, jq $b, mlr $c" >&2
	exit 1
fi
echo "$secs_st $secs_jq $secs_mlr" | awk '{
	printf "st-filter is %.1fx jq and %.1fx mlr\n", $2 / $1, $3 / $1 }'
