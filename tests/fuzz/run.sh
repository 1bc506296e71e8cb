#!/bin/sh
# tests/fuzz/run.sh SECONDS DIR TARGET... - runs each libFuzzer target for
# SECONDS seconds over its seed corpus, and fails on the first finding.
#
# The pattern (one file per target, no list to edit):
#   tests/fuzz/fuzz_NAME.c   the target: LLVMFuzzerTestOneInput(), linked
#                            with the whole library (build/fuzz/libst.a,
#                            built with clang, ASan, UBSan and coverage);
#   tests/fuzz/seeds/NAME/   its seed corpus, in the tree (add every input
#                            that once crashed, as a regression seed);
#   tests/fuzz/NAME.dict     its dictionary, when there is one.
# The Makefile builds build/fuzz/fuzz_NAME for every fuzz_NAME.c. New inputs
# the fuzzer finds go to DIR/NAME (not in the tree); a crashing input is
# saved as DIR/crash-NAME-* and printed. `make fuzz` runs 60 s a target
# (FUZZ_TIME). SECONDS may also be "runs:N": N inputs from the fixed seed
# 1, the same inputs on every run of the same build, as `make check` does
# (tests/t0650-fuzz.sh): a suite that must be deterministic cannot fail
# on one run and pass on the next by chance.
set -u
case $1 in
runs:*) limit="-runs=${1#runs:} -seed=1" ;;
*) limit="-max_total_time=$1" ;;
esac
dir=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
rc=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	mkdir -p "$dir/$name"
	dict=
	[ -f "$src/$name.dict" ] && dict=-dict=$src/$name.dict
	if ! "$bin" $limit -max_len=4096 -timeout=10 \
	    -rss_limit_mb=1024 -print_final_stats=0 $dict \
	    -artifact_prefix="$dir/crash-$name-" "$dir/$name" \
	    "$src/seeds/$name" >"$dir/$name.log" 2>&1; then
		echo "fuzz: $name: a finding (see $dir/$name.log):" >&2
		tail -n 40 "$dir/$name.log" >&2
		rc=1
		continue
	fi
	grep -E '^(#[0-9]+).*DONE' "$dir/$name.log" | tail -1 |
	    sed "s|^|fuzz: $name: |"
done
exit $rc
