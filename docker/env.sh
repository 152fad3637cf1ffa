#!/bin/sh
# env.sh — writes .env beside compose.yaml: a generated password for each of
# JIESU_PG_PASSWORD (PostgreSQL's superuser, which no jiesu container uses),
# JIESU_PG_OWNER_PASSWORD (the schema's owner: the migrate job),
# JIESU_PG_SERVICE_PASSWORD (the services' role) and JIESU_REDIS_PASSWORD.
# compose reads .env and refuses to start without them; there are no
# defaults. A variable already in .env is kept, so running it again only adds
# what is missing. .env is 0600 and git ignores it.
#   docker/env.sh [ENV_FILE]      (default: .env at the top of the repository)
set -eu
env_file=${1:-$(cd "$(dirname "$0")/.." && pwd)/.env}
umask 077
touch "$env_file"
chmod 600 "$env_file"
for var in JIESU_PG_PASSWORD JIESU_PG_OWNER_PASSWORD JIESU_PG_SERVICE_PASSWORD JIESU_REDIS_PASSWORD; do
    grep -q "^$var=" "$env_file" && continue
    echo "$var=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" >>"$env_file"
    echo "env.sh: $var generated into $env_file"
done
