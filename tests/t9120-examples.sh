#!/bin/sh
test_description='every example of examples/ runs and prints what it shows'
. "$(dirname "$0")/lib.sh"

# Each example prints its steps and their results; the expected output is
# tests/data/examples/NAME.out (regenerate after a deliberate change with
# ST_BIN=build/asan/bin sh examples/NAME.sh >tests/data/examples/NAME.out,
# then read the diff).
for ex in tutorial trades activity invoices joins kafka; do
	test_expect_success "examples/$ex.sh" "
		sh \"\$SRCDIR/examples/$ex.sh\" >actual 2>err &&
		test_cmp \"\$SRCDIR/tests/data/examples/$ex.out\" actual &&
		test ! -s err
	"
done

test_done
