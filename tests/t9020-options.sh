#!/bin/sh
test_description='command-line mistakes: every tool, every option, one usage error (exit 2) of one line'
. "$(dirname "$0")/lib.sh"

# The options come from one table per tool (lib/opts.h), printed by the
# hidden --list-options: "LONG SHORT PLACEHOLDER", '-' for none. Every
# mistake is st_opt_parse()'s one usage error: exit 2, on standard error
# exactly one line "TOOL: message" (getopt's own messages are off), then
# "try 'TOOL --help' for more information"; the text of a bad duration
# may sit between them with its caret.

tools=$(cd "$SRCDIR/bin" && ls st-*.c | sed 's/\.c$//')

# usage_error TOOL MESSAGE ARGS...: runs TOOL ARGS, expects exit 2 and
# MESSAGE as the only line of standard error that names the tool.
usage_error() {
	_t=$1 _m=$2
	shift 2
	test_expect_code 2 "$_t" "$@" </dev/null >/dev/null 2>err &&
	grep "^$_t: " err >lines &&
	echo "$_t: $_m" >expect &&
	test_cmp expect lines &&
	tail -n 1 err >last &&
	echo "try '$_t --help' for more information" >expect &&
	test_cmp expect last
}

# bad_value TOOL ARGS...: exit 2, one line naming the tool, the try line
# last, whatever the message.
bad_value() {
	_t=$1
	shift
	test_expect_code 2 "$_t" "$@" </dev/null >/dev/null 2>err &&
	test "$(grep -c "^$_t: " err)" = 1 &&
	! grep -q "unrecognized\|invalid option" err &&
	tail -n 1 err >last &&
	echo "try '$_t --help' for more information" >expect &&
	test_cmp expect last
}

for t in $tools; do
	test_expect_success "$t: an unknown long option" "
		usage_error $t \"unknown option '--no-such-option'\" --no-such-option &&
		usage_error $t \"unknown option '--no-such-option'\" --no-such-option=1
	"
	test_expect_success "$t: an unknown short option" "
		usage_error $t \"unknown option '-Q'\" -Q
	"
	test_expect_success "$t: a misspelt option gets the nearest name" "
		usage_error $t \"unknown option '--versoin' (did you mean '--version'?)\" --versoin
	"
	test_expect_success "$t: every option with an argument, given none" "
		$t --list-options >opts &&
		awk '\$3 != \"-\" && \$3 !~ /^\\[/' opts >witharg &&
		test -s witharg &&
		while read -r long short arg; do
			if [ \"\$long\" != - ]; then
				usage_error $t \"option '\$long' requires an argument\" \"\$long\" || exit 1
			fi
			if [ \"\$short\" != - ]; then
				usage_error $t \"option '\$short' requires an argument\" \"\$short\" || exit 1
			fi
		done <witharg
	"
	test_expect_success "$t: every option without an argument, given one" "
		$t --list-options | awk '\$3 == \"-\" && \$1 != \"-\" { print \$1 }' >flags &&
		grep -qx -- --help flags &&
		while read -r long; do
			usage_error $t \"option '\$long' takes no argument\" \"\$long=x\" || exit 1
		done <flags &&
		usage_error $t \"option '--list-options' takes no argument\" --list-options=x
	"
done

# The bad values of each kind of row (lib/opts.h): numbers, minimums,
# sizes, durations, choices, and the tools' own checks.
test_expect_success 'the common options: bad values' '
	for t in st-filter st-select st-watermark st-window st-dedup st-join st-running st-sink st-read; do
		usage_error $t "invalid number '"'"'x'"'"' for --keep-versions" --keep-versions x &&
		usage_error $t "--keep-versions must be at least 2" --keep-versions 1 &&
		usage_error $t "invalid mode '"'"'x'"'"' for --malformed (failfast, dropmalformed, permissive)" --malformed x &&
		usage_error $t "invalid name '"'"'../x'"'"' for --name" --name ../x || exit 1
	done
'

test_expect_success 'st-sink: bad values, each with one message' '
	usage_error st-sink "invalid format '"'"'x'"'"' for --format (json, csv, sqlite, postgres, console, chart, exec, kafka)" -f x &&
	usage_error st-sink "invalid number '"'"'-1'"'"' for --num-rows" --num-rows -1 &&
	usage_error st-sink "invalid mode '"'"'x'"'"' for --delivery (exactly-once, at-least-once)" --delivery x &&
	usage_error st-sink "--topic needs a topic name" --topic "" &&
	usage_error st-sink "option '"'"'--on'"'"' is ambiguous (--on-progress, --on-failure)" --on x &&
	bad_value st-sink --hook-timeout 5x
'

test_expect_success 'st-read: bad values' '
	usage_error st-read "invalid format '"'"'x'"'"' for --format (json, csv, text, avro, kafka, socket, rate)" -f x &&
	usage_error st-read "--max-files-per-trigger must be at least 1" --max-files-per-trigger 0 &&
	usage_error st-read "--max-bytes-per-trigger must be at least 1" --max-bytes-per-trigger 0 &&
	usage_error st-read "invalid size '"'"'3q'"'"' for --max-bytes-per-trigger" --max-bytes-per-trigger 3q &&
	usage_error st-read "invalid port '"'"'0'"'"' for --port (1 to 65535)" --port 0 &&
	usage_error st-read "invalid character '"'"'ab'"'"' for --delimiter (one character)" --delimiter ab &&
	usage_error st-read "invalid value '"'"'x'"'"' for --fail-on-data-loss (false, true)" --fail-on-data-loss x &&
	usage_error st-read "--rows-per-second must be at least 1" --rows-per-second 0 &&
	usage_error st-read "no topics in '"'"', '"'"' for --subscribe" --subscribe ", " &&
	usage_error st-read "invalid source name '"'"'default'"'"' for --source" --source default=x &&
	usage_error st-read "duplicate source '"'"'a'"'"' for --source" --source a=x --source a=y &&
	usage_error st-read "invalid trigger '"'"'x'"'"' for --trigger (default, once, available-now, continuous[=INTERVAL] or an interval like '"'"'5 seconds'"'"')" --trigger x &&
	bad_value st-read --poll-interval 0s
'

test_expect_success 'the operators: bad values' '
	usage_error st-window "invalid mode '"'"'x'"'"' for --mode (append, update, complete)" -m x &&
	bad_value st-window --size "15 minuts" &&
	usage_error st-watermark "invalid policy '"'"'avg'"'"' for --policy (min, max)" -t t -d 1m --policy avg &&
	bad_value st-watermark -t t -d x &&
	usage_error st-dedup "--max-keys must be at least 1" --max-keys 0 &&
	usage_error st-join "invalid join type '"'"'x'"'"' for --type (inner, left, right, full, left_semi, left_anti)" --type x &&
	usage_error st-join "no column names in '"'"','"'"' for --drop-left" --drop-left , &&
	usage_error st-filter "--source given twice" --source a --source b "x > 1" &&
	usage_error st-watermark "--source given twice" -t t -d 1m --source a --source b &&
	usage_error st-watermark "invalid source name '"'"''"'"' for --source" -t t -d 1m --source "" &&
	usage_error st-select "invalid source name '"'"''"'"' for --source" --source "" x &&
	usage_error st-status "invalid number '"'"'x'"'"' for --recent" --recent x /tmp &&
	bad_value st-status --watch=x /tmp
'

test_expect_success 'a short option inside a group of them is named alone' '
	usage_error st-filter "unknown option '"'"'-z'"'"'" -vz "x > 1"
'

test_expect_success '--help is generated from the table: option lines and their help' '
	st-filter --help >help &&
	grep -q "^  -v, --invert            keep the records for which EXPR is not true\$" help &&
	grep -q "^      --keep-versions N   state versions kept in the checkpoint (10)\$" help &&
	st-status --help >help &&
	grep -q "^      --watch\[=INTERVAL\]  refresh every INTERVAL (default 2 seconds)\$" help &&
	! grep -q -- "--checkpoint" help
'

test_done
