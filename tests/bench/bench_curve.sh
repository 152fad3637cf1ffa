#!/usr/bin/env bash
# bench_curve.sh — what CURVE encryption and the ZAP handler cost the bus:
# request round trips and bulk transfer with CURVE against the same sockets
# without it, in the same run (tests/tools/bench_curve.c). The import's
# ratio to COPY, which includes CURVE for the file's bytes, is bench_import's.
#
#   tests/bench/bench_curve.sh BUILD_DIR [ROUND_TRIPS] [MIB]
set -euo pipefail
BUILD=$(cd "${1:?usage: bench_curve.sh BUILD_DIR [ROUND_TRIPS] [MIB]}" && pwd)
echo "== CURVE on the bus"
"$BUILD/tools/bench_curve" "${2:-20000}" "${3:-200}"
