# tests/lib-kafka.sh - a Kafka broker for the tests; sourced after lib.sh:
#
#     . "$(dirname "$0")/lib.sh"
#     . "$SRCDIR/tests/lib-kafka.sh"
#
#     start_kafka_mock in:3 out:1     # sets $BROKER (127.0.0.1:PORT)
#     kcat -b "$BROKER" -P -t in ...  # kcat: the independent client
#     stop_kafka_mock                 # also done by the EXIT trap
#
# The broker is librdkafka's mock cluster (tests/kafka-mock.c, built into
# build/tests/kafka-mock by make asan), listening on 127.0.0.1 on a port
# the kernel picks, killed when the test exits. Topics not created are
# created on first use with 4 partitions. kafka_cmd sends it a command
# ("create TOPIC N") and waits for its answer.
#
# What librdkafka 2.0.2's mock does not do, so no test here can (details
# in tests/kafka-mock.c): delete a topic or add partitions to one (a
# "re-created topic" is a new broker with the same topic name and the old
# checkpoint; partitions appearing during a run are a new topic matching
# --subscribe-pattern, t0500), and transaction markers: records of aborted
# or open transactions are visible to a read_committed consumer and take
# contiguous offsets, so the exactly-once tests check the sink's batch
# records, not the broker's filtering, and no test has a range ending on
# a control record.

KAFKA_MOCK=$SRCDIR/build/tests/kafka-mock
kafka_pid=
kafka_n=0
BROKER=

kafka_cleanup() {
	[ -z "$kafka_pid" ] || kill "$kafka_pid" 2>/dev/null
	[ -z "$kafka_pid" ] || wait "$kafka_pid" 2>/dev/null
	kafka_pid=
	[ -z "${kafka_fd_open:-}" ] || exec 9>&-
	kafka_fd_open=
	return 0
}

# The EXIT trap: ours, then whatever the test had (lib-fault.sh's cleanup).
kafka_trap() {
	kafka_cleanup
	if command -v cleanup >/dev/null 2>&1; then cleanup; fi
}
trap kafka_trap EXIT
trap "kafka_trap; exit 1" INT TERM

start_kafka_mock() {
	kafka_cleanup
	kafka_n=$((kafka_n + 1))
	_d=kafka.$kafka_n
	rm -f "$_d.in" "$_d.out"
	mkfifo "$_d.in"
	"$KAFKA_MOCK" "$@" <"$_d.in" >"$_d.out" 2>"$_d.err" &
	kafka_pid=$!
	exec 9>"$_d.in"
	kafka_fd_open=1
	wait_for "test -s $_d.out" 20 || { cat "$_d.err" >&2; return 1; }
	BROKER=$(head -n 1 "$_d.out")
	kafka_dir=$_d
	export BROKER
}

stop_kafka_mock() {
	kafka_cleanup
}

# kafka_cmd 'create t 3': sends a command, waits for its answer line.
kafka_cmd() {
	_before=$(wc -l <"$kafka_dir.out")
	echo "$*" >&9
	wait_for "test \$(wc -l <$kafka_dir.out) -gt $_before" 10 || return 1
	tail -n 1 "$kafka_dir.out" | grep -qx ok
}

# kafka_group 'committed G T N' (prints "0=OFF 1=OFF ...", -1001 for
# none) or 'commit G T 0=OFF,1=OFF': the offsets a consumer group has
# committed, asked of the broker as a monitoring tool would.
kafka_group() {
	_before=$(wc -l <"$kafka_dir.out")
	echo "$*" >&9
	wait_for "test \$(wc -l <$kafka_dir.out) -gt $_before" 20 || return 1
	_ans=$(tail -n 1 "$kafka_dir.out")
	case $_ans in
	ok*) printf '%s\n' "${_ans#ok}" | sed 's/^ //' ;;
	*) echo "$_ans" >&2; return 1 ;;
	esac
}

# kafka_count TOPIC: how many records TOPIC holds (read with kcat).
kafka_count() {
	kcat -b "$BROKER" -C -t "$1" -e -q -f '%o\n' | wc -l
}
