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

# A tool's options come from one table (lib/opts.h): --help and getopt's
# tables are built from it, and the hidden --list-options prints it, one
# option a line: long name (or -), short name (or -), placeholder (or -).
# The checks below hold the man page and the completions to that table.

# Every option of a tool, one a line: --long and -s names both.
table_opts() {
	"$1" --list-options | awk '{ if ($1 != "-") print $1; if ($2 != "-") print $2 }' |
		sort -u
}

# The options in the option column of --help: "  -s, --long ...",
# "      --long ..." and "  -s ARG ..." lines, as "LONG SHORT".
help_rows() {
	"$1" --help | sed -n \
		-e 's/^  \(-[A-Za-z]\), \(--[a-z0-9-]*\).*/\2 \1/p' \
		-e 's/^      \(--[a-z0-9-]*\).*/\1 -/p' \
		-e 's/^  \(-[A-Za-z]\) .*/- \1/p' | sort
}

# grep for option $1 as a whole word in file $2.
has_word() {
	grep -Eq -e "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)" "$2"
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
	test_expect_success "$t: --help lists every option of the table, and only those" "
		$t --list-options | awk '{ print \$1, \$2 }' | sort >expect &&
		test -s expect &&
		help_rows $t >actual &&
		test_cmp expect actual &&
		! grep -q -- --list-options expect
	"
	test_expect_success "$t: every option of the table is in the man page" "
		mandoc -T ascii '$SRCDIR/man/$t.1' | col -b >man.txt &&
		for o in \$(table_opts $t); do
			has_word \"\$o\" man.txt || { echo \"missing \$o\"; exit 1; }
		done
	"
	test_expect_success "$t: every option the man page describes is in the table" "
		table_opts $t >table &&
		grep '^\\.It Fl' '$SRCDIR/man/$t.1' |
			grep -o 'Fl -\\{0,1\\}[A-Za-z][a-z0-9-]*' | sed 's/^Fl /-/' |
			sort -u >described &&
		test -s described &&
		comm -13 table described >stale &&
		test_cmp /dev/null stale
	"
	test_expect_success "$t: bash completion exists, parses, offers the table's options" "
		f='$SRCDIR/completions/bash/$t' &&
		bash -n \"\$f\" &&
		fn=\$(sed -n 's/^complete -F \([_a-z]*\) $t\$/\1/p' \"\$f\") &&
		test -n \"\$fn\" &&
		bash -c '. \"\$1\"; COMP_WORDS=($t -); COMP_CWORD=1; \$2
			printf \"%s\n\" \"\${COMPREPLY[@]}\"' sh \"\$f\" \"\$fn\" |
			sort -u >actual &&
		table_opts $t >expect &&
		test_cmp expect actual
	"
	test_expect_success "$t: fish completion exists, parses, offers the table's options" "
		f='$SRCDIR/completions/fish/$t.fish' &&
		fish -n \"\$f\" &&
		fish -c 'source \$argv[1]; complete -C \"$t -\"; complete -C \"$t --\"' \"\$f\" |
			cut -f1 | sort -u >actual &&
		table_opts $t >expect &&
		test_cmp expect actual
	"
	test_expect_success "$t: zsh completion exists, parses, names every option" "
		f='$SRCDIR/completions/zsh/_$t' &&
		zsh -n \"\$f\" &&
		for o in \$(table_opts $t); do
			has_word \"\$o\" \"\$f\" || { echo \"missing \$o\"; exit 1; }
		done
	"
	test_expect_success "$t: an unknown option is a usage error (exit 2) with the tool's prefix" "
		test_expect_code 2 $t --no-such-option </dev/null 2>err &&
		grep -q '^$t: ' err
	"
done

test_done
