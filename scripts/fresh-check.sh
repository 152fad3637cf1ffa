#!/usr/bin/env bash
# fresh-check.sh — the README's promise tried on a truly fresh machine: a
# minimal Debian 12 root built with debootstrap from Debian's archive, this
# checkout copied into it under /root (0700, a path with a space and Chinese
# characters), and there, in a chroot, what the README says to do:
#   1. apt-get install make                (a bare Debian has no make)
#   2. make run as a user without sudo     must stop at once, naming the packages to install
#   3. make run as root                    installs the packages, starts everything
#   4. make stop; make run again           a second run just works
#   5. make test as root
#   6. make run as that user               (packages now there, no sudo needed)
# Each step is timed; the closing lines give the times, what deps.sh installed
# and the test summary. Slow (about 1 GB of packages), so not part of make test
# or CI:
#
#   scripts/fresh-check.sh [WORKDIR]      as root; needs debootstrap (apt-get install debootstrap)
#
# The logs of each step stay in WORKDIR. FRESH_MIRROR sets the archive
# (http://deb.debian.org/debian); FRESH_KEEP=1 keeps the root too. Everything
# started inside the chroot is stopped and /proc, /sys, /dev/shm, /dev/pts
# unmounted when it ends.
set -euo pipefail

die() { echo "fresh-check: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot and mount need it)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"

REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(realpath -m "${1:-$(mktemp -d /var/tmp/jiesu-fresh.XXXXXX)}")
ROOT=$WORK/root
CHECKOUT="/root/工单 jiesu"
USER_=checker
USER_CHECKOUT="/home/$USER_/工单 jiesu"
MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$WORK"

# Kills what still runs inside the root (servers make run left, say), then unmounts.
cleanup() {
    local p m
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill -9 "${p#/proc/}" 2>/dev/null
    done
    sleep 1
    for m in dev/ptmx dev/pts dev/shm sys proc; do
        if findmnt -rn --mountpoint "$ROOT/$m" >/dev/null; then umount "$ROOT/$m" || umount -l "$ROOT/$m" || true; fi
    done
    if grep -q " $ROOT/" /proc/mounts; then
        echo "fresh-check: something is still mounted under $ROOT: left in place" >&2
    elif [ "${FRESH_KEEP:-0}" != 1 ]; then
        rm -rf "$ROOT"
    fi
}
trap cleanup EXIT

declare -A took
# step NAME COMMAND...: runs a step, its output in WORK/NAME.log, and times it.
step() {
    local name=$1 t0 rc=0; shift
    echo "== $name"
    t0=$(date +%s)
    "$@" >"$WORK/$name.log" 2>&1 || rc=$?
    took[$name]="$(( $(date +%s) - t0 )) s (exit $rc)"
    tail -n 4 "$WORK/$name.log" | sed 's/^/   /'
    return 0
}

# in_root [-u USER] DIR COMMAND: a shell command in DIR inside the root, with a clean environment.
in_root() {
    local as=root
    [ "$1" = -u ] && { as=$2; shift 2; }
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 TERM=dumb /usr/sbin/runuser -u "$as" -- /bin/bash -c "cd \"\$0\" && $2" "$1"
}

copy_checkout() {   # copy_checkout DEST OWNER
    mkdir -p "$ROOT$1"
    tar -C "$REPO" --exclude=./build --exclude=./var --exclude=./.git -cf - . | tar -C "$ROOT$1" -xf -
    chroot "$ROOT" chown -R "$2:" "$1"
}

step debootstrap debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR"
[ -x "$ROOT/bin/bash" ] || die "debootstrap failed (see $WORK/debootstrap.log)"
# Inside a chroot a package's start-up script would start its server in the
# host's network (Debian's postgresql on 5432, redis on 6379): not here.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"; chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOT/proc"
mount -t sysfs -o ro sysfs "$ROOT/sys"
mkdir -p "$ROOT/dev/shm"; mount -t tmpfs -o mode=1777 shm "$ROOT/dev/shm"
# terminals of its own (the tests drive jiesu on one with script(1))
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$ROOT/dev/pts"
mount --bind "$ROOT/dev/pts/ptmx" "$ROOT/dev/ptmx"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
chroot "$ROOT" useradd -m -s /bin/bash "$USER_"
copy_checkout "$CHECKOUT" root
copy_checkout "$USER_CHECKOUT" "$USER_"
before=$(chroot "$ROOT" dpkg-query -W | wc -l)

step install-make in_root / "apt-get update -qq && apt-get install -y -qq make"
step user-without-sudo in_root -u "$USER_" "$USER_CHECKOUT" "make run"
step root-make-run in_root "$CHECKOUT" "make run"
step root-rerun in_root "$CHECKOUT" "make stop && make run"
step root-make-test in_root "$CHECKOUT" "make test"
in_root "$CHECKOUT" "make stop" >/dev/null 2>&1 || true
step user-make-run in_root -u "$USER_" "$USER_CHECKOUT" "make run"
in_root -u "$USER_" "$USER_CHECKOUT" "make stop" >/dev/null 2>&1 || true
after=$(chroot "$ROOT" dpkg-query -W | wc -l)

echo
echo "fresh-check: Debian $(cat "$ROOT/etc/debian_version") from $MIRROR, checkout at $CHECKOUT and $USER_CHECKOUT"
for s in debootstrap install-make user-without-sudo root-make-run root-rerun root-make-test user-make-run; do
    printf '  %-18s %s\n' "$s" "${took[$s]:-not run}"
done
echo "  packages: $before after debootstrap, $after at the end"
echo "  deps.sh: $(grep -h '^deps: 正在安装' "$WORK/root-make-run.log" | cut -c 1-400)"
echo "  without sudo: $(grep -h 'apt-get install' "$WORK/user-without-sudo.log" | head -n 1 | cut -c 1-200)"
echo "  make test: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$WORK/root-make-test.log" || echo 'no summary line')"
ok=1
grep -q "apt-get install" "$WORK/user-without-sudo.log" || { echo "FAIL: no package message without sudo"; ok=0; }
for s in root-make-run root-rerun user-make-run; do
    grep -q "make stop" "$WORK/$s.log" && [[ ${took[$s]} == *"(exit 0)" ]] || { echo "FAIL: $s"; ok=0; }
done
grep -qE '^[0-9]+ passed, 0 failed' "$WORK/root-make-test.log" || { echo "FAIL: make test"; ok=0; }
[ "$ok" = 1 ] && echo "fresh-check: all steps passed (logs in $WORK)" || echo "fresh-check: some steps failed (logs in $WORK)"
[ "$ok" = 1 ]
