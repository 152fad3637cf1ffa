#!/usr/bin/env python3
"""compose_check.py — what compose.yaml must hold for the services to start
in containers, and to start with no more than they need, checked on
`docker-compose config` (no Docker engine needed):

- every jiesu container mounts the `keys` volume where docker/jiesu.conf
  says the keys are (keys.dir), read-only except for the `keys` job that
  writes them; the operator's key (cli.key_file) and Redis's password file
  (redis.password_file) lie there;
- the `keys` job writes that password file and runs `jiesu keys`; it runs
  before `migrate` (which registers the keys), `migrate` before every
  service;
- the directories that hold secrets or callers' data (keys.dir,
  intake.rejects_dir, intake.spool_dir) are absolute in docker/jiesu.conf
  (not under the working directory, which the image does not make) and
  made 0700 by docker/Dockerfile beside it (chmod 0700 in a RUN line);
- besides the keys, each container mounts what it uses and no more
  (docker/README.md, "Files"): intake the rejects volume at
  intake.rejects_dir, cli the imports directory; files go over the bus, so
  intake has no imports directory and cli no rejects volume;
- PostgreSQL passwords: the services get the services' role's
  (PGPASSWORD), `migrate` the schema owner's, the `keys` job none, no
  jiesu container the superuser's; the PostgreSQL container gets the owner's and the services'
  for docker/pg-roles.sh, and Redis its own.

    docker-compose config | tests/tools/compose_check.py docker/jiesu.conf

with the passwords compose read in the environment (JIESU_PG_PASSWORD,
JIESU_PG_OWNER_PASSWORD, JIESU_PG_SERVICE_PASSWORD, JIESU_REDIS_PASSWORD),
each a different value. Prints one line per fault and exits 1, or exits 0
silently.
"""
import configparser
import os
import posixpath
import re
import sys

import yaml

FINISHED = "service_completed_successfully"


def keys_mount(service):
    """(target, read_only) of the service's `keys` volume, or None."""
    for v in service.get("volumes", []):
        if isinstance(v, str):
            parts = v.split(":")
            if parts[0] == "keys":
                return parts[1], len(parts) > 2 and "ro" in parts[2].split(",")
        elif v.get("source") == "keys":
            return v["target"], bool(v.get("read_only"))
    return None


def waits_for(service, other):
    dep = service.get("depends_on", {})
    return isinstance(dep, dict) and dep.get(other, {}).get("condition") == FINISHED


def jiesu_services(compose):
    return {n: s for n, s in compose.get("services", {}).items() if str(s.get("image", "")).startswith("jiesu/")}


def conf_faults(conf):
    keys_dir = conf.get("keys", "dir", fallback="")
    if not keys_dir:
        yield "docker/jiesu.conf: no [keys] dir"
    for section, key in (("cli", "key_file"), ("redis", "password_file")):
        value = conf.get(section, key, fallback="")
        if posixpath.dirname(value) != keys_dir:
            yield f"docker/jiesu.conf: {section}.{key} '{value}' is not in keys.dir '{keys_dir}'"


PRIVATE_DIRS = (("keys", "dir", "secret keys"), ("intake", "rejects_dir", "rejects files"),
                ("intake", "spool_dir", "uploaded files"))


def made_private(dockerfile):
    """The paths the Dockerfile's commands make 0700 (chmod 0700 PATH...)."""
    made = set()
    for cmd in re.split(r"&&|;|\n", dockerfile.replace("\\\n", " ")):
        words = cmd.split()
        if words[:2] == ["chmod", "0700"]:
            made.update(words[2:])
    return made


def private_dir_faults(conf, dockerfile):
    made = made_private(dockerfile)
    for section, key, what in PRIVATE_DIRS:
        value = conf.get(section, key, fallback="")
        if not posixpath.isabs(value):
            yield f"docker/jiesu.conf: {section}.{key} '{value}' ({what}) is not an absolute path"
        elif value not in made:
            yield f"docker/Dockerfile: {section}.{key} {value} ({what}) is not made 0700"


def keys_faults(compose, conf):
    keys_dir = conf.get("keys", "dir", fallback="")
    if "keys" not in compose.get("volumes", {}):
        yield "no volume named 'keys'"
    for name, svc in sorted(jiesu_services(compose).items()):
        mount = keys_mount(svc)
        if mount is None:
            yield f"{name}: does not mount the keys volume"
            continue
        target, ro = mount
        if target != keys_dir:
            yield f"{name}: keys volume at {target}, keys.dir is {keys_dir}"
        if ro != (name != "keys"):
            yield f"{name}: keys volume {'read-only' if ro else 'writable'}"
    job = " ".join(compose.get("services", {}).get("keys", {}).get("entrypoint") or [])
    if conf.get("redis", "password_file", fallback="?") not in job or "jiesu keys" not in job:
        yield "keys: does not write redis.password_file and run `jiesu keys`"


# Where cli reads the clerk's exports (and a profile of their own) from.
IMPORTS_DIR = "/var/lib/jiesu/imports"


def mount_targets(service):
    """The targets the service mounts, the keys volume aside."""
    for v in service.get("volumes", []):
        source, target = v.split(":")[:2] if isinstance(v, str) else (v.get("source"), v.get("target"))
        if source != "keys":
            yield target


def mount_faults(compose, conf):
    needed = {"intake": {conf.get("intake", "rejects_dir", fallback="")}, "cli": {IMPORTS_DIR}}
    for name, svc in sorted(jiesu_services(compose).items()):
        has, wants = set(mount_targets(svc)), needed.get(name, set())
        for target in sorted(has - wants):
            yield f"{name}: mounts {target}, which it does not use (docker/README.md, \"Files\")"
        for target in sorted(wants - has):
            yield f"{name}: does not mount {target} (docker/README.md, \"Files\")"


def order_faults(compose):
    for name, svc in sorted(jiesu_services(compose).items()):
        if name not in ("keys", "migrate") and "tools" not in svc.get("profiles", []):
            if not waits_for(svc, "migrate"):
                yield f"{name}: does not wait for migrate to finish"
    if not waits_for(compose.get("services", {}).get("migrate", {}), "keys"):
        yield "migrate: does not wait for the keys job to finish"


def password_faults(compose, env):
    superuser, owner, service, redis = (env.get(v) for v in (
        "JIESU_PG_PASSWORD", "JIESU_PG_OWNER_PASSWORD", "JIESU_PG_SERVICE_PASSWORD", "JIESU_REDIS_PASSWORD"))
    if len({superuser, owner, service, redis}) != 4:
        yield "compose_check.py needs four different passwords in its environment"
        return
    for name, svc in sorted(jiesu_services(compose).items()):
        got = (svc.get("environment") or {}).get("PGPASSWORD")
        if name == "keys":
            if got is not None:
                yield "keys: handed a PostgreSQL password (it touches no database)"
            continue
        want, role = (owner, "schema owner") if name == "migrate" else (service, "services' role")
        if got != want:
            yield f"{name}: PGPASSWORD is {'the superuser' if got == superuser else 'not the ' + role}'s password"
    services = compose.get("services", {})
    pg_env = services.get("postgres", {}).get("environment") or {}
    if pg_env.get("JIESU_PG_OWNER_PASSWORD") != owner or pg_env.get("JIESU_PG_SERVICE_PASSWORD") != service:
        yield "postgres: not handed the owner's and the services' passwords for docker/pg-roles.sh"
    if (services.get("redis", {}).get("environment") or {}).get("JIESU_REDIS_PASSWORD") != redis:
        yield "redis: not handed its password"


def main():
    conf = configparser.ConfigParser()
    conf.read(sys.argv[1], encoding="utf-8")
    compose = yaml.safe_load(sys.stdin)
    with open(posixpath.join(posixpath.dirname(sys.argv[1]), "Dockerfile"), encoding="utf-8") as f:
        dockerfile = f.read()
    found = [*conf_faults(conf), *private_dir_faults(conf, dockerfile), *keys_faults(compose, conf),
             *mount_faults(compose, conf), *order_faults(compose), *password_faults(compose, os.environ)]
    for f in found:
        print(f"compose.yaml: {f}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
