#!/usr/bin/env bash
# stack.sh — start and stop a private Redis + PostgreSQL pair under one directory.
#
#   scripts/stack.sh start DIR REDIS_PORT PG_PORT   start both (initialising on first use)
#   scripts/stack.sh env DIR                        print the environment lines for the pair
#   scripts/stack.sh migrate DIR                    apply db/migrations with psql (bootstrap only)
#   scripts/stack.sh stop DIR                       stop both
#
# PostgreSQL refuses to run as root, so when run as root the cluster is owned by and
# run as the unprivileged 'postgres' system user (created by Debian's package).
# Set STACK_FAST=1 to turn off fsync (tests: a killed process still loses nothing,
# only an operating-system crash could).
set -euo pipefail

die() { echo "stack: $*" >&2; exit 1; }

pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] || die "PostgreSQL server binaries not found (install the 'postgresql' package: make deps)"
    echo "$d"
}

# Runs a command as the cluster's owner.
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_redis() {
    local dir=$1 port=$2
    mkdir -p "$dir/redis"
    if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then return 0; fi
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/redis" --daemonize yes \
        --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
        --appendonly yes --appendfsync everysec --maxmemory-policy noeviction --save "" \
        || die "redis-server failed to start on port $port (see $dir/redis.log)"
    for _ in $(seq 50); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "redis-server on port $port did not answer PING (see $dir/redis.log)"
}

init_pg() {
    local dir=$1 bin=$2
    [ -f "$dir/pg/PG_VERSION" ] && return 0
    mkdir -p "$dir/pg"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "user 'postgres' missing (install the 'postgresql' package)"
        chown postgres: "$dir/pg"
        as_pg test -w "$dir/pg" || die "user 'postgres' cannot reach $dir/pg: make its parent directories searchable (chmod o+x)"
    fi
    as_pg "$bin/initdb" -D "$dir/pg" -U jiesu -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || die "initdb failed (see $dir/initdb.log)"
}

start_pg() {
    local dir=$1 port=$2 bin opts
    bin=$(pg_bin)
    init_pg "$dir" "$bin"
    echo "$port" >"$dir/pg.port"
    if as_pg "$bin/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1; then return 0; fi
    opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200"
    [ "${STACK_FAST:-0}" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    touch "$dir/pg.log"; [ "$(id -u)" = 0 ] && chown postgres: "$dir/pg.log"
    as_pg "$bin/pg_ctl" -D "$dir/pg" -o "$opts" -l "$dir/pg.log" -w -t 60 start >/dev/null \
        || die "PostgreSQL failed to start on port $port (see $dir/pg.log)"
    psql -h 127.0.0.1 -p "$port" -U jiesu -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='jiesu'" | grep -q 1 \
        || psql -h 127.0.0.1 -p "$port" -U jiesu -d postgres -qc "CREATE DATABASE jiesu" >/dev/null
}

print_env() {
    local dir=$1 rport pport
    rport=$(sed -n 's/^port //p' "$dir/redis.port")
    pport=$(cat "$dir/pg.port")
    echo "export JIESU_REDIS_ADDR=127.0.0.1:$rport JIESU_TEST_REDIS=127.0.0.1:$rport"
    echo "export JIESU_PG_CONNINFO='host=127.0.0.1 port=$pport dbname=jiesu user=jiesu' JIESU_TEST_PG='host=127.0.0.1 port=$pport dbname=jiesu user=jiesu'"
}

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: stack.sh start|env|migrate|stop DIR [REDIS_PORT PG_PORT]"
case $cmd in
start)
    [ $# -eq 4 ] || die "usage: stack.sh start DIR REDIS_PORT PG_PORT"
    mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
    echo "port $3" >"$dir/redis.port"
    start_redis "$dir" "$3"
    start_pg "$dir" "$4"
    print_env "$dir"
    ;;
env) print_env "$(cd "$dir" && pwd)" ;;
migrate)
    pport=$(cat "$dir/pg.port")
    for f in "$(dirname "$0")"/../db/migrations/*.sql; do
        psql -h 127.0.0.1 -p "$pport" -U jiesu -d jiesu -v ON_ERROR_STOP=1 -q -f "$f" >/dev/null
    done
    ;;
stop)
    dir=$(cd "$dir" 2>/dev/null && pwd) || exit 0
    if [ -f "$dir/redis.pid" ]; then
        kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
        rm -f "$dir/redis.pid"
    fi
    if [ -f "$dir/pg/PG_VERSION" ]; then
        as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
*) die "unknown command '$cmd'" ;;
esac
