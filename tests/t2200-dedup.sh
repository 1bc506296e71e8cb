#!/bin/sh
test_description='st-dedup: dropDuplicates, within the watermark, bounded state'
. "$(dirname "$0")/lib.sh"

batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
ev() { printf '{"User":"%s","t":"2019-01-01 %s","n":%s}' "$1" "$2" "$3"; }
data() { grep -v '^{"@st"' "$@"; }

test_expect_success 'the first row of a key passes, untouched; later ones are dropped' '
	printf "%s\n" "$(ev a 10:00:00 1)" "$(ev a 10:00:00 2)" "$(ev b 10:00:00 3)" "$(ev a 10:01:00 4)" |
	st-dedup -k User,t >actual &&
	printf "%s\n" "$(ev a 10:00:00 1)" "$(ev b 10:00:00 3)" "$(ev a 10:01:00 4)" >expect &&
	test_cmp expect actual
'

test_expect_success 'without --keys a duplicate is a record equal in every field, in any order' '
	printf "%s\n" "{\"a\":1,\"b\":\"x\"}" "{\"a\":1.0,\"b\":\"x\"}" "{\"b\":\"x\",\"a\":1}" "{\"a\":1}" |
	st-dedup >actual &&
	printf "%s\n" "{\"a\":1,\"b\":\"x\"}" "{\"a\":1}" >expect &&
	test_cmp expect actual
'

test_expect_success 'with a watermark: late rows dropped and counted, state evicted' '
	{
		batch 0 "$(ev a 10:00:00 1)" "$(ev a 10:00:00 2)" "$(ev b 10:00:00 3)"
		batch 1 "$(ev a 10:00:00 4)" "$(ev a 09:00:00 5)" "$(ev c 11:00:00 6)"
		batch 2 "$(ev a 10:00:00 7)"
		eos
	} | st-watermark -t t -d 30m | st-dedup -k User,t -t t --late-output late >out &&
	data out >actual &&
	printf "%s\n" "$(ev a 10:00:00 1)" "$(ev b 10:00:00 3)" "$(ev c 11:00:00 6)" >expect &&
	test_cmp expect actual &&
	printf "%s\n" "$(ev a 09:00:00 5)" "$(ev a 10:00:00 7)" >expect &&
	test_cmp expect late &&
	grep "^{\"@st\":\"end\"" out | jq -c ".progress[1] | [.numRowsDroppedByWatermark, .numDuplicatesDropped, .stateRows, .stateRowsRemoved]" >actual &&
	printf "%s\n" "[0,1,2,0]" "[1,1,3,0]" "[1,0,1,2]" >expect &&
	test_cmp expect actual
'

# The key of a (10:00 + 10m) expires in batch 2, whose watermark is 10:35:
# a at 10:40 is new there, and n=5 a duplicate of it.
test_expect_success 'within the watermark: the time need not be a key; a key lives time + delay' '
	{
		batch 0 "$(ev a 10:00:00 1)"
		batch 1 "$(ev a 10:20:00 2)" "$(ev z 10:45:00 3)"
		batch 2 "$(ev a 10:40:00 4)"
		batch 3 "$(ev a 10:40:00 5)"
		eos
	} | st-watermark -t t -d 10m | st-dedup -k User -t t --within-watermark | data >actual &&
	printf "%s\n" "$(ev a 10:00:00 1)" "$(ev z 10:45:00 3)" "$(ev a 10:40:00 4)" >expect &&
	test_cmp expect actual
'

test_expect_success '--max-keys forgets the oldest keys at batch end and says so once' '
	{
		batch 0 "$(ev u1 10:00:00 1)" "$(ev u2 10:00:00 2)" "$(ev u3 10:00:00 3)" "$(ev u1 10:00:00 4)"
		batch 1 "$(ev u1 10:00:00 5)" "$(ev u3 10:00:00 6)"
		eos
	} | st-dedup -k User --max-keys 2 2>err | data >actual &&
	printf "%s\n" "$(ev u1 10:00:00 1)" "$(ev u2 10:00:00 2)" "$(ev u3 10:00:00 3)" "$(ev u1 10:00:00 5)" >expect &&
	test_cmp expect actual &&
	echo "st-dedup: more than 2 keys: forgetting the oldest (their duplicates will pass again); a watermark bounds the state without this" >expect &&
	test_cmp expect err
'

test_expect_success '--max-keys never evicts inside a batch: a duplicate in the batch is dropped' '
	{
		printf "%s\n" "{\"@st\":\"begin\",\"batch\":0,\"ts\":0}"
		i=0 && while [ $i -lt 80 ]; do echo "{\"User\":\"k$i\"}"; i=$((i + 1)); done
		echo "{\"User\":\"k0\"}"
		printf "%s\n" "{\"@st\":\"end\",\"batch\":0}"
		eos
	} | st-dedup -k User --max-keys 1 2>/dev/null | data >actual &&
	test $(wc -l <actual) -eq 80 &&
	test $(grep -c "\"k0\"" actual) -eq 1
'

test_expect_success 'state survives a restart' '
	{ batch 0 "$(ev a 10:00:00 1)"; eos; } | st-dedup -k User --checkpoint ck >/dev/null &&
	{ batch 1 "$(ev a 10:00:00 2)" "$(ev b 10:00:00 3)"; eos; } | st-dedup -k User --checkpoint ck | data >actual &&
	ev b 10:00:00 3 >expect && echo >>expect &&
	test_cmp expect actual
'

test_expect_success 'usage errors' '
	test_expect_code 2 st-dedup -k User -t t </dev/null 2>err &&
	grep "^st-dedup: the event time column .t. must be one of --keys" err &&
	test_expect_code 2 st-dedup -k User --within-watermark </dev/null 2>err &&
	grep "^st-dedup: --within-watermark needs --time" err &&
	test_expect_code 2 st-dedup --max-keys 0 </dev/null 2>err &&
	grep "^st-dedup: --max-keys must be at least 1" err
'

test_done
