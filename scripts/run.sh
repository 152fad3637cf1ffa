#!/usr/bin/env bash
# run.sh — the main job on this machine (`make run`): start Redis and PostgreSQL
# under var/, migrate, start the four services, import the bundled sample and
# print the per-street summary. A second run restarts it all; a run that fails
# stops whatever it had started.
#
#   scripts/run.sh          (make run)
#   scripts/run.sh stop     (make stop) stop it all
#   scripts/run.sh clean    stop it all and delete its data and secrets
#
# Ports: Redis JIESU_RUN_REDIS_PORT (16379), PostgreSQL JIESU_RUN_PG_PORT
# (15432), Open311 JIESU_RUN_INTAKE_HTTP_PORT (7103), dashboard
# JIESU_RUN_REPORT_HTTP_PORT (7133). A port set there must be free; a default
# one taken (by another checkout's make run, say) gives way to the next free
# one, and the closing lines say which. A port taken after that check, before
# the server bound it (two checkouts starting at once), fails the run, which
# then names the port and what to set (ports_taken); a run that passes has
# every server on the port it prints (jiesu status says which web server does
# not listen). The services talk over ipc:// sockets
# under var/run/. Everything under var/ is its user's only (0700, files 0600),
# made so again at each start (private_var).
set -euo pipefail
umask 077

REPO=$(cd "$(dirname "$0")/.." && pwd)
VAR=$REPO/var
BIN=$REPO/build/release/bin
STACK=$VAR/stack
SERVICES="intake assignment escalation reporting"

# shellcheck source=scripts/proc.sh
. "$REPO/scripts/proc.sh"

die() { echo "run: $*" >&2; exit 1; }

# Each service var/run/S.pid names, if that process still runs this
# checkout's jiesu-S (proc_stop: a stale file's number may be another program's).
stop_services() {
    local s
    for s in $SERVICES; do proc_stop "$VAR/run/$s.pid" "$BIN/jiesu-$s"; done
}

stop_all() {
    stop_services
    "$REPO/scripts/stack.sh" stop "$STACK"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# taken_text WHAT VAR PORT: what to do when PORT, set in $VAR, is taken.
taken_text() { echo "$1 的端口 $3（$2）被别的程序占用了：把 $2 设成一个空闲端口"; }

# choose_port WHAT VAR DEFAULT: the port $VAR names (refused when taken), else
# DEFAULT when free, else the next free one above it not chosen already.
# Each choice is kept in PICKED (what|var|port|set: $VAR named it or not).
CHOSEN=" "
PICKED=()
choose_port() {
    local what=$1 var=$2 def=$3 p set=0
    if [ -n "${!var:-}" ]; then
        p=${!var} set=1
        [[ $p =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || die "$var=$p 不是端口号（1 到 65535）"
        port_free "$p" || die "$(taken_text "$what" "$var" "$p")"
    else
        for p in $(seq "$def" $((def + 100))) none; do
            [[ $CHOSEN == *" $p "* ]] || ! port_free "$p" || break
        done
        [ "$p" != none ] || die "$what 的端口 $def-$((def + 100)) 全被占用了：把 $var 设成一个空闲端口"
        [ "$p" = "$def" ] || echo "run: $what 的端口 $def 已被占用（另一个目录的 make run？）；改用 $p" \
                                  "（可用 $var 指定）" >&2
    fi
    CHOSEN="$CHOSEN$p "
    PICKED+=("$what|$var|$p|$set")
    PORT=$p
}

# After a failed run has stopped its own servers: the ports it chose that
# another program took after the check, named with what to set. Taken is a
# port something still answers on, or a web server's that jiesu status
# (STATUS) said did not listen.
STATUS=""
ports_taken() {
    local entry what var p set
    for entry in "${PICKED[@]}"; do
        IFS='|' read -r what var p set <<<"$entry"
        port_free "$p" && ! grep -q "不通 .*http://127\.0\.0\.1:$p/" <<<"$STATUS" && continue
        if [ "$set" = 1 ]; then
            echo "run: $(taken_text "$what" "$var" "$p")" >&2
        else
            printf 'run: %s 的端口 %s 在 make run 选定它之后被别的程序占用了（另一个目录的 make run 同时在启动？）：%s\n' \
                "$what" "$p" "再运行 make run 会另选空闲端口，或者把 $var 设成一个空闲端口" >&2
        fi
    done
}

# Where the services' ipc sockets go: var/run, unless its path is too long for
# a Unix socket (108 bytes), then a private directory under /tmp.
socket_dir() {
    local dir=$VAR/run
    if [ $(( $(printf '%s' "$dir" | wc -c) + 20 )) -gt 107 ]; then
        dir=${TMPDIR:-/tmp}/jiesu-$(id -u)-$(printf '%s' "$VAR" | sha256sum | cut -c1-12)
        mkdir -p "$dir"
        [ -O "$dir" ] && [ "$(stat -c %a "$dir")" = 700 ] || die "$dir 不是 $(id -un) 独用的目录（应为其所有、权限 700）：删掉它再运行"
    fi
    echo "$dir"
}

case ${1:-} in
stop) stop_all; echo "jiesu 已停止"; exit 0 ;;
clean) stop_services; "$REPO/scripts/stack.sh" clean "$STACK"; rm -rf "$VAR/run" "$VAR/log" "$VAR/rejects" "$VAR/sample" "$VAR/jiesu.conf"
       echo "jiesu 已停止，数据和密钥已删除"; exit 0 ;;
"") ;;
*) die "用法：scripts/run.sh [stop|clean]" ;;
esac

# Makes everything under var/ its user's only again, and says so: what an
# older checkout, a service started by hand or a wider umask left open to
# others (a log, Redis's files, a rejects file made 0644) stays so otherwise,
# the umask only governing files made from now on.
private_var() {
    local open
    mkdir -p "$VAR"
    # (a test run under var/test may delete a file meanwhile: not an error)
    open=$(find "$VAR" ! -type l ! -type s -perm /077 -print 2>/dev/null | wc -l)
    [ "$open" = 0 ] && return 0
    find "$VAR" ! -type l ! -type s -perm /077 -exec chmod go= {} + 2>/dev/null || true
    echo "run: var/ 下有 $open 个文件或目录别的用户也能访问（旧版本或更宽的 umask 留下的），已改为只有 $(id -un) 能访问" >&2
}

private_var
stop_all >/dev/null
ok=0
trap '[ $ok = 1 ] || { echo "run: make run 失败，正在停止它已启动的部分" >&2; stop_all >/dev/null 2>&1; ports_taken; }' EXIT

choose_port Redis JIESU_RUN_REDIS_PORT 16379; redis_port=$PORT
choose_port PostgreSQL JIESU_RUN_PG_PORT 15432; pg_port=$PORT
intake_http=${JIESU_INTAKE_HTTP_ADDR:-}
[ -n "$intake_http" ] || { choose_port "Open311 接口" JIESU_RUN_INTAKE_HTTP_PORT 7103; intake_http=127.0.0.1:$PORT; }
report_http=${JIESU_REPORT_HTTP_ADDR:-}
[ -n "$report_http" ] || { choose_port "大屏" JIESU_RUN_REPORT_HTTP_PORT 7133; report_http=127.0.0.1:$PORT; }
sock=$(socket_dir)

mkdir -p "$VAR/run" "$VAR/log" "$VAR/rejects"
"$REPO/scripts/stack.sh" start "$STACK" "$redis_port" "$pg_port" >/dev/null

conf=$VAR/jiesu.conf
rm -f "$conf"
cat >"$conf" <<CONF
# Written by scripts/run.sh for the local stack under var/.
[redis]
addr = 127.0.0.1:$redis_port
password_file = $VAR/secrets/redis.password
[pg]
conninfo = $("$REPO/scripts/stack.sh" conninfo "$STACK" service)
owner_conninfo = $("$REPO/scripts/stack.sh" conninfo "$STACK" owner)
[intake]
router = ipc://$sock/intake.router
pub = ipc://$sock/intake.pub
rejects_dir = $VAR/rejects
spool_dir = $VAR/spool
http_addr = $intake_http
[assignment]
router = ipc://$sock/assignment.router
pub = ipc://$sock/assignment.pub
[escalation]
router = ipc://$sock/escalation.router
pub = ipc://$sock/escalation.pub
[reporting]
router = ipc://$sock/reporting.router
pub = ipc://$sock/reporting.pub
[report]
http_addr = $report_http
[data]
dir = $REPO/data
[db]
migrations_dir = $REPO/db/migrations
[keys]
dir = $VAR/keys
[cli]
key_file = $VAR/keys/admin.key
CONF
export JIESU_CONFIG=$conf

"$BIN/jiesu" keys
"$BIN/jiesu" migrate

for s in $SERVICES; do
    "$BIN/jiesu-$s" >>"$VAR/log/$s.log" 2>&1 &
    echo $! >"$VAR/run/$s.pid"
done
STATUS=$("$BIN/jiesu" status --wait 20) || { echo "$STATUS"; die "有服务没有启动起来或者网页没有在监听（见上面“不通”的一行；日志在 var/log/）"; }

# The people of the demo, each with a key of their own (var/keys/users/):
# a hotline clerk, a dispatcher, a callback agent, the district's campaign
# office and discipline inspector, and one handler per street office.
USERS=$VAR/keys/users
mkdir -p "$USERS"
pg_service=$("$REPO/scripts/stack.sh" conninfo "$STACK" service)
# Each also gets a password for the dashboard and workbench, generated and
# kept in var/secrets/web-passwords (0600).
PASSWORDS=$VAR/secrets/web-passwords
user() {   # user NAME ROLE [UNIT] [DISPLAY]: added once, by the administrator
    local pw
    if [ "$(psql "$pg_service" -XtAc "SELECT count(*) FROM principals WHERE name = '$1'")" = 1 ]; then
        [ -f "$USERS/$1.key" ] && return 0
        die "用户 $1 已存在，但它的密钥 $USERS/$1.key 不见了：\`jiesu user key $1 --key-out $USERS/$1.key\` 可以重新生成"
    fi
    rm -f "$USERS/$1.key"           # of a database that is gone
    sed -i "/^$1 /d" "$PASSWORDS" 2>/dev/null || true
    pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$pw" | "$BIN/jiesu" user add "$1" --role "$2" ${3:+--unit "$3"} ${4:+--display "$4"} \
        --key-out "$USERS/$1.key" --password-stdin >/dev/null
    printf '%-12s %s\n' "$1" "$pw" >>"$PASSWORDS"
}
user clerk clerk "" "话务员 小王"
user dispatcher dispatcher "" "派单员 小李"
user callback callback "" "回访员 小赵"
user campaign campaign 370212.campaign "崂山区创城办 督查专班"
user discipline discipline 370212.discipline "崂山区纪委监委 监督室"
# One handler per street office, named as people read it in an order's history (中韩街道 承办员).
while IFS='|' read -r code name; do
    user "h$code" handler "$code" "$name 承办员"
done < <(psql "$pg_service" -XtA -F '|' -c "SELECT code, name FROM units WHERE kind = 'street' ORDER BY code")
act_as() { local name=$1; shift; "$BIN/jiesu" -k "$USERS/$name.key" "$@"; }

# sample_moved SRC DST: the sample with its calls moved by whole days so that
# its last day is today in Asia/Shanghai (its zone): the bulletin of last week
# (the default) and of this week, and the dashboard, show them whatever the
# day of the run. A call that would come later today than now goes a day
# earlier; a date that is no date (row 121's, bad on purpose) stays as it is.
sample_moved() {
    local src=$1 dst=$2 d s last=0 map="" today yesterday
    today=$(TZ=Asia/Shanghai date +%Y/%-m/%-d)
    yesterday=$(TZ=Asia/Shanghai date -d yesterday +%Y/%-m/%-d)
    declare -A secs
    for d in $(awk -F, 'NR > 1 { split($2, a, " "); if (a[1] ~ /^[0-9]+\/[0-9]+\/[0-9]+$/) print a[1] }' "$src" | sort -u); do
        s=$(date -u -d "${d//\//-}" +%s 2>/dev/null) || continue
        secs[$d]=$s
        [ "$s" -gt "$last" ] && last=$s
    done
    local days=$(( ($(date -u -d "${today//\//-}" +%s) - last) / 86400 ))
    for d in "${!secs[@]}"; do
        map+="$d=$(date -u -d "@$((secs[$d] + days * 86400))" +%Y/%-m/%-d);"
    done
    awk -F, -v OFS=, -v map="$map" -v today="$today" -v yesterday="$yesterday" \
        -v now="$(TZ=Asia/Shanghai date +%H:%M)" '
        BEGIN { n = split(map, kv, ";"); for (i = 1; i <= n; i++) if (split(kv[i], p, "=") == 2) to[p[1]] = p[2]
                split(now, hm, ":"); now_min = hm[1] * 60 + hm[2] }
        NR > 1 { split($2, a, " ")
                 if (a[1] in to) { d = to[a[1]]; split(a[2], t, ":")
                                   if (d == today && t[1] * 60 + t[2] > now_min) d = yesterday
                                   $2 = d " " a[2] } }
        { print }' "$src" >"$dst"
}
# The sample is imported once: an earlier run's import holds its tickets, and
# the same tickets moved to another day would be refused as taken by other
# complaints (one row in each of them).
first_ticket=$(awk -F, 'NR == 2 { print $1; exit }' "$REPO/data/sample/complaints.csv")
if [ "$(psql "$pg_service" -XtAc "SELECT count(*) FROM complaints WHERE ticket_no = '$first_ticket'")" != 0 ]; then
    echo "样例已在此前的 make run 导入（工单 $first_ticket 等已入库），这次不再导入；要按今天的日期重新导入：scripts/run.sh clean（删除全部数据和密钥），再 make run"
else
    mkdir -p "$VAR/sample"
    sample_moved "$REPO/data/sample/complaints.csv" "$VAR/sample/complaints.csv"
    rm -f "$VAR/sample/complaints.拒收明细"*.csv     # an earlier run's rejects, fetched beside the sample
    act_as clerk import "$VAR/sample/complaints.csv"
fi
for _ in $(seq 100); do
    [ "$("$BIN/jiesu" report --json | jq '.unrouted')" = 0 ] && break
    sleep 0.2
done

# A morning of the street offices' work on the sample, through the same
# commands a unit uses, so the dashboard and the bulletin have something to
# rank: each street accepts, resolves and gets callbacks at its own pace.
# Only on the first run (a re-run finds nothing dispatched to act on).
# (owned by the street office itself: a conduct complaint about it is discipline
# inspection's, with the street's code beside it, and the street may not touch it)
demo_tickets() {   # demo_tickets STATUS "n1 n2 n3 n4 n5": the first n of each street, by street code
    psql "$pg_service" -XtA -v ON_ERROR_STOP=1 -c "
        SELECT ticket_no, street_code FROM (
            SELECT c.ticket_no, a.street_code, row_number() OVER (PARTITION BY a.street_code ORDER BY c.id) AS n
            FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner'
            JOIN units u ON u.id = a.unit_id AND u.code = a.street_code
            WHERE c.status = '$1') t
        JOIN (SELECT code, ord FROM unnest(string_to_array('$2', ' ')::int[]) WITH ORDINALITY AS q(quota, ord)
              JOIN LATERAL (SELECT code FROM regions WHERE level = 'street' ORDER BY code OFFSET ord - 1 LIMIT 1) r ON true
              ) s ON s.code = t.street_code
        WHERE t.n <= (string_to_array('$2', ' ')::int[])[s.ord]" | tr '|' ' '
}
demo_act() {       # demo_act ACTION STATUS QUOTAS [ARGS...]: each order by its own street's handler
    local action=$1 status=$2 quotas=$3 ticket street running=0 cores; shift 3
    cores=$(nproc)  # as many at once as there are cores: each is an order of its own
    demo_tickets "$status" "$quotas" | {
        while read -r ticket street; do
            who=h$street; [ "$action" = callback ] && who=callback
            act_as "$who" "$action" "$ticket" "$@" </dev/null >/dev/null &
            running=$((running + 1))
            [ "$running" -lt "$cores" ] || { wait -n || true; running=$((running - 1)); }
        done
        wait    # (this subshell's own: the services run.sh started are not its children)
    }
}
if [ -n "$(demo_tickets dispatched "1 1 1 1 1")" ] && [ -z "$(demo_tickets accepted "1 1 1 1 1")" ]; then
    echo "模拟各街道办事处一上午的工作（jiesu accept、resolve、callback）……"
    demo_act accept dispatched "30 22 14 8 4"
    demo_act resolve accepted "16 9 5 2 1" "已处理"
    demo_act callback resolved "1 1 0 0 0" unsatisfied "仍未解决"
    demo_act callback resolved "12 6 3 1 0" satisfied
fi
echo
"$BIN/jiesu" report
echo
act_as dispatcher manual --limit 5
ok=1
url() { [ "$1" = off ] && echo "off" || echo "http://$1$2"; }
cat <<TXT

各服务继续在后台运行（日志在 var/log/）。
  大屏：            $(url "$report_http" /)        Open311：$(url "$intake_http" /services.json)
  Redis：           127.0.0.1:$redis_port        PostgreSQL：127.0.0.1:$pg_port（密码在 var/secrets/）
  工作台：          $(url "$report_http" /work)   以 clerk（导入文件）、dispatcher、campaign、discipline、callback 或 h370212001 … 登录
                    （他们的密码：var/secrets/web-passwords）
试试：
  export JIESU_CONFIG=$(printf '%q' "$conf")
  $(printf '%q' "$BIN/jiesu") status          # 以管理员身份（cli.key_file：var/keys/admin.key）
  $(printf '%q' "$BIN/jiesu") user list       # 谁可以操作；演示用户的密钥在 var/keys/users/
  $(printf '%q' "$BIN/jiesu") -k var/keys/users/dispatcher.key show <工单号>   # 派单决定和理由
  $(printf '%q' "$BIN/jiesu") -k var/keys/users/h370212001.key alerts          # 一个街道办事处未确认的告警
  $(printf '%q' "$BIN/jiesu") daily                      # 今天各街道的派单表
  $(printf '%q' "$BIN/jiesu") -k var/keys/users/campaign.key bulletin --out var/bulletin   # 创城办看到的上周周通报（默认）：CSV、XLSX、HTML
  $(printf '%q' "$BIN/jiesu") -k var/keys/users/campaign.key bulletin --week 本周 --out var/bulletin   # 本周至今
  make stop
TXT
