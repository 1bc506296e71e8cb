#!/bin/sh
test_description='st-read | st-watermark | st-window | st-sink --format postgres survive kill -9 at random points, exactly once'
. "$(dirname "$0")/lib.sh"

FILES=80
PER=60
CYCLES=${ST_FAULT_CYCLES:-24}

fault_seed=20261202
. "$SRCDIR/tests/lib-fault.sh"
. "$SRCDIR/tests/lib-pg.sh"

# One EXIT trap for both harnesses: the pipeline's tools, then the server.
pg_start || { echo "not ok - cannot start a PostgreSQL server"; exit 1; }
trap 'cleanup; pg_stop' EXIT INT TERM

# pipeline CKPT TABLE MODE INPUT [TRIGGER]: the four tools, each a stage
# of its own (lib-fault.sh) so that one can be killed alone.
pipeline() {
	fault_read "$1" "$4" "${5:-}" |
	fault_watermark "$1" |
	fault_stage 3 st-window --checkpoint "$1" -t t -s 1m -b b -m "$3" -a "sum(a) AS s, count(*) AS n, max(a) AS mx, avg(a) AS av" 2>>err |
	fault_stage 4 st-sink --checkpoint "$1" --format postgres --dsn "" --table "$2" 2>>err
}
start_pipeline() { fault_start 4 pipeline "$@"; }

# ahead CKPT TABLE: how many batches the database holds that CKPT/commits
# does not: a kill between the PostgreSQL commit and DIR/commits/N.
ahead() {
	_last=$(fault_ids $1/commits | tail -n 1)
	pq "SELECT count(*) FROM _st_batches WHERE table_name = '$2' AND batch_id > ${_last:--1}" 2>/dev/null || echo 0
}

# dump TABLE: the table's schema, then every row, sorted (duplicates show).
dump() {
	pq "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '$1' ORDER BY ordinal_position" &&
	pq "SELECT row_to_json(t) FROM $1 t" | jq -cS . | LC_ALL=C sort
}

# batches TABLE, query_ids TABLE: what _st_batches says of TABLE's batches.
batches() { pq "SELECT batch_id FROM _st_batches WHERE table_name = '$1' ORDER BY 1"; }
query_ids() { pq "SELECT DISTINCT query_id FROM _st_batches WHERE table_name = '$1'"; }

test_expect_success "setup: $FILES files of $PER trades, some late" '
	fault_trades 30
'

for mode in update complete; do
	fault_exactly_once_table $mode PostgreSQL
done

test_expect_success 'no sanitizer reports' '
	! grep -E "AddressSanitizer|runtime error|LeakSanitizer" err
'

test_done
