#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster in a temporary folder (loopback port), run the given
# command with DATABASE_URL pointing at it, then stop and remove the cluster.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/channeldesk-pg.XXXXXX)
port=${PGTEST_PORT:-$((20000 + RANDOM % 20000))}
run_as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$dir" postgres
  chown postgres "$dir"
  run_as=(runuser -u postgres --)
fi
"${run_as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-locale -E UTF8 >/dev/null
"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
cleanup() { "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres channeldesk
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/channeldesk"
export CHANNELDESK_DATA_DIR=${CHANNELDESK_DATA_DIR:-$PWD/var}/test-postgres
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port"
"$@"
