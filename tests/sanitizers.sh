# tests/sanitizers.sh - the sanitizer settings of every test, sourced by
# tests/lib.sh (end-to-end tests) and tests/run-all.sh (unit suites): ASan
# counts leaks as errors, and both report to stderr with a distinct exit
# code; UBSan stops at its first report, so that a report fails the test
# instead of being printed while the test passes.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=86:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}
export ASAN_OPTIONS UBSAN_OPTIONS
