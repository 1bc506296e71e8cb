#!/bin/sh
test_description='st-sink --format chart: a live XHTML/SVG chart of the result table'
. "$(dirname "$0")/lib.sh"

# Rows of the page's table, "series x y" per line, read by a real XML
# parser (xmllint), so that a page that is not well-formed fails here.
table_rows() {
	rows=$(xmllint --xpath 'count(//*[local-name()="tr"])' "$1") &&
	cols=$(xmllint --xpath 'count(//*[local-name()="th"])' "$1") &&
	i=2 &&
	while [ "$i" -le "$rows" ]; do
		j=1 &&
		while [ "$j" -le "$cols" ]; do
			[ "$j" -eq 1 ] || printf " " &&
			cell=$(xmllint --xpath "string(//*[local-name()=\"tr\"][$i]/*[local-name()=\"td\"][$j])" "$1") &&
			printf "%s" "$cell" &&
			j=$((j + 1))
		done &&
		echo &&
		i=$((i + 1))
	done
}

batch() {	# batch ID MODE, then records on stdin
	echo "{\"@st\":\"begin\",\"batch\":$1,\"ts\":0,\"mode\":\"$2\",\"keys\":[\"window\",\"campaign\"]}" &&
	cat &&
	echo "{\"@st\":\"end\",\"batch\":$1,\"progress\":[]}"
}
w() { echo "{\"window\":{\"start\":\"2020-01-01T00:00:$1Z\",\"end\":\"2020-01-01T00:00:$2Z\"},\"campaign\":\"$3\",\"n\":$4}"; }

test_expect_success 'update mode: each row replaces its point; well-formed page with one line per series' '
	{
		w 00 10 a 1 | batch 0 update &&
		{ w 00 10 a 2; w 00 10 b 5; w 10 20 a 3; } | batch 1 update &&
		eos
	} >in &&
	st-sink --format chart --path page.html --x window.start --y n --series campaign <in >out &&
	test ! -s out &&
	xmllint --noout page.html &&
	table_rows page.html >actual &&
	cat >expect <<-\EOT &&
	a 2020-01-01T00:00:00Z 2
	a 2020-01-01T00:00:10Z 3
	b 2020-01-01T00:00:00Z 5
	EOT
	test_cmp expect actual &&
	test "$(xmllint --xpath "count(//*[local-name()=\"g\"][@class=\"series\"])" page.html)" = 2 &&
	test "$(xmllint --xpath "count(//*[local-name()=\"circle\"])" page.html)" = 3 &&
	xmllint --xpath "string(//*[local-name()=\"p\"][@id=\"batch\"])" page.html >actual &&
	echo "batch 1, 3 points" >expect &&
	test_cmp expect actual
'

test_expect_success 'complete mode: each batch replaces the whole table' '
	{
		{ w 00 10 a 1; w 00 10 b 1; } | batch 0 complete &&
		w 00 10 a 7 | batch 1 complete &&
		eos
	} >in &&
	st-sink --format chart --path page.html --x window.start --y n --series campaign <in &&
	table_rows page.html >actual &&
	echo "a 2020-01-01T00:00:00Z 7" >expect &&
	test_cmp expect actual
'

test_expect_success 'a restarted sink goes on with the chart it drew' '
	rm -f page.html &&
	w 00 10 a 1 | { batch 0 update; eos; } | st-sink --format chart --path page.html --x window.start --y n --series campaign &&
	w 10 20 a 4 | { batch 1 update; eos; } | st-sink --format chart --path page.html --x window.start --y n --series campaign &&
	table_rows page.html >actual &&
	printf "%s\n" "a 2020-01-01T00:00:00Z 1" "a 2020-01-01T00:00:10Z 4" >expect &&
	test_cmp expect actual
'

test_expect_success 'text is escaped: markup in data stays data, the page stays well-formed' '
	rm -f page.html &&
	printf "%s\n" "{\"k\":\"<b>&\\\"x</b>\",\"v\":1}" "{\"k\":\"</script>\",\"v\":2}" >in &&
	st-sink --format chart --path page.html --x k --y v <in &&
	xmllint --noout page.html &&
	table_rows page.html >actual &&
	printf "%s\n" "</script> 2" "<b>&\"x</b> 1" >expect &&
	test_cmp expect actual &&
	printf "%s\n" "{\"k\":\"z\",\"v\":3}" | st-sink --format chart --path page.html --x k --y v &&
	test "$(xmllint --xpath "count(//*[local-name()=\"tr\"])" page.html)" = 4
'

test_expect_success 'rows without a number to draw are counted, not drawn' '
	rm -f page.html &&
	printf "%s\n" "{\"x\":1,\"y\":2}" "{\"x\":2,\"y\":\"two\"}" "{\"y\":3}" >in &&
	st-sink --format chart --path page.html --x x --y y <in 2>err &&
	grep "st-sink: chart: 2 rows without a number in .y. or a value in .x. were not drawn" err &&
	table_rows page.html >actual &&
	echo "1 2" >expect &&
	test_cmp expect actual
'

# script(1) gives the sink a terminal as standard output.
test_expect_success 'on a terminal: a sparkline per series, redrawn in place' '
	rm -f page.html &&
	{
		{ w 00 10 a 1; w 10 20 a 4; w 20 30 a 2; w 00 10 b 3; } | batch 0 update &&
		eos
	} >in &&
	script -qec "st-sink --format chart --path page.html --x window.start --y n --series campaign <in" /dev/null >tty.out &&
	tr -d "\r" <tty.out | sed "s/\x1b\[H\x1b\[J/<clear>/" >actual &&
	printf "%s\n" "<clear>n over window.start per campaign, batch 0" \
	    "a                ▁█▃ 2" "b                ▆ 3" >expect &&
	test_cmp expect actual
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-sink --format chart --path p.html --y n </dev/null 2>err &&
	grep "st-sink: --format chart needs --x COL and --y COL" err &&
	test_expect_code 2 st-sink --format chart --x a --y b </dev/null 2>err &&
	grep "needs --path" err &&
	test_expect_code 2 st-sink --format console --x a </dev/null 2>err &&
	grep "st-sink: --x, --y and --series need --format chart" err
'

# The page as a browser shows it: a headless Chromium screenshot (made by
# examples/chart.sh, as make demo-chart does), when Chromium is installed,
# must not be blank: PNG compresses a blank page of the same size to a few
# kilobytes, so the chart's must be several times larger.
if command -v chromium >/dev/null 2>&1; then
test_expect_success 'chromium renders the page, and the screenshot is not blank' '
	sh "$SRCDIR/examples/chart.sh" shot >out &&
	grep "screenshot: .*shot/trades.png" out &&
	echo "<html><body></body></html>" >blank.html &&
	chromium --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$PWD/chromium" --window-size=1000,700 \
	    --screenshot="$PWD/blank.png" "file://$PWD/blank.html" >/dev/null 2>&1 &&
	chart=$(wc -c <shot/trades.png) && blank=$(wc -c <blank.png) &&
	echo "# screenshot: $chart bytes, a blank page: $blank bytes" &&
	test "$chart" -gt $((blank * 4))
'
else
	say "# chromium is not installed: the screenshot test does not run (apt-get install chromium)"
fi

test_done
