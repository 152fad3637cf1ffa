#!/usr/bin/env bash
# run.sh — `make bench`: runs every tests/bench/bench_*.sh (or those named) in
# turn. Each prints its figures as ratios against a reference measured in the
# same run on the same machine, so they hold on a noisy machine.
#
#   tests/bench/run.sh BUILD_DIR [NAME...]      e.g. tests/bench/run.sh build/release import
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:?usage: tests/bench/run.sh BUILD_DIR [NAME...]}
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$HERE" && ls bench_*.sh | sed 's/^bench_//; s/\.sh$//'))

failed=0
for n in "${names[@]}"; do
    echo "=== bench: $n"
    bash "$HERE/bench_$n.sh" "$BUILD" || { echo "bench $n failed"; failed=1; }
done
exit $failed
