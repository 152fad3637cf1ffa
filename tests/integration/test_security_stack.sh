# test_security_stack.sh — who may do what underneath, on the real servers of
# the test stack: the services' PostgreSQL role cannot run programs, read
# password hashes, create roles or tables, nor change the audit trail; nothing
# connects without its password (pg_hba has no trust line); Redis refuses
# commands without AUTH and keeps its password off its command line; secrets
# are their owner's only, and Unix user nobody can neither read them nor get
# in (as root only); a service started with umask 022 still writes its
# rejects file 0600, and intake makes its rejects directory 0700 and an
# older rejects file 0600 again at start; after Redis restarts the services authenticate again and
# go on routing; each service names its PostgreSQL sessions.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_security
stack="$REPO/scripts/stack.sh"
admin_pg=$("$stack" conninfo "$JIESU_STACK_DIR" admin jiesu_security)
secrets=$(dirname "$JIESU_STACK_DIR")/secrets
pg_port=$(cat "$JIESU_STACK_DIR/pg.port")

# as_service SQL: runs SQL as the services' role; prints PostgreSQL's error, if any.
as_service() { psql "$JIESU_PG_CONNINFO" -XtAq -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
refused() { ! as_service "$1" >/dev/null; }
# a libpq connection that has no password to give (no passfile, never prompts)
no_password() { PGPASSFILE=/dev/null psql -w "host=127.0.0.1 port=$pg_port dbname=jiesu_security user=$1" -XtAc "SELECT 1"; }

check_eq "the services connect as jiesu_service, no superuser, no CREATEROLE/CREATEDB" "jiesu_service|false|false|false" \
    "$(as_service "SELECT current_user || '|' || rolsuper || '|' || rolcreaterole || '|' || rolcreatedb FROM pg_roles WHERE rolname = current_user")"
check_eq "it is in none of the server-file and program roles" "false|false|false" \
    "$(as_service "SELECT string_agg(pg_has_role(current_user, r, 'MEMBER')::text, '|' ORDER BY r) FROM unnest(ARRAY['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files']) r")"
check "the service role cannot COPY ... TO PROGRAM" refused "COPY (SELECT 1) TO PROGRAM 'id'"
check_eq "... and says why" 1 "$(as_service "COPY (SELECT 1) TO PROGRAM 'id'" | grep -c 'pg_execute_server_program')"
check "the service role cannot read pg_authid (the password hashes)" refused "SELECT rolpassword FROM pg_authid"
check "the service role cannot create a role" refused "CREATE ROLE intruder LOGIN PASSWORD 'x'"
check "the service role cannot create a table" refused "CREATE TABLE intruder (x int)"
check "the service role cannot read a server file" refused "SELECT pg_read_file('/etc/passwd')"
check "the service role cannot truncate a table" refused "TRUNCATE complaints CASCADE"
check_eq "complaint_events: no UPDATE or DELETE granted to the service role" "false|false|true|true" \
    "$(as_service "SELECT has_table_privilege('complaint_events', 'UPDATE') || '|' || has_table_privilege('complaint_events', 'DELETE') || '|' || has_table_privilege('complaint_events', 'INSERT') || '|' || has_table_privilege('complaint_events', 'SELECT')")"
check_eq "the service role reads and writes the other tables" "true|true|true|true" \
    "$(as_service "SELECT has_table_privilege('complaints', 'SELECT') || '|' || has_table_privilege('complaints', 'INSERT') || '|' || has_table_privilege('complaints', 'UPDATE') || '|' || has_table_privilege('deadlines', 'DELETE')")"
check_eq "the owner role is no superuser either and owns the tables" "false|false|jiesu_owner" \
    "$(sql "SELECT rolsuper || '|' || rolcreaterole || '|' || (SELECT tableowner FROM pg_tables WHERE tablename = 'complaints') FROM pg_roles WHERE rolname = current_user")"

check "no connection without a password (service role)" fails no_password jiesu_service
check "no connection without a password (bootstrap superuser)" fails no_password jiesu_admin
check_eq "a wrong password is refused" 1 \
    "$(PGPASSWORD=wrong psql -w "host=127.0.0.1 port=$pg_port dbname=jiesu_security user=jiesu_service" -XtAc "SELECT 1" 2>&1 | grep -c 'password authentication failed')"
check_eq "pg_hba.conf: host lines from 127.0.0.1 with scram-sha-256 only" "1|0" \
    "$(psql "$admin_pg" -XtAq -c "SELECT count(*) || '|' || count(*) FILTER (WHERE type <> 'host' OR address <> '127.0.0.1' OR auth_method <> 'scram-sha-256') FROM pg_hba_file_rules")"

redis_port=$JIESU_STACK_REDIS_PORT
check_eq "Redis refuses commands without AUTH" 1 \
    "$(env -u REDISCLI_AUTH redis-cli -p "$redis_port" SET intruder 1 2>&1 | grep -c NOAUTH)"
check_eq "Redis listens on 127.0.0.1 only, in protected mode" "127.0.0.1 yes" \
    "$(redis-cli -p "$redis_port" CONFIG GET bind | sed -n 2p) $(redis-cli -p "$redis_port" CONFIG GET protected-mode | sed -n 2p)"
check_eq "the Redis password is not on its command line (ps)" 0 \
    "$(tr '\0' ' ' <"/proc/$(cat "$JIESU_STACK_DIR/redis.pid")/cmdline" | grep -c "$REDISCLI_AUTH")"

check_eq "secrets directory 0700, every file in it 0600" "700 600" \
    "$(stat -c %a "$secrets") $(stat -c %a "$secrets"/* | sort -u | tr '\n' ' ' | sed 's/ $//')"
check_eq "redis.conf (it holds the password) is 0600" 600 "$(stat -c %a "$JIESU_STACK_DIR/redis.conf")"
check_eq "var/ is 0700" 700 "$(stat -c %a "$REPO/var")"
if [ "$(id -u)" = 0 ]; then
    nobody() { env -u REDISCLI_AUTH -u PGPASSFILE runuser -u nobody -- "$@"; }
    check "nobody cannot list var/" fails nobody ls "$REPO/var"
    check "nobody cannot read the Redis password" fails nobody cat "$secrets/redis.password"
    check_eq "nobody cannot connect to PostgreSQL with the service's conninfo" 1 \
        "$(nobody psql -w "$JIESU_PG_CONNINFO" -XtAc "SELECT 1" 2>&1 | grep -c 'no password supplied')"
    check_eq "nobody cannot use Redis" 1 "$(nobody redis-cli -p "$redis_port" GET jiesu:route 2>&1 | grep -c NOAUTH)"
else
    echo "  skip the checks as Unix user nobody: they need root (runuser); run make test as root for them"
fi

# A service started with a careless umask still keeps its rejects file to
# itself, and closes what an older version left open: a rejects directory
# 0755 (as an image's volume starts) and an earlier rejects file 0644.
mkdir -p "$HARNESS_DIR/rejects"
chmod 755 "$HARNESS_DIR/rejects"
old_rejects=$HARNESS_DIR/rejects/import-0-rejects.csv
printf '记录,文件行号,列,原因,原值\n1,2,联系电话,号码不对,13912345678\n' >"$old_rejects"
chmod 644 "$old_rejects"
umask 022
harness_services_start
umask 077
check_eq "intake made the rejects directory 0700 and the older rejects file 0600" "700 600" \
    "$(stat -c %a "$HARNESS_DIR/rejects") $(stat -c %a "$old_rejects")"
check "... and logged that it did" grep -q "rejects directory .*made 0700 (it was 755) and 1 file(s) in it 0600" \
    "$HARNESS_DIR/intake.log"
csv=$HARNESS_DIR/security.csv
printf '工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容\nS-1,not a date,王先生,13912345678,崂山区沙子口街道,路灯坏了\nS-2,2026-11-18 09:00:00,李女士,13812345678,崂山区沙子口街道南姜社区,垃圾桶满了\n' >"$csv"
as_role clerk "$JIESU_BIN/jiesu" import "$csv" >"$HARNESS_DIR/security-import.out" 2>&1
rejects=$(ls -t "$HARNESS_DIR"/rejects/*.csv 2>/dev/null | grep -v import-0-rejects | head -n 1)
check "the bad row went to a rejects file" test -s "$rejects"
check_eq "a service started with umask 022 writes its rejects file 0600" 600 "$(stat -c %a "$rejects" 2>/dev/null)"
wait_for "the good row routed" 30 sql_eq "SELECT status <> 'new' FROM complaints WHERE ticket_no = 'S-2'" t
check_eq "each service's PostgreSQL sessions carry its name (pg_stat_activity: whose a session or a lock is)" \
    "jiesu-assignment jiesu-escalation jiesu-intake jiesu-reporting" \
    "$(sql "SELECT string_agg(DISTINCT application_name, ' ' ORDER BY application_name) FROM pg_stat_activity
             WHERE usename = 'jiesu_service' AND application_name LIKE 'jiesu-%'")"

# Redis restarts: the services reconnect with AUTH and work goes on.
redis-cli -p "$redis_port" SHUTDOWN >/dev/null 2>&1
wait_for "Redis down" 10 bash -c "! redis-cli -p $redis_port PING"
"$stack" start "$JIESU_STACK_DIR" "$redis_port" "$pg_port" >/dev/null
# The first write on a connection the server closed fails (the reconciler
# enqueues that order later); the next one reconnects, with AUTH.
for t in S-3 S-4; do
    printf '工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容\n%s,2026-11-18 10:00:00,张先生,13712345678,崂山区沙子口街道南姜社区,路灯不亮\n' "$t" >"$csv"
    check "import of $t after Redis restarted succeeds" as_role clerk "$JIESU_BIN/jiesu" import "$csv"
done
# within 20 s: through the stream (intake and assignment authenticated again),
# not the reconciler's re-read of PostgreSQL a minute later
check "the second one is routed through the stream at once" \
    wait_for "S-4 routed" 20 sql_eq "SELECT status <> 'new' FROM complaints WHERE ticket_no = 'S-4'" t
check_eq "no service was refused by Redis (NOAUTH, WRONGPASS)" 0 \
    "$(cat "$HARNESS_DIR"/{intake,assignment,escalation,reporting}.log | grep -c 'NOAUTH\|WRONGPASS')"
harness_services_stop
