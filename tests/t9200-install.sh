#!/bin/sh
test_description='make install and uninstall honour PREFIX and DESTDIR'
. "$(dirname "$0")/lib.sh"

tools=$(cd "$SRCDIR/bin" && ls st-*.c | sed 's/\.c$//')

test_expect_success 'install puts tools, man pages and completions under DESTDIR/PREFIX' '
	make -s -C "$SRCDIR" install DESTDIR="$TRASH/root" PREFIX=/opt/st >/dev/null &&
	for t in $tools; do
		test -x root/opt/st/bin/$t &&
		test -f root/opt/st/share/man/man1/$t.1 &&
		test -f root/opt/st/share/bash-completion/completions/$t &&
		test -f root/opt/st/share/zsh/site-functions/_$t &&
		test -f root/opt/st/share/fish/vendor_completions.d/$t.fish || exit 1
	done &&
	test -f root/opt/st/share/man/man7/st.7 &&
	root/opt/st/bin/st-filter --version >v &&
	grep -q "^st-filter " v
'

test_expect_success 'uninstall removes every installed file' '
	make -s -C "$SRCDIR" uninstall DESTDIR="$TRASH/root" PREFIX=/opt/st >/dev/null &&
	find root -type f >left &&
	test_must_fail test -s left
'

test_done
