#!/bin/sh
# tests/run-all.sh [unit|e2e] - runs the unit suites (Check) and the
# end-to-end shell tests, then prints one closing line "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
what=${1:-all}
passed=0
failed=0
failed_names=

# A sanitizer report fails a unit check as it fails an end-to-end test.
. tests/sanitizers.sh

if [ "$what" != e2e ]; then
	for u in build/asan/unit/check_*; do
		[ -x "$u" ] || continue
		out=$(CK_FORK=yes "$u" 2>&1)
		rc=$?
		printf '%s\n' "$out" | grep -E '^[0-9]+%:|:[EF]:' | sed "s|^|${u##*/}: |"
		n=$(printf '%s\n' "$out" | sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p')
		set -- $n
		if [ $# -eq 3 ]; then
			passed=$((passed + $1 - $2 - $3))
			failed=$((failed + $2 + $3))
		fi
		if [ $rc -ne 0 ] && [ $# -ne 3 ]; then
			failed=$((failed + 1))
		fi
		[ $rc -eq 0 ] || failed_names="$failed_names ${u##*/}"
	done
fi

if [ "$what" != unit ]; then
	for t in tests/t[0-9]*.sh; do
		[ -f "$t" ] || continue
		# A hung test must not hang the suite: each script gets at most
		# ST_TEST_TIMEOUT seconds (it fails when it needs more).
		out=$(timeout -k 5 "${ST_TEST_TIMEOUT:-300}" sh "$t" 2>&1)
		rc=$?
		[ $rc -eq 124 ] && out="$out
not ok - ${t##*/} timed out after ${ST_TEST_TIMEOUT:-300} s"
		printf '%s\n' "$out" | grep -v '^ok ' 
		n=$(printf '%s\n' "$out" | sed -n 's/^# .*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -n 1)
		set -- $n
		if [ $# -eq 2 ]; then
			passed=$((passed + $1))
			failed=$((failed + $2))
		else
			failed=$((failed + 1))
		fi
		[ $rc -eq 0 ] || failed_names="$failed_names ${t##*/}"
	done
fi

[ -z "$failed_names" ] || echo "failing:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$failed_names" ]
