# tests/lib-pg.sh - a throwaway PostgreSQL server for the tests of the
# PostgreSQL sink; sourced after lib.sh:
#
#     . "$SRCDIR/tests/lib-pg.sh"
#     pg_start || exit 1	# initdb, pg_ctl start; stopped on exit
#     			# (at the top level, not in a test body)
#     psql -c 'SELECT 1'	# PGHOST, PGPORT, PGUSER, PGDATABASE set
#
# The server is Debian's postgresql (/usr/lib/postgresql/N/bin), its data
# and its unix socket in a fresh directory under /tmp, listening on no TCP
# port at all, so that servers of tests running at once never meet. initdb
# refuses to run as root: as root (CI), the server runs as the postgres
# user (runuser), in a directory that user owns. Local connections are
# trusted, except for the role "secret", which needs its password (for the
# password tests). pg_stop is the EXIT trap; a test with a trap of its own
# calls it there.

PG_BIN=
for _d in /usr/lib/postgresql/*/bin; do
	[ -x "$_d/initdb" ] && PG_BIN=$_d
done
PG_DIR=

pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_stop() {
	if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
		pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
		rm -rf "$PG_DIR"
	fi
	PG_DIR=
}

pg_start() {
	[ -n "$PG_BIN" ] || { echo "lib-pg: no PostgreSQL server (install postgresql)" >&2; return 1; }
	PG_DIR=$(mktemp -d /tmp/st-pg.XXXXXX) || return 1
	chmod 755 "$PG_DIR"
	[ "$(id -u)" -ne 0 ] || chown postgres "$PG_DIR"
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust \
		--no-sync >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log" >&2; return 1; }
	printf '%s\n' "local all secret scram-sha-256" "local all all trust" \
		>"$PG_DIR/hba" && chmod 644 "$PG_DIR/hba" &&
	pg_as cp "$PG_DIR/hba" "$PG_DIR/data/pg_hba.conf" || return 1
	# Any port number: with no TCP listener it only names the socket.
	PGPORT=5432
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 -l "$PG_DIR/log" \
		-o "-c listen_addresses= -c unix_socket_directories=$PG_DIR -c port=$PGPORT -c fsync=off" \
		start >/dev/null || { cat "$PG_DIR/log" >&2; return 1; }
	PGHOST=$PG_DIR PGUSER=postgres PGDATABASE=postgres
	export PGHOST PGPORT PGUSER PGDATABASE
	unset PGPASSWORD PGPASSFILE PGSERVICE PGOPTIONS
	trap pg_stop EXIT INT TERM
}

# pq SQL: the rows of a query, unaligned, "|" between columns.
pq() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"
}
