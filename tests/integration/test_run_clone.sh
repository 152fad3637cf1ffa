# test_run_clone.sh — make run's script (scripts/run.sh) in a clone inside a
# private directory (mktemp -d, 0700; a path with a space and Chinese
# characters), with make run's own binaries (build/release: `make test`
# builds them first, so a warning only the optimiser sees fails the suite),
# run with none of the caller's environment:
#   - a start that fails half-way (migrations missing, after Redis and
#     PostgreSQL started) stops what it had started;
#   - the next run works, on other ports than the defaults when those are
#     taken (held here), and its closing lines name the addresses in use,
#     which answer; the bulletin they suggest counts the sample's calls;
#     everything under var/ is private (0700, files 0600); as root the
#     cluster lives in /var/lib/jiesu/<hash>, the postgres user's, and the
#     private directory stays 0700; PostgreSQL's log of it holds no ERROR;
#   - a run after its dashboard's port was taken (var/jiesu.conf naming it)
#     moves to another, which jiesu status names as listening; a port taken
#     after make run's check, before the server bound it (held bound here,
#     by a socket that does not listen), fails the run, whose jiesu status
#     names the web server not listening, and whose last lines name the port
#     and what to set, chosen or set with JIESU_RUN_INTAKE_HTTP_PORT;
#   - a second run restarts it, making private again (and saying so) what
#     an older version left open under var/ (a log, Redis's files, the web
#     passwords 0644 in a var/ still 0700); stop leaves nothing listening;
#     clean deletes the cluster.
# Sourced by tests/run.sh (uses tests/harness.sh).

priv=$(mktemp -d)
clone="$priv/工单 clone"
mkdir -p "$clone/build/release"
cp -r "$REPO/scripts" "$clone/"
ln -s "$REPO/data" "$clone/data"
ln -s "$REPO/db" "$clone/db"
release=$REPO/build/release/bin
check "make run's binaries are built (build/release: make test builds them)" test -x "$release/jiesu"
ln -s "$release" "$clone/build/release/bin"
out=$HARNESS_DIR/run-clone
mkdir -p "$out"

# clone_env [VAR=VALUE...] COMMAND...: COMMAND with a clean environment.
clone_env() {
    env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" "$@"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_closed() { ! port_open "$1"; }
held=()
hold_port() {      # keeps a listener on port $1 when it is free
    port_open "$1" && return 0
    python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(600)' "$1" &
    held+=($!)
    wait_for "a listener on $1" 10 port_open "$1"
}
hold_bound() {     # keeps port $1 bound but not listening: taken, though a connection is refused
    # (bound as most programs bind, without SO_REUSEADDR, which the servers set: a port a server
    # closed a moment ago, its connections in TIME_WAIT for up to a minute, is taken once they end)
    python3 -c 'import socket, sys, time
s = socket.socket()
for _ in range(700):
    try:
        s.bind(("127.0.0.1", int(sys.argv[1]))); break
    except OSError:
        time.sleep(0.1)
open(sys.argv[2], "w").close(); time.sleep(600)' "$1" "$out/bound-$1" &
    held+=($!)
    wait_for "port $1 bound" 75 test -e "$out/bound-$1"
}
first_free() { local p=$1; while port_open "$p"; do p=$((p + 1)); done; echo "$p"; }   # make run's choice
closing() {        # closing WHAT FILE: the address of WHAT (大屏, Redis, PostgreSQL, Open311) the closing lines name
    case $1 in
    大屏) sed -n 's/^ *大屏： *\(http:[^ ]*\).*/\1/p' "$2" ;;
    Redis) sed -n 's/^ *Redis： *127\.0\.0\.1:\([0-9]*\).*/\1/p' "$2" ;;
    PostgreSQL) sed -n 's/.*PostgreSQL：127\.0\.0\.1:\([0-9]*\).*/\1/p' "$2" ;;
    Open311) sed -n 's/.*Open311：\(http:[^ ]*\).*/\1/p' "$2" ;;
    esac
}

# 1. a start that fails after the servers are up
rp=$(free_port); pp=$(free_port)
clone_env JIESU_RUN_REDIS_PORT="$rp" JIESU_RUN_PG_PORT="$pp" JIESU_DB_MIGRATIONS_DIR=/nonexistent \
    "$clone/scripts/run.sh" >"$out/failed.out" 2>&1
rc=$?
check "a run whose migrations are missing fails" test "$rc" -ne 0
check "... after starting Redis and PostgreSQL (their data is there)" test -s "$clone/var/stack/redis.conf"
check "... and says it stops what it had started" grep -q "make run 失败，正在停止它已启动的部分" "$out/failed.out"
check "... naming what failed, in Chinese" grep -q "执行 /nonexistent 里的数据库迁移失败" "$out/failed.out"
check "... Redis is stopped" port_closed "$rp"
check "... PostgreSQL is stopped" port_closed "$pp"
check "... no service was left" test -z "$(ls "$clone/var/run/"*.pid 2>/dev/null)"

# 2. the next run, the default ports held by someone else
hold_port 16379
hold_port 7133
clone_env "$clone/scripts/run.sh" >"$out/run.out" 2>&1
rc=$?
check_eq "the next run works" 0 "$rc"
redis_port=$(closing Redis "$out/run.out")
pg_port=$(closing PostgreSQL "$out/run.out")
dashboard=$(closing 大屏 "$out/run.out")
open311=$(closing Open311 "$out/run.out")
check "the closing lines name Redis on a port other than the held 16379" test -n "$redis_port" -a "$redis_port" != 16379
check "... and say why" grep -q "Redis 的端口 16379 已被占用" "$out/run.out"
check "the demo's morning of the street offices' work ran, none of its actions refused" \
    sh -c "grep -q '模拟各街道办事处一上午的工作' '$out/run.out' && ! grep -q '^jiesu: ' '$out/run.out'"
check "the dashboard named there answers (not the held 7133)" curl -sf -o /dev/null "$dashboard"
check_eq "... on another port" 1 "$(grep -c -v ':7133/' <<<"$dashboard")"
check "the Open311 address named there answers" curl -sf -o /dev/null "$open311"
check "PostgreSQL is where it says" port_open "$pg_port"
check "every service up (jiesu status)" clone_env JIESU_CONFIG="$clone/var/jiesu.conf" "$release/jiesu" status
check_eq "var/ is 0700" 700 "$(stat -c %a "$clone/var")"
check_eq "no file or directory under var/ open to group or others" "" \
    "$(find "$clone/var" ! -type l -perm /077 -printf '%m %P\n' | head -n 5)"
check "the sample's rejects file is there (0600 with the rest)" test -n "$(ls "$clone/var/rejects/"*.csv)"
clone_env JIESU_CONFIG="$clone/var/jiesu.conf" "$release/jiesu" user list >"$out/users.out" 2>&1
check "each street office's handler is named as people read it in a history (中韩街道 承办员), not by login" \
    grep -q "h370212001 *中韩街道 承办员" "$out/users.out"
# The first bulletin a newcomer makes shows the demo: the sample's calls are
# moved to end today (Asia/Shanghai), so last week's (the default) is full
# and this week's has the days so far.
hot_total() { clone_env JIESU_CONFIG="$clone/var/jiesu.conf" "$release/jiesu" bulletin "$@" --json | jq '[.hotspots.categories[].count] | add // 0'; }
recent="^($(TZ=Asia/Shanghai date +%Y/%-m/%-d)|$(TZ=Asia/Shanghai date -d yesterday +%Y/%-m/%-d)) "
check "the sample's calls end today or yesterday in Asia/Shanghai, not in October" \
    test "$(awk -F, 'NR > 1 { print $2 }' "$clone/var/sample/complaints.csv" | grep -cE "$recent")" -ge 10
check "the bulletin the closing lines suggest (last week's) counts complaints (ten a day: 70)" \
    test "$(hot_total)" -ge 60
check "the closing lines suggest this week's too" grep -q "bulletin --week 本周 --out var/bulletin" "$out/run.out"
check "… both as the campaign office reads them, its list of overdue orders in them (the administrator's key reads no orders: its bulletin lists none)" \
    test "$(grep -c 'jiesu -k var/keys/users/campaign.key bulletin .*--out var/bulletin' "$out/run.out")" = 2
if [ "$(TZ=Asia/Shanghai date +%u)" != 1 ]; then
    check "this week's bulletin counts the days so far" test "$(hot_total --week this)" -gt 0
else
    echo "  skip the check of this week's bulletin: a Monday in Asia/Shanghai (its calls may all be yesterday's)"
fi
if [ "$(id -u)" = 0 ]; then
    home=$(cat "$clone/var/stack/pg.home")
    check "as root the cluster is in /var/lib/jiesu/<hash>" grep -Eq '^/var/lib/jiesu/[0-9a-f]{16}$' <<<"$home"
    check_eq "... owned by postgres, 0700" "postgres 700" "$(stat -c '%U %a' "$home")"
    check_eq "the private directory was left 0700" 700 "$(stat -c %a "$priv")"
else
    echo "  skip the checks of the cluster's place as root: not root"
fi
check_eq "PostgreSQL's log of the run holds no ERROR (a statement prepared once, with no failing first try)" "" \
    "$(grep -m 3 ' ERROR: ' "$(cat "$clone/var/stack/pg.home")/pg.log")"

# 2b. its dashboard's port taken between that run and the next (var/jiesu.conf names it)
clone_env "$clone/scripts/run.sh" stop >"$out/stop-before-taken.out" 2>&1
taken=${dashboard#http://127.0.0.1:}; taken=${taken%/}
hold_port "$taken"
clone_env "$clone/scripts/run.sh" >"$out/run-taken.out" 2>&1
rc=$?
check_eq "a run after its dashboard's port $taken was taken works" 0 "$rc"
dashboard=$(closing 大屏 "$out/run-taken.out")
check "... its dashboard on another port, which answers" \
    sh -c "test -n '$dashboard' -a '$dashboard' != 'http://127.0.0.1:$taken/' && curl -sf -o /dev/null '$dashboard'"
clone_env JIESU_CONFIG="$clone/var/jiesu.conf" "$release/jiesu" status >"$out/status-taken.out" 2>&1
check "jiesu status names the dashboard listening where the closing lines say" \
    grep -q "^大屏和工作台 *正常 *$dashboard " "$out/status-taken.out"
check "... and Open311 too" \
    grep -q "^Open311 接口 *正常 *$(closing Open311 "$out/run-taken.out" | sed 's,services\.json$,,') " "$out/status-taken.out"

# 2c. the port make run chooses for the dashboard taken after its check, before the server binds it
clone_env "$clone/scripts/run.sh" stop >"$out/stop-before-race.out" 2>&1
raced=$(first_free 7133)
hold_bound "$raced"
clone_env "$clone/scripts/run.sh" >"$out/run-raced.out" 2>&1
rc=$?
check "a run whose dashboard could not bind the port it chose fails" test "$rc" -ne 0
check "... without the closing lines of a run that works" fails grep -q "各服务继续在后台运行" "$out/run-raced.out"
check "... its jiesu status saying the dashboard does not listen there" \
    grep -q "^大屏和工作台 *不通 *http://127\.0\.0\.1:$raced/ *没有在监听" "$out/run-raced.out"
check "... its last line naming the port and what to do" \
    sh -c "tail -n 1 '$out/run-raced.out' | grep -q '大屏 的端口 $raced 在 make run 选定它之后被别的程序占用了.*再运行 make run 会另选空闲端口，或者把 JIESU_RUN_REPORT_HTTP_PORT 设成一个空闲端口'"
check "... and it stopped every service" test -z "$(ls "$clone/var/run/"*.pid 2>/dev/null)"
kill "${held[-1]}"; wait "${held[-1]}" 2>/dev/null     # (else the next run would choose it too)

# 2d. the same with Open311's port set (JIESU_RUN_INTAKE_HTTP_PORT)
set_port=$(free_port)
hold_bound "$set_port"
clone_env JIESU_RUN_INTAKE_HTTP_PORT="$set_port" "$clone/scripts/run.sh" >"$out/run-set-raced.out" 2>&1
rc=$?
check "a run whose Open311 could not bind the port set for it fails" test "$rc" -ne 0
check "... its jiesu status saying Open311 does not listen there" \
    grep -q "^Open311 接口 *不通 *http://127\.0\.0\.1:$set_port/" "$out/run-set-raced.out"
check "... its last line naming the port and what to set" \
    sh -c "tail -n 1 '$out/run-set-raced.out' | grep -q 'Open311 接口 的端口 $set_port（JIESU_RUN_INTAKE_HTTP_PORT）被别的程序占用了：把 JIESU_RUN_INTAKE_HTTP_PORT 设成一个空闲端口'"

# 3. again, with files an older version left open (var/ itself still 0700), then stop and clean
chmod 644 "$clone/var/log/intake.log" "$clone/var/secrets/web-passwords"
chmod -R go+rX "$clone/var/stack/redis"
clone_env "$clone/scripts/run.sh" >"$out/rerun.out" 2>&1
rc=$?
check_eq "a second run restarts it all" 0 "$rc"
check "... does not import the sample again, saying so and how to start afresh" \
    grep -q "样例已在此前的 make run 导入（工单 202610010000001 等已入库），这次不再导入；要按今天的日期重新导入：scripts/run.sh clean" "$out/rerun.out"
check_eq "... and refuses no row (the sample's tickets moved to another day were refused as taken)" "" \
    "$(grep -m 1 '拒收' "$out/rerun.out")"
check_eq "... and makes what an older version left open under var/ private again" "" \
    "$(find "$clone/var" ! -type l ! -type s -perm /077 -printf '%m %P\n' | head -n 5)"
check "... saying so" grep -q "var/ 下有 [0-9]* 个文件或目录别的用户也能访问" "$out/rerun.out"
check "... and it answers" clone_env JIESU_CONFIG="$clone/var/jiesu.conf" "$release/jiesu" status
redis_port=$(closing Redis "$out/rerun.out"); pg_port=$(closing PostgreSQL "$out/rerun.out")
dashboard=$(closing 大屏 "$out/rerun.out")
clone_env "$clone/scripts/run.sh" stop >"$out/stop.out" 2>&1
check "stop: Redis no longer listens" port_closed "$redis_port"
check "stop: PostgreSQL no longer listens" port_closed "$pg_port"
check "stop: the dashboard no longer answers" fails curl -sf -o /dev/null "$dashboard"
clone_env "$clone/scripts/run.sh" clean >"$out/clean.out" 2>&1
check "clean deletes the cluster and the secrets" test ! -e "${home:-$clone/var/stack}" -a ! -e "$clone/var/secrets"

for p in "${held[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
rm -rf "$priv"
