# examples/common.sh - sourced by every example: puts the st tools first in
# PATH (ST_BIN when set, as the tests do; else the clone's bin/, built when
# missing) and moves into a fresh temporary directory, removed at exit.
# $EXAMPLES is the examples directory, $DATA its data/, $TESTDATA the
# tests' data (the trades, impressions, clicks and logins of the lecture).
EXAMPLES=$(cd "$(dirname "$0")" && pwd)
DATA=$EXAMPLES/data
TESTDATA=$EXAMPLES/../tests/data	# data shared with the tests
if [ -z "${ST_BIN:-}" ]; then
	ST_BIN=$EXAMPLES/../bin
	if [ ! -x "$ST_BIN/st-read" ]; then
		sh "$EXAMPLES/../scripts/deps.sh" || exit 1
		echo "st: building..." >&2
		make -C "$EXAMPLES/.." -j2 all >/dev/null || exit 1
	fi
fi
PATH=$ST_BIN:$PATH
export PATH
work=$(mktemp -d "${TMPDIR:-/tmp}/st-example.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# step TITLE COMMAND-TEXT: prints a numbered heading and the command shown.
step_n=0
step() {
	step_n=$((step_n + 1))
	printf '\n== %d. %s\n' "$step_n" "$1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/   $ /'
	return 0
}
