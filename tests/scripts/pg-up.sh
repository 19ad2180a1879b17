#!/usr/bin/env bash
# Starts (creating on first use) a private PostgreSQL 15 cluster for the tests and benchmarks, on
# 127.0.0.1 in a data folder of its own, and prints its URL on the last line of stdout:
#   postgres://aerie@127.0.0.1:<port>/postgres
# Idempotent: a cluster already running in the folder is left running and its URL printed again.
#
#   AERIE_PG_DIR   data folder (default /tmp/aerie-pg-$USER)
#   AERIE_PG_PORT  port (default 55432)
#   tests/scripts/pg-up.sh stop   stops it.
#
# initdb refuses to run as root: as root the cluster is created and run as the `postgres` user
# (created by Debian's postgresql package), otherwise as the calling user. Local connections are
# trusted (a test cluster reachable only on 127.0.0.1); nothing here is fit for production.
set -euo pipefail

pgdir="${AERIE_PG_DIR:-/tmp/aerie-pg-${USER:-$(id -un)}}"
port="${AERIE_PG_PORT:-55432}"

bin=""
for d in /usr/lib/postgresql/15/bin /usr/local/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then bin="$d"; break; fi
done
[ -n "$bin" ] || { echo "pg-up: pg_ctl/initdb not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-}" = stop ]; then
  as_owner "$bin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi

if [ ! -s "$pgdir/data/PG_VERSION" ]; then
  mkdir -p "$pgdir"
  [ "$(id -u)" = 0 ] && chown postgres: "$pgdir"
  as_owner "$bin/initdb" -D "$pgdir/data" -U aerie --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 || {
    cat "$pgdir/initdb.log" >&2; exit 1; }
fi

if ! as_owner "$bin/pg_ctl" -D "$pgdir/data" status >/dev/null 2>&1; then
  # Tests want speed, not durability: a crash loses the test cluster, which is recreated anyway.
  opts="-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=off -c synchronous_commit=off"
  opts="$opts -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB"
  as_owner "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 -o "$opts" start >/dev/null || {
    tail -20 "$pgdir/server.log" >&2; exit 1; }
fi

echo "postgres://aerie@127.0.0.1:${port}/postgres"
