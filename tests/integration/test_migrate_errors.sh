# test_migrate_errors.sh — what `jiesu migrate` says when it cannot do its
# work, as the person running it reads it: a PostgreSQL out of reach is said
# within seconds, naming the server tried (never a password) and what to do.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_migrate_errors
m=$HARNESS_DIR/migrate-errors
mkdir -p "$m"

# ---- PostgreSQL out of reach: nothing listens on port 1 ----
started=$EPOCHREALTIME
JIESU_PG_OWNER_CONNINFO="host=127.0.0.1 port=1 dbname=jiesu user=jiesu_owner password=s3cret-owner" \
    "$JIESU_BIN/jiesu" migrate >"$m/closed.out" 2>&1
rc=$?
took=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
check_eq "jiesu migrate with PostgreSQL out of reach fails" 1 "$rc"
check "… within a few seconds (took ${took} s; it waited 30 s before)" awk -v t="$took" 'BEGIN { exit !(t < 6) }'
check "… naming the server it tried and the key it read" \
    grep -q '连不上 PostgreSQL 127.0.0.1:1（地址取自 pg.owner_conninfo）：那里没有 PostgreSQL 在运行' "$m/closed.out"
check "… saying what to do: start it (make run starts the local one) or check the key's host and port" \
    sh -c "grep -q '先启动它（本机的 PostgreSQL 由 make run 启动），或核对 pg.owner_conninfo 的 host 和 port' '$m/closed.out'"
check "… and never the password" fails grep -q 's3cret-owner' "$m/closed.out"
JIESU_PG_OWNER_CONNINFO='' JIESU_PG_CONNINFO="host=127.0.0.1 port=1 dbname=jiesu user=jiesu_service" \
    "$JIESU_BIN/jiesu" migrate >"$m/closed-service.out" 2>&1
check "without pg.owner_conninfo: pg.conninfo is named, and why it was read" \
    grep -q '连不上 PostgreSQL 127.0.0.1:1（地址取自 pg.conninfo：没有设数据库所有者的 pg.owner_conninfo）' \
    "$m/closed-service.out"
