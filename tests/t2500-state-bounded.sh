#!/bin/sh
test_description='with a watermark the state stays flat over a long run (st-window, st-dedup)'
. "$(dirname "$0")/lib.sh"

BATCHES=400

# 400 batches of 50 events; event time advances 30 s a batch; 20 keys.
test_expect_success 'setup: a long stream' '
	awk -v B=$BATCHES "BEGIN {
		for (b = 0; b < B; b++) {
			printf(\"{\\\"@st\\\":\\\"begin\\\",\\\"batch\\\":%d,\\\"ts\\\":0}\\n\", b)
			for (i = 0; i < 50; i++)
				printf(\"{\\\"t\\\":%d,\\\"k\\\":\\\"k%d\\\",\\\"v\\\":%d}\\n\", 1549360800 + b * 30 + i % 30, i % 20, i)
			printf(\"{\\\"@st\\\":\\\"end\\\",\\\"batch\\\":%d}\\n\", b)
		}
	}" >in &&
	eos >>in &&
	test $(wc -l <in) -eq $((BATCHES * 52 + 1))
'

# state_rows OUT NAME: the stateRows of NAME's progress entry, per batch.
state_rows() {
	grep "^{\"@st\":\"end\"" "$1" | jq -r ".progress[] | select(.name == \"$2\") | .stateRows"
}

test_expect_success 'st-window update mode: state rows flat after warm-up' '
	st-watermark -t t -d 2m <in | st-window -t t -s 1m -b k -a "count(*) AS n, sum(v) AS s" -m update >out &&
	state_rows out st-window >rows &&
	test $(wc -l <rows) -ge $BATCHES &&
	sed -n "20,\$p" rows | sort -n | uniq >flat &&
	echo "stateRows after warm-up: $(tr "\n" " " <flat)" &&
	test $(sort -n flat | tail -n 1) -le 140 &&
	test $(sed -n "${BATCHES}p" rows) -le 140
'

test_expect_success 'st-window append mode: state rows flat' '
	st-watermark -t t -d 2m <in | st-window -t t -s 1m -b k -a "count(*) AS n" >out &&
	state_rows out st-window | sed -n "20,\$p" | sort -n | uniq >flat &&
	echo "stateRows after warm-up: $(tr "\n" " " <flat)" &&
	test $(tail -n 1 flat) -le 140
'

test_expect_success 'st-dedup: state rows flat' '
	st-watermark -t t -d 2m <in | st-dedup -k k,t -t t >out &&
	state_rows out st-dedup | sed -n "20,\$p" | sort -n | uniq >flat &&
	echo "stateRows after warm-up: $(tr "\n" " " <flat)" &&
	test $(tail -n 1 flat) -le 300
'

test_done
