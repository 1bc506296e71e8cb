#!/bin/sh
test_description='st-read triggers, restart replay, the pipeline lock, clean-source'
. "$(dirname "$0")/lib.sh"

strip() { jq -c 'del(.ts, .progress)' "$@"; }
data() { grep -v '^{"@st"' "$@"; }

pids=
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	return 0
}
trap cleanup EXIT INT TERM

# add NAME ID: a new input file, made visible atomically (write, then mv).
add() {
	echo "{\"id\":$2}" >"tmp.$1" && mv "tmp.$1" "in/$1"
}

test_expect_success 'setup' '
	mkdir in &&
	echo "{\"id\":1}" >in/a.json && touch -d "2020-01-01 00:00:01" in/a.json &&
	echo "{\"id\":2}" >in/b.json && touch -d "2020-01-01 00:00:02" in/b.json &&
	echo "{\"id\":3}" >in/c.json && touch -d "2020-01-01 00:00:03" in/c.json
'

test_expect_success 'available-now honours --max-files-per-trigger, ends with an empty batch' '
	st-read --trigger available-now --max-files-per-trigger 2 in | strip >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0}
	{"id":1}
	{"id":2}
	{"@st":"end","batch":0}
	{"@st":"begin","batch":1}
	{"id":3}
	{"@st":"end","batch":1}
	{"@st":"begin","batch":2,"noData":true}
	{"@st":"end","batch":2}
	{"@st":"eos"}
	EOT
	test_cmp expect actual
'

test_expect_success 'trigger once ignores the limits' '
	st-read --trigger once --max-files-per-trigger 1 in | grep -c "^{\"id\"" >n &&
	echo 3 >expect && test_cmp expect n
'

test_expect_success 'without a sink, a batch not committed is replayed: none is lost to a sink that had not started' '
	st-read --checkpoint N --trigger available-now in >/dev/null &&
	st-read --checkpoint N --trigger available-now in | st-sink --checkpoint N >actual &&
	printf "{\"id\":%d}\n" 1 2 3 >expect &&
	test_cmp expect actual &&
	st-read --checkpoint N --trigger available-now in | st-sink --checkpoint N >actual &&
	test_must_fail test -s actual
'

test_expect_success '--commit-on-emit: a second available-now run reads only new files, logged in offsets' '
	st-read --checkpoint C --commit-on-emit --trigger available-now in >/dev/null &&
	add d.json 4 &&
	st-read --checkpoint C --commit-on-emit --trigger available-now in | strip >actual &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":2}
	{"id":4}
	{"@st":"end","batch":2}
	{"@st":"begin","batch":3,"noData":true}
	{"@st":"end","batch":3}
	{"@st":"eos"}
	EOT
	test_cmp expect actual &&
	head -n 1 C/offsets/2 | jq -c "[.batch, .data, [.sources.default.files[].path]]" >actual &&
	echo "[2,true,[\"in/d.json\"]]" >expect && test_cmp expect actual &&
	st-read --checkpoint C --commit-on-emit --trigger available-now in >actual &&
	eos >expect && test_cmp expect actual
'

test_expect_success 'uncommitted batches are replayed with the same ids, ranges and timestamps' '
	st-sink --checkpoint R --format json --path Rout </dev/null &&
	st-read --checkpoint R --trigger available-now --max-files-per-trigger 2 in >first &&
	{ sed -n "1,/^{\"@st\":\"end\",\"batch\":0/p" first && eos; } |
		st-sink --checkpoint R --format json --path Rout &&
	test -f R/commits/0 && test_must_fail test -f R/commits/1 &&
	st-read --checkpoint R --trigger available-now --max-files-per-trigger 2 in >second &&
	jq -c "del(.progress)" first | sed 1,4d >expect &&
	jq -c "del(.progress)" second >actual &&
	test_cmp expect actual
'

test_expect_success 'default trigger: files added while running are picked up' '
	rm -rf C out &&
	{ st-read --checkpoint C in 2>read.err | st-sink --checkpoint C --format json --path out & } &&
	wait_for "test -f C/commits/0" 20 &&
	add e.json 5 &&
	wait_for "cat out/part-*.json | grep -q :5" 20 &&
	add f.json 6 &&
	wait_for "cat out/part-*.json | grep -q :6" 20 &&
	kill -TERM $(cat C/lock) && wait &&
	cat out/part-*.json | jq -c . >actual &&
	printf "{\"id\":%d}\n" 1 2 3 4 5 6 >expect &&
	test_cmp expect actual &&
	test_must_fail test -s read.err
'

test_expect_success 'interval trigger: batches at multiples of the interval' '
	rm -rf C out &&
	{ st-read --checkpoint C --trigger "200 milliseconds" in | st-sink --checkpoint C --format json --path out & } &&
	wait_for "test -f C/commits/0" 20 &&
	add g.json 7 &&
	wait_for "test -f C/commits/1" 20 &&
	kill -TERM $(cat C/lock) && wait &&
	cat out/part-00001.json >actual && echo "{\"id\":7}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a second run on a busy checkpoint exits at once; --wait waits' '
	rm -rf C &&
	{ st-read --checkpoint C --commit-on-emit in >/dev/null & } &&
	wait_for "test -f C/sources/done" 20 &&
	test_expect_code 1 st-read --checkpoint C --trigger once in >/dev/null 2>err &&
	echo "st-read: checkpoint '"'"'C'"'"' is in use by another run of this pipeline (use --wait to wait for it)" >expect &&
	test_cmp expect err &&
	{ st-read --checkpoint C --trigger once --wait in >waited & } &&
	first=$(cat C/lock) &&
	kill -TERM $first &&
	wait &&
	add h.json 8 && st-read --checkpoint C --trigger once in >/dev/null
'

test_expect_success 'a crashed run never blocks the next' '
	rm -rf C &&
	{ st-read --checkpoint C in >/dev/null & } &&
	wait_for "test -s C/lock" 20 &&
	kill -9 $(cat C/lock) && wait;
	st-read --checkpoint C --trigger once in >/dev/null
'

test_expect_success 'clean-source archive moves only files of committed batches' '
	rm -rf in C out arch && mkdir in &&
	for i in 1 2 3; do echo "{\"id\":$i}" >in/f$i.json; touch -d "2020-01-01 00:00:0$i" in/f$i.json; done &&
	st-sink --checkpoint C --format json --path out </dev/null &&
	st-read --checkpoint C --trigger available-now --max-files-per-trigger 1 \
		--clean-source archive --archive-dir arch in >stream &&
	test_must_fail ls arch/* 2>/dev/null &&
	{ sed -n "1,/^{\"@st\":\"end\",\"batch\":0/p" stream; eos; } |
		st-sink --checkpoint C --format json --path out &&
	test -f C/commits/0 && test_must_fail test -f C/commits/1 &&
	st-read --checkpoint C --trigger available-now --max-files-per-trigger 1 \
		--clean-source archive --archive-dir arch in >/dev/null &&
	ls arch >actual && echo f1.json >expect && test_cmp expect actual &&
	ls in >actual && printf "f2.json\nf3.json\n" >expect && test_cmp expect actual &&
	st-read --checkpoint C --trigger available-now --max-files-per-trigger 1 \
		--clean-source archive --archive-dir arch in |
		st-sink --checkpoint C --format json --path out &&
	ls arch >actual && printf "f1.json\nf2.json\nf3.json\n" >expect &&
	test_cmp expect actual && test_must_fail ls in/* 2>/dev/null &&
	cat out/part-*.json | jq -c . >actual &&
	printf "{\"id\":%d}\n" 1 2 3 >expect && test_cmp expect actual
'

test_expect_success 'clean-source waits for a sink that starts after st-read has emitted everything' '
	rm -rf in C out && mkdir in && echo "{\"id\":1}" >in/x.json &&
	st-read --checkpoint C --trigger available-now --clean-source delete in |
		{ wait_for "test -f C/offsets/1" 10 && st-sink --checkpoint C --format json --path out; } &&
	test_must_fail test -f in/x.json && test -f out/part-00000.json
'

test_expect_success 'clean-source delete' '
	rm -rf in C out && mkdir in && echo "{\"id\":1}" >in/x.json &&
	st-read --checkpoint C --trigger once --clean-source delete in |
		st-sink --checkpoint C --format json --path out &&
	test_must_fail test -f in/x.json && test -f out/part-00000.json
'

test_done
