#!/usr/bin/env python3
"""compose_check.py — what compose.yaml must hold for the services to start
in containers, checked on `docker-compose config` (no Docker engine needed):
every jiesu container mounts the `keys` volume where docker/jiesu.conf says
the keys are (keys.dir), read-only except for the `keys` job that makes
them; the operator's key (cli.key_file) lies there; the `keys` job runs
before `migrate` (which registers the keys) and `migrate` before every
service.

    docker-compose config | tests/tools/compose_check.py docker/jiesu.conf

Prints one line per fault and exits 1, or exits 0 silently.
"""
import configparser
import posixpath
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


def faults(compose, conf):
    keys_dir = conf.get("keys", "dir", fallback=None)
    if not keys_dir:
        yield "docker/jiesu.conf: no [keys] dir"
        return
    key_file = conf.get("cli", "key_file", fallback="")
    if posixpath.dirname(key_file) != keys_dir:
        yield f"docker/jiesu.conf: cli.key_file '{key_file}' is not in keys.dir '{keys_dir}'"
    services = compose.get("services", {})
    if "keys" not in compose.get("volumes", {}):
        yield "no volume named 'keys'"
    for name, svc in sorted(services.items()):
        if not str(svc.get("image", "")).startswith("jiesu/"):
            continue
        mount = keys_mount(svc)
        if mount is None:
            yield f"{name}: does not mount the keys volume"
            continue
        target, ro = mount
        if target != keys_dir:
            yield f"{name}: keys volume at {target}, keys.dir is {keys_dir}"
        if ro != (name != "keys"):
            yield f"{name}: keys volume {'read-only' if ro else 'writable'}"
        if name in ("keys", "migrate") or "tools" in svc.get("profiles", []):
            continue
        if not waits_for(svc, "migrate"):
            yield f"{name}: does not wait for migrate to finish"
    if services.get("keys", {}).get("command") != ["keys"]:
        yield "keys: its command is not `keys`"
    if not waits_for(services.get("migrate", {}), "keys"):
        yield "migrate: does not wait for the keys job to finish"


def main():
    conf = configparser.ConfigParser()
    conf.read(sys.argv[1], encoding="utf-8")
    found = list(faults(yaml.safe_load(sys.stdin), conf))
    for f in found:
        print(f"compose.yaml: {f}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
