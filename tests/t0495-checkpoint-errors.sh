#!/bin/sh
test_description='a damaged checkpoint is refused with a message naming the file; never guessed, reset or reused'
. "$(dirname "$0")/lib.sh"

# run CKPT: the query over in/ into out/; the tools' messages go to err,
# their statuses to rc.N.
run() {
	{ st-read --checkpoint "$1" --trigger available-now --max-files-per-trigger 1 in 2>>err; echo $? >rc.1; } |
	{ st-watermark --checkpoint "$1" -t t -d 1m 2>>err; echo $? >rc.2; } |
	{ st-dedup --checkpoint "$1" -k k,t -t t 2>>err; echo $? >rc.3; } |
	{ st-window --checkpoint "$1" -t t -s 1m -a "count(*) AS n" 2>>err; echo $? >rc.4; } |
	{ st-sink --checkpoint "$1" --format json --path out 2>>err; echo $? >rc.5; }
}
statuses() { cat rc.1 rc.2 rc.3 rc.4 rc.5 | tr -d "\n"; }

# again HOW: a fresh copy of the checkpoint after three files, damaged by
# the shell code HOW (in ck/), then a run over a fourth file.
again() {
	rm -rf ck out err && cp -a ck.base ck && cp -a out.base out &&
	(cd ck && eval "$1") && run ck
}

test_expect_success 'setup: a checkpoint after three batches of data' '
	mkdir in &&
	for f in 0 1 2 3; do
		for i in 0 1 2 3 4; do
			echo "{\"t\":$((1549360800 + f * 60 + i * 10)),\"k\":$((f * 5 + i % 3))}"
		done >in/f$f.json &&
		touch -d "@$((1600000000 + f))" in/f$f.json || return 1
	done &&
	mv in/f3.json f3.json &&
	run ck && test "$(statuses)" = 00000 && test ! -s err &&
	mv ck ck.base && cp -a out out.base && mv f3.json in/ &&
	rm -rf out && cp -a out.base out && cp -a ck.base ck && run ck &&
	test "$(statuses)" = 00000 && cat out/part-*.json | st_json_sort >expect &&
	ls ck.base/offsets >ids && ls ck.base/commits >>ids &&
	printf "%s\n" 0 1 2 3 0 1 2 3 >want && test_cmp want ids
'

test_expect_success 'a deleted offsets/N: refused, batch ids are not reused' '
	again "rm offsets/2" && test "$(statuses)" != 00000 &&
	grep "st-read: checkpoint file .ck/offsets/2. is missing" err
'

test_expect_success 'the last offsets file deleted: refused, its id is committed' '
	again "rm offsets/3" &&
	grep "st-read: checkpoint file .ck/offsets/3. is missing, but batch 3 is committed: a new batch would reuse its id" err
'

test_expect_success 'offsets/ deleted: refused' '
	again "rm -r offsets" &&
	grep "st-read: checkpoint file .ck/offsets/3. is missing, but batch 3 is committed" err
'

test_expect_success 'an offsets file reduced to {"batch":2}: refused, not an empty batch' '
	again "rm commits/2 commits/3 && echo {\\\"batch\\\":2} >offsets/2" &&
	grep "st-read: checkpoint file .ck/offsets/2. is damaged: it has no checksum line" err &&
	test_must_fail test -f ck/commits/2
'

test_expect_success 'a state file cut at a line boundary: refused, naming it' '
	again "head -n 2 state/st-dedup/3 >x && mv x state/st-dedup/3" &&
	grep "st-dedup: checkpoint file .ck/state/st-dedup/3. is damaged" err
'

test_expect_success 'a watermark state with its values missing: refused, not reset' '
	again "head -n 1 state/st-watermark/3 | sed \"s/,\\\"watermark\\\":[^,}]*//\" >x && mv x state/st-watermark/3" &&
	grep "st-watermark: checkpoint file .ck/state/st-watermark/3. is damaged" err
'

test_expect_success 'the state of the last commit missing: refused, naming it' '
	again "rm state/st-window/3" &&
	grep "st-window: checkpoint file .ck/state/st-window/3. is missing: it holds the state after batch 3, the last committed" err
'

test_expect_success 'a missing or unreadable query file: refused, the query is still checked' '
	again "rm state/st-dedup/query" &&
	grep "st-dedup: checkpoint file .ck/state/st-dedup/query. is missing, but .ck/state/st-dedup. holds state" err &&
	again "echo {} >state/st-dedup/query" &&
	grep "st-dedup: checkpoint file .ck/state/st-dedup/query. is damaged" err
'

test_expect_success 'a directory where a state file should be: said so, not "empty state file"' '
	again "rm state/st-window/3 && mkdir state/st-window/3" &&
	grep "st-window: checkpoint file .ck/state/st-window/3. is a directory, not a file" err
'

test_expect_success 'a deleted metadata: refused, no new query id' '
	again "rm metadata" &&
	grep "checkpoint file .ck/metadata. is missing, but the checkpoint holds" err &&
	test_must_fail test -f ck/metadata
'

test_expect_success 'an unreadable commits/ is reported by st-read too' '
	again "rm -r commits && echo x >commits" &&
	grep "st-read: cannot read checkpoint directory .ck/commits.: Not a directory" err
'

test_expect_success 'a failed state save says why (ENOSPC), in st-dedup and st-window' '
	ST_TEST_CKPT_ENOSPC=state/st-dedup/4 again : &&
	grep "st-dedup: cannot write .ck/state/st-dedup/4.: No space left on device" err &&
	test "$(cat rc.3)" = 1 &&
	ST_TEST_CKPT_ENOSPC=state/st-window/4 again : &&
	grep "st-window: cannot write .ck/state/st-window/4.: No space left on device" err &&
	test "$(cat rc.4)" = 1 &&
	test_must_fail test -f ck/commits/4
'

test_expect_success 'after all that, an undamaged checkpoint still gives the same output' '
	again : && test "$(statuses)" = 00000 &&
	cat out/part-*.json | st_json_sort >actual && test_cmp expect actual
'

test_done
