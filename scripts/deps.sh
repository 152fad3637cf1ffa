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
    libmicrohttpd-dev libcurl4-openssl-dev              # HTTP API, webhook delivery
    libzip-dev libexpat1-dev libxlsxwriter-dev          # XLSX in and out
    liblinear-dev                                       # the text model routing learns (logistic regression)
    docker-compose jq                                   # compose.yaml validation, JSON checks in tests
    chromium fonts-noto-cjk                             # the dashboard rendered headless in tests
    curl zip clang                                      # Open311 and hostile-XLSX tests, make fuzz (libFuzzer)
)

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's postgresql package starts a system cluster on 5432; jiesu runs its own under var/.
