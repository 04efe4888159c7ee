#!/usr/bin/env bash
# A throwaway PostgreSQL for the db workload's tests: Debian's server, a cluster of its own
# in a temporary folder, on 127.0.0.1 only, stopped and deleted by `stop`.
#   source <(bash deploy/postgres.sh start)   # prints the LAB_TEST_WORKLOAD_DB_* exports
#   bash deploy/postgres.sh stop
# Installs Debian's postgresql package when no server is there. Port: $LAB_PG_PORT (55432).
set -euo pipefail
port="${LAB_PG_PORT:-55432}"
state=/tmp/concurrency-lab-postgres
cmd="${1:-start}"

bin_dir() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_postgres() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
start)
	if [ -z "$(bin_dir)" ]; then
		echo "installing Debian's postgresql" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
		# Debian's package starts a cluster of its own on 5432; ours is separate.
	fi
	bin="$(bin_dir)"
	if [ -f "$state/data/postmaster.pid" ]; then
		as_postgres "$bin/pg_ctl" -D "$state/data" -m immediate stop >&2 || true
	fi
	rm -rf "$state"
	mkdir -p "$state"
	echo lab >"$state/password"
	if [ "$(id -u)" = 0 ]; then chown -R postgres "$state"; fi
	as_postgres "$bin/initdb" -D "$state/data" -U postgres -A scram-sha-256 --pwfile="$state/password" >/dev/null
	as_postgres "$bin/pg_ctl" -D "$state/data" -l "$state/log" -w \
		-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$state -c max_connections=100" \
		start >&2
	echo "export LAB_TEST_WORKLOAD_DB_URL=jdbc:postgresql://127.0.0.1:$port/postgres"
	echo "export LAB_TEST_WORKLOAD_DB_USER=postgres"
	echo "export LAB_TEST_WORKLOAD_DB_PASSWORD=lab"
	;;
stop)
	bin="$(bin_dir)"
	if [ -n "$bin" ] && [ -f "$state/data/postmaster.pid" ]; then
		as_postgres "$bin/pg_ctl" -D "$state/data" -m fast stop >&2
	fi
	rm -rf "$state"
	;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
