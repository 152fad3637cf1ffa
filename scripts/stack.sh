#!/usr/bin/env bash
# stack.sh — a private Redis + PostgreSQL pair for one directory (make run's
# var/stack, a test run's, a benchmark's), with generated passwords and roles
# that may do only what they need.
#
#   scripts/stack.sh start DIR REDIS_PORT PG_PORT   start both (set up on first use) and print the
#                                                   environment lines for them; a failed start
#                                                   stops what it had started
#   scripts/stack.sh conninfo DIR ROLE [DB]         libpq conninfo of ROLE (admin, owner, service)
#                                                   on database DB (jiesu)
#   scripts/stack.sh createdb DIR NAME              (re)create database NAME owned by the owner role
#   scripts/stack.sh stop DIR                       stop both
#   scripts/stack.sh stop-pg DIR / stop-redis DIR   stop one of them (start brings it back): a test
#                                                   of the services without their database or Redis
#   scripts/stack.sh clean DIR                      stop both and delete their data and secrets
#
# Roles: jiesu_admin, the cluster's bootstrap superuser, is used by this script
# only (roles, databases); jiesu_owner owns the schema and runs `jiesu migrate`
# (no superuser, cannot create roles or databases); jiesu_service is what the
# services connect as: rows only, as db/grants.sql says. Each role's password
# is generated at set-up and kept in a pgpass file of its own (libpq's
# passfile=) in DIR/../secrets (0700, files 0600), with Redis's password
# (redis.password), which Redis reads from DIR/redis.conf (0600), never from
# its command line. PostgreSQL listens on 127.0.0.1 only and checks every
# connection's password with SCRAM (pg_hba.conf has no trust line); Redis
# binds 127.0.0.1 in protected mode.
#
# PostgreSQL refuses to run as root, so as root the cluster is owned by and run
# as Debian's unprivileged 'postgres' user, in a directory that user owns
# whatever the checkout's path and permissions (a 0700 home, say):
# /var/lib/jiesu/<first 16 hex digits of the SHA-256 of DIR>/ (0700), named in
# DIR/pg.home so that stop and clean find it, and naming DIR in its stack.dir
# (the path alone) and checkout (a sentence; older versions wrote only that).
# Otherwise the cluster is in DIR. As root, start first deletes the clusters
# there whose DIR is gone (a CI clone removed, a worktree deleted): see
# prune_clusters. STACK_CLUSTERS puts them elsewhere than /var/lib/jiesu (tests).
# A cluster whose secrets are gone (DIR deleted, or set up before passwords) is
# deleted and set up anew.
# Set STACK_FAST=1 to turn off fsync (tests: a killed process still loses nothing,
# only an operating-system crash could). STACK_PG_OPTS adds server settings
# ("-c track_commit_timestamp=on": a benchmark reading commit times).
set -euo pipefail
umask 077

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)     # db/roles.sql, db/database.sql
# shellcheck source=scripts/proc.sh
. "$REPO/scripts/proc.sh"
die() { echo "stack: $*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

CLUSTERS=${STACK_CLUSTERS:-/var/lib/jiesu}      # as root, the clusters' directories

pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] || die "找不到 PostgreSQL 服务器程序（安装 postgresql 软件包：make deps）"
    echo "$d"
}

# Runs a command as the cluster's owner, from / (the checkout may be out of its reach).
as_pg() {
    if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

dir_hash() { printf '%s' "$1" | sha256sum | cut -c1-16; }

# Where the cluster of DIR lives (pg/ and pg.log): see the top of this file.
pg_home_for() {
    if is_root; then
        echo "$CLUSTERS/$(dir_hash "$1")"
    else
        echo "$1"
    fi
}

secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# Replaces file $1 with standard input, 0600 even when an older file was not.
write_private() { rm -f "$1"; cat >"$1"; }

pgpass_file() { echo "$SECRETS/pg-$1.pgpass"; }

have_secrets() {
    local r
    for r in admin owner service; do [ -s "$(pgpass_file "$r")" ] || return 1; done
    [ -s "$SECRETS/redis.password" ]
}

new_secrets() {
    local r
    mkdir -p "$SECRETS"; chmod 700 "$SECRETS"
    for r in admin owner service; do
        printf '127.0.0.1:*:*:jiesu_%s:%s\n' "$r" "$(secret)" | write_private "$(pgpass_file "$r")"
    done
    secret | write_private "$SECRETS/redis.password"
}

pg_password() { cut -d: -f5 "$(pgpass_file "$1")"; }

# conninfo ROLE DB: the libpq conninfo of ROLE on DB (values quoted for libpq).
conninfo() {
    local file
    file=$(pgpass_file "$1" | sed "s/[\\\\']/\\\\&/g")
    printf "host=127.0.0.1 port=%s dbname=%s user=jiesu_%s passfile='%s'\n" "$(cat "$DIR/pg.port")" "$2" "$1" "$file"
}

admin_psql() { psql "$(conninfo admin postgres)" -XqAt -v ON_ERROR_STOP=1 "$@"; }

# ---- Redis ----

redis_conf_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"; }

# redis_ask PORT: AUTH with our password, then PING, on PORT, waiting at most
# REDIS_WAIT seconds (redis-cli alone waits for ever on a program that takes
# the connection and never answers): 0 when it is ours (OK, PONG), 1 when
# nothing listens yet, 2 when nothing answered in time, 3 when a Redis
# answers without taking our password (one with none, or another: not ours,
# though its PING passes). Redis's answers, errors too, are on redis-cli's
# standard output; a refused connection is said on its standard error. The
# password goes on stdin, never on a command line.
REDIS_WAIT=2
redis_ask() {
    local rc=0 said
    said=$(printf 'AUTH %s\nPING\n' "$(cat "$SECRETS/redis.password")" |
           timeout "$REDIS_WAIT" env -u REDISCLI_AUTH redis-cli -p "$1" 2>/dev/null) || rc=$?
    [ "$said" != $'OK\nPONG' ] || return 0
    [ "$rc" != 124 ] || return 2
    [[ $said =~ PONG|WRONGPASS|ERR\ AUTH ]] && return 3
    return 1
}

# redis_not_ours PORT CODE: what to do about PORT, whose answer (redis_ask) was CODE.
redis_not_ours() {
    local set="把 JIESU_RUN_REDIS_PORT 设成一个空闲端口（make run），或者停掉占用它的程序"
    case $2 in
    2) echo "端口 $1 上的程序接受了连接，却在 $REDIS_WAIT 秒内没有应答 Redis 的 PING：它不是这里的 redis-server；$set" ;;
    3) echo "端口 $1 上的 Redis 不接受这里的密码（var/secrets/redis.password）：那是别的 Redis，不是这里启动的 redis-server；$set" ;;
    esac
}

# Our redis-server: the one redis.pid names, if that number is still a
# redis-server on redis.port (its title names the port), not a stale file's.
redis_exe() { command -v redis-server || echo redis-server; }
redis_port_word() { echo ":$(cat "$DIR/redis.port" 2>/dev/null) "; }   # (the title, NULs as spaces, ends in one)
redis_running() {
    [ -f "$DIR/redis.pid" ] && proc_runs "$(cat "$DIR/redis.pid")" "$(redis_exe)" "$(redis_port_word)"
}

stop_redis() { proc_stop "$DIR/redis.pid" "$(redis_exe)" "$(redis_port_word)"; }

start_redis() {
    local port=$1
    if redis_running; then
        [ "$(cat "$DIR/redis.port" 2>/dev/null)" = "$port" ] && redis_ask "$port" && return 0
        stop_redis
    fi
    mkdir -p "$DIR/redis"
    echo "$port" >"$DIR/redis.port"
    write_private "$DIR/redis.conf" <<CONF
# Written by scripts/stack.sh: loopback only, a password, work queues that are never evicted.
port $port
bind 127.0.0.1
protected-mode yes
requirepass $(cat "$SECRETS/redis.password")
dir $(redis_conf_string "$DIR/redis")
pidfile $(redis_conf_string "$DIR/redis.pid")
logfile $(redis_conf_string "$DIR/redis.log")
daemonize yes
appendonly yes
appendfsync everysec
maxmemory-policy noeviction
save ""
CONF
    redis-server "$DIR/redis.conf" || die "redis-server 没能在端口 $port 启动（见 $DIR/redis.log）"
    STARTED+=(redis)
    local deadline=$((SECONDS + 10)) said
    while [ "$SECONDS" -lt "$deadline" ]; do
        redis_ask "$port" && return 0
        said=$?
        [ "$said" = 1 ] || die "$(redis_not_ours "$port" "$said")"
        sleep 0.1
    done
    die "端口 $port 上的 redis-server 不应答 PING：$(tail -n 1 "$DIR/redis.log" 2>/dev/null)（见 $DIR/redis.log）"
}

# ---- PostgreSQL ----

pg_running() { [ -f "$PG_HOME/pg/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_HOME/pg" status >/dev/null 2>&1; }

stop_pg() {
    pg_running || return 0
    as_pg "$(pg_bin)/pg_ctl" -D "$PG_HOME/pg" -m fast -w stop >/dev/null 2>&1 || true
}

# Stops and deletes the cluster in home (its secrets are gone).
drop_pg() {
    local home=$1
    [ -d "$home/pg" ] || return 0
    as_pg "$(pg_bin)/pg_ctl" -D "$home/pg" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "${home:?}/pg" "$home/pg.log"
}

# The pg_hba.conf of every cluster: TCP from 127.0.0.1, every role's password checked with SCRAM.
write_hba() {
    as_pg tee "$PG_HOME/pg/pg_hba.conf" >/dev/null <<'HBA'
# Written by scripts/stack.sh: connections over TCP from 127.0.0.1 only (no Unix
# socket), each with its role's password, checked with SCRAM. No trust anywhere.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  scram-sha-256
HBA
}

# Makes PG_HOME the directory of a new cluster (as root: /var/lib/jiesu/<hash>, the postgres user's).
make_pg_home() {
    if is_root; then
        id postgres >/dev/null 2>&1 || die "没有 postgres 用户（安装 postgresql 软件包：make deps）"
        install -d -m 0755 "$CLUSTERS"
        install -d -m 0700 -o postgres -g postgres "$PG_HOME"
        printf 'the PostgreSQL cluster of %s (scripts/stack.sh)\n' "$DIR" >"$PG_HOME/checkout"
        printf '%s' "$DIR" >"$PG_HOME/stack.dir"
    fi
    echo "$PG_HOME" >"$DIR/pg.home"
}

init_pg() {
    local bin=$1 pwfile recorded
    recorded=$(cat "$DIR/pg.home" 2>/dev/null || true)
    if [ -f "$PG_HOME/pg/PG_VERSION" ] && [ "$recorded" = "$PG_HOME" ] && have_secrets; then return 0; fi
    drop_pg "$PG_HOME"
    drop_pg "$DIR"                  # as root: a cluster of the layout before /var/lib/jiesu
    stop_redis                      # its password is about to change too
    new_secrets
    make_pg_home
    pwfile=$PG_HOME/initdb.pw
    pg_password admin >"$pwfile"
    is_root && chown postgres: "$pwfile"
    as_pg "$bin/initdb" -D "$PG_HOME/pg" -U jiesu_admin --auth=scram-sha-256 --pwfile="$pwfile" \
        -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 || { rm -f "$pwfile"; die "initdb 失败（见 $DIR/initdb.log）"; }
    rm -f "$pwfile"
    write_hba
}

# The owner and service roles (db/roles.sql), with their passwords; database jiesu.
bootstrap_pg() {
    { printf '\\set owner_password %s\n\\set service_password %s\n' "$(pg_password owner)" "$(pg_password service)"
      cat "$REPO/db/roles.sql"; } | admin_psql -f - >/dev/null
    [ "$(admin_psql -c "SELECT count(*) FROM pg_database WHERE datname = 'jiesu'")" = 1 ] || create_db jiesu
}

# (Re)creates database $1; who owns it and who may connect: db/database.sql.
create_db() {
    [[ $1 =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name '$1': lower-case letters, digits and _ only"
    { printf 'SET client_min_messages = warning;\nDROP DATABASE IF EXISTS %s WITH (FORCE);\nCREATE DATABASE %s;\n' "$1" "$1"
      printf '\\set db %s\n' "$1"; cat "$REPO/db/database.sql"; } | admin_psql -f - >/dev/null
}

start_pg() {
    local port=$1 bin opts
    bin=$(pg_bin)
    init_pg "$bin"
    if pg_running; then
        [ "$(cat "$DIR/pg.port" 2>/dev/null)" = "$port" ] && return 0
        stop_pg
    fi
    echo "$port" >"$DIR/pg.port"
    opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200"
    opts="$opts -c password_encryption=scram-sha-256"
    # Autovacuum looks for tables to analyze every 5 s, not every minute: a
    # bulk import fills complaints and routing fills deadlines faster than
    # that, and a plan made without statistics can read a whole table where
    # an index would read a page (README, "Statistics after a bulk import").
    opts="$opts -c autovacuum_naptime=5s"
    [ "${STACK_FAST:-0}" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ -n "${STACK_PG_OPTS:-}" ] && opts="$opts $STACK_PG_OPTS"
    as_pg "$bin/pg_ctl" -D "$PG_HOME/pg" -o "$opts" -l "$PG_HOME/pg.log" -w -t 60 start >/dev/null \
        || die "PostgreSQL 没能在端口 $port 启动（见 $PG_HOME/pg.log）"
    STARTED+=(pg)
    bootstrap_pg
}

# ---- Clusters left behind (as root) ----

# file_text FILE: FILE's bytes into TEXT, a trailing newline included.
file_text() { TEXT=$(cat -- "$1" && echo .) && TEXT=${TEXT%.}; }

# recorded_dir HOME: the DIR whose cluster HOME is, into RECORDED: stack.dir,
# or, from older versions, checkout's sentence. Fails when HOME has neither,
# the sentence reads otherwise, or HOME is not named by the hash of that path.
recorded_dir() {
    local home=$1 head='the PostgreSQL cluster of ' tail=$' (scripts/stack.sh)\n'
    if [ -f "$home/stack.dir" ]; then
        file_text "$home/stack.dir" || return 1
        RECORDED=$TEXT
    else
        file_text "$home/checkout" 2>/dev/null || return 1
        [[ $TEXT == "$head"*"$tail" ]] || return 1
        RECORDED=${TEXT#"$head"}; RECORDED=${RECORDED%"$tail"}
    fi
    [[ $RECORDED == /* ]] && [ "$(dir_hash "$RECORDED")" = "${home##*/}" ]
}

# postmaster_may_run HOME: HOME/pg/postmaster.pid names a live process (or cannot be read).
postmaster_may_run() {
    local pid
    [ -e "$1/pg/postmaster.pid" ] || return 1
    pid=$(head -n 1 "$1/pg/postmaster.pid" 2>/dev/null) && [[ $pid =~ ^[1-9][0-9]*$ ]] || return 0
    ! proc_gone "$pid"
}

# Deletes the clusters in CLUSTERS whose recorded DIR exists no more (nor as a
# dangling link) and whose postmaster is not running; anything else there (a
# cluster of a DIR that exists, whoever's, a directory this script did not
# make) stays. Says in one line how many it deleted and the space freed.
prune_clusters() {
    local home size n=0 bytes=0
    for home in "$CLUSTERS"/*; do
        [ -d "$home" ] && [ ! -L "$home" ] && recorded_dir "$home" || continue
        if [ -e "$RECORDED" ] || [ -L "$RECORDED" ] || postmaster_may_run "$home"; then continue; fi
        size=$(du -sb -- "$home" | cut -f1)
        rm -rf -- "$home" || continue
        n=$((n + 1)) bytes=$((bytes + size))
    done
    [ "$n" = 0 ] || echo "stack: 删除了 $CLUSTERS 下 $n 个 PostgreSQL 集群（它们所属的目录已不存在），腾出 $(numfmt --to=iec --suffix=B "$bytes") 磁盘空间" >&2
}

# Stops what this run started when it fails.
on_exit() {
    local rc=$? what
    [ "$rc" = 0 ] && return 0
    for what in "${STARTED[@]}"; do "stop_$what"; done
    return "$rc"
}

print_env() {
    local rport
    rport=$(cat "$DIR/redis.port")
    printf 'export JIESU_REDIS_ADDR=127.0.0.1:%s JIESU_REDIS_PASSWORD_FILE=%q\n' "$rport" "$SECRETS/redis.password"
    printf 'export JIESU_PG_CONNINFO=%q\n' "$(conninfo service jiesu)"
    printf 'export JIESU_PG_OWNER_CONNINFO=%q\n' "$(conninfo owner jiesu)"
    printf 'export JIESU_TEST_REDIS=127.0.0.1:%s JIESU_TEST_REDIS_PASSWORD_FILE=%q\n' "$rport" "$SECRETS/redis.password"
    printf 'export JIESU_TEST_PG=%q\n' "$(conninfo admin jiesu)"
}

cmd=${1:-}
[ -n "$cmd" ] && [ -n "${2:-}" ] || die "usage: stack.sh start|conninfo|createdb|stop|stop-pg|stop-redis|clean DIR [ARGS...]"
[ "$cmd" = start ] && mkdir -p "$2"
DIR=$(realpath -m -- "$2")
SECRETS=$(dirname "$DIR")/secrets
PG_HOME=$(cat "$DIR/pg.home" 2>/dev/null || pg_home_for "$DIR")
STARTED=()
case $cmd in
start)
    [ $# -eq 4 ] || die "usage: stack.sh start DIR REDIS_PORT PG_PORT"
    chmod 700 "$DIR"
    PG_HOME=$(pg_home_for "$DIR")
    if is_root; then prune_clusters; fi
    trap on_exit EXIT
    start_pg "$4"
    start_redis "$3"
    print_env
    ;;
conninfo)
    [ $# -ge 3 ] && [[ $3 =~ ^(admin|owner|service)$ ]] || die "usage: stack.sh conninfo DIR admin|owner|service [DB]"
    conninfo "$3" "${4:-jiesu}"
    ;;
createdb)
    [ $# -eq 3 ] || die "usage: stack.sh createdb DIR NAME"
    create_db "$3"
    ;;
stop)
    stop_redis
    stop_pg
    if is_root && [ -f "$DIR/pg/PG_VERSION" ]; then      # a cluster of the layout before /var/lib/jiesu
        as_pg "$(pg_bin)/pg_ctl" -D "$DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
stop-pg)
    stop_pg
    ;;
stop-redis)
    stop_redis
    ;;
clean)
    stop_redis
    stop_pg
    drop_pg "$PG_HOME"
    case $PG_HOME in "$CLUSTERS"/????????????????) rm -rf "$PG_HOME" ;; esac
    rm -rf "$DIR" "$SECRETS"
    ;;
*) die "unknown command '$cmd'" ;;
esac
