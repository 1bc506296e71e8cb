#!/bin/sh
# scripts/deps.sh - makes sure the Debian packages st builds and tests with
# are installed: installs the missing ones with apt-get when run as root,
# otherwise prints the exact command and fails.
#
# Build: gcc, make, pkg-config, jansson, libcsv, SQLite, librdkafka, libpq,
# avro-c, zlib (Avro files with the deflate codec), Check; clang 14 and
# its runtime for the libFuzzer targets (make fuzz, and briefly make check).
# Tests: jq (comparing JSON), mandoc (man page lint), bash, zsh and fish
# (completion syntax checks), sqlite3 (reading what the SQLite sink wrote),
# xmllint from libxml2-utils (parsing the chart sink's XHTML), kcat (the
# independent Kafka client of the Kafka tests), promtool from prometheus
# (checking the metrics st-status and st-sink write), postgresql (a
# throwaway server for the PostgreSQL sink, tests/lib-pg.sh);
# python3 is not needed.
# Benchmarks (make bench) also use miller and hyperfine when present.

need="gcc make pkg-config libjansson-dev libcsv-dev libsqlite3-dev librdkafka-dev libpq-dev libavro-dev zlib1g-dev check jq mandoc sqlite3 postgresql bash zsh fish libxml2-utils kcat prometheus"
# The fuzz targets (tests/fuzz, make fuzz; briefly in make check).
need="$need clang-14 libclang-rt-14-dev"
[ "${1:-}" = bench ] && need="$need miller valgrind"

missing=
for p in $need; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "st: installing missing packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine has no package lists yet.
	apt-get update -qq >/dev/null 2>&1 || apt-get update
	apt-get install -y -qq $missing >/dev/null || apt-get install -y $missing || exit 1
	exit 0
fi
echo "st: missing Debian packages:$missing" >&2
echo "st: install them with:  sudo apt-get install -y$missing" >&2
exit 1
