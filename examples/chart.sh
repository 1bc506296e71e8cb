#!/bin/sh
# examples/chart.sh [DIR] - a live chart of a streaming aggregate, as a
# notebook's display() shows one: the lecture's trades, summed per type in
# 15-minute windows, drawn by st-sink --format chart into DIR/trades.html
# (default: ./st-chart), one micro-batch per file. Open the page in a
# browser while it runs: it reloads itself. With Chromium installed, a
# screenshot of the page is saved as DIR/trades.png (make demo-chart).
#
#   sh examples/chart.sh [DIR]
out=$(mkdir -p "${1:-st-chart}" && cd "${1:-st-chart}" && pwd) || exit 1
. "$(dirname "$0")/common.sh"
mkdir in
for i in 0 1 2 3; do
	cp "$TESTDATA/trades/batch$i.ndjson" in/
	touch -d "2019-02-05 10:0$i" "in/batch$i.ndjson"
done
rm -f "$out/trades.html"

step "Sums per type in 15-minute windows, update mode, drawn live" \
"st-window --time CreatedTime --size '15 minutes' --by Type --agg 'sum(Amount) AS Total' --mode update |
  st-sink --format chart --path trades.html --x window.start --y Total --series Type"
st-read --trigger available-now --max-files-per-trigger 1 in/ |
st-select "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss') AS CreatedTime, Type, Amount" |
st-window --time CreatedTime --size '15 minutes' --by Type \
    --agg 'sum(Amount) AS Total' --mode update |
st-sink --format chart --path "$out/trades.html" --x window.start --y Total --series Type
echo "   wrote $out/trades.html"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
	# Flags as for any headless use on a machine without a display or a
	# network: no sandbox (root), no GPU, nothing fetched in the background.
	"$browser" --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$work/chromium" --window-size=1000,700 \
	    --screenshot="$out/trades.png" "file://$out/trades.html" \
	    >/dev/null 2>&1 &&
	echo "   screenshot: $out/trades.png"
else
	echo "   (install chromium for a screenshot of the page)"
fi
