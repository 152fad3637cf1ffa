#!/usr/bin/env bash
# deps.sh — install the Debian packages jiesu needs to build, run and test, if missing.
# Runs apt-get only when something is absent, so a prepared machine pays nothing.
set -euo pipefail

PKGS=(
    build-essential pkg-config
    libzmq3-dev libprotobuf-c-dev protobuf-c-compiler   # ZeroMQ bus, protobuf messages
    libhiredis-dev redis-server                         # work queues and timers
    libpq-dev postgresql postgresql-client              # system of record
    libcmocka-dev                                       # unit tests
    libssl-dev                                          # SHA-256 of imported files
    libsodium-dev                                       # password hashing (Argon2id), API token hashes
    libmicrohttpd-dev libcurl4-openssl-dev              # HTTP API, webhook delivery
    libzip-dev libexpat1-dev libxlsxwriter-dev          # XLSX in and out
    liblinear-dev                                       # the text model routing learns (logistic regression)
    docker-compose jq                                   # compose.yaml validation, JSON checks in tests
    chromium fonts-noto-cjk                             # the dashboard rendered headless in tests
    curl zip clang                                      # Open311 and hostile-XLSX tests, make fuzz (libFuzzer)
    python3                                             # the webhook receiver of the escalation tests
    tzdata                                              # the `timezone` setting is checked against it
)

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# As root apt-get runs as it is; otherwise through sudo (which may ask for the
# password); without either, the message names what to install.
sudo_=()
if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1 || ! { [ -t 0 ] || sudo -n true 2>/dev/null; }; then
        echo "deps: 缺这些 Debian 软件包：${missing[*]}" >&2
        echo "deps: 请以 root 身份安装（或给 $(id -un) sudo 权限），再运行一次 make：" >&2
        echo "  apt-get install ${missing[*]}" >&2
        exit 1
    fi
    sudo_=(sudo)
fi
echo "deps: 正在安装 ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
{ "${sudo_[@]}" apt-get update -qq && "${sudo_[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } ||
    { echo "deps: apt-get 失败；请以 root 身份运行：apt-get install ${missing[*]}" >&2; exit 1; }
# Debian's postgresql and redis-server packages start system servers on 5432 and
# 6379; jiesu runs its own (scripts/stack.sh), on other ports, and leaves those alone.
