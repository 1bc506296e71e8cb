# tests/lib-spark.sh - helpers for tests translated from Apache Spark's
# streaming suites (sql/core/src/test/scala/org/apache/spark/sql/streaming/).
# Each testStream AddData becomes one file, and st-read reads one file per
# micro-batch (--max-files-per-trigger 1), so st's batches are Spark's.
#
#   add_data 1 "$(vals 10 11)"          # writes in/001.json (mtime ordered)
#   st-read --trigger available-now --max-files-per-trigger 1 in | ... |
#   batches '.value'                   # one line per batch: "id: v v ..."

# add_data N LINE...: the lines of the Nth AddData, as file in/NNN.json.
add_data() {
	_n=$1
	shift
	[ "$_n" -ne 1 ] || rm -rf in
	mkdir -p in
	printf '%s\n' "$@" >"in/$(printf %03d "$_n").json"
	touch -d "@$((1600000000 + _n))" "in/$(printf %03d "$_n").json"
}

# vals V...: one {"value":V} record per argument (Spark's MemoryStream[Int];
# timestamp_seconds($"value") is st-watermark -t value, seconds).
vals() {
	for _v in "$@"; do
		printf '{"value":%s}\n' "$_v"
	done
}

# read_batches: st-read over in/, one file per batch, then exits.
read_batches() {
	st-read --trigger available-now --max-files-per-trigger 1 "$@" in
}

# batches EXPR: reads a stream with control lines and prints, per batch,
# "id:" and EXPR (a jq expression) of each output row, in output order.
# A no-data batch that no tool needed ("noData" without "run") is one that
# Spark does not run and a sink does not show: it is left out, unless it
# has rows.
batches() {
	jq -r "if .[\"@st\"] == \"begin\" then
		(if .noData and (.run | not) then \"S \\(.batch)\" else \"B \\(.batch)\" end)
	    elif .[\"@st\"] == \"end\" then \"E\"
	    elif .[\"@st\"] then empty
	    else \"D \\($1 | tostring)\" end" |
	awk '/^[BS]/ { b = $2; s = ""; silent = /^S/ }
	    /^D/ { s = s " " $2; silent = 0 }
	    /^E/ { if (!silent) print b ":" s }'
}

# progress N JQ: the JQ expression over the progress entry of stage N (0 is
# st-read) of each end line.
progress() {
	grep '^{"@st":"end"' | jq -c ".progress[$1] | $2"
}
