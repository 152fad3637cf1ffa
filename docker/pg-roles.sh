#!/bin/sh
# pg-roles.sh — run by the PostgreSQL container on its first start (compose.yaml
# mounts it into /docker-entrypoint-initdb.d): the schema owner's and the
# services' roles, with the passwords compose hands the container
# (JIESU_PG_OWNER_PASSWORD, JIESU_PG_SERVICE_PASSWORD), and database
# $POSTGRES_DB made theirs: db/roles.sql and db/database.sql, mounted at
# /usr/share/jiesu/db (JIESU_DB_DIR), as scripts/stack.sh runs them outside
# containers. psql connects as $POSTGRES_USER, the cluster's superuser, the
# way the image's own start-up does (or wherever PGHOST and PGPORT point).
# Safe to repeat, e.g. after changing a password in .env:
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/jiesu-roles.sh
set -eu
db_dir=${JIESU_DB_DIR:-/usr/share/jiesu/db}

# A psql \set line: name, then the value quoted (' doubled, \ escaped).
set_var() { printf "\\\\set %s '%s'\n" "$1" "$(printf '%s' "$2" | sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/''/g")"; }

: "${JIESU_PG_OWNER_PASSWORD:?the schema owner's password (compose.yaml hands it over from .env)}"
: "${JIESU_PG_SERVICE_PASSWORD:?the services' password (compose.yaml hands it over from .env)}"
{
    set_var owner_password "$JIESU_PG_OWNER_PASSWORD"
    set_var service_password "$JIESU_PG_SERVICE_PASSWORD"
    set_var db "$POSTGRES_DB"
    cat "$db_dir/roles.sql" "$db_dir/database.sql"
} | psql -v ON_ERROR_STOP=1 -XqAt --username "$POSTGRES_USER" --dbname "$POSTGRES_DB"
echo "jiesu: roles jiesu_owner and jiesu_service ready; database $POSTGRES_DB is jiesu_owner's"
