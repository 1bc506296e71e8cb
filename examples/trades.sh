#!/bin/sh
# examples/trades.sh - the lecture's trades: BUY and SELL records in
# 15-minute tumbling windows, the same in sliding windows, a 30-minute
# watermark that drops a record too late for it, and running totals across
# windows (which Spark cannot do in a stream; st-running can).
#
#   sh examples/trades.sh
. "$(dirname "$0")/common.sh"
mkdir in
for i in 0 1 2 3; do
	cp "$TESTDATA/trades/batch$i.ndjson" in/
	touch -d "2019-02-05 10:0$i" "in/batch$i.ndjson"
done
BUY="sum(case when Type = 'BUY' then Amount else 0 end) AS TotalBuy"
SELL="sum(case when Type = 'SELL' then Amount else 0 end) AS TotalSell"
read_trades() {
	st-read --trigger available-now --max-files-per-trigger 1 in/ |
	st-select "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss') AS CreatedTime, Type, Amount"
}

step "Tumbling windows of 15 minutes, complete mode, the four files in one batch
   (Spark: groupBy(window(col(\"CreatedTime\"), \"15 minute\")).agg(...))" \
"st-window --time CreatedTime --size '15 minutes' --agg \"\$BUY, \$SELL\" --mode complete"
st-read --trigger available-now in/ |
st-select "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss') AS CreatedTime, Type, Amount" |
st-window --time CreatedTime --size '15 minutes' --agg "$BUY, $SELL" --mode complete |
st-sink --format console --truncate 0

step "Sliding windows: 15 minutes long, a new one every 5 minutes, update mode" \
"st-window --time CreatedTime --size '15 minutes' --slide '5 minutes' --agg \"\$BUY, \$SELL\" --mode update"
read_trades |
st-window --time CreatedTime --size '15 minutes' --slide '5 minutes' \
    --agg "$BUY, $SELL" --mode update |
st-sink --format console --truncate 0 --num-rows 30

step "A 30-minute watermark, append mode: each window once, when final; the
   09:40 record of the fourth file is too late and lands in late.json" \
"st-watermark --time CreatedTime --delay '30 minutes' | st-window ... --late-output late.json"
read_trades |
st-watermark --time CreatedTime --delay '30 minutes' |
st-window --time CreatedTime --size '15 minutes' --agg "$BUY, $SELL" \
    --late-output late.json |
st-sink --format console --truncate 0
printf '   late.json: '
cat late.json

step "Running totals across the windows (the lecture's final table)" \
"... | st-running --agg 'sum(TotalBuy) AS RTotalBuy, sum(TotalSell) AS RTotalSell, sum(TotalBuy - TotalSell) AS NetValue'"
read_trades |
st-watermark --time CreatedTime --delay '30 minutes' |
st-window --time CreatedTime --size '15 minutes' --agg "$BUY, $SELL" |
st-running --agg 'sum(TotalBuy) AS RTotalBuy, sum(TotalSell) AS RTotalSell,
    sum(TotalBuy - TotalSell) AS NetValue' |
st-sink | st-sink --format console --truncate 0
