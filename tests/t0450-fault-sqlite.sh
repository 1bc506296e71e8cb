#!/bin/sh
test_description='st-read | st-watermark | st-window | st-sink --format sqlite survive kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=80
PER=60
CYCLES=${ST_FAULT_CYCLES:-24}

fault_seed=20261122
. "$SRCDIR/tests/lib-fault.sh"

# pipeline CKPT DB MODE INPUT [TRIGGER]: the four tools, each a stage of
# its own (lib-fault.sh) so that one can be killed alone.
pipeline() {
	fault_read "$1" "$4" "${5:-}" |
	fault_watermark "$1" |
	fault_stage 3 st-window --checkpoint "$1" -t t -s 1m -b b -m "$3" -a "sum(a) AS s, count(*) AS n, max(a) AS mx, avg(a) AS av" 2>>err |
	fault_stage 4 st-sink --checkpoint "$1" --format sqlite --path "$2" 2>>err
}
start_pipeline() { fault_start 4 pipeline "$@"; }

# ahead CKPT DB: how many batches the database holds that CKPT/commits does
# not: a kill between the SQLite commit and DIR/commits/N.
ahead() {
	_last=$(fault_ids $1/commits | tail -n 1)
	test -f "$2" || { echo 0; return; }
	sqlite3 "$2" "SELECT count(*) FROM _st_batches WHERE batch_id > ${_last:--1}" 2>/dev/null || echo 0
}

# dump DB: the table's schema, then every row, sorted (duplicates show).
dump() {
	sqlite3 "$1" "SELECT name, type FROM pragma_table_info('st_output')" &&
	sqlite3 -json "$1" "SELECT * FROM st_output" | jq -c '.[]' | LC_ALL=C sort
}

# batches DB, query_ids DB: what _st_batches says of DB's batches.
batches() { sqlite3 "$1" 'SELECT batch_id FROM _st_batches ORDER BY 1'; }
query_ids() { sqlite3 "$1" 'SELECT DISTINCT query_id FROM _st_batches'; }

test_expect_success "setup: $FILES files of $PER trades, some late" '
	fault_trades 30
'

fault_table=.db
for mode in update append complete; do
	fault_exactly_once_table $mode SQLite
done

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
