#!/bin/sh
# examples/tutorial.sh - the README's ten-minute tutorial, runnable: from a
# one-line pipeline to a checkpointed, windowed, watermarked job that is
# killed with kill -9, restarted with the same command, and run from cron.
#
#   sh examples/tutorial.sh
. "$(dirname "$0")/common.sh"

step "A one-line pipeline: NDJSON in, a Spark SQL predicate, NDJSON out" \
"printf '%s\n' '{\"word\":\"cat\",\"n\":1}' '{\"word\":\"dog\",\"n\":3}' | st-filter 'n > 1'"
printf '%s\n' '{"word":"cat","n":1}' '{"word":"dog","n":3}' | st-filter 'n > 1'

step "Files in, a projection, Spark's console sink out" \
"st-read --trigger available-now trades/ | st-select 'CreatedTime, Type, Amount * 2 AS Double' | st-sink --format console"
mkdir trades
cp "$TESTDATA/trades/batch0.ndjson" trades/
st-read --trigger available-now trades/ |
st-select 'CreatedTime, Type, Amount * 2 AS Double' |
st-sink --format console

# The job of the rest of the tutorial: 15-minute windows of BUY and SELL
# amounts with a 30-minute watermark, in update mode, exactly once into
# per-batch JSON files. Every tool gets the same checkpoint directory.
cat >job.sh <<'JOB'
st-read --checkpoint ck --trigger "${1:-default}" --max-files-per-trigger 1 trades/ |
st-select "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss') AS CreatedTime,
    CASE WHEN Type = 'BUY' THEN Amount ELSE 0 END AS Buy,
    CASE WHEN Type = 'SELL' THEN Amount ELSE 0 END AS Sell" |
st-watermark --checkpoint ck --time CreatedTime --delay '30 minutes' |
st-window --checkpoint ck --time CreatedTime --size '15 minutes' \
    --agg 'sum(Buy) AS TotalBuy, sum(Sell) AS TotalSell' --mode update |
st-sink --checkpoint ck --format json --path out
JOB
step "A checkpointed, windowed, watermarked job, job.sh; it runs in the
   background with the default trigger (a micro-batch whenever files arrive):"
sed 's/^/   /' job.sh
# setsid: the pipeline gets a process group of its own, killed as one below.
setsid sh job.sh default &
pid=$!
i=0
while [ ! -e ck/commits/0 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
echo "   batch 0 committed: $(ls out | tr '\n' ' ')"

step "A new file arrives, and every process of the pipeline is killed with kill -9" \
'kill -9 -"$pid"     # $pid: the pipeline'"'"'s process group'
cp "$TESTDATA/trades/batch1.ndjson" trades/
kill -9 "-$pid"
wait "$pid" 2>/dev/null || true
echo "   killed; out/ holds: $(ls out | tr '\n' ' ')"

step "More files arrive; the same command restarts where the checkpoint says,
   this time as a cron job would run it (trigger available-now: everything that
   has arrived, then stop)" \
"sh job.sh available-now"
cp "$TESTDATA/trades/batch2.ndjson" "$TESTDATA/trades/batch3.ndjson" trades/
sh job.sh available-now
echo "   every window, as the last batch that changed it says (update mode):"
cat out/*.json | jq -sc 'group_by(.window.start) | map(last) | .[] |
    {start: .window.start, TotalBuy, TotalSell}' | sed 's/^/   /'

step "The same from cron, every five minutes (--wait: a run that overlaps the
   previous one waits for it instead of failing)" \
"*/5 * * * * cd /srv/trades && st-read --checkpoint ck --trigger available-now --wait trades/ | ... | st-sink --checkpoint ck --format json --path out"
echo "   (a crontab line; see crontab(5))"
