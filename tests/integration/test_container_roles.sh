# test_container_roles.sh — the roles of the PostgreSQL container
# (docker/pg-roles.sh, which the image runs on its first start), on a real
# PostgreSQL of the test's own, started as the image would be: a superuser
# and its database, no jiesu role yet. Checks that the script makes the
# schema owner's and the services' roles with the passwords it is handed
# (quotes and backslashes in them too), no superuser among them, the
# database the owner's and closed to every other role; that `jiesu migrate`
# runs as the owner the way compose's migrate job runs it (the password in
# PGPASSWORD) and grants the services' role rows only; and that running the
# script again changes a password.
# Sourced by tests/run.sh (uses tests/harness.sh).

box=$HARNESS_DIR/container-pg
box_port=$(free_port)
STACK_FAST=1 "$REPO/scripts/stack.sh" start "$box/stack" "$(free_port)" "$box_port" >/dev/null
box_admin=$("$REPO/scripts/stack.sh" conninfo "$box/stack" admin postgres)
# As the image starts: its superuser and database only.
psql "$box_admin" -XqAt -v ON_ERROR_STOP=1 -f - <<'SQL'
SET client_min_messages = warning;
DROP DATABASE IF EXISTS jiesu WITH (FORCE);
DROP ROLE jiesu_owner;
DROP ROLE jiesu_service;
CREATE DATABASE box;
SQL

owner_pw="own'er\\$RANDOM"
service_pw="serv'ice\\$RANDOM"
# pg_roles_sh SERVICE_PASSWORD: docker/pg-roles.sh as the image runs it, here over TCP as the superuser.
pg_roles_sh() {
    env PGHOST=127.0.0.1 PGPORT="$box_port" PGPASSFILE="$box/secrets/pg-admin.pgpass" \
        POSTGRES_USER=jiesu_admin POSTGRES_DB=box JIESU_DB_DIR="$REPO/db" \
        JIESU_PG_OWNER_PASSWORD="$owner_pw" JIESU_PG_SERVICE_PASSWORD="$1" sh "$REPO/docker/pg-roles.sh"
}
# box_sql ROLE PASSWORD SQL: one query on database box as ROLE with PASSWORD (no passfile).
box_sql() {
    PGPASSFILE=/dev/null PGPASSWORD=$2 psql -w "host=127.0.0.1 port=$box_port dbname=box user=$1" \
        -XtAq -v ON_ERROR_STOP=1 -c "$3" 2>&1
}

check "pg-roles.sh runs as the image's first start runs it" pg_roles_sh "$service_pw"
check_eq "jiesu_service logs in with its password; no superuser, CREATEROLE or CREATEDB" "jiesu_service|f|f|f" \
    "$(box_sql jiesu_service "$service_pw" "SELECT current_user || '|' || rolsuper::char || '|' || rolcreaterole::char || '|' || rolcreatedb::char FROM pg_roles WHERE rolname = current_user")"
check_eq "jiesu_owner logs in with its, owns the database and is no superuser" "jiesu_owner|f" \
    "$(box_sql jiesu_owner "$owner_pw" "SELECT pg_get_userbyid(datdba) || '|' || (SELECT rolsuper::char FROM pg_roles WHERE rolname = current_user) FROM pg_database WHERE datname = 'box'")"
psql "$box_admin" -XqAt -c "CREATE ROLE box_other LOGIN PASSWORD 'other'" >/dev/null
check "... and no other role may connect to it" fails box_sql box_other other "SELECT 1"
check "a wrong password is refused" fails box_sql jiesu_service "not-$service_pw" "SELECT 1"

# compose's migrate job: the owner's connection, its password in PGPASSWORD.
check "jiesu migrate runs as the owner, its password in PGPASSWORD" env PGPASSFILE=/dev/null PGPASSWORD="$owner_pw" \
    JIESU_PG_OWNER_CONNINFO="host=127.0.0.1 port=$box_port dbname=box user=jiesu_owner" \
    JIESU_PG_CONNINFO="host=127.0.0.1 port=$box_port dbname=box user=jiesu_service" \
    JIESU_REDIS_ADDR=127.0.0.1:1 "$JIESU_BIN/jiesu" migrate
check_eq "the services' role reads and writes the rows" "0|true" \
    "$(box_sql jiesu_service "$service_pw" "SELECT count(*) || '|' || has_table_privilege('complaints', 'INSERT') FROM complaints")"
check "... and cannot create a table" fails box_sql jiesu_service "$service_pw" "CREATE TABLE intruder (x int)"

check "pg-roles.sh again, with a new password for the services" pg_roles_sh "new-$service_pw"
check_eq "... which logs in" jiesu_service "$(box_sql jiesu_service "new-$service_pw" "SELECT current_user")"
check "... and the old one no more" fails box_sql jiesu_service "$service_pw" "SELECT 1"

"$REPO/scripts/stack.sh" clean "$box/stack" >/dev/null 2>&1
