# tests/lib.sh - the shell test harness (after git's t/test-lib.sh).
#
# A test script:
#
#     #!/bin/sh
#     test_description='st-filter keeps matching records'
#     . "$(dirname "$0")/lib.sh"
#
#     test_expect_success 'views only' '
#         printf "%s\n" "{\"a\":1}" "{\"a\":2}" >in &&
#         st-filter "a = 2" <in >actual &&
#         echo "{\"a\":2}" >expect &&
#         test_cmp expect actual
#     '
#     test_done
#
# Each script runs in its own empty directory (tests/trash/<script>.<pid>/,
# removed when every test passed), with
# the tools under test first in PATH: $ST_BIN (default: the sanitizer build
# build/asan/bin, else bin/). A test body is shell code run with 'set -e'
# semantics through '&&' chains; it passes when it exits 0.
#
# Helpers: test_cmp EXPECT ACTUAL (diff -u), test_must_fail CMD (exit 1 or 2,
# not a crash), test_expect_code N CMD, wait_for 'COND' SECONDS (poll a
# shell condition, no fixed sleeps), st_json_sort (canonical sorted NDJSON,
# for comparing sets of records), ckpt_write FILE (stdin as a checkpoint
# file, with its checksum line), $SRCDIR (the repository), $SEEDS.

set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
TEST_NAME=$(basename "$0" .sh)
if [ -z "${ST_BIN:-}" ]; then
	if [ -d "$SRCDIR/build/asan/bin" ]; then
		ST_BIN=$SRCDIR/build/asan/bin
	else
		ST_BIN=$SRCDIR/bin
	fi
fi
PATH=$ST_BIN:$PATH
export PATH ST_BIN SRCDIR
unset ST_CHECKPOINT
. "$SRCDIR/tests/sanitizers.sh"
SEEDS=$SRCDIR/../shared/seeds
# One directory per run, so that two runs of one script (two developers'
# make check at once) cannot wipe each other's files; removed when all passed.
TRASH=$SRCDIR/tests/trash/$TEST_NAME.$$
rm -rf "$TRASH"
mkdir -p "$TRASH"
cd "$TRASH" || exit 1

test_count=0
test_failed=0
test_verbose=${TEST_VERBOSE:-}

say() { printf '%s\n' "$*"; }

test_expect_success() {
	test_count=$((test_count + 1))
	_title=$1
	_body=$2
	if [ -n "$test_verbose" ]; then
		( eval "$_body" )
	else
		( eval "$_body" ) >"$TRASH/.out.$test_count" 2>&1
	fi
	_rc=$?
	if [ $_rc -eq 0 ]; then
		say "ok $test_count - $_title"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $_title (exit $_rc)"
		if [ -z "$test_verbose" ]; then
			sed 's/^/#   /' "$TRASH/.out.$test_count" | tail -n 40
		fi
		printf '%s\n' "$_body" | sed 's/^/#>  /'
	fi
}

test_done() {
	_passed=$((test_count - test_failed))
	say "# $TEST_NAME: $_passed passed, $test_failed failed"
	[ "$test_failed" -eq 0 ] || { say "# kept $TRASH"; exit 1; }
	cd "$SRCDIR" && rm -rf "$TRASH"
	exit 0
}

test_cmp() {
	diff -u "$1" "$2"
}

# Runs CMD and succeeds only when it exits 1 or 2 (not 0, not a crash or a
# sanitizer report).
test_must_fail() {
	"$@"
	_rc=$?
	case $_rc in
	1|2) return 0 ;;
	0) echo "test_must_fail: '$*' succeeded" >&2; return 1 ;;
	*) echo "test_must_fail: '$*' died with $_rc" >&2; return 1 ;;
	esac
}

test_expect_code() {
	_want=$1
	shift
	"$@"
	_rc=$?
	if [ "$_rc" -ne "$_want" ]; then
		echo "test_expect_code: '$*' exited $_rc, wanted $_want" >&2
		return 1
	fi
	return 0
}

# wait_for 'shell condition' SECONDS: polls every 20 ms.
wait_for() {
	_cond=$1
	_limit=$(( ${2:-10} * 50 ))
	_i=0
	while ! eval "$_cond"; do
		_i=$((_i + 1))
		if [ $_i -ge $_limit ]; then
			echo "wait_for: timed out on: $_cond" >&2
			return 1
		fi
		sleep 0.02
	done
	return 0
}

# Canonical form of NDJSON records: keys sorted, lines sorted.
# ckpt_write FILE: writes standard input to FILE as a checkpoint file, with
# the checksum line every checkpoint file ends with (st(7) FILE FORMATS), for
# tests that log a batch by hand. (Perl: CRC-32C, Castagnoli.)
ckpt_write() {
	perl -e '
		local $/; my $d = <STDIN>; $d = "" unless defined $d; my @t;
		for my $i (0 .. 255) {
			my $c = $i;
			$c = $c & 1 ? ($c >> 1) ^ 0x82f63b78 : $c >> 1 for 1 .. 8;
			$t[$i] = $c;
		}
		my $c = 0xffffffff;
		$c = $t[($c ^ $_) & 0xff] ^ ($c >> 8) for unpack "C*", $d;
		printf "%s{\"st-checkpoint\":1,\"length\":%d,\"crc32c\":\"%08x\"}\n",
		    $d, length $d, $c ^ 0xffffffff;
	' >"$1"
}

st_json_sort() {
	jq -cS . "$@" | LC_ALL=C sort
}

# eos: the end-of-stream line, last line of every stream with control lines
# (st(7)); hand-written streams end with it, as st-read's do.
eos() { printf '%s\n' '{"@st":"eos"}'; }
# only_abort FILE TOOL: FILE holds nothing but the abort line TOOL wrote as
# it failed (st(7)), so that the tools downstream fail too.
only_abort() {
	[ "$(wc -l <"$1")" -eq 1 ] &&
	[ "$(jq -c '[.["@st"], .tool]' "$1")" = "[\"abort\",\"$2\"]" ]
}
