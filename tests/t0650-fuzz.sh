#!/bin/sh
test_description='fuzz targets (tests/fuzz): the JSON scanner, the expression parser, the DDL parser; a few seconds each, 0 findings'
. "$(dirname "$0")/lib.sh"

FUZZ_BINS=$(ls "$SRCDIR"/build/fuzz/fuzz_* 2>/dev/null | grep -v '\.o$')

test_expect_success 'every target in tests/fuzz is built' '
	ls "$SRCDIR"/tests/fuzz/fuzz_*.c | sed "s|.*/fuzz_||; s|\.c$||" >expect &&
	for b in $FUZZ_BINS; do echo "${b##*/fuzz_}"; done >actual &&
	test_cmp expect actual
'

test_expect_success 'every target has a seed corpus in the tree' '
	for b in $FUZZ_BINS; do
		ls "$SRCDIR/tests/fuzz/seeds/${b##*/fuzz_}" | grep -q . || exit 1
	done
'

# A fixed number of inputs from a fixed seed (FUZZ_RUNS, about 2 s a
# target here), so that the suite is deterministic; `make fuzz` explores
# for longer, at random.
test_expect_success 'each target runs ${FUZZ_RUNS:-30000} inputs from seed 1 without a finding' '
	sh "$SRCDIR/tests/fuzz/run.sh" "runs:${FUZZ_RUNS:-30000}" corpus $FUZZ_BINS
'

test_done
