#!/bin/sh
test_description='every tool has --help, a man page, completions and the exit codes of the toolkit'
. "$(dirname "$0")/lib.sh"

tools=$(cd "$SRCDIR/bin" && ls st-*.c | sed 's/\.c$//')

test_expect_success 'there are tools to check' '
	test -n "$tools"
'

test_expect_success 'the protocol page st(7) exists and is lint-clean' '
	mandoc -T lint -W warning "$SRCDIR/man/st.7"
'

# The long options a tool lists in its --help.
help_opts() {
	"$1" --help | grep -o -- "--[a-z][a-z0-9-]*" | sort -u
}

for t in $tools; do
	test_expect_success "$t: --help exits 0 and names the tool" "
		$t --help >help &&
		grep -q '$t' help
	"
	test_expect_success "$t: man page exists and is lint-clean" "
		mandoc -T lint -W warning '$SRCDIR/man/$t.1'
	"
	test_expect_success "$t: usage matches the man page SYNOPSIS" "
		mandoc -T ascii '$SRCDIR/man/$t.1' | col -bx |
			sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '1d;\$d' |
			tr -s ' \n' '  ' | sed 's/^ //;s/ \$//' >expect &&
		$t --help | sed -n '1,/^\$/p' | sed 's/^usage: //' |
			tr -s ' \n' '  ' | sed 's/^ //;s/ \$//' >actual &&
		test_cmp expect actual
	"
	test_expect_success "$t: every option of --help is in the man page" "
		mandoc -T ascii '$SRCDIR/man/$t.1' | col -b >man.txt &&
		for o in \$(help_opts $t); do
			grep -q -e \"\$o\" man.txt || { echo \"missing \$o\"; exit 1; }
		done
	"
	for sh in bash zsh fish; do
		case $sh in
		bash) f=$SRCDIR/completions/bash/$t ;;
		zsh) f=$SRCDIR/completions/zsh/_$t ;;
		fish) f=$SRCDIR/completions/fish/$t.fish ;;
		esac
		test_expect_success "$t: $sh completion exists, parses, knows every option" "
			test -f '$f' &&
			$sh -n '$f' &&
			for o in \$(help_opts $t); do
				w=\${o#--}
				grep -q -e \"\$w\" '$f' || { echo \"missing \$o\"; exit 1; }
			done
		"
	done
	test_expect_success "$t: an unknown option is a usage error (exit 2) with the tool's prefix" "
		test_expect_code 2 $t --no-such-option </dev/null 2>err &&
		grep -q '^$t: ' err
	"
done

test_done
